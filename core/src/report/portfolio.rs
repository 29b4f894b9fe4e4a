//! Rendering a portfolio (many repositories audited in one command): the versioned JSON
//! document, a Markdown table, and one self-contained HTML page built on the readout's base
//! template, stylesheet, Content-Security-Policy and SVG charts.
//!
//! Every value from a repository (names, sources, errors) goes through the same escaping as the
//! readout: askama's HTML escaper with hidden controls replaced, and the Markdown filters that keep
//! a value inside its cell.

use super::filters;
use super::readout::{CSS, StatusView, csp};
use super::{RenderError, svg, view};
use crate::portfolio::{self, Entry, Outcome, Portfolio};
use askama::Template;

/// The portfolio as pretty JSON (schema `maturity.portfolio/v1`).
pub fn json(doc: &Portfolio) -> Result<String, RenderError> {
    let mut s = serde_json::to_string_pretty(doc).map_err(|e| RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// A cell of a phase column: a badge (complete, under way, not started) and `done/items`.
struct PhaseCell {
    status: StatusView,
    text: String,
}

/// A repository's row, every value formatted.
struct Row {
    name: String,
    source: String,
    commit: Option<String>,
    error: Option<String>,
    score: String,
    level: String,
    coverage: String,
    phases: Vec<PhaseCell>,
    delta: String,
    outcome: String,
    time: String,
}

fn rows(doc: &Portfolio, phases: &[(u32, String)]) -> Vec<Row> {
    doc.repositories
        .iter()
        .map(|e| Row {
            name: e.label().to_string(),
            source: e.source.clone(),
            commit: e.commit.as_deref().map(|c| crate::text::prefix(c, 10).to_string()),
            error: e.error.clone(),
            score: view::score(e.score),
            level: e.level.map(|l| l.to_string()).unwrap_or_default(),
            coverage: e.coverage.map(view::percent).unwrap_or_default(),
            phases: phases
                .iter()
                .map(|(n, _)| {
                    let p = e.phases.iter().find(|p| p.number == *n);
                    let status = match p {
                        Some(p) if p.complete => StatusView { class: "pass", label: "complete" },
                        Some(p) if p.done > 0 => StatusView { class: "partial", label: "under way" },
                        Some(_) => StatusView { class: "fail", label: "not started" },
                        None => StatusView { class: "not_assessed", label: "no phase" },
                    };
                    PhaseCell { status, text: p.map(|p| format!("{}/{}", p.done, p.items)).unwrap_or_default() }
                })
                .collect(),
            delta: portfolio::delta_text(e),
            outcome: match e.outcome {
                Outcome::Reused => match e.reused_from_run {
                    Some(r) => format!("reused (run {r})"),
                    None => "reused".into(),
                },
                other => other.as_str().into(),
            },
            time: portfolio::duration_text(e.duration_ms),
        })
        .collect()
}

fn outcomes(doc: &Portfolio) -> String {
    format!(
        "{} audited, {} reused, {} failed",
        doc.count(Outcome::Audited),
        doc.count(Outcome::Reused),
        doc.count(Outcome::Failed)
    )
}

#[derive(Template)]
#[template(path = "portfolio.md", escape = "none")]
struct Markdown<'a> {
    doc: &'a Portfolio,
    outcomes: String,
    duration: String,
    phases: Vec<(u32, String)>,
    rows: Vec<Row>,
}

/// The portfolio as a Markdown table (for a pull-request comment or a CI job summary).
pub fn markdown(doc: &Portfolio) -> Result<String, RenderError> {
    let phases = doc.phase_columns();
    let page = Markdown {
        doc,
        outcomes: outcomes(doc),
        duration: portfolio::duration_text(doc.duration_ms),
        rows: rows(doc, &phases),
        phases,
    };
    let mut s = page.render().map_err(|e| RenderError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

#[derive(Template)]
#[template(path = "readout/portfolio.html")]
struct Html<'a> {
    doc: &'a Portfolio,
    css: &'static str,
    csp: String,
    roadmaps: String,
    outcomes: String,
    median: String,
    levels: String,
    duration: String,
    failures: Vec<(String, String)>,
    chart: Option<String>,
    phases: Vec<(u32, String)>,
    rows: Vec<Row>,
}

/// The portfolio as one self-contained HTML page.
pub fn html(doc: &Portfolio) -> Result<String, RenderError> {
    let audited: Vec<&Entry> = doc.repositories.iter().filter(|e| e.score.is_some()).collect();
    let mut scores: Vec<f64> = audited.iter().filter_map(|e| e.score).collect();
    scores.sort_by(f64::total_cmp);
    let median = match scores.len() {
        0 => None,
        n if n % 2 == 1 => Some(scores[n / 2]),
        n => Some((scores[n / 2 - 1] + scores[n / 2]) / 2.0),
    };
    let levels: Vec<u32> = audited.iter().filter_map(|e| e.level).collect();
    let mut roadmaps: Vec<&str> = audited.iter().filter_map(|e| e.roadmap.as_deref()).collect();
    roadmaps.sort();
    roadmaps.dedup();
    let bars: Vec<crate::scorecard::AreaResult> = audited
        .iter()
        .map(|e| crate::scorecard::AreaResult {
            id: e.source.clone(),
            title: e.label().to_string(),
            score: e.score,
            coverage: e.coverage.unwrap_or(0.0),
            items: Vec::new(),
        })
        .collect();
    let chart = (!bars.is_empty()).then(|| svg::area_bars(&bars).replace("Score by area", "Score by repository"));
    let phases = doc.phase_columns();
    let page = Html {
        doc,
        css: CSS,
        csp: csp(),
        roadmaps: match roadmaps.as_slice() {
            [] => "no roadmap".into(),
            [one] => format!("roadmap {one}"),
            many => format!("roadmaps {}", many.join(", ")),
        },
        outcomes: outcomes(doc),
        median: view::score(median),
        levels: match (levels.iter().min(), levels.iter().max()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => "–".into(),
        },
        duration: portfolio::duration_text(doc.duration_ms),
        failures: doc
            .repositories
            .iter()
            .filter_map(|e| e.error.as_ref().map(|err| (e.source.clone(), err.clone())))
            .collect(),
        chart,
        rows: rows(doc, &phases),
        phases,
    };
    page.render().map_err(|e| RenderError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::PhaseStatus;

    fn entry(source: &str, name: &str, score: Option<f64>) -> Entry {
        let mut e = match score {
            None => Entry::failed(source, "nope <b>bold</b> \u{1b}[31mred | pipe", 12),
            Some(_) => Entry::failed(source, "", 1500),
        };
        if let Some(s) = score {
            e.outcome = Outcome::Audited;
            e.error = None;
            e.name = Some(name.into());
            e.score = Some(s);
            e.level = Some(1);
            e.coverage = Some(0.8);
            e.roadmap = Some("enterprise-maturity".into());
            e.phases = vec![
                PhaseStatus { number: 1, title: "Foundations".into(), done: 5, items: 5, complete: true },
                PhaseStatus { number: 2, title: "Scale".into(), done: 1, items: 4, complete: false },
            ];
        }
        e
    }

    #[test]
    fn every_format_escapes_what_the_repositories_say() {
        let hostile = "<script>alert(1)</script>\u{1b}[2J|Шоп 商店 🚀\u{202e}";
        let doc = Portfolio::new(
            vec![entry("/r/a", hostile, Some(61.5)), entry("/r/<img src=x>", "", None), entry("/r/b", "b", Some(20.0))],
            std::time::Instant::now(),
        );
        let page = html(&doc).unwrap();
        for bad in ["<script>alert", "<img src=x>", "<b>bold", "\u{1b}", "\u{202e}"] {
            assert!(!page.contains(bad), "{bad:?} reached the HTML");
        }
        assert!(page.contains("Шоп 商店 🚀"), "scripts and emoji shown as they are");
        let csp_line = page.lines().find(|l| l.contains("Content-Security-Policy")).unwrap_or_default();
        assert!(
            csp_line.contains("default-src") && csp_line.contains("none") && csp_line.contains("sha256-"),
            "{csp_line}"
        );
        assert!(!page.contains("http://") && !page.contains("https://"), "nothing to load");
        let md = markdown(&doc).unwrap();
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 5, "header, rule and one line per repository:\n{md}");
        let columns = rows[0].matches(" |").count();
        for r in &rows[2..] {
            assert_eq!(r.replace("\\|", "").matches(" |").count(), columns, "a row keeps its cells: {r}");
        }
        assert!(!md.contains('\u{1b}') && !md.contains("<script>"), "{md}");
        let json = json(&doc).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let schema: serde_json::Value = serde_json::from_str(crate::portfolio::JSON_SCHEMA).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(
            validator.is_valid(&value),
            "{:?}",
            validator.iter_errors(&value).map(|e| e.to_string()).collect::<Vec<_>>()
        );
    }
}
