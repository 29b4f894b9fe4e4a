//! The moto AWS emulator for the `--aws` tests: started once per test binary on 127.0.0.1 (or
//! reused from `MATURITY_MOTO_URL`), reset between tests, seeded through the AWS APIs by
//! `seed.py` (boto3, from moto's own Python environment), and asked for the requests it
//! received (moto's request recorder).
//!
//! Where it comes from: `MATURITY_MOTO_SERVER` (the `moto_server` program, which `.ci/test`
//! installs in a virtual environment) or `moto_server` on the PATH; the seeding Python is
//! `MATURITY_MOTO_PYTHON` or the `python3` beside `moto_server`. With `CI` set, a missing
//! emulator fails the tests; otherwise they are skipped, visibly (see `common/skip.rs`).

#![allow(dead_code)]

// `common/skip.rs`, which the test binary (or benchmark) that includes this file declares at its root
use super::skip;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub struct Moto {
    /// The shell that runs the server; it stops the server when our end of its stdin closes,
    /// which happens when the test process exits however it exits.
    _guard: Option<Child>,
    pub url: String,
    pub python: PathBuf,
}

/// Whether tests must fail (CI) rather than skip when the emulator is missing.
pub fn required() -> bool {
    skip::required()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(program)).find(|p| p.is_file())
}

/// The `moto_server` program and the Python that has boto3 beside it.
pub fn programs() -> Result<(PathBuf, PathBuf), String> {
    let server = match std::env::var_os("MATURITY_MOTO_SERVER") {
        Some(p) => PathBuf::from(p),
        None => on_path("moto_server").ok_or("moto_server is not installed (set MATURITY_MOTO_SERVER)")?,
    };
    if !server.is_file() {
        return Err(format!("{} does not exist", server.display()));
    }
    let python = std::env::var_os("MATURITY_MOTO_PYTHON").map(PathBuf::from).unwrap_or_else(|| {
        let beside = server.parent().map(|d| d.join("python3")).filter(|p| p.is_file());
        beside.unwrap_or_else(|| PathBuf::from("python3"))
    });
    Ok((server, python))
}

/// Starts a server with extra environment variables; `None` (skipped) outside CI when moto is
/// missing.
pub fn start(env: &[(&str, &str)]) -> Option<Moto> {
    match launch(env) {
        Ok(moto) => Some(moto),
        Err(why) => {
            skip::skipped(&why);
            None
        }
    }
}

/// Starts a server; `Err` says why it cannot (moto is not installed).
fn launch(env: &[(&str, &str)]) -> Result<Moto, String> {
    let (server, python) = programs().map_err(|e| format!("the moto AWS emulator is missing: {e}"))?;
    let port = free_port();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(r#""$0" -H 127.0.0.1 -p "$1" >/dev/null 2>&1 & m=$!; read _ignored; kill "$m""#)
        .arg(&server)
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        // the recorder writes a file; keep it (and anything else) out of the clone
        .current_dir(std::env::temp_dir())
        .env("MOTO_RECORDER_FILEPATH", std::env::temp_dir().join(format!("maturity-moto-{port}.jsonl")));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
    let moto = Moto { _guard: Some(child), url: format!("http://127.0.0.1:{port}"), python };
    moto.wait_ready();
    Ok(moto)
}

impl Moto {
    fn wait_ready(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if ureq::get(&format!("{}/moto-api/", self.url)).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("moto did not answer on {} within a minute", self.url);
    }

    fn post(&self, path: &str) {
        ureq::post(&format!("{}{path}", self.url)).send_empty().unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    /// Clears every resource (and nothing else).
    pub fn reset(&self) {
        self.post("/moto-api/reset");
    }

    /// Runs a seeding scenario of `seed.py` and returns what it printed.
    pub fn seed(&self, args: &[&str]) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aws/seed.py");
        let out = Command::new(&self.python)
            .arg(script)
            .arg(&self.url)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.python.display()));
        assert!(out.status.success(), "seeding {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts recording every request the emulator receives, from now on only.
    pub fn record(&self) {
        self.post("/moto-api/recorder/reset-recording");
        self.post("/moto-api/recorder/start-recording");
    }

    /// Stops recording and returns the recorded requests.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.post("/moto-api/recorder/stop-recording");
        let mut resp = ureq::get(&format!("{}/moto-api/recorder/download-recording", self.url)).call().unwrap();
        let text = resp.body_mut().read_to_string().unwrap();
        BufReader::new(text.as_bytes())
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .map(|l| Recorded::parse(&l))
            .collect()
    }
}

/// One request as moto's recorder saw it.
#[derive(Debug)]
pub struct Recorded {
    pub method: String,
    pub url: String,
    /// The service of the SigV4 credential scope (`rds`, `monitoring`...).
    pub service: String,
    /// The operation: `X-Amz-Target`'s or the Query `Action`, when the protocol names it.
    pub operation: Option<String>,
}

impl Recorded {
    fn parse(line: &str) -> Recorded {
        use base64::Engine;
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let header = |name: &str| {
            v["headers"].as_object().and_then(|h| {
                h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str().map(str::to_string))
            })
        };
        let body = match v["body_encoded"].as_bool() {
            Some(true) => String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(v["body"].as_str().unwrap_or_default())
                    .unwrap_or_default(),
            )
            .into_owned(),
            _ => v["body"].as_str().unwrap_or_default().to_string(),
        };
        let service = header("authorization")
            .and_then(|a| a.split("Credential=").nth(1).and_then(|c| c.split('/').nth(3)).map(str::to_string))
            .unwrap_or_default();
        let operation = header("x-amz-target")
            .and_then(|t| t.rsplit('.').next().map(str::to_string))
            .or_else(|| body.split('&').find_map(|kv| kv.strip_prefix("Action=")).map(str::to_string));
        Recorded {
            method: v["method"].as_str().unwrap_or_default().to_string(),
            url: v["url"].as_str().unwrap_or_default().to_string(),
            service,
            operation,
        }
    }
}

/// The shared server of this test binary, held for the whole test (tests take turns: moto's
/// state is global). `None` when skipped (every test that asks is recorded as skipped).
pub fn shared() -> Option<(MutexGuard<'static, ()>, &'static Moto)> {
    static SERVER: OnceLock<Result<Moto, String>> = OnceLock::new();
    static TURN: Mutex<()> = Mutex::new(());
    let guard = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let moto = SERVER
        .get_or_init(|| match std::env::var("MATURITY_MOTO_URL") {
            Ok(url) if !url.is_empty() => {
                let python = std::env::var_os("MATURITY_MOTO_PYTHON")
                    .map(PathBuf::from)
                    .or_else(|| programs().ok().map(|p| p.1))
                    .unwrap_or_else(|| PathBuf::from("python3"));
                let m = Moto { _guard: None, url, python };
                m.wait_ready();
                Ok(m)
            }
            _ => launch(&[]),
        })
        .as_ref();
    let moto = match moto {
        Ok(moto) => moto,
        Err(why) => {
            skip::skipped(why);
            return None;
        }
    };
    moto.reset();
    Some((guard, moto))
}
