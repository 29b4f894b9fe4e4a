//! `maturity audit --url` end to end, against small HTTP servers on 127.0.0.1 started by each
//! test: headers and CSP, HTTPS enforcement, the response-time sample and its metric, and how
//! few requests the prober makes. A publicly trusted certificate cannot be served locally, so
//! the TLS verdicts on verified and broken certificates are unit-tested on hand-built facts
//! (`checks/src/cloud/http.rs`); here plain HTTP must fail them.

mod common;

use common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Server {
    url: String,
    hits: Arc<AtomicUsize>,
}

/// Serves every request with `answer` (status line and headers, without the blank line), after
/// `delay`.
fn serve(answer: String, delay: Duration) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let answer = answer.clone();
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                // keep-alive: answer each request on the connection
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = s.read(&mut chunk).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        counter.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(delay);
                        let body = "<!doctype html><title>shop</title>";
                        let reply = format!("{answer}\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                        if s.write_all(reply.as_bytes()).is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    Server { url, hits }
}

const GOOD_HEADERS: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nstrict-transport-security: max-age=63072000; includeSubDomains\r\nx-content-type-options: nosniff\r\ncontent-security-policy: default-src 'self'; script-src 'self' 'nonce-r4nd0m'; frame-ancestors 'none'\r\nreferrer-policy: strict-origin-when-cross-origin\r\npermissions-policy: camera=(), microphone=()";

fn audit_urls(urls: &[&str], extra: &[&str]) -> Value {
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let p = f.path().to_str().unwrap();
    let mut args = vec!["audit", p, "--no-store", "--no-progress", "-f", "json", "--url-samples", "5"];
    for u in urls {
        args.extend(["--url", u]);
    }
    args.extend_from_slice(extra);
    let out = maturity(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn live(card: &Value, id: &str) -> (String, String) {
    let c = card["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["checks"].as_array().unwrap())
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in the scorecard"));
    (c["status"].as_str().unwrap().to_string(), c["message"].as_str().unwrap().to_string())
}

fn metric(card: &Value, id: &str) -> Value {
    card["metrics"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap().clone()
}

#[test]
fn headers_and_response_times_of_a_plain_http_endpoint() {
    let s = serve(GOOD_HEADERS.to_string(), Duration::ZERO);
    let card = audit_urls(&[&s.url], &[]);
    for (id, want) in [
        // HSTS only counts over HTTPS
        ("live.http.security_headers", "partial"),
        ("live.http.content_security_policy", "pass"),
        ("live.http.https_enforced", "fail"),
        ("live.tls.certificate_valid", "fail"),
        ("live.http.response_time_within_target", "pass"),
    ] {
        let (status, message) = live(&card, id);
        assert_eq!(status, want, "{id}: {message}");
    }
    assert!(live(&card, "live.http.security_headers").1.contains("Strict-Transport-Security"));
    let m = metric(&card, "response-time");
    assert_eq!(m["status"], "pass", "{m}");
    assert!(m["value"].as_f64().unwrap() < 100.0);
    assert_eq!(m["evidence"][0]["kind"], "url");
    let e = &card["endpoints"][0];
    assert_eq!((e["status"].as_u64(), e["samples"].as_u64(), e["https"].as_bool()), (Some(200), Some(5), Some(false)));
    assert!(e["p95_ms"].as_f64().unwrap() >= e["avg_ms"].as_f64().unwrap() * 0.5);
    // polite: the page once, then the five timed requests
    assert_eq!(s.hits.load(Ordering::SeqCst), 6);
}

#[test]
fn a_slow_endpoint_misses_the_target() {
    let s = serve("HTTP/1.1 200 OK\r\ncontent-type: text/html".to_string(), Duration::from_millis(150));
    let card = audit_urls(&[&s.url], &[]);
    let (status, message) = live(&card, "live.http.response_time_within_target");
    assert_eq!(status, "fail", "{message}");
    assert!(message.contains("target: under 100 ms"), "{message}");
    let m = metric(&card, "response-time");
    assert_eq!(m["status"], "fail", "{m}");
    assert!(m["value"].as_f64().unwrap() >= 150.0);
    assert_eq!(live(&card, "live.http.security_headers").0, "fail");
    assert_eq!(live(&card, "live.http.content_security_policy").0, "fail");
}

#[test]
fn a_redirect_to_https_is_recorded_hop_by_hop() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let s = serve(format!("HTTP/1.1 301 Moved Permanently\r\nlocation: https://127.0.0.1:{closed}/"), Duration::ZERO);
    let card = audit_urls(&[&s.url], &[]);
    let (status, message) = live(&card, "live.http.https_enforced");
    assert_eq!(status, "pass", "{message}");
    assert!(message.contains("redirects (301) to https://"), "{message}");
    // the HTTPS hop does not answer: nothing to judge headers on
    let (status, message) = live(&card, "live.http.security_headers");
    assert_eq!(status, "unknown", "{message}");
    assert!(card["endpoints"][0]["error"].as_str().unwrap().contains("connection refused"), "{}", card["endpoints"]);
}

#[test]
fn an_unreachable_endpoint_is_unknown_not_failed() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{closed}/");
    let card = audit_urls(&[&url], &[]);
    for id in [
        "live.http.security_headers",
        "live.http.content_security_policy",
        "live.http.https_enforced",
        "live.tls.certificate_valid",
        "live.http.response_time_within_target",
    ] {
        let (status, message) = live(&card, id);
        assert_eq!(status, "unknown", "{id}: {message}");
        assert!(message.contains("connection refused"), "{id}: {message}");
    }
}

#[test]
fn without_url_the_probes_are_not_assessed() {
    let card = audit_urls(&[], &[]);
    assert!(card.get("endpoints").is_none());
    let (status, message) = live(&card, "live.http.security_headers");
    assert_eq!(status, "not_assessed");
    assert!(message.contains("--url"), "{message}");
    let f = Fixture::plain(&[]);
    let out = maturity(&["audit", f.path().to_str().unwrap(), "--no-store", "--url", "ftp://example.com"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
