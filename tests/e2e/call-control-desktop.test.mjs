// The call control gadget (dist/call-control, as uploaded to Finesse's /3rdpartygadget/files/)
// in our desktop against the simulator, driven the way an agent drives it: by accessible name,
// with the mouse and the keyboard. Calls are injected through the simulator's admin endpoint,
// and every outcome is checked against the simulator's own state, not only against the screen.
// A quiet copy of the demo scenario (no random callers) keeps the agent's calls the test's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, ROOT, launch, startSim, basic, until, watchErrors } from './lib.mjs';
import { scenario } from './scenario.mjs';

const AGENT = { id: '1001001', password: 'pass1001001', extension: '1001001' };

let sim;
let browser;

before(async () => {
  const file = await scenario({
    // Wrap-up with a required reason; a short wrap-up timer, so a pending state takes effect
    // soon after the call ends.
    agents: [{ id: AGENT.id, set: { wrap_up_on_incoming: '"REQUIRED_WITH_WRAP_UP_DATA"', wrap_up_timer_s: '3' } }],
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

const admin = (method, pathAndQuery, body) => sim.adminRequest(method, pathAndQuery, body);

/** A caller in `queue`, offered to the agent (who must be Ready); the dialog id. */
const injectCall = (variables = {}, queue = '5001', agent = AGENT.id) => admin(
  'POST',
  `/admin/calls?queue=${queue}&agent=${agent}`,
  Object.entries(variables).map(([k, v]) => `${k}=${v}`).join('\n'),
);

/** The simulator's truth: the agent's dialogs as `{ id, type, state }`. */
async function simDialogs(user = AGENT.id) {
  const text = await admin('GET', `/admin/dialogs?user=${user}`);
  return text ? text.split('\n').map((l) => { const [id, type, state] = l.split(' '); return { id, type, state }; }) : [];
}

async function simState(user = AGENT.id) {
  return (await sim.agents())[user];
}

/** Signs in to our desktop with the default layout; the call control gadget's frame. */
async function signIn(page) {
  await page.goto(`${sim.url}/desktop/`);
  await page.getByLabel('ID').fill(AGENT.id);
  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByLabel('Extension').fill(AGENT.extension);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 15000 });
  const handle = await page.waitForSelector('iframe[name^="finesse_gadget_0"]', { timeout: 15000 });
  const gadget = await handle.contentFrame();
  await gadget.getByTestId('agent-state').waitFor({ timeout: 20000 });
  return gadget;
}

const stateText = (gadget) => gadget.getByTestId('agent-state').textContent();

async function expectState(gadget, label, simValue) {
  await until(`the gadget to show ${label}`, async () => (await stateText(gadget)).startsWith(label));
  if (simValue) await until(`the simulator to say ${simValue}`, async () => (await simState()) === simValue);
}

/** The card of the call with `dialog` id. */
const card = (gadget, dialog) => gadget.locator(`[data-dialog-id="${dialog}"]`);

async function callStatus(gadget, dialog, status) {
  await until(`call ${dialog} to be ${status}`,
    async () => (await card(gadget, dialog).getByTestId('call-status').textContent().catch(() => '')) === status);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `call-control-${name}.png`), fullPage: true });
}

async function ready(gadget) {
  await gadget.getByRole('button', { name: 'Ready', exact: true }).click();
  await expectState(gadget, 'Ready', 'READY');
}

/** Picks a reason from the Not Ready (or Sign Out) menu with the keyboard. */
async function chooseReason(gadget, group, reason) {
  const button = gadget.getByRole('button', { name: group, exact: true });
  await button.focus();
  await button.press('Enter');
  const item = gadget.getByRole('menuitem', { name: reason, exact: true });
  await item.waitFor();
  await item.focus();
  await item.press('Enter');
}

test('an inbound call: answer, hold, retrieve, consult another agent, transfer', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const gadget = await signIn(page);
  await expectState(gadget, 'Not Ready', 'NOT_READY');
  await ready(gadget);
  await shot(page, '1-ready');

  const dialog = await injectCall({ callVariable1: 'Order 4711' });
  const answer = card(gadget, dialog).getByRole('button', { name: 'Answer' });
  await answer.waitFor({ timeout: 20000 });
  assert.match(await card(gadget, dialog).textContent(), /Order 4711/);
  await shot(page, '2-ringing');
  await answer.click();
  await callStatus(gadget, dialog, 'Active');
  await until('the simulator to see the call answered', async () => (await simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));

  await card(gadget, dialog).getByRole('button', { name: 'Hold' }).click();
  await callStatus(gadget, dialog, 'Hold');
  await until('the simulator to hold the call', async () => (await simDialogs()).some((d) => d.id === dialog && d.state === 'HELD'));
  await shot(page, '3-held');
  await card(gadget, dialog).getByRole('button', { name: 'Retrieve' }).click();
  await callStatus(gadget, dialog, 'Active');

  // Consult agent 1001002 (simulated: signed in within 20 s of the start, answers by itself
  // after 1.5-6 s), then transfer.
  await until('agent 1001002 to sign in', async () => ['READY', 'NOT_READY'].includes(await simState('1001002')), 40000);
  await card(gadget, dialog).getByRole('button', { name: 'Consult', exact: true }).click();
  const form = gadget.getByRole('form', { name: 'Consult' });
  await form.getByLabel('Number').fill('1001002');
  await form.getByLabel('Number').press('Enter');
  await callStatus(gadget, dialog, 'Hold');
  const consult = await until('the consult call', async () => (await simDialogs()).find((d) => d.id !== dialog));
  await callStatus(gadget, consult.id, 'Active');
  await shot(page, '4-consult');
  await card(gadget, dialog).getByRole('button', { name: 'Transfer' }).click();
  await until('both calls to leave the agent', async () => (await simDialogs()).every((d) => d.state !== 'ACTIVE' && d.state !== 'HELD'));
  await until('the gadget to show no live call', async () => (await gadget.getByRole('button', { name: 'Hold' }).count()) === 0);
  await shot(page, '5-transferred');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('Not Ready with a reason by keyboard, DTMF, a wrap-up reason, a pending Not Ready', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const gadget = await signIn(page);

  // Not Ready with a reason, from the keyboard alone.
  await chooseReason(gadget, 'Not Ready', 'Lunch');
  await expectState(gadget, 'Not Ready \u2013 Lunch', 'NOT_READY');
  await shot(page, '6-not-ready-lunch');

  await ready(gadget);
  const dialog = await injectCall();
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');

  // DTMF digits from the keypad reach the simulator.
  await card(gadget, dialog).getByRole('button', { name: 'Keypad' }).click();
  for (const key of ['1', '2', '#']) {
    await card(gadget, dialog).getByRole('button', { name: key, exact: true }).click();
  }
  await until('the digits at the simulator', async () => (await admin('GET', `/admin/dialogs/${dialog}/dtmf`)) === '12#');

  // The required wrap-up reason, set during the call.
  await card(gadget, dialog).getByLabel('Wrap-Up').selectOption({ label: 'Sales Call' });
  await card(gadget, dialog).getByRole('button', { name: 'Apply' }).click();
  await until('the wrap-up reason to be taken',
    async () => (await card(gadget, dialog).getByText('A wrap-up reason is required').count()) === 0);

  // Not Ready chosen during the call is pending, and takes effect when the call ends.
  await chooseReason(gadget, 'Not Ready', 'Break');
  await until('the pending state', async () => /Not Ready/.test(await gadget.getByTestId('pending-state').textContent().catch(() => '')));
  assert.equal(await simState(), 'TALKING');
  await shot(page, '7-pending-not-ready');
  await card(gadget, dialog).getByRole('button', { name: 'End' }).click();
  await until('the call to end', async () => (await simDialogs()).every((d) => d.state !== 'ACTIVE'));
  // Wrap-up first (its timer is 3 s here), then the pending state.
  await until('Not Ready after the call and its wrap-up', async () => (await simState()) === 'NOT_READY', 30000);
  await expectState(gadget, 'Not Ready \u2013 Break');
  await shot(page, '8-not-ready-after-call');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('Make a New Call from the dial pad; an illegal state change is refused and changes nothing', async () => {
  const page = await browser.newPage();
  const gadget = await signIn(page);
  await expectState(gadget, 'Not Ready', 'NOT_READY');
  await gadget.getByRole('button', { name: 'Make a New Call' }).click();
  const form = gadget.getByRole('form', { name: 'Make a New Call' });
  for (const key of '5551000') await form.getByRole('button', { name: key, exact: true }).click();
  assert.equal(await form.getByLabel('Number').inputValue(), '5551000');
  await form.getByLabel('Number').press('Enter');
  const call = await until('the new call at the simulator', async () => (await simDialogs()).find((d) => d.type === 'OUT'));
  await card(gadget, call.id).waitFor({ timeout: 15000 });
  await shot(page, '9-make-call');
  await card(gadget, call.id).getByRole('button', { name: 'End' }).click();
  await until('the new call to end', async () => (await simDialogs()).length === 0, 30000);

  // Sign Out while Not Ready is legal; Ready from LOGOUT is not: refused with the server's
  // words and no state change. (The gadget's own menu only offers what the rules allow, so the
  // illegal request goes over REST as another client would, and the gadget shows the outcome.)
  const before = await simState();
  const res = await fetch(`${sim.url}/finesse/api/User/${AGENT.id}`, {
    method: 'PUT',
    headers: { authorization: basic(AGENT.id, AGENT.password), 'content-type': 'application/xml' },
    body: '<User><state>TALKING</state></User>',
  });
  assert.equal(res.status, 400);
  assert.equal(await simState(), before);
  await page.close();
});
