//! History, diff and report end to end: audits stored in SQLite, compared, rendered again; the
//! store survives concurrent writers and killed processes; `.maturity.toml` waivers, must-pass
//! items and the schedule.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn store_args(store: &Path) -> Vec<String> {
    vec!["--store".into(), store.to_str().unwrap().into()]
}

fn run(args: &[&str], store: &Path) -> std::process::Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(store_args(store));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    maturity(&refs)
}

#[test]
fn two_audits_a_few_commits_apart() {
    let f = Fixture::repo(&[&WELL_RUN[..1]]);
    let store = tempfile::tempdir().unwrap().keep().join("h.db");
    let p = f.path().to_str().unwrap();
    let first = run(&["audit", p, "--no-progress", "-f", "json"], &store);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let first: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(first["run_id"], 1);
    assert!(first["change"].is_null());
    // two commits later: decision records and a coverage report
    let repo = git2::Repository::open(f.path()).unwrap();
    write(f.path(), WELL_RUN[4].0, WELL_RUN[4].1.as_bytes());
    commit_all(&repo, "docs: record decisions", 1_800_000_000);
    write(f.path(), WELL_RUN[3].0, WELL_RUN[3].1.as_bytes());
    commit_all(&repo, "ci: keep the coverage report", 1_800_086_400);
    let second = run(&["audit", p, "--no-progress", "-f", "json"], &store);
    let second: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(second["run_id"], 2);
    let docs = second["change"]["items"].as_array().unwrap().iter().find(|i| i["id"] == "6.3");
    assert!(docs.is_some_and(|i| i["to_score"].as_f64() > i["from_score"].as_f64()), "{:#}", second["change"]);
    assert!(second["change"]["score_delta"].as_f64().unwrap() > 0.0);

    let history = run(&["history", p], &store);
    let text = stdout(&history);
    assert!(
        text.contains("trend") && text.lines().filter(|l| l.trim_start().starts_with(['1', '2'])).count() >= 2,
        "{text}"
    );
    let diff = run(&["diff", "--path", p], &store);
    let text = stdout(&diff);
    assert!(text.contains("Run 1") && text.contains("run 2"), "{text}");
    assert!(text.contains("6.3 Documentation & Knowledge Management"), "{text}");
    assert!(text.contains("repo.docs.architecture_decisions_recorded: fail → pass"), "{text}");
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("r.html");
    let report = run(&["report", "--path", p, "--format", "html", "-o", html.to_str().unwrap()], &store);
    assert_eq!(report.status.code(), Some(0), "{}", stderr(&report));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Score over the audits"), "a trend chart with two runs");
    assert!(page.contains("Since ") && page.contains("score +"), "the change since the previous audit");
    for format in ["sarif", "junit", "markdown", "json"] {
        let o = run(&["report", "--run", "1", "--path", p, "--format", format], &store);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(!o.stdout.is_empty());
    }
    let missing = run(&["report", "--run", "99"], &store);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn concurrent_audits_all_land() {
    let f = Fixture::repo(&[WELL_RUN]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    let children: Vec<_> = (0..6)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_maturity"))
                .args([
                    "audit",
                    f.path().to_str().unwrap(),
                    "--no-progress",
                    "-f",
                    "json",
                    "--store",
                    store.to_str().unwrap(),
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let h = run(&["history", f.path().to_str().unwrap(), "--format", "json"], &store);
    let runs: Value = serde_json::from_slice(&h.stdout).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 6);
}

/// Every stored run, with its scorecard and the number of its item, check and metric rows.
fn stored_runs(store: &Path) -> Vec<(i64, String, i64, i64, i64)> {
    let conn = rusqlite::Connection::open(store).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let mut stmt = conn
        .prepare(
            "SELECT id, scorecard,
                    (SELECT count(*) FROM item_results WHERE run_id = runs.id),
                    (SELECT count(*) FROM check_results WHERE run_id = runs.id),
                    (SELECT count(*) FROM metric_results WHERE run_id = runs.id)
             FROM runs ORDER BY id",
        )
        .unwrap();
    let runs = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
    let runs: Vec<_> = runs.collect::<Result<_, _>>().unwrap();
    // no row of a run that is not there
    for table in ["item_results", "check_results", "metric_results"] {
        let orphans: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table} WHERE run_id NOT IN (SELECT id FROM runs)"), [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(orphans, 0, "{table}");
    }
    runs
}

/// A writer is killed (SIGKILL, no chance to clean up) while it is inside its write transaction:
/// the test build of the binary pauses there and says so by creating a file
/// (`MATURITY_TEST_HOLD_WRITE`, core's `test-hooks` feature), and the test checks that the writer
/// holds the store's write lock before it kills it. The earlier runs must be intact, byte for
/// byte, and the killed run absent.
#[cfg(unix)]
#[test]
fn a_process_killed_mid_write_loses_nothing() {
    use std::os::unix::process::ExitStatusExt;
    use std::time::{Duration, Instant};
    let f = Fixture::repo(&[WELL_RUN]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    let p = f.path().to_str().unwrap();
    for _ in 0..2 {
        let o = run(&["audit", p, "--no-progress", "-f", "json"], &store);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let before = stored_runs(&store);
    assert_eq!(before.len(), 2);
    assert!(
        before.iter().all(|(_, card, items, checks, metrics)| !card.is_empty()
            && *items == 22
            && *checks > 22
            && *metrics == 12)
    );
    for round in 0..3 {
        let inside = dir.path().join(format!("inside-the-transaction-{round}"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_maturity"))
            .args(["audit", p, "--no-progress", "-f", "json", "--store", store.to_str().unwrap()])
            .env("MATURITY_TEST_HOLD_WRITE", &inside)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !inside.exists() {
            if let Some(status) = child.try_wait().unwrap() {
                let out = child.wait_with_output().unwrap();
                panic!("the writer ended ({status}) before its transaction: {}", stderr(&out));
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the writer never reached its transaction");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(std::fs::read_to_string(&inside).unwrap(), child.id().to_string());
        // the writer holds the write lock: another writer cannot begin
        let conn = rusqlite::Connection::open(&store).unwrap();
        conn.busy_timeout(Duration::ZERO).unwrap();
        let busy = conn.execute_batch("BEGIN IMMEDIATE").unwrap_err();
        assert_eq!(busy.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy), "{busy}");
        drop(conn);
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "killed while still running: {status}");
        assert_eq!(stored_runs(&store), before, "round {round}: the earlier runs changed or the killed run landed");
    }
    let after = run(&["audit", p, "--no-progress", "-f", "json"], &store);
    assert_eq!(after.status.code(), Some(0), "the store is still usable: {}", stderr(&after));
    let runs = stored_runs(&store);
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[..2], before[..]);
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    {
        let c = rusqlite::Connection::open(&store).unwrap();
        c.execute_batch("CREATE TABLE runs (x); PRAGMA user_version = 42;").unwrap();
    }
    let before = std::fs::read(&store).unwrap();
    let f = Fixture::plain(&[]);
    let o = run(&["audit", f.path().to_str().unwrap(), "--no-progress"], &store);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("written by a newer version of maturity"), "{}", stderr(&o));
    assert!(std::fs::read(&store).unwrap() == before, "the store was modified");
}

#[test]
fn maturity_toml_waivers_must_pass_and_schedule() {
    let config = "start = 2026-09-07\nmust_pass = [\"6.1\", \"6.3\"]\n\n[[waivers]]\nitem = \"3.3\"\nreason = \"SLOs are owned by the platform team\"\nowner = \"platform\"\nexpires = 2027-06-30\n\n[[waivers]]\ncheck = \"repo.ci.deployment_automated\"\nreason = \"manual releases until Q3\"\nowner = \"alice\"\nexpires = 2026-10-01\n";
    let files: Vec<(&str, &str)> = WELL_RUN
        .iter()
        .copied()
        .filter(|(p, _)| !p.starts_with("docs/adr") && !p.starts_with("slo/"))
        .chain([(".maturity.toml", config)])
        .collect();
    let f = Fixture::repo(&[&files]);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    let o = run(&["audit", f.path().to_str().unwrap(), "--no-progress", "-f", "json", "--today", "2026-11-26"], &store);
    assert_eq!(o.status.code(), Some(1), "6.3 must pass and does not: {}", stderr(&o));
    assert!(stderr(&o).contains("must-pass item(s) not passing: 6.3"), "{}", stderr(&o));
    let card: Value = serde_json::from_slice(&o.stdout).unwrap();
    let item = |id: &str| card["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(item("3.3")["status"], "waived");
    assert!(item("3.3")["checks"][0]["message"].as_str().unwrap().starts_with("Waived by platform until 2027-06-30"));
    let waivers = card["waivers"].as_array().unwrap();
    assert_eq!(waivers[1]["active"], false, "expired on 2026-10-01");
    assert!(card["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("expired on 2026-10-01")));
    assert_eq!(card["schedule"]["week"], 12);
    assert_eq!(card["schedule"]["expected_level"], 2);
    assert_eq!(card["schedule"]["pace"], "behind");
}

#[test]
fn maturity_toml_errors_have_positions() {
    let f = Fixture::plain(&[(
        ".maturity.toml",
        "must_pass = [\"6.1\"]\n[evidence]\ncoverage = \"../../outside.xml\"\n[[waivers]]\nitem = \"9.9\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["audit", f.path().to_str().unwrap(), "--no-progress"], &dir.path().join("h.db"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains(".maturity.toml:3:12: error: evidence path `../../outside.xml` must stay inside the repository"),
        "{}",
        stderr(&o)
    );
}
