//! YAML documents as a small tree that remembers line numbers.
//!
//! Collectors need two things the YAML crates do not give together: a value tree that is easy to
//! walk (`node.get("jobs")`) and the line each node starts on, so that evidence can point at
//! `ci.yml:42`. We parse with `saphyr` (maintained, YAML 1.2, bounded alias expansion) and copy
//! its marked tree into [`Node`]. Merge keys (`<<: *defaults`), which YAML 1.2 dropped but GitLab
//! CI and docker-compose files use everywhere, are resolved here. Duplicate keys keep the last
//! value, as most YAML consumers do.

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::Parser;
use std::fmt;

/// Largest YAML text we parse; anything bigger is not a configuration file.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// Upper bound on nodes produced by aliases (billion-laughs protection).
const ALIAS_LIMIT: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line where the node starts.
    pub line: u32,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are scalars rendered as text.
    Map(Vec<Entry>),
}

/// A mapping entry: its key, the line of the key, and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: u32,
    pub value: Node,
}

static NULL: Node = Node { line: 0, value: Value::Null };

impl Node {
    /// The value at `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().rev().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }

    /// Follows a dotted path of mapping keys: `spec.objectives`.
    pub fn at(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// Like [`Node::get`] but yields a null node when absent, for chaining.
    pub fn key(&self, key: &str) -> &Node {
        self.get(key).unwrap_or(&NULL)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Any scalar rendered as text (`true`, `3`, `0.999`, `main`).
    pub fn scalar(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().trim_end_matches('%').trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// Entries of a mapping; empty for anything else.
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// A scalar or a sequence of scalars, as a list of strings (`on: push` or `on: [push, pull_request]`).
    pub fn strings(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar).collect(),
            _ => self.scalar().into_iter().collect(),
        }
    }
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(YamlError { line: 0, column: 0, message: format!("file larger than {MAX_YAML_BYTES} bytes") });
    }
    let parse = |t: &str| {
        crate::facts::guard(|| parse_inner(t)).unwrap_or_else(|panic| {
            Err(YamlError { line: 0, column: 0, message: format!("the YAML parser failed: {panic}") })
        })
    };
    match parse(text) {
        Ok(docs) => Ok(docs),
        Err(e) => match lenient(text) {
            // libyaml and Go's yaml (docker compose, kubectl) accept a flow collection closed at its
            // key's indentation; YAML 1.2 does not. Read such files as those tools do.
            Some(repaired) => parse(&repaired).map_err(|_| e),
            None => Err(e),
        },
    }
}

/// The text with lines holding only closing brackets indented two more spaces (same line
/// count, so positions stay right); `None` when there is no such line.
fn lenient(text: &str) -> Option<String> {
    let closing = |l: &str| {
        let t = l.trim();
        !t.is_empty() && t.chars().all(|c| matches!(c, ']' | '}' | ',' | ' '))
    };
    if !text.lines().any(closing) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        if closing(line) {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    Some(out)
}

fn parse_inner(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    loader.allow_duplicate_keys(true);
    loader.alias_limit(ALIAS_LIMIT);
    let to_err = |e: &saphyr::ScanError| YamlError {
        line: e.marker().line() as u32,
        column: e.marker().col() as u32 + 1,
        message: e.info().to_string(),
    };
    parser.load(&mut loader, true).map_err(|e| to_err(&e))?;
    if let Some(e) = loader.error() {
        return Err(to_err(e));
    }
    Ok(loader.into_documents().iter().map(|d| convert(d, 0)).collect())
}

/// Nesting deeper than this is treated as null (protects the converter's stack).
const MAX_DEPTH: usize = 200;

fn convert(node: &MarkedYaml<'_>, depth: usize) -> Node {
    let line = node.span.start.line() as u32;
    if depth > MAX_DEPTH {
        return Node { line, value: Value::Null };
    }
    let value = match &node.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(s, _, _) => Value::Str(s.to_string()),
        YamlData::Sequence(items) => Value::Seq(items.iter().map(|n| convert(n, depth + 1)).collect()),
        YamlData::Mapping(map) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(map.len());
            let mut merges: Vec<Node> = Vec::new();
            for (k, v) in map.iter() {
                let key = key_text(k);
                let value = convert(v, depth + 1);
                if key == "<<" {
                    merges.push(value);
                } else {
                    entries.push(Entry { key, line: k.span.start.line() as u32, value });
                }
            }
            // Merge keys: explicit entries win, earlier merge sources win over later ones.
            for source in merges {
                let sources: Vec<Node> = match source.value {
                    Value::Seq(items) => items,
                    other => vec![Node { line: source.line, value: other }],
                };
                for src in sources {
                    if let Value::Map(src_entries) = src.value {
                        for e in src_entries {
                            if !entries.iter().any(|have| have.key == e.key) {
                                entries.push(e);
                            }
                        }
                    }
                }
            }
            Value::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert(inner, depth + 1),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    Node { line, value }
}

fn scalar(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Int(*i),
        Scalar::FloatingPoint(f) => Value::Float(f.into_inner()),
        Scalar::String(s) => Value::Str(s.to_string()),
    }
}

fn key_text(k: &MarkedYaml<'_>) -> String {
    match &k.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(Scalar::Integer(i)) => i.to_string(),
        YamlData::Value(Scalar::FloatingPoint(f)) => f.into_inner().to_string(),
        YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
        // YAML 1.1 reads `on:` as a boolean; YAML 1.2 (saphyr) does not, but be explicit.
        YamlData::Value(Scalar::Null) => "null".to_string(),
        YamlData::Representation(s, _, _) => s.to_string(),
        YamlData::Tagged(_, inner) => key_text(inner),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        parse(text).expect("valid yaml").remove(0)
    }

    #[test]
    fn remembers_lines() {
        let doc = one("name: ci\non:\n  pull_request:\njobs:\n  test:\n    runs-on: ubuntu\n");
        assert_eq!(doc.get("jobs").unwrap().line, 5);
        assert_eq!(doc.at("jobs.test").unwrap().line, 6);
        let keys: Vec<(&str, u32)> = doc.entries().iter().map(|e| (e.key.as_str(), e.line)).collect();
        assert_eq!(keys, vec![("name", 1), ("on", 2), ("jobs", 4)]);
        assert_eq!(doc.key("on").entries()[0].line, 3);
        assert!(doc.get("on").is_some(), "`on` stays a string key in YAML 1.2");
    }

    #[test]
    fn scalars_and_lists() {
        let doc = one("a: [push, pull_request]\nb: push\nc: 0.999\nd: '99.9%'\ne: true\n");
        assert_eq!(doc.key("a").strings(), vec!["push", "pull_request"]);
        assert_eq!(doc.key("b").strings(), vec!["push"]);
        assert_eq!(doc.key("c").as_f64(), Some(0.999));
        assert_eq!(doc.key("d").as_f64(), Some(99.9));
        assert_eq!(doc.key("e").as_bool(), Some(true));
        assert!(doc.key("missing").is_null());
    }

    #[test]
    fn merge_keys_are_resolved() {
        let doc = one(".base: &base\n  image: php\n  script: [phpunit]\ntest:\n  <<: *base\n  image: php:8.3\n");
        let test = doc.get("test").unwrap();
        assert_eq!(test.key("image").as_str(), Some("php:8.3"), "explicit key wins");
        assert_eq!(test.key("script").strings(), vec!["phpunit"]);
    }

    #[test]
    fn multiple_documents() {
        let docs = parse("kind: A\n---\nkind: B\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].key("kind").as_str(), Some("B"));
        assert_eq!(docs[1].line, 3);
    }

    #[test]
    fn broken_input_gives_positioned_errors() {
        for (name, text) in [
            ("unclosed flow", "a: [1, 2\nb: 3\n"),
            ("bad indentation", "a:\n  b: 1\n c: 2\n"),
            ("tab indentation", "a:\n\tb: 1\n"),
        ] {
            let err = parse(text).expect_err(name);
            assert!(err.line >= 1, "{name}: {err}");
        }
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        assert!(parse(&text).is_err());
    }

    #[test]
    fn flow_collections_closed_at_the_key_indentation_are_read_as_compose_does() {
        let doc = one(
            "services:\n  flagd:\n    command: [\n      \"start\",\n      \"--uri\"\n    ]\n    ports:\n      - \"8013\"\n",
        );
        let flagd = doc.at("services.flagd").unwrap();
        assert_eq!(flagd.key("command").strings(), vec!["start", "--uri"]);
        assert_eq!(flagd.get("ports").unwrap().line, 8);
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        assert_eq!(one("a: 1\na: 2\n").key("a").as_f64(), Some(2.0));
    }
}
