//! The proxy variables are honoured. A test binary of its own, because it sets the process
//! environment, which every test in a binary shares.

#[path = "client_support.rs"]
mod support;

use std::time::Duration;

use sagroam::api::client::{Client, ClientConfig, RetryPolicy};
use sagroam::api::credentials::{CredentialSource, Credentials};
use sagroam::api::endpoint::Endpoints;
use sagroam::api::model::DescribeRegions;
use sagroam::api::Secret;
use support::{http, Responder};

#[tokio::test]
async fn http_proxy_carries_the_call() {
    let proxy = Responder::start(|_, _| {
        http(
            200,
            &[],
            r#"{"RequestId":"via-proxy","Regions":{"Region":[]}}"#,
        )
    })
    .await;
    // The endpoint itself is closed: only the proxy can answer.
    let endpoint = format!("http://127.0.0.1:{}", support::closed_port());
    for key in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::remove_var(key);
    }
    std::env::set_var("HTTP_PROXY", proxy.url());
    std::env::set_var("http_proxy", proxy.url());

    let credentials = Credentials {
        access_key_id: "LTAIproxy".into(),
        access_key_secret: Secret::new("proxy-test-secret"),
        security_token: None,
        source: CredentialSource::Environment,
    };
    let client = Client::new(ClientConfig {
        read_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::from_millis(1),
        },
        ..ClientConfig::new(credentials, Endpoints::Fixed(endpoint.clone()))
    })
    .unwrap();
    let answer = client
        .call(&DescribeRegions {
            endpoint_region: "cn-shanghai".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(answer.request_id, "via-proxy");

    let sent = &proxy.requests()[0];
    let request_line = sent.head.lines().next().unwrap();
    assert!(
        request_line.starts_with(&format!("POST {endpoint}/?")),
        "{request_line}"
    );
}
