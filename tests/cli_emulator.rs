//! The real `sagroam` binary against the emulator over loopback HTTP: each headless command in
//! table and JSON output, paging across many pages, exit statuses, retries of reads, a roam
//! never retried, and the unknown-outcome check finding `applied` and `not applied`. Every
//! fault is scripted; none is left to chance.

#[path = "client_support/mod.rs"]
mod support;

#[path = "cli_support/mod.rs"]
mod cli;

use std::sync::atomic::Ordering;
use std::time::Duration;

use cli::{Env, Run};
use sagroam::emulator::{Emulator, Fault};
use serde_json::Value;

const SH_APP: &str = "sag-shapp1demo0a1b2c3d";
const HZ_APP: &str = "sag-hzapp1demo8i9j0k1l";
const HZ_FULL: &str = "sag-hzfull2000dm2n3o4p";
const HZ_CPE: &str = "sag-hzcpe1000aq5r6s7t8";

/// `sagroam ARGS --endpoint <emulator>` with the demo key in the environment, fast retries.
async fn sagroam(emu: &Emulator, args: &[&str]) -> Run {
    run_in(&Env::demo_key(), &emu.url(), args).await
}

async fn run_in(env: &Env, endpoint: &str, args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--endpoint", endpoint, "--retry-base-ms", "1"]);
    env.run(&all).await
}

fn json(run: &Run) -> Vec<Value> {
    match serde_json::from_str::<Value>(&run.stdout) {
        Ok(Value::Array(rows)) => rows,
        other => panic!("not a JSON array: {other:?}\n{run:?}"),
    }
}

fn requests(emu: &Emulator, action: &str) -> u64 {
    emu.stats().requests.get(action).copied().unwrap_or(0)
}

fn has_user(emu: &Emulator, instance: &str, user: &str) -> bool {
    emu.users(instance)
        .unwrap()
        .iter()
        .any(|u| u.user_name == user)
}

fn roam_args<'a>(user: &'a str, from: &'a str, to: &'a str) -> Vec<&'a str> {
    vec!["roam", user, "--from", from, "--to", to]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_in_table_and_json() {
    let emu = Emulator::start_demo().await.unwrap();

    let table = sagroam(&emu, &["regions"]).await;
    assert_eq!(table.status, 0, "{table:?}");
    let lines = table.lines();
    assert!(
        lines[0].starts_with("RegionId") && lines[0].contains("RegionEndpoint"),
        "{table:?}"
    );
    assert_eq!(lines.len(), 6, "a header and five regions: {table:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("cn-hangzhou ")),
        "{table:?}"
    );

    let rows = json(&sagroam(&emu, &["regions", "--output", "json"]).await);
    let ids: Vec<_> = rows
        .iter()
        .map(|r| r["RegionId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "cn-shanghai",
            "cn-hangzhou",
            "cn-hongkong",
            "ap-southeast-1",
            "eu-central-1"
        ]
    );
    assert!(rows[0]["LocalName"].is_string() && rows[0]["RegionEndpoint"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_lists_only_sag_app_instances_of_the_region() {
    let emu = Emulator::start_demo().await.unwrap();

    let rows = json(
        &sagroam(
            &emu,
            &["instances", "--region", "cn-hangzhou", "--output", "json"],
        )
        .await,
    );
    let ids: Vec<_> = rows
        .iter()
        .map(|r| r["SmartAGId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&HZ_APP) && ids.contains(&HZ_FULL), "{ids:?}");
    assert!(
        !ids.contains(&HZ_CPE),
        "a hardware instance is listed: {ids:?}"
    );
    assert!(rows
        .iter()
        .all(|r| r["CidrBlock"].is_string() && r["Name"].is_string()));
    let sent = emu.stats();
    assert_eq!(sent.requests.get("DescribeSmartAccessGateways"), Some(&1));

    // The region option may also stand before the subcommand.
    let table = sagroam(&emu, &["--region", "cn-hangzhou", "instances"]).await;
    assert_eq!(table.status, 0, "{table:?}");
    let lines = table.lines();
    assert!(
        lines[0].starts_with("SmartAGId") && lines[0].contains("CidrBlock"),
        "{table:?}"
    );
    assert_eq!(lines.len(), 1 + ids.len(), "{table:?}");
    assert!(lines.iter().any(|l| l.starts_with(HZ_APP)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_in_table_and_json() {
    let emu = Emulator::start_demo().await.unwrap();
    let expected: Vec<String> = emu
        .users(SH_APP)
        .unwrap()
        .into_iter()
        .map(|u| u.user_name)
        .collect();

    let table = sagroam(
        &emu,
        &["users", "--region", "cn-shanghai", "--instance", SH_APP],
    )
    .await;
    assert_eq!(table.status, 0, "{table:?}");
    let lines = table.lines();
    assert!(
        lines[0].starts_with("UserName") && lines[0].contains("ClientIp"),
        "{table:?}"
    );
    let names: Vec<_> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, expected);

    let run = sagroam(
        &emu,
        &[
            "users",
            "--region",
            "cn-shanghai",
            "--instance",
            SH_APP,
            "--output",
            "json",
        ],
    )
    .await;
    let rows = json(&run);
    let names: Vec<_> = rows
        .iter()
        .map(|r| r["UserName"].as_str().unwrap())
        .collect();
    assert_eq!(names, expected);
    for key in [
        "UserMail",
        "Bandwidth",
        "ClientIp",
        "State",
        "IsStaticIp",
        "AccelerateBandwidth",
    ] {
        assert!(rows[0].get(key).is_some(), "{key} missing: {}", rows[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_across_twenty_pages_keeps_order_with_two_to_four_in_flight() {
    let emu = Emulator::start_demo().await.unwrap();
    let expected: Vec<String> = emu
        .users(HZ_FULL)
        .unwrap()
        .into_iter()
        .map(|u| u.user_name)
        .collect();
    assert_eq!(expected.len(), 2000);
    // Each answer takes a while, so pages asked for together are in flight together.
    emu.set_latency(Duration::from_millis(40), Duration::ZERO);
    emu.reset_stats();

    let run = sagroam(
        &emu,
        &[
            "users",
            "--region",
            "cn-hangzhou",
            "--instance",
            HZ_FULL,
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(run.status, 0, "{}", run.stderr);
    let names: Vec<String> = json(&run)
        .iter()
        .map(|r| r["UserName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, expected, "rows out of order or missing");

    let stats = emu.stats();
    assert_eq!(
        stats.requests.get("DescribeSmartAccessGatewayClientUsers"),
        Some(&20)
    );
    assert!(
        (2..=4).contains(&stats.max_in_flight),
        "max in flight {}",
        stats.max_in_flight
    );

    // With one page at a time, one request at a time.
    emu.reset_stats();
    let run = cli::Env::demo_key()
        .run(&[
            "users",
            "--region",
            "cn-hangzhou",
            "--instance",
            HZ_FULL,
            "--output",
            "json",
            "--endpoint",
            &emu.url(),
            "--page-concurrency",
            "1",
        ])
        .await;
    assert_eq!(json(&run).len(), 2000);
    assert_eq!(emu.stats().max_in_flight, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_3_with_code_message_and_request_id() {
    let emu = Emulator::start_demo().await.unwrap();
    let run = sagroam(
        &emu,
        &[
            "users",
            "--region",
            "cn-shanghai",
            "--instance",
            "sag-nosuchinstance0",
        ],
    )
    .await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(run.stderr.contains("SAG.InstanceNoFound: "), "{run:?}");
    assert!(run.stderr.contains("(RequestId: "), "{run:?}");

    let roam = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "ap-southeast-1/sag-sgoverlap0o9p0q1r2",
    );
    let run = sagroam(&emu, &roam).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(run.stderr.contains("SAG.CidrOverlap: "), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_and_sts_credentials_against_the_emulator() {
    let emu = Emulator::start_demo().await.unwrap();
    let env = Env::new()
        .with(
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            sagroam::emulator::DEMO_ACCESS_KEY_ID,
        )
        .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-demo-secret");
    let run = run_in(&env, &emu.url(), &["regions"]).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(
        run.stderr.contains("the AccessKeySecret is wrong"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("not-the-demo-secret"));

    let env = Env::new()
        .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.DemoSagroamStsKey")
        .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sagroam-demo-sts-secret")
        .with("ALIBABA_CLOUD_SECURITY_TOKEN", "sagroam-demo-sts-token");
    let run = run_in(&env, &emu.url(), &["regions", "--output", "json"]).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(json(&run).len(), 5);
    let log = env.log();
    assert!(
        log.contains("DescribeRegions"),
        "the call is not in the log: {log}"
    );
    for secret in ["sagroam-demo-sts-secret", "sagroam-demo-sts-token"] {
        assert!(
            !log.contains(secret) && !run.stderr.contains(secret),
            "{secret} leaked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_a_cli_profile_in_home() {
    let emu = Emulator::start_demo().await.unwrap();
    let env = Env::new();
    std::fs::create_dir_all(env.home().join(".aliyun")).unwrap();
    std::fs::write(
        env.home().join(".aliyun/config.json"),
        format!(
            r#"{{"current":"nothing","profiles":[{{"name":"demo","mode":"AK","access_key_id":"{}","access_key_secret":"{}","region_id":"cn-hongkong"}}]}}"#,
            sagroam::emulator::DEMO_ACCESS_KEY_ID,
            sagroam::emulator::DEMO_ACCESS_KEY_SECRET
        ),
    )
    .unwrap();
    // The profile's region is the default region of `instances`.
    let run = run_in(
        &env,
        &emu.url(),
        &["instances", "--profile", "demo", "--output", "json"],
    )
    .await;
    assert_eq!(run.status, 0, "{run:?}");
    let ids: Vec<_> = json(&run)
        .iter()
        .map(|r| r["SmartAGId"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("sag-hk")), "{ids:?}");
    assert!(!ids.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_loopback_port_exits_4() {
    let url = format!("http://127.0.0.1:{}", support::closed_port());
    let run = run_in(&Env::demo_key(), &url, &["regions"]).await;
    assert_eq!(run.status, 4, "{run:?}");
    assert!(run.stderr.contains("connection refused"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listener_that_never_answers_times_out_and_exits_4() {
    let silent = support::Responder::start(|_, _| support::Reply::Hang).await;
    let run = run_in(
        &Env::demo_key(),
        &silent.url(),
        &["regions", "--timeout", "0.3"],
    )
    .await;
    assert_eq!(run.status, 4, "{run:?}");
    assert!(run.stderr.contains("timed out"), "{run:?}");
    // A read: tried three times, each ending at the timeout.
    assert_eq!(silent.count("DescribeRegions"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_is_retried_after_a_scripted_503_and_after_throttling() {
    let emu = Emulator::start_demo().await.unwrap();

    emu.script("DescribeRegions", Fault::Unavailable, 1);
    let run = sagroam(&emu, &["regions"]).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(requests(&emu, "DescribeRegions"), 2);

    emu.script(
        "DescribeSmartAccessGateways",
        Fault::Throttle { retry_after_ms: 10 },
        2,
    );
    let run = sagroam(&emu, &["instances", "--region", "cn-hangzhou"]).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(requests(&emu, "DescribeSmartAccessGateways"), 3);

    // Three attempts, then the error.
    emu.script("DescribeRegions", Fault::Unavailable, 3);
    let run = sagroam(&emu, &["regions"]).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(run.stderr.contains("ServiceUnavailable"), "{run:?}");
    assert_eq!(requests(&emu, "DescribeRegions"), 2 + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_read_waits_the_retry_after_the_server_asks_for() {
    let emu = Emulator::start_demo().await.unwrap();
    // Timed where the requests arrive: in front of the emulator.
    let forwarder = support::Swallower::forward_all(emu.addr()).await;
    // Far above the 1 ms backoff of --retry-base-ms 1: only the header can make the wait.
    emu.script(
        "DescribeRegions",
        Fault::Throttle {
            retry_after_ms: 400,
        },
        1,
    );

    let run = run_in(&Env::demo_key(), &forwarder.url(), &["regions"]).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(requests(&emu, "DescribeRegions"), 2);
    let arrivals = forwarder.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2, "{arrivals:?}");
    assert!(arrivals
        .iter()
        .all(|(action, _)| action == "DescribeRegions"));
    // The retry is sent at least 400 ms after the throttled answer, which came after the
    // first request arrived: a lower bound, whatever the speed of the machine.
    let gap = arrivals[1].1 - arrivals[0].1;
    assert!(gap >= Duration::from_millis(400), "retried after {gap:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roam_prints_its_request_id_and_replicates_the_account() {
    let emu = Emulator::start_demo().await.unwrap();
    assert!(!has_user(&emu, HZ_APP, "zhang.wei"));

    let args = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hangzhou/sag-hzapp1demo8i9j0k1l",
    );
    let run = sagroam(&emu, &args).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.lines()[0].starts_with("RequestId: ") && run.lines()[0].len() > 20,
        "{run:?}"
    );
    assert!(has_user(&emu, HZ_APP, "zhang.wei") && has_user(&emu, SH_APP, "zhang.wei"));

    let mut args = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hongkong/sag-hkarrears08c9d0e1f",
    );
    args.extend(["--output", "json"]);
    let rows = json(&sagroam(&emu, &args).await);
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0]["RequestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{rows:?}"
    );
    assert_eq!(rows[0]["TargetSmartAGId"], "sag-hkarrears08c9d0e1f");
    assert_eq!(rows[0]["RegionId"], "cn-hongkong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roam_is_never_retried() {
    let emu = Emulator::start_demo().await.unwrap();
    emu.script("RoamClientUser", Fault::Unavailable, 1);
    let args = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hangzhou/sag-hzapp1demo8i9j0k1l",
    );
    let run = sagroam(&emu, &args).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert!(run.stderr.contains("ServiceUnavailable"), "{run:?}");
    assert_eq!(requests(&emu, "RoamClientUser"), 1);
    assert!(!has_user(&emu, HZ_APP, "zhang.wei"));

    // Throttled: still once.
    emu.script("RoamClientUser", Fault::Throttle { retry_after_ms: 1 }, 1);
    let run = sagroam(&emu, &args).await;
    assert_eq!(run.status, 3, "{run:?}");
    assert_eq!(requests(&emu, "RoamClientUser"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_checked_and_found_applied() {
    let emu = Emulator::start_demo().await.unwrap();
    emu.script("RoamClientUser", Fault::Drop, 1);
    let args = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hangzhou/sag-hzapp1demo8i9j0k1l",
    );
    let run = sagroam(&emu, &args).await;
    assert_eq!(run.status, 0, "{run:?}");
    assert!(
        run.stderr.contains("was lost") && run.stderr.contains(": applied"),
        "{run:?}"
    );
    assert_eq!(requests(&emu, "RoamClientUser"), 1);
    // The pre-read, and the read after the lost answer.
    assert_eq!(requests(&emu, "DescribeSmartAccessGatewayClientUsers"), 2);
    assert!(has_user(&emu, HZ_APP, "zhang.wei"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_checked_and_found_not_applied() {
    let emu = Emulator::start_demo().await.unwrap();
    // Between the CLI and the emulator: reads pass, the roam is read and swallowed.
    let proxy = support::Swallower::start(emu.addr(), "RoamClientUser").await;
    let args = roam_args(
        "zhang.wei",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hangzhou/sag-hzapp1demo8i9j0k1l",
    );
    let run = run_in(&Env::demo_key(), &proxy.url(), &args).await;
    assert_eq!(run.status, 4, "{run:?}");
    assert!(
        run.stderr.contains("was lost") && run.stderr.contains(": not applied"),
        "{run:?}"
    );
    assert_eq!(proxy.swallowed.load(Ordering::SeqCst), 1);
    assert_eq!(requests(&emu, "RoamClientUser"), 0);
    assert_eq!(requests(&emu, "DescribeSmartAccessGatewayClientUsers"), 2);
    assert!(!has_user(&emu, HZ_APP, "zhang.wei"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roam_to_where_the_account_already_is_sends_nothing() {
    let emu = Emulator::start_demo().await.unwrap();
    let args = roam_args(
        "chen.jing",
        "cn-shanghai/sag-shapp1demo0a1b2c3d",
        "cn-hangzhou/sag-hzapp1demo8i9j0k1l",
    );
    let run = sagroam(&emu, &args).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("already an account"), "{run:?}");
    assert_eq!(requests(&emu, "RoamClientUser"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_runs_the_built_in_emulator() {
    // No credentials and no endpoint: --demo is enough.
    let run = Env::new()
        .run(&["regions", "--demo", "--output", "json"])
        .await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(json(&run).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_with_an_endpoint_uses_that_emulator() {
    let emu = Emulator::start_demo().await.unwrap();
    // No credentials: the demo key goes to the running emulator, none is started in-process.
    let env = Env::new();
    let run = env
        .run(&[
            "regions",
            "--demo",
            "--endpoint",
            &emu.url(),
            "--output",
            "json",
        ])
        .await;
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(json(&run).len(), 5);
    assert_eq!(requests(&emu, "DescribeRegions"), 1);
    let log = env.log();
    assert!(
        log.contains(&format!("--endpoint {}", emu.url()))
            && log.contains("no built-in emulator started"),
        "{log}"
    );
}
