//! A small, fixed world for the app's tests, the screen snapshots and the frame benchmark:
//! regions, instances and users as the API would list them, and helpers that drive an `App`
//! through `update` exactly as the replies of real calls would.

use crate::api::model::{ClientUser, Page, Region, SmartAccessGateway};
use crate::app::log::fixed_clock;
use crate::app::{update, App, Config, Effect, Msg, PageEvent};

/// 2025-12-03 14:05:00 UTC: the fixed "now" of samples.
pub const NOW_MS: i64 = 1_764_770_700_000;
/// 2030-01-01 00:00:00 UTC: when the sample instances expire.
pub const END_MS: i64 = 1_893_456_000_000;

pub fn demo_config() -> Config {
    Config {
        source: "DEMO".into(),
        demo: true,
        demo_reason: None,
        demo_endpoint: None,
        read_only: false,
        region: "cn-shanghai".into(),
    }
}

pub fn regions() -> Vec<Region> {
    [
        ("cn-shanghai", "China (Shanghai)"),
        ("cn-hangzhou", "China (Hangzhou)"),
        ("cn-hongkong", "China (Hong Kong)"),
        ("ap-southeast-1", "Singapore"),
    ]
    .iter()
    .map(|(id, name)| Region {
        region_id: id.to_string(),
        local_name: name.to_string(),
        region_endpoint: format!("smartag.{id}.aliyuncs.com"),
    })
    .collect()
}

pub fn instance(id: &str, name: &str, cidr: &str, quota: i64) -> SmartAccessGateway {
    SmartAccessGateway {
        smart_ag_id: id.into(),
        name: name.into(),
        status: "Active".into(),
        cidr_block: cidr.into(),
        user_count: quota,
        data_plan: 5,
        max_bandwidth: "50 M".into(),
        end_time: END_MS,
        create_time: NOW_MS - 86_400_000,
        business_state: Some("Normal".into()),
        ..Default::default()
    }
}

/// The SAG APP instances each sample region lists.
pub fn instances_of(region: &str) -> Vec<SmartAccessGateway> {
    match region {
        "cn-shanghai" => vec![
            instance("sag-sh0office000000001", "sh-office", "10.10.0.0/16", 100),
            instance("sag-sh0full00000000002", "sh-full", "10.11.0.0/16", 2000),
        ],
        "cn-hangzhou" => vec![
            instance("sag-hz0branch00000001", "hz-branch", "10.20.0.0/16", 50),
            instance("sag-hz0lab000000000002", "hz-lab", "10.10.128.0/20", 50),
        ],
        "cn-hongkong" => vec![instance(
            "sag-hk0office000000001",
            "hk-office",
            "10.30.0.0/16",
            20,
        )],
        _ => Vec::new(),
    }
}

/// The `n`-th sample user: `user00042`, enabled unless `n` is a multiple of 7.
pub fn user(n: usize) -> ClientUser {
    ClientUser {
        user_name: format!("user{n:05}"),
        user_mail: format!("user{n:05}@example.com"),
        bandwidth: 2000,
        client_ip: format!("10.10.{}.{}", n / 250 % 250, n % 250 + 2),
        state: if n.is_multiple_of(7) { 1 } else { 0 },
        accelerate_bandwidth: 0,
        is_static_ip: false,
    }
}

pub fn users(range: std::ops::Range<usize>) -> Vec<ClientUser> {
    range.map(user).collect()
}

pub fn page<T>(items: Vec<T>, page_number: u32, page_size: u32, total: u64) -> Page<T> {
    Page {
        items,
        page_number,
        page_size,
        total_count: total,
    }
}

/// The request number of the first effect that has one of the given kind.
pub fn request_of(effects: &[Effect], kind: fn(&Effect) -> Option<u64>) -> Option<u64> {
    effects.iter().find_map(kind)
}

/// An app that listed the regions and the instances of cn-shanghai; nothing more.
pub fn listed(config: Config) -> App {
    let mut app = App::new(config, fixed_clock(NOW_MS));
    let effects = app.start();
    let request = request_of(&effects, |e| match e {
        Effect::LoadRegions { request } => Some(*request),
        _ => None,
    })
    .unwrap_or(0);
    let effects = update(
        &mut app,
        Msg::Regions {
            request,
            result: Ok(regions()),
        },
    );
    let region = app.region.clone().unwrap_or_default();
    if let Some(request) = request_of(&effects, |e| match e {
        Effect::LoadInstances { request, .. } => Some(*request),
        _ => None,
    }) {
        let items = instances_of(&region);
        let total = items.len() as u64;
        for i in &items {
            update(
                &mut app,
                Msg::UserCount {
                    region: region.clone(),
                    instance: i.smart_ag_id.clone(),
                    result: Ok(if i.user_count == 2000 { 2000 } else { 12 }),
                },
            );
        }
        for event in [PageEvent::Page(page(items, 1, 50, total)), PageEvent::Done] {
            update(
                &mut app,
                Msg::Instances {
                    region: region.clone(),
                    request,
                    event,
                },
            );
        }
    }
    app
}

/// [`listed`], then Enter on an instance (the full one when `total` is over 100), with
/// `loaded` of `total` users arrived in pages of 100 (the listing is complete when
/// `loaded == total`).
pub fn browsing(config: Config, loaded: usize, total: usize) -> App {
    let mut app = listed(config);
    if total > 100 {
        update(&mut app, Msg::Key(crate::app::keys::Key::Down));
    }
    let effects = update(&mut app, Msg::Key(crate::app::keys::Key::Enter));
    let Some((region, instance, request)) = effects.iter().find_map(|e| match e {
        Effect::LoadUsers {
            region,
            instance,
            request,
        } => Some((region.clone(), instance.clone(), *request)),
        _ => None,
    }) else {
        return app;
    };
    let mut start = 0;
    let mut number = 1;
    while start < loaded {
        let end = (start + 100).min(loaded);
        update(
            &mut app,
            Msg::Users {
                region: region.clone(),
                instance: instance.clone(),
                request,
                event: PageEvent::Page(page(users(start..end), number, 100, total as u64)),
            },
        );
        start = end;
        number += 1;
    }
    if loaded == total {
        update(
            &mut app,
            Msg::Users {
                region,
                instance,
                request,
                event: PageEvent::Done,
            },
        );
    }
    app
}

/// The branch instance in cn-hangzhou that the dialog tests and snapshots roam to.
pub fn hz_branch() -> SmartAccessGateway {
    instance("sag-hz0branch00000001", "hz-branch", "10.20.0.0/16", 50)
}

/// Answers the roam dialog's loads as the API would: `target` as the target region's only SAG
/// APP instance, then `target_users` as its accounts. `effects` are those that asked for the
/// target instances (opening the dialog, or moving to another target region).
pub fn answer_target(
    app: &mut App,
    effects: &[Effect],
    target: SmartAccessGateway,
    target_users: Vec<ClientUser>,
) {
    let (region, request) = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadTargetInstances { region, request } => Some((region.clone(), *request)),
            _ => None,
        })
        .expect("the dialog asked for the target instances");
    let effects = update(
        app,
        Msg::TargetInstances {
            region: region.clone(),
            request,
            event: PageEvent::Page(page(vec![target], 1, 50, 1)),
        },
    );
    update(
        app,
        Msg::TargetInstances {
            region: region.clone(),
            request,
            event: PageEvent::Done,
        },
    );
    let (instance, request) = effects
        .iter()
        .find_map(|e| match e {
            Effect::LoadTargetUsers {
                instance, request, ..
            } => Some((instance.clone(), *request)),
            _ => None,
        })
        .expect("the first target instance's users were asked for");
    let total = target_users.len() as u64;
    for event in [
        PageEvent::Page(page(target_users, 1, 100, total)),
        PageEvent::Done,
    ] {
        update(
            app,
            Msg::TargetUsers {
                region: region.clone(),
                instance: instance.clone(),
                request,
                event,
            },
        );
    }
}
