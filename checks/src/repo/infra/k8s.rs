//! Roadmap item 1.1 (Kubernetes production cluster): is a cluster declared as code, does the
//! project describe its workloads for Kubernetes, and does it grant permissions through RBAC.
//!
//! A cluster counts when Terraform, eksctl or CDK/Pulumi code declares it; it is production-ready
//! only with nodes to run on (node groups or pools, Fargate, or a managed mode such as GKE
//! Autopilot or EKS Auto Mode). Workloads and RBAC are read from Kubernetes objects, Helm chart
//! templates and Kustomize, never from a README.

use super::{
    chart_label, charts_declaring, counts, first_evidence, obj_evidence, objects_of, place, tf_evidence, tf_modules,
    tf_resources, tf_unknown,
};
use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::k8s::K8sObject;
use crate::facts::terraform::{TfBlock, TfValue};
use crate::model::{Evidence, Finding};
use crate::repo::list;

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

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Rollout"];

fn is_kustomization(name: &str) -> bool {
    matches!(name, "kustomization.yaml" | "kustomization.yml" | "Kustomization")
}

pub struct WorkloadsDeclared;

impl Check for WorkloadsDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.k8s.workloads_declared",
            title: "Workloads are described for Kubernetes",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Deployments, StatefulSets and Jobs kept in the repository are reviewed and versioned with the code they run, and the cluster can be rebuilt from them.",
            remediation: "Describe each service as Kubernetes objects (Deployment, StatefulSet, CronJob) in manifests, a Helm chart or a Kustomize base kept in the repository.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (objects, others) = objects_of(repo, WORKLOADS);
        let objects: Vec<&K8sObject> =
            objects.into_iter().filter(|o| o.kind != "Rollout" || o.group() == "argoproj.io").collect();
        let charts = charts_declaring(repo, WORKLOADS);
        let kustomizations: Vec<&str> = repo
            .files
            .entries()
            .iter()
            .filter(|e| e.location.is_project() && is_kustomization(e.name()))
            .map(|e| e.path.as_str())
            .collect();
        let mut found = Vec::new();
        let mut evidence = Vec::new();
        if !objects.is_empty() {
            let mut files: Vec<&str> = objects.iter().map(|o| o.path.as_str()).collect();
            files.dedup();
            found.push(format!(
                "{} in {} file(s) such as `{}`",
                counts(objects.iter().map(|o| o.kind.as_str())),
                files.len(),
                files[0]
            ));
            evidence.extend(objects.iter().map(|o| obj_evidence(o)));
        }
        for (c, (_, path, line)) in &charts {
            let mut kinds: Vec<String> = Vec::new();
            for (k, _, _) in c.template_kinds.iter().filter(|(k, _, _)| WORKLOADS.contains(&k.as_str())) {
                if !kinds.contains(k) {
                    kinds.push(k.clone());
                }
            }
            found.push(format!("the Helm chart `{}` templates {} (`{path}`)", chart_label(c), list(&kinds)));
            evidence.push(Evidence::file(path.clone(), Some(*line)));
        }
        if let Some(k) = kustomizations.first() {
            found.push(format!("Kustomize builds them (`{k}`)"));
            evidence.push(Evidence::file(k.to_string(), None));
        }
        if !found.is_empty() {
            return Finding::pass(format!("the project declares its workloads: {}", found.join("; ")))
                .with(first_evidence(evidence, 5));
        }
        let others: Vec<&K8sObject> = others.into_iter().filter(|o| o.location != Location::Fixture).collect();
        if let Some(o) = others.first() {
            return Finding::partial(
                0.3,
                format!("workloads are declared only in {} files ({})", place(o.location), super::obj_label(o)),
            )
            .with(others.iter().take(3).map(|o| obj_evidence(o)));
        }
        Finding::fail(
            "no Kubernetes workload is declared (looked for Deployment, StatefulSet, DaemonSet, Job and CronJob objects, Helm chart templates and kustomization.yaml)",
        )
    }
}

const RBAC: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];
const TF_RBAC: &[&str] = &[
    "kubernetes_role",
    "kubernetes_role_v1",
    "kubernetes_role_binding",
    "kubernetes_role_binding_v1",
    "kubernetes_cluster_role",
    "kubernetes_cluster_role_v1",
    "kubernetes_cluster_role_binding",
    "kubernetes_cluster_role_binding_v1",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
];
const TF_AUTH_MAP: &[&str] = &["kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"];
/// Inputs of the EKS modules that map IAM identities to Kubernetes permissions.
const MODULE_ACCESS: &[&str] = &[
    "access_entries",
    "aws_auth_roles",
    "aws_auth_users",
    "manage_aws_auth_configmap",
    "enable_cluster_creator_admin_permissions",
];

fn rbac_objects(repo: &RepoFacts) -> (Vec<&K8sObject>, Vec<&K8sObject>) {
    let is_rbac = |o: &&K8sObject| {
        (RBAC.contains(&o.kind.as_str()) && o.group() == "rbac.authorization.k8s.io")
            || (o.kind == "ConfigMap" && o.name.as_deref() == Some("aws-auth"))
    };
    repo.k8s.objects.iter().filter(is_rbac).partition(|o| o.location.is_project())
}

pub struct RbacDefined;

impl Check for RbacDefined {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.k8s.rbac_defined",
            title: "Kubernetes permissions are granted through RBAC",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Roles bound to service accounts and people limit what a compromised pod or leaked credential can do in the cluster; without them everything runs with whatever the defaults allow.",
            remediation: "Declare Roles (or ClusterRoles) with the verbs each workload and team needs and bind them with RoleBindings, in manifests, Helm templates or Terraform (`kubernetes_role`, `aws_eks_access_entry`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (objects, other_objects) = rbac_objects(repo);
        let mut found = Vec::new();
        let mut evidence = Vec::new();
        if !objects.is_empty() {
            found.push(format!(
                "{} (first: {})",
                counts(objects.iter().map(|o| o.kind.as_str())),
                super::obj_label(objects[0])
            ));
            evidence.extend(objects.iter().map(|o| obj_evidence(o)));
        }
        for (c, (kind, path, line)) in charts_declaring(repo, RBAC) {
            found.push(format!("the Helm chart `{}` templates a {kind} (`{path}`)", chart_label(c)));
            evidence.push(Evidence::file(path.clone(), Some(*line)));
        }
        let (tf, _) = tf_resources(repo, TF_RBAC);
        let (maps, _) = tf_resources(repo, TF_AUTH_MAP);
        let maps =
            maps.into_iter().filter(|b| b.attr("metadata.name").map(TfValue::text).as_deref() == Some("aws-auth"));
        let (modules, _) = tf_modules(repo, &["terraform-aws-modules/eks", "cloudposse/eks-cluster"]);
        let modules = modules.into_iter().filter(|b| MODULE_ACCESS.iter().any(|k| b.has(k)));
        let tf: Vec<&TfBlock> = tf.into_iter().chain(maps).chain(modules).collect();
        if let Some(b) = tf.first() {
            found.push(format!("`{}` declares `{}`", b.path, b.label()));
            evidence.extend(tf.iter().map(|b| tf_evidence(b)));
        }
        if !found.is_empty() {
            return Finding::pass(format!("RBAC is declared: {}", found.join("; "))).with(first_evidence(evidence, 5));
        }
        if let Some(o) = other_objects.first() {
            return Finding::partial(
                0.3,
                format!("RBAC objects exist only in {} files ({})", place(o.location), super::obj_label(o)),
            )
            .with_one(obj_evidence(o));
        }
        let (accounts, _) = objects_of(repo, &["ServiceAccount"]);
        let chart_accounts = charts_declaring(repo, &["ServiceAccount"]);
        if !accounts.is_empty() || !chart_accounts.is_empty() {
            let mut names: Vec<String> = Vec::new();
            if let Some(o) = accounts.first() {
                names.push(format!("{} ServiceAccount(s) such as `{}`", accounts.len(), o.path));
            }
            if let Some((c, _)) = chart_accounts.first() {
                names.push(format!("a ServiceAccount in the Helm chart `{}`", chart_label(c)));
            }
            let ev = accounts
                .iter()
                .map(|o| obj_evidence(o))
                .chain(chart_accounts.iter().map(|(_, (_, p, l))| Evidence::file(p.clone(), Some(*l))));
            return Finding::partial(
                0.4,
                format!(
                    "workloads have their own identities ({}) but no Role or RoleBinding says what they may do",
                    list(&names)
                ),
            )
            .with(first_evidence(ev, 3));
        }
        if let Some(unknown) = tf_unknown(repo, "RBAC is declared") {
            return unknown;
        }
        Finding::fail(
            "no Kubernetes RBAC is declared (looked for Role, ClusterRole, RoleBinding and ClusterRoleBinding objects and Helm templates, Terraform `kubernetes_role*`, `aws_eks_access_entry` and the aws-auth ConfigMap)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{run, run_bare};
    use super::*;
    use crate::model::Status;

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

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: shop/web:1\n";

    #[test]
    fn workloads() {
        for (name, files, want) in [
            ("manifests", vec![("k8s/web.yaml", DEPLOYMENT)], Status::Pass),
            (
                "helm chart",
                vec![
                    ("chart/Chart.yaml", "apiVersion: v2\nname: shop\n"),
                    (
                        "chart/templates/web.yaml",
                        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
                    ),
                ],
                Status::Pass,
            ),
            ("kustomize", vec![("deploy/kustomization.yaml", "resources:\n  - github.com/acme/base\n")], Status::Pass),
            ("example only", vec![("examples/k8s/web.yaml", DEPLOYMENT)], Status::Partial),
            ("fixture only", vec![("tests/fixtures/web.yaml", DEPLOYMENT)], Status::Fail),
            (
                "service only",
                vec![("k8s/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")],
                Status::Fail,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&WorkloadsDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn rbac() {
        for (name, files, want) in [
            (
                "role and binding",
                vec![(
                    "k8s/rbac.yaml",
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n",
                )],
                Status::Pass,
            ),
            (
                "helm template",
                vec![
                    ("chart/Chart.yaml", "apiVersion: v2\nname: shop\n"),
                    (
                        "chart/templates/rbac.yaml",
                        "{{- if .Values.rbac.create }}\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n{{- end }}\n",
                    ),
                ],
                Status::Pass,
            ),
            ("eks access entries", vec![("eks.tf", EKS_MODULE)], Status::Pass),
            (
                "terraform role",
                vec![("rbac.tf", "resource \"kubernetes_role_v1\" \"r\" {\n  metadata {\n    name = \"r\"\n  }\n}\n")],
                Status::Pass,
            ),
            (
                "service accounts only",
                vec![("k8s/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n")],
                Status::Partial,
            ),
            (
                "test only",
                vec![(
                    "tests/k8s/rbac.yaml",
                    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n",
                )],
                Status::Partial,
            ),
            (
                "other group named Role",
                vec![("k8s/x.yaml", "apiVersion: iam.example.com/v1\nkind: Role\nmetadata:\n  name: r\n")],
                Status::Fail,
            ),
            ("broken terraform", vec![("rbac.tf", "resource {")], Status::Unknown),
            ("nothing", vec![("k8s/web.yaml", DEPLOYMENT)], Status::Fail),
        ] {
            let f = run(&RbacDefined, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
