//! `sagroam emulator`: the emulator as a process of its own.

use std::process::ExitCode;

use crate::cli::EmulatorArgs;

pub fn run(args: EmulatorArgs) -> ExitCode {
    let _ = args;
    eprintln!("sagroam emulator: not built yet");
    ExitCode::from(1)
}
