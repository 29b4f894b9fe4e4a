//! `maturity checks test DIR`: a check pack's fixtures, run as a red/green loop for its authors.
//!
//! A pack ships cases under `fixtures/<case>/`: an `expect.toml` with the verdict each check
//! should reach, and either a `tree/` folder (a small repository, collected as an audit
//! collects one, with the pack's content patterns in the scan) or a `facts.json` (a facts
//! document, written by hand or saved from `maturity facts PATH -f json`). Each expected check is
//! judged over the case's facts exactly as an audit judges it.
//!
//! ```toml
//! # fixtures/unpinned/expect.toml
//! description = "a module without a version"
//! [expect]
//! "acme.terraform.modules_pinned" = "fail"
//! "acme.ci.deploy_tool_runs" = { status = "pass", message = "acme-deploy" }   # message: a substring
//! ```

use crate::prepare::{PrepareError, load_packs};
use maturity_checks::facts::doc::FactsDoc;
use maturity_checks::facts::{self, CollectOptions, NoProgress, read};
use maturity_checks::model::{Finding, Status};
use maturity_checks::plugin::{Input, Packs, rego};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Largest `facts.json` read.
const MAX_FACTS_BYTES: u64 = 64 << 20;

/// The outcome of a pack's fixtures.
#[derive(Debug)]
pub struct PackTest {
    pub pack: String,
    pub dir: String,
    pub checks: usize,
    pub cases: Vec<Case>,
    /// Checks that no case expects anything of.
    pub uncovered: Vec<String>,
}

impl PackTest {
    /// Whether every case reached every expected verdict.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(Case::passed)
    }
}

#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub description: Option<String>,
    /// `tree` or `facts.json`.
    pub input: &'static str,
    /// Why the case could not run (a bad `expect.toml`, an unreadable input).
    pub error: Option<String>,
    pub checks: Vec<Expectation>,
}

impl Case {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.checks.iter().all(|c| c.ok)
    }
}

#[derive(Debug)]
pub struct Expectation {
    pub id: String,
    pub status: Status,
    pub message: Option<String>,
    pub got: Finding,
    /// What a Rego policy printed while judging.
    pub prints: Vec<String>,
    pub ok: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    description: Option<String>,
    expect: BTreeMap<String, Spanned<RawVerdict>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVerdict {
    Status(String),
    Full(RawFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFull {
    status: String,
    message: Option<String>,
}

fn status(s: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|x| x.as_str() == s && *x != Status::Waived)
}

/// Loads the pack in `dir` and runs its fixtures. A pack that does not load is an error.
pub fn run(dir: &Path, warn: &mut dyn FnMut(&str)) -> Result<PackTest, PrepareError> {
    let packs = load_packs(&[dir.to_path_buf()], warn)?;
    let pack = packs.iter().next().ok_or_else(|| PrepareError(format!("{}: no pack", dir.display())))?;
    let fixtures = dir.join("fixtures");
    let mut names: Vec<PathBuf> = match std::fs::read_dir(&fixtures) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(e) => {
            return Err(PrepareError(format!(
                "{}: the pack has no fixtures to test ({e}); add fixtures/<case>/expect.toml",
                fixtures.display()
            )));
        }
    };
    names.sort();
    let cases: Vec<Case> = names.iter().map(|case| run_case(case, &packs)).collect();
    let covered: Vec<&str> = cases.iter().flat_map(|c| c.checks.iter().map(|e| e.id.as_str())).collect();
    Ok(PackTest {
        pack: pack.name.clone(),
        dir: pack.dir.clone(),
        checks: pack.checks.len(),
        uncovered: pack.checks.iter().map(|c| c.id.clone()).filter(|id| !covered.contains(&id.as_str())).collect(),
        cases,
    })
}

fn run_case(dir: &Path, packs: &Packs) -> Case {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut case = Case { name, description: None, input: "tree", error: None, checks: Vec::new() };
    let expect_file = dir.join("expect.toml");
    let expected = match read_expect(&expect_file, packs) {
        Ok((description, e)) => {
            case.description = description;
            e
        }
        Err(why) => {
            case.error = Some(why);
            return case;
        }
    };
    let tree = dir.join("tree");
    let facts_file = dir.join("facts.json");
    let input = match (tree.is_dir(), facts_file.is_file()) {
        (true, false) => collect_tree(&tree, packs),
        (false, true) => {
            case.input = "facts.json";
            read_facts(&facts_file)
        }
        (true, true) => Err("the case has both `tree/` and `facts.json`: keep one".into()),
        (false, false) => Err("the case has neither `tree/` nor `facts.json`".into()),
    };
    let input = match input {
        Ok(i) => i,
        Err(why) => {
            case.error = Some(why);
            return case;
        }
    };
    for (id, status, message) in expected {
        let Some(check) = packs.find(&id) else { continue };
        let judged = check.judge_with(&input, rego::LIMITS);
        let ok = judged.finding.status == status
            && message.as_ref().is_none_or(|m| judged.finding.message.contains(m.as_str()));
        case.checks.push(Expectation { id, status, message, got: judged.finding, prints: judged.prints, ok });
    }
    case
}

type Expected = Vec<(String, Status, Option<String>)>;

fn read_expect(file: &Path, packs: &Packs) -> Result<(Option<String>, Expected), String> {
    let shown = file.display().to_string();
    let bytes = read::read_regular(file, 1 << 20, true).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let raw: RawExpect = toml::from_str(&text).map_err(|e| {
        let (line, col) = maturity_checks::plugin::spec::line_col(&text, e.span().map(|s| s.start).unwrap_or(0));
        format!("{shown}:{line}:{col}: error: {}", e.message().trim())
    })?;
    let mut out = Vec::new();
    for (id, v) in raw.expect {
        let (line, col) = maturity_checks::plugin::spec::line_col(&text, v.span().start);
        let at = format!("{shown}:{line}:{col}: error:");
        if packs.find(&id).is_none() {
            return Err(format!("{at} `{id}` is not a check of the pack"));
        }
        let (s, message) = match v.into_inner() {
            RawVerdict::Status(s) => (s, None),
            RawVerdict::Full(f) => (f.status, f.message),
        };
        let status = status(&s)
            .ok_or_else(|| format!("{at} `{s}` is not a verdict (pass, partial, fail, unknown, not_assessed)"))?;
        out.push((id, status, message));
    }
    if out.is_empty() {
        return Err(format!("{shown}: `[expect]` lists no check"));
    }
    Ok((raw.description, out))
}

fn collect_tree(tree: &Path, packs: &Packs) -> Result<std::sync::Arc<Input>, String> {
    let opts = CollectOptions { patterns: packs.patterns(), ..CollectOptions::default() };
    let repo = facts::collect(tree, &opts, &NoProgress).map_err(|e| format!("{}: {e}", tree.display()))?;
    Ok(facts::doc::input(&repo))
}

fn read_facts(file: &Path) -> Result<std::sync::Arc<Input>, String> {
    let shown = file.display().to_string();
    let bytes = read::read_regular(file, MAX_FACTS_BYTES, true).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let doc: FactsDoc =
        serde_json::from_slice(&bytes).map_err(|e| format!("{shown}:{}:{}: error: {e}", e.line(), e.column()))?;
    if doc.schema != facts::doc::SCHEMA {
        return Err(format!("{shown}: `schema` is `{}`, expected `{}`", doc.schema, facts::doc::SCHEMA));
    }
    Ok(std::sync::Arc::new(Input::new(doc.to_value())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (n, t) in files {
            let p = dir.join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
    }

    const CHECKS: &str = r#"[[checks]]
id = "acme.docs.readme"
item = "6.3"
title = "A README"
rationale = "People read it first."
remediation = "Write a README.md."
rule.file_exists = { files = "README.md" }

[[checks]]
id = "acme.ci.deploy"
item = "6.1"
title = "Our deploy tool runs in CI"
rationale = "Deployments are audited."
remediation = "Run acme-deploy in CI."
rule.content = { files = "**/*.yml", pattern = 'acme-deploy' }
"#;

    #[test]
    fn fixtures_run_green_and_red() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("pack.toml", "[pack]\nname = \"acme\"\n"),
                ("checks.toml", CHECKS),
                (
                    "fixtures/good/expect.toml",
                    "[expect]\n\"acme.docs.readme\" = \"pass\"\n\"acme.ci.deploy\" = { status = \"pass\", message = \"ci.yml:2\" }\n",
                ),
                ("fixtures/good/tree/README.md", "# x\n"),
                (
                    "fixtures/good/tree/.github/workflows/ci.yml",
                    "steps:\n  - run: acme-deploy\n  # - run: acme-deploy --old\n",
                ),
                ("fixtures/wrong/expect.toml", "[expect]\n\"acme.docs.readme\" = \"pass\"\n"),
                (
                    "fixtures/wrong/facts.json",
                    r#"{"schema":"maturity.facts/v1","files":[{"path":"docs/README.md","dir":"docs","name":"README.md","size":3,"location":"project"}]}"#,
                ),
                ("fixtures/broken/expect.toml", "[expect]\n\"acme.nope\" = \"pass\"\n"),
                ("fixtures/broken/tree/x", ""),
            ],
        );
        let t = run(dir.path(), &mut |_| {}).unwrap();
        assert_eq!(t.cases.len(), 3);
        let by = |n: &str| t.cases.iter().find(|c| c.name == n).unwrap();
        assert!(by("good").passed(), "{:?}", by("good"));
        let wrong = by("wrong");
        assert_eq!((wrong.passed(), wrong.input, wrong.checks[0].got.status), (false, "facts.json", Status::Fail));
        assert!(
            by("broken")
                .error
                .as_deref()
                .unwrap()
                .contains("expect.toml:2:15: error: `acme.nope` is not a check of the pack"),
            "{:?}",
            by("broken").error
        );
        assert!(!t.passed());
        assert!(t.uncovered.is_empty());
    }
}
