//! Cost optimization (roadmap item 7.3): budgets and alerts, resources tagged for cost
//! allocation, workloads with bounded capacity, and optimization strategies. Tagging is judged as
//! tagging: Kubernetes limits bound capacity, they do not allocate cost.
//!
//! The evidence is infrastructure: Terraform resources (budgets, tags, spot capacity,
//! reservations, lifecycle rules), Kubernetes objects and Helm values (requests and limits,
//! autoscalers that scale to zero), cost tools in CI (Infracost) and in the stack (Kubecost,
//! OpenCost).

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::terraform::{TfBlock, TfKind};
use crate::facts::yaml::Node;
use crate::model::{Finding, clip};
use crate::repo::support::{
    Seen, cite, describe, examples_only, hits, in_stack, is_tf, list, own_and_other, pod_spec, signal_seen,
    unknown_or_fail, values_path, walk,
};
use crate::repo::tools::Category;

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
        for h in hits(repo, Category::CostEstimate).iter().filter(|h| !h.job.manual) {
            alerting.push(Seen::new(
                format!("{} (`{}`)", h.describe(), clip(&h.command, 50)),
                &h.step.path,
                Some(h.step.line),
                Location::Project,
            ));
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
        unknown_or_fail(
            repo,
            is_tf,
            "cloud spend has budgets and alerts",
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
        let path = values_path(chart);
        walk(values, &mut |at, key, node: &Node| {
            if key != "resources" || !(node.is_map() || node.is_null()) {
                return true;
            }
            let bounded = !node.key("requests").entries().is_empty() && !node.key("limits").entries().is_empty();
            out.push((Seen::new(format!("Helm value `{at}`"), &path, Some(node.line), chart.location), bounded));
            false
        });
    }
    out
}

pub struct ResourcesTagged;

impl Check for ResourcesTagged {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cost.resources_tagged",
            title: "Cloud resources are tagged for cost allocation",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Spend can only be attributed to a team, service or environment when the resources carry tags; Kubernetes limits bound capacity, they do not tell whose the bill is.",
            remediation: "Set `default_tags` on the AWS provider (or tags/labels on every resource) with at least service, team and environment, and activate them as cost allocation tags.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        match tf_tagging(repo) {
            Ok(s) => Finding::pass(format!("cloud resources are tagged: {}", describe(&[&s]))).with(cite(&[&s])),
            Err(Some(t)) => Finding::partial(0.4, t.what.clone()).with(cite(&[&t])),
            Err(None) => unknown_or_fail(
                repo,
                is_tf,
                "resources are tagged for cost allocation",
                "no cloud resource is tagged for cost allocation (looked for Terraform `default_tags` and tags or labels on resources)",
            ),
        }
    }
}

pub struct WorkloadsBounded;

impl Check for WorkloadsBounded {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cost.workloads_bounded",
            title: "Kubernetes workloads request and bound their capacity",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Requests and limits are what make a cluster's capacity, and so its cost, predictable: the scheduler packs nodes by requests, and limits stop one workload from starving the rest.",
            remediation: "Give every container CPU and memory requests and a memory limit, in the manifests or the chart's values.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let workloads = k8s_limits(repo);
        let bounded: Vec<&Seen> = workloads.iter().filter(|(_, b)| *b).map(|(s, _)| s).collect();
        let unbounded: Vec<&Seen> = workloads.iter().filter(|(_, b)| !*b).map(|(s, _)| s).collect();
        if workloads.is_empty() {
            return Finding::not_assessed(
                "the project declares no Kubernetes workload, so there is no capacity to bound",
            );
        }
        if unbounded.is_empty() {
            return Finding::pass(format!(
                "all {} Kubernetes workloads set requests and limits, e.g. {}",
                workloads.len(),
                describe(&bounded)
            ))
            .with(cite(&bounded));
        }
        if !bounded.is_empty() {
            return Finding::partial(
                0.2 + 0.6 * bounded.len() as f64 / workloads.len() as f64,
                format!(
                    "{} of {} Kubernetes workloads set requests and limits; missing on {}",
                    bounded.len(),
                    workloads.len(),
                    describe(&unbounded)
                ),
            )
            .with(cite(&unbounded.iter().take(3).copied().collect::<Vec<_>>()));
        }
        Finding::fail(format!(
            "no container of {} Kubernetes workloads sets requests and limits (e.g. {})",
            unbounded.len(),
            describe(&unbounded)
        ))
    }
}

/// The cost optimization strategies and the signals that show each.
const STRATEGIES: &[(&str, &str)] = &[
    ("spot or preemptible capacity", "cost.spot"),
    ("reserved capacity or savings plans", "cost.commitment"),
    ("storage lifecycle rules", "cost.lifecycle"),
    ("rightsizing or scaling to zero", "cost.rightsizing"),
    ("cost visibility (Kubecost, OpenCost)", "cost.visibility"),
];

pub struct OptimizationStrategies;

impl Check for OptimizationStrategies {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cost.optimization_strategies",
            title: "Cost is optimised beyond budgets and tags",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Budgets say when spend is too high and tags say whose it is; lowering it takes strategies built into the infrastructure: spot capacity for interruptible work, commitments for the steady base, lifecycle rules for old data, rightsizing and scaling to zero, and a tool that shows the cost per workload.",
            remediation: "Adopt at least two strategies as code: spot or preemptible node groups, savings plans or reservations, S3 lifecycle rules moving old data to colder classes, vertical autoscaling or scale-to-zero (KEDA `minReplicaCount: 0`, Karpenter consolidation), and Kubecost or OpenCost in the cluster.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut own: Vec<(&str, Seen)> = Vec::new();
        let mut other: Vec<Seen> = Vec::new();
        for (name, id) in STRATEGIES {
            for s in signal_seen(repo, &[id]) {
                if s.location == Location::Project {
                    if !own.iter().any(|(n, _)| n == name) {
                        own.push((name, s));
                    }
                } else {
                    other.push(s);
                }
            }
        }
        let names: Vec<String> = own.iter().map(|(n, _)| n.to_string()).collect();
        let seen: Vec<&Seen> = own.iter().map(|(_, s)| s).collect();
        match own.len() {
            0 if !other.is_empty() => examples_only(&other.iter().collect::<Vec<_>>(), "a cost optimization strategy"),
            0 => unknown_or_fail(
                repo,
                is_tf,
                "cost is optimised",
                "no cost optimization strategy found (looked for spot or preemptible capacity, reservations and savings plans, storage lifecycle rules, vertical autoscaling and scale-to-zero, Kubecost and OpenCost)",
            ),
            1 => Finding::partial(
                0.5,
                format!("one cost optimization strategy is in place, {}: {}", names[0], describe(&seen)),
            )
            .with(cite(&seen)),
            _ => Finding::pass(format!(
                "{} cost optimization strategies are in place, {}: {}",
                own.len(),
                list(&names),
                describe(&seen)
            ))
            .with(cite(&seen)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::service_table as table;

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
    fn tagging() {
        table(
            &ResourcesTagged,
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
                ("limits are not tags", vec![("k8s/web.yaml", BOUNDED)], Status::Fail),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn bounded_workloads() {
        table(
            &WorkloadsBounded,
            vec![
                ("all workloads bounded", vec![("k8s/web.yaml", BOUNDED)], Status::Pass),
                (
                    "some workloads bounded",
                    vec![("k8s/web.yaml", BOUNDED), ("k8s/worker.yaml", UNBOUNDED)],
                    Status::Partial,
                ),
                ("no workload bounded", vec![("k8s/worker.yaml", UNBOUNDED)], Status::Fail),
                ("example workloads", vec![("examples/k8s/web.yaml", BOUNDED)], Status::NotAssessed),
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
                (
                    "no kubernetes",
                    vec![("infra/main.tf", "resource \"aws_s3_bucket\" \"a\" {}\n")],
                    Status::NotAssessed,
                ),
            ],
        );
    }

    #[test]
    fn optimization_strategies() {
        let spot = (
            "infra/eks.tf",
            "module \"eks\" {\n  source = \"x\"\n  eks_managed_node_groups = {\n    batch = {\n      capacity_type = \"SPOT\"\n    }\n  }\n}\n",
        );
        let lifecycle =
            ("infra/s3.tf", "resource \"aws_s3_bucket_lifecycle_configuration\" \"logs\" {\n  bucket = \"logs\"\n}\n");
        table(
            &OptimizationStrategies,
            vec![
                ("spot and lifecycle", vec![spot, lifecycle], Status::Pass),
                ("spot only", vec![spot], Status::Partial),
                (
                    "scale to zero",
                    vec![(
                        "k8s/keda.yaml",
                        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nspec:\n  minReplicaCount: 0\n",
                    )],
                    Status::Partial,
                ),
                ("examples only", vec![("examples/eks/main.tf", spot.1)], Status::Partial),
                (
                    "on demand",
                    vec![("infra/eks.tf", "module \"eks\" {\n  source = \"x\"\n  capacity_type = \"ON_DEMAND\"\n}\n")],
                    Status::Fail,
                ),
                ("limits are not a strategy", vec![("k8s/web.yaml", BOUNDED)], Status::Fail),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }
}
