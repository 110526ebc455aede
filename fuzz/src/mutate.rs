//! Structure-aware mutation of JSON inputs: libFuzzer's custom mutator of the JSON targets.

use serde_json::Value;

/// libFuzzer's byte-level mutator: `(data, size, max_size) -> new size`.
pub type ByteMutator = fn(&mut [u8], usize, usize) -> usize;

/// Mutates the input of a JSON target, as libFuzzer's custom mutator: half of the time, or when
/// the input is not a JSON document, with libFuzzer's byte-level `fallback` (which breaks and
/// respells the syntax: escapes, numbers, repeated keys); else by editing the document's value
/// one to three times (a value replaced by `null`, by a value of another type, by a value from
/// elsewhere in the document or by one of the wire's edge values; a member or an element
/// removed or added) and writing it again. Byte mutations alone rarely turn a 30-byte
/// timestamp into `null`; this is one edit. Returns the new size.
pub fn mutate_json(data: &mut [u8], size: usize, max_size: usize, seed: u32, fallback: ByteMutator) -> usize {
    let mut random = Random(u64::from(seed) | 1 << 32);
    if random.below(2) == 0 {
        return fallback(data, size, max_size);
    }
    let Some(Ok(mut document)) = data.get(..size).map(serde_json::from_slice::<Value>) else {
        return fallback(data, size, max_size);
    };
    for _ in 0..=random.below(3) {
        edit(&mut document, &mut random);
    }
    match serde_json::to_vec(&document) {
        Ok(bytes) if bytes.len() <= max_size && bytes.len() <= data.len() => {
            data[..bytes.len()].copy_from_slice(&bytes);
            bytes.len()
        }
        _ => fallback(data, size, max_size),
    }
}

/// A small deterministic generator (xorshift64*): a mutation must follow from libFuzzer's seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap_or(u64::MAX)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
}

/// Values at the edges of what the models read: every JSON type, integers at the 32- and
/// 64-bit bounds, the spellings of statuses and clouds, timestamps at the edges of RFC 3339 and
/// of the year range, UUIDs in other forms.
const EDGE_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1",
    "-1",
    "2.5",
    "4294967295",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[\"x\"]",
    "[\"\"]",
    "[null]",
    "{\"x\":null}",
    "\"in progress\"",
    "\"in_progress\"",
    "\"completed\"",
    "\"aborted\"",
    "\"AzureCloud\"",
    "\"AzureNewCloud\"",
    "\"aws\"",
    "\"gcp\"",
    "\"externalCM\"",
    "\"hsm-luna\"",
    "\"9999-12-31T23:59:59-01:00\"",
    "\"0000-01-01T00:00:00+01:00\"",
    "\"0001-01-01T00:00:00Z\"",
    "\"2020-12-31T23:59:60Z\"",
    "\"2020-11-05T06:38:25.123456789+05:30\"",
    "\"2020-11-05t06:38:25z\"",
    "\"0EA5D52E-387C-44FA-B079-21C8B768F77B\"",
    "\"0ea5d52e387c44fab07921c8b768f77b\"",
    "\"NCERRResourceNotFound: not found\"",
];

/// Every node of `value` by JSON Pointer, the document itself first; and every member name.
fn nodes(value: &Value, pointer: &str, pointers: &mut Vec<String>, keys: &mut Vec<String>) {
    pointers.push(pointer.to_owned());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                keys.push(key.clone());
                nodes(
                    child,
                    &format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    pointers,
                    keys,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                nodes(child, &format!("{pointer}/{index}"), pointers, keys);
            }
        }
        _ => {}
    }
}

/// One edit of `document` at a random node.
fn edit(document: &mut Value, random: &mut Random) {
    let (mut pointers, mut keys) = (Vec::new(), Vec::new());
    nodes(document, "", &mut pointers, &mut keys);
    keys.push("field_added_by_the_fuzzer".to_owned());
    let Some(pointer) = random.pick(&pointers).cloned() else {
        return;
    };
    // A value for the node: an edge value, or a copy of another node of the document.
    let other = |random: &mut Random| -> Value {
        if random.below(3) == 0 {
            let source = random
                .pick(&pointers)
                .and_then(|pointer| document.pointer(pointer))
                .cloned();
            if let Some(value) = source {
                return value;
            }
        }
        random
            .pick(EDGE_VALUES)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    };
    match random.below(4) {
        // Replace the node.
        0 | 1 => {
            let value = if random.below(3) == 0 {
                Value::Null
            } else {
                other(random)
            };
            if let Some(node) = document.pointer_mut(&pointer) {
                *node = value;
            }
        }
        // Remove it from its object or array.
        2 => {
            let Some((parent, last)) = pointer.rsplit_once('/') else {
                return;
            };
            let key = last.replace("~1", "/").replace("~0", "~");
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => drop(map.remove(&key)),
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>()
                        && index < items.len()
                    {
                        items.remove(index);
                    }
                }
                _ => {}
            }
        }
        // Add a member (named like one of the document's) or an element.
        _ => {
            let value = other(random);
            let key = random.pick(&keys).cloned().unwrap_or_default();
            match document.pointer_mut(&pointer) {
                Some(Value::Object(map)) => drop(map.insert(key, value)),
                Some(Value::Array(items)) => {
                    let index = random.below(items.len() + 1);
                    items.insert(index, value);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    /// Stands for libFuzzer's byte mutator: flips the first byte.
    fn flip_first(data: &mut [u8], size: usize, _: usize) -> usize {
        if let Some(first) = data.first_mut() {
            *first ^= 0xff;
        }
        size
    }

    #[test]
    fn the_json_mutator_edits_the_document_or_leaves_the_bytes_to_libfuzzer() {
        let original = br#"{"completed_at":"2020-11-05T06:38:29.248173Z","kms":["a","b"],"abort":false}"#;
        let mut edited = std::collections::BTreeSet::new();
        let mut by_libfuzzer = 0;
        for seed in 0..400 {
            let mut data = original.to_vec();
            data.resize(4096, 0);
            let size = mutate_json(&mut data, original.len(), 4096, seed, flip_first);
            let output = &data[..size];
            if output.first() == Some(&(b'{' ^ 0xff)) {
                by_libfuzzer += 1;
                continue;
            }
            let value: Value = serde_json::from_slice(output).expect("the mutator writes JSON");
            edited.insert(value.to_string());
        }
        assert!(
            (100..300).contains(&by_libfuzzer),
            "{by_libfuzzer} of 400 left to libFuzzer"
        );
        assert!(edited.len() > 100, "only {} distinct edits", edited.len());
        assert!(
            edited.contains(r#"{"abort":false,"completed_at":null,"kms":["a","b"]}"#),
            "no null timestamp"
        );
        assert!(edited.iter().any(|json| !json.contains("\"kms\"")), "no member removed");

        // Not JSON: always libFuzzer's.
        let mut data = b"{\"kms\": [".to_vec();
        data.resize(64, 0);
        for seed in 0..20 {
            let size = mutate_json(&mut data, 9, 64, seed, flip_first);
            assert_eq!(size, 9);
        }
        // Never more than max_size.
        let mut data = original.to_vec();
        for seed in 0..200 {
            let size = mutate_json(&mut data, original.len(), original.len(), seed, flip_first);
            assert!(size <= original.len());
        }
    }
}
