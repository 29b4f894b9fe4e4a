// Export of a run: the HTML readout or the JSON scorecard, to a file chosen in a save dialog.

import { call } from "../api.js";
import { h } from "../dom.js";

export function buttons(ctx, runId) {
  const go = (format) => async () => {
    try {
      const path = await call("export_run", { runId, format });
      if (path) {
        ctx.toast(`Exported to ${path}`);
        const status = document.getElementById("export-status");
        if (status) status.textContent = `Exported ${format.toUpperCase()} to ${path}`;
      }
    } catch (e) {
      ctx.toast(e.message, true);
    }
  };
  return [
    h("button", { id: "export-html", onclick: go("html"), title: "The leadership readout: one self-contained HTML file" }, "Export readout…"),
    h("button", { id: "export-json", onclick: go("json"), title: "The versioned JSON scorecard" }, "Export JSON…"),
  ];
}
