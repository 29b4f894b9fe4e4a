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
pub mod cargo;
pub mod ci;
pub mod compose;
pub mod doc;
pub mod docs;
pub mod files;
pub mod git;
pub mod k8s;
pub mod manifests;
pub mod memo;
pub mod packs;
pub mod perf;
pub mod probe;
pub mod project;
pub mod provider;
pub mod read;
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
    /// Content patterns of the loaded check packs, matched in the content scan.
    pub patterns: Vec<scan::ContentPattern>,
    /// How a Rust workspace at the root is read (see [`cargo`]).
    pub cargo: cargo::CargoOptions,
    /// Where facts are remembered between audits (see [`memo`]); `None` computes everything.
    pub memo: Option<PathBuf>,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            max_file_size: files::DEFAULT_MAX_FILE_SIZE,
            evidence: Vec::new(),
            patterns: Vec::new(),
            cargo: cargo::CargoOptions::default(),
            memo: None,
        }
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
    pub manifests: Collected<manifests::Manifests>,
    pub ci: Collected<ci::CiFacts>,
    pub reports: Collected<reports::Reports>,
    pub adr: Collected<adr::AdrFacts>,
    pub slo: Collected<slo::SloFacts>,
    pub k8s: Collected<k8s::K8sFacts>,
    pub tooling: Collected<tooling::Tooling>,
    pub terraform: Collected<terraform::TerraformFacts>,
    pub compose: Collected<compose::ComposeFacts>,
    pub config: Collected<appconfig::AppConfig>,
    pub docs: Collected<docs::DocsFacts>,
    pub project: Collected<project::Project>,
    /// Evidence patterns found in sources (see [`signals`]).
    pub scan: Collected<scan::ScanFacts>,
    pub perf: Collected<perf::PerfFacts>,
    /// Files that could not be read or parsed, sorted by path.
    pub problems: Vec<Problem>,
    /// The running system, when the audit was asked to look at it (`--aws`, `--url`).
    pub live: LiveFacts,
    /// What the external fact providers given on the command line printed.
    pub providers: Vec<provider::Output>,
    /// The facts document, built on first use by a check pack (see [`doc::input`]).
    pub(crate) plugin_input: std::sync::OnceLock<std::sync::Arc<crate::plugin::Input>>,
}

/// The facts of one collector, and why they are missing when the collector failed.
///
/// Reading them (through `Deref`) is recorded for the current thread, so the engine knows which
/// collectors a check looked at: a check that read the facts of a failed collector answers
/// `unknown` naming the failure, whatever it concluded from the empty facts (see [`track`]).
#[derive(Debug, Default)]
pub struct Collected<T> {
    value: T,
    name: &'static str,
    bit: u32,
    failure: Option<String>,
}

impl<T> Collected<T> {
    fn new(name: &'static str, bit: u32, value: T, failure: Option<String>) -> Self {
        Collected { value, name, bit, failure }
    }

    /// Why the collector gave no facts, when it failed.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<T> std::ops::Deref for Collected<T> {
    type Target = T;
    fn deref(&self) -> &T {
        touched::add(self.bit);
        &self.value
    }
}

impl<T> std::ops::DerefMut for Collected<T> {
    fn deref_mut(&mut self) -> &mut T {
        touched::add(self.bit);
        &mut self.value
    }
}

/// The collectors read on this thread since the last [`track`].
mod touched {
    use std::cell::Cell;
    thread_local! {
        static SET: Cell<u32> = const { Cell::new(0) };
    }
    pub fn add(bit: u32) {
        SET.with(|s| s.set(s.get() | bit));
    }
    pub fn take() -> u32 {
        SET.with(|s| s.replace(0))
    }
}

/// Runs `f` (a check) and returns what it gave with the failure of the first failed collector
/// whose facts it read, if any.
pub fn track<T>(repo: &RepoFacts, f: impl FnOnce() -> T) -> (T, Option<String>) {
    touched::take();
    let out = f();
    let read = touched::take();
    let failure = repo.failures().find(|(bit, _)| read & bit != 0).map(|(_, why)| why.to_string());
    (out, failure)
}

/// What the audit saw of the running system: `None` for a source that was not asked for, so its
/// checks answer `not_assessed`.
#[derive(Debug, Default)]
pub struct LiveFacts {
    pub aws: Option<aws::AwsFacts>,
    pub urls: Option<probe::ProbeFacts>,
}

impl RepoFacts {
    /// The collectors that failed, as (bit, reason).
    fn failures(&self) -> impl Iterator<Item = (u32, &str)> {
        let all: [(u32, Option<&str>); 14] = [
            (self.manifests.bit, self.manifests.failure()),
            (self.ci.bit, self.ci.failure()),
            (self.reports.bit, self.reports.failure()),
            (self.adr.bit, self.adr.failure()),
            (self.slo.bit, self.slo.failure()),
            (self.k8s.bit, self.k8s.failure()),
            (self.tooling.bit, self.tooling.failure()),
            (self.terraform.bit, self.terraform.failure()),
            (self.compose.bit, self.compose.failure()),
            (self.config.bit, self.config.failure()),
            (self.docs.bit, self.docs.failure()),
            (self.project.bit, self.project.failure()),
            (self.scan.bit, self.scan.failure()),
            (self.perf.bit, self.perf.failure()),
        ];
        all.into_iter().filter_map(|(bit, f)| f.map(|f| (bit, f)))
    }

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
    let memo = opts.memo.as_deref().and_then(|base| memo::Memo::for_repository(base, root));
    let (files, git) =
        rayon::join(|| FileIndex::walk(root, opts.max_file_size), || git::collect_with(root, memo.as_ref()));
    let files = files?;
    if progress.cancelled() {
        return Err(CollectError::Cancelled);
    }
    let wanted: Vec<usize> = (0..files.len()).filter(|&i| wanted(files.entry(i))).collect();
    progress.stage("Reading configuration files", Some(wanted.len() as u64));
    // cargo reads the workspace while the configuration files are read
    let cargo = std::thread::scope(|s| {
        let cargo = s.spawn(|| cargo::read(root, &files, &opts.cargo));
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
        cargo.join().unwrap_or_else(|_| Some(cargo::Outcome::Fallback("reading it with cargo failed".into())))
    });
    if progress.cancelled() {
        return Err(CollectError::Cancelled);
    }
    progress.stage("Parsing pipelines, reports and records", None);
    let facts = assemble(root.to_path_buf(), files, git, opts, memo.as_ref(), cargo.as_ref(), progress);
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
    opts: &CollectOptions,
    memo: Option<&memo::Memo>,
    cargo: Option<&cargo::Outcome>,
    progress: &dyn Progress,
) -> RepoFacts {
    let evidence = &opts.evidence;
    let mut problems = Vec::new();
    let mut g = Guarded { files: &files, problems: &mut problems, bit: 1 };
    let manifests = g.run("manifests", &[], |p| manifests::collect(&files, cargo, p));
    let ci = g.run("CI", &[&manifests], |p| ci::collect(&files, &manifests.value, p));
    let reports = g.run("reports", &[], |p| reports::collect(&files, evidence, p));
    let adr = g.run("decision records", &[], |_| adr::collect(&files));
    let slo = g.run("SLO", &[], |_| slo::collect(&files));
    let k8s = g.run("Kubernetes", &[], |p| k8s::collect(&files, p));
    let tooling = g.run("tooling", &[&manifests], |p| tooling::collect(&files, &manifests.value, p));
    let terraform = g.run("Terraform", &[], |p| terraform::collect(&files, p));
    let compose = g.run("compose", &[], |p| compose::collect(&files, p));
    let config = g.run("application configuration", &[], |p| appconfig::collect(&files, p));
    let docs = g.run("documentation", &[], |_| docs::collect(&files));
    let project = g.run("project kind", &[&manifests, &compose, &k8s, &terraform], |_| {
        project::detect(&files, &manifests.value, &compose.value, &k8s.value, &terraform.value)
    });
    // the scan reads what no collector read; it runs last so that nothing is read twice
    let scan = g.run("content scan", &[], |p| scan::scan_with(&files, &opts.patterns, memo, progress, p));
    let perf = g.run("performance", &[&scan], |p| perf::collect(&files, &scan.value, evidence, p));
    problems.extend(files.yaml_over_budget().map(|(path, err)| Problem::yaml(path, err)));
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
        providers: Vec::new(),
        plugin_input: std::sync::OnceLock::new(),
    }
}

/// Something a collector depends on, for the failure it inherits.
trait Input {
    fn failed(&self) -> Option<(&'static str, &str)>;
}

impl<T> Input for Collected<T> {
    fn failed(&self) -> Option<(&'static str, &str)> {
        self.failure().map(|f| (self.name, f))
    }
}

/// Runs collectors so that a panic costs the file it happened on, not the audit.
struct Guarded<'a> {
    files: &'a FileIndex,
    problems: &'a mut Vec<Problem>,
    /// The bit of the next collector in [`Collected`]'s read set.
    bit: u32,
}

/// A collector that fails on this many files in a row gives up.
const COLLECTOR_RETRIES: usize = 3;

impl Guarded<'_> {
    /// Runs collector `name`. When it panics, the file it was reading (the index remembers the last
    /// file each thread read) is quarantined, reported as a problem naming the collector, and the
    /// collector runs again without it. A collector that still fails (or fails on no particular
    /// file) gives empty facts that carry the failure, so the checks reading them say `unknown`.
    fn run<T: Default>(
        &mut self,
        name: &'static str,
        inputs: &[&dyn Input],
        f: impl Fn(&mut Vec<Problem>) -> T,
    ) -> Collected<T> {
        let bit = self.bit;
        self.bit <<= 1;
        for attempt in 0..=COLLECTOR_RETRIES {
            files::clear_last_read();
            let mut found = Vec::new();
            match guard(|| f(&mut found)) {
                Ok(value) => {
                    self.problems.append(&mut found);
                    let failure = inputs.iter().find_map(|i| i.failed()).map(|(input, why)| {
                        format!("the {name} facts depend on the {input} facts, which failed: {why}")
                    });
                    return Collected::new(name, bit, value, failure);
                }
                Err(panic) => {
                    let Some(i) = self.files.last_read_index().filter(|_| attempt < COLLECTOR_RETRIES) else {
                        let file =
                            self.files.last_read().map(|p| format!(" (last file read: `{p}`)")).unwrap_or_default();
                        return Collected::new(
                            name,
                            bit,
                            T::default(),
                            Some(format!("the {name} collector failed{file}: {panic}")),
                        );
                    };
                    self.files.quarantine(i);
                    self.problems.push(Problem {
                        path: self.files.entry(i).path.clone(),
                        line: None,
                        message: format!("the {name} collector failed on this file and skipped it: {panic}"),
                    });
                }
            }
        }
        unreachable!("the last attempt returns")
    }
}

impl RepoFacts {
    /// Facts over in-memory files, without git history: for tests of checks.
    pub fn from_memory(files: &[(&str, &str)]) -> RepoFacts {
        Self::from_memory_with(files, &CollectOptions::default())
    }

    /// Facts over in-memory files collected with `opts` (evidence paths are not read).
    pub fn from_memory_with(files: &[(&str, &str)], opts: &CollectOptions) -> RepoFacts {
        let git = git::GitFacts::none("in-memory test repository");
        assemble(PathBuf::from("/nonexistent"), FileIndex::from_memory(files), git, opts, None, None, &NoProgress)
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
///
/// The panic is reported where it is caught (a problem, an `unknown` finding), so the process's
/// panic hook stays quiet for it: the first call installs a hook that defers to the previous one
/// except inside a guard.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if GUARDED.with(|g| g.get()) == 0 {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unexpected panic".to_string())
    })
}

thread_local! {
    /// How many guards this thread is inside.
    static GUARDED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
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

    #[test]
    fn a_collector_that_panics_on_one_file_loses_that_file_only() {
        let files = FileIndex::from_memory(&[("a.md", "x"), ("i18n/монгол ᠮᠣᠩᠭᠣᠯ.md", "boom"), ("c.md", "z")]);
        let mut problems = Vec::new();
        let mut g = Guarded { files: &files, problems: &mut problems, bit: 1 };
        let counted = g.run("documentation", &[], |_| {
            (0..files.len())
                .filter(|&i| files.text(i).inspect(|t| assert_ne!(*t, "boom", "a parser bug")).is_some())
                .count()
        });
        assert_eq!((*counted, counted.failure()), (2, None), "the collector ran again without the file");
        // a collector that fails on no file in particular gives empty facts carrying the failure
        let failed = g.run("content scan", &[], |_| -> usize { panic!("не файл") });
        assert_eq!(*failed, 0);
        assert!(failed.failure().is_some_and(|f| f.contains("content scan") && f.contains("не файл")));
        let dependent = g.run("performance", &[&failed], |_| 7usize);
        assert!(dependent.failure().is_some_and(|f| f.contains("depend on the content scan")));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "i18n/монгол ᠮᠣᠩᠭᠣᠯ.md");
        assert!(problems[0].message.contains("documentation collector failed"), "{}", problems[0].message);
        let bad = files.find("i18n/монгол ᠮᠣᠩᠭᠣᠯ.md").unwrap();
        assert_eq!(files.text(bad), None, "quarantined for the rest of the audit");
    }

    #[test]
    fn reading_facts_of_a_failed_collector_is_tracked() {
        let mut repo = RepoFacts::from_memory(&[("README.md", "# x\n")]);
        repo.ci.failure = Some("the CI collector failed: boom".into());
        let (n, failure) = track(&repo, || repo.ci.pipelines.len());
        assert_eq!((n, failure.as_deref()), (0, Some("the CI collector failed: boom")));
        let (_, failure) = track(&repo, || repo.docs.docs.len());
        assert_eq!(failure, None, "only what a check reads counts");
    }
}
