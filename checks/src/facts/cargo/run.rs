//! Running a program with a deadline and bounded output.
//!
//! The program runs in a process group of its own so that, when it overruns its time or its
//! output budget, the whole group is killed, not just the first process (a rustup proxy `exec`s
//! cargo, but nothing says the next one will). Its standard input is closed, its standard output
//! is kept up to a budget and its standard error up to a few kilobytes, for the message.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Standard error kept for the message.
const MAX_STDERR: usize = 16 * 1024;

#[derive(Debug)]
pub(crate) enum RunError {
    /// The program could not be started.
    Start(std::io::Error),
    /// It ran past the deadline and was killed.
    TimedOut(Duration),
    /// It wrote more than the budget to standard output and was killed.
    TooMuchOutput(usize),
    /// It exited unsuccessfully; its standard error.
    Failed { status: ExitStatus, stderr: String },
}

/// Runs `cmd` to completion within `timeout`, returning its standard output.
pub(crate) fn output(mut cmd: Command, timeout: Duration, max_stdout: usize) -> Result<Vec<u8>, RunError> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(RunError::Start)?;
    let overflow = Arc::new(AtomicBool::new(false));
    let stdout = drain(child.stdout.take(), max_stdout, Some(overflow.clone()));
    let stderr = drain(child.stderr.take(), MAX_STDERR, None);
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if overflow.load(Ordering::Relaxed) || started.elapsed() >= timeout {
            break None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let Some(status) = status else {
        kill(&mut child);
        return Err(if overflow.load(Ordering::Relaxed) {
            RunError::TooMuchOutput(max_stdout)
        } else {
            RunError::TimedOut(timeout)
        });
    };
    // the pipes close when the last process holding them exits; one left behind is killed
    let grace = timeout.saturating_sub(started.elapsed()).max(Duration::from_millis(200));
    let out = match stdout.recv_timeout(grace) {
        Ok(out) => out,
        Err(_) => {
            kill(&mut child);
            stdout.recv_timeout(Duration::from_secs(1)).unwrap_or_default()
        }
    };
    let err = stderr.recv_timeout(Duration::from_millis(200)).unwrap_or_default();
    if overflow.load(Ordering::Relaxed) {
        return Err(RunError::TooMuchOutput(max_stdout));
    }
    if !status.success() {
        return Err(RunError::Failed { status, stderr: String::from_utf8_lossy(&err).into_owned() });
    }
    Ok(out)
}

/// Reads `pipe` on a thread of its own, keeping `max` bytes; past that it raises `overflow`
/// (standard output) or drops the rest (standard error, so the program never blocks on it).
fn drain(
    pipe: Option<impl Read + Send + 'static>,
    max: usize,
    overflow: Option<Arc<AtomicBool>>,
) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let Some(mut pipe) = pipe else {
        let _ = tx.send(Vec::new());
        return rx;
    };
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let room = max.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room
                        && let Some(flag) = &overflow
                    {
                        flag.store(true, Ordering::Relaxed);
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send(kept);
    });
    rx
}

/// Kills the child's whole process group, then reaps the child.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        // SAFETY: a plain signal to the child's own group (`process_group(0)`); its id is not
        // reused while the child is unreaped or any process of the group remains.
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("/bin/sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn output_timeouts_budgets_and_failures() {
        let ok = output(sh("printf 'пакет 📦'"), Duration::from_secs(10), 1024).unwrap();
        assert_eq!(String::from_utf8(ok).unwrap(), "пакет 📦");
        let started = Instant::now();
        // the child and the grandchild it leaves behind both die
        let slow = output(sh("sleep 30 & sleep 30"), Duration::from_millis(300), 1024);
        assert!(matches!(slow, Err(RunError::TimedOut(_))), "{slow:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        let flood = output(sh("yes 'ᠮᠣᠩᠭᠣᠯ'"), Duration::from_secs(10), 100_000);
        assert!(matches!(flood, Err(RunError::TooMuchOutput(100_000))), "{flood:?}");
        let failed = output(sh("echo 'error: сломано' >&2; exit 3"), Duration::from_secs(10), 1024);
        match failed {
            Err(RunError::Failed { status, stderr }) => {
                assert_eq!(status.code(), Some(3));
                assert_eq!(stderr, "error: сломано\n");
            }
            other => panic!("{other:?}"),
        }
        let missing = output(Command::new("/nonexistent/cargo"), Duration::from_secs(1), 10);
        assert!(matches!(missing, Err(RunError::Start(_))), "{missing:?}");
        // a grandchild that keeps the pipe open after the child exits does not hold the caller
        let started = Instant::now();
        let lingering = output(sh("(sleep 30 &) ; echo done"), Duration::from_millis(500), 1024).unwrap();
        assert_eq!(lingering, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    }
}
