// CommonJS code loads the package with `require` (Node.js 20.19+ and 22.12+ `require` an ES
// module that has no top-level await): the same exports as `import`, and a mock that serves.
"use strict";

const assert = require("node:assert/strict");
const { test } = require("node:test");

test("require() gives the package's exports, and its mock serves", async () => {
  const cckm = require("cckm-sync");
  assert.equal(typeof cckm.MockServer.start, "function");
  assert.equal(typeof cckm.createClient, "function");
  assert.equal(typeof cckm.loadSchemas, "function");
  const mock = await cckm.MockServer.start();
  try {
    const client = cckm.createClient({ baseUrl: mock.baseUrl, token: () => mock.token() });
    const { data, response } = await client.GET("/cckm/aws/synchronization-jobs", {});
    assert.equal(response.status, 200);
    assert.equal(data.total, 0);
  } finally {
    await mock.stop();
  }
});
