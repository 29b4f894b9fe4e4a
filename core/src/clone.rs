//! Clones for `maturity audit --list`: a clone URL in the list is cloned (shallow) into a cache
//! folder and fetched again on later runs, so the audit reads a local checkout.
//!
//! Cloning is done by libgit2, which never runs hooks, never checks out submodules and reads no
//! configuration outside the clone (set up as the git facts do). Credentials written in a URL are used by the transport but never
//! shown: every message names the URL through [`display_url`].

use std::path::{Path, PathBuf};

/// Whether a line of a list is a clone URL rather than a path.
pub fn is_url(s: &str) -> bool {
    ["https://", "http://", "ssh://", "git://", "file://"].iter().any(|p| s.starts_with(p))
        || (s.starts_with("git@") && s.contains(':'))
}

/// The URL without credentials (`https://user:token@host/x` → `https://host/x`).
pub fn display_url(url: &str) -> String {
    maturity_checks::facts::git::strip_credentials(url)
}

/// The default cache folder of clones: `~/.cache/maturity/clones` on Linux.
pub fn default_cache() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "maturity").map(|d| d.cache_dir().join("clones"))
}

/// The folder a URL is cloned into: a readable name and a hash of the URL (without
/// credentials), so two URLs never share a folder and no credential reaches a path.
pub fn folder_for(cache: &Path, url: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let shown = display_url(url);
    let hash: String = Sha256::digest(shown.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect();
    let name: String = shown
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("repo")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .take(40)
        .collect();
    let name = if name.is_empty() || name.starts_with('.') { format!("repo{name}") } else { name };
    cache.join(format!("{name}-{hash}"))
}

/// Why a clone or fetch failed; the message never holds credentials.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CloneError(pub String);

/// Clones `url` into its folder under `cache` (shallow, default branch), or fetches and resets
/// an existing clone to the remote's head. Returns the folder.
pub fn clone_or_fetch(cache: &Path, url: &str) -> Result<PathBuf, CloneError> {
    // no configuration outside the clone: not the user's, not the system's
    maturity_checks::facts::git::isolate_libgit2();
    let shown = display_url(url);
    let fail = |what: &str, e: git2::Error| {
        // libgit2 may quote the URL it was given
        CloneError(format!("{what} {shown}: {}", e.message().replace(url, &shown)))
    };
    std::fs::create_dir_all(cache)
        .map_err(|e| CloneError(format!("cannot create the clone cache {}: {e}", cache.display())))?;
    let dir = folder_for(cache, url);
    let mut fetch = git2::FetchOptions::new();
    // libgit2's local transport (file://) cannot fetch shallow; a local clone is cheap anyway
    if !url.starts_with("file://") {
        fetch.depth(1);
    }
    fetch.download_tags(git2::AutotagOption::None);
    if dir.join(".git").is_dir() {
        let repo = git2::Repository::open(&dir).map_err(|e| fail("cannot open the clone of", e))?;
        let mut remote = repo.remote_anonymous(url).map_err(|e| fail("cannot fetch", e))?;
        remote.fetch(&["HEAD"], Some(&mut fetch), None).map_err(|e| fail("cannot fetch", e))?;
        let head =
            repo.find_reference("FETCH_HEAD").and_then(|r| r.peel_to_commit()).map_err(|e| fail("cannot fetch", e))?;
        // only when it moved: an unchanged clone keeps its files' times, and so its fingerprint
        if repo.head().ok().and_then(|h| h.target()) != Some(head.id()) {
            let mut checkout = git2::build::CheckoutBuilder::new();
            checkout.force();
            repo.reset(head.as_object(), git2::ResetType::Hard, Some(&mut checkout))
                .map_err(|e| fail("cannot update the clone of", e))?;
        }
        return Ok(dir);
    }
    // a half-made clone from an interrupted run is started again
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let partial = dir.with_extension("partial");
    let _ = std::fs::remove_dir_all(&partial);
    let mut builder = git2::build::RepoBuilder::new();
    builder.fetch_options(fetch);
    builder.clone(url, &partial).map_err(|e| {
        let _ = std::fs::remove_dir_all(&partial);
        fail("cannot clone", e)
    })?;
    std::fs::rename(&partial, &dir).map_err(|e| CloneError(format!("cannot move the clone of {shown}: {e}")))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_folders_and_credentials() {
        let cases = [
            ("https://github.com/acme/shop.git", true, "shop-"),
            ("https://user:secret@github.com/acme/shop", true, "shop-"),
            ("git@github.com:acme/shop.git", true, "shop-"),
            ("file:///tmp/x/repo", true, "repo-"),
            ("/tmp/x/repo", false, ""),
            ("./shop", false, ""),
        ];
        for (url, is, prefix) in cases {
            assert_eq!(is_url(url), is, "{url}");
            if is {
                let f = folder_for(Path::new("/c"), url);
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                assert!(name.starts_with(prefix), "{url}: {name}");
                assert!(!name.contains("secret"), "{url}");
            }
        }
        assert_eq!(display_url("https://user:secret@github.com/acme/shop"), "https://github.com/acme/shop");
        assert_eq!(
            folder_for(Path::new("/c"), "https://u:p@github.com/acme/shop"),
            folder_for(Path::new("/c"), "https://github.com/acme/shop"),
            "the same repository, the same folder"
        );
    }

    #[test]
    fn clones_then_fetches_a_local_repository() {
        let dir = tempfile::tempdir().unwrap();
        let origin = dir.path().join("origin");
        let repo = git2::Repository::init(&origin).unwrap();
        std::fs::write(origin.join("README.md"), "# hi\n").unwrap();
        let commit = |repo: &git2::Repository, msg: &str| {
            let mut index = repo.index().unwrap();
            index.add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None).unwrap();
            index.write().unwrap();
            let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
            let sig = git2::Signature::now("Dev", "dev@example.com").unwrap();
            let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents).unwrap()
        };
        commit(&repo, "one");
        let url = format!("file://{}", origin.display());
        let cache = dir.path().join("cache");
        let clone = clone_or_fetch(&cache, &url).unwrap();
        assert_eq!(std::fs::read_to_string(clone.join("README.md")).unwrap(), "# hi\n");
        std::fs::write(origin.join("README.md"), "# changed\n").unwrap();
        let second = commit(&repo, "two");
        assert_eq!(clone_or_fetch(&cache, &url).unwrap(), clone, "the same folder, fetched");
        assert_eq!(std::fs::read_to_string(clone.join("README.md")).unwrap(), "# changed\n");
        let cloned = git2::Repository::open(&clone).unwrap();
        assert_eq!(cloned.head().unwrap().target(), Some(second));
        let err = clone_or_fetch(&cache, &format!("file://{}/missing", dir.path().display())).unwrap_err();
        assert!(err.0.starts_with("cannot clone"), "{err}");
    }
}
