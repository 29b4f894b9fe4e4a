//! `maturity roadmap validate|show`, `maturity checks [explain]` and `maturity schema`.

mod common;

use common::*;

#[test]
fn the_built_in_roadmap_validates() {
    let out = maturity(&["roadmap", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("valid (7 areas, 22 items"), "{}", stdout(&out));
}

#[test]
fn validation_errors_have_positions_and_exit_2() {
    let f = Fixture::plain(&[
        ("syntax.toml", "format = 1\n[roadmap\nid = 1\n"),
        (
            "semantic.toml",
            "format = 1\n[roadmap]\nid = \"r\"\ntitle = \"R\"\nweeks = 4\n[[areas]]\nid = \"a\"\ntitle = \"A\"\n[[items]]\nid = \"1\"\narea = \"a\"\ntitle = \"T\"\nchecks = [{ id = \"repo.nope\" }]\n[[items]]\nid = \"1\"\narea = \"a\"\ntitle = \"T\"\nchecks = []\n[[phases]]\nid = \"p\"\ntitle = \"P\"\nweeks = [1, 9]\ntasks = [{ title = \"t\", items = [\"2\"] }]\n[[metrics]]\nid = \"m\"\ngroup = \"g\"\ntitle = \"M\"\ntarget = { op = \"<\", value = 1, unit = \"\" }\n",
        ),
    ]);
    let out = maturity(&["roadmap", "validate", f.join("syntax.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("syntax.toml:2:"), "{}", stderr(&out));
    let out = maturity(&["roadmap", "validate", f.join("semantic.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needle in [
        "semantic.toml:13:18: error: unknown check id `repo.nope`",
        "semantic.toml:15:6: error: duplicate item id `1`",
        "error: phase `p`: `weeks` must be [first, last] within 1..=4",
        "error: task `t` names unknown item `2`",
        "error: item `1` is in no phase",
        "error: metric `m`: target unit is empty",
    ] {
        assert!(err.contains(needle), "{needle} missing from:\n{err}");
    }
    let out = maturity(&["roadmap", "validate", "/no/such/roadmap.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn roadmap_show_table_and_json() {
    let out = maturity(&["roadmap", "show"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "1. Foundation (weeks 1–4)",
        "Disaster recovery procedures",
        "repo.ci.tests_run_on_pull_requests ×3",
        "Leadership Readout",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    let out = maturity(&["roadmap", "show", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 22);
    assert_eq!(v["metrics"][0]["target"]["op"], "<");
}

#[test]
fn checks_list_and_explain() {
    let out = maturity(&["checks"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("repo.ci.tests_run_on_pull_requests"));
    let out = maturity(&["checks", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|c| !c["remediation"].as_str().unwrap().is_empty()));
    let out = maturity(&["checks", "explain", "repo.coverage.meets_target"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("Why it matters")
            && text.contains("How to fix it")
            && text.contains("6.2 Code Quality & Testing"),
        "{text}"
    );
    let out = maturity(&["checks", "explain", "coverage"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean repo.coverage.collected_in_ci, repo.coverage.meets_target?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn schema_is_printed() {
    let out = maturity(&["schema"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["properties"]["schema"]["const"], "maturity.scorecard/v1");
}
