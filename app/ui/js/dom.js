// Building the page without ever parsing data as HTML: every text goes through text nodes
// (textContent), every element is created by name. Repository data (names, messages, paths,
// snippets) is untrusted and must never reach innerHTML.

const SVG = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "text") el.textContent = String(v);
    else if (k === "value") el.value = v;
    else if (k === "checked" || k === "disabled") el[k] = !!v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h("td", {class: "num"}, "42"). */
export function h(tag, attrs, ...children) {
  return append(apply(document.createElement(tag), attrs), children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return append(apply(document.createElementNS(SVG, tag), attrs), children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A status badge from a `{class, label}` tag prepared in Rust. */
export function badge(tag) {
  if (!tag) return h("span", { class: "badge none" }, "no schedule");
  return h("span", { class: `badge ${tag.class}` }, tag.label);
}

/** A score bar; `band` (good, fair, poor) comes from the view model, banded in Rust. */
export function scoreBar(v, band) {
  const bar = h("span", { class: "scorebar" });
  const fill = h("i", { class: band });
  fill.style.width = `${Math.max(0, Math.min(100, v))}%`;
  bar.appendChild(fill);
  return bar;
}

export function deltaSpan(text) {
  if (!text) return null;
  const cls = text.startsWith("+") && text !== "+0.0" ? "delta-pos" : text.startsWith("-") ? "delta-neg" : "muted";
  return h("span", { class: cls }, text);
}

let toastTimer;
export function toast(message, isError = false) {
  const t = document.getElementById("toast");
  t.textContent = message;
  t.className = isError ? "error" : "";
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), isError ? 8000 : 4000);
}

/** Copies text to the clipboard, falling back to a selected text area where the API is absent. */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const area = h("textarea", { readonly: true });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
