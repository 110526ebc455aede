//! Strings that match a `pattern`, generated deterministically from the regular expression:
//! the simplest first, then one variant per alternative, optional part and class.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest string generated.
const MAX_LENGTH: usize = 512;
/// How deep a regular expression is walked.
const MAX_DEPTH: usize = 64;
/// Characters preferred in a class, in order: readable, and plain in a query string.
const PREFERRED: &str = "ax0A1-_.Z9z ";

/// Up to `max` strings that match `pattern`, the simplest first; none when the pattern is not
/// one the `regex` crate's syntax reads (look-around, back-references).
pub(crate) fn strings(pattern: &str, max: usize) -> Vec<String> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for text in of(&hir, max.max(1), 0) {
        if text.chars().count() <= MAX_LENGTH && !out.contains(&text) {
            out.push(text);
        }
    }
    out.truncate(max);
    out
}

fn of(hir: &Hir, max: usize, depth: usize) -> Vec<String> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![String::new()],
        HirKind::Literal(literal) => vec![String::from_utf8_lossy(&literal.0).into_owned()],
        HirKind::Class(class) => class_chars(class).into_iter().map(String::from).collect(),
        HirKind::Capture(capture) => of(&capture.sub, max, depth + 1),
        HirKind::Repetition(repetition) => {
            let inner = of(&repetition.sub, max, depth + 1);
            let Some(base) = inner.first() else {
                return Vec::new();
            };
            let min = usize::try_from(repetition.min).unwrap_or(usize::MAX);
            if base.len().saturating_mul(min) > MAX_LENGTH {
                return Vec::new();
            }
            let mut out = vec![base.repeat(min)];
            let more = repetition.max.is_none_or(|limit| limit > repetition.min);
            if more {
                out.push(base.repeat(min + 1));
            }
            for variant in inner.iter().skip(1) {
                out.push(variant.repeat(min.max(1)));
            }
            out.truncate(max);
            out
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Vec<String>> = parts.iter().map(|part| of(part, max, depth + 1)).collect();
            if parts.iter().any(Vec::is_empty) {
                return Vec::new();
            }
            let base: String = parts
                .iter()
                .filter_map(|part| part.first())
                .map(String::as_str)
                .collect();
            let mut out = vec![base];
            for (index, part) in parts.iter().enumerate() {
                for variant in part.iter().skip(1) {
                    if out.len() >= max {
                        return out;
                    }
                    let text: String = parts
                        .iter()
                        .enumerate()
                        .filter_map(|(at, other)| if at == index { Some(variant) } else { other.first() })
                        .map(String::as_str)
                        .collect();
                    out.push(text);
                }
            }
            out
        }
        HirKind::Alternation(branches) => {
            let branches: Vec<Vec<String>> = branches.iter().map(|branch| of(branch, max, depth + 1)).collect();
            // Each branch's simplest string first, then their variants.
            let mut out: Vec<String> = branches.iter().filter_map(|branch| branch.first().cloned()).collect();
            for branch in &branches {
                out.extend(branch.iter().skip(1).cloned());
            }
            out.truncate(max);
            out
        }
    }
}

/// One or two characters of a class: a preferred one if the class has it, and another.
fn class_chars(class: &Class) -> Vec<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(class) => class.iter().map(|range| (range.start(), range.end())).collect(),
        Class::Bytes(class) => class
            .iter()
            .map(|range| (char::from(range.start()), char::from(range.end())))
            .collect(),
    };
    let contains = |c: char| ranges.iter().any(|&(start, end)| start <= c && c <= end);
    let mut out: Vec<char> = PREFERRED.chars().filter(|&c| contains(c)).take(2).collect();
    if out.len() < 2 {
        // The first printable character of the class, then its very first.
        let printable = ranges.iter().find_map(|&(start, end)| {
            let from = start.max('!');
            (from <= end && from <= '~').then_some(from)
        });
        for c in printable.into_iter().chain(ranges.first().map(|&(start, _)| start)) {
            if out.len() < 2 && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn every_string_matches_its_pattern() {
        for pattern in [
            "^-?(id|uri|createdAt)(,-?(id|uri|createdAt))*$",
            "^-?[^\\s,-][^\\s,]*(,-?[^\\s,-][^\\s,]*)*$",
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
            "^(Azure|gcp$|oci$)",
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$",
            "(?i)^ncerr",
        ] {
            let generated = strings(pattern, 16);
            assert!(!generated.is_empty(), "{pattern}");
            for text in &generated {
                assert!(matches(pattern, text), "{pattern}: {text:?}");
            }
        }
    }

    #[test]
    fn the_simplest_string_comes_first_and_alternatives_follow() {
        let sort = strings("^-?(id|uri)(,-?(id|uri))*$", 16);
        assert_eq!(sort.first().map(String::as_str), Some("id"));
        assert!(sort.contains(&"uri".to_owned()));
        assert!(sort.contains(&"-id".to_owned()));
        assert!(sort.contains(&"id,id".to_owned()));
        assert_eq!(
            strings("^-?[^\\s,-][^\\s,]*$", 4).first().map(String::as_str),
            Some("a")
        );
        assert!(strings("(?=x)", 4).is_empty());
    }
}
