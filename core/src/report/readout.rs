//! The HTML leadership readout: one self-contained file, structured after the roadmap's demo
//! deliverables.
//!
//! Sections: executive summary (score, level, coverage, schedule, top risks, change since the
//! previous run, charts), one section per deliverable (its parts, with their items, metrics and
//! the evidence inventory that backs them), the remaining roadmap by phase and week, and an
//! appendix with every check and its evidence. Everything is prepared here as strings; the
//! templates escape all text (askama's HTML escaping) and only the charts, drawn by `svg.rs`, are
//! inserted raw. The page carries a strict Content-Security-Policy: no scripts, no requests, only
//! its own stylesheet (allowed by hash).

use super::svg::{self, RunPoint};
use super::view;
use crate::scorecard::{ItemResult, MetricResult, Scorecard};
use askama::Template;
use base64::Engine;
use maturity_checks::model::{Status, clip, fmt_num};
use sha2::{Digest, Sha256};

pub(crate) const CSS: &str = include_str!("../../../templates/readout/readout.css");

pub struct StatusView {
    pub class: &'static str,
    pub label: &'static str,
}

fn status(s: Status) -> StatusView {
    StatusView { class: s.as_str(), label: view::status_label(s) }
}

fn pace(p: crate::schedule::Pace) -> StatusView {
    let class = match p {
        crate::schedule::Pace::OnTrack => "on_track",
        crate::schedule::Pace::AtRisk => "at_risk",
        crate::schedule::Pace::Behind => "behind",
    };
    StatusView { class, label: p.label() }
}

pub struct Risk {
    pub id: String,
    pub title: String,
    pub status: StatusView,
    pub tags: Vec<String>,
    pub why: String,
    pub fix: String,
}

pub struct Summary {
    pub score: String,
    pub score_change: String,
    pub coverage: String,
    pub pace: Option<StatusView>,
    pub week: String,
    pub sentence: String,
    pub must_pass: String,
    pub risks: Vec<Risk>,
}

pub struct ChangeView {
    pub headline: String,
    pub rows: Vec<(String, StatusView, StatusView)>,
}

pub struct Charts {
    pub areas: String,
    pub timeline: String,
    pub trend: Option<String>,
    pub burnup: Option<String>,
}

pub struct ItemLine {
    pub id: String,
    pub title: String,
    pub status: StatusView,
    pub score: String,
    pub line: String,
}

pub struct MetricLine {
    pub title: String,
    pub target: String,
    pub value: String,
    pub status: StatusView,
    pub detail: String,
}

pub struct Block {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub empty: String,
}

pub struct PartView {
    pub title: String,
    pub items: Vec<ItemLine>,
    pub metrics: Vec<MetricLine>,
    pub blocks: Vec<Block>,
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub parts: Vec<PartView>,
}

pub struct RemainingRow {
    pub task: String,
    pub item: String,
    pub status: StatusView,
    pub pace: Option<StatusView>,
}

pub struct RemainingPhase {
    pub title: String,
    pub when: String,
    pub rows: Vec<RemainingRow>,
}

pub struct CheckLine {
    pub id: String,
    pub title: String,
    pub status: StatusView,
    pub message: String,
    pub evidence: Vec<String>,
    pub fix: Option<String>,
    /// The check pack it comes from (`pack acme (checks/acme/deploy.toml)`); none when built in.
    pub origin: Option<String>,
}

pub struct AppendixItem {
    pub id: String,
    pub title: String,
    pub area: String,
    pub status: StatusView,
    pub score: String,
    pub coverage: String,
    /// The pass rule: (pass, partial, fail) in words, and the rule in data, when the roadmap gives one.
    pub rubric: Option<(String, String, String)>,
    pub rule: String,
    pub checks: Vec<CheckLine>,
}

/// The rule an item is judged by, as a sentence (the same rule as `maturity checks explain ITEM`).
pub fn rule(i: &crate::scorecard::ItemResult) -> String {
    let required: Vec<String> = i.rubric.as_ref().map(|r| r.required.clone()).unwrap_or_default();
    let pass = match (i.pass_at, required.is_empty()) {
        (Some(at), true) => format!("Passes when every assessed check passes, or once its score reaches {at}"),
        (Some(at), false) => format!(
            "Passes when every assessed check passes, or once its score reaches {at} with {} passing",
            view_list(&required)
        ),
        (None, _) => "Passes when every assessed check passes".to_string(),
    };
    format!("{pass}; fails when every assessed check fails; partial otherwise.")
}

fn view_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The running system: the AWS account and the deployed endpoints.
pub struct LiveView {
    pub headline: Option<String>,
    pub failed_calls: Vec<String>,
    pub drift: Vec<super::live::DriftRow>,
    pub endpoints: Vec<super::live::EndpointRow>,
}

fn live(card: &Scorecard) -> Option<LiveView> {
    let view = LiveView {
        headline: super::live::cloud_headline(card),
        failed_calls: super::live::failed_calls(card),
        drift: super::live::drift_rows(card, 12),
        endpoints: super::live::endpoint_rows(card),
    };
    (view.headline.is_some() || !view.endpoints.is_empty()).then_some(view)
}

#[derive(Template)]
#[template(path = "readout/readout.html")]
struct Page<'a> {
    card: &'a Scorecard,
    css: &'static str,
    csp: String,
    hash: String,
    origin: String,
    /// What the project was judged as, and why.
    project: Option<String>,
    generated: String,
    summary: Summary,
    change: Option<ChangeView>,
    charts: Charts,
    sections: Vec<SectionView>,
    remaining: Vec<RemainingPhase>,
    live: Option<LiveView>,
    appendix: Vec<AppendixItem>,
    waivers: Vec<(String, String, String, String, String)>,
    notes: Vec<String>,
}

/// The page's Content-Security-Policy: nothing may load; only this stylesheet applies.
pub fn csp() -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action 'none'")
}

fn item_line(i: &ItemResult) -> ItemLine {
    ItemLine {
        id: i.id.clone(),
        title: i.title.clone(),
        status: status(i.status),
        score: view::score(i.score),
        line: clip(&view::item_line(i), 300),
    }
}

fn metric_line(m: &MetricResult) -> MetricLine {
    let detail = match m.value {
        Some(_) => m.evidence.iter().map(|e| e.label()).collect::<Vec<_>>().join("; "),
        None => m.message.clone(),
    };
    MetricLine {
        title: m.title.clone(),
        target: view::metric_target(m),
        value: view::metric_value(m),
        status: status(m.status),
        detail,
    }
}

/// Open items, worst first: must-pass failures, then items behind schedule, then by weight of
/// the gap.
fn risks(card: &Scorecard) -> Vec<Risk> {
    let mut open: Vec<&ItemResult> =
        card.items.iter().filter(|i| matches!(i.status, Status::Fail | Status::Partial)).collect();
    let must = |i: &ItemResult| card.must_pass.iter().any(|m| m.item == i.id && !m.ok);
    let behind = |i: &ItemResult| {
        card.schedule
            .as_ref()
            .is_some_and(|s| s.items.iter().any(|x| x.id == i.id && x.pace == crate::schedule::Pace::Behind))
    };
    let gap = |i: &ItemResult| i.weight * (100.0 - i.score.unwrap_or(0.0)) * i.coverage.max(0.1);
    open.sort_by(|a, b| {
        (must(b), behind(b))
            .cmp(&(must(a), behind(a)))
            .then_with(|| gap(b).total_cmp(&gap(a)))
            .then_with(|| a.id.cmp(&b.id))
    });
    open.into_iter()
        .take(6)
        .map(|i| {
            let worst = i
                .checks
                .iter()
                .filter(|c| matches!(c.status, Status::Fail | Status::Partial))
                .max_by(|a, b| (a.weight * (1.0 - a.score)).total_cmp(&(b.weight * (1.0 - b.score))));
            let mut tags = Vec::new();
            if must(i) {
                tags.push("must pass".to_string());
            }
            if behind(i) {
                tags.push("behind schedule".to_string());
            }
            Risk {
                id: i.id.clone(),
                title: i.title.clone(),
                status: status(i.status),
                tags,
                why: worst.map(|c| c.message.clone()).unwrap_or_default(),
                fix: worst.map(|c| c.remediation.clone()).or_else(|| i.next_step.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

fn summary(card: &Scorecard) -> Summary {
    let score_change = match &card.change {
        Some(c) if c.score_delta != 0.0 => {
            format!("{}{} since the previous audit", if c.score_delta > 0.0 { "+" } else { "" }, fmt_num(c.score_delta))
        }
        Some(_) => "unchanged since the previous audit".into(),
        None => "first audit".into(),
    };
    let (pace_view, week) = match &card.schedule {
        Some(s) => {
            let where_ = if s.week < 1 {
                format!("starts {}", s.start)
            } else if s.week > s.weeks as i64 {
                format!("week {} of {}: the plan has ended", s.week, s.weeks)
            } else {
                format!("week {} of {}, phase {} expected done", s.week, s.weeks, s.expected_level)
            };
            (Some(pace(s.pace)), where_)
        }
        None => (None, "no start date: set `start` in .maturity.toml".into()),
    };
    let done = card
        .phases
        .iter()
        .map(|p| format!("phase {} {}/{}", p.number, p.done, p.items.len()))
        .collect::<Vec<_>>()
        .join(", ");
    let sentence = format!(
        "{} scores {} out of 100 on the items that could be assessed ({} of the roadmap), at maturity level {}. Items done by phase: {}.",
        card.repository.name,
        fmt_num(card.score),
        view::percent(card.coverage),
        card.level,
        done
    );
    let must_pass = card
        .must_pass
        .iter()
        .map(|m| format!("{} {}", m.item, if m.ok { "passes" } else { "does NOT pass" }))
        .collect::<Vec<_>>()
        .join(", ");
    Summary {
        score: fmt_num(card.score),
        score_change,
        coverage: view::percent(card.coverage),
        pace: pace_view,
        week,
        sentence,
        must_pass,
        risks: risks(card),
    }
}

fn change(card: &Scorecard) -> Option<ChangeView> {
    let c = card.change.as_ref()?;
    let title = |id: &str| card.item(id).map(|i| format!("{id} {}", i.title)).unwrap_or_else(|| id.to_string());
    let mut parts = vec![format!(
        "Since {} (commit {}): score {}{}, level {}{}.",
        crate::text::prefix(&c.previous_at, 10),
        c.previous_commit.as_deref().map(|s| crate::text::prefix(s, 10)).unwrap_or("none"),
        if c.score_delta >= 0.0 { "+" } else { "" },
        fmt_num(c.score_delta),
        if c.level_delta >= 0 { "+" } else { "" },
        c.level_delta
    )];
    if !c.new_risks.is_empty() {
        parts.push(format!("New risks: {}.", c.new_risks.iter().map(|i| title(i)).collect::<Vec<_>>().join(", ")));
    }
    if !c.resolved_risks.is_empty() {
        parts.push(format!("Resolved: {}.", c.resolved_risks.iter().map(|i| title(i)).collect::<Vec<_>>().join(", ")));
    }
    if c.items.is_empty() {
        parts.push("No item changed status.".into());
    }
    let rows =
        c.items.iter().filter(|i| i.from != i.to).map(|i| (title(&i.id), status(i.from), status(i.to))).collect();
    Some(ChangeView { headline: parts.join(" "), rows })
}

/// Evidence blocks for a part, chosen by the checks its items use and the metrics it shows.
fn blocks(card: &Scorecard, items: &[&ItemResult], metrics: &[&MetricResult]) -> Vec<Block> {
    let uses = |prefix: &str| items.iter().any(|i| i.checks.iter().any(|c| c.id.starts_with(prefix)));
    let inv = &card.inventory;
    let mut out = Vec::new();
    if uses("repo.ci.") {
        out.push(Block {
            title: "Pipelines".into(),
            header: vec!["System".into(), "File".into(), "Jobs".into(), "Runs for pull requests".into()],
            rows: inv
                .pipelines
                .iter()
                .map(|p| {
                    vec![
                        p.system.clone(),
                        p.path.clone(),
                        p.jobs.to_string(),
                        if p.pull_requests { "yes" } else { "no" }.into(),
                    ]
                })
                .collect(),
            empty: "No CI pipeline was found.".into(),
        });
    }
    if uses("repo.security.") {
        out.push(Block {
            title: "Scan reports".into(),
            header: vec![
                "Report".into(),
                "Tools".into(),
                "Critical".into(),
                "High".into(),
                "Medium".into(),
                "Low".into(),
            ],
            rows: inv
                .scans
                .iter()
                .map(|s| {
                    vec![
                        s.path.clone(),
                        s.tools.join(", "),
                        s.critical.to_string(),
                        s.high.to_string(),
                        s.medium.to_string(),
                        s.low.to_string(),
                    ]
                })
                .collect(),
            empty: "No SARIF or Trivy report was provided (pass --evidence sarif=PATH or trivy=PATH).".into(),
        });
    }
    if uses("repo.docs.architecture_decisions") {
        out.push(Block {
            title: "Architecture decision records".into(),
            header: vec!["Decision".into(), "Status".into(), "Date".into(), "File".into()],
            rows: inv
                .adrs
                .iter()
                .map(|a| vec![a.title.clone(), a.status.clone(), a.date.clone().unwrap_or_default(), a.path.clone()])
                .collect(),
            empty: "No decision records were found.".into(),
        });
        out.push(Block {
            title: "Diagrams".into(),
            header: vec!["File".into()],
            rows: inv.diagrams.iter().map(|d| vec![d.clone()]).collect(),
            empty:
                "No architecture diagram was found (PlantUML, Mermaid, draw.io, Structurizr or architecture images)."
                    .into(),
        });
    }
    if uses("repo.docs.") || uses("repo.governance.") {
        out.push(Block {
            title: "Documents".into(),
            header: vec!["Kind".into(), "Title".into(), "File".into()],
            rows: inv.documents.iter().map(|d| vec![d.kind.clone(), d.title.clone(), d.path.clone()]).collect(),
            empty: "No runbook, deployment guide or recovery plan was found.".into(),
        });
    }
    if uses("repo.slo.") {
        out.push(Block {
            title: "Service level objectives".into(),
            header: vec![
                "Objective".into(),
                "Format".into(),
                "Target".into(),
                "Latency threshold".into(),
                "File".into(),
            ],
            rows: inv
                .slos
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.format.clone(),
                        s.objective.map(|o| format!("{} %", fmt_num(o))).unwrap_or_default(),
                        s.threshold_ms.map(|t| format!("{} ms", fmt_num(t))).unwrap_or_default(),
                        s.path.clone(),
                    ]
                })
                .collect(),
            empty: "No SLO is declared in the repository.".into(),
        });
    }
    if metrics.iter().any(|m| m.measure.as_deref().is_some_and(|x| x.starts_with("delivery."))) {
        out.push(Block {
            title: "Team productivity from git (estimates)".into(),
            header: vec!["Figure".into()],
            rows: card.delivery.lines.iter().map(|l| vec![l.clone()]).collect(),
            empty: "No git history was available.".into(),
        });
    }
    out
}

fn sections(card: &Scorecard) -> Vec<SectionView> {
    card.deliverables
        .iter()
        .map(|d| SectionView {
            id: d.id.clone(),
            title: d.title.clone(),
            parts: d
                .parts
                .iter()
                .map(|p| {
                    let items: Vec<&ItemResult> = p.items.iter().filter_map(|i| card.item(i)).collect();
                    let metrics: Vec<&MetricResult> =
                        p.metrics.iter().filter_map(|m| card.metrics.iter().find(|x| &x.id == m)).collect();
                    PartView {
                        title: p.title.clone(),
                        blocks: blocks(card, &items, &metrics),
                        items: items.iter().map(|i| item_line(i)).collect(),
                        metrics: metrics.iter().map(|m| metric_line(m)).collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn remaining(card: &Scorecard) -> Vec<RemainingPhase> {
    let start: Option<jiff::civil::Date> = card.schedule.as_ref().and_then(|s| s.start.parse().ok());
    card.phases
        .iter()
        .filter(|p| !p.complete)
        .map(|p| {
            let dates = start
                .and_then(|s| {
                    let from = s.checked_add(jiff::Span::new().days((p.weeks[0] as i64 - 1) * 7)).ok()?;
                    let to = s.checked_add(jiff::Span::new().days(p.weeks[1] as i64 * 7 - 1)).ok()?;
                    Some(format!(", {from} to {to}"))
                })
                .unwrap_or_default();
            let mut rows = Vec::new();
            for t in &p.tasks {
                for id in &t.items {
                    let Some(i) = card.item(id) else { continue };
                    if crate::scoring::is_done(i.status) {
                        continue;
                    }
                    let pace_view =
                        card.schedule.as_ref().and_then(|s| s.items.iter().find(|x| &x.id == id)).map(|x| pace(x.pace));
                    rows.push(RemainingRow {
                        task: t.title.clone(),
                        item: format!("{} {}", i.id, i.title),
                        status: status(i.status),
                        pace: pace_view,
                    });
                }
            }
            RemainingPhase {
                title: format!("Phase {}: {}", p.number, p.title),
                when: format!(
                    "Weeks {}–{}{dates} · {} of {} items done",
                    p.weeks[0],
                    p.weeks[1],
                    p.done,
                    p.items.len()
                ),
                rows,
            }
        })
        .collect()
}

fn appendix(card: &Scorecard) -> Vec<AppendixItem> {
    card.items
        .iter()
        .map(|i| AppendixItem {
            id: i.id.clone(),
            title: i.title.clone(),
            area: card.areas.iter().find(|a| a.id == i.area).map(|a| a.title.clone()).unwrap_or_default(),
            status: status(i.status),
            score: view::score(i.score),
            coverage: view::percent(i.coverage),
            rubric: i.rubric.as_ref().map(|r| (r.pass.clone(), r.partial.clone(), r.fail.clone())),
            rule: rule(i),
            checks: i
                .checks
                .iter()
                .map(|c| CheckLine {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    status: status(c.status),
                    message: c.message.clone(),
                    evidence: c.evidence.iter().map(|e| e.label()).collect(),
                    fix: matches!(c.status, Status::Fail | Status::Partial).then(|| c.remediation.clone()),
                    origin: c.origin.as_ref().map(|o| o.label()),
                })
                .collect(),
        })
        .collect()
}

/// Renders the readout of a scorecard, with the repository's earlier runs for the trend charts.
pub fn render(card: &Scorecard, history: &[RunPoint]) -> Result<String, super::RenderError> {
    let repo = &card.repository;
    let mut origin = repo.remote.clone().unwrap_or_else(|| repo.identity.trim_start_matches("path:").to_string());
    if let Some(c) = &repo.commit {
        origin.push_str(&format!(" · commit {}", crate::text::prefix(c, 10)));
    }
    if let Some(b) = &repo.branch {
        origin.push_str(&format!(" on {b}"));
    }
    let week = card.schedule.as_ref().map(|s| s.week);
    let charts = Charts {
        areas: svg::area_bars(&card.areas),
        timeline: svg::timeline(&card.phases, card.roadmap.weeks, week),
        trend: (history.len() > 1).then(|| svg::trend(history)),
        burnup: (card.schedule.is_some() && history.iter().filter(|p| p.week.is_some()).count() > 1)
            .then(|| svg::burnup(&card.phases, card.roadmap.weeks, history, card.items.len())),
    };
    let page = Page {
        card,
        css: CSS,
        csp: csp(),
        hash: card.roadmap.hash.chars().take(12).collect(),
        origin,
        project: view::project_line(card),
        generated: card.generated_at.clone(),
        summary: summary(card),
        change: change(card),
        charts,
        sections: sections(card),
        remaining: remaining(card),
        live: live(card),
        appendix: appendix(card),
        waivers: card
            .waivers
            .iter()
            .map(|w| {
                (
                    w.target.clone(),
                    w.reason.clone(),
                    w.owner.clone(),
                    w.expires.clone(),
                    if w.active { "active".into() } else { "expired: no longer counts".into() },
                )
            })
            .collect(),
        notes: card
            .notes
            .iter()
            .chain(card.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().iter())
            .cloned()
            .collect(),
    };
    page.render().map_err(|e| super::RenderError(e.to_string()))
}
