// Inline SVG charts drawn from numbers: the portfolio sparkline, the phase timeline over the
// roadmap's weeks and the score trend. Labels are text nodes like everything else.

import { s } from "./dom.js";

export function sparkline(values) {
  const w = 120, hgt = 28, pad = 3;
  const svg = s("svg", { class: "spark", viewBox: `0 0 ${w} ${hgt}`, role: "img" });
  if (!values.length) return svg;
  const x = (i) => (values.length === 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (values.length - 1));
  const y = (v) => hgt - pad - (Math.max(0, Math.min(100, v)) / 100) * (hgt - 2 * pad);
  svg.appendChild(s("polyline", { points: values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
  const last = values.length - 1;
  svg.appendChild(s("circle", { cx: x(last), cy: y(values[last]), r: 2.6 }));
  svg.appendChild(s("title", {}, `scores of the last ${values.length} runs: ${values.join(", ")}`));
  return svg;
}

/** Phases as bars over weeks 1..N, filled by completion, with the week of the audit marked. */
export function timeline(t) {
  const left = 190, right = 16, top = 24, row = 30, width = 1000;
  const weeks = Math.max(1, t.weeks);
  const height = top + t.phases.length * row + 14;
  const cw = (width - left - right) / weeks;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", id: "timeline" });
  svg.appendChild(s("title", {}, "phase timeline"));
  for (let w = 1; w <= weeks; w++) {
    const x = left + (w - 1) * cw;
    svg.appendChild(s("rect", { class: w % 2 ? "week-a" : "week-b", x, y: top - 4, width: cw, height: height - top }));
    svg.appendChild(s("text", { x: x + cw / 2, y: 14, "text-anchor": "middle" }, `W${w}`));
  }
  t.phases.forEach((p, i) => {
    const y = top + i * row;
    const x = left + (p.weeks[0] - 1) * cw;
    const w = (p.weeks[1] - p.weeks[0] + 1) * cw;
    svg.appendChild(s("text", { class: "label", x: 0, y: y + 16 }, `${p.number}. ${p.title}`));
    svg.appendChild(s("rect", { class: p.due && !p.complete ? "phase-due" : "phase", x, y: y + 3, width: w, height: 18, rx: 4 }));
    svg.appendChild(s("rect", { class: "phase-done", x, y: y + 3, width: Math.max(0, w * p.completion), height: 18, rx: 4 }));
    svg.appendChild(s("text", { class: "inbar", x: x + 8, y: y + 16 }, `${p.done}/${p.total} done`));
  });
  if (t.week && t.week > 0) {
    const wk = Math.min(t.week, weeks + 0.5);
    const x = left + (wk - 0.5) * cw;
    svg.appendChild(s("line", { class: "today", x1: x, x2: x, y1: top - 6, y2: height - 4 }));
    svg.appendChild(s("text", { class: "today-label", x: x + 4, y: height - 2 }, `audit in week ${t.week}`));
  }
  return svg;
}

/** Score over runs; `selected` run ids are highlighted. */
export function trend(runs, selected = [], onPick = null) {
  const width = 1000, height = 220, left = 40, right = 16, top = 12, bottom = 30;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", id: "trend" });
  svg.appendChild(s("title", {}, "score trend"));
  const y = (v) => top + (1 - Math.max(0, Math.min(100, v)) / 100) * (height - top - bottom);
  for (const g of [0, 25, 50, 75, 100]) {
    svg.appendChild(s("line", { class: "grid", x1: left, x2: width - right, y1: y(g), y2: y(g) }));
    svg.appendChild(s("text", { x: left - 6, y: y(g) + 4, "text-anchor": "end" }, String(g)));
  }
  if (!runs.length) return svg;
  const x = (i) => (runs.length === 1 ? (left + width - right) / 2 : left + 8 + (i * (width - left - right - 16)) / (runs.length - 1));
  svg.appendChild(s("polyline", { class: "line", points: runs.map((r, i) => `${x(i)},${y(r.score)}`).join(" ") }));
  const every = Math.max(1, Math.ceil(runs.length / 10));
  runs.forEach((r, i) => {
    const pt = s("circle", { class: selected.includes(r.id) ? "pt sel" : "pt", cx: x(i), cy: y(r.score), r: selected.includes(r.id) ? 5 : 3.5 });
    pt.appendChild(s("title", {}, `run ${r.id} · ${r.when} · ${r.score_text}`));
    if (onPick) pt.addEventListener("click", () => onPick(r));
    svg.appendChild(pt);
    if (i % every === 0 || i === runs.length - 1) {
      const anchor = runs.length > 1 && i === 0 ? "start" : runs.length > 1 && i === runs.length - 1 ? "end" : "middle";
      svg.appendChild(s("text", { x: x(i), y: height - 10, "text-anchor": anchor }, r.when.slice(0, 10)));
    }
  });
  return svg;
}
