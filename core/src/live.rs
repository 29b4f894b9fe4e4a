//! The running system in an audit: reading the AWS account (`--aws`) and probing deployed
//! endpoints (`--url`) after the repository's facts are collected, and summarising both for the
//! scorecard (who the audit ran as, the calls that failed, declared versus deployed per item,
//! what each endpoint answered).

use crate::roadmap::Roadmap;
use crate::scorecard::{CloudInfo, EndpointInfo, FailedCall, ItemDrift};
use maturity_checks::cloud::drift;
use maturity_checks::facts::aws::call::Failure;
use maturity_checks::facts::aws::{self, AwsOptions, explain};
use maturity_checks::facts::probe::{self, ProbeOptions};
use maturity_checks::facts::{Progress, RepoFacts};

/// Which live sources to read; `None` leaves their checks `not_assessed`.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    pub aws: Option<AwsOptions>,
    pub urls: Option<ProbeOptions>,
}

/// Reads the live sources asked for into the repository's facts.
pub fn collect(repo: &mut RepoFacts, live: &LiveOptions, progress: &dyn Progress) {
    if let Some(opts) = &live.aws {
        repo.live.aws = Some(aws::collect(opts, progress));
    }
    if let Some(opts) = live.urls.as_ref().filter(|o| !o.urls.is_empty()) {
        repo.live.urls = Some(probe::collect(opts, progress));
    }
}

/// The account summary, with declared versus deployed per item of the roadmap.
pub fn cloud_info(repo: &RepoFacts, roadmap: &Roadmap) -> Option<CloudInfo> {
    let facts = repo.live.aws.as_ref()?;
    let kinds = if facts.fatal.is_none() { drift::compare(repo, facts) } else { Vec::new() };
    let drift = roadmap
        .items
        .iter()
        .filter_map(|item| {
            let mine: Vec<drift::KindDrift> =
                kinds.iter().filter(|k| item.checks.iter().any(|c| c.id == k.check)).cloned().collect();
            (!mine.is_empty()).then(|| ItemDrift { item: item.id.clone(), kinds: mine })
        })
        .collect();
    Some(CloudInfo {
        provider: "aws".into(),
        account: facts.identity.as_ref().map(|i| i.account.clone()),
        arn: facts.identity.as_ref().map(|i| i.arn.clone()),
        regions: facts.regions.clone(),
        endpoint: facts.endpoint.clone(),
        error: facts.fatal.clone(),
        resources: facts.resources().len(),
        calls: facts.calls.len(),
        calls_ms: facts.calls.iter().map(|c| c.ms).sum(),
        duration_ms: facts.duration_ms,
        failed_calls: facts
            .calls
            .iter()
            .filter_map(|c| {
                let outcome = match c.failure.as_ref()? {
                    Failure::Denied { .. } => "denied",
                    Failure::Unsupported => "unsupported",
                    Failure::Failed { .. } => "failed",
                };
                Some(FailedCall {
                    operation: c.operation.iam.to_string(),
                    region: c.region.clone(),
                    outcome: outcome.into(),
                    message: explain(c),
                })
            })
            .collect(),
        drift,
    })
}

/// What each probed endpoint answered.
pub fn endpoints(repo: &RepoFacts) -> Vec<EndpointInfo> {
    let Some(urls) = &repo.live.urls else { return Vec::new() };
    urls.endpoints
        .iter()
        .map(|e| {
            let summary = maturity_checks::cloud::http::summary(&e.samples_ms);
            EndpointInfo {
                url: e.url.clone(),
                final_url: e.final_url().to_string(),
                status: e.last().map(|h| h.status),
                https: e.https(),
                error: e.error.clone(),
                avg_ms: summary.map(|s| s.0),
                p95_ms: summary.map(|s| s.1),
                samples: e.samples_ms.len(),
            }
        })
        .collect()
}
