//! What CI steps do: the one catalog of tools recognised in step references and commands.
//!
//! Each entry names a tool, what kind of work it does, and one pattern matched against a step's
//! action/orb/task reference, its inputs, its shell commands and the scripts those commands call
//! (and, for scheduled jobs in Kubernetes, a container's command). All patterns are compiled into
//! one `RegexSet`, so a command is classified in a single pass. Patterns anchor on command shapes
//! (`trivy image`, `cargo audit`, `helm upgrade`) rather than bare words.
//!
//! One rule decides what counts as running a tool: a shell line is split into its commands (at
//! `&&`, `||`, `;` and `|`), and a command that only prints (`echo`, `printf`, `cat`) runs
//! nothing, whatever tool it names: `echo "run phpstan next"` is not static analysis. Comment
//! lines are removed from scripts before they get here. No check matches CI commands with
//! patterns of its own; each asks for the hits of a category (`support::ci::hits`).

use crate::facts::ci::Step;
use regex::RegexSet;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    Test,
    Coverage,
    DependencyScan,
    CodeScan,
    ContainerScan,
    IacScan,
    SecretScan,
    /// Scanners of the pipeline and the supply chain themselves (zizmor, OpenSSF Scorecard).
    SupplyChainScan,
    Dast,
    Deploy,
    Publish,
    /// Static analysers and linters (PHPStan, clippy, ESLint, mypy...).
    StaticAnalysis,
    MutationTesting,
    /// Load generators run against a deployment (k6, Locust, Gatling...).
    LoadTest,
    /// Cloud cost estimates of infrastructure changes (Infracost).
    CostEstimate,
    /// Dumps or physical backups of a database.
    DatabaseBackup,
    /// Restores of a database backup (a restore drill).
    DatabaseRestore,
    /// Commands that start or inspect a deployed component and read what it did
    /// (`kubectl logs`, `docker run`, `docker compose up`).
    ComponentRun,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Test => "tests",
            Category::Coverage => "coverage",
            Category::DependencyScan => "dependency scanning",
            Category::CodeScan => "static application security testing",
            Category::ContainerScan => "container image scanning",
            Category::IacScan => "infrastructure-as-code scanning",
            Category::SecretScan => "secret scanning",
            Category::SupplyChainScan => "CI and supply-chain security scanning",
            Category::Dast => "dynamic application security testing",
            Category::Deploy => "deployment",
            Category::Publish => "release publishing",
            Category::StaticAnalysis => "static analysis",
            Category::MutationTesting => "mutation testing",
            Category::LoadTest => "load testing",
            Category::CostEstimate => "cost estimation",
            Category::DatabaseBackup => "database backup",
            Category::DatabaseRestore => "database restore",
            Category::ComponentRun => "running a deployed component",
        }
    }

    /// Every kind of security scanning, in the order findings list them.
    pub const SECURITY: [Category; 7] = [
        Category::DependencyScan,
        Category::CodeScan,
        Category::ContainerScan,
        Category::IacScan,
        Category::SecretScan,
        Category::SupplyChainScan,
        Category::Dast,
    ];

    pub fn is_security(self) -> bool {
        Self::SECURITY.contains(&self)
    }
}

pub struct Tool {
    pub name: &'static str,
    pub category: Category,
    pub pattern: &'static str,
}

const fn t(name: &'static str, category: Category, pattern: &'static str) -> Tool {
    Tool { name, category, pattern }
}

use Category::*;

/// Every recognised tool. `\b` is compiled as an ASCII word boundary.
pub static TOOLS: &[Tool] = &[
    // tests
    t("PHPUnit", Test, r"(?i)(^|[\s/])(phpunit|simple-phpunit|paratest)\b|php-actions/phpunit"),
    t("Pest", Test, r"(^|[\s/])pest(\s|$)"),
    t("Behat", Test, r"(^|[\s/])behat\b"),
    t("Codeception", Test, r"(^|[\s/])codecept(ion)?\s+run\b"),
    t("cargo test", Test, r"\bcargo\s+(\+\S+\s+)?(test|nextest|llvm-cov|tarpaulin|hack\s+test)\b"),
    t("npm test", Test, r"\b(npm|pnpm|yarn|bun)\s+(run\s+)?(test|t)(\s|$|:)|\b(npm|pnpm|yarn)\s+(run\s+)?test:"),
    t("Jest", Test, r"(^|[\s/])(jest|vitest|mocha|ava|karma\s+start|ng\s+test|jasmine)\b"),
    t("Playwright", Test, r"\bplaywright\s+test\b|\bcypress\s+run\b"),
    t("pytest", Test, r"(^|[\s/])(pytest|py\.test)\b|python[0-9.]*\s+-m\s+(pytest|unittest)\b|(^|\s)(tox|nox)(\s|$)"),
    t("go test", Test, r"\bgo\s+test\b|\bgotestsum\b|\bginkgo\b"),
    t("Maven", Test, r"(^|[\s/])mvnw?(\s+\S+)*\s+(test|verify|install|integration-test)\b|task:Maven@"),
    t("Gradle", Test, r"(^|[\s/])gradlew?(\s+\S+)*\s+(test|check|build)\b|task:Gradle@"),
    t("dotnet test", Test, r"\bdotnet\s+test\b|task:VSTest@|command=test"),
    t("RSpec", Test, r"\b(rspec|rake\s+(test|spec)|mix\s+test)\b"),
    t("make test", Test, r"\bmake\s+(\S+\s+)*(test|tests|check|unit|unittest|test-[a-z-]+|[a-z-]+-tests?)(\s|$)"),
    t("CircleCI test orb", Test, r"^(node|python|go|php|ruby|maven|gradle)/test$"),
    // coverage
    t(
        "PHPUnit coverage",
        Coverage,
        r"--coverage-(clover|cobertura|html|xml|text|php|crap4j|openclover)\b|XDEBUG_MODE=coverage|\bcoverage=(xdebug|pcov)\b|\bpcov\.enabled",
    ),
    t("coverage flag", Coverage, r"\s--coverage(\s|=|$)|\s--collect-coverage\b|\s--cov(=|\s|$)|\s--cov-report\b"),
    t("coverage.py", Coverage, r"\bcoverage\s+(run|xml|report|lcov|json)\b"),
    t("nyc / c8", Coverage, r"(^|[\s/])(nyc|c8)\s"),
    t("cargo llvm-cov", Coverage, r"\bcargo\s+(\+\S+\s+)?(llvm-cov|tarpaulin)\b|\bgrcov\b"),
    t("go cover", Coverage, r"\s-cover(profile)?(\s|=|$)|-coverpkg"),
    t("JaCoCo", Coverage, r"(?i)jacoco|\bkover"),
    t("coverlet", Coverage, r"XPlat Code Coverage|coverlet"),
    t("Codecov", Coverage, r"(?i)codecov/codecov-action|\bcodecov\b|codecov/upload"),
    t("Coveralls", Coverage, r"(?i)coverallsapp/github-action|\bcoveralls\b"),
    // dependency scanning
    t(
        "composer audit",
        DependencyScan,
        r"\bcomposer\s+audit\b|local-php-security-checker|\bsymfony\s+(security:check|check:security)\b",
    ),
    t(
        "npm audit",
        DependencyScan,
        r"\b(npm|pnpm)\s+audit\b|\byarn\s+(npm\s+)?audit\b|\baudit-ci\b|\bbetter-npm-audit\b",
    ),
    t("cargo audit", DependencyScan, r"\bcargo\s+(audit|deny)\b|rustsec/audit-check|cargo-deny-action"),
    t("pip-audit", DependencyScan, r"\bpip-audit\b|\bsafety\s+(check|scan)\b"),
    t("govulncheck", DependencyScan, r"\bgovulncheck\b"),
    t("OSV-Scanner", DependencyScan, r"\bosv-scanner\b|google/osv-scanner"),
    t("OWASP Dependency-Check", DependencyScan, r"(?i)dependency-check|dependencyCheck"),
    t("Snyk", DependencyScan, r"\bsnyk\s+(test|monitor)\b|snyk/actions|SnykSecurityScan@|^snyk/"),
    t("Dependency Review", DependencyScan, r"actions/dependency-review-action"),
    t("bundler-audit", DependencyScan, r"\bbundle(r)?[- ]audit\b"),
    t(
        "Trivy filesystem",
        DependencyScan,
        r"\btrivy\s+(fs|filesystem|repo|repository|sbom|rootfs)\b|scan-type=(fs|repo)",
    ),
    t(
        "GitLab Dependency Scanning",
        DependencyScan,
        r"(?i)template:(Jobs|Security)/Dependency-Scanning|components/dependency-scanning",
    ),
    // static analysis for security
    t("CodeQL", CodeScan, r"github/codeql-action/(analyze|init)|\bcodeql\s+database\b|AdvancedSecurity-Codeql"),
    t("Semgrep", CodeScan, r"\bsemgrep\b|returntocorp/semgrep"),
    t("Bandit", CodeScan, r"(^|[\s/])bandit\s"),
    t("gosec", CodeScan, r"\bgosec\b"),
    t("Brakeman", CodeScan, r"\bbrakeman\b"),
    t("Psalm taint analysis", CodeScan, r"psalm.*--taint-analysis"),
    t(
        "SonarQube",
        CodeScan,
        r"(?i)sonar-scanner|sonarsource/sonar|sonarcloud|sonarqube-scan|\bsonar:sonar\b|SonarQubeAnalyze@|SonarCloudAnalyze@",
    ),
    t("Snyk Code", CodeScan, r"\bsnyk\s+code\s+test\b"),
    t("GitLab SAST", CodeScan, r"(?i)template:(Jobs|Security)/SAST|components/sast"),
    // container images
    t("Trivy image", ContainerScan, r"\btrivy\s+image\b|aquasecurity/trivy-action|scan-type=image|image-ref="),
    t("Grype", ContainerScan, r"\bgrype\b|anchore/scan-action"),
    t("Docker Scout", ContainerScan, r"\bdocker\s+scout\s+(cves|quickview|recommendations)\b|docker/scout-action"),
    t("Snyk Container", ContainerScan, r"\bsnyk\s+container\b"),
    t(
        "GitLab Container Scanning",
        ContainerScan,
        r"(?i)template:(Jobs|Security)/Container-Scanning|components/container-scanning",
    ),
    // infrastructure as code
    t("Checkov", IacScan, r"\bcheckov\b|bridgecrewio/checkov-action"),
    t("tfsec", IacScan, r"\btfsec\b"),
    t("Trivy config", IacScan, r"\btrivy\s+config\b|scan-type=config"),
    t("KICS", IacScan, r"\bkics\s+scan\b|checkmarx/kics"),
    t("Kubescape", IacScan, r"\bkubescape\b|\bkube-score\b|\bkubesec\b"),
    t("Hadolint", IacScan, r"\bhadolint\b"),
    // secrets
    t("Gitleaks", SecretScan, r"\bgitleaks\b"),
    t("TruffleHog", SecretScan, r"(?i)\btrufflehog\b"),
    t("detect-secrets", SecretScan, r"\bdetect-secrets\b|\bggshield\b"),
    t(
        "GitLab Secret Detection",
        SecretScan,
        r"(?i)template:(Jobs|Security)/Secret-Detection|components/secret-detection",
    ),
    // the pipeline and the supply chain
    t(
        "zizmor",
        SupplyChainScan,
        r"(?m)^\s*(uvx\s+|pipx\s+run\s+)?zizmor(\s|$)|zizmorcore/zizmor-action|woodruffw/zizmor",
    ),
    t("OpenSSF Scorecard", SupplyChainScan, r"ossf/scorecard-action"),
    // dynamic testing
    t(
        "OWASP ZAP",
        Dast,
        r"zaproxy/action-(baseline|full-scan|api-scan|af)|zap-(baseline|full-scan|api-scan)\.py|zaproxy/zap-(stable|weekly)|owasp/zap2docker|\bzap\.sh\b",
    ),
    t("Nuclei", Dast, r"\bnuclei\s|projectdiscovery/nuclei-action"),
    t("GitLab DAST", Dast, r"(?i)template:(Jobs|Security)/DAST|components/dast"),
    // deployment
    t("Helm", Deploy, r"\bhelm\s+(upgrade|install)\b|\bhelmfile\s+(apply|sync)\b|task:HelmDeploy@"),
    t(
        "kubectl",
        Deploy,
        r"\bkubectl\s+(apply|set\s+image|rollout\s+restart|replace|create\s+-f)\b|azure/k8s-deploy|task:KubernetesManifest@|task:Kubernetes@",
    ),
    t("Argo CD", Deploy, r"\bargocd\s+app\s+(sync|set|create)\b"),
    t("Flux", Deploy, r"\bflux\s+(reconcile|bootstrap)\b"),
    t(
        "Terraform apply",
        Deploy,
        r"\b(terraform|tofu|terragrunt)\s+(\S+\s+)*apply\b|hashicorp/tfc-workflows|task:TerraformTask.*command=apply",
    ),
    t("Pulumi", Deploy, r"\bpulumi\s+up\b|pulumi/actions"),
    t(
        "AWS deploy",
        Deploy,
        r"\bcdk\s+deploy\b|\b(serverless|sls)\s+deploy\b|\bsam\s+deploy\b|\baws\s+ecs\s+update-service\b|amazon-ecs-deploy-task-definition|\baws\s+deploy\s+create-deployment\b|\beb\s+deploy\b|\baws\s+s3\s+sync\b|\bcopilot\s+(svc|job)\s+deploy\b",
    ),
    t("Google Cloud deploy", Deploy, r"\bgcloud\s+(run|app|functions)\s+deploy\b|google-github-actions/deploy-"),
    t(
        "Azure deploy",
        Deploy,
        r"azure/webapps-deploy|azure/functions-action|\baz\s+(webapp|functionapp|containerapp)\s+(deploy|update|up)\b|task:AzureWebApp|task:AzureRmWebAppDeployment|task:AzureFunctionApp",
    ),
    t("PHP Deployer", Deploy, r"(^|[\s/])dep\s+deploy\b|deployphp/action"),
    t("Capistrano / Kamal", Deploy, r"\bcap\s+\S+\s+deploy\b|\bkamal\s+deploy\b|\bmrsk\s+deploy\b"),
    t(
        "PaaS deploy",
        Deploy,
        r"\bfly(ctl)?\s+deploy\b|\bvercel\s+(\S+\s+)*--prod\b|\bnetlify\s+deploy\b|\bheroku\s+(container:release|releases)|akhileshns/heroku-deploy|\brailway\s+up\b|\brender\s+deploy",
    ),
    t("Ansible", Deploy, r"\bansible-playbook\b"),
    t(
        "Skaffold / werf",
        Deploy,
        r"\bskaffold\s+run\b|\bwerf\s+converge\b|\bdocker\s+stack\s+deploy\b|\bnomad\s+job\s+run\b",
    ),
    // publishing
    t(
        "Container push",
        Publish,
        r"\bdocker\s+push\b|\bdocker\s+buildx\s+build\b.*--push|docker/build-push-action|push=true|\bpodman\s+push\b|\bcrane\s+push\b|\bko\s+(build|publish)\b",
    ),
    t(
        "Package publish",
        Publish,
        r"\bcargo\s+publish\b|\b(npm|pnpm)\s+publish\b|\byarn\s+(npm\s+)?publish\b|\btwine\s+upload\b|\b(poetry|uv|flit|hatch)\s+publish\b|pypa/gh-action-pypi-publish|\bmvnw?\s+(\S+\s+)*deploy\b|\bgradlew?\s+(\S+\s+)*publish\b|\bgem\s+push\b|\bdotnet\s+nuget\s+push\b",
    ),
    t(
        "GitHub release",
        Publish,
        r"\bgh\s+release\s+create\b|softprops/action-gh-release|\bgoreleaser\b|\bsemantic-release\b|changesets/action|release-please",
    ),
    // static analysis
    t("PHPStan", StaticAnalysis, r"(^|[\s/])phpstan(\.phar)?(\s|$)|php-actions/phpstan"),
    t("Psalm", StaticAnalysis, r"(^|[\s/])psalm(\.phar)?(\s|$)|psalm/psalm-github-actions"),
    t(
        "clippy",
        StaticAnalysis,
        r"\bcargo\s+(\+\S+\s+)?clippy\b|clippy-check|actions-rs/clippy|giraffate/clippy-action",
    ),
    t("ESLint", StaticAnalysis, r"(^|[\s/])eslint(\s|$)|\bnext\s+lint\b|\bng\s+lint\b"),
    t("TypeScript type check", StaticAnalysis, r"(^|[\s/])(tsc|vue-tsc)(\s|$)"),
    t("mypy", StaticAnalysis, r"(^|[\s/])mypy(\s|$)|-m\s+mypy\b"),
    t("Ruff", StaticAnalysis, r"(^|[\s/])ruff\s+(check|\.)|astral-sh/ruff-action|chartboost/ruff-action"),
    t("Pylint", StaticAnalysis, r"(^|[\s/])pylint\s"),
    t("Flake8", StaticAnalysis, r"(^|[\s/])flake8(\s|$)"),
    t("Pyright", StaticAnalysis, r"(^|[\s/])(pyright|basedpyright)(\s|$)|jakebailey/pyright-action"),
    t("golangci-lint", StaticAnalysis, r"golangci-lint\s+run|golangci/golangci-lint-action"),
    t("staticcheck", StaticAnalysis, r"(^|[\s/])staticcheck(\s|$)|dominikh/staticcheck-action"),
    t("go vet", StaticAnalysis, r"\bgo\s+vet\b"),
    t(
        "SpotBugs/PMD/Checkstyle",
        StaticAnalysis,
        r"spotbugs:check|pmd:check|checkstyle:check|\bspotbugsMain\b|\bpmdMain\b|\bcheckstyleMain\b",
    ),
    t("Qodana", StaticAnalysis, r"JetBrains/qodana-action|\bqodana\s+scan\b"),
    // runs only what the pre-commit configuration declares: the check reads that configuration
    t("pre-commit", StaticAnalysis, r"\bpre-commit\s+run\b|pre-commit/action"),
    t(
        "tox/nox lint environment",
        StaticAnalysis,
        r"\b(tox|nox)\s+(run\s+)?(-e|-s|--session)\s+\S*(typing|types|typecheck|mypy|lint|pyright|flake8|ruff|static)",
    ),
    // mutation testing
    t("Infection", MutationTesting, r"(^|[\s/])(infection|roave-infection-static-analysis-plugin)(\.phar)?(\s|$)"),
    t("cargo-mutants", MutationTesting, r"\bcargo\s+mutants\b|cargo-mutants"),
    t("Stryker", MutationTesting, r"\bstryker\s+run\b|\bnpx\s+stryker\b|dotnet[- ]stryker|stryker-mutator/"),
    t("mutmut", MutationTesting, r"\bmutmut\s+run\b"),
    t("Cosmic Ray", MutationTesting, r"\bcosmic-ray\s+(exec|init|baseline)\b"),
    t("PIT", MutationTesting, r"pitest|org\.pitest"),
    t("go-mutesting / Gremlins", MutationTesting, r"go-mutesting|\bgremlins\s+unleash\b"),
    // load testing
    t("k6", LoadTest, r"grafana/(run-)?k6-action|grafana/setup-k6-action|\bk6\s+(run|cloud)\b|grafana/k6\b"),
    t("Artillery", LoadTest, r"\bartillery\s+(run|quick)\b"),
    t("Locust", LoadTest, r"\blocust\b.*(--headless|-f\s|--host)"),
    t("Gatling", LoadTest, r"\bgatling(:test|Run|:execute)|\bgatling\.sh\b"),
    t("JMeter", LoadTest, r"\bjmeter\b.*\s-n\b"),
    t("Vegeta", LoadTest, r"\bvegeta\s+attack\b"),
    // cost estimation
    t("Infracost", CostEstimate, r"\binfracost\s+(breakdown|diff|comment|upload)\b|infracost/actions"),
    // database backups and restores
    t(
        "database dump",
        DatabaseBackup,
        r"\b(mysqldump|mariadb-dump|pg_dump|pg_dumpall|pg_basebackup|mongodump|xtrabackup|mariabackup|wal-g|pgbackrest|litestream)\b",
    ),
    t(
        "database restore",
        DatabaseRestore,
        r"\bpg_restore\b|\bmongorestore\b|\bmariadb-restore\b|\bvelero\s+restore\s+create\b|\bpgbackrest\s+(\S+\s+)*restore\b|\bwal-g\s+backup-fetch\b|\blitestream\s+restore\b|\baws\s+rds\s+restore-db-(instance|cluster)-|\bgcloud\s+sql\s+backups\s+restore\b|\bmysql\s+(\S+\s+)*<\s*\S+\.sql(\.gz)?\b",
    ),
    // running and inspecting a deployed component
    t(
        "component run",
        ComponentRun,
        r"\bkubectl\s+(logs|wait|run|exec)\b|\bdocker\s+(run|logs)\b|\bcompose\s+(run|up|logs)\b",
    ),
];

static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(TOOLS.iter().map(|t| t.pattern.replace(r"\b", r"(?-u:\b)"))).expect("tool patterns compile")
});

/// The commands of a shell line that run something: the line split at `&&`, `||`, `;` and `|`,
/// without the commands that only print (`echo phpstan`, `printf`, `cat notes.txt`).
pub fn commands(line: &str) -> impl Iterator<Item = &str> {
    line.split(['&', '|', ';']).map(str::trim).filter(|c| {
        let first = c.split_whitespace().next().unwrap_or("");
        !c.is_empty() && !matches!(first, "echo" | "printf" | "cat" | "#") && !first.starts_with('#')
    })
}

/// The tools a step uses (in its own text or the scripts it calls), each once.
pub fn classify(step: &Step) -> Vec<&'static Tool> {
    classify_texts(step.texts())
}

/// The tools named by the commands of some texts, each once, in catalog order.
pub fn classify_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<&'static Tool> {
    let mut found: Vec<usize> = Vec::new();
    for text in texts {
        for command in text.lines().flat_map(commands) {
            for i in SET.matches(command).iter() {
                if !found.contains(&i) {
                    found.push(i);
                }
            }
        }
    }
    found.sort_unstable();
    found.into_iter().map(|i| &TOOLS[i]).collect()
}

/// The tools of one category that the commands of some texts run, each once, with the first
/// command that runs it.
pub fn commands_of<'a>(texts: impl IntoIterator<Item = &'a str>, category: Category) -> Vec<(&'static Tool, String)> {
    let mut out: Vec<(&'static Tool, String)> = Vec::new();
    for text in texts {
        for command in text.lines().flat_map(commands) {
            for i in SET.matches(command).iter() {
                let tool = &TOOLS[i];
                if tool.category == category && !out.iter().any(|(t, _)| t.name == tool.name) {
                    out.push((tool, command.to_string()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(uses: Option<&str>, run: Option<&str>) -> Step {
        let mut s = Step::new("ci.yml", 1);
        s.uses = uses.map(str::to_string);
        s.run = run.map(str::to_string);
        s
    }

    fn names(uses: Option<&str>, run: Option<&str>) -> Vec<&'static str> {
        classify(&step(uses, run)).iter().map(|t| t.name).collect()
    }

    #[test]
    fn commands_and_actions_are_recognised() {
        for (uses, run, want) in [
            (
                None,
                Some("vendor/bin/phpunit --coverage-clover build/logs/clover.xml"),
                vec!["PHPUnit", "PHPUnit coverage"],
            ),
            (None, Some("php bin/phpunit"), vec!["PHPUnit"]),
            (None, Some("cargo test --workspace"), vec!["cargo test"]),
            (None, Some("cargo +nightly llvm-cov --lcov"), vec!["cargo test", "cargo llvm-cov"]),
            (None, Some("npm test"), vec!["npm test"]),
            (None, Some("yarn run test:unit"), vec!["npm test"]),
            (None, Some("npx jest --coverage"), vec!["Jest", "coverage flag"]),
            (None, Some("python -m pytest --cov=app"), vec!["pytest", "coverage flag"]),
            (None, Some("go test -race -coverprofile=cover.out ./..."), vec!["go test", "go cover"]),
            (None, Some("./mvnw -B verify"), vec!["Maven"]),
            (Some("aquasecurity/trivy-action@0.28.0"), None, vec!["Trivy image"]),
            (None, Some("trivy fs --exit-code 1 ."), vec!["Trivy filesystem"]),
            (Some("github/codeql-action/analyze@v3"), None, vec!["CodeQL"]),
            (Some("zizmorcore/zizmor-action@v0.2.0"), None, vec!["zizmor"]),
            (None, Some("uvx zizmor --format sarif ."), vec!["zizmor"]),
            (Some("ossf/scorecard-action@v2.4.0"), None, vec!["OpenSSF Scorecard"]),
            (None, Some("composer audit --locked"), vec!["composer audit"]),
            (None, Some("cargo deny check advisories"), vec!["cargo audit"]),
            (Some("zaproxy/action-baseline@v0.12.0"), None, vec!["OWASP ZAP"]),
            (Some("template:Security/SAST.gitlab-ci.yml"), None, vec!["GitLab SAST"]),
            (None, Some("helm upgrade --install shop ./chart"), vec!["Helm"]),
            (None, Some("kubectl apply -f k8s/"), vec!["kubectl"]),
            (None, Some("docker push ghcr.io/acme/shop:1.0"), vec!["Container push"]),
            (None, Some("cargo publish"), vec!["Package publish"]),
            (None, Some("make run-telemetry-tests"), vec!["make test"]),
            (None, Some("vendor/bin/dep deploy production"), vec!["PHP Deployer"]),
            (None, Some("vendor/bin/phpstan analyse --no-progress"), vec!["PHPStan"]),
            (None, Some("cd api && cargo clippy --all-targets -- -D warnings"), vec!["clippy"]),
            (None, Some("vendor/bin/infection --min-msi=80"), vec!["Infection"]),
            (Some("grafana/run-k6-action@v1"), None, vec!["k6"]),
            (None, Some("locust -f locustfile.py --headless -u 100"), vec!["Locust"]),
            (None, Some("infracost breakdown --path infra"), vec!["Infracost"]),
            (None, Some("pg_dump $DATABASE_URL | gzip > /backup/db.gz"), vec!["database dump"]),
            (None, Some("gunzip -c db.sql.gz | pg_restore -d shop"), vec!["database restore"]),
            (None, Some("kubectl logs -l app=loadgenerator | grep Aggregated"), vec!["component run"]),
            (None, Some("echo starting; uvx zizmor --format sarif ."), vec!["zizmor"]),
        ] {
            assert_eq!(names(uses, run), want, "{uses:?} {run:?}");
        }
    }

    #[test]
    fn one_rule_for_printing_commands() {
        for (line, want) in [
            ("echo hi && vendor/bin/phpunit", vec!["vendor/bin/phpunit"]),
            ("echo phpunit", vec![]),
            ("cat <<EOF | kubectl apply -f -", vec!["kubectl apply -f -"]),
            ("make test; printf done", vec!["make test"]),
        ] {
            assert_eq!(commands(line).collect::<Vec<_>>(), want, "{line}");
        }
        let hits = commands_of(["echo running infection", "vendor/bin/infection --threads=4"], MutationTesting);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, "vendor/bin/infection --threads=4");
    }

    #[test]
    fn look_alikes_are_not_tools() {
        for run in [
            "echo testing the build",
            "composer install --no-dev",
            "npm ci",
            "cargo build --release",
            "ls coverage/",
            "mvn -q dependency:tree",
            "helm lint ./chart",
            "kubectl get pods",
            "terraform plan",
            "git commit -m 'add trivyignore'",
            "docker build -t x .",
            "make build-test-image",
            "echo zizmor is great",
            "echo phpstan is great > notes.txt && cat notes.txt",
            "echo \"vendor/bin/phpunit\" >> Makefile",
            "printf 'cargo test\\n' | tee run.sh",
            "cat k6/script.js",
            "echo pg_dump is scheduled elsewhere",
        ] {
            assert_eq!(names(None, Some(run)), Vec::<&str>::new(), "{run}");
        }
    }
}
