//! ACS3-HMAC-SHA256, the signature the Tea SDKs send by default (signature v3), from the server's
//! side: read the `Authorization` header, rebuild the canonical request from what was received,
//! and compute the signature the client must have sent.
//!
//! The canonical request is
//!
//! ```text
//! METHOD \n PATH \n CANONICAL-QUERY \n CANONICAL-HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
//! ```
//!
//! where CANONICAL-HEADERS is one `name:value\n` line per signed header (so the section ends
//! with an empty line), the string to sign is `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical
//! request)) and the signature is hex(HMAC-SHA256(AccessKeySecret, string to sign)). The
//! details below were matched against `alibabacloud_tea_openapi` 0.4.6 (`utils.py`):
//! - query values are escaped like signature v1 (`quote(v, safe='~')` there leaves exactly
//!   RFC 3986's unreserved set), an empty value gives `Key=`, and pairs are sorted by key. Tea
//!   leaves the keys unescaped; we escape them as the published algorithm says, which is the
//!   same string for every key the Smartag API has (letters, digits and `.`).
//! - a header value is trimmed at both ends (Python's `strip()`); a header received more than
//!   once gives its trimmed values sorted and joined with `,`.
//! - header names are compared in lower case; the signed headers are taken in the order the
//!   client listed them (Tea lists them sorted), so the `SignedHeaders` line of the canonical
//!   request is exactly the one the client signed.
//!
//! A query key sent twice cannot be told apart here: `Params` keeps the later value. Tea builds
//! its query from a dict, so it never sends one twice.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::api::sign::{percent_encode, Params};

/// The algorithm name that opens the `Authorization` header and the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`
/// header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acs3Authorization {
    pub access_key_id: String,
    /// Lower-case header names, in the order the client listed them.
    pub signed_headers: Vec<String>,
    /// Lower-case hex, as sent.
    pub signature: String,
}

/// Reads an `Authorization` header value; `None` when it is not a well-formed ACS3-HMAC-SHA256
/// authorization (another algorithm, a part missing, repeated or empty, or an unknown part).
pub fn parse_authorization(value: &str) -> Option<Acs3Authorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?;

    // The algorithm and the parts are separated by white space; "ACS3-HMAC-SHA256X" is not ours.
    if !rest.starts_with([' ', '\t']) {
        return None;
    }

    let mut access_key_id = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=')?;
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let slot = match name.trim() {
            "Credential" => &mut access_key_id,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.replace(value.to_string()).is_some() {
            return None;
        }
    }

    let signed_headers = signed_headers?
        .split(';')
        .map(|name| name.trim().to_ascii_lowercase())
        .collect::<Vec<_>>();
    if signed_headers.iter().any(String::is_empty) {
        return None;
    }

    Some(Acs3Authorization {
        access_key_id: access_key_id?,
        signed_headers,
        signature: signature?,
    })
}

/// The `Authorization` header value for these parts; the inverse of [`parse_authorization`].
pub fn authorization(access_key_id: &str, signed_headers: &[String], signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed_headers.join(";")
    )
}

/// The query as ACS3 signs it: `k=v` pairs, both sides percent-encoded, sorted by key, joined
/// with `&`.
pub fn canonical_query(query: &Params) -> String {
    query
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request of the module docs. `headers` are the received headers with lower-case
/// names (a name may repeat); only those named in `signed_headers` take part, and a signed
/// header that was not received counts as empty, so the signature simply fails to match.
/// `payload_hash` is the lower-case hex SHA-256 of the body the server received.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &Params,
    headers: &[(String, String)],
    signed_headers: &[String],
    payload_hash: &str,
) -> String {
    let path = if path.is_empty() { "/" } else { path };

    let mut canonical_headers = String::new();
    for name in signed_headers {
        let name = name.to_ascii_lowercase();
        let mut values = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.trim())
            .collect::<Vec<_>>();
        values.sort_unstable();
        canonical_headers.push_str(&name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }

    format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{}\n{payload_hash}",
        canonical_query(query),
        signed_headers.join(";")
    )
}

/// `ACS3-HMAC-SHA256\n` + hex(SHA-256(canonical request)).
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", hex_sha256(canonical_request.as_bytes()))
}

/// hex(HMAC-SHA256(key = AccessKeySecret, message = string to sign)).
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Lower-case hex SHA-256, the form of `x-acs-content-sha256` and of the payload hash.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn params(pairs: &[(&str, &str)]) -> Params {
        owned(pairs).into_iter().collect()
    }

    fn names(list: &str) -> Vec<String> {
        list.split(';').map(str::to_string).collect()
    }

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// smartag-api.md §3.6, vector F: Tea's RoamClientUser over loopback, reproduced with the
    /// user agent of the SDK versions pinned in tests/conformance/requirements.txt on Python
    /// 3.11.7.
    #[test]
    fn reproduces_vector_f() {
        let query = params(&[
            ("OriginRegionId", "cn-shanghai"),
            ("OriginSmartAGId", "sag-origin123"),
            ("RegionId", "cn-hangzhou"),
            ("TargetSmartAGId", "sag-target456"),
            ("UserName", "alice.w@example.com"),
        ]);
        let headers = owned(&[
            ("host", "127.0.0.1:43289"),
            ("x-acs-version", "2018-03-13"),
            ("x-acs-action", "RoamClientUser"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2024-01-02T03:04:05Z"),
            ("x-acs-signature-nonce", "5b3e6a2e4c1f4d7e9a0b1c2d3e4f5a6b"),
            ("accept", "application/json"),
            ("x-acs-content-sha256", EMPTY_SHA256),
            ("x-acs-credentials-provider", "static_ak"),
        ]);
        let header = "ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId,SignedHeaders=accept;host;\
                      user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;\
                      x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=bf48e9c5d2202aa3\
                      6096bb147981c995457bc3348e3762d212dcbbff474111f5";

        let auth = parse_authorization(header).unwrap();
        assert_eq!(auth.access_key_id, "LTAI5tTestAccessKeyId");
        assert_eq!(auth.signed_headers.len(), 9);

        assert_eq!(hex_sha256(b""), EMPTY_SHA256);
        let request = canonical_request(
            "POST",
            "/",
            &query,
            &headers,
            &auth.signed_headers,
            &hex_sha256(b""),
        );
        assert!(request.starts_with(
            "POST\n/\nOriginRegionId=cn-shanghai&OriginSmartAGId=sag-origin123&\
             RegionId=cn-hangzhou&TargetSmartAGId=sag-target456&UserName=alice.w%40example.com\n\
             accept:application/json\nhost:127.0.0.1:43289\n"
        ));
        let sts = string_to_sign(&request);
        assert!(sts.starts_with("ACS3-HMAC-SHA256\n"));
        assert_eq!(sts.len(), "ACS3-HMAC-SHA256\n".len() + 64);
        assert_eq!(signature("TestAccessKeySecret123", &sts), auth.signature);
    }

    /// Empty values, escaping, trimming and a header sent twice, checked against the output of
    /// Tea's own `get_canonical_query_string`, `get_canonicalized_headers` and
    /// `get_authorization` for the same input.
    #[test]
    fn canonicalises_like_the_tea_sdk() {
        let query = params(&[("UserName", "x y*~/é"), ("Empty", ""), ("PageSize", "50")]);
        let headers = owned(&[
            ("host", "  127.0.0.1:8080 "),
            ("x-acs-foo", "b"),
            ("x-acs-foo", " a "),
            ("x-acs-date", "2024-01-02T03:04:05Z"),
            ("user-agent", "not signed"),
        ]);
        let signed = names("host;x-acs-date;x-acs-foo");
        let payload = hex_sha256(b"A=1");
        assert_eq!(
            payload,
            "f1d316d330440dea46d96ad43f6562ff9411c1b84700794dcd584f18146a18f6"
        );

        let request = canonical_request("POST", "/", &query, &headers, &signed, &payload);
        assert_eq!(
            request,
            format!(
                "POST\n/\nEmpty=&PageSize=50&UserName=x%20y%2A~%2F%C3%A9\n\
                 host:127.0.0.1:8080\nx-acs-date:2024-01-02T03:04:05Z\nx-acs-foo:a,b\n\n\
                 host;x-acs-date;x-acs-foo\n{payload}"
            )
        );
        assert_eq!(
            signature("secret", &string_to_sign(&request)),
            "83a82c44b9ec41d7bcc18289ba850fa1d19bb4563bbe0deb4f1784bdef832cf3"
        );
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let query = params(&[("RegionId", "cn-hongkong"), ("UserName", "bob")]);
        let headers = owned(&[
            ("host", "127.0.0.1:1"),
            ("x-acs-action", "DescribeRegions"),
            ("x-acs-date", "2024-01-02T03:04:05Z"),
        ]);
        let signed = names("host;x-acs-action;x-acs-date");
        let body = hex_sha256(b"");
        let sign = |query: &Params, headers: &[(String, String)], payload: &str, secret: &str| {
            let request = canonical_request("POST", "/", query, headers, &signed, payload);
            signature(secret, &string_to_sign(&request))
        };

        // Client side: sign and write the header. Server side: parse it and recompute.
        let sent = sign(&query, &headers, &body, "s3cret");
        let header = authorization("AKID", &signed, &sent);
        let auth = parse_authorization(&header).unwrap();
        assert_eq!(
            auth,
            Acs3Authorization {
                access_key_id: "AKID".into(),
                signed_headers: signed.clone(),
                signature: sent.clone(),
            }
        );
        assert_eq!(sign(&query, &headers, &body, "s3cret"), auth.signature);

        // A header that is not signed may change; everything signed may not.
        let mut unsigned_extra = headers.clone();
        unsigned_extra.push(("user-agent".into(), "curl".into()));
        assert_eq!(sign(&query, &unsigned_extra, &body, "s3cret"), sent);

        let mut other_query = query.clone();
        other_query.insert("UserName".into(), "bob2".into());
        let mut other_headers = headers.clone();
        other_headers[2].1 = "2024-01-02T03:04:06Z".into();
        assert_ne!(sign(&other_query, &headers, &body, "s3cret"), sent);
        assert_ne!(sign(&query, &other_headers, &body, "s3cret"), sent);
        assert_ne!(sign(&query, &headers, &hex_sha256(b"x"), "s3cret"), sent);
        assert_ne!(sign(&query, &headers, &body, "s3cret!"), sent);
        assert_ne!(sign(&query, &headers[..2], &body, "s3cret"), sent);
    }

    #[test]
    fn parses_spacing_and_case_variants() {
        let auth = parse_authorization(
            "ACS3-HMAC-SHA256  Credential=AK , SignedHeaders=Host;X-Acs-Date ,Signature=ab ",
        )
        .unwrap();
        assert_eq!(auth.access_key_id, "AK");
        assert_eq!(auth.signed_headers, names("host;x-acs-date"));
        assert_eq!(auth.signature, "ab");
    }

    #[test]
    fn rejects_malformed_authorizations() {
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256 ",
            "ACS3-HMAC-SM3 Credential=AK,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256X Credential=AK,SignedHeaders=host,Signature=ab",
            "acs 3 Credential=AK,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=AK,Signature=ab",
            "ACS3-HMAC-SHA256 SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;;date,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=ab,Signature=cd",
            "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=ab,Extra=1",
            "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature",
            "HMAC-SHA1 Credential=AK,SignedHeaders=host,Signature=ab",
        ] {
            assert_eq!(parse_authorization(bad), None, "accepted {bad:?}");
        }
    }

    #[test]
    fn an_empty_path_is_the_root() {
        let q = Params::new();
        assert_eq!(
            canonical_request("GET", "", &q, &[], &[], EMPTY_SHA256),
            canonical_request("GET", "/", &q, &[], &[], EMPTY_SHA256)
        );
        assert_eq!(
            canonical_request("GET", "/", &q, &[], &[], "h"),
            "GET\n/\n\n\n\nh"
        );
    }
}
