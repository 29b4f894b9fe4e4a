//! Terminal output: colours (honouring NO_COLOR, `--color` and non-terminal output), the
//! scorecard tables and error messages.
//!
//! Text from a repository or a file (paths, the remote, messages, titles, problems, errors) is
//! untrusted: an ESC sequence in a file name would rewrite the terminal or a CI log, a bidi
//! override would reorder the line. Every such string is printed through [`safe`] (one line) or
//! [`safe_lines`] (a message whose line breaks are meant), which show control characters as
//! escapes (`\x1b`, `\u{202e}`); [`cell`] does it for table cells, and [`error`] and [`warning`]
//! for everything they print.

use crate::ColorChoice;
use comfy_table::{Attribute, Cell, CellAlignment, Color, ContentArrangement, Table, presets};
use maturity_checks::model::Status;
use maturity_core::report::view;
use maturity_core::scorecard::Scorecard;
use std::borrow::Cow;
use std::io::IsTerminal;

/// One line of untrusted text for the terminal: control characters, line breaks and tabs shown
/// as escapes.
pub fn safe(s: &str) -> Cow<'_, str> {
    maturity_core::text::escape_controls(s, false)
}

/// Untrusted text whose line breaks are meant (an error with its causes): control characters
/// shown as escapes, newlines and tabs kept.
pub fn safe_lines(s: &str) -> Cow<'_, str> {
    maturity_core::text::escape_controls(s, true)
}

/// A table cell of untrusted text, on one line.
pub fn cell(s: &str) -> Cell {
    Cell::new(safe(s))
}

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
    eprintln!("{} {}", paint("error:", "1;31", colors.stderr), safe_lines(message));
}

pub fn warning(message: &str, colors: Colors) {
    eprintln!("{} {}", paint("warning:", "1;33", colors.stderr), safe_lines(message));
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
    let sentence = s.find(". ").and_then(|i| s.get(..=i)).unwrap_or(s);
    maturity_checks::model::clip(sentence, 140)
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
        Some(c) => format!(
            "{}\n{}",
            safe(&clip(&c.message, 140)),
            dim(&format!("→ {}", safe(&first_sentence(&c.remediation))), color)
        ),
        None => {
            let best = item.checks.iter().find(|c| c.status == Status::Pass).or_else(|| item.checks.first());
            match best {
                Some(c) => {
                    let ev =
                        c.evidence.first().map(|e| format!("\n{}", dim(&safe(&e.label()), color))).unwrap_or_default();
                    format!("{}{ev}", safe(&clip(&c.message, 140)))
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
    let mut origin = safe(&repo.name).into_owned();
    if let Some(remote) = &repo.remote {
        origin.push_str(&format!(" ({})", safe(remote)));
    }
    let commit = match (view::short_commit(card), &repo.branch) {
        (Some(c), Some(b)) => format!("commit {} on {}", safe(&c), safe(b)),
        (Some(c), None) => format!("commit {}", safe(&c)),
        (None, _) => "no git history".into(),
    };
    out.push_str(&format!("{} · {}\n", bold(&origin, color), commit));
    out.push_str(&dim(&format!("Roadmap: {} ({})\n", safe(&card.roadmap.title), safe(&card.roadmap.source)), color));
    if let Some(line) = view::project_line(card) {
        out.push_str(&dim(&format!("{}\n", safe(&line)), color));
    }
    out.push_str(&crate::live::header(card, color));
    out.push('\n');
    let score = bold(&format!("Score {}/100", score_text(Some(card.score))), color);
    let level = bold(&format!("Level {}", card.level), color);
    out.push_str(&format!(
        "  {score}   {level} ({})   Assessed {} of the roadmap\n\n",
        safe(&card.level_name),
        view::percent(card.coverage)
    ));
    for area in &card.areas {
        let mut t = new_table(color);
        out.push_str(&format!(
            "{}  {}\n",
            bold(&safe(&area.title), color),
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
                Cell::new(safe(&format!("{} {}", item.id, item.title))),
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
            Cell::new(safe(&format!("{}. {}", p.number, p.title))),
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
            Cell::new(safe(&m.title)),
            Cell::new(safe(&view::metric_target(m))),
            Cell::new(safe(&view::metric_value(m))).set_alignment(CellAlignment::Right),
            cell(&detail),
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
            out.push_str(&format!("{} {}\n", paint("unreadable:", "33", color), safe(&p.to_string())));
        }
        if card.problems.len() > 10 {
            out.push_str(&format!("… and {} more unreadable files (see --format json)\n", card.problems.len() - 10));
        }
        for n in &card.notes {
            out.push_str(&dim(&format!("note: {}\n", safe(n)), color));
        }
    }
    let f = &card.facts;
    out.push_str(&dim(
        &format!(
            "\n{} files · {} CI pipeline(s){} · {} ms · evidence for every finding: --format json or markdown\n",
            f.files,
            f.pipelines,
            if f.ci_systems.is_empty() { String::new() } else { format!(" ({})", safe(&f.ci_systems.join(", "))) },
            f.duration_ms
        ),
        color,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_is_shown_escaped() {
        for (input, one_line, lines) in [
            ("src/Привет/漢字/😀.rs", "src/Привет/漢字/😀.rs", "src/Привет/漢字/😀.rs"),
            ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title", "\\x1b]0;pwned\\x07title"),
            ("\x1b[2J\x1b[1;1H", "\\x1b[2J\\x1b[1;1H", "\\x1b[2J\\x1b[1;1H"),
            ("invoice\u{202e}fdp.exe", "invoice\\u{202e}fdp.exe", "invoice\\u{202e}fdp.exe"),
            ("a\nb", "a\\nb", "a\nb"),
            ("over\rwrite", "over\\rwrite", "over\\rwrite"),
            ("\u{85}next line", "\\x85next line", "\\x85next line"),
        ] {
            assert_eq!(safe(input), one_line, "{input:?}");
            assert_eq!(safe_lines(input), lines, "{input:?}");
        }
    }

    /// A scorecard whose every text carries terminal escapes, bidi overrides and line breaks.
    fn hostile_card() -> Scorecard {
        const POISON: &str = "\x1b[31m\u{202e}\x01\u{9b}\r\nфайл 文件 😀";
        fn walk(v: &mut serde_json::Value, key: &str) {
            match v {
                serde_json::Value::String(s)
                    if !matches!(key, "kind" | "status" | "from" | "to" | "pace" | "schema") =>
                {
                    *s = format!("{POISON}{s}{POISON}");
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, key)),
                serde_json::Value::Object(o) => o.iter_mut().for_each(|(k, x)| walk(x, k)),
                _ => {}
            }
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
        let card = maturity_core::audit(
            dir.path(),
            &maturity_core::Roadmap::default_roadmap(),
            &maturity_core::AuditOptions::default(),
            &maturity_checks::facts::NoProgress,
        )
        .unwrap();
        let mut v = serde_json::to_value(&card).unwrap();
        walk(&mut v, "");
        let mut card: Scorecard = serde_json::from_value(v).unwrap();
        card.problems.push(maturity_checks::facts::Problem {
            path: format!("{POISON}.yml"),
            line: Some(1),
            message: POISON.into(),
        });
        card
    }

    #[test]
    fn no_control_character_reaches_the_terminal_table() {
        let card = hostile_card();
        // without colours nothing but text and line breaks
        let table = scorecard(&card, false);
        let raw: Vec<char> = table.chars().filter(|c| maturity_core::text::is_hidden_control(*c)).collect();
        assert!(raw.is_empty(), "raw controls {raw:?} in:\n{table}");
        assert!(table.contains("\\x1b[31m\\u{202e}\\x01\\x9b\\r\\nфайл 文件 😀"), "{table}");
        // with colours, only ours: every ESC starts a colour (SGR) sequence
        let table = scorecard(&card, true);
        for (i, sequence) in table.split('\x1b').enumerate().skip(1) {
            let sgr =
                sequence.strip_prefix('[').map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';'));
            assert!(sgr.is_some_and(|r| r.starts_with('m')), "ESC {i} starts no colour: {sequence:?}");
        }
        let raw: Vec<char> =
            table.chars().filter(|c| *c != '\x1b' && maturity_core::text::is_hidden_control(*c)).collect();
        assert!(raw.is_empty(), "raw controls {raw:?} in:\n{table}");
    }
}
