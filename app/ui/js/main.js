// The dashboard shell: a hash router over the views, the store box in the sidebar, and a light
// poll of the store's revision so that runs recorded elsewhere (the CLI, another window) appear
// without a restart.

import { call } from "./api.js";
import { clear, h, toast } from "./dom.js";
import * as portfolio from "./views/portfolio.js";
import * as scorecard from "./views/scorecard.js";
import * as item from "./views/item.js";
import * as history from "./views/history.js";
import * as run from "./views/run.js";
import * as store from "./views/store.js";

const routes = [
  [/^#\/portfolio$/, () => portfolio.render(ctx)],
  [/^#\/run$/, () => run.render(ctx)],
  [/^#\/store$/, () => store.render(ctx)],
  [/^#\/repo\/(\d+)$/, (m) => scorecard.render(ctx, Number(m[1]))],
  [/^#\/item\/(\d+)\/(.+)$/, (m) => item.render(ctx, Number(m[1]), decodeURIComponent(m[2]))],
  [/^#\/history\/([^/]+)$/, (m) => history.render(ctx, decodeURIComponent(m[1]))],
  [/^#\/compare\/([^/]+)\/(\d+)\/(\d+)$/, (m) => history.renderCompare(ctx, decodeURIComponent(m[1]), Number(m[2]), Number(m[3]))],
];

let revision = null;
let storeState = null;

const ctx = {
  view: () => document.getElementById("view"),
  go: (hash) => {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  fail: (e) => {
    if (e && typeof e.code === "string" && e.code.startsWith("store_") && e.code !== "store_read_only") {
      ctx.go("#/store");
      return;
    }
    const v = clear(ctx.view());
    v.appendChild(h("div", { class: "callout bad", id: "error" }, h("b", {}, "Something went wrong. "), e.message || String(e)));
  },
  toast,
  refreshStore: () => refreshStore(),
  storeState: () => storeState,
  /** Set by the Run view while an audit runs, so a poll does not redraw it. */
  busy: false,
};

async function refreshStore() {
  const info = await call("store_info");
  storeState = info;
  document.getElementById("store-path").textContent = info.path || "none";
  document.getElementById("store-mode").className = info.state === "ready" ? "mode" : "mode warn";
  document.getElementById("store-mode").textContent =
    info.state === "read_only" ? "read-only" : info.state === "failed" ? "cannot be opened" : `${info.runs} runs`;
  revision = await call("store_revision");
  return info;
}

async function route() {
  const hash = location.hash || "#/portfolio";
  for (const a of document.querySelectorAll("#sidebar nav a")) {
    a.classList.toggle("active", hash.startsWith(a.getAttribute("href")) || (a.id === "nav-portfolio" && /^#\/(repo|item|history|compare)/.test(hash)));
  }
  if (storeState && storeState.state === "failed" && hash !== "#/store") {
    ctx.go("#/store");
    return;
  }
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (m) {
      try {
        await view(m);
      } catch (e) {
        ctx.fail(e);
      }
      return;
    }
  }
  ctx.go("#/portfolio");
}

async function poll() {
  if (!storeState || storeState.state === "failed" || ctx.busy) return;
  try {
    const now = await call("store_revision");
    if (revision && now && (now[0] !== revision[0] || now[1] !== revision[1])) {
      await refreshStore();
      const hash = location.hash;
      if (!hash.startsWith("#/run") && !hash.startsWith("#/store") && !hash.startsWith("#/item")) route();
    }
  } catch (_) {
    /* the next poll tries again */
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", async () => {
  try {
    await refreshStore();
  } catch (e) {
    ctx.fail(e);
  }
  route();
  setInterval(poll, 3000);
});
