//! `cargo xtask bench-mock`: the stateful `cckm-sync mock` against Prism, the stateless OpenAPI
//! mock, serving the same document on the same machine in the same run.
//!
//! Two calls, each driven by `wrk` at 64 connections for [`DURATION`] after a warm-up:
//!
//! - a list of AWS key jobs (`?limit=10`): the mock filters, sorts and pages a store of
//!   [`STORE`] jobs (loaded with `--seed`); Prism answers from the document's example;
//! - a get of one of those jobs; Prism answers with a job it makes up from the schema.
//!
//! Printed: requests per second of each, their ratio, and the 99th percentile of latency of
//! each. Not part of `cargo xtask test`: figures depend on the machine and what else runs.
//!
//! Needs `wrk` (Debian: `apt-get install wrk`; installed that way when missing and running as
//! root with apt) and Node.js; Prism is installed from `tools/bench/` into `.tools/bench-node`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::run::{output, root, status};
use crate::server::{Server, build_cckm_sync};

/// Jobs in the mock's store.
const STORE: usize = 1_000;
/// Connections `wrk` keeps open.
const CONNECTIONS: &str = "64";
/// How long each measurement lasts.
const DURATION: &str = "10s";
/// How long each warm-up lasts.
const WARM_UP: &str = "2s";
/// Where Prism is installed, relative to the workspace root.
const PRISM_DIR: &str = ".tools/bench-node";

pub(crate) fn run() -> Result<(), String> {
    let root = root();
    let wrk = ensure_wrk()?;
    let prism = ensure_prism(&root)?;
    let program = build_cckm_sync(true)?;
    // `target/release/cckm-sync` → `target/bench-mock/seed`.
    let target = program
        .ancestors()
        .nth(2)
        .ok_or("the program is not in a target folder")?;
    let seed = target.join("bench-mock/seed");
    let ids = write_store(&seed)?;
    let seed_dir = seed.to_string_lossy();
    let mock = Server::mock(&program, &["--token-lifetime", "3600s", "--seed", &seed_dir], &root)?;
    let mock_url = mock.url.clone();
    let token = token(&mock_url)?;

    let port = free_port()?;
    let prism_url = format!("http://127.0.0.1:{port}");
    let prism = Server::start(
        Command::new(std::env::var_os("NODE").unwrap_or_else(|| "node".into()))
            .arg(&prism)
            .args([
                "mock",
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
                "false",
            ])
            .arg(root.join(cckm_sync_codegen::OPENAPI_31)),
        |line| line.contains("Prism is listening").then(|| prism_url.clone()),
    )?;

    let aws = cckm_sync::endpoints::find("aws-keys").ok_or("no endpoint aws-keys")?;
    let id = ids.get(STORE / 2).ok_or("the store is empty")?;
    // Prism serves the document's paths without the server's `/api/v1`.
    let relative = |path: &str| {
        path.strip_prefix(cckm_sync::endpoints::API_PREFIX)
            .unwrap_or(path)
            .to_owned()
    };
    let cases = [
        (
            format!("list ({STORE} jobs, limit=10)"),
            format!("{}?limit=10", aws.collection_path()),
        ),
        ("get".to_owned(), aws.job_path(*id)),
    ];
    let authorization = format!("Authorization: Bearer {token}");
    let mut rows = Vec::new();
    for (name, path) in &cases {
        let mock_figures = measure(&wrk, &format!("{}{}", mock.base(), path), &authorization)?;
        let prism_figures = measure(&wrk, &format!("{}{}", prism.url, relative(path)), &authorization)?;
        rows.push((name.clone(), mock_figures, prism_figures));
    }
    drop(prism);
    drop(mock);

    println!(
        "\n{:<28} {:>12} {:>10} {:>12} {:>10} {:>8}",
        "call", "mock req/s", "mock p99", "Prism req/s", "Prism p99", "ratio"
    );
    for (name, mock, prism) in rows {
        println!(
            "{name:<28} {:>12.0} {:>8.2}ms {:>12.0} {:>8.2}ms {:>7.1}x",
            mock.requests_per_second,
            mock.p99_ms,
            prism.requests_per_second,
            prism.p99_ms,
            mock.requests_per_second / prism.requests_per_second
        );
    }
    println!("(wrk, {CONNECTIONS} connections, {DURATION} each after {WARM_UP} of warm-up; every answer 200)");
    Ok(())
}

/// What `wrk` measured.
struct Figures {
    requests_per_second: f64,
    p99_ms: f64,
}

/// Warms `url` up, then measures it.
fn measure(wrk: &Path, url: &str, authorization: &str) -> Result<Figures, String> {
    let run = |duration: &str| {
        output(
            Command::new(wrk)
                .args([
                    "--threads",
                    "2",
                    "--connections",
                    CONNECTIONS,
                    "--duration",
                    duration,
                    "--latency",
                ])
                .args(["--header", authorization])
                .arg(url),
        )
    };
    run(WARM_UP)?;
    let report = run(DURATION)?;
    eprintln!("{url}\n{report}");
    if report.contains("Non-2xx or 3xx responses") {
        return Err(format!("{url} answered errors under load:\n{report}"));
    }
    let requests_per_second = report
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse::<f64>().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's report:\n{report}"))?;
    let p99 = report
        .lines()
        .find_map(|line| line.trim().strip_prefix("99%"))
        .map(str::trim)
        .ok_or_else(|| format!("no 99% latency in wrk's report:\n{report}"))?;
    Ok(Figures {
        requests_per_second,
        p99_ms: milliseconds(p99).ok_or_else(|| format!("cannot read the latency {p99:?}"))?,
    })
}

/// `812.00us`, `1.25ms`, `2.01s` → milliseconds.
fn milliseconds(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => return None,
    })
}

/// `count` ended AWS key jobs, made from a job of the vendor's example page: ids from
/// `first_id` on, created a minute apart, each of its own KMS.
pub(crate) fn aws_jobs(count: usize, first_id: u128) -> Result<Vec<cckm_sync::AwsSyncJob>, String> {
    let fixture = root()
        .join(cckm_sync_codegen::fixtures::DIR)
        .join("pages/seed-aws-keys-aborted-and-completed.json");
    let text = std::fs::read_to_string(&fixture).map_err(|error| format!("{}: {error}", fixture.display()))?;
    let page: cckm_sync::AwsSyncJobPage = cckm_sync::from_str(&text).map_err(|error| error.to_string())?;
    let template = page.resources.last().ok_or("the fixture has no job")?.clone();
    Ok((0..count)
        .map(|index| {
            let mut job = template.clone();
            job.id = uuid::Uuid::from_u128(first_id + index as u128);
            job.uri = format!("kylo:kylo:cckm:synchronize:{}", job.id);
            let offset = chrono::TimeDelta::seconds(60 * index as i64);
            job.created_at += offset;
            job.updated_at += offset;
            job.completed_at = job.completed_at.map(|at| at + offset);
            job.scope.kms = Some(vec![format!("kms-{index}")]);
            job
        })
        .collect())
}

/// Writes a page of [`STORE`] ended AWS key jobs into `dir`, and returns their ids.
fn write_store(dir: &Path) -> Result<Vec<uuid::Uuid>, String> {
    let jobs = aws_jobs(STORE, 0x0ea5_d52e_387c_44fa_b079_0000_0000_0000)?;
    let ids = jobs.iter().map(|job| job.id).collect();
    let page = cckm_sync::Page::new(0, -1, STORE as u64, jobs);
    std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let file = dir.join("aws-keys-bench.json");
    let text = serde_json::to_string(&page).map_err(|error| error.to_string())?;
    std::fs::write(&file, text).map_err(|error| format!("{}: {error}", file.display()))?;
    Ok(ids)
}

/// A JWT from the mock's token call (one HTTP/1.1 request; the xtask needs no HTTP client).
pub(crate) fn token(api_url: &str) -> Result<String, String> {
    let address: SocketAddr = api_url
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .and_then(|host| host.parse().ok())
        .ok_or_else(|| format!("cannot read the address of {api_url}"))?;
    let body = r#"{"grant_type":"password","username":"admin","password":"admin"}"#;
    let request = format!(
        "POST /api/v1/auth/tokens HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).map_err(|error| error.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|error| error.to_string())?;
    stream
        .write_all(request.as_bytes())
        .map_err(|error| error.to_string())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(|error| error.to_string())?;
    let (_, json) = answer.split_once("\r\n\r\n").ok_or("no body in the token answer")?;
    let token: cckm_sync::TokenResponse =
        serde_json::from_str(json).map_err(|error| format!("token answer {json:?}: {error}"))?;
    Ok(token.jwt)
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| error.to_string())
}

/// `wrk`, installed with apt when missing and possible.
fn ensure_wrk() -> Result<PathBuf, String> {
    let found = |name: &str| {
        std::env::var_os("PATH")
            .into_iter()
            .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    };
    if let Some(wrk) = found("wrk") {
        return Ok(wrk);
    }
    if found("apt-get").is_some() {
        eprintln!("installing wrk with apt-get");
        status(Command::new("apt-get").arg("update").arg("-qq"))?;
        status(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))?;
    }
    found("wrk").ok_or_else(|| "wrk is needed: install it (Debian and Ubuntu: apt-get install wrk)".to_owned())
}

/// Prism's entry point, installed from `tools/bench/` with `npm ci` when its lock file changed.
fn ensure_prism(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(PRISM_DIR);
    let entry = dir.join("node_modules/@stoplight/prism-cli/dist/index.js");
    let lock = root.join("tools/bench/package-lock.json");
    let stamp = dir.join("installed-package-lock.json");
    let current = std::fs::read(&lock).map_err(|error| format!("{}: {error}", lock.display()))?;
    if entry.is_file() && std::fs::read(&stamp).ok().as_deref() == Some(current.as_slice()) {
        return Ok(entry);
    }
    eprintln!("installing Prism into {PRISM_DIR}");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(root.join("tools/bench").join(file), dir.join(file))
            .map_err(|error| format!("{file}: {error}"))?;
    }
    let npm = std::env::var_os("NPM").unwrap_or_else(|| "npm".into());
    status(Command::new(npm).args(["ci", "--prefix"]).arg(&dir).args([
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--no-update-notifier",
    ]))?;
    std::fs::write(&stamp, current).map_err(|error| format!("{}: {error}", stamp.display()))?;
    Ok(entry)
}

/// Writes `value` as pretty JSON to `path`.
pub(crate) fn write(path: &Path, value: &impl serde::Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|error| error.to_string())?;
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

/// A page of `jobs`, all of them.
pub(crate) fn page_of(jobs: &[cckm_sync::AwsSyncJob]) -> serde_json::Value {
    serde_json::json!({"skip": 0, "limit": jobs.len(), "total": jobs.len(), "resources": jobs})
}

#[cfg(test)]
mod tests {
    use super::milliseconds;

    #[test]
    fn wrk_latencies_read_in_milliseconds() {
        let close = |text: &str, expected: f64| {
            let read = milliseconds(text).unwrap();
            assert!((read - expected).abs() < 1e-9, "{text}: {read}");
        };
        close("812.00us", 0.812);
        close("1.25ms", 1.25);
        close("2.01s", 2010.0);
        assert_eq!(milliseconds("fast"), None);
    }
}
