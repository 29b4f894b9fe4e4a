//! `maturity accuracy`: audit local checkouts of labelled repositories and print how often the
//! item verdicts agree with the hand labels, for the tuning set and the held-out set apart (exit 1
//! when the tuning set is below the target or any verdict passes what a label fails).

use crate::term::{Colors, bold, cell, dim, new_table, safe};
use crate::{Failure, ListFormat};
use clap::Args;
use comfy_table::{Cell, CellAlignment};
use maturity_checks::facts::NoProgress;
use maturity_core::accuracy::{self, HELD_OUT, LabelFile, RepoComparison, Summary, TUNING};
use maturity_core::{AuditOptions, Roadmap};
use std::path::PathBuf;

#[derive(Args)]
pub struct AccuracyArgs {
    /// Folder of label files named `<owner>+<name>.toml`.
    #[arg(long, default_value = "checks/accuracy/labels")]
    labels: PathBuf,
    /// Folder holding a checkout of each labelled repository, named `<owner>+<name>`.
    #[arg(long)]
    checkouts: PathBuf,
    /// Required share of exact agreement on the tuning set, in percent.
    #[arg(long, default_value_t = 85.0)]
    target: f64,
    /// Only the labels of this set: `tuning`, `held-out` or `all`.
    #[arg(long, default_value = "all", value_parser = ["tuning", "held-out", "all"])]
    set: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

pub fn run(args: AccuracyArgs, colors: Colors) -> Result<u8, Failure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&args.labels)
        .map_err(|e| Failure::input(format!("cannot read labels folder {}: {e}", args.labels.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Failure::input(format!("no label files in {}", args.labels.display())));
    }
    let roadmap = Roadmap::default_roadmap();
    let mut results: Vec<RepoComparison> = Vec::new();
    let mut warnings = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)?;
        let labels = LabelFile::parse(&text).map_err(|e| Failure::input(format!("{}: {e}", file.display())))?;
        if args.set != "all" && labels.set != args.set {
            continue;
        }
        let slug = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let checkout = args.checkouts.join(&slug);
        if !checkout.is_dir() {
            return Err(Failure::input(format!("no checkout of {} at {}", labels.repository, checkout.display())));
        }
        let card = maturity_core::audit(&checkout, &roadmap, &AuditOptions::default(), &NoProgress)
            .map_err(|e| Failure::input(e.to_string()))?;
        if card.repository.commit.as_deref() != Some(labels.commit.as_str()) {
            warnings.push(format!(
                "{}: the checkout is at {}, the labels describe {}",
                slug,
                card.repository.commit.as_deref().unwrap_or("no commit"),
                labels.commit
            ));
        }
        results.push(accuracy::compare(&labels, &card));
    }
    let of = |set: &str| Summary::of(results.iter().filter(|r| r.set == set));
    let (tuning, held_out, all) = (of(TUNING), of(HELD_OUT), Summary::of(&results));
    let met = (tuning.labels == 0 || tuning.percent() >= args.target) && all.pass_on_fail == 0;
    if args.format == ListFormat::Json {
        let v = serde_json::json!({
            "tuning": tuning, "held_out": held_out, "all": all,
            "target": args.target, "met": met, "repositories": results, "warnings": warnings,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(|e| Failure::input(e.to_string()))?);
        return Ok(if met { 0 } else { 1 });
    }
    let c = colors.stdout;
    println!(
        "{}\n",
        bold(&format!("Agreement with hand labels: {} repositories, {} item labels", results.len(), all.labels), c)
    );
    let mut t = new_table(c);
    t.set_header(vec!["set", "repository", "commit", "agree", "", "pass where label is fail"]);
    for set in [TUNING, HELD_OUT] {
        for r in results.iter().filter(|r| r.set == set) {
            t.add_row(vec![
                Cell::new(set),
                cell(&short(&r.repository)),
                cell(maturity_core::text::prefix(&r.commit, 10)),
                Cell::new(format!("{}/{}", r.agreed(), r.items.len())).set_alignment(CellAlignment::Right),
                Cell::new(format!("{:.0} %", r.agreed() as f64 * 100.0 / r.items.len().max(1) as f64))
                    .set_alignment(CellAlignment::Right),
                Cell::new(r.pass_on_fail()).set_alignment(CellAlignment::Right),
            ]);
        }
    }
    println!("{t}\n");
    let mut t = new_table(c);
    t.set_header(vec![
        "set",
        "repositories",
        "exact",
        "exact, without n/a labels",
        "within one step",
        "pass where label is fail",
    ]);
    for (name, s) in [("tuning (in sample)", tuning), ("held-out", held_out), ("all", all)] {
        if s.labels == 0 {
            continue;
        }
        t.add_row(vec![
            Cell::new(name),
            Cell::new(s.repositories).set_alignment(CellAlignment::Right),
            Cell::new(format!("{}/{} {:.1} %", s.agreed, s.labels, s.percent())).set_alignment(CellAlignment::Right),
            Cell::new(format!("{}/{} {:.1} %", s.applicable_agreed, s.applicable_labels, s.applicable_percent()))
                .set_alignment(CellAlignment::Right),
            Cell::new(format!("{}/{} {:.1} %", s.within_one_step, s.labels, s.within_one_step_percent()))
                .set_alignment(CellAlignment::Right),
            Cell::new(s.pass_on_fail).set_alignment(CellAlignment::Right),
        ]);
    }
    println!("{t}\n");
    let names = |set: &str| -> String {
        let v: Vec<String> = results.iter().filter(|r| r.set == set).map(|r| short(&r.repository)).collect();
        if v.is_empty() { "none".into() } else { v.join(", ") }
    };
    println!("Used to tune the rules: {}", names(TUNING));
    println!("Held out (never used for tuning): {}\n", names(HELD_OUT));
    // per item
    let mut t = new_table(c);
    t.set_header(vec!["item", "agree", "verdicts (label→tool) that differ"]);
    let ids: Vec<String> = roadmap.items.iter().map(|i| i.id.clone()).collect();
    for id in &ids {
        let rows: Vec<(&RepoComparison, &accuracy::ItemComparison)> =
            results.iter().filter_map(|r| r.items.iter().find(|i| &i.item == id).map(|i| (r, i))).collect();
        if rows.is_empty() {
            continue;
        }
        let ok = rows.iter().filter(|(_, i)| i.agree).count();
        let diffs: Vec<String> = rows
            .iter()
            .filter(|(_, i)| !i.agree)
            .map(|(r, i)| format!("{} {}→{}", short(&r.repository), i.label, i.tool))
            .collect();
        t.add_row(vec![cell(id), Cell::new(format!("{ok}/{}", rows.len())), cell(&diffs.join(", "))]);
    }
    println!("{t}\n");
    for w in &warnings {
        println!("{}", dim(&format!("note: {}", safe(w)), c));
    }
    let verdict = format!(
        "tuning set {:.1} % exact (target {:.0} %), held-out set {:.1} % exact, {} pass where the label is fail: {}",
        tuning.percent(),
        args.target,
        held_out.percent(),
        all.pass_on_fail,
        if met { "target met" } else { "target NOT met" }
    );
    println!("{}", bold(&verdict, c));
    Ok(if met { 0 } else { 1 })
}

fn short(repo: &str) -> String {
    safe(repo.trim_start_matches("https://github.com/")).into_owned()
}
