//! A server with a certificate of its own: refused by default, trusted with `--ca-cert` or
//! `CM_CA_CERT`, unchecked with `--insecure` or `CM_INSECURE`, and a CA file that is no CA.

use cckm_sync_mock::MockServer;

use crate::support::Connection;
use crate::{jobs, run_with};

#[tokio::test]
async fn tls_is_refused_by_default_and_accepted_with_ca_cert_or_insecure() {
    let server = MockServer::builder().tls(true).start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, server.certificate_pem().unwrap()).unwrap();

    let refused = jobs(&server, &["list", "dsm"]);
    let line = refused.one_error_line(1, "TLS handshake failed: invalid peer certificate");
    assert!(line.ends_with("(trust the server's certificate with --ca-cert FILE, or skip the check with --insecure)"));

    let trusted = jobs(&server, &["list", "dsm", "--ca-cert", ca.to_str().unwrap()]);
    assert_eq!(
        (trusted.code, trusted.stderr.as_str()),
        (0, "no dsm job found\n"),
        "{trusted:#?}"
    );
    let insecure = jobs(&server, &["list", "dsm", "--insecure"]);
    assert_eq!(insecure.code, 0, "{insecure:#?}");
    // Beside CM_URL, the environment may name the CA or ask for no check.
    let mock = Connection::of(&server);
    let connection = mock.env();
    let from_env = run_with(
        &["list", "dsm"],
        &[&connection[..], &[("CM_CA_CERT", ca.to_str().unwrap())]].concat(),
    );
    assert_eq!(from_env.code, 0, "{from_env:#?}");
    let from_env = run_with(&["list", "dsm"], &[&connection[..], &[("CM_INSECURE", "1")]].concat());
    assert_eq!(from_env.code, 0, "{from_env:#?}");
    let off = run_with(
        &["list", "dsm"],
        &[&connection[..], &[("CM_INSECURE", "false")]].concat(),
    );
    off.one_error_line(1, "TLS handshake failed");

    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    jobs(&server, &["list", "dsm", "--ca-cert", not_pem.to_str().unwrap()])
        .one_error_line(2, "holds no `BEGIN CERTIFICATE` section");
    jobs(&server, &["list", "dsm", "--ca-cert", "/nonexistent/ca.pem"]).one_error_line(2, "--ca-cert: cannot read");
}
