//! Roadmap item 7.3 (cost optimisation) in the account: budgets that warn before money runs out,
//! and resources tagged so costs can be allocated.
//!
//! Tag coverage is measured over the resources whose tags the inventory reads (EKS clusters and
//! node groups, RDS instances and clusters, ElastiCache groups, load balancers, CloudFront
//! distributions, Auto Scaling groups). Tags AWS sets itself (`aws:…`) do not count.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, names, readable, share, verb};
use crate::facts::aws::ops;
use crate::model::Finding;

pub struct BudgetNotifications;

impl Check for BudgetNotifications {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.budgets.notifications_configured",
            title: "Budgets with notifications watch the spend",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A budget alert on actual and forecast spend is the cheapest control there is: it catches a runaway resource in days instead of at the end-of-month invoice.",
            remediation: "Create a monthly cost budget (`aws_budgets_budget`) with notifications at 80 % forecast and 100 % actual to a team address or SNS topic.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, &[&ops::BUDGETS_DESCRIBE_BUDGETS, &ops::BUDGETS_DESCRIBE_NOTIFICATIONS]) {
            Ok(a) => a,
            Err(f) => return f,
        };
        if !aws.answered(&ops::BUDGETS_DESCRIBE_BUDGETS) && aws.identity.is_none() {
            return Finding::unknown(
                "budgets could not be read: the account id is unknown (sts:GetCallerIdentity failed)",
            );
        }
        let budgets = &aws.budgets;
        let evidence = budgets.iter().take(5).map(|b| {
            let n: Vec<String> = b
                .notifications
                .iter()
                .map(|n| {
                    format!(
                        "{} at {}{}",
                        n.kind.to_lowercase(),
                        n.threshold,
                        if n.threshold_kind == "ABSOLUTE_VALUE" { "" } else { " %" }
                    )
                })
                .collect();
            cloud(
                "budgets",
                &b.res,
                &ops::BUDGETS_DESCRIBE_NOTIFICATIONS,
                format!(
                    "{}{}",
                    b.limit.clone().unwrap_or_default(),
                    if n.is_empty() { ", no notification".to_string() } else { format!(", notifies {}", n.join(", ")) }
                ),
            )
        });
        if budgets.is_empty() {
            return Finding::fail("no AWS budget in the account (looked with budgets:ViewBudget)");
        }
        let (notifying, silent): (Vec<_>, Vec<_>) = budgets.iter().partition(|b| !b.notifications.is_empty());
        if notifying.is_empty() {
            return Finding::partial(
                0.4,
                format!(
                    "budget {} {} but {} nobody",
                    names(silent.iter().map(|b| b.res.name.as_str())),
                    verb(silent.len(), "exists", "exist"),
                    verb(silent.len(), "notifies", "notify")
                ),
            )
            .with(evidence);
        }
        let mut message = format!(
            "budget {} {} before the limit",
            names(notifying.iter().map(|b| b.res.name.as_str())),
            verb(notifying.len(), "notifies", "notify")
        );
        if !silent.is_empty() {
            message.push_str(&format!(
                "; {} {} nobody",
                names(silent.iter().map(|b| b.res.name.as_str())),
                verb(silent.len(), "notifies", "notify")
            ));
        }
        Finding::pass(message).with(evidence)
    }
}

/// Share of tagged resources that passes.
const TAGGED_TARGET: f64 = 0.9;

pub struct ResourcesTagged;

impl Check for ResourcesTagged {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.tags.resources_tagged",
            title: "Resources carry cost-allocation tags",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Cost allocation, budgets per team and cleanup of forgotten resources all start from tags; untagged resources are costs nobody owns.",
            remediation: "Tag every resource with at least `Environment`, `Service` and `Owner` (Terraform provider `default_tags` does it once for all), and activate them as cost allocation tags in Billing.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match account(cx) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let read: Vec<_> = aws.resources().into_iter().filter(|r| r.res.tags.is_some()).collect();
        if read.is_empty() {
            if let Some(f) =
                blocked(aws, &[&ops::ELASTICACHE_LIST_TAGS, &ops::ELBV2_DESCRIBE_TAGS, &ops::CLOUDFRONT_LIST_TAGS])
            {
                return f;
            }
            return Finding::not_assessed("there is no resource whose tags were read to judge");
        }
        let own = |r: &&crate::facts::aws::AnyResource| {
            r.res.tags.as_ref().is_some_and(|t| t.keys().any(|k| !k.starts_with("aws:")))
        };
        let (tagged, untagged): (Vec<_>, Vec<_>) = read.iter().partition(own);
        let share_tagged = tagged.len() as f64 / read.len() as f64;
        let mut message = format!("{} of {} resources carry tags", tagged.len(), read.len());
        if !untagged.is_empty() {
            let labels: Vec<String> = untagged.iter().map(|r| format!("{} {}", r.kind, r.res.name)).collect();
            message.push_str(&format!("; untagged: {}", names(labels.iter().map(String::as_str))));
        }
        let evidence = untagged.iter().take(3).chain(tagged.iter().take(2)).map(|r| {
            let keys: Vec<&str> =
                r.res.tags.as_ref().map(|t| t.keys().map(String::as_str).collect()).unwrap_or_default();
            cloud(
                r.service,
                r.res,
                r.call,
                if keys.is_empty() { "no tags".to_string() } else { format!("tags {}", keys.join(", ")) },
            )
        });
        let f = if share_tagged >= TAGGED_TARGET {
            Finding::pass(message)
        } else {
            share(tagged.len(), read.len(), format!("{message} (90 % expected)"))
        };
        f.with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::AwsFacts;
    use crate::facts::aws::autoscaling::Group;
    use crate::facts::aws::budgets::{Budget, Notification};
    use crate::model::Status;

    fn budget(notify: bool) -> Option<AwsFacts> {
        let mut a = empty();
        a.identity = Some(crate::facts::aws::Identity { account: "1".into(), arn: "a".into(), user_id: "u".into() });
        a.calls.push(crate::facts::aws::call::Call {
            operation: &ops::BUDGETS_DESCRIBE_BUDGETS,
            region: "global".into(),
            ms: 1,
            failure: None,
        });
        a.budgets.push(Budget {
            res: res("monthly"),
            kind: "COST".into(),
            limit: Some("1000.0 USD".into()),
            notifications: if notify {
                vec![Notification { kind: "FORECASTED".into(), threshold: 80.0, threshold_kind: "PERCENTAGE".into() }]
            } else {
                vec![]
            },
            notifications_read: true,
        });
        Some(a)
    }

    #[test]
    fn budgets() {
        let mut no_budget = budget(true).unwrap();
        no_budget.budgets.clear();
        table(
            &BudgetNotifications,
            vec![
                ("notifies", budget(true), Status::Pass),
                ("silent", budget(false), Status::Partial),
                ("none", Some(no_budget), Status::Fail),
                ("no account id", Some(empty()), Status::Unknown),
                (
                    "denied",
                    {
                        let mut a = empty();
                        a.calls.push(denied(&ops::BUDGETS_DESCRIBE_BUDGETS));
                        Some(a)
                    },
                    Status::Unknown,
                ),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn tags() {
        let groups = |tags: &[bool]| {
            let mut a = empty();
            for (n, t) in tags.iter().enumerate() {
                let mut r = res(&format!("asg-{n}"));
                r.tags = Some(if *t { [("Team".to_string(), "shop".to_string())].into() } else { Default::default() });
                a.scaling.groups.push(Group { res: r, min: 1, max: 2, desired: 1 });
            }
            Some(a)
        };
        let system_only = {
            let mut a = empty();
            let mut r = res("asg");
            r.tags = Some([("aws:cloudformation:stack-name".to_string(), "x".to_string())].into());
            a.scaling.groups.push(Group { res: r, min: 1, max: 2, desired: 1 });
            Some(a)
        };
        table(
            &ResourcesTagged,
            vec![
                ("all tagged", groups(&[true, true]), Status::Pass),
                ("half", groups(&[true, false]), Status::Partial),
                ("none", groups(&[false, false]), Status::Fail),
                ("system tags only", system_only, Status::Fail),
                ("nothing read", Some(empty()), Status::NotAssessed),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }
}
