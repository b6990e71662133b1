//! The credential chain and where each credential came from.
//!
//! CONTRACT: `resolve(&lookup, profile)` walks, unless `profile` names one explicitly:
//! 1. ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET
//!    (+ ALIBABA_CLOUD_SECURITY_TOKEN);
//! 2. ~/.aliyun/config.json (profile ALIBABA_CLOUD_PROFILE, else `current`; modes AK, StsToken);
//! 3. ~/.alibabacloud/credentials (ini, `type = access_key`; ALIBABA_CLOUD_CREDENTIALS_FILE).
//!
//! `lookup` reads the environment (HOME included), so tests run it on a map.
//!
//! An explicit profile is looked up in `~/.aliyun/config.json`, then as a section of the ini
//! file; it is an error when neither has it. The region is `ALIBABA_CLOUD_REGION_ID`, else the
//! `region_id` of the profile or section the credentials came from.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::api::secret::Secret;

pub use crate::api::secret::{mask_token_in, MARK};

pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

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
    let env = |key: &str| lookup(key).filter(|v| !v.is_empty());
    let home = env("HOME").map(PathBuf::from);
    let cli_path = home.as_ref().map(|h| h.join(".aliyun").join("config.json"));
    let (ini_path, ini_named) = match env(ENV_CREDENTIALS_FILE) {
        Some(p) => (Some(PathBuf::from(p)), true),
        None => (
            home.as_ref()
                .map(|h| h.join(".alibabacloud").join("credentials")),
            false,
        ),
    };
    let env_region = env(ENV_REGION);
    let with_region = |credentials: Credentials, own: Option<String>| Resolved {
        credentials,
        region: env_region.clone().or(own),
    };

    // An explicit profile wins over everything, the environment included.
    if let Some(name) = profile {
        if let Some(path) = cli_path.as_deref().filter(|p| p.exists()) {
            if let Some((c, region)) = from_cli_config(path, name)? {
                return Ok(with_region(c, region));
            }
        }
        if let Some(path) = ini_path.as_deref().filter(|p| p.exists()) {
            if let Some((c, region)) = from_ini(path, name)? {
                return Ok(with_region(c, region));
            }
        }
        return Err(CredentialError::Invalid(format!(
            "profile {name:?} was not found in {} nor in {}",
            shown(cli_path.as_deref(), "~/.aliyun/config.json"),
            shown(ini_path.as_deref(), "~/.alibabacloud/credentials"),
        )));
    }

    let mut looked = Vec::new();

    // 1. The environment.
    match (env(ENV_ACCESS_KEY_ID), env(ENV_ACCESS_KEY_SECRET)) {
        (Some(id), Some(secret)) => {
            let credentials = Credentials {
                access_key_id: id,
                access_key_secret: Secret::new(secret),
                security_token: env(ENV_SECURITY_TOKEN).map(Secret::new),
                source: CredentialSource::Environment,
            };
            return Ok(with_region(credentials, None));
        }
        (Some(_), None) => {
            return Err(CredentialError::Invalid(format!(
                "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
            )))
        }
        (None, Some(_)) => {
            return Err(CredentialError::Invalid(format!(
                "{ENV_ACCESS_KEY_SECRET} is set but {ENV_ACCESS_KEY_ID} is not"
            )))
        }
        (None, None) => looked.push(format!(
            "the environment ({ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} not set)"
        )),
    }

    // 2. The aliyun CLI's config.
    let named = env(ENV_PROFILE);
    match cli_path.as_deref() {
        Some(path) if path.exists() => {
            let name = match &named {
                Some(n) => n.clone(),
                None => current_profile(path)?,
            };
            if let Some((c, region)) = from_cli_config(path, &name)? {
                return Ok(with_region(c, region));
            }
            looked.push(format!("{} (no profile {name:?})", path.display()));
        }
        Some(path) => looked.push(format!("{} (not found)", path.display())),
        None => looked.push("~/.aliyun/config.json (HOME is not set)".into()),
    }

    // 3. The credentials ini file.
    let section = named.clone().unwrap_or_else(|| "default".into());
    match ini_path.as_deref() {
        Some(path) if path.exists() => {
            if let Some((c, region)) = from_ini(path, &section)? {
                return Ok(with_region(c, region));
            }
            looked.push(format!("{} (no section [{section}])", path.display()));
        }
        Some(path) if ini_named => {
            return Err(CredentialError::Invalid(format!(
                "{ENV_CREDENTIALS_FILE} names {}, which does not exist",
                path.display()
            )))
        }
        Some(path) => looked.push(format!("{} (not found)", path.display())),
        None => looked.push("~/.alibabacloud/credentials (HOME is not set)".into()),
    }

    Err(CredentialError::NotFound { looked })
}

fn shown(path: Option<&Path>, fallback: &str) -> String {
    path.map_or_else(|| fallback.to_string(), |p| p.display().to_string())
}

fn read(path: &Path) -> Result<String, CredentialError> {
    std::fs::read_to_string(path)
        .map_err(|e| CredentialError::Invalid(format!("cannot read {}: {e}", path.display())))
}

// ---- ~/.aliyun/config.json ---------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: String,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize)]
struct CliProfile {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    region_id: String,
}

// Never print the secret fields, even if a parse error path formats a profile.
impl std::fmt::Debug for CliProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CliProfile")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .field("access_key_id", &self.access_key_id)
            .field("region_id", &self.region_id)
            .finish_non_exhaustive()
    }
}

fn parse_cli_config(path: &Path) -> Result<CliConfig, CredentialError> {
    let text = read(path)?;
    // Only where and what kind: serde_json's own message can quote a value, a secret included.
    serde_json::from_str(&text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Syntax => "a JSON syntax error",
            serde_json::error::Category::Eof => "JSON that ends too early",
            serde_json::error::Category::Data => "a field of the wrong type",
            serde_json::error::Category::Io => "a read error",
        };
        CredentialError::Invalid(format!(
            "{} is not a valid aliyun CLI config: {what} at line {} column {}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

fn current_profile(path: &Path) -> Result<String, CredentialError> {
    let config = parse_cli_config(path)?;
    Ok(if config.current.is_empty() {
        "default".into()
    } else {
        config.current
    })
}

/// The credentials of profile `name`; `None` when the file has no such profile (the caller
/// then looks further, or says where it looked).
fn from_cli_config(
    path: &Path,
    name: &str,
) -> Result<Option<(Credentials, Option<String>)>, CredentialError> {
    let config = parse_cli_config(path)?;
    let Some(p) = config.profiles.into_iter().find(|p| p.name == name) else {
        return Ok(None);
    };
    let invalid =
        |why: String| CredentialError::Invalid(format!("{} [{name}]: {why}", path.display()));

    let mode = if p.mode.is_empty() {
        "AK"
    } else {
        p.mode.as_str()
    };
    let security_token = if mode.eq_ignore_ascii_case("AK") {
        None
    } else if mode.eq_ignore_ascii_case("StsToken") {
        if p.sts_token.is_empty() {
            return Err(invalid("mode StsToken but sts_token is empty".into()));
        }
        Some(Secret::new(p.sts_token))
    } else {
        return Err(invalid(format!(
            "mode {mode:?} is not supported by sagroam (supported: AK, StsToken)"
        )));
    };
    if p.access_key_id.is_empty() || p.access_key_secret.is_empty() {
        return Err(invalid(format!(
            "mode {mode} needs access_key_id and access_key_secret"
        )));
    }

    let credentials = Credentials {
        access_key_id: p.access_key_id,
        access_key_secret: Secret::new(p.access_key_secret),
        security_token,
        source: CredentialSource::CliProfile {
            path: path.display().to_string(),
            profile: name.to_string(),
        },
    };
    let region = Some(p.region_id).filter(|r| !r.is_empty());
    Ok(Some((credentials, region)))
}

// ---- ~/.alibabacloud/credentials ---------------------------------------------------------

/// The `key = value` pairs of one section, comments (`#`, `;`, and `#` after a value)
/// stripped. `None` when the file has no such section.
fn ini_section(
    path: &Path,
    text: &str,
    section: &str,
) -> Result<Option<Vec<(String, String)>>, CredentialError> {
    let mut current: Option<String> = None;
    let mut found: Option<Vec<(String, String)>> = None;
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(name) = rest
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .strip_suffix(']')
            else {
                return Err(CredentialError::Invalid(format!(
                    "{}: line {}: a section header must end with ']'",
                    path.display(),
                    number + 1
                )));
            };
            let name = name.trim().to_string();
            if name == section && found.is_none() {
                found = Some(Vec::new());
            }
            current = Some(name);
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(CredentialError::Invalid(format!(
                "{}: line {}: expected `key = value` or `[section]`",
                path.display(),
                number + 1
            )));
        };
        if current.as_deref() == Some(section) {
            let value = value.split('#').next().unwrap_or("").trim();
            if let Some(pairs) = found.as_mut() {
                pairs.push((key.trim().to_string(), value.to_string()));
            }
        }
    }
    Ok(found)
}

fn from_ini(
    path: &Path,
    section: &str,
) -> Result<Option<(Credentials, Option<String>)>, CredentialError> {
    let text = read(path)?;
    let Some(pairs) = ini_section(path, &text, section)? else {
        return Ok(None);
    };
    let get = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let invalid =
        |why: String| CredentialError::Invalid(format!("{} [{section}]: {why}", path.display()));

    match get("type").as_deref() {
        Some("access_key") => {}
        Some(other) => {
            return Err(invalid(format!(
                "type {other:?} is not supported by sagroam (supported: access_key)"
            )))
        }
        None => return Err(invalid("no `type` (expected type = access_key)".into())),
    }
    let (Some(id), Some(secret)) = (get("access_key_id"), get("access_key_secret")) else {
        return Err(invalid(
            "type access_key needs access_key_id and access_key_secret".into(),
        ));
    };
    let credentials = Credentials {
        access_key_id: id,
        access_key_secret: Secret::new(secret),
        security_token: None,
        source: CredentialSource::IniFile {
            path: path.display().to_string(),
            section: section.to_string(),
        },
    };
    Ok(Some((credentials, get("region_id"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_comments_and_errors() {
        let p = Path::new("/x/credentials");
        let text =
            "# top\n[default]\ntype = access_key # inline\naccess_key_id = foo\n\n[other]\nk=v\n";
        let s = ini_section(p, text, "default").unwrap().unwrap();
        assert_eq!(s[0], ("type".to_string(), "access_key".to_string()));
        assert_eq!(s.len(), 2);
        assert!(ini_section(p, text, "missing").unwrap().is_none());
        let e = ini_section(p, "[default\nx=1\n", "default").unwrap_err();
        assert!(e.to_string().contains("/x/credentials: line 1"), "{e}");
        let e = ini_section(p, "[default]\njust words\n", "default").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
