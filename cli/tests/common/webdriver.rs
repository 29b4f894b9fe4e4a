//! A minimal W3C WebDriver client over blocking HTTP, for end-to-end tests with ChromeDriver.
//!
//! Only what the tests need: start a driver, open a session, navigate, run a script, read the
//! browser and performance logs (ChromeDriver's `goog:loggingPrefs`), take a screenshot.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Driver {
    child: Child,
    pub base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM first so the driver can stop its browser; then make sure
        unsafe_terminate(&self.child);
        std::thread::sleep(Duration::from_millis(200));
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unsafe_terminate(child: &Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Whether tests must fail (CI) rather than skip when a tool is missing.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Starts `program --port=N` (chromedriver, tauri-driver) and waits until it answers.
/// `None` when the program is not installed and the tests are not in CI.
pub fn start(program: &str, extra: &[&str]) -> Option<Driver> {
    let port = free_port();
    let spawned = Command::new(program)
        .arg(format!("--port={port}"))
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => c,
        Err(e) if !required() => {
            eprintln!("skipping: {program} is not installed ({e}); CI installs it");
            return None;
        }
        Err(e) => panic!("{program} is required in CI: {e}"),
    };
    let base = format!("http://127.0.0.1:{port}");
    let driver = Driver { child, base };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if ureq::get(&format!("{}/status", driver.base)).call().is_ok() {
            return Some(driver);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{program} did not answer on {}", driver.base);
}

pub struct Session<'d> {
    driver: &'d Driver,
    pub id: String,
}

fn send(method: &str, url: &str, body: Option<Value>) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(b)) => agent.post(url).send_json(&b),
        (_, None) => agent.post(url).send_json(json!({})),
    };
    let mut response = response.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if v["value"]["error"].is_string() {
        panic!("{method} {url}: {} {}", v["value"]["error"], v["value"]["message"]);
    }
    v["value"].clone()
}

impl Driver {
    pub fn session(&self, capabilities: Value) -> Session<'_> {
        let v = send(
            "POST",
            &format!("{}/session", self.base),
            Some(json!({"capabilities": {"alwaysMatch": capabilities}})),
        );
        let id = v["sessionId"].as_str().expect("session id").to_string();
        Session { driver: self, id }
    }
}

impl Session<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.driver.base, self.id)
    }

    pub fn goto(&self, url: &str) {
        send("POST", &self.url("/url"), Some(json!({"url": url})));
    }

    pub fn execute(&self, script: &str) -> Value {
        send("POST", &self.url("/execute/sync"), Some(json!({"script": script, "args": []})))
    }

    /// ChromeDriver's log endpoint: `browser` (console) or `performance` (DevTools events).
    pub fn log(&self, kind: &str) -> Vec<Value> {
        send("POST", &self.url("/se/log"), Some(json!({"type": kind}))).as_array().cloned().unwrap_or_default()
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let v = send("GET", &self.url("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("base64 screenshot");
        std::fs::write(path, png).unwrap();
    }

    pub fn find_text(&self, css: &str) -> String {
        let el = send("POST", &self.url("/element"), Some(json!({"using": "css selector", "value": css})));
        let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element").to_string();
        send("GET", &self.url(&format!("/element/{id}/text")), None).as_str().unwrap_or_default().to_string()
    }

    pub fn click(&self, css: &str) {
        let el = send("POST", &self.url("/element"), Some(json!({"using": "css selector", "value": css})));
        let id = el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element").to_string();
        send("POST", &self.url(&format!("/element/{id}/click")), Some(json!({})));
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.url("")).call();
    }
}
