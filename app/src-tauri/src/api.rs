//! What each command does, without Tauri: the commands in `commands.rs` call these, and so do
//! the unit tests and the benchmark. Each is a thin step over `maturity-core`: take the store,
//! call the core function, map the error. No judgement, scoring or formatting happens here.

use crate::error::{ApiError, ApiResult};
use crate::progress::{AuditEvent, Reporter, Sink};
use crate::state::{AppState, Slot, open_slot};
use maturity_checks::facts::CollectError;
use maturity_checks::facts::aws::AwsOptions;
use maturity_core::audit::AuditError;
use maturity_core::dashboard::{self, Comparison, HistoryView, ItemView, PortfolioRow, ScorecardView};
use maturity_core::history::Store;
use maturity_core::report::{self, Format};
use maturity_core::scorecard::Scorecard;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreInfo {
    pub path: String,
    /// `ready`, `read_only` or `failed`.
    pub state: &'static str,
    pub error: Option<ApiError>,
    pub read_only_possible: bool,
    pub runs: i64,
}

pub fn store_info(state: &AppState) -> StoreInfo {
    match &*state.slot() {
        Slot::Open { store, read_only } => StoreInfo {
            path: store.path().display().to_string(),
            state: if *read_only { "read_only" } else { "ready" },
            error: None,
            read_only_possible: false,
            runs: store.revision().map(|r| r.0).unwrap_or(0),
        },
        Slot::Failed { path, error, read_only_possible } => StoreInfo {
            path: path.display().to_string(),
            state: "failed",
            error: Some(error.clone()),
            read_only_possible: *read_only_possible,
            runs: 0,
        },
    }
}

/// Switches to another store file (created if it does not exist, unless `read_only`).
pub fn open_store(state: &AppState, path: &str, read_only: bool) -> ApiResult<StoreInfo> {
    if path.trim().is_empty() {
        return Err(ApiError::new("bad_input", "give the path of a store file"));
    }
    if state.audit.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
        return Err(ApiError::new("busy", "an audit is running; wait for it or cancel it first"));
    }
    let slot = open_slot(Path::new(path.trim()), read_only);
    *state.slot() = slot;
    Ok(store_info(state))
}

/// Changes whenever a run is added (here or by the CLI); `None` when no store is open.
pub fn store_revision(state: &AppState) -> Option<(i64, i64)> {
    state.with_store(|s| Ok(s.revision()?)).ok()
}

pub fn portfolio(state: &AppState) -> ApiResult<Vec<PortfolioRow>> {
    state.with_store(|s| Ok(dashboard::portfolio(s)?))
}

fn load(store: &Store, run_id: i64) -> ApiResult<Scorecard> {
    store.scorecard(run_id)?.ok_or_else(|| ApiError::new("not_found", format!("there is no run {run_id} in the store")))
}

pub fn scorecard(state: &AppState, run_id: i64) -> ApiResult<ScorecardView> {
    state.with_store(|s| Ok(dashboard::scorecard(&load(s, run_id)?)))
}

pub fn item_detail(state: &AppState, run_id: i64, item: &str) -> ApiResult<ItemView> {
    state.with_store(|s| {
        dashboard::item(&load(s, run_id)?, item, Some(s))
            .ok_or_else(|| ApiError::new("not_found", format!("run {run_id} has no item {item}")))
    })
}

pub fn history(state: &AppState, identity: &str) -> ApiResult<HistoryView> {
    state.with_store(|s| Ok(dashboard::history(s, identity)?))
}

pub fn compare(state: &AppState, before: i64, after: i64) -> ApiResult<Comparison> {
    state.with_store(|s| Ok(dashboard::compare(&load(s, before)?, &load(s, after)?)))
}

/// The file behind a piece of evidence, inside the audited repository.
pub fn evidence_file(state: &AppState, run_id: i64, check: &str, index: usize) -> ApiResult<(PathBuf, Option<u32>)> {
    state.with_store(|s| {
        dashboard::evidence_file(&load(s, run_id)?, check, index).map_err(|m| ApiError::new("evidence_unavailable", m))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Html,
    Json,
}

/// The file name a save dialog proposes: `shop-run-12-readout.html`.
pub fn export_name(state: &AppState, run_id: i64, format: ExportFormat) -> ApiResult<String> {
    state.with_store(|s| {
        let card = load(s, run_id)?;
        let name: String = card
            .repository
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
            .collect();
        Ok(match format {
            ExportFormat::Html => format!("{name}-run-{run_id}-readout.html"),
            ExportFormat::Json => format!("{name}-run-{run_id}.json"),
        })
    })
}

/// Renders a stored run as the CLI's `report` command does (the readout with its history
/// charts, or the JSON document) and writes it to `path` atomically.
pub fn export_run(state: &AppState, run_id: i64, format: ExportFormat, path: &Path) -> ApiResult<String> {
    let text = state.with_store(|s| {
        let card = load(s, run_id)?;
        let rendered = match format {
            ExportFormat::Html => report::render_with_history(&card, Format::Html, &s.run_points(&card)),
            ExportFormat::Json => report::render(&card, Format::Json),
        };
        rendered.map_err(|e| ApiError::new("render_failed", e.to_string()))
    })?;
    // a device or folder at the chosen path is refused: it would be replaced by the rename below
    if path.exists() && !path.is_file() {
        return Err(ApiError::new("write_failed", format!("{} is not a regular file", path.display())));
    }
    let tmp = path.with_extension("tmp-maturity");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| ApiError::new("write_failed", format!("cannot write {}: {e}", path.display())))?;
    Ok(path.display().to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditDone {
    pub run_id: i64,
    pub identity: String,
    pub name: String,
    pub score_text: String,
    pub warnings: Vec<String>,
}

/// Clears the running audit's flag when the audit ends, however it ends.
struct Running<'a>(&'a AppState);
impl Drop for Running<'_> {
    fn drop(&mut self) {
        *self.0.audit.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Audits the folder at `path` as `maturity audit` does (its `.maturity.toml`, the roadmap it
/// names or the built-in one) and records the run in the store. One audit at a time. With an AWS
/// profile, the account it names is read too, as `maturity audit --aws --profile P` does (its
/// default region); the account's warnings (denied calls, no credentials) come back as warnings.
pub fn run_audit(state: &AppState, path: &str, aws_profile: Option<&str>, sink: Sink) -> ApiResult<AuditDone> {
    let live = match aws_profile.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => maturity_core::LiveOptions {
            aws: Some(AwsOptions { profile: Some(p.to_string()), ..AwsOptions::default() }),
            urls: None,
        },
        None => maturity_core::LiveOptions::default(),
    };
    state.with_store_mut(|_| Ok(()))?;
    let root =
        std::fs::canonicalize(path.trim()).map_err(|e| ApiError::new("bad_input", format!("{}: {e}", path.trim())))?;
    if !root.is_dir() {
        return Err(ApiError::new("bad_input", format!("{}: not a folder", root.display())));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.audit.lock().unwrap_or_else(|e| e.into_inner());
        if running.is_some() {
            return Err(ApiError::new("busy", "an audit is already running"));
        }
        *running = Some(cancel.clone());
    }
    let _running = Running(state);
    let mut warnings = Vec::new();
    let prepared = maturity_core::prepare::prepare(&root, Default::default(), &mut |w| {
        warnings.push(w.to_string());
        sink(AuditEvent::Warning { message: w.to_string() });
    })
    .map_err(|e| ApiError::new("bad_configuration", e.0))?;
    let reporter = Reporter::new(sink, &cancel);
    let mut card = maturity_core::audit_with(&root, &prepared.roadmap, &prepared.options, &live, &reporter).map_err(
        |e| match e {
            AuditError::Collect(CollectError::Cancelled) => ApiError::new("cancelled", "the audit was cancelled"),
            other => ApiError::new("audit_failed", other.to_string()),
        },
    )?;
    if cancel.load(Ordering::Relaxed) {
        return Err(ApiError::new("cancelled", "the audit was cancelled"));
    }
    for w in report::live::warnings(&card) {
        sink(AuditEvent::Warning { message: w.clone() });
        warnings.push(w);
    }
    let run_id = state.with_store_mut(|s| Ok(s.record(&mut card)?))?;
    Ok(AuditDone {
        run_id,
        identity: card.repository.identity.clone(),
        name: card.repository.name.clone(),
        score_text: report::view::score(Some(card.score)),
        warnings,
    })
}

/// Asks the running audit to stop; false when none is running.
pub fn cancel_audit(state: &AppState) -> bool {
    match &*state.audit.lock().unwrap_or_else(|e| e.into_inner()) {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}
