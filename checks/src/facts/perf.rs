//! Performance evidence: load-test scripts (k6, Artillery, Locust, Gatling, JMeter) and the
//! reports they and Lighthouse produce, plus the metrics evidence file.
//!
//! Report figures: average response time and peak virtual users from a k6 summary (both the
//! `--summary-export` shape and the `handleSummary` shape), mean response time from Gatling's
//! `stats.json`, largest contentful paint from a Lighthouse report. The metrics file
//! (`--evidence metrics=FILE`) is a small TOML document for figures only operations know, such as
//! cost per request or mean time to resolution; its keys are listed in [`METRIC_KEYS`].

use super::files::{FileIndex, Location};
use super::reports::{display_path, read_given};
use super::scan::ScanFacts;
use super::{EvidenceInput, EvidenceKind, Problem};
use serde::Serialize;
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadScript {
    pub tool: &'static str,
    pub path: String,
    pub line: u32,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerfReport {
    pub path: String,
    pub tool: &'static str,
    /// Average response time, milliseconds.
    pub avg_ms: Option<f64>,
    /// 95th percentile response time, milliseconds.
    pub p95_ms: Option<f64>,
    /// Virtual users the run sustained: the peak of active users (k6 `vus`, not the configured
    /// `vus_max`), when at most 1 % of its requests failed.
    pub sustained_users: Option<f64>,
    /// Requests (or, without HTTP requests, iterations) per second over the run.
    pub requests_per_s: Option<f64>,
    /// Largest contentful paint, seconds (Lighthouse).
    pub lcp_s: Option<f64>,
    pub given: bool,
}

/// Keys of the metrics evidence file and what they hold.
pub const METRIC_KEYS: &[(&str, &str)] = &[
    ("response_time_ms", "average API response time, milliseconds"),
    ("concurrent_users", "concurrent users sustained in a load test"),
    ("deployment_time_min", "commit-to-production time, minutes"),
    ("uptime_percent", "measured availability over the period, percent"),
    ("page_load_s", "page load time, seconds"),
    ("rto_hours", "recovery time objective demonstrated, hours"),
    ("cost_per_request_usd", "cost per API request, US dollars"),
    ("lead_time_days", "lead time from commit to production, days"),
    ("mttr_min", "mean time to resolve incidents, minutes"),
    ("sla_percent", "share of the period within the uptime and performance SLA, percent"),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsFile {
    pub path: String,
    pub values: Vec<(String, f64, u32)>,
    pub period: Option<String>,
}

impl MetricsFile {
    pub fn get(&self, key: &str) -> Option<(f64, u32)> {
        self.values.iter().find(|(k, _, _)| k == key).map(|(_, v, l)| (*v, *l))
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PerfFacts {
    pub scripts: Vec<LoadScript>,
    pub reports: Vec<PerfReport>,
    pub metrics_file: Option<MetricsFile>,
    pub broken: Vec<(EvidenceKind, Problem)>,
}

impl PerfFacts {
    pub fn project_scripts(&self) -> impl Iterator<Item = &LoadScript> {
        self.scripts.iter().filter(|s| matches!(s.location, Location::Project | Location::Test))
    }

    /// Reports given on the command line win over reports found in the tree.
    pub fn chosen_reports(&self) -> Vec<&PerfReport> {
        let given: Vec<&PerfReport> = self.reports.iter().filter(|r| r.given).collect();
        if given.is_empty() { self.reports.iter().collect() } else { given }
    }
}

pub fn collect(files: &FileIndex, scan: &ScanFacts, given: &[EvidenceInput], problems: &mut Vec<Problem>) -> PerfFacts {
    let mut out = PerfFacts::default();
    for (signal, tool) in [("loadtest.k6", "k6"), ("loadtest.locust", "Locust"), ("loadtest.gatling", "Gatling")] {
        let mut seen: Vec<&str> = Vec::new();
        for h in scan.hits(signal) {
            if !seen.contains(&h.path.as_str()) {
                seen.push(&h.path);
                out.scripts.push(LoadScript { tool, path: h.path.clone(), line: h.line, location: h.location });
            }
        }
    }
    for (i, e) in files.entries().iter().enumerate() {
        if matches!(e.location, Location::Vendored | Location::Fixture) {
            continue;
        }
        let lower = e.name().to_ascii_lowercase();
        if lower.ends_with(".jmx") {
            out.scripts.push(LoadScript { tool: "JMeter", path: e.path.clone(), line: 1, location: e.location });
        } else if lower.ends_with(".yml") || lower.ends_with(".yaml") {
            if let Some(Ok(docs)) = files.yaml(i)
                && let Some(d) = docs
                    .first()
                    .filter(|d| d.key("config").get("target").is_some() && !d.key("scenarios").items().is_empty())
            {
                out.scripts.push(LoadScript {
                    tool: "Artillery",
                    path: e.path.clone(),
                    line: d.line.max(1),
                    location: e.location,
                });
            }
        } else if lower.ends_with(".json")
            && e.location == Location::Project
            && looks_like_perf_report(&e.path)
            && let Some(text) = files.text(i)
            && let Some(r) = parse_report(&e.path, text)
        {
            out.reports.push(r);
        }
    }
    out.scripts.sort_by(|a, b| a.path.cmp(&b.path));
    for input in given {
        let shown = display_path(files.root(), &input.path);
        let text = match read_given(&input.path) {
            Ok(t) => t,
            Err(message) => {
                let p = Problem { path: shown, line: None, message };
                problems.push(p.clone());
                out.broken.push((input.kind, p));
                continue;
            }
        };
        let result = match input.kind {
            EvidenceKind::K6 | EvidenceKind::Gatling | EvidenceKind::Lighthouse => parse_report(&shown, &text)
                .map(|mut r| {
                    r.given = true;
                    out.reports.push(r);
                })
                .ok_or_else(|| "not a k6 summary, Gatling stats.json or Lighthouse report".to_string()),
            EvidenceKind::Metrics => parse_metrics_file(&shown, &text).map(|m| out.metrics_file = Some(m)),
            _ => Ok(()),
        };
        if let Err(message) = result {
            let p = Problem { path: shown, line: None, message };
            problems.push(p.clone());
            out.broken.push((input.kind, p));
        }
    }
    out
}

fn looks_like_perf_report(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let name = p.rsplit('/').next().unwrap_or(&p);
    name.contains("k6")
        || name.contains("lighthouse")
        || name.starts_with("lhr-")
        || (name == "stats.json" && p.contains("gatling"))
        || name == "global_stats.json"
        || (name.contains("summary") && (p.contains("load") || p.contains("perf") || p.contains("k6")))
}

/// Parses a k6 summary, Gatling statistics or Lighthouse report; `None` if the JSON is none of them.
pub fn parse_report(path: &str, text: &str) -> Option<PerfReport> {
    let doc: Json = serde_json::from_str(text).ok()?;
    let num = |v: Option<&Json>| v.and_then(Json::as_f64).filter(|f| f.is_finite() && *f >= 0.0);
    let mut r = PerfReport {
        path: path.to_string(),
        tool: "",
        avg_ms: None,
        p95_ms: None,
        sustained_users: None,
        requests_per_s: None,
        lcp_s: None,
        given: false,
    };
    if let Some(metrics) = doc
        .get("metrics")
        .filter(|m| ["http_req_duration", "vus_max", "vus", "http_reqs"].iter().any(|k| m.get(k).is_some()))
    {
        // --summary-export puts figures on the metric; handleSummary nests them under `values`
        let field = |metric: &str, key: &str| {
            let m = metrics.get(metric)?;
            num(m.get(key)).or_else(|| num(m.get("values").and_then(|v| v.get(key))))
        };
        r.tool = "k6";
        r.avg_ms = field("http_req_duration", "avg");
        r.p95_ms = field("http_req_duration", "p(95)");
        r.requests_per_s = field("http_reqs", "rate").or_else(|| field("iterations", "rate"));
        // the share of failed requests: `rate` in handleSummary, `value` in --summary-export
        let failed = field("http_req_failed", "rate").or_else(|| field("http_req_failed", "value")).unwrap_or(0.0);
        if failed <= 0.01 {
            r.sustained_users = field("vus", "max");
        }
        return Some(r);
    }
    if doc.get("lighthouseVersion").is_some() {
        r.tool = "Lighthouse";
        r.lcp_s = num(doc.pointer("/audits/largest-contentful-paint/numericValue")).map(|ms| ms / 1000.0);
        return Some(r);
    }
    let stats = doc.get("stats").unwrap_or(&doc);
    if let Some(mean) = num(stats.pointer("/meanResponseTime/total")) {
        r.tool = "Gatling";
        r.avg_ms = Some(mean);
        r.p95_ms = num(stats.pointer("/percentiles3/total"));
        r.requests_per_s = num(stats.pointer("/meanNumberOfRequestsPerSecond/total"));
        return Some(r);
    }
    None
}

/// Reads the metrics evidence file: a TOML document with a `[metrics]` table of known keys and
/// an optional `period`.
pub fn parse_metrics_file(path: &str, text: &str) -> Result<MetricsFile, String> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| format!("invalid TOML: {}", e.message()))?;
    let table = doc.get("metrics").and_then(toml::Value::as_table).ok_or("no [metrics] table")?;
    let mut values = Vec::new();
    for (k, v) in table {
        if !METRIC_KEYS.iter().any(|(known, _)| known == k) {
            let known: Vec<&str> = METRIC_KEYS.iter().map(|(k, _)| *k).collect();
            return Err(format!("unknown metric `{k}` (known: {})", known.join(", ")));
        }
        let n = v.as_float().or_else(|| v.as_integer().map(|i| i as f64)).ok_or(format!("`{k}` is not a number"))?;
        if !n.is_finite() || n < 0.0 {
            return Err(format!("`{k}` must be a non-negative number"));
        }
        let line = super::files::line_containing(text, k).unwrap_or(1);
        values.push((k.clone(), n, line));
    }
    let period = doc.get("period").and_then(toml::Value::as_str).map(str::to_string);
    Ok(MetricsFile { path: path.to_string(), values, period })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k6_both_shapes_gatling_and_lighthouse() {
        let export = r#"{"metrics":{"http_req_duration":{"avg":84.2,"p(95)":150.1,"max":900},"vus_max":{"value":800,"min":800,"max":800},"vus":{"value":0,"min":0,"max":500},"http_reqs":{"count":90000,"rate":300.5},"http_req_failed":{"value":0.002}}}"#;
        let handle = r#"{"metrics":{"http_req_duration":{"type":"trend","values":{"avg":120.5,"p(95)":300}},"vus_max":{"type":"gauge","values":{"value":2000}},"vus":{"type":"gauge","values":{"value":10,"min":1,"max":2000}},"http_req_failed":{"type":"rate","values":{"rate":0.2}}}}"#;
        let gatling = r#"{"type":"GROUP","name":"All Requests","stats":{"meanResponseTime":{"total":95},"percentiles3":{"total":210}}}"#;
        let lighthouse =
            r#"{"lighthouseVersion":"12.0.0","audits":{"largest-contentful-paint":{"numericValue":1850.4}}}"#;
        let r = parse_report("a", export).unwrap();
        // the users that ran (`vus`), not the users configured (`vus_max`)
        assert_eq!(
            (r.tool, r.avg_ms, r.p95_ms, r.sustained_users, r.requests_per_s),
            ("k6", Some(84.2), Some(150.1), Some(500.0), Some(300.5))
        );
        let r = parse_report("b", handle).unwrap();
        // 20 % of the requests failed: 2000 users were not sustained
        assert_eq!((r.avg_ms, r.sustained_users), (Some(120.5), None));
        let r = parse_report("c", gatling).unwrap();
        assert_eq!((r.tool, r.avg_ms, r.p95_ms), ("Gatling", Some(95.0), Some(210.0)));
        let r = parse_report("d", lighthouse).unwrap();
        assert_eq!((r.tool, r.lcp_s), ("Lighthouse", Some(1.8504)));
        for bad in ["{}", "[1]", "{\"metrics\":{}}", "nope"] {
            assert!(parse_report("x", bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn metrics_file() {
        let m = parse_metrics_file(
            "m.toml",
            "period = \"2026-10\"\n[metrics]\ncost_per_request_usd = 0.004\nmttr_min = 25\n",
        )
        .unwrap();
        assert_eq!(m.get("mttr_min"), Some((25.0, 4)));
        assert_eq!(m.period.as_deref(), Some("2026-10"));
        for bad in [
            "[metrics]\nlatency = 3\n",
            "x = 1\n",
            "[metrics]\nmttr_min = \"fast\"\n",
            "[metrics]\nmttr_min = -1\n",
            "[[[",
        ] {
            assert!(parse_metrics_file("m", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn load_scripts() {
        let idx = FileIndex::from_memory(&[
            ("load/smoke.js", "import http from 'k6/http';\nexport default function () { http.get('https://x'); }\n"),
            ("perf/artillery.yml", "config:\n  target: https://x\nscenarios:\n  - flow: []\n"),
            ("perf/plan.jmx", "<jmeterTestPlan/>"),
            ("loadgen/locustfile.py", "from locust import HttpUser, task\n"),
        ]);
        let scan = super::super::scan::scan(&idx, &super::super::NoProgress, &mut Vec::new());
        let mut problems = Vec::new();
        let f = collect(&idx, &scan, &[], &mut problems);
        let tools: Vec<(&str, &str)> = f.scripts.iter().map(|s| (s.tool, s.path.as_str())).collect();
        assert_eq!(
            tools,
            vec![
                ("k6", "load/smoke.js"),
                ("Locust", "loadgen/locustfile.py"),
                ("Artillery", "perf/artillery.yml"),
                ("JMeter", "perf/plan.jmx")
            ]
        );
    }
}
