// A horizontal SVG bar chart of 0-5 scores, drawn with DOM calls (no library, no inline styles).
import { band } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

/** rows: [{label, value (0-5 or null), note}] -> <svg> */
export function barChart(rows, { max = 5, title = "Scores" } = {}) {
  const labelW = 190;
  const barW = 320;
  const valueW = 56;
  const rowH = 34;
  const top = 8;
  const axisH = 22;
  const width = labelW + barW + valueW;
  const height = top + rows.length * rowH + axisH;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`, class: "bar-chart", role: "img", "aria-label": title,
    preserveAspectRatio: "xMinYMin meet",
  });
  root.append(svg("title", {}, title));
  // Grid lines at each whole score.
  for (let s = 0; s <= max; s++) {
    const x = labelW + (barW * s) / max;
    root.append(svg("line", { x1: x, x2: x, y1: top - 4, y2: top + rows.length * rowH, class: "grid" }));
    root.append(svg("text", { x, y: height - 6, class: "axis", "text-anchor": "middle" }, String(s)));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const label = row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label;
    const text = svg("text", { x: labelW - 10, y: y + rowH / 2 + 5, class: "label", "text-anchor": "end" }, label);
    if (label !== row.label) text.append(svg("title", {}, row.label));
    root.append(text);
    root.append(svg("rect", { x: labelW, y: y + 7, width: barW, height: rowH - 14, rx: 4, class: "track" }));
    if (row.value !== null && row.value !== undefined) {
      const w = Math.max(2, (barW * Math.min(max, Math.max(0, row.value))) / max);
      root.append(svg("rect", { x: labelW, y: y + 7, width: w, height: rowH - 14, rx: 4, class: `bar band-${band(row.value)}` }));
    }
    root.append(svg("text", { x: labelW + barW + 10, y: y + rowH / 2 + 5, class: "value" },
      row.value === null || row.value === undefined ? "n/a" : Number(row.value).toFixed(1)));
  });
  return root;
}
