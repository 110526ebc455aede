//! Record and replay: `cckm-sync proxy` records a HAR file of calls to a mock, and a new
//! `cckm-sync mock --seed` serves the jobs it holds; browser exports, single files and folders
//! load too, and what is skipped is said, with the reason, without failing the start.

use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use cckm_sync::endpoints;
use cckm_sync_mock::MockServer;
use serde_json::{Value, json};

pub mod support;

use support::{Server, client, fixture, get, jwt, program};

#[tokio::test(flavor = "multi_thread")]
async fn a_recording_of_the_proxy_is_served_by_a_new_mock() {
    let upstream = MockServer::start();
    upstream.pause_clock();
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("traffic.har");
    let proxy = Server::proxy(&upstream.api_url(), &["--har", har.to_str().unwrap()]);
    let api = proxy.url();
    let client = client();
    let jwt = jwt(&client, &proxy.api_url(), "admin", "admin").await;
    let aws = endpoints::find("aws-keys").unwrap();
    let dsm = endpoints::find("dsm").unwrap();
    // A job started, read while it runs, read again once it ended; another started and
    // cancelled; a list; a get of a job that does not exist.
    let started: Value = client
        .post(format!("{api}{}", aws.collection_path()))
        .bearer_auth(&jwt)
        .json(&json!({"kms": ["kms"], "regions": ["us-east-1", "eu-west-1"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let aws_id: uuid::Uuid = started["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{started}"))
        .parse()
        .unwrap();
    upstream.advance_clock(Duration::from_secs(60));
    let (_, ended) = get(&client, &jwt, format!("{api}{}", aws.job_path(aws_id))).await;
    assert_eq!(ended["overall_status"], "completed");
    let dsm_job: Value = client
        .post(format!("{api}{}", dsm.collection_path()))
        .bearer_auth(&jwt)
        .json(&json!({"synchronize_all": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let dsm_id: uuid::Uuid = dsm_job["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{dsm_job}"))
        .parse()
        .unwrap();
    let cancelled = client
        .post(format!("{api}{}", dsm.cancel_path(dsm_id)))
        .bearer_auth(&jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    upstream.advance_clock(Duration::from_secs(60));
    let (_, dsm_page) = get(&client, &jwt, format!("{api}{}", dsm.collection_path())).await;
    let (missing, _) = get(&client, &jwt, format!("{api}{}", aws.job_path(uuid::Uuid::nil()))).await;
    assert_eq!(missing, 404);
    proxy.stop_ok();

    let replay = Server::mock(&["--seed", har.to_str().unwrap()]);
    assert_eq!(replay.line("seed: "), "seed: 2 jobs loaded from 1 file (2 skipped)");
    let api = replay.url();
    let jwt = support::jwt(&client, &replay.api_url(), "admin", "admin").await;
    let (status, served) = get(&client, &jwt, format!("{api}{}", aws.job_path(aws_id))).await;
    assert_eq!(status, 200);
    assert_eq!(served, ended, "the job as last recorded");
    let (_, page) = get(&client, &jwt, format!("{api}{}", dsm.collection_path())).await;
    assert_eq!(page["resources"], dsm_page["resources"]);
    assert_eq!(page["resources"][0]["abort"], true);
    let har_name = har.display().to_string();
    let stderr = replay.stop_ok();
    let warnings: Vec<&str> = stderr.lines().filter(|line| line.starts_with("warning: ")).collect();
    assert_eq!(
        warnings,
        [
            format!("warning: {har_name}: 1 entry skipped: a 404 answer holds no job (entry 6)"),
            format!("warning: {har_name}: 1 entry skipped: the token call holds no job (entry 0)"),
        ],
        "{stderr}"
    );
}

/// A HAR entry as a browser exports it: the body in base64, fields of its own.
fn browser_entry(method: &str, url: &str, status: u16, body: Option<&str>) -> Value {
    let content = match body {
        Some(body) => json!({"size": body.len(), "mimeType": "application/json",
            "text": base64::engine::general_purpose::STANDARD.encode(body), "encoding": "base64"}),
        None => json!({"size": 1234, "mimeType": "application/json", "comment": "not recorded"}),
    };
    json!({"startedDateTime": "2026-12-07T10:00:00.000Z", "time": 12.5, "_initiator": {"type": "script"},
        "request": {"method": method, "url": url, "httpVersion": "http/2.0", "headers": [], "queryString": [],
            "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": status, "statusText": "", "httpVersion": "http/2.0", "headers": [], "cookies": [],
            "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1, "_transferSize": 900},
        "cache": {}, "timings": {"blocked": 1, "dns": -1, "send": 0, "wait": 10, "receive": 1.5}, "_resourceType": "fetch"})
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_exports_folders_and_stray_files_load_what_they_hold_and_say_what_they_skip() {
    let dir = tempfile::tempdir().unwrap();
    let host = "https://ctm.example.com/api/v1";
    let entries = vec![
        browser_entry(
            "GET",
            "https://ctm.example.com/static/app.js",
            200,
            Some("console.log(1)"),
        ),
        browser_entry(
            "GET",
            &format!("{host}/cckm/dsm/refresh?skip=0&limit=10"),
            200,
            Some(&fixture("pages/seed-dsm-refresh-completed.json")),
        ),
        browser_entry(
            "GET",
            &format!("{host}/cckm/azure/synchronization-jobs"),
            200,
            Some(&fixture("pages/seed-azure-keys-in-progress.json")),
        ),
        browser_entry("GET", &format!("{host}/cckm/oci/synchronization-jobs"), 200, None),
        browser_entry(
            "GET",
            &format!("{host}/cckm/sap/synchronization-jobs"),
            200,
            Some(r#"{"skip": 0, "limit": 10, "total": 1, "resources": [{"id": 1}]}"#),
        ),
    ];
    let export = json!({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
        "pages": [], "entries": entries}});
    std::fs::write(
        dir.path().join("browser.har"),
        serde_json::to_vec_pretty(&export).unwrap(),
    )
    .unwrap();
    // A folder beside it: a stray error body, a job, and a file that is no JSON at all.
    let folder = dir.path().join("recorded");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("not-found.json"), fixture("errors/resource-not-found.json")).unwrap();
    std::fs::write(folder.join("oci.json"), fixture("pages/oci-vaults-completed.json")).unwrap();
    std::fs::write(folder.join("notes.json"), "to do: record more").unwrap();

    let mock = Server::mock(&[
        "--seed",
        dir.path().join("browser.har").to_str().unwrap(),
        "--seed",
        folder.to_str().unwrap(),
    ]);
    let api = mock.url();
    let client = client();
    let jwt = jwt(&client, &mock.api_url(), "admin", "admin").await;
    let (_, dsm) = get(&client, &jwt, format!("{api}/api/v1/cckm/dsm/refresh")).await;
    assert_eq!(dsm["resources"][0]["id"], "d4cbd38e-845e-4f75-9e71-15280084986e");
    let (_, azure) = get(&client, &jwt, format!("{api}/api/v1/cckm/azure/synchronization-jobs")).await;
    assert_eq!(azure["total"], 1);
    let (_, oci) = get(&client, &jwt, format!("{api}/api/v1/cckm/oci/synchronization-jobs")).await;
    assert!(oci["total"].as_u64().unwrap() >= 1, "{oci}");
    let seed_line = mock.line("seed: ").to_owned();
    let stderr = mock.stop_ok();
    let har = dir.path().join("browser.har").display().to_string();
    let folder = folder.display().to_string();
    for expected in [
        format!(
            "warning: {har} entry 3 GET {host}/cckm/oci/synchronization-jobs: skipped: no response body was recorded"
        ),
        format!(
            "warning: {har} entry 4 GET {host}/cckm/sap/synchronization-jobs: skipped: the sap answer is not a page of the API: "
        ),
        format!("warning: {har}: 1 entry skipped: not a call of the job API (entry 0)"),
        format!("warning: {folder}/not-found.json: skipped: not a page or a job of the API: "),
        format!("warning: {folder}/notes.json: skipped: not a page or a job of the API: "),
    ] {
        assert!(
            stderr.lines().any(|line| line.starts_with(&expected)),
            "{expected}\n{stderr}"
        );
    }
    assert_eq!(
        stderr.lines().filter(|line| line.starts_with("warning: ")).count(),
        5,
        "{stderr}"
    );
    assert!(
        seed_line.starts_with("seed: ") && seed_line.ends_with("from 4 files (5 skipped)"),
        "{seed_line}"
    );
}

#[test]
fn a_seed_path_that_does_not_exist_fails_the_start_and_a_pipe_is_skipped() {
    let output =
        support::output(program(&[]).args(["mock", "--listen", "127.0.0.1:0", "--seed", "/no/such/traffic.har"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot read the seed /no/such/traffic.har: no such file or folder\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("live.har");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let mock = Server::mock(&["--seed", pipe.to_str().unwrap()]);
    assert_eq!(mock.line("seed: "), "seed: 0 jobs loaded from 1 file (1 skipped)");
    let stderr = mock.stop_ok();
    assert!(
        stderr.starts_with(&format!("warning: cannot read {}: not a regular file", pipe.display())),
        "{stderr}"
    );
}

#[test]
fn a_recording_beyond_the_mocks_capacity_loads_what_fits_and_says_the_rest_is_not_loaded() {
    const PAGES: usize = 101;
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("large.har");
    std::fs::write(&har, dsm_pages(PAGES, 100).to_string()).unwrap();
    let mock = Server::mock(&["--seed", har.to_str().unwrap()]);
    assert_eq!(
        mock.line("seed: "),
        format!(
            "seed: {} jobs loaded from 1 file (1 skipped)",
            MockServer::DEFAULT_MAX_JOBS
        )
    );
    let stderr = mock.stop_ok();
    // The 101st page's first job finds the mock full: that entry is the one thing skipped.
    assert!(
        stderr.starts_with(&format!(
            "warning: the seed is not loaded in full, from {} entry {} on (0 more entries of its file, 0 more files): \
             the mock holds its maximum of {} jobs: reset it",
            har.display(),
            PAGES - 1,
            MockServer::DEFAULT_MAX_JOBS,
        )),
        "{stderr}"
    );
}

/// A HAR file of `pages` list answers of DSM jobs, `per_page` jobs each (ids from 1 on).
fn dsm_pages(pages: usize, per_page: usize) -> Value {
    let entries: Vec<Value> = (0..pages)
        .map(|page| {
            let jobs: Vec<Value> = (0..per_page)
                .map(|index| {
                    json!({"id": uuid::Uuid::from_u128((page * per_page + index + 1) as u128), "uri": "u",
                        "account": "a", "application": "p", "devAccount": "d",
                        "createdAt": "2021-03-03T09:22:15.05611Z", "updatedAt": "2021-03-03T09:22:15.636481Z",
                        "overall_status": "completed", "cloud": "dsm",
                        "domains": ["6070915c-0ab4-4e7e-bf4d-31dd31214874", "2a0f4d2e-9d5c-4a34-8f0e-0c5c3a9f2b11"],
                        "abort": false})
                })
                .collect();
            let body = json!({"skip": page * per_page, "limit": per_page, "total": pages * per_page, "resources": jobs});
            json!({"request": {"method": "GET", "url": format!("http://127.0.0.1:8443/api/v1/cckm/dsm/refresh?skip={}", page * per_page)},
                "response": {"status": 200, "content": {"mimeType": "application/json", "text": body.to_string()}}})
        })
        .collect();
    json!({"log": {"entries": entries}})
}

#[test]
fn a_page_that_fills_the_mock_part_way_loads_what_fits_and_counts_the_jobs_it_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("pages.har");
    std::fs::write(&har, dsm_pages(3, 100).to_string()).unwrap();
    let mock = Server::mock(&["--max-jobs", "150", "--seed", har.to_str().unwrap()]);
    // Page 0 whole, 50 jobs of page 1; the other 50 and page 2 are not loaded.
    assert_eq!(mock.line("seed: "), "seed: 150 jobs loaded from 1 file (51 skipped)");
    let stderr = mock.stop_ok();
    assert!(
        stderr.starts_with(&format!(
            "warning: the seed is not loaded in full, from {} entry 1 on (50 of its jobs, 1 more entry of its file, \
             0 more files): the mock holds its maximum of 150 jobs",
            har.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_seed_beyond_the_mocks_items_bound_loads_what_fits_and_names_that_bound() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("pages.har");
    // 2 items a job: 300 jobs hold 600 items, the bound is 250 items (125 jobs).
    std::fs::write(&har, dsm_pages(3, 100).to_string()).unwrap();
    let mock = Server::mock(&["--max-items", "250", "--seed", har.to_str().unwrap()]);
    assert_eq!(mock.line("seed: "), "seed: 125 jobs loaded from 1 file (76 skipped)");
    let stderr = mock.stop_ok();
    assert!(
        stderr.starts_with(&format!(
            "warning: the seed is not loaded in full, from {} entry 1 on (75 of its jobs, 1 more entry of its file, \
             0 more files): the job's 2 items would take the mock beyond its maximum of 250 items across its jobs (250 held)",
            har.display()
        )),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_line_counts_the_files_and_entries_skipped_each_named_once_with_why() {
    let folder = tempfile::tempdir().unwrap();
    let host = "https://ctm.example.com/api/v1";
    let dsm_page = fixture("pages/seed-dsm-refresh-completed.json");
    let mut unreadable = browser_entry(
        "GET",
        &format!("{host}/cckm/sap/synchronization-jobs"),
        200,
        Some(&dsm_page),
    );
    unreadable["response"]["content"]["text"] = json!("this is not base64!");
    let entries = vec![
        browser_entry("POST", &format!("{host}/auth/tokens"), 200, Some(r#"{"jwt": "x"}"#)),
        browser_entry(
            "GET",
            &format!("{host}/cckm/oci/synchronization-jobs/{}", uuid::Uuid::nil()),
            404,
            Some("{}"),
        ),
        browser_entry(
            "GET",
            &format!("{host}/cckm/oci/synchronization-jobs/{}", uuid::Uuid::max()),
            404,
            Some("{}"),
        ),
        unreadable,
        browser_entry("GET", &format!("{host}/cckm/dsm/refresh"), 200, Some(&dsm_page)),
    ];
    let har = folder.path().join("traffic.har");
    std::fs::write(&har, json!({"log": {"version": "1.2", "entries": entries}}).to_string()).unwrap();
    std::fs::write(
        folder.path().join("good.json"),
        fixture("pages/oci-vaults-completed.json"),
    )
    .unwrap();
    std::fs::write(
        folder.path().join("error.json"),
        fixture("errors/resource-not-found.json"),
    )
    .unwrap();

    let mock = Server::mock(&["--seed", folder.path().to_str().unwrap()]);
    let api = mock.url();
    let client = client();
    let jwt = jwt(&client, &mock.api_url(), "admin", "admin").await;
    let (_, dsm) = get(&client, &jwt, format!("{api}/api/v1/cckm/dsm/refresh")).await;
    assert_eq!(dsm["resources"][0]["id"], "d4cbd38e-845e-4f75-9e71-15280084986e");
    let (_, oci) = get(&client, &jwt, format!("{api}/api/v1/cckm/oci/synchronization-jobs")).await;
    assert!(oci["total"].as_u64().unwrap() >= 1, "{oci}");
    // One file (the error body), and four entries: two 404 answers and the token call (no
    // job), and the entry whose body cannot be read.
    let seed_line = mock.line("seed: ").to_owned();
    assert!(seed_line.ends_with(" from 3 files (5 skipped)"), "{seed_line}");
    let stderr = mock.stop_ok();
    let warnings: Vec<&str> = stderr.lines().filter(|line| line.starts_with("warning: ")).collect();
    let (folder, har) = (folder.path().display(), har.display());
    let expected = [
        format!("warning: {folder}/error.json: skipped: not a page or a job of the API: "),
        format!(
            "warning: {har} entry 3 GET {host}/cckm/sap/synchronization-jobs: skipped: the response body is not valid \
             base64"
        ),
        format!("warning: {har}: 2 entries skipped: a 404 answer holds no job (entries 1, 2)"),
        format!("warning: {har}: 1 entry skipped: the token call holds no job (entry 0)"),
    ];
    assert_eq!(warnings.len(), expected.len(), "{stderr}");
    for (warning, expected) in warnings.iter().zip(&expected) {
        assert!(warning.starts_with(expected.as_str()), "{expected}\n{stderr}");
    }
}
