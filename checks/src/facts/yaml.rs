//! YAML documents as a small tree that remembers line numbers.
//!
//! Collectors need two things the YAML crates do not give together: a value tree that is easy to
//! walk (`node.get("jobs")`) and the line each node starts on, so that evidence can point at
//! `ci.yml:42`. We parse with `saphyr` (maintained, YAML 1.2, bounded alias expansion) and copy
//! its marked tree into [`Node`]. Merge keys (`<<: *defaults`), which YAML 1.2 dropped but GitLab
//! CI and docker-compose files use everywhere, are resolved here. Duplicate keys keep the last
//! value, as most YAML consumers do.

use saphyr::Scalar;
use saphyr_parser::{Event, Parser};
use std::fmt;

/// Largest YAML text we parse; anything bigger is not a configuration file.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

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

    /// Nodes in this tree, keys included.
    pub fn size(&self) -> usize {
        size_of(self)
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
    /// The file went over a budget (size, depth, nodes, aliases) rather than being malformed.
    pub limit: bool,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(YamlError {
            line: 0,
            column: 0,
            message: format!("file larger than {MAX_YAML_BYTES} bytes"),
            limit: true,
        });
    }
    let parse = |t: &str| {
        crate::facts::guard(|| parse_inner(t)).unwrap_or_else(|panic| {
            Err(YamlError { line: 0, column: 0, message: format!("the YAML parser failed: {panic}"), limit: false })
        })
    };
    match parse(text) {
        Ok(docs) => Ok(docs),
        Err(e) if e.limit => Err(e),
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
    let mut loader = Loader::default();
    // The parser's iterator is a state machine with an explicit stack; its `load` recurses once
    // per nesting level, which a deeply nested file would turn into a stack overflow.
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            line: e.marker().line() as u32,
            column: e.marker().col() as u32 + 1,
            message: e.info().to_string(),
            limit: false,
        })?;
        loader.on(event, span.start.line() as u32, span.start.col() as u32 + 1)?;
    }
    Ok(loader.docs)
}

/// Collections nested deeper than this make the file a problem (no configuration nests so deep).
pub const MAX_DEPTH: usize = 128;

/// Nodes one stream may build, keys, anchors and alias copies included (a 4 MiB file of real
/// configuration stays far below).
pub const MAX_NODES: usize = 1_000_000;

/// Nodes that aliases may copy in one stream (billion-laughs protection, keys included).
pub const ALIAS_LIMIT: usize = 50_000;

/// A collection being built.
enum Frame {
    Seq { line: u32, anchor: usize, items: Vec<Node> },
    Map { line: u32, anchor: usize, entries: Vec<Entry>, merges: Vec<Node>, key: Option<(String, u32)> },
}

/// Builds [`Node`]s from parser events under the budgets above.
#[derive(Default)]
struct Loader {
    stack: Vec<Frame>,
    docs: Vec<Node>,
    /// Anchored nodes by the parser's anchor id, with their size in nodes.
    anchors: std::collections::HashMap<usize, (Node, usize)>,
    nodes: usize,
    aliased: usize,
}

impl Loader {
    fn on(&mut self, event: Event<'_>, line: u32, column: u32) -> Result<(), YamlError> {
        let err = |message: String| YamlError { line, column, message, limit: true };
        match event {
            Event::Scalar(v, style, anchor, tag) => {
                let value = match saphyr::Scalar::parse_from_cow_and_metadata(v.clone(), style, tag.as_ref()) {
                    Some(s) => scalar(&s),
                    None => Value::Str(v.into_owned()),
                };
                self.count(1).map_err(err)?;
                self.finish(Node { line, value }, anchor, 1).map_err(err)?;
            }
            Event::Alias(id) => {
                let (node, size) = self.anchors.get(&id).cloned().unwrap_or((Node { line, value: Value::Null }, 1));
                self.aliased += size;
                if self.aliased > ALIAS_LIMIT {
                    return Err(err(format!("aliases expand to more than {ALIAS_LIMIT} nodes")));
                }
                self.count(size).map_err(err)?;
                self.finish(node, 0, size).map_err(err)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(err(format!("collections nested deeper than {MAX_DEPTH} levels")));
                }
                self.count(1).map_err(err)?;
                self.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq { line, anchor, items: Vec::new() },
                    _ => Frame::Map { line, anchor, entries: Vec::new(), merges: Vec::new(), key: None },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq { line, anchor, items }) => (Node { line, value: Value::Seq(items) }, anchor),
                    Some(Frame::Map { line, anchor, entries, merges, .. }) => {
                        (Node { line, value: Value::Map(merged(entries, merges)) }, anchor)
                    }
                    None => return Ok(()),
                };
                let size = if anchor == 0 { 0 } else { size_of(&node) };
                self.finish(node, anchor, size).map_err(err)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize) -> Result<(), String> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(format!("more than {MAX_NODES} nodes"));
        }
        Ok(())
    }

    /// Places a finished node in its parent (or as a document), remembering it under its anchor.
    fn finish(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), String> {
        if anchor != 0 {
            // the copy kept for aliases counts against the budget like any other node
            self.count(size)?;
            self.anchors.insert(anchor, (node.clone(), size.max(1)));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, merges, key, .. }) => match key.take() {
                None => *key = Some((key_text(&node), node.line)),
                Some((k, _)) if k == "<<" => merges.push(node),
                Some((k, line)) => entries.push(Entry { key: k, line, value: node }),
            },
        }
        Ok(())
    }
}

/// Nodes in a tree (depth is bounded by [`MAX_DEPTH`], so the recursion is too).
fn size_of(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(size_of).sum(),
        Value::Map(entries) => entries.iter().map(|e| 1 + size_of(&e.value)).sum(),
        _ => 0,
    }
}

/// Merge keys: explicit entries win, earlier merge sources win over later ones.
fn merged(mut entries: Vec<Entry>, merges: Vec<Node>) -> Vec<Entry> {
    if merges.is_empty() {
        return entries;
    }
    let mut have: std::collections::HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
    for source in merges {
        let sources: Vec<Node> = match source.value {
            Value::Seq(items) => items,
            other => vec![Node { line: source.line, value: other }],
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for e in src_entries {
                    if have.insert(e.key.clone()) {
                        entries.push(e);
                    }
                }
            }
        }
    }
    entries
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

/// A mapping key as text; collections as keys (legal YAML, never configuration) read as "".
fn key_text(k: &Node) -> String {
    match &k.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        // YAML 1.1 reads `on:` as a boolean; YAML 1.2 (saphyr) does not, but be explicit.
        Value::Null => "null".to_string(),
        Value::Seq(_) | Value::Map(_) => String::new(),
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

    /// Hostile streams: each must end quickly with an error (or a bounded tree), never a crash.
    #[test]
    fn hostile_streams_are_refused_within_budgets() {
        let block_nesting: String = (0..20_000).map(|d| format!("{}ключ{d}:\n", " ".repeat(d % 60))).collect();
        let deep_block: String = (0..5_000).map(|d| format!("{}- 😀\n", "  ".repeat(d))).collect();
        let deep_flow = format!("a: {}{}", "[".repeat(200_000), "]".repeat(200_000));
        let deep_map = format!("a: {}{}", "{b: ".repeat(50_000), "}".repeat(50_000));
        // keys are read as text, but the nodes an alias key copies still count
        let mut alias_keys = format!("a0: &a0 [{}]\nm:\n", vec!["中"; 1_000].join(", "));
        for k in 0..100 {
            alias_keys.push_str(&format!("  ? *a0\n  : {k}\n"));
        }
        let many_nodes = "- x\n".repeat(1_100_000);
        for (name, text, limit) in [
            // the scanner has a flow-depth limit of its own, which may trip first
            ("deep flow sequences", deep_flow.as_str(), None),
            ("deep flow mappings", deep_map.as_str(), None),
            ("deep block sequences", deep_block.as_str(), Some(true)),
            ("aliases as keys", alias_keys.as_str(), Some(true)),
            ("too many nodes", many_nodes.as_str(), Some(true)),
        ] {
            let started = std::time::Instant::now();
            let err = parse(text).expect_err(name);
            if let Some(limit) = limit {
                assert_eq!(err.limit, limit, "{name}: {err}");
            }
            assert!(started.elapsed().as_secs() < 10, "{name} took {:?}", started.elapsed());
        }
        // indentation that goes up and down is not nesting: this one parses (or fails on syntax)
        let _ = parse(&block_nesting);
    }

    #[test]
    fn anchors_copied_many_times_count_against_the_budget() {
        let mut text = String::from("base: &b {имя: 値, emoji: 🙂}\n");
        for i in 0..30_000 {
            text.push_str(&format!("j{i}: *b\n"));
        }
        let err = parse(&text).expect_err("30,000 copies of a 3-node anchor");
        assert!(err.message.contains("aliases"), "{err}");
        let ok = one("base: &b {имя: 値}\nx: *b\ny:\n  <<: *b\n  другой: 1\n");
        assert_eq!(ok.at("x.имя").and_then(Node::as_str), Some("値"));
        assert_eq!(ok.at("y.имя").and_then(Node::as_str), Some("値"));
    }

    #[test]
    fn merges_into_large_maps_stay_linear() {
        let mut text = String::from("base: &b\n");
        for i in 0..5_000 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        text.push_str("big:\n  <<: *b\n");
        for i in 0..20_000 {
            text.push_str(&format!("  z{i}: {i}\n"));
        }
        let started = std::time::Instant::now();
        let doc = one(&text);
        assert_eq!(doc.key("big").entries().len(), 25_000);
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn non_ascii_keys_values_and_positions() {
        let doc = one("名前: 値\nМонгол: ᠮᠣᠩᠭᠣᠯ\nemoji: \"😀\"\n");
        assert_eq!(doc.key("Монгол").as_str(), Some("ᠮᠣᠩᠭᠣᠯ"));
        assert_eq!(doc.entries()[2].line, 3);
        assert_eq!(doc.key("emoji").as_str(), Some("😀"));
    }
}
