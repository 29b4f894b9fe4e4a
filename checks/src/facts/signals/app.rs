//! Signals for application architecture, API, authentication, hardening and governance (items 2.x, 4.x).

#[allow(unused_imports)]
use super::{ALL, CODE, CONFIG, JS, SERVER, Signal, s};

pub(super) static SIGNALS: &[Signal] = &[];
