//! The pool of servers with the default options, as wiremock keeps one: a test suite that
//! starts hundreds of servers runs on a few, each made fresh between tests.
//!
//! [`MockServer::start`](crate::MockServer::start) takes an idle server from the pool (or
//! starts one); when that `MockServer` is dropped, its server drops every connection, is made
//! fresh ([`MockServer::reset`](crate::MockServer::reset)) and waits in the pool for the next
//! test. A server made with [`MockServer::builder`](crate::MockServer::builder) has options of
//! its own and is never pooled.

use std::sync::{Mutex, PoisonError};

use crate::bare::BareServer;
use crate::builder::MockServerBuilder;
use crate::start::StartError;

/// The most idle servers the pool keeps; a server dropped beyond them stops.
const MAX_IDLE: usize = 32;

static IDLE: Mutex<Vec<BareServer>> = Mutex::new(Vec::new());

/// An idle server of the pool, or a new one with the default options.
pub(crate) fn take() -> Result<BareServer, StartError> {
    let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    match idle {
        Some(server) => Ok(server),
        None => MockServerBuilder::default().spawn(),
    }
}

/// Makes `server` fresh and keeps it for the next test, or stops it when the pool is full or
/// it cannot be made fresh.
pub(crate) fn give_back(server: BareServer) {
    if !server.recycle() {
        return;
    }
    let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
    if idle.len() < MAX_IDLE {
        idle.push(server);
    }
    // Beyond: the server stops when dropped here, after the lock.
}
