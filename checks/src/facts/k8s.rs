//! Kubernetes-style objects (anything with `apiVersion` and `kind`) declared in YAML files.
//!
//! This is the inventory other collectors and checks build on: Argo CD `Application`s and Flux
//! `Kustomization`s for deployment automation today, workloads, RBAC and autoscalers later.
//! Objects in vendored code and test fixtures are skipped; examples are kept with their location
//! so checks can weigh them down.
//!
//! Helm charts are Go templates, not YAML, so a chart is read as: its `Chart.yaml`, its
//! `values.yaml` (parsed), and the `kind:` lines its templates declare (a template is still
//! recognisable as a HorizontalPodAutoscaler or an Ingress without rendering it).

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
    /// The whole object, for checks that read its spec.
    #[serde(skip)]
    pub doc: Node,
}

impl K8sObject {
    /// The API group (`argoproj.io` for `argoproj.io/v1alpha1`, empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("")
    }
}

/// A Helm chart: its directory, parsed values, and the kinds its templates declare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HelmChart {
    pub dir: String,
    pub name: Option<String>,
    pub location: Location,
    #[serde(skip)]
    pub values: Option<Node>,
    /// `(kind, template path, line)` for every `kind:` line of the templates.
    pub template_kinds: Vec<(String, String, u32)>,
}

impl HelmChart {
    pub fn declares(&self, kind: &str) -> Option<&(String, String, u32)> {
        self.template_kinds.iter().find(|(k, _, _)| k == kind)
    }

    /// A value at a dotted path of `values.yaml` (`autoscaling.enabled`).
    pub fn value(&self, path: &str) -> Option<&Node> {
        self.values.as_ref()?.at(path)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct K8sFacts {
    pub objects: Vec<K8sObject>,
    pub charts: Vec<HelmChart>,
}

impl K8sFacts {
    pub fn of_kind<'a>(&'a self, group: &'a str, kind: &'a str) -> impl Iterator<Item = &'a K8sObject> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind && (group == "*" || o.group() == group))
    }
}

pub fn collect(files: &FileIndex, problems: &mut Vec<super::Problem>) -> K8sFacts {
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
        if e.name() == "Chart.yaml" {
            out.charts.push(chart(files, i));
            continue;
        }
        let docs = match files.yaml(i) {
            Some(Ok(docs)) => docs,
            // a broken file that looks like a manifest is worth reporting; other YAML is not ours
            Some(Err(err)) if files.text(i).is_some_and(|t| t.lines().any(|l| l.starts_with("apiVersion:"))) => {
                problems.push(super::Problem::yaml(e.path.clone(), err));
                continue;
            }
            _ => continue,
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
        doc: doc.clone(),
    });
}

static KIND_LINE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?m)^\s*kind:\s*([A-Za-z][A-Za-z0-9]*)\s*$").unwrap());

fn chart(files: &FileIndex, chart_yaml: usize) -> HelmChart {
    let e = files.entry(chart_yaml);
    let dir = e.dir().to_string();
    let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let name = files
        .yaml(chart_yaml)
        .and_then(|r| r.as_ref().ok())
        .and_then(|d| d.first())
        .and_then(|d| d.key("name").scalar());
    let values = files
        .find(&format!("{prefix}values.yaml"))
        .and_then(|i| files.yaml(i))
        .and_then(|r| r.as_ref().ok())
        .and_then(|d| d.first().cloned());
    let templates = format!("{prefix}templates/");
    let mut template_kinds = Vec::new();
    for (i, t) in files.entries().iter().enumerate() {
        if !t.path.starts_with(&templates) {
            continue;
        }
        if let Some(text) = files.text(i) {
            for c in KIND_LINE.captures_iter(text) {
                let m = c.get(1).map(|m| (m.as_str().to_string(), m.start()));
                if let Some((kind, at)) = m {
                    template_kinds.push((kind, t.path.clone(), files.line_at(i, at)));
                }
            }
        }
    }
    HelmChart { dir, name, location: e.location, values, template_kinds }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_charts() {
        let idx = FileIndex::from_memory(&[
            ("helm/shop/Chart.yaml", "apiVersion: v2\nname: shop\n"),
            ("helm/shop/values.yaml", "autoscaling:\n  enabled: true\n  maxReplicas: 10\ningress:\n  tls: []\n"),
            (
                "helm/shop/templates/hpa.yaml",
                "{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
            ),
            (
                "helm/shop/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x\" . }}\n",
            ),
        ]);
        let f = collect(&idx, &mut Vec::new());
        assert!(f.objects.is_empty(), "templates are not manifests");
        let c = &f.charts[0];
        assert_eq!((c.dir.as_str(), c.name.as_deref()), ("helm/shop", Some("shop")));
        assert_eq!(
            c.declares("HorizontalPodAutoscaler").map(|(_, p, l)| (p.as_str(), *l)),
            Some(("helm/shop/templates/hpa.yaml", 3))
        );
        assert_eq!(c.value("autoscaling.enabled").and_then(Node::as_bool), Some(true));
    }

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
        let f = collect(&idx, &mut Vec::new());
        let got: Vec<(&str, &str, u32)> = f.objects.iter().map(|o| (o.kind.as_str(), o.group(), o.line)).collect();
        assert_eq!(got, vec![("Application", "argoproj.io", 1), ("Service", "", 9)]);
    }
}
