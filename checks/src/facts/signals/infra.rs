//! Signals for infrastructure, databases, caching, load balancing and performance (items 1.x and 5.x).

#[allow(unused_imports)]
use super::{ALL, CODE, CONFIG, JS, SERVER, Signal, s};

pub(super) static SIGNALS: &[Signal] = &[];
