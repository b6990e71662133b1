//! The emulator's actions over loopback HTTP: the demo world's roam cases, paging, XML, the
//! other writes, and each fault kind, scripted.

mod emulator_support;

use emulator_support::*;
use sagroam::emulator::world::WorldFile;
use sagroam::emulator::Emulator;

#[tokio::test]
async fn the_happy_roam_copies_the_account_and_the_origin_keeps_it() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let a = call(
        &http,
        &emu.url(),
        "RoamClientUser",
        &roam_params("zhang.wei", SHANGHAI, SH_OFFICE, HANGZHOU, HZ_HQ),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["RequestId"]
        .as_str()
        .is_some_and(|r| r.len() == 36));
    assert!(names_in(&emu, HZ_HQ).contains(&"zhang.wei".to_string()));
    assert!(names_in(&emu, SH_OFFICE).contains(&"zhang.wei".to_string()));

    // The same roam again: the account is already there.
    let again = call(
        &http,
        &emu.url(),
        "RoamClientUser",
        &roam_params("zhang.wei", SHANGHAI, SH_OFFICE, HANGZHOU, HZ_HQ),
    )
    .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (400, "ClientUser.UserExist")
    );
}

#[tokio::test]
async fn every_roam_case_of_the_demo_world_answers_what_it_says() {
    let http = http();
    let cases = WorldFile::demo().roam_cases;
    // Every code RoamClientUser documents, a lost answer and a success are all shown.
    for expect in [
        "success",
        "lost",
        "SAG.InstanceNoFound",
        "ClientUser.NotSupportAction",
        "SAG.CidrEmpty",
        "ClientUser.BandwidthInvalid",
        "ClientUser.InvalidClientIp",
        "ClientUser.UserOverLimit",
        "ClientUser.UserExist",
        "ClientUser.NameInvalid",
        "SAG.CidrOverlap",
    ] {
        assert!(
            cases.iter().any(|c| c.expect == expect),
            "no roam case shows {expect}"
        );
    }
    for case in cases {
        // A fresh world for each case, so that no case depends on another.
        let emu = Emulator::start_demo().await.unwrap();
        let params = roam_params(
            &case.user,
            &case.origin_region,
            &case.origin,
            &case.target_region,
            &case.target,
        );
        let answer = try_call(&http, &emu.url(), "RoamClientUser", &params).await;
        let in_target = || names_in(&emu, &case.target).contains(&case.user);
        match case.expect.as_str() {
            "success" => {
                let a = answer.unwrap();
                assert_eq!(a.status, 200, "{case:?}: {}", a.body);
                assert!(in_target(), "{case:?}");
            }
            "lost" => {
                let e = answer.expect_err("the answer is lost");
                assert!(!e.is_timeout(), "{case:?}: {e}");
                assert!(in_target(), "{case:?}: the roam was applied");
            }
            code => {
                let a = answer.unwrap();
                assert_eq!(
                    (a.status, a.code()),
                    (400, code.to_string()),
                    "{case:?}: {}",
                    a.body
                );
                let j = a.json();
                for field in ["RequestId", "HostId", "Message", "Recommend"] {
                    assert!(j[field].as_str().is_some_and(|s| !s.is_empty()), "{field}");
                }
                if case.target.starts_with("sag-") && emu.users(&case.target).is_some() {
                    assert_eq!(
                        in_target(),
                        code == "ClientUser.UserExist",
                        "{case:?}: a refused roam changes nothing"
                    );
                }
            }
        }
    }
}

// ---- reads and paging --------------------------------------------------------------------

#[tokio::test]
async fn the_full_instance_pages_out_its_2000_accounts() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let mut names = std::collections::BTreeSet::new();
    for page in 1..=21 {
        let page = page.to_string();
        let a = call(
            &http,
            &emu.url(),
            "DescribeSmartAccessGatewayClientUsers",
            &[
                ("RegionId", HANGZHOU),
                ("SmartAGId", HZ_FULL),
                ("PageNumber", &page),
                ("PageSize", "100"),
            ],
        )
        .await;
        let j = a.json();
        assert_eq!(j["TotalCount"], 2000);
        assert_eq!(j["PageSize"], 100);
        let users = j["Users"]["User"].as_array().unwrap();
        assert_eq!(users.len(), if page == "21" { 0 } else { 100 });
        names.extend(
            users
                .iter()
                .map(|u| u["UserName"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(names.len(), 2000);

    let attribute = call(
        &http,
        &emu.url(),
        "DescribeSmartAccessGatewayAttribute",
        &[("RegionId", HANGZHOU), ("SmartAGId", HZ_FULL)],
    )
    .await
    .json();
    assert_eq!(attribute["UserCount"], 2000);
    assert_eq!(attribute["InstanceType"], "sag-software");

    for (action, size) in [
        ("DescribeSmartAccessGatewayClientUsers", "101"),
        ("DescribeSmartAccessGateways", "51"),
        ("DescribeSmartAccessGateways", "0"),
    ] {
        let a = call(
            &http,
            &emu.url(),
            action,
            &[
                ("RegionId", HANGZHOU),
                ("SmartAGId", HZ_FULL),
                ("PageSize", size),
            ],
        )
        .await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (400, "InvalidParameter"),
            "{action} {size}"
        );
    }
}

#[tokio::test]
async fn instance_lists_filter_by_type_and_show_status_and_dates() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let list = |kind: &'static str| {
        let http = http.clone();
        let url = emu.url();
        async move {
            let mut p = vec![("RegionId", HANGZHOU), ("PageSize", "50")];
            if !kind.is_empty() {
                p.push(("InstanceType", kind));
            }
            call(&http, &url, "DescribeSmartAccessGateways", &p)
                .await
                .json()
        }
    };
    assert_eq!(list("").await["TotalCount"], 3);
    assert_eq!(list("software").await["TotalCount"], 2);
    let hardware = list("hardware").await;
    assert_eq!(hardware["TotalCount"], 1);
    assert_eq!(
        hardware["SmartAccessGateways"]["SmartAccessGateway"][0]["SmartAGId"],
        "sag-hzcpe1000aq5r6s7t8"
    );

    let hk = call(
        &http,
        &emu.url(),
        "DescribeSmartAccessGateways",
        &[("RegionId", "cn-hongkong"), ("BusinessState", "Arrearage")],
    )
    .await
    .json();
    assert_eq!(hk["TotalCount"], 1);
    assert_eq!(
        hk["SmartAccessGateways"]["SmartAccessGateway"][0]["Status"],
        "Arrearage"
    );

    let sg = call(
        &http,
        &emu.url(),
        "DescribeSmartAccessGateways",
        &[
            ("RegionId", "ap-southeast-1"),
            ("SmartAGId", "sag-sgexpired0s3t4u5v6"),
        ],
    )
    .await
    .json();
    let end = sg["SmartAccessGateways"]["SmartAccessGateway"][0]["EndTime"]
        .as_i64()
        .unwrap();
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    assert!(end < now_ms, "the trial instance has expired");

    let nowhere = call(
        &http,
        &emu.url(),
        "DescribeSmartAccessGateways",
        &[("RegionId", "mars-1")],
    )
    .await;
    assert_eq!(
        (nowhere.status, nowhere.code().as_str()),
        (400, "InvalidRegionId")
    );
}

// ---- the other writes --------------------------------------------------------------------

#[tokio::test]
async fn create_modify_disable_enable_delete() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let url = emu.url();
    let at = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![("RegionId", HANGZHOU), ("SmartAGId", HZ_HQ)];
        p.extend_from_slice(extra);
        p
    };
    let new_user = [
        ("UserName", "new.hire01"),
        ("Password", "Welcome-2026"),
        ("UserMail", "new.hire01@example.com"),
        ("Bandwidth", "1500"),
    ];
    let a = call(
        &http,
        &url,
        "CreateSmartAccessGatewayClientUser",
        &at(&new_user),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["UserName"], "new.hire01");
    assert_eq!(a.json()["Bandwidth"], 1500);

    let again = call(
        &http,
        &url,
        "CreateSmartAccessGatewayClientUser",
        &at(&new_user),
    )
    .await;
    assert_eq!(again.code(), "ClientUser.UserExist");

    let a = call(
        &http,
        &url,
        "ModifySmartAccessGatewayClientUser",
        &at(&[
            ("UserName", "new.hire01"),
            ("Bandwidth", "3000"),
            ("Email", "nh@example.com"),
        ]),
    )
    .await;
    assert_eq!(
        (
            a.json()["Bandwidth"].as_i64(),
            a.json()["UserMail"].as_str()
        ),
        (Some(3000), Some("nh@example.com"))
    );

    let find = || {
        emu.users(HZ_HQ)
            .unwrap()
            .into_iter()
            .find(|u| u.user_name == "new.hire01")
    };
    call(
        &http,
        &url,
        "DisableSmartAccessGatewayUser",
        &at(&[("UserName", "new.hire01")]),
    )
    .await;
    assert_eq!(find().unwrap().state, 1);
    call(
        &http,
        &url,
        "EnableSmartAccessGatewayUser",
        &at(&[("UserName", "new.hire01")]),
    )
    .await;
    assert_eq!(find().unwrap().state, 0);
    let a = call(
        &http,
        &url,
        "DeleteSmartAccessGatewayClientUser",
        &at(&[("UserName", "new.hire01")]),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(find().is_none());
    let a = call(
        &http,
        &url,
        "DeleteSmartAccessGatewayClientUser",
        &at(&[("UserName", "new.hire01")]),
    )
    .await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "ClientUser.NameInvalid")
    );
}

#[tokio::test]
async fn create_refusals_have_their_codes_and_change_nothing() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    let url = emu.url();
    let create =
        |region: &'static str, instance: &'static str, extra: Vec<(&'static str, &'static str)>| {
            let mut p = vec![
                ("RegionId", region),
                ("SmartAGId", instance),
                ("UserName", "someone.new"),
                ("Password", "Welcome-2026"),
                ("UserMail", "someone.new@example.com"),
                ("Bandwidth", "1000"),
            ];
            for (k, v) in extra {
                p.retain(|(name, _)| *name != k);
                p.push((k, v));
            }
            p
        };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            create(HANGZHOU, HZ_FULL, vec![]),
            "ClientUser.UserOverLimit",
        ),
        (
            create(HANGZHOU, "sag-hzcpe1000aq5r6s7t8", vec![]),
            "ClientUser.NotSupportAction",
        ),
        (create(HANGZHOU, "", vec![]), "SAG.InstanceIdEmpty"),
        (create(SHANGHAI, HZ_HQ, vec![]), "SAG.InstanceNoFound"),
        (
            create(HANGZHOU, HZ_HQ, vec![("UserMail", "")]),
            "ClientUser.EmailEmpty",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("UserMail", "not-a-mail")]),
            "ClientUser.EmailInvalid",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("UserName", "x")]),
            "ClientUser.NameInvalid",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("Bandwidth", "30000")]),
            "ClientUser.BandwidthInvalid",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("ClientIp", "a.b.c.d")]),
            "ClientUser.IpInvalid",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("ClientIp", "10.99.0.1")]),
            "ClientUser.InvalidClientIp",
        ),
        (
            create(HANGZHOU, HZ_HQ, vec![("UserName", "chen.jing")]),
            "ClientUser.UserExist",
        ),
        (
            create("cn-hongkong", "sag-hknocidr03y4z5a6b7", vec![]),
            "SAG.CidrEmpty",
        ),
    ];
    let before = names_in(&emu, HZ_HQ);
    for (params, code) in cases {
        let a = call(&http, &url, "CreateSmartAccessGatewayClientUser", &params).await;
        assert_eq!((a.status, a.code().as_str()), (400, code), "{params:?}");
    }
    assert_eq!(names_in(&emu, HZ_HQ), before);

    let a = call(
        &http,
        &url,
        "CreateSmartAccessGatewayClientUser",
        &create(HANGZHOU, HZ_HQ, vec![("ClientIp", "172.16.5.5")]),
    )
    .await;
    assert_eq!(a.json()["ClientIp"], "172.16.5.5");
    let u = emu
        .users(HZ_HQ)
        .unwrap()
        .into_iter()
        .find(|u| u.user_name == "someone.new")
        .unwrap();
    assert!(u.is_static_ip);
}

// ---- faults, scripted ----------------------------------------------------------------------

#[tokio::test]
async fn scripted_unavailable_hits_only_the_next_calls_of_its_action() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    emu.script("DescribeRegions", sagroam::emulator::Fault::Unavailable, 2);
    let other = call(
        &http,
        &emu.url(),
        "DescribeSmartAccessGateways",
        &[("RegionId", SHANGHAI)],
    )
    .await;
    assert_eq!(other.status, 200);
    for _ in 0..2 {
        let a = call(&http, &emu.url(), "DescribeRegions", &[]).await;
        assert_eq!((a.status, a.code().as_str()), (503, "ServiceUnavailable"));
    }
    assert_eq!(
        call(&http, &emu.url(), "DescribeRegions", &[]).await.status,
        200
    );
    let stats = emu.stats();
    assert_eq!(stats.requests["DescribeRegions"], 3);
    assert_eq!(stats.requests["DescribeSmartAccessGateways"], 1);
    emu.reset_stats();
    assert!(emu.stats().requests.is_empty());
}

#[tokio::test]
async fn scripted_throttling_says_when_to_retry() {
    let emu = Emulator::start_demo().await.unwrap();
    emu.script(
        "DescribeSmartAccessGatewayClientUsers",
        sagroam::emulator::Fault::Throttle {
            retry_after_ms: 250,
        },
        1,
    );
    let params = [("RegionId", SHANGHAI), ("SmartAGId", SH_OFFICE)];
    let a = call(
        &http(),
        &emu.url(),
        "DescribeSmartAccessGatewayClientUsers",
        &params,
    )
    .await;
    assert_eq!((a.status, a.code().as_str()), (400, "Throttling.User"));
    assert_eq!(a.headers["x-acs-retry-after"], "250");
    let a = call(
        &http(),
        &emu.url(),
        "DescribeSmartAccessGatewayClientUsers",
        &params,
    )
    .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_scripted_drop_commits_the_roam_and_loses_the_answer() {
    let emu = Emulator::start_demo().await.unwrap();
    let http = http();
    emu.script("RoamClientUser", sagroam::emulator::Fault::Drop, 1);
    let params = roam_params("liu.yang", SHANGHAI, SH_OFFICE, HANGZHOU, HZ_HQ);
    let e = try_call(&http, &emu.url(), "RoamClientUser", &params)
        .await
        .expect_err("a transport error");
    assert!(!e.is_timeout() && !e.is_status(), "{e:?}");
    assert!(names_in(&emu, HZ_HQ).contains(&"liu.yang".to_string()));

    // The server is still there for the next call, and the account really is in the target.
    let a = call(&http, &emu.url(), "RoamClientUser", &params).await;
    assert_eq!(a.code(), "ClientUser.UserExist");

    // A dropped read loses its answer the same way.
    emu.script("DescribeRegions", sagroam::emulator::Fault::Drop, 1);
    assert!(try_call(&http, &emu.url(), "DescribeRegions", &[])
        .await
        .is_err());
    assert_eq!(
        call(&http, &emu.url(), "DescribeRegions", &[]).await.status,
        200
    );
}

#[tokio::test]
async fn latency_holds_requests_and_in_flight_is_counted() {
    let emu = Emulator::start_demo().await.unwrap();
    let latency = std::time::Duration::from_millis(300);
    emu.set_latency(latency, std::time::Duration::from_millis(20));
    let http = http();
    let started = std::time::Instant::now();
    let url = emu.url();
    let calls = (0..4).map(|_| call(&http, &url, "DescribeRegions", &[]));
    let answers = futures::future::join_all(calls).await;
    assert!(answers.iter().all(|a| a.status == 200));
    assert!(started.elapsed() >= latency);
    let most = emu.stats().max_in_flight;
    assert!((2..=4).contains(&most), "{most}");

    emu.set_latency(std::time::Duration::ZERO, std::time::Duration::ZERO);
    emu.reset_stats();
    call(&http, &emu.url(), "DescribeRegions", &[]).await;
    assert_eq!(emu.stats().max_in_flight, 1);
}

#[tokio::test]
async fn fault_rates_repeat_with_their_seed() {
    let options = |seed| sagroam::emulator::Options {
        fail_rate: 0.25,
        throttle_rate: 0.25,
        drop_rate: 0.5,
        seed,
        ..Default::default()
    };
    let run = |seed| async move {
        let emu = Emulator::start("127.0.0.1:0".parse().unwrap(), options(seed))
            .await
            .unwrap();
        let http = http();
        let mut seen = Vec::new();
        for i in 0..40 {
            let outcome = if i % 4 == 0 {
                let name = format!("rate.user{i:03}");
                let p = [
                    ("RegionId", HANGZHOU),
                    ("SmartAGId", HZ_HQ),
                    ("UserMail", "rate@example.com"),
                    ("Bandwidth", "100"),
                    ("UserName", name.as_str()),
                    ("Password", "Welcome-2026"),
                ];
                try_call(&http, &emu.url(), "CreateSmartAccessGatewayClientUser", &p).await
            } else {
                try_call(&http, &emu.url(), "DescribeRegions", &[]).await
            };
            seen.push(match outcome {
                Ok(a) => format!("{} {}", a.status, a.code()),
                Err(_) => "dropped".to_string(),
            });
        }
        seen
    };
    let first = run(42).await;
    assert_eq!(first, run(42).await);
    for kind in ["200 ", "503 ServiceUnavailable", "400 Throttling.User"] {
        assert!(first.iter().any(|s| s == kind), "{kind} in {first:?}");
    }
}

#[test]
fn the_readme_lists_every_roam_case_and_the_checks_in_their_order() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let begin = readme.find("<!-- emulator:begin -->").unwrap();
    let end = readme.find("<!-- emulator:end -->").unwrap();
    let section = &readme[begin..end];
    for case in WorldFile::demo().roam_cases {
        let row = format!(
            "| `{}` | {} / `{}` | {} / `{}` | `{}` |",
            case.user,
            case.origin_region,
            case.origin,
            case.target_region,
            case.target,
            case.expect
        );
        assert!(section.contains(&row), "README lacks {row}");
    }
    let mut at = section
        .find("twelve checks")
        .expect("the roam checks' table");
    for (n, check) in sagroam::emulator::actions::ROAM_CHECKS.iter().enumerate() {
        let row = format!("| {} | ", n + 1);
        let code = format!("`{}` |", check.code);
        let found = section[at..]
            .find(&row)
            .map(|i| at + i)
            .filter(|i| section[*i..].lines().next().unwrap().ends_with(&code))
            .unwrap_or_else(|| {
                panic!(
                    "roam check {} ({}) out of order in the README",
                    n + 1,
                    check.code
                )
            });
        at = found + 1;
    }
}

// ---- other worlds ------------------------------------------------------------------------

const SMALL_WORLD: &str = r#"{
  "access_keys": [{ "id": "LTAI5tSmallWorldKey", "secret": "small-world-secret" }],
  "static_ip_policy": "drop",
  "regions": [
    { "id": "cn-shanghai", "local_name": { "zh-CN": "上海", "en-US": "Shanghai" } },
    { "id": "cn-beijing", "local_name": { "zh-CN": "北京", "en-US": "Beijing" } }
  ],
  "instances": [
    { "id": "sag-aaaaaaaaaaaaaaaaaa", "region": "cn-shanghai", "name": "A", "kind": "software",
      "cidr_blocks": ["10.1.0.0/16"], "user_quota": 5,
      "create_time": "2025-01-01T00:00:00Z", "end_time": "2030-01-01T00:00:00Z",
      "users": [{ "name": "static.user", "mail": "s@example.com", "static_ip": "10.1.0.9" }] },
    { "id": "sag-bbbbbbbbbbbbbbbbbb", "region": "cn-beijing", "name": "B", "kind": "software",
      "cidr_blocks": ["10.2.0.0/16"], "user_quota": 5,
      "create_time": "2025-01-01T00:00:00Z", "end_time": "2030-01-01T00:00:00Z" }
  ]
}"#;

#[tokio::test]
async fn a_world_of_its_own_with_static_ips_dropped_on_roam() {
    let options = sagroam::emulator::Options {
        world_json: Some(SMALL_WORLD.to_string()),
        ..Default::default()
    };
    let emu = Emulator::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap();
    let http = http();
    let key = ("LTAI5tSmallWorldKey", "small-world-secret");

    let p = signed("POST", common("DescribeRegions", &[], key.0), key.1);
    let regions = send(&http, &emu.url(), "POST", &p).await.json();
    assert_eq!(regions["Regions"]["Region"].as_array().unwrap().len(), 2);
    let demo_key = call(&http, &emu.url(), "DescribeRegions", &[]).await;
    assert_eq!(demo_key.code(), "InvalidAccessKeyId.NotFound");

    let roam = roam_params(
        "static.user",
        "cn-shanghai",
        "sag-aaaaaaaaaaaaaaaaaa",
        "cn-beijing",
        "sag-bbbbbbbbbbbbbbbbbb",
    );
    let p = signed("POST", common("RoamClientUser", &roam, key.0), key.1);
    let a = send(&http, &emu.url(), "POST", &p).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let copy = emu.users("sag-bbbbbbbbbbbbbbbbbb").unwrap();
    assert_eq!(copy.len(), 1);
    assert!(!copy[0].is_static_ip && copy[0].client_ip.is_empty());
    let origin = emu.users("sag-aaaaaaaaaaaaaaaaaa").unwrap();
    assert_eq!(origin[0].client_ip, "10.1.0.9");
}

#[tokio::test]
async fn a_broken_world_is_refused_with_the_reason() {
    let broken = [
        (SMALL_WORLD.replace("10.2.0.0/16", "10.2.0.0/99"), "not a CIDR block"),
        (SMALL_WORLD.replace("\"user_quota\": 5,\n      \"create_time\": \"2025-01-01T00:00:00Z\", \"end_time\": \"2030-01-01T00:00:00Z\",\n      \"users\"", "\"user_quota\": 0,\n      \"create_time\": \"2025-01-01T00:00:00Z\", \"end_time\": \"2030-01-01T00:00:00Z\",\n      \"users\""), "exceed the quota"),
        (SMALL_WORLD.replace("cn-beijing\", \"name\"", "eu-nowhere-1\", \"name\""), "not in the world's regions"),
        (SMALL_WORLD.replace("sag-bbbbbbbbbbbbbbbbbb", "sag-short"), "18 lower-case"),
        (SMALL_WORLD.replace("\"kind\": \"software\",\n      \"cidr_blocks\": [\"10.1", "\"kind\": \"sag-1000\",\n      \"cidr_blocks\": [\"10.1"), "holds accounts"),
        ("{ not json".to_string(), "does not parse"),
    ];
    for (json, reason) in broken {
        assert_ne!(json, SMALL_WORLD, "the test's edit applied ({reason})");
        let options = sagroam::emulator::Options {
            world_json: Some(json),
            ..Default::default()
        };
        let err = Emulator::start("127.0.0.1:0".parse().unwrap(), options)
            .await
            .err()
            .expect("refused");
        assert!(err.to_string().contains(reason), "{reason}: {err}");
    }
}
