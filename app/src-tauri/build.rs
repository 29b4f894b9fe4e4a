//! Generates the permissions of the app's own commands (one `allow-<command>` per command), so
//! that `capabilities/` can grant exactly these and nothing else.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(maturity_app_commands())),
    )
    .expect("tauri build script");
}

/// Every command the frontend may invoke; keep in step with `src/commands.rs` (a test checks it).
fn maturity_app_commands() -> &'static [&'static str] {
    &[
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
    ]
}
