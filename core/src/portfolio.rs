//! Auditing as a shell does it, for one repository or many: prepare, reuse the stored run when
//! nothing changed (see [`crate::reuse`]), else audit, then record. And the portfolio: the
//! outcome of auditing many repositories in one command, as a versioned document that the
//! reports render (`report::portfolio`).
//!
//! Scheduling (how many at once), progress display and cloning stay with the caller; this module
//! holds what every caller must do the same way, so a repository audited in a portfolio is judged,
//! reused and recorded exactly as one audited alone.

use crate::history::Store;
use crate::live::LiveOptions;
use crate::prepare::{self, Request};
use crate::reuse;
use crate::scorecard::Scorecard;
use maturity_checks::facts::Progress;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// Version of the portfolio document; bump on incompatible changes.
pub const SCHEMA: &str = "maturity.portfolio/v1";

/// The JSON Schema of [`Portfolio`].
pub const JSON_SCHEMA: &str = include_str!("../schema/portfolio.v1.json");

/// What the caller asks of every audit.
#[derive(Debug, Clone, Default)]
pub struct Settings<'a> {
    pub request: Request<'a>,
    pub live: LiveOptions,
    /// Audit again even when a stored run has the same fingerprint.
    pub fresh: bool,
}

/// One finished audit (computed or reused), recorded when a store was given.
#[derive(Debug, Clone)]
pub struct Audited {
    pub card: Scorecard,
    /// The run whose scorecard was reused, when nothing changed.
    pub reused_from: Option<i64>,
    /// A warning when the store could not record the run.
    pub store_error: Option<String>,
}

/// Why an audit did not happen.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct AuditFailure(pub String);

/// Audits the repository at `path`: prepare, look up an unchanged run, audit if there is none,
/// record. `store` is shared between the audits of a portfolio (a lock held only to read and
/// write, never while auditing).
pub fn audit_one(
    path: &Path,
    settings: &Settings,
    store: Option<&Mutex<Store>>,
    progress: &dyn Progress,
    warn: &mut dyn FnMut(&str),
) -> Result<Audited, AuditFailure> {
    if !path.is_dir() {
        // the caller names the repository
        return Err(AuditFailure("not a directory".into()));
    }
    let prepared = prepare::prepare(path, settings.request.clone(), warn).map_err(|e| AuditFailure(e.0))?;
    let fingerprint = (store.is_some() && reuse::reusable(&settings.live)).then(|| {
        progress.stage("Checking for changes", None);
        reuse::fingerprint(path, &prepared)
    });
    if let (Some(store), Some(fp), false) = (store, &fingerprint, settings.fresh) {
        let found = {
            let s = store.lock().unwrap_or_else(|p| p.into_inner());
            reuse::lookup(&s, fp).ok().flatten()
        };
        if let Some((id, stored)) = found {
            let mut card = reuse::reused(id, &stored, path);
            let reused_from = card.reused_from_run;
            let store_error = record(store, &mut card, Some(fp), Some((id, &stored)));
            return Ok(Audited { card, reused_from, store_error });
        }
    }
    let mut card = crate::audit_with(path, &prepared.roadmap, &prepared.options, &settings.live, progress)
        .map_err(|e| AuditFailure(e.to_string()))?;
    let store_error = store.and_then(|s| record(s, &mut card, fingerprint.as_ref(), None));
    Ok(Audited { card, reused_from: None, store_error })
}

fn record(
    store: &Mutex<Store>,
    card: &mut Scorecard,
    fp: Option<&reuse::Fingerprint>,
    known: Option<(i64, &Scorecard)>,
) -> Option<String> {
    let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
    s.record_with(card, fp, known).err().map(|e| e.to_string())
}

/// The portfolio document: every repository asked for, in the order given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Portfolio {
    pub schema: String,
    pub tool: crate::scorecard::ToolInfo,
    /// RFC 3339 time the last audit finished.
    pub generated_at: String,
    /// Wall time of the whole command, in milliseconds.
    pub duration_ms: u64,
    pub repositories: Vec<Entry>,
}

/// One repository of the portfolio: its scorecard in brief, or why it could not be audited.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The path or clone URL as listed (credentials removed).
    pub source: String,
    /// `audited`, `reused` or `failed`.
    pub outcome: Outcome,
    /// Why the audit failed.
    pub error: Option<String>,
    pub duration_ms: u64,
    pub name: Option<String>,
    pub identity: Option<String>,
    pub commit: Option<String>,
    pub score: Option<f64>,
    pub level: Option<u32>,
    pub level_name: Option<String>,
    /// Share (0–1) of the roadmap that could be assessed.
    pub coverage: Option<f64>,
    /// The run recorded in the store.
    pub run_id: Option<i64>,
    /// The run whose scorecard was reused.
    pub reused_from_run: Option<i64>,
    /// Change of the score since the previous stored run of the repository and roadmap.
    pub score_delta: Option<f64>,
    pub phases: Vec<PhaseStatus>,
    pub roadmap: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Audited,
    Reused,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Audited => "audited",
            Outcome::Reused => "reused",
            Outcome::Failed => "failed",
        }
    }
}

/// A phase of the roadmap for one repository: items done of all.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhaseStatus {
    pub number: u32,
    pub title: String,
    pub done: usize,
    pub items: usize,
    pub complete: bool,
}

impl Entry {
    /// The entry of a finished audit.
    pub fn from_audit(source: &str, audited: &Audited, duration_ms: u64) -> Entry {
        let c = &audited.card;
        Entry {
            source: source.to_string(),
            outcome: if audited.reused_from.is_some() { Outcome::Reused } else { Outcome::Audited },
            error: None,
            duration_ms,
            name: Some(c.repository.name.clone()),
            identity: Some(c.repository.identity.clone()),
            commit: c.repository.commit.clone(),
            score: Some(c.score),
            level: Some(c.level),
            level_name: Some(c.level_name.clone()),
            coverage: Some(c.coverage),
            run_id: c.run_id,
            reused_from_run: audited.reused_from,
            score_delta: c.change.as_ref().map(|d| d.score_delta),
            phases: c
                .phases
                .iter()
                .map(|p| PhaseStatus {
                    number: p.number,
                    title: p.title.clone(),
                    done: p.done,
                    items: p.items.len(),
                    complete: p.complete,
                })
                .collect(),
            roadmap: Some(c.roadmap.id.clone()),
        }
    }

    /// The entry of a repository that could not be audited.
    pub fn failed(source: &str, error: &str, duration_ms: u64) -> Entry {
        Entry {
            source: source.to_string(),
            outcome: Outcome::Failed,
            error: Some(error.to_string()),
            duration_ms,
            name: None,
            identity: None,
            commit: None,
            score: None,
            level: None,
            level_name: None,
            coverage: None,
            run_id: None,
            reused_from_run: None,
            score_delta: None,
            phases: Vec::new(),
            roadmap: None,
        }
    }

    /// The name to show: the repository's, else the source as listed.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.source)
    }
}

impl Portfolio {
    pub fn new(repositories: Vec<Entry>, started: Instant) -> Portfolio {
        Portfolio {
            schema: SCHEMA.into(),
            tool: crate::scorecard::ToolInfo { name: "maturity".into(), version: env!("CARGO_PKG_VERSION").into() },
            generated_at: jiff::Timestamp::now().to_string(),
            duration_ms: started.elapsed().as_millis() as u64,
            repositories,
        }
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.repositories.iter().filter(|e| e.outcome == outcome).count()
    }

    /// The most phases any repository's roadmap has (the columns of a table).
    pub fn phase_columns(&self) -> Vec<(u32, String)> {
        let mut cols: Vec<(u32, String)> = Vec::new();
        for e in &self.repositories {
            for p in &e.phases {
                if !cols.iter().any(|(n, _)| *n == p.number) {
                    cols.push((p.number, p.title.clone()));
                }
            }
        }
        cols.sort_by_key(|(n, _)| *n);
        cols
    }
}

/// `3/5` with a mark when the phase is complete, for tables.
pub fn phase_text(p: Option<&PhaseStatus>) -> String {
    match p {
        None => "–".into(),
        Some(p) if p.complete => format!("✓ {}/{}", p.done, p.items),
        Some(p) => format!("{}/{}", p.done, p.items),
    }
}

/// The score change as `+1.5`, `0.0`, or `new` for a first run.
pub fn delta_text(e: &Entry) -> String {
    match (e.outcome, e.score_delta) {
        (Outcome::Failed, _) => String::new(),
        (_, Some(d)) => format!("{d:+.1}"),
        (_, None) => "new".into(),
    }
}

/// A duration in milliseconds as `850 ms` or `12.3 s`.
pub fn duration_text(ms: u64) -> String {
    if ms < 1000 { format!("{ms} ms") } else { format!("{:.1} s", ms as f64 / 1000.0) }
}
