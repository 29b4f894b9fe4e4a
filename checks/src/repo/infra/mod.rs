//! Infrastructure checks (roadmap items 1.1 Kubernetes, 1.2 databases, 1.3 caching, 1.4 load
//! balancing and CDN), one file per family: `iac.rs` (the cluster as code), `k8s.rs` (workloads
//! and RBAC), `db.rs`, `cache.rs`, `edge.rs`. The database and cache families also hold their
//! performance questions (5.1 indexes and query monitoring, 5.2 caching strategy).
//!
//! They judge declared infrastructure: Terraform resources and modules, Kubernetes objects, Helm
//! charts (their `values.yaml` and the kinds their templates declare) and compose services, before
//! any content-scan signal. What lives under examples or tests is never the project's production
//! setup and scores at most `partial`. The helpers they share live in `repo::support`.

pub mod cache;
pub mod db;
pub mod edge;
pub mod iac;
pub mod k8s;
