//! JUnit XML: one test case per roadmap item, one suite per area, so CI test-report viewers
//! (GitHub, GitLab, Jenkins, Azure) show the scorecard beside the tests.
//!
//! pass → passed; fail and partial → `failure` (type says which); unknown → `error`;
//! not assessed and waived → `skipped`. Check findings go in the failure text and evidence in
//! `system-out`. The template is XML, so askama escapes every value.

use crate::scorecard::Scorecard;
use askama::Template;
use maturity_checks::model::Status;

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

struct Outcome {
    tag: &'static str,
    kind: &'static str,
    message: String,
    detail: String,
}

struct Case {
    name: String,
    outcome: Option<Outcome>,
    out: String,
}

struct Suite {
    name: String,
    classname: String,
    counts: Counts,
    cases: Vec<Case>,
}

#[derive(Template)]
#[template(path = "junit.xml")]
struct Page {
    total: Counts,
    suites: Vec<Suite>,
    timestamp: String,
    seconds: String,
}

pub fn render(card: &Scorecard) -> Result<String, super::RenderError> {
    let mut total = Counts::default();
    let mut suites = Vec::new();
    for area in &card.areas {
        let mut counts = Counts::default();
        let mut cases = Vec::new();
        for item in card.items.iter().filter(|i| i.area == area.id) {
            counts.tests += 1;
            let details: Vec<String> =
                item.checks.iter().map(|c| format!("[{}] {}: {}", c.status, c.id, c.message)).collect();
            let first_open =
                item.checks.iter().find(|c| matches!(c.status, Status::Fail | Status::Partial | Status::Unknown));
            let message = first_open.map(|c| c.message.clone()).or_else(|| item.next_step.clone()).unwrap_or_default();
            let outcome = match item.status {
                Status::Pass => None,
                Status::Fail | Status::Partial => {
                    counts.failures += 1;
                    Some(Outcome { tag: "failure", kind: item.status.as_str(), message, detail: details.join("\n") })
                }
                Status::Unknown => {
                    counts.errors += 1;
                    Some(Outcome { tag: "error", kind: "unknown", message, detail: details.join("\n") })
                }
                Status::NotAssessed | Status::Waived => {
                    counts.skipped += 1;
                    let why = item
                        .checks
                        .first()
                        .map(|c| c.message.clone())
                        .unwrap_or_else(|| "no check assesses this item".into());
                    Some(Outcome { tag: "skipped", kind: item.status.as_str(), message: why, detail: String::new() })
                }
            };
            let out: Vec<String> = item
                .checks
                .iter()
                .flat_map(|c| c.evidence.iter().map(|e| format!("{}: {}", c.id, e.label())))
                .collect();
            let score = item.score.map(|s| format!(" ({s}/100)")).unwrap_or_default();
            cases.push(Case { name: format!("{} {}{score}", item.id, item.title), outcome, out: out.join("\n") });
        }
        total.tests += counts.tests;
        total.failures += counts.failures;
        total.errors += counts.errors;
        total.skipped += counts.skipped;
        suites.push(Suite { name: area.title.clone(), classname: format!("maturity.{}", area.id), counts, cases });
    }
    let page = Page {
        total,
        suites,
        timestamp: card.generated_at.trim_end_matches('Z').to_string(),
        seconds: format!("{:.3}", card.facts.duration_ms as f64 / 1000.0),
    };
    let mut s = page.render().map_err(|e| super::RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}
