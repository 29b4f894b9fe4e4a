//! Helpers shared by the CLI's integration tests: fixture repositories built in a temp dir
//! (files plus commits through git2) and a runner for the real binary.

#![allow(dead_code)]

pub mod skip;
pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A directory with these files and no git repository.
    pub fn plain(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            write(dir.path(), path, text.as_bytes());
        }
        Fixture { dir }
    }

    /// A git repository where each file set is one commit (at one-day intervals).
    pub fn repo(commits: &[&[(&str, &str)]]) -> Fixture {
        let f = Fixture::plain(&[]);
        let repo = git2::Repository::init(f.path()).unwrap();
        for (n, files) in commits.iter().enumerate() {
            for (path, text) in files.iter() {
                write(f.path(), path, text.as_bytes());
            }
            commit_all(&repo, &format!("commit {n}"), 1_700_000_000 + n as i64 * 86_400);
        }
        f
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
}

pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

pub fn commit_all(repo: &git2::Repository, message: &str, time: i64) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(time, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
}

/// Runs `maturity` with these arguments (no colour, no progress unless asked).
pub fn maturity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maturity")).args(args).env_remove("NO_COLOR").output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small but realistic Symfony-style repository that does most things right.
pub const WELL_RUN: &[(&str, &str)] = &[
    (
        ".github/workflows/ci.yml",
        "name: CI\non:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: composer install\n      - run: XDEBUG_MODE=coverage vendor/bin/phpunit --coverage-clover build/logs/clover.xml\n      - run: composer audit\n      - uses: github/codeql-action/analyze@v3\n  deploy:\n    if: github.ref == 'refs/heads/main'\n    environment: production\n    steps:\n      - run: helm upgrade --install shop ./chart\n",
    ),
    (
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: composer\n    directory: /\n    schedule: {interval: weekly}\n",
    ),
    (
        "composer.json",
        r#"{"name":"acme/shop","type":"project","require":{"php":">=8.2","symfony/framework-bundle":"^7.1"},"require-dev":{"phpunit/phpunit":"^11"}}"#,
    ),
    (
        "build/logs/clover.xml",
        r#"<?xml version="1.0"?><coverage generated="1"><project timestamp="1"><metrics files="10" statements="1000" coveredstatements="930"/></project></coverage>"#,
    ),
    (
        "docs/adr/0001-record-architecture-decisions.md",
        "# 1. Record architecture decisions\n\nDate: 2025-01-10\n\n## Status\n\nAccepted\n\n## Context\n\nWe need to record decisions.\n\n## Decision\n\nWe use ADRs.\n\n## Consequences\n\nSee Nygard.\n",
    ),
    (
        "slo/checkout.yml",
        "version: prometheus/v1\nservice: checkout\nslos:\n  - name: requests-availability\n    objective: 99.95\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))\n        total_query: sum(rate(http_requests_total[{{.window}}]))\n    alerting:\n      name: CheckoutAvailability\n  - name: requests-latency\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(http_request_duration_seconds_count[{{.window}}])) - sum(rate(http_request_duration_seconds_bucket{le=\"0.1\"}[{{.window}}]))\n        total_query: sum(rate(http_request_duration_seconds_count[{{.window}}]))\n    alerting:\n      name: CheckoutLatency\n",
    ),
    ("src/Kernel.php", "<?php\nnamespace App;\nclass Kernel {}\n"),
];
