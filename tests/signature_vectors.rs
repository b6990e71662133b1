//! Every vector of signature-vectors.json, computed by the official SDK's own signer, checked
//! against sagroam's signer: canonical query, string to sign and signature all equal.

use sagroam::api::sign::{self, Params};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    name: String,
    method: String,
    access_key_secret: String,
    params: Params,
    canonical_query: String,
    string_to_sign: String,
    signature: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/signature-vectors.json");
    serde_json::from_str(text).expect("signature-vectors.json parses")
}

#[test]
fn every_official_vector_matches() {
    let vectors = vectors();
    assert!(
        vectors.len() >= 60,
        "expected the full vector file, found {}",
        vectors.len()
    );

    let mut failures = Vec::new();
    for v in &vectors {
        let signed = sign::sign(&v.method, &v.params, &v.access_key_secret);
        if signed.canonical_query != v.canonical_query {
            failures.push(format!(
                "{}: canonical query\n  ours:   {}\n  theirs: {}",
                v.name, signed.canonical_query, v.canonical_query
            ));
        }
        if signed.string_to_sign != v.string_to_sign {
            failures.push(format!(
                "{}: string to sign\n  ours:   {}\n  theirs: {}",
                v.name, signed.string_to_sign, v.string_to_sign
            ));
        }
        if signed.signature != v.signature {
            failures.push(format!(
                "{}: signature ours {} theirs {}",
                v.name, signed.signature, v.signature
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_both_methods_and_awkward_input() {
    let vectors = vectors();
    assert!(vectors.iter().any(|v| v.method == "GET"));
    assert!(vectors.iter().any(|v| v.method == "POST"));
    // Non-ASCII, spaces and reserved characters must be among the inputs, or the encoder's
    // hard cases go unchecked.
    let values: Vec<&String> = vectors.iter().flat_map(|v| v.params.values()).collect();
    assert!(values.iter().any(|s| !s.is_ascii()));
    assert!(values.iter().any(|s| s.contains(' ')));
    assert!(values.iter().any(|s| s.contains('*') || s.contains('~')));
}

#[test]
fn signature_is_sent_encoded_after_the_canonical_query() {
    let v = vectors()
        .into_iter()
        .find(|v| v.name == "users-awkward-characters")
        .expect("vector C");
    let signed = sign::sign(&v.method, &v.params, &v.access_key_secret);
    let query = sign::signed_query(&signed);
    let (canonical, sig) = query.rsplit_once("&Signature=").expect("Signature last");
    assert_eq!(canonical, v.canonical_query);
    assert_eq!(sign::form_decode(sig), v.signature);
    // What the server parses back is what was signed.
    let parsed = sign::parse_query(&query);
    assert_eq!(sign::canonical_query(&parsed), v.canonical_query);
}
