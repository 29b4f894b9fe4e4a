//! `maturity audit PATH PATH...` and `maturity audit --list FILE`: many repositories in one
//! command, a few at a time, with one progress display, ending with a portfolio.
//!
//! Each repository is audited exactly as `maturity audit PATH` audits it alone
//! (`maturity_core::portfolio::audit_one`: reused when unchanged, recorded in the store); this
//! module only schedules, clones listed URLs, shows progress and prints the portfolio. A
//! repository that fails (bad path, clone error, bad `.maturity.toml`) is reported at once and in
//! the portfolio, and the others go on.
//!
//! Exit codes: 2 when any repository could not be audited, else 1 when any scored below
//! `--fail-under` or has a must-pass item not passing, else 0.

use crate::Failure;
use crate::audit::{AuditArgs, OutputFormat};
use crate::progress::Bar;
use crate::term::{self, Colors, bold, cell, dim, new_table, safe};
use comfy_table::{Cell, CellAlignment};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use maturity_core::clone;
use maturity_core::portfolio::{self, Entry, Outcome, Portfolio, Settings};
use maturity_core::report::portfolio as render;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Where a repository comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Path(PathBuf),
    Url(String),
}

impl Source {
    /// A short name for a progress line: the folder's or the URL's last segment.
    pub fn short(&self) -> String {
        let shown = self.shown();
        let trimmed = shown.trim_end_matches('/');
        trimmed.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or(trimmed).to_string()
    }

    /// How the source is shown: the path as given, the URL without credentials.
    pub fn shown(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Url(u) => clone::display_url(u),
        }
    }
}

/// The repositories of a list file: one path or clone URL per line; blank lines and `#`
/// comments skipped; a relative path is relative to the list file's folder.
pub fn parse_list(text: &str, base: &Path) -> Vec<Source> {
    text.lines()
        .map(|l| l.split_once(" #").map_or(l, |(a, _)| a).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            if clone::is_url(l) {
                Source::Url(l.to_string())
            } else {
                let p = PathBuf::from(l);
                Source::Path(if p.is_relative() { base.join(p) } else { p })
            }
        })
        .collect()
}

fn sources(args: &AuditArgs) -> Result<Vec<Source>, Failure> {
    let mut out: Vec<Source> = args.paths.iter().cloned().map(Source::Path).collect();
    if let Some(list) = &args.list {
        let text =
            std::fs::read_to_string(list).map_err(|e| Failure::input(format!("--list {}: {e}", list.display())))?;
        let base = list.parent().unwrap_or(Path::new(""));
        out.extend(parse_list(&text, base));
    }
    if out.is_empty() {
        return Err(Failure::input("the list names no repository"));
    }
    Ok(out)
}

pub fn run(args: AuditArgs, colors: Colors) -> Result<u8, Failure> {
    if matches!(args.format, OutputFormat::Sarif | OutputFormat::Junit) {
        return Err(Failure::input(
            "a portfolio is shown as a table, json, markdown or html; audit one repository for sarif or junit",
        ));
    }
    let started = Instant::now();
    let sources = sources(&args)?;
    let request = crate::audit::request(&args)?;
    let settings = Settings { request, live: args.live.options()?, fresh: args.fresh };
    let store = if args.no_store { None } else { crate::audit::open_store(&args.store, colors)?.map(Mutex::new) };
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(8),
    }
    .min(sources.len());
    let cache = args.clone_cache.clone().or_else(clone::default_cache);

    let visible = !args.no_progress && std::io::stderr().is_terminal();
    let multi = MultiProgress::with_draw_target(if visible {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let overall = multi.add(ProgressBar::new(sources.len() as u64));
    overall.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} repositories {bar:40} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    overall.enable_steady_tick(std::time::Duration::from_millis(100));

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<(Entry, bool)>>> = Mutex::new(vec![None; sources.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(source) = sources.get(i) else { break };
                    let shown = source.shown();
                    let bar = Bar::in_multi(&multi, &overall, &source.short());
                    let context = Context {
                        settings: &settings,
                        store: store.as_ref(),
                        cache: cache.as_deref(),
                        fail_under: args.fail_under,
                        multi: &multi,
                        colors,
                    };
                    let result = one(source, &shown, &context, &bar);
                    bar.finish();
                    let (entry, gate) = match result {
                        Ok((entry, gate)) => (entry, gate),
                        Err((error, ms)) => {
                            multi.suspend(|| term::error(&format!("{shown}: {error}"), colors));
                            (Entry::failed(&shown, &error, ms), false)
                        }
                    };
                    if visible {
                        let _ = multi.println(done_line(&entry, colors));
                    }
                    overall.inc(1);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some((entry, gate));
                    }
                }
            });
        }
    });
    overall.finish_and_clear();
    let results: Vec<(Entry, bool)> =
        results.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().flatten().collect();
    let gate_failed = results.iter().any(|(_, g)| *g);
    let doc = Portfolio::new(results.into_iter().map(|(e, _)| e).collect(), started);

    let text = match args.format {
        OutputFormat::Json => render::json(&doc),
        OutputFormat::Markdown => render::markdown(&doc),
        OutputFormat::Html => render::html(&doc),
        _ => Ok(table(&doc, colors.stdout && args.output.is_none())),
    }
    .map_err(|e| Failure::input(e.to_string()))?;
    match &args.output {
        Some(path) => {
            crate::audit::replace_output(path, &text)?;
            eprintln!("Wrote {} ({}).", safe(&path.display().to_string()), summary(&doc));
        }
        None => print!("{text}"),
    }
    if doc.count(Outcome::Failed) > 0 {
        return Ok(2);
    }
    if gate_failed {
        term::error(
            &match args.fail_under {
                Some(n) => format!("a repository scored below --fail-under {n} or has must-pass items not passing"),
                None => "a repository has must-pass items not passing".into(),
            },
            colors,
        );
        return Ok(1);
    }
    Ok(0)
}

/// What every repository's audit shares.
struct Context<'a> {
    settings: &'a Settings<'a>,
    store: Option<&'a Mutex<maturity_core::history::Store>>,
    cache: Option<&'a Path>,
    fail_under: Option<f64>,
    multi: &'a MultiProgress,
    colors: Colors,
}

/// Audits one repository (cloning it first when it is a URL). The flag says whether it fails
/// the gate (`--fail-under`, must-pass items); an error comes with the time it took.
fn one(source: &Source, shown: &str, cx: &Context, bar: &Bar) -> Result<(Entry, bool), (String, u64)> {
    let started = Instant::now();
    let ms = |s: Instant| s.elapsed().as_millis() as u64;
    let path = match source {
        Source::Path(p) => p.clone(),
        Source::Url(url) => {
            maturity_checks::facts::Progress::stage(bar, "Cloning", None);
            let cache =
                cx.cache.ok_or_else(|| ("no cache directory for clones: pass --clone-cache DIR".to_string(), 0))?;
            clone::clone_or_fetch(cache, url).map_err(|e| (e.0, ms(started)))?
        }
    };
    let mut warn = |w: &str| cx.multi.suspend(|| term::warning(&format!("{shown}: {w}"), cx.colors));
    let audited = portfolio::audit_one(&path, cx.settings, cx.store, bar, &mut warn).map_err(|e| (e.0, ms(started)))?;
    if let Some(e) = &audited.store_error {
        warn(&format!("{e}; this audit is not recorded"));
    }
    let card = &audited.card;
    // a score that is not a number fails the gate rather than passing it
    let below = cx.fail_under.is_some_and(|n| {
        !matches!(card.score.partial_cmp(&n), Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal))
    });
    let gate = below || card.must_pass.iter().any(|m| !m.ok);
    Ok((Entry::from_audit(shown, &audited, ms(started)), gate))
}

/// The line printed above the progress bars when a repository is done.
fn done_line(e: &Entry, colors: Colors) -> String {
    let c = colors.stderr;
    match e.outcome {
        Outcome::Failed => format!("{} {}", paint_mark("✗", "31", c), safe(e.label())),
        o => format!(
            "{} {} {} {}",
            paint_mark("✓", "32", c),
            safe(e.label()),
            e.score.map(|s| format!("{s}/100")).unwrap_or_default(),
            dim(&format!("{} in {}", o.as_str(), portfolio::duration_text(e.duration_ms)), c)
        ),
    }
}

fn paint_mark(s: &str, code: &str, on: bool) -> String {
    if on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
}

fn summary(doc: &Portfolio) -> String {
    format!(
        "{} repositories: {} audited, {} reused, {} failed, in {}",
        doc.repositories.len(),
        doc.count(Outcome::Audited),
        doc.count(Outcome::Reused),
        doc.count(Outcome::Failed),
        portfolio::duration_text(doc.duration_ms)
    )
}

/// The portfolio as a terminal table, with a summary line.
pub fn table(doc: &Portfolio, color: bool) -> String {
    let phases = doc.phase_columns();
    let mut t = new_table(color);
    let mut header = vec!["repository".to_string(), "score".into(), "level".into(), "assessed".into()];
    header.extend(phases.iter().map(|(n, _)| format!("phase {n}")));
    header.extend(["change".into(), "run".into(), "time".into()]);
    t.set_header(header);
    for e in &doc.repositories {
        let mut row = vec![cell(e.label())];
        match &e.error {
            Some(_) => {
                row.extend((0..4 + phases.len()).map(|_| Cell::new("")));
                let mut c = Cell::new("failed");
                if color {
                    c = c.fg(comfy_table::Color::Red);
                }
                row.push(c);
            }
            None => {
                row.push(Cell::new(maturity_core::report::view::score(e.score)).set_alignment(CellAlignment::Right));
                row.push(
                    Cell::new(e.level.map(|l| l.to_string()).unwrap_or_default()).set_alignment(CellAlignment::Right),
                );
                row.push(
                    Cell::new(e.coverage.map(maturity_core::report::view::percent).unwrap_or_default())
                        .set_alignment(CellAlignment::Right),
                );
                for (n, _) in &phases {
                    let p = e.phases.iter().find(|p| p.number == *n);
                    let mut c = Cell::new(portfolio::phase_text(p));
                    if color && p.is_some_and(|p| p.complete) {
                        c = c.fg(comfy_table::Color::Green);
                    }
                    row.push(c);
                }
                row.push(Cell::new(portfolio::delta_text(e)).set_alignment(CellAlignment::Right));
                row.push(Cell::new(match (e.outcome, e.reused_from_run) {
                    (Outcome::Reused, Some(r)) => format!("reused run {r}"),
                    (o, _) => o.as_str().to_string(),
                }));
            }
        }
        row.push(Cell::new(portfolio::duration_text(e.duration_ms)).set_alignment(CellAlignment::Right));
        t.add_row(row);
    }
    let mut failures = String::new();
    for e in doc.repositories.iter().filter(|e| e.error.is_some()) {
        let error = e.error.as_deref().unwrap_or_default().replace('\n', "\n    ");
        failures.push_str(&format!("  {}: {}\n", safe(&e.source), term::safe_lines(&error)));
    }
    if !failures.is_empty() {
        failures = format!("\n{}\n{failures}", bold("Not audited:", color));
    }
    format!("{t}\n{failures}\n{}\n", bold(&summary(doc), color))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_file_skips_blanks_and_comments() {
        let text = "# the shop\n\n  ./shop  \n/abs/api # the API\nhttps://u:p@example.com/a/b.git\n   # indented comment\nfile:///tmp/r\n";
        let got = parse_list(text, Path::new("/lists"));
        assert_eq!(
            got,
            vec![
                Source::Path(PathBuf::from("/lists/./shop")),
                Source::Path(PathBuf::from("/abs/api")),
                Source::Url("https://u:p@example.com/a/b.git".into()),
                Source::Url("file:///tmp/r".into()),
            ]
        );
        assert_eq!(got[2].shown(), "https://example.com/a/b.git", "no credentials shown");
    }
}
