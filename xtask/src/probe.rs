//! `cargo xtask probe [--program PATH]`: what a client without credentials (or with one token)
//! can do to `cckm-sync mock`, at full size, each figure printed beside the bound the README
//! states. Not a test: it measures, and fails only when it cannot run.
//!
//! 1. Idle sockets: 1,100 connections that send nothing; then 20 new clients, each a list call
//!    (served or not, and how long each waited); how many idle sockets the mock closed after
//!    35 s.
//! 2. Starts of growing scope (AWS, kms × regions of 50 to 400 each): the answer and its time,
//!    and how long a list sent during the largest start accepted waited.
//! 3. The control API: whether `GET /__mock/requests` shows the password, the JWT and the
//!    refresh token of a login, and whether a header read from it is accepted again.
//! 4. The received-requests log: 1,000 requests with about 361 KB of headers each to an unknown
//!    path, the mock's RSS before and after; then four reads of `GET /__mock/requests` at once,
//!    the largest RSS seen meanwhile.
//!
//! 5. Items across the store: AWS jobs of 100 × 100 items started one after another (the clock
//!    advanced between starts so that each ends) until a start is refused.
//! 6. Lists off the lock: a store of 10,000 jobs, a list of all of them (`limit=-1`) and a start
//!    sent 20 ms into it.
//! 7. Stalled TLS handshakes: `--tls`, 1,100 connections that send a partial ClientHello or
//!    nothing, then 20 new TLS clients (curl) each a list call.
//!
//! 5 to 7 are in [`bounds`]. It needs some 1,200 file descriptors (`ulimit -n 4096`) and, for
//! 7, `curl`. `--program` runs another build of `cckm-sync` (an older one, to compare): it
//! reads only the lines every version prints.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod bounds;

const USERNAME: &str = "probe-user";
const PASSWORD: &str = "probe-secret-pw";

/// Runs every probe against `--program` (default: the release build of this tree).
pub(crate) fn run(program: Option<PathBuf>) -> Result<(), String> {
    let program = match program {
        Some(program) => program,
        None => crate::server::build_cckm_sync(true)?,
    };
    println!("cckm-sync mock probes, {}", program.display());
    idle_sockets(&program)?;
    starts(&program)?;
    control_api(&program)?;
    received_requests(&program)?;
    bounds::items_across_store(&program)?;
    bounds::lists_off_the_lock(&program)?;
    bounds::stalled_handshakes(&program)?;
    Ok(())
}

/// A running `cckm-sync mock`, killed when dropped.
struct Mock {
    child: Child,
    address: SocketAddr,
    /// The certificate a mock started with `--tls` names.
    certificate: Option<PathBuf>,
}

impl Mock {
    fn start(program: &Path, extra: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(program)
            .args([
                "mock",
                "--listen",
                "127.0.0.1:0",
                "--username",
                USERNAME,
                "--password",
                PASSWORD,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot run {}: {error}", program.display()))?;
        let stdout = child.stdout.take().ok_or("no standard output")?;
        let mut lines = BufReader::new(stdout).lines();
        let (address, tls) = loop {
            let line = lines
                .next()
                .ok_or("the mock ended before it said where it serves")?
                .map_err(|error| error.to_string())?;
            let url = line.strip_prefix("cckm-sync mock serving ");
            if let Some(rest) = url.and_then(|url| url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")))
            {
                let host = rest.split('/').next().unwrap_or_default();
                let address: SocketAddr = host.parse().map_err(|error| format!("{host}: {error}"))?;
                break (address, url.is_some_and(|url| url.starts_with("https://")));
            }
        };
        // Over TLS, one of the next lines names the certificate: `  certificate: PATH (…)`.
        let mut certificate = None;
        if tls {
            for line in lines.by_ref().take(8) {
                let line = line.map_err(|error| error.to_string())?;
                if let Some(rest) = line.trim_start().strip_prefix("certificate: ") {
                    certificate = rest.split(" (").next().map(PathBuf::from);
                    break;
                }
            }
        }
        // What it prints afterwards is drained, so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            address,
            certificate,
        })
    }

    fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// One HTTP/1.1 call with `Connection: close`: the status and the body, or why none came
/// within `timeout`.
fn call(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(|error| error.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|error| error.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|error| error.to_string())?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream
        .write_all(request.as_bytes())
        .map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|error| error.to_string())?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("no status in {:?}", text.chars().take(80).collect::<String>()))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn login(address: SocketAddr) -> Result<(String, String), String> {
    let body = format!(r#"{{"grant_type":"password","username":"{USERNAME}","password":"{PASSWORD}"}}"#);
    let (status, answer) = call(
        address,
        "POST",
        "/api/v1/auth/tokens",
        &[],
        &body,
        Duration::from_secs(10),
    )?;
    if status != 200 {
        return Err(format!("the token call answered {status}: {answer}"));
    }
    let answer: serde_json::Value = serde_json::from_str(&answer).map_err(|error| error.to_string())?;
    let jwt = answer["jwt"].as_str().unwrap_or_default().to_owned();
    let refresh = answer["refresh_token"].as_str().unwrap_or_default().to_owned();
    Ok((jwt, refresh))
}

fn bearer(jwt: &str) -> [(&'static str, String); 1] {
    [("Authorization", format!("Bearer {jwt}"))]
}

fn idle_sockets(program: &Path) -> Result<(), String> {
    const IDLE: usize = 1_100;
    const CLIENTS: usize = 20;
    let mock = Mock::start(program, &[])?;
    let (jwt, _) = login(mock.address)?;
    let started = Instant::now();
    let mut idle = Vec::new();
    for _ in 0..IDLE {
        match TcpStream::connect_timeout(&mock.address, Duration::from_secs(5)) {
            Ok(stream) => idle.push(stream),
            Err(error) => {
                return Err(format!(
                    "cannot open idle socket {}: {error} (ulimit -n 4096?)",
                    idle.len()
                ));
            }
        }
    }
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let jwt = jwt.clone();
            let address = mock.address;
            std::thread::spawn(move || {
                let began = Instant::now();
                let served = call(
                    address,
                    "GET",
                    "/api/v1/cckm/aws/synchronization-jobs",
                    &bearer(&jwt),
                    "",
                    Duration::from_secs(40),
                )
                .is_ok_and(|(status, _)| status == 200);
                (served, began.elapsed())
            })
        })
        .collect();
    let results: Vec<(bool, Duration)> = clients.into_iter().filter_map(|client| client.join().ok()).collect();
    let served = results.iter().filter(|(served, _)| *served).count();
    let longest = results
        .iter()
        .filter(|(served, _)| *served)
        .map(|(_, waited)| *waited)
        .max()
        .unwrap_or_default();
    if let Some(left) = Duration::from_secs(35).checked_sub(started.elapsed()) {
        std::thread::sleep(left);
    }
    let closed = closed_by_peer(&idle);
    println!(
        "1. {IDLE} idle sockets: {served} of {CLIENTS} new clients served (longest wait {longest:.2?}); {closed} of {IDLE} idle sockets closed after 35 s | bound: idle connections closed after 30 s, idle for 1 s make way when the 1,024 slots are taken"
    );
    Ok(())
}

fn starts(program: &Path) -> Result<(), String> {
    let mock = Mock::start(program, &["--job-duration", "10ms"])?;
    let (jwt, _) = login(mock.address)?;
    for size in [50, 100, 200, 400] {
        let names = |prefix: &str| {
            (0..size)
                .map(|i| format!("\"{prefix}-{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        };
        let body = format!(r#"{{"kms":[{}],"regions":[{}]}}"#, names("kms"), names("r"));
        // A list sent while the start runs.
        let listing = {
            let jwt = jwt.clone();
            let address = mock.address;
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(5));
                let began = Instant::now();
                let answer = call(
                    address,
                    "GET",
                    "/api/v1/cckm/azure/synchronization-jobs",
                    &bearer(&jwt),
                    "",
                    Duration::from_secs(60),
                );
                (answer.map(|(status, _)| status), began.elapsed())
            })
        };
        let began = Instant::now();
        let answer = call(
            mock.address,
            "POST",
            "/api/v1/cckm/aws/synchronization-jobs",
            &bearer(&jwt),
            &body,
            Duration::from_secs(120),
        );
        let took = began.elapsed();
        let (list_status, list_took) = listing.join().map_err(|_| "the list thread failed")?;
        let status = answer.map_or_else(|error| error, |(status, _)| status.to_string());
        println!(
            "2. start {size}×{size} ({} B body, {} items): {status} after {took:.2?}; a list meanwhile: {} after {list_took:.2?} | bound: 10,000 items a job (400 beyond, before any work)",
            body.len(),
            size * size,
            list_status.map_or_else(|error| error, |status| status.to_string()),
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn control_api(program: &Path) -> Result<(), String> {
    let mock = Mock::start(program, &[])?;
    let (jwt, refresh) = login(mock.address)?;
    let _ = call(
        mock.address,
        "GET",
        "/api/v1/cckm/aws/synchronization-jobs",
        &bearer(&jwt),
        "",
        Duration::from_secs(10),
    )?;
    let (status, listed) = call(
        mock.address,
        "GET",
        "/__mock/requests",
        &[],
        "",
        Duration::from_secs(10),
    )?;
    let shown: Vec<&str> = [
        ("password", PASSWORD),
        ("jwt", jwt.as_str()),
        ("refresh token", refresh.as_str()),
    ]
    .iter()
    .filter(|(_, secret)| listed.contains(secret))
    .map(|(name, _)| *name)
    .collect();
    let requests: serde_json::Value = serde_json::from_str(&listed).unwrap_or_default();
    let header = requests
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|request| request["headers"].as_array().into_iter().flatten())
        .find(|pair| pair[0] == "authorization")
        .and_then(|pair| pair[1].as_str())
        .unwrap_or_default()
        .to_owned();
    let replayed = call(
        mock.address,
        "GET",
        "/api/v1/cckm/aws/synchronization-jobs",
        &[("Authorization", header.clone())],
        "",
        Duration::from_secs(10),
    )?;
    println!(
        "3. GET /__mock/requests without a token on loopback: {status}; secrets shown: {}; its Authorization header {header:?} replayed: {} | bound: credentials redacted unless --record-credentials; beyond loopback a control token",
        if shown.is_empty() {
            "none".to_owned()
        } else {
            shown.join(", ")
        },
        replayed.0
    );
    Ok(())
}

fn received_requests(program: &Path) -> Result<(), String> {
    const REQUESTS: usize = 1_000;
    let mock = Mock::start(program, &[])?;
    let before = mock.rss_kib();
    // 37 headers of 9,750 bytes: some 361 KB.
    let filler: Vec<(&str, String)> = (0..37)
        .map(|i| {
            (
                Box::leak(format!("x-filler-{i}").into_boxed_str()) as &str,
                "f".repeat(9_750),
            )
        })
        .collect();
    let began = Instant::now();
    for index in 0..REQUESTS {
        call(
            mock.address,
            "GET",
            &format!("/api/v1/nowhere/{index}"),
            &filler,
            "",
            Duration::from_secs(30),
        )?;
    }
    let took = began.elapsed();
    let after = mock.rss_kib();
    let peak = Arc::new(AtomicU64::new(after));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done, pid) = (peak.clone(), done.clone(), mock.child.id());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let address = mock.address;
            std::thread::spawn(move || call(address, "GET", "/__mock/requests", &[], "", Duration::from_secs(120)))
        })
        .collect();
    let mut listed = 0;
    for reader in readers {
        if let Ok(Ok((_, body))) = reader.join() {
            listed = body.len();
        }
    }
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    println!(
        "4. {REQUESTS} requests of ~361 KB headers to a 404 path in {took:.2?}: RSS {} → {} MiB; four reads of /__mock/requests ({} KiB each): peak {} MiB | bound: 8 MiB of received requests, 16 KiB of headers each",
        before / 1024,
        after / 1024,
        listed / 1024,
        peak.load(Ordering::Relaxed) / 1024
    );
    Ok(())
}

/// How many of `streams` the server has closed: a read answers at once, with the end or an
/// error, where an open one would block.
fn closed_by_peer(streams: &[TcpStream]) -> usize {
    streams
        .iter()
        .filter(|stream| {
            let _ = stream.set_nonblocking(true);
            let mut byte = [0_u8; 1];
            let mut reader: &TcpStream = stream;
            match reader.read(&mut byte) {
                Ok(read) => read == 0,
                Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
            }
        })
        .count()
}
