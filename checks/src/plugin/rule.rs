//! Declarative rules and how they are judged over the facts document.
//!
//! A rule is a tree of a closed set of operators: `file_exists` (a file matches a glob),
//! `content` (a regular expression matches in files matching a glob), `query` (values at a path
//! of the facts document compare with a value), and `all`, `any`, `not`. Each node scores
//! between 0 and 1: a leaf holds (1) or not (0), a query with `every` scores the share of values
//! that hold, `all` is the mean of its parts, `any` the best, `not` the complement. The check
//! passes at 1, fails at 0 and is partial in between, with the evidence of the leaves that held.
//!
//! Only files where the project keeps its own practice count: `project` files by default (and
//! `test` files when a rule says `in = ["project", "test"]`); examples, fixtures and vendored
//! code never do, and a hit there is named in the message as not counting. Commented-out lines
//! never count. A query that reads a section whose collector failed, or a provider that failed,
//! says `unknown`; one that reads the AWS account or endpoints an audit did not look at says
//! `not_assessed`.

use super::path::{Found, Path, scalar};
use crate::model::{Evidence, clip};
use globset::GlobSet;
use regex::Regex;
use serde_json::Value;

/// Evidence kept per leaf, and per check.
const EVIDENCE_PER_LEAF: usize = 5;
pub const EVIDENCE_PER_CHECK: usize = 10;

#[derive(Debug, Clone)]
pub enum Rule {
    FileExists(Files),
    Content { pattern: String, regex: String, files: Files },
    Query(Query),
    All(Vec<Rule>),
    Any(Vec<Rule>),
    Not(Box<Rule>),
}

/// Files selected by globs, in the locations that count.
#[derive(Debug, Clone)]
pub struct Files {
    pub globs: Vec<String>,
    pub set: GlobSet,
    /// Locations that count (`project`, `test`).
    pub locations: Vec<String>,
}

impl Files {
    fn label(&self) -> String {
        self.globs.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(" or ")
    }
}

#[derive(Debug, Clone)]
pub struct Query {
    pub path: Path,
    pub compare: Compare,
    /// Score the share of selected values that hold, instead of holding when one does.
    pub every: bool,
    /// Hold when at least this many values hold (score the share of it until then).
    pub at_least: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Compare {
    /// The path selects something that is not null.
    Exists,
    Equals(Value),
    Matches(Regex),
    Number(NumOp, f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumOp {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Compare {
    fn holds(&self, v: &Value) -> bool {
        match self {
            Compare::Exists => !v.is_null(),
            Compare::Equals(want) => !v.is_null() && (v == want || (scalar(v).is_some() && scalar(v) == scalar(want))),
            Compare::Matches(re) => match v {
                Value::Array(items) => items.iter().any(|i| self.holds(i)),
                _ => scalar(v).is_some_and(|s| re.is_match(&s)),
            },
            Compare::Number(op, n) => v.as_f64().is_some_and(|x| match op {
                NumOp::Gt => x > *n,
                NumOp::Gte => x >= *n,
                NumOp::Lt => x < *n,
                NumOp::Lte => x <= *n,
            }),
        }
    }

    fn describe(&self) -> String {
        match self {
            Compare::Exists => "is set".into(),
            Compare::Equals(v) => format!("equals `{}`", scalar(v).unwrap_or_else(|| v.to_string())),
            Compare::Matches(re) => format!("matches `{}`", re.as_str()),
            Compare::Number(op, n) => {
                let sym = match op {
                    NumOp::Gt => ">",
                    NumOp::Gte => "≥",
                    NumOp::Lt => "<",
                    NumOp::Lte => "≤",
                };
                format!("is {sym} {}", crate::model::fmt_num(*n))
            }
        }
    }
}

/// What a rule concluded.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 0 (does not hold) to 1 (holds), with what was found and the evidence for it.
    Scored { score: f64, says: Vec<String>, evidence: Vec<Evidence> },
    /// The facts it needed are missing because something failed.
    Unknown(String),
    /// The facts it needed were not asked for (no `--aws`, no `--url`).
    NotAssessed(String),
}

impl Outcome {
    fn scored(score: f64, says: String, evidence: Vec<Evidence>) -> Outcome {
        Outcome::Scored { score, says: vec![says], evidence }
    }
}

impl Rule {
    /// Judges the rule over the facts document.
    pub fn judge(&self, doc: &Value) -> Outcome {
        match self {
            Rule::FileExists(files) => file_exists(files, doc),
            Rule::Content { pattern, regex, files } => content(pattern, regex, files, doc),
            Rule::Query(q) => query(q, doc),
            Rule::All(parts) => combine(parts, doc, |scores| scores.iter().sum::<f64>() / scores.len().max(1) as f64),
            Rule::Any(parts) => {
                let outcomes: Vec<Outcome> = parts.iter().map(|p| p.judge(doc)).collect();
                // one part that holds is enough, whatever the others could not tell
                if let Some(best) =
                    outcomes.iter().find(|o| matches!(o, Outcome::Scored { score, .. } if *score >= 1.0))
                {
                    return best.clone();
                }
                merge(outcomes, |scores| scores.iter().copied().fold(0.0, f64::max))
            }
            Rule::Not(inner) => match inner.judge(doc) {
                Outcome::Scored { score, says, .. } => Outcome::Scored {
                    score: 1.0 - score,
                    says: says.into_iter().map(|s| format!("not so: {s}")).collect(),
                    evidence: Vec::new(),
                },
                other => other,
            },
        }
    }

    /// The content patterns of this rule, in order, with their ids.
    pub fn patterns(&self) -> Vec<(&str, &str, &Files)> {
        let mut out = Vec::new();
        self.walk(&mut |r| {
            if let Rule::Content { pattern, regex, files } = r {
                out.push((pattern.as_str(), regex.as_str(), files));
            }
        });
        out
    }

    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Rule)) {
        f(self);
        match self {
            Rule::All(parts) | Rule::Any(parts) => parts.iter().for_each(|p| p.walk(f)),
            Rule::Not(inner) => inner.walk(f),
            _ => {}
        }
    }
}

fn combine(parts: &[Rule], doc: &Value, score: impl Fn(&[f64]) -> f64) -> Outcome {
    merge(parts.iter().map(|p| p.judge(doc)).collect(), score)
}

/// Joins the parts' outcomes: an unknown part makes the whole unknown, then a part not assessed.
fn merge(outcomes: Vec<Outcome>, score: impl Fn(&[f64]) -> f64) -> Outcome {
    if let Some(u) = outcomes.iter().find(|o| matches!(o, Outcome::Unknown(_))) {
        return u.clone();
    }
    if let Some(n) = outcomes.iter().find(|o| matches!(o, Outcome::NotAssessed(_))) {
        return n.clone();
    }
    let mut scores = Vec::new();
    let mut all_says = Vec::new();
    let mut all_evidence = Vec::new();
    for o in outcomes {
        if let Outcome::Scored { score, says, evidence } = o {
            scores.push(score);
            all_says.extend(says);
            if score > 0.0 {
                all_evidence.extend(evidence);
            }
        }
    }
    Outcome::Scored { score: score(&scores), says: all_says, evidence: all_evidence }
}

fn files_of(doc: &Value) -> impl Iterator<Item = &Value> {
    doc.get("files").and_then(Value::as_array).into_iter().flatten()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `a`, `a and b` or `a, b and 3 more`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    }
}

fn file_exists(files: &Files, doc: &Value) -> Outcome {
    let mut counted = Vec::new();
    let mut elsewhere = Vec::new();
    for f in files_of(doc) {
        let path = str_of(f, "path");
        if !files.set.is_match(path) {
            continue;
        }
        if files.locations.iter().any(|l| l == str_of(f, "location")) {
            counted.push(path.to_string());
        } else {
            elsewhere.push(format!("`{path}`"));
        }
    }
    if counted.is_empty() {
        let mut says = format!("no file matches {}", files.label());
        if !elsewhere.is_empty() {
            says.push_str(&format!(" outside examples, fixtures and vendored code (only {})", list(&elsewhere)));
        }
        return Outcome::scored(0.0, says, Vec::new());
    }
    let named: Vec<String> = counted.iter().map(|p| format!("`{p}`")).collect();
    let evidence = counted.iter().take(EVIDENCE_PER_LEAF).map(|p| Evidence::file(p.clone(), None)).collect();
    Outcome::scored(
        1.0,
        format!("{} {} {}", list(&named), if counted.len() == 1 { "matches" } else { "match" }, files.label()),
        evidence,
    )
}

fn content(pattern: &str, regex: &str, files: &Files, doc: &Value) -> Outcome {
    if failed(doc, "matches").is_some() {
        return Outcome::Unknown(failed(doc, "matches").unwrap_or_default());
    }
    let hits: Vec<&Value> = doc
        .get("matches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|m| str_of(m, "pattern") == pattern)
        .collect();
    let live: Vec<&&Value> = hits.iter().filter(|m| m.get("commented") != Some(&Value::Bool(true))).collect();
    let counted: Vec<&&&Value> =
        live.iter().filter(|m| files.locations.iter().any(|l| l == str_of(m, "location"))).collect();
    let at = |m: &Value| format!("`{}:{}`", str_of(m, "path"), m.get("line").and_then(Value::as_u64).unwrap_or(0));
    if counted.is_empty() {
        let mut says = format!("no line of the files matching {} matches `{regex}`", files.label());
        let commented = hits.len() - live.len();
        let elsewhere: Vec<String> = live.iter().map(|m| at(m)).collect();
        if !elsewhere.is_empty() {
            says.push_str(&format!(" outside examples, fixtures and vendored code (only {})", list(&elsewhere)));
        } else if commented > 0 {
            says.push_str(&format!(" except {commented} commented-out line(s)"));
        }
        return Outcome::scored(0.0, says, Vec::new());
    }
    let places: Vec<String> = counted.iter().map(|m| at(m)).collect();
    let evidence = counted
        .iter()
        .take(EVIDENCE_PER_LEAF)
        .map(|m| {
            let line = m.get("line").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok()).unwrap_or(1);
            Evidence::file_snippet(str_of(m, "path"), line, str_of(m, "text"))
        })
        .collect();
    Outcome::scored(1.0, format!("`{regex}` matches in {}", list(&places)), evidence)
}

/// The failure of the collector that fills `section`, if it failed.
fn failed(doc: &Value, section: &str) -> Option<String> {
    doc.get("failures")?.as_array()?.iter().find_map(|f| {
        let fills = f.get("sections")?.as_array()?.iter().any(|s| s.as_str() == Some(section));
        fills.then(|| str_of(f, "message").to_string())
    })
}

/// Why a path cannot be read in this document: a failed collector or provider, or a source the
/// audit did not look at.
fn unreadable(path: &Path, doc: &Value) -> Option<Outcome> {
    let section = path.section()?;
    if let Some(why) = failed(doc, section) {
        return Some(Outcome::Unknown(why));
    }
    match section {
        "cloud" if doc.get("cloud").is_none_or(Value::is_null) => {
            Some(Outcome::NotAssessed("the AWS account was not read (run the audit with --aws)".into()))
        }
        "cloud" => doc["cloud"]
            .get("error")
            .and_then(Value::as_str)
            .map(|e| Outcome::Unknown(format!("the AWS account could not be read: {e}"))),
        "endpoints" if doc.get("endpoints").is_none_or(Value::is_null) => {
            Some(Outcome::NotAssessed("no deployed endpoint was probed (run the audit with --url)".into()))
        }
        "providers" => {
            let name = path.second_key()?;
            match doc.get("providers").and_then(|p| p.get(name)) {
                None => Some(Outcome::NotAssessed(format!(
                    "the fact provider `{name}` was not given (--fact-provider {name}=PROGRAM)"
                ))),
                Some(p) if p.get("ok") != Some(&Value::Bool(true)) => {
                    Some(Outcome::Unknown(format!("the fact provider `{name}` failed: {}", str_of(p, "error"))))
                }
                Some(_) => None,
            }
        }
        _ => None,
    }
}

fn query(q: &Query, doc: &Value) -> Outcome {
    if let Some(o) = unreadable(&q.path, doc) {
        return o;
    }
    let found: Vec<Found> = q.path.select(doc);
    let holding: Vec<&Found> = found.iter().filter(|f| q.compare.holds(f.value)).collect();
    let how = q.compare.describe();
    let shown = |f: &Found| {
        let value = match f.value {
            Value::Null => "(missing)".to_string(),
            v => scalar(v).unwrap_or_else(|| clip(&v.to_string(), 60)),
        };
        match f.file {
            Some((p, Some(l))) => format!("`{}` in `{p}:{l}`", clip(&value, 60)),
            Some((p, None)) => format!("`{}` in `{p}`", clip(&value, 60)),
            None => format!("`{}`", clip(&value, 60)),
        }
    };
    let evidence: Vec<Evidence> = holding
        .iter()
        .filter_map(|f| {
            let (path, line) = f.file?;
            Some(match (line, scalar(f.value)) {
                (Some(l), Some(v)) => Evidence::file_snippet(path, l, v),
                _ => Evidence::file(path, line),
            })
        })
        .take(EVIDENCE_PER_LEAF)
        .collect();
    if found.iter().all(|f| f.value.is_null()) {
        return Outcome::scored(0.0, format!("`{}` selects nothing", q.path), Vec::new());
    }
    let k = holding.len();
    let n = found.len();
    let score = if let Some(min) = q.at_least {
        (k as f64 / min.max(1) as f64).min(1.0)
    } else if q.every {
        k as f64 / n as f64
    } else if k > 0 {
        1.0
    } else {
        0.0
    };
    let named: Vec<String> = holding.iter().map(|f| shown(f)).collect();
    let says = match (k, q.every || q.at_least.is_some()) {
        (0, _) => {
            let seen: Vec<String> = found.iter().map(shown).collect();
            format!("no value of `{}` {how} (found {})", q.path, list(&seen))
        }
        (_, true) => format!("{k} of {n} values of `{}` {how}: {}", q.path, list(&named)),
        (_, false) => format!("`{}` {how}: {}", q.path, list(&named)),
    };
    Outcome::scored(score, says, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(globs: &[&str]) -> Files {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            b.add(globset::GlobBuilder::new(g).literal_separator(true).build().unwrap());
        }
        Files {
            globs: globs.iter().map(|g| g.to_string()).collect(),
            set: b.build().unwrap(),
            locations: vec!["project".into()],
        }
    }

    fn q(path: &str, compare: Compare, every: bool) -> Rule {
        Rule::Query(Query { path: Path::parse(path).unwrap(), compare, every, at_least: None })
    }

    fn doc() -> Value {
        json!({
            "files": [
                {"path": "services/a/catalog-info.yaml", "location": "project"},
                {"path": "examples/b/catalog-info.yaml", "location": "example"},
                {"path": "infra/main.tf", "location": "project"}
            ],
            "ci": {"pipelines": [{"path": "ci.yml", "jobs": [{"path": "ci.yml", "line": 3, "steps": [
                {"path": "ci.yml", "line": 4, "run": "make test"},
                {"path": "ci.yml", "line": 5, "run": "acme-deploy --prod"}]}]}]},
            "terraform": {"blocks": [
                {"kind": "module", "path": "main.tf", "line": 1, "attributes": {"version": "1.0"}},
                {"kind": "module", "path": "net.tf", "line": 9, "attributes": {}}
            ]},
            "matches": [
                {"pattern": "p#0", "path": "services/a/catalog-info.yaml", "line": 6, "text": "owner: team-a", "location": "project", "commented": false},
                {"pattern": "p#1", "path": "infra/main.tf", "line": 2, "text": "# required_version = 1", "location": "project", "commented": true},
                {"pattern": "p#2", "path": "examples/x.tf", "line": 2, "text": "required_version", "location": "example", "commented": false}
            ],
            "cloud": null,
            "providers": {"deploy": {"ok": false, "error": "timed out after 10 s"}},
            "failures": [{"collector": "Kubernetes", "sections": ["kubernetes"], "message": "the Kubernetes collector failed: boom"}]
        })
    }

    fn score(o: &Outcome) -> Option<f64> {
        match o {
            Outcome::Scored { score, .. } => Some(*score),
            _ => None,
        }
    }

    #[test]
    fn rules_score_over_the_document() {
        let catalog = Rule::FileExists(files(&["**/catalog-info.yaml"]));
        let nothing = Rule::FileExists(files(&["**/nothing"]));
        let deploy = q(
            "ci.pipelines[*].jobs[*].steps[*].run",
            Compare::Matches(Regex::new(r"(?-u:\b)acme-deploy(?-u:\b)").unwrap()),
            false,
        );
        let pinned = q("terraform.blocks[kind=module].attributes.version", Compare::Exists, false);
        let every = Rule::Query(Query {
            path: Path::parse("terraform.blocks[kind=module]").unwrap(),
            compare: Compare::Exists,
            every: true,
            at_least: None,
        });
        let share = q("terraform.blocks[kind=module].attributes", Compare::Equals(json!({})), true);
        let content = |p: &str| Rule::Content { pattern: p.into(), regex: "x".into(), files: files(&["**/*"]) };
        for (name, rule, want) in [
            ("file exists", catalog.clone(), Some(1.0)),
            ("no file", nothing.clone(), Some(0.0)),
            ("query any", deploy.clone(), Some(1.0)),
            ("exists", pinned, Some(1.0)),
            ("every, all hold", every, Some(1.0)),
            ("every, half hold", share, Some(0.5)),
            ("all is the mean", Rule::All(vec![catalog.clone(), nothing.clone()]), Some(0.5)),
            ("any is the best", Rule::Any(vec![nothing.clone(), deploy.clone()]), Some(1.0)),
            ("not", Rule::Not(Box::new(nothing.clone())), Some(1.0)),
            ("live project hit", content("p#0"), Some(1.0)),
            ("commented hit", content("p#1"), Some(0.0)),
            ("example hit", content("p#2"), Some(0.0)),
            ("failed collector", q("kubernetes.objects[*]", Compare::Exists, false), None),
            ("no --aws", q("cloud.resources[*]", Compare::Exists, false), None),
            (
                "any holds despite an unknown part",
                Rule::Any(vec![q("kubernetes.objects", Compare::Exists, false), catalog]),
                Some(1.0),
            ),
            (
                "all is unknown with an unknown part",
                Rule::All(vec![q("providers.deploy.facts", Compare::Exists, false), deploy]),
                None,
            ),
        ] {
            assert_eq!(score(&rule.judge(&doc())), want, "{name}: {:?}", rule.judge(&doc()));
        }
    }

    #[test]
    fn messages_name_what_was_found_and_what_does_not_count() {
        let d = doc();
        let says = |r: Rule| match r.judge(&d) {
            Outcome::Scored { says, evidence, .. } => (says.join("; "), evidence),
            other => (format!("{other:?}"), Vec::new()),
        };
        let (text, evidence) = says(Rule::FileExists(files(&["**/catalog-info.yaml"])));
        assert_eq!(text, "`services/a/catalog-info.yaml` matches `**/catalog-info.yaml`");
        assert_eq!(evidence, vec![Evidence::file("services/a/catalog-info.yaml", None)]);
        let (text, _) = says(Rule::FileExists(files(&["examples/*/catalog-info.yaml"])));
        assert!(text.contains("only `examples/b/catalog-info.yaml`"), "{text}");
        let (text, evidence) = says(q(
            "ci.pipelines[*].jobs[*].steps[*].run",
            Compare::Matches(Regex::new("acme-deploy").unwrap()),
            false,
        ));
        assert_eq!(
            text,
            "`ci.pipelines[*].jobs[*].steps[*].run` matches `acme-deploy`: `acme-deploy --prod` in `ci.yml:5`"
        );
        assert_eq!(evidence, vec![Evidence::file_snippet("ci.yml", 5, "acme-deploy --prod")]);
        let (text, _) =
            says(Rule::Content { pattern: "p#1".into(), regex: "required_version".into(), files: files(&["**/*.tf"]) });
        assert!(text.contains("except 1 commented-out line"), "{text}");
        match q("providers.deploy.facts.x", Compare::Exists, false).judge(&d) {
            Outcome::Unknown(why) => assert_eq!(why, "the fact provider `deploy` failed: timed out after 10 s"),
            other => panic!("{other:?}"),
        }
        match q("providers.other.x", Compare::Exists, false).judge(&d) {
            Outcome::NotAssessed(why) => assert!(why.contains("--fact-provider other=PROGRAM"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
