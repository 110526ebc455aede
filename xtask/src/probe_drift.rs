//! `cargo xtask probe-drift`: the probes of what a stranger can make `cckm-sync proxy` keep and
//! `cckm-sync validate` read, at full size, each figure printed beside its bound: a flood of new
//! query parameter names through the proxy, an upstream that answers new fields, a large HAR
//! file validated, `validate` given a device and a named pipe, and the HAR file's bound: a
//! proxy recording with `--har-max-size 1MiB` through which a few thousand calls go.
//!
//! Not a test: the figures depend on the machine and what else runs.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cckm_sync_contract::{MAX_DRIFT_KINDS, MAX_NEW_DRIFT_ANNOUNCED, MAX_QUOTE};

use crate::bench_mock::token;
use crate::run::root;
use crate::server::{Server, build_cckm_sync, read_lines};

/// Requests of the flood, each with `NAMES` new parameter names (about 10 KB).
const REQUESTS: usize = 200;
const NAMES: usize = 1_000;
/// Upstream answers, each with `FIELDS` new fields.
const ANSWERS: usize = 2_000;
const FIELDS: usize = 100;
/// The size of the HAR file `validate` reads.
const HAR_BYTES: u64 = 600 << 20;
/// The bound of the recording (`--har-max-size`), and the calls made through that proxy.
const HAR_MAX: &str = "1MiB";
const HAR_MAX_BYTES: u64 = 1 << 20;
const RECORDED_CALLS: usize = 3_000;

/// Runs the probes.
pub(crate) fn run() -> Result<(), String> {
    let program = build_cckm_sync(true)?;
    let dir = root().join("target/probe-drift");
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mock = Server::mock(&program, &[], &dir)?;
    flood(
        &program,
        &mock.url,
        &dir,
        "clients send new query parameter names",
        |proxy, jwt| {
            for request in 0..REQUESTS {
                let query: Vec<String> = (0..NAMES).map(|name| format!("q{request:03}x{name:04}=1")).collect();
                get(
                    proxy,
                    &format!("/api/v1/cckm/aws/synchronization-jobs?{}", query.join("&")),
                    jwt,
                )?;
            }
            Ok(format!("{REQUESTS} requests of {NAMES} new names"))
        },
    )?;
    let upstream = fields_upstream()?;
    flood(
        &program,
        &upstream,
        &dir,
        "the upstream answers new fields",
        |proxy, _| {
            for _ in 0..ANSWERS {
                get(proxy, "/api/v1/cckm/dsm/refresh", "Bearer x")?;
            }
            Ok(format!("{ANSWERS} answers of {FIELDS} new fields"))
        },
    )?;
    large_har(&program, &dir)?;
    unreadable(&program, &dir)?;
    har_bound(&program, &mock.url, &dir)?;
    Ok(())
}

/// Starts the proxy in front of `upstream`, runs `load` through it and prints the figures.
fn flood(
    program: &Path,
    upstream: &str,
    dir: &Path,
    what: &str,
    load: impl FnOnce(&str, &str) -> Result<String, String>,
) -> Result<(), String> {
    let log = dir.join("proxy-stderr.log");
    let report = dir.join("report.json");
    let mut child = Command::new(program)
        .args(["proxy", "--listen", "127.0.0.1:0", "--upstream", upstream, "--report"])
        .arg(&report)
        .stdout(Stdio::piped())
        .stderr(File::create(&log).map_err(|error| error.to_string())?)
        .spawn()
        .map_err(|error| format!("cannot start the proxy: {error}"))?;
    let result = flood_with(&mut child, &log, &report, what, load);
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// The proxy's URL, from the first line it prints (`cckm-sync proxy serving URL, …`), read
/// within 60 s.
fn proxy_url(lines: &std::sync::mpsc::Receiver<String>) -> Result<String, String> {
    let first = lines
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| "the proxy printed nothing".to_owned())?;
    first
        .strip_prefix("cckm-sync proxy serving ")
        .and_then(|rest| rest.split(',').next())
        .map(str::to_owned)
        .ok_or_else(|| format!("the proxy said {first:?}"))
}

fn flood_with(
    child: &mut Child,
    log: &Path,
    report: &Path,
    what: &str,
    load: impl FnOnce(&str, &str) -> Result<String, String>,
) -> Result<(), String> {
    // Read on, to the end: the proxy prints until it exits.
    let lines = read_lines(child.stdout.take().ok_or("no output")?);
    let url = proxy_url(&lines)?;
    let jwt = format!("Bearer {}", token(&format!("{url}/api/v1")).unwrap_or_default());
    let pid = child.id();
    let before = memory(pid);
    let started = Instant::now();
    let load = load(&url, &jwt)?;
    let elapsed = started.elapsed();
    let after = memory(pid);
    let logged = std::fs::metadata(log).map_or(0, |metadata| metadata.len());
    let stopping = Instant::now();
    Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .map_err(|error| error.to_string())?;
    child.wait().map_err(|error| error.to_string())?;
    let shutdown = stopping.elapsed();
    let total_log = std::fs::metadata(log).map_or(0, |metadata| metadata.len());
    let longest = std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0);
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(report).map_err(|error| error.to_string())?)
        .map_err(|error| error.to_string())?;
    println!("{what}: {load} in {:.1} s", elapsed.as_secs_f64());
    println!(
        "  proxy RSS            {} → {} (peak {})",
        mib(before.0),
        mib(after.0),
        mib(after.1)
    );
    println!(
        "  drift kinds kept     {:>9}   bound {MAX_DRIFT_KINDS}",
        report["drift"].as_array().map_or(0, Vec::len)
    );
    println!(
        "  drift items dropped  {:>9}   counted: {} of kinds not kept, {} beyond a body's bound",
        report["drift_dropped"]["occurrences"].as_u64().unwrap_or(0)
            + report["drift_dropped"]["beyond_case_bound"].as_u64().unwrap_or(0),
        report["drift_dropped"]["occurrences"],
        report["drift_dropped"]["beyond_case_bound"]
    );
    println!(
        "  kinds not announced  {:>9}   bound {MAX_NEW_DRIFT_ANNOUNCED} announced per category",
        report["drift_dropped"]["unannounced"]
    );
    println!("  stderr during load   {logged:>9} B, {total_log} B with the summary at exit");
    println!("  longest stderr line  {longest:>9} characters   bound: URLs and names quoted up to {MAX_QUOTE}");
    println!("  shutdown             {:>9.2} s", shutdown.as_secs_f64());
    Ok(())
}

/// A GET on a connection of its own; the answer is read and dropped.
fn get(base: &str, target: &str, authorization: &str) -> Result<(), String> {
    let host = base.strip_prefix("http://").unwrap_or(base).trim_end_matches('/');
    let mut stream = TcpStream::connect(host).map_err(|error| format!("{host}: {error}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|error| error.to_string())?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|error| error.to_string())?;
    Ok(())
}

/// An upstream that answers every call with an empty page holding `FIELDS` fields never sent
/// before.
fn fields_upstream() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    std::thread::spawn(move || {
        for (answer, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(match stream.try_clone() {
                Ok(read) => read,
                Err(_) => continue,
            });
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let fields: Vec<String> = (0..FIELDS).map(|field| format!("\"f{answer}_{field}\": 1")).collect();
            let body = format!(
                "{{\"skip\": 0, \"limit\": 10, \"total\": 0, \"resources\": [], {}}}",
                fields.join(", ")
            );
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Ok(format!("http://{address}/api/v1"))
}

/// Writes a HAR file of `HAR_BYTES` (pages of 100 AWS jobs) and validates it.
fn large_har(program: &Path, dir: &Path) -> Result<(), String> {
    let path = dir.join("large.har");
    let written = write_har(&path)?;
    let mut child = Command::new(program)
        .args(["validate", "--format", "json"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| error.to_string())?;
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        peak = peak.max(memory(child.id()).1);
        if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let _ = std::fs::remove_file(&path);
    println!(
        "validate of a {} HAR file: exit {}, {:.1} s, peak RSS {} ({:.2}× the file; before streaming, 2.6–4.4×)",
        mib(written),
        status.code().unwrap_or(-1),
        elapsed.as_secs_f64(),
        mib(peak),
        peak as f64 / written as f64
    );
    Ok(())
}

fn write_har(path: &Path) -> Result<u64, String> {
    let file = File::create(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let io = |error: std::io::Error| error.to_string();
    out.write_all(b"{\"log\": {\"version\": \"1.2\", \"entries\": [")
        .map_err(io)?;
    let mut written = 0_u64;
    let mut entry = 0_u128;
    while written < HAR_BYTES {
        let jobs: Vec<serde_json::Value> = (0..100)
            .map(|index| {
                serde_json::json!({"id": uuid::Uuid::from_u128(entry * 100 + index + 1), "uri": "u", "account": "a",
                    "application": "p", "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z",
                    "updatedAt": "2021-03-03T09:22:15.636481Z", "overall_status": "completed", "cloud": "aws",
                    "kms": ["kms"], "regions": ["us-east-1"],
                    "detailed_status": {"123456789012/us-east-1": "region synchronized successfully"}, "abort": false})
            })
            .collect();
        let page = serde_json::json!({"skip": 0, "limit": 100, "total": 100, "resources": jobs}).to_string();
        let text = serde_json::json!({"request": {"method": "GET", "url": "http://127.0.0.1:8443/api/v1/cckm/aws/synchronization-jobs"},
            "response": {"status": 200, "content": {"mimeType": "application/json", "text": page}}})
        .to_string();
        if entry > 0 {
            out.write_all(b",\n").map_err(io)?;
        }
        out.write_all(text.as_bytes()).map_err(io)?;
        written += text.len() as u64 + 2;
        entry += 1;
    }
    out.write_all(b"\n]}}\n").map_err(io)?;
    out.flush().map_err(io)?;
    Ok(std::fs::metadata(path).map_err(io)?.len())
}

/// `validate` given `/dev/zero` and a named pipe no one writes to: each refused at once.
fn unreadable(program: &Path, dir: &Path) -> Result<(), String> {
    let pipe = dir.join("pipe.har");
    let _ = std::fs::remove_file(&pipe);
    let made = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .is_ok_and(|status| status.success());
    for path in [Path::new("/dev/zero"), pipe.as_path()] {
        if path == pipe && !made {
            continue;
        }
        let started = Instant::now();
        let output = Command::new(program)
            .arg("validate")
            .arg(path)
            .output()
            .map_err(|error| error.to_string())?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        println!(
            "validate {}: exit {} after {:.3} s: {}",
            path.display(),
            output.status.code().unwrap_or(-1),
            started.elapsed().as_secs_f64(),
            stderr.lines().next().unwrap_or_default()
        );
    }
    let _ = std::fs::remove_file(&pipe);
    Ok(())
}

/// A proxy in front of the mock recording with `--har-max-size 1MiB`, `RECORDED_CALLS` calls
/// through it (a start, then lists of its job), Ctrl-C; then the file's size beside its bound,
/// whether `validate` reads it, and the calls not recorded as the proxy's summary counts them.
fn har_bound(program: &Path, upstream: &str, dir: &Path) -> Result<(), String> {
    let har = dir.join("bounded.har");
    let log = dir.join("har-proxy-stderr.log");
    let _ = std::fs::remove_file(&har);
    let mut child = Command::new(program)
        .args([
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            upstream,
            "--har-max-size",
            HAR_MAX,
            "--har",
        ])
        .arg(&har)
        .stdout(Stdio::piped())
        .stderr(File::create(&log).map_err(|error| error.to_string())?)
        .spawn()
        .map_err(|error| format!("cannot start the proxy: {error}"))?;
    let result = har_bound_with(&mut child, &har, &log);
    let _ = child.kill();
    let _ = child.wait();
    let (elapsed, shutdown) = result?;
    let size = std::fs::metadata(&har).map_or(0, |metadata| metadata.len());
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    let summary = logged
        .lines()
        .find(|line| line.starts_with("recorded "))
        .unwrap_or("(no `recorded` line in the summary)");
    let checked = logged
        .lines()
        .find(|line| line.contains("bodies checked in"))
        .unwrap_or_default();
    let validated = Command::new(program)
        .arg("validate")
        .arg(&har)
        .output()
        .map_err(|error| error.to_string())?;
    let said = String::from_utf8_lossy(&validated.stdout);
    let verdict = said
        .lines()
        .rev()
        .find(|line| line.contains("bodies checked"))
        .unwrap_or_else(|| said.lines().last().unwrap_or_default());
    println!(
        "HAR file's bound: {RECORDED_CALLS} calls through a proxy with --har-max-size {HAR_MAX} in {:.1} s (shutdown {:.2} s)",
        elapsed.as_secs_f64(),
        shutdown.as_secs_f64()
    );
    println!(
        "  file size            {:>9} B   bound {HAR_MAX_BYTES} B ({HAR_MAX}){}",
        size,
        if size <= HAR_MAX_BYTES { "" } else { ": beyond it" }
    );
    println!(
        "  validate             exit {}: {}",
        validated.status.code().unwrap_or(-1),
        verdict.trim()
    );
    println!("  proxy summary        {}", checked.trim());
    println!("                       {summary}");
    Ok(())
}

/// Makes the calls through the proxy and stops it with Ctrl-C (SIGINT): how long the calls
/// took, and the shutdown.
fn har_bound_with(child: &mut Child, har: &Path, log: &Path) -> Result<(Duration, Duration), String> {
    let lines = read_lines(child.stdout.take().ok_or("no output")?);
    let url = proxy_url(&lines)?;
    let jwt = format!("Bearer {}", token(&format!("{url}/api/v1"))?);
    let started = Instant::now();
    post(
        &url,
        "/api/v1/cckm/aws/synchronization-jobs",
        &jwt,
        r#"{"kms":["kms"],"regions":["us-east-1","eu-west-1"]}"#,
    )?;
    for _ in 1..RECORDED_CALLS {
        get(&url, "/api/v1/cckm/aws/synchronization-jobs", &jwt)?;
    }
    let elapsed = started.elapsed();
    let stopping = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .map_err(|error| error.to_string())?;
    // The proxy writes its summary and exits; a minute is more than it needs.
    loop {
        if child.try_wait().map_err(|error| error.to_string())?.is_some() {
            break;
        }
        if stopping.elapsed() > Duration::from_secs(60) {
            return Err(format!(
                "the proxy did not exit within 60 s of Ctrl-C (its log: {}, its file: {})",
                log.display(),
                har.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok((elapsed, stopping.elapsed()))
}

/// A POST of a JSON body on a connection of its own; the answer is read and dropped.
fn post(base: &str, target: &str, authorization: &str, body: &str) -> Result<(), String> {
    let host = base.strip_prefix("http://").unwrap_or(base).trim_end_matches('/');
    let mut stream = TcpStream::connect(host).map_err(|error| format!("{host}: {error}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|error| error.to_string())?;
    write!(
        stream,
        "POST {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|error| error.to_string())?;
    Ok(())
}

/// The resident and the peak resident memory of a process, in bytes (0 where `/proc` has none).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}
