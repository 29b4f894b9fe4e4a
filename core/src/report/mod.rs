//! Rendering a scorecard for people and machines: JSON and Markdown here, the terminal table in
//! the CLI (it knows about terminals; this crate does not).
//!
//! Templates live in the repository's `templates/` folder and stay dumb: every number and label
//! is prepared in Rust (see [`view`]), templates only loop and print. All custom filters are in
//! [`filters`].

mod filters;
pub mod markdown;
pub mod view;

use crate::scorecard::Scorecard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

/// Renders a scorecard in a machine or document format.
pub fn render(card: &Scorecard, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(card).map_err(|e| RenderError(e.to_string()))?;
            s.push('\n');
            Ok(s)
        }
        Format::Markdown => markdown::render(card),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not render the report: {0}")]
pub struct RenderError(pub String);
