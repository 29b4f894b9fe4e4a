//! The dashboard end to end: the real app binary, driven through tauri-driver and WebKitWebDriver
//! under an X display (Xvfb in CI), on a store prepared by the same engine and recording logic
//! the CLI uses. Rust, IPC, the permissions of `capabilities/` and the CSP are all in the loop.
//!
//! In CI (`CI=true`) a missing display, tauri-driver or WebKitWebDriver fails these tests;
//! elsewhere they are skipped with the reason. A screenshot of every view is kept in the target
//! directory (`app-*.png`) for a person to look at.

mod common;

use common::webdriver::{self, Session};
use common::*;
use maturity_core::history::Store;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

fn capabilities(store: &Path) -> serde_json::Value {
    json!({
        "browserName": "wry",
        "tauri:options": {
            "application": env!("CARGO_BIN_EXE_maturity-app"),
            "args": ["--store", store.display().to_string()]
        }
    })
}

fn shot(session: &Session, name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("app-{name}.png"));
    session.screenshot(&path);
    assert!(std::fs::metadata(&path).unwrap().len() > 5_000, "{name}: the screenshot is empty");
    path
}

/// An executable that records the files it is asked to open (the desktop's file handler).
fn recording_opener(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let log = dir.join("opened.log");
    let script = dir.join("open-with");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n", log.display())).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

#[test]
fn portfolio_audit_item_evidence_comparison_and_export() {
    let Some(tauri_driver) = e2e_tools() else { return };
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    // two audited repositories: `shop` twice (its pipeline and decision records came in between)
    let shop_root = w.join("repos/shop");
    let shop = repo(&shop_root, &[COMPOSER], Some("https://github.com/acme/shop.git"));
    let store_path = w.join("store/history.db");
    let mut store = Store::open(&store_path).unwrap();
    let first = record(&mut store, &shop_root);
    write(&shop_root, CI.0, CI.1);
    write(&shop_root, ADR.0, ADR.1);
    commit_all(&shop, "pipeline and decisions", 1_700_086_400);
    let second = record(&mut store, &shop_root);
    let legacy_root = w.join("repos/legacy");
    repo(&legacy_root, &[("app.py", "print('hello')\n"), ("requirements.txt", "flask==3.0\n")], None);
    record(&mut store, &legacy_root);
    // a repository whose name is markup: it must show as text and never run
    let hostile_root = w.join("repos/<img src=x onerror=window.pwned=1>");
    repo(&hostile_root, &[("README.md", "# <script>window.pwned=2</script>\n")], None);
    record(&mut store, &hostile_root);
    let shop_score = maturity_core::report::view::score(Some(store.scorecard(second).unwrap().unwrap().score));
    drop(store);
    // a third repository, audited from the window
    let fresh_root = w.join("repos/payments");
    repo(&fresh_root, &[CI, ("package.json", r#"{"name":"payments","scripts":{"test":"jest"}}"#)], None);

    let exports = w.join("exports");
    std::fs::create_dir_all(&exports).unwrap();
    let (opener, opened_log) = recording_opener(w);
    let Some(driver) = webdriver::start_tauri_driver(
        &tauri_driver,
        &[("MATURITY_APP_SAVE_DIR", &exports), ("MATURITY_APP_OPEN_WITH", &opener)],
    ) else {
        return;
    };
    let s = driver.session(capabilities(&store_path));

    // the portfolio lists the three repositories with the stored figures
    s.wait_for("document.querySelectorAll('#portfolio-rows tr').length === 3", "the portfolio", WAIT);
    let shop_row = s.find_text("#portfolio-rows tr[data-identity='github.com/acme/shop']");
    assert!(shop_row.contains("shop") && shop_row.contains(&shop_score), "{shop_row}");
    assert!(shop_row.contains("2 runs"), "{shop_row}");
    shot(&s, "portfolio");
    s.type_into("#filter", "legacy");
    s.wait_for("document.querySelectorAll('#portfolio-rows tr').length === 1", "the filter", WAIT);
    assert!(s.find_text("#portfolio-rows").contains("legacy"));
    s.type_into("#filter", "");
    s.wait_for("document.querySelectorAll('#portfolio-rows tr').length === 3", "the filter cleared", WAIT);
    assert!(s.find_text("#portfolio-rows").contains("<img src=x onerror=window.pwned=1>"), "markup shows as text");
    assert_eq!(s.execute("return document.querySelectorAll('#view img, #view script').length;"), json!(0));
    assert_eq!(s.execute("return typeof window.pwned;"), json!("undefined"));
    s.click("th[data-sort='score']");
    s.wait_for("document.querySelector('th[data-sort=score]').classList.contains('sorted')", "sorting", WAIT);

    // the repository's scorecard: 22 items in their areas, the timeline, 12 metrics
    s.click(&format!("#portfolio-rows tr[data-run='{second}'] td .name"));
    s.wait_for("document.querySelectorAll('#areas .item-row').length === 22", "the scorecard", WAIT);
    assert_eq!(s.find_text("#score"), shop_score);
    s.wait_for("document.querySelectorAll('#metrics tbody tr').length === 12", "the metrics", WAIT);
    s.wait_for("document.querySelector('#timeline')", "the timeline", WAIT);
    shot(&s, "scorecard");

    // an item and its evidence: the file opens (inside the repository) at its path
    s.click("#areas .item-row[data-item='6.1']");
    let check = "section.check[data-check='repo.ci.tests_run_on_pull_requests']";
    s.wait_for(&format!("document.querySelector(\"{check}\")"), "the item detail", WAIT);
    let text = s.find_text(check);
    assert!(text.contains(".github/workflows/ci.yml"), "{text}");
    shot(&s, "item");
    s.click(&format!("{check} .open-evidence"));
    s.wait_for("document.querySelector('#evidence-status').textContent.startsWith('Opened')", "the evidence", WAIT);
    // the opener runs as its own process: its record appears shortly after the app reports it
    let expected = std::fs::canonicalize(&shop_root).unwrap().join(CI.0);
    let start = std::time::Instant::now();
    let mut opened = String::new();
    while start.elapsed() < WAIT {
        opened = std::fs::read_to_string(&opened_log).unwrap_or_default();
        if !opened.trim().is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(opened.trim(), expected.display().to_string());

    // history and the comparison of the two runs: what changed, and why
    s.execute(&format!("location.hash = '#/repo/{second}'; return 1;"));
    s.wait_for("document.querySelector('#open-history')", "the scorecard again", WAIT);
    s.click("#open-history");
    s.wait_for("document.querySelectorAll('#runs tr').length === 2", "the history", WAIT);
    shot(&s, "history");
    s.click("#compare");
    s.wait_for("document.querySelector('#changes section.check')", "the comparison", WAIT);
    assert_eq!(s.find_text("#title"), format!("Run {first} → run {second}"));
    let changes = s.find_text("#changes").to_lowercase();
    assert!(changes.contains("6.1"), "the pipeline changed item 6.1: {changes}");
    assert!(
        changes.contains(&format!("before (run {first})")) && changes.contains(&format!("after (run {second})")),
        "{changes}"
    );
    shot(&s, "compare");

    // export the readout and the JSON of the newest run
    s.execute(&format!("location.hash = '#/repo/{second}'; return 1;"));
    s.wait_for("document.querySelector('#export-html')", "the export buttons", WAIT);
    s.click("#export-html");
    s.wait_for("document.querySelector('#export-status').textContent.includes('HTML')", "the HTML export", WAIT);
    let html = std::fs::read_to_string(exports.join(format!("shop-run-{second}-readout.html"))).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"), "{}", &html[..80]);
    assert!(html.contains("Engineering maturity readout") && html.contains("github.com/acme/shop"));
    s.click("#export-json");
    s.wait_for("document.querySelector('#export-status').textContent.includes('JSON')", "the JSON export", WAIT);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(exports.join(format!("shop-run-{second}.json"))).unwrap())
            .unwrap();
    assert_eq!(
        (json["run_id"].as_i64(), json["repository"]["identity"].as_str()),
        (Some(second), Some("github.com/acme/shop"))
    );

    // run an audit from the window: progress events, then the run everywhere
    s.click("#nav-run");
    s.wait_for("document.querySelector('#audit-path')", "the Run view", WAIT);
    assert_eq!(s.execute("return document.querySelector('#aws-profile').disabled;"), json!(false));
    s.type_into("#audit-path", &fresh_root.display().to_string());
    s.click("#start-audit");
    let run = s.wait_for(
        "document.querySelector('#audit-done') && document.querySelector('#audit-done').dataset.run",
        "the audit",
        WAIT,
    );
    let events: u32 =
        s.execute("return document.querySelector('#audit-stages').dataset.events;").as_str().unwrap().parse().unwrap();
    let stages = s.find_text("#audit-stages");
    assert!(events >= 4 && stages.contains("Running checks"), "{events} events: {stages}");
    shot(&s, "run");
    let run: i64 = run.as_str().unwrap().parse().unwrap();
    let stored = Store::open_read_only(&store_path).unwrap().scorecard(run).unwrap().expect("the run is stored");
    assert_eq!(stored.repository.name, "payments");
    s.click("#nav-portfolio");
    s.wait_for(
        "document.querySelectorAll('#portfolio-rows tr').length === 4",
        "the new repository in the portfolio",
        WAIT,
    );
    assert!(s.find_text("#portfolio-rows").contains("payments"));

    // a run recorded by another process (the CLI) appears without a restart
    let mut other = Store::open(&store_path).unwrap();
    record(&mut other, &legacy_root);
    s.wait_for("[...document.querySelectorAll('#portfolio-rows tr')].some(r => r.textContent.includes('legacy') && r.textContent.includes('2 runs'))", "the run recorded elsewhere", WAIT);

    // a bad path is refused with a clear message, and nothing is recorded
    s.click("#nav-run");
    s.wait_for("document.querySelector('#audit-path')", "the Run view", WAIT);
    s.type_into("#audit-path", &w.join("no-such-folder").display().to_string());
    s.click("#start-audit");
    let code = s.wait_for(
        "document.querySelector('#audit-error') && document.querySelector('#audit-error').dataset.code",
        "the error",
        WAIT,
    );
    assert_eq!(code, json!("bad_input"));
}

#[test]
fn a_store_from_a_newer_version_is_explained_and_left_untouched() {
    let Some(tauri_driver) = e2e_tools() else { return };
    let work = tempfile::tempdir().unwrap();
    let newer = work.path().join("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.execute_batch("CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&newer).unwrap();
    let Some(driver) = webdriver::start_tauri_driver(&tauri_driver, &[]) else { return };
    let s = driver.session(capabilities(&newer));
    let code = s.wait_for(
        "document.querySelector('#store-error') && document.querySelector('#store-error').dataset.code",
        "the store screen",
        WAIT,
    );
    assert_eq!(code, json!("store_too_new"));
    assert!(s.find_text("#title").contains("newer version"));
    assert!(s.find_text("#store-error").contains("schema 99"));
    // read-only would not help here, so it is not offered
    assert_eq!(s.execute("return document.querySelector('#open-read-only').disabled;"), json!(true));
    shot(&s, "store-too-new");
    // the way out: another store file
    let fresh = work.path().join("fresh.db");
    s.type_into("#store-path-input", &fresh.display().to_string());
    s.click("#open-store");
    s.wait_for("document.querySelector('#portfolio-empty')", "the empty portfolio", WAIT);
    drop(s);
    assert_eq!(std::fs::read(&newer).unwrap(), before, "the newer store is never rewritten");
}
