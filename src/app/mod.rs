//! Application state and its update function: no terminal, no network, no await.
//!
//! `update(&mut App, Msg) -> Vec<Effect>` is the only way the state changes. Key presses and
//! the replies of calls come in as messages; calls go out as effects, which the terminal
//! layer runs on tasks. Every reply carries the key it was asked for (region, instance,
//! request number), and a reply for a view the operator has left is dropped here, so a late
//! answer cannot land in the wrong list.

pub mod keys;
pub mod list;
pub mod log;
pub mod roam;
pub mod sample;

use std::collections::HashMap;

use crate::api::error::Error;
use crate::api::model::{ClientUser, Region, RoamClientUser, SmartAccessGateway};
use crate::api::model::{Page, RoamOutcome};

use keys::{command_for, Command, Key};
use list::{Keyed, List, Load};
use log::{Clock, StatusLog};
use roam::{Check, Facts, Field, Lookup, RoamDialog, TargetAccounts, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Regions,
    Instances,
    Users,
    Log,
}

const PANES: [Pane; 4] = [Pane::Regions, Pane::Instances, Pane::Users, Pane::Log];

/// How the session was started, for the header and the first lines of the log.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where the credentials came from (`environment`, a profile), or `DEMO`.
    pub source: String,
    pub demo: bool,
    /// Why demo mode was chosen without `--demo`.
    pub demo_reason: Option<String>,
    /// In demo mode, the `--endpoint` that serves the demo world when it is not the built-in
    /// emulator (a `sagroam emulator` running elsewhere on this machine).
    pub demo_endpoint: Option<String>,
    pub read_only: bool,
    /// The region to open first.
    pub region: String,
}

/// One step of a paged listing.
#[derive(Debug, Clone)]
pub enum PageEvent<T> {
    Page(Page<T>),
    /// The listing stopped; the pages before stay.
    Failed(Error),
    /// Every page arrived.
    Done,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(Key),
    /// The spinner's slow tick.
    Tick,
    Regions {
        request: u64,
        result: Result<Vec<Region>, Error>,
    },
    Instances {
        region: String,
        request: u64,
        event: PageEvent<SmartAccessGateway>,
    },
    Users {
        region: String,
        instance: String,
        request: u64,
        event: PageEvent<ClientUser>,
    },
    /// The number of accounts of an instance (`TotalCount` of its user list).
    UserCount {
        region: String,
        instance: String,
        result: Result<u64, Error>,
    },
    TargetInstances {
        region: String,
        request: u64,
        event: PageEvent<SmartAccessGateway>,
    },
    TargetUsers {
        region: String,
        instance: String,
        request: u64,
        event: PageEvent<ClientUser>,
    },
    Roamed {
        request: u64,
        roam: RoamClientUser,
        result: Result<RoamOutcome, Error>,
    },
}

/// Work for the terminal layer. Loads of the same kind replace each other: a new one makes
/// the running one moot (its replies would be dropped anyway), so it may be cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    LoadRegions {
        request: u64,
    },
    LoadInstances {
        region: String,
        request: u64,
    },
    LoadUsers {
        region: String,
        instance: String,
        request: u64,
    },
    CountUsers {
        region: String,
        instance: String,
    },
    LoadTargetInstances {
        region: String,
        request: u64,
    },
    LoadTargetUsers {
        region: String,
        instance: String,
        request: u64,
    },
    /// The one write: sent once, never retried blindly.
    Roam {
        request: u64,
        roam: RoamClientUser,
    },
    Quit,
}

pub struct App {
    pub config: Config,
    pub regions: List<Region>,
    pub instances: List<SmartAccessGateway>,
    pub users: List<ClientUser>,
    /// The region whose instances are listed.
    pub region: Option<String>,
    /// The instance whose users are listed.
    pub instance: Option<String>,
    /// Accounts per instance, from `TotalCount`.
    pub user_counts: HashMap<String, u64>,
    pub focus: Pane,
    pub log: StatusLog,
    pub dialog: Option<RoamDialog>,
    pub help: bool,
    pub spinner: usize,
    pub quit: bool,
    /// Roams sent and not answered: request number -> the log entry that shows it.
    roams: HashMap<u64, u64>,
    next_request: u64,
    /// Whether the first listing of regions has opened a region yet.
    opened_first: bool,
}

impl App {
    pub fn new(config: Config, clock: Clock) -> App {
        App {
            config,
            regions: List::default(),
            instances: List::default(),
            users: List::default(),
            region: None,
            instance: None,
            user_counts: HashMap::new(),
            focus: Pane::Regions,
            log: StatusLog::new(clock),
            dialog: None,
            help: false,
            spinner: 0,
            quit: false,
            roams: HashMap::new(),
            next_request: 1,
            opened_first: false,
        }
    }

    /// The first effects of a session, and the first lines of its log.
    pub fn start(&mut self) -> Vec<Effect> {
        if self.config.demo {
            match self.config.demo_reason.clone() {
                Some(reason) => self.log.info(format!("Demo mode: {reason}")),
                None => self.log.info("Demo mode (--demo)"),
            };
            let served_by = match &self.config.demo_endpoint {
                Some(url) => format!("the emulator at {url} serves the demo world"),
                None => "the built-in emulator serves the demo world".to_string(),
            };
            self.log.info(format!(
                "DEMO: {served_by}. For real credentials set ALIBABA_CLOUD_ACCESS_KEY_ID and \
                 ALIBABA_CLOUD_ACCESS_KEY_SECRET, or a profile in ~/.aliyun/config.json, and \
                 start without --demo."
            ));
        } else {
            self.log
                .info(format!("credentials from {}", self.config.source));
        }
        if self.config.read_only {
            self.log.info("READ-ONLY: roaming is disabled");
        }
        let request = self.request();
        self.regions.begin(request);
        vec![Effect::LoadRegions { request }]
    }

    fn request(&mut self) -> u64 {
        let r = self.next_request;
        self.next_request += 1;
        r
    }

    /// Whether something is in flight, so the spinner must turn.
    pub fn animating(&self) -> bool {
        let loading = |l: Load| l == Load::Loading;
        loading(self.regions.load)
            || loading(self.instances.load)
            || loading(self.users.load)
            || self.log.any_in_flight()
            || self
                .dialog
                .as_ref()
                .is_some_and(|d| loading(d.target_instances.load) || loading(d.target_users.load))
    }

    pub fn opened_instance(&self) -> Option<&SmartAccessGateway> {
        self.instance
            .as_deref()
            .and_then(|id| self.instances.find(id))
    }

    /// The preflight of the open dialog.
    pub fn preflight(&self) -> Option<Vec<Check>> {
        let d = self.dialog.as_ref()?;
        let target_region = d.target_region()?;

        let origin_instance = if self.region.as_deref() == Some(d.origin_region.as_str()) {
            lookup(&self.instances, &d.origin_instance.smart_ag_id)
        } else {
            Lookup::Unknown
        };
        let origin_user =
            if self.instance.as_deref() == Some(d.origin_instance.smart_ag_id.as_str()) {
                lookup(&self.users, &d.user.user_name)
            } else {
                Lookup::Unknown
            };
        let target_instance = match d.target_instance() {
            Some(t) => Lookup::Found(t),
            None if d.target_instances.load == Load::Complete => Lookup::Missing,
            None => Lookup::Unknown,
        };
        let tu = &d.target_users;
        let target_accounts = match d.target_instance() {
            Some(t) if tu.instance == t.smart_ag_id && tu.load == Load::Complete => {
                Some(TargetAccounts {
                    users: &tu.users,
                    total: tu.total.unwrap_or(tu.users.len() as u64),
                })
            }
            _ => None,
        };

        Some(roam::preflight(&Facts {
            user_name: &d.user.user_name,
            user: &d.user,
            origin: &d.origin_instance,
            origin_region: &d.origin_region,
            origin_instance,
            origin_user,
            target_region: &target_region.region_id,
            target_instance,
            target_accounts,
            now_ms: self.log.now_ms(),
        }))
    }

    fn focused_list_is_empty_filter(&self) -> bool {
        match self.focus {
            Pane::Regions => self.regions.filter().is_empty(),
            Pane::Instances => self.instances.filter().is_empty(),
            Pane::Users => self.users.filter().is_empty(),
            Pane::Log => true,
        }
    }

    /// Whether the focused list is having its filter typed.
    pub fn editing_filter(&self) -> bool {
        match self.focus {
            Pane::Regions => self.regions.editing_filter,
            Pane::Instances => self.instances.editing_filter,
            Pane::Users => self.users.editing_filter,
            Pane::Log => false,
        }
    }
}

fn lookup<'a, T: Keyed>(list: &'a List<T>, key: &str) -> Lookup<&'a T> {
    match list.find(key) {
        Some(item) => Lookup::Found(item),
        None if list.load == Load::Complete => Lookup::Missing,
        None => Lookup::Unknown,
    }
}

/// Applies one message; returns the work it asks for.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Tick => {
            app.spinner = app.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::Regions { request, result } => on_regions(app, request, result),
        Msg::Instances {
            region,
            request,
            event,
        } => on_instances(app, region, request, event),
        Msg::Users {
            region,
            instance,
            request,
            event,
        } => on_users(app, region, instance, request, event),
        Msg::UserCount {
            region,
            instance,
            result,
        } => {
            // A count is a fact about the instance wherever it is shown; keep it even if
            // the operator moved on, unless it failed.
            match result {
                Ok(n) => {
                    app.user_counts.insert(instance, n);
                }
                Err(e) => tracing::warn!("counting the users of {region}/{instance}: {e}"),
            }
            Vec::new()
        }
        Msg::TargetInstances {
            region,
            request,
            event,
        } => on_target_instances(app, region, request, event),
        Msg::TargetUsers {
            region,
            instance,
            request,
            event,
        } => on_target_users(app, region, instance, request, event),
        Msg::Roamed {
            request,
            roam,
            result,
        } => on_roamed(app, request, roam, result),
    }
}

// ---- replies ---------------------------------------------------------------------------

fn on_regions(app: &mut App, request: u64, result: Result<Vec<Region>, Error>) -> Vec<Effect> {
    if request != app.regions.request {
        tracing::debug!("dropped a stale region listing ({request})");
        return Vec::new();
    }
    match result {
        Ok(regions) => {
            let n = regions.len() as u64;
            app.regions.append(regions, n);
            app.regions.complete();
        }
        Err(e) => {
            app.log.error(format!("Listing the regions failed: {e}"));
            app.regions.fail(e.to_string());
            return Vec::new();
        }
    }

    if app.opened_first {
        return Vec::new();
    }
    app.opened_first = true;
    let start = app.config.region.clone();
    if app.regions.find(&start).is_some() {
        app.regions.select_key(&start);
    }
    match app.regions.selected().map(|r| r.region_id.clone()) {
        Some(region) => {
            let effects = open_region(app, region);
            app.focus = Pane::Instances;
            effects
        }
        None => Vec::new(),
    }
}

fn on_instances(
    app: &mut App,
    region: String,
    request: u64,
    event: PageEvent<SmartAccessGateway>,
) -> Vec<Effect> {
    if app.region.as_deref() != Some(region.as_str()) || request != app.instances.request {
        tracing::debug!("dropped a stale instance page of {region} ({request})");
        return Vec::new();
    }
    match event {
        PageEvent::Page(page) => {
            let effects = page
                .items
                .iter()
                .map(|i| Effect::CountUsers {
                    region: region.clone(),
                    instance: i.smart_ag_id.clone(),
                })
                .collect();
            app.instances.append(page.items, page.total_count);
            effects
        }
        PageEvent::Done => {
            app.instances.complete();
            Vec::new()
        }
        PageEvent::Failed(e) => {
            app.log
                .error(format!("Listing the instances of {region} failed: {e}"));
            app.instances.fail(e.to_string());
            Vec::new()
        }
    }
}

fn on_users(
    app: &mut App,
    region: String,
    instance: String,
    request: u64,
    event: PageEvent<ClientUser>,
) -> Vec<Effect> {
    if app.region.as_deref() != Some(region.as_str())
        || app.instance.as_deref() != Some(instance.as_str())
        || request != app.users.request
    {
        tracing::debug!("dropped a stale user page of {region}/{instance} ({request})");
        return Vec::new();
    }
    match event {
        PageEvent::Page(page) => {
            app.user_counts.insert(instance, page.total_count);
            app.users.append(page.items, page.total_count);
        }
        PageEvent::Done => {
            app.users.complete();
            app.user_counts.insert(instance, app.users.loaded() as u64);
        }
        PageEvent::Failed(e) => {
            app.log
                .error(format!("Listing the users of {instance} failed: {e}"));
            app.users.fail(e.to_string());
        }
    }
    Vec::new()
}

fn on_target_instances(
    app: &mut App,
    region: String,
    request: u64,
    event: PageEvent<SmartAccessGateway>,
) -> Vec<Effect> {
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    if d.target_region().map(|r| r.region_id.as_str()) != Some(region.as_str())
        || request != d.target_instances.request
    {
        tracing::debug!("dropped a stale target instance page of {region} ({request})");
        return Vec::new();
    }
    match event {
        PageEvent::Page(page) => d.target_instances.append(page.items, page.total_count),
        PageEvent::Done => d.target_instances.complete(),
        PageEvent::Failed(e) => {
            d.target_instances.fail(e.to_string());
            app.log
                .error(format!("Listing the instances of {region} failed: {e}"));
        }
    }
    sync_target_users(app).into_iter().collect()
}

fn on_target_users(
    app: &mut App,
    region: String,
    instance: String,
    request: u64,
    event: PageEvent<ClientUser>,
) -> Vec<Effect> {
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    let tu = &mut d.target_users;
    if tu.instance != instance || tu.request != request {
        tracing::debug!("dropped a stale target user page of {region}/{instance} ({request})");
        return Vec::new();
    }
    match event {
        PageEvent::Page(page) => {
            tu.total.get_or_insert(page.total_count);
            tu.users.extend(page.items);
        }
        PageEvent::Done => {
            tu.load = Load::Complete;
            tu.total = Some(tu.users.len() as u64);
        }
        PageEvent::Failed(e) => {
            tu.load = Load::Failed;
            tu.error = Some(e.to_string());
            app.log
                .error(format!("Listing the users of {instance} failed: {e}"));
        }
    }
    Vec::new()
}

fn on_roamed(
    app: &mut App,
    request: u64,
    roam: RoamClientUser,
    result: Result<RoamOutcome, Error>,
) -> Vec<Effect> {
    if let Some(entry) = app.roams.remove(&request) {
        app.log.finish(entry);
    }
    let what = format!(
        "{} to {}/{}",
        roam.user_name, roam.region_id, roam.target_smart_ag_id
    );
    let applied = match result {
        Ok(RoamOutcome::Roamed { request_id }) => {
            app.log
                .success(format!("Roamed {what}: RequestId {request_id}"));
            true
        }
        Ok(RoamOutcome::LostAnswerApplied { cause }) => {
            app.log.success(format!(
                "Roam of {what}: the answer was lost ({cause}); \
                 the target's users were read: applied"
            ));
            true
        }
        Ok(RoamOutcome::LostAnswerNotApplied { cause }) => {
            app.log.error(format!(
                "Roam of {what}: the answer was lost ({cause}); \
                 the target's users were read: not applied"
            ));
            false
        }
        Err(e) => {
            app.log.error(format!("Roam of {what} failed: {e}"));
            false
        }
    };
    if !applied {
        return Vec::new();
    }

    // The target's list changed: reload it where it is on screen.
    let mut effects = Vec::new();
    if app.region.as_deref() == Some(roam.region_id.as_str()) {
        effects.push(Effect::CountUsers {
            region: roam.region_id.clone(),
            instance: roam.target_smart_ag_id.clone(),
        });
        if app.instance.as_deref() == Some(roam.target_smart_ag_id.as_str()) {
            effects.push(reload_users(app));
        }
    }
    effects
}

// ---- navigation ------------------------------------------------------------------------

fn open_region(app: &mut App, region: String) -> Vec<Effect> {
    let request = app.request();
    app.region = Some(region.clone());
    app.instance = None;
    app.instances.reset(request);
    app.users.clear();
    vec![Effect::LoadInstances { region, request }]
}

fn open_instance(app: &mut App, region: String, instance: String) -> Vec<Effect> {
    let request = app.request();
    app.instance = Some(instance.clone());
    app.users.reset(request);
    vec![Effect::LoadUsers {
        region,
        instance,
        request,
    }]
}

fn reload_users(app: &mut App) -> Effect {
    let request = app.request();
    app.users.begin(request);
    Effect::LoadUsers {
        region: app.region.clone().unwrap_or_default(),
        instance: app.instance.clone().unwrap_or_default(),
        request,
    }
}

fn reload(app: &mut App) -> Vec<Effect> {
    match app.focus {
        Pane::Regions => {
            let request = app.request();
            app.regions.begin(request);
            vec![Effect::LoadRegions { request }]
        }
        Pane::Instances => match app.region.clone() {
            Some(region) => {
                let request = app.request();
                app.instances.begin(request);
                vec![Effect::LoadInstances { region, request }]
            }
            None => Vec::new(),
        },
        Pane::Users => match app.instance {
            Some(_) => vec![reload_users(app)],
            None => Vec::new(),
        },
        Pane::Log => Vec::new(),
    }
}

fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    if key == Key::CtrlC {
        app.quit = true;
        return vec![Effect::Quit];
    }
    if app.help {
        if matches!(key, Key::Esc | Key::Char('?') | Key::Char('q') | Key::Enter) {
            app.help = false;
        }
        return Vec::new();
    }
    if app.dialog.is_some() {
        return on_dialog_key(app, key);
    }
    if app.editing_filter() {
        on_filter_key(app, key);
        return Vec::new();
    }
    match command_for(key) {
        Some(command) => on_command(app, command),
        None => Vec::new(),
    }
}

fn on_filter_key(app: &mut App, key: Key) {
    fn edit<T: Keyed>(list: &mut List<T>, key: Key) {
        match key {
            Key::Char(c) => {
                let f = format!("{}{c}", list.filter());
                list.set_filter(&f);
            }
            Key::Backspace => {
                let mut f = list.filter().to_string();
                f.pop();
                list.set_filter(&f);
            }
            Key::Enter => list.editing_filter = false,
            Key::Esc => {
                list.set_filter("");
                list.editing_filter = false;
            }
            Key::Up => list.move_by(-1),
            Key::Down => list.move_by(1),
            _ => {}
        }
    }
    match app.focus {
        Pane::Regions => edit(&mut app.regions, key),
        Pane::Instances => edit(&mut app.instances, key),
        Pane::Users => edit(&mut app.users, key),
        Pane::Log => {}
    }
}

fn with_focused<R>(app: &mut App, f: impl FnOnce(&mut dyn Movable) -> R) -> Option<R> {
    match app.focus {
        Pane::Regions => Some(f(&mut app.regions)),
        Pane::Instances => Some(f(&mut app.instances)),
        Pane::Users => Some(f(&mut app.users)),
        Pane::Log => None,
    }
}

/// The moves every list supports, object-safe so the focused one can be picked at run time.
trait Movable {
    fn move_by(&mut self, delta: isize);
    fn top(&mut self);
    fn bottom(&mut self);
    fn page(&mut self, down: bool);
    fn start_filter(&mut self);
    fn clear_filter(&mut self);
}

impl<T: Keyed> Movable for List<T> {
    fn move_by(&mut self, delta: isize) {
        List::move_by(self, delta)
    }
    fn top(&mut self) {
        List::top(self)
    }
    fn bottom(&mut self) {
        List::bottom(self)
    }
    fn page(&mut self, down: bool) {
        List::page(self, down)
    }
    fn start_filter(&mut self) {
        self.editing_filter = true;
    }
    fn clear_filter(&mut self) {
        self.set_filter("");
        self.editing_filter = false;
    }
}

fn on_command(app: &mut App, command: Command) -> Vec<Effect> {
    let pane_at = PANES.iter().position(|p| *p == app.focus).unwrap_or(0);
    match command {
        Command::Up | Command::Down | Command::Top | Command::Bottom => {
            if app.focus == Pane::Log {
                match command {
                    Command::Up => app.log.scroll_up(1),
                    Command::Down => app.log.scroll_down(1),
                    Command::Top => app.log.scroll_up(usize::MAX / 2),
                    _ => app.log.scroll = 0,
                }
            }
            with_focused(app, |l| match command {
                Command::Up => l.move_by(-1),
                Command::Down => l.move_by(1),
                Command::Top => l.top(),
                _ => l.bottom(),
            });
        }
        Command::PageUp | Command::PageDown => {
            let down = command == Command::PageDown;
            if app.focus == Pane::Log {
                if down {
                    app.log.scroll_down(5);
                } else {
                    app.log.scroll_up(5);
                }
            }
            with_focused(app, |l| l.page(down));
        }
        Command::Left => app.focus = PANES[pane_at.saturating_sub(1)],
        Command::Right => app.focus = PANES[(pane_at + 1).min(PANES.len() - 1)],
        Command::NextPane => app.focus = PANES[(pane_at + 1) % PANES.len()],
        Command::PrevPane => app.focus = PANES[(pane_at + PANES.len() - 1) % PANES.len()],
        Command::Enter => return on_enter(app),
        Command::Back => {
            if !app.focused_list_is_empty_filter() {
                with_focused(app, |l| l.clear_filter());
            } else {
                app.focus = match app.focus {
                    Pane::Regions | Pane::Instances => Pane::Regions,
                    Pane::Users => Pane::Instances,
                    Pane::Log => Pane::Users,
                };
            }
        }
        Command::Filter => {
            with_focused(app, |l| l.start_filter());
        }
        Command::Reload => return reload(app),
        Command::Roam => return open_dialog(app),
        Command::Help => app.help = true,
        Command::Quit => {
            app.quit = true;
            return vec![Effect::Quit];
        }
    }
    Vec::new()
}

fn on_enter(app: &mut App) -> Vec<Effect> {
    match app.focus {
        Pane::Regions => {
            let Some(region) = app.regions.selected().map(|r| r.region_id.clone()) else {
                return Vec::new();
            };
            app.focus = Pane::Instances;
            let loaded = matches!(app.instances.load, Load::Loading | Load::Complete);
            if app.region.as_deref() == Some(region.as_str()) && loaded {
                return Vec::new();
            }
            open_region(app, region)
        }
        Pane::Instances => {
            let (Some(region), Some(instance)) = (
                app.region.clone(),
                app.instances.selected().map(|i| i.smart_ag_id.clone()),
            ) else {
                return Vec::new();
            };
            app.focus = Pane::Users;
            let loaded = matches!(app.users.load, Load::Loading | Load::Complete);
            if app.instance.as_deref() == Some(instance.as_str()) && loaded {
                return Vec::new();
            }
            open_instance(app, region, instance)
        }
        Pane::Users | Pane::Log => Vec::new(),
    }
}

// ---- the roam dialog -------------------------------------------------------------------

fn open_dialog(app: &mut App) -> Vec<Effect> {
    if app.config.read_only {
        app.log
            .error("Roaming is disabled: sagroam runs with --read-only. Nothing was sent.");
        return Vec::new();
    }
    let (Some(region), Some(instance), Some(user)) = (
        app.region.clone(),
        app.opened_instance().cloned(),
        app.users.selected().cloned(),
    ) else {
        app.log
            .info("Select a user first: open an instance and move to one of its users.");
        return Vec::new();
    };

    app.dialog = Some(RoamDialog::new(region, instance, user, app.regions.items()));
    load_target_instances(app)
}

fn load_target_instances(app: &mut App) -> Vec<Effect> {
    let request = app.request();
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    let Some(region) = d.target_region().map(|r| r.region_id.clone()) else {
        return Vec::new();
    };
    d.target_instances.reset(request);
    d.target_users = roam::TargetUsers::default();
    d.message = None;
    vec![Effect::LoadTargetInstances { region, request }]
}

/// Starts reading the chosen target's users, when the choice changed.
fn sync_target_users(app: &mut App) -> Option<Effect> {
    let request = app.next_request;
    let d = app.dialog.as_mut()?;
    let region = d.target_region()?.region_id.clone();
    let instance = d.target_instance()?.smart_ag_id.clone();
    if d.target_users.instance == instance {
        return None;
    }
    app.next_request += 1;
    d.target_users = roam::TargetUsers {
        instance: instance.clone(),
        request,
        load: Load::Loading,
        ..Default::default()
    };
    Some(Effect::LoadTargetUsers {
        region,
        instance,
        request,
    })
}

fn on_dialog_key(app: &mut App, key: Key) -> Vec<Effect> {
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    d.message = None;
    match command_for(key) {
        Some(Command::Back) => {
            app.dialog = None;
            Vec::new()
        }
        Some(Command::NextPane) => {
            d.focus_next(true);
            Vec::new()
        }
        Some(Command::PrevPane) => {
            d.focus_next(false);
            Vec::new()
        }
        Some(c @ (Command::Up | Command::Down | Command::Top | Command::Bottom)) => match d.focus {
            Field::TargetRegion => {
                let last = d.target_regions.len().saturating_sub(1);
                let next = match c {
                    Command::Up => d.region_cursor.saturating_sub(1),
                    Command::Down => (d.region_cursor + 1).min(last),
                    Command::Top => 0,
                    _ => last,
                };
                if next != d.region_cursor {
                    d.region_cursor = next;
                    return load_target_instances(app);
                }
                Vec::new()
            }
            Field::TargetInstance => {
                match c {
                    Command::Up => d.target_instances.move_by(-1),
                    Command::Down => d.target_instances.move_by(1),
                    Command::Top => d.target_instances.top(),
                    _ => d.target_instances.bottom(),
                }
                sync_target_users(app).into_iter().collect()
            }
            Field::Cancel | Field::Roam => Vec::new(),
        },
        Some(c @ (Command::Left | Command::Right)) => {
            d.focus = match (d.focus, c) {
                (Field::Cancel, Command::Right) => Field::Roam,
                (Field::Roam, Command::Left) => Field::Cancel,
                (f, _) => f,
            };
            Vec::new()
        }
        Some(Command::Enter) => match d.focus {
            Field::TargetRegion => {
                d.focus = Field::TargetInstance;
                Vec::new()
            }
            Field::TargetInstance => {
                d.focus = Field::Cancel;
                Vec::new()
            }
            Field::Cancel => {
                app.dialog = None;
                Vec::new()
            }
            Field::Roam => submit(app),
        },
        _ => Vec::new(),
    }
}

fn submit(app: &mut App) -> Vec<Effect> {
    let checks = app.preflight().unwrap_or_default();
    let Some(d) = app.dialog.as_mut() else {
        return Vec::new();
    };
    if let Some(why) = d.validate() {
        d.message = Some(why);
        return Vec::new();
    }
    if app.config.read_only {
        app.dialog = None;
        app.log
            .error("Roaming is disabled: sagroam runs with --read-only. Nothing was sent.");
        return Vec::new();
    }
    let (Some(region), Some(target)) = (d.target_region(), d.target_instance()) else {
        return Vec::new();
    };
    let roam = RoamClientUser {
        region_id: region.region_id.clone(),
        origin_region_id: d.origin_region.clone(),
        origin_smart_ag_id: d.origin_instance.smart_ag_id.clone(),
        target_smart_ag_id: target.smart_ag_id.clone(),
        user_name: d.user.user_name.clone(),
    };
    app.dialog = None;

    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Failed)
        .map(|c| if c.code.is_empty() { c.title } else { c.code })
        .collect();
    let warning = if failed.is_empty() {
        String::new()
    } else {
        format!(" (preflight failed: {})", failed.join(", "))
    };
    let request = app.request();
    let entry = app.log.in_flight(format!(
        "Roaming {} from {}/{} to {}/{}{warning}",
        roam.user_name,
        roam.origin_region_id,
        roam.origin_smart_ag_id,
        roam.region_id,
        roam.target_smart_ag_id
    ));
    app.roams.insert(request, entry);
    vec![Effect::Roam { request, roam }]
}
