use std::process::ExitCode;

use clap::Parser;

use sagroam::cli::{self, Cli, Command};
use sagroam::{emulator, logging, tui};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; real usage errors exit 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(cli::exit::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };

    let log = logging::init(cli.global.log_file.as_deref());

    match cli.command {
        None => tui::run(cli.global, log),
        Some(Command::Emulator(args)) => emulator::cli::run(args),
        Some(command) => cli::run(cli.global, command),
    }
}
