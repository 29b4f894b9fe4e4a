//! Reading one file safely: only regular files, within a byte budget, never through a symbolic
//! link that leads out of the audited tree, never blocking.
//!
//! Every read of the audit goes through here: the walked files of the index, the well-known
//! report paths (`coverage/clover.xml`, often ignored by git and so not walked), the files a
//! repository's `.maturity.toml` names, and the files the user names (`--roadmap`,
//! `--evidence`). A FIFO, socket or device in their place would block the audit or feed it
//! endless bytes, so files are opened non-blocking and refused unless `fstat` says they are
//! regular. Paths taken from the repository are resolved with every symbolic link followed and
//! must still lie inside the root: a link anywhere on the way (`coverage -> /elsewhere`) that
//! leads out is refused, not just a link in the last component.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not found")]
    NotFound,
    #[error("the path leads outside the repository")]
    Outside,
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Io(e),
        }
    }
}

/// Reads the regular file at `path`, at most `max` bytes (a bigger file is an error). With
/// `no_follow`, a symbolic link as the last component is refused.
pub fn read_regular(path: &Path, max: u64, no_follow: bool) -> Result<Vec<u8>, ReadError> {
    let file = open(path, no_follow)?;
    let meta = file.metadata()?;
    let kind = kind_of(&meta.file_type());
    if kind != "regular file" {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge { limit: max });
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Err(ReadError::TooLarge { limit: max });
    }
    Ok(buf)
}

/// Reads `rel` below `root` when it resolves inside `root` (see [`inside`]).
pub fn read_inside(root: &Path, rel: &str, max: u64) -> Result<Vec<u8>, ReadError> {
    let path = inside(root, rel)?;
    read_regular(&path, max, true)
}

/// Resolves a relative path from the repository inside `root`: no absolute paths or `..`, and
/// with every symbolic link on the way followed, the result must still be inside `root`.
pub fn inside(root: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    let p = Path::new(rel);
    if rel.is_empty()
        || p.is_absolute()
        || p.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_) | Component::RootDir))
    {
        return Err(ReadError::Outside);
    }
    let real_root = std::fs::canonicalize(root)?;
    let real = std::fs::canonicalize(root.join(p))?;
    if !real.starts_with(&real_root) {
        return Err(ReadError::Outside);
    }
    Ok(real)
}

#[cfg(unix)]
fn open(path: &Path, no_follow: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC;
    if no_follow {
        flags |= libc::O_NOFOLLOW;
    }
    OpenOptions::new().read(true).custom_flags(flags).open(path).map_err(|e| {
        // O_NOFOLLOW on a link fails with ELOOP: say what it is
        if no_follow && e.raw_os_error() == Some(libc::ELOOP) {
            std::io::Error::other("a symbolic link, not followed")
        } else {
            e
        }
    })
}

#[cfg(not(unix))]
fn open(path: &Path, no_follow: bool) -> std::io::Result<File> {
    let meta = if no_follow { std::fs::symlink_metadata(path)? } else { std::fs::metadata(path)? };
    if !meta.is_file() {
        return Err(std::io::Error::other(format!("not a regular file ({})", kind_of(&meta.file_type()))));
    }
    OpenOptions::new().read(true).open(path)
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "regular file"
    } else {
        "not a file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn regular_files_within_budget_are_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "Привет, 世界 😀").unwrap();
        assert_eq!(read_regular(&dir.path().join("a.txt"), 100, true).unwrap(), "Привет, 世界 😀".as_bytes());
        assert!(matches!(read_regular(&dir.path().join("a.txt"), 4, true), Err(ReadError::TooLarge { limit: 4 })));
        assert!(matches!(read_regular(&dir.path().join("none"), 4, true), Err(ReadError::NotFound)));
        assert!(matches!(read_regular(dir.path(), 4, true), Err(ReadError::NotRegular(_))));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("пайп.toml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read_regular(&fifo, 1024, false), Err(ReadError::NotRegular("a named pipe"))));
        assert!(matches!(read_regular(Path::new("/dev/zero"), 1024, false), Err(ReadError::NotRegular("a device"))));
    }

    #[cfg(unix)]
    #[test]
    fn links_leading_out_are_refused_at_any_component() {
        let outside = tempfile::tempdir().unwrap();
        fs::create_dir_all(outside.path().join("cov")).unwrap();
        fs::write(outside.path().join("cov/clover.xml"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("cov"), dir.path().join("coverage")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("cov/clover.xml"), dir.path().join("c.xml")).unwrap();
        fs::create_dir_all(dir.path().join("real/报告")).unwrap();
        fs::write(dir.path().join("real/报告/a.xml"), "ok").unwrap();
        std::os::unix::fs::symlink("real", dir.path().join("alias")).unwrap();
        for rel in ["coverage/clover.xml", "c.xml", "../x", "/etc/passwd", ""] {
            assert!(matches!(read_inside(dir.path(), rel, 100), Err(ReadError::Outside)), "{rel}");
        }
        assert_eq!(read_inside(dir.path(), "real/报告/a.xml", 100).unwrap(), b"ok");
        assert_eq!(read_inside(dir.path(), "alias/报告/a.xml", 100).unwrap(), b"ok", "a link inside the tree");
        assert!(matches!(read_regular(&dir.path().join("c.xml"), 100, true), Err(ReadError::Io(_))));
    }
}
