//! The command line of `cargo xtask`, declared once: the parser, the structs below and every
//! `--help` text come from this grammar (xflags, as rust-analyzer's xtask does).

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::missing_docs_in_private_items,
    reason = "the structs are generated from the documented grammar"
)]

use std::path::PathBuf;

xflags::xflags! {
    /// Project automation: `cargo xtask <command>`. Exit codes: 0 when the command succeeds,
    /// 1 when it fails, 2 for a usage error.
    cmd xtask {
        /// Write the JSON Schema and OpenAPI files (schemas/, openapi/ and the contract crate's
        /// copy) from the model crate and the catalog.
        cmd codegen {
            /// Change nothing; fail, naming the file and the command that fixes it, if a
            /// committed file is stale.
            optional --check
        }
        /// Run every test, check snapshots and the serde-only build (what CI runs).
        cmd test {}
        /// Run the compatibility gate alone (a step of `test`): the contract and the crates
        /// against their last release (releases/), and the packages built and run.
        cmd gate {}
        /// Run the compatibility gate, date the CHANGELOG sections of the new versions and
        /// record the release in releases/ (VERSIONING.md says when and how).
        cmd release {}
        /// Generate a client with each generator from openapi/ and run its scenario against
        /// `cckm-sync mock` (a step of `test`).
        cmd clients {
            /// Only the generators whose name holds one of these words.
            repeated words: String
        }
        /// Build into target/dist/ the Python wheel and the npm package (`npm pack`) of the
        /// contract, with the `cckm-sync` program inside, for this machine's platform, and the
        /// offline API reference (reference/index.html).
        cmd dist {
            /// Package the dev-profile program (what `cargo build` builds) instead of a stripped
            /// release build: quicker, larger; what `cargo xtask test` does.
            optional --dev
            /// Write there instead of target/dist/.
            optional --out dir: PathBuf
            /// The step of `cargo xtask test` alone: build with --dev into
            /// target/xtask/dist-test/, install each package into a fresh environment and run
            /// its tests there, and check the reference in headless Chromium. Takes no other
            /// option.
            optional --test
        }
        /// Replay the hostile-client probes against `cckm-sync mock` at full size (idle
        /// sockets, large starts, the control API, the received-requests log, items across the
        /// store, lists beside starts, stalled TLS handshakes) and print each figure beside
        /// its bound.
        cmd probe {
            /// The `cckm-sync` program to probe, instead of a release build of this tree.
            optional --program path: PathBuf
        }
        /// Drive `cckm-sync mock` with the vendor's Python SDK (ciphertrust-sdk, pinned in
        /// tools/sdk/): login, start, get, list with filters and limit=-1, cancel, refresh, on
        /// two families.
        cmd sdk {}
        /// Run the parse benchmark and print the ratios between typed and baseline parsing.
        cmd bench {
            /// Arguments for criterion, after `--` (as `cargo xtask bench -- --save-baseline main`).
            repeated criterion_args: String
        }
        /// Measure `cckm-sync mock` against Prism on the same document (wrk, 64 connections).
        cmd bench-mock {}
        /// Time `cckm-sync validate` against check-jsonschema on the same files.
        cmd bench-validate {}
        /// Measure the latency `cckm-sync proxy` adds to calls to `cckm-sync mock`.
        cmd bench-proxy {}
        /// Replay at full size what a stranger can make `cckm-sync proxy` keep and `validate`
        /// read (new query parameter names, new fields, a 600 MiB HAR file, a device and a named
        /// pipe, the HAR file's bound), each figure beside its bound.
        cmd probe-drift {}
        /// Build the fuzz targets with coverage instrumentation (stable toolchain) and run
        /// TARGET, or every target one after the other (page, job, start, error, query), with
        /// libFuzzer, from the corpus in target/fuzz/corpus/ and seeds from the fixtures. Stops
        /// a target after N executions or SECONDS seconds, whichever comes first (default:
        /// --time 60), or at the first input that breaks an oracle, which it saves.
        cmd fuzz {
            /// One target: page, job, start, error or query.
            optional target: String
            /// Stop a target after N executions.
            optional --runs n: u64
            /// Stop a target after SECONDS seconds.
            optional --time seconds: u64
            /// Every target, 20,000 executions each from the seeds alone, a fixed random seed
            /// (what `cargo xtask test` runs). Takes no other argument.
            optional --smoke
            /// Flags for libFuzzer, after `--` (as `cargo xtask fuzz query -- -max_len=256`).
            repeated libfuzzer_flags: String
        }
    }
}
