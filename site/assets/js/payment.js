/* keepslot: paying the deposit, by card (Stripe) or by transfer; book and manage pages.
   Loaded after api.js, whose helpers it takes from KS. */
(function (KS) {
  "use strict";
  const t = (key, vars) => KS.t(key, vars);
  const { h, uid, busy, api, money, when } = KS;

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

  // Confirm a SetupIntent with the card element (it saves the card), then tell the
  // server, which charges the deposit and confirms the booking (service/payments.py).
  function cardPayment({ payment, manageUrl, token, booking, config, live, onPaid, level }) {
    const biz = (config && config.business) || {};
    const mount = h("div", { class: "ks-card", id: uid("ks-card") });
    const labelId = mount.id + "-label";
    mount.setAttribute("aria-labelledby", labelId);
    const error = h("p", { class: "ks-field__error", hidden: true });
    const pay = h("button", { type: "submit", class: "ks-btn ks-btn--primary", "data-testid": "pay-submit", disabled: true }, t("pay.card.submit"));
    const box = h(
      "div",
      { class: "ks-callout ks-callout--pay", "data-testid": "payment" },
      h(level, { text: t("book.pay.title") }),
      h("p", { text: t("pay.card.lead", { amount: money(booking.deposit) }) }),
      booking.hold_until ? h("p", { "data-testid": "hold-until", text: t("pay.card.hold", { until: when(booking.hold_until, biz.timezone, biz.name) }) }) : null
    );
    let stripe = null;
    let card = null;
    let secret = payment.client_secret;
    const tok = token || tokenOf(manageUrl);
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
      const result = await stripe.confirmCardSetup(secret, { payment_method: { card } });
      if (result.error) {
        fail(result.error.message || t("error.unknown"));
        live.say(t("pay.card.failed"));
        return;
      }
      try {
        const intent = result.setupIntent || {};
        const res = await api("POST", "/api/manage/payment", { token: tok, body: { setup_intent: intent.id } });
        box.replaceChildren(h("p", { class: "ks-done", "data-testid": "payment-done", text: t("pay.card.done") }));
        live.say(t("pay.card.done"));
        if (onPaid && res.booking) onPaid(res.booking);
      } catch (err) {
        live.fail(err);
        // A card refused at charge spends this setup: ask for a fresh one.
        if (err.code === "payment_declined") {
          api("POST", "/api/manage/card", { token: tok, body: {} })
            .then((again) => {
              if (again.payment && again.payment.client_secret) secret = again.payment.client_secret;
            })
            .catch(() => {});
        }
      }
    }
    return box;
  }

  // Offline deposit: the freelancer's transfer details and how long the slot is held.
  function offlinePayment(payment, booking, config, level) {
    const biz = (config && config.business) || {};
    return h(
      "div",
      { class: "ks-callout ks-callout--pay", "data-testid": "payment" },
      h(level, { text: t("book.pay.title") }),
      h("p", { text: t("book.pay.offline", { amount: money(booking.deposit) }) }),
      payment.instructions ? h("p", { class: "ks-instructions", "data-testid": "payment-instructions", text: payment.instructions }) : null,
      booking.hold_until ? h("p", { "data-testid": "hold-until", text: t("book.pay.hold", { until: when(booking.hold_until, biz.timezone, biz.name) }) }) : null
    );
  }

  // Whatever a booking response says about paying: card form, transfer details or nothing.
  // level: the block's heading, one below the heading it sits under ("h2" at a page's top).
  function paymentBlock({ payment, booking, config, manageUrl, token, live, onPaid, level = "h3" }) {
    if (!payment || !booking || !booking.deposit || !(booking.deposit.amount > 0)) return null;
    if (payment.kind === "offline") return offlinePayment(payment, booking, config, level);
    if (payment.kind === "stripe" && payment.client_secret) return cardPayment({ payment, manageUrl, token, booking, config, live, onPaid, level });
    // The page only looked (GET): the card form is made on request, by a POST.
    if (payment.kind === "stripe" && payment.prepare) {
      const slot = h("div", { "data-testid": "payment-preparing" });
      const tok = token || tokenOf(manageUrl);
      api("POST", "/api/manage/card", { token: tok, body: {} })
        .then((res) => slot.replaceWith(paymentBlock({ payment: res.payment, booking, config, manageUrl, token: tok, live, onPaid, level }) || h("span")))
        .catch(() => slot.replaceWith(h("p", { class: "ks-callout", "data-testid": "payment-later", text: t("pay.card.later") })));
      return slot;
    }
    if (payment.error) return h("p", { class: "ks-callout", "data-testid": "payment-later", text: t("pay.card.later") });
    return null;
  }

  Object.assign(KS, { paymentBlock });
})(globalThis.KS);
