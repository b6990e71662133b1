//! What both faces talk to: the real endpoints with the credentials found, or the emulator
//! started in-process with the demo world.
//!
//! CONTRACT: `Backend::connect(&GlobalOpts, Face)`:
//! - `--demo`, or (TUI only) no credentials found: start the emulator on 127.0.0.1:0 with the
//!   demo world, and a client with the demo key pointed at it. `Backend::demo` holds it.
//!   An explicit `--endpoint URL` wins: the demo key goes to that URL (a running `sagroam
//!   emulator` serves it), no emulator is started, and `demo_reason` says so.
//! - otherwise the credential chain, `--region` > ALIBABA_CLOUD_REGION_ID > profile region_id >
//!   cn-shanghai, `--endpoint` / `--endpoint-type`, `--timeout`, `--retry-base-ms`,
//!   `--page-concurrency`.
//! - headless without credentials: an error that lists where credentials were looked for.

use std::time::Duration;

use anyhow::Context as _;

use crate::api::client::{Client, ClientConfig, RetryPolicy};
use crate::api::credentials::{self, CredentialError, CredentialSource, Credentials};
use crate::api::endpoint::{Endpoints, DEFAULT_REGION};
use crate::api::secret::Secret;
use crate::emulator::{Emulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET};
use crate::options::{EndpointType, GlobalOpts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Headless,
    Tui,
}

pub struct Backend {
    pub client: Client,
    /// The region to start in.
    pub region: String,
    pub source: CredentialSource,
    pub read_only: bool,
    /// The in-process emulator of demo mode; dropped with the backend. `None` in demo mode
    /// with `--endpoint`: the demo key then goes to that URL.
    pub demo: Option<Emulator>,
    /// For the status log: why demo mode was chosen without `--demo` (no credentials found),
    /// and where it points when `--endpoint` replaced the built-in emulator.
    pub demo_reason: Option<String>,
}

impl Backend {
    pub async fn connect(opts: &GlobalOpts, face: Face) -> anyhow::Result<Backend> {
        Self::connect_with(opts, face, &|key| std::env::var(key).ok()).await
    }

    /// [`Backend::connect`] with the environment read through `lookup`.
    pub async fn connect_with(
        opts: &GlobalOpts,
        face: Face,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Backend> {
        if opts.demo {
            return Self::demo(opts, None).await;
        }

        let resolved = match credentials::resolve(lookup, opts.profile.as_deref()) {
            Ok(resolved) => resolved,
            Err(CredentialError::NotFound { looked }) if face == Face::Tui => {
                let reason = format!(
                    "no credentials found (looked in: {}); showing the demo world",
                    looked.join("; ")
                );
                return Self::demo(opts, Some(reason)).await;
            }
            Err(e @ CredentialError::NotFound { .. }) => {
                anyhow::bail!(
                    "{e}\n(run with --demo to use the built-in emulator and its demo world)"
                )
            }
            Err(e) => return Err(e.into()),
        };

        let endpoints = match &opts.endpoint {
            Some(url) => Endpoints::Fixed(url.clone()),
            None => Endpoints::Regional {
                vpc: opts.endpoint_type == EndpointType::Vpc,
            },
        };
        let region = opts
            .region
            .clone()
            .or(resolved.region)
            .unwrap_or_else(|| DEFAULT_REGION.to_string());
        let source = resolved.credentials.source.clone();
        let client = Client::new(client_config(opts, resolved.credentials, endpoints)?)?;
        Ok(Backend {
            client,
            region,
            source,
            read_only: opts.read_only,
            demo: None,
            demo_reason: None,
        })
    }

    /// Whether calls use the demo key: `--demo`, or the TUI without credentials.
    pub fn is_demo(&self) -> bool {
        self.source == CredentialSource::Demo
    }

    /// Demo mode: the demo key against `--endpoint` when given, else against an emulator
    /// started here.
    async fn demo(opts: &GlobalOpts, reason: Option<String>) -> anyhow::Result<Backend> {
        let (emulator, endpoints, reason) = match &opts.endpoint {
            Some(url) => {
                let against = format!(
                    "the demo key against --endpoint {url} (a running `sagroam emulator` \
                     serves the demo world); no built-in emulator started"
                );
                let reason = match reason {
                    Some(why) => format!("{why}; {against}"),
                    None => format!("--demo with {against}"),
                };
                (None, Endpoints::Fixed(url.clone()), Some(reason))
            }
            None => {
                let emulator = Emulator::start_demo()
                    .await
                    .context("cannot start the built-in emulator for demo mode")?;
                let endpoints = Endpoints::Fixed(emulator.url());
                (Some(emulator), endpoints, reason)
            }
        };
        let credentials = Credentials {
            access_key_id: DEMO_ACCESS_KEY_ID.to_string(),
            access_key_secret: Secret::new(DEMO_ACCESS_KEY_SECRET),
            security_token: None,
            source: CredentialSource::Demo,
        };
        let client = Client::new(client_config(opts, credentials, endpoints)?)?;
        if let Some(why) = &reason {
            tracing::info!("demo mode: {why}");
        }
        Ok(Backend {
            client,
            region: opts
                .region
                .clone()
                .unwrap_or_else(|| DEFAULT_REGION.to_string()),
            source: CredentialSource::Demo,
            read_only: opts.read_only,
            demo: emulator,
            demo_reason: reason,
        })
    }
}

fn client_config(
    opts: &GlobalOpts,
    credentials: Credentials,
    endpoints: Endpoints,
) -> anyhow::Result<ClientConfig> {
    if !(opts.timeout.is_finite() && opts.timeout > 0.0 && opts.timeout <= 3600.0) {
        anyhow::bail!(
            "--timeout {}: give a number of seconds above 0 and at most 3600",
            opts.timeout
        );
    }
    if opts.page_concurrency == 0 {
        anyhow::bail!("--page-concurrency must be at least 1");
    }
    Ok(ClientConfig {
        read_timeout: Duration::from_secs_f64(opts.timeout),
        retry: RetryPolicy {
            base_delay: Duration::from_millis(opts.retry_base_ms),
            ..RetryPolicy::default()
        },
        page_concurrency: opts.page_concurrency,
        ..ClientConfig::new(credentials, endpoints)
    })
}
