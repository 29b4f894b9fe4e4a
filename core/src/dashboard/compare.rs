//! A repository's history and the side-by-side comparison of two of its runs.
//!
//! The comparison is [`crate::diff::diff`] (the same one `maturity diff` prints) with, for each
//! check that changed, the finding before and after: what changed, and why.

use super::{RunHeader, Tag, header, status_tag, when};
use crate::history::{Store, StoreError};
use crate::report::view;
use crate::scorecard::Scorecard;
use serde::Serialize;

/// Runs listed in a repository's history.
pub const HISTORY_RUNS: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub finished_at: String,
    pub when: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub roadmap_id: String,
    pub score: f64,
    pub score_text: String,
    /// Change from the run before it in this list (`+2.5`), none for the first.
    pub delta_text: Option<String>,
    pub level: u32,
    pub coverage_text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryView {
    pub identity: String,
    pub name: String,
    /// Oldest first.
    pub runs: Vec<RunRow>,
}

pub fn history(store: &Store, identity: &str) -> Result<HistoryView, StoreError> {
    let runs = store.runs(Some(identity), HISTORY_RUNS)?;
    let name = runs.first().map(|r| r.name.clone()).unwrap_or_else(|| identity.to_string());
    let mut previous: Option<f64> = None;
    let rows = runs
        .into_iter()
        .map(|r| {
            let delta_text = previous.map(|p| format!("{:+.1}", r.score - p));
            previous = Some(r.score);
            RunRow {
                id: r.id,
                when: when(&r.finished_at),
                finished_at: r.finished_at,
                commit: r.commit.as_deref().map(|c| crate::text::prefix(c, 10).to_string()),
                branch: r.branch,
                roadmap_id: r.roadmap_id,
                score: r.score,
                score_text: view::score(Some(r.score)),
                delta_text,
                level: r.level,
                coverage_text: view::percent(r.coverage),
            }
        })
        .collect();
    Ok(HistoryView { identity: identity.to_string(), name, runs: rows })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckDelta {
    pub id: String,
    pub title: String,
    pub from: Tag,
    pub to: Tag,
    /// The finding in the earlier run (none if the check was not in it).
    pub before: Option<String>,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemDelta {
    pub id: String,
    pub title: String,
    pub from: Tag,
    pub to: Tag,
    pub from_score: String,
    pub to_score: String,
    /// `resolved`, `new risk` or empty.
    pub verdict: &'static str,
    pub checks: Vec<CheckDelta>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub before: RunHeader,
    pub after: RunHeader,
    pub score_delta_text: String,
    pub level_delta: i64,
    pub coverage_delta_text: String,
    pub roadmap_changed: bool,
    pub different_repositories: bool,
    pub items: Vec<ItemDelta>,
    pub unchanged_items: usize,
}

/// What changed from `old` to `new`, item by item, with the findings that explain it.
pub fn compare(old: &Scorecard, new: &Scorecard) -> Comparison {
    let d = crate::diff::diff(old, new);
    let finding = |card: &Scorecard, item: &str, check: &str| {
        card.item(item)
            .and_then(|i| i.checks.iter().find(|c| c.id == check))
            .map(|c| (c.title.clone(), c.message.clone()))
    };
    let mut items: Vec<ItemDelta> = d
        .items
        .iter()
        .map(|i| ItemDelta {
            id: i.id.clone(),
            title: i.title.clone(),
            from: status_tag(i.from),
            to: status_tag(i.to),
            from_score: view::score(i.from_score),
            to_score: view::score(i.to_score),
            verdict: if d.resolved_risks.contains(&i.id) {
                "resolved"
            } else if d.new_risks.contains(&i.id) {
                "new risk"
            } else {
                ""
            },
            checks: Vec::new(),
        })
        .collect();
    for c in &d.checks {
        let title = finding(new, &c.item, &c.id).map(|(t, _)| t).unwrap_or_else(|| c.id.clone());
        let delta = CheckDelta {
            id: c.id.clone(),
            title,
            from: status_tag(c.from),
            to: status_tag(c.to),
            before: finding(old, &c.item, &c.id).map(|(_, m)| m),
            after: c.message.clone(),
        };
        match items.iter_mut().find(|i| i.id == c.item) {
            Some(i) => i.checks.push(delta),
            // a check changed while its item's status and score did not
            None => {
                let (from, to) = (old.item(&c.item), new.item(&c.item));
                if let (Some(o), Some(n)) = (from, to) {
                    items.push(ItemDelta {
                        id: n.id.clone(),
                        title: n.title.clone(),
                        from: status_tag(o.status),
                        to: status_tag(n.status),
                        from_score: view::score(o.score),
                        to_score: view::score(n.score),
                        verdict: "",
                        checks: vec![delta],
                    });
                }
            }
        }
    }
    let unchanged_items = new.items.len().saturating_sub(items.len());
    Comparison {
        before: header(old),
        after: header(new),
        score_delta_text: format!("{:+.1}", d.score_delta),
        level_delta: d.level_delta,
        coverage_delta_text: format!("{:+.1} points", d.coverage_delta * 100.0),
        roadmap_changed: old.roadmap.hash != new.roadmap.hash,
        different_repositories: old.repository.identity != new.repository.identity,
        items,
        unchanged_items,
    }
}
