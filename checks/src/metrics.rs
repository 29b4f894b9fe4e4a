//! Success-metric measurements: a figure read from facts, with its evidence.
//!
//! A roadmap metric names one of these measures; comparing the figure with the metric's target
//! is done in `maturity-core`. A measure with no evidence says how to supply it, so that a report
//! can tell the reader what file would turn `not_assessed` into a figure.

use crate::facts::{EvidenceKind, RepoFacts};
use crate::model::Evidence;
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
    /// The evidence formats this measure reads.
    pub sources: &'static str,
    pub measure: fn(&RepoFacts) -> Measurement,
}

pub static MEASURES: &[Measure] = &[
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
        id: slo::AVAILABILITY_MEASURE,
        title: "Declared availability objective",
        unit: "%",
        sources: "OpenSLO, Sloth or Pyrra SLO definitions, Prometheus burn-rate rules",
        measure: measure_availability,
    },
];

pub fn find(id: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.id == id)
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

fn measure_availability(repo: &RepoFacts) -> Measurement {
    match slo::availability_objective(repo) {
        Some((value, s)) => Measurement::Value {
            value,
            evidence: vec![Evidence::file(s.path.clone(), Some(s.line))],
            note: Some("the declared objective, not measured uptime".into()),
        },
        None => Measurement::Missing("no availability SLO declared; add an OpenSLO, Sloth or Pyrra objective".into()),
    }
}
