//! The redacting secret type, and masking of a SecurityToken inside printed text.

use std::sync::RwLock;

use crate::api::sign::percent_encode;

/// What a secret prints as, in Debug and Display alike.
pub const MARK: &str = "<redacted>";

/// An AccessKeySecret or a SecurityToken. Its value is reachable only through [`Secret::expose`],
/// which the signer calls; everything that prints it prints [`MARK`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value and remembers it, so that [`mask_token_in`] also hides it wherever it
    /// shows up in printed text (a server message can echo it).
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        remember(&value);
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MARK)
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MARK)
    }
}

/// Secret values seen by this process, as they would appear raw, percent-encoded once (in a
/// query) and twice (in a string to sign). Short values are skipped: masking every `a` in a
/// message would hide nothing and garble everything.
static KNOWN: RwLock<Vec<String>> = RwLock::new(Vec::new());

fn remember(value: &str) {
    if value.len() < 4 {
        return;
    }
    let once = percent_encode(value);
    let twice = percent_encode(&once);
    let Ok(mut known) = KNOWN.write() else { return };
    for v in [value.to_string(), once, twice] {
        if !known.contains(&v) {
            known.push(v);
        }
    }
    // Longest first, so a raw value that is a prefix of its encoded form does not leave a tail.
    known.sort_by_key(|v| std::cmp::Reverse(v.len()));
}

/// Replaces the value of `SecurityToken` in a query (`SecurityToken=...&`), in a string to sign
/// (`SecurityToken%3D...%26`), and every known secret value anywhere, with [`MARK`].
pub fn mask_token_in(text: &str) -> String {
    let mut out = mask_after(text, "SecurityToken=", &["&", " ", "\n", "\""]);
    out = mask_after(&out, "SecurityToken%3D", &["%26", " ", "\n", "\""]);
    if let Ok(known) = KNOWN.read() {
        for v in known.iter() {
            if out.contains(v.as_str()) {
                out = out.replace(v.as_str(), MARK);
            }
        }
    }
    out
}

/// Masks what follows each `key` up to the first of `ends` (or the end of the text).
fn mask_after(text: &str, key: &str, ends: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(key) {
        let value_start = at + key.len();
        out.push_str(&rest[..value_start]);
        let tail = &rest[value_start..];
        let value_len = ends
            .iter()
            .filter_map(|e| tail.find(e))
            .min()
            .unwrap_or(tail.len());
        if value_len > 0 {
            out.push_str(MARK);
        }
        rest = &tail[value_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_print_the_mark() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), MARK);
        assert_eq!(format!("{s}"), MARK);
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn token_is_masked_in_query_and_string_to_sign() {
        let q = "A=1&SecurityToken=STS.abc%2B&Version=2";
        assert_eq!(
            mask_token_in(q),
            format!("A=1&SecurityToken={MARK}&Version=2")
        );
        let sts = "POST&%2F&A%3D1%26SecurityToken%3DSTS.abc%252B%26Version%3D2";
        assert_eq!(
            mask_token_in(sts),
            format!("POST&%2F&A%3D1%26SecurityToken%3D{MARK}%26Version%3D2")
        );
    }

    #[test]
    fn known_values_are_masked_anywhere() {
        let _t = Secret::new("STS.only+in/message=");
        let m = mask_token_in("server said STS.only%2Bin%2Fmessage%3D and STS.only+in/message=");
        assert!(!m.contains("STS.only"), "{m}");
    }
}
