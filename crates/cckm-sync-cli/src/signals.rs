//! The signals that stop a server (`mock`, `proxy`): Ctrl-C, and SIGTERM on Unix.

/// Ctrl-C, or SIGTERM on Unix (what a service manager or `kill` sends), listened for from the
/// moment this is made. Made before a server prints "Press Ctrl-C": a signal sent as soon as a
/// script reads that line then stops the server gracefully, where the default action of a
/// signal no one listens for yet ends the process at once.
pub(crate) struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    /// Starts listening (within the Tokio runtime).
    pub(crate) fn listen() -> Result<Self, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())
                    .map_err(|error| format!("cannot listen for Ctrl-C: {error}"))?,
                terminate: signal(SignalKind::terminate())
                    .map_err(|error| format!("cannot listen for SIGTERM: {error}"))?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// The first signal that arrives.
    pub(crate) async fn recv(mut self) -> Result<(), String> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok(()),
                _ = self.terminate.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c()
                .await
                .map_err(|error| format!("cannot listen for Ctrl-C: {error}"))
        }
    }
}
