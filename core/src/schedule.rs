//! The schedule: where the project should be, given the roadmap's start date and today.
//!
//! Week N runs from `start + 7·(N−1)` days. An item is due at the end of the first phase that
//! lists it. On a given day an item that is done is `on_track`; one that is not done is `behind`
//! when its phase has ended, `at_risk` while its phase is under way, and `on_track` before it
//! starts. The whole project is as bad as its worst item. Pure: today is an argument.

use crate::roadmap::Roadmap;
use crate::scorecard::ItemResult;
use crate::scoring::is_done;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    OnTrack,
    AtRisk,
    Behind,
}

impl Pace {
    pub fn label(self) -> &'static str {
        match self {
            Pace::OnTrack => "on track",
            Pace::AtRisk => "at risk",
            Pace::Behind => "behind",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemSchedule {
    pub id: String,
    /// Number of the phase the item is due in.
    pub phase: u32,
    /// Last week of that phase.
    pub due_week: u32,
    pub pace: Pace,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub start: String,
    pub today: String,
    /// Week of the plan today falls in (0 before the start, may exceed the plan's length).
    pub week: i64,
    pub weeks: u32,
    /// The phase under way today, if any.
    pub current_phase: Option<u32>,
    /// The maturity level the plan expects by today: phases whose last week has ended.
    pub expected_level: u32,
    pub pace: Pace,
    pub items: Vec<ItemSchedule>,
}

/// The week of `day` in a plan starting on `start` (week 1 is the first seven days).
pub fn week_of(start: Date, day: Date) -> i64 {
    let days = (day - start).get_days() as i64;
    if days < 0 { 0 } else { days / 7 + 1 }
}

pub fn compute(roadmap: &Roadmap, items: &[ItemResult], today: Date) -> Option<Schedule> {
    let start: Date = roadmap.start.as_deref()?.parse().ok()?;
    let week = week_of(start, today);
    let current_phase =
        roadmap.phases.iter().find(|p| week >= p.weeks[0] as i64 && week <= p.weeks[1] as i64).map(|p| p.number);
    let expected_level =
        roadmap.phases.iter().take_while(|p| (p.weeks[1] as i64) < week).map(|p| p.number).last().unwrap_or(0);
    let mut out = Vec::new();
    for item in items {
        let Some(phase) = roadmap.phases.iter().find(|p| p.items().contains(&item.id.as_str())) else { continue };
        let pace = if is_done(item.status) {
            Pace::OnTrack
        } else if (phase.weeks[1] as i64) < week {
            Pace::Behind
        } else if (phase.weeks[0] as i64) <= week {
            Pace::AtRisk
        } else {
            Pace::OnTrack
        };
        out.push(ItemSchedule { id: item.id.clone(), phase: phase.number, due_week: phase.weeks[1], pace });
    }
    let pace = out.iter().map(|i| i.pace).max().unwrap_or(Pace::OnTrack);
    Some(Schedule {
        start: start.to_string(),
        today: today.to_string(),
        week,
        weeks: roadmap.weeks,
        current_phase,
        expected_level,
        pace,
        items: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring;
    use maturity_checks::model::Status;

    fn items(done: &[&str]) -> Vec<ItemResult> {
        let roadmap = Roadmap::default_roadmap();
        roadmap
            .items
            .iter()
            .map(|i| {
                let mut r = scoring::item(i, &[]);
                if done.contains(&i.id.as_str()) {
                    r.status = Status::Pass;
                }
                r
            })
            .collect()
    }

    #[test]
    fn weeks_and_paces() {
        let start: Date = "2026-09-07".parse().unwrap();
        for (day, week) in [
            ("2026-09-06", 0),
            ("2026-09-07", 1),
            ("2026-09-13", 1),
            ("2026-09-14", 2),
            ("2026-12-27", 16),
            ("2027-01-04", 18),
        ] {
            assert_eq!(week_of(start, day.parse().unwrap()), week, "{day}");
        }
        let mut roadmap = Roadmap::default_roadmap();
        roadmap.start = Some("2026-09-07".into());
        // week 6: phase 1 (weeks 1-4) over, phase 2 under way
        let s = compute(&roadmap, &items(&["6.1", "4.2"]), "2026-10-13".parse().unwrap()).unwrap();
        assert_eq!((s.week, s.current_phase, s.expected_level), (6, Some(2), 1));
        let pace = |id: &str| s.items.iter().find(|i| i.id == id).unwrap().pace;
        assert_eq!(pace("6.1"), Pace::OnTrack, "done");
        assert_eq!(pace("1.1"), Pace::Behind, "phase 1 ended, not done");
        assert_eq!(pace("2.1"), Pace::AtRisk, "phase 2 under way");
        assert_eq!(pace("4.1"), Pace::OnTrack, "phase 3 not started");
        assert_eq!(s.pace, Pace::Behind);
        // before the start everything is on track
        let s = compute(&roadmap, &items(&[]), "2026-08-01".parse().unwrap()).unwrap();
        assert_eq!((s.week, s.pace, s.expected_level), (0, Pace::OnTrack, 0));
        // without a start date there is no schedule
        assert!(compute(&Roadmap::default_roadmap(), &items(&[]), "2026-10-13".parse().unwrap()).is_none());
    }
}
