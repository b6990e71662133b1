//! A plain http:// endpoint that is not loopback is refused before anything is sent; so is a
//! roam with --read-only. The proxy variables point at a trap that fails the test if reached.

#[path = "client_support/mod.rs"]
mod support;

#[path = "cli_support/mod.rs"]
mod cli;

use cli::Env;
use support::Trap;

fn trapped(trap: &Trap) -> Env {
    let mut env = Env::demo_key();
    for key in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        env = env.with(key, &trap.url());
    }
    env
}

#[tokio::test]
async fn a_non_loopback_http_endpoint_is_refused_before_anything_is_sent() {
    let trap = Trap::start();
    let env = trapped(&trap);
    for endpoint in [
        "http://192.0.2.10:8080",
        "http://example.com",
        "http://10.1.2.3/",
    ] {
        for args in [
            vec!["regions"],
            vec!["instances", "--region", "cn-shanghai"],
            vec!["users", "--region", "cn-shanghai", "--instance", "sag-1"],
            vec![
                "roam",
                "alice",
                "--from",
                "cn-shanghai/sag-1",
                "--to",
                "cn-hangzhou/sag-2",
            ],
        ] {
            let mut all = args.clone();
            all.extend(["--endpoint", endpoint]);
            let run = env.run(&all).await;
            assert_eq!(run.status, 1, "{all:?}\n{run:?}");
            assert!(run.stderr.contains("refusing plain http://"), "{run:?}");
            assert!(run.stdout.is_empty(), "{run:?}");
        }
    }
    assert_eq!(trap.hits(), 0, "something reached the network");
}

#[tokio::test]
async fn read_only_refuses_a_roam_without_sending_anything() {
    let trap = Trap::start();
    let env = trapped(&trap);
    // The endpoint is the trap itself: any request at all would be counted.
    let run = env
        .run(&[
            "--read-only",
            "roam",
            "alice",
            "--from",
            "cn-shanghai/sag-1",
            "--to",
            "cn-hangzhou/sag-2",
            "--endpoint",
            &trap.url(),
        ])
        .await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(run.stderr.contains("--read-only"), "{run:?}");
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let trap = Trap::start();
    let env = trapped(&trap);
    let url = trap.url();
    for args in [
        vec![
            "roam",
            "alice",
            "--from",
            "sag-1",
            "--to",
            "cn-hangzhou/sag-2",
        ],
        vec!["users"],
        vec!["no-such-command"],
        vec!["regions", "--output", "xml"],
    ] {
        let mut all = args.clone();
        all.extend(["--endpoint", &url]);
        let run = env.run(&all).await;
        assert_eq!(run.status, 2, "{all:?}\n{run:?}");
    }
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn without_credentials_a_command_says_where_it_looked() {
    let trap = Trap::start();
    let mut env = Env::new();
    env = env
        .with("HTTPS_PROXY", &trap.url())
        .with("HTTP_PROXY", &trap.url());
    let run = env.run(&["regions"]).await;
    assert_eq!(run.status, 1, "{run:?}");
    let home = env.home().display().to_string();
    assert!(run.stderr.contains("no credentials found"), "{run:?}");
    assert!(
        run.stderr.contains(&format!("{home}/.aliyun/config.json")),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains(&format!("{home}/.alibabacloud/credentials")),
        "{run:?}"
    );
    assert!(run.stderr.contains("--demo"), "{run:?}");
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn dry_run_signs_for_the_target_regions_endpoint_and_sends_nothing() {
    let trap = Trap::start();
    let env = trapped(&trap);
    let roam = [
        "roam",
        "alice",
        "--from",
        "cn-shanghai/sag-1",
        "--to",
        "cn-hangzhou/sag-2",
        "--dry-run",
    ];
    let public = env.run(&roam).await;
    assert_eq!(public.status, 0, "{public:?}");
    assert!(
        public.lines()[0].starts_with("POST https://smartag.cn-hangzhou.aliyuncs.com/?"),
        "{public:?}"
    );

    let mut vpc_args = roam.to_vec();
    vpc_args.extend(["--endpoint-type", "vpc"]);
    let vpc = env.run(&vpc_args).await;
    assert!(
        vpc.lines()[0].starts_with("POST https://smartag-vpc.cn-hangzhou.aliyuncs.com/?"),
        "{vpc:?}"
    );
    for run in [&public, &vpc] {
        let url = run.lines()[0];
        for param in [
            "Action=RoamClientUser",
            "RegionId=cn-hangzhou",
            "OriginRegionId=cn-shanghai",
            "OriginSmartAGId=sag-1",
            "TargetSmartAGId=sag-2",
            "UserName=alice",
            "Format=JSON",
            "Version=2018-03-13",
        ] {
            assert!(url.contains(param), "{param} missing: {url}");
        }
        assert!(run.lines()[1].starts_with("StringToSign: POST&%2F&AccessKeyId%3D"));
    }
    assert_eq!(trap.hits(), 0, "--dry-run sent something");
}

#[tokio::test]
async fn a_bad_configuration_exits_1_before_anything_is_sent() {
    let trap = Trap::start();
    let env = trapped(&trap);
    let url = trap.url();
    for (args, said) in [
        (vec!["regions", "--timeout", "0"], "--timeout"),
        (vec!["regions", "--profile", "nobody"], "\"nobody\""),
        (vec!["regions", "--endpoint", "ftp://127.0.0.1/"], "scheme"),
    ] {
        let mut all = args.clone();
        if !all.contains(&"--endpoint") {
            all.extend(["--endpoint", &url]);
        }
        let run = env.run(&all).await;
        assert_eq!(run.status, 1, "{all:?}\n{run:?}");
        assert!(run.stderr.contains(said), "{all:?}\n{run:?}");
    }
    assert_eq!(trap.hits(), 0);
}
