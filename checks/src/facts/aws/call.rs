//! Making one call and recording what became of it.
//!
//! Every API call goes through [`Ctx::call`]: it waits for a slot (so a thousand resources do not
//! become a thousand simultaneous requests), times the call, and turns an error into a
//! [`Failure`] a check can explain: a denied IAM action, an operation the endpoint does not
//! implement, or an error that outlasted the SDK's retries. A failed call never aborts the
//! inventory; what it would have read is simply absent, and the checks that needed it answer
//! `unknown`.

use super::ops::Operation;
use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;
use std::future::Future;
use std::sync::Mutex;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Failure {
    /// The credentials lack the IAM action.
    Denied { message: String },
    /// The endpoint does not implement the operation (an emulator, a partition without it).
    Unsupported,
    /// Throttling, a timeout, a refused connection or a server error that outlasted the retries,
    /// or an error the audit does not expect.
    Failed { message: String },
}

/// One call the inventory made (all pages of a paginated operation count as one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    pub operation: &'static Operation,
    /// The region called, or `global`.
    pub region: String,
    /// Wall time of the call, retries and pages included.
    pub ms: u64,
    pub failure: Option<Failure>,
}

/// Error codes that mean the caller is not allowed.
const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "UnauthorizedException",
    "AuthorizationError",
    "AuthorizationErrorException",
    "NotAuthorized",
    "Forbidden",
];

/// Error codes that mean the endpoint does not know the operation.
const UNSUPPORTED: &[&str] = &[
    "UnknownOperationException",
    "UnknownOperation",
    "InvalidAction",
    "NotImplemented",
    "UnsupportedOperation",
    "UnsupportedOperationException",
];

/// Error codes of throttling (the SDK retries these with backoff before giving up).
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "SlowDown",
    "PriorRequestNotComplete",
];

/// Error codes of credentials the service refused (not a missing permission).
const BAD_CREDENTIALS: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "IncompleteSignature",
];

/// Classifies an error response by its code, HTTP status and message. Pure, so it is tested on
/// its own and shared by the SDK calls and the Query-protocol calls.
pub fn classify(code: Option<&str>, status: u16, message: Option<&str>) -> Failure {
    let code = code.filter(|c| !c.is_empty());
    let text = message.map(|m| first_line(m, 200)).unwrap_or_default();
    let with = |what: &str| if text.is_empty() { what.to_string() } else { format!("{what}: {text}") };
    match code {
        Some(c) if DENIED.contains(&c) => Failure::Denied { message: text },
        Some(c) if UNSUPPORTED.contains(&c) => Failure::Unsupported,
        Some(c) if THROTTLED.contains(&c) => {
            Failure::Failed { message: format!("throttled ({c}) and still throttled after the retries") }
        }
        Some(c) if BAD_CREDENTIALS.contains(&c) => {
            Failure::Failed { message: with(&format!("the credentials were rejected ({c})")) }
        }
        Some(c) => Failure::Failed { message: with(&format!("{c} (HTTP {status})")) },
        None => match status {
            403 => Failure::Denied { message: text },
            404 | 405 | 501 => Failure::Unsupported,
            500..=599 => {
                Failure::Failed { message: format!("the endpoint answered HTTP {status}, also after the retries") }
            }
            _ => Failure::Failed { message: format!("unexpected answer (HTTP {status})") },
        },
    }
}

fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    // an HTML error page says nothing useful
    if line.starts_with('<') {
        return String::new();
    }
    crate::model::clip(line, max)
}

/// The failure an SDK error stands for.
pub fn failure_of<E>(err: &SdkError<E, HttpResponse>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(s) => classify(err.code(), s.raw().status().as_u16(), err.message()),
        SdkError::TimeoutError(_) => Failure::Failed { message: "timed out, also after the retries".into() },
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            Failure::Failed { message: "timed out, also after the retries".into() }
        }
        SdkError::DispatchFailure(d) if d.is_io() => Failure::Failed {
            message: format!(
                "could not connect to the endpoint ({})",
                DisplayErrorContext(err).to_string().replace('\n', " ")
            ),
        },
        SdkError::ResponseError(r) => match r.raw().status().as_u16() {
            // an answer that is not the service's format: an HTML 404 page from an emulator
            404 | 501 => Failure::Unsupported,
            403 => Failure::Denied { message: String::new() },
            status => Failure::Failed { message: format!("the answer could not be read (HTTP {status})") },
        },
        _ => Failure::Failed { message: DisplayErrorContext(err).to_string().replace('\n', " ") },
    }
}

/// What every collector shares: the SDK configuration, the limit on calls in flight, and the
/// record of calls.
pub struct Ctx {
    pub sdk: SdkConfig,
    pub query: super::query::Client,
    pub account: Option<String>,
    limit: Semaphore,
    calls: Mutex<Vec<Call>>,
}

impl Ctx {
    pub fn new(sdk: SdkConfig, query: super::query::Client, concurrency: usize) -> Ctx {
        Ctx { sdk, query, account: None, limit: Semaphore::new(concurrency.max(1)), calls: Mutex::new(Vec::new()) }
    }

    /// The SDK configuration for one region.
    pub fn config(&self, region: &str) -> SdkConfig {
        self.sdk.to_builder().region(aws_config::Region::new(region.to_string())).build()
    }

    fn record(&self, operation: &'static Operation, region: &str, started: Instant, failure: Option<Failure>) {
        let call = Call { operation, region: region.to_string(), ms: started.elapsed().as_millis() as u64, failure };
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).push(call);
    }

    pub fn take_calls(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Runs one SDK call (all its pages); `None` when it failed (the failure is recorded).
    pub async fn call<T, E>(
        &self,
        operation: &'static Operation,
        region: &str,
        fut: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    ) -> Option<T>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_or(operation, region, fut, &[]).await.flatten()
    }

    /// Like [`Ctx::call`], but an error whose code is in `absent` means "there is none" and gives
    /// `Some(None)` (`NoSuchEntity` for an account without a password policy).
    pub async fn call_or<T, E>(
        &self,
        operation: &'static Operation,
        region: &str,
        fut: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        absent: &[&str],
    ) -> Option<Option<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_as(operation, region, fut, absent, &[]).await
    }

    /// Like [`Ctx::call_or`], and an error whose code is in `unsupported` is recorded as
    /// [`Failure::Unsupported`] (an endpoint that rejects a newer enum value it does not know).
    pub async fn call_as<T, E>(
        &self,
        operation: &'static Operation,
        region: &str,
        fut: impl Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        absent: &[&str],
        unsupported: &[&str],
    ) -> Option<Option<T>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _slot = self.limit.acquire().await.ok()?;
        let started = Instant::now();
        match fut.await {
            Ok(v) => {
                self.record(operation, region, started, None);
                Some(Some(v))
            }
            Err(e) if e.code().is_some_and(|c| absent.contains(&c)) => {
                self.record(operation, region, started, None);
                Some(None)
            }
            Err(e) if e.code().is_some_and(|c| unsupported.contains(&c)) => {
                self.record(operation, region, started, Some(Failure::Unsupported));
                None
            }
            Err(e) => {
                self.record(operation, region, started, Some(failure_of(&e)));
                None
            }
        }
    }

    /// Runs one Query-protocol call (see `query.rs`), recorded like the SDK's.
    pub async fn query(
        &self,
        operation: &'static Operation,
        region: &str,
        params: &[(&str, String)],
    ) -> Option<Vec<String>> {
        let _slot = self.limit.acquire().await.ok()?;
        let started = Instant::now();
        match self.query.call(operation, region, params).await {
            Ok(pages) => {
                self.record(operation, region, started, None);
                Some(pages)
            }
            Err(f) => {
                self.record(operation, region, started, Some(f));
                None
            }
        }
    }
}

/// Runs `f` on every item as concurrent tasks and returns the results in the items' order (a
/// task that panicked leaves its result out).
pub async fn each<I, T, F, Fut>(items: Vec<I>, f: F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for (n, item) in items.into_iter().enumerate() {
        let fut = f(item);
        set.spawn(async move { (n, fut.await) });
    }
    let mut out = Vec::with_capacity(set.len());
    while let Some(done) = set.join_next().await {
        if let Ok(r) = done {
            out.push(r);
        }
    }
    out.sort_by_key(|(n, _)| *n);
    out.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_responses_are_classified() {
        let denied = |m: &str| Failure::Denied { message: m.into() };
        for (code, status, message, want) in [
            (Some("AccessDenied"), 403, Some("User x is not authorized"), denied("User x is not authorized")),
            (Some("AccessDeniedException"), 400, None, denied("")),
            (Some("UnauthorizedOperation"), 403, None, denied("")),
            (None, 403, Some("<?xml version=\"1.0\"?><ErrorResponse>"), denied("")),
            (None, 404, Some("<!doctype html>"), Failure::Unsupported),
            (Some("InvalidAction"), 400, None, Failure::Unsupported),
            (Some("UnknownOperationException"), 400, None, Failure::Unsupported),
            (None, 501, None, Failure::Unsupported),
            (
                Some("ThrottlingException"),
                400,
                Some("Rate exceeded"),
                Failure::Failed {
                    message: "throttled (ThrottlingException) and still throttled after the retries".into(),
                },
            ),
            (
                None,
                503,
                None,
                Failure::Failed { message: "the endpoint answered HTTP 503, also after the retries".into() },
            ),
            (
                Some("InvalidClientTokenId"),
                403,
                Some("The security token is invalid"),
                Failure::Failed {
                    message: "the credentials were rejected (InvalidClientTokenId): The security token is invalid"
                        .into(),
                },
            ),
            (
                Some("ValidationError"),
                400,
                Some("bad\nsecond line"),
                Failure::Failed { message: "ValidationError (HTTP 400): bad".into() },
            ),
        ] {
            assert_eq!(classify(code, status, message), want, "{code:?} {status}");
        }
    }
}
