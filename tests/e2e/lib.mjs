// Shared helpers for the end-to-end tests: a static file server with extra routes on a free
// loopback port, and Debian's Chromium driven by playwright-core (never a downloaded browser).
import http from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(ROOT, 'tests/artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.xml': 'application/xml',
};

/**
 * Serves `dir` and the given routes on 127.0.0.1 (port 0: a free one). A route is
 * `{ status, body, type }` or a function `(req, url) => ({ status, body, type })`.
 */
export async function serve(dir, routes = {}, port = 0) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const found = routes[url.pathname];
    const route = typeof found === 'function' ? found(req, url) : found;
    if (route) {
      res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/xml' });
      res.end(route.body ?? '');
      return;
    }
    const rel = decodeURIComponent(url.pathname) + (url.pathname.endsWith('/') ? 'index.html' : '');
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = server.address().port;
  return { url: `http://127.0.0.1:${bound}`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launch() {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic',
    ],
  });
}

/** Collects console errors and page errors, so a test can assert there were none. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/**
 * Starts the simulator binary (built by scripts/test.sh) on a free port, serving `dist/` as
 * static files, and resolves once it printed its URL (bounded wait). `stop()` ends it.
 */
export async function startSim({ args = [], adminToken = 'e2e-admin-token' } = {}) {
  const { spawn } = await import('node:child_process');
  const bin = process.env.FINESSE_SIM_BIN ?? path.join(ROOT, 'target/debug/finesse-sim');
  const child = spawn(bin, ['--port', '0', '--static', `/=${path.join(ROOT, 'dist')}`, ...args], {
    env: { ...process.env, FINESSE_SIM_ADMIN_TOKEN: adminToken, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not start within 30 s')), 30000);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the simulator exited (${code})`)); });
  });
  // An admin endpoint (with the token); the answer's text, trimmed; throws on an error status.
  const adminRequest = async (method, pathAndQuery, body) => {
    const res = await fetch(`${url}${pathAndQuery}`, { method, headers: { authorization: `Bearer ${adminToken}` }, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${pathAndQuery}: ${res.status} ${text}`);
    return text.trim();
  };
  const admin = (query) => adminRequest('POST', `/admin/faults?${query}`);
  const agents = async () => Object.fromEntries((await adminRequest('GET', '/admin/agents')).split('\n').map((l) => l.split(' ')));
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { url, admin, adminRequest, agents, stop };
}

/**
 * axe-core (npm) over a gadget's document (a Playwright frame): its serious and critical
 * violations as `{ id, help, targets }`.
 */
export async function axeViolations(frame) {
  if (!(await frame.evaluate(() => typeof window.axe === 'object'))) {
    const { createRequire } = await import('node:module');
    await frame.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  }
  return frame.evaluate(async () => (await window.axe.run(document)).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })));
}

/** Polls `fn` until it returns a truthy value (bounded), returning that value. */
export async function until(what, fn, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `Basic` credentials for fetch calls from a test. */
export const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
