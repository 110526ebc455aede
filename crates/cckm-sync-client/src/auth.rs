//! Tokens: the password grant, the refresh grant before the JWT expires, and the state that
//! concurrent calls share.

use std::time::Duration;

use base64::Engine as _;
use cckm_sync::endpoints::{API_PREFIX, TOKEN_PATH};
use cckm_sync::{TokenRequest, TokenResponse};
use reqwest::header::HeaderValue;
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{Action, Error};
use crate::transport::{Anonymous, Authorize, Transport};

/// The longest time before expiry a token is refreshed by default: the vendor's Terraform
/// provider refreshes 60 s before the JWT's `exp`.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// How a client authenticates.
pub(crate) enum Auth {
    /// A token given by the caller, sent as it is; it cannot be renewed.
    Fixed(HeaderValue),
    /// A user name and password, and the token they gave.
    Password {
        username: String,
        password: String,
        domain: Option<String>,
        /// A fixed margin before expiry to refresh at, instead of the default.
        margin: Option<Duration>,
        /// Locked while a token is read or renewed: calls that find it expired wait for the one
        /// renewal under way and use its token.
        slot: Mutex<Slot>,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fixed(_) => f.write_str("Auth::Fixed(..)"),
            Self::Password { username, domain, .. } => f
                .debug_struct("Auth::Password")
                .field("username", username)
                .field("domain", domain)
                .finish_non_exhaustive(),
        }
    }
}

/// The token in use, and a number that grows with each new one.
#[derive(Default)]
pub(crate) struct Slot {
    token: Option<Token>,
    generation: u64,
}

struct Token {
    authorization: HeaderValue,
    refresh_token: Option<String>,
    /// When to renew it: a margin before it expires.
    refresh_at: Instant,
    /// When it expires, by the local clock: its lifetime (by the server's clock) after it was
    /// received, so that a skew between the two clocks does not matter.
    expires_at: Instant,
    /// Cleared when the server refused it.
    accepted: bool,
}

/// The bearer token to send, and its generation (to invalidate it when refused).
pub(crate) struct Bearer {
    authorization: HeaderValue,
    generation: Option<u64>,
}

impl Auth {
    pub(crate) fn password(
        username: String,
        password: String,
        domain: Option<String>,
        margin: Option<Duration>,
    ) -> Self {
        Self::Password {
            username,
            password,
            domain,
            margin,
            slot: Mutex::new(Slot::default()),
        }
    }

    /// The token to send: the current one, or a new one if there is none, it was refused, or
    /// it is about to expire.
    async fn bearer(&self, transport: &Transport) -> Result<Bearer, Error> {
        match self {
            Self::Fixed(authorization) => Ok(Bearer {
                authorization: authorization.clone(),
                generation: None,
            }),
            Self::Password {
                username,
                password,
                domain,
                margin,
                slot,
            } => {
                let login = || TokenRequest::Password {
                    username: username.clone(),
                    password: password.clone(),
                    auth_domain_path: domain.clone(),
                };
                current_or_renewed(transport, slot, login, *margin).await
            }
        }
    }
}

impl Authorize for Auth {
    type Token = Bearer;

    async fn token(&self, transport: &Transport) -> Result<Option<Bearer>, Error> {
        self.bearer(transport).await.map(Some)
    }

    fn header(token: &Bearer) -> &HeaderValue {
        &token.authorization
    }

    /// Marks the token of `bearer` as refused, unless another has replaced it already; a
    /// password login can replace it, a fixed token cannot.
    async fn refused(&self, bearer: &Bearer) -> bool {
        let Self::Password { slot, .. } = self else {
            return false;
        };
        if let Some(generation) = bearer.generation {
            let mut slot = slot.lock().await;
            if slot.generation == generation
                && let Some(token) = &mut slot.token
            {
                token.accepted = false;
            }
        }
        true
    }
}

/// Sends the token call with `grant`; returns when the answer arrived and the answer.
async fn token_call(
    transport: &Transport,
    action: Action,
    grant: &TokenRequest,
) -> Result<(Instant, TokenResponse), Error> {
    let body = serde_json::to_vec(grant).map_err(|error| Error::InvalidRequest {
        action,
        reason: error.to_string(),
    })?;
    let reply = transport
        .call(&Anonymous, action, format!("{API_PREFIX}{TOKEN_PATH}"), Some(body))
        .await?;
    let received = Instant::now();
    Ok((received, reply.parse()?))
}

/// The current token of `slot`, or a new one: from the refresh grant when there is a refresh
/// token, else (or when the server refuses it) from the password grant `login`.
async fn current_or_renewed(
    transport: &Transport,
    slot: &Mutex<Slot>,
    login: impl Fn() -> TokenRequest,
    margin: Option<Duration>,
) -> Result<Bearer, Error> {
    let mut slot = slot.lock().await;
    let now = Instant::now();
    if let Some(token) = &slot.token
        && token.accepted
        && now < token.refresh_at
    {
        return Ok(Bearer {
            authorization: token.authorization.clone(),
            generation: Some(slot.generation),
        });
    }
    let previous = slot.token.take();
    let previous_refresh = previous.as_ref().and_then(|token| token.refresh_token.clone());
    let renewed = match &previous_refresh {
        Some(refresh_token) => {
            match token_call(transport, Action::Refresh, &TokenRequest::refresh(refresh_token)).await {
                // The refresh token stays valid unless the answer replaces it.
                Ok((received, response)) => Some((received, response, previous_refresh.clone())),
                // The server refused the refresh token: log in again.
                Err(error) if error.status().is_some_and(|status| (400..500).contains(&status)) => {
                    tracing::debug!(%error, "refresh refused; logging in with the password");
                    None
                }
                // The server could not be asked; a token that is still valid still serves.
                Err(error) => match previous {
                    Some(token) if token.accepted && now < token.expires_at => {
                        tracing::debug!(%error, "refresh failed; the current token is still valid");
                        let bearer = Bearer {
                            authorization: token.authorization.clone(),
                            generation: Some(slot.generation),
                        };
                        slot.token = Some(token);
                        return Ok(bearer);
                    }
                    _ => return Err(error),
                },
            }
        }
        None => None,
    };
    let (received, response, kept_refresh) = match renewed {
        Some(renewed) => renewed,
        None => {
            let (received, response) = token_call(transport, Action::Login, &login()).await?;
            (received, response, None)
        }
    };
    let token = Token::new(received, &response, margin, kept_refresh)?;
    let bearer = token.authorization.clone();
    slot.generation += 1;
    slot.token = Some(token);
    Ok(Bearer {
        authorization: bearer,
        generation: Some(slot.generation),
    })
}

impl Token {
    /// The token of `response`, received at `received`; `previous_refresh` is kept when the
    /// answer to a refresh grant carries no refresh token of its own.
    fn new(
        received: Instant,
        response: &TokenResponse,
        margin: Option<Duration>,
        previous_refresh: Option<String>,
    ) -> Result<Self, Error> {
        let mut authorization =
            HeaderValue::from_str(&response.authorization()).map_err(|_| Error::InvalidRequest {
                action: Action::Login,
                reason: "the server's token holds characters a header cannot carry".to_owned(),
            })?;
        authorization.set_sensitive(true);
        let lifetime = lifetime(response);
        let margin = margin.unwrap_or_else(|| default_margin(lifetime));
        let far = || received + Duration::from_secs(365 * 24 * 3600);
        let expires_at = received.checked_add(lifetime).unwrap_or_else(far);
        let refresh_at = expires_at.checked_sub(margin).unwrap_or(received).max(received);
        Ok(Self {
            authorization,
            refresh_token: response.refresh_token.clone().or(previous_refresh),
            refresh_at,
            expires_at,
            accepted: true,
        })
    }
}

/// How long before expiry a token is refreshed by default: 60 s, or a fifth of the lifetime
/// of a shorter-lived token, so that it is not refreshed before every call.
fn default_margin(lifetime: Duration) -> Duration {
    REFRESH_MARGIN.min(lifetime / 5)
}

/// How long a token is valid: `exp - iat` of its JWT (both by the server's clock), or the
/// answer's `duration` when the JWT does not say, or a default server's 300 s when neither does.
fn lifetime(response: &TokenResponse) -> Duration {
    const DEFAULT_LIFETIME_SECS: u64 = 300;
    jwt_lifetime(&response.jwt).unwrap_or(Duration::from_secs(response.duration.unwrap_or(DEFAULT_LIFETIME_SECS)))
}

fn jwt_lifetime(jwt: &str) -> Option<Duration> {
    #[derive(Deserialize)]
    struct Claims {
        iat: i64,
        exp: i64,
    }
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    let seconds = claims.exp.checked_sub(claims.iat)?;
    u64::try_from(seconds).ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let encode = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        format!("{}.{}.signature", encode(r#"{"alg":"HS256"}"#), encode(claims))
    }

    fn response(jwt: String, duration: u64) -> TokenResponse {
        serde_json::from_value(serde_json::json!({
            "jwt": jwt, "duration": duration, "token_type": "Bearer", "refresh_token": "r-1"
        }))
        .unwrap()
    }

    #[test]
    fn the_lifetime_comes_from_the_jwt_claims_or_else_the_duration() {
        let from_claims = response(jwt(r#"{"iat": 1700000000, "exp": 1700000120}"#), 300);
        assert_eq!(lifetime(&from_claims), Duration::from_secs(120));
        let without_claims = response("opaque".to_owned(), 300);
        assert_eq!(lifetime(&without_claims), Duration::from_secs(300));
        let without_iat = response(jwt(r#"{"exp": 1700000120}"#), 45);
        assert_eq!(lifetime(&without_iat), Duration::from_secs(45));
    }

    #[test]
    fn a_token_is_refreshed_a_minute_before_it_expires_or_a_fifth_of_a_short_lifetime() {
        let now = Instant::now();
        let long = Token::new(now, &response("opaque".to_owned(), 300), None, None).unwrap();
        assert_eq!(long.expires_at - now, Duration::from_secs(300));
        assert_eq!(long.refresh_at - now, Duration::from_secs(240));
        let short = Token::new(now, &response("opaque".to_owned(), 10), None, None).unwrap();
        assert_eq!(short.refresh_at - now, Duration::from_secs(8));
        let fixed = Token::new(
            now,
            &response("opaque".to_owned(), 10),
            Some(Duration::from_secs(60)),
            None,
        )
        .unwrap();
        assert_eq!(fixed.refresh_at, now);
        assert!(fixed.authorization.is_sensitive());
        assert_eq!(fixed.refresh_token.as_deref(), Some("r-1"));
    }
}
