//! Auto-scaling (roadmap item 5.3): autoscalers declared for workloads and nodes, and scaling on
//! application metrics rather than CPU alone.
//!
//! Autoscaling is read from Kubernetes objects (HPA, KEDA, Karpenter), Helm charts (templates and
//! the `autoscaling` switch of their values) and Terraform (autoscaling groups, node groups with
//! min and max sizes). An autoscaler switched off in a chart's values is not evidence.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::k8s::K8sObject;
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding};
use crate::repo::support::{
    best_candidate, chart_label, charts_declaring, counts, k8s_running, obj_evidence, obj_label, subcharts,
    tf_evidence, tf_label, tf_modules, tf_num, tf_resources, tf_text, tf_unknown, values_evidence,
};

fn tf_scaling(repo: &RepoFacts) -> Vec<(f64, String, Evidence)> {
    let mut out = Vec::new();
    let (groups, _) = tf_resources(
        repo,
        &["aws_autoscaling_group", "aws_appautoscaling_target", "azurerm_monitor_autoscale_setting"],
    );
    for b in groups {
        let (min, max) = (
            tf_num(b, "min_size").or_else(|| tf_num(b, "min_capacity")),
            tf_num(b, "max_size").or_else(|| tf_num(b, "max_capacity")),
        );
        match (min, max) {
            (Some(lo), Some(hi)) if hi <= lo => {
                out.push((0.3, format!("{} with a fixed size ({lo})", tf_label(b)), tf_evidence(b)))
            }
            _ => out.push((1.0, format!("{}, an autoscaling group", tf_label(b)), tf_evidence(b))),
        }
    }
    let (pools, _) = tf_resources(
        repo,
        &[
            "aws_eks_node_group",
            "google_container_node_pool",
            "azurerm_kubernetes_cluster_node_pool",
            "azurerm_kubernetes_cluster",
        ],
    );
    for b in pools {
        let (lo, hi) = (
            tf_num(b, "scaling_config.min_size").or_else(|| tf_num(b, "autoscaling.min_node_count")),
            tf_num(b, "scaling_config.max_size").or_else(|| tf_num(b, "autoscaling.max_node_count")),
        );
        let azure = b.is_true("enable_auto_scaling")
            || b.is_true("auto_scaling_enabled")
            || b.is_true("default_node_pool.enable_auto_scaling")
            || b.is_true("default_node_pool.auto_scaling_enabled");
        if azure || b.has("autoscaling") && lo.is_none() || matches!((lo, hi), (Some(lo), Some(hi)) if hi > lo) {
            out.push((1.0, format!("{}, which scales its nodes automatically", tf_label(b)), tf_evidence(b)));
        }
    }
    let (releases, _) = tf_resources(repo, &["helm_release"]);
    for b in releases {
        let chart = tf_text(b, "chart").unwrap_or_default();
        if ["karpenter", "cluster-autoscaler", "keda"].iter().any(|c| chart.contains(c)) {
            out.push((1.0, format!("{}, which installs `{chart}`", tf_label(b)), tf_evidence(b)));
        }
    }
    let (modules, _) = tf_modules(repo, &["terraform-aws-modules/eks", "terraform-aws-modules/autoscaling"]);
    for b in modules {
        if b.attrs.iter().any(|(k, v)| k.ends_with(".max_size") && v.as_f64().is_some_and(|n| n > 1.0))
            || b.type_.contains("autoscaling")
            || b.type_.contains("karpenter")
        {
            out.push((1.0, format!("{} with node groups that scale", tf_label(b)), tf_evidence(b)));
        }
    }
    let (gke, _) = tf_resources(repo, &["google_container_cluster"]);
    for b in gke {
        if b.is_true("enable_autopilot") || b.is_true("cluster_autoscaling.enabled") {
            out.push((
                0.5,
                format!(
                    "{}, which scales its nodes automatically, but no workload autoscaler is declared",
                    tf_label(b)
                ),
                tf_evidence(b),
            ));
        }
    }
    out
}

/// Whether an autoscaler object is one we recognise.
fn is_autoscaler(o: &K8sObject) -> bool {
    (o.kind == "HorizontalPodAutoscaler" && o.group() == "autoscaling")
        || (o.group() == "keda.sh" && matches!(o.kind.as_str(), "ScaledObject" | "ScaledJob"))
        || (o.group() == "karpenter.sh" && matches!(o.kind.as_str(), "NodePool" | "Provisioner"))
}

/// Every `enabled` under an `autoscaling` key of a chart's values (top level and one level down).
fn chart_autoscaling(values: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = values.get("autoscaling").into_iter().collect();
    out.extend(values.entries().iter().filter_map(|e| e.value.get("autoscaling")));
    out
}

pub struct AutoscalingDeclared;

impl Check for AutoscalingDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.scaling.autoscaling_declared",
            title: "Autoscaling is declared",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Traffic is not flat: without autoscaling a service is either overprovisioned all day or saturated at the peak; an autoscaler adds capacity when load rises and removes it afterwards.",
            remediation: "Declare a HorizontalPodAutoscaler (or KEDA ScaledObject) for each stateless workload with sensible min and max replicas, enable `autoscaling` in the Helm chart's values, and let nodes follow (Cluster Autoscaler, Karpenter, node-group min/max).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let objects: Vec<&K8sObject> =
            repo.k8s.objects.iter().filter(|o| o.location.is_project() && is_autoscaler(o)).collect();
        if let Some(o) = objects.first() {
            let kinds = counts(objects.iter().map(|o| o.kind.as_str()));
            return Finding::pass(format!("{kinds} declared, the first being {}", obj_label(o)))
                .with(objects.iter().take(3).map(|o| obj_evidence(o)));
        }
        let mut chart_off: Option<(String, Evidence)> = None;
        for (chart, (kind, path, line)) in charts_declaring(repo, &["HorizontalPodAutoscaler", "ScaledObject"]) {
            let switches: Vec<&Node> = chart.values.as_ref().map(chart_autoscaling).unwrap_or_default();
            let on = switches.iter().find(|n| n.key("enabled").as_bool() != Some(false));
            if switches.is_empty() || on.is_some() {
                let ev = match on {
                    Some(n) => values_evidence(chart, n.line),
                    None => Evidence::file(path.clone(), Some(*line)),
                };
                return Finding::pass(format!(
                    "the Helm chart `{}` declares a {kind} (`{path}`), enabled in its values",
                    chart_label(chart)
                ))
                .with([ev, Evidence::file(path.clone(), Some(*line))]);
            }
            chart_off.get_or_insert((
                format!(
                    "the Helm chart `{}` can declare a {kind} but its values leave `autoscaling.enabled: false`",
                    chart_label(chart)
                ),
                values_evidence(chart, switches[0].line),
            ));
        }
        let tf = tf_scaling(repo);
        if let Some((score, message, ev)) = best_candidate(&tf) {
            if *score >= 1.0 {
                return Finding::pass(message).with_one(ev.clone());
            }
            if chart_off.is_none() {
                return Finding::partial(*score, message).with_one(ev.clone());
            }
        }
        if let Some((message, ev)) = chart_off {
            return Finding::partial(0.5, message).with_one(ev);
        }
        if let Some((o, image)) =
            k8s_running(repo, &["cluster-autoscaler", "karpenter"]).into_iter().find(|(o, _)| o.location.is_project())
        {
            return Finding::partial(
                0.6,
                format!("{} runs `{image}` for nodes, but no workload autoscaler is declared", obj_label(o)),
            )
            .with_one(obj_evidence(o));
        }
        if let Some(unknown) = tf_unknown(repo, "autoscaling is declared") {
            return unknown;
        }
        Finding::fail(
            "no autoscaling is declared (looked for HorizontalPodAutoscaler, KEDA and Karpenter objects, Helm charts with autoscaling, Terraform autoscaling groups and node groups with min and max sizes)",
        )
    }
}

/// Metric types of an HPA or triggers of a KEDA object, and whether any is custom.
fn custom_metric(o: &K8sObject) -> Option<String> {
    let spec = o.doc.key("spec");
    if o.group() == "keda.sh" {
        return spec
            .key("triggers")
            .items()
            .iter()
            .filter_map(|t| t.key("type").as_str())
            .find(|t| !matches!(*t, "cpu" | "memory"))
            .map(|t| format!("the KEDA trigger `{t}`"));
    }
    spec.key("metrics")
        .items()
        .iter()
        .filter_map(|m| m.key("type").as_str())
        .find(|t| matches!(*t, "Pods" | "Object" | "External" | "ContainerResource") && *t != "ContainerResource")
        .map(|t| format!("a metric of type `{t}`"))
}

pub struct CustomMetrics;

impl Check for CustomMetrics {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.scaling.custom_metrics",
            title: "Autoscaling follows application metrics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "CPU is a late and indirect signal for most services; scaling on request rate, queue length or latency adds capacity before users notice the slowdown.",
            remediation: "Scale on what the service is loaded by: HPA metrics of type Pods, Object or External served by prometheus-adapter or KEDA triggers (Prometheus, queue length, Kafka lag), or custom metrics in `aws_appautoscaling_policy`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let scalers: Vec<&K8sObject> = repo
            .k8s
            .objects
            .iter()
            .filter(|o| o.location.is_project() && is_autoscaler(o) && o.group() != "karpenter.sh")
            .collect();
        for o in &scalers {
            if let Some(what) = custom_metric(o) {
                return Finding::pass(format!("{} scales on {what}", obj_label(o))).with_one(obj_evidence(o));
            }
        }
        let (policies, _) = tf_resources(repo, &["aws_appautoscaling_policy", "aws_autoscaling_policy"]);
        if let Some(b) =
            policies.iter().find(|b| b.attrs.iter().any(|(k, _)| k.contains("customized_metric_specification")))
        {
            return Finding::pass(format!("{}, which scales on a custom CloudWatch metric", tf_label(b)))
                .with_one(tf_evidence(b));
        }
        if let Some((o, image)) = k8s_running(repo, &["prometheus-adapter", "k8s-prometheus-adapter", "keda"])
            .into_iter()
            .find(|(o, _)| o.location.is_project())
        {
            return Finding::pass(format!(
                "{} runs `{image}`, which serves custom metrics to autoscalers",
                obj_label(o)
            ))
            .with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, &["prometheus-adapter", "keda"]).first() {
            return Finding::pass(format!("{}, which serves custom metrics to autoscalers", sc.label()))
                .with_one(sc.evidence());
        }
        if let Some(o) = scalers.first() {
            return Finding::partial(0.5, format!("{} scales on CPU or memory only", obj_label(o)))
                .with_one(obj_evidence(o));
        }
        if let Some((chart, (kind, path, line))) = charts_declaring(repo, &["HorizontalPodAutoscaler"]).first() {
            return Finding::partial(
                0.4,
                format!(
                    "the Helm chart `{}` declares a {kind} on CPU or memory utilisation (`{path}`)",
                    chart_label(chart)
                ),
            )
            .with_one(Evidence::file(path.clone(), Some(*line)));
        }
        if let Some(b) = policies.first() {
            return Finding::partial(
                0.5,
                format!("{}, which scales on a predefined metric (CPU, request count)", tf_label(b)),
            )
            .with_one(tf_evidence(b));
        }
        let tf: Vec<(f64, String, Evidence)> = tf_scaling(repo);
        if let Some((_, message, ev)) = tf.iter().find(|t| t.0 >= 1.0) {
            return Finding::partial(0.3, format!("{message}, on the provider's default signals only"))
                .with_one(ev.clone());
        }
        Finding::fail(
            "no autoscaling on application metrics was found (looked for HPA metrics of type Pods, Object or External, KEDA triggers, prometheus-adapter and custom CloudWatch metrics)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    const HPA_CPU: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n";
    const HPA_RPS: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  metrics:\n    - type: Pods\n      pods:\n        metric:\n          name: http_requests_per_second\n";

    fn chart(enabled: &str) -> Vec<(&'static str, &'static str)> {
        let values: &'static str =
            if enabled == "true" { "autoscaling:\n  enabled: true\n" } else { "autoscaling:\n  enabled: false\n" };
        vec![
            ("chart/Chart.yaml", "name: app\n"),
            ("chart/values.yaml", values),
            (
                "chart/templates/hpa.yaml",
                "{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
            ),
        ]
    }

    #[test]
    fn autoscaling() {
        for (name, files, want) in [
            ("hpa", vec![("k8s/hpa.yaml", HPA_CPU)], Status::Pass),
            (
                "keda",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: rabbitmq\n",
                )],
                Status::Pass,
            ),
            ("chart enabled", chart("true"), Status::Pass),
            ("chart disabled", chart("false"), Status::Partial),
            (
                "asg",
                vec![("asg.tf", "resource \"aws_autoscaling_group\" \"web\" {\n  min_size = 2\n  max_size = 10\n}\n")],
                Status::Pass,
            ),
            (
                "fixed asg",
                vec![("asg.tf", "resource \"aws_autoscaling_group\" \"web\" {\n  min_size = 2\n  max_size = 2\n}\n")],
                Status::Partial,
            ),
            (
                "eks node group",
                vec![(
                    "eks.tf",
                    "resource \"aws_eks_node_group\" \"n\" {\n  scaling_config {\n    min_size = 1\n    max_size = 5\n    desired_size = 2\n  }\n}\n",
                )],
                Status::Pass,
            ),
            ("example hpa", vec![("examples/hpa.yaml", HPA_CPU)], Status::Fail),
            ("broken", vec![("asg.tf", "resource {")], Status::Unknown),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&AutoscalingDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn custom_metrics() {
        for (name, files, want) in [
            ("pods metric", vec![("k8s/hpa.yaml", HPA_RPS)], Status::Pass),
            (
                "keda prometheus",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: prometheus\n",
                )],
                Status::Pass,
            ),
            (
                "keda cpu",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: cpu\n",
                )],
                Status::Partial,
            ),
            ("cpu only", vec![("k8s/hpa.yaml", HPA_CPU)], Status::Partial),
            ("chart hpa", chart("true"), Status::Partial),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&CustomMetrics, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
