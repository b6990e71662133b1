//! Errors of one Smartag call, told apart by what the operator can do about them.

use serde::{Deserialize, Serialize};

use crate::api::secret::mask_token_in;

/// An error answered by the server: the body's `Code`, `Message`, `RequestId`, `HostId`,
/// `Recommend` and `AccessDeniedDetail`, with the HTTP status. Debug and Display mask any
/// SecurityToken the server's texts echo, however the value was built.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub request_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recommend: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_denied_detail: Option<serde_json::Value>,
    /// Not in the body: the HTTP status it came with.
    #[serde(skip)]
    pub http_status: u16,
}

impl ApiError {
    /// `Throttling`, `Throttling.User`, `Throttling.Api`, ...
    pub fn is_throttling(&self) -> bool {
        self.code == "Throttling" || self.code.starts_with("Throttling.")
    }

    /// Whether a read that failed with this error may be sent again.
    pub fn is_retryable(&self) -> bool {
        self.http_status >= 500 || self.is_throttling()
    }
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = self
            .access_denied_detail
            .as_ref()
            .map(|d| mask_token_in(&d.to_string()));
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("message", &mask_token_in(&self.message))
            .field("request_id", &mask_token_in(&self.request_id))
            .field("host_id", &mask_token_in(&self.host_id))
            .field("recommend", &mask_token_in(&self.recommend))
            .field("access_denied_detail", &detail)
            .field("http_status", &self.http_status)
            .finish()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The server's message can echo the string to sign, and with it a SecurityToken.
        write!(f, "{}: {}", self.code, mask_token_in(&self.message))?;
        if !self.request_id.is_empty() {
            write!(f, " (RequestId: {})", self.request_id)?;
        }
        Ok(())
    }
}

/// How a request failed to get an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Nothing listens there, or the connection was reset before it was set up.
    Refused,
    /// The connect or the read timed out.
    Timeout,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The name did not resolve.
    Dns,
    /// The connection closed after the request went out, before a complete answer.
    Closed,
    /// Anything else the HTTP stack reports.
    Other,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::Refused => "connection refused",
            TransportKind::Timeout => "timed out",
            TransportKind::Tls => "TLS failure",
            TransportKind::Dns => "name resolution failed",
            TransportKind::Closed => "connection closed before the answer",
            TransportKind::Other => "transport failure",
        })
    }
}

/// Everything one call can end in, other than success.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The server answered with an error body.
    #[error("{0}")]
    Api(ApiError),

    /// `SignatureDoesNotMatch` where the server signed the same string as we did: the only
    /// difference left is the AccessKeySecret.
    #[error(
        "the AccessKeySecret is wrong: the server computed the same string to sign but a \
         different signature ({0})"
    )]
    WrongSecret(ApiError),

    /// `SignatureDoesNotMatch` where the strings differ: says where.
    #[error("{api} — the server's string to sign differs from ours: {difference}")]
    SignatureMismatch { api: ApiError, difference: String },

    /// `InvalidTimeStamp.Expired`, with how far the local clock is from the server's `Date`.
    #[error("{api} — the local clock is {skew}")]
    ClockSkew { api: ApiError, skew: String },

    /// No answer: refused, timed out, TLS, closed.
    #[error("{kind} talking to {endpoint}: {detail}")]
    Transport {
        kind: TransportKind,
        endpoint: String,
        detail: String,
    },

    /// An answer that is not what the action returns: quotes the first 200 bytes of the body.
    #[error(
        "unexpected response (HTTP {status}) from {endpoint}: {reason}; \
         body starts: {body_start:?}"
    )]
    Decode {
        status: u16,
        endpoint: String,
        reason: String,
        body_start: String,
    },

    /// Refused before anything was sent (plain http to a non-loopback host, a bad endpoint).
    #[error("{0}")]
    Config(String),

    /// A check made before a write found that it must not be sent (for a roam: the account is
    /// already in the target, so a lost answer could not be told from success). Nothing was sent.
    #[error("{0}")]
    Precondition(String),
}

impl Error {
    /// The server's error, whatever wrapper it came in.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(a) | Error::WrongSecret(a) => Some(a),
            Error::SignatureMismatch { api, .. } | Error::ClockSkew { api, .. } => Some(api),
            _ => None,
        }
    }

    /// The API's error code, if the server answered with one.
    pub fn code(&self) -> Option<&str> {
        self.api().map(|a| a.code.as_str())
    }

    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. })
    }

    /// The request may have reached the server and been applied: the answer was lost.
    /// A refused connection or a failed TLS handshake never delivered the request.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout | TransportKind::Closed | TransportKind::Other,
                ..
            }
        )
    }
}

/// Quotes at most the first 200 bytes of a body, cut on a character boundary.
pub fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    mask_token_in(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_code_message_and_request_id() {
        let e = ApiError {
            code: "ClientUser.UserExist".into(),
            message: "The specified user already exists.".into(),
            request_id: "R-1".into(),
            http_status: 400,
            ..Default::default()
        };
        assert_eq!(
            e.to_string(),
            "ClientUser.UserExist: The specified user already exists. (RequestId: R-1)"
        );
        assert!(!e.is_retryable());
    }

    #[test]
    fn throttling_and_5xx_are_retryable() {
        let t = ApiError {
            code: "Throttling.User".into(),
            http_status: 400,
            ..Default::default()
        };
        let s = ApiError {
            code: "ServiceUnavailable".into(),
            http_status: 503,
            ..Default::default()
        };
        assert!(t.is_retryable() && s.is_retryable());
    }

    #[test]
    fn debug_masks_an_echoed_token() {
        let e = ApiError {
            code: "SignatureDoesNotMatch".into(),
            message: "server string to sign is:POST&%2F&SecurityToken%3DSTS.raw-token%26X%3D1"
                .into(),
            ..Default::default()
        };
        for shown in [format!("{e:?}"), e.to_string()] {
            assert!(!shown.contains("STS.raw-token"), "{shown}");
        }
    }

    #[test]
    fn body_start_is_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(body_start(long.as_bytes()).len(), 200);
    }
}
