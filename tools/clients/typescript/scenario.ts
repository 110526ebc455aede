// The end-to-end scenario that `cargo xtask test` runs with each generated TypeScript client.
//
// A generator's adapter (`openapi_fetch.ts`, `typescript_fetch.ts`) calls the generated code;
// this module drives the steps against a fresh `cckm-sync mock` and checks the values the
// generated models hold. The plan (endpoints, operation ids, schema names, scope fields,
// texts) is written by the xtask from the crate's endpoint catalog, so nothing here names an
// endpoint. The mock's clock is paused: a job runs until the scenario advances it through the
// mock's control API, so no step waits on time.

import { readFileSync } from "node:fs";

export interface Endpoint {
  name: string;
  family: string;
  paths: { collection: string; job: string; cancel: string };
  operations: { list: string; start: string; get: string; cancel: string };
  schemas: { job: string; page: string; start: string; items: string; all: string };
  start_field: string;
  start_fields: string[];
  job_field: string;
  list_filter: string | null;
  cloud: string;
  running: string;
  item_done: string;
  items: string[];
  inventory: string[];
}

export interface Plan {
  api: string;
  control: string;
  username: string;
  password: string;
  job_duration: string;
  missing_id: string;
  not_found: { code: number; codeDesc: string };
  endpoints: Endpoint[];
  from_json: { endpoint: string; body: string; scope: string[] }[];
}

/** What the scenario checks of a job, read from the generated model. */
export interface Job {
  id: string;
  overallStatus: string;
  cloud: string;
  abort: boolean;
  scope: string[] | null | undefined;
  detailedStatus: Record<string, string> | null | undefined;
  completed: boolean;
}

export interface Page {
  skip: number;
  limit: number;
  total: number;
  jobs: Job[];
}

/** A typed error body (the generated `ApiError`) and the status it came with. */
export interface ErrorBody {
  status: number;
  code: number | null | undefined;
  codeDesc: string | null | undefined;
}

/** Thrown by an adapter for an error answer, with its typed body. */
export class ClientError extends Error {
  constructor(readonly body: ErrorBody) {
    super(`${body.status}: ${body.code} ${body.codeDesc}`);
  }
}

export interface Filters {
  id?: string;
  overall_status?: string;
  scope?: string[];
}

export interface Adapter {
  logIn(username: string, password: string): Promise<string>;
  startItems(endpoint: Endpoint, items: string[]): Promise<Job>;
  startAll(endpoint: Endpoint): Promise<Job>;
  startFromJson(endpoint: Endpoint, text: string): Promise<Job>;
  get(endpoint: Endpoint, id: string): Promise<Job>;
  cancel(endpoint: Endpoint, id: string): Promise<Job>;
  list(endpoint: Endpoint, skip: number, limit: number, filters: Filters): Promise<Page>;
}

class Failure extends Error {}

export function check(condition: boolean, what: string): void {
  if (!condition) {
    throw new Failure(what);
  }
}

export function equal(actual: unknown, expected: unknown, what: string): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    throw new Failure(`${what}: expected ${e}, got ${a}`);
  }
}

async function control(plan: Plan, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(plan.control + path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  check(response.ok, `${method} /__mock${path}: ${response.status}`);
}

async function clientError(call: () => Promise<unknown>): Promise<ErrorBody> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    if (error instanceof ClientError) {
      return error.body;
    }
    throw error;
  }
  throw new Failure(`expected an error answer, got ${JSON.stringify(result)}`);
}

export async function main(name: string, adapterFor: (api: string, token: string) => Adapter): Promise<void> {
  if (process.argv.length !== 3) {
    console.error(`usage: node ${process.argv[1]} PLAN.json`);
    process.exit(2);
  }
  const plan = JSON.parse(readFileSync(process.argv[2], "utf8")) as Plan;
  const passed: string[] = [];
  let current = "";
  const step = (what: string) => {
    if (current) {
      passed.push(current);
      console.log(`  ok: ${current}`);
    }
    current = what;
  };
  try {
    await run(plan, adapterFor, step);
  } catch (error) {
    console.error(`${name}: FAILED at step ${JSON.stringify(current)}: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  }
  console.log(`${name}: ${passed.length} steps passed`);
}

async function run(
  plan: Plan,
  adapterFor: (api: string, token: string) => Adapter,
  step: (what: string) => void,
): Promise<void> {
  const endpoints = plan.endpoints;
  const advance = () => control(plan, "POST", "/clock/advance", { by: plan.job_duration });

  step("reset the mock, set what synchronize_all selects, pause its clock");
  await control(plan, "POST", "/reset", {});
  for (const endpoint of endpoints) {
    await control(plan, "PUT", `/inventory/${endpoint.family}`, { items: endpoint.inventory });
  }
  await control(plan, "POST", "/clock/pause", {});

  step("get a token from the token call");
  const token = await adapterFor(plan.api, "").logIn(plan.username, plan.password);
  check(token.split(".").length === 3, `the token is not a JWT: ${token}`);
  const client = adapterFor(plan.api, token);

  step("start a job of listed items on every endpoint");
  const itemsJobs = new Map<string, Job>();
  for (const endpoint of endpoints) {
    const job = await client.startItems(endpoint, endpoint.items);
    checkRunning(endpoint, job, endpoint.items);
    itemsJobs.set(endpoint.name, job);
  }

  step("a second start while the job runs is refused with 409 and a typed error body");
  const first = endpoints[0];
  const conflict = await clientError(() => client.startItems(first, first.items));
  equal(conflict.status, 409, "status of a start while a job runs");
  check(Boolean(conflict.codeDesc), `the 409 body has no codeDesc: ${JSON.stringify(conflict)}`);

  step("wait for every job: advance the mock's clock by the job duration, then get it");
  await advance();
  for (const endpoint of endpoints) {
    const job = await client.get(endpoint, itemsJobs.get(endpoint.name)!.id);
    checkCompleted(endpoint, job, endpoint.items);
  }

  step("start a job of every item (synchronize_all) on every endpoint");
  const allJobs = new Map<string, Job>();
  for (const endpoint of endpoints) {
    const job = await client.startAll(endpoint);
    checkRunning(endpoint, job, endpoint.inventory);
    allJobs.set(endpoint.name, job);
  }

  step("list every page of every endpoint, one job a page, with and without filters");
  for (const endpoint of endpoints) {
    const done = itemsJobs.get(endpoint.name)!.id;
    const running = allJobs.get(endpoint.name)!.id;
    const ids = async (filters: Filters) => (await allPages(client, endpoint, filters)).map((job) => job.id);
    equal((await ids({})).sort(), [done, running].sort(), `${endpoint.name}: the jobs listed`);
    equal(await ids({ overall_status: endpoint.running }), [running], `${endpoint.name}: the running jobs`);
    equal(await ids({ id: done }), [done], `${endpoint.name}: the job listed by id`);
    if (endpoint.list_filter) {
      equal(await ids({ scope: endpoint.items }), [done], `${endpoint.name}: the jobs of ${endpoint.items}`);
    }
  }

  step("cancel the running job of every endpoint");
  for (const endpoint of endpoints) {
    const job = await client.cancel(endpoint, allJobs.get(endpoint.name)!.id);
    equal(job.abort, true, `${endpoint.name}: abort after a cancel`);
    equal(job.overallStatus, endpoint.running, `${endpoint.name}: status right after a cancel`);
  }
  await advance();
  for (const endpoint of endpoints) {
    const job = await client.get(endpoint, allJobs.get(endpoint.name)!.id);
    equal(job.abort, true, `${endpoint.name}: abort of the cancelled job`);
    check(
      ["aborted", "completed"].includes(job.overallStatus) && job.completed,
      `${endpoint.name}: the cancelled job did not end: ${JSON.stringify(job)}`,
    );
  }

  step("read a 404 error body into the typed error model");
  for (const endpoint of endpoints) {
    const error = await clientError(() => client.get(endpoint, plan.missing_id));
    equal(error.status, 404, `${endpoint.name}: status of an unknown job`);
    equal(error.code, plan.not_found.code, `${endpoint.name}: code of the 404 body`);
    check(
      (error.codeDesc ?? "").startsWith(plan.not_found.codeDesc),
      `${endpoint.name}: codeDesc of the 404 body: ${error.codeDesc}`,
    );
  }

  step("send start bodies read from JSON with the generated models");
  for (const example of plan.from_json) {
    const endpoint = endpoints.find((candidate) => candidate.name === example.endpoint)!;
    const job = await client.startFromJson(endpoint, example.body);
    checkRunning(endpoint, job, example.scope);
  }

  step("every start body sent holds only fields of the contract");
  const response = await fetch(`${plan.control}/requests`, { signal: AbortSignal.timeout(10_000) });
  const requests = (await response.json()) as { method: string; path: string; status: number; body: string }[];
  let sent = 0;
  for (const request of requests) {
    const endpoint = endpoints.find((candidate) => request.path.endsWith(candidate.paths.collection));
    if (request.method !== "POST" || !endpoint || request.status >= 300) {
      continue;
    }
    const body = JSON.parse(request.body) as Record<string, unknown>;
    const extra = Object.keys(body).filter((field) => !endpoint.start_fields.includes(field));
    check(extra.length === 0, `${endpoint.name}: a start body with fields the contract does not name: ${request.body}`);
    sent += 1;
  }
  equal(sent, 2 * endpoints.length + plan.from_json.length, "start bodies accepted by the mock");
  step("");
}

function checkRunning(endpoint: Endpoint, job: Job, scope: string[]): void {
  const name = endpoint.name;
  check(job.id.length === 36, `${name}: job id ${job.id}`);
  equal(job.overallStatus, endpoint.running, `${name}: status of a new job`);
  equal(job.cloud, endpoint.cloud, `${name}: cloud`);
  equal(job.abort, false, `${name}: abort of a new job`);
  equal(job.scope, scope, `${name}: ${endpoint.job_field} of the job`);
  equal(job.completed, false, `${name}: a new job has ended`);
}

function checkCompleted(endpoint: Endpoint, job: Job, scope: string[]): void {
  const name = endpoint.name;
  equal(job.overallStatus, "completed", `${name}: status after the job's duration`);
  equal(job.scope, scope, `${name}: ${endpoint.job_field} of the ended job`);
  check(job.completed, `${name}: an ended job has no completed_at`);
  const texts = [...new Set(Object.values(job.detailedStatus ?? {}))];
  equal(texts, [endpoint.item_done], `${name}: the detailed status of every item`);
}

async function allPages(client: Adapter, endpoint: Endpoint, filters: Filters): Promise<Job[]> {
  const jobs: Job[] = [];
  let skip = 0;
  // Bounded: the mock holds a few jobs per endpoint.
  for (let pages = 0; pages < 10; pages++) {
    const page = await client.list(endpoint, skip, 1, filters);
    equal([page.skip, page.limit], [skip, 1], `${endpoint.name}: skip and limit of a page`);
    check(page.jobs.length <= 1, `${endpoint.name}: a page of limit 1 holds ${page.jobs.length} jobs`);
    jobs.push(...page.jobs);
    skip += page.jobs.length;
    if (page.jobs.length === 0 || skip >= page.total) {
      equal(jobs.length, page.total, `${endpoint.name}: jobs listed against the total`);
      return jobs;
    }
  }
  throw new Failure(`${endpoint.name}: paging did not end`);
}
