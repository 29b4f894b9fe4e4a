//! Facts: everything the checks judge, collected from the repository in one pass.
//!
//! This is the only part of the crate that does I/O. [`collect`] walks the tree once (in
//! parallel with reading git history), reads the files that collectors care about in parallel
//! (each at most once, through the [`files::FileIndex`] cache), and parses them into typed facts:
//! manifests, CI pipelines, coverage and scan reports, ADRs and SLOs. Collectors never decide
//! pass or fail; a file they cannot parse becomes a [`Problem`] so that the check depending on it
//! can say `unknown` and why.

pub mod adr;
pub mod appconfig;
pub mod aws;
pub mod ci;
pub mod compose;
pub mod docs;
pub mod files;
pub mod git;
pub mod k8s;
pub mod manifests;
pub mod perf;
pub mod probe;
pub mod project;
pub mod reports;
pub mod scan;
pub mod signals;
pub mod slo;
pub mod terraform;
pub mod tooling;
pub mod xml;
pub mod yaml;

use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use files::{FileIndex, Location};

/// A file a collector could not read or parse.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl Problem {
    /// A YAML file that does not parse, at the line the parser stopped.
    pub(crate) fn yaml(path: impl Into<String>, err: &yaml::YamlError) -> Problem {
        Problem { path: path.into(), line: Some(err.line), message: format!("invalid YAML: {}", err.message) }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Kinds of evidence files a user can pass with `--evidence KIND=PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    Coverage,
    Sarif,
    Trivy,
    K6,
    Gatling,
    Lighthouse,
    Metrics,
}

impl EvidenceKind {
    pub const ALL: &'static [(&'static str, EvidenceKind, &'static str)] = &[
        ("coverage", EvidenceKind::Coverage, "Clover, Cobertura, lcov, JaCoCo, Istanbul summary or Go cover profile"),
        ("sarif", EvidenceKind::Sarif, "SARIF 2.1.0 results of a security scanner"),
        ("trivy", EvidenceKind::Trivy, "Trivy JSON report (--format json)"),
        ("k6", EvidenceKind::K6, "k6 summary JSON (--summary-export or handleSummary)"),
        ("gatling", EvidenceKind::Gatling, "Gatling stats.json or global_stats.json"),
        ("lighthouse", EvidenceKind::Lighthouse, "Lighthouse JSON report"),
        ("metrics", EvidenceKind::Metrics, "metrics evidence file (TOML, see the README)"),
    ];
}

impl FromStr for EvidenceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EvidenceKind::ALL.iter().find(|(name, _, _)| name.eq_ignore_ascii_case(s)).map(|(_, k, _)| *k).ok_or_else(
            || {
                let names: Vec<&str> = EvidenceKind::ALL.iter().map(|(n, _, _)| *n).collect();
                format!("unknown evidence kind `{s}` (expected one of: {})", names.join(", "))
            },
        )
    }
}

/// An evidence file given by the user.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceInput {
    pub kind: EvidenceKind,
    pub path: PathBuf,
}

impl FromStr for EvidenceInput {
    type Err = String;
    /// Parses `KIND=PATH`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, path) =
            s.split_once('=').ok_or_else(|| format!("`{s}`: expected KIND=PATH, e.g. coverage=build/clover.xml"))?;
        if path.is_empty() {
            return Err(format!("`{s}`: the path is empty"));
        }
        Ok(EvidenceInput { kind: kind.parse()?, path: PathBuf::from(path) })
    }
}

#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub max_file_size: u64,
    pub evidence: Vec<EvidenceInput>,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions { max_file_size: files::DEFAULT_MAX_FILE_SIZE, evidence: Vec::new() }
    }
}

/// Receives progress while facts are collected (a progress bar in the CLI, events in the app).
pub trait Progress: Sync {
    /// A new stage starts; `total` is the number of units it will report, when known.
    fn stage(&self, _name: &str, _total: Option<u64>) {}
    fn advance(&self, _n: u64) {}
    /// Whether the caller wants the work abandoned; polled between stages and files, so a cancel
    /// takes effect within one file's read. The CLI never cancels.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Everything known about the audited repository.
pub struct RepoFacts {
    pub root: PathBuf,
    pub files: FileIndex,
    pub git: git::GitFacts,
    pub manifests: manifests::Manifests,
    pub ci: ci::CiFacts,
    pub reports: reports::Reports,
    pub adr: adr::AdrFacts,
    pub slo: slo::SloFacts,
    pub k8s: k8s::K8sFacts,
    pub tooling: tooling::Tooling,
    pub terraform: terraform::TerraformFacts,
    pub compose: compose::ComposeFacts,
    pub config: appconfig::AppConfig,
    pub docs: docs::DocsFacts,
    pub project: project::Project,
    /// Evidence patterns found in sources (see [`signals`]).
    pub scan: scan::ScanFacts,
    pub perf: perf::PerfFacts,
    /// Files that could not be read or parsed, sorted by path.
    pub problems: Vec<Problem>,
    /// The running system, when the audit was asked to look at it (`--aws`, `--url`).
    pub live: LiveFacts,
}

/// What the audit saw of the running system: `None` for a source that was not asked for, so its
/// checks answer `not_assessed`.
#[derive(Debug, Default)]
pub struct LiveFacts {
    pub aws: Option<aws::AwsFacts>,
    pub urls: Option<probe::ProbeFacts>,
}

impl RepoFacts {
    /// Problems in files whose path satisfies `pred`.
    pub fn problems_in<'a>(&'a self, pred: impl Fn(&str) -> bool + 'a) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| pred(&p.path))
    }
}

/// Fatal problems: the audited path itself is unusable.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("cannot audit {0}")]
    Walk(#[from] files::WalkError),
    #[error("the audit was cancelled")]
    Cancelled,
}

/// Files worth reading before the collectors run, so that reading happens in parallel.
fn wanted(e: &files::FileEntry) -> bool {
    if matches!(e.location, Location::Vendored) {
        return false;
    }
    let n = e.name().to_ascii_lowercase();
    n.ends_with(".yml")
        || n.ends_with(".yaml")
        || n.ends_with(".md")
        || n.ends_with(".json")
        || n.ends_with(".toml")
        || n.ends_with(".xml")
        || n.ends_with(".sarif")
        || n.ends_with(".info")
        || n.starts_with("jenkinsfile")
        || n == "makefile"
        || n == "pipfile"
        || n == "go.mod"
        || n.ends_with(".txt") && n.starts_with("requirements")
        || n.ends_with(".gradle")
        || n.ends_with(".kts")
}

/// Collects the facts of the repository at `root`.
pub fn collect(root: &Path, opts: &CollectOptions, progress: &dyn Progress) -> Result<RepoFacts, CollectError> {
    progress.stage("Walking the tree and reading git history", None);
    let (files, git) = rayon::join(|| FileIndex::walk(root, opts.max_file_size), || git::collect(root));
    let files = files?;
    if progress.cancelled() {
        return Err(CollectError::Cancelled);
    }
    let wanted: Vec<usize> = (0..files.len()).filter(|&i| wanted(files.entry(i))).collect();
    progress.stage("Reading configuration files", Some(wanted.len() as u64));
    wanted.par_iter().for_each(|&i| {
        if progress.cancelled() {
            return;
        }
        let name = files.entry(i).name();
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            let _ = files.yaml(i);
        } else {
            let _ = files.text(i);
        }
        progress.advance(1);
    });
    if progress.cancelled() {
        return Err(CollectError::Cancelled);
    }
    progress.stage("Parsing pipelines, reports and records", None);
    let facts = assemble(root.to_path_buf(), files, git, &opts.evidence, progress);
    if progress.cancelled() {
        return Err(CollectError::Cancelled);
    }
    Ok(facts)
}

/// Runs the collectors over an index whose interesting files are (or will lazily be) read.
fn assemble(
    root: PathBuf,
    files: FileIndex,
    git: git::GitFacts,
    evidence: &[EvidenceInput],
    progress: &dyn Progress,
) -> RepoFacts {
    let mut problems = Vec::new();
    let manifests = manifests::collect(&files, &mut problems);
    let ci = ci::collect(&files, &manifests, &mut problems);
    let reports = reports::collect(&files, evidence, &mut problems);
    let adr = adr::collect(&files);
    let slo = slo::collect(&files);
    let k8s = k8s::collect(&files, &mut problems);
    let tooling = tooling::collect(&files, &manifests, &mut problems);
    let terraform = terraform::collect(&files, &mut problems);
    let compose = compose::collect(&files, &mut problems);
    let config = appconfig::collect(&files, &mut problems);
    let docs = docs::collect(&files);
    let project = project::detect(&files, &manifests, &compose, &k8s, &terraform);
    // the scan reads what no collector read; it runs last so that nothing is read twice
    let scan = scan::scan(&files, progress);
    let perf = perf::collect(&files, &scan, evidence, &mut problems);
    problems.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
    problems.dedup();
    RepoFacts {
        root,
        files,
        git,
        manifests,
        ci,
        reports,
        adr,
        slo,
        k8s,
        tooling,
        terraform,
        compose,
        config,
        docs,
        project,
        scan,
        perf,
        problems,
        live: LiveFacts::default(),
    }
}

impl RepoFacts {
    /// Facts over in-memory files, without git history: for tests of checks.
    pub fn from_memory(files: &[(&str, &str)]) -> RepoFacts {
        let git = git::GitFacts::none("in-memory test repository");
        assemble(PathBuf::from("/nonexistent"), FileIndex::from_memory(files), git, &[], &NoProgress)
    }
}

/// An error and every cause below it, joined by ": " (network errors hide the useful part,
/// "connection refused" or a certificate problem, a few sources down).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Runs `f`, turning a panic (a bug in a parser faced with hostile input) into an error message.
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unexpected panic".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Cancelled;
    impl Progress for Cancelled {
        fn cancelled(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_cancelled_collection_stops_with_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
        let result = collect(dir.path(), &CollectOptions::default(), &Cancelled);
        assert!(matches!(result, Err(CollectError::Cancelled)));
        assert!(collect(dir.path(), &CollectOptions::default(), &NoProgress).is_ok(), "the default never cancels");
    }

    #[test]
    fn evidence_inputs_parse() {
        let e: EvidenceInput = "coverage=build/logs/clover.xml".parse().unwrap();
        assert_eq!(e.kind, EvidenceKind::Coverage);
        assert_eq!(e.path, PathBuf::from("build/logs/clover.xml"));
        for bad in ["coverage", "nope=x", "sarif="] {
            assert!(bad.parse::<EvidenceInput>().is_err(), "{bad}");
        }
    }
}
