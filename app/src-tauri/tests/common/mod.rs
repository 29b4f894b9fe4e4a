//! Helpers of the dashboard's integration tests: fixture repositories built in a temp dir (files
//! and commits through git2), a store filled the way the app and the CLI fill it (core's
//! `prepare`, `audit` and `Store::record`), and the tools the end-to-end tests need.

#![allow(dead_code)]

/// The WebDriver client is shared with the CLI's browser tests, and so is the way a test is
/// skipped when a tool is missing (visibly, and a failure in CI).
#[path = "../../../../cli/tests/common/skip.rs"]
pub mod skip;
#[path = "../../../../cli/tests/common/webdriver.rs"]
pub mod webdriver;

use maturity_checks::facts::NoProgress;
use maturity_core::history::Store;
use std::path::{Path, PathBuf};

pub fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// Commits every file of the work tree.
pub fn commit_all(repo: &git2::Repository, message: &str, time: i64) {
    let mut index = repo.index().unwrap();
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(time, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap();
}

/// A git repository at `root` with these files in one commit, and a remote named `remote`.
pub fn repo(root: &Path, files: &[(&str, &str)], remote: Option<&str>) -> git2::Repository {
    std::fs::create_dir_all(root).unwrap();
    let repo = git2::Repository::init(root).unwrap();
    if let Some(url) = remote {
        repo.remote("origin", url).unwrap();
    }
    for (p, t) in files {
        write(root, p, t);
    }
    commit_all(&repo, "first", 1_700_000_000);
    repo
}

/// Audits `root` and records the run, as the app's Run view and `maturity audit` do.
pub fn record(store: &mut Store, root: &Path) -> i64 {
    let prepared = maturity_core::prepare::prepare(root, Default::default(), &mut |_| {}).unwrap();
    let mut card = maturity_core::audit(root, &prepared.roadmap, &prepared.options, &NoProgress).unwrap();
    store.record(&mut card).unwrap()
}

pub const CI: (&str, &str) = (
    ".github/workflows/ci.yml",
    "name: CI\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: composer install\n      - run: vendor/bin/phpunit --coverage-clover build/logs/clover.xml\n      - run: composer audit\n",
);
pub const COMPOSER: (&str, &str) = (
    "composer.json",
    r#"{"name":"acme/shop","type":"project","require":{"php":">=8.2","symfony/framework-bundle":"^7.1"}}"#,
);
pub const ADR: (&str, &str) = (
    "docs/adr/0001-record-architecture-decisions.md",
    "# 1. Record architecture decisions\n\nDate: 2025-01-10\n\n## Status\n\nAccepted\n\n## Context\n\nWe need to record decisions.\n\n## Decision\n\nWe use ADRs.\n\n## Consequences\n\nSee Nygard.\n",
);

/// Whether a missing tool fails the test (CI) rather than skipping it.
pub fn required() -> bool {
    webdriver::required()
}

/// tauri-driver: on the PATH, or where `.ci/test` installs it.
pub fn tauri_driver() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tauri-driver")).find(|p| p.is_file()))
        .unwrap_or(None);
    let cached = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/maturity/tools/bin/tauri-driver"));
    on_path.or(cached.filter(|p| p.is_file()))
}

/// Everything an end-to-end test needs, or why it cannot run (a skip locally, a failure in CI).
pub fn e2e_tools() -> Option<PathBuf> {
    let missing = |what: &str| {
        skip::skipped(&format!("{what} is missing"));
        None
    };
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return missing("an X display (Xvfb, DISPLAY)");
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    if !on_path("WebKitWebDriver") {
        return missing("WebKitWebDriver (Debian package webkit2gtk-driver)");
    }
    match tauri_driver() {
        Some(p) => Some(p),
        None => missing("tauri-driver (cargo install tauri-driver)"),
    }
}
