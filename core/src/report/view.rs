//! Labels and numbers for reports, prepared in Rust so templates stay dumb.

use crate::scorecard::{ItemResult, MetricResult, Scorecard};
use maturity_checks::model::{Status, fmt_num};

/// A short, fixed label per status.
pub fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Partial => "partial",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::NotAssessed => "not assessed",
        Status::Waived => "waived",
    }
}

/// An emoji per status, for Markdown (GitHub and GitLab render them everywhere).
pub fn status_icon(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Partial => "🟡",
        Status::Fail => "❌",
        Status::Unknown => "❔",
        Status::NotAssessed => "⚪",
        Status::Waived => "💤",
    }
}

pub fn score(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite()).map(|v| fmt_num((v * 10.0).round() / 10.0)).unwrap_or_else(|| "–".into())
}

pub fn percent(share: f64) -> String {
    format!("{} %", fmt_num((share * 1000.0).round() / 10.0))
}

pub fn metric_value(m: &MetricResult) -> String {
    match m.value {
        Some(v) => format!("{}{}", fmt_num(v), crate::roadmap::unit_suffix(&m.unit)),
        None => "–".into(),
    }
}

pub fn metric_target(m: &MetricResult) -> String {
    let op = match m.target.op.as_str() {
        "<=" => "≤",
        ">=" => "≥",
        other => other,
    };
    format!("{op} {}{}", fmt_num(m.target.value), crate::roadmap::unit_suffix(&m.target.unit))
}

/// The short commit id, if any.
/// What the project was judged as, and why: "Judged as a library: composer.json declares ...".
pub fn project_line(card: &Scorecard) -> Option<String> {
    let p = card.repository.project.as_ref()?;
    let how = if p.configured { "Set" } else { "Judged" };
    Some(format!("{how} as a {}: {}.", p.kind, p.reason.trim_end_matches('.')))
}

pub fn short_commit(card: &Scorecard) -> Option<String> {
    card.repository.commit.as_deref().map(|c| crate::text::prefix(c, 10).to_string())
}

/// The single most useful line about an item: its next step when open, else its best evidence.
pub fn item_line(item: &ItemResult) -> String {
    if let Some(step) = &item.next_step {
        return step.clone();
    }
    item.checks.iter().find(|c| c.status == Status::Pass).map(|c| c.message.clone()).unwrap_or_default()
}
