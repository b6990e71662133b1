//! 64 clients make 10,000 mixed calls at once (reads, creates, deletes, roams), each on user
//! names of its own plus one name they all contend for. Every answer must agree with what the
//! client's own successful writes imply, and the final state must equal what all the
//! successful writes imply: nothing lost, nothing duplicated.

mod emulator_support;

use std::collections::BTreeSet;

use emulator_support::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sagroam::emulator::Emulator;

const CLIENTS: usize = 64;
const CALLS: usize = 10_000;
const OWN_NAMES: usize = 2;
const SHARED: &str = "shared.contended";
/// Origin X (cn-hangzhou) and target Y (ap-southeast-1; quota 100, so roams also meet the quota).
const X: (&str, &str) = (HANGZHOU, HZ_HQ);
const Y: (&str, &str) = ("ap-southeast-1", "sag-sgapp1demog2h3i4j5");

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    created_x: i64,
    deleted_x: i64,
    roamed_y: i64,
    deleted_y: i64,
}

/// What one client saw: its own names' final places and its successes on the shared name.
struct Report {
    own_in_x: BTreeSet<String>,
    own_in_y: BTreeSet<String>,
    shared: Tally,
    calls: usize,
}

async fn client(index: usize, calls: usize, url: String) -> Report {
    let http = http();
    let mut dice = StdRng::seed_from_u64(index as u64);
    let own: Vec<String> = (0..OWN_NAMES)
        .map(|n| format!("c{index:02}.user{n}"))
        .collect();
    let mut in_x = BTreeSet::new();
    let mut in_y = BTreeSet::new();
    let mut shared = Tally::default();

    for _ in 0..calls {
        let is_shared = dice.gen_bool(0.2);
        let name = if is_shared {
            SHARED.to_string()
        } else {
            own[dice.gen_range(0..OWN_NAMES)].clone()
        };
        let mail = format!("{name}@example.com");
        let choice = dice.gen_range(0..100);
        let at = |(region, id): (&'static str, &'static str)| {
            vec![
                ("RegionId", region),
                ("SmartAGId", id),
                ("UserName", name.as_str()),
            ]
        };

        if choice < 30 {
            let a = call(&http, &url, "DescribeSmartAccessGatewayClientUsers", &at(X)).await;
            assert_eq!(a.status, 200, "{}", a.body);
            if !is_shared {
                let found = a.json()["TotalCount"].as_i64().unwrap();
                assert_eq!(found, i64::from(in_x.contains(&name)), "{name} read");
            }
        } else if choice < 55 {
            let mut p = at(X);
            p.extend([
                ("UserMail", mail.as_str()),
                ("Password", "Welcome-2026"),
                ("Bandwidth", "1000"),
            ]);
            let a = call(&http, &url, "CreateSmartAccessGatewayClientUser", &p).await;
            if is_shared {
                match a.status {
                    200 => shared.created_x += 1,
                    _ => assert_eq!(a.code(), "ClientUser.UserExist", "{}", a.body),
                }
            } else if in_x.contains(&name) {
                assert_eq!(
                    a.code(),
                    "ClientUser.UserExist",
                    "{name}: a duplicate was made"
                );
            } else {
                assert_eq!(a.status, 200, "{name}: {}", a.body);
                in_x.insert(name.clone());
            }
        } else if choice < 85 {
            let (from, roam) = match choice {
                55..=69 => (X, false),
                70..=77 => (Y, false),
                _ => (X, true),
            };
            let a = if roam {
                let p = roam_params(&name, X.0, X.1, Y.0, Y.1);
                call(&http, &url, "RoamClientUser", &p).await
            } else {
                call(&http, &url, "DeleteSmartAccessGatewayClientUser", &at(from)).await
            };
            let ok = a.status == 200;
            match (is_shared, roam, from == X) {
                (true, true, _) => shared.roamed_y += i64::from(ok),
                (true, false, true) => shared.deleted_x += i64::from(ok),
                (true, false, false) => shared.deleted_y += i64::from(ok),
                (false, true, _) => {
                    let expected = if !in_x.contains(&name) {
                        "ClientUser.NameInvalid"
                    } else if in_y.contains(&name) {
                        "ClientUser.UserExist"
                    } else {
                        ""
                    };
                    let code = a.code();
                    if expected.is_empty() {
                        assert!(
                            ok || code == "ClientUser.UserOverLimit",
                            "{name}: {}",
                            a.body
                        );
                        if ok {
                            in_y.insert(name.clone());
                        }
                    } else {
                        assert_eq!(code, expected, "{name} roam");
                    }
                }
                (false, false, is_x) => {
                    let set = if is_x { &mut in_x } else { &mut in_y };
                    assert_eq!(ok, set.remove(&name), "{name} delete: {}", a.body);
                }
            }
            if !ok && is_shared {
                let code = a.code();
                assert!(
                    matches!(
                        code.as_str(),
                        "ClientUser.NameInvalid"
                            | "ClientUser.UserExist"
                            | "ClientUser.UserOverLimit"
                    ),
                    "{}",
                    a.body
                );
            }
        } else {
            let a = call(
                &http,
                &url,
                "DescribeSmartAccessGateways",
                &[("RegionId", X.0)],
            )
            .await;
            assert_eq!(a.json()["TotalCount"], 3);
        }
    }
    Report {
        own_in_x: in_x,
        own_in_y: in_y,
        shared,
        calls,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_concurrent_calls_lose_and_duplicate_nothing() {
    let emu = Emulator::start_demo().await.unwrap();
    let x_before: BTreeSet<String> = names_in(&emu, X.1).into_iter().collect();
    let y_before: BTreeSet<String> = names_in(&emu, Y.1).into_iter().collect();

    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let calls = CALLS / CLIENTS + usize::from(i < CALLS % CLIENTS);
            tokio::spawn(client(i, calls, emu.url()))
        })
        .collect();
    let mut expected_x = x_before.clone();
    let mut expected_y = y_before.clone();
    let mut shared = Tally::default();
    let mut calls = 0;
    for task in tasks {
        let report = task.await.unwrap();
        expected_x.extend(report.own_in_x);
        expected_y.extend(report.own_in_y);
        shared.created_x += report.shared.created_x;
        shared.deleted_x += report.shared.deleted_x;
        shared.roamed_y += report.shared.roamed_y;
        shared.deleted_y += report.shared.deleted_y;
        calls += report.calls;
    }
    assert_eq!(calls, CALLS);
    // Shown with --nocapture; a number to compare, not a test of speed.
    println!(
        "{CALLS} calls by {CLIENTS} clients in {:?}",
        started.elapsed()
    );

    // The shared name: successes alternate, so what they add up to is its final presence.
    let shared_in_x = shared.created_x - shared.deleted_x;
    let shared_in_y = shared.roamed_y - shared.deleted_y;
    assert!((0..=1).contains(&shared_in_x), "{shared:?}");
    assert!((0..=1).contains(&shared_in_y), "{shared:?}");
    assert!(shared.created_x > 1, "the name was contended: {shared:?}");
    if shared_in_x == 1 {
        expected_x.insert(SHARED.into());
    }
    if shared_in_y == 1 {
        expected_y.insert(SHARED.into());
    }

    for ((_, id), expected) in [(X, expected_x), (Y, expected_y)] {
        let names = names_in(&emu, id);
        let unique: BTreeSet<String> = names.iter().cloned().collect();
        assert_eq!(unique.len(), names.len(), "{id}: a name appears twice");
        assert_eq!(unique, expected, "{id}");
    }
    assert!(names_in(&emu, Y.1).len() <= 100, "the quota held");
    let stats = emu.stats();
    assert_eq!(stats.requests.values().sum::<u64>(), CALLS as u64);
    assert!(stats.max_in_flight > 1);
}
