//! What the proxy refuses before it serves: usage errors (exit 2), and a bad upstream, an
//! unreadable CA file or a HAR bound too small for a HAR file (exit 1), each in one line.

use crate::support::{self, program};

#[test]
fn bad_flags_are_usage_errors_and_a_bad_upstream_is_one_line() {
    for args in [
        vec!["proxy"],
        vec!["proxy", "--upstream", "http://h", "--insecure", "--ca-cert", "x.pem"],
        vec!["proxy", "--upstream", "http://h", "--timeout", "soon"],
        vec!["proxy", "--upstream", "ftp://h"],
        vec!["proxy", "--upstream", "http://h", "--listen", "nowhere"],
    ] {
        let output = support::output(program(&[]).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: "));
    }
    let output = support::output(program(&[]).args(["proxy", "--upstream", "ftp://h"]));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must start with http:// or https://"));
    // A CA file that cannot be read is a failure to start: one line, exit 1.
    let output = support::output(program(&[]).args(["proxy", "--listen", "127.0.0.1:0"]).args([
        "--upstream",
        "https://h",
        "--ca-cert",
        "/no/such.pem",
    ]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("cannot read /no/such.pem"),
        "{stderr}"
    );
}

/// A bound that cannot hold even an empty HAR file is a failure to start, one line.
#[test]
fn a_har_max_size_below_an_empty_har_file_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("traffic.har").display().to_string();
    let proxy = ["proxy", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9"];
    let run = support::Run::of(program(&proxy).args(["--har", &har, "--har-max-size", "20"]));
    run.one_error_line(1, "--har-max-size 20 bytes cannot hold even a HAR file without entries");
    let run = support::Run::of(program(&proxy).args(["--har", &har, "--har-max-size", "0"]));
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("--har-max-size"), "{run:#?}");
}
