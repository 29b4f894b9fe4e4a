//! Coverage and security-scan reports: found in the tree, at the places tools write them, or
//! given on the command line, and parsed into figures.
//!
//! Coverage: Clover, Cobertura, lcov, JaCoCo, Istanbul `coverage-summary.json` and Go cover
//! profiles, all reduced to covered and total lines. Scans: SARIF 2.1.0 and Trivy JSON, counted
//! by severity. Reports are usually ignored by git, so besides the walk we look at the fixed paths
//! tools write to (`coverage/clover.xml`, `target/site/jacoco/jacoco.xml`...), refusing symlinks.
//! Reports under test fixtures, examples or vendored code describe something else and are only
//! counted, never used.

use super::files::{FileIndex, Location};
use super::{EvidenceInput, EvidenceKind, Problem, xml};
use serde::Serialize;
use serde_json::Value as Json;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageFormat {
    Clover,
    Cobertura,
    Lcov,
    Jacoco,
    IstanbulSummary,
    GoCoverprofile,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    pub path: String,
    pub format: CoverageFormat,
    pub lines_covered: u64,
    pub lines_total: u64,
    /// Line (or statement) coverage in percent.
    pub percent: f64,
    /// Given with `--evidence` rather than found in the repository.
    pub given: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanFormat {
    Sarif,
    Trivy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    /// No severity could be derived (SARIF results with only a level).
    Unrated,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub unrated: u64,
}

impl SeverityCounts {
    fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Unrated => self.unrated += 1,
        }
    }
    pub fn total(&self) -> u64 {
        self.critical + self.high + self.medium + self.low + self.unrated
    }
}

/// One notable finding of a scan (the worst ones are kept for the report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanItem {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanReport {
    pub path: String,
    pub format: ScanFormat,
    pub tools: Vec<String>,
    pub counts: SeverityCounts,
    /// Results suppressed in the report (SARIF `suppressions`), not counted.
    pub suppressed: u64,
    pub worst: Vec<ScanItem>,
    pub given: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Reports {
    pub coverage: Vec<CoverageReport>,
    pub scans: Vec<ScanReport>,
    /// Report files ignored because they sit in fixtures, examples or vendored code.
    pub ignored: Vec<String>,
    /// Reports that could not be read or parsed, with the kind they were read as.
    pub broken: Vec<(EvidenceKind, Problem)>,
}

impl Reports {
    /// The first report of this kind that could not be read.
    pub fn broken(&self, kind: EvidenceKind) -> Option<&Problem> {
        self.broken.iter().find(|(k, _)| *k == kind).map(|(_, p)| p)
    }
}

/// Where tools write reports; usually ignored by git, so looked up directly.
const WELL_KNOWN: &[&str] = &[
    "coverage/clover.xml",
    "coverage/cobertura-coverage.xml",
    "coverage/cobertura.xml",
    "coverage/lcov.info",
    "coverage/coverage-summary.json",
    "coverage/coverage.xml",
    "coverage.xml",
    "cobertura.xml",
    "clover.xml",
    "lcov.info",
    "coverage.out",
    "build/logs/clover.xml",
    "build/coverage/clover.xml",
    "build/coverage/cobertura.xml",
    "var/coverage/clover.xml",
    "var/coverage/cobertura.xml",
    "reports/coverage.xml",
    "reports/clover.xml",
    "target/site/jacoco/jacoco.xml",
    "build/reports/jacoco/test/jacocoTestReport.xml",
    "target/coverage/lcov.info",
    "target/llvm-cov/lcov.info",
    "target/tarpaulin/cobertura.xml",
    "target/cobertura.xml",
    "results.sarif",
    "trivy-results.sarif",
    "trivy-results.json",
    "trivy-report.json",
    "trivy.json",
    "reports/trivy.json",
    "reports/results.sarif",
];

/// What kind of report a file name suggests.
fn kind_by_name(name: &str) -> Option<EvidenceKind> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".sarif") || n.ends_with(".sarif.json") {
        return Some(EvidenceKind::Sarif);
    }
    if n.contains("trivy") && n.ends_with(".json") {
        return Some(EvidenceKind::Trivy);
    }
    let coverage = matches!(
        n.as_str(),
        "clover.xml"
            | "cobertura.xml"
            | "cobertura-coverage.xml"
            | "coverage.cobertura.xml"
            | "lcov.info"
            | "jacoco.xml"
            | "jacocotestreport.xml"
            | "coverage-summary.json"
            | "coverage.xml"
            | "coverage.out"
            | "cover.out"
    ) || n.ends_with(".lcov")
        || n.ends_with(".coverprofile");
    coverage.then_some(EvidenceKind::Coverage)
}

pub fn collect(files: &FileIndex, given: &[EvidenceInput], problems: &mut Vec<Problem>) -> Reports {
    let mut out = Reports::default();
    for (i, e) in files.entries().iter().enumerate() {
        let Some(kind) = kind_by_name(e.name()) else {
            continue;
        };
        if !matches!(e.location, Location::Project) {
            out.ignored.push(e.path.clone());
            continue;
        }
        let Some(text) = files.text(i) else { continue };
        add(&mut out, kind, &e.path, text, false, problems);
    }
    for rel in WELL_KNOWN {
        if files.exists(rel) {
            continue;
        }
        let Some(kind) = kind_by_name(rel.rsplit('/').next().unwrap_or(rel)) else {
            continue;
        };
        // not walked (often ignored by git), so read with the walk's rules: a regular file whose
        // every path component stays inside the tree
        match super::read::read_inside(files.root(), rel, MAX_REPORT_BYTES) {
            Ok(bytes) => add(&mut out, kind, rel, &String::from_utf8_lossy(&bytes), false, problems),
            Err(super::read::ReadError::NotFound) => {}
            Err(e) => {
                broken(&mut out, kind, Problem { path: rel.to_string(), line: None, message: e.to_string() }, problems)
            }
        }
    }
    for input in given {
        if !matches!(input.kind, EvidenceKind::Coverage | EvidenceKind::Sarif | EvidenceKind::Trivy) {
            continue;
        }
        let shown = display_path(files.root(), &input.path);
        match read_given(&input.path) {
            Ok(text) => add(&mut out, input.kind, &shown, &text, true, problems),
            Err(message) => broken(&mut out, input.kind, Problem { path: shown, line: None, message }, problems),
        }
    }
    out
}

/// A given file's path relative to the audited root when inside it, as given otherwise.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    match abs.strip_prefix(&root) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// Largest report read (coverage of a large Java monorepo is tens of MiB).
pub const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads an evidence file named by the user (outside the tree is allowed: the user chose it;
/// paths from `.maturity.toml` were checked to stay inside when it was read). Only a regular file
/// within [`MAX_REPORT_BYTES`] is read, so a FIFO or a device cannot stall the audit.
pub(crate) fn read_given(path: &Path) -> Result<String, String> {
    let bytes = super::read::read_regular(path, MAX_REPORT_BYTES, false)
        .map_err(|e| format!("cannot read evidence file: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn add(out: &mut Reports, kind: EvidenceKind, path: &str, text: &str, given: bool, problems: &mut Vec<Problem>) {
    let result = match kind {
        EvidenceKind::Coverage => parse_coverage(path, text).map(|mut r| {
            r.given = given;
            out.coverage.push(r);
        }),
        EvidenceKind::Sarif => parse_sarif(path, text).map(|mut r| {
            r.given = given;
            out.scans.push(r);
        }),
        EvidenceKind::Trivy => parse_trivy(path, text).map(|mut r| {
            r.given = given;
            out.scans.push(r);
        }),
        // performance reports and the metrics file are read by `perf`
        EvidenceKind::K6 | EvidenceKind::Gatling | EvidenceKind::Lighthouse | EvidenceKind::Metrics => Ok(()),
    };
    if let Err(message) = result {
        broken(out, kind, Problem { path: path.to_string(), line: None, message }, problems);
    }
}

fn broken(out: &mut Reports, kind: EvidenceKind, problem: Problem, problems: &mut Vec<Problem>) {
    problems.push(problem.clone());
    out.broken.push((kind, problem));
}

fn percent(covered: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { covered as f64 * 100.0 / total as f64 }
}

fn report(path: &str, format: CoverageFormat, covered: u64, total: u64) -> Result<CoverageReport, String> {
    if covered > total {
        return Err(format!("{covered} covered lines out of {total}: the report is inconsistent"));
    }
    Ok(CoverageReport {
        path: path.to_string(),
        format,
        lines_covered: covered,
        lines_total: total,
        percent: percent(covered, total),
        given: false,
    })
}

/// Detects the coverage format from the content and parses it.
pub fn parse_coverage(path: &str, text: &str) -> Result<CoverageReport, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return parse_coverage_xml(path, text);
    }
    if trimmed.starts_with('{') {
        return istanbul_summary(path, text);
    }
    if trimmed.starts_with("mode:") {
        return go_coverprofile(path, text);
    }
    if text.lines().any(|l| l.starts_with("SF:") || l.starts_with("DA:")) {
        return lcov(path, text);
    }
    Err("not a coverage report this tool reads (Clover, Cobertura, lcov, JaCoCo, Istanbul summary, Go cover profile)"
        .into())
}

fn attr_u64(node: roxmltree::Node, name: &str) -> Option<u64> {
    node.attribute(name).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| *v >= 0.0).map(|v| v as u64)
}

fn parse_coverage_xml(path: &str, text: &str) -> Result<CoverageReport, String> {
    let doc = xml::parse(text).map_err(|e| format!("invalid XML: {e}"))?;
    let root = doc.root_element();
    match root.tag_name().name() {
        // Clover: <coverage generated=".."><project><metrics statements= coveredstatements=/></project>
        "coverage" if root.children().any(|c| c.has_tag_name("project")) => {
            let project = root.children().find(|c| c.has_tag_name("project")).ok_or("no <project>")?;
            let metrics = project
                .children()
                .rfind(|c| c.has_tag_name("metrics"))
                .ok_or("Clover report without project <metrics>")?;
            let total = attr_u64(metrics, "statements").ok_or("Clover <metrics> without `statements`")?;
            let covered =
                attr_u64(metrics, "coveredstatements").ok_or("Clover <metrics> without `coveredstatements`")?;
            report(path, CoverageFormat::Clover, covered, total)
        }
        // Cobertura: <coverage line-rate= lines-covered= lines-valid=>
        "coverage" => {
            if let (Some(covered), Some(total)) = (attr_u64(root, "lines-covered"), attr_u64(root, "lines-valid")) {
                return report(path, CoverageFormat::Cobertura, covered, total);
            }
            let (mut covered, mut total) = (0, 0);
            for line in root
                .descendants()
                .filter(|n| n.has_tag_name("line") && n.parent().is_some_and(|p| p.has_tag_name("lines")))
            {
                total += 1;
                if attr_u64(line, "hits").unwrap_or(0) > 0 {
                    covered += 1;
                }
            }
            if total == 0 {
                let rate = root
                    .attribute("line-rate")
                    .and_then(|r| r.parse::<f64>().ok())
                    .ok_or("Cobertura report without line counts")?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("line-rate {rate} is not between 0 and 1"));
                }
                return Ok(CoverageReport {
                    path: path.into(),
                    format: CoverageFormat::Cobertura,
                    lines_covered: 0,
                    lines_total: 0,
                    percent: rate * 100.0,
                    given: false,
                });
            }
            report(path, CoverageFormat::Cobertura, covered, total)
        }
        // JaCoCo: <report><counter type="LINE" missed= covered=/></report>
        "report" => {
            let counter = root
                .children()
                .find(|c| c.has_tag_name("counter") && c.attribute("type") == Some("LINE"))
                .ok_or("JaCoCo report without a report-level LINE counter")?;
            let covered = attr_u64(counter, "covered").ok_or("LINE counter without `covered`")?;
            let missed = attr_u64(counter, "missed").ok_or("LINE counter without `missed`")?;
            report(path, CoverageFormat::Jacoco, covered, covered + missed)
        }
        other => Err(format!("unknown coverage XML root element <{other}>")),
    }
}

fn lcov(path: &str, text: &str) -> Result<CoverageReport, String> {
    let (mut found, mut hit, mut da_total, mut da_hit) = (0u64, 0u64, 0u64, 0u64);
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("LF:") {
            found += v.trim().parse::<u64>().map_err(|_| format!("bad LF line `{line}`"))?;
        } else if let Some(v) = line.strip_prefix("LH:") {
            hit += v.trim().parse::<u64>().map_err(|_| format!("bad LH line `{line}`"))?;
        } else if let Some(v) = line.strip_prefix("DA:") {
            da_total += 1;
            let count = v.split(',').nth(1).and_then(|c| c.trim().parse::<f64>().ok()).unwrap_or(0.0);
            if count > 0.0 {
                da_hit += 1;
            }
        }
    }
    if found == 0 {
        (found, hit) = (da_total, da_hit);
    }
    report(path, CoverageFormat::Lcov, hit, found)
}

fn istanbul_summary(path: &str, text: &str) -> Result<CoverageReport, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let lines = doc.pointer("/total/lines").ok_or("JSON without `total.lines`: not an Istanbul coverage summary")?;
    let total = lines.get("total").and_then(Json::as_u64).ok_or("`total.lines.total` missing")?;
    let covered = lines.get("covered").and_then(Json::as_u64).ok_or("`total.lines.covered` missing")?;
    report(path, CoverageFormat::IstanbulSummary, covered, total)
}

fn go_coverprofile(path: &str, text: &str) -> Result<CoverageReport, String> {
    // name.go:line.col,line.col numberOfStatements count — blocks may repeat across packages
    let mut blocks: std::collections::HashMap<&str, (u64, bool)> = std::collections::HashMap::new();
    for line in text.lines().skip(1) {
        let mut parts = line.rsplitn(3, ' ');
        let (Some(count), Some(stmts), Some(block)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let stmts: u64 = stmts.parse().map_err(|_| format!("bad cover profile line `{line}`"))?;
        let hit = count.parse::<u64>().map_err(|_| format!("bad cover profile line `{line}`"))? > 0;
        let e = blocks.entry(block).or_insert((stmts, false));
        e.1 |= hit;
    }
    let total = blocks.values().map(|(s, _)| s).sum();
    let covered = blocks.values().filter(|(_, h)| *h).map(|(s, _)| s).sum();
    report(path, CoverageFormat::GoCoverprofile, covered, total)
}

fn cvss_severity(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Unrated,
    }
}

fn named_severity(name: &str) -> Option<Severity> {
    match name.to_ascii_uppercase().as_str() {
        "CRITICAL" => Some(Severity::Critical),
        "HIGH" => Some(Severity::High),
        "MEDIUM" | "MODERATE" => Some(Severity::Medium),
        "LOW" | "NEGLIGIBLE" => Some(Severity::Low),
        _ => None,
    }
}

fn keep_worst(worst: &mut Vec<ScanItem>, item: ScanItem) {
    if item.severity > Severity::High {
        return;
    }
    worst.push(item);
    worst.sort_by_key(|a| a.severity);
    worst.truncate(10);
}

/// SARIF 2.1.0: results counted by the `security-severity` of the result or its rule (the GitHub
/// convention, CVSS-like 0–10), else by a severity tag (Trivy writes `CRITICAL`), else unrated.
pub fn parse_sarif(path: &str, text: &str) -> Result<ScanReport, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let version = doc.get("version").and_then(Json::as_str).unwrap_or("");
    if !version.starts_with("2.1") {
        return Err(format!("SARIF version `{version}` is not 2.1.0"));
    }
    let runs = doc.get("runs").and_then(Json::as_array).ok_or("SARIF without `runs`")?;
    let mut out = ScanReport {
        path: path.to_string(),
        format: ScanFormat::Sarif,
        tools: Vec::new(),
        counts: SeverityCounts::default(),
        suppressed: 0,
        worst: Vec::new(),
        given: false,
    };
    for run in runs {
        let driver = run.pointer("/tool/driver");
        if let Some(name) = driver.and_then(|d| d.get("name")).and_then(Json::as_str)
            && !out.tools.iter().any(|t| t == name)
        {
            out.tools.push(name.to_string());
        }
        let rules: Vec<&Json> = driver
            .and_then(|d| d.get("rules"))
            .and_then(Json::as_array)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        let rule_severity = |rule: &Json| -> Option<Severity> {
            let props = rule.get("properties")?;
            if let Some(s) =
                props.get("security-severity").and_then(|v| v.as_str().and_then(|s| s.parse().ok()).or(v.as_f64()))
            {
                return Some(cvss_severity(s));
            }
            props.get("tags").and_then(Json::as_array)?.iter().filter_map(Json::as_str).find_map(named_severity)
        };
        for result in run.get("results").and_then(Json::as_array).into_iter().flatten() {
            if result.get("suppressions").and_then(Json::as_array).is_some_and(|s| !s.is_empty()) {
                out.suppressed += 1;
                continue;
            }
            if result.get("baselineState").and_then(Json::as_str) == Some("absent") {
                continue;
            }
            let rule_id = result.get("ruleId").and_then(Json::as_str).unwrap_or("");
            let rule = result
                .get("ruleIndex")
                .and_then(Json::as_u64)
                .and_then(|i| rules.get(i as usize).copied())
                .or_else(|| rules.iter().copied().find(|r| r.get("id").and_then(Json::as_str) == Some(rule_id)));
            let severity = rule_severity(result)
                .or_else(|| result.pointer("/properties/severity").and_then(Json::as_str).and_then(named_severity))
                .or_else(|| rule.and_then(rule_severity))
                .unwrap_or(Severity::Unrated);
            out.counts.add(severity);
            let location = result.pointer("/locations/0/physicalLocation").map(|pl| {
                let uri = pl.pointer("/artifactLocation/uri").and_then(Json::as_str).unwrap_or("");
                match pl.pointer("/region/startLine").and_then(Json::as_u64) {
                    Some(l) => format!("{uri}:{l}"),
                    None => uri.to_string(),
                }
            });
            let title = result
                .pointer("/message/text")
                .and_then(Json::as_str)
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            keep_worst(&mut out.worst, ScanItem { id: rule_id.to_string(), severity, title, location });
        }
    }
    Ok(out)
}

/// Trivy's JSON report (`trivy ... --format json`): vulnerabilities, failed misconfigurations
/// and secrets, by their `Severity`.
pub fn parse_trivy(path: &str, text: &str) -> Result<ScanReport, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    if doc.get("SchemaVersion").is_none() && doc.get("Results").is_none() {
        return Err("JSON without `SchemaVersion` or `Results`: not a Trivy report".into());
    }
    let mut out = ScanReport {
        path: path.to_string(),
        format: ScanFormat::Trivy,
        tools: vec!["Trivy".into()],
        counts: SeverityCounts::default(),
        suppressed: 0,
        worst: Vec::new(),
        given: false,
    };
    for result in doc.get("Results").and_then(Json::as_array).into_iter().flatten() {
        let target = result.get("Target").and_then(Json::as_str).unwrap_or("");
        let mut add = |item: &Json, id_key: &str, title_key: &str| {
            let severity =
                item.get("Severity").and_then(Json::as_str).and_then(named_severity).unwrap_or(Severity::Unrated);
            out.counts.add(severity);
            let id = item.get(id_key).and_then(Json::as_str).unwrap_or("").to_string();
            let pkg = item.get("PkgName").and_then(Json::as_str);
            let title = item.get(title_key).and_then(Json::as_str).unwrap_or("");
            let title = match pkg {
                Some(p) => format!("{p}: {title}"),
                None => title.to_string(),
            };
            keep_worst(&mut out.worst, ScanItem { id, severity, title, location: Some(target.to_string()) });
        };
        for v in result.get("Vulnerabilities").and_then(Json::as_array).into_iter().flatten() {
            add(v, "VulnerabilityID", "Title");
        }
        for m in result.get("Misconfigurations").and_then(Json::as_array).into_iter().flatten() {
            if m.get("Status").and_then(Json::as_str).is_none_or(|s| s == "FAIL") {
                add(m, "ID", "Title");
            }
        }
        for s in result.get("Secrets").and_then(Json::as_array).into_iter().flatten() {
            add(s, "RuleID", "Title");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
