//! The Smartag OpenAPI client. Knows nothing of terminals.

pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod model;
pub mod secret;
pub mod sign;

pub use error::{ApiError, Error, TransportKind};
pub use secret::Secret;
