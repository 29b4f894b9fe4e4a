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

/// Two-, three- and four-byte characters (Cyrillic, CJK, emoji) with a combining mark.
const MIXED: &str = "aЖ中😀e\u{301}";

#[test]
fn markdown_truncation_cuts_on_character_boundaries_at_every_offset() {
    // a report far over the limit made of mixed-width text; shifting it by one byte at a time
    // moves the cut across every byte of every character
    let long = MIXED.repeat(1500);
    for shift in 0..=MIXED.len() {
        let mut c = card();
        for item in &mut c.items {
            for check in &mut item.checks {
                check.message = format!("{}{long}", "s".repeat(shift));
                check.evidence = (0..3).map(|n| Evidence::file(format!("{n}/{long}"), Some(1))).collect();
            }
        }
        let md = render(&c, Format::Markdown).unwrap();
        assert!(md.len() <= markdown::LIMIT, "shift {shift}: {}", md.len());
        assert!(md.contains("… truncated to stay within comment limits"), "shift {shift}");
        assert!(md.starts_with("# Maturity scorecard"), "shift {shift}");
    }
}

/// A line of hostile text: a terminal escape, a bidi override, XML-illegal and C1 controls, a
/// line break that would start a Markdown heading, a table separator, HTML, a link and a mention,
/// next to Cyrillic, CJK, emoji and a combining mark.
const POISON: &str =
    "\x1b[2J\u{202e}\x01\u{9b}\r\n# Заголовок 标题 😀 e\u{301}\n> quote\n|x|<b>bold</b> [a](http://x) @team\n1. ";

/// Every text of a scorecard, poisoned at both ends (statuses and tags stay valid).
fn poisoned(card: &crate::scorecard::Scorecard) -> crate::scorecard::Scorecard {
    fn walk(v: &mut serde_json::Value, key: &str) {
        match v {
            serde_json::Value::String(s) if !matches!(key, "kind" | "status" | "from" | "to" | "pace" | "schema") => {
                *s = format!("{POISON}{s}{POISON}");
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, key)),
            serde_json::Value::Object(o) => o.iter_mut().for_each(|(k, x)| walk(x, k)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(card).unwrap();
    walk(&mut v, "");
    serde_json::from_value(v).expect("a poisoned scorecard")
}

fn hidden_controls(s: &str) -> Vec<char> {
    s.chars().filter(|c| crate::text::is_hidden_control(*c)).collect()
}

/// What kind of Markdown block a line starts, and how many columns a table row has.
fn shape(line: &str) -> (String, usize) {
    let kind = if line.is_empty() {
        "blank"
    } else if line.starts_with("### ") {
        "h3"
    } else if line.starts_with("## ") {
        "h2"
    } else if line.starts_with("# ") {
        "h1"
    } else if line.starts_with('|') {
        "row"
    } else if line.starts_with("  - ") {
        "sublist"
    } else if line.starts_with("- ") {
        "list"
    } else if line.starts_with('<') {
        "html"
    } else {
        "text"
    };
    let columns = if kind == "row" { line.replace("\\|", "").matches('|').count() } else { 0 };
    (kind.to_string(), columns)
}

/// A Markdown line without its code spans (where text is shown as it is, never interpreted): a
/// run of backticks opens a span that the next run of as many backticks closes.
fn outside_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|c| **c == '`').count();
    let (mut out, mut i) = (String::new(), 0);
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = run_at(i);
        let mut j = i + run;
        let close = loop {
            match (j..chars.len()).find(|&k| chars[k] == '`') {
                None => break None,
                Some(k) if run_at(k) == run => break Some(k),
                Some(k) => j = k + run_at(k),
            }
        };
        match close {
            Some(k) => i = k + run,
            None => {
                out.extend(&chars[i..]);
                break;
            }
        }
    }
    out
}

#[test]
fn repository_text_cannot_change_the_shape_of_a_document() {
    let mut clean = card_with_cloud(None, &[("rds:DescribeDBInstances", "denied")]);
    clean.must_pass = vec![crate::scorecard::MustPass { item: "1".into(), status: Status::Fail, ok: false }];
    let hostile = poisoned(&clean);

    // Markdown: the same blocks, line by line, and no control character
    let (a, b) = (render(&clean, Format::Markdown).unwrap(), render(&hostile, Format::Markdown).unwrap());
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(la.len(), lb.len(), "hostile text added or removed lines:\n{b}");
    for (x, y) in la.iter().zip(&lb) {
        assert_eq!(shape(x), shape(y), "\n{x}\n{y}");
    }
    assert_eq!(hidden_controls(&b), Vec::<char>::new());
    for raw in ["<b>", "](http", "@team", "\n# Заголовок", "\n> quote", "\n1. "] {
        // escaped brackets make no link
        let found = b.lines().map(|l| outside_code_spans(l).replace("\\]", "")).find(|l| l.contains(raw));
        assert!(found.is_none(), "{raw:?} reached the Markdown: {found:?}");
    }

    // JUnit: well-formed XML with the same cases, no control character even decoded
    let xml = render(&hostile, Format::Junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let cases = |x: &roxmltree::Document| x.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(cases(&doc), cases(&roxmltree::Document::parse(&render(&clean, Format::Junit).unwrap()).unwrap()));
    for n in doc.descendants() {
        let texts = n.attributes().map(|a| a.value().to_string()).chain(n.text().map(str::to_string));
        for t in texts {
            assert_eq!(hidden_controls(&t), Vec::<char>::new(), "{t:?}");
        }
    }
    assert!(xml.contains("Заголовок 标题 😀 e\u{301}"), "non-ASCII text is kept");

    // SARIF: valid against the schema, no control character in any string, URIs are references
    let sarif: serde_json::Value = serde_json::from_str(&render(&hostile, Format::Sarif).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    strings(&sarif, &mut all);
    for s in &all {
        assert_eq!(hidden_controls(s), Vec::<char>::new(), "{s:?}");
    }
    let uri = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .expect("a result with a file");
    assert!(uri.bytes().all(|b| b.is_ascii_graphic() && !b"#?:<>\"\\".contains(&b)), "{uri}");

    // HTML: no control character, no markup from the repository
    let html = readout::render(&hostile, &[]).unwrap();
    assert_eq!(hidden_controls(&html), Vec::<char>::new());
    assert!(!html.contains("<b>bold"), "markup from the repository is escaped");
    assert!(html.contains("Заголовок 标题 😀 e\u{301}"), "non-ASCII text is kept");
}

#[test]
fn markdown_filters_keep_text_in_its_place() {
    use super::filters::md_text;
    for (input, want) in [
        ("plain Привет 漢字 😀", "plain Привет 漢字 😀"),
        ("# heading", "\\# heading"),
        ("  ## indented heading", "\\## indented heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("* item", "\\* item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("```rust", "\\```rust"),
        ("~~~", "\\~~~"),
        ("===", "\\==="),
        ("___", "\\___"),
        ("1.1 Kubernetes", "1.1 Kubernetes"),
        ("2024.", "2024\\."),
        ("2024 was", "2024 was"),
        ("v1.2 stays", "v1.2 stays"),
        ("name\n# injected", "name # injected"),
        ("a\r\nb\rc\u{2028}d", "a b c d"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("[click](http://x) ![i](y)", "\\[click\\](http://x) !\\[i\\](y)"),
        ("@channel", "@\u{200B}channel"),
        ("esc\x1b[31m red\u{202e}", "esc\u{fffd}\\[31m red\u{fffd}"),
        ("", ""),
    ] {
        assert_eq!(md_text(input), want, "{input:?}");
    }
}

#[test]
fn table_cells_hold_one_line_and_no_separator() {
    #[derive(askama::Template)]
    #[template(source = "| {{ value|cell }} |", ext = "md")]
    struct Cell<'a> {
        value: &'a str,
    }
    use super::filters;
    use askama::Template;
    for (value, want) in [
        ("> 90 %", "| &gt; 90 % |"),
        ("6.1 CI/CD", "| 6.1 CI/CD |"),
        ("a | b", "| a \\| b |"),
        ("two\nlines\r\n| x |", "| two lines \\| x \\| |"),
        ("<script>", "| &lt;script&gt; |"),
        ("файл\x1b[0m", "| файл\u{fffd}\\[0m |"),
    ] {
        assert_eq!(Cell { value }.render().unwrap(), want, "{value:?}");
    }
}

#[test]
fn code_spans_hold_any_backticks() {
    use super::filters;
    #[derive(askama::Template)]
    #[template(source = "{{ value|code }}", ext = "md")]
    struct Code<'a> {
        value: &'a str,
    }
    use askama::Template;
    for (value, want) in [
        ("main", "`main`"),
        ("a`b", "``a`b``"),
        ("`x``", "``` `x`` ```"),
        ("feature/日本\nx", "`feature/日本 x`"),
        ("<b>", "`<b>`"),
    ] {
        assert_eq!(Code { value }.render().unwrap(), want, "{value:?}");
    }
}
