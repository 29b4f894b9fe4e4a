//! Infrastructure checks (roadmap items 1.1 Kubernetes, 1.2 databases, 1.3 caching, 1.4 load
//! balancing and CDN), one file per item.
//!
//! They judge declared infrastructure: Terraform resources and modules, Kubernetes objects, Helm
//! charts (their `values.yaml` and the kinds their templates declare) and compose services, before
//! any content-scan signal. What lives under examples or tests is never the project's production
//! setup and scores at most `partial`. This module holds the helpers the families share: evidence
//! for each kind of fact, recognising a product (a database, a cache) in a compose service, a
//! container image or a Helm sub-chart, and the `unknown` answer when Terraform could not be read.

pub mod cache;
pub mod db;
pub mod edge;
pub mod k8s;

use crate::facts::RepoFacts;
use crate::facts::compose::Service;
use crate::facts::files::Location;
use crate::facts::k8s::{HelmChart, K8sObject};
use crate::facts::terraform::{TfBlock, TfKind, TfValue};
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding};

pub(crate) fn tf_evidence(b: &TfBlock) -> Evidence {
    Evidence::file(b.path.clone(), Some(b.line))
}

pub(crate) fn obj_evidence(o: &K8sObject) -> Evidence {
    Evidence::file(o.path.clone(), Some(o.line))
}

pub(crate) fn service_evidence(s: &Service) -> Evidence {
    Evidence::file(s.path.clone(), Some(s.line))
}

/// "`infra/rds.tf` declares `aws_db_instance.main`".
pub(crate) fn tf_label(b: &TfBlock) -> String {
    format!("`{}` declares `{}`", b.path, b.label())
}

/// " (created only when `count = var.memorystore ? 1 : 0`)" for a resource whose count is an
/// expression, since such a resource may not exist in production.
pub(crate) fn tf_condition(b: &TfBlock) -> String {
    match b.attr("count") {
        Some(TfValue::Expr(e)) if e.contains('?') => format!(" (created only when `count = {e}`)"),
        _ => String::new(),
    }
}

/// "Deployment `web` in `k8s/web.yaml`".
pub(crate) fn obj_label(o: &K8sObject) -> String {
    match &o.name {
        Some(n) => format!("{} `{n}` in `{}`", o.kind, o.path),
        None => format!("a {} in `{}`", o.kind, o.path),
    }
}

/// Where a fact lives, for the message of a `partial` about examples and tests.
pub(crate) fn place(location: Location) -> &'static str {
    match location {
        Location::Test => "test",
        Location::Example => "example",
        Location::Fixture => "fixture",
        Location::Vendored => "vendored",
        Location::Project => "project",
    }
}

/// Terraform resources of these types, the project's first, then those in examples and tests.
pub(crate) fn tf_resources<'a>(repo: &'a RepoFacts, types: &[&str]) -> (Vec<&'a TfBlock>, Vec<&'a TfBlock>) {
    tf_split(repo, |b| b.kind == TfKind::Resource && types.contains(&b.type_.as_str()))
}

/// Terraform modules whose source contains one of these fragments, split as [`tf_resources`].
pub(crate) fn tf_modules<'a>(repo: &'a RepoFacts, sources: &[&str]) -> (Vec<&'a TfBlock>, Vec<&'a TfBlock>) {
    tf_split(repo, |b| b.kind == TfKind::Module && sources.iter().any(|s| b.type_.contains(s)))
}

fn tf_split(repo: &RepoFacts, pred: impl Fn(&TfBlock) -> bool) -> (Vec<&TfBlock>, Vec<&TfBlock>) {
    repo.terraform.blocks.iter().filter(|b| pred(b)).partition(|b| b.location.is_project())
}

/// A Terraform attribute as a number, when it is a literal.
pub(crate) fn tf_num(b: &TfBlock, path: &str) -> Option<f64> {
    b.attr(path).and_then(TfValue::as_f64)
}

/// A Terraform attribute as text (literal or expression).
pub(crate) fn tf_text(b: &TfBlock, path: &str) -> Option<String> {
    b.attr(path).map(TfValue::text)
}

/// Whether any attribute path of the block ends with `.name` or is `name` (nested module inputs).
pub(crate) fn tf_any_key<'a>(b: &'a TfBlock, name: &str) -> Option<&'a TfValue> {
    let suffix = format!(".{name}");
    b.attrs.iter().find(|(k, _)| k == name || k.ends_with(&suffix)).map(|(_, v)| v)
}

/// `unknown` when a Terraform file could not be parsed, so the check cannot say `fail`.
pub(crate) fn tf_unknown(repo: &RepoFacts, what: &str) -> Option<Finding> {
    let p = repo.problems_in(|p| p.ends_with(".tf")).next()?;
    Some(
        Finding::unknown(format!("a Terraform file could not be read, so whether {what} is unknown: {p}"))
            .with_one(Evidence::file(p.path.clone(), p.line)),
    )
}

/// Whether a container image runs one of these products: a segment of its path (without tag or
/// digest) is the product or starts or ends with it joined by `-` (`bitnami/redis`,
/// `redis-stack`, `edoburu/pgbouncer`). `acme/redistribution` is not Redis.
pub(crate) fn image_runs(image: &str, products: &[&str]) -> bool {
    let image = image.split('@').next().unwrap_or(image).to_ascii_lowercase();
    let path = image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map(|(p, _)| p).unwrap_or(&image);
    path.split('/').any(|seg| name_is(seg, products))
}

fn name_is(seg: &str, products: &[&str]) -> bool {
    products.iter().any(|p| seg == *p || seg.starts_with(&format!("{p}-")) || seg.ends_with(&format!("-{p}")))
}

static IMAGE_VARIABLE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"^\$\{([A-Za-z0-9_]+)(?::?-([^}]*))?\}$").unwrap());

/// Whether a compose service runs one of these products. An image given wholly as a variable
/// (`${POSTGRES_IMAGE}`) is recognised by the variable's words, its default, or the service name.
pub(crate) fn service_runs(s: &Service, products: &[&str]) -> bool {
    if s.runs(products) {
        return true;
    }
    let Some(c) = s.image.as_deref().and_then(|i| IMAGE_VARIABLE.captures(i.trim())) else {
        return false;
    };
    let var = c[1].to_ascii_lowercase();
    var.split('_').any(|w| products.contains(&w))
        || c.get(2).is_some_and(|d| image_runs(d.as_str(), products))
        || s.name.to_ascii_lowercase().split(['-', '_']).any(|w| products.contains(&w))
}

/// Project compose services (not examples) running one of these products.
pub(crate) fn compose_running<'a>(repo: &'a RepoFacts, products: &[&str]) -> Vec<&'a Service> {
    repo.compose.services.iter().filter(|s| s.location != Location::Example && service_runs(s, products)).collect()
}

/// The pod template of a workload object (Deployment, StatefulSet, Job, CronJob, Pod...).
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

/// Workload objects with a container whose image runs one of these products, with that image.
pub(crate) fn k8s_running<'a>(repo: &'a RepoFacts, products: &[&str]) -> Vec<(&'a K8sObject, String)> {
    let mut out = Vec::new();
    for o in &repo.k8s.objects {
        if let Some(image) =
            containers(o).iter().filter_map(|c| c.key("image").scalar()).find(|i| image_runs(i, products))
        {
            out.push((o, image));
        }
    }
    out
}

/// The command and arguments of a container, joined.
pub(crate) fn container_command(c: &Node) -> String {
    let mut parts = c.key("command").strings();
    parts.extend(c.key("args").strings());
    parts.join(" ")
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

/// The chart's name or directory, for messages.
pub(crate) fn chart_label(c: &HelmChart) -> String {
    c.name.clone().unwrap_or_else(|| if c.dir.is_empty() { ".".into() } else { c.dir.clone() })
}

/// Evidence for a chart's `values.yaml` at a line.
pub(crate) fn values_evidence(c: &HelmChart, line: u32) -> Evidence {
    let path = if c.dir.is_empty() { "values.yaml".to_string() } else { format!("{}/values.yaml", c.dir) };
    Evidence::file(path, Some(line))
}

pub(crate) fn subcharts<'a>(repo: &'a RepoFacts, products: &[&str]) -> Vec<SubChart<'a>> {
    let mut out = Vec::new();
    for chart in repo.k8s.charts.iter().filter(|c| c.location.is_project()) {
        let Some(values) = &chart.values else { continue };
        for e in values.entries() {
            if !name_is(&e.key.to_ascii_lowercase(), products) || !e.value.is_map() {
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

/// A possible answer of a check that weighs several facts: score (1 is pass), message, evidence.
pub(crate) type Candidate = (f64, String, Evidence);

/// Files under `.github/` describe CI's own infrastructure (preview clusters), not production.
fn ci_infra(e: &Evidence) -> bool {
    matches!(e, Evidence::File { path, .. } if path.starts_with(".github/"))
}

/// The best-scoring candidate, the first one among equals (CI infrastructure last).
pub(crate) fn best_candidate(all: &[Candidate]) -> Option<&Candidate> {
    let mut best: Option<&Candidate> = None;
    for c in all {
        best = match best {
            Some(b) if c.0 > b.0 || (c.0 == b.0 && ci_infra(&b.2) && !ci_infra(&c.2)) => Some(c),
            Some(b) => Some(b),
            None => Some(c),
        };
    }
    best
}

/// The finding of the best candidate, citing up to two others.
pub(crate) fn best_finding(all: &[Candidate]) -> Option<Finding> {
    let (score, message, evidence) = best_candidate(all)?;
    let others: Vec<Evidence> = all.iter().filter(|c| c.2 != *evidence).take(2).map(|c| c.2.clone()).collect();
    let f = if *score >= 1.0 { Finding::pass(message) } else { Finding::partial(*score, message) };
    Some(f.with_one(evidence.clone()).with(others))
}

/// Up to `n` distinct evidence items.
pub(crate) fn first_evidence(items: impl IntoIterator<Item = Evidence>, n: usize) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for e in items {
        if out.len() >= n {
            break;
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Counts by kind, for messages: "12 Deployments, 1 StatefulSet".
pub(crate) fn counts<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for n in names {
        match seen.iter_mut().find(|(k, _)| *k == n) {
            Some((_, c)) => *c += 1,
            None => seen.push((n, 1)),
        }
    }
    seen.iter()
        .map(|(k, c)| if *c == 1 { format!("1 {k}") } else { format!("{c} {k}s") })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{Check, Context, Targets};
    use crate::facts::RepoFacts;
    use crate::model::{Finding, Status};

    /// Evaluates a check over in-memory files of an application (a Dockerfile makes it one).
    pub fn run(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let mut all: Vec<(&str, &str)> = vec![("Dockerfile", "FROM scratch\n")];
        all.extend_from_slice(files);
        let repo = RepoFacts::from_memory(&all);
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }

    /// The product's promises: a pass or partial cites evidence, every finding says something.
    fn checked(f: Finding) -> Finding {
        if matches!(f.status, Status::Pass | Status::Partial) {
            assert!(!f.evidence.is_empty(), "{:?} without evidence: {}", f.status, f.message);
        }
        assert!(f.message.len() > 20 && f.message.ends_with('.'), "{}", f.message);
        f
    }

    /// Evaluates a check over exactly these files.
    pub fn run_bare(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let repo = RepoFacts::from_memory(files);
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_variables() {
        assert!(image_runs("bitnami/redis:7.2", &["redis"]));
        assert!(image_runs("redis", &["redis"]));
        assert!(image_runs("registry:5000/ops/pgbouncer:1", &["pgbouncer"]));
        assert!(!image_runs("acme/redistribution:1", &["redis"]), "redistribution is not Redis");
        let repo = RepoFacts::from_memory(&[(
            "compose.yaml",
            "services:\n  astronomy-db:\n    image: ${POSTGRES_IMAGE}\n  valkey-cart:\n    image: ${CACHE_IMAGE}\n  web:\n    image: ${WEB_IMAGE:-nginx:1}\n",
        )]);
        let names = |p: &[&str]| compose_running(&repo, p).iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&["postgres"]), vec!["astronomy-db"]);
        assert_eq!(names(&["valkey"]), vec!["valkey-cart"]);
        assert_eq!(names(&["nginx"]), vec!["web"]);
        assert!(names(&["mysql"]).is_empty());
    }

    #[test]
    fn kind_counts() {
        assert_eq!(counts(["Deployment", "Deployment", "CronJob"]), "2 Deployments, 1 CronJob");
    }
}
