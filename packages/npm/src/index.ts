// The contract of the synchronization and refresh jobs of Thales CipherTrust Manager's Cloud Key
// Manager (CCKM), for TypeScript: the OpenAPI types, a typed client, and a mock server for tests.

import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// `paths`, `components` and `operations` as openapi-typescript writes them, and a type per
// schema of the contract, named after it (`AwsSyncJob`, `SyncJobPage`, `ApiError`, …).
export type * from "./schema.js";
export { type CckmClient, type CckmClientOptions, createClient } from "./client.js";
export {
  type Call,
  type ClockState,
  type Duration,
  type Fault,
  type LoadReport,
  MockError,
  MockServer,
  type MockServerOptions,
  PROGRAM_ENV,
  type ReceivedRequest,
  type SkippedJob,
  findProgram,
} from "./mock.js";

/** The folder of the contract's JSON Schema files (`<Name>.schema.json`). */
export const schemasDir: string = fileURLToPath(new URL("../schemas/", import.meta.url));

/** The OpenAPI 3.1 document of the contract (`cckm-sync.openapi-3.0.json` beside it: 3.0.3). */
export const openapiFile: string = fileURLToPath(new URL("../openapi/cckm-sync.openapi.json", import.meta.url));

/**
 * Every JSON Schema file of the contract, by schema name (`AwsSyncJob`, …): add them all to
 * Ajv (`ajv/dist/2020`), whose `$ref`s between files they resolve.
 */
export async function loadSchemas(): Promise<Record<string, Record<string, unknown>>> {
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const file of (await readdir(schemasDir)).sort()) {
    if (file.endsWith(".schema.json")) {
      schemas[file.slice(0, -".schema.json".length)] = JSON.parse(await readFile(join(schemasDir, file), "utf8"));
    }
  }
  return schemas;
}
