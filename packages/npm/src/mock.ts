// `MockServer`: the bundled `cckm-sync mock` program, started for a test and stopped after it.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** The environment variable that names another build of the `cckm-sync` program. */
export const PROGRAM_ENV = "CCKM_SYNC_PROGRAM";

// With `--ready-json`, the first line `cckm-sync mock` prints is one JSON object: where it serves
// (a port picked with `--listen 127.0.0.1:0` is known only from it) and its certificate file.
interface Ready {
  url: string;
  api_url: string;
  certificate: string | null;
}
const API_PREFIX = "/api/v1";
// How much of the program's standard error is kept for error messages.
const STDERR_KEPT = 16 * 1024;

/**
 * A duration of the mock: seconds, or text as the program reads it (`"90s"`, `"250ms"`,
 * `"1m 30s"`).
 */
export type Duration = number | string;

export interface MockServerOptions {
  /** How long a job runs; its items end one after another over it. 5 s by default. */
  jobDuration?: Duration;
  /** How long a JWT is valid, in whole seconds. 300 s by default. */
  tokenLifetime?: Duration;
  /** Serve HTTPS with a self-signed certificate, whose file `certificate` names. */
  tls?: boolean;
  /** The user name the token call accepts: `admin` by default. */
  username?: string;
  /** The password the token call accepts: `admin` by default. */
  password?: string;
  /** Recorded traffic to load at start: a HAR file, a `.json` response body of a page or a job, or a folder of them. */
  seed?: string;
  /** The most jobs the mock holds (10,000 by default); a start beyond is refused with 409. */
  maxJobs?: number;
  /** The most items the mock's jobs hold together (1,000,000 by default); a start beyond is refused with 409. */
  maxItems?: number;
  /** Another build of the `cckm-sync` program than the bundled one. */
  program?: string;
  /** The longest wait for the program to serve, in milliseconds: 30,000 by default. */
  startTimeoutMs?: number;
  /** The longest wait for each call to the mock, in milliseconds: 10,000 by default. */
  callTimeoutMs?: number;
  /** The longest wait for the program to stop before it is killed: 10,000 ms by default. */
  stopTimeoutMs?: number;
}

/** What the mock's clock reads. */
export interface ClockState {
  /** RFC 3339. */
  now: string;
  /** Whether it moves only when advanced. */
  paused: boolean;
}

/** A call of the API, as faults and received requests name it. */
export type Call = "token" | "list" | "start" | "get" | "cancel";

/** A fault, as the control API takes it: what the next `times` matching calls do. */
export type Fault = (
  | { kind: "status"; status: number; retry_after_secs?: number }
  | { kind: "stall"; millis: number }
  | { kind: "close_connection" }
  | { kind: "newer_server"; field?: string; value?: unknown; status?: string }
  | { kind: "fail_job"; reason: string; item?: string }
) & {
  /** The call it applies to; any call when left out. */
  call?: Call;
  /** The endpoint (`aws-keys`, `dsm`, …) it applies to; any when left out. */
  endpoint?: string;
  /** How many calls it applies to; 1 when left out. */
  times?: number;
};

/** A recorded job that was not loaded, and why. */
export interface SkippedJob {
  /** Where it came from (`body` for a loaded body). */
  source: string;
  /** The job's id. */
  id: string;
  /** Why it was skipped (a job of a family no endpoint serves, for example). */
  reason: string;
  [field: string]: unknown;
}

/** What loading recorded jobs did. */
export interface LoadReport {
  /** Jobs added. */
  added: number;
  /** Jobs that replaced an older record of the same job. */
  replaced: number;
  /** Jobs not loaded, each with why. */
  skipped: SkippedJob[];
  /**
   * Jobs not loaded because the mock holds its maximum of jobs (`--max-jobs`) or of items
   * across its jobs (`--max-items`): counted, not named. When none fits, `loadJobs` rejects
   * with the mock's 409 instead.
   */
  dropped: number;
  /** Why the first of the dropped jobs was refused: the bound, and how to raise it. */
  full: string | null;
  [field: string]: unknown;
}

/** A request the mock received on the API (control calls are not recorded). */
export interface ReceivedRequest {
  method: string;
  /** Such as `/api/v1/cckm/aws/synchronization-jobs`. */
  path: string;
  /** The query string without `?`, or `null`. */
  query: string | null;
  /** In the order received, names in lower case. */
  headers: [string, string][];
  /** The body as text (at most 64 KiB of it). */
  body: string;
  bodyTruncated: boolean;
  /** When it was received, by the mock's clock (RFC 3339). */
  receivedAt: string;
  /** The status it was answered with; 0 if the connection was closed without an answer. */
  status: number;
}

// The programs started and not stopped yet: a server never stopped must not outlive the test
// process (one listener for them all, however many tests start one).
const unstopped = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of unstopped) {
    child.kill("SIGKILL");
  }
});

/**
 * The mock could not be started or stopped, or a control call failed. The message is one line:
 * what failed, and why (the program's own error line, or the `message` of the mock's error
 * body); `stderr` holds what the program wrote on its standard error until then.
 */
export class MockError extends Error {
  override name = "MockError";
  /** What the program wrote on its standard error until the failure (its last 16 KiB). */
  readonly stderr: string;

  constructor(message: string, stderr = "") {
    super(oneLine(message));
    this.stderr = stderr;
  }
}

function oneLine(text: string): string {
  return text.split("\n").join(" ").trim();
}

/** The program's last `error: …` line, without its prefix. */
function errorLine(stderr: string): string | undefined {
  return stderr
    .split("\n")
    .reverse()
    .find((line) => line.startsWith("error: "))
    ?.slice("error: ".length)
    .trim();
}

/**
 * `fetch` over `node:https`, trusting `ca`: the answer's body is streamed, not held, and the
 * server has `timeoutMs` for the connection and for each byte after it.
 */
async function fetchTrusting(input: Request, ca: Buffer, timeoutMs: number): Promise<Response> {
  const body = input.body === null ? undefined : Buffer.from(await input.arrayBuffer());
  const headers: Record<string, string> = {};
  input.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return new Promise((resolve, reject) => {
    const request = https.request(
      input.url,
      { method: input.method, headers, ca, agent: false, timeout: timeoutMs, signal: input.signal },
      (response) => {
        const answer = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            answer.append(name, one);
          }
        }
        const status = response.statusCode ?? 502;
        const empty = status === 204 || status === 304 || input.method === "HEAD";
        if (empty) {
          response.resume();
        }
        resolve(
          new Response(empty ? null : (Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>), {
            status,
            statusText: response.statusMessage ?? "",
            headers: answer,
          }),
        );
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** The `message` of the mock's error body (`{code, codeDesc, message, requestID}`), or the body. */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string") {
      return oneLine((body as { message: string }).message);
    }
  } catch {
    // Not JSON: the body itself says it.
  }
  return oneLine(text.trim().slice(0, 500)) || "(no body)";
}

/**
 * The path of the bundled `cckm-sync` program (or of the one `CCKM_SYNC_PROGRAM` names).
 */
export function findProgram(): string {
  const override = process.env[PROGRAM_ENV];
  if (override) {
    if (!existsSync(override)) {
      throw new MockError(`${PROGRAM_ENV}=${override} is not a file`);
    }
    return override;
  }
  const bundled = fileURLToPath(new URL("../bin/cckm-sync", import.meta.url));
  if (!existsSync(bundled)) {
    throw new MockError(`the cckm-sync program is not installed at ${bundled}; reinstall the cckm-sync package`);
  }
  return bundled;
}

function duration(value: Duration, what: string): string {
  if (typeof value === "string") {
    return value;
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} is a number of seconds, at least 0: ${value}`);
  }
  return Number.isInteger(value) ? `${value}s` : `${Math.round(value * 1_000_000)}us`;
}

/** The `iat` and `exp` claims of a JWT, in seconds by the mock's clock. */
function jwtTimes(jwt: string): { issued: number; expires: number } {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      iat?: unknown;
      exp?: unknown;
    };
    if (typeof claims.iat === "number" && typeof claims.exp === "number") {
      return { issued: claims.iat, expires: claims.exp };
    }
  } catch {
    // reported below
  }
  throw new MockError("the token call answered a JWT without readable `iat` and `exp`");
}

/**
 * A mock CipherTrust Manager for one test: the bundled `cckm-sync mock`, on a free port of
 * 127.0.0.1, until `stop()`.
 *
 * ```ts
 * const mock = await MockServer.start({ jobDuration: 10 });
 * try {
 *   const client = createClient({ baseUrl: mock.baseUrl, token: () => mock.token() });
 *   await mock.pauseClock();
 *   // …
 * } finally {
 *   await mock.stop();
 * }
 * ```
 *
 * The control methods mirror the mock's control API under `/__mock/` and the Rust
 * `cckm_sync_mock::MockServer`. Every failure rejects with a `MockError` of one line, with the
 * program's standard error in its `stderr`.
 */
export class MockServer {
  /**
   * The API's URL, `http://127.0.0.1:<port>/api/v1` (`https://` with `tls`): the server URL of
   * the OpenAPI document, which `createClient` and other clients add the paths to.
   */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`: the control API is under `/__mock/` of it. */
  readonly rootUrl: string;
  readonly username: string;
  readonly password: string;
  /** With `tls`, the file of the server's self-signed certificate (PEM), to trust. */
  readonly certificate: string | undefined;
  /**
   * A `fetch` for calls to this mock, to give to `createClient` (`createClient({ baseUrl:
   * mock.baseUrl, token: () => mock.token(), fetch: mock.fetch })`): with `tls`, one that trusts
   * the mock's self-signed certificate, which Node.js's own `fetch` cannot be told to trust (it
   * fails with `fetch failed`); without, the global `fetch`. Each call waits at most
   * `callTimeoutMs` for the server, from the connection to each byte of the answer.
   */
  readonly fetch: (input: Request) => Promise<Response>;

  readonly #child: ChildProcess;
  readonly #stderr: string[];
  readonly #callTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  readonly #ca: Buffer | undefined;
  #jwt = "";
  #issued = 0;
  #expires = 0;
  #stopped = false;

  private constructor(
    child: ChildProcess,
    stderr: string[],
    urls: { baseUrl: string; certificate: string | undefined },
    options: MockServerOptions,
  ) {
    this.#child = child;
    this.#stderr = stderr;
    this.baseUrl = urls.baseUrl;
    this.rootUrl = urls.baseUrl.endsWith(API_PREFIX) ? urls.baseUrl.slice(0, -API_PREFIX.length) : urls.baseUrl;
    this.certificate = urls.certificate;
    this.#ca = urls.certificate === undefined ? undefined : readFileSync(urls.certificate);
    this.username = options.username ?? "admin";
    this.password = options.password ?? "admin";
    this.#callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    const ca = this.#ca;
    const timeoutMs = this.#callTimeoutMs;
    this.fetch = ca === undefined ? (input) => globalThis.fetch(input) : (input) => fetchTrusting(input, ca, timeoutMs);
  }

  /** Starts the program and resolves when it serves (within `startTimeoutMs`). */
  static async start(options: MockServerOptions = {}): Promise<MockServer> {
    const program = options.program ?? findProgram();
    const args = ["mock", "--listen", "127.0.0.1:0", "--ready-json"];
    args.push("--username", options.username ?? "admin", "--password", options.password ?? "admin");
    if (options.jobDuration !== undefined) {
      args.push("--job-duration", duration(options.jobDuration, "jobDuration"));
    }
    if (options.tokenLifetime !== undefined) {
      if (typeof options.tokenLifetime === "number" && (!Number.isInteger(options.tokenLifetime) || options.tokenLifetime < 1)) {
        throw new RangeError(`tokenLifetime is a whole number of seconds, at least 1: ${options.tokenLifetime}`);
      }
      args.push("--token-lifetime", duration(options.tokenLifetime, "tokenLifetime"));
    }
    if (options.tls) {
      args.push("--tls");
    }
    for (const [flag, name, bound] of [
      ["--max-jobs", "maxJobs", options.maxJobs],
      ["--max-items", "maxItems", options.maxItems],
    ] as const) {
      if (bound !== undefined) {
        if (!Number.isInteger(bound) || bound < 1) {
          throw new RangeError(`${name} is a whole number, at least 1: ${bound}`);
        }
        args.push(flag, String(bound));
      }
    }
    if (options.seed !== undefined) {
      args.push("--seed", options.seed);
    }
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    unstopped.add(child);
    const stderr: string[] = [];
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr.push(chunk);
      while (stderr.join("").length > STDERR_KEPT && stderr.length > 1) {
        stderr.shift();
      }
    });
    const failure = (message: string, reason = false): MockError => {
      const text = stderr.join("");
      const said = reason ? errorLine(text) : undefined;
      return new MockError(said ? `${message}: ${said}` : message, text);
    };
    const startTimeoutMs = options.startTimeoutMs ?? 30_000;
    let urls: { baseUrl: string; certificate: string | undefined };
    try {
      urls = await new Promise((resolve, reject) => {
        let baseUrl: string | undefined;
        let certificate: string | undefined;
        const lines = createInterface({ input: child.stdout! });
        const timer = setTimeout(() => {
          reject(failure(`cckm-sync mock did not say it was serving within ${startTimeoutMs} ms`, true));
        }, startTimeoutMs);
        const done = (error?: Error): void => {
          clearTimeout(timer);
          if (error) {
            reject(error);
          } else {
            resolve({ baseUrl: baseUrl!, certificate });
          }
        };
        child.once("error", (error) => done(failure(`cannot run ${program}: ${error.message}`)));
        child.once("exit", (code, signal) => {
          // Its standard error, read to the end, says why.
          const report = (): void => done(failure(`cckm-sync mock exited with ${code ?? signal} before serving`, true));
          if (child.stderr && !child.stderr.readableEnded) {
            child.stderr.once("end", report);
          } else {
            report();
          }
        });
        lines.on("line", (line) => {
          if (baseUrl === undefined && line.startsWith("{")) {
            const ready = JSON.parse(line) as Ready;
            baseUrl = ready.api_url;
            certificate = ready.certificate ?? undefined;
            done();
          }
        });
      });
    } catch (error) {
      child.kill("SIGKILL");
      unstopped.delete(child);
      throw error;
    }
    // The pipes are read to their end without keeping the test process alive.
    child.stdout?.resume();
    child.unref();
    for (const stream of [child.stdout, child.stderr]) {
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    const server = new MockServer(child, stderr, urls, options);
    try {
      await server.#renewToken();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Stops the program: asks it to shut down, waits at most `stopTimeoutMs`, then kills it. */
  async stop(): Promise<void> {
    if (this.#stopped) {
      return;
    }
    this.#stopped = true;
    const child = this.#child;
    unstopped.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.#stopTimeoutMs);
    });
    if ((await Promise.race([exited, late])) === "late") {
      child.kill("SIGKILL");
      await exited;
    }
    clearTimeout(timer);
  }

  /** Whether the program runs. */
  get running(): boolean {
    return !this.#stopped && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** What the program wrote on its standard error so far (the last 16 KiB). */
  get stderr(): string {
    return this.#stderr.join("");
  }

  /**
   * `Bearer <jwt>`: the `Authorization` header of a job call. The token is renewed when the
   * mock starts, after `reset()` and `revokeTokens()`, and when `advanceClock()` moves the
   * clock past its expiry; on a running clock, `token()` also renews it.
   */
  get authorization(): string {
    return `Bearer ${this.#jwt}`;
  }

  /**
   * A valid JWT for `username`, minted with the control call `POST /__mock/tokens` (what the
   * token call answers, without it) when the mock starts, after `reset()`, and when the mock's
   * clock has passed its expiry: it is not among the received requests and meets no fault.
   */
  async token(): Promise<string> {
    const clock = await this.clock();
    await this.#renewIfExpired(clock);
    return this.#jwt;
  }

  async #renewIfExpired(clock: ClockState): Promise<void> {
    const now = Date.parse(clock.now) / 1000;
    // Never early on a paused clock, which moves only when told; on a running one, early
    // enough for the call that uses it.
    const margin = clock.paused ? 0 : Math.min(30, (this.#expires - this.#issued) / 10);
    if (now + margin >= this.#expires) {
      await this.#renewToken();
    }
  }

  async #renewToken(): Promise<void> {
    const jwt = ((await this.#control("POST", "tokens")) as { jwt: string }).jwt;
    const { issued, expires } = jwtTimes(jwt);
    this.#jwt = jwt;
    this.#issued = issued;
    this.#expires = expires;
  }

  /** Back to a fresh server: no job, fault or received request; every earlier token revoked; the system clock. */
  async reset(): Promise<void> {
    await this.#control("POST", "reset");
    await this.#renewToken();
  }

  /** What the mock's clock reads. */
  clock(): Promise<ClockState> {
    return this.#control("GET", "clock") as Promise<ClockState>;
  }

  /** Pauses the clock where it is, or at `at`: jobs and tokens stand still until it is advanced. */
  pauseClock(at?: Date | string): Promise<ClockState> {
    const body = at === undefined ? undefined : { at: at instanceof Date ? at.toISOString() : at };
    return this.#control("POST", "clock/pause", body) as Promise<ClockState>;
  }

  /** Moves the clock forward by `by` (seconds, or text such as `"90s"`), pausing it first if it runs. */
  async advanceClock(by: Duration): Promise<ClockState> {
    const clock = (await this.#control("POST", "clock/advance", { by: duration(by, "advanceClock") })) as ClockState;
    await this.#renewIfExpired(clock);
    return clock;
  }

  /** Lets the clock follow the system clock again. */
  resumeClock(): Promise<ClockState> {
    return this.#control("POST", "clock/resume") as Promise<ClockState>;
  }

  /** Adds a fault, as the control API takes it, and resolves to the pending faults. */
  inject(fault: Fault): Promise<Fault[]> {
    return this.#control("POST", "faults", fault) as Promise<Fault[]>;
  }

  /** The pending faults, with the calls each has left. */
  faults(): Promise<Fault[]> {
    return this.#control("GET", "faults") as Promise<Fault[]>;
  }

  /** Clears the pending faults. */
  async clearFaults(): Promise<void> {
    await this.#control("DELETE", "faults");
  }

  /**
   * Loads a recorded page or job of any family (a response body of the API, as text or a
   * value), for the endpoint named `endpoint` (`aws-keys`, `dsm`, …) or one of the job's family.
   */
  loadJobs(body: unknown, endpoint?: string): Promise<LoadReport> {
    const path = endpoint === undefined ? "jobs" : `jobs?${new URLSearchParams({ endpoint })}`;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return this.#control("POST", path, undefined, text) as Promise<LoadReport>;
  }

  /** The requests received on the API, oldest first (at most the last 1,000). */
  async receivedRequests(): Promise<ReceivedRequest[]> {
    const items = (await this.#control("GET", "requests")) as {
      method: string;
      path: string;
      query?: string | null;
      headers: [string, string][];
      body: string;
      body_truncated: boolean;
      received_at: string;
      status: number;
    }[];
    return items.map((item) => ({
      method: item.method,
      path: item.path,
      query: item.query ?? null,
      headers: item.headers,
      body: item.body,
      bodyTruncated: item.body_truncated,
      receivedAt: item.received_at,
      status: item.status,
    }));
  }

  /** Forgets the received requests. */
  async clearReceivedRequests(): Promise<void> {
    await this.#control("DELETE", "requests");
  }

  /**
   * Sets what a `synchronize_all` start selects for `family` (`aws`, `azure`, `google`, …), and
   * for AWS the regions a start that names none covers.
   */
  setInventory(family: string, inventory: { items?: string[]; regions?: string[] }): Promise<unknown> {
    return this.#control("PUT", `inventory/${encodeURIComponent(family)}`, inventory);
  }

  /** Revokes every token issued so far, and takes a new one. */
  async revokeTokens(): Promise<void> {
    await this.#control("POST", "tokens/revoke");
    await this.#renewToken();
  }

  async #control(method: string, path: string, body?: unknown, text?: string): Promise<unknown> {
    const url = `${this.rootUrl}/__mock/${path}`;
    const answer = await this.#http(method, url, text ?? (body === undefined ? undefined : JSON.stringify(body)));
    if (answer.status < 200 || answer.status >= 300) {
      throw this.#failure(`${method} /__mock/${path} answered ${answer.status}: ${errorMessage(answer.text)}`);
    }
    return answer.text.trim() ? JSON.parse(answer.text) : undefined;
  }

  #http(method: string, url: string, body?: string): Promise<{ status: number; text: string }> {
    if (!this.running) {
      return Promise.reject(this.#failure("the mock is not running"));
    }
    const target = new URL(url);
    const send = target.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(
        target,
        {
          method,
          ...(this.#ca === undefined ? {} : { ca: this.#ca }),
          headers: body === undefined ? {} : { "Content-Type": "application/json" },
          timeout: this.#callTimeoutMs,
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
          response.on("error", (error) => reject(this.#failure(`${method} ${url} failed: ${error.message}`)));
        },
      );
      request.on("timeout", () => request.destroy(new Error(`no answer within ${this.#callTimeoutMs} ms`)));
      request.on("error", (error) => reject(this.#failure(`${method} ${url} failed: ${error.message}`)));
      request.end(body);
    });
  }

  #failure(message: string): MockError {
    return new MockError(message, this.stderr);
  }
}
