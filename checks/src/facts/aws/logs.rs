//! CloudWatch Logs (roadmap item 3.2): log groups and how long they keep what they receive.

use super::call::Ctx;
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LogGroup {
    pub res: Res,
    /// Days kept; `None` means forever (no retention policy).
    pub retention_days: Option<i32>,
    pub stored_bytes: i64,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<LogGroup> {
    let client = aws_sdk_cloudwatchlogs::Client::new(&ctx.config(region));
    ctx.call(
        &ops::LOGS_DESCRIBE_LOG_GROUPS,
        region,
        client.describe_log_groups().into_paginator().items().send().try_collect(),
    )
    .await
    .unwrap_or_default()
    .iter()
    .map(|g| LogGroup {
        res: Res::new(region, g.log_group_name().unwrap_or_default(), g.arn().map(|a| a.trim_end_matches(":*"))),
        retention_days: g.retention_in_days(),
        stored_bytes: g.stored_bytes().unwrap_or(0),
    })
    .collect()
}
