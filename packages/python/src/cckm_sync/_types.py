"""The pieces `cckm_sync.models` is generated from: the JSON Schema keywords of the contract
as pydantic types, exact where pydantic's own types would be lax or lossy.

- Objects keep the fields they do not list (`extra="allow"`) and coerce nothing (`strict`):
  `"abort": "true"` or `"code": "16"` are refused, as the schemas refuse them.
- `model_dump()` and `model_dump_json()` write what was read or set, and nothing else: fields
  left out stay out (`exclude_unset=True` unless told otherwise), and `null` stays `null`.
- Timestamps and ids stay the strings the server wrote (Python's `datetime` holds no
  nanoseconds, and `UUID` would change the case): each is checked as its schema says (pattern
  and format), and `parse_timestamp()` reads one into a `datetime` when wanted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, RootModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError, core_schema

from cckm_sync import _time

__all__ = ["Model", "Union", "OpenString", "Integer", "parse_timestamp"]


def _written_as_read(kwargs: dict[str, Any]) -> dict[str, Any]:
    kwargs.setdefault("exclude_unset", True)
    return kwargs


class Model(BaseModel):
    """An object of the contract: unknown fields kept, nothing coerced, written back as read."""

    model_config = ConfigDict(extra="allow", strict=True)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """As pydantic's, with `exclude_unset=True` unless told otherwise."""
        return super().model_dump(**_written_as_read(kwargs))

    def model_dump_json(self, **kwargs: Any) -> str:  # type: ignore[override]
        """As pydantic's, with `exclude_unset=True` unless told otherwise."""
        return super().model_dump_json(**_written_as_read(kwargs))


RootT = TypeVar("RootT")


class Union(RootModel[RootT], Generic[RootT]):
    """A schema that is one of several (`anyOf`, `oneOf`): the value read is `.root`."""

    model_config = ConfigDict(strict=True)

    def model_dump(self, **kwargs: Any) -> Any:  # type: ignore[override]
        """As pydantic's, with `exclude_unset=True` unless told otherwise."""
        return super().model_dump(**_written_as_read(kwargs))

    def model_dump_json(self, **kwargs: Any) -> str:  # type: ignore[override]
        """As pydantic's, with `exclude_unset=True` unless told otherwise."""
        return super().model_dump_json(**_written_as_read(kwargs))


class OpenString(str):
    """A string schema with a class of its own (`JobStatus`, `Cloud`): any string, kept as
    written; it compares equal to the plain string."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(strict=True),
            serialization=core_schema.to_string_ser_schema(),
        )


class Integer(int):
    """An integer schema with a class of its own (`Limit`): bounds and excluded values as class
    attributes."""

    minimum: ClassVar[int | None] = None
    maximum: ClassVar[int | None] = None
    excluded: ClassVar[tuple[int, ...]] = ()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def check(value: int) -> Integer:
            if value in cls.excluded:
                raise PydanticCustomError("excluded", "Input must not be {value}", {"value": value})
            return cls(value)

        return core_schema.no_info_before_validator_function(
            integral,
            core_schema.no_info_after_validator_function(
                check, core_schema.int_schema(strict=True, ge=cls.minimum, le=cls.maximum)
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(int),
        )


# --- validators the generated annotations use -------------------------------------------------


def integral(value: Any) -> Any:
    """JSON Schema's `integer` is any number without a fractional part: `5.0` is one."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def strict_bool(value: Any) -> Any:
    """Refuses what is not `true` or `false` before a `Literal[True]` or `Literal[False]`, which
    would take `1` or `0` for them."""
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "Input should be a valid boolean")
    return value


def excluding(*values: Any) -> Callable[[Any], Any]:
    """`not: {const: …}`."""

    def check(value: Any) -> Any:
        if any(value == excluded and type(value) is type(excluded) for excluded in values):
            raise PydanticCustomError("excluded", "Input must not be {value}", {"value": value})
        return value

    return check


def not_matching(pattern: str) -> Callable[[Any], Any]:
    """`not: {type: string, pattern: …}`."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.search(value):
            raise PydanticCustomError(
                "not_pattern", "String must not match {pattern}", {"pattern": pattern}
            )
        return value

    return check


def date_time(value: Any) -> Any:
    """`format: date-time` (RFC 3339): a real day and time of day, and a leap second only at
    23:59:60 UTC."""
    if isinstance(value, str) and _time.rfc3339(value) is None:
        raise PydanticCustomError("date_time", "Input should be an RFC 3339 date-time")
    return value


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def uuid(value: Any) -> Any:
    """`format: uuid`: the hyphenated form."""
    if isinstance(value, str) and not _UUID.fullmatch(value):
        raise PydanticCustomError("uuid", "Input should be a UUID in its hyphenated form")
    return value


parse_timestamp = _time.parse_timestamp


# --- the any-family job's scope arrays -------------------------------------------------------


class Scope:
    """`anyOf: [{not: {properties: {cloud: C}, required: [cloud]}}, {properties: P}]`: on a job
    whose `cloud` matches `C`, the fields of `P` have their types; on another, they are fields
    this contract does not know, of any value."""

    def __init__(self, *, const: str | None = None, pattern: str | None = None, fields: Mapping[str, Any]):
        self.const = const
        self.pattern = re.compile(pattern) if pattern is not None else None
        self.fields = {name: TypeAdapter(annotation) for name, annotation in fields.items()}

    def applies_to(self, cloud: str) -> bool:
        if self.const is not None:
            return cloud == self.const
        return self.pattern is not None and self.pattern.search(cloud) is not None

    def check(self, model: BaseModel) -> None:
        cloud = getattr(model, "cloud", None)
        if not isinstance(cloud, str) or not self.applies_to(cloud):
            return
        extra = model.model_extra or {}
        for name, adapter in self.fields.items():
            if name not in extra:
                continue
            try:
                adapter.validate_python(extra[name], strict=True)
            except ValidationError as error:
                problems = "; ".join(
                    f"{'/'.join(str(part) for part in (name, *problem['loc']))}: {problem['msg']}"
                    for problem in error.errors()
                )
                raise ValueError(f"on a job of cloud {cloud!r}, {problems}") from None
