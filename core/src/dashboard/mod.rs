//! View models for the desktop dashboard: what each of its views shows, prepared from the history
//! store and stored scorecards so that the app's commands only fetch and hand over.
//!
//! Like `report::view` for the readout, every label and number is formatted here (the same
//! status labels, score and percentage formats as the readout), so the frontend only places text
//! and draws bars. Nothing here knows about windows or IPC; the types serialise to the JSON the
//! frontend reads. Deliberately absent: anything that writes (audits are recorded through
//! [`crate::history::Store::record`]).

mod compare;
mod portfolio;
mod scorecard;

pub use compare::{CheckDelta, Comparison, HistoryView, ItemDelta, RunRow, compare, history};
pub use portfolio::{PortfolioRow, portfolio};
pub use scorecard::{
    AreaView, CheckView, EvidenceView, ItemCell, ItemView, MetricView, PhaseView, ScorecardView, Timeline, WaiverView,
    evidence_file, item, scorecard,
};

use crate::report::view;
use crate::scorecard::Scorecard;
use maturity_checks::model::Status;
use serde::Serialize;

/// A status as the views show it: a CSS class shared with the readout, and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub class: &'static str,
    pub label: &'static str,
}

pub fn status_tag(s: Status) -> Tag {
    Tag { class: s.as_str(), label: view::status_label(s) }
}

pub fn pace_tag(p: crate::schedule::Pace) -> Tag {
    let class = match p {
        crate::schedule::Pace::OnTrack => "on_track",
        crate::schedule::Pace::AtRisk => "at_risk",
        crate::schedule::Pace::Behind => "behind",
    };
    Tag { class, label: p.label() }
}

/// `2026-11-26T09:14:03Z` as `2026-11-26 09:14 UTC`; anything else as it is.
pub fn when(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

fn short(sha: Option<&str>) -> Option<String> {
    sha.map(|s| crate::text::prefix(s, 10).to_string())
}

/// Who and what a run is about: the header of every per-run view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunHeader {
    pub run_id: Option<i64>,
    pub identity: String,
    pub name: String,
    pub remote: Option<String>,
    pub path: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub finished_at: String,
    pub when: String,
    pub roadmap: String,
    pub roadmap_hash: String,
    pub tool_version: String,
    pub score: f64,
    pub score_text: String,
    pub level: u32,
    pub level_name: String,
    pub coverage_text: String,
    /// Score change since the previous run, as recorded with the run (`+4.5`).
    pub change_text: Option<String>,
    pub pace: Option<Tag>,
    /// `week 6 of 16`, when the roadmap has a start date.
    pub week_text: Option<String>,
    /// The running system, when the audit looked at it: the AWS account and identity read, then
    /// one line per probed endpoint.
    pub live: Vec<String>,
}

pub fn header(card: &Scorecard) -> RunHeader {
    RunHeader {
        run_id: card.run_id,
        identity: card.repository.identity.clone(),
        name: card.repository.name.clone(),
        remote: card.repository.remote.clone(),
        path: card.repository.path.clone(),
        commit: short(card.repository.commit.as_deref()),
        branch: card.repository.branch.clone(),
        finished_at: card.generated_at.clone(),
        when: when(&card.generated_at),
        roadmap: card.roadmap.title.clone(),
        roadmap_hash: card.roadmap.hash.clone(),
        tool_version: card.tool.version.clone(),
        score: card.score,
        score_text: view::score(Some(card.score)),
        level: card.level,
        level_name: card.level_name.clone(),
        coverage_text: view::percent(card.coverage),
        change_text: card.change.as_ref().map(|c| format!("{:+.1}", c.score_delta)),
        pace: card.schedule.as_ref().map(|s| pace_tag(s.pace)),
        week_text: card.schedule.as_ref().map(|s| format!("week {} of {}", s.week, s.weeks)),
        live: crate::report::live::summary(card),
    }
}

#[cfg(test)]
mod tests;
