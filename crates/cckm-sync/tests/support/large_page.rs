//! A large, realistic page of jobs for benchmarks and tests: the jobs of the vendor's example
//! responses, repeated with distinct ids and times, written in the server's field order
//! (`skip`, `limit`, `total` before `resources`; a job's fields as the seeds show them).

#![allow(dead_code, unreachable_pub)]

use cckm_sync::{Cloud, Page, SyncJob};
use chrono::{TimeDelta, Utc};

/// Jobs in the page the benchmarks parse.
pub const JOBS: usize = 10_000;

const SEEDS: [&str; 5] = [
    include_str!("../fixtures/pages/seed-azure-keys-in-progress.json"),
    include_str!("../fixtures/pages/seed-aws-keys-aborted-and-completed.json"),
    include_str!("../fixtures/jobs/seed-google-completed.json"),
    include_str!("../fixtures/pages/seed-salesforce-keys-item-errors.json"),
    include_str!("../fixtures/pages/seed-dsm-refresh-completed.json"),
];

/// Every job of the seed responses.
pub fn seed_jobs() -> Vec<SyncJob> {
    SEEDS
        .iter()
        .flat_map(|text| match cckm_sync::from_str::<Page<SyncJob>>(text) {
            Ok(page) => page.resources,
            Err(_) => vec![cckm_sync::from_str::<SyncJob>(text).expect("seed fixtures parse")],
        })
        .collect()
}

/// A page of `count` jobs cycling through `jobs`, each with its own id and times.
pub fn page(jobs: &[SyncJob], count: usize) -> Page<SyncJob> {
    let resources = (0..count)
        .map(|index| {
            let mut job = jobs[index % jobs.len()].clone();
            job.id = uuid::Uuid::from_u128(0x6c3a_0000_0000_4000_8000_0000_0000_0000 | index as u128);
            job.uri = format!("kylo:kylo:cckm:synchronize:{}", job.id);
            let offset = TimeDelta::microseconds((index * 7919) as i64);
            job.created_at = (job.created_at - offset).max(chrono::DateTime::<Utc>::UNIX_EPOCH);
            job.updated_at = job.created_at + TimeDelta::seconds(40);
            job
        })
        .collect();
    Page::new(0, -1, count as u64, resources)
}

/// The bytes of a page of `count` jobs of every family.
pub fn bytes(count: usize) -> Vec<u8> {
    serde_json::to_vec(&page(&seed_jobs(), count)).expect("a page serializes")
}

/// The bytes of a page of `count` AWS jobs.
pub fn aws_bytes(count: usize) -> Vec<u8> {
    let aws: Vec<SyncJob> = seed_jobs().into_iter().filter(|job| job.cloud == Cloud::Aws).collect();
    serde_json::to_vec(&page(&aws, count)).expect("a page serializes")
}
