//! AWS Backup (roadmap item 4.3): backup plans and their rules (schedule, retention).

use super::call::{Ctx, each};
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BackupPlan {
    pub res: Res,
    pub id: String,
    pub rules: Vec<Rule>,
    /// Whether the rules could be read.
    pub rules_read: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rule {
    pub name: String,
    pub schedule: Option<String>,
    /// Days recovery points are kept; `None` means until deleted by hand.
    pub delete_after_days: Option<i64>,
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<BackupPlan> {
    let client = aws_sdk_backup::Client::new(&ctx.config(region));
    let plans = ctx
        .call(
            &ops::BACKUP_LIST_BACKUP_PLANS,
            region,
            client.list_backup_plans().into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default();
    let plans: Vec<BackupPlan> = plans
        .iter()
        .map(|p| BackupPlan {
            res: Res::new(region, p.backup_plan_name().unwrap_or_default(), p.backup_plan_arn()),
            id: p.backup_plan_id().unwrap_or_default().to_string(),
            rules: Vec::new(),
            rules_read: false,
        })
        .collect();
    each(plans, |mut p| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            let out = ctx
                .call(&ops::BACKUP_GET_BACKUP_PLAN, &region, client.get_backup_plan().backup_plan_id(&p.id).send())
                .await;
            if let Some(plan) = out.as_ref().and_then(|o| o.backup_plan()) {
                p.rules_read = true;
                p.rules = plan
                    .rules()
                    .iter()
                    .map(|r| Rule {
                        name: r.rule_name().to_string(),
                        schedule: r.schedule_expression().map(str::to_string),
                        delete_after_days: r.lifecycle().and_then(|l| l.delete_after_days()),
                    })
                    .collect();
            }
            p
        }
    })
    .await
}
