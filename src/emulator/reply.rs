//! What the emulator answers: a success body or an error body, in JSON or XML, with the
//! gateway's headers.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::xml;

/// The answer's format: `Format=XML` asks for XML, anything else accepted is JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `JSON`/`XML` in any case; `None` for anything else.
    pub fn parse(value: &str) -> Option<Format> {
        if value.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else if value.eq_ignore_ascii_case("xml") {
            Some(Format::Xml)
        } else {
            None
        }
    }
}

/// A refusal: the HTTP status and the body's `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// `x-acs-retry-after` in milliseconds, for throttling.
    pub retry_after_ms: Option<u64>,
}

impl Failure {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            code: code.to_string(),
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// HTTP 400 with `code`.
    pub fn bad(code: &str, message: impl Into<String>) -> Failure {
        Failure::new(400, code, message)
    }

    /// `Missing<Name>`: the parameter is absent.
    pub fn missing(name: &str) -> Failure {
        Failure::bad(
            &format!("Missing{name}"),
            format!("{name} is mandatory for this action."),
        )
    }

    /// `InvalidParameter`, naming the parameter and the rule it broke.
    pub fn invalid_parameter(name: &str, rule: &str) -> Failure {
        Failure::bad(
            "InvalidParameter",
            format!("The specified parameter {name} is not valid: {rule}."),
        )
    }
}

/// A fresh `RequestId`: a UUID in upper case, as the service writes them.
pub fn request_id() -> String {
    let b: [u8; 16] = rand::random();
    let h = hex::encode_upper(b);
    format!(
        "{}-{}-4{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[16..20],
        &h[20..32]
    )
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Json => "application/json;charset=utf-8",
        Format::Xml => "text/xml;charset=utf-8",
    }
}

fn respond(status: u16, format: Format, request_id: &str, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static(content_type(format)),
    );
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", v);
    }
    response
}

/// HTTP 200 with `body` (which carries its own `RequestId`).
pub fn success<T: Serialize>(format: Format, action: &str, request_id: &str, body: &T) -> Response {
    let value = match serde_json::to_value(body) {
        Ok(v) => v,
        Err(e) => {
            let failure = Failure::new(500, "InternalError", format!("cannot encode: {e}"));
            return error(format, &failure, request_id, "");
        }
    };
    let text = match format {
        Format::Json => value.to_string(),
        Format::Xml => xml::to_xml(&format!("{action}Response"), &value),
    };
    respond(200, format, request_id, text)
}

/// The error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
pub fn error(format: Format, failure: &Failure, request_id: &str, host_id: &str) -> Response {
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={}&product=Smartag&requestId={}",
        failure.code, request_id
    );
    let value = serde_json::json!({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": failure.code,
        "Message": failure.message,
        "Recommend": recommend,
    });
    let text = match format {
        Format::Json => value.to_string(),
        Format::Xml => xml::to_xml("Error", &value),
    };
    let mut response = respond(failure.status, format, request_id, text);
    if let Some(ms) = failure.retry_after_ms {
        if let Ok(v) = HeaderValue::from_str(&ms.to_string()) {
            response.headers_mut().insert("x-acs-retry-after", v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_upper_case_uuids() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert!(!id.chars().any(|c| c.is_ascii_lowercase()));
        assert_ne!(id, request_id());
    }

    #[test]
    fn missing_names_the_parameter() {
        let f = Failure::missing("UserName");
        assert_eq!(f.code, "MissingUserName");
        assert_eq!(f.message, "UserName is mandatory for this action.");
        assert_eq!(f.status, 400);
    }
}
