//! Route 53 (roadmap item 1.4): hosted zones, public and private. A global service, read once.

use super::call::Ctx;
use super::{GLOBAL, Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HostedZone {
    pub res: Res,
    /// The zone's id without the `/hostedzone/` prefix.
    pub id: String,
    pub private: bool,
    pub records: i64,
}

pub async fn collect(ctx: &Arc<Ctx>) -> Vec<HostedZone> {
    let client = aws_sdk_route53::Client::new(&ctx.config(super::GLOBAL_SIGNING_REGION));
    ctx.call(
        &ops::ROUTE53_LIST_HOSTED_ZONES,
        GLOBAL,
        client.list_hosted_zones().into_paginator().items().send().try_collect(),
    )
    .await
    .unwrap_or_default()
    .iter()
    .map(|z| {
        let id = z.id().trim_start_matches("/hostedzone/").to_string();
        HostedZone {
            res: Res::new(GLOBAL, z.name(), Some(&format!("arn:aws:route53:::hostedzone/{id}"))),
            id,
            private: z.config().is_some_and(|c| c.private_zone()),
            records: z.resource_record_set_count().unwrap_or(0),
        }
    })
    .collect()
}
