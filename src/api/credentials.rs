//! The credential chain and where each credential came from.
//!
//! CONTRACT: `resolve(&lookup, profile)` walks, unless `profile` names one explicitly:
//! 1. ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN);
//! 2. ~/.aliyun/config.json (profile ALIBABA_CLOUD_PROFILE, else `current`; modes AK, StsToken);
//! 3. ~/.alibabacloud/credentials (ini, `type = access_key`; ALIBABA_CLOUD_CREDENTIALS_FILE).
//!
//! `lookup` reads the environment (HOME included), so tests run it on a map.

use crate::api::secret::Secret;

pub use crate::api::secret::{mask_token_in, MARK};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Environment,
    CliProfile {
        path: String,
        profile: String,
    },
    IniFile {
        path: String,
        section: String,
    },
    /// The emulator's public demo key.
    Demo,
}

impl std::fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialSource::Environment => f.write_str("environment"),
            CredentialSource::CliProfile { path, profile } => write!(f, "{path} [{profile}]"),
            CredentialSource::IniFile { path, section } => write!(f, "{path} [{section}]"),
            CredentialSource::Demo => f.write_str("DEMO"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
    pub source: CredentialSource,
}

/// Credentials found, and the region that came with them, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub credentials: Credentials,
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// Nothing found: lists every place looked in.
    #[error("no credentials found; looked in: {}", looked.join("; "))]
    NotFound { looked: Vec<String> },
    #[error("{0}")]
    Invalid(String),
}

pub fn resolve(
    lookup: &dyn Fn(&str) -> Option<String>,
    profile: Option<&str>,
) -> Result<Resolved, CredentialError> {
    let _ = (lookup, profile);
    Err(CredentialError::NotFound {
        looked: vec!["(not built yet)".into()],
    })
}
