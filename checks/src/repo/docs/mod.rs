//! Documentation checks (roadmap item 6.3): a deployment guide, runbooks, a description of the
//! architecture and an API reference; decision records are in `adr.rs`.
//!
//! Documents are classified by the docs collector (by path and by CommonMark headings, so a
//! heading inside a code block does not count). Documents in examples or fixtures are not the
//! project's. Runbooks are about operating a service, so a library is not assessed on them; the
//! other questions apply to every project (a library's users need its API reference and
//! architecture notes just as much).

mod adr;
mod dr;

pub use adr::DecisionsRecorded;
pub use dr::DisasterRecoveryProcedure;

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::docs::{Doc, DocKind};
use crate::facts::files::Location;
use crate::model::Finding;
use crate::repo::support::{Seen, cite, describe, examples_only, own_and_other};

fn docs_of(repo: &RepoFacts, kinds: &[DocKind]) -> Vec<Seen> {
    repo.docs
        .docs
        .iter()
        .filter(|d| kinds.contains(&d.kind))
        .map(|d: &Doc| Seen::new(format!("{} “{}”", d.kind.label(), d.title), &d.path, Some(d.line), d.location))
        .collect()
}

fn verdict(seen: &[Seen], found: &str, what: &str, looked_for: &str) -> Finding {
    let (own, other) = own_and_other(seen);
    if !own.is_empty() {
        return Finding::pass(format!("{found}: {}", describe(&own))).with(cite(&own));
    }
    if !other.is_empty() {
        return examples_only(&other, what);
    }
    Finding::fail(format!("no {what} found (looked for {looked_for})"))
}

pub struct DeploymentGuide;

impl Check for DeploymentGuide {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.deployment_guide",
            title: "A deployment guide is written down",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "How to build, configure and ship the software should not live in one person's head; a written guide lets anyone deploy, and lets users of a library or tool run it in production correctly.",
            remediation: "Write a deployment guide (docs/deployment.md or a README section): prerequisites, configuration and secrets, the commands or pipeline that deploy, how to verify and how to roll back.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let seen = docs_of(cx.repo, &[DocKind::DeploymentGuide]);
        verdict(
            &seen,
            "deployment is documented",
            "deployment guide",
            "documents named deploy*/production* or under deployment/, and headings such as “Deployment” or “Going to production”",
        )
    }
}

pub struct Runbooks;

impl Check for Runbooks {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.runbooks",
            title: "Runbooks describe how to operate the service",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "At 3 a.m. the on-call engineer needs the steps, not the theory: runbooks for alerts, failover, restores and incident response cut recovery time and make it independent of who is on call.",
            remediation: "Write runbooks (docs/runbooks/*.md) for each alert and for recurring operations: failover, restoring a backup, scaling, rotating secrets, and an incident-response procedure; link them from the alerts.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let seen = docs_of(cx.repo, &[DocKind::Runbook, DocKind::DisasterRecovery]);
        verdict(
            &seen,
            "operations are documented",
            "runbook",
            "docs/runbooks/, playbooks, on-call and disaster-recovery documents, and headings such as “Runbook”, “Incident response” or “Disaster recovery”",
        )
    }
}

pub struct ArchitectureDescribed;

impl Check for ArchitectureDescribed {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.architecture_described",
            title: "The architecture is described",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A description of the components, their responsibilities and how they talk to each other is what new contributors and reviewers of a change need first; without it the architecture erodes one shortcut at a time.",
            remediation: "Add an ARCHITECTURE.md (or docs/architecture/) with a context and container view, diagrams as code (Mermaid, PlantUML, Structurizr) kept beside it, and the main data flows.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = docs_of(repo, &[DocKind::Architecture]);
        for (path, location) in &repo.docs.diagrams {
            if !seen.iter().any(|s| &s.path == path) {
                seen.push(Seen::new("diagram", path, None, *location));
            }
        }
        verdict(
            &seen,
            "the architecture is described",
            "architecture description",
            "ARCHITECTURE.md, docs/architecture/, “Architecture” headings, and Mermaid, PlantUML, draw.io or Structurizr diagrams",
        )
    }
}

const API_DOC_FILES: &[(&str, &str)] = &[
    ("typedoc.json", "TypeDoc configuration"),
    ("phpdoc.xml", "phpDocumentor configuration"),
    ("phpdoc.dist.xml", "phpDocumentor configuration"),
    ("phpdoc.xml.dist", "phpDocumentor configuration"),
    ("Doxyfile", "Doxygen configuration"),
    (".jsdoc.json", "JSDoc configuration"),
    ("jsdoc.json", "JSDoc configuration"),
];

pub struct ApiReference;

impl Check for ApiReference {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.api_reference",
            title: "The API is documented",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Consumers of an HTTP API or a library need an exact, current reference of its operations or public items; a reference generated from the code or kept as an OpenAPI document does not drift from it.",
            remediation: "Publish an API reference: an OpenAPI document (written or generated by API Platform, NelmioApiDoc, springdoc, FastAPI), or generated library docs (docs.rs, Sphinx autodoc, mkdocstrings, TypeDoc, Javadoc).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen: Vec<Seen> = repo
            .docs
            .openapi
            .iter()
            .map(|o| {
                Seen::new(format!("OpenAPI {} document with {} path(s)", o.version, o.paths), &o.path, None, o.location)
            })
            .collect();
        seen.extend(docs_of(repo, &[DocKind::ApiReference]));
        for (id, what) in [
            ("api.openapi_generator", "OpenAPI generated from code"),
            ("docs.rs_metadata", "API docs published on docs.rs"),
            ("docs.sphinx_api", "Sphinx API pages"),
            ("docs.mkdocs_api", "mkdocstrings API pages"),
            ("docs.missing_docs", "public items must be documented"),
            ("docs.proto_service", "gRPC service definition"),
            ("docs.graphql_schema", "GraphQL schema"),
        ] {
            for h in repo.scan.hits(id) {
                if !seen.iter().any(|s| s.path == h.path) {
                    seen.push(Seen::hit(format!("{what} (`{}`)", crate::model::clip(h.text.trim(), 50)), h));
                }
            }
        }
        seen.extend(repo.files.entries().iter().filter(|e| e.location.is_project()).filter_map(|e| {
            API_DOC_FILES
                .iter()
                .find(|(n, _)| e.name() == *n)
                .map(|(_, what)| Seen::new(*what, &e.path, None, e.location))
        }));
        for d in
            repo.manifests.dependencies.iter().filter(|d| d.name == "org.apache.maven.plugins:maven-javadoc-plugin")
        {
            seen.push(Seen::dep("Javadoc plugin", d));
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("the API is documented: {}", describe(&own))).with(cite(&own));
        }
        // a documentation site without API pages
        let sites: Vec<Seen> = repo
            .files
            .entries()
            .iter()
            .filter(|e| e.location != Location::Vendored && e.location != Location::Fixture)
            .filter(|e| matches!(e.name(), "mkdocs.yml" | "mkdocs.yaml") || e.path.ends_with("docs/conf.py"))
            .map(|e| Seen::new("documentation site", &e.path, None, e.location))
            .collect();
        let (sites, _) = own_and_other(&sites);
        if !sites.is_empty() {
            return Finding::partial(
                0.4,
                format!("a documentation site is built ({}) but no API reference pages were found", describe(&sites)),
            )
            .with(cite(&sites));
        }
        if !other.is_empty() {
            return examples_only(&other, "API documentation");
        }
        Finding::fail(
            "no API reference found (looked for OpenAPI documents, API reference pages, OpenAPI generated from code, docs.rs metadata, Sphinx autodoc, mkdocstrings, TypeDoc, phpDocumentor, Doxygen and Javadoc)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    use crate::repo::testing::table;

    const SERVICE: (&str, &str) = ("compose.yaml", "services:\n  app:\n    build: .\n");

    #[test]
    fn deployment_guide() {
        table(
            &DeploymentGuide,
            vec![
                ("readme section", vec![("README.md", "# App\n\n## Deployment\n\nRun helm.\n")], Status::Pass),
                ("docs file", vec![("docs/deploying.md", "How to ship\n")], Status::Pass),
                ("heading in code block", vec![("README.md", "# App\n\n```\n## Deployment\n```\n")], Status::Fail),
                ("example only", vec![("examples/shop/DEPLOY.md", "x")], Status::Partial),
                ("none", vec![("README.md", "# App\n")], Status::Fail),
            ],
        );
    }

    #[test]
    fn runbooks() {
        table(
            &Runbooks,
            vec![
                ("runbook dir", vec![SERVICE, ("docs/runbooks/db-failover.md", "# Failover\n")], Status::Pass),
                ("dr plan", vec![SERVICE, ("docs/ops.md", "# Ops\n\n## Disaster recovery\n")], Status::Pass),
                ("none", vec![SERVICE, ("README.md", "# App\n")], Status::Fail),
                (
                    "a library's runbooks count",
                    vec![("Cargo.toml", "[package]\nname = \"lib\"\n"), ("docs/runbooks/x.md", "")],
                    Status::Pass,
                ),
            ],
        );
    }

    #[test]
    fn architecture() {
        table(
            &ArchitectureDescribed,
            vec![
                ("architecture doc", vec![("ARCHITECTURE.md", "# Architecture\n")], Status::Pass),
                ("diagram only", vec![("docs/context.puml", "@startuml\n@enduml\n")], Status::Pass),
                ("example only", vec![("examples/demo/architecture.md", "x")], Status::Partial),
                ("none", vec![("README.md", "# App\n")], Status::Fail),
            ],
        );
    }

    #[test]
    fn api_reference() {
        table(
            &ApiReference,
            vec![
                (
                    "openapi",
                    vec![("openapi.yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /orders: {}\n")],
                    Status::Pass,
                ),
                ("api platform", vec![("src/Entity/Book.php", "#[ApiResource]\nclass Book {}\n")], Status::Pass),
                (
                    "docs.rs",
                    vec![("Cargo.toml", "[package]\nname = \"x\"\ndocumentation = \"https://docs.rs/x\"\n")],
                    Status::Pass,
                ),
                (
                    "grpc proto",
                    vec![(
                        "protos/shop.proto",
                        "syntax = \"proto3\";\nservice Cart {\n  rpc Add(Req) returns (Res) {}\n}\n",
                    )],
                    Status::Pass,
                ),
                ("sphinx autodoc", vec![("docs/conf.py", "extensions = [\"sphinx.ext.autodoc\"]\n")], Status::Pass),
                ("sphinx without autodoc", vec![("docs/conf.py", "extensions = []\n")], Status::Partial),
                (
                    "cargo features are not docs",
                    vec![("Cargo.toml", "[package]\nname = \"x\"\n[features]\ndocs = []\n")],
                    Status::Fail,
                ),
                ("none", vec![("README.md", "# App\n")], Status::Fail),
            ],
        );
    }
}
