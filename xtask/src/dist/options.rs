//! The command line of `cargo xtask dist`.

use std::path::PathBuf;

use super::layout::DIST_DIR;
use crate::run::root;

pub(crate) const USAGE: &str = "usage: cargo xtask dist [--dev] [--out DIR] | dist --test

Builds into target/dist/ (or DIR) the Python wheel and the npm package (`npm pack`) of the
contract, with the `cckm-sync` program inside, for this machine's platform, and the offline API
reference (reference/index.html).

  --dev      package the dev-profile program (what `cargo build` builds) instead of a
             stripped release build: quicker, larger; what `cargo xtask test` does
  --out DIR  write there instead of target/dist/
  --test     the step of `cargo xtask test` alone: build with --dev into target/xtask/dist-test/,
             install each package into a fresh environment and run its tests there, and check
             the reference in headless Chromium";

/// Which build of the program the packages hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Profile {
    Release,
    Dev,
}

/// What `cargo xtask dist` was asked.
pub(crate) struct Options {
    pub(super) profile: Profile,
    pub(super) out: PathBuf,
    /// `--test`: the step of `cargo xtask test` (`dist::test`) instead.
    pub(super) test: bool,
}

impl Options {
    /// Reads the command line of `cargo xtask dist`.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            profile: Profile::Release,
            out: root().join(DIST_DIR),
            test: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--dev" => options.profile = Profile::Dev,
                "--test" => options.test = true,
                "--out" => {
                    let dir = args.next().ok_or("--out needs a folder")?;
                    options.out = std::env::current_dir().map_err(|error| error.to_string())?.join(dir);
                }
                other => return Err(format!("unexpected argument {other:?}")),
            }
        }
        if options.test && args_given_besides_test(&options) {
            return Err("--test takes no other option".to_owned());
        }
        Ok(options)
    }
}

pub(super) fn args_given_besides_test(options: &Options) -> bool {
    options.profile != Profile::Release || options.out != root().join(DIST_DIR)
}
