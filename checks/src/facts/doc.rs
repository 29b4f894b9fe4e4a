//! The facts document: what the checks judge, as one versioned JSON document for plugins.
//!
//! Check packs (TOML rules and Rego policies, see [`crate::plugin`]) and external fact providers
//! read this document and nothing else, so a plugin can never reach the disk or the network. It
//! is built from [`RepoFacts`] after collection, with field names chosen for plugin authors rather
//! than copied from internal structs, in a deterministic order, and documented in
//! `core/FACTS-FORMAT.md` with a JSON Schema in `core/schema/facts.v1.json` that tests validate
//! real output against. Fields are only ever added within `maturity.facts/v1`.
//!
//! What it deliberately leaves out: file contents (content rules run inside the single content
//! scan and appear here as `matches`), the commit list (only figures), and anything secret (remote
//! URLs lose their credentials, as in every report).

use super::{RepoFacts, files::Location};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The version of the document; plugins may check it.
pub const SCHEMA: &str = "maturity.facts/v1";

/// Tags kept per release list (newest first).
const MAX_TAGS: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsDoc {
    /// Always `maturity.facts/v1`.
    pub schema: String,
    #[serde(default)]
    pub repository: Repository,
    /// Every file of the tree (after `.gitignore`), sorted by path.
    #[serde(default)]
    pub files: Vec<File>,
    #[serde(default)]
    pub ci: Ci,
    #[serde(default)]
    pub terraform: Terraform,
    #[serde(default)]
    pub kubernetes: Kubernetes,
    #[serde(default)]
    pub compose: Compose,
    #[serde(default)]
    pub packages: Packages,
    #[serde(default)]
    pub reports: Reports,
    #[serde(default)]
    pub adrs: Vec<Adr>,
    #[serde(default)]
    pub slos: Vec<Slo>,
    #[serde(default)]
    pub alert_rules: Vec<AlertRule>,
    #[serde(default)]
    pub docs: Vec<Doc>,
    #[serde(default)]
    pub git: Git,
    /// The AWS account, when the audit read one (`--aws`); `null` otherwise.
    #[serde(default)]
    pub cloud: Option<Cloud>,
    /// Deployed endpoints, when the audit probed some (`--url`); `null` otherwise.
    #[serde(default)]
    pub endpoints: Option<Vec<Endpoint>>,
    /// Hits of the content patterns of the loaded check packs, by pattern, path and line.
    #[serde(default)]
    pub matches: Vec<Match>,
    /// What each external fact provider (`--fact-provider NAME=PROGRAM`) printed, by name.
    #[serde(default)]
    pub providers: BTreeMap<String, Provider>,
    /// Collectors that failed: the sections they fill are empty and say nothing.
    #[serde(default)]
    pub failures: Vec<Failure>,
    /// Files that could not be read or parsed.
    #[serde(default)]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Repository {
    /// The audited folder's name.
    pub name: String,
    /// `repository`, `empty` (no commit yet) or `none` (not a git repository).
    pub git: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// The main remote without credentials (`github.com/owner/name`).
    pub remote: Option<String>,
    pub shallow: bool,
    /// `service` or `library`, and what decided it.
    pub kind: String,
    pub kind_reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// The folder part (empty at the root) and the file name.
    pub dir: String,
    pub name: String,
    pub size: u64,
    /// `project`, `test`, `example`, `fixture` or `vendored`.
    pub location: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ci {
    pub pipelines: Vec<Pipeline>,
    /// References the CI collector could not follow (remote includes, other repositories).
    pub unresolved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// `github_actions`, `gitlab_ci`, `circleci`, `azure_pipelines` or `jenkins`.
    pub system: String,
    pub path: String,
    pub name: Option<String>,
    /// Runs for pull (merge) requests, declared or by the system's default.
    pub pull_requests: bool,
    pub push: bool,
    pub scheduled: bool,
    pub jobs: Vec<Job>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    pub id: String,
    pub name: Option<String>,
    pub path: String,
    pub line: u32,
    pub stage: Option<String>,
    pub environment: Option<String>,
    /// Runs when the pipeline runs for a pull request.
    pub on_pull_requests: bool,
    /// Waits for a person (`when: manual`, an approval input).
    pub manual: bool,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub path: String,
    pub line: u32,
    pub name: Option<String>,
    /// Action, orb, task or template (`actions/checkout@v4`).
    pub uses: Option<String>,
    /// Shell commands, comment lines removed.
    pub run: Option<String>,
    /// Inputs of `uses` as `key=value`.
    pub inputs: Vec<String>,
    /// What the commands call, followed one level (`make test` → its recipe lines).
    pub expanded: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Terraform {
    /// `.tf` files read (vendored code, fixtures and `.terraform/` excluded).
    pub files: usize,
    pub blocks: Vec<TfBlock>,
    /// `variable` defaults and `locals`, by name.
    pub variables: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TfBlock {
    /// `resource`, `data` or `module`.
    pub kind: String,
    /// The resource or data type (`aws_db_instance`); `null` for modules.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// The module's `source`; `null` for resources and data.
    pub source: Option<String>,
    pub name: String,
    pub path: String,
    pub line: u32,
    pub location: String,
    /// Attributes by dotted name (`backup_retention_period`, `tags.Name`): literals as JSON
    /// values, anything else as `{"expr": "var.x"}`; a name written several times (a repeated
    /// nested block) maps to the list of its values.
    pub attributes: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Kubernetes {
    pub objects: Vec<K8sObject>,
    pub helm_charts: Vec<HelmChart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sObject {
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub path: String,
    pub line: u32,
    pub location: String,
    /// The whole object as written.
    pub manifest: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelmChart {
    pub dir: String,
    pub name: Option<String>,
    pub location: String,
    /// The `kind:` each template declares, with where.
    pub templates: Vec<HelmTemplate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelmTemplate {
    pub kind: String,
    pub path: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Compose {
    pub files: Vec<String>,
    pub services: Vec<ComposeService>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeService {
    pub name: String,
    pub image: Option<String>,
    pub path: String,
    pub line: u32,
    pub location: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Packages {
    pub manifests: Vec<Manifest>,
    pub dependencies: Vec<Dependency>,
    pub lockfiles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `composer`, `npm`, `cargo`, `pypi`, `go`, `maven` or `gradle`.
    pub ecosystem: String,
    pub path: String,
    pub name: Option<String>,
    /// `composer.json` "type", or `private` for a private npm package.
    pub package_type: Option<String>,
    pub scripts: Vec<Script>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub name: String,
    pub command: String,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub ecosystem: String,
    pub name: String,
    /// `normal`, `dev`, `build`, `peer`, `optional` or `plugin`.
    pub kind: String,
    pub manifest: String,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Reports {
    pub coverage: Vec<CoverageReport>,
    pub scans: Vec<ScanReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageReport {
    pub path: String,
    pub format: String,
    pub percent: f64,
    pub lines_covered: u64,
    pub lines_total: u64,
    /// Given with `--evidence` rather than found in the tree.
    pub given: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanReport {
    pub path: String,
    /// `sarif` or `trivy`.
    pub format: String,
    pub tools: Vec<String>,
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub unrated: u64,
    pub suppressed: u64,
    pub given: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adr {
    pub path: String,
    pub number: Option<u32>,
    pub title: Option<String>,
    /// `accepted`, `proposed`, `superseded`, `deprecated`, `rejected` or as written.
    pub status: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    pub name: String,
    /// `open_slo`, `sloth`, `pyrra` or `prometheus_rule`.
    pub format: String,
    pub path: String,
    pub line: u32,
    pub location: String,
    /// Target in percent (99.9).
    pub objective: Option<f64>,
    pub latency: bool,
    pub threshold_ms: Option<f64>,
    pub alerting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    pub name: String,
    pub expr: String,
    pub path: String,
    pub line: u32,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    /// `runbook`, `deployment_guide`, `disaster_recovery`, `architecture` or `api_reference`.
    pub kind: String,
    pub path: String,
    pub line: u32,
    pub title: String,
    pub location: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Git {
    /// Commits reachable from HEAD (a lower bound when `truncated`).
    pub commits: usize,
    pub truncated: bool,
    /// Unix times of the newest and oldest commit read.
    pub last_commit_at: Option<i64>,
    pub first_commit_at: Option<i64>,
    /// Figures over the last `window_days` of history, estimates.
    pub window_days: i64,
    pub recent_commits: usize,
    pub recent_contributors: usize,
    pub lead_time_days: Option<f64>,
    pub releases_per_week: Option<f64>,
    pub change_failure_rate: Option<f64>,
    /// Tags, newest first (at most 100).
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub name: String,
    pub time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cloud {
    /// `aws`.
    pub provider: String,
    pub account: Option<String>,
    pub identity: Option<String>,
    pub regions: Vec<String>,
    /// Why the account could not be read at all, if so.
    pub error: Option<String>,
    pub resources: Vec<CloudResource>,
    pub failed_calls: Vec<FailedCall>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudResource {
    /// `rds`, `eks`, `elasticache`...
    pub service: String,
    /// `RDS instance`, `EKS cluster`...
    pub kind: String,
    /// A region, or `global`.
    pub region: String,
    pub name: String,
    pub arn: Option<String>,
    /// `null` when this service's tags are not read.
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailedCall {
    /// The IAM action (`rds:DescribeDBInstances`).
    pub operation: String,
    pub region: String,
    /// `denied`, `unsupported` or `failed`.
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub url: String,
    pub final_url: String,
    pub status: Option<u16>,
    pub https: bool,
    pub error: Option<String>,
    /// Response headers of the last answer, names in lower case.
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// The pattern's id: `<check id>#<n>` for the n-th content rule of a check.
    pub pattern: String,
    pub path: String,
    pub line: u32,
    /// The matching line, trimmed and clipped.
    pub text: String,
    pub location: String,
    /// The line is a comment (commented-out code is not code).
    pub commented: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// The provider ran and printed valid output.
    pub ok: bool,
    /// Why not, when `ok` is false.
    #[serde(default)]
    pub error: Option<String>,
    /// The `facts` object the provider printed.
    #[serde(default)]
    pub facts: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// The collector (`CI`, `Terraform`...).
    pub collector: String,
    /// The sections of this document it fills (`ci`).
    pub sections: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

/// The serde name of an enum value (`github_actions`), as the rest of the JSON output spells it.
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn location(l: Location) -> String {
    name(&l)
}

impl FactsDoc {
    /// The document of collected facts. Reading the facts here is not a check reading them: the
    /// collectors' failures are listed in `failures` instead of making the caller `unknown`.
    pub fn build(repo: &RepoFacts) -> FactsDoc {
        let outer = super::touched::take();
        let doc = Self::assemble(repo);
        super::touched::take();
        super::touched::add(outer);
        doc
    }

    fn assemble(repo: &RepoFacts) -> FactsDoc {
        FactsDoc {
            schema: SCHEMA.to_string(),
            repository: repository(repo),
            files: repo
                .files
                .entries()
                .iter()
                .map(|e| File {
                    path: e.path.clone(),
                    dir: e.dir().to_string(),
                    name: e.name().to_string(),
                    size: e.size,
                    location: location(e.location),
                })
                .collect(),
            ci: ci(repo),
            terraform: terraform(repo),
            kubernetes: kubernetes(repo),
            compose: Compose {
                files: repo.compose.files.clone(),
                services: repo
                    .compose
                    .services
                    .iter()
                    .map(|s| ComposeService {
                        name: s.name.clone(),
                        image: s.image.clone(),
                        path: s.path.clone(),
                        line: s.line,
                        location: location(s.location),
                    })
                    .collect(),
            },
            packages: packages(repo),
            reports: reports(repo),
            adrs: repo
                .adr
                .records
                .iter()
                .map(|r| Adr {
                    path: r.path.clone(),
                    number: r.number,
                    title: r.title.clone(),
                    status: r.status.clone(),
                    date: r.date.clone(),
                })
                .collect(),
            slos: repo
                .slo
                .slos
                .iter()
                .map(|s| Slo {
                    name: s.name.clone(),
                    format: name(&s.format),
                    path: s.path.clone(),
                    line: s.line,
                    location: location(s.location),
                    objective: s.objective.filter(|v| v.is_finite()),
                    latency: s.latency,
                    threshold_ms: s.threshold_ms.filter(|v| v.is_finite()),
                    alerting: s.alerting,
                })
                .collect(),
            alert_rules: repo
                .slo
                .alert_rules
                .iter()
                .map(|r| AlertRule {
                    name: r.name.clone(),
                    expr: r.expr.clone(),
                    path: r.path.clone(),
                    line: r.line,
                    location: location(r.location),
                })
                .collect(),
            docs: repo
                .docs
                .docs
                .iter()
                .map(|d| Doc {
                    kind: name(&d.kind),
                    path: d.path.clone(),
                    line: d.line,
                    title: d.title.clone(),
                    location: location(d.location),
                })
                .collect(),
            git: git(repo),
            cloud: repo.live.aws.as_ref().map(cloud),
            endpoints: repo.live.urls.as_ref().map(|u| {
                u.endpoints
                    .iter()
                    .map(|e| Endpoint {
                        url: e.url.clone(),
                        final_url: e.final_url().to_string(),
                        status: e.last().map(|h| h.status),
                        https: e.https(),
                        error: e.error.clone(),
                        headers: e.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    })
                    .collect()
            }),
            matches: matches(repo),
            providers: repo
                .providers
                .iter()
                .map(|p| {
                    let out = match &p.result {
                        Ok(facts) => Provider { ok: true, error: None, facts: Some(facts.clone()) },
                        Err(e) => Provider { ok: false, error: Some(e.clone()), facts: None },
                    };
                    (p.name.clone(), out)
                })
                .collect(),
            failures: failures(repo),
            problems: repo
                .problems
                .iter()
                .map(|p| Problem { path: p.path.clone(), line: p.line, message: p.message.clone() })
                .collect(),
        }
    }

    /// The document as a JSON value (what TOML rules query and Rego policies get as `input`).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The facts document of `repo` as plugins get it, built once per audit and shared by every
/// check of every pack.
pub fn input(repo: &RepoFacts) -> Arc<crate::plugin::Input> {
    repo.plugin_input.get_or_init(|| Arc::new(crate::plugin::Input::new(FactsDoc::build(repo).to_value()))).clone()
}

fn repository(repo: &RepoFacts) -> Repository {
    let git = &repo.git;
    let folder = std::fs::canonicalize(&repo.root)
        .ok()
        .as_deref()
        .and_then(|p| p.file_name())
        .or_else(|| repo.root.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Repository {
        name: folder,
        git: name_of_state(git.state),
        commit: git.head.clone(),
        branch: git.branch.clone(),
        remote: git.main_remote().and_then(|r| super::git::canonical_remote(&r.url)),
        shallow: git.shallow,
        kind: name(&repo.project.kind),
        kind_reason: repo.project.reason.clone(),
    }
}

fn name_of_state(s: super::git::GitState) -> String {
    match s {
        super::git::GitState::NoRepository => "none",
        super::git::GitState::Empty => "empty",
        super::git::GitState::Repository => "repository",
    }
    .to_string()
}

fn ci(repo: &RepoFacts) -> Ci {
    Ci {
        pipelines: repo
            .ci
            .pipelines
            .iter()
            .map(|p| Pipeline {
                system: name(&p.system),
                path: p.path.clone(),
                name: p.name.clone(),
                pull_requests: p.pr.runs(),
                push: p.push,
                scheduled: p.scheduled,
                jobs: p
                    .jobs
                    .iter()
                    .map(|j| Job {
                        id: j.id.clone(),
                        name: j.name.clone(),
                        path: j.path.clone(),
                        line: j.line,
                        stage: j.stage.clone(),
                        environment: j.environment.clone(),
                        on_pull_requests: p.pr.runs() && j.on_pr,
                        manual: j.manual,
                        steps: j
                            .steps
                            .iter()
                            .map(|s| Step {
                                path: s.path.clone(),
                                line: s.line,
                                name: s.name.clone(),
                                uses: s.uses.clone(),
                                run: s.run.clone(),
                                inputs: s.inputs.clone(),
                                expanded: s.expanded.iter().map(|e| e.text.clone()).collect(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        unresolved: repo.ci.unresolved.clone(),
    }
}

fn tf_value(v: &super::terraform::TfValue) -> Value {
    use super::terraform::TfValue;
    match v {
        TfValue::Bool(b) => Value::Bool(*b),
        TfValue::Number(n) => serde_json::Number::from_f64(*n).map(Value::Number).unwrap_or(Value::Null),
        TfValue::String(s) => Value::String(s.clone()),
        TfValue::Expr(e) => serde_json::json!({ "expr": e }),
    }
}

/// Attributes by name; a name that repeats collects its values in a list.
fn attributes(attrs: &[(String, super::terraform::TfValue)]) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let mut repeated: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in attrs {
        repeated.entry(k.clone()).or_default().push(tf_value(v));
    }
    for (k, mut values) in repeated {
        let v = if values.len() == 1 { values.pop().unwrap_or(Value::Null) } else { Value::Array(values) };
        out.insert(k, v);
    }
    out
}

fn terraform(repo: &RepoFacts) -> Terraform {
    use super::terraform::TfKind;
    let tf = &repo.terraform;
    Terraform {
        files: tf.files,
        blocks: tf
            .blocks
            .iter()
            .map(|b| {
                let module = b.kind == TfKind::Module;
                TfBlock {
                    kind: name(&b.kind),
                    type_: (!module).then(|| b.type_.clone()),
                    source: module.then(|| b.type_.clone()),
                    name: b.name.clone(),
                    path: b.path.clone(),
                    line: b.line,
                    location: location(b.location),
                    attributes: attributes(&b.attrs),
                }
            })
            .collect(),
        variables: tf.variables.iter().map(|(k, v)| (k.clone(), tf_value(v))).collect(),
        locals: tf.locals.iter().map(|(k, v)| (k.clone(), tf_value(v))).collect(),
    }
}

/// A YAML node as JSON (non-finite floats become null).
pub(crate) fn yaml_json(node: &super::yaml::Node) -> Value {
    use super::yaml::Value as Y;
    match &node.value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Int(i) => Value::from(*i),
        Y::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        Y::Str(s) => Value::String(s.clone()),
        Y::Seq(items) => Value::Array(items.iter().map(yaml_json).collect()),
        Y::Map(entries) => {
            let mut map = serde_json::Map::new();
            for e in entries {
                map.insert(e.key.clone(), yaml_json(&e.value));
            }
            Value::Object(map)
        }
    }
}

fn kubernetes(repo: &RepoFacts) -> Kubernetes {
    Kubernetes {
        objects: repo
            .k8s
            .objects
            .iter()
            .map(|o| K8sObject {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.clone(),
                namespace: o.doc.at("metadata.namespace").and_then(|n| n.scalar()),
                path: o.path.clone(),
                line: o.line,
                location: location(o.location),
                manifest: yaml_json(&o.doc),
            })
            .collect(),
        helm_charts: repo
            .k8s
            .charts
            .iter()
            .map(|c| HelmChart {
                dir: c.dir.clone(),
                name: c.name.clone(),
                location: location(c.location),
                templates: c
                    .template_kinds
                    .iter()
                    .map(|(kind, path, line)| HelmTemplate { kind: kind.clone(), path: path.clone(), line: *line })
                    .collect(),
            })
            .collect(),
    }
}

fn packages(repo: &RepoFacts) -> Packages {
    let m = &repo.manifests;
    Packages {
        manifests: m
            .manifests
            .iter()
            .map(|x| Manifest {
                ecosystem: name(&x.ecosystem),
                path: x.path.clone(),
                name: x.name.clone(),
                package_type: x.package_type.clone(),
                scripts: x
                    .scripts
                    .iter()
                    .map(|s| Script { name: s.name.clone(), command: s.command.clone(), line: s.line })
                    .collect(),
            })
            .collect(),
        dependencies: m
            .dependencies
            .iter()
            .map(|d| Dependency {
                ecosystem: name(&d.ecosystem),
                name: d.name.clone(),
                kind: name(&d.kind),
                manifest: d.manifest.clone(),
                line: d.line,
            })
            .collect(),
        lockfiles: m.lockfiles.clone(),
    }
}

fn reports(repo: &RepoFacts) -> Reports {
    let r = &repo.reports;
    Reports {
        coverage: r
            .coverage
            .iter()
            .map(|c| CoverageReport {
                path: c.path.clone(),
                format: name(&c.format),
                percent: if c.percent.is_finite() { c.percent } else { 0.0 },
                lines_covered: c.lines_covered,
                lines_total: c.lines_total,
                given: c.given,
            })
            .collect(),
        scans: r
            .scans
            .iter()
            .map(|s| ScanReport {
                path: s.path.clone(),
                format: name(&s.format),
                tools: s.tools.clone(),
                critical: s.counts.critical,
                high: s.counts.high,
                medium: s.counts.medium,
                low: s.counts.low,
                unrated: s.counts.unrated,
                suppressed: s.suppressed,
                given: s.given,
            })
            .collect(),
    }
}

fn git(repo: &RepoFacts) -> Git {
    let g = &repo.git;
    let d = crate::metrics::delivery(repo);
    let head = g.commits.first().map(|c| c.commit_time);
    let since = head.unwrap_or(0) - d.window_days * 86_400;
    let recent: Vec<_> = g.commits.iter().take_while(|c| c.commit_time >= since).collect();
    let mut authors: Vec<&str> = recent.iter().map(|c| c.author.as_str()).collect();
    authors.sort_unstable();
    authors.dedup();
    let mut tags: Vec<Tag> = g.tags.iter().map(|t| Tag { name: t.name.clone(), time: t.time }).collect();
    tags.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.name.cmp(&b.name)));
    tags.truncate(MAX_TAGS);
    let round = |v: f64, places: i32| {
        let f = 10f64.powi(places);
        (v * f).round() / f
    };
    Git {
        commits: g.commit_count,
        truncated: g.truncated,
        last_commit_at: head,
        first_commit_at: g.commits.last().map(|c| c.commit_time),
        window_days: d.window_days,
        recent_commits: recent.len(),
        recent_contributors: authors.len(),
        lead_time_days: d.lead_time_days.map(|(v, _)| round(v, 2)),
        releases_per_week: d.deploys_per_week.map(|(v, _)| round(v, 2)),
        change_failure_rate: d.change_failure_rate.map(|(v, _)| round(v, 3)),
        tags,
    }
}

fn cloud(aws: &super::aws::AwsFacts) -> Cloud {
    use super::aws::call::Failure as F;
    let mut resources: Vec<CloudResource> = aws
        .resources()
        .iter()
        .map(|r| CloudResource {
            service: r.service.to_string(),
            kind: r.kind.to_string(),
            region: r.res.region.clone(),
            name: r.res.name.clone(),
            arn: r.res.arn.clone(),
            tags: r.res.tags.clone(),
        })
        .collect();
    resources.sort_by(|a, b| {
        (a.service.as_str(), a.region.as_str(), a.name.as_str()).cmp(&(
            b.service.as_str(),
            b.region.as_str(),
            b.name.as_str(),
        ))
    });
    let mut failed_calls: Vec<FailedCall> = aws
        .calls
        .iter()
        .filter_map(|c| {
            let outcome = match c.failure.as_ref()? {
                F::Denied { .. } => "denied",
                F::Unsupported => "unsupported",
                F::Failed { .. } => "failed",
            };
            Some(FailedCall {
                operation: c.operation.iam.to_string(),
                region: c.region.clone(),
                outcome: outcome.into(),
            })
        })
        .collect();
    failed_calls.sort_by(|a, b| (&a.operation, &a.region).cmp(&(&b.operation, &b.region)));
    Cloud {
        provider: "aws".into(),
        account: aws.identity.as_ref().map(|i| i.account.clone()),
        identity: aws.identity.as_ref().map(|i| i.arn.clone()),
        regions: aws.regions.clone(),
        error: aws.fatal.clone(),
        resources,
        failed_calls,
    }
}

fn matches(repo: &RepoFacts) -> Vec<Match> {
    let mut out: Vec<Match> = repo
        .scan
        .pack_hits
        .iter()
        .flat_map(|(pattern, hits)| {
            hits.iter().map(move |h| Match {
                pattern: pattern.clone(),
                path: h.path.clone(),
                line: h.line,
                text: h.text.clone(),
                location: location(h.location),
                commented: h.commented,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.pattern, &a.path, a.line).cmp(&(&b.pattern, &b.path, b.line)));
    out
}

/// The collectors that failed and the sections of the document they fill.
fn failures(repo: &RepoFacts) -> Vec<Failure> {
    let sections: [(&str, Option<&str>, &[&str]); 14] = [
        (repo.manifests.name(), repo.manifests.failure(), &["packages"]),
        (repo.ci.name(), repo.ci.failure(), &["ci"]),
        (repo.reports.name(), repo.reports.failure(), &["reports"]),
        (repo.adr.name(), repo.adr.failure(), &["adrs"]),
        (repo.slo.name(), repo.slo.failure(), &["slos", "alert_rules"]),
        (repo.k8s.name(), repo.k8s.failure(), &["kubernetes"]),
        (repo.tooling.name(), repo.tooling.failure(), &[]),
        (repo.terraform.name(), repo.terraform.failure(), &["terraform"]),
        (repo.compose.name(), repo.compose.failure(), &["compose"]),
        (repo.config.name(), repo.config.failure(), &[]),
        (repo.docs.name(), repo.docs.failure(), &["docs"]),
        (repo.project.name(), repo.project.failure(), &["repository"]),
        (repo.scan.name(), repo.scan.failure(), &["matches"]),
        (repo.perf.name(), repo.perf.failure(), &[]),
    ];
    sections
        .iter()
        .filter_map(|(collector, failure, sections)| {
            failure.map(|f| Failure {
                collector: collector.to_string(),
                sections: sections.iter().map(|s| s.to_string()).collect(),
                message: f.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_what_plugins_need() {
        let repo = RepoFacts::from_memory(&[
            (
                ".github/workflows/ci.yml",
                "on: [pull_request]\njobs:\n  deploy:\n    environment: production\n    steps:\n      - run: acme-deploy --env prod\n",
            ),
            (
                "infra/main.tf",
                "module \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.1.0\"\n}\nresource \"aws_db_instance\" \"db\" {\n  engine = \"mysql\"\n  backup_retention_period = 7\n  allocated_storage = var.size\n}\n",
            ),
            (
                "k8s/web.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 3\n",
            ),
            ("examples/demo/docker-compose.yml", "services:\n  redis:\n    image: redis:7\n"),
            ("package.json", r#"{"name":"shop","scripts":{"test":"jest"},"dependencies":{"express":"^4"}}"#),
            ("docs/Кириллица 日本語 🚀.md", "# Заголовок\n"),
        ]);
        let v = FactsDoc::build(&repo).to_value();
        assert_eq!(v["schema"], SCHEMA);
        let step = &v["ci"]["pipelines"][0]["jobs"][0]["steps"][0];
        assert_eq!((step["run"].as_str(), step["line"].as_u64()), (Some("acme-deploy --env prod"), Some(6)));
        assert_eq!(v["ci"]["pipelines"][0]["jobs"][0]["environment"], "production");
        let blocks = v["terraform"]["blocks"].as_array().unwrap();
        let module = blocks.iter().find(|b| b["kind"] == "module").unwrap();
        assert_eq!(
            (&module["source"], &module["attributes"]["version"]),
            (&serde_json::json!("terraform-aws-modules/vpc/aws"), &serde_json::json!("5.1.0"))
        );
        let db = blocks.iter().find(|b| b["kind"] == "resource").unwrap();
        assert_eq!(db["type"], "aws_db_instance");
        assert_eq!(db["attributes"]["backup_retention_period"], 7.0);
        assert_eq!(db["attributes"]["allocated_storage"], serde_json::json!({"expr": "var.size"}));
        let web = &v["kubernetes"]["objects"][0];
        assert_eq!(
            (web["namespace"].as_str(), &web["manifest"]["spec"]["replicas"]),
            (Some("shop"), &serde_json::json!(3))
        );
        assert_eq!(v["compose"]["services"][0]["location"], "example");
        assert_eq!(v["packages"]["dependencies"][0]["name"], "express");
        let files: Vec<&str> = v["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert!(files.windows(2).all(|w| w[0] < w[1]), "sorted: {files:?}");
        assert!(files.contains(&"docs/Кириллица 日本語 🚀.md"));
        assert!(v["cloud"].is_null() && v["endpoints"].is_null(), "no --aws, no --url");
        let again = FactsDoc::build(&repo).to_value();
        assert_eq!(serde_json::to_string(&v).unwrap(), serde_json::to_string(&again).unwrap(), "deterministic");
        let back: FactsDoc = serde_json::from_value(v).unwrap();
        assert_eq!(back.schema, SCHEMA, "the document reads back into its own model");
    }

    #[test]
    fn building_the_document_does_not_make_a_check_unknown() {
        let mut repo = RepoFacts::from_memory(&[("README.md", "# x\n")]);
        repo.ci.failure = Some("the CI collector failed: boom".into());
        let (doc, failure) = super::super::track(&repo, || FactsDoc::build(&repo));
        assert_eq!(failure, None);
        assert_eq!(doc.failures.len(), 1);
        assert_eq!(
            (doc.failures[0].collector.as_str(), doc.failures[0].sections.as_slice()),
            ("CI", &["ci".to_string()][..])
        );
    }

    #[test]
    fn a_partial_document_reads_with_defaults_and_unknown_keys_are_refused() {
        let doc: FactsDoc = serde_json::from_str(r#"{"schema":"maturity.facts/v1","files":[{"path":"a.tf","dir":"","name":"a.tf","size":1,"location":"project"}]}"#).unwrap();
        assert_eq!((doc.files.len(), doc.ci.pipelines.len()), (1, 0));
        assert!(serde_json::from_str::<FactsDoc>(r#"{"schema":"maturity.facts/v1","filez":[]}"#).is_err());
    }
}
