// Run an audit: choose a folder (native dialog, or type its path), follow the engine's progress
// live, cancel; the new run is recorded in the store and shows everywhere.

import { call, channel } from "../api.js";
import { clear, h } from "../dom.js";

const last = { path: "", profile: "" };

export function render(ctx) {
  const view = clear(ctx.view());
  const info = ctx.storeState();
  view.appendChild(h("h1", {}, "Run an audit"));
  view.appendChild(h("p", { class: "sub" }, "Audits a repository as `maturity audit` does, with its .maturity.toml, and records the run in the history store."));
  const path = h("input", { type: "text", id: "audit-path", placeholder: "/path/to/repository", value: last.path });
  path.style.width = "560px";
  const browse = h("button", { id: "browse" }, "Choose folder…");
  const profile = h("input", {
    type: "text",
    id: "aws-profile",
    placeholder: "none: the repository only",
    value: last.profile,
    title: "A profile of your AWS config files. The audit then also reads that account (its default region), read-only, as `maturity audit --aws --profile NAME` does.",
  });
  const start = h("button", { class: "primary", id: "start-audit" }, "Start audit");
  const cancel = h("button", { class: "danger", id: "cancel-audit", disabled: true }, "Cancel");
  const readOnly = info && info.state === "read_only";
  view.appendChild(
    h(
      "div",
      { class: "panel" },
      h("label", { class: "field" }, h("span", {}, "Repository folder"), h("div", { class: "toolbar" }, path, browse)),
      h("label", { class: "field" }, h("span", {}, "AWS profile ", h("span", { class: "hint" }, "(optional; reads that account too, read-only)")), profile),
      h("div", { class: "actions" }, start, cancel),
      readOnly ? h("div", { class: "callout warn" }, "The store is open read-only: audits cannot be recorded. Open it normally from the store screen.") : null
    )
  );
  start.disabled = !!readOnly;
  const status = h("div", { id: "audit-status", class: "sub" });
  const bar = h("div", { class: "progress", id: "audit-progress" }, h("i"));
  const stages = h("ol", { class: "stages", id: "audit-stages" });
  const result = h("div", { id: "audit-result" });
  const progressPanel = h("div", { hidden: true }, h("h2", {}, "Progress"), h("div", { class: "panel" }, status, bar, stages, result));
  view.appendChild(progressPanel);

  browse.addEventListener("click", async () => {
    try {
      const picked = await call("choose_folder");
      if (picked) path.value = picked;
    } catch (e) {
      ctx.toast(e.message, true);
    }
  });
  cancel.addEventListener("click", () => call("cancel_audit").catch((e) => ctx.toast(e.message, true)));
  start.addEventListener("click", async () => {
    last.path = path.value;
    last.profile = profile.value;
    progressPanel.hidden = false;
    clear(stages);
    clear(result);
    status.textContent = "Starting…";
    bar.className = "progress indeterminate";
    start.disabled = true;
    cancel.disabled = false;
    ctx.busy = true;
    let events = 0;
    const onEvent = (e) => {
      events += 1;
      stages.dataset.events = String(events);
      if (e.event === "stage") {
        for (const li of stages.children) li.classList.remove("current");
        stages.appendChild(h("li", { class: "current" }, e.name));
        status.textContent = e.name;
        bar.className = e.total ? "progress" : "progress indeterminate";
        bar.firstChild.style.width = "0%";
      } else if (e.event === "advance" && e.total) {
        bar.firstChild.style.width = `${Math.round((100 * e.done) / e.total)}%`;
        status.textContent = `${stages.lastChild ? stages.lastChild.textContent : ""}: ${e.done} of ${e.total}`;
      } else if (e.event === "warning") {
        result.appendChild(h("div", { class: "callout warn" }, e.message));
      }
    };
    try {
      const done = await call("run_audit", { path: path.value, awsProfile: profile.value.trim() || null, onEvent: channel(onEvent) });
      bar.className = "progress";
      bar.firstChild.style.width = "100%";
      for (const li of stages.children) li.classList.remove("current");
      status.textContent = `Finished: ${done.name} scored ${done.score_text}.`;
      result.appendChild(h("div", { class: "callout", id: "audit-done", dataset: { run: String(done.run_id) } }, `Recorded as run ${done.run_id}. `, h("a", { href: `#/repo/${done.run_id}`, id: "open-new-run" }, "Open its scorecard")));
      await ctx.refreshStore();
    } catch (e) {
      bar.className = "progress";
      status.textContent = e.code === "cancelled" ? "Cancelled: nothing was recorded." : "The audit did not complete.";
      result.appendChild(h("div", { class: e.code === "cancelled" ? "callout warn" : "callout bad", id: "audit-error", dataset: { code: e.code } }, e.message));
    } finally {
      ctx.busy = false;
      start.disabled = false;
      cancel.disabled = true;
    }
  });
}
