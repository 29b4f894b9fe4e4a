//! `maturity audit`: load the roadmap, audit, render, and gate on `--fail-under`.

use crate::term::{self, Colors};
use crate::{Failure, progress};
use clap::{Args, ValueEnum};
use maturity_checks::facts::EvidenceInput;
use maturity_core::report::{self, Format};
use maturity_core::{AuditOptions, Roadmap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Markdown,
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

pub fn run(args: AuditArgs, colors: Colors) -> Result<u8, Failure> {
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
    if !args.path.is_dir() {
        return Err(Failure::input(format!("{}: not a directory", args.path.display())));
    }
    let roadmap = load_roadmap(args.roadmap.as_deref(), colors)?;
    let bar = progress::Bar::new(!args.no_progress && std::io::stderr().is_terminal());
    let options = AuditOptions { evidence, max_file_size: args.max_file_size };
    let result = maturity_core::audit(&args.path, &roadmap, &options, &bar);
    bar.finish();
    let card = result.map_err(|e| Failure::input(e.to_string()))?;

    let to_file = args.output.is_some();
    let text = match args.format {
        OutputFormat::Table => term::scorecard(&card, colors.stdout && !to_file),
        OutputFormat::Json => report::render(&card, Format::Json).map_err(|e| Failure::input(e.to_string()))?,
        OutputFormat::Markdown => report::render(&card, Format::Markdown).map_err(|e| Failure::input(e.to_string()))?,
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("Wrote {} (score {}/100, level {}).", path.display(), card.score, card.level);
        }
        None => print!("{text}"),
    }
    if let Some(n) = args.fail_under
        && card.score < n
    {
        term::error(&format!("score {} is below --fail-under {n}", card.score), colors);
        return Ok(1);
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
