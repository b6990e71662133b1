//! Signature v1 of Alibaba Cloud RPC APIs (HMAC-SHA1), shared by the client and the emulator.
//!
//! The canonical query, the string to sign and the signature are all exposed on their own,
//! because the emulator verifies with this code, `--dry-run` prints the intermediate strings, and
//! the error decoder compares the server's string to sign with ours.

use std::collections::BTreeMap;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Parameters of one request, sorted by key in byte order (which is what `String`'s `Ord` is).
pub type Params = BTreeMap<String, String>;

/// The characters that are never escaped: RFC 3986's unreserved set.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes the UTF-8 bytes of `s`, leaving only `A-Z a-z 0-9 - _ . ~` as they are,
/// with upper-case hex; a space becomes `%20`, never `+`.
pub fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0x0f) as usize] as char);
        }
    }
    out
}

/// `k=v` pairs, each side percent-encoded, sorted by key, joined with `&`. `Signature` is left
/// out, so the same function serves a server that received a signed request.
pub fn canonical_query(params: &Params) -> String {
    let mut out = String::new();
    for (k, v) in params.iter().filter(|(k, _)| k.as_str() != "Signature") {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// `METHOD&%2F&<canonical query, percent-encoded again>`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    format!(
        "{}&%2F&{}",
        method.to_ascii_uppercase(),
        percent_encode(canonical_query)
    )
}

/// Base64 of HMAC-SHA1 over the string to sign, keyed with `secret + "&"`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    let key = format!("{access_key_secret}&");
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Every intermediate of signing one request.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_query: String,
    pub string_to_sign: String,
    pub signature: String,
}

// The signature is derived from the secret, but it is sent on the wire anyway; the strings are
// printed by `--dry-run` after the SecurityToken has been masked by the caller.
impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signed")
            .field(
                "string_to_sign",
                &crate::api::secret::mask_token_in(&self.string_to_sign),
            )
            .field("signature", &self.signature)
            .finish()
    }
}

/// Signs `params` (which must not yet hold `Signature`) for `method`.
pub fn sign(method: &str, params: &Params, access_key_secret: &str) -> Signed {
    let canonical_query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &canonical_query);
    let signature = signature(access_key_secret, &string_to_sign);
    Signed {
        canonical_query,
        string_to_sign,
        signature,
    }
}

/// The query string as sent: the canonical query plus `&Signature=<encoded signature>`.
pub fn signed_query(signed: &Signed) -> String {
    format!(
        "{}&Signature={}",
        signed.canonical_query,
        percent_encode(&signed.signature)
    )
}

/// Decodes one `application/x-www-form-urlencoded` component: `%XY` escapes and `+` as a
/// space. Invalid escapes are kept literally and invalid UTF-8 is replaced, as servers do.
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses a query string or form body into parameters; a later duplicate key wins.
pub fn parse_query(query: &str) -> Params {
    let mut params = Params::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(form_decode(k), form_decode(v));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_exactly_the_reserved_bytes() {
        assert_eq!(
            percent_encode("a b*c~d/é中"),
            "a%20b%2Ac~d%2F%C3%A9%E4%B8%AD"
        );
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("+=&:"), "%2B%3D%26%3A");
    }

    #[test]
    fn form_decoding_round_trips_and_reads_plus_as_space() {
        let s = "u 2+x/é%";
        assert_eq!(form_decode(&percent_encode(s)), s);
        assert_eq!(form_decode("u+2"), "u 2");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz"), "%zz");
        assert_eq!(form_decode("%4"), "%4");
    }

    #[test]
    fn parse_query_splits_pairs() {
        let p = parse_query("A=1&B=x%20y&C=&D");
        assert_eq!(p["A"], "1");
        assert_eq!(p["B"], "x y");
        assert_eq!(p["C"], "");
        assert_eq!(p["D"], "");
    }

    #[test]
    fn canonical_query_skips_signature_and_sorts_by_bytes() {
        let mut p = Params::new();
        p.insert("b".into(), "2".into());
        p.insert("Signature".into(), "x".into());
        p.insert("AccessKeyId".into(), "1".into());
        p.insert("AcceptLanguage".into(), "en-US".into());
        assert_eq!(
            canonical_query(&p),
            "AcceptLanguage=en-US&AccessKeyId=1&b=2"
        );
    }
}
