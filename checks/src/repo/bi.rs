//! Business intelligence (roadmap item 7.2): data pipelines, a warehouse, and dashboards of
//! business metrics, each judged on its own: a dashboard is not a warehouse.
//!
//! The evidence is mostly infrastructure: Terraform resources (warehouses, ETL jobs), what runs in
//! the stack (Metabase, Superset, ClickHouse, Airflow), pipeline code (DAGs, dbt projects) and
//! Grafana dashboards whose queries read business metrics.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::files::Location;
use crate::facts::terraform::TfKind;
use crate::model::{Finding, clip};
use crate::repo::support::{
    Seen, cite, dashboards, describe, examples_only, in_stack, is_tf, own_and_other, unknown_or_fail,
};

const ETL_RESOURCES: &[&str] = &[
    "aws_glue_job",
    "aws_glue_crawler",
    "aws_glue_workflow",
    "aws_datapipeline_pipeline",
    "aws_sfn_state_machine",
    "aws_mwaa_environment",
    "aws_emr_cluster",
    "aws_emrserverless_application",
    "google_dataflow_job",
    "google_composer_environment",
    "azurerm_data_factory_pipeline",
    "azurerm_data_factory",
    "databricks_job",
];

pub struct DataPipelines;

impl Check for DataPipelines {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.bi.data_pipelines",
            title: "Data pipelines feed analytics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Business questions are answered from data that has been extracted, cleaned and modelled on a schedule; pipelines as code (DAGs, dbt models, ETL jobs) make that data reproducible and reviewable.",
            remediation: "Define data pipelines as code: Airflow, Dagster or Prefect DAGs, a dbt project for the models, or managed ETL (Glue, Dataflow, Data Factory) in Terraform, feeding a warehouse.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen: Vec<Seen> = repo
            .scan
            .hits("bi.orchestration")
            .map(|h| Seen::hit(format!("pipeline code `{}`", clip(h.text.trim(), 50)), h))
            .collect();
        for e in
            repo.files.entries().iter().filter(|e| e.name() == "dbt_project.yml" && e.location != Location::Vendored)
        {
            seen.push(Seen::new("dbt project", &e.path, None, e.location));
        }
        for b in repo.terraform.resources(ETL_RESOURCES) {
            seen.push(Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location));
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("data pipelines are defined: {}", describe(&own))).with(cite(&own));
        }
        let engines = in_stack(repo, &["airflow", "dagster", "prefect", "spark", "nifi"]);
        let (engines, _) = own_and_other(&engines);
        if !engines.is_empty() {
            return Finding::partial(
                0.4,
                format!("a pipeline engine runs in the stack but no pipeline is defined: {}", describe(&engines)),
            )
            .with(cite(&engines));
        }
        if !other.is_empty() {
            return examples_only(&other, "data pipelines");
        }
        unknown_or_fail(
            repo,
            is_tf,
            "data pipelines are defined",
            "no data pipeline found (looked for Airflow, Dagster, Prefect and Luigi code, dbt_project.yml, and Glue, Data Pipeline, Step Functions, EMR, Dataflow and Data Factory in Terraform)",
        )
    }
}

const WAREHOUSES: &[&str] = &[
    "aws_redshift_cluster",
    "aws_redshiftserverless_workgroup",
    "aws_athena_workgroup",
    "aws_athena_database",
    "google_bigquery_dataset",
    "google_bigquery_table",
    "azurerm_synapse_workspace",
    "databricks_sql_endpoint",
];

/// Analytical databases run beside the project.
const ANALYTICAL_DBS: &[&str] = &["clickhouse", "clickhouse-server", "druid", "pinot", "duckdb"];

/// Tools that chart business data.
const BI_TOOLS: &[&str] = &["metabase", "superset", "redash", "lightdash", "cube", "cubejs"];

pub struct Warehouse;

impl Check for Warehouse {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.bi.warehouse",
            title: "A data warehouse holds the business data",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Business questions (revenue by segment, conversion over time) need the data of every service in one store built for analytical queries, not the production databases.",
            remediation: "Provision a warehouse as code (Redshift, BigQuery, Snowflake, Athena, Synapse, Databricks SQL) or run an analytical database (ClickHouse), and load it from the ETL pipelines.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen: Vec<Seen> = repo
            .terraform
            .blocks
            .iter()
            .filter(|b| {
                b.kind == TfKind::Resource
                    && (WAREHOUSES.contains(&b.type_.as_str()) || b.type_.starts_with("snowflake_"))
            })
            .map(|b| Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location))
            .collect();
        seen.extend(in_stack(repo, ANALYTICAL_DBS));
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("a warehouse holds business data: {}", describe(&own))).with(cite(&own));
        }
        if !other.is_empty() {
            return examples_only(&other, "a data warehouse");
        }
        unknown_or_fail(
            repo,
            is_tf,
            "a data warehouse exists",
            "no data warehouse found (looked for Redshift, Athena, BigQuery, Snowflake, Synapse and Databricks SQL in Terraform, and ClickHouse, Druid and Pinot in the stack)",
        )
    }
}

pub struct BusinessDashboards;

impl Check for BusinessDashboards {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.bi.business_dashboards",
            title: "Dashboards show business metrics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Decisions about features and pricing need business numbers (orders, revenue, conversion) in front of the people who make them; technical dashboards show that the system is up, not whether it is useful.",
            remediation: "Build dashboards of business metrics (orders, revenue, sign-ups, conversion) in Grafana next to the technical ones, or run a BI tool (Metabase, Superset) over the warehouse.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = in_stack(repo, BI_TOOLS);
        let boards = dashboards(repo);
        for h in repo.scan.hits("dash.business_metric") {
            if boards.iter().any(|b| b.path == h.path) {
                seen.push(Seen::hit(format!("dashboard of a business metric (`{}`)", clip(h.text.trim(), 60)), h));
            }
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("business data is charted: {}", describe(&own))).with(cite(&own));
        }
        let (own_boards, other_boards) = own_and_other(&boards);
        if !own_boards.is_empty() {
            return Finding::partial(0.3, format!("only technical dashboards were found: {}", describe(&own_boards)))
                .with(cite(&own_boards));
        }
        let mut other = other;
        other.extend(other_boards);
        if !other.is_empty() {
            return examples_only(&other, "a business dashboard");
        }
        Finding::fail(
            "no business dashboard found (looked for Grafana dashboards querying orders, revenue, sign-ups and the like, and Metabase, Superset, Redash, Lightdash and Cube in the stack)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::service_table as table;

    #[test]
    fn data_pipelines() {
        table(
            &DataPipelines,
            vec![
                ("airflow dag", vec![("dags/orders.py", "from airflow import DAG\n")], Status::Pass),
                ("dbt", vec![("analytics/dbt_project.yml", "name: shop\n")], Status::Pass),
                (
                    "glue",
                    vec![("infra/etl.tf", "resource \"aws_glue_job\" \"orders\" {\n  name = \"orders\"\n}\n")],
                    Status::Pass,
                ),
                (
                    "airflow image only",
                    vec![("compose.yaml", "services:\n  airflow:\n    image: apache/airflow:2.9\n")],
                    Status::Partial,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    const DASHBOARD_TECH: &str = "{\n  \"panels\": [\n    {\"targets\": [{\n      \"expr\": \"rate(http_requests_total[5m])\"\n    }]}\n  ],\n  \"schemaVersion\": 39\n}\n";
    const DASHBOARD_BIZ: &str = "{\n  \"panels\": [\n    {\"targets\": [{\n      \"expr\": \"sum(increase(shop_orders_total[1d]))\"\n    }]}\n  ],\n  \"schemaVersion\": 39\n}\n";

    #[test]
    fn warehouse() {
        table(
            &Warehouse,
            vec![
                (
                    "redshift",
                    vec![(
                        "infra/dw.tf",
                        "resource \"aws_redshift_cluster\" \"dw\" {\n  node_type = \"ra3.xlplus\"\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "snowflake",
                    vec![("infra/sf.tf", "resource \"snowflake_warehouse\" \"bi\" {\n  name = \"BI\"\n}\n")],
                    Status::Pass,
                ),
                (
                    "clickhouse",
                    vec![("compose.yaml", "services:\n  olap:\n    image: clickhouse/clickhouse-server:24\n")],
                    Status::Pass,
                ),
                (
                    "example only",
                    vec![("examples/dw/main.tf", "resource \"aws_redshift_cluster\" \"dw\" {\n}\n")],
                    Status::Partial,
                ),
                ("a dashboard is not a warehouse", vec![("grafana/shop.json", DASHBOARD_BIZ)], Status::Fail),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn business_dashboards() {
        table(
            &BusinessDashboards,
            vec![
                (
                    "metabase",
                    vec![("compose.yaml", "services:\n  metabase:\n    image: metabase/metabase\n")],
                    Status::Pass,
                ),
                ("business dashboard", vec![("grafana/shop.json", DASHBOARD_BIZ)], Status::Pass),
                ("technical dashboard", vec![("grafana/http.json", DASHBOARD_TECH)], Status::Partial),
                (
                    "a warehouse is not a dashboard",
                    vec![("infra/dw.tf", "resource \"aws_redshift_cluster\" \"dw\" {\n}\n")],
                    Status::Fail,
                ),
                ("none", vec![], Status::Fail),
            ],
        );
    }
}
