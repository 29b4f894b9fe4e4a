//! Auto Scaling (roadmap item 5.3): EC2 Auto Scaling groups (which also carry EKS managed node
//! groups) and Application Auto Scaling targets (ECS services, DynamoDB tables, Aurora replicas,
//! ElastiCache shards, Lambda concurrency). The latter must be asked per service namespace.

use super::call::Ctx;
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Group {
    pub res: Res,
    pub min: i32,
    pub max: i32,
    pub desired: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Target {
    pub res: Res,
    /// `ecs`, `dynamodb`, `rds`...
    pub namespace: String,
    /// `ecs:service:DesiredCount`...
    pub dimension: String,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScalingFacts {
    pub groups: Vec<Group>,
    pub targets: Vec<Target>,
}

impl ScalingFacts {
    pub fn absorb(&mut self, other: ScalingFacts) {
        self.groups.extend(other.groups);
        self.targets.extend(other.targets);
    }
}

/// The Application Auto Scaling namespaces read.
pub const NAMESPACES: &[&str] = &["ecs", "dynamodb", "rds", "elasticache", "lambda"];

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> ScalingFacts {
    let asg = aws_sdk_autoscaling::Client::new(&ctx.config(region));
    let aas = aws_sdk_applicationautoscaling::Client::new(&ctx.config(region));
    let groups = ctx
        .call(
            &ops::AUTOSCALING_DESCRIBE_GROUPS,
            region,
            asg.describe_auto_scaling_groups().into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default()
        .iter()
        .map(|g| Group {
            res: Res {
                tags: Some(
                    g.tags()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
                        .collect(),
                ),
                ..Res::new(region, g.auto_scaling_group_name().unwrap_or_default(), g.auto_scaling_group_arn())
            },
            min: g.min_size().unwrap_or(0),
            max: g.max_size().unwrap_or(0),
            desired: g.desired_capacity().unwrap_or(0),
        })
        .collect();
    let mut targets = Vec::new();
    for ns in NAMESPACES {
        // an endpoint that does not know a namespace rejects it as invalid: unsupported there
        let found = ctx
            .call_as(
                &ops::APPLICATION_AUTOSCALING_DESCRIBE_TARGETS,
                region,
                aas.describe_scalable_targets()
                    .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::from(*ns))
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
                &[],
                &["ValidationException"],
            )
            .await
            .flatten()
            .unwrap_or_default();
        targets.extend(found.iter().map(|t| Target {
            res: Res::new(region, t.resource_id(), t.scalable_target_arn()),
            namespace: t.service_namespace().as_str().to_string(),
            dimension: t.scalable_dimension().as_str().to_string(),
            min: t.min_capacity(),
            max: t.max_capacity(),
        }));
    }
    ScalingFacts { groups, targets }
}
