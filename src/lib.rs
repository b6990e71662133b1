//! sagroam: a terminal UI and command line for roaming Smart Access Gateway APP client accounts
//! between regions, with a built-in emulator of the Smartag API.
//!
//! The binary is a thin `main.rs` over this library so that the integration tests, the
//! benchmark and the conformance suite can reach the emulator handle and the app state.

pub mod api;
pub mod app;
pub mod backend;
pub mod cli;
pub mod emulator;
pub mod logging;
pub mod tui;
pub mod ui;
