//! Architecture decision records (roadmap item 6.3): decisions are written down, in a known
//! layout, with a status.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::Location;
use crate::model::{Evidence, Finding};

pub struct DecisionsRecorded;

impl Check for DecisionsRecorded {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.architecture_decisions_recorded",
            title: "Architecture decisions are recorded",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Decision records tell a newcomer and a reviewer why the system is the way it is; without them every decision is re-argued or silently reversed.",
            remediation: "Keep decision records in `docs/adr/` (adr-tools: `adr init docs/adr`) or MADR's `docs/decisions/`, one Markdown file per decision with a title, a status (proposed, accepted, superseded) and the decision with its context and consequences.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let adr = &cx.repo.adr;
        let own: Vec<_> = adr.records.iter().filter(|r| Location::of(&r.path) != Location::Example).collect();
        if own.is_empty() {
            if let Some(r) = adr.records.first() {
                return Finding::partial(0.3, format!("decision records exist only as examples (`{}`)", r.path))
                    .with_one(Evidence::file(r.path.clone(), Some(1)));
            }
            if let Some(d) = adr.dirs.first() {
                return Finding::fail(format!("the decision-record folder `{}` holds no records", d.path));
            }
            return Finding::fail(
                "no architecture decision records found (looked for .adr-dir and folders named adr, adrs, decisions or architecture-decisions, such as docs/adr and docs/decisions)",
            );
        }
        let well_formed: Vec<_> = own.iter().filter(|r| r.is_well_formed()).collect();
        let accepted = own.iter().filter(|r| r.status.as_deref() == Some("accepted")).count();
        let malformed: Vec<_> = own.iter().filter(|r| !r.is_well_formed()).collect();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for r in &own {
            let s = r.status.clone().unwrap_or_else(|| "no status".into());
            match counts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, n)) => *n += 1,
                None => counts.push((s, 1)),
            }
        }
        let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        let evidence: Vec<Evidence> = own.iter().take(5).map(|r| Evidence::file(r.path.clone(), Some(1))).collect();
        let dir = own[0].path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let problems = match malformed.first() {
            Some(m) => format!("; {} malformed, e.g. `{}`: {}", malformed.len(), m.path, m.problems.join(", ")),
            None => String::new(),
        };
        if accepted > 0 && well_formed.len() * 2 >= own.len() {
            return Finding::pass(format!(
                "{} decision records in `{dir}` ({}){problems}",
                own.len(),
                summary.join(", ")
            ))
            .with(evidence);
        }
        let why = if accepted == 0 { "none is accepted" } else { "most are malformed" };
        Finding::partial(
            0.5,
            format!("{} decision records in `{dir}` ({}), but {why}{problems}", own.len(), summary.join(", ")),
        )
        .with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Targets;
    use crate::facts::RepoFacts;
    use crate::model::Status;

    const GOOD: &str =
        "# 1. Use ADRs\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nx\n\n## Decision\n\ny\n";
    const PROPOSED: &str = "# 2. Use Kafka\n\n## Status\n\nProposed\n\n## Decision\n\ny\n";

    #[test]
    fn records() {
        for (name, files, want) in [
            ("accepted", vec![("docs/adr/0001-use-adrs.md", GOOD), ("docs/adr/0002-kafka.md", PROPOSED)], Status::Pass),
            ("only proposed", vec![("docs/adr/0002-kafka.md", PROPOSED)], Status::Partial),
            (
                "mostly malformed",
                vec![
                    ("docs/adr/0001-a.md", GOOD),
                    ("docs/adr/0002-b.md", "notes"),
                    ("docs/adr/0003-c.md", "more notes"),
                ],
                Status::Partial,
            ),
            ("examples only", vec![("examples/docs/adr/0001-a.md", GOOD)], Status::Partial),
            ("empty folder", vec![("docs/adr/README.md", "# Decisions")], Status::Fail),
            ("none", vec![("README.md", "# x")], Status::Fail),
        ] {
            let repo = RepoFacts::from_memory(&files);
            let f = DecisionsRecorded.evaluate(&Context { repo: &repo, targets: &Targets::default() });
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
