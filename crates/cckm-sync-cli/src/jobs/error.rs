//! Why a `jobs` command did not succeed, and the exit status each reason gives.

use std::process::ExitCode;

use cckm_sync_client::Error;

/// The exit status of a command that timed out, as `timeout(1)` has it.
const TIMED_OUT: u8 = 124;
/// The exit status of a wait that Ctrl-C ended, as shells report a SIGINT.
const INTERRUPTED: u8 = 130;

/// Why a command did not succeed: a usage error (exit code 2), a failure (1), a time limit
/// (124), or Ctrl-C during a wait (130).
pub(super) enum CommandError {
    /// A bad flag or a missing setting: exit status 2.
    Usage(String),
    /// The server could not be reached or said no: exit status 1.
    Failed(String),
    /// A wait's or a request's time limit ran out: exit status 124.
    TimedOut(String),
    /// Ctrl-C ended a wait: exit status 130.
    Interrupted(String),
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        let mut message = error.to_string();
        match &error {
            Error::Tls { .. } if error.is_untrusted_certificate() => message
                .push_str(" (trust the server's certificate with --ca-cert FILE, or skip the check with --insecure)"),
            // What a TLS handshake with a plain HTTP server reads back.
            Error::Tls { .. } => message.push_str(" (does the server speak HTTPS on this port?)"),
            // What a plain HTTP request to an HTTPS port reads back.
            Error::Transport { request, .. }
                if request.url().starts_with("http:") && message.contains("invalid HTTP version") =>
            {
                message.push_str(" (does the server speak HTTPS? try an https:// URL)");
            }
            _ => {}
        }
        if error.is_timeout() {
            Self::TimedOut(message)
        } else {
            Self::Failed(message)
        }
    }
}

impl CommandError {
    /// Says why on standard error, and gives the exit status.
    pub(super) fn exit(self) -> ExitCode {
        match self {
            Self::Failed(message) => {
                eprintln!("error: {message}");
                ExitCode::FAILURE
            }
            Self::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Self::TimedOut(message) => {
                eprintln!("error: {message}");
                ExitCode::from(TIMED_OUT)
            }
            Self::Interrupted(message) => {
                eprintln!("{message}");
                ExitCode::from(INTERRUPTED)
            }
        }
    }
}
