//! The client against hand-written loopback listeners: what goes on the wire, transport
//! failures told apart, retries of reads only, error decoding, paging that stops at an error,
//! and a roam's unknown-outcome check.

#[path = "client_support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use sagroam::api::client::{Client, ClientConfig, RetryPolicy, RoamOutcome};
use sagroam::api::credentials::{CredentialSource, Credentials};
use sagroam::api::endpoint::Endpoints;
use sagroam::api::model::{DescribeRegions, RoamClientUser};
use sagroam::api::{Error, Secret, TransportKind};
use support::{http, Reply, Responder};

const SECRET: &str = "transport-test-secret";

fn client_for(url: &str) -> Client {
    let credentials = Credentials {
        access_key_id: "LTAItransport".into(),
        access_key_secret: Secret::new(SECRET),
        security_token: None,
        source: CredentialSource::Environment,
    };
    Client::new(ClientConfig {
        read_timeout: Duration::from_millis(300),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
        },
        ..ClientConfig::new(credentials, Endpoints::Fixed(url.into()))
    })
    .unwrap()
}

fn regions() -> DescribeRegions {
    DescribeRegions {
        endpoint_region: "cn-shanghai".into(),
        ..Default::default()
    }
}

fn roam() -> RoamClientUser {
    RoamClientUser {
        region_id: "cn-hangzhou".into(),
        origin_region_id: "cn-shanghai".into(),
        origin_smart_ag_id: "sag-origin".into(),
        target_smart_ag_id: "sag-target".into(),
        user_name: "alice".into(),
    }
}

const REGIONS_OK: &str = r#"{"RequestId":"R-1","Regions":{"Region":[{"RegionId":"cn-shanghai","LocalName":"Shanghai","RegionEndpoint":"smartag.cn-shanghai.aliyuncs.com"}]}}"#;

fn unavailable() -> Reply {
    http(
        503,
        &[],
        r#"{"Code":"ServiceUnavailable","Message":"busy","RequestId":"R-503"}"#,
    )
}

#[tokio::test]
async fn a_call_is_a_post_with_every_parameter_in_the_query_and_an_empty_body() {
    let server = Responder::start(|_, _| http(200, &[], REGIONS_OK)).await;
    let answer = client_for(&server.url()).call(&regions()).await.unwrap();
    assert_eq!(answer.regions.region[0].region_id, "cn-shanghai");

    let sent = &server.requests()[0];
    let request_line = sent.head.lines().next().unwrap();
    assert!(request_line.starts_with("POST /?"), "{request_line}");
    assert!(sent.body.is_empty());
    assert!(sent.head.to_ascii_lowercase().contains("content-length: 0"));
    for (key, value) in [
        ("Action", "DescribeRegions"),
        ("Format", "JSON"),
        ("Version", "2018-03-13"),
        ("AccessKeyId", "LTAItransport"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
    ] {
        assert_eq!(sent.param(key).as_deref(), Some(value), "{key}");
    }
    assert!(sent.param("Signature").is_some());
    assert!(sent.param("SecurityToken").is_none());
    assert!(!sent.head.contains(SECRET));
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let url = format!("http://127.0.0.1:{}", support::closed_port());
    let e = client_for(&url).call(&regions()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Refused,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.outcome_unknown());
    assert!(
        e.to_string()
            .starts_with("connection refused talking to http://127.0.0.1:"),
        "{e}"
    );
}

#[tokio::test]
async fn no_answer_times_out_and_reads_are_retried() {
    let server = Responder::start(|_, _| Reply::Hang).await;
    let e = client_for(&server.url())
        .call(&regions())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.outcome_unknown());
    assert_eq!(server.count("DescribeRegions"), 3);
}

#[tokio::test]
async fn a_write_is_sent_once_whatever_happens() {
    let server = Responder::start(|_, _| Reply::Hang).await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(server.count("RoamClientUser"), 1);

    let server = Responder::start(|_, _| unavailable()).await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(server.count("RoamClientUser"), 1);
}

#[tokio::test]
async fn a_connection_closed_before_the_answer_is_told_apart() {
    let server = Responder::start(|_, _| Reply::Close).await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Closed,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.outcome_unknown());
}

#[tokio::test]
async fn a_read_is_retried_after_a_503_with_a_fresh_nonce() {
    let server = Responder::start(|_, i| {
        if i == 0 {
            unavailable()
        } else {
            http(200, &[], REGIONS_OK)
        }
    })
    .await;
    client_for(&server.url()).call(&regions()).await.unwrap();
    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    assert_ne!(
        sent[0].param("SignatureNonce"),
        sent[1].param("SignatureNonce")
    );
}

#[tokio::test]
async fn a_read_is_retried_after_throttling_and_gives_up_after_three_attempts() {
    let throttled = || {
        http(
            400,
            &[("x-acs-retry-after", "20")],
            r#"{"Code":"Throttling.User","Message":"Request was denied due to user flow control.","RequestId":"R-t"}"#,
        )
    };
    let server = Responder::start(move |_, i| {
        if i == 0 {
            throttled()
        } else {
            http(200, &[], REGIONS_OK)
        }
    })
    .await;
    client_for(&server.url()).call(&regions()).await.unwrap();
    assert_eq!(server.count("DescribeRegions"), 2);

    let server = Responder::start(move |_, _| throttled()).await;
    let e = client_for(&server.url())
        .call(&regions())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("Throttling.User"));
    assert_eq!(server.count("DescribeRegions"), 3);
}

#[tokio::test]
async fn a_client_error_is_not_retried() {
    let server = Responder::start(|_, _| {
        http(
            404,
            &[],
            r#"{"Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found.","RequestId":"R-404"}"#,
        )
    })
    .await;
    let e = client_for(&server.url())
        .call(&regions())
        .await
        .unwrap_err();
    assert_eq!(server.count("DescribeRegions"), 1);
    assert_eq!(e.api().map(|a| a.http_status), Some(404));
    assert_eq!(
        e.to_string(),
        "InvalidAccessKeyId.NotFound: Specified access key is not found. (RequestId: R-404)"
    );
}

#[tokio::test]
async fn the_servers_string_to_sign_tells_a_wrong_secret_from_a_mangled_request() {
    // The responder echoes the string to sign it computes from what it received, as the
    // gateway does; with the client's own secret check skipped, equal strings mean the secret.
    let server = Responder::start(|r, _| {
        let target = r.head.lines().next().unwrap().split(' ').nth(1).unwrap();
        let params = sagroam::api::sign::parse_query(target.split_once('?').unwrap().1);
        let sts = sagroam::api::sign::string_to_sign(
            "POST",
            &sagroam::api::sign::canonical_query(&params),
        );
        let body = serde_json::json!({
            "Code": "SignatureDoesNotMatch",
            "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"),
            "RequestId": "R-sig",
        });
        http(400, &[], &body.to_string())
    })
    .await;
    let e = client_for(&server.url())
        .call(&regions())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::WrongSecret(_)), "{e:?}");

    // A server that decodes `+` differently sees another UserName: the difference is named.
    let server = Responder::start(|r, _| {
        let target = r.head.lines().next().unwrap().split(' ').nth(1).unwrap();
        let mut params = sagroam::api::sign::parse_query(target.split_once('?').unwrap().1);
        params.insert("UserName".into(), "alice+proxy".into());
        let sts = sagroam::api::sign::string_to_sign(
            "POST",
            &sagroam::api::sign::canonical_query(&params),
        );
        let body = serde_json::json!({
            "Code": "SignatureDoesNotMatch",
            "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"),
        });
        http(400, &[], &body.to_string())
    })
    .await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    let Error::SignatureMismatch { difference, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(
        difference.contains("parameter UserName: ours \"alice\", the server's \"alice+proxy\""),
        "{difference}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_json_quotes_its_start() {
    let page = format!("<html><body>Bad Gateway{}</body></html>", " ".repeat(400));
    let body = page.clone();
    let server = Responder::start(move |_, _| {
        let mut reply = match http(502, &[], &body) {
            Reply::Raw(r) => r,
            _ => unreachable!(),
        };
        reply = reply.replace("application/json", "text/html");
        Reply::Raw(reply)
    })
    .await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    let Error::Decode {
        status, body_start, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 502);
    assert_eq!(body_start.as_str(), &page[..200]);
}

fn users_page(number: u32, size: u32, total: u32) -> String {
    let first = (number - 1) * size;
    let users: Vec<_> = (first..(first + size).min(total))
        .map(
            |i| serde_json::json!({"UserName": format!("user{i:04}"), "State": 0, "IsStaticIp": 0}),
        )
        .collect();
    serde_json::json!({
        "RequestId": format!("R-p{number}"),
        "TotalCount": total,
        "PageNumber": number,
        "PageSize": size,
        "Users": {"User": users},
    })
    .to_string()
}

#[tokio::test]
async fn a_failed_page_ends_the_listing_with_the_pages_before_it() {
    let server = Responder::start(|r, _| {
        let number: u32 = r.param("PageNumber").unwrap().parse().unwrap();
        let size: u32 = r.param("PageSize").unwrap().parse().unwrap();
        if number == 3 {
            unavailable()
        } else {
            http(200, &[], &users_page(number, size, 1000))
        }
    })
    .await;
    let client = client_for(&server.url());
    let pages: Vec<_> = client.user_pages("cn-shanghai", "sag-1").collect().await;

    let ok: Vec<_> = pages.iter().take_while(|p| p.is_ok()).collect();
    assert_eq!(ok.len(), 2, "{pages:?}");
    assert!(pages[2].is_err());
    assert_eq!(pages.len(), 3, "nothing after the error");
    let names: Vec<_> = pages[..2]
        .iter()
        .flat_map(|p| {
            p.as_ref()
                .unwrap()
                .items
                .iter()
                .map(|u| u.user_name.clone())
        })
        .collect();
    let expected: Vec<_> = (0..200).map(|i| format!("user{i:04}")).collect();
    assert_eq!(names, expected);
    // The first page asked for the largest size.
    assert_eq!(
        server.requests()[0].param("PageSize").as_deref(),
        Some("100")
    );
}

/// A target instance that gets `alice` when a roam arrives (unless `commit` is false), then
/// answers the roam by closing the connection: the answer is lost either way.
async fn lossy_target(commit: bool) -> (Responder, Arc<AtomicBool>) {
    let roamed = Arc::new(AtomicBool::new(false));
    let flag = roamed.clone();
    let server = Responder::start(move |r, _| match r.action().as_str() {
        "RoamClientUser" => {
            if commit {
                flag.store(true, Ordering::SeqCst);
            }
            Reply::Close
        }
        "DescribeSmartAccessGatewayClientUsers" => {
            let users = if flag.load(Ordering::SeqCst) {
                serde_json::json!([{"UserName": "alice"}])
            } else {
                serde_json::json!([])
            };
            let total = users.as_array().unwrap().len();
            let body = serde_json::json!({"RequestId": "R-u", "TotalCount": total, "PageNumber": 1, "PageSize": 100, "Users": {"User": users}});
            http(200, &[], &body.to_string())
        }
        _ => http(400, &[], r#"{"Code":"InvalidApi.NotFound","Message":"?"}"#),
    })
    .await;
    (server, roamed)
}

#[tokio::test]
async fn a_lost_roam_answer_is_checked_and_found_applied() {
    let (server, _) = lossy_target(true).await;
    let outcome = client_for(&server.url()).roam(&roam()).await.unwrap();
    assert!(
        matches!(outcome, RoamOutcome::LostAnswerApplied { .. }),
        "{outcome:?}"
    );
    assert_eq!(server.count("RoamClientUser"), 1);
    assert_eq!(server.count("DescribeSmartAccessGatewayClientUsers"), 2);
    // Both reads asked the target, in the target's region.
    for r in server.requests() {
        assert_eq!(r.param("RegionId").as_deref(), Some("cn-hangzhou"));
    }
}

#[tokio::test]
async fn a_lost_roam_answer_is_checked_and_found_not_applied() {
    let (server, _) = lossy_target(false).await;
    let outcome = client_for(&server.url()).roam(&roam()).await.unwrap();
    assert!(
        matches!(outcome, RoamOutcome::LostAnswerNotApplied { .. }),
        "{outcome:?}"
    );
    assert_eq!(server.count("RoamClientUser"), 1);
}

#[tokio::test]
async fn a_roam_to_where_the_account_already_is_sends_nothing() {
    let (server, roamed) = lossy_target(true).await;
    roamed.store(true, Ordering::SeqCst);
    let e = client_for(&server.url()).roam(&roam()).await.unwrap_err();
    assert!(matches!(e, Error::Precondition(_)), "{e:?}");
    assert_eq!(server.count("RoamClientUser"), 0);
}

#[tokio::test]
async fn a_tls_handshake_with_something_that_is_not_tls_is_told_apart() {
    // A plain-text server behind an https:// URL: it answers the ClientHello with HTTP.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let e = client_for(&format!("https://{addr}"))
        .call(&regions())
        .await
        .unwrap_err();
    task.abort();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Tls,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.outcome_unknown());
}

#[tokio::test]
async fn an_answer_cut_in_the_middle_of_its_body_is_a_closed_connection() {
    let server = Responder::start(|_, _| {
        Reply::Raw("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"RequestId\":".into())
    })
    .await;
    let e = client_for(&server.url()).call(&roam()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportKind::Closed,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.outcome_unknown());
}
