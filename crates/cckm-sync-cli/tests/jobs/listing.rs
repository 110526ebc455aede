//! `list` and `get`: the table and its width, `--all`, `-o json` and `-o wide`, the filters,
//! `--status`, `--sort` and `--limit` as query parameters, and a job's fields and items.

use std::time::Duration;

use cckm_sync::{AwsSyncJob, SyncJob};
use cckm_sync_mock::MockServer;

use crate::support::{Run, fixture};
use crate::{jobs, quick_mock};

/// A mock holding `count` ended AWS key jobs, made from the vendor's example.
async fn mock_with_jobs(count: usize) -> MockServer {
    let server = MockServer::start();
    let text = fixture("pages/seed-aws-keys-aborted-and-completed.json");
    let page: cckm_sync::AwsSyncJobPage = cckm_sync::from_str(&text).unwrap();
    let template = page.resources.last().unwrap().clone();
    let jobs: Vec<AwsSyncJob> = (0..count)
        .map(|index| {
            let mut job = template.clone();
            job.id = uuid::Uuid::from_u128(0x0ea5_d52e_387c_44fa_b079_0000_0000_0000 + index as u128);
            job.created_at += chrono::TimeDelta::seconds(60 * index as i64);
            job.scope.kms = Some(vec![format!("kms-{index}")]);
            job
        })
        .collect();
    let body = serde_json::to_vec(&cckm_sync::Page::new(0, -1, count as u64, jobs)).unwrap();
    server.load_jobs(&body, Some("aws-keys")).unwrap();
    server
}

#[tokio::test]
async fn list_shows_the_first_page_in_a_table_of_100_columns_and_all_lists_every_job() {
    let server = mock_with_jobs(25).await;

    let first = jobs(&server, &["list", "aws-keys"]);
    assert_eq!(first.code, 0, "{first:#?}");
    let lines = first.lines();
    assert_eq!(lines.len(), 11, "{first:#?}");
    assert!(lines[0].starts_with("ID") && lines[0].contains("STATUS") && lines[0].ends_with("SCOPE"));
    assert!(lines.iter().all(|line| line.chars().count() <= 100), "{first:#?}");
    assert!(
        lines[1].starts_with("0ea5d52e-387c-44fa-b079-000000000018  completed"),
        "{first:#?}"
    );
    assert!(lines[1].ends_with("  1/1  kms=kms-24 regions=ap…"), "{first:#?}");
    assert_eq!(first.stderr, "10 of 25 jobs shown: --all lists every job\n");

    let all = jobs(&server, &["list", "aws-keys", "--all"]);
    assert_eq!(all.code, 0, "{all:#?}");
    assert_eq!(all.lines().len(), 26, "{all:#?}");
    assert!(all.stderr.is_empty(), "{all:#?}");
}

#[tokio::test]
async fn list_json_is_one_array_of_the_jobs_as_the_server_sent_them() {
    let server = mock_with_jobs(25).await;
    let run = jobs(&server, &["list", "aws-keys", "--all", "--output", "json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let listed: Vec<AwsSyncJob> = cckm_sync::from_str(&run.stdout).unwrap();
    assert_eq!(listed.len(), 25);
    let raw: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(raw[0]["devAccount"], "ncryptify:gemalto:admin:accounts:gemalto");

    let one = jobs(
        &server,
        &[
            "get",
            "aws-keys",
            "0ea5d52e-387c-44fa-b079-000000000007",
            "--output",
            "json",
        ],
    );
    assert_eq!(one.code, 0, "{one:#?}");
    let job: SyncJob = cckm_sync::from_str(&one.stdout).unwrap();
    assert_eq!(job.scope.kms, Some(vec!["kms-7".to_owned()]));
}

#[tokio::test]
async fn list_sends_the_filters_as_query_parameters() {
    let server = mock_with_jobs(25).await;
    let run = jobs(
        &server,
        &[
            "list",
            "aws-keys",
            "--filter",
            "kms-3",
            "kms-4",
            "--status",
            "completed",
            "--sort",
            "createdAt",
        ],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.lines().len(), 3, "{run:#?}");
    assert!(run.lines()[1].ends_with("  1/1  kms=kms-3 regions=ap-…"), "{run:#?}");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "overall_status=completed&kms=kms-3&kms=kms-4&sort=createdAt");

    let by_id = jobs(
        &server,
        &["list", "aws-keys", "--id", "0ea5d52e-387c-44fa-b079-000000000002"],
    );
    assert_eq!(by_id.lines().len(), 2, "{by_id:#?}");

    // A descending key starts with `-`, and is a value of `--sort`, not a flag.
    let newest = jobs(&server, &["list", "aws-keys", "--sort", "-createdAt,id"]);
    assert_eq!(newest.code, 0, "{newest:#?}");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "sort=-createdAt,id");
    // A property the family's jobs cannot be sorted by is a usage error.
    let unsortable = jobs(&server, &["list", "aws-keys", "--sort", "name"]);
    assert_eq!(unsortable.code, 2, "{unsortable:#?}");
    assert!(
        unsortable.stderr.contains("AWS jobs cannot be sorted by \"name\""),
        "{unsortable:#?}"
    );
}

#[tokio::test]
async fn get_shows_the_fields_and_items_of_a_job() {
    let server = mock_with_jobs(3).await;
    let run = jobs(&server, &["get", "aws-keys", "0ea5d52e-387c-44fa-b079-000000000001"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let lines = run.lines();
    assert_eq!(lines[0], "id           0ea5d52e-387c-44fa-b079-000000000001");
    assert_eq!(lines[1], "endpoint     aws-keys (AWS keys)");
    assert_eq!(lines[2], "status       completed");
    assert!(lines.contains(&"kms          kms-1"), "{run:#?}");
    assert!(lines.contains(&"items        1 of 1 ok"), "{run:#?}");
    assert!(
        lines.contains(&"  + 123456789012/ap-south-1  region synchronized successfully"),
        "{run:#?}"
    );
}

#[tokio::test]
async fn google_key_rings_are_told_apart_in_get_and_in_the_wide_table() {
    let server = quick_mock().await;
    let rings = [
        "projects/gemalto-kyloeng/locations/global/keyRings/demo-key-ring",
        "projects/gemalto-kyloeng/locations/europe-west1/keyRings/eu-ring",
    ];
    let start = jobs(&server, &["start", "google", "--item", rings[0], rings[1], "--wait"]);
    assert_eq!(start.code, 0, "{start:#?}");
    // The summary, the last line: `job ID completed …`.
    let id = start.lines().last().unwrap().split(' ').nth(1).unwrap().to_owned();

    let get = jobs(&server, &["get", "google", &id]);
    assert_eq!(get.code, 0, "{get:#?}");
    for ring in rings {
        let item = format!("  + {ring}  key ring synchronized successfully");
        assert!(get.lines().contains(&item.as_str()), "{item:?} in {get:#?}");
    }
    assert!(
        get.lines()
            .contains(&format!("key_rings    {}, {}", rings[0], rings[1]).as_str()),
        "{get:#?}"
    );

    let wide = jobs(&server, &["list", "google", "-o", "wide"]);
    assert_eq!(wide.code, 0, "{wide:#?}");
    assert!(
        wide.lines()[1].ends_with(&format!("  2/2  key_rings={},{}", rings[0], rings[1])),
        "{wide:#?}"
    );
    // Not on a terminal, the table keeps to 100 columns.
    let narrow = jobs(&server, &["list", "google"]);
    assert!(
        narrow.lines().iter().all(|line| line.chars().count() <= 100),
        "{narrow:#?}"
    );
    assert!(narrow.lines()[1].ends_with('…'), "{narrow:#?}");
}

#[tokio::test]
async fn status_takes_the_words_the_table_shows_in_any_case() {
    let server = MockServer::builder()
        .job_duration(Duration::from_secs(3600))
        .start()
        .unwrap();
    server.pause_clock();
    let cancelled = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    jobs(&server, &["cancel", "aws-keys", &cancelled]);
    server.advance_clock(Duration::from_secs(3600));
    let completed = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    server.advance_clock(Duration::from_secs(3600));
    let cancelling = jobs(&server, &["start", "aws-keys", "--item", "kms"]).lines()[0].to_owned();
    jobs(&server, &["cancel", "aws-keys", &cancelling]);
    let running = jobs(&server, &["start", "azure-keys", "--all-items"]).lines()[0].to_owned();

    let ids = |run: &Run| -> Vec<String> {
        assert_eq!(run.code, 0, "{run:#?}");
        run.lines()[1..].iter().map(|line| line[..36].to_owned()).collect()
    };
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "cancelled"])),
        [cancelled.as_str()]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "cancelling"])),
        [cancelling.as_str()]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "COMPLETED"])),
        [completed]
    );
    assert_eq!(
        ids(&jobs(&server, &["list", "aws-keys", "--status", "running"])),
        [cancelling]
    );
    // Azure spells a running job `in progress`.
    assert_eq!(
        ids(&jobs(&server, &["list", "azure-keys", "--status", "Running"])),
        [running]
    );
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "overall_status=in%20progress");

    // Nothing found: said, with the words --status knows.
    let none = jobs(&server, &["list", "aws-keys", "--status", "queued"]);
    assert_eq!(none.code, 0, "{none:#?}");
    assert_eq!(
        none.stderr,
        "no aws-keys job found with status \"queued\" (statuses: running, completed, failed, aborted, cancelling, cancelled)\n"
    );
}

#[tokio::test]
async fn limit_lists_at_most_n_jobs() {
    let server = mock_with_jobs(25).await;
    let run = jobs(&server, &["list", "aws-keys", "--limit", "3"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.lines().len(), 4, "{run:#?}");
    assert_eq!(run.stderr, "3 of 25 jobs shown: --all lists every job\n");
    let query = server.received_requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "limit=3");
    let zero = jobs(&server, &["list", "aws-keys", "--limit", "0"]);
    assert_eq!(zero.code, 2, "{zero:#?}");
    assert!(
        zero.stderr
            .starts_with("error: invalid value '0' for '--limit <N>': a limit is a number of jobs, at least 1"),
        "{zero:#?}"
    );
}
