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
pub mod portfolio;
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
///
/// A renderer that panics (a bug faced with text nobody anticipated) gives an error naming the
/// format instead of taking the process down; the audit itself is already recorded by then.
pub fn render_with_history(card: &Scorecard, format: Format, history: &[svg::RunPoint]) -> Result<String, RenderError> {
    guarded(format, || match format {
        Format::Html => readout::render(card, history),
        other => render_unguarded(card, other),
    })
}

/// Renders a scorecard in a machine or document format.
pub fn render(card: &Scorecard, format: Format) -> Result<String, RenderError> {
    guarded(format, || render_unguarded(card, format))
}

fn guarded(format: Format, f: impl FnOnce() -> Result<String, RenderError>) -> Result<String, RenderError> {
    maturity_checks::facts::guard(f).unwrap_or_else(|panic| {
        Err(RenderError(format!("the {format:?} renderer failed ({panic}); please report this as a bug")))
    })
}

fn render_unguarded(card: &Scorecard, format: Format) -> Result<String, RenderError> {
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
