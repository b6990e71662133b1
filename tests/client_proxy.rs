//! Proxies: a plain http:// endpoint (always loopback) is reached directly, whatever the proxy
//! variables say, so no proxy sees the AccessKeyId, the SecurityToken or the signed query in
//! the clear; an https:// endpoint goes through HTTPS_PROXY as a CONNECT tunnel. A test binary
//! of its own, because it sets the process environment, which every test in a binary shares;
//! the tests here take turns with `ENV`.

#[path = "client_support/mod.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sagroam::api::client::{Client, ClientConfig, RetryPolicy};
use sagroam::api::credentials::{CredentialSource, Credentials};
use sagroam::api::endpoint::Endpoints;
use sagroam::api::model::DescribeRegions;
use sagroam::api::Secret;
use support::{http, Responder, Trap};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Held by each test while it sets and uses the proxy variables.
static ENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const PROXY_KEYS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

fn clear_proxy_env() {
    for key in PROXY_KEYS.iter().chain(&["NO_PROXY", "no_proxy"]) {
        std::env::remove_var(key);
    }
}

fn client(endpoints: Endpoints) -> Client {
    let credentials = Credentials {
        access_key_id: "LTAIproxy".into(),
        access_key_secret: Secret::new("proxy-test-secret"),
        security_token: Some(Secret::new("proxy-test-token")),
        source: CredentialSource::Environment,
    };
    Client::new(ClientConfig {
        read_timeout: Duration::from_secs(5),
        retry: RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(1),
        },
        ..ClientConfig::new(credentials, endpoints)
    })
    .unwrap()
}

fn describe_regions() -> DescribeRegions {
    DescribeRegions {
        endpoint_region: "cn-shanghai".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn http_loopback_endpoint_goes_direct_past_every_proxy_variable() {
    let _env = ENV.lock().await;
    let endpoint = Responder::start(|_, _| {
        http(
            200,
            &[],
            r#"{"RequestId":"direct","Regions":{"Region":[]}}"#,
        )
    })
    .await;
    let trap = Trap::start();
    clear_proxy_env();
    for key in PROXY_KEYS {
        std::env::set_var(key, trap.url());
    }

    let answer = client(Endpoints::Fixed(endpoint.url()))
        .call(&describe_regions())
        .await
        .unwrap();
    clear_proxy_env();

    assert_eq!(answer.request_id, "direct");
    assert_eq!(endpoint.count("DescribeRegions"), 1);
    assert_eq!(trap.hits(), 0, "a proxy saw a plain http call");
}

#[tokio::test]
async fn https_endpoint_is_tunnelled_through_https_proxy() {
    let _env = ENV.lock().await;
    // A proxy on loopback that records the first line of what it is asked and refuses it, so
    // nothing leaves the machine.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = asked.clone();
    let proxy = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match socket.read(&mut byte).await {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&head).into_owned();
            log.lock()
                .unwrap()
                .push(text.lines().next().unwrap_or("").to_string());
            let _ = socket
                .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                .await;
            let _ = socket.shutdown().await;
        }
    });
    let trap = Trap::start();
    clear_proxy_env();
    std::env::set_var("HTTPS_PROXY", &proxy_url);
    std::env::set_var("https_proxy", &proxy_url);
    for key in ["HTTP_PROXY", "http_proxy"] {
        std::env::set_var(key, trap.url());
    }

    let endpoint = "https://smartag.cn-shanghai.aliyuncs.com/".to_string();
    let result = client(Endpoints::Fixed(endpoint.clone()))
        .call(&describe_regions())
        .await;
    let regional = client(Endpoints::Regional { vpc: false })
        .call(&describe_regions())
        .await;
    clear_proxy_env();
    proxy.abort();

    assert!(result.is_err(), "the refused tunnel cannot give an answer");
    assert!(
        regional.is_err(),
        "the refused tunnel cannot give an answer"
    );
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2, "{asked:?}");
    for line in &asked {
        assert!(
            line.starts_with("CONNECT smartag.cn-shanghai.aliyuncs.com:443 "),
            "{line}"
        );
    }
    assert_eq!(trap.hits(), 0);
}
