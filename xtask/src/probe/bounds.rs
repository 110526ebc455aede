//! The probes of the bounds the mock gained after the first four: the items of all jobs held
//! together, lists built off the store's lock, and TLS handshakes that stall.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::{Mock, bearer, call, closed_by_peer, login};

/// The AWS keys endpoint, where every start of these probes goes.
const AWS: &str = "/api/v1/cckm/aws/synchronization-jobs";

/// A start body of `side` KMS resources × `side` regions.
fn scope(side: usize) -> String {
    let names = |prefix: &str| {
        (0..side)
            .map(|i| format!("\"{prefix}-{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(r#"{{"kms":[{}],"regions":[{}]}}"#, names("kms"), names("r"))
}

/// Moves the mock's clock forward by `by` (`"1s"`) through the control API (which pauses it).
fn advance(address: SocketAddr, by: &str) -> Result<(), String> {
    let (status, body) = call(
        address,
        "POST",
        "/__mock/clock/advance",
        &[],
        &format!(r#"{{"by":"{by}"}}"#),
        Duration::from_secs(10),
    )?;
    if status == 200 {
        Ok(())
    } else {
        Err(format!("POST /__mock/clock/advance answered {status}: {body}"))
    }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// At most this much of a body is printed.
fn clip(body: &str) -> String {
    const SHOWN: usize = 500;
    let body = body.trim();
    if body.chars().count() > SHOWN {
        format!("{}…", body.chars().take(SHOWN).collect::<String>())
    } else {
        body.to_owned()
    }
}

/// Probe 5: jobs of 10,000 items (100 KMS resources × 100 regions, the most one job may
/// have) started one after another, the clock advanced by the job duration between them so
/// that each ends before the next starts, until a start is refused (at most 150 starts: the
/// default bound is met at the 101st).
pub(super) fn items_across_store(program: &Path) -> Result<(), String> {
    const SIDE: usize = 100;
    const MOST: usize = 150;
    let mock = Mock::start(program, &["--job-duration", "1s"])?;
    let (jwt, _) = login(mock.address)?;
    let body = scope(SIDE);
    let before = mock.rss_kib();
    let began = Instant::now();
    let mut accepted = 0;
    let mut first = None;
    let mut last = Duration::ZERO;
    let mut slowest = Duration::ZERO;
    let mut refusal = None;
    for _ in 0..MOST {
        let sent = Instant::now();
        let (status, answer) = call(
            mock.address,
            "POST",
            AWS,
            &bearer(&jwt),
            &body,
            Duration::from_secs(120),
        )?;
        let took = sent.elapsed();
        if status != 201 {
            refusal = Some((status, answer, took));
            break;
        }
        accepted += 1;
        first.get_or_insert(took);
        last = took;
        slowest = slowest.max(took);
        advance(mock.address, "1s")?;
    }
    let all = began.elapsed();
    let at_bound = mock.rss_kib();
    let refused = refusal.map_or_else(
        || format!("none of {MOST} starts refused"),
        |(status, answer, took)| format!("then refused: {status} after {}: {}", millis(took), clip(&answer)),
    );
    println!(
        "5. items across the store: {accepted} starts of {SIDE}×{SIDE} items accepted ({} items; the first took {}, the last {}, the slowest {}; {:.1} s in all); {refused}; RSS {} → {} MiB at the bound | bound: 1,000,000 items of all jobs held together (--max-items); a start beyond is refused with 409",
        accepted * SIDE * SIDE,
        millis(first.unwrap_or_default()),
        millis(last),
        millis(slowest),
        all.as_secs_f64(),
        before / 1024,
        at_bound / 1024,
    );
    Ok(())
}

/// A page of `count` ended AWS jobs, one item each, to seed the mock with.
fn ended_jobs(count: u128) -> String {
    let jobs: Vec<serde_json::Value> = (1..=count)
        .map(|index| {
            serde_json::json!({"id": uuid::Uuid::from_u128(index), "uri": "u", "account": "a",
                "application": "p", "devAccount": "d", "createdAt": "2021-03-03T09:22:15.05611Z",
                "updatedAt": "2021-03-03T09:22:15.636481Z", "overall_status": "completed", "cloud": "aws",
                "kms": ["kms"], "regions": ["us-east-1"],
                "detailed_status": {"123456789012/us-east-1": "region synchronized successfully"}, "abort": false})
        })
        .collect();
    serde_json::json!({"skip": 0, "limit": count, "total": count, "resources": jobs}).to_string()
}

/// Probe 6: a store of 10,000 jobs (seeded; `--max-jobs 20000` so that starts still fit), a
/// list of every job (`limit=-1`) and, 20 ms after it was sent, a start: each timed, alone
/// and then together, five times.
pub(super) fn lists_off_the_lock(program: &Path) -> Result<(), String> {
    const JOBS: u128 = 10_000;
    const ROUNDS: usize = 5;
    const INTO_THE_LIST: Duration = Duration::from_millis(20);
    let dir = crate::run::root().join("target/probe");
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let seed = dir.join("aws-keys-ended.json");
    std::fs::write(&seed, ended_jobs(JOBS)).map_err(|error| format!("{}: {error}", seed.display()))?;
    let seed_arg = seed.to_string_lossy().into_owned();
    let mock = Mock::start(
        program,
        &["--seed", &seed_arg, "--max-jobs", "20000", "--job-duration", "1s"],
    )?;
    let (jwt, _) = login(mock.address)?;
    let list = format!("{AWS}?limit=-1");
    let timed = |method: &str, path: &str, body: &str| -> Result<(u16, usize, Duration), String> {
        let sent = Instant::now();
        let (status, answer) = call(mock.address, method, path, &bearer(&jwt), body, Duration::from_secs(60))?;
        Ok((status, answer.len(), sent.elapsed()))
    };
    let (list_status, list_bytes, list_alone) = timed("GET", &list, "")?;
    let (start_status, _, start_alone) = timed("POST", AWS, &scope(1))?;
    advance(mock.address, "1s")?;
    let mut lists = Vec::new();
    let mut starts = Vec::new();
    let mut start_first = 0;
    for _ in 0..ROUNDS {
        let sent = Instant::now();
        let listing = {
            let (jwt, address, list) = (jwt.clone(), mock.address, list.clone());
            std::thread::spawn(move || {
                let answer = call(address, "GET", &list, &bearer(&jwt), "", Duration::from_secs(60));
                (answer.map(|(status, _)| status), sent.elapsed())
            })
        };
        // The start goes 20 ms into the list: the stimulus this probe is about, not a wait
        // for anything.
        std::thread::sleep(INTO_THE_LIST);
        let start_sent = Instant::now();
        let start = call(
            mock.address,
            "POST",
            AWS,
            &bearer(&jwt),
            &scope(1),
            Duration::from_secs(60),
        );
        let start_took = start_sent.elapsed();
        let start_done = sent.elapsed();
        let (list_answer, list_took) = listing.join().map_err(|_| "the list thread failed")?;
        match (list_answer, start) {
            (Ok(200), Ok((201, _))) => {}
            (list, start) => {
                return Err(format!(
                    "list {list:?}, start {:?}: not the 200 and 201 the probe needs",
                    start.map(|(status, body)| (status, clip(&body)))
                ));
            }
        }
        if start_done < list_took {
            start_first += 1;
        }
        lists.push(list_took);
        starts.push(start_took);
        advance(mock.address, "1s")?;
    }
    let range = |times: &[Duration]| {
        let low = times.iter().min().copied().unwrap_or_default();
        let high = times.iter().max().copied().unwrap_or_default();
        format!("{}–{}", millis(low), millis(high))
    };
    println!(
        "6. lists off the lock, {JOBS} jobs held: a list of all (limit=-1, {list_status}, {} KiB) alone {}, a start alone ({start_status}) {}; {ROUNDS} times a start sent 20 ms into the list: the list {}, the start {}, the start answered before the list {start_first} of {ROUNDS} times | bound: a list holds the lock only to copy what it shows and builds its page off it; a list of every job delays no start or cancel",
        list_bytes / 1024,
        millis(list_alone),
        millis(start_alone),
        range(&lists),
        range(&starts),
    );
    Ok(())
}

/// The first bytes of a TLS 1.2+ ClientHello: a handshake record announcing 512 bytes, of
/// which only the start of the ClientHello comes.
const PARTIAL_CLIENT_HELLO: &[u8] = &[
    0x16, 0x03, 0x01, 0x02, 0x00, // record: handshake, TLS 1.0 framing, 512 bytes
    0x01, 0x00, 0x01, 0xfc, // ClientHello, 508 bytes
    0x03, 0x03, // TLS 1.2
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, // 8 of the 32 random bytes, and no more
];

/// One call with curl over TLS, trusting `certificate`: the status, the body, and the seconds
/// curl says the handshake and the whole call took.
fn curl(
    certificate: &Path,
    method: &str,
    url: &str,
    jwt: Option<&str>,
    timeout: Duration,
) -> Result<(u16, String, f64, f64), String> {
    let mut command = Command::new("curl");
    command
        .args(["--silent", "--show-error", "--request", method, "--cacert"])
        .arg(certificate)
        .args([
            "--max-time",
            &timeout.as_secs().to_string(),
            "--write-out",
            "\n%{http_code} %{time_appconnect} %{time_total}",
        ]);
    if let Some(jwt) = jwt {
        command.args(["--header", &format!("Authorization: Bearer {jwt}")]);
    }
    let output = command
        .arg(url)
        .output()
        .map_err(|error| format!("cannot run curl (probe 7 needs it): {error}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (body, figures) = text.rsplit_once('\n').unwrap_or(("", &text));
    let mut figures = figures.split(' ');
    let mut next = || figures.next().unwrap_or_default().to_owned();
    let (status, handshake, total) = (next(), next(), next());
    Ok((
        status.parse().unwrap_or(0),
        body.to_owned(),
        handshake.parse().unwrap_or(0.0),
        total.parse().unwrap_or(0.0),
    ))
}

/// Probe 7: `cckm-sync mock --tls`: its 1,024 connection slots filled with 1,100
/// connections, half of which send the start of a ClientHello and half nothing, and then 20
/// new TLS clients (curl), each a list call: served or not, and how long each waited.
pub(super) fn stalled_handshakes(program: &Path) -> Result<(), String> {
    const STALLED: usize = 1_100;
    const CLIENTS: usize = 20;
    let mock = Mock::start(program, &["--tls"])?;
    let certificate = mock
        .certificate
        .clone()
        .ok_or("the mock named no certificate (a build without --tls?)")?;
    let base = format!("https://{}", mock.address);
    let (status, body, _, _) = curl(
        &certificate,
        "POST",
        &format!("{base}/__mock/tokens"),
        None,
        Duration::from_secs(10),
    )?;
    let token: serde_json::Value =
        serde_json::from_str(&body).map_err(|error| format!("POST /__mock/tokens answered {status}: {error}"))?;
    let jwt = token["jwt"].as_str().unwrap_or_default().to_owned();
    let mut stalled = Vec::new();
    for index in 0..STALLED {
        let mut stream = TcpStream::connect_timeout(&mock.address, Duration::from_secs(5))
            .map_err(|error| format!("cannot open stalled socket {index}: {error} (ulimit -n 4096?)"))?;
        if index % 2 == 1 {
            stream
                .write_all(PARTIAL_CLIENT_HELLO)
                .map_err(|error| format!("stalled socket {index}: {error}"))?;
        }
        stalled.push(stream);
    }
    let url = format!("{base}{AWS}");
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (certificate, url, jwt) = (certificate.clone(), url.clone(), jwt.clone());
            std::thread::spawn(move || {
                let began = Instant::now();
                let answer = curl(&certificate, "GET", &url, Some(&jwt), Duration::from_secs(40));
                (answer, began.elapsed())
            })
        })
        .collect();
    let mut served = 0;
    let mut waits = Vec::new();
    let mut handshakes = Vec::new();
    let mut failures = Vec::new();
    for client in clients {
        let (answer, waited) = client.join().map_err(|_| "a client thread failed")?;
        match answer {
            Ok((200, _, handshake, _)) => {
                served += 1;
                waits.push(waited);
                handshakes.push(handshake);
            }
            Ok((status, body, _, _)) => failures.push(format!("{status} {}", clip(&body))),
            Err(error) => failures.push(error),
        }
    }
    // Sockets the mock has closed already (evicted to make way): a read answers at once.
    let closed = closed_by_peer(&stalled);
    let shortest = waits.iter().min().copied().unwrap_or_default();
    let longest = waits.iter().max().copied().unwrap_or_default();
    let slowest_handshake = handshakes.iter().copied().fold(0.0, f64::max);
    println!(
        "7. --tls, {STALLED} stalled sockets ({} with a partial ClientHello, {} silent): {served} of {CLIENTS} new TLS clients served, waiting {}–{} (curl's handshake done at most {:.2} s after it began){}; {closed} of {STALLED} stalled sockets closed by then | bound: 1,024 connections served at once; idle for 1 s (a TLS handshake unfinished included) they make way, and close after 30 s",
        STALLED / 2,
        STALLED - STALLED / 2,
        millis(shortest),
        millis(longest),
        slowest_handshake,
        if failures.is_empty() {
            String::new()
        } else {
            format!("; not served: {}", failures.join("; "))
        },
    );
    Ok(())
}
