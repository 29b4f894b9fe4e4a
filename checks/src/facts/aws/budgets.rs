//! AWS Budgets (roadmap item 7.3): budgets and the notifications that warn before money runs
//! out. A global service that needs the account id (from STS), read once.

use super::call::{Ctx, each};
use super::{GLOBAL, Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Budget {
    pub res: Res,
    /// `COST`, `USAGE`...
    pub kind: String,
    /// `1000.0 USD`.
    pub limit: Option<String>,
    pub notifications: Vec<Notification>,
    /// Whether the notifications could be read.
    pub notifications_read: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Notification {
    /// `ACTUAL` or `FORECASTED`.
    pub kind: String,
    pub threshold: f64,
    /// `PERCENTAGE` or `ABSOLUTE_VALUE`.
    pub threshold_kind: String,
}

pub async fn collect(ctx: &Arc<Ctx>) -> Vec<Budget> {
    let Some(account) = ctx.account.clone() else { return Vec::new() };
    let client = aws_sdk_budgets::Client::new(&ctx.config(super::GLOBAL_SIGNING_REGION));
    let found = ctx
        .call(
            &ops::BUDGETS_DESCRIBE_BUDGETS,
            GLOBAL,
            client.describe_budgets().account_id(&account).into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default();
    let budgets: Vec<Budget> = found
        .iter()
        .map(|b| Budget {
            res: Res::new(
                GLOBAL,
                b.budget_name(),
                Some(&format!("arn:aws:budgets::{account}:budget/{}", b.budget_name())),
            ),
            kind: b.budget_type().as_str().to_string(),
            limit: b.budget_limit().map(|s| format!("{} {}", s.amount(), s.unit())),
            notifications: Vec::new(),
            notifications_read: false,
        })
        .collect();
    each(budgets, |mut b| {
        let (ctx, client, account) = (Arc::clone(ctx), client.clone(), account.clone());
        async move {
            let found = ctx
                .call(
                    &ops::BUDGETS_DESCRIBE_NOTIFICATIONS,
                    GLOBAL,
                    client
                        .describe_notifications_for_budget()
                        .account_id(&account)
                        .budget_name(&b.res.name)
                        .into_paginator()
                        .items()
                        .send()
                        .try_collect(),
                )
                .await;
            if let Some(found) = found {
                b.notifications_read = true;
                b.notifications = found
                    .iter()
                    .map(|n| Notification {
                        kind: n.notification_type().as_str().to_string(),
                        threshold: n.threshold(),
                        threshold_kind: n.threshold_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
                    })
                    .collect();
            }
            b
        }
    })
    .await
}
