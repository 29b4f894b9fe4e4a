//! Roadmap item 1.1 (Kubernetes production cluster), the infrastructure-as-code question: is the
//! cluster itself declared as code, with nodes to run on.
//!
//! A cluster counts when Terraform, eksctl or CDK/Pulumi code declares it; it is production-ready
//! only with nodes to run on (node groups or pools, Fargate, or a managed mode such as GKE
//! Autopilot or EKS Auto Mode). What the cluster runs is judged in `k8s.rs`.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::k8s::K8sObject;
use crate::facts::terraform::{TfBlock, TfValue};
use crate::model::{Evidence, Finding};
use crate::repo::support::{obj_evidence, place, tf_evidence, tf_modules, tf_resources, tf_unknown};

const CLUSTERS: &[&str] = &[
    "aws_eks_cluster",
    "google_container_cluster",
    "azurerm_kubernetes_cluster",
    "digitalocean_kubernetes_cluster",
    "linode_lke_cluster",
    "scaleway_k8s_cluster",
];
const NODE_GROUPS: &[&str] = &[
    "aws_eks_node_group",
    "aws_eks_fargate_profile",
    "google_container_node_pool",
    "azurerm_kubernetes_cluster_node_pool",
    "scaleway_k8s_pool",
];
const CLUSTER_MODULES: &[&str] =
    &["terraform-aws-modules/eks", "terraform-google-modules/kubernetes-engine", "Azure/aks", "cloudposse/eks-cluster"];
/// Inline settings that give a cluster nodes (or make the provider manage them).
const INLINE_NODES: &[&str] = &[
    "node_pool",
    "default_node_pool",
    "node_config",
    "eks_managed_node_groups",
    "self_managed_node_groups",
    "fargate_profiles",
    "node_pools",
    "agents_count",
    "agents_size",
];

/// Why a Terraform cluster has nodes, if it does.
fn tf_nodes(b: &TfBlock) -> Option<String> {
    let autopilot = b.attr("enable_autopilot").or_else(|| b.attr("autopilot"));
    if autopilot.is_some_and(|v| v.as_bool() != Some(false)) || b.type_.contains("autopilot") {
        return Some("GKE Autopilot manages its nodes".into());
    }
    let auto_mode = ["compute_config.enabled", "cluster_compute_config.enabled", "compute_config"];
    if auto_mode.iter().any(|p| b.attr(p).and_then(TfValue::as_bool) == Some(true)) || b.has("cluster_compute_config") {
        return Some("EKS Auto Mode manages its nodes".into());
    }
    INLINE_NODES.iter().find(|k| b.has(k)).map(|k| format!("it declares `{k}`"))
}

pub struct ClusterDeclared;

impl Check for ClusterDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.iac.kubernetes_cluster_declared",
            title: "The Kubernetes cluster is declared as code",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A cluster created by hand cannot be reviewed, reproduced in another region or rebuilt after a disaster; declared as code, with its node groups, it can.",
            remediation: "Declare the cluster with Terraform (`aws_eks_cluster` with `aws_eks_node_group`, the terraform-aws-modules/eks module with `eks_managed_node_groups`, `google_container_cluster` with a node pool or Autopilot, `azurerm_kubernetes_cluster`), eksctl `ClusterConfig`, or CDK/Pulumi code.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (mut clusters, cluster_examples) = tf_resources(repo, CLUSTERS);
        let (mut modules, module_examples) = tf_modules(repo, CLUSTER_MODULES);
        // a cluster for CI's preview environments is not the production cluster
        clusters.sort_by_key(|b| b.path.starts_with(".github/"));
        modules.sort_by_key(|b| b.path.starts_with(".github/"));
        let (pools, _) = tf_resources(repo, NODE_GROUPS);
        // Terraform: a cluster with nodes passes
        for b in clusters.iter().chain(&modules) {
            let why = tf_nodes(b).or_else(|| pools.first().map(|p| format!("`{}` declares `{}`", p.path, p.label())));
            if let Some(why) = why {
                let mut ev = vec![tf_evidence(b)];
                ev.extend(pools.iter().take(2).map(|p| tf_evidence(p)));
                return Finding::pass(format!("`{}` declares the cluster `{}` and {why}", b.path, b.label())).with(ev);
            }
        }
        // eksctl
        let (eksctl, eksctl_examples): (Vec<&K8sObject>, Vec<&K8sObject>) = repo
            .k8s
            .objects
            .iter()
            .filter(|o| o.kind == "ClusterConfig" && o.group() == "eksctl.io")
            .partition(|o| o.location.is_project());
        for o in &eksctl {
            let d = &o.doc;
            let groups = ["nodeGroups", "managedNodeGroups", "fargateProfiles"]
                .into_iter()
                .find(|k| !d.key(k).items().is_empty());
            let auto = d.at("autoModeConfig.enabled").and_then(|n| n.as_bool()) == Some(true);
            if groups.is_some() || auto {
                let why = groups.map(|g| format!("`{g}`")).unwrap_or_else(|| "Auto Mode".into());
                return Finding::pass(format!("`{}` is an eksctl `ClusterConfig` with {why}", o.path))
                    .with_one(obj_evidence(o));
            }
        }
        if let Some(b) = clusters.first().or(modules.first()) {
            return Finding::partial(
                0.5,
                format!(
                    "`{}` declares the cluster `{}` but no node group, node pool or managed node mode",
                    b.path,
                    b.label()
                ),
            )
            .with_one(tf_evidence(b));
        }
        if let Some(o) = eksctl.first() {
            return Finding::partial(0.5, format!("`{}` is an eksctl `ClusterConfig` without node groups", o.path))
                .with_one(obj_evidence(o));
        }
        // CDK / Pulumi
        let code: Vec<_> = repo.scan.project_hits("iac.cluster_code").collect();
        if let Some(h) = code.first() {
            let ev = Evidence::file_snippet(h.path.clone(), h.line, h.text.clone());
            if let Some(n) = repo.scan.project_hits("iac.node_group_code").next() {
                return Finding::pass(format!(
                    "`{}` defines the cluster in code and `{}` gives it nodes",
                    h.path, n.path
                ))
                .with([ev, Evidence::file_snippet(n.path.clone(), n.line, n.text.clone())]);
            }
            return Finding::partial(
                0.6,
                format!("`{}` defines a Kubernetes cluster in code, but no node group was recognised", h.path),
            )
            .with_one(ev);
        }
        let example = cluster_examples
            .iter()
            .chain(&module_examples)
            .map(|b| (b.path.as_str(), b.location, tf_evidence(b)))
            .chain(eksctl_examples.iter().map(|o| (o.path.as_str(), o.location, obj_evidence(o))))
            .next();
        if let Some((path, location, ev)) = example {
            return Finding::partial(
                0.2,
                format!("a Kubernetes cluster is declared only in {} code (`{path}`)", place(location)),
            )
            .with_one(ev);
        }
        if let Some(unknown) = tf_unknown(repo, "a cluster is declared") {
            return unknown;
        }
        Finding::fail(
            "no Kubernetes cluster is declared as code (looked for Terraform `aws_eks_cluster`, `google_container_cluster`, `azurerm_kubernetes_cluster` and the EKS/GKE/AKS modules, eksctl `ClusterConfig`, and CDK or Pulumi cluster code)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::{run, run_bare};

    const EKS_WITH_NODES: &str = "resource \"aws_eks_cluster\" \"main\" {\n  name = \"prod\"\n}\nresource \"aws_eks_node_group\" \"default\" {\n  cluster_name = aws_eks_cluster.main.name\n}\n";
    const EKS_MODULE: &str = "module \"eks\" {\n  source = \"terraform-aws-modules/eks/aws\"\n  eks_managed_node_groups = {\n    default = { min_size = 2 }\n  }\n  access_entries = {}\n}\n";
    const GKE_AUTOPILOT: &str =
        "resource \"google_container_cluster\" \"c\" {\n  name = \"shop\"\n  enable_autopilot = true\n}\n";

    #[test]
    fn cluster() {
        for (name, files, want) in [
            ("eks with node group", vec![("infra/eks.tf", EKS_WITH_NODES)], Status::Pass),
            ("eks module", vec![("infra/eks.tf", EKS_MODULE)], Status::Pass),
            ("gke autopilot", vec![("terraform/main.tf", GKE_AUTOPILOT)], Status::Pass),
            (
                "aks default pool",
                vec![(
                    "aks.tf",
                    "resource \"azurerm_kubernetes_cluster\" \"k\" {\n  default_node_pool {\n    name = \"d\"\n  }\n}\n",
                )],
                Status::Pass,
            ),
            (
                "eksctl",
                vec![(
                    "cluster.yaml",
                    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\nmanagedNodeGroups:\n  - name: ng\n",
                )],
                Status::Pass,
            ),
            (
                "cluster without nodes",
                vec![("eks.tf", "resource \"aws_eks_cluster\" \"main\" {\n  name = \"prod\"\n}\n")],
                Status::Partial,
            ),
            ("cdk", vec![("infra/stack.ts", "const c = new eks.Cluster(this, 'c', {});\n")], Status::Partial),
            (
                "cdk with node group",
                vec![("infra/stack.ts", "const c = new eks.Cluster(this, 'c', {});\nc.addNodegroupCapacity('ng');\n")],
                Status::Pass,
            ),
            ("example only", vec![("examples/eks/main.tf", EKS_WITH_NODES)], Status::Partial),
            ("commented cdk", vec![("infra/stack.ts", "// const c = new eks.Cluster(this, 'c', {});\n")], Status::Fail),
            ("broken terraform", vec![("infra/eks.tf", "resource \"aws_eks_cluster\" {")], Status::Unknown),
            ("nothing", vec![("README.md", "We run on EKS.\n")], Status::Fail),
        ] {
            let f = run(&ClusterDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
            if matches!(want, Status::Pass | Status::Partial) {
                assert!(!f.evidence.is_empty(), "{name}");
            }
        }
        // a library fails here; the engine decides whether the item applies to it
        let lib = run_bare(&ClusterDeclared, &[("Cargo.toml", "[package]\nname = \"x\"\n")]);
        assert_eq!(lib.status, Status::Fail);
    }
}
