//! Configuration files of development tools: dependency-update bots, security scanners and
//! coverage settings.
//!
//! A configuration file shows a tool was set up, not that it runs; checks weigh it below a CI
//! step that runs the tool. Dependabot files are parsed (which ecosystems are kept up to date),
//! PHPUnit configuration is read as XML (a `<coverage>` element with reports), and the rest are
//! recognised by their well-known names.

use super::files::{FileIndex, Location};
use super::manifests::{DepKind, Ecosystem, Manifests};
use super::{Problem, xml};
use serde::Serialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dependabot {
    pub path: String,
    /// `package-ecosystem` values with their lines.
    pub ecosystems: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigFile {
    /// The tool the file configures (`trivy`, `snyk`, `codecov`...).
    pub tool: &'static str,
    pub path: String,
    pub line: Option<u32>,
    /// What in the file says so, when more than its name.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Tooling {
    pub dependabot: Option<Dependabot>,
    pub renovate: Option<ConfigFile>,
    /// Scanner and coverage configuration found by name or content.
    pub configs: Vec<ConfigFile>,
}

impl Tooling {
    pub fn config(&self, tool: &str) -> Option<&ConfigFile> {
        self.configs.iter().find(|c| c.tool == tool)
    }
}

/// File names that configure a tool, wherever they sit in the project.
const BY_NAME: &[(&str, &str)] = &[
    (".snyk", "snyk"),
    ("trivy.yaml", "trivy"),
    ("trivy.yml", "trivy"),
    (".trivyignore", "trivy"),
    (".trivyignore.yaml", "trivy"),
    ("deny.toml", "cargo-deny"),
    (".gitleaks.toml", "gitleaks"),
    (".gitleaksignore", "gitleaks"),
    (".semgrep.yml", "semgrep"),
    (".semgrep.yaml", "semgrep"),
    ("semgrep.yml", "semgrep"),
    (".semgrepignore", "semgrep"),
    ("sonar-project.properties", "sonarqube"),
    (".bandit", "bandit"),
    (".checkov.yaml", "checkov"),
    (".checkov.yml", "checkov"),
    ("zap.yaml", "zap"),
    ("zap-rules.tsv", "zap"),
    (".zap-rules.tsv", "zap"),
    ("codecov.yml", "codecov"),
    (".codecov.yml", "codecov"),
    (".coveragerc", "coverage.py"),
    (".nycrc", "nyc"),
    (".nycrc.json", "nyc"),
    ("tarpaulin.toml", "tarpaulin"),
    (".tarpaulin.toml", "tarpaulin"),
    (".secrets.baseline", "detect-secrets"),
];

const RENOVATE: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
];

pub fn collect(files: &FileIndex, manifests: &Manifests, problems: &mut Vec<Problem>) -> Tooling {
    let mut out = Tooling::default();
    for path in [".github/dependabot.yml", ".github/dependabot.yaml"] {
        let Some(i) = files.find(path) else { continue };
        match files.yaml(i) {
            Some(Ok(docs)) => {
                let ecosystems = docs
                    .first()
                    .map(|d| {
                        d.key("updates")
                            .items()
                            .iter()
                            .filter_map(|u| u.key("package-ecosystem").scalar().map(|e| (e, u.line)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.dependabot = Some(Dependabot { path: path.to_string(), ecosystems });
            }
            Some(Err(e)) => problems.push(Problem::yaml(path, e)),
            None => {}
        }
    }
    out.renovate = RENOVATE.iter().find(|p| files.exists(p)).map(|p| ConfigFile {
        tool: "renovate",
        path: p.to_string(),
        line: None,
        detail: None,
    });
    if out.renovate.is_none() {
        out.renovate = manifests.manifests.iter().filter(|m| m.ecosystem == Ecosystem::Npm).find_map(|m| {
            let text = files.find(&m.path).and_then(|i| files.text(i))?;
            let doc: Json = serde_json::from_str(text).ok()?;
            doc.get("renovate")?;
            Some(ConfigFile {
                tool: "renovate",
                path: m.path.clone(),
                line: super::files::line_containing(text, "\"renovate\""),
                detail: Some("`renovate` key".into()),
            })
        });
    }
    for e in files.entries() {
        if !e.location.is_project() {
            continue;
        }
        if let Some((_, tool)) = BY_NAME.iter().find(|(n, _)| *n == e.name()) {
            out.configs.push(ConfigFile { tool, path: e.path.clone(), line: None, detail: None });
        }
        if e.path.starts_with(".github/codeql/") {
            out.configs.push(ConfigFile { tool: "codeql", path: e.path.clone(), line: None, detail: None });
        }
    }
    for (i, e) in files.entries().iter().enumerate() {
        if matches!(e.name(), "phpunit.xml" | "phpunit.xml.dist" | "phpunit.dist.xml")
            && e.location != Location::Vendored
            && let Some(detail) = files.text(i).and_then(phpunit_coverage)
        {
            out.configs.push(ConfigFile {
                tool: "phpunit-coverage",
                path: e.path.clone(),
                line: Some(detail.0),
                detail: Some(detail.1),
            });
        }
    }
    for m in &manifests.manifests {
        let Some(text) = files.find(&m.path).and_then(|i| files.text(i)) else {
            continue;
        };
        match m.ecosystem {
            Ecosystem::Npm => {
                let doc: Option<Json> = serde_json::from_str(text).ok();
                if doc.as_ref().and_then(|d| d.pointer("/jest/collectCoverage")).and_then(Json::as_bool) == Some(true) {
                    let line = super::files::line_containing(text, "collectCoverage");
                    out.configs.push(ConfigFile {
                        tool: "jest-coverage",
                        path: m.path.clone(),
                        line,
                        detail: Some("jest.collectCoverage".into()),
                    });
                }
            }
            Ecosystem::Pypi if m.path.ends_with("pyproject.toml") => {
                if let Some(line) = super::files::line_containing(text, "[tool.coverage") {
                    out.configs.push(ConfigFile {
                        tool: "coverage.py",
                        path: m.path.clone(),
                        line: Some(line),
                        detail: Some("[tool.coverage]".into()),
                    });
                }
            }
            _ => {}
        }
    }
    for d in &manifests.dependencies {
        let tool = match (d.ecosystem, d.kind, d.name.as_str()) {
            (Ecosystem::Maven, DepKind::Plugin, "org.jacoco:jacoco-maven-plugin") => "jacoco",
            (Ecosystem::Gradle, DepKind::Plugin, "jacoco") => "jacoco",
            (Ecosystem::Maven, DepKind::Plugin, "org.owasp:dependency-check-maven") => "dependency-check",
            (Ecosystem::Gradle, DepKind::Plugin, "org.owasp.dependencycheck") => "dependency-check",
            (Ecosystem::Composer, _, "roave/security-advisories") => "roave-security-advisories",
            _ => continue,
        };
        out.configs.push(ConfigFile { tool, path: d.manifest.clone(), line: d.line, detail: Some(d.name.clone()) });
    }
    out
}

/// A PHPUnit configuration that writes a coverage report: `<coverage><report>...` (PHPUnit 9.3+)
/// or `<logging><log type="coverage-clover">` (older).
fn phpunit_coverage(text: &str) -> Option<(u32, String)> {
    let doc = xml::parse(text).ok()?;
    let node = doc.descendants().find(|n| {
        (n.has_tag_name("report")
            && n.parent().is_some_and(|p| p.has_tag_name("coverage"))
            && n.children().any(|c| c.is_element()))
            || (n.has_tag_name("log") && n.attribute("type").is_some_and(|t| t.starts_with("coverage")))
    })?;
    let what = match node.tag_name().name() {
        "report" => {
            let kinds: Vec<&str> = node.children().filter(|c| c.is_element()).map(|c| c.tag_name().name()).collect();
            format!("coverage reports: {}", kinds.join(", "))
        }
        _ => format!("coverage log: {}", node.attribute("type").unwrap_or("")),
    };
    Some((crate::text::LineIndex::new(text).line(node.range().start), what))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tooling(files: &[(&str, &str)]) -> (Tooling, Vec<Problem>) {
        let idx = FileIndex::from_memory(files);
        let mut problems = Vec::new();
        let m = super::super::manifests::collect(&idx, None, &mut problems);
        (collect(&idx, &m, &mut problems), problems)
    }

    #[test]
    fn dependabot_renovate_and_configs() {
        let (t, problems) = tooling(&[
            (
                ".github/dependabot.yml",
                "version: 2\nupdates:\n  - package-ecosystem: composer\n    directory: /\n  - package-ecosystem: github-actions\n    directory: /\n",
            ),
            ("package.json", r#"{"name":"x","renovate":{"extends":["config:base"]},"jest":{"collectCoverage":true}}"#),
            (
                "phpunit.xml.dist",
                "<phpunit><coverage><report><clover outputFile=\"build/clover.xml\"/></report></coverage></phpunit>",
            ),
            (".trivyignore", "CVE-2020-1"),
            ("tests/fixtures/.snyk", ""),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        let d = t.dependabot.as_ref().unwrap();
        assert_eq!(d.ecosystems, vec![("composer".to_string(), 3), ("github-actions".to_string(), 5)]);
        assert_eq!(t.renovate.as_ref().unwrap().path, "package.json");
        let tools: Vec<&str> = t.configs.iter().map(|c| c.tool).collect();
        assert_eq!(tools, vec!["trivy", "phpunit-coverage", "jest-coverage"]);
        assert_eq!(t.config("phpunit-coverage").unwrap().detail.as_deref(), Some("coverage reports: clover"));
    }

    #[test]
    fn phpunit_without_reports_is_not_coverage() {
        let (t, _) = tooling(&[(
            "phpunit.xml.dist",
            "<phpunit><coverage><include><directory>src</directory></include></coverage></phpunit>",
        )]);
        assert!(t.configs.is_empty());
    }

    #[test]
    fn broken_dependabot_is_a_problem() {
        let (t, problems) = tooling(&[(".github/dependabot.yml", "updates: [\n")]);
        assert!(t.dependabot.is_none());
        assert_eq!(problems.len(), 1);
    }
}
