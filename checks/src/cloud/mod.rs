//! Checks that judge the running system: the AWS account (`aws.*`, read with `--aws`) and the
//! deployed endpoints (`live.*`, probed with `--url`).
//!
//! Same contract as the repository checks: pure functions of facts, one question each, every
//! pass or partial citing evidence (here a cloud resource with service, region, ARN and the call
//! that read it, or a URL). Two answers are special to live sources: without `--aws` or `--url`
//! the check is `not_assessed` (it never lowers the score, only the assessed coverage); when a
//! call it needed was denied, unsupported by the endpoint, or failed after the retries, it is
//! `unknown` and names the IAM action, never "missing". [`drift`] compares the account with the
//! Terraform in the repository.

pub mod aws;
pub mod drift;
pub mod http;

use crate::check::Context;
use crate::facts::aws::ops::Operation;
use crate::facts::aws::{AwsFacts, GLOBAL, Res, explain};
use crate::model::{Evidence, Finding};

/// The account's facts, or the finding when there are none to judge.
pub(crate) fn account<'a>(cx: &'a Context) -> Result<&'a AwsFacts, Finding> {
    let Some(aws) = cx.repo.live.aws.as_ref() else {
        return Err(Finding::not_assessed(
            "the AWS account was not audited; run `maturity audit --aws` (with --profile and --region as needed) to assess it",
        ));
    };
    match &aws.fatal {
        Some(reason) => Err(Finding::unknown(format!("the AWS account could not be read: {reason}"))),
        None => Ok(aws),
    }
}

/// `unknown` when a call the check needs gave no answer, naming what failed.
pub(crate) fn blocked(aws: &AwsFacts, ops: &[&'static Operation]) -> Option<Finding> {
    let failed: Vec<String> = aws.failures(ops).map(explain).collect();
    if failed.is_empty() {
        return None;
    }
    let mut shown: Vec<String> = failed.iter().take(3).cloned().collect();
    if failed.len() > 3 {
        shown.push(format!("and {} more", failed.len() - 3));
    }
    let denied = aws.failures(ops).any(|c| matches!(c.failure, Some(crate::facts::aws::call::Failure::Denied { .. })));
    let hint = if denied { " (`maturity aws policy` prints the read-only policy the audit needs)" } else { "" };
    Some(Finding::unknown(format!("could not tell: {}{hint}", shown.join("; "))))
}

/// The account, when it was read and every call in `ops` answered; otherwise the finding to give
/// ([`account`], then [`blocked`]).
pub(crate) fn readable<'a>(cx: &'a Context, ops: &[&'static Operation]) -> Result<&'a AwsFacts, Finding> {
    let aws = account(cx)?;
    match blocked(aws, ops) {
        Some(f) => Err(f),
        None => Ok(aws),
    }
}

/// Evidence for a resource read by `call`.
pub(crate) fn cloud(service: &str, res: &Res, call: &Operation, detail: impl Into<Option<String>>) -> Evidence {
    Evidence::Cloud {
        service: service.to_string(),
        region: res.region.clone(),
        id: res.id().to_string(),
        call: call.iam.to_string(),
        detail: detail.into(),
    }
}

/// "in us-east-1" or "in eu-west-1 and us-east-1": where the audit looked.
pub(crate) fn regions(aws: &AwsFacts) -> String {
    let names: Vec<String> = aws.regions.iter().filter(|r| r.as_str() != GLOBAL).cloned().collect();
    match names.len() {
        0 => "in the account".to_string(),
        1..=3 => format!("in {}", crate::repo::support::list(&names)),
        n => format!("in the {n} regions read"),
    }
}

/// "`a`, `b` and 3 more": names for a message.
pub(crate) fn names<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<String> = items.into_iter().map(|n| format!("`{n}`")).collect();
    if all.len() > 4 {
        let mut shown = all[..3].to_vec();
        shown.push(format!("{} more", all.len() - 3));
        return crate::repo::support::list(&shown);
    }
    crate::repo::support::list(&all)
}

/// The verb that agrees with `n` subjects.
pub(crate) fn verb<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Pass when every item is good, fail when none is, partial (by share) otherwise.
pub(crate) fn share(good: usize, total: usize, message: String) -> Finding {
    if total == 0 { Finding::fail(message) } else { graded(good as f64 / total as f64, message, "") }
}

/// Pass at a score of 1, fail at 0, partial between, where the message gains `partial_note` in
/// parentheses (what a full pass asks for) when there is one.
pub(crate) fn graded(score: f64, message: String, partial_note: &str) -> Finding {
    if score >= 1.0 {
        Finding::pass(message)
    } else if score == 0.0 {
        Finding::fail(message)
    } else if partial_note.is_empty() {
        Finding::partial(score, message)
    } else {
        Finding::partial(score, format!("{message} ({partial_note})"))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{Check, Context, Targets};
    use crate::facts::RepoFacts;
    use crate::facts::aws::call::{Call, Failure};
    use crate::facts::aws::ops::Operation;
    use crate::facts::aws::{AwsFacts, Res};
    use crate::facts::probe::ProbeFacts;
    use crate::model::{Finding, Status};

    /// An account read in one region, with nothing in it.
    pub fn empty() -> AwsFacts {
        AwsFacts { regions: vec!["eu-west-1".into()], collected_on: "2025-06-01".into(), ..AwsFacts::default() }
    }

    pub fn res(name: &str) -> Res {
        Res::new("eu-west-1", name, Some(&format!("arn:aws:test:eu-west-1:123456789012:{name}")))
    }

    /// A failed call of `op`.
    pub fn failed(op: &'static Operation, failure: Failure) -> Call {
        Call { operation: op, region: "eu-west-1".into(), ms: 5, failure: Some(failure) }
    }

    pub fn denied(op: &'static Operation) -> Call {
        failed(op, Failure::Denied { message: String::new() })
    }

    /// Evaluates a check over an account (`None`: `--aws` not given).
    pub fn run(check: &dyn Check, aws: Option<AwsFacts>) -> Finding {
        let mut repo = RepoFacts::from_memory(&[]);
        repo.live.aws = aws;
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }

    /// Evaluates a check over probed endpoints.
    pub fn run_urls(check: &dyn Check, urls: Option<ProbeFacts>) -> Finding {
        let mut repo = RepoFacts::from_memory(&[]);
        repo.live.urls = urls;
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }

    /// The product's promises: a pass or partial cites evidence; every finding is a sentence.
    fn checked(f: Finding) -> Finding {
        if matches!(f.status, Status::Pass | Status::Partial) {
            assert!(!f.evidence.is_empty(), "{:?} without evidence: {}", f.status, f.message);
        }
        assert!(f.message.len() > 20 && f.message.ends_with('.'), "{}", f.message);
        f
    }

    /// Runs a table of `(name, account, expected status)` rows, checking what the message says
    /// when the row expects `unknown` or `not_assessed`.
    pub fn table(check: &dyn Check, rows: Vec<(&str, Option<AwsFacts>, Status)>) {
        for (name, aws, want) in rows {
            let f = run(check, aws);
            assert_eq!(f.status, want, "{} / {name}: {}", check.meta().id, f.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use crate::facts::aws::call::Failure;
    use crate::facts::aws::ops;
    use crate::model::Status;

    #[test]
    fn the_reasons_of_unknown_name_the_action() {
        let mut aws = empty();
        aws.calls.push(denied(&ops::RDS_DESCRIBE_DB_INSTANCES));
        aws.calls.push(failed(&ops::EKS_DESCRIBE_CLUSTER_VERSIONS, Failure::Unsupported));
        let f = super::blocked(&aws, &[&ops::RDS_DESCRIBE_DB_INSTANCES]).unwrap();
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("`rds:DescribeDBInstances` was denied in eu-west-1"), "{}", f.message);
        assert!(f.message.contains("maturity aws policy"));
        let f = super::blocked(&aws, &[&ops::EKS_DESCRIBE_CLUSTER_VERSIONS]).unwrap();
        assert!(f.message.contains("unsupported by the endpoint"), "{}", f.message);
        assert!(super::blocked(&aws, &[&ops::KMS_LIST_KEYS]).is_none());
    }
}
