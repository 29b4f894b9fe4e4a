//! Git facts read once through libgit2: HEAD, branch, remotes, tags and the commit history.
//!
//! History is read in a single revision walk from HEAD. The reader is built for the clones people
//! really have: a plain directory (no repository), an empty repository (no commits), a shallow
//! clone (history cut at the graft) and a partial clone with missing objects all produce facts plus
//! a note, never an error. Nothing is executed: libgit2 runs no hooks, filters or helpers when only
//! reading. Credentials embedded in remote URLs are stripped before they can reach a report.
//!
//! The history walk is the costly part and depends only on HEAD and the shallow boundary: with a
//! [`Memo`], it is remembered under that key and redone only when history changed.

use super::memo::Memo;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Once;

/// History beyond this many commits is not read (the note says so).
pub const MAX_COMMITS: usize = 500_000;

/// libgit2's object cache, its pack window size and the pack bytes it keeps mapped at once.
const GIT_CACHE_BYTES: isize = 16 << 20;
const GIT_WINDOW_BYTES: usize = 8 << 20;
const GIT_MAPPED_BYTES: usize = 32 << 20;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Commit {
    pub sha: String,
    /// Author time, seconds since the Unix epoch.
    pub author_time: i64,
    /// Committer time, seconds since the Unix epoch.
    pub commit_time: i64,
    pub parents: u32,
    pub author: String,
    pub subject: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tag {
    pub name: String,
    pub target: String,
    /// Tagger time for annotated tags, commit time otherwise.
    pub time: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Remote {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GitState {
    /// The audited path is not inside a git repository.
    NoRepository,
    /// A repository without any commit.
    Empty,
    Repository,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GitFacts {
    pub state: GitState,
    /// The repository's work tree, when the audited path is inside one.
    #[serde(skip)]
    pub workdir: Option<std::path::PathBuf>,
    pub shallow: bool,
    pub head: Option<String>,
    pub branch: Option<String>,
    pub remotes: Vec<Remote>,
    /// Commits reachable from HEAD, newest first.
    #[serde(skip)]
    pub commits: Vec<Commit>,
    pub commit_count: usize,
    pub tags: Vec<Tag>,
    /// Changes merged in the [`CHANGE_WINDOW_DAYS`] before HEAD, for delivery estimates.
    #[serde(skip)]
    pub changes: Vec<Change>,
    /// True when history could not be read to its root (shallow, missing objects, limit).
    pub truncated: bool,
    pub notes: Vec<String>,
}

/// Days of history before HEAD that delivery estimates look at.
pub const CHANGE_WINDOW_DAYS: i64 = 90;

/// A change that reached the main line: a merge commit (its branch's commits) or a squashed
/// pull request (`Subject (#123)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub sha: String,
    pub subject: String,
    /// When it reached the main line (committer time of the merge or squash commit).
    pub merged_at: i64,
    /// Earliest author time among its commits.
    pub first_authored_at: i64,
}

impl GitFacts {
    pub fn none(note: impl Into<String>) -> Self {
        GitFacts {
            state: GitState::NoRepository,
            workdir: None,
            shallow: false,
            head: None,
            branch: None,
            remotes: Vec::new(),
            commits: Vec::new(),
            commit_count: 0,
            tags: Vec::new(),
            changes: Vec::new(),
            truncated: false,
            notes: vec![note.into()],
        }
    }

    /// The remote that names the repository: `origin` if present, else the first one.
    pub fn main_remote(&self) -> Option<&Remote> {
        self.remotes.iter().find(|r| r.name == "origin").or_else(|| self.remotes.first())
    }
}

/// Commit objects larger than this are not read (a commit is a few hundred bytes; a huge
/// message would be held whole in memory by libgit2).
pub const MAX_COMMIT_BYTES: usize = 1024 * 1024;

/// Subjects and author names are kept to this many characters.
const MAX_TEXT_CHARS: usize = 200;

/// Reads the git facts of the repository whose work tree is exactly `root`.
///
/// The repository is opened at the audited folder only: libgit2 never searches parent folders,
/// never reads the user's or the system's git configuration, and a `.git` that leads out of the
/// folder (a `gitdir:` file of a worktree or submodule, a symbolic link, `commondir`, object
/// alternates) is not followed, so no other repository's remotes, authors or subjects can reach a
/// report. Each of these cases says so in a note.
pub fn collect(root: &Path) -> GitFacts {
    collect_with(root, None)
}

/// Sets libgit2's process-wide options, once, before any use of libgit2 in this process (the
/// git facts and clones of a portfolio call it): no configuration outside a repository is read,
/// and memory stays bounded.
pub fn isolate_libgit2() {
    static SETUP: Once = Once::new();
    SETUP.call_once(|| {
        // Reading a repository owned by another user is safe for us: we never run its hooks or
        // configured programs. libgit2 would otherwise refuse (as `safe.directory` does in git).
        // Configuration outside the repository (the user's, the system's) is not read at all.
        // SAFETY: called once, before any other libgit2 use in this process (every user of
        // libgit2 in the project calls this first).
        unsafe {
            let _ = git2::opts::set_verify_owner_validation(false);
            for level in [
                git2::ConfigLevel::System,
                git2::ConfigLevel::XDG,
                git2::ConfigLevel::Global,
                git2::ConfigLevel::ProgramData,
            ] {
                let _ = git2::opts::set_search_path(level, "");
            }
            // History is read once, front to back: keeping every parsed commit in libgit2's
            // object cache (256 MiB by default) and whole packs mapped (1 GiB windows) only
            // raises peak memory, by about 1 KiB per commit (a 200,000-commit history would
            // hold some 200 MiB). Commits are not cached (each is parsed once anyway), and
            // small windows and a small cache for the rest keep memory bounded.
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
            let _ = git2::opts::set_cache_max_size(GIT_CACHE_BYTES);
            let _ = git2::opts::set_mwindow_size(GIT_WINDOW_BYTES);
            let _ = git2::opts::set_mwindow_mapped_limit(GIT_MAPPED_BYTES);
        }
    });
}

/// [`collect`], reusing the history remembered in `memo` when HEAD has not moved.
pub fn collect_with(root: &Path, memo: Option<&Memo>) -> GitFacts {
    isolate_libgit2();
    let git_dir = match git_dir_inside(root) {
        Ok(Some(dir)) => dir,
        Ok(None) => {
            let note = match parent_repository(root) {
                true => {
                    "the git history lives in a parent folder, outside the audited folder: history, tags and remotes were not read (audit the repository's top folder to include them)"
                }
                false => "not a git repository: history, tags and remotes were not assessed",
            };
            return GitFacts::none(note);
        }
        Err(why) => return GitFacts::none(format!("{why}: history, tags and remotes were not read")),
    };
    let flags = git2::RepositoryOpenFlags::NO_SEARCH;
    let repo = match git2::Repository::open_ext(root, flags, std::iter::empty::<&std::ffi::OsStr>()) {
        Ok(r) => r,
        Err(e) => {
            return GitFacts::none(format!("the git repository could not be opened: {}", e.message()));
        }
    };
    let includes = config_includes(&git_dir);
    crate::facts::guard(|| {
        let mut facts = read(&repo, !includes, memo.map(|m| (m, &git_dir)));
        if includes {
            facts
                .notes
                .push("the repository's git configuration includes other files; its remotes were not read".into());
        }
        facts
    })
    .unwrap_or_else(|panic| GitFacts::none(format!("reading git history failed: {panic}")))
}

/// Whether a folder above `root` holds a `.git` (the audited folder is inside a repository).
fn parent_repository(root: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(root) else { return false };
    real.ancestors().skip(1).any(|a| std::fs::symlink_metadata(a.join(".git")).is_ok())
}

/// The repository's git directory when `root/.git` is one that stays inside `root`; `None`
/// without `.git`; an explanation when it leads elsewhere.
fn git_dir_inside(root: &Path) -> Result<Option<std::path::PathBuf>, String> {
    let dot = root.join(".git");
    let meta = match std::fs::symlink_metadata(&dot) {
        Ok(m) => m,
        Err(_) => return Ok(None),
    };
    let real_root = std::fs::canonicalize(root).map_err(|e| format!("the audited folder cannot be resolved: {e}"))?;
    let inside = |p: &Path| std::fs::canonicalize(p).ok().filter(|r| r.starts_with(&real_root));
    let dir = if meta.is_file() {
        // `gitdir: <path>`: a worktree or a submodule, whose git directory is usually elsewhere
        let text = crate::facts::read::read_regular(&dot, 4096, true)
            .map_err(|e| format!("`.git` is a file that could not be read ({e})"))?;
        let text = String::from_utf8_lossy(&text);
        let target = text.trim().strip_prefix("gitdir:").map(str::trim).unwrap_or("");
        let target = if Path::new(target).is_absolute() { Path::new(target).to_path_buf() } else { root.join(target) };
        inside(&target)
            .ok_or("`.git` is a file naming a git directory outside the audited folder (a worktree or a submodule)")?
    } else {
        inside(&dot).ok_or("`.git` is a symbolic link that leads outside the audited folder")?
    };
    // what the git directory itself points at must stay inside too
    let commondir = dir.join("commondir");
    if let Ok(text) = crate::facts::read::read_regular(&commondir, 4096, true) {
        let text = String::from_utf8_lossy(&text);
        let target = Path::new(text.trim());
        let target = if target.is_absolute() { target.to_path_buf() } else { dir.join(target) };
        inside(&target)
            .ok_or("the git directory shares its objects with one outside the audited folder (`commondir`)")?;
    }
    let alternates = dir.join("objects/info/alternates");
    if let Ok(text) = crate::facts::read::read_regular(&alternates, 64 * 1024, true) {
        for line in
            String::from_utf8_lossy(&text).lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let target = Path::new(line);
            let target = if target.is_absolute() { target.to_path_buf() } else { dir.join("objects").join(target) };
            inside(&target)
                .ok_or("the repository borrows objects from outside the audited folder (`objects/info/alternates`)")?;
        }
    }
    // a symbolic link among the git directory's own entries could lead anywhere
    for sub in ["", "objects", "refs", "objects/pack", "objects/info"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_symlink()) && inside(&entry.path()).is_none() {
                return Err(format!(
                    "the git directory holds a symbolic link that leads outside the audited folder (`{}`)",
                    entry.file_name().to_string_lossy()
                ));
            }
        }
    }
    Ok(Some(dir))
}

/// Whether the repository's configuration pulls in other files (`[include]`, `[includeIf]`).
fn config_includes(git_dir: &Path) -> bool {
    match crate::facts::read::read_regular(&git_dir.join("config"), 1024 * 1024, true) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains("[include"),
        Err(crate::facts::read::ReadError::NotFound) => false,
        // a configuration that cannot be read safely is treated as one that reaches elsewhere
        Err(_) => true,
    }
}

fn read(repo: &git2::Repository, remotes: bool, memo: Option<(&Memo, &std::path::PathBuf)>) -> GitFacts {
    let mut facts = GitFacts::none("");
    facts.notes.clear();
    facts.state = GitState::Repository;
    facts.workdir = repo.workdir().map(Path::to_path_buf);
    facts.shallow = repo.is_shallow();
    if facts.shallow {
        facts.notes.push(
            "shallow clone: history before the clone depth is missing, so history figures are lower bounds".into(),
        );
        facts.truncated = true;
    }
    if remotes {
        facts.remotes = read_remotes(repo);
    }
    let head = match repo.head() {
        Ok(h) => h,
        Err(_) => {
            facts.state = GitState::Empty;
            facts.notes.push("the repository has no commits yet".into());
            return facts;
        }
    };
    if head.is_branch() {
        facts.branch = head.shorthand().ok().map(str::to_string);
    } else {
        facts.notes.push("HEAD is detached (typical of CI checkouts); no branch name".into());
    }
    let Some(head_oid) = head.target() else {
        facts.state = GitState::Empty;
        return facts;
    };
    facts.head = Some(head_oid.to_string());
    let key = memo.map(|(_, git_dir)| history_key(head_oid, git_dir));
    let remembered = memo.zip(key.as_deref()).and_then(|((m, _), k)| m.load::<History>(HISTORY_MEMO, k));
    if let Some(h) = remembered {
        facts.commit_count = h.commits.len();
        (facts.commits, facts.changes, facts.truncated) = (h.commits, h.changes, facts.truncated || h.truncated);
        facts.notes.extend(h.notes);
    } else {
        let before = facts.notes.len();
        let mut walked = GitFacts::none("");
        walked.notes.clear();
        read_history(repo, head_oid, &mut walked);
        walked.changes = read_changes(repo, &walked.commits);
        if let Some(((m, _), k)) = memo.zip(key.as_deref()) {
            let h = History {
                commits: std::mem::take(&mut walked.commits),
                changes: std::mem::take(&mut walked.changes),
                truncated: walked.truncated,
                notes: walked.notes.clone(),
            };
            m.store(HISTORY_MEMO, k, &h);
            (walked.commits, walked.changes) = (h.commits, h.changes);
        }
        facts.commit_count = walked.commit_count;
        facts.truncated |= walked.truncated;
        (facts.commits, facts.changes) = (walked.commits, walked.changes);
        facts.notes.splice(before..before, walked.notes);
    }
    facts.tags = read_tags(repo, &mut facts.notes);
    facts
}

/// The memo file of the history.
const HISTORY_MEMO: &str = "history.json";

/// What the history walk found, as remembered between audits.
#[derive(Serialize, Deserialize)]
struct History {
    commits: Vec<Commit>,
    changes: Vec<Change>,
    truncated: bool,
    notes: Vec<String>,
}

/// What the history walk depends on: HEAD, the shallow boundary and the walk's limits.
fn history_key(head: git2::Oid, git_dir: &Path) -> String {
    let shallow =
        crate::facts::read::read_regular(&git_dir.join("shallow"), 64 * 1024 * 1024, true).unwrap_or_default();
    let limits = format!("{MAX_COMMITS} {MAX_COMMIT_BYTES} {MAX_TEXT_CHARS} {CHANGE_WINDOW_DAYS}");
    format!("{head} {}", super::memo::digest([shallow.as_slice(), limits.as_bytes()]))
}

/// A commit waiting in the walk's queue, ordered by committer time (newest first).
struct Queued<'r>(git2::Commit<'r>);

impl PartialEq for Queued<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.id() == other.0.id()
    }
}
impl Eq for Queued<'_> {}
impl PartialOrd for Queued<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.time().seconds().cmp(&other.0.time().seconds()).then_with(|| self.0.id().cmp(&other.0.id()))
    }
}

/// Walks history from HEAD newest-first. Unlike libgit2's revwalk, which stops at the first
/// missing object, this walk skips what it cannot read and counts it, so a partial or damaged
/// clone still yields the history it has.
fn read_history<'r>(repo: &'r git2::Repository, head: git2::Oid, facts: &mut GitFacts) {
    let mut queue: std::collections::BinaryHeap<Queued<'_>> = std::collections::BinaryHeap::new();
    let mut seen = std::collections::HashSet::new();
    let mut missing = 0usize;
    let mut oversized = 0usize;
    let odb = repo.odb().ok();
    let mut enqueue = |oid: git2::Oid, queue: &mut std::collections::BinaryHeap<Queued<'r>>| {
        if !seen.insert(oid) {
            return;
        }
        // the object's size is in its header: a huge commit is skipped before it is loaded
        if let Some(odb) = &odb
            && let Ok((size, _)) = odb.read_header(oid)
            && size > MAX_COMMIT_BYTES
        {
            oversized += 1;
            return;
        }
        match repo.find_commit(oid) {
            Ok(c) => queue.push(Queued(c)),
            Err(_) => missing += 1,
        }
    };
    enqueue(head, &mut queue);
    while let Some(Queued(commit)) = queue.pop() {
        if facts.commits.len() >= MAX_COMMITS {
            facts.notes.push(format!("history read up to {MAX_COMMITS} commits"));
            facts.truncated = true;
            break;
        }
        for parent in commit.parent_ids() {
            enqueue(parent, &mut queue);
        }
        let author = commit.author();
        facts.commits.push(Commit {
            sha: commit.id().to_string(),
            author_time: author.when().seconds(),
            commit_time: commit.time().seconds(),
            parents: commit.parent_count() as u32,
            author: clipped(author.name_bytes()),
            subject: clipped(commit.summary_bytes().unwrap_or(b"")),
        });
    }
    if missing > 0 {
        facts.truncated = true;
        facts.notes.push(format!(
            "history is incomplete: {missing} commit(s) could not be read (missing objects, e.g. a partial or damaged clone); {} were read",
            facts.commits.len()
        ));
    }
    if oversized > 0 {
        facts.truncated = true;
        facts.notes.push(format!(
            "{oversized} commit(s) larger than {} KiB were not read, nor the history behind them",
            MAX_COMMIT_BYTES / 1024
        ));
    }
    facts.commit_count = facts.commits.len();
}

/// Text from a commit, decoded and cut to [`MAX_TEXT_CHARS`] characters.
fn clipped(bytes: &[u8]) -> String {
    let head = bytes.get(..bytes.len().min(MAX_TEXT_CHARS * 4)).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => text.get(..cut).unwrap_or("").to_string(),
        None => text.into_owned(),
    }
}

/// Merges and squashed pull requests of the main line within the window, with the earliest
/// authoring time of the work they brought in. Bounded: at most 500 changes, 2,000 branch commits
/// each, so an octopus of old branches cannot stall an audit.
fn read_changes(repo: &git2::Repository, commits: &[Commit]) -> Vec<Change> {
    let Some(head_time) = commits.first().map(|c| c.commit_time) else { return Vec::new() };
    let since = head_time - CHANGE_WINDOW_DAYS * 86_400;
    let mut out = Vec::new();
    // first-parent walk from HEAD: the main line
    let mut next = git2::Oid::from_str(&commits[0].sha).ok();
    while let Some(oid) = next {
        let Ok(commit) = repo.find_commit(oid) else { break };
        if commit.time().seconds() < since || out.len() >= 500 {
            break;
        }
        next = commit.parent_id(0).ok();
        let subject = clipped(commit.summary_bytes().unwrap_or(b""));
        let first_authored_at = if commit.parent_count() >= 2 {
            branch_first_authored(repo, &commit).unwrap_or(commit.author().when().seconds())
        } else if is_squashed_pull_request(&subject) {
            commit.author().when().seconds()
        } else {
            continue;
        };
        out.push(Change {
            sha: commit.id().to_string(),
            subject,
            merged_at: commit.time().seconds(),
            first_authored_at: first_authored_at.min(commit.time().seconds()),
        });
    }
    out
}

/// `Fix login (#123)`: the subject GitHub gives a squash-merged pull request.
pub fn is_squashed_pull_request(subject: &str) -> bool {
    subject
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once("(#"))
        .is_some_and(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn branch_first_authored(repo: &git2::Repository, merge: &git2::Commit) -> Option<i64> {
    let main = merge.parent_id(0).ok()?;
    let mut walk = repo.revwalk().ok()?;
    for p in merge.parent_ids().skip(1) {
        walk.push(p).ok()?;
    }
    walk.hide(main).ok()?;
    let mut earliest: Option<i64> = None;
    for oid in walk.take(2000) {
        let c = repo.find_commit(oid.ok()?).ok()?;
        let t = c.author().when().seconds();
        earliest = Some(earliest.map_or(t, |e| e.min(t)));
    }
    earliest
}

fn read_tags(repo: &git2::Repository, notes: &mut Vec<String>) -> Vec<Tag> {
    let mut names: Vec<(git2::Oid, String)> = Vec::new();
    let _ = repo.tag_foreach(|oid, name| {
        let name = String::from_utf8_lossy(name);
        names.push((oid, name.trim_start_matches("refs/tags/").to_string()));
        true
    });
    let mut tags = Vec::new();
    let mut unreadable = 0;
    for (oid, name) in names {
        let Ok(obj) = repo.find_object(oid, None) else {
            unreadable += 1;
            continue;
        };
        let tagger_time = obj.as_tag().and_then(|t| t.tagger()).map(|s| s.when().seconds());
        let Ok(commit) = obj.peel_to_commit() else {
            unreadable += 1;
            continue;
        };
        tags.push(Tag { name, target: commit.id().to_string(), time: tagger_time.unwrap_or(commit.time().seconds()) });
    }
    if unreadable > 0 {
        notes.push(format!("{unreadable} tags point at objects that could not be read"));
    }
    tags.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.name.cmp(&b.name)));
    tags
}

fn read_remotes(repo: &git2::Repository) -> Vec<Remote> {
    let Ok(names) = repo.remotes() else {
        return Vec::new();
    };
    names
        .iter()
        .filter_map(|name| {
            let name = name.ok().flatten()?;
            let remote = repo.find_remote(name).ok()?;
            let url = remote.url().ok().map(strip_credentials)?;
            Some(Remote { name: name.to_string(), url })
        })
        .collect()
}

/// Removes `user:password@` from URL-style remotes (`git@host:path` scp syntax is kept).
pub fn strip_credentials(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/').map(|(a, p)| (a, Some(p))).unwrap_or((rest, None));
        let host = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
        return match path {
            Some(p) => format!("{scheme}://{host}/{p}"),
            None => format!("{scheme}://{host}"),
        };
    }
    url.to_string()
}

/// A stable identity for a remote URL: `host/owner/name` without scheme, user or `.git`;
/// `None` for a remote that is a local path (a clone of a clone names no project).
pub fn canonical_remote(url: &str) -> Option<String> {
    if url.starts_with('/') || url.starts_with('.') || url.starts_with("file://") || url.starts_with('~') {
        return None;
    }
    let url = strip_credentials(url);
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        None => match url.split_once(':') {
            // scp-like: git@github.com:owner/name.git
            Some((host, path)) if !host.contains('/') => {
                let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
                format!("{host}/{path}")
            }
            _ => url.clone(),
        },
    };
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    Some(if path.is_empty() { host } else { format!("{host}/{path}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn commit(repo: &git2::Repository, file: &str, msg: &str, time: i64) -> git2::Oid {
        let root = repo.workdir().unwrap();
        fs::write(root.join(file), msg).unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new(file)).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(time, 0)).unwrap();
        let parents: Vec<git2::Commit> = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents).unwrap()
    }

    #[test]
    fn history_is_remembered_until_head_moves() {
        let dir = tempfile::tempdir().unwrap();
        let base = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        commit(&repo, "a.txt", "Первый коммит 漢字 🦀", 1_700_000_000);
        commit(&repo, "a.txt", "Merge pull request (#12)", 1_700_000_100);
        let memo = Memo::for_repository(base.path(), dir.path()).unwrap();
        let plain = collect(dir.path());
        let cold = collect_with(dir.path(), Some(&memo));
        assert_eq!(cold, plain, "the memo changes nothing");
        assert_eq!((cold.commits.len(), cold.changes.len()), (2, 1));

        // the memo is what a warm collection reads: a doctored memo under the same key shows
        let head = git2::Oid::from_str(cold.head.as_deref().unwrap()).unwrap();
        let key = history_key(head, &dir.path().join(".git"));
        let mut doctored: History = memo.load(HISTORY_MEMO, &key).expect("stored after the walk");
        doctored.commits[0].subject = "remembered".into();
        memo.store(HISTORY_MEMO, &key, &doctored);
        let warm = collect_with(dir.path(), Some(&memo));
        assert_eq!(warm.commits[0].subject, "remembered");
        assert_eq!((warm.commit_count, &warm.changes, &warm.tags), (2, &cold.changes, &cold.tags));

        // a new commit moves HEAD: history is walked again
        commit(&repo, "a.txt", "third", 1_700_000_200);
        let moved = collect_with(dir.path(), Some(&memo));
        assert_eq!(moved, collect(dir.path()));
        assert_eq!(moved.commit_count, 3);
        assert_eq!(moved.commits[1].subject, "Merge pull request (#12)");
    }

    #[test]
    fn plain_directory_is_a_note_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let facts = collect(dir.path());
        assert_eq!(facts.state, GitState::NoRepository);
        assert!(facts.notes[0].contains("not a git repository"));
    }

    #[test]
    fn empty_repository() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let facts = collect(dir.path());
        assert_eq!(facts.state, GitState::Empty);
        assert!(facts.commits.is_empty());
    }

    #[test]
    fn history_tags_and_remotes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        commit(&repo, "a.txt", "first", 1_700_000_000);
        let second = commit(&repo, "b.txt", "second: add b\n\nbody", 1_700_086_400);
        let obj = repo.find_object(second, None).unwrap();
        repo.tag_lightweight("v1.0.0", &obj, false).unwrap();
        repo.remote("origin", "https://user:secret@github.com/acme/shop.git").unwrap();
        let facts = collect(dir.path());
        assert_eq!(facts.state, GitState::Repository);
        assert_eq!(facts.commit_count, 2);
        assert_eq!(facts.commits[0].subject, "second: add b");
        assert_eq!(facts.commits[0].author_time, 1_700_086_400);
        assert_eq!(facts.tags[0].name, "v1.0.0");
        assert_eq!(facts.tags[0].target, second.to_string());
        assert_eq!(facts.remotes[0].url, "https://github.com/acme/shop.git");
        assert!(facts.branch.is_some());
        // a sub-directory of the repository is not the repository: its history lives above it
        fs::create_dir_all(dir.path().join("sub")).unwrap();
        let sub = collect(&dir.path().join("sub"));
        assert_eq!((sub.state, sub.commit_count), (GitState::NoRepository, 0));
        assert!(sub.notes[0].contains("parent folder"), "{:?}", sub.notes);
    }

    #[test]
    fn missing_objects_truncate_history_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let first = commit(&repo, "a.txt", "first", 1_700_000_000);
        commit(&repo, "b.txt", "second", 1_700_000_100);
        // delete the first commit's object, as a partial or damaged clone would lack it
        let hex = first.to_string();
        let (fan, rest) = hex.split_at(2);
        fs::remove_file(dir.path().join(".git/objects").join(fan).join(rest)).unwrap();
        let facts = collect(dir.path());
        assert_eq!(facts.commit_count, 1);
        assert!(facts.truncated);
        assert!(facts.notes.iter().any(|n| n.contains("incomplete")), "{:?}", facts.notes);
    }

    #[test]
    fn local_remotes_name_no_project() {
        for url in ["/srv/git/x.git", "../x", "file:///srv/x.git"] {
            assert_eq!(canonical_remote(url), None, "{url}");
        }
    }

    #[test]
    fn credentials_are_stripped_and_remotes_canonicalised() {
        for (url, stripped, canonical) in [
            ("https://user:tok@github.com/a/b.git", "https://github.com/a/b.git", "github.com/a/b"),
            ("git@github.com:a/b.git", "git@github.com:a/b.git", "github.com/a/b"),
            ("ssh://git@gitlab.com:2222/g/p", "ssh://gitlab.com:2222/g/p", "gitlab.com/g/p"),
            ("https://GitHub.com/a/b/", "https://GitHub.com/a/b/", "github.com/a/b"),
        ] {
            assert_eq!(strip_credentials(url), stripped, "{url}");
            assert_eq!(canonical_remote(url).as_deref(), Some(canonical), "{url}");
        }
    }

    /// A repository outside the audited folder whose remote, author and subject must never show.
    fn other_repository() -> (tempfile::TempDir, std::path::PathBuf) {
        let other = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(other.path()).unwrap();
        commit(&repo, "x.txt", "Секретный коммит 秘密 🙈", 1_700_000_000);
        repo.remote("origin", "https://github.com/other/secret-repo.git").unwrap();
        let git_dir = other.path().join(".git");
        (other, git_dir)
    }

    fn assert_nothing_from_outside(facts: &GitFacts, note: &str) {
        assert_eq!(facts.state, GitState::NoRepository, "{:?}", facts.notes);
        assert!(facts.commits.is_empty() && facts.remotes.is_empty());
        assert!(facts.notes.iter().any(|n| n.contains(note)), "{note}: {:?}", facts.notes);
        let text = format!("{facts:?}");
        assert!(!text.contains("secret-repo") && !text.contains("Секретный"), "{text}");
    }

    #[test]
    fn git_directories_outside_the_folder_are_not_followed() {
        let (_other, git_dir) = other_repository();
        // `.git` as a file naming another repository's git directory (a worktree, a submodule)
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".git"), format!("gitdir: {}\n", git_dir.display())).unwrap();
        assert_nothing_from_outside(&collect(dir.path()), "outside the audited folder");
        // the same with a relative path that climbs out
        let rel = tempfile::tempdir().unwrap();
        let climb = pathdiff(rel.path(), &git_dir);
        fs::write(rel.path().join(".git"), format!("gitdir: {climb}\n")).unwrap();
        assert_nothing_from_outside(&collect(rel.path()), "outside the audited folder");
        // `.git` as a symbolic link to it
        #[cfg(unix)]
        {
            let link = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(&git_dir, link.path().join(".git")).unwrap();
            assert_nothing_from_outside(&collect(link.path()), "symbolic link");
        }
    }

    /// `a/b/c` relative to `from`, climbing with `..` (test helper).
    fn pathdiff(from: &Path, to: &Path) -> String {
        let ups = from.components().count();
        format!("{}{}", "../".repeat(ups), to.display().to_string().trim_start_matches('/'))
    }

    #[test]
    fn borrowed_objects_and_shared_directories_outside_are_refused() {
        let (_other, git_dir) = other_repository();
        for (file, content, note) in [
            ("objects/info/alternates", format!("{}\n", git_dir.join("objects").display()), "alternates"),
            ("commondir", format!("{}\n", git_dir.display()), "commondir"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init(dir.path()).unwrap();
            commit(&repo, "a.txt", "own", 1_700_000_000);
            let path = dir.path().join(".git").join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, content).unwrap();
            assert_nothing_from_outside(&collect(dir.path()), note);
        }
    }

    #[test]
    fn configuration_that_includes_other_files_gives_no_remotes() {
        let (_other, git_dir) = other_repository();
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        commit(&repo, "a.txt", "own", 1_700_000_000);
        let config = dir.path().join(".git/config");
        let mut text = fs::read_to_string(&config).unwrap();
        text.push_str(&format!("[include]\n\tpath = {}\n", git_dir.join("config").display()));
        fs::write(&config, text).unwrap();
        let facts = collect(dir.path());
        assert_eq!(facts.commit_count, 1);
        assert!(facts.remotes.is_empty());
        assert!(facts.notes.iter().any(|n| n.contains("includes other files")));
    }

    #[test]
    fn huge_commits_are_skipped_and_long_subjects_clipped() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        commit(&repo, "a.txt", "first", 1_700_000_000);
        let huge = format!("огромный {}", "ж".repeat(MAX_COMMIT_BYTES));
        commit(&repo, "b.txt", &huge, 1_700_000_100);
        let facts = collect(dir.path());
        assert_eq!(facts.commit_count, 0, "the head commit is over the limit, and the history behind it unread");
        assert!(facts.notes.iter().any(|n| n.contains("larger than")), "{:?}", facts.notes);
        let long = format!("{}\n\nbody", "😀".repeat(5_000));
        commit(&repo, "c.txt", &long, 1_700_000_200);
        let facts = collect(dir.path());
        assert_eq!(facts.commits[0].subject.chars().count(), MAX_TEXT_CHARS);
    }
}
