//! IAM (roadmap item 4.3): the account's password policy and whether the root user has MFA.
//! A global service, read once. An account without a password policy answers `NoSuchEntity`,
//! which is a fact ("none"), not a failure.

use super::call::Ctx;
use super::{GLOBAL, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PasswordPolicy {
    pub min_length: i32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub max_age_days: Option<i32>,
    pub reuse_prevention: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IamFacts {
    /// `Some(None)`: the account has no password policy; `None`: it could not be read.
    pub password_policy: Option<Option<PasswordPolicy>>,
    /// Whether the root user has MFA; `None` when it could not be read.
    pub root_mfa: Option<bool>,
}

pub async fn collect(ctx: &Arc<Ctx>) -> IamFacts {
    let client = aws_sdk_iam::Client::new(&ctx.config(super::GLOBAL_SIGNING_REGION));
    let (policy, summary) = tokio::join!(
        ctx.call_or(
            &ops::IAM_GET_ACCOUNT_PASSWORD_POLICY,
            GLOBAL,
            client.get_account_password_policy().send(),
            &["NoSuchEntity"],
        ),
        ctx.call(&ops::IAM_GET_ACCOUNT_SUMMARY, GLOBAL, client.get_account_summary().send()),
    );
    IamFacts {
        password_policy: policy.map(|p| {
            p.and_then(|out| {
                out.password_policy().map(|p| PasswordPolicy {
                    min_length: p.minimum_password_length().unwrap_or(0),
                    require_symbols: p.require_symbols(),
                    require_numbers: p.require_numbers(),
                    require_uppercase: p.require_uppercase_characters(),
                    require_lowercase: p.require_lowercase_characters(),
                    max_age_days: p.max_password_age(),
                    reuse_prevention: p.password_reuse_prevention(),
                })
            })
        }),
        root_mfa: summary.map(|s| {
            s.summary_map()
                .and_then(|m| m.get(&aws_sdk_iam::types::SummaryKeyType::AccountMfaEnabled).copied())
                .unwrap_or(0)
                == 1
        }),
    }
}
