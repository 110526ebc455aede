//! A running server, bare: its thread and runtime, its listener, and how it stops or is made
//! fresh again for the pool.
//!
//! Each server runs on a thread of its own with its own tokio runtime, so it serves whatever
//! runtime (or none) the test that started it uses.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use tokio::sync::{Notify, oneshot, watch};
use tower::ServiceExt as _;

use crate::accept::{self, Http, Limits, Stop};
use crate::api::{self, CloseHandle};
use crate::app::App;
use crate::seed::LoadReport;
use crate::start::StartError;
use crate::tls::Certificate;

/// The most connections served at once by default (settable); more wait in the listen
/// backlog, and idle connections make way for them.
pub const MAX_CONNECTIONS: usize = 1024;

/// What the server's thread is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Signal {
    Run,
    /// Drop every connection, make the state fresh, say so, and serve again.
    Recycle,
    /// Stop.
    Stop(Stop),
}

/// A server that runs: what [`MockServer`](crate::MockServer) wraps, and what the pool keeps.
#[derive(Debug)]
pub(crate) struct BareServer {
    pub(crate) app: Arc<App>,
    pub(crate) address: SocketAddr,
    pub(crate) certificate: Option<Certificate>,
    pub(crate) seed_report: Option<LoadReport>,
    signal: watch::Sender<Signal>,
    recycled: mpsc::Receiver<()>,
    /// Told when the server's thread is about to end.
    done: Option<oneshot::Receiver<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BareServer {
    /// Serves `app` on `listener` on a thread of its own.
    pub(crate) fn spawn(
        app: Arc<App>,
        listener: std::net::TcpListener,
        certificate: Option<Certificate>,
        seed_report: Option<LoadReport>,
        worker_threads: usize,
        limits: Limits,
    ) -> Result<Self, StartError> {
        let address = listener.local_addr().map_err(StartError::Runtime)?;
        let acceptor = certificate.as_ref().map(crate::tls::tls_acceptor).transpose()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads)
            .thread_name("cckm-sync-mock")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let (signal, signals) = watch::channel(Signal::Run);
        let (recycled_sender, recycled) = mpsc::channel();
        let (done_sender, done) = oneshot::channel();
        let router = api::router(app.clone());
        let state = app.clone();
        let thread = std::thread::Builder::new()
            .name(format!("cckm-sync-mock {address}"))
            .spawn(move || {
                runtime.block_on(serve(
                    listener,
                    limits,
                    acceptor,
                    router,
                    &state,
                    signals,
                    &recycled_sender,
                ));
                // Tasks still running (stalled requests) are dropped with the runtime.
                runtime.shutdown_timeout(Duration::ZERO);
                let _ = done_sender.send(());
            })
            .map_err(StartError::Runtime)?;
        Ok(Self {
            app,
            address,
            certificate,
            seed_report,
            signal,
            recycled,
            done: Some(done),
            thread: Some(thread),
        })
    }

    /// Drops every connection and makes the state fresh ([`App::reset`]); returns when the
    /// server serves again, or `false` if it has stopped.
    pub(crate) fn recycle(&self) -> bool {
        let done =
            self.signal.send(Signal::Recycle).is_ok() && self.recycled.recv_timeout(Duration::from_secs(10)).is_ok();
        done && self.signal.send(Signal::Run).is_ok()
    }

    /// Stops as `stop` says, and returns when the server's thread has ended: its port is
    /// closed. Waits without blocking the caller's runtime, whichever it is.
    pub(crate) async fn shutdown(mut self, stop: Stop) {
        let _ = self.signal.send(Signal::Stop(stop));
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BareServer {
    fn drop(&mut self) {
        let _ = self.signal.send(Signal::Stop(Stop::Now));
        // The server's thread ends as soon as its accept loop sees the signal; joining it
        // means the port is closed when `drop` returns.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The accept loop, again after each recycle, until a stop.
async fn serve(
    listener: std::net::TcpListener,
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    router: Router,
    app: &App,
    mut signals: watch::Receiver<Signal>,
    recycled: &mpsc::Sender<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let when = {
            let mut signals = signals.clone();
            async move {
                match signals
                    .wait_for(|signal| *signal != Signal::Run)
                    .await
                    .map(|signal| *signal)
                {
                    Ok(Signal::Stop(stop)) => stop,
                    // A recycle, or a server dropped: no connection goes on.
                    _ => Stop::Now,
                }
            }
        };
        let on_error = |error: &std::io::Error| tracing::warn!(%error, "accept failed");
        let serve_one = |stream, http| serve_connection(stream, http, router.clone(), tls.clone());
        let draining = accept::accept_loop_with(&listener, limits, when, on_error, serve_one).await;
        if draining.mode() != Stop::Now {
            drop(listener);
            draining.finish().await;
            return;
        }
        draining.finish().await;
        if *signals.borrow_and_update() != Signal::Recycle {
            return;
        }
        app.reset();
        let _ = recycled.send(());
        // The owner says when to serve again (or stops the server).
        if signals.wait_for(|signal| *signal != Signal::Recycle).await.is_err() {
            return;
        }
    }
}

/// Serves one connection, over TLS when the server speaks it. The close-connection fault
/// closes it without an answer.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    http: Http,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let close = Arc::new(Notify::new());
    let handle = CloseHandle(close.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request)
    });
    let served = async {
        match tls {
            None => http.serve(stream, service).await,
            Some(acceptor) => {
                // A stalled handshake is closed as an idle connection is, and makes way for a
                // new client as one does.
                if let Some(Ok(stream)) = http.handshake(acceptor.accept(stream)).await {
                    http.serve(stream, service).await;
                }
            }
        }
    };
    tokio::select! {
        () = served => {}
        // Dropping the connection closes it without an answer.
        () = close.notified() => {}
    }
}
