//! Lines about the running system for every report: the AWS identity and inventory, calls that
//! failed, declared versus deployed per item, and what deployed endpoints answered. Prepared as
//! plain text so the Markdown and HTML templates (which escape it) and the terminal share them.

use crate::scorecard::Scorecard;
use maturity_checks::cloud::drift::{Declared, Deployed};
use maturity_checks::model::fmt_num;

/// "AWS account 123456789012 as arn:aws:iam::…:user/audit, us-east-1, 57 resources read with 41
/// calls in 0.9 s (the calls add up to 7.3 s)".
pub fn cloud_headline(card: &Scorecard) -> Option<String> {
    let c = card.cloud.as_ref()?;
    let who = match (&c.account, &c.arn) {
        (Some(a), Some(arn)) => format!("AWS account {a} as {arn}"),
        (Some(a), None) => format!("AWS account {a}"),
        _ => "AWS account (identity unknown)".to_string(),
    };
    if let Some(e) = &c.error {
        return Some(format!("{who}: the account could not be read: {e}"));
    }
    let regions = if c.regions.is_empty() { "no region".to_string() } else { c.regions.join(", ") };
    let endpoint = c.endpoint.as_ref().map(|e| format!(" through {e}")).unwrap_or_default();
    Some(format!(
        "{who}{endpoint}, {regions}: {} resources read with {} calls in {} s (the calls add up to {} s)",
        c.resources,
        c.calls,
        seconds(c.duration_ms),
        seconds(c.calls_ms)
    ))
}

fn seconds(ms: u64) -> String {
    fmt_num((ms as f64 / 100.0).round() / 10.0)
}

/// One sentence per call that gave no answer.
pub fn failed_calls(card: &Scorecard) -> Vec<String> {
    card.cloud.as_ref().map(|c| c.failed_calls.iter().map(|f| f.message.clone()).collect()).unwrap_or_default()
}

/// The running system in a few lines: the account and identity read, then one line per endpoint.
pub fn summary(card: &Scorecard) -> Vec<String> {
    cloud_headline(card)
        .into_iter()
        .chain(endpoint_rows(card).into_iter().map(|e| format!("{}: {} · {}", e.url, e.answer, e.latency)))
        .collect()
}

/// Warnings for whoever ran the audit: the account could not be read, or calls were denied,
/// failed after the retries or are not implemented by the endpoint. Each names the IAM actions.
pub fn warnings(card: &Scorecard) -> Vec<String> {
    let Some(c) = &card.cloud else { return Vec::new() };
    if let Some(e) = &c.error {
        return vec![format!("the AWS account could not be read: {e}; its checks are unknown")];
    }
    let ops = |outcome: &str| {
        let mut v: Vec<&str> =
            c.failed_calls.iter().filter(|f| f.outcome == outcome).map(|f| f.operation.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v.join(", ")
    };
    let mut out = Vec::new();
    let denied = ops("denied");
    if !denied.is_empty() {
        out.push(format!(
            "AWS denied {denied}: the checks that need them are unknown (`maturity aws policy` prints the read-only policy the audit needs)"
        ));
    }
    let failed = ops("failed");
    if !failed.is_empty() {
        out.push(format!("AWS calls gave no answer after retries: {failed}; the checks that need them are unknown"));
    }
    let unsupported = ops("unsupported");
    if !unsupported.is_empty() {
        out.push(format!("the endpoint does not support {unsupported}: what they would show is unknown, not missing"));
    }
    out
}

/// Declared versus deployed for one kind of resource of one item.
pub struct DriftRow {
    /// The item's id and title.
    pub item: String,
    pub item_id: String,
    pub matched_count: usize,
    pub kind: String,
    pub matched: String,
    pub declared_not_deployed: String,
    pub deployed_not_declared: String,
    pub unresolved: String,
}

fn declared(d: &Declared) -> String {
    match &d.name {
        Some(n) => format!("{} ({n})", d.label),
        None => d.label.clone(),
    }
}

fn deployed(d: &Deployed) -> String {
    match &d.evidence {
        maturity_checks::model::Evidence::Cloud { region, .. } => format!("{} ({region})", d.name),
        _ => d.name.clone(),
    }
}

fn joined(items: Vec<String>, max: usize) -> String {
    if items.is_empty() {
        return "–".into();
    }
    let n = items.len();
    let mut shown: Vec<String> = items.into_iter().take(max).collect();
    if n > max {
        shown.push(format!("and {} more", n - max));
    }
    shown.join(", ")
}

/// Rows of declared versus deployed, item by item, at most `max` names per cell.
pub fn drift_rows(card: &Scorecard, max: usize) -> Vec<DriftRow> {
    let Some(c) = &card.cloud else { return Vec::new() };
    let mut out = Vec::new();
    for d in &c.drift {
        let title = card.item(&d.item).map(|i| format!("{} {}", i.id, i.title)).unwrap_or_else(|| d.item.clone());
        for k in &d.kinds {
            out.push(DriftRow {
                item: title.clone(),
                item_id: d.item.clone(),
                matched_count: k.matched.len(),
                kind: k.kind.clone(),
                matched: joined(
                    k.matched
                        .iter()
                        .map(|m| format!("{} = {} (by {})", m.declared.label, m.deployed.name, m.by))
                        .collect(),
                    max,
                ),
                declared_not_deployed: joined(k.declared_not_deployed.iter().map(declared).collect(), max),
                deployed_not_declared: joined(k.deployed_not_declared.iter().map(deployed).collect(), max),
                unresolved: joined(
                    k.unresolved
                        .iter()
                        .map(|u| format!("{}: {}", u.label, u.note.clone().unwrap_or_default()))
                        .collect(),
                    max,
                ),
            });
        }
    }
    out
}

/// What a probed endpoint answered.
pub struct EndpointRow {
    pub url: String,
    pub answer: String,
    pub latency: String,
}

pub fn endpoint_rows(card: &Scorecard) -> Vec<EndpointRow> {
    card.endpoints
        .iter()
        .map(|e| {
            let answer = match (&e.error, e.status) {
                (Some(err), _) => err.clone(),
                (None, Some(s))
                    if e.final_url != e.url && e.final_url.trim_end_matches('/') != e.url.trim_end_matches('/') =>
                {
                    format!("HTTP {s} from {}{}", e.final_url, if e.https { " over TLS" } else { "" })
                }
                (None, Some(s)) => format!("HTTP {s}{}", if e.https { " over TLS" } else { "" }),
                (None, None) => "no answer".into(),
            };
            let latency = match (e.avg_ms, e.p95_ms) {
                (Some(a), Some(p)) => format!("avg {} ms, p95 {} ms (n = {})", fmt_num(a), fmt_num(p), e.samples),
                _ => "–".into(),
            };
            EndpointRow { url: e.url.clone(), answer, latency }
        })
        .collect()
}
