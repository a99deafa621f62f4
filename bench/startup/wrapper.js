// Bench-only entry point, staged next to a copy of an extension (never shipped): times how long the
// extension's module takes to load and its activate() to return, inside the extension host, and
// writes both to the file named by BENCH_ACTIVATION_FILE.
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');

const loadStarted = performance.now();
// The stager replaces the placeholder with the extension's own `main`.
const real = require('__REAL_MAIN__');
const loadMs = performance.now() - loadStarted;

exports.activate = async (context) => {
  const started = performance.now();
  const api = await real.activate(context);
  const activateMs = performance.now() - started;
  if (process.env.BENCH_ACTIVATION_FILE) writeFileSync(process.env.BENCH_ACTIVATION_FILE, JSON.stringify({ loadMs, activateMs }));
  return api;
};
exports.deactivate = () => real.deactivate?.();
