//! Documentation: runbooks, deployment guides, disaster-recovery plans, architecture documents
//! and diagrams, API descriptions (OpenAPI), security policy and code ownership.
//!
//! Markdown files are classified by where they live and by their headings (parsed as CommonMark,
//! so a `#` in a code block is not a heading): `docs/runbooks/db.md` is a runbook, and so is a
//! README section titled "Incident response". OpenAPI documents are recognised by their
//! `openapi:`/`swagger:` key, not their name. Recovery time objectives are read from recovery
//! documents ("RTO: 1 hour").

use super::files::{FileIndex, Location};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use serde_json::Value as Json;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Runbook,
    DeploymentGuide,
    DisasterRecovery,
    Architecture,
    ApiReference,
}

impl DocKind {
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Runbook => "runbook",
            DocKind::DeploymentGuide => "deployment guide",
            DocKind::DisasterRecovery => "disaster-recovery plan",
            DocKind::Architecture => "architecture document",
            DocKind::ApiReference => "API reference",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    pub kind: DocKind,
    pub path: String,
    pub line: u32,
    /// The heading or file name that classified it.
    pub title: String,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenApi {
    pub path: String,
    pub version: String,
    pub paths: usize,
    /// Paths or server URLs that carry a version (`/v1/orders`), with their line when known.
    pub versioned: Vec<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rto {
    pub path: String,
    pub line: u32,
    pub hours: f64,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DocsFacts {
    pub docs: Vec<Doc>,
    /// Diagram sources and images (PlantUML, Mermaid, draw.io, Structurizr, architecture images).
    pub diagrams: Vec<(String, Location)>,
    pub openapi: Vec<OpenApi>,
    pub security_policy: Option<String>,
    pub codeowners: Option<String>,
    pub rto: Vec<Rto>,
}

impl DocsFacts {
    /// Project documents (not examples or fixtures) of a kind.
    pub fn of<'a>(&'a self, kind: DocKind) -> impl Iterator<Item = &'a Doc> + 'a {
        self.docs.iter().filter(move |d| d.kind == kind && matches!(d.location, Location::Project | Location::Test))
    }
}

fn kind_by_path(path: &str) -> Option<DocKind> {
    let p = path.to_ascii_lowercase();
    let name = p.rsplit('/').next().unwrap_or(&p);
    if p.contains("runbook") || p.contains("playbook") || p.contains("/on-call") || p.contains("oncall") {
        return Some(DocKind::Runbook);
    }
    if p.contains("disaster") || p.contains("recovery") || name.contains("backup") || name == "dr.md" {
        return Some(DocKind::DisasterRecovery);
    }
    if name.contains("deploy")
        || p.contains("/deployment/")
        || p.contains("/deploying/")
        || name.starts_with("production")
    {
        return Some(DocKind::DeploymentGuide);
    }
    if name.contains("architecture")
        || p.contains("/architecture/")
        || name.starts_with("c4")
        || name.contains("system-design")
    {
        return Some(DocKind::Architecture);
    }
    if (p.contains("docs/api/") || name == "api.md" || name.starts_with("api-")) && !p.contains("/adr/") {
        return Some(DocKind::ApiReference);
    }
    None
}

fn kind_by_heading(h: &str) -> Option<DocKind> {
    let h = h.to_ascii_lowercase();
    if h.contains("runbook")
        || h.contains("incident response")
        || h.contains("on-call")
        || h.contains("operational procedure")
        || h.contains("operations guide")
    {
        return Some(DocKind::Runbook);
    }
    if h.contains("disaster recovery")
        || h.contains("backup and restore")
        || h.contains("backup & restore")
        || h.contains("recovery procedure")
    {
        return Some(DocKind::DisasterRecovery);
    }
    if h.starts_with("deploy")
        || h.contains("deployment")
        || h.contains("deploying")
        || h.contains("production setup")
        || h.contains("going to production")
    {
        return Some(DocKind::DeploymentGuide);
    }
    if h.starts_with("architecture") || h.contains("system architecture") || h.contains("architecture overview") {
        return Some(DocKind::Architecture);
    }
    if h == "api" || h.starts_with("api reference") || h.starts_with("api documentation") || h.starts_with("rest api") {
        return Some(DocKind::ApiReference);
    }
    None
}

const DIAGRAM_EXT: &[&str] =
    &[".puml", ".plantuml", ".pu", ".mmd", ".mermaid", ".drawio", ".dsl", ".excalidraw", ".c4"];

static RTO: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(?:RTO|recovery[ -]time[ -]objective)\b[^0-9\n]{0,60}?(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|hrs?|h|m|seconds?|secs?|s)\b").unwrap()
});

fn hours(value: f64, unit: &str) -> f64 {
    match unit.to_ascii_lowercase().chars().next() {
        Some('m') => value / 60.0,
        Some('s') => value / 3600.0,
        _ => value,
    }
}

pub fn collect(files: &FileIndex) -> DocsFacts {
    let mut out = DocsFacts::default();
    for (i, e) in files.entries().iter().enumerate() {
        if matches!(e.location, Location::Vendored | Location::Fixture) {
            continue;
        }
        let lower = e.path.to_ascii_lowercase();
        let name = e.name();
        if name.eq_ignore_ascii_case("SECURITY.md") && (e.dir().is_empty() || e.dir() == ".github" || e.dir() == "docs")
        {
            out.security_policy = Some(e.path.clone());
        }
        // an OpenSSF Security Insights file with a vulnerability-reporting section is a policy too
        if out.security_policy.is_none()
            && matches!(lower.rsplit('/').next(), Some("security-insights.yml" | "security-insights.yaml"))
            && (e.dir().is_empty() || e.dir() == ".github")
            && files.text(i).is_some_and(|t| t.lines().any(|l| l.trim_start().starts_with("vulnerability-reporting:")))
        {
            out.security_policy = Some(e.path.clone());
        }
        if name == "CODEOWNERS" && matches!(e.dir(), "" | ".github" | "docs" | ".gitlab") {
            out.codeowners = Some(e.path.clone());
        }
        let image = [".png", ".svg", ".jpg", ".jpeg"].iter().any(|x| lower.ends_with(x));
        let named_diagram =
            lower.rsplit('/').next().is_some_and(|n| n.contains("architecture") || n.contains("diagram"));
        if DIAGRAM_EXT.iter().any(|x| lower.ends_with(x)) || (image && named_diagram) {
            out.diagrams.push((e.path.clone(), e.location));
        }
        let is_md = lower.ends_with(".md")
            || lower.ends_with(".markdown")
            || lower.ends_with(".rst")
            || lower.ends_with(".adoc");
        if is_md {
            if let Some(kind) =
                kind_by_path(&e.path).filter(|_| !lower.contains("/adr/") && !lower.contains("/decisions/"))
            {
                out.docs.push(Doc {
                    kind,
                    path: e.path.clone(),
                    line: 1,
                    title: name.to_string(),
                    location: e.location,
                });
            }
            if let Some(text) = files.text(i) {
                read_markdown(&e.path, e.location, text, &mut out);
            }
        }
        if (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json"))
            && let Some(api) = openapi(files, i)
        {
            out.openapi.push(api);
        }
    }
    out
}

fn read_markdown(path: &str, location: Location, text: &str, out: &mut DocsFacts) {
    let lines = crate::text::LineIndex::new(text);
    let mut heading: Option<(HeadingLevel, String, usize)> = None;
    let mut recovery_doc = kind_by_path(path)
        .is_some_and(|k| matches!(k, DocKind::DisasterRecovery | DocKind::Runbook | DocKind::Architecture));
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new(), range.start)),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h, _)) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, h, start)) = heading.take()
                    && level <= HeadingLevel::H3
                    && let Some(kind) = kind_by_heading(&h)
                {
                    let line = lines.line(start);
                    if !out.docs.iter().any(|d| d.path == path && d.kind == kind) {
                        out.docs.push(Doc {
                            kind,
                            path: path.to_string(),
                            line,
                            title: h.trim().to_string(),
                            location,
                        });
                    }
                    recovery_doc |= matches!(kind, DocKind::DisasterRecovery | DocKind::Runbook);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if (lang.trim() == "mermaid" || lang.trim() == "plantuml")
                    && !out.diagrams.iter().any(|(p, _)| p == path) =>
            {
                out.diagrams.push((path.to_string(), location));
            }
            _ => {}
        }
    }
    if recovery_doc {
        for m in RTO.captures_iter(text) {
            let (Some(all), Some(v), Some(u)) = (m.get(0), m.get(1), m.get(2)) else { continue };
            let Ok(value) = v.as_str().parse::<f64>() else { continue };
            out.rto.push(Rto {
                path: path.to_string(),
                line: lines.line(all.start()),
                hours: hours(value, u.as_str()),
                text: all.as_str().to_string(),
            });
        }
    }
}

static VERSIONED: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(^|/)v[0-9]+(\.[0-9]+)?(/|$)").unwrap());

fn openapi(files: &FileIndex, i: usize) -> Option<OpenApi> {
    let e = files.entry(i);
    if e.size > 8 * 1024 * 1024 {
        return None;
    }
    // cheap sniff before parsing JSON or walking YAML
    let text = files.text(i)?;
    let head = crate::text::head(text, 4096);
    if !(head.contains("openapi") || head.contains("swagger")) {
        return None;
    }
    let (version, paths, servers): (String, Vec<String>, Vec<String>) = if e.path.ends_with(".json") {
        let doc: Json = serde_json::from_str(text).ok()?;
        let version = doc.get("openapi").or_else(|| doc.get("swagger")).and_then(Json::as_str)?.to_string();
        let paths = doc.get("paths").and_then(Json::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
        let servers = doc
            .get("servers")
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|s| s.get("url")?.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        (version, paths, servers)
    } else {
        let Some(Ok(docs)) = files.yaml(i) else { return None };
        let doc = docs.first()?;
        let version = doc.get("openapi").or_else(|| doc.get("swagger")).and_then(|n| n.scalar())?;
        let paths = doc.key("paths").entries().iter().map(|e| e.key.clone()).collect();
        let servers = doc.key("servers").items().iter().filter_map(|s| s.key("url").scalar()).collect();
        (version, paths, servers)
    };
    if !(version.starts_with('2') || version.starts_with('3')) {
        return None;
    }
    let base_path_versioned = servers.iter().filter(|s| VERSIONED.is_match(s)).cloned();
    let versioned: Vec<String> =
        base_path_versioned.chain(paths.iter().filter(|p| VERSIONED.is_match(p)).cloned()).take(5).collect();
    Some(OpenApi { path: e.path.clone(), version, paths: paths.len(), versioned, location: e.location })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_by_path_and_heading() {
        let idx = FileIndex::from_memory(&[
            ("docs/runbooks/database-failover.md", "# Database failover\n\nRTO: 30 minutes\n"),
            ("README.md", "# Shop\n\n## Deployment\n\nRun helm.\n\n```\n## Runbook inside code\n```\n"),
            ("docs/operations.md", "# Ops\n\n## Disaster recovery\n\nOur recovery time objective is 2 hours.\n"),
            ("docs/architecture.md", "# Overview\n\n```mermaid\ngraph TD; A-->B\n```\n"),
            ("docs/diagrams/context.puml", "@startuml\n@enduml\n"),
            ("SECURITY.md", "Report to security@"),
            (".github/CODEOWNERS", "* @team"),
            ("tests/fixtures/runbook.md", "# Runbook\n"),
        ]);
        let f = collect(&idx);
        let kinds: Vec<(DocKind, &str, u32)> = f.docs.iter().map(|d| (d.kind, d.path.as_str(), d.line)).collect();
        assert_eq!(
            kinds,
            vec![
                (DocKind::DeploymentGuide, "README.md", 3),
                (DocKind::Architecture, "docs/architecture.md", 1),
                (DocKind::DisasterRecovery, "docs/operations.md", 3),
                (DocKind::Runbook, "docs/runbooks/database-failover.md", 1),
            ]
        );
        let rto: Vec<(f64, &str)> = f.rto.iter().map(|r| (r.hours, r.path.as_str())).collect();
        assert_eq!(rto, vec![(2.0, "docs/operations.md"), (0.5, "docs/runbooks/database-failover.md")]);
        let diagrams: Vec<&str> = f.diagrams.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(diagrams, vec!["docs/architecture.md", "docs/diagrams/context.puml"]);
        assert_eq!(f.security_policy.as_deref(), Some("SECURITY.md"));
        assert_eq!(f.codeowners.as_deref(), Some(".github/CODEOWNERS"));
    }

    #[test]
    fn security_insights_is_a_policy_when_it_says_how_to_report() {
        for (files, want) in [
            (
                vec![(
                    ".github/security-insights.yml",
                    "header:\n  schema-version: 2.0.0\nproject:\n  vulnerability-reporting:\n    reports-accepted: true\n",
                )],
                Some(".github/security-insights.yml"),
            ),
            (
                vec![(
                    "SECURITY-INSIGHTS.yml",
                    "header:\n  schema-version: 1.0.0\nproject-lifecycle:\n  status: active\n",
                )],
                None,
            ),
            (vec![("docs/security-insights.yml", "vulnerability-reporting:\n")], None),
        ] {
            assert_eq!(collect(&FileIndex::from_memory(&files)).security_policy.as_deref(), want, "{files:?}");
        }
    }

    #[test]
    fn openapi_documents() {
        let idx = FileIndex::from_memory(&[
            (
                "openapi.yaml",
                "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /v1/orders: {}\n  /health: {}\n",
            ),
            ("api/swagger.json", r#"{"swagger":"2.0","basePath":"/","paths":{"/pets":{}}}"#),
            ("config.yaml", "openapi_enabled: true\n"),
        ]);
        let f = collect(&idx);
        let got: Vec<(&str, &str, usize, Vec<String>)> =
            f.openapi.iter().map(|o| (o.path.as_str(), o.version.as_str(), o.paths, o.versioned.clone())).collect();
        assert_eq!(
            got,
            vec![("api/swagger.json", "2.0", 1, vec![]), ("openapi.yaml", "3.1.0", 2, vec!["/v1/orders".to_string()])]
        );
    }
}
