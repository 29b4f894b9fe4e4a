//! The scorecard: the result of one audit, and the JSON contract other tools read.
//!
//! These types are serialised as the versioned JSON document (`schema` names the version; the
//! JSON Schema in `core/schema/` describes it and tests validate real output against it) and are
//! what the history stores. Field names are part of the contract: add, never rename.

use maturity_checks::facts::Problem;
use maturity_checks::model::{Evidence, Status};
use serde::{Deserialize, Serialize};

/// Version of the JSON document; bump the number on incompatible changes.
pub const SCHEMA: &str = "maturity.scorecard/v1";

/// The JSON Schema of [`Scorecard`].
pub const JSON_SCHEMA: &str = include_str!("../schema/scorecard.v1.json");

/// The JSON Schema of the facts document (`maturity facts PATH -f json`), which check packs read.
pub const FACTS_SCHEMA: &str = include_str!("../schema/facts.v1.json");

/// The JSON Schema of what an external fact provider prints.
pub const PROVIDER_SCHEMA: &str = include_str!("../schema/provider.v1.json");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Scorecard {
    pub schema: String,
    pub tool: ToolInfo,
    /// RFC 3339 time the audit finished.
    pub generated_at: String,
    pub repository: RepositoryInfo,
    pub roadmap: RoadmapInfo,
    /// Overall score, 0–100: weighted mean of the assessed items' scores.
    pub score: f64,
    /// Maturity level: number of the highest phase whose items are all done (0: none).
    pub level: u32,
    pub level_name: String,
    /// Share (0–1) of the roadmap's checks that could be assessed.
    pub coverage: f64,
    pub areas: Vec<AreaResult>,
    pub phases: Vec<PhaseResult>,
    pub items: Vec<ItemResult>,
    pub metrics: Vec<MetricResult>,
    pub facts: FactsSummary,
    /// Files that could not be read or parsed.
    pub problems: Vec<Problem>,
    pub notes: Vec<String>,
    /// Id of the run in the history store, once stored.
    #[serde(default)]
    pub run_id: Option<i64>,
    /// When nothing the audit depends on changed since a stored run, that run's scorecard is
    /// reused rather than computed again: the id of the run that was audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused_from_run: Option<i64>,
    /// Progress against the roadmap's weeks, when it has a start date.
    #[serde(default)]
    pub schedule: Option<crate::schedule::Schedule>,
    /// Waivers of `.maturity.toml`, active or expired.
    #[serde(default)]
    pub waivers: Vec<WaiverState>,
    /// Items the repository requires to pass.
    #[serde(default)]
    pub must_pass: Vec<MustPass>,
    /// What changed since the previous stored run of the same repository and roadmap.
    #[serde(default)]
    pub change: Option<Change>,
    /// Delivery figures estimated from git history.
    #[serde(default)]
    pub delivery: DeliverySummary,
    /// What the evidence consists of (pipelines, scan reports, decision records, documents, SLOs).
    #[serde(default)]
    pub inventory: Inventory,
    /// The roadmap's demo deliverables, which structure the leadership readout.
    #[serde(default)]
    pub deliverables: Vec<DeliverableInfo>,
    /// The AWS account read with `--aws`: who the audit ran as, where it looked, the calls that
    /// failed, and declared versus deployed resources per item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CloudInfo>,
    /// Deployed endpoints probed with `--url`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<EndpointInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CloudInfo {
    /// `aws`.
    pub provider: String,
    /// The account audited and the identity the calls were made as (`sts:GetCallerIdentity`).
    pub account: Option<String>,
    pub arn: Option<String>,
    pub regions: Vec<String>,
    /// The endpoint every call went to, when one was set (an emulator, a VPC endpoint).
    pub endpoint: Option<String>,
    /// Why the account could not be read at all, if so.
    pub error: Option<String>,
    /// Resources read.
    pub resources: usize,
    /// Calls made (all pages of a list count as one), and the sum of their durations.
    pub calls: usize,
    pub calls_ms: u64,
    /// Wall time of the inventory: less than `calls_ms` when calls overlapped.
    pub duration_ms: u64,
    pub failed_calls: Vec<FailedCall>,
    /// Declared (Terraform) versus deployed, per roadmap item.
    pub drift: Vec<ItemDrift>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailedCall {
    /// The IAM action (`rds:DescribeDBInstances`).
    pub operation: String,
    pub region: String,
    /// `denied`, `unsupported` or `failed`.
    pub outcome: String,
    /// What happened, as a sentence.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemDrift {
    pub item: String,
    pub kinds: Vec<maturity_checks::cloud::drift::KindDrift>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EndpointInfo {
    pub url: String,
    /// The address that answered after redirects.
    pub final_url: String,
    pub status: Option<u16>,
    pub https: bool,
    pub error: Option<String>,
    /// Average and 95th percentile of the timed requests, in milliseconds.
    pub avg_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub samples: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inventory {
    pub pipelines: Vec<PipelineInfo>,
    pub scans: Vec<ScanInfo>,
    pub adrs: Vec<AdrInfo>,
    pub documents: Vec<DocumentInfo>,
    pub diagrams: Vec<String>,
    pub slos: Vec<SloInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PipelineInfo {
    pub system: String,
    pub path: String,
    pub jobs: usize,
    pub pull_requests: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScanInfo {
    pub path: String,
    pub tools: Vec<String>,
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AdrInfo {
    pub path: String,
    pub title: String,
    pub status: String,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocumentInfo {
    pub kind: String,
    pub path: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SloInfo {
    pub name: String,
    pub path: String,
    pub format: String,
    pub objective: Option<f64>,
    pub threshold_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DeliverableInfo {
    pub id: String,
    pub title: String,
    pub parts: Vec<PartInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartInfo {
    pub title: String,
    pub items: Vec<String>,
    pub metrics: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WaiverState {
    pub target: String,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub active: bool,
    /// Checks the waiver was applied to.
    pub applied: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MustPass {
    pub item: String,
    pub status: Status,
    pub ok: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StatusChange {
    pub id: String,
    pub title: String,
    pub from: Status,
    pub to: Status,
    /// The item's score before and after.
    pub from_score: Option<f64>,
    pub to_score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckChange {
    pub item: String,
    pub id: String,
    pub from: Status,
    pub to: Status,
    /// The new finding.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Change {
    pub previous_run: Option<i64>,
    pub previous_at: String,
    pub previous_commit: Option<String>,
    pub score_delta: f64,
    pub level_delta: i64,
    pub coverage_delta: f64,
    pub items: Vec<StatusChange>,
    pub checks: Vec<CheckChange>,
    /// Items that became open (fail or partial).
    pub new_risks: Vec<String>,
    /// Items that were open and now pass or are waived.
    pub resolved_risks: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct DeliverySummary {
    pub window_days: i64,
    pub commits: usize,
    pub contributors: usize,
    pub lead_time_days: Option<f64>,
    pub merged_changes: usize,
    pub releases: usize,
    pub releases_per_week: Option<f64>,
    pub change_failure_rate: Option<f64>,
    /// Human-readable lines, each noting it is an estimate.
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RepositoryInfo {
    /// The audited path as given.
    pub path: String,
    /// What identifies the repository across runs: its canonical remote, else `path:` and its
    /// absolute path.
    #[serde(default)]
    pub identity: String,
    /// A short name: the remote's last segment or the directory name.
    pub name: String,
    /// Canonical remote (`github.com/owner/name`), when the repository has one.
    pub remote: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub git: String,
    pub shallow: bool,
    pub commits: usize,
    /// A service or a library, and why; stored runs from before it was recorded have none.
    #[serde(default)]
    pub project: Option<ProjectInfo>,
}

/// What the project was judged to be: items about running a service do not apply to a library
/// where nothing they judge exists.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProjectInfo {
    /// `service` or `library`.
    pub kind: String,
    /// The evidence that decided it, or the configuration that set it.
    pub reason: String,
    /// True when `.maturity.toml` set the kind rather than the audit inferring it.
    pub configured: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RoadmapInfo {
    pub id: String,
    pub title: String,
    pub source: String,
    pub hash: String,
    pub weeks: u32,
    pub start: Option<String>,
    /// Check packs loaded for the audit (`--checks`, the roadmap's `checks`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<PackInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PackInfo {
    pub name: String,
    /// The folder as given.
    pub dir: String,
    pub checks: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AreaResult {
    pub id: String,
    pub title: String,
    /// Mean of the assessed items' scores; null when none was assessed.
    pub score: Option<f64>,
    pub coverage: f64,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PhaseResult {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub weeks: [u32; 2],
    pub items: Vec<String>,
    /// Items done (passed or waived).
    pub done: usize,
    /// Share of the phase's items done, 0–1.
    pub completion: f64,
    pub complete: bool,
    /// The phase's tasks and the items each delivers.
    #[serde(default)]
    pub tasks: Vec<PartInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemResult {
    pub id: String,
    pub title: String,
    pub area: String,
    pub status: Status,
    /// Weighted mean of the assessed checks, 0–100; null when none was assessed.
    pub score: Option<f64>,
    /// Share of the item's check weight that was assessed, 0–1.
    pub coverage: f64,
    pub weight: f64,
    /// The most useful next step, when the item is not done.
    pub next_step: Option<String>,
    pub checks: Vec<CheckResult>,
    /// The score at which the item passes with refinements open (see the roadmap format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_at: Option<f64>,
    /// What pass requires and partial means, as the roadmap states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric: Option<crate::roadmap::Rubric>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckResult {
    pub id: String,
    pub title: String,
    pub weight: f64,
    pub status: Status,
    pub score: f64,
    pub message: String,
    pub evidence: Vec<Evidence>,
    pub remediation: String,
    /// The check pack the check comes from; absent for built-in checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<maturity_checks::Origin>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetInfo {
    pub op: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MetricResult {
    pub id: String,
    pub title: String,
    pub group: String,
    pub statement: String,
    /// pass / fail against the target; unknown or not_assessed without a figure.
    pub status: Status,
    pub value: Option<f64>,
    pub unit: String,
    pub target: TargetInfo,
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// The built-in measure that read the figure.
    #[serde(default)]
    pub measure: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct FactsSummary {
    pub files: usize,
    pub bytes: u64,
    pub skipped_large: usize,
    pub skipped_binary: usize,
    pub skipped_symlinks: usize,
    pub non_utf8_paths: usize,
    pub unreadable: usize,
    pub ci_systems: Vec<String>,
    pub pipelines: usize,
    pub ecosystems: Vec<String>,
    pub adr_records: usize,
    pub slos: usize,
    pub coverage_reports: usize,
    pub scan_reports: usize,
    pub duration_ms: u64,
}

impl Scorecard {
    pub fn item(&self, id: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Counts of items by status, in [`Status::ALL`] order.
    pub fn status_counts(&self) -> Vec<(Status, usize)> {
        Status::ALL.iter().map(|s| (*s, self.items.iter().filter(|i| i.status == *s).count())).collect()
    }
}
