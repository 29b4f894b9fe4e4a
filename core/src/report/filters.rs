//! The template filters, all of them, and the escaper of the HTML and XML templates.
//!
//! Text from a repository must not change the document it is shown in. In HTML and XML, askama
//! escapes markup and [`Html`] (configured for both in `askama.toml`) first replaces hidden
//! controls (ESC, `\x01`, bidi overrides: [`crate::text::is_hidden_control`]) by U+FFFD, so a file
//! name cannot reorder the readout's text or make the JUnit XML ill-formed. In Markdown, [`md`],
//! [`cell`] and [`code`] keep every value on its line, inside its table cell or code span, and
//! unable to start a block (heading, quote, list, fence), to link, to mention or to embed HTML.

use crate::text::replace_controls;
use std::fmt::Display;

/// The escaper of every HTML and XML template: askama's HTML escaping of text whose hidden
/// controls, and characters XML 1.0 forbids, became U+FFFD.
#[derive(Clone, Copy, Debug, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: std::fmt::Write>(&self, dest: W, text: &str) -> std::fmt::Result {
        askama::filters::Escaper::write_escaped_str(&askama::filters::Html, dest, &replace_controls(text))
    }
}

/// Makes text safe inside a Markdown table cell: one line, no column separators, and no raw
/// HTML (a file name like `<script>.yml` stays text).
#[askama::filter_fn]
pub fn cell<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    // a cell holds inline content only: no block can start in it
    Ok(inline_text(one_line(&value.to_string()).trim_start()).replace('|', "\\|"))
}

/// Makes text safe in Markdown outside tables: one line that starts no block, and no raw HTML,
/// link, image or mention.
#[askama::filter_fn]
pub fn md<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(md_text(&value.to_string()))
}

/// A Markdown code span holding the text as it is, whatever backticks it contains (the fence is
/// one backtick longer than the longest run inside, as CommonMark allows), on one line.
#[askama::filter_fn]
pub fn code<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    let text = one_line(&value.to_string());
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    Ok(format!("{fence}{pad}{text}{pad}{fence}"))
}

/// Text on one line with its hidden controls replaced: line breaks become spaces.
fn one_line(s: &str) -> String {
    replace_controls(&s.replace("\r\n", " ").replace(['\n', '\r', '\u{2028}', '\u{2029}'], " ")).into_owned()
}

/// Markdown-safe text: one line (a newline would start a block), no leading block marker
/// (`#`, `>`, `-`, `1.`, a fence...), raw HTML, links, images and @-mentions neutralised.
/// Text from a repository (file names, commit subjects) must not turn a pull-request comment into
/// a heading, a link or a notification.
pub(crate) fn md_text(s: &str) -> String {
    let line = one_line(s);
    let line = line.trim_start();
    // a leading marker would start a block where the value begins a line: escape it (a number
    // starts a list only when `.` or `)` and a space follow: `6.1 CI/CD` does not)
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = line.get(digits..).unwrap_or_default();
    let mut chars = after.chars();
    let marker = match (chars.next(), chars.next()) {
        (Some(c @ ('.' | ')')), None | Some(' ' | '\t')) if digits > 0 => Some(c),
        (Some(c @ ('#' | '>' | '-' | '*' | '+' | '=' | '_' | '`' | '~')), _) if digits == 0 => Some(c),
        _ => None,
    };
    match marker {
        Some(c) => format!(
            "{}\\{c}{}",
            line.get(..digits).unwrap_or_default(),
            inline_text(line.get(digits + 1..).unwrap_or_default())
        ),
        None => inline_text(line),
    }
}

/// Text that stays text inside a Markdown line: raw HTML, links, images and @-mentions
/// neutralised.
fn inline_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '@' => out.push_str("@\u{200B}"),
            c => out.push(c),
        }
    }
    out
}
