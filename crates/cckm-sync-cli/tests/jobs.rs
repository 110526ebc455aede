//! `cckm-sync jobs` as a user runs it, against an in-process mock: what it prints, on which
//! stream, and its exit codes (0 ok, 1 failure, 2 usage error).

use std::time::Duration;

use cckm_sync::{AwsSyncJob, SyncJob};
use cckm_sync_mock::{Call, Fault, MockServer};

pub mod support;

use support::{Connection, Run, cckm_sync, fixture, program};

/// `cckm-sync jobs ARGS` with the connection of `server` in the environment, as an operator
/// sets it, and a backtrace asked for, to show there is none.
fn jobs(server: &MockServer, args: &[&str]) -> Run {
    run_with(args, &Connection::of(server).env())
}

fn run_with(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = program(&["jobs"]);
    command
        .args(args)
        .env_remove("CM_URL")
        .env_remove("CM_USERNAME")
        .env_remove("CM_PASSWORD")
        .env("RUST_BACKTRACE", "1")
        .envs(env.iter().copied());
    Run::of(&mut command)
}

/// A mock whose jobs end quickly, for the commands that wait.
async fn quick_mock() -> MockServer {
    MockServer::builder()
        .job_duration(Duration::from_millis(300))
        .start()
        .unwrap()
}

#[tokio::test]
async fn start_prints_the_id_and_wait_reports_the_completed_job() {
    let server = quick_mock().await;
    let start = jobs(
        &server,
        &[
            "start",
            "aws-keys",
            "--item",
            "kms",
            "kms-prod",
            "--region",
            "us-east-1",
        ],
    );
    assert_eq!(start.code, 0, "{start:#?}");
    assert_eq!(start.lines().len(), 1, "{start:#?}");
    let id = start.lines()[0];
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{start:#?}");
    assert!(start.stderr.is_empty(), "{start:#?}");
    let body: serde_json::Value = serde_json::from_slice(
        &server
            .received_requests()
            .iter()
            .find(|r| r.method == "POST" && r.path.ends_with("synchronization-jobs"))
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"kms": ["kms", "kms-prod"], "regions": ["us-east-1"]})
    );

    let wait = jobs(&server, &["wait", "aws-keys", id]);
    assert_eq!(wait.code, 0, "{wait:#?}");
    assert_eq!(
        wait.lines(),
        [format!("job {id} completed in 0.3s: 2 of 2 items ok").as_str()],
        "{wait:#?}"
    );
    // Not a terminal: the progress is plain lines on standard error, ending with the status.
    let progress: Vec<&str> = wait.stderr.lines().collect();
    assert_eq!(
        progress.last().copied(),
        Some(format!("job {id} of aws-keys: completed, 2 of 2 items done").as_str()),
        "{wait:#?}"
    );
}

#[tokio::test]
async fn start_wait_shows_each_item_and_ends_with_the_summary() {
    let server = quick_mock().await;
    let run = jobs(&server, &["start", "google", "--all-items", "--wait"]);
    assert_eq!(run.code, 0, "{run:#?}");
    // Standard output holds one thing: the summary, which names the job; the id starts the
    // progress on standard error.
    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{run:#?}");
    let id = run.stderr.lines().next().unwrap().strip_prefix("started job ").unwrap();
    let id = id.strip_suffix(" of google").unwrap();
    assert!(lines[0].starts_with(&format!("job {id} completed in ")), "{run:#?}");
    for ring in [
        "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring",
        "projects/gemalto-kyloeng/locations/europe-west1/keyRings/eu-ring",
    ] {
        let line = format!("  {ring}: key ring synchronized successfully");
        assert!(run.stderr.lines().any(|printed| printed == line), "{run:#?}");
    }
}

#[tokio::test]
async fn a_job_that_fails_exits_1_with_the_failed_item() {
    let server = quick_mock().await;
    server
        .inject(Fault::fail_job("Salesforce API is down").endpoint("salesforce-keys"))
        .unwrap();
    let run = jobs(
        &server,
        &["start", "salesforce-keys", "--item", "00DB000000040bIMAQ", "--wait"],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    let lines = run.lines();
    let id = lines[0].split(' ').nth(1).unwrap();
    assert_eq!(
        lines,
        [format!(
            "job {id} ended failed after 0.3s: 0 of 1 items ok; \
             00DB000000040bIMAQ: Error listing keys from SFDC: Salesforce API is down"
        )
        .as_str()],
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("  00DB000000040bIMAQ: Error listing keys from SFDC: Salesforce API is down"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn cancel_succeeds_and_a_wait_on_the_cancelled_job_exits_1() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    let id = jobs(&server, &["start", "dsm", "--all-items"]).lines()[0].to_owned();
    let cancel = jobs(&server, &["cancel", "dsm", &id]);
    assert_eq!(cancel.code, 0, "{cancel:#?}");
    assert_eq!(cancel.lines(), [format!("job {id} of dsm is cancelling").as_str()]);

    // The job winds down by the end of its current item: move the mock's clock there.
    server.advance_clock(Duration::from_secs(3600));
    let wait = jobs(&server, &["wait", "dsm", &id]);
    assert_eq!(wait.code, 1, "{wait:#?}");
    assert!(
        wait.lines()[0].starts_with(&format!("job {id} was cancelled (")),
        "{wait:#?}"
    );

    // Cancelling an ended job: the server says no.
    let again = jobs(&server, &["cancel", "dsm", &id]);
    again.one_error_line(1, "409 Conflict: NCERRConflict");
}

#[tokio::test]
async fn cancel_wait_exits_0_once_the_job_has_wound_down() {
    let server = quick_mock().await;
    let id = jobs(&server, &["start", "external-cm", "--all-items"]).lines()[0].to_owned();
    let run = jobs(&server, &["cancel", "external-cm", &id, "--wait"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.lines()[0].starts_with(&format!("job {id} was cancelled (")),
        "{run:#?}"
    );
}

#[tokio::test]
async fn a_wait_that_runs_out_exits_124_naming_the_jobs_state() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    let id = jobs(&server, &["start", "oci", "--all-items"]).lines()[0].to_owned();
    let run = jobs(&server, &["wait", "oci", &id, "--timeout", "1s"]);
    assert_eq!(run.code, 124, "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("error: job {id} of oci is still in_progress after 1.")),
        "{run:#?}"
    );
    assert!(
        last.ends_with(&format!(
            "(0 of 1 items done); the job goes on: `cckm-sync jobs wait oci {id}` watches it again"
        )),
        "{run:#?}"
    );
}

#[tokio::test]
async fn a_wait_is_an_upper_bound_when_reads_stall_and_start_and_cancel_take_a_timeout() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    let id = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    // Every read stalls 15 s; the wait allows 1 s.
    server
        .inject(Fault::stall(Duration::from_secs(15)).on(Call::Get).times(20))
        .unwrap();
    let run = jobs(&server, &["wait", "aws-keys", &id, "--timeout", "1s"]);
    assert_eq!(run.code, 124, "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(
        run.stderr.lines().last().unwrap().starts_with(&format!(
            "error: job {id} of aws-keys: no read of it ended within the wait of 1."
        )),
        "{run:#?}"
    );
    assert!(
        run.stderr.trim_end().ends_with(&format!(
            "; the job goes on if it has not ended: `cckm-sync jobs wait aws-keys {id}` watches it again"
        )),
        "{run:#?}"
    );
    server.clear_faults();

    // --timeout applies to start --wait and cancel --wait, and needs --wait.
    let other = jobs(&server, &["start", "oci", "--all-items", "--wait", "--timeout", "1s"]);
    assert_eq!(other.code, 124, "{other:#?}");
    let cancel = jobs(&server, &["cancel", "aws-keys", &id, "--wait", "--timeout", "1s"]);
    assert_eq!(cancel.code, 124, "{cancel:#?}");
    let alone = jobs(&server, &["start", "dsm", "--all-items", "--timeout", "1s"]);
    assert_eq!(alone.code, 2, "{alone:#?}");
    assert!(
        alone
            .stderr
            .contains("the following required arguments were not provided:\n  --wait"),
        "{alone:#?}"
    );

    // A request that takes longer than --request-timeout times out too.
    server
        .inject(Fault::stall(Duration::from_secs(15)).on(Call::List))
        .unwrap();
    let slow = jobs(&server, &["list", "aws-keys", "--request-timeout", "500ms"]);
    let line = slow.one_error_line(124, "cannot list jobs: GET ");
    assert!(line.ends_with(": timed out"), "{line}");
}

#[tokio::test]
async fn output_json_gives_the_job_of_start_wait_and_cancel() {
    let server = quick_mock().await;
    let start = jobs(&server, &["start", "dsm", "--all-items", "-o", "json"]);
    assert_eq!(start.code, 0, "{start:#?}");
    let started: cckm_sync::DsmSyncJob = cckm_sync::from_str(&start.stdout).unwrap();
    let wait = jobs(&server, &["wait", "dsm", &started.id.to_string(), "-o", "json"]);
    assert_eq!(wait.code, 0, "{wait:#?}");
    let ended: cckm_sync::DsmSyncJob = cckm_sync::from_str(&wait.stdout).unwrap();
    assert_eq!((ended.id, ended.is_finished()), (started.id, true));

    let waited = jobs(&server, &["start", "dsm", "--all-items", "--wait", "-o", "json"]);
    assert_eq!(waited.code, 0, "{waited:#?}");
    let ended: cckm_sync::DsmSyncJob = cckm_sync::from_str(&waited.stdout).unwrap();
    assert!(ended.is_finished(), "{waited:#?}");

    let id = jobs(&server, &["start", "dsm", "--all-items"]).lines()[0].to_owned();
    let cancel = jobs(&server, &["cancel", "dsm", &id, "--wait", "-o", "json"]);
    assert_eq!(cancel.code, 0, "{cancel:#?}");
    let cancelled: cckm_sync::DsmSyncJob = cckm_sync::from_str(&cancel.stdout).unwrap();
    assert!(cancelled.was_cancelled() && cancelled.is_finished(), "{cancel:#?}");
}

#[tokio::test]
async fn ctrl_c_during_a_wait_says_the_job_goes_on_and_how_to_watch_it_again() {
    use std::io::BufRead as _;
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    let id = jobs(&server, &["start", "sap", "--all-items"]).lines()[0].to_owned();
    let mut child = cckm_sync()
        .args(["jobs", "wait", "sap", &id])
        .envs(Connection::of(&server).env())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The first progress line says the job was read: the wait is under way.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(first, format!("job {id} of sap: in_progress, 0 of 2 items done\n"));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(output.status.code(), Some(130), "{rest}");
    assert_eq!(
        rest,
        format!(
            "interrupted: job {id} of sap goes on; `cckm-sync jobs wait sap {id}` watches it again, \
             `cckm-sync jobs cancel sap {id}` cancels it\n"
        )
    );
    assert!(output.stdout.is_empty());
    // The job was not cancelled.
    assert!(
        server
            .received_requests()
            .iter()
            .all(|request| !request.path.ends_with("/cancel"))
    );
}

/// A mock holding `count` ended AWS key jobs, made from the vendor's example.
async fn mock_with_jobs(count: usize) -> MockServer {
    let server = MockServer::start();
    let text = fixture("pages/seed-aws-keys-aborted-and-completed.json");
    let page: cckm_sync::AwsSyncJobPage = cckm_sync::from_str(&text).unwrap();
    let template = page.resources.last().unwrap().clone();
    let jobs: Vec<AwsSyncJob> = (0..count)
        .map(|index| {
            let mut job = template.clone();
            job.id = uuid::Uuid::from_u128(0x0ea5_d52e_387c_44fa_b079_0000_0000_0000 + index as u128);
            job.created_at += chrono::TimeDelta::seconds(60 * index as i64);
            job.scope.kms = Some(vec![format!("kms-{index}")]);
            job
        })
        .collect();
    let body = serde_json::to_vec(&cckm_sync::Page::new(0, -1, count as u64, jobs)).unwrap();
    server.load_jobs(&body, Some("aws-keys")).unwrap();
    server
}

#[tokio::test]
async fn list_shows_the_first_page_in_a_table_of_100_columns_and_all_lists_every_job() {
    let server = mock_with_jobs(25).await;

    let first = jobs(&server, &["list", "aws-keys"]);
    assert_eq!(first.code, 0, "{first:#?}");
    let lines = first.lines();
    assert_eq!(lines.len(), 11, "{first:#?}");
    assert!(lines[0].starts_with("ID") && lines[0].contains("STATUS") && lines[0].ends_with("SCOPE"));
    assert!(lines.iter().all(|line| line.chars().count() <= 100), "{first:#?}");
    assert!(
        lines[1].starts_with("0ea5d52e-387c-44fa-b079-000000000018  completed"),
        "{first:#?}"
    );
    assert!(lines[1].ends_with("  1/1  kms=kms-24 regions=ap…"), "{first:#?}");
    assert_eq!(first.stderr, "10 of 25 jobs shown: --all lists every job\n");

    let all = jobs(&server, &["list", "aws-keys", "--all"]);
    assert_eq!(all.code, 0, "{all:#?}");
    assert_eq!(all.lines().len(), 26, "{all:#?}");
    assert!(all.stderr.is_empty(), "{all:#?}");
}

#[tokio::test]
async fn list_json_is_one_array_of_the_jobs_as_the_server_sent_them() {
    let server = mock_with_jobs(25).await;
    let run = jobs(&server, &["list", "aws-keys", "--all", "--output", "json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let listed: Vec<AwsSyncJob> = cckm_sync::from_str(&run.stdout).unwrap();
    assert_eq!(listed.len(), 25);
    let raw: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(raw[0]["devAccount"], "ncryptify:gemalto:admin:accounts:gemalto");

    let one = jobs(
        &server,
        &[
            "get",
            "aws-keys",
            "0ea5d52e-387c-44fa-b079-000000000007",
            "--output",
            "json",
        ],
    );
    assert_eq!(one.code, 0, "{one:#?}");
    let job: SyncJob = cckm_sync::from_str(&one.stdout).unwrap();
    assert_eq!(job.scope.kms, Some(vec!["kms-7".to_owned()]));
}

#[tokio::test]
async fn list_sends_the_filters_as_query_parameters() {
    let server = mock_with_jobs(25).await;
    let run = jobs(
        &server,
        &[
            "list",
            "aws-keys",
            "--filter",
            "kms-3",
            "kms-4",
            "--status",
            "completed",
            "--sort",
            "createdAt",
        ],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.lines().len(), 3, "{run:#?}");
    assert!(run.lines()[1].ends_with("  1/1  kms=kms-3 regions=ap-…"), "{run:#?}");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "overall_status=completed&kms=kms-3&kms=kms-4&sort=createdAt");

    let by_id = jobs(
        &server,
        &["list", "aws-keys", "--id", "0ea5d52e-387c-44fa-b079-000000000002"],
    );
    assert_eq!(by_id.lines().len(), 2, "{by_id:#?}");

    // A descending key starts with `-`, and is a value of `--sort`, not a flag.
    let newest = jobs(&server, &["list", "aws-keys", "--sort", "-createdAt,id"]);
    assert_eq!(newest.code, 0, "{newest:#?}");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "sort=-createdAt,id");
    // A property the family's jobs cannot be sorted by is a usage error.
    let unsortable = jobs(&server, &["list", "aws-keys", "--sort", "name"]);
    assert_eq!(unsortable.code, 2, "{unsortable:#?}");
    assert!(
        unsortable.stderr.contains("AWS jobs cannot be sorted by \"name\""),
        "{unsortable:#?}"
    );
}

#[tokio::test]
async fn get_shows_the_fields_and_items_of_a_job() {
    let server = mock_with_jobs(3).await;
    let run = jobs(&server, &["get", "aws-keys", "0ea5d52e-387c-44fa-b079-000000000001"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let lines = run.lines();
    assert_eq!(lines[0], "id           0ea5d52e-387c-44fa-b079-000000000001");
    assert_eq!(lines[1], "endpoint     aws-keys (AWS keys)");
    assert_eq!(lines[2], "status       completed");
    assert!(lines.contains(&"kms          kms-1"), "{run:#?}");
    assert!(lines.contains(&"items        1 of 1 ok"), "{run:#?}");
    assert!(
        lines.contains(&"  + 123456789012/ap-south-1  region synchronized successfully"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn usage_errors_exit_2_with_one_line() {
    let server = MockServer::start();
    let unknown = jobs(&server, &["list", "aws"]);
    assert_eq!(unknown.code, 2, "{unknown:#?}");
    assert!(
        unknown
            .stderr
            .starts_with("error: invalid value 'aws' for '<ENDPOINT>'"),
        "{unknown:#?}"
    );
    assert!(unknown.stderr.contains("aws-keys"), "{unknown:#?}");

    let malformed = jobs(&server, &["get", "dsm", "12345"]);
    assert_eq!(malformed.code, 2, "{malformed:#?}");
    assert!(
        malformed.stderr.starts_with("error: invalid value '12345' for '<ID>'"),
        "{malformed:#?}"
    );

    jobs(&server, &["list", "dsm", "--filter", "domain"])
        .one_error_line(2, "Data Security Manager lists take no --filter");
    jobs(&server, &["start", "google", "--all-items", "--region", "us-east-1"])
        .one_error_line(2, "--region applies to AWS jobs only");
    jobs(&server, &["start", "aws-keys", "--item", ""])
        .one_error_line(2, "--item: item 0 of a start request list is an empty string");
    run_with(&["list", "dsm"], &[]).one_error_line(2, "no server URL: pass --url or set CM_URL");
    run_with(
        &["list", "dsm", "--url", "ftp://cm"],
        &[("CM_USERNAME", "a"), ("CM_PASSWORD", "b")],
    )
    .one_error_line(2, "the scheme must be https (or http), not ftp");
    run_with(
        &["list", "dsm", "--url", "127.0.0.1:8443"],
        &[("CM_USERNAME", "a"), ("CM_PASSWORD", "b")],
    )
    .one_error_line(
        2,
        "relative URL without a base (a URL starts with its scheme: https://127.0.0.1:8443)",
    );
    // The usage line puts the endpoint first, and what it says works.
    let help = jobs(&server, &["start", "--help"]);
    assert!(
        help.stdout
            .contains("Usage: cckm-sync jobs start <ENDPOINT> <--item <VALUE>...|--all-items> [OPTIONS]"),
        "{help:#?}"
    );
    assert!(help.stdout.contains("124  timed out"), "{help:#?}");
    for command in ["list", "get", "cancel", "wait"] {
        let help = jobs(&server, &[command, "--help"]);
        assert!(help.stdout.contains("124  timed out"), "{command}: {help:#?}");
    }
    let both = jobs(&server, &["list", "dsm", "--insecure", "--ca-cert", "ca.pem"]);
    assert_eq!(both.code, 2, "{both:#?}");
    // Nothing reached the server.
    assert!(server.received_requests().is_empty());
}

#[tokio::test]
async fn failures_exit_1_with_one_clear_line() {
    let server = MockServer::start();
    let (username, _) = server.credentials();
    let url = server.base_url();

    let wrong = run_with(
        &["list", "dsm"],
        &[("CM_URL", &url), ("CM_USERNAME", username), ("CM_PASSWORD", "wrong")],
    );
    let line = wrong.one_error_line(1, "cannot log in: POST ");
    assert!(
        line.ends_with("401 Unauthorized: NCERRUnauthorizedAccess: Wrong username or password. (code 5)"),
        "{line}"
    );

    let missing = jobs(&server, &["get", "dsm", "0ea5d52e-387c-44fa-b079-21c8b768f77b"]);
    missing.one_error_line(1, "404 Not Found: NCERRResourceNotFound");

    server.inject(Fault::status(503).on(Call::Start)).unwrap();
    jobs(&server, &["start", "dsm", "--all-items"]).one_error_line(1, "cannot start a job: POST ");
    assert_eq!(server.job_count(), 0);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = run_with(
        &["list", "dsm", "--url", &format!("http://127.0.0.1:{port}")],
        &[("CM_USERNAME", "admin"), ("CM_PASSWORD", "admin")],
    );
    down.one_error_line(1, "cannot connect: ");
}

#[tokio::test]
async fn tls_is_refused_by_default_and_accepted_with_ca_cert_or_insecure() {
    let server = MockServer::builder().tls(true).start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, server.certificate_pem().unwrap()).unwrap();

    let refused = jobs(&server, &["list", "dsm"]);
    let line = refused.one_error_line(1, "TLS handshake failed: invalid peer certificate");
    assert!(line.ends_with("(trust the server's certificate with --ca-cert FILE, or skip the check with --insecure)"));

    let trusted = jobs(&server, &["list", "dsm", "--ca-cert", ca.to_str().unwrap()]);
    assert_eq!(
        (trusted.code, trusted.stderr.as_str()),
        (0, "no dsm job found\n"),
        "{trusted:#?}"
    );
    let insecure = jobs(&server, &["list", "dsm", "--insecure"]);
    assert_eq!(insecure.code, 0, "{insecure:#?}");
    // Beside CM_URL, the environment may name the CA or ask for no check.
    let mock = Connection::of(&server);
    let connection = mock.env();
    let from_env = run_with(
        &["list", "dsm"],
        &[&connection[..], &[("CM_CA_CERT", ca.to_str().unwrap())]].concat(),
    );
    assert_eq!(from_env.code, 0, "{from_env:#?}");
    let from_env = run_with(&["list", "dsm"], &[&connection[..], &[("CM_INSECURE", "1")]].concat());
    assert_eq!(from_env.code, 0, "{from_env:#?}");
    let off = run_with(
        &["list", "dsm"],
        &[&connection[..], &[("CM_INSECURE", "false")]].concat(),
    );
    off.one_error_line(1, "TLS handshake failed");

    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    jobs(&server, &["list", "dsm", "--ca-cert", not_pem.to_str().unwrap()])
        .one_error_line(2, "holds no `BEGIN CERTIFICATE` section");
    jobs(&server, &["list", "dsm", "--ca-cert", "/nonexistent/ca.pem"]).one_error_line(2, "--ca-cert: cannot read");
}

#[tokio::test]
async fn google_key_rings_are_told_apart_in_get_and_in_the_wide_table() {
    let server = quick_mock().await;
    let rings = [
        "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring",
        "projects/gemalto-kyloeng/locations/europe-west1/keyRings/eu-ring",
    ];
    let start = jobs(&server, &["start", "google", "--item", rings[0], rings[1], "--wait"]);
    assert_eq!(start.code, 0, "{start:#?}");
    // The summary, the last line: `job ID completed …`.
    let id = start.lines().last().unwrap().split(' ').nth(1).unwrap().to_owned();

    let get = jobs(&server, &["get", "google", &id]);
    assert_eq!(get.code, 0, "{get:#?}");
    for ring in rings {
        let item = format!("  + {ring}  key ring synchronized successfully");
        assert!(get.lines().contains(&item.as_str()), "{item:?} in {get:#?}");
    }
    assert!(
        get.lines()
            .contains(&format!("key_rings    {}, {}", rings[0], rings[1]).as_str()),
        "{get:#?}"
    );

    let wide = jobs(&server, &["list", "google", "-o", "wide"]);
    assert_eq!(wide.code, 0, "{wide:#?}");
    assert!(
        wide.lines()[1].ends_with(&format!("  2/2  key_rings={},{}", rings[0], rings[1])),
        "{wide:#?}"
    );
    // Not on a terminal, the table keeps to 100 columns.
    let narrow = jobs(&server, &["list", "google"]);
    assert!(
        narrow.lines().iter().all(|line| line.chars().count() <= 100),
        "{narrow:#?}"
    );
    assert!(narrow.lines()[1].ends_with('…'), "{narrow:#?}");
}

#[tokio::test]
async fn status_takes_the_words_the_table_shows_in_any_case() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    server.pause_clock();
    let cancelled = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    jobs(&server, &["cancel", "aws-keys", &cancelled]);
    server.advance_clock(Duration::from_secs(3600));
    let completed = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    server.advance_clock(Duration::from_secs(3600));
    let cancelling = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    jobs(&server, &["cancel", "aws-keys", &cancelling]);
    let running = jobs(&server, &["start", "azure-keys", "--all-items"]).lines()[0].to_owned();

    let ids = |run: &Run| -> Vec<String> {
        assert_eq!(run.code, 0, "{run:#?}");
        run.lines()[1..].iter().map(|line| line[..36].to_owned()).collect()
    };
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "cancelled"])),
        [cancelled.as_str()]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "cancelling"])),
        [cancelling.as_str()]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "COMPLETED"])),
        [completed]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "running"])),
        [cancelling]
    );
    // Azure spells a running job `in progress`.
    assert_eq!(
        ids(&jobs(&server, &["list", "azure-keys", "--status", "Running"])),
        [running]
    );
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "overall_status=in%20progress");

    // Nothing found: said, with the words --status knows.
    let none = jobs(&server, &["list", "aws-keys", "--status", "queued"]);
    assert_eq!(none.code, 0, "{none:#?}");
    assert_eq!(
        none.stderr,
        "no aws-keys job found with status \"queued\" (statuses: running, completed, failed, aborted, cancelling, cancelled)\n"
    );
}

#[tokio::test]
async fn limit_lists_at_most_n_jobs() {
    let server = mock_with_jobs(25).await;
    let run = jobs(&server, &["list", "aws-keys", "--limit", "3"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.lines().len(), 4, "{run:#?}");
    assert_eq!(run.stderr, "3 of 25 jobs shown: --all lists every job\n");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "limit=3");
    let zero = jobs(&server, &["list", "aws-keys", "--limit", "0"]);
    assert_eq!(zero.code, 2, "{zero:#?}");
    assert!(
        zero.stderr
            .starts_with("error: invalid value '0' for '--limit <N>': a limit is a number of jobs, at least 1"),
        "{zero:#?}"
    );
}

#[test]
fn completions_are_a_script_the_shell_loads() {
    let script = support::output(program(&[]).args(["completions", "bash"]));
    assert!(script.status.success(), "{script:?}");
    let text = String::from_utf8(script.stdout).unwrap();
    // The endpoint names and the flags of `jobs` complete.
    assert!(
        text.contains("aws-keys") && text.contains("--request-timeout"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cckm-sync.bash");
    std::fs::write(&path, &text).unwrap();
    let loaded = std::process::Command::new("bash")
        .args(["-c", &format!("source {} && complete -p cckm-sync", path.display())])
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    assert!(
        String::from_utf8_lossy(&loaded.stdout).contains("cckm-sync"),
        "{loaded:?}"
    );

    let unknown = support::output(program(&[]).args(["completions", "tcsh"]));
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
}
