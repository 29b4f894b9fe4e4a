//! The audit engine: collect facts once, run every check the roadmap names once, measure the
//! success metrics, and score.
//!
//! [`audit`] does the I/O (through `maturity_checks::facts::collect`); [`evaluate`] is the pure
//! remainder, usable on hand-built facts. A check that panics becomes an `unknown` finding naming
//! the check, so one bug cannot take an audit (or its stored history) down.

use crate::config::{RepoConfig, Waiver};
use crate::roadmap::Roadmap;
use crate::scorecard::{
    AdrInfo, DeliverableInfo, DeliverySummary, DocumentInfo, FactsSummary, Inventory, MustPass, PackInfo, PartInfo,
    PipelineInfo, ProjectInfo, RepositoryInfo, RoadmapInfo, SCHEMA, ScanInfo, Scorecard, SloInfo, ToolInfo,
    WaiverState,
};
use crate::scoring;
use maturity_checks::facts::git::{GitState, canonical_remote};
use maturity_checks::facts::project::{Project, ProjectKind};
use maturity_checks::facts::{self, CollectError, CollectOptions, EvidenceInput, Progress, RepoFacts};
use maturity_checks::metrics::{self, Measurement};
use maturity_checks::model::Finding;
use maturity_checks::model::Status;
use maturity_checks::{Applies, Check, Context, Targets};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    pub evidence: Vec<EvidenceInput>,
    /// Files larger than this are not read (default 8 MiB).
    pub max_file_size: Option<u64>,
    pub policy: Policy,
    /// External fact providers to run after collection (`--fact-provider`).
    pub providers: Vec<maturity_checks::facts::provider::ProviderSpec>,
    /// Where the history and the content scan are remembered between audits, so a re-audit
    /// redoes only what changed; `None` computes everything.
    pub memo: Option<std::path::PathBuf>,
}

/// The folder facts are remembered in: `MATURITY_MEMO` (`off` for none), else `facts` in the
/// user's cache directory (`~/.cache/maturity/facts` on Linux).
pub fn default_memo_dir() -> Option<std::path::PathBuf> {
    match std::env::var_os("MATURITY_MEMO") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(v.into()),
        _ => directories::ProjectDirs::from("", "", "maturity").map(|d| d.cache_dir().join("facts")),
    }
}

/// What the repository's configuration asks of the verdicts: waivers and must-pass items, and
/// the day they are judged on (waiver expiry, schedule).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub waivers: Vec<Waiver>,
    pub must_pass: Vec<String>,
    /// What the project is, when the configuration says so (else it is inferred).
    pub kind: Option<ProjectKind>,
    /// Defaults to today (local time).
    pub today: Option<jiff::civil::Date>,
}

impl Policy {
    pub fn from_config(config: &RepoConfig) -> Policy {
        Policy { waivers: config.waivers.clone(), must_pass: config.must_pass.clone(), kind: config.kind, today: None }
    }

    fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Collect(#[from] CollectError),
}

/// Audits the repository at `root` against `roadmap`.
pub fn audit(
    root: &Path,
    roadmap: &Roadmap,
    opts: &AuditOptions,
    progress: &dyn Progress,
) -> Result<Scorecard, AuditError> {
    audit_with(root, roadmap, opts, &crate::live::LiveOptions::default(), progress)
}

/// Audits the repository at `root` and, as `live` asks, the AWS account and deployed endpoints.
pub fn audit_with(
    root: &Path,
    roadmap: &Roadmap,
    opts: &AuditOptions,
    live: &crate::live::LiveOptions,
    progress: &dyn Progress,
) -> Result<Scorecard, AuditError> {
    let started = Instant::now();
    let repo = collect(root, roadmap, opts, live, progress)?;
    progress.stage("Running checks", Some(roadmap.items.len() as u64));
    let mut card = evaluate(&repo, roadmap, &opts.policy, progress);
    card.repository.path = root.display().to_string();
    card.facts.duration_ms = started.elapsed().as_millis() as u64;
    Ok(card)
}

/// Collects everything an audit judges: the repository (with the content patterns of the
/// roadmap's check packs), the live sources `live` asks for, then the fact providers.
pub fn collect(
    root: &Path,
    roadmap: &Roadmap,
    opts: &AuditOptions,
    live: &crate::live::LiveOptions,
    progress: &dyn Progress,
) -> Result<RepoFacts, AuditError> {
    let collect = CollectOptions {
        max_file_size: opts.max_file_size.unwrap_or(facts::files::DEFAULT_MAX_FILE_SIZE),
        evidence: opts.evidence.clone(),
        patterns: roadmap.packs.patterns(),
        memo: opts.memo.clone(),
        ..CollectOptions::default()
    };
    let mut repo = facts::collect(root, &collect, progress)?;
    crate::live::collect(&mut repo, live, progress);
    if !opts.providers.is_empty() {
        progress.stage("Running fact providers", None);
        facts::provider::collect(&mut repo, &opts.providers);
    }
    Ok(repo)
}

/// The roadmap's targets, by measure id.
pub fn targets(roadmap: &Roadmap) -> Targets {
    let mut t = Targets::default();
    for m in &roadmap.metrics {
        if let Some(measure) = &m.measure {
            t.set(measure, m.target.value);
            t.set_exclusive(measure, matches!(m.target.op, crate::roadmap::Op::Gt | crate::roadmap::Op::Lt));
        }
    }
    t
}

/// Runs one check: a panic becomes `unknown` naming the check, and a check that read the facts of
/// a collector that failed answers `unknown` naming that failure, whatever it concluded from them.
fn run_check(check: &dyn Check, cx: &Context) -> Finding {
    let (result, failure) = facts::track(cx.repo, || facts::guard(|| check.evaluate(cx)));
    match (result, failure) {
        (Err(panic), _) => Finding::unknown(format!(
            "the check {} failed unexpectedly ({panic}); please report this as a bug",
            check.meta().id
        )),
        (Ok(_), Some(why)) => Finding::unknown(format!("{why}.")),
        (Ok(finding), None) => finding,
    }
}

/// What the project is: as the configuration says, else as the facts show.
fn project(repo: &RepoFacts, policy: &Policy) -> (Project, bool) {
    match policy.kind {
        Some(kind) => (
            Project { kind, reason: format!("{} sets `kind = \"{}\"`", crate::config::FILE_NAME, kind.as_str()) },
            true,
        ),
        None => ((*repo.project).clone(), false),
    }
}

/// Whether a check of the item found the item at work outside source code: configuration,
/// infrastructure, a report, the running system. A library's own source code implementing caching
/// or logging is its product, not a service it runs.
fn runs_a_service(item: &crate::roadmap::Item, findings: &HashMap<&str, (&dyn Check, Finding)>) -> bool {
    item.checks.iter().filter_map(|c| findings.get(c.id.as_str())).any(|(_, f)| {
        matches!(f.status, Status::Pass | Status::Partial) && f.evidence.iter().any(|e| !e.is_source_code())
    })
}

/// The source files where the item's checks found something, for the sentence that explains why
/// the item does not apply to a library anyway.
fn found_in_code(item: &crate::roadmap::Item, findings: &HashMap<&str, (&dyn Check, Finding)>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, f) in item.checks.iter().filter_map(|c| findings.get(c.id.as_str())) {
        if matches!(f.status, Status::Pass | Status::Partial) {
            for e in f.evidence.iter().filter(|e| e.is_source_code()) {
                let label = e.label();
                if !out.contains(&label) && out.len() < 3 {
                    out.push(label);
                }
            }
        }
    }
    out
}

/// A check about running a service, in an item that showed no service at work, does not apply
/// to a library: it becomes `not_assessed` with the reason the project is one (and, when the
/// checks found the library's own code, says so).
fn not_applicable(finding: &mut Finding, applies: Applies, (project, _): &(Project, bool), code: &[String]) {
    if applies != Applies::Service || project.kind != ProjectKind::Library || !finding.status.is_assessed() {
        return;
    }
    let what = if code.is_empty() {
        format!("nothing the item judges was found ({})", finding.message.trim_end_matches('.'))
    } else {
        format!("what was found is the library's own code, not a service it runs ({})", code.join(", "))
    };
    *finding = Finding::not_assessed(format!("this does not apply to a library or tool ({}): {what}", project.reason));
}

/// Applies an active waiver to a finding of `check` in `item`; returns the waiver's index.
fn waive(finding: &mut Finding, check: &str, item: &str, policy: &Policy, today: &str) -> Option<usize> {
    let (n, w) = policy
        .waivers
        .iter()
        .enumerate()
        .find(|(_, w)| (w.target == check || w.target == item) && w.is_active(today))?;
    if finding.status == maturity_checks::model::Status::Pass {
        return None;
    }
    let found = finding.message.trim_end_matches('.').to_string();
    finding.message = format!(
        "Waived by {} until {}: {}. The check found: {found}.",
        w.owner,
        w.expires,
        w.reason.trim_end_matches('.')
    );
    finding.status = maturity_checks::model::Status::Waived;
    finding.score = 0.0;
    Some(n)
}

/// Scores collected facts against the roadmap.
pub fn evaluate(repo: &RepoFacts, roadmap: &Roadmap, policy: &Policy, progress: &dyn Progress) -> Scorecard {
    let today = policy.today();
    let today_text = today.to_string();
    let mut applied: Vec<Vec<String>> = vec![Vec::new(); policy.waivers.len()];
    let targets = targets(roadmap);
    let cx = Context { repo, targets: &targets };
    let catalog = roadmap.catalog();
    // each check runs once, however many items name it
    let mut findings: HashMap<&str, (&dyn Check, Finding)> = HashMap::new();
    for item in &roadmap.items {
        for c in &item.checks {
            if findings.contains_key(c.id.as_str()) {
                continue;
            }
            let finding = match catalog.find(&c.id) {
                Some(check) => (check, run_check(check, &cx)),
                None => continue, // the roadmap was validated; unreachable for parsed roadmaps
            };
            findings.insert(c.id.as_str(), finding);
        }
        progress.advance(1);
    }
    let project = project(repo, policy);
    let items: Vec<_> = roadmap
        .items
        .iter()
        .map(|item| {
            // applicability and waivers are per item: the same check may apply, or be waived, in
            // one item and not in another
            let found = runs_a_service(item, &findings);
            let waived: Vec<(&dyn Check, Finding, f64)> = item
                .checks
                .iter()
                .filter_map(|c| {
                    let (check, finding) = findings.get(c.id.as_str())?;
                    let mut finding = finding.clone();
                    if !found {
                        not_applicable(&mut finding, check.meta().applies, &project, &found_in_code(item, &findings));
                    }
                    if let Some(n) = waive(&mut finding, &c.id, &item.id, policy, &today_text) {
                        applied[n].push(c.id.clone());
                    }
                    Some((*check, finding, c.weight))
                })
                .collect();
            let evaluated: Vec<scoring::Evaluated> = waived
                .iter()
                .map(|(check, finding, weight)| {
                    let meta = check.meta();
                    scoring::Evaluated {
                        id: meta.id,
                        title: meta.title,
                        remediation: meta.remediation,
                        weight: *weight,
                        finding,
                        origin: check.origin(),
                    }
                })
                .collect();
            scoring::item(item, &evaluated)
        })
        .collect();
    let measured: Vec<_> = roadmap
        .metrics
        .iter()
        .map(|m| {
            let measurement: Option<Measurement> =
                m.measure.as_deref().and_then(metrics::find).map(|x| (x.measure)(repo));
            scoring::metric(m, measurement.as_ref())
        })
        .collect();
    let areas = scoring::areas(roadmap, &items);
    let phases = scoring::phases(roadmap, &items);
    let (score, coverage) = scoring::overall(&items);
    let (level, level_name) = scoring::level(&phases);
    let schedule = crate::schedule::compute(roadmap, &items, today);
    let must_pass = policy
        .must_pass
        .iter()
        .filter_map(|id| items.iter().find(|i| &i.id == id))
        .map(|i| MustPass { item: i.id.clone(), status: i.status, ok: scoring::is_done(i.status) })
        .collect();
    let waivers = policy
        .waivers
        .iter()
        .zip(applied)
        .map(|(w, applied)| WaiverState {
            target: w.target.clone(),
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            expires: w.expires.clone(),
            active: w.is_active(&today_text),
            applied,
        })
        .collect::<Vec<_>>();
    let mut notes = notes(repo);
    for w in waivers.iter().filter(|w| !w.active) {
        notes.push(format!(
            "the waiver of {} expired on {} and no longer counts (owner: {})",
            w.target, w.expires, w.owner
        ));
    }
    Scorecard {
        schema: SCHEMA.to_string(),
        tool: ToolInfo { name: "maturity".into(), version: env!("CARGO_PKG_VERSION").into() },
        generated_at: jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or_else(|_| jiff::Timestamp::now())
            .to_string(),
        repository: repository_info(repo, &project),
        roadmap: RoadmapInfo {
            id: roadmap.id.clone(),
            title: roadmap.title.clone(),
            source: roadmap.source.clone(),
            hash: roadmap.hash.clone(),
            weeks: roadmap.weeks,
            start: roadmap.start.clone(),
            packs: roadmap
                .packs
                .iter()
                .map(|p| PackInfo {
                    name: p.name.clone(),
                    dir: p.dir.clone(),
                    checks: p.checks.iter().map(|c| c.id.clone()).collect(),
                })
                .collect(),
        },
        score,
        level,
        level_name,
        coverage,
        areas,
        phases,
        items,
        metrics: measured,
        facts: summary(repo),
        problems: repo.problems.clone(),
        notes,
        run_id: None,
        reused_from_run: None,
        schedule,
        waivers,
        must_pass,
        change: None,
        delivery: delivery_summary(repo),
        inventory: inventory(repo),
        deliverables: roadmap
            .deliverables
            .iter()
            .map(|d| DeliverableInfo {
                id: d.id.clone(),
                title: d.title.clone(),
                parts: d
                    .parts
                    .iter()
                    .map(|p| PartInfo { title: p.title.clone(), items: p.items.clone(), metrics: p.metrics.clone() })
                    .collect(),
            })
            .collect(),
        cloud: crate::live::cloud_info(repo, roadmap),
        endpoints: crate::live::endpoints(repo),
    }
}

fn inventory(repo: &RepoFacts) -> Inventory {
    use maturity_checks::facts::Location;
    let own = |l: Location| matches!(l, Location::Project | Location::Test);
    Inventory {
        pipelines: repo
            .ci
            .pipelines
            .iter()
            .map(|p| PipelineInfo {
                system: p.system.label().into(),
                path: p.path.clone(),
                jobs: p.jobs.len(),
                pull_requests: p.pr.runs(),
            })
            .collect(),
        scans: maturity_checks::repo::security::chosen_scans(repo)
            .iter()
            .map(|s| ScanInfo {
                path: s.path.clone(),
                tools: s.tools.clone(),
                critical: s.counts.critical,
                high: s.counts.high,
                medium: s.counts.medium,
                low: s.counts.low,
            })
            .collect(),
        adrs: repo
            .adr
            .records
            .iter()
            .map(|r| AdrInfo {
                path: r.path.clone(),
                title: r.title.clone().unwrap_or_else(|| r.path.clone()),
                status: r.status.clone().unwrap_or_else(|| "no status".into()),
                date: r.date.clone(),
            })
            .collect(),
        documents: repo
            .docs
            .docs
            .iter()
            .filter(|d| own(d.location))
            .map(|d| DocumentInfo { kind: d.kind.label().into(), path: d.path.clone(), title: d.title.clone() })
            .collect(),
        diagrams: repo.docs.diagrams.iter().filter(|(_, l)| own(*l)).map(|(p, _)| p.clone()).collect(),
        slos: maturity_checks::repo::slo::project_slos(repo)
            .iter()
            .map(|s| SloInfo {
                name: s.name.clone(),
                path: s.path.clone(),
                format: s.format.label().into(),
                objective: s.objective,
                threshold_ms: s.threshold_ms,
            })
            .collect(),
    }
}

fn delivery_summary(repo: &RepoFacts) -> DeliverySummary {
    let d = metrics::delivery(repo);
    let head = repo.git.commits.first().map(|c| c.commit_time).unwrap_or(0);
    let since = head - d.window_days * 86_400;
    let window: Vec<_> = repo.git.commits.iter().take_while(|c| c.commit_time >= since).collect();
    let mut authors: Vec<&str> = window.iter().map(|c| c.author.as_str()).collect();
    authors.sort_unstable();
    authors.dedup();
    let mut lines = metrics::describe_delivery(&d);
    if !window.is_empty() {
        lines.insert(
            0,
            format!(
                "{} commits by {} people in the last {} days of history",
                window.len(),
                authors.len(),
                d.window_days
            ),
        );
    }
    if repo.git.shallow {
        lines.push("the clone is shallow, so history figures are lower bounds".into());
    }
    DeliverySummary {
        window_days: d.window_days,
        commits: window.len(),
        contributors: authors.len(),
        lead_time_days: d.lead_time_days.map(|(v, _)| (v * 100.0).round() / 100.0),
        merged_changes: d.lead_time_days.map(|(_, n)| n).unwrap_or(repo.git.changes.len()),
        releases: d.deploys_per_week.map(|(_, n)| n).unwrap_or(0),
        releases_per_week: d.deploys_per_week.map(|(v, _)| (v * 100.0).round() / 100.0),
        change_failure_rate: d.change_failure_rate.map(|(v, _)| (v * 1000.0).round() / 1000.0),
        lines,
    }
}

fn repository_info(repo: &RepoFacts, (project, configured): &(Project, bool)) -> RepositoryInfo {
    let git = &repo.git;
    let remote = git.main_remote().and_then(|r| canonical_remote(&r.url));
    // absolute, so a stored run can locate its evidence whatever directory it was audited from
    let abs = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    let dir_name = abs
        .file_name()
        .or_else(|| repo.root.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| repo.root.display().to_string());
    let name = remote.as_deref().and_then(|r| r.rsplit('/').next()).map(str::to_string).unwrap_or(dir_name);
    let identity = remote.clone().unwrap_or_else(|| format!("path:{}", abs.display()));
    RepositoryInfo {
        path: abs.display().to_string(),
        identity,
        name,
        remote,
        commit: git.head.clone(),
        branch: git.branch.clone(),
        git: match git.state {
            GitState::NoRepository => "none",
            GitState::Empty => "empty",
            GitState::Repository => "repository",
        }
        .into(),
        shallow: git.shallow,
        commits: git.commit_count,
        project: Some(ProjectInfo {
            kind: project.kind.as_str().to_string(),
            reason: project.reason.clone(),
            configured: *configured,
        }),
    }
}

fn summary(repo: &RepoFacts) -> FactsSummary {
    let s = repo.files.stats();
    FactsSummary {
        files: s.files,
        bytes: s.bytes,
        skipped_large: s.skipped_large,
        skipped_binary: s.skipped_binary,
        skipped_symlinks: s.skipped_symlinks,
        non_utf8_paths: s.non_utf8_paths,
        unreadable: s.unreadable,
        ci_systems: repo.ci.systems().iter().map(|s| s.label().to_string()).collect(),
        pipelines: repo.ci.pipelines.len(),
        ecosystems: repo.manifests.ecosystems().iter().map(|e| e.as_str().to_string()).collect(),
        adr_records: repo.adr.records.len(),
        slos: repo.slo.slos.len(),
        coverage_reports: repo.reports.coverage.len(),
        scan_reports: repo.reports.scans.len(),
        duration_ms: 0,
    }
}

fn notes(repo: &RepoFacts) -> Vec<String> {
    let mut out: Vec<String> = repo.git.notes.clone();
    let s = repo.files.stats();
    if s.skipped_large > 0 {
        out.push(format!("{} file(s) larger than the size limit were not read", s.skipped_large));
    }
    if s.skipped_symlinks > 0 {
        out.push(format!("{} symbolic link(s) were not followed", s.skipped_symlinks));
    }
    if !repo.reports.ignored.is_empty() {
        out.push(format!(
            "{} report file(s) under test fixtures, examples or vendored code were not used as evidence",
            repo.reports.ignored.len()
        ));
    }
    for u in &repo.ci.unresolved {
        out.push(format!("not followed (outside the repository): {u}"));
    }
    for p in &repo.providers {
        if let Err(e) = &p.result {
            out.push(format!("the fact provider `{}` failed: {e}", p.name));
        }
    }
    out.extend(repo.manifests.notes.iter().cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use maturity_checks::facts::NoProgress;
    use maturity_checks::model::Status;

    /// The seed's "> 90 %" coverage: 90.0 misses it for the check as for the metric.
    #[test]
    fn coverage_at_the_target_is_judged_alike_by_check_and_metric() {
        let roadmap = Roadmap::default_roadmap();
        let t = targets(&roadmap);
        let metric = roadmap.metrics.iter().find(|m| m.measure.as_deref() == Some("coverage.line_percent")).unwrap();
        for (value, met) in [(90.0, false), (90.1, true)] {
            assert_eq!(metric.target.op.holds(value, metric.target.value), met, "metric at {value}");
            assert_eq!(t.reached("coverage.line_percent", 0.0, false, value), met, "check at {value}");
        }
    }

    #[test]
    fn an_empty_repository_scores_zero_without_failing_unassessable_items() {
        let repo = RepoFacts::from_memory(&[]);
        let card = evaluate(&repo, &Roadmap::default_roadmap(), &Policy::default(), &NoProgress);
        assert_eq!(card.items.len(), 22);
        assert_eq!(card.level, 0);
        assert_eq!(card.score, 0.0);
        let coverage = card.item("6.2").unwrap();
        let meets = coverage.checks.iter().find(|c| c.id == "repo.coverage.meets_target").unwrap();
        assert_eq!(meets.status, Status::NotAssessed);
        assert_eq!(card.item("1.1").unwrap().status, Status::NotAssessed);
        let m = card.metrics.iter().find(|m| m.id == "test-coverage").unwrap();
        assert_eq!(m.status, Status::NotAssessed);
        assert!(m.message.contains("--evidence coverage=PATH"));
    }

    #[test]
    fn a_well_run_repository_passes_what_it_shows() {
        let repo = RepoFacts::from_memory(&[
            (
                ".github/workflows/ci.yml",
                "on:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  test:\n    steps:\n      - run: vendor/bin/phpunit --coverage-clover build/logs/clover.xml\n      - run: composer audit\n      - uses: github/codeql-action/analyze@v3\n  deploy:\n    if: github.ref == 'refs/heads/main'\n    environment: production\n    steps:\n      - run: helm upgrade --install shop ./chart\n",
            ),
            (
                "build/logs/clover.xml",
                r#"<coverage><project><metrics statements="100" coveredstatements="95"/></project></coverage>"#,
            ),
            ("composer.json", r#"{"require":{"symfony/framework-bundle":"^7"}}"#),
            (".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: composer\n    directory: /\n"),
        ]);
        let card = evaluate(&repo, &Roadmap::default_roadmap(), &Policy::default(), &NoProgress);
        assert_eq!(card.item("6.1").unwrap().status, Status::Pass);
        let check = |id: &str| card.items.iter().flat_map(|i| &i.checks).find(|c| c.id == id).unwrap().status;
        for id in [
            "repo.coverage.collected_in_ci",
            "repo.coverage.meets_target",
            "repo.security.scanners_configured",
            "repo.security.dependency_updates_automated",
        ] {
            assert_eq!(check(id), Status::Pass, "{id}");
        }
        let security = card.item("4.2").unwrap();
        assert!(security.coverage < 1.0, "no scan report: the critical-vulnerability check is not assessed");
        let m = card.metrics.iter().find(|m| m.id == "test-coverage").unwrap();
        assert_eq!((m.status, m.value), (Status::Pass, Some(95.0)));
    }

    #[test]
    fn items_about_running_a_service_apply_to_a_library_only_when_something_was_found() {
        let library: &[(&str, &str)] = &[
            ("Cargo.toml", "[package]\nname = \"библиотека\"\n"),
            ("src/lib.rs", "pub fn f() {}\n"),
            // its own code that records traces is its product: tracing (3.1) does not apply
            ("src/otel.ts", "const sdk = new NodeSDK({});\n"),
            // a log shipper it deploys for itself is a service at work: logging (3.2) is judged
            ("deploy/fluent-bit.conf", "[OUTPUT]\n    Name  es\n    Match *\n"),
        ];
        let repo = RepoFacts::from_memory(library);
        let card = evaluate(&repo, &Roadmap::default_roadmap(), &Policy::default(), &NoProgress);
        assert_eq!(card.repository.project.as_ref().map(|p| p.kind.as_str()), Some("library"));
        let status = |id: &str| card.item(id).unwrap().status;
        assert_eq!(status("1.1"), Status::NotAssessed, "nothing of a cluster: does not apply to a library");
        assert!(card.item("1.1").unwrap().checks[0].message.contains("does not apply to a library"));
        let tracing = card.item("3.1").unwrap();
        assert_eq!(tracing.status, Status::NotAssessed, "{tracing:#?}");
        assert!(tracing.checks[0].message.contains("the library's own code"), "{}", tracing.checks[0].message);
        let logging = card.item("3.2").unwrap();
        assert_ne!(logging.status, Status::NotAssessed, "a service at work found: judged, library or not");
        assert!(logging.checks.iter().any(|c| c.status == Status::Fail), "the rest of the item counts: {logging:#?}");
        assert_eq!(status("2.2"), Status::Fail, "architecture applies to any code");
        // the configuration decides over the inference
        let policy = Policy { kind: Some(ProjectKind::Service), ..Policy::default() };
        let card = evaluate(&repo, &Roadmap::default_roadmap(), &policy, &NoProgress);
        assert_eq!(card.item("1.1").unwrap().status, Status::Fail);
        let p = card.repository.project.unwrap();
        assert!(p.configured && p.kind == "service" && p.reason.contains(".maturity.toml"), "{p:?}");
    }
}
