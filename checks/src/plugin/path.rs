//! Paths into the facts document: `ci.pipelines[*].jobs[*].steps[*].run`.
//!
//! A small, closed language so that a TOML rule can point at values without a query engine:
//! dotted keys (`"quoted keys"` when a key holds a dot), `[*]` or `.*` for every element of a
//! list or value of an object, `[N]` for one element, and `[key=value]` / `[key!=value]` to keep
//! the objects of a list whose `key` is (or is not) that scalar. Selecting walks the document and
//! keeps, for every value found, the nearest object on the way that names a file (`path`, and
//! `line` when it has one), so a rule's evidence can point at `ci.yml:12` instead of a JSON path.

use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Key(String),
    /// Every element of a list, or every value of an object.
    All,
    Index(usize),
    /// Objects of a list whose `key` renders as `value` (or does not, with `equal: false`).
    Filter {
        key: String,
        value: String,
        equal: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub text: String,
    pub segments: Vec<Segment>,
}

/// A value found by a path, with the file it belongs to when the document says.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub value: &'a Value,
    pub file: Option<(&'a str, Option<u32>)>,
}

/// Why a path does not parse, with the byte offset in the path text.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

static NULL: Value = Value::Null;

/// Longest path accepted, in segments: the document is not deeper than this.
const MAX_SEGMENTS: usize = 32;

impl Path {
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let err = |offset: usize, message: String| Err(PathError { offset, message });
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut segments = Vec::new();
        let mut i = 0;
        let mut expect_key = true;
        while i < chars.len() {
            let (at, c) = chars[i];
            match c {
                '.' if !expect_key => {
                    expect_key = true;
                    i += 1;
                    continue;
                }
                '[' => {
                    let Some(close) = chars[i..].iter().position(|(_, c)| *c == ']').map(|p| p + i) else {
                        return err(at, "`[` is not closed".into());
                    };
                    let inner: String = chars[i + 1..close].iter().map(|(_, c)| c).collect();
                    let inner = inner.trim();
                    segments.push(if inner == "*" {
                        Segment::All
                    } else if let Ok(n) = inner.parse::<usize>() {
                        Segment::Index(n)
                    } else if let Some((k, v)) = inner.split_once("!=") {
                        Segment::Filter { key: k.trim().into(), value: unquote(v.trim()), equal: false }
                    } else if let Some((k, v)) = inner.split_once('=') {
                        Segment::Filter { key: k.trim().into(), value: unquote(v.trim()), equal: true }
                    } else {
                        return err(at, format!("`[{inner}]`: expected `[*]`, `[N]` or `[key=value]`"));
                    });
                    if let Some(Segment::Filter { key, .. }) = segments.last()
                        && key.is_empty()
                    {
                        return err(at, format!("`[{inner}]`: the filter names no key"));
                    }
                    i = close + 1;
                    expect_key = false;
                    continue;
                }
                _ if !expect_key => return err(at, format!("expected `.` or `[` before `{c}`")),
                '"' => {
                    let Some(close) = chars[i + 1..].iter().position(|(_, c)| *c == '"').map(|p| p + i + 1) else {
                        return err(at, "a quoted key is not closed".into());
                    };
                    segments.push(Segment::Key(chars[i + 1..close].iter().map(|(_, c)| c).collect()));
                    i = close + 1;
                }
                '*' => {
                    segments.push(Segment::All);
                    i += 1;
                }
                _ => {
                    let start = i;
                    while i < chars.len() && !matches!(chars[i].1, '.' | '[' | ']' | '"' | ' ') {
                        i += 1;
                    }
                    if i == start {
                        return err(at, format!("unexpected `{c}`"));
                    }
                    segments.push(Segment::Key(chars[start..i].iter().map(|(_, c)| c).collect()));
                }
            }
            expect_key = false;
        }
        if segments.is_empty() {
            return err(0, "the path is empty".into());
        }
        if expect_key {
            return err(text.len(), "the path ends with `.`".into());
        }
        if segments.len() > MAX_SEGMENTS {
            return err(0, format!("the path has more than {MAX_SEGMENTS} segments"));
        }
        Ok(Path { text: text.to_string(), segments })
    }

    /// The first key: the section of the document the path reads.
    pub fn section(&self) -> Option<&str> {
        match self.segments.first() {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// The second key, when the path reads `providers.NAME`.
    pub fn second_key(&self) -> Option<&str> {
        match self.segments.get(1) {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Every value the path selects in `doc`, in document order. A key that an object lacks
    /// selects `null` (so `services[*].owner` says which service has none); nothing goes on from
    /// a `null` but further keys.
    pub fn select<'a>(&self, doc: &'a Value) -> Vec<Found<'a>> {
        let mut current = vec![Found { value: doc, file: file_of(doc) }];
        for seg in &self.segments {
            let mut next = Vec::new();
            for f in current {
                let mut push = |v: &'a Value| next.push(Found { value: v, file: file_of(v).or(f.file) });
                match (seg, f.value) {
                    (Segment::Key(k), Value::Object(m)) => push(m.get(k).unwrap_or(&NULL)),
                    (Segment::Key(_), Value::Null) => push(&NULL),
                    (Segment::All, Value::Array(items)) => items.iter().for_each(&mut push),
                    (Segment::All, Value::Object(m)) => m.values().for_each(&mut push),
                    (Segment::Index(n), Value::Array(items)) => {
                        if let Some(v) = items.get(*n) {
                            push(v);
                        }
                    }
                    (Segment::Filter { key, value, equal }, Value::Array(items)) => items
                        .iter()
                        .filter(|v| v.get(key).and_then(scalar).is_some_and(|s| (s == *value) == *equal))
                        .for_each(&mut push),
                    _ => {}
                }
            }
            current = next;
        }
        current
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s).to_string()
}

/// A scalar rendered as text (`true`, `3`, `main`); `None` for lists, objects and null.
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The file an object of the document describes: its `path`, and its `line` when it has one.
fn file_of(v: &Value) -> Option<(&str, Option<u32>)> {
    let path = v.get("path")?.as_str()?;
    let line = v.get("line").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok());
    Some((path, line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "ci": {"pipelines": [{"path": ".github/workflows/ci.yml", "jobs": [
                {"id": "test", "line": 5, "path": ".github/workflows/ci.yml", "steps": [{"line": 7, "path": ".github/workflows/ci.yml", "run": "cargo test"}]},
                {"id": "deploy", "line": 9, "path": ".github/workflows/ci.yml", "steps": [{"line": 12, "path": ".github/workflows/ci.yml", "run": "acme-deploy"}, {"line": 13, "path": ".github/workflows/ci.yml", "uses": "x"}]}
            ]}]},
            "terraform": {"blocks": [
                {"kind": "module", "path": "main.tf", "line": 1, "attributes": {"version": "5.0.0", "tags.Name": "web"}},
                {"kind": "resource", "path": "db.tf", "line": 3, "attributes": {"engine": "mysql"}}
            ]},
            "providers": {"деплой": {"ok": true, "facts": {"services": {"a": {"owner": "x"}, "b": {}}}}}
        })
    }

    /// A selected value, and the file and line it came from.
    type Selected = (String, Option<(String, Option<u32>)>);

    fn values(path: &str) -> Vec<Selected> {
        let d = doc();
        Path::parse(path)
            .unwrap()
            .select(&d)
            .into_iter()
            .map(|f| (f.value.to_string(), f.file.map(|(p, l)| (p.to_string(), l))))
            .collect()
    }

    #[test]
    fn paths_select_values_with_their_file() {
        let ci = |l| Some((".github/workflows/ci.yml".to_string(), Some(l)));
        for (path, want) in [
            (
                "ci.pipelines[*].jobs[*].steps[*].run",
                vec![
                    ("\"cargo test\"".to_string(), ci(7)),
                    ("\"acme-deploy\"".to_string(), ci(12)),
                    ("null".to_string(), ci(13)),
                ],
            ),
            ("ci.pipelines[0].jobs[id=deploy].line", vec![("9".to_string(), ci(9))]),
            ("ci.pipelines.*.jobs[id!=deploy].id", vec![("\"test\"".to_string(), ci(5))]),
            (
                "terraform.blocks[kind=module].attributes.\"tags.Name\"",
                vec![("\"web\"".to_string(), Some(("main.tf".to_string(), Some(1))))],
            ),
            ("providers.деплой.facts.services[*].owner", vec![("\"x\"".to_string(), None), ("null".to_string(), None)]),
            ("terraform.nothing[*]", vec![]),
            ("terraform.nothing.deeper", vec![("null".to_string(), None)]),
            ("ci.pipelines[7]", vec![]),
        ] {
            assert_eq!(values(path), want, "{path}");
        }
    }

    #[test]
    fn bad_paths_say_where() {
        for (path, offset) in [
            ("", 0),
            ("ci.", 3),
            ("ci[", 2),
            ("ci[x]", 2),
            ("ci..jobs", 3),
            ("ci[=x]", 2),
            ("\"open", 0),
            ("ci jobs", 2),
        ] {
            let e = Path::parse(path).unwrap_err();
            assert_eq!(e.offset, offset, "{path}: {e}");
        }
        assert!(Path::parse(&vec!["a"; 40].join(".")).is_err());
    }
}
