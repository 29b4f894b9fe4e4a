// History of a repository: the score trend and every run; pick two runs to compare them side by
// side (what changed, and the findings before and after that explain it).

import { call } from "../api.js";
import { clear, h, badge, deltaSpan } from "../dom.js";
import { trend } from "../charts.js";

export async function render(ctx, identity) {
  const view = clear(ctx.view());
  const v = await call("history", { identity });
  const runs = v.runs;
  let picked = runs.length >= 2 ? [runs[runs.length - 2].id, runs[runs.length - 1].id] : runs.map((r) => r.id);
  view.appendChild(h("div", { class: "crumbs" }, h("a", { href: "#/portfolio" }, "Portfolio"), " / ", runs.length ? h("a", { href: `#/repo/${runs[runs.length - 1].id}` }, v.name) : v.name, " / History"));
  view.appendChild(h("h1", { id: "title" }, `${v.name}: history`));
  view.appendChild(h("p", { class: "sub" }, `${v.identity} · ${runs.length} run${runs.length === 1 ? "" : "s"}. Choose two runs and compare them.`));
  const chart = h("div", { class: "panel" });
  view.appendChild(chart);
  const compareBtn = h("button", { class: "primary", id: "compare" }, "Compare the two selected runs");
  view.appendChild(h("div", { class: "toolbar" }, compareBtn, h("span", { class: "count", id: "picked" })));
  const body = h("tbody", { id: "runs" });
  view.appendChild(
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, h("th", {}, "Compare"), h("th", {}, "Run"), h("th", {}, "Finished"), h("th", {}, "Commit"), h("th", { class: "num" }, "Score"), h("th", { class: "num" }, "Change"), h("th", {}, "Level"), h("th", { class: "num" }, "Assessed"))),
        body
      )
    )
  );
  function toggle(id) {
    picked = picked.includes(id) ? picked.filter((x) => x !== id) : [...picked, id].slice(-2);
    draw();
  }
  function draw() {
    clear(chart).appendChild(trend(runs, picked, (r) => toggle(r.id)));
    clear(body);
    for (const r of [...runs].reverse()) {
      const box = h("input", { type: "checkbox", checked: picked.includes(r.id), dataset: { run: String(r.id) }, onchange: () => toggle(r.id) });
      body.appendChild(
        h(
          "tr",
          { dataset: { run: String(r.id) } },
          h("td", {}, box),
          h("td", {}, h("a", { href: `#/repo/${r.id}` }, `#${r.id}`)),
          h("td", {}, r.when),
          h("td", { class: "mono" }, r.commit || "–"),
          h("td", { class: "num" }, r.score_text),
          h("td", { class: "num" }, deltaSpan(r.delta_text) || "–"),
          h("td", {}, `Level ${r.level}`),
          h("td", { class: "num" }, r.coverage_text)
        )
      );
    }
    compareBtn.disabled = picked.length !== 2;
    document.getElementById("picked").textContent = picked.length === 2 ? `runs ${Math.min(...picked)} and ${Math.max(...picked)}` : "select two runs";
  }
  compareBtn.addEventListener("click", () => {
    const [a, b] = [...picked].sort((x, y) => x - y);
    ctx.go(`#/compare/${encodeURIComponent(identity)}/${a}/${b}`);
  });
  draw();
}

function runCard(label, r) {
  return h(
    "div",
    { class: "kpi" },
    h("div", { class: "k" }, `${label}: run ${r.run_id}`),
    h("div", { class: "v" }, r.score_text),
    h("div", { class: "s" }, `${r.when} · level ${r.level} · assessed ${r.coverage_text}`),
    h("div", { class: "s mono" }, r.commit ? `commit ${r.commit}` : "no commit")
  );
}

export async function renderCompare(ctx, identity, before, after) {
  const view = clear(ctx.view());
  const c = await call("compare", { before, after });
  view.appendChild(
    h("div", { class: "crumbs" }, h("a", { href: "#/portfolio" }, "Portfolio"), " / ", h("a", { href: `#/repo/${after}` }, c.after.name), " / ", h("a", { href: `#/history/${encodeURIComponent(identity)}` }, "History"), " / Comparison")
  );
  view.appendChild(h("h1", { id: "title" }, `Run ${c.before.run_id} → run ${c.after.run_id}`));
  view.appendChild(h("div", { class: "cols2" }, runCard("Before", c.before), runCard("After", c.after)));
  view.appendChild(
    h(
      "p",
      { class: "sub", id: "compare-summary" },
      "Score ",
      deltaSpan(c.score_delta_text),
      ` · level ${c.level_delta >= 0 ? "+" : ""}${c.level_delta} · assessed ${c.coverage_delta_text} · ${c.items.length} item${c.items.length === 1 ? "" : "s"} changed, ${c.unchanged_items} unchanged`
    )
  );
  if (c.roadmap_changed) view.appendChild(h("div", { class: "callout warn" }, "The two runs used different roadmap files; some changes may come from the roadmap, not the repository."));
  if (c.different_repositories) view.appendChild(h("div", { class: "callout warn" }, "These runs are of different repositories."));
  if (!c.items.length) {
    view.appendChild(h("div", { class: "panel empty", id: "no-change" }, "Nothing changed between these runs."));
    return;
  }
  view.appendChild(h("h2", {}, "What changed, and why"));
  const list = h("div", { id: "changes" });
  for (const i of c.items) {
    const box = h(
      "section",
      { class: `check ${i.to.class}`, dataset: { item: i.id } },
      h("h3", {}, `${i.id} ${i.title}`, badge(i.from), "→", badge(i.to), h("span", { class: "muted small" }, `score ${i.from_score} → ${i.to_score}`), i.verdict ? h("b", { class: i.verdict === "resolved" ? "delta-pos" : "delta-neg" }, i.verdict) : null)
    );
    for (const ch of i.checks) {
      box.appendChild(h("div", { class: "cid" }, h("span", { class: "mono" }, ch.id), " · ", ch.title, " ", badge(ch.from), " → ", badge(ch.to)));
      box.appendChild(h("div", { class: "side" }, h("div", {}, h("div", { class: "k" }, `Before (run ${c.before.run_id})`), ch.before || "not checked"), h("div", {}, h("div", { class: "k" }, `After (run ${c.after.run_id})`), ch.after)));
    }
    list.appendChild(box);
  }
  view.appendChild(list);
}
