//! Neither the AccessKeySecret nor the SecurityToken is ever printed: every error and
//! credential value formatted with {:?} and {}, a server message that echoes them, and
//! `--dry-run` with an STS token.

#[path = "client_support/mod.rs"]
mod support;

#[path = "cli_support/mod.rs"]
mod cli;

use std::time::Duration;

use sagroam::api::client::{sanitized, Client, ClientConfig, RetryPolicy, RoamOutcome};
use sagroam::api::credentials::{
    resolve, CredentialError, CredentialSource, Credentials, Resolved, MARK,
};
use sagroam::api::endpoint::Endpoints;
use sagroam::api::model::{DescribeRegions, RoamClientUser};
use sagroam::api::sign::percent_encode;
use sagroam::api::{ApiError, Error, Secret, TransportKind};
use support::{http, Reply, Responder, Trap};

const SECRET: &str = "kP9+zQ/secret-never-printed=";
const TOKEN: &str = "STS.NTokenNeverPrinted+/ab==";

/// Every form a secret could take in printed text: raw, encoded once (a query), twice (a
/// string to sign).
fn forms() -> Vec<String> {
    let mut out = Vec::new();
    for s in [SECRET, TOKEN] {
        out.push(s.to_string());
        out.push(percent_encode(s));
        out.push(percent_encode(&percent_encode(s)));
        // Long fragments too: a secret cut in half is still a leak.
        out.push(s[..s.len() / 2].to_string());
    }
    out
}

fn assert_clean(what: &str, text: &str) {
    for form in forms() {
        assert!(!text.contains(&form), "{what} leaks {form:?}:\n{text}");
    }
}

fn sts_credentials() -> Credentials {
    Credentials {
        access_key_id: "STS.LTAIsecretsTest".into(),
        access_key_secret: Secret::new(SECRET),
        security_token: Some(Secret::new(TOKEN)),
        source: CredentialSource::Environment,
    }
}

fn sts_client(url: &str) -> Client {
    Client::new(ClientConfig {
        read_timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
        },
        ..ClientConfig::new(sts_credentials(), Endpoints::Fixed(url.into()))
    })
    .unwrap()
}

/// A server message that echoes what it received, the way SignatureDoesNotMatch does.
fn echo(r: &support::Received) -> Reply {
    let target = r
        .head
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_string();
    let params = sagroam::api::sign::parse_query(target.split_once('?').unwrap().1);
    let sts =
        sagroam::api::sign::string_to_sign("GET", &sagroam::api::sign::canonical_query(&params));
    let body = serde_json::json!({
        "Code": "SignatureDoesNotMatch",
        "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"),
        "RequestId": format!("R {target}"),
        "Recommend": format!("https://api.alibabacloud.com/troubleshoot?q={target}"),
    });
    http(400, &[], &body.to_string())
}

#[tokio::test]
async fn every_error_and_credential_value_prints_without_secrets() {
    let mut printed: Vec<(String, String)> = Vec::new();
    let mut show = |name: &str, debug: String, display: String| {
        printed.push((format!("{name} {{:?}}"), debug));
        printed.push((format!("{name} {{}}"), display));
    };

    // Credentials and where they came from.
    let credentials = sts_credentials();
    show(
        "Secret",
        format!("{:?}", credentials.access_key_secret),
        format!("{}", credentials.access_key_secret),
    );
    show(
        "Credentials",
        format!("{credentials:?}"),
        format!("{}", credentials.source),
    );
    let resolved = Resolved {
        credentials: credentials.clone(),
        region: Some("cn-shanghai".into()),
    };
    show("Resolved", format!("{resolved:?}"), String::new());

    // Credentials from every source, and the errors of each.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aliyun")).unwrap();
    let config = home.path().join(".aliyun/config.json");
    let home_str = home.path().display().to_string();
    let lookup = |k: &str| (k == "HOME").then(|| home_str.clone());
    std::fs::write(&config, format!(r#"{{"current":"s","profiles":[{{"name":"s","mode":"StsToken","access_key_id":"STS.x","access_key_secret":"{SECRET}","sts_token":"{TOKEN}"}}]}}"#)).unwrap();
    let from_file = resolve(&lookup, None).unwrap();
    assert_eq!(
        from_file
            .credentials
            .security_token
            .as_ref()
            .unwrap()
            .expose(),
        TOKEN
    );
    show(
        "Resolved(file)",
        format!("{from_file:?}"),
        format!("{}", from_file.credentials.source),
    );
    std::fs::write(&config, format!(r#"{{"current":"s","profiles":[{{"name":"s","mode":"RamRoleArn","access_key_secret":"{SECRET}"}}]}}"#)).unwrap();
    let e = resolve(&lookup, None).unwrap_err();
    show(
        "CredentialError::Invalid(mode)",
        format!("{e:?}"),
        e.to_string(),
    );
    std::fs::write(&config, format!(r#"{{"current":"s","profiles":[{{"name":"s","access_key_secret":"{SECRET}" "sts_token":"{TOKEN}"}}]}}"#)).unwrap();
    let e = resolve(&lookup, None).unwrap_err();
    show(
        "CredentialError::Invalid(syntax)",
        format!("{e:?}"),
        e.to_string(),
    );
    let e = CredentialError::NotFound {
        looked: vec!["the environment".into()],
    };
    show("CredentialError::NotFound", format!("{e:?}"), e.to_string());

    // Errors made by a real client with STS credentials.
    let server = Responder::start(|r, _| echo(r)).await;
    let client = sts_client(&server.url());
    show("Client", format!("{client:?}"), String::new());
    show(
        "ClientConfig",
        format!("{:?}", client.config()),
        String::new(),
    );
    let regions = DescribeRegions {
        endpoint_region: "cn-shanghai".into(),
        ..Default::default()
    };
    let e = client.call(&regions).await.unwrap_err();
    assert!(matches!(e, Error::SignatureMismatch { .. }), "{e:?}");
    show("Error::SignatureMismatch", format!("{e:?}"), e.to_string());
    let prepared = client.prepare(&regions).unwrap();
    show(
        "Prepared",
        format!("{prepared:?}"),
        format!("{} {}", prepared.url, prepared.string_to_sign),
    );

    let server = Responder::start(|r, _| {
        let target = r
            .head
            .lines()
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .to_string();
        Reply::Raw(format!(
            "HTTP/1.1 502 X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{target}",
            target.len()
        ))
    })
    .await;
    let e = sts_client(&server.url()).call(&regions).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    show("Error::Decode", format!("{e:?}"), e.to_string());

    for (reply, name) in [
        (0, "Error::Transport(timeout)"),
        (1, "Error::Transport(closed)"),
    ] {
        let server = Responder::start(move |_, _| {
            if reply == 0 {
                Reply::Hang
            } else {
                Reply::Close
            }
        })
        .await;
        let e = sts_client(&server.url()).call(&regions).await.unwrap_err();
        assert!(e.is_transport(), "{e:?}");
        show(name, format!("{e:?}"), e.to_string());
    }
    let closed = format!("http://127.0.0.1:{}", support::closed_port());
    let e = sts_client(&closed).call(&regions).await.unwrap_err();
    show("Error::Transport(refused)", format!("{e:?}"), e.to_string());

    // A lost roam, and its outcome.
    let server = Responder::start(|r, _| match r.action().as_str() {
        "RoamClientUser" => Reply::Close,
        _ => http(
            200,
            &[],
            r#"{"RequestId":"R","TotalCount":0,"Users":{"User":[]}}"#,
        ),
    })
    .await;
    let roam = RoamClientUser {
        region_id: "cn-hangzhou".into(),
        origin_region_id: "cn-shanghai".into(),
        origin_smart_ag_id: "sag-a".into(),
        target_smart_ag_id: "sag-b".into(),
        user_name: "alice".into(),
    };
    let outcome = sts_client(&server.url()).roam(&roam).await.unwrap();
    assert!(matches!(outcome, RoamOutcome::LostAnswerNotApplied { .. }));
    show("RoamOutcome", format!("{outcome:?}"), String::new());

    // Errors built by hand around a message that echoes the secrets in every form.
    let echoed = format!(
        "SecurityToken={} SecurityToken%3D{} raw {TOKEN} {SECRET}",
        percent_encode(TOKEN),
        percent_encode(&percent_encode(TOKEN))
    );
    // Built as the client builds them: the server's texts go through `sanitized`.
    let api = sanitized(ApiError {
        code: "SignatureDoesNotMatch".into(),
        message: echoed.clone(),
        request_id: format!("R-{TOKEN}"),
        recommend: format!("https://x/?q={}", percent_encode(SECRET)),
        access_denied_detail: Some(
            serde_json::json!({"AuthPrincipalDisplayName": TOKEN, "List": [SECRET]}),
        ),
        http_status: 400,
        ..Default::default()
    });
    let errors = [
        Error::Api(api.clone()),
        Error::WrongSecret(api.clone()),
        Error::SignatureMismatch {
            api: api.clone(),
            difference: "x".into(),
        },
        Error::ClockSkew {
            api: api.clone(),
            skew: "1 s".into(),
        },
        Error::Transport {
            kind: TransportKind::Other,
            endpoint: "http://127.0.0.1:1/".into(),
            detail: "x".into(),
        },
        Error::Decode {
            status: 500,
            endpoint: "e".into(),
            reason: "r".into(),
            body_start: sagroam::api::error::body_start(echoed.as_bytes()),
        },
        Error::Config("c".into()),
        Error::Precondition("p".into()),
    ];
    for e in &errors {
        show("Error(echo)", format!("{e:?}"), e.to_string());
    }
    show("ApiError", format!("{api:?}"), api.to_string());

    for (what, text) in &printed {
        assert_clean(what, text);
    }
    assert!(printed.len() > 40);
}

#[tokio::test]
async fn dry_run_with_an_sts_token_prints_neither_secret_nor_token() {
    let trap = Trap::start();
    let env = cli::Env::new()
        .with("ALIBABA_CLOUD_ACCESS_KEY_ID", "STS.LTAIdryRun")
        .with("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .with("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
        .with("HTTPS_PROXY", &trap.url())
        .with("HTTP_PROXY", &trap.url());
    let run = env
        .run(&[
            "roam",
            "alice@example.com",
            "--from",
            "cn-shanghai/sag-origin",
            "--to",
            "cn-hangzhou/sag-target",
            "--dry-run",
            "--endpoint",
            &trap.url(),
        ])
        .await;
    assert_eq!(run.status, 0, "{run:?}");
    let lines = run.lines();
    assert!(
        lines[0].starts_with(&format!("POST {}/?", trap.url())),
        "{run:?}"
    );
    assert!(
        lines[1].starts_with(
            "StringToSign: POST&%2F&AccessKeyId%3DSTS.LTAIdryRun%26Action%3DRoamClientUser"
        ),
        "{run:?}"
    );
    assert!(
        lines[0].contains(&format!("SecurityToken={MARK}")),
        "{run:?}"
    );
    assert!(
        lines[1].contains(&format!("SecurityToken%3D{MARK}")),
        "{run:?}"
    );
    assert!(lines[0].contains("UserName=alice%40example.com") && lines[0].contains("&Signature="));
    assert_clean("dry-run stdout", &run.stdout);
    assert_clean("dry-run stderr", &run.stderr);
    assert_clean("dry-run log", &env.log());
    assert_eq!(trap.hits(), 0, "--dry-run sent something");
}
