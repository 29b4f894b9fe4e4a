//! Benchmark: the AWS inventory of a seeded account, and proof that its calls overlap.
//!
//! Run with `cargo bench -p maturity --bench aws` (needs the moto emulator: `MATURITY_MOTO_SERVER`
//! or `moto_server` on the PATH, as for the tests). It seeds an account with at least
//! `MATURITY_BENCH_AWS_RESOURCES` (default 200) resources over two regions through the AWS APIs,
//! then times `maturity audit --aws` reading both regions, five runs after a warm-up, with calls
//! in flight limited to 16 (the default) and to 1. For each it reports the median wall time of the
//! inventory, the sum of the calls' own durations, and their ratio: above 1 the calls overlapped.
//!
//! The emulator answers in a few milliseconds from one Python process, so it is the bottleneck
//! and hides what overlapping buys against AWS, where each call costs a network round trip. The
//! benchmark therefore also runs through a relay that holds every request for
//! `MATURITY_BENCH_AWS_LATENCY_MS` (default 50) before passing it on, a typical round trip to a
//! regional endpoint.

#[path = "../tests/aws/moto.rs"]
mod moto;
#[path = "../tests/common/skip.rs"]
mod skip;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

const RUNS: usize = 5;

struct Run {
    wall_ms: u64,
    calls_ms: u64,
    calls: u64,
    resources: u64,
}

fn inventory(url: &str, concurrency: usize) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_maturity"))
        .args(["audit", dir.path().to_str().unwrap(), "--no-store", "--no-progress", "-f", "json", "--aws"])
        .args(["--region", "us-east-1", "--region", "eu-west-1", "--endpoint-url", url])
        .args(["--aws-concurrency", &concurrency.to_string()])
        .env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_CONFIG_FILE", "/nonexistent/bench")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/bench")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &card["cloud"];
    Run {
        wall_ms: c["duration_ms"].as_u64().unwrap(),
        calls_ms: c["calls_ms"].as_u64().unwrap(),
        calls: c["calls"].as_u64().unwrap(),
        resources: c["resources"].as_u64().unwrap(),
    }
}

/// A TCP relay to `upstream` that holds each chunk a client sends for `delay`: the latency of a
/// round trip to a remote endpoint, added to every request.
fn relay(upstream: &str, delay: Duration) -> String {
    let upstream = upstream.trim_start_matches("http://").to_string();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                loop {
                    let n = match c_in.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    std::thread::sleep(delay);
                    if s_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = s_out.shutdown(std::net::Shutdown::Write);
            });
            let (mut s_in, mut c_out) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_in, &mut c_out);
                let _ = c_out.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    url
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` and tooling probes
    }
    let Some(moto) = moto::start(&[]) else { return };
    let wanted: usize = std::env::var("MATURITY_BENCH_AWS_RESOURCES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let seeded = std::time::Instant::now();
    moto.seed(&["bulk", &wanted.to_string()]);
    eprintln!("seeded in {:.1} s", seeded.elapsed().as_secs_f64());
    let latency: u64 = std::env::var("MATURITY_BENCH_AWS_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let delayed = relay(&moto.url, Duration::from_millis(latency));
    println!("AWS inventory of a seeded account (moto on 127.0.0.1, two regions), median of {RUNS} runs");
    println!(
        "{:>22} {:>12} {:>10} {:>8} {:>12} {:>10} {:>9}",
        "endpoint", "concurrency", "resources", "calls", "wall (ms)", "sum (ms)", "overlap"
    );
    let direct = ("moto".to_string(), moto.url.clone());
    let remote = (format!("moto + {latency} ms latency"), delayed);
    for ((label, url), concurrency) in [(&direct, 16), (&direct, 1), (&remote, 16), (&remote, 1)] {
        inventory(url, concurrency); // warm-up
        let runs: Vec<Run> = (0..RUNS).map(|_| inventory(url, concurrency)).collect();
        let resources = runs[0].resources;
        let calls = runs[0].calls;
        assert!(resources as usize >= wanted, "only {resources} resources were read");
        let wall = median(runs.iter().map(|r| r.wall_ms).collect());
        let sum = median(runs.iter().map(|r| r.calls_ms).collect());
        println!(
            "{label:>22} {concurrency:>12} {resources:>10} {calls:>8} {wall:>12} {sum:>10} {:>8.1}x",
            sum as f64 / wall.max(1) as f64
        );
    }
}
