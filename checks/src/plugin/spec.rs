//! The files of a pack, read into a [`Pack`] with every problem at its file, line and column.
//!
//! `pack.toml` names the pack; every other `*.toml` file of the folder lists checks:
//!
//! ```toml
//! [[checks]]
//! id = "acme.ci.deploy_tool_runs"        # <pack>.<...>, lower case
//! item = "6.1"                           # the roadmap item it counts for
//! title = "Our deploy tool runs in CI"
//! weight = 2                             # default 1
//! rationale = "..."
//! remediation = "..."
//! rule.query = { path = "ci.pipelines[*].jobs[*].steps[*].run", matches = '(?-u:\b)acme-deploy(?-u:\b)' }
//! # or: policy = "deploy.rego"
//! # optional: when.file_exists = { files = "**/*.tf" }   (not assessed where it does not hold)
//! ```
//!
//! Unknown keys are errors, as are ids outside the pack's namespace or already taken, globs and
//! regular expressions that do not compile (or compile too large), paths that do not parse, and
//! policies that are not files of the pack folder or do not parse. Nothing here reads a file: the
//! caller hands over the texts ([`crate::facts::packs`] reads the folder).

/// Largest weight a pack's check may declare (the roadmap's own bound).
pub const MAX_PACK_WEIGHT: f64 = 1000.0;
use super::path::Path;
use super::rule::{Compare, Files, NumOp, Query, Rule};
use super::{Body, Diagnostic, Messages, Pack, PackCheck, PackError, rego};
use crate::check::Source;
use crate::facts::scan::PACK_PATTERN_SIZE_LIMIT;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// The manifest's file name.
pub const MANIFEST: &str = "pack.toml";

/// Prefixes of built-in checks: no pack may be named so.
pub const RESERVED: &[&str] = &["repo", "aws", "live", "maturity"];

/// Deepest rule (`all` inside `any` inside `not`...).
const MAX_RULE_DEPTH: usize = 16;
/// Longest regular expression accepted, in characters.
const MAX_PATTERN_CHARS: usize = 2_000;
/// Longest id.
const MAX_ID: usize = 120;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    pack: Spanned<RawPackMeta>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackMeta {
    name: Spanned<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    id: Spanned<String>,
    item: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    source: Option<Spanned<String>>,
    rationale: Spanned<String>,
    remediation: Spanned<String>,
    #[serde(default)]
    rule: Option<Spanned<RawRule>>,
    #[serde(default)]
    policy: Option<Spanned<String>>,
    #[serde(default)]
    messages: Option<RawMessages>,
    /// The check applies only where this rule holds; elsewhere it is not assessed.
    #[serde(default)]
    when: Option<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessages {
    pass: Option<String>,
    partial: Option<String>,
    fail: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    file_exists: Option<Spanned<RawFiles>>,
    content: Option<Spanned<RawContent>>,
    query: Option<Spanned<RawQuery>>,
    all: Option<Spanned<Vec<Spanned<RawRule>>>>,
    any: Option<Spanned<Vec<Spanned<RawRule>>>>,
    not: Option<Box<Spanned<RawRule>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    files: Spanned<Globs>,
    #[serde(rename = "in", default)]
    locations: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContent {
    files: Spanned<Globs>,
    pattern: Spanned<String>,
    #[serde(rename = "in", default)]
    locations: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    path: Spanned<String>,
    equals: Option<toml::Value>,
    matches: Option<Spanned<String>>,
    gt: Option<f64>,
    gte: Option<f64>,
    lt: Option<f64>,
    lte: Option<f64>,
    #[serde(default)]
    every: bool,
    at_least: Option<Spanned<u32>>,
}

/// One glob or a list of them.
struct Globs(Vec<String>);

impl<'de> Deserialize<'de> for Globs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Globs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a glob or a list of globs")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Globs, E> {
                Ok(Globs(vec![s.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Globs, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Globs(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Diagnostics of one file.
struct Diags<'a> {
    file: &'a str,
    text: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl Diags<'_> {
    fn at(&self, offset: usize) -> (u32, u32) {
        line_col(self.text, offset)
    }

    fn error(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        let (line, column) = self.at(span.start);
        self.out.push(Diagnostic { file: self.file.to_string(), line, column, message: message.into() });
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = crate::text::head(text, offset.min(text.len()));
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32 + 1;
    (line, col)
}

/// `dir/name` as shown in messages and origins.
pub fn shown(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." { name.to_string() } else { format!("{dir}/{name}") }
}

/// Reads a pack from the texts of its folder's files (`*.toml` and `*.rego`, by file name).
/// `dir` is the folder as the user gave it; `taken` says whether an id already exists (a
/// built-in check or another pack's).
pub fn parse(dir: &str, texts: &BTreeMap<String, String>, taken: &dyn Fn(&str) -> bool) -> Result<Pack, PackError> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let Some(manifest) = texts.get(MANIFEST) else {
        return Err(PackError {
            diagnostics: vec![Diagnostic {
                file: shown(dir, MANIFEST),
                line: 1,
                column: 1,
                message: format!(
                    "not a check pack: `{MANIFEST}` is missing (it names the pack: `[pack]` `name = \"acme\"`)"
                ),
            }],
        });
    };
    let manifest_file = shown(dir, MANIFEST);
    let (name, description) = {
        let mut d = Diags { file: &manifest_file, text: manifest, out: &mut out };
        match toml::from_str::<RawManifest>(manifest) {
            Ok(m) => {
                let meta = m.pack.into_inner();
                let n = meta.name.get_ref().clone();
                if !valid_segment(&n) {
                    d.error(meta.name.span(), format!("the pack name `{n}` must be lower-case ASCII letters, digits and `_`, starting with a letter"));
                    (String::new(), None)
                } else if RESERVED.contains(&n.as_str()) {
                    d.error(meta.name.span(), format!("the pack name `{n}` is reserved for built-in checks"));
                    (String::new(), None)
                } else {
                    (n, meta.description)
                }
            }
            Err(e) => {
                d.error(e.span().unwrap_or(0..0), e.message().trim().to_string());
                (String::new(), None)
            }
        }
    };
    let mut checks = Vec::new();
    let mut seen = HashSet::new();
    for (file_name, text) in texts.iter().filter(|(n, _)| n.ends_with(".toml") && n.as_str() != MANIFEST) {
        let file = shown(dir, file_name);
        let mut d = Diags { file: &file, text, out: &mut out };
        let raw: RawFile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                d.error(e.span().unwrap_or(0..0), e.message().trim().to_string());
                continue;
            }
        };
        if raw.checks.is_empty() {
            d.error(0..0, "the file declares no checks (`[[checks]]`)");
        }
        for c in raw.checks {
            let line = d.at(c.span().start).0;
            if let Some(check) = check(c.into_inner(), &name, dir, texts, &mut d, &mut warnings, taken, &mut seen) {
                checks.push(PackCheck { line, ..check });
            }
        }
    }
    if out.is_empty() && checks.is_empty() {
        out.push(Diagnostic {
            file: shown(dir, MANIFEST),
            line: 1,
            column: 1,
            message: "the pack has no checks: add a `*.toml` file with `[[checks]]` beside `pack.toml`".into(),
        });
    }
    if !out.is_empty() {
        out.sort();
        out.dedup();
        return Err(PackError { diagnostics: out });
    }
    Ok(Pack { name, description, dir: dir.to_string(), checks, warnings })
}

fn valid_segment(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[allow(clippy::too_many_arguments)]
fn check(
    c: RawCheck,
    pack: &str,
    dir: &str,
    texts: &BTreeMap<String, String>,
    d: &mut Diags,
    warnings: &mut Vec<Diagnostic>,
    taken: &dyn Fn(&str) -> bool,
    seen: &mut HashSet<String>,
) -> Option<PackCheck> {
    let before = d.out.len();
    let id = c.id.get_ref().clone();
    let segments: Vec<&str> = id.split('.').collect();
    if id.len() > MAX_ID || segments.len() < 2 || !segments.iter().all(|s| valid_segment(s)) {
        d.error(
            c.id.span(),
            format!("the id `{}` must be `{pack}.<name>`: dot-separated lower-case ASCII words (`{pack}.ci.deploy_tool_runs`)", crate::model::clip(&id, 80)),
        );
    } else if !pack.is_empty() && segments[0] != pack {
        // (no name: `pack.toml` did not load, and its own error says why, once)
        d.error(c.id.span(), format!("the id `{id}` must start with the pack's name: `{pack}.`"));
    } else if taken(&id) || !seen.insert(id.clone()) {
        d.error(c.id.span(), format!("the id `{id}` is already taken by another check"));
    }
    if c.item.get_ref().trim().is_empty() {
        d.error(c.item.span(), "`item` names no roadmap item");
    }
    for (what, s) in [("title", &c.title), ("rationale", &c.rationale), ("remediation", &c.remediation)] {
        if s.get_ref().trim().is_empty() {
            d.error(s.span(), format!("`{what}` is empty"));
        }
    }
    let weight = match &c.weight {
        // the bound a roadmap's weights have, so a pack cannot outweigh a whole roadmap
        Some(w) if !(w.get_ref().is_finite() && *w.get_ref() > 0.0 && *w.get_ref() <= MAX_PACK_WEIGHT) => {
            d.error(
                w.span(),
                format!("`weight` must be a number above 0 and at most {MAX_PACK_WEIGHT}, not {}", w.get_ref()),
            );
            1.0
        }
        Some(w) => *w.get_ref(),
        None => 1.0,
    };
    let source = match c.source.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("repository", _)) => Source::Repository,
        Some(("aws", _)) => Source::Aws,
        Some(("url", _)) => Source::Url,
        Some((other, span)) => {
            d.error(span, format!("`source` is `{other}`: expected repository, aws or url"));
            Source::Repository
        }
    };
    let mut n = 0;
    let when = c.when.map(|w| rule(w, &id, 0, &mut n, d, warnings));
    let body = match (c.rule, c.policy) {
        (Some(r), None) => rule(r, &id, 0, &mut n, d, warnings).map(Body::Rule),
        (None, Some(p)) => policy(&p, dir, texts, d).map(Body::Policy),
        (Some(r), Some(_)) => {
            d.error(r.span(), "a check has a `rule` or a `policy`, not both");
            None
        }
        (None, None) => {
            d.error(c.id.span(), format!("the check `{id}` has neither a `rule` nor a `policy`"));
            None
        }
    };
    let item_at = d.at(c.item.span().start);
    let messages = c.messages.map(|m| Messages { pass: m.pass, partial: m.partial, fail: m.fail }).unwrap_or_default();
    if d.out.len() > before {
        return None;
    }
    Some(PackCheck {
        id,
        title: c.title.into_inner().trim().to_string(),
        source,
        rationale: c.rationale.into_inner().trim().to_string(),
        remediation: c.remediation.into_inner().trim().to_string(),
        item: c.item.into_inner().trim().to_string(),
        weight,
        file: d.file.to_string(),
        line: 0,
        item_at,
        pack: pack.to_string(),
        messages,
        when: when.flatten(),
        body: body?,
    })
}

fn rule(
    r: Spanned<RawRule>,
    id: &str,
    depth: usize,
    patterns: &mut usize,
    d: &mut Diags,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    let span = r.span();
    if depth > MAX_RULE_DEPTH {
        d.error(span, format!("the rule is nested deeper than {MAX_RULE_DEPTH} levels"));
        return None;
    }
    let r = r.into_inner();
    let given = [
        r.file_exists.is_some(),
        r.content.is_some(),
        r.query.is_some(),
        r.all.is_some(),
        r.any.is_some(),
        r.not.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if given != 1 {
        d.error(
            span,
            format!(
                "a rule has exactly one of file_exists, content, query, all, any, not ({})",
                if given == 0 { "none given".to_string() } else { format!("{given} given") }
            ),
        );
        return None;
    }
    if let Some(f) = r.file_exists {
        let f = f.into_inner();
        return files(f.files, f.locations, d).map(Rule::FileExists);
    }
    if let Some(c) = r.content {
        let c = c.into_inner();
        let files = files(c.files, c.locations, d);
        let regex = pattern(&c.pattern, d, warnings);
        let pattern_id = format!("{id}#{patterns}");
        *patterns += 1;
        return Some(Rule::Content { pattern: pattern_id, regex: regex?, files: files? });
    }
    if let Some(q) = r.query {
        return query(q, d, warnings).map(Rule::Query);
    }
    let parts = |list: Spanned<Vec<Spanned<RawRule>>>,
                 what: &str,
                 d: &mut Diags,
                 warnings: &mut Vec<Diagnostic>,
                 patterns: &mut usize| {
        let span = list.span();
        let list = list.into_inner();
        if list.is_empty() {
            d.error(span, format!("`{what}` lists no rules"));
            return None;
        }
        let rules: Vec<Option<Rule>> =
            list.into_iter().map(|p| rule(p, id, depth + 1, patterns, d, warnings)).collect();
        rules.into_iter().collect::<Option<Vec<Rule>>>()
    };
    if let Some(all) = r.all {
        return parts(all, "all", d, warnings, patterns).map(Rule::All);
    }
    if let Some(any) = r.any {
        return parts(any, "any", d, warnings, patterns).map(Rule::Any);
    }
    let inner = r.not?;
    rule(*inner, id, depth + 1, patterns, d, warnings).map(|x| Rule::Not(Box::new(x)))
}

fn files(globs: Spanned<Globs>, locations: Option<Spanned<Vec<String>>>, d: &mut Diags) -> Option<Files> {
    let span = globs.span();
    let globs = globs.into_inner().0;
    if globs.is_empty() {
        d.error(span.clone(), "`files` lists no glob");
    }
    let mut builder = globset::GlobSetBuilder::new();
    let mut ok = !globs.is_empty();
    for g in &globs {
        match globset::GlobBuilder::new(g).literal_separator(true).build() {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => {
                d.error(span.clone(), format!("the glob `{g}` does not compile: {}", e.kind()));
                ok = false;
            }
        }
        if g.starts_with('/') || g.split('/').any(|s| s == "..") {
            d.error(span.clone(), format!("the glob `{g}` must be relative to the repository root, without `..`"));
            ok = false;
        }
    }
    let locations = match locations {
        None => vec!["project".to_string()],
        Some(l) => {
            let span = l.span();
            let l = l.into_inner();
            if l.is_empty() || l.iter().any(|x| !matches!(x.as_str(), "project" | "test")) {
                d.error(span, "`in` lists `project` and/or `test`: examples, fixtures and vendored code never count as the project's practice");
                ok = false;
            }
            l
        }
    };
    let set = builder.build();
    match set {
        Ok(set) if ok => Some(Files { globs, set, locations }),
        Ok(_) => None,
        Err(e) => {
            d.error(span, format!("the globs do not compile: {e}"));
            None
        }
    }
}

/// A content pattern: compiled as the scan will compile it, within its size limit.
fn pattern(p: &Spanned<String>, d: &mut Diags, warnings: &mut Vec<Diagnostic>) -> Option<String> {
    let text = p.get_ref();
    if text.is_empty() {
        d.error(p.span(), "the pattern is empty");
        return None;
    }
    if text.chars().count() > MAX_PATTERN_CHARS {
        d.error(p.span(), format!("the pattern is longer than {MAX_PATTERN_CHARS} characters"));
        return None;
    }
    let scanned = crate::facts::scan::ContentPattern { id: String::new(), regex: text.clone(), globs: Vec::new() };
    if let Err(e) = regex::bytes::RegexBuilder::new(&scanned.compiled()).size_limit(PACK_PATTERN_SIZE_LIMIT).build() {
        d.error(p.span(), regex_error(&e));
        return None;
    }
    if unicode_classes(text) {
        let (line, column) = d.at(p.span().start);
        warnings.push(Diagnostic {
            file: d.file.to_string(),
            line,
            column,
            message: format!(
                "`{}` uses a Unicode-aware `\\b`, `\\w`, `\\d` or `\\s`: on non-ASCII text (translations) that makes the whole scan several times slower; write `(?-u:\\b)`, or start the pattern with `(?-u)`",
                crate::model::clip(text, 60)
            ),
        });
    }
    Some(text.clone())
}

fn regex_error(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(limit) => {
            format!(
                "the pattern compiles larger than the limit of {} KiB: simplify it (bounded repetitions such as `{{1000}}` multiply its size)",
                limit / 1024
            )
        }
        other => {
            let said = other.to_string();
            let last = said.lines().last().unwrap_or("").trim();
            format!("the pattern does not compile: {}", last.strip_prefix("error: ").unwrap_or(last))
        }
    }
}

/// Whether a pattern uses a Unicode-aware class outside an `(?-u...)` group (a heuristic).
fn unicode_classes(p: &str) -> bool {
    if p.starts_with("(?-u)") {
        return false;
    }
    let mut chars = p.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\'
            && let Some((_, n)) = chars.next()
            && matches!(n, 'b' | 'B' | 'w' | 'W' | 'd' | 'D' | 's' | 'S')
            && !p.get(..i).unwrap_or("").ends_with("(?-u:")
        {
            return true;
        }
    }
    false
}

fn query(q: Spanned<RawQuery>, d: &mut Diags, warnings: &mut Vec<Diagnostic>) -> Option<Query> {
    let span = q.span();
    let q = q.into_inner();
    let path = match Path::parse(q.path.get_ref()) {
        Ok(p) => Some(p),
        Err(e) => {
            // the path's text starts after its opening quote
            let at = q.path.span().start + 1 + e.offset;
            d.error(at..at, format!("the path `{}` does not parse: {e}", q.path.get_ref()));
            None
        }
    };
    let mut compares = Vec::new();
    if let Some(v) = q.equals {
        match serde_json::to_value(&v) {
            Ok(v) => compares.push(Compare::Equals(v)),
            Err(e) => d.error(span.clone(), format!("`equals` cannot be compared: {e}")),
        }
    }
    if let Some(m) = &q.matches
        && let Some(p) = pattern(m, d, warnings)
    {
        match regex::RegexBuilder::new(&p).size_limit(PACK_PATTERN_SIZE_LIMIT).build() {
            Ok(re) => compares.push(Compare::Matches(re)),
            Err(e) => d.error(m.span(), regex_error(&e)),
        }
    }
    for (op, v) in [(NumOp::Gt, q.gt), (NumOp::Gte, q.gte), (NumOp::Lt, q.lt), (NumOp::Lte, q.lte)] {
        if let Some(v) = v {
            compares.push(Compare::Number(op, v));
        }
    }
    if compares.len() > 1 {
        d.error(span, "a query compares with one of equals, matches, gt, gte, lt, lte (or none: the value is set)");
        return None;
    }
    let at_least = match q.at_least {
        Some(n) if *n.get_ref() == 0 => {
            d.error(n.span(), "`at_least` must be 1 or more");
            None
        }
        Some(n) => Some(*n.get_ref() as usize),
        None => None,
    };
    Some(Query { path: path?, compare: compares.pop().unwrap_or(Compare::Exists), every: q.every, at_least })
}

fn policy(p: &Spanned<String>, dir: &str, texts: &BTreeMap<String, String>, d: &mut Diags) -> Option<rego::Policy> {
    let name = p.get_ref();
    if name.contains('/') || name.contains('\\') || name.starts_with('.') || !name.ends_with(".rego") {
        d.error(
            p.span(),
            format!(
                "the policy `{name}` must be a `.rego` file of the pack's folder, named without a path (`deploy.rego`)"
            ),
        );
        return None;
    }
    let Some(text) = texts.get(name) else {
        d.error(p.span(), format!("the policy `{name}` is not a file of the pack's folder"));
        return None;
    };
    let file = shown(dir, name);
    match rego::Policy::load(&file, text) {
        Ok(policy) => Some(policy),
        Err(e) => {
            d.out.push(Diagnostic { file, line: e.line, column: e.column, message: e.message });
            None
        }
    }
}

#[cfg(test)]
mod tests;
