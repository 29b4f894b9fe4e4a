//! Latency of the commands the dashboard's views call, on a store of 100 repositories × 50 runs.
//!
//! `cargo bench -p maturity-app --bench commands [-- REPOS RUNS]`. The store is filled with
//! copies of one real audit (of a small repository built here), each repository with its own
//! identity, dates, scores and item statuses, and a roadmap start date so that every run has a
//! schedule. Each command function (the same ones the Tauri commands call) runs 30 times; the
//! median and the worst time are printed. The aim: every view under 100 ms.

use maturity_app::api;
use maturity_app::state::{AppState, Settings};
use maturity_checks::facts::NoProgress;
use maturity_checks::model::Status;
use maturity_core::history::Store;
use std::path::Path;
use std::time::{Duration, Instant};

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// One real scorecard, of a small repository with a pipeline, decisions and a configuration.
fn base_card(dir: &Path) -> maturity_core::Scorecard {
    let root = dir.join("shop");
    write(&root, ".github/workflows/ci.yml", "on: pull_request\njobs:\n  t:\n    steps:\n      - run: cargo test\n");
    write(&root, "docs/adr/0001-x.md", "# X\n\n## Status\n\nAccepted\n\n## Decision\n\nY\n");
    write(&root, "Cargo.toml", "[package]\nname = \"shop\"\nversion = \"0.1.0\"\n");
    write(&root, ".maturity.toml", "start = 2026-06-01\n");
    let repo = git2::Repository::init(&root).unwrap();
    repo.remote("origin", "https://github.com/acme/shop.git").unwrap();
    let mut index = repo.index().unwrap();
    index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None).unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(1_750_000_000, 0)).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "first", &tree, &[]).unwrap();
    let prepared = maturity_core::prepare::prepare(&root, Default::default(), &mut |_| {}).unwrap();
    maturity_core::audit(&root, &prepared.roadmap, &prepared.options, &NoProgress).unwrap()
}

fn fill(store: &mut Store, base: &maturity_core::Scorecard, repos: usize, runs: usize) {
    let start = jiff::Timestamp::from_second(1_767_225_600).unwrap(); // 2026-01-01
    for r in 0..repos {
        for k in 0..runs {
            let mut card = base.clone();
            card.repository.identity = format!("github.com/acme/service-{r:03}");
            card.repository.name = format!("service-{r:03}");
            card.repository.commit = Some(format!("{:040x}", r * 1000 + k));
            card.generated_at = (start + jiff::SignedDuration::from_hours((k * 24 * 3 + r) as i64)).to_string();
            let progress = (k as f64 / runs as f64) * ((r % 7) as f64 + 3.0) / 9.0;
            card.score = ((progress * 1000.0).round() / 10.0).min(100.0);
            for (n, item) in card.items.iter_mut().enumerate() {
                if (n + r) % 5 < (k * 5 / runs.max(1)) {
                    item.status = Status::Pass;
                    item.score = Some(100.0);
                }
            }
            store.save(&card).unwrap();
        }
    }
}

fn measure(name: &str, mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache and statement cache
    let mut times: Vec<Duration> = (0..30)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let (median, worst) = (times[times.len() / 2], times[times.len() - 1]);
    println!("{name:<34} median {:>8.2} ms   worst {:>8.2} ms", ms(median), ms(worst));
    worst
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (repos, runs) = (args.first().copied().unwrap_or(100), args.get(1).copied().unwrap_or(50));
    let dir = tempfile::tempdir().unwrap();
    let base = base_card(dir.path());
    let path = dir.path().join("history.db");
    let mut store = Store::open(&path).unwrap();
    let t = Instant::now();
    fill(&mut store, &base, repos, runs);
    drop(store);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "store: {repos} repositories × {runs} runs, {:.1} MB, filled in {:.1} s (scorecard JSON {} KB each)",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        serde_json::to_string(&base).unwrap().len() / 1024
    );

    let st = AppState::new(Settings { store: Some(path), ..Settings::default() });
    let rows = api::portfolio(&st).unwrap();
    assert_eq!(rows.len(), repos);
    let identity = rows[repos / 2].identity.clone();
    let history = api::history(&st, &identity).unwrap();
    assert_eq!(history.runs.len(), runs);
    let (first, last) = (history.runs[0].id, history.runs[runs - 1].id);

    let mut worst = Duration::ZERO;
    worst = worst.max(measure("portfolio (open the app)", || {
        std::hint::black_box(api::portfolio(&st).unwrap());
    }));
    worst = worst.max(measure("scorecard (a repository)", || {
        std::hint::black_box(api::scorecard(&st, last).unwrap());
    }));
    worst = worst.max(measure("item_detail (item 6.1)", || {
        std::hint::black_box(api::item_detail(&st, last, "6.1").unwrap());
    }));
    worst = worst.max(measure("history (50 runs)", || {
        std::hint::black_box(api::history(&st, &identity).unwrap());
    }));
    worst = worst.max(measure("compare (first vs last run)", || {
        std::hint::black_box(api::compare(&st, first, last).unwrap());
    }));
    worst = worst.max(measure("store_revision (poll)", || {
        std::hint::black_box(api::store_revision(&st));
    }));
    measure("store_info", || {
        std::hint::black_box(api::store_info(&st));
    });
    println!("worst of the view commands: {:.2} ms (aim: < 100 ms)", ms(worst));
}
