// The call control gadget (dist/call-control, with the shared module in dist/shared), standalone (no container: it
// asks for credentials itself) against static REST fixtures, in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, ARTIFACTS, serve, launch, watchErrors } from './lib.mjs';

const DIST = path.join(ROOT, 'dist');

const user = (id, first, state, reasonLabel) => `<User>
  <uri>/finesse/api/User/${id}</uri><roles><role>Agent</role></roles>
  <loginId>${id}</loginId><loginName>agent${id}</loginName><state>${state}</state>
  <stateChangeTime>2026-11-21T09:00:00.000Z</stateChangeTime><pendingState></pendingState>
  <reasonCodeId>2</reasonCodeId>
  <ReasonCode><category>NOT_READY</category><uri>/finesse/api/ReasonCode/2</uri><code>2</code>
    <label>${reasonLabel}</label><forAll>true</forAll><id>2</id></ReasonCode>
  <extension>1001001</extension><firstName>${first}</firstName><lastName>Smith</lastName>
  <teamId>1</teamId><teamName>Sales</teamName><futureField>ignored</futureField></User>`;

// Network text that looks like markup must stay text (XML-escaped on the wire, as Finesse sends it).
const XSS_NAME = '&lt;img src=x onerror="window.__xss=1"&gt;';
const XSS_LABEL = '&lt;script&gt;window.__xss=2&lt;/script&gt;';

let server;
let browser;
const seen = [];

// Every request must carry Basic credentials in the header, never in the URL.
const authorized = (route) => (req, url) => {
  seen.push({ url: req.url, authorization: req.headers.authorization });
  const id = url.pathname.split('/')[4];
  if (req.headers.authorization !== `Basic ${Buffer.from(`${id}:secret pw`).toString('base64')}`) {
    return { status: 401, body: '<ApiErrors><ApiError><ErrorType>Unauthorized</ErrorType><ErrorMessage>UNAUTHORIZED</ErrorMessage></ApiError></ApiErrors>' };
  }
  return route;
};

/** Opens the gadget standalone and signs in as `user`. */
async function signIn(page, user, password = 'secret pw') {
  await page.goto(`${server.url}/call-control/?user=${user}`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign In' }).click();
}

/** Every GET the gadget makes for `id` at start-up, answered (the User document given). */
const routesFor = (id, userDocument) => ({
  [`/finesse/api/User/${id}`]: authorized(userDocument),
  [`/finesse/api/User/${id}/Dialogs`]: authorized({ body: '<Dialogs/>' }),
  [`/finesse/api/User/${id}/ReasonCodes`]: authorized({ body: '<ReasonCodes/>' }),
  [`/finesse/api/User/${id}/WrapUpReasons`]: authorized({ body: '<WrapUpReasons/>' }),
  [`/finesse/api/User/${id}/MediaPropertiesLayout`]: authorized({ body: '<MediaPropertiesLayout/>' }),
  [`/finesse/api/User/${id}/PhoneBooks`]: authorized({ body: '<PhoneBooks/>' }),
});

before(async () => {
  server = await serve(DIST, {
    ...routesFor('1001001', { body: user('1001001', 'Chris', 'NOT_READY', 'Lunch') }),
    ...routesFor('1001002', { body: user('1001002', XSS_NAME, 'NOT_READY', XSS_LABEL) }),
    ...routesFor('404404', {
      status: 404,
      body: '<ApiErrors><ApiError><ErrorType>User Not Found</ErrorType><ErrorMessage>UNKNOWN_USER</ErrorMessage><ErrorData>404404</ErrorData></ApiError></ApiErrors>',
    }),
    ...routesFor('500500', { body: '<User><state>READY</state' }),
    '/finesse/api/SystemInfo': { body: '<SystemInfo><status>IN_SERVICE</status><deploymentType>UCCE</deploymentType></SystemInfo>' },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('shows the signed-in agent with state and reason', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await signIn(page, '1001001');
  const state = page.getByTestId('agent-state');
  await state.waitFor({ timeout: 15000 });
  assert.equal(await state.textContent(), 'Not Ready \u2013 Lunch');
  assert.match(await page.locator('main').textContent(), /Chris Smith.*Extension 1001001/);
  // No notifications standalone: the gadget polls, and the controls are there.
  await page.getByRole('button', { name: 'Ready', exact: true }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'call-control-agent.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('renders names and reason labels containing markup as text', async () => {
  const page = await browser.newPage();
  await signIn(page, '1001002');
  await page.getByTestId('agent-state').waitFor({ timeout: 15000 });
  assert.equal(await page.getByTestId('agent-state').textContent(), 'Not Ready \u2013 <script>window.__xss=2</script>');
  assert.match(await page.locator('main').textContent(), /<img src=x onerror="window.__xss=1"> Smith/);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator('img, .agent script').count(), 0);
  await page.close();
});

test('sends credentials only in the Authorization header and asks again on 401', async () => {
  const page = await browser.newPage();
  await signIn(page, '1001001', 'wrong');
  const banner = page.getByRole('alert');
  await banner.waitFor({ timeout: 15000 });
  assert.equal(await banner.textContent(), 'The ID or password is wrong.');
  assert.equal(await page.getByLabel('User ID').inputValue(), '1001001');
  for (const { url } of seen) {
    assert.doesNotMatch(url, /secret|wrong|pw/);
  }
  assert.ok(seen.some((r) => r.authorization?.startsWith('Basic ')));
  assert.equal(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage)), '{}{}');
  await page.close();
});

test('explains an HTTP error with the server\'s ApiErrors', async () => {
  const page = await browser.newPage();
  await signIn(page, '404404');
  const banner = page.getByRole('alert');
  await banner.waitFor({ timeout: 15000 });
  // The server's error type, data and constant, verbatim, in the session's sentence.
  assert.match(await banner.textContent(), /Could not load your agent: Finesse refused it \(User Not Found\) \(CTI error 404404, UNKNOWN_USER\)\./);
  await page.screenshot({ path: path.join(ARTIFACTS, 'call-control-404.png') });
  await page.close();
});

test('reports malformed XML instead of showing stale or empty data', async () => {
  const page = await browser.newPage();
  await signIn(page, '500500');
  const banner = page.getByRole('alert');
  await banner.waitFor({ timeout: 15000 });
  assert.match(await banner.textContent(), /Could not load your agent: the Finesse server sent an unreadable answer \(malformed XML: .*\)\./);
  await page.close();
});
