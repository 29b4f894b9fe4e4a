//! The `maturity-app` binary: the desktop dashboard. Everything is in the library so that tests
//! and the benchmark call the same command functions.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    maturity_app::run();
}
