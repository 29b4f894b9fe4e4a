//! Roadmap item 1.1 (Kubernetes production cluster), the Kubernetes questions: does the project
//! describe its workloads for Kubernetes, and does it grant permissions through RBAC.
//!
//! Workloads and RBAC are read from Kubernetes objects, Helm chart templates, Kustomize and
//! Terraform, never from a README. Whether the cluster itself is declared is `iac.rs`.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::k8s::K8sObject;
use crate::facts::terraform::{TfBlock, TfValue};
use crate::model::{Evidence, Finding};
use crate::repo::support::{
    chart_label, charts_declaring, counts, first_evidence, list, obj_evidence, obj_label, objects_of, place,
    tf_evidence, tf_modules, tf_resources, tf_unknown,
};

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
                format!("workloads are declared only in {} files ({})", place(o.location), obj_label(o)),
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
                obj_label(objects[0])
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
                format!("RBAC objects exist only in {} files ({})", place(o.location), obj_label(o)),
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
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    const EKS_MODULE: &str = "module \"eks\" {\n  source = \"terraform-aws-modules/eks/aws\"\n  eks_managed_node_groups = {\n    default = { min_size = 2 }\n  }\n  access_entries = {}\n}\n";

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
