/* keepslot book page: the waitlist link, and an offer link (#offer=<token>) that opens
   the page on the freed time and says whether it is still free. */
(function (KS) {
  "use strict";
  const { h, t } = KS;
  const OFFER = /^#offer=([A-Za-z0-9_\-.]{8,})$/;

  // The offer the address names (then removed from the address bar), or null.
  KS.readOffer = async function () {
    const m = location.hash.match(OFFER);
    if (!m) return null;
    history.replaceState(history.state, "", location.pathname + location.search);
    try {
      return (await KS.api("GET", "/api/offer", { token: m[1] })).offer;
    } catch (err) {
      return { invalid: true };
    }
  };

  KS.offerNote = function (offer, config) {
    const key = offer.invalid ? "book.offer.invalid" : offer.free ? "book.offer.free" : "book.offer.taken";
    const when = offer.start ? KS.when(offer.start, config.business.timezone, config.business.name) : "";
    return h("p", { class: "ks-callout", "data-testid": "offer-status", "data-free": String(!!offer.free), text: t(key, { when }) });
  };

  KS.waitlistLink = function (service) {
    const a = h("a", { href: "../waitlist/", "data-testid": "waitlist-link" }, t("book.waitlist_link"));
    a.addEventListener("click", () => {
      const s = service();
      a.href = "../waitlist/" + (s ? "?service=" + encodeURIComponent(s.id) : "");
    });
    return h("p", { class: "ks-waitlist-link" }, a);
  };
})(globalThis.KS);
