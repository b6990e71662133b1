//! Hand-written loopback listeners for the client and CLI tests: a scripted HTTP responder,
//! a listener that accepts and never answers, one that closes after the request, a trap that
//! fails the test if anything connects, and a forwarding proxy that can swallow one action.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the responder does with one request.
pub enum Reply {
    /// Writes this raw HTTP response and closes.
    Raw(String),
    /// Keeps the connection open and never writes a byte.
    Hang,
    /// Closes the connection without a byte of answer.
    Close,
}

/// An HTTP response with a body, `Connection: close`, and extra header lines.
pub fn http(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    Reply::Raw(format!("{head}\r\n{body}"))
}

/// One request as received: the request line and headers, and the body.
#[derive(Debug, Clone)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    /// The `Action` parameter of the query.
    pub fn action(&self) -> String {
        self.param("Action").unwrap_or_default()
    }

    pub fn param(&self, key: &str) -> Option<String> {
        let target = self.head.lines().next()?.split(' ').nth(1)?;
        let query = target.split_once('?')?.1;
        sagroam::api::sign::parse_query(query).get(key).cloned()
    }
}

/// Reads one request head (and a body if Content-Length says so). `None` on EOF.
pub async fn read_request(socket: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received { head, body })
}

/// A scripted responder: every connection carries one request, answered by `reply`.
pub struct Responder {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Responder {
    pub async fn start<F>(reply: F) -> Responder
    where
        F: Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let reply = Arc::new(reply);
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (log, reply) = (log.clone(), reply.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    let index = {
                        let mut log = log.lock().unwrap();
                        log.push(request.clone());
                        log.len() - 1
                    };
                    match reply(&request, index) {
                        Reply::Raw(text) => {
                            let _ = socket.write_all(text.as_bytes()).await;
                            let _ = socket.shutdown().await;
                        }
                        Reply::Hang => {
                            // Held open until the test ends.
                            std::future::pending::<()>().await;
                        }
                        Reply::Close => drop(socket),
                    }
                });
            }
        });
        Responder {
            addr,
            received,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn count(&self, action: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.action() == action)
            .count()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A listener that counts every connection; a test asserts the count stays zero.
pub struct Trap {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    _thread: std::thread::JoinHandle<()>,
}

impl Trap {
    /// On a thread of its own, so that it also works beside a blocking child process.
    pub fn start() -> Trap {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Trap {
            addr,
            hits,
            _thread: thread,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// A forwarding proxy in front of `upstream`: each request is sent on (with `Connection:
/// close`) and its answer passed back, except requests whose action is `swallow`, which are
/// read and then answered by closing the connection without forwarding: the request reached
/// something and the answer was lost, but the upstream never saw it. Records when each
/// request had arrived in full, with its action.
pub struct Swallower {
    pub addr: SocketAddr,
    pub swallowed: Arc<AtomicUsize>,
    pub arrivals: Arc<Mutex<Vec<(String, Instant)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Swallower {
    /// A forwarder that swallows nothing, to time what arrives.
    pub async fn forward_all(upstream: SocketAddr) -> Swallower {
        Swallower::start(upstream, "").await
    }

    pub async fn start(upstream: SocketAddr, swallow: &'static str) -> Swallower {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let swallowed = Arc::new(AtomicUsize::new(0));
        let counter = swallowed.clone();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let log = arrivals.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (counter, log) = (counter.clone(), log.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    log.lock().unwrap().push((request.action(), Instant::now()));
                    if !swallow.is_empty() && request.action() == swallow {
                        counter.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    let Ok(mut up) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let head = close_connection(&request.head);
                    if up.write_all(head.as_bytes()).await.is_err()
                        || up.write_all(&request.body).await.is_err()
                    {
                        return;
                    }
                    let mut answer = Vec::new();
                    let _ = up.read_to_end(&mut answer).await;
                    let _ = socket.write_all(&answer).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Swallower {
            addr,
            swallowed,
            arrivals,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Swallower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The request head with any `Connection` header replaced by `Connection: close`, so the
/// upstream ends its answer by closing.
fn close_connection(head: &str) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        let is_connection = line
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}
