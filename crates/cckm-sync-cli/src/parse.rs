//! The values of the command line that clap reads with a parser of the program's own: an
//! address to listen on, a duration, a token lifetime, a bound.

use std::net::SocketAddr;
use std::time::Duration;

/// An address to listen on: an IP address and port, or a name that resolves to one
/// (`localhost:0`); the first address the name resolves to.
pub(crate) fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    if let Ok(address) = text.parse() {
        return Ok(address);
    }
    let mut addresses = text
        .to_socket_addrs()
        .map_err(|error| format!("{error} (expected HOST:PORT, such as `127.0.0.1:8443` or `localhost:0`)"))?;
    addresses
        .next()
        .ok_or_else(|| format!("{text:?} resolves to no address"))
}

/// A duration as humans write it (`5s`, `250ms`, `1m`).
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|error| format!("{error} (expected a duration such as `5s` or `250ms`)"))
}

/// A token lifetime: a whole number of seconds, at least one.
pub(crate) fn parse_lifetime(text: &str) -> Result<Duration, String> {
    let lifetime = parse_duration(text)?;
    if lifetime.as_secs() == 0 || lifetime.subsec_nanos() != 0 {
        return Err("a token lifetime is a whole number of seconds, at least 1s".to_owned());
    }
    Ok(lifetime)
}

/// A bound on what the mock holds: a whole number, at least one.
pub(crate) fn parse_bound(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("the mock must hold at least 1".to_owned()),
        Ok(count) => Ok(count),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listen_address_is_an_address_or_a_name_that_resolves() {
        assert_eq!(parse_listen("127.0.0.1:0").unwrap().to_string(), "127.0.0.1:0");
        assert!(parse_listen("localhost:0").unwrap().ip().is_loopback());
        assert!(parse_listen("localhost").unwrap_err().contains("expected HOST:PORT"));
    }

    #[test]
    fn durations_read_as_humans_write_them() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("soon").unwrap_err().contains("expected a duration"));
        assert_eq!(parse_lifetime("5m"), Ok(Duration::from_secs(300)));
        assert!(parse_lifetime("1500ms").is_err());
        assert!(parse_lifetime("0s").is_err());
    }
}
