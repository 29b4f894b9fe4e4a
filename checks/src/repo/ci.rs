//! CI/CD pipeline checks (roadmap item 6.1): tests on pull requests, security scanning in the
//! pipeline, and automated deployment.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::ci::PrTrigger;
use crate::model::{Evidence, Finding};
use crate::repo::support::{Hit, automatic, hits, list, no_pipeline};
use crate::repo::tools::Category;

fn pr_note(hit: &Hit) -> String {
    match &hit.pipeline.pr {
        PrTrigger::Implicit { reason } => format!(" ({reason})"),
        _ => String::new(),
    }
}

fn evidence_of(hits: &[&Hit]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for e in hits.iter().take(3).flat_map(|h| h.evidence()) {
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

pub struct TestsRunOnPullRequests;

impl Check for TestsRunOnPullRequests {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.ci.tests_run_on_pull_requests",
            title: "Tests run on every pull request",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A change that is tested before it is merged keeps the main branch releasable; tests that only run after merge find breakage when it is already shipped.",
            remediation: "Add a CI job triggered by pull requests (for GitHub Actions `on: pull_request`) that runs the test suite, e.g. `vendor/bin/phpunit`, `cargo test`, `npm test` or `pytest`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if repo.ci.pipelines.is_empty() {
            return no_pipeline(repo, "testing");
        }
        let all = hits(repo, Category::Test);
        let on_pr: Vec<&Hit> = automatic(&all).filter(|h| h.pipeline.pr.runs() && h.job.on_pr).collect();
        if let Some(first) = on_pr.first() {
            return Finding::pass(format!("{} runs on pull requests{}", first.describe(), pr_note(first)))
                .with(evidence_of(&on_pr));
        }
        if let Some(first) = all.first() {
            let refs: Vec<&Hit> = all.iter().collect();
            return Finding::partial(
                0.5,
                format!(
                    "tests run in CI ({}) but not for pull requests, so breakage is found after merging",
                    first.describe()
                ),
            )
            .with(evidence_of(&refs));
        }
        let files: Vec<String> = repo.ci.pipelines.iter().map(|p| format!("`{}`", p.path)).collect();
        Finding::fail(format!(
            "{} CI pipeline(s) found ({}), but no job runs a test command (looked for PHPUnit, Pest, cargo test, npm/yarn test, Jest, Vitest, pytest, go test, Maven, Gradle, dotnet test and make test, also inside the scripts steps call)",
            repo.ci.pipelines.len(),
            list(&files)
        ))
    }
}

pub struct SecurityScanInPipeline;

impl Check for SecurityScanInPipeline {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.ci.security_scan_in_pipeline",
            title: "The pipeline runs a security scan",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Scanning in the pipeline catches vulnerable dependencies, insecure code and misconfigured images on every change instead of at an annual audit.",
            remediation: "Add a scanning step to CI: a dependency audit (`composer audit`, `npm audit`, `cargo audit`, `pip-audit`), CodeQL or Semgrep for code, Trivy for images and IaC, OWASP ZAP for a running instance.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if repo.ci.pipelines.is_empty() {
            return no_pipeline(repo, "security scanning");
        }
        let mut all: Vec<Hit> = Vec::new();
        for c in Category::SECURITY {
            all.extend(hits(repo, c));
        }
        let auto: Vec<&Hit> = automatic(&all).collect();
        if !auto.is_empty() {
            let mut tools: Vec<String> = auto.iter().map(|h| h.tool.name.to_string()).collect();
            tools.dedup();
            return Finding::pass(format!("the pipeline scans with {} ({})", list(&tools), auto[0].describe()))
                .with(evidence_of(&auto));
        }
        if let Some(first) = all.first() {
            let refs: Vec<&Hit> = all.iter().collect();
            return Finding::partial(
                0.4,
                format!("a security scan exists only as a manual job ({})", first.describe()),
            )
            .with(evidence_of(&refs));
        }
        Finding::fail(
            "no CI step runs a security scanner (looked for dependency audits, CodeQL, Semgrep, SonarQube, Trivy, Grype, Snyk, OWASP ZAP, Gitleaks, Checkov, zizmor, OpenSSF Scorecard and GitLab security templates)",
        )
    }
}

pub struct DeploymentAutomated;

impl Check for DeploymentAutomated {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.ci.deployment_automated",
            title: "Deployment is automated",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A deployment that a pipeline or a GitOps controller performs is repeatable, auditable and fast; a hand-run deployment is none of these.",
            remediation: "Deploy from CI (a job with an `environment:` running `helm upgrade`, `kubectl apply`, `terraform apply` or your platform's deploy command) or declare the application for a GitOps controller (an Argo CD `Application` or a Flux `Kustomization`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let gitops: Vec<_> = repo
            .k8s
            .objects
            .iter()
            .filter(|o| o.location.is_project())
            .filter(|o| {
                matches!(
                    (o.group(), o.kind.as_str()),
                    ("argoproj.io", "Application" | "ApplicationSet")
                        | ("kustomize.toolkit.fluxcd.io", "Kustomization")
                        | ("helm.toolkit.fluxcd.io", "HelmRelease")
                )
            })
            .collect();
        let deploys = hits(repo, Category::Deploy);
        let auto: Vec<&Hit> = automatic(&deploys).collect();
        let env_jobs: Vec<_> = repo.ci.jobs().filter(|(_, j)| j.environment.is_some() && !j.manual).collect();
        if let Some(first) = auto.first() {
            return Finding::pass(format!("{} deploys automatically", first.describe())).with(evidence_of(&auto));
        }
        if let Some(o) = gitops.first() {
            let what = if o.group() == "argoproj.io" { "Argo CD" } else { "Flux" };
            return Finding::pass(format!(
                "deployment is handed to {what}: {} `{}` in `{}`",
                o.kind,
                o.name.as_deref().unwrap_or("unnamed"),
                o.path
            ))
            .with(gitops.iter().take(3).map(|o| Evidence::file(o.path.clone(), Some(o.line))));
        }
        if let Some((p, j)) = env_jobs.first() {
            return Finding::pass(format!(
                "job `{}` of `{}` deploys to environment `{}`",
                j.label(),
                p.path,
                j.environment.as_deref().unwrap_or("")
            ))
            .with_one(Evidence::file(j.path.clone(), Some(j.line)));
        }
        if let Some(first) = deploys.first() {
            let refs: Vec<&Hit> = deploys.iter().collect();
            return Finding::partial(
                0.6,
                format!("deployment runs from CI but waits for a manual trigger ({})", first.describe()),
            )
            .with(evidence_of(&refs));
        }
        let publishes = hits(repo, Category::Publish);
        if let Some(first) = publishes.first() {
            let refs: Vec<&Hit> = publishes.iter().collect();
            return Finding::partial(
                0.4,
                format!(
                    "releases are published automatically ({}), but nothing deploys them to an environment",
                    first.describe()
                ),
            )
            .with(evidence_of(&refs));
        }
        if repo.ci.pipelines.is_empty() {
            return no_pipeline(repo, "deployment");
        }
        Finding::fail(
            "no deployment automation found (looked for CI jobs with an environment or a deploy command such as helm, kubectl, terraform apply, cloud CLIs and PaaS deployers, and for Argo CD or Flux manifests)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const GHA_PR: &str = "on:\n  pull_request:\n  push:\n    branches: [main]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: vendor/bin/phpunit\n";

    #[test]
    fn tests_on_pull_requests() {
        for (name, files, want) in [
            ("github pr", vec![(".github/workflows/ci.yml", GHA_PR)], Status::Pass),
            (
                "push to main only",
                vec![(
                    ".github/workflows/ci.yml",
                    "on:\n  push:\n    branches: [main]\njobs:\n  t:\n    steps:\n      - run: cargo test\n",
                )],
                Status::Partial,
            ),
            (
                "job excluded from PRs",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: [push, pull_request]\njobs:\n  t:\n    if: github.event_name == 'push'\n    steps:\n      - run: cargo test\n",
                )],
                Status::Partial,
            ),
            (
                "via make and composer scripts",
                vec![
                    (".github/workflows/ci.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: make ci\n"),
                    ("Makefile", "ci: lint\n\tcomposer test\nlint:\n\techo lint\n"),
                    ("composer.json", r#"{"scripts":{"test":"phpunit -c phpunit.xml.dist"}}"#),
                ],
                Status::Pass,
            ),
            ("gitlab implicit", vec![(".gitlab-ci.yml", "test:\n  script:\n    - pytest\n")], Status::Pass),
            (
                "gitlab main only",
                vec![(".gitlab-ci.yml", "test:\n  only: [main]\n  script:\n    - pytest\n")],
                Status::Partial,
            ),
            (
                "no test step",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: pull_request\njobs:\n  b:\n    steps:\n      - run: cargo build\n",
                )],
                Status::Fail,
            ),
            (
                "commented-out test",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: pull_request\njobs:\n  b:\n    steps:\n      - run: |\n          # vendor/bin/phpunit\n          echo skipped\n",
                )],
                Status::Fail,
            ),
            ("no ci", vec![("README.md", "# x")], Status::Fail),
            ("broken ci", vec![(".github/workflows/ci.yml", "on: [pull_request\njobs: {")], Status::Unknown),
        ] {
            let f = run(&TestsRunOnPullRequests, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
            if f.status == Status::Pass {
                assert!(!f.evidence.is_empty(), "{name}");
            }
        }
    }

    #[test]
    fn pass_cites_the_step_and_the_script() {
        let f = run(
            &TestsRunOnPullRequests,
            &[
                (".github/workflows/ci.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: make test\n"),
                ("Makefile", "test:\n\tcargo test\n"),
            ],
        );
        let labels: Vec<String> = f.evidence.iter().map(Evidence::label).collect();
        assert_eq!(labels, vec![".github/workflows/ci.yml:5", "Makefile:1"]);
    }

    #[test]
    fn security_scan() {
        for (name, files, want) in [
            (
                "trivy action",
                vec![(
                    ".github/workflows/s.yml",
                    "on: push\njobs:\n  s:\n    steps:\n      - uses: aquasecurity/trivy-action@0.28.0\n",
                )],
                Status::Pass,
            ),
            (
                "gitlab template",
                vec![(
                    ".gitlab-ci.yml",
                    "include:\n  - template: Security/SAST.gitlab-ci.yml\ntest:\n  script: [make]\n",
                )],
                Status::Pass,
            ),
            (
                "manual only",
                vec![(
                    ".github/workflows/s.yml",
                    "on: workflow_dispatch\njobs:\n  s:\n    steps:\n      - run: composer audit\n",
                )],
                Status::Partial,
            ),
            ("none", vec![(".github/workflows/ci.yml", GHA_PR)], Status::Fail),
            ("no ci", vec![], Status::Fail),
        ] {
            let f = run(&SecurityScanInPipeline, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn deployment() {
        for (name, files, want) in [
            (
                "helm on push",
                vec![(
                    ".github/workflows/d.yml",
                    "on:\n  push:\n    branches: [main]\njobs:\n  d:\n    steps:\n      - run: helm upgrade --install app ./chart\n",
                )],
                Status::Pass,
            ),
            (
                "environment job",
                vec![(".gitlab-ci.yml", "deploy:\n  environment: production\n  script: [./deploy.sh]\n")],
                Status::Pass,
            ),
            (
                "argo cd",
                vec![(
                    "deploy/app.yaml",
                    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n",
                )],
                Status::Pass,
            ),
            (
                "argo cd example only",
                vec![(
                    "examples/app.yaml",
                    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n",
                )],
                Status::Fail,
            ),
            (
                "manual deploy",
                vec![(".gitlab-ci.yml", "deploy:\n  when: manual\n  script: [kubectl apply -f k8s/]\n")],
                Status::Partial,
            ),
            (
                "publish only",
                vec![(
                    ".github/workflows/r.yml",
                    "on:\n  push:\n    tags: ['v*']\njobs:\n  r:\n    steps:\n      - run: cargo publish\n",
                )],
                Status::Partial,
            ),
            ("nothing", vec![(".github/workflows/ci.yml", GHA_PR)], Status::Fail),
        ] {
            let f = run(&DeploymentAutomated, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
