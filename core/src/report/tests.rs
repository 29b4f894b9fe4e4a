//! Report tests: escaping of hostile repository text, SARIF against the official schema,
//! snapshots of Markdown and JUnit, bounded Markdown.

use super::*;
use crate::audit::{Policy, evaluate};
use crate::roadmap::Roadmap;
use maturity_checks::facts::{NoProgress, RepoFacts};
use maturity_checks::model::{Evidence, Status};

const HOSTILE: &str = "<script>alert('x')</script>\"&";

/// A small roadmap of stable checks, so that snapshots do not change when checks are added.
const ROADMAP: &str = r#"format = 1
[roadmap]
id = "snapshot"
title = "Snapshot roadmap"
weeks = 8
start = 2026-09-07
[[areas]]
id = "delivery"
title = "Delivery"
[[areas]]
id = "knowledge"
title = "Knowledge"
[[items]]
id = "1"
area = "delivery"
title = "Tested changes"
checks = [{ id = "repo.ci.tests_run_on_pull_requests", weight = 2 }, { id = "repo.coverage.meets_target" }]
[[items]]
id = "2"
area = "delivery"
title = "Scanned dependencies"
checks = [{ id = "repo.ci.security_scan_in_pipeline" }]
[[items]]
id = "3"
area = "knowledge"
title = "Recorded decisions"
checks = [{ id = "repo.docs.architecture_decisions_recorded" }]
[[phases]]
id = "one"
title = "One"
weeks = [1, 4]
tasks = [{ title = "Basics", items = ["1", "2"] }]
[[phases]]
id = "two"
title = "Two"
weeks = [5, 8]
tasks = [{ title = "Knowledge", items = ["3"] }]
[[metrics]]
id = "coverage"
group = "quality"
title = "Coverage"
statement = "> 90%"
target = { op = ">", value = 90, unit = "%" }
measure = "coverage.line_percent"
[[deliverables]]
id = "demo"
title = "Demo"
parts = [{ title = "Pipeline", items = ["1", "2"], metrics = ["coverage"] }, { title = "Decisions", items = ["3"] }]
"#;

/// A deterministic scorecard of a small repository whose names and texts are hostile.
fn card() -> crate::scorecard::Scorecard {
    let adr = format!(
        "# 1. {HOSTILE}\n\n## Status\n\nAccepted\n\n## Decision\n\nUse <b>bold</b> [link](javascript:alert(1)) @channel.\n"
    );
    let files: Vec<(String, String)> = vec![
        (".github/workflows/ci.yml".into(), "on: push\njobs:\n  t:\n    steps:\n      - run: cargo test\n".into()),
        ("docs/adr/0001-<script>alert(1).md".into(), adr),
        ("coverage/lcov.info".into(), "SF:a\nLF:10\nLH:6\nend_of_record\n".into()),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let roadmap = Roadmap::parse(ROADMAP, "snapshot.toml").unwrap();
    let policy = Policy { today: Some("2026-11-26".parse().unwrap()), ..Policy::default() };
    let mut c = evaluate(&RepoFacts::from_memory(&refs), &roadmap, &policy, &NoProgress);
    c.generated_at = "2026-11-26T09:00:00Z".into();
    c.run_id = Some(7);
    c.repository.name = format!("shop{HOSTILE}");
    c.repository.identity = "github.com/acme/shop".into();
    c.repository.remote = Some("github.com/acme/shop".into());
    c.repository.commit = Some("0123456789abcdef0123456789abcdef01234567".into());
    c.repository.branch = Some("main".into());
    c.repository.path = "/src/shop".into();
    c.roadmap.source = "roadmap.toml (built in)".into();
    c.facts.duration_ms = 1234;
    if let Some(check) = c.items.iter_mut().flat_map(|i| i.checks.iter_mut()).find(|c| c.status == Status::Fail) {
        check.message = format!("Found {HOSTILE} in a commit subject.");
        check.evidence.push(Evidence::Commit { sha: "abc".into(), date: "2026-11-01".into(), subject: HOSTILE.into() });
    }
    c
}

#[test]
fn the_readout_escapes_repository_text_and_loads_nothing() {
    let html = readout::render(&card(), &[]).unwrap();
    for forbidden in [
        "<script",
        "<iframe",
        "<img",
        "<link",
        "<object",
        "src=\"http",
        "href=\"http",
        "javascript:alert(1)\"",
        "<b>bold",
    ] {
        assert!(!html.contains(forbidden), "found {forbidden}");
    }
    assert!(html.contains("&#60;script&#62;"), "hostile text is shown escaped");
    assert!(html.contains("http-equiv=\"Content-Security-Policy\""));
    assert!(html.contains("default-src &#39;none&#39;") || html.contains("default-src 'none'"), "strict CSP");
    assert!(!html.contains(" style=\""), "no inline style attributes (the CSP forbids them)");
    for section in
        ["Executive summary", "Top risks", "Demo", "Pipeline", "Remaining roadmap by phase and week", "Appendix"]
    {
        assert!(html.contains(section), "{section} missing");
    }
}

/// A scorecard whose AWS account answered with hostile text (tags, names and error messages come
/// from the account, which is as untrusted as the repository).
fn card_with_cloud(error: Option<&str>, failed: &[(&str, &str)]) -> crate::scorecard::Scorecard {
    let mut c = card();
    c.cloud = Some(crate::scorecard::CloudInfo {
        provider: "aws".into(),
        account: Some("123456789012".into()),
        arn: Some(format!("arn:aws:iam::123456789012:user/{HOSTILE}")),
        regions: vec!["eu-west-1".into()],
        endpoint: None,
        error: error.map(str::to_string),
        resources: 3,
        calls: 2,
        calls_ms: 40,
        duration_ms: 25,
        failed_calls: failed
            .iter()
            .map(|(op, outcome)| crate::scorecard::FailedCall {
                operation: op.to_string(),
                region: "eu-west-1".into(),
                outcome: outcome.to_string(),
                message: format!("`{op}` {outcome} in eu-west-1: {HOSTILE}"),
            })
            .collect(),
        drift: Vec::new(),
    });
    c
}

#[test]
fn cloud_text_is_escaped_in_the_readout_and_markdown() {
    let card = card_with_cloud(None, &[("rds:DescribeDBInstances", "denied")]);
    let html = readout::render(&card, &[]).unwrap();
    assert!(html.contains("The running system"));
    assert!(html.contains("AWS account 123456789012 as arn:aws:iam::123456789012:user/"));
    assert!(html.contains("rds:DescribeDBInstances"));
    assert!(!html.contains("<script"), "AWS text reaches the page escaped");
    let md = render(&card, Format::Markdown).unwrap();
    assert!(md.contains("AWS account 123456789012"));
    assert!(!md.contains("<script>"), "AWS text is escaped in Markdown too");
}

#[test]
fn cloud_warnings_name_the_actions_once_each() {
    type Case<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (None, &[], &[]),
        (
            Some("no AWS credentials"),
            &[("sts:GetCallerIdentity", "failed")],
            &["could not be read: no AWS credentials"],
        ),
        (
            None,
            &[
                ("rds:DescribeDBInstances", "denied"),
                ("eks:ListClusters", "denied"),
                ("rds:DescribeDBInstances", "denied"),
            ],
            &["AWS denied eks:ListClusters, rds:DescribeDBInstances:", "`maturity aws policy`"],
        ),
        (None, &[("logs:DescribeLogGroups", "failed")], &["no answer after retries: logs:DescribeLogGroups"]),
        (None, &[("backup:ListBackupPlans", "unsupported")], &["endpoint does not support backup:ListBackupPlans"]),
    ];
    for (error, failed, expected) in cases {
        let w = super::live::warnings(&card_with_cloud(*error, failed)).join("\n");
        for e in *expected {
            assert!(w.contains(e), "{failed:?}: {w}");
        }
        assert_eq!(w.is_empty(), expected.is_empty(), "{w}");
    }
    assert!(super::live::warnings(&card()).is_empty(), "no account, no warning");
}

#[test]
fn the_csp_allows_exactly_the_embedded_stylesheet() {
    let csp = readout::csp();
    assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
    assert!(!csp.contains("unsafe"));
}

#[test]
fn sarif_validates_against_the_official_schema() {
    // the OASIS SARIF 2.1.0 schema (errata 01), kept beside the tests
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema_text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the SARIF schema is required at {}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let sarif: serde_json::Value = serde_json::from_str(&render(&card(), Format::Sarif).unwrap()).unwrap();
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["level"] == "error" || r["level"] == "warning"));
    let with_file = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"].is_object())
        .expect("a result with a file location");
    assert_eq!(with_file["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "%SRCROOT%");
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(render(&card(), Format::Junit).unwrap());
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(render(&card(), Format::Markdown).unwrap());
}

#[test]
fn markdown_is_bounded() {
    let mut c = card();
    for item in &mut c.items {
        for check in &mut item.checks {
            for n in 0..200 {
                check.evidence.push(Evidence::file(
                    format!("src/a/very/long/path/to/some/file/number/{n}/that/repeats.php"),
                    Some(n + 1),
                ));
            }
            check.message = "x".repeat(2000);
        }
    }
    let md = render(&c, Format::Markdown).unwrap();
    assert!(md.len() <= markdown::LIMIT, "{}", md.len());
    assert!(md.contains("# Maturity scorecard"));
}

#[test]
fn junit_is_well_formed_xml_with_one_case_per_item() {
    let xml = render(&card(), Format::Junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(cases, 3);
    assert!(xml.contains("&#60;script&#62;"));
}
