//! Code quality checks (roadmap item 6.2) beyond coverage: static analysis, mutation testing and
//! property-based testing.
//!
//! A tool counts fully when CI runs it and half when it is only configured (a configuration
//! file, a dev dependency, a build plugin): configuration nobody runs does not guard anything.
//! What CI steps run is classified by the tool catalog (`repo/tools.rs`, categories
//! `StaticAnalysis` and `MutationTesting`), over the step's commands and the scripts they call. These checks apply to
//! libraries too: a library's own CI and tests are its practice.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::ci::Job;
use crate::facts::files::Location;
use crate::facts::manifests::{Dependency, Ecosystem};
use crate::model::{Finding, clip};
use crate::repo::support::{
    Seen, cite, describe, examples_only, hits, is_ci_path, is_manifest, own_and_other, unknown_or_fail, unreadable,
};
use crate::repo::tools::Category;

/// A tool the pipeline runs, once per job: the tool's name and where.
struct Run {
    tool: &'static str,
    seen: Seen,
}

/// The tools of a category that automatic CI jobs run (in their commands or the scripts those
/// call), as the tool catalog classifies them; each tool once per job.
fn ci_runs(repo: &RepoFacts, category: Category) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut per_job: Vec<(*const Job, &'static str)> = Vec::new();
    for h in hits(repo, category).iter().filter(|h| !h.job.manual) {
        let key = (h.job as *const Job, h.tool.name);
        if per_job.contains(&key) {
            continue;
        }
        per_job.push(key);
        out.push(Run {
            tool: h.tool.name,
            seen: Seen::new(
                format!("{} (`{}`)", h.describe(), clip(h.command.trim(), 60)),
                &h.step.path,
                Some(h.step.line),
                Location::Project,
            ),
        });
    }
    out
}

fn file_seen(repo: &RepoFacts, names: &[(&str, &str)]) -> Vec<Seen> {
    repo.files
        .entries()
        .iter()
        .filter(|e| e.location.is_project())
        .filter_map(|e| {
            names
                .iter()
                .find(|(n, _)| e.name() == *n)
                .map(|(_, tool)| Seen::new(format!("{tool} configuration"), &e.path, None, e.location))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// static analysis

const ANALYSER_FILES: &[(&str, &str)] = &[
    ("phpstan.neon", "PHPStan"),
    ("phpstan.neon.dist", "PHPStan"),
    ("phpstan.dist.neon", "PHPStan"),
    ("psalm.xml", "Psalm"),
    ("psalm.xml.dist", "Psalm"),
    ("clippy.toml", "clippy"),
    (".clippy.toml", "clippy"),
    (".eslintrc", "ESLint"),
    (".eslintrc.js", "ESLint"),
    (".eslintrc.cjs", "ESLint"),
    (".eslintrc.json", "ESLint"),
    (".eslintrc.yml", "ESLint"),
    (".eslintrc.yaml", "ESLint"),
    ("eslint.config.js", "ESLint"),
    ("eslint.config.mjs", "ESLint"),
    ("eslint.config.cjs", "ESLint"),
    ("eslint.config.ts", "ESLint"),
    ("eslint.config.mts", "ESLint"),
    ("mypy.ini", "mypy"),
    (".mypy.ini", "mypy"),
    ("ruff.toml", "Ruff"),
    (".ruff.toml", "Ruff"),
    (".pylintrc", "Pylint"),
    ("pylintrc", "Pylint"),
    (".flake8", "Flake8"),
    ("pyrightconfig.json", "Pyright"),
    (".golangci.yml", "golangci-lint"),
    (".golangci.yaml", "golangci-lint"),
    (".golangci.toml", "golangci-lint"),
    (".golangci.json", "golangci-lint"),
    ("staticcheck.conf", "staticcheck"),
    ("sonar-project.properties", "SonarQube"),
];

/// Analysers declared as dependencies or build plugins: `(name, lifecycle)` where `lifecycle`
/// means the plugin runs in the ordinary Maven/Gradle build.
fn analyser_dep(d: &Dependency) -> Option<(&'static str, bool)> {
    let n = d.name.to_ascii_lowercase();
    let found = match (d.ecosystem, n.as_str()) {
        (Ecosystem::Composer, "phpstan/phpstan") => ("PHPStan", false),
        (Ecosystem::Composer, "vimeo/psalm" | "psalm/phar") => ("Psalm", false),
        (Ecosystem::Npm, "eslint") => ("ESLint", false),
        (Ecosystem::Pypi, "mypy") => ("mypy", false),
        (Ecosystem::Pypi, "ruff") => ("Ruff", false),
        (Ecosystem::Pypi, "pylint") => ("Pylint", false),
        (Ecosystem::Pypi, "flake8") => ("Flake8", false),
        (Ecosystem::Pypi, "pyright" | "basedpyright") => ("Pyright", false),
        (Ecosystem::Maven, "com.github.spotbugs:spotbugs-maven-plugin") => ("SpotBugs", true),
        (Ecosystem::Maven, "org.apache.maven.plugins:maven-pmd-plugin") => ("PMD", true),
        (Ecosystem::Maven, "org.apache.maven.plugins:maven-checkstyle-plugin") => ("Checkstyle", true),
        (Ecosystem::Maven, "com.google.errorprone:error_prone_core") => ("Error Prone", true),
        (Ecosystem::Gradle, "com.github.spotbugs") => ("SpotBugs", true),
        (Ecosystem::Gradle, "pmd") => ("PMD", true),
        (Ecosystem::Gradle, "checkstyle") => ("Checkstyle", true),
        (Ecosystem::Gradle, "net.ltgt.errorprone") => ("Error Prone", true),
        (
            Ecosystem::Gradle | Ecosystem::Maven,
            "org.sonarqube" | "org.sonarsource.scanner.maven:sonar-maven-plugin",
        ) => ("SonarQube", false),
        _ => return None,
    };
    Some(found)
}

pub struct StaticAnalysis;

impl Check for StaticAnalysis {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.quality.static_analysis",
            title: "Static analysis runs in CI",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Type errors, null dereferences and dead code found by an analyser cost nothing to fix before merge; an analyser that is configured but not enforced in CI drifts into thousands of ignored findings.",
            remediation: "Configure a static analyser for each language (PHPStan or Psalm, clippy, ESLint and TypeScript strict mode, mypy or Ruff, golangci-lint, SpotBugs/PMD/Error Prone) and run it in the pull-request pipeline so that new findings fail the build.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let precommit: Vec<Seen> = repo
            .scan
            .project_hits("quality.precommit_analyser")
            .map(|h| Seen::hit(format!("pre-commit hook `{}`", h.text.trim_start_matches("- id:").trim()), h))
            .collect();
        let runs: Vec<Run> = ci_runs(repo, Category::StaticAnalysis)
            .into_iter()
            .filter(|r| r.tool != "pre-commit" || !precommit.is_empty())
            .collect();
        let mut configured = file_seen(repo, ANALYSER_FILES);
        let level = repo.scan.project_hits("quality.phpstan_level").next();
        if let Some(h) = level {
            configured.retain(|s| !(s.what.starts_with("PHPStan") && s.path == h.path));
            configured.push(Seen::hit(format!("PHPStan `{}`", h.text.trim()), h));
        }
        for (id, what) in [
            ("quality.py_config", "Python analyser"),
            ("quality.clippy_lints", "clippy lints"),
            ("quality.ts_strict", "TypeScript strict mode"),
        ] {
            for h in repo.scan.project_hits(id) {
                configured.push(Seen::hit(format!("{what} `{}`", clip(h.text.trim(), 40)), h));
            }
        }
        configured.extend(precommit.iter().cloned());
        let mut lifecycle = Vec::new();
        for d in &repo.manifests.dependencies {
            if let Some((tool, bound)) = analyser_dep(d) {
                let s = Seen::dep(format!("{tool} (`{}`)", d.name), d);
                if bound {
                    lifecycle.push((s, d.ecosystem));
                } else {
                    configured.push(s);
                }
            }
        }
        let mut in_ci: Vec<Seen> = runs.iter().map(|r| r.seen.clone()).collect();
        for h in hits(repo, Category::CodeScan).iter().filter(|h| h.tool.name == "SonarQube" && !h.job.manual) {
            in_ci.push(Seen::new(h.describe(), &h.step.path, Some(h.step.line), Location::Project));
        }
        // build plugins run in the Maven/Gradle build that CI runs
        {
            let builds = hits(repo, Category::Test);
            for (s, eco) in lifecycle {
                let tool = if eco == Ecosystem::Maven { "Maven" } else { "Gradle" };
                match builds.iter().find(|h| h.tool.name == tool && !h.job.manual) {
                    Some(build) => in_ci.push(Seen::new(
                        format!(
                            "{} bound to the {tool} build in job `{}` of `{}`",
                            s.what,
                            build.job.label(),
                            build.pipeline.path
                        ),
                        &s.path,
                        s.line,
                        s.location,
                    )),
                    None => configured.push(s),
                }
            }
        }
        if !in_ci.is_empty() {
            let mut all: Vec<&Seen> = in_ci.iter().collect();
            all.extend(
                configured.iter().filter(|s| s.what.starts_with("PHPStan `") || s.what.starts_with("pre-commit hook")),
            );
            return Finding::pass(format!("CI runs static analysis: {}", describe(&all))).with(cite(&all));
        }
        let cfg: Vec<&Seen> = configured.iter().collect();
        if !cfg.is_empty() {
            let question = format!("CI runs the static analysis that is configured ({})", describe(&cfg));
            if let Some(unknown) = unreadable(repo, is_ci_path, &question) {
                return unknown;
            }
            return Finding::partial(
                0.4,
                format!("static analysis is configured but no CI step runs it: {}", describe(&cfg)),
            )
            .with(cite(&cfg));
        }
        unknown_or_fail(
            repo,
            |p| is_ci_path(p) || is_manifest(p),
            "static analysis runs in CI",
            "no static analyser is configured or run in CI (looked for PHPStan, Psalm, clippy, ESLint, TypeScript strict mode, mypy, Ruff, Pylint, Flake8, Pyright, golangci-lint, staticcheck, go vet, SpotBugs, PMD, Checkstyle, Error Prone and SonarQube)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// mutation testing

const MUTATION_FILES: &[(&str, &str)] = &[
    ("infection.json5", "Infection"),
    ("infection.json", "Infection"),
    ("infection.json.dist", "Infection"),
    ("infection.json5.dist", "Infection"),
    ("mutants.toml", "cargo-mutants"),
    ("stryker.conf.js", "Stryker"),
    ("stryker.conf.json", "Stryker"),
    ("stryker.conf.mjs", "Stryker"),
    ("stryker.conf.cjs", "Stryker"),
    ("stryker.config.js", "Stryker"),
    ("stryker.config.json", "Stryker"),
    ("stryker.config.mjs", "Stryker"),
    ("stryker.config.ts", "Stryker"),
    ("stryker-config.json", "Stryker"),
];

fn mutation_dep(d: &Dependency) -> Option<&'static str> {
    let n = d.name.to_ascii_lowercase();
    Some(match (d.ecosystem, n.as_str()) {
        (Ecosystem::Composer, "infection/infection" | "roave/infection-static-analysis-plugin") => "Infection",
        (Ecosystem::Npm, "@stryker-mutator/core") => "Stryker",
        (Ecosystem::Pypi, "mutmut") => "mutmut",
        (Ecosystem::Pypi, "cosmic-ray") => "Cosmic Ray",
        (Ecosystem::Maven, "org.pitest:pitest-maven") => "PIT",
        (Ecosystem::Gradle, "info.solidsoft.pitest") => "PIT",
        (Ecosystem::Go, "github.com/zimmski/go-mutesting" | "github.com/go-gremlins/gremlins") => "go-mutesting",
        _ => return None,
    })
}

pub struct MutationTesting;

impl Check for MutationTesting {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.quality.mutation_testing",
            title: "Mutation testing measures how well tests catch bugs",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Coverage says which lines ran, not whether a test would notice them being wrong; mutation testing changes the code and counts the changes no test caught.",
            remediation: "Add a mutation-testing tool (Infection, cargo-mutants, Stryker, mutmut, PIT) and run it in CI, at least on changed code in pull requests or nightly, with a minimum mutation score.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let in_ci: Vec<Seen> = ci_runs(repo, Category::MutationTesting).into_iter().map(|r| r.seen).collect();
        if !in_ci.is_empty() {
            let all: Vec<&Seen> = in_ci.iter().collect();
            return Finding::pass(format!("CI runs mutation testing: {}", describe(&all))).with(cite(&all));
        }
        let mut configured = file_seen(repo, MUTATION_FILES);
        for h in repo.scan.project_hits("quality.mutation_config") {
            configured.push(Seen::hit(format!("`{}`", h.text.trim()), h));
        }
        for d in &repo.manifests.dependencies {
            if let Some(tool) = mutation_dep(d) {
                configured.push(Seen::dep(format!("{tool} (`{}`)", d.name), d));
            }
        }
        let cfg: Vec<&Seen> = configured.iter().collect();
        if !cfg.is_empty() {
            return Finding::partial(
                0.4,
                format!("mutation testing is configured but no CI step runs it: {}", describe(&cfg)),
            )
            .with(cite(&cfg));
        }
        unknown_or_fail(
            repo,
            |p| is_ci_path(p) || is_manifest(p),
            "mutation testing is set up",
            "no mutation testing found (looked for Infection, cargo-mutants, Stryker, mutmut, Cosmic Ray, PIT and go-mutesting in CI, configuration files and dependencies)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// property-based testing

fn pbt_dep(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    match d.ecosystem {
        Ecosystem::Cargo => {
            matches!(n.as_str(), "proptest" | "quickcheck" | "quickcheck_macros" | "proptest-derive" | "bolero")
        }
        Ecosystem::Pypi => n == "hypothesis",
        Ecosystem::Npm => {
            matches!(n.as_str(), "fast-check" | "@fast-check/jest" | "@fast-check/vitest" | "jsverify" | "testcheck")
        }
        Ecosystem::Maven | Ecosystem::Gradle => {
            n.starts_with("net.jqwik:")
                || n.starts_with("com.pholser:junit-quickcheck")
                || n.starts_with("org.quicktheories:")
        }
        Ecosystem::Composer => n == "giorgiosironi/eris",
        Ecosystem::Go => {
            matches!(n.as_str(), "pgregory.net/rapid" | "github.com/leanovate/gopter" | "github.com/flyingmutant/rapid")
        }
    }
}

/// A hit whose text names the library itself (an import or a macro), not only a decorator or
/// method name other libraries share (`@given` is also pytest-bdd).
fn names_library(text: &str) -> bool {
    ["proptest", "quickcheck", "hypothesis", "fast-check", "jqwik", "Eris\\", "rapid.", "gopter", "quick.Check"]
        .iter()
        .any(|k| text.contains(k))
}

fn in_fuzz_dir(path: &str) -> bool {
    path.starts_with("fuzz/") || path.contains("/fuzz/")
}

pub struct PropertyBasedTesting;

impl Check for PropertyBasedTesting {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.quality.property_based_testing",
            title: "Property-based tests check invariants over generated inputs",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Example-based tests check the cases someone thought of; property-based tests generate hundreds of inputs and shrink a failure to its smallest form, finding edge cases in parsers, serialisers and domain rules.",
            remediation: "Add property-based tests for code with clear invariants (round trips, ordering, idempotence): proptest or quickcheck in Rust, Hypothesis in Python, fast-check in JavaScript, jqwik in Java, Eris in PHP, rapid or gopter in Go.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let deps: Vec<Seen> = repo
            .manifests
            .dependencies
            .iter()
            .filter(|d| pbt_dep(d) && !in_fuzz_dir(&d.manifest))
            .map(|d| Seen::dep(format!("dependency `{}`", d.name), d))
            .collect();
        let mut tests = Vec::new();
        for id in ["test.property_based", "test.property_based_more"] {
            for h in repo.scan.hits(id).filter(|h| !in_fuzz_dir(&h.path)) {
                if names_library(&h.text) || !deps.is_empty() {
                    tests.push(Seen::hit(format!("`{}`", clip(h.text.trim(), 60)), h));
                }
            }
        }
        let (own, other) = own_and_other(&tests);
        if !own.is_empty() {
            let mut all = own.clone();
            all.extend(deps.iter().take(1));
            return Finding::pass(format!("property-based tests exist: {}", describe(&all))).with(cite(&all));
        }
        if !deps.is_empty() {
            let d: Vec<&Seen> = deps.iter().collect();
            return Finding::partial(
                0.3,
                format!("a property-based testing library is a dependency but no test uses it: {}", describe(&d)),
            )
            .with(cite(&d));
        }
        if !other.is_empty() {
            return examples_only(&other, "property-based testing");
        }
        unknown_or_fail(
            repo,
            is_manifest,
            "property-based tests exist",
            "no property-based tests found (looked for proptest, quickcheck, Hypothesis, fast-check, jqwik, junit-quickcheck, Eris, rapid, gopter and testing/quick; fuzz targets are not property tests)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    use crate::repo::testing::table;

    fn ci(run: &str) -> String {
        format!("on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n")
    }

    #[test]
    fn static_analysis() {
        let phpstan_ci = ci("vendor/bin/phpstan analyse --no-progress");
        let clippy_ci = ci("cargo clippy --all-targets -- -D warnings");
        let precommit_ci = ci("pre-commit run --all-files");
        let tox_ci = ci("tox run -e typing");
        let mvn_ci = ci("./mvnw -B verify");
        let echo_ci = ci("echo phpstan is great > notes.txt && cat notes.txt");
        let pom = "<project><build><plugins><plugin><artifactId>maven-checkstyle-plugin</artifactId></plugin></plugins></build></project>";
        table(
            &StaticAnalysis,
            vec![
                (
                    "phpstan in ci",
                    vec![
                        (".github/workflows/ci.yml", phpstan_ci.as_str()),
                        ("phpstan.dist.neon", "parameters:\n    level: 6\n"),
                    ],
                    Status::Pass,
                ),
                ("clippy in ci", vec![(".github/workflows/ci.yml", clippy_ci.as_str())], Status::Pass),
                (
                    "pre-commit with ruff",
                    vec![
                        (".github/workflows/ci.yml", precommit_ci.as_str()),
                        (".pre-commit-config.yaml", "repos:\n  - repo: x\n    hooks:\n      - id: ruff-check\n"),
                    ],
                    Status::Pass,
                ),
                (
                    "pre-commit without analysers",
                    vec![
                        (".github/workflows/ci.yml", precommit_ci.as_str()),
                        (
                            ".pre-commit-config.yaml",
                            "repos:\n  - repo: x\n    hooks:\n      - id: trailing-whitespace\n",
                        ),
                    ],
                    Status::Fail,
                ),
                ("tox typing env", vec![(".github/workflows/ci.yml", tox_ci.as_str())], Status::Pass),
                (
                    "checkstyle in maven build",
                    vec![(".github/workflows/ci.yml", mvn_ci.as_str()), ("pom.xml", pom)],
                    Status::Pass,
                ),
                ("checkstyle without ci", vec![("pom.xml", pom)], Status::Partial),
                ("config only", vec![("phpstan.neon", "parameters:\n    level: max\n")], Status::Partial),
                (
                    "pyproject config only",
                    vec![("pyproject.toml", "[project]\nname = \"x\"\n[tool.mypy]\nstrict = true\n")],
                    Status::Partial,
                ),
                ("echo is not a run", vec![(".github/workflows/ci.yml", echo_ci.as_str())], Status::Fail),
                ("fixture config", vec![("tests/fixtures/phpstan.neon", "parameters:\n    level: 1\n")], Status::Fail),
                (
                    "broken ci with config",
                    vec![(".github/workflows/ci.yml", "jobs: ["), ("phpstan.neon", "")],
                    Status::Unknown,
                ),
                ("none", vec![("README.md", "")], Status::Fail),
            ],
        );
    }

    #[test]
    fn mutation_testing() {
        let infection_ci = ci("vendor/bin/infection --min-msi=80 --threads=4");
        let mutants_ci = ci("cargo mutants --in-diff pr.diff");
        table(
            &MutationTesting,
            vec![
                (
                    "infection in ci",
                    vec![(".github/workflows/ci.yml", infection_ci.as_str()), ("infection.json5", "{}")],
                    Status::Pass,
                ),
                ("cargo mutants in ci", vec![(".github/workflows/ci.yml", mutants_ci.as_str())], Status::Pass),
                ("infection config only", vec![("infection.json5", "{}")], Status::Partial),
                (
                    "stryker dependency",
                    vec![("package.json", r#"{"devDependencies":{"@stryker-mutator/core":"8"}}"#)],
                    Status::Partial,
                ),
                (
                    "pit plugin",
                    vec![("build.gradle", "plugins {\n  id 'info.solidsoft.pitest' version '1.15.0'\n}\n")],
                    Status::Partial,
                ),
                ("broken manifest", vec![("composer.json", "{ nope")], Status::Unknown),
                ("none", vec![("README.md", "")], Status::Fail),
            ],
        );
    }

    #[test]
    fn property_based_testing() {
        table(
            &PropertyBasedTesting,
            vec![
                (
                    "proptest",
                    vec![
                        ("Cargo.toml", "[package]\nname = \"x\"\n[dev-dependencies]\nproptest = \"1\"\n"),
                        ("tests/roundtrip.rs", "use proptest::prelude::*;\nproptest! {\n}\n"),
                    ],
                    Status::Pass,
                ),
                (
                    "hypothesis",
                    vec![(
                        "tests/test_x.py",
                        "from hypothesis import given, strategies as st\n\n@given(st.integers())\ndef test_x(n): pass\n",
                    )],
                    Status::Pass,
                ),
                (
                    "go testing/quick",
                    vec![("x_test.go", "if err := quick.Check(f, nil); err != nil {\n\tt.Error(err)\n}\n")],
                    Status::Pass,
                ),
                (
                    "dependency only",
                    vec![("package.json", r#"{"devDependencies":{"fast-check":"3"}}"#)],
                    Status::Partial,
                ),
                (
                    "pytest-bdd given is not hypothesis",
                    vec![("tests/steps.py", "from pytest_bdd import given\n\n@given(\"a user\")\ndef user(): pass\n")],
                    Status::Fail,
                ),
                (
                    "fuzz target is not a property test",
                    vec![
                        ("fuzz/Cargo.toml", "[package]\nname = \"f\"\n[dependencies]\nlibfuzzer-sys = \"0.4\"\n"),
                        ("fuzz/fuzz_targets/parse.rs", "fuzz_target!(|data: &[u8]| { let _ = parse(data); });\n"),
                    ],
                    Status::Fail,
                ),
                ("example only", vec![("examples/prop.rs", "use proptest::prelude::*;\n")], Status::Partial),
                ("commented", vec![("tests/x.rs", "// use proptest::prelude::*;\n")], Status::Fail),
                ("none", vec![("README.md", "")], Status::Fail),
            ],
        );
    }
}
