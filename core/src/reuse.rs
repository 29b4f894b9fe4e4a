//! Reusing a stored audit: an audit whose inputs have not changed since a stored run gives the
//! same scorecard, so it is read back from the store instead of computed again.
//!
//! The inputs are summarised in a [`Fingerprint`]: the tool version, the roadmap (its text and
//! the content of its check packs), the effective configuration (`.maturity.toml`, the evidence
//! files given, the fact providers, the file size limit, and the day of judgement when the
//! verdicts depend on it), the git state (HEAD, branches, tags, the repository's own git
//! configuration and shallow boundary) and the working tree (path, size and modification times
//! of every file the audit's walk would read, with the same walk rules). Each part has its own
//! digest, stored with the run beside the whole one, so finer levels of reuse (git figures only
//! when history changed, file facts only for changed files) can tell which part moved.
//!
//! Deliberately absent: anything that reads file contents in the tree (the walk only stats
//! files, which is what makes a re-audit cheap), and reuse of audits that read live sources
//! (`--aws`, `--url`): the running system changes without the repository changing, so
//! [`reusable`] says no. A file rewritten with its old size and modification time is not
//! noticed, as in git; `--fresh` audits again regardless.

use crate::history::{Store, StoreError};
use crate::live::LiveOptions;
use crate::prepare::Prepared;
use crate::scorecard::Scorecard;
use ignore::WalkState;
use maturity_checks::facts::files::walk_parallel;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::UNIX_EPOCH;

/// Bump when the meaning of a stored fingerprint changes, so old runs stop matching.
const FORMAT: &str = "maturity.fingerprint/1";

/// A summary of everything an audit's result depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hex SHA-256 over every part.
    pub digest: String,
    /// Each part's digest, by name: `tool`, `root`, `roadmap`, `config`, `git`, `tree`.
    pub parts: Vec<(&'static str, String)>,
}

impl Fingerprint {
    /// The parts as a JSON object (stored with the run).
    pub fn parts_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> =
            self.parts.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
        serde_json::Value::Object(map).to_string()
    }

    /// Names of the parts that differ from `other` (for saying why an audit ran again).
    pub fn changed_parts(&self, other: &Fingerprint) -> Vec<&'static str> {
        self.parts
            .iter()
            .filter(|(k, v)| other.parts.iter().find(|(ok, _)| ok == k).is_none_or(|(_, ov)| ov != v))
            .map(|(k, _)| *k)
            .collect()
    }
}

/// Whether an audit with these live sources may be reused at all.
pub fn reusable(live: &LiveOptions) -> bool {
    live.aws.is_none() && live.urls.as_ref().is_none_or(|u| u.urls.is_empty())
}

/// The fingerprint of auditing `root` as `prepared` says, with this build's tool version.
pub fn fingerprint(root: &Path, prepared: &Prepared) -> Fingerprint {
    fingerprint_with(root, prepared, env!("CARGO_PKG_VERSION"))
}

/// [`fingerprint`] with the tool version given (tests change it).
pub fn fingerprint_with(root: &Path, prepared: &Prepared, tool_version: &str) -> Fingerprint {
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let parts = vec![
        ("tool", digest_of(&[FORMAT, tool_version])),
        ("root", digest_of(&[&canonical.to_string_lossy()])),
        ("roadmap", roadmap_part(prepared)),
        ("config", config_part(root, prepared)),
        ("git", git_part(root)),
        ("tree", tree_part(root)),
    ];
    let mut h = Sha256::new();
    for (name, d) in &parts {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(d.as_bytes());
        h.update([0]);
    }
    Fingerprint { digest: hex(&h.finalize()), parts }
}

/// The newest stored run with this fingerprint and its scorecard, as stored; `None` when there
/// is none, or when it holds a scorecard this version cannot read (the audit then runs again).
pub fn lookup(store: &Store, fp: &Fingerprint) -> Result<Option<(i64, Scorecard)>, StoreError> {
    let Some(id) = store.run_with_fingerprint(&fp.digest)? else { return Ok(None) };
    Ok(store.scorecard(id).ok().flatten().map(|card| (id, card)))
}

/// The scorecard of a new run that reuses stored run `id`: a copy marked `reused_from_run` (the
/// run that was actually audited), with the path as given this time, the time of now, and no
/// run id or change yet (recording it gives them).
pub fn reused(id: i64, stored: &Scorecard, path_given: &Path) -> Scorecard {
    let mut card = stored.clone();
    card.reused_from_run = Some(stored.reused_from_run.unwrap_or(id));
    card.run_id = None;
    card.change = None;
    card.repository.path = path_given.display().to_string();
    card.generated_at = jiff::Timestamp::now().to_string();
    card
}

fn roadmap_part(prepared: &Prepared) -> String {
    let mut h = Sha256::new();
    h.update(prepared.roadmap.hash.as_bytes());
    for pack in prepared.roadmap.packs.iter() {
        h.update([0]);
        h.update(pack.name.as_bytes());
        h.update([0]);
        h.update(pack.dir.as_bytes());
        hash_folder(&mut h, Path::new(&pack.dir));
    }
    hex(&h.finalize())
}

/// Every file under `dir` (sorted), by path and content: check packs are small folders.
fn hash_folder(h: &mut Sha256, dir: &Path) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            h.update(b"\0unreadable\0");
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => files.push(e.path()),
                _ => {}
            }
        }
    }
    files.sort();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update([0]);
        match std::fs::read(&f) {
            Ok(bytes) => h.update(&bytes),
            Err(_) => h.update(b"\0unreadable\0"),
        }
        h.update([0]);
    }
}

fn config_part(root: &Path, prepared: &Prepared) -> String {
    let mut h = Sha256::new();
    let opts = &prepared.options;
    match std::fs::read(root.join(crate::config::FILE_NAME)) {
        Ok(bytes) => h.update(&bytes),
        Err(_) => h.update(b"\0no configuration\0"),
    }
    h.update(format!("\0max_file_size={:?}\0", opts.max_file_size).as_bytes());
    h.update(format!("kind={:?}\0", opts.policy.kind).as_bytes());
    // the day matters only to the schedule and to waiver expiry
    let dated = prepared.roadmap.start.is_some() || !opts.policy.waivers.is_empty() || opts.policy.today.is_some();
    if dated {
        let today = opts.policy.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
        h.update(format!("today={today}\0").as_bytes());
    }
    for e in &opts.evidence {
        h.update(format!("evidence {:?} {}\0", e.kind, e.path.display()).as_bytes());
        stat_into(&mut h, &e.path);
        if e.path.is_relative() {
            stat_into(&mut h, &root.join(&e.path));
        }
    }
    for p in &opts.providers {
        h.update(format!("provider {} {} {:?}\0", p.name, p.program.display(), p.timeout).as_bytes());
        stat_into(&mut h, &p.program);
    }
    hex(&h.finalize())
}

/// Size and modification time of a file outside the walk (evidence, provider programs).
fn stat_into(h: &mut Sha256, path: &Path) {
    match std::fs::metadata(path) {
        Ok(m) => {
            let (mtime, ctime) = times(&m);
            h.update(format!("{} {mtime} {ctime}\0", m.len()).as_bytes());
        }
        Err(_) => h.update(b"\0missing\0"),
    }
}

fn times(m: &std::fs::Metadata) -> (u128, i64) {
    let mtime = m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    #[cfg(unix)]
    let ctime = {
        use std::os::unix::fs::MetadataExt;
        m.ctime() * 1_000_000_000 + m.ctime_nsec()
    };
    #[cfg(not(unix))]
    let ctime = 0;
    (mtime, ctime)
}

/// The git state the audit reads, from the files that hold it: HEAD, local branches and tags
/// (loose and packed), the repository's configuration (remotes) and the shallow boundary. Remote-
/// tracking branches are left out: a fetch that moves only them changes nothing the audit reads.
fn git_part(root: &Path) -> String {
    let mut h = Sha256::new();
    let dot = root.join(".git");
    let Ok(meta) = std::fs::symlink_metadata(&dot) else {
        h.update(b"\0no git\0");
        return hex(&h.finalize());
    };
    if !meta.is_dir() {
        // a `gitdir:` file or a link: the audit does not follow it, its text is all it reads
        h.update(b"\0git file\0");
        if let Ok(text) = std::fs::read(&dot) {
            h.update(&text);
        }
        return hex(&h.finalize());
    }
    for file in ["HEAD", "config", "packed-refs", "shallow", "commondir", "objects/info/alternates"] {
        h.update(file.as_bytes());
        h.update([0]);
        match std::fs::read(dot.join(file)) {
            Ok(bytes) => h.update(&bytes),
            Err(_) => h.update(b"\0absent\0"),
        }
        h.update([0]);
    }
    let mut refs = Vec::new();
    for sub in ["refs/heads", "refs/tags"] {
        let mut stack = vec![dot.join(sub)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                match e.file_type() {
                    Ok(t) if t.is_dir() => stack.push(p),
                    Ok(_) => refs.push(p),
                    Err(_) => {}
                }
            }
        }
    }
    refs.sort();
    for r in refs {
        h.update(r.strip_prefix(&dot).unwrap_or(&r).to_string_lossy().as_bytes());
        h.update([0]);
        if let Ok(bytes) = std::fs::read(&r) {
            h.update(&bytes);
        }
        h.update([0]);
    }
    hex(&h.finalize())
}

/// Path, size and modification times of every file the audit's walk reads, walked with the same
/// rules as `maturity_checks::facts::files` (gitignore honoured, version-control folders and
/// symbolic links skipped), in parallel.
fn tree_part(root: &Path) -> String {
    let (entries, errors) = tree_entries(root);
    let mut h = Sha256::new();
    for (path, size, mtime, ctime) in &entries {
        h.update(path.as_bytes());
        h.update(format!("\0{size} {mtime} {ctime}\0").as_bytes());
    }
    h.update(format!("errors {errors}").as_bytes());
    hex(&h.finalize())
}

type TreeEntry = (String, u64, u128, i64);

fn tree_entries(root: &Path) -> (Vec<TreeEntry>, usize) {
    let errors = std::sync::atomic::AtomicUsize::new(0);
    let mut entries = walk_parallel(root, |entry| {
        let Ok(entry) = entry else {
            errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return (None, WalkState::Continue);
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            return (None, WalkState::Continue);
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let (size, mtime, ctime) = match entry.metadata() {
            Ok(m) => {
                let (mt, ct) = times(&m);
                (m.len(), mt, ct)
            }
            Err(_) => (0, 0, 0),
        };
        (Some((rel.to_string_lossy().into_owned(), size, mtime, ctime)), WalkState::Continue)
    });
    entries.sort();
    (entries, errors.into_inner())
}

fn digest_of(fields: &[&str]) -> String {
    let mut h = Sha256::new();
    for f in fields {
        h.update(f.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The paths the fingerprint's walk covers (for the test that keeps it equal to the audit's).
pub fn walked_paths(root: &Path) -> Vec<String> {
    tree_entries(root).0.into_iter().map(|e| e.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare::{self, Request};

    fn commit(repo: &git2::Repository, message: &str) {
        let mut index = repo.index().unwrap();
        index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap();
    }

    fn fp(root: &Path, request: Request) -> Fingerprint {
        let prepared = prepare::prepare(root, request, &mut |_| {}).unwrap();
        fingerprint(root, &prepared)
    }

    type Change = fn(&Path, &git2::Repository, &Path);

    #[test]
    fn a_change_in_any_input_changes_the_fingerprint_and_nothing_else_does() {
        // (name, the change, the parts that must change; none: nothing may change)
        let cases: &[(&str, Change, &[&str])] = &[
            ("nothing", |_, _, _| {}, &[]),
            ("reading a file", |r, _, _| drop(std::fs::read(r.join("src/lib.rs")).unwrap()), &[]),
            ("an ignored file", |r, _, _| std::fs::write(r.join("target/out.o"), "x").unwrap(), &[]),
            ("a file's content", |r, _, _| std::fs::write(r.join("src/lib.rs"), "fn g() {}\n").unwrap(), &["tree"]),
            ("a new file", |r, _, _| std::fs::write(r.join("NEW.md"), "new").unwrap(), &["tree"]),
            ("a removed file", |r, _, _| std::fs::remove_file(r.join("README.md")).unwrap(), &["tree"]),
            (
                "a new commit",
                |_, repo, _| {
                    let sig = git2::Signature::now("Dev", "dev@example.com").unwrap();
                    let head = repo.head().unwrap().peel_to_commit().unwrap();
                    repo.commit(Some("HEAD"), &sig, &sig, "empty", &head.tree().unwrap(), &[&head]).unwrap();
                },
                &["git"],
            ),
            (
                "a new tag",
                |_, repo, _| {
                    let head = repo.head().unwrap().peel_to_commit().unwrap();
                    repo.tag_lightweight("v9.9.9", head.as_object(), false).unwrap();
                },
                &["git"],
            ),
            (
                "the configuration",
                |r, _, _| std::fs::write(r.join(".maturity.toml"), "must_pass = [\"6.1\"]\n").unwrap(),
                &["config", "tree"],
            ),
            ("an evidence file", |_, _, e| std::fs::write(e, "<coverage/>\n<!-- more -->").unwrap(), &["config"]),
        ];
        for (name, change, part) in cases {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().join("repo");
            std::fs::create_dir_all(root.join("src")).unwrap();
            std::fs::create_dir_all(root.join("target")).unwrap();
            std::fs::write(root.join("src/lib.rs"), "fn f() {}\n").unwrap();
            std::fs::write(root.join("README.md"), "# r\n").unwrap();
            std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
            let evidence = dir.path().join("clover.xml");
            std::fs::write(&evidence, "<coverage/>").unwrap();
            let repo = git2::Repository::init(&root).unwrap();
            commit(&repo, "first");
            let request = || Request {
                evidence: vec![format!("coverage={}", evidence.display()).parse().unwrap()],
                ..Request::default()
            };
            let before = fp(&root, request());
            // modification times have a granularity: make sure a change can show
            std::thread::sleep(std::time::Duration::from_millis(20));
            change(&root, &repo, &evidence);
            let after = fp(&root, request());
            if part.is_empty() {
                assert_eq!(before, after, "{name}");
            } else {
                assert_ne!(before.digest, after.digest, "{name}");
                assert_eq!(after.changed_parts(&before), part.to_vec(), "{name}");
            }
        }
    }

    #[test]
    fn the_tool_version_and_the_roadmap_are_parts() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        let prepared = prepare::prepare(dir.path(), Request::default(), &mut |_| {}).unwrap();
        let a = fingerprint_with(dir.path(), &prepared, "1.0.0");
        let b = fingerprint_with(dir.path(), &prepared, "1.0.1");
        assert_eq!(b.changed_parts(&a), vec!["tool"]);
        let roadmap = dir.path().join("roadmap.toml");
        std::fs::write(&roadmap, crate::roadmap::DEFAULT_TOML.replacen("weeks = 16", "weeks = 17", 1)).unwrap();
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("roadmap.toml");
        std::fs::rename(&roadmap, &moved).unwrap();
        let other =
            prepare::prepare(dir.path(), Request { roadmap: Some(&moved), ..Request::default() }, &mut |_| {}).unwrap();
        let c = fingerprint_with(dir.path(), &other, "1.0.0");
        assert_eq!(c.changed_parts(&a), vec!["roadmap"]);
        assert!(!reusable(&LiveOptions { aws: Some(Default::default()), urls: None }));
        assert!(reusable(&LiveOptions::default()));
    }

    #[test]
    fn the_walk_covers_exactly_the_files_the_audit_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (p, t) in [
            (".gitignore", "build/\n*.log\n"),
            ("src/a.rs", "a"),
            ("build/x.o", "x"),
            ("debug.log", "l"),
            (".github/workflows/ci.yml", "on: push"),
            (".hg/store", "h"),
            ("sub/.gitignore", "secret.txt\n"),
            ("sub/secret.txt", "s"),
            ("sub/kept.txt", "k"),
        ] {
            std::fs::create_dir_all(root.join(p).parent().unwrap()).unwrap();
            std::fs::write(root.join(p), t).unwrap();
        }
        git2::Repository::init(root).unwrap();
        let index = maturity_checks::facts::files::FileIndex::walk(root, u64::MAX).unwrap();
        let audit: Vec<String> = index.entries().iter().map(|e| e.path.clone()).collect();
        assert_eq!(walked_paths(root), audit);
    }
}
