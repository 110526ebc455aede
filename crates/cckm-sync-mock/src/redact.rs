//! What counts as a credential in a request, and how it is redacted: shared by the mock's
//! received requests and the proxy's HAR file, so that both hide the same things.
//!
//! ```
//! use cckm_sync_mock::redact;
//!
//! assert!(redact::is_secret_name("X-Api-Key") && redact::is_secret_name("access_token"));
//! assert!(!redact::is_secret_name("content-type"));
//! assert_eq!(redact::header("Bearer eyJhbGciOi", "[x]"), "Bearer [x]");
//! assert_eq!(redact::query("limit=5&access_token=abc", "x"), "limit=5&access_token=x");
//! ```

/// Headers that carry credentials, whatever their value.
const SECRET_HEADERS: [&str; 8] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-csrf-token",
];

/// Words that make a header or query parameter name a credential's (`X-Vault-Token`,
/// `access_token`, `client_secret`, `apikey`).
const SECRET_WORDS: [&str; 7] = ["token", "secret", "password", "passwd", "apikey", "api-key", "api_key"];

/// Whether a header, a query parameter or a JSON field named `name` carries a credential: the
/// usual credential headers, and names with `token`, `secret`, `password` or `apikey` in them.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&lower.as_str()) || SECRET_WORDS.iter().any(|word| lower.contains(word))
}

/// Whether `value` looks like a JWT: three base64url parts, the first a JSON object's (`eyJ`).
pub fn looks_like_jwt(value: &str) -> bool {
    let mut parts = value.split('.');
    let first = parts.next().unwrap_or_default();
    first.starts_with("eyJ")
        && parts.count() == 2
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'='))
}

/// A credential header's value with the credential replaced by `replacement`: `Bearer` and
/// `Basic` keep their scheme.
pub fn header(value: &str, replacement: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("basic") => {
            format!("{scheme} {replacement}")
        }
        _ => replacement.to_owned(),
    }
}

/// A query string with the value of each credential parameter (by its name, or a JWT by its
/// look) replaced by `replacement` (URL-encoded); the rest as sent.
pub fn query(query: &str, replacement: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(replacement.as_bytes()).collect();
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = form_urlencoded::parse(pair.as_bytes()).next();
            let secret = decoded
                .as_ref()
                .is_some_and(|(name, value)| is_secret_name(name) || looks_like_jwt(value));
            if secret && !value.is_empty() {
                format!("{name}={encoded}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}
