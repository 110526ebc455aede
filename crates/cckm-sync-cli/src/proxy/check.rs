//! The checks of a call of the catalog, run off the runtime's threads, and what a failing one
//! says.

use std::sync::Arc;

use bytes::Bytes;
use cckm_sync_contract::{Case, Exchange, ExchangeResponse, Source, check_exchange};

use super::state::State;

/// What a failing case says, a line each: failures, contract bugs, drift (in strict mode).
pub(crate) fn violations(case: &Case) -> Vec<String> {
    let part = case.part.map(|part| format!("{part} ")).unwrap_or_default();
    let mut lines: Vec<String> = case.failures.iter().map(|failure| format!("{part}{failure}")).collect();
    lines.extend(
        case.contract_bugs
            .iter()
            .map(|bug| format!("{part}contract bug: {bug}")),
    );
    lines.extend(case.drift.iter().map(|drift| format!("{part}drift: {drift}")));
    lines
}

/// Checks the call, off the runtime's threads (a large page takes a while).
pub(crate) async fn check(
    state: &Arc<State>,
    source: &Source,
    method: &str,
    path: &str,
    query: Option<&str>,
    request_body: &Bytes,
    answer: Option<(u16, Option<String>, Bytes)>,
) -> [Case; 2] {
    let contract = state.contract;
    let (source, method, path, query, request_body) = (
        source.clone(),
        method.to_owned(),
        path.to_owned(),
        query.map(str::to_owned),
        request_body.clone(),
    );
    let checked = tokio::task::spawn_blocking(move || {
        let exchange = Exchange {
            method: &method,
            path: &path,
            query: query.as_deref(),
            request_body: Some(&request_body),
            response: answer.as_ref().map(|(status, content_type, body)| ExchangeResponse {
                status: *status,
                content_type: content_type.as_deref(),
                body: Some(body),
            }),
        };
        check_exchange(contract, &source, &exchange).ok()
    })
    .await;
    checked.ok().flatten().unwrap_or_default()
}
