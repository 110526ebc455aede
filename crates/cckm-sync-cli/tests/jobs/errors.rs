//! Usage errors exit 2 and failures exit 1, each with one line that says what went wrong, and
//! a usage error reaches no server.

use cckm_sync_mock::{Call, Fault, MockServer};

use crate::{jobs, run_with};

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
    // Set but empty, as a script leaves a variable it did not fill: as missing.
    run_with(&["list", "dsm"], &[("CM_URL", "")]).one_error_line(2, "no server URL: pass --url or set CM_URL");
    run_with(
        &["list", "dsm"],
        &[
            ("CM_URL", "http://127.0.0.1:9"),
            ("CM_USERNAME", ""),
            ("CM_PASSWORD", "x"),
        ],
    )
    .one_error_line(2, "no user name: pass --username or set CM_USERNAME");
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
