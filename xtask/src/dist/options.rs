//! The command line of `cargo xtask dist`.

use std::path::PathBuf;

use super::layout::DIST_DIR;
use crate::run::root;

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
    /// What the command line of `cargo xtask dist` asked; the error is a usage error.
    pub(crate) fn from_flags(flags: crate::flags::Dist) -> Result<Self, String> {
        if flags.test && (flags.dev || flags.out.is_some()) {
            return Err("--test takes no other option".to_owned());
        }
        let out = match flags.out {
            Some(dir) => std::env::current_dir().map_err(|error| error.to_string())?.join(dir),
            None => root().join(DIST_DIR),
        };
        Ok(Self {
            profile: if flags.dev { Profile::Dev } else { Profile::Release },
            out,
            test: flags.test,
        })
    }
}
