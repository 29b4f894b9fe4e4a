//! `maturity audit`: load the roadmap, audit, render, and gate on `--fail-under`.

use crate::term::{self, Colors};
use crate::{Failure, progress};
use clap::{Args, ValueEnum};
use maturity_checks::facts::EvidenceInput;
use maturity_core::config::{self, RepoConfig};
use maturity_core::history::Store;
use maturity_core::report::{self, Format};
use maturity_core::{AuditOptions, Policy, Roadmap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Markdown,
    Html,
    Sarif,
    Junit,
}

#[derive(Args)]
pub struct AuditArgs {
    /// The repository (or any directory) to audit.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Roadmap file to audit against (default: the built-in enterprise roadmap).
    #[arg(long, value_name = "FILE")]
    roadmap: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// An evidence file: coverage=PATH, sarif=PATH or trivy=PATH (repeatable).
    #[arg(short, long, value_name = "KIND=PATH")]
    evidence: Vec<String>,
    /// Exit with status 1 when the overall score is below N (0–100).
    #[arg(long, value_name = "N")]
    fail_under: Option<f64>,
    /// Do not show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES")]
    max_file_size: Option<u64>,
    /// Do not record this audit in the history store.
    #[arg(long)]
    no_store: bool,
    #[command(flatten)]
    store: crate::store::StoreArgs,
    #[command(flatten)]
    live: crate::live::LiveArgs,
    /// Judge as of this day (YYYY-MM-DD): schedule and waiver expiry. Default: today.
    #[arg(long, value_name = "DATE", hide = true)]
    today: Option<String>,
}

/// Loads the roadmap named on the command line, or the built-in one.
pub fn load_roadmap(path: Option<&Path>, colors: Colors) -> Result<Roadmap, Failure> {
    let Some(path) = path else {
        return Ok(Roadmap::default_roadmap());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read roadmap {}: {e}", path.display())))?;
    let (roadmap, diagnostics) = maturity_core::roadmap::parse_with_warnings(&text, &path.display().to_string());
    for d in &diagnostics {
        if d.severity == maturity_core::roadmap::Severity::Warning {
            term::warning(&d.to_string(), colors);
        }
    }
    match roadmap {
        Some(r) if diagnostics.iter().all(|d| d.severity == maturity_core::roadmap::Severity::Warning) => Ok(r),
        _ => Err(Failure::input(maturity_core::roadmap::RoadmapError { diagnostics }.to_string())),
    }
}

/// Reads `.maturity.toml`; its errors (with file, line and column) stop the audit.
fn load_config(root: &Path, colors: Colors) -> Result<RepoConfig, Failure> {
    let loaded = config::load(root);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == maturity_core::roadmap::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    for d in loaded.diagnostics.iter().filter(|d| d.severity == maturity_core::roadmap::Severity::Warning) {
        term::warning(&d.to_string(), colors);
    }
    match loaded.config {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(Failure::input(format!(
            "{} has {} error(s)\n  {}",
            config::FILE_NAME,
            errors.len(),
            errors.join("\n  ")
        ))),
    }
}

pub fn run(args: AuditArgs, colors: Colors) -> Result<u8, Failure> {
    if let Some(n) = args.fail_under
        && !(0.0..=100.0).contains(&n)
    {
        return Err(Failure::input(format!("--fail-under must be between 0 and 100, not {n}")));
    }
    let mut evidence: Vec<EvidenceInput> = args
        .evidence
        .iter()
        .map(|e| e.parse().map_err(|m: String| Failure::input(format!("--evidence {m}"))))
        .collect::<Result<_, _>>()?;
    for e in &evidence {
        if !e.path.is_file() {
            return Err(Failure::input(format!("--evidence {}: no such file {}", e.kind_name(), e.path.display())));
        }
    }
    if !args.path.is_dir() {
        return Err(Failure::input(format!("{}: not a directory", args.path.display())));
    }
    let today = match &args.today {
        Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|e| Failure::input(format!("--today {d}: {e}")))?),
        None => None,
    };
    let repo_config = load_config(&args.path, colors)?;
    let roadmap_path = args.roadmap.clone().or_else(|| repo_config.roadmap.clone());
    let mut roadmap = load_roadmap(roadmap_path.as_deref(), colors)?;
    repo_config.apply_to(&mut roadmap);
    let problems = repo_config.validate_against(&roadmap);
    if !problems.is_empty() {
        return Err(Failure::input(problems.join("\n")));
    }
    // evidence named in .maturity.toml that is missing is reported by the checks, not fatal
    evidence.extend(repo_config.evidence.iter().cloned());
    let mut policy = Policy::from_config(&repo_config);
    policy.today = today;

    let bar = progress::Bar::new(!args.no_progress && std::io::stderr().is_terminal());
    let options = AuditOptions { evidence, max_file_size: args.max_file_size, policy };
    let live = args.live.options()?;
    let result = maturity_core::audit_with(&args.path, &roadmap, &options, &live, &bar);
    bar.finish();
    let mut card = result.map_err(|e| Failure::input(e.to_string()))?;
    crate::live::warnings(&card, colors);

    let mut store = if args.no_store { None } else { open_store(&args.store, colors)? };
    if let Some(s) = store.as_mut() {
        record(s, &mut card, colors);
    }
    let text = render(&card, args.format, colors, store.as_ref())?;
    finish(&args, &text, &card, colors)
}

/// Opens the store: an explicit `--store` that fails is an error; the default store failing is a
/// warning (the audit still runs, it is just not recorded).
fn open_store(args: &crate::store::StoreArgs, colors: Colors) -> Result<Option<Store>, Failure> {
    let path = match args.path() {
        Ok(p) => p,
        Err(f) => {
            term::warning(&format!("{}: this audit is not recorded", f.message), colors);
            return Ok(None);
        }
    };
    match Store::open(&path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if args.store.is_some() => Err(Failure::input(e.to_string())),
        Err(e) => {
            term::warning(&format!("{e}; this audit is not recorded"), colors);
            Ok(None)
        }
    }
}

/// Stores the run and records what changed since the previous one.
fn record(store: &mut Store, card: &mut maturity_core::Scorecard, colors: Colors) {
    let previous = store.latest(&card.repository.identity, &card.roadmap.id, None).ok().flatten();
    if let Some(prev) = previous.and_then(|id| store.scorecard(id).ok().flatten()) {
        card.change = Some(maturity_core::diff::diff(&prev, card));
    }
    match store.save(card) {
        Ok(id) => card.run_id = Some(id),
        Err(e) => term::warning(&format!("{e}; this audit is not recorded"), colors),
    }
}

fn render(
    card: &maturity_core::Scorecard,
    format: OutputFormat,
    colors: Colors,
    store: Option<&Store>,
) -> Result<String, Failure> {
    let fmt = match format {
        OutputFormat::Table => return Ok(term::scorecard(card, colors.stdout)),
        OutputFormat::Json => Format::Json,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Html => Format::Html,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Junit => Format::Junit,
    };
    let history = store.map(|s| crate::store::points(s, card)).unwrap_or_default();
    report::render_with_history(card, fmt, &history).map_err(|e| Failure::input(e.to_string()))
}

fn finish(args: &AuditArgs, text: &str, card: &maturity_core::Scorecard, colors: Colors) -> Result<u8, Failure> {
    let table_to_file = args.output.is_some() && args.format == OutputFormat::Table;
    let text = if table_to_file { term::scorecard(card, false) } else { text.to_string() };
    write_output(args.output.as_deref(), &text, card)?;
    let mut code = 0;
    if let Some(n) = args.fail_under
        && card.score < n
    {
        term::error(&format!("score {} is below --fail-under {n}", card.score), colors);
        code = 1;
    }
    let failing: Vec<&str> = card.must_pass.iter().filter(|m| !m.ok).map(|m| m.item.as_str()).collect();
    if !failing.is_empty() {
        term::error(
            &format!("must-pass item(s) not passing: {} (see must_pass in .maturity.toml)", failing.join(", ")),
            colors,
        );
        code = 1;
    }
    Ok(code)
}

/// Writes a report to a file (atomically: a reader never sees half of it) or standard output.
pub fn write_output(path: Option<&Path>, text: &str, card: &maturity_core::Scorecard) -> Result<u8, Failure> {
    match path {
        Some(path) => {
            let tmp = path.with_extension("tmp-maturity");
            std::fs::write(&tmp, text)
                .and_then(|_| std::fs::rename(&tmp, path))
                .map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))?;
            let run = card.run_id.map(|r| format!(", run {r}")).unwrap_or_default();
            eprintln!("Wrote {} (score {}/100, level {}{run}).", path.display(), card.score, card.level);
        }
        None => print!("{text}"),
    }
    Ok(0)
}

trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for EvidenceInput {
    fn kind_name(&self) -> &'static str {
        maturity_checks::facts::EvidenceKind::ALL
            .iter()
            .find(|(_, k, _)| *k == self.kind)
            .map(|(n, _, _)| *n)
            .unwrap_or("?")
    }
}
