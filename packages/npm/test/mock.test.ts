// The package as a user gets it (`npm install cckm-sync-<version>.tgz`): the mock, the typed
// client and types, and the schema files with Ajv, checked by `tsc --strict` and run with
// `node --test`.

import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import {
  type ApiError,
  type AwsStartJobItems,
  type AwsSyncJob,
  type CckmClient,
  type components,
  createClient,
  type LoadReport,
  loadSchemas,
  MockError,
  MockServer,
  type paths,
  type SkippedJob,
} from "cckm-sync";
import awsSyncJobSchema from "cckm-sync/schemas/AwsSyncJob.schema.json" with { type: "json" };

// ajv-formats is CommonJS: its default export is the plugin.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const AWS = "/cckm/aws/synchronization-jobs";
const AWS_JOB = "/cckm/aws/synchronization-jobs/{id}";
const AWS_CANCEL = "/cckm/aws/synchronization-jobs/{id}/cancel";

// The names of the schemas are the types' names.
const sameType: components["schemas"]["AwsSyncJob"] extends AwsSyncJob ? true : false = true;
assert.equal(sameType, true);
// The paths are typed: this is a compile error if the list call answered something else.
type ListAnswer = paths[typeof AWS]["get"]["responses"]["200"]["content"]["application/json"];
const emptyPage: ListAnswer = { skip: 0, limit: 10, total: 0, resources: null };

test("the package is the one installed in this project", () => {
  const entry = fileURLToPath(import.meta.resolve("cckm-sync"));
  assert.ok(entry.startsWith(`${process.cwd()}/node_modules/cckm-sync/`), entry);
});

describe("MockServer and createClient", () => {
  let mock: MockServer;
  let client: CckmClient;

  before(async () => {
    mock = await MockServer.start({ jobDuration: 10 });
    client = createClient({ baseUrl: mock.baseUrl, token: () => mock.token() });
  });
  beforeEach(async () => {
    await mock.reset();
  });
  after(async () => {
    await mock.stop();
  });

  test("a job runs to its end, is listed, and an ended or unknown job cannot be cancelled", async () => {
    await mock.pauseClock();
    const request: AwsStartJobItems = { kms: ["kms"], regions: ["us-east-1", "eu-west-1"] };
    const started = await client.POST(AWS, { body: request });
    assert.equal(started.response.status, 201);
    const job: AwsSyncJob = started.data!;
    assert.equal(job.overall_status, "in_progress");

    // A second start while the first runs: 409, read into the typed error.
    const refused = await client.POST(AWS, { body: { synchronize_all: true } });
    assert.equal(refused.response.status, 409);
    const conflict: ApiError | undefined = refused.error;
    assert.match(conflict?.codeDesc ?? "", /^NCERRConflict/);

    await mock.advanceClock(10);
    const { data: ended } = await client.GET(AWS_JOB, { params: { path: { id: job.id } } });
    assert.equal(ended?.overall_status, "completed");
    assert.ok(ended?.completed_at);

    const { data: page } = await client.GET(AWS, { params: { query: { overall_status: "completed", limit: 5 } } });
    assert.deepEqual([page?.total, page?.limit, page?.resources?.map((listed) => listed.id)], [1, 5, [job.id]]);

    const late = await client.POST(AWS_CANCEL, { params: { path: { id: job.id } } });
    assert.equal(late.response.status, 409);
    assert.match(late.error?.codeDesc ?? "", /^NCERRConflict/);
    const unknown = await client.POST(AWS_CANCEL, { params: { path: { id: "0ea5d52e-387c-44fa-b079-21c8b768f77b" } } });
    assert.equal(unknown.response.status, 404);
    assert.deepEqual([unknown.error?.code, unknown.error?.codeDesc], [16, "NCERRResourceNotFound: Resource not found"]);
  });

  test("a running job is cancelled", async () => {
    await mock.pauseClock();
    const { data: job } = await client.POST(AWS, { body: { kms: ["kms"] } });
    const { data: cancelled, response } = await client.POST(AWS_CANCEL, { params: { path: { id: job!.id } } });
    assert.equal(response.status, 200);
    assert.equal(cancelled?.abort, true);
  });

  test("the requests a client sent can be read back", async () => {
    await client.POST(AWS, { body: { kms: ["kms-prod"], regions: null } });
    const requests = await mock.receivedRequests();
    assert.deepEqual(
      requests.map((request) => [request.method, request.path, request.status]),
      [["POST", `/api/v1${AWS}`, 201]],
    );
    assert.deepEqual(JSON.parse(requests[0]!.body), { kms: ["kms-prod"], regions: null });
  });

  test("its tokens are minted without the token call or its faults", async () => {
    const pending = await mock.inject({ kind: "status", status: 503, call: "token" });
    await mock.revokeTokens();
    const { response } = await client.GET(AWS, {});
    assert.equal(response.status, 200);
    assert.deepEqual(await mock.faults(), pending, "the token call's fault is still pending");
    const requests = await mock.receivedRequests();
    assert.deepEqual(
      requests.map((request) => request.path),
      [`/api/v1${AWS}`],
    );
    await mock.clearFaults();
  });

  test("recorded jobs load, and a job of a family no endpoint serves is skipped with why", async () => {
    const job = (id: string, cloud: string, scope: Record<string, string[]>) => ({
      id,
      uri: `kylo:kylo:cckm:synchronize:${id}`,
      account: "kylo:kylo:admin:accounts:kylo",
      application: "ncryptify:gemalto:admin:apps:kylo",
      devAccount: "ncryptify:gemalto:admin:accounts:gemalto",
      createdAt: "2026-01-12T13:14:15.161718Z",
      updatedAt: "2026-01-12T13:14:20.212223Z",
      overall_status: "completed",
      cloud,
      ...scope,
      abort: false,
    });
    const luna = "3c4d5e6f-7081-4293-a4b5-c6d7e8f9a0b1";
    const report: LoadReport = await mock.loadJobs({
      skip: 0,
      limit: 10,
      total: 2,
      resources: [
        job("1e7ac6c3-6f2a-4b39-9b7e-2b4a3f6f1c55", "dsm", { domains: ["domain-1"] }),
        job(luna, "hsm-luna", { partitions: ["partition-1"] }),
      ],
    });
    assert.deepEqual([report.added, report.replaced, report.dropped, report.full], [1, 0, 0, null]);
    const skipped: SkippedJob[] = report.skipped;
    assert.deepEqual(
      skipped.map(({ source, id }) => [source, id]),
      [["body", luna]],
    );
    assert.match(skipped[0]?.reason ?? "", /hsm-luna/);
    const { data } = await client.GET("/cckm/dsm/refresh", {});
    assert.equal(data?.total, 1);
  });

  test("a fault answers the next matching call", async () => {
    const pending = await mock.inject({ kind: "status", status: 503, call: "list" });
    assert.equal(pending.length, 1);
    const { response, error } = await client.GET(AWS, {});
    assert.equal(response.status, 503);
    assert.ok(error?.codeDesc);
    await assert.rejects(mock.inject({ kind: "no such fault" } as never), MockError);
  });

  test("tokens expire by the mock's clock, and the server's answers follow the schema files", async () => {
    await mock.pauseClock();
    const before = mock.authorization;
    await mock.advanceClock("301s");
    assert.notEqual(mock.authorization, before);
    const answer = await fetch(`${mock.baseUrl}${AWS}`, { headers: { Authorization: before } });
    assert.equal(answer.status, 401);

    // Every schema file, added under its file name: the `$ref`s between them resolve.
    const schemas = await loadSchemas();
    assert.deepEqual(schemas["AwsSyncJob"], awsSyncJobSchema);
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    ajv.addFormat("uint64", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });
    for (const [name, schema] of Object.entries(schemas)) {
      ajv.addSchema(schema, `${name}.schema.json`);
    }
    const validate = ajv.getSchema("AwsSyncJob.schema.json")!;
    const { data: job } = await client.POST(AWS, { body: { synchronize_all: true } });
    assert.ok(validate(job), JSON.stringify(validate.errors));
    assert.ok(!validate({ ...job, abort: "true" }));
    assert.deepEqual(emptyPage.resources, null);
  });
});

test("a mock that holds its maximum of jobs refuses a start with 409", async () => {
  await assert.rejects(MockServer.start({ maxJobs: 0 }), RangeError);
  const small = await MockServer.start({ maxJobs: 1 });
  try {
    const client = createClient({ baseUrl: small.baseUrl, token: () => small.token() });
    await small.pauseClock();
    const first = await client.POST(AWS, { body: { synchronize_all: true } });
    assert.equal(first.response.status, 201);
    await small.advanceClock(5);
    const { response, error } = await client.POST(AWS, { body: { synchronize_all: true } });
    assert.equal(response.status, 409);
    const refusal: ApiError | undefined = error;
    assert.match(JSON.stringify(refusal), /maximum of 1 jobs/);
  } finally {
    await small.stop();
  }
});

test("a bad option fails with the program's message in one line", async () => {
  await assert.rejects(MockServer.start({ jobDuration: "soon" }), (error: Error) => {
    assert.ok(error instanceof MockError);
    // The program's own error line, not its usage hints: the rest is in `stderr`.
    assert.equal(
      error.message,
      "cckm-sync mock exited with 2 before serving: invalid value 'soon' for '--job-duration <DURATION>': " +
        "expected number at 0 (expected a duration such as `5s` or `250ms`)",
    );
    assert.match(error.stderr, /For more information, try '--help'\./);
    return true;
  });
});

test("a refused control call says why in one line", async () => {
  const mock = await MockServer.start();
  try {
    await assert.rejects(mock.inject({ kind: "status", status: 99 }), (error: Error) => {
      assert.ok(error instanceof MockError);
      // The `message` of the mock's error body, not the body with its request id.
      assert.equal(
        error.message,
        "POST /__mock/faults answered 400: invalid fault: a fault answers 429 or 500 to 599, not 99",
      );
      return true;
    });
  } finally {
    await mock.stop();
  }
  await assert.rejects(mock.clock(), (error: Error) => {
    assert.ok(error instanceof MockError);
    assert.equal(error.message, "the mock is not running");
    assert.equal(error.stderr.trim(), "shutting down");
    return true;
  });
});

test("TLS serves HTTPS with a certificate to trust", async () => {
  const mock = await MockServer.start({ tls: true });
  try {
    assert.match(mock.baseUrl, /^https:\/\/127\.0\.0\.1:/);
    assert.ok(mock.certificate);
    assert.deepEqual((await mock.clock()).paused, false);
    // Node.js's own fetch does not trust the self-signed certificate; `mock.fetch` does.
    const untrusting = createClient({ baseUrl: mock.baseUrl, token: () => mock.token() });
    await assert.rejects(untrusting.GET(AWS, {}), /fetch failed/);
    const client = createClient({ baseUrl: mock.baseUrl, token: () => mock.token(), fetch: mock.fetch });
    const started = await client.POST(AWS, { body: { kms: ["kms"] } });
    assert.equal(started.response.status, 201);
    const { data, response } = await client.GET(AWS_JOB, { params: { path: { id: started.data!.id } } });
    assert.equal(response.status, 200);
    assert.equal(data?.id, started.data!.id);
    const missing = await client.GET(AWS_JOB, { params: { path: { id: "0ea5d52e-387c-44fa-b079-21c8b768f77b" } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.codeDesc, "NCERRResourceNotFound: Resource not found");
  } finally {
    await mock.stop();
  }
  assert.equal(mock.running, false);
});
