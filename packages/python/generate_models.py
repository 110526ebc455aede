"""Generates `cckm_sync/models.py`, the pydantic models of the contract, at packaging time
(`cargo xtask dist`): one class per schema, named after it, from the files of `schemas/` and the
components of the OpenAPI 3.1 document that have no file (`TokenRequest`, `TokenResponse`,
`Limit`). The output is never committed.

usage: generate_models.py SCHEMAS_DIR OPENAPI_3_1_JSON OUTPUT_PY

It translates the forms the contract's schemas use, and only those: a form it does not know
stops it with the schema's name and the JSON path, so that a new form is translated on purpose
rather than approximated. Why a generator of its own: datamodel-code-generator numbers the
any-family job's conditional branches (`SyncJob1`…`SyncJob10`), invents names for inline
schemas (`Km`, `Region`, `DetailedStatus`), drops `not` (so a start request with both `kms` and
`"synchronize_all": true` is read), and types timestamps and ids as `datetime` and `UUID`, which
accept what the schemas refuse and cannot give back what the server wrote (nanoseconds, case).
Only the standard library is needed.
"""

from __future__ import annotations

import json
import keyword
import sys
import textwrap
from pathlib import Path
from typing import Any

SCHEMA_SUFFIX = ".schema.json"
# Keywords that describe and never constrain.
ANNOTATIONS = {"$comment", "$schema", "$id", "title", "description", "examples", "default"}
# Attribute names pydantic models reserve.
RESERVED = {"model_config", "model_fields", "copy", "dict", "json", "parse_obj", "schema", "validate"}


class Unhandled(Exception):
    """A schema form this generator does not translate."""


def ref_name(ref: str, path: str) -> str:
    if ref.endswith(SCHEMA_SUFFIX) and "/" not in ref:
        return ref[: -len(SCHEMA_SUFFIX)]
    prefix = "#/components/schemas/"
    if ref.startswith(prefix):
        return ref[len(prefix) :]
    raise Unhandled(f"{path}: $ref {ref!r} names neither a schema file nor a component")


def keys(schema: dict[str, Any]) -> set[str]:
    return set(schema) - ANNOTATIONS


def types_of(schema: dict[str, Any]) -> tuple[list[str], bool]:
    """The JSON types of `type` without `null`, and whether `null` is one of them."""
    declared = schema.get("type")
    listed = declared if isinstance(declared, list) else [declared]
    return [t for t in listed if t != "null"], "null" in listed


def literal(value: Any) -> str:
    return repr(value)


class Generator:
    def __init__(self, named: dict[str, dict[str, Any]]):
        self.named = named
        # class name -> (source, names it needs defined first)
        self.classes: dict[str, tuple[str, set[str]]] = {}
        # Private names of the annotations of a format (`_DateTime`, `_Int64`), for reading.
        self.aliases: dict[str, str] = {}

    # --- top level ----------------------------------------------------------------------------

    def run(self) -> str:
        for name, schema in self.named.items():
            self.top(name, schema, name)
        return self.module()

    def top(self, name: str, schema: dict[str, Any], path: str) -> None:
        if name in self.classes:
            raise Unhandled(f"{path}: a second schema is named {name}")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise Unhandled(f"{path}: {name!r} is not a Python class name")
        found = keys(schema)
        if "properties" in found or schema.get("type") == "object":
            self.object_class(name, schema, path)
        elif found <= {"anyOf"} or found <= {"oneOf"}:
            self.union_class(name, schema, path)
        elif schema.get("type") == "string" and found == {"type"}:
            self.add(name, self.bodiless(name, "_types.OpenString", schema), set())
        elif schema.get("type") == "integer" and found <= {"type", "format", "minimum", "maximum", "not"}:
            self.integer_class(name, schema, path)
        else:
            raise Unhandled(f"{path}: no class for a schema of keywords {sorted(found)}")

    def add(self, name: str, source: str, needs: set[str]) -> None:
        self.classes[name] = (source, needs)

    def header(self, name: str, base: str, schema: dict[str, Any]) -> str:
        lines = [f"class {name}({base}):"]
        description = schema.get("description")
        if description:
            lines.append(docstring(description, "    "))
            lines.append("")
        return "\n".join(lines)

    def bodiless(self, name: str, base: str, schema: dict[str, Any]) -> str:
        """A class whose base says everything: its docstring, or `pass`."""
        source = self.header(name, base, schema).rstrip("\n")
        if "\n" not in source:
            source += "\n    pass"
        return source + "\n"

    def object_class(self, name: str, schema: dict[str, Any], path: str) -> None:
        allowed = {"type", "properties", "required", "additionalProperties", "allOf"}
        unknown = keys(schema) - allowed
        if unknown or schema.get("type", "object") != "object":
            raise Unhandled(f"{path}: an object with keywords {sorted(unknown)} or a type other than object")
        needs: set[str] = set()
        body = [self.header(name, "_types.Model", schema)]
        extra = schema.get("additionalProperties", True)
        if extra is False:
            body.append('    model_config = ConfigDict(extra="forbid")')
        elif extra is not True:
            raise Unhandled(f"{path}/additionalProperties: only true or false is translated")
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        missing = required - set(properties)
        if missing:
            raise Unhandled(f"{path}: required fields without a property: {sorted(missing)}")
        for field, subschema in properties.items():
            fpath = f"{path}/properties/{field}"
            if not field.isidentifier() or keyword.iskeyword(field) or field.startswith("model_") or field in RESERVED:
                raise Unhandled(f"{fpath}: {field!r} cannot be a pydantic field name as it is")
            annotation, nullable = self.annotation(subschema, fpath, needs)
            arguments = []
            if field not in required:
                if not nullable:
                    raise Unhandled(f"{fpath}: an optional field that cannot be null has no default")
                arguments.append("default=None")
            description = subschema.get("description") if isinstance(subschema, dict) else None
            if description:
                arguments.append(f"description={literal(description)}")
            body.append(f"    {field}: {annotation} = Field({', '.join(arguments)})")
        scopes = [self.scope(item, f"{path}/allOf/{index}", needs) for index, item in enumerate(schema.get("allOf", []))]
        if scopes:
            body.append("")
            body.append("    _scopes: ClassVar[tuple[_types.Scope, ...]] = (")
            body.extend(f"        {scope}," for scope in scopes)
            body.append("    )")
            body.append("")
            body.append('    @model_validator(mode="after")')
            body.append("    def _check_scopes(self) -> Self:")
            body.append("        for scope in self._scopes:")
            body.append("            scope.check(self)")
            body.append("        return self")
        if len(body) == 1:
            body.append("    pass")
        while body[-1] == "":
            body.pop()
        self.add(name, "\n".join(body) + "\n", needs)

    def scope(self, item: Any, path: str, needs: set[str]) -> str:
        """`anyOf: [{not: {properties: {cloud: C}, required: [cloud]}}, {properties: P}]`."""
        shape = "anyOf: [{not: {properties: {cloud: C}, required: [cloud]}}, {properties: P}]"
        try:
            condition, then = item["anyOf"]
            (field, matcher), = condition["not"]["properties"].items()
            typed = then["properties"]
        except (KeyError, TypeError, ValueError):
            raise Unhandled(f"{path}: an allOf item other than {shape}") from None
        if keys(item) != {"anyOf"} or keys(condition) != {"not"} or keys(then) != {"properties"}:
            raise Unhandled(f"{path}: an allOf item other than {shape}")
        if field != "cloud" or condition["not"].get("required") != ["cloud"] or keys(condition["not"]) != {"properties", "required"}:
            raise Unhandled(f"{path}: a condition on another field than a required `cloud`")
        if keys(matcher) == {"const"}:
            test = f"const={literal(matcher['const'])}"
        elif keys(matcher) == {"pattern", "type"} and matcher["type"] == "string":
            test = f"pattern={literal(matcher['pattern'])}"
        else:
            raise Unhandled(f"{path}: a cloud condition other than const or a string pattern")
        fields = []
        for name, subschema in typed.items():
            annotation, _ = self.annotation(subschema, f"{path}/anyOf/1/properties/{name}", needs)
            fields.append(f"{literal(name)}: {annotation}")
        return f"_types.Scope({test}, fields={{{', '.join(fields)}}})"

    def union_class(self, name: str, schema: dict[str, Any], path: str) -> None:
        word = "anyOf" if "anyOf" in schema else "oneOf"
        needs: set[str] = set()
        branches = []
        for index, branch in enumerate(schema[word]):
            bpath = f"{path}/{word}/{index}"
            if keys(branch) == {"$ref"}:
                branches.append(ref_name(branch["$ref"], bpath))
            elif isinstance(branch, dict) and "properties" in branch and branch.get("title"):
                # A named inline object (the token request's grants): a class of its title.
                self.top(branch["title"], branch, bpath)
                branches.append(branch["title"])
            else:
                raise Unhandled(f"{bpath}: a branch that is neither a $ref nor a titled object")
        needs.update(branches)
        union = " | ".join(branches)
        discriminator = self.discriminator(branches)
        if word == "oneOf" and discriminator is None:
            # anyOf and oneOf read alike only when no value can match two branches.
            raise Unhandled(f"{path}: a oneOf whose branches no const field tells apart")
        if discriminator:
            union = f"Annotated[{union}, Field(discriminator={literal(discriminator)})]"
        self.add(name, self.bodiless(name, f"_types.Union[{union}]", schema), needs)

    def discriminator(self, branches: list[str]) -> str | None:
        """A field every branch has, required, with a different string `const` in each."""
        schemas = [self.named.get(branch) or self.inline[branch] for branch in branches]
        candidates = None
        for schema in schemas:
            consts = {
                field
                for field, sub in schema.get("properties", {}).items()
                if isinstance(sub, dict) and isinstance(sub.get("const"), str) and field in schema.get("required", [])
            }
            candidates = consts if candidates is None else candidates & consts
        for field in sorted(candidates or ()):
            values = [schema["properties"][field]["const"] for schema in schemas]
            if len(set(values)) == len(values):
                return field
        return None

    @property
    def inline(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for schema in self.named.values():
            for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
                if isinstance(branch, dict) and branch.get("title"):
                    found[branch["title"]] = branch
        return found

    def integer_class(self, name: str, schema: dict[str, Any], path: str) -> None:
        body = [self.header(name, "_types.Integer", schema)]
        if "minimum" in schema:
            body.append(f"    minimum = {schema['minimum']!r}")
        if "maximum" in schema:
            body.append(f"    maximum = {schema['maximum']!r}")
        if "not" in schema:
            excluded = schema["not"]
            if keys(excluded) != {"const"} or type(excluded["const"]) is not int:
                raise Unhandled(f"{path}/not: only `not: {{const: <integer>}}` is translated")
            body.append(f"    excluded = ({excluded['const']!r},)")
        while body[-1] == "":
            body.pop()
        self.add(name, "\n".join(body) + "\n", set())

    # --- annotations --------------------------------------------------------------------------

    def annotation(self, schema: Any, path: str, needs: set[str]) -> tuple[str, bool]:
        """The annotation of a value of `schema`, and whether it may be `null`."""
        if schema is True:
            return "Any", True
        if not isinstance(schema, dict):
            raise Unhandled(f"{path}: a schema that is neither an object nor true")
        found = keys(schema)
        if "$ref" in schema:
            target = ref_name(schema["$ref"], path)
            needs.add(target)
            if found == {"$ref"}:
                return target, False
            if found == {"$ref", "not"}:
                return f"Annotated[{target}, {self.not_validator(schema['not'], path)}]", False
            raise Unhandled(f"{path}: a $ref beside {sorted(found - {'$ref'})}")
        if "const" in schema and found <= {"const", "type"}:
            value = schema["const"]
            if value is None:
                return "None", True
            if isinstance(value, bool):
                return f"Annotated[Literal[{value!r}], BeforeValidator(_types.strict_bool)]", False
            if isinstance(value, str):
                return f"Literal[{value!r}]", False
            raise Unhandled(f"{path}: a const of type {type(value).__name__}")
        kinds, nullable = types_of(schema)
        if len(kinds) != 1:
            raise Unhandled(f"{path}: a type other than one JSON type, or it and null")
        kind = kinds[0]
        if kind == "string":
            annotation = self.string(schema, path)
        elif kind == "integer":
            annotation = self.integer(schema, path)
        elif kind == "boolean":
            annotation = self.boolean(schema, path)
        elif kind == "array":
            annotation = self.array(schema, path, needs)
        elif kind == "object":
            annotation = self.map(schema, path, needs)
        else:
            raise Unhandled(f"{path}: type {kind!r}")
        return (f"{annotation} | None" if nullable else annotation), nullable

    def not_validator(self, negated: Any, path: str) -> str:
        found = keys(negated) if isinstance(negated, dict) else set()
        if found == {"pattern", "type"} and negated["type"] == "string":
            return f"AfterValidator(_types.not_matching({literal(negated['pattern'])}))"
        if found == {"const"}:
            return f"AfterValidator(_types.excluding({literal(negated['const'])}))"
        raise Unhandled(f"{path}/not: only a string pattern or a const is translated")

    def string(self, schema: dict[str, Any], path: str) -> str:
        found = keys(schema) - {"type"}
        unknown = found - {"pattern", "format", "minLength", "maxLength"}
        if unknown:
            raise Unhandled(f"{path}: a string with {sorted(unknown)}")
        constraints = []
        if "pattern" in schema:
            constraints.append(f"pattern={literal(schema['pattern'])}")
        if "minLength" in schema:
            constraints.append(f"min_length={schema['minLength']!r}")
        if "maxLength" in schema:
            constraints.append(f"max_length={schema['maxLength']!r}")
        parts = ["str"]
        if constraints:
            parts.append(f"Field({', '.join(constraints)})")
        if schema.get("format") in FORMATS:
            parts.append(f"AfterValidator(_types.{FORMATS[schema['format']]})")
        if len(parts) == 1:
            return "str"
        return self.alias(schema.get("format"), f"Annotated[{', '.join(parts)}]")

    def alias(self, format_name: Any, annotation: str) -> str:
        """A private name for the annotation of a format, when every use of the format has the
        same annotation; the annotation itself otherwise."""
        if not isinstance(format_name, str):
            return annotation
        name = "_" + "".join(part.capitalize() for part in format_name.replace("-", " ").split())
        if not name[1:].isidentifier():
            return annotation
        if self.aliases.setdefault(name, annotation) != annotation:
            return annotation
        return name

    def integer(self, schema: dict[str, Any], path: str) -> str:
        found = keys(schema) - {"type"}
        unknown = found - {"format", "minimum", "maximum", "not"}
        if unknown:
            raise Unhandled(f"{path}: an integer with {sorted(unknown)}")
        parts = ["int", "BeforeValidator(_types.integral)"]
        bounds = []
        if "minimum" in schema:
            bounds.append(f"ge={schema['minimum']!r}")
        if "maximum" in schema:
            bounds.append(f"le={schema['maximum']!r}")
        if bounds:
            parts.append(f"Field({', '.join(bounds)})")
        if "not" in schema:
            parts.append(self.not_validator(schema["not"], path))
        # `format` (int64, uint64) is the OpenAPI format registry's name for the bounds beside it.
        return self.alias(schema.get("format"), f"Annotated[{', '.join(parts)}]")

    def boolean(self, schema: dict[str, Any], path: str) -> str:
        found = keys(schema) - {"type"}
        if not found:
            return "bool"
        negated = schema.get("not")
        if found == {"not"} and isinstance(negated, dict) and keys(negated) == {"const"} and isinstance(negated["const"], bool):
            # A boolean that is not `true` is `false`.
            return f"Annotated[Literal[{(not negated['const'])!r}], BeforeValidator(_types.strict_bool)]"
        raise Unhandled(f"{path}: a boolean with {sorted(found)}")

    def array(self, schema: dict[str, Any], path: str, needs: set[str]) -> str:
        found = keys(schema) - {"type"}
        unknown = found - {"items", "minItems", "maxItems"}
        if unknown or "items" not in schema:
            raise Unhandled(f"{path}: an array with {sorted(unknown)} or without items")
        item, _ = self.annotation(schema["items"], f"{path}/items", needs)
        bounds = []
        if "minItems" in schema:
            bounds.append(f"min_length={schema['minItems']!r}")
        if "maxItems" in schema:
            bounds.append(f"max_length={schema['maxItems']!r}")
        if bounds:
            return f"Annotated[list[{item}], Field({', '.join(bounds)})]"
        return f"list[{item}]"

    def map(self, schema: dict[str, Any], path: str, needs: set[str]) -> str:
        found = keys(schema) - {"type"}
        if found - {"additionalProperties"}:
            raise Unhandled(f"{path}: an inline object with {sorted(found)} (give it a schema of its own)")
        values, _ = self.annotation(schema.get("additionalProperties", True), f"{path}/additionalProperties", needs)
        return f"dict[str, {values}]"

    # --- output -------------------------------------------------------------------------------

    def module(self) -> str:
        done: list[str] = []
        visiting: set[str] = set()

        def visit(name: str, trail: tuple[str, ...]) -> None:
            if name in done:
                return
            if name in visiting:
                raise Unhandled(f"schemas refer to each other in a cycle: {' -> '.join((*trail, name))}")
            if name not in self.classes:
                raise Unhandled(f"{trail[-1]} refers to {name}, which is no schema")
            visiting.add(name)
            for need in sorted(self.classes[name][1]):
                visit(need, (*trail, name))
            visiting.discard(name)
            done.append(name)

        for name in sorted(self.classes):
            visit(name, ())
        out = [HEADER]
        # An alias used once reads as well inline, but a name per format reads best.
        for name, annotation in sorted(self.aliases.items()):
            if any(name in source for source, _ in self.classes.values()):
                out.append("")
                out.append(f"{name} = {annotation}")
        for name in done:
            out.append("")
            out.append("")
            out.append(self.classes[name][0].rstrip("\n"))
        out.append("")
        out.append("")
        out.append("__all__ = [")
        out.extend(f"    {name!r}," for name in sorted(done))
        out.append("]")
        return "\n".join(out) + "\n"


FORMATS = {"date-time": "date_time", "uuid": "uuid"}

HEADER = '''"""The models of the contract: one pydantic class per schema, named after it.

Generated when the package is built, from the contract's JSON Schema files and OpenAPI
document; do not edit. Each object keeps the fields it does not list, coerces nothing, and
writes back what it read (see `cckm_sync._types`).
"""

# ruff: noqa: E501

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator

from cckm_sync import _types'''


def docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    paragraphs = text.split("\n\n")
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(paragraph, width=96 - len(indent), break_long_words=False, break_on_hyphens=False) or [""])
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""'


def load(schemas_dir: Path, openapi: Path) -> dict[str, dict[str, Any]]:
    named: dict[str, dict[str, Any]] = {}
    for file in sorted(schemas_dir.glob(f"*{SCHEMA_SUFFIX}")):
        named[file.name[: -len(SCHEMA_SUFFIX)]] = json.loads(file.read_text(encoding="utf-8"))
    if not named:
        raise Unhandled(f"no {SCHEMA_SUFFIX} file in {schemas_dir}")
    document = json.loads(openapi.read_text(encoding="utf-8"))
    if not str(document.get("openapi", "")).startswith("3.1"):
        raise Unhandled(f"{openapi} is not an OpenAPI 3.1 document")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        named.setdefault(name, schema)
    return named


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    schemas_dir, openapi, output = (Path(arg) for arg in argv)
    try:
        source = Generator(load(schemas_dir, openapi)).run()
    except Unhandled as error:
        print(f"error: cannot generate the Python models: {error}", file=sys.stderr)
        return 1
    output.write_text(source, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
