//! Checks of deployed endpoints (`--url`): security headers and CSP (roadmap item 4.2), HTTPS
//! enforced with a valid certificate (1.4), and response times against the roadmap's target
//! (5.3 and the response-time metric).
//!
//! Each check judges every probed URL and averages; a URL that could not be fetched makes the
//! check `unknown` only when no URL could be fetched at all.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::probe::{Endpoint, ProbeFacts};
use crate::metrics::Measurement;
use crate::model::{Evidence, Finding, fmt_num};

/// The measure id of the response-time target in the roadmap.
pub const RESPONSE_TIME_MEASURE: &str = "http.response_time_ms";

fn probed<'a>(cx: &'a Context) -> Result<&'a ProbeFacts, Finding> {
    match cx.repo.live.urls.as_ref() {
        Some(p) if !p.endpoints.is_empty() => Ok(p),
        _ => Err(Finding::not_assessed(
            "no deployed endpoint was probed; run `maturity audit --url https://your.app` to assess it",
        )),
    }
}

/// Endpoints that answered, or `unknown` when none did.
fn reached<'a>(cx: &'a Context) -> Result<Vec<&'a Endpoint>, Finding> {
    let p = probed(cx)?;
    let ok: Vec<&Endpoint> = p.endpoints.iter().filter(|e| e.error.is_none() && e.last().is_some()).collect();
    if ok.is_empty() {
        let why: Vec<String> = p.endpoints.iter().filter_map(|e| e.error.clone()).take(3).collect();
        return Err(Finding::unknown(format!("no probed URL answered: {}", why.join("; "))));
    }
    Ok(ok)
}

fn url_ev(e: &Endpoint, note: impl Into<String>) -> Evidence {
    Evidence::Url { url: e.final_url().to_string(), note: Some(note.into()) }
}

/// The mean of per-endpoint scores as a finding.
fn mean(scores: &[f64], message: String) -> Finding {
    let s = scores.iter().sum::<f64>() / scores.len().max(1) as f64;
    if s >= 1.0 {
        Finding::pass(message)
    } else if s <= 0.0 {
        Finding::fail(message)
    } else {
        Finding::partial(s, message)
    }
}

/// A CSP directive's sources (`script-src` → [`'self'`, ...]).
fn directive<'a>(csp: &'a str, name: &str) -> Option<Vec<&'a str>> {
    csp.split(';').map(str::trim).find_map(|d| {
        let mut parts = d.split_whitespace();
        (parts.next()?.eq_ignore_ascii_case(name)).then(|| parts.collect())
    })
}

/// HSTS `max-age` in seconds.
fn hsts_max_age(v: &str) -> Option<u64> {
    v.split(';').map(str::trim).find_map(|p| p.strip_prefix("max-age=")).and_then(|s| s.trim_matches('"').parse().ok())
}

/// Six months, the least HSTS max-age that counts (the preload list asks for a year).
const HSTS_MIN: u64 = 15_552_000;
const REFERRER_OK: &[&str] = &["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];

/// Judges the five non-CSP security headers of one answer: (header, good, what was seen).
fn headers(e: &Endpoint) -> Vec<(&'static str, bool, String)> {
    let seen = |h: &str| e.header(h).map(|v| format!("`{}`", crate::model::clip(v.trim(), 60)));
    let hsts = e.header("strict-transport-security");
    let csp = e.header("content-security-policy").unwrap_or("");
    let xfo = e.header("x-frame-options").map(|v| v.trim().to_ascii_uppercase());
    let referrer = e.header("referrer-policy").map(|v| v.trim().to_ascii_lowercase());
    vec![
        (
            "Strict-Transport-Security",
            e.https() && hsts.and_then(hsts_max_age).is_some_and(|a| a >= HSTS_MIN),
            seen("strict-transport-security").unwrap_or_else(|| "missing".into()),
        ),
        (
            "X-Content-Type-Options",
            e.header("x-content-type-options").is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff")),
            seen("x-content-type-options").unwrap_or_else(|| "missing".into()),
        ),
        (
            "frame-ancestors or X-Frame-Options",
            directive(csp, "frame-ancestors").is_some() || matches!(xfo.as_deref(), Some("DENY" | "SAMEORIGIN")),
            if directive(csp, "frame-ancestors").is_some() {
                "CSP frame-ancestors".into()
            } else {
                seen("x-frame-options").unwrap_or_else(|| "missing".into())
            },
        ),
        (
            "Referrer-Policy",
            referrer.as_deref().is_some_and(|r| r.split(',').map(str::trim).any(|r| REFERRER_OK.contains(&r))),
            seen("referrer-policy").unwrap_or_else(|| "missing".into()),
        ),
        (
            "Permissions-Policy",
            e.header("permissions-policy").is_some_and(|v| !v.trim().is_empty()),
            seen("permissions-policy").map(|_| "set".to_string()).unwrap_or_else(|| "missing".into()),
        ),
    ]
}

pub struct SecurityHeaders;

impl Check for SecurityHeaders {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "live.http.security_headers",
            title: "The deployed application sends security headers",
            source: Source::Url,
            applies: Applies::Always,
            rationale: "Headers in code can be dropped by a proxy or CDN; what the browser receives decides whether HSTS, MIME sniffing protection, framing protection, referrer and feature policies apply.",
            remediation: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains`, `X-Content-Type-Options: nosniff`, CSP `frame-ancestors 'none'` (or `X-Frame-Options: DENY`), `Referrer-Policy: strict-origin-when-cross-origin` and a `Permissions-Policy`, from the application or the edge.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let endpoints = match reached(cx) {
            Ok(e) => e,
            Err(f) => return f,
        };
        let mut scores = Vec::new();
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for e in &endpoints {
            let judged = headers(e);
            let good = judged.iter().filter(|(_, ok, _)| *ok).count();
            scores.push(good as f64 / judged.len() as f64);
            let missing: Vec<String> =
                judged.iter().filter(|(_, ok, _)| !ok).map(|(h, _, seen)| format!("{h} ({seen})")).collect();
            lines.push(if missing.is_empty() {
                format!("{} sends all five security headers", e.final_url())
            } else {
                format!("{} sends {good} of 5; weak or missing: {}", e.final_url(), missing.join(", "))
            });
            evidence.push(url_ev(
                e,
                judged
                    .iter()
                    .map(|(h, ok, _)| format!("{h} {}", if *ok { "ok" } else { "missing" }))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        mean(&scores, lines.join("; ")).with(evidence)
    }
}

/// Judges a Content-Security-Policy: (score, what was found).
fn csp_score(e: &Endpoint) -> (f64, String) {
    if let Some(csp) = e.header("content-security-policy") {
        let scripts = directive(csp, "script-src").or_else(|| directive(csp, "default-src"));
        let Some(sources) = scripts else {
            return (0.5, "a CSP without script-src or default-src, so scripts are not restricted".into());
        };
        let has_nonce = sources.iter().any(|s| {
            s.starts_with("'nonce-")
                || s.starts_with("'sha256-")
                || s.starts_with("'sha384-")
                || s.starts_with("'sha512-")
        });
        let mut weak = Vec::new();
        if sources.iter().any(|s| s.eq_ignore_ascii_case("'unsafe-inline'")) && !has_nonce {
            weak.push("'unsafe-inline'");
        }
        if sources.iter().any(|s| s.eq_ignore_ascii_case("'unsafe-eval'")) {
            weak.push("'unsafe-eval'");
        }
        if sources.iter().any(|s| matches!(*s, "*" | "http:" | "https:" | "data:")) {
            weak.push("a wildcard source");
        }
        if weak.is_empty() {
            (1.0, "a CSP that restricts scripts".into())
        } else {
            (0.6, format!("a CSP whose scripts allow {}", weak.join(" and ")))
        }
    } else if e.header("content-security-policy-report-only").is_some() {
        (0.3, "only a report-only CSP, which enforces nothing".into())
    } else {
        (0.0, "no Content-Security-Policy".into())
    }
}

pub struct ContentSecurityPolicy;

impl Check for ContentSecurityPolicy {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "live.http.content_security_policy",
            title: "The deployed application enforces a Content-Security-Policy",
            source: Source::Url,
            applies: Applies::Always,
            rationale: "A CSP that limits where scripts come from is the strongest browser-side defence against cross-site scripting; report-only or `unsafe-inline` policies do not stop an injected script.",
            remediation: "Send a `Content-Security-Policy` with `default-src 'self'` and a `script-src` based on nonces or hashes (no `'unsafe-inline'` or `'unsafe-eval'`); roll it out with `Content-Security-Policy-Report-Only` first.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let endpoints = match reached(cx) {
            Ok(e) => e,
            Err(f) => return f,
        };
        let judged: Vec<(f64, String)> = endpoints.iter().map(|e| csp_score(e)).collect();
        let lines: Vec<String> =
            endpoints.iter().zip(&judged).map(|(e, (_, what))| format!("{} sends {what}", e.final_url())).collect();
        let evidence = endpoints.iter().zip(&judged).map(|(e, (_, what))| url_ev(e, what.clone()));
        let scores: Vec<f64> = judged.iter().map(|(s, _)| *s).collect();
        mean(&scores, lines.join("; ")).with(evidence)
    }
}

pub struct HttpsEnforced;

impl Check for HttpsEnforced {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "live.http.https_enforced",
            title: "The deployed application redirects HTTP to HTTPS",
            source: Source::Url,
            applies: Applies::Always,
            rationale: "Visitors and links still arrive over plain HTTP; a permanent redirect to HTTPS (with HSTS) makes sure no page or cookie is served unencrypted.",
            remediation: "Answer every plain-HTTP request with a 301 or 308 redirect to the same path over HTTPS, at the load balancer or CDN, and serve the application only over HTTPS.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let p = match probed(cx) {
            Ok(p) => p,
            Err(f) => return f,
        };
        let mut scores = Vec::new();
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for e in &p.endpoints {
            let (score, what) = match (&e.http_twin, e.https()) {
                (Some(Ok(hop)), _)
                    if (300..400).contains(&hop.status)
                        && hop.location.as_deref().is_some_and(|l| l.starts_with("https://")) =>
                {
                    (
                        1.0,
                        format!(
                            "{} redirects ({}) to {}",
                            hop.url,
                            hop.status,
                            hop.location.clone().unwrap_or_default()
                        ),
                    )
                }
                (Some(Ok(hop)), _) if (300..400).contains(&hop.status) => {
                    (0.3, format!("{} redirects ({}) but not to HTTPS", hop.url, hop.status))
                }
                (Some(Ok(hop)), _) => {
                    (0.0, format!("{} answers {} over plain HTTP without redirecting", hop.url, hop.status))
                }
                (Some(Err(why)), true) => (
                    0.7,
                    format!(
                        "HTTPS works but plain HTTP does not answer ({why}), so a typed address fails instead of redirecting"
                    ),
                ),
                (Some(Err(why)), false) => {
                    lines.push(format!("{} could not be reached: {why}", e.url));
                    continue;
                }
                (None, true) => {
                    (1.0, format!("{} is served over HTTPS (custom port, no HTTP twin to test)", e.final_url()))
                }
                (None, false) => {
                    lines.push(format!("{}: {}", e.url, e.error.clone().unwrap_or_else(|| "no answer".into())));
                    continue;
                }
            };
            scores.push(score);
            evidence.push(url_ev(e, what.clone()));
            lines.push(what);
        }
        if scores.is_empty() {
            return Finding::unknown(format!("no probed URL answered: {}", lines.join("; ")));
        }
        mean(&scores, lines.join("; ")).with(evidence)
    }
}

pub struct CertificateValid;

impl Check for CertificateValid {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "live.tls.certificate_valid",
            title: "The deployed application serves a valid certificate over TLS 1.2+",
            source: Source::Url,
            applies: Applies::Always,
            rationale: "An expired, self-signed or wrong-host certificate breaks every client; TLS below 1.2 is refused by browsers and compliance alike.",
            remediation: "Serve a publicly trusted certificate for every host name (ACM renews it automatically) with a TLS 1.2+ policy at the load balancer or CDN.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let p = match probed(cx) {
            Ok(p) => p,
            Err(f) => return f,
        };
        let mut scores = Vec::new();
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for e in &p.endpoints {
            let host = reqwest::Url::parse(e.final_url())
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            if e.tls_error {
                let why = e.error.clone().unwrap_or_default();
                scores.push(0.0);
                evidence.push(Evidence::Url { url: e.url.clone(), note: Some(why.clone()) });
                lines.push(why);
            } else if e.https() {
                scores.push(1.0);
                lines.push(format!("{host} completes a TLS 1.2+ handshake with a certificate trusted for the host"));
                evidence.push(url_ev(e, "verified TLS 1.2+"));
            } else if e.error.is_none() {
                scores.push(0.0);
                lines.push(format!("{} is served over plain HTTP, without TLS", e.final_url()));
                evidence.push(url_ev(e, "plain HTTP"));
            } else {
                lines.push(format!("{}: {}", e.url, e.error.clone().unwrap_or_default()));
            }
        }
        if scores.is_empty() {
            return Finding::unknown(format!("no probed URL answered: {}", lines.join("; ")));
        }
        mean(&scores, lines.join("; ")).with(evidence)
    }
}

/// Average and 95th percentile of a sample, in milliseconds.
pub fn summary(samples: &[f64]) -> Option<(f64, f64)> {
    if samples.is_empty() {
        return None;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let avg = s.iter().sum::<f64>() / s.len() as f64;
    // nearest-rank percentile
    let rank = ((0.95 * s.len() as f64).ceil() as usize).clamp(1, s.len());
    Some((round2(avg), round2(s[rank - 1])))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub struct ResponseTimeWithinTarget;

impl Check for ResponseTimeWithinTarget {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "live.http.response_time_within_target",
            title: "The deployed application answers within the response-time target",
            source: Source::Url,
            applies: Applies::Always,
            rationale: "The roadmap's success metric is an average API response under 100 ms; a small sample of the running service shows whether it holds outside a load test.",
            remediation: "Find where the time goes (tracing, slow query log), cache what repeats, and move heavy work off the request path; measure under load with k6 as well.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let endpoints = match reached(cx) {
            Ok(e) => e,
            Err(f) => return f,
        };
        let target = cx.targets.get(RESPONSE_TIME_MEASURE, 100.0);
        let mut scores = Vec::new();
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for e in &endpoints {
            let Some((avg, p95)) = summary(&e.samples_ms) else {
                lines.push(format!("{}: every timed request failed", e.final_url()));
                continue;
            };
            let score = if avg < target && p95 < target {
                1.0
            } else if avg < target {
                0.6
            } else {
                0.0
            };
            scores.push(score);
            let errors = if e.sample_errors > 0 { format!(", {} failed", e.sample_errors) } else { String::new() };
            lines.push(format!(
                "{} averaged {} ms (p95 {} ms) over {} sequential requests{errors}",
                e.final_url(),
                fmt_num(avg),
                fmt_num(p95),
                e.samples_ms.len()
            ));
            evidence.push(url_ev(
                e,
                format!("avg {} ms, p95 {} ms, n = {}", fmt_num(avg), fmt_num(p95), e.samples_ms.len()),
            ));
        }
        if scores.is_empty() {
            return Finding::unknown(format!("no response time could be measured: {}", lines.join("; ")));
        }
        let message =
            format!("{} (target: under {} ms, measured from where the audit ran)", lines.join("; "), fmt_num(target));
        mean(&scores, message).with(evidence)
    }
}

/// The response-time metric from the probe sample: the slowest endpoint's average.
pub fn measured(urls: Option<&ProbeFacts>) -> Option<Measurement> {
    let urls = urls?;
    let (e, (avg, p95)) = urls
        .endpoints
        .iter()
        .filter_map(|e| summary(&e.samples_ms).map(|s| (e, s)))
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0))?;
    Some(Measurement::Value {
        value: avg,
        evidence: vec![Evidence::Url {
            url: e.final_url().to_string(),
            note: Some(format!("average of {} sequential requests; p95 {} ms", e.samples_ms.len(), fmt_num(p95))),
        }],
        note: Some("a light sample of the deployed endpoint, not a load test".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::run_urls;
    use crate::facts::probe::Hop;
    use crate::model::Status;

    fn endpoint(headers: &[(&str, &str)]) -> Endpoint {
        Endpoint {
            url: "https://shop.example".into(),
            hops: vec![Hop { url: "https://shop.example/".into(), status: 200, location: None }],
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            http_twin: Some(Ok(Hop {
                url: "http://shop.example/".into(),
                status: 301,
                location: Some("https://shop.example/".into()),
            })),
            samples_ms: vec![40.0, 42.0, 45.0, 41.0, 60.0],
            ..Endpoint::default()
        }
    }

    const GOOD: &[(&str, &str)] = &[
        ("strict-transport-security", "max-age=63072000; includeSubDomains; preload"),
        ("x-content-type-options", "nosniff"),
        ("content-security-policy", "default-src 'self'; script-src 'self' 'nonce-abc'; frame-ancestors 'none'"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("permissions-policy", "camera=(), microphone=()"),
    ];

    fn urls(e: Vec<Endpoint>) -> Option<ProbeFacts> {
        Some(ProbeFacts { endpoints: e })
    }

    fn down() -> Endpoint {
        Endpoint { url: "https://shop.example".into(), error: Some("connection refused".into()), ..Endpoint::default() }
    }

    #[test]
    fn security_headers() {
        for (name, e, want) in [
            ("all five", urls(vec![endpoint(GOOD)]), Status::Pass),
            (
                "short hsts",
                urls(vec![endpoint(&[
                    ("strict-transport-security", "max-age=300"),
                    ("x-content-type-options", "nosniff"),
                ])]),
                Status::Partial,
            ),
            ("x-frame-options", urls(vec![endpoint(&[("x-frame-options", "DENY")])]), Status::Partial),
            ("none", urls(vec![endpoint(&[])]), Status::Fail),
            ("unreachable", urls(vec![down()]), Status::Unknown),
            ("not probed", None, Status::NotAssessed),
        ] {
            let f = run_urls(&SecurityHeaders, e);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        let f = run_urls(&SecurityHeaders, urls(vec![endpoint(&[("referrer-policy", "unsafe-url")])]));
        assert!(f.message.contains("Referrer-Policy (`unsafe-url`)"), "{}", f.message);
    }

    #[test]
    fn content_security_policy() {
        for (name, headers, want) in [
            ("nonce-based", GOOD.to_vec(), Status::Pass),
            ("unsafe-inline", vec![("content-security-policy", "default-src 'self' 'unsafe-inline'")], Status::Partial),
            ("report-only", vec![("content-security-policy-report-only", "default-src 'self'")], Status::Partial),
            ("frame-ancestors only", vec![("content-security-policy", "frame-ancestors 'none'")], Status::Partial),
            ("none", vec![], Status::Fail),
        ] {
            let f = run_urls(&ContentSecurityPolicy, urls(vec![endpoint(&headers)]));
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        assert_eq!(run_urls(&ContentSecurityPolicy, urls(vec![down()])).status, Status::Unknown);
    }

    #[test]
    fn https_and_tls() {
        let plain = Endpoint {
            url: "http://shop.example".into(),
            hops: vec![Hop { url: "http://shop.example/".into(), status: 200, location: None }],
            http_twin: Some(Ok(Hop { url: "http://shop.example/".into(), status: 200, location: None })),
            ..Endpoint::default()
        };
        let closed_http = Endpoint { http_twin: Some(Err("connection refused".into())), ..endpoint(GOOD) };
        let bad_cert = Endpoint {
            tls_error: true,
            error: Some("https://shop.example/: TLS handshake failed (invalid peer certificate: Expired)".into()),
            hops: vec![],
            http_twin: Some(Err("connection refused".into())),
            ..endpoint(GOOD)
        };
        for (name, e, want) in [
            ("redirects", endpoint(GOOD), Status::Pass),
            ("port 80 closed", closed_http.clone(), Status::Partial),
            ("plain http", plain.clone(), Status::Fail),
            ("unreachable", down(), Status::Unknown),
        ] {
            let f = run_urls(&HttpsEnforced, urls(vec![e]));
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        for (name, e, want) in [
            ("verified", endpoint(GOOD), Status::Pass),
            ("expired", bad_cert, Status::Fail),
            ("plain http", plain, Status::Fail),
            ("refused", down(), Status::Unknown),
        ] {
            let f = run_urls(&CertificateValid, urls(vec![e]));
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        assert_eq!(run_urls(&CertificateValid, None).status, Status::NotAssessed);
    }

    #[test]
    fn response_times() {
        assert_eq!(summary(&[10.0, 20.0, 30.0, 40.0]), Some((25.0, 40.0)));
        assert_eq!(summary(&[]), None);
        let slow_tail = Endpoint { samples_ms: vec![20.0, 20.0, 20.0, 20.0, 250.0], ..endpoint(GOOD) };
        let slow = Endpoint { samples_ms: vec![180.0, 220.0], ..endpoint(GOOD) };
        let none = Endpoint { samples_ms: vec![], sample_errors: 10, ..endpoint(GOOD) };
        for (name, e, want) in [
            ("fast", endpoint(GOOD), Status::Pass),
            ("slow tail", slow_tail, Status::Partial),
            ("slow", slow.clone(), Status::Fail),
            ("all failed", none, Status::Unknown),
            ("unreachable", down(), Status::Unknown),
        ] {
            let f = run_urls(&ResponseTimeWithinTarget, urls(vec![e]));
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        match measured(urls(vec![endpoint(GOOD), slow]).as_ref()) {
            Some(Measurement::Value { value, .. }) => assert_eq!(value, 200.0),
            other => panic!("{other:?}"),
        }
        assert!(measured(None).is_none());
    }
}
