/* keepslot manage page: "I'll be there" for a confirmed booking (the first reminder's
   button opens the page; only the press below sends POST /api/manage/confirm). */
(function (KS) {
  "use strict";
  const { h, t } = KS;

  KS.attendSection = function ({ token, live, onDone }) {
    const press = KS.button(t("manage.attend.button"), { class: "ks-btn ks-btn--primary", "data-testid": "action-attend" });
    press.onclick = () =>
      KS.busy(press, async () => {
        try {
          await KS.api("POST", "/api/manage/confirm", { token });
          live.say(t("manage.attend.done"));
          await onDone();
        } catch (err) {
          live.fail(err);
        }
      });
    return h("section", { class: "ks-panel", "data-testid": "panel-attend", "aria-labelledby": "ks-attend-h" },
      h("h2", { id: "ks-attend-h", text: t("manage.attend.title") }),
      h("p", { text: t("manage.attend.body") }),
      h("div", { class: "ks-actions" }, press));
  };

  KS.attendingNote = function (booking, config) {
    const when = KS.when(booking.confirmed_at, config.business.timezone, config.business.name);
    return h("p", { class: "ks-callout", "data-testid": "attending", text: t("manage.attend.noted", { when }) });
  };
})(globalThis.KS);
