/* keepslot waitlist page: join (service, days, optional times, name, email), or, opened
   from the emailed link (#<token>), leave the list with one press (never on load: mail
   scanners open links). */
(function (KS) {
  "use strict";
  const root = document.getElementById("ks-waitlist");
  if (!root) return;
  const { h, t } = KS;

  async function start() {
    const token = KS.hashToken();
    const live = KS.regions(h("div"));
    const view = h("div", { class: "ks-view" });
    root.replaceChildren(live.status, live.alert, view);
    let config;
    try {
      config = await KS.loadConfig();
    } catch (err) {
      live.fail(err, KS.button(t("retry"), { onclick: start }));
      return;
    }
    if (token) leaveView(view, live, token);
    else joinView(view, live, config);
  }

  function leaveView(view, live, token) {
    const btn = KS.button(t("waitlist.leave.button"), { class: "ks-btn ks-btn--primary", "data-testid": "waitlist-leave" });
    btn.onclick = () =>
      KS.busy(btn, async () => {
        try {
          await KS.api("POST", "/api/waitlist/leave", { token });
          view.replaceChildren(h("p", { class: "ks-callout", "data-testid": "waitlist-left", text: t("waitlist.leave.done") }));
        } catch (err) {
          live.fail(err);
        }
      });
    view.replaceChildren(h("h2", { text: t("waitlist.leave.title") }), h("p", { text: t("waitlist.leave.body") }), h("div", { class: "ks-actions" }, btn));
  }

  function joinView(view, live, config) {
    const params = new URLSearchParams(location.search);
    const tz = config.business.timezone;
    const today = KS.dateParts(new Date(), tz);
    const day = params.get("day") || KS.addDays(today, 1);
    const input = (name, type, extra) => h("input", { name, type, class: "ks-input", "data-testid": "waitlist-" + name, ...(extra || {}) });
    const service = h("select", { name: "service", class: "ks-input", "data-testid": "waitlist-service" },
      config.services.map((s) => h("option", { value: s.id, text: s.name, selected: s.id === params.get("service") })));
    const mode = h("select", { name: "mode", class: "ks-input", "data-testid": "waitlist-mode" }, h("option", { value: "", text: t("waitlist.mode_any") }),
      ["video", "phone", "in_person"].map((m) => h("option", { value: m, text: t("mode." + m) })));
    const accept = h("input", { type: "checkbox", id: "ks-wl-accept", name: "policy", "data-testid": "waitlist-accept" });
    const submit = h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "waitlist-submit" }, t("waitlist.submit"));
    const form = h("form", { class: "ks-form", novalidate: true, "data-testid": "waitlist-form" },
      h("p", { text: t("waitlist.intro") }),
      KS.field({ label: t("waitlist.service"), name: "service", control: service, required: true }),
      KS.field({ label: t("waitlist.mode"), name: "mode", control: mode }),
      KS.field({ label: t("waitlist.from"), name: "from", control: input("from", "date", { value: day, min: today }), required: true }),
      KS.field({ label: t("waitlist.to"), name: "to", control: input("to", "date", { value: day, min: today }), required: true }),
      KS.field({ label: t("waitlist.times"), name: "times", hint: t("waitlist.times_hint"), control: input("times", "text", { placeholder: "09:00-13:00" }) }),
      KS.field({ label: t("waitlist.name"), name: "name", control: input("name", "text", { autocomplete: "name" }), required: true }),
      KS.field({ label: t("waitlist.email"), name: "email", control: input("email", "email", { autocomplete: "email" }), required: true }),
      h("div", { class: "ks-field ks-check" }, accept, h("label", { for: "ks-wl-accept" }, t("waitlist.accept"), " "),
        h("a", { href: "../policy/", target: "_blank", rel: "noopener", "data-testid": "policy-link" }, t("waitlist.policy_link"), h("span", { class: "ks-vh", text: " " + t("new_tab") }))),
      h("div", { class: "ks-actions" }, submit)
    );
    form.onsubmit = (ev) => {
      ev.preventDefault();
      live.clear();
      if (!accept.checked) {
        live.fail({ code: "", message: t("waitlist.accept") });
        return;
      }
      const v = (name) => form.elements[name].value.trim();
      const times = v("times") ? v("times").split(",").map((x) => x.replace(/\s+/g, "")).filter(Boolean) : undefined;
      const body = { service: v("service"), name: v("name"), email: v("email"), from: v("from"), to: v("to"), policy_version: config.policy_version, timezone: KS.clientTz };
      if (v("mode")) body.mode = v("mode");
      if (times) body.times = times;
      KS.busy(submit, async () => {
        try {
          await KS.api("POST", "/api/waitlist", { body });
          view.replaceChildren(h("p", { class: "ks-callout", "data-testid": "waitlist-done", text: t("waitlist.done", { email: body.email }) }));
        } catch (err) {
          const first = KS.fieldErrors(form, err.fields);
          live.fail(err);
          if (first) KS.focus(first);
        }
      });
    };
    view.replaceChildren(form);
  }

  start();
})(globalThis.KS);
