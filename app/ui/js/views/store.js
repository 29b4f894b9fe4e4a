// The history store: which file is open, and, when it cannot be opened (written by a newer
// version, not a maturity store, damaged, unreachable), why, with ways out: choose another
// file, create a new one, or open it read-only. The file itself is never changed here.

import { call } from "../api.js";
import { clear, h } from "../dom.js";

const TITLES = {
  store_too_new: "This history store was written by a newer version of Maturity",
  store_not_a_store: "This file is not a Maturity history store, or it is damaged",
  store_unavailable: "The history store cannot be opened",
  store_error: "The history store reported an error",
};

export async function render(ctx) {
  const view = clear(ctx.view());
  const info = await ctx.refreshStore();
  const failed = info.state === "failed";
  view.appendChild(h("h1", { id: "title" }, failed ? TITLES[info.error.code] || "The history store cannot be opened" : "History store"));
  if (failed) {
    view.appendChild(h("div", { class: "callout bad", id: "store-error", dataset: { code: info.error.code } }, info.error.message));
    view.appendChild(h("p", { class: "sub" }, "Nothing was changed in this file. Choose what to do:"));
  } else {
    view.appendChild(h("p", { class: "sub" }, `${info.path} · ${info.runs} runs${info.state === "read_only" ? " · open read-only" : ""}. The CLI uses the same store.`));
  }
  const path = h("input", { type: "text", id: "store-path-input", value: info.path || "" });
  path.style.width = "560px";
  const open = async (readOnly) => {
    try {
      const now = await call("open_store", { path: path.value, readOnly });
      await ctx.refreshStore();
      if (now.state === "failed") render(ctx);
      else ctx.go("#/portfolio");
    } catch (e) {
      ctx.toast(e.message, true);
    }
  };
  const choose = h("button", { id: "choose-store" }, "Choose another store file…");
  choose.addEventListener("click", async () => {
    try {
      const picked = await call("choose_store_file");
      if (picked) {
        path.value = picked;
        open(false);
      }
    } catch (e) {
      ctx.toast(e.message, true);
    }
  });
  view.appendChild(
    h(
      "div",
      { class: "panel" },
      h("label", { class: "field" }, h("span", {}, "Store file ", h("span", { class: "hint" }, "(a new path creates an empty store)")), path),
      h(
        "div",
        { class: "actions" },
        choose,
        h("button", { id: "open-store", class: "primary", onclick: () => open(false) }, "Open this file"),
        h("button", { id: "open-read-only", onclick: () => open(true), disabled: failed && !info.read_only_possible, title: "Read the history without ever writing to it" }, "Open read-only")
      )
    )
  );
}
