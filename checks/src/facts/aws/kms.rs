//! KMS (roadmap item 4.3): keys, who manages them, and whether customer keys rotate. Only
//! enabled symmetric customer-managed keys can rotate automatically, so only those are asked.

use super::call::{Ctx, each};
use super::{Res, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Key {
    pub res: Res,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`...
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`...
    pub spec: String,
    pub description: String,
    /// Automatic rotation; `None` when not asked (AWS keys, asymmetric keys) or unreadable.
    pub rotation: Option<bool>,
}

impl Key {
    pub fn customer_managed(&self) -> bool {
        self.manager == "CUSTOMER"
    }

    /// Whether automatic rotation applies to this key.
    pub fn rotatable(&self) -> bool {
        self.customer_managed() && self.state == "Enabled" && self.spec == "SYMMETRIC_DEFAULT"
    }
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> Vec<Key> {
    let client = aws_sdk_kms::Client::new(&ctx.config(region));
    let Some(keys) =
        ctx.call(&ops::KMS_LIST_KEYS, region, client.list_keys().into_paginator().items().send().try_collect()).await
    else {
        return Vec::new();
    };
    let ids: Vec<String> = keys.iter().filter_map(|k| k.key_id().map(str::to_string)).collect();
    let found = each(ids, |id| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move {
            let out = ctx.call(&ops::KMS_DESCRIBE_KEY, &region, client.describe_key().key_id(&id).send()).await?;
            let m = out.key_metadata()?;
            let mut key = Key {
                res: Res::new(&region, m.key_id(), m.arn()),
                manager: m.key_manager().map(|k| k.as_str().to_string()).unwrap_or_default(),
                state: m.key_state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                spec: m.key_spec().map(|s| s.as_str().to_string()).unwrap_or_default(),
                description: m.description().unwrap_or_default().to_string(),
                rotation: None,
            };
            if key.rotatable() {
                key.rotation = ctx
                    .call(
                        &ops::KMS_GET_KEY_ROTATION_STATUS,
                        &region,
                        client.get_key_rotation_status().key_id(&id).send(),
                    )
                    .await
                    .map(|r| r.key_rotation_enabled());
            }
            Some(key)
        }
    })
    .await;
    found.into_iter().flatten().collect()
}
