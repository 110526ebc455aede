//! The accept loop of an HTTP server for tests: the one the mock serves with, public so that
//! other servers of this workspace's tools (`cckm-sync proxy`) serve the same way.
//!
//! HTTP/1.1 and HTTP/2 on each connection, a bound on the connections served at once (more
//! wait in the listen backlog), a deadline for a connection's first request and for each next
//! one (a connection with no request in flight is closed once it has been idle that long, on
//! HTTP/1 and HTTP/2 alike: no byte sent, an HTTP/2 preface and nothing after it, headers that
//! never end, an idle keep-alive), idle connections closed at once when every slot is taken
//! and a new client waits, and a stop that either lets the requests in flight finish for a
//! while or drops every connection at once.
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
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Incoming};
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// How long a client may take to send a request's headers (and, for a server that speaks TLS
/// over the stream, to finish its handshake).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection may stay without a request in flight (from its first byte to the end
/// of a request's headers, or between requests) before it is closed, by default: the same
/// deadline as [`HEADER_TIMEOUT`].
pub const IDLE_TIMEOUT: Duration = HEADER_TIMEOUT;

/// How long a connection must have been idle before a new client that finds every slot taken
/// may have it closed: long enough for a client that has just connected to send its request.
pub const EVICTABLE_AFTER: Duration = Duration::from_secs(1);

/// The bounds of an accept loop: see [`accept_loop_with`].
///
/// ```
/// use std::time::Duration;
/// use cckm_sync_mock::accept::{IDLE_TIMEOUT, Limits};
///
/// let limits = Limits::new(64).idle_timeout(Duration::from_secs(5));
/// assert_eq!(limits.max_connections(), 64);
/// assert_eq!(Limits::new(64).idle(), IDLE_TIMEOUT);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    max_connections: usize,
    idle_timeout: Duration,
    error_body: Option<ErrorBody>,
}

/// Makes the JSON body of an error the HTTP layer answers on its own, before any service sees
/// a request (400 for bytes that are not HTTP, 414 for a request line too long, 431 for
/// headers too large): given the status, the bytes of the body.
pub type ErrorBody = fn(status: u16) -> Vec<u8>;

impl Limits {
    /// At most `max_connections` served at once (at least one), each closed after
    /// [`IDLE_TIMEOUT`] without a request in flight.
    pub fn new(max_connections: usize) -> Self {
        Self {
            max_connections: max_connections.max(1),
            idle_timeout: IDLE_TIMEOUT,
            error_body: None,
        }
    }

    /// Gives the errors the HTTP layer answers on its own (400, 414, 431, sent with an empty
    /// body otherwise) the JSON body `make` writes, with `Content-Type: application/json`.
    #[must_use]
    pub fn error_bodies(mut self, make: ErrorBody) -> Self {
        self.error_body = Some(make);
        self
    }

    /// Closes a connection once it has had no request in flight for `timeout` (at least 1 ms):
    /// the deadline of its first request's headers, and of each next one's.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The most connections served at once.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// How long a connection may stay without a request in flight.
    pub fn idle(&self) -> Duration {
        self.idle_timeout
    }
}

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
    idle_timeout: Duration,
    /// `true` while a new client waits for a slot: idle connections then close at once.
    pressure: watch::Receiver<bool>,
    error_body: Option<ErrorBody>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http").finish_non_exhaustive()
    }
}

impl Http {
    /// How long the connection may stay without a request in flight: also the deadline of a
    /// handshake a server runs before [`serve`](Self::serve) (TLS).
    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// Runs a handshake the server does before [`serve`](Self::serve) (TLS) under the rules of
    /// a connection without a request in flight: `None`, and the handshake dropped, once it
    /// has taken the idle timeout, or [`EVICTABLE_AFTER`] (or the idle timeout, if shorter)
    /// while every slot is taken and a new client waits. So a client that opens a connection
    /// and stalls in its handshake holds its slot no longer than one that sends nothing.
    pub async fn handshake<F: Future>(&self, handshake: F) -> Option<F::Output> {
        let evictable_after = EVICTABLE_AFTER.min(self.idle_timeout);
        let mut pressure = self.pressure.clone();
        let evicted = async move {
            tokio::time::sleep(evictable_after).await;
            if pressure.wait_for(|waiting| *waiting).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            output = handshake => Some(output),
            () = tokio::time::sleep(self.idle_timeout) => None,
            () = evicted => None,
        }
    }

    /// Serves `service` on `io` (the accepted stream, or a TLS stream over it) until the
    /// client closes the connection, a graceful stop of the loop has let its requests in
    /// flight finish, or the connection has had no request in flight for the loop's idle
    /// timeout (sooner, when every slot is taken and a new client waits). A request is in
    /// flight from the end of its headers to the end of its answer's body.
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
        let (active, activity) = watch::channel(0_usize);
        let service = Tracked {
            inner: service,
            active: Arc::new(active),
        };
        let io = ErrorBodies {
            io,
            activity: activity.clone(),
            make: self.error_body,
            pending: Vec::new(),
        };
        let connection = self.builder.serve_connection(TokioIo::new(io), service).into_owned();
        let served = self.watcher.watch(connection);
        tokio::select! {
            _ = served => {}
            // Dropping the connection closes it: no request is in flight.
            () = idle(activity, self.idle_timeout, self.pressure) => {}
        }
    }
}

/// Resolves once the connection has had no request in flight for `timeout`, or for
/// [`EVICTABLE_AFTER`] while a new client waits for a slot.
async fn idle(mut activity: watch::Receiver<usize>, timeout: Duration, mut pressure: watch::Receiver<bool>) {
    let evictable_after = EVICTABLE_AFTER.min(timeout);
    loop {
        if activity.wait_for(|active| *active == 0).await.is_err() {
            // The service is gone with its connection.
            return std::future::pending().await;
        }
        let evicted = async {
            tokio::time::sleep(evictable_after).await;
            if pressure.wait_for(|waiting| *waiting).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = tokio::time::sleep(timeout) => return,
            () = evicted => return,
            // A request began or ended: wait again.
            _ = activity.changed() => {}
        }
    }
}

/// A stream that gives the HTTP layer's own error answers (written while no request is in
/// flight, with an empty body) the body its server makes, when it has a maker.
struct ErrorBodies<I> {
    io: I,
    activity: watch::Receiver<usize>,
    make: Option<ErrorBody>,
    /// What is still to be written of a rewritten answer.
    pending: Vec<u8>,
}

impl<I: AsyncWrite + Unpin> ErrorBodies<I> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while !self.pending.is_empty() {
            let written = std::task::ready!(Pin::new(&mut self.io).poll_write(cx, &self.pending))?;
            if written == 0 {
                return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..written);
        }
        Poll::Ready(Ok(()))
    }

    /// The answer `bytes` with a body, if they are a whole error answer of the HTTP layer.
    fn rewritten(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let make = self.make?;
        if *self.activity.borrow() != 0 || !bytes.starts_with(b"HTTP/1.1 4") || !bytes.ends_with(b"\r\n\r\n") {
            return None;
        }
        let head = std::str::from_utf8(bytes).ok()?;
        let mut lines = head.trim_end().split("\r\n");
        let status_line = lines.next()?;
        let status: u16 = status_line.get(9..12)?.parse().ok()?;
        let headers: Vec<&str> = lines.collect();
        if !headers
            .iter()
            .any(|line| line.eq_ignore_ascii_case("content-length: 0"))
        {
            return None;
        }
        let body = make(status);
        let mut answer = format!("{status_line}\r\n");
        for line in headers
            .iter()
            .filter(|line| !line.to_ascii_lowercase().starts_with("content-length:"))
        {
            answer.push_str(line);
            answer.push_str("\r\n");
        }
        answer.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        ));
        let mut answer = answer.into_bytes();
        answer.extend_from_slice(&body);
        Some(answer)
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for ErrorBodies<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for ErrorBodies<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<std::io::Result<usize>> {
        std::task::ready!(self.drain(cx))?;
        if let Some(answer) = self.rewritten(bytes) {
            self.pending = answer;
            // Written as far as the caller knows; the rest goes with the next write or flush.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(bytes.len()));
        }
        Pin::new(&mut self.io).poll_write(cx, bytes)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        std::task::ready!(self.drain(cx))?;
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    // One buffer per write: an answer is then seen whole, head and body.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// A service that counts its requests in flight, each until its answer's body is dropped.
struct Tracked<S> {
    inner: S,
    active: Arc<watch::Sender<usize>>,
}

/// One request in flight, until dropped.
struct InFlight(Arc<watch::Sender<usize>>);

impl InFlight {
    fn new(active: &Arc<watch::Sender<usize>>) -> Self {
        active.send_modify(|count| *count += 1);
        Self(active.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|count| *count = count.saturating_sub(1));
    }
}

impl<S, B> Service<Request<Incoming>> for Tracked<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
    S::Future: Send + 'static,
    B: Body + Send + 'static,
{
    type Response = Response<Guarded<B>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = InFlight::new(&self.active);
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await?;
            // The request stays in flight while its answer's body is sent.
            Ok(response.map(|body| Guarded {
                body: Box::pin(body),
                _in_flight: in_flight,
            }))
        })
    }
}

/// An answer's body that keeps its request in flight until it is dropped.
struct Guarded<B> {
    body: Pin<Box<B>>,
    _in_flight: InFlight,
}

impl<B: Body> Body for Guarded<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        self.body.as_mut().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Accepts connections on `listener` until `stop` resolves, at most `max_connections` served
/// at once, and has each served by `serve` on a task of its own; then returns the
/// connections still open, for [`Draining::finish`] to end as `stop` said (the caller may
/// close the listener first, so that no client waits in its backlog meanwhile). A failed
/// accept (out of file descriptors, a connection reset before it was accepted) is given to
/// `on_error`, and the loop goes on after a short wait. Connections are closed after
/// [`IDLE_TIMEOUT`] without a request in flight: [`accept_loop_with`] sets it.
pub async fn accept_loop<F, Fut>(
    listener: &TcpListener,
    max_connections: usize,
    stop: impl Future<Output = Stop>,
    on_error: impl Fn(&std::io::Error),
    serve: F,
) -> Draining
where
    F: FnMut(TcpStream, Http) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    accept_loop_with(listener, Limits::new(max_connections), stop, on_error, serve).await
}

/// [`accept_loop`] with the bounds of `limits`: at most [`Limits::max_connections`] served at
/// once, each closed after [`Limits::idle`] without a request in flight. While every slot is
/// taken and a new client waits, connections idle for [`EVICTABLE_AFTER`] (or the idle
/// timeout, if shorter) are closed at once, so that a flood of sockets that send nothing
/// delays a new client by at most that.
pub async fn accept_loop_with<F, Fut>(
    listener: &TcpListener,
    limits: Limits,
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
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (pressure, pressed) = watch::channel(false);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT.min(limits.idle_timeout));
    builder.http2().timer(TokioTimer::new());
    // The connections' tasks: dropping the set aborts those still running.
    let mut connections = JoinSet::new();
    let mode = loop {
        while connections.try_join_next().is_some() {}
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
        // A client waits (the one in hand): when every slot is taken, idle connections give
        // theirs up.
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                pressure.send_replace(true);
                let permit = tokio::select! {
                    biased;
                    mode = &mut stop => break mode,
                    permit = permits.clone().acquire_owned() => permit,
                };
                pressure.send_replace(false);
                match permit {
                    Ok(permit) => permit,
                    Err(_) => break Stop::Now,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let http = Http {
            builder: builder.clone(),
            watcher: graceful.watcher(),
            idle_timeout: limits.idle_timeout,
            pressure: pressed.clone(),
            error_body: limits.error_body,
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
