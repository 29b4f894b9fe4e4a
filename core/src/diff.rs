//! What changed between two runs: score, level and coverage deltas, items and checks whose status
//! changed, risks that appeared and risks that were resolved. Pure.

use crate::scorecard::{Change, CheckChange, ItemResult, Scorecard, StatusChange};
use maturity_checks::model::Status;

fn open(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Partial)
}

fn closed(s: Status) -> bool {
    matches!(s, Status::Pass | Status::Waived)
}

pub fn diff(old: &Scorecard, new: &Scorecard) -> Change {
    let mut items = Vec::new();
    let mut checks = Vec::new();
    let mut new_risks = Vec::new();
    let mut resolved_risks = Vec::new();
    for n in &new.items {
        let Some(o) = old.item(&n.id) else { continue };
        if o.status != n.status || o.score != n.score {
            items.push(StatusChange {
                id: n.id.clone(),
                title: n.title.clone(),
                from: o.status,
                to: n.status,
                from_score: o.score,
                to_score: n.score,
            });
        }
        if open(n.status) && !open(o.status) {
            new_risks.push(n.id.clone());
        }
        if open(o.status) && closed(n.status) {
            resolved_risks.push(n.id.clone());
        }
        check_changes(o, n, &mut checks);
    }
    Change {
        previous_run: old.run_id,
        previous_at: old.generated_at.clone(),
        previous_commit: old.repository.commit.clone(),
        score_delta: ((new.score - old.score) * 10.0).round() / 10.0,
        level_delta: new.level as i64 - old.level as i64,
        coverage_delta: ((new.coverage - old.coverage) * 1000.0).round() / 1000.0,
        items,
        checks,
        new_risks,
        resolved_risks,
    }
}

fn check_changes(old: &ItemResult, new: &ItemResult, out: &mut Vec<CheckChange>) {
    for c in &new.checks {
        let from = old.checks.iter().find(|o| o.id == c.id).map(|o| o.status).unwrap_or(Status::NotAssessed);
        if from != c.status {
            out.push(CheckChange {
                item: new.id.clone(),
                id: c.id.clone(),
                from,
                to: c.status,
                message: c.message.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Policy, evaluate};
    use crate::roadmap::Roadmap;
    use maturity_checks::facts::{NoProgress, RepoFacts};

    #[test]
    fn changes_risks_and_deltas() {
        let roadmap = Roadmap::parse(
            "format = 1\n[roadmap]\nid = \"r\"\ntitle = \"R\"\nweeks = 4\n[[areas]]\nid = \"a\"\ntitle = \"A\"\n\
             [[items]]\nid = \"1\"\narea = \"a\"\ntitle = \"Tests\"\nchecks = [{ id = \"repo.ci.tests_run_on_pull_requests\" }]\n\
             [[items]]\nid = \"2\"\narea = \"a\"\ntitle = \"Decisions\"\nchecks = [{ id = \"repo.docs.architecture_decisions_recorded\" }]\n\
             [[phases]]\nid = \"p\"\ntitle = \"P\"\nweeks = [1, 4]\ntasks = [{ title = \"t\", items = [\"1\", \"2\"] }]\n",
            "r.toml",
        )
        .unwrap();
        let before = evaluate(&RepoFacts::from_memory(&[]), &roadmap, &Policy::default(), &NoProgress);
        let after = evaluate(
            &RepoFacts::from_memory(&[
                (".github/workflows/ci.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: cargo test\n"),
                ("docs/adr/0001-x.md", "# X\n\n## Status\n\nAccepted\n\n## Decision\n\nY\n"),
            ]),
            &roadmap,
            &Policy::default(),
            &NoProgress,
        );
        let d = diff(&before, &after);
        assert_eq!(d.score_delta, 100.0);
        assert_eq!(d.resolved_risks, vec!["1", "2"]);
        assert_eq!(d.items.len(), 2);
        let tests = d.checks.iter().find(|c| c.id == "repo.ci.tests_run_on_pull_requests").unwrap();
        assert_eq!((tests.from, tests.to), (Status::Fail, Status::Pass));
        let back = diff(&after, &before);
        assert_eq!(back.new_risks, vec!["1", "2"]);
        assert_eq!(diff(&after, &after).items, vec![]);
    }
}
