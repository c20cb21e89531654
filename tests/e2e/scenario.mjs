// Test scenarios derived from the simulator's demo scenario (crates/finesse-sim/scenarios/
// demo.toml), written to a temporary file for `finesse-sim --scenario`.
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.mjs';

/**
 * The demo scenario with `edits` applied: `quiet` stops random caller arrivals (so only the
 * calls a test injects reach its agent); `agent: { id, set: { key: 'toml value' } }` changes
 * keys of one agent; `replace: [[from, to], ...]` replaces text. Returns the file's path.
 */
export async function scenario({ quiet = true, agents = [], replace = [] } = {}) {
  let toml = await readFile(path.join(ROOT, 'crates/finesse-sim/scenarios/demo.toml'), 'utf8');
  if (quiet) {
    toml = toml.replace(/^calls_per_minute = .*$/gm, 'calls_per_minute = 0.0');
    toml = toml.replace(/^reservations_per_minute = .*$/gm, 'reservations_per_minute = 0.0');
  }
  for (const { id, set } of agents) {
    const start = toml.indexOf(`[[agent]]\nid = "${id}"`);
    if (start < 0) throw new Error(`no agent ${id} in the demo scenario`);
    const next = toml.indexOf('\n[[', start + 1);
    let block = toml.slice(start, next < 0 ? undefined : next);
    for (const [key, value] of Object.entries(set)) {
      const line = new RegExp(`^${key} = .*$`, 'm');
      block = line.test(block) ? block.replace(line, `${key} = ${value}`) : `${block.trimEnd()}\n${key} = ${value}\n`;
    }
    toml = toml.slice(0, start) + block + (next < 0 ? '' : toml.slice(next));
  }
  for (const [from, to] of replace) {
    if (!toml.includes(from)) throw new Error(`the demo scenario has no ${from}`);
    toml = toml.split(from).join(to);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'finesse-scenario-'));
  const file = path.join(dir, 'scenario.toml');
  await writeFile(file, toml);
  return file;
}
