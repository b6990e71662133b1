//! The Smartag emulator: a local endpoint faithful enough for the official SDKs. Uses
//! `api::sign` and `api::model`, nothing above them.
//!
//! CONTRACT (the emulator work fills it in, keeping these signatures):
//! - `Emulator::start(listen, Options)` binds and serves on the current tokio runtime.
//! - `Emulator::start_demo()` binds 127.0.0.1:0 with the built-in demo world.
//! - `script(action, fault, n)`: the next `n` calls of `action` get `fault`.
//! - `stats()`: requests per action and the most requests in flight at once.
//! - `users(smart_ag_id)`: a snapshot of an instance's accounts, for tests.
//!
//! The server is axum's router served by hyper, one task per connection, so that a dropped
//! answer can close its connection before a byte of the answer is written: the handler commits
//! the write, signals its connection's task, and the task drops the connection.
//! Dropping the `Emulator` stops it.

pub mod acs3;
mod action_names;
pub mod actions;
mod auth;
pub mod cli;
mod faults;
mod reply;
pub mod world;
mod xml;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::api::model::ClientUser;
use crate::api::sign::{self, Params};

pub use action_names::SMARTAG_ACTIONS;
use auth::{Incoming, Nonces};
pub use auth::{DEFAULT_MAX_NONCES, DEFAULT_MAX_NONCE_BYTES, SIGNATURE_MISMATCH_PREFIX};
use faults::{Faults, Rates};
use reply::{Failure, Format};
use world::{AccessKey, World, WorldFile};

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

#[derive(Debug, Clone)]
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
    /// The longest `SignatureNonce` accepted, in bytes; longer is 400 `InvalidSignatureNonce`.
    pub max_nonce_bytes: usize,
    /// The most nonces remembered at once. When that many are in the window, a new signed
    /// request is 400 `Throttling.User` (with `x-acs-retry-after`) until the oldest falls due.
    pub max_nonces: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            world_json: None,
            access_key: None,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            fail_rate: 0.0,
            throttle_rate: 0.0,
            drop_rate: 0.0,
            seed: 0,
            max_nonce_bytes: DEFAULT_MAX_NONCE_BYTES,
            max_nonces: DEFAULT_MAX_NONCES,
        }
    }
}

/// What every request handler shares. Each lock is taken for a moment and never held across
/// an await.
struct Shared {
    keys: Vec<AccessKey>,
    world: Mutex<World>,
    nonces: Nonces,
    faults: Mutex<Faults>,
    requests: Mutex<BTreeMap<String, u64>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A poisoned lock still holds consistent data here: every write checks before it changes.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts a request in flight for as long as it lives.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> InFlight<'a> {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Lets a handler close its own connection without answering.
#[derive(Clone)]
struct Cut(Arc<Notify>);

pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    accept: JoinHandle<()>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        self.accept.abort();
    }
}

fn invalid_data(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

impl Emulator {
    pub async fn start(listen: SocketAddr, options: Options) -> std::io::Result<Emulator> {
        let file: WorldFile = match &options.world_json {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| invalid_data(format!("the world file does not parse: {e}")))?,
            None => WorldFile::demo(),
        };
        let world = World::from_file(&file).map_err(invalid_data)?;
        let keys = match &options.access_key {
            Some((id, secret)) => vec![AccessKey {
                id: id.clone(),
                secret: secret.clone(),
                active: true,
                security_tokens: Vec::new(),
            }],
            None => world.keys.clone(),
        };
        let rates = Rates {
            fail: options.fail_rate,
            throttle: options.throttle_rate,
            drop: options.drop_rate,
        };
        let faults = Faults::new(rates, options.seed, options.latency, options.jitter);
        let shared = Arc::new(Shared {
            keys,
            world: Mutex::new(world),
            nonces: Nonces::new(options.max_nonce_bytes, options.max_nonces),
            faults: Mutex::new(faults),
            requests: Mutex::new(BTreeMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });

        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let router = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (shutdown, stop) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, router, stop));
        tracing::info!("emulator listening on {addr}");
        Ok(Emulator {
            addr,
            shared,
            shutdown,
            accept,
        })
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
        lock(&self.shared.faults).script(action, fault, times);
    }

    pub fn set_latency(&self, latency: Duration, jitter: Duration) {
        lock(&self.shared.faults).set_latency(latency, jitter);
    }

    pub fn stats(&self) -> Stats {
        Stats {
            requests: lock(&self.shared.requests).clone(),
            max_in_flight: self.shared.max_in_flight.load(Ordering::SeqCst),
        }
    }

    pub fn reset_stats(&self) {
        lock(&self.shared.requests).clear();
        let now = self.shared.in_flight.load(Ordering::SeqCst);
        self.shared.max_in_flight.store(now, Ordering::SeqCst);
    }

    pub fn users(&self, smart_ag_id: &str) -> Option<Vec<ClientUser>> {
        let world = lock(&self.shared.world);
        let instance = world.instance_by_id(smart_ag_id)?;
        Some(instance.users.iter().map(world::User::to_wire).collect())
    }

    /// The AccessKeyIds this emulator accepts.
    pub fn access_key_ids(&self) -> Vec<String> {
        self.shared.keys.iter().map(|k| k.id.clone()).collect()
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, router.clone(), stop.clone()));
                }
                Err(e) => {
                    // Out of file descriptors, most likely: give the others time to close.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            _ = stop.changed() => return,
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router, mut stop: watch::Receiver<bool>) {
    let cut = Arc::new(Notify::new());
    let service = TowerToHyperService::new(router.layer(Extension(Cut(Arc::clone(&cut)))));
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // Leaving the select drops the connection, and with it the socket.
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!("connection ended: {e}");
            }
        }
        _ = cut.notified() => tracing::debug!("connection cut before the answer"),
        _ = stop.changed() => {}
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Extension(cut): Extension<Cut>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let req = incoming(&method, &uri, &headers, &body);
    if let Some(action) = req.action() {
        *lock(&shared.requests)
            .entry(action.to_string())
            .or_default() += 1;
    }

    let delay = lock(&shared.faults).delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let (response, lose) = process(&shared, &req);
    if lose {
        cut.0.notify_one();
        // The connection's task drops this future with the connection.
        std::future::pending::<()>().await;
    }
    response
}

fn incoming(method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Incoming {
    let query = sign::parse_query(uri.query().unwrap_or(""));
    let mut params: Params = query.clone();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_ascii_lowercase(), value)
        })
        .collect();
    let is_form = headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("application/x-www-form-urlencoded"));
    if is_form && !body.is_empty() {
        params.extend(sign::parse_query(&String::from_utf8_lossy(body)));
    }
    Incoming {
        method: method.as_str().to_ascii_uppercase(),
        path: uri.path().to_string(),
        params,
        query,
        headers,
        body: body.to_vec(),
    }
}

fn now_seconds() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Everything after the latency, with no await: the answer, and whether to lose it.
fn process(shared: &Shared, req: &Incoming) -> (Response, bool) {
    let request_id = reply::request_id();
    let host_id = req.header("host").unwrap_or("smartag.emulator").to_string();
    let format = req
        .params
        .get("Format")
        .and_then(|f| Format::parse(f))
        .unwrap_or(Format::Json);
    let refuse = |f: Failure| {
        // Codes and statuses only: parameters can hold a SecurityToken or a password.
        tracing::debug!(action = req.action(), status = f.status, code = %f.code, "refused");
        (reply::error(format, &f, &request_id, &host_id), false)
    };

    if req.method != "GET" && req.method != "POST" {
        return refuse(Failure::bad(
            "UnsupportedHTTPMethod",
            format!(
                "The HTTP method {} is not supported: use GET or POST.",
                req.method
            ),
        ));
    }
    if req.path != "/" {
        return refuse(Failure::new(
            404,
            "InvalidApi.NotFound",
            "Specified api is not found, please check your url and method.",
        ));
    }
    let verified = match auth::verify(req, &shared.keys, &shared.nonces, now_seconds()) {
        Ok(v) => v,
        Err(f) => return refuse(f),
    };
    let action = verified.action.as_str();
    if !actions::IMPLEMENTED.contains(&action) {
        return refuse(Failure::new(
            501,
            "NotImplemented",
            format!("The emulator does not implement {action}; it is a real Smartag action."),
        ));
    }

    let fault = lock(&shared.faults).next(action, actions::is_write(action));
    match fault {
        Some(Fault::Unavailable) => {
            return refuse(Failure::new(
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            ))
        }
        Some(Fault::Throttle { retry_after_ms }) => {
            let mut f = Failure::bad(
                "Throttling.User",
                "Request was denied due to user flow control.",
            );
            f.retry_after_ms = Some(retry_after_ms);
            return refuse(f);
        }
        Some(Fault::Drop) | None => {}
    }

    let outcome = {
        let mut world = lock(&shared.world);
        actions::dispatch(&mut world, action, &verified.params, &request_id)
    };
    let dropped = fault == Some(Fault::Drop);
    tracing::debug!(
        action,
        ok = outcome.is_ok(),
        code = outcome.as_ref().err().map(|f| f.code.as_str()),
        dropped,
        "answered"
    );
    match outcome {
        Ok(done) => (
            reply::success(format, action, &request_id, &done.body),
            dropped || done.lose_answer,
        ),
        Err(f) => (reply::error(format, &f, &request_id, &host_id), dropped),
    }
}
