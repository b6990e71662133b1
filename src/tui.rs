//! Terminal set-up and restore, the event loop, running effects, render scheduling.
//!
//! The loop waits on four things at once: key presses from crossterm's `EventStream`, replies
//! of calls on a channel, a slow tick for the spinner (only while something is in flight), and
//! the signals that end a session. `app::update` never waits; each effect it returns runs on a
//! tokio task that sends its reply back as a `Msg` tagged with the view that asked. A state
//! change marks the screen dirty: after input it is drawn at once, otherwise at most about
//! every 10 ms, so a burst of pages costs a few frames, not one per page.
//!
//! The terminal is restored on every way out: a normal quit, an error, SIGTERM and SIGHUP
//! (the loop returns and the guard restores), and a panic (the hook restores before the
//! report is printed).

use std::collections::HashMap;
use std::io::{self, Stdout};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::api::client::{Client, Page};
use crate::api::error::Error;
use crate::api::model::{DescribeRegions, DescribeSmartAccessGatewayClientUsers};
use crate::app::keys::Key;
use crate::app::log::system_clock;
use crate::app::{self, update, App, Effect, Msg, PageEvent};
use crate::backend::{Backend, Face};
use crate::options::GlobalOpts;
use crate::ui;

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
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut runner = Runner {
        client: client.clone(),
        home: app.config.region.clone(),
        tx,
        slots: HashMap::new(),
    };
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    let far = Duration::from_secs(86_400 * 365);
    for effect in app.start() {
        runner.run(effect);
    }

    let mut dirty = true;
    let mut draw_now = true;
    let mut last_draw = Instant::now();
    loop {
        if dirty && (draw_now || last_draw.elapsed() >= FRAME_GAP) {
            terminal.draw(|frame| ui::draw(frame, app))?;
            dirty = false;
            draw_now = false;
            last_draw = Instant::now();
        }
        let redraw_at = if dirty {
            last_draw + FRAME_GAP
        } else {
            last_draw + far
        };

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
                        dirty = true;
                        draw_now = true;
                    }
                }
                Some(Ok(Event::Resize(..))) => {
                    dirty = true;
                    draw_now = true;
                }
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
                dirty = true;
            }
            _ = tick.tick(), if app.animating() => {
                update(app, Msg::Tick);
                dirty = true;
            }
            _ = tokio::time::sleep_until(redraw_at), if dirty => {}
            _ = sigterm.recv() => return Ok(End::Signal("SIGTERM", 128 + 15)),
            _ = sighup.recv() => return Ok(End::Signal("SIGHUP", 128 + 1)),
        }

        if app.quit {
            return Ok(End::Quit);
        }
    }
}

/// Runs effects on tasks. Loads of one kind share a slot: a new one aborts the one before,
/// whose replies would be dropped as stale anyway. Counts and roams are never aborted.
struct Runner {
    client: Client,
    /// The region whose endpoint answers DescribeRegions.
    home: String,
    tx: UnboundedSender<Msg>,
    slots: HashMap<&'static str, JoinHandle<()>>,
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
            Effect::LoadInstances { region, request } => (
                Some("instances"),
                tokio::spawn(async move {
                    let pages = client.instance_pages(&region);
                    forward(
                        pages,
                        |event| Msg::Instances {
                            region: region.clone(),
                            request,
                            event,
                        },
                        &tx,
                    )
                    .await;
                }),
            ),
            Effect::LoadUsers {
                region,
                instance,
                request,
            } => (
                Some("users"),
                tokio::spawn(async move {
                    let pages = client.user_pages(&region, &instance);
                    forward(
                        pages,
                        |event| Msg::Users {
                            region: region.clone(),
                            instance: instance.clone(),
                            request,
                            event,
                        },
                        &tx,
                    )
                    .await;
                }),
            ),
            Effect::LoadTargetInstances { region, request } => (
                Some("target-instances"),
                tokio::spawn(async move {
                    let pages = client.instance_pages(&region);
                    forward(
                        pages,
                        |event| Msg::TargetInstances {
                            region: region.clone(),
                            request,
                            event,
                        },
                        &tx,
                    )
                    .await;
                }),
            ),
            Effect::LoadTargetUsers {
                region,
                instance,
                request,
            } => (
                Some("target-users"),
                tokio::spawn(async move {
                    let pages = client.user_pages(&region, &instance);
                    forward(
                        pages,
                        |event| Msg::TargetUsers {
                            region: region.clone(),
                            instance: instance.clone(),
                            request,
                            event,
                        },
                        &tx,
                    )
                    .await;
                }),
            ),
            Effect::CountUsers { region, instance } => (
                None,
                tokio::spawn(async move {
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
                }),
            ),
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

/// Sends each page of a listing as it arrives, then `Done`, or `Failed` at the first error.
async fn forward<T>(
    mut pages: futures::stream::BoxStream<'static, Result<Page<T>, Error>>,
    wrap: impl Fn(PageEvent<T>) -> Msg,
    tx: &UnboundedSender<Msg>,
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
