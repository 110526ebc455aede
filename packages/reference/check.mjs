// Checks the offline API reference in headless Chromium (a step of `cargo xtask test`, run with
// the Node tools of tools/dist/): every operation of the OpenAPI document renders, with each of
// its responses, every response carries an example, the page shows it (each response's sample
// tab, opened, holds a JSON body not made from the schema), and the page makes no network request
// and logs no error.
//
// usage: node check.mjs PAGE.html OPENAPI.json OUT_DIR   (CHROMIUM names the browser)
// Writes OUT_DIR/top.png, OUT_DIR/operation.png and OUT_DIR/list.png.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const [pagePath, openapiPath, outDir] = process.argv.slice(2);
if (!pagePath || !openapiPath || !outDir) {
  console.error("usage: node check.mjs PAGE.html OPENAPI.json OUT_DIR");
  process.exit(2);
}
const document = JSON.parse(readFileSync(openapiPath, "utf8"));
const methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  methods.filter((method) => item[method]).map((method) => ({ path, method, ...item[method] })),
);

// Without the background-networking switches Chromium reaches for the network at start.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  // Every request the page makes, whatever becomes of it: only the page itself may be read.
  const requests = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

  const started = Date.now();
  const url = pathToFileURL(resolve(pagePath)).href;
  await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  await page.waitForFunction(() => document.body.dataset.rendered, null, { timeout: 60_000 });
  const rendered = await page.evaluate(() => document.body.dataset.rendered);
  if (rendered !== "yes") {
    problems.push(`Redoc did not render: ${rendered}`);
  }
  const renderMs = Date.now() - started;

  // Each operation has its section, which names each of its responses.
  let responses = 0;
  for (const operation of operations) {
    const section = page.locator(`[data-section-id$="operation/${operation.operationId}"]`).first();
    if ((await section.count()) === 0) {
      problems.push(`operation ${operation.operationId} (${operation.method.toUpperCase()} ${operation.path}) is not rendered`);
      continue;
    }
    const text = await section.innerText();
    for (const status of Object.keys(operation.responses ?? {})) {
      responses += 1;
      if (!text.includes(status)) {
        problems.push(`operation ${operation.operationId}: response ${status} is not shown`);
      }
    }
  }

  // The 64-bit bounds show as written, not rounded to a double.
  const shown = await page.evaluate(() => document.body.innerText);
  if (shown.includes("9223372036854776000") || !shown.includes("9223372036854775807")) {
    problems.push("the 64-bit bounds are not shown as written (9223372036854775807)");
  }

  await page.screenshot({ path: join(outDir, "top.png") });
  // The start of AWS key jobs, its request and response samples beside it.
  const start =
    operations.find((operation) => operation.method === "post" && operation.path === "/cckm/aws/synchronization-jobs") ??
    operations.find((operation) => operation.method === "post");
  if (start) {
    await page
      .locator(`[data-section-id$="operation/${start.operationId}"]`)
      .first()
      .evaluate((section) => section.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(outDir, "operation.png") });
  }

  // The list of AWS key jobs at its responses: the page's schema, with its bounds as written.
  const list = operations.find(
    (operation) => operation.method === "get" && operation.path === "/cckm/aws/synchronization-jobs",
  );
  if (list) {
    const heading = page
      .locator(`[data-section-id$="operation/${list.operationId}"]`)
      .first()
      .getByText("Responses", { exact: true })
      .first();
    if ((await heading.count()) > 0) {
      await heading.evaluate((element) => element.scrollIntoView({ block: "start" }));
      await page.screenshot({ path: join(outDir, "list.png") });
    }
  }

  const left = requests.filter((address) => !/^(file|data|blob|about):/.test(address));
  for (const address of left) {
    problems.push(`the page requested ${address}`);
  }
  // Every response with a body shows a real example, never Redoc's sample made from the schema
  // (`"account": "string"`, a 64-bit bound read as a double).
  let examples = 0;
  for (const operation of operations) {
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const resolved = response.$ref ? document.components.responses[response.$ref.split("/").pop()] : response;
      for (const [mediaType, media] of Object.entries(resolved?.content ?? {})) {
        const named = Object.values(media.examples ?? {}).filter((example) => example.value !== undefined);
        if (media.example !== undefined || named.length > 0) {
          examples += 1;
        } else {
          problems.push(`operation ${operation.operationId}: response ${status} (${mediaType}) has no example`);
        }
      }
    }
  }
  // What the page shows: each response's tab of each operation's samples holds a JSON body,
  // none made from the schema (`"string"`), as the document's examples promise.
  const tabsStarted = Date.now();
  let tabs = 0;
  for (const operation of operations) {
    const samples = page
      .locator(`[data-section-id$="operation/${operation.operationId}"]`)
      .first()
      .locator('h3:text-is("Response samples")')
      .locator("xpath=..");
    const buttons = samples.locator('[role="tab"]');
    const count = await buttons.count();
    if (count === 0) {
      problems.push(`operation ${operation.operationId}: no response sample is shown`);
    }
    for (let index = 0; index < count; index += 1) {
      const button = buttons.nth(index);
      const label = (await button.innerText()).trim();
      await button.dispatchEvent("click");
      // The panel of this tab, once it shows a body: only the selected tab's panel has one.
      const panel = samples.locator(`[role="tabpanel"][aria-labelledby="${await button.getAttribute("id")}"]`);
      const body = panel.locator("code").first();
      tabs += 1;
      try {
        await body.waitFor({ timeout: 10_000 });
      } catch {
        problems.push(`operation ${operation.operationId}: the sample of response ${label} shows no body`);
        continue;
      }
      const shown = (await panel.innerText()).replace(/\s+/g, " ");
      if (!/[{[]/.test(shown)) {
        problems.push(`operation ${operation.operationId}: the sample of response ${label} shows no JSON: ${shown.slice(0, 120)}`);
      } else if (/"string"/.test(shown)) {
        problems.push(`operation ${operation.operationId}: the sample of response ${label} is made from the schema`);
      }
    }
  }
  const tabsMs = Date.now() - tabsStarted;
  console.log(
    `reference: the samples of ${tabs} responses opened one by one and read in ${tabsMs} ms`,
  );
  console.log(
    `reference: ${operations.length} operations and ${responses} responses rendered in ${renderMs} ms, ` +
      `${requests.length} requests, all for the page's own file or memory (its search worker), none to the network; ` +
      `${examples} of ${responses} responses carry an example; screenshots in ${outDir}`,
  );
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
