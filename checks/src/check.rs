//! The one interface every check implements, and what a check may look at.
//!
//! A check has metadata (id, title, rationale, remediation) and a pure `evaluate` over
//! [`Context`]: facts already collected plus the roadmap's targets. It does no I/O and cannot:
//! file contents are only reachable through facts. A check answers one question and its id reads
//! as that question (`repo.ci.tests_run_on_pull_requests`).
//!
//! Built-in checks are unit structs whose metadata is `'static` ([`Meta`]); checks of a pack
//! loaded at run time ([`crate::plugin`]) borrow theirs from the loaded pack ([`MetaOf`]), so
//! both are `&dyn Check` to the engine and nothing is leaked. [`Origin`] says which is which.

use crate::facts::RepoFacts;
use crate::model::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a check's facts come from; a check whose source was not provided is `not_assessed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Repository,
    Aws,
    /// Deployed endpoints probed over HTTP (`--url`).
    Url,
}

/// What a check needs in order to apply.
///
/// Most questions apply to any repository (is there CI, are decisions recorded, is the API
/// versioned). Some are about running a service (a cluster, a database, autoscaling, costs): a
/// library or a tool has none to run. For those, when the project is a library and nothing the
/// item judges was found, the engine answers `not_assessed` with the reason the project was
/// classified so, instead of a fail. Evidence found anywhere is judged, library or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// To every repository.
    Always,
    /// To a project that runs as a service.
    Service,
}

/// What a check says about itself, borrowed for `'a`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetaOf<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub source: Source,
    pub applies: Applies,
    /// Why the question matters, in one or two sentences.
    pub rationale: &'a str,
    /// What to do when the answer is not `pass`.
    pub remediation: &'a str,
}

/// The metadata of a built-in check: compiled in.
pub type Meta = MetaOf<'static>;

pub trait Check: Send + Sync {
    /// Built-in checks return `&'static Meta`; a pack's check borrows from its pack.
    fn meta(&self) -> &MetaOf<'_>;
    fn evaluate(&self, cx: &Context) -> Finding;
    /// Where the check is defined.
    fn origin(&self) -> Origin {
        Origin::BuiltIn
    }
}

/// Where a check is defined: compiled into maturity, or in a check pack given at run time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    #[default]
    BuiltIn,
    /// A check of the pack `pack`, declared in `file` (the pack's folder as given, joined with the
    /// file name).
    Pack { pack: String, file: String },
}

impl Origin {
    pub fn is_built_in(&self) -> bool {
        matches!(self, Origin::BuiltIn)
    }

    /// `built in`, or `pack acme (checks/acme/deploy.toml)`.
    pub fn label(&self) -> String {
        match self {
            Origin::BuiltIn => "built in".to_string(),
            Origin::Pack { pack, file } => format!("pack {pack} ({file})"),
        }
    }
}

/// Numeric targets from the roadmap's success metrics, by measure id
/// (`coverage.line_percent` → 90).
#[derive(Debug, Clone, Default)]
pub struct Targets {
    values: HashMap<String, f64>,
    /// Measures whose target excludes its value (`> 90 %`: 90.0 does not reach it).
    exclusive: HashMap<String, bool>,
}

impl Targets {
    pub fn set(&mut self, measure: &str, value: f64) {
        self.values.insert(measure.to_string(), value);
    }

    /// Records whether reaching the target of `measure` means exceeding it (`>`) or meeting it
    /// (`>=`), as the roadmap's metric says.
    pub fn set_exclusive(&mut self, measure: &str, exclusive: bool) {
        self.exclusive.insert(measure.to_string(), exclusive);
    }

    /// The roadmap's target for `measure`, or `default` when the roadmap has none.
    pub fn get(&self, measure: &str, default: f64) -> f64 {
        self.values.get(measure).copied().unwrap_or(default)
    }

    /// Whether the target of `measure` excludes its value, `default` when the roadmap does not say.
    pub fn is_exclusive(&self, measure: &str, default: bool) -> bool {
        self.exclusive.get(measure).copied().unwrap_or(default)
    }

    /// Whether `value` reaches the target of a higher-is-better `measure`, with the same boundary
    /// as the roadmap's metric: above it for `>`, at or above it for `>=`.
    pub fn reached(&self, measure: &str, default: f64, default_exclusive: bool, value: f64) -> bool {
        let target = self.get(measure, default);
        if self.is_exclusive(measure, default_exclusive) { value > target } else { value >= target }
    }
}

/// What a check sees.
pub struct Context<'a> {
    pub repo: &'a RepoFacts,
    pub targets: &'a Targets,
}
