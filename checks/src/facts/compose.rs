//! docker-compose files: the services a project runs beside itself (databases, caches, tracing
//! backends, log shippers...), recognised by their image.
//!
//! Only the `services:` of compose files are read. A service is identified by the repository part
//! of its image (`bitnami/redis:7` → `redis`), falling back to the service name when the image is
//! built locally, so `image: mysql` counts and a service merely called `cache` does not.

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

impl Service {
    /// The image's repository name without registry, owner or tag: `bitnami/redis:7` → `redis`.
    pub fn image_name(&self) -> Option<String> {
        let image = self.image.as_deref()?;
        let no_digest = image.split('@').next().unwrap_or(image);
        let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
        Some(last.split(':').next().unwrap_or(last).to_ascii_lowercase())
    }

    /// Whether the service runs one of these products: a segment of its image path (without
    /// tag) is the product, or starts or ends with it joined by `-` (`redis-stack`,
    /// `bitnami/redis`, `jaegertracing/all-in-one`); for locally built images, the service name.
    pub fn runs(&self, products: &[&str]) -> bool {
        let Some(image) = self.image.as_deref() else {
            return products.iter().any(|p| self.name.eq_ignore_ascii_case(p));
        };
        let image = image.split('@').next().unwrap_or(image).to_ascii_lowercase();
        let path = image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map(|(p, _)| p).unwrap_or(&image);
        path.split('/').any(|seg| {
            products.iter().any(|p| seg == *p || seg.starts_with(&format!("{p}-")) || seg.ends_with(&format!("-{p}")))
        })
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ComposeFacts {
    pub files: Vec<String>,
    pub services: Vec<Service>,
}

impl ComposeFacts {
    /// Services of the project (not examples) running one of these products.
    pub fn running<'a>(&'a self, products: &'a [&'a str]) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.iter().filter(move |s| s.location != Location::Example && s.runs(products))
    }
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
        let names = |p: &[&str]| f.running(p).map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&["redis"]), vec!["cache", "redis"]);
        assert_eq!(names(&["postgres", "mysql"]), vec!["database"]);
        assert_eq!(names(&["jaegertracing"]), vec!["tracing"]);
        assert!(names(&["jaeger"]).is_empty(), "no segment is `jaeger`");
        assert!(names(&["loki"]).is_empty(), "examples do not count");
        assert!(f.services[2].settings.contains("--appendonly yes"));
        assert_eq!(f.services[1].line, 4);
    }
}
