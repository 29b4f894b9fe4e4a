// Portfolio: every audited repository with its latest score, level, assessed coverage, phase
// status against the schedule, trend and last audit; sorted and filtered in place.

import { call } from "../api.js";
import { clear, h, badge, scoreBar } from "../dom.js";
import { sparkline } from "../charts.js";

const state = { filter: "", sort: "name", asc: true };
const PACE = { on_track: 0, at_risk: 1, behind: 2 };

const columns = [
  ["name", "Repository", (r) => r.name.toLowerCase()],
  ["score", "Score", (r) => r.score],
  ["level", "Level", (r) => r.level],
  ["coverage", "Assessed", (r) => r.coverage],
  ["pace", "Phase vs schedule", (r) => (r.pace ? PACE[r.pace.class] : -1)],
  ["trend", "Trend", null],
  ["when", "Last audit", (r) => r.finished_at],
];

function kpis(rows) {
  const avg = rows.length ? rows.reduce((a, r) => a + r.score, 0) / rows.length : 0;
  const behind = rows.filter((r) => r.pace && r.pace.class === "behind").length;
  const atRisk = rows.filter((r) => r.pace && r.pace.class === "at_risk").length;
  const runs = rows.reduce((a, r) => a + r.runs, 0);
  const k = (label, value, sub) => h("div", { class: "kpi" }, h("div", { class: "k" }, label), h("div", { class: "v" }, value), h("div", { class: "s" }, sub));
  return h(
    "div",
    { class: "kpis" },
    k("Repositories", String(rows.length), `${runs} audits stored`),
    k("Average score", avg.toFixed(1), "latest run of each"),
    k("Behind schedule", String(behind), `${atRisk} at risk`),
    k("Level 1 or higher", String(rows.filter((r) => r.level >= 1).length), `of ${rows.length}`)
  );
}

function row(r, ctx) {
  const tr = h(
    "tr",
    { class: "clickable", dataset: { identity: r.identity, run: String(r.latest_run) }, onclick: () => ctx.go(`#/repo/${r.latest_run}`) },
    h("td", {}, h("div", { class: "name" }, r.name), h("div", { class: "ident" }, r.identity)),
    h("td", { class: "num score" }, r.score_text, scoreBar(r.score, r.score_band)),
    h("td", { class: "level" }, `Level ${r.level}`, h("div", { class: "ident" }, r.level_name)),
    h("td", { class: "num" }, r.coverage_text),
    h("td", {}, badge(r.pace), h("div", { class: "ident" }, r.phase_text)),
    h("td", {}, sparkline(r.trend)),
    h("td", { class: "small when" }, r.when.slice(0, 10), h("div", {}, r.when.slice(11)), h("div", { class: "ident" }, `${r.runs} run${r.runs === 1 ? "" : "s"}`))
  );
  return tr;
}

export async function render(ctx) {
  const view = clear(ctx.view());
  view.appendChild(h("div", { class: "loading" }, "Loading the portfolio…"));
  const rows = await call("portfolio");
  clear(view);
  view.appendChild(h("h1", {}, "Portfolio"));
  view.appendChild(h("p", { class: "sub" }, "Every audited repository, from its latest run. Select one to open its scorecard."));
  if (!rows.length) {
    view.appendChild(
      h("div", { class: "panel empty", id: "portfolio-empty" }, "No audit is stored yet. ", h("a", { href: "#/run" }, "Run an audit"), " or run `maturity audit` in a terminal.")
    );
    return;
  }
  view.appendChild(kpis(rows));
  const filter = h("input", { type: "text", id: "filter", placeholder: "Filter by name, identity or status", value: state.filter });
  const count = h("span", { class: "count", id: "portfolio-count" });
  view.appendChild(h("div", { class: "toolbar" }, filter, count));
  const tbody = h("tbody", { id: "portfolio-rows" });
  const headRow = h("tr");
  for (const [key, label, get] of columns) {
    const th = h("th", { class: `${get ? "sortable" : ""} ${["score", "coverage"].includes(key) ? "num" : ""}`, dataset: { sort: key } }, label);
    if (get) {
      th.addEventListener("click", () => {
        state.asc = state.sort === key ? !state.asc : key === "name";
        state.sort = key;
        draw();
      });
    }
    headRow.appendChild(th);
  }
  view.appendChild(h("div", { class: "table-wrap" }, h("table", { id: "portfolio" }, h("thead", {}, headRow), tbody)));

  function draw() {
    const q = state.filter.trim().toLowerCase();
    const get = columns.find((c) => c[0] === state.sort)[2];
    const shown = rows
      .filter((r) => !q || [r.name, r.identity, r.pace ? r.pace.label : "", r.level_name].some((t) => t.toLowerCase().includes(q)))
      .sort((a, b) => {
        const x = get(a), y = get(b);
        return (x < y ? -1 : x > y ? 1 : 0) * (state.asc ? 1 : -1);
      });
    clear(tbody);
    for (const r of shown) tbody.appendChild(row(r, ctx));
    for (const th of headRow.children) {
      th.classList.toggle("sorted", th.dataset.sort === state.sort);
      th.classList.toggle("asc", th.dataset.sort === state.sort && state.asc);
    }
    count.textContent = shown.length === rows.length ? `${rows.length} repositories` : `${shown.length} of ${rows.length} repositories`;
  }
  filter.addEventListener("input", () => {
    state.filter = filter.value;
    draw();
  });
  draw();
}
