//! Fuzz target `error`: an error body (`ApiError`), checked by the round-trip and agreement oracles of
//! [`cckm_sync_fuzz`]. Built by `cargo xtask fuzz` with libFuzzer; built without it, replays
//! the files it is given.

#![cfg_attr(fuzzing, no_main)]

use cckm_sync_fuzz::Target;

const TARGET: Target = Target::Error;

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(init: cckm_sync_fuzz::fuzz_init(), |input: &[u8]| {
    cckm_sync_fuzz::fuzz_one(TARGET, input);
});

// Edits of the JSON document besides libFuzzer's byte mutations.
#[cfg(fuzzing)]
libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    cckm_sync_fuzz::mutate_json(data, size, max_size, seed, libfuzzer_sys::fuzzer_mutate)
});

#[cfg(not(fuzzing))]
fn main() -> std::process::ExitCode {
    cckm_sync_fuzz::replay_main(TARGET)
}
