//! What the integration tests share: a client of a running mock over a real socket, and the
//! checks every answer must pass (JSON, parsed by the model crate, valid against its schema
//! file).

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cckm_sync::endpoints::{self, Endpoint, Operation};
use cckm_sync::{ApiError, CloudFamily, SyncJob, SyncJobPage, TokenResponse};
use cckm_sync_contract::Contract;
use cckm_sync_mock::{MockServer, MockServerBuilder};
use reqwest::Method;
use serde_json::{Value, json};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixtures() -> PathBuf {
    workspace_root().join("crates/cckm-sync/tests/fixtures")
}

/// The committed contract files, read once: validators of `schemas/`, by name.
fn contract() -> &'static Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT.get_or_init(|| Contract::from_dir(&workspace_root()).unwrap())
}

/// Panics unless `instance` is valid against `schemas/<name>.schema.json`.
pub fn assert_valid(name: &str, instance: &Value) {
    let contract = contract();
    let schema = contract
        .schema_file(name)
        .unwrap_or_else(|| panic!("no schema file {name}.schema.json"));
    let validator = contract.validator(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path().as_str()))
        .collect();
    assert!(errors.is_empty(), "not a valid {name}: {errors:?}\n{instance:#}");
}

/// `aws` → `Aws`, `external-cm` → `ExternalCm`: the prefix of a family's schema names.
pub fn schema_prefix(family: CloudFamily) -> String {
    family
        .spec()
        .name
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A client with ring as rustls's provider (the workspace builds reqwest without one).
pub fn http_client(root: Option<&[u8]>) -> reqwest::Client {
    #[allow(deprecated, reason = "ring lacks post-quantum key exchange: not needed on loopback")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder().timeout(std::time::Duration::from_secs(20));
    if let Some(pem) = root {
        builder = builder.tls_certs_only([reqwest::Certificate::from_pem(pem).unwrap()]);
    }
    builder.build().unwrap()
}

/// An answer of the mock.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub raw: Vec<u8>,
    pub body: Value,
}

impl Reply {
    /// The job of the answer, for `endpoint`: JSON, parsed by the crate with nothing unknown,
    /// of the endpoint's family, valid against the family's schema file.
    pub fn job(&self, endpoint: &Endpoint) -> SyncJob {
        assert!((200..300).contains(&self.status), "expected a job, got {self:#?}");
        let job: SyncJob = cckm_sync::from_slice_strict(&self.raw).unwrap_or_else(|error| panic!("{error}: {self:#?}"));
        assert_eq!(job.family(), Some(endpoint.family), "{self:#?}");
        assert_valid(&format!("{}SyncJob", schema_prefix(endpoint.family)), &self.body);
        assert_valid("SyncJob", &self.body);
        job
    }

    /// The page of the answer, checked as [`job`](Self::job) does.
    pub fn page(&self, endpoint: &Endpoint) -> SyncJobPage {
        assert_eq!(self.status, 200, "expected a page, got {self:#?}");
        let page: SyncJobPage =
            cckm_sync::from_slice_strict(&self.raw).unwrap_or_else(|error| panic!("{error}: {self:#?}"));
        assert!(page.resources.iter().all(|job| job.family() == Some(endpoint.family)));
        assert_valid(&format!("{}SyncJobPage", schema_prefix(endpoint.family)), &self.body);
        page
    }

    /// The error body of the answer, which must have `status`: every field set but where the
    /// catalog knows no `code`, `codeDesc` an `NCERR…` name.
    pub fn error(&self, status: u16) -> ApiError {
        assert_eq!(self.status, status, "{self:#?}");
        let error: ApiError =
            cckm_sync::from_slice_strict(&self.raw).unwrap_or_else(|error| panic!("{error}: {self:#?}"));
        assert_valid("ApiError", &self.body);
        assert!(error.ncerr_name().is_some(), "{self:#?}");
        assert!(
            error.message.as_deref().is_some_and(|message| !message.is_empty()),
            "{self:#?}"
        );
        assert!(error.request_id.is_some(), "{self:#?}");
        error
    }

    /// The message of the error body, which must have `status` and `codeDesc`.
    pub fn error_message(&self, status: u16, code_desc: &str) -> String {
        let error = self.error(status);
        assert_eq!(error.code_desc.as_deref(), Some(code_desc), "{self:#?}");
        error.message.unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A running mock, a client, and a token.
pub struct Api {
    pub server: MockServer,
    pub http: reqwest::Client,
    pub token: String,
}

impl Api {
    /// A mock with the default options and a token from the token call.
    pub async fn start() -> Self {
        Self::with(MockServer::builder()).await
    }

    pub async fn with(builder: MockServerBuilder) -> Self {
        let server = builder.start().unwrap();
        let http = http_client(server.certificate_pem().map(str::as_bytes));
        let mut api = Self {
            server,
            http,
            token: String::new(),
        };
        api.token = api.login().await.jwt;
        api
    }

    /// A token from the token call, with the server's credentials.
    pub async fn login(&self) -> TokenResponse {
        let (username, password) = self.server.credentials();
        let body = json!({"grant_type": "password", "username": username, "password": password});
        let reply = self
            .raw(Method::POST, "/api/v1/auth/tokens", None, Some(body.to_string()))
            .await;
        assert_eq!(reply.status, 200, "{reply:#?}");
        let token: TokenResponse = cckm_sync::from_slice_strict(&reply.raw).unwrap();
        token
    }

    /// A request with a bearer token (`token`, when set) and an optional body.
    pub async fn raw(&self, method: Method, path: &str, token: Option<&str>, body: Option<String>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.server.base_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let raw = response.bytes().await.unwrap().to_vec();
        let content_type = headers.get("content-type").and_then(|value| value.to_str().ok());
        assert_eq!(
            content_type,
            Some("application/json"),
            "{path}: {}",
            String::from_utf8_lossy(&raw)
        );
        let body = serde_json::from_slice(&raw)
            .unwrap_or_else(|error| panic!("{path}: not JSON ({error}): {}", String::from_utf8_lossy(&raw)));
        Reply {
            status,
            headers,
            raw,
            body,
        }
    }

    /// A call with the test's token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.raw(method, path, Some(&self.token), body.map(|body| body.to_string()))
            .await
    }

    pub async fn start_job(&self, endpoint: &Endpoint, body: Value) -> Reply {
        self.call(Method::POST, &endpoint.collection_path(), Some(body)).await
    }

    pub async fn get_job(&self, endpoint: &Endpoint, id: uuid::Uuid) -> Reply {
        self.call(Method::GET, &endpoint.job_path(id), None).await
    }

    pub async fn cancel_job(&self, endpoint: &Endpoint, id: uuid::Uuid) -> Reply {
        self.call(Method::POST, &endpoint.cancel_path(id), None).await
    }

    pub async fn list(&self, endpoint: &Endpoint, query: &str) -> Reply {
        let path = if query.is_empty() {
            endpoint.collection_path()
        } else {
            format!("{}?{query}", endpoint.collection_path())
        };
        self.call(Method::GET, &path, None).await
    }
}

/// A start body of `endpoint`'s family for `items`.
pub fn start_body(endpoint: &Endpoint, items: &[&str]) -> Value {
    json!({ endpoint.spec().start_scope_field: items })
}

/// Every endpoint of the catalog.
pub fn every_endpoint() -> impl Iterator<Item = &'static Endpoint> {
    endpoints::ENDPOINTS.iter()
}

/// The path of `operation` on `endpoint` for a raw id text.
pub fn path_with(endpoint: &Endpoint, operation: Operation, id: &str) -> String {
    format!("{}{}", endpoints::API_PREFIX, endpoint.path_template(operation)).replace("{id}", id)
}
