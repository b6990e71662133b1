//! The gateway's checks before an action runs: the action and version, the common parameters,
//! the timestamp window, the access key, the STS token, the signature and nonce replay. Each
//! refusal carries the gateway's code and HTTP status. The order of the checks is an inferred
//! choice, written down in the README's emulator section.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::acs3;
use super::action_names::SMARTAG_ACTIONS;
use super::reply::Failure;
use super::world::AccessKey;
use crate::api::model::VERSION;
use crate::api::sign::{self, Params};

/// How far a request's clock may be from ours, either way, and how long a nonce is remembered
/// after the later of its timestamp and its arrival.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// The prefix of `SignatureDoesNotMatch`'s message; the server's string to sign follows it.
pub const SIGNATURE_MISMATCH_PREFIX: &str =
    "Specified signature is not matched with our calculation. server string to sign is:";

/// One request as the auth layer sees it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// `GET` or `POST`, upper case.
    pub method: String,
    pub path: String,
    /// The query's parameters and, for a form body, the body's (the body's win on a clash).
    pub params: Params,
    /// Only the query's parameters: ACS3 signs the query, and the body through its hash.
    pub query: Params,
    /// Header names in lower case; a header sent twice is here twice.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Signed with ACS3-HMAC-SHA256 (the Tea SDK's default) rather than signature v1.
    pub fn is_acs3(&self) -> bool {
        self.header("authorization")
            .is_some_and(|v| v.trim_start().starts_with("ACS3-"))
    }

    /// The action as sent: `Action`, or for ACS3 the `x-acs-action` header.
    pub fn action(&self) -> Option<&str> {
        if self.is_acs3() {
            self.header("x-acs-action")
                .or_else(|| self.params.get("Action").map(String::as_str))
        } else {
            self.params.get("Action").map(String::as_str)
        }
    }
}

/// What a request that passed every check may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub action: String,
    /// The action's parameters (the common ones are still in there; actions ignore them).
    pub params: Params,
    pub access_key_id: String,
}

/// The longest `SignatureNonce` accepted, in bytes, unless `Options` says otherwise. The SDKs
/// send 32 to 36 characters (a UUID or 32 hex digits).
pub const DEFAULT_MAX_NONCE_BYTES: usize = 128;

/// The most nonces remembered at once, unless `Options` says otherwise: about 110 requests a
/// second for a whole window.
pub const DEFAULT_MAX_NONCES: usize = 100_000;

/// Why a nonce was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceRefusal {
    /// This key used it already in the window.
    Used,
    /// The store holds as many as it may, none of them due: a nonce is never forgotten early,
    /// since that would let its request be replayed. The oldest falls due in `wait` seconds.
    Full { wait: i64 },
}

/// Nonces seen in the window. Each is forgotten once a request carrying it again would be
/// refused for its timestamp anyway, and the store never holds more than its capacity.
#[derive(Debug)]
pub struct NonceStore {
    capacity: usize,
    seen: HashSet<Arc<str>>,
    /// (when to forget, key) in the order they fall due.
    due: BTreeSet<(i64, Arc<str>)>,
}

impl NonceStore {
    pub fn with_capacity(capacity: usize) -> NonceStore {
        NonceStore {
            capacity,
            seen: HashSet::new(),
            due: BTreeSet::new(),
        }
    }

    /// Records `nonce` of `key_id`. `timestamp` is the request's, `now` ours, both in seconds
    /// since the epoch. A replay is told as `Used` even when the store is full.
    pub fn record(
        &mut self,
        key_id: &str,
        nonce: &str,
        timestamp: i64,
        now: i64,
    ) -> Result<(), NonceRefusal> {
        self.forget_due(now);
        let key: Arc<str> = Arc::from(format!("{key_id}\n{nonce}"));
        if self.seen.contains(&key) {
            return Err(NonceRefusal::Used);
        }
        if self.seen.len() >= self.capacity {
            let oldest = self.due.first().map_or(now + WINDOW_SECONDS, |(at, _)| *at);
            return Err(NonceRefusal::Full {
                wait: (oldest - now).max(1),
            });
        }
        let forget_at = timestamp.max(now) + WINDOW_SECONDS;
        self.seen.insert(Arc::clone(&key));
        self.due.insert((forget_at, key));
        Ok(())
    }

    fn forget_due(&mut self, now: i64) {
        while let Some((at, _)) = self.due.first() {
            if *at > now {
                break;
            }
            if let Some((_, key)) = self.due.pop_first() {
                self.seen.remove(&key);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }
}

/// The nonce checks' limits and memory, shared by every request.
#[derive(Debug)]
pub struct Nonces {
    max_bytes: usize,
    store: Mutex<NonceStore>,
}

impl Nonces {
    /// Nonces of at most `max_bytes` bytes, at most `max_entries` of them remembered at once.
    pub fn new(max_bytes: usize, max_entries: usize) -> Nonces {
        Nonces {
            max_bytes,
            store: Mutex::new(NonceStore::with_capacity(max_entries)),
        }
    }

    /// Refuses a nonce longer than the limit before anything else reads it.
    fn check_length(&self, nonce: &str) -> Result<(), Failure> {
        if nonce.len() > self.max_bytes {
            return Err(Failure::bad(
                "InvalidSignatureNonce",
                format!(
                    "Specified parameter SignatureNonce is not valid: it is {} bytes long, \
                     the most is {}.",
                    nonce.len(),
                    self.max_bytes
                ),
            ));
        }
        Ok(())
    }

    fn record(&self, key_id: &str, nonce: &str, timestamp: i64, now: i64) -> Result<(), Failure> {
        let recorded = match self.store.lock() {
            Ok(mut store) => store.record(key_id, nonce, timestamp, now),
            Err(poisoned) => poisoned.into_inner().record(key_id, nonce, timestamp, now),
        };
        match recorded {
            Ok(()) => Ok(()),
            Err(NonceRefusal::Used) => Err(Failure::bad(
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            )),
            Err(NonceRefusal::Full { wait }) => {
                let mut f = Failure::bad(
                    "Throttling.User",
                    format!(
                        "Request was denied due to user flow control: the emulator remembers \
                         as many signature nonces as it may; the oldest is forgotten in {wait} s."
                    ),
                );
                f.retry_after_ms = Some(u64::try_from(wait).unwrap_or(1).saturating_mul(1000));
                Err(f)
            }
        }
    }
}

/// `YYYY-MM-DDThh:mm:ssZ` exactly, as seconds since the epoch.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The action is a Smartag action (implemented or not) and the version is ours.
fn check_action_and_version(action: Option<&str>, version: Option<&str>) -> Result<(), Failure> {
    let action = action.ok_or_else(|| Failure::missing("Action"))?;
    if !SMARTAG_ACTIONS.contains(&action) {
        return Err(Failure::new(
            404,
            "InvalidApi.NotFound",
            "Specified api is not found, please check your url and method.",
        ));
    }
    let version = version.ok_or_else(|| Failure::missing("Version"))?;
    if version != VERSION {
        return Err(Failure::bad(
            "InvalidVersion",
            format!("Specified parameter Version is not valid: the API version is {VERSION}."),
        ));
    }
    Ok(())
}

fn check_timestamp(value: &str, now: i64) -> Result<i64, Failure> {
    let timestamp = parse_timestamp(value).ok_or_else(|| {
        Failure::bad(
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    })?;
    if (now - timestamp).abs() > WINDOW_SECONDS {
        return Err(Failure::bad(
            "InvalidTimeStamp.Expired",
            format!(
                "Specified time stamp or date value is expired. The request's time {value} is \
                 more than 15 minutes from the server's."
            ),
        ));
    }
    Ok(timestamp)
}

fn find_key<'k>(keys: &'k [AccessKey], id: &str) -> Result<&'k AccessKey, Failure> {
    let key = keys.iter().find(|k| k.id == id).ok_or_else(|| {
        Failure::new(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    })?;
    if !key.active {
        return Err(Failure::bad(
            "InvalidAccessKeyId.Inactive",
            "Specified access key is disabled.",
        ));
    }
    Ok(key)
}

/// An STS key needs one of its tokens, unexpired; a permanent key takes none.
fn check_security_token(key: &AccessKey, token: Option<&str>, now: i64) -> Result<(), Failure> {
    let token = token.filter(|t| !t.is_empty());
    let mismatch = || {
        Failure::bad(
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )
    };
    match (key.security_tokens.is_empty(), token) {
        (true, None) => Ok(()),
        (true, Some(_)) => Err(mismatch()),
        (false, None) => Err(Failure::missing("SecurityToken")),
        (false, Some(t)) => {
            let known = key
                .security_tokens
                .iter()
                .find(|k| k.token == t)
                .ok_or_else(mismatch)?;
            match known.expires {
                Some(at) if at <= now => Err(Failure::bad(
                    "InvalidSecurityToken.Expired",
                    "Specified SecurityToken is expired.",
                )),
                _ => Ok(()),
            }
        }
    }
}

fn signature_mismatch(server_string_to_sign: &str) -> Failure {
    Failure::bad(
        "SignatureDoesNotMatch",
        format!("{SIGNATURE_MISMATCH_PREFIX}{server_string_to_sign}"),
    )
}

/// Runs every check on `req`, signed with v1 or ACS3; `now` in seconds since the epoch.
pub fn verify(
    req: &Incoming,
    keys: &[AccessKey],
    nonces: &Nonces,
    now: i64,
) -> Result<Verified, Failure> {
    if req.is_acs3() {
        verify_acs3(req, keys, nonces, now)
    } else {
        verify_v1(req, keys, nonces, now)
    }
}

fn verify_v1(
    req: &Incoming,
    keys: &[AccessKey],
    nonces: &Nonces,
    now: i64,
) -> Result<Verified, Failure> {
    let p = &req.params;
    let get = |name: &str| p.get(name).map(String::as_str);
    check_action_and_version(get("Action"), get("Version"))?;

    let required = |name: &str| get(name).ok_or_else(|| Failure::missing(name));
    let access_key_id = required("AccessKeyId")?;
    let signature = required("Signature")?;
    let method = required("SignatureMethod")?;
    let signature_version = required("SignatureVersion")?;
    let nonce = required("SignatureNonce")?;
    let timestamp = required("Timestamp")?;

    if method != "HMAC-SHA1" {
        return Err(Failure::bad(
            "InvalidSignatureMethod",
            "Specified signature method is not valid.",
        ));
    }
    if signature_version != "1.0" {
        return Err(Failure::bad(
            "InvalidSignatureVersion",
            "Specified signature version is not valid.",
        ));
    }
    nonces.check_length(nonce)?;
    if let Some(format) = get("Format") {
        if super::reply::Format::parse(format).is_none() {
            return Err(Failure::bad(
                "InvalidParameter.Format",
                "Specified parameter format is not valid.",
            ));
        }
    }
    let timestamp = check_timestamp(timestamp, now)?;

    let key = find_key(keys, access_key_id)?;
    check_security_token(key, get("SecurityToken"), now)?;

    let canonical = sign::canonical_query(p);
    let string_to_sign = sign::string_to_sign(&req.method, &canonical);
    if sign::signature(&key.secret, &string_to_sign) != signature {
        return Err(signature_mismatch(&string_to_sign));
    }

    nonces.record(&key.id, nonce, timestamp, now)?;

    Ok(Verified {
        action: get("Action").unwrap_or_default().to_string(),
        params: p.clone(),
        access_key_id: key.id.clone(),
    })
}

/// The headers an ACS3 request must sign: without them a captured request could be replayed
/// as another action, at another time or with another nonce.
const ACS3_MUST_SIGN: &[&str] = &[
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
];

fn incomplete_signature(detail: &str) -> Failure {
    Failure::bad(
        "IncompleteSignature",
        format!("The request signature does not conform to Aliyun standards: {detail}."),
    )
}

/// ACS3-HMAC-SHA256: the same checks as v1, read from the `x-acs-*` headers, and the canonical
/// request rebuilt from what was received (the body through its SHA-256, whatever
/// `x-acs-content-sha256` claims).
fn verify_acs3(
    req: &Incoming,
    keys: &[AccessKey],
    nonces: &Nonces,
    now: i64,
) -> Result<Verified, Failure> {
    let action = req.action();
    let version = req
        .header("x-acs-version")
        .or_else(|| req.params.get("Version").map(String::as_str));
    check_action_and_version(action, version)?;

    let authorization = req
        .header("authorization")
        .and_then(acs3::parse_authorization)
        .ok_or_else(|| {
            incomplete_signature(
                "the Authorization header is not \
                 ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..",
            )
        })?;
    let nonce = req.header("x-acs-signature-nonce").ok_or_else(|| {
        Failure::bad(
            "MissingSignatureNonce",
            "SignatureNonce (header x-acs-signature-nonce) is mandatory for this action.",
        )
    })?;
    nonces.check_length(nonce)?;
    let date = req.header("x-acs-date").ok_or_else(|| {
        Failure::bad(
            "MissingTimestamp",
            "Timestamp (header x-acs-date) is mandatory for this action.",
        )
    })?;
    if let Some(format) = req.params.get("Format") {
        if super::reply::Format::parse(format).is_none() {
            return Err(Failure::bad(
                "InvalidParameter.Format",
                "Specified parameter format is not valid.",
            ));
        }
    }
    let timestamp = check_timestamp(date, now)?;

    let token = req.header("x-acs-security-token");
    let mut must_sign: Vec<&str> = ACS3_MUST_SIGN.to_vec();
    if token.is_some() {
        must_sign.push("x-acs-security-token");
    }
    if req.header("x-acs-content-sha256").is_some() {
        must_sign.push("x-acs-content-sha256");
    }
    if let Some(unsigned) = must_sign
        .iter()
        .find(|h| !authorization.signed_headers.iter().any(|s| s == *h))
    {
        return Err(incomplete_signature(&format!(
            "the header {unsigned} must be signed"
        )));
    }

    let key = find_key(keys, &authorization.access_key_id)?;
    check_security_token(key, token, now)?;

    let canonical = acs3::canonical_request(
        &req.method,
        &req.path,
        &req.query,
        &req.headers,
        &authorization.signed_headers,
        &acs3::hex_sha256(&req.body),
    );
    let string_to_sign = acs3::string_to_sign(&canonical);
    let expected = acs3::signature(&key.secret, &string_to_sign);
    if !expected.eq_ignore_ascii_case(&authorization.signature) {
        return Err(signature_mismatch(&string_to_sign));
    }

    nonces.record(&key.id, nonce, timestamp, now)?;

    Ok(Verified {
        action: action.unwrap_or_default().to_string(),
        params: req.params.clone(),
        access_key_id: key.id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_strict() {
        assert_eq!(parse_timestamp("2024-01-02T03:04:05Z"), Some(1_704_164_645));
        assert_eq!(parse_timestamp("2024-01-02T03:04:05.000Z"), None);
        assert_eq!(parse_timestamp("2024-01-02 03:04:05Z"), None);
        assert_eq!(parse_timestamp("2024-13-02T03:04:05Z"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn nonces_are_refused_again_within_the_window_and_then_forgotten() {
        let mut store = NonceStore::with_capacity(DEFAULT_MAX_NONCES);
        let used = Err(NonceRefusal::Used);
        let t = 1_000_000;
        assert_eq!(store.record("k", "n1", t, t), Ok(()));
        assert_eq!(store.record("k", "n1", t, t + 10), used);
        assert_eq!(store.record("other-key", "n1", t, t + 10), Ok(()));
        // A timestamp in the future keeps the nonce until 15 minutes after that timestamp.
        assert_eq!(store.record("k", "n2", t + 600, t), Ok(()));
        assert_eq!(store.record("k", "n1", t, t + WINDOW_SECONDS - 1), used);
        assert_eq!(store.record("k", "n1", t, t + WINDOW_SECONDS), Ok(()));
        assert_eq!(store.record("k", "n2", t + 600, t + WINDOW_SECONDS), used);
        // Old entries go: the store stays as small as the window.
        assert_eq!(store.record("k", "n3", t + 5000, t + 5000), Ok(()));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_full_store_refuses_new_nonces_until_old_ones_fall_due() {
        let mut store = NonceStore::with_capacity(2);
        let t = 1_000_000;
        assert_eq!(store.record("k", "a", t, t), Ok(()));
        assert_eq!(store.record("k", "b", t, t + 100), Ok(()));
        // Full: a new nonce waits for the oldest ("a", due at t + WINDOW_SECONDS)...
        let wait = WINDOW_SECONDS - 200;
        assert_eq!(
            store.record("k", "c", t, t + 200),
            Err(NonceRefusal::Full { wait })
        );
        // ...and nothing was forgotten early: both are still replays.
        assert_eq!(store.record("k", "a", t, t + 200), Err(NonceRefusal::Used));
        assert_eq!(store.record("k", "b", t, t + 200), Err(NonceRefusal::Used));
        assert_eq!(store.len(), 2);
        // Once "a" falls due there is room for one more, and only one.
        let due = t + WINDOW_SECONDS;
        assert_eq!(store.record("k", "c", due, due), Ok(()));
        assert_eq!(
            store.record("k", "d", due, due),
            Err(NonceRefusal::Full { wait: 100 })
        );
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn a_nonce_longer_than_the_limit_is_invalid() {
        let nonces = Nonces::new(4, 10);
        assert!(nonces.check_length("abcd").is_ok());
        let f = nonces.check_length("abcde").unwrap_err();
        assert_eq!((f.status, f.code.as_str()), (400, "InvalidSignatureNonce"));
        // Bytes, not characters.
        assert!(nonces.check_length("ééé").is_err());
    }
}
