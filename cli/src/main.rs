//! `maturity`: the command line. A thin shell: it parses arguments, calls `maturity-core` and
//! prints. Exit codes: 0 success, 1 the score is below `--fail-under`, 2 usage or input error
//! (bad arguments, unreadable path, invalid roadmap). An audit of several repositories exits 2
//! when any of them could not be audited, else 1 when any is below `--fail-under`.

#![warn(clippy::string_slice)]

mod accuracy;
mod audit;
mod catalog;
mod live;
mod packs;
mod portfolio;
mod progress;
mod store;
mod term;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Every allocation goes through the counting allocator, which enforces the memory budget of
/// check packs' Rego policies (see maturity_checks::plugin::budget).
#[global_allocator]
static ALLOCATOR: maturity_checks::plugin::budget::Counting = maturity_checks::plugin::budget::Counting;

/// Engineering-maturity scorecard: audit a repository against a roadmap.
#[derive(Parser)]
#[command(name = "maturity", version, about, long_about = None, after_help = "Exit codes: 0 success, 1 score below --fail-under, 2 usage or input error (with several repositories: 2 if any could not be audited, else 1 if any is below --fail-under).")]
struct Cli {
    /// When to use colours: auto honours NO_COLOR and non-terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Audit a repository against the roadmap and print its scorecard.
    Audit(audit::AuditArgs),
    /// Validate or show a roadmap.
    Roadmap {
        #[command(subcommand)]
        command: RoadmapCommand,
    },
    /// List the checks (built in, and of the packs given with --checks), explain one, or test a
    /// pack.
    Checks {
        #[command(subcommand)]
        command: Option<ChecksCommand>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// A check pack folder whose checks to list too (repeatable).
        #[arg(long = "checks", value_name = "DIR", global = true)]
        checks: Vec<PathBuf>,
    },
    /// Print the facts the checks judge, as check packs read them.
    Facts(packs::FactsArgs),
    /// Print a JSON Schema: of `maturity audit --format json` (default), of the portfolio
    /// (`maturity audit PATH PATH... --format json`), of the facts document, or of a fact
    /// provider's output.
    Schema {
        #[arg(value_enum, default_value_t = SchemaKind::Scorecard)]
        which: SchemaKind,
    },
    /// Measure agreement with hand-labelled repositories (local checkouts).
    Accuracy(accuracy::AccuracyArgs),
    /// List the stored audits of a repository, with the score trend.
    History(store::HistoryArgs),
    /// Show what changed between two stored runs (default: the last two of the repository).
    Diff(store::DiffArgs),
    /// Render a stored run: HTML readout, Markdown, JSON, SARIF or JUnit.
    Report(store::ReportArgs),
    /// What the AWS audit needs from an account.
    Aws {
        #[command(subcommand)]
        command: AwsCommand,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SchemaKind {
    Scorecard,
    Portfolio,
    Facts,
    Provider,
}

#[derive(Subcommand)]
enum AwsCommand {
    /// Print the minimal read-only IAM policy that `maturity audit --aws` needs.
    Policy,
}

#[derive(Subcommand)]
enum RoadmapCommand {
    /// Check a roadmap file for syntax and semantic errors (the built-in roadmap by default).
    Validate {
        file: Option<PathBuf>,
        /// A check pack folder whose checks the roadmap may name (repeatable).
        #[arg(long = "checks", value_name = "DIR")]
        checks: Vec<PathBuf>,
    },
    /// Print a roadmap: phases with their tasks, items with their checks, metrics.
    Show {
        #[arg(long)]
        roadmap: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// A check pack folder to load with the roadmap (repeatable).
        #[arg(long = "checks", value_name = "DIR")]
        checks: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ChecksCommand {
    /// Show what a check asks, why, and how to fix it.
    Explain { id: String },
    /// Run a check pack's fixtures (`DIR/fixtures/<case>/`): each expected verdict, red or green.
    Test { dir: PathBuf },
    /// Print the content-scan patterns, one regular expression per line (for benchmarks).
    #[command(hide = true)]
    Patterns,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
}

/// An error with the exit code it maps to.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure { code: 2, message: message.into() }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::input(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colors = term::Colors::choose(cli.color);
    let result = match cli.command {
        Command::Audit(args) => audit::run(args, colors),
        Command::Roadmap { command: RoadmapCommand::Validate { file, checks } } => {
            catalog::validate(file.as_deref(), &checks, colors)
        }
        Command::Roadmap { command: RoadmapCommand::Show { roadmap, format, checks } } => {
            catalog::show(roadmap.as_deref(), &checks, format, colors)
        }
        Command::Checks { command: None, format, checks } => catalog::list_checks(&checks, format, colors),
        Command::Checks { command: Some(ChecksCommand::Explain { id }), checks, .. } => {
            catalog::explain(&id, &checks, colors)
        }
        Command::Checks { command: Some(ChecksCommand::Test { dir }), .. } => packs::test(&dir, colors),
        Command::Facts(args) => packs::facts(args, colors),
        Command::Checks { command: Some(ChecksCommand::Patterns), .. } => {
            for s in maturity_checks::facts::signals::SIGNALS.iter() {
                println!("{}", maturity_checks::facts::scan::compiled_pattern(s));
            }
            Ok(0)
        }
        Command::Accuracy(args) => accuracy::run(args, colors),
        Command::History(args) => store::history(args, colors),
        Command::Diff(args) => store::diff(args, colors),
        Command::Report(args) => store::report(args),
        Command::Aws { command: AwsCommand::Policy } => live::policy(),
        Command::Schema { which } => {
            print!(
                "{}",
                match which {
                    SchemaKind::Scorecard => maturity_core::scorecard::JSON_SCHEMA,
                    SchemaKind::Portfolio => maturity_core::portfolio::JSON_SCHEMA,
                    SchemaKind::Facts => maturity_core::scorecard::FACTS_SCHEMA,
                    SchemaKind::Provider => maturity_core::scorecard::PROVIDER_SCHEMA,
                }
            );
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            term::error(&f.message, colors);
            ExitCode::from(f.code)
        }
    }
}
