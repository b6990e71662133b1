//! The emulator's gateway checks over loopback HTTP: every refusal with its code and status,
//! replayed nonces, the timestamp window, STS tokens, GET/POST/form bodies, XML, and ACS3.

mod emulator_support;

use emulator_support::*;
use sagroam::api::sign::{self, Params};
use sagroam::emulator::DEFAULT_MAX_NONCE_BYTES;
use sagroam::emulator::SIGNATURE_MISMATCH_PREFIX;
use sagroam::emulator::{acs3, Emulator, Options, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};

const STS_KEY: &str = "STS.DemoSagroamStsKey";
const STS_SECRET: &str = "sagroam-demo-sts-secret";

fn regions(key: &str) -> Params {
    common("DescribeRegions", &[], key)
}

async fn refused(emu: &Emulator, p: Params, secret: &str) -> (u16, String, String) {
    let a = send(&http(), &emu.url(), "POST", &signed("POST", p, secret)).await;
    let j = a.json();
    (
        a.status,
        a.code(),
        j["Message"].as_str().unwrap_or("").to_string(),
    )
}

#[tokio::test]
async fn a_well_signed_call_passes_by_get_and_by_post() {
    let emu = Emulator::start_demo().await.unwrap();
    for method in ["GET", "POST"] {
        let p = signed(method, regions(DEMO_ACCESS_KEY_ID), DEMO_ACCESS_KEY_SECRET);
        let a = send(&http(), &emu.url(), method, &p).await;
        assert_eq!(a.status, 200, "{method}: {}", a.body);
        assert_eq!(a.json()["Regions"]["Region"].as_array().unwrap().len(), 5);
    }
}

#[tokio::test]
async fn unknown_and_unimplemented_actions() {
    let emu = Emulator::start_demo().await.unwrap();
    let (status, code, _) = refused(
        &emu,
        common("DescribeEverything", &[], DEMO_ACCESS_KEY_ID),
        DEMO_ACCESS_KEY_SECRET,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "InvalidApi.NotFound"));

    let (status, code, message) = refused(
        &emu,
        common("KickOutClients", &[], DEMO_ACCESS_KEY_ID),
        DEMO_ACCESS_KEY_SECRET,
    )
    .await;
    assert_eq!((status, code.as_str()), (501, "NotImplemented"));
    assert!(message.contains("KickOutClients"), "{message}");
}

#[tokio::test]
async fn a_missing_parameter_is_named() {
    let emu = Emulator::start_demo().await.unwrap();
    let p = common(
        "DeleteSmartAccessGatewayClientUser",
        &[("RegionId", SHANGHAI), ("SmartAGId", SH_OFFICE)],
        DEMO_ACCESS_KEY_ID,
    );
    let (status, code, message) = refused(&emu, p, DEMO_ACCESS_KEY_SECRET).await;
    assert_eq!((status, code.as_str()), (400, "MissingUserName"));
    assert_eq!(message, "UserName is mandatory for this action.");

    for name in [
        "AccessKeyId",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureNonce",
        "Timestamp",
        "Version",
        "Action",
    ] {
        let mut p = signed("POST", regions(DEMO_ACCESS_KEY_ID), DEMO_ACCESS_KEY_SECRET);
        p.remove(name);
        let a = send(&http(), &emu.url(), "POST", &p).await;
        assert_eq!(
            (a.status, a.code()),
            (400, format!("Missing{name}")),
            "{}",
            a.body
        );
    }
    let mut p = regions(DEMO_ACCESS_KEY_ID);
    p.remove("Signature");
    let a = send(&http(), &emu.url(), "POST", &p).await;
    assert_eq!((a.status, a.code().as_str()), (400, "MissingSignature"));
}

#[tokio::test]
async fn bad_method_format_version_and_timestamps() {
    let emu = Emulator::start_demo().await.unwrap();
    let with = |k: &str, v: &str| {
        let mut p = regions(DEMO_ACCESS_KEY_ID);
        p.insert(k.into(), v.into());
        p
    };
    let cases = [
        (
            with("SignatureMethod", "HMAC-SHA256"),
            "InvalidSignatureMethod",
        ),
        (with("Format", "YAML"), "InvalidParameter.Format"),
        (with("Version", "2017-01-01"), "InvalidVersion"),
        (
            with("Timestamp", "2024-01-02 03:04:05"),
            "InvalidTimeStamp.Format",
        ),
        (
            with("Timestamp", &timestamp(-16 * 60)),
            "InvalidTimeStamp.Expired",
        ),
        (
            with("Timestamp", &timestamp(16 * 60)),
            "InvalidTimeStamp.Expired",
        ),
    ];
    for (p, expected) in cases {
        let (status, code, _) = refused(&emu, p, DEMO_ACCESS_KEY_SECRET).await;
        assert_eq!((status, code.as_str()), (400, expected));
    }
    // Inside the window either way is fine.
    for offset in [-14 * 60, 14 * 60] {
        let p = signed(
            "POST",
            with("Timestamp", &timestamp(offset)),
            DEMO_ACCESS_KEY_SECRET,
        );
        assert_eq!(send(&http(), &emu.url(), "POST", &p).await.status, 200);
    }
    let put = http().put(format!("{}/", emu.url())).send().await.unwrap();
    assert_eq!(put.status().as_u16(), 400);
    assert!(put.text().await.unwrap().contains("UnsupportedHTTPMethod"));
}

#[tokio::test]
async fn unknown_disabled_and_wrong_keys() {
    let emu = Emulator::start_demo().await.unwrap();
    let (status, code, _) = refused(&emu, regions("LTAI5tNoSuchKey"), "x").await;
    assert_eq!(
        (status, code.as_str()),
        (404, "InvalidAccessKeyId.NotFound")
    );

    let p = regions("LTAI5tDemoDisabledKey");
    let (status, code, _) = refused(&emu, p, "sagroam-demo-disabled-secret").await;
    assert_eq!(
        (status, code.as_str()),
        (400, "InvalidAccessKeyId.Inactive")
    );

    let p = regions(DEMO_ACCESS_KEY_ID);
    let ours = sign::string_to_sign("POST", &sign::canonical_query(&p));
    let (status, code, message) = refused(&emu, p, "not-the-secret").await;
    assert_eq!((status, code.as_str()), (400, "SignatureDoesNotMatch"));
    assert_eq!(message, format!("{SIGNATURE_MISMATCH_PREFIX}{ours}"));
}

#[tokio::test]
async fn a_nonce_is_refused_the_second_time() {
    let emu = Emulator::start_demo().await.unwrap();
    let p = signed("POST", regions(DEMO_ACCESS_KEY_ID), DEMO_ACCESS_KEY_SECRET);
    assert_eq!(send(&http(), &emu.url(), "POST", &p).await.status, 200);
    let again = send(&http(), &emu.url(), "POST", &p).await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (400, "SignatureNonceUsed")
    );

    // A refused signature does not use the nonce up.
    let mut p = regions(DEMO_ACCESS_KEY_ID);
    let bad = signed("POST", p.clone(), "wrong");
    assert_eq!(
        send(&http(), &emu.url(), "POST", &bad).await.code(),
        "SignatureDoesNotMatch"
    );
    p = signed("POST", p, DEMO_ACCESS_KEY_SECRET);
    assert_eq!(send(&http(), &emu.url(), "POST", &p).await.status, 200);
}

fn with_nonce(nonce: &str) -> Params {
    let mut p = regions(DEMO_ACCESS_KEY_ID);
    p.insert("SignatureNonce".into(), nonce.into());
    signed("POST", p, DEMO_ACCESS_KEY_SECRET)
}

#[tokio::test]
async fn a_nonce_longer_than_128_bytes_is_invalid() {
    let emu = Emulator::start_demo().await.unwrap();
    assert_eq!(DEFAULT_MAX_NONCE_BYTES, 128);
    let a = send(&http(), &emu.url(), "POST", &with_nonce(&"n".repeat(128))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let long = send(&http(), &emu.url(), "POST", &with_nonce(&"n".repeat(129))).await;
    // A megabyte does not fit in a URL: it comes in a form body.
    let huge = with_nonce(&"n".repeat(1 << 20));
    let body = format!(
        "{}&Signature={}",
        sign::canonical_query(&huge),
        sign::percent_encode(&huge["Signature"])
    );
    let response = http()
        .post(format!("{}/", emu.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let huge = Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    };
    for (a, bytes) in [(long, 129), (huge, 1 << 20)] {
        assert_eq!(
            (a.status, a.code().as_str()),
            (400, "InvalidSignatureNonce"),
            "{}",
            a.body
        );
        let message = a.json()["Message"].as_str().unwrap().to_string();
        let expected = format!("it is {bytes} bytes long, the most is 128");
        assert!(message.contains(&expected), "{message}");
    }

    // ACS3 reads the nonce from its header and applies the same limit.
    let mut acs3 = Acs3Request::new("DescribeRegions", &[]);
    acs3.nonce = "n".repeat(129);
    let a = acs3.send(&emu).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "InvalidSignatureNonce")
    );
}

#[tokio::test]
async fn the_nonce_limits_are_options() {
    let options = Options {
        max_nonce_bytes: 40,
        max_nonces: 3,
        ..Options::default()
    };
    let emu = Emulator::start("127.0.0.1:0".parse().unwrap(), options)
        .await
        .unwrap();
    let http = http();

    let a = send(&http, &emu.url(), "POST", &with_nonce(&"n".repeat(41))).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "InvalidSignatureNonce")
    );
    // A refused nonce takes no room.
    let first = with_nonce(&"n".repeat(40));
    assert_eq!(send(&http, &emu.url(), "POST", &first).await.status, 200);
    for _ in 0..2 {
        let a = call(&http, &emu.url(), "DescribeRegions", &[]).await;
        assert_eq!(a.status, 200, "{}", a.body);
    }

    // Full: a new request is throttled, with the wait until the oldest nonce falls due...
    let full = call(&http, &emu.url(), "DescribeRegions", &[]).await;
    assert_eq!(
        (full.status, full.code().as_str()),
        (400, "Throttling.User"),
        "{}",
        full.body
    );
    let retry_after: u64 = full.headers["x-acs-retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1000..=15 * 60 * 1000).contains(&retry_after),
        "{retry_after}"
    );
    // ...and no nonce was forgotten to make room: the first is still a replay.
    let again = send(&http, &emu.url(), "POST", &first).await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (400, "SignatureNonceUsed")
    );
    // The signature is checked before the store: a wrong one is told so, not throttled.
    let p = signed("POST", regions(DEMO_ACCESS_KEY_ID), "wrong");
    assert_eq!(
        send(&http, &emu.url(), "POST", &p).await.code(),
        "SignatureDoesNotMatch"
    );
}

#[tokio::test]
async fn sts_keys_need_their_own_live_token() {
    let emu = Emulator::start_demo().await.unwrap();
    let token = |t: &str| {
        let mut p = regions(STS_KEY);
        p.insert("SecurityToken".into(), t.into());
        p
    };
    let (status, code, _) = refused(&emu, regions(STS_KEY), STS_SECRET).await;
    assert_eq!((status, code.as_str()), (400, "MissingSecurityToken"));
    let (status, code, _) = refused(&emu, token("someone-elses-token"), STS_SECRET).await;
    assert_eq!(
        (status, code.as_str()),
        (400, "InvalidSecurityToken.MismatchWithAccessKey")
    );
    let (status, code, _) =
        refused(&emu, token("sagroam-demo-sts-token-expired"), STS_SECRET).await;
    assert_eq!(
        (status, code.as_str()),
        (400, "InvalidSecurityToken.Expired")
    );

    let p = signed("POST", token("sagroam-demo-sts-token"), STS_SECRET);
    assert_eq!(send(&http(), &emu.url(), "POST", &p).await.status, 200);

    // A permanent key with a token is a client mixing up its credentials.
    let mut p = regions(DEMO_ACCESS_KEY_ID);
    p.insert("SecurityToken".into(), "sagroam-demo-sts-token".into());
    let (_, code, _) = refused(&emu, p, DEMO_ACCESS_KEY_SECRET).await;
    assert_eq!(code, "InvalidSecurityToken.MismatchWithAccessKey");
}

#[tokio::test]
async fn plus_is_a_space_and_a_form_body_is_read() {
    let emu = Emulator::start_demo().await.unwrap();
    let p = signed(
        "POST",
        common(
            "DescribeSmartAccessGatewayClientUsers",
            &[
                ("RegionId", SHANGHAI),
                ("SmartAGId", SH_OFFICE),
                ("UserName", "no such user"),
            ],
            DEMO_ACCESS_KEY_ID,
        ),
        DEMO_ACCESS_KEY_SECRET,
    );
    let query = format!(
        "{}&Signature={}",
        sign::canonical_query(&p).replace("%20", "+"),
        sign::percent_encode(&p["Signature"])
    );
    assert!(query.contains("UserName=no+such+user"));
    let a = http()
        .post(format!("{}/?{query}", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(a.status().as_u16(), 200);
    let j: serde_json::Value = serde_json::from_str(&a.text().await.unwrap()).unwrap();
    assert_eq!(j["TotalCount"], 0);

    let p = signed("POST", regions(DEMO_ACCESS_KEY_ID), DEMO_ACCESS_KEY_SECRET);
    let body = format!(
        "{}&Signature={}",
        sign::canonical_query(&p),
        sign::percent_encode(&p["Signature"])
    );
    let a = http()
        .post(format!("{}/", emu.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(a.status().as_u16(), 200);
}

#[tokio::test]
async fn xml_answers_and_xml_errors() {
    let emu = Emulator::start_demo().await.unwrap();
    let mut p = common(
        "DescribeRegions",
        &[("AcceptLanguage", "en-US")],
        DEMO_ACCESS_KEY_ID,
    );
    p.insert("Format".into(), "XML".into());
    let a = send(
        &http(),
        &emu.url(),
        "POST",
        &signed("POST", p, DEMO_ACCESS_KEY_SECRET),
    )
    .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "text/xml;charset=utf-8");
    assert!(a.body.starts_with("<?xml"), "{}", a.body);
    assert!(
        a.body
            .contains("<DescribeRegionsResponse><Regions><Region>"),
        "{}",
        a.body
    );
    assert_eq!(a.body.matches("<Region>").count(), 5);
    assert!(a.body.contains("<LocalName>China (Shanghai)</LocalName>"));
    assert!(a.body.contains("<RequestId>"));

    let mut p = common(
        "DescribeSmartAccessGatewayAttribute",
        &[
            ("RegionId", SHANGHAI),
            ("SmartAGId", "sag-nosuchthing000000000"),
        ],
        DEMO_ACCESS_KEY_ID,
    );
    p.insert("Format".into(), "xml".into());
    let a = send(
        &http(),
        &emu.url(),
        "POST",
        &signed("POST", p, DEMO_ACCESS_KEY_SECRET),
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(a.body.contains("<Error>"), "{}", a.body);
    assert!(
        a.body.contains("<Code>SAG.InstanceNoFound</Code>"),
        "{}",
        a.body
    );
    for field in ["RequestId", "HostId", "Message", "Recommend"] {
        assert!(
            a.body.contains(&format!("<{field}>")),
            "{field}: {}",
            a.body
        );
    }
}

#[tokio::test]
async fn region_names_follow_the_language() {
    let emu = Emulator::start_demo().await.unwrap();
    let shanghai = |a: Answer| {
        let j = a.json();
        let r = j["Regions"]["Region"].as_array().unwrap().clone();
        r.into_iter()
            .find(|r| r["RegionId"] == SHANGHAI)
            .map(|r| r["LocalName"].as_str().unwrap().to_string())
            .unwrap()
    };
    let zh = call(&http(), &emu.url(), "DescribeRegions", &[]).await;
    assert_eq!(shanghai(zh), "华东2（上海）");
    let en = call(
        &http(),
        &emu.url(),
        "DescribeRegions",
        &[("AcceptLanguage", "en-US")],
    )
    .await;
    assert_eq!(shanghai(en), "China (Shanghai)");
}

// ---- ACS3-HMAC-SHA256 --------------------------------------------------------------------

struct Acs3Request {
    action: &'static str,
    query: Params,
    body: Vec<u8>,
    date: String,
    nonce: String,
    /// The hash the client claims; the body's own when `None`.
    claimed_hash: Option<String>,
    signed: Vec<&'static str>,
    key: (&'static str, &'static str),
}

impl Acs3Request {
    fn new(action: &'static str, query: &[(&str, &str)]) -> Acs3Request {
        Acs3Request {
            action,
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
            date: timestamp(0),
            nonce: nonce(),
            claimed_hash: None,
            signed: vec![
                "host",
                "x-acs-action",
                "x-acs-content-sha256",
                "x-acs-date",
                "x-acs-signature-nonce",
                "x-acs-version",
            ],
            key: (DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET),
        }
    }

    async fn send(&self, emu: &Emulator) -> Answer {
        let hash = self
            .claimed_hash
            .clone()
            .unwrap_or_else(|| acs3::hex_sha256(&self.body));
        let headers: Vec<(String, String)> = [
            ("host", emu.addr().to_string()),
            ("x-acs-action", self.action.to_string()),
            ("x-acs-content-sha256", hash.clone()),
            ("x-acs-date", self.date.clone()),
            ("x-acs-signature-nonce", self.nonce.clone()),
            ("x-acs-version", "2018-03-13".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let signed: Vec<String> = self.signed.iter().map(|s| s.to_string()).collect();
        let canonical = acs3::canonical_request("POST", "/", &self.query, &headers, &signed, &hash);
        let signature = acs3::signature(self.key.1, &acs3::string_to_sign(&canonical));
        let mut request = http()
            .post(format!(
                "{}/?{}",
                emu.url(),
                acs3::canonical_query(&self.query)
            ))
            .header(
                "authorization",
                acs3::authorization(self.key.0, &signed, &signature),
            )
            .body(self.body.clone());
        for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
            request = request.header(k, v);
        }
        let response = request.send().await.unwrap();
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }
}

#[tokio::test]
async fn acs3_requests_are_verified_like_v1() {
    let emu = Emulator::start_demo().await.unwrap();
    let ok = Acs3Request::new(
        "DescribeSmartAccessGateways",
        &[("RegionId", SHANGHAI), ("InstanceType", "software")],
    );
    let a = ok.send(&emu).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["TotalCount"], 2);

    let replay = ok.send(&emu).await;
    assert_eq!(
        (replay.status, replay.code().as_str()),
        (400, "SignatureNonceUsed")
    );

    let mut wrong = Acs3Request::new("DescribeRegions", &[]);
    wrong.key = (DEMO_ACCESS_KEY_ID, "not-the-secret");
    let a = wrong.send(&emu).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "SignatureDoesNotMatch")
    );
    assert!(a.json()["Message"]
        .as_str()
        .unwrap()
        .contains("ACS3-HMAC-SHA256\n"));

    let mut lying = Acs3Request::new("DescribeRegions", &[]);
    lying.body = b"Action=DeleteEverything".to_vec();
    lying.claimed_hash = Some(acs3::hex_sha256(b""));
    assert_eq!(lying.send(&emu).await.code(), "SignatureDoesNotMatch");

    let mut unsigned_date = Acs3Request::new("DescribeRegions", &[]);
    unsigned_date.signed.retain(|h| *h != "x-acs-date");
    let a = unsigned_date.send(&emu).await;
    assert_eq!((a.status, a.code().as_str()), (400, "IncompleteSignature"));

    let mut old = Acs3Request::new("DescribeRegions", &[]);
    old.date = timestamp(-20 * 60);
    assert_eq!(old.send(&emu).await.code(), "InvalidTimeStamp.Expired");

    let mut unknown = Acs3Request::new("DescribeRegions", &[]);
    unknown.key = ("LTAI5tNoSuchKey", "x");
    let a = unknown.send(&emu).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (404, "InvalidAccessKeyId.NotFound")
    );

    let a = Acs3Request::new("NoSuchAction", &[]).send(&emu).await;
    assert_eq!((a.status, a.code().as_str()), (404, "InvalidApi.NotFound"));

    let garbled = http()
        .post(format!("{}/", emu.url()))
        .header("authorization", "ACS3-HMAC-SHA256 nonsense")
        .header("x-acs-action", "DescribeRegions")
        .header("x-acs-version", "2018-03-13")
        .send()
        .await
        .unwrap();
    assert_eq!(garbled.status().as_u16(), 400);
    assert!(garbled
        .text()
        .await
        .unwrap()
        .contains("IncompleteSignature"));
}
