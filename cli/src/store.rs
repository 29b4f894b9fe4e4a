//! The history commands: `history`, `diff` and `report`, and the store options shared with
//! `audit`.

use crate::term::{Colors, bold, cell, dim, new_table, safe};
use crate::{Failure, ListFormat};
use clap::{Args, ValueEnum};
use comfy_table::{Cell, CellAlignment};
use maturity_core::diff;
use maturity_core::history::{self, Store};
use maturity_core::report::{self, Format};
use maturity_core::scorecard::Scorecard;
use std::path::{Path, PathBuf};

#[derive(Args, Clone)]
pub struct StoreArgs {
    /// History store (SQLite file). Default: MATURITY_STORE, else the user's data directory.
    #[arg(long, value_name = "PATH", global = true)]
    pub store: Option<PathBuf>,
}

impl StoreArgs {
    pub fn path(&self) -> Result<PathBuf, Failure> {
        self.store
            .clone()
            .or_else(history::default_path)
            .ok_or_else(|| Failure::input("no data directory: pass --store PATH"))
    }

    pub fn open(&self) -> Result<Store, Failure> {
        let path = self.path()?;
        Store::open(&path).map_err(|e| Failure::input(e.to_string()))
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
    Json,
    Sarif,
    Junit,
}

impl ReportFormat {
    pub fn format(self) -> Format {
        match self {
            ReportFormat::Html => Format::Html,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Json => Format::Json,
            ReportFormat::Sarif => Format::Sarif,
            ReportFormat::Junit => Format::Junit,
        }
    }
}

/// The identity of the repository at `path`, as audits record it.
fn identity_of(path: &Path) -> String {
    let git = maturity_checks::facts::git::collect(path);
    git.main_remote().and_then(|r| maturity_checks::facts::git::canonical_remote(&r.url)).unwrap_or_else(|| {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        format!("path:{}", abs.display())
    })
}

#[derive(Args)]
pub struct HistoryArgs {
    /// The repository whose runs to list (default: the current directory); `--all` lists every repository.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long)]
    all: bool,
    #[arg(long, default_value_t = 30)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    #[command(flatten)]
    store: StoreArgs,
}

fn spark(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values.iter().map(|v| BARS[((v.clamp(0.0, 100.0) / 100.0) * 7.0).round() as usize]).collect()
}

pub fn history(args: HistoryArgs, colors: Colors) -> Result<u8, Failure> {
    let store = args.store.open()?;
    let c = colors.stdout;
    if args.all {
        let repos = store.repositories(args.limit).map_err(|e| Failure::input(e.to_string()))?;
        if args.format == ListFormat::Json {
            println!("{}", serde_json::to_string_pretty(&repos).unwrap_or_default());
            return Ok(0);
        }
        let mut t = new_table(c);
        t.set_header(vec!["repository", "runs", "last audit", "score", "level", "assessed", "trend"]);
        for r in &repos {
            t.add_row(vec![
                cell(&r.name),
                Cell::new(r.runs).set_alignment(CellAlignment::Right),
                cell(&r.latest.finished_at),
                Cell::new(r.latest.score).set_alignment(CellAlignment::Right),
                Cell::new(r.latest.level),
                Cell::new(maturity_core::report::view::percent(r.latest.coverage)),
                Cell::new(spark(&r.trend)),
            ]);
        }
        println!("{t}");
        return Ok(0);
    }
    let identity = identity_of(&args.path);
    let runs = store.runs(Some(&identity), args.limit).map_err(|e| Failure::input(e.to_string()))?;
    if args.format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&runs).unwrap_or_default());
        return Ok(0);
    }
    if runs.is_empty() {
        println!(
            "No stored audit of {} in {}. Run `maturity audit` first.",
            safe(&identity),
            safe(&store.path().display().to_string())
        );
        return Ok(0);
    }
    println!(
        "{} {}",
        bold(&safe(&runs[0].name), c),
        dim(&format!("({}) · store {}", safe(&identity), safe(&store.path().display().to_string())), c)
    );
    let mut t = new_table(c);
    t.set_header(vec!["run", "date", "commit", "score", "change", "level", "assessed"]);
    let mut previous: Option<f64> = None;
    for r in &runs {
        let delta = previous.map(|p| format!("{:+.1}", r.score - p)).unwrap_or_default();
        previous = Some(r.score);
        t.add_row(vec![
            Cell::new(r.id),
            cell(&r.finished_at),
            cell(r.commit.as_deref().map(|s| maturity_core::text::prefix(s, 10)).unwrap_or("")),
            Cell::new(r.score).set_alignment(CellAlignment::Right),
            Cell::new(delta).set_alignment(CellAlignment::Right),
            Cell::new(r.level),
            Cell::new(maturity_core::report::view::percent(r.coverage)),
        ]);
    }
    println!("{t}");
    let scores: Vec<f64> = runs.iter().map(|r| r.score).collect();
    println!(
        "\ntrend {}  {} → {}",
        spark(&scores),
        scores.first().copied().unwrap_or(0.0),
        scores.last().copied().unwrap_or(0.0)
    );
    Ok(0)
}

#[derive(Args)]
pub struct DiffArgs {
    /// Earlier run id (default: the second newest run of the repository).
    run_a: Option<i64>,
    /// Later run id (default: the newest run).
    run_b: Option<i64>,
    /// The repository whose runs to compare when run ids are not given.
    #[arg(long, default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    #[command(flatten)]
    store: StoreArgs,
}

fn load(store: &Store, id: i64) -> Result<Scorecard, Failure> {
    store
        .scorecard(id)
        .map_err(|e| Failure::input(e.to_string()))?
        .ok_or_else(|| Failure::input(format!("no run {id} in {}", store.path().display())))
}

pub fn diff(args: DiffArgs, colors: Colors) -> Result<u8, Failure> {
    let store = args.store.open()?;
    let (a, b) = match (args.run_a, args.run_b) {
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) | (None, Some(_)) => {
            return Err(Failure::input("give two run ids, or none to compare the last two runs"));
        }
        (None, None) => {
            let identity = identity_of(&args.path);
            let runs = store.runs(Some(&identity), 2).map_err(|e| Failure::input(e.to_string()))?;
            match runs.as_slice() {
                [a, b] => (a.id, b.id),
                _ => {
                    return Err(Failure::input(format!(
                        "fewer than two stored runs of {identity}; run `maturity audit` twice"
                    )));
                }
            }
        }
    };
    let (old, new) = (load(&store, a)?, load(&store, b)?);
    let d = diff::diff(&old, &new);
    if args.format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&d).unwrap_or_default());
        return Ok(0);
    }
    let c = colors.stdout;
    println!(
        "{}",
        bold(
            &format!(
                "Run {a} ({}) → run {b} ({})",
                safe(maturity_core::text::prefix(&old.generated_at, 10)),
                safe(maturity_core::text::prefix(&new.generated_at, 10))
            ),
            c
        )
    );
    let commit = |s: &Scorecard| {
        s.repository
            .commit
            .as_deref()
            .map(|x| safe(maturity_core::text::prefix(x, 10)).into_owned())
            .unwrap_or_else(|| "no commit".into())
    };
    println!("commits {} → {}", commit(&old), commit(&new));
    println!(
        "score {} → {} ({:+.1}) · level {} → {} · assessed {} → {}",
        old.score,
        new.score,
        d.score_delta,
        old.level,
        new.level,
        maturity_core::report::view::percent(old.coverage),
        maturity_core::report::view::percent(new.coverage)
    );
    if old.roadmap.hash != new.roadmap.hash {
        println!("{}", dim("note: the two runs used different roadmap files", c));
    }
    if d.items.is_empty() && d.checks.is_empty() {
        println!("\nNothing changed.");
        return Ok(0);
    }
    let mut t = new_table(c);
    t.set_header(vec!["item", "before", "now", "score"]);
    for i in &d.items {
        t.add_row(vec![
            cell(&format!("{} {}", i.id, i.title)),
            crate::term::status_cell(i.from, c),
            crate::term::status_cell(i.to, c),
            Cell::new(format!(
                "{} → {}",
                maturity_core::report::view::score(i.from_score),
                maturity_core::report::view::score(i.to_score)
            )),
        ]);
    }
    println!("\n{t}");
    if !d.checks.is_empty() {
        println!("\n{}", bold("Checks that changed, and why", c));
        for ch in &d.checks {
            println!("  {} {}: {} → {}\n    {}", safe(&ch.item), safe(&ch.id), ch.from, ch.to, safe(&ch.message));
        }
    }
    if !d.new_risks.is_empty() || !d.resolved_risks.is_empty() {
        println!();
    }
    if !d.new_risks.is_empty() {
        println!("new risks: {}", safe(&d.new_risks.join(", ")));
    }
    if !d.resolved_risks.is_empty() {
        println!("resolved risks: {}", safe(&d.resolved_risks.join(", ")));
    }
    Ok(0)
}

#[derive(Args)]
pub struct ReportArgs {
    /// Run id, or `latest` (the newest run of the repository at --path).
    #[arg(long, default_value = "latest")]
    run: String,
    #[arg(long, default_value = ".")]
    path: PathBuf,
    #[arg(short, long, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn report(args: ReportArgs) -> Result<u8, Failure> {
    let store = args.store.open()?;
    let id = if args.run == "latest" {
        let identity = identity_of(&args.path);
        store.runs(Some(&identity), 1).map_err(|e| Failure::input(e.to_string()))?.pop().map(|r| r.id).ok_or_else(
            || Failure::input(format!("no stored audit of {identity}; run `maturity audit` first or pass --run ID")),
        )?
    } else {
        args.run
            .parse::<i64>()
            .map_err(|_| Failure::input(format!("--run must be a run id or `latest`, not `{}`", args.run)))?
    };
    let card = load(&store, id)?;
    let history = store.run_points(&card);
    let text = report::render_with_history(&card, args.format.format(), &history)
        .map_err(|e| Failure::input(e.to_string()))?;
    crate::audit::write_output(args.output.as_deref(), &text, &card)
}
