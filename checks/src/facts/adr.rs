//! Architecture decision records: where they live and what each one says.
//!
//! Folders come from adr-tools' `.adr-dir` file or from the names the common layouts use
//! (`doc/adr`, `docs/decisions`, `docs/architecture/decisions`...). Each Markdown record is parsed
//! with a CommonMark parser (so a `#` inside a code block is not a heading) and read in the three
//! layouts people use: Nygard / adr-tools (`## Status` section, `Date:` line), MADR 2 (`* Status:`
//! bullets) and MADR 3+ (YAML front matter). A record without a title, a status or a decision is
//! reported as malformed, with the reason.

use super::files::{FileIndex, Location};
use super::yaml;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdrRecord {
    pub path: String,
    pub number: Option<u32>,
    pub title: Option<String>,
    /// Normalised status: accepted, proposed, superseded, deprecated, rejected or as written.
    pub status: Option<String>,
    pub date: Option<String>,
    pub sections: Vec<String>,
    /// Why the record is malformed; empty when well-formed.
    pub problems: Vec<String>,
}

impl AdrRecord {
    pub fn is_well_formed(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdrDir {
    pub path: String,
    /// How the folder was found: `.adr-dir` or `layout`.
    pub source: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AdrFacts {
    pub dirs: Vec<AdrDir>,
    pub records: Vec<AdrRecord>,
}

const DIR_NAMES: &[&str] =
    &["adr", "adrs", "decisions", "architecture-decisions", "decision-records", "architecture-decision-records"];
const NOT_RECORDS: &[&str] =
    &["readme.md", "index.md", "template.md", "adr-template.md", "_sidebar.md", "toc.md", "summary.md"];

pub fn collect(files: &FileIndex) -> AdrFacts {
    let mut out = AdrFacts::default();
    if let Some(dir) =
        files.find(".adr-dir").and_then(|i| files.text(i)).and_then(|t| super::ci::resolve_path("", t.trim()))
    {
        out.dirs.push(AdrDir { location: Location::of(&format!("{dir}/x")), path: dir, source: ".adr-dir".into() });
    }
    for e in files.entries() {
        let dir = e.dir();
        let last = dir.rsplit('/').next().unwrap_or(dir).to_ascii_lowercase();
        if !DIR_NAMES.contains(&last.as_str()) || matches!(e.location, Location::Vendored | Location::Fixture) {
            continue;
        }
        if !out.dirs.iter().any(|d| d.path == dir) {
            out.dirs.push(AdrDir { path: dir.to_string(), source: "layout".into(), location: e.location });
        }
    }
    for (i, e) in files.entries().iter().enumerate() {
        let name = e.name().to_ascii_lowercase();
        let markdown = name.ends_with(".md") || name.ends_with(".markdown");
        if !markdown || NOT_RECORDS.contains(&name.as_str()) || name.contains("template") {
            continue;
        }
        // records sit in an ADR folder or one level below it (some group them by year or area)
        let in_dir = out.dirs.iter().any(|d| {
            e.path.strip_prefix(&d.path).and_then(|r| r.strip_prefix('/')).is_some_and(|r| r.matches('/').count() <= 1)
        });
        if !in_dir {
            continue;
        }
        let Some(text) = files.text(i) else { continue };
        out.records.push(parse(&e.path, text));
    }
    out
}

fn normalise_status(raw: &str) -> String {
    let first = raw
        .trim()
        .trim_start_matches(['*', '-', '_', '`', '['])
        .split(|c: char| !c.is_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    match first.as_str() {
        "approved" | "adopted" | "decided" | "accepted" | "done" | "implemented" => "accepted".into(),
        "superseded" | "superceded" | "replaced" => "superseded".into(),
        "deprecated" | "obsolete" => "deprecated".into(),
        "rejected" | "declined" => "rejected".into(),
        "proposed" | "draft" | "open" | "wip" => "proposed".into(),
        other => other.to_string(),
    }
}

/// Parses one record.
pub fn parse(path: &str, text: &str) -> AdrRecord {
    let name = path.rsplit('/').next().unwrap_or(path);
    let number = name.split(|c: char| !c.is_ascii_digit()).next().and_then(|d| d.parse().ok());
    let mut rec = AdrRecord {
        path: path.to_string(),
        number,
        title: None,
        status: None,
        date: None,
        sections: Vec::new(),
        problems: Vec::new(),
    };
    let mut body = text;
    // MADR 3+: YAML front matter
    if let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))
        && let Some(end) = rest.find("\n---")
    {
        if let Ok(docs) = yaml::parse(rest.get(..end).unwrap_or(""))
            && let Some(fm) = docs.first()
        {
            rec.status = fm.key("status").scalar().map(|s| normalise_status(&s));
            rec.date = fm.key("date").scalar();
            rec.title = fm.key("title").scalar();
        }
        body = rest.get(end + 4..).unwrap_or("").trim_start_matches(['-', '\r', '\n']);
    }
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut in_status_section = false;
    let mut paragraph = String::new();
    let mut in_code = false;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take() {
                    let text = text.trim().to_string();
                    if level == HeadingLevel::H1 && rec.title.is_none() {
                        // adr-tools titles read `# 1. Record architecture decisions`
                        let t = text
                            .trim_start_matches(|c: char| c.is_ascii_digit())
                            .trim_start_matches(['.', ':', ' '])
                            .trim();
                        rec.title = Some(if t.is_empty() { text.clone() } else { t.to_string() });
                    } else if level >= HeadingLevel::H2 {
                        in_status_section = text.eq_ignore_ascii_case("status");
                        rec.sections.push(text);
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Item) => paragraph.clear(),
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                let p = paragraph.trim();
                if in_status_section && rec.status.is_none() && !p.is_empty() {
                    rec.status = Some(normalise_status(p));
                }
                for line in p.lines() {
                    let (key, value) = match line.split_once(':') {
                        Some((k, v)) => (
                            k.trim().trim_matches(['*', '_']).to_ascii_lowercase(),
                            v.trim().trim_matches(['*', '_']).trim(),
                        ),
                        None => continue,
                    };
                    if key == "status" && rec.status.is_none() && !value.is_empty() {
                        rec.status = Some(normalise_status(value));
                    }
                    if key == "date" && rec.date.is_none() && !value.is_empty() {
                        rec.date = Some(value.to_string());
                    }
                }
                paragraph.clear();
            }
            Event::Text(t) | Event::Code(t) if !in_code => {
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                } else {
                    paragraph.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => paragraph.push('\n'),
            _ => {}
        }
    }
    if rec.title.is_none() {
        rec.problems.push("no title (a `# ` heading or front-matter `title`)".into());
    }
    if rec.status.is_none() {
        rec.problems.push("no status".into());
    }
    let has_decision = rec.sections.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        s.contains("decision") || s.contains("outcome")
    });
    if !has_decision {
        rec.problems.push("no decision section (`## Decision` or `## Decision Outcome`)".into());
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_layouts_parse() {
        let nygard = "# 1. Record architecture decisions\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\n## Context\n\nWe need to.\n\n## Decision\n\nWe will.\n\n## Consequences\n\nSee.\n";
        let madr2 = "# Use PostgreSQL\n\n* Status: superseded by [ADR-0005](0005-x.md)\n* Deciders: a, b\n* Date: 2023-01-02\n\n## Context and Problem Statement\n\nx\n\n## Decision Outcome\n\nChosen option: PostgreSQL.\n";
        let madr3 = "---\nstatus: proposed\ndate: 2025-05-05\n---\n# Adopt OpenTelemetry\n\n## Context and Problem Statement\n\nx\n\n## Decision Outcome\n\ny\n";
        for (name, text, title, status, date) in [
            ("docs/adr/0001-record.md", nygard, "Record architecture decisions", "accepted", "2024-03-01"),
            ("docs/adr/0002-postgres.md", madr2, "Use PostgreSQL", "superseded", "2023-01-02"),
            ("docs/decisions/0003-otel.md", madr3, "Adopt OpenTelemetry", "proposed", "2025-05-05"),
        ] {
            let r = parse(name, text);
            assert_eq!(r.title.as_deref(), Some(title), "{name}");
            assert_eq!(r.status.as_deref(), Some(status), "{name}");
            assert_eq!(r.date.as_deref(), Some(date), "{name}");
            assert!(r.is_well_formed(), "{name}: {:?}", r.problems);
        }
        assert_eq!(parse("docs/adr/0001-record.md", nygard).number, Some(1));
    }

    #[test]
    fn malformed_records_say_why() {
        let r = parse("docs/adr/0009-x.md", "Some notes without structure\n\n```\n# not a heading\n## Status\n```\n");
        assert!(!r.is_well_formed());
        assert_eq!(r.problems.len(), 3, "{:?}", r.problems);
        assert!(r.sections.is_empty(), "headings inside code blocks are not sections");
    }

    #[test]
    fn folders_from_adr_dir_and_layouts() {
        let idx = FileIndex::from_memory(&[
            (".adr-dir", "architecture/records\n"),
            ("architecture/records/0001-a.md", "# A\n\n## Status\n\nAccepted\n\n## Decision\n\nx\n"),
            ("docs/adr/README.md", "# index"),
            ("docs/adr/0001-b.md", "# B\n\n## Status\n\nProposed\n\n## Decision\n\nx\n"),
            ("docs/adr/template.md", "# Title\n"),
            ("vendor/lib/docs/adr/0001-c.md", "# C\n"),
            ("docs/guide.md", "# Guide\n"),
        ]);
        let facts = collect(&idx);
        let dirs: Vec<&str> = facts.dirs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(dirs, vec!["architecture/records", "docs/adr"]);
        let paths: Vec<&str> = facts.records.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, vec!["architecture/records/0001-a.md", "docs/adr/0001-b.md"]);
    }

    #[test]
    fn adr_dir_cannot_escape_the_tree() {
        let idx = FileIndex::from_memory(&[(".adr-dir", "../../etc\n")]);
        assert!(collect(&idx).dirs.is_empty());
    }
}
