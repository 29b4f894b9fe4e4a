//! Scoring: from check findings to item, area, phase and overall results. Pure functions.
//!
//! The rules, in one place:
//! - a check's score is 1 (pass), 0 (fail) or its partial score; `unknown`, `not_assessed` and
//!   `waived` checks are left out of the score (they lower coverage, not the score);
//! - an item's score is the weighted mean of its assessed checks (0–100); the item passes when
//!   every assessed check passes (or, when the roadmap gives the item a `pass_at` score, when its
//!   score reaches it and every assessed check its rubric requires passes), fails when every one
//!   fails, and is partial otherwise; with no
//!   assessed check it is `unknown` if a check could not tell, `waived` if all were waived, else
//!   `not_assessed`;
//! - an item's coverage is the share of its check weight that was assessed (waived counts);
//! - an area's score is the mean of its assessed items; the overall score is the weighted mean of
//!   assessed items; overall coverage is the weighted mean of item coverage;
//! - an item is done when it passed or was waived; a phase's completion is the share of its items
//!   done; the maturity level is the number of the last phase in an unbroken run of complete
//!   phases from the first;
//! - a score reads `good` from 80, `fair` from 50 and `poor` below: the one banding every output
//!   that colours a score uses (the readout's charts, the dashboard's bars).
//!
//! Every number this module hands out goes through [`score`], [`share`] or [`unit`]: finite and
//! inside its range by construction, whatever the weights (a roadmap or `.maturity.toml` is
//! untrusted input, validated on loading, and weighed here again through [`weight`]) and whatever
//! a check computed. A number that is not finite becomes 0, so a report never shows `null` for a
//! score and `--fail-under` cannot be passed by a NaN.

use crate::roadmap::{Item, Metric, Roadmap};
use crate::scorecard::{AreaResult, CheckResult, ItemResult, MetricResult, PhaseResult, TargetInfo};
use maturity_checks::metrics::Measurement;
use maturity_checks::model::{Finding, Status};

/// One check of an item, as evaluated.
pub struct Evaluated<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub remediation: &'a str,
    pub weight: f64,
    pub finding: &'a Finding,
    pub origin: maturity_checks::Origin,
}

/// A score of 0–100, rounded to one decimal; anything not finite is 0.
pub fn score(v: f64) -> f64 {
    round1(bounded(v, 100.0))
}

/// A share of 0–1 (coverage, completion), rounded to three decimals; anything not finite is 0.
pub fn share(v: f64) -> f64 {
    round3(bounded(v, 1.0))
}

/// A check's score of 0–1, as the check reported it; anything not finite is 0.
pub fn unit(v: f64) -> f64 {
    bounded(v, 1.0)
}

/// A weight as scoring uses it: the roadmap's when it is one ([`crate::roadmap::is_weight`]:
/// loading refuses anything else; a roadmap built in code is held to the same rule here), else 0.
pub fn weight(v: f64) -> f64 {
    if crate::roadmap::is_weight(v) { v } else { 0.0 }
}

fn bounded(v: f64, max: f64) -> f64 {
    if v.is_finite() { v.clamp(0.0, max) } else { 0.0 }
}

pub fn item(item: &Item, checks: &[Evaluated]) -> ItemResult {
    let results: Vec<CheckResult> = checks
        .iter()
        .map(|c| CheckResult {
            id: c.id.to_string(),
            title: c.title.to_string(),
            weight: c.weight,
            status: c.finding.status,
            score: unit(c.finding.score),
            message: c.finding.message.clone(),
            evidence: c.finding.evidence.clone(),
            remediation: c.remediation.to_string(),
            origin: (!c.origin.is_built_in()).then(|| c.origin.clone()),
        })
        .collect();
    let total_weight: f64 = checks.iter().map(|c| weight(c.weight)).sum();
    let assessed: Vec<&Evaluated> = checks.iter().filter(|c| c.finding.status.is_assessed()).collect();
    let counted_weight: f64 = checks
        .iter()
        .filter(|c| c.finding.status.is_assessed() || c.finding.status == Status::Waived)
        .map(|c| weight(c.weight))
        .sum();
    let coverage = if total_weight > 0.0 { counted_weight / total_weight } else { 0.0 };
    let assessed_weight: f64 = assessed.iter().map(|c| weight(c.weight)).sum();
    let score = (assessed_weight > 0.0).then(|| {
        score(100.0 * assessed.iter().map(|c| weight(c.weight) * unit(c.finding.score)).sum::<f64>() / assessed_weight)
    });
    let status = if assessed.is_empty() {
        if checks.iter().any(|c| c.finding.status == Status::Unknown) {
            Status::Unknown
        } else if !checks.is_empty() && checks.iter().all(|c| c.finding.status == Status::Waived) {
            Status::Waived
        } else {
            Status::NotAssessed
        }
    } else if assessed.iter().all(|c| c.finding.status == Status::Pass)
        || (item.pass_at.zip(score).is_some_and(|(at, s)| s >= at) && required_pass(item, checks))
    {
        Status::Pass
    } else if assessed.iter().all(|c| c.finding.status == Status::Fail) {
        Status::Fail
    } else {
        Status::Partial
    };
    // the next step: the heaviest check that is not passing, else the first that could not tell
    let next_step = if status == Status::Pass || status == Status::Waived {
        None
    } else if checks.is_empty() {
        Some("No checks assess this item yet; review it by hand.".to_string())
    } else {
        let mut open: Vec<&Evaluated> =
            checks.iter().filter(|c| matches!(c.finding.status, Status::Fail | Status::Partial)).collect();
        let gap = |c: &Evaluated| weight(c.weight) * (1.0 - unit(c.finding.score));
        open.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
        open.first()
            .copied()
            .or_else(|| checks.iter().find(|c| matches!(c.finding.status, Status::Unknown | Status::NotAssessed)))
            .map(|c| match c.finding.status {
                Status::Fail | Status::Partial => c.remediation.to_string(),
                _ => c.finding.message.clone(),
            })
    };
    ItemResult {
        id: item.id.clone(),
        title: item.title.clone(),
        area: item.area.clone(),
        status,
        score,
        coverage: share(coverage),
        weight: item.weight,
        next_step,
        checks: results,
        pass_at: item.pass_at,
        rubric: item.rubric.clone(),
    }
}

/// The score from which it reads `good`.
pub const GOOD_FROM: f64 = 80.0;
/// The score from which it reads `fair` (below: `poor`).
pub const FAIR_FROM: f64 = 50.0;

/// The band of a 0–100 score, as a CSS class shared by the readout and the dashboard.
pub fn band(score: f64) -> &'static str {
    if score >= GOOD_FROM {
        "good"
    } else if score >= FAIR_FROM {
        "fair"
    } else {
        "poor"
    }
}

/// Whether every check the item's rubric requires passed, where it was assessed.
fn required_pass(item: &Item, checks: &[Evaluated]) -> bool {
    let required = item.rubric.as_ref().map(|r| r.required.as_slice()).unwrap_or(&[]);
    checks
        .iter()
        .filter(|c| required.iter().any(|r| r == c.id) && c.finding.status.is_assessed())
        .all(|c| c.finding.status == Status::Pass)
}

pub fn is_done(status: Status) -> bool {
    matches!(status, Status::Pass | Status::Waived)
}

pub fn areas(roadmap: &Roadmap, items: &[ItemResult]) -> Vec<AreaResult> {
    roadmap
        .areas
        .iter()
        .map(|a| {
            let mine: Vec<&ItemResult> = items.iter().filter(|i| i.area == a.id).collect();
            let scored: Vec<f64> = mine.iter().filter_map(|i| i.score).collect();
            let score = (!scored.is_empty()).then(|| score(scored.iter().sum::<f64>() / scored.len() as f64));
            let coverage =
                if mine.is_empty() { 0.0 } else { mine.iter().map(|i| i.coverage).sum::<f64>() / mine.len() as f64 };
            AreaResult {
                id: a.id.clone(),
                title: a.title.clone(),
                score,
                coverage: share(coverage),
                items: mine.iter().map(|i| i.id.clone()).collect(),
            }
        })
        .collect()
}

pub fn phases(roadmap: &Roadmap, items: &[ItemResult]) -> Vec<PhaseResult> {
    roadmap
        .phases
        .iter()
        .map(|p| {
            let ids: Vec<String> = p.items().into_iter().map(str::to_string).collect();
            let done = ids.iter().filter(|id| items.iter().any(|i| &i.id == *id && is_done(i.status))).count();
            let completion = if ids.is_empty() { 0.0 } else { done as f64 / ids.len() as f64 };
            PhaseResult {
                id: p.id.clone(),
                number: p.number,
                title: p.title.clone(),
                weeks: p.weeks,
                complete: !ids.is_empty() && done == ids.len(),
                items: ids,
                tasks: p
                    .tasks
                    .iter()
                    .map(|t| crate::scorecard::PartInfo {
                        title: t.title.clone(),
                        items: t.items.clone(),
                        metrics: Vec::new(),
                    })
                    .collect(),
                done,
                completion: share(completion),
            }
        })
        .collect()
}

/// Overall score and coverage.
pub fn overall(items: &[ItemResult]) -> (f64, f64) {
    let scored: Vec<&ItemResult> = items.iter().filter(|i| i.score.is_some()).collect();
    let w: f64 = scored.iter().map(|i| weight(i.weight)).sum();
    let total = if w > 0.0 {
        scored.iter().map(|i| weight(i.weight) * i.score.map_or(0.0, score)).sum::<f64>() / w
    } else {
        0.0
    };
    let all_w: f64 = items.iter().map(|i| weight(i.weight)).sum();
    let coverage =
        if all_w > 0.0 { items.iter().map(|i| weight(i.weight) * share(i.coverage)).sum::<f64>() / all_w } else { 0.0 };
    (score(total), share(coverage))
}

/// Maturity level and its name.
pub fn level(phases: &[PhaseResult]) -> (u32, String) {
    let reached = phases.iter().take_while(|p| p.complete).last();
    match reached {
        Some(p) => (p.number, format!("Phase {}: {}", p.number, p.title)),
        None => (0, "Not started: phase 1 incomplete".to_string()),
    }
}

pub fn metric(m: &Metric, measurement: Option<&Measurement>) -> MetricResult {
    let target = TargetInfo {
        op: serde_json::to_value(m.target.op).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        value: m.target.value,
        unit: m.target.unit.clone(),
    };
    let base = |status: Status, value: Option<f64>, message: String, evidence| MetricResult {
        id: m.id.clone(),
        title: m.title.clone(),
        group: m.group.clone(),
        statement: m.statement.clone(),
        status,
        value,
        unit: m.target.unit.clone(),
        target: target.clone(),
        message,
        evidence,
        measure: m.measure.clone(),
    };
    let unit = crate::roadmap::unit_suffix(&m.target.unit);
    match measurement {
        None => base(Status::NotAssessed, None, "This version does not measure this metric yet.".into(), Vec::new()),
        Some(Measurement::Missing(how)) => base(Status::NotAssessed, None, sentence(how), Vec::new()),
        Some(Measurement::Unknown(why)) => base(Status::Unknown, None, sentence(why), Vec::new()),
        Some(Measurement::Value { value, evidence, .. }) if !value.is_finite() => base(
            Status::Unknown,
            None,
            format!("The measured value is not a finite number ({value}), so it cannot be compared with the target."),
            evidence.clone(),
        ),
        Some(Measurement::Value { value, evidence, note }) => {
            let ok = m.target.op.holds(*value, m.target.value);
            let shown = maturity_checks::model::fmt_num(*value);
            let mut message =
                format!("{shown}{unit} against a target of {}{}", m.target, if ok { ", met" } else { ", not met" });
            if let Some(n) = note {
                message.push_str(&format!(" ({n})"));
            }
            base(if ok { Status::Pass } else { Status::Fail }, Some(*value), sentence(&message), evidence.clone())
        }
    }
}

fn sentence(s: &str) -> String {
    let mut s = s.trim().to_string();
    if let Some(c) = s.chars().next() {
        let upper: String = c.to_uppercase().collect();
        s.replace_range(..c.len_utf8(), &upper);
    }
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roadmap::Roadmap;

    fn finding(status: Status, score: f64) -> Finding {
        Finding { status, score, message: "m.".into(), evidence: Vec::new() }
    }

    fn score_item(checks: &[(Status, f64, f64)]) -> ItemResult {
        score_item_at(checks, None)
    }

    fn score_item_at(checks: &[(Status, f64, f64)], pass_at: Option<f64>) -> ItemResult {
        score_item_with(checks, pass_at, &[])
    }

    fn score_item_with(checks: &[(Status, f64, f64)], pass_at: Option<f64>, required: &[&str]) -> ItemResult {
        let findings: Vec<Finding> = checks.iter().map(|(s, sc, _)| finding(*s, *sc)).collect();
        let evaluated: Vec<Evaluated> = findings
            .iter()
            .zip(checks)
            .enumerate()
            .map(|(n, (f, (_, _, w)))| Evaluated {
                id: ["a", "b", "c", "d"][n],
                title: "t",
                remediation: "fix it",
                weight: *w,
                finding: f,
                origin: maturity_checks::Origin::BuiltIn,
            })
            .collect();
        let mut it = Roadmap::default_roadmap().items[0].clone();
        it.pass_at = pass_at;
        it.rubric = Some(crate::roadmap::Rubric {
            required: required.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        });
        item(&it, &evaluated)
    }

    #[test]
    fn item_rules() {
        use Status::*;
        for (name, checks, status, score, coverage) in [
            ("all pass", vec![(Pass, 1.0, 3.0), (Pass, 1.0, 1.0)], Pass, Some(100.0), 1.0),
            ("weighted partial", vec![(Pass, 1.0, 3.0), (Fail, 0.0, 1.0)], Partial, Some(75.0), 1.0),
            ("partial check", vec![(Partial, 0.5, 2.0)], Partial, Some(50.0), 1.0),
            ("all fail", vec![(Fail, 0.0, 1.0), (Fail, 0.0, 2.0)], Fail, Some(0.0), 1.0),
            (
                "unassessed lowers coverage not score",
                vec![(Pass, 1.0, 1.0), (NotAssessed, 0.0, 1.0)],
                Pass,
                Some(100.0),
                0.5,
            ),
            ("nothing assessed, one unknown", vec![(Unknown, 0.0, 1.0), (NotAssessed, 0.0, 1.0)], Unknown, None, 0.0),
            ("all waived", vec![(Waived, 0.0, 1.0)], Waived, None, 1.0),
            ("no checks", vec![], NotAssessed, None, 0.0),
        ] {
            let r = score_item(&checks);
            assert_eq!((r.status, r.score, r.coverage), (status, score, coverage), "{name}");
        }
    }

    #[test]
    fn pass_at_lets_an_item_pass_with_minor_checks_open() {
        use Status::*;
        for (name, checks, pass_at, status) in [
            ("score reaches pass_at", vec![(Pass, 1.0, 3.0), (Fail, 0.0, 1.0)], Some(75.0), Pass),
            ("score below pass_at", vec![(Pass, 1.0, 1.0), (Fail, 0.0, 1.0)], Some(75.0), Partial),
            ("no pass_at: every check must pass", vec![(Pass, 1.0, 3.0), (Fail, 0.0, 1.0)], None, Partial),
            ("all fail stays fail", vec![(Fail, 0.0, 1.0)], Some(50.0), Fail),
            ("nothing assessed", vec![(NotAssessed, 0.0, 1.0)], Some(10.0), NotAssessed),
        ] {
            assert_eq!(score_item_at(&checks, pass_at).status, status, "{name}");
        }
    }

    #[test]
    fn one_banding_for_every_output() {
        for (score, want) in
            [(100.0, "good"), (80.0, "good"), (79.9, "fair"), (50.0, "fair"), (49.9, "poor"), (0.0, "poor")]
        {
            assert_eq!(band(score), want, "{score}");
        }
    }

    #[test]
    fn a_required_check_must_pass_for_pass_at_to_count() {
        use Status::*;
        for (name, checks, required, status) in [
            ("the required check passes", vec![(Pass, 1.0, 3.0), (Fail, 0.0, 1.0)], vec!["a"], Pass),
            ("the required check fails", vec![(Pass, 1.0, 3.0), (Fail, 0.0, 1.0)], vec!["b"], Partial),
            (
                "a required check not assessed does not block",
                vec![(Pass, 1.0, 3.0), (NotAssessed, 0.0, 1.0)],
                vec!["b"],
                Pass,
            ),
            ("a required partial check blocks", vec![(Pass, 1.0, 9.0), (Partial, 0.5, 1.0)], vec!["b"], Partial),
        ] {
            assert_eq!(score_item_with(&checks, Some(75.0), &required).status, status, "{name}");
        }
    }

    #[test]
    fn next_step_is_the_heaviest_gap() {
        let r = score_item(&[(Status::Partial, 0.9, 1.0), (Status::Fail, 0.0, 2.0)]);
        assert_eq!(r.next_step.as_deref(), Some("fix it"));
        assert!(score_item(&[(Status::Pass, 1.0, 1.0)]).next_step.is_none());
    }

    #[test]
    fn phases_level_and_overall() {
        let roadmap = Roadmap::default_roadmap();
        let mut items: Vec<ItemResult> = roadmap.items.iter().map(|i| item(i, &[])).collect();
        let pass = |items: &mut Vec<ItemResult>, ids: &[&str]| {
            for i in items.iter_mut().filter(|i| ids.contains(&i.id.as_str())) {
                i.status = Status::Pass;
                i.score = Some(100.0);
                i.coverage = 1.0;
            }
        };
        assert_eq!(level(&phases(&roadmap, &items)).0, 0);
        pass(&mut items, &["1.1", "1.2", "1.3", "1.4", "6.1", "4.2", "3.2"]);
        let p = phases(&roadmap, &items);
        assert_eq!((p[0].done, p[0].complete), (7, false));
        pass(&mut items, &["3.3"]);
        let p = phases(&roadmap, &items);
        assert!(p[0].complete);
        assert_eq!(level(&p), (1, "Phase 1: Foundation".to_string()));
        // phase 3 complete but phase 2 not: the level stays 1
        pass(&mut items, &["4.1", "3.1", "7.2", "7.3"]);
        assert_eq!(level(&phases(&roadmap, &items)).0, 1);
        let (score, coverage) = overall(&items);
        assert_eq!(score, 100.0);
        assert!((coverage - 12.0 / 22.0).abs() < 0.001);
    }

    #[test]
    fn scores_stay_finite_and_in_range_whatever_the_weights_and_findings() {
        use Status::*;
        let hostile = [1e308, f64::MAX, f64::INFINITY, f64::NAN, -1.0, 0.0, f64::MIN_POSITIVE, 5e-324, 1.0, 1000.0];
        let findings = [0.0, 0.5, 1.0, f64::NAN, f64::INFINITY, -3.0, 7.0];
        for &w1 in &hostile {
            for &w2 in &hostile {
                for &f in &findings {
                    let r = score_item(&[(Partial, f, w1), (Pass, 1.0, w2), (Fail, 0.0, w1)]);
                    let s = r.score.unwrap_or(0.0);
                    assert!(s.is_finite() && (0.0..=100.0).contains(&s), "{w1} {w2} {f}: {s}");
                    assert!(r.coverage.is_finite() && (0.0..=1.0).contains(&r.coverage), "{w1} {w2} {f}");
                    assert!(r.checks.iter().all(|c| (0.0..=1.0).contains(&c.score)), "{w1} {w2} {f}");
                    let mut items = vec![r.clone(), r];
                    items[0].weight = w1;
                    items[1].weight = w2;
                    let (overall, coverage) = overall(&items);
                    assert!(overall.is_finite() && (0.0..=100.0).contains(&overall), "{w1} {w2} {f}: {overall}");
                    assert!(coverage.is_finite() && (0.0..=1.0).contains(&coverage), "{w1} {w2} {f}");
                    // the JSON of a score is a number, never null
                    assert!(serde_json::to_value(overall).unwrap().is_number());
                }
            }
        }
        // weights out of bounds count for nothing; the others still score
        assert_eq!(score_item(&[(Pass, 1.0, f64::NAN), (Fail, 0.0, 1.0)]).score, Some(0.0));
        assert_eq!(score_item(&[(Pass, 1.0, 1e308), (Pass, 1.0, 2.0)]).score, Some(100.0));
        assert_eq!(score_item(&[(Partial, f64::NAN, 1.0)]).score, Some(0.0), "a NaN finding scores 0");
        for (v, want) in [(f64::NAN, 0.0), (f64::INFINITY, 0.0), (f64::NEG_INFINITY, 0.0), (-5.0, 0.0), (150.0, 100.0)]
        {
            assert_eq!(score(v), want, "{v}");
        }
    }

    #[test]
    fn a_metric_value_that_is_not_a_number_is_unknown() {
        let roadmap = Roadmap::default_roadmap();
        let coverage = roadmap.metrics.iter().find(|m| m.id == "test-coverage").unwrap();
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let r = metric(coverage, Some(&Measurement::Value { value: v, evidence: Vec::new(), note: None }));
            assert_eq!((r.status, r.value), (Status::Unknown, None), "{v}");
            assert!(r.message.contains("not a finite number"), "{}", r.message);
        }
    }

    #[test]
    fn metrics_against_targets() {
        let roadmap = Roadmap::default_roadmap();
        let coverage = roadmap.metrics.iter().find(|m| m.id == "test-coverage").unwrap();
        let v = |value| Measurement::Value { value, evidence: Vec::new(), note: None };
        assert_eq!(metric(coverage, Some(&v(91.0))).status, Status::Pass);
        assert_eq!(metric(coverage, Some(&v(90.0))).status, Status::Fail, "> 90 is strict");
        assert_eq!(metric(coverage, Some(&Measurement::Missing("pass --evidence".into()))).status, Status::NotAssessed);
        assert_eq!(metric(coverage, None).status, Status::NotAssessed);
        let r = metric(coverage, Some(&v(72.5)));
        assert_eq!(r.message, "72.5 % against a target of > 90 %, not met.");
        assert_eq!(r.target.op, ">");
    }
}
