//! RDS (roadmap item 1.2): database instances and Aurora clusters with what makes them
//! production-grade (engine, replicas, backup retention, Multi-AZ, storage encryption, deletion
//! protection), and RDS Proxy for connection pooling. Tags come with the describe calls.

use super::call::Ctx;
use super::{Res, Tags, ops};
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Instance {
    pub res: Res,
    pub engine: String,
    pub engine_version: String,
    pub status: String,
    pub class: String,
    pub multi_az: bool,
    pub backup_retention_days: i32,
    pub encrypted: bool,
    pub deletion_protection: bool,
    /// The instance this one replicates, when it is a read replica.
    pub replica_of: Option<String>,
    /// Read replicas of this instance (instances and clusters).
    pub replicas: Vec<String>,
    /// The Aurora cluster this instance belongs to.
    pub cluster: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cluster {
    pub res: Res,
    pub engine: String,
    pub status: String,
    pub multi_az: bool,
    pub backup_retention_days: i32,
    pub encrypted: bool,
    pub deletion_protection: bool,
    /// Member instances, and whether each is the writer.
    pub members: Vec<(String, bool)>,
    pub replica_of: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Proxy {
    pub res: Res,
    pub engine_family: String,
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RdsFacts {
    pub instances: Vec<Instance>,
    pub clusters: Vec<Cluster>,
    pub proxies: Vec<Proxy>,
}

impl RdsFacts {
    pub fn absorb(&mut self, other: RdsFacts) {
        self.instances.extend(other.instances);
        self.clusters.extend(other.clusters);
        self.proxies.extend(other.proxies);
    }
}

fn tags(list: &[aws_sdk_rds::types::Tag]) -> Option<Tags> {
    Some(list.iter().filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string()))).collect())
}

pub async fn collect(ctx: &Arc<Ctx>, region: &str) -> RdsFacts {
    let client = aws_sdk_rds::Client::new(&ctx.config(region));
    let (instances, clusters, proxies) = tokio::join!(
        ctx.call(
            &ops::RDS_DESCRIBE_DB_INSTANCES,
            region,
            client.describe_db_instances().into_paginator().items().send().try_collect(),
        ),
        ctx.call(
            &ops::RDS_DESCRIBE_DB_CLUSTERS,
            region,
            client.describe_db_clusters().into_paginator().items().send().try_collect(),
        ),
        ctx.call(
            &ops::RDS_DESCRIBE_DB_PROXIES,
            region,
            client.describe_db_proxies().into_paginator().items().send().try_collect(),
        ),
    );
    RdsFacts {
        instances: instances
            .unwrap_or_default()
            .iter()
            .map(|i| Instance {
                res: Res {
                    tags: tags(i.tag_list()),
                    ..Res::new(region, i.db_instance_identifier().unwrap_or_default(), i.db_instance_arn())
                },
                engine: i.engine().unwrap_or_default().to_string(),
                engine_version: i.engine_version().unwrap_or_default().to_string(),
                status: i.db_instance_status().unwrap_or_default().to_string(),
                class: i.db_instance_class().unwrap_or_default().to_string(),
                multi_az: i.multi_az().unwrap_or(false),
                backup_retention_days: i.backup_retention_period().unwrap_or(0),
                encrypted: i.storage_encrypted().unwrap_or(false),
                deletion_protection: i.deletion_protection().unwrap_or(false),
                replica_of: i.read_replica_source_db_instance_identifier().map(str::to_string),
                replicas: i
                    .read_replica_db_instance_identifiers()
                    .iter()
                    .chain(i.read_replica_db_cluster_identifiers())
                    .cloned()
                    .collect(),
                cluster: i.db_cluster_identifier().map(str::to_string),
            })
            .collect(),
        clusters: clusters
            .unwrap_or_default()
            .iter()
            .map(|c| Cluster {
                res: Res {
                    tags: tags(c.tag_list()),
                    ..Res::new(region, c.db_cluster_identifier().unwrap_or_default(), c.db_cluster_arn())
                },
                engine: c.engine().unwrap_or_default().to_string(),
                status: c.status().unwrap_or_default().to_string(),
                multi_az: c.multi_az().unwrap_or(false),
                backup_retention_days: c.backup_retention_period().unwrap_or(0),
                encrypted: c.storage_encrypted().unwrap_or(false),
                deletion_protection: c.deletion_protection().unwrap_or(false),
                members: c
                    .db_cluster_members()
                    .iter()
                    .map(|m| {
                        (
                            m.db_instance_identifier().unwrap_or_default().to_string(),
                            m.is_cluster_writer().unwrap_or(false),
                        )
                    })
                    .collect(),
                replica_of: c.replication_source_identifier().map(str::to_string),
            })
            .collect(),
        proxies: proxies
            .unwrap_or_default()
            .iter()
            .map(|p| Proxy {
                res: Res::new(region, p.db_proxy_name().unwrap_or_default(), p.db_proxy_arn()),
                engine_family: p.engine_family().unwrap_or_default().to_string(),
                status: p.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            })
            .collect(),
    }
}
