//! Jenkinsfiles (declarative and scripted): stages, `when` conditions and the steps they run.
//!
//! A Jenkinsfile is a Groovy program and there is no maintained Groovy parser for Rust, so this
//! is a small tokenizer that understands comments, the four string quotings and brace nesting,
//! which is all the declarative structure needs: `stage('Test') { when {...} steps { sh '...' } }`.
//! Nothing is evaluated; interpolated strings are kept as written.

use super::{CiSystem, Cx, Job, Pipeline, PrTrigger, Step};

pub(super) fn collect(cx: &mut Cx, out: &mut Vec<Pipeline>) {
    let files: Vec<usize> = cx
        .files
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let n = e.name();
            e.location.is_project()
                && (n == "Jenkinsfile" || n.starts_with("Jenkinsfile.") || n.ends_with(".jenkinsfile"))
        })
        .map(|(i, _)| i)
        .collect();
    for i in files {
        let path = cx.files.entry(i).path.clone();
        let Some(text) = cx.files.text(i) else {
            continue;
        };
        out.push(parse(&path, text));
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    LBrace,
    RBrace,
    LParen,
    RParen,
    Sep,
    Other,
}

struct T {
    tok: Tok,
    line: u32,
}

fn lex(text: &str) -> Vec<T> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                out.push(T { tok: Tok::Sep, line });
                line += 1;
                i += 1;
            }
            b';' => {
                out.push(T { tok: Tok::Sep, line });
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    if b[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            b'\'' | b'"' => {
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                let start_line = line;
                let mut s = Vec::new();
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        s.push(b[i + 1]);
                        i += 2;
                        continue;
                    }
                    if b[i] == c && (!triple || (b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c))) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    if b[i] == b'\n' {
                        line += 1;
                        if !triple {
                            break;
                        }
                    }
                    s.push(b[i]);
                    i += 1;
                }
                out.push(T { tok: Tok::Str(String::from_utf8_lossy(&s).into_owned()), line: start_line });
            }
            b'{' => {
                out.push(T { tok: Tok::LBrace, line });
                i += 1;
            }
            b'}' => {
                out.push(T { tok: Tok::RBrace, line });
                i += 1;
            }
            b'(' => {
                out.push(T { tok: Tok::LParen, line });
                i += 1;
            }
            b')' => {
                out.push(T { tok: Tok::RParen, line });
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                    i += 1;
                }
                out.push(T { tok: Tok::Ident(String::from_utf8_lossy(&b[start..i]).into_owned()), line });
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                out.push(T { tok: Tok::Other, line });
                i += 1;
            }
        }
    }
    out
}

/// For every token that opens a group (a brace or a parenthesis), the index just past the token
/// that closes it (the end of the file when none does), found in one pass: looking each one up
/// by scanning forward would be quadratic in deeply nested files.
fn closes(toks: &[T]) -> Vec<usize> {
    let mut out = vec![toks.len(); toks.len()];
    let mut braces: Vec<usize> = Vec::new();
    let mut parens: Vec<usize> = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::LBrace => braces.push(k),
            Tok::LParen => parens.push(k),
            Tok::RBrace => {
                if let Some(o) = braces.pop() {
                    out[o] = k + 1;
                }
            }
            Tok::RParen => {
                if let Some(o) = parens.pop() {
                    out[o] = k + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// Blocks nested deeper than this are not walked (the recursion below follows the nesting).
const MAX_BLOCK_DEPTH: usize = 64;

/// The tokens of a file and where each group closes.
struct Toks {
    toks: Vec<T>,
    closes: Vec<usize>,
    /// Steps and stages read so far, against the pipeline budget.
    work: std::cell::Cell<usize>,
}

impl Toks {
    fn close(&self, open: usize) -> usize {
        self.closes.get(open).copied().unwrap_or(self.toks.len())
    }
}

const SHELL: &[&str] = &["sh", "bat", "powershell", "pwsh"];

/// Declarative directives: configuration, not steps (their blocks are not walked either).
const DIRECTIVES: &[&str] =
    &["agent", "options", "triggers", "tools", "environment", "parameters", "libraries", "label", "customWorkspace"];

pub(super) fn parse(path: &str, text: &str) -> Pipeline {
    let toks = lex(text);
    let closes = closes(&toks);
    let t = Toks { toks, closes, work: std::cell::Cell::new(0) };
    let mut p = Pipeline::new(CiSystem::Jenkins, path);
    p.pr = PrTrigger::Implicit {
        reason: "a multibranch Jenkins job builds every branch and, with a change-request source, pull requests".into(),
    };
    p.push = true;
    p.scheduled = t.toks.iter().any(|t| matches!(&t.tok, Tok::Ident(n) if n == "cron" || n == "pollSCM"));
    let mut top = Job::new("(pipeline)", path, 1);
    block(path, &t, 0, t.toks.len(), &mut top, &mut p.jobs, 0);
    if !top.steps.is_empty() {
        p.jobs.push(top);
    }
    p
}

/// Walks the statements between `from` and `to`, adding steps to `job` and stages to `jobs`.
fn block(path: &str, t: &Toks, from: usize, to: usize, job: &mut Job, jobs: &mut Vec<Job>, depth: usize) {
    if depth > MAX_BLOCK_DEPTH {
        return;
    }
    let toks = &t.toks;
    let mut i = from;
    let mut at_start = true;
    while i < to {
        if t.work.get() > super::MAX_RESOLUTION_WORK {
            return;
        }
        match &toks[i].tok {
            Tok::Sep => {
                at_start = true;
                i += 1;
            }
            Tok::Ident(name) if at_start => {
                let name = name.clone();
                let line = toks[i].line;
                let mut j = i + 1;
                let mut args: Vec<String> = Vec::new();
                // arguments: a parenthesised group and/or bare strings up to the end of the statement
                while j < to && !matches!(toks[j].tok, Tok::Sep | Tok::LBrace | Tok::RBrace) {
                    if toks[j].tok == Tok::LParen {
                        let end = t.close(j).min(to);
                        args.extend(toks[j..end].iter().filter_map(|t| match &t.tok {
                            Tok::Str(s) => Some(s.clone()),
                            _ => None,
                        }));
                        j = end;
                        continue;
                    }
                    if let Tok::Str(s) = &toks[j].tok {
                        args.push(s.clone());
                    }
                    j += 1;
                }
                if DIRECTIVES.contains(&name.as_str()) {
                    i = if j < to && toks[j].tok == Tok::LBrace { t.close(j).min(to) } else { j };
                    at_start = false;
                    continue;
                }
                if j < to && toks[j].tok == Tok::LBrace {
                    let end = t.close(j).min(to).max(j + 1);
                    match name.as_str() {
                        "stage" => {
                            let label = args.first().cloned().unwrap_or_else(|| "stage".into());
                            let mut stage = Job::new(&label, path, line);
                            block(path, t, j + 1, end.saturating_sub(1), &mut stage, jobs, depth + 1);
                            if !stage.steps.is_empty() {
                                jobs.push(stage);
                            }
                        }
                        "when" => apply_when(&toks[j..end], job),
                        "input" => job.manual = true,
                        _ => block(path, t, j + 1, end.saturating_sub(1), job, jobs, depth + 1),
                    }
                    i = end;
                } else {
                    if name == "input" {
                        job.manual = true;
                    }
                    let mut step = Step::new(path, line);
                    if SHELL.contains(&name.as_str()) {
                        step.run = args.first().map(|s| super::clean_script(s));
                    } else {
                        step.uses = Some(name.clone());
                        step.inputs = args;
                    }
                    job.steps.push(step);
                    t.work.set(t.work.get() + 1);
                    i = j;
                }
                at_start = false;
            }
            _ => {
                at_start = false;
                i += 1;
            }
        }
    }
}

fn apply_when(toks: &[T], job: &mut Job) {
    let idents: Vec<&str> =
        toks.iter().filter_map(|t| if let Tok::Ident(n) = &t.tok { Some(n.as_str()) } else { None }).collect();
    let negated = idents.contains(&"not");
    if idents.contains(&"changeRequest") {
        job.on_pr = !negated;
        return;
    }
    let branch_args: Vec<&str> = toks
        .windows(2)
        .filter_map(|w| match (&w[0].tok, &w[1].tok) {
            (Tok::Ident(n), Tok::Str(s)) if n == "branch" => Some(s.as_str()),
            _ => None,
        })
        .collect();
    if idents.contains(&"buildingTag") || idents.contains(&"tag") || branch_args.iter().any(|b| !b.starts_with("PR-")) {
        job.on_pr = negated;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarative_pipeline() {
        let text = r#"
pipeline {
  agent any
  triggers { cron('H 4 * * *') }
  stages {
    stage('Test') {
      steps {
        // sh 'echo commented out'
        sh 'vendor/bin/phpunit --coverage-clover build/logs/clover.xml'
        junit 'build/logs/junit.xml'
      }
    }
    stage("Deploy") {
      when { branch 'main' }
      steps {
        input message: 'Ship it?'
        sh """
          helm upgrade --install shop ./chart
        """
      }
    }
  }
}
"#;
        let p = parse("Jenkinsfile", text);
        assert!(p.scheduled);
        let names: Vec<&str> = p.jobs.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(names, vec!["Test", "Deploy"]);
        let test = &p.jobs[0];
        assert!(test.on_pr);
        assert_eq!(test.steps[0].run.as_deref(), Some("vendor/bin/phpunit --coverage-clover build/logs/clover.xml"));
        assert_eq!(test.steps[0].line, 9);
        assert_eq!(test.steps.len(), 2, "the commented-out step is not a step");
        let deploy = &p.jobs[1];
        assert!(!deploy.on_pr, "branch 'main' keeps it off pull requests");
        assert!(deploy.manual);
        assert!(deploy.steps.iter().any(|s| s.run.as_deref() == Some("helm upgrade --install shop ./chart")));
    }

    #[test]
    fn scripted_pipeline_and_change_requests() {
        let text = "node {\n  stage('Build') { sh(script: 'make test') }\n  stage('PR only') {\n    when { changeRequest() }\n    sh 'make lint'\n  }\n}\n";
        let p = parse("Jenkinsfile", text);
        assert_eq!(p.jobs.len(), 2);
        assert_eq!(p.jobs[0].steps[0].run.as_deref(), Some("make test"));
        assert!(p.jobs[1].on_pr);
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in ["}}}{{{", "stage(", "'unterminated", "/* open comment", "stage('x') {", ""] {
            let _ = parse("Jenkinsfile", text);
        }
    }
}
