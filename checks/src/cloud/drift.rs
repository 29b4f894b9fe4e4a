//! Declared versus deployed: the repository's Terraform against the AWS account.
//!
//! For every kind of resource the inventory reads, the Terraform resources (and the community
//! modules) that declare it are matched with live resources: by the identifier or name they
//! set (resolving `var.x` and `local.x` to their literal defaults, and `"${var.env}-db"`
//! templates built from them), by a `name_prefix`, by the `Name` tag, or by a description or
//! comment. What is left over on each side is the drift a reader should look at: declared but
//! not deployed (in the regions read), and deployed but not declared. A declared resource whose
//! name cannot be worked out without running Terraform is listed apart, never as missing.
//!
//! Each kind names the check whose roadmap items the lists belong to, so the scorecard can show
//! them per item without this module knowing any item.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::aws::{AnyResource, AwsFacts};
use crate::facts::terraform::{TfBlock, TfKind, TfValue};
use crate::model::{Evidence, Finding};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// How one kind is declared in Terraform.
struct Kind {
    /// As the inventory names it (`RDS instance`).
    kind: &'static str,
    /// Resource types, with the attributes that hold the name and the name prefix.
    types: &'static [&'static str],
    names: &'static [&'static str],
    prefixes: &'static [&'static str],
    /// Module sources (fragments) that create this kind, with their name inputs.
    modules: &'static [(&'static str, &'static [&'static str])],
    /// The check whose items these lists belong to.
    check: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        kind: "EKS cluster",
        types: &["aws_eks_cluster"],
        names: &["name"],
        prefixes: &[],
        modules: &[("terraform-aws-modules/eks", &["cluster_name", "name"])],
        check: "aws.eks.clusters_active",
    },
    Kind {
        kind: "EKS node group",
        types: &["aws_eks_node_group"],
        names: &["node_group_name"],
        prefixes: &["node_group_name_prefix"],
        modules: &[],
        check: "aws.eks.clusters_active",
    },
    Kind {
        kind: "RDS instance",
        types: &["aws_db_instance"],
        names: &["identifier"],
        prefixes: &["identifier_prefix"],
        modules: &[("terraform-aws-modules/rds/", &["identifier"])],
        check: "aws.rds.mysql_or_aurora_available",
    },
    Kind {
        kind: "RDS cluster",
        types: &["aws_rds_cluster"],
        names: &["cluster_identifier"],
        prefixes: &["cluster_identifier_prefix"],
        modules: &[("terraform-aws-modules/rds-aurora", &["name"])],
        check: "aws.rds.mysql_or_aurora_available",
    },
    Kind {
        kind: "RDS proxy",
        types: &["aws_db_proxy"],
        names: &["name"],
        prefixes: &[],
        modules: &[],
        check: "aws.rds.mysql_or_aurora_available",
    },
    Kind {
        kind: "ElastiCache replication group",
        types: &["aws_elasticache_replication_group"],
        names: &["replication_group_id"],
        prefixes: &[],
        modules: &[("terraform-aws-modules/elasticache", &["replication_group_id", "cluster_id"])],
        check: "aws.elasticache.replication_group_available",
    },
    Kind {
        kind: "load balancer",
        types: &["aws_lb", "aws_alb"],
        names: &["name"],
        prefixes: &["name_prefix"],
        modules: &[("terraform-aws-modules/alb", &["name"])],
        check: "aws.elb.https_listener_current_tls",
    },
    Kind {
        kind: "CloudFront distribution",
        types: &["aws_cloudfront_distribution"],
        names: &[],
        prefixes: &[],
        modules: &[],
        check: "aws.cloudfront.https_only_viewers",
    },
    Kind {
        kind: "hosted zone",
        types: &["aws_route53_zone"],
        names: &["name"],
        prefixes: &[],
        modules: &[],
        check: "aws.route53.hosted_zone_present",
    },
    Kind {
        kind: "log group",
        types: &["aws_cloudwatch_log_group"],
        names: &["name"],
        prefixes: &["name_prefix"],
        modules: &[],
        check: "aws.logs.retention_set",
    },
    Kind {
        kind: "alarm",
        types: &["aws_cloudwatch_metric_alarm"],
        names: &["alarm_name"],
        prefixes: &[],
        modules: &[],
        check: "aws.cloudwatch.alarms_with_actions",
    },
    Kind {
        kind: "trail",
        types: &["aws_cloudtrail"],
        names: &["name"],
        prefixes: &[],
        modules: &[],
        check: "aws.cloudtrail.multi_region_logging",
    },
    Kind {
        kind: "KMS key",
        types: &["aws_kms_key"],
        names: &[],
        prefixes: &[],
        modules: &[],
        check: "aws.kms.customer_keys_rotated",
    },
    Kind {
        kind: "backup plan",
        types: &["aws_backup_plan"],
        names: &["name"],
        prefixes: &[],
        modules: &[],
        check: "aws.backup.plans_defined",
    },
    Kind {
        kind: "Auto Scaling group",
        types: &["aws_autoscaling_group"],
        names: &["name"],
        prefixes: &["name_prefix"],
        modules: &[("terraform-aws-modules/autoscaling", &["name"])],
        check: "aws.autoscaling.capacity_scales",
    },
    Kind {
        kind: "budget",
        types: &["aws_budgets_budget"],
        names: &["name"],
        prefixes: &["name_prefix"],
        modules: &[],
        check: "aws.budgets.notifications_configured",
    },
];

/// A resource declared in Terraform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    /// `aws_db_instance.orders` or `module.eks`.
    pub label: String,
    /// The name it sets, when it could be worked out.
    pub name: Option<String>,
    pub evidence: Evidence,
    /// Why it could not be matched, for unresolved ones.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<String>,
}

/// A resource found in the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployed {
    pub name: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matched {
    pub declared: Declared,
    pub deployed: Deployed,
    /// `name`, `name prefix`, `Name tag`, `description`, or `through module.eks`.
    pub by: String,
}

/// Declared and deployed resources of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindDrift {
    pub kind: String,
    /// The check whose roadmap items these lists belong to.
    pub check: String,
    pub matched: Vec<Matched>,
    pub declared_not_deployed: Vec<Declared>,
    pub deployed_not_declared: Vec<Deployed>,
    /// Declared resources whose name is computed by Terraform, so they could not be matched.
    pub unresolved: Vec<Declared>,
}

static INTERPOLATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{\s*(var|local)\.([A-Za-z0-9_-]+)\s*\}").expect("valid regex"));

/// A literal name from an attribute value: a string, or a reference or template that resolves to
/// one through variable defaults and locals.
fn resolve(repo: &RepoFacts, v: &TfValue) -> Option<String> {
    value(repo, v, 0)
}

fn value(repo: &RepoFacts, v: &TfValue, depth: usize) -> Option<String> {
    if depth > 3 {
        return None;
    }
    match v {
        TfValue::String(s) if s.contains("${") => substitute(repo, s, depth),
        TfValue::String(s) => Some(s.clone()),
        TfValue::Number(n) => Some(crate::model::fmt_num(*n)),
        TfValue::Bool(_) => None,
        TfValue::Expr(e) => {
            let e = e.trim();
            if let Some(inner) = e.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                return substitute(repo, inner, depth);
            }
            let (scope, name) = e.split_once('.')?;
            lookup(repo, scope, name).and_then(|v| value(repo, v, depth + 1))
        }
    }
}

/// A variable's default or a local's value.
fn lookup<'a>(repo: &'a RepoFacts, scope: &str, name: &str) -> Option<&'a TfValue> {
    let list = match scope {
        "var" => &repo.terraform.variables,
        "local" => &repo.terraform.locals,
        _ => return None,
    };
    list.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Replaces `${var.x}` and `${local.x}` in a template; `None` if anything else is interpolated.
fn substitute(repo: &RepoFacts, template: &str, depth: usize) -> Option<String> {
    let mut failed = false;
    let out = INTERPOLATION.replace_all(template, |c: &regex::Captures| {
        match lookup(repo, &c[1], &c[2]).and_then(|v| value(repo, v, depth + 1)) {
            Some(s) => s,
            None => {
                failed = true;
                String::new()
            }
        }
    });
    (!failed && !out.contains("${")).then(|| out.into_owned())
}

/// What a declared block says about its name.
struct Wanted<'a> {
    block: &'a TfBlock,
    name: Option<String>,
    prefix: Option<String>,
    tag_name: Option<String>,
    aka: Option<String>,
    /// The expression of a name that could not be resolved.
    computed: Option<String>,
}

fn wanted<'a>(repo: &RepoFacts, b: &'a TfBlock, names: &[&str], prefixes: &[&str]) -> Wanted<'a> {
    let mut w = Wanted { block: b, name: None, prefix: None, tag_name: None, aka: None, computed: None };
    for n in names {
        if let Some(v) = b.attr(n) {
            match resolve(repo, v) {
                Some(s) => w.name = Some(s),
                None => w.computed = Some(format!("{n} = {}", v.text())),
            }
            break;
        }
    }
    for p in prefixes {
        if let Some(v) = b.attr(p) {
            match resolve(repo, v) {
                Some(s) => w.prefix = Some(s),
                None => w.computed = Some(format!("{p} = {}", v.text())),
            }
        }
    }
    w.tag_name = b.attr("tags.Name").and_then(|v| resolve(repo, v));
    w.aka = ["description", "comment"].iter().find_map(|a| b.attr(a)).and_then(|v| resolve(repo, v));
    w
}

fn same_name(kind: &str, declared: &str, live: &str) -> bool {
    if kind == "hosted zone" {
        return declared.trim_end_matches('.').eq_ignore_ascii_case(live.trim_end_matches('.'));
    }
    declared == live
}

fn declared(b: &TfBlock, name: Option<String>, note: Option<String>) -> Declared {
    Declared { label: b.label(), name, evidence: Evidence::file(b.path.clone(), Some(b.line)), note }
}

fn deployed(r: &AnyResource) -> Deployed {
    Deployed { name: r.res.name.clone(), evidence: crate::cloud::cloud(r.service, r.res, r.call, None) }
}

/// The cluster a node group belongs to, from its ARN (`…:nodegroup/CLUSTER/NAME/ID`).
fn nodegroup_cluster(arn: &str) -> Option<&str> {
    arn.split(":nodegroup/").nth(1)?.split('/').next()
}

/// Compares the project's Terraform with the account, kind by kind (kinds with nothing on either
/// side are left out).
pub fn compare(repo: &RepoFacts, aws: &AwsFacts) -> Vec<KindDrift> {
    let live = aws.resources();
    let mut out = Vec::new();
    // clusters declared through a module, for the node groups the module creates
    let mut module_clusters: Vec<(String, String, Evidence)> = Vec::new();
    for k in KINDS {
        let blocks: Vec<&TfBlock> = repo
            .terraform
            .blocks
            .iter()
            .filter(|b| b.location.is_project())
            .filter(|b| {
                (b.kind == TfKind::Resource && k.types.contains(&b.type_.as_str()))
                    || (b.kind == TfKind::Module && k.modules.iter().any(|(src, _)| b.type_.contains(src)))
            })
            .filter(|b| b.attr("count").and_then(TfValue::as_f64) != Some(0.0))
            .collect();
        let mine: Vec<&AnyResource> = live.iter().filter(|r| r.kind == k.kind).collect();
        if blocks.is_empty() && mine.is_empty() {
            continue;
        }
        let mut taken = vec![false; mine.len()];
        let mut d = KindDrift {
            kind: k.kind.to_string(),
            check: k.check.to_string(),
            matched: Vec::new(),
            declared_not_deployed: Vec::new(),
            deployed_not_declared: Vec::new(),
            unresolved: Vec::new(),
        };
        for b in blocks {
            let names: Vec<&str> = if b.kind == TfKind::Module {
                k.modules.iter().find(|(src, _)| b.type_.contains(src)).map(|(_, n)| n.to_vec()).unwrap_or_default()
            } else {
                k.names.to_vec()
            };
            let w = wanted(repo, b, &names, k.prefixes);
            let find = |pred: &dyn Fn(&AnyResource) -> bool, taken: &[bool]| {
                mine.iter().enumerate().position(|(i, r)| !taken[i] && pred(r))
            };
            let hit = w
                .name
                .as_deref()
                .and_then(|n| find(&|r| same_name(k.kind, n, &r.res.name), &taken).map(|i| (i, "name")))
                .or_else(|| {
                    w.prefix
                        .as_deref()
                        .and_then(|p| find(&|r| r.res.name.starts_with(p), &taken).map(|i| (i, "name prefix")))
                })
                .or_else(|| {
                    w.tag_name.as_deref().and_then(|t| {
                        find(&|r| r.res.tags.as_ref().and_then(|x| x.get("Name")).is_some_and(|v| v == t), &taken)
                            .map(|i| (i, "Name tag"))
                    })
                })
                .or_else(|| {
                    w.aka.as_deref().and_then(|a| find(&|r| r.aka == Some(a), &taken).map(|i| (i, "description")))
                });
            let shown =
                w.name.clone().or(w.prefix.clone().map(|p| format!("{p}*"))).or(w.tag_name.clone()).or(w.aka.clone());
            match hit {
                Some((i, by)) => {
                    taken[i] = true;
                    if b.kind == TfKind::Module && k.kind == "EKS cluster" {
                        module_clusters.push((
                            mine[i].res.name.clone(),
                            b.label(),
                            Evidence::file(b.path.clone(), Some(b.line)),
                        ));
                    }
                    d.matched.push(Matched {
                        declared: declared(w.block, shown, None),
                        deployed: deployed(mine[i]),
                        by: by.to_string(),
                    });
                }
                None if shown.is_some() => d.declared_not_deployed.push(declared(w.block, shown, None)),
                None => {
                    let why = match &w.computed {
                        Some(expr) => format!(
                            "its name is computed (`{expr}`), so it cannot be matched without running Terraform"
                        ),
                        None => "it sets no name, Name tag or description to match by".to_string(),
                    };
                    d.unresolved.push(declared(w.block, None, Some(why)));
                }
            }
        }
        for (i, r) in mine.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let through = (k.kind == "EKS node group")
                .then(|| r.res.arn.as_deref().and_then(nodegroup_cluster))
                .flatten()
                .and_then(|c| module_clusters.iter().find(|(name, _, _)| name == c));
            match through {
                Some((_, module, evidence)) => d.matched.push(Matched {
                    declared: Declared {
                        label: module.clone(),
                        name: Some(r.res.name.clone()),
                        evidence: evidence.clone(),
                        note: None,
                    },
                    deployed: deployed(r),
                    by: format!("through {module}"),
                }),
                None => d.deployed_not_declared.push(deployed(r)),
            }
        }
        out.push(d);
    }
    out
}

pub struct DeployedMatchesDeclared;

impl Check for DeployedMatchesDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.iac.deployed_matches_declared",
            title: "What runs in the account is what the Terraform declares",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Infrastructure as code only protects what it covers: resources made by hand drift, and declared resources that are missing mean the code no longer describes production.",
            remediation: "Import hand-made resources into Terraform (`terraform import` or `import` blocks) or remove them, and apply or delete declarations that are not deployed; run `terraform plan` in CI to catch drift.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match crate::cloud::account(cx) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let kinds = compare(cx.repo, aws);
        let matched: usize = kinds.iter().map(|k| k.matched.len()).sum();
        let missing: Vec<&Declared> = kinds.iter().flat_map(|k| &k.declared_not_deployed).collect();
        let extra: Vec<(&str, &Deployed)> =
            kinds.iter().flat_map(|k| k.deployed_not_declared.iter().map(move |d| (k.kind.as_str(), d))).collect();
        let total = matched + missing.len() + extra.len();
        if total == 0 {
            return Finding::not_assessed(
                "there is neither declared infrastructure nor an inventoried resource to compare",
            );
        }
        if repo_declares_nothing(&kinds) {
            return Finding::fail(format!(
                "{} resource(s) run in the account and none is declared in the repository's Terraform",
                extra.len()
            ))
            .with(extra.iter().take(3).map(|(_, d)| d.evidence.clone()));
        }
        let mut parts = vec![format!("{matched} of {total} resources match between the Terraform and the account")];
        if !missing.is_empty() {
            let l: Vec<String> = missing.iter().map(|d| d.label.clone()).collect();
            parts.push(format!("declared but not deployed: {}", crate::cloud::names(l.iter().map(String::as_str))));
        }
        if !extra.is_empty() {
            let l: Vec<String> = extra.iter().map(|(k, d)| format!("{k} {}", d.name)).collect();
            parts.push(format!("deployed but not declared: {}", crate::cloud::names(l.iter().map(String::as_str))));
        }
        let evidence: Vec<Evidence> = kinds
            .iter()
            .flat_map(|k| k.matched.iter().map(|m| m.deployed.evidence.clone()))
            .take(2)
            .chain(missing.iter().take(2).map(|d| d.evidence.clone()))
            .chain(extra.iter().take(2).map(|(_, d)| d.evidence.clone()))
            .collect();
        let f = if matched == total {
            Finding::pass(parts.join("; "))
        } else if matched == 0 {
            Finding::fail(parts.join("; "))
        } else {
            Finding::partial(matched as f64 / total as f64, parts.join("; "))
        };
        f.with(evidence)
    }
}

fn repo_declares_nothing(kinds: &[KindDrift]) -> bool {
    kinds.iter().all(|k| k.matched.is_empty() && k.declared_not_deployed.is_empty() && k.unresolved.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Context, Targets};
    use crate::cloud::testing::{empty, res};
    use crate::facts::aws::eks::{Cluster, Nodegroup};
    use crate::facts::aws::rds::Instance;
    use crate::model::Status;

    const TF: &str = r#"
variable "env" {
  default = "prod"
}
locals {
  db_name = "orders-${var.env}"
}
resource "aws_db_instance" "orders" {
  identifier = local.db_name
  engine     = "mysql"
}
resource "aws_db_instance" "reporting" {
  identifier = "reporting-db"
}
resource "aws_db_instance" "computed" {
  identifier = data.external.name.result
}
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "shop-${var.env}"
}
resource "aws_route53_zone" "main" {
  name = "shop.example"
}
"#;

    fn facts() -> (RepoFacts, AwsFacts) {
        let repo = RepoFacts::from_memory(&[
            ("infra/main.tf", TF),
            ("examples/demo/main.tf", "resource \"aws_db_instance\" \"demo\" {\n  identifier = \"demo\"\n}\n"),
        ]);
        let mut aws = empty();
        aws.rds.instances = vec![
            Instance { res: res("orders-prod"), ..Instance::default() },
            Instance { res: res("legacy-db"), ..Instance::default() },
        ];
        let mut ng = res("default");
        ng.arn = Some("arn:aws:eks:eu-west-1:1:nodegroup/shop-prod/default/abc".into());
        aws.eks.clusters = vec![Cluster {
            res: res("shop-prod"),
            status: "ACTIVE".into(),
            nodegroups: vec![Nodegroup { res: ng, status: "ACTIVE".into(), min: 1, max: 3, desired: 1 }],
            ..Cluster::default()
        }];
        aws.zones = vec![crate::facts::aws::route53::HostedZone {
            res: res("shop.example."),
            id: "Z1".into(),
            private: false,
            records: 2,
        }];
        (repo, aws)
    }

    #[test]
    fn declared_and_deployed_are_matched() {
        let (repo, aws) = facts();
        let kinds = compare(&repo, &aws);
        let kind = |k: &str| kinds.iter().find(|d| d.kind == k).unwrap();
        let rds = kind("RDS instance");
        assert_eq!(rds.check, "aws.rds.mysql_or_aurora_available");
        assert_eq!(rds.matched.len(), 1, "{rds:#?}");
        assert_eq!(rds.matched[0].declared.label, "aws_db_instance.orders");
        assert_eq!(rds.matched[0].deployed.name, "orders-prod");
        assert_eq!(
            rds.declared_not_deployed.iter().map(|d| d.label.as_str()).collect::<Vec<_>>(),
            ["aws_db_instance.reporting"]
        );
        assert_eq!(rds.deployed_not_declared.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["legacy-db"]);
        assert_eq!(rds.unresolved.len(), 1);
        assert!(rds.unresolved[0].note.as_deref().unwrap().contains("data.external.name.result"));
        assert!(
            !rds.declared_not_deployed.iter().any(|d| d.label.contains("demo")),
            "examples are not declared infrastructure"
        );
        let eks = kind("EKS cluster");
        assert_eq!(eks.matched[0].declared.label, "module.eks");
        let ng = kind("EKS node group");
        assert_eq!(ng.matched.len(), 1);
        assert_eq!(ng.matched[0].by, "through module.eks");
        assert!(ng.deployed_not_declared.is_empty());
        assert_eq!(kind("hosted zone").matched[0].by, "name");
    }

    #[test]
    fn the_check_scores_the_overlap() {
        let (mut repo, aws) = facts();
        let t = Targets::default();
        repo.live.aws = Some(aws.clone());
        let f = DeployedMatchesDeclared.evaluate(&Context { repo: &repo, targets: &t });
        assert_eq!(f.status, Status::Partial, "{}", f.message);
        assert!(f.message.contains("declared but not deployed: `aws_db_instance.reporting`"), "{}", f.message);
        assert!(f.message.contains("deployed but not declared: `RDS instance legacy-db`"), "{}", f.message);
        let mut bare = RepoFacts::from_memory(&[]);
        bare.live.aws = Some(aws);
        let f = DeployedMatchesDeclared.evaluate(&Context { repo: &bare, targets: &t });
        assert_eq!(f.status, Status::Fail, "{}", f.message);
        let unaudited = RepoFacts::from_memory(&[]);
        assert_eq!(
            DeployedMatchesDeclared.evaluate(&Context { repo: &unaudited, targets: &t }).status,
            Status::NotAssessed
        );
        let mut nothing = RepoFacts::from_memory(&[]);
        nothing.live.aws = Some(empty());
        assert_eq!(
            DeployedMatchesDeclared.evaluate(&Context { repo: &nothing, targets: &t }).status,
            Status::NotAssessed
        );
    }

    #[test]
    fn names_resolve_through_variables_and_templates() {
        let repo = RepoFacts::from_memory(&[(
            "main.tf",
            "variable \"env\" {\n  default = \"prod\"\n}\nvariable \"n\" {\n  default = 3\n}\nlocals {\n  base = \"shop-${var.env}\"\n}\n",
        )]);
        for (expr, want) in [
            ("var.env", Some("prod")),
            ("local.base", Some("shop-prod")),
            ("\"${local.base}-db\"", Some("shop-prod-db")),
            ("\"db-${var.n}\"", Some("db-3")),
            ("\"${var.missing}-db\"", None),
            ("\"${terraform.workspace}-db\"", None),
            ("data.x.y", None),
        ] {
            assert_eq!(resolve(&repo, &TfValue::Expr(expr.into())).as_deref(), want, "{expr}");
        }
    }
}
