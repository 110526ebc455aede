//! The oracles on a JSON payload model: round trip, fidelity (the crate writes back what it
//! read) and agreement with the committed schema file.

use cckm_sync::schemars::JsonSchema;
use jsonschema::Validator;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::finding::{Finding, Oracle, excerpt, schema_errors};

/// The check of one JSON model: its schema name, its schema file's validator, the input, and the input's JSON
/// value if a schema can judge it.
pub(crate) type JsonCheck = fn(&str, &Validator, &[u8], Option<&Value>) -> Result<(), Finding>;

/// A JSON payload model: its schema name and its check.
pub(crate) struct JsonModel {
    pub(crate) name: String,
    pub(crate) check: JsonCheck,
}

impl JsonModel {
    /// A response, which the crate promises to write back as the JSON value it read.
    pub(crate) fn response<T: DeserializeOwned + Serialize + PartialEq + JsonSchema>() -> Self {
        Self {
            name: T::schema_name().into_owned(),
            check: check_json::<T, true>,
        }
    }

    /// A request body, which the crate may write back in a canonical form (a start request
    /// leaves out `"synchronize_all": false` next to a list, and `null` options).
    pub(crate) fn request<T: DeserializeOwned + Serialize + PartialEq + JsonSchema>() -> Self {
        Self {
            name: T::schema_name().into_owned(),
            check: check_json::<T, false>,
        }
    }
}

/// The oracles on one JSON model (the fidelity oracle if `FAITHFUL`). `judged` is the JSON
/// value of `input` if a schema can judge it.
fn check_json<T: DeserializeOwned + Serialize + PartialEq, const FAITHFUL: bool>(
    name: &str,
    validator: &Validator,
    input: &[u8],
    judged: Option<&Value>,
) -> Result<(), Finding> {
    let parsed = cckm_sync::from_slice::<T>(input);
    if let Some(value) = judged
        && validator.is_valid(value) != parsed.is_ok()
    {
        let detail = match &parsed {
            Ok(_) => format!(
                "the parser accepts it, the schema file rejects it: {}",
                schema_errors(validator, value)
            ),
            Err(error) => format!("the schema file accepts it, the parser rejects it: {error}"),
        };
        return Err(Finding::new(Oracle::Agreement, name, detail));
    }
    let Ok(first) = parsed else { return Ok(()) };
    let text = round_trip(name, &first)?;
    match judged {
        Some(input) if FAITHFUL => fidelity(name, input, &text),
        _ => Ok(()),
    }
}

/// The round-trip oracle on a parsed value; returns its serialization.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq>(name: &str, first: &T) -> Result<String, Finding> {
    let finding = |detail: String| Finding::new(Oracle::RoundTrip, name, detail);
    let text = serde_json::to_string(first).map_err(|error| {
        finding(format!(
            "the parser accepts it, but the value cannot be serialized: {error}"
        ))
    })?;
    let second: T = cckm_sync::from_str(&text)
        .map_err(|error| finding(format!("the parser rejects its own output {}: {error}", excerpt(&text))))?;
    let text_again = serde_json::to_string(&second).map_err(|error| {
        finding(format!(
            "its own output parses, but cannot be serialized again: {error}"
        ))
    })?;
    if second != *first {
        return Err(finding(format!(
            "its own output {} parses to a different value, serialized {}",
            excerpt(&text),
            excerpt(&text_again)
        )));
    }
    if text_again != text {
        return Err(finding(format!(
            "serialized twice, the same value gives {} and then {}",
            excerpt(&text),
            excerpt(&text_again)
        )));
    }
    Ok(text)
}

/// The fidelity oracle: the serialization of what the parser read from `input` (the input's
/// JSON value) is the same JSON value, but for the spelling of a timestamp or a UUID.
fn fidelity(name: &str, input: &Value, text: &str) -> Result<(), Finding> {
    let output: Value = serde_json::from_str(text).map_err(|error| {
        Finding::new(
            Oracle::Fidelity,
            name,
            format!("the serialization {} is not JSON: {error}", excerpt(text)),
        )
    })?;
    match difference(input, &output, &mut String::new()) {
        None => Ok(()),
        Some(difference) => Err(Finding::new(
            Oracle::Fidelity,
            name,
            format!("the serialization {} loses or changes {difference}", excerpt(text)),
        )),
    }
}

/// Where and how `output` first says something else than `input`, by JSON Pointer.
fn difference(input: &Value, output: &Value, pointer: &mut String) -> Option<String> {
    let at = |pointer: &str| {
        if pointer.is_empty() {
            "(document)".to_owned()
        } else {
            pointer.to_owned()
        }
    };
    match (input, output) {
        (Value::Object(input), Value::Object(output)) => {
            for (key, value) in input {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match output.get(key) {
                    None => Some(format!("{}: {} is left out", at(pointer), value)),
                    Some(written) => difference(value, written, pointer),
                };
                pointer.truncate(length);
                if found.is_some() {
                    return found;
                }
            }
            output
                .iter()
                .find(|(key, _)| !input.contains_key(*key))
                .map(|(key, value)| format!("{}: \"{key}\": {value} is added", at(pointer)))
        }
        (Value::Array(input), Value::Array(output)) if input.len() == output.len() => input
            .iter()
            .zip(output)
            .enumerate()
            .find_map(|(index, (value, written))| {
                let length = pointer.len();
                pointer.push_str(&format!("/{index}"));
                let found = difference(value, written, pointer);
                pointer.truncate(length);
                found
            }),
        (Value::String(input), Value::String(output)) if same_instant(input, output) || same_uuid(input, output) => {
            None
        }
        // JSON has one kind of number: `1.0` and `1` are the same one. Two integers compare
        // exactly (the value equality below); a double with anything, as doubles.
        (Value::Number(a), Value::Number(b)) if (a.is_f64() || b.is_f64()) && a.as_f64() == b.as_f64() => None,
        (input, output) if input == output => None,
        (input, output) => Some(format!("{}: {input} is written {output}", at(pointer))),
    }
}

/// Whether both texts are RFC 3339 timestamps of the same instant: the parser writes every
/// timestamp in UTC, as the Go server does, whatever offset it read.
fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether both texts are the same UUID: the parser writes ids in lower case.
fn same_uuid(a: &str, b: &str) -> bool {
    match (uuid::Uuid::try_parse(a), uuid::Uuid::try_parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::*;

    /// A number written back doubled: its own output reads as another value.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Doubled(#[serde(serialize_with = "doubled")] u32);

    fn doubled<S: Serializer>(value: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::from(*value) * 2)
    }

    /// A value that cannot be written.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Unwritable(u32);

    impl Serialize for Unwritable {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("year out of range"))
        }
    }

    /// A value whose output its parser refuses: it reads a number, writes a string.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Quoted(#[serde(serialize_with = "quoted")] u32);

    fn quoted<S: Serializer>(value: &u32, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_string())
    }

    /// A value that reads back equal but is written in another order each time.
    #[derive(Debug, Serialize)]
    struct Unstable(Vec<u32>);

    impl PartialEq for Unstable {
        fn eq(&self, _: &Self) -> bool {
            true
        }
    }

    impl<'de> Deserialize<'de> for Unstable {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let mut items = Vec::<u32>::deserialize(deserializer)?;
            items.reverse();
            Ok(Self(items))
        }
    }

    fn round_trip_of<T: DeserializeOwned + Serialize + PartialEq>(json: &str) -> Result<(), Finding> {
        let value: T = serde_json::from_str(json).expect("a toy input");
        round_trip("Toy", &value).map(drop)
    }

    #[test]
    fn the_round_trip_oracle_catches_each_way_of_breaking_it() {
        assert_eq!(round_trip_of::<Vec<u32>>("[1, 2]"), Ok(()));
        let cases = [
            (round_trip_of::<Doubled>("21"), "parses to a different value"),
            (
                round_trip_of::<Unwritable>("1"),
                "cannot be serialized: year out of range",
            ),
            (
                round_trip_of::<Quoted>("7"),
                "the parser rejects its own output \"\\\"7\\\"\"",
            ),
            (
                round_trip_of::<Unstable>("[1, 2]"),
                "gives \"[2,1]\" and then \"[1,2]\"",
            ),
        ];
        for (result, expected) in cases {
            let finding = result.expect_err(expected);
            assert_eq!(finding.oracle, Oracle::RoundTrip);
            assert!(finding.detail.contains(expected), "{finding}");
        }
    }

    #[test]
    fn the_fidelity_oracle_names_the_first_value_lost_or_changed() {
        let cases = [
            (
                r#"{"a": 1, "b": [true, {"c": null}]}"#,
                r#"{"b": [true, {"c": null}], "a": 1}"#,
                None,
            ),
            (
                r#"{"t": "2020-11-05T07:39:45.500+01:00", "id": "0EA5D52E-387C-44FA-B079-21C8B768F77B"}"#,
                r#"{"t": "2020-11-05T06:39:45.5Z", "id": "0ea5d52e-387c-44fa-b079-21c8b768f77b"}"#,
                None,
            ),
            (r#"{"a": null}"#, r#"{}"#, Some("/a: null is left out")),
            (
                r#"{"a/b": {"c~d": null}}"#,
                r#"{"a/b": {}}"#,
                Some("/a~1b/c~0d: null is left out"),
            ),
            (r#"{"a": null}"#, r#"{"a": []}"#, Some("/a: null is written []")),
            (r#"{"a": [1, 2]}"#, r#"{"a": [1]}"#, Some("/a: [1,2] is written [1]")),
            (r#"{"a": [1, 2]}"#, r#"{"a": [1, 3]}"#, Some("/a/1: 2 is written 3")),
            (
                r#"{}"#,
                r#"{"abort": false}"#,
                Some(r#"(document): "abort": false is added"#),
            ),
            (
                r#""2020-11-05T06:39:45Z""#,
                r#""2020-11-05T06:39:46Z""#,
                Some("(document):"),
            ),
            (r#"[1.0, 1e3, -0.0, 2.5]"#, r#"[1, 1000, 0, 2.5]"#, None),
            (
                r#"[18446744073709551615]"#,
                r#"[18446744073709551614]"#,
                Some("/0: 18446744073709551615 is written"),
            ),
            (r#"[2.5]"#, r#"[2]"#, Some("/0: 2.5 is written 2")),
        ];
        for (input, output, expected) in cases {
            let [input, output]: [Value; 2] = [input, output].map(|json| serde_json::from_str(json).expect("JSON"));
            let found = difference(&input, &output, &mut String::new());
            match expected {
                None => assert_eq!(found, None, "{input} vs {output}"),
                Some(expected) => {
                    let found = found.unwrap_or_else(|| panic!("{input} vs {output}: no difference found"));
                    assert!(found.starts_with(expected), "{found}");
                }
            }
        }
    }
}
