//! Disaster-recovery procedures (the seed's production-readiness task, judged with item 6.3): a
//! recovery plan that states its objectives and how to restore, or restores tested by a pipeline.
//!
//! A heading alone is not a procedure: the plan must state a recovery time or point objective
//! (RTO, RPO) and write down a restore command; a CI job that restores a backup is a tested
//! procedure on its own.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::docs::DocKind;
use crate::facts::files::Location;
use crate::model::Finding;
use crate::repo::support::{Seen, automatic, cite, describe, hits, own_and_other, signal_seen};
use crate::repo::tools::Category;

pub struct DisasterRecoveryProcedure;

impl Check for DisasterRecoveryProcedure {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.docs.disaster_recovery_procedure",
            title: "A disaster-recovery procedure states its objectives and how to restore, or restores are tested",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Backups only matter if the team can restore them within the time the business accepts. A recovery plan with its RTO and RPO and the restore steps, or a pipeline that restores a backup, is what makes recovery a procedure instead of an improvisation.",
            remediation: "Write a disaster-recovery plan (`docs/disaster-recovery.md`) that states the recovery time and point objectives and the restore steps as commands (`pg_restore`, `velero restore create`, `aws rds restore-db-instance-to-point-in-time`), and rehearse it: a scheduled CI job that restores the latest backup and checks it.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let all_drills = hits(repo, Category::DatabaseRestore);
        if let Some(h) = automatic(&all_drills).next() {
            return Finding::pass(format!("restores are rehearsed by CI: {}", h.describe())).with(h.evidence());
        }
        let plans: Vec<Seen> = repo
            .docs
            .of(DocKind::DisasterRecovery)
            .map(|d| {
                Seen::new(format!("the recovery plan \u{201c}{}\u{201d}", d.title), &d.path, Some(d.line), d.location)
            })
            .collect();
        let mut objectives = signal_seen(repo, &["dr.objective"]);
        for r in &repo.docs.rto {
            objectives.push(Seen::new(format!("an RTO of {} h", r.hours), &r.path, Some(r.line), Location::Project));
        }
        let restores = signal_seen(repo, &["dr.restore_step"]);
        let (objectives, _) = own_and_other(&objectives);
        let (restores, _) = own_and_other(&restores);
        let plans: Vec<&Seen> = plans.iter().collect();
        match (plans.is_empty(), objectives.is_empty(), restores.is_empty()) {
            (false, false, false) => {
                let all: Vec<&Seen> = plans
                    .iter()
                    .take(1)
                    .chain(objectives.iter().take(2))
                    .chain(restores.iter().take(2))
                    .copied()
                    .collect();
                Finding::pass(format!(
                    "{} states recovery objectives ({}) and restore steps ({})",
                    describe(&plans[..1]),
                    describe(&objectives),
                    describe(&restores)
                ))
                .with(cite(&all))
            }
            (false, false, true) => Finding::partial(
                0.6,
                format!(
                    "{} states recovery objectives ({}), but no restore step is written down",
                    describe(&plans[..1]),
                    describe(&objectives)
                ),
            )
            .with(cite(&plans)),
            (false, true, false) => Finding::partial(
                0.6,
                format!(
                    "{} writes down restore steps ({}), but states no recovery time or point objective",
                    describe(&plans[..1]),
                    describe(&restores)
                ),
            )
            .with(cite(&plans)),
            (false, true, true) => Finding::partial(
                0.3,
                format!(
                    "{} exists, but states no recovery objective (RTO, RPO) and no restore step",
                    describe(&plans[..1])
                ),
            )
            .with(cite(&plans)),
            (true, _, false) => Finding::partial(
                0.3,
                format!("restore steps are written down ({}), but there is no recovery plan", describe(&restores)),
            )
            .with(cite(&restores)),
            (true, _, true) => {
                if let Some(h) = all_drills.first() {
                    return Finding::partial(
                        0.4,
                        format!("a restore runs only when started by hand: {}", h.describe()),
                    )
                    .with(h.evidence());
                }
                Finding::fail(
                    "no disaster-recovery procedure found (looked for a recovery plan stating RTO or RPO with restore commands, and CI jobs restoring a backup)",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::service_table as table;

    const PLAN: &str =
        "# Disaster recovery\n\nRTO: 1 hour, RPO: 15 minutes.\n\n## Restore\n\n    pg_restore -d shop latest.dump\n";

    #[test]
    fn procedures() {
        table(
            &DisasterRecoveryProcedure,
            vec![
                ("full plan", vec![("docs/disaster-recovery.md", PLAN)], Status::Pass),
                (
                    "restore drill in ci",
                    vec![(
                        ".github/workflows/restore.yml",
                        "on:\n  schedule:\n    - cron: '0 3 * * 1'\njobs:\n  drill:\n    steps:\n      - run: pg_restore -d verify latest.dump\n",
                    )],
                    Status::Pass,
                ),
                (
                    "objectives without restore",
                    vec![("docs/disaster-recovery.md", "# Disaster recovery\n\nRTO: 1 hour.\n")],
                    Status::Partial,
                ),
                (
                    "heading only",
                    vec![("docs/operations.md", "# Operations\n\n## Disaster recovery\n\nTo be written.\n")],
                    Status::Partial,
                ),
                ("plan in an example", vec![("examples/disaster-recovery.md", PLAN)], Status::Fail),
                (
                    "restore command printed",
                    vec![(
                        ".github/workflows/restore.yml",
                        "on: push\njobs:\n  x:\n    steps:\n      - run: echo pg_restore -d verify latest.dump\n",
                    )],
                    Status::Fail,
                ),
                ("nothing", vec![], Status::Fail),
            ],
        );
    }
}
