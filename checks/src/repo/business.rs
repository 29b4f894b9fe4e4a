//! Business alignment checks (roadmap items 7.1 feature flags, 7.2 BI, 7.3 cost).
//!
//! Feature flags count when a flag SDK is a dependency *and* is evaluated in code; a flag
//! service in compose or flag definitions alone is a start. Cargo `[features]` are compile-time
//! switches, not feature flags, and are never read here. BI and cost evidence is mostly
//! infrastructure: Terraform resources (warehouses, ETL jobs, budgets, tags), what runs in the
//! stack (Metabase, Superset, Kubecost), and Kubernetes resource requests and limits. All of
//! these are about running a service, so libraries are not assessed.

use super::obs::{
    Seen, cite, dashboards, describe, examples_only, fail_unless_broken, in_stack, is_tf, own_and_other, pod_spec,
};
use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::manifests::Dependency;
use crate::facts::terraform::{TfBlock, TfKind};
use crate::facts::yaml::Node;
use crate::model::{Finding, clip};
use regex::Regex;
use std::sync::LazyLock;

// ---------------------------------------------------------------------------------------------
// 7.1 feature flags

/// Fragments of flag SDK package names, across ecosystems.
const FLAG_SDKS: &[&str] = &[
    "unleash",
    "launchdarkly",
    "openfeature",
    "open-feature",
    "flagsmith",
    "growthbook",
    "configcat",
    "splitio",
    "@splitsoftware/",
    "io.split.client",
    "flipt",
    "flagd",
    "django-waffle",
    "laravel/pennant",
    "flagception",
    "togglz",
    "ff4j",
    "microsoft.featuremanagement",
];

fn flag_dep(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    FLAG_SDKS.iter().any(|f| n.contains(f))
}

const FLAG_SERVICES: &[&str] = &[
    "flagd",
    "unleash",
    "unleash-server",
    "unleash-proxy",
    "unleash-edge",
    "flagsmith",
    "growthbook",
    "flipt",
    "flagr",
    "go-feature-flag",
];

fn flag_system(repo: &RepoFacts) -> (Vec<Seen>, Vec<Seen>) {
    let mut evaluated = Vec::new();
    for id in ["flags.sdk", "flags.library"] {
        for h in repo.scan.hits(id) {
            evaluated.push(Seen::hit(format!("flag evaluated: `{}`", clip(h.text.trim(), 60)), h));
        }
    }
    let mut declared: Vec<Seen> = repo
        .manifests
        .dependencies
        .iter()
        .filter(|d| flag_dep(d))
        .map(|d| Seen::dep(format!("dependency `{}`", d.name), d))
        .collect();
    declared.extend(in_stack(repo, FLAG_SERVICES));
    for h in repo.scan.hits("flags.flagd_definition") {
        if !declared.iter().any(|s| s.path == h.path) {
            declared.push(Seen::new("flag definitions", &h.path, Some(h.line), h.location));
        }
    }
    (evaluated, declared)
}

pub struct FeatureFlagSystem;

impl Check for FeatureFlagSystem {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.flags.feature_flag_system",
            title: "Features are released behind a feature-flag system",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Flags separate deploying code from releasing a feature: unfinished work ships dark, a bad feature is switched off in seconds instead of rolled back, and releases can target a subset of users.",
            remediation: "Adopt a feature-flag system (OpenFeature with flagd, Unleash, LaunchDarkly, Flagsmith, GrowthBook, ConfigCat) and evaluate flags through its SDK in code rather than with configuration constants or compile-time switches.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (evaluated, declared) = flag_system(repo);
        let (eval_own, eval_other) = own_and_other(&evaluated);
        let (decl_own, decl_other) = own_and_other(&declared);
        let eval_own: Vec<&Seen> = eval_own.into_iter().filter(|s| s.location == Location::Project).collect();
        if !eval_own.is_empty() && !decl_own.is_empty() {
            let mut all = decl_own.clone();
            all.truncate(2);
            all.extend(eval_own.iter().take(3));
            return Finding::pass(format!("a feature-flag system is used: {}", describe(&all))).with(cite(&all));
        }
        if !eval_own.is_empty() {
            // an SDK evaluated in a language whose manifest we do not read (.NET, Ruby)
            return Finding::pass(format!("feature flags are evaluated through an SDK: {}", describe(&eval_own)))
                .with(cite(&eval_own));
        }
        if !decl_own.is_empty() {
            return Finding::partial(
                0.4,
                format!("a flag system is declared but no flag is evaluated in code: {}", describe(&decl_own)),
            )
            .with(cite(&decl_own));
        }
        let mut other = eval_other;
        other.extend(decl_other);
        if !other.is_empty() {
            return examples_only(&other, "a feature-flag system");
        }
        Finding::fail(
            "no feature-flag system found (looked for Unleash, LaunchDarkly, OpenFeature/flagd, Flagsmith, GrowthBook, ConfigCat, Split, Flipt and flag libraries as dependencies, flag services in the stack and flag evaluations in code; Cargo `[features]` are compile-time switches, not feature flags)",
        )
    }
}

pub struct GradualRolloutOrExperiments;

impl Check for GradualRolloutOrExperiments {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.flags.gradual_rollout_or_experiments",
            title: "Features roll out gradually or run as experiments",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Releasing to 1 %, then 10 %, then everyone limits the blast radius of a bad change, and A/B experiments show whether a feature moves the metric it was built for.",
            remediation: "Use the flag system's targeting: percentage rollouts (flagd `fractional`, Unleash `flexibleRollout`, LaunchDarkly rollouts) and experiments (GrowthBook, LaunchDarkly experiments) with the metric they are meant to move.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = Vec::new();
        for (id, what) in [("flags.rollout", "rollout or experiment"), ("flags.targeting", "flag targeting")] {
            for h in repo.scan.hits(id) {
                seen.push(Seen::hit(format!("{what}: `{}`", clip(h.text.trim(), 50)), h));
            }
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("flags target a share of users or run experiments: {}", describe(&own)))
                .with(cite(&own));
        }
        let (evaluated, declared) = flag_system(repo);
        let flags: Vec<&Seen> = evaluated.iter().chain(&declared).filter(|s| s.own()).collect();
        if !flags.is_empty() {
            return Finding::partial(
                0.4,
                format!(
                    "feature flags exist but none targets a percentage of users or an experiment: {}",
                    describe(&flags)
                ),
            )
            .with(cite(&flags));
        }
        if !other.is_empty() {
            return examples_only(&other, "gradual rollout");
        }
        Finding::fail(
            "no gradual rollout or experiment found (looked for flagd `fractional` and `targeting`, Unleash strategies, rollout percentages and GrowthBook or LaunchDarkly experiments)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 7.2 business intelligence

const ETL_RESOURCES: &[&str] = &[
    "aws_glue_job",
    "aws_glue_crawler",
    "aws_glue_workflow",
    "aws_datapipeline_pipeline",
    "aws_sfn_state_machine",
    "aws_mwaa_environment",
    "aws_emr_cluster",
    "aws_emrserverless_application",
    "google_dataflow_job",
    "google_composer_environment",
    "azurerm_data_factory_pipeline",
    "azurerm_data_factory",
    "databricks_job",
];

pub struct DataPipelines;

impl Check for DataPipelines {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.bi.data_pipelines",
            title: "Data pipelines feed analytics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Business questions are answered from data that has been extracted, cleaned and modelled on a schedule; pipelines as code (DAGs, dbt models, ETL jobs) make that data reproducible and reviewable.",
            remediation: "Define data pipelines as code: Airflow, Dagster or Prefect DAGs, a dbt project for the models, or managed ETL (Glue, Dataflow, Data Factory) in Terraform, feeding a warehouse.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen: Vec<Seen> = repo
            .scan
            .hits("bi.orchestration")
            .map(|h| Seen::hit(format!("pipeline code `{}`", clip(h.text.trim(), 50)), h))
            .collect();
        for e in
            repo.files.entries().iter().filter(|e| e.name() == "dbt_project.yml" && e.location != Location::Vendored)
        {
            seen.push(Seen::new("dbt project", &e.path, None, e.location));
        }
        for b in repo.terraform.resources(ETL_RESOURCES) {
            seen.push(Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location));
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("data pipelines are defined: {}", describe(&own))).with(cite(&own));
        }
        let engines = in_stack(repo, &["airflow", "dagster", "prefect", "spark", "nifi"]);
        let (engines, _) = own_and_other(&engines);
        if !engines.is_empty() {
            return Finding::partial(
                0.4,
                format!("a pipeline engine runs in the stack but no pipeline is defined: {}", describe(&engines)),
            )
            .with(cite(&engines));
        }
        if !other.is_empty() {
            return examples_only(&other, "data pipelines");
        }
        fail_unless_broken(
            repo,
            is_tf,
            "no data pipeline found (looked for Airflow, Dagster, Prefect and Luigi code, dbt_project.yml, and Glue, Data Pipeline, Step Functions, EMR, Dataflow and Data Factory in Terraform)",
        )
    }
}

const WAREHOUSES: &[&str] = &[
    "aws_redshift_cluster",
    "aws_redshiftserverless_workgroup",
    "aws_athena_workgroup",
    "aws_athena_database",
    "google_bigquery_dataset",
    "google_bigquery_table",
    "azurerm_synapse_workspace",
    "databricks_sql_endpoint",
];

const BI_TOOLS: &[&str] =
    &["metabase", "superset", "redash", "lightdash", "cube", "cubejs", "clickhouse", "clickhouse-server"];

pub struct WarehouseOrDashboards;

impl Check for WarehouseOrDashboards {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.bi.warehouse_or_dashboards",
            title: "A warehouse or business dashboards support decisions",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Decisions about features and pricing need business numbers (orders, revenue, conversion) in one queryable place; technical dashboards show that the system is up, not whether it is useful.",
            remediation: "Provision a warehouse (Redshift, BigQuery, Snowflake) or a BI tool (Metabase, Superset) as code, and build dashboards of business metrics (orders, revenue, sign-ups, conversion) next to the technical ones.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen: Vec<Seen> = repo
            .terraform
            .blocks
            .iter()
            .filter(|b| {
                b.kind == TfKind::Resource
                    && (WAREHOUSES.contains(&b.type_.as_str()) || b.type_.starts_with("snowflake_"))
            })
            .map(|b| Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location))
            .collect();
        seen.extend(in_stack(repo, BI_TOOLS));
        let boards = dashboards(repo);
        for h in repo.scan.hits("dash.business_metric") {
            if boards.iter().any(|b| b.path == h.path) {
                seen.push(Seen::hit(format!("dashboard of a business metric (`{}`)", clip(h.text.trim(), 60)), h));
            }
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("business data is analysed: {}", describe(&own))).with(cite(&own));
        }
        let (own_boards, other_boards) = own_and_other(&boards);
        if !own_boards.is_empty() {
            return Finding::partial(0.3, format!("only technical dashboards were found: {}", describe(&own_boards)))
                .with(cite(&own_boards));
        }
        let mut other = other;
        other.extend(other_boards);
        if !other.is_empty() {
            return examples_only(&other, "a warehouse or BI dashboard");
        }
        fail_unless_broken(
            repo,
            is_tf,
            "no warehouse or dashboard found (looked for Redshift, Athena, BigQuery, Snowflake, Synapse and Databricks SQL in Terraform, Metabase, Superset, Redash, Cube and ClickHouse in the stack, and Grafana dashboards)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 7.3 cost

static INFRACOST_CI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)infracost\s+(breakdown|diff|comment|upload)(?-u:\b)|infracost/actions").unwrap()
});

pub struct BudgetsAndAlerts;

impl Check for BudgetsAndAlerts {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cost.budgets_and_alerts",
            title: "Cloud spend has budgets and alerts",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Cloud bills grow silently (a forgotten cluster, a logging loop); a budget with an alert or an anomaly monitor catches it in days instead of at the end of the month, and cost estimates in review catch it before merge.",
            remediation: "Declare budgets with notifications in Terraform (`aws_budgets_budget` with `notification`, `aws_ce_anomaly_subscription`, `google_billing_budget`, `azurerm_consumption_budget_*`), run Infracost on infrastructure pull requests, and run Kubecost or OpenCost in clusters.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut alerting = Vec::new();
        let mut silent = Vec::new();
        let tf = |b: &TfBlock, what: &str| Seen::new(format!("{what} `{}`", b.name), &b.path, Some(b.line), b.location);
        for b in repo.terraform.resources(&["aws_budgets_budget"]) {
            if b.has("notification") {
                alerting.push(tf(b, "AWS budget with notification"));
            } else {
                silent.push(tf(b, "AWS budget without notification"));
            }
        }
        for b in repo.terraform.resources(&["aws_ce_anomaly_subscription"]) {
            alerting.push(tf(b, "cost anomaly subscription"));
        }
        for b in repo.terraform.resources(&["aws_ce_anomaly_monitor"]) {
            silent.push(tf(b, "cost anomaly monitor"));
        }
        for b in repo.terraform.resources(&["google_billing_budget"]) {
            if b.has("threshold_rules") {
                alerting.push(tf(b, "GCP budget with threshold rules"));
            } else {
                silent.push(tf(b, "GCP budget"));
            }
        }
        for b in repo.terraform.blocks.iter().filter(|b| {
            b.kind == TfKind::Resource && b.location.is_project() && b.type_.starts_with("azurerm_consumption_budget_")
        }) {
            if b.has("notification") {
                alerting.push(tf(b, "Azure budget with notification"));
            } else {
                silent.push(tf(b, "Azure budget"));
            }
        }
        for b in repo.terraform.modules(&["budget"]) {
            alerting.push(Seen::new(format!("budget module `{}`", b.name), &b.path, Some(b.line), b.location));
        }
        for pipeline in &repo.ci.pipelines {
            for job in pipeline.jobs.iter().filter(|j| !j.manual) {
                for step in &job.steps {
                    if let Some(line) = step.texts().flat_map(str::lines).find(|l| INFRACOST_CI.is_match(l)) {
                        alerting.push(Seen::new(
                            format!(
                                "Infracost in job `{}` of `{}` (`{}`)",
                                job.label(),
                                pipeline.path,
                                clip(line.trim(), 50)
                            ),
                            &step.path,
                            Some(step.line),
                            Location::Project,
                        ));
                    }
                }
            }
        }
        alerting.extend(in_stack(repo, &["kubecost", "cost-analyzer", "opencost"]));
        for e in repo.files.entries().iter().filter(|e| e.location.is_project()) {
            if matches!(e.name(), "infracost.yml" | "infracost.yml.tmpl" | "infracost-usage.yml") {
                silent.push(Seen::new("Infracost configuration", &e.path, None, e.location));
            }
        }
        let (own, other) = own_and_other(&alerting);
        if !own.is_empty() {
            return Finding::pass(format!("cloud spend is watched: {}", describe(&own))).with(cite(&own));
        }
        let (quiet, quiet_other) = own_and_other(&silent);
        if !quiet.is_empty() {
            return Finding::partial(
                0.4,
                format!("cost controls exist but alert nobody or run nowhere: {}", describe(&quiet)),
            )
            .with(cite(&quiet));
        }
        let mut other = other;
        other.extend(quiet_other);
        if !other.is_empty() {
            return examples_only(&other, "cost budgets");
        }
        fail_unless_broken(
            repo,
            is_tf,
            "no budget or cost alert found (looked for aws_budgets_budget, cost anomaly monitors, google_billing_budget and Azure consumption budgets in Terraform, Infracost in CI or configuration, and Kubecost or OpenCost in the stack)",
        )
    }
}

/// Resource types that cannot carry tags (attachments, associations, policies, rules, records).
fn taggable(b: &TfBlock) -> bool {
    let t = b.type_.as_str();
    let provider_tags = t.starts_with("aws_") || t.starts_with("azurerm_") || t.starts_with("google_");
    const NOT_TAGGABLE: &[&str] = &[
        "_attachment",
        "_association",
        "_policy",
        "_rule",
        "_record",
        "_permission",
        "_subscription",
        "_version",
        "_member",
        "_binding",
        "_iam_member",
        "_alias",
        "_configuration",
        "_public_access_block",
        "_ownership_controls",
        "_acl",
        "_route",
        "_integration",
        "_method",
        "_resource",
        "_deployment",
        "_notification",
        "_object_copy",
        "_target",
        "_service_account",
        "_service_account_key",
    ];
    let exceptions = ["aws_iam_policy", "aws_cloudwatch_event_rule", "aws_s3_object"];
    provider_tags && (exceptions.contains(&t) || !NOT_TAGGABLE.iter().any(|s| t.ends_with(s)))
}

fn tagged(b: &TfBlock) -> bool {
    if b.type_.starts_with("google_") {
        return b.has("labels") || b.has("resource_labels") || b.has("user_labels");
    }
    b.has("tags") || b.has("tags_all")
}

/// `(pass, partial)` evidence from Terraform tags.
fn tf_tagging(repo: &RepoFacts) -> Result<Seen, Option<Seen>> {
    if let Some((provider, path, line)) =
        repo.terraform.default_tags.iter().find(|(_, p, _)| Location::of(p).is_project())
    {
        return Ok(Seen::new(
            format!("provider `{provider}` sets `default_tags`"),
            path,
            Some(*line),
            Location::Project,
        ));
    }
    let resources: Vec<&TfBlock> = repo
        .terraform
        .blocks
        .iter()
        .filter(|b| b.kind == TfKind::Resource && b.location.is_project() && taggable(b))
        .collect();
    let modules_tagged = repo
        .terraform
        .blocks
        .iter()
        .filter(|b| b.kind == TfKind::Module && b.location.is_project() && b.has("tags"))
        .count();
    if resources.is_empty() && modules_tagged == 0 {
        return Err(None);
    }
    let with: Vec<&&TfBlock> = resources.iter().filter(|b| tagged(b)).collect();
    let total = resources.len() + modules_tagged;
    let share = (with.len() + modules_tagged) as f64 / total as f64;
    let first = with
        .first()
        .map(|b| (b.path.clone(), b.line))
        .or_else(|| resources.first().map(|b| (b.path.clone(), b.line)))
        .unwrap_or_default();
    let what = format!(
        "{} of {} taggable Terraform resources and modules carry tags ({:.0} %)",
        with.len() + modules_tagged,
        total,
        share * 100.0
    );
    let seen = Seen::new(what, &first.0, Some(first.1), Location::Project);
    if share >= 0.8 {
        Ok(seen)
    } else if share > 0.0 {
        Err(Some(seen))
    } else {
        Err(Some(Seen::new(
            format!("none of {total} taggable Terraform resources carries tags"),
            &first.0,
            Some(first.1),
            Location::Project,
        )))
    }
}

/// Kubernetes workloads of the project: `(workload, with requests and limits on every container)`.
fn k8s_limits(repo: &RepoFacts) -> Vec<(Seen, bool)> {
    let mut out = Vec::new();
    for o in repo.k8s.objects.iter().filter(|o| o.location.is_project()) {
        let Some(spec) = pod_spec(o) else { continue };
        let containers = spec.key("containers").items();
        if containers.is_empty() {
            continue;
        }
        let bounded = containers.iter().all(|c| {
            let r = c.key("resources");
            !r.key("requests").entries().is_empty() && !r.key("limits").entries().is_empty()
        });
        out.push((
            Seen::new(
                format!("{} `{}`", o.kind, o.name.as_deref().unwrap_or("unnamed")),
                &o.path,
                Some(o.line),
                o.location,
            ),
            bounded,
        ));
    }
    if !out.is_empty() {
        return out;
    }
    // only Helm charts: each `resources:` block of the values is one container's settings
    for chart in repo.k8s.charts.iter().filter(|c| c.location.is_project()) {
        let Some(values) = &chart.values else { continue };
        let path = if chart.dir.is_empty() { "values.yaml".to_string() } else { format!("{}/values.yaml", chart.dir) };
        walk_resources(values, "", 0, &mut |at, node| {
            let bounded = !node.key("requests").entries().is_empty() && !node.key("limits").entries().is_empty();
            out.push((Seen::new(format!("Helm value `{at}`"), &path, Some(node.line), chart.location), bounded));
        });
    }
    out
}

fn walk_resources(node: &Node, at: &str, depth: usize, f: &mut dyn FnMut(&str, &Node)) {
    if depth > 6 {
        return;
    }
    for e in node.entries() {
        let here = if at.is_empty() { e.key.clone() } else { format!("{at}.{}", e.key) };
        if e.key == "resources" && (e.value.is_map() || e.value.is_null()) {
            f(&here, &e.value);
        } else {
            walk_resources(&e.value, &here, depth + 1, f);
        }
    }
}

pub struct ResourceTaggingOrLimits;

impl Check for ResourceTaggingOrLimits {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cost.resource_tagging_or_limits",
            title: "Resources are tagged for cost allocation or bounded by limits",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Spend can only be attributed to a team, service or environment when resources carry tags; in Kubernetes, requests and limits are what make capacity (and so cost) predictable and stop one workload from starving the rest.",
            remediation: "Set `default_tags` on the AWS provider (or tags/labels on every resource) with at least service, team and environment; in Kubernetes, give every container CPU and memory requests and limits.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let tags = tf_tagging(repo);
        if let Ok(s) = &tags {
            return Finding::pass(format!("cloud resources are tagged: {}", describe(&[s]))).with(cite(&[s]));
        }
        let workloads = k8s_limits(repo);
        let bounded: Vec<&Seen> = workloads.iter().filter(|(_, b)| *b).map(|(s, _)| s).collect();
        let unbounded: Vec<&Seen> = workloads.iter().filter(|(_, b)| !*b).map(|(s, _)| s).collect();
        if !workloads.is_empty() && unbounded.is_empty() {
            return Finding::pass(format!(
                "all {} Kubernetes workloads set requests and limits, e.g. {}",
                workloads.len(),
                describe(&bounded)
            ))
            .with(cite(&bounded));
        }
        let tag_partial = tags.err().flatten();
        if !bounded.is_empty() || tag_partial.is_some() {
            let mut parts = Vec::new();
            let mut all: Vec<&Seen> = Vec::new();
            if let Some(t) = &tag_partial {
                parts.push(t.what.clone());
                all.push(t);
            }
            if !workloads.is_empty() {
                parts.push(format!(
                    "{} of {} Kubernetes workloads set requests and limits; missing on {}",
                    bounded.len(),
                    workloads.len(),
                    describe(&unbounded)
                ));
                all.extend(unbounded.iter().take(3));
            }
            let score =
                if bounded.is_empty() { 0.3 } else { 0.2 + 0.6 * bounded.len() as f64 / workloads.len() as f64 };
            return Finding::partial(score, parts.join("; ")).with(cite(&all));
        }
        if !unbounded.is_empty() {
            return Finding::fail(format!(
                "no container of {} Kubernetes workloads sets requests and limits (e.g. {}), and no Terraform resource is tagged",
                unbounded.len(),
                describe(&unbounded)
            ));
        }
        fail_unless_broken(
            repo,
            is_tf,
            "no cost allocation found (looked for Terraform `default_tags` and tags or labels on resources, and CPU/memory requests and limits on Kubernetes containers)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    use crate::repo::testing::{Row, expect};

    const SERVICE: (&str, &str) = ("Dockerfile", "FROM php\n");

    fn table(check: &dyn Check, rows: Vec<Row>) {
        for (name, mut files, want) in rows {
            if !files.iter().any(|(p, _)| *p == "composer.json") {
                files.push(SERVICE);
            }
            expect(check, name, &files, want);
        }
    }

    const LIBRARY: (&str, &str) = ("composer.json", r#"{"type":"library"}"#);

    #[test]
    fn feature_flags() {
        table(
            &FeatureFlagSystem,
            vec![
                (
                    "openfeature sdk evaluated",
                    vec![
                        ("package.json", r#"{"dependencies":{"@openfeature/server-sdk":"1"}}"#),
                        (
                            "src/cart.ts",
                            "const client = OpenFeature.getClient();\nconst on = await client.getBooleanValue('new-cart', false);\n",
                        ),
                    ],
                    Status::Pass,
                ),
                (
                    "dependency only",
                    vec![("composer.json", r#"{"type":"project","require":{"unleash/client":"2"}}"#)],
                    Status::Partial,
                ),
                (
                    "flagd service only",
                    vec![("compose.yaml", "services:\n  flagd:\n    image: ghcr.io/open-feature/flagd:v0.11\n")],
                    Status::Partial,
                ),
                (
                    "cargo features are not flags",
                    vec![
                        (
                            "Cargo.toml",
                            "[package]\nname = \"svc\"\n[dependencies]\naxum = \"0.7\"\n[features]\ndefault = [\"beta\"]\nbeta = []\n",
                        ),
                        ("src/main.rs", "#[cfg(feature = \"beta\")]\nfn beta() {}\n"),
                    ],
                    Status::Fail,
                ),
                ("commented", vec![("src/a.ts", "// OpenFeature.getClient()\n")], Status::Fail),
                ("lockfile only", vec![("yarn.lock", "unleash-client@^5:\n  version \"5.0.0\"\n")], Status::Fail),
                (
                    "a library that evaluates flags is judged like any code",
                    vec![LIBRARY, ("src/a.php", "$unleash = UnleashBuilder::create();\nUnleash\\Client\\x;\n")],
                    Status::Pass,
                ),
            ],
        );
    }

    #[test]
    fn rollout() {
        table(
            &GradualRolloutOrExperiments,
            vec![
                (
                    "flagd fractional",
                    vec![(
                        "flags/demo.flagd.json",
                        "{\n  \"flags\": {\n    \"x\": {\n      \"defaultVariant\": \"off\",\n      \"targeting\": {\n        \"fractional\": [[\"on\", 10], [\"off\", 90]]\n      }\n    }\n  }\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "flags without targeting",
                    vec![("flags/demo.flagd.json", "{\"flags\": {\"x\": {\"defaultVariant\": \"off\"}}}\n")],
                    Status::Partial,
                ),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn data_pipelines() {
        table(
            &DataPipelines,
            vec![
                ("airflow dag", vec![("dags/orders.py", "from airflow import DAG\n")], Status::Pass),
                ("dbt", vec![("analytics/dbt_project.yml", "name: shop\n")], Status::Pass),
                (
                    "glue",
                    vec![("infra/etl.tf", "resource \"aws_glue_job\" \"orders\" {\n  name = \"orders\"\n}\n")],
                    Status::Pass,
                ),
                (
                    "airflow image only",
                    vec![("compose.yaml", "services:\n  airflow:\n    image: apache/airflow:2.9\n")],
                    Status::Partial,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    const DASHBOARD_TECH: &str = "{\n  \"panels\": [\n    {\"targets\": [{\n      \"expr\": \"rate(http_requests_total[5m])\"\n    }]}\n  ],\n  \"schemaVersion\": 39\n}\n";
    const DASHBOARD_BIZ: &str = "{\n  \"panels\": [\n    {\"targets\": [{\n      \"expr\": \"sum(increase(shop_orders_total[1d]))\"\n    }]}\n  ],\n  \"schemaVersion\": 39\n}\n";

    #[test]
    fn warehouse_or_dashboards() {
        table(
            &WarehouseOrDashboards,
            vec![
                (
                    "redshift",
                    vec![(
                        "infra/dw.tf",
                        "resource \"aws_redshift_cluster\" \"dw\" {\n  node_type = \"ra3.xlplus\"\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "snowflake",
                    vec![("infra/sf.tf", "resource \"snowflake_warehouse\" \"bi\" {\n  name = \"BI\"\n}\n")],
                    Status::Pass,
                ),
                (
                    "metabase",
                    vec![("compose.yaml", "services:\n  metabase:\n    image: metabase/metabase\n")],
                    Status::Pass,
                ),
                ("business dashboard", vec![("grafana/shop.json", DASHBOARD_BIZ)], Status::Pass),
                ("technical dashboard", vec![("grafana/http.json", DASHBOARD_TECH)], Status::Partial),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn budgets() {
        table(
            &BudgetsAndAlerts,
            vec![
                (
                    "budget with notification",
                    vec![(
                        "infra/budget.tf",
                        "resource \"aws_budgets_budget\" \"monthly\" {\n  limit_amount = \"100\"\n  notification {\n    threshold = 80\n  }\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "budget without notification",
                    vec![(
                        "infra/budget.tf",
                        "resource \"aws_budgets_budget\" \"monthly\" {\n  limit_amount = \"100\"\n}\n",
                    )],
                    Status::Partial,
                ),
                (
                    "infracost in ci",
                    vec![(
                        ".github/workflows/cost.yml",
                        "on: pull_request\njobs:\n  cost:\n    steps:\n      - run: infracost breakdown --path infra\n",
                    )],
                    Status::Pass,
                ),
                (
                    "commented budget",
                    vec![("infra/budget.tf", "# resource \"aws_budgets_budget\" \"m\" {}\n")],
                    Status::Fail,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    const BOUNDED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {memory: 256Mi}\n";
    const UNBOUNDED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: worker\n";

    #[test]
    fn tagging_or_limits() {
        table(
            &ResourceTaggingOrLimits,
            vec![
                (
                    "default tags",
                    vec![(
                        "infra/main.tf",
                        "provider \"aws\" {\n  default_tags {\n    tags = { team = \"shop\" }\n  }\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "most resources tagged",
                    vec![(
                        "infra/main.tf",
                        "resource \"aws_s3_bucket\" \"a\" {\n  tags = { team = \"x\" }\n}\nresource \"aws_s3_bucket_policy\" \"a\" {\n  bucket = \"a\"\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "some resources tagged",
                    vec![(
                        "infra/main.tf",
                        "resource \"aws_s3_bucket\" \"a\" {\n  tags = { team = \"x\" }\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
                    )],
                    Status::Partial,
                ),
                ("all workloads bounded", vec![("k8s/web.yaml", BOUNDED)], Status::Pass),
                (
                    "some workloads bounded",
                    vec![("k8s/web.yaml", BOUNDED), ("k8s/worker.yaml", UNBOUNDED)],
                    Status::Partial,
                ),
                ("no workload bounded", vec![("k8s/worker.yaml", UNBOUNDED)], Status::Fail),
                ("example workloads", vec![("examples/k8s/web.yaml", BOUNDED)], Status::Fail),
                (
                    "helm values bounded",
                    vec![
                        ("chart/Chart.yaml", "apiVersion: v2\nname: shop\n"),
                        (
                            "chart/values.yaml",
                            "php:\n  resources:\n    requests: {cpu: 100m}\n    limits: {memory: 256Mi}\n",
                        ),
                    ],
                    Status::Pass,
                ),
                (
                    "helm values empty",
                    vec![
                        ("chart/Chart.yaml", "apiVersion: v2\nname: shop\n"),
                        ("chart/values.yaml", "php:\n  resources: {}\n"),
                    ],
                    Status::Fail,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }
}
