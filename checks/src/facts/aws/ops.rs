//! The one table of AWS operations the audit calls.
//!
//! Every call in `facts::aws` names its entry here, so the same table decides what a denied call
//! reports as missing (`rds:DescribeDBInstances`), what `maturity aws policy` grants, and what
//! the tests accept as read-only. An operation that is not in this table cannot be called: the
//! call helpers take an [`Operation`], never a free string.

use serde::Serialize;

/// One read-only API operation.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Operation {
    /// The service as evidence and messages name it (`eks`, `elbv2`).
    pub service: &'static str,
    /// The API operation (`DescribeCluster`), as it travels on the wire.
    pub action: &'static str,
    /// The IAM action that allows it (`eks:DescribeCluster`; Budgets reads need `budgets:ViewBudget`).
    pub iam: &'static str,
    /// What the audit reads with it.
    pub reads: &'static str,
}

macro_rules! ops {
    ($($name:ident = $service:literal $action:literal $iam:literal $reads:literal;)*) => {
        $(pub static $name: Operation = Operation { service: $service, action: $action, iam: $iam, reads: $reads };)*
        /// Every operation the audit may call, in the order the policy lists them.
        pub static OPERATIONS: &[&Operation] = &[$(&$name),*];
    };
}

ops! {
    STS_GET_CALLER_IDENTITY = "sts" "GetCallerIdentity" "sts:GetCallerIdentity" "the account and identity audited";
    EC2_DESCRIBE_REGIONS = "ec2" "DescribeRegions" "ec2:DescribeRegions" "the regions enabled for --all-regions";
    EKS_LIST_CLUSTERS = "eks" "ListClusters" "eks:ListClusters" "EKS clusters";
    EKS_DESCRIBE_CLUSTER = "eks" "DescribeCluster" "eks:DescribeCluster" "cluster version, endpoint access, logging and encryption";
    EKS_LIST_NODEGROUPS = "eks" "ListNodegroups" "eks:ListNodegroups" "managed node groups";
    EKS_DESCRIBE_NODEGROUP = "eks" "DescribeNodegroup" "eks:DescribeNodegroup" "node group status and scaling";
    EKS_DESCRIBE_CLUSTER_VERSIONS = "eks" "DescribeClusterVersions" "eks:DescribeClusterVersions" "which Kubernetes versions are in standard support";
    RDS_DESCRIBE_DB_INSTANCES = "rds" "DescribeDBInstances" "rds:DescribeDBInstances" "database instances, replicas, backups, Multi-AZ, encryption";
    RDS_DESCRIBE_DB_CLUSTERS = "rds" "DescribeDBClusters" "rds:DescribeDBClusters" "Aurora clusters and their members";
    RDS_DESCRIBE_DB_PROXIES = "rds" "DescribeDBProxies" "rds:DescribeDBProxies" "RDS Proxy connection pooling";
    ELASTICACHE_DESCRIBE_REPLICATION_GROUPS = "elasticache" "DescribeReplicationGroups" "elasticache:DescribeReplicationGroups" "Redis and Valkey replication groups";
    ELASTICACHE_LIST_TAGS = "elasticache" "ListTagsForResource" "elasticache:ListTagsForResource" "replication group tags";
    ELBV2_DESCRIBE_LOAD_BALANCERS = "elbv2" "DescribeLoadBalancers" "elasticloadbalancing:DescribeLoadBalancers" "load balancers";
    ELBV2_DESCRIBE_LISTENERS = "elbv2" "DescribeListeners" "elasticloadbalancing:DescribeListeners" "listeners, TLS policies and redirects";
    ELBV2_DESCRIBE_TAGS = "elbv2" "DescribeTags" "elasticloadbalancing:DescribeTags" "load balancer tags";
    CLOUDFRONT_LIST_DISTRIBUTIONS = "cloudfront" "ListDistributions" "cloudfront:ListDistributions" "CloudFront distributions and viewer protocol policies";
    CLOUDFRONT_GET_DISTRIBUTION_CONFIG = "cloudfront" "GetDistributionConfig" "cloudfront:GetDistributionConfig" "viewer protocol policies, when a list summary leaves them out";
    CLOUDFRONT_LIST_TAGS = "cloudfront" "ListTagsForResource" "cloudfront:ListTagsForResource" "distribution tags";
    ROUTE53_LIST_HOSTED_ZONES = "route53" "ListHostedZones" "route53:ListHostedZones" "hosted zones";
    LOGS_DESCRIBE_LOG_GROUPS = "logs" "DescribeLogGroups" "logs:DescribeLogGroups" "log groups and their retention";
    CLOUDWATCH_DESCRIBE_ALARMS = "cloudwatch" "DescribeAlarms" "cloudwatch:DescribeAlarms" "alarms and their actions";
    CLOUDTRAIL_DESCRIBE_TRAILS = "cloudtrail" "DescribeTrails" "cloudtrail:DescribeTrails" "trails, multi-region and log file validation";
    CLOUDTRAIL_GET_TRAIL_STATUS = "cloudtrail" "GetTrailStatus" "cloudtrail:GetTrailStatus" "whether a trail is logging";
    KMS_LIST_KEYS = "kms" "ListKeys" "kms:ListKeys" "KMS keys";
    KMS_DESCRIBE_KEY = "kms" "DescribeKey" "kms:DescribeKey" "who manages a key and its state";
    KMS_GET_KEY_ROTATION_STATUS = "kms" "GetKeyRotationStatus" "kms:GetKeyRotationStatus" "automatic key rotation";
    IAM_GET_ACCOUNT_PASSWORD_POLICY = "iam" "GetAccountPasswordPolicy" "iam:GetAccountPasswordPolicy" "the password policy";
    IAM_GET_ACCOUNT_SUMMARY = "iam" "GetAccountSummary" "iam:GetAccountSummary" "MFA on the root user";
    BACKUP_LIST_BACKUP_PLANS = "backup" "ListBackupPlans" "backup:ListBackupPlans" "AWS Backup plans";
    BACKUP_GET_BACKUP_PLAN = "backup" "GetBackupPlan" "backup:GetBackupPlan" "backup rules and retention";
    AUTOSCALING_DESCRIBE_GROUPS = "autoscaling" "DescribeAutoScalingGroups" "autoscaling:DescribeAutoScalingGroups" "Auto Scaling groups";
    APPLICATION_AUTOSCALING_DESCRIBE_TARGETS = "application-autoscaling" "DescribeScalableTargets" "application-autoscaling:DescribeScalableTargets" "scalable targets (ECS, DynamoDB, Aurora, ElastiCache, Lambda)";
    BUDGETS_DESCRIBE_BUDGETS = "budgets" "DescribeBudgets" "budgets:ViewBudget" "budgets";
    BUDGETS_DESCRIBE_NOTIFICATIONS = "budgets" "DescribeNotificationsForBudget" "budgets:ViewBudget" "budget notifications";
}

/// Verbs of read-only operations and IAM actions.
pub const READ_ONLY_VERBS: &[&str] = &["Describe", "List", "Get", "View"];

/// Whether an operation or IAM action name reads only (by its verb).
pub fn is_read_only(action: &str) -> bool {
    let name = action.rsplit(':').next().unwrap_or(action);
    READ_ONLY_VERBS
        .iter()
        .any(|v| name.strip_prefix(v).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())))
}

/// The operation a service answers to this wire name, if the audit calls it.
pub fn find(service: &str, action: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|o| o.service == service && o.action == action)
}

/// The minimal read-only IAM policy for the audit, as pretty JSON.
pub fn policy() -> String {
    let mut actions: Vec<&str> = OPERATIONS.iter().map(|o| o.iam).collect();
    actions.sort_unstable();
    actions.dedup();
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "MaturityReadOnlyAudit",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_reads_only() {
        for o in OPERATIONS {
            assert!(is_read_only(o.action), "{} is not a read", o.action);
            assert!(is_read_only(o.iam), "{} is not a read", o.iam);
            assert!(o.iam.contains(':'), "{}", o.iam);
        }
    }

    #[test]
    fn verbs_are_whole_words() {
        for (name, read) in [
            ("DescribeDBInstances", true),
            ("rds:DescribeDBInstances", true),
            ("budgets:ViewBudget", true),
            ("GetTrailStatus", true),
            ("DeleteDBInstance", false),
            ("CreateCluster", false),
            ("Listen", false),
            ("Getaway", false),
            ("PutMetricAlarm", false),
        ] {
            assert_eq!(is_read_only(name), read, "{name}");
        }
    }

    #[test]
    fn operations_are_unique_and_the_policy_lists_each_action_once() {
        let mut seen: Vec<(&str, &str)> = OPERATIONS.iter().map(|o| (o.service, o.action)).collect();
        seen.sort_unstable();
        let n = seen.len();
        seen.dedup();
        assert_eq!(n, seen.len());
        let policy: serde_json::Value = serde_json::from_str(&policy()).unwrap();
        let actions = policy["Statement"][0]["Action"].as_array().unwrap();
        assert!(actions.iter().any(|a| a == "budgets:ViewBudget"));
        assert!(actions.iter().any(|a| a == "rds:DescribeDBInstances"));
        assert_eq!(actions.iter().filter(|a| *a == "budgets:ViewBudget").count(), 1);
        assert!(actions.iter().all(|a| is_read_only(a.as_str().unwrap())));
        assert_eq!(find("eks", "ListClusters"), Some(&EKS_LIST_CLUSTERS));
        assert_eq!(find("eks", "CreateCluster"), None);
    }
}
