//! `--format junit`: JUnit XML as CI systems read it (Jenkins, GitLab, GitHub Actions test
//! reporters): a `<testsuite>` per input file, a `<testcase>` per body. A failure is a
//! `<failure>`, a disagreement of the parser and the schema an `<error>` (the contract
//! itself is at fault), drift a `<failure>` with `--strict` and a line of `<system-out>`
//! without, a body that could not be checked `<skipped>`.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use cckm_sync_contract::har::split_url;
use cckm_sync_contract::{Case, Report, Verdict};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::inputs::Timing;

/// Writes `report` as JUnit XML; `timings` give each file's time, `total` the run's.
pub(crate) fn write(out: &mut impl Write, report: &Report, timings: &[Timing], total: Duration) -> io::Result<()> {
    let strict = report.is_strict();
    // The cases of each input, in the order of the inputs (cases of the proxy have no file).
    let mut suites: BTreeMap<usize, (String, Vec<&Case>)> = BTreeMap::new();
    let order: BTreeMap<&str, usize> = timings
        .iter()
        .enumerate()
        .map(|(index, timing)| (timing.name.as_str(), index))
        .collect();
    for case in report.cases() {
        let name = case.source.file.clone().unwrap_or_else(|| "calls".to_owned());
        let index = order.get(name.as_str()).copied().unwrap_or(usize::MAX);
        suites.entry(index).or_insert_with(|| (name, Vec::new())).1.push(case);
    }
    let count = |cases: &[&Case], verdict: Verdict| cases.iter().filter(|case| case.verdict(strict) == verdict).count();
    let errors = |cases: &[&Case]| {
        cases
            .iter()
            .filter(|case| case.failures.is_empty() && !case.contract_bugs.is_empty())
            .count()
    };
    let all: Vec<&Case> = report.cases().iter().collect();
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests = all.len().to_string();
    let failures = (count(&all, Verdict::Fail) - errors(&all)).to_string();
    let error_count = (errors(&all) + report.errors().len()).to_string();
    let skipped = count(&all, Verdict::Skip).to_string();
    let time = seconds(total);
    writer
        .create_element("testsuites")
        .with_attributes([
            ("name", "cckm-sync validate"),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", error_count.as_str()),
            ("skipped", skipped.as_str()),
            ("time", time.as_str()),
        ])
        .write_inner_content(|writer| {
            for (index, (name, cases)) in &suites {
                let elapsed = timings.get(*index).map_or(Duration::ZERO, |timing| timing.elapsed);
                write_suite(writer, name, cases, elapsed, strict)?;
            }
            if !report.errors().is_empty() {
                write_unreadable(writer, report.errors())?;
            }
            Ok(())
        })?;
    writeln!(writer.get_mut())?;
    Ok(())
}

fn write_suite<W: Write>(
    writer: &mut Writer<W>,
    name: &str,
    cases: &[&Case],
    elapsed: Duration,
    strict: bool,
) -> io::Result<()> {
    let tests = cases.len().to_string();
    let errors = cases
        .iter()
        .filter(|case| case.failures.is_empty() && !case.contract_bugs.is_empty())
        .count();
    let failed = cases
        .iter()
        .filter(|case| case.verdict(strict) == Verdict::Fail)
        .count();
    let skipped = cases
        .iter()
        .filter(|case| case.verdict(strict) == Verdict::Skip)
        .count()
        .to_string();
    let failures = (failed - errors).to_string();
    let errors = errors.to_string();
    let time = seconds(elapsed);
    writer
        .create_element("testsuite")
        .with_attributes([
            ("name", name),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", errors.as_str()),
            ("skipped", skipped.as_str()),
            ("time", time.as_str()),
        ])
        .write_inner_content(|writer| {
            for case in cases {
                write_case(writer, case, strict)?;
            }
            Ok(())
        })?;
    Ok(())
}

/// A test case's name: the HAR entry, its call and part, or the file. Stable from one
/// recording to the next of the same calls, so that a CI's history follows a case: the URL's
/// path and query without the host (a port picked at random changes), job ids as `{id}`.
fn case_name(case: &Case) -> String {
    match &case.source.entry {
        Some(entry) => {
            let part = case.part.map(|part| format!(" {part}")).unwrap_or_default();
            let (path, query) = split_url(&entry.url);
            let target = match query {
                Some(query) => format!("{path}?{query}"),
                None => path.to_owned(),
            };
            format!("entry {} {} {}{part}", entry.index, entry.method, without_ids(&target))
        }
        None => case.source.file.clone().unwrap_or_default(),
    }
}

/// `text` with every UUID (8-4-4-4-12 hexadecimal digits) written `{id}`.
fn without_ids(text: &str) -> String {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    const LENGTH: usize = 36;
    let is_uuid = |candidate: &[u8]| {
        let mut at = 0;
        GROUPS.iter().enumerate().all(|(index, &length)| {
            let group = candidate.get(at..at + length);
            at += length;
            let hex = group.is_some_and(|group| group.iter().all(u8::is_ascii_hexdigit));
            let dash = index == GROUPS.len() - 1 || {
                at += 1;
                candidate.get(at - 1) == Some(&b'-')
            };
            hex && dash
        })
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    let mut at = 0;
    while at + LENGTH <= bytes.len() {
        let before_ok = at == 0 || !bytes.get(at - 1).is_some_and(u8::is_ascii_hexdigit);
        let after_ok = !bytes.get(at + LENGTH).is_some_and(u8::is_ascii_hexdigit);
        if before_ok && after_ok && bytes.get(at..at + LENGTH).is_some_and(is_uuid) {
            out.push_str(text.get(start..at).unwrap_or_default());
            out.push_str("{id}");
            at += LENGTH;
            start = at;
        } else {
            at += 1;
        }
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out
}

/// A test case's class: the call (`aws-keys.list`), else what the body is.
fn class_name(case: &Case) -> String {
    let call = case
        .call
        .as_ref()
        .map(|call| {
            [call.endpoint.as_deref(), call.operation.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(".")
        })
        .filter(|call| !call.is_empty());
    let kind = || case.kind.clone().unwrap_or_else(|| "body".to_owned());
    format!("cckm-sync.{}", call.unwrap_or_else(kind))
}

fn write_case<W: Write>(writer: &mut Writer<W>, case: &Case, strict: bool) -> io::Result<()> {
    let name = case_name(case);
    let classname = class_name(case);
    let element = writer.create_element("testcase").with_attributes([
        ("name", name.as_str()),
        ("classname", classname.as_str()),
        ("time", "0"),
    ]);
    let details = details(case);
    let drift_lines: Vec<String> = case.drift.iter().map(ToString::to_string).collect();
    if case.verdict(strict) == Verdict::Pass && drift_lines.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|writer| {
        let message = message(case);
        if !case.failures.is_empty() {
            text_element(writer, "failure", &message, "contract", &details)?;
        } else if !case.contract_bugs.is_empty() {
            text_element(writer, "error", &message, "contract-bug", &details)?;
        } else if strict && !case.drift.is_empty() {
            text_element(writer, "failure", &message, "drift", &drift_lines.join("\n"))?;
        } else if let Some(reason) = &case.skipped {
            writer
                .create_element("skipped")
                .with_attribute(("message", reason.as_str()))
                .write_empty()?;
        }
        if !drift_lines.is_empty() && !strict {
            let text = format!("drift (a warning):\n{}", drift_lines.join("\n"));
            writer
                .create_element("system-out")
                .write_text_content(text_node(&text))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Everything found, a line each: the failures, the schema's errors, the contract bugs, the
/// drift and the notes.
fn details(case: &Case) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(kind) = &case.kind {
        lines.push(format!("body: {kind}"));
    }
    if let Some(schema) = &case.schema {
        lines.push(format!("schema: {schema}"));
    }
    lines.extend(case.failures.iter().map(|failure| format!("failure: {failure}")));
    lines.extend(
        case.schema_errors
            .iter()
            .map(|error| format!("schema error: {}: {}", pointer(&error.pointer), error.message)),
    );
    lines.extend(case.contract_bugs.iter().map(|bug| format!("contract bug: {bug}")));
    lines.extend(case.drift.iter().map(|drift| format!("drift: {drift}")));
    lines.extend(case.notes.iter().map(|note| format!("note: {note}")));
    lines.join("\n")
}

fn pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "(document)" } else { pointer }
}

/// The first thing found, on a line: a failure, else a contract bug, else drift.
fn message(case: &Case) -> String {
    let part = case.part.map(|part| format!("{part} ")).unwrap_or_default();
    let first = case
        .failures
        .first()
        .map(ToString::to_string)
        .or_else(|| case.contract_bugs.first().map(|bug| format!("contract bug: {bug}")))
        .or_else(|| case.drift.first().map(|drift| format!("drift: {drift}")))
        .unwrap_or_default();
    format!("{part}{first}")
}

fn text_element<W: Write>(writer: &mut Writer<W>, name: &str, message: &str, kind: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .with_attributes([("message", message), ("type", kind)])
        .write_text_content(text_node(text))?;
    Ok(())
}

/// Text content with only `<`, `>` and `&` escaped: quotes stay as they are, which some JUnit
/// readers (that drop entity references in text) need to show them.
fn text_node(text: &str) -> BytesText<'_> {
    BytesText::from_escaped(quick_xml::escape::partial_escape(text))
}

/// The inputs that could not be read, as errors of a suite of their own.
fn write_unreadable<W: Write>(writer: &mut Writer<W>, errors: &[String]) -> io::Result<()> {
    let tests = errors.len().to_string();
    writer
        .create_element("testsuite")
        .with_attributes([
            ("name", "unreadable inputs"),
            ("tests", tests.as_str()),
            ("failures", "0"),
            ("errors", tests.as_str()),
            ("skipped", "0"),
            ("time", "0"),
        ])
        .write_inner_content(|writer| {
            for (index, error) in errors.iter().enumerate() {
                let name = format!("input {index}");
                writer
                    .create_element("testcase")
                    .with_attributes([("name", name.as_str()), ("classname", "cckm-sync.input"), ("time", "0")])
                    .write_inner_content(|writer| text_element(writer, "error", error, "unreadable", error))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn seconds(duration: Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_written_as_id_and_nothing_else_is() {
        assert_eq!(
            without_ids("/api/v1/cckm/dsm/refresh/0ea5d52e-387c-44fa-b079-21c8b768f77b/cancel"),
            "/api/v1/cckm/dsm/refresh/{id}/cancel"
        );
        assert_eq!(
            without_ids("/x?id=0EA5D52E-387C-44FA-B079-21C8B768F77B&id=0ea5d52e-387c-44fa-b079-21c8b768f77b"),
            "/x?id={id}&id={id}"
        );
        let near_misses = "/x/0ea5d52e-387c-44fa-b079-21c8b768f77bb/0ea5d52e_387c-44fa-b079-21c8b768f77b/é";
        assert_eq!(without_ids(near_misses), near_misses);
    }
}
