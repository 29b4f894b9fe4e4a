//! What kind of project this is: a service (an application deployed to run), or a library (or
//! tool) that others build on.
//!
//! Half of the roadmap is about running a service (clusters, databases, caches, tracing,
//! autoscaling, costs). For a library those items do not apply when nothing they judge exists,
//! and the engine says so rather than fail (see `check::Applies`). What the repository ships to
//! run as a service (compose files, Kubernetes manifests or charts, Terraform that provisions a
//! service, container images and platform descriptors, a web front controller, a web framework,
//! a .NET project built with a web, worker or Aspire app-host SDK) outranks what a manifest
//! declares about itself (composer `type`, npm `private`): a platform published as a Composer
//! library but shipped with a compose file and a front controller is a service. `.maturity.toml` may say `kind = "service"` or `kind = "library"` instead.

use super::compose::ComposeFacts;
use super::files::{FileIndex, Location};
use super::k8s::K8sFacts;
use super::manifests::{DepKind, Ecosystem, Manifest, Manifests};
use super::terraform::{TerraformFacts, TfKind};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    Service,
    Library,
}

impl ProjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Service => "service",
            ProjectKind::Library => "library",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub kind: ProjectKind,
    /// Why: the declaration or artefact that decided it.
    pub reason: String,
}

impl Default for Project {
    /// What a failed detection leaves: judged as a service, which keeps every item assessed.
    fn default() -> Self {
        Project { kind: ProjectKind::Service, reason: "the kind of project could not be determined".into() }
    }
}

impl Project {
    pub fn is_library(&self) -> bool {
        self.kind == ProjectKind::Library
    }
}

/// Web frameworks whose presence as a direct dependency marks a service.
const SERVICE_DEPS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Composer, "symfony/framework-bundle"),
    (Ecosystem::Composer, "laravel/framework"),
    (Ecosystem::Composer, "api-platform/core"),
    (Ecosystem::Composer, "api-platform/symfony"),
    (Ecosystem::Npm, "express"),
    (Ecosystem::Npm, "fastify"),
    (Ecosystem::Npm, "next"),
    (Ecosystem::Npm, "@nestjs/core"),
    (Ecosystem::Npm, "koa"),
    (Ecosystem::Pypi, "django"),
    (Ecosystem::Pypi, "fastapi"),
    (Ecosystem::Pypi, "gunicorn"),
    (Ecosystem::Pypi, "uvicorn"),
    (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-web"),
    (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-webflux"),
    (Ecosystem::Gradle, "org.springframework.boot:spring-boot-starter-web"),
    (Ecosystem::Cargo, "axum"),
    (Ecosystem::Cargo, "actix-web"),
    (Ecosystem::Cargo, "rocket"),
    (Ecosystem::Go, "github.com/gin-gonic/gin"),
    (Ecosystem::Go, "github.com/labstack/echo/v4"),
    (Ecosystem::Go, "github.com/gofiber/fiber/v2"),
];

const PLATFORM_FILES: &[&str] = &[
    "Procfile",
    "app.yaml",
    "fly.toml",
    "vercel.json",
    "netlify.toml",
    "render.yaml",
    "serverless.yml",
    "app.json",
    "railway.json",
];

/// Terraform resource types that run or serve something: infrastructure code declaring one
/// provisions a service, whatever else the repository holds.
const SERVICE_RESOURCES: &[&str] = &[
    "aws_eks_cluster",
    "aws_ecs_service",
    "aws_lambda_function",
    "aws_instance",
    "aws_autoscaling_group",
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_apprunner_service",
    "aws_elastic_beanstalk_environment",
    "google_container_cluster",
    "google_cloud_run_service",
    "google_cloud_run_v2_service",
    "google_sql_database_instance",
    "google_compute_instance",
    "azurerm_kubernetes_cluster",
    "azurerm_linux_web_app",
    "azurerm_container_app",
    "azurerm_mysql_flexible_server",
    "azurerm_postgresql_flexible_server",
];

pub fn detect(
    files: &FileIndex,
    manifests: &Manifests,
    compose: &ComposeFacts,
    k8s: &K8sFacts,
    terraform: &TerraformFacts,
) -> Project {
    let app = |reason: String| Project { kind: ProjectKind::Service, reason };
    let lib = |reason: String| Project { kind: ProjectKind::Library, reason };
    // what the root manifest declares
    let root = |eco: Ecosystem| manifests.manifests.iter().find(|m| m.ecosystem == eco && !m.path.contains('/'));
    let composer_type = root(Ecosystem::Composer).and_then(|m| m.package_type.as_deref());
    if composer_type == Some("project") {
        return app("composer.json declares `\"type\": \"project\"`".into());
    }
    // what it ships to run as a service outranks what a manifest says it is
    if let Some(s) = compose.services.iter().find(|s| s.location == Location::Project) {
        return app(format!("`{}` runs the project with docker compose", s.path));
    }
    if let Some(o) = k8s.objects.iter().find(|o| {
        o.location == Location::Project
            && matches!(o.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet" | "Service" | "Ingress")
    }) {
        return app(format!("`{}` deploys it to Kubernetes", o.path));
    }
    if let Some(b) = terraform.blocks.iter().find(|b| {
        b.location == Location::Project && b.kind == TfKind::Resource && SERVICE_RESOURCES.contains(&b.type_.as_str())
    }) {
        return app(format!("`{}` provisions it (`{}.{}`)", b.path, b.type_, b.name));
    }
    if let Some(chart) = files.entries().iter().find(|e| e.name() == "Chart.yaml" && e.location == Location::Project) {
        return app(format!("`{}` is a Helm chart for it", chart.path));
    }
    if files.exists("public/index.php") || files.exists("bin/console") && files.exists("config/bundles.php") {
        return app("a web front controller (`public/index.php`)".into());
    }
    // a bundle or a plugin ships a Dockerfile for its tests or demo; the declaration wins there
    if let Some(t) = composer_type
        && (t == "library" || t.ends_with("-bundle") || t.ends_with("-plugin") || t == "metapackage")
    {
        return lib(format!("composer.json declares `\"type\": \"{t}\"` and nothing deploys it as a service"));
    }
    if let Some(f) = files.entries().iter().find(|e| {
        e.location == Location::Project
            && e.dir().matches('/').count() < 2
            && (e.name() == "Dockerfile" || PLATFORM_FILES.contains(&e.name()))
    }) {
        return app(format!("`{}` builds or deploys it as a service", f.path));
    }
    if let Some(d) = manifests.dependencies.iter().find(|d| {
        d.kind == DepKind::Normal
            && SERVICE_DEPS.iter().any(|(e, n)| *e == d.ecosystem && d.name == *n)
            && !d.manifest.contains('/')
    }) {
        return app(format!("depends on the web framework `{}` (`{}`)", d.name, d.manifest));
    }
    if let Some((path, sdk)) = dotnet_service_project(files) {
        return app(format!("`{path}` is built with the `{sdk}` SDK"));
    }
    if let Some((m, bin, framework)) = cargo_web_binary(manifests) {
        return app(format!("the binary `{bin}` (`{}`) depends on the web framework `{framework}`", m.path));
    }
    if let Some(m) = root(Ecosystem::Npm).filter(|m| m.package_type.as_deref() == Some("private")) {
        return app(format!("`{}` is a private package (not published)", m.path));
    }
    if let Some(m) = manifests.manifests.iter().find(|m| !m.path.contains('/')) {
        return lib(format!("`{}` describes a package and nothing deploys it as a service", m.path));
    }
    lib("nothing in the repository deploys it as a service".into())
}

/// MSBuild SDKs whose projects run as a service: ASP.NET Core web apps, worker services and the
/// .NET Aspire host that starts an application's services.
const DOTNET_SERVICE_SDKS: &[&str] = &["Microsoft.NET.Sdk.Web", "Microsoft.NET.Sdk.Worker", "Aspire.AppHost.Sdk"];

/// A .NET project of the repository (not an example or a test) built with a service SDK: its path
/// and the SDK. MSBuild names the SDK in the root's `Sdk` attribute (`Name/Version`, several
/// separated by `;`), in `<Sdk Name=...>` elements, or in `<Import Sdk=...>`.
fn dotnet_service_project(files: &FileIndex) -> Option<(String, &'static str)> {
    let is_project = |name: &str| [".csproj", ".fsproj", ".vbproj"].iter().any(|x| name.ends_with(x));
    files.entries().iter().enumerate().find_map(|(i, e)| {
        if e.location != Location::Project || !is_project(e.name()) {
            return None;
        }
        let doc = super::xml::parse(files.text(i)?).ok()?;
        let named = doc.descendants().filter_map(|n| match n.tag_name().name() {
            "Project" | "Import" => n.attribute("Sdk"),
            "Sdk" => n.attribute("Name"),
            _ => None,
        });
        named
            .flat_map(|v| v.split(';'))
            .filter_map(|sdk| sdk.split('/').next().map(str::trim))
            .find_map(|sdk| DOTNET_SERVICE_SDKS.iter().copied().find(|s| s.eq_ignore_ascii_case(sdk)))
            .map(|sdk| (e.path.clone(), sdk))
    })
}

/// A binary of the Cargo workspace that depends on a web framework, directly or through the
/// workspace's own crates (`server` → `api` → `axum`): its manifest, its name and the framework.
/// Only cargo names binaries (see [`super::cargo`]), so this needs the workspace read by cargo.
fn cargo_web_binary(manifests: &Manifests) -> Option<(&Manifest, &str, &str)> {
    use std::collections::HashMap;
    let crates: Vec<&Manifest> = manifests.manifests.iter().filter(|m| m.ecosystem == Ecosystem::Cargo).collect();
    let by_name: HashMap<&str, &str> =
        crates.iter().filter_map(|m| m.name.as_deref().map(|n| (n, m.path.as_str()))).collect();
    let mut uses: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in manifests.dependencies.iter().filter(|d| d.ecosystem == Ecosystem::Cargo && d.kind == DepKind::Normal) {
        uses.entry(d.manifest.as_str()).or_default().push(d.name.as_str());
    }
    // which crate reaches which framework, spread from the direct users to their dependents
    let mut reaches: HashMap<&str, &str> = HashMap::new();
    for (path, names) in &uses {
        if let Some(f) = names.iter().find(|n| SERVICE_DEPS.contains(&(Ecosystem::Cargo, **n))) {
            reaches.insert(path, f);
        }
    }
    loop {
        let found: Vec<(&str, &str)> = uses
            .iter()
            .filter(|(path, _)| !reaches.contains_key(*path))
            .filter_map(|(path, names)| {
                names.iter().find_map(|n| by_name.get(n).and_then(|p| reaches.get(p))).map(|f| (*path, *f))
            })
            .collect();
        if found.is_empty() {
            break;
        }
        reaches.extend(found);
    }
    crates.iter().filter(|m| Location::of(&m.path) == Location::Project).find_map(|m| {
        let bin = m.binaries().next()?;
        reaches.get(m.path.as_str()).map(|f| (*m, bin, *f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(files: &[(&str, &str)]) -> ProjectKind {
        let idx = FileIndex::from_memory(files);
        let mut problems = Vec::new();
        let m = super::super::manifests::collect(&idx, None, &mut problems);
        detect(
            &idx,
            &m,
            &super::super::compose::collect(&idx, &mut Vec::new()),
            &super::super::k8s::collect(&idx, &mut Vec::new()),
            &super::super::terraform::collect(&idx, &mut Vec::new()),
        )
        .kind
    }

    #[test]
    fn applications_and_libraries() {
        use ProjectKind::*;
        for (name, files, want) in [
            ("symfony project", vec![("composer.json", r#"{"type":"project"}"#)], Service),
            (
                "symfony bundle",
                vec![("composer.json", r#"{"type":"symfony-bundle"}"#), ("Dockerfile", "FROM php")],
                Library,
            ),
            ("compose", vec![("composer.json", "{}"), ("compose.yaml", "services:\n  app:\n    build: .\n")], Service),
            ("helm", vec![("helm/app/Chart.yaml", "apiVersion: v2\nname: app\n")], Service),
            ("rust cli", vec![("Cargo.toml", "[package]\nname = \"rg\"\n"), ("src/main.rs", "fn main(){}")], Library),
            (
                "rust service",
                vec![("Cargo.toml", "[package]\nname = \"svc\"\n[dependencies]\naxum = \"0.7\"\n")],
                Service,
            ),
            ("python lib", vec![("pyproject.toml", "[project]\nname = \"flask\"\n")], Library),
            (
                ".net web app beside an npm package",
                vec![
                    ("package.json", r#"{"name":"e2e"}"#),
                    (
                        "src/Магазин.Web/Магазин.Web.csproj",
                        r#"<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup/></Project>"#,
                    ),
                ],
                Service,
            ),
            (
                ".net aspire host",
                vec![(
                    "src/Shop.AppHost/Shop.AppHost.csproj",
                    r#"<Project Sdk="Microsoft.NET.Sdk"><Sdk Name="Aspire.AppHost.Sdk" Version="9.1.0" /></Project>"#,
                )],
                Service,
            ),
            (
                ".net worker, sdk with a version",
                vec![("Worker.fsproj", r#"<Project Sdk="Microsoft.NET.Sdk.Worker/8.0.100; Other.Sdk">  </Project>"#)],
                Service,
            ),
            (".net library", vec![("src/Lib/Lib.csproj", r#"<Project Sdk="Microsoft.NET.Sdk"></Project>"#)], Library),
            (
                ".net library with a sample web app and a web test host",
                vec![
                    ("src/Lib/Lib.csproj", r#"<Project Sdk="Microsoft.NET.Sdk"></Project>"#),
                    ("samples/Demo/Demo.csproj", r#"<Project Sdk="Microsoft.NET.Sdk.Web"></Project>"#),
                    ("test/Host/Host.csproj", r#"<Project Sdk="Microsoft.NET.Sdk.Web"></Project>"#),
                ],
                Library,
            ),
            (
                ".net project that is not XML, or declares entities",
                vec![
                    ("a.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\" 🚀"),
                    ("b.csproj", r#"<!DOCTYPE p [<!ENTITY w "Microsoft.NET.Sdk.Web">]><Project Sdk="&w;"/>"#),
                    ("c.csproj", "<Проект Sdk=\"Microsoft.NET.Sdk.Web\"/>"),
                ],
                Library,
            ),
            (
                "spring boot",
                vec![(
                    "pom.xml",
                    "<project><artifactId>a</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>",
                )],
                Service,
            ),
            (
                "terraform service",
                vec![("infra/main.tf", "resource \"aws_db_instance\" \"orders\" {\n  engine = \"mysql\"\n}\n")],
                Service,
            ),
            (
                "terraform state bucket only",
                vec![
                    ("Cargo.toml", "[package]\nname = \"rg\"\n"),
                    ("ci/main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n"),
                ],
                Library,
            ),
            (
                "a platform published as a composer library, shipped to run",
                vec![
                    ("composer.json", r#"{"name":"sylius/sylius","type":"library"}"#),
                    ("compose.yml", "services:\n  php:\n    build: .\n"),
                    ("public/index.php", "<?php\n"),
                ],
                Service,
            ),
            (
                "a library with a front controller for its own tests",
                vec![("composer.json", r#"{"type":"library"}"#), ("tests/app/public/index.php", "<?php\n")],
                Library,
            ),
            ("empty", vec![], Library),
        ] {
            assert_eq!(kind(&files), want, "{name}");
        }
    }

    /// A package as cargo describes it: (manifest, name, binaries, dependencies).
    type CargoPackage<'a> = (&'a str, &'a str, &'a [&'a str], &'a [(&'a str, DepKind)]);

    fn cargo_kind(packages: &[CargoPackage]) -> Project {
        use crate::facts::cargo::{Outcome, Package, PackageDep, Workspace};
        use crate::facts::manifests::{Target, TargetKind};
        let mut files = vec![("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n")];
        files.extend(packages.iter().map(|(m, _, _, _)| (*m, "[package]\n")));
        let idx = FileIndex::from_memory(&files);
        let ws = Workspace {
            packages: packages
                .iter()
                .map(|(manifest, name, bins, deps)| Package {
                    manifest: manifest.to_string(),
                    name: name.to_string(),
                    targets: bins
                        .iter()
                        .map(|b| Target { name: b.to_string(), kind: TargetKind::Bin, path: None })
                        .chain([Target { name: name.to_string(), kind: TargetKind::Lib, path: None }])
                        .collect(),
                    dependencies: deps
                        .iter()
                        .map(|(d, kind)| PackageDep { name: d.to_string(), key: d.to_string(), kind: *kind })
                        .collect(),
                })
                .collect(),
            millis: 0,
        };
        let m = super::super::manifests::collect(&idx, Some(&Outcome::Read(ws)), &mut Vec::new());
        detect(&idx, &m, &ComposeFacts::default(), &K8sFacts::default(), &TerraformFacts::default())
    }

    #[test]
    fn cargo_workspaces_whose_binaries_serve_the_web() {
        use DepKind::*;
        for (name, packages, want) in [
            (
                "a binary through a workspace crate",
                vec![
                    ("crates/server/Cargo.toml", "server", &["srv"][..], &[("api", Normal)][..]),
                    ("crates/api/Cargo.toml", "api", &[], &[("axum", Normal), ("serde", Normal)]),
                ],
                Some("the binary `srv` (`crates/server/Cargo.toml`) depends on the web framework `axum`"),
            ),
            (
                "a binary depending on it directly",
                vec![("crates/серв/Cargo.toml", "serv", &["serv"], &[("actix-web", Normal)])],
                Some("the binary `serv` (`crates/серв/Cargo.toml`) depends on the web framework `actix-web`"),
            ),
            ("a library crate of a framework", vec![("crates/web/Cargo.toml", "web", &[], &[("axum", Normal)])], None),
            (
                "behind a feature or for tests",
                vec![("crates/cli/Cargo.toml", "cli", &["cli"], &[("axum", Optional), ("rocket", Dev)])],
                None,
            ),
            (
                "a binary that does not reach it",
                vec![
                    ("crates/cli/Cargo.toml", "cli", &["cli"], &[("core", Normal)]),
                    ("crates/core/Cargo.toml", "core", &[], &[]),
                    ("crates/web/Cargo.toml", "web", &[], &[("axum", Normal)]),
                ],
                None,
            ),
            (
                "an example or a test binary",
                vec![
                    ("examples/demo/Cargo.toml", "demo", &["demo"], &[("axum", Normal)]),
                    ("tests/e2e/Cargo.toml", "e2e", &["e2e"], &[("axum", Normal)]),
                ],
                None,
            ),
            (
                "a cycle through the workspace",
                vec![
                    ("crates/a/Cargo.toml", "a", &["a"], &[("b", Normal)]),
                    ("crates/b/Cargo.toml", "b", &[], &[("a", Normal)]),
                ],
                None,
            ),
        ] {
            let project = cargo_kind(&packages);
            match want {
                Some(reason) => {
                    assert_eq!((project.kind, project.reason.as_str()), (ProjectKind::Service, reason), "{name}")
                }
                None => assert_eq!(project.kind, ProjectKind::Library, "{name}: {}", project.reason),
            }
        }
    }
}
