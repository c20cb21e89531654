// The call control gadget served by the simulator, against its REST API: one origin, real
// authentication, the simulator's own truth.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, launch, startSim, basic, watchErrors } from './lib.mjs';

let sim;
let browser;

before(async () => {
  sim = await startSim();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

async function signIn(page, user, password) {
  await page.goto(`${sim.url}/call-control/?user=${user}`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign In' }).click();
}

test('the gadget shows the simulator\'s state of the agent', async () => {
  // The agent signs in to the phone system over REST, then opens the gadget.
  const res = await fetch(`${sim.url}/finesse/api/User/1001001`, {
    method: 'PUT',
    headers: { authorization: basic('1001001', 'pass1001001'), 'content-type': 'application/xml' },
    body: '<User><state>LOGIN</state><extension>1001001</extension></User>',
  });
  assert.equal(res.status, 202);
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await signIn(page, '1001001', 'pass1001001');
  const state = page.getByTestId('agent-state');
  await state.waitFor({ timeout: 15000 });
  assert.equal((await sim.agents())['1001001'], 'NOT_READY');
  assert.match(await state.textContent(), /^Not Ready/);
  assert.match(await page.locator('main').textContent(), /Chris Smith/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'call-control-simulator.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a wrong password is refused by the simulator and asked again', async () => {
  const page = await browser.newPage();
  await signIn(page, '1001001', 'not-the-password');
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 15000 });
  assert.equal(await alert.textContent(), 'The ID or password is wrong.');
  await page.close();
});

test('out-of-service mode is reported in words, and the gadget recovers by itself', async () => {
  await sim.admin('out_of_service=true');
  let page;
  try {
    page = await browser.newPage();
    await signIn(page, '1001001', 'pass1001001');
    const banner = page.getByTestId('gadget-banner');
    await banner.waitFor({ timeout: 15000 });
    assert.match(await banner.textContent(), /Finesse is out of service/);
    assert.equal(await page.getByTestId('agent-state').count(), 0, 'nothing stale is shown');
    await page.screenshot({ path: path.join(ARTIFACTS, 'call-control-out-of-service.png') });
  } finally {
    await sim.admin('out_of_service=false');
  }
  // SystemInfo is polled every 5 s while out of service; IN_SERVICE reloads everything.
  await page.getByTestId('agent-state').waitFor({ timeout: 20000 });
  await page.getByTestId('gadget-banner').waitFor({ state: 'detached', timeout: 20000 });
  await page.close();
});
