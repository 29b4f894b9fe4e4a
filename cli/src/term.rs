//! Terminal output: colours (honouring NO_COLOR, `--color` and non-terminal output), the
//! scorecard tables and error messages.

use crate::ColorChoice;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use maturity_checks::model::Status;
use maturity_core::report::view;
use maturity_core::scorecard::Scorecard;
use std::io::IsTerminal;

#[derive(Clone, Copy)]
pub struct Colors {
    pub stdout: bool,
    pub stderr: bool,
}

impl Colors {
    pub fn choose(choice: ColorChoice) -> Colors {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        match choice {
            ColorChoice::Always => Colors { stdout: true, stderr: true },
            ColorChoice::Never => Colors { stdout: false, stderr: false },
            ColorChoice::Auto => Colors {
                stdout: !no_color && !dumb && std::io::stdout().is_terminal(),
                stderr: !no_color && !dumb && std::io::stderr().is_terminal(),
            },
        }
    }
}

fn paint(s: &str, code: &str, on: bool) -> String {
    if on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

pub fn bold(s: &str, on: bool) -> String {
    paint(s, "1", on)
}

pub fn dim(s: &str, on: bool) -> String {
    paint(s, "2", on)
}

pub fn error(message: &str, colors: Colors) {
    eprintln!("{} {message}", paint("error:", "1;31", colors.stderr));
}

pub fn warning(message: &str, colors: Colors) {
    eprintln!("{} {message}", paint("warning:", "1;33", colors.stderr));
}

fn status_color(s: Status) -> Color {
    match s {
        Status::Pass => Color::Green,
        Status::Partial => Color::Yellow,
        Status::Fail => Color::Red,
        Status::Unknown => Color::Magenta,
        Status::NotAssessed | Status::Waived => Color::DarkGrey,
    }
}

fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓ pass",
        Status::Partial => "◐ partial",
        Status::Fail => "✗ fail",
        Status::Unknown => "? unknown",
        Status::NotAssessed => "· n/a",
        Status::Waived => "~ waived",
    }
}

pub fn status_cell(s: Status, color: bool) -> Cell {
    let c = Cell::new(status_mark(s));
    if color { c.fg(status_color(s)) } else { c }
}

/// A ten-cell bar for a 0–100 score.
pub fn bar(score: Option<f64>) -> String {
    match score {
        None => "··········".into(),
        Some(s) => {
            let filled = ((s / 10.0).round() as usize).min(10);
            format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
        }
    }
}

pub fn new_table(color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING).set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if !std::io::stdout().is_terminal() {
        t.set_width(120);
    }
    t
}

fn score_text(score: Option<f64>) -> String {
    view::score(score)
}

/// First sentence of a text (up to the first ". "), clipped.
fn first_sentence(s: &str) -> String {
    let end = s.find(". ").map(|i| i + 1).unwrap_or(s.len());
    maturity_checks::model::clip(&s[..end], 140)
}

/// What an item row says: for a passing item its best finding and evidence; otherwise what the
/// heaviest open check found and, dimmed, the next step.
fn item_cell(item: &maturity_core::scorecard::ItemResult, color: bool) -> String {
    use maturity_checks::model::clip;
    if item.checks.is_empty() {
        return dim("no checks assess this item yet", color);
    }
    let open = item
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Partial))
        .max_by(|a, b| (a.weight * (1.0 - a.score)).total_cmp(&(b.weight * (1.0 - b.score))));
    match open {
        Some(c) => {
            format!("{}\n{}", clip(&c.message, 140), dim(&format!("→ {}", first_sentence(&c.remediation)), color))
        }
        None => {
            let best = item.checks.iter().find(|c| c.status == Status::Pass).or_else(|| item.checks.first());
            match best {
                Some(c) => {
                    let ev = c.evidence.first().map(|e| format!("\n{}", dim(&e.label(), color))).unwrap_or_default();
                    format!("{}{ev}", clip(&c.message, 140))
                }
                None => String::new(),
            }
        }
    }
}

/// The scorecard as a person reads it in a terminal.
pub fn scorecard(card: &Scorecard, color: bool) -> String {
    let mut out = String::new();
    let repo = &card.repository;
    let mut origin = repo.name.clone();
    if let Some(remote) = &repo.remote {
        origin.push_str(&format!(" ({remote})"));
    }
    let commit = match (view::short_commit(card), &repo.branch) {
        (Some(c), Some(b)) => format!("commit {c} on {b}"),
        (Some(c), None) => format!("commit {c}"),
        (None, _) => "no git history".into(),
    };
    out.push_str(&format!("{} · {}\n", bold(&origin, color), commit));
    out.push_str(&dim(&format!("Roadmap: {} ({})\n", card.roadmap.title, card.roadmap.source), color));
    out.push_str(&crate::live::header(card, color));
    out.push('\n');
    let score = bold(&format!("Score {}/100", score_text(Some(card.score))), color);
    let level = bold(&format!("Level {}", card.level), color);
    out.push_str(&format!(
        "  {score}   {level} ({})   Assessed {} of the roadmap\n\n",
        card.level_name,
        view::percent(card.coverage)
    ));
    for area in &card.areas {
        let mut t = new_table(color);
        out.push_str(&format!(
            "{}  {}\n",
            bold(&area.title, color),
            dim(&format!("score {} · assessed {}", score_text(area.score), view::percent(area.coverage)), color)
        ));
        for id in &area.items {
            let Some(item) = card.item(id) else { continue };
            let mut score = Cell::new(score_text(item.score)).set_alignment(CellAlignment::Right);
            if color {
                score = score.add_attribute(Attribute::Bold);
            }
            t.add_row(vec![
                Cell::new(""),
                status_cell(item.status, color),
                Cell::new(format!("{} {}", item.id, item.title)),
                score,
                Cell::new(bar(item.score)),
                Cell::new(item_cell(item, color)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    out.push_str(&crate::packs::scorecard_section(card, color));
    out.push_str(&bold("Phases\n", color));
    let mut t = new_table(color);
    for p in &card.phases {
        let state = if p.complete { "complete".to_string() } else { format!("{} done", view::percent(p.completion)) };
        t.add_row(vec![
            Cell::new(""),
            Cell::new(format!("{}. {}", p.number, p.title)),
            Cell::new(format!("weeks {}–{}", p.weeks[0], p.weeks[1])),
            Cell::new(format!("{}/{} items", p.done, p.items.len())),
            Cell::new(bar(Some(p.completion * 100.0))),
            Cell::new(state),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\n");
    out.push_str(&bold("Success metrics\n", color));
    let mut t = new_table(color);
    for m in &card.metrics {
        let detail = if m.value.is_some() { String::new() } else { m.message.clone() };
        t.add_row(vec![
            Cell::new(""),
            status_cell(m.status, color),
            Cell::new(&m.title),
            Cell::new(view::metric_target(m)),
            Cell::new(view::metric_value(m)).set_alignment(CellAlignment::Right),
            Cell::new(detail),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if card.cloud.is_some() {
        out.push('\n');
        out.push_str(&crate::live::details(card, color));
    }
    if !card.problems.is_empty() || !card.notes.is_empty() {
        out.push('\n');
        for p in card.problems.iter().take(10) {
            out.push_str(&format!("{} {p}\n", paint("unreadable:", "33", color)));
        }
        if card.problems.len() > 10 {
            out.push_str(&format!("… and {} more unreadable files (see --format json)\n", card.problems.len() - 10));
        }
        for n in &card.notes {
            out.push_str(&dim(&format!("note: {n}\n"), color));
        }
    }
    let f = &card.facts;
    out.push_str(&dim(
        &format!(
            "\n{} files · {} CI pipeline(s){} · {} ms · evidence for every finding: --format json or markdown\n",
            f.files,
            f.pipelines,
            if f.ci_systems.is_empty() { String::new() } else { format!(" ({})", f.ci_systems.join(", ")) },
            f.duration_ms
        ),
        color,
    ));
    out
}
