"""RFC 3339 timestamps, as the contract's `format: date-time` has them (standard library only:
`MockServer` reads the mock's clock with it)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def rfc3339(text: str) -> tuple[int, int, int, int, int, int, int, int] | None:
    """The year, month, day, hour, minute, second, nanosecond and UTC offset (in minutes) of an
    RFC 3339 date-time, or `None` when it is not one: a real day, a time of day, and a leap
    second only at 23:59:60 UTC."""
    match = _DATE_TIME.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    fraction, sign, offset_hours, offset_minutes = match.groups()[6:]
    leap_year = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1] + (month == 2 and leap_year):
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if sign is not None:
        if int(offset_hours) > 23 or int(offset_minutes) > 59:
            return None
        offset = (int(offset_hours) * 60 + int(offset_minutes)) * (-1 if sign == "-" else 1)
    if second == 60 and (hour * 60 + minute - offset) % 1440 != 23 * 60 + 59:
        return None
    nanos = int((fraction or "0")[:9].ljust(9, "0"))
    return year, month, day, hour, minute, second, nanos, offset


def parse_timestamp(text: str) -> datetime:
    """A timestamp of the contract (RFC 3339) as an aware `datetime`, to the microsecond: the
    nanoseconds a server may write are cut, and a leap second is read as the second before."""
    fields = rfc3339(text)
    if fields is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second, nanos, offset = fields
    zone = timezone(timedelta(minutes=offset))
    return datetime(year, month, day, hour, minute, min(second, 59), nanos // 1000, tzinfo=zone)
