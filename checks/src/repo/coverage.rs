//! Test-coverage checks (roadmap item 6.2 and the coverage success metric): coverage is
//! collected in CI, and the measured coverage meets the roadmap's target.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::reports::CoverageReport;
use crate::model::{Evidence, Finding, fmt_num};
use crate::repo::support::{automatic, hits, list, no_pipeline};
use crate::repo::tools::Category;

/// The measure id of the coverage metric, and its default target.
pub const MEASURE: &str = "coverage.line_percent";
pub const DEFAULT_TARGET: f64 = 90.0;

/// The reports that stand for the project's coverage: those given on the command line if any,
/// else the reports of the format covering the most lines (several reports of one format are
/// packages of a monorepo and add up; two formats are usually the same run written twice).
pub fn chosen_reports(repo: &RepoFacts) -> Vec<&CoverageReport> {
    let given: Vec<&CoverageReport> = repo.reports.coverage.iter().filter(|r| r.given).collect();
    if !given.is_empty() {
        return given;
    }
    let mut best: Option<(u64, crate::facts::reports::CoverageFormat)> = None;
    for r in &repo.reports.coverage {
        let lines: u64 = repo.reports.coverage.iter().filter(|o| o.format == r.format).map(|o| o.lines_total).sum();
        if best.is_none_or(|(b, _)| lines > b) {
            best = Some((lines, r.format));
        }
    }
    match best {
        Some((_, format)) => repo.reports.coverage.iter().filter(|r| r.format == format).collect(),
        None => Vec::new(),
    }
}

/// Combined line coverage of the chosen reports, with one evidence item per report.
pub fn measured(repo: &RepoFacts) -> Option<(f64, Vec<Evidence>)> {
    let reports = chosen_reports(repo);
    if reports.is_empty() {
        return None;
    }
    let total: u64 = reports.iter().map(|r| r.lines_total).sum();
    let covered: u64 = reports.iter().map(|r| r.lines_covered).sum();
    let percent = if total > 0 { covered as f64 * 100.0 / total as f64 } else { reports[0].percent };
    let evidence = reports
        .iter()
        .map(|r| Evidence::report(r.path.clone(), "line coverage", (r.percent * 100.0).round() / 100.0, Some("%")))
        .collect();
    Some((percent, evidence))
}

/// The message when no coverage report exists: where we looked and how to provide one.
pub const HOW_TO: &str = "no coverage report found (looked for Clover, Cobertura, lcov, JaCoCo, Istanbul and Go reports in the tree and at coverage/, build/logs/, target/site/jacoco/ and similar); run the tests with coverage or pass --evidence coverage=PATH";

pub struct CollectedInCi;

impl Check for CollectedInCi {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.coverage.collected_in_ci",
            title: "Test coverage is collected in CI",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Coverage measured on every build shows which code no test exercises and keeps the figure honest; coverage measured once on a laptop drifts.",
            remediation: "Collect coverage in the CI test job (`phpunit --coverage-clover`, `pytest --cov`, `jest --coverage`, `cargo llvm-cov`, `go test -coverprofile`, JaCoCo) and publish the report (artifact, Codecov, Coveralls or SonarQube).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let all = hits(repo, Category::Coverage);
        let auto: Vec<_> = automatic(&all).collect();
        if let Some(first) = auto.first() {
            return Finding::pass(format!("CI collects coverage: {}", first.describe()))
                .with(auto.iter().take(3).flat_map(|h| h.evidence()));
        }
        let configs: Vec<_> = repo
            .tooling
            .configs
            .iter()
            .filter(|c| {
                matches!(
                    c.tool,
                    "phpunit-coverage" | "jest-coverage" | "coverage.py" | "codecov" | "nyc" | "tarpaulin" | "jacoco"
                )
            })
            .collect();
        if let Some(first) = all.first() {
            return Finding::partial(
                0.5,
                format!("coverage is collected only by a manual CI job ({})", first.describe()),
            )
            .with(first.evidence());
        }
        if !configs.is_empty() {
            let names: Vec<String> = configs.iter().map(|c| format!("`{}`", c.path)).collect();
            return Finding::partial(
                0.4,
                format!("coverage is configured ({}) but no CI step collects it", list(&names)),
            )
            .with(configs.iter().map(|c| Evidence::file(c.path.clone(), c.line)));
        }
        if repo.ci.pipelines.is_empty() {
            return no_pipeline(repo, "coverage collection");
        }
        Finding::fail(
            "no CI step collects coverage (looked for coverage flags of PHPUnit, pytest, Jest, Vitest, nyc, c8, cargo llvm-cov, tarpaulin, go test, JaCoCo and uploads to Codecov or Coveralls)",
        )
    }
}

pub struct MeetsTarget;

impl Check for MeetsTarget {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.coverage.meets_target",
            title: "Measured test coverage meets the roadmap's target",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "The roadmap sets a coverage target; a measured figure against it tells whether testing is where the plan says it should be.",
            remediation: "Write tests for the least-covered code first (the report lists it), and make the coverage report available to the audit: commit-free, from CI, with `--evidence coverage=PATH`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let target = cx.targets.get(MEASURE, DEFAULT_TARGET);
        // the seed's "> 90 %": the same boundary as the test-coverage metric
        let exclusive = cx.targets.is_exclusive(MEASURE, true);
        let Some((percent, evidence)) = measured(repo) else {
            if let Some(p) = repo.reports.broken(crate::facts::EvidenceKind::Coverage) {
                return Finding::unknown(format!("the coverage report could not be read: {p}"))
                    .with_one(Evidence::file(p.path.clone(), p.line));
            }
            return Finding::not_assessed(HOW_TO);
        };
        let shown = fmt_num((percent * 10.0).round() / 10.0);
        let goal = fmt_num(target);
        if cx.targets.reached(MEASURE, DEFAULT_TARGET, true, percent) {
            let relation = if exclusive { "above" } else { "at or above" };
            return Finding::pass(format!("line coverage is {shown} %, {relation} the {goal} % target")).with(evidence);
        }
        if percent <= 0.0 {
            return Finding::fail(format!("line coverage is 0 %, against a {} % target", fmt_num(target)))
                .with(evidence);
        }
        let message = if percent >= target {
            format!("line coverage is {shown} %, at the {goal} % target but not above it as the roadmap requires")
        } else {
            format!("line coverage is {shown} %, below the {goal} % target")
        };
        Finding::partial((percent / target).min(0.99), message).with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Targets;
    use crate::model::Status;

    fn run(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let repo = RepoFacts::from_memory(files);
        let mut targets = Targets::default();
        targets.set(MEASURE, 80.0);
        check.evaluate(&Context { repo: &repo, targets: &targets })
    }

    const CLOVER_85: &str = r#"<?xml version="1.0"?><coverage generated="1"><project timestamp="1"><metrics files="2" statements="200" coveredstatements="170"/></project></coverage>"#;

    #[test]
    fn collected_in_ci() {
        for (name, files, want) in [
            (
                "phpunit flag",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: pull_request\njobs:\n  t:\n    steps:\n      - run: XDEBUG_MODE=coverage vendor/bin/phpunit --coverage-clover clover.xml\n",
                )],
                Status::Pass,
            ),
            (
                "codecov action",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: push\njobs:\n  t:\n    steps:\n      - run: cargo test\n      - uses: codecov/codecov-action@v5\n",
                )],
                Status::Pass,
            ),
            (
                "configured only",
                vec![
                    (
                        ".github/workflows/ci.yml",
                        "on: push\njobs:\n  t:\n    steps:\n      - run: vendor/bin/phpunit\n",
                    ),
                    (
                        "phpunit.xml.dist",
                        "<phpunit><coverage><report><clover outputFile=\"c.xml\"/></report></coverage></phpunit>",
                    ),
                ],
                Status::Partial,
            ),
            (
                "none",
                vec![(
                    ".github/workflows/ci.yml",
                    "on: push\njobs:\n  t:\n    steps:\n      - run: vendor/bin/phpunit\n",
                )],
                Status::Fail,
            ),
        ] {
            let f = run(&CollectedInCi, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn meets_target() {
        for (name, files, want, score) in [
            ("85 >= 80", vec![("build/logs/clover.xml", CLOVER_85)], Status::Pass, 1.0),
            ("lcov 50", vec![("coverage/lcov.info", "SF:a.rs\nLF:10\nLH:5\nend_of_record\n")], Status::Partial, 0.625),
            ("no report", vec![("README.md", "x")], Status::NotAssessed, 0.0),
            ("fixture report ignored", vec![("tests/fixtures/clover.xml", CLOVER_85)], Status::NotAssessed, 0.0),
            ("broken report", vec![("coverage/clover.xml", "<coverage><project>")], Status::Unknown, 0.0),
        ] {
            let f = run(&MeetsTarget, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
            assert!((f.score - score).abs() < 1e-9, "{name}: {}", f.score);
        }
    }

    /// "> 90 %": exactly 90.0 misses the target, for the check as for the metric.
    #[test]
    fn the_boundary_is_the_metrics() {
        let clover = |covered: u32| {
            format!(
                r#"<?xml version="1.0"?><coverage generated="1"><project timestamp="1"><metrics files="1" statements="1000" coveredstatements="{covered}"/></project></coverage>"#
            )
        };
        for (exclusive, covered, want) in [
            (true, 900, Status::Partial),
            (true, 901, Status::Pass),
            (false, 900, Status::Pass),
            (false, 899, Status::Partial),
        ] {
            let text = clover(covered);
            let repo = RepoFacts::from_memory(&[("build/logs/clover.xml", text.as_str())]);
            let mut targets = Targets::default();
            targets.set(MEASURE, 90.0);
            targets.set_exclusive(MEASURE, exclusive);
            let f = MeetsTarget.evaluate(&Context { repo: &repo, targets: &targets });
            assert_eq!(f.status, want, "{covered} of 1000, exclusive {exclusive}: {}", f.message);
        }
        // without a roadmap target, the seed's "> 90 %"
        let text = clover(900);
        let repo = RepoFacts::from_memory(&[("build/logs/clover.xml", text.as_str())]);
        let f = MeetsTarget.evaluate(&Context { repo: &repo, targets: &Targets::default() });
        assert_eq!(f.status, Status::Partial, "{}", f.message);
    }

    #[test]
    fn same_run_in_two_formats_is_not_double_counted() {
        let repo = RepoFacts::from_memory(&[
            ("build/logs/clover.xml", CLOVER_85),
            ("build/logs/lcov.info", "SF:a\nLF:100\nLH:10\nend_of_record\n"),
        ]);
        let (percent, evidence) = measured(&repo).unwrap();
        assert_eq!(percent, 85.0);
        assert_eq!(evidence.len(), 1);
    }
}
