// The only door to the backend: the app's own Tauri commands. Errors arrive as {code, message}.

function core() {
  const t = window.__TAURI__;
  if (!t || !t.core) throw { code: "no_backend", message: "the dashboard runs inside the Maturity app" };
  return t.core;
}

export function call(command, args = {}) {
  return core().invoke(command, args).catch((e) => {
    throw typeof e === "object" && e && e.code ? e : { code: "internal", message: String(e) };
  });
}

export function channel(onMessage) {
  const ch = new (core().Channel)();
  ch.onmessage = onMessage;
  return ch;
}
