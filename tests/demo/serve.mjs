// Serves the built call control gadget with a sample agent on one origin, for the demo,
// until the simulator (issue 3) replaces it. Usage: node tests/demo/serve.mjs [port]
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { ROOT, serve } from '../e2e/lib.mjs';

const port = Number(process.argv[2] ?? 8080);
const user = await readFile(path.join(ROOT, 'tests/demo/user-1001001.xml'), 'utf8');
const { url } = await serve(path.join(ROOT, 'dist/call-control'), {
  '/finesse/api/User/1001001': { body: user },
}, port);
console.log(`Call control gadget: ${url}/?user=1001001`);
