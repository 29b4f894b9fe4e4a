//! Rego policies for what the TOML rules cannot say, evaluated in-process with regorus.
//!
//! A policy is one `.rego` file of its pack. Its input is the facts document; it answers with a
//! rule named `verdict` in its package:
//!
//! ```rego
//! package acme.terraform
//! default verdict := {"status": "unknown", "message": "no module was found"}
//! verdict := {"status": "pass", "message": "...", "evidence": [{"path": "main.tf", "line": 3}]} if { ... }
//! ```
//!
//! `status` is `pass`, `partial` (with a `score` between 0 and 1, 0.5 when absent), `fail`,
//! `unknown` or `not_assessed`; `message` is a sentence; `evidence` lists items shaped like the
//! scorecard's evidence (`{"path", "line", "snippet"}` for a file, or with a `kind`). Anything
//! else in the verdict is an error, and so the check answers `unknown` naming it.
//!
//! Limits: a policy file is at most [`MAX_POLICY_BYTES`]; regorus refuses expressions nested
//! deeper than 32 and rules that recurse; every evaluation runs on its own thread with a
//! wall-clock limit that regorus checks between steps, a memory budget that the allocator
//! enforces at every allocation ([`super::budget`]), and a watchdog that stops waiting when
//! neither answers. A policy that goes over a limit makes its check `unknown` with the reason; the
//! audit goes on. Builtins that read the environment, the clock, the network or random numbers
//! are not compiled in (regorus features `opa-runtime`, `time`, `http`, `uuid` are off).

use super::budget;
use crate::model::{Evidence, Finding, Status, clip};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Largest policy file read.
pub const MAX_POLICY_BYTES: u64 = 256 * 1024;

/// Characters kept of a verdict's message.
const MAX_MESSAGE: usize = 500;

/// What one evaluation may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    /// Bytes the evaluation thread may hold at once.
    pub memory: usize,
}

/// The limits of every policy evaluation of an audit.
pub const LIMITS: Limits = Limits { time: Duration::from_secs(2), memory: 256 << 20 };

/// Stack of the evaluation thread: the interpreter recurses once per nested expression.
const STACK: usize = 64 << 20;

/// Brackets (`[`, `{`, `(`) a policy may nest: regorus parses nested brackets in time that
/// doubles with every level (20 levels take over a minute), before any time limit applies.
pub const MAX_NESTING: usize = 10;

/// A policy, parsed once when its pack loads.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The file as shown to people (`checks/acme/modules.rego`).
    pub file: String,
    pub text: String,
    /// `data.acme.terraform`: where `verdict` is.
    pub package: String,
}

/// A policy that does not load, at a position of its file when regorus gives one.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Policy {
    /// Parses `text`; errors carry the line and column regorus reports.
    pub fn load(file: &str, text: &str) -> Result<Policy, LoadError> {
        if let Some(line) = crate::text::too_deep(text, MAX_NESTING) {
            return Err(LoadError {
                line,
                column: 1,
                message: format!("brackets nest deeper than {MAX_NESTING} levels: split the expression into rules"),
            });
        }
        let mut engine = regorus::Engine::new();
        let package = crate::facts::guard(|| engine.add_policy(file.to_string(), text.to_string()))
            .map_err(|panic| LoadError { line: 1, column: 1, message: format!("the Rego parser failed: {panic}") })?
            .map_err(|e| position(&e.to_string()))?;
        let ast = engine.get_ast_as_json().map_err(|e| position(&e.to_string()))?;
        let ast: Value = serde_json::from_str(&ast).map_err(|e| LoadError {
            line: 1,
            column: 1,
            message: format!("the policy's syntax tree does not read: {e}"),
        })?;
        calls::check(&ast, &package)?;
        if !DECLARES_VERDICT.is_match(text) {
            return Err(LoadError {
                line: 1,
                column: 1,
                message: "the policy declares no `verdict` rule (see the README's Rego contract)".into(),
            });
        }
        Ok(Policy { file: file.to_string(), text: text.to_string(), package })
    }
}

static DECLARES_VERDICT: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?m)^[ \t]*(?:default[ \t]+)?verdict(?-u:\b)").expect("valid"));

/// Function calls, checked before a policy is accepted: regorus stops rules that recurse, but a
/// function that calls itself (directly or through others) would recurse until the thread's
/// stack overflows, which no limit can stop. So do long chains of calls. OPA refuses recursion
/// in both; so do we, at load time.
mod calls {
    use super::LoadError;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Deepest chain of function calls accepted.
    pub const MAX_CHAIN: usize = 32;

    /// A name as written: `f`, `lib.f`, `data.acme.f`.
    fn name(refr: &Value) -> Option<String> {
        if let Some(v) = refr.get("Var") {
            return v.get("value")?.as_str().map(str::to_string);
        }
        let dot = refr.get("RefDot")?;
        let field = dot.get("field")?.get(1)?.as_str()?;
        Some(format!("{}.{field}", name(dot.get("refr")?)?))
    }

    fn line_col(v: &Value) -> (u32, u32) {
        let span = |v: &Value| -> Option<(u32, u32)> {
            let s = v.as_object()?.values().next()?.get("span")?;
            Some((s.get("line")?.as_u64()? as u32, s.get("col")?.as_u64()? as u32))
        };
        span(v).unwrap_or((1, 1))
    }

    /// Every function called anywhere below `v`.
    fn called(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(call) = m.get("Call")
                    && let Some(n) = call.get("fcn").and_then(name)
                {
                    out.push(n);
                }
                m.values().for_each(|x| called(x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| called(x, out)),
            _ => {}
        }
    }

    pub fn check(ast: &Value, package: &str) -> Result<(), LoadError> {
        let prefix = format!("{package}.");
        let local = |n: String| n.strip_prefix(&prefix).map(str::to_string).unwrap_or(n);
        // function name → (where first defined, functions it calls)
        let mut graph: BTreeMap<String, ((u32, u32), Vec<String>)> = BTreeMap::new();
        let modules = ast.as_array().into_iter().flatten();
        for rule in modules.flat_map(|m| m["ast"]["rules"].as_array().into_iter().flatten()) {
            let Some(func) = rule.get("Spec").and_then(|s| s.get("head")).and_then(|h| h.get("Func")) else {
                continue;
            };
            let Some(n) = func.get("refr").and_then(name).map(local) else { continue };
            let mut out = Vec::new();
            called(rule, &mut out);
            let at = line_col(func.get("refr").unwrap_or(&Value::Null));
            let entry = graph.entry(n).or_insert((at, Vec::new()));
            entry.1.extend(out.into_iter().map(local));
        }
        // depth-first, remembering the longest chain below each function
        fn depth(
            f: &str,
            graph: &BTreeMap<String, ((u32, u32), Vec<String>)>,
            stack: &mut Vec<String>,
            done: &mut BTreeMap<String, usize>,
        ) -> Result<usize, Vec<String>> {
            if let Some(d) = done.get(f) {
                return Ok(*d);
            }
            if let Some(i) = stack.iter().position(|s| s == f) {
                let mut cycle = stack[i..].to_vec();
                cycle.push(f.to_string());
                return Err(cycle);
            }
            let Some((_, calls)) = graph.get(f) else { return Ok(0) };
            stack.push(f.to_string());
            let mut deepest = 0;
            for c in calls.iter().filter(|c| graph.contains_key(*c)) {
                deepest = deepest.max(depth(c, graph, stack, done)?);
            }
            stack.pop();
            done.insert(f.to_string(), deepest + 1);
            Ok(deepest + 1)
        }
        let mut done = BTreeMap::new();
        for (f, (at, _)) in &graph {
            match depth(f, &graph, &mut Vec::new(), &mut done) {
                Err(cycle) => {
                    return Err(LoadError {
                        line: at.0,
                        column: at.1,
                        message: format!(
                            "the function `{f}` calls itself ({}): Rego functions may not recurse",
                            cycle.join(" → ")
                        ),
                    });
                }
                Ok(d) if d > MAX_CHAIN => {
                    return Err(LoadError {
                        line: at.0,
                        column: at.1,
                        message: format!("the function `{f}` starts a chain of {d} nested calls (at most {MAX_CHAIN})"),
                    });
                }
                Ok(_) => {}
            }
        }
        Ok(())
    }
}

/// regorus's diagnostic (`--> file:line:col`, the source line, `error: message`) as a position
/// and the message.
fn position(text: &str) -> LoadError {
    static AT: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"-->[^\n]*:(\d+):(\d+)").expect("valid"));
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error:"))
        .or_else(|| text.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("the policy does not parse")
        .trim()
        .to_string();
    let (line, column) =
        AT.captures(text).map(|c| (c[1].parse().unwrap_or(1), c[2].parse().unwrap_or(1))).unwrap_or((1, 1));
    LoadError { line, column, message: clip(&message, 300) }
}

/// What an evaluation gave: the finding, and what the policy printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub finding: Finding,
    pub prints: Vec<String>,
}

/// Evaluates `policy` over `input` within `limits`. Never fails: a policy that breaks a limit,
/// errs or answers out of contract gives an `unknown` finding saying so.
pub fn judge(policy: &Policy, input: &regorus::Value, limits: Limits) -> Judged {
    let exceeded = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let job = {
        let policy = policy.clone();
        let input = input.clone();
        let exceeded = exceeded.clone();
        move || {
            let armed = budget::Armed::arm(limits.memory, exceeded);
            let out = crate::facts::guard(|| run(&policy, input, limits.time)).unwrap_or_else(|panic| {
                Err(format!("the Rego interpreter failed ({panic}); please report this as a bug"))
            });
            let enforced = armed.enforced();
            drop(armed);
            let _ = tx.send((out, enforced));
        }
    };
    let started = Instant::now();
    let spawned = std::thread::Builder::new().name("rego".into()).stack_size(STACK).spawn(job);
    if let Err(e) = spawned {
        return unknown(format!("the policy could not be evaluated: {e}"), Vec::new());
    }
    // the interpreter stops itself at the time limit; the grace covers one long builtin call
    let deadline = limits.time + Duration::from_secs(1);
    loop {
        match rx.recv_timeout(Duration::from_millis(10)) {
            Ok((Ok((value, prints)), _)) => return verdict(&value, prints),
            Ok((Err(why), _)) => return unknown(why, Vec::new()),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return unknown("the policy's evaluation ended without an answer".into(), Vec::new());
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if exceeded.load(Ordering::SeqCst) {
            return unknown(
                format!("the policy was stopped: it needed more than its memory budget of {} MiB", limits.memory >> 20),
                Vec::new(),
            );
        }
        if started.elapsed() > deadline {
            return unknown(
                format!("the policy was stopped: it did not finish within {} s", limits.time.as_secs_f64()),
                Vec::new(),
            );
        }
    }
}

fn unknown(why: String, prints: Vec<String>) -> Judged {
    Judged { finding: Finding::unknown(why), prints }
}

/// The evaluation itself, on the budgeted thread: the verdict as JSON, and the prints.
fn run(policy: &Policy, input: regorus::Value, time: Duration) -> Result<(Value, Vec<String>), String> {
    let mut engine = regorus::Engine::new();
    engine.set_gather_prints(true);
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: time,
        check_interval: std::num::NonZeroU32::new(16).expect("non-zero"),
    });
    engine.add_policy(policy.file.clone(), policy.text.clone()).map_err(|e| describe(&e))?;
    engine.set_input(input);
    let value = engine.eval_rule(format!("{}.verdict", policy.package)).map_err(|e| describe(&e))?;
    let prints = engine.take_prints().unwrap_or_default();
    if value == regorus::Value::Undefined {
        return Ok((Value::Null, prints));
    }
    let json = value.to_json_str().map_err(|e| format!("the verdict is not JSON: {e}"))?;
    let value = serde_json::from_str(&json).map_err(|e| format!("the verdict is not JSON: {e}"))?;
    Ok((value, prints))
}

/// A regorus error as a sentence: a limit by name, anything else by its first line.
fn describe(e: &anyhow::Error) -> String {
    if let Some(regorus::LimitError::TimeLimitExceeded { limit, .. }) = e.downcast_ref::<regorus::LimitError>() {
        return format!("the policy was stopped: it did not finish within {} s", limit.as_secs_f64());
    }
    // the whole chain: regorus puts its reason on a later line, or in a cause
    let text = format!("{e:#}");
    if text.contains("time limit") || text.contains("TimeLimitExceeded") {
        return "the policy was stopped: it ran out of time".to_string();
    }
    let reason = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no reason given");
    format!("the policy failed: {}", clip(reason, 300))
}

/// Reads the `verdict` value into a finding.
pub fn verdict(value: &Value, prints: Vec<String>) -> Judged {
    match read_verdict(value) {
        Ok(finding) => Judged { finding, prints },
        Err(why) => unknown(why, prints),
    }
}

fn read_verdict(value: &Value) -> Result<Finding, String> {
    let obj = match value {
        Value::Null => {
            return Err("the policy's `verdict` is undefined for this input (give it a `default verdict`)".into());
        }
        Value::Object(o) => o,
        other => return Err(format!("the policy's `verdict` is {}, not an object", kind(other))),
    };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "status" | "message" | "score" | "evidence")) {
        return Err(format!("the verdict has an unknown key `{}` (status, message, score, evidence)", clip(k, 40)));
    }
    let message = match obj.get("message") {
        Some(Value::String(m)) if !m.trim().is_empty() => clip(m.trim(), MAX_MESSAGE),
        _ => return Err("the verdict has no `message` (a sentence saying what was found)".into()),
    };
    let status = obj.get("status").and_then(Value::as_str).unwrap_or("");
    let mut finding = match status {
        "pass" => Finding::pass(message),
        "fail" => Finding::fail(message),
        "unknown" => Finding::unknown(message),
        "not_assessed" => Finding::not_assessed(message),
        "partial" => {
            let score = match obj.get("score") {
                None => 0.5,
                Some(s) => s
                    .as_f64()
                    .filter(|s| (0.0..=1.0).contains(s))
                    .ok_or("the verdict's `score` must be a number between 0 and 1")?,
            };
            Finding::partial(score, message)
        }
        other => {
            return Err(format!(
                "the verdict's `status` is `{}`, not pass, partial, fail, unknown or not_assessed",
                clip(other, 40)
            ));
        }
    };
    let items = match obj.get("evidence") {
        None => &Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("the verdict's `evidence` is {}, not a list", kind(other))),
    };
    for item in items.iter().take(super::rule::EVIDENCE_PER_CHECK) {
        finding.evidence.push(evidence(item)?);
    }
    if matches!(finding.status, Status::Pass | Status::Partial) && finding.evidence.is_empty() {
        finding.message = format!("{} (the policy cited no evidence).", finding.message.trim_end_matches('.'));
    }
    Ok(finding)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One evidence item: the scorecard's shape, `kind` defaulting to `file`; a file path must be
/// relative and stay inside the repository.
fn evidence(item: &Value) -> Result<Evidence, String> {
    let mut item = item.clone();
    if let Value::Object(o) = &mut item
        && !o.contains_key("kind")
    {
        o.insert("kind".into(), Value::String("file".into()));
    }
    let e: Evidence =
        serde_json::from_value(item).map_err(|e| format!("an evidence item of the verdict does not read: {e}"))?;
    let e = match e {
        Evidence::File { path, line, end_line, snippet } => {
            let p = std::path::Path::new(&path);
            if path.is_empty()
                || p.is_absolute()
                || p.components().any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir))
            {
                return Err(format!("the evidence path `{}` is not a path inside the repository", clip(&path, 80)));
            }
            Evidence::File { path, line, end_line, snippet: snippet.map(|s| clip(s.trim(), 160)) }
        }
        other => other,
    };
    Ok(e)
}

/// The facts document as the input of every policy of an audit (converted once).
pub fn input(json: &Value) -> regorus::Value {
    regorus::Value::from(json.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_failure_says_why_even_when_its_first_line_is_blank() {
        let cases = [
            ("\n   recursion in rule `r` 🔁\n  at line 2", "the policy failed: recursion in rule `r` 🔁"),
            ("", "the policy failed: no reason given"),
            ("Ошибка: 规则", "the policy failed: Ошибка: 规则"),
        ];
        for (error, said) in cases {
            assert_eq!(describe(&anyhow::anyhow!("{error}")), said);
        }
    }

    fn policy(body: &str) -> Policy {
        Policy::load("test.rego", &format!("package t\n{body}\n")).unwrap()
    }

    fn run_with(body: &str, input: Value, limits: Limits) -> Finding {
        judge(&policy(body), &super::input(&input), limits).finding
    }

    const FAST: Limits = Limits { time: Duration::from_millis(500), memory: 64 << 20 };

    #[test]
    fn verdicts_become_findings() {
        let input =
            json!({"terraform": {"blocks": [{"kind": "module", "path": "main.tf", "line": 3, "attributes": {}}]}});
        for (name, body, status, message) in [
            (
                "pass with evidence",
                r#"verdict := {"status": "pass", "message": "все модули 固定 🚀", "evidence": [{"path": b.path, "line": b.line} | some b in input.terraform.blocks]}"#,
                Status::Pass,
                "Все модули 固定 🚀.",
            ),
            (
                "partial without evidence",
                r#"verdict := {"status": "partial", "score": 0.25, "message": "one of four"}"#,
                Status::Partial,
                "One of four (the policy cited no evidence).",
            ),
            (
                "undefined",
                r#"verdict := {"status": "pass", "message": "x"} if { false }"#,
                Status::Unknown,
                "The policy's `verdict` is undefined for this input (give it a `default verdict`).",
            ),
            (
                "bad status",
                r#"verdict := {"status": "great", "message": "x"}"#,
                Status::Unknown,
                "The verdict's `status` is `great`, not pass, partial, fail, unknown or not_assessed.",
            ),
            (
                "unknown key",
                r#"verdict := {"status": "pass", "message": "x", "colour": 1}"#,
                Status::Unknown,
                "The verdict has an unknown key `colour` (status, message, score, evidence).",
            ),
            (
                "escape",
                r#"verdict := {"status": "pass", "message": "x", "evidence": [{"path": "../../etc/passwd"}]}"#,
                Status::Unknown,
                "The evidence path `../../etc/passwd` is not a path inside the repository.",
            ),
            ("not an object", "verdict := 3", Status::Unknown, "The policy's `verdict` is a number, not an object."),
            (
                "runtime error",
                r#"verdict := {"status": "pass", "message": sprintf("%d", [input.nothing.here])}"#,
                Status::Unknown,
                "",
            ),
        ] {
            let f = run_with(body, input.clone(), FAST);
            assert_eq!(f.status, status, "{name}: {}", f.message);
            if !message.is_empty() {
                assert_eq!(f.message, message, "{name}");
            }
        }
        let f = run_with(
            r#"verdict := {"status": "pass", "message": "x", "evidence": [{"path": "main.tf", "line": 3}]}"#,
            input,
            FAST,
        );
        assert_eq!(f.evidence, vec![Evidence::file("main.tf", Some(3))]);
    }

    #[test]
    fn runaway_policies_are_stopped_and_unknown() {
        let input = json!({"files": []});
        for (name, body, says) in [
            (
                "endless comprehension",
                "n := count([x | some x in numbers.range(1, 100000000000)])\nverdict := {\"status\": \"pass\", \"message\": sprintf(\"%d\", [n])}",
                "memory budget",
            ),
            (
                "nested loops",
                "n := count([[x, y, z] | some x in numbers.range(1, 2000); some y in numbers.range(1, 2000); some z in numbers.range(1, 2000)])\nverdict := {\"status\": \"pass\", \"message\": sprintf(\"%d\", [n])}",
                "stopped",
            ),
            (
                "doubling strings",
                &(0..40)
                    .fold("s0 := \"ab\"\n".to_string(), |acc, i| {
                        format!("{acc}s{} := concat(\"\", [s{i}, s{i}])\n", i + 1)
                    })
                    .chars()
                    .chain("verdict := {\"status\": \"pass\", \"message\": sprintf(\"%d\", [count(s40)])}".chars())
                    .collect::<String>(),
                "stopped",
            ),
        ] {
            let started = Instant::now();
            let f = run_with(body, input.clone(), FAST);
            assert_eq!(f.status, Status::Unknown, "{name}: {}", f.message);
            assert!(f.message.contains(says), "{name}: {}", f.message);
            assert!(started.elapsed() < Duration::from_secs(3), "{name} took {:?}", started.elapsed());
        }
    }

    #[test]
    fn recursion_and_bad_syntax_are_load_errors_with_positions() {
        for (name, body, at) in [
            ("itself", "f(x) := f(x)", (2, 1)),
            ("through another", "f(x) := y if { y := data.t.g(x) }\ng(x) := f(x) + 1", (2, 1)),
            ("in a comprehension", "f(x) := [y | some y in [f(x)]]", (2, 1)),
        ] {
            let text = format!(
                "package t\n{body}\nverdict := {{\"status\": \"pass\", \"message\": sprintf(\"%v\", [f(1)])}}\n"
            );
            let e = Policy::load("r.rego", &text).unwrap_err();
            assert!(e.message.contains("may not recurse"), "{name}: {e:?}");
            assert_eq!((e.line, e.column), at, "{name}");
        }
        let chain: String =
            (0..100).map(|i| format!("f{i}(x) := f{}(x) + 1\n", i + 1)).collect::<String>() + "f100(x) := x\n";
        let e = Policy::load(
            "chain.rego",
            &format!("package t\n{chain}verdict := {{\"status\": \"pass\", \"message\": sprintf(\"%v\", [f0(1)])}}\n"),
        )
        .unwrap_err();
        assert!(e.message.contains("nested calls"), "{e:?}");
        // a rule that depends on itself is stopped by regorus while evaluating
        let rule = Policy::load(
            "rule.rego",
            "package t\nr := x if { x := r + 1 }\nverdict := {\"status\": \"pass\", \"message\": sprintf(\"%v\", [r])}\n",
        );
        if let Ok(p) = rule {
            assert_eq!(judge(&p, &input(&json!({})), FAST).finding.status, Status::Unknown);
        }
        let e = Policy::load("bad.rego", "package t\n\nverdict := {\"status\": \n").unwrap_err();
        assert_eq!((e.line, e.column, e.message.as_str()), (4, 1, "expecting expression"));
        let e = Policy::load("none.rego", "package t\nallow := true\n").unwrap_err();
        assert!(e.message.contains("declares no `verdict`"), "{e:?}");
        for n in [11, 200, 100_000] {
            let started = Instant::now();
            let deep = format!("package t\nverdict := {}1{}\n", "[".repeat(n), "]".repeat(n));
            let e = Policy::load("deep.rego", &deep).unwrap_err();
            assert_eq!(
                (e.line, e.message.as_str()),
                (2, "brackets nest deeper than 10 levels: split the expression into rules")
            );
            assert!(started.elapsed() < Duration::from_secs(1), "{n}: {:?}", started.elapsed());
        }
    }

    #[test]
    fn policies_cannot_read_the_environment_or_the_network() {
        for builtin in [
            "opa.runtime()",
            "http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:1\"})",
            "time.now_ns()",
            "uuid.rfc4122(\"x\")",
        ] {
            let text =
                format!("package t\nx := {builtin}\nverdict := {{\"status\": \"pass\", \"message\": \"x\"}} if x\n");
            let outcome = Policy::load("env.rego", &text).map(|p| judge(&p, &input(&json!({})), FAST).finding.status);
            assert!(outcome.is_err() || outcome == Ok(Status::Unknown), "{builtin}: {outcome:?}");
        }
    }
}
