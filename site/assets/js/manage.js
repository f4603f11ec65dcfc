/* keepslot manage page: /manage/#<token>. On load it only reads (GET /api/manage);
   every change is a button press, and each shows what happens to the deposit first.
   When it is late, it asks "can you still make it?" and offers rescheduling before
   cancelling. */
(function (KS) {
  "use strict";
  const root = document.getElementById("ks-manage");
  if (!root) return;
  const { h, t } = KS;
  const ACTIVE = ["held", "pending_approval", "confirmed"];
  const REMOTE = ["video", "phone"];
  let token, config, data, live, view;

  async function start() {
    const page = await KS.openLink(root, "/api/manage");
    ({ token, live, view, config, data } = page);
    if (!token) return noLink();
    if (page.error) return failed(page.error);
    render();
  }

  function noLink() {
    view.replaceChildren(
      h("p", { class: "ks-lead", "data-testid": "no-token", text: t("manage.no_token") }),
      h("p", {}, h("a", { href: "../book/", class: "ks-btn" }, t("manage.book_new")))
    );
  }

  function failed(err) {
    view.replaceChildren();
    const retry = err.retriable ? KS.button(t("retry"), { onclick: start, "data-testid": "retry" }) : null;
    live.fail(err, retry);
    if (err.status === 401 || err.status === 403 || err.status === 404) {
      view.append(h("p", {}, h("a", { href: "../book/" }, t("manage.book_new"))));
    }
    KS.focus(live.alert);
  }

  // ---- the page for the booking as it is now ------------------------------

  function render(done) {
    const b = data.booking;
    const actions = data.actions || [];
    const parts = [done || null, KS.bookingSummary(b, config, { hold: b.status !== "held" })];
    if (b.status === "rescheduled") {
      parts.push(readOnly());
    } else if (!ACTIVE.includes(b.status)) {
      parts.push(ended(b));
    } else {
      if (actions.includes("confirm")) parts.push(confirmSection());
      if (actions.includes("attend")) parts.push(KS.attendSection({ token, live, onDone: refresh }));
      else if (b.status === "confirmed" && b.confirmed_at) parts.push(KS.attendingNote(b, config));
      parts.push(freeUntil(), data.payment ? KS.paymentBlock({ payment: data.payment, booking: b, config, token, live, onPaid: refresh, level: "h2" }) : heldNote(b));
      if (data.access === "view") parts.push(h("p", { class: "ks-callout", "data-testid": "view-only", text: t("manage.view_only") }));
      else if (!actions.length) parts.push(h("p", { class: "ks-note", "data-testid": "no-actions", text: t("manage.no_actions") }));
      if (actions.includes("mode") && isLate()) parts.push(modeSection(true));
      if (actions.includes("reschedule")) parts.push(rescheduleSection());
      if (actions.includes("mode") && !isLate()) parts.push(modeSection(false));
      if (actions.includes("cancel")) parts.push(cancelSection());
    }
    if (actions.includes("waiver")) parts.push(waiverSection());
    // The server says why no waiver is offered (already used this year, already asked...).
    else if (data.waiver) parts.push(h("p", { class: "ks-note", "data-testid": "waiver-why", text: data.waiver }));
    if (data.access === "view" && !ACTIVE.includes(b.status)) parts.push(h("p", { class: "ks-note", "data-testid": "view-only", text: t("manage.view_only") }));
    view.replaceChildren(...parts.filter(Boolean));
    // From the email's Confirm button: the page still waits for a press, it only points at it.
    const wanted = new URLSearchParams(location.search).get("do");
    const pressable = { confirm: "action-confirm", attend: "action-attend", reschedule: "action-reschedule", cancel: "action-cancel" };
    const target = pressable[wanted] && view.querySelector(`[data-testid="${pressable[wanted]}"]`);
    if (target && !done) target.focus();
  }

  const outcome = (kind) => (data.preview || {})[kind] || null;

  // Late: inside the free change window (the server's preview says so, or the deadline passed).
  function isLate() {
    const c = outcome("cancel");
    if (c && (c.reason === "late_cancel" || c.forfeited > 0)) return true;
    return !!data.free_change_until && Date.now() >= Date.parse(data.free_change_until);
  }

  function freeUntil() {
    if (!data.free_change_until || isLate()) return null;
    const biz = config.business;
    return h("p", { class: "ks-note", "data-testid": "free-until" }, t("manage.free_until", { when: KS.when(data.free_change_until, biz.timezone, biz.name) }));
  }

  // A held booking waits for its deposit (the transfer details are in the confirmation
  // email) or, when it pays nothing, for the client's Confirm.
  function heldNote(b) {
    if (b.status !== "held" || !b.hold_until) return null;
    const key = KS.awaitsConfirm(b) ? "manage.held_confirm" : (b.deposit || {}).status === "pending" ? "manage.held" : null;
    if (!key) return null;
    const biz = config.business;
    return h("p", { class: "ks-callout", "data-testid": "held-note" }, t(key, { until: KS.when(b.hold_until, biz.timezone, biz.name) }));
  }

  // ---- confirm: proves the address, and may spend the client's credit --------

  function confirmSection() {
    const credit = data.credit;
    const due = (data.booking.deposit || {}).amount || 0;
    let body = t("manage.confirm.body");
    if (credit && credit.amount) body = t(credit.amount < due ? "manage.confirm.credit_rest" : "manage.confirm.credit", { amount: KS.money(credit) });
    const press = KS.button(t("manage.confirm.button"), { class: "ks-btn ks-btn--primary", "data-testid": "action-confirm", onclick: () => confirmBooking(press) });
    return panel("confirm", t("manage.confirm.title"), h("p", { text: body }), h("div", { class: "ks-actions" }, press));
  }

  async function confirmBooking(btn) {
    live.clear();
    try {
      const res = await KS.busy(btn, () => KS.api("POST", "/api/manage/confirm", { token }));
      await after(res, t(res.booking.status === "confirmed" ? "manage.confirm.done" : "manage.confirm.done_rest"));
    } catch (err) {
      actionFailed(err);
    }
  }

  function readOnly() {
    return h(
      "div",
      { class: "ks-callout", "data-testid": "superseded" },
      h("p", { text: t("manage.superseded") }),
      h("p", { text: t("manage.superseded_hint") })
    );
  }

  function ended(b) {
    const svc = KS.serviceOf(config, b.service);
    const href = "../book/" + (svc ? "?service=" + encodeURIComponent(svc.id) : "");
    const unconfirmed = b.status === "expired" && (b.deposit || {}).status === "none";
    const status = unconfirmed ? "expired_unconfirmed" : b.status;
    const key = KS.has("manage.ended." + status) ? "manage.ended." + status : "manage.ended.other";
    return h(
      "div",
      { class: "ks-callout", "data-testid": "state-note" },
      h("p", { text: t(key) }),
      h("p", {}, h("a", { href, class: "ks-btn", "data-testid": "book-again" }, t("manage.book_new")))
    );
  }

  function panel(name, title, ...kids) {
    const id = `ks-${name}-h`;
    return h("section", { class: "ks-panel", "data-testid": `panel-${name}`, "aria-labelledby": id }, h("h2", { id, text: title }), ...kids);
  }

  function explanation(kind, late) {
    const o = outcome(kind);
    if (!o || !o.explanation) return null;
    return h("div", { class: "ks-preview" + (late ? " ks-preview--late" : ""), id: `ks-preview-${kind}`, "data-testid": `preview-${kind}` }, h("p", { text: o.explanation }));
  }

  // ---- switch mode: "can you still make it?" ------------------------------

  function modeSection(late) {
    const b = data.booking;
    const svc = KS.serviceOf(config, b.service);
    const modes = ((svc && svc.modes) || REMOTE).filter((m) => m !== b.mode && (!late || REMOTE.includes(m)));
    if (!modes.length) return null;
    return panel(
      "mode",
      late ? t("manage.mode.late_title") : t("manage.mode.title"),
      h("p", { text: late ? t("manage.mode.late_body") : t("manage.mode.body") }),
      h("div", { class: "ks-actions" }, modes.map((m) => KS.button(t("manage.mode.to." + m), { class: "ks-btn" + (late ? " ks-btn--primary" : ""), "data-testid": "mode-" + m, onclick: (ev) => switchMode(ev.currentTarget, m) })))
    );
  }

  async function switchMode(btn, mode) {
    live.clear();
    try {
      const res = await KS.busy(btn, () => KS.api("POST", "/api/manage/mode", { token, body: { mode } }));
      await after(res, t("manage.mode.done", { mode: t("mode." + mode) }));
    } catch (err) {
      actionFailed(err);
    }
  }

  // ---- reschedule -------------------------------------------------------------

  function rescheduleSection() {
    const area = h("div", { class: "ks-reschedule-area" });
    const open = KS.button(t("manage.reschedule.open"), { class: "ks-btn ks-btn--primary", "data-testid": "action-reschedule", "aria-expanded": "false", onclick: () => openPicker(open, area) });
    return panel("reschedule", t("manage.reschedule.title"), h("p", { text: t("manage.reschedule.body") }), explanation("reschedule", isLate()), h("div", { class: "ks-actions" }, open), area);
  }

  function openPicker(opener, area) {
    opener.setAttribute("aria-expanded", "true");
    const picker = KS.slotPicker({ serviceId: data.booking.service, config, live, onPick: (slot) => confirmMove(slot, area, picker) });
    const heading = h("h3", { text: t("manage.reschedule.pick"), tabindex: "-1" });
    area.replaceChildren(heading, picker.root);
    picker.load();
    KS.focus(heading);
  }

  function confirmMove(slot, area, picker) {
    const biz = config.business;
    const heading = h("h3", { tabindex: "-1", text: t("manage.reschedule.confirm_title") });
    const go = KS.button(t("manage.reschedule.confirm"), { class: "ks-btn ks-btn--primary", "data-testid": "reschedule-confirm", onclick: () => move(go, slot, picker, area) });
    const again = KS.button(t("manage.reschedule.other"), { class: "ks-btn ks-btn--quiet", "data-testid": "reschedule-other", onclick: () => { area.replaceChildren(h("h3", { text: t("manage.reschedule.pick") }), picker.root); KS.focus(picker.root.querySelector('[data-testid="slot"]') || picker.root); } });
    area.replaceChildren(
      heading,
      h("p", { class: "ks-lead", "data-testid": "reschedule-choice" }, t("manage.reschedule.from_to", { from: KS.when(data.booking.start, biz.timezone, biz.name), to: KS.when(slot.start, biz.timezone, biz.name) })),
      outcome("reschedule") ? h("p", { class: "ks-preview" + (isLate() ? " ks-preview--late" : "") }, outcome("reschedule").explanation) : null,
      h("div", { class: "ks-actions" }, go, again)
    );
    KS.focus(heading);
  }

  async function move(btn, slot, picker, area) {
    live.clear();
    let res;
    try {
      res = await KS.busy(btn, () => KS.api("POST", "/api/manage/reschedule", { token, body: { start: slot.start } }));
    } catch (err) {
      if (err.code === "slot_taken") {
        live.fail(err);
        area.replaceChildren(h("h3", { text: t("manage.reschedule.pick") }), picker.root);
        picker.reload();
        KS.focus(live.alert);
        return;
      }
      return actionFailed(err);
    }
    moved(res);
  }

  // The old link is now read-only: show the new booking and its link.
  function moved(res) {
    const nb = res.new_booking || res.booking;
    data = { booking: { ...data.booking, status: "rescheduled" }, actions: [] };
    const done = h(
      "div",
      { class: "ks-callout ks-callout--done", "data-testid": "outcome", tabindex: "-1" },
      h("h2", { text: t("manage.reschedule.done_title") }),
      res.outcome && res.outcome.explanation ? h("p", { "data-testid": "outcome-explanation", text: res.outcome.explanation }) : null,
      KS.bookingSummary(nb, config),
      KS.paymentBlock({ payment: res.payment, booking: nb, config, manageUrl: res.manage_url, live }),
      h("p", { text: t("manage.reschedule.new_link") }),
      res.manage_url ? h("p", {}, h("a", { href: res.manage_url, class: "ks-btn ks-btn--primary", "data-testid": "new-manage-link" }, t("manage.reschedule.open_new"))) : null,
      h("p", { class: "ks-note", "data-testid": "old-link-note", text: t("manage.reschedule.old_link") })
    );
    view.replaceChildren(done);
    KS.focus(done);
  }

  // ---- cancel -----------------------------------------------------------------

  function cancelSection() {
    const late = isLate();
    const area = h("div", { class: "ks-confirm-area" });
    const open = KS.button(t("manage.cancel.open"), { class: "ks-btn ks-btn--danger-quiet", "data-testid": "action-cancel", "aria-expanded": "false", onclick: () => confirmCancel(open, area) });
    return panel("cancel", t("manage.cancel.title"), explanation("cancel", late), h("div", { class: "ks-actions" }, open), area);
  }

  function confirmCancel(opener, area) {
    const late = isLate();
    const actions = data.actions || [];
    opener.setAttribute("aria-expanded", "true");
    opener.hidden = true;
    const heading = h("h3", { tabindex: "-1", text: t("manage.cancel.confirm_title") });
    const reason = h("textarea", { name: "reason", rows: "2", maxlength: "1000", class: "ks-input", "data-testid": "cancel-reason" });
    const yes = KS.button(t("manage.cancel.confirm"), { class: "ks-btn ks-btn--danger", "data-testid": "cancel-confirm", "aria-describedby": outcome("cancel") ? "ks-preview-cancel" : null, onclick: () => cancel(yes, reason.value.trim()) });
    const keep = KS.button(t("manage.cancel.keep"), { class: "ks-btn", "data-testid": "cancel-keep", onclick: () => { area.replaceChildren(); opener.hidden = false; opener.setAttribute("aria-expanded", "false"); opener.focus(); } });
    const alternatives = [];
    if (actions.includes("mode")) {
      const svc = KS.serviceOf(config, data.booking.service);
      const remote = ((svc && svc.modes) || REMOTE).filter((m) => REMOTE.includes(m) && m !== data.booking.mode);
      if (remote.length) {
        alternatives.push(
          h("p", { text: late ? t("manage.cancel.alt_mode_late") : t("manage.cancel.alt_mode") }),
          h("div", { class: "ks-actions" }, remote.map((m) => KS.button(t("manage.mode.to." + m), { class: "ks-btn", "data-testid": "alt-mode-" + m, onclick: (ev) => switchMode(ev.currentTarget, m) })))
        );
      }
    }
    if (actions.includes("reschedule")) {
      alternatives.push(
        h("p", { text: t("manage.cancel.alt_reschedule") }),
        h("div", { class: "ks-actions" }, KS.button(t("manage.reschedule.open"), { class: "ks-btn", "data-testid": "alt-reschedule", onclick: () => { const r = view.querySelector('[data-testid="action-reschedule"]'); if (r) r.click(); } }))
      );
    }
    area.replaceChildren(
      heading,
      alternatives.length ? h("div", { class: "ks-alternatives", "data-testid": "cancel-alternatives" }, alternatives) : null,
      KS.field({ label: t("manage.cancel.reason"), name: "reason", control: reason }),
      h("div", { class: "ks-actions" }, yes, keep)
    );
    KS.focus(heading);
  }

  async function cancel(btn, reason) {
    live.clear();
    try {
      const res = await KS.busy(btn, () => KS.api("POST", "/api/manage/cancel", { token, body: reason ? { reason } : {} }));
      await after(res, t("manage.cancel.done"));
    } catch (err) {
      actionFailed(err);
    }
  }

  // ---- emergency waiver ---------------------------------------------------------

  function waiverSection() {
    const reason = h("textarea", { name: "waiver-reason", rows: "3", maxlength: "1000", class: "ks-input", "data-testid": "waiver-reason" });
    const ask = KS.button(t("manage.waiver.ask"), { class: "ks-btn", "data-testid": "action-waiver", onclick: () => askWaiver(ask, reason.value.trim(), box) });
    const box = panel("waiver", t("manage.waiver.title"), h("p", { text: t("manage.waiver.body") }), KS.field({ label: t("manage.waiver.reason"), name: "reason", control: reason }), h("div", { class: "ks-actions" }, ask));
    return box;
  }

  async function askWaiver(btn, reason, box) {
    live.clear();
    try {
      await KS.busy(btn, () => KS.api("POST", "/api/manage/waiver", { token, body: reason ? { reason } : {} }));
    } catch (err) {
      return actionFailed(err);
    }
    const note = h("p", { class: "ks-done", "data-testid": "waiver-sent", tabindex: "-1", text: t("manage.waiver.sent") });
    box.replaceChildren(box.firstChild, note);
    KS.focus(note);
  }

  // ---- after an action ------------------------------------------------------------

  async function after(res, message) {
    const explanationText = res.outcome && res.outcome.explanation;
    data = { ...data, booking: res.booking || data.booking };
    await refresh(null, true);
    const done = h(
      "div",
      { class: "ks-callout ks-callout--done", "data-testid": "outcome", tabindex: "-1" },
      h("p", { class: "ks-lead", text: message }),
      explanationText ? h("p", { "data-testid": "outcome-explanation", text: explanationText }) : null
    );
    render(done);
    KS.focus(done);
  }

  // Re-read the booking (new actions and previews) after a change the user made.
  async function refresh(_booking, quiet) {
    try {
      data = await KS.api("GET", "/api/manage", { token });
    } catch (err) {
      if (!quiet) live.fail(err);
    }
    if (!quiet) render();
  }

  // superseded: the booking moved elsewhere, so this page only reads from now on.
  // not_allowed_now: things changed meanwhile, so show them as they are now.
  async function actionFailed(err) {
    if (err.code === "superseded") {
      data = { ...data, booking: { ...data.booking, status: "rescheduled" }, actions: [] };
      render();
    } else if (err.code === "not_allowed_now") {
      await refresh(null, true);
      render();
    }
    live.fail(err);
    KS.focus(live.alert);
  }

  window.addEventListener("hashchange", start);
  start();
})(globalThis.KS);
