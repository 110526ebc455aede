//! The token call (`POST /api/v1/auth/tokens`): its request and response bodies.
//!
//! Every job call needs `Authorization: Bearer <jwt>`, with a JWT from this call. Known from
//! public client code (the vendor's Terraform provider and Ansible collection) and from test
//! doubles written against a live server: see the endpoint catalog's
//! [`TOKEN_PATH`](crate::endpoints::TOKEN_PATH).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of a token request: a password grant or a refresh grant, told apart by
/// `grant_type`.
///
/// Fields this crate does not model (a real server takes more, such as `labels`) are ignored
/// when read, as the server's Go decoder ignores unknown fields.
///
/// ```
/// use cckm_sync::TokenRequest;
///
/// let login = TokenRequest::password("admin", "secret");
/// assert_eq!(
///     serde_json::to_string(&login)?,
///     r#"{"grant_type":"password","username":"admin","password":"secret"}"#,
/// );
///
/// let refresh: TokenRequest = serde_json::from_str(
///     r#"{"grant_type": "refresh_token", "refresh_token": "r-1", "renew_refresh_token": true}"#,
/// )?;
/// assert_eq!(
///     refresh,
///     TokenRequest::RefreshToken { refresh_token: "r-1".to_owned(), renew_refresh_token: Some(true) },
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(description = "Body of a token request: a password grant or a refresh-token grant.")
)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    /// `"grant_type": "password"`: log in with a user name and password.
    Password {
        /// The user's name.
        username: String,
        /// The user's password.
        password: String,
        /// The domain to log in to, such as `root`; left out for the root domain.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        auth_domain_path: Option<String>,
    },
    /// `"grant_type": "refresh_token"`: a new JWT from the refresh token of an earlier answer.
    RefreshToken {
        /// The refresh token of an earlier token answer.
        refresh_token: String,
        /// Whether to replace the refresh token as well (the newer Terraform provider sends
        /// `true`); the old one then stops working.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renew_refresh_token: Option<bool>,
    },
}

impl TokenRequest {
    /// A password grant for the root domain.
    pub fn password(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Password {
            username: username.into(),
            password: password.into(),
            auth_domain_path: None,
        }
    }

    /// A refresh grant that keeps the refresh token.
    pub fn refresh(refresh_token: impl Into<String>) -> Self {
        Self::RefreshToken {
            refresh_token: refresh_token.into(),
            renew_refresh_token: None,
        }
    }
}

/// The answer to a token request.
///
/// ```
/// use cckm_sync::TokenResponse;
///
/// let token: TokenResponse = serde_json::from_str(
///     r#"{"jwt": "eyJ…", "duration": 300, "token_type": "Bearer", "refresh_token": "r-1", "client_id": "c"}"#,
/// )?;
/// assert_eq!(token.duration, Some(300));
/// let bare: TokenResponse = serde_json::from_str(r#"{"jwt": "eyJ…"}"#)?;
/// assert_eq!((bare.duration, bare.token_type), (None, None));
/// assert_eq!(token.authorization(), "Bearer eyJ…");
/// assert_eq!(token.client_id.as_deref(), Some("c"));
/// assert!(token.unknown_fields.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(
        description = "Answer to a token request: a JWT for the `Authorization: Bearer` header of \
        every other call. Fields not listed here must be accepted."
    )
)]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer <jwt>`.
    pub jwt: String,
    /// How long the JWT is valid, in seconds (300 on a default server). Only `jwt` is known
    /// for sure to be in the answer: this field and `token_type` come from test doubles
    /// written against a live server, so an answer without them is read as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// `Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// An opaque token for a refresh grant, when the server gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The id of the refresh token (a UUID on a real server), which names it in the server's
    /// list of refresh tokens. Evidence: code. The vendor's Python SDK (`ciphertrust-sdk`
    /// 1.0.17, written against live servers) reads it from every token answer, without a
    /// default: a server that leaves it out makes that client fail right after a 200. Read
    /// when absent all the same, as older answers may lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token_id: Option<String>,
    /// The id of the client the token was issued to. Evidence: code (the same SDK reads it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Fields this crate does not model, kept verbatim.
    #[serde(flatten)]
    pub unknown_fields: Map<String, Value>,
}

impl TokenResponse {
    /// The wire names of the fields this type models.
    ///
    /// ```
    /// use cckm_sync::TokenResponse;
    ///
    /// let token: TokenResponse = serde_json::from_str(r#"{"jwt": "e30", "duration": 300}"#)?;
    /// let written = serde_json::to_value(&token)?;
    /// assert!(written.as_object().unwrap().keys().all(|key| TokenResponse::FIELDS.contains(&key.as_str())));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub const FIELDS: &'static [&'static str] = &[
        "jwt",
        "duration",
        "token_type",
        "refresh_token",
        "refresh_token_id",
        "client_id",
    ];

    /// The value of the `Authorization` header for this token: `Bearer <jwt>`.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.jwt)
    }
}

impl crate::unknown::ReportUnknowns for TokenResponse {
    fn report_unknowns(&self, path: &mut crate::unknown::JsonPointer, out: &mut Vec<crate::unknown::Unknown>) {
        for key in self.unknown_fields.keys() {
            path.push_unknown(key, crate::unknown::UnknownKind::Field, out);
        }
    }
}
