//! External fact providers: programs the user names on the command line that add facts.
//!
//! `--fact-provider NAME=PROGRAM` runs PROGRAM (no shell; its one argument is the audited
//! folder's absolute path; its working directory is that folder) with the facts document on its
//! standard input, and reads from its standard output one JSON object:
//! `{"schema": "maturity.provider/v1", "facts": {...}}`. The facts land in the document at
//! `providers.NAME.facts`, where TOML rules and Rego policies read them.
//!
//! A provider is trusted code: it runs with the user's rights, so it is only ever named on the
//! command line, never by the audited repository or its `.maturity.toml`. It still cannot hang
//! or flood the audit: it runs in its own process group, killed whole after the time limit,
//! and its output is capped. A provider that fails (exits non-zero, times out, prints too much or
//! prints something else than the schema says) is reported, and the checks reading its facts
//! answer `unknown`.

use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The version of the output a provider prints.
pub const SCHEMA: &str = "maturity.provider/v1";

/// How long a provider may run, and how much it may print.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub output: usize,
}

pub const LIMITS: Limits = Limits { time: Duration::from_secs(30), output: 8 << 20 };

/// Bytes of standard error kept for the message when a provider fails.
const STDERR_KEPT: usize = 16 * 1024;

/// A provider given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSpec {
    pub name: String,
    pub program: PathBuf,
    /// How long it may run (default 30 s).
    pub timeout: Duration,
}

impl FromStr for ProviderSpec {
    type Err = String;
    /// Parses `NAME=PROGRAM`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, program) =
            s.split_once('=').ok_or_else(|| format!("`{s}`: expected NAME=PROGRAM, e.g. deploy=./bin/deploy-facts"))?;
        let valid = name.len() <= 40
            && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !valid {
            return Err(format!("`{name}`: a provider name is lower-case ASCII letters, digits, `_` and `-`"));
        }
        if program.is_empty() {
            return Err(format!("`{s}`: the program is empty"));
        }
        Ok(ProviderSpec { name: name.to_string(), program: PathBuf::from(program), timeout: LIMITS.time })
    }
}

/// What one provider gave: its facts, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub name: String,
    pub result: Result<Value, String>,
    pub ms: u64,
}

/// Runs every provider in turn, each fed the facts document collected so far, within its time
/// limit and the output cap.
pub fn collect(repo: &mut super::RepoFacts, specs: &[ProviderSpec]) {
    if specs.is_empty() {
        return;
    }
    let doc = serde_json::to_vec(&super::doc::FactsDoc::build(repo)).unwrap_or_default();
    let root = std::fs::canonicalize(&repo.root).unwrap_or_else(|_| repo.root.clone());
    let outputs = specs.iter().map(|s| run(s, &root, &doc, Limits { time: s.timeout, ..LIMITS })).collect();
    repo.providers = outputs;
}

/// Runs one provider.
pub fn run(spec: &ProviderSpec, root: &Path, input: &[u8], limits: Limits) -> Output {
    let started = Instant::now();
    let result = execute(&spec.program, root, input, limits).and_then(|bytes| validate(&bytes));
    Output { name: spec.name.clone(), result, ms: started.elapsed().as_millis() as u64 }
}

/// Reads at most `cap` bytes; sets `over` (and stops reading) when there is more.
fn read_capped(mut r: impl Read, cap: usize, over: &AtomicBool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) if out.len() + n <= cap => out.extend_from_slice(&buf[..n]),
            Ok(_) => {
                over.store(true, Ordering::SeqCst);
                break;
            }
        }
    }
    out
}

fn execute(program: &Path, root: &Path, input: &[u8], limits: Limits) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new(program);
    cmd.arg(root).current_dir(root).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| format!("could not start {}: {e}", program.display()))?;
    let stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // a provider that does not read its input closes the pipe: that is its choice
            let _ = stdin.write_all(&input);
        }
    });
    let over = Arc::new(AtomicBool::new(false));
    let stdout = child.stdout.take();
    let (cap, flag) = (limits.output, over.clone());
    let out_reader = std::thread::spawn(move || stdout.map(|s| read_capped(s, cap, &flag)).unwrap_or_default());
    let stderr = child.stderr.take();
    let ignored = Arc::new(AtomicBool::new(false));
    let err_reader =
        std::thread::spawn(move || stderr.map(|s| read_capped(s, STDERR_KEPT, &ignored)).unwrap_or_default());
    let deadline = Instant::now() + limits.time;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline || over.load(Ordering::SeqCst) => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                kill(&mut child);
                return Err(format!("could not wait for the provider: {e}"));
            }
        }
    };
    // whatever the provider started goes with it, so no pipe stays open behind it
    kill(&mut child);
    let _ = writer.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if over.load(Ordering::SeqCst) {
        return Err(format!("printed more than {} MiB; stopped", limits.output >> 20));
    }
    let Some(status) = status else {
        return Err(format!("did not finish within {} s; stopped", limits.time.as_secs_f64()));
    };
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let last = said.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
        let how =
            status.code().map(|c| format!("exited with status {c}")).unwrap_or_else(|| "was killed by a signal".into());
        return Err(if last.is_empty() { how } else { format!("{how}: {}", crate::model::clip(last, 200)) });
    }
    Ok(out)
}

/// Stops the provider's process group: the provider and everything it started.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a negative pid signals the provider's own process group
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Checks the printed output against the provider schema; returns its `facts`.
fn validate(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "printed output that is not UTF-8 text".to_string())?;
    if text.trim().is_empty() {
        return Err("printed nothing (expected a JSON object with `schema` and `facts`)".into());
    }
    let value: Value = serde_json::from_str(text).map_err(|e| format!("printed invalid JSON: {e}"))?;
    let Value::Object(mut obj) = value else {
        return Err("printed JSON that is not an object".into());
    };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "schema" | "facts")) {
        return Err(format!("printed an unknown key `{}` (schema, facts)", crate::model::clip(k, 40)));
    }
    match obj.get("schema").and_then(Value::as_str) {
        Some(SCHEMA) => {}
        Some(other) => return Err(format!("printed schema `{}`, expected `{SCHEMA}`", crate::model::clip(other, 60))),
        None => return Err(format!("printed no `schema` (expected `{SCHEMA}`)")),
    }
    match obj.remove("facts") {
        Some(facts @ Value::Object(_)) => Ok(facts),
        Some(_) => Err("printed `facts` that is not an object".into()),
        None => Err("printed no `facts` object".into()),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A provider written by the test: a shell script (the test's choice; maturity runs it
    /// without a shell of its own).
    fn provider(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn result(body: &str, limits: Limits) -> (Result<Value, String>, Duration) {
        let dir = tempfile::tempdir().unwrap();
        let program = provider(dir.path(), "p", body);
        let started = Instant::now();
        let out = run(
            &ProviderSpec { name: "p".into(), program, timeout: limits.time },
            dir.path(),
            b"{\"schema\":\"maturity.facts/v1\"}",
            limits,
        );
        (out.result, started.elapsed())
    }

    const QUICK: Limits = Limits { time: Duration::from_secs(2), output: 1 << 20 };

    #[test]
    fn providers_print_facts_or_say_why_not() {
        for (name, body, want) in [
            (
                "good",
                r#"cat >/dev/null; echo '{"schema":"maturity.provider/v1","facts":{"deploy":{"tool":"acme-deploy","версия":"2.1 🚀"}}}'"#,
                Ok("acme-deploy"),
            ),
            ("reads its argument", r#"printf '{"schema":"maturity.provider/v1","facts":{"root":"%s"}}' "$1""#, Ok("")),
            (
                "exits non-zero",
                "echo 'no credentials for the deploy API' >&2; exit 3",
                Err("exited with status 3: no credentials for the deploy API"),
            ),
            ("invalid JSON", "echo '{not json'", Err("printed invalid JSON")),
            ("wrong schema", r#"echo '{"schema":"other/v9","facts":{}}'"#, Err("printed schema `other/v9`")),
            (
                "unknown key",
                r#"echo '{"schema":"maturity.provider/v1","facts":{},"extra":1}'"#,
                Err("unknown key `extra`"),
            ),
            ("facts not an object", r#"echo '{"schema":"maturity.provider/v1","facts":[1]}'"#, Err("not an object")),
            ("nothing", "true", Err("printed nothing")),
            ("deep JSON", &format!("echo '{}'", "[".repeat(10_000)), Err("printed invalid JSON")),
        ] {
            let (got, _) = result(body, QUICK);
            match (got, want) {
                (Ok(v), Ok(needle)) => assert!(v.to_string().contains(needle), "{name}: {v}"),
                (Err(e), Err(needle)) => assert!(e.contains(needle), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_provider_that_hangs_or_floods_is_stopped() {
        let (got, took) = result("sleep 60 & sleep 60", Limits { time: Duration::from_millis(300), output: 1 << 20 });
        assert!(got.unwrap_err().contains("did not finish within 0.3 s"));
        assert!(took < Duration::from_secs(5), "{took:?}");
        // 100 MB of output against a 1 MiB cap
        let (got, took) = result("head -c 100000000 /dev/zero", QUICK);
        assert!(got.unwrap_err().contains("printed more than 1 MiB"));
        assert!(took < Duration::from_secs(5), "{took:?}");
        let (got, _) = result("yes", QUICK);
        assert!(got.unwrap_err().contains("printed more than"));
    }

    #[test]
    fn names_and_programs_parse() {
        let p: ProviderSpec = "deploy=./bin/deploy-facts".parse().unwrap();
        assert_eq!(
            (p.name.as_str(), p.program, p.timeout),
            ("deploy", PathBuf::from("./bin/deploy-facts"), LIMITS.time)
        );
        for bad in ["deploy", "=x", "Deploy=x", "деплой=x", "d=", "a b=x"] {
            assert!(bad.parse::<ProviderSpec>().is_err(), "{bad}");
        }
        let (got, _) = result("true", QUICK);
        assert!(got.is_err());
        let missing = run(
            &ProviderSpec { name: "m".into(), program: "/no/such/program".into(), timeout: QUICK.time },
            Path::new("/"),
            b"",
            QUICK,
        );
        assert!(missing.result.unwrap_err().contains("could not start /no/such/program"));
    }
}
