//! Application state and its update function: no terminal, no network, no await.
