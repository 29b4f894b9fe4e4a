//! STS: who the audit runs as. Every output shows the account and ARN, so a reader knows which
//! account a verdict is about; `GetCallerIdentity` needs no permission at all.

use super::call::Ctx;
use super::{Identity, ops};

pub async fn caller(ctx: &Ctx, region: &str) -> Option<Identity> {
    let client = aws_sdk_sts::Client::new(&ctx.config(region));
    let out = ctx.call(&ops::STS_GET_CALLER_IDENTITY, super::GLOBAL, client.get_caller_identity().send()).await?;
    Some(Identity {
        account: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
        user_id: out.user_id().unwrap_or_default().to_string(),
    })
}
