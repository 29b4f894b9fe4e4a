//! The check-support layer: what the check families share, each with one behaviour.
//!
//! Checks differ in the question they ask, not in how they read a pod template, name a Helm
//! values file, recognise Redis in an image reference or decide that a file they needed could
//! not be parsed. Those answers live here, once:
//!
//! - [`seen`]: what a check found and where ([`Seen`]), listed and cited the same way everywhere;
//! - [`parsed`]: the ladder "`unknown` if a file this question needs could not be parsed, else
//!   `fail`", for every kind of file a check may need (CI, Terraform, manifests, framework
//!   configuration);
//! - [`k8s`]: pod templates, containers, Helm charts, their values files and sub-charts;
//! - [`products`]: whether an image, a compose service, a chart or a sub-chart runs a product
//!   (`bitnami/redis` is Redis, `acme/redistribution` is not), and where a product runs in the
//!   stack;
//! - [`tf`]: Terraform resources and modules of the project, their attributes and evidence;
//! - [`ci`]: the steps of CI pipelines that use a tool of the catalog in `repo/tools.rs`, the one
//!   place that says what a CI command does.
//!
//! Deliberately absent: judgement. Nothing here decides pass or fail for a question; the helpers
//! return facts and evidence, and the ladder only refuses to call a question `fail` when the
//! file that would answer it was unreadable.

pub(crate) mod ci;
pub(crate) mod k8s;
pub(crate) mod parsed;
pub(crate) mod products;
pub(crate) mod seen;
pub(crate) mod stack;
pub(crate) mod tf;
pub(crate) mod verdict;

pub(crate) use ci::{Hit, automatic, hits, no_pipeline};
pub(crate) use k8s::{
    chart_label, charts_declaring, container_command, containers, obj_evidence, obj_label, objects_of, pod_spec,
    subcharts, values_evidence, values_path, walk,
};
pub(crate) use parsed::{is_ci_path, is_manifest, is_tf, unknown_or_fail, unreadable, unreadable_symfony};
pub(crate) use seen::{
    Seen, cite, describe, doc_hits, examples_only, hit_evidence, list, own_and_other, own_or_examples, signal_hits,
    signal_seen,
};
pub(crate) use stack::{compose_running, dashboards, in_stack, k8s_running, service_evidence};
pub(crate) use tf::{
    tf_any_key, tf_condition, tf_evidence, tf_label, tf_modules, tf_num, tf_resources, tf_text, tf_unknown,
};
pub(crate) use verdict::{Candidate, best_candidate, best_finding, counts, first_evidence, place};
