//! The Markdown summary, for pull-request comments and CI job summaries.

use super::filters;
use super::view;
use crate::scorecard::Scorecard;
use askama::Template;

#[derive(Template)]
#[template(path = "scorecard.md")]
struct Page<'a> {
    card: &'a Scorecard,
}

impl Page<'_> {
    fn icon(&self, s: &maturity_checks::model::Status) -> &'static str {
        view::status_icon(*s)
    }
    fn label(&self, s: &maturity_checks::model::Status) -> &'static str {
        view::status_label(*s)
    }
    fn score(&self, v: Option<&f64>) -> String {
        view::score(v.copied())
    }
    fn percent(&self, v: &f64) -> String {
        view::percent(*v)
    }
    fn commit(&self) -> String {
        view::short_commit(self.card).unwrap_or_else(|| "no commit".into())
    }
    fn item_line(&self, item: &crate::scorecard::ItemResult) -> String {
        view::item_line(item)
    }
    fn value(&self, m: &crate::scorecard::MetricResult) -> String {
        view::metric_value(m)
    }
    fn target(&self, m: &crate::scorecard::MetricResult) -> String {
        view::metric_target(m)
    }
    fn area_title(&self, id: &str) -> String {
        self.card.areas.iter().find(|a| a.id == id).map(|a| a.title.clone()).unwrap_or_default()
    }
    fn evidence(&self, e: &maturity_checks::model::Evidence) -> String {
        e.label()
    }
}

pub fn render(card: &Scorecard) -> Result<String, super::RenderError> {
    Page { card }.render().map_err(|e| super::RenderError(e.to_string()))
}
