//! The Smartag emulator: a local endpoint faithful enough for the official SDKs. Uses
//! `api::sign` and `api::model`, nothing above them.
//!
//! CONTRACT (the emulator work fills it in, keeping these signatures):
//! - `Emulator::start(listen, Options)` binds and serves on the current tokio runtime.
//! - `Emulator::start_demo()` binds 127.0.0.1:0 with the built-in demo world.
//! - `script(action, fault, n)`: the next `n` calls of `action` get `fault`.
//! - `stats()`: requests per action and the most requests in flight at once.
//! - `users(smart_ag_id)`: a snapshot of an instance's accounts, for tests.

pub mod acs3;
pub mod cli;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use crate::api::model::ClientUser;

/// The demo world's key pair. Public on purpose: it opens nothing but the emulator.
pub const DEMO_ACCESS_KEY_ID: &str = "LTAI5tDemoSagroamKey";
pub const DEMO_ACCESS_KEY_SECRET: &str = "sagroam-demo-secret-not-a-real-key";

/// A fault to inject into the next calls of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 503 `ServiceUnavailable`.
    Unavailable,
    /// HTTP 400 `Throttling.User` with `x-acs-retry-after: <ms>`.
    Throttle { retry_after_ms: u64 },
    /// The write is committed, then the connection is closed before any byte of the answer.
    Drop,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests seen per action name (unknown actions included, as sent).
    pub requests: BTreeMap<String, u64>,
    /// The most requests in flight at once since the start or the last reset.
    pub max_in_flight: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The world file's JSON; `None` is the built-in demo world.
    pub world_json: Option<String>,
    /// Serve only this key (id, secret) instead of the world's own keys.
    pub access_key: Option<(String, String)>,
    pub latency: Duration,
    pub jitter: Duration,
    pub fail_rate: f64,
    pub throttle_rate: f64,
    pub drop_rate: f64,
    pub seed: u64,
}

pub struct Emulator {
    addr: SocketAddr,
}

impl Emulator {
    pub async fn start(listen: SocketAddr, options: Options) -> std::io::Result<Emulator> {
        let _ = options;
        Ok(Emulator { addr: listen })
    }

    pub async fn start_demo() -> std::io::Result<Emulator> {
        Self::start(SocketAddr::from(([127, 0, 0, 1], 0)), Options::default()).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn script(&self, action: &str, fault: Fault, times: u32) {
        let _ = (action, fault, times);
    }

    pub fn set_latency(&self, latency: Duration, jitter: Duration) {
        let _ = (latency, jitter);
    }

    pub fn stats(&self) -> Stats {
        Stats::default()
    }

    pub fn reset_stats(&self) {}

    pub fn users(&self, smart_ag_id: &str) -> Option<Vec<ClientUser>> {
        let _ = smart_ag_id;
        None
    }
}
