//! The dashboard's view models over real stored runs.

use super::*;
use crate::audit::{Policy, evaluate};
use crate::history::Store;
use crate::roadmap::Roadmap;
use maturity_checks::facts::{NoProgress, RepoFacts};

const CI: (&str, &str) =
    (".github/workflows/ci.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: cargo test\n");

fn card(files: &[(&str, &str)], root: &std::path::Path) -> Scorecard {
    let mut c = evaluate(&RepoFacts::from_memory(files), &Roadmap::default_roadmap(), &Policy::default(), &NoProgress);
    c.repository.identity = "github.com/acme/shop".into();
    c.repository.name = "shop".into();
    c.repository.path = root.display().to_string();
    c
}

#[test]
fn portfolio_scorecard_item_and_comparison_tell_one_story() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("shop");
    std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    std::fs::write(repo.join(CI.0), CI.1).unwrap();
    let mut store = Store::open(&dir.path().join("h.db")).unwrap();
    let mut before = card(&[], &repo);
    let a = store.record(&mut before).unwrap();
    let mut after = card(&[CI], &repo);
    let b = store.record(&mut after).unwrap();

    let rows = portfolio(&store).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].latest_run, rows[0].runs, rows[0].trend.len()), (b, 2, 2));
    assert_eq!(rows[0].score_text, crate::report::view::score(Some(after.score)));

    let view = scorecard(&after);
    assert_eq!(view.areas.iter().map(|a| a.items.len()).sum::<usize>(), 22);
    assert_eq!(view.timeline.phases.len(), 4);
    assert_eq!(view.metrics.len(), 12);
    assert_eq!(view.run.change_text.as_deref(), Some(format!("{:+.1}", after.score - before.score).as_str()));

    let item = item(&after, "6.1", Some(&store)).unwrap();
    let check = item.checks.iter().find(|c| c.id == "repo.ci.tests_run_on_pull_requests").unwrap();
    assert_eq!(check.status.class, "pass");
    let ev = check.evidence.iter().find(|e| e.kind == "file").expect("file evidence");
    assert!(ev.openable, "{ev:?}");
    let (path, _) = evidence_file(&after, &check.id, ev.index).unwrap();
    assert_eq!(path, repo.join(CI.0));
    assert_eq!(item.history.iter().map(|h| h.0).collect::<Vec<_>>(), vec![a, b]);
    assert_eq!(item.files_note, None);

    let cmp = compare(&before, &after);
    let changed = cmp.items.iter().find(|i| i.id == "6.1").expect("6.1 changed");
    assert_eq!(changed.from.class, "fail");
    assert_ne!(changed.to.class, "fail", "the tests now run on pull requests");
    let why = changed.checks.iter().find(|c| c.id == "repo.ci.tests_run_on_pull_requests").unwrap();
    assert!(why.before.as_deref().is_some_and(|m| !m.is_empty()) && !why.after.is_empty());
    assert_eq!(cmp.unchanged_items + cmp.items.len(), 22);

    let h = history(&store, "github.com/acme/shop").unwrap();
    assert_eq!(h.runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a, b]);
    assert!(h.runs[0].delta_text.is_none() && h.runs[1].delta_text.is_some());
}

#[test]
fn evidence_never_leads_out_of_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("r");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
    let mut c = card(&[CI], &repo);
    let check = c.items.iter_mut().flat_map(|i| &mut i.checks).find(|c| c.id == "repo.ci.tests_run_on_pull_requests");
    let check = check.unwrap();
    check.evidence = vec![
        maturity_checks::model::Evidence::file("../secret.txt", Some(1)),
        maturity_checks::model::Evidence::file("/etc/passwd", None),
    ];
    let id = check.id.clone();
    for n in 0..2 {
        let err = evidence_file(&c, &id, n).unwrap_err();
        assert!(err.contains("not a file inside"), "{err}");
    }
    let view = item(&c, "6.1", None).unwrap();
    assert!(view.checks.iter().flat_map(|c| &c.evidence).all(|e| !e.openable));
    c.repository.path = ".".into();
    assert!(evidence_file(&c, &id, 0).unwrap_err().contains("relative path"));
    assert!(item(&c, "6.1", None).unwrap().files_note.is_some_and(|n| n.contains("relative path `.`")));
}

#[test]
fn dates_read_as_people_write_them() {
    assert_eq!(when("2026-11-26T09:14:03Z"), "2026-11-26 09:14 UTC");
    assert_eq!(when("yesterday"), "yesterday");
}
