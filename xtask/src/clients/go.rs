//! Go from Debian's packages, unpacked into `.tools/go/`.
//!
//! The generated Go client needs Go and one module beyond the standard library,
//! `gopkg.in/validator.v2` (its `oneOf` models validate with it). No Go module proxy is
//! reachable from the machines, but Debian's archive is, and it packages both: `golang-go`
//! (Go 1.19 in bookworm) and `golang-gopkg-validator.v2-dev` (the library's source, under
//! `/usr/share/gocode/src`). The packages named in `tools/clients/debian-packages.txt`, at the
//! versions pinned there, are fetched with `apt-get download` (no root needed, unless the
//! package lists must be fetched first) and unpacked with `dpkg-deb -x` into `.tools/go/root`,
//! so nothing is installed on the machine. Their symbolic links are relative, so the unpacked
//! Go runs from there with `GOROOT` set.
//!
//! The client is built in GOPATH mode (`GO111MODULE=off`, with the unpacked library in
//! `GOPATH`): its `go.mod` asks for `gopkg.in/validator.v2 v2.0.1` and `go 1.23`, which only a
//! module proxy could serve, while the code itself builds with Go 1.19 and Debian's copy of
//! the library.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::bounded;

/// The list of pinned Debian packages, relative to the workspace root.
const PACKAGES: &str = "tools/clients/debian-packages.txt";
/// Where they are unpacked, relative to the workspace root.
const GO_DIR: &str = ".tools/go";
/// The `GOROOT` inside the unpacked tree.
const GOROOT: &str = "root/usr/lib/go-1.19";
/// The Go source of Debian's `-dev` packages inside the unpacked tree.
const GOCODE: &str = "root/usr/share/gocode";
/// The import path of the generated client in the build's GOPATH (`--git-host`,
/// `--git-user-id` and `--git-repo-id` of the generator).
pub(super) const CLIENT_IMPORT_PATH: &str = "github.com/cckm-sync/client";

/// The unpacked Go.
pub(super) struct Go {
    dir: PathBuf,
}

impl Go {
    /// A `go` command in GOPATH mode, with `gopath` and Debian's Go source as its GOPATH, and
    /// its build cache in `cache`.
    pub(super) fn command(&self, gopath: &Path, cache: &Path) -> Command {
        let goroot = self.dir.join(GOROOT);
        let mut command = Command::new(goroot.join("bin/go"));
        let gopath = std::env::join_paths([gopath.to_path_buf(), self.dir.join(GOCODE)]).unwrap_or_default();
        command
            .env("GOROOT", &goroot)
            .env("GOPATH", gopath)
            .env("GO111MODULE", "off")
            .env("GOCACHE", cache)
            .env("GOFLAGS", "")
            .env("CGO_ENABLED", "0");
        command
    }
}

/// Unpacks the pinned packages into `.tools/go/` unless they are there already, from the
/// current list (a copy of the list is kept there after a successful unpack).
pub(super) fn ensure(root: &Path) -> Result<Go, String> {
    let list = root.join(PACKAGES);
    let wanted = fs::read_to_string(&list).map_err(|error| format!("cannot read {PACKAGES}: {error}"))?;
    let packages: Vec<&str> = wanted
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let dir = root.join(GO_DIR);
    let stamp = dir.join("debian-packages.txt");
    let go = Go { dir: dir.clone() };
    if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && dir.join(GOROOT).join("bin/go").is_file()
    {
        return Ok(go);
    }
    eprintln!("unpacking Go from Debian's packages into {GO_DIR} ({PACKAGES})");
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|error| format!("cannot remove {GO_DIR}: {error}"))?;
    }
    let debs = dir.join("debs");
    fs::create_dir_all(&debs).map_err(|error| format!("cannot create {}: {error}", debs.display()))?;
    // As root, apt hands downloads to its `_apt` user, who cannot write into the workspace:
    // it says so and downloads as root. Downloading as root at once says nothing.
    let download = || {
        bounded(
            Command::new("apt-get")
                .args(["-o", "APT::Sandbox::User=root", "download"])
                .args(&packages)
                .current_dir(&debs),
        )
    };
    if download().is_err() {
        // A fresh machine may have no package lists yet (fetching them needs root).
        eprintln!("fetching Debian's package lists, then downloading again");
        bounded(Command::new("apt-get").args(["update", "-qq"]))
            .and_then(|()| download())
            .map_err(|error| {
                format!(
                    "{error}\nthe packages of {PACKAGES} could not be downloaded with apt-get: on Debian bookworm, \
                     run `apt-get update` as root; elsewhere, update the versions in {PACKAGES} to the archive's"
                )
            })?;
    }
    let entries = fs::read_dir(&debs).map_err(|error| format!("cannot read {}: {error}", debs.display()))?;
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.extension().is_some_and(|extension| extension == "deb") {
            bounded(Command::new("dpkg-deb").arg("-x").arg(&path).arg(dir.join("root")))?;
        }
    }
    fs::remove_dir_all(&debs).map_err(|error| format!("cannot remove {}: {error}", debs.display()))?;
    let version = crate::run::output(go.command(&dir, &dir.join("cache")).arg("version"))?;
    eprintln!("{}", version.trim());
    fs::copy(&list, &stamp).map_err(|error| format!("cannot write {}: {error}", stamp.display()))?;
    Ok(go)
}
