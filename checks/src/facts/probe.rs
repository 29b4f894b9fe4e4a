//! Deployed endpoints (`--url`): what the running application answers over HTTP.
//!
//! For each URL the user names (never one found in the repository), the prober makes a few
//! polite requests, one after another: the URL itself, following up to five redirects by hand so
//! every hop is recorded; its plain-HTTP twin, to see whether it redirects to HTTPS; and a
//! bounded sample of timed requests to the final address over the kept-alive connection, for
//! the response-time metric. Bodies are read up to a cap and thrown away. TLS is rustls with the
//! platform's trust store: a completed handshake means a valid certificate for the host and TLS
//! 1.2 or newer (rustls speaks nothing older). Nothing is judged here.

use super::{Progress, error_chain};
use serde::Serialize;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct ProbeOptions {
    pub urls: Vec<String>,
    /// Timed requests per URL for the latency sample.
    pub samples: usize,
    /// Time allowed per request.
    pub timeout: Duration,
    /// Pause between timed requests.
    pub pause: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            urls: Vec::new(),
            samples: 10,
            timeout: Duration::from_secs(10),
            pause: Duration::from_millis(100),
        }
    }
}

/// One request and its answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hop {
    pub url: String,
    pub status: u16,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Endpoint {
    /// The URL as given.
    pub url: String,
    /// Every request of the redirect chain, in order.
    pub hops: Vec<Hop>,
    /// Response headers of the last hop, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// Why the URL could not be fetched (connection refused, TLS error, timeout), if so.
    pub error: Option<String>,
    /// Whether the error was about the TLS certificate.
    pub tls_error: bool,
    /// The plain-HTTP twin of an HTTPS URL (or the URL itself when it is plain HTTP): its first
    /// answer, or why there was none.
    pub http_twin: Option<Result<Hop, String>>,
    /// Durations of the timed requests, in milliseconds; failed requests are left out.
    pub samples_ms: Vec<f64>,
    /// Timed requests that failed or answered 5xx.
    pub sample_errors: usize,
}

impl Endpoint {
    /// The last hop.
    pub fn last(&self) -> Option<&Hop> {
        self.hops.last()
    }

    /// The address finally answered.
    pub fn final_url(&self) -> &str {
        self.last().map(|h| h.url.as_str()).unwrap_or(&self.url)
    }

    /// A header of the final answer (first occurrence).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether the final answer came over HTTPS.
    pub fn https(&self) -> bool {
        self.error.is_none() && self.final_url().starts_with("https://")
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ProbeFacts {
    pub endpoints: Vec<Endpoint>,
}

/// Most redirects followed.
const MAX_HOPS: usize = 5;
/// Most bytes of a body read.
const BODY_CAP: usize = 2 * 1024 * 1024;

/// Probes every URL, one request at a time.
pub fn collect(opts: &ProbeOptions, progress: &dyn Progress) -> ProbeFacts {
    // every URL fails the same way when the probe itself cannot start
    let unstarted = |e: &dyn std::fmt::Display| ProbeFacts {
        endpoints: opts
            .urls
            .iter()
            .map(|u| Endpoint { url: u.clone(), error: Some(format!("could not start: {e}")), ..Endpoint::default() })
            .collect(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return unstarted(&e),
    };
    progress.stage("Probing deployed endpoints", Some(opts.urls.len() as u64));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(opts.timeout)
        .connect_timeout(opts.timeout)
        .user_agent(concat!("maturity/", env!("CARGO_PKG_VERSION"), " (engineering maturity audit)"))
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => return unstarted(&e),
    };
    let mut endpoints = Vec::new();
    for url in &opts.urls {
        endpoints.push(runtime.block_on(probe(&client, url, opts)));
        progress.advance(1);
    }
    ProbeFacts { endpoints }
}

async fn probe(client: &reqwest::Client, url: &str, opts: &ProbeOptions) -> Endpoint {
    let mut e = Endpoint { url: url.to_string(), ..Endpoint::default() };
    let mut current = match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        Ok(u) => {
            e.error = Some(format!("`{}` is not an HTTP address", u.scheme()));
            return e;
        }
        Err(err) => {
            e.error = Some(format!("not a URL: {err}"));
            return e;
        }
    };
    loop {
        match client.get(current.clone()).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let location = resp.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
                e.headers = resp
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect();
                drain(resp).await;
                e.hops.push(Hop { url: current.to_string(), status, location: location.clone() });
                let next = location.filter(|_| (300..400).contains(&status)).and_then(|l| current.join(&l).ok());
                match next {
                    Some(n) if e.hops.len() <= MAX_HOPS => current = n,
                    _ => break,
                }
            }
            Err(err) => {
                let text = error_chain(&err);
                e.tls_error = current.scheme() == "https" && is_tls(&text);
                e.error = Some(format!("{current}: {}", describe(&err, &text)));
                break;
            }
        }
    }
    e.http_twin = http_twin(client, url, &e).await;
    if e.error.is_none() && e.last().is_some_and(|h| h.status < 400) {
        let target = e.final_url().to_string();
        for n in 0..opts.samples {
            if n > 0 {
                tokio::time::sleep(opts.pause).await;
            }
            let started = Instant::now();
            match client.get(&target).send().await {
                Ok(resp) if resp.status().is_server_error() => e.sample_errors += 1,
                Ok(resp) => {
                    drain(resp).await;
                    e.samples_ms.push((started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0);
                }
                Err(_) => e.sample_errors += 1,
            }
        }
    }
    e
}

/// The first answer of the plain-HTTP address of the same host and path.
async fn http_twin(client: &reqwest::Client, url: &str, e: &Endpoint) -> Option<Result<Hop, String>> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if parsed.scheme() == "http" {
        // the chain itself starts on plain HTTP
        return match e.hops.first() {
            Some(h) => Some(Ok(h.clone())),
            None => e.error.clone().map(Err),
        };
    }
    let mut twin = parsed.clone();
    twin.set_scheme("http").ok()?;
    if parsed.port().is_some() {
        // a custom HTTPS port has no conventional HTTP twin
        return None;
    }
    Some(match client.get(twin.clone()).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let location = resp.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
            drain(resp).await;
            Ok(Hop { url: twin.to_string(), status, location })
        }
        Err(err) => Err(describe(&err, &error_chain(&err))),
    })
}

/// Reads and drops a body, up to the cap.
async fn drain(mut resp: reqwest::Response) {
    let mut read = 0usize;
    while let Ok(Some(chunk)) = resp.chunk().await {
        read += chunk.len();
        if read > BODY_CAP {
            break;
        }
    }
}

fn is_tls(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["certificate", "tls", "handshake", "unknownissuer", "notvalidforname"].iter().any(|w| t.contains(w))
}

fn describe(err: &reqwest::Error, text: &str) -> String {
    if err.is_timeout() {
        return "timed out".into();
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("connection refused") {
        return "connection refused".into();
    }
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        return "the host name does not resolve".into();
    }
    if is_tls(text) {
        let detail = text.rsplit(": ").next().unwrap_or(text);
        return format!("TLS handshake failed ({detail})");
    }
    crate::model::clip(text, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_accessors() {
        let e = Endpoint {
            url: "http://shop.example".into(),
            hops: vec![
                Hop { url: "http://shop.example/".into(), status: 301, location: Some("https://shop.example/".into()) },
                Hop { url: "https://shop.example/".into(), status: 200, location: None },
            ],
            headers: vec![("strict-transport-security".into(), "max-age=63072000".into())],
            ..Endpoint::default()
        };
        assert_eq!(e.final_url(), "https://shop.example/");
        assert!(e.https());
        assert_eq!(e.header("Strict-Transport-Security"), Some("max-age=63072000"));
        assert_eq!(e.header("content-security-policy"), None);
        assert!(is_tls("error trying to connect: invalid peer certificate: UnknownIssuer"));
        assert!(!is_tls("connection refused"));
    }
}
