//! The vocabulary shared by every check: statuses, evidence and findings.
//!
//! A finding is what one check concluded about one question. It always carries a sentence that
//! names what was found (or what was looked for), and every `pass` or `partial` cites at least one
//! piece of typed evidence so a reader can follow it to a file line, a commit or a report value.
//! Scores, weights and roll-ups are deliberately absent here: they live in `maturity-core`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How far a check's question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Partial,
    Fail,
    /// Tried and could not tell (parse error, permission denied, timeout); the message says why.
    Unknown,
    /// The source this check needs was not provided (for example no AWS credentials).
    NotAssessed,
    /// Accepted as is by a waiver with a reason, an owner and an expiry date.
    Waived,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Pass, Status::Partial, Status::Fail, Status::Unknown, Status::NotAssessed, Status::Waived];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Partial => "partial",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::NotAssessed => "not_assessed",
            Status::Waived => "waived",
        }
    }

    /// Whether the status says something about the project (as opposed to about the audit).
    pub fn is_assessed(self) -> bool {
        matches!(self, Status::Pass | Status::Partial | Status::Fail)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of evidence, typed so that reports can link it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A place in a file of the audited repository (path relative to its root, `/`-separated).
    File {
        path: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        line: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        end_line: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        snippet: Option<String>,
    },
    /// A commit of the audited repository.
    Commit {
        sha: String,
        /// RFC 3339 timestamp of the commit.
        date: String,
        subject: String,
    },
    /// A value read from a report file (coverage, scan results, load-test summary...).
    Report {
        path: String,
        metric: String,
        value: f64,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        unit: Option<String>,
    },
    /// A resource of a cloud account: its service, region (`global` for global services), ARN
    /// or identifier, the API call that read it, and what was seen.
    Cloud {
        service: String,
        region: String,
        id: String,
        call: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        detail: Option<String>,
    },
    /// A web address.
    Url {
        url: String,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        note: Option<String>,
    },
}

/// Extensions of source code: what a library's own source files are written in.
const SOURCE_CODE: &[&str] = &[
    "php", "rs", "go", "py", "java", "kt", "scala", "ts", "tsx", "js", "jsx", "mjs", "cjs", "cs", "rb", "swift", "c",
    "h", "cc", "cpp", "hpp", "m", "ex", "exs", "erl", "clj", "groovy", "dart", "lua", "pl", "vue", "svelte",
];

impl Evidence {
    /// Whether this is a place in a source-code file. For a library, what its source code does is
    /// its product (a framework's cache component), not a service it runs; configuration,
    /// infrastructure, reports and the running system are.
    pub fn is_source_code(&self) -> bool {
        match self {
            Evidence::File { path, .. } => {
                let name = path.rsplit('/').next().unwrap_or(path);
                name.rsplit_once('.').is_some_and(|(_, ext)| SOURCE_CODE.contains(&ext.to_ascii_lowercase().as_str()))
            }
            _ => false,
        }
    }

    pub fn file(path: impl Into<String>, line: Option<u32>) -> Self {
        Evidence::File { path: path.into(), line, end_line: None, snippet: None }
    }

    pub fn file_snippet(path: impl Into<String>, line: u32, snippet: impl Into<String>) -> Self {
        Evidence::File {
            path: path.into(),
            line: Some(line),
            end_line: None,
            snippet: Some(clip(snippet.into().trim(), 160)),
        }
    }

    pub fn report(path: impl Into<String>, metric: impl Into<String>, value: f64, unit: Option<&str>) -> Self {
        Evidence::Report { path: path.into(), metric: metric.into(), value, unit: unit.map(str::to_string) }
    }

    /// A short human label: `path:line`, a short sha, an ARN...
    pub fn label(&self) -> String {
        match self {
            Evidence::File { path, line: Some(l), .. } => format!("{path}:{l}"),
            Evidence::File { path, .. } => path.clone(),
            Evidence::Commit { sha, subject, .. } => {
                format!("{} {}", crate::text::head(sha, 10), clip(subject, 60))
            }
            Evidence::Report { path, metric, value, unit } => {
                format!("{path}: {metric} = {}{}", fmt_num(*value), unit.as_deref().unwrap_or(""))
            }
            Evidence::Cloud { service, region, id, detail: None, .. } => format!("{service} {region} {id}"),
            Evidence::Cloud { service, region, id, detail: Some(d), .. } => format!("{service} {region} {id} ({d})"),
            Evidence::Url { url, .. } => url.clone(),
        }
    }
}

/// Formats a number without a trailing `.0`: two decimals at most, or two significant digits
/// for small values (`0.002` stays `0.002`).
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let decimals = if v.abs() >= 1.0 || v == 0.0 { 2 } else { ((-v.abs().log10()).floor() as usize + 2).min(10) };
    let s = format!("{v:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Shortens `s` to at most `max` characters, marking the cut with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What one check concluded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub status: Status,
    /// 0.0–1.0: 1 for pass, 0 for fail, in between for partial; meaningless otherwise.
    pub score: f64,
    /// A sentence naming what was found or what was looked for, ending with a period.
    pub message: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl Finding {
    fn new(status: Status, score: f64, message: impl Into<String>) -> Self {
        Finding { status, score, message: sentence(message.into()), evidence: Vec::new() }
    }
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(Status::Pass, 1.0, message)
    }
    /// A partial result; `score` is clamped into the open range so it never reads as pass or fail.
    pub fn partial(score: f64, message: impl Into<String>) -> Self {
        let score = if score.is_finite() { score.clamp(0.05, 0.95) } else { 0.5 };
        Self::new(Status::Partial, score, message)
    }
    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(Status::Fail, 0.0, message)
    }
    pub fn unknown(message: impl Into<String>) -> Self {
        Self::new(Status::Unknown, 0.0, message)
    }
    pub fn not_assessed(message: impl Into<String>) -> Self {
        Self::new(Status::NotAssessed, 0.0, message)
    }
    pub fn with(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }
    pub fn with_one(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }
}

/// Capitalises the first letter and makes sure the sentence ends with a period.
fn sentence(mut s: String) -> String {
    let t = s.trim_end();
    if ![".", "!", "?"].iter().any(|end| t.ends_with(end)) {
        s = format!("{t}.");
    }
    if let Some(first) = s.chars().next()
        && first.is_lowercase()
    {
        let upper: String = first.to_uppercase().collect();
        s.replace_range(..first.len_utf8(), &upper);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_normalised() {
        for (input, want) in [
            ("found 3 workflows", "Found 3 workflows."),
            ("Found it.", "Found it."),
            ("is it?", "Is it?"),
            ("`ci.yml` runs tests", "`ci.yml` runs tests."),
        ] {
            assert_eq!(Finding::pass(input).message, want, "{input}");
        }
    }

    #[test]
    fn partial_scores_stay_strictly_between_pass_and_fail() {
        assert_eq!(Finding::partial(1.0, "x").score, 0.95);
        assert_eq!(Finding::partial(0.0, "x").score, 0.05);
        assert_eq!(Finding::partial(f64::NAN, "x").score, 0.5);
        assert_eq!(Finding::partial(0.4, "x").score, 0.4);
    }

    #[test]
    fn evidence_serialises_with_kind_tag() {
        let e = Evidence::file(".github/workflows/ci.yml", Some(12));
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "file");
        assert_eq!(v["path"], ".github/workflows/ci.yml");
        assert_eq!(v["line"], 12);
        assert!(v.get("snippet").is_none());
    }

    #[test]
    fn numbers_format_compactly() {
        for (v, want) in [
            (90.0, "90"),
            (99.9, "99.9"),
            (87.456, "87.46"),
            (0.5, "0.5"),
            (0.002, "0.002"),
            (0.00456, "0.0046"),
            (0.123, "0.12"),
        ] {
            assert_eq!(fmt_num(v), want);
        }
    }
}
