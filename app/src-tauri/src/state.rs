//! The app's state: the history store it has open (or why it could not open it), the audit that
//! is running (so it can be cancelled), and the settings read at start.
//!
//! The store is the CLI's store: `--store PATH` on the command line, else `MATURITY_STORE`, else
//! the default file in the user's data directory (`maturity_core::history::default_path`). A
//! store that cannot be opened is kept as a failure with its reason, never recreated or
//! rewritten; the user chooses another one or opens it read-only.

use crate::error::{ApiError, ApiResult};
use maturity_core::history::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};

pub enum Slot {
    Open { store: Store, read_only: bool },
    Failed { path: PathBuf, error: ApiError, read_only_possible: bool },
}

/// Settings from the command line and the environment.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The store to open at start; `None` when no data directory is known and none was named.
    pub store: Option<PathBuf>,
    /// `MATURITY_APP_SAVE_DIR`: exports go to this folder without a save dialog (for automated
    /// tests, which cannot drive native dialogs).
    pub save_dir: Option<PathBuf>,
    /// `MATURITY_APP_OPEN_WITH`: the program evidence files are opened with (default: the
    /// desktop's handler for the file type).
    pub open_with: Option<String>,
}

impl Settings {
    /// Reads `--store PATH` (or `--store=PATH`) from `args` and the environment.
    pub fn from_env(args: impl IntoIterator<Item = String>) -> Settings {
        let mut store = None;
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            if a == "--store" {
                store = args.next().map(PathBuf::from);
            } else if let Some(v) = a.strip_prefix("--store=") {
                store = Some(PathBuf::from(v));
            }
        }
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        Settings {
            store: store.or_else(maturity_core::history::default_path),
            save_dir: var("MATURITY_APP_SAVE_DIR").map(PathBuf::from),
            open_with: var("MATURITY_APP_OPEN_WITH").map(|v| v.to_string_lossy().into_owned()),
        }
    }
}

pub struct Inner {
    pub slot: Mutex<Slot>,
    /// The cancel flag of the audit under way, if one is.
    pub audit: Mutex<Option<Arc<AtomicBool>>>,
    pub settings: Settings,
}

/// Cheap to clone: commands hand it to worker threads.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Opens a store for reading and writing (or only reading); on failure, says whether opening it
/// read-only would work.
pub fn open_slot(path: &Path, read_only: bool) -> Slot {
    let opened = if read_only { Store::open_read_only(path) } else { Store::open(path) };
    match opened {
        Ok(store) => Slot::Open { store, read_only },
        Err(e) => {
            let read_only_possible = !read_only && path.is_file() && Store::open_read_only(path).is_ok();
            Slot::Failed { path: path.to_path_buf(), error: e.into(), read_only_possible }
        }
    }
}

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        let slot = match &settings.store {
            Some(p) => open_slot(p, false),
            None => Slot::Failed {
                path: PathBuf::new(),
                error: ApiError::new(
                    "store_unavailable",
                    "no data directory is known for the history store; choose a store file",
                ),
                read_only_possible: false,
            },
        };
        AppState(Arc::new(Inner { slot: Mutex::new(slot), audit: Mutex::new(None), settings }))
    }

    pub fn slot(&self) -> MutexGuard<'_, Slot> {
        // a panic while holding the lock leaves the store itself consistent (SQLite transactions)
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` with the open store, or fails with the reason it is not open.
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> ApiResult<T>) -> ApiResult<T> {
        match &*self.slot() {
            Slot::Open { store, .. } => f(store),
            Slot::Failed { error, .. } => Err(error.clone()),
        }
    }

    /// Runs `f` with the store open for writing.
    pub fn with_store_mut<T>(&self, f: impl FnOnce(&mut Store) -> ApiResult<T>) -> ApiResult<T> {
        match &mut *self.slot() {
            Slot::Open { store, read_only: false } => f(store),
            Slot::Open { store, read_only: true } => Err(ApiError::new(
                "store_read_only",
                format!("{} is open read-only; open it normally to record audits", store.path().display()),
            )),
            Slot::Failed { error, .. } => Err(error.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_comes_from_the_command_line_first() {
        let args = |a: &[&str]| Settings::from_env(a.iter().map(|s| s.to_string())).store;
        assert_eq!(args(&["--store", "/tmp/a.db"]), Some(PathBuf::from("/tmp/a.db")));
        assert_eq!(args(&["--store=/tmp/b.db"]), Some(PathBuf::from("/tmp/b.db")));
        // otherwise the CLI's default (MATURITY_STORE, else the data directory)
        assert_eq!(args(&[]), maturity_core::history::default_path());
    }
}
