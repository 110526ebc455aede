//! RFC 3339 timestamps as the server writes them.
//!
//! The server is written in Go and formats times with `time.RFC3339Nano`: UTC, `Z`, and the
//! fraction of a second with trailing zeros removed (`09:22:15.05611Z` has five digits, not a
//! truncated six). Writing them the same way makes a parsed-then-serialized response
//! byte-identical to what the server sent. Any RFC 3339 offset is accepted on input and
//! normalised to UTC; the instant is kept to the nanosecond.

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer, de};

/// Formats `time` like Go's `time.RFC3339Nano`: `Z` for UTC, else the offset as `±hh:mm`.
pub(crate) struct GoRfc3339(pub(crate) DateTime<FixedOffset>);

impl fmt::Display for GoRfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = self.0;
        // chrono keeps a leap second as second 59 with a nanosecond count of 10^9 or more.
        let (leap, nanos) = (time.nanosecond() / 1_000_000_000, time.nanosecond() % 1_000_000_000);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
            time.second() + leap,
        )?;
        if nanos != 0 {
            let mut digits = 9;
            let mut fraction = nanos;
            while fraction % 10 == 0 {
                fraction /= 10;
                digits -= 1;
            }
            write!(f, ".{fraction:0digits$}")?;
        }
        let offset = time.offset().local_minus_utc();
        if offset == 0 {
            return f.write_str("Z");
        }
        let sign = if offset < 0 { '-' } else { '+' };
        let minutes = offset.unsigned_abs() / 60;
        write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// The syntax of an RFC 3339 `date-time` that [`parse`] accepts, as a JSON Schema `pattern`
/// next to the `date-time` format: many validators treat `format` as an annotation only (the
/// draft 2020-12 default), and some accept a space for the `T`. The format still checks the
/// calendar and the ranges, which a pattern cannot.
#[cfg(feature = "schemars")]
pub(crate) const PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// Writes `time` in UTC, as the server does.
///
/// RFC 3339 has four-digit years only: an instant whose UTC year falls outside 0000–9999 can
/// only come from a timestamp with an offset near the edge of that range, such as
/// `9999-12-31T23:59:59-01:00`; it is written with the offset of the smallest size that keeps
/// the year in range, which denotes the same instant. An instant that no offset RFC 3339
/// allows (up to 23:59) can bring in range fails, as the parser never reads one.
pub(crate) fn serialize<S: Serializer>(time: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    match writable(time) {
        Some(time) => serializer.collect_str(&GoRfc3339(time)),
        None => Err(serde::ser::Error::custom(format_args!(
            "timestamp {time:?} is outside the years 0000-9999 that RFC 3339 can write"
        ))),
    }
}

/// `time` with the offset it is written with: UTC when its year has four digits, else the
/// smallest whole-minute offset that gives it four.
fn writable(time: &DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    const MAX_OFFSET_MINUTES: i64 = 23 * 60 + 59;
    let utc = FixedOffset::east_opt(0)?;
    if (0..=9999).contains(&time.year()) {
        return Some(time.with_timezone(&utc));
    }
    let minutes = if time.year() > 9999 {
        // Minutes (rounded up) past the last instant of 9999, written west of UTC.
        let last = NaiveDate::from_ymd_opt(9999, 12, 31)?
            .and_hms_nano_opt(23, 59, 59, 999_999_999)?
            .and_utc();
        let past = time.signed_duration_since(last);
        -(past.num_minutes() + i64::from(past.num_seconds() % 60 != 0 || past.subsec_nanos() != 0))
    } else {
        // Minutes (rounded up) before the first instant of 0000, written east of UTC.
        let first = NaiveDate::from_ymd_opt(0, 1, 1)?.and_hms_opt(0, 0, 0)?.and_utc();
        let before = first.signed_duration_since(*time);
        before.num_minutes() + i64::from(before.num_seconds() % 60 != 0 || before.subsec_nanos() != 0)
    };
    if minutes.abs() > MAX_OFFSET_MINUTES {
        return None;
    }
    let offset = FixedOffset::east_opt(i32::try_from(minutes * 60).ok()?)?;
    Some(time.with_timezone(&offset))
}

/// Parses an RFC 3339 timestamp, with any offset, into UTC.
pub(crate) fn parse(raw: &str) -> Result<DateTime<Utc>, String> {
    if let Some(time) = parse_server_form(raw) {
        return Ok(time);
    }
    let invalid = |reason: &dyn fmt::Display| {
        format!("invalid timestamp {raw:?}: {reason}; expected RFC 3339 such as \"2020-11-05T06:39:45.726289Z\"")
    };
    // chrono also takes a space between date and time (RFC 3339 allows it in prose, not in
    // its `date-time` grammar, which JSON Schema's `date-time` format follows).
    let time = DateTime::parse_from_rfc3339(raw).map_err(|error| invalid(&error))?;
    if !matches!(raw.as_bytes().get(10), Some(b'T' | b't')) {
        return Err(invalid(&"date and time must be separated by `T`"));
    }
    let time = time.with_timezone(&Utc);
    // chrono takes second 60 at any time of day; RFC 3339 (and JSON Schema's `date-time`)
    // only at the end of a UTC day, where leap seconds are inserted.
    if time.nanosecond() >= 1_000_000_000 && (time.hour(), time.minute()) != (23, 59) {
        return Err(invalid(&"a leap second must fall at 23:59:60 UTC"));
    }
    Ok(time)
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.f]Z` with one to nine fraction digits, the only form the
/// server writes, four times faster than chrono's general RFC 3339 parser (measured by the
/// `parse` benchmark, where timestamps were a tenth of the time). chrono still checks the
/// calendar; anything else, or anything odd, is left to the general parser.
fn parse_server_form(raw: &str) -> Option<DateTime<Utc>> {
    let bytes = raw.as_bytes();
    let number = |at: usize, len: usize| -> Option<u32> {
        bytes.get(at..at + len)?.iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators.iter().all(|&(at, byte)| bytes.get(at) == Some(&byte)) || bytes.last() != Some(&b'Z') {
        return None;
    }
    let nanos = match bytes.get(19..bytes.len() - 1)? {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(20, digits.len())? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 2)?, number(8, 2)?)?;
    let time = date.and_hms_nano_opt(number(11, 2)?, number(14, 2)?, number(17, 2)?, nanos)?;
    Some(time.and_utc())
}

/// Deserializes an RFC 3339 timestamp from a JSON string without allocating.
pub(crate) struct Rfc3339(pub(crate) DateTime<Utc>);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Rfc3339;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: de::Error>(self, raw: &str) -> Result<Rfc3339, E> {
                parse(raw).map(Rfc3339).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(raw: &str) -> String {
        GoRfc3339(writable(&parse(raw).unwrap()).unwrap()).to_string()
    }

    #[test]
    fn writes_fractions_like_go_rfc3339nano() {
        assert_eq!(round_trip("2021-03-03T09:22:15.05611Z"), "2021-03-03T09:22:15.05611Z");
        assert_eq!(round_trip("2020-11-05T06:39:45.726289Z"), "2020-11-05T06:39:45.726289Z");
        assert_eq!(
            round_trip("2020-11-05T06:39:45.123456789Z"),
            "2020-11-05T06:39:45.123456789Z"
        );
        assert_eq!(round_trip("2020-11-05T06:39:45Z"), "2020-11-05T06:39:45Z");
        assert_eq!(round_trip("2020-11-05T06:39:45.000Z"), "2020-11-05T06:39:45Z");
        assert_eq!(round_trip("2020-11-05T06:39:45.500000000Z"), "2020-11-05T06:39:45.5Z");
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for raw in [
            "2021-03-03T09:22:15.05611Z",
            "2020-11-05T06:39:45.726289Z",
            "2020-11-05T06:39:45.123456789Z",
            "2020-11-05T06:39:45.1Z",
            "2020-11-05T06:39:45Z",
            "2024-02-29T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let general = DateTime::parse_from_rfc3339(raw).unwrap().with_timezone(&Utc);
            assert_eq!(parse_server_form(raw), Some(general), "{raw}");
        }
    }

    #[test]
    fn the_fast_path_leaves_every_other_form_to_chrono() {
        for raw in [
            "2020-11-05T06:39:45.1234567891Z",
            "2020-11-05T06:39:45.Z",
            "2020-11-05T06:39:45+00:00",
            "2020-11-05t06:39:45z",
            "2016-12-31T23:59:60Z",
            "2023-02-29T00:00:00Z",
            "2020-11-05T24:00:00Z",
            "2020-11-05T06:39:4aZ",
            "+2020-11-05T06:39:45Z",
            "2020-11-05T06:39:45",
        ] {
            assert_eq!(parse_server_form(raw), None, "{raw}");
        }
    }

    #[test]
    fn normalises_offsets_to_utc_keeping_the_instant() {
        assert_eq!(round_trip("2020-11-05T08:39:45.7+02:00"), "2020-11-05T06:39:45.7Z");
        assert_eq!(round_trip("2020-11-04T23:39:45-07:00"), "2020-11-05T06:39:45Z");
    }

    #[test]
    fn writes_a_leap_second_as_second_60() {
        assert_eq!(round_trip("2016-12-31T23:59:60.25Z"), "2016-12-31T23:59:60.25Z");
        assert_eq!(round_trip("2016-12-31T15:59:60-08:00"), "2016-12-31T23:59:60Z");
    }

    #[test]
    fn rejects_a_leap_second_that_is_not_at_the_end_of_a_utc_day() {
        for raw in [
            "2016-12-31T12:30:60Z",
            "2016-12-31T23:59:60+02:00",
            "2016-12-31T23:58:60Z",
        ] {
            let error = parse(raw).unwrap_err();
            assert!(
                error.contains("a leap second must fall at 23:59:60 UTC"),
                "{raw}: {error}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_rfc_3339() {
        for raw in [
            "2020-11-05 06:39:45Z",
            "2020-11-05T06:39:45",
            "2020-13-05T06:39:45Z",
            "yesterday",
            "",
        ] {
            let error = parse(raw).unwrap_err();
            assert!(error.starts_with(&format!("invalid timestamp {raw:?}: ")), "{error}");
        }
    }

    #[test]
    fn refuses_to_write_years_rfc_3339_cannot_hold() {
        let far = DateTime::<Utc>::from_timestamp(300_000_000_000, 0).unwrap();
        let error = serialize(&far, serde_json::value::Serializer).unwrap_err();
        assert!(error.to_string().contains("outside the years 0000-9999"), "{error}");
    }

    #[test]
    fn writes_an_instant_past_9999_utc_with_the_smallest_offset_that_fits() {
        for (raw, written) in [
            ("9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59-01:00"),
            ("9999-12-31T23:30:00-00:45", "9999-12-31T23:59:00-00:16"),
            ("9999-12-31T23:59:59.5-23:59", "9999-12-31T23:59:59.5-23:59"),
            ("0000-01-01T00:00:00+00:01", "0000-01-01T00:00:00+00:01"),
            ("0000-01-01T00:00:00.25+05:00", "0000-01-01T00:00:00.25+05:00"),
            ("0000-01-01T00:00:30+01:00", "0000-01-01T00:00:30+01:00"),
        ] {
            let time = parse(raw).unwrap();
            assert!(
                !(0..=9999).contains(&time.year()),
                "{raw} should leave the range in UTC"
            );
            let text = serialize(&time, serde_json::value::Serializer).unwrap();
            assert_eq!(text, serde_json::Value::from(written), "{raw}");
            assert_eq!(parse(written).unwrap(), time, "{raw}: not the same instant");
        }
    }
}
