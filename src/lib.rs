//! sagroam: a terminal UI and command line for roaming Smart Access Gateway APP client accounts
//! between regions, with a built-in emulator of the Smartag API.
//!
//! The binary is a thin `main.rs` over this library so that the integration tests, the
//! benchmark and the conformance suite can reach the emulator handle and the app state.

// api::Error carries the server's whole error body (Code, Message, RequestId, HostId,
// Recommend, AccessDeniedDetail); it is built once per failed call, far from any hot path, so
// its size costs nothing worth boxing it for.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod app;
pub mod backend;
pub mod cli;
pub mod emulator;
pub mod logging;
pub mod options;
pub mod tui;
pub mod ui;
