"""Parse every valid fixture with Python models generated from the contract.

Run by `cargo xtask test` (xtask/src/validators.rs) after `datamodel-codegen` has generated
pydantic models from `schemas/` (a package of `<Name>_schema` modules) and from each
OpenAPI document (one module each). Shows that a team generating a Python client from the
published files can read every response and request the contract describes.

usage: check_python_models.py CHECKS_JSON SCHEMAS_PACKAGE OPENAPI_MODULE...
  CHECKS_JSON     {"valid": {"<schema name>": ["<fixture path>", ...], ...}, "invalid": {...}},
                  written by the xtask; the valid fixtures are parsed
  SCHEMAS_PACKAGE the package generated from schemas/ (its folder must be on sys.path)
  OPENAPI_MODULE  a module generated from an OpenAPI document (on sys.path)
"""

import importlib
import json
import sys


def model_from_package(package, name):
    return getattr(importlib.import_module(f"{package}.{name}_schema"), name)


def model_from_module(module, name):
    return getattr(importlib.import_module(module), name)


def main(checks_json, package, *modules):
    with open(checks_json, encoding="utf-8") as file:
        checks = json.load(file)["valid"]
    sources = [(f"schemas/ ({package})", lambda name: model_from_package(package, name))]
    sources += [(module, lambda name, module=module: model_from_module(module, name)) for module in modules]
    failures, parsed = [], 0
    for source, find in sources:
        for name, fixtures in sorted(checks.items()):
            try:
                model = find(name)
            except (ImportError, AttributeError) as error:
                failures.append(f"{source}: no model {name}: {error}")
                continue
            for fixture in fixtures:
                with open(fixture, encoding="utf-8") as file:
                    text = file.read()
                try:
                    model.model_validate_json(text)
                    parsed += 1
                except Exception as error:  # pydantic's ValidationError, with every problem
                    failures.append(f"{source}: {fixture} as {name}:\n{error}")
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    print(f"{parsed} fixture parses with models generated from {len(sources)} sources: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
