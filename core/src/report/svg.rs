//! Charts for the readout, drawn as inline SVG in Rust: no script, no web font, no request.
//!
//! Colours come from CSS classes defined in the readout's stylesheet (presentation attributes
//! only: inline `style` attributes would need a weaker content security policy). Every piece of
//! text is XML-escaped, with its control characters replaced as in every other document: area and
//! phase titles come from a roadmap, which may come from the audited repository.

use crate::scorecard::{AreaResult, PhaseResult};
use maturity_checks::model::fmt_num;
use std::fmt::Write;

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::replace_controls(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn clip(s: &str, n: usize) -> String {
    maturity_checks::model::clip(s, n)
}

/// Horizontal bars: one per area, score 0–100 with the assessed share beneath.
pub fn area_bars(areas: &[AreaResult]) -> String {
    let row = 34.0;
    let (label_w, bar_w) = (230.0, 380.0);
    let height = areas.len() as f64 * row + 10.0;
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 700 {height}" width="700" height="{height}" role="img" aria-label="Score by area"><title>Score by area</title>"#
    );
    for (i, a) in areas.iter().enumerate() {
        let y = i as f64 * row + 6.0;
        let score = a.score.unwrap_or(0.0).clamp(0.0, 100.0);
        let _ = write!(s, r#"<text class="label" x="0" y="{}">{}</text>"#, y + 15.0, escape(&clip(&a.title, 32)));
        let _ = write!(s, r#"<rect class="bar-bg" x="{label_w}" y="{y}" width="{bar_w}" height="16" rx="3"/>"#);
        if a.score.is_some() {
            let _ = write!(
                s,
                r#"<rect class="bar {}" x="{label_w}" y="{y}" width="{:.1}" height="16" rx="3"/>"#,
                tone(score),
                bar_w * score / 100.0
            );
        }
        let _ = write!(
            s,
            r#"<rect class="bar-cov" x="{label_w}" y="{}" width="{:.1}" height="3"/>"#,
            y + 19.0,
            bar_w * a.coverage.clamp(0.0, 1.0)
        );
        let text = match a.score {
            Some(v) => fmt_num((v * 10.0).round() / 10.0),
            None => "not assessed".into(),
        };
        let _ =
            write!(s, r#"<text class="value" x="{}" y="{}">{}</text>"#, label_w + bar_w + 8.0, y + 13.0, escape(&text));
    }
    s.push_str("</svg>");
    s
}

fn tone(score: f64) -> &'static str {
    crate::scoring::band(score)
}

/// The phases over the plan's weeks, each bar filled by its completion, with today's week.
pub fn timeline(phases: &[PhaseResult], weeks: u32, today_week: Option<i64>) -> String {
    let weeks = weeks.max(1) as f64;
    let (left, width) = (190.0, 480.0);
    let col = width / weeks;
    let row = 30.0;
    let height = phases.len() as f64 * row + 40.0;
    let mut s = format!(
        r#"<svg class="chart" viewBox="0 0 700 {height}" width="700" height="{height}" role="img" aria-label="Phases over the weeks of the roadmap"><title>Phases over the weeks of the roadmap</title>"#
    );
    for w in 0..weeks as usize {
        let x = left + w as f64 * col;
        let _ = write!(
            s,
            r#"<rect class="{}" x="{x:.1}" y="0" width="{col:.1}" height="{}"/>"#,
            if w % 2 == 0 { "week-a" } else { "week-b" },
            height - 22.0
        );
        let _ = write!(s, r#"<text class="tick" x="{:.1}" y="{}">{}</text>"#, x + col / 2.0, height - 8.0, w + 1);
    }
    for (i, p) in phases.iter().enumerate() {
        let y = i as f64 * row + 6.0;
        let x0 = left + (p.weeks[0].max(1) - 1) as f64 * col;
        let w = (p.weeks[1].saturating_sub(p.weeks[0]) + 1) as f64 * col;
        let _ = write!(
            s,
            r#"<text class="label" x="0" y="{}">{}</text>"#,
            y + 14.0,
            escape(&clip(&format!("{}. {}", p.number, p.title), 26))
        );
        let _ = write!(s, r#"<rect class="phase" x="{x0:.1}" y="{y}" width="{w:.1}" height="18" rx="3"/>"#);
        let _ = write!(
            s,
            r#"<rect class="phase-done" x="{x0:.1}" y="{y}" width="{:.1}" height="18" rx="3"/>"#,
            w * p.completion.clamp(0.0, 1.0)
        );
        let _ = write!(
            s,
            r#"<text class="inbar" x="{:.1}" y="{}">{}/{}</text>"#,
            x0 + 6.0,
            y + 13.0,
            p.done,
            p.items.len()
        );
    }
    if let Some(week) = today_week.filter(|w| *w >= 1) {
        let x = left + ((week as f64 - 0.5).min(weeks)) * col;
        let _ = write!(s, r#"<line class="today" x1="{x:.1}" y1="0" x2="{x:.1}" y2="{}"/>"#, height - 22.0);
        let label = if week as f64 > weeks { format!("week {week} (past the plan)") } else { format!("week {week}") };
        let _ = write!(
            s,
            r#"<text class="today-label" x="{:.1}" y="{}">{}</text>"#,
            (x + 4.0).min(640.0),
            height - 26.0,
            escape(&label)
        );
    }
    s.push_str("</svg>");
    s
}

/// One point of a run in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPoint {
    pub date: String,
    pub score: f64,
    /// Week of the plan the run fell in, when the roadmap is scheduled.
    pub week: Option<i64>,
    pub done: usize,
}

/// The score over the stored runs (oldest first).
pub fn trend(points: &[RunPoint]) -> String {
    let (left, top, width, height) = (40.0, 10.0, 620.0, 140.0);
    let mut s = r#"<svg class="chart" viewBox="0 0 700 180" width="700" height="180" role="img" aria-label="Score over the audits"><title>Score over the audits</title>"#.to_string();
    for v in [0.0, 50.0, 100.0] {
        let y = top + height - v / 100.0 * height;
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" y1="{y}" x2="{}" y2="{y}"/><text class="tick end" x="{}" y="{}">{}</text>"#,
            left + width,
            left - 4.0,
            y + 4.0,
            v
        );
    }
    let n = points.len();
    let x = |i: usize| if n <= 1 { left + width / 2.0 } else { left + i as f64 * width / (n - 1) as f64 };
    let y = |v: f64| top + height - v.clamp(0.0, 100.0) / 100.0 * height;
    if n > 1 {
        let path: Vec<String> =
            points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.score))).collect();
        let _ = write!(s, r#"<polyline class="line" points="{}"/>"#, path.join(" "));
    }
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            s,
            r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="3.5"><title>{}: {}</title></circle>"#,
            x(i),
            y(p.score),
            escape(&p.date),
            fmt_num(p.score)
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            s,
            r#"<text class="tick" x="{left}" y="172">{}</text>"#,
            escape(crate::text::prefix(&first.date, 10))
        );
        let _ = write!(
            s,
            r#"<text class="tick end" x="{}" y="172">{}</text>"#,
            left + width,
            escape(crate::text::prefix(&last.date, 10))
        );
    }
    s.push_str("</svg>");
    s
}

/// Burn-up: items done per week of the plan (from the stored runs) against the plan (items due
/// by the end of each phase).
pub fn burnup(phases: &[PhaseResult], weeks: u32, points: &[RunPoint], total: usize) -> String {
    let (left, top, width, height) = (40.0, 10.0, 620.0, 140.0);
    let weeks_f = weeks.max(1) as f64;
    let total_f = total.max(1) as f64;
    let x = |w: f64| left + (w / weeks_f).clamp(0.0, 1.0) * width;
    let y = |n: f64| top + height - (n / total_f).clamp(0.0, 1.0) * height;
    let mut s = r#"<svg class="chart" viewBox="0 0 700 180" width="700" height="180" role="img" aria-label="Items done against the plan"><title>Items done against the plan</title>"#.to_string();
    let _ =
        write!(s, r#"<line class="grid" x1="{left}" y1="{}" x2="{}" y2="{}"/>"#, y(total_f), left + width, y(total_f));
    let _ = write!(s, r#"<text class="tick" x="{}" y="{}">{total}</text>"#, left - 6.0, y(total_f) + 4.0);
    // the plan: a phase's items are due at the end of its last week
    let mut plan = vec![format!("{:.1},{:.1}", x(0.0), y(0.0))];
    let mut due = 0usize;
    let mut seen: Vec<&str> = Vec::new();
    for p in phases {
        let new: Vec<&str> = p.items.iter().map(String::as_str).filter(|i| !seen.contains(i)).collect();
        due += new.len();
        seen.extend(new);
        plan.push(format!("{:.1},{:.1}", x(p.weeks[1] as f64), y(due as f64)));
    }
    let _ = write!(s, r#"<polyline class="plan" points="{}"/>"#, plan.join(" "));
    let actual: Vec<(f64, f64)> = points.iter().filter_map(|p| p.week.map(|w| (w as f64, p.done as f64))).collect();
    if actual.len() > 1 {
        let pts: Vec<String> = actual.iter().map(|(w, d)| format!("{:.1},{:.1}", x(*w), y(*d))).collect();
        let _ = write!(s, r#"<polyline class="line" points="{}"/>"#, pts.join(" "));
    }
    for (w, d) in &actual {
        let _ = write!(
            s,
            r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="3.5"><title>week {w}: {d} items done</title></circle>"#,
            x(*w),
            y(*d)
        );
    }
    for w in (0..=weeks).step_by(4.max(weeks as usize / 4)) {
        let _ = write!(s, r#"<text class="tick" x="{:.1}" y="172">w{w}</text>"#, x(w as f64));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let areas = vec![AreaResult {
            id: "x".into(),
            title: "<script>alert(1)</script>".into(),
            score: Some(50.0),
            coverage: 0.5,
            items: vec![],
        }];
        let svg = area_bars(&areas);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("style="), "no inline style attributes (CSP)");
    }

    #[test]
    fn trend_and_burnup_draw_points() {
        let pts = vec![
            RunPoint { date: "2026-09-10T10:00:00Z".into(), score: 20.0, week: Some(1), done: 1 },
            RunPoint { date: "2026-10-10T10:00:00Z".into(), score: 45.0, week: Some(5), done: 6 },
        ];
        let t = trend(&pts);
        assert_eq!(t.matches("<circle").count(), 2);
        assert!(t.contains("<polyline"));
        let b = burnup(&[], 16, &pts, 22);
        assert_eq!(b.matches("<circle").count(), 2);
    }
}
