//! `maturity-app`: the desktop dashboard of the maturity scorecard.
//!
//! A thin shell over `maturity-core`, like the CLI: `api.rs` fetches from the same history store
//! and calls the same engine and view models, `commands.rs` exposes those functions to the page
//! (`app/ui`, static files), and nothing here scores, judges or formats. The page may call the
//! app's own commands and nothing else (`build.rs`, `capabilities/default.json`), under a strict
//! Content-Security-Policy (`tauri.conf.json`).

pub mod api;
pub mod commands;
pub mod error;
pub mod progress;
pub mod state;

/// The commands the page may call; `build.rs` lists the same names to generate their permissions.
pub const COMMANDS: &[&str] = &[
    "store_info",
    "open_store",
    "choose_store_file",
    "store_revision",
    "portfolio",
    "scorecard",
    "item_detail",
    "history",
    "compare",
    "choose_folder",
    "run_audit",
    "cancel_audit",
    "export_run",
    "open_evidence",
];

/// Starts the dashboard on the store named by `--store`, `MATURITY_STORE` or the default.
pub fn run() {
    let state = state::AppState::new(state::Settings::from_env(std::env::args().skip(1)));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::store_info,
            commands::open_store,
            commands::choose_store_file,
            commands::store_revision,
            commands::portfolio,
            commands::scorecard,
            commands::item_detail,
            commands::history,
            commands::compare,
            commands::choose_folder,
            commands::run_audit,
            commands::cancel_audit,
            commands::export_run,
            commands::open_evidence,
        ])
        .run(tauri::generate_context!())
        .expect("the dashboard could not start");
}
