// The call control gadget's less travelled features in our desktop against the simulator, each
// checked against the simulator's own state: editing call variables, consulting a phone book
// contact, a single-step (direct) transfer, and a call already in progress when the gadget
// starts. A quiet copy of the demo scenario keeps the agent's calls the test's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, launch, startSim, until, watchErrors } from './lib.mjs';
import { scenario } from './scenario.mjs';
import { AGENT, agentHelpers, card, callStatus, shot } from './call-control-agent.mjs';

let sim;
let browser;
let h;

before(async () => {
  const file = await scenario({});
  sim = await startSim({
    args: ['--scenario', file, '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`],
  });
  h = agentHelpers(sim);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** The simulator's Dialog document for `id`, as the agent reads it over REST. */
async function dialogXml(id) {
  const res = await h.rest('GET', `Dialog/${id}`);
  return res.ok ? res.text() : '';
}

/** The agent's calls the simulator knows that are still live. */
const liveDialogs = async (user = AGENT.id) =>
  (await h.simDialogs(user)).filter((d) => ['ACTIVE', 'HELD', 'ALERTING', 'INITIATED', 'INITIATING'].includes(d.state));

test('edit call variables, then consult a phone book contact', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const gadget = await h.signIn(page);
  await h.ready(gadget);

  const dialog = await h.injectCall({ callVariable1: 'Chuck Smith', callVariable2: '100234' });
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');

  // Edit: the form's fields are the layout's (Customer = callVariable1); Save sends only changes.
  await card(gadget, dialog).getByRole('button', { name: 'Edit Call Variables' }).click();
  const form = gadget.getByRole('form', { name: 'Edit Call Variables' });
  const customer = form.getByLabel('Customer', { exact: true });
  assert.equal(await customer.inputValue(), 'Chuck Smith');
  await customer.fill('Chuck Smith <VIP>');
  await form.getByRole('button', { name: 'Save' }).click();
  await until('the simulator to hold the new value', async () =>
    /<name>callVariable1<\/name>\s*<value>Chuck Smith &lt;VIP&gt;<\/value>/.test(await dialogXml(dialog)));
  assert.match(await dialogXml(dialog), /<name>callVariable2<\/name>\s*<value>100234<\/value>/);
  await until('the card to show the new value', async () =>
    (await card(gadget, dialog).textContent()).includes('Chuck Smith <VIP>'));
  await shot(page, 'edited-variables');

  // Consult a contact picked from the phone book: the number field takes its number.
  await card(gadget, dialog).getByRole('button', { name: 'Consult', exact: true }).click();
  const consultForm = gadget.getByRole('form', { name: 'Consult' });
  const option = await consultForm.getByRole('combobox', { name: 'Phone Book' }).locator('option', { hasText: '5551000' }).getAttribute('value');
  await consultForm.getByRole('combobox', { name: 'Phone Book' }).selectOption(option);
  assert.equal(await consultForm.getByLabel('Number').inputValue(), '5551000');
  await consultForm.getByRole('button', { name: 'Dial' }).click();
  const consult = await until('the consult call on the simulator', async () =>
    (await liveDialogs()).find((d) => d.id !== dialog));
  assert.match(await dialogXml(consult.id), /<toAddress>5551000<\/toAddress>/);
  await callStatus(gadget, dialog, 'Hold');
  await shot(page, 'phone-book-consult');

  // End the consult and the call: nothing stays live, on the screen or on the simulator.
  await card(gadget, consult.id).getByRole('button', { name: 'End' }).click();
  await until('the consult to end', async () => !(await liveDialogs()).some((d) => d.id === consult.id));
  await card(gadget, dialog).getByRole('button', { name: 'Retrieve' }).click();
  await callStatus(gadget, dialog, 'Active');
  await card(gadget, dialog).getByRole('button', { name: 'End' }).click();
  await until('no live call left', async () => (await liveDialogs()).length === 0);
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await context.close();
});

test('a direct (single-step) transfer hands the call to another agent', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const gadget = await h.signIn(page);
  if ((await h.simState()) !== 'READY') await h.ready(gadget);
  await until('agent 1001002 to sign in', async () => ['READY', 'NOT_READY'].includes(await h.simState('1001002')), 40000);

  const dialog = await h.injectCall({ callVariable1: 'Ana Lopez' });
  await card(gadget, dialog).getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');
  await card(gadget, dialog).getByRole('button', { name: 'Direct Transfer' }).click();
  const form = gadget.getByRole('form', { name: 'Direct Transfer' });
  await form.getByLabel('Number').fill('1001002');
  await form.getByRole('button', { name: 'Dial' }).click();

  await until('the call to leave the agent on the simulator', async () => (await liveDialogs()).length === 0);
  await until('agent 1001002 to have the caller', async () => (await liveDialogs('1001002')).length > 0);
  await until('the gadget to show no live call', async () =>
    (await gadget.getByRole('button', { name: 'End' }).count()) === 0);
  await shot(page, 'direct-transfer');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await context.close();
});

test('a call in progress before the gadget starts is shown with its data and controls', async () => {
  // The agent signs in and answers over REST (another client, e.g. a phone), before any desktop.
  const put = async (apiPath, body) => {
    const res = await h.rest('PUT', apiPath, body);
    assert.ok(res.ok, `PUT ${apiPath}: HTTP ${res.status} ${await res.text()}`);
  };
  await until('the agent to have no live call', async () => (await liveDialogs()).length === 0);
  if ((await h.simState()) === 'LOGOUT') {
    await put(`User/${AGENT.id}`, `<User><state>LOGIN</state><extension>${AGENT.extension}</extension></User>`);
  }
  await until('wrap-up to end, if any', async () => !['WORK', 'WORK_READY'].includes(await h.simState()), 130000);
  if ((await h.simState()) !== 'READY') await put(`User/${AGENT.id}`, '<User><state>READY</state></User>');
  await until('the simulator to say READY', async () => (await h.simState()) === 'READY');
  const dialog = await h.injectCall({ callVariable1: 'Wei Zhang' });
  await put(`Dialog/${dialog}`, `<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>${AGENT.extension}</targetMediaAddress></Dialog>`);
  await until('the simulator to see the call answered', async () =>
    (await h.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));

  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const gadget = await h.signIn(page);
  await callStatus(gadget, dialog, 'Active');
  assert.match(await card(gadget, dialog).textContent(), /Wei Zhang/);
  await card(gadget, dialog).getByRole('button', { name: 'Hold' }).waitFor();
  await until('the call timer to run', async () =>
    /\d+:\d\d/.test(await card(gadget, dialog).getByTestId('call-time').textContent()));
  await shot(page, 'recovered-call');
  await card(gadget, dialog).getByRole('button', { name: 'End' }).click();
  await until('no live call left', async () => (await liveDialogs()).length === 0);
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await context.close();
});
