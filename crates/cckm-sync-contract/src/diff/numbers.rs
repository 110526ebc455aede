//! Integers in schemas: the ranges of the numeric formats, JSON numbers of 128-bit integers,
//! and bounds tightened.

use serde_json::{Map, Number, Value};

/// The integer range of the numeric formats of the OpenAPI format registry.
pub(crate) fn format_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

pub(crate) fn number_of(value: i128) -> Value {
    if let Ok(small) = i64::try_from(value) {
        Value::Number(small.into())
    } else if let Ok(large) = u64::try_from(value) {
        Value::Number(large.into())
    } else {
        // Beyond 64 bits: the nearest double.
        #[allow(
            clippy::cast_precision_loss,
            reason = "a probe beyond 64 bits is a double in JSON anyway"
        )]
        let double = value as f64;
        Number::from_f64(double).map_or(Value::Null, Value::Number)
    }
}

pub(crate) fn integer_of(number: &Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// Tightens `minimum` (or `maximum`) of `schema` to `bound`.
pub(crate) fn tighten(schema: &mut Map<String, Value>, key: &str, bound: i128, lower: bool) {
    let tighter = match schema.get(key) {
        Some(Value::Number(current)) => match integer_of(current) {
            Some(current) => (lower && bound > current) || (!lower && bound < current),
            None => current.as_f64().is_some_and(|current| {
                #[allow(clippy::cast_precision_loss, reason = "compared with a bound that is a double")]
                let bound = bound as f64;
                (lower && bound > current) || (!lower && bound < current)
            }),
        },
        _ => true,
    };
    if tighter {
        schema.insert(key.to_owned(), number_of(bound));
    }
}
