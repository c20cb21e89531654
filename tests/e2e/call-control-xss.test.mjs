// Text from the network is text: HTML and script in call variables, the caller's number, the
// agent's name and reason code labels, put there through the simulator (the admin call
// injection and the scenario), must be shown character for character and never run. Each
// vector sets a global (`top.__x`, or opens a dialog) if it ever executes; the test asserts
// none did, no dialog opened, no element was made from them, and each exact text is visible in
// the call control gadget in our desktop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, watchErrors } from './lib.mjs';
import { AGENT, useDesktopEnv, card, callStatus, shot } from './call-control-agent.mjs';

/**
 * Classic vectors, each at most 40 characters (a reason code label's limit, and a call
 * variable's 40 bytes): tags with handlers, attribute and element breakouts, entity tricks,
 * javascript: URLs, parser-differential (svg, math, template, noscript, style, CDATA) and
 * template-injection tricks.
 */
const VECTORS = [
  '<script>top.__x=1</script>',
  '<ScRiPt>top.__x=2</sCrIpT>',
  '<scr<script>ipt>top.__x=3</script>',
  '<img src=x onerror=top.__x=4>',
  '<img src=x onerror=alert(5)>',
  '<svg onload=top.__x=6>',
  '<svg><script>top.__x=7</script></svg>',
  '<svg><animate onbegin=top.__x=8>',
  '"><img src=x onerror=top.__x=9>',
  "'><img src=x onerror=top.__x=10>",
  '</dd><img src=x onerror=top.__x=11>',
  '" onmouseover="top.__x=12" x="',
  "' autofocus onfocus='top.__x=13' x='",
  '<iframe srcdoc="<svg onload=top.__x=1>">',
  '<iframe src="javascript:top.__x=15">',
  '<a href="javascript:top.__x=16">a</a>',
  'javascript:top.__x=17',
  '<body onload=top.__x=18>',
  '<details open ontoggle=top.__x=19>',
  '<input autofocus onfocus=top.__x=20>',
  '<video><source onerror=top.__x=21>',
  '<audio src=x onerror=top.__x=22>',
  '<object data="javascript:top.__x=23">',
  '<embed src="javascript:top.__x=24">',
  '<math><img src=x onerror=top.__x=25>',
  '<noscript><img src onerror=top.__x=26>',
  '<template><script>top.__x=27</script>',
  '<style onload=top.__x=28></style>',
  '&lt;script&gt;top.__x=29&lt;/script&gt;',
  '&#60;img src=x onerror=top.__x=30&#62;',
  '<marquee onstart=top.__x=31>',
  '<select autofocus onfocus=top.__x=32>',
  '<base href="javascript:top.__x=33//">',
  ']]><svg onload=top.__x=34>',
  '--><svg onload=top.__x=35>',
  '{{constructor.constructor(alert)(36)}}',
  '${top.__x=37}',
  '<x style=x:expression(top.__x=38)>',
  '<svg onload=alert(document.domain)>',
  '<img src=x:x onerror=top.__x=40//',
];

/** The vectors that fit the caller's number (at most 32 characters). */
const SHORT = VECTORS.filter((v) => v.length <= 32);

/** Elements no text here may turn into, inside the gadget's root. */
const FOREIGN = 'img, svg, script, iframe, object, embed, video, audio, details, math, noscript, template, style, marquee, base, body, a, x';

const tomlString = (s) => JSON.stringify(s);

const h = useDesktopEnv(() => {
  assert.ok(VECTORS.length >= 30);
  for (const v of VECTORS) assert.ok(v.length <= 40, `${v} is longer than 40 characters`);
  assert.equal(new Set(VECTORS).size, VECTORS.length, 'duplicate vectors');
  // Every vector is a Not Ready reason code label; two are the agent's name; no wrap-up after
  // calls (the test takes several in a row).
  const reasons = VECTORS.map((v, i) => `[[reason_code]]\nid = "${100 + i}"\ncategory = "NOT_READY"\ncode = ${100 + i}\nlabel = ${tomlString(v)}\n\n`).join('');
  return {
    agent: { first_name: tomlString(VECTORS[0]), last_name: tomlString(VECTORS[8]), wrap_up_on_incoming: '"NOT_ALLOWED"' },
    replace: [['[[wrap_up_reason]]\nid = "1"', `${reasons}[[wrap_up_reason]]\nid = "1"`]],
  };
});

/** Nothing ran: no global set in the page or the gadget, no dialog, no element made. */
async function nothingRan(page, gadget, dialogs) {
  assert.equal(await page.evaluate(() => window.__x), undefined, 'a vector ran in the desktop page');
  assert.equal(await gadget.evaluate(() => window.__x), undefined, 'a vector ran in the gadget');
  assert.deepEqual(dialogs, [], 'a vector opened a dialog');
  const foreign = await gadget.evaluate((sel) => [...document.querySelector('main').querySelectorAll(sel)].map((e) => e.outerHTML), FOREIGN);
  assert.deepEqual(foreign, [], 'elements were made from text');
}

test(`${VECTORS.length} XSS vectors in call variables, the caller, the agent's name and reason labels are shown as text`, async () => {
  const page = await h.browser.newPage();
  const errors = watchErrors(page);
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');

  // The agent's name, in the gadget and in the desktop's header.
  const name = `${VECTORS[0]} ${VECTORS[8]}`;
  assert.equal(await gadget.locator('.agent-name').textContent(), name);
  assert.match(await page.getByTestId('signed-in-user').textContent(), new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  // Every reason label, in the Not Ready menu, exactly.
  await gadget.getByRole('button', { name: 'Not Ready', exact: true }).click();
  const items = await gadget.getByRole('menuitem').allTextContents();
  for (const v of VECTORS) assert.ok(items.includes(v), `the menu lacks ${v}`);
  for (const v of VECTORS.slice(0, 3)) {
    assert.equal(await gadget.getByRole('menuitem', { name: v, exact: true }).count(), 1, v);
  }
  await shot(page, 'xss-1-reasons');
  await nothingRan(page, gadget, dialogs);
  await gadget.getByRole('menu').press('Escape');

  // A vector chosen as the Not Ready reason is the state's reason, as text.
  const chosen = VECTORS[3];
  await gadget.getByRole('button', { name: 'Not Ready', exact: true }).click();
  await gadget.getByRole('menuitem', { name: chosen, exact: true }).click();
  await h.expectState(gadget, `Not Ready \u2013 ${chosen}`, 'NOT_READY');
  await nothingRan(page, gadget, dialogs);

  // Every vector as a call variable (five per call: callVariable1-5 are in the layout), and a
  // short one as the caller's number.
  await h.ready(gadget);
  for (let at = 0, n = 0; at < VECTORS.length; at += 5, n += 1) {
    const batch = VECTORS.slice(at, at + 5);
    const variables = Object.fromEntries(batch.map((v, i) => [`callVariable${i + 1}`, v]));
    const from = SHORT[n % SHORT.length];
    const body = Object.entries(variables).map(([k, v]) => `${k}=${v}`).join('\n');
    const dialog = await h.sim.adminRequest('POST', `/admin/calls?queue=5001&agent=${AGENT.id}&from=${encodeURIComponent(from)}`, body);
    const call = card(gadget, dialog);
    await call.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 20000 });
    const values = await call.locator('.call-data dd').allTextContents();
    for (const v of batch) assert.ok(values.includes(v), `the call data lacks ${v}: ${JSON.stringify(values)}`);
    assert.equal(await call.locator('.call-party').textContent(), from);
    assert.equal(await call.getAttribute('aria-label'), `Call \u2013 ${from}`);
    assert.equal(await gadget.getByRole('region', { name: `Call \u2013 ${from}`, exact: true }).count(), 1);
    if (n === 0) await shot(page, 'xss-2-call');
    await nothingRan(page, gadget, dialogs);
    await call.getByRole('button', { name: 'Answer' }).click();
    await callStatus(gadget, dialog, 'Active');
    await nothingRan(page, gadget, dialogs);
    await call.getByRole('button', { name: 'End' }).click();
    await until('the call to end', async () => (await h.simDialogs()).length === 0);
    await until('the card to go', async () => (await call.count()) === 0);
    await until('Ready again', async () => (await h.simState()) === 'READY', 30000);
  }
  await nothingRan(page, gadget, dialogs);
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
  await page.close();
});

test('the vectors are live: rendered as HTML they run and make elements (so the checks above can fail)', async () => {
  const page = await h.browser.newPage();
  page.on('dialog', (d) => d.dismiss());
  await page.setContent(`<main>${VECTORS.map((v) => `<div>${v}</div>`).join('')}</main>`);
  await until('a vector to run', () => page.evaluate(() => window.__x !== undefined), 5000);
  const made = await page.evaluate((sel) => document.querySelector('main')?.querySelectorAll(sel).length ?? 0, FOREIGN);
  assert.ok(made >= 10, `only ${made} elements made`);
  await page.close();
});
