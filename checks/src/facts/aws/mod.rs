//! The AWS account the project runs in, read once, concurrently and read-only.
//!
//! [`collect`] resolves credentials through the SDK's standard chain (environment, shared config
//! and credentials files, SSO, credential processes, instance metadata), asks STS who the caller
//! is, and then reads each service in each region at the same time: one task per service and
//! region, with at most `concurrency` calls in flight, every list paginated to the end and every
//! throttled or failed request retried with backoff by the SDK. Each service has a small module
//! that turns API shapes into plain facts; every call names its entry in the operation table
//! ([`ops`]), so a denied call reports the IAM action that was missing.
//!
//! Nothing here decides pass or fail, and nothing here writes: only `Describe*`, `List*` and
//! `Get*` operations exist in the table. A call that fails leaves its facts empty and records a
//! [`call::Failure`]; the checks that needed it answer `unknown`.

pub mod autoscaling;
pub mod backup;
pub mod budgets;
pub mod call;
pub mod cloudfront;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod ops;
mod query;
pub mod rds;
pub mod regions;
pub mod route53;
pub mod sts;

use super::Progress;
use call::{Call, Ctx, Failure};
use ops::Operation;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to read and how.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// A named profile of the shared config files (`--profile`); default: the SDK's choice.
    pub profile: Option<String>,
    /// Regions to read; empty means the configured default region.
    pub regions: Vec<String>,
    /// Read every region enabled for the account (`ec2:DescribeRegions`).
    pub all_regions: bool,
    /// Send every call to this endpoint (an emulator, a VPC endpoint); `AWS_ENDPOINT_URL` works
    /// too, through the SDK.
    pub endpoint_url: Option<String>,
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Attempts per call, the first included (the SDK's standard retry mode with backoff).
    pub max_attempts: u32,
    /// Time allowed for one attempt of one call.
    pub attempt_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: Vec::new(),
            all_regions: false,
            endpoint_url: None,
            concurrency: 16,
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(15),
        }
    }
}

/// Tags of a resource.
pub type Tags = BTreeMap<String, String>;

/// What every resource has.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Res {
    /// The region, or `global` for global services.
    pub region: String,
    /// The name or identifier people use (`orders-db`, `example.com.`).
    pub name: String,
    /// The ARN, when the API gives one.
    pub arn: Option<String>,
    /// Tags, when they were read; `None` when this service's tags are not read.
    pub tags: Option<Tags>,
}

impl Res {
    pub fn new(region: &str, name: impl Into<String>, arn: Option<&str>) -> Res {
        Res { region: region.to_string(), name: name.into(), arn: arn.map(str::to_string), tags: None }
    }

    /// The ARN when known, else the name.
    pub fn id(&self) -> &str {
        self.arn.as_deref().unwrap_or(&self.name)
    }
}

/// Who the calls were made as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Everything read from the account.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AwsFacts {
    pub identity: Option<Identity>,
    pub regions: Vec<String>,
    pub endpoint: Option<String>,
    /// Why the account could not be read at all (no credentials, no region), if so.
    pub fatal: Option<String>,
    /// The day of the inventory (`YYYY-MM-DD`), for support windows.
    pub collected_on: String,
    pub eks: eks::EksFacts,
    pub rds: rds::RdsFacts,
    pub elasticache: Vec<elasticache::ReplicationGroup>,
    pub load_balancers: Vec<elb::LoadBalancer>,
    pub distributions: Vec<cloudfront::Distribution>,
    pub zones: Vec<route53::HostedZone>,
    pub log_groups: Vec<logs::LogGroup>,
    pub alarms: Vec<cloudwatch::Alarm>,
    pub trails: Vec<cloudtrail::Trail>,
    pub keys: Vec<kms::Key>,
    pub iam: iam::IamFacts,
    pub backup_plans: Vec<backup::BackupPlan>,
    pub scaling: autoscaling::ScalingFacts,
    pub budgets: Vec<budgets::Budget>,
    /// Every call made, in the order they finished.
    pub calls: Vec<Call>,
    /// Wall time of the whole inventory.
    pub duration_ms: u64,
}

/// A resource of any service, for the checks that look across services.
pub struct AnyResource<'a> {
    /// The service, as evidence names it (`rds`).
    pub service: &'static str,
    /// The kind, as people say it (`RDS instance`).
    pub kind: &'static str,
    pub res: &'a Res,
    /// Another name people give it: a KMS key's description, a distribution's comment.
    pub aka: Option<&'a str>,
    /// The call that read it.
    pub call: &'static Operation,
}

impl AwsFacts {
    /// Calls of these operations that failed.
    pub fn failures<'a>(&'a self, ops: &'a [&'static Operation]) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls.iter().filter(move |c| c.failure.is_some() && ops.iter().any(|o| std::ptr::eq(*o, c.operation)))
    }

    /// Whether an operation answered at least once.
    pub fn answered(&self, op: &'static Operation) -> bool {
        self.calls.iter().any(|c| c.failure.is_none() && std::ptr::eq(op, c.operation))
    }

    /// Every resource read, with what it is.
    pub fn resources(&self) -> Vec<AnyResource<'_>> {
        let mut out = Vec::new();
        let mut add = |service, kind, res, aka, call| out.push(AnyResource { service, kind, res, aka, call });
        for c in &self.eks.clusters {
            add("eks", "EKS cluster", &c.res, None, &ops::EKS_DESCRIBE_CLUSTER);
            for n in &c.nodegroups {
                add("eks", "EKS node group", &n.res, None, &ops::EKS_DESCRIBE_NODEGROUP);
            }
        }
        for i in &self.rds.instances {
            add("rds", "RDS instance", &i.res, None, &ops::RDS_DESCRIBE_DB_INSTANCES);
        }
        for c in &self.rds.clusters {
            add("rds", "RDS cluster", &c.res, None, &ops::RDS_DESCRIBE_DB_CLUSTERS);
        }
        for p in &self.rds.proxies {
            add("rds", "RDS proxy", &p.res, None, &ops::RDS_DESCRIBE_DB_PROXIES);
        }
        for g in &self.elasticache {
            add(
                "elasticache",
                "ElastiCache replication group",
                &g.res,
                None,
                &ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS,
            );
        }
        for l in &self.load_balancers {
            add("elbv2", "load balancer", &l.res, None, &ops::ELBV2_DESCRIBE_LOAD_BALANCERS);
        }
        for d in &self.distributions {
            add(
                "cloudfront",
                "CloudFront distribution",
                &d.res,
                Some(d.comment.as_str()).filter(|c| !c.is_empty()),
                &ops::CLOUDFRONT_LIST_DISTRIBUTIONS,
            );
        }
        for z in &self.zones {
            add("route53", "hosted zone", &z.res, None, &ops::ROUTE53_LIST_HOSTED_ZONES);
        }
        for g in &self.log_groups {
            add("logs", "log group", &g.res, None, &ops::LOGS_DESCRIBE_LOG_GROUPS);
        }
        for a in &self.alarms {
            add("cloudwatch", "alarm", &a.res, None, &ops::CLOUDWATCH_DESCRIBE_ALARMS);
        }
        for t in &self.trails {
            add("cloudtrail", "trail", &t.res, None, &ops::CLOUDTRAIL_DESCRIBE_TRAILS);
        }
        for k in self.keys.iter().filter(|k| k.customer_managed()) {
            add(
                "kms",
                "KMS key",
                &k.res,
                Some(k.description.as_str()).filter(|c| !c.is_empty()),
                &ops::KMS_DESCRIBE_KEY,
            );
        }
        for p in &self.backup_plans {
            add("backup", "backup plan", &p.res, None, &ops::BACKUP_LIST_BACKUP_PLANS);
        }
        for g in &self.scaling.groups {
            add("autoscaling", "Auto Scaling group", &g.res, None, &ops::AUTOSCALING_DESCRIBE_GROUPS);
        }
        for b in &self.budgets {
            add("budgets", "budget", &b.res, None, &ops::BUDGETS_DESCRIBE_BUDGETS);
        }
        out
    }

    /// Facts of an account that could not be read at all.
    pub fn unreadable(reason: impl Into<String>, opts: &AwsOptions) -> AwsFacts {
        AwsFacts {
            fatal: Some(reason.into()),
            regions: opts.regions.clone(),
            endpoint: opts.endpoint_url.clone(),
            collected_on: today(),
            ..AwsFacts::default()
        }
    }
}

fn today() -> String {
    jiff::ZonedDateTime::now().date().to_string()
}

/// The region global services are called in.
pub const GLOBAL: &str = "global";
const GLOBAL_SIGNING_REGION: &str = "us-east-1";

/// Reads the account. Never fails: an account that cannot be read gives facts with `fatal` set.
pub fn collect(opts: &AwsOptions, progress: &dyn Progress) -> AwsFacts {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return AwsFacts::unreadable(format!("could not start the async runtime: {e}"), opts),
    };
    runtime.block_on(collect_async(opts, progress))
}

type Apply = Box<dyn FnOnce(&mut AwsFacts) + Send>;

async fn collect_async(opts: &AwsOptions, progress: &dyn Progress) -> AwsFacts {
    let started = Instant::now();
    progress.stage("Connecting to the AWS account", None);
    let sdk = sdk_config(opts).await;
    let endpoint = opts.endpoint_url.clone().or_else(|| sdk.endpoint_url().map(str::to_string));
    let Some(credentials) = sdk.credentials_provider() else {
        return AwsFacts::unreadable("no AWS credentials are configured", opts);
    };
    use aws_credential_types::provider::{ProvideCredentials, error::CredentialsError};
    if let Err(e) = credentials.provide_credentials().await {
        let why = match (&opts.profile, &e) {
            (Some(p), CredentialsError::CredentialsNotLoaded(_)) => format!(
                "the AWS profile `{p}` is not defined in the shared config or credentials files \
                 (~/.aws/config, ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE)"
            ),
            (Some(p), _) => format!("the AWS profile `{p}` gave no credentials: {}", reason(&e)),
            (None, _) => format!(
                "no AWS credentials were found ({}); set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run `aws sso login`",
                reason(&e)
            ),
        };
        return AwsFacts::unreadable(why, opts);
    }
    let default_region = sdk.region().map(|r| r.to_string());
    let query = query::Client::new(Some(credentials), endpoint.clone(), opts.attempt_timeout, opts.max_attempts);
    let mut ctx = Ctx::new(sdk, query, opts.concurrency);
    let home = opts.regions.first().cloned().or(default_region.clone()).unwrap_or_else(|| GLOBAL_SIGNING_REGION.into());
    let identity = sts::caller(&ctx, &home).await;
    ctx.account = identity.as_ref().map(|i| i.account.clone());
    let regions: Vec<String> = if opts.all_regions {
        match regions::enabled(&ctx, &home).await {
            Some(r) if !r.is_empty() => r,
            _ => vec![home.clone()],
        }
    } else if !opts.regions.is_empty() {
        opts.regions.clone()
    } else {
        match default_region {
            Some(r) => vec![r],
            None => {
                let mut f = AwsFacts::unreadable(
                    "no AWS region is configured; pass --region REGION (or --all-regions) or set AWS_REGION",
                    opts,
                );
                f.identity = identity;
                f.calls = ctx.take_calls();
                return f;
            }
        }
    };
    let ctx = Arc::new(ctx);
    let mut tasks: tokio::task::JoinSet<Apply> = tokio::task::JoinSet::new();
    for region in &regions {
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = eks::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.eks.absorb(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = rds::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.rds.absorb(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = elasticache::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.elasticache.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = elb::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.load_balancers.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = logs::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.log_groups.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = cloudwatch::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.alarms.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = cloudtrail::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.trails.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = kms::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.keys.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = backup::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.backup_plans.extend(v)) as Apply
        });
        spawn(&mut tasks, &ctx, region, |c, r| async move {
            let v = autoscaling::collect(&c, &r).await;
            Box::new(move |f: &mut AwsFacts| f.scaling.absorb(v)) as Apply
        });
    }
    // global services, read once
    spawn(&mut tasks, &ctx, GLOBAL, |c, _| async move {
        let v = cloudfront::collect(&c).await;
        Box::new(move |f: &mut AwsFacts| f.distributions.extend(v)) as Apply
    });
    spawn(&mut tasks, &ctx, GLOBAL, |c, _| async move {
        let v = route53::collect(&c).await;
        Box::new(move |f: &mut AwsFacts| f.zones.extend(v)) as Apply
    });
    spawn(&mut tasks, &ctx, GLOBAL, |c, _| async move {
        let v = iam::collect(&c).await;
        Box::new(move |f: &mut AwsFacts| f.iam = v) as Apply
    });
    spawn(&mut tasks, &ctx, GLOBAL, |c, _| async move {
        let v = budgets::collect(&c).await;
        Box::new(move |f: &mut AwsFacts| f.budgets.extend(v)) as Apply
    });
    progress.stage(
        &format!("Reading the AWS account ({} region{})", regions.len(), if regions.len() == 1 { "" } else { "s" }),
        Some(tasks.len() as u64),
    );
    let mut facts =
        AwsFacts { identity, regions: regions.clone(), endpoint, collected_on: today(), ..AwsFacts::default() };
    while let Some(done) = tasks.join_next().await {
        if let Ok(apply) = done {
            apply(&mut facts);
        }
        progress.advance(1);
    }
    facts.calls = ctx.take_calls();
    facts.duration_ms = started.elapsed().as_millis() as u64;
    facts.sort();
    facts
}

impl AwsFacts {
    /// Sorts everything so reports are stable whatever order the calls finished in.
    fn sort(&mut self) {
        fn by_res<T>(v: &mut [T], res: impl Fn(&T) -> &Res) {
            v.sort_by(|a, b| (&res(a).region, &res(a).name).cmp(&(&res(b).region, &res(b).name)));
        }
        by_res(&mut self.eks.clusters, |c| &c.res);
        by_res(&mut self.rds.instances, |c| &c.res);
        by_res(&mut self.rds.clusters, |c| &c.res);
        by_res(&mut self.rds.proxies, |c| &c.res);
        by_res(&mut self.elasticache, |c| &c.res);
        by_res(&mut self.load_balancers, |c| &c.res);
        by_res(&mut self.distributions, |c| &c.res);
        by_res(&mut self.zones, |c| &c.res);
        by_res(&mut self.log_groups, |c| &c.res);
        by_res(&mut self.alarms, |c| &c.res);
        by_res(&mut self.trails, |c| &c.res);
        self.trails.dedup_by(|a, b| a.res.id() == b.res.id());
        by_res(&mut self.keys, |c| &c.res);
        by_res(&mut self.backup_plans, |c| &c.res);
        by_res(&mut self.scaling.groups, |c| &c.res);
        by_res(&mut self.budgets, |c| &c.res);
        self.eks.versions.sort_by(|a, b| a.version.cmp(&b.version));
        self.eks.versions.dedup_by(|a, b| a.version == b.version);
        self.calls.sort_by(|a, b| (a.operation.iam, &a.region).cmp(&(b.operation.iam, &b.region)));
    }
}

fn spawn<F, Fut>(tasks: &mut tokio::task::JoinSet<Apply>, ctx: &Arc<Ctx>, region: &str, f: F)
where
    F: FnOnce(Arc<Ctx>, String) -> Fut,
    Fut: Future<Output = Apply> + Send + 'static,
{
    tasks.spawn(f(Arc::clone(ctx), region.to_string()));
}

async fn sdk_config(opts: &AwsOptions) -> aws_config::SdkConfig {
    use aws_config::retry::RetryConfig;
    use aws_config::timeout::TimeoutConfig;
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(opts.max_attempts.max(1))
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(opts.attempt_timeout)
                .operation_timeout(opts.attempt_timeout * opts.max_attempts.max(1) + Duration::from_secs(10))
                .build(),
        );
    if let Some(p) = &opts.profile {
        // a named profile is the only source of credentials, as with the AWS CLI's --profile: the
        // default chain would prefer environment variables, or fall through to instance metadata
        // and report that when the profile gives nothing
        let named = aws_config::profile::ProfileFileCredentialsProvider::builder().profile_name(p).build();
        loader = loader.profile_name(p).credentials_provider(named);
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    loader.load().await
}

/// An error and its causes as one short line: the messages of the chain, each once, up to the first
/// that dumps a debug representation (some SDK errors print their whole response).
fn reason(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        let text = err.to_string().replace('\n', " ");
        if text.contains(" { ") || text.contains("(ProviderError") {
            break;
        }
        if !parts.iter().any(|p| p.contains(text.as_str())) {
            parts.push(text);
        }
        next = err.source();
    }
    let line = if parts.is_empty() { e.to_string() } else { parts.join(": ") };
    match line.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", line.get(..i).unwrap_or("")),
        None => line,
    }
}

/// A [`Failure`] as a reader should see it, with the action it concerns.
pub fn explain(call: &Call) -> String {
    let region = if call.region == GLOBAL { String::new() } else { format!(" in {}", call.region) };
    match &call.failure {
        Some(Failure::Denied { .. }) => {
            format!("`{}` was denied{region}: the credentials lack this IAM action", call.operation.iam)
        }
        Some(Failure::Unsupported) => {
            format!("`{}` is unsupported by the endpoint{region}", call.operation.iam)
        }
        Some(Failure::Failed { message }) => format!("`{}` failed{region}: {message}", call.operation.iam),
        None => format!("`{}` answered{region}", call.operation.iam),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(region: &str, name: &str, arn: &str) -> Res {
        Res::new(region, name, Some(arn))
    }

    #[test]
    fn a_multi_region_trail_seen_in_every_region_is_kept_once() {
        let trail = |region: &str| cloudtrail::Trail {
            res: res("us-east-1", "org", "arn:aws:cloudtrail:us-east-1:1:trail/org"),
            home_region: "us-east-1".into(),
            multi_region: true,
            logging: Some(region == "us-east-1"),
            ..cloudtrail::Trail::default()
        };
        let mut f = AwsFacts { trails: vec![trail("eu-west-1"), trail("us-east-1")], ..AwsFacts::default() };
        f.sort();
        assert_eq!(f.trails.len(), 1);
    }

    #[test]
    fn resources_are_listed_across_services() {
        let key = |manager: &str, id: &str| kms::Key {
            res: res("eu-west-1", id, &format!("arn:aws:kms:eu-west-1:1:key/{id}")),
            manager: manager.into(),
            description: "orders".into(),
            ..kms::Key::default()
        };
        let f = AwsFacts {
            keys: vec![key("AWS", "aws-rds"), key("CUSTOMER", "k1")],
            log_groups: vec![logs::LogGroup {
                res: res("eu-west-1", "/app", "arn:aws:logs:eu-west-1:1:log-group:/app"),
                ..logs::LogGroup::default()
            }],
            ..AwsFacts::default()
        };
        let all = f.resources();
        let kinds: Vec<(&str, &str)> = all.iter().map(|r| (r.kind, r.res.name.as_str())).collect();
        assert_eq!(kinds, vec![("log group", "/app"), ("KMS key", "k1")], "AWS-managed keys are not the project's");
        assert_eq!(all[1].aka, Some("orders"));
    }

    #[derive(Debug)]
    struct Chain(&'static str, Option<Box<Chain>>);
    impl std::fmt::Display for Chain {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }
    impl std::error::Error for Chain {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|c| c as _)
        }
    }

    #[test]
    fn reasons_are_one_short_line_without_debug_dumps() {
        let chain = |parts: &[&'static str]| {
            parts.iter().rev().fold(None, |inner, p| Some(Box::new(Chain(p, inner)))).map(|b| *b).unwrap()
        };
        for (parts, expected) in [
            (&["profile file error", "profile `x` not found"][..], "profile file error: profile `x` not found"),
            (&["load failed", "load failed", "token expired"][..], "load failed: token expired"),
            (
                &["an error occurred while loading credentials", "IMDS (ProviderError(ProviderError { source: x }))"][..],
                "an error occurred while loading credentials",
            ),
            (&["Response { status: 403 }"][..], "Response { status: 403 }"),
        ] {
            assert_eq!(reason(&chain(parts)), expected);
        }
        let long = Chain(Box::leak("x".repeat(400).into_boxed_str()), None);
        assert_eq!(reason(&long).chars().count(), 301);
    }

    #[test]
    fn failures_explain_themselves() {
        let call = |failure, region: &str| Call {
            operation: &ops::RDS_DESCRIBE_DB_INSTANCES,
            region: region.into(),
            ms: 3,
            failure: Some(failure),
        };
        assert_eq!(
            explain(&call(Failure::Denied { message: String::new() }, "eu-west-1")),
            "`rds:DescribeDBInstances` was denied in eu-west-1: the credentials lack this IAM action"
        );
        assert_eq!(
            explain(&call(Failure::Unsupported, GLOBAL)),
            "`rds:DescribeDBInstances` is unsupported by the endpoint"
        );
        assert_eq!(
            explain(&call(Failure::Failed { message: "timed out, also after the retries".into() }, "us-east-1")),
            "`rds:DescribeDBInstances` failed in us-east-1: timed out, also after the retries"
        );
        let f = AwsFacts { calls: vec![call(Failure::Unsupported, "us-east-1")], ..AwsFacts::default() };
        assert_eq!(f.failures(&[&ops::RDS_DESCRIBE_DB_INSTANCES]).count(), 1);
        assert_eq!(f.failures(&[&ops::RDS_DESCRIBE_DB_CLUSTERS]).count(), 0);
        assert!(!f.answered(&ops::RDS_DESCRIBE_DB_INSTANCES));
    }
}
