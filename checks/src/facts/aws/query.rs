//! The AWS Query protocol, for the two reads the SDK cannot make against every endpoint.
//!
//! `aws-sdk-cloudwatch` speaks Smithy RPCv2-CBOR, which emulators (and older endpoints) answer
//! with 404, while every CloudWatch endpoint also accepts the older Query protocol
//! (`Action=DescribeAlarms&Version=2010-08-01`). EC2's `DescribeRegions` is the only EC2 call the
//! audit needs, and the EC2 SDK is one of the largest crates there is. So both are made here: a
//! form-encoded POST signed with SigV4 (`aws-sigv4`, the SDK's own signer), with the SDK's
//! credentials, retried with exponential backoff on throttling, server errors and dropped
//! connections, and followed through `NextToken` pages. Responses are returned as XML text;
//! the collectors read them with roxmltree.

use super::call::{Failure, classify};
use super::ops::Operation;
use crate::facts::error_chain;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::{Duration, SystemTime};

/// How a Query service is addressed and signed.
struct Protocol {
    /// Name in the SigV4 credential scope and the endpoint host (`monitoring`).
    signing_name: &'static str,
    version: &'static str,
}

fn protocol(service: &str) -> Option<Protocol> {
    match service {
        "cloudwatch" => Some(Protocol { signing_name: "monitoring", version: "2010-08-01" }),
        "ec2" => Some(Protocol { signing_name: "ec2", version: "2016-11-15" }),
        _ => None,
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    credentials: Option<SharedCredentialsProvider>,
    endpoint: Option<String>,
    max_attempts: u32,
}

impl Client {
    pub fn new(
        credentials: Option<SharedCredentialsProvider>,
        endpoint: Option<String>,
        attempt_timeout: Duration,
        max_attempts: u32,
    ) -> Client {
        let http = reqwest::Client::builder()
            .timeout(attempt_timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("maturity/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Client { http, credentials, endpoint, max_attempts: max_attempts.max(1) }
    }

    fn url(&self, p: &Protocol, region: &str) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None if region.starts_with("cn-") => format!("https://{}.{region}.amazonaws.com.cn/", p.signing_name),
            None => format!("https://{}.{region}.amazonaws.com/", p.signing_name),
        }
    }

    /// Calls `operation` in `region` with these parameters and returns every page's XML.
    pub async fn call(
        &self,
        operation: &Operation,
        region: &str,
        params: &[(&str, String)],
    ) -> Result<Vec<String>, Failure> {
        let p = protocol(operation.service).ok_or_else(|| Failure::Failed {
            message: format!("{} is not a Query-protocol service", operation.service),
        })?;
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = form(operation.action, p.version, params, token.as_deref());
            let xml = self.with_retries(&p, region, &body).await?;
            token = next_token(&xml);
            pages.push(xml);
            if token.is_none() || pages.len() >= 1000 {
                return Ok(pages);
            }
        }
    }

    async fn with_retries(&self, p: &Protocol, region: &str, body: &str) -> Result<String, Failure> {
        let mut attempt = 1;
        loop {
            match self.once(p, region, body).await {
                Err(Attempt::Retry(_)) if attempt < self.max_attempts => {
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                Err(Attempt::Retry(f) | Attempt::Final(f)) => return Err(f),
                Ok(xml) => return Ok(xml),
            }
        }
    }

    async fn once(&self, p: &Protocol, region: &str, body: &str) -> Result<String, Attempt> {
        let url = self.url(p, region);
        let request = self.signed(p, region, &url, body).await.map_err(Attempt::Final)?;
        let response = match self.http.execute(request).await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Err(Attempt::Retry(Failure::Failed { message: "timed out, also after the retries".into() }));
            }
            Err(e) => {
                return Err(Attempt::Retry(Failure::Failed {
                    message: format!("could not connect to the endpoint ({})", error_chain(&e)),
                }));
            }
        };
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let (code, message) = error_code(&text);
        let failure = classify(code.as_deref(), status, message.as_deref());
        let retry =
            status >= 500 || matches!(&failure, Failure::Failed { message } if message.starts_with("throttled"));
        Err(if retry { Attempt::Retry(failure) } else { Attempt::Final(failure) })
    }

    async fn signed(&self, p: &Protocol, region: &str, url: &str, body: &str) -> Result<reqwest::Request, Failure> {
        let failed = |what: &str, e: &dyn std::fmt::Display| Failure::Failed { message: format!("{what}: {e}") };
        let provider = self
            .credentials
            .as_ref()
            .ok_or_else(|| Failure::Failed { message: "no AWS credentials are configured".into() })?;
        let credentials =
            provider.provide_credentials().await.map_err(|e| failed("the AWS credentials could not be loaded", &e))?;
        let identity: Identity = credentials.into();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let headers = [("content-type", content_type)];
        let signable = SignableRequest::new("POST", url, headers.into_iter(), SignableBody::Bytes(body.as_bytes()))
            .map_err(|e| failed("the request could not be signed", &e))?;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(p.signing_name)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| failed("the request could not be signed", &e))?
            .into();
        let (instructions, _) =
            sign(signable, &params).map_err(|e| failed("the request could not be signed", &e))?.into_parts();
        let mut request = http::Request::builder()
            .method("POST")
            .uri(url)
            .header("content-type", content_type)
            .body(body.to_string())
            .map_err(|e| failed("the request could not be built", &e))?;
        instructions.apply_to_request_http1x(&mut request);
        reqwest::Request::try_from(request).map_err(|e| failed("the request could not be built", &e))
    }
}

/// The form-encoded body of a Query request.
fn form(action: &str, version: &str, params: &[(&str, String)], token: Option<&str>) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action).append_pair("Version", version);
    for (k, v) in params {
        form.append_pair(k, v);
    }
    if let Some(t) = token {
        form.append_pair("NextToken", t);
    }
    form.finish()
}

enum Attempt {
    Retry(Failure),
    Final(Failure),
}

/// Exponential backoff with jitter: about 0.2, 0.4, 0.8 s... capped at 5 s.
fn backoff(attempt: u32) -> Duration {
    let base = 200u64.saturating_mul(1 << attempt.min(5)) / 2;
    let jitter =
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64 % 100).unwrap_or(0);
    Duration::from_millis((base + base * jitter / 100).min(5_000))
}

/// The text of the first element with this local name.
pub fn text_of(node: roxmltree::Node, name: &str) -> Option<String> {
    node.descendants().find(|n| n.tag_name().name() == name).and_then(|n| n.text()).map(|t| t.trim().to_string())
}

fn next_token(xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    text_of(doc.root(), "NextToken").filter(|t| !t.is_empty())
}

/// The `Code` and `Message` of a Query error (`<ErrorResponse><Error>` or EC2's
/// `<Response><Errors><Error>`).
fn error_code(xml: &str) -> (Option<String>, Option<String>) {
    match roxmltree::Document::parse(xml) {
        Ok(doc) => (text_of(doc.root(), "Code"), text_of(doc.root(), "Message")),
        Err(_) => (None, Some(xml.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_tokens_are_read() {
        let err = r#"<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/a is not authorized to perform: cloudwatch:DescribeAlarms</Message></Error></ErrorResponse>"#;
        let (code, message) = error_code(err);
        assert_eq!(code.as_deref(), Some("AccessDenied"));
        assert!(message.unwrap().ends_with("cloudwatch:DescribeAlarms"));
        let ec2 = "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors></Response>";
        assert_eq!(error_code(ec2).0.as_deref(), Some("UnauthorizedOperation"));
        assert_eq!(error_code("<!doctype html><title>404</title>").0, None);
        let page = "<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms/><NextToken>abc</NextToken></DescribeAlarmsResult></DescribeAlarmsResponse>";
        assert_eq!(next_token(page).as_deref(), Some("abc"));
        assert_eq!(next_token("<X><NextToken></NextToken></X>"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) >= Duration::from_millis(200) && backoff(1) < Duration::from_millis(400));
        assert!(backoff(2) >= Duration::from_millis(400));
        assert!(backoff(30) <= Duration::from_secs(5));
    }
}
