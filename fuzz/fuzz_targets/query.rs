//! Fuzz target `query`: a list query string (each family's `ListSyncJobs::from_query_str`), checked by the round-trip and agreement oracles of
//! [`cckm_sync_fuzz`]. Built by `cargo xtask fuzz` with libFuzzer; built without it, replays
//! the files it is given.

#![cfg_attr(fuzzing, no_main)]

use cckm_sync_fuzz::Target;

const TARGET: Target = Target::Query;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(init: cckm_sync_fuzz::fuzz_init(), |input: &[u8]| {
    cckm_sync_fuzz::fuzz_one(TARGET, input);
});

#[cfg(not(fuzzing))]
fn main() -> std::process::ExitCode {
    cckm_sync_fuzz::replay_main(TARGET)
}
