//! `maturity audit`: load the roadmap, audit, render, and gate on `--fail-under`.

use crate::term::{self, Colors};
use crate::{Failure, progress};
use clap::{Args, ValueEnum};
use maturity_checks::facts::EvidenceInput;
use maturity_core::history::Store;
use maturity_core::portfolio::{self, Settings};
use maturity_core::prepare;
use maturity_core::report::{self, Format};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    /// The repository (or any directory) to audit (default: the current directory). Several
    /// paths audit them all and end with a portfolio.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Audit every repository listed in FILE too: one path (relative to FILE) or clone URL per
    /// line, `#` starts a comment.
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// Repositories audited at once in a portfolio (default: the number of cores, at most 8).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// Audit again even when nothing changed since a stored run (commit, files, roadmap,
    /// configuration and tool version), instead of reusing it; and read history and files
    /// afresh instead of reusing what earlier audits remembered of them.
    #[arg(long)]
    pub fresh: bool,
    /// Where clones of listed URLs are kept. Default: MATURITY_CLONE_CACHE, else the user's
    /// cache directory.
    #[arg(long, value_name = "DIR", env = "MATURITY_CLONE_CACHE", hide_env = true)]
    pub clone_cache: Option<PathBuf>,
    /// Roadmap file to audit against (default: the built-in enterprise roadmap).
    #[arg(long, value_name = "FILE")]
    pub roadmap: Option<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An evidence file KIND=PATH (repeatable); KIND is coverage, sarif, trivy, k6, gatling, lighthouse or
    /// metrics (see the README).
    #[arg(short, long, value_name = "KIND=PATH")]
    pub evidence: Vec<String>,
    /// Exit with status 1 when the overall score is below N (0–100).
    #[arg(long, value_name = "N")]
    pub fail_under: Option<f64>,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Do not record this audit in the history store.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub store: crate::store::StoreArgs,
    #[command(flatten)]
    pub live: crate::live::LiveArgs,
    #[command(flatten)]
    pub packs: crate::packs::PackArgs,
    /// Judge as of this day (YYYY-MM-DD): schedule and waiver expiry. Default: today.
    #[arg(long, value_name = "DATE", hide = true)]
    pub today: Option<String>,
}

pub fn run(args: AuditArgs, colors: Colors) -> Result<u8, Failure> {
    if args.paths.len() > 1 || args.list.is_some() {
        return crate::portfolio::run(args, colors);
    }
    let path = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let request = request(&args)?;
    if !path.is_dir() {
        return Err(Failure::input(format!("{}: not a directory", path.display())));
    }
    let settings = Settings { request, live: args.live.options()?, fresh: args.fresh };
    let store = if args.no_store { None } else { open_store(&args.store, colors)?.map(Mutex::new) };
    let bar = progress::Bar::new(!args.no_progress && std::io::stderr().is_terminal());
    let result = portfolio::audit_one(&path, &settings, store.as_ref(), &bar, &mut |w| term::warning(w, colors));
    bar.finish();
    let audited = result.map_err(|e| Failure::input(e.0))?;
    if let Some(run) = audited.reused_from {
        eprintln!("{}", reused_note(run));
    }
    if let Some(e) = &audited.store_error {
        term::warning(&format!("{e}; this audit is not recorded"), colors);
    }
    let card = audited.card;
    crate::live::warnings(&card, colors);
    for n in card.notes.iter().filter(|n| n.starts_with("the fact provider")) {
        term::warning(n, colors);
    }
    let store = store.map(|s| s.into_inner().unwrap_or_else(|p| p.into_inner()));
    let text = render(&card, args.format, colors, store.as_ref())?;
    finish(&args, &text, &card, colors)
}

/// What stderr says when a stored run is reused.
pub fn reused_note(run: i64) -> String {
    format!(
        "Nothing changed since run {run} (commit, files, roadmap, configuration, tool version): its scorecard is reused. Pass --fresh to audit again."
    )
}

/// The audit request every repository gets: the arguments checked, the evidence files parsed.
pub fn request(args: &AuditArgs) -> Result<prepare::Request<'_>, Failure> {
    if let Some(n) = args.fail_under
        && !(0.0..=100.0).contains(&n)
    {
        return Err(Failure::input(format!("--fail-under must be between 0 and 100, not {n}")));
    }
    let evidence: Vec<EvidenceInput> = args
        .evidence
        .iter()
        .map(|e| e.parse().map_err(|m: String| Failure::input(format!("--evidence {m}"))))
        .collect::<Result<_, _>>()?;
    for e in &evidence {
        if !e.path.is_file() {
            return Err(Failure::input(format!("--evidence {}: no such file {}", e.kind_name(), e.path.display())));
        }
    }
    let today = match &args.today {
        Some(d) => Some(d.parse::<jiff::civil::Date>().map_err(|e| Failure::input(format!("--today {d}: {e}")))?),
        None => None,
    };
    Ok(prepare::Request {
        roadmap: args.roadmap.as_deref(),
        evidence,
        max_file_size: args.max_file_size,
        today,
        checks: args.packs.checks.clone(),
        providers: args.packs.providers()?,
        // history and unchanged files are remembered between audits (MATURITY_MEMO=off: never)
        memo: if args.fresh { None } else { maturity_core::audit::default_memo_dir() },
    })
}

/// Opens the store: an explicit `--store` that fails is an error; the default store failing is a
/// warning (the audit still runs, it is just not recorded).
pub fn open_store(args: &crate::store::StoreArgs, colors: Colors) -> Result<Option<Store>, Failure> {
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
    let history = store.map(|s| s.run_points(card)).unwrap_or_default();
    report::render_with_history(card, fmt, &history).map_err(|e| Failure::input(e.to_string()))
}

fn finish(args: &AuditArgs, text: &str, card: &maturity_core::Scorecard, colors: Colors) -> Result<u8, Failure> {
    let table_to_file = args.output.is_some() && args.format == OutputFormat::Table;
    let text = if table_to_file { term::scorecard(card, false) } else { text.to_string() };
    write_output(args.output.as_deref(), &text, card)?;
    let mut code = 0;
    // a score that is not a number (impossible by construction in scoring) fails the gate
    // rather than passing it
    if let Some(n) = args.fail_under
        && !matches!(card.score.partial_cmp(&n), Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal))
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
            replace_output(path, text)?;
            let run = card.run_id.map(|r| format!(", run {r}")).unwrap_or_default();
            eprintln!(
                "Wrote {} (score {}/100, level {}{run}).",
                term::safe(&path.display().to_string()),
                card.score,
                card.level
            );
        }
        None => print!("{text}"),
    }
    Ok(0)
}

/// Writes a report to a file: a file is replaced whole; a device, a pipe or a terminal
/// (`/dev/stdout`, `/dev/null`) is written to.
pub fn replace_output(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::input(format!("cannot write {}: {e}", path.display()));
    match std::fs::metadata(path) {
        // a file (new or old) is replaced whole, so a reader never sees half a report
        Err(_) => replace(path, text).map_err(fail),
        Ok(m) if m.is_file() => replace(path, text).map_err(fail),
        Ok(m) if m.is_dir() => Err(Failure::input(format!("{} is a directory", path.display()))),
        Ok(_) => std::fs::write(path, text).map_err(fail),
    }
}

/// Writes `text` beside `path` and renames it over `path`.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp-maturity");
    std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, path))
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
