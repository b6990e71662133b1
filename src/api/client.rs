//! One Smartag call: common parameters, signing, timeouts, retries of reads, error decoding;
//! and the helpers built on it: paged listings and a roam with its unknown-outcome check.
//!
//! CONTRACT (the skeleton; the API client work fills it in, keeping these signatures):
//!
//! - `Client::new(ClientConfig) -> Result<Client, Error>` refuses a plain `http://` endpoint
//!   that is not loopback (127.0.0.0/8, ::1, localhost) with `Error::Config`, before anything
//!   is sent.
//! - `Client::prepare(&A)` builds the signed request without sending it (`--dry-run`).
//! - `Client::call(&A)` sends one action; reads retried per `RetryPolicy`, writes never.
//! - `Client::instance_pages(region)` / `Client::user_pages(region, instance)`: the first page
//!   at the largest size (50 / 100), then the rest with at most `page_concurrency` in flight,
//!   yielded in page order as they arrive. An error ends the stream after the pages before it.
//! - `Client::roam(&RoamClientUser)`: reads the target's users first (the account must not be
//!   there yet: `Error::Precondition`), sends once, and on an unknown outcome reads again.

use std::time::Duration;

use futures::stream::BoxStream;

use crate::api::credentials::Credentials;
use crate::api::endpoint::Endpoints;
use crate::api::error::Error;
use crate::api::model::{Action, ClientUser, RoamClientUser, SmartAccessGateway};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; doubled for each attempt after, with jitter.
    pub base_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub credentials: Credentials,
    pub endpoints: Endpoints,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub retry: RetryPolicy,
    /// Pages of a long list in flight at once.
    pub page_concurrency: usize,
}

/// A signed request that was built and not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: &'static str,
    /// The full URL, Signature included, with any SecurityToken masked.
    pub url: String,
    /// With any SecurityToken masked.
    pub string_to_sign: String,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page_number: u32,
    pub page_size: u32,
    pub total_count: u64,
}

/// What became of a roam that was sent.
#[derive(Debug, Clone)]
pub enum RoamOutcome {
    /// The server answered with success.
    Roamed { request_id: String },
    /// The answer was lost; the target's users were read again and the account is there.
    LostAnswerApplied { cause: Error },
    /// The answer was lost; the target's users were read again and the account is not there.
    LostAnswerNotApplied { cause: Error },
}

#[derive(Debug, Clone)]
pub struct Client {
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        Ok(Client { config })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn prepare<A: Action>(&self, action: &A) -> Result<Prepared, Error> {
        let _ = action;
        Err(Error::Config("not built yet".into()))
    }

    pub async fn call<A: Action>(&self, action: &A) -> Result<A::Response, Error> {
        let _ = action;
        Err(Error::Config("not built yet".into()))
    }

    pub fn instance_pages(
        &self,
        region_id: &str,
    ) -> BoxStream<'static, Result<Page<SmartAccessGateway>, Error>> {
        let _ = region_id;
        Box::pin(futures::stream::empty())
    }

    pub fn user_pages(
        &self,
        region_id: &str,
        smart_ag_id: &str,
    ) -> BoxStream<'static, Result<Page<ClientUser>, Error>> {
        let _ = (region_id, smart_ag_id);
        Box::pin(futures::stream::empty())
    }

    pub async fn roam(&self, roam: &RoamClientUser) -> Result<RoamOutcome, Error> {
        let _ = roam;
        Err(Error::Config("not built yet".into()))
    }
}
