//! Parsing a large page of jobs: typed models against `serde_json::Value` and
//! `serde::de::IgnoredAny` (the cost of reading the JSON syntax alone) on the same bytes.
//!
//! Typed parsing goes through the crate's entry point, [`cckm_sync::from_slice`]; the
//! baselines through `serde_json::from_slice`, as their users would call them.
//!
//! Two measures per target:
//! - `parse`: the parse alone; each result is dropped outside the timed region, right after
//!   it is made, so the allocator is as warm as in a real program;
//! - `parse_and_drop`: a parse followed by dropping the result, as a caller pays for both.
//!
//! Run with `cargo bench -p cckm-sync --bench parse`; `cargo xtask bench` runs it and prints
//! the ratios between the targets of each group.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cckm_sync::{AwsSyncJobPage, SyncJobPage};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

#[path = "../tests/support/large_page.rs"]
mod large_page;

/// A way to parse the bytes: the crate's entry point, or serde_json's.
type Parse<T> = fn(&[u8]) -> T;

fn typed<T: DeserializeOwned>(bytes: &[u8]) -> T {
    cckm_sync::from_slice(bytes).unwrap()
}

fn serde_json<T: DeserializeOwned>(bytes: &[u8]) -> T {
    serde_json::from_slice(bytes).unwrap()
}

/// Times `parse` alone: every result is dropped outside the timed region.
fn parse_only<T>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, parse: Parse<T>, bytes: &[u8]) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let parsed = parse(black_box(bytes));
                total += start.elapsed();
                drop(black_box(parsed));
            }
            total
        })
    });
}

/// Times a parse followed by dropping what it made.
fn parse_and_drop<T>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, parse: Parse<T>, bytes: &[u8]) {
    group.bench_function(name, |b| b.iter(|| parse(black_box(bytes))));
}

fn page_of_every_family(c: &mut Criterion) {
    let bytes = large_page::bytes(large_page::JOBS);
    let mut group = c.benchmark_group("parse/any_family_10k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    parse_only(&mut group, "typed", typed::<SyncJobPage>, &bytes);
    parse_only(&mut group, "value", serde_json::<Value>, &bytes);
    parse_only(&mut group, "ignored_any", serde_json::<IgnoredAny>, &bytes);
    group.finish();

    let mut group = c.benchmark_group("parse_and_drop/any_family_10k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    parse_and_drop(&mut group, "typed", typed::<SyncJobPage>, &bytes);
    parse_and_drop(&mut group, "value", serde_json::<Value>, &bytes);
    parse_and_drop(&mut group, "ignored_any", serde_json::<IgnoredAny>, &bytes);
    group.finish();
}

fn page_of_one_family(c: &mut Criterion) {
    let bytes = large_page::aws_bytes(large_page::JOBS);
    let mut group = c.benchmark_group("parse/aws_10k");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    parse_only(&mut group, "typed", typed::<AwsSyncJobPage>, &bytes);
    parse_only(&mut group, "value", serde_json::<Value>, &bytes);
    parse_only(&mut group, "ignored_any", serde_json::<IgnoredAny>, &bytes);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = page_of_every_family, page_of_one_family
}
criterion_main!(benches);
