//! A wait cut short: by `--timeout` (exit 124, naming the job's state), by reads that stall, by
//! a request that outlasts `--request-timeout`, by Ctrl-C (exit 130); the job goes on.

use std::time::Duration;

use cckm_sync_mock::{Call, Fault, MockServer};

use crate::jobs;
use crate::support::{Connection, cckm_sync};

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
