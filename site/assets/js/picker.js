/* keepslot: the free-time picker, on the book page and the manage page's reschedule.
   Loaded after api.js, whose helpers it takes from KS. */
(function (KS) {
  "use strict";
  const t = (key, vars) => KS.t(key, vars);
  const { h, button, api, clientTz, dateParts, addDays, fmt, day, time, zoneName } = KS;

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
        from: fmt(from + "T12:00:00Z", "UTC", "month_day"),
        to: fmt(to + "T12:00:00Z", "UTC", "date"),
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
            h("span", { class: "ks-day__name", text: day(d.slots[0].start, "day_abbr") }),
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
          const theirs = fmt(s.start, bizTz, "time");
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

  Object.assign(KS, { slotPicker });
})(globalThis.KS);
