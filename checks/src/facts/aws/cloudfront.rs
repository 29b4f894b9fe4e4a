//! CloudFront (roadmap item 1.4): distributions and how they treat viewers: the viewer protocol
//! policy of the default and every other cache behaviour, and the minimum TLS version. A global
//! service, read once. The list's summaries carry all of it; when a summary lacks its behaviours
//! (the emulator's do), the distribution's configuration is read instead.

use super::call::{Ctx, each};
use super::{GLOBAL, Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Distribution {
    pub res: Res,
    pub domain: String,
    pub aliases: Vec<String>,
    pub comment: String,
    pub enabled: bool,
    /// Viewer protocol policy of the default behaviour, then of each path pattern:
    /// `allow-all`, `redirect-to-https` or `https-only`.
    pub viewer_policies: Vec<(String, String)>,
    pub minimum_tls: Option<String>,
}

fn from_config(d: &mut Distribution, c: &aws_sdk_cloudfront::types::DistributionConfig) {
    if let Some(b) = c.default_cache_behavior() {
        d.viewer_policies.push(("default".to_string(), b.viewer_protocol_policy().as_str().to_string()));
    }
    for b in c.cache_behaviors().map(|c| c.items()).unwrap_or_default() {
        d.viewer_policies.push((b.path_pattern().to_string(), b.viewer_protocol_policy().as_str().to_string()));
    }
    d.enabled = c.enabled();
    d.comment = c.comment().to_string();
    d.aliases = c.aliases().map(|a| a.items().to_vec()).unwrap_or_default();
    d.minimum_tls = c.viewer_certificate().and_then(|v| v.minimum_protocol_version()).map(|m| m.as_str().to_string());
}

pub async fn collect(ctx: &Arc<Ctx>) -> Vec<Distribution> {
    let client = aws_sdk_cloudfront::Client::new(&ctx.config(super::GLOBAL_SIGNING_REGION));
    let found = ctx
        .call(
            &ops::CLOUDFRONT_LIST_DISTRIBUTIONS,
            GLOBAL,
            client.list_distributions().into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default();
    let distributions: Vec<Distribution> = found
        .iter()
        .map(|d| {
            let mut viewer_policies = Vec::new();
            // the SDK fills a missing required member with an empty default: a default behaviour
            // always routes to an origin, so one without a target origin was not in the answer
            if let Some(b) = d.default_cache_behavior().filter(|b| !b.target_origin_id().is_empty()) {
                viewer_policies.push(("default".to_string(), b.viewer_protocol_policy().as_str().to_string()));
                for b in d.cache_behaviors().map(|c| c.items()).unwrap_or_default() {
                    viewer_policies
                        .push((b.path_pattern().to_string(), b.viewer_protocol_policy().as_str().to_string()));
                }
            }
            Distribution {
                res: Res::new(GLOBAL, d.id(), Some(d.arn())),
                domain: d.domain_name().to_string(),
                aliases: d.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
                comment: d.comment().to_string(),
                enabled: d.enabled(),
                viewer_policies,
                minimum_tls: d
                    .viewer_certificate()
                    .and_then(|v| v.minimum_protocol_version())
                    .map(|m| m.as_str().to_string()),
            }
        })
        .collect();
    each(distributions, |mut d| {
        let (ctx, client) = (Arc::clone(ctx), client.clone());
        async move {
            // every distribution has a default behaviour: a summary without one is incomplete
            // (emulators leave it out), so the configuration is read instead
            if d.viewer_policies.is_empty() {
                let config = ctx
                    .call(
                        &ops::CLOUDFRONT_GET_DISTRIBUTION_CONFIG,
                        GLOBAL,
                        client.get_distribution_config().id(&d.res.name).send(),
                    )
                    .await;
                if let Some(c) = config.as_ref().and_then(|c| c.distribution_config()) {
                    from_config(&mut d, c);
                }
            }
            let arn = d.res.arn.clone().unwrap_or_default();
            let tags = ctx
                .call(&ops::CLOUDFRONT_LIST_TAGS, GLOBAL, client.list_tags_for_resource().resource(arn).send())
                .await;
            d.res.tags = tags.map(|t| {
                t.tags()
                    .map(|t| t.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().unwrap_or_default().to_string()))
                    .collect()
            });
            d
        }
    })
    .await
}
