//! Service level objectives declared in the repository: OpenSLO, Sloth (plain and Kubernetes),
//! Pyrra, and SLO-style Prometheus rules (burn-rate alerts, latency quantile alerts).
//!
//! YAML files are recognised by their structure (`apiVersion: openslo/v1`, `version:
//! prometheus/v1` with `slos`, `groups[].rules[]`), never by a word appearing in them. For each
//! objective we keep the target in percent, whether it is about latency, the latency threshold in
//! milliseconds when one can be read (`le="0.1"` in a histogram selector, an OpenSLO threshold),
//! and whether alerting is attached.

use super::files::{FileIndex, Location};
use super::yaml::Node;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SloFormat {
    OpenSlo,
    Sloth,
    Pyrra,
    PrometheusRule,
}

impl SloFormat {
    pub fn label(self) -> &'static str {
        match self {
            SloFormat::OpenSlo => "OpenSLO",
            SloFormat::Sloth => "Sloth",
            SloFormat::Pyrra => "Pyrra",
            SloFormat::PrometheusRule => "Prometheus rule",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slo {
    pub path: String,
    pub line: u32,
    pub format: SloFormat,
    pub name: String,
    /// Target in percent (99.9), when declared.
    pub objective: Option<f64>,
    pub latency: bool,
    /// Latency threshold in milliseconds, when it can be read.
    pub threshold_ms: Option<f64>,
    pub alerting: bool,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRule {
    pub path: String,
    pub line: u32,
    pub name: String,
    pub expr: String,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SloFacts {
    pub slos: Vec<Slo>,
    /// Every Prometheus alerting rule found (SLO-related or not).
    pub alert_rules: Vec<AlertRule>,
}

fn is_yaml(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".yml") || n.ends_with(".yaml") || n.ends_with(".rules")
}

pub fn collect(files: &FileIndex) -> SloFacts {
    let mut out = SloFacts::default();
    for (i, e) in files.entries().iter().enumerate() {
        if !is_yaml(e.name()) || matches!(e.location, Location::Vendored | Location::Fixture) {
            continue;
        }
        // skip big YAML files cheaply before parsing: SLO and rule files are small
        if e.size > 2 * 1024 * 1024 {
            continue;
        }
        let Some(Ok(docs)) = files.yaml(i) else {
            continue;
        };
        for doc in docs {
            read_doc(&e.path, e.location, doc, &mut out);
        }
    }
    out
}

fn read_doc(path: &str, location: Location, doc: &Node, out: &mut SloFacts) {
    let api = doc.key("apiVersion").as_str().unwrap_or("");
    let kind = doc.key("kind").as_str().unwrap_or("");
    let mk = |line: u32, format: SloFormat, name: String| Slo {
        path: path.to_string(),
        line,
        format,
        name,
        objective: None,
        latency: false,
        threshold_ms: None,
        alerting: false,
        location,
    };
    if api.starts_with("openslo/") && kind == "SLO" {
        let spec = doc.key("spec");
        let name = doc.key("metadata").key("name").scalar().unwrap_or_else(|| "unnamed".into());
        let indicator_text = flatten(spec.key("indicator")) + &flatten(spec.key("indicatorRef"));
        let objectives = spec.key("objectives").items();
        for obj in objectives {
            let mut slo = mk(obj.line, SloFormat::OpenSlo, name.clone());
            slo.objective = obj
                .key("targetPercent")
                .as_f64()
                .or_else(|| obj.key("target").as_f64().map(|t| if t <= 1.0 { t * 100.0 } else { t }));
            let about = format!("{} {} {}", name, obj.key("displayName").scalar().unwrap_or_default(), indicator_text)
                .to_ascii_lowercase();
            let threshold = obj.key("value").as_f64().filter(|_| matches!(obj.key("op").as_str(), Some("lt" | "lte")));
            slo.latency = about.contains("latency") || about.contains("duration") || threshold.is_some();
            slo.threshold_ms = threshold
                .map(|v| if about.contains("_seconds") && v < 30.0 { v * 1000.0 } else { v })
                .or_else(|| le_threshold_ms(&indicator_text));
            slo.alerting = !spec.key("alertPolicies").items().is_empty();
            out.slos.push(slo);
        }
        return;
    }
    let sloth_plain = doc.key("version").as_str() == Some("prometheus/v1") && doc.get("slos").is_some();
    let sloth_k8s = api.starts_with("sloth.slok.dev/") && kind == "PrometheusServiceLevel";
    if sloth_plain || sloth_k8s {
        let slos = if sloth_k8s { doc.key("spec").key("slos") } else { doc.key("slos") };
        for s in slos.items() {
            let name = s.key("name").scalar().unwrap_or_else(|| "unnamed".into());
            let mut slo = mk(s.line, SloFormat::Sloth, name.clone());
            slo.objective = s.key("objective").as_f64();
            let sli = flatten(s.key("sli"));
            let about =
                format!("{name} {} {sli}", s.key("description").scalar().unwrap_or_default()).to_ascii_lowercase();
            slo.latency = about.contains("latency") || about.contains("duration") || sli.contains("le=");
            slo.threshold_ms = le_threshold_ms(&sli);
            let alerting = s.key("alerting");
            let disabled = |kind: &str| alerting.key(kind).key("disable").as_bool() == Some(true);
            let all_disabled = disabled("page_alert") && disabled("ticket_alert");
            slo.alerting = !alerting.is_null() && !all_disabled;
            out.slos.push(slo);
        }
        return;
    }
    if api.starts_with("pyrra.dev/") && kind == "ServiceLevelObjective" {
        let spec = doc.key("spec");
        let name = doc.key("metadata").key("name").scalar().unwrap_or_else(|| "unnamed".into());
        let mut slo = mk(doc.line.max(1), SloFormat::Pyrra, name);
        slo.objective = spec.key("target").as_f64();
        let latency = spec.key("indicator").get("latency");
        slo.latency = latency.is_some();
        slo.threshold_ms = latency.and_then(|l| le_threshold_ms(&flatten(l)));
        slo.alerting = spec.key("alerting").key("disabled").as_bool() != Some(true);
        out.slos.push(slo);
        return;
    }
    let groups = if kind == "PrometheusRule" { doc.key("spec").key("groups") } else { doc.key("groups") };
    for group in groups.items() {
        for rule in group.key("rules").items() {
            let expr = rule.key("expr").scalar().unwrap_or_default();
            if let Some(alert) = rule.key("alert").scalar() {
                out.alert_rules.push(AlertRule {
                    path: path.to_string(),
                    line: rule.line,
                    name: alert.clone(),
                    expr: expr.clone(),
                    location,
                });
                if let Some(objective) = burn_rate_objective(&expr) {
                    let mut slo = mk(rule.line, SloFormat::PrometheusRule, alert.clone());
                    slo.objective = Some(objective);
                    slo.alerting = true;
                    slo.latency = expr.contains("_bucket") || alert.to_ascii_lowercase().contains("latency");
                    slo.threshold_ms = le_threshold_ms(&expr);
                    out.slos.push(slo);
                } else if let Some(ms) = quantile_threshold_ms(&expr) {
                    let mut slo = mk(rule.line, SloFormat::PrometheusRule, alert);
                    slo.latency = true;
                    slo.threshold_ms = Some(ms);
                    slo.alerting = true;
                    out.slos.push(slo);
                }
            }
        }
    }
}

/// All scalars under a node, space-separated (for looking at queries and names).
fn flatten(node: &Node) -> String {
    let mut out = String::new();
    fn walk(n: &Node, out: &mut String) {
        if let Some(s) = n.scalar() {
            out.push_str(&s);
            out.push(' ');
        }
        for i in n.items() {
            walk(i, out);
        }
        for e in n.entries() {
            out.push_str(&e.key);
            out.push(' ');
            walk(&e.value, out);
        }
    }
    walk(node, &mut out);
    out
}

static LE: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r#"le\s*=~?\s*"([0-9.]+)""#).unwrap());
static ONE_MINUS: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"1\s*-\s*(0?\.[0-9]+)").unwrap());
static QUANTILE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?s)histogram_quantile\s*\(\s*0?\.[0-9]+\s*,.*\)\s*>=?\s*([0-9.]+)").unwrap());

/// `le="0.1"` in a histogram selector: a threshold of 100 ms (Prometheus uses seconds).
fn le_threshold_ms(text: &str) -> Option<f64> {
    let v: f64 = LE.captures(text)?.get(1)?.as_str().parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v * 1000.0)
}

/// `... > (14.4 * (1 - 0.999))`: a multi-window burn-rate alert for a 99.9 % objective.
fn burn_rate_objective(expr: &str) -> Option<f64> {
    let v: f64 = ONE_MINUS.captures(expr)?.get(1)?.as_str().parse().ok()?;
    (v > 0.5 && v < 1.0).then_some(v * 100.0)
}

/// `histogram_quantile(0.95, ...) > 0.1`: a latency objective of 100 ms.
fn quantile_threshold_ms(expr: &str) -> Option<f64> {
    let v: f64 = QUANTILE.captures(expr)?.get(1)?.as_str().parse().ok()?;
    let ms = if expr.contains("_ms") || expr.contains("millisecond") { v } else { v * 1000.0 };
    (ms > 0.0).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slos(files: &[(&str, &str)]) -> SloFacts {
        collect(&FileIndex::from_memory(files))
    }

    #[test]
    fn the_four_formats() {
        let facts = slos(&[
            (
                "slo/openslo.yaml",
                "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: checkout-availability\nspec:\n  service: checkout\n  objectives:\n    - displayName: good\n      target: 0.999\n",
            ),
            (
                "slo/openslo-latency.yaml",
                "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: checkout-latency\nspec:\n  objectives:\n    - op: lte\n      value: 100\n      target: 0.95\n",
            ),
            (
                "slo/sloth.yml",
                "version: prometheus/v1\nservice: api\nslos:\n  - name: requests-availability\n    objective: 99.95\n    sli:\n      events:\n        error_query: sum(rate(http_requests_total{code=~\"5..\"}[{{.window}}]))\n        total_query: sum(rate(http_requests_total[{{.window}}]))\n    alerting:\n      name: ApiHighErrorRate\n  - name: requests-latency\n    objective: 99\n    sli:\n      events:\n        error_query: sum(rate(http_request_duration_seconds_bucket{le=\"0.1\"}[5m]))\n        total_query: x\n",
            ),
            (
                "deploy/pyrra.yaml",
                "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\nmetadata:\n  name: api-latency\nspec:\n  target: '99'\n  window: 4w\n  indicator:\n    latency:\n      success:\n        metric: http_request_duration_seconds_bucket{job=\"api\",le=\"0.2\"}\n      total:\n        metric: http_request_duration_seconds_count{job=\"api\"}\n",
            ),
            (
                "monitoring/rules.yml",
                "groups:\n  - name: slo\n    rules:\n      - alert: ErrorBudgetBurn\n        expr: job:slo_errors_per_request:ratio_rate1h{job=\"api\"} > (14.4*(1-0.999))\n      - alert: SlowRequests\n        expr: histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[5m])) by (le)) > 0.1\n      - alert: InstanceDown\n        expr: up == 0\n",
            ),
        ]);
        type Row<'a> = (&'a str, SloFormat, Option<f64>, bool, Option<f64>, bool);
        let got: Vec<Row> = facts
            .slos
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.format,
                    s.objective.map(|o| (o * 100.0).round() / 100.0),
                    s.latency,
                    s.threshold_ms.map(f64::round),
                    s.alerting,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("api-latency", SloFormat::Pyrra, Some(99.0), true, Some(200.0), true),
                ("ErrorBudgetBurn", SloFormat::PrometheusRule, Some(99.9), false, None, true),
                ("SlowRequests", SloFormat::PrometheusRule, None, true, Some(100.0), true),
                ("checkout-latency", SloFormat::OpenSlo, Some(95.0), true, Some(100.0), false),
                ("checkout-availability", SloFormat::OpenSlo, Some(99.9), false, None, false),
                ("requests-availability", SloFormat::Sloth, Some(99.95), false, None, true),
                ("requests-latency", SloFormat::Sloth, Some(99.0), true, Some(100.0), false),
            ]
        );
        assert_eq!(facts.alert_rules.len(), 3);
    }

    #[test]
    fn words_are_not_slos() {
        let facts = slos(&[
            ("docs/slo.yaml", "# our slo: 99.9 availability\ntitle: SLO plans\nnotes: [objective 99.9]\n"),
            (
                "tests/fixtures/slo.yaml",
                "apiVersion: openslo/v1\nkind: SLO\nspec:\n  objectives:\n    - target: 0.999\n",
            ),
            ("broken.yaml", "groups: [\n"),
        ]);
        assert!(facts.slos.is_empty());
    }
}
