//! `cargo xtask bench-proxy`: the latency of calls to `cckm-sync mock` through `cckm-sync
//! proxy` against the same calls made directly, alternating, one at a time on a kept-alive
//! connection each.
//!
//! Not part of `cargo xtask test`: the figures depend on the machine and what else runs; they
//! are printed as absolute times and as ratios.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bench_mock::{aws_jobs, page_of, token, write};
use crate::run::root;
use crate::server::{Server, build_cckm_sync};

/// Runs of each `validate` measurement; the fastest counts (check-jsonschema runs once: it
/// is the slow one, and its first run is not favoured by a warm cache any less).
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

pub(crate) fn run() -> Result<(), String> {
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
