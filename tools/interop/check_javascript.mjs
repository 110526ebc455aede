// Check the contract with the JavaScript and TypeScript tools a team in those languages uses.
//
// Run by `cargo xtask test` (xtask/src/validators.rs) with the Node packages of tools/package.json.
//
// 1. Ajv, the usual JSON Schema validator of JavaScript, in strict mode (which refuses unknown
//    keywords, unknown formats and ambiguous types instead of ignoring them) with ajv-formats,
//    loads every `schemas/*.schema.json` by file name, so the `$ref`s between files resolve from
//    the files alone. Every valid fixture must validate against its schema, and every invalid
//    fixture that a schema can judge must be rejected.
// 2. openapi-typescript generates TypeScript types from each OpenAPI document, and the
//    TypeScript compiler (strict) type-checks every valid fixture, written as an object literal,
//    against the type of its payload: the generated types accept every response and request
//    the contract describes.
//
// usage: node check_javascript.mjs CHECKS_JSON SCHEMAS_DIR OUT_DIR OPENAPI_FILE...
//   CHECKS_JSON  {"valid": {"<schema name>": ["<fixture path>", ...]}, "invalid": {...}},
//                written by the xtask; the invalid fixtures listed are those a schema can judge
//   SCHEMAS_DIR  the folder of the `<Name>.schema.json` files
//   OUT_DIR      where the generated TypeScript is written
//   OPENAPI_FILE an OpenAPI document to generate types from

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const SUFFIX = ".schema.json";

// `uint64` (the OpenAPI format registry's unsigned 64-bit integer, which schemars writes for
// Rust's `u64`) is not among ajv-formats' formats; strict mode wants every format declared.
function declareRegistryFormats(ajv) {
  ajv.addFormat("uint64", {
    type: "number",
    validate: (n) => Number.isInteger(n) && n >= 0,
  });
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function checkSchemas(checks, schemasDir) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  declareRegistryFormats(ajv);
  const files = readdirSync(schemasDir).filter((name) => name.endsWith(SUFFIX)).sort();
  for (const file of files) {
    ajv.addSchema(readJson(join(schemasDir, file)), file);
  }
  const failures = [];
  let compiled = 0;
  for (const file of files) {
    try {
      ajv.getSchema(file);
      compiled += 1;
    } catch (error) {
      failures.push(`${file} does not compile in strict mode: ${error.message}`);
    }
  }
  let judged = 0;
  for (const [expectValid, byName] of [[true, checks.valid], [false, checks.invalid]]) {
    for (const [name, fixtures] of Object.entries(byName)) {
      const validate = ajv.getSchema(`${name}${SUFFIX}`);
      if (!validate) {
        failures.push(`no schema ${name}${SUFFIX}`);
        continue;
      }
      for (const fixture of fixtures) {
        const valid = validate(readJson(fixture));
        judged += 1;
        if (valid && !expectValid) {
          failures.push(`${fixture} is invalid, but ${name}${SUFFIX} accepts it`);
        } else if (!valid && expectValid) {
          failures.push(`${fixture} against ${name}${SUFFIX}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
  }
  return { failures, summary: `ajv (strict): ${compiled} schemas compile; ${judged} fixtures judged as expected` };
}

async function checkTypeScript(checks, outDir, openapiFiles) {
  const failures = [];
  const roots = [];
  let assignments = 0;
  for (const openapi of openapiFiles) {
    const module = basename(openapi, ".json").replace(/[^A-Za-z0-9]/g, "_");
    const ast = await openapiTS(pathToFileURL(openapi));
    writeFileSync(join(outDir, `${module}.ts`), astToString(ast));
    // Each fixture as an object literal, so that TypeScript checks its literal values (a
    // `synchronize_all: true`) and not the widened types of an imported JSON file.
    const lines = [
      `import type { components } from "./${module}";`,
      `type Schemas = components["schemas"];`,
    ];
    for (const [name, fixtures] of Object.entries(checks.valid)) {
      for (const fixture of fixtures) {
        lines.push(`// ${fixture}`);
        lines.push(`export const fixture${assignments}: Schemas["${name}"] = ${readFileSync(fixture, "utf8").trim()};`);
        assignments += 1;
      }
    }
    const root = join(outDir, `${module}.fixtures.ts`);
    writeFileSync(root, lines.join("\n") + "\n");
    roots.push(root);
  }
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: false,
    types: [],
  });
  const host = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => outDir,
    getNewLine: () => "\n",
  };
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    failures.push(ts.formatDiagnostic(diagnostic, host).trim());
  }
  return {
    failures,
    summary: `TypeScript (openapi-typescript ${openapiFiles.length} documents, tsc --strict): ${assignments} fixtures type-check`,
  };
}

async function main([checksJson, schemasDir, outDir, ...openapiFiles]) {
  if (!checksJson || !schemasDir || !outDir || openapiFiles.length === 0) {
    console.error("usage: node check_javascript.mjs CHECKS_JSON SCHEMAS_DIR OUT_DIR OPENAPI_FILE...");
    return 2;
  }
  const checks = readJson(checksJson);
  const results = [checkSchemas(checks, schemasDir), await checkTypeScript(checks, outDir, openapiFiles)];
  const failures = results.flatMap((result) => result.failures);
  if (failures.length > 0) {
    console.error(failures.join("\n\n"));
    return 1;
  }
  for (const result of results) {
    console.log(`${result.summary}: ok`);
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
