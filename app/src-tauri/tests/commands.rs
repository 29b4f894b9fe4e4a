//! The commands' functions against temp stores, without a window: what each view receives, an
//! audit with its progress events, cancel, read-only and unreadable stores, export, evidence;
//! and the least-privilege wiring (every command listed in `build.rs` and granted, nothing else).

mod common;

use common::*;
use maturity_app::api::{self, ExportFormat};
use maturity_app::progress::AuditEvent;
use maturity_app::state::{AppState, Settings};
use maturity_core::history::Store;
use std::path::Path;
use std::sync::Mutex;

fn state(store: &Path) -> AppState {
    AppState::new(Settings { store: Some(store.to_path_buf()), ..Settings::default() })
}

/// A store with `shop` audited twice (a pipeline came in between) and `legacy` once.
fn prepared(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, i64, i64) {
    let shop_root = dir.join("shop");
    let shop = repo(&shop_root, &[COMPOSER], Some("https://github.com/acme/shop.git"));
    let store_path = dir.join("history.db");
    let mut store = Store::open(&store_path).unwrap();
    let first = record(&mut store, &shop_root);
    write(&shop_root, CI.0, CI.1);
    commit_all(&shop, "ci", 1_700_086_400);
    let second = record(&mut store, &shop_root);
    let legacy = dir.join("legacy");
    repo(&legacy, &[("app.py", "print(1)\n")], None);
    record(&mut store, &legacy);
    (store_path, shop_root, first, second)
}

#[test]
fn every_view_reads_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, shop_root, first, second) = prepared(dir.path());
    let st = state(&store_path);
    let info = api::store_info(&st);
    assert_eq!((info.state, info.runs, info.error), ("ready", 3, None));

    let rows = api::portfolio(&st).unwrap();
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), vec!["legacy", "shop"]);
    let shop = rows.iter().find(|r| r.name == "shop").unwrap();
    assert_eq!((shop.latest_run, shop.runs, shop.trend.len()), (second, 2, 2));

    let card = api::scorecard(&st, second).unwrap();
    assert_eq!(card.run.run_id, Some(second));
    assert_eq!(card.areas.iter().map(|a| a.items.len()).sum::<usize>(), 22);

    let item = api::item_detail(&st, second, "6.1").unwrap();
    let check = item.checks.iter().find(|c| c.id == "repo.ci.tests_run_on_pull_requests").unwrap();
    let ev = check.evidence.iter().find(|e| e.openable).expect("an openable file");
    let (path, line) = api::evidence_file(&st, second, &check.id, ev.index).unwrap();
    assert_eq!(path, std::fs::canonicalize(&shop_root).unwrap().join(CI.0));
    assert!(line.is_some());
    assert_eq!(api::item_detail(&st, second, "99.9").unwrap_err().code, "not_found");
    assert_eq!(api::scorecard(&st, 9999).unwrap_err().code, "not_found");

    let history = api::history(&st, "github.com/acme/shop").unwrap();
    assert_eq!(history.runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first, second]);
    let cmp = api::compare(&st, first, second).unwrap();
    assert!(cmp.items.iter().any(|i| i.id == "6.1" && i.checks.iter().any(|c| c.before.is_some())));
}

#[test]
fn an_audit_reports_progress_is_recorded_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, _, _, _) = prepared(dir.path());
    let st = state(&store_path);
    let fresh = dir.path().join("payments");
    repo(&fresh, &[CI, ("package.json", r#"{"name":"payments"}"#)], None);
    let before = api::store_revision(&st).unwrap();

    // cancelled at the first stage: an error, and nothing is recorded
    let st2 = st.clone();
    let cancel_on_first = move |e: AuditEvent| {
        if matches!(e, AuditEvent::Stage { .. }) {
            api::cancel_audit(&st2);
        }
    };
    let err = api::run_audit(&st, fresh.to_str().unwrap(), None, &cancel_on_first).unwrap_err();
    assert_eq!(err.code, "cancelled");
    assert_eq!(api::store_revision(&st).unwrap(), before);
    assert!(!api::cancel_audit(&st), "no audit is running any more");

    let events = Mutex::new(Vec::new());
    let sink = |e: AuditEvent| events.lock().unwrap().push(e);
    let done = api::run_audit(&st, fresh.to_str().unwrap(), None, &sink).unwrap();
    let events = std::mem::take(&mut *events.lock().unwrap());
    let stages: Vec<&str> = events
        .iter()
        .filter_map(|e| if let AuditEvent::Stage { name, .. } = e { Some(name.as_str()) } else { None })
        .collect();
    assert!(
        stages.contains(&"Walking the tree and reading git history") && stages.contains(&"Running checks"),
        "{stages:?}"
    );
    assert!(events.iter().any(|e| matches!(e, AuditEvent::Advance { .. })));
    assert_eq!(done.name, "payments");
    assert!(api::portfolio(&st).unwrap().iter().any(|r| r.latest_run == done.run_id));
    assert_ne!(api::store_revision(&st).unwrap(), before);

    // an AWS profile reads that account too; one that gives no credentials is a warning, and its
    // checks are unknown, not failed
    let profile = "maturity-test-no-such-profile";
    let with_aws = api::run_audit(&st, fresh.to_str().unwrap(), Some(profile), &sink).unwrap();
    assert!(
        with_aws.warnings.iter().any(|w| w.contains("could not be read") && w.contains(profile)),
        "{:?}",
        with_aws.warnings
    );
    let card = api::scorecard(&st, with_aws.run_id).unwrap();
    assert!(card.run.live.iter().any(|l| l.contains("could not be read")), "{:?}", card.run.live);
    let rds = api::item_detail(&st, with_aws.run_id, "1.2").unwrap();
    let aws: Vec<_> = rds.checks.iter().filter(|c| c.id.starts_with("aws.")).collect();
    assert!(!aws.is_empty() && aws.iter().all(|c| c.status.label == "unknown"), "{aws:?}");
    assert_eq!(api::run_audit(&st, "/no/such/folder", None, &sink).unwrap_err().code, "bad_input");
    write(&fresh, ".maturity.toml", "must_pass = [\"99.9\"]\n");
    assert_eq!(api::run_audit(&st, fresh.to_str().unwrap(), None, &sink).unwrap_err().code, "bad_configuration");
}

#[test]
fn read_only_and_unreadable_stores_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, shop_root, _, _) = prepared(dir.path());
    let st = state(&store_path);
    let info = api::open_store(&st, store_path.to_str().unwrap(), true).unwrap();
    assert_eq!(info.state, "read_only");
    assert_eq!(api::portfolio(&st).unwrap().len(), 2, "reading works");
    let err = api::run_audit(&st, shop_root.to_str().unwrap(), None, &|_| {}).unwrap_err();
    assert_eq!(err.code, "store_read_only");

    let newer = dir.path().join("newer.db");
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let bytes = std::fs::read(&newer).unwrap();
    let st = state(&newer);
    let info = api::store_info(&st);
    assert_eq!((info.state, info.error.as_ref().map(|e| e.code)), ("failed", Some("store_too_new")));
    assert!(!info.read_only_possible);
    assert_eq!(api::portfolio(&st).unwrap_err().code, "store_too_new");
    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE accounts (id);").unwrap();
    }
    let info = api::open_store(&st, foreign.to_str().unwrap(), false).unwrap();
    assert_eq!(info.error.map(|e| e.code), Some("store_not_a_store"));
    assert_eq!(std::fs::read(&newer).unwrap(), bytes, "never rewritten");
    // the way out: another file
    let info = api::open_store(&st, dir.path().join("new.db").to_str().unwrap(), false).unwrap();
    assert_eq!((info.state, info.runs), ("ready", 0));
}

#[test]
fn export_writes_the_readout_and_the_json_of_a_run() {
    let dir = tempfile::tempdir().unwrap();
    let (store_path, _, _, second) = prepared(dir.path());
    let st = state(&store_path);
    assert_eq!(api::export_name(&st, second, ExportFormat::Html).unwrap(), format!("shop-run-{second}-readout.html"));
    let html = dir.path().join("r.html");
    api::export_run(&st, second, ExportFormat::Html, &html).unwrap();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Engineering maturity readout") && text.contains("Content-Security-Policy"));
    let json = dir.path().join("r.json");
    api::export_run(&st, second, ExportFormat::Json, &json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["run_id"].as_i64(), Some(second));
    let err = api::export_run(&st, second, ExportFormat::Json, dir.path()).unwrap_err();
    assert_eq!(err.code, "write_failed", "a folder is never replaced");
}

fn listed(text: &str, start: &str) -> Vec<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("{start} not found"));
    let block = &text[from..];
    let block = &block[..block.find(']').unwrap()];
    block.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn every_command_is_listed_in_build_rs_and_granted_and_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours: Vec<String> = maturity_app::COMMANDS.iter().map(|s| s.to_string()).collect();
    let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
    assert_eq!(listed(&build, "&["), ours, "build.rs");
    let caps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("capabilities/default.json")).unwrap()).unwrap();
    let granted: Vec<String> =
        caps["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = ours.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    assert_eq!(granted, expected, "the window is granted exactly the app's commands");
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let commands = std::fs::read_to_string(root.join("src/commands.rs")).unwrap();
    for c in &ours {
        assert!(lib.contains(&format!("commands::{c},")), "{c} is not in the invoke handler");
        assert!(commands.contains(&format!("pub async fn {c}(")), "{c} has no command function");
    }
    assert_eq!(commands.matches("#[tauri::command]").count(), ours.len(), "a command that is not listed");
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert!(!conf.to_string().contains("http://") || csp["connect-src"] == "ipc: http://ipc.localhost");
    assert!(
        !conf.to_string().contains("https://")
            || conf["$schema"].as_str().is_some_and(|s| s.starts_with("https://schema.tauri.app"))
    );
}
