//! Terminal set-up and restore, the event loop, running effects, render scheduling.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::GlobalOpts;

pub fn run(global: GlobalOpts, log: Result<PathBuf, String>) -> ExitCode {
    let _ = (global, log);
    eprintln!("sagroam: the terminal UI is not built yet");
    ExitCode::from(1)
}
