//! Tokens: signed JWTs with `exp`, and opaque refresh tokens kept by the server.
//!
//! Each server signs with its own random secret (HS256), made at start and again at every
//! reset, which revokes every token issued before. Expiry is checked against the mock's clock,
//! not the system's, so a test can expire a token by advancing the clock.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most refresh tokens kept; the oldest is forgotten first. A password grant makes one,
/// so a client that logs in before every call (as the vendor's Ansible collection does)
/// cannot grow the store without bound.
const MAX_REFRESH_TOKENS: usize = 4096;

/// The claims of the mock's JWTs, after those of a real server's token (`iss` `kylo`, the
/// user in `preferred_username`, the session in `cust.sid`).
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    preferred_username: String,
    cust: Custom,
    jwtid: String,
    iat: i64,
    exp: i64,
    /// Not before: the mock writes none, and refuses a token that has one in the future.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Custom {
    domain_id: String,
    groups: Vec<String>,
    sid: String,
    zone_id: String,
}

/// Why a bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Missing,
    Malformed,
    Invalid,
    Expired,
    /// Issued (`iat`) or valid (`nbf`) only later than now by the mock's clock.
    NotYetValid,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Missing => {
                "Token is missing: send `Authorization: Bearer <jwt>` (POST /api/v1/auth/tokens gives one)"
            }
            Self::Malformed => "Token is malformed: expected `Authorization: Bearer <jwt>`",
            Self::Invalid => "Token is invalid or revoked",
            Self::Expired => "Token is expired",
            Self::NotYetValid => "Token is not valid yet: its iat or nbf lies in the future",
        }
    }
}

struct Session {
    username: String,
    sid: String,
    /// The refresh token's id, as a real server names it in its answer.
    id: String,
}

/// The secret and the refresh tokens of a server.
pub(crate) struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    refresh: HashMap<String, Session>,
    order: VecDeque<String>,
}

impl Default for Tokens {
    fn default() -> Self {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            refresh: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("refresh_tokens", &self.refresh.len())
            .finish_non_exhaustive()
    }
}

/// A JWT and the refresh token that goes with it.
pub(crate) struct Issued {
    pub(crate) jwt: String,
    pub(crate) refresh_token: String,
    /// The id of `refresh_token` (a UUID).
    pub(crate) refresh_token_id: String,
}

/// A stable made-up id of the user `username`.
fn user_id(username: &str) -> Uuid {
    let hash = crate::inventory::stable_hash(username);
    Uuid::from_u64_pair(hash, hash.rotate_left(32))
}

fn opaque() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl Tokens {
    /// Forgets every token: new secret, no refresh token.
    pub(crate) fn revoke_all(&mut self) {
        *self = Self::default();
    }

    fn remember(&mut self, token: String, session: Session) {
        while self.order.len() >= MAX_REFRESH_TOKENS {
            if let Some(old) = self.order.pop_front() {
                self.refresh.remove(&old);
            }
        }
        self.order.push_back(token.clone());
        self.refresh.insert(token, session);
    }

    fn jwt(&self, username: &str, sid: &str, now: DateTime<Utc>, lifetime_secs: u64) -> Result<String, String> {
        let iat = now.timestamp();
        let claims = Claims {
            sub: format!("local|{}", user_id(username)),
            iss: "kylo".to_owned(),
            preferred_username: username.to_owned(),
            cust: Custom {
                domain_id: Uuid::nil().to_string(),
                groups: vec!["admin".to_owned()],
                sid: sid.to_owned(),
                zone_id: Uuid::nil().to_string(),
            },
            jwtid: Uuid::new_v4().to_string(),
            iat,
            exp: iat.saturating_add(i64::try_from(lifetime_secs).unwrap_or(i64::MAX)),
            nbf: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| format!("cannot sign the token: {error}"))
    }

    /// Logs `username` in: a JWT and a new refresh token.
    pub(crate) fn login(&mut self, username: &str, now: DateTime<Utc>, lifetime_secs: u64) -> Result<Issued, String> {
        let sid = Uuid::new_v4().to_string();
        let jwt = self.jwt(username, &sid, now, lifetime_secs)?;
        let refresh_token = opaque();
        let refresh_token_id = Uuid::new_v4().to_string();
        self.remember(
            refresh_token.clone(),
            Session {
                username: username.to_owned(),
                sid,
                id: refresh_token_id.clone(),
            },
        );
        Ok(Issued {
            jwt,
            refresh_token,
            refresh_token_id,
        })
    }

    /// A JWT for a refresh token, and the refresh token to use next (a new one when
    /// `renew`, which forgets the old). `None` for a refresh token the server does not know.
    pub(crate) fn refresh(
        &mut self,
        refresh_token: &str,
        renew: bool,
        now: DateTime<Utc>,
        lifetime_secs: u64,
    ) -> Option<Result<Issued, String>> {
        let session = self.refresh.get(refresh_token)?;
        let (username, sid, id) = (session.username.clone(), session.sid.clone(), session.id.clone());
        let jwt = match self.jwt(&username, &sid, now, lifetime_secs) {
            Ok(jwt) => jwt,
            Err(error) => return Some(Err(error)),
        };
        let (refresh_token, refresh_token_id) = if renew {
            self.refresh.remove(refresh_token);
            self.order.retain(|token| token != refresh_token);
            let next = opaque();
            let next_id = Uuid::new_v4().to_string();
            self.remember(
                next.clone(),
                Session {
                    username,
                    sid,
                    id: next_id.clone(),
                },
            );
            (next, next_id)
        } else {
            (refresh_token.to_owned(), id)
        };
        Some(Ok(Issued {
            jwt,
            refresh_token,
            refresh_token_id,
        }))
    }

    /// Checks the `Authorization` header of a job call at `now`.
    pub(crate) fn check(&self, authorization: Option<&[u8]>, now: DateTime<Utc>) -> Result<(), Refusal> {
        let header = authorization.ok_or(Refusal::Missing)?;
        let header = std::str::from_utf8(header).map_err(|_| Refusal::Malformed)?;
        let (scheme, token) = header.trim().split_once(' ').ok_or(Refusal::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(Refusal::Malformed);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the mock's clock, which tests move.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp"]);
        let claims = jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &validation)
            .map_err(|_| Refusal::Invalid)?
            .claims;
        if now.timestamp() >= claims.exp {
            return Err(Refusal::Expired);
        }
        // A token from the future (a clock moved back, a forged `iat`) is not valid yet.
        if claims.iat > now.timestamp() || claims.nbf.is_some_and(|nbf| nbf > now.timestamp()) {
            return Err(Refusal::NotYetValid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    fn bearer(jwt: &str) -> Vec<u8> {
        format!("Bearer {jwt}").into_bytes()
    }

    #[test]
    fn a_token_is_valid_until_its_exp_on_the_mock_clock() {
        let mut tokens = Tokens::default();
        let issued = tokens.login("admin", time(0), 300).unwrap();
        assert_eq!(tokens.check(Some(&bearer(&issued.jwt)), time(299)), Ok(()));
        assert_eq!(
            tokens.check(Some(&bearer(&issued.jwt)), time(300)),
            Err(Refusal::Expired)
        );
    }

    #[test]
    fn missing_malformed_tampered_and_revoked_tokens_are_refused() {
        let mut tokens = Tokens::default();
        let issued = tokens.login("admin", time(0), 300).unwrap();
        assert_eq!(tokens.check(None, time(1)), Err(Refusal::Missing));
        assert_eq!(
            tokens.check(Some(issued.jwt.as_bytes()), time(1)),
            Err(Refusal::Malformed)
        );
        let mut tampered = issued.jwt.clone();
        tampered.pop();
        tampered.push(if issued.jwt.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(tokens.check(Some(&bearer(&tampered)), time(1)), Err(Refusal::Invalid));
        tokens.revoke_all();
        assert_eq!(tokens.check(Some(&bearer(&issued.jwt)), time(1)), Err(Refusal::Invalid));
    }

    #[test]
    fn a_token_issued_or_valid_only_in_the_future_is_refused() {
        let mut tokens = Tokens::default();
        let issued = tokens.login("admin", time(100), 300).unwrap();
        assert_eq!(
            tokens.check(Some(&bearer(&issued.jwt)), time(99)),
            Err(Refusal::NotYetValid)
        );
        assert_eq!(tokens.check(Some(&bearer(&issued.jwt)), time(100)), Ok(()));
        let mut claims: Claims = jsonwebtoken::decode(&issued.jwt, &tokens.decoding, &{
            let mut validation = Validation::new(Algorithm::HS256);
            validation.validate_exp = false;
            validation
        })
        .unwrap()
        .claims;
        claims.nbf = Some(time(200).timestamp());
        let later = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &tokens.encoding).unwrap();
        assert_eq!(
            tokens.check(Some(&bearer(&later)), time(150)),
            Err(Refusal::NotYetValid)
        );
        assert_eq!(tokens.check(Some(&bearer(&later)), time(200)), Ok(()));
    }

    #[test]
    fn a_renewed_refresh_token_replaces_the_old_one() {
        let mut tokens = Tokens::default();
        let first = tokens.login("admin", time(0), 300).unwrap();
        let kept = tokens
            .refresh(&first.refresh_token, false, time(1), 300)
            .unwrap()
            .unwrap();
        assert_eq!(kept.refresh_token, first.refresh_token);
        let renewed = tokens
            .refresh(&first.refresh_token, true, time(2), 300)
            .unwrap()
            .unwrap();
        assert_ne!(renewed.refresh_token, first.refresh_token);
        assert!(tokens.refresh(&first.refresh_token, false, time(3), 300).is_none());
        assert!(tokens.refresh(&renewed.refresh_token, false, time(3), 300).is_some());
    }
}
