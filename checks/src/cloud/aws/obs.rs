//! Roadmap items 3.2 (centralised logging) and 3.3 (metrics and alerting) in the account:
//! CloudWatch log groups that keep logs for a set time, and alarms that notify someone.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{cloud, names, readable, regions, verb};
use crate::facts::aws::ops;
use crate::model::Finding;

pub struct LogRetentionSet;

impl Check for LogRetentionSet {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.logs.retention_set",
            title: "CloudWatch log groups have a retention period",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Centralised logs are only useful if they are kept as long as investigations and compliance need, and no longer: a group without retention keeps (and bills) everything forever.",
            remediation: "Set `retention_in_days` on every log group (`aws_cloudwatch_log_group`), for example 30 days for application logs and a year for audit logs; create groups in Terraform before services write to them.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::LOGS_DESCRIBE_LOG_GROUPS]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let groups = &aws.log_groups;
        if groups.is_empty() {
            return Finding::fail(format!(
                "no CloudWatch log group {}: logs are not collected in CloudWatch",
                regions(aws)
            ));
        }
        let (kept, forever): (Vec<_>, Vec<_>) = groups.iter().partition(|g| g.retention_days.is_some());
        let mut parts = Vec::new();
        if !kept.is_empty() {
            parts.push(format!("{} of {} log groups have a retention period", kept.len(), groups.len()));
        }
        if !forever.is_empty() {
            let who = names(forever.iter().map(|g| g.res.name.as_str()));
            parts.push(format!("{who} {} logs forever", verb(forever.len(), "keeps", "keep")));
        }
        let evidence = forever.iter().take(3).chain(kept.iter().take(3)).map(|g| {
            cloud(
                "logs",
                &g.res,
                &ops::LOGS_DESCRIBE_LOG_GROUPS,
                match g.retention_days {
                    Some(d) => format!("retention {d} days"),
                    None => "never expires".to_string(),
                },
            )
        });
        crate::cloud::share(kept.len(), groups.len(), parts.join("; ")).with(evidence)
    }
}

pub struct AlarmsWithActions;

impl Check for AlarmsWithActions {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.cloudwatch.alarms_with_actions",
            title: "CloudWatch alarms notify someone",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "An alarm without an action changes colour on a dashboard nobody watches; automated alerting means an SNS topic, a pager or an autoscaling policy acts on it.",
            remediation: "Create alarms on the service's key signals (5xx rate, latency, database CPU and storage) with `alarm_actions` pointing at an SNS topic wired to the on-call channel, and keep `actions_enabled` on.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::CLOUDWATCH_DESCRIBE_ALARMS]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let alarms = &aws.alarms;
        if alarms.is_empty() {
            return Finding::fail(format!("no CloudWatch alarm {}", regions(aws)));
        }
        let (acting, silent): (Vec<_>, Vec<_>) =
            alarms.iter().partition(|a| a.actions_enabled && !a.alarm_actions.is_empty());
        let mut parts = Vec::new();
        if !acting.is_empty() {
            parts.push(format!("{} of {} alarms notify on ALARM", acting.len(), alarms.len()));
        }
        if !silent.is_empty() {
            let who = names(silent.iter().map(|a| a.res.name.as_str()));
            parts.push(format!("{who} {} no enabled action", verb(silent.len(), "has", "have")));
        }
        let evidence = acting.iter().take(3).chain(silent.iter().take(3)).map(|a| {
            let detail = match (a.actions_enabled, a.alarm_actions.first()) {
                (true, Some(target)) => format!("notifies {target}"),
                (false, Some(_)) => "actions disabled".to_string(),
                _ => "no alarm action".to_string(),
            };
            cloud("cloudwatch", &a.res, &ops::CLOUDWATCH_DESCRIBE_ALARMS, detail)
        });
        crate::cloud::share(acting.len(), alarms.len(), parts.join("; ")).with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::call::Failure;
    use crate::facts::aws::cloudwatch::Alarm;
    use crate::facts::aws::logs::LogGroup;
    use crate::model::Status;

    #[test]
    fn log_retention() {
        let group = |name: &str, days: Option<i32>| LogGroup { res: res(name), retention_days: days, stored_bytes: 1 };
        let with = |g: Vec<LogGroup>| {
            let mut a = empty();
            a.log_groups = g;
            Some(a)
        };
        let mut denied_groups = empty();
        denied_groups.calls.push(denied(&ops::LOGS_DESCRIBE_LOG_GROUPS));
        table(
            &LogRetentionSet,
            vec![
                ("all kept", with(vec![group("/app/web", Some(30))]), Status::Pass),
                ("one forever", with(vec![group("/app/web", Some(30)), group("/app/worker", None)]), Status::Partial),
                ("forever", with(vec![group("/app/web", None)]), Status::Fail),
                ("no group", Some(empty()), Status::Fail),
                ("denied", Some(denied_groups), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn alarms() {
        let alarm = |name: &str, enabled: bool, actions: &[&str]| Alarm {
            res: res(name),
            actions_enabled: enabled,
            alarm_actions: actions.iter().map(|a| a.to_string()).collect(),
            ..Alarm::default()
        };
        let with = |a: Vec<Alarm>| {
            let mut f = empty();
            f.alarms = a;
            Some(f)
        };
        let mut unsupported = empty();
        unsupported.calls.push(failed(&ops::CLOUDWATCH_DESCRIBE_ALARMS, Failure::Unsupported));
        table(
            &AlarmsWithActions,
            vec![
                ("notifies", with(vec![alarm("5xx", true, &["arn:aws:sns:x:1:oncall"])]), Status::Pass),
                (
                    "one silent",
                    with(vec![alarm("5xx", true, &["arn:aws:sns:x:1:oncall"]), alarm("cpu", true, &[])]),
                    Status::Partial,
                ),
                ("disabled", with(vec![alarm("5xx", false, &["arn:aws:sns:x:1:oncall"])]), Status::Fail),
                ("none", Some(empty()), Status::Fail),
                ("unsupported", Some(unsupported), Status::Unknown),
            ],
        );
        let mut unsupported = empty();
        unsupported.calls.push(failed(&ops::CLOUDWATCH_DESCRIBE_ALARMS, Failure::Unsupported));
        let f = run(&AlarmsWithActions, Some(unsupported));
        assert!(f.message.contains("unsupported by the endpoint"), "{}", f.message);
    }
}
