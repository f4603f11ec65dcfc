/* keepslot admin page: /admin/#<token>, the freelancer's one-click actions from an alert
   email. Loading only reads (mail scanners prefetch links); every action is a button
   press, and the ones that cannot be undone ask first. */
(function (KS) {
  "use strict";
  const root = document.getElementById("ks-admin");
  if (!root) return;
  const { h, t } = KS;
  // Asked about first: they end the booking, keep or move money, or shut a client out.
  const CONFIRM = ["cancel", "no-show", "decline", "block-client", "waive"];
  const DANGER = ["cancel", "no-show", "decline", "block-client"];
  let token, config, data, live, view;

  async function start() {
    const page = await KS.openLink(root, "/api/admin");
    ({ token, live, view, config, data } = page);
    if (!token) {
      view.replaceChildren(h("p", { class: "ks-lead", "data-testid": "no-token", text: t("admin.no_token") }));
      return;
    }
    if (page.error) {
      live.fail(page.error, page.error.retriable ? KS.button(t("retry"), { onclick: start, "data-testid": "retry" }) : null);
      KS.focus(live.alert);
      return;
    }
    render();
  }

  function render(done) {
    view.replaceChildren(
      ...[done || null, KS.bookingSummary(data.booking, config), clientSection(), answersSection(), policySection(), actionsSection()].filter(Boolean)
    );
  }

  const label = (prefix, key) => (KS.has(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : key.replace(/[_-]/g, " "));

  function dl(rows, testid, extra) {
    return h("dl", { class: "ks-summary" + (extra ? " " + extra : ""), "data-testid": testid }, rows.filter(Boolean).map(([k, v, id]) => [h("dt", { text: k }), h("dd", { "data-testid": id || null }, v)]));
  }

  function clientSection() {
    const c = data.client || {};
    const history = c.history || {};
    const rows = [
      [t("admin.client.name"), c.name, "client-name"],
      c.email ? [t("admin.client.email"), h("a", { href: "mailto:" + c.email, text: c.email }), "client-email"] : null,
      c.phone ? [t("admin.client.phone"), h("a", { href: "tel:" + c.phone.replace(/[^\d+]/g, ""), text: c.phone }), "client-phone"] : null,
      c.strikes !== undefined ? [t("admin.client.strikes"), String(c.strikes), "client-strikes"] : null,
      c.tier ? [t("admin.client.tier"), label("admin.tier", c.tier), "client-tier"] : null,
      c.blocked ? [t("admin.client.blocked"), t("yes"), "client-blocked"] : null,
    ];
    for (const credit of c.credits || []) {
      rows.push([t("admin.client.credit"), t("admin.client.credit_until", { amount: KS.money(credit), until: KS.day(credit.until) }), "client-credit"]);
    }
    const counts = Object.entries(history);
    return h(
      "section",
      { class: "ks-panel", "aria-labelledby": "ks-client-h" },
      h("h2", { id: "ks-client-h", text: t("admin.client.title") }),
      dl(rows, "client"),
      counts.length ? h("h3", { text: t("admin.history.title") }) : null,
      counts.length ? dl(counts.map(([k, n]) => [label("admin.history", k), String(n), "history-" + k]), "history", "ks-summary--counts") : null
    );
  }

  function answersSection() {
    const answers = Object.entries(data.answers || {});
    if (!answers.length && !data.notes) return null;
    const q = (id) => ((config.intake || []).find((x) => x.id === id) || {}).label || id;
    const rows = answers.map(([id, a]) => [q(id), a, "answer-" + id]);
    if (data.notes) rows.push([t("admin.notes"), data.notes, "client-notes"]);
    return h("section", { class: "ks-panel", "aria-labelledby": "ks-answers-h" }, h("h2", { id: "ks-answers-h", text: t("admin.answers") }), dl(rows, "answers"));
  }

  // The version the client accepted, and its rules as the booking stored them: the policy
  // page shows only the version published now.
  function policySection() {
    const p = data.policy;
    if (!p || !p.version) return null;
    const version = h("dd", { "data-testid": "policy-version", "data-current": String(p.current) },
      h("code", { text: p.version }), " ", t(p.current ? "admin.policy.current" : "admin.policy.earlier"));
    const rules = h(
      "details",
      { class: "ks-rules", "data-testid": "accepted-terms" },
      h("summary", { text: t("admin.policy.rules", { version: p.version }) }),
      h("ul", { class: "ks-policy" }, KS.policyPoints(p.terms).map((x) => h("li", { text: x })))
    );
    return h(
      "section",
      { class: "ks-panel", "aria-labelledby": "ks-policy-h" },
      h("h2", { id: "ks-policy-h", text: t("admin.policy.title") }),
      h("dl", { class: "ks-summary" }, h("dt", { text: t("admin.policy.version") }), version),
      rules,
      p.current ? h("p", {}, h("a", { href: "../policy/", target: "_blank", rel: "noopener", "data-testid": "policy-page" }, t("admin.policy.read"), h("span", { class: "ks-vh", text: " " + t("new_tab") }))) : null
    );
  }

  function actionsSection() {
    const actions = data.actions || [];
    const area = h("div", { class: "ks-confirm-area" });
    const body = actions.length
      ? h(
          "div",
          { class: "ks-actions ks-actions--wrap" },
          actions.map((name) =>
            KS.button(label("admin.action", name), {
              class: "ks-btn" + (DANGER.includes(name) ? " ks-btn--danger-quiet" : " ks-btn--primary"),
              "data-testid": "admin-action-" + name,
              onclick: (ev) => (CONFIRM.includes(name) ? confirm(name, ev.currentTarget, area) : act(name, {}, ev.currentTarget)),
            })
          )
        )
      : h("p", { "data-testid": "admin-no-actions", text: t("admin.no_actions") });
    return h("section", { class: "ks-panel", "aria-labelledby": "ks-actions-h" }, h("h2", { id: "ks-actions-h", text: t("admin.actions") }), body, area);
  }

  function confirm(name, opener, area) {
    const heading = h("h3", { tabindex: "-1", text: label("admin.confirm", name) });
    const choice = name === "waive" ? waiveChoice() : null;
    const yes = KS.button(label("admin.action", name), {
      class: "ks-btn " + (DANGER.includes(name) ? "ks-btn--danger" : "ks-btn--primary"),
      "data-testid": "admin-confirm",
      onclick: () => act(name, choice ? { as: choice.value() } : {}, yes),
    });
    const no = KS.button(t("admin.keep"), { class: "ks-btn", "data-testid": "admin-dismiss", onclick: () => { area.replaceChildren(); opener.focus(); } });
    area.replaceChildren(h("div", { class: "ks-confirm", "data-testid": "admin-confirm-panel", "data-action": name }, heading, choice && choice.el, h("div", { class: "ks-actions" }, yes, no)));
    KS.focus(heading);
  }

  // Waive: the deposit comes back as a credit (the policy's default) or as a refund.
  function waiveChoice() {
    const radio = (value, checked) => {
      const id = "ks-waive-" + value;
      return h("div", { class: "ks-radio" }, h("input", { type: "radio", name: "waive-as", id, value, checked, "data-testid": "waive-" + value }), h("label", { for: id, text: t("admin.waive." + value) }));
    };
    const el = h("fieldset", { class: "ks-fieldset" }, h("legend", { text: t("admin.waive.legend") }), radio("credit", true), radio("refund", false));
    return { el, value: () => el.querySelector("input:checked").value };
  }

  async function act(name, body, btn) {
    live.clear();
    let res;
    try {
      res = await KS.busy(btn, () => KS.api("POST", "/api/admin/" + encodeURIComponent(name), { token, body }));
      if (res.booking) data = { ...data, booking: res.booking };
    } catch (err) {
      if (err.code === "not_allowed_now") await reload();
      live.fail(err);
      KS.focus(live.alert);
      return;
    }
    await reload();
    const message = label("admin.done", name);
    const said = res.outcome && res.outcome.explanation; // what the client is told (cancel)
    const done = h(
      "div",
      { class: "ks-callout ks-callout--done", "data-testid": "admin-done", "data-action": name, tabindex: "-1" },
      h("p", { class: "ks-lead", text: message }),
      said ? h("p", { "data-testid": "admin-outcome", text: said }) : null
    );
    render(done);
    KS.focus(done);
  }

  async function reload() {
    try {
      data = await KS.api("GET", "/api/admin", { token });
    } catch (err) {
      live.fail(err);
    }
    render();
  }

  window.addEventListener("hashchange", start);
  start();
})(globalThis.KS);
