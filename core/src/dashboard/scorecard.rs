//! One run in detail: the areas × items grid, the phase timeline against the schedule, the
//! success metrics against their targets, and an item's checks with their evidence.
//!
//! Evidence that points into the audited repository is resolved to a file only through
//! [`evidence_file`], which refuses anything that would leave the repository's folder (the stored
//! scorecard is data, and a path in it is never trusted to stay inside on its own).

use super::{RunHeader, Tag, header, pace_tag, status_tag};
use crate::history::Store;
use crate::report::view;
use crate::scorecard::{ItemResult, Scorecard};
use maturity_checks::model::{Evidence, Status, clip, fmt_num};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemCell {
    pub id: String,
    pub title: String,
    pub status: Tag,
    pub score_text: String,
    pub coverage_text: String,
    pub pace: Option<Tag>,
    pub due_week: Option<u32>,
    /// The next step when open, else the best evidence.
    pub line: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaView {
    pub id: String,
    pub title: String,
    pub score: Option<f64>,
    pub score_text: String,
    pub coverage_text: String,
    pub items: Vec<ItemCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseView {
    pub number: u32,
    pub title: String,
    pub weeks: [u32; 2],
    pub done: usize,
    pub total: usize,
    pub completion: f64,
    pub completion_text: String,
    pub complete: bool,
    /// The plan expects this phase complete by the day of the audit.
    pub due: bool,
    /// The worst pace among the phase's items.
    pub pace: Option<Tag>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub weeks: u32,
    /// The week the audit fell in, when the roadmap has a start date.
    pub week: Option<i64>,
    pub start: Option<String>,
    pub expected_level: Option<u32>,
    pub phases: Vec<PhaseView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricView {
    pub id: String,
    pub title: String,
    pub group: String,
    pub status: Tag,
    pub value_text: String,
    pub target_text: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardView {
    pub run: RunHeader,
    pub status_counts: Vec<(Tag, usize)>,
    pub areas: Vec<AreaView>,
    pub timeline: Timeline,
    pub metrics: Vec<MetricView>,
    pub must_pass: Vec<(String, Tag, bool)>,
    pub notes: Vec<String>,
    pub problems: Vec<String>,
}

fn cell(card: &Scorecard, i: &ItemResult) -> ItemCell {
    let sched = card.schedule.as_ref().and_then(|s| s.items.iter().find(|x| x.id == i.id));
    ItemCell {
        id: i.id.clone(),
        title: i.title.clone(),
        status: status_tag(i.status),
        score_text: view::score(i.score),
        coverage_text: view::percent(i.coverage),
        pace: sched.map(|s| pace_tag(s.pace)),
        due_week: sched.map(|s| s.due_week),
        line: clip(&view::item_line(i), 240),
    }
}

pub fn scorecard(card: &Scorecard) -> ScorecardView {
    let areas = card
        .areas
        .iter()
        .map(|a| AreaView {
            id: a.id.clone(),
            title: a.title.clone(),
            score: a.score,
            score_text: view::score(a.score),
            coverage_text: view::percent(a.coverage),
            items: a.items.iter().filter_map(|id| card.item(id)).map(|i| cell(card, i)).collect(),
        })
        .collect();
    let week = card.schedule.as_ref().map(|s| s.week);
    let phases = card
        .phases
        .iter()
        .map(|p| {
            let pace = card
                .schedule
                .as_ref()
                .and_then(|s| s.items.iter().filter(|x| x.phase == p.number).map(|x| x.pace).max().map(pace_tag));
            PhaseView {
                number: p.number,
                title: p.title.clone(),
                weeks: p.weeks,
                done: p.done,
                total: p.items.len(),
                completion: p.completion,
                completion_text: view::percent(p.completion),
                complete: p.complete,
                due: week.is_some_and(|w| (p.weeks[1] as i64) < w),
                pace,
                items: p.items.clone(),
            }
        })
        .collect();
    let metrics = card
        .metrics
        .iter()
        .map(|m| MetricView {
            id: m.id.clone(),
            title: m.title.clone(),
            group: m.group.clone(),
            status: status_tag(m.status),
            value_text: view::metric_value(m),
            target_text: view::metric_target(m),
            message: clip(&m.message, 300),
        })
        .collect();
    ScorecardView {
        run: header(card),
        status_counts: card.status_counts().into_iter().map(|(s, n)| (status_tag(s), n)).collect(),
        areas,
        timeline: Timeline {
            weeks: card.roadmap.weeks,
            week,
            start: card.schedule.as_ref().map(|s| s.start.clone()),
            expected_level: card.schedule.as_ref().map(|s| s.expected_level),
            phases,
        },
        metrics,
        must_pass: card.must_pass.iter().map(|m| (m.item.clone(), status_tag(m.status), m.ok)).collect(),
        notes: card.notes.clone(),
        problems: card.problems.iter().map(|p| p.to_string()).collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceView {
    /// Position in the check's evidence list (what [`evidence_file`] takes).
    pub index: usize,
    /// `file`, `commit`, `report`, `cloud` or `url`.
    pub kind: &'static str,
    pub label: String,
    pub snippet: Option<String>,
    /// A file of the repository that can be opened.
    pub openable: bool,
    /// What a person copies: `path:line`, a commit sha, an ARN or resource id, a URL.
    pub copy: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaiverView {
    pub target: String,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub active: bool,
    pub state: String,
    pub applied: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckView {
    pub id: String,
    pub title: String,
    pub status: Tag,
    pub score_text: String,
    pub weight: String,
    pub message: String,
    pub remediation: String,
    pub evidence: Vec<EvidenceView>,
    pub waived: bool,
    /// `built in`, or the check pack and file it comes from.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    pub run: RunHeader,
    pub id: String,
    pub title: String,
    pub area: String,
    pub status: Tag,
    pub score_text: String,
    pub coverage_text: String,
    pub weight: String,
    pub next_step: Option<String>,
    pub pace: Option<Tag>,
    pub due_text: Option<String>,
    pub must_pass: bool,
    pub checks: Vec<CheckView>,
    pub waivers: Vec<WaiverView>,
    /// The item's status in earlier runs of the repository (oldest first): run id, date, status.
    pub history: Vec<(i64, String, Tag)>,
    /// Why evidence files cannot be opened for this run, when they cannot.
    pub files_note: Option<String>,
}

fn evidence_view(index: usize, e: &Evidence, root: Option<&Path>) -> EvidenceView {
    let (kind, copy, snippet) = match e {
        Evidence::File { path, line, snippet, .. } => {
            ("file", line.map(|l| format!("{path}:{l}")).unwrap_or_else(|| path.clone()), snippet.clone())
        }
        Evidence::Commit { sha, .. } => ("commit", sha.clone(), None),
        Evidence::Report { path, .. } => ("report", path.clone(), None),
        Evidence::Cloud { id, .. } => ("cloud", id.clone(), None),
        Evidence::Url { url, .. } => ("url", url.clone(), None),
    };
    let openable = root.is_some_and(|r| file_inside(r, e).is_some_and(|p| p.is_file()));
    EvidenceView { index, kind, label: e.label(), snippet, openable, copy }
}

/// The folder the run audited, when it can be known: an absolute audited path, or the path a
/// repository without a remote is identified by.
fn root_of(card: &Scorecard) -> Option<PathBuf> {
    let given = Path::new(&card.repository.path);
    if given.is_absolute() {
        return Some(given.to_path_buf());
    }
    card.repository.identity.strip_prefix("path:").map(PathBuf::from).filter(|p| p.is_absolute())
}

fn file_inside(root: &Path, e: &Evidence) -> Option<PathBuf> {
    let rel = match e {
        Evidence::File { path, .. } | Evidence::Report { path, .. } => path,
        _ => return None,
    };
    crate::config::inside(root, rel)
}

/// The file behind a piece of evidence, inside the audited repository, with its line.
pub fn evidence_file(card: &Scorecard, check: &str, index: usize) -> Result<(PathBuf, Option<u32>), String> {
    let c = card
        .items
        .iter()
        .flat_map(|i| &i.checks)
        .find(|c| c.id == check)
        .ok_or_else(|| format!("run {} has no check {check}", card.run_id.unwrap_or(0)))?;
    let e = c.evidence.get(index).ok_or_else(|| format!("check {check} has no evidence #{index}"))?;
    let root = root_of(card).ok_or_else(|| {
        format!(
            "the audit recorded the relative path `{}`, so its files cannot be found; audit it again from the dashboard",
            card.repository.path
        )
    })?;
    let path = file_inside(&root, e).ok_or_else(|| format!("{} is not a file inside {}", e.label(), root.display()))?;
    if !path.is_file() {
        return Err(format!("{} no longer exists", path.display()));
    }
    let line = match e {
        Evidence::File { line, .. } => *line,
        _ => None,
    };
    Ok((path, line))
}

fn weight(w: f64) -> String {
    fmt_num(w)
}

/// An item of a run, with its checks, evidence and waivers; `store` adds its history.
pub fn item(card: &Scorecard, id: &str, store: Option<&Store>) -> Option<ItemView> {
    let i = card.item(id)?;
    let root = root_of(card);
    let sched = card.schedule.as_ref().and_then(|s| s.items.iter().find(|x| x.id == i.id));
    let targets: Vec<&str> = std::iter::once(i.id.as_str()).chain(i.checks.iter().map(|c| c.id.as_str())).collect();
    let waivers = card
        .waivers
        .iter()
        .filter(|w| targets.contains(&w.target.as_str()))
        .map(|w| WaiverView {
            target: w.target.clone(),
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            expires: w.expires.clone(),
            active: w.active,
            state: if w.active {
                format!("active until {}", w.expires)
            } else {
                format!("expired on {}: no longer counts", w.expires)
            },
            applied: w.applied.clone(),
        })
        .collect();
    let history = store
        .and_then(|s| s.item_history(&card.repository.identity, &card.roadmap.id, &i.id, 50).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|(run, at, status)| (run, super::when(&at), status_tag(status)))
        .collect();
    Some(ItemView {
        run: header(card),
        id: i.id.clone(),
        title: i.title.clone(),
        area: card.areas.iter().find(|a| a.id == i.area).map(|a| a.title.clone()).unwrap_or_else(|| i.area.clone()),
        status: status_tag(i.status),
        score_text: view::score(i.score),
        coverage_text: view::percent(i.coverage),
        weight: weight(i.weight),
        next_step: i.next_step.clone(),
        pace: sched.map(|s| pace_tag(s.pace)),
        due_text: sched.map(|s| format!("due by the end of week {} (phase {})", s.due_week, s.phase)),
        must_pass: card.must_pass.iter().any(|m| m.item == i.id),
        checks: i
            .checks
            .iter()
            .map(|c| CheckView {
                id: c.id.clone(),
                title: c.title.clone(),
                status: status_tag(c.status),
                score_text: view::score(
                    matches!(c.status, Status::Pass | Status::Partial | Status::Fail).then_some(c.score * 100.0),
                ),
                weight: weight(c.weight),
                message: c.message.clone(),
                remediation: c.remediation.clone(),
                evidence: c.evidence.iter().enumerate().map(|(n, e)| evidence_view(n, e, root.as_deref())).collect(),
                waived: c.status == Status::Waived,
                origin: c.origin.clone().unwrap_or_default().label(),
            })
            .collect(),
        waivers,
        history,
        files_note: match &root {
            Some(r) if r.is_dir() => None,
            Some(r) => Some(format!("{} is no longer there, so evidence files cannot be opened.", r.display())),
            None => Some(format!(
                "This run recorded the relative path `{}`, so its files cannot be located; audit the repository \
                 from the dashboard (or with an absolute path) to open its evidence.",
                card.repository.path
            )),
        },
    })
}
