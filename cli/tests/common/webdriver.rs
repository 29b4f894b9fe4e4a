//! A minimal W3C WebDriver client over blocking HTTP, for end-to-end tests: the readout in
//! ChromeDriver (this crate's tests) and the desktop dashboard through tauri-driver and
//! WebKitWebDriver (the app's tests include this file). Only what the tests need: start a driver,
//! open a session, navigate, click, type, wait for a condition, run a script, read text,
//! attributes and logs, take a screenshot.

#![allow(dead_code)]

// skipping a test visibly when its driver is missing: `common::skip` here and in the app's tests
use super::skip;

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
        // SIGTERM, so that tauri-driver stops its WebKitWebDriver child too (a SIGKILL would leave
        // that child running); SIGKILL only if it has not gone after a few seconds
        unsafe_terminate(&self.child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
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
    skip::required()
}

/// Starts `program --port=N` (chromedriver) and waits until it answers.
/// `None` when the program is not installed and the tests are not in CI.
pub fn start(program: &str, extra: &[&str]) -> Option<Driver> {
    let port = free_port();
    let mut args = vec![format!("--port={port}")];
    args.extend(extra.iter().map(|s| s.to_string()));
    spawn(program, &args, port, &[])
}

/// Starts tauri-driver on free ports (its own and its WebKitWebDriver's, so that tests can run
/// side by side), with extra environment variables for it and the app it launches.
pub fn start_tauri_driver(program: &std::path::Path, env: &[(&str, &std::path::Path)]) -> Option<Driver> {
    let (port, native) = (free_port(), free_port());
    let args = ["--port".to_string(), port.to_string(), "--native-port".to_string(), native.to_string()];
    spawn(&program.display().to_string(), &args, port, env)
}

fn spawn(program: &str, args: &[String], port: u16, env: &[(&str, &std::path::Path)]) -> Option<Driver> {
    let spawned = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(c) => c,
        Err(e) => {
            skip::skipped(&format!("{program} is not installed ({e})"));
            return None;
        }
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

    fn element(&self, css: &str) -> String {
        let el = send("POST", &self.url("/element"), Some(json!({"using": "css selector", "value": css})));
        el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element").to_string()
    }

    pub fn find_text(&self, css: &str) -> String {
        let id = self.element(css);
        send("GET", &self.url(&format!("/element/{id}/text")), None).as_str().unwrap_or_default().to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        send("POST", &self.url(&format!("/element/{id}/click")), Some(json!({})));
    }

    /// Replaces the text of an input, keystroke by keystroke.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        send("POST", &self.url(&format!("/element/{id}/clear")), Some(json!({})));
        if text.is_empty() {
            // clearing fires no input event; the page listens for one
            let css = serde_json::to_string(css).unwrap();
            self.execute(&format!("document.querySelector({css}).dispatchEvent(new Event('input')); return 1;"));
        } else {
            send("POST", &self.url(&format!("/element/{id}/value")), Some(json!({"text": text})));
        }
    }

    /// Waits until `expression` (JavaScript) is truthy; returns its value. Panics with `what` and
    /// the page's text after `timeout`.
    pub fn wait_for(&self, expression: &str, what: &str, timeout: Duration) -> Value {
        let start = Instant::now();
        loop {
            let v = self.execute(&format!("return ({expression}) || null;"));
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            if start.elapsed() > timeout {
                let page = self.execute("return document.body.innerText;");
                panic!("timed out waiting for {what}; the page shows:\n{}", page.as_str().unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.url("")).call();
    }
}
