//! ElastiCache (roadmap item 1.3): Redis and Valkey replication groups with failover, snapshot
//! retention and encryption. Tags need one extra call per group (`ListTagsForResource`).

use super::call::{Ctx, each};
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplicationGroup {
    pub res: Res,
    /// `redis` or `valkey` (older endpoints do not say; then empty).
    pub engine: String,
    pub status: String,
    pub automatic_failover: bool,
    pub multi_az: bool,
    pub snapshot_retention_days: i32,
    pub transit_encryption: bool,
    pub at_rest_encryption: bool,
    pub members: usize,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<ReplicationGroup> {
    let client = aws_sdk_elasticache::Client::new(&ctx.config(region));
    let groups = ctx
        .call(
            &ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS,
            region,
            client.describe_replication_groups().into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default();
    let groups: Vec<ReplicationGroup> = groups
        .iter()
        .map(|g| ReplicationGroup {
            res: Res::new(region, g.replication_group_id().unwrap_or_default(), g.arn()),
            engine: g.engine().unwrap_or_default().to_string(),
            status: g.status().unwrap_or_default().to_string(),
            automatic_failover: g.automatic_failover().is_some_and(|a| a.as_str() == "enabled"),
            multi_az: g.multi_az().is_some_and(|m| m.as_str() == "enabled"),
            snapshot_retention_days: g.snapshot_retention_limit().unwrap_or(0),
            transit_encryption: g.transit_encryption_enabled().unwrap_or(false),
            at_rest_encryption: g.at_rest_encryption_enabled().unwrap_or(false),
            members: g.member_clusters().len(),
        })
        .collect();
    each(groups, |mut g| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            if let Some(arn) = g.res.arn.clone() {
                let tags = ctx
                    .call(
                        &ops::ELASTICACHE_LIST_TAGS,
                        &region,
                        client.list_tags_for_resource().resource_name(arn).send(),
                    )
                    .await;
                g.res.tags = tags.map(|t| {
                    t.tag_list()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
                        .collect()
                });
            }
            g
        }
    })
    .await
}
