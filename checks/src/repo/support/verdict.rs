//! Small pieces of a verdict that several families build the same way: the best of several
//! candidate answers, distinct evidence, counts by kind, and where a fact lives.

use crate::facts::files::Location;
use crate::model::{Evidence, Finding};

/// A possible answer of a check that weighs several facts: score (1 is pass), message, evidence.
pub(crate) type Candidate = (f64, String, Evidence);

/// Files under `.github/` describe CI's own infrastructure (preview clusters), not production.
fn ci_infra(e: &Evidence) -> bool {
    matches!(e, Evidence::File { path, .. } if path.starts_with(".github/"))
}

/// The best-scoring candidate, the first one among equals (CI infrastructure last).
pub(crate) fn best_candidate(all: &[Candidate]) -> Option<&Candidate> {
    let mut best: Option<&Candidate> = None;
    for c in all {
        best = match best {
            Some(b) if c.0 > b.0 || (c.0 == b.0 && ci_infra(&b.2) && !ci_infra(&c.2)) => Some(c),
            Some(b) => Some(b),
            None => Some(c),
        };
    }
    best
}

/// The finding of the best candidate, citing up to two others.
pub(crate) fn best_finding(all: &[Candidate]) -> Option<Finding> {
    let (score, message, evidence) = best_candidate(all)?;
    let others: Vec<Evidence> = all.iter().filter(|c| c.2 != *evidence).take(2).map(|c| c.2.clone()).collect();
    let f = if *score >= 1.0 { Finding::pass(message) } else { Finding::partial(*score, message) };
    Some(f.with_one(evidence.clone()).with(others))
}

/// Up to `n` distinct evidence items.
pub(crate) fn first_evidence(items: impl IntoIterator<Item = Evidence>, n: usize) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for e in items {
        if out.len() >= n {
            break;
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Counts by kind, for messages: "12 Deployments, 1 StatefulSet".
pub(crate) fn counts<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for n in names {
        match seen.iter_mut().find(|(k, _)| *k == n) {
            Some((_, c)) => *c += 1,
            None => seen.push((n, 1)),
        }
    }
    seen.iter()
        .map(|(k, c)| if *c == 1 { format!("1 {k}") } else { format!("{c} {k}s") })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a fact lives, for the message of a `partial` about examples and tests.
pub(crate) fn place(location: Location) -> &'static str {
    match location {
        Location::Test => "test",
        Location::Example => "example",
        Location::Fixture => "fixture",
        Location::Vendored => "vendored",
        Location::Project => "project",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_counts() {
        assert_eq!(counts(["Deployment", "Deployment", "CronJob"]), "2 Deployments, 1 CronJob");
    }
}
