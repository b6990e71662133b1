//! Region -> endpoint, and the `--endpoint` override.
//!
//! Credentials go over plain `http://` only to a loopback host (127.0.0.0/8, ::1, `localhost`):
//! [`check_url`] refuses anything else before a byte is sent, and the client calls it for every
//! URL it is about to use.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;

use crate::api::error::Error;

/// The region whose endpoint is used when an action names none.
pub const DEFAULT_REGION: &str = "cn-shanghai";

/// Where calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    /// `https://smartag.<region>.aliyuncs.com/`, or `smartag-vpc.` with `vpc`.
    Regional { vpc: bool },
    /// One URL for every region (`--endpoint`, the demo's emulator).
    Fixed(String),
}

impl Endpoints {
    /// The base URL (scheme, host, port, `/`) that serves `region`.
    pub fn base_url(&self, region: &str) -> String {
        match self {
            Endpoints::Regional { vpc: false } => format!("https://smartag.{region}.aliyuncs.com/"),
            Endpoints::Regional { vpc: true } => {
                format!("https://smartag-vpc.{region}.aliyuncs.com/")
            }
            Endpoints::Fixed(url) if url.ends_with('/') => url.clone(),
            Endpoints::Fixed(url) => format!("{url}/"),
        }
    }

    /// Whether calls go over plain `http://` (a fixed loopback URL, once `check` passed).
    pub fn is_plain_http(&self) -> bool {
        match self {
            Endpoints::Regional { .. } => false,
            Endpoints::Fixed(url) => Url::parse(url).is_ok_and(|u| u.scheme() == "http"),
        }
    }

    /// Checks what can be checked before any region is known: a fixed URL in full, and for
    /// regional endpoints nothing (they are always `https://`).
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Endpoints::Regional { .. } => Ok(()),
            Endpoints::Fixed(url) => {
                check_url(&self.base_url(""))
                    .map(|_| ())
                    .map_err(|e| match e {
                        Error::Config(why) => Error::Config(format!("--endpoint {url}: {why}")),
                        other => other,
                    })
            }
        }
    }
}

/// A region ID is a host label: letters, digits and `-`. Anything else would change the host
/// the credentials are sent to.
pub fn check_region(region: &str) -> Result<(), Error> {
    let valid = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{region:?} is not a region ID (letters, digits and '-')"
        )))
    }
}

/// Parses a base URL and refuses what must not carry credentials: a scheme other than http(s),
/// plain http to a host that is not loopback, user info, a query or a fragment.
pub fn check_url(url: &str) -> Result<Url, Error> {
    let parsed =
        Url::parse(url).map_err(|e| Error::Config(format!("{url:?} is not a URL: {e}")))?;

    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(Error::Config(format!(
                "refusing plain http:// to {}: credentials go over http only to a loopback \
                 address (127.0.0.0/8, ::1, localhost); use https://",
                parsed.host_str().unwrap_or("")
            )))
        }
        other => {
            return Err(Error::Config(format!(
                "{url:?}: the scheme must be https (or http to loopback), not {other:?}"
            )))
        }
    }

    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("{url:?} names no host")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "{url:?}: an endpoint must not carry user info"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "{url:?}: an endpoint must not carry a query or a fragment"
        )));
    }
    Ok(parsed)
}

/// 127.0.0.0/8, ::1 (also as an IPv4-mapped 127.x address) and `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(ip) => is_loopback_ip(ip),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6 == Ipv6Addr::LOCALHOST
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4: Ipv4Addr| v4.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_and_vpc_hosts() {
        let public = Endpoints::Regional { vpc: false };
        let vpc = Endpoints::Regional { vpc: true };
        assert_eq!(
            public.base_url("cn-hangzhou"),
            "https://smartag.cn-hangzhou.aliyuncs.com/"
        );
        assert_eq!(
            vpc.base_url("cn-shanghai"),
            "https://smartag-vpc.cn-shanghai.aliyuncs.com/"
        );
    }

    #[test]
    fn fixed_replaces_every_region() {
        let fixed = Endpoints::Fixed("http://127.0.0.1:9000".into());
        assert_eq!(fixed.base_url("cn-hangzhou"), "http://127.0.0.1:9000/");
        assert_eq!(fixed.base_url("eu-central-1"), "http://127.0.0.1:9000/");
        assert!(fixed.check().is_ok());
    }

    #[test]
    fn plain_http_is_told_from_https() {
        assert!(Endpoints::Fixed("http://127.0.0.1:9000".into()).is_plain_http());
        assert!(Endpoints::Fixed("HTTP://[::1]:9000/".into()).is_plain_http());
        assert!(!Endpoints::Fixed("https://127.0.0.1:9000".into()).is_plain_http());
        assert!(!Endpoints::Regional { vpc: false }.is_plain_http());
        assert!(!Endpoints::Regional { vpc: true }.is_plain_http());
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080/",
            "http://127.8.9.10/",
            "http://[::1]:80/",
            "http://localhost:1/",
            "http://LocalHost/",
            "https://example.com/",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1/",
            "http://example.com/",
            "http://localhost.example.com/",
            "http://128.0.0.1/",
            "http://[::2]/",
            "ftp://127.0.0.1/",
            "https://user:pw@example.com/",
            "https://example.com/?a=1",
            "not a url",
        ] {
            assert!(
                matches!(check_url(refused), Err(Error::Config(_))),
                "{refused}"
            );
        }
    }

    #[test]
    fn region_ids_are_host_labels() {
        assert!(check_region("cn-shanghai-finance-1").is_ok());
        for bad in ["", "a.b", "x/y", "-a", "cn shanghai", "evil.com#"] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
    }
}
