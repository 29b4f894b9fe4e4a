//! ELBv2 (roadmap item 1.4): application and network load balancers with their listeners: the
//! protocol, the TLS policy of HTTPS listeners, and whether plain HTTP redirects to HTTPS.

use super::call::{Ctx, each};
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LoadBalancer {
    pub res: Res,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    pub dns_name: String,
    pub listeners: Vec<Listener>,
    /// Whether the listeners could be read.
    pub listeners_read: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Listener {
    pub arn: String,
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`...
    pub protocol: String,
    pub ssl_policy: Option<String>,
    /// Whether the default action redirects to HTTPS.
    pub redirects_to_https: bool,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<LoadBalancer> {
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&ctx.config(region));
    let found = ctx
        .call(
            &ops::ELBV2_DESCRIBE_LOAD_BALANCERS,
            region,
            client.describe_load_balancers().into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default();
    let mut balancers: Vec<LoadBalancer> = found
        .iter()
        .map(|l| LoadBalancer {
            res: Res::new(region, l.load_balancer_name().unwrap_or_default(), l.load_balancer_arn()),
            kind: l.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            scheme: l.scheme().map(|s| s.as_str().to_string()).unwrap_or_default(),
            dns_name: l.dns_name().unwrap_or_default().to_string(),
            listeners: Vec::new(),
            listeners_read: false,
        })
        .collect();
    // tags: one call per 20 load balancers
    let arns: Vec<String> = balancers.iter().filter_map(|b| b.res.arn.clone()).collect();
    let tag_sets = each(arns.chunks(20).map(<[String]>::to_vec).collect(), |chunk| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            ctx.call(&ops::ELBV2_DESCRIBE_TAGS, &region, client.describe_tags().set_resource_arns(Some(chunk)).send())
                .await
                .map(|out| out.tag_descriptions().to_vec())
        }
    })
    .await;
    for set in tag_sets.into_iter().flatten() {
        for d in set {
            if let Some(b) = balancers.iter_mut().find(|b| b.res.arn.as_deref() == d.resource_arn()) {
                b.res.tags = Some(
                    d.tags()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
                        .collect(),
                );
            }
        }
    }
    each(balancers, |mut b| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            let Some(arn) = b.res.arn.clone() else { return b };
            let listeners = ctx
                .call(
                    &ops::ELBV2_DESCRIBE_LISTENERS,
                    &region,
                    client.describe_listeners().load_balancer_arn(arn).into_paginator().items().send().try_collect(),
                )
                .await;
            if let Some(listeners) = listeners {
                b.listeners_read = true;
                b.listeners = listeners
                    .iter()
                    .map(|l| Listener {
                        arn: l.listener_arn().unwrap_or_default().to_string(),
                        port: l.port().unwrap_or(0),
                        protocol: l.protocol().map(|p| p.as_str().to_string()).unwrap_or_default(),
                        ssl_policy: l.ssl_policy().map(str::to_string),
                        redirects_to_https: l.default_actions().iter().any(|a| {
                            a.redirect_config()
                                .and_then(|r| r.protocol())
                                .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
                        }),
                    })
                    .collect();
            }
            b
        }
    })
    .await
}
