// Item detail: the item's checks with their findings, evidence (open the file, or copy a
// location, commit, ARN or URL), remediation, waiver state and the item's status over runs.

import { call } from "../api.js";
import { clear, copy, h, badge } from "../dom.js";
import { header } from "./scorecard.js";

function evidence(ctx, v, check) {
  if (!check.evidence.length) return h("p", { class: "small muted" }, "No evidence recorded.");
  const list = h("ul", { class: "evidence" });
  for (const e of check.evidence) {
    const actions = [];
    if (e.openable) {
      actions.push(
        h(
          "button",
          {
            class: "small open-evidence",
            title: "Open the file with the desktop's application for it",
            onclick: async () => {
              try {
                const opened = await call("open_evidence", { runId: v.run.run_id, check: check.id, index: e.index });
                const line = opened.line ? ` (line ${opened.line})` : "";
                ctx.toast(`Opened ${opened.path}${line}`);
                document.getElementById("evidence-status").textContent = `Opened ${opened.path}${line}`;
              } catch (err) {
                ctx.toast(err.message, true);
              }
            },
          },
          "Open"
        )
      );
    }
    const what = { file: "location", commit: "commit", report: "path", cloud: "ARN", url: "URL" }[e.kind] || "text";
    actions.push(
      h(
        "button",
        {
          class: "small copy-evidence",
          title: `Copy the ${what}`,
          onclick: async () => ctx.toast((await copy(e.copy)) ? `Copied ${e.copy}` : "Could not copy", false),
        },
        `Copy ${what}`
      )
    );
    list.appendChild(
      h("li", { class: "ev", dataset: { kind: e.kind } }, h("span", { class: "kind" }, e.kind), h("span", { class: "lab" }, h("code", {}, e.label), e.snippet ? h("span", { class: "snip mono" }, e.snippet) : null), ...actions)
    );
  }
  return list;
}

export async function render(ctx, runId, itemId) {
  const view = clear(ctx.view());
  const v = await call("item_detail", { runId, item: itemId });
  const crumbs = [h("a", { href: `#/repo/${runId}` }, v.run.name), `${v.id} ${v.title}`];
  view.appendChild(h("div", { class: "head" }, h("div", {}, ...header(v.run, crumbs, `${v.id} ${v.title}`)), h("div", { class: "actions" }, badge(v.status))));
  const facts = [
    ["Area", v.area],
    ["Score", v.score_text],
    ["Assessed", v.coverage_text],
    ["Weight", v.weight],
    ["Schedule", v.pace ? [badge(v.pace), " ", v.due_text] : "no schedule"],
    ["Must pass", v.must_pass ? "yes (.maturity.toml)" : "no"],
  ];
  view.appendChild(h("div", { class: "side", id: "item-facts" }, ...facts.map(([k, val]) => h("div", {}, h("div", { class: "k" }, k), h("div", {}, val)))));
  if (v.next_step) view.appendChild(h("div", { class: "callout", id: "next-step" }, h("b", {}, "Next step: "), v.next_step));
  for (const w of v.waivers) {
    view.appendChild(
      h("div", { class: w.active ? "callout warn waiver" : "callout bad waiver" }, h("b", {}, `Waiver of ${w.target}: `), `${w.state}. ${w.reason} (owner: ${w.owner})`, w.applied.length ? ` Applied to ${w.applied.join(", ")}.` : "")
    );
  }
  view.appendChild(h("div", { class: "small muted", id: "evidence-status" }, v.files_note || ""));
  view.appendChild(h("h2", {}, `Checks (${v.checks.length})`));
  for (const c of v.checks) {
    view.appendChild(
      h(
        "section",
        { class: `check ${c.status.class}`, dataset: { check: c.id } },
        h("h3", {}, badge(c.status), c.title, h("span", { class: "muted small" }, `score ${c.score_text} · weight ${c.weight}`)),
        h("div", { class: "cid mono" }, c.id, c.origin && c.origin !== "built in" ? h("span", { class: "origin muted small" }, ` · ${c.origin}`) : null),
        h("p", { class: "msg" }, c.message),
        evidence(ctx, v, c),
        c.status.class !== "pass" ? h("p", { class: "fix" }, h("b", {}, "Remediation: "), c.remediation) : null
      )
    );
  }
  if (v.history.length > 1) {
    view.appendChild(h("h2", {}, "Over time"));
    view.appendChild(
      h("div", { class: "strip", id: "item-history" }, ...v.history.map(([id, when, tag]) => h("a", { href: `#/item/${id}/${encodeURIComponent(v.id)}`, title: `run ${id} · ${when} · ${tag.label}` }, h("span", { class: `dot ${tag.class}` }))))
    );
  }
}
