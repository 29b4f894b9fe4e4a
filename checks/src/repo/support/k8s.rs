//! Kubernetes objects and Helm charts as checks read them: a workload's pod template and
//! containers, a chart's values file and the sub-charts its values switch on, and one walk over
//! a YAML tree.

use crate::facts::RepoFacts;
use crate::facts::k8s::{HelmChart, K8sObject};
use crate::facts::yaml::Node;
use crate::model::Evidence;

pub(crate) fn obj_evidence(o: &K8sObject) -> Evidence {
    Evidence::file(o.path.clone(), Some(o.line))
}

/// "Deployment `web` in `k8s/web.yaml`".
pub(crate) fn obj_label(o: &K8sObject) -> String {
    match &o.name {
        Some(n) => format!("{} `{n}` in `{}`", o.kind, o.path),
        None => format!("a {} in `{}`", o.kind, o.path),
    }
}

/// The pod template of a workload: a Pod's own spec, a CronJob's job template, and for every
/// other kind (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Argo Rollout...) the pod
/// template under `spec.template.spec`.
pub(crate) fn pod_spec(o: &K8sObject) -> Option<&Node> {
    let d = &o.doc;
    match o.kind.as_str() {
        "Pod" => d.get("spec"),
        "CronJob" => d.at("spec.jobTemplate.spec.template.spec"),
        _ => d.at("spec.template.spec"),
    }
}

/// Containers and init containers of a workload.
pub(crate) fn containers(o: &K8sObject) -> Vec<&Node> {
    let Some(spec) = pod_spec(o) else { return Vec::new() };
    spec.key("containers").items().iter().chain(spec.key("initContainers").items()).collect()
}

/// The command and arguments of a container, joined.
pub(crate) fn container_command(c: &Node) -> String {
    let mut parts = c.key("command").strings();
    parts.extend(c.key("args").strings());
    parts.join(" ")
}

/// Project objects of these kinds (any API group), then those in examples and tests.
pub(crate) fn objects_of<'a>(repo: &'a RepoFacts, kinds: &[&str]) -> (Vec<&'a K8sObject>, Vec<&'a K8sObject>) {
    repo.k8s.objects.iter().filter(|o| kinds.contains(&o.kind.as_str())).partition(|o| o.location.is_project())
}

/// Project charts whose templates declare one of these kinds, with the first such template.
pub(crate) fn charts_declaring<'a>(
    repo: &'a RepoFacts,
    kinds: &[&str],
) -> Vec<(&'a HelmChart, &'a (String, String, u32))> {
    repo.k8s
        .charts
        .iter()
        .filter(|c| c.location.is_project())
        .filter_map(|c| c.template_kinds.iter().find(|(k, _, _)| kinds.contains(&k.as_str())).map(|t| (c, t)))
        .collect()
}

/// The chart's name or directory, for messages.
pub(crate) fn chart_label(c: &HelmChart) -> String {
    c.name.clone().unwrap_or_else(|| if c.dir.is_empty() { ".".into() } else { c.dir.clone() })
}

/// The path of a file of a chart (`values.yaml`, `Chart.yaml`).
pub(crate) fn chart_file(c: &HelmChart, name: &str) -> String {
    if c.dir.is_empty() { name.to_string() } else { format!("{}/{name}", c.dir) }
}

/// The path of a chart's `values.yaml`.
pub(crate) fn values_path(c: &HelmChart) -> String {
    chart_file(c, "values.yaml")
}

/// Evidence for a chart's `values.yaml` at a line.
pub(crate) fn values_evidence(c: &HelmChart, line: u32) -> Evidence {
    Evidence::file(values_path(c), Some(line))
}

/// A Helm sub-chart switched on in a chart's values: a top-level key named after the product
/// (`postgresql:`, `redis:`, `external-dns:`) whose `enabled` is not `false`. Bitnami-style
/// dependencies are conditioned on exactly that key.
pub(crate) struct SubChart<'a> {
    pub chart: &'a HelmChart,
    pub key: &'a str,
    pub line: u32,
    pub values: &'a Node,
}

impl SubChart<'_> {
    pub fn evidence(&self) -> Evidence {
        values_evidence(self.chart, self.line)
    }

    pub fn label(&self) -> String {
        format!("the Helm chart `{}` enables the `{}` sub-chart", chart_label(self.chart), self.key)
    }
}

/// Sub-charts of the project's charts named after one of these products (see
/// [`super::products::names_product`]) and not switched off.
pub(crate) fn subcharts<'a>(repo: &'a RepoFacts, products: &[&'static str]) -> Vec<SubChart<'a>> {
    let mut out = Vec::new();
    for chart in repo.k8s.charts.iter().filter(|c| c.location.is_project()) {
        let Some(values) = &chart.values else { continue };
        for e in values.entries() {
            if super::products::names_product(&e.key, products).is_none() || !e.value.is_map() {
                continue;
            }
            if e.value.key("enabled").as_bool() == Some(false) {
                continue;
            }
            out.push(SubChart { chart, key: &e.key, line: e.line, values: &e.value });
        }
    }
    out
}

/// How deep [`walk`] goes into a tree.
const WALK_DEPTH: usize = 8;

/// Visits every mapping entry of a YAML tree (through lists too), depth first, with its dotted
/// path (`php.resources`, `sidecars[0].image`) and key; `f` returns whether to go below it.
pub(crate) fn walk<'a>(node: &'a Node, f: &mut dyn FnMut(&str, &str, &'a Node) -> bool) {
    walk_at(node, "", 0, f);
}

fn walk_at<'a>(node: &'a Node, at: &str, depth: usize, f: &mut dyn FnMut(&str, &str, &'a Node) -> bool) {
    if depth > WALK_DEPTH {
        return;
    }
    for e in node.entries() {
        let here = if at.is_empty() { e.key.clone() } else { format!("{at}.{}", e.key) };
        if f(&here, &e.key, &e.value) {
            walk_at(&e.value, &here, depth + 1, f);
        }
    }
    for (i, item) in node.items().iter().enumerate() {
        walk_at(item, &format!("{at}[{i}]"), depth + 1, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_templates_and_walks() {
        let repo = RepoFacts::from_memory(&[(
            "k8s/jobs.yaml",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: dump\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: d\n              image: postgres:16\n              command: [pg_dump]\n              args: [\"-Fc\"]\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: migrate\n          image: web\n      containers:\n        - name: web\n          image: web\n",
        )]);
        let o = &repo.k8s.objects;
        assert_eq!(containers(&o[0]).len(), 1);
        assert_eq!(container_command(containers(&o[0])[0]), "pg_dump -Fc");
        assert_eq!(containers(&o[1]).len(), 2, "any kind with a pod template, init containers included");
        let values = crate::facts::yaml::parse("a:\n  resources: {}\n  list:\n    - resources:\n        limits: {}\n")
            .unwrap()
            .remove(0);
        let mut seen = Vec::new();
        walk(&values, &mut |path, key, _| {
            if key == "resources" {
                seen.push(path.to_string());
                return false;
            }
            true
        });
        assert_eq!(seen, vec!["a.resources", "a.list[0].resources"]);
    }
}
