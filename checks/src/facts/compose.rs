//! docker-compose files: the services a project runs beside itself (databases, caches, tracing
//! backends, log shippers...), recognised by their image.
//!
//! Only the `services:` of compose files are read, each with its image, name and settings. Which
//! product a service runs is decided by the checks' one product rule (`repo::support::products`),
//! not here.

use super::files::{FileIndex, Location};
use super::yaml::Node;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub path: String,
    pub line: u32,
    pub name: String,
    pub image: Option<String>,
    /// The command and environment, flattened (for settings such as `--appendonly yes`).
    pub settings: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ComposeFacts {
    pub files: Vec<String>,
    pub services: Vec<Service>,
}

fn is_compose(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.starts_with("docker-compose") || n.starts_with("compose")) && (n.ends_with(".yml") || n.ends_with(".yaml"))
}

pub fn collect(files: &FileIndex, problems: &mut Vec<super::Problem>) -> ComposeFacts {
    let mut out = ComposeFacts::default();
    for (i, e) in files.entries().iter().enumerate() {
        if !is_compose(e.name()) || matches!(e.location, Location::Vendored | Location::Fixture) {
            continue;
        }
        let docs = match files.yaml(i) {
            Some(Ok(docs)) => docs,
            Some(Err(err)) => {
                problems.push(super::Problem::yaml(e.path.clone(), err));
                continue;
            }
            None => continue,
        };
        let Some(doc) = docs.first() else { continue };
        out.files.push(e.path.clone());
        for svc in doc.key("services").entries() {
            out.services.push(Service {
                path: e.path.clone(),
                line: svc.line,
                name: svc.key.clone(),
                image: svc.value.key("image").scalar(),
                settings: settings(&svc.value),
                location: e.location,
            });
        }
    }
    out
}

fn settings(node: &Node) -> String {
    let mut parts = node.key("command").strings();
    parts.extend(node.key("entrypoint").strings());
    for e in node.key("environment").entries() {
        parts.push(format!("{}={}", e.key, e.value.scalar().unwrap_or_default()));
    }
    parts.extend(node.key("environment").strings());
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_image() {
        let idx = FileIndex::from_memory(&[
            (
                "compose.yaml",
                "services:\n  php:\n    build: .\n  database:\n    image: postgres:16-alpine\n  cache:\n    image: bitnami/redis:7.2\n    command: redis-server --appendonly yes\n  tracing:\n    image: jaegertracing/all-in-one@sha256:abc\n",
            ),
            ("docker/docker-compose.override.yml", "services:\n  redis:\n    build: ./redis\n"),
            ("examples/compose.yml", "services:\n  loki:\n    image: grafana/loki\n"),
        ]);
        let f = collect(&idx, &mut Vec::new());
        assert_eq!(f.files, vec!["compose.yaml", "docker/docker-compose.override.yml", "examples/compose.yml"]);
        let images: Vec<Option<&str>> = f.services.iter().map(|s| s.image.as_deref()).collect();
        assert_eq!(
            images,
            vec![
                None,
                Some("postgres:16-alpine"),
                Some("bitnami/redis:7.2"),
                Some("jaegertracing/all-in-one@sha256:abc"),
                None,
                Some("grafana/loki")
            ]
        );
        assert_eq!(f.services[5].location, Location::Example);
        assert!(f.services[2].settings.contains("--appendonly yes"));
        assert_eq!(f.services[1].line, 4);
    }
}
