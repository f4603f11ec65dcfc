/* keepslot: wake the API while the client reads the home or the policy page.
   On Lambda a visit that finds no warm instance waits for a cold start (imports, config);
   one quiet request from a page that does not need the API takes that wait off the
   booking page. The booking, manage and admin pages (.ks-app) ask the API themselves.
   At most one a few minutes per tab: an instance stays warm for several minutes. */
(function () {
  "use strict";
  if (document.querySelector(".ks-app")) return;
  const KEY = "ks-warmed-at";
  const FRESH_MS = 4 * 60 * 1000;
  try {
    const last = Number(sessionStorage.getItem(KEY) || 0);
    if (Date.now() - last < FRESH_MS) return;
    sessionStorage.setItem(KEY, String(Date.now()));
  } catch (e) {
    /* storage refused (private mode): warm anyway, it is one small GET */
  }
  fetch("/api/config", {
    headers: { Accept: "application/json" },
    cache: "no-store",
    credentials: "omit",
    priority: "low",
    referrerPolicy: "no-referrer",
  }).catch(() => {});
})();
