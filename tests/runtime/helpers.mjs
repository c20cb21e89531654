// Shared helpers for the runtime tests: load the two classic scripts of www/runtime in Node, and
// render gadget documents the way finesse-container does (for the browser tests).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const RUNTIME_DIR = path.join(ROOT, 'www/runtime');
export const FIXTURES = path.join(HERE, 'fixtures');

export const runtimeSource = () => readFileSync(path.join(RUNTIME_DIR, 'gadget-runtime.js'), 'utf8');
export const containerSource = () => readFileSync(path.join(RUNTIME_DIR, 'container-hub.js'), 'utf8');

/** container-hub.js run as a classic script in this realm; returns `FinesseContainerHub`. */
export function loadContainerHub() {
  new vm.Script(containerSource(), { filename: 'container-hub.js' }).runInThisContext();
  return globalThis.FinesseContainerHub;
}

/** A fake parent window that records what the gadget posts to it. */
export function fakeParent() {
  const posted = [];
  return {
    posted,
    postMessage(text, targetOrigin) { posted.push({ text, targetOrigin, msg: JSON.parse(text) }); },
  };
}

/**
 * gadget-runtime.js in a fresh `vm` context with a fake window: `href` (the document URL),
 * `name` (window.name), `parent` (fakeParent() or none), `fetch`. Returns the window (the
 * context's global), `dispatch(data, {source, origin})` to deliver a message event, and `logs`.
 */
export function loadRuntime({ href, name = '', parent = null, fetch = undefined } = {}) {
  const listeners = [];
  const logs = [];
  const record = (level) => (...args) => logs.push({ level, text: args.map(String).join(' ') });
  const win = {
    location: { href },
    name,
    console: { log: record('log'), warn: record('warn'), error: record('error') },
    setTimeout,
    clearTimeout,
    URL,
    addEventListener(type, fn) { if (type === 'message') listeners.push(fn); },
    removeEventListener() {},
  };
  if (fetch) win.fetch = fetch;
  const context = vm.createContext(win);
  win.window = context;
  context.parent = parent ?? context;
  new vm.Script(runtimeSource(), { filename: 'gadget-runtime.js' }).runInContext(context);
  const dispatch = (data, { source = context.parent, origin } = {}) => {
    for (const fn of listeners) fn({ data, source, origin });
  };
  return { win: context, dispatch, logs };
}

/** A JSON round trip: compares values built in another realm with deepStrictEqual. */
export const plain = (value) => JSON.parse(JSON.stringify(value));

/** Escapes JSON for an inline script element (no closing tags, no comment openers). */
export const inlineJson = (value) => JSON.stringify(value)
  .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The gadget document of the renderer contract: `__isgadget`, the runtime inline, the config
 * script, the gadget's own content, then runOnLoadHandlers as the last body script.
 */
export function renderGadget({ features = {}, specUrl, mid, view = 'default', lang = 'en', country = 'US',
  messages = {}, defaults = {}, body }) {
  const config = {
    'core.util': features,
    'core.io': { jsonProxyUrl: '/gadgets/makeRequest' },
    'finesse.container': { specUrl, mid: String(mid), view, lang, country },
  };
  return '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n' +
    "<script>window['__isgadget']=true;</script>\n" +
    `<script>${runtimeSource()}</script>\n` +
    `<script>gadgets.config.init(${inlineJson(config)});gadgets.Prefs.setMessages_(${inlineJson(messages)});` +
    `gadgets.Prefs.setDefaultPrefs_(${inlineJson(defaults)});</script>\n` +
    `</head><body>${body}<script>gadgets.util.runOnLoadHandlers();</script></body></html>\n`;
}
