//! `app::update` with no terminal and no network: messages in, state and effects out.

use sagroam::api::client::RoamOutcome;
use sagroam::api::error::{ApiError, Error, TransportKind};
use sagroam::api::model::{ClientUser, RoamClientUser, SmartAccessGateway};
use sagroam::app::keys::Key;
use sagroam::app::list::Load;
use sagroam::app::log::{fixed_clock, Level};
use sagroam::app::roam::{preflight, Facts, Field, Lookup, TargetAccounts, Verdict};
use sagroam::app::sample::{self, browsing, demo_config, hz_branch, listed, page, NOW_MS};
use sagroam::app::{update, App, Effect, Msg, PageEvent, Pane};

fn keys(app: &mut App, keys: &[Key]) -> Vec<Effect> {
    keys.iter()
        .flat_map(|k| update(app, Msg::Key(*k)))
        .collect()
}

fn users_request(effects: &[Effect]) -> (String, String, u64) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsers {
                region,
                instance,
                request,
            } => Some((region.clone(), instance.clone(), *request)),
            _ => None,
        })
        .expect("a LoadUsers effect")
}

fn names(app: &App) -> Vec<String> {
    (0..app.users.len())
        .map(|p| app.users.get(p).unwrap().user_name.clone())
        .collect()
}

#[test]
fn demo_against_an_endpoint_says_who_serves_the_demo_world() {
    let built_in = {
        let mut app = App::new(demo_config(), fixed_clock(NOW_MS));
        app.start();
        app.log.last().unwrap().message.clone()
    };
    assert!(
        built_in.contains("the built-in emulator serves"),
        "{built_in}"
    );

    let mut config = demo_config();
    config.demo_endpoint = Some("http://127.0.0.1:8080".into());
    let mut app = App::new(config, fixed_clock(NOW_MS));
    app.start();
    let last = &app.log.last().unwrap().message;
    assert!(
        last.contains("the emulator at http://127.0.0.1:8080 serves"),
        "{last}"
    );
    assert!(!last.contains("built-in"), "{last}");
}

#[test]
fn start_lists_regions_then_opens_the_start_region() {
    let mut app = App::new(demo_config(), fixed_clock(NOW_MS));
    let effects = app.start();
    assert_eq!(effects, vec![Effect::LoadRegions { request: 1 }]);
    let last = &app.log.last().unwrap().message;
    assert!(last.starts_with("DEMO"), "{last}");
    assert!(last.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{last}");

    let effects = update(
        &mut app,
        Msg::Regions {
            request: 1,
            result: Ok(sample::regions()),
        },
    );
    assert_eq!(
        effects,
        vec![Effect::LoadInstances {
            region: "cn-shanghai".into(),
            request: 2
        }]
    );
    assert_eq!(app.region.as_deref(), Some("cn-shanghai"));
    assert_eq!(app.focus, Pane::Instances);
}

#[test]
fn instance_pages_ask_for_user_counts() {
    let mut app = App::new(demo_config(), fixed_clock(NOW_MS));
    app.start();
    update(
        &mut app,
        Msg::Regions {
            request: 1,
            result: Ok(sample::regions()),
        },
    );
    let effects = update(
        &mut app,
        Msg::Instances {
            region: "cn-shanghai".into(),
            request: 2,
            event: PageEvent::Page(page(sample::instances_of("cn-shanghai"), 1, 50, 2)),
        },
    );
    assert_eq!(effects.len(), 2);
    assert!(effects
        .iter()
        .all(|e| matches!(e, Effect::CountUsers { region, .. } if region == "cn-shanghai")));
    assert_eq!(app.instances.loaded(), 2);
    assert_eq!(app.instances.load, Load::Loading);
}

#[test]
fn a_reply_for_a_region_left_behind_is_dropped() {
    let mut app = listed(demo_config());
    // Back to the regions, down to cn-hangzhou, open it.
    let effects = keys(&mut app, &[Key::Esc, Key::Down, Key::Enter]);
    let hz_request = match &effects[..] {
        [Effect::LoadInstances { region, request }] if region == "cn-hangzhou" => *request,
        other => panic!("unexpected {other:?}"),
    };

    // A late page of cn-shanghai's listing (same or older request) changes nothing.
    for (region, request) in [("cn-shanghai", hz_request - 1), ("cn-shanghai", hz_request)] {
        let effects = update(
            &mut app,
            Msg::Instances {
                region: region.into(),
                request,
                event: PageEvent::Page(page(sample::instances_of("cn-shanghai"), 1, 50, 2)),
            },
        );
        assert!(effects.is_empty());
        assert_eq!(app.instances.loaded(), 0);
    }
    // A reply of an older request for the right region is dropped too.
    update(
        &mut app,
        Msg::Instances {
            region: "cn-hangzhou".into(),
            request: hz_request - 1,
            event: PageEvent::Page(page(sample::instances_of("cn-hangzhou"), 1, 50, 2)),
        },
    );
    assert_eq!(app.instances.loaded(), 0);

    update(
        &mut app,
        Msg::Instances {
            region: "cn-hangzhou".into(),
            request: hz_request,
            event: PageEvent::Page(page(sample::instances_of("cn-hangzhou"), 1, 50, 2)),
        },
    );
    assert_eq!(app.instances.loaded(), 2);
}

#[test]
fn a_reply_for_an_instance_left_behind_is_dropped() {
    let mut app = listed(demo_config());
    let first = users_request(&keys(&mut app, &[Key::Enter]));
    // Back, down to the other instance, open it.
    let second = users_request(&keys(&mut app, &[Key::Esc, Key::Down, Key::Enter]));
    assert_ne!(first.1, second.1);

    update(
        &mut app,
        Msg::Users {
            region: first.0.clone(),
            instance: first.1.clone(),
            request: first.2,
            event: PageEvent::Page(page(sample::users(0..10), 1, 100, 10)),
        },
    );
    assert_eq!(
        app.users.loaded(),
        0,
        "the first instance's users must not show"
    );

    update(
        &mut app,
        Msg::Users {
            region: second.0,
            instance: second.1,
            request: second.2,
            event: PageEvent::Page(page(sample::users(50..53), 1, 100, 3)),
        },
    );
    assert_eq!(names(&app), ["user00050", "user00051", "user00052"]);
}

#[test]
fn a_target_listing_for_a_region_left_behind_is_dropped() {
    let mut app = browsing(demo_config(), 5, 5);
    let first = keys(&mut app, &[Key::Char('r')]);
    let Some(Effect::LoadTargetInstances { request: old, .. }) = first.first().cloned() else {
        panic!("{first:?}")
    };
    keys(&mut app, &[Key::BackTab, Key::BackTab]);
    let moved = keys(&mut app, &[Key::Down]);
    let Some(Effect::LoadTargetInstances { region, request }) = moved.first().cloned() else {
        panic!("{moved:?}")
    };
    assert_eq!(region, "cn-hongkong");

    update(
        &mut app,
        Msg::TargetInstances {
            region: "cn-hangzhou".into(),
            request: old,
            event: PageEvent::Page(page(sample::instances_of("cn-hangzhou"), 1, 50, 2)),
        },
    );
    let d = app.dialog.as_ref().unwrap();
    assert_eq!(d.target_instances.loaded(), 0);

    update(
        &mut app,
        Msg::TargetInstances {
            region,
            request,
            event: PageEvent::Page(page(sample::instances_of("cn-hongkong"), 1, 50, 1)),
        },
    );
    let d = app.dialog.as_ref().unwrap();
    assert_eq!(
        d.target_instance().unwrap().smart_ag_id,
        "sag-hk0office000000001"
    );
}

#[test]
fn selection_is_kept_by_id_across_a_reload() {
    let mut app = browsing(demo_config(), 10, 10);
    keys(
        &mut app,
        &[Key::Down, Key::Down, Key::Down, Key::Down, Key::Down],
    );
    assert_eq!(app.users.selected().unwrap().user_name, "user00005");

    let (region, instance, request) = users_request(&keys(&mut app, &[Key::Char('R')]));
    assert_eq!(app.users.selected_key(), Some("user00005"));

    // The reload comes back with new accounts above and in another order.
    let mut rows: Vec<ClientUser> = sample::users(100..104);
    rows.extend(sample::users(0..10).into_iter().rev());
    update(
        &mut app,
        Msg::Users {
            region: region.clone(),
            instance: instance.clone(),
            request,
            event: PageEvent::Page(page(rows[..6].to_vec(), 1, 6, 14)),
        },
    );
    // Not arrived yet: nothing else is selected in its place.
    assert_eq!(app.users.selected(), None);
    assert_eq!(app.users.selected_key(), Some("user00005"));

    update(
        &mut app,
        Msg::Users {
            region: region.clone(),
            instance: instance.clone(),
            request,
            event: PageEvent::Page(page(rows[6..].to_vec(), 2, 6, 14)),
        },
    );
    update(
        &mut app,
        Msg::Users {
            region,
            instance,
            request,
            event: PageEvent::Done,
        },
    );
    assert_eq!(app.users.selected().unwrap().user_name, "user00005");
    assert_eq!(app.users.cursor(), Some(8));
}

#[test]
fn filter_is_case_insensitive_and_esc_clears_it() {
    let mut app = browsing(demo_config(), 30, 30);
    keys(
        &mut app,
        &[
            Key::Char('/'),
            Key::Char('U'),
            Key::Char('S'),
            Key::Char('E'),
            Key::Char('R'),
            Key::Char('0'),
            Key::Char('0'),
            Key::Char('0'),
            Key::Char('1'),
        ],
    );
    assert_eq!(
        names(&app),
        [
            "user00010",
            "user00011",
            "user00012",
            "user00013",
            "user00014",
            "user00015",
            "user00016",
            "user00017",
            "user00018",
            "user00019"
        ]
    );
    keys(&mut app, &[Key::Enter]);
    assert!(!app.users.editing_filter);
    assert_eq!(app.users.filter(), "USER0001");
    keys(&mut app, &[Key::Esc]);
    assert_eq!(app.users.filter(), "");
    assert_eq!(app.users.len(), 30);
}

// ---- the roam dialog -----------------------------------------------------------------

/// The dialog on user00003 with the target's instances and users answered.
fn open_dialog(target: SmartAccessGateway, target_users: Vec<ClientUser>) -> App {
    let mut app = browsing(demo_config(), 10, 10);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down]);
    let effects = keys(&mut app, &[Key::Char('r')]);
    sample::answer_target(&mut app, &effects, target, target_users);
    app
}

#[test]
fn dialog_opens_on_cancel_with_the_origin_filled_in() {
    let mut app = browsing(demo_config(), 10, 10);
    keys(&mut app, &[Key::Down, Key::Down]);
    let effects = keys(&mut app, &[Key::Char('r')]);
    assert_eq!(
        effects,
        vec![Effect::LoadTargetInstances {
            region: "cn-hangzhou".into(),
            request: effects_request(&effects)
        }]
    );
    let d = app.dialog.as_ref().unwrap();
    assert_eq!(d.focus, Field::Cancel);
    assert_eq!(d.origin_region, "cn-shanghai");
    assert_eq!(d.origin_instance.smart_ag_id, "sag-sh0office000000001");
    assert_eq!(d.user.user_name, "user00002");
    let targets: Vec<&str> = d
        .target_regions
        .iter()
        .map(|r| r.region_id.as_str())
        .collect();
    assert_eq!(
        targets,
        ["cn-hangzhou", "cn-hongkong", "ap-southeast-1"],
        "never the origin's region"
    );

    // Enter on Cancel closes it and sends nothing.
    assert!(keys(&mut app, &[Key::Enter]).is_empty());
    assert!(app.dialog.is_none());
}

fn effects_request(effects: &[Effect]) -> u64 {
    match effects.first() {
        Some(Effect::LoadTargetInstances { request, .. }) => *request,
        _ => 0,
    }
}

#[test]
fn dialog_focus_order() {
    let mut app = open_dialog(hz_branch(), vec![]);
    let mut order = vec![app.dialog.as_ref().unwrap().focus];
    for _ in 0..4 {
        keys(&mut app, &[Key::Tab]);
        order.push(app.dialog.as_ref().unwrap().focus);
    }
    assert_eq!(
        order,
        [
            Field::Cancel,
            Field::Roam,
            Field::TargetRegion,
            Field::TargetInstance,
            Field::Cancel
        ]
    );
    keys(&mut app, &[Key::BackTab]);
    assert_eq!(app.dialog.as_ref().unwrap().focus, Field::TargetInstance);
    // Left and right move between the buttons only.
    keys(&mut app, &[Key::Tab, Key::Right]);
    assert_eq!(app.dialog.as_ref().unwrap().focus, Field::Roam);
    keys(&mut app, &[Key::Right]);
    assert_eq!(app.dialog.as_ref().unwrap().focus, Field::Roam);
    keys(&mut app, &[Key::Left]);
    assert_eq!(app.dialog.as_ref().unwrap().focus, Field::Cancel);
    // Esc cancels from anywhere.
    assert!(keys(&mut app, &[Key::Esc]).is_empty());
    assert!(app.dialog.is_none());
}

#[test]
fn roam_is_refused_until_a_target_instance_is_chosen() {
    let mut app = browsing(demo_config(), 10, 10);
    keys(&mut app, &[Key::Char('r')]);
    let effects = keys(&mut app, &[Key::Right, Key::Enter]);
    assert!(effects.is_empty(), "{effects:?}");
    let d = app.dialog.as_ref().expect("the dialog stays open");
    assert!(d.message.as_deref().unwrap().contains("still loading"));

    // A region with no SAG APP instance.
    let mut app = browsing(demo_config(), 10, 10);
    keys(
        &mut app,
        &[
            Key::Char('r'),
            Key::BackTab,
            Key::BackTab,
            Key::Down,
            Key::Down,
        ],
    );
    let d = app.dialog.as_ref().unwrap();
    let (region, request) = (
        d.target_region().unwrap().region_id.clone(),
        d.target_instances.request,
    );
    assert_eq!(region, "ap-southeast-1");
    update(
        &mut app,
        Msg::TargetInstances {
            region: region.clone(),
            request,
            event: PageEvent::Page(page(vec![], 1, 50, 0)),
        },
    );
    update(
        &mut app,
        Msg::TargetInstances {
            region,
            request,
            event: PageEvent::Done,
        },
    );
    let effects = keys(&mut app, &[Key::Tab, Key::Tab, Key::Tab, Key::Enter]);
    assert!(effects.is_empty());
    assert!(app
        .dialog
        .as_ref()
        .unwrap()
        .message
        .as_deref()
        .unwrap()
        .contains("no SAG APP instance"));
}

#[test]
fn submitting_closes_the_dialog_and_sends_one_roam() {
    let mut app = open_dialog(hz_branch(), vec![]);
    let effects = keys(&mut app, &[Key::Right, Key::Enter]);
    assert!(app.dialog.is_none());
    let [Effect::Roam { request, roam }] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        roam,
        &RoamClientUser {
            region_id: "cn-hangzhou".into(),
            origin_region_id: "cn-shanghai".into(),
            origin_smart_ag_id: "sag-sh0office000000001".into(),
            target_smart_ag_id: "sag-hz0branch00000001".into(),
            user_name: "user00003".into(),
        }
    );
    let last = app.log.last().unwrap();
    assert!(last.in_flight && last.message.starts_with("Roaming user00003"));
    assert!(app.animating());

    update(
        &mut app,
        Msg::Roamed {
            request: *request,
            roam: roam.clone(),
            result: Ok(RoamOutcome::Roamed {
                request_id: "REQ-1".into(),
            }),
        },
    );
    assert!(!app.log.any_in_flight());
    let last = app.log.last().unwrap();
    assert_eq!(last.level, Level::Success);
    assert!(last.message.contains("RequestId REQ-1"), "{}", last.message);
}

#[test]
fn a_success_reloads_the_target_list_when_it_is_on_screen() {
    // Roam into the instance next door is not allowed by region, so put the target on
    // screen by hand: the operator opened cn-hangzhou's hz-branch meanwhile.
    let mut app = open_dialog(hz_branch(), vec![]);
    let effects = keys(&mut app, &[Key::Right, Key::Enter]);
    let Some(Effect::Roam { request, roam }) = effects.first().cloned() else {
        panic!()
    };

    let opened = keys(&mut app, &[Key::Esc, Key::Esc, Key::Down, Key::Enter]);
    let Some(Effect::LoadInstances { region, request: r }) = opened.first().cloned() else {
        panic!("{opened:?}")
    };
    update(
        &mut app,
        Msg::Instances {
            region: region.clone(),
            request: r,
            event: PageEvent::Page(page(sample::instances_of(&region), 1, 50, 2)),
        },
    );
    update(
        &mut app,
        Msg::Instances {
            region,
            request: r,
            event: PageEvent::Done,
        },
    );
    let (_, instance, _) = users_request(&keys(&mut app, &[Key::Enter]));
    assert_eq!(instance, "sag-hz0branch00000001");

    let effects = update(
        &mut app,
        Msg::Roamed {
            request,
            roam,
            result: Ok(RoamOutcome::Roamed {
                request_id: "R".into(),
            }),
        },
    );
    let reloads_target = |e: &Effect| match e {
        Effect::LoadUsers { instance, .. } => instance == "sag-hz0branch00000001",
        _ => false,
    };
    assert!(effects.iter().any(reloads_target), "{effects:?}");
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::CountUsers { .. })));
}

#[test]
fn roam_outcomes_in_the_status_log() {
    let roam = RoamClientUser {
        region_id: "cn-hangzhou".into(),
        origin_region_id: "cn-shanghai".into(),
        origin_smart_ag_id: "sag-a".into(),
        target_smart_ag_id: "sag-b".into(),
        user_name: "user00003".into(),
    };
    let lost = Error::Transport {
        kind: TransportKind::Closed,
        endpoint: "http://127.0.0.1:1/".into(),
        detail: "closed".into(),
    };
    let api = Error::Api(ApiError {
        code: "SAG.CidrOverlap".into(),
        message: "The specified CIDR overlaps with an existing CIDR.".into(),
        request_id: "REQ-9".into(),
        http_status: 400,
        ..Default::default()
    });
    let cases: Vec<(Result<RoamOutcome, Error>, Level, &str)> = vec![
        (
            Ok(RoamOutcome::LostAnswerApplied {
                cause: lost.clone(),
            }),
            Level::Success,
            ": applied",
        ),
        (
            Ok(RoamOutcome::LostAnswerNotApplied { cause: lost }),
            Level::Error,
            ": not applied",
        ),
        (
            Err(api),
            Level::Error,
            "SAG.CidrOverlap: The specified CIDR overlaps with an existing CIDR. \
             (RequestId: REQ-9)",
        ),
    ];
    for (result, level, text) in cases {
        let mut app = browsing(demo_config(), 3, 3);
        update(
            &mut app,
            Msg::Roamed {
                request: 99,
                roam: roam.clone(),
                result,
            },
        );
        let last = app.log.last().unwrap();
        assert_eq!(last.level, level);
        assert!(last.message.contains(text), "{} lacks {text}", last.message);
    }
}

#[test]
fn read_only_sends_nothing() {
    let mut config = demo_config();
    config.read_only = true;
    let mut app = browsing(config, 5, 5);
    let effects = keys(&mut app, &[Key::Down, Key::Char('r')]);
    assert!(effects.is_empty());
    assert!(app.dialog.is_none());
    let last = app.log.last().unwrap();
    assert_eq!(last.level, Level::Error);
    assert!(
        last.message.contains("Roaming is disabled"),
        "{}",
        last.message
    );
    assert!(app
        .log
        .entries()
        .iter()
        .any(|e| e.message.contains("READ-ONLY")));
}

#[test]
fn quit_and_help() {
    let mut app = browsing(demo_config(), 2, 2);
    keys(&mut app, &[Key::Char('?')]);
    assert!(app.help);
    assert!(
        keys(&mut app, &[Key::Char('j')]).is_empty(),
        "keys do nothing under the help"
    );
    keys(&mut app, &[Key::Esc]);
    assert!(!app.help);
    assert_eq!(keys(&mut app, &[Key::Char('q')]), vec![Effect::Quit]);
    let mut app = browsing(demo_config(), 2, 2);
    keys(&mut app, &[Key::Char('r')]);
    assert_eq!(
        keys(&mut app, &[Key::CtrlC]),
        vec![Effect::Quit],
        "Ctrl-C quits from the dialog"
    );
}

// ---- each preflight check failing on its own -----------------------------------------

struct World {
    origin: SmartAccessGateway,
    target: SmartAccessGateway,
    user: ClientUser,
    target_users: Vec<ClientUser>,
    user_name: String,
    target_region: String,
    origin_listed: bool,
    target_listed: bool,
    user_listed: bool,
}

fn passing() -> World {
    World {
        origin: sample::instance("sag-sh0office000000001", "sh-office", "10.10.0.0/16", 100),
        target: hz_branch(),
        user: sample::user(3),
        target_users: sample::users(100..103),
        user_name: "user00003".into(),
        target_region: "cn-hangzhou".into(),
        origin_listed: true,
        target_listed: true,
        user_listed: true,
    }
}

fn evaluate(w: &World) -> Vec<(String, Verdict, &'static str)> {
    let found = |listed, i| {
        if listed {
            Lookup::Found(i)
        } else {
            Lookup::Missing
        }
    };
    preflight(&Facts {
        user_name: &w.user_name,
        user: &w.user,
        origin: &w.origin,
        origin_region: "cn-shanghai",
        origin_instance: found(w.origin_listed, &w.origin),
        origin_user: if w.user_listed {
            Lookup::Found(&w.user)
        } else {
            Lookup::Missing
        },
        target_region: &w.target_region,
        target_instance: found(w.target_listed, &w.target),
        target_accounts: Some(TargetAccounts {
            users: &w.target_users,
            total: w.target_users.len() as u64,
        }),
        now_ms: NOW_MS,
    })
    .into_iter()
    .map(|c| {
        (
            c.number
                .map(|n| n.to_string())
                .unwrap_or(c.title.to_string()),
            c.verdict,
            c.code,
        )
    })
    .collect()
}

fn only_failure(w: &World) -> (String, &'static str) {
    let checks = evaluate(w);
    let failed: Vec<_> = checks.iter().filter(|c| c.1 == Verdict::Failed).collect();
    assert_eq!(failed.len(), 1, "exactly one check must fail: {checks:?}");
    // With the target gone from its listing, what rests on the target is not known; every
    // other change leaves all the other checks passing.
    if w.target_listed {
        assert!(checks.iter().all(|c| c.1 != Verdict::Unknown), "{checks:?}");
    }
    (failed[0].0.clone(), failed[0].2)
}

#[test]
fn all_checks_pass_on_a_good_roam() {
    let checks = evaluate(&passing());
    assert_eq!(checks.len(), 15);
    assert!(checks.iter().all(|c| c.1 == Verdict::Passed), "{checks:?}");
}

#[test]
fn each_check_fails_on_its_own() {
    type Change = fn(&mut World);
    let cases: [(&str, &str, Change); 15] = [
        ("1", "ClientUser.NameInvalid", |w| {
            w.user_name = "bad name!".into()
        }),
        ("2", "SAG.InstanceNoFound", |w| w.origin_listed = false),
        ("3", "SAG.InstanceNoFound", |w| w.target_listed = false),
        ("4", "ClientUser.NotSupportAction", |w| {
            w.target.hardware_version = "sag-100wm".into()
        }),
        ("5", "ClientUser.NotSupportAction", |w| {
            w.target_region = "cn-shanghai".into()
        }),
        ("6", "ClientUser.NameInvalid", |w| w.user_listed = false),
        ("7", "SAG.CidrEmpty", |w| {
            w.target.cidr_block = String::new()
        }),
        ("8", "SAG.CidrOverlap", |w| {
            w.target.cidr_block = "10.10.128.0/20".into()
        }),
        ("9", "ClientUser.UserExist", |w| {
            w.target_users.push(sample::user(3))
        }),
        ("10", "ClientUser.UserOverLimit", |w| {
            w.target.user_count = 3
        }),
        ("11", "ClientUser.BandwidthInvalid", |w| {
            w.user.bandwidth = 20_001
        }),
        ("12", "ClientUser.InvalidClientIp", |w| {
            w.user.is_static_ip = true;
            w.user.client_ip = "10.10.0.5".into();
        }),
        ("target is Active", "", |w| {
            w.target.status = "Offline".into()
        }),
        ("target paid up", "", |w| {
            w.target.business_state = Some("Arrearage".into())
        }),
        ("target not expired", "", |w| w.target.end_time = NOW_MS - 1),
    ];
    for (which, code, change) in cases {
        let mut w = passing();
        change(&mut w);
        assert_eq!(only_failure(&w), (which.to_string(), code), "case {which}");
    }
}

#[test]
fn a_static_ip_inside_the_target_and_free_passes() {
    let mut w = passing();
    w.user.is_static_ip = true;
    w.user.client_ip = "10.20.0.9".into();
    assert!(evaluate(&w).iter().all(|c| c.1 == Verdict::Passed));
    w.target_users[0].client_ip = "10.20.0.9".into();
    assert_eq!(
        only_failure(&w),
        ("12".to_string(), "ClientUser.InvalidClientIp")
    );
}

#[test]
fn unknown_until_the_target_users_are_read() {
    let mut app = browsing(demo_config(), 10, 10);
    keys(&mut app, &[Key::Down, Key::Down, Key::Down, Key::Char('r')]);
    let checks = app.preflight().unwrap();
    let unknown: Vec<_> = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Unknown)
        .filter_map(|c| c.number)
        .collect();
    assert!(
        unknown.contains(&3) && unknown.contains(&9) && unknown.contains(&10),
        "{unknown:?}"
    );

    let app = open_dialog(hz_branch(), vec![]);
    let checks = app.preflight().unwrap();
    assert!(
        checks.iter().all(|c| c.verdict == Verdict::Passed),
        "{checks:?}"
    );
}

#[test]
fn the_preflight_warns_but_roam_stays_possible() {
    let mut target = hz_branch();
    target.cidr_block = "10.10.128.0/20".into();
    let mut app = open_dialog(target, vec![]);
    let effects = keys(&mut app, &[Key::Right, Key::Enter]);
    assert!(matches!(&effects[..], [Effect::Roam { .. }]));
    assert!(app
        .log
        .last()
        .unwrap()
        .message
        .contains("preflight failed: SAG.CidrOverlap"));
}

#[test]
fn target_users_of_an_instance_left_behind_are_dropped() {
    let mut app = browsing(demo_config(), 5, 5);
    let effects = keys(&mut app, &[Key::Char('r')]);
    let Some(Effect::LoadTargetInstances { region, request }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let effects = update(
        &mut app,
        Msg::TargetInstances {
            region: region.clone(),
            request,
            event: PageEvent::Page(page(sample::instances_of("cn-hangzhou"), 1, 50, 2)),
        },
    );
    let Some(Effect::LoadTargetUsers {
        instance: first,
        request: first_request,
        ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };

    // Move to the second target instance: its users are asked for, the first's are moot.
    let effects = keys(&mut app, &[Key::BackTab, Key::Down]);
    let Some(Effect::LoadTargetUsers {
        instance: second,
        request: second_request,
        ..
    }) = effects.first().cloned()
    else {
        panic!("{effects:?}")
    };
    assert_ne!(first, second);

    for event in [
        PageEvent::Page(page(vec![sample::user(3)], 1, 100, 1)),
        PageEvent::Done,
    ] {
        update(
            &mut app,
            Msg::TargetUsers {
                region: region.clone(),
                instance: first.clone(),
                request: first_request,
                event,
            },
        );
    }
    let tu = &app.dialog.as_ref().unwrap().target_users;
    assert_eq!(tu.instance, second);
    assert!(tu.users.is_empty());
    assert_eq!(tu.load, Load::Loading);

    update(
        &mut app,
        Msg::TargetUsers {
            region,
            instance: second,
            request: second_request,
            event: PageEvent::Done,
        },
    );
    assert_eq!(
        app.dialog.as_ref().unwrap().target_users.load,
        Load::Complete
    );
}
