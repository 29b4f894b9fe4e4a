//! Security-scanning checks (roadmap item 4.2 and the zero-critical-vulnerabilities metric):
//! which kinds of scanning are set up, whether dependency updates are automated, and what the
//! scan reports say. Security headers and dynamic testing, the hardening of the running
//! application, are in `hardening.rs`.

mod hardening;

pub use hardening::{DynamicTesting, HeadersConfigured};

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::manifests::Ecosystem;
use crate::facts::reports::ScanReport;
use crate::facts::{EvidenceKind, RepoFacts};
use crate::model::{Evidence, Finding};
use crate::repo::support::{Hit, automatic, hits, list, unreadable};
use crate::repo::tools::Category;

/// Scanner configuration files and what kind of scanning each stands for.
const CONFIG_CATEGORIES: &[(&str, Category)] = &[
    ("snyk", Category::DependencyScan),
    ("cargo-deny", Category::DependencyScan),
    ("dependency-check", Category::DependencyScan),
    ("roave-security-advisories", Category::DependencyScan),
    ("trivy", Category::ContainerScan),
    ("codeql", Category::CodeScan),
    ("semgrep", Category::CodeScan),
    ("sonarqube", Category::CodeScan),
    ("bandit", Category::CodeScan),
    ("checkov", Category::IacScan),
    ("gitleaks", Category::SecretScan),
    ("detect-secrets", Category::SecretScan),
    ("zap", Category::Dast),
];

pub struct ScannersConfigured;

impl Check for ScannersConfigured {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.security.scanners_configured",
            title: "Several kinds of security scanning are in place",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Vulnerable dependencies, insecure code, leaked secrets and misconfigured images are found by different scanners; one kind alone leaves the others unseen.",
            remediation: "Cover at least dependencies and code: a dependency audit or Trivy/Snyk in CI, plus CodeQL, Semgrep or SonarQube; add image scanning (Trivy, Grype), secret scanning (Gitleaks) and a ZAP baseline against a test deployment.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut in_ci: Vec<(Category, Vec<Evidence>, &'static str)> = Vec::new();
        for c in Category::SECURITY {
            let found = hits(repo, c);
            let auto: Vec<&Hit> = automatic(&found).collect();
            if let Some(h) = auto.first() {
                in_ci.push((c, h.evidence(), h.tool.name));
            }
        }
        let configured: Vec<(Category, &crate::facts::tooling::ConfigFile)> = repo
            .tooling
            .configs
            .iter()
            .filter_map(|cfg| CONFIG_CATEGORIES.iter().find(|(t, _)| *t == cfg.tool).map(|(_, c)| (*c, cfg)))
            .filter(|(c, _)| !in_ci.iter().any(|(have, _, _)| have == c))
            .collect();
        let ci_names: Vec<String> = in_ci.iter().map(|(c, _, tool)| format!("{} ({tool})", c.label())).collect();
        let mut evidence: Vec<Evidence> = in_ci.iter().flat_map(|(_, e, _)| e.iter().take(1).cloned()).collect();
        evidence.extend(configured.iter().map(|(_, cfg)| Evidence::file(cfg.path.clone(), cfg.line)));
        let covers_core = in_ci.iter().any(|(c, _, _)| matches!(c, Category::DependencyScan | Category::CodeScan));
        if in_ci.len() >= 2 && covers_core {
            return Finding::pass(format!("CI runs {}", list(&ci_names))).with(evidence);
        }
        let mut cfg_names: Vec<String> =
            configured.iter().map(|(_, cfg)| format!("{} (`{}`)", cfg.tool, cfg.path)).collect();
        cfg_names.dedup();
        if !in_ci.is_empty() {
            let extra =
                if cfg_names.is_empty() { String::new() } else { format!("; also configured: {}", list(&cfg_names)) };
            return Finding::partial(
                0.6,
                format!(
                    "CI runs only {}{extra}; add {}",
                    list(&ci_names),
                    if covers_core { "another kind of scanning" } else { "dependency or code scanning" }
                ),
            )
            .with(evidence);
        }
        if !configured.is_empty() {
            return Finding::partial(
                0.3,
                format!("scanners are configured ({}) but no CI step runs them", list(&cfg_names)),
            )
            .with(evidence);
        }
        Finding::fail(
            "no security scanner runs in CI or is configured (looked for dependency audits, Snyk, Trivy, Grype, CodeQL, Semgrep, SonarQube, Gitleaks, Checkov, zizmor, OpenSSF Scorecard, OWASP ZAP and their configuration files)",
        )
    }
}

/// Dependabot's `package-ecosystem` names for the manifests we read.
fn dependabot_name(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::Composer => "composer",
        Ecosystem::Npm => "npm",
        Ecosystem::Cargo => "cargo",
        Ecosystem::Pypi => "pip",
        Ecosystem::Go => "gomod",
        Ecosystem::Maven => "maven",
        Ecosystem::Gradle => "gradle",
    }
}

pub struct DependencyUpdatesAutomated;

impl Check for DependencyUpdatesAutomated {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.security.dependency_updates_automated",
            title: "Dependency updates are automated",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Most vulnerabilities are fixed upstream long before they are exploited; a bot that proposes updates keeps the window short without anyone remembering to look.",
            remediation: "Add `.github/dependabot.yml` with an `updates` entry for every package ecosystem of the repository (composer, npm, cargo, pip, gomod, maven, gradle), or enable Renovate with a `renovate.json`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let ecosystems = repo.manifests.ecosystems();
        if let Some(r) = &repo.tooling.renovate {
            return Finding::pass(format!("Renovate is configured in `{}`", r.path))
                .with_one(Evidence::file(r.path.clone(), r.line));
        }
        if let Some(d) = &repo.tooling.dependabot {
            let covered: Vec<Ecosystem> = ecosystems
                .iter()
                .copied()
                .filter(|e| d.ecosystems.iter().any(|(n, _)| n == dependabot_name(*e)))
                .collect();
            let missing: Vec<String> = ecosystems
                .iter()
                .filter(|e| !covered.contains(e))
                .map(|e| format!("`{}`", dependabot_name(*e)))
                .collect();
            let evidence: Vec<Evidence> =
                d.ecosystems.iter().map(|(_, line)| Evidence::file(d.path.clone(), Some(*line))).collect();
            if missing.is_empty() && !d.ecosystems.is_empty() {
                let names: Vec<String> = d.ecosystems.iter().map(|(n, _)| format!("`{n}`")).collect();
                return Finding::pass(format!("Dependabot keeps {} up to date (`{}`)", list(&names), d.path))
                    .with(evidence);
            }
            if d.ecosystems.is_empty() {
                return Finding::partial(0.2, format!("`{}` exists but lists no `updates`", d.path))
                    .with_one(Evidence::file(d.path.clone(), None));
            }
            let share = covered.len() as f64 / ecosystems.len().max(1) as f64;
            return Finding::partial(
                0.2 + 0.6 * share,
                format!("Dependabot (`{}`) does not cover {}", d.path, list(&missing)),
            )
            .with(evidence);
        }
        if let Some(unknown) = unreadable(repo, |p| p.contains("dependabot"), "dependency updates are automated") {
            return unknown;
        }
        Finding::fail(
            "no Dependabot or Renovate configuration found (looked for .github/dependabot.yml, renovate.json, .renovaterc and package.json `renovate`)",
        )
    }
}

/// Scan reports that speak for the project: given ones win over ones found in the tree.
pub fn chosen_scans(repo: &RepoFacts) -> Vec<&ScanReport> {
    let given: Vec<&ScanReport> = repo.reports.scans.iter().filter(|r| r.given).collect();
    if given.is_empty() { repo.reports.scans.iter().collect() } else { given }
}

/// Measure id and how to provide evidence for the critical-vulnerabilities metric.
pub const MEASURE: &str = "security.critical_vulnerabilities";
pub const HOW_TO: &str =
    "no SARIF or Trivy report found; run a scanner and pass --evidence sarif=PATH or --evidence trivy=PATH";

pub struct NoCriticalVulnerabilities;

impl Check for NoCriticalVulnerabilities {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.security.no_critical_vulnerabilities",
            title: "Scan reports show no critical vulnerabilities",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "The roadmap's security target is zero critical vulnerabilities; the latest scan results are the evidence.",
            remediation: "Fix or upgrade what the scan lists as critical (the report names package and fixed version); suppress a false positive in the scanner with a recorded reason.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let scans = chosen_scans(repo);
        if scans.is_empty() {
            for kind in [EvidenceKind::Sarif, EvidenceKind::Trivy] {
                if let Some(p) = repo.reports.broken(kind) {
                    return Finding::unknown(format!("the scan report could not be read: {p}"))
                        .with_one(Evidence::file(p.path.clone(), p.line));
                }
            }
            return Finding::not_assessed(HOW_TO);
        }
        let critical: u64 = scans.iter().map(|s| s.counts.critical).sum();
        let high: u64 = scans.iter().map(|s| s.counts.high).sum();
        let evidence: Vec<Evidence> = scans
            .iter()
            .map(|s| Evidence::report(s.path.clone(), "critical findings", s.counts.critical as f64, None))
            .collect();
        let tools: Vec<String> = scans.iter().flat_map(|s| s.tools.iter().cloned()).collect();
        if critical == 0 {
            return Finding::pass(format!(
                "{} report(s) from {} list no critical vulnerability ({high} high)",
                scans.len(),
                list(&tools)
            ))
            .with(evidence);
        }
        let worst: Vec<String> = scans
            .iter()
            .flat_map(|s| s.worst.iter())
            .filter(|w| w.severity == crate::facts::reports::Severity::Critical)
            .take(3)
            .map(|w| format!("{} ({})", w.id, w.title))
            .collect();
        Finding::fail(format!(
            "{critical} critical vulnerabilit{} reported, among them {}",
            if critical == 1 { "y" } else { "ies" },
            list(&worst)
        ))
        .with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const CI_AUDIT_CODEQL: &str = "on: pull_request\njobs:\n  a:\n    steps:\n      - run: composer audit\n      - uses: github/codeql-action/analyze@v3\n";

    #[test]
    fn scanners() {
        for (name, files, want) in [
            ("audit and codeql", vec![(".github/workflows/s.yml", CI_AUDIT_CODEQL)], Status::Pass),
            (
                "audit only",
                vec![(
                    ".github/workflows/s.yml",
                    "on: push\njobs:\n  a:\n    steps:\n      - run: npm audit --audit-level=high\n",
                )],
                Status::Partial,
            ),
            ("config only", vec![(".trivyignore", "CVE-1"), ("deny.toml", "")], Status::Partial),
            ("fixture config only", vec![("tests/fixtures/.snyk", "")], Status::Fail),
            ("nothing", vec![("README.md", "")], Status::Fail),
        ] {
            let f = run(&ScannersConfigured, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn dependency_updates() {
        for (name, files, want) in [
            (
                "all ecosystems",
                vec![
                    ("composer.json", "{}"),
                    (
                        ".github/dependabot.yml",
                        "version: 2\nupdates:\n  - package-ecosystem: composer\n    directory: /\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "missing npm",
                vec![
                    ("composer.json", "{}"),
                    ("package.json", "{}"),
                    (".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: composer\n"),
                ],
                Status::Partial,
            ),
            ("renovate", vec![("renovate.json", "{}")], Status::Pass),
            ("broken", vec![(".github/dependabot.yml", "updates: [")], Status::Unknown),
            ("none", vec![("composer.json", "{}")], Status::Fail),
        ] {
            let f = run(&DependencyUpdatesAutomated, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    const SARIF_CRITICAL: &str = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[{"id":"CVE-1","properties":{"security-severity":"9.8"}},{"id":"CVE-2","properties":{"security-severity":"7.5"}}]}},"results":[{"ruleId":"CVE-1","ruleIndex":0,"message":{"text":"openssl: bad"}},{"ruleId":"CVE-2","ruleIndex":1,"message":{"text":"zlib"}}]}]}"#;
    const SARIF_CLEAN: &str = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"CodeQL"}},"results":[{"ruleId":"js/xss","level":"error","message":{"text":"x"}}]}]}"#;

    #[test]
    fn critical_vulnerabilities() {
        for (name, files, want) in [
            ("critical", vec![("results.sarif", SARIF_CRITICAL)], Status::Fail),
            ("clean", vec![("results.sarif", SARIF_CLEAN)], Status::Pass),
            (
                "trivy json",
                vec![(
                    "trivy-report.json",
                    r#"{"SchemaVersion":2,"Results":[{"Target":"composer.lock","Vulnerabilities":[{"VulnerabilityID":"CVE-9","PkgName":"x","Severity":"HIGH"}]}]}"#,
                )],
                Status::Pass,
            ),
            ("fixture report", vec![("testdata/results.sarif", SARIF_CRITICAL)], Status::NotAssessed),
            ("broken", vec![("results.sarif", "{\"version\":\"2.1.0\"")], Status::Unknown),
            ("none", vec![], Status::NotAssessed),
        ] {
            let f = run(&NoCriticalVulnerabilities, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
