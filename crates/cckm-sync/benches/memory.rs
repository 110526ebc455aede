//! Heap use of parsing the benchmark's large page, typed against `serde_json::Value` and
//! `serde::de::IgnoredAny`, counted by dhat's allocator in one run.
//!
//! Run with `cargo bench -p cckm-sync --bench memory` (or `cargo xtask bench`). Prints, per
//! target, the allocations made, the bytes allocated and the bytes still held by the result,
//! and the typed figures as ratios of the `Value` ones.

#![allow(clippy::print_stdout, reason = "a benchmark reports on its output")]

use cckm_sync::SyncJobPage;
use serde::de::IgnoredAny;
use serde_json::Value;

#[path = "../tests/support/large_page.rs"]
mod large_page;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// What one parse did to the heap.
struct Use {
    allocations: u64,
    allocated: u64,
    held: u64,
}

fn measure<T>(parse: impl FnOnce() -> T) -> Use {
    let before = dhat::HeapStats::get();
    let parsed = parse();
    let after = dhat::HeapStats::get();
    drop(parsed);
    Use {
        allocations: after.total_blocks - before.total_blocks,
        allocated: after.total_bytes - before.total_bytes,
        held: (after.curr_bytes - before.curr_bytes) as u64,
    }
}

fn main() {
    // Under `cargo test --benches` a benchmark runs once as a test; this one has nothing to check.
    if std::env::args().any(|arg| arg == "--test" || arg == "--list") {
        return;
    }
    let bytes = large_page::bytes(large_page::JOBS);
    let _profiler = dhat::Profiler::builder().testing().build();

    let typed = measure(|| cckm_sync::from_slice::<SyncJobPage>(&bytes).unwrap());
    let value = measure(|| serde_json::from_slice::<Value>(&bytes).unwrap());
    let ignored = measure(|| serde_json::from_slice::<IgnoredAny>(&bytes).unwrap());

    println!(
        "memory/any_family_{}k ({} bytes of JSON)",
        large_page::JOBS / 1000,
        bytes.len()
    );
    println!(
        "{:<14} {:>12} {:>16} {:>14}",
        "target", "allocations", "bytes allocated", "bytes held"
    );
    for (name, use_) in [("typed", &typed), ("value", &value), ("ignored_any", &ignored)] {
        println!(
            "{name:<14} {:>12} {:>16} {:>14}",
            use_.allocations, use_.allocated, use_.held
        );
    }
    let ratio = |typed: u64, value: u64| typed as f64 / value as f64;
    println!(
        "{:<14} {:>11.3}x {:>15.3}x {:>13.3}x",
        "typed/value",
        ratio(typed.allocations, value.allocations),
        ratio(typed.allocated, value.allocated),
        ratio(typed.held, value.held)
    );
}
