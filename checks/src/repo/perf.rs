//! Load testing (roadmap item 5.3): load-test scripts kept in the repository, and the pipeline
//! running them.
//!
//! Scripts are found by the performance collector (k6, Locust, Gatling, Artillery, JMeter); what a
//! CI step runs is classified by the tool catalog (`repo/tools.rs`, category `LoadTest`). A
//! load-test tool mentioned in a README is not a load test.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::model::{Evidence, Finding, clip};
use crate::repo::support::{hits, is_ci_path, list, unreadable};
use crate::repo::tools::{self, Category};

fn scripts(repo: &RepoFacts) -> (Vec<&crate::facts::perf::LoadScript>, Vec<&crate::facts::perf::LoadScript>) {
    let own: Vec<_> = repo.perf.project_scripts().collect();
    let examples = repo.perf.scripts.iter().filter(|s| s.location == Location::Example).collect();
    (own, examples)
}

pub struct LoadTestsPresent;

impl Check for LoadTestsPresent {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.perf.load_tests_present",
            title: "Load tests are written down",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Capacity that was never measured is a guess; a load-test script kept in the repository states the expected traffic and can be rerun after every significant change.",
            remediation: "Write load tests for the critical user journeys with k6, Locust, Gatling, Artillery or JMeter and keep them in the repository (e.g. `tests/load/`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (own, examples) = scripts(repo);
        if let Some(s) = own.first() {
            let mut tools: Vec<String> = own.iter().map(|s| s.tool.to_string()).collect();
            tools.dedup();
            return Finding::pass(format!(
                "{} load-test script(s) ({}), such as `{}`",
                own.len(),
                list(&tools),
                s.path
            ))
            .with(own.iter().take(3).map(|s| Evidence::file(s.path.clone(), Some(s.line))));
        }
        if let Some(s) = examples.first() {
            return Finding::partial(
                0.3,
                format!("a {} load-test script exists only among examples (`{}`)", s.tool, s.path),
            )
            .with_one(Evidence::file(s.path.clone(), Some(s.line)));
        }
        Finding::fail("no load-test script was found (looked for k6, Locust, Gatling, Artillery and JMeter scripts)")
    }
}

/// Directory names too generic to identify a load generator in a CI command.
const GENERIC_DIRS: &[&str] =
    &["src", "test", "tests", "load", "perf", "scripts", "k6", "locust", "gatling", "jmeter", "e2e"];

/// A CI step that runs a load-generator component (the directory of a load-test script, deployed
/// as a service) and reads its results: a smoke run of the load test rather than a measured one.
fn runs_load_generator(repo: &RepoFacts, own: &[&crate::facts::perf::LoadScript]) -> Option<Finding> {
    for script in own {
        let Some(dir) = script.path.rsplit('/').nth(1).filter(|d| d.len() >= 5 && !GENERIC_DIRS.contains(d)) else {
            continue;
        };
        // the directory named as a word: `app=loadgenerator`, `src/loadgenerator`
        let word = regex::Regex::new(&format!(r"(^|[^A-Za-z0-9_-]){}([^A-Za-z0-9_-]|$)", regex::escape(dir))).ok()?;
        for p in &repo.ci.pipelines {
            for j in &p.jobs {
                for step in &j.steps {
                    let Some(run) = step.run.as_deref() else { continue };
                    let line = run.lines().flat_map(tools::commands).find(|c| {
                        word.is_match(c)
                            && tools::classify_texts([*c]).iter().any(|t| t.category == Category::ComponentRun)
                    });
                    if let Some(line) = line {
                        return Some(
                            Finding::partial(
                                0.6,
                                format!(
                                    "job `{}` of `{}` runs the load generator `{dir}` (`{}`) and checks its output, a smoke run rather than a load test with thresholds",
                                    j.label(),
                                    p.path,
                                    script.path
                                ),
                            )
                            .with([
                                Evidence::file_snippet(step.path.clone(), step.line, clip(line.trim(), 120)),
                                Evidence::file(script.path.clone(), Some(script.line)),
                            ]),
                        );
                    }
                }
            }
        }
    }
    None
}

pub struct LoadTestsInCi;

impl Check for LoadTestsInCi {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.perf.load_tests_in_ci",
            title: "Load tests run in the pipeline",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A load test run by hand once before launch says nothing about last week's changes; run from the pipeline (on a schedule or before a release) it catches performance regressions when they are introduced.",
            remediation: "Run the load tests from CI against a staging or preview environment, for example `grafana/k6-action` or `k6 run` in a scheduled or pre-release job, with thresholds that fail the job.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        // a load test run by hand from the pipeline is still run by the pipeline
        if let Some(h) = hits(repo, Category::LoadTest).first() {
            let label = h.step.name.clone().unwrap_or_else(|| h.command.clone());
            return Finding::pass(format!(
                "job `{}` of `{}` runs a load test with {} (`{}`)",
                h.job.label(),
                h.pipeline.path,
                h.tool.name,
                clip(&label, 80)
            ))
            .with_one(Evidence::file_snippet(h.step.path.clone(), h.step.line, clip(&h.command, 120)));
        }
        let (own, _) = scripts(repo);
        if let Some(found) = runs_load_generator(repo, &own) {
            return found;
        }
        if let Some(s) = own.first() {
            let why = if repo.ci.pipelines.is_empty() { "there is no CI pipeline" } else { "no CI step runs it" };
            return Finding::partial(0.3, format!("a {} load test exists (`{}`) but {why}", s.tool, s.path))
                .with_one(Evidence::file(s.path.clone(), Some(s.line)));
        }
        if repo.ci.pipelines.is_empty()
            && let Some(unknown) = unreadable(repo, is_ci_path, "load tests run in CI")
        {
            return unknown;
        }
        Finding::fail(
            "no load test runs in CI and no load-test script exists (looked for k6, Artillery, Locust, Gatling and JMeter steps)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    const K6: &str = "import http from 'k6/http';\nexport default function () { http.get('https://x'); }\n";

    #[test]
    fn load_tests() {
        for (name, files, want) in [
            ("k6", vec![("k6/script.js", K6)], Status::Pass),
            ("locust", vec![("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n")], Status::Pass),
            ("example only", vec![("examples/load/script.js", K6)], Status::Partial),
            ("readme mention", vec![("README.md", "Run `k6 run script.js`.\n")], Status::Fail),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&LoadTestsPresent, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn load_tests_in_ci() {
        let action = "on: workflow_dispatch\njobs:\n  k6:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run local k6 test\n        uses: grafana/k6-action@v0.3.1\n        with:\n          filename: k6/script.js\n";
        let run_cmd = "on: schedule\njobs:\n  load:\n    steps:\n      - run: k6 run tests/load/smoke.js\n";
        let echo = "on: push\njobs:\n  a:\n    steps:\n      - run: echo building\n";
        for (name, files, want) in [
            ("k6 action", vec![(".github/workflows/check.yml", action), ("k6/script.js", K6)], Status::Pass),
            ("k6 run", vec![(".github/workflows/load.yml", run_cmd)], Status::Pass),
            ("script without ci", vec![(".github/workflows/ci.yml", echo), ("k6/script.js", K6)], Status::Partial),
            (
                "load generator smoke run",
                vec![
                    (
                        ".github/workflows/ci.yml",
                        "on: push\njobs:\n  smoke:\n    steps:\n      - run: |\n          docker build src/loadgenerator\n          kubectl logs -l app=loadgenerator | grep Aggregated\n",
                    ),
                    ("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n"),
                ],
                Status::Partial,
            ),
            ("nothing", vec![(".github/workflows/ci.yml", echo)], Status::Fail),
            ("broken ci", vec![(".github/workflows/ci.yml", "jobs: [")], Status::Unknown),
        ] {
            let f = run(&LoadTestsInCi, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        let script = ("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n");
        let smoke =
            "on: push\njobs:\n  smoke:\n    steps:\n      - run: kubectl logs -l app=loadgenerator | grep Aggregated\n";
        let build = "on: push\njobs:\n  build:\n    steps:\n      - run: docker build src/loadgenerator\n";
        assert!(run(&LoadTestsInCi, &[(".github/workflows/ci.yml", smoke), script]).message.contains("smoke run"));
        assert_eq!(
            run(&LoadTestsInCi, &[(".github/workflows/ci.yml", build), script]).score,
            0.3,
            "building is not running"
        );
    }
}
