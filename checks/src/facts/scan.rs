//! The content scan: every evidence pattern matched against every source file in one pass.
//!
//! Some evidence only exists in code: an OpenTelemetry SDK being initialised, a feature flag
//! being evaluated, a header being set. Each such [`Signal`] is a regular expression with the file
//! names it applies to. All signals are compiled into one `RegexSet`, each file is read once (from
//! the index's cache when a collector already read it, otherwise read and dropped) and matched
//! once; only for the signals that matched is the file searched again, for line numbers.
//!
//! What is skipped: vendored code, binary and oversized files (over 1 MiB a source file is
//! generated or minified), lockfiles (a lockfile mention is not use) and minified bundles. Each hit
//! records whether its line is a comment, because commented-out code is not code.
//!
//! The content rules of check packs ([`ContentPattern`]) join the same set for the audit that
//! loads them, so a pack adds patterns to the one pass instead of a pass of its own; their hits
//! are kept by pattern id in [`ScanFacts::pack_hits`].
//!
//! With a [`Memo`], each file's hits are remembered with its size and timestamps, and a file
//! that has not changed since (under the same patterns) is not read again: a re-audit scans only
//! the files that changed.

use super::Progress;
use super::files::{FileIndex, Location};
use super::memo::Memo;
use super::signals::{SIGNALS, Signal};
use crate::text::LineIndex;
use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use regex::bytes::{Regex, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// Source files larger than this are generated or minified: not scanned.
pub const MAX_SCAN_BYTES: u64 = 1024 * 1024;

/// The lazy DFA's cache for the set of all signals, per thread. With a hundred patterns matched
/// together the default (a few MiB) fills on large repositories, and rebuilding states then costs
/// more than the search itself.
const DFA_CACHE: usize = 64 << 20;

/// Hits kept per signal and file.
const HITS_PER_FILE: usize = 5;

/// One file's scan: files read, bytes read, hits by signal index, the failure if it failed, and
/// whether it came from the memo.
type FileScan = (usize, u64, Vec<(usize, Hit)>, Option<String>, bool);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub file: usize,
    pub path: String,
    pub line: u32,
    /// The matching line, trimmed and clipped.
    pub text: String,
    /// The line is a comment (`//`, `#`, `/*`, `*`, `<!--`, `--`, `;`).
    pub commented: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanFacts {
    /// Hits per signal, in [`SIGNALS`] order.
    hits: Vec<Vec<Hit>>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
    /// Files whose hits came from the memo of an earlier audit (unchanged since).
    pub files_remembered: usize,
    /// Hits of the check packs' content patterns, by pattern id, commented lines included.
    pub pack_hits: BTreeMap<String, Vec<Hit>>,
}

/// A content rule of a check pack, matched in the scan beside the signals.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentPattern {
    /// `<check id>#<n>`: where its hits are kept.
    pub id: String,
    /// A regular expression the pack loader already compiled within its size limits; matched
    /// per line (`^` and `$` are line anchors).
    pub regex: String,
    /// Globs on the relative path (`*` stays within a folder, `**` crosses folders).
    pub globs: Vec<String>,
}

impl ContentPattern {
    /// The pattern as the scan compiles it.
    pub fn compiled(&self) -> String {
        format!("(?m){}", self.regex)
    }
}

/// Compiled size allowed for one pack pattern (the signals are well below it).
pub const PACK_PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Compiled size allowed for the signals' set (the `regex` crate's default), to which each pack
/// pattern adds its own limit.
const SET_SIZE_LIMIT: usize = 10 << 20;

impl ScanFacts {
    /// Live (not commented-out) hits of a signal, in path order.
    pub fn hits(&self, id: &str) -> impl Iterator<Item = &Hit> {
        let i = SIGNALS.iter().position(|s| s.id == id);
        debug_assert!(i.is_some(), "unknown signal {id}");
        i.and_then(|i| self.hits.get(i)).into_iter().flatten().filter(|h| !h.commented)
    }

    /// Live hits in the project's own files (not tests, examples, fixtures or vendored code).
    pub fn project_hits(&self, id: &str) -> impl Iterator<Item = &Hit> {
        self.hits(id).filter(|h| h.location == Location::Project)
    }

    /// Live hits of any of these signals in the project's own files.
    pub fn any_project_hit<'a>(&'a self, ids: &'a [&'a str]) -> Option<&'a Hit> {
        ids.iter().find_map(|id| self.project_hits(id).next())
    }

    /// Hits including commented-out lines (for tests and diagnostics).
    pub fn all_hits(&self, id: &str) -> &[Hit] {
        SIGNALS.iter().position(|s| s.id == id).and_then(|i| self.hits.get(i)).map(Vec::as_slice).unwrap_or(&[])
    }
}

struct Compiled {
    set: RegexSet,
    regexes: Vec<Regex>,
    globs: GlobSet,
    /// For each glob of `globs`, the signals it selects.
    glob_signals: Vec<Vec<usize>>,
    /// Signals without a file restriction.
    everywhere: Vec<usize>,
    /// The packs' globs (`*` within a folder), and for each the pattern it selects: pattern `k`
    /// is regex `SIGNALS.len() + k` of the set.
    pack_globs: GlobSet,
    pack_glob_patterns: Vec<usize>,
}

/// Patterns are compiled without Unicode classes: `\b`, `\w`, `\s` and `.` are ASCII or
/// byte-wise. Every construct they look for is ASCII, and Unicode classes multiply the states of
/// the lazy DFA on non-ASCII text (translation files) until its cache thrashes: on a large PHP
/// repository that made the scan ten times slower than ripgrep.
pub fn compiled_pattern(s: &Signal) -> String {
    format!("(?m-u){}", s.pattern)
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| compile(&[]).expect("signal patterns compile"));

/// The signals and the packs' patterns, as one set.
fn compile(extra: &[ContentPattern]) -> Result<Compiled, String> {
    let mut patterns: Vec<String> = SIGNALS.iter().map(|s| compiled_pattern(s)).collect();
    patterns.extend(extra.iter().map(ContentPattern::compiled));
    let set = RegexSetBuilder::new(&patterns)
        .dfa_size_limit(DFA_CACHE)
        .size_limit(SET_SIZE_LIMIT + extra.len() * PACK_PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())?;
    let regexes = patterns.iter().map(|p| Regex::new(p)).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    let mut builder = GlobSetBuilder::new();
    let mut glob_signals: Vec<Vec<usize>> = Vec::new();
    let mut glob_texts: Vec<&str> = Vec::new();
    let mut everywhere = Vec::new();
    for (i, s) in SIGNALS.iter().enumerate() {
        if s.files.is_empty() {
            everywhere.push(i);
            continue;
        }
        for g in s.files {
            match glob_texts.iter().position(|t| *t == *g) {
                Some(k) => glob_signals[k].push(i),
                None => {
                    // a name glob (`Dockerfile*`, `.env*`) matches in every directory, like `*.php`
                    let glob =
                        if g.contains('/') || g.starts_with('*') { g.to_string() } else { format!("{{{g},*/{g}}}") };
                    builder.add(Glob::new(&glob).map_err(|e| e.to_string())?);
                    glob_texts.push(g);
                    glob_signals.push(vec![i]);
                }
            }
        }
    }
    let mut pack_builder = GlobSetBuilder::new();
    let mut pack_glob_patterns = Vec::new();
    for (k, p) in extra.iter().enumerate() {
        for g in &p.globs {
            let glob = globset::GlobBuilder::new(g).literal_separator(true).build().map_err(|e| e.to_string())?;
            pack_builder.add(glob);
            pack_glob_patterns.push(SIGNALS.len() + k);
        }
    }
    Ok(Compiled {
        set,
        regexes,
        globs: builder.build().map_err(|e| e.to_string())?,
        glob_signals,
        everywhere,
        pack_globs: pack_builder.build().map_err(|e| e.to_string())?,
        pack_glob_patterns,
    })
}

fn skip(path: &str, name: &str) -> bool {
    const LOCKFILES: &[&str] = &[
        "composer.lock",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "Cargo.lock",
        "go.sum",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "Gemfile.lock",
        "gradle.lockfile",
        "npm-shrinkwrap.json",
    ];
    LOCKFILES.contains(&name)
        || name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with(".map")
        || path.contains("/.terraform/")
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    (t.starts_with('#') && !t.starts_with("#[") && !t.starts_with("#!["))
        || t.starts_with("//")
        || t.starts_with("/*")
        || t.starts_with('*')
        || t.starts_with("<!--")
        || t.starts_with("--")
        || t.starts_with(';')
}

/// Scans every eligible file; call after the collectors so their cached reads are reused.
pub fn scan(files: &FileIndex, progress: &dyn Progress, problems: &mut Vec<super::Problem>) -> ScanFacts {
    scan_with(files, &[], None, progress, problems)
}

/// The memo file of the scan.
const SCAN_MEMO: &str = "scan.json";

/// A file's scan as remembered: what it was (size, timestamps) and the hits it gave.
#[derive(Debug, Serialize, Deserialize)]
struct MemoFile {
    path: String,
    size: u64,
    stamp: [i64; 2],
    /// Bytes scanned (the text as read).
    bytes: u64,
    /// (pattern index, line, text, commented)
    hits: Vec<(usize, u32, String, bool)>,
}

/// What the hits of a file depend on besides its bytes: every pattern with its globs, and the
/// limits of a hit.
fn memo_key(extra: &[ContentPattern]) -> String {
    let mut parts: Vec<String> =
        SIGNALS.iter().map(|s| format!("{}\0{}", compiled_pattern(s), s.files.join("\0"))).collect();
    parts.extend(extra.iter().map(|p| format!("{}\0{}\0{}", p.id, p.compiled(), p.globs.join("\0"))));
    parts.push(format!("{HITS_PER_FILE} {HIT_WINDOW} {MAX_SCAN_BYTES}"));
    super::memo::digest(parts.iter().map(|p| p.as_bytes()))
}

/// Files modified this close to the scan are not remembered: a second write within the same
/// timestamp tick would not change what the next audit sees.
const RACY_NANOS: i64 = 2_000_000_000;

/// Scans every eligible file for the signals and the packs' `extra` patterns together.
pub fn scan_with(
    files: &FileIndex,
    extra: &[ContentPattern],
    memo: Option<&Memo>,
    progress: &dyn Progress,
    problems: &mut Vec<super::Problem>,
) -> ScanFacts {
    let key = memo.map(|_| memo_key(extra));
    let remembered: Vec<MemoFile> =
        memo.zip(key.as_deref()).and_then(|(m, k)| m.load(SCAN_MEMO, k)).unwrap_or_default();
    let remembered: HashMap<&str, &MemoFile> = remembered.iter().map(|f| (f.path.as_str(), f)).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64);
    let own;
    let c = if extra.is_empty() {
        &*COMPILED
    } else {
        // the pack loader compiled each pattern already; a set that still fails is reported
        own = match compile(extra) {
            Ok(c) => c,
            Err(e) => panic!("the check packs' content patterns do not compile together: {e}"),
        };
        &own
    };
    let eligible: Vec<usize> = (0..files.len())
        .filter(|&i| {
            let e = files.entry(i);
            e.location != Location::Vendored && e.size <= MAX_SCAN_BYTES && e.size > 0 && !skip(&e.path, e.name())
        })
        .collect();
    progress.stage("Scanning sources", Some(eligible.len() as u64));
    let per_file: Vec<FileScan> = eligible
        .par_iter()
        .map(|&i| {
            let e = files.entry(i);
            let mut applicable: Vec<usize> = c.everywhere.clone();
            for g in c.globs.matches(&e.path) {
                applicable.extend(&c.glob_signals[g]);
            }
            for g in c.pack_globs.matches(&e.path) {
                applicable.push(c.pack_glob_patterns[g]);
            }
            let unchanged = remembered.get(e.path.as_str()).filter(|m| m.size == e.size && m.stamp == e.stamp);
            let result = if applicable.is_empty() || progress.cancelled() {
                (0, 0, Vec::new(), None, false)
            } else if let Some(m) = unchanged {
                let found = m
                    .hits
                    .iter()
                    .filter(|(s, ..)| *s < c.regexes.len())
                    .map(|(s, line, text, commented)| {
                        let h = Hit {
                            file: i,
                            path: e.path.clone(),
                            line: *line,
                            text: text.clone(),
                            commented: *commented,
                            location: e.location,
                        };
                        (*s, h)
                    })
                    .collect();
                (1, m.bytes, found, None, true)
            } else {
                // one file's failure costs that file, not the scan
                super::guard(|| {
                    files.with_bytes(i, |bytes| {
                        let mut found = Vec::new();
                        let matched = c.set.matches(bytes);
                        if matched.matched_any() {
                            let lines = LineIndex::new_bytes(bytes);
                            for s in matched.iter().filter(|s| applicable.contains(s)) {
                                for m in c.regexes[s].find_iter(bytes).take(HITS_PER_FILE) {
                                    found.push((s, hit(i, e, bytes, &lines, m.start())));
                                }
                            }
                        }
                        (1, bytes.len() as u64, found, None, false)
                    })
                })
                .unwrap_or_else(|panic| Some((0, 0, Vec::new(), Some(panic), false)))
                .unwrap_or((0, 0, Vec::new(), None, false))
            };
            progress.advance(1);
            result
        })
        .collect();
    if let Some((m, k)) = memo.zip(key.as_deref()) {
        // only files read as text, without failure, and not modified just now
        let keep = eligible.iter().zip(&per_file).filter_map(|(&i, (scanned, bytes, found, failure, _))| {
            let e = files.entry(i);
            // content changes move the modification time; the status-change time is only compared
            let settled = e.stamp != [0, 0] && e.stamp[0] < now.saturating_sub(RACY_NANOS);
            (*scanned == 1 && failure.is_none() && settled).then(|| MemoFile {
                path: e.path.clone(),
                size: e.size,
                stamp: e.stamp,
                bytes: *bytes,
                hits: found.iter().map(|(s, h)| (*s, h.line, h.text.clone(), h.commented)).collect(),
            })
        });
        m.store(SCAN_MEMO, k, &keep.collect::<Vec<_>>());
    }
    let mut out = ScanFacts { hits: vec![Vec::new(); SIGNALS.len()], ..ScanFacts::default() };
    for (&i, (scanned, bytes, found, failure, remembered)) in eligible.iter().zip(per_file) {
        out.files_remembered += usize::from(remembered);
        if let Some(panic) = failure {
            problems.push(super::Problem {
                path: files.entry(i).path.clone(),
                line: None,
                message: format!("the content scan failed on this file and skipped it: {panic}"),
            });
        }
        out.files_scanned += scanned;
        out.bytes_scanned += bytes;
        for (s, h) in found {
            match extra.get(s.wrapping_sub(SIGNALS.len())) {
                Some(p) if s >= SIGNALS.len() => out.pack_hits.entry(p.id.clone()).or_default().push(h),
                _ => out.hits[s].push(h),
            }
        }
    }
    out
}

/// Bytes of a hit's line kept around the match (a minified line can be a megabyte long).
const HIT_WINDOW: usize = 240;

fn hit(file: usize, e: &super::files::FileEntry, bytes: &[u8], lines: &LineIndex, offset: usize) -> Hit {
    let (line, start, end) = lines.span(offset);
    let from = start.max(offset.saturating_sub(HIT_WINDOW / 2));
    let to = end.min(from + HIT_WINDOW).max(from);
    // a window may cut a character in two: the lossy decoding shows the cut as U+FFFD
    let line_text = String::from_utf8_lossy(&bytes[from..to]);
    let line_head = String::from_utf8_lossy(&bytes[start..end.min(start + 64)]);
    Hit {
        file,
        path: e.path.clone(),
        line,
        text: crate::model::clip(line_text.trim(), 160),
        commented: is_comment(&line_head),
        location: e.location,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::NoProgress;

    #[test]
    fn signal_patterns_are_ascii() {
        // a non-ASCII literal in a pattern compiled without Unicode is written as its UTF-8
        // bytes (`\xE2\x89\xA4` for `≤`), so that the patterns mean the same to every engine
        for s in SIGNALS.iter() {
            assert!(s.pattern.is_ascii(), "{}: {}", s.id, s.pattern);
        }
    }

    #[test]
    fn signals_compile_and_have_unique_ids() {
        let _ = &*COMPILED;
        let mut ids: Vec<&str> = SIGNALS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len(), "duplicate signal ids");
    }

    /// Writes `files` under `dir` with a modification time in the past (settled for the memo).
    fn write_settled(dir: &std::path::Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
            std::fs::File::options().write(true).open(&p).unwrap().set_modified(past).unwrap();
        }
    }

    fn scan_dir(dir: &std::path::Path, extra: &[ContentPattern], memo: &Memo) -> ScanFacts {
        let idx = FileIndex::walk(dir, 1 << 20).unwrap();
        scan_with(&idx, extra, Some(memo), &NoProgress, &mut Vec::new())
    }

    #[test]
    fn a_rescan_reads_only_the_files_that_changed() {
        let tree = tempfile::tempdir().unwrap();
        let base = tempfile::tempdir().unwrap();
        let memo = Memo::for_repository(base.path(), tree.path()).unwrap();
        // non-ASCII around the hits, so remembered texts cross character boundaries
        write_settled(
            tree.path(),
            &[
                ("src/a.ts", "// Привет 漢字 🦀\nimport { NodeSDK } from '@opentelemetry/sdk-node'; // 🦀🦀\n"),
                ("src/b.ts", "export const b = 1;\n"),
                ("src/c.ts", "// import { NodeSDK } from '@opentelemetry/sdk-node';\n"),
            ],
        );
        let cold = scan_dir(tree.path(), &[], &memo);
        assert_eq!((cold.files_scanned, cold.files_remembered), (3, 0));
        let warm = scan_dir(tree.path(), &[], &memo);
        assert_eq!((warm.files_scanned, warm.files_remembered), (3, 3));
        assert_eq!(warm.all_hits("otel.sdk"), cold.all_hits("otel.sdk"));
        assert_eq!((warm.bytes_scanned, warm.hits.len()), (cold.bytes_scanned, cold.hits.len()));

        // one file changes: only it is read again, and its new hit is seen
        write_settled(tree.path(), &[("src/b.ts", "import { NodeSDK } from '@opentelemetry/sdk-node';\n")]);
        let changed = scan_dir(tree.path(), &[], &memo);
        assert_eq!(changed.files_remembered, 2);
        let paths: Vec<&str> = changed.hits("otel.sdk").map(|h| h.path.as_str()).collect();
        assert_eq!(paths, vec!["src/a.ts", "src/b.ts"]);

        // a file modified too recently to trust its timestamp is read, and not remembered
        let c = tree.path().join("src/c.ts");
        std::fs::write(&c, "export const c = 3;\n").unwrap();
        let soon = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&c).unwrap().set_modified(soon).unwrap();
        assert_eq!(scan_dir(tree.path(), &[], &memo).files_remembered, 2);
        assert_eq!(scan_dir(tree.path(), &[], &memo).files_remembered, 2);

        // other patterns: nothing remembered applies
        write_settled(tree.path(), &[("src/c.ts", "export const c = 3;\n")]);
        let pattern =
            ContentPattern { id: "acme.x#0".into(), regex: "(?-u)export".into(), globs: vec!["**/*.ts".into()] };
        let packed = scan_dir(tree.path(), std::slice::from_ref(&pattern), &memo);
        assert_eq!(packed.files_remembered, 0);
        assert_eq!(packed.pack_hits.get("acme.x#0").map(Vec::len), Some(1));
        let again = scan_dir(tree.path(), &[pattern], &memo);
        assert_eq!((again.files_remembered, again.pack_hits.get("acme.x#0").map(Vec::len)), (3, Some(1)));
    }

    #[test]
    fn hits_have_lines_and_comments_are_marked() {
        let idx = FileIndex::from_memory(&[
            (
                "src/telemetry.ts",
                "import { x } from 'y';\n// import { NodeSDK } from '@opentelemetry/sdk-node';\nimport { NodeSDK } from '@opentelemetry/sdk-node';\n",
            ),
            ("vendor/lib/otel.ts", "import { NodeSDK } from '@opentelemetry/sdk-node';\n"),
            ("package-lock.json", "\"@opentelemetry/sdk-node\": {}\n"),
        ]);
        let facts = scan(&idx, &NoProgress, &mut Vec::new());
        let all = facts.all_hits("otel.sdk");
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all[0].commented && !all[1].commented);
        let live: Vec<u32> = facts.hits("otel.sdk").map(|h| h.line).collect();
        assert_eq!(live, vec![3]);
        assert_eq!(facts.files_scanned, 1, "vendored code and lockfiles are not scanned");
    }
}
