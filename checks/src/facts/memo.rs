//! Facts remembered between audits of the same repository, so a re-audit redoes only what changed.
//!
//! Two collectors dominate an audit's time on a large repository: the history walk and the
//! content scan. Both are pure functions of inputs that are cheap to check:
//!
//! - the history (commits, merged changes) depends on the HEAD commit and the shallow boundary
//!   only, so it is kept under that key and read again only when history changed;
//! - a file's scan hits depend on its bytes and on the patterns, so each file's hits are kept
//!   with its size and timestamps and rescanned only when those changed (or the patterns did).
//!
//! The memo lives in the user's cache folder (never in the audited tree), one folder per
//! repository path, one JSON file per collector with a key line saying what it was computed for.
//! Anything unexpected (a missing, unreadable, oversized, corrupt or foreign file) is a miss, never
//! an error: the memo can make an audit faster, not different. Files modified in the two seconds
//! before a scan are not remembered, because a write in the same timestamp tick would go unseen
//! (git's "racy" entries).

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Changes whenever what is remembered, or how it is computed, changes.
const FORMAT: &str = concat!("maturity-memo/1 ", env!("CARGO_PKG_VERSION"));

/// A memo file larger than this is not read (a 2M-file scan memo stays well under it).
const MAX_MEMO_BYTES: u64 = 512 * 1024 * 1024;

/// The memo folder of one repository.
#[derive(Debug, Clone)]
pub struct Memo {
    dir: PathBuf,
}

impl Memo {
    /// The memo of the repository at `root`, under `base` (e.g. `~/.cache/maturity/facts`).
    pub fn for_repository(base: &Path, root: &Path) -> Option<Memo> {
        let real = std::fs::canonicalize(root).ok()?;
        Some(Memo { dir: base.join(folder_name(&real)) })
    }

    /// The value stored under `name` when it was stored for `key`.
    pub fn load<T: DeserializeOwned>(&self, name: &str, key: &str) -> Option<T> {
        let bytes = super::read::read_regular(&self.dir.join(name), MAX_MEMO_BYTES, true).ok()?;
        let newline = memchr::memchr(b'\n', &bytes)?;
        let (head, body) = bytes.split_at(newline);
        if head != stamp(key).as_bytes() {
            return None;
        }
        serde_json::from_slice(&body[1..]).ok()
    }

    /// Stores `value` under `name` for `key`; a failure only costs the next audit's time.
    pub fn store<T: Serialize>(&self, name: &str, key: &str, value: &T) {
        let _ = self.try_store(name, key, value);
    }

    fn try_store<T: Serialize>(&self, name: &str, key: &str, value: &T) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        // written aside and renamed: a reader never sees half a memo, even with audits in parallel
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            out.write_all(stamp(key).as_bytes())?;
            out.write_all(b"\n")?;
            serde_json::to_writer(&mut out, value)?;
            out.flush()?;
        }
        tmp.persist(self.dir.join(name)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The key line: the format, then the caller's key with line breaks removed.
fn stamp(key: &str) -> String {
    format!("{FORMAT} {}", key.replace(['\n', '\r'], " "))
}

/// A folder name for a repository path: its last segment (readable) and a hash of the whole path.
fn folder_name(real: &Path) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(real.as_os_str().as_encoded_bytes());
    let hex: String = hash.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let name: String = real
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    format!("{}-{hex}", name.trim_start_matches('.'))
}

/// A hash of `parts`, for keys made of long texts (the patterns of a scan).
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_comes_back_only_for_its_key() {
        let base = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let memo = Memo::for_repository(base.path(), repo.path()).unwrap();
        assert_eq!(memo.load::<Vec<String>>("x.json", "k1"), None, "nothing stored yet");
        let value = vec!["Привет".to_string(), "漢字".into(), "🦀\n".into()];
        memo.store("x.json", "k1", &value);
        assert_eq!(memo.load::<Vec<String>>("x.json", "k1"), Some(value.clone()));
        assert_eq!(memo.load::<Vec<String>>("x.json", "k2"), None, "another key is a miss");
        // a key cannot forge a line break into the header
        memo.store("y.json", "a\nb", &value);
        assert_eq!(memo.load::<Vec<String>>("y.json", "a b"), Some(value));
    }

    #[test]
    fn anything_unexpected_is_a_miss() {
        let base = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        let memo = Memo::for_repository(base.path(), repo.path()).unwrap();
        memo.store("x.json", "k", &vec![1u32, 2, 3]);
        let file = memo.dir.join("x.json");
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("no newline", stamp("k").into_bytes()),
            ("corrupt body", format!("{}\n[1, 2", stamp("k")).into_bytes()),
            ("wrong type", format!("{}\n{{\"a\": 1}}", stamp("k")).into_bytes()),
            ("binary", vec![0xff, 0xfe, b'\n', 0x00]),
            ("cut in a character", format!("{}\n[\"Ж", stamp("k")).into_bytes()[..stamp("k").len() + 4].to_vec()),
        ];
        for (what, bytes) in cases {
            std::fs::write(&file, bytes).unwrap();
            assert_eq!(memo.load::<Vec<u32>>("x.json", "k"), None, "{what}");
        }
        // a FIFO in place of the memo does not block
        #[cfg(unix)]
        {
            std::fs::remove_file(&file).unwrap();
            let c = std::ffi::CString::new(file.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            assert_eq!(memo.load::<Vec<u32>>("x.json", "k"), None, "fifo");
        }
    }

    #[test]
    fn folders_differ_per_repository_and_are_plain_names() {
        let a = folder_name(Path::new("/srv/src/shop"));
        let b = folder_name(Path::new("/home/x/shop"));
        assert_ne!(a, b);
        assert!(a.starts_with("shop-"));
        let odd = folder_name(Path::new("/tmp/../..\u{1b}[31mПроект 漢"));
        assert!(odd.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')), "{odd}");
        assert!(!odd.starts_with('.'));
    }
}
