//! Roadmap item 4.3 (compliance and governance) in the account: an audit trail of every API call
//! (CloudTrail across regions, logging, with file validation), customer KMS keys that rotate, an
//! IAM password policy and MFA on the root user, and AWS Backup plans.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, names, readable, regions, share, verb};
use crate::facts::aws::ops;
use crate::model::Finding;

pub struct CloudtrailMultiRegionLogging;

impl Check for CloudtrailMultiRegionLogging {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.cloudtrail.multi_region_logging",
            title: "A multi-region CloudTrail trail is logging with file validation",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "SOC 2 and every other framework ask who did what in the account; a multi-region trail that is logging, with log file validation, is that record and proves it was not altered.",
            remediation: "Create one multi-region trail (`is_multi_region_trail = true`, `enable_log_file_validation = true`, KMS-encrypted, to a locked-down bucket) and keep it logging.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::CLOUDTRAIL_DESCRIBE_TRAILS, &ops::CLOUDTRAIL_GET_TRAIL_STATUS]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let score = |t: &crate::facts::aws::cloudtrail::Trail| -> f64 {
            match (t.logging == Some(true), t.multi_region, t.log_validation) {
                (true, true, true) => 1.0,
                (true, true, false) => 0.7,
                (true, false, _) => 0.5,
                (false, _, _) => 0.2,
            }
        };
        let Some(best) = aws.trails.iter().max_by(|a, b| score(a).total_cmp(&score(b))) else {
            return Finding::fail(format!(
                "no CloudTrail trail {}: API activity is kept only 90 days in the event history",
                regions(aws)
            ));
        };
        let describe = |t: &crate::facts::aws::cloudtrail::Trail| {
            format!(
                "{}, {}, log file validation {}",
                if t.logging == Some(true) { "logging" } else { "not logging" },
                if t.multi_region { "all regions" } else { "one region" },
                if t.log_validation { "on" } else { "off" }
            )
        };
        let evidence = aws
            .trails
            .iter()
            .take(3)
            .map(|t| cloud("cloudtrail", &t.res, &ops::CLOUDTRAIL_DESCRIBE_TRAILS, describe(t)));
        let message = format!("trail `{}` (home {}) is {}", best.res.name, best.home_region, describe(best));
        let f = match score(best) {
            s if s >= 1.0 => Finding::pass(message),
            s => Finding::partial(s, message),
        };
        f.with(evidence)
    }
}

pub struct CustomerKeysRotated;

impl Check for CustomerKeysRotated {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.kms.customer_keys_rotated",
            title: "Customer-managed KMS keys rotate automatically",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Yearly (or shorter) automatic rotation limits how much data one key version protects, and is a control auditors check for every customer-managed key.",
            remediation: "Turn on automatic rotation for every enabled symmetric customer-managed key (`enable_key_rotation = true` on `aws_kms_key`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match account(cx) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let needed = [&ops::KMS_LIST_KEYS, &ops::KMS_DESCRIBE_KEY, &ops::KMS_GET_KEY_ROTATION_STATUS];
        if let Some(f) = blocked(aws, &needed) {
            return f;
        }
        let keys: Vec<_> = aws.keys.iter().filter(|k| k.rotatable()).collect();
        if keys.is_empty() {
            return Finding::not_assessed(format!(
                "there is no enabled symmetric customer-managed KMS key {} to judge (AWS-managed keys rotate on their own)",
                regions(aws)
            ));
        }
        let (on, off): (Vec<_>, Vec<_>) = keys.iter().partition(|k| k.rotation == Some(true));
        let label = |k: &&&crate::facts::aws::kms::Key| {
            if k.description.is_empty() { k.res.name.clone() } else { format!("{} ({})", k.res.name, k.description) }
        };
        let mut parts = Vec::new();
        if !on.is_empty() {
            parts.push(format!("{} of {} customer keys rotate automatically", on.len(), keys.len()));
        }
        if !off.is_empty() {
            let l: Vec<String> = off.iter().map(label).collect();
            parts.push(format!(
                "{} {} {} not rotate automatically",
                verb(l.len(), "customer key", "customer keys"),
                names(l.iter().map(String::as_str)),
                verb(l.len(), "does", "do")
            ));
        }
        let evidence = keys.iter().take(5).map(|k| {
            cloud(
                "kms",
                &k.res,
                &ops::KMS_GET_KEY_ROTATION_STATUS,
                if k.rotation == Some(true) { "rotation on".to_string() } else { "rotation off".to_string() },
            )
        });
        share(on.len(), keys.len(), parts.join("; ")).with(evidence)
    }
}

pub struct PasswordPolicyStrong;

impl Check for PasswordPolicyStrong {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.iam.password_policy_strong",
            title: "The IAM password policy requires long, complex passwords",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "IAM users who sign in to the console with passwords are an access control auditors test; the CIS benchmark asks for at least 14 characters and reuse prevention.",
            remediation: "Set an account password policy (`aws_iam_account_password_policy`) with a minimum length of 14, all four character classes and `password_reuse_prevention = 24`; better, sign in through IAM Identity Center.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::IAM_GET_ACCOUNT_PASSWORD_POLICY]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let account_res = crate::facts::aws::Res::new(
            crate::facts::aws::GLOBAL,
            "password policy",
            aws.identity.as_ref().map(|i| format!("arn:aws:iam::{}:account-password-policy", i.account)).as_deref(),
        );
        let ev = |detail: String| cloud("iam", &account_res, &ops::IAM_GET_ACCOUNT_PASSWORD_POLICY, detail);
        let Some(found) = &aws.iam.password_policy else {
            return Finding::unknown("the password policy was not read");
        };
        let Some(p) = found else {
            return Finding::fail("the account has no IAM password policy, so any 8-character password is accepted")
                .with_one(ev("no password policy".into()));
        };
        let classes = [p.require_symbols, p.require_numbers, p.require_uppercase, p.require_lowercase]
            .iter()
            .filter(|b| **b)
            .count();
        let detail = format!(
            "minimum length {}, {} of 4 character classes required{}",
            p.min_length,
            classes,
            p.reuse_prevention.map(|r| format!(", last {r} passwords refused")).unwrap_or_default()
        );
        let f = if p.min_length >= 14 && classes == 4 {
            Finding::pass(format!("the password policy asks for {detail}"))
        } else if p.min_length >= 8 {
            Finding::partial(
                0.5,
                format!("the password policy asks for {detail} (14 characters and all classes expected)"),
            )
        } else {
            Finding::partial(0.2, format!("the password policy is weak: {detail}"))
        };
        f.with_one(ev(detail))
    }
}

pub struct RootMfaEnabled;

impl Check for RootMfaEnabled {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.iam.root_mfa_enabled",
            title: "The root user has MFA",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The root user can do anything, including closing the account; without MFA a leaked password is the whole account.",
            remediation: "Sign in as root once, add a hardware key or authenticator as MFA device, and keep the root user for the few tasks that need it.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::IAM_GET_ACCOUNT_SUMMARY]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let Some(mfa) = aws.iam.root_mfa else { return Finding::unknown("the account summary was not read") };
        let account = aws.identity.as_ref().map(|i| i.account.clone()).unwrap_or_else(|| "the account".into());
        let res = crate::facts::aws::Res::new(
            crate::facts::aws::GLOBAL,
            "root",
            Some(&format!("arn:aws:iam::{account}:root")),
        );
        let ev = cloud("iam", &res, &ops::IAM_GET_ACCOUNT_SUMMARY, format!("AccountMFAEnabled = {}", mfa as u8));
        if mfa {
            Finding::pass(format!("the root user of account {account} has MFA")).with_one(ev)
        } else {
            Finding::fail(format!("the root user of account {account} has no MFA")).with_one(ev)
        }
    }
}

pub struct BackupPlansDefined;

impl Check for BackupPlansDefined {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.backup.plans_defined",
            title: "AWS Backup plans schedule backups with retention",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Central backup plans give every database, volume and bucket the same schedule and retention, with evidence for auditors, beyond each service's own snapshots.",
            remediation: "Create an AWS Backup plan (`aws_backup_plan`) with a daily rule kept at least 7 days (and a copy to another region or account), and assign the production resources by tag.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::BACKUP_LIST_BACKUP_PLANS, &ops::BACKUP_GET_BACKUP_PLAN]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let plans = &aws.backup_plans;
        let kept = |r: &crate::facts::aws::backup::Rule| r.delete_after_days.is_none_or(|d| d >= 7);
        let evidence = plans.iter().take(5).map(|p| {
            let rules: Vec<String> = p
                .rules
                .iter()
                .map(|r| match r.delete_after_days {
                    Some(d) => format!("{} kept {d} days", r.name),
                    None => format!("{} kept until deleted", r.name),
                })
                .collect();
            cloud(
                "backup",
                &p.res,
                &ops::BACKUP_GET_BACKUP_PLAN,
                if rules.is_empty() { "no rule".into() } else { rules.join(", ") },
            )
        });
        if let Some(p) = plans.iter().find(|p| p.rules.iter().any(kept)) {
            return Finding::pass(format!(
                "backup plan `{}` in {} has {} rule(s) keeping backups 7 days or more",
                p.res.name,
                p.res.region,
                p.rules.iter().filter(|r| kept(r)).count()
            ))
            .with(evidence);
        }
        if let Some(p) = plans.first() {
            return Finding::partial(
                0.4,
                format!("backup plan `{}` has no rule keeping backups 7 days or more", p.res.name),
            )
            .with(evidence);
        }
        Finding::fail(format!("no AWS Backup plan {}", regions(aws)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::AwsFacts;
    use crate::facts::aws::backup::{BackupPlan, Rule};
    use crate::facts::aws::cloudtrail::Trail;
    use crate::facts::aws::iam::PasswordPolicy;
    use crate::facts::aws::kms::Key;
    use crate::model::Status;

    fn trail(logging: bool, multi: bool, validation: bool) -> Option<AwsFacts> {
        let mut a = empty();
        a.trails.push(Trail {
            res: res("org-trail"),
            home_region: "eu-west-1".into(),
            multi_region: multi,
            log_validation: validation,
            logging: Some(logging),
            ..Trail::default()
        });
        Some(a)
    }

    #[test]
    fn cloudtrail() {
        let mut status_denied = trail(true, true, true).unwrap();
        status_denied.calls.push(denied(&ops::CLOUDTRAIL_GET_TRAIL_STATUS));
        table(
            &CloudtrailMultiRegionLogging,
            vec![
                ("complete", trail(true, true, true), Status::Pass),
                ("no validation", trail(true, true, false), Status::Partial),
                ("one region", trail(true, false, true), Status::Partial),
                ("stopped", trail(false, true, true), Status::Partial),
                ("none", Some(empty()), Status::Fail),
                ("status denied", Some(status_denied), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn kms_rotation() {
        let key = |name: &str, manager: &str, rotation: Option<bool>| Key {
            res: res(name),
            manager: manager.into(),
            state: "Enabled".into(),
            spec: "SYMMETRIC_DEFAULT".into(),
            description: String::new(),
            rotation,
        };
        let with = |k: Vec<Key>| {
            let mut a = empty();
            a.keys = k;
            Some(a)
        };
        table(
            &CustomerKeysRotated,
            vec![
                ("rotated", with(vec![key("k1", "CUSTOMER", Some(true))]), Status::Pass),
                (
                    "one not",
                    with(vec![key("k1", "CUSTOMER", Some(true)), key("k2", "CUSTOMER", Some(false))]),
                    Status::Partial,
                ),
                ("none rotate", with(vec![key("k1", "CUSTOMER", Some(false))]), Status::Fail),
                ("aws keys only", with(vec![key("aws/rds", "AWS", None)]), Status::NotAssessed),
                (
                    "denied",
                    {
                        let mut a = empty();
                        a.calls.push(denied(&ops::KMS_GET_KEY_ROTATION_STATUS));
                        Some(a)
                    },
                    Status::Unknown,
                ),
            ],
        );
    }

    #[test]
    fn password_policy_and_root_mfa() {
        let policy = |p: Option<PasswordPolicy>| {
            let mut a = empty();
            a.iam.password_policy = Some(p);
            Some(a)
        };
        let strong = PasswordPolicy {
            min_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            max_age_days: None,
            reuse_prevention: Some(24),
        };
        let mut denied_policy = empty();
        denied_policy.calls.push(denied(&ops::IAM_GET_ACCOUNT_PASSWORD_POLICY));
        table(
            &PasswordPolicyStrong,
            vec![
                ("strong", policy(Some(strong.clone())), Status::Pass),
                ("short", policy(Some(PasswordPolicy { min_length: 8, ..strong.clone() })), Status::Partial),
                ("tiny", policy(Some(PasswordPolicy { min_length: 6, ..strong })), Status::Partial),
                ("none", policy(None), Status::Fail),
                ("denied", Some(denied_policy), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
        let mfa = |on: bool| {
            let mut a = empty();
            a.iam.root_mfa = Some(on);
            Some(a)
        };
        let mut denied_summary = empty();
        denied_summary.calls.push(denied(&ops::IAM_GET_ACCOUNT_SUMMARY));
        table(
            &RootMfaEnabled,
            vec![
                ("mfa", mfa(true), Status::Pass),
                ("no mfa", mfa(false), Status::Fail),
                ("denied", Some(denied_summary), Status::Unknown),
            ],
        );
    }

    #[test]
    fn backup_plans() {
        let plan = |days: Option<i64>| {
            let mut a = empty();
            a.backup_plans.push(BackupPlan {
                res: res("daily"),
                id: "p1".into(),
                rules: vec![Rule {
                    name: "daily".into(),
                    schedule: Some("cron(0 3 * * ? *)".into()),
                    delete_after_days: days,
                }],
                rules_read: true,
            });
            Some(a)
        };
        table(
            &BackupPlansDefined,
            vec![
                ("35 days", plan(Some(35)), Status::Pass),
                ("forever", plan(None), Status::Pass),
                ("1 day", plan(Some(1)), Status::Partial),
                ("none", Some(empty()), Status::Fail),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }
}
