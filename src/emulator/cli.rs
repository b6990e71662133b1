//! `sagroam emulator`: the emulator as a process of its own. The first line on stdout is
//! `listening on http://HOST:PORT`, flushed at once, so a script can read the address; it
//! serves until SIGINT or SIGTERM and then exits 0.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::{Emulator, Options, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};
use clap::Args;

/// Exit statuses of `sagroam emulator`.
mod exit {
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// The options of `sagroam emulator`.
#[derive(Debug, Args, Clone)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free one
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,

    /// A world file (JSON) to load instead of the built-in demo world
    #[arg(long, value_name = "FILE")]
    pub world: Option<PathBuf>,

    /// Serve this AccessKeyId; its secret comes from SAGROAM_EMULATOR_ACCESS_KEY_SECRET
    #[arg(long, value_name = "ID")]
    pub access_key_id: Option<String>,

    /// Added latency of every answer, in milliseconds
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub latency_ms: u64,

    /// Up to this many milliseconds added to the latency at random
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub jitter_ms: u64,

    /// Share of calls answered with 503 ServiceUnavailable (0 to 1)
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub fail_rate: f64,

    /// Share of calls answered with Throttling.User (0 to 1)
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub throttle_rate: f64,

    /// Share of writes committed and then dropped before any byte of the answer (0 to 1)
    #[arg(long, default_value_t = 0.0, value_name = "P")]
    pub drop_rate: f64,

    /// Seed of the fault dice: the same seed and calls give the same faults
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
}

/// Where the secret of `--access-key-id` comes from: never the command line.
pub const SECRET_ENV: &str = "SAGROAM_EMULATOR_ACCESS_KEY_SECRET";

pub fn run(args: EmulatorArgs) -> ExitCode {
    let options = match options(&args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("sagroam emulator: {message}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let listen = match resolve(&args.listen) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("sagroam emulator: {message}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sagroam emulator: cannot start the runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    let demo_keys = args.world.is_none() && args.access_key_id.is_none();
    runtime.block_on(serve(listen, options, demo_keys))
}

fn options(args: &EmulatorArgs) -> Result<Options, String> {
    for (name, rate) in [
        ("--fail-rate", args.fail_rate),
        ("--throttle-rate", args.throttle_rate),
        ("--drop-rate", args.drop_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("{name} is a share from 0 to 1, not {rate}"));
        }
    }
    let world_json = match &args.world {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the world file {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let access_key = match &args.access_key_id {
        Some(id) => {
            let secret = std::env::var(SECRET_ENV)
                .ok()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("--access-key-id needs its secret in {SECRET_ENV}"))?;
            Some((id.clone(), secret))
        }
        None => None,
    };
    Ok(Options {
        world_json,
        access_key,
        latency: Duration::from_millis(args.latency_ms),
        jitter: Duration::from_millis(args.jitter_ms),
        fail_rate: args.fail_rate,
        throttle_rate: args.throttle_rate,
        drop_rate: args.drop_rate,
        seed: args.seed,
        ..Options::default()
    })
}

fn resolve(listen: &str) -> Result<SocketAddr, String> {
    listen
        .to_socket_addrs()
        .map_err(|e| format!("--listen {listen:?}: {e}"))?
        .next()
        .ok_or_else(|| format!("--listen {listen:?} names no address"))
}

async fn serve(listen: SocketAddr, options: Options, demo_keys: bool) -> ExitCode {
    // Listen for the signals before the address is printed: a caller may send one as soon as
    // it has read the first line.
    let mut signals = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sagroam emulator: cannot listen for signals: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    let emulator = match Emulator::start(listen, options).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("sagroam emulator: cannot serve on {listen}: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };

    let mut out = std::io::stdout().lock();
    let mut printed = writeln!(out, "listening on {}", emulator.url()).and_then(|_| out.flush());
    if printed.is_ok() {
        printed = if demo_keys {
            writeln!(out, "AccessKeyId: {DEMO_ACCESS_KEY_ID}")
                .and_then(|_| writeln!(out, "AccessKeySecret: {DEMO_ACCESS_KEY_SECRET}"))
                .and_then(|_| writeln!(out, "(the demo world's public key pair)"))
        } else {
            writeln!(
                out,
                "AccessKeyIds: {}",
                emulator.access_key_ids().join(", ")
            )
        }
        .and_then(|_| out.flush());
    }
    drop(out);
    if let Err(e) = printed {
        eprintln!("sagroam emulator: cannot write to stdout: {e}");
        return ExitCode::from(exit::OTHER);
    }

    let name = signals.next().await;
    tracing::info!("emulator stopping on {name}");
    drop(emulator);
    ExitCode::SUCCESS
}

#[cfg(unix)]
struct StopSignals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl StopSignals {
    fn install() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

#[cfg(not(unix))]
struct StopSignals;

#[cfg(not(unix))]
impl StopSignals {
    fn install() -> std::io::Result<StopSignals> {
        Ok(StopSignals)
    }

    async fn next(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
