//! One Smartag call: common parameters, signing, timeouts, retries of reads, error decoding;
//! and the helpers built on it: paged listings and a roam with its unknown-outcome check.
//!
//! CONTRACT (the skeleton; the API client work fills it in, keeping these signatures):
//!
//! - `Client::new(ClientConfig) -> Result<Client, Error>` refuses a plain `http://` endpoint
//!   that is not loopback (127.0.0.0/8, ::1, localhost) with `Error::Config`, before anything
//!   is sent.
//! - `Client::prepare(&A)` builds the signed request without sending it (`--dry-run`).
//! - `Client::call(&A)` sends one action; reads retried per `RetryPolicy`, writes never.
//! - `Client::instance_pages(region)` / `Client::user_pages(region, instance)`: the first page
//!   at the largest size (50 / 100), then the rest with at most `page_concurrency` in flight,
//!   yielded in page order as they arrive. An error ends the stream after the pages before it.
//! - `Client::roam(&RoamClientUser)`: reads the target's users first (the account must not be
//!   there yet: `Error::Precondition`), sends once, and on an unknown outcome reads again.

use std::sync::Arc;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt};
use rand::Rng;
use reqwest::header::HeaderMap;
use time::OffsetDateTime;

use crate::api::credentials::Credentials;
use crate::api::endpoint::{check_region, check_url, Endpoints, DEFAULT_REGION};
use crate::api::error::{body_start, ApiError, Error, TransportKind};
use crate::api::model::{
    Action, ClientUser, DescribeSmartAccessGatewayClientUsers, DescribeSmartAccessGateways,
    RoamClientUser, SmartAccessGateway, INSTANCE_TYPE_SOFTWARE, VERSION,
};
use crate::api::secret::mask_token_in;
use crate::api::sign::{self, Params, Signed};

/// The largest page `DescribeSmartAccessGatewayClientUsers` serves.
pub const USER_PAGE_SIZE: u32 = 100;
/// The largest page `DescribeSmartAccessGateways` serves.
pub const INSTANCE_PAGE_SIZE: u32 = 50;
/// A listing stops after this many pages, whatever `TotalCount` claims: 100,000 accounts at
/// 100 a page, far beyond the 2,000 an instance can hold.
pub const MAX_PAGES: u32 = 1000;
/// The longest `x-acs-retry-after` a read waits for; a longer one ends the retries.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The most of a body that is read; the answers of these actions are a few kilobytes.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The fixed text before the server's string to sign in a `SignatureDoesNotMatch` message.
const SERVER_STS_MARKER: &str = "server string to sign is:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; doubled for each attempt after, with jitter.
    pub base_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before retry number `retry` (1 for the second attempt): the base
    /// doubled per retry, drawn at random from its upper half, and never less than what the
    /// server asked for with `x-acs-retry-after`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let full = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let half = full / 2;
        let span = (full - half).as_micros() as u64;
        let jitter = if span == 0 {
            0
        } else {
            rand::thread_rng().gen_range(0..=span)
        };
        let drawn = half + Duration::from_micros(jitter);
        retry_after.map_or(drawn, |asked| asked.max(drawn))
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub credentials: Credentials,
    pub endpoints: Endpoints,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub retry: RetryPolicy,
    /// Pages of a long list in flight at once.
    pub page_concurrency: usize,
}

impl ClientConfig {
    /// The defaults of issue 2: connect 5 s, read 10 s, 3 attempts from 200 ms, 4 pages.
    pub fn new(credentials: Credentials, endpoints: Endpoints) -> ClientConfig {
        ClientConfig {
            credentials,
            endpoints,
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            page_concurrency: 4,
        }
    }
}

/// A signed request that was built and not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: &'static str,
    /// The full URL, Signature included, with any SecurityToken masked.
    pub url: String,
    /// With any SecurityToken masked.
    pub string_to_sign: String,
}

pub use crate::api::model::{Page, RoamOutcome};

#[derive(Debug, Clone)]
pub struct Client {
    config: ClientConfig,
    http: reqwest::Client,
}

/// One attempt, built: the URL to send (with the real token), and what was signed.
struct Built {
    /// The base URL, no query: what errors name.
    endpoint: String,
    url: String,
    signed: Signed,
    timestamp: OffsetDateTime,
}

/// A failed attempt, with what the server asked about retrying.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        config.endpoints.check()?;
        if config.page_concurrency == 0 {
            return Err(Error::Config("page concurrency must be at least 1".into()));
        }
        if config.retry.max_attempts == 0 {
            return Err(Error::Config("retries need at least one attempt".into()));
        }

        // For https, proxies come from HTTPS_PROXY / ALL_PROXY / NO_PROXY, as reqwest reads
        // them by default: a proxy only sees a CONNECT tunnel. A plain http:// endpoint is
        // loopback (checked above) and is reached directly, never through a proxy, which would
        // see the AccessKeyId, the SecurityToken and the signed query in the clear. No overall
        // timeout: the read timeout bounds each wait for bytes.
        let mut builder = reqwest::Client::builder();
        if config.endpoints.is_plain_http() {
            builder = builder.no_proxy();
        }
        let http = builder
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("sagroam/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client { config, http })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn prepare<A: Action>(&self, action: &A) -> Result<Prepared, Error> {
        let built = self.build(action)?;
        Ok(Prepared {
            method: "POST",
            url: mask_token_in(&built.url),
            string_to_sign: mask_token_in(&built.signed.string_to_sign),
        })
    }

    pub async fn call<A: Action>(&self, action: &A) -> Result<A::Response, Error> {
        let attempts = if A::READ {
            self.config.retry.max_attempts
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(action, attempt).await {
                Ok(response) => return Ok(response),
                Err(failure) => failure,
            };
            let retry_after = failure.retry_after.unwrap_or_default();
            if attempt >= attempts || !retryable(&failure.error) || retry_after > MAX_RETRY_AFTER {
                return Err(failure.error);
            }
            let delay = self.config.retry.delay(attempt, failure.retry_after);
            tracing::warn!(
                action = A::NAME,
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %failure.error,
                "retrying a read"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    pub fn instance_pages(
        &self,
        region_id: &str,
    ) -> BoxStream<'static, Result<Page<SmartAccessGateway>, Error>> {
        let region_id = region_id.to_string();
        self.pages(
            INSTANCE_PAGE_SIZE,
            move |number, size| DescribeSmartAccessGateways {
                region_id: region_id.clone(),
                instance_type: Some(INSTANCE_TYPE_SOFTWARE.into()),
                page_number: Some(number),
                page_size: Some(size),
                ..Default::default()
            },
            |r| {
                (
                    r.smart_access_gateways.smart_access_gateway,
                    r.total_count,
                    r.page_number,
                    r.page_size,
                )
            },
        )
    }

    pub fn user_pages(
        &self,
        region_id: &str,
        smart_ag_id: &str,
    ) -> BoxStream<'static, Result<Page<ClientUser>, Error>> {
        let (region_id, smart_ag_id) = (region_id.to_string(), smart_ag_id.to_string());
        self.pages(
            USER_PAGE_SIZE,
            move |number, size| DescribeSmartAccessGatewayClientUsers {
                region_id: region_id.clone(),
                smart_ag_id: smart_ag_id.clone(),
                page_number: Some(number),
                page_size: Some(size),
                ..Default::default()
            },
            |r| (r.users.user, r.total_count, r.page_number, r.page_size),
        )
    }

    pub async fn roam(&self, roam: &RoamClientUser) -> Result<RoamOutcome, Error> {
        // Were the account already in the target, a lost answer could not be told from success.
        if self.target_has_user(roam).await? {
            return Err(Error::Precondition(format!(
                "{} is already an account of {} in {}; nothing was sent",
                roam.user_name, roam.target_smart_ag_id, roam.region_id
            )));
        }

        let cause = match self.call(roam).await {
            Ok(answer) => {
                tracing::info!(
                    user = %roam.user_name,
                    target = %roam.target_smart_ag_id,
                    request_id = %answer.request_id,
                    "roamed"
                );
                return Ok(RoamOutcome::Roamed {
                    request_id: answer.request_id,
                });
            }
            Err(e) if e.outcome_unknown() => e,
            Err(e) => return Err(e),
        };

        tracing::warn!(error = %cause, "the answer of a roam was lost; reading the target again");
        let check = self.target_has_user(roam).await;
        tracing::info!(
            user = %roam.user_name,
            found = ?check.as_ref().ok(),
            "read after a lost answer"
        );
        match check {
            Ok(true) => Ok(RoamOutcome::LostAnswerApplied { cause }),
            Ok(false) => Ok(RoamOutcome::LostAnswerNotApplied { cause }),
            Err(check) => Err(match cause {
                Error::Transport {
                    kind,
                    endpoint,
                    detail,
                } => Error::Transport {
                    kind,
                    endpoint,
                    detail: format!(
                        "{detail}; the outcome is unknown: reading the target's users \
                         afterwards failed too ({check})"
                    ),
                },
                other => other,
            }),
        }
    }

    /// Whether `roam.user_name` is an account of the target instance. Asks with the UserName
    /// filter first; reads every page only when the filter did not narrow the list to one page.
    async fn target_has_user(&self, roam: &RoamClientUser) -> Result<bool, Error> {
        let user = roam.user_name.as_str();
        let filtered = self
            .call(&DescribeSmartAccessGatewayClientUsers {
                region_id: roam.region_id.clone(),
                smart_ag_id: roam.target_smart_ag_id.clone(),
                user_name: Some(user.to_string()),
                page_number: Some(1),
                page_size: Some(USER_PAGE_SIZE),
                ..Default::default()
            })
            .await?;
        if filtered.users.user.iter().any(|u| u.user_name == user) {
            return Ok(true);
        }
        if filtered.users.user.len() as i64 >= filtered.total_count {
            return Ok(false);
        }

        let mut pages = self.user_pages(&roam.region_id, &roam.target_smart_ag_id);
        while let Some(page) = pages.next().await {
            if page?.items.iter().any(|u| u.user_name == user) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The first page at `size`, then the rest with at most `page_concurrency` in flight,
    /// in page order; the first error ends the stream.
    fn pages<A, T, M, S>(
        &self,
        size: u32,
        make: M,
        split: S,
    ) -> BoxStream<'static, Result<Page<T>, Error>>
    where
        A: Action + Send + Sync + 'static,
        T: Send + 'static,
        M: Fn(u32, u32) -> A + Send + Sync + 'static,
        S: Fn(A::Response) -> (Vec<T>, i64, i64, i64) + Send + Sync + 'static,
    {
        let client = self.clone();
        let make = Arc::new(make);
        let split = Arc::new(split);
        let fetch = move |number: u32, size: u32| {
            let (client, make, split) = (client.clone(), make.clone(), split.clone());
            async move {
                let response = client.call(&make(number, size)).await?;
                let (items, total, page_number, page_size) = split(response);
                Ok(Page {
                    items,
                    page_number: clamp_u32(page_number).max(1),
                    page_size: clamp_u32(page_size),
                    total_count: total.max(0) as u64,
                })
            }
        };
        let concurrency = self.config.page_concurrency.max(1);

        stream::once(fetch(1, size))
            .flat_map(move |first: Result<Page<T>, Error>| {
                let first = match first {
                    Ok(page) => page,
                    Err(e) => return stream::once(async { Err(e) }).boxed(),
                };
                let per_page = page_size_served(&first, size);
                let pages = if per_page == 0 {
                    1
                } else {
                    first
                        .total_count
                        .div_ceil(per_page as u64)
                        .min(MAX_PAGES as u64) as u32
                };
                let fetch = fetch.clone();
                let rest = stream::iter(2..=pages)
                    .map(move |number| fetch(number, per_page))
                    .buffered(concurrency);
                stream::once(async { Ok(first) }).chain(rest).boxed()
            })
            .scan(false, |failed, page| {
                let stop = *failed;
                *failed |= page.is_err();
                async move { (!stop).then_some(page) }
            })
            .boxed()
    }

    /// Common parameters, a fresh nonce and timestamp, the signature, the URL.
    fn build<A: Action>(&self, action: &A) -> Result<Built, Error> {
        let region = action
            .region()
            .filter(|r| !r.is_empty())
            .unwrap_or(DEFAULT_REGION);
        if matches!(self.config.endpoints, Endpoints::Regional { .. }) {
            check_region(region)?;
        }
        let base = self.config.endpoints.base_url(region);
        check_url(&base)?;

        let credentials = &self.config.credentials;
        let timestamp = OffsetDateTime::now_utc();
        let mut params = Params::new();
        for (key, value) in action.params() {
            params.insert(key.to_string(), value);
        }
        // The common parameters are set last so that no action can override them.
        let common = [
            ("Action", A::NAME.to_string()),
            ("Format", "JSON".to_string()),
            ("Version", VERSION.to_string()),
            ("AccessKeyId", credentials.access_key_id.clone()),
            ("SignatureMethod", "HMAC-SHA1".to_string()),
            ("SignatureVersion", "1.0".to_string()),
            ("SignatureNonce", nonce()),
            ("Timestamp", format_timestamp(timestamp)),
        ];
        for (key, value) in common {
            params.insert(key.to_string(), value);
        }
        if let Some(token) = &credentials.security_token {
            params.insert("SecurityToken".into(), token.expose().to_string());
        }

        let signed = sign::sign("POST", &params, credentials.access_key_secret.expose());
        let url = format!("{base}?{}", sign::signed_query(&signed));
        Ok(Built {
            endpoint: base,
            url,
            signed,
            timestamp,
        })
    }

    async fn attempt<A: Action>(&self, action: &A, attempt: u32) -> Result<A::Response, Failure> {
        let built = self.build(action)?;
        let endpoint = built.endpoint.clone();

        let sent = self
            .http
            .post(&built.url)
            .header("x-acs-action", A::NAME)
            .header("x-acs-version", VERSION)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::CONTENT_LENGTH, "0")
            .body(Vec::new())
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                let error = transport_error(e, &endpoint);
                tracing::info!(action = A::NAME, attempt, %endpoint, %error, "no answer");
                return Err(error.into());
            }
        };

        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_body(response, &endpoint).await?;
        let retry_after = retry_after(&headers);
        let result = decode::<A::Response>(status, &headers, &body, &built);
        match &result {
            Ok(_) => tracing::info!(action = A::NAME, attempt, %endpoint, status, "answered"),
            Err(error) => {
                tracing::info!(action = A::NAME, attempt, %endpoint, status, %error, "error")
            }
        }
        result.map_err(|error| Failure { error, retry_after })
    }
}

/// Reads and 5xx, throttling, and transport failures other than TLS and DNS (which another
/// attempt would not change) are worth another attempt.
fn retryable(error: &Error) -> bool {
    match error {
        Error::Api(api) => api.is_retryable(),
        Error::Transport { kind, .. } => !matches!(kind, TransportKind::Tls | TransportKind::Dns),
        Error::Decode { status, .. } => *status >= 500,
        _ => false,
    }
}

/// The page size the server really used: what it says, unless the first page shows fewer.
fn page_size_served<T>(first: &Page<T>, asked: u32) -> u32 {
    let said = if (1..=asked).contains(&first.page_size) {
        first.page_size
    } else {
        asked
    };
    let got = first.items.len() as u32;
    if got < said && (got as u64) < first.total_count {
        got
    } else {
        said
    }
}

fn clamp_u32(v: i64) -> u32 {
    v.clamp(0, u32::MAX as i64) as u32
}

/// 32 lower-case hex digits, fresh for every attempt.
fn nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// `2024-01-02T03:04:05Z`: UTC, no fraction.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
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

async fn read_body(mut response: reqwest::Response, endpoint: &str) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= MAX_BODY {
                    return Ok(body);
                }
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(transport_error(e, endpoint).into()),
        }
    }
}

/// `x-acs-retry-after`, in milliseconds.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let ms: u64 = headers
        .get("x-acs-retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (ms > 0).then(|| Duration::from_millis(ms))
}

/// Turns an answer into the action's response or the error it carries.
fn decode<R: serde::de::DeserializeOwned>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    built: &Built,
) -> Result<R, Error> {
    let decode_error = |reason: String| Error::Decode {
        status,
        endpoint: built.endpoint.clone(),
        reason: mask_token_in(&reason),
        body_start: body_start(body),
    };

    if (200..300).contains(&status) {
        return serde_json::from_slice(body).map_err(|e| decode_error(e.to_string()));
    }

    let mut api: ApiError = match serde_json::from_slice::<ApiError>(body) {
        Ok(api) if !api.code.is_empty() => api,
        Ok(_) => return Err(decode_error("an error answer without a Code".into())),
        Err(e) => {
            return Err(decode_error(format!(
                "an error answer that is not JSON: {e}"
            )))
        }
    };
    api.http_status = status;

    match api.code.as_str() {
        "SignatureDoesNotMatch" => Err(signature_error(api, &built.signed.string_to_sign)),
        "InvalidTimeStamp.Expired" => {
            let skew = clock_skew(built.timestamp, headers);
            Err(Error::ClockSkew {
                api: sanitized(api),
                skew,
            })
        }
        _ => Err(Error::Api(sanitized(api))),
    }
}

/// A `SignatureDoesNotMatch` whose server string to sign equals ours means the secret is
/// wrong; otherwise, says which parameter the two sides saw differently.
pub fn signature_error(api: ApiError, ours: &str) -> Error {
    // Compared raw (both hold the same token, if any); masked before anything keeps them.
    let Some(at) = api.message.find(SERVER_STS_MARKER) else {
        return Error::SignatureMismatch {
            difference: "the server did not say what it signed".into(),
            api: sanitized(api),
        };
    };
    let theirs = api.message[at + SERVER_STS_MARKER.len()..].trim();
    if theirs == ours {
        return Error::WrongSecret(sanitized(api));
    }
    let difference = mask_token_in(&sts_difference(ours, theirs));
    Error::SignatureMismatch {
        api: sanitized(api),
        difference,
    }
}

/// The server's error with the SecurityToken, and any secret value, masked in every text it
/// carries: a message can echo the string to sign, and the error's Debug prints it as it is.
pub fn sanitized(mut api: ApiError) -> ApiError {
    for text in [
        &mut api.message,
        &mut api.request_id,
        &mut api.host_id,
        &mut api.recommend,
    ] {
        *text = mask_token_in(text);
    }
    if let Some(detail) = api.access_denied_detail.as_mut() {
        mask_json(detail);
    }
    api
}

fn mask_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = mask_token_in(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_json),
        _ => {}
    }
}

/// Names what differs between two strings to sign: the method, the path, or parameters.
fn sts_difference(ours: &str, theirs: &str) -> String {
    let split = |s: &str| -> (String, String, Params) {
        let mut parts = s.splitn(3, '&');
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        // The third part is the canonical query, percent-encoded once more.
        let canonical = percent_decode(parts.next().unwrap_or(""));
        (method, path, parse_canonical(&canonical))
    };
    let (our_method, our_path, our_params) = split(ours);
    let (their_method, their_path, their_params) = split(theirs);

    let mut differences = Vec::new();
    if our_method != their_method {
        differences.push(format!(
            "method: ours {our_method:?}, the server's {their_method:?}"
        ));
    }
    if our_path != their_path {
        differences.push(format!(
            "path: ours {our_path:?}, the server's {their_path:?}"
        ));
    }
    for (key, ours) in &our_params {
        match their_params.get(key) {
            None => differences.push(format!("parameter {key}: the server did not receive it")),
            Some(theirs) if theirs != ours => differences.push(format!(
                "parameter {key}: ours {ours:?}, the server's {theirs:?}"
            )),
            Some(_) => {}
        }
    }
    for key in their_params.keys().filter(|k| !our_params.contains_key(*k)) {
        differences.push(format!(
            "parameter {key}: the server has it, we did not sign it"
        ));
    }
    if differences.is_empty() {
        "the strings differ in their encoding, not in any parameter".into()
    } else {
        differences.join("; ")
    }
}

/// `k=v&k=v` with both sides percent-encoded, as signed; values are decoded for printing.
fn parse_canonical(canonical: &str) -> Params {
    canonical
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Decodes `%XY` escapes only: in a string to sign a `+` is a plus, never a space.
fn percent_decode(s: &str) -> String {
    sign::form_decode(&s.replace('+', "%2B"))
}

/// How far the timestamp we sent is from the server's `Date` header, in words.
pub fn clock_skew(sent: OffsetDateTime, headers: &HeaderMap) -> String {
    let Some(date) = headers
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
    else {
        return "off by an unknown amount (the server sent no Date header)".into();
    };
    let Some(server) = parse_http_date(date) else {
        return format!("off by an unknown amount (the server's Date {date:?} did not parse)");
    };
    let skew = sent - server;
    let seconds = skew.whole_seconds();
    let (h, m, s) = (
        seconds.unsigned_abs() / 3600,
        seconds.unsigned_abs() / 60 % 60,
        seconds.unsigned_abs() % 60,
    );
    let amount = if h > 0 {
        format!("{h} h {m} min {s} s")
    } else if m > 0 {
        format!("{m} min {s} s")
    } else {
        format!("{s} s")
    };
    let side = if seconds >= 0 { "ahead of" } else { "behind" };
    format!("{amount} {side} the server's clock (server Date: {date})")
}

/// An IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}

/// Tells refused, timed out, TLS, DNS and a closed connection apart, without the URL (whose
/// query holds the SecurityToken) in the text.
fn transport_error(error: reqwest::Error, endpoint: &str) -> Error {
    let error = error.without_url();
    let kind = transport_kind(&error);
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !detail.contains(&text) {
            detail.push_str(": ");
            detail.push_str(&text);
        }
        source = cause.source();
    }
    Error::Transport {
        kind,
        endpoint: endpoint.to_string(),
        detail: mask_token_in(&detail),
    }
}

fn transport_kind(error: &reqwest::Error) -> TransportKind {
    let mut io_kinds = Vec::new();
    let mut text = error.to_string().to_ascii_lowercase();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_kinds.push(io.kind());
        }
        text.push_str(": ");
        text.push_str(&cause.to_string().to_ascii_lowercase());
        source = cause.source();
    }
    use std::io::ErrorKind as K;
    let has = |k: K| io_kinds.contains(&k);

    if error.is_timeout() || has(K::TimedOut) {
        TransportKind::Timeout
    } else if text.contains("dns error") || text.contains("failed to lookup address") {
        TransportKind::Dns
    } else if error.is_connect() {
        // rustls reports through tokio-rustls as InvalidData; its texts name the rest.
        let tls = [
            "tls",
            "certificate",
            "handshake",
            "peer",
            "alert",
            "corrupt message",
        ];
        if (has(K::InvalidData) || tls.iter().any(|t| text.contains(t)))
            && !has(K::ConnectionRefused)
        {
            TransportKind::Tls
        } else {
            TransportKind::Refused
        }
    } else if has(K::ConnectionReset)
        || has(K::ConnectionAborted)
        || has(K::UnexpectedEof)
        || has(K::BrokenPipe)
        || text.contains("connection closed")
        || text.contains("incomplete")
        || error.is_body()
    {
        TransportKind::Closed
    } else {
        TransportKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::credentials::CredentialSource;
    use crate::api::model::{DescribeRegions, DescribeRegionsResponse};
    use crate::api::secret::{Secret, MARK};

    fn client(endpoints: Endpoints, token: Option<&str>) -> Client {
        let credentials = Credentials {
            access_key_id: "LTAI5tTestAccessKeyId".into(),
            access_key_secret: Secret::new("TestAccessKeySecret123"),
            security_token: token.map(Secret::new),
            source: CredentialSource::Environment,
        };
        Client::new(ClientConfig::new(credentials, endpoints)).unwrap()
    }

    fn roam() -> RoamClientUser {
        RoamClientUser {
            region_id: "cn-hangzhou".into(),
            origin_region_id: "cn-shanghai".into(),
            origin_smart_ag_id: "sag-origin123".into(),
            target_smart_ag_id: "sag-target456".into(),
            user_name: "alice.w@example.com".into(),
        }
    }

    #[test]
    fn a_roam_goes_to_the_target_region_with_the_common_parameters() {
        let c = client(Endpoints::Regional { vpc: false }, None);
        let p = c.prepare(&roam()).unwrap();
        assert!(p
            .url
            .starts_with("https://smartag.cn-hangzhou.aliyuncs.com/?AccessKeyId=LTAI5tTestAccessKeyId&Action=RoamClientUser&Format=JSON&"));
        let query = sign::parse_query(p.url.split_once('?').unwrap().1);
        assert_eq!(query["Version"], "2018-03-13");
        assert_eq!(query["SignatureMethod"], "HMAC-SHA1");
        assert_eq!(query["SignatureVersion"], "1.0");
        assert_eq!(query["RegionId"], "cn-hangzhou");
        assert_eq!(query["SignatureNonce"].len(), 32);
        assert!(!query.contains_key("SecurityToken"));
        let ts = &query["Timestamp"];
        assert_eq!(ts.len(), 20, "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T');

        // The signature is the shared signer's over the same parameters.
        let mut unsigned = query.clone();
        let signature = unsigned.remove("Signature").unwrap();
        let signed = sign::sign("POST", &unsigned, "TestAccessKeySecret123");
        assert_eq!(signed.signature, signature);
        assert_eq!(signed.string_to_sign, p.string_to_sign);
    }

    #[test]
    fn every_attempt_gets_a_fresh_nonce() {
        let c = client(Endpoints::Regional { vpc: true }, None);
        let a = c.prepare(&roam()).unwrap();
        let b = c.prepare(&roam()).unwrap();
        assert!(a
            .url
            .starts_with("https://smartag-vpc.cn-hangzhou.aliyuncs.com/?"));
        let nonce =
            |u: &str| sign::parse_query(u.split_once('?').unwrap().1)["SignatureNonce"].clone();
        assert_ne!(nonce(&a.url), nonce(&b.url));
    }

    #[test]
    fn the_token_is_signed_and_masked_in_what_is_printed() {
        let c = client(
            Endpoints::Fixed("http://127.0.0.1:9".into()),
            Some("STS.clientTestToken+/="),
        );
        let p = c.prepare(&DescribeRegions::default()).unwrap();
        assert!(p.url.starts_with("http://127.0.0.1:9/?"));
        assert!(
            p.url.contains(&format!("SecurityToken={MARK}")),
            "{}",
            p.url
        );
        assert!(p
            .string_to_sign
            .contains(&format!("SecurityToken%3D{MARK}")));
        for printed in [&p.url, &p.string_to_sign, &format!("{p:?}")] {
            assert!(!printed.contains("clientTestToken"), "{printed}");
            assert!(!printed.contains("TestAccessKeySecret123"), "{printed}");
        }
        let built = c.build(&DescribeRegions::default()).unwrap();
        assert!(built
            .url
            .contains("SecurityToken=STS.clientTestToken%2B%2F%3D"));
    }

    #[test]
    fn plain_http_to_another_host_is_refused_at_construction() {
        let credentials = Credentials {
            access_key_id: "id".into(),
            access_key_secret: Secret::new("secret-value"),
            security_token: None,
            source: CredentialSource::Environment,
        };
        let config = ClientConfig::new(credentials, Endpoints::Fixed("http://192.0.2.1/".into()));
        assert!(matches!(Client::new(config), Err(Error::Config(_))));
    }

    #[test]
    fn a_region_cannot_change_the_host() {
        let c = client(Endpoints::Regional { vpc: false }, None);
        let mut r = roam();
        r.region_id = "evil.example.com/x".into();
        assert!(matches!(c.prepare(&r), Err(Error::Config(_))));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let p = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
        };
        for _ in 0..50 {
            let first = p.delay(1, None);
            assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(200));
            let second = p.delay(2, None);
            assert!(second >= Duration::from_millis(200) && second <= Duration::from_millis(400));
        }
        let asked = Duration::from_millis(1500);
        assert_eq!(p.delay(1, Some(asked)), asked);
        assert!(p.delay(1, Some(Duration::from_millis(1))) >= Duration::from_millis(100));
    }

    fn built_for(sts: &str) -> Built {
        Built {
            endpoint: "http://127.0.0.1:9/".into(),
            url: String::new(),
            signed: Signed {
                canonical_query: String::new(),
                string_to_sign: sts.into(),
                signature: String::new(),
            },
            timestamp: time::macros::datetime!(2024-01-02 03:04:05 UTC),
        }
    }

    fn error_body(code: &str, message: &str) -> Vec<u8> {
        serde_json::json!({"Code": code, "Message": message, "RequestId": "R-9", "HostId": "h"})
            .to_string()
            .into_bytes()
    }

    const OURS: &str = "POST&%2F&AccessKeyId%3Did%26Action%3DDescribeRegions%26UserName%3Da%2520b";

    #[test]
    fn same_string_to_sign_means_a_wrong_secret() {
        let message = format!("Specified signature is not matched with our calculation. server string to sign is:{OURS}");
        let r = decode::<DescribeRegionsResponse>(
            400,
            &HeaderMap::new(),
            &error_body("SignatureDoesNotMatch", &message),
            &built_for(OURS),
        );
        let e = r.unwrap_err();
        assert!(
            matches!(e, Error::WrongSecret(ref a) if a.http_status == 400 && a.request_id == "R-9")
        );
        assert!(e.to_string().contains("AccessKeySecret is wrong"));
    }

    #[test]
    fn a_different_string_to_sign_names_the_parameter() {
        let theirs = "POST&%2F&AccessKeyId%3Did%26Action%3DDescribeRegions%26UserName%3Da%2Bb";
        let message = format!("Specified signature is not matched with our calculation. server string to sign is:{theirs}");
        let e = decode::<DescribeRegionsResponse>(
            400,
            &HeaderMap::new(),
            &error_body("SignatureDoesNotMatch", &message),
            &built_for(OURS),
        )
        .unwrap_err();
        let Error::SignatureMismatch { difference, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(difference.contains("parameter UserName"), "{difference}");
        assert!(
            difference.contains("\"a b\"") && difference.contains("\"a+b\""),
            "{difference}"
        );
        assert!(!difference.contains("AccessKeyId"), "{difference}");
    }

    #[test]
    fn an_expired_timestamp_says_how_far_the_clock_is() {
        let mut headers = HeaderMap::new();
        headers.insert("date", "Tue, 02 Jan 2024 03:24:05 GMT".parse().unwrap());
        let e = decode::<DescribeRegionsResponse>(
            400,
            &headers,
            &error_body(
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            ),
            &built_for(OURS),
        )
        .unwrap_err();
        let Error::ClockSkew { skew, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(skew.starts_with("20 min 0 s behind"), "{skew}");
        let e = decode::<DescribeRegionsResponse>(
            400,
            &HeaderMap::new(),
            &error_body("InvalidTimeStamp.Expired", "expired"),
            &built_for(OURS),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no Date header"), "{e}");
    }

    #[test]
    fn a_body_that_is_not_json_is_quoted() {
        let html = format!("<html>{}</html>", "x".repeat(500));
        for status in [200, 502] {
            let e = decode::<DescribeRegionsResponse>(
                status,
                &HeaderMap::new(),
                html.as_bytes(),
                &built_for(OURS),
            )
            .unwrap_err();
            let Error::Decode {
                body_start,
                status: s,
                ..
            } = &e
            else {
                panic!("{e:?}")
            };
            assert_eq!(*s, status);
            assert!(body_start.starts_with("<html>xxx") && body_start.len() == 200);
            assert!(retryable(&e) == (status >= 500));
        }
    }

    #[test]
    fn api_errors_keep_every_field_and_status() {
        let body = br#"{"Code":"Forbidden.RAM","Message":"no","RequestId":"R","HostId":"smartag.cn-shanghai.aliyuncs.com","Recommend":"https://x","AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy"}}"#;
        let e = decode::<DescribeRegionsResponse>(403, &HeaderMap::new(), body, &built_for(OURS))
            .unwrap_err();
        let a = e.api().unwrap();
        assert_eq!(
            (
                a.code.as_str(),
                a.http_status,
                a.host_id.as_str(),
                a.recommend.as_str()
            ),
            (
                "Forbidden.RAM",
                403,
                "smartag.cn-shanghai.aliyuncs.com",
                "https://x"
            )
        );
        assert!(a.access_denied_detail.is_some());
        assert!(!retryable(&e));
    }

    #[test]
    fn retry_after_is_read_in_milliseconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert("x-acs-retry-after", "250".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
        headers.insert("x-acs-retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn the_served_page_size_wins() {
        let page = |n: usize, size: u32, total: u64| Page {
            items: vec![(); n],
            page_number: 1,
            page_size: size,
            total_count: total,
        };
        assert_eq!(page_size_served(&page(100, 100, 950), 100), 100);
        assert_eq!(page_size_served(&page(50, 50, 950), 100), 50);
        assert_eq!(page_size_served(&page(10, 100, 950), 100), 10);
        assert_eq!(page_size_served(&page(7, 100, 7), 100), 100);
        assert_eq!(page_size_served(&page(0, 0, 0), 100), 100);
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        let t = time::macros::datetime!(2024-01-02 03:04:05.678 +08:00);
        assert_eq!(format_timestamp(t), "2024-01-01T19:04:05Z");
        assert_eq!(
            parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"),
            Some(time::macros::datetime!(2024-01-02 03:04:05 UTC))
        );
    }
}
