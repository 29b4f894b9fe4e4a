//! Rendering a scorecard for people and machines: JSON and Markdown here, the terminal table in
//! the CLI (it knows about terminals; this crate does not).
//!
//! Templates live in the repository's `templates/` folder and stay dumb: every number and label
//! is prepared in Rust (see [`view`]), templates only loop and print. All custom filters are in
//! [`filters`].

mod filters;
pub mod junit;
pub mod live;
pub mod markdown;
pub mod readout;
pub mod sarif;
pub mod svg;
pub mod view;

use crate::scorecard::Scorecard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    Html,
    Sarif,
    Junit,
}

/// Renders a scorecard in a machine or document format; `history` (earlier runs of the same
/// repository, oldest first) feeds the readout's trend charts.
pub fn render_with_history(card: &Scorecard, format: Format, history: &[svg::RunPoint]) -> Result<String, RenderError> {
    match format {
        Format::Html => readout::render(card, history),
        other => render(card, other),
    }
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
        Format::Html => readout::render(card, &[]),
        Format::Sarif => Ok(sarif::render(card)),
        Format::Junit => junit::render(card),
    }
}

#[derive(Debug, thiserror::Error)]
#[error("could not render the report: {0}")]
pub struct RenderError(pub String);

#[cfg(test)]
mod tests;
