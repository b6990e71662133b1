//! Terminal set-up and restore, the event loop, running effects, render scheduling.
//!
//! The loop waits on four things at once: key presses from crossterm's `EventStream`, replies
//! of calls on a channel, a slow tick for the spinner (only while something is in flight), and
//! the signals that end a session. `app::update` never waits; each effect it returns runs on a
//! tokio task that sends its reply back as a `Msg` tagged with the view that asked. A state
//! change marks the screen dirty and `schedule::Schedule` decides when to draw: after input
//! at once, otherwise at most about every 10 ms, so a burst of pages costs a few frames, not
//! one per page; an idle screen has no deadline and the loop sleeps until something happens.
//!
//! The terminal is restored on every way out: a normal quit, an error, SIGTERM and SIGHUP
//! (the loop returns and the guard restores), and a panic (the hook restores before the
//! report is printed).

use std::collections::HashMap;
use std::future::Future;
use std::io::{self, Stdout};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::api::client::{Client, Page};
use crate::api::error::Error;
use crate::api::model::{DescribeRegions, DescribeSmartAccessGatewayClientUsers};
use crate::app::keys::Key;
use crate::app::log::system_clock;
use crate::app::{self, update, App, Effect, Msg, PageEvent};
use crate::backend::{Backend, Face};
use crate::options::GlobalOpts;
use crate::ui;

mod schedule;

use schedule::Schedule;

/// Frames are at least this far apart unless input asks for one.
const FRAME_GAP: Duration = Duration::from_millis(10);
/// The spinner's pace.
const TICK: Duration = Duration::from_millis(120);

/// Whether the terminal is in raw mode on the alternate screen (so restore knows to act).
static ACTIVE: AtomicBool = AtomicBool::new(false);

type Term = Terminal<CrosstermBackend<Stdout>>;

pub fn run(global: GlobalOpts, log: Result<PathBuf, String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sagroam: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(session(global, log))
}

/// How the loop ended, when it ended without an error.
/// How often the loop looks whether the terminal hung up: a poll(2), no read, no redraw.
const HANGUP_CHECK: Duration = Duration::from_secs(1);

/// Whether stdin, the terminal, reports a hang-up or an error, without reading from it.
fn terminal_hung_up() -> bool {
    hung_up(libc::STDIN_FILENO)
}

/// Whether `fd` reports a hang-up or an error (POLLHUP, POLLERR, POLLNVAL), without reading.
fn hung_up(fd: libc::c_int) -> bool {
    let mut entry = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid, initialised pollfd, its count, and a zero timeout: poll(2) only
    // writes `revents` of that one entry.
    let ready = unsafe { libc::poll(&mut entry, 1, 0) };
    ready > 0 && entry.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

enum End {
    Quit,
    Signal(&'static str, u8),
}

async fn session(global: GlobalOpts, log: Result<PathBuf, String>) -> ExitCode {
    let backend = match Backend::connect(&global, Face::Tui).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("sagroam: {e:#}");
            return ExitCode::from(1);
        }
    };
    let demo = backend.is_demo();
    let config = app::Config {
        source: if demo {
            "DEMO".to_string()
        } else {
            backend.source.to_string()
        },
        demo,
        demo_reason: backend.demo_reason.clone(),
        demo_endpoint: match (&backend.demo, &global.endpoint) {
            (None, Some(url)) if demo => Some(url.clone()),
            _ => None,
        },
        read_only: backend.read_only || global.read_only,
        region: backend.region.clone(),
    };
    let mut app = App::new(config, system_clock());
    match &log {
        Ok(path) => tracing::info!("TUI started; log file {}", path.display()),
        Err(why) => {
            app.log.error(format!("No log file: {why}"));
        }
    }

    install_panic_hook();
    let mut terminal = match enter() {
        Ok(t) => t,
        Err(e) => {
            restore();
            eprintln!("sagroam: cannot set up the terminal: {e}");
            return ExitCode::from(1);
        }
    };

    let outcome = event_loop(&mut terminal, &mut app, &backend.client, &global).await;
    drop(terminal);
    restore();
    drop(backend);

    match outcome {
        Ok(End::Quit) => ExitCode::SUCCESS,
        Ok(End::Signal(name, code)) => {
            tracing::info!("TUI ended by {name}");
            ExitCode::from(code)
        }
        Err(e) => {
            tracing::error!("the TUI failed: {e:#}");
            eprintln!("sagroam: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn enter() -> io::Result<Term> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    crossterm::execute!(io::stdout(), EnterAlternateScreen)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok(terminal)
}

/// Leaves the alternate screen and raw mode; does nothing the second time. Errors are
/// ignored: after SIGHUP there may be no terminal left to write to.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = crossterm::execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
        let _ = disable_raw_mode();
    }
}

/// Restores the terminal before the panic report is printed. A panic on another thread (an
/// effect's task) would leave the screen half torn down, so it ends the process too.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    let ui_thread = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        previous(info);
        if was_active && std::thread::current().id() != ui_thread {
            std::process::exit(101);
        }
    }));
}

fn key_of(event: KeyEvent) -> Option<Key> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char('c') if ctrl => Key::CtrlC,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => Key::BackTab,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Backspace => Key::Backspace,
        _ => return None,
    })
}

async fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    client: &Client,
    global: &GlobalOpts,
) -> anyhow::Result<End> {
    use tokio::signal::unix::{signal, SignalKind};

    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // A process that outlives its terminal without a SIGHUP (started with setsid or nohup, or
    // under a shell that ignores HUP) would otherwise stay: crossterm's reader spins on the
    // dead tty, which reads as ready forever, instead of reporting an error.
    let mut hangup_check = tokio::time::interval(HANGUP_CHECK);
    hangup_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut runner = Runner {
        client: client.clone(),
        home: app.config.region.clone(),
        tx,
        slots: HashMap::new(),
        counts: Counts::new(client.config().page_concurrency),
    };
    let mut events = EventStream::new();
    for effect in app.start() {
        runner.run(effect);
    }

    let mut schedule = Schedule::new(Instant::now(), FRAME_GAP, TICK);
    loop {
        let now = Instant::now();
        schedule.animating(now, app.animating());
        if schedule.tick_due(now) {
            update(app, Msg::Tick);
        }
        if schedule.draw_due(now) {
            terminal.draw(|frame| ui::draw(frame, app))?;
            schedule.drawn(Instant::now());
        }
        let wake = schedule.next_wake();

        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(k))) => {
                    // The exit-path tests crash the TUI on a key of their choosing, so that
                    // the crash comes when they are ready for it and not after a guessed delay.
                    if k.code == KeyCode::F(12) && k.kind == KeyEventKind::Press {
                        if global.test_panic_key {
                            panic!("panic requested by --test-panic-key");
                        }
                        if global.test_error_key {
                            return Err(anyhow::anyhow!("error requested by --test-error-key"));
                        }
                    }
                    if let Some(key) = key_of(k) {
                        for effect in update(app, Msg::Key(key)) {
                            runner.run(effect);
                        }
                        schedule.input();
                    }
                }
                Some(Ok(Event::Resize(..))) => schedule.input(),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal: {e}")),
                None => return Err(anyhow::anyhow!("the terminal closed")),
            },
            Some(msg) = rx.recv() => {
                for effect in update(app, msg) {
                    runner.run(effect);
                }
                // Take whatever else has arrived, so a burst of pages is one frame.
                while let Ok(msg) = rx.try_recv() {
                    for effect in update(app, msg) {
                        runner.run(effect);
                    }
                }
                schedule.changed();
            }
            _ = sleep_until(wake), if wake.is_some() => {}
            _ = sigterm.recv() => return Ok(End::Signal("SIGTERM", 128 + 15)),
            _ = sighup.recv() => return Ok(End::Signal("SIGHUP", 128 + 1)),
            _ = hangup_check.tick() => {
                if terminal_hung_up() {
                    return Ok(End::Signal("a hung-up terminal (no SIGHUP came)", 128 + 1));
                }
            }
        }

        if app.quit {
            return Ok(End::Quit);
        }
    }
}

/// Sleeps until `at`; never returns when there is no deadline.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}

/// Runs effects on tasks. Loads of one kind share a slot: a new one aborts the one before,
/// whose replies would be dropped as stale anyway. Counts go through [`Counts`]; roams are
/// never aborted.
struct Runner {
    client: Client,
    /// The region whose endpoint answers DescribeRegions.
    home: String,
    tx: UnboundedSender<Msg>,
    slots: HashMap<&'static str, JoinHandle<()>>,
    counts: Counts,
}

/// The user counts of a region's instances: every instance page asks for one per instance,
/// so they queue, at most `limit` (the client's page concurrency) in flight. Opening a
/// region, another or the same one again, drops the counts still queued or running: their
/// instances are no longer the ones listed.
struct Counts {
    permits: Arc<Semaphore>,
    region: Option<String>,
    tasks: Vec<JoinHandle<()>>,
}

impl Counts {
    fn new(limit: usize) -> Counts {
        Counts {
            permits: Arc::new(Semaphore::new(limit.max(1))),
            region: None,
            tasks: Vec::new(),
        }
    }

    /// Queues `job`, a count in `region`; one of another region drops those queued before.
    fn spawn(&mut self, region: &str, job: impl Future<Output = ()> + Send + 'static) {
        self.tasks.retain(|t| !t.is_finished());
        if self.region.as_deref() != Some(region) {
            self.drop_all();
            self.region = Some(region.to_string());
        }
        let permits = self.permits.clone();
        self.tasks.push(tokio::spawn(async move {
            // The semaphore is never closed; a closed one would mean no more counts anyway.
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            job.await;
        }));
    }

    /// Aborts every count queued or in flight; an aborted one gives its permit back.
    fn drop_all(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
        self.region = None;
    }
}

impl Runner {
    fn run(&mut self, effect: Effect) {
        let client = self.client.clone();
        let tx = self.tx.clone();
        let (slot, task): (Option<&'static str>, JoinHandle<()>) = match effect {
            Effect::Quit => return,
            Effect::LoadRegions { request } => {
                let home = self.home.clone();
                (
                    Some("regions"),
                    tokio::spawn(async move {
                        let result = client
                            .call(&DescribeRegions {
                                accept_language: Some("en-US".into()),
                                endpoint_region: home,
                            })
                            .await
                            .map(|r| r.regions.region);
                        let _ = tx.send(Msg::Regions { request, result });
                    }),
                )
            }
            Effect::LoadInstances { region, request } => {
                self.counts.drop_all();
                let pages = client.instance_pages(&region);
                let wrap = move |event| Msg::Instances {
                    region: region.clone(),
                    request,
                    event,
                };
                (Some("instances"), spawn_forward(pages, wrap, tx))
            }
            Effect::LoadUsers {
                region,
                instance,
                request,
            } => {
                let pages = client.user_pages(&region, &instance);
                let wrap = move |event| Msg::Users {
                    region: region.clone(),
                    instance: instance.clone(),
                    request,
                    event,
                };
                (Some("users"), spawn_forward(pages, wrap, tx))
            }
            Effect::LoadTargetInstances { region, request } => {
                let pages = client.instance_pages(&region);
                let wrap = move |event| Msg::TargetInstances {
                    region: region.clone(),
                    request,
                    event,
                };
                (Some("target-instances"), spawn_forward(pages, wrap, tx))
            }
            Effect::LoadTargetUsers {
                region,
                instance,
                request,
            } => {
                let pages = client.user_pages(&region, &instance);
                let wrap = move |event| Msg::TargetUsers {
                    region: region.clone(),
                    instance: instance.clone(),
                    request,
                    event,
                };
                (Some("target-users"), spawn_forward(pages, wrap, tx))
            }
            Effect::CountUsers { region, instance } => {
                let queued_in = region.clone();
                self.counts.spawn(&queued_in, async move {
                    let result = client
                        .call(&DescribeSmartAccessGatewayClientUsers {
                            region_id: region.clone(),
                            smart_ag_id: instance.clone(),
                            page_number: Some(1),
                            page_size: Some(1),
                            ..Default::default()
                        })
                        .await
                        .map(|r| r.total_count.max(0) as u64);
                    let _ = tx.send(Msg::UserCount {
                        region,
                        instance,
                        result,
                    });
                });
                return;
            }
            Effect::Roam { request, roam } => (
                None,
                tokio::spawn(async move {
                    let result = client.roam(&roam).await;
                    let _ = tx.send(Msg::Roamed {
                        request,
                        roam,
                        result,
                    });
                }),
            ),
        };
        if let Some(slot) = slot {
            if let Some(previous) = self.slots.insert(slot, task) {
                previous.abort();
            }
        }
    }
}

/// Sends each page of a listing, on a task of its own, as a message made by `wrap`.
fn spawn_forward<T: Send + 'static>(
    pages: futures::stream::BoxStream<'static, Result<Page<T>, Error>>,
    wrap: impl Fn(PageEvent<T>) -> Msg + Send + 'static,
    tx: UnboundedSender<Msg>,
) -> JoinHandle<()> {
    tokio::spawn(forward(pages, wrap, tx))
}

/// Sends each page of a listing as it arrives, then `Done`, or `Failed` at the first error.
async fn forward<T>(
    mut pages: futures::stream::BoxStream<'static, Result<Page<T>, Error>>,
    wrap: impl Fn(PageEvent<T>) -> Msg,
    tx: UnboundedSender<Msg>,
) {
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                if tx.send(wrap(PageEvent::Page(page))).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = tx.send(wrap(PageEvent::Failed(e)));
                return;
            }
        }
    }
    let _ = tx.send(wrap(PageEvent::Done));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pseudo-terminal whose other end closes reads as hung up; one still open does not.
    #[test]
    fn a_closed_terminal_reads_as_hung_up() {
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: openpty writes the two descriptors; no name, termios or size is asked for.
        let made = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(made, 0, "openpty: {}", io::Error::last_os_error());

        assert!(!hung_up(slave), "an open terminal with nothing typed");

        // SAFETY: closing descriptors this test owns.
        unsafe { libc::close(master) };
        assert!(hung_up(slave), "the terminal's other end is gone");
        unsafe { libc::close(slave) };
    }
    use tokio::sync::mpsc;

    /// Lets every task that can run, run (the test runtime has one thread).
    async fn settle() {
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn counts_run_at_most_the_limit_at_once_and_another_region_drops_them() {
        let mut counts = Counts::new(4);
        let (started_tx, mut started) = mpsc::unbounded_channel::<usize>();
        let (done_tx, mut done) = mpsc::unbounded_channel::<usize>();
        // Each count waits for a permit of `reply` before it finishes: a reply that came.
        let reply = Arc::new(Semaphore::new(0));
        let job = |i: usize| {
            let (started, done, reply) = (started_tx.clone(), done_tx.clone(), reply.clone());
            async move {
                let _ = started.send(i);
                if let Ok(permit) = reply.acquire().await {
                    permit.forget();
                }
                let _ = done.send(i);
            }
        };

        for i in 0..20 {
            counts.spawn("cn-shanghai", job(i));
        }
        settle().await;
        let mut first = Vec::new();
        while let Ok(i) = started.try_recv() {
            first.push(i);
        }
        assert_eq!(first, [0, 1, 2, 3], "four in flight, the rest queued");

        reply.add_permits(1);
        settle().await;
        assert_eq!(done.try_recv().ok(), Some(0));
        assert_eq!(
            started.try_recv().ok(),
            Some(4),
            "the next in the queue starts"
        );
        assert!(started.try_recv().is_err());

        // The operator opens another region: the 3 in flight and 15 queued are dropped.
        counts.spawn("cn-hangzhou", job(100));
        drop((started_tx, done_tx));
        reply.add_permits(100);
        settle().await;
        assert_eq!(started.recv().await, Some(100));
        let mut finished = Vec::new();
        while let Some(i) = done.recv().await {
            finished.push(i);
        }
        assert_eq!(
            finished,
            [100],
            "nothing of cn-shanghai finished after it was left"
        );
        assert_eq!(counts.permits.available_permits(), 4);
    }

    #[tokio::test]
    async fn drop_all_gives_the_permits_back() {
        let mut counts = Counts::new(2);
        for _ in 0..5 {
            counts.spawn("cn-shanghai", std::future::pending::<()>());
        }
        settle().await;
        assert_eq!(counts.permits.available_permits(), 0);
        counts.drop_all();
        settle().await;
        assert_eq!(counts.permits.available_permits(), 2);
    }
}
