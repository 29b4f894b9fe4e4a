//! Signals for observability, code quality, documentation and business alignment (items 3.x, 6.x, 7.x).

#[allow(unused_imports)]
use super::{ALL, CODE, CONFIG, JS, SERVER, Signal, s};

pub(super) static SIGNALS: &[Signal] = &[];
