//! EKS (roadmap item 1.1): clusters with their version, endpoint access, control-plane logging
//! and secrets encryption, their managed node groups, and which Kubernetes versions AWS still
//! supports. `DescribeClusterVersions` is newer than some endpoints (emulators do not have it);
//! without it the checks fall back to a table of support dates.

use super::call::{Ctx, each};
use super::{Res, Tags, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cluster {
    pub res: Res,
    pub status: String,
    pub version: String,
    pub endpoint_public: bool,
    pub endpoint_private: bool,
    /// CIDR blocks allowed to reach a public endpoint (`0.0.0.0/0` when unrestricted).
    pub public_cidrs: Vec<String>,
    /// Control-plane log types switched on (`api`, `audit`, `authenticator`...).
    pub logging: Vec<String>,
    /// Whether Kubernetes secrets are envelope-encrypted with a KMS key.
    pub secrets_encrypted: bool,
    pub nodegroups: Vec<Nodegroup>,
    /// Whether the node groups could be listed.
    pub nodegroups_read: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Nodegroup {
    pub res: Res,
    pub status: String,
    pub min: i32,
    pub max: i32,
    pub desired: i32,
}

/// A Kubernetes version as AWS supports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Version {
    pub version: String,
    /// `STANDARD_SUPPORT`, `EXTENDED_SUPPORT` or `UNSUPPORTED`.
    pub status: String,
    pub end_of_standard_support: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EksFacts {
    pub clusters: Vec<Cluster>,
    pub versions: Vec<Version>,
}

impl EksFacts {
    pub fn absorb(&mut self, other: EksFacts) {
        self.clusters.extend(other.clusters);
        self.versions.extend(other.versions);
    }
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> EksFacts {
    let client = aws_sdk_eks::Client::new(&ctx.config(region));
    let names = ctx
        .call(&ops::EKS_LIST_CLUSTERS, region, client.list_clusters().into_paginator().items().send().try_collect())
        .await;
    let Some(names) = names.filter(|n| !n.is_empty()) else { return EksFacts::default() };
    let versions = ctx
        .call(
            &ops::EKS_DESCRIBE_CLUSTER_VERSIONS,
            region,
            client.describe_cluster_versions().include_all(true).into_paginator().items().send().try_collect(),
        )
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| Version {
            version: v.cluster_version().unwrap_or_default().to_string(),
            status: v.version_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            // a day is enough: `2025-03-23`
            end_of_standard_support: v
                .end_of_standard_support_date()
                .map(|d| d.to_string().split('T').next().unwrap_or_default().to_string()),
        })
        .collect();
    let clusters = each(names, |name| {
        let (ctx, client, region) = (Arc::clone(ctx), client.clone(), region.to_string());
        async move { cluster(&ctx, &client, &region, name).await }
    })
    .await;
    EksFacts { clusters: clusters.into_iter().flatten().collect(), versions }
}

async fn cluster(ctx: &Arc<Ctx>, client: &aws_sdk_eks::Client, region: &str, name: String) -> Option<Cluster> {
    let out = ctx.call(&ops::EKS_DESCRIBE_CLUSTER, region, client.describe_cluster().name(&name).send()).await?;
    let c = out.cluster()?;
    let vpc = c.resources_vpc_config();
    let mut logging: Vec<String> = c
        .logging()
        .map(|l| l.cluster_logging())
        .unwrap_or_default()
        .iter()
        .filter(|s| s.enabled() == Some(true))
        .flat_map(|s| s.types().iter().map(|t| t.as_str().to_string()))
        .collect();
    logging.sort();
    logging.dedup();
    let mut cluster = Cluster {
        res: Res {
            tags: Some(
                c.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Tags>()).unwrap_or_default(),
            ),
            ..Res::new(region, c.name().unwrap_or(&name), c.arn())
        },
        status: c.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
        version: c.version().unwrap_or_default().to_string(),
        endpoint_public: vpc.is_some_and(|v| v.endpoint_public_access()),
        endpoint_private: vpc.is_some_and(|v| v.endpoint_private_access()),
        public_cidrs: vpc.map(|v| v.public_access_cidrs().to_vec()).unwrap_or_default(),
        logging,
        secrets_encrypted: c.encryption_config().iter().any(|e| e.resources().iter().any(|r| r == "secrets")),
        nodegroups: Vec::new(),
        nodegroups_read: false,
    };
    let groups = ctx
        .call(
            &ops::EKS_LIST_NODEGROUPS,
            region,
            client.list_nodegroups().cluster_name(&name).into_paginator().items().send().try_collect(),
        )
        .await;
    if let Some(groups) = groups {
        cluster.nodegroups_read = true;
        let found = each(groups, |group| {
            let (ctx, client, region, name) = (Arc::clone(ctx), client.clone(), region.to_string(), name.clone());
            async move {
                let out = ctx
                    .call(
                        &ops::EKS_DESCRIBE_NODEGROUP,
                        &region,
                        client.describe_nodegroup().cluster_name(&name).nodegroup_name(&group).send(),
                    )
                    .await?;
                let n = out.nodegroup()?;
                let scaling = n.scaling_config();
                Some(Nodegroup {
                    res: Res {
                        tags: Some(
                            n.tags()
                                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                                .unwrap_or_default(),
                        ),
                        ..Res::new(&region, n.nodegroup_name().unwrap_or(&group), n.nodegroup_arn())
                    },
                    status: n.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    min: scaling.and_then(|s| s.min_size()).unwrap_or(0),
                    max: scaling.and_then(|s| s.max_size()).unwrap_or(0),
                    desired: scaling.and_then(|s| s.desired_size()).unwrap_or(0),
                })
            }
        })
        .await;
        cluster.nodegroups = found.into_iter().flatten().collect();
    }
    Some(cluster)
}
