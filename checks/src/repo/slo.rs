//! Service level objectives (roadmap item 3.3, the uptime and response-time metrics): SLOs are
//! declared with alerting, and their targets are at least as strict as the roadmap's.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::slo::Slo;
use crate::model::{Evidence, Finding, fmt_num};

pub const AVAILABILITY_MEASURE: &str = "slo.availability_objective";
pub const AVAILABILITY_DEFAULT: f64 = 99.9;
pub const LATENCY_MEASURE: &str = "http.response_time_ms";
pub const LATENCY_DEFAULT: f64 = 100.0;

fn evidence(slos: &[&Slo]) -> Vec<Evidence> {
    slos.iter().take(4).map(|s| Evidence::file(s.path.clone(), Some(s.line))).collect()
}

/// SLOs declared by the project itself (examples excluded).
pub fn project_slos(repo: &RepoFacts) -> Vec<&Slo> {
    repo.slo.slos.iter().filter(|s| s.location.is_project() || s.location == crate::facts::Location::Test).collect()
}

/// The strictest declared availability objective, in percent.
pub fn availability_objective(repo: &RepoFacts) -> Option<(f64, &Slo)> {
    project_slos(repo)
        .into_iter()
        .filter(|s| !s.latency)
        .filter_map(|s| s.objective.map(|o| (o, s)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

pub struct ObjectivesDefined;

impl Check for ObjectivesDefined {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.slo.objectives_defined",
            title: "Service level objectives are declared, with alerting",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "An SLO turns 'the service should be reliable' into a number with an error budget, and burn-rate alerts page people before the budget is gone.",
            remediation: "Declare SLOs as code (OpenSLO, Sloth, Pyrra or Prometheus burn-rate rules) for availability and latency, with alerting on error-budget burn.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let slos = project_slos(cx.repo);
        let with_objective: Vec<&Slo> = slos.iter().copied().filter(|s| s.objective.is_some()).collect();
        let alerting: Vec<&Slo> = with_objective.iter().copied().filter(|s| s.alerting).collect();
        let describe = |s: &Slo| format!("{} `{}` in `{}`", s.format.label(), s.name, s.path);
        if let Some(first) = alerting.first() {
            return Finding::pass(format!(
                "{} SLO(s) declared with alerting, e.g. {}",
                with_objective.len(),
                describe(first)
            ))
            .with(evidence(&alerting));
        }
        if let Some(first) = with_objective.first() {
            return Finding::partial(
                0.6,
                format!(
                    "{} SLO(s) declared, e.g. {}, but none has alerting on its error budget",
                    with_objective.len(),
                    describe(first)
                ),
            )
            .with(evidence(&with_objective));
        }
        if let Some(first) = slos.first() {
            return Finding::partial(
                0.4,
                format!("latency alerting exists ({}) but no SLO declares an objective", describe(first)),
            )
            .with(evidence(&slos));
        }
        if let Some(example) = cx.repo.slo.slos.first() {
            return Finding::partial(0.2, format!("SLOs appear only as examples (`{}`)", example.path))
                .with_one(Evidence::file(example.path.clone(), Some(example.line)));
        }
        Finding::fail(
            "no service level objective found (looked for OpenSLO, Sloth, Pyrra and Prometheus burn-rate or latency alert rules in YAML files)",
        )
    }
}

pub struct AvailabilityObjectiveMeetsTarget;

impl Check for AvailabilityObjectiveMeetsTarget {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.slo.availability_objective_meets_target",
            title: "An availability SLO at least as strict as the roadmap's uptime target",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "The roadmap promises an uptime; an availability objective at that level is how the promise is measured and defended.",
            remediation: "Declare an availability SLO (good requests / all requests) with an objective at or above the roadmap's target, e.g. `objective: 99.9` in Sloth or `target: 0.999` in OpenSLO.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let target = cx.targets.get(AVAILABILITY_MEASURE, AVAILABILITY_DEFAULT);
        let Some((objective, slo)) = availability_objective(cx.repo) else {
            return Finding::fail(format!(
                "no availability objective is declared (the roadmap targets {} %)",
                fmt_num(target)
            ));
        };
        let ev = Evidence::file(slo.path.clone(), Some(slo.line));
        if objective >= target {
            return Finding::pass(format!(
                "`{}` declares {} % availability (target {} %)",
                slo.name,
                fmt_num(objective),
                fmt_num(target)
            ))
            .with_one(ev);
        }
        // 99.5 against 99.9: score by how much of the allowed error budget is exceeded
        let score = (100.0 - target) / (100.0 - objective).max(1e-9);
        Finding::partial(
            score,
            format!(
                "the strictest availability objective, `{}`, is {} %, below the {} % target",
                slo.name,
                fmt_num(objective),
                fmt_num(target)
            ),
        )
        .with_one(ev)
    }
}

pub struct LatencyObjectiveMeetsTarget;

impl Check for LatencyObjectiveMeetsTarget {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.slo.latency_objective_meets_target",
            title: "A latency SLO at least as strict as the roadmap's response-time target",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "The roadmap's response-time target is only kept if latency is measured against it continuously.",
            remediation: "Declare a latency SLO whose threshold is the roadmap's response time, e.g. requests faster than 100 ms (`le=\"0.1\"`) for 99 % of requests, or a p95 alert at 0.1 s.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let target = cx.targets.get(LATENCY_MEASURE, LATENCY_DEFAULT);
        let latency: Vec<&Slo> = project_slos(cx.repo).into_iter().filter(|s| s.latency).collect();
        let best = latency.iter().filter_map(|s| s.threshold_ms.map(|t| (t, *s))).min_by(|a, b| a.0.total_cmp(&b.0));
        match best {
            Some((ms, s)) if ms <= target => Finding::pass(format!(
                "`{}` holds latency to {} ms (target {} ms)",
                s.name,
                fmt_num(ms),
                fmt_num(target)
            ))
            .with_one(Evidence::file(s.path.clone(), Some(s.line))),
            Some((ms, s)) => Finding::partial(
                target / ms,
                format!(
                    "the tightest latency objective, `{}`, allows {} ms, above the {} ms target",
                    s.name,
                    fmt_num(ms),
                    fmt_num(target)
                ),
            )
            .with_one(Evidence::file(s.path.clone(), Some(s.line))),
            None => match latency.first() {
                Some(s) => Finding::partial(
                    0.5,
                    format!("latency objective `{}` is declared but its threshold could not be read", s.name),
                )
                .with_one(Evidence::file(s.path.clone(), Some(s.line))),
                None => Finding::fail(format!(
                    "no latency objective is declared (the roadmap targets {} ms)",
                    fmt_num(target)
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const SLOTH: &str = "version: prometheus/v1\nservice: api\nslos:\n  - name: availability\n    objective: 99.95\n    sli:\n      events:\n        error_query: a\n        total_query: b\n    alerting:\n      name: x\n  - name: latency\n    objective: 99\n    sli:\n      events:\n        error_query: rate(http_request_duration_seconds_bucket{le=\"0.25\"}[5m])\n        total_query: b\n";
    const OPENSLO_995: &str =
        "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: web\nspec:\n  objectives:\n    - target: 0.995\n";

    #[test]
    fn objectives() {
        for (name, files, want) in [
            ("sloth with alerting", vec![("slo/api.yml", SLOTH)], Status::Pass),
            ("openslo without alerting", vec![("slo/web.yaml", OPENSLO_995)], Status::Partial),
            ("example only", vec![("examples/slo.yaml", OPENSLO_995), ("Dockerfile", "FROM php")], Status::Partial),
            ("none", vec![("README.md", "99.9% uptime SLO"), ("Dockerfile", "FROM php")], Status::Fail),
            (
                "a library without SLOs fails here; the engine decides whether the item applies",
                vec![("README.md", "99.9% uptime SLO")],
                Status::Fail,
            ),
            ("a library that declares SLOs is judged", vec![("slo/api.yml", SLOTH)], Status::Pass),
        ] {
            assert_eq!(run(&ObjectivesDefined, &files).status, want, "{name}");
        }
    }

    #[test]
    fn availability_and_latency_targets() {
        for (name, files, avail, latency) in [
            ("sloth", vec![("slo/api.yml", SLOTH)], Status::Pass, Status::Partial),
            ("openslo 99.5", vec![("slo/web.yaml", OPENSLO_995)], Status::Partial, Status::Fail),
            (
                "p95 rule at 100ms",
                vec![(
                    "alerts.yml",
                    "groups:\n- name: a\n  rules:\n  - alert: Slow\n    expr: histogram_quantile(0.95, rate(x_seconds_bucket[5m])) > 0.1\n",
                )],
                Status::Fail,
                Status::Pass,
            ),
            ("none", vec![("Dockerfile", "FROM php")], Status::Fail, Status::Fail),
            ("none in a library", vec![], Status::Fail, Status::Fail),
        ] {
            assert_eq!(run(&AvailabilityObjectiveMeetsTarget, &files).status, avail, "{name} availability");
            assert_eq!(run(&LatencyObjectiveMeetsTarget, &files).status, latency, "{name} latency");
        }
        let f = run(&AvailabilityObjectiveMeetsTarget, &[("slo/web.yaml", OPENSLO_995)]);
        assert!((f.score - 0.2).abs() < 1e-6, "0.1 % budget of 0.5 % used: {}", f.score);
    }
}
