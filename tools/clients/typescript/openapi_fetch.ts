// The scenario with openapi-fetch and the types openapi-typescript generates from the 3.1
// document (`schema.d.ts` beside this file): `node openapi_fetch.js PLAN.json`.

import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { type Adapter, ClientError, type Endpoint, type Filters, type Job, type Page, equal, main } from "./scenario";

type Schemas = components["schemas"];
/** A job of any family: what every endpoint answers. */
type SyncJob = Schemas["SyncJob"];

/**
 * A scope array of a job of any family. `SyncJob` types each family's arrays only for the
 * jobs of that family (an `allOf` of conditions), which TypeScript types cannot say: they are
 * fields of unknown type there, checked here.
 */
function scopeOf(job: SyncJob, field: string): string[] | null | undefined {
  const value: unknown = job[field];
  if (value === null || value === undefined) {
    return value;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`${field} is not a list of strings: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The answer of openapi-fetch, with the generated types of its two bodies. */
interface Answer<T> {
  data?: T;
  error?: Schemas["ApiError"];
  response: Response;
}

/**
 * Every endpoint's calls have the same shapes, but the plan names their paths at run time:
 * the calls are made through these signatures, whose bodies and answers keep the generated
 * types.
 */
interface DynamicClient {
  GET(path: string, init: { params: { path?: { id: string }; query?: Record<string, unknown> } }): Promise<Answer<unknown>>;
  POST(path: string, init: { params?: { path: { id: string } }; body?: unknown }): Promise<Answer<unknown>>;
}

class OpenapiFetch implements Adapter {
  private readonly client;
  private readonly dynamic: DynamicClient;

  constructor(api: string, token: string) {
    this.client = createClient<paths>({
      baseUrl: api,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    this.dynamic = this.client as unknown as DynamicClient;
  }

  async logIn(username: string, password: string): Promise<string> {
    const { data, error, response } = await this.client.POST("/auth/tokens", {
      body: { grant_type: "password", username, password },
    });
    if (!data) {
      throw new ClientError({ status: response.status, code: error?.code, codeDesc: error?.codeDesc });
    }
    equal(data.token_type, "Bearer", "token_type");
    return data.jwt;
  }

  private job(endpoint: Endpoint, answer: Answer<unknown>): Job {
    const { data, error, response } = answer;
    if (error || !data) {
      throw new ClientError({ status: response.status, code: error?.code, codeDesc: error?.codeDesc });
    }
    const job = data as SyncJob;
    return {
      id: job.id,
      overallStatus: job.overall_status,
      cloud: job.cloud,
      abort: job.abort,
      scope: scopeOf(job, endpoint.job_field),
      detailedStatus: job.detailed_status,
      completed: job.completed_at != null,
    };
  }

  private async start(endpoint: Endpoint, body: Schemas["AwsStartJob"] | Schemas["AzureStartJob"] | Record<string, unknown>): Promise<Job> {
    return this.job(endpoint, await this.dynamic.POST(endpoint.paths.collection, { body }));
  }

  startItems(endpoint: Endpoint, items: string[]): Promise<Job> {
    return this.start(endpoint, { [endpoint.start_field]: items });
  }

  startAll(endpoint: Endpoint): Promise<Job> {
    const body: Schemas["DsmStartJobAll"] = { synchronize_all: true };
    return this.start(endpoint, body);
  }

  startFromJson(endpoint: Endpoint, text: string): Promise<Job> {
    const body = JSON.parse(text) as Schemas["AwsStartJob"] | Schemas["AzureStartJob"];
    return this.start(endpoint, body);
  }

  async get(endpoint: Endpoint, id: string): Promise<Job> {
    return this.job(endpoint, await this.dynamic.GET(endpoint.paths.job, { params: { path: { id } } }));
  }

  async cancel(endpoint: Endpoint, id: string): Promise<Job> {
    return this.job(endpoint, await this.dynamic.POST(endpoint.paths.cancel, { params: { path: { id } } }));
  }

  async list(endpoint: Endpoint, skip: number, limit: number, filters: Filters): Promise<Page> {
    const query: Record<string, unknown> = { skip, limit, id: filters.id, overall_status: filters.overall_status };
    if (filters.scope && endpoint.list_filter) {
      query[endpoint.list_filter] = filters.scope;
    }
    const { data, error, response } = await this.dynamic.GET(endpoint.paths.collection, { params: { query } });
    if (error || !data) {
      throw new ClientError({ status: response.status, code: error?.code, codeDesc: error?.codeDesc });
    }
    const page = data as Schemas["SyncJobPage"];
    const jobs = (page.resources ?? []).map((job) => this.job(endpoint, { data: job, response }));
    return { skip: page.skip, limit: page.limit, total: page.total, jobs };
  }
}

void main("openapi-typescript + openapi-fetch", (api, token) => new OpenapiFetch(api, token));
