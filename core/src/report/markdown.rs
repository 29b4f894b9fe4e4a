//! The Markdown summary, for pull-request comments and CI job summaries.

use super::filters;
use super::view;
use crate::scorecard::Scorecard;
use askama::Template;

#[derive(Template)]
#[template(path = "scorecard.md")]
struct Page<'a> {
    card: &'a Scorecard,
    /// Evidence lines shown per check.
    max_evidence: usize,
    /// Only open (fail, partial, unknown) checks in the details.
    compact: bool,
}

/// GitHub refuses comments over 65,536 characters; stay well below.
pub const LIMIT: usize = 60_000;

impl Page<'_> {
    fn icon(&self, s: &maturity_checks::model::Status) -> &'static str {
        view::status_icon(*s)
    }
    fn label(&self, s: &maturity_checks::model::Status) -> &'static str {
        view::status_label(*s)
    }
    fn score(&self, v: Option<&f64>) -> String {
        view::score(v.copied())
    }
    fn percent(&self, v: &f64) -> String {
        view::percent(*v)
    }
    fn commit(&self) -> String {
        view::short_commit(self.card).unwrap_or_else(|| "no commit".into())
    }
    fn item_line(&self, item: &crate::scorecard::ItemResult) -> String {
        view::item_line(item)
    }
    fn value(&self, m: &crate::scorecard::MetricResult) -> String {
        view::metric_value(m)
    }
    fn target(&self, m: &crate::scorecard::MetricResult) -> String {
        view::metric_target(m)
    }
    fn area_title(&self, id: &str) -> String {
        self.card.areas.iter().find(|a| a.id == id).map(|a| a.title.clone()).unwrap_or_default()
    }
    fn evidence(&self, e: &maturity_checks::model::Evidence) -> String {
        e.label()
    }
    fn show(&self, c: &crate::scorecard::CheckResult) -> bool {
        use maturity_checks::model::Status;
        !self.compact || matches!(c.status, Status::Fail | Status::Partial | Status::Unknown)
    }
    fn schedule_line(&self) -> Option<String> {
        let s = self.card.schedule.as_ref()?;
        let week = if s.week > s.weeks as i64 {
            format!("week {}, after the {}-week plan ended", s.week, s.weeks)
        } else if s.week < 1 {
            format!("the plan starts on {}", s.start)
        } else {
            format!("week {} of {}", s.week, s.weeks)
        };
        Some(format!("Schedule: {week}, {} (phase {} expected done).", s.pace.label(), s.expected_level))
    }
    fn change_line(&self) -> Option<String> {
        let c = self.card.change.as_ref()?;
        let mut line = format!(
            "Since the previous audit ({}): score {:+}",
            crate::text::prefix(&c.previous_at, 10),
            c.score_delta
        );
        if !c.new_risks.is_empty() {
            line.push_str(&format!(", new risks {}", c.new_risks.join(", ")));
        }
        if !c.resolved_risks.is_empty() {
            line.push_str(&format!(", resolved {}", c.resolved_risks.join(", ")));
        }
        line.push('.');
        Some(line)
    }
    fn project_line(&self) -> Option<String> {
        view::project_line(self.card)
    }
    fn cloud_line(&self) -> Option<String> {
        super::live::cloud_headline(self.card).map(|l| format!("{l}."))
    }
    fn failed_calls(&self) -> Vec<String> {
        super::live::failed_calls(self.card)
    }
    fn drift(&self) -> Vec<super::live::DriftRow> {
        super::live::drift_rows(self.card, if self.compact { 3 } else { 8 })
    }
    fn endpoints(&self) -> Vec<super::live::EndpointRow> {
        super::live::endpoint_rows(self.card)
    }
    fn must_pass_line(&self) -> String {
        let failing: Vec<&str> = self.card.must_pass.iter().filter(|m| !m.ok).map(|m| m.item.as_str()).collect();
        if failing.is_empty() { String::new() } else { format!("Must-pass items not passing: {}.", failing.join(", ")) }
    }
}

/// Renders the summary within [`LIMIT`]: with every check first, then only open checks with
/// less evidence, then cut at a line with a pointer to the full report.
pub fn render(card: &Scorecard) -> Result<String, super::RenderError> {
    let attempt = |max_evidence, compact| {
        Page { card, max_evidence, compact }.render().map_err(|e| super::RenderError(e.to_string()))
    };
    let full = attempt(5, false)?;
    if full.len() <= LIMIT {
        return Ok(full);
    }
    let compact = attempt(2, true)?;
    if compact.len() <= LIMIT {
        return Ok(compact);
    }
    let room = crate::text::head(&compact, LIMIT - 200);
    let kept = room.rfind('\n').and_then(|cut| room.get(..cut)).unwrap_or(room);
    Ok(format!(
        "{kept}\n\n… truncated to stay within comment limits; the JSON and HTML reports have everything.\n\n</details>\n"
    ))
}
