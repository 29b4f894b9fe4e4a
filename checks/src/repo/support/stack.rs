//! Where a product runs beside the project: compose services, Kubernetes workloads, Helm charts,
//! their values and sub-charts, Argo CD and Flux chart references; and the Grafana dashboards
//! kept with it. Every question "does X run in the stack" goes through the one product rule of
//! [`super::products`].

use super::k8s::{chart_file, containers, pod_spec, values_path, walk};
use super::products::names_product;
use super::seen::Seen;
use crate::facts::RepoFacts;
use crate::facts::compose::Service;
use crate::facts::files::Location;
use crate::facts::k8s::K8sObject;
use crate::facts::scan::Hit;
use crate::facts::yaml::Node;
use crate::model::Evidence;
use regex::Regex;
use std::sync::LazyLock;

pub(crate) fn service_evidence(s: &Service) -> Evidence {
    Evidence::file(s.path.clone(), Some(s.line))
}

static IMAGE_VARIABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\$\{([A-Za-z0-9_]+)(?::?-([^}]*))?\}$").expect("valid regex"));

/// The product a compose service runs: the one its image names; for an image given wholly as a
/// variable (`${POSTGRES_IMAGE:-postgres:16}`), the one the variable's words or its default
/// name; for a locally built image or a variable, the one the service's name names.
pub(crate) fn service_runs(s: &Service, products: &[&'static str]) -> Option<&'static str> {
    let by_name = || names_product(&s.name.replace('_', "-"), products);
    let Some(image) = s.image.as_deref().map(str::trim) else { return by_name() };
    if let Some(c) = IMAGE_VARIABLE.captures(image) {
        let var = c[1].to_ascii_lowercase();
        return var
            .split('_')
            .find_map(|w| products.iter().copied().find(|p| *p == w))
            .or_else(|| c.get(2).and_then(|d| names_product(d.as_str(), products)))
            .or_else(by_name);
    }
    names_product(image, products).or_else(|| if image.starts_with("${") { by_name() } else { None })
}

/// Project compose services (not examples) running one of these products.
pub(crate) fn compose_running<'a>(repo: &'a RepoFacts, products: &[&'static str]) -> Vec<&'a Service> {
    repo.compose
        .services
        .iter()
        .filter(|s| s.location != Location::Example && service_runs(s, products).is_some())
        .collect()
}

/// Workload objects with a container whose image runs one of these products, with that image.
pub(crate) fn k8s_running<'a>(repo: &'a RepoFacts, products: &[&'static str]) -> Vec<(&'a K8sObject, String)> {
    let mut out = Vec::new();
    for o in &repo.k8s.objects {
        if let Some(image) =
            containers(o).iter().filter_map(|c| c.key("image").scalar()).find(|i| names_product(i, products).is_some())
        {
            out.push((o, image));
        }
    }
    out
}

/// Where one of these products runs beside the project, wherever it is declared (examples
/// included, with their location): compose services, Kubernetes containers, Argo CD and Flux
/// chart references, Helm charts, their enabled sub-charts and the images of their values.
pub(crate) fn in_stack(repo: &RepoFacts, products: &[&'static str]) -> Vec<Seen> {
    let mut out = Vec::new();
    for s in &repo.compose.services {
        if let Some(p) = service_runs(s, products) {
            out.push(Seen::new(format!("{p} (compose service `{}`)", s.name), &s.path, Some(s.line), s.location));
        }
    }
    for o in &repo.k8s.objects {
        let name = o.name.as_deref().unwrap_or("unnamed");
        if pod_spec(o).is_some() {
            for c in containers(o) {
                if let Some(p) = c.key("image").as_str().and_then(|i| names_product(i, products)) {
                    out.push(Seen::new(
                        format!("{p} ({} `{name}`)", o.kind),
                        &o.path,
                        Some(c.line.max(o.line)),
                        o.location,
                    ));
                }
            }
        }
        let charts = [o.doc.at("spec.source.chart"), o.doc.at("spec.chart.spec.chart"), o.doc.at("spec.chart")];
        let mut sources: Vec<&Node> = charts.into_iter().flatten().collect();
        sources.extend(o.doc.at("spec.sources").map(|s| s.items()).unwrap_or_default().iter().map(|s| s.key("chart")));
        for c in sources {
            if let Some(p) = c.as_str().and_then(|c| names_product(c, products)) {
                out.push(Seen::new(format!("{p} (chart of {} `{name}`)", o.kind), &o.path, Some(o.line), o.location));
            }
        }
    }
    for chart in &repo.k8s.charts {
        let values_path = values_path(chart);
        if let Some(p) = chart.name.as_deref().and_then(|n| names_product(n, products)) {
            out.push(Seen::new(format!("{p} (Helm chart)"), &chart_file(chart, "Chart.yaml"), None, chart.location));
        }
        let Some(values) = &chart.values else { continue };
        for e in values.entries() {
            if let Some(p) = names_product(&e.key, products).filter(|_| e.value.key("enabled").as_bool() == Some(true))
            {
                out.push(Seen::new(
                    format!("{p} (enabled in Helm values)"),
                    &values_path,
                    Some(e.line),
                    chart.location,
                ));
            }
        }
        walk(values, &mut |_, key, node| {
            if matches!(key, "image" | "repository")
                && let Some(p) = node.as_str().and_then(|i| names_product(i, products))
            {
                out.push(Seen::new(
                    format!("{p} (image in Helm values)"),
                    &values_path,
                    Some(node.line),
                    chart.location,
                ));
            }
            true
        });
    }
    out
}

/// Grafana dashboards: JSON models (`schemaVersion` and `panels` in one file), GrafanaDashboard
/// objects and ConfigMaps labelled for the dashboard sidecar.
pub(crate) fn dashboards(repo: &RepoFacts) -> Vec<Seen> {
    let panels: Vec<&Hit> = repo.scan.hits("grafana.dashboard_panels").collect();
    let mut out: Vec<Seen> = repo
        .scan
        .hits("grafana.dashboard_schema")
        .filter(|h| panels.iter().any(|p| p.path == h.path))
        .map(|h| Seen::new("Grafana dashboard", &h.path, None, h.location))
        .collect();
    out.dedup();
    for o in &repo.k8s.objects {
        let labelled = o.kind == "ConfigMap"
            && o.doc
                .at("metadata.labels")
                .is_some_and(|l| l.entries().iter().any(|e| e.key.contains("grafana_dashboard")));
        if o.kind == "GrafanaDashboard" || labelled {
            out.push(Seen::new(
                format!("Grafana dashboard ({} `{}`)", o.kind, o.name.as_deref().unwrap_or("unnamed")),
                &o.path,
                Some(o.line),
                o.location,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_services_by_image_variable_and_name() {
        let repo = RepoFacts::from_memory(&[
            (
                "compose.yaml",
                "services:\n  astronomy-db:\n    image: ${POSTGRES_IMAGE}\n  valkey-cart:\n    image: ${CACHE_IMAGE}\n  web:\n    image: ${WEB_IMAGE:-nginx:1}\n  php:\n    build: .\n  database:\n    image: postgres:16-alpine\n  cache:\n    image: bitnami/redis:7.2\n  tracing:\n    image: jaegertracing/all-in-one@sha256:abc\n  mirror:\n    image: ${REGISTRY}/library/redis:7\n  session_redis:\n    build: ./redis\n",
            ),
            ("examples/compose.yml", "services:\n  loki:\n    image: grafana/loki\n"),
        ]);
        let names = |p: &[&'static str]| compose_running(&repo, p).iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&["postgres"]), vec!["astronomy-db", "database"]);
        assert_eq!(names(&["valkey"]), vec!["valkey-cart"]);
        assert_eq!(names(&["nginx"]), vec!["web"]);
        assert_eq!(names(&["redis"]), vec!["cache", "mirror", "session_redis"]);
        assert_eq!(names(&["jaegertracing"]), vec!["tracing"]);
        assert!(names(&["jaeger"]).is_empty(), "no segment is `jaeger`");
        assert!(names(&["loki"]).is_empty(), "examples do not count");
        assert!(names(&["mysql"]).is_empty());
        // `valkey-cart` names `cache` in its image variable; the service called `cache` runs Redis
        assert_eq!(names(&["cache"]), vec!["valkey-cart"], "a service called `cache` runs what its image says");
    }
}
