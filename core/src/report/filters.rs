//! The template filters, all of them.

use std::fmt::Display;

/// Makes text safe inside a Markdown table cell: no line breaks, no column separators, and no
/// raw HTML (a file name like `<script>.yml` stays text).
#[askama::filter_fn]
pub fn cell<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(md_text(&value.to_string()).replace('|', "\\|").replace(['\n', '\r'], " "))
}

/// Makes text safe in Markdown outside tables: raw HTML is neutralised.
#[askama::filter_fn]
pub fn md<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(md_text(&value.to_string()))
}

/// Raw HTML, links, images and @-mentions are neutralised: text from a repository (file names,
/// commit subjects) must not turn a pull-request comment into a link or a notification.
pub(crate) fn md_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('@', "@\u{200B}")
}
