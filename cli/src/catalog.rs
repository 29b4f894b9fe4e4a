//! `maturity roadmap validate|show` and `maturity checks [explain]`: what the tool knows, with
//! the check packs given with `--checks`.

use crate::term::{self, Colors, bold, cell, dim, new_table, safe, safe_lines};
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
                "{}: valid ({} areas, {} items, {} checks, {} phases over {} weeks, {} metrics, {} deliverables{})",
                safe(&name),
                r.areas.len(),
                r.items.len(),
                checks,
                r.phases.len(),
                r.weeks,
                r.metrics.len(),
                r.deliverables.len(),
                safe(&packs)
            );
            Ok(0)
        }
        Err(f) => {
            eprintln!("{}", safe_lines(&f.message));
            term::error(&format!("{}: not valid", safe(&name)), colors);
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
    println!("{}", bold(&safe(&r.title), c));
    if let Some(o) = &r.objective {
        println!("{}", dim(&safe(o), c));
    }
    println!(
        "{} weeks{}\n",
        r.weeks,
        r.start.as_deref().map(|s| format!(", starting {}", safe(s))).unwrap_or_default()
    );
    println!("{}", bold("Phases", c));
    for p in &r.phases {
        println!("  {}. {} (weeks {}–{})", p.number, safe(&p.title), p.weeks[0], p.weeks[1]);
        for t in &p.tasks {
            let mut what = t.items.clone();
            what.extend(t.deliverables.iter().map(|d| format!("deliverable {d}")));
            println!("     - {} {}", safe(&t.title), dim(&safe(&format!("[{}]", what.join(", "))), c));
        }
    }
    println!("\n{}", bold("Items", c));
    for a in &r.areas {
        println!("  {}", bold(&safe(&a.title), c));
        let mut t = new_table(c);
        for i in r.items.iter().filter(|i| i.area == a.id) {
            let checks = if i.checks.is_empty() {
                "no checks yet".to_string()
            } else {
                i.checks
                    .iter()
                    .map(|c| format!("{} ×{}", safe(&c.id), maturity_checks::model::fmt_num(c.weight)))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            t.add_row(vec![Cell::new("  "), cell(&format!("{} {}", i.id, i.title)), Cell::new(checks)]);
        }
        println!("{t}");
    }
    println!("\n{}", bold("Success metrics", c));
    let mut t = new_table(c);
    for m in &r.metrics {
        t.add_row(vec![
            Cell::new("  "),
            cell(&m.group),
            cell(&m.title),
            cell(&m.target.to_string()),
            cell(m.measure.as_deref().unwrap_or("not measured yet")),
        ]);
    }
    println!("{t}");
    println!("\n{}", bold("Demo deliverables", c));
    for d in &r.deliverables {
        println!("  {}", safe(&d.title));
        for p in &d.parts {
            println!("     - {}", safe(&p.title));
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

/// Explains a check, or an item of the roadmap (its pass rule and its checks).
pub fn explain(id: &str, checks: &[PathBuf], colors: Colors) -> Result<u8, Failure> {
    let r = load(None, checks, colors)?;
    if let Some(item) = r.item(id) {
        explain_item(&r, item, colors);
        return Ok(0);
    }
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
        return Err(Failure::input(format!("unknown check or item `{id}`: {hint}")));
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
    let applies = match m.applies {
        maturity_checks::Applies::Always => "every repository",
        maturity_checks::Applies::Service => {
            "a project that runs as a service (for a library, its item is not assessed when nothing it judges was found)"
        }
    };
    println!("{} {applies}", bold("Applies to:", c));
    println!("{} {}", bold("Defined:", c), check.origin().label());
    Ok(0)
}

/// An item: what the seed asks, the pass rule in words and in data, and the checks with weights.
fn explain_item(roadmap: &Roadmap, item: &maturity_core::roadmap::Item, colors: Colors) {
    let c = colors.stdout;
    println!(
        "{}
{}
",
        bold(&format!("{} {}", item.id, item.title), c),
        dim(&item.implementation, c)
    );
    if let Some(r) = &item.rubric {
        println!(
            "{}
  {}
",
            bold("Pass", c),
            r.pass
        );
        println!(
            "{}
  {}
",
            bold("Partial", c),
            r.partial
        );
        println!(
            "{}
  {}
",
            bold("Fail", c),
            r.fail
        );
    }
    let required = item.rubric.as_ref().map(|r| r.required.clone()).unwrap_or_default();
    let rule = match item.pass_at {
        Some(at) if required.is_empty() => {
            format!("the item passes when every assessed check passes, or once its score reaches {at}")
        }
        Some(at) => format!(
            "the item passes when every assessed check passes, or once its score reaches {at} with {} passing",
            required.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        ),
        None => "the item passes when every assessed check passes".to_string(),
    };
    println!(
        "{}
  {rule}; it fails when every assessed check fails, and is partial otherwise.\n",
        bold("Rule", c)
    );
    let catalog = roadmap.catalog();
    let mut t = new_table(c);
    t.set_header(vec!["check", "weight", "required", "asks"]);
    for check in &item.checks {
        let title = catalog.find(&check.id).map(|k| k.meta().title).unwrap_or("");
        t.add_row(vec![
            Cell::new(&check.id),
            Cell::new(check.weight),
            Cell::new(if required.contains(&check.id) { "yes" } else { "" }),
            cell(title),
        ]);
    }
    println!("{t}");
    let phases: Vec<String> = roadmap
        .phases
        .iter()
        .filter(|p| p.items().contains(&item.id.as_str()))
        .map(|p| format!("{} (weeks {}–{})", p.title, p.weeks[0], p.weeks[1]))
        .collect();
    println!("\n{} {}", bold("Phase:", c), phases.join(", "));
}
