//! Check packs: checks that teams add without recompiling, as TOML rules and Rego policies.
//!
//! A pack is a folder with a `pack.toml` (its name) and `*.toml` files of checks; a check is
//! either a declarative [`rule::Rule`] or a [`rego::Policy`]. Both judge the facts document
//! ([`crate::facts::doc`]) and nothing else, so a pack can never reach the disk or the network.
//! Content rules are the exception that proves it: their patterns run inside the audit's single
//! content scan and their hits come back as the document's `matches`.
//!
//! This module is pure: [`spec`] turns the texts of a pack into a [`Pack`] (or every problem,
//! with file, line and column), and a [`PackCheck`] judges a document. Reading a pack's folder is
//! I/O and lives in [`crate::facts::packs`]. Packs are loaded only from folders the user names
//! (`--checks DIR`, or a roadmap the user gives); never because an audited repository asks.

pub mod budget;
pub mod path;
pub mod rego;
pub mod rule;
pub mod spec;

use crate::check::{Check, Context, MetaOf, Origin, Source};
use crate::facts::scan::ContentPattern;
use crate::model::{Finding, Status};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A problem in a pack, at a position of one of its files.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: error: {}", self.file, self.line, self.column, self.message)
    }
}

/// A pack that does not load: every problem found, so a pack is fixed in one round.
#[derive(Debug, Clone, PartialEq)]
pub struct PackError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the check pack has {} error(s)", self.diagnostics.len())?;
        for d in &self.diagnostics {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PackError {}

/// What a check of a pack does.
#[derive(Debug, Clone)]
pub enum Body {
    Rule(rule::Rule),
    Policy(rego::Policy),
}

/// Optional sentences a pack's check says instead of the rule's own account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Messages {
    pub pass: Option<String>,
    pub partial: Option<String>,
    pub fail: Option<String>,
}

/// One check of a pack.
#[derive(Debug, Clone)]
pub struct PackCheck {
    pub id: String,
    pub title: String,
    pub source: Source,
    pub rationale: String,
    pub remediation: String,
    /// The roadmap item it belongs to, and its weight there, unless the roadmap says otherwise.
    pub item: String,
    pub weight: f64,
    /// Where the check and its `item` key are declared, for messages about them.
    pub file: String,
    pub line: u32,
    pub item_at: (u32, u32),
    pub pack: String,
    pub messages: Messages,
    /// Where the check applies; elsewhere it is `not_assessed`.
    pub when: Option<rule::Rule>,
    pub body: Body,
}

/// A loaded pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: Option<String>,
    /// The folder as the user gave it.
    pub dir: String,
    pub checks: Vec<PackCheck>,
    /// Advice that does not stop the pack (a Unicode `\b` that slows the scan down).
    pub warnings: Vec<Diagnostic>,
}

/// The checks of a pack as the engine sees them: metadata borrowed from the pack.
pub struct Loaded<'p> {
    meta: MetaOf<'p>,
    check: &'p PackCheck,
}

impl PackCheck {
    /// Judges the facts document (as JSON) with the limits of an audit.
    pub fn judge(&self, input: &Input) -> Finding {
        self.judge_with(input, rego::LIMITS).finding
    }

    /// Judges the facts document; what a policy printed comes back too (`maturity checks test`
    /// shows it).
    pub fn judge_with(&self, input: &Input, limits: rego::Limits) -> rego::Judged {
        let doc = &input.json;
        let missing = match self.source {
            Source::Aws if doc.get("cloud").is_none_or(Value::is_null) => {
                Some("the AWS account was not read (run the audit with --aws)")
            }
            Source::Url if doc.get("endpoints").is_none_or(Value::is_null) => {
                Some("no deployed endpoint was probed (run the audit with --url)")
            }
            _ => None,
        };
        if let Some(why) = missing {
            return rego::Judged { finding: Finding::not_assessed(why), prints: Vec::new() };
        }
        let applies = match self.when.as_ref().map(|w| w.judge(doc)) {
            None => None,
            Some(rule::Outcome::Scored { score, .. }) if score >= 1.0 - 1e-9 => None,
            Some(rule::Outcome::Scored { says, .. }) => {
                Some(Finding::not_assessed(format!("the check does not apply here: {}", says.join("; "))))
            }
            Some(rule::Outcome::Unknown(why)) => Some(Finding::unknown(why)),
            Some(rule::Outcome::NotAssessed(why)) => Some(Finding::not_assessed(why)),
        };
        if let Some(finding) = applies {
            return rego::Judged { finding, prints: Vec::new() };
        }
        match &self.body {
            Body::Rule(rule) => rego::Judged { finding: self.finding_of(rule.judge(doc)), prints: Vec::new() },
            Body::Policy(policy) => match input.rego() {
                Ok(value) => rego::judge(policy, value, limits),
                Err(why) => rego::Judged { finding: Finding::unknown(why), prints: Vec::new() },
            },
        }
    }

    fn finding_of(&self, outcome: rule::Outcome) -> Finding {
        match outcome {
            rule::Outcome::Unknown(why) => Finding::unknown(why),
            rule::Outcome::NotAssessed(why) => Finding::not_assessed(why),
            rule::Outcome::Scored { score, says, mut evidence } => {
                let told = says.join("; ");
                let (mut finding, custom) = if score >= 1.0 - 1e-9 {
                    (Finding::pass(&told), &self.messages.pass)
                } else if score <= 1e-9 {
                    (Finding::fail(&told), &self.messages.fail)
                } else {
                    (Finding::partial(score, &told), &self.messages.partial)
                };
                if let Some(m) = custom {
                    finding.message = Finding::pass(m).message;
                }
                if finding.status == Status::Fail {
                    evidence.clear();
                }
                evidence.truncate(rule::EVIDENCE_PER_CHECK);
                finding.with(evidence)
            }
        }
    }

    pub fn origin(&self) -> Origin {
        Origin::Pack { pack: self.pack.clone(), file: self.file.clone() }
    }
}

impl<'p> Loaded<'p> {
    pub fn new(check: &'p PackCheck) -> Self {
        let meta = MetaOf {
            id: &check.id,
            title: &check.title,
            source: check.source,
            // a pack's own question applies wherever the pack is used: its authors chose it
            applies: crate::Applies::Always,
            rationale: &check.rationale,
            remediation: &check.remediation,
        };
        Loaded { meta, check }
    }

    pub fn check(&self) -> &'p PackCheck {
        self.check
    }
}

impl Check for Loaded<'_> {
    fn meta(&self) -> &MetaOf<'_> {
        &self.meta
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        self.check.judge(&crate::facts::doc::input(cx.repo))
    }

    fn origin(&self) -> Origin {
        self.check.origin()
    }
}

/// The facts document as plugins get it: JSON for the rules, converted once for Rego.
pub struct Input {
    pub json: Value,
    rego: OnceLock<Result<regorus::Value, String>>,
}

impl Input {
    pub fn new(json: Value) -> Input {
        Input { json, rego: OnceLock::new() }
    }

    fn rego(&self) -> Result<&regorus::Value, String> {
        self.rego
            .get_or_init(|| {
                crate::facts::guard(|| rego::input(&self.json))
                    .map_err(|p| format!("the facts document could not be given to Rego: {p}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The packs of an audit, cheap to clone.
#[derive(Clone, Default)]
pub struct Packs(Arc<Vec<Pack>>);

impl Packs {
    pub fn new(packs: Vec<Pack>) -> Packs {
        Packs(Arc::new(packs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pack> {
        self.0.iter()
    }

    /// Every check of every pack.
    pub fn checks(&self) -> impl Iterator<Item = &PackCheck> {
        self.0.iter().flat_map(|p| &p.checks)
    }

    pub fn find(&self, id: &str) -> Option<&PackCheck> {
        self.checks().find(|c| c.id == id)
    }

    /// The content patterns of every check, for the scan.
    pub fn patterns(&self) -> Vec<ContentPattern> {
        let mut out = Vec::new();
        for c in self.checks() {
            if let Body::Rule(rule) = &c.body {
                for (id, regex, files) in rule.patterns() {
                    out.push(ContentPattern {
                        id: id.to_string(),
                        regex: regex.to_string(),
                        globs: files.globs.clone(),
                    });
                }
            }
        }
        out
    }
}

impl fmt::Debug for Packs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(|p| (&p.name, &p.dir))).finish()
    }
}

impl PartialEq for Packs {
    fn eq(&self, other: &Self) -> bool {
        let ids = |p: &Packs| -> Vec<(String, String, Vec<String>)> {
            p.iter().map(|x| (x.name.clone(), x.dir.clone(), x.checks.iter().map(|c| c.id.clone()).collect())).collect()
        };
        Arc::ptr_eq(&self.0, &other.0) || ids(self) == ids(other)
    }
}

/// What a roadmap's JSON says about the packs it was given: names, folders and check ids.
impl Serialize for Packs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Summary<'a> {
            name: &'a str,
            dir: &'a str,
            checks: Vec<&'a str>,
        }
        let list: Vec<Summary> = self
            .iter()
            .map(|p| Summary { name: &p.name, dir: &p.dir, checks: p.checks.iter().map(|c| c.id.as_str()).collect() })
            .collect();
        list.serialize(s)
    }
}
