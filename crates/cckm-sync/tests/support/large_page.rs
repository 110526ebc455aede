//! A large, realistic page of jobs for benchmarks and tests: the jobs of the vendor's example
//! responses, repeated with distinct ids and times.

#![allow(dead_code, unreachable_pub)]

use serde_json::{Value, json};

/// Jobs in the page the benchmark parses.
pub const JOBS: usize = 10_000;

const SEEDS: [&str; 5] = [
    include_str!("../fixtures/pages/seed-azure-keys-in-progress.json"),
    include_str!("../fixtures/pages/seed-aws-keys-aborted-and-completed.json"),
    include_str!("../fixtures/jobs/seed-google-completed.json"),
    include_str!("../fixtures/pages/seed-salesforce-keys-item-errors.json"),
    include_str!("../fixtures/pages/seed-dsm-refresh-completed.json"),
];

/// Every job of the seed responses.
pub fn seed_jobs() -> Vec<Value> {
    SEEDS
        .iter()
        .flat_map(|text| {
            let value: Value = serde_json::from_str(text).expect("seed fixtures are JSON");
            match value.get("resources") {
                Some(Value::Array(resources)) => resources.clone(),
                _ => vec![value],
            }
        })
        .collect()
}

/// A page of `count` jobs cycling through `jobs`, each with its own id and times.
pub fn page(jobs: &[Value], count: usize) -> Value {
    let resources: Vec<Value> = (0..count)
        .map(|index| {
            let mut job = jobs[index % jobs.len()].clone();
            let id = uuid::Uuid::from_u128(0x6c3a_0000_0000_4000_8000_0000_0000_0000 | index as u128).to_string();
            job["uri"] = json!(format!("kylo:kylo:cckm:synchronize:{id}"));
            job["id"] = json!(id);
            let second = index % 60;
            let micros = (index * 7919) % 1_000_000;
            job["createdAt"] = json!(format!("2021-07-27T03:10:{second:02}.{micros:06}Z"));
            job["updatedAt"] = json!(format!("2021-07-27T03:11:{second:02}.{micros:06}Z"));
            job
        })
        .collect();
    json!({ "skip": 0, "limit": -1, "total": count, "resources": resources })
}

/// The bytes of a page of `count` jobs of every family.
pub fn bytes(count: usize) -> Vec<u8> {
    serde_json::to_vec(&page(&seed_jobs(), count)).expect("a page serializes")
}

/// The bytes of a page of `count` AWS jobs.
pub fn aws_bytes(count: usize) -> Vec<u8> {
    let aws: Vec<Value> = seed_jobs().into_iter().filter(|job| job["cloud"] == "aws").collect();
    serde_json::to_vec(&page(&aws, count)).expect("a page serializes")
}
