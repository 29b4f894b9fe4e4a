//! AWS account checks, one file per roadmap item (or family of services).

pub mod cost;
pub mod edge;
pub mod eks;
pub mod elasticache;
pub mod governance;
pub mod obs;
pub mod rds;
pub mod scaling;
