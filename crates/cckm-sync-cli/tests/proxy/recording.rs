//! The recording (HAR) and the report: whole after a SIGKILL, and the HAR file within
//! `--har-max-size`, the calls not recorded counted.

use std::time::{Duration, Instant};

use cckm_sync_mock::MockServer;
use serde_json::Value;

use crate::support::{Server, client, validate_json};
use crate::{Session, aws, strs};

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_killed_without_warning_leaves_a_har_and_a_report_that_read() {
    let mock = MockServer::start();
    let session = Session::new();
    let proxy = Server::proxy(&mock.base_url(), &strs(&session.args()));
    // Before any call, the report is a whole one already.
    let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
    assert_eq!(report["ok"], true, "{report:#}");
    for _ in 0..2 {
        let answer = client()
            .get(format!("{}{}", proxy.url(), aws().collection_path()))
            .header("authorization", mock.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    // The report is written again once calls were checked: wait (bounded) until it shows both.
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let report: Value = serde_json::from_slice(&std::fs::read(&session.report).unwrap()).unwrap();
        if report["cases"].as_array().map_or(0, Vec::len) == 4 {
            break report;
        }
        assert!(
            Instant::now() < deadline,
            "the report never showed the calls: {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(report["ok"], true, "{report:#}");
    // SIGKILL: no chance to finish anything.
    let _ = proxy.signal("-KILL");
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0, "{validated:#}");
    assert_eq!(validated["cases"].as_array().map(Vec::len), Some(4), "{validated:#}");
}

/// A recording bounded by `--har-max-size`: the calls that fit are recorded, the first ones,
/// the file stays whole and within its bound, and the calls not recorded are counted.
#[tokio::test(flavor = "multi_thread")]
async fn the_recording_stays_within_har_max_size_and_counts_the_calls_not_recorded() {
    const BOUND: u64 = 4096;
    const CALLS: usize = 12;
    let mock = MockServer::start();
    let session = Session::new();
    let har = session.har.display().to_string();
    let proxy = Server::proxy(&mock.base_url(), &["--har", &har, "--har-max-size", "4KiB"]);
    assert!(
        proxy.line("recording:").ends_with("at most 4 KiB)"),
        "{:?}",
        proxy.banner
    );
    list_pages(&proxy, &mock, CALLS).await;
    let stderr = proxy.stop_ok();

    let size = std::fs::metadata(&session.har).unwrap().len();
    assert!(size <= BOUND, "{size} bytes, beyond the bound of {BOUND}");
    let (code, validated) = validate_json(&[], [&session.har]);
    assert_eq!(code, 0, "{validated:#}");
    let cases = validated["cases"].as_array().unwrap();
    // A request and a response each.
    let recorded = cases.len() / 2;
    assert!(
        (1..CALLS).contains(&recorded),
        "{recorded} of {CALLS} calls recorded in {size} bytes"
    );
    // Calls stopped being recorded only once the next could not fit: it would have taken as
    // many bytes as the last one recorded (the same call but for a digit or two), and its
    // separator.
    let file: Value = serde_json::from_slice(&std::fs::read(&session.har).unwrap()).unwrap();
    let last = serde_json::to_string(&file["log"]["entries"][recorded - 1]).unwrap();
    let next = u64::try_from(last.len() + ",\n".len()).unwrap();
    assert!(
        size + next > BOUND,
        "{recorded} calls in {size} bytes, the last of {next}"
    );
    // The first calls, in order.
    for (case, index) in cases.iter().zip((0..recorded).flat_map(|index| [index, index])) {
        let entry = &case["source"]["entry"];
        assert_eq!(entry["index"], index, "{case:#}");
        let url = entry["url"].as_str().unwrap();
        assert!(url.ends_with(&format!("?skip={index}&limit=1")), "{url}");
    }
    // Said once as it happened, and counted in the summary.
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("reached its bound"))
        .collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert_eq!(
        warnings[0],
        format!(
            "warning: {har} reached its bound of 4 KiB after {recorded} calls: the calls from now on are not \
             recorded (--har-max-size to raise it)"
        )
    );
    assert_eq!(
        warnings[1],
        format!(
            "recorded {recorded} calls to {har}; {} calls not recorded: {har} reached its bound of 4 KiB \
             (--har-max-size)",
            CALLS - recorded
        )
    );
}

/// The report says what the recording holds, so that a CI that reads only the report knows a
/// recording cut at its bound: while the proxy runs (the report written each second) and at
/// exit, the same counts as the summary's line.
#[tokio::test(flavor = "multi_thread")]
async fn the_report_says_how_many_calls_the_bounded_recording_holds_and_misses() {
    const CALLS: usize = 12;
    let mock = MockServer::start();
    let session = Session::new();
    let (har, report_path) = (session.har.display().to_string(), session.report.clone());
    let proxy = Server::proxy(
        &mock.base_url(),
        &[&strs(&session.args())[..], &["--har-max-size", "4KiB"]].concat(),
    );
    let read_report = || -> Value { serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap() };
    // At start: recording, nothing yet.
    let report = read_report();
    assert_eq!(
        report["recording"],
        serde_json::json!({"file": har, "calls_recorded": 0, "calls_not_recorded": 0, "max_bytes": 4096}),
        "{report:#}"
    );
    list_pages(&proxy, &mock, CALLS).await;
    // While it runs: the report written again shows every call counted, recorded or not
    // (wait, bounded, for the writer of the file and of the report to catch up).
    let deadline = Instant::now() + Duration::from_secs(30);
    let running = loop {
        let report = read_report();
        let recording = &report["recording"];
        let counted = recording["calls_recorded"].as_u64().unwrap() + recording["calls_not_recorded"].as_u64().unwrap();
        if counted == CALLS as u64 {
            break report;
        }
        assert!(
            Instant::now() < deadline,
            "the report never counted the calls: {report:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stderr = proxy.stop_ok();

    // At exit: the same counts, as the summary says them, and what the file really holds.
    let report = read_report();
    assert_eq!(report["recording"], running["recording"], "{report:#}");
    let recording = &report["recording"];
    let recorded = recording["calls_recorded"].as_u64().unwrap();
    let not_recorded = recording["calls_not_recorded"].as_u64().unwrap();
    assert!(not_recorded > 0, "{report:#}");
    assert_eq!(recording["file"], har.as_str());
    assert_eq!(recording["max_bytes"], 4096);
    let file: Value = serde_json::from_slice(&std::fs::read(&session.har).unwrap()).unwrap();
    assert_eq!(file["log"]["entries"].as_array().map(Vec::len), Some(recorded as usize));
    assert!(
        stderr.contains(&format!(
            "recorded {recorded} calls to {har}; {not_recorded} calls not recorded"
        )),
        "{stderr}"
    );
    // Not a failure of the contract: the calls were checked, only not all kept.
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["totals"]["cases"], 2 * CALLS, "{report:#}");
}

/// Reads `calls` pages of one job each through `proxy`, each answered 200.
async fn list_pages(proxy: &Server, mock: &MockServer, calls: usize) {
    let client = client();
    for skip in 0..calls {
        let answer = client
            .get(format!(
                "{}{}?skip={skip}&limit=1",
                proxy.url(),
                aws().collection_path()
            ))
            .header("authorization", mock.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "call {skip}");
    }
}
