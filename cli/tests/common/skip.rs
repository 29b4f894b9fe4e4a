//! Skipping a test for want of a tool, visibly.
//!
//! Some tests need programs `.ci/test` installs (Chromium and ChromeDriver, tauri-driver with
//! Xvfb and WebKitWebDriver, the moto AWS emulator). In CI (`CI` set) a missing one fails the
//! test. Elsewhere the test is skipped, but libtest still reports it `ok` and shows what a test
//! printed only when it fails, so an `eprintln!` would never be seen: a plain `cargo test` would
//! pass silently. [`skipped`] therefore writes to the process's standard error directly (libtest
//! captures only the `print!` family), once when the test skips and once more, as a summary of
//! every skip of the test binary, after libtest's `test result:` line, when the process exits.
//!
//! Declared as `common::skip` by the CLI's and the desktop app's tests (`webdriver.rs` uses it),
//! and at the root of the AWS benchmark, for `aws/moto.rs`.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Mutex, Once};

static SKIPPED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Whether tests must fail (CI) rather than skip when a tool is missing.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The running test cannot run because `why` (a tool is missing): in CI it fails; elsewhere it
/// is recorded as skipped, said at once and again in the summary when the test binary exits.
pub fn skipped(why: &str) {
    if required() {
        panic!("{why}: CI needs it (.ci/test installs it)");
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let line = format!("{test}: {why}");
    // straight to the file descriptor: libtest's capture would hide an `eprintln!`
    let _ = writeln!(std::io::stderr(), "SKIPPED {line}");
    SKIPPED.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    static SUMMARY: Once = Once::new();
    SUMMARY.call_once(|| {
        // SAFETY: `atexit` only stores the address of a function that lives as long as the
        // process; `summary` takes no argument, never unwinds and only writes to standard error.
        unsafe {
            atexit(summary);
        }
    });
}

unsafe extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

/// Runs when the test binary exits, after libtest's own summary.
extern "C" fn summary() {
    let Ok(lines) = SKIPPED.lock() else { return };
    if lines.is_empty() {
        return;
    }
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| s.rsplit_once('-').map_or(s.clone(), |(name, _hash)| name.to_string()))
        .unwrap_or_default();
    let mut out = format!(
        "\nSKIPPED: {} test(s) of `{binary}` reported ok WITHOUT RUNNING, for want of a tool (./.ci/test installs it; in CI they fail):\n",
        lines.len()
    );
    for line in lines.iter() {
        out.push_str(&format!("  {line}\n"));
    }
    let _ = std::io::stderr().write_all(out.as_bytes());
}
