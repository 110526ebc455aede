//! What the integration tests share: a mock with a client of it, a store of recorded jobs, and
//! a scripted HTTP server for answers the mock never gives.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cckm_sync::AwsSyncJobPage;
use cckm_sync_client::{Client, ClientBuilder, RetryPolicy};
use cckm_sync_mock::{MockServer, MockServerBuilder, ReceivedRequest};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use uuid::Uuid;

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../cckm-sync/tests/fixtures")
}

/// A client builder for `server`, with its credentials, and quick retries so that a test of
/// failures does not wait for the default backoff.
pub fn client_of(server: &MockServer) -> ClientBuilder {
    let (username, password) = server.credentials();
    Client::builder(server.base_url())
        .credentials(username, password)
        .retry(quick_retries())
}

pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

/// A mock and a client of it.
pub async fn mock(builder: MockServerBuilder) -> (MockServer, Client) {
    let server = builder.start().unwrap();
    let client = client_of(&server).build().unwrap();
    (server, client)
}

/// `count` ended AWS key jobs, one per KMS `kms-<n>`, created a minute apart, made from a job
/// of the vendor's example; their ids are `0ea5d52e-387c-44fa-b079-<n as 12 hex digits>`.
pub fn aws_jobs(count: usize) -> AwsSyncJobPage {
    let text = std::fs::read_to_string(fixtures().join("pages/seed-aws-keys-aborted-and-completed.json")).unwrap();
    let page: AwsSyncJobPage = cckm_sync::from_str(&text).unwrap();
    let template = page.resources.last().unwrap().clone();
    let jobs: Vec<_> = (0..count)
        .map(|index| {
            let mut job = template.clone();
            job.id = Uuid::from_u128(0x0ea5_d52e_387c_44fa_b079_0000_0000_0000 + index as u128);
            job.uri = format!("kylo:kylo:cckm:synchronize:{}", job.id);
            let offset = chrono::TimeDelta::seconds(60 * index as i64);
            job.created_at += offset;
            job.updated_at += offset;
            job.completed_at = job.completed_at.map(|at| at + offset);
            job.scope.kms = Some(vec![format!("kms-{index}")]);
            job
        })
        .collect();
    cckm_sync::Page::new(0, -1, count as u64, jobs)
}

/// Loads `count` jobs of [`aws_jobs`] into `server`, as AWS key jobs.
pub fn load_aws_jobs(server: &MockServer, count: usize) {
    let body = serde_json::to_vec(&aws_jobs(count)).unwrap();
    let report = server.load_jobs(&body, Some("aws-keys")).unwrap();
    assert_eq!(report.added, count, "{report:?}");
}

/// The grant of each token call `server` received, in order: `password` or `refresh_token`.
pub fn grants(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .iter()
        .filter(|request| request.path.ends_with("/auth/tokens"))
        .map(|request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            body["grant_type"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// The requests `server` received of method `method` on paths that contain `path`.
pub fn requests(server: &MockServer, method: &str, path: &str) -> Vec<ReceivedRequest> {
    server
        .received_requests()
        .into_iter()
        .filter(|request| request.method == method && request.path.contains(path))
        .collect()
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with what `answer` returns for
/// its method and target (path and query): a status and a JSON body. It records the targets.
pub struct Scripted {
    pub url: String,
    pub targets: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn scripted(answer: impl Fn(&str, &str) -> (u16, String) + Send + Sync + 'static) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let targets = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let recorded = targets.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (answer, recorded) = (answer.clone(), recorded.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut read = BufReader::new(read);
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let (method, target) = (
                        parts.next().unwrap_or("").to_owned(),
                        parts.next().unwrap_or("").to_owned(),
                    );
                    let mut headers = HashMap::new();
                    loop {
                        let mut header = String::new();
                        read.read_line(&mut header).await.unwrap();
                        let header = header.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
                        }
                    }
                    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let mut body = vec![0; length];
                    read.read_exact(&mut body).await.unwrap();
                    recorded.lock().unwrap().push(target.clone());
                    let (status, body) = answer(&method, &target);
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if write.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Scripted { url, targets, task }
}

/// The value of the query parameter `name` of `target`.
pub fn query_value(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    form_pairs(query)
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}
