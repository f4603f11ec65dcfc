/* keepslot: dates on the book, manage and admin pages, written as the emails and the
   policy page write them. Loads after api.js (it uses KS.t, KS.dateParts, KS.clientTz). */
(function (KS) {
  "use strict";
  const t = (key, vars) => KS.t(key, vars);
  const { clientTz, dateParts } = KS;

  // Dates are written with the locale's CLDR patterns and Babel's names, which the site
  // build puts in <script id="ks-dates">: the same words as the emails and the policy
  // page. Intl only says which calendar day and time a moment is in a time zone.
  const DATES = (() => {
    const el = document.getElementById("ks-dates");
    return el ? JSON.parse(el.textContent) : null;
  })();

  function fields(date, tz) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
    }).formatToParts(date);
    const get = (type) => Number(parts.find((p) => p.type === type).value);
    const [y, M, d] = [get("year"), get("month"), get("day")];
    const weekday = (new Date(Date.UTC(y, M - 1, d)).getUTCDay() + 6) % 7; // Monday = 0, as Babel
    return { y, M, d, H: get("hour") % 24, m: get("minute"), weekday };
  }

  const pad = (n) => String(n).padStart(2, "0");

  // One CLDR pattern ("EEEE d MMMM y", "HH:mm"); text in single quotes is literal.
  function pattern(p, f) {
    const names = DATES;
    const field = {
      EEEE: () => names.days.wide[f.weekday], EEE: () => names.days.abbreviated[f.weekday],
      MMMM: () => names.months.wide[f.M - 1], MMM: () => names.months.abbreviated[f.M - 1],
      MM: () => pad(f.M), M: () => String(f.M), dd: () => pad(f.d), d: () => String(f.d),
      y: () => String(f.y), yyyy: () => String(f.y), HH: () => pad(f.H), H: () => String(f.H), mm: () => pad(f.m),
    };
    return p.replace(/'([^']*)'|([A-Za-z])\2*/g, (run, quoted) => {
      if (quoted !== undefined) return quoted || "'";
      if (!field[run]) throw new Error(`date pattern ${p}: ${run} is not supported`);
      return field[run]();
    });
  }

  // A moment in `tz`, in one of the site's styles: day, time, date, month_day, day_abbr, or
  // "at" (day and time, the way every email writes a moment).
  function fmt(iso, tz, style) {
    const f = fields(iso instanceof Date ? iso : new Date(iso), tz);
    const of = (name) => pattern(DATES.patterns[name], f);
    return style === "at" ? DATES.at.replace("{day}", of("day")).replace("{time}", of("time")) : of(style);
  }

  // The time in the client's zone, with the freelancer's beside it when the clocks differ.
  function when(iso, businessTz, businessName) {
    const mine = fmt(iso, clientTz, "at");
    if (!businessTz) return mine;
    const theirs = fmt(iso, businessTz, "at");
    if (theirs === mine) return mine;
    const time = dateParts(new Date(iso), businessTz) === dateParts(new Date(iso), clientTz)
      ? fmt(iso, businessTz, "time")
      : theirs;
    return `${mine} ${t("when.business", { time, name: businessName || businessTz })}`;
  }

  const time = (iso) => fmt(iso, clientTz, "time");
  const day = (iso, style) => fmt(iso, clientTz, style || "day");
  Object.assign(KS, { fmt, when, time, day });
})(globalThis.KS || (globalThis.KS = {}));
