//! The offline API reference: Redoc's standalone page with the contract inside, and its check
//! in headless Chromium.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::files::{copy_file, fresh_dir, read_text, write_text};
use super::layout::{OPENAPI, REFERENCE};
use super::process::{bounded, without_proxies};
use super::setup::{Tools, ensure_chromium};

/// The one address Redoc's bundle fetches: Redocly's logo beside the sidebar's attribution.
pub(super) const REDOC_LOGO: &str = "https://cdn.redoc.ly/redoc/logo-mini.svg";
/// What it is replaced with: an empty image, in the page.
pub(super) const EMPTY_IMAGE: &str = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'/%3E";

/// `reference/index.html`: the template with Redoc's standalone script and the OpenAPI 3.1
/// document inside.
pub(super) fn build_reference(root: &Path, tools: &Tools, out: &Path) -> Result<PathBuf, String> {
    let template = read_text(&root.join(REFERENCE).join("index.html"))?;
    let bundle_file = tools.node_modules.join("redoc/bundles/redoc.standalone.js");
    let bundle = read_text(&bundle_file)?;
    if bundle.matches(REDOC_LOGO).count() != 1 {
        return Err(format!(
            "{} no longer holds its logo's address once: check what it fetches before changing tools/dist/package.json",
            bundle_file.display()
        ));
    }
    let bundle = bundle.replace(REDOC_LOGO, EMPTY_IMAGE);
    if bundle.contains("</script") {
        return Err(format!(
            "{} holds `</script`, which would end its inline script",
            bundle_file.display()
        ));
    }
    let text = read_text(&root.join(OPENAPI))?;
    let document: Value = serde_json::from_str(&text).map_err(|error| format!("{OPENAPI}: {error}"))?;
    let title = document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API reference");
    // Inside a <script> element, `</` could end it; in JSON text `<\/` is the same string.
    let inline_document = text.replace("</", "<\\/");
    let mut page = template;
    for (marker, value) in [
        ("@@TITLE@@", html_escape(title)),
        ("@@REDOC@@", bundle),
        ("@@OPENAPI@@", inline_document),
    ] {
        if page.matches(marker).count() != 1 {
            return Err(format!("{REFERENCE}/index.html must hold {marker} once"));
        }
        page = page.replace(marker, &value);
    }
    let dir = out.join("reference");
    fs::create_dir_all(&dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let file = dir.join("index.html");
    write_text(&file, &page)?;
    Ok(file)
}

pub(super) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The reference in headless Chromium: every operation renders, each response shows its example,
/// no request leaves the page; screenshots into `dir`.
pub(super) fn check_reference(root: &Path, tools: &Tools, page: &Path, dir: &Path) -> Result<(), String> {
    fresh_dir(dir)?;
    let chromium = ensure_chromium()?;
    // Node resolves the script's imports from its own folder: it runs beside node_modules.
    let script = tools
        .node_modules
        .parent()
        .unwrap_or(&tools.node_modules)
        .join("check-reference.mjs");
    copy_file(&root.join(REFERENCE).join("check.mjs"), &script)?;
    let mut check = Command::new(&tools.node);
    check
        .arg(&script)
        .arg(page)
        .arg(root.join(OPENAPI))
        .arg(dir)
        .env("CHROMIUM", &chromium);
    without_proxies(&mut check);
    bounded(&mut check)
}
