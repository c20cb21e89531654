// The team performance gadget (dist/team-performance) in our desktop against the simulator,
// signed in as the demo's Sales supervisor (1001010), who here supervises both teams. The
// simulated agents act by themselves (the demo's callers, breaks and wrap-up, a little busier);
// every check reads the simulator's own state at the moment of comparison (its admin endpoints
// and its REST API), never a snapshot: the roster state by state for 60 s, the team node's
// subscription on the simulator when switching teams and when the gadget's document goes,
// forced Not Ready and Sign Out, and silent monitor, barge in and drop participant as they show
// in the supervisor's and the agent's call control. Screenshots in tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, ROOT, axeViolations, basic, launch, startSim, until, watchErrors } from './lib.mjs';
import { scenario } from './scenario.mjs';
import { AGENT, FRENCH_SIGN_IN, agentHelpers, callControlFrame, card, callStatus, expectFrenchDesktop } from './call-control-agent.mjs';

const SUPERVISOR = { id: '1001010', password: 'pass1001010', extension: '1001010' };
const SPEC = 'team-performance.xml';
const XSS = '<img src=x onerror=window.__xss=1>';
const TEAMS = { 1: ['1001001', '1001002', '1001003', '1001004', '1001005', '1001006', '1001010'],
  2: ['1002001', '1002002', '1002003', '1002004', '1002005', '1002010'] };

let sim;
let browser;

before(async () => {
  const file = await scenario({
    quiet: false,
    agents: [
      { id: SUPERVISOR.id, set: { supervises: '["1", "2"]' } },
      // The API-driven agent gets only the calls a test injects (its queue has no callers).
      { id: AGENT.id, set: { queues: '["5001"]' } },
      // Markup in a name from the server is shown as text, never run.
      { id: '1002005', set: { first_name: `"${XSS}"` } },
    ],
    replace: [
      ['dnis = "8001"\ncalls_per_minute = 2.1', 'dnis = "8001"\ncalls_per_minute = 0.0'],
      // Busier than the demo: more callers, shorter calls and breaks, so states change often.
      ['talk_time_ms = [20000, 150000]', 'talk_time_ms = [5000, 20000]'],
      ['break_interval_ms = [180000, 600000]', 'break_interval_ms = [15000, 40000]'],
      ['break_duration_ms = [20000, 90000]', 'break_duration_ms = [5000, 15000]'],
      ['sign_in_delay_ms = [0, 20000]', 'sign_in_delay_ms = [0, 5000]'],
    ],
  });
  sim = await startSim({
    args: ['--scenario', file, '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

const admin = (method, pathAndQuery) => sim.adminRequest(method, pathAndQuery);

/** The simulator's truth: who is subscribed to a team's node. */
async function subscribers(team) {
  const text = await admin('GET', `/admin/subscribers?node=/finesse/api/Team/${team}/Users`);
  return text ? text.split('\n') : [];
}
const supervisorSubscribed = async (team) => (await subscribers(team)).some((j) => j.startsWith(`${SUPERVISOR.id}@`));

/** The simulator's truth: the team as `GET Team` gives it to the supervisor, by login id. */
async function simTeam(team) {
  const res = await fetch(`${sim.url}/finesse/api/Team/${team}?includeLoggedOutAgents=true`, {
    headers: { authorization: basic(SUPERVISOR.id, SUPERVISOR.password) },
  });
  assert.equal(res.status, 200);
  const xml = await res.text();
  const users = {};
  for (const [, user] of xml.matchAll(/<User>([\s\S]*?)<\/User>/g)) {
    const tag = (name) => user.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? '';
    const reason = user.match(/<reasonCode>[\s\S]*?<label>([^<]*)<\/label>/)?.[1] ?? '';
    users[tag('loginId')] = { state: tag('state'), reason, since: Date.parse(tag('stateChangeTime')), extension: tag('extension') };
  }
  return users;
}

/** The rows the gadget shows: { id, state, text, time }. */
const shownRows = (gadget) => gadget.locator('.virtual-table tbody tr:not(.spacer)').evaluateAll((trs) => trs
  .filter((tr) => tr.querySelector('td.member-name'))
  .map((tr) => ({
    id: tr.querySelector('td.member-name').dataset.agent,
    state: tr.querySelector('td.member-state').dataset.state,
    text: tr.querySelector('td.member-state').textContent,
    time: tr.querySelector('td.member-time').textContent,
  })));

/** Whether the gadget shows team `team` exactly as the simulator has it now. */
async function matches(gadget, team, { loggedOut = false } = {}) {
  const [rows, truth, states] = [await shownRows(gadget), await simTeam(team), await sim.agents()];
  const expected = TEAMS[team].filter((id) => loggedOut || states[id] !== 'LOGOUT');
  const shown = rows.map((r) => r.id).sort();
  if (JSON.stringify(shown) !== JSON.stringify([...expected].sort())) return false;
  return rows.every((r) => r.state === states[r.id] && r.state === truth[r.id].state
    && (truth[r.id].reason === '' || r.text.includes(truth[r.id].reason)));
}

/** The gadget's counts per state, from its summary above the table. */
const counts = (gadget) => gadget.getByTestId('state-counts').locator('li').evaluateAll((lis) => Object.fromEntries(
  lis.map((li) => [li.dataset.state, Number(li.querySelector('.count').textContent)])));

async function teamFrame(page) {
  const handle = await page.waitForSelector(`iframe[src*="${SPEC}"]`, { timeout: 15000 });
  const frame = await handle.contentFrame();
  await frame.locator('.virtual-table').waitFor({ timeout: 20000 });
  return frame;
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `team-performance-${name}.png`), fullPage: true });
}

const supervisor = () => agentHelpers(sim, SUPERVISOR);
const agent = () => agentHelpers(sim, AGENT);

test('the roster follows the simulator state by state for 60 s; switching teams and closing unsubscribe the node', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = watchErrors(page);
  await supervisor().signIn(page);
  const gadget = await teamFrame(page);
  await until('team 1 subscribed at the simulator', () => supervisorSubscribed(1));
  await until('the Sales roster', async () => (await shownRows(gadget)).length > 0, 30000);
  await shot(page, '1-sales');

  // 60 s of the simulated agents' activity: at every moment checked, the gadget converges to
  // the simulator's truth (bounded), and states do change meanwhile.
  const seen = new Set();
  const end = Date.now() + 60000;
  let checks = 0;
  while (Date.now() < end) {
    await until('the roster to match the simulator', () => matches(gadget, 1), 5000);
    for (const r of await shownRows(gadget)) seen.add(`${r.id}:${r.state}`);
    checks += 1;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.ok(checks >= 20, `${checks} checks`);
  assert.ok(seen.size > TEAMS[1].length, `states changed during the minute: ${[...seen].join(' ')}`);
  // Counts per state and time in state agree with the simulator too.
  await until('the counts to match', async () => {
    const [c, states] = [await counts(gadget), await sim.agents()];
    const want = {};
    for (const id of TEAMS[1]) {
      // Wrap-up, ready or not, is one count ("Wrap-Up").
      const state = states[id] === 'WORK_READY' ? 'WORK' : states[id];
      if (state !== 'LOGOUT') want[state] = (want[state] ?? 0) + 1;
    }
    return Object.entries(want).every(([s, n]) => c[s] === n);
  }, 5000);
  await until('a time in state on the server clock', async () => {
    const [rows, truth] = [await shownRows(gadget), await simTeam(1)];
    return rows.some((r) => {
      const [m, s] = r.time.split(':').map(Number);
      const shown = (m * 60 + s) * 1000;
      return Number.isFinite(truth[r.id].since) && Math.abs(shown - (Date.now() - truth[r.id].since)) < 2500;
    });
  }, 5000);
  await shot(page, '2-after-a-minute');

  // Sort by state, filter by name.
  await gadget.getByRole('button', { name: 'State', exact: true }).click();
  assert.equal(await gadget.locator('th[aria-sort]').getAttribute('data-key'), 'state');
  await gadget.getByRole('searchbox').fill('Dana');
  await until('the filter', async () => {
    const rows = await shownRows(gadget);
    return rows.length === 1 && rows[0].id === '1001002';
  }, 5000);
  await gadget.getByRole('searchbox').fill('');

  // Another team: team 1's node is unsubscribed at the simulator, team 2's subscribed.
  await gadget.getByRole('combobox', { name: 'Team' }).selectOption({ label: 'Support' });
  await until('team 2 subscribed', () => supervisorSubscribed(2));
  await until('team 1 unsubscribed', async () => !(await supervisorSubscribed(1)));
  await until('the Support roster to match the simulator', () => matches(gadget, 2), 20000);
  // Signed-out agents on request.
  await gadget.getByRole('checkbox', { name: 'Show signed-out agents' }).check();
  await until('every member listed', () => matches(gadget, 2, { loggedOut: true }), 20000);
  const marked = await gadget.locator('td.member-name[data-agent="1002005"]').textContent();
  assert.ok(marked.includes(XSS), marked);
  assert.equal(await gadget.locator('.virtual-table img').count(), 0);
  assert.equal(await gadget.evaluate(() => window.__xss), undefined);
  await shot(page, '3-support');

  // The gadget's document goes (its frame navigates away): its node is unsubscribed.
  await gadget.evaluate(() => { location.assign(`${location.origin}/finesse/api/SystemInfo`); });
  await until('team 2 unsubscribed after the gadget closed', async () => !(await supervisorSubscribed(2)));
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('force Not Ready and Sign Out take effect', async () => {
  // The API-driven agent signs in and goes Ready by REST (another client of the agent).
  const a = agent();
  assert.equal((await a.rest('PUT', `User/${AGENT.id}`, `<User><state>LOGIN</state><extension>${AGENT.extension}</extension></User>`)).status, 202);
  await until('the agent signed in', async () => (await a.simState()) === 'NOT_READY');
  await a.rest('PUT', `User/${AGENT.id}`, '<User><state>READY</state></User>');
  await until('the agent Ready', async () => (await a.simState()) === 'READY');

  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = watchErrors(page);
  await supervisor().signIn(page);
  const gadget = await teamFrame(page);
  const row = gadget.locator(`td.member-name[data-agent="${AGENT.id}"] button`);
  await row.waitFor({ timeout: 20000 });
  await row.click();
  const actions = gadget.getByRole('toolbar', { name: 'Supervisor Actions' });
  // Ready is not offered to a Ready agent; Not Ready and Sign Out are.
  assert.equal(await actions.getByRole('button', { name: 'Ready', exact: true }).isDisabled(), true);
  await actions.getByRole('button', { name: 'Not Ready', exact: true }).click();
  await until('Not Ready at the simulator', async () => (await a.simState()) === 'NOT_READY');
  await until('the gadget to show it', async () => (await shownRows(gadget)).some((r) => r.id === AGENT.id && r.state === 'NOT_READY' && r.text.includes('Supervisor Initiated')));
  await shot(page, '4-forced-not-ready');
  await actions.getByRole('button', { name: 'Ready', exact: true }).click();
  await until('Ready at the simulator', async () => (await a.simState()) === 'READY');
  await actions.getByRole('button', { name: 'Sign Out', exact: true }).click();
  await until('signed out at the simulator', async () => (await a.simState()) === 'LOGOUT');
  await until('the row gone (signed-out agents hidden)', async () => !(await shownRows(gadget)).some((r) => r.id === AGENT.id));
  await shot(page, '5-signed-out');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('silent monitor, barge in and drop participant, in the supervisor\'s and the agent\'s call control', async () => {
  // The agent on our desktop, Ready, with a call answered.
  const agentContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const agentPage = await agentContext.newPage();
  const agentErrors = watchErrors(agentPage);
  const a = agent();
  const agentGadget = await a.signIn(agentPage);
  await a.ready(agentGadget);
  const dialog = await a.injectCall({ callVariable1: 'Monitored caller' });
  await card(agentGadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(agentGadget, dialog, 'Active');

  // The supervisor (Not Ready after sign-in) monitors the agent from the team gadget.
  const supContext = await browser.newContext({ viewport: { width: 1280, height: 1300 } });
  const page = await supContext.newPage();
  const errors = watchErrors(page);
  const s = supervisor();
  await s.signIn(page);
  await until('the supervisor Not Ready', async () => (await s.simState()) === 'NOT_READY');
  const gadget = await teamFrame(page);
  await until('the agent shown Talking', async () => (await shownRows(gadget)).some((r) => r.id === AGENT.id && r.state === 'TALKING'), 20000);
  await gadget.locator(`td.member-name[data-agent="${AGENT.id}"] button`).click();
  const actions = gadget.getByRole('toolbar', { name: 'Supervisor Actions' });
  await actions.getByRole('button', { name: 'Start Monitoring' }).click();
  const monitor = await until('the monitor call at the simulator', async () => (await s.simDialogs()).find((d) => d.type === 'SUPERVISOR_MONITOR' && d.state === 'ACTIVE'));
  // The monitor call in the supervisor's call control, with its own controls; and at the agent.
  const supCalls = await callControlFrame(page);
  await card(supCalls, monitor.id).getByRole('button', { name: 'Barge In' }).waitFor({ timeout: 15000 });
  await card(supCalls, monitor.id).getByRole('button', { name: 'End', exact: true }).waitFor();
  await card(gadget, monitor.id).getByRole('button', { name: 'Barge In' }).waitFor({ timeout: 15000 });
  await card(agentGadget, monitor.id).waitFor({ timeout: 15000 });
  assert.equal(await actions.getByRole('button', { name: 'Start Monitoring' }).isDisabled(), true, 'not twice');
  await shot(page, '6-monitoring');

  // Barge in from the supervisor's call control: a conference of caller, agent and supervisor.
  await card(supCalls, monitor.id).getByRole('button', { name: 'Barge In' }).click();
  await until('the supervisor in the original call', async () => (await s.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));
  await until('the monitor call gone', async () => !(await s.simDialogs()).some((d) => d.id === monitor.id));
  await card(supCalls, dialog).getByRole('button', { name: `Drop ${AGENT.extension}` }).waitFor({ timeout: 15000 });
  await until('the agent\'s card to list the supervisor', async () => (await card(agentGadget, dialog).textContent()).includes(SUPERVISOR.extension), 15000);
  await shot(page, '7-barged');
  await agentPage.screenshot({ path: path.join(ARTIFACTS, 'team-performance-7-agent-barged.png'), fullPage: true });

  // Drop the agent from the conference (from the team gadget's card); the caller and the
  // supervisor stay; then the supervisor ends the call.
  await card(gadget, dialog).getByRole('button', { name: `Drop ${AGENT.extension}` }).click();
  await until('the agent dropped at the simulator', async () => !(await a.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));
  await until('the agent\'s call control without the call', async () => (await card(agentGadget, dialog).getByRole('button', { name: 'End', exact: true }).count()) === 0, 15000);
  assert.ok((await s.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'), 'the supervisor still talks to the caller');
  await shot(page, '8-dropped');
  await card(supCalls, dialog).getByRole('button', { name: 'End', exact: true }).click();
  await until('the supervisor off the call', async () => !(await s.simDialogs()).some((d) => d.state === 'ACTIVE'));
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  assert.deepEqual(agentErrors.filter((e) => !e.includes('favicon')), []);
  await supContext.close();
  await agentContext.close();
});

test('standalone (no container): signed in on its own page, the roster is read again and follows the simulator', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${sim.url}/team-performance/?user=${SUPERVISOR.id}`);
  await page.getByLabel('Password').fill(SUPERVISOR.password);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.locator('.virtual-table').waitFor({ timeout: 20000 });
  // No notifications standalone: the team is polled; it converges to the simulator's truth.
  await until('the standalone roster to match the simulator', () => matches(page.mainFrame(), 1), 20000);
  await shot(page, '9-standalone');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('in French (the desktop\'s ?locale=fr_FR), with no serious or critical axe-core violation', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const errors = watchErrors(page);
  await supervisor().signIn(page, { query: '?locale=fr_FR', signInLabels: FRENCH_SIGN_IN });
  // The desktop's own texts in French: header, Sign Out, the supervisor's tabs.
  await expectFrenchDesktop(page, ['Accueil', 'Mon historique']);
  const gadget = await teamFrame(page);
  await until('the roster', async () => (await shownRows(gadget)).length > 0, 30000);
  assert.equal(await gadget.locator('html').getAttribute('lang'), 'fr-FR');
  for (const text of ['Membres de l’équipe', 'Afficher les agents déconnectés']) {
    await gadget.getByText(text, { exact: true }).first().waitFor({ timeout: 10000 });
  }
  // A member chosen: the supervisor's actions, by their French names.
  await gadget.locator('.virtual-table tbody button.member-select').first().click();
  await gadget.getByRole('toolbar').getByRole('button', { name: 'Démarrer l’écoute' }).waitFor();
  await shot(page, '9-french');
  assert.deepEqual(await axeViolations(gadget), []);
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});
