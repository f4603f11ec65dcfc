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

  // The link's token lives in the fragment, which never reaches a server log.
  function hashToken() {
    let raw = location.hash.replace(/^#/, "");
    try {
      raw = decodeURIComponent(raw).trim();
    } catch (e) {
      return null;
    }
    return /^[A-Za-z0-9_\-.]{8,}$/.test(raw) ? raw : null;
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

  function fmt(iso, tz, opts) {
    const d = iso instanceof Date ? iso : new Date(iso);
    const sameYear = dateParts(d, tz).slice(0, 4) === dateParts(new Date(), tz).slice(0, 4);
    const o = { timeZone: tz, ...opts };
    if (o.year === "auto") o.year = sameYear ? undefined : "numeric";
    return new Intl.DateTimeFormat(tag(), o).format(d);
  }

  const DAY = { weekday: "long", day: "numeric", month: "long", year: "auto" };
  const TIME = { hour: "2-digit", minute: "2-digit" };

  // The time in the client's zone, with the freelancer's beside it when the clocks differ.
  function when(iso, businessTz, businessName) {
    const mine = fmt(iso, clientTz, { ...DAY, ...TIME });
    if (!businessTz) return mine;
    const theirs = fmt(iso, businessTz, { ...DAY, ...TIME });
    if (theirs === mine) return mine;
    const time = dateParts(new Date(iso), businessTz) === dateParts(new Date(iso), clientTz)
      ? fmt(iso, businessTz, TIME)
      : theirs;
    return `${mine} ${t("when.business", { time, name: businessName || businessTz })}`;
  }

  const time = (iso) => fmt(iso, clientTz, TIME);
  const day = (iso, opts) => fmt(iso, clientTz, opts || DAY);
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

  const serviceOf = (config, id) => (config.services || []).find((s) => s.id === id);

  // A <dl> of the booking, the same on all three pages.
  function bookingSummary(booking, config, { hold = true } = {}) {
    const svc = serviceOf(config, booking.service);
    const biz = config.business || {};
    const dep = booking.deposit || {};
    const rows = [
      ["summary.service", svc ? svc.name : booking.service, "booking-service"],
      ["summary.when", when(booking.start, biz.timezone, biz.name), "booking-when"],
      ["summary.mode", t("mode." + booking.mode), "booking-mode"],
      ["summary.status", t("status." + booking.status), "booking-status", { "data-status": booking.status }],
    ];
    if (dep.amount > 0) {
      rows.push([
        "summary.deposit",
        `${money(dep)} · ${t("deposit." + dep.status)}`,
        "booking-deposit",
        { "data-deposit-status": dep.status },
      ]);
    }
    if (hold && booking.hold_until) rows.push(["summary.hold_until", when(booking.hold_until, biz.timezone, biz.name), "booking-hold"]);
    return h(
      "dl",
      { class: "ks-summary", "data-testid": "booking-summary", "data-booking-id": booking.id },
      rows.map(([k, v, testid, attrs]) => [
        h("dt", { text: t(k) }),
        h("dd", { "data-testid": testid, ...(attrs || {}) }, v),
      ])
    );
  }

  // ---- Slot picker (book page, and the manage page's reschedule) ----------

  const PERIOD_DAYS = 14;

  // Days of the next two weeks with their free times, one period at a time.
  // Fetches on demand only (a user action or the step being opened).
  function slotPicker({ serviceId, config, onPick, live, selected }) {
    const biz = config.business || {};
    const bizTz = biz.timezone || clientTz;
    const today = dateParts(new Date(), bizTz);
    let offset = 0;
    let seq = 0;
    let days = [];
    let chosenDay = null;
    let failedHere = false;

    const range = h("p", { class: "ks-slots__range", "data-testid": "slots-range" });
    const prev = button(t("slots.prev"), { class: "ks-btn ks-btn--quiet", "data-testid": "slots-prev", onclick: () => move(-1) });
    const next = button(t("slots.next"), { class: "ks-btn ks-btn--quiet", "data-testid": "slots-next", onclick: () => move(1) });
    const dayList = h("div", { class: "ks-days", role: "group" });
    const dayLegend = h("legend", { text: t("slots.days") });
    const timeLegend = h("legend");
    const timeList = h("div", { class: "ks-times" });
    const empty = h("p", { class: "ks-empty", "data-testid": "slots-empty", hidden: true });
    const daysBox = h("fieldset", { class: "ks-fieldset" }, dayLegend, dayList);
    const timesBox = h("fieldset", { class: "ks-fieldset", hidden: true }, timeLegend, timeList);
    const root = h(
      "div",
      { class: "ks-slots", "data-testid": "slot-picker" },
      h("p", { class: "ks-note", "data-testid": "slots-zone" }, t("slots.zone", { zone: zoneName(clientTz) }),
        zoneName(bizTz) !== zoneName(clientTz) ? " " + t("slots.zone_business", { name: biz.name || bizTz, zone: zoneName(bizTz) }) : ""),
      h("div", { class: "ks-slots__nav" }, prev, range, next),
      empty,
      daysBox,
      timesBox
    );

    function move(step) {
      offset = Math.max(0, offset + step * PERIOD_DAYS);
      load(false);
    }

    // autoAdvance: on first open, skip ahead over empty periods (up to ~2 months).
    async function load(autoAdvance) {
      const mine = ++seq;
      const from = addDays(today, offset);
      const to = addDays(from, PERIOD_DAYS - 1);
      prev.disabled = offset === 0;
      range.textContent = t("slots.range", {
        from: fmt(from + "T12:00:00Z", "UTC", { day: "numeric", month: "long" }),
        to: fmt(to + "T12:00:00Z", "UTC", { day: "numeric", month: "long", year: "auto" }),
      });
      root.setAttribute("aria-busy", "true");
      live.say(t("slots.loading"));
      if (!days.length) {
        daysBox.hidden = timesBox.hidden = true;
        empty.hidden = false;
        empty.textContent = t("slots.loading");
      }
      let data;
      try {
        const q = new URLSearchParams({ service: serviceId, from, to });
        data = await api("GET", "/api/slots?" + q.toString());
      } catch (err) {
        if (mine !== seq) return;
        root.removeAttribute("aria-busy");
        live.fail(err);
        failedHere = true;
        return;
      }
      if (mine !== seq) return;
      root.removeAttribute("aria-busy");
      if (failedHere) live.clear(); // only our own error: a caller's (slot taken) stays
      failedHere = false;
      const free = (data.slots || []).filter((s) => new Date(s.start) > new Date());
      if (!free.length && autoAdvance && offset < PERIOD_DAYS * 3) {
        offset += PERIOD_DAYS;
        return load(true);
      }
      days = group(free);
      render();
    }

    function group(slots) {
      const byDay = new Map();
      for (const s of slots) {
        const key = dateParts(new Date(s.start), clientTz);
        if (!byDay.has(key)) byDay.set(key, []);
        byDay.get(key).push(s);
      }
      return Array.from(byDay, ([key, list]) => ({ key, slots: list }));
    }

    function render() {
      empty.hidden = days.length > 0;
      daysBox.hidden = days.length === 0;
      empty.textContent = t("slots.none");
      dayList.replaceChildren(
        ...days.map((d) =>
          h(
            "button",
            {
              type: "button",
              class: "ks-day",
              "data-testid": "day",
              "data-date": d.key,
              "aria-pressed": String(d.key === (chosenDay && chosenDay.key)),
              onclick: () => showDay(d, true),
            },
            h("span", { class: "ks-day__name", text: day(d.slots[0].start, { weekday: "short", day: "numeric", month: "short" }) }),
            h("span", { class: "ks-day__count", text: t("slots.count", { n: d.slots.length }) })
          )
        )
      );
      const keep = chosenDay && days.find((d) => d.key === chosenDay.key);
      if (days.length) showDay(keep || days[0], true);
      else {
        chosenDay = null;
        timesBox.hidden = true;
        live.say(t("slots.none"));
      }
    }

    function showDay(d, announce) {
      chosenDay = d;
      for (const b of dayList.children) b.setAttribute("aria-pressed", String(b.dataset.date === d.key));
      const label = day(d.slots[0].start);
      timeLegend.textContent = t("slots.times_on", { day: label });
      timeList.replaceChildren(
        ...d.slots.map((s) => {
          const theirs = fmt(s.start, bizTz, TIME);
          const mineT = time(s.start);
          const differs = bizTz !== clientTz && theirs !== mineT;
          return h(
            "button",
            {
              type: "button",
              class: "ks-time",
              "data-testid": "slot",
              "data-start": s.start,
              "aria-pressed": selected && selected() === s.start ? "true" : null,
              "aria-label": differs ? `${label}, ${mineT} ${t("when.business", { time: theirs, name: biz.name || bizTz })}` : `${label}, ${mineT}`,
              onclick: () => onPick(s),
            },
            mineT,
            differs ? h("span", { class: "ks-time__there", "aria-hidden": "true", text: theirs }) : null
          );
        })
      );
      timesBox.hidden = false;
      if (announce) live.say(t("slots.count_on", { n: d.slots.length, day: label }));
    }

    return { root, load: () => load(true), reload: () => load(false) };
  }

  // ---- Card deposit (Stripe) -------------------------------------------

  const scripts = {};
  function loadScript(src) {
    if (!scripts[src]) {
      scripts[src] = new Promise((resolve, reject) => {
        const el = h("script", { src, async: true, onload: resolve, onerror: reject });
        document.head.append(el);
      });
    }
    return scripts[src];
  }

  const tokenOf = (url) => {
    try {
      return new URL(url, location.href).hash.replace(/^#/, "") || null;
    } catch (e) {
      return null;
    }
  };

  // DESIGN section 6: confirm a SetupIntent with the card element (it saves the card),
  // then tell the server, which charges the deposit and confirms the booking.
  function cardPayment({ payment, manageUrl, token, booking, config, live, onPaid }) {
    const biz = (config && config.business) || {};
    const mount = h("div", { class: "ks-card", id: uid("ks-card") });
    const labelId = mount.id + "-label";
    mount.setAttribute("aria-labelledby", labelId);
    const error = h("p", { class: "ks-field__error", hidden: true });
    const pay = h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "pay-submit", disabled: true }, t("pay.card.submit"));
    const box = h(
      "div",
      { class: "ks-callout ks-callout--pay", "data-testid": "payment" },
      h("h3", { text: t("book.pay.title") }),
      h("p", { text: t("pay.card.lead", { amount: money(booking.deposit) }) }),
      booking.hold_until ? h("p", { "data-testid": "hold-until", text: t("pay.card.hold", { until: when(booking.hold_until, biz.timezone, biz.name) }) }) : null
    );
    let stripe = null;
    let card = null;
    const form = h(
      "form",
      { class: "ks-form", onsubmit: (ev) => { ev.preventDefault(); busy(pay, confirm); } },
      h("div", { class: "ks-field" }, h("p", { id: labelId, class: "ks-field__label", text: t("pay.card.label") }), mount, error),
      h("div", { class: "ks-actions" }, pay)
    );
    box.append(form);
    const fail = (text) => {
      error.textContent = text;
      error.hidden = !text;
    };
    loadScript(payment.js_url || "https://js.stripe.com/v3/")
      .then(() => {
        stripe = window.Stripe(payment.publishable_key);
        card = stripe.elements({ locale: KS.locale() }).create("card");
        card.mount(mount);
        pay.disabled = false;
      })
      .catch(() => fail(t("pay.card.unavailable")));

    async function confirm() {
      fail("");
      live.say(t("pay.card.working"));
      const result = await stripe.confirmCardSetup(payment.client_secret, { payment_method: { card } });
      if (result.error) {
        fail(result.error.message || t("error.unknown"));
        live.say(t("pay.card.failed"));
        return;
      }
      try {
        const intent = result.setupIntent || {};
        const res = await api("POST", "/api/manage/payment", { token: token || tokenOf(manageUrl), body: { setup_intent: intent.id } });
        box.replaceChildren(h("p", { class: "ks-done", "data-testid": "payment-done", text: t("pay.card.done") }));
        live.say(t("pay.card.done"));
        if (onPaid && res.booking) onPaid(res.booking);
      } catch (err) {
        live.fail(err);
      }
    }
    return box;
  }

  // Offline deposit: the freelancer's transfer details and how long the slot is held.
  function offlinePayment(payment, booking, config) {
    const biz = (config && config.business) || {};
    return h(
      "div",
      { class: "ks-callout ks-callout--pay", "data-testid": "payment" },
      h("h3", { text: t("book.pay.title") }),
      h("p", { text: t("book.pay.offline", { amount: money(booking.deposit) }) }),
      payment.instructions ? h("p", { class: "ks-instructions", "data-testid": "payment-instructions", text: payment.instructions }) : null,
      booking.hold_until ? h("p", { "data-testid": "hold-until", text: t("book.pay.hold", { until: when(booking.hold_until, biz.timezone, biz.name) }) }) : null
    );
  }

  // Whatever a booking response says about paying: card form, transfer details or nothing.
  function paymentBlock({ payment, booking, config, manageUrl, token, live, onPaid }) {
    if (!payment || !booking || !booking.deposit || !(booking.deposit.amount > 0)) return null;
    if (payment.kind === "offline") return offlinePayment(payment, booking, config);
    if (payment.kind === "stripe" && payment.client_secret) return cardPayment({ payment, manageUrl, token, booking, config, live, onPaid });
    return null;
  }

  Object.assign(KS, {
    ApiError, api, loadConfig, hashToken, uuid,
    h, uid, focus, regions, errorNodes, fieldErrors, setFieldError, field, button, busy,
    clientTz, dateParts, addDays, fmt, when, time, day, zoneName, money, unit,
    serviceOf, bookingSummary, slotPicker, paymentBlock, tokenOf,
  });
})(globalThis.KS || (globalThis.KS = {}));
