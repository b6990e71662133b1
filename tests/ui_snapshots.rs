//! Snapshots of the screen on ratatui's TestBackend, one per meaningful state, at 80x24 and
//! 200x50. The clock is fixed, so the status log's times are stable.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;

use sagroam::api::client::RoamOutcome;
use sagroam::api::error::{ApiError, Error};
use sagroam::api::model::{ClientUser, RoamClientUser, SmartAccessGateway};
use sagroam::app::keys::Key;
use sagroam::app::log::fixed_clock;
use sagroam::app::sample::{self, browsing, demo_config, hz_branch, listed, page, NOW_MS};
use sagroam::app::{update, App, Config, Effect, Msg, PageEvent};
use sagroam::ui;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, app)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Snapshots `app` at both sizes under `name`.
fn snap(name: &str, app: &App) {
    for (w, h) in SIZES {
        let screen = text(&render(app, w, h));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

fn keys(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::Key(*k)))
        .collect()
}

fn config_real() -> Config {
    Config {
        source: "environment".into(),
        demo: false,
        demo_reason: None,
        demo_endpoint: None,
        read_only: false,
        region: "cn-shanghai".into(),
    }
}

#[test]
fn loading() {
    let mut app = App::new(demo_config(), fixed_clock(NOW_MS));
    app.start();
    snap("loading", &app);
}

#[test]
fn loaded() {
    let app = browsing(demo_config(), 40, 40);
    snap("loaded", &app);
}

#[test]
fn filtered() {
    let mut app = browsing(demo_config(), 40, 40);
    keys(
        &mut app,
        &[
            Key::Char('/'),
            Key::Char('0'),
            Key::Char('0'),
            Key::Char('2'),
        ],
    );
    snap("filtered_typing", &app);
    keys(&mut app, &[Key::Enter]);
    snap("filtered", &app);
}

#[test]
fn empty() {
    let mut app = browsing(demo_config(), 0, 0);
    snap("empty_users", &app);
    keys(&mut app, &[Key::Char('/'), Key::Char('z'), Key::Char('z')]);
    snap("empty_filter", &app);
}

#[test]
fn long_list_partly_loaded() {
    let mut app = browsing(demo_config(), 300, 2000);
    keys(&mut app, &[Key::PageDown, Key::Down, Key::Down]);
    snap("partly_loaded", &app);
}

#[test]
fn error_in_the_status_log() {
    let mut app = listed(config_real());
    let effects = keys(&mut app, &[Key::Enter]);
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let err = Error::Api(ApiError {
        code: "Throttling.User".into(),
        message: "Request was denied due to user flow control.".into(),
        request_id: "7A3C1E55-0F2B-4C7D-9E11-2B8D6A4F0C31".into(),
        http_status: 400,
        ..Default::default()
    });
    update(
        &mut app,
        Msg::Users {
            region: "cn-shanghai".into(),
            instance: "sag-sh0office000000001".into(),
            request,
            event: PageEvent::Failed(err),
        },
    );
    snap("error", &app);

    let buffer = render(&app, 200, 50);
    let (x, y) = find(&buffer, "error ").expect("the error level is on screen");
    assert_eq!(buffer[(x, y)].fg, Color::Red, "errors are red");
}

fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in 0..area.height {
        let line: String = (0..area.width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        if let Some(col) = line.find(needle) {
            // Columns are cells; the screen's text before `col` is ASCII in these rows.
            let x = line[..col].chars().count() as u16;
            return Some((x, y));
        }
    }
    None
}

#[test]
fn demo_and_read_only_headers() {
    let app = browsing(demo_config(), 5, 5);
    let buffer = render(&app, 80, 24);
    let (x, y) = find(&buffer, "DEMO").unwrap();
    assert_eq!(y, 0);
    assert_eq!(buffer[(x, y)].bg, Color::Yellow);

    let mut config = demo_config();
    config.read_only = true;
    let mut app = browsing(config, 5, 5);
    keys(&mut app, &[Key::Char('r')]);
    snap("read_only", &app);
    let buffer = render(&app, 80, 24);
    let (x, y) = find(&buffer, "READ-ONLY").unwrap();
    assert_eq!(y, 0);
    assert_eq!(buffer[(x, y)].bg, Color::Red);

    let app = browsing(config_real(), 5, 5);
    snap("credentials_header", &app);
}

#[test]
fn help_overlay() {
    let mut app = browsing(demo_config(), 5, 5);
    keys(&mut app, &[Key::Char('?')]);
    snap("help", &app);
}

#[test]
fn too_small() {
    let app = browsing(demo_config(), 5, 5);
    for (w, h) in [(40, 10), (59, 30), (100, 15)] {
        let screen = text(&render(&app, w, h));
        assert!(screen.contains("sagroam needs"), "{w}x{h}: {screen}");
    }
    for (w, h) in [(0, 0), (1, 1), (3, 2), (60, 16)] {
        render(&app, w, h);
    }
    let screen = text(&render(&app, 40, 10));
    insta::assert_snapshot!("too_small_40x10", screen);
}

// ---- the roam dialog -----------------------------------------------------------------

/// Lists `user` as the fourth account of the origin, opens the dialog on it and answers the
/// target listings: `target` is the target region's only instance, `target_users` its
/// accounts.
fn dialog(
    user: ClientUser,
    target: SmartAccessGateway,
    target_users: Vec<ClientUser>,
    target_region_down: usize,
) -> App {
    let mut app = browsing(demo_config(), 12, 12);
    let reload = keys(&mut app, &[Key::Char('R')]);
    let Some(Effect::LoadUsers {
        region,
        instance,
        request,
    }) = reload.first().cloned()
    else {
        panic!("{reload:?}")
    };
    let mut rows = sample::users(0..3);
    rows.push(user.clone());
    rows.extend(sample::users(4..12));
    for event in [PageEvent::Page(page(rows, 1, 100, 12)), PageEvent::Done] {
        update(
            &mut app,
            Msg::Users {
                region: region.clone(),
                instance: instance.clone(),
                request,
                event,
            },
        );
    }
    keys(&mut app, &[Key::Down, Key::Down, Key::Down]);
    assert_eq!(app.users.selected(), Some(&user));
    let mut effects = keys(&mut app, &[Key::Char('r')]);
    if target_region_down > 0 {
        keys(&mut app, &[Key::BackTab, Key::BackTab]);
        for _ in 0..target_region_down {
            effects = keys(&mut app, &[Key::Down]);
        }
        keys(&mut app, &[Key::Tab, Key::Tab]);
    }
    sample::answer_target(&mut app, &effects, target, target_users);
    app
}

#[test]
fn dialog_opening_with_target_loading() {
    let mut app = browsing(demo_config(), 12, 12);
    keys(&mut app, &[Key::Down, Key::Char('r')]);
    snap("dialog_loading", &app);
}

#[test]
fn dialog_all_passing() {
    let app = dialog(sample::user(3), hz_branch(), sample::users(100..103), 0);
    snap("dialog_all_passing", &app);
}

#[test]
fn dialog_failures() {
    let mut overlapping = hz_branch();
    overlapping.cidr_block = "10.10.128.0/20".into();
    snap(
        "dialog_fail_cidr_overlap",
        &dialog(sample::user(3), overlapping, vec![], 0),
    );

    snap(
        "dialog_fail_user_exists",
        &dialog(sample::user(3), hz_branch(), vec![sample::user(3)], 0),
    );

    let mut full = hz_branch();
    full.user_count = 2;
    snap(
        "dialog_fail_full",
        &dialog(sample::user(3), full, sample::users(200..202), 0),
    );

    let mut no_cidr = hz_branch();
    no_cidr.cidr_block = String::new();
    snap(
        "dialog_fail_no_cidr",
        &dialog(sample::user(3), no_cidr, vec![], 0),
    );

    let mut hardware = hz_branch();
    hardware.serial_number = "sag3c4d5e6f".into();
    snap(
        "dialog_fail_hardware",
        &dialog(sample::user(3), hardware, vec![], 0),
    );

    let mut bad_name = sample::user(3);
    bad_name.user_name = "bob".into();
    snap(
        "dialog_fail_user_name",
        &dialog(bad_name, hz_branch(), vec![], 0),
    );

    let mut wide = sample::user(3);
    wide.bandwidth = 50_000;
    snap(
        "dialog_fail_bandwidth",
        &dialog(wide, hz_branch(), vec![], 0),
    );

    let mut fixed_ip = sample::user(3);
    fixed_ip.is_static_ip = true;
    fixed_ip.client_ip = "10.10.0.50".into();
    snap(
        "dialog_fail_static_ip",
        &dialog(fixed_ip, hz_branch(), vec![], 0),
    );

    let mut offline = hz_branch();
    offline.status = "Offline".into();
    snap(
        "dialog_fail_offline",
        &dialog(sample::user(3), offline, vec![], 0),
    );

    let mut overdue = hz_branch();
    overdue.business_state = Some("Arrearage".into());
    overdue.status = "Arrearage".into();
    overdue.end_time = NOW_MS - 1000;
    snap(
        "dialog_fail_overdue_expired",
        &dialog(sample::user(3), overdue, vec![], 0),
    );
}

#[test]
fn roam_in_flight_then_answered() {
    let mut app = dialog(sample::user(3), hz_branch(), vec![], 0);
    let effects = keys(&mut app, &[Key::Right, Key::Enter]);
    let (request, roam): (u64, RoamClientUser) = effects
        .iter()
        .find_map(|e| match e {
            Effect::Roam { request, roam } => Some((*request, roam.clone())),
            _ => None,
        })
        .unwrap();
    snap("roam_in_flight", &app);
    update(
        &mut app,
        Msg::Roamed {
            request,
            roam,
            result: Ok(RoamOutcome::Roamed {
                request_id: "26C24B63-5E5A-413A-9E49-FC0C0AE9DFB7".into(),
            }),
        },
    );
    snap("roam_done", &app);
}
