//! CloudTrail (roadmap item 4.3): trails, whether they cover every region, validate their log
//! files and are logging right now. A multi-region trail shows up in every region read; the
//! inventory keeps it once.

use super::call::{Ctx, each};
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trail {
    pub res: Res,
    pub home_region: String,
    pub multi_region: bool,
    pub log_validation: bool,
    pub kms_encrypted: bool,
    pub organization: bool,
    /// Whether it is logging now; `None` when the status could not be read.
    pub logging: Option<bool>,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<Trail> {
    let client = aws_sdk_cloudtrail::Client::new(&ctx.config(region));
    let Some(out) = ctx.call(&ops::CLOUDTRAIL_DESCRIBE_TRAILS, region, client.describe_trails().send()).await else {
        return Vec::new();
    };
    // a multi-region trail is listed in every region (as a shadow elsewhere than its home); the
    // inventory keeps one copy, recorded under its home region
    let trails: Vec<Trail> = out
        .trail_list()
        .iter()
        .map(|t| Trail {
            res: Res::new(t.home_region().unwrap_or(region), t.name().unwrap_or_default(), t.trail_arn()),
            home_region: t.home_region().unwrap_or(region).to_string(),
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            log_validation: t.log_file_validation_enabled().unwrap_or(false),
            kms_encrypted: t.kms_key_id().is_some(),
            organization: t.is_organization_trail().unwrap_or(false),
            logging: None,
        })
        .collect();
    each(trails, |mut t| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            let name = t.res.arn.clone().unwrap_or_else(|| t.res.name.clone());
            t.logging = ctx
                .call(&ops::CLOUDTRAIL_GET_TRAIL_STATUS, &region, client.get_trail_status().name(name).send())
                .await
                .map(|s| s.is_logging().unwrap_or(false));
            t
        }
    })
    .await
}
