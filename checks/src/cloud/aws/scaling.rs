//! Roadmap item 5.3 (autoscaling) in the account: capacity that can grow and shrink on its own,
//! in Auto Scaling groups, EKS managed node groups or Application Auto Scaling targets.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, regions, verb};
use crate::facts::aws::call::Failure;
use crate::facts::aws::ops;
use crate::model::Finding;

pub struct CapacityScales;

impl Check for CapacityScales {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.autoscaling.capacity_scales",
            title: "Capacity scales automatically between bounds",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Autoscaling absorbs load the load tests predict without someone resizing by hand; a group whose minimum equals its maximum cannot scale at all.",
            remediation: "Give Auto Scaling groups and EKS node groups a maximum above their minimum with a scaling policy (or Cluster Autoscaler / Karpenter), and register ECS services or Aurora replicas as Application Auto Scaling targets.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match account(cx) {
            Ok(a) => a,
            Err(f) => return f,
        };
        // a namespace the endpoint does not support leaves the others to judge by
        let targets = [&ops::APPLICATION_AUTOSCALING_DESCRIBE_TARGETS];
        let targets_failed = aws.failures(&targets).any(|c| !matches!(c.failure, Some(Failure::Unsupported)));
        if let Some(f) = blocked(aws, &[&ops::AUTOSCALING_DESCRIBE_GROUPS])
            .or_else(|| targets_failed.then(|| blocked(aws, &targets)).flatten())
        {
            return f;
        }
        // (label, min, max, evidence)
        let mut all = Vec::new();
        for g in &aws.scaling.groups {
            all.push((
                format!("Auto Scaling group `{}`", g.res.name),
                g.min,
                g.max,
                cloud(
                    "autoscaling",
                    &g.res,
                    &ops::AUTOSCALING_DESCRIBE_GROUPS,
                    format!("{}–{}, {} desired", g.min, g.max, g.desired),
                ),
            ));
        }
        for c in &aws.eks.clusters {
            for n in &c.nodegroups {
                all.push((
                    format!("node group `{}` of `{}`", n.res.name, c.res.name),
                    n.min,
                    n.max,
                    cloud("eks", &n.res, &ops::EKS_DESCRIBE_NODEGROUP, format!("{}–{} nodes", n.min, n.max)),
                ));
            }
        }
        for t in &aws.scaling.targets {
            all.push((
                format!("{} target `{}`", t.namespace, t.res.name),
                t.min,
                t.max,
                cloud(
                    "application-autoscaling",
                    &t.res,
                    &ops::APPLICATION_AUTOSCALING_DESCRIBE_TARGETS,
                    format!("{} {}–{}", t.dimension, t.min, t.max),
                ),
            ));
        }
        if all.is_empty() {
            return Finding::fail(format!(
                "nothing scales automatically {}: no Auto Scaling group, EKS node group or Application Auto Scaling target",
                regions(aws)
            ));
        }
        let (elastic, fixed): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, min, max, _)| max > min);
        let evidence: Vec<_> = elastic.iter().chain(fixed.iter()).take(5).map(|x| x.3.clone()).collect();
        if let Some((label, min, max, _)) = elastic.first() {
            let more = match elastic.len() - 1 {
                0 => String::new(),
                n => format!(", as {} {n} more", verb(n, "does", "do")),
            };
            let stuck = if fixed.is_empty() { String::new() } else { format!("; {} fixed in size", fixed.len()) };
            return Finding::pass(format!("{label} scales between {min} and {max}{more}{stuck}")).with(evidence);
        }
        let (label, min, _, _) = &fixed[0];
        Finding::partial(0.3, format!("{label} has a fixed size of {min} (minimum equals maximum); nothing can scale"))
            .with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::autoscaling::{Group, Target};
    use crate::model::Status;

    #[test]
    fn capacity() {
        let group = |min, max| {
            let mut a = empty();
            a.scaling.groups.push(Group { res: res("web-asg"), min, max, desired: min });
            Some(a)
        };
        let target = {
            let mut a = empty();
            a.scaling.targets.push(Target {
                res: res("service/prod/web"),
                namespace: "ecs".into(),
                dimension: "ecs:service:DesiredCount".into(),
                min: 2,
                max: 10,
            });
            Some(a)
        };
        let mut mixed = group(2, 6).unwrap();
        mixed.scaling.groups.push(Group { res: res("batch-asg"), min: 1, max: 1, desired: 1 });
        mixed.scaling.groups.push(Group { res: res("api-asg"), min: 2, max: 4, desired: 2 });
        assert_eq!(
            run(&CapacityScales, Some(mixed)).message,
            "Auto Scaling group `web-asg` scales between 2 and 6, as does 1 more; 1 fixed in size."
        );
        let mut denied_groups = empty();
        denied_groups.calls.push(denied(&ops::AUTOSCALING_DESCRIBE_GROUPS));
        table(
            &CapacityScales,
            vec![
                ("group scales", group(2, 6), Status::Pass),
                ("ecs target", target, Status::Pass),
                ("fixed", group(3, 3), Status::Partial),
                ("nothing", Some(empty()), Status::Fail),
                ("denied", Some(denied_groups), Status::Unknown),
                (
                    "one namespace unsupported",
                    {
                        let mut a = group(2, 6).unwrap();
                        a.calls.push(failed(&ops::APPLICATION_AUTOSCALING_DESCRIBE_TARGETS, Failure::Unsupported));
                        Some(a)
                    },
                    Status::Pass,
                ),
                (
                    "targets denied",
                    {
                        let mut a = group(2, 6).unwrap();
                        a.calls.push(denied(&ops::APPLICATION_AUTOSCALING_DESCRIBE_TARGETS));
                        Some(a)
                    },
                    Status::Unknown,
                ),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }
}
