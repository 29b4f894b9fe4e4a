//! API design (roadmap item 2.3): the API is described by OpenAPI, versioned and rate limited.
//!
//! OpenAPI documents are read as documents (`docs.openapi`), framework configuration as
//! configuration (`api_platform`, `framework.rate_limiter`), Terraform as resources (API Gateway
//! throttling, WAF rate rules); code constructs come from the content scan. A library has no HTTP
//! API of its own to document or protect (a framework's rate limiter serves its users), so these
//! checks do not apply to libraries.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::files::Location;
use crate::facts::manifests::Ecosystem;
use crate::model::{Evidence, Finding};
use crate::repo::support::{list, unreadable_symfony};

fn hit_evidence(h: &crate::facts::scan::Hit) -> Evidence {
    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone())
}

/// Libraries that generate an OpenAPI description from code.
const GENERATORS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Composer, "api-platform/core"),
    (Ecosystem::Composer, "api-platform/symfony"),
    (Ecosystem::Composer, "nelmio/api-doc-bundle"),
    (Ecosystem::Composer, "zircote/swagger-php"),
    (Ecosystem::Composer, "dedoc/scramble"),
    (Ecosystem::Npm, "@nestjs/swagger"),
    (Ecosystem::Npm, "swagger-jsdoc"),
    (Ecosystem::Npm, "@fastify/swagger"),
    (Ecosystem::Npm, "tsoa"),
    (Ecosystem::Pypi, "fastapi"),
    (Ecosystem::Pypi, "drf-spectacular"),
    (Ecosystem::Pypi, "drf-yasg"),
    (Ecosystem::Pypi, "flask-smorest"),
    (Ecosystem::Pypi, "apispec"),
    (Ecosystem::Maven, "org.springdoc:springdoc-openapi-starter-webmvc-ui"),
    (Ecosystem::Maven, "org.springdoc:springdoc-openapi-starter-webflux-ui"),
    (Ecosystem::Maven, "org.springdoc:springdoc-openapi-ui"),
    (Ecosystem::Gradle, "org.springdoc:springdoc-openapi-starter-webmvc-ui"),
    (Ecosystem::Cargo, "utoipa"),
    (Ecosystem::Cargo, "aide"),
    (Ecosystem::Cargo, "poem-openapi"),
    (Ecosystem::Go, "github.com/swaggo/swag"),
    (Ecosystem::Go, "github.com/danielgtaylor/huma/v2"),
];

pub struct ApiDocumented;

impl Check for ApiDocumented {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.api.documented",
            title: "The API is described by an OpenAPI document",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "An OpenAPI description is the contract third parties integrate against: it generates clients and documentation and lets contract tests catch breaking changes before release.",
            remediation: "Publish an OpenAPI document, ideally generated from code so it cannot drift: API Platform or NelmioApiDocBundle for Symfony, springdoc for Spring, FastAPI or drf-spectacular for Python, @nestjs/swagger, utoipa or swaggo; commit the exported `openapi.yaml` so changes show in review.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: Vec<(String, Evidence)> = Vec::new();
        let docs: Vec<_> = repo.docs.openapi.iter().filter(|o| o.location == Location::Project).collect();
        if let Some(o) = docs.first() {
            let more = if docs.len() > 1 { format!(" (and {} more)", docs.len() - 1) } else { String::new() };
            found.push((
                format!("`{}` is an OpenAPI {} document with {} paths{more}", o.path, o.version, o.paths),
                Evidence::file(o.path.clone(), None),
            ));
        }
        for key in ["api_platform", "nelmio_api_doc"] {
            if let Some(c) = repo.config.symfony(key).first() {
                found.push((
                    format!("`{}` configures `{key}`, which generates the OpenAPI description", c.path),
                    Evidence::file(c.path, Some(c.line)),
                ));
            }
        }
        if let Some(c) = repo.config.spring("springdoc").first() {
            found.push((format!("`{}` configures springdoc", c.path), Evidence::file(c.path, Some(c.line))));
        }
        if let Some(h) = repo.scan.project_hits("api.openapi_generator").next() {
            found.push((format!("the OpenAPI description is generated from code in `{}`", h.path), hit_evidence(h)));
        }
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(list(&names)).with(found.into_iter().map(|(_, e)| e));
        }
        if let Some(d) = GENERATORS.iter().find_map(|(eco, name)| repo.manifests.has(*eco, name)) {
            return Finding::partial(
                0.6,
                format!("`{}` (declared in `{}`) can generate an OpenAPI description, but no annotated endpoint or configuration was found", d.name, d.manifest),
            )
            .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        let services: Vec<_> = repo.scan.project_hits("api.grpc_service").collect();
        if let Some(h) = services.first() {
            return Finding::partial(
                0.5,
                format!("{} gRPC service definition(s) describe the API (first: `{}`), but there is no OpenAPI document for HTTP clients", services.len(), h.path),
            )
            .with_one(hit_evidence(h));
        }
        if let Some(o) = repo.docs.openapi.first() {
            return Finding::partial(
                0.3,
                format!("the only OpenAPI document is `{}`, outside the project's own sources", o.path),
            )
            .with_one(Evidence::file(o.path.clone(), None));
        }
        Finding::fail(
            "no OpenAPI document or generator found (looked for openapi/swagger YAML and JSON, API Platform, NelmioApiDocBundle, springdoc, FastAPI, drf-spectacular, @nestjs/swagger, utoipa, swaggo and gRPC .proto services)",
        )
    }
}

/// A `package` line of a protocol others define (`package grpc.health.v1;`, `google.api`).
fn is_third_party_proto(line: &str) -> bool {
    let pkg = line.trim_start().strip_prefix("package").unwrap_or("").trim_start();
    ["grpc.", "google.", "envoy.", "opentelemetry.proto.", "io.grpc."].iter().any(|p| pkg.starts_with(p))
}

pub struct ApiVersioned;

impl Check for ApiVersioned {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.api.versioned",
            title: "The API carries a version",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A version in the path, a header or the media type lets the API change without breaking the clients already integrated, and gives a place to announce deprecations.",
            remediation: "Version the public API: a path prefix (`/api/v1`, a Symfony route prefix or API Platform `routePrefix`), an `Accept-Version` header or a versioned media type (`application/vnd.acme.v1+json`); for gRPC, versioned packages (`package shop.cart.v1;`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: Vec<(String, Evidence)> = Vec::new();
        if let Some(o) = repo.docs.openapi.iter().find(|o| o.location == Location::Project && !o.versioned.is_empty()) {
            let paths: Vec<String> = o.versioned.iter().take(3).map(|p| format!("`{p}`")).collect();
            found.push((
                format!("`{}` declares versioned paths ({})", o.path, list(&paths)),
                Evidence::file(o.path.clone(), None),
            ));
        }
        for (id, what) in [
            ("api.route_version", "routes are declared under a version"),
            ("api.route_version_config", "routing configuration mounts routes under a version"),
            ("api.grpc_versioned_package", "gRPC services live in a versioned package"),
        ] {
            // the well-known protos copied from gRPC and Google (`grpc.health.v1`) are not the project's API
            if let Some(h) = repo.scan.project_hits(id).find(|h| !is_third_party_proto(&h.text)) {
                found.push((format!("{what} in `{}`", h.path), hit_evidence(h)));
            }
        }
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(list(&names)).with(found.into_iter().map(|(_, e)| e));
        }
        Finding::fail(
            "no API versioning found (looked for versioned paths in OpenAPI documents, route prefixes such as /api/v1 in code and routing configuration, version headers, versioned media types and versioned gRPC packages)",
        )
    }
}

/// Rate-limiting libraries whose presence alone is intent, not configuration.
const LIMITERS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Composer, "symfony/rate-limiter"),
    (Ecosystem::Npm, "express-rate-limit"),
    (Ecosystem::Npm, "@nestjs/throttler"),
    (Ecosystem::Npm, "rate-limiter-flexible"),
    (Ecosystem::Pypi, "django-ratelimit"),
    (Ecosystem::Pypi, "slowapi"),
    (Ecosystem::Pypi, "flask-limiter"),
    (Ecosystem::Maven, "com.bucket4j:bucket4j-core"),
    (Ecosystem::Maven, "io.github.resilience4j:resilience4j-ratelimiter"),
    (Ecosystem::Gradle, "com.bucket4j:bucket4j-core"),
    (Ecosystem::Cargo, "tower_governor"),
    (Ecosystem::Cargo, "actix-governor"),
    (Ecosystem::Cargo, "governor"),
    (Ecosystem::Go, "github.com/go-chi/httprate"),
    (Ecosystem::Go, "github.com/ulule/limiter/v3"),
];

pub struct ApiRateLimited;

impl Check for ApiRateLimited {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.api.rate_limited",
            title: "API requests are rate limited",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Without rate limits one client, script or attacker can exhaust the API for everyone and brute-force credentials; limits turn overload into a clear 429 for the offender only.",
            remediation: "Configure a limiter where requests enter: Symfony `framework.rate_limiter` applied to API routes, express-rate-limit or @nestjs/throttler, DRF throttle rates, Bucket4j or Resilience4j, tower-governor, or at the edge (nginx `limit_req`, Traefik `rateLimit`, ingress-nginx `limit-rps`, API Gateway throttling, a WAF rate rule).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: Vec<(String, Evidence)> = Vec::new();
        for c in repo.config.symfony("framework.rate_limiter") {
            let names: Vec<String> = c.node.entries().iter().map(|e| format!("`{}`", e.key)).collect();
            if !names.is_empty() {
                found.push((
                    format!("`{}` configures the rate limiter(s) {}", c.path, list(&names)),
                    Evidence::file(c.path, Some(c.line)),
                ));
                break;
            }
        }
        if let Some(c) = repo.config.spring("resilience4j.ratelimiter").first() {
            found.push((
                format!("`{}` configures Resilience4j rate limiters", c.path),
                Evidence::file(c.path, Some(c.line)),
            ));
        }
        for (id, what) in [
            ("api.rate_limit_code", "a rate limiter guards requests"),
            ("api.rate_limit_proxy", "the proxy limits request rates"),
        ] {
            if let Some(h) = repo.scan.project_hits(id).next() {
                found.push((format!("{what} in `{}`", h.path), hit_evidence(h)));
            }
        }
        let tf = &repo.terraform;
        let throttled = tf
            .resources(&["aws_api_gateway_usage_plan"])
            .find(|b| b.has("throttle_settings"))
            .or_else(|| {
                tf.resources(&["aws_api_gateway_method_settings"]).find(|b| b.has("settings.throttling_rate_limit"))
            })
            .or_else(|| {
                tf.resources(&["aws_apigatewayv2_stage"])
                    .find(|b| b.has("default_route_settings.throttling_rate_limit"))
            })
            .or_else(|| {
                tf.resources(&["aws_wafv2_web_acl"])
                    .find(|b| b.attrs.iter().any(|(k, _)| k.contains("rate_based_statement")))
            });
        if let Some(b) = throttled {
            found.push((
                format!("`{}` throttles requests in `{}`", b.label(), b.path),
                Evidence::file(b.path.clone(), Some(b.line)),
            ));
        }
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(list(&names)).with(found.into_iter().map(|(_, e)| e));
        }
        for fw in repo.config.symfony("security.firewalls") {
            if let Some(e) = fw.node.entries().iter().find(|e| e.value.get("login_throttling").is_some()) {
                return Finding::partial(
                    0.4,
                    format!(
                        "only login attempts are throttled (`login_throttling` on firewall `{}` in `{}`)",
                        e.key, fw.path
                    ),
                )
                .with_one(Evidence::file(fw.path, Some(e.line)));
            }
        }
        if let Some(d) = LIMITERS.iter().find_map(|(eco, name)| repo.manifests.has(*eco, name)) {
            return Finding::partial(
                0.3,
                format!("`{}` is declared in `{}` but no limiter is configured", d.name, d.manifest),
            )
            .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        if let Some(unknown) =
            unreadable_symfony(repo, &["rate_limiter", "framework", "security"], "the API is rate limited")
        {
            return unknown;
        }
        Finding::fail(
            "no rate limiting found (looked for Symfony framework.rate_limiter, express-rate-limit, @nestjs/throttler, DRF throttles, Bucket4j, Resilience4j, tower-governor, nginx limit_req, Traefik and ingress rate limits, API Gateway throttling and WAF rate rules)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const APP: (&str, &str) = ("composer.json", r#"{"type": "project"}"#);
    const LIB: (&str, &str) = ("composer.json", r#"{"type": "library"}"#);

    #[test]
    fn documented() {
        for (name, files, want) in [
            (
                "openapi file",
                vec![
                    APP,
                    ("docs/openapi.yaml", "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /v1/orders: {}\n"),
                ],
                Status::Pass,
            ),
            (
                "api platform resource",
                vec![APP, ("src/Entity/Book.php", "<?php\n#[ApiResource]\nclass Book {}")],
                Status::Pass,
            ),
            (
                "api platform config",
                vec![APP, ("config/packages/api_platform.yaml", "api_platform:\n    title: Shop\n")],
                Status::Pass,
            ),
            (
                "generator declared only",
                vec![("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"drf-spectacular\", \"django\"]\n")],
                Status::Partial,
            ),
            (
                "grpc only",
                vec![
                    APP,
                    ("protos/demo.proto", "syntax = \"proto3\";\nservice Cart {\n  rpc Add(A) returns (B);\n}\n"),
                ],
                Status::Partial,
            ),
            (
                "openapi in a fixture",
                vec![APP, ("tests/fixtures/openapi.yaml", "openapi: 3.0.0\npaths: {}\n")],
                Status::Fail,
            ),
            (
                "commented generator",
                vec![APP, ("src/Entity/Book.php", "<?php\n// #[ApiResource]\nclass Book {}")],
                Status::Fail,
            ),
            (
                "a library that generates its API description is judged like any code",
                vec![LIB, ("src/OpenApi/Factory.php", "<?php\nuse Nelmio\\ApiDocBundle\\X;")],
                Status::Pass,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&ApiDocumented, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn versioned() {
        for (name, files, want) in [
            ("openapi paths", vec![APP, ("openapi.yaml", "openapi: 3.1.0\npaths:\n  /v1/orders: {}\n")], Status::Pass),
            (
                "route attribute",
                vec![APP, ("src/Controller/Orders.php", "<?php\n#[Route('/api/v2/orders')]\nfunction list() {}")],
                Status::Pass,
            ),
            (
                "route prefix config",
                vec![
                    APP,
                    ("config/routes/api.yaml", "api:\n    resource: ../src/Controller/Api\n    prefix: /api/v1\n"),
                ],
                Status::Pass,
            ),
            (
                "grpc package",
                vec![APP, ("proto/cart/v1/cart.proto", "syntax = \"proto3\";\npackage shop.cart.v1;\n")],
                Status::Pass,
            ),
            (
                "grpc health proto only",
                vec![APP, ("protos/grpc/health/v1/health.proto", "syntax = \"proto3\";\npackage grpc.health.v1;\n")],
                Status::Fail,
            ),
            (
                "otlp exporter url",
                vec![APP, ("src/tracing.ts", "const url = 'http://collector:4318/v1/traces';\n")],
                Status::Fail,
            ),
            (
                "unversioned openapi",
                vec![APP, ("openapi.yaml", "openapi: 3.1.0\npaths:\n  /orders: {}\n")],
                Status::Fail,
            ),
            (
                "versioned routes in tests",
                vec![
                    APP,
                    (
                        "tests/Api/OrdersTest.php",
                        "<?php\n$client->request('GET', '/api/v1/orders');\n#[Route('/api/v1/x')]",
                    ),
                ],
                Status::Fail,
            ),
            ("a library without any is judged: the engine decides whether the item applies", vec![LIB], Status::Fail),
        ] {
            let f = run(&ApiVersioned, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn rate_limited() {
        for (name, files, want) in [
            (
                "symfony limiter",
                vec![
                    APP,
                    (
                        "config/packages/rate_limiter.yaml",
                        "framework:\n    rate_limiter:\n        anonymous_api:\n            policy: sliding_window\n            limit: 100\n            interval: '60 minutes'\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "express",
                vec![
                    ("package.json", r#"{"private": true}"#),
                    (
                        "src/app.js",
                        "const rateLimit = require('express-rate-limit');\napp.use(rateLimit({ max: 100 }));",
                    ),
                ],
                Status::Pass,
            ),
            (
                "nginx",
                vec![
                    APP,
                    (
                        "docker/nginx/default.conf",
                        "http {\n  limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "api gateway",
                vec![
                    APP,
                    (
                        "infra/api.tf",
                        "resource \"aws_api_gateway_usage_plan\" \"p\" {\n  throttle_settings {\n    rate_limit = 10\n    burst_limit = 20\n  }\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "login throttling only",
                vec![
                    APP,
                    (
                        "config/packages/security.yaml",
                        "security:\n    firewalls:\n        main:\n            form_login: ~\n            login_throttling:\n                max_attempts: 5\n",
                    ),
                ],
                Status::Partial,
            ),
            (
                "component installed only",
                vec![("composer.json", r#"{"type": "project", "require": {"symfony/rate-limiter": "^7"}}"#)],
                Status::Partial,
            ),
            ("commented nginx", vec![APP, ("nginx.conf", "# limit_req zone=api burst=5;\n")], Status::Fail),
            (
                "client reads rate-limit headers",
                vec![APP, ("src/github.ts", "const left = res.headers['x-ratelimit-remaining'];")],
                Status::Fail,
            ),
            (
                "limiter in tests only",
                vec![APP, ("tests/limit.test.js", "const rateLimit = require('express-rate-limit');")],
                Status::Fail,
            ),
            (
                "broken limiter config",
                vec![APP, ("config/packages/rate_limiter.yaml", "framework:\n  rate_limiter: {\n")],
                Status::Unknown,
            ),
            (
                "a library's own limiter is judged like any code",
                vec![LIB, ("src/RateLimiter/RateLimiterFactory.php", "<?php\nfinal class RateLimiterFactory {}")],
                Status::Pass,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&ApiRateLimited, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
