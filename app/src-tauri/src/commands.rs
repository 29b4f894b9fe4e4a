//! The Tauri commands: one line of translation each, over `api.rs`. Native dialogs and opening a
//! file happen here, in Rust, so the page itself holds no dialog, opener or file-system
//! permission: it can only call these commands (see `build.rs` and `capabilities/`).

use crate::api::{self, AuditDone, ExportFormat, StoreInfo};
use crate::error::{ApiError, ApiResult};
use crate::progress::AuditEvent;
use crate::state::AppState;
use maturity_core::dashboard::{Comparison, HistoryView, ItemView, PortfolioRow, ScorecardView};
use serde::Serialize;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// Runs blocking work (SQLite, the audit, a native dialog) off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new("internal", format!("the task failed: {e}")))?
}

fn cloned(state: &State<'_, AppState>) -> AppState {
    state.inner().clone()
}

#[tauri::command]
pub async fn store_info(state: State<'_, AppState>) -> ApiResult<StoreInfo> {
    let st = cloned(&state);
    blocking(move || Ok(api::store_info(&st))).await
}

#[tauri::command]
pub async fn open_store(state: State<'_, AppState>, path: String, read_only: bool) -> ApiResult<StoreInfo> {
    let st = cloned(&state);
    blocking(move || api::open_store(&st, &path, read_only)).await
}

#[tauri::command]
pub async fn choose_store_file(app: AppHandle) -> ApiResult<Option<String>> {
    blocking(move || {
        let picked =
            app.dialog().file().set_title("Choose a history store").add_filter("SQLite store", &["db", "sqlite"]);
        Ok(picked.blocking_pick_file().and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
    })
    .await
}

#[tauri::command]
pub async fn store_revision(state: State<'_, AppState>) -> ApiResult<Option<(i64, i64)>> {
    let st = cloned(&state);
    blocking(move || Ok(api::store_revision(&st))).await
}

#[tauri::command]
pub async fn portfolio(state: State<'_, AppState>) -> ApiResult<Vec<PortfolioRow>> {
    let st = cloned(&state);
    blocking(move || api::portfolio(&st)).await
}

#[tauri::command]
pub async fn scorecard(state: State<'_, AppState>, run_id: i64) -> ApiResult<ScorecardView> {
    let st = cloned(&state);
    blocking(move || api::scorecard(&st, run_id)).await
}

#[tauri::command]
pub async fn item_detail(state: State<'_, AppState>, run_id: i64, item: String) -> ApiResult<ItemView> {
    let st = cloned(&state);
    blocking(move || api::item_detail(&st, run_id, &item)).await
}

#[tauri::command]
pub async fn history(state: State<'_, AppState>, identity: String) -> ApiResult<HistoryView> {
    let st = cloned(&state);
    blocking(move || api::history(&st, &identity)).await
}

#[tauri::command]
pub async fn compare(state: State<'_, AppState>, before: i64, after: i64) -> ApiResult<Comparison> {
    let st = cloned(&state);
    blocking(move || api::compare(&st, before, after)).await
}

#[tauri::command]
pub async fn choose_folder(app: AppHandle) -> ApiResult<Option<String>> {
    blocking(move || {
        let picked = app.dialog().file().set_title("Choose a repository to audit").blocking_pick_folder();
        Ok(picked.and_then(|p| p.into_path().ok()).map(|p| p.display().to_string()))
    })
    .await
}

#[tauri::command]
pub async fn run_audit(
    state: State<'_, AppState>,
    path: String,
    aws_profile: Option<String>,
    on_event: Channel<AuditEvent>,
) -> ApiResult<AuditDone> {
    let st = cloned(&state);
    blocking(move || {
        let sink = move |e: AuditEvent| {
            // a closed window simply stops listening
            let _ = on_event.send(e);
        };
        api::run_audit(&st, &path, aws_profile.as_deref(), &sink)
    })
    .await
}

#[tauri::command]
pub async fn cancel_audit(state: State<'_, AppState>) -> ApiResult<bool> {
    Ok(api::cancel_audit(&state))
}

/// Exports a run to a file the user chooses (or into `MATURITY_APP_SAVE_DIR`); `None` when the
/// user closed the dialog.
#[tauri::command]
pub async fn export_run(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: i64,
    format: ExportFormat,
) -> ApiResult<Option<String>> {
    let st = cloned(&state);
    blocking(move || {
        let name = api::export_name(&st, run_id, format)?;
        let target: Option<PathBuf> = match &st.settings.save_dir {
            Some(dir) => Some(dir.join(&name)),
            None => {
                let (label, ext) = match format {
                    ExportFormat::Html => ("HTML readout", "html"),
                    ExportFormat::Json => ("JSON scorecard", "json"),
                };
                let dialog = app.dialog().file().set_title("Export").set_file_name(&name).add_filter(label, &[ext]);
                dialog.blocking_save_file().and_then(|p| p.into_path().ok())
            }
        };
        target.map(|path| api::export_run(&st, run_id, format, &path)).transpose()
    })
    .await
}

#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    pub path: String,
    pub line: Option<u32>,
}

/// Opens the file behind a piece of evidence (checked to be inside the audited repository).
#[tauri::command]
pub async fn open_evidence(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: i64,
    check: String,
    index: usize,
) -> ApiResult<Opened> {
    let st = cloned(&state);
    blocking(move || {
        let (path, line) = api::evidence_file(&st, run_id, &check, index)?;
        let shown = path.display().to_string();
        app.opener()
            .open_path(shown.clone(), st.settings.open_with.clone())
            .map_err(|e| ApiError::new("open_failed", format!("cannot open {shown}: {e}")))?;
        Ok(Opened { path: shown, line })
    })
    .await
}
