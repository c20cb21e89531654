// The call control gadget (dist/call-control, as uploaded to Finesse's /3rdpartygadget/files/)
// in our desktop against the simulator, driven the way an agent drives it: by accessible name,
// with the mouse and the keyboard. Calls are injected through the simulator's admin endpoint,
// and every outcome is checked against the simulator's own state, not only against the screen.
// A quiet copy of the demo scenario (no random callers) keeps the agent's calls the test's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basic, until, watchErrors } from './lib.mjs';
import { AGENT, desktopEnv, card, callStatus, chooseReason, shot } from './call-control-agent.mjs';

let env;
let sim;
let browser;
let admin;
let simDialogs;
let simState;
let signIn;
let expectState;
let ready;
let injectCall;

before(async () => {
  // Wrap-up with a required reason; a short wrap-up timer, so a pending state takes effect
  // soon after the call ends.
  env = await desktopEnv({ agent: { wrap_up_on_incoming: '"REQUIRED_WITH_WRAP_UP_DATA"', wrap_up_timer_s: '3' } });
  ({ sim, browser, admin, injectCall, simDialogs, simState, signIn, expectState, ready } = env);
});

after(() => env?.stop());

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
