// The connection gadget in a third-party OpenSocial page (tests/e2e/thirdparty/index.html): a
// page that is not our desktop (no sign-in, no master) creates a ManagedHub with the page-side
// runtime and two gadgets, the connection gadget (dist/connection, as uploaded to Finesse's
// /3rdpartygadget/files/) and the hub test gadget (tests/e2e/gadgets/hub-test.xml). Signed in
// inside the connection gadget, the hub test gadget gets its Finesse topics from it, as it does
// from our desktop's master in desktop.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, ROOT, launch, startSim, basic, until, watchErrors } from './lib.mjs';

let sim;
let browser;

const AGENT = { id: '1001001', password: 'pass1001001', extension: '1001001', team: '1' };

async function putUser(body) {
  const res = await fetch(`${sim.url}/finesse/api/User/${AGENT.id}`, {
    method: 'PUT',
    headers: { authorization: basic(AGENT.id, AGENT.password), 'content-type': 'application/xml' },
    body,
  });
  assert.equal(res.status, 202, await res.text());
}

before(async () => {
  sim = await startSim({
    args: [
      '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`,
      '--static', `/test-gadgets=${path.join(ROOT, 'tests/e2e/gadgets')}`,
      '--static', `/thirdparty=${path.join(ROOT, 'tests/e2e/thirdparty')}`,
    ],
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** A gadget's frame, by the client id the page gave it. */
async function frameOf(page, clientId) {
  const handle = await page.waitForSelector(`iframe[name^="${clientId}"]`, { timeout: 15000 });
  return handle.contentFrame();
}

test('the connection gadget gives a third-party page the Finesse topics', async () => {
  // The agent signs in to the extension over REST (the connection gadget only connects).
  await putUser(`<User><state>LOGIN</state><extension>${AGENT.extension}</extension></User>`);

  const page = await browser.newPage();
  const errors = watchErrors(page);
  page.on('console', (m) => { if (process.env.DEBUG_E2E) console.log('[page]', m.text()); });
  await page.goto(`${sim.url}/thirdparty/`);

  const connection = await frameOf(page, 'connection_gadget');
  const hubTest = await frameOf(page, 'hub_test_gadget');
  await until('the hub test gadget to connect to the hub',
    () => hubTest.evaluate(() => window.hubTest?.hubConnected === true));

  // No credential in the prefs: the gadget asks for it, with the id from the `id` pref.
  const id = connection.getByLabel('ID');
  await id.waitFor({ timeout: 20000 });
  assert.equal(await id.inputValue(), AGENT.id);
  await connection.getByLabel('Password').fill('wrong');
  await connection.getByRole('button', { name: 'Sign In' }).click();
  const refusal = connection.getByRole('alert');
  await refusal.waitFor({ timeout: 15000 });
  assert.equal(await refusal.textContent(), 'The ID or password is wrong.');

  await connection.getByLabel('Password').fill(AGENT.password);
  await connection.getByRole('button', { name: 'Sign In' }).click();
  const status = connection.getByTestId('connection-status');
  await until('the connection gadget to connect',
    async () => (await status.count()) > 0 && (await status.getAttribute('data-status')) === 'connected');
  assert.equal(await status.textContent(), 'Connected');

  // The other gadget hears the master's status on finesse.info.connection.
  await until('connected on finesse.info.connection',
    () => hubTest.evaluate(() => hubTest.statuses.some((s) => s && s.status === 'connected')));

  // SubscribeNodeReq for the team: success (null).
  const node = `/finesse/api/Team/${AGENT.team}/Users`;
  const invokeID = await hubTest.evaluate((n) => hubTest.subscribeNode(n), node);
  const rsp = await until('the SubscribeNodeReq response',
    () => hubTest.evaluate((i) => (i in hubTest.responses ? { value: hubTest.responses[i] } : null), invokeID));
  assert.equal(rsp.value, null);

  // A REST state change reaches the gadget on finesse.api.User.<id> ...
  await putUser('<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>');
  const user = await until('the User notification', () => hubTest.evaluate((agent) => {
    const items = hubTest.items[`finesse.api.User.${agent}`] || [];
    // Finesse writes the data wrapper as <user> or <User> (spec-digest §3): accept both.
    return items.find((i) => {
      const data = i.object?.Update?.data;
      return (data?.user ?? data?.User)?.reasonCodeId === '2';
    });
  }, AGENT.id));
  assert.match(user.content, new RegExp(`^/finesse/api/User/${AGENT.id}<Update>`));
  // ... and, through the explicit subscription, on the team's topic.
  await until('a team update', () => hubTest.evaluate((t) => (hubTest.items[t] || []).length > 0,
    `finesse.api.Team.${AGENT.team}.Users`));

  // A gadget that joins late asks for the status and the connection gadget answers.
  const late = await hubTest.evaluate(() => hubTest.lateJoin());
  const info = await until('the ConnectionInfoReq answer', () => hubTest.evaluate(() => hubTest.late));
  assert.equal(info.status, 'connected');
  assert.equal(info.invokeID, late);

  // The credential travels in no URL.
  for (const frame of page.frames()) {
    assert.ok(!frame.url().includes(AGENT.password), frame.url());
    assert.ok(!frame.url().includes('authorization'), frame.url());
  }
  assert.deepEqual(await page.evaluate(() => window.thirdParty.events.filter((e) => e.includes('alert'))), []);
  await page.screenshot({ path: path.join(ARTIFACTS, 'thirdparty.png'), fullPage: true });
  // The refused sign-in is the only expected error (the 401 of the credential check).
  assert.deepEqual(errors.filter((e) => !e.includes('favicon') && !e.includes('401')), []);
  await page.close();
});
