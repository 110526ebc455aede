//! Connections a client opens and does not use: each is closed once it has had no request in
//! flight for the idle timeout (no byte at all, an HTTP/2 preface and nothing after it), and
//! a flood of them does not keep a new client out. Bounds are set small through the builder.
//! The `tokio::time::timeout`s below only keep a broken server from hanging the test.

mod support;

use std::time::Duration;

use cckm_sync::endpoints;
use cckm_sync_mock::{Call, Fault, MockServer};
use support::Api;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// What the server does with a connection that is left alone: `true` when it closes it.
async fn closed_by_server(connection: &mut TcpStream) -> bool {
    let mut buffer = [0_u8; 1024];
    let read = async {
        loop {
            match connection.read(&mut buffer).await {
                // The server's HTTP/2 SETTINGS (and its GOAWAY) come before the end.
                Ok(n) if n > 0 => continue,
                other => return other.map(|_| ()),
            }
        }
    };
    // Guard only: without the fix the read never ends.
    tokio::time::timeout(Duration::from_secs(20), read).await.is_ok()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_idle_timeout() {
    let server = MockServer::builder()
        .idle_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let mut silent = TcpStream::connect(server.address()).await.unwrap();
    assert!(closed_by_server(&mut silent).await, "a silent connection stayed open");
}

#[tokio::test]
async fn an_http2_connection_that_sends_its_preface_and_nothing_else_is_closed() {
    let server = MockServer::builder()
        .idle_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let mut idle = TcpStream::connect(server.address()).await.unwrap();
    // The client preface and an empty SETTINGS frame, then nothing.
    idle.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    assert!(
        closed_by_server(&mut idle).await,
        "an idle HTTP/2 connection stayed open"
    );
}

#[tokio::test]
async fn headers_that_never_end_are_cut_at_the_idle_timeout() {
    let server = MockServer::builder()
        .idle_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let mut slow = TcpStream::connect(server.address()).await.unwrap();
    slow.write_all(b"GET /api/v1/cckm/aws/synchronization-jobs HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(
        closed_by_server(&mut slow).await,
        "unfinished headers kept the connection"
    );
}

#[tokio::test]
async fn a_flood_of_idle_connections_does_not_keep_a_new_client_out() {
    // Every slot taken by a socket that sends nothing, and an idle timeout far beyond the test.
    let api = Api::with(
        MockServer::builder()
            .max_connections(8)
            .idle_timeout(Duration::from_secs(600)),
    )
    .await;
    let mut flood = Vec::new();
    for _ in 0..16 {
        flood.push(TcpStream::connect(api.server.address()).await.unwrap());
    }
    // A new client, with no connection of its own yet.
    let aws = endpoints::find("aws-keys").unwrap();
    let list = support::http_client(None)
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .bearer_auth(&api.token)
        .send();
    let served = tokio::time::timeout(Duration::from_secs(30), list).await;
    let response = served.expect("a new client was kept out by idle connections").unwrap();
    assert_eq!(response.status(), 200);
    // The oldest idle sockets made way: some of the flood was closed.
    let mut closed = 0;
    for connection in &mut flood {
        let mut byte = [0_u8; 1];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(50), connection.read(&mut byte)).await {
            closed += 1;
        }
    }
    assert!(closed > 0, "no idle connection was closed");
}

#[tokio::test]
async fn a_request_in_flight_longer_than_the_idle_timeout_is_answered() {
    let api = Api::with(MockServer::builder().idle_timeout(Duration::from_millis(200))).await;
    let aws = endpoints::find("aws-keys").unwrap();
    api.server
        .inject(Fault::stall(Duration::from_millis(800)).on(Call::List))
        .unwrap();
    assert_eq!(api.list(aws, "").await.page(aws).total, 0);
}

#[tokio::test]
async fn a_flood_of_stalled_tls_handshakes_does_not_keep_a_new_client_out() {
    // Every slot taken by a socket that opens TLS and stalls (half of them in the middle of a
    // ClientHello, half before it), and an idle timeout far beyond the test.
    let api = Api::with(
        MockServer::builder()
            .tls(true)
            .max_connections(4)
            .idle_timeout(Duration::from_secs(600)),
    )
    .await;
    let mut flood = Vec::new();
    for index in 0..8 {
        let mut connection = TcpStream::connect(api.server.address()).await.unwrap();
        if index % 2 == 0 {
            // A handshake record announcing 512 bytes of ClientHello, and 4 of them.
            connection
                .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc])
                .await
                .unwrap();
        }
        flood.push(connection);
    }
    // A new client, with no connection of its own yet.
    let aws = endpoints::find("aws-keys").unwrap();
    let list = support::http_client(api.server.certificate_pem().map(str::as_bytes))
        .get(format!("{}{}", api.server.base_url(), aws.collection_path()))
        .bearer_auth(&api.token)
        .send();
    let served = tokio::time::timeout(Duration::from_secs(30), list).await;
    let response = served
        .expect("a new client was kept out by stalled handshakes")
        .unwrap();
    assert_eq!(response.status(), 200);
    // The oldest stalled handshakes made way: some of the flood was closed.
    let mut closed = 0;
    for connection in &mut flood {
        let mut bytes = [0_u8; 64];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(50), connection.read(&mut bytes)).await {
            closed += 1;
        }
    }
    assert!(closed > 0, "no stalled handshake was closed");
}

#[tokio::test]
async fn a_tls_connection_that_sends_nothing_is_closed_after_the_idle_timeout() {
    let server = MockServer::builder()
        .tls(true)
        .idle_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let mut silent = TcpStream::connect(server.address()).await.unwrap();
    assert!(
        closed_by_server(&mut silent).await,
        "a silent TLS connection stayed open"
    );
}
