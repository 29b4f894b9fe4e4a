//! Success-metric measurements: a figure read from facts, with its evidence.
//!
//! A roadmap metric names one of these measures; comparing the figure with the metric's target
//! is done in `maturity-core`. Each measure tries its sources in order of trust: a figure given
//! in the metrics evidence file (operations' own numbers) first, then reports (k6, Gatling,
//! Lighthouse, coverage, scans), then what the repository declares (SLO objectives, recovery time
//! objectives in runbooks) or what git history allows estimating. A measure with no evidence says
//! how to supply it, so the report can tell the reader what file would turn `not_assessed` into a
//! figure.

use crate::facts::git::{CHANGE_WINDOW_DAYS, Tag};
use crate::facts::{EvidenceKind, RepoFacts};
use crate::model::{Evidence, fmt_num};
use crate::repo::{coverage, security, slo};

#[derive(Debug, Clone, PartialEq)]
pub enum Measurement {
    Value {
        value: f64,
        evidence: Vec<Evidence>,
        note: Option<String>,
    },
    /// No evidence; the text says how to supply it.
    Missing(String),
    /// Evidence exists but could not be read; the text says why.
    Unknown(String),
}

pub struct Measure {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    /// The evidence this measure reads, in order.
    pub sources: &'static str,
    pub measure: fn(&RepoFacts) -> Measurement,
}

pub static MEASURES: &[Measure] = &[
    Measure {
        id: "http.response_time_ms",
        title: "Average response time under load",
        unit: "ms",
        sources: "metrics file `response_time_ms`; k6 summary or Gatling stats (--evidence k6=PATH, gatling=PATH); a sample of the deployed endpoint (--url URL)",
        measure: response_time,
    },
    Measure {
        id: "load.concurrent_users",
        title: "Concurrent users sustained in a load test",
        unit: "users",
        sources: "metrics file `concurrent_users`; k6 summary: the active virtual users (`vus`) a run with at most 1 % failed requests sustained, and its request rate",
        measure: concurrent_users,
    },
    Measure {
        id: "delivery.deployment_time_min",
        title: "Time from commit to production",
        unit: "min",
        sources: "metrics file `deployment_time_min`",
        measure: deployment_time,
    },
    Measure {
        id: slo::AVAILABILITY_MEASURE,
        title: "Availability",
        unit: "%",
        sources: "metrics file `uptime_percent` (measured); else the declared availability SLO (OpenSLO, Sloth, Pyrra, Prometheus rules)",
        measure: availability,
    },
    Measure {
        id: coverage::MEASURE,
        title: "Line coverage of the test suite",
        unit: "%",
        sources: "Clover, Cobertura, lcov, JaCoCo, Istanbul summary or Go cover profile (--evidence coverage=PATH)",
        measure: measure_coverage,
    },
    Measure {
        id: security::MEASURE,
        title: "Critical vulnerabilities in the latest scan reports",
        unit: "count",
        sources: "SARIF 2.1.0 or Trivy JSON (--evidence sarif=PATH, --evidence trivy=PATH)",
        measure: measure_critical,
    },
    Measure {
        id: "web.page_load_s",
        title: "Page load time (largest contentful paint)",
        unit: "s",
        sources: "metrics file `page_load_s`; Lighthouse JSON (--evidence lighthouse=PATH)",
        measure: page_load,
    },
    Measure {
        id: "dr.rto_hours",
        title: "Recovery time objective",
        unit: "h",
        sources: "metrics file `rto_hours`; the RTO stated in disaster-recovery runbooks",
        measure: rto,
    },
    Measure {
        id: "cost.per_request_usd",
        title: "Cost per API request",
        unit: "USD",
        sources: "metrics file `cost_per_request_usd`",
        measure: cost_per_request,
    },
    Measure {
        id: "delivery.lead_time_days",
        title: "Lead time for changes",
        unit: "d",
        sources: "metrics file `lead_time_days`; else estimated from git (merged pull requests of the last 90 days)",
        measure: lead_time,
    },
    Measure {
        id: "ops.mttr_min",
        title: "Mean time to resolve incidents",
        unit: "min",
        sources: "metrics file `mttr_min`",
        measure: mttr,
    },
    Measure {
        id: "slo.sla_percent",
        title: "Uptime and performance SLA",
        unit: "%",
        sources: "metrics file `sla_percent` (measured); else the lowest declared SLO objective",
        measure: sla,
    },
];

pub fn find(id: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.id == id)
}

const METRICS_FILE_HOW: &str = "pass --evidence metrics=FILE (a TOML file with a [metrics] table; see the README)";

/// A figure from the metrics evidence file, if it has this key.
fn from_metrics_file(repo: &RepoFacts, key: &str, unit: &str) -> Option<Measurement> {
    let file = repo.perf.metrics_file.as_ref()?;
    let (value, line) = file.get(key)?;
    let evidence = vec![Evidence::Report {
        path: file.path.clone(),
        metric: key.to_string(),
        value,
        unit: Some(unit.to_string()),
    }];
    let note = file
        .period
        .as_ref()
        .map(|p| format!("metrics file, period {p}"))
        .or(Some(format!("metrics file, line {line}")));
    Some(Measurement::Value { value, evidence, note })
}

fn metrics_file_broken(repo: &RepoFacts) -> Option<Measurement> {
    repo.perf
        .broken
        .iter()
        .find(|(k, _)| *k == EvidenceKind::Metrics)
        .map(|(_, p)| Measurement::Unknown(format!("the metrics file could not be read: {p}")))
}

fn only_metrics_file(repo: &RepoFacts, key: &str, unit: &str, what: &str) -> Measurement {
    from_metrics_file(repo, key, unit)
        .or_else(|| metrics_file_broken(repo))
        .unwrap_or_else(|| Measurement::Missing(format!("no evidence of {what}: {METRICS_FILE_HOW} with `{key}`")))
}

/// The first chosen performance report with a figure.
fn perf_figure(
    repo: &RepoFacts,
    pick: fn(&crate::facts::perf::PerfReport) -> Option<f64>,
    metric: &str,
    unit: &str,
) -> Option<Measurement> {
    let reports = repo.perf.chosen_reports();
    let (r, v) = reports.iter().find_map(|r| pick(r).map(|v| (r, v)))?;
    let value = (v * 100.0).round() / 100.0;
    Some(Measurement::Value {
        value,
        evidence: vec![Evidence::report(r.path.clone(), metric, value, Some(unit))],
        note: Some(format!("{} report", r.tool)),
    })
}

fn response_time(repo: &RepoFacts) -> Measurement {
    from_metrics_file(repo, "response_time_ms", "ms")
        .or_else(|| perf_figure(repo, |r| r.avg_ms, "average response time", "ms"))
        .or_else(|| crate::cloud::http::measured(repo.live.urls.as_ref()))
        .or_else(|| metrics_file_broken(repo))
        .unwrap_or_else(|| Measurement::Missing(format!("no load-test report found; run k6 with --summary-export and pass --evidence k6=PATH (or gatling=PATH), or {METRICS_FILE_HOW} with `response_time_ms`")))
}

/// The virtual users a load test sustained, with the request rate it sustained them at: what the
/// run did, not the peak a script configures.
fn sustained_users(repo: &RepoFacts) -> Option<Measurement> {
    let reports = repo.perf.chosen_reports();
    let (r, users) = reports.iter().find_map(|r| r.sustained_users.map(|u| (r, u)))?;
    let mut evidence = vec![Evidence::report(r.path.clone(), "virtual users sustained", users, Some("users"))];
    let note = match r.requests_per_s {
        Some(rps) => {
            let rps = (rps * 10.0).round() / 10.0;
            evidence.push(Evidence::report(r.path.clone(), "requests per second", rps, Some("req/s")));
            format!("{} report: {users} virtual users sustained at {rps} requests per second", r.tool)
        }
        None => format!("{} report: {users} virtual users sustained", r.tool),
    };
    Some(Measurement::Value { value: users, evidence, note: Some(note) })
}

fn concurrent_users(repo: &RepoFacts) -> Measurement {
    from_metrics_file(repo, "concurrent_users", "users")
        .or_else(|| sustained_users(repo))
        .or_else(|| metrics_file_broken(repo))
        .unwrap_or_else(|| Measurement::Missing(format!("no load-test report found; pass --evidence k6=PATH from a k6 run, or {METRICS_FILE_HOW} with `concurrent_users`")))
}

fn deployment_time(repo: &RepoFacts) -> Measurement {
    only_metrics_file(repo, "deployment_time_min", "min", "commit-to-production time")
}

fn availability(repo: &RepoFacts) -> Measurement {
    if let Some(m) = from_metrics_file(repo, "uptime_percent", "%") {
        return m;
    }
    match slo::availability_objective(repo) {
        Some((value, s)) => Measurement::Value {
            value,
            evidence: vec![Evidence::file(s.path.clone(), Some(s.line))],
            note: Some("the declared objective, not measured uptime".into()),
        },
        None => metrics_file_broken(repo).unwrap_or_else(|| {
            Measurement::Missing(format!("no availability SLO declared; add an OpenSLO, Sloth or Pyrra objective, or {METRICS_FILE_HOW} with `uptime_percent`"))
        }),
    }
}

fn measure_coverage(repo: &RepoFacts) -> Measurement {
    match coverage::measured(repo) {
        Some((value, evidence)) => Measurement::Value { value: (value * 100.0).round() / 100.0, evidence, note: None },
        None => match repo.reports.broken(EvidenceKind::Coverage) {
            Some(p) => Measurement::Unknown(format!("the coverage report could not be read: {p}")),
            None => Measurement::Missing(coverage::HOW_TO.into()),
        },
    }
}

fn measure_critical(repo: &RepoFacts) -> Measurement {
    let scans = security::chosen_scans(repo);
    if scans.is_empty() {
        return match repo.reports.broken(EvidenceKind::Sarif).or(repo.reports.broken(EvidenceKind::Trivy)) {
            Some(p) => Measurement::Unknown(format!("the scan report could not be read: {p}")),
            None => Measurement::Missing(security::HOW_TO.into()),
        };
    }
    let value = scans.iter().map(|s| s.counts.critical).sum::<u64>() as f64;
    let evidence = scans
        .iter()
        .map(|s| Evidence::report(s.path.clone(), "critical findings", s.counts.critical as f64, None))
        .collect();
    Measurement::Value { value, evidence, note: None }
}

fn page_load(repo: &RepoFacts) -> Measurement {
    from_metrics_file(repo, "page_load_s", "s")
        .or_else(|| perf_figure(repo, |r| r.lcp_s, "largest contentful paint", "s"))
        .or_else(|| metrics_file_broken(repo))
        .unwrap_or_else(|| Measurement::Missing(format!("no Lighthouse report found; pass --evidence lighthouse=PATH (lighthouse --output=json), or {METRICS_FILE_HOW} with `page_load_s`")))
}

fn rto(repo: &RepoFacts) -> Measurement {
    if let Some(m) = from_metrics_file(repo, "rto_hours", "h") {
        return m;
    }
    let stated =
        repo.docs.rto.iter().filter(|r| !r.path.contains("examples/")).min_by(|a, b| a.hours.total_cmp(&b.hours));
    match stated {
        Some(r) => Measurement::Value {
            value: (r.hours * 100.0).round() / 100.0,
            evidence: vec![Evidence::file_snippet(r.path.clone(), r.line, r.text.clone())],
            note: Some("the objective stated in the recovery documentation".into()),
        },
        None => metrics_file_broken(repo).unwrap_or_else(|| {
            Measurement::Missing(format!("no recovery time objective found in runbooks (\"RTO: 1 hour\"); write it in the disaster-recovery runbook, or {METRICS_FILE_HOW} with `rto_hours`"))
        }),
    }
}

fn cost_per_request(repo: &RepoFacts) -> Measurement {
    only_metrics_file(repo, "cost_per_request_usd", "USD", "cost per request")
}

fn mttr(repo: &RepoFacts) -> Measurement {
    only_metrics_file(repo, "mttr_min", "min", "incident resolution time")
}

fn sla(repo: &RepoFacts) -> Measurement {
    if let Some(m) = from_metrics_file(repo, "sla_percent", "%") {
        return m;
    }
    let lowest = slo::project_slos(repo)
        .into_iter()
        .filter_map(|s| s.objective.map(|o| (o, s)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match lowest {
        Some((value, s)) => Measurement::Value {
            value,
            evidence: vec![Evidence::file(s.path.clone(), Some(s.line))],
            note: Some("the lowest declared SLO objective, not a measured SLA".into()),
        },
        None => metrics_file_broken(repo).unwrap_or_else(|| {
            Measurement::Missing(format!(
                "no SLO declared and no measured SLA; declare SLOs or {METRICS_FILE_HOW} with `sla_percent`"
            ))
        }),
    }
}

/// Delivery figures estimated from git history (DORA-style), with what they rest on.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Median days from a change's first commit to its merge, and how many changes.
    pub lead_time_days: Option<(f64, usize)>,
    /// Release tags per week over the window, and how many releases.
    pub deploys_per_week: Option<(f64, usize)>,
    /// Share of reverts and hotfixes among changes, and how many such commits.
    pub change_failure_rate: Option<(f64, usize)>,
    pub window_days: i64,
}

fn is_release_tag(t: &Tag) -> bool {
    let n = t.name.trim_start_matches(['v', 'V']);
    n.split('.').next().is_some_and(|major| !major.is_empty() && major.chars().all(|c| c.is_ascii_digit()))
        && n.contains('.')
}

/// Estimates delivery figures from the changes and tags of the last [`CHANGE_WINDOW_DAYS`].
pub fn delivery(repo: &RepoFacts) -> Delivery {
    let git = &repo.git;
    let head_time = git.commits.first().map(|c| c.commit_time).unwrap_or(0);
    let since = head_time - CHANGE_WINDOW_DAYS * 86_400;
    // a squash merge that rewrote the author date carries no timing: leave it out
    let mut leads: Vec<f64> = git
        .changes
        .iter()
        .filter(|c| c.merged_at > c.first_authored_at)
        .map(|c| (c.merged_at - c.first_authored_at) as f64 / 86_400.0)
        .collect();
    leads.sort_by(f64::total_cmp);
    let lead_time_days = (leads.len() >= 3).then(|| (leads[leads.len() / 2], leads.len()));
    let releases = git.tags.iter().filter(|t| is_release_tag(t) && t.time >= since && t.time <= head_time).count();
    let weeks = CHANGE_WINDOW_DAYS as f64 / 7.0;
    let deploys_per_week = (head_time > 0).then_some((releases as f64 / weeks, releases));
    let window: Vec<_> = git.commits.iter().take_while(|c| c.commit_time >= since).collect();
    let failures = window
        .iter()
        .filter(|c| {
            let s = c.subject.to_ascii_lowercase();
            s.starts_with("revert \"") || s.starts_with("revert:") || s.contains("hotfix") || s.contains("hot fix")
        })
        .count();
    let changes = if git.changes.is_empty() { window.len() } else { git.changes.len() };
    let change_failure_rate = (changes > 0).then(|| (failures as f64 / changes as f64, failures));
    Delivery { lead_time_days, deploys_per_week, change_failure_rate, window_days: CHANGE_WINDOW_DAYS }
}

fn lead_time(repo: &RepoFacts) -> Measurement {
    if let Some(m) = from_metrics_file(repo, "lead_time_days", "d") {
        return m;
    }
    let d = delivery(repo);
    match d.lead_time_days {
        Some((days, n)) => {
            let newest = repo.git.changes.iter().find(|c| c.merged_at > c.first_authored_at).unwrap_or(&repo.git.changes[0]);
            Measurement::Value {
                value: (days * 100.0).round() / 100.0,
                evidence: vec![Evidence::Commit {
                    sha: newest.sha.clone(),
                    date: jiff::Timestamp::from_second(newest.merged_at).map(|t| t.to_string()).unwrap_or_default(),
                    subject: newest.subject.clone(),
                }],
                note: Some(format!("estimate: median over {n} changes merged in the last {} days, first commit to merge", d.window_days)),
            }
        }
        None => metrics_file_broken(repo).unwrap_or_else(|| {
            Measurement::Missing(format!(
                "too few merged changes with their own commit dates in the last {} days of git history to estimate lead time ({} merged; squash merges carry no timing and a shallow clone has none); {METRICS_FILE_HOW} with `lead_time_days`",
                d.window_days,
                repo.git.changes.len()
            ))
        }),
    }
}

/// "0.4 releases a week (5 in 90 days)" and similar, for reports.
pub fn describe_delivery(d: &Delivery) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((days, n)) = d.lead_time_days {
        let span = if days < 1.0 {
            format!("{} hours", fmt_num((days * 240.0).round() / 10.0))
        } else {
            format!("{} days", fmt_num((days * 10.0).round() / 10.0))
        };
        out.push(format!(
            "lead time for changes: {span} (median of {n} merged changes whose branch kept its commit dates)"
        ));
    }
    if let Some((per_week, n)) = d.deploys_per_week {
        out.push(format!(
            "deployment frequency: {} releases a week ({n} release tags in {} days)",
            fmt_num((per_week * 100.0).round() / 100.0),
            d.window_days
        ));
    }
    if let Some((rate, n)) = d.change_failure_rate {
        out.push(format!(
            "change failure rate: {} % ({n} reverts or hotfixes)",
            fmt_num((rate * 1000.0).round() / 10.0)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_metrics(toml: &str) -> RepoFacts {
        let mut repo = RepoFacts::from_memory(&[]);
        repo.perf.metrics_file = Some(crate::facts::perf::parse_metrics_file("metrics.toml", toml).unwrap());
        repo
    }

    #[test]
    fn every_measure_explains_missing_evidence() {
        let repo = RepoFacts::from_memory(&[]);
        for m in MEASURES {
            match (m.measure)(&repo) {
                Measurement::Missing(how) => assert!(
                    how.contains("--evidence") || how.contains("declare") || how.contains("add"),
                    "{}: {how}",
                    m.id
                ),
                other => panic!("{} measured nothing as {other:?}", m.id),
            }
        }
    }

    #[test]
    fn metrics_file_figures_win() {
        let repo = with_metrics(
            "[metrics]\nresponse_time_ms = 80\nuptime_percent = 99.95\ncost_per_request_usd = 0.002\nmttr_min = 20\n",
        );
        for (id, want) in [
            ("http.response_time_ms", 80.0),
            ("slo.availability_objective", 99.95),
            ("cost.per_request_usd", 0.002),
            ("ops.mttr_min", 20.0),
        ] {
            match (find(id).unwrap().measure)(&repo) {
                Measurement::Value { value, evidence, .. } => {
                    assert_eq!(value, want, "{id}");
                    assert_eq!(
                        evidence[0].label(),
                        format!("metrics.toml: {} = {}{}", id_key(id), want, unit_of(id)),
                        "{id}"
                    );
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    fn id_key(id: &str) -> &'static str {
        match id {
            "http.response_time_ms" => "response_time_ms",
            "slo.availability_objective" => "uptime_percent",
            "cost.per_request_usd" => "cost_per_request_usd",
            _ => "mttr_min",
        }
    }

    fn unit_of(id: &str) -> &'static str {
        match id {
            "http.response_time_ms" => "ms",
            "slo.availability_objective" => "%",
            "cost.per_request_usd" => "USD",
            _ => "min",
        }
    }

    #[test]
    fn reports_and_documents() {
        let repo = RepoFacts::from_memory(&[
            (
                "load/results/k6-summary.json",
                r#"{"metrics":{"http_req_duration":{"avg":91.5,"p(95)":180},"vus_max":{"value":5000,"max":5000},"vus":{"value":0,"max":1200},"http_reqs":{"rate":410.0}}}"#,
            ),
            ("docs/runbooks/restore.md", "# Restore\n\n## Disaster recovery\n\nRTO: 45 minutes, RPO 5 minutes.\n"),
        ]);
        let value = |id: &str| match (find(id).unwrap().measure)(&repo) {
            Measurement::Value { value, .. } => value,
            other => panic!("{id}: {other:?}"),
        };
        assert_eq!(value("http.response_time_ms"), 91.5);
        assert_eq!(value("load.concurrent_users"), 1200.0);
        assert_eq!(value("dr.rto_hours"), 0.75);
    }
}
