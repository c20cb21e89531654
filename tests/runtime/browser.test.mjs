// Browser tests of gadget-runtime.js and container-hub.js together, in Debian's Chromium: a
// container page on 127.0.0.1 with gadget iframes rendered the way finesse-container renders
// them, same-origin and cross-origin (the same server reached as `localhost`).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serve, launch, watchErrors } from '../e2e/lib.mjs';
import { FIXTURES, containerSource, renderGadget } from './helpers.mjs';

const WAIT = { timeout: 10000 };
const CREDENTIAL = 'YWdlbnQxOnNlY3JldA==';

// Gadget specs the fake renderer knows: features (with Params), defaults, body fixture.
const SPECS = {
  'hub.xml': { features: { 'pubsub-2': {}, setprefs: {}, loadingindicator: {} }, defaults: { color: 'green' } },
  'plain.xml': { features: { 'pubsub-2': {} }, defaults: {} },
  'manual.xml': {
    features: { 'pubsub-2': {}, loadingindicator: { 'manual-dismiss': 'true', 'loading-timeout': '1' } },
    defaults: {},
  },
};

let server;
let browser;
let local; // the same server as http://localhost:<port>, a second origin

function renderRoute(req, url) {
  const specUrl = url.searchParams.get('url') ?? '';
  const spec = SPECS[path.basename(new URL(specUrl, 'http://x').pathname)];
  if (!spec) return { status: 404, body: 'unknown gadget', type: 'text/plain' };
  return {
    type: 'text/html; charset=utf-8',
    body: renderGadget({
      features: spec.features,
      defaults: spec.defaults,
      specUrl,
      mid: url.searchParams.get('mid') ?? '0',
      body: readFileSync(path.join(FIXTURES, 'gadget-hub.html'), 'utf8'),
    }),
  };
}

before(async () => {
  server = await serve(FIXTURES, {
    '/runtime/container-hub.js': () => ({ type: 'text/javascript', body: containerSource() }),
    '/gadgets/ifr': renderRoute,
  });
  local = server.url.replace('127.0.0.1', 'localhost');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh container page; `errors` collects console errors and page errors. */
async function containerPage() {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/container.html`);
  return { page, errors };
}

/** The first frame matching `predicate`, polled (bounded: 200 × 50 ms). */
async function findFrame(page, predicate, what) {
  for (let i = 0; i < 200; i++) {
    const frame = page.frames().find((f) => !f.isDetached() && predicate(f));
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error(`no frame: ${what}`);
}

/** The frame named `name` once the page has seen its gadget connect `times` times. */
async function gadget(page, name, times = 1) {
  await page.waitForFunction(([id, n]) => T.connected(id) >= n, [name, times], WAIT);
  const frame = await findFrame(page, (f) => f.name() === name, name);
  await frame.waitForFunction(() => window.G && G.connects >= 1, null, WAIT);
  return frame;
}

/** Adds gadget A (same origin, hub.xml, private prefs) and B (cross-origin, plain.xml). */
async function twoGadgets(page, extra = {}) {
  const srcA = await page.evaluate(([o]) => T.add('gadgetA', o), [{
    spec: 'hub.xml', mid: 1, prefs: { authorization: CREDENTIAL, id: '1001' }, ...extra.a,
  }]);
  const srcB = await page.evaluate(([o]) => T.add('gadgetB', o), [{ origin: local, spec: 'plain.xml', mid: 2, ...extra.b }]);
  return { a: await gadget(page, 'gadgetA'), b: await gadget(page, 'gadgetB'), srcA, srcB };
}

test('handshake: onConnect, private prefs, visibility, partner origins', async () => {
  const { page, errors } = await containerPage();
  const { a, b, srcA, srcB } = await twoGadgets(page);
  assert.match(srcA, /#rpctoken=[A-Za-z0-9_-]{6}&oahParent=http%3A%2F%2F127\.0\.0\.1%3A\d+$/);
  assert.ok(srcB.startsWith(`${local}/gadgets/ifr?`));
  assert.ok(!srcA.includes(CREDENTIAL) && !srcA.includes(encodeURIComponent(CREDENTIAL)), 'credential in the URL');

  const stateA = await a.evaluate(() => ({
    prefsAtConnect: G.prefsAtConnect, clientId: G.clientId, partnerOrigin: G.partnerOrigin, connects: G.connects,
  }));
  assert.deepEqual(stateA.prefsAtConnect, { authorization: CREDENTIAL, color: 'green', mid: '1' });
  assert.equal(stateA.clientId, 'gadgetA');
  assert.equal(stateA.partnerOrigin, 'http://127.0.0.1');
  assert.equal(stateA.connects, 1);
  await a.waitForFunction(() => G.promise === true, null, WAIT);
  const stateB = await b.evaluate(() => ({ prefs: G.prefsAtConnect, origin: G.partnerOrigin, location: location.origin }));
  assert.equal(stateB.location, local);
  assert.deepEqual(stateB.prefs, { authorization: '', color: '', mid: '2' });
  assert.equal(stateB.origin, 'http://127.0.0.1');

  const page_ = await page.evaluate(() => ['gadgetA', 'gadgetB'].map((id) => ({
    visibility: T.containers[id].getIframe().style.visibility,
    partner: T.containers[id].getPartnerOrigin(),
    connected: T.containers[id].isConnected(),
    name: T.containers[id].getIframe().name,
  })));
  assert.deepEqual(page_, [
    { visibility: 'visible', partner: 'http://127.0.0.1', connected: true, name: 'gadgetA' },
    { visibility: 'visible', partner: 'http://localhost', connected: true, name: 'gadgetB' },
  ]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('pub/sub between two gadgets and the page, with wildcards and policies', async () => {
  const { page, errors } = await containerPage();
  const { a, b } = await twoGadgets(page);
  await page.evaluate(() => { T.subscribe('chat.**'); T.subscribe('blocked.*'); });
  assert.deepEqual(await a.evaluate(() => G.sub('chat.*')), { id: '0', ok: true, err: '' });
  assert.deepEqual(await a.evaluate(() => G.sub('chat.**')), { id: '1', ok: true, err: '' });
  assert.deepEqual(await b.evaluate(() => G.sub('chat.room.*')), { id: '0', ok: true, err: '' });
  assert.deepEqual(await a.evaluate(() => G.sub('forbidden.x')),
    { id: '2', ok: false, err: 'OpenAjax.hub.Error.NotAllowed' });

  // Each step waits for its deliveries, so the lists below have a defined order.
  await b.evaluate(() => G.pub('chat.hello', { text: 'hi', n: [1, null], nested: { ok: true } }));
  await a.waitForFunction(() => G.received.length === 2, null, WAIT);
  await page.waitForFunction(() => T.received.length === 1, null, WAIT);
  await a.evaluate(() => G.pub('chat.room.1', 'from A'));
  await b.waitForFunction(() => G.received.length === 1, null, WAIT);
  await a.waitForFunction(() => G.received.length === 3, null, WAIT);
  await page.waitForFunction(() => T.received.length === 2, null, WAIT);
  await page.evaluate(() => T.publish('chat.fromPage', 42));
  assert.equal(await page.evaluate(() => T.received.length), 3, 'the page receives its own publish synchronously');
  await a.waitForFunction(() => G.received.length === 5, null, WAIT);
  // blocked.* is refused by onPublish; B's next publish proves it was routed (per-client order).
  await b.evaluate(() => { G.pub('blocked.x', 'dropped by onPublish'); G.pub('chat.marker', 'end'); });
  await page.waitForFunction(() => T.received.length === 4, null, WAIT);
  await a.waitForFunction(() => G.received.length === 7, null, WAIT);

  const hello = { text: 'hi', n: [1, null], nested: { ok: true } };
  assert.deepEqual(await a.evaluate(() => G.received.map((r) => [r.sub, r.topic, r.data])), [
    ['chat.*', 'chat.hello', hello],
    ['chat.**', 'chat.hello', hello],
    ['chat.**', 'chat.room.1', 'from A'],
    ['chat.*', 'chat.fromPage', 42],
    ['chat.**', 'chat.fromPage', 42],
    ['chat.*', 'chat.marker', 'end'],
    ['chat.**', 'chat.marker', 'end'],
  ]);
  assert.deepEqual(await b.evaluate(() => G.received.map((r) => [r.sub, r.topic, r.data])),
    [['chat.room.*', 'chat.room.1', 'from A']]);
  assert.deepEqual(await page.evaluate(() => T.received.map((r) => [r.sub, r.topic])),
    [['chat.**', 'chat.hello'], ['chat.**', 'chat.room.1'], ['chat.**', 'chat.fromPage'], ['chat.**', 'chat.marker']]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('no delivery after unsubscribe', async () => {
  const { page, errors } = await containerPage();
  const { a, b } = await twoGadgets(page);
  const { id } = await a.evaluate(() => G.sub('news.*'));
  await a.evaluate(() => G.sub('marker'));
  await b.evaluate(() => G.pub('news.1', 'first'));
  await a.waitForFunction(() => G.received.length === 1, null, WAIT);
  assert.equal(await a.evaluate((sid) => G.unsub(sid), id), true);
  await page.waitForFunction(() => T.events.some((e) => e[0] === 'unsubscribed' && e[1] === 'news.*'), null, WAIT);
  await b.evaluate(() => { G.pub('news.2', 'second'); G.pub('marker', 'end'); });
  await a.waitForFunction(() => G.received.some((r) => r.topic === 'marker'), null, WAIT);
  assert.deepEqual(await a.evaluate(() => G.received.map((r) => r.data)), ['first', 'end']);
  assert.deepEqual(errors, []);
  await page.close();
});

test('messages from a third frame, a wrong origin or with a wrong token are ignored', async () => {
  const { page, errors } = await containerPage();
  const { a } = await twoGadgets(page);
  await page.evaluate(([o]) => T.add('gadgetC', o), [{ spec: 'plain.xml', mid: 3, timeout: 3000, hopTo: local }]);
  await page.evaluate(() => {
    const third = document.createElement('iframe');
    third.id = 'third';
    third.src = '/third.html';
    document.body.appendChild(third);
    return new Promise((resolve) => third.addEventListener('load', resolve));
  });
  await page.evaluate(() => T.subscribe('chat.**'));
  await a.evaluate(() => G.sub('chat.*'));
  const tokenA = await page.evaluate(() => T.token('gadgetA'));
  const forged = (t, data, extra = {}) => JSON.stringify({ s: 'openajax.pubsub', f: 'gadgetA', c: 0, a: ['pub', 'chat.msg', data], t, l: false, ...extra });

  // A third frame that knows gadget A's name and token.
  const third = page.frames().find((f) => f.url().endsWith('/third.html'));
  await third.evaluate((text) => forge(text), forged(tokenA, 'from the third frame'));
  await page.waitForFunction(() => T.raw.some((r) => r.from === 'third'), null, WAIT);

  // Gadget A's own frame with a wrong token: dropped and reported.
  await a.evaluate((text) => parent.postMessage(text, '*'), forged('WRONG0', 'forged token'));
  await page.waitForFunction(() => T.alerts.some((x) => x[0] === 'gadgetA'), null, WAIT);
  assert.deepEqual(await page.evaluate(() => T.alerts), [['gadgetA', 'OpenAjax.hub.SecurityAlert.ForgedMsg']]);

  // Gadget C's document ended up on another origin than its URI: nothing it sends is accepted.
  const c = await findFrame(page, (f) => f.name() === 'gadgetC' && f.url().startsWith(local), 'gadget C on localhost');
  await c.waitForFunction(() => window.gadgets && gadgets.Hub, null, WAIT);
  const tokenC = await c.evaluate(() => /rpctoken=([^&]+)/.exec(location.hash)[1]);
  assert.equal(tokenC, await page.evaluate(() => T.token('gadgetC')));
  await c.evaluate((text) => parent.postMessage(text, '*'),
    JSON.stringify({ s: 'openajax.pubsub', f: 'gadgetC', c: 0, a: ['pub', 'chat.msg', 'wrong origin'], t: tokenC, l: false }));
  await page.waitForFunction(() => T.raw.filter((r) => r.from === 'gadgetC').length >= 3, null, WAIT);
  assert.ok(await page.evaluate(() => T.logs.some((m) => m.includes('gadgetC') && m.includes('unexpected origin'))));
  assert.equal(await page.evaluate(() => T.connected('gadgetC')), 0);

  // A forged delivery into gadget A from the third frame is ignored by the runtime.
  const rawBefore = await a.evaluate(() => G.raw);
  await third.evaluate(([text]) => forge(text, 'gadgetA'),
    [JSON.stringify({ s: 'openajax.pubsub', f: '..', c: 0, a: ['pub', 'chat.msg', 'forged delivery', '0'], t: tokenA, l: false })]);
  await a.waitForFunction((n) => G.raw > n, rawBefore, WAIT);

  // The real channel still works, and nothing forged got through.
  await a.evaluate(() => G.pub('chat.msg', 'genuine'));
  await page.waitForFunction(() => T.received.length > 0, null, WAIT);
  await a.waitForFunction(() => G.received.length > 0, null, WAIT);
  assert.deepEqual(await page.evaluate(() => T.received.map((r) => r.data)), ['genuine']);
  assert.deepEqual(await a.evaluate(() => G.received.map((r) => r.data)), ['genuine']);

  // C never connects: the load timeout fires, and the container then ignores it entirely.
  await page.waitForFunction(() => T.alerts.some((x) => x[0] === 'gadgetC'), null, WAIT);
  assert.deepEqual(await page.evaluate(() => T.alerts.filter((x) => x[0] === 'gadgetC')),
    [['gadgetC', 'OpenAjax.hub.SecurityAlert.LoadTimeout']]);
  assert.equal(await page.evaluate(() => T.containers.gadgetC.getIframe().style.visibility), 'hidden');
  assert.deepEqual(errors, []);
  await page.close();
});

test('adjustHeight resizes the iframe; setTitle and requestNavigateTo reach the page', async () => {
  const { page, errors } = await containerPage();
  const { a, b } = await twoGadgets(page);
  const height = (id) => page.evaluate((i) => T.containers[i].getIframe().style.height, id);
  await a.evaluate(() => gadgets.window.adjustHeight(321));
  await page.waitForFunction(() => T.containers.gadgetA.getIframe().style.height === '321px', null, WAIT);
  await a.evaluate(() => gadgets.window.adjustHeight());
  await page.waitForFunction(() => T.containers.gadgetA.getIframe().style.height !== '321px', null, WAIT);
  const measured = parseInt(await height('gadgetA'), 10);
  assert.ok(measured >= 250 && measured <= 300, `measured height ${measured}`);
  await b.evaluate(() => gadgets.window.adjustHeight(123));
  await page.waitForFunction(() => T.containers.gadgetB.getIframe().style.height === '123px', null, WAIT);
  assert.deepEqual(await page.evaluate(() => T.resizes), [['gadgetA', 321], ['gadgetA', measured], ['gadgetB', 123]]);

  await b.evaluate(() => { gadgets.window.setTitle('<b>Queue</b>'); gadgets.views.requestNavigateTo('canvas', { q: 1 }); });
  await page.waitForFunction(() => T.navs.length === 1, null, WAIT);
  assert.deepEqual(await page.evaluate(() => [T.titles, T.navs]),
    [[['gadgetB', '<b>Queue</b>']], [['gadgetB', 'canvas', { q: 1 }]]]);
  assert.deepEqual(errors, []);
  await page.close();
});

test('set_pref persists per gadget spec URL, secrets never', async () => {
  const { page, errors } = await containerPage();
  const { a, b } = await twoGadgets(page);
  await a.evaluate(() => {
    const prefs = new gadgets.Prefs();
    prefs.set('authorization', 'bmV3OmNyZWQ=');
    prefs.set('agentPassword', 'pw', 'color', 'blue<b>');
  });
  await page.waitForFunction(() => T.prefs.length > 0, null, WAIT);
  assert.deepEqual(await page.evaluate(() => T.prefs), [['gadgetA', 'color', 'blue<b>']]);
  assert.equal(await a.evaluate(() => new gadgets.Prefs().getString('authorization')), 'bmV3OmNyZWQ=');
  const stored = await page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
  assert.deepEqual(stored, { [`test.prefs.${server.url}/specs/hub.xml`]: JSON.stringify({ color: 'blue<b>' }) });
  assert.deepEqual(await page.evaluate((u) => T.store.load(u), `${server.url}/specs/hub.xml`), { color: 'blue<b>' });
  assert.equal(await b.evaluate(() => { try { new gadgets.Prefs().set('color', 'x'); return 'no error'; } catch (e) { return e.message; } }),
    'setprefs feature required to make this call.');
  assert.deepEqual(errors, []);
  await page.close();
});

test('loading indicator: dismissed after load, or Retry after loading-timeout with manual-dismiss', async () => {
  const { page, errors } = await containerPage();
  await twoGadgets(page, { a: { loadingIndicator: true }, b: { loadingIndicator: { timeout: 30 } } });
  await page.waitForFunction(() => T.indicatorState('gadgetA') === 'hidden' && T.indicatorState('gadgetB') === 'hidden', null, WAIT);
  const calls = await page.evaluate(() => T.indicator);
  assert.deepEqual(calls.filter((x) => x[0] === 'gadgetA'),
    [['gadgetA', 'config', { timeout: 10, manualDismiss: false }], ['gadgetA', 'dismiss', null]]);
  assert.deepEqual(calls.filter((x) => x[0] === 'gadgetB'), [['gadgetB', 'dismiss', null]], 'no feature: no indicator');
  const hidden = await page.evaluate(() => getComputedStyle(T.containers.gadgetA.getLoadingIndicator().element).display);
  assert.equal(hidden, 'none');

  await page.evaluate(() => T.add('gadgetD', { spec: 'manual.xml', mid: 4, loadingIndicator: { retryText: 'Try again' } }));
  const d = await gadget(page, 'gadgetD');
  assert.deepEqual(await page.evaluate(() => T.indicator.filter((x) => x[0] === 'gadgetD')),
    [['gadgetD', 'config', { timeout: 1, manualDismiss: true }]], 'manual-dismiss: not dismissed after load');
  assert.notEqual(await page.evaluate(() => T.indicatorState('gadgetD')), 'hidden');
  await d.evaluate(() => gadgets.loadingindicator.updateTimeoutMessage('<i>Slow</i>'));
  await page.waitForFunction(() => T.indicatorState('gadgetD') === 'retry', null, WAIT);
  const overlay = await page.evaluate(() => {
    const el = T.containers.gadgetD.getLoadingIndicator().element;
    return { text: el.textContent, html: el.querySelector('p').innerHTML, button: el.querySelector('button').textContent };
  });
  assert.deepEqual(overlay, { text: '<i>Slow</i>Try again', html: '&lt;i&gt;Slow&lt;/i&gt;', button: 'Try again' });

  await page.click('#frames .finesse-loadingindicator-retry:visible');
  const reloaded = await gadget(page, 'gadgetD', 2);
  assert.equal(await reloaded.evaluate(() => G.connects), 1, 'a new document');
  assert.notEqual(await page.evaluate(() => T.indicatorState('gadgetD')), 'hidden');
  await reloaded.evaluate(() => gadgets.loadingindicator.dismiss());
  await page.waitForFunction(() => T.indicatorState('gadgetD') === 'hidden', null, WAIT);
  assert.equal(await page.evaluate(() => document.querySelectorAll('iframe[name=gadgetD]').length), 1);
  assert.deepEqual(errors, []);
  await page.close();
});
