//! Check packs on the command line: `--checks` and `--fact-provider`, `maturity facts`,
//! `maturity checks test`, and the lines the terminal scorecard shows about pack checks.

use crate::term::{self, Colors, bold, dim, new_table, status_cell};
use crate::{Failure, progress};
use clap::{Args, ValueEnum};
use comfy_table::Cell;
use maturity_checks::facts::EvidenceInput;
use maturity_checks::facts::doc::FactsDoc;
use maturity_checks::facts::provider::ProviderSpec;
use maturity_checks::model::clip;
use maturity_core::packtest::PackTest;
use maturity_core::prepare;
use maturity_core::scorecard::Scorecard;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct PackArgs {
    /// A check pack folder to load (repeatable); see the README's "Check packs".
    #[arg(long = "checks", value_name = "DIR")]
    pub checks: Vec<PathBuf>,
    /// Run PROGRAM (trusted code, no shell) and add the facts it prints as `providers.NAME`
    /// (repeatable).
    #[arg(long = "fact-provider", value_name = "NAME=PROGRAM")]
    pub providers: Vec<String>,
    /// Seconds a fact provider may run before it is stopped.
    #[arg(long, value_name = "SECS", default_value_t = 30, hide_short_help = true)]
    pub fact_provider_timeout: u64,
}

impl PackArgs {
    pub fn providers(&self) -> Result<Vec<ProviderSpec>, Failure> {
        if !(1..=3600).contains(&self.fact_provider_timeout) {
            return Err(Failure::input(format!(
                "--fact-provider-timeout must be between 1 and 3600 seconds, not {}",
                self.fact_provider_timeout
            )));
        }
        let specs: Vec<ProviderSpec> = self
            .providers
            .iter()
            .map(|p| {
                p.parse::<ProviderSpec>()
                    .map(|s| ProviderSpec { timeout: std::time::Duration::from_secs(self.fact_provider_timeout), ..s })
                    .map_err(|m: String| Failure::input(format!("--fact-provider {m}")))
            })
            .collect::<Result<_, _>>()?;
        for (i, s) in specs.iter().enumerate() {
            if specs[..i].iter().any(|o| o.name == s.name) {
                return Err(Failure::input(format!("--fact-provider {}: the name is given twice", s.name)));
            }
        }
        Ok(specs)
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FactsFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct FactsArgs {
    /// The repository (or any directory) whose facts to print.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Roadmap file, for the check packs it names.
    #[arg(long, value_name = "FILE")]
    roadmap: Option<PathBuf>,
    /// Output format: a summary, or the whole document (schema: `maturity schema facts`).
    #[arg(short, long, value_enum, default_value_t = FactsFormat::Table)]
    format: FactsFormat,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// An evidence file KIND=PATH (repeatable), as for `maturity audit`.
    #[arg(short, long, value_name = "KIND=PATH")]
    evidence: Vec<String>,
    #[command(flatten)]
    packs: PackArgs,
    #[command(flatten)]
    live: crate::live::LiveArgs,
    /// Do not show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// `maturity facts PATH`: the facts document the checks judge.
pub fn facts(args: FactsArgs, colors: Colors) -> Result<u8, Failure> {
    if !args.path.is_dir() {
        return Err(Failure::input(format!("{}: not a directory", args.path.display())));
    }
    let evidence: Vec<EvidenceInput> = args
        .evidence
        .iter()
        .map(|e| e.parse().map_err(|m: String| Failure::input(format!("--evidence {m}"))))
        .collect::<Result<_, _>>()?;
    let request = prepare::Request {
        roadmap: args.roadmap.as_deref(),
        evidence,
        checks: args.packs.checks.clone(),
        providers: args.packs.providers()?,
        ..prepare::Request::default()
    };
    let prepared =
        prepare::prepare(&args.path, request, &mut |w| term::warning(w, colors)).map_err(|e| Failure::input(e.0))?;
    let live = args.live.options()?;
    let bar = progress::Bar::new(!args.no_progress && std::io::stderr().is_terminal());
    let repo = maturity_core::audit::collect(&args.path, &prepared.roadmap, &prepared.options, &live, &bar);
    bar.finish();
    let repo = repo.map_err(|e| Failure::input(e.to_string()))?;
    for p in &repo.providers {
        if let Err(e) = &p.result {
            term::warning(&format!("the fact provider `{}` failed: {e}", p.name), colors);
        }
    }
    let doc = FactsDoc::build(&repo);
    let text = match args.format {
        FactsFormat::Json => {
            let mut t = serde_json::to_string_pretty(&doc).map_err(|e| Failure::input(e.to_string()))?;
            t.push('\n');
            t
        }
        FactsFormat::Table => summary(&doc, args.output.is_none() && colors.stdout),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| Failure::input(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("Wrote {}.", path.display());
        }
        None => print!("{text}"),
    }
    Ok(0)
}

/// What the document holds, section by section.
fn summary(doc: &FactsDoc, color: bool) -> String {
    let steps: usize = doc.ci.pipelines.iter().flat_map(|p| &p.jobs).map(|j| j.steps.len()).sum();
    let jobs: usize = doc.ci.pipelines.iter().map(|p| p.jobs.len()).sum();
    let mut rows: Vec<(&str, String)> = vec![
        (
            "files",
            format!(
                "{} ({} in the project's own locations)",
                doc.files.len(),
                doc.files.iter().filter(|f| f.location == "project").count()
            ),
        ),
        ("ci", format!("{} pipeline(s), {jobs} job(s), {steps} step(s)", doc.ci.pipelines.len())),
        ("terraform", format!("{} file(s), {} block(s)", doc.terraform.files, doc.terraform.blocks.len())),
        (
            "kubernetes",
            format!("{} object(s), {} Helm chart(s)", doc.kubernetes.objects.len(), doc.kubernetes.helm_charts.len()),
        ),
        ("compose", format!("{} service(s)", doc.compose.services.len())),
        (
            "packages",
            format!("{} manifest(s), {} dependencies", doc.packages.manifests.len(), doc.packages.dependencies.len()),
        ),
        ("reports", format!("{} coverage, {} scan", doc.reports.coverage.len(), doc.reports.scans.len())),
        ("adrs · slos · docs", format!("{} · {} · {}", doc.adrs.len(), doc.slos.len(), doc.docs.len())),
        ("git", format!("{} commit(s), {} tag(s)", doc.git.commits, doc.git.tags.len())),
        (
            "cloud",
            doc.cloud
                .as_ref()
                .map(|c| format!("{} resource(s), {} failed call(s)", c.resources.len(), c.failed_calls.len()))
                .unwrap_or_else(|| "not read (--aws)".into()),
        ),
        ("matches", format!("{} hit(s) of the packs' content patterns", doc.matches.len())),
        (
            "providers",
            if doc.providers.is_empty() {
                "none (--fact-provider)".into()
            } else {
                doc.providers
                    .iter()
                    .map(|(n, p)| format!("{n}: {}", if p.ok { "ok" } else { "failed" }))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    if !doc.failures.is_empty() {
        rows.push(("failures", doc.failures.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ")));
    }
    let mut t = new_table(color);
    for (k, v) in rows {
        t.add_row(vec![Cell::new("  "), Cell::new(k), Cell::new(v)]);
    }
    format!(
        "{} · {}\n{t}\n\n{}\n",
        bold(&doc.repository.name, color),
        doc.schema,
        dim("The whole document: maturity facts PATH -f json (schema: maturity schema facts).", color)
    )
}

/// The pack checks of a scorecard, after the areas: every one, with what it found.
pub fn scorecard_section(card: &Scorecard, color: bool) -> String {
    if card.roadmap.packs.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for pack in &card.roadmap.packs {
        out.push_str(&format!("{}  {}\n", bold(&format!("Check pack {}", pack.name), color), dim(&pack.dir, color)));
        let mut t = new_table(color);
        for item in &card.items {
            for c in item.checks.iter().filter(|c| pack.checks.contains(&c.id)) {
                let ev = c.evidence.first().map(|e| format!("\n{}", dim(&e.label(), color))).unwrap_or_default();
                t.add_row(vec![
                    Cell::new(""),
                    status_cell(c.status, color),
                    Cell::new(format!("{}\n{}", c.title, dim(&format!("{} · item {}", c.id, item.id), color))),
                    Cell::new(format!("{}{ev}", clip(&c.message, 160))),
                ]);
            }
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    out
}

/// `maturity checks test DIR`: runs the pack's fixtures; 1 on a mismatch, 2 when the pack does
/// not load.
pub fn test(dir: &std::path::Path, colors: Colors) -> Result<u8, Failure> {
    let t: PackTest =
        maturity_core::packtest::run(dir, &mut |w| term::warning(w, colors)).map_err(|e| Failure::input(e.0))?;
    let c = colors.stdout;
    println!(
        "{} {}",
        bold(&format!("pack {}", t.pack), c),
        dim(&format!("{} · {} check(s), {} case(s)", t.dir, t.checks, t.cases.len()), c)
    );
    let green = |s: &str| if c { format!("\x1b[32m{s}\x1b[0m") } else { s.to_string() };
    let red = |s: &str| if c { format!("\x1b[31m{s}\x1b[0m") } else { s.to_string() };
    for case in &t.cases {
        let mark = if case.passed() { green("✓") } else { red("✗") };
        let about = case.description.as_deref().map(|d| format!(" — {d}")).unwrap_or_default();
        println!("  {mark} {} {}", bold(&case.name, c), dim(&format!("({}){about}", case.input), c));
        if let Some(e) = &case.error {
            println!("      {}", red(e));
        }
        for e in &case.checks {
            let want = match &e.message {
                Some(m) => format!("{} containing “{m}”", e.status),
                None => e.status.to_string(),
            };
            if e.ok {
                println!(
                    "      {} {} {}",
                    green("✓"),
                    e.id,
                    dim(&format!("{} · {}", e.got.status, clip(&e.got.message, 100)), c)
                );
            } else {
                println!("      {} {}: expected {want}, got {}", red("✗"), e.id, e.got.status);
                println!("        {}", clip(&e.got.message, 300));
                for ev in &e.got.evidence {
                    println!("        {}", dim(&ev.label(), c));
                }
                for p in &e.prints {
                    println!("        {}", dim(&format!("print: {p}"), c));
                }
            }
        }
    }
    for id in &t.uncovered {
        term::warning(&format!("no case expects a verdict of {id}: add it to a fixture's [expect]"), colors);
    }
    let failed = t.cases.iter().filter(|c| !c.passed()).count();
    if failed == 0 && !t.cases.is_empty() {
        println!("\n{}", green(&format!("all {} case(s) passed", t.cases.len())));
        Ok(0)
    } else {
        println!("\n{}", red(&format!("{failed} of {} case(s) failed", t.cases.len())));
        Ok(1)
    }
}

/// Where a check comes from, for the listing of `maturity checks`.
pub fn source_label(origin: &maturity_checks::Origin) -> String {
    match origin {
        maturity_checks::Origin::BuiltIn => "built in".to_string(),
        maturity_checks::Origin::Pack { pack, file } => format!("pack {pack}\n{file}"),
    }
}
