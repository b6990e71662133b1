//! Helpers of the emulator's tests: sign a call with `api::sign` and send it with reqwest,
//! so that these tests need nothing of the API client.
#![allow(dead_code)]

use std::time::Duration;

use sagroam::api::sign::{self, Params};
use sagroam::emulator::{DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};
use serde_json::Value;

pub const SHANGHAI: &str = "cn-shanghai";
pub const HANGZHOU: &str = "cn-hangzhou";
pub const SH_OFFICE: &str = "sag-shapp1demo0a1b2c3d";
pub const HZ_HQ: &str = "sag-hzapp1demo8i9j0k1l";
pub const HZ_FULL: &str = "sag-hzfull2000dm2n3o4p";
pub const HK_OFFICE: &str = "sag-hkapp1demou9v0w1x2";

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The error code, or "" for a success.
    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_string()
    }
}

/// A client that never goes through a proxy: these tests talk to loopback only.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn timestamp(offset_seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc() + time::Duration::seconds(offset_seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The action's parameters plus every common one, unsigned.
pub fn common(action: &str, params: &[(&str, &str)], key_id: &str) -> Params {
    let mut p = Params::new();
    for (k, v) in [
        ("Action", action),
        ("Version", "2018-03-13"),
        ("Format", "JSON"),
        ("AccessKeyId", key_id),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
    ] {
        p.insert(k.into(), v.into());
    }
    p.insert("SignatureNonce".into(), nonce());
    p.insert("Timestamp".into(), timestamp(0));
    for (k, v) in params {
        p.insert((*k).into(), (*v).into());
    }
    p
}

/// Adds `Signature` for `method` with `secret`.
pub fn signed(method: &str, mut p: Params, secret: &str) -> Params {
    p.remove("Signature");
    let s = sign::sign(method, &p, secret);
    p.insert("Signature".into(), s.signature);
    p
}

/// Sends `p` in the query string.
pub async fn send(client: &reqwest::Client, url: &str, method: &str, p: &Params) -> Answer {
    try_send(client, url, method, p).await.expect("an answer")
}

pub async fn try_send(
    client: &reqwest::Client,
    url: &str,
    method: &str,
    p: &Params,
) -> Result<Answer, reqwest::Error> {
    let query = sign::canonical_query(p);
    let query = match p.get("Signature") {
        Some(s) => format!("{query}&Signature={}", sign::percent_encode(s)),
        None => query,
    };
    let full = format!("{url}/?{query}");
    let request = match method {
        "GET" => client.get(full),
        _ => client.post(full),
    };
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// A call with the demo key, signed for POST.
pub async fn call(
    client: &reqwest::Client,
    url: &str,
    action: &str,
    params: &[(&str, &str)],
) -> Answer {
    let p = signed(
        "POST",
        common(action, params, DEMO_ACCESS_KEY_ID),
        DEMO_ACCESS_KEY_SECRET,
    );
    send(client, url, "POST", &p).await
}

pub async fn try_call(
    client: &reqwest::Client,
    url: &str,
    action: &str,
    params: &[(&str, &str)],
) -> Result<Answer, reqwest::Error> {
    let p = signed(
        "POST",
        common(action, params, DEMO_ACCESS_KEY_ID),
        DEMO_ACCESS_KEY_SECRET,
    );
    try_send(client, url, "POST", &p).await
}

pub fn roam_params<'a>(
    user: &'a str,
    origin_region: &'a str,
    origin: &'a str,
    target_region: &'a str,
    target: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("RegionId", target_region),
        ("OriginRegionId", origin_region),
        ("OriginSmartAGId", origin),
        ("TargetSmartAGId", target),
        ("UserName", user),
    ]
}

/// The names of an instance's accounts, read through the handle.
pub fn names_in(emulator: &sagroam::emulator::Emulator, instance: &str) -> Vec<String> {
    emulator
        .users(instance)
        .expect("the instance")
        .into_iter()
        .map(|u| u.user_name)
        .collect()
}
