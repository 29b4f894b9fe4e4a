//! Terraform (and OpenTofu) configuration: resources, modules and provider settings.
//!
//! `.tf` files are parsed with hcl-rs. Each `resource`, `module` and `data` block becomes a
//! [`TfBlock`] whose attributes are flattened to dotted paths (`default_cache_behavior.
//! viewer_protocol_policy`) with their literal value when the expression is a literal, or the
//! expression text otherwise (`var.retention`): nothing is evaluated. Provider `default_tags`
//! are kept so cost checks can tell tagged infrastructure from untagged.

use super::Problem;
use super::files::{FileIndex, Location};
use hcl::{Body, Expression};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TfValue {
    Bool(bool),
    Number(f64),
    String(String),
    /// A non-literal expression (reference, function call...), as written.
    Expr(String),
}

impl TfValue {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            TfValue::Bool(b) => Some(*b),
            TfValue::String(s) if s == "true" => Some(true),
            TfValue::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            TfValue::Number(n) => Some(*n),
            TfValue::String(s) => s.parse().ok(),
            _ => None,
        }
    }
    pub fn text(&self) -> String {
        match self {
            TfValue::Bool(b) => b.to_string(),
            TfValue::Number(n) => n.to_string(),
            TfValue::String(s) | TfValue::Expr(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TfKind {
    Resource,
    Data,
    Module,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TfBlock {
    pub kind: TfKind,
    /// Resource type (`aws_db_instance`); for modules, the module `source`.
    pub type_: String,
    pub name: String,
    pub path: String,
    pub line: u32,
    pub location: Location,
    /// Flattened attributes; nested blocks contribute `block.attr` paths, repeated blocks repeat.
    pub attrs: Vec<(String, TfValue)>,
}

impl TfBlock {
    /// The first value at this dotted path.
    pub fn attr(&self, path: &str) -> Option<&TfValue> {
        self.attrs.iter().find(|(k, _)| k == path).map(|(_, v)| v)
    }

    /// Every value at this dotted path (repeated nested blocks).
    pub fn attrs_at<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a TfValue> + 'a {
        self.attrs.iter().filter(move |(k, _)| k == path).map(|(_, v)| v)
    }

    pub fn has(&self, path: &str) -> bool {
        self.attrs.iter().any(|(k, _)| k == path || k.starts_with(&format!("{path}.")))
    }

    pub fn is_true(&self, path: &str) -> bool {
        self.attr(path).and_then(TfValue::as_bool) == Some(true)
    }

    pub fn label(&self) -> String {
        match self.kind {
            TfKind::Module => format!("module.{}", self.name),
            _ => format!("{}.{}", self.type_, self.name),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TerraformFacts {
    pub blocks: Vec<TfBlock>,
    /// `provider` blocks with `default_tags`, by provider name and file.
    pub default_tags: Vec<(String, String, u32)>,
    pub files: usize,
    /// Default values of `variable` blocks, and `locals`, so names like `var.cluster_name` can
    /// be matched with what is deployed (nothing else is evaluated).
    pub variables: Vec<(String, TfValue)>,
    pub locals: Vec<(String, TfValue)>,
}

impl TerraformFacts {
    /// Project resources of these types.
    pub fn resources<'a>(&'a self, types: &'a [&'a str]) -> impl Iterator<Item = &'a TfBlock> + 'a {
        self.blocks
            .iter()
            .filter(move |b| b.kind == TfKind::Resource && types.contains(&b.type_.as_str()) && b.location.is_project())
    }

    /// Project modules whose source contains one of these fragments (`terraform-aws-modules/eks`).
    pub fn modules<'a>(&'a self, sources: &'a [&'a str]) -> impl Iterator<Item = &'a TfBlock> + 'a {
        self.blocks.iter().filter(move |b| {
            b.kind == TfKind::Module && sources.iter().any(|s| b.type_.contains(s)) && b.location.is_project()
        })
    }
}

pub fn collect(files: &FileIndex, problems: &mut Vec<Problem>) -> TerraformFacts {
    let mut out = TerraformFacts::default();
    for (i, e) in files.entries().iter().enumerate() {
        if !e.path.ends_with(".tf")
            || matches!(e.location, Location::Vendored | Location::Fixture)
            || e.path.contains("/.terraform/")
        {
            continue;
        }
        let Some(text) = files.text(i) else { continue };
        out.files += 1;
        // the HCL parser recurses once per nesting level: refuse what would overflow its stack
        if let Some(line) = crate::text::too_deep(text, crate::text::MAX_NESTING) {
            problems.push(Problem {
                path: e.path.clone(),
                line: Some(line),
                message: format!("nested deeper than {} levels; not read", crate::text::MAX_NESTING),
            });
            continue;
        }
        let body = match super::guard(|| hcl::parse(text)) {
            Ok(Ok(b)) => b,
            Ok(Err(err)) => {
                problems.push(Problem {
                    path: e.path.clone(),
                    line: None,
                    message: format!("invalid HCL: {}", first_line(&err.to_string())),
                });
                continue;
            }
            Err(panic) => {
                problems.push(Problem {
                    path: e.path.clone(),
                    line: None,
                    message: format!("the HCL parser failed: {panic}"),
                });
                continue;
            }
        };
        read_body(&e.path, e.location, text, &body, &mut out);
    }
    out
}

fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim().to_string()
}

static HEADER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(?m)^[ \t]*(resource|data|module|provider)[ \t]+"([^"\n]*)"(?:[ \t]+"([^"\n]*)")?"#)
        .expect("valid")
});

/// Where every block header of a file ends, found in one pass: `resource "type" "name"` → offset.
fn header_offsets(text: &str) -> std::collections::HashMap<String, usize> {
    let mut out = std::collections::HashMap::new();
    for c in HEADER.captures_iter(text) {
        let (Some(all), Some(kind), Some(first)) = (c.get(0), c.get(1), c.get(2)) else { continue };
        let key = match c.get(3) {
            Some(second) => format!("{} \"{}\" \"{}\"", kind.as_str(), first.as_str(), second.as_str()),
            None => format!("{} \"{}\"", kind.as_str(), first.as_str()),
        };
        out.entry(key).or_insert(all.end());
    }
    out
}

fn read_body(path: &str, location: Location, text: &str, body: &Body, out: &mut TerraformFacts) {
    let headers = header_offsets(text);
    let lines = crate::text::LineIndex::new(text);
    let line_of = |key: &str| headers.get(key).map(|&at| lines.line(at)).unwrap_or(1);
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        let (kind, type_, name) = match (block.identifier(), labels.as_slice()) {
            ("resource", [t, n]) => (TfKind::Resource, t.to_string(), n.to_string()),
            ("data", [t, n]) => (TfKind::Data, t.to_string(), n.to_string()),
            ("module", [n]) => {
                let source = block
                    .body()
                    .attributes()
                    .find(|a| a.key() == "source")
                    .map(|a| literal(a.expr()).text())
                    .unwrap_or_default();
                (TfKind::Module, source, n.to_string())
            }
            ("provider", [p]) => {
                if block.body().blocks().any(|b| b.identifier() == "default_tags") {
                    // the first `default_tags` after the provider's header (its own block)
                    let line = headers
                        .get(&format!("provider \"{p}\""))
                        .and_then(|&at| text.get(at..)?.find("default_tags").map(|k| lines.line(at + k)))
                        .unwrap_or(1);
                    out.default_tags.push((p.to_string(), path.to_string(), line));
                }
                continue;
            }
            ("variable", [n]) => {
                if !location.is_project() {
                    continue;
                }
                if let Some(d) = block.body().attributes().find(|a| a.key() == "default") {
                    out.variables.push((n.to_string(), literal(d.expr())));
                }
                continue;
            }
            ("locals", []) => {
                if !location.is_project() {
                    continue;
                }
                out.locals.extend(block.body().attributes().map(|a| (a.key().to_string(), literal(a.expr()))));
                continue;
            }
            _ => continue,
        };
        let needle = match kind {
            TfKind::Resource => format!("resource \"{type_}\" \"{name}\""),
            TfKind::Data => format!("data \"{type_}\" \"{name}\""),
            TfKind::Module => format!("module \"{name}\""),
        };
        let line = line_of(&needle);
        let mut attrs = Vec::new();
        flatten("", block.body(), &mut attrs, 0);
        out.blocks.push(TfBlock { kind, type_, name, path: path.to_string(), line, location, attrs });
    }
}

fn flatten(prefix: &str, body: &Body, out: &mut Vec<(String, TfValue)>, depth: usize) {
    if depth > 8 {
        return;
    }
    for a in body.attributes() {
        let key = if prefix.is_empty() { a.key().to_string() } else { format!("{prefix}.{}", a.key()) };
        flatten_expr(&key, a.expr(), out, depth);
    }
    for b in body.blocks() {
        let key = if prefix.is_empty() { b.identifier().to_string() } else { format!("{prefix}.{}", b.identifier()) };
        // keep a marker so `has("listener")` sees empty blocks too
        out.push((key.clone(), TfValue::Expr("{block}".into())));
        flatten(&key, b.body(), out, depth + 1);
    }
}

fn flatten_expr(key: &str, expr: &Expression, out: &mut Vec<(String, TfValue)>, depth: usize) {
    match expr {
        // `tags = { Name = "x" }` and `eks_managed_node_groups = { default = {...} }`
        Expression::Object(obj) if depth < 8 => {
            out.push((key.to_string(), TfValue::Expr("{object}".into())));
            for (k, v) in obj.iter() {
                let k = k.to_string().trim_matches('"').to_string();
                flatten_expr(&format!("{key}.{k}"), v, out, depth + 1);
            }
        }
        other => out.push((key.to_string(), literal(other))),
    }
}

fn literal(expr: &Expression) -> TfValue {
    match expr {
        Expression::Bool(b) => TfValue::Bool(*b),
        Expression::Number(n) => n.as_f64().map(TfValue::Number).unwrap_or_else(|| TfValue::Expr(n.to_string())),
        Expression::String(s) => TfValue::String(s.clone()),
        Expression::Parenthesis(inner) => literal(inner),
        other => TfValue::Expr(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_modules_and_tags() {
        let tf = r#"
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Project = "shop" }
  }
}

resource "aws_db_instance" "main" {
  engine                  = "mysql"
  multi_az                = true
  backup_retention_period = 14
  storage_encrypted       = var.encrypt
}

# resource "aws_db_instance" "old" { engine = "mysql" }

resource "aws_cloudfront_distribution" "cdn" {
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
  tags = { Name = "cdn" }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"
  eks_managed_node_groups = {
    default = { min_size = 2, max_size = 6 }
  }
}
"#;
        let idx = FileIndex::from_memory(&[
            ("infra/main.tf", tf),
            ("infra/broken.tf", "resource \"x\" {"),
            ("examples/x/main.tf", "resource \"aws_eks_cluster\" \"e\" {}\n"),
        ]);
        let mut problems = Vec::new();
        let f = collect(&idx, &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(f.default_tags, vec![("aws".to_string(), "infra/main.tf".to_string(), 4)]);
        let db = f.resources(&["aws_db_instance"]).next().unwrap();
        assert_eq!(db.line, 9);
        assert!(db.is_true("multi_az"));
        assert_eq!(db.attr("backup_retention_period").and_then(TfValue::as_f64), Some(14.0));
        assert_eq!(db.attr("storage_encrypted"), Some(&TfValue::Expr("var.encrypt".into())));
        assert_eq!(f.resources(&["aws_db_instance"]).count(), 1, "the commented-out block is not a resource");
        let cdn = f.resources(&["aws_cloudfront_distribution"]).next().unwrap();
        assert_eq!(
            cdn.attr("default_cache_behavior.viewer_protocol_policy").map(TfValue::text).as_deref(),
            Some("redirect-to-https")
        );
        assert!(cdn.has("tags"));
        let eks = f.modules(&["terraform-aws-modules/eks"]).next().unwrap();
        assert_eq!(eks.name, "eks");
        assert!(eks.has("eks_managed_node_groups"));
        assert_eq!(eks.attr("eks_managed_node_groups.default.max_size").and_then(TfValue::as_f64), Some(6.0));
        assert_eq!(f.resources(&["aws_eks_cluster"]).count(), 0, "examples are not the project's infrastructure");
    }

    #[test]
    fn variable_defaults_and_locals() {
        let tf = "variable \"env\" {\n  default = \"prod\"\n}\nvariable \"size\" {}\nlocals {\n  name = \"shop-${var.env}\"\n  zone = \"example.com\"\n}\n";
        let mut problems = Vec::new();
        let f = collect(&FileIndex::from_memory(&[("infra/vars.tf", tf)]), &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(f.variables, vec![("env".to_string(), TfValue::String("prod".into()))]);
        assert_eq!(f.locals.iter().find(|(k, _)| k == "zone").map(|(_, v)| v.text()).as_deref(), Some("example.com"));
        assert!(f.locals.iter().any(|(k, v)| k == "name" && v.text().contains("${var.env}")));
    }

    #[test]
    fn nesting_is_bounded_before_the_parser_recurses() {
        // hcl-edit refuses more than 64 levels itself; our bound comes first for anything deeper
        let ok = format!("locals {{\n  key = {}\"値 😀 Ж\"{}\n}}\n", "[".repeat(50), "]".repeat(50));
        let deep = format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(100_000), "]".repeat(100_000));
        let objects = format!("locals {{\n  x = {}1{}\n}}\n", "{a = ".repeat(50_000), "}".repeat(50_000));
        let idx = FileIndex::from_memory(&[("a.tf", &ok), ("b.tf", &deep), ("c.tf", &objects)]);
        let mut problems = Vec::new();
        let f = collect(&idx, &mut problems);
        assert_eq!(f.files, 3);
        let paths: Vec<(&str, Option<u32>)> = problems.iter().map(|p| (p.path.as_str(), p.line)).collect();
        assert_eq!(paths, vec![("b.tf", Some(2)), ("c.tf", Some(2))]);
        assert!(problems[0].message.contains("nested deeper"));
    }
}
