/* keepslot: what the book, manage and admin pages share. Plain script, no build step:
   everything hangs off the global KS (i18n.js loads first and defines KS.t). */
(function (KS) {
  "use strict";
  const t = (key, vars) => KS.t(key, vars);

  // ---- HTTP ---------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, code, message, fields) {
      super(message || code);
      this.status = status;
      this.code = code;
      this.fields = fields || {};
    }
    // Worth sending again unchanged: the request may never have been handled.
    get retriable() {
      return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
    }
  }

  // One call to the API. Bodies go as JSON; the token only ever in the Authorization header.
  async function api(method, path, { body, token, headers, raw } = {}) {
    const h = { Accept: "application/json", ...(headers || {}) };
    if (token) h.Authorization = "Bearer " + token;
    if (body !== undefined || raw !== undefined) h["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: h,
        body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
        credentials: "same-origin",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new ApiError(0, "network", t("error.network"));
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const err = (data && data.error) || {};
      throw new ApiError(res.status, err.code || "http_" + res.status, err.message || "", err.fields);
    }
    return data || {};
  }

  let configPromise = null;
  // GET /api/config once per page (or again with fresh = true); it sets the page language.
  function loadConfig(fresh) {
    if (!configPromise || fresh) {
      configPromise = api("GET", "/api/config").then((config) => {
        KS.setLocale(config.business && config.business.locale);
        return config;
      });
      configPromise.catch(() => {
        configPromise = null;
      });
    }
    return configPromise;
  }

  // The link's token lives in the fragment, which never reaches a server log. Once read
  // it leaves the address bar, so it is not in the history, a shared screen or a copied
  // address; the tab keeps it (sessionStorage) so that a reload still opens the page.
  const TOKEN = /^[A-Za-z0-9_\-.]{8,}$/;
  function hashToken() {
    const key = "ks-token:" + location.pathname;
    let raw = location.hash.replace(/^#/, "");
    if (!raw) {
      try {
        raw = sessionStorage.getItem(key) || "";
      } catch (e) {
        raw = "";
      }
      return TOKEN.test(raw) ? raw : null;
    }
    history.replaceState(history.state, "", location.pathname + location.search);
    try {
      raw = decodeURIComponent(raw).trim();
    } catch (e) {
      return null;
    }
    if (!TOKEN.test(raw)) return null;
    try {
      sessionStorage.setItem(key, raw);
    } catch (e) {
      // storage refused (a private mode): the page still works until it is reloaded
    }
    return raw;
  }

  // The manage and admin pages open the same way: the link's token, then the page's data
  // and the config together; an error waits until the page speaks the right language.
  async function openLink(root, path) {
    const live = regions(h("div"));
    const view = h("div", { class: "ks-view" });
    root.replaceChildren(live.status, live.alert, view);
    const page = { token: hashToken(), live, view, config: null, data: null, error: null };
    if (!page.token) return page;
    view.replaceChildren(h("p", { class: "ks-loading", text: t("loading") }));
    const pending = api("GET", path, { token: page.token });
    pending.catch(() => {}); // handled below
    try {
      page.config = await loadConfig();
      page.data = await pending;
    } catch (err) {
      view.replaceChildren();
      page.error = err;
    }
    return page;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  // ---- DOM ----------------------------------------------------------------

  // h("button", {class: "ks-btn", onclick: f, "data-testid": "x"}, "text", child, ...)
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (typeof v === "boolean" && k in el) el[k] = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat(4)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid.nodeType ? kid : String(kid));
    }
    return el;
  }

  let ids = 0;
  const uid = (prefix) => `${prefix}-${++ids}`;

  // Move focus to a heading or panel after a step change, so keyboard and screen
  // reader users land where the page changed.
  function focus(el) {
    if (!el) return;
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
    if (el.scrollIntoView) el.scrollIntoView({ block: "nearest" });
  }

  // The two live regions every page has: quiet progress, and errors that interrupt.
  function regions(root) {
    const status = h("div", { class: "ks-status", role: "status", "aria-live": "polite", "data-testid": "status" });
    const alert = h("div", { class: "ks-alert", role: "alert", "data-testid": "error", hidden: true });
    root.append(status, alert);
    return {
      status,
      alert,
      say(text) {
        status.textContent = "";
        // A fresh text node after a tick, so a repeated message is announced again.
        setTimeout(() => (status.textContent = text || ""), 30);
      },
      fail(err, extra) {
        alert.replaceChildren(...errorNodes(err), extra || "");
        alert.hidden = false;
      },
      clear() {
        alert.hidden = true;
        alert.replaceChildren();
      },
    };
  }

  // Localised headline for known codes. The server's words (not localised) are added
  // only where they say which thing is wrong, i.e. bad input and refused actions.
  const DETAILED = ["invalid_input", "not_allowed_now"];
  function errorNodes(err) {
    const code = err && err.code;
    const known = code && KS.has("error." + code);
    const head = known ? t("error." + code) : (err && err.message) || t("error.unknown");
    const out = [h("p", { class: "ks-alert__head", text: head })];
    if (known && DETAILED.includes(code) && err.message && !Object.keys(err.fields || {}).length) {
      out.push(h("p", { class: "ks-alert__detail", text: err.message }));
    }
    return out;
  }

  // Per-field errors next to their inputs: each input carries data-field="email",
  // "answers.goal", ... and a sibling .ks-field__error. Returns the first input marked.
  function fieldErrors(form, fields) {
    for (const el of form.querySelectorAll("[data-field]")) setFieldError(el, null);
    let first = null;
    for (const [name, msg] of Object.entries(fields || {})) {
      const el = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (!el) continue;
      setFieldError(el, msg);
      first = first || el;
    }
    return first;
  }

  function setFieldError(input, message) {
    const box = document.getElementById(input.getAttribute("data-error-id"));
    if (!box) return;
    box.textContent = message || "";
    box.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  // A labelled control with its hint and error slot, wired by aria-describedby.
  function field({ label, control, hint, required, name }) {
    const id = control.id || (control.id = uid("ks-f"));
    const errId = id + "-error";
    const hintId = hint ? id + "-hint" : null;
    control.setAttribute("data-field", name);
    control.setAttribute("data-error-id", errId);
    control.setAttribute("aria-describedby", [hintId, errId].filter(Boolean).join(" "));
    if (required) control.setAttribute("aria-required", "true");
    return h(
      "div",
      { class: "ks-field" },
      h("label", { for: id, class: "ks-field__label" }, label, required ? requiredMark() : optionalMark()),
      hint ? h("p", { id: hintId, class: "ks-field__hint", text: hint }) : null,
      control,
      h("p", { id: errId, class: "ks-field__error", hidden: true })
    );
  }

  const requiredMark = () => h("span", { class: "ks-required" }, " ", h("span", { "aria-hidden": "true", text: "*" }), h("span", { class: "ks-vh", text: t("form.required") }));
  const optionalMark = () => h("span", { class: "ks-optional", text: " " + t("form.optional") });

  function button(label, props) {
    return h("button", { type: "button", class: "ks-btn", ...(props || {}) }, label);
  }

  // Disable a button while a request runs, with a busy hint for assistive tech.
  async function busy(btn, work) {
    const was = btn.disabled;
    btn.disabled = true;
    btn.setAttribute("aria-busy", "true");
    try {
      return await work();
    } finally {
      btn.disabled = was;
      btn.removeAttribute("aria-busy");
    }
  }

  // ---- Formats ------------------------------------------------------------

  const clientTz = (() => {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    } catch (e) {
      return "UTC";
    }
  })();

  // The site's language, refined by the browser's region when they agree (en-GB dates).
  function tag() {
    const lang = KS.locale();
    const near = (navigator.languages || [navigator.language || ""]).find(
      (l) => l && l.toLowerCase().split("-")[0] === lang
    );
    return near || lang;
  }

  function dateParts(date, tz) {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date);
    const get = (type) => parts.find((p) => p.type === type).value;
    return `${get("year")}-${get("month")}-${get("day")}`;
  }

  // "YYYY-MM-DD" plus n days (calendar arithmetic, no time zone involved).
  function addDays(ymd, n) {
    const [y, m, d] = ymd.split("-").map(Number);
    const x = new Date(Date.UTC(y, m - 1, d + n));
    return x.toISOString().slice(0, 10);
  }

  const zoneName = (tz) => {
    try {
      const parts = new Intl.DateTimeFormat(tag(), { timeZone: tz, timeZoneName: "longGeneric" }).formatToParts(new Date());
      return (parts.find((p) => p.type === "timeZoneName") || {}).value || tz;
    } catch (e) {
      return tz;
    }
  };

  function money(m) {
    if (!m || typeof m.amount !== "number") return "";
    const f = new Intl.NumberFormat(tag(), { style: "currency", currency: m.currency });
    const digits = f.resolvedOptions().maximumFractionDigits;
    return f.format(m.amount / Math.pow(10, digits));
  }

  function unit(n, name) {
    try {
      return new Intl.NumberFormat(tag(), { style: "unit", unit: name, unitDisplay: "long" }).format(n);
    } catch (e) {
      return `${n} ${name}`;
    }
  }

  // ---- Booking pieces -----------------------------------------------------

  // The policy's key numbers as the client reads them: today's config on the book page, a
  // booking's stored terms on the admin page.
  function policyPoints(p) {
    const out = [];
    if (p.free_change_hours) out.push(t("book.policy.free", { hours: KS.unit(p.free_change_hours, "hour") }));
    if (p.early_cancel === "refund") out.push(t("book.policy.early_refund"));
    else if (p.credit_rebook_days) out.push(t("book.policy.early_credit", { days: KS.unit(p.credit_rebook_days, "day") }));
    for (const tier of p.late_tiers || []) {
      out.push(t(tier.forfeit_percent >= 100 ? "book.policy.late_all" : "book.policy.late_part", { hours: KS.unit(tier.under_hours, "hour"), percent: tier.forfeit_percent + "%" }));
    }
    out.push(t("book.policy.switch"));
    if (p.grace_minutes) out.push(t("book.policy.no_show", { minutes: KS.unit(p.grace_minutes, "minute") }));
    if (p.no_show_fee && p.no_show_fee.amount > 0) out.push(t("book.policy.fee", { fee: KS.money(p.no_show_fee) }));
    out.push(t("book.policy.emergency"));
    return out;
  }

  const serviceOf = (config, id) => (config.services || []).find((s) => s.id === id);

  // "€60.00 · kept", or when a tier kept only part: what was kept and how the rest came back.
  function depositText(dep) {
    if (dep.returned && dep.kept > 0) {
      const of = (amount) => money({ amount, currency: dep.currency });
      return `${of(dep.paid)} · ${t("deposit.split." + dep.returned.as, { kept: of(dep.kept), back: of(dep.returned.amount) })}`;
    }
    return `${money(dep)} · ${t("deposit." + dep.status)}`;
  }

  // Held with nothing to pay: what is missing is the client's Confirm in the email.
  const awaitsConfirm = (b) => b.status === "held" && (b.deposit || {}).status === "none";
  const statusKey = (b) => (awaitsConfirm(b) ? "to_confirm" : b.status);

  // A <dl> of the booking, the same on all three pages.
  function bookingSummary(booking, config, { hold = true } = {}) {
    const svc = serviceOf(config, booking.service);
    const biz = config.business || {};
    const dep = booking.deposit || {};
    const rows = [
      ["summary.service", svc ? svc.name : booking.service, "booking-service"],
      ["summary.when", KS.when(booking.start, biz.timezone, biz.name), "booking-when"],
      ["summary.mode", t("mode." + booking.mode), "booking-mode"],
      ["summary.status", t("status." + statusKey(booking)), "booking-status", { "data-status": booking.status }],
    ];
    if (dep.amount > 0) {
      rows.push(["summary.deposit", depositText(dep), "booking-deposit", { "data-deposit-status": dep.status }]);
    }
    if (hold && booking.hold_until) rows.push(["summary.hold_until", KS.when(booking.hold_until, biz.timezone, biz.name), "booking-hold"]);
    return h(
      "dl",
      { class: "ks-summary", "data-testid": "booking-summary", "data-booking-id": booking.id },
      rows.map(([k, v, testid, attrs]) => [
        h("dt", { text: t(k) }),
        h("dd", { "data-testid": testid, ...(attrs || {}) }, v),
      ])
    );
  }

  Object.assign(KS, {
    ApiError, api, loadConfig, hashToken, openLink, uuid,
    h, uid, focus, regions, errorNodes, fieldErrors, setFieldError, field, button, busy,
    clientTz, dateParts, addDays, zoneName, money, unit,
    serviceOf, bookingSummary, policyPoints, awaitsConfirm,
  });
})(globalThis.KS || (globalThis.KS = {}));
