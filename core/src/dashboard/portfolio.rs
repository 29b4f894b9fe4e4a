//! The portfolio: one row per audited repository, from the store's overview query (no stored
//! scorecard is loaded, so it stays fast with thousands of runs).

use super::{Tag, pace_tag, when};
use crate::history::{Store, StoreError};
use crate::report::view;
use serde::Serialize;

/// Runs shown in a row's sparkline.
pub const TREND_RUNS: usize = 30;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioRow {
    pub identity: String,
    pub name: String,
    pub remote: Option<String>,
    pub path: Option<String>,
    pub runs: usize,
    pub latest_run: i64,
    pub finished_at: String,
    pub when: String,
    pub commit: Option<String>,
    pub score: f64,
    pub score_text: String,
    /// `good`, `fair` or `poor`: the score's band, as the readout colours it.
    pub score_band: &'static str,
    pub level: u32,
    pub level_name: String,
    pub phases: u32,
    pub coverage: f64,
    pub coverage_text: String,
    /// `Phase 2 under way, week 6 of 16`; `no schedule` without a start date.
    pub phase_text: String,
    /// On track, at risk or behind; none without a schedule.
    pub pace: Option<Tag>,
    /// Level the plan expects by the day of the audit.
    pub expected_level: Option<u32>,
    /// Scores of the newest runs, oldest first.
    pub trend: Vec<f64>,
}

pub fn portfolio(store: &Store) -> Result<Vec<PortfolioRow>, StoreError> {
    Ok(store
        .overview(TREND_RUNS)?
        .into_iter()
        .map(|o| {
            let s = &o.summary;
            let phase_text = match &o.schedule {
                None => "the roadmap has no start date".to_string(),
                Some(sc) if sc.week == 0 => "plan not started".to_string(),
                Some(sc) => match sc.current_phase {
                    Some(p) => format!("phase {p} under way, week {} of {}", sc.week, sc.weeks),
                    None => format!("plan ended, week {} of {}", sc.week, sc.weeks),
                },
            };
            PortfolioRow {
                identity: s.identity.clone(),
                name: s.name.clone(),
                remote: s.remote.clone(),
                path: s.path.clone(),
                runs: s.runs,
                latest_run: s.latest.id,
                finished_at: s.latest.finished_at.clone(),
                when: when(&s.latest.finished_at),
                commit: s.latest.commit.as_deref().map(|c| crate::text::prefix(c, 10).to_string()),
                score: s.latest.score,
                score_text: view::score(Some(s.latest.score)),
                score_band: crate::scoring::band(s.latest.score),
                level: s.latest.level,
                level_name: o.level_name.clone(),
                phases: o.phases,
                coverage: s.latest.coverage,
                coverage_text: view::percent(s.latest.coverage),
                phase_text,
                pace: o.schedule.as_ref().map(|sc| pace_tag(sc.pace)),
                expected_level: o.schedule.as_ref().map(|sc| sc.expected_level),
                trend: s.trend.clone(),
            }
        })
        .collect())
}
