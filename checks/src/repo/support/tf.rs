//! Terraform blocks as checks read them: the project's resources and modules (examples and
//! tests apart), literal attributes, labels and evidence.

use crate::facts::RepoFacts;
use crate::facts::terraform::{TfBlock, TfKind, TfValue};
use crate::model::{Evidence, Finding};

pub(crate) fn tf_evidence(b: &TfBlock) -> Evidence {
    Evidence::file(b.path.clone(), Some(b.line))
}

/// "`infra/rds.tf` declares `aws_db_instance.main`".
pub(crate) fn tf_label(b: &TfBlock) -> String {
    format!("`{}` declares `{}`", b.path, b.label())
}

/// " (created only when `count = var.memorystore ? 1 : 0`)" for a resource whose count is an
/// expression, since such a resource may not exist in production.
pub(crate) fn tf_condition(b: &TfBlock) -> String {
    match b.attr("count") {
        Some(TfValue::Expr(e)) if e.contains('?') => format!(" (created only when `count = {e}`)"),
        _ => String::new(),
    }
}

/// Terraform resources of these types, the project's first, then those in examples and tests.
pub(crate) fn tf_resources<'a>(repo: &'a RepoFacts, types: &[&str]) -> (Vec<&'a TfBlock>, Vec<&'a TfBlock>) {
    tf_split(repo, |b| b.kind == TfKind::Resource && types.contains(&b.type_.as_str()))
}

/// Terraform modules whose source contains one of these fragments, split as [`tf_resources`].
pub(crate) fn tf_modules<'a>(repo: &'a RepoFacts, sources: &[&str]) -> (Vec<&'a TfBlock>, Vec<&'a TfBlock>) {
    tf_split(repo, |b| b.kind == TfKind::Module && sources.iter().any(|s| b.type_.contains(s)))
}

fn tf_split(repo: &RepoFacts, pred: impl Fn(&TfBlock) -> bool) -> (Vec<&TfBlock>, Vec<&TfBlock>) {
    repo.terraform.blocks.iter().filter(|b| pred(b)).partition(|b| b.location.is_project())
}

/// A Terraform attribute as a number, when it is a literal.
pub(crate) fn tf_num(b: &TfBlock, path: &str) -> Option<f64> {
    b.attr(path).and_then(TfValue::as_f64)
}

/// A Terraform attribute as text (literal or expression).
pub(crate) fn tf_text(b: &TfBlock, path: &str) -> Option<String> {
    b.attr(path).map(TfValue::text)
}

/// The first attribute named `name` at any depth of the block (nested module inputs).
pub(crate) fn tf_any_key<'a>(b: &'a TfBlock, name: &str) -> Option<&'a TfValue> {
    let suffix = format!(".{name}");
    b.attrs.iter().find(|(k, _)| k == name || k.ends_with(&suffix)).map(|(_, v)| v)
}

/// `unknown` when a Terraform file could not be parsed, so the check cannot say `fail`.
pub(crate) fn tf_unknown(repo: &RepoFacts, question: &str) -> Option<Finding> {
    super::parsed::unreadable(repo, super::parsed::is_tf, question)
}
