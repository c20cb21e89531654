// Our desktop (www/) against the simulator: sign in, the master's notification connection, and
// a hub test gadget (tests/e2e/gadgets/hub-test.xml) rendered from its gadget XML by the
// simulator's /gadgets/ifr, on the desktop's origin and again on another origin. The gadget
// talks only through gadgets.Hub, as Finesse gadgets do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { ARTIFACTS, ROOT, launch, startSim, basic, until, watchErrors } from './lib.mjs';

let sim;
let browser;
let layouts;

const AGENT = { id: '1001001', password: 'pass1001001', extension: '1001001', team: '1' };

function layout(extraConfig = '') {
  return `<finesseLayout xmlns="http://www.cisco.com/vtg/finesse">
  <configs><config key="title" value="Hub test desktop"/>${extraConfig}</configs>
  <layout><role>Agent</role>
    <page><gadget>/test-gadgets/hub-test.xml</gadget></page>
    <tabs><tab><id>home</id><label>finesse.container.tabs.agent.homeLabel</label></tab></tabs>
  </layout>
</finesseLayout>`;
}

before(async () => {
  layouts = await mkdtemp(path.join(os.tmpdir(), 'finesse-layouts-'));
  sim = await startSim({
    args: [
      '--static', `/desktop/layouts=${layouts}`,
      '--static', `/test-gadgets=${path.join(ROOT, 'tests/e2e/gadgets')}`,
    ],
  });
  const other = sim.url.replace('127.0.0.1', 'localhost');
  await writeFile(path.join(layouts, 'hub-test.xml'), layout());
  await writeFile(path.join(layouts, 'hub-test-cross.xml'), layout(`<config key="gadgetOrigin" value="${other}"/>`));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (layouts) await rm(layouts, { recursive: true, force: true });
});

async function signIn(page, layoutName) {
  await page.goto(`${sim.url}/desktop/?layout=${layoutName}`);
  await page.getByLabel('ID').fill(AGENT.id);
  await page.getByLabel('Password').fill(AGENT.password);
  await page.getByLabel('Extension').fill(AGENT.extension);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 15000 });
}

/** The hub test gadget's frame, once its hub client connected. */
async function gadgetFrame(page) {
  const handle = await page.waitForSelector('iframe[name^="finesse_gadget_0"]', { timeout: 15000 });
  const frame = await handle.contentFrame();
  await until('the gadget to connect to the hub', () => frame.evaluate(() => window.hubTest?.hubConnected === true));
  return frame;
}

async function putState(state, reason) {
  const body = `<User><state>${state}</state>${reason ? `<reasonCodeId>${reason}</reasonCodeId>` : ''}</User>`;
  const res = await fetch(`${sim.url}/finesse/api/User/${AGENT.id}`, {
    method: 'PUT',
    headers: { authorization: basic(AGENT.id, AGENT.password), 'content-type': 'application/xml' },
    body,
  });
  assert.equal(res.status, 202, await res.text());
}

async function exercise(layoutName, expectOrigin) {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  page.on('console', (m) => { if (process.env.DEBUG_E2E) console.log('[page]', m.text()); });
  await signIn(page, layoutName);
  const frame = await gadgetFrame(page);
  assert.equal(new URL(frame.url()).origin, expectOrigin);

  // The master's connection status reaches the gadget: broadcast, or its own ConnectionInfoReq.
  await until('connected on finesse.info.connection',
    () => frame.evaluate(() => hubTest.statuses.some((s) => s && s.status === 'connected')));
  assert.ok(await frame.evaluate(() => hubTest.authorizationSeen), 'the credential arrives as a private pref');
  assert.ok(!frame.url().includes('authorization'), 'the credential is not in the frame URL');

  // SubscribeNodeReq for the team: success (null), then the team's updates.
  const node = `/finesse/api/Team/${AGENT.team}/Users`;
  const invokeID = await frame.evaluate((n) => hubTest.subscribeNode(n), node);
  const rsp = await until('the SubscribeNodeReq response',
    () => frame.evaluate((id) => (id in hubTest.responses ? { value: hubTest.responses[id] } : null), invokeID));
  assert.equal(rsp.value, null);

  // A REST state change (Not Ready with another reason; the agent is Not Ready after signing
  // in, and stays out of call routing) reaches the gadget on finesse.api.User.<id> ...
  const reason = layoutName.endsWith('cross') ? '3' : '2';
  await putState('NOT_READY', reason);
  const user = await until('the User notification', () => frame.evaluate(({ id, reason }) => {
    const items = hubTest.items[`finesse.api.User.${id}`] || [];
    // Finesse writes the data wrapper as <user> or <User> (spec-digest §3): accept both.
    return items.find((i) => {
      const data = i.object?.Update?.data;
      return (data?.user ?? data?.User)?.reasonCodeId === reason;
    });
  }, { id: AGENT.id, reason }));
  assert.match(user.content, new RegExp(`^/finesse/api/User/${AGENT.id}<Update>`));
  // ... and, through the explicit subscription, on the team's topic.
  await until('a team update', () => frame.evaluate((t) => (hubTest.items[t] || []).length > 0,
    `finesse.api.Team.${AGENT.team}.Users`));

  // A gadget that joins late asks for the status and gets it, with its invokeID.
  const late = await frame.evaluate(() => hubTest.lateJoin());
  const info = await until('the ConnectionInfoReq answer', () => frame.evaluate(() => hubTest.late));
  assert.equal(info.status, 'connected');
  assert.equal(info.invokeID, late);

  // gadgets.io.makeRequest through the container's proxy, as finesse.js calls the REST API.
  const rest = await frame.evaluate((id) => hubTest.rest(`/finesse/api/User/${id}`), AGENT.id);
  assert.equal(rest.rc, 200, rest.text);
  assert.match(rest.text, new RegExp(`<loginId>${AGENT.id}</loginId>`));

  if (!layoutName.endsWith('cross')) {
    // The notification listener goes away: the banner says so, the gadget hears it, and both
    // recover by themselves when it is back.
    await sim.admin('listener=stopped');
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 20000 });
    assert.match(await banner.getAttribute('data-status'), /reconnecting|disconnected|connecting/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'desktop-reconnecting.png'), fullPage: true });
    await until('the gadget to hear of the loss',
      () => frame.evaluate(() => hubTest.statuses.some((s) => s && s.status !== 'connected')));
    await sim.admin('listener=running');
    await banner.waitFor({ state: 'detached', timeout: 30000 });
    await until('the gadget to hear it is back',
      () => frame.evaluate(() => hubTest.statuses.at(-1)?.status === 'connected'), 30000);
  }

  await page.screenshot({ path: path.join(ARTIFACTS, `desktop-${layoutName}.png`), fullPage: true });
  // Sign Out asks for one of the scenario's Sign Out reasons.
  await page.getByRole('button', { name: 'Sign Out' }).click();
  await page.getByRole('menuitem', { name: 'End of Shift' }).click();
  await page.getByRole('button', { name: 'Sign In' }).waitFor({ timeout: 15000 });
  assert.equal((await sim.agents())[AGENT.id], 'LOGOUT');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
}

test('a gadget rendered on the desktop origin lives on the master\'s hub', async () => {
  await exercise('hub-test', sim.url);
});

test('the same gadget rendered cross-origin works the same way', async () => {
  await exercise('hub-test-cross', sim.url.replace('127.0.0.1', 'localhost'));
});

test('a wrong password is refused with a message and no desktop', async () => {
  const page = await browser.newPage();
  await page.goto(`${sim.url}/desktop/?layout=hub-test`);
  await page.getByLabel('ID').fill(AGENT.id);
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const error = page.getByTestId('sign-in-error');
  await error.waitFor({ timeout: 15000 });
  assert.equal(await error.textContent(), 'The ID or password is wrong.');
  await page.close();
});
