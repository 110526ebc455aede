//! Probes, and how a parameter's probe becomes the text of a request and, for each version,
//! the JSON instance its schema judges.

use std::collections::BTreeSet;

use serde_json::Value;

use super::ProbeSource;

/// A value given to both versions of a schema.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Probe {
    pub(crate) value: Value,
    pub(crate) source: ProbeSource,
    /// Which probe evidence prefers: the lowest.
    pub(crate) priority: u8,
}

impl Probe {
    pub(crate) fn new(value: Value, source: ProbeSource, priority: u8) -> Self {
        Self {
            value,
            source,
            priority,
        }
    }
}

/// How a parameter is written in a request: its name, where it is, and its style.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ParameterForm {
    pub(crate) name: String,
    pub(crate) location: String,
    pub(crate) style: String,
    pub(crate) explode: bool,
}

impl ParameterForm {
    /// The form of a Parameter Object, with OpenAPI's defaults: `form` and exploded for a
    /// query or a cookie, `simple` for a path or a header.
    pub(crate) fn of(name: &str, location: &str, parameter: &Value) -> Self {
        let default_style = match location {
            "query" | "cookie" => "form",
            _ => "simple",
        };
        let style = parameter
            .get("style")
            .and_then(Value::as_str)
            .unwrap_or(default_style)
            .to_owned();
        let explode = parameter
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
        Self {
            name: name.to_owned(),
            location: location.to_owned(),
            style,
            explode,
        }
    }

    fn delimiter(&self) -> char {
        match self.style.as_str() {
            "spaceDelimited" => ' ',
            "pipeDelimited" => '|',
            _ => ',',
        }
    }

    /// Whether each item of an array is a pair of its own (`kms=a&kms=b`).
    fn repeats(&self) -> bool {
        self.explode && matches!(self.style.as_str(), "form" | "spaceDelimited" | "pipeDelimited")
    }

    /// The texts a client sends for `value`: one per pair. `None` for what has no text in this
    /// form (`null`, an object, an empty list).
    pub(crate) fn render(&self, value: &Value) -> Option<Vec<String>> {
        let scalar = |value: &Value| -> Option<String> {
            match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                Value::Bool(flag) => Some(flag.to_string()),
                _ => None,
            }
        };
        match value {
            Value::Array(items) => {
                if items.is_empty() {
                    return None;
                }
                let texts: Vec<String> = items.iter().map(scalar).collect::<Option<_>>()?;
                if self.repeats() {
                    Some(texts)
                } else {
                    Some(vec![texts.join(&self.delimiter().to_string())])
                }
            }
            other => scalar(other).map(|text| vec![text]),
        }
    }

    /// `name=text` pairs, as the evidence shows them.
    pub(crate) fn display(&self, texts: &[String]) -> String {
        let pairs: Vec<String> = texts
            .iter()
            .map(|text| match self.location.as_str() {
                "header" => format!("{}: {text}", self.name),
                _ => format!("{}={}", self.name, encode(text)),
            })
            .collect();
        pairs.join(if self.location == "header" { ", " } else { "&" })
    }

    /// The instance a schema of `kinds` (its top-level JSON types; `item_kinds` those of its
    /// items) judges for `texts`, read in this form; `None` when the texts are not one value
    /// of it (a single-valued parameter given twice).
    pub(crate) fn instance(
        &self,
        texts: &[String],
        kinds: &BTreeSet<&'static str>,
        item_kinds: &BTreeSet<&'static str>,
    ) -> Option<Value> {
        if kinds.contains("array") {
            let items: Vec<&str> = match texts {
                [one] if !self.repeats() => one.split(self.delimiter()).collect(),
                texts => texts.iter().map(String::as_str).collect(),
            };
            return Some(Value::Array(
                items.into_iter().map(|text| typed(text, item_kinds)).collect(),
            ));
        }
        match texts {
            [one] => Some(typed(one, kinds)),
            _ => None,
        }
    }
}

/// The JSON value a text is for a schema of `kinds`: an integer written as an integer literal,
/// a number, `true` or `false`, or else the text.
fn typed(text: &str, kinds: &BTreeSet<&'static str>) -> Value {
    if (kinds.contains("integer") || kinds.contains("number"))
        && let Some(number) = crate::integer_literal(text)
    {
        return Value::Number(number);
    }
    if kinds.contains("number")
        && let Ok(Value::Number(number)) = serde_json::from_str::<Value>(text)
    {
        return Value::Number(number);
    }
    if kinds.contains("boolean") {
        match text {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::String(text.to_owned())
}

/// A text as it stands in a query string: `%`, `&`, `=`, `#`, `+`, spaces and control
/// characters percent-encoded, the rest as it is.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '%' | '&' | '=' | '#' | '+' | ' ') {
            let mut buffer = [0; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn kinds(names: &[&'static str]) -> BTreeSet<&'static str> {
        names.iter().copied().collect()
    }

    #[test]
    fn a_query_value_is_text_read_as_its_schema_says() {
        let limit = ParameterForm::of("limit", "query", &json!({}));
        let texts = limit.render(&json!("10")).unwrap();
        assert_eq!(limit.display(&texts), "limit=10");
        assert_eq!(
            limit.instance(&texts, &kinds(&["integer"]), &kinds(&[])),
            Some(json!(10))
        );
        assert_eq!(
            limit.instance(&texts, &kinds(&["string"]), &kinds(&[])),
            Some(json!("10"))
        );
        assert_eq!(
            limit.instance(&["010".to_owned()], &kinds(&["integer"]), &kinds(&[])),
            Some(json!("010"))
        );

        let kms = ParameterForm::of("kms", "query", &json!({"style": "form", "explode": true}));
        let texts = kms.render(&json!(["a b", "c"])).unwrap();
        assert_eq!(kms.display(&texts), "kms=a%20b&kms=c");
        assert_eq!(
            kms.instance(&texts, &kinds(&["array"]), &kinds(&["string"])),
            Some(json!(["a b", "c"]))
        );
        assert_eq!(kms.instance(&texts, &kinds(&["string"]), &kinds(&[])), None);
        assert_eq!(kms.render(&json!([])), None);

        let sort = ParameterForm::of("sort", "query", &json!({}));
        assert_eq!(
            sort.display(&sort.render(&json!("name,-updatedAt")).unwrap()),
            "sort=name,-updatedAt"
        );
    }
}
