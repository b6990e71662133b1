//! Region -> endpoint, and the `--endpoint` override.

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
}
