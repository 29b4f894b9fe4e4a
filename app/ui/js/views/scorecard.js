// A repository's scorecard (one run): score, level and coverage; areas × items with status
// colours; the phase timeline over the roadmap's weeks with the schedule; success metrics
// against their targets.

import { call } from "../api.js";
import { clear, h, badge, deltaSpan } from "../dom.js";
import { timeline } from "../charts.js";
import * as exporting from "./export.js";

export function header(run, crumbs, title) {
  return [
    h("div", { class: "crumbs" }, h("a", { href: "#/portfolio" }, "Portfolio"), ...crumbs.flatMap((c) => [" / ", c])),
    h("h1", { id: "title" }, title),
    h(
      "p",
      { class: "sub" },
      `${run.identity} · run ${run.run_id} · ${run.when}`,
      run.commit ? ` · commit ${run.commit}` : "",
      run.branch ? ` on ${run.branch}` : "",
      ` · ${run.roadmap}`
    ),
    ...run.live.map((line) => h("p", { class: "sub live" }, line)),
  ];
}

function kpis(v) {
  const r = v.run;
  const k = (label, value, ...sub) => h("div", { class: "kpi" }, h("div", { class: "k" }, label), h("div", { class: "v" }, value), h("div", { class: "s" }, ...sub));
  return h(
    "div",
    { class: "kpis" },
    k("Score", h("span", { id: "score" }, r.score_text), "of 100 ", r.change_text ? ["· ", deltaSpan(r.change_text), " since the previous run"] : ""),
    k("Maturity level", `Level ${r.level}`, r.level_name),
    k("Assessed", r.coverage_text, "of the roadmap could be judged"),
    k("Schedule", r.pace ? badge(r.pace) : "–", r.week_text || "no start date in the roadmap")
  );
}

function areas(v, ctx) {
  const grid = h("div", { class: "areas", id: "areas" });
  for (const a of v.areas) {
    const box = h("section", { class: "area" }, h("header", {}, h("b", {}, a.title), h("span", {}, `score ${a.score_text} · assessed ${a.coverage_text}`)));
    for (const i of a.items) {
      box.appendChild(
        h(
          "div",
          { class: "item-row", dataset: { item: i.id }, title: i.line, onclick: () => ctx.go(`#/item/${v.run.run_id}/${encodeURIComponent(i.id)}`) },
          h("span", { class: "id" }, i.id),
          h("span", { class: "t" }, i.title),
          badge(i.status),
          h("span", { class: "sc" }, i.score_text)
        )
      );
    }
    grid.appendChild(box);
  }
  return grid;
}

function metrics(v) {
  const body = h("tbody");
  for (const m of v.metrics) {
    body.appendChild(
      h("tr", { title: m.message }, h("td", {}, m.title, h("div", { class: "ident" }, m.group)), h("td", { class: "num" }, m.target_text), h("td", { class: "num" }, m.value_text), h("td", {}, badge(m.status)))
    );
  }
  return h(
    "div",
    { class: "table-wrap" },
    h("table", { id: "metrics" }, h("thead", {}, h("tr", {}, h("th", {}, "Success metric"), h("th", { class: "num" }, "Target"), h("th", { class: "num" }, "Measured"), h("th", {}, "Status"))), body)
  );
}

export async function render(ctx, runId) {
  const view = clear(ctx.view());
  view.appendChild(h("div", { class: "loading" }, "Loading the scorecard…"));
  const v = await call("scorecard", { runId });
  clear(view);
  const actions = h(
    "div",
    { class: "actions" },
    h("button", { id: "open-history", onclick: () => ctx.go(`#/history/${encodeURIComponent(v.run.identity)}`) }, "History and comparison"),
    ...exporting.buttons(ctx, runId)
  );
  view.appendChild(h("div", { class: "head" }, h("div", {}, ...header(v.run, [v.run.name], v.run.name)), actions));
  view.appendChild(h("div", { class: "small muted", id: "export-status" }));
  view.appendChild(kpis(v));
  const legend = h("div", { class: "legend" }, ...v.status_counts.filter(([, n]) => n > 0).map(([t, n]) => h("span", {}, h("span", { class: `dot ${t.class}` }), `${n} ${t.label}`)));
  view.appendChild(h("h2", {}, "Areas and items"));
  view.appendChild(legend);
  view.appendChild(areas(v, ctx));
  view.appendChild(h("h2", {}, "Phase timeline"));
  const t = v.timeline;
  view.appendChild(
    h(
      "p",
      { class: "sub" },
      t.start ? `Week 1 began on ${t.start}; by the audit the plan expected level ${t.expected_level}. ` : "The roadmap has no start date, so progress is not compared with a schedule. ",
      "Green shows the share of each phase's items done."
    )
  );
  view.appendChild(h("div", { class: "panel" }, timeline(t)));
  view.appendChild(h("h2", {}, "Success metrics"));
  view.appendChild(metrics(v));
  if (v.must_pass.length) {
    view.appendChild(h("h2", {}, "Must pass"));
    view.appendChild(h("div", { class: "strip" }, ...v.must_pass.map(([id, tag, ok]) => h("span", { class: ok ? "" : "delta-neg" }, `${id} `, badge(tag), " "))));
  }
  if (v.notes.length || v.problems.length) {
    view.appendChild(h("h2", {}, "Notes"));
    view.appendChild(h("ul", { class: "small muted" }, ...v.notes.map((n) => h("li", {}, n)), ...v.problems.map((p) => h("li", {}, `could not read ${p}`))));
  }
}
