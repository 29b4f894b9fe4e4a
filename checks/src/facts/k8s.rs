//! Kubernetes-style objects (anything with `apiVersion` and `kind`) declared in YAML files.
//!
//! This is the inventory other collectors and checks build on: Argo CD `Application`s and Flux
//! `Kustomization`s for deployment automation today, workloads, RBAC and autoscalers later.
//! Objects in vendored code and test fixtures are skipped; examples are kept with their location
//! so checks can weigh them down.

use super::files::{FileIndex, Location};
use super::yaml::Node;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct K8sObject {
    pub path: String,
    pub line: u32,
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub location: Location,
}

impl K8sObject {
    /// The API group (`argoproj.io` for `argoproj.io/v1alpha1`, empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct K8sFacts {
    pub objects: Vec<K8sObject>,
}

impl K8sFacts {
    pub fn of_kind<'a>(&'a self, group: &'a str, kind: &'a str) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind && (group == "*" || o.group() == group))
    }
}

pub fn collect(files: &FileIndex) -> K8sFacts {
    let mut out = K8sFacts::default();
    for (i, e) in files.entries().iter().enumerate() {
        let n = e.name().to_ascii_lowercase();
        if !(n.ends_with(".yml") || n.ends_with(".yaml"))
            || matches!(e.location, Location::Vendored | Location::Fixture)
        {
            continue;
        }
        if is_helm_template(files, &e.path) {
            continue;
        }
        let Some(Ok(docs)) = files.yaml(i) else {
            continue;
        };
        for doc in docs {
            push(&e.path, e.location, doc, &mut out.objects);
        }
    }
    out
}

/// A file under a Helm chart's `templates/`: Go templates, not manifests.
pub fn is_helm_template(files: &FileIndex, path: &str) -> bool {
    let mut dir = path;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if parent == "templates" || parent.ends_with("/templates") {
            let chart = parent.strip_suffix("templates").unwrap_or("");
            if files.exists(&format!("{chart}Chart.yaml")) {
                return true;
            }
        }
        dir = parent;
    }
    false
}

fn push(path: &str, location: Location, doc: &Node, out: &mut Vec<K8sObject>) {
    let (Some(api), Some(kind)) = (doc.key("apiVersion").as_str(), doc.key("kind").as_str()) else {
        return;
    };
    if kind == "List" {
        for item in doc.key("items").items() {
            push(path, location, item, out);
        }
        return;
    }
    out.push(K8sObject {
        path: path.to_string(),
        line: doc.line.max(1),
        api_version: api.to_string(),
        kind: kind.to_string(),
        name: doc.key("metadata").key("name").scalar(),
        location,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_lists() {
        let idx = FileIndex::from_memory(&[
            (
                "deploy/argo.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n",
            ),
            ("tests/fixtures/x.yaml", "apiVersion: v1\nkind: Pod\n"),
            ("chart/Chart.yaml", "apiVersion: v2\nname: shop\n"),
            (
                "chart/templates/d.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
            ),
        ]);
        let f = collect(&idx);
        let got: Vec<(&str, &str, u32)> = f.objects.iter().map(|o| (o.kind.as_str(), o.group(), o.line)).collect();
        assert_eq!(got, vec![("Application", "argoproj.io", 1), ("Service", "", 9)]);
    }
}
