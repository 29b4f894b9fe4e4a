//! `maturity roadmap validate|show` and `maturity checks [explain]`: what the tool knows, with
//! the check packs given with `--checks`.

use crate::term::{self, Colors, bold, dim, new_table};
use crate::{Failure, ListFormat};
use comfy_table::Cell;
use maturity_core::roadmap;
use maturity_core::{Roadmap, prepare};
use std::path::{Path, PathBuf};

/// Loads the roadmap named (or the built-in one) with the check packs it names and `checks`.
fn load(file: Option<&Path>, checks: &[PathBuf], colors: Colors) -> Result<Roadmap, Failure> {
    prepare::load_roadmap_with(file, checks, prepare::Trust::User, &mut |w| term::warning(w, colors))
        .map_err(|e| Failure::input(e.0))
}

pub fn validate(file: Option<&Path>, checks: &[PathBuf], colors: Colors) -> Result<u8, Failure> {
    let name = file.map(|p| p.display().to_string()).unwrap_or_else(|| roadmap::DEFAULT_NAME.to_string());
    match load(file, checks, colors) {
        Ok(r) => {
            let checks: usize = r.items.iter().map(|i| i.checks.len()).sum();
            let packs: Vec<String> =
                r.packs.iter().map(|p| format!("{} ({} checks)", p.name, p.checks.len())).collect();
            let packs = if packs.is_empty() { String::new() } else { format!(", check packs {}", packs.join(", ")) };
            println!(
                "{name}: valid ({} areas, {} items, {} checks, {} phases over {} weeks, {} metrics, {} deliverables{packs})",
                r.areas.len(),
                r.items.len(),
                checks,
                r.phases.len(),
                r.weeks,
                r.metrics.len(),
                r.deliverables.len()
            );
            Ok(0)
        }
        Err(f) => {
            eprintln!("{}", f.message);
            term::error(&format!("{name}: not valid"), colors);
            Ok(2)
        }
    }
}

pub fn show(file: Option<&Path>, checks: &[PathBuf], format: ListFormat, colors: Colors) -> Result<u8, Failure> {
    let r = load(file, checks, colors)?;
    if format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&r).map_err(|e| Failure::input(e.to_string()))?);
        return Ok(0);
    }
    let c = colors.stdout;
    println!("{}", bold(&r.title, c));
    if let Some(o) = &r.objective {
        println!("{}", dim(o, c));
    }
    println!("{} weeks{}\n", r.weeks, r.start.as_deref().map(|s| format!(", starting {s}")).unwrap_or_default());
    println!("{}", bold("Phases", c));
    for p in &r.phases {
        println!("  {}. {} (weeks {}–{})", p.number, p.title, p.weeks[0], p.weeks[1]);
        for t in &p.tasks {
            let mut what = t.items.clone();
            what.extend(t.deliverables.iter().map(|d| format!("deliverable {d}")));
            println!("     - {} {}", t.title, dim(&format!("[{}]", what.join(", ")), c));
        }
    }
    println!("\n{}", bold("Items", c));
    for a in &r.areas {
        println!("  {}", bold(&a.title, c));
        let mut t = new_table(c);
        for i in r.items.iter().filter(|i| i.area == a.id) {
            let checks = if i.checks.is_empty() {
                "no checks yet".to_string()
            } else {
                i.checks
                    .iter()
                    .map(|c| format!("{} ×{}", c.id, maturity_checks::model::fmt_num(c.weight)))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            t.add_row(vec![Cell::new("  "), Cell::new(format!("{} {}", i.id, i.title)), Cell::new(checks)]);
        }
        println!("{t}");
    }
    println!("\n{}", bold("Success metrics", c));
    let mut t = new_table(c);
    for m in &r.metrics {
        t.add_row(vec![
            Cell::new("  "),
            Cell::new(&m.group),
            Cell::new(&m.title),
            Cell::new(m.target.to_string()),
            Cell::new(m.measure.as_deref().unwrap_or("not measured yet")),
        ]);
    }
    println!("{t}");
    println!("\n{}", bold("Demo deliverables", c));
    for d in &r.deliverables {
        println!("  {}", d.title);
        for p in &d.parts {
            println!("     - {}", p.title);
        }
    }
    Ok(0)
}

fn items_using(r: &Roadmap, id: &str) -> Vec<String> {
    r.items.iter().filter(|i| i.checks.iter().any(|c| c.id == id)).map(|i| i.id.clone()).collect()
}

pub fn list_checks(checks: &[PathBuf], format: ListFormat, colors: Colors) -> Result<u8, Failure> {
    let r = load(None, checks, colors)?;
    let catalog = r.catalog();
    if format == ListFormat::Json {
        let list: Vec<serde_json::Value> = catalog
            .all()
            .map(|c| {
                let m = c.meta();
                serde_json::json!({"id": m.id, "title": m.title, "source": m.source, "origin": c.origin(), "rationale": m.rationale, "remediation": m.remediation, "items": items_using(&r, m.id)})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list).map_err(|e| Failure::input(e.to_string()))?);
        return Ok(0);
    }
    let mut t = new_table(colors.stdout);
    t.set_header(vec!["Check", "Title", "Items", "Defined"]);
    let mut count = 0;
    for c in catalog.all() {
        let m = c.meta();
        count += 1;
        t.add_row(vec![
            Cell::new(m.id),
            Cell::new(m.title),
            Cell::new(items_using(&r, m.id).join(", ")),
            Cell::new(crate::packs::source_label(&c.origin())),
        ]);
    }
    println!("{t}");
    let packs = r.packs.checks().count();
    let from_packs = if packs > 0 { format!(" ({packs} from check packs)") } else { String::new() };
    println!(
        "\n{}",
        dim(
            &format!("{count} checks{from_packs}. `maturity checks explain ID` shows rationale and remediation."),
            colors.stdout
        )
    );
    Ok(0)
}

pub fn explain(id: &str, checks: &[PathBuf], colors: Colors) -> Result<u8, Failure> {
    let r = load(None, checks, colors)?;
    let catalog = r.catalog();
    let Some(check) = catalog.find(id) else {
        let close: Vec<&str> = catalog
            .all()
            .map(|c| c.meta().id)
            .filter(|c| c.contains(id) || id.split('.').any(|p| p.len() > 2 && c.contains(p)))
            .collect();
        let hint = if close.is_empty() {
            "run `maturity checks` for the list".to_string()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(Failure::input(format!("unknown check `{id}`: {hint}")));
    };
    let m = check.meta();
    let c = colors.stdout;
    println!("{}\n{}\n", bold(m.title, c), dim(m.id, c));
    println!("{}\n  {}\n", bold("Why it matters", c), m.rationale);
    println!("{}\n  {}\n", bold("How to fix it", c), m.remediation);
    let items = items_using(&r, m.id);
    let items: Vec<String> = items.iter().filter_map(|i| r.item(i)).map(|i| format!("{} {}", i.id, i.title)).collect();
    println!("{} {}", bold("Roadmap items:", c), if items.is_empty() { "none".into() } else { items.join(", ") });
    println!("{} {:?}", bold("Source:", c), m.source);
    println!("{} {}", bold("Defined:", c), check.origin().label());
    Ok(0)
}
