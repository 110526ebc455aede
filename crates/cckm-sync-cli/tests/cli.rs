//! `cckm-sync mock` as a user runs it: the lines it prints, its exit codes, `--seed`, `--tls`
//! and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

pub mod support;

use support::{Server, cckm_sync, client, client_builder, program, token};

#[test]
fn a_bad_flag_is_a_usage_error_with_exit_code_2() {
    for args in [
        vec!["mock", "--port", "8443"],
        vec!["mock", "--job-duration", "soon"],
        // Beyond the mock's bound of 366 days: refused by the mock, a usage error all the same.
        vec!["mock", "--job-duration", "400days"],
        vec!["mock", "--token-lifetime", "1500ms"],
        vec!["mock", "--listen", "localhost"],
        vec!["mock", "--max-jobs", "0"],
        vec!["mock", "--max-items", "0"],
        vec!["mock", "--max-items", "-1"],
        // Standard input is read once: the second `-` would load nothing.
        vec!["mock", "--seed", "-", "--seed", "-"],
        vec!["serve"],
    ] {
        let output = support::output(program(&[]).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn a_port_in_use_is_one_line_and_exit_code_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = support::output(program(&[]).args(["mock", "--listen", &address]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot listen on {address}: ")),
        "{stderr}"
    );
}

#[test]
fn help_describes_every_flag() {
    let output = support::output(program(&[]).args(["mock", "--help"]));
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--username",
        "--password",
        "--job-duration",
        "--token-lifetime",
        "--seed",
        "--tls",
        "--max-jobs",
        "--control-token",
        "--record-credentials",
        "--ready-json",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ready_json_comes_first_a_name_is_listened_on_and_max_jobs_bounds_the_store() {
    let mock = Server::mock_on("localhost:0", &["--ready-json", "--max-jobs", "1"]);
    let ready: serde_json::Value = serde_json::from_str(&mock.banner[0]).unwrap();
    let api_url = ready["api_url"].as_str().unwrap().to_owned();
    assert!(
        api_url.starts_with("http://127.0.0.1:") || api_url.starts_with("http://[::1]:"),
        "{ready}"
    );
    assert_eq!(ready["url"].as_str().unwrap(), api_url.trim_end_matches("/api/v1"));
    assert_eq!(ready["username"], "admin");
    assert_eq!(
        (&ready["certificate"], &ready["control_token"]),
        (&serde_json::Value::Null, &serde_json::Value::Null)
    );
    assert_eq!(mock.banner[1], format!("cckm-sync mock serving {api_url}"));

    let http = client();
    let answer: serde_json::Value = token(&http, &api_url, "admin", "admin").await.json().await.unwrap();
    let jwt = answer["jwt"].as_str().unwrap().to_owned();
    let start = |path: &'static str, body: serde_json::Value| {
        let request = http.post(format!("{api_url}{path}")).bearer_auth(&jwt).json(&body);
        async move { request.send().await.unwrap() }
    };
    assert_eq!(
        start("/cckm/aws/synchronization-jobs", serde_json::json!({"kms": ["kms"]}))
            .await
            .status(),
        201
    );
    let full = start("/cckm/dsm/refresh", serde_json::json!({"domains": ["d-1"]})).await;
    assert_eq!(full.status(), 409);
    let error: serde_json::Value = full.json().await.unwrap();
    assert!(error["message"].as_str().unwrap().contains("--max-jobs"), "{error}");
    let (status, _) = mock.terminate();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn beyond_loopback_the_control_api_needs_the_token_printed_at_start() {
    let mock = Server::mock_on("0.0.0.0:0", &[]);
    let line = mock.line_starting("control API token: ").unwrap().to_owned();
    let control_token = line
        .strip_prefix("control API token: ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned();
    assert!(control_token.len() >= 32, "{line}");
    assert!(
        mock.line_starting("listening beyond loopback").is_some(),
        "{:#?}",
        mock.banner
    );
    let port = mock
        .api_url()
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let control = format!("http://127.0.0.1:{port}/__mock/requests");
    let http = client();
    assert_eq!(http.get(&control).send().await.unwrap().status(), 401);
    let allowed = http.get(&control).bearer_auth(&control_token).send().await.unwrap();
    assert_eq!(allowed.status(), 200);
    let (status, _) = mock.terminate();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mock_serves_its_credentials_and_stops_gracefully_on_sigterm() {
    let mock = Server::mock(&["--username", "ops", "--password", "pw", "--job-duration", "250ms"]);
    let api_url = mock.api_url();
    assert!(
        api_url.starts_with("http://127.0.0.1:") && api_url.ends_with("/api/v1"),
        "{api_url}"
    );
    assert!(
        mock.line_starting("credentials: ops / pw").is_some(),
        "{:?}",
        mock.banner
    );
    let client = client();
    assert_eq!(token(&client, &api_url, "ops", "nope").await.status(), 401);
    let answer: serde_json::Value = token(&client, &api_url, "ops", "pw").await.json().await.unwrap();
    let jwt = answer["jwt"].as_str().unwrap();
    let started = client
        .post(format!("{api_url}/cckm/google/synchronization-jobs"))
        .bearer_auth(jwt)
        .json(&serde_json::json!({"key_rings": ["projects/p/locations/global/keyRings/r"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 201);
    let (status, stderr) = mock.terminate();
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(stderr.trim(), "shutting down");
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_loads_the_fixtures_and_warns_of_each_job_it_skips() {
    let fixtures = support::fixtures();
    let seed = tempfile::tempdir().unwrap();
    for folder in ["pages", "jobs"] {
        std::fs::create_dir(seed.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(fixtures.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, seed.path().join(folder).join(path.file_name().unwrap())).unwrap();
        }
    }
    let mock = Server::mock(&["--seed", seed.path().to_str().unwrap()]);
    let line = mock.line_starting("seed: ").unwrap();
    assert!(line.contains("jobs loaded") && line.ends_with("(1 skipped)"), "{line}");
    let client = client();
    let api_url = mock.api_url();
    let answer: serde_json::Value = token(&client, &api_url, "admin", "admin").await.json().await.unwrap();
    let page: serde_json::Value = client
        .get(format!("{api_url}/cckm/dsm/refresh"))
        .bearer_auth(answer["jwt"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The vendor's DSM job is served, among the fixtures' other DSM jobs.
    let ids: Vec<&str> = page["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|job| job["id"].as_str())
        .collect();
    assert!(ids.contains(&"d4cbd38e-845e-4f75-9e71-15280084986e"), "{ids:?}");
    let (status, stderr) = mock.terminate();
    assert!(status.success());
    assert!(
        stderr.starts_with("warning: ") && stderr.contains("hsm-luna"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_writes_the_certificate_to_the_file_it_names_and_removes_it_at_exit() {
    let mock = Server::mock(&["--tls"]);
    let api_url = mock.api_url();
    assert!(api_url.starts_with("https://127.0.0.1:"), "{api_url}");
    let line = mock.line_starting("certificate: ").unwrap();
    let path = std::path::PathBuf::from(line.strip_prefix("certificate: ").unwrap().split(" (").next().unwrap());
    let pem = std::fs::read(&path).unwrap();
    let client = client_builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    assert_eq!(token(&client, &api_url, "admin", "admin").await.status(), 200);
    let (status, _) = mock.terminate();
    assert!(status.success());
    assert!(!path.exists(), "{} is left behind", path.display());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_standard_output_does_not_stop_the_mock() {
    // A wrapper that read the lines it needed and closed its end of the pipe: here closed before
    // the mock writes a line, so that every line of its banner meets a broken pipe.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = cckm_sync()
        .args(["mock", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let api_url = format!("http://127.0.0.1:{port}/api/v1");
    let client = client();
    // Its banner is lost, so the port is probed until it answers (at most 30 s), or the mock ends.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let answered = loop {
        let sent = client
            .post(format!("{api_url}/auth/tokens/"))
            .json(&serde_json::json!({"grant_type": "password", "username": "admin", "password": "nope"}))
            .send()
            .await;
        if let Ok(response) = sent {
            break response;
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr);
            panic!("the mock ended ({status}) when its standard output was closed: {stderr}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mock never answered on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(answered.status(), 401);
    assert!(child.try_wait().unwrap().is_none(), "the mock is still serving");
    let mock = Server::adopt(child);
    let (status, stderr) = mock.terminate();
    assert!(status.success(), "{status}: {stderr}");
}

#[test]
fn a_signal_sent_as_soon_as_the_first_line_is_read_stops_the_mock_gracefully() {
    // Scripts and the Python and npm wrappers read the first line, and may stop the mock at once.
    // Signals were listened for only after the last banner line: the window is short, and a
    // loaded machine hit it (the default action of SIGINT ended the mock with no "shutting
    // down"); twenty rounds make this a guard, not a proof.
    for round in 0..20 {
        let mut child = cckm_sync()
            .args(["mock", "--listen", "127.0.0.1:0", "--ready-json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.starts_with('{'), "{first}");
        let mock = Server::adopt(child);
        let (status, stderr) = mock.signal("-INT");
        assert!(status.success(), "round {round}: {status}: {stderr}");
        assert_eq!(stderr.trim(), "shutting down", "round {round}");
    }
}
