//! The accept loop of an HTTP server for tests: the one the mock serves with, public so that
//! other servers of this workspace's tools (`cckm-sync proxy`) serve the same way.
//!
//! HTTP/1.1 and HTTP/2 on each connection, a bound on the connections served at once (more
//! wait in the listen backlog), a deadline for a request's headers, and a stop that either
//! lets the requests in flight finish for a while or drops every connection at once.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use std::convert::Infallible;
//! use std::time::Duration;
//!
//! use cckm_sync_mock::accept::{self, Stop};
//!
//! // Arrange: a server that answers every request with an empty 204.
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let address = listener.local_addr()?;
//! let service = hyper::service::service_fn(|_| async {
//!     let mut response = hyper::Response::new(http_body_util::Empty::<bytes::Bytes>::new());
//!     *response.status_mut() = hyper::StatusCode::NO_CONTENT;
//!     Ok::<_, Infallible>(response)
//! });
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(async move {
//!     let when = async move {
//!         let _ = stopped.await;
//!         Stop::Graceful(Duration::from_secs(1))
//!     };
//!     let draining = accept::accept_loop(&listener, 8, when, |_| {}, move |stream, http| http.serve(stream, service)).await;
//!     drop(listener);
//!     draining.finish().await
//! });
//!
//! // Act
//! let mut connection = tokio::net::TcpStream::connect(address).await?;
//! use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! connection.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await?;
//! let mut answer = String::new();
//! connection.read_to_string(&mut answer).await?;
//! let _ = stop.send(());
//!
//! // Assert
//! assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
//! assert_eq!(server.await.ok(), Some(Stop::Graceful(Duration::from_secs(1))));
//! # Ok(())
//! # }
//! ```

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How long a client may take to send a request's headers (and, for a server that speaks TLS
/// over the stream, to finish its handshake).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How an accept loop ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Stop accepting, and let the requests in flight finish for at most this long.
    Graceful(Duration),
    /// Stop accepting, and drop every connection at once.
    Now,
}

/// The HTTP side of one accepted connection: what [`accept_loop`] hands the code that serves
/// it, with the loop's settings and its part in a graceful stop.
pub struct Http {
    builder: auto::Builder<TokioExecutor>,
    watcher: Watcher,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").finish_non_exhaustive()
    }
}

impl Http {
    /// Serves `service` on `io` (the accepted stream, or a TLS stream over it) until the
    /// client closes the connection, or a graceful stop of the loop has let its requests in
    /// flight finish.
    pub async fn serve<I, S, B>(self, io: I, service: S)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
        S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
        S::Future: Send + 'static,
        S::Error: Into<Box<dyn StdError + Send + Sync>>,
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let connection = self.builder.serve_connection(TokioIo::new(io), service).into_owned();
        let _ = self.watcher.watch(connection).await;
    }
}

/// Accepts connections on `listener` until `stop` resolves, at most `max_connections` served
/// at once, and has each served by `serve` on a task of its own; then returns the
/// connections still open, for [`Draining::finish`] to end as `stop` said (the caller may
/// close the listener first, so that no client waits in its backlog meanwhile). A failed
/// accept (out of file descriptors, a connection reset before it was accepted) is given to
/// `on_error`, and the loop goes on after a short wait.
pub async fn accept_loop<F, Fut>(
    listener: &TcpListener,
    max_connections: usize,
    stop: impl Future<Output = Stop>,
    on_error: impl Fn(&std::io::Error),
    mut serve: F,
) -> Draining
where
    F: FnMut(TcpStream, Http) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::pin!(stop);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(max_connections));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    builder.http2().timer(TokioTimer::new());
    // The connections' tasks: dropping the set aborts those still running.
    let mut connections = JoinSet::new();
    let mode = loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            biased;
            mode = &mut stop => break mode,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break Stop::Now,
            },
        };
        let stream = tokio::select! {
            biased;
            mode = &mut stop => break mode,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    on_error(&error);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let http = Http {
            builder: builder.clone(),
            watcher: graceful.watcher(),
        };
        let connection = serve(stream, http);
        connections.spawn(async move {
            let _permit = permit;
            connection.await;
        });
    };
    Draining {
        mode,
        graceful,
        connections,
    }
}

/// The connections of a stopped accept loop: see [`accept_loop`].
#[must_use = "the connections are dropped at once unless `finish` lets them finish"]
pub struct Draining {
    mode: Stop,
    graceful: GracefulShutdown,
    connections: JoinSet<()>,
}

impl std::fmt::Debug for Draining {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draining")
            .field("mode", &self.mode)
            .field("connections", &self.connections.len())
            .finish_non_exhaustive()
    }
}

impl Draining {
    /// How the loop was told to stop.
    pub fn mode(&self) -> Stop {
        self.mode
    }

    /// Lets the requests in flight finish for the grace of a graceful stop, then drops every
    /// connection still open; returns how the loop stopped.
    pub async fn finish(self) -> Stop {
        if let Stop::Graceful(grace) = self.mode {
            let _ = tokio::time::timeout(grace, self.graceful.shutdown()).await;
        }
        drop(self.connections);
        self.mode
    }
}
