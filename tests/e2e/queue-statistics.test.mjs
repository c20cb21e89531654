// The queue statistics gadget (dist/queue-statistics, as uploaded to Finesse's
// /3rdpartygadget/files/) in our desktop against the simulator under the demo scenario's call
// load: after 60 s every displayed row equals the simulator's own statistics (its REST Queue
// resources, read at the moment of comparison), a queue assigned to the agent while running
// appears without a reload, thresholds colour the row and are announced, columns sort, and on
// Unified CCX the gadget says the Queue API is not supported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, ARTIFACTS, axeViolations, launch, startSim, basic, until, watchErrors } from './lib.mjs';
import { scenario } from './scenario.mjs';
import { AGENT, FRENCH_SIGN_IN, agentHelpers } from './call-control-agent.mjs';

const SPEC = 'queue-statistics.xml';
const COLUMNS = [
  'name', 'callsInQueue', 'startTimeOfLongestCallInQueue', 'agentsReady', 'agentsNotReady',
  'agentsTalkingInbound', 'agentsTalkingOutbound', 'agentsTalkingInternal', 'agentsWrapUpReady',
  'agentsWrapUpNotReady',
];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The demo scenario with its call load, plus an "Overflow" queue nobody serves yet. */
async function demoWithOverflow(replace = []) {
  return scenario({
    quiet: false,
    replace: [
      ['[[queue]]\nid = "5003"', '[[queue]]\nid = "5004"\nname = "Overflow"\ndnis = "8004"\ncalls_per_minute = 0.0\n\n[[queue]]\nid = "5003"'],
      // Callers wait long enough for a threshold on the oldest call to be reached.
      ['patience_ms = [15000, 90000]', 'patience_ms = [120000, 180000]'],
      ...replace,
    ],
  });
}

async function gadgetFrame(page) {
  const handle = await page.waitForSelector(`iframe[src*="${SPEC}"]`, { timeout: 15000 });
  return handle.contentFrame();
}

/** The rows the gadget shows: { name, cells } with the cells in COLUMNS order. */
async function shownRows(gadget) {
  return gadget.locator('table.data-table tbody tr').evaluateAll((trs) => trs
    .map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 10).map((td) => td.textContent.trim()))
    .filter((cells) => cells.length === 10)
    .map((cells) => ({ name: cells[0], cells })));
}

/** What a row should read, from the simulator's own Queue XML, at local time `now`. */
function expectedCells(xml, now) {
  const value = (tag) => {
    const m = xml.match(new RegExp(`<${tag}>([^<]*)</${tag}>`));
    return m ? m[1] : '';
  };
  return COLUMNS.map((tag) => {
    const v = value(tag);
    if (tag === 'name') return v;
    if (tag === 'startTimeOfLongestCallInQueue') {
      const at = Date.parse(v);
      return Number.isNaN(at) ? 'N/A' : { since: at, now };
    }
    return v === '' || Number(v) < 0 ? 'N/A' : String(Number(v));
  });
}

/** `m:ss` / `h:mm:ss` to seconds. */
const seconds = (text) => text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);

/** Whether a shown row equals the simulator's (the longest call within 2 s of the truth). */
function rowMatches(shown, expected) {
  return expected.every((e, i) => {
    if (typeof e === 'string') return shown[i] === e;
    if (!/^\d+(:\d\d){1,2}$/.test(shown[i])) return false;
    return Math.abs(seconds(shown[i]) - (e.now - e.since) / 1000) <= 2;
  });
}

async function simQueue(sim, id) {
  const res = await fetch(`${sim.url}/finesse/api/Queue/${id}`, { headers: { authorization: basic(AGENT.id, AGENT.password) } });
  assert.equal(res.status, 200);
  return res.text();
}

async function simUserQueueIds(sim) {
  const res = await fetch(`${sim.url}/finesse/api/User/${AGENT.id}/Queues`, { headers: { authorization: basic(AGENT.id, AGENT.password) } });
  const xml = await res.text();
  return [...xml.matchAll(/<uri>\/finesse\/api\/Queue\/([^<]+)<\/uri>/g)].map((m) => m[1]);
}

/** Polls until every queue of the agent is shown exactly as the simulator has it now. */
async function expectSimulatorStatistics(sim, gadget, timeout = 30000) {
  let last = '';
  await until('every row to equal the simulator\'s statistics', async () => {
    const ids = await simUserQueueIds(sim);
    const shown = await shownRows(gadget);
    const now = Date.now();
    const expected = await Promise.all(ids.map(async (id) => expectedCells(await simQueue(sim, id), now)));
    last = JSON.stringify({ shown, expected });
    if (shown.length !== expected.length) return false;
    return expected.every((e) => shown.some((s) => s.name === e[0] && rowMatches(s.cells, e)));
  }, timeout).catch((e) => { throw new Error(`${e.message}\nlast: ${last}`); });
}

test('queue statistics under call load: equal to the simulator, a queue added live, thresholds, sorting', { timeout: 240000 }, async () => {
  const sim = await startSim({
    args: ['--scenario', await demoWithOverflow(), '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`],
  });
  try {
    const { signIn, admin } = agentHelpers(sim);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = watchErrors(page);
    await signIn(page);
    const started = Date.now();
    let gadget = await gadgetFrame(page);
    const table = gadget.getByRole('table', { name: 'Queue Statistics' });
    await table.waitFor({ timeout: 20000 });
    const headers = await table.getByRole('columnheader').allTextContents();
    assert.deepEqual(headers.map((h) => h.replace(/[▲▼]/g, '').trim()), [
      'Queue', 'Calls in queue', 'Longest call in queue', 'Ready', 'Not Ready', 'Talking inbound',
      'Talking outbound', 'Talking internal', 'Wrap-Up Ready', 'Wrap-Up Not Ready', 'Last 30 minutes',
    ]);
    await until('the agent\'s two queues', async () => (await shownRows(gadget)).map((r) => r.name).join() === 'Billing,Sales');

    // The demo's callers keep arriving: after 60 s of load, every row equals the simulator.
    const before = (await simQueue(sim, '5001')) + (await simQueue(sim, '5003'));
    await until('60 s of call load', async () => Date.now() - started >= 60000, 75000);
    await expectSimulatorStatistics(sim, gadget);
    assert.notEqual((await simQueue(sim, '5001')) + (await simQueue(sim, '5003')), before, 'the statistics moved under load');
    // The totals row sums the rows (N/A counts nothing), read in the same render.
    const { rows, totals } = await gadget.locator('table.data-table').evaluate((t) => ({
      rows: Array.from(t.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())),
      totals: Array.from(t.querySelectorAll('tfoot tr > *')).map((c) => c.textContent.trim()),
    }));
    assert.equal(totals[0], 'Totals');
    for (const i of [1, 3, 4, 5, 6, 7, 8, 9]) {
      const values = rows.map((r) => r[i]).filter((v) => v !== 'N/A').map(Number);
      assert.equal(totals[i], values.length ? String(values.reduce((a, b) => a + b, 0)) : 'N/A', `totals of column ${i}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-statistics-1-load.png'), fullPage: true });

    // Sorting: by calls in queue, then descending; the header says which.
    const callsHeader = table.getByRole('columnheader', { name: /Calls in queue/ });
    await callsHeader.getByRole('button').click();
    await until('ascending by calls', async () => (await callsHeader.getAttribute('aria-sort')) === 'ascending');
    await callsHeader.getByRole('button').press('Enter');
    await until('descending by calls', async () => (await callsHeader.getAttribute('aria-sort')) === 'descending');
    await until('rows in descending order of calls, N/A last', async () => {
      const calls = (await shownRows(gadget)).map((r) => r.cells[1]);
      const known = calls.filter((c) => c !== 'N/A');
      return calls.slice(0, known.length).every((c) => c !== 'N/A')
        && known.map(Number).every((n, i, a) => i === 0 || a[i - 1] >= n);
    });
    await table.getByRole('columnheader', { name: /^Queue/ }).getByRole('button').click();

    // A queue assigned to the agent while running appears without a reload.
    await admin('POST', `/admin/queues?user=${AGENT.id}&queue=5004&assigned=true`);
    await until('the Overflow queue to appear', async () => (await shownRows(gadget)).some((r) => r.name === 'Overflow'));
    await expectSimulatorStatistics(sim, gadget);

    // Thresholds for Overflow: 2 calls waiting, 5 s for the oldest call.
    await gadget.getByText('Thresholds', { exact: true }).click();
    // Not a limit: refused with a sentence, nothing saved.
    await gadget.getByLabel('Overflow: calls waiting threshold').fill('0');
    await gadget.getByRole('button', { name: 'Save thresholds' }).click();
    await gadget.getByText('A threshold must be a whole number from 1 to 86400.').waitFor({ timeout: 5000 });
    await gadget.getByLabel('Overflow: calls waiting threshold').fill('2');
    await gadget.getByLabel('Overflow: oldest call threshold (seconds)').fill('5');
    // What was typed survives re-renders (the timer tick, a new sort order) until it is saved.
    await table.getByRole('columnheader', { name: /Calls in queue/ }).getByRole('button').click();
    await until('sorted by calls', async () => (await table.getByRole('columnheader', { name: /Calls in queue/ }).getAttribute('aria-sort')) === 'ascending');
    assert.equal(await gadget.getByLabel('Overflow: calls waiting threshold').inputValue(), '2');
    assert.equal(await gadget.getByLabel('Overflow: oldest call threshold (seconds)').inputValue(), '5');
    await gadget.getByRole('button', { name: 'Save thresholds' }).click();
    await gadget.getByText('Thresholds saved.').waitFor({ timeout: 5000 });
    await gadget.getByText('Thresholds', { exact: true }).click(); // closes the form
    const overflowRow = gadget.locator('table.data-table tbody tr', { hasText: 'Overflow' });
    assert.equal(await overflowRow.getAttribute('class'), null, 'no call waits yet');
    // Callers into Overflow: the agent is Not Ready, so they wait. One first (under the
    // calls threshold), then a second one (at it), each shown from its queue notification.
    const alerts = gadget.getByRole('status', { name: 'Threshold alerts' });
    const overflowCalls = async () => (await shownRows(gadget)).find((r) => r.name === 'Overflow')?.cells[1];
    await admin('POST', '/admin/calls?queue=5004');
    await until('one call waiting in Overflow', async () => (await overflowCalls()) === '1', 30000);
    assert.ok(!(await alerts.textContent()).includes('calls waiting'), 'one call is under the threshold of 2');
    await admin('POST', '/admin/calls?queue=5004');
    await until('the calls-waiting alert', async () => (await alerts.textContent()).includes('Overflow: 2 calls waiting, at or above the threshold of 2.'), 30000)
      .catch(async (e) => { throw new Error(`${e.message}: alerts ${await alerts.textContent()}; rows ${JSON.stringify(await shownRows(gadget))}; sim ${await simQueue(sim, '5004')}`); });
    await until('the oldest-call alert', async () => /Overflow: the oldest call has waited \d+:\d\d, at or above the threshold of 0:05\./.test(await alerts.textContent()), 30000);
    assert.equal(await overflowRow.getAttribute('class'), 'over-threshold');
    const colour = await overflowRow.locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
    assert.equal(colour, 'rgb(253, 236, 234)', 'the row is coloured');
    await expectSimulatorStatistics(sim, gadget);
    await gadget.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-statistics-2-thresholds.png'), fullPage: true });
    // The sparkline has drawn the waiting calls.
    const spark = overflowRow.getByRole('img');
    assert.match(await spark.getAttribute('aria-label'), /^Calls waiting, last 30 minutes: lowest [01], highest 2, now 2$/);
    const points = (await spark.locator('polyline').getAttribute('points')).split(' ');
    assert.ok(points.length >= 2, `${points}`);

    // The thresholds were saved in the gadget's preferences: after signing in again (same
    // browser profile), they still apply.
    await signIn(page);
    const again = await gadgetFrame(page);
    const againRow = again.locator('table.data-table tbody tr', { hasText: 'Overflow' });
    await until('Overflow coloured again from the saved thresholds', async () => (await againRow.count()) === 1
      && (await againRow.getAttribute('class')) === 'over-threshold');
    await again.getByText('Thresholds', { exact: true }).click();
    assert.equal(await again.getByLabel('Overflow: calls waiting threshold').inputValue(), '2');
    assert.equal(await again.getByLabel('Overflow: oldest call threshold (seconds)').inputValue(), '5');
    // The table, a coloured row, the alerts and the open form: nothing serious for axe-core.
    assert.deepEqual(await axeViolations(again), []);
    gadget = again;

    // Taken away again: the row goes.
    await admin('POST', `/admin/queues?user=${AGENT.id}&queue=5004&assigned=false`);
    await until('the Overflow queue to go', async () => !(await shownRows(gadget)).some((r) => r.name === 'Overflow'));
    assert.deepEqual(errors, []);
  } finally {
    await sim.stop();
  }
});

const XSS = '<img src=x onerror=top.__qx=1>Billing';

test('in French: headings, not available and totals through finesse-ui i18n; a queue name is text', { timeout: 60000 }, async () => {
  const billing = ['[[queue]]\nid = "5003"\nname = "Billing"', `[[queue]]\nid = "5003"\nname = "${XSS}"`];
  const sim = await startSim({
    args: ['--scenario', await demoWithOverflow([billing]), '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`],
  });
  try {
    const { signIn, admin } = agentHelpers(sim);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, { query: '?locale=fr_FR', signInLabels: FRENCH_SIGN_IN });
    const gadget = await gadgetFrame(page);
    const table = gadget.getByRole('table', { name: 'Statistiques des files d’attente' });
    await table.waitFor({ timeout: 20000 });
    assert.equal(await gadget.locator('main').getAttribute('lang'), 'fr');
    const headers = (await table.getByRole('columnheader').allTextContents()).map((h) => h.replace(/[▲▼]/g, '').trim());
    assert.deepEqual(headers.slice(0, 4), ['File d’attente', 'Appels en file', 'Appel le plus long en file', 'Prêt']);
    // Overflow, assigned now, has no waiting call: its longest call is not available (N/D).
    await admin('POST', `/admin/queues?user=${AGENT.id}&queue=5004&assigned=true`);
    await until('Overflow with N/D', async () => (await shownRows(gadget)).some((r) => r.name === 'Overflow' && r.cells[2] === 'N/D'));
    assert.equal(await gadget.locator('table.data-table tfoot th').textContent(), 'Totaux');
    assert.ok(await gadget.getByText('Seuils', { exact: true }).isVisible());
    // The queue's name from the server is shown as text, never run as markup.
    assert.ok((await shownRows(gadget)).some((r) => r.name === XSS));
    assert.equal(await gadget.locator('main img').count(), 0);
    assert.equal(await page.evaluate(() => window.__qx), undefined);
    assert.deepEqual(errors, []);
  } finally {
    await sim.stop();
  }
});

test('on Unified CCX the gadget says the Queue API is not supported', { timeout: 60000 }, async () => {
  const sim = await startSim({
    args: [
      '--scenario', path.join(ROOT, 'crates/finesse-sim/scenarios/uccx.toml'),
      '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`,
    ],
  });
  try {
    const res = await fetch(`${sim.url}/finesse/api/User/${AGENT.id}/Queues`, { headers: { authorization: basic(AGENT.id, AGENT.password) } });
    assert.equal(res.status, 501, 'the simulator answers as Unified CCX does');
    const { signIn } = agentHelpers(sim);
    const page = await browser.newPage();
    await signIn(page);
    const gadget = await gadgetFrame(page);
    const banner = gadget.getByTestId('gadget-banner');
    await until('the not-supported message', async () => (await banner.count()) > 0
      && (await banner.textContent()).includes('Queue statistics are not available on Unified CCX'));
    assert.equal(await gadget.getByRole('table').count(), 0, 'no empty table');
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue-statistics-3-uccx.png'), fullPage: true });
  } finally {
    await sim.stop();
  }
});

test('standalone (no container): its own sign-in, then the queues polled from the simulator', { timeout: 90000 }, async () => {
  const sim = await startSim();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 700 } });
    const errors = watchErrors(page);
    await page.goto(`${sim.url}/queue-statistics/?user=${AGENT.id}`);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByRole('table', { name: 'Queue Statistics' }).waitFor({ timeout: 20000 });
    await expectSimulatorStatistics(sim, page.mainFrame());
    assert.ok(!page.url().includes(AGENT.password), 'no password in the URL');
    assert.deepEqual(errors, []);
  } finally {
    await sim.stop();
  }
});
