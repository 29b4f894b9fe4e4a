//! Outputs that a repository cannot subvert (issue 10): text with terminal escapes, bidi
//! overrides, XML-illegal controls and line breaks in file names, job names, titles, commit
//! subjects and the remote reaches every format harmlessly; weights in `.maturity.toml` cannot
//! make the score something other than a number or get a run past `--fail-under`.

mod common;

use common::*;
use serde_json::Value;

/// A repository whose names and texts are hostile, next to Cyrillic, CJK, emoji and a combining
/// mark: decision records (their file names and titles are shown), a CI job name, a commit
/// subject and the remote URL.
#[cfg(unix)]
fn hostile_repository() -> Fixture {
    let f = Fixture::plain(WELL_RUN);
    let adrs = [
        ("docs/adr/0002-\x1b[2J\x1b[31mкрасный.md", "# 2. Use \x1b]0;pwned\x07 титул\n"),
        ("docs/adr/0003-line\n# injected heading.md", "# 3. 漢字 decision\n"),
        ("docs/adr/0004-invoice\u{202e}dm.exe.md", "# 4. 😀 e\u{301} choice\n"),
        ("docs/adr/0005-\x01ctrl | pipe.md", "# 5. \x01 <b>bold</b> | pipe [link](http://x) @team\n"),
    ];
    for (path, title) in adrs {
        write(f.path(), path, format!("{title}\nDate: 2025-03-01\n\n## Status\n\nAccepted\n").as_bytes());
    }
    // a job whose name holds an escape (YAML's "\e"), run on pull requests
    write(
        f.path(),
        ".github/workflows/ci.yml",
        b"on: pull_request\njobs:\n  \"t\\e[31m\\u202e\xe6\xb5\x8b\xe8\xaf\x95\":\n    runs-on: x\n    steps:\n      - run: vendor/bin/phpunit\n",
    );
    let repo = git2::Repository::init(f.path()).unwrap();
    repo.remote("origin", "https://example.com/acme/\x1b[31mshop\u{202e}.git").unwrap();
    commit_all(&repo, "fix: \x1b[2J\u{202e} сломано\n\nbody", 1_700_000_000);
    f
}

fn hidden_controls(s: &str) -> Vec<char> {
    s.chars().filter(|c| maturity_core::text::is_hidden_control(*c)).collect()
}

fn audit(path: &std::path::Path, format: &str) -> std::process::Output {
    let out = maturity(&["audit", path.to_str().unwrap(), "--no-progress", "--no-store", "-f", format]);
    assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
    out
}

#[cfg(unix)]
#[test]
fn hostile_names_reach_every_format_harmlessly() {
    let f = hostile_repository();
    // JSON keeps the text as it is (it is data, escaped by JSON itself) and shows it is there
    let json: Value = serde_json::from_slice(&audit(f.path(), "json").stdout).expect("valid JSON");
    let text = json.to_string();
    for there in ["титул", "漢字 decision", "line\\n# injected heading", "invoice\u{202e}dm.exe"] {
        assert!(text.contains(there), "{there} is not in the JSON");
    }

    // every other format: no control character at all (colours are off when piped)
    for format in ["table", "markdown", "html", "sarif", "junit"] {
        let out = audit(f.path(), format);
        let (o, e) = (stdout(&out), stderr(&out));
        assert_eq!(hidden_controls(&o), Vec::<char>::new(), "{format}:\n{o}");
        assert_eq!(hidden_controls(&e), Vec::<char>::new(), "{format}:\n{e}");
        if matches!(format, "markdown" | "html" | "junit") {
            assert!(o.contains("красный") && o.contains("测试"), "{format}: non-ASCII text is kept");
        }
    }
    let table = stdout(&audit(f.path(), "table"));
    assert!(table.contains("(example.com/acme/\\x1b[31mshop\\u{202e})"), "the remote, escaped:\n{table}");

    // Markdown: one title, no heading, quote or HTML from the repository, tables keep their columns
    let md = stdout(&audit(f.path(), "markdown"));
    assert_eq!(md.lines().filter(|l| l.starts_with("# ")).count(), 1, "{md}");
    assert!(!md.lines().any(|l| l.starts_with("# injected")), "{md}");
    assert!(!md.contains("<b>") && !md.contains("](http") && !md.contains("@team"), "{md}");
    let mut columns = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = line.replace("\\|", "").matches('|').count();
            assert_eq!(*columns.get_or_insert(n), n, "a row with other columns: {line}");
        } else {
            columns = None;
        }
    }

    // JUnit: well-formed XML
    let xml = stdout(&audit(f.path(), "junit"));
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("testcase")).count(), 22, "one test case per item");

    // SARIF: valid against the official schema, file locations are URI references
    let sarif: Value = serde_json::from_slice(&audit(f.path(), "sarif").stdout).unwrap();
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        for l in r["locations"].as_array().unwrap().iter().chain(r["relatedLocations"].as_array().unwrap()) {
            if let Some(uri) = l["physicalLocation"]["artifactLocation"]["uri"].as_str() {
                assert!(uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)), "{uri}");
            }
        }
    }
}

#[test]
fn weights_that_would_break_the_score_are_refused_with_their_position() {
    for (name, config, position) in [
        ("1e308", "[weights.items]\n\"6.1\" = 1e308\n", ".maturity.toml:2:9: error: weight of item `6.1`"),
        ("infinity", "[weights.checks]\n\"repo.ci.deployment_automated\" = inf\n", ".maturity.toml:2:34:"),
        ("nan", "[weights.items]\n\"1.1\" = nan\n", ".maturity.toml:2:9:"),
        ("negative", "[weights.items]\n\"6.1\" = -1\n", ".maturity.toml:2:9:"),
        ("zero", "[weights.items]\n\"6.1\" = 0\n", ".maturity.toml:2:9:"),
    ] {
        let f = Fixture::plain(&[(".maturity.toml", config)]);
        let o = maturity(&["audit", f.path().to_str().unwrap(), "--no-progress", "--no-store", "--fail-under", "100"]);
        assert_eq!(o.status.code(), Some(2), "{name}: the gate must not pass: {}", stderr(&o));
        assert!(stderr(&o).contains(position), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("a positive number up to 1000"), "{name}: {}", stderr(&o));
    }
}

#[test]
fn extreme_weights_keep_the_score_a_number_and_the_gate_closed() {
    // the largest weight allowed and a vanishingly small one, on items and checks that pass and fail
    let config = "[weights.items]\n\"6.1\" = 1000\n\"1.1\" = 1e-300\n[weights.checks]\n\"repo.ci.tests_run_on_pull_requests\" = 1000\n\"repo.coverage.meets_target\" = 5e-324\n";
    let files: Vec<(&str, &str)> = WELL_RUN.iter().copied().chain([(".maturity.toml", config)]).collect();
    let f = Fixture::repo(&[&files]);
    let o = maturity(&[
        "audit",
        f.path().to_str().unwrap(),
        "--no-progress",
        "--no-store",
        "-f",
        "json",
        "--fail-under",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(1), "below 100: the gate closes: {}", stderr(&o));
    let card: Value = serde_json::from_slice(&o.stdout).unwrap();
    let score = card["score"].as_f64().expect("the score is a number");
    assert!((0.0..100.0).contains(&score), "{score}");
    for i in card["items"].as_array().unwrap() {
        assert!(i["score"].is_null() || i["score"].as_f64().is_some_and(|s| (0.0..=100.0).contains(&s)), "{i}");
    }
    let o = maturity(&["audit", f.path().to_str().unwrap(), "--no-progress", "--no-store", "--fail-under", "nan"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
