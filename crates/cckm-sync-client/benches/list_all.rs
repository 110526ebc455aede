//! `list_all` against a plain curl loop over the same pages, in one run.
//!
//! A mock CipherTrust Manager (in this process, on loopback) holds 10,000 AWS key jobs. Printed:
//!
//! - the requests `list_all` sends per job listed, the login included;
//! - the time to list every job with `list_all` (typed jobs, pages of
//!   [`DEFAULT_PAGE_SIZE`](cckm_sync_client::DEFAULT_PAGE_SIZE)), against a shell loop that
//!   fetches the same pages with one `curl` each, as an operator's script would, and against one
//!   `curl` that fetches them all on one connection; medians of several rounds, as ratios.
//!
//! Run with `cargo bench -p cckm-sync-client --bench list_all`. Needs `bash` and `curl`. Not a
//! test: the figures depend on the machine and on what else runs.

#![allow(clippy::print_stdout, reason = "a benchmark reports on standard output")]

use std::process::Command;
use std::time::{Duration, Instant};

use cckm_sync::{AwsListSyncJobs, endpoints};
use cckm_sync_client::{Client, DEFAULT_PAGE_SIZE};
use cckm_sync_mock::MockServer;

#[path = "../tests/support/mod.rs"]
mod support;

/// Jobs in the mock.
const JOBS: usize = 10_000;
/// Rounds of each measure; the median is kept.
const ROUNDS: usize = 7;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let server = MockServer::builder()
        .worker_threads(1)
        .record_requests(1_000)
        .token_lifetime(Duration::from_secs(3600))
        .start()
        .expect("the mock starts");
    let body = serde_json::to_vec(&support::aws_jobs(JOBS)).expect("the store serializes");
    let report = server.load_jobs(&body, Some("aws-keys")).expect("the store loads");
    assert_eq!(report.added, JOBS);

    // Requests per job listed, with a client that logs in.
    server.clear_received_requests();
    let (username, password) = server.credentials();
    let client = Client::builder(server.base_url())
        .credentials(username, password)
        .build()
        .expect("a client");
    let listed = client
        .aws_keys()
        .list_all(&AwsListSyncJobs::new())
        .collect_all()
        .await
        .expect("a list");
    assert_eq!(listed.len(), JOBS);
    let requests = server.received_requests();
    let pages = requests.iter().filter(|request| request.method == "GET").count();
    assert!(requests.iter().all(|request| request.status == 200));

    // The same pages, three ways; the token is given, so that every way sends the same calls.
    let token = server.token();
    let aws = endpoints::find("aws-keys").expect("the catalog has aws-keys");
    let url = format!("{}{}", server.base_url(), aws.collection_path());
    let skips: Vec<String> = (0..JOBS)
        .step_by(DEFAULT_PAGE_SIZE as usize)
        .map(|skip| skip.to_string())
        .collect();
    let script = format!(
        "for skip in {}; do curl -sSf -o /dev/null -H \"Authorization: Bearer $TOKEN\" \"$URL?skip=$skip&limit={DEFAULT_PAGE_SIZE}\" || exit 1; done",
        skips.join(" ")
    );
    let mut one_curl = Command::new("curl");
    one_curl.args(["-sSf", "-H", &format!("Authorization: Bearer {token}")]);
    for skip in &skips {
        one_curl.args([
            "-o",
            "/dev/null",
            &format!("{url}?skip={skip}&limit={DEFAULT_PAGE_SIZE}"),
        ]);
    }

    let (mut client_times, mut loop_times, mut one_times) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let client = Client::builder(server.base_url())
            .token(&token)
            .build()
            .expect("a client");
        let jobs = client
            .aws_keys()
            .list_all(&AwsListSyncJobs::new())
            .collect_all()
            .await
            .expect("a list");
        client_times.push(started.elapsed());
        assert_eq!(jobs.len(), JOBS);
        drop(jobs);

        let started = Instant::now();
        let status = Command::new("bash")
            .args(["-c", &script])
            .env("TOKEN", &token)
            .env("URL", &url)
            .status()
            .expect("bash and curl run");
        loop_times.push(started.elapsed());
        assert!(status.success(), "the curl loop failed");

        let started = Instant::now();
        let status = one_curl.status().expect("curl runs");
        one_times.push(started.elapsed());
        assert!(status.success(), "curl failed");
    }
    let (client_time, loop_time, one_time) = (median(client_times), median(loop_times), median(one_times));

    println!("list_all over {JOBS} jobs of a mock on loopback (pages of {DEFAULT_PAGE_SIZE}):");
    println!(
        "  requests per job listed: {:.4} ({} requests: 1 login and {pages} pages, for {JOBS} jobs)",
        requests.len() as f64 / JOBS as f64,
        requests.len()
    );
    println!("  time to list every job, median of {ROUNDS} rounds, the same {pages} pages each:");
    println!("    list_all, typed jobs            {:>9.1} ms", ms(client_time));
    println!(
        "    bash loop, one curl per page    {:>9.1} ms   list_all / loop = {:.3}",
        ms(loop_time),
        ms(client_time) / ms(loop_time)
    );
    println!(
        "    one curl, every page            {:>9.1} ms   list_all / curl = {:.3}",
        ms(one_time),
        ms(client_time) / ms(one_time)
    );
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
