//! Why a server did not start.

use std::net::SocketAddr;

use crate::seed::LoadError;

/// Why a server did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    Bind {
        /// The address.
        address: SocketAddr,
        /// The reason.
        error: std::io::Error,
    },
    /// An option is out of range; the text says which and why.
    Config(String),
    /// The self-signed certificate or the TLS configuration could not be made.
    Tls(String),
    /// The seed folder could not be loaded.
    Seed(LoadError),
    /// The server's thread or runtime could not be started.
    Runtime(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind { address, error } => write!(f, "cannot listen on {address}: {error}"),
            Self::Config(reason) => f.write_str(reason),
            Self::Tls(reason) => write!(f, "cannot set up TLS: {reason}"),
            Self::Seed(error) => write!(f, "cannot load the seed: {error}"),
            Self::Runtime(error) => write!(f, "cannot start the server's runtime: {error}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind { error, .. } | Self::Runtime(error) => Some(error),
            Self::Seed(error) => Some(error),
            Self::Config(_) | Self::Tls(_) => None,
        }
    }
}
