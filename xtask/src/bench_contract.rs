//! `cargo xtask bench-validate` and `cargo xtask bench-proxy`: what checking against the
//! contract costs, measured against a peer in the same run.
//!
//! - `bench-validate`: `cckm-sync validate` against `check-jsonschema` (the pinned one of
//!   `tools/`, installed into `.tools/` as `cargo xtask test` does) on the same files: a page
//!   of 10,000 jobs, and a folder of 1,000 recorded responses (700 jobs, 300 pages of 10 jobs).
//!   validate does more (the crate's parser as well as the schema, drift), check-jsonschema
//!   the schema alone, with formats checked like validate's.
//! - `bench-proxy`: the latency of calls to `cckm-sync mock` through `cckm-sync proxy` against
//!   the same calls made directly, alternating, one at a time on a kept-alive connection each.
//!
//! Neither is part of `cargo xtask test`: the figures depend on the machine and what else
//! runs; they are printed as absolute times and as ratios.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cckm_sync::AwsSyncJob;

use crate::bench_mock::{aws_jobs, token};
use crate::run::root;
use crate::server::{Server, build_cckm_sync};

/// Runs of each `validate` measurement; the fastest counts (check-jsonschema runs once: it
/// is the slow one, and its first run is not favoured by a warm cache any less).
const RUNS: usize = 3;

fn write(path: &Path, value: &impl serde::Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|error| error.to_string())?;
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

fn page_of(jobs: &[AwsSyncJob]) -> serde_json::Value {
    serde_json::json!({"skip": 0, "limit": jobs.len(), "total": jobs.len(), "resources": jobs})
}

/// Runs `command` `runs` times, failing unless it succeeds; the fastest time.
fn time(command: &mut Command, runs: usize) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        let output = command
            .output()
            .map_err(|error| format!("cannot run {:?}: {error}", command.get_program()))?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "{:?} failed ({}):\n{}{}",
                command.get_program(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        best = best.min(elapsed);
    }
    Ok(best)
}

pub(crate) fn validate() -> Result<(), String> {
    let root = root();
    let tools = crate::validate::ensure_tools(&root)?;
    let program = build_cckm_sync(true)?;
    let dir = root.join("target/bench-validate");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    }
    let recorded = dir.join("recorded");
    let (jobs_dir, pages_dir) = (recorded.join("jobs"), recorded.join("pages"));
    for folder in [&jobs_dir, &pages_dir] {
        std::fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    }
    let big_page = dir.join("page-10000-jobs.json");
    write(
        &big_page,
        &page_of(&aws_jobs(10_000, 0x0ea5_d52e_387c_44fa_b079_0000_0000_0000)?),
    )?;
    let mut job_files = Vec::new();
    for (index, job) in aws_jobs(700, 0x1ea5_d52e_387c_44fa_b079_0000_0000_0000)?
        .iter()
        .enumerate()
    {
        let file = jobs_dir.join(format!("job-{index:04}.json"));
        write(&file, job)?;
        job_files.push(file);
    }
    let mut page_files = Vec::new();
    for index in 0..300 {
        let file = pages_dir.join(format!("page-{index:04}.json"));
        write(
            &file,
            &page_of(&aws_jobs(10, 0x2ea5_d52e_387c_44fa_b079_0000_0000_0000 + index * 100)?),
        )?;
        page_files.push(file);
    }
    let schema = |name: &str| root.join("schemas").join(format!("{name}.schema.json"));
    let check_jsonschema = |schema: PathBuf, files: &[PathBuf]| {
        let mut command = tools.python_tool("check-jsonschema");
        command.arg("--schemafile").arg(schema).args(files);
        command
    };

    eprintln!("timing validate and check-jsonschema on {}", dir.display());
    let validate_page = time(Command::new(&program).arg("validate").arg(&big_page), RUNS)?;
    let peer_page = time(
        &mut check_jsonschema(schema("AwsSyncJobPage"), std::slice::from_ref(&big_page)),
        1,
    )?;
    let validate_folder = time(Command::new(&program).arg("validate").arg(&recorded), RUNS)?;
    let peer_folder = time(&mut check_jsonschema(schema("AwsSyncJob"), &job_files), 1)?
        + time(&mut check_jsonschema(schema("AwsSyncJobPage"), &page_files), 1)?;

    println!(
        "\n{:<42} {:>12} {:>18} {:>10}",
        "input", "validate", "check-jsonschema", "ratio"
    );
    for (name, ours, peer) in [
        ("a page of 10,000 jobs (one file)", validate_page, peer_page),
        ("1,000 recorded responses (a folder)", validate_folder, peer_folder),
    ] {
        println!(
            "{name:<42} {:>10.3} s {:>16.3} s {:>9.1}x",
            ours.as_secs_f64(),
            peer.as_secs_f64(),
            peer.as_secs_f64() / ours.as_secs_f64()
        );
    }
    println!(
        "(ratio: check-jsonschema's time over validate's; validate runs the crate's parser and the schema, \
         best of {RUNS}; check-jsonschema the schema alone, once per schema; both check formats)"
    );
    Ok(())
}

/// A kept-alive HTTP/1.1 connection, enough for the answers of the mock and the proxy (which
/// give a `Content-Length`).
struct Connection {
    reader: BufReader<TcpStream>,
    host: String,
}

impl Connection {
    fn open(base_url: &str) -> Result<Self, String> {
        let host = base_url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{base_url}: not http://"))?
            .trim_end_matches('/')
            .to_owned();
        let address: SocketAddr = host.parse().map_err(|_| format!("{host}: not an address"))?;
        let stream =
            TcpStream::connect_timeout(&address, Duration::from_secs(5)).map_err(|error| format!("{host}: {error}"))?;
        stream.set_nodelay(true).map_err(|error| error.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(|error| error.to_string())?;
        Ok(Self {
            reader: BufReader::new(stream),
            host,
        })
    }

    /// Sends a GET and reads the answer; its status and the length of its body.
    fn get(&mut self, path: &str, authorization: &str) -> Result<(u16, usize), String> {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {authorization}\r\nAccept: application/json\r\n\r\n",
            self.host
        );
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|error| error.to_string())?;
        let mut line = String::new();
        self.reader.read_line(&mut line).map_err(|error| error.to_string())?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .ok_or_else(|| format!("not an HTTP answer: {line:?}"))?;
        let mut length = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line).map_err(|error| error.to_string())?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or("an answer without Content-Length")?;
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).map_err(|error| error.to_string())?;
        Ok((status, length))
    }
}

/// Calls of each kind, each way.
const CALLS: usize = 500;

pub(crate) fn proxy() -> Result<(), String> {
    let program = build_cckm_sync(true)?;
    let seed = root().join("target/bench-proxy/seed");
    std::fs::create_dir_all(&seed).map_err(|error| format!("{}: {error}", seed.display()))?;
    let jobs = aws_jobs(100, 0x3ea5_d52e_387c_44fa_b079_0000_0000_0000)?;
    write(&seed.join("aws-keys.json"), &page_of(&jobs))?;
    let seed_dir = seed.to_string_lossy();
    let mock = Server::mock(&program, &["--token-lifetime", "3600s", "--seed", &seed_dir], &root())?;
    let mock_base = mock.base().to_owned();
    let proxy = Server::start(
        Command::new(&program).args(["proxy", "--listen", "127.0.0.1:0", "--upstream", &mock_base]),
        |line| {
            line.strip_prefix("cckm-sync proxy serving ")
                .and_then(|rest| rest.split(',').next())
                .map(str::to_owned)
        },
    )?;
    let authorization = format!("Bearer {}", token(&mock.url)?);
    let aws = cckm_sync::endpoints::find("aws-keys").ok_or("no endpoint aws-keys")?;
    let id = jobs.get(50).ok_or("no job")?.id;
    let cases = [
        ("get a job", aws.job_path(id)),
        ("list 10 jobs", format!("{}?limit=10", aws.collection_path())),
        ("list 100 jobs", format!("{}?limit=100", aws.collection_path())),
    ];
    let mut direct = Connection::open(&mock_base)?;
    let mut through = Connection::open(&proxy.url)?;
    println!(
        "\n{:<16} {:>12} {:>12} {:>12} {:>12} {:>10}",
        "call", "direct p50", "proxy p50", "added p50", "proxy p99", "ratio p50"
    );
    for (name, path) in &cases {
        let (mut plain, mut proxied) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
        // Warm-up, then the two ways in turn, so that both see the same machine.
        for _ in 0..50 {
            direct.get(path, &authorization)?;
            through.get(path, &authorization)?;
        }
        for _ in 0..CALLS {
            for (connection, times) in [(&mut direct, &mut plain), (&mut through, &mut proxied)] {
                let started = Instant::now();
                let (status, _) = connection.get(path, &authorization)?;
                times.push(started.elapsed());
                if status != 200 {
                    return Err(format!("{path} answered {status}"));
                }
            }
        }
        let (direct_p50, proxy_p50, proxy_p99) = (
            percentile(&mut plain, 50),
            percentile(&mut proxied, 50),
            percentile(&mut proxied, 99),
        );
        println!(
            "{name:<16} {:>9.3} ms {:>9.3} ms {:>9.3} ms {:>9.3} ms {:>9.2}x",
            millis(direct_p50),
            millis(proxy_p50),
            millis(proxy_p50.saturating_sub(direct_p50)),
            millis(proxy_p99),
            proxy_p50.as_secs_f64() / direct_p50.as_secs_f64()
        );
    }
    println!("({CALLS} calls of each kind each way, one at a time on a kept-alive connection, after 50 of warm-up)");
    drop(proxy);
    drop(mock);
    Ok(())
}

fn percentile(times: &mut [Duration], percent: usize) -> Duration {
    times.sort();
    let index = (times.len() * percent / 100).min(times.len().saturating_sub(1));
    times.get(index).copied().unwrap_or_default()
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
