// The call control gadget in our desktop when things go wrong or get complicated: a three-way
// conference, a request the server refuses, Finesse out of service (HTTP 503), and a restart of
// the notification listener. Driven as an agent drives it; every step is checked against the
// simulator's own state (admin endpoints, the REST API), never only against the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, watchErrors } from './lib.mjs';
import { AGENT, useDesktopEnv, card, callStatus, shot, stateText, toasts } from './call-control-agent.mjs';

// No wrap-up after incoming calls: each test starts from a plain state.
const h = useDesktopEnv({ agent: { wrap_up_on_incoming: '"NOT_ALLOWED"' } });

/** Back to a known start: no faults, no call, signed out (the desktop signs in again). */
async function reset() {
  await h.sim.admin('out_of_service=false&listener=running&notify_delay_ms=0');
  for (const d of await h.simDialogs()) {
    await h.rest('PUT', `Dialog/${d.id}`, `<Dialog><requestedAction>DROP</requestedAction><targetMediaAddress>${AGENT.extension}</targetMediaAddress></Dialog>`);
  }
  await until('no call left', async () => (await h.simDialogs()).length === 0);
  if ((await h.simState()) === 'READY') {
    const res = await h.rest('PUT', `User/${AGENT.id}`, '<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>');
    assert.equal(res.status, 202, await res.text());
    await until('Not Ready', async () => (await h.simState()) === 'NOT_READY');
  }
  if ((await h.simState()) !== 'LOGOUT') {
    const res = await h.rest('PUT', `User/${AGENT.id}`, '<User><state>LOGOUT</state><reasonCodeId>10</reasonCodeId></User>');
    assert.equal(res.status, 202, await res.text());
    await until('signed out', async () => (await h.simState()) === 'LOGOUT');
  }
}

/** The dialog as the REST API has it (XML). */
async function restDialog(id) {
  const res = await h.rest('GET', `Dialog/${id}`);
  assert.equal(res.status, 200);
  return res.text();
}

const participants = (xml) => [...xml.matchAll(/<Participant>[\s\S]*?<\/Participant>/g)].map((m) => ({
  address: /<mediaAddress>([^<]*)<\/mediaAddress>/.exec(m[0])?.[1],
  state: /<state>([^<]*)<\/state>/.exec(m[0])?.[1],
}));

const banner = (gadget) => gadget.getByTestId('gadget-banner');
const bannerText = (gadget) => banner(gadget).textContent({ timeout: 1000 }).catch(() => '');

test('conference: answer, consult another agent, Conference; three participants', async () => {
  await reset();
  const page = await h.browser.newPage();
  const errors = watchErrors(page);
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');
  await h.ready(gadget);

  const dialog = await h.injectCall({ callVariable1: 'Conference customer' });
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');
  await until('the simulator to see the call answered', async () => (await h.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));

  // Agent 1001002 is simulated: signs in within 20 s of the start, answers by itself.
  await until('agent 1001002 to be free', async () => ['READY', 'NOT_READY'].includes(await h.simState('1001002')), 40000);
  await card(gadget, dialog).getByRole('button', { name: 'Consult', exact: true }).click();
  const form = gadget.getByRole('form', { name: 'Consult' });
  await form.getByLabel('Number').fill('1001002');
  await form.getByLabel('Number').press('Enter');
  const consult = await until('the consult call', async () => (await h.simDialogs()).find((d) => d.id !== dialog));
  await callStatus(gadget, consult.id, 'Active');
  await callStatus(gadget, dialog, 'Hold');

  await card(gadget, dialog).getByRole('button', { name: 'Conference' }).click();
  // The simulator: one dialog left, a conference, the agent active in it, three parties.
  await until('the simulator to hold one conference', async () => {
    const dialogs = await h.simDialogs();
    return dialogs.length === 1 && dialogs[0].id === dialog && dialogs[0].type === 'CONFERENCE' && dialogs[0].state === 'ACTIVE';
  });
  const parties = participants(await restDialog(dialog));
  assert.equal(parties.length, 3, JSON.stringify(parties));
  assert.deepEqual(parties.map((p) => p.state), ['ACTIVE', 'ACTIVE', 'ACTIVE'], JSON.stringify(parties));
  assert.ok(parties.some((p) => p.address === '1001002'), JSON.stringify(parties));
  assert.ok(parties.some((p) => p.address === AGENT.extension));

  // The gadget: the consult card gone, the conference card with its type and both others.
  await until('the consult card to go', async () => (await card(gadget, consult.id).count()) === 0);
  await callStatus(gadget, dialog, 'Active');
  const conference = card(gadget, dialog);
  await until('the call type Conference', async () => /Call Type\s*Conference/.test(await conference.locator('.call-info').textContent()));
  const shown = await conference.getByRole('list', { name: 'Participants' }).locator('.party-address').allTextContents();
  const others = parties.map((p) => p.address).filter((a) => a !== AGENT.extension).sort();
  assert.deepEqual(shown.sort(), others);
  await shot(page, '10-conference');

  await conference.getByRole('button', { name: 'End' }).click();
  await until('the agent to leave the conference', async () => (await h.simDialogs()).length === 0);
  await until('the card to go', async () => (await card(gadget, dialog).count()) === 0);
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('a request the server refuses: its error in words, and no state change', async () => {
  await reset();
  const page = await h.browser.newPage();
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');

  // Another client signs the agent out (the agent's other desktop, say). Notifications are
  // held back, so the gadget still offers Ready: from Signed Out, Ready is not allowed.
  await h.sim.admin('notify_delay_ms=8000');
  const res = await h.rest('PUT', `User/${AGENT.id}`, '<User><state>LOGOUT</state><reasonCodeId>10</reasonCodeId></User>');
  assert.equal(res.status, 202, await res.text());
  await until('the simulator to sign the agent out', async () => (await h.simState()) === 'LOGOUT');
  assert.match(await stateText(gadget), /^Not Ready/);

  await gadget.getByRole('button', { name: 'Ready', exact: true }).click();
  const message = await until('the refusal in the gadget',
    async () => (await toasts(gadget)).find((t) => t.startsWith('Could not')));
  assert.match(message, /^Could not change (your state )?to Ready: it is not allowed in the current state \(CTI error \d+, CF_[A-Z_]+\)\.$/);
  // It reads as an alert (role=alert), and the server's state did not move.
  assert.equal(await gadget.getByRole('alert').filter({ hasText: message }).count(), 1);
  assert.equal(await h.simState(), 'LOGOUT');
  await shot(page, '11-refused');

  // The notifications arrive: the gadget converges to the server's state.
  await h.sim.admin('notify_delay_ms=0');
  await h.expectState(gadget, 'Signed Out');
  assert.equal(await h.simState(), 'LOGOUT');
  await page.close();
});

test('out of service (HTTP 503): a banner; an action fails visibly; it works again when back', async () => {
  await reset();
  const page = await h.browser.newPage();
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');
  await until('no banner', async () => (await banner(gadget).count()) === 0);

  await h.sim.admin('out_of_service=true');
  await until('the out-of-service banner', async () => /out of service/i.test(await bannerText(gadget)));
  assert.equal(await banner(gadget).getAttribute('role'), 'status');

  // The agent tries to go Ready: refused with a 503, said so, the state unchanged.
  await gadget.getByRole('button', { name: 'Ready', exact: true }).click();
  const message = await until('the failure in the gadget',
    async () => (await toasts(gadget)).find((t) => t.startsWith('Could not')));
  assert.match(message, /out of service; try again in a few seconds/);
  assert.equal(await h.simState(), 'NOT_READY');
  assert.match(await stateText(gadget), /^Not Ready/);
  await shot(page, '12-out-of-service');

  // Back in service: the banner goes, and the same action now works.
  await h.sim.admin('out_of_service=false');
  await until('the banner to go', async () => (await banner(gadget).count()) === 0, 30000);
  await h.ready(gadget);
  await shot(page, '13-back-in-service');
  await page.close();
});

test('the notification listener restarts: the gadget converges without a reload', async () => {
  await reset();
  const page = await h.browser.newPage();
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');
  // A mark in the gadget's document: gone if the frame were reloaded.
  await gadget.evaluate(() => { window.__sameDocument = true; });
  await until('the notification connection up', async () => (await banner(gadget).count()) === 0);

  await h.sim.admin('listener=stopped');
  await until('the gadget to say the connection is lost',
    async () => /notification/i.test(await bannerText(gadget)), 30000);
  await shot(page, '14-listener-stopped');

  // Meanwhile, on the server: Ready (from another client), then a call offered to the agent.
  const res = await h.rest('PUT', `User/${AGENT.id}`, '<User><state>READY</state></User>');
  assert.equal(res.status, 202, await res.text());
  await until('Ready at the simulator', async () => (await h.simState()) === 'READY');
  const dialog = await h.injectCall({ callVariable1: 'Missed while down' });
  const simAgent = await until('the agent reserved', async () => {
    const s = await h.simState();
    return s === 'RESERVED' && s;
  });
  // The gadget cannot know yet.
  assert.match(await stateText(gadget), /^Not Ready/);
  assert.equal(await card(gadget, dialog).count(), 0);

  await h.sim.admin('listener=running');
  await until('the banner to go', async () => (await banner(gadget).count()) === 0, 60000);
  // Converged: the state and the ringing call, as the simulator has them.
  await h.expectState(gadget, 'Reserved', simAgent);
  const [simCall] = await h.simDialogs();
  assert.equal(simCall.id, dialog);
  assert.equal(simCall.state, 'ALERTING');
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).waitFor({ timeout: 20000 });
  assert.match(await card(gadget, dialog).textContent(), /Missed while down/);
  assert.equal(await gadget.evaluate(() => window.__sameDocument), true, 'the gadget was reloaded');
  await shot(page, '15-listener-back');

  // And it works: answer the call from the gadget.
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');
  await until('the simulator to see the call answered', async () => (await h.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));
  await page.close();
});
