//! End-to-end tests of `maturity audit` on repositories built by the tests.

mod common;

use common::*;
use serde_json::Value;

fn audit_json(path: &std::path::Path, extra: &[&str]) -> Value {
    let p = path.to_str().unwrap();
    let mut args = vec!["audit", p, "--format", "json", "--no-progress"];
    args.extend_from_slice(extra);
    let out = maturity(&args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn item<'a>(card: &'a Value, id: &str) -> &'a Value {
    card["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

fn check<'a>(card: &'a Value, id: &str) -> &'a Value {
    card["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["checks"].as_array().unwrap())
        .find(|c| c["id"] == id)
        .unwrap()
}

fn validate(card: &Value) {
    let schema: Value = serde_json::from_str(maturity_core::scorecard::JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let errors: Vec<String> = validator.iter_errors(card).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn json_output_validates_and_cites_files_that_exist() {
    let f = Fixture::repo(&[WELL_RUN]);
    let card = audit_json(f.path(), &[]);
    validate(&card);
    assert_eq!(card["schema"], "maturity.scorecard/v1");
    assert_eq!(card["items"].as_array().unwrap().len(), 22);
    assert_eq!(card["metrics"].as_array().unwrap().len(), 12);
    assert_eq!(item(&card, "6.1")["status"], "pass", "{:#}", item(&card, "6.1"));
    // the five founding check families all pass on the well-run fixture; the items they sit in
    // also hold checks this fixture does not satisfy (static analysis, runbooks, alerting)
    for id in [
        "repo.ci.tests_run_on_pull_requests",
        "repo.ci.security_scan_in_pipeline",
        "repo.ci.deployment_automated",
        "repo.coverage.collected_in_ci",
        "repo.coverage.meets_target",
        "repo.security.scanners_configured",
        "repo.docs.architecture_decisions_recorded",
        "repo.slo.objectives_defined",
        "repo.slo.availability_objective_meets_target",
        "repo.slo.latency_objective_meets_target",
    ] {
        assert_eq!(check(&card, id)["status"], "pass", "{id}: {:#}", check(&card, id));
    }
    for id in ["6.2", "6.3", "3.3"] {
        assert_eq!(item(&card, id)["status"], "partial", "{id}: {:#}", item(&card, id));
    }
    let coverage = card["metrics"].as_array().unwrap().iter().find(|m| m["id"] == "test-coverage").unwrap();
    assert_eq!(coverage["value"], 93.0);
    assert_eq!(coverage["status"], "pass");
    // every file evidence is relative and exists; every pass cites evidence
    for c in card["items"].as_array().unwrap().iter().flat_map(|i| i["checks"].as_array().unwrap()) {
        if c["status"] == "pass" || c["status"] == "partial" {
            assert!(!c["evidence"].as_array().unwrap().is_empty(), "{} has no evidence", c["id"]);
        }
        for e in c["evidence"].as_array().unwrap() {
            if e["kind"] == "file" {
                let path = e["path"].as_str().unwrap();
                assert!(f.join(path).exists(), "{} cites missing {path}", c["id"]);
            }
        }
    }
    let tests = check(&card, "repo.ci.tests_run_on_pull_requests");
    assert_eq!(tests["evidence"][0]["path"], ".github/workflows/ci.yml");
    assert_eq!(tests["evidence"][0]["line"], 12);
    assert_eq!(card["repository"]["commits"], 1);
}

#[test]
fn an_empty_directory_is_audited_not_rejected() {
    let f = Fixture::plain(&[]);
    let card = audit_json(f.path(), &[]);
    validate(&card);
    assert_eq!(card["score"], 0.0);
    assert_eq!(card["level"], 0);
    assert_eq!(card["repository"]["git"], "none");
    assert!(card["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("not a git repository")));
}

#[test]
fn an_empty_git_repository() {
    let f = Fixture::plain(&[("README.md", "# x")]);
    git2::Repository::init(f.path()).unwrap();
    let card = audit_json(f.path(), &[]);
    validate(&card);
    assert_eq!(card["repository"]["git"], "empty");
    assert_eq!(card["repository"]["commit"], Value::Null);
}

#[test]
fn a_shallow_clone_is_audited_with_a_note() {
    let origin = Fixture::repo(&[&[("a.txt", "1")], &[("b.txt", "2")], WELL_RUN]);
    let clone = tempfile::tempdir().unwrap();
    let dest = clone.path().join("shallow");
    let url = format!("file://{}", origin.path().display());
    let status =
        std::process::Command::new("git").args(["clone", "-q", "--depth", "1", &url, dest.to_str().unwrap()]).status();
    let Ok(status) = status else {
        panic!("git is required for this test (install git)");
    };
    assert!(status.success());
    let card = audit_json(&dest, &[]);
    validate(&card);
    assert_eq!(card["repository"]["shallow"], true);
    assert_eq!(card["repository"]["commits"], 1);
    assert!(card["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("shallow")));
    assert_eq!(item(&card, "6.1")["status"], "pass");
}

#[test]
fn hostile_repository_gives_findings_not_crashes() {
    let f = Fixture::repo(&[&[
        (".github/workflows/broken.yml", "on: [pull_request\njobs: {"),
        (
            ".github/workflows/bomb.yml",
            "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
        ),
        ("composer.json", "{\"require\": {"),
        ("Cargo.toml", "[package\n"),
        ("pom.xml", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><project>&e;</project>"),
        (
            "coverage/clover.xml",
            "<coverage><project><metrics statements=\"10\" coveredstatements=\"99\"/></project></coverage>",
        ),
        ("results.sarif", "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [}"),
        ("docs/adr/0001-x.md", "\u{0}\u{1}binary"),
        ("deep.yaml", &format!("{}1{}", "[".repeat(5000), "]".repeat(5000))),
        ("<script>alert(1)</script>.yml", "x: 1"),
    ]]);
    // a file with a non-UTF-8 name, a huge file and a symlink pointing out of the tree
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::fs::write(f.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.yml")), "on: push\n").unwrap();
        std::os::unix::fs::symlink("/etc", f.join("etc-link")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", f.join("Jenkinsfile")).unwrap();
    }
    std::fs::write(f.join("huge.json"), vec![b'['; 9 * 1024 * 1024]).unwrap();
    let card = audit_json(f.path(), &[]);
    validate(&card);
    let problems: Vec<&str> =
        card["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    for broken in [
        ".github/workflows/broken.yml",
        "composer.json",
        "Cargo.toml",
        "pom.xml",
        "coverage/clover.xml",
        "results.sarif",
    ] {
        assert!(problems.contains(&broken), "{broken} not reported: {problems:?}");
    }
    assert_eq!(check(&card, "repo.ci.tests_run_on_pull_requests")["status"], "unknown");
    assert_eq!(check(&card, "repo.coverage.meets_target")["status"], "unknown");
    assert_eq!(check(&card, "repo.security.no_critical_vulnerabilities")["status"], "unknown");
    assert_eq!(card["facts"]["skipped_large"], 1);
    assert!(card["facts"]["skipped_symlinks"].as_u64().unwrap() >= 1);
}

/// Files outside the repository, each holding its own marker where the audit would show it if it
/// read the file (a CI job's name, a decision's title, a runbook's heading, a vulnerability id, a
/// scanner's name, a Jenkins stage, file names in a folder). `(name in the tree, marker, text)`.
fn outside_files(tag: &str) -> Vec<(&'static str, String, String)> {
    let m = |what: &str| format!("{what}-{tag}-Ωмарка外");
    let (ci, adr, runbook, vuln, sarif, stage) =
        (m("job"), m("decision"), m("runbook"), m("vuln"), m("scanner"), m("stage"));
    vec![
        (
            ".github/workflows/ci.yml",
            ci.clone(),
            format!(
                "on: pull_request\njobs:\n  {ci}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: vendor/bin/phpunit\n"
            ),
        ),
        ("docs/adr/0002-outside.md", adr.clone(), format!("# 2. {adr}\n\nDate: 2025-02-01\n\n## Status\n\nAccepted\n")),
        ("docs/operations.md", runbook.clone(), format!("# Runbook: {runbook}\n\nSteps.\n")),
        (
            "trivy.json",
            vuln.clone(),
            format!(
                r#"{{"SchemaVersion":2,"Results":[{{"Target":"composer.lock","Vulnerabilities":[{{"VulnerabilityID":"{vuln}","PkgName":"x","Severity":"CRITICAL","Title":"t"}}]}}]}}"#
            ),
        ),
        (
            "results.sarif",
            sarif.clone(),
            format!(
                r#"{{"version":"2.1.0","runs":[{{"tool":{{"driver":{{"name":"{sarif}","rules":[]}}}},"results":[]}}]}}"#
            ),
        ),
        (
            "Jenkinsfile",
            stage.clone(),
            format!(
                "pipeline {{\n  stages {{\n    stage('{stage}') {{\n      steps {{\n        sh 'helm upgrade --install shop ./chart'\n      }}\n    }}\n  }}\n}}\n"
            ),
        ),
    ]
}

/// Every output format of an audit of `path` (table, JSON, Markdown, HTML, SARIF, JUnit), with
/// standard error, as one text.
fn every_output(path: &std::path::Path) -> String {
    let p = path.to_str().unwrap();
    let mut all = String::new();
    for format in ["table", "json", "markdown", "html", "sarif", "junit"] {
        let out = maturity(&["audit", p, "--no-progress", "--no-store", "-f", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        all.push_str(&stdout(&out));
        all.push_str(&stderr(&out));
    }
    all
}

/// Symbolic links in the tree to files and a folder outside it: no byte of what they point to
/// reaches any report. The same files inside the tree do show their markers, so each of these
/// markers would be found if a link were followed.
#[cfg(unix)]
#[test]
fn nothing_outside_the_tree_reaches_a_report() {
    let tag = std::process::id().to_string();
    let files = outside_files(&tag);
    let folder_marker = format!("folder-{tag}-Ωмарка外");
    let folder_file = format!("0003-{folder_marker}.md");
    let folder_text = format!("# 3. Decided elsewhere\n\n## Status\n\nAccepted\n\n{folder_marker}\n");
    // a report folder at a well-known path (`reports/trivy.json`), often ignored by git
    let report_marker = format!("report-{tag}-Ωмарка外");
    let report_text = format!(
        r#"{{"SchemaVersion":2,"Results":[{{"Target":"x","Vulnerabilities":[{{"VulnerabilityID":"{report_marker}","PkgName":"x","Severity":"CRITICAL","Title":"t"}}]}}]}}"#
    );

    // control: the same files inside a repository put every marker in the reports
    let inside = Fixture::repo(&[WELL_RUN]);
    for (name, _, text) in &files {
        write(inside.path(), name, text.as_bytes());
    }
    write(inside.path(), &format!("docs/adr/{folder_file}"), folder_text.as_bytes());
    write(inside.path(), "reports/trivy.json", report_text.as_bytes());
    let shown = every_output(inside.path());
    for marker in files.iter().map(|(_, m, _)| m).chain([&folder_marker, &report_marker]) {
        assert!(shown.contains(marker.as_str()), "the control audit does not show {marker}");
    }

    // the same files outside, linked into the tree by name and through a folder
    let outside = tempfile::tempdir().unwrap();
    let f = Fixture::repo(&[WELL_RUN]);
    for (n, (name, _, text)) in files.iter().enumerate() {
        let target = outside.path().join(format!("file-{n}"));
        std::fs::write(&target, text).unwrap();
        let link = f.join(name);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
    }
    std::fs::create_dir(outside.path().join("decisions")).unwrap();
    std::fs::write(outside.path().join("decisions").join(&folder_file), &folder_text).unwrap();
    std::os::unix::fs::symlink(outside.path().join("decisions"), f.join("docs/decisions")).unwrap();
    std::fs::create_dir(outside.path().join("reports")).unwrap();
    std::fs::write(outside.path().join("reports/trivy.json"), &report_text).unwrap();
    std::os::unix::fs::symlink(outside.path().join("reports"), f.join("reports")).unwrap();
    let shown = every_output(f.path());
    for marker in files.iter().map(|(_, m, _)| m).chain([&folder_marker, &report_marker]) {
        assert!(!shown.contains(marker.as_str()), "{marker} from outside the tree reached a report");
    }
}

#[test]
fn evidence_files_from_outside_the_tree() {
    let f = Fixture::repo(&[WELL_RUN]);
    let reports = tempfile::tempdir().unwrap();
    let lcov = reports.path().join("lcov.info");
    std::fs::write(&lcov, "SF:src/a.php\nLF:200\nLH:120\nend_of_record\n").unwrap();
    let trivy = reports.path().join("trivy.json");
    std::fs::write(&trivy, r#"{"SchemaVersion":2,"Results":[{"Target":"composer.lock","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"twig/twig","Severity":"CRITICAL","Title":"RCE"}]}]}"#).unwrap();
    let card = audit_json(
        f.path(),
        &["--evidence", &format!("coverage={}", lcov.display()), "-e", &format!("trivy={}", trivy.display())],
    );
    validate(&card);
    let coverage = card["metrics"].as_array().unwrap().iter().find(|m| m["id"] == "test-coverage").unwrap();
    assert_eq!(coverage["value"], 60.0, "the given report wins over the one in the tree");
    assert_eq!(coverage["status"], "fail");
    let critical = check(&card, "repo.security.no_critical_vulnerabilities");
    assert_eq!(critical["status"], "fail");
    assert!(critical["message"].as_str().unwrap().contains("CVE-2024-1"));
}

#[test]
fn fail_under_gates_ci() {
    let f = Fixture::repo(&[&WELL_RUN[..1]]);
    let p = f.path().to_str().unwrap();
    let pass = maturity(&["audit", p, "--no-progress", "--fail-under", "10"]);
    assert_eq!(pass.status.code(), Some(0));
    let fail = maturity(&["audit", p, "--no-progress", "--fail-under", "99"]);
    assert_eq!(fail.status.code(), Some(1));
    assert!(stderr(&fail).contains("below --fail-under 99"));
}

#[test]
fn usage_and_input_errors_exit_2() {
    let f = Fixture::plain(&[(
        "bad-roadmap.toml",
        "format = 1\n[roadmap]\nid = \"x\"\ntitle = \"x\"\nweeks = 4\n[[items]]\nid = \"1\"\narea = \"nowhere\"\ntitle = \"t\"\nchecks = []\n",
    )]);
    let p = f.path().to_str().unwrap();
    for (name, args, needle) in [
        ("missing path", vec!["audit", "/definitely/not/here"], "not a directory"),
        ("bad evidence kind", vec!["audit", p, "--evidence", "pdf=x.pdf"], "unknown evidence kind `pdf`"),
        ("missing evidence", vec!["audit", p, "--evidence", "coverage=/nope.xml"], "no such file"),
        ("bad fail-under", vec!["audit", p, "--fail-under", "150"], "between 0 and 100"),
        (
            "invalid roadmap",
            vec!["audit", p, "--roadmap", f.join("bad-roadmap.toml").to_str().unwrap()],
            "bad-roadmap.toml:8:8: error: item `1` names unknown area `nowhere`",
        ),
        ("unknown format", vec!["audit", p, "--format", "pdf"], "invalid value 'pdf'"),
    ] {
        let out = maturity(&args);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{name}: {}", stderr(&out));
    }
}

#[test]
fn colours_follow_no_color_and_the_terminal() {
    let f = Fixture::repo(&[WELL_RUN]);
    let p = f.path().to_str().unwrap();
    let piped = maturity(&["audit", p, "--no-progress"]);
    assert!(!stdout(&piped).contains('\x1b'), "no escapes when piped");
    let forced = maturity(&["audit", p, "--no-progress", "--color", "always"]);
    assert!(stdout(&forced).contains('\x1b'));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_maturity"))
        .args(["audit", p, "--no-progress", "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\x1b'));
    let table = stdout(&piped);
    for needle in [
        "Score ",
        "Level 0",
        "Developer Experience",
        "6.1 CI/CD Pipeline",
        "Phases",
        "Success metrics",
        "Test Coverage",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }
}

#[test]
fn markdown_and_output_file() {
    let f = Fixture::repo(&[WELL_RUN]);
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("scorecard.md");
    let out = maturity(&[
        "audit",
        f.path().to_str().unwrap(),
        "--no-progress",
        "-f",
        "markdown",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.starts_with("# Maturity scorecard: "));
    assert!(md.contains("| ✅ | 6.1 CI/CD Pipeline | 100 |"), "{md}");
    assert!(md.contains("<details><summary>Checks and evidence</summary>"));
}

#[test]
fn output_to_a_device_or_pipe_writes_through_it_and_never_replaces_it() {
    let f = Fixture::repo(&[WELL_RUN]);
    let p = f.path().to_str().unwrap();
    // the child's standard output is a pipe here: the report must arrive through it
    let out = maturity(&["audit", p, "--no-progress", "-f", "markdown", "-o", "/dev/stdout"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# Maturity scorecard: "), "{}", stdout(&out));
    assert!(std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_symlink());
    let dir = tempfile::tempdir().unwrap();
    let out = maturity(&["audit", p, "--no-progress", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
}
