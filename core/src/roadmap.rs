//! The roadmap as data: areas, items with their checks, phases with weeks and tasks, success
//! metrics with machine-readable targets, and demo deliverables.
//!
//! Loading is two steps: TOML syntax (with unknown keys refused, so a typo is an error rather than
//! a silently ignored setting), then semantics (unknown or duplicate ids, items in no phase, bad
//! targets, unknown check ids). Both report `file:line:column`, collected all at once so a user
//! fixes a file in one round. The default roadmap is embedded in the binary.
//!
//! A roadmap may name check packs (`checks = ["packs/acme"]`, relative to the roadmap file);
//! they are loaded first ([`pack_dirs`] reads the entry alone), so that [`parse_with_packs`] knows
//! their check ids. A pack's check counts for the item it names, with its weight, unless the
//! roadmap lists it in an item itself.

use maturity_checks::plugin::Packs;
use maturity_checks::{metrics, registry};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt;
use toml::Spanned;

/// The embedded default roadmap (the repository's `roadmap.toml`).
pub const DEFAULT_TOML: &str = include_str!("../../roadmap.toml");
pub const DEFAULT_NAME: &str = "roadmap.toml (built in)";

/// Format versions this build reads.
pub const FORMAT: u32 = 1;

/// The largest weight an item or a check may have, in a roadmap or `.maturity.toml`: bounded so
/// that no weighted sum can overflow (`1e308` is refused).
pub const MAX_WEIGHT: f64 = 1000.0;

/// Whether `v` can be a weight: a number above 0 and at most [`MAX_WEIGHT`] (so not NaN, not
/// infinite).
pub fn is_weight(v: f64) -> bool {
    v > 0.0 && v <= MAX_WEIGHT
}

/// The largest size of a metric's target value.
pub const MAX_TARGET: f64 = 1e12;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Roadmap {
    pub id: String,
    pub title: String,
    pub objective: Option<String>,
    pub weeks: u32,
    /// First day of week 1, when the roadmap is scheduled.
    pub start: Option<String>,
    pub areas: Vec<Area>,
    pub items: Vec<Item>,
    pub phases: Vec<Phase>,
    pub metrics: Vec<Metric>,
    pub deliverables: Vec<Deliverable>,
    /// SHA-256 of the roadmap text, to tell runs of different roadmaps apart.
    pub hash: String,
    /// Where the roadmap came from (a path, or the built-in name).
    pub source: String,
    /// The check packs loaded with it (`checks` of the roadmap file, `--checks`).
    #[serde(skip_serializing_if = "Packs::is_empty")]
    pub packs: Packs,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Area {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckRef {
    pub id: String,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub id: String,
    pub area: String,
    pub title: String,
    pub implementation: String,
    pub tools: Vec<String>,
    pub justification: String,
    pub weight: f64,
    /// The item passes once its score reaches this (0–100), even with some checks open; without
    /// it, every assessed check must pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_at: Option<f64>,
    /// What pass requires and what partial means, in words and in data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubric: Option<Rubric>,
    pub checks: Vec<CheckRef>,
}

/// An item's pass rule as a reader sees it: the words for pass, partial and fail, and the checks
/// that must pass (when assessed) for the item to pass through `pass_at` with other checks open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Rubric {
    pub pass: String,
    pub partial: String,
    pub fail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Task {
    pub title: String,
    pub items: Vec<String>,
    pub deliverables: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Phase {
    pub id: String,
    /// 1-based position, which is also the maturity level reached when the phase is done.
    pub number: u32,
    pub title: String,
    pub weeks: [u32; 2],
    pub tasks: Vec<Task>,
}

impl Phase {
    /// Items of the phase's tasks, each once, in order.
    pub fn items(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.tasks {
            for i in &t.items {
                if !out.contains(&i.as_str()) {
                    out.push(i);
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "=")]
    Eq,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::Eq => "=",
        }
    }

    pub fn holds(self, value: f64, target: f64) -> bool {
        match self {
            Op::Lt => value < target,
            Op::Le => value <= target,
            Op::Gt => value > target,
            Op::Ge => value >= target,
            Op::Eq => (value - target).abs() < 1e-9,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Target {
    pub op: Op,
    pub value: f64,
    pub unit: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}{}", self.op.symbol(), maturity_checks::model::fmt_num(self.value), unit_suffix(&self.unit))
    }
}

/// How a unit follows a number: `90 %`, `100 ms`, `0 critical`...
pub fn unit_suffix(unit: &str) -> String {
    match unit {
        "" | "count" => String::new(),
        u => format!(" {u}"),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Metric {
    pub id: String,
    pub group: String,
    pub title: String,
    pub statement: String,
    pub target: Target,
    pub measure: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Part {
    pub title: String,
    pub items: Vec<String>,
    pub metrics: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Deliverable {
    pub id: String,
    pub title: String,
    pub parts: Vec<Part>,
}

impl Roadmap {
    /// The embedded default roadmap.
    pub fn default_roadmap() -> Roadmap {
        Roadmap::parse(DEFAULT_TOML, DEFAULT_NAME).expect("the built-in roadmap is valid (tested)")
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// Every check this roadmap can name: the built-in ones and those of its packs.
    pub fn catalog(&self) -> registry::Catalog<'_> {
        registry::Catalog::new(&self.packs)
    }

    /// Parses and validates roadmap text; `name` is used in diagnostics.
    pub fn parse(text: &str, name: &str) -> Result<Roadmap, RoadmapError> {
        let (roadmap, diagnostics) = parse_with_warnings(text, name);
        match roadmap {
            Some(r) if !diagnostics.iter().any(|d| d.severity == Severity::Error) => Ok(r),
            _ => Err(RoadmapError { diagnostics }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a roadmap file, with its position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {sev}: {}", self.file, self.line, self.column, self.message)
    }
}

/// A roadmap that could not be used; every diagnostic found is listed.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadmapError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RoadmapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        write!(f, "the roadmap has {} error(s)", errors.len())?;
        for d in errors {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RoadmapError {}

// ---- raw TOML shape --------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    format: Spanned<u32>,
    /// Check packs, relative to the roadmap file (read by [`pack_dirs`] before the rest).
    #[serde(default)]
    checks: Vec<Spanned<String>>,
    roadmap: RawMeta,
    #[serde(default)]
    areas: Vec<RawArea>,
    #[serde(default)]
    items: Vec<RawItem>,
    #[serde(default)]
    phases: Vec<RawPhase>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
    #[serde(default)]
    deliverables: Vec<RawDeliverable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    title: String,
    objective: Option<String>,
    weeks: Spanned<u32>,
    start: Option<Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckRef {
    id: Spanned<String>,
    #[serde(default = "one")]
    weight: Spanned<f64>,
}

fn one() -> Spanned<f64> {
    Spanned::new(0..0, 1.0)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    area: Spanned<String>,
    title: String,
    #[serde(default)]
    implementation: String,
    #[serde(default)]
    tools: Vec<String>,
    #[serde(default)]
    justification: String,
    #[serde(default = "one")]
    weight: Spanned<f64>,
    pass_at: Option<Spanned<f64>>,
    rubric: Option<RawRubric>,
    checks: Spanned<Vec<RawCheckRef>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    pass: String,
    partial: String,
    fail: String,
    #[serde(default)]
    required: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    title: String,
    #[serde(default)]
    items: Vec<Spanned<String>>,
    #[serde(default)]
    deliverables: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    id: Spanned<String>,
    title: String,
    weeks: Spanned<Vec<u32>>,
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    op: Op,
    value: f64,
    unit: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    id: Spanned<String>,
    group: String,
    title: String,
    #[serde(default)]
    statement: String,
    target: Spanned<RawTarget>,
    measure: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    title: String,
    #[serde(default)]
    items: Vec<Spanned<String>>,
    #[serde(default)]
    metrics: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeliverable {
    id: Spanned<String>,
    title: String,
    parts: Vec<RawPart>,
}

// ---- validation ------------------------------------------------------------------------------

struct Diags<'a> {
    text: &'a str,
    name: &'a str,
    out: Vec<Diagnostic>,
}

impl Diags<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, severity: Severity, message: String) {
        let (line, column) = line_col(self.text, span.start);
        self.out.push(Diagnostic { file: self.name.to_string(), line, column, severity, message });
    }
    fn error(&mut self, span: std::ops::Range<usize>, message: String) {
        self.at(span, Severity::Error, message);
    }
    fn warning(&mut self, span: std::ops::Range<usize>, message: String) {
        self.at(span, Severity::Warning, message);
    }
    /// Records `id` as seen; reports a duplicate.
    fn unique(&mut self, seen: &mut HashSet<String>, what: &str, id: &Spanned<String>) {
        if !seen.insert(id.get_ref().clone()) {
            self.error(id.span(), format!("duplicate {what} id `{}`", id.get_ref()));
        }
        if id.get_ref().trim().is_empty() {
            self.error(id.span(), format!("{what} id is empty"));
        }
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = crate::text::head(text, offset);
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32 + 1;
    (line, col)
}

/// The check packs a roadmap names (`checks = [...]`), with the line and column of each; empty
/// when there are none or the file does not parse (the full parse reports that).
pub fn pack_dirs(text: &str) -> Vec<(String, u32, u32)> {
    #[derive(Deserialize)]
    struct Refs {
        #[serde(default)]
        checks: Vec<Spanned<String>>,
    }
    match toml::from_str::<Refs>(text) {
        Ok(r) => r
            .checks
            .into_iter()
            .map(|c| {
                let (line, col) = line_col(text, c.span().start);
                (c.into_inner(), line, col)
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Parses `text`, returning the roadmap when it is usable and every diagnostic (errors and warnings).
pub fn parse_with_warnings(text: &str, name: &str) -> (Option<Roadmap>, Vec<Diagnostic>) {
    parse_with_packs(text, name, &Packs::default())
}

/// Parses `text` with the check packs it (or the command line) named already loaded: their
/// checks are known ids, and each joins the item it names unless the roadmap lists it.
pub fn parse_with_packs(text: &str, name: &str, packs: &Packs) -> (Option<Roadmap>, Vec<Diagnostic>) {
    let catalog = registry::Catalog::new(packs);
    let mut d = Diags { text, name, out: Vec::new() };
    let raw: Raw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            d.error(span, e.message().trim().to_string());
            return (None, d.out);
        }
    };
    if *raw.format.get_ref() != FORMAT {
        d.error(
            raw.format.span(),
            format!("unsupported roadmap format {} (this version reads format {FORMAT})", raw.format.get_ref()),
        );
    }
    let weeks = *raw.roadmap.weeks.get_ref();
    if weeks == 0 || weeks > 520 {
        d.error(raw.roadmap.weeks.span(), format!("`weeks` must be between 1 and 520, not {weeks}"));
    }
    let start = raw.roadmap.start.as_ref().and_then(|s| {
        let dt = s.get_ref();
        match (dt.date, dt.time) {
            (Some(date), None) => Some(date.to_string()),
            _ => {
                d.error(s.span(), "`start` must be a date such as 2026-01-05".into());
                None
            }
        }
    });

    let mut seen = HashSet::new();
    for a in &raw.areas {
        d.unique(&mut seen, "area", &a.id);
    }
    let area_ids: HashSet<&str> = raw.areas.iter().map(|a| a.id.get_ref().as_str()).collect();
    let mut seen = HashSet::new();
    for item in &raw.items {
        d.unique(&mut seen, "item", &item.id);
        if !area_ids.contains(item.area.get_ref().as_str()) {
            d.error(
                item.area.span(),
                format!("item `{}` names unknown area `{}`", item.id.get_ref(), item.area.get_ref()),
            );
        }
        check_weight(&mut d, &item.weight, "item weight");
        if let Some(p) = &item.pass_at {
            let v = *p.get_ref();
            if !(v > 0.0 && v <= 100.0) {
                d.error(p.span(), format!("pass_at must be a score above 0 and at most 100, not {}", number(v)));
            }
        }
        let mut check_ids = HashSet::new();
        for c in item.checks.get_ref() {
            if catalog.find(c.id.get_ref()).is_none() {
                d.error(
                    c.id.span(),
                    format!("unknown check id `{}` (see `maturity checks` for the list)", c.id.get_ref()),
                );
            }
            if !check_ids.insert(c.id.get_ref().clone()) {
                d.error(
                    c.id.span(),
                    format!("check `{}` is listed twice in item `{}`", c.id.get_ref(), item.id.get_ref()),
                );
            }
            check_weight(&mut d, &c.weight, "check weight");
        }
        if let Some(r) = &item.rubric {
            for req in &r.required {
                if !check_ids.contains(req.get_ref()) {
                    d.error(
                        req.span(),
                        format!(
                            "the rubric of item `{}` requires `{}`, which is not one of the item's checks",
                            item.id.get_ref(),
                            req.get_ref()
                        ),
                    );
                }
            }
            for (name, words) in [("pass", &r.pass), ("partial", &r.partial), ("fail", &r.fail)] {
                if words.trim().is_empty() {
                    d.error(
                        item.id.span(),
                        format!("the rubric of item `{}` says nothing for {name}", item.id.get_ref()),
                    );
                }
            }
        }
        if item.checks.get_ref().is_empty() {
            d.warning(
                item.checks.span(),
                format!("item `{}` has no checks; it will be reported as not assessed", item.id.get_ref()),
            );
        }
    }
    let item_ids: HashSet<&str> = raw.items.iter().map(|i| i.id.get_ref().as_str()).collect();
    let deliverable_ids: HashSet<&str> = raw.deliverables.iter().map(|x| x.id.get_ref().as_str()).collect();
    let metric_ids: HashSet<&str> = raw.metrics.iter().map(|m| m.id.get_ref().as_str()).collect();

    let mut seen = HashSet::new();
    let mut phased: HashSet<&str> = HashSet::new();
    let mut last_end = 0;
    for p in &raw.phases {
        d.unique(&mut seen, "phase", &p.id);
        match p.weeks.get_ref().as_slice() {
            [a, b] if *a >= 1 && a <= b && *b <= weeks => {
                if *a <= last_end {
                    d.warning(
                        p.weeks.span(),
                        format!(
                            "phase `{}` starts in week {a}, before the previous phase ends (week {last_end})",
                            p.id.get_ref()
                        ),
                    );
                }
                last_end = *b;
            }
            _ => d.error(
                p.weeks.span(),
                format!("phase `{}`: `weeks` must be [first, last] within 1..={weeks}", p.id.get_ref()),
            ),
        }
        if p.tasks.is_empty() {
            d.error(p.id.span(), format!("phase `{}` has no tasks", p.id.get_ref()));
        }
        for t in &p.tasks {
            for i in &t.items {
                if item_ids.contains(i.get_ref().as_str()) {
                    phased.insert(i.get_ref().as_str());
                } else {
                    d.error(i.span(), format!("task `{}` names unknown item `{}`", t.title, i.get_ref()));
                }
            }
            for x in &t.deliverables {
                match raw.deliverables.iter().find(|r| r.id.get_ref() == x.get_ref()) {
                    // a task that prepares deliverables delivers the items their parts show
                    Some(r) => phased.extend(r.parts.iter().flat_map(|p| &p.items).map(|i| i.get_ref().as_str())),
                    None if !deliverable_ids.contains(x.get_ref().as_str()) => {
                        d.error(x.span(), format!("task `{}` names unknown deliverable `{}`", t.title, x.get_ref()))
                    }
                    None => {}
                }
            }
        }
    }
    for item in &raw.items {
        if !phased.contains(item.id.get_ref().as_str()) {
            d.error(
                item.id.span(),
                format!("item `{}` is in no phase (add it to a task's `items`)", item.id.get_ref()),
            );
        }
    }
    let mut seen = HashSet::new();
    for m in &raw.metrics {
        d.unique(&mut seen, "metric", &m.id);
        let t = m.target.get_ref();
        if !t.value.is_finite() {
            d.error(m.target.span(), format!("metric `{}`: target value must be a finite number", m.id.get_ref()));
        } else if t.value.abs() > MAX_TARGET {
            d.error(
                m.target.span(),
                format!(
                    "metric `{}`: target value {} is out of range (at most {} either way)",
                    m.id.get_ref(),
                    number(t.value),
                    number(MAX_TARGET)
                ),
            );
        }
        if t.unit.trim().is_empty() {
            d.error(
                m.target.span(),
                format!("metric `{}`: target unit is empty (use \"count\" for plain numbers)", m.id.get_ref()),
            );
        }
        if let Some(measure) = &m.measure
            && metrics::find(measure.get_ref()).is_none()
        {
            let known: Vec<&str> = metrics::MEASURES.iter().map(|x| x.id).collect();
            d.error(measure.span(), format!("unknown measure `{}` (known: {})", measure.get_ref(), known.join(", ")));
        }
    }
    let mut seen = HashSet::new();
    for x in &raw.deliverables {
        d.unique(&mut seen, "deliverable", &x.id);
        for part in &x.parts {
            for i in &part.items {
                if !item_ids.contains(i.get_ref().as_str()) {
                    d.error(
                        i.span(),
                        format!("deliverable part `{}` names unknown item `{}`", part.title, i.get_ref()),
                    );
                }
            }
            for m in &part.metrics {
                if !metric_ids.contains(m.get_ref().as_str()) {
                    d.error(
                        m.span(),
                        format!("deliverable part `{}` names unknown metric `{}`", part.title, m.get_ref()),
                    );
                }
            }
        }
    }
    if raw.items.is_empty() {
        d.error(0..0, "the roadmap has no items".into());
    }
    if raw.phases.is_empty() {
        d.error(0..0, "the roadmap has no phases".into());
    }
    for dir in &raw.checks {
        if dir.get_ref().trim().is_empty() {
            d.error(dir.span(), "`checks` names an empty folder".into());
        }
    }
    // the items the parts of each deliverable show, in order: what a task preparing it delivers
    let deliverable_items: Vec<(String, Vec<String>)> = raw
        .deliverables
        .iter()
        .map(|x| {
            let mut items: Vec<String> = Vec::new();
            for i in x.parts.iter().flat_map(|p| &p.items) {
                if !items.contains(i.get_ref()) {
                    items.push(i.get_ref().clone());
                }
            }
            (x.id.get_ref().clone(), items)
        })
        .collect();
    let mut roadmap = Roadmap {
        id: raw.roadmap.id.into_inner(),
        title: raw.roadmap.title,
        objective: raw.roadmap.objective,
        weeks,
        start,
        areas: raw.areas.into_iter().map(|a| Area { id: a.id.into_inner(), title: a.title }).collect(),
        items: raw
            .items
            .into_iter()
            .map(|i| Item {
                id: i.id.into_inner(),
                area: i.area.into_inner(),
                title: i.title,
                implementation: i.implementation,
                tools: i.tools,
                justification: i.justification,
                weight: i.weight.into_inner(),
                pass_at: i.pass_at.map(Spanned::into_inner),
                rubric: i.rubric.map(|r| Rubric {
                    pass: r.pass,
                    partial: r.partial,
                    fail: r.fail,
                    required: r.required.into_iter().map(Spanned::into_inner).collect(),
                }),
                checks: i
                    .checks
                    .into_inner()
                    .into_iter()
                    .map(|c| CheckRef { id: c.id.into_inner(), weight: c.weight.into_inner() })
                    .collect(),
            })
            .collect(),
        phases: raw
            .phases
            .into_iter()
            .enumerate()
            .map(|(n, p)| {
                let w = p.weeks.into_inner();
                Phase {
                    id: p.id.into_inner(),
                    number: n as u32 + 1,
                    title: p.title,
                    weeks: [w.first().copied().unwrap_or(1), w.get(1).copied().unwrap_or(1)],
                    tasks: p
                        .tasks
                        .into_iter()
                        .map(|t| {
                            let mut items: Vec<String> = t.items.into_iter().map(Spanned::into_inner).collect();
                            let deliverables: Vec<String> =
                                t.deliverables.into_iter().map(Spanned::into_inner).collect();
                            for (_, shown) in deliverable_items.iter().filter(|(id, _)| deliverables.contains(id)) {
                                for i in shown {
                                    if !items.contains(i) {
                                        items.push(i.clone());
                                    }
                                }
                            }
                            Task { title: t.title, items, deliverables }
                        })
                        .collect(),
                }
            })
            .collect(),
        metrics: raw
            .metrics
            .into_iter()
            .map(|m| {
                let t = m.target.into_inner();
                Metric {
                    id: m.id.into_inner(),
                    group: m.group,
                    title: m.title,
                    statement: m.statement,
                    target: Target { op: t.op, value: t.value, unit: t.unit },
                    measure: m.measure.map(Spanned::into_inner),
                }
            })
            .collect(),
        deliverables: raw
            .deliverables
            .into_iter()
            .map(|x| Deliverable {
                id: x.id.into_inner(),
                title: x.title,
                parts: x
                    .parts
                    .into_iter()
                    .map(|p| Part {
                        title: p.title,
                        items: p.items.into_iter().map(Spanned::into_inner).collect(),
                        metrics: p.metrics.into_iter().map(Spanned::into_inner).collect(),
                    })
                    .collect(),
            })
            .collect(),
        hash: hex(&Sha256::digest(text.as_bytes())),
        source: name.to_string(),
        packs: packs.clone(),
    };
    add_pack_checks(&mut roadmap, &mut d.out);
    (Some(roadmap), d.out)
}

/// Adds each pack check the roadmap does not list to the item it names, with its weight; a check
/// naming an item the roadmap does not have is an error at the check's `item`.
fn add_pack_checks(roadmap: &mut Roadmap, out: &mut Vec<Diagnostic>) {
    let packs = roadmap.packs.clone();
    for c in packs.checks() {
        if roadmap.items.iter().any(|i| i.checks.iter().any(|r| r.id == c.id)) {
            continue;
        }
        match roadmap.items.iter_mut().find(|i| i.id == c.item) {
            Some(item) => item.checks.push(CheckRef { id: c.id.clone(), weight: c.weight }),
            None => out.push(Diagnostic {
                file: c.file.clone(),
                line: c.item_at.0,
                column: c.item_at.1,
                severity: Severity::Error,
                message: format!(
                    "the check `{}` counts for item `{}`, which the roadmap `{}` does not have (items: {})",
                    c.id,
                    c.item,
                    roadmap.id,
                    roadmap.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
}

fn check_weight(d: &mut Diags, w: &Spanned<f64>, what: &str) {
    if let Some(why) = weight_error(*w.get_ref()) {
        d.error(w.span(), format!("{what} {why}"));
    }
}

/// Why `v` cannot be a weight (see [`is_weight`]), as the end of a sentence naming the weight.
pub(crate) fn weight_error(v: f64) -> Option<String> {
    (!is_weight(v)).then(|| format!("must be a positive number up to {}, not {}", number(MAX_WEIGHT), number(v)))
}

/// A number from a file, shown as written: `1000`, `0.5`, `1e308`, `inf`, `NaN`.
pub(crate) fn number(v: f64) -> String {
    if v == 0.0 || (1e-3..1e9).contains(&v.abs()) { maturity_checks::model::fmt_num(v) } else { format!("{v:e}") }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_roadmap_encodes_the_whole_seed() {
        let (r, diags) = parse_with_warnings(DEFAULT_TOML, DEFAULT_NAME);
        let r = r.expect("parses");
        assert!(diags.iter().all(|d| d.severity == Severity::Warning), "{diags:?}");
        assert_eq!(r.areas.len(), 7);
        assert_eq!(r.items.len(), 22);
        assert_eq!(r.phases.len(), 4);
        assert_eq!(r.metrics.len(), 12);
        assert_eq!(r.deliverables.len(), 3);
        assert_eq!(r.weeks, 16);
        let weeks: Vec<[u32; 2]> = r.phases.iter().map(|p| p.weeks).collect();
        assert_eq!(weeks, vec![[1, 4], [5, 8], [9, 12], [13, 16]]);
        for p in &r.phases {
            assert_eq!(p.tasks.len(), 4, "{}", p.id);
        }
        let tasks: Vec<&str> = r.phases.iter().flat_map(|p| p.tasks.iter().map(|t| t.title.as_str())).collect();
        assert!(tasks.contains(&"Disaster recovery procedures"));
        assert!(tasks.contains(&"Final demo preparation"));
        let groups: Vec<&str> = r.metrics.iter().map(|m| m.group.as_str()).collect();
        assert_eq!(groups.iter().filter(|g| **g == "performance").count(), 4);
        assert_eq!(groups.iter().filter(|g| **g == "quality").count(), 4);
        assert_eq!(groups.iter().filter(|g| **g == "business").count(), 4);
        let parts: usize = r.deliverables.iter().map(|d| d.parts.len()).sum();
        assert_eq!(parts, 12);
        for item in &r.items {
            assert!(
                !item.implementation.is_empty() && !item.tools.is_empty() && !item.justification.is_empty(),
                "{}",
                item.id
            );
        }
    }

    #[test]
    fn the_demo_task_delivers_what_the_readout_shows() {
        let (r, _) = parse_with_warnings(DEFAULT_TOML, DEFAULT_NAME);
        let r = r.expect("parses");
        let task = r.phases.iter().flat_map(|p| &p.tasks).find(|t| t.title == "Final demo preparation").expect("task");
        let mut shown: Vec<&str> =
            r.deliverables.iter().flat_map(|d| &d.parts).flat_map(|p| &p.items).map(String::as_str).collect();
        shown.sort();
        shown.dedup();
        let mut items: Vec<&str> = task.items.iter().map(String::as_str).collect();
        items.sort();
        assert_eq!(items, shown, "the demo is ready when every part of its deliverables can be shown");
        assert!(items.contains(&"7.1") && items.len() > 1, "not feature flags alone");
    }

    #[test]
    fn every_registered_check_is_used_by_the_default_roadmap() {
        let r = Roadmap::default_roadmap();
        for c in registry::CHECKS {
            let id = c.meta().id;
            assert!(r.items.iter().any(|i| i.checks.iter().any(|c| c.id == id)), "check {id} is in no item");
        }
    }

    fn errors(text: &str) -> Vec<String> {
        match Roadmap::parse(text, "r.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect(),
        }
    }

    const MINIMAL: &str = r#"format = 1
[roadmap]
id = "r"
title = "R"
weeks = 4
[[areas]]
id = "a"
title = "A"
[[items]]
id = "1"
area = "a"
title = "One"
checks = [{ id = "repo.ci.tests_run_on_pull_requests", weight = 2 }]
[[phases]]
id = "p"
title = "P"
weeks = [1, 4]
tasks = [{ title = "T", items = ["1"] }]
[[metrics]]
id = "m"
group = "quality"
title = "M"
target = { op = ">", value = 90, unit = "%" }
measure = "coverage.line_percent"
"#;

    #[test]
    fn minimal_roadmap_is_valid() {
        assert_eq!(errors(MINIMAL), Vec::<String>::new());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        for (name, from, to, want) in [
            ("syntax", "title = \"R\"", "title = \"R", "r.toml:4:"),
            (
                "unknown key",
                "weeks = 4\n[[areas]]",
                "weeks = 4\nweek = 3\n[[areas]]",
                "r.toml:6:1: error: unknown field `week`",
            ),
            (
                "unknown check",
                "repo.ci.tests_run_on_pull_requests",
                "repo.ci.nope",
                "r.toml:13:18: error: unknown check id `repo.ci.nope`",
            ),
            ("unknown area", "area = \"a\"", "area = \"b\"", "r.toml:11:8: error: item `1` names unknown area `b`"),
            ("item in no phase", "items = [\"1\"]", "items = []", "r.toml:10:6: error: item `1` is in no phase"),
            ("bad op", "op = \">\"", "op = \"~\"", "r.toml:23:"),
            ("bad weeks", "weeks = [1, 4]", "weeks = [3, 2]", "r.toml:17:9: error: phase `p`: `weeks` must be"),
            ("bad weight", "weight = 2", "weight = -1", "r.toml:13:65: error: check weight must be a positive number"),
            (
                "huge weight",
                "weight = 2",
                "weight = 1e308",
                "r.toml:13:65: error: check weight must be a positive number up to 1000, not 1e308",
            ),
            (
                "infinite weight",
                "weight = 2",
                "weight = inf",
                "r.toml:13:65: error: check weight must be a positive number up to 1000, not inf",
            ),
            (
                "nan weight",
                "weight = 2",
                "weight = nan",
                "r.toml:13:65: error: check weight must be a positive number up to 1000, not NaN",
            ),
            ("zero weight", "weight = 2", "weight = 0", "not 0"),
            ("weight above the bound", "weight = 2", "weight = 1000.5", "not 1000.5"),
            ("negative tiny weight", "weight = 2", "weight = -1e-30", "not -1e-30"),
            (
                "huge item weight",
                "title = \"One\"",
                "title = \"One\"\nweight = 1e308",
                "r.toml:13:10: error: item weight must be a positive number up to 1000, not 1e308",
            ),
            (
                "nan pass_at",
                "title = \"One\"",
                "title = \"One\"\npass_at = nan",
                "pass_at must be a score above 0 and at most 100, not NaN",
            ),
            ("huge target", "value = 90", "value = 1e300", "metric `m`: target value 1e300 is out of range"),
            (
                "bad pass_at",
                "title = \"One\"",
                "title = \"One\"\npass_at = 120",
                "r.toml:13:11: error: pass_at must be a score above 0 and at most 100, not 120",
            ),
            (
                "unknown measure",
                "coverage.line_percent",
                "coverage.bogus",
                "r.toml:24:11: error: unknown measure `coverage.bogus`",
            ),
            (
                "duplicate item",
                "[[phases]]",
                "[[items]]\nid = \"1\"\narea = \"a\"\ntitle = \"Again\"\nchecks = []\n[[phases]]",
                "error: duplicate item id `1`",
            ),
            ("bad format", "format = 1", "format = 2", "r.toml:1:10: error: unsupported roadmap format 2"),
            ("nan target", "value = 90", "value = nan", "target value must be a finite number"),
        ] {
            let text = MINIMAL.replacen(from, to, 1);
            assert_ne!(text, MINIMAL, "{name}: replacement did not apply");
            let errs = errors(&text);
            assert!(errs.iter().any(|e| e.contains(want)), "{name}: {errs:#?}");
        }
    }

    #[test]
    fn any_positive_weight_up_to_the_bound_is_valid() {
        for w in ["1e-30", "0.001", "1", "999.5", "1000"] {
            let text = MINIMAL.replacen("weight = 2", &format!("weight = {w}"), 1);
            assert_eq!(errors(&text), Vec::<String>::new(), "{w}");
        }
    }

    #[test]
    fn all_errors_are_reported_at_once() {
        let text = MINIMAL.replace("repo.ci.tests_run_on_pull_requests", "x.y").replace("area = \"a\"", "area = \"z\"");
        assert_eq!(errors(&text).len(), 2);
    }

    #[test]
    fn hostile_input_gives_errors_not_panics() {
        for text in [
            "",
            "\0\0\0",
            "[[[[",
            "format = 1\n[roadmap]\nid=1",
            &"[a]\n".repeat(10_000),
            &format!("x = {}", "[".repeat(100_000)),
        ] {
            let _ = Roadmap::parse(text, "r.toml");
        }
    }

    #[test]
    fn targets_compare() {
        for (op, v, t, want) in [
            (Op::Lt, 99.0, 100.0, true),
            (Op::Gt, 90.0, 90.0, false),
            (Op::Ge, 90.0, 90.0, true),
            (Op::Eq, 0.0, 0.0, true),
            (Op::Le, 1.1, 1.0, false),
        ] {
            assert_eq!(op.holds(v, t), want, "{op:?} {v} {t}");
        }
    }

    #[test]
    fn every_built_in_item_states_its_pass_rule() {
        let r = Roadmap::default_roadmap();
        for item in &r.items {
            let rubric = item.rubric.as_ref().unwrap_or_else(|| panic!("item {} has no rubric", item.id));
            assert!(!rubric.pass.is_empty() && !rubric.partial.is_empty() && !rubric.fail.is_empty(), "{}", item.id);
            for req in &rubric.required {
                assert!(item.checks.iter().any(|c| &c.id == req), "{}: {req}", item.id);
            }
        }
    }

    #[test]
    fn a_rubric_may_only_require_the_items_own_checks() {
        let text = DEFAULT_TOML.replacen(
            "rubric.required = [\"repo.iac.kubernetes_cluster_declared\"",
            "rubric.required = [\"repo.ci.deployment_automated\"",
            1,
        );
        let err = Roadmap::parse(&text, "r.toml").unwrap_err().to_string();
        assert!(
            err.contains("requires `repo.ci.deployment_automated`, which is not one of the item's checks"),
            "{err}"
        );
    }
}
