//! Audit progress as events for the Run view, and the cancel flag the engine polls.
//!
//! The engine reports stages and units (files read, files scanned, items judged); this turns
//! them into at most about ten events a second, so a large repository cannot flood the window.

use maturity_checks::facts::Progress;
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    /// A stage starts; `total` units when known.
    Stage { name: String, total: Option<u64> },
    /// Units done in the current stage.
    Advance { done: u64, total: Option<u64> },
    /// A warning about the repository's configuration or roadmap.
    Warning { message: String },
}

pub type Sink<'a> = &'a (dyn Fn(AuditEvent) + Send + Sync);

pub struct Reporter<'a> {
    sink: Sink<'a>,
    cancel: &'a AtomicBool,
    done: AtomicU64,
    total: Mutex<Option<u64>>,
    last: Mutex<Instant>,
}

const EVERY: Duration = Duration::from_millis(100);

impl<'a> Reporter<'a> {
    pub fn new(sink: Sink<'a>, cancel: &'a AtomicBool) -> Reporter<'a> {
        Reporter { sink, cancel, done: AtomicU64::new(0), total: Mutex::new(None), last: Mutex::new(Instant::now()) }
    }
}

impl Progress for Reporter<'_> {
    fn stage(&self, name: &str, total: Option<u64>) {
        self.done.store(0, Ordering::Relaxed);
        *self.total.lock().unwrap_or_else(|e| e.into_inner()) = total;
        (self.sink)(AuditEvent::Stage { name: name.to_string(), total });
    }

    fn advance(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        let total = *self.total.lock().unwrap_or_else(|e| e.into_inner());
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= EVERY || Some(done) == total {
            *last = Instant::now();
            drop(last);
            (self.sink)(AuditEvent::Advance { done, total });
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}
