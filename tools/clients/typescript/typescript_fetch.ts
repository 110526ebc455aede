// The scenario with the client of `openapi-generator generate -g typescript-fetch
// --additional-properties=modelPropertyNaming=original` (in `client/` beside this file):
// `node typescript_fetch.js PLAN.json`.

import * as generated from "./client";
import { ApiErrorFromJSON, Configuration, ResponseError, type SyncJob } from "./client";
import { type Adapter, ClientError, type Endpoint, type Filters, type Job, type Page, equal, main } from "./scenario";

type ScopeField = "kms" | "regions" | "key_vaults" | "key_rings" | "vaults" | "groups" | "domains";
type Operation = (request: Record<string, unknown>) => Promise<unknown>;
/** A model's `FromJSON`, found by the schema's name. */
type FromJson = (json: unknown) => unknown;

/** `AwsStartJob` → `awsStartJob`, `overall_status` → `overallStatus`: the generator's names of parameters. */
function camel(name: string): string {
  const words = name.replace(/_(.)/g, (_, letter: string) => letter.toUpperCase());
  return words.charAt(0).toLowerCase() + words.slice(1);
}

function exported<T>(name: string): T {
  const value = (generated as Record<string, unknown>)[name];
  if (value === undefined) {
    throw new Error(`the generated client exports no ${name}`);
  }
  return value as T;
}

class TypescriptFetch implements Adapter {
  private readonly apis: Record<string, unknown>[];

  constructor(api: string, token: string) {
    const configuration = new Configuration({ basePath: api, accessToken: token || undefined });
    // One class per tag (`AWSKeysApi`, …); an operation is found by its id.
    this.apis = Object.entries(generated)
      .filter(([name, value]) => name.endsWith("Api") && typeof value === "function")
      .map(([, value]) => new (value as unknown as new (configuration: Configuration) => Record<string, unknown>)(configuration));
  }

  private async call(operationId: string, request: Record<string, unknown>): Promise<unknown> {
    const api = this.apis.find((candidate) => typeof candidate[operationId] === "function");
    if (!api) {
      throw new Error(`no operation ${operationId} in the generated client`);
    }
    try {
      return await (api[operationId] as Operation).call(api, request);
    } catch (error) {
      if (error instanceof ResponseError) {
        const body = ApiErrorFromJSON(await error.response.json());
        throw new ClientError({ status: error.response.status, code: body.code, codeDesc: body.codeDesc });
      }
      throw error;
    }
  }

  async logIn(username: string, password: string): Promise<string> {
    const answer = await new generated.AuthApi(new Configuration({ basePath: this.basePath() })).createToken({
      tokenRequest: { grant_type: "password", username, password },
    });
    equal(answer.token_type, "Bearer", "token_type");
    return answer.jwt;
  }

  private basePath(): string {
    return (this.apis[0] as unknown as { configuration: Configuration }).configuration.basePath;
  }

  private job(endpoint: Endpoint, value: unknown): Job {
    equal(typeof value, "object", `${endpoint.name}: the answer`);
    const job = value as SyncJob;
    return {
      id: job.id,
      overallStatus: job.overall_status,
      cloud: job.cloud,
      abort: job.abort,
      scope: job[endpoint.job_field as ScopeField],
      detailedStatus: job.detailed_status,
      completed: job.completed_at instanceof Date,
    };
  }

  private async start(endpoint: Endpoint, body: unknown): Promise<Job> {
    const request = { [camel(endpoint.schemas.start)]: body };
    return this.job(endpoint, await this.call(endpoint.operations.start, request));
  }

  startItems(endpoint: Endpoint, items: string[]): Promise<Job> {
    return this.start(endpoint, { [endpoint.start_field]: items });
  }

  startAll(endpoint: Endpoint): Promise<Job> {
    return this.start(endpoint, { synchronize_all: true });
  }

  startFromJson(endpoint: Endpoint, text: string): Promise<Job> {
    const fromJson = exported<FromJson>(`${endpoint.schemas.start}FromJSON`);
    return this.start(endpoint, fromJson(JSON.parse(text)));
  }

  async get(endpoint: Endpoint, id: string): Promise<Job> {
    return this.job(endpoint, await this.call(endpoint.operations.get, { id }));
  }

  async cancel(endpoint: Endpoint, id: string): Promise<Job> {
    return this.job(endpoint, await this.call(endpoint.operations.cancel, { id }));
  }

  async list(endpoint: Endpoint, skip: number, limit: number, filters: Filters): Promise<Page> {
    const request: Record<string, unknown> = { skip, limit, id: filters.id, overallStatus: filters.overall_status };
    if (filters.scope && endpoint.list_filter) {
      request[camel(endpoint.list_filter)] = filters.scope;
    }
    const page = (await this.call(endpoint.operations.list, request)) as generated.SyncJobPage;
    const jobs = (page.resources ?? []).map((job) => this.job(endpoint, job));
    return { skip: page.skip, limit: page.limit, total: page.total, jobs };
  }
}

void main("openapi-generator -g typescript-fetch", (api, token) => new TypescriptFetch(api, token));
