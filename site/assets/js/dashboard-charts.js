/* keepslot dashboard: the report's three charts (Chart.js, served from the site), each with
   its data in a table beside it, so every figure can be read without the picture. */
(function (KS) {
  "use strict";
  const { h, t } = KS;
  // Colours with at least 3:1 against white (WCAG non-text contrast).
  const COLOURS = ["#b3261e", "#1f5fa8", "#2e7d32"];

  const pct = (v) => (v === null || v === undefined ? "–" : new Intl.NumberFormat(KS.locale(), { style: "percent", maximumFractionDigits: 1 }).format(v));
  const label = (ym) => {
    const [y, m] = ym.split("-").map(Number);
    return new Intl.DateTimeFormat(KS.locale(), { month: "short", year: "2-digit", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 15)));
  };

  const CHARTS = [
    { id: "rates", type: "line", cols: ["no_show_rate", "late_cancel_rate"], show: pct, scale: 100 },
    { id: "money", type: "bar", cols: ["kept", "credited", "refunded"], money: true },
    { id: "refills", type: "bar", cols: ["refills"], show: (v) => String(v) },
  ];

  function table(spec, months, show) {
    return h(
      "table",
      { class: "ks-table", "data-testid": `chart-table-${spec.id}` },
      h("caption", { text: t("dash.chart.table") }),
      h("thead", null, h("tr", null, h("th", { scope: "col", text: t("dash.report.month") }), ...spec.cols.map((c) => h("th", { scope: "col", text: t(`dash.col.${c}`) })))),
      h("tbody", null, ...months.map((m) => h("tr", null, h("th", { scope: "row", text: label(m.month) }), ...spec.cols.map((c) => h("td", { text: show(m[c]) })))))
    );
  }

  function chart(spec, report) {
    const months = report.months;
    const money = (v) => KS.money({ amount: v, currency: report.currency });
    const show = spec.money ? money : spec.show;
    const canvas = h("canvas", { role: "img", "aria-label": t(`dash.chart.${spec.id}`), "data-testid": `chart-${spec.id}` });
    const figure = h(
      "figure",
      { class: "ks-chart", "data-testid": `figure-${spec.id}` },
      h("figcaption", { text: t(`dash.chart.${spec.id}`) }),
      h("div", { class: "ks-chart-box" }, canvas),
      table(spec, months, show)
    );
    const divide = spec.money ? Math.pow(10, new Intl.NumberFormat("en", { style: "currency", currency: report.currency }).resolvedOptions().maximumFractionDigits) : 1;
    const data = {
      labels: months.map((m) => label(m.month)),
      datasets: spec.cols.map((c, i) => ({
        label: t(`dash.col.${c}`),
        data: months.map((m) => (m[c] === null ? null : (m[c] * (spec.scale || 1)) / divide)),
        borderColor: COLOURS[i],
        backgroundColor: COLOURS[i],
        spanGaps: true,
      })),
    };
    // Drawn once the figure is in the page (Chart.js measures its box).
    figure.draw = () => {
      if (!globalThis.Chart) return;
      new globalThis.Chart(canvas, {
        type: spec.type,
        data,
        options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { position: "bottom" } } },
      });
    };
    return figure;
  }

  function charts(report) {
    return CHARTS.map((spec) => chart(spec, report));
  }

  function policyTable(report) {
    const rows = report.by_policy_version || [];
    if (!rows.length) return null;
    const cols = ["bookings", "late_cancel_rate", "no_show_rate", "kept"];
    const show = { bookings: String, late_cancel_rate: pct, no_show_rate: pct, kept: (v) => KS.money({ amount: v, currency: report.currency }) };
    const name = (c) => (c === "bookings" ? t("dash.policy.bookings") : t(`dash.col.${c}`));
    return h(
      "div",
      { class: "ks-scroll", tabindex: "0" },
      h(
      "table",
      { class: "ks-table", "data-testid": "policy-versions" },
      h("caption", { text: t("dash.policy.title") }),
      h("thead", null, h("tr", null, h("th", { scope: "col", text: t("dash.policy.version") }), ...cols.map((c) => h("th", { scope: "col", text: name(c) })))),
      h("tbody", null, ...rows.map((r) => h("tr", null, h("th", { scope: "row", text: r.policy_version }), ...cols.map((c) => h("td", { text: show[c](r[c]) })))))
      )
    );
  }

  Object.assign(KS, { dashboardCharts: charts, policyTable });
})(globalThis.KS || (globalThis.KS = {}));
