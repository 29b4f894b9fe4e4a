//! Many repositories in one command, and reuse of unchanged ones: the real binary on repositories
//! the tests build (git2), with its own store and clone cache, never the network.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn schema_valid(value: &Value, schema: &str) {
    let schema: Value = serde_json::from_str(schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn schema_of(which: &str) -> String {
    stdout(&maturity(&["schema", which]))
}

#[test]
fn an_unchanged_repository_is_reused_and_a_change_or_fresh_audits_again() {
    let repo = Fixture::repo(&[WELL_RUN, &[("README.md", "# shop\n")]]);
    let store = tempfile::tempdir().unwrap();
    let db = store.path().join("h.db");
    let path = repo.path().to_str().unwrap();
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", path, "-f", "json", "--store", db.to_str().unwrap()];
        args.extend_from_slice(extra);
        maturity(&args)
    };
    let first = audit(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let first_card = json(&first);
    assert!(first_card.get("reused_from_run").is_none(), "a first audit is computed");
    assert!(!stderr(&first).contains("Nothing changed"));

    // (what changes, reused from run?)
    let second = audit(&[]);
    let card = json(&second);
    assert_eq!(card["reused_from_run"], 1, "{}", stderr(&second));
    assert_eq!(card["run_id"], 2, "the reuse is recorded as a run");
    assert!(stderr(&second).contains("Nothing changed since run 1"), "{}", stderr(&second));
    assert_eq!(card["score"], first_card["score"]);
    assert_eq!(card["items"], first_card["items"]);
    schema_valid(&card, &schema_of("scorecard"));
    // the table says so too, and nothing else differs from a computed run's output
    let table = maturity(&["audit", path, "--store", db.to_str().unwrap()]);
    assert!(stderr(&table).contains("Nothing changed since run 1"));
    let body = |s: String| s.lines().filter(|l| !l.contains(" ms ·")).collect::<Vec<_>>().join("\n");
    assert_eq!(
        body(stdout(&table)),
        body(stdout(&maturity(&["audit", path, "--no-store"]))),
        "a reused scorecard reads like a computed one"
    );

    let fresh = audit(&["--fresh"]);
    assert!(json(&fresh).get("reused_from_run").is_none(), "--fresh audits again");
    assert!(!stderr(&fresh).contains("Nothing changed"));
    assert_eq!(json(&audit(&[]))["reused_from_run"], json(&fresh)["run_id"], "the newest audit is reused");

    std::thread::sleep(std::time::Duration::from_millis(20));
    write(repo.path(), "src/Kernel.php", b"<?php\nnamespace App;\nclass Kernel { }\n");
    let changed = audit(&[]);
    assert!(json(&changed).get("reused_from_run").is_none(), "a changed file audits again");
    assert_eq!(json(&audit(&[]))["reused_from_run"], json(&changed)["run_id"]);

    let roadmap = store.path().join("roadmap.toml");
    std::fs::write(&roadmap, maturity_core::roadmap::DEFAULT_TOML.replacen("weeks = 16", "weeks = 18", 1)).unwrap();
    let other = audit(&["--roadmap", roadmap.to_str().unwrap()]);
    assert!(json(&other).get("reused_from_run").is_none(), "another roadmap audits again");

    let unstored = audit(&["--no-store"]);
    assert!(json(&unstored).get("reused_from_run").is_none(), "no store, no reuse");
}

const HOSTILE: &str = "shop\u{1b}[31m-Шоп-商店-🚀\u{202e}<b>x|`";

#[test]
fn a_portfolio_reports_failures_and_goes_on_in_every_format() {
    let root = tempfile::tempdir().unwrap();
    let good = Fixture::repo(&[WELL_RUN]);
    let hostile = root.path().join(HOSTILE);
    std::fs::create_dir_all(&hostile).unwrap();
    for (p, t) in WELL_RUN.iter().take(3) {
        write(&hostile, p, t.as_bytes());
    }
    let bad_config = Fixture::plain(&[(".maturity.toml", "nonsense = 1\n"), ("README.md", "# x\n")]);
    let missing = root.path().join("missing");
    let db = root.path().join("h.db");
    let paths = [good.path(), hostile.as_path(), missing.as_path(), bad_config.path()];
    let run = |format: &str| {
        let mut args = vec!["audit".to_string()];
        args.extend(paths.iter().map(|p| p.display().to_string()));
        args.extend(["-f", format, "--store", db.to_str().unwrap(), "--jobs", "2"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        maturity(&args)
    };

    let table = run("table");
    assert_eq!(table.status.code(), Some(2), "a failure exits 2:\n{}", stderr(&table));
    let out = stdout(&table);
    assert!(!out.contains('\u{1b}') && !stderr(&table).contains('\u{1b}'), "no raw escape reaches the terminal");
    assert!(out.contains("Шоп-商店-🚀"), "{out}");
    assert!(out.contains("Not audited:") && out.contains("missing: not a directory"), "{out}");
    assert!(out.contains(".maturity.toml has 1 error(s)"), "{out}");
    assert!(out.contains("4 repositories: 2 audited, 0 reused, 2 failed"), "{out}");
    assert!(stderr(&table).contains("missing: ") && stderr(&table).contains("not a directory"), "{}", stderr(&table));

    let j = run("json");
    assert_eq!(j.status.code(), Some(2));
    let doc = json(&j);
    schema_valid(&doc, &schema_of("portfolio"));
    let outcomes: Vec<&str> =
        doc["repositories"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["reused", "reused", "failed", "failed"], "in the order given; the second run reuses");
    assert_eq!(doc["repositories"][1]["name"], HOSTILE, "JSON keeps the name exactly");
    assert_eq!(doc["repositories"][0]["phases"].as_array().unwrap().len(), 4, "phase status of each");

    let md = stdout(&run("markdown"));
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 6, "header, rule and four rows:\n{md}");
    let cells = |r: &str| r.replace("\\|", "").matches(" |").count();
    assert!(rows.iter().all(|r| r == &rows[1] || cells(r) == cells(rows[0])), "every row keeps its cells:\n{md}");
    assert!(!md.contains('\u{1b}') && rows.iter().all(|r| !r.contains("<b>")), "no HTML in the table:\n{md}");

    let html = stdout(&run("html"));
    let csp = html.lines().find(|l| l.contains("Content-Security-Policy")).unwrap_or_default();
    assert!(csp.contains("default-src") && csp.contains("none"), "{csp}");
    for bad in ["<b>x", "\u{1b}", "\u{202e}"] {
        assert!(!html.contains(bad), "{bad:?} reached the HTML");
    }
    assert!(html.contains("Шоп-商店-🚀"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing loads from the network");

    let sarif = run("sarif");
    assert_eq!(sarif.status.code(), Some(2));
    assert!(stderr(&sarif).contains("a portfolio is shown as"), "{}", stderr(&sarif));
}

#[test]
fn a_list_file_with_comments_and_a_clone_url() {
    let root = tempfile::tempdir().unwrap();
    let local = Fixture::repo(&[WELL_RUN]);
    let origin = Fixture::repo(&[&[("README.md", "# origin\n"), ("Dockerfile", "FROM scratch\n")]]);
    let list = root.path().join("repos.txt");
    std::fs::write(
        &list,
        format!(
            "# our repositories\n\n{}   # the shop\n\n   # a clone, no network\nfile://{}\n",
            local.path().display(),
            origin.path().display()
        ),
    )
    .unwrap();
    let cache = root.path().join("clones");
    let db = root.path().join("h.db");
    let run = || {
        maturity(&[
            "audit",
            "--list",
            list.to_str().unwrap(),
            "-f",
            "json",
            "--store",
            db.to_str().unwrap(),
            "--clone-cache",
            cache.to_str().unwrap(),
            "--fail-under",
            "0",
        ])
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let doc = json(&first);
    let entries = doc["repositories"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["source"], format!("file://{}", origin.path().display()));
    assert_eq!(entries.iter().map(|e| e["outcome"].as_str().unwrap()).collect::<Vec<_>>(), ["audited", "audited"]);
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1, "the clone lives in the cache");
    let second = json(&run());
    let outcomes: Vec<&str> =
        second["repositories"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["reused", "reused"], "fetched, unchanged, reused");
    let runs = stdout(&maturity(&["history", "--all", "--format", "json", "--store", db.to_str().unwrap()]));
    let runs: Value = serde_json::from_str(&runs).unwrap();
    assert!(runs.as_array().unwrap().iter().all(|r| r["runs"] == 2), "every run recorded: {runs}");

    // a high bar fails the gate with 1
    let gate = maturity(&[
        "audit",
        local.path().to_str().unwrap(),
        origin.path().to_str().unwrap(),
        "--store",
        db.to_str().unwrap(),
        "--fail-under",
        "99",
    ]);
    assert_eq!(gate.status.code(), Some(1), "{}", stderr(&gate));
    assert!(Path::new(&cache).is_dir());
}
