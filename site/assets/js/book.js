/* keepslot book page: service -> mode -> day and time -> details -> policy -> result.
   Each step is a <section> kept in the DOM (typed answers survive going back);
   on every step change focus moves to the step's heading. */
(function (KS) {
  "use strict";
  const root = document.getElementById("ks-book");
  if (!root) return;
  const { h, t } = KS;
  const STEPS = ["service", "mode", "slot", "details", "policy"];
  const shownAt = performance.now(); // elapsed_ms: people take longer than bots
  // askIntake: the intake questions are for new clients only, and only the server knows
  // who is new; it says so with 422 intake_needed, and then the page asks.
  const state = { config: null, service: null, mode: null, slot: null, attempt: null, pickerFor: null, askIntake: false };
  const sections = {};
  let live, progress, stage, picker;

  async function start() {
    root.replaceChildren(h("p", { class: "ks-loading", text: t("loading") }));
    live = KS.regions(h("div"));
    try {
      state.config = await KS.loadConfig();
    } catch (err) {
      root.replaceChildren(live.status, live.alert);
      live.fail(err, KS.button(t("retry"), { onclick: start }));
      return;
    }
    progress = h("ol", { class: "ks-progress", "aria-label": t("book.progress") });
    stage = h("div", { class: "ks-stage" });
    root.replaceChildren(progress, live.status, live.alert, stage, KS.waitlistLink(() => state.service));
    if (await openOffer()) return;
    const wanted = new URLSearchParams(location.search).get("service");
    const preset = KS.serviceOf(state.config, wanted);
    if (preset) chooseService(preset, false);
    else show("service", false);
  }

  // An offer link (offer.js): the page opens on the freed time when it is still free.
  async function openOffer() {
    const offer = await KS.readOffer();
    if (!offer) return false;
    root.insertBefore(KS.offerNote(offer, state.config), stage);
    const svc = offer.service && KS.serviceOf(state.config, offer.service);
    if (!svc) return false;
    chooseService(svc, false);
    if (offer.free) {
      state.slot = { start: offer.start, end: offer.end };
      state.offered = true;
      if (state.mode) show("details", false);
    }
    return true;
  }

  // ---- step plumbing ---------------------------------------------------

  function section(name, build) {
    if (!sections[name]) {
      const id = `ks-step-${name}`;
      const heading = h("h2", { id: id + "-h", class: "ks-step__heading", tabindex: "-1" });
      const body = h("div", { class: "ks-step__body" });
      const el = h("section", { id, class: "ks-step", "data-step": name, "aria-labelledby": id + "-h", hidden: true }, heading, body);
      sections[name] = { el, heading, body, built: false };
      stage.append(el);
    }
    const s = sections[name];
    if (build) {
      s.body.replaceChildren(...[].concat(build()));
      s.built = true;
    }
    return s;
  }

  // Service, mode and policy are rebuilt each time (they follow the latest choices and
  // config); details are built once so typed answers survive; slot keeps its picker.
  function show(name, moveFocus = true) {
    const n = STEPS.indexOf(name);
    const s = section(name);
    if (name === "details") {
      if (!s.built) section(name, buildDetails);
      form.querySelector(".ks-recap-slot").replaceChildren(recap());
    } else if (name === "slot") {
      ensurePicker();
    } else {
      section(name, builders[name]);
    }
    renderProgress(n);
    s.heading.replaceChildren(
      h("span", { class: "ks-step__count", text: t("book.step_of", { n: n + 1, total: STEPS.length }) + " " }),
      t(`book.${name}.title`)
    );
    for (const other of Object.values(sections)) other.el.hidden = other !== s;
    if (name !== "slot") live.say("");
    document.title = `${t(`book.${name}.title`)} · ${state.config.business.name || ""}`;
    if (moveFocus) KS.focus(s.heading);
  }

  function renderProgress(current) {
    progress.hidden = current < 0;
    progress.replaceChildren(
      ...STEPS.map((name, i) =>
        h("li", { class: i < current ? "ks-done" : i === current ? "ks-current" : "", "aria-current": i === current ? "step" : null }, t(`book.${name}.short`))
      )
    );
  }

  const back = (to) => KS.button(t("back"), { class: "ks-btn ks-btn--quiet", "data-testid": "back", onclick: () => { live.clear(); show(to); } });

  // "Strategy session · video call · Monday 1 December, 10:00", with a Change link-button.
  function recap() {
    const parts = [state.service && state.service.name, state.mode && t("mode." + state.mode)];
    if (state.slot) parts.push(KS.when(state.slot.start, state.config.business.timezone, state.config.business.name));
    return h("p", { class: "ks-recap", "data-testid": "recap" }, parts.filter(Boolean).join(" · "));
  }

  // ---- 1. service ------------------------------------------------------

  const builders = {
    service() {
      return h(
        "fieldset",
        { class: "ks-fieldset" },
        h("legend", { text: t("book.service.legend") }),
        h(
          "div",
          { class: "ks-choices" },
          state.config.services.map((svc) =>
            h(
              "button",
              {
                type: "button",
                class: "ks-choice",
                "data-testid": "service-" + svc.id,
                "aria-pressed": String(state.service === svc),
                onclick: () => chooseService(svc, true),
              },
              h("span", { class: "ks-choice__title", text: svc.name }),
              h("span", { class: "ks-choice__meta", text: serviceMeta(svc) }),
              svc.description ? h("span", { class: "ks-choice__desc", text: svc.description }) : null
            )
          )
        )
      );
    },

    mode() {
      return [
        recap(),
        h(
          "fieldset",
          { class: "ks-fieldset" },
          h("legend", { text: t("book.mode.legend") }),
          h(
            "div",
            { class: "ks-choices ks-choices--row" },
            state.service.modes.map((m) =>
              h(
                "button",
                { type: "button", class: "ks-choice", "data-testid": "mode-" + m, "aria-pressed": String(state.mode === m), onclick: () => chooseMode(m) },
                h("span", { class: "ks-choice__title", text: t("mode." + m) }),
                h("span", { class: "ks-choice__desc", text: t("book.mode.hint." + m) })
              )
            )
          )
        ),
        h("div", { class: "ks-actions" }, back("service")),
      ];
    },

    slot() {
      return [recap(), h("div", { class: "ks-picker-slot" }), h("div", { class: "ks-actions" }, back(state.service.modes.length > 1 ? "mode" : "service"))];
    },

    policy: buildPolicy,
  };

  function serviceMeta(svc) {
    const bits = [KS.unit(svc.minutes, "minute")];
    bits.push(svc.price && svc.price.amount > 0 ? KS.money(svc.price) : t("book.free"));
    if (svc.deposit && svc.deposit.amount > 0) bits.push(t("book.deposit_of", { amount: KS.money(svc.deposit) }));
    return bits.join(" · ");
  }

  function chooseService(svc, moveFocus) {
    state.offered = false;
    if (state.service !== svc) {
      state.service = svc;
      state.mode = svc.modes.length === 1 ? svc.modes[0] : svc.modes.includes(state.mode) ? state.mode : null;
      state.slot = null;
    }
    if (svc.modes.length === 1) show("slot", moveFocus);
    else show("mode", moveFocus);
  }

  function chooseMode(m) {
    state.mode = m;
    show(state.offered && state.slot ? "details" : "slot");
  }

  // ---- 3. day and time -------------------------------------------------

  function ensurePicker() {
    const s = sections.slot;
    s.body.replaceChildren(...builders.slot());
    if (!picker || state.pickerFor !== state.service.id) {
      picker = KS.slotPicker({
        serviceId: state.service.id,
        config: state.config,
        live,
        selected: () => state.slot && state.slot.start,
        onPick: (slot) => {
          state.slot = slot;
          live.clear();
          show("details");
        },
      });
      state.pickerFor = state.service.id;
      picker.load();
    }
    s.body.querySelector(".ks-picker-slot").replaceWith(picker.root);
  }

  // ---- 4. details ------------------------------------------------------

  let form, honeypot, intake;

  function buildDetails() {
    const input = (name, type, autocomplete, extra) => h("input", { type, name, autocomplete, class: "ks-input", ...(extra || {}) });
    form = h("form", { class: "ks-form", novalidate: true, "data-testid": "details-form", onsubmit: onDetails });
    form.append(
      h("div", { class: "ks-recap-slot" }),
      KS.field({ label: t("book.name"), name: "name", required: true, control: input("name", "text", "name", { maxlength: "120", "data-testid": "input-name" }) }),
      KS.field({ label: t("book.email"), name: "email", required: true, hint: t("book.email_hint"), control: input("email", "email", "email", { maxlength: "254", "data-testid": "input-email" }) }),
      KS.field({ label: t("book.phone"), name: "phone", hint: t("book.phone_hint"), control: input("phone", "tel", "tel", { maxlength: "40", "data-testid": "input-phone" }) }),
      KS.field({ label: t("book.notes"), name: "notes", control: h("textarea", { name: "notes", rows: "3", maxlength: "2000", class: "ks-input", "data-testid": "input-notes" }) }),
      intakeFieldset(),
      honeypotField(),
      h("div", { class: "ks-actions" }, back("slot"), h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "details-next" }, t("next")))
    );
    return form;
  }

  function intakeFieldset() {
    const qs = state.config.intake || [];
    if (!qs.length) return null;
    intake = h(
      "fieldset",
      { class: "ks-fieldset ks-intake", "data-testid": "intake", hidden: !state.askIntake },
      h("legend", { text: t("book.intake") }),
      h("p", { class: "ks-field__hint", text: t("book.intake_hint") }),
      qs.map((q) => {
        const name = "answers." + q.id;
        const control =
          q.kind === "choice"
            ? h("select", { name, class: "ks-input", "data-testid": "intake-" + q.id }, h("option", { value: "", text: t("book.choose") }), q.choices.map((c) => h("option", { value: c, text: c })))
            : h("textarea", { name, rows: "2", maxlength: "2000", class: "ks-input", "data-testid": "intake-" + q.id });
        return KS.field({ label: q.label, name, required: !!q.required, control });
      })
    );
    return intake;
  }

  // The first time we meet: show the questions and move to the first one.
  function askIntake() {
    state.askIntake = true;
    show("details", false);
    intake.hidden = false;
    live.say(t("book.intake_needed"));
    const first = intake.querySelector("select, textarea, input");
    if (first) first.focus();
  }

  // Humans never see or reach it; bots that fill every input get a polite decoy answer.
  function honeypotField() {
    honeypot = h("input", { type: "text", name: "website", id: "ks-website", tabindex: "-1", autocomplete: "off", value: "" });
    return h("div", { class: "ks-hp", "aria-hidden": "true" }, h("label", { for: "ks-website", text: t("book.honeypot") }), honeypot);
  }

  function onDetails(ev) {
    ev.preventDefault();
    live.clear();
    const errors = {};
    const v = values();
    if (!v.name) errors.name = t("book.err.name");
    if (!v.email) errors.email = t("book.err.email_missing");
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) errors.email = t("book.err.email");
    for (const q of state.askIntake ? state.config.intake || [] : []) {
      if (q.required && !v.answers[q.id]) errors["answers." + q.id] = t("book.err.required");
    }
    const first = KS.fieldErrors(form, errors);
    if (first) {
      live.say(t("book.err.check", { n: Object.keys(errors).length }));
      first.focus();
      return;
    }
    show("policy");
  }

  function values() {
    const get = (n) => (form.elements[n] ? form.elements[n].value.trim() : "");
    const answers = {};
    for (const q of state.askIntake ? state.config.intake || [] : []) {
      const a = get("answers." + q.id);
      if (a) answers[q.id] = a;
    }
    return { name: get("name"), email: get("email"), phone: get("phone"), notes: get("notes"), answers };
  }

  // ---- 5. policy -------------------------------------------------------

  let accept;

  function buildPolicy() {
    const p = state.config.policy || {};
    const svc = state.service;
    accept = h("input", {
      type: "checkbox", id: "ks-accept", name: "policy", "data-testid": "policy-accept", required: true,
      checked: !!state.accepted, onchange: () => (state.accepted = accept.checked),
    });
    const link = h("a", { href: "../policy/", target: "_blank", rel: "noopener", "data-testid": "policy-link" }, t("book.policy.link"), h("span", { class: "ks-vh", text: " " + t("new_tab") }));
    const submit = h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "book-submit" }, t("book.submit"));
    const policyForm = h(
      "form",
      { class: "ks-form", novalidate: true, onsubmit: (ev) => { ev.preventDefault(); onSubmit(submit); } },
      recap(),
      svc.deposit && svc.deposit.amount > 0
        ? h("p", { class: "ks-deposit", "data-testid": "deposit-note" }, t("book.policy.deposit", { amount: KS.money(svc.deposit), price: KS.money(svc.price) }))
        : h("p", { class: "ks-deposit", "data-testid": "deposit-note" }, t("book.policy.no_deposit")),
      h("ul", { class: "ks-policy", "data-testid": "policy-summary" }, KS.policyPoints(p).map((x) => h("li", { text: x }))),
      h(
        "div",
        { class: "ks-field ks-check" },
        accept,
        h("label", { for: "ks-accept" }, t("book.policy.accept"), " "),
        link,
        h("p", { id: "ks-accept-error", class: "ks-field__error", hidden: true })
      ),
      h("div", { class: "ks-actions" }, back("details"), submit)
    );
    accept.setAttribute("data-field", "policy_version");
    accept.setAttribute("data-error-id", "ks-accept-error");
    accept.setAttribute("aria-describedby", "ks-accept-error");
    accept.setAttribute("aria-required", "true");
    return policyForm;
  }


  // ---- submit ----------------------------------------------------------

  async function onSubmit(btn) {
    live.clear();
    if (!accept.checked) {
      KS.setFieldError(accept, t("book.err.accept"));
      accept.focus();
      return;
    }
    KS.setFieldError(accept, null);
    const v = values();
    const body = {
      service: state.service.id,
      start: state.slot.start,
      mode: state.mode,
      name: v.name,
      email: v.email,
      phone: v.phone || undefined,
      timezone: KS.clientTz,
      notes: v.notes || undefined,
      answers: state.askIntake ? v.answers : undefined, // sent once the server asks
      policy_version: state.config.policy_version,
      website: honeypot.value,
    };
    // One key per attempt; a retry of the same attempt resends the very same bytes.
    const canon = JSON.stringify(body);
    if (!state.attempt || state.attempt.canon !== canon) {
      state.attempt = { canon, key: KS.uuid(), raw: JSON.stringify({ ...body, elapsed_ms: Math.round(performance.now() - shownAt) }) };
    }
    const attempt = state.attempt;
    live.say(t("book.sending"));
    let res;
    try {
      res = await KS.busy(btn, () => send(attempt));
    } catch (err) {
      return onBookingError(err);
    }
    state.attempt = null;
    showResult(res, v.email);
  }

  async function send(attempt) {
    const call = () => KS.api("POST", "/api/bookings", { raw: attempt.raw, headers: { "Idempotency-Key": attempt.key } });
    try {
      return await call();
    } catch (err) {
      if (!err.retriable) throw err;
      await new Promise((r) => setTimeout(r, 1500));
      return call(); // same key: the server answers once even if the first one landed
    }
  }

  const DETAIL_FIELDS = /^(name|email|phone|notes|answers(\..*)?)$/;

  async function onBookingError(err) {
    if (err.code === "intake_needed" && intake) return askIntake();
    if (err.code === "slot_taken") {
      state.slot = null;
      show("slot");
      live.fail(err);
      picker.reload();
      return;
    }
    if (err.code === "policy_changed") {
      try {
        state.config = await KS.loadConfig(true);
        state.service = KS.serviceOf(state.config, state.service.id) || state.service;
      } catch (e) {
        /* keep the old one; the message below still asks to accept again */
      }
      state.accepted = false;
      show("policy");
      live.fail(err);
      return;
    }
    const fields = err.fields || {};
    const names = Object.keys(fields);
    if (names.some((n) => DETAIL_FIELDS.test(n))) {
      show("details", false);
      live.fail(err);
      const first = KS.fieldErrors(form, fields);
      if (first) first.focus();
      return;
    }
    if (names.some((n) => /^(start|service|mode)$/.test(n))) {
      state.slot = null;
      show("slot");
      live.fail(err);
      picker.reload();
      return;
    }
    live.fail(err);
    KS.focus(live.alert);
  }

  // ---- result ----------------------------------------------------------

  function showResult(res, email) {
    const b = res.booking || {};
    const pay = res.payment || { kind: "none" };
    const s = section("result");
    renderProgress(-1);
    // Held with nothing to pay: the client confirms from the email, so say so first.
    const known = KS.awaitsConfirm(b) ? "to_confirm" : KS.has("book.result.title." + b.status) ? b.status : "held";
    const biz = state.config.business;
    const until = b.hold_until ? KS.when(b.hold_until, biz.timezone, biz.name) : "";
    const parts = [
      h("p", { class: "ks-lead", text: t("book.result.lead." + known) }),
      h("p", { class: "ks-callout ks-inbox", "data-testid": "check-inbox", "data-when": known }, t("book.result.inbox." + known, { email, until })),
      KS.bookingSummary(b, state.config, { hold: pay.kind === "none" && known !== "to_confirm" }),
    ];
    if (res.tier && (res.tier.message || res.tier.rule)) {
      parts.push(h("div", { class: "ks-callout", "data-testid": "tier", "data-rule": res.tier.rule || "" }, res.tier.message));
    }
    parts.push(
      KS.paymentBlock({
        payment: pay, booking: b, config: state.config, manageUrl: res.manage_url, live,
        onPaid: (nb) => s.body.querySelector(".ks-summary").replaceWith(KS.bookingSummary(nb, state.config)),
      })
    );
    parts.push(
      h("p", { "data-testid": "emailed" }, t("book.result.emailed", { email })),
      res.manage_url ? h("p", { class: "ks-note", "data-testid": "view-only-note", text: t(pay.kind === "none" ? "book.result.view_only_free" : "book.result.view_only") }) : null,
      res.manage_url ? h("p", {}, h("a", { href: res.manage_url, "data-testid": "manage-link" }, t("book.result.manage"))) : null,
      h("div", { class: "ks-actions" }, KS.button(t("book.again"), { onclick: again, "data-testid": "book-again" }))
    );
    s.body.replaceChildren(h("div", { class: "ks-result", "data-testid": "result", "data-status": b.status }, parts));
    s.heading.textContent = t("book.result.title." + known);
    for (const other of Object.values(sections)) other.el.hidden = other !== s;
    live.say("");
    KS.focus(s.heading); // the heading is read out on focus: no live message needed
  }

  function again() {
    state.slot = null;
    if (picker) picker.reload();
    show("service");
  }

  start();
})(globalThis.KS);
