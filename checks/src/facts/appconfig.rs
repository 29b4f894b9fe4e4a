//! Framework configuration read as data: Symfony's `config/packages/*.yaml` and Spring Boot's
//! `application*.yml` / `application*.properties`.
//!
//! Checks ask for a dotted path (`framework.session.handler_id`, `spring.session.store-type`) and
//! get every place it is set, with file and line. Symfony's per-environment sections
//! (`when@prod:`) are searched too. Frameworks configured in code (Django settings, Express
//! middleware) are covered by the content scan instead.

use super::files::{FileIndex, Location};
use super::yaml::{Entry, Node, Value};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    Symfony,
    Spring,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigDoc {
    pub path: String,
    pub framework: Framework,
    #[serde(skip)]
    pub root: Node,
}

/// A configuration value found at a path.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub path: &'a str,
    pub line: u32,
    pub node: &'a Node,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AppConfig {
    pub docs: Vec<ConfigDoc>,
}

impl AppConfig {
    /// Every place this dotted path is set in the given framework's configuration.
    pub fn find<'a>(&'a self, framework: Framework, path: &str) -> Vec<Found<'a>> {
        let mut out = Vec::new();
        for doc in self.docs.iter().filter(|d| d.framework == framework) {
            let mut roots: Vec<&Node> = vec![&doc.root];
            roots.extend(doc.root.entries().iter().filter(|e| e.key.starts_with("when@")).map(|e| &e.value));
            for root in roots {
                if let Some((line, node)) = lookup(root, path) {
                    out.push(Found { path: &doc.path, line, node });
                }
            }
        }
        out
    }

    pub fn symfony(&self, path: &str) -> Vec<Found<'_>> {
        self.find(Framework::Symfony, path)
    }

    pub fn spring(&self, path: &str) -> Vec<Found<'_>> {
        self.find(Framework::Spring, path)
    }

    pub fn has(&self, framework: Framework) -> bool {
        self.docs.iter().any(|d| d.framework == framework)
    }
}

/// Follows a dotted path; a flat key containing dots (from a properties file, or
/// `spring.session.store-type` written in one piece in YAML) matches too.
fn lookup<'a>(node: &'a Node, path: &str) -> Option<(u32, &'a Node)> {
    if let Some(e) = node.entries().iter().find(|e| e.key == path) {
        return Some((e.line, &e.value));
    }
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let e = node.entries().iter().find(|e| e.key == head)?;
    match rest {
        None => Some((e.line, &e.value)),
        Some(rest) => lookup(&e.value, rest),
    }
}

fn framework_of(path: &str, name: &str) -> Option<Framework> {
    let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
    if yaml
        && (path.starts_with("config/packages/")
            || path.contains("/config/packages/")
            || path.starts_with("app/config/"))
    {
        return Some(Framework::Symfony);
    }
    let spring_name = name.starts_with("application") || name.starts_with("bootstrap");
    if spring_name && path.contains("src/main/resources/") && (yaml || name.ends_with(".properties")) {
        return Some(Framework::Spring);
    }
    None
}

pub fn collect(files: &FileIndex, problems: &mut Vec<super::Problem>) -> AppConfig {
    let mut out = AppConfig::default();
    for (i, e) in files.entries().iter().enumerate() {
        if !matches!(e.location, Location::Project | Location::Test) {
            continue;
        }
        let Some(framework) = framework_of(&e.path, e.name()) else { continue };
        let root = if e.name().ends_with(".properties") {
            let Some(text) = files.text(i) else { continue };
            properties(text)
        } else {
            match files.yaml(i) {
                Some(Ok(docs)) if !docs.is_empty() => docs[0].clone(),
                Some(Err(err)) => {
                    problems.push(super::Problem::yaml(e.path.clone(), err));
                    continue;
                }
                _ => continue,
            }
        };
        out.docs.push(ConfigDoc { path: e.path.clone(), framework, root });
    }
    out
}

/// A `.properties` file as a flat mapping of full keys.
fn properties(text: &str) -> Node {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
            continue;
        }
        let Some(split) = t.find(['=', ':']) else { continue };
        let (k, v) = (t.get(..split).unwrap_or("").trim(), t.get(split + 1..).unwrap_or("").trim());
        let line = n as u32 + 1;
        entries.push(Entry { key: k.to_string(), line, value: Node { line, value: Value::Str(v.to_string()) } });
    }
    Node { line: 1, value: Value::Map(entries) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symfony_paths_and_environments() {
        let idx = FileIndex::from_memory(&[
            (
                "config/packages/framework.yaml",
                "framework:\n    session:\n        handler_id: '%env(REDIS_URL)%'\n    cache:\n        app: cache.adapter.redis\nwhen@test:\n    framework:\n        session:\n            storage_factory_id: session.storage.factory.mock_file\n",
            ),
            (
                "config/packages/prod/monolog.yaml",
                "monolog:\n    handlers:\n        main:\n            type: stream\n            formatter: monolog.formatter.json\n",
            ),
            ("vendor/x/config/packages/evil.yaml", "framework:\n    session: {handler_id: x}\n"),
        ]);
        let c = collect(&idx, &mut Vec::new());
        let found = c.symfony("framework.session.handler_id");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].path, found[0].line), ("config/packages/framework.yaml", 3));
        assert_eq!(c.symfony("framework.session.storage_factory_id").len(), 1, "when@test is searched");
        assert_eq!(c.symfony("monolog.handlers.main.formatter")[0].node.as_str(), Some("monolog.formatter.json"));
    }

    #[test]
    fn spring_yaml_and_properties() {
        let idx = FileIndex::from_memory(&[
            (
                "src/main/resources/application.properties",
                "# comment\nspring.session.store-type=redis\nmanagement.endpoints.web.exposure.include = health,prometheus\n",
            ),
            (
                "src/main/resources/application-prod.yml",
                "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 20\n",
            ),
        ]);
        let c = collect(&idx, &mut Vec::new());
        assert_eq!(c.spring("spring.session.store-type")[0].node.as_str(), Some("redis"));
        assert_eq!(c.spring("spring.session.store-type")[0].line, 2);
        assert_eq!(c.spring("spring.datasource.hikari.maximum-pool-size")[0].node.as_f64(), Some(20.0));
    }
}
