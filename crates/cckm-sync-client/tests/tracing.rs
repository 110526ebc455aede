//! Each call runs in a `tracing` span that records what it was, and how it went.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use cckm_sync::StartJob;
use cckm_sync_mock::MockServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span's name and fields.
type Recorded = (String, BTreeMap<String, String>);

/// The spans of a run, in the order they were created.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<Recorded>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        span.record(&mut Fields(&mut fields));
        let mut spans = self.0.lock().unwrap();
        spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[test]
fn each_call_records_its_method_path_status_and_duration() {
    let spans = Spans::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = MockServer::start();
    let client = support::client_of(&server).build().unwrap();
    tracing::subscriber::with_default(spans.clone(), || {
        runtime.block_on(async {
            let job = client.dsm().start(&StartJob::all()).await.unwrap();
            client.dsm().get(uuid::Uuid::from_u128(3)).await.unwrap_err();
            job
        })
    });

    let calls: Vec<BTreeMap<String, String>> = spans
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(name, _)| name == "cckm_sync_client::call")
        .map(|(_, fields)| fields.clone())
        .collect();
    let summary: Vec<(&str, &str, &str, &str)> = calls
        .iter()
        .map(|fields| {
            (
                fields["action"].as_str(),
                fields["method"].as_str(),
                fields["path"].as_str(),
                fields["status"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("start a job", "POST", "/api/v1/cckm/dsm/refresh", "201"),
            ("log in", "POST", "/api/v1/auth/tokens", "200"),
            (
                "read the job",
                "GET",
                "/api/v1/cckm/dsm/refresh/00000000-0000-0000-0000-000000000003",
                "404"
            ),
        ]
    );
    for fields in &calls {
        let duration: f64 = fields["duration_ms"].parse().unwrap();
        assert!(duration > 0.0, "{fields:?}");
        assert_eq!(fields["attempts"], "1", "{fields:?}");
        assert!(
            !fields.values().any(|value| value.contains("admin")),
            "no credential in a span: {fields:?}"
        );
    }
}
