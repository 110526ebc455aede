// `createClient`: an openapi-fetch client typed with the contract's paths.

import createFetchClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { paths } from "./schema.js";

/** A client of every job endpoint and the token call, typed with the contract's paths. */
export type CckmClient = Client<paths>;

export interface CckmClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** The API's URL, `https://<host>/api/v1` (`MockServer.baseUrl` for the mock). */
  baseUrl: string;
  /**
   * The JWT of the token call, sent as `Authorization: Bearer <jwt>`; or a function that gives a
   * valid one for each call (`() => mock.token()`), so that a renewed token is used.
   */
  token?: string | (() => string | Promise<string>);
}

/**
 * An openapi-fetch client of the contract's paths: `client.GET("/cckm/aws/synchronization-jobs/{id}",
 * { params: { path: { id } } })` resolves to `{ data, error, response }`, `data` typed as the
 * call's success body (`AwsSyncJob`) and `error` as the error body (`ApiError`).
 */
export function createClient(options: CckmClientOptions): CckmClient {
  const { token, ...rest } = options;
  const client = createFetchClient<paths>(rest);
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const jwt = typeof token === "function" ? await token() : token;
        request.headers.set("Authorization", `Bearer ${jwt}`);
        return request;
      },
    });
  }
  return client;
}
