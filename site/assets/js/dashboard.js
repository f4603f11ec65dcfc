/* keepslot dashboard: /dashboard/, the freelancer's day and their clients' reliability.
   Sign-in: the emailed link's token is read from the address, removed from it at once,
   and exchanged for a session kept in sessionStorage (this tab only) and sent as a
   bearer. Buttons that keep, return or refund money ask for a second press. */
(function (KS) {
  "use strict";
  const root = document.getElementById("ks-dashboard");
  if (!root) return;
  const { h, t } = KS;
  const KEY = "ks-dashboard-session";
  const MONEY = ["decline", "no-show", "waive", "confirm-deposit"];
  const TOKEN = /^[A-Za-z0-9_.-]{20,300}$/;
  let live, view, config;

  const stored = () => {
    try {
      return sessionStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  };
  const keep = (token) => {
    try {
      if (token) sessionStorage.setItem(KEY, token);
      else sessionStorage.removeItem(KEY);
    } catch (e) {
      // storage refused (a private mode): the session lasts until the page is left
    }
  };
  let session = null;

  async function start() {
    live = KS.regions(root);
    view = h("div", { class: "ks-view" });
    root.append(view);
    const fromLink = location.hash.replace(/^#/, "");
    if (fromLink) history.replaceState(history.state, "", location.pathname + location.search);
    config = await KS.loadConfig().catch(() => null);
    if (fromLink && TOKEN.test(fromLink)) {
      try {
        const s = await KS.api("POST", "/api/dashboard/session", { token: fromLink });
        session = s.token;
        keep(session);
      } catch (err) {
        return signIn(t("dash.signin.expired"));
      }
    } else {
      session = stored();
    }
    if (!session) return signIn();
    return load();
  }

  function signIn(notice) {
    keep(null);
    session = null;
    const input = h("input", { id: "ks-dash-email", type: "email", name: "email", autocomplete: "email", required: true, "data-testid": "signin-email" });
    const send = h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "signin-send", text: t("dash.signin.send") });
    const done = h("p", { class: "ks-lead", "data-testid": "signin-sent", hidden: true, text: t("dash.signin.sent") });
    const form = h(
      "form",
      {
        class: "ks-panel",
        "data-testid": "signin",
        onsubmit: async (ev) => {
          ev.preventDefault();
          live.clear();
          try {
            await KS.busy(send, () => KS.api("POST", "/api/dashboard/login", { body: { email: input.value } }));
            done.hidden = false;
            KS.focus(done);
          } catch (err) {
            live.fail(err);
          }
        },
      },
      h("h2", { text: t("dash.signin.title") }),
      notice ? h("p", { class: "ks-notice", "data-testid": "signin-notice", text: notice }) : null,
      h("p", { text: t("dash.signin.lead") }),
      h("label", { for: "ks-dash-email", text: t("dash.signin.email") }),
      input,
      send,
      done
    );
    view.replaceChildren(form);
  }

  async function load(said) {
    view.replaceChildren(h("p", { class: "ks-loading", text: t("loading") }));
    let data, report;
    try {
      [data, report] = await Promise.all([KS.api("GET", "/api/dashboard", { token: session }), KS.api("GET", "/api/dashboard/report?months=12", { token: session })]);
    } catch (err) {
      if (err.status === 401 || err.status === 403) return signIn();
      view.replaceChildren();
      return live.fail(err, KS.button(t("retry"), { onclick: () => load() }));
    }
    const figures = KS.dashboardCharts(report);
    view.replaceChildren(
      h("p", { class: "ks-signout" }, KS.button(t("dash.signout"), { "data-testid": "signout", onclick: () => signIn() })),
      needsSection(data.needs_you || []),
      agendaSection(data.agenda || []),
      riskSection(data.at_risk || []),
      h(
        "section",
        { class: "ks-panel", "aria-labelledby": "ks-report-h", "data-testid": "report" },
        h("h2", { id: "ks-report-h", text: t("dash.report.title") }),
        ...figures,
        KS.policyTable(report),
        KS.button(t("dash.report.csv"), { "data-testid": "report-csv", onclick: downloadCsv })
      )
    );
    figures.forEach((f) => f.draw());
    if (said) live.say(said);
  }

  const biz = () => (config && config.business) || {};
  const when = (iso) => KS.when(iso, biz().timezone, biz().name);
  const label = (prefix, key) => (KS.has(`${prefix}.${key}`) ? t(`${prefix}.${key}`) : key);

  function needsSection(needs) {
    const items = needs.map((n, i) => {
      const b = n.booking;
      const title = t(`dash.needs.${n.kind}`, { calendar: n.calendar || "" });
      const about = b ? `${b.client.name} · ${when(b.start)}` : n.kind === "failed" ? t("dash.needs.failed_detail", { what: n.what, attempts: n.attempts }) : n.error || "";
      const buttons = h("div", { class: "ks-actions" }, ...(n.actions || []).map((a) => actionButton(n, a)));
      if (n.admin_url) buttons.append(h("a", { class: "ks-btn", href: n.admin_url, text: t("dash.needs.open") }));
      return h("li", { class: "ks-need", "data-testid": "need", "data-kind": n.kind, "data-index": String(i) }, h("strong", { text: title }), h("p", { text: about }), buttons);
    });
    return h(
      "section",
      { class: "ks-panel", "aria-labelledby": "ks-needs-h", "data-testid": "needs" },
      h("h2", { id: "ks-needs-h", text: t("dash.needs.title") }),
      items.length ? h("ul", { class: "ks-list" }, ...items) : h("p", { "data-testid": "needs-none", text: t("dash.needs.none") })
    );
  }

  function actionButton(need, action) {
    const name = label("admin.action", action);
    const btn = KS.button(name, { "data-testid": `act-${action}`, class: "ks-btn" + (MONEY.includes(action) ? " ks-btn--danger" : "") });
    btn.addEventListener("click", () => {
      if (!MONEY.includes(action)) return act(btn, need, action, false);
      // Money moves: a second, explicit press, with the policy's words beside it.
      const sure = KS.button(t("dash.confirm", { action: name }), { class: "ks-btn ks-btn--danger", "data-testid": `confirm-${action}`, onclick: () => act(sure, need, action, true) });
      const back = KS.button(t("dash.cancel"), { onclick: () => box.replaceWith(btn) });
      const box = h("div", { class: "ks-confirm", role: "group" }, h("p", { text: label("admin.confirm", action) }), sure, back);
      btn.replaceWith(box);
      KS.focus(sure);
    });
    return btn;
  }

  async function act(btn, need, action, confirm) {
    live.clear();
    try {
      await KS.busy(btn, () => KS.api("POST", "/api/dashboard/act", { token: session, body: { booking: need.booking.id, action, confirm } }));
      await load(label("admin.done", action) || t("dash.done"));
    } catch (err) {
      if (err.status === 401 || err.status === 403) return signIn();
      live.fail(err);
    }
  }

  function agendaSection(agenda) {
    const cols = ["when", "client", "service", "mode", "status", "deposit", "confirmed", "strikes"];
    const service = (id) => ((config && (config.services || []).find((s) => s.id === id)) || { name: id }).name;
    const cells = (b) => [
      when(b.start),
      b.client.name,
      service(b.service),
      label("mode", b.mode),
      label("status", b.status),
      `${KS.money(b.deposit)} · ${label("deposit", b.deposit.status)}`,
      b.confirmed_at ? KS.fmt(b.confirmed_at, KS.clientTz, "at") : "–",
      String(b.strikes),
    ];
    return h(
      "section",
      { class: "ks-panel", "aria-labelledby": "ks-agenda-h", "data-testid": "agenda" },
      h("h2", { id: "ks-agenda-h", text: t("dash.agenda.title") }),
      agenda.length
        ? h(
            "div",
            { class: "ks-scroll", tabindex: "0" },
            h(
              "table",
              { class: "ks-table" },
              h("thead", null, h("tr", null, ...cols.map((c) => h("th", { scope: "col", text: t(`dash.agenda.${c}`) })))),
              h("tbody", null, ...agenda.map((b) => h("tr", { "data-testid": "agenda-row", "data-status": b.status }, ...cells(b).map((v) => h("td", { text: v })))))
            )
          )
        : h("p", { text: t("dash.agenda.none") })
    );
  }

  function riskSection(risky) {
    return h(
      "section",
      { class: "ks-panel", "aria-labelledby": "ks-risk-h", "data-testid": "at-risk" },
      h("h2", { id: "ks-risk-h", text: t("dash.risk.title") }),
      risky.length
        ? h("ul", { class: "ks-list" }, ...risky.map((r) => h("li", { "data-testid": "risk", text: t("dash.risk.line", { name: r.name, strikes: r.strikes }) })))
        : h("p", { text: t("dash.risk.none") })
    );
  }

  async function downloadCsv() {
    const res = await fetch("/api/dashboard/report.csv?months=12", { headers: { Authorization: "Bearer " + session }, cache: "no-store" });
    if (!res.ok) return live.fail(new KS.ApiError(res.status, "http_" + res.status, ""));
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: "keepslot-report.csv" });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  }

  // A link opened in a tab already on this page changes only the fragment: read it anew.
  window.addEventListener("hashchange", () => location.hash && location.reload());
  start();
})(globalThis.KS || (globalThis.KS = {}));
