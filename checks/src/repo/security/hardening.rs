//! Security hardening checks beyond scanning (roadmap item 4.2): security headers (CSP, HSTS,
//! framing, MIME sniffing, referrer) and dynamic testing (DAST, penetration tests).
//!
//! A header counts where it is *set*: NelmioSecurityBundle configuration, a CloudFront response
//! headers policy, a web-server or proxy directive, a middleware (helmet, Talisman, Spring
//! Security defaults) or a response being given the header in code. Header names in tests,
//! Markdown or code that reads them do not count. Both questions are about a served application:
//! a library sets no headers of its own and has nothing to attack, so they do not apply to it.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::manifests::Ecosystem;
use crate::model::{Evidence, Finding};
use crate::repo::support::{automatic, hits, list, unreadable_symfony};
use crate::repo::tools::Category;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Header {
    Csp,
    Hsts,
    Frame,
    Nosniff,
    Referrer,
}

impl Header {
    const ALL: [Header; 5] = [Header::Csp, Header::Hsts, Header::Frame, Header::Nosniff, Header::Referrer];

    fn label(self) -> &'static str {
        match self {
            Header::Csp => "Content-Security-Policy",
            Header::Hsts => "Strict-Transport-Security",
            Header::Frame => "framing protection",
            Header::Nosniff => "X-Content-Type-Options",
            Header::Referrer => "Referrer-Policy",
        }
    }

    fn signal(self) -> &'static str {
        match self {
            Header::Csp => "headers.set.csp",
            Header::Hsts => "headers.set.hsts",
            Header::Frame => "headers.set.frame",
            Header::Nosniff => "headers.set.nosniff",
            Header::Referrer => "headers.set.referrer",
        }
    }
}

/// Where each header is set: a description of the source and its evidence (first found wins).
fn headers(repo: &RepoFacts) -> BTreeMap<Header, (String, Evidence)> {
    let mut out: BTreeMap<Header, (String, Evidence)> = BTreeMap::new();
    // NelmioSecurityBundle
    for c in repo.config.symfony("nelmio_security") {
        let enabled = |key: &str| c.node.get(key).filter(|n| n.get("enabled").and_then(|e| e.as_bool()) != Some(false));
        for (key, header) in [
            ("csp", Header::Csp),
            ("forced_ssl", Header::Hsts),
            ("clickjacking", Header::Frame),
            ("content_type", Header::Nosniff),
            ("referrer_policy", Header::Referrer),
        ] {
            let Some(n) = enabled(key) else { continue };
            if header == Header::Hsts && n.get("hsts_max_age").is_none() {
                continue;
            }
            if header == Header::Nosniff && n.get("nosniff").and_then(|v| v.as_bool()) != Some(true) {
                continue;
            }
            out.entry(header).or_insert_with(|| {
                (format!("NelmioSecurityBundle `{key}` in `{}`", c.path), Evidence::file(c.path, Some(n.line)))
            });
        }
    }
    // CloudFront response headers policies
    for b in repo.terraform.resources(&["aws_cloudfront_response_headers_policy"]) {
        for (key, header) in [
            ("content_security_policy", Header::Csp),
            ("strict_transport_security", Header::Hsts),
            ("frame_options", Header::Frame),
            ("content_type_options", Header::Nosniff),
            ("referrer_policy", Header::Referrer),
        ] {
            if b.has(&format!("security_headers_config.{key}")) {
                out.entry(header).or_insert_with(|| {
                    (format!("`{}` in `{}`", b.label(), b.path), Evidence::file(b.path.clone(), Some(b.line)))
                });
            }
        }
    }
    // directives and code that set the header
    for header in Header::ALL {
        if let Some(h) = repo.scan.project_hits(header.signal()).next() {
            out.entry(header).or_insert_with(|| {
                (format!("`{}`", h.path), Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()))
            });
        }
    }
    // middlewares whose defaults set them all
    if let Some(h) = repo.scan.project_hits("headers.bundle").next() {
        for header in Header::ALL {
            out.entry(header).or_insert_with(|| {
                (
                    format!("the security-headers middleware in `{}`", h.path),
                    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
                )
            });
        }
    }
    // Spring Security sends HSTS (over HTTPS), X-Frame-Options and nosniff unless turned off
    let spring = [Ecosystem::Maven, Ecosystem::Gradle]
        .into_iter()
        .find_map(|eco| repo.manifests.has(eco, "org.springframework.boot:spring-boot-starter-security"));
    if let Some(d) = spring {
        for header in [Header::Hsts, Header::Frame, Header::Nosniff] {
            out.entry(header).or_insert_with(|| {
                (format!("Spring Security's defaults (`{}`)", d.manifest), Evidence::file(d.manifest.clone(), d.line))
            });
        }
    }
    out
}

pub struct HeadersConfigured;

impl Check for HeadersConfigured {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.security.headers_configured",
            title: "Security headers and a Content-Security-Policy are set",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A Content-Security-Policy is the strongest defence against cross-site scripting, HSTS stops protocol downgrades, and framing and MIME-sniffing headers close clickjacking and content-type attacks; browsers only apply them if the application sends them.",
            remediation: "Send a Content-Security-Policy and Strict-Transport-Security on every response, plus X-Frame-Options (or CSP `frame-ancestors`), `X-Content-Type-Options: nosniff` and a Referrer-Policy: NelmioSecurityBundle for Symfony, helmet for Node, Spring Security `headers()`, Django `SECURE_*` settings with django-csp, or the web server or proxy in front (nginx `add_header`, Caddy `header`, Traefik headers middleware).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let found = headers(repo);
        if found.is_empty() {
            if let Some(unknown) = unreadable_symfony(repo, &["nelmio_security"], "security headers are set") {
                return unknown;
            }
            return Finding::fail(
                "no security headers are set (looked for NelmioSecurityBundle, helmet, Talisman, Spring Security, Django SECURE_* and CSP settings, nginx/Caddy/Apache/Traefik header directives, CloudFront response headers policies and headers set in code)",
            );
        }
        let described: Vec<String> = found.iter().map(|(h, (src, _))| format!("{} ({src})", h.label())).collect();
        let missing: Vec<String> =
            Header::ALL.iter().filter(|h| !found.contains_key(h)).map(|h| h.label().to_string()).collect();
        let evidence: Vec<Evidence> = found.values().map(|(_, e)| e.clone()).collect();
        let csp = found.contains_key(&Header::Csp);
        let others = found.len() - usize::from(csp);
        let missing_text = if missing.is_empty() { String::new() } else { format!("; not set: {}", list(&missing)) };
        if csp && (found.contains_key(&Header::Hsts) || others >= 2) {
            return Finding::pass(format!("set: {}{missing_text}", list(&described))).with(evidence);
        }
        Finding::partial(
            0.2 + 0.1 * found.len() as f64,
            format!("only some security headers are set: {}{missing_text}", list(&described)),
        )
        .with(evidence)
    }
}

pub struct DynamicTesting;

impl Check for DynamicTesting {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.security.dynamic_testing",
            title: "The running application is tested dynamically (DAST or penetration tests)",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Static scanners read code; only an attack against the running application finds misconfigured headers, exposed endpoints and authentication flaws as an attacker would meet them.",
            remediation: "Run an OWASP ZAP baseline or API scan (or Nuclei) against a test deployment in CI, keep its rules file in the repository, and record the scope and findings of periodic penetration tests.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let found = hits(repo, Category::Dast);
        if let Some(h) = automatic(&found).next() {
            return Finding::pass(format!("{} tests the running application", h.describe())).with(h.evidence());
        }
        if let Some(h) = found.first() {
            return Finding::partial(0.6, format!("{} runs only when started by hand", h.describe()))
                .with(h.evidence());
        }
        let mut partial: Vec<(String, Evidence)> = Vec::new();
        if let Some(c) = repo.tooling.config("zap") {
            partial.push((format!("a ZAP configuration (`{}`)", c.path), Evidence::file(c.path.clone(), c.line)));
        }
        if let Some(h) = repo.scan.all_hits("docs.pentest").iter().find(|h| h.location == Location::Project) {
            partial.push((
                format!("a penetration-test section (`{}`)", h.path),
                Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
            ));
        }
        let report = repo.files.entries().iter().find(|e| {
            let n = e.name().to_ascii_lowercase();
            e.location == Location::Project && (n.contains("pentest") || n.contains("penetration"))
        });
        if let Some(e) = report {
            partial.push((format!("a penetration-test report (`{}`)", e.path), Evidence::file(e.path.clone(), None)));
        }
        if !partial.is_empty() {
            let names: Vec<String> = partial.iter().map(|(n, _)| n.clone()).collect();
            return Finding::partial(0.4, format!("{} exist, but no CI job runs a dynamic scan", list(&names)))
                .with(partial.into_iter().map(|(_, e)| e));
        }
        Finding::fail(
            "no dynamic security testing found (looked for OWASP ZAP, Nuclei and GitLab DAST in CI, ZAP configuration files and penetration-test reports or documents)",
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

    const NELMIO: &str = "nelmio_security:\n    clickjacking:\n        paths:\n            '^/.*': DENY\n    content_type:\n        nosniff: true\n    csp:\n        enforce:\n            default-src: ['self']\n    forced_ssl:\n        hsts_max_age: 31536000\n";

    #[test]
    fn headers_configured() {
        for (name, files, want) in [
            ("nelmio", vec![APP, ("config/packages/nelmio_security.yaml", NELMIO)], Status::Pass),
            (
                "nginx",
                vec![
                    APP,
                    (
                        "docker/nginx.conf",
                        "server {\n  add_header Content-Security-Policy \"default-src 'self'\" always;\n  add_header Strict-Transport-Security \"max-age=31536000\" always;\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "helmet",
                vec![
                    ("package.json", r#"{"private": true}"#),
                    ("src/server.js", "const helmet = require('helmet');\napp.use(helmet());"),
                ],
                Status::Pass,
            ),
            (
                "cloudfront policy",
                vec![
                    APP,
                    (
                        "infra/cdn.tf",
                        "resource \"aws_cloudfront_response_headers_policy\" \"sec\" {\n  name = \"sec\"\n  security_headers_config {\n    content_security_policy {\n      content_security_policy = \"default-src 'self'\"\n      override = true\n    }\n    strict_transport_security {\n      access_control_max_age_sec = 31536000\n      override = true\n    }\n  }\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            ("hsts only", vec![APP, ("app/settings.py", "SECURE_HSTS_SECONDS = 3600\n")], Status::Partial),
            (
                "spring security defaults",
                vec![(
                    "pom.xml",
                    "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-security</artifactId></dependency><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>",
                )],
                Status::Partial,
            ),
            (
                "commented nginx",
                vec![APP, ("nginx.conf", "# add_header Content-Security-Policy \"default-src 'self'\";\n")],
                Status::Fail,
            ),
            (
                "tests only",
                vec![APP, ("tests/HeadersTest.php", "<?php\n$response->headers->set('Content-Security-Policy', 'x');")],
                Status::Fail,
            ),
            (
                "markdown only",
                vec![APP, ("docs/hardening.md", "add_header Content-Security-Policy \"default-src 'self'\";\n")],
                Status::Fail,
            ),
            (
                "a library's own headers are judged like any code",
                vec![LIB, ("src/Response.php", "<?php\n$this->headers->set('Content-Security-Policy', $csp);")],
                Status::Partial,
            ),
            (
                "broken nelmio config",
                vec![APP, ("config/packages/nelmio_security.yaml", "nelmio_security:\n  csp: [\n")],
                Status::Unknown,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&HeadersConfigured, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn dynamic_testing() {
        for (name, files, want) in [
            (
                "zap in ci",
                vec![
                    APP,
                    (
                        ".github/workflows/dast.yml",
                        "on: push\njobs:\n  zap:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: zaproxy/action-baseline@v0.12.0\n        with:\n          target: https://staging.example.com\n",
                    ),
                ],
                Status::Pass,
            ),
            ("zap rules only", vec![APP, (".zap-rules.tsv", "10016\tIGNORE\n")], Status::Partial),
            (
                "pentest doc",
                vec![APP, ("docs/security.md", "# Security\n\n## Penetration test 2024\n\nScope: API.\n")],
                Status::Partial,
            ),
            ("pentest in an example", vec![APP, ("examples/docs/security.md", "## Penetration test\n")], Status::Fail),
            ("a library without any", vec![LIB], Status::Fail),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&DynamicTesting, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
