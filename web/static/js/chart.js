// Scores per topic as a bar list: HTML and CSS, so labels keep the page's font size at any width
// (an SVG scaled to a phone shrinks its text to a few pixels) and screen readers read each row.
import { band, h } from "./dom.js";

/** rows: [{label, value (0-5 or null)}] -> a list with one row per topic, and a 0-5 scale. */
export function barChart(rows, { max = 5 } = {}) {
  const list = h("ul", { class: "bars" }, rows.map((row) => {
    const known = row.value !== null && row.value !== undefined;
    const fill = h("span", { class: `bar-fill band-${band(known ? row.value : null)}` });
    fill.style.width = `${known ? (100 * Math.min(max, Math.max(0, row.value))) / max : 0}%`;
    return h("li", { class: "bar-row" },
      h("span", { class: "bar-label" }, row.label),
      h("span", { class: "bar-track", "aria-hidden": "true" }, fill),
      h("span", { class: "bar-value" }, known ? `${Number(row.value).toFixed(1)}` : "n/a", h("span", { class: "sr-only" }, ` out of ${max}`)));
  }));
  const scale = h("div", { class: "bar-scale", "aria-hidden": "true" },
    ...Array.from({ length: max + 1 }, (_, s) => h("span", {}, String(s))));
  return h("div", { class: "bar-chart" }, list, scale);
}
