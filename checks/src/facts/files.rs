//! The file index: one parallel walk of the tree, contents read lazily and at most once.
//!
//! The walk honours `.gitignore` (and `.git/info/exclude`) like git does, even outside a git
//! repository, skips VCS directories, never follows symbolic links (a link may point out of the
//! tree) and records oversized files without reading them. Contents are read on first use and
//! cached, so two collectors interested in the same file share one read; a per-file read counter
//! lets tests prove that no file is read twice. Paths are kept `/`-separated and relative to the
//! audited root; non-UTF-8 names are shown lossily but read through their real `PathBuf`.

use crate::facts::yaml::{self, Node, YamlError};
use crate::text::LineIndex;
use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};
use serde::Serialize;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Files above this size are listed but never read.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Files beyond this many are not listed (the note says so): a budget on the walk itself.
pub const MAX_FILES: usize = 2_000_000;

/// Bytes inspected for a NUL byte to decide that a file is binary (as git and ripgrep do).
const BINARY_SNIFF: usize = 8 * 1024;

const SKIP_DIRS: &[&str] = &[".git", ".hg", ".svn", ".jj", ".bzr", "_darcs", ".pijul"];

/// Where a file sits, which says how much it tells about the project's own practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// The project's own files.
    Project,
    /// Tests of the project (their configuration is real, their data is not).
    Test,
    /// Examples, samples and demos: a technique shown, not the project's practice.
    Example,
    /// Test fixtures and test data: inputs for tests, never the project's practice.
    Fixture,
    /// Third-party code copied into the tree.
    Vendored,
}

impl Location {
    /// Classifies a `/`-separated relative path by its directory names.
    pub fn of(path: &str) -> Location {
        let mut found = Location::Project;
        let dirs = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let segments: Vec<&str> = dirs.split('/').collect();
        // below `src/main/java/` (and kotlin, scala, groovy) folders are package names such as
        // `org/springframework/samples`, not a layout
        let package_root = segments
            .windows(3)
            .position(|w| w[0] == "src" && matches!(w[2], "java" | "kotlin" | "scala" | "groovy") && !w[1].is_empty());
        let segments = match package_root {
            Some(p) => &segments[..p + 3],
            None => &segments[..],
        };
        for seg in segments {
            let seg = seg.to_ascii_lowercase();
            let here = match seg.as_str() {
                "vendor" | "vendors" | "node_modules" | "third_party" | "third-party" | "thirdparty"
                | "bower_components" | "_vendor" | "godeps" | ".bundle" => Location::Vendored,
                "fixtures" | "fixture" | "__fixtures__" | "testdata" | "test-data" | "test_data" | "__snapshots__"
                | "test-fixtures" | "test_fixtures" => Location::Fixture,
                // `demo/` is left out on purpose: demo applications name folders that way too
                "examples" | "example" | "samples" | "sample" | "_examples" => Location::Example,
                "tests" | "test" | "spec" | "specs" | "__tests__" | "e2e" | "it" => Location::Test,
                _ => continue,
            };
            if here > found {
                found = here;
            }
        }
        found
    }

    pub fn is_project(self) -> bool {
        self == Location::Project
    }
}

/// One file found by the walk.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Relative to the audited root, `/`-separated (lossy for non-UTF-8 names).
    pub path: String,
    pub size: u64,
    pub location: Location,
    /// Modification and status-change times in nanoseconds (0 when unknown): with the size,
    /// what says a file changed since a remembered scan.
    pub stamp: [i64; 2],
}

impl FileEntry {
    /// The file name (last path segment).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The directory part, empty at the root.
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }
}

/// What reading a file gave.
#[derive(Debug)]
pub(crate) enum Content {
    Text(String),
    Binary,
    TooLarge,
    Unreadable,
}

/// Counters of what the walk and the reads skipped, reported with every audit.
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct WalkStats {
    pub files: usize,
    pub bytes: u64,
    pub skipped_large: usize,
    pub skipped_binary: usize,
    pub skipped_symlinks: usize,
    pub non_utf8_paths: usize,
    pub unreadable: usize,
    /// The walk stopped at [`MAX_FILES`].
    pub truncated: bool,
}

#[derive(Default)]
struct Slot {
    content: OnceLock<Content>,
    yaml: OnceLock<Result<Vec<Node>, YamlError>>,
    lines: OnceLock<LineIndex>,
    reads: AtomicU32,
    /// A collector failed on this file: it reads as unreadable for the rest of the audit.
    quarantined: AtomicBool,
}

/// The repository's files, sorted by path.
pub struct FileIndex {
    root: PathBuf,
    /// Sorted by path, so a path is found by binary search (no second copy of every path).
    entries: Vec<FileEntry>,
    /// The path on disk of the few files whose names are not UTF-8 (their `path` is lossy);
    /// every other file is `root` joined with its `path`.
    lossy: HashMap<usize, PathBuf>,
    slots: Vec<Slot>,
    max_size: u64,
    binary: AtomicUsize,
    unreadable: AtomicUsize,
    walk: WalkStats,
}

/// A file's modification and status-change times, in nanoseconds since the epoch.
fn stamp(m: &fs::Metadata) -> [i64; 2] {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
        [ns(m.mtime(), m.mtime_nsec()), ns(m.ctime(), m.ctime_nsec())]
    }
    #[cfg(not(unix))]
    {
        let ns = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos().min(i64::MAX as u128) as i64)
        };
        [ns(m.modified()), 0]
    }
}

/// Fatal walk problems (the root itself is unusable).
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{path}: {source}")]
    Root { path: PathBuf, source: std::io::Error },
    #[error("{0}: not a directory")]
    NotADirectory(PathBuf),
}

/// Walks `root` as the audit reads it, in parallel: hidden files included, `.gitignore` and
/// `.git/info/exclude` honoured, but no ignore file above `root` or of the user's, links not
/// followed, version-control folders skipped. Gathers what `visit` keeps of each entry, in no
/// particular order. The fingerprint of a stored run walks with it too, so that both see exactly
/// the same files.
pub fn walk_parallel<T: Send>(
    root: &Path,
    visit: impl Fn(Result<ignore::DirEntry, ignore::Error>) -> (Option<T>, WalkState) + Sync,
) -> Vec<T> {
    struct Flush<'a, T>(&'a Mutex<Vec<T>>, Vec<T>);
    impl<T> Drop for Flush<'_, T> {
        fn drop(&mut self) {
            if let Ok(mut all) = self.0.lock() {
                all.append(&mut self.1);
            }
        }
    }
    let found: Mutex<Vec<T>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(8);
    WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        // ignore files above the audited folder are not the repository's
        .parents(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name().to_str().is_some_and(|n| SKIP_DIRS.contains(&n)))
        })
        .build_parallel()
        .run(|| {
            let mut flush = Flush(&found, Vec::new());
            let visit = &visit;
            Box::new(move |entry| {
                let (kept, state) = visit(entry);
                flush.1.extend(kept);
                state
            })
        });
    found.into_inner().unwrap_or_default()
}

impl FileIndex {
    /// Walks `root` in parallel.
    pub fn walk(root: &Path, max_size: u64) -> Result<FileIndex, WalkError> {
        let meta = fs::metadata(root).map_err(|source| WalkError::Root { path: root.to_path_buf(), source })?;
        if !meta.is_dir() {
            return Err(WalkError::NotADirectory(root.to_path_buf()));
        }
        struct Raw {
            rel: String,
            abs: PathBuf,
            size: u64,
            stamp: [i64; 2],
            lossy: bool,
        }
        let count = AtomicUsize::new(0);
        let symlinks = AtomicUsize::new(0);
        let errors = AtomicUsize::new(0);
        let mut raw = walk_parallel(root, |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(_) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    return (None, WalkState::Continue);
                }
            };
            let Some(ft) = entry.file_type() else {
                return (None, WalkState::Continue);
            };
            if ft.is_symlink() {
                symlinks.fetch_add(1, Ordering::Relaxed);
                return (None, WalkState::Continue);
            }
            if !ft.is_file() {
                return (None, WalkState::Continue);
            }
            if count.fetch_add(1, Ordering::Relaxed) >= MAX_FILES {
                return (None, WalkState::Quit);
            }
            let abs = entry.path().to_path_buf();
            let Ok(rel) = abs.strip_prefix(root) else {
                return (None, WalkState::Continue);
            };
            let (rel, lossy) = rel_string(rel);
            let (size, stamp) = entry.metadata().map(|m| (m.len(), stamp(&m))).unwrap_or((0, [0, 0]));
            (Some(Raw { rel, abs, size, stamp, lossy }), WalkState::Continue)
        });
        raw.sort_by(|a, b| a.rel.cmp(&b.rel));
        raw.dedup_by(|a, b| a.rel == b.rel);
        let truncated = raw.len() >= MAX_FILES || count.into_inner() > MAX_FILES;
        raw.truncate(MAX_FILES);
        let mut walk = WalkStats {
            skipped_symlinks: symlinks.into_inner(),
            unreadable: errors.into_inner(),
            truncated,
            ..WalkStats::default()
        };
        let mut entries = Vec::with_capacity(raw.len());
        let mut lossy = HashMap::new();
        for r in raw {
            walk.files += 1;
            walk.bytes += r.size;
            if r.size > max_size {
                walk.skipped_large += 1;
            }
            if r.lossy {
                walk.non_utf8_paths += 1;
                lossy.insert(entries.len(), r.abs);
            }
            entries.push(FileEntry { location: Location::of(&r.rel), path: r.rel, size: r.size, stamp: r.stamp });
        }
        Ok(Self::from_parts(root.to_path_buf(), entries, lossy, max_size, walk))
    }

    /// `entries` must be sorted by path.
    fn from_parts(
        root: PathBuf,
        entries: Vec<FileEntry>,
        lossy: HashMap<usize, PathBuf>,
        max_size: u64,
        walk: WalkStats,
    ) -> Self {
        debug_assert!(entries.windows(2).all(|w| w[0].path <= w[1].path));
        let slots = entries.iter().map(|_| Slot::default()).collect();
        FileIndex {
            root,
            entries,
            lossy,
            slots,
            max_size,
            binary: AtomicUsize::new(0),
            unreadable: AtomicUsize::new(0),
            walk,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[FileEntry] {
        &self.entries
    }

    pub fn entry(&self, i: usize) -> &FileEntry {
        &self.entries[i]
    }

    /// Index of the file at this relative path.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.entries.binary_search_by(|e| e.path.as_str().cmp(path)).ok()
    }

    pub fn exists(&self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// Indices of files whose relative path matches the glob set.
    pub fn matching<'a>(&'a self, globs: &'a GlobSet) -> impl Iterator<Item = usize> + 'a {
        self.entries.iter().enumerate().filter(|(_, e)| globs.is_match(&e.path)).map(|(i, _)| i)
    }

    /// Indices of files directly inside `dir` (not in sub-directories).
    pub fn in_dir<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = usize> + 'a {
        let start = self.entries.partition_point(|e| e.path.as_str() < dir);
        self.entries[start..]
            .iter()
            .enumerate()
            .take_while(move |(_, e)| e.path.starts_with(dir))
            .filter(move |(_, e)| e.dir() == dir)
            .map(move |(i, _)| start + i)
    }

    /// Walk counters plus what reads found (binary, unreadable).
    pub fn stats(&self) -> WalkStats {
        let mut s = self.walk.clone();
        s.skipped_binary = self.binary.load(Ordering::Relaxed);
        s.unreadable += self.unreadable.load(Ordering::Relaxed);
        s
    }

    /// How many times each file was read from disk (for tests of the read-once rule).
    pub fn max_reads(&self) -> u32 {
        self.slots.iter().map(|s| s.reads.load(Ordering::Relaxed)).max().unwrap_or(0)
    }

    /// The file's text, read on first use; `None` for binary, oversized or unreadable files.
    pub(crate) fn text(&self, i: usize) -> Option<&str> {
        if self.is_quarantined(i) {
            return None;
        }
        match self.content(i) {
            Content::Text(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn content(&self, i: usize) -> &Content {
        crumb::set(i);
        self.slots[i].content.get_or_init(|| {
            let c = self.read(i);
            match &c {
                Content::Binary => {
                    self.binary.fetch_add(1, Ordering::Relaxed);
                }
                Content::Unreadable => {
                    self.unreadable.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
            c
        })
    }

    /// Files whose YAML went over a parsing budget (size, depth, nodes, aliases), among those some
    /// collector parsed: worth a problem whoever read them, since they may hide evidence.
    pub(crate) fn yaml_over_budget(&self) -> impl Iterator<Item = (&str, &YamlError)> + '_ {
        self.slots.iter().zip(&self.entries).filter_map(|(slot, e)| match slot.yaml.get() {
            Some(Err(err)) if err.limit => Some((e.path.as_str(), err)),
            _ => None,
        })
    }

    /// Line numbers of the file's text, indexed once and shared by every collector.
    pub(crate) fn lines(&self, i: usize) -> Option<&LineIndex> {
        let text = self.text(i)?;
        Some(self.slots[i].lines.get_or_init(|| LineIndex::new(text)))
    }

    /// The 1-based line of byte `offset` of the file's text (1 when the file has no text).
    pub(crate) fn line_at(&self, i: usize, offset: usize) -> u32 {
        self.lines(i).map(|l| l.line(offset)).unwrap_or(1)
    }

    /// The path of the file a collector on this thread read last: names the file when a
    /// collector fails (see [`crate::facts::collect`]).
    pub(crate) fn last_read(&self) -> Option<&str> {
        crumb::get().and_then(|i| self.entries.get(i)).map(|e| e.path.as_str())
    }

    /// Makes a file unreadable for the rest of the audit (a collector failed on it).
    pub(crate) fn quarantine(&self, i: usize) {
        if let Some(slot) = self.slots.get(i) {
            slot.quarantined.store(true, Ordering::Relaxed);
        }
    }

    /// Index of the file a collector on this thread read last.
    pub(crate) fn last_read_index(&self) -> Option<usize> {
        crumb::get().filter(|&i| i < self.entries.len())
    }

    /// The file parsed as a YAML stream (parsed once, shared by every collector).
    pub(crate) fn yaml(&self, i: usize) -> Option<&Result<Vec<Node>, YamlError>> {
        if self.is_quarantined(i) {
            return None;
        }
        let text = self.text(i)?;
        Some(self.slots[i].yaml.get_or_init(|| yaml::parse(text)))
    }

    /// Runs `f` over the file's bytes: the cached text when a collector read it, otherwise a
    /// fresh read that is not cached (the content scan is the last reader, and keeping every
    /// source file in memory would cost more than it saves). `None` for binary, oversized or
    /// unreadable files.
    pub(crate) fn with_bytes<T>(&self, i: usize, f: impl FnOnce(&[u8]) -> T) -> Option<T> {
        if self.is_quarantined(i) {
            return None;
        }
        crumb::set(i);
        if let Some(c) = self.slots[i].content.get() {
            return match c {
                Content::Text(t) => Some(f(t.as_bytes())),
                _ => None,
            };
        }
        match self.read(i) {
            Content::Text(t) => Some(f(t.as_bytes())),
            Content::Binary => {
                self.binary.fetch_add(1, Ordering::Relaxed);
                None
            }
            Content::Unreadable => {
                self.unreadable.fetch_add(1, Ordering::Relaxed);
                None
            }
            Content::TooLarge => None,
        }
    }

    fn read(&self, i: usize) -> Content {
        if self.entries[i].size > self.max_size {
            return Content::TooLarge;
        }
        self.slots[i].reads.fetch_add(1, Ordering::Relaxed);
        // the walk saw a regular file; refuse whatever may have replaced it since (a link, a FIFO)
        let on_disk = match self.lossy.get(&i) {
            Some(path) => path.clone(),
            None => self.root.join(&self.entries[i].path),
        };
        match super::read::read_regular(&on_disk, self.max_size, true) {
            Ok(bytes) => decode(bytes),
            Err(super::read::ReadError::TooLarge { .. }) => Content::TooLarge,
            Err(_) => Content::Unreadable,
        }
    }

    fn is_quarantined(&self, i: usize) -> bool {
        self.slots[i].quarantined.load(Ordering::Relaxed)
    }

    /// An index over in-memory files, for tests of collectors and checks.
    pub fn from_memory(files: &[(&str, &str)]) -> FileIndex {
        let mut sorted: Vec<(&str, &str)> = files.to_vec();
        sorted.sort();
        let entries: Vec<FileEntry> = sorted
            .iter()
            .map(|(p, c)| FileEntry {
                path: p.to_string(),
                size: c.len() as u64,
                location: Location::of(p),
                stamp: [0, 0],
            })
            .collect();
        let walk = WalkStats { files: entries.len(), ..WalkStats::default() };
        let index =
            Self::from_parts(PathBuf::from("/nonexistent"), entries, HashMap::new(), DEFAULT_MAX_FILE_SIZE, walk);
        for (i, (_, c)) in sorted.iter().enumerate() {
            let _ = index.slots[i].content.set(decode(c.as_bytes().to_vec()));
        }
        index
    }
}

/// The file index a collector on this thread read last (the breadcrumb of a failure).
mod crumb {
    use std::cell::Cell;
    thread_local! {
        static LAST: Cell<Option<usize>> = const { Cell::new(None) };
    }
    pub fn set(i: usize) {
        LAST.with(|c| c.set(Some(i)));
    }
    pub fn get() -> Option<usize> {
        LAST.with(Cell::get)
    }
    pub fn clear() {
        LAST.with(|c| c.set(None));
    }
}

pub(crate) fn clear_last_read() {
    crumb::clear();
}

fn decode(bytes: Vec<u8>) -> Content {
    if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some() {
        return Content::Binary;
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    // A UTF-8 byte-order mark would otherwise hide the first key of a YAML or JSON file.
    Content::Text(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn rel_string(rel: &Path) -> (String, bool) {
    let mut out = String::new();
    let mut lossy = false;
    for (n, comp) in rel.components().enumerate() {
        if n > 0 {
            out.push('/');
        }
        let os = comp.as_os_str();
        match os.to_str() {
            Some(s) => out.push_str(s),
            None => {
                lossy = true;
                out.push_str(&os.to_string_lossy());
            }
        }
    }
    (out, lossy)
}

/// Line number (1-based) of a byte offset in `text`.
pub fn line_of_offset(text: &str, offset: usize) -> u32 {
    let offset = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count() as u32 + 1
}

/// First line (1-based) whose text contains `needle`, if any.
pub fn line_containing(text: &str, needle: &str) -> Option<u32> {
    text.find(needle).map(|off| line_of_offset(text, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_by_directory() {
        for (path, want) in [
            ("src/Kernel.php", Location::Project),
            (".github/workflows/ci.yml", Location::Project),
            ("examples/k8s/deploy.yaml", Location::Example),
            ("tests/fixtures/coverage/clover.xml", Location::Fixture),
            ("tests/Unit/FooTest.php", Location::Test),
            ("vendor/symfony/cache/Adapter.php", Location::Vendored),
            ("docs/demo/slo.yaml", Location::Project),
            ("testdata/sample.sarif", Location::Fixture),
            ("contest/x.yaml", Location::Project),
            ("src/main/java/org/springframework/samples/petclinic/Owner.java", Location::Project),
            ("src/test/java/org/example/samples/OwnerTests.java", Location::Test),
            ("README.md", Location::Project),
        ] {
            assert_eq!(Location::of(path), want, "{path}");
        }
    }

    #[test]
    fn in_dir_lists_direct_children_only() {
        let idx = FileIndex::from_memory(&[
            ("docs/adr/0001-a.md", ""),
            ("docs/adr/0002-b.md", ""),
            ("docs/adr/old/0003-c.md", ""),
            ("docs/adrx.md", ""),
            ("docs/index.md", ""),
        ]);
        let names: Vec<&str> = idx.in_dir("docs/adr").map(|i| idx.entry(i).path.as_str()).collect();
        assert_eq!(names, vec!["docs/adr/0001-a.md", "docs/adr/0002-b.md"]);
    }

    #[test]
    fn walk_honours_gitignore_skips_git_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join(".git/objects")).unwrap();
        fs::write(root.join(".git/config"), "x").unwrap();
        fs::create_dir_all(root.join(".github/workflows")).unwrap();
        fs::write(root.join(".github/workflows/ci.yml"), "on: push").unwrap();
        fs::write(root.join(".gitignore"), "build/\n*.log\n").unwrap();
        fs::create_dir_all(root.join("build")).unwrap();
        fs::write(root.join("build/out.txt"), "x").unwrap();
        fs::write(root.join("debug.log"), "x").unwrap();
        fs::write(root.join("big.bin"), vec![b'a'; 2048]).unwrap();
        fs::write(root.join("nul.dat"), b"ab\0cd").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", root.join("passwd")).unwrap();
        let idx = FileIndex::walk(root, 1024).unwrap();
        let paths: Vec<&str> = idx.entries().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec![".github/workflows/ci.yml", ".gitignore", "big.bin", "nul.dat"]);
        let big = idx.find("big.bin").unwrap();
        assert!(idx.text(big).is_none());
        let nul = idx.find("nul.dat").unwrap();
        assert!(idx.text(nul).is_none());
        let ci = idx.find(".github/workflows/ci.yml").unwrap();
        assert_eq!(idx.text(ci), Some("on: push"));
        assert_eq!(idx.text(ci), Some("on: push"));
        assert_eq!(idx.max_reads(), 1, "each file is read at most once");
        let s = idx.stats();
        assert_eq!((s.files, s.skipped_large, s.skipped_binary), (4, 1, 1));
        #[cfg(unix)]
        assert_eq!(s.skipped_symlinks, 1);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_listed_and_readable() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yml");
        fs::write(dir.path().join(name), "a: 1").unwrap();
        let idx = FileIndex::walk(dir.path(), 1024).unwrap();
        assert_eq!(idx.stats().non_utf8_paths, 1);
        assert_eq!(idx.text(0), Some("a: 1"));
    }

    #[test]
    fn missing_root_is_an_error() {
        assert!(FileIndex::walk(Path::new("/definitely/not/here"), 1024).is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        assert!(matches!(FileIndex::walk(f.path(), 1024), Err(WalkError::NotADirectory(_))));
    }

    #[test]
    fn bom_is_stripped_and_lines_counted() {
        let idx = FileIndex::from_memory(&[("a.yml", "\u{feff}a: 1\nb: 2\n")]);
        assert_eq!(idx.text(0), Some("a: 1\nb: 2\n"));
        assert_eq!(line_containing("a\nb\nc", "c"), Some(3));
    }
}
