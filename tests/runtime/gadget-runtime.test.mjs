// Node unit tests of gadget-runtime.js in a `vm` context with a fake window: gadgets.util,
// gadgets.Prefs, the hub client's side of the wire protocol, gadgets.window/views/
// loadingindicator RPCs and gadgets.io.makeRequest against a fake proxy.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadRuntime, fakeParent, plain, runtimeSource } from './helpers.mjs';

const ORIGIN = 'http://127.0.0.1:8080';
const TOKEN = 'Tok-12';
const SPEC = `${ORIGIN}/specs/a.xml`;
const HREF = `${ORIGIN}/gadgets/ifr?url=${encodeURIComponent(SPEC)}&mid=7&lang=de&country=&view=canvas` +
  '&up_color=red%3Cb%3E&up_count=42&up_flag=1&up_list=a%7Cb%257Cc|d' +
  `#rpctoken=${TOKEN}&oahParent=${encodeURIComponent(ORIGIN)}&up_color=blue`;

const features = (extra = {}) => ({ 'pubsub-2': {}, ...extra });
function config(win, core = features()) {
  win.gadgets.config.init({
    'core.util': core,
    'core.io': { jsonProxyUrl: '/gadgets/makeRequest' },
    'finesse.container': { specUrl: SPEC, mid: '7', view: 'default', lang: 'en', country: 'GB' },
  });
}

/** A runtime in a frame named `g1` with a fake parent; `send` plays the container. */
function framed(opts = {}) {
  const parent = fakeParent();
  const env = loadRuntime({ href: HREF, name: 'g1', parent, ...opts });
  const send = (s, a, { c = 0, t = TOKEN, f = '..', source = parent, origin = ORIGIN } = {}) =>
    env.dispatch(JSON.stringify({ s, f, c, a, t, l: false }), { source, origin });
  const last = () => parent.posted.at(-1).msg;
  return { ...env, parent, send, last };
}

/** framed() + config + onload + the connect handshake, with private prefs. */
function connected({ core, prefs = { authorization: 'YWdlbnQ6cHc=' }, onConnect } = {}) {
  const env = framed();
  config(env.win, core);
  env.win.gadgets.HubSettings.onConnect = onConnect;
  env.win.gadgets.util.runOnLoadHandlers();
  const con = env.last();
  assert.deepEqual(plain(con.a), ['con']);
  env.send('openajax.pubsub', ['cmd', 'con', { prefs }], { c: 1 });
  assert.deepEqual(plain(env.last()), { s: '__cb', f: 'g1', c: 0, a: [1, true], t: TOKEN, l: false });
  env.send('__cb', [con.c, true]);
  return env;
}

test('the runtime can be inlined in a script element', () => {
  const source = runtimeSource();
  assert.ok(!/<\/script/i.test(source), 'contains a closing script tag');
  assert.ok(!source.includes('<!--'), 'contains an HTML comment opener');
});

test('escapeString and unescapeString', () => {
  const { win } = loadRuntime({ href: HREF });
  const { escapeString, unescapeString } = win.gadgets.util;
  assert.equal(escapeString('a<b>"c"\'d\'\\e\n\r'), 'a&#60;b&#62;&#34;c&#34;&#39;d&#39;&#92;e&#10;&#13;');
  assert.equal(escapeString('x\u2028y\u2029z\uFF1C'), 'x&#8232;y&#8233;z&#65308;');
  assert.equal(escapeString('nul\u0000gone'), 'nulgone');
  assert.equal(escapeString('YWdlbnQ6cHc=+/&'), 'YWdlbnQ6cHc=+/&');
  assert.equal(escapeString(''), '');
  assert.equal(escapeString(null), null);
  assert.equal(unescapeString('a&#60;b&#62;&#34;&#128512;&amp;'), 'a<b>"\u{1F600}&amp;');
  assert.equal(unescapeString(escapeString('<x y="1">\'\\')), '<x y="1">\'\\');
  assert.equal(unescapeString('&#99999999;'), '&#99999999;');
  assert.deepEqual(plain(win.gadgets.util.escape({ 'k<': ['<', 1] }, true)), { 'k&#60;': ['&#60;', 1] });
});

test('getUrlParameters: query and fragment, fragment wins, decoding, cache', () => {
  const { win } = loadRuntime({ href: HREF });
  const params = win.gadgets.util.getUrlParameters();
  assert.equal(params.url, SPEC);
  assert.equal(params.mid, '7');
  assert.equal(params.country, '');
  assert.equal(params.up_color, 'blue');
  assert.equal(params.rpctoken, TOKEN);
  assert.equal(params.oahParent, ORIGIN);
  assert.equal(win.gadgets.util.getUrlParameters(), params, 'cached');
  const other = plain(win.gadgets.util.getUrlParameters('http://h/p?a=1+2&b=%E0%A4%A&c&=x&d=%C3%A9#a=3'));
  assert.deepEqual(other, { a: '3', d: 'é' });
  assert.deepEqual(plain(win.gadgets.util.getUrlParameters('http://h/p?x=a+b%2Bc')), { x: 'a b+c' });
});

test('Prefs: up_ params, defaults, messages and the getters', () => {
  const { win } = loadRuntime({ href: HREF });
  config(win);
  win.gadgets.Prefs.setMessages_({ hello: 'Hallo <Welt>' });
  win.gadgets.Prefs.setDefaultPrefs_({ color: 'green', fallback: 'def', count: '1' });
  const prefs = new win.gadgets.Prefs();
  assert.equal(new win.gadgets.Prefs(), prefs, 'one instance');
  assert.equal(prefs.getString('color'), 'blue');
  assert.equal(prefs.getString('fallback'), 'def');
  assert.equal(prefs.getString('missing'), '');
  assert.equal(prefs.getInt('count'), 42);
  assert.equal(prefs.getInt('color'), 0);
  assert.equal(prefs.getFloat('count'), 42);
  assert.equal(prefs.getBool('flag'), true);
  assert.equal(prefs.getBool('color'), false);
  assert.equal(prefs.getBool('missing'), false);
  assert.deepEqual(plain(prefs.getArray('list')), ['a', 'b|c', 'd']);
  assert.deepEqual(plain(prefs.getArray('missing')), []);
  assert.equal(prefs.getMsg('hello'), 'Hallo <Welt>');
  assert.equal(prefs.getMsg('nope'), '');
  assert.equal(prefs.getLang(), 'de');
  assert.equal(prefs.getCountry(), 'GB', 'empty URL country falls back to the config');
  assert.equal(prefs.getModuleId(), '7');
  win.gadgets.Prefs.setInternal_('markup', '<script>"x"</script>');
  assert.equal(prefs.getString('markup'), '&#60;script&#62;&#34;x&#34;&#60;/script&#62;');
});

test('Prefs.set and setArray throw without the setprefs feature', () => {
  const { win, parent } = framed();
  config(win);
  const prefs = new win.gadgets.Prefs();
  assert.throws(() => prefs.set('color', 'x'), { message: 'setprefs feature required to make this call.' });
  assert.throws(() => prefs.setArray('list', ['x']), { message: 'setprefs feature required to make this call.' });
  assert.equal(prefs.getString('color'), 'blue');
  assert.ok(!parent.posted.some((p) => p.msg.s === 'set_pref'));
});

test('Prefs.set with setprefs sends set_pref only when something changed', () => {
  const { win, parent } = framed();
  config(win, features({ setprefs: {} }));
  const prefs = new win.gadgets.Prefs();
  prefs.set('color', 'blue');
  assert.ok(!parent.posted.some((p) => p.msg.s === 'set_pref'), 'unchanged value sent');
  prefs.set('color', 'green', 'size', 3);
  assert.equal(prefs.getString('color'), 'green');
  assert.equal(prefs.getInt('size'), 3);
  prefs.setArray('list', ['x|y', 'z']);
  assert.deepEqual(plain(prefs.getArray('list')), ['x|y', 'z']);
  const sent = parent.posted.filter((p) => p.msg.s === 'set_pref').map((p) => plain(p.msg.a));
  assert.deepEqual(sent, [[TOKEN, 'color', 'green', 'size', '3'], [TOKEN, 'list', 'x%7Cy|z']]);
});

test('onload handlers: order, errors logged, late handlers run at once', () => {
  const { win, logs } = loadRuntime({ href: HREF });
  const order = [];
  win.gadgets.util.registerOnLoadHandler(() => order.push(1));
  win.gadgets.util.registerOnLoadHandler(() => { throw new Error('handler broke'); });
  win.gadgets.util.registerOnLoadHandler(() => order.push(3));
  assert.deepEqual(order, []);
  win.gadgets.util.runOnLoadHandlers();
  win.gadgets.util.runOnLoadHandlers();
  assert.deepEqual(order, [1, 3]);
  win.gadgets.util.registerOnLoadHandler(() => order.push('late'));
  assert.deepEqual(order, [1, 3, 'late']);
  assert.ok(logs.some((l) => l.level === 'error' && l.text.includes('handler broke')));
});

test('features, closures, enums and json', () => {
  const { win } = loadRuntime({ href: HREF });
  const util = win.gadgets.util;
  assert.equal(util.hasFeature('pubsub-2'), false, 'before config init');
  config(win, features({ loadingindicator: { 'loading-timeout': '5', 'manual-dismiss': 'true' } }));
  assert.equal(util.hasFeature('pubsub-2'), true);
  assert.equal(util.hasFeature('toString'), false);
  assert.deepEqual(plain(util.getFeatureParameters('loadingindicator')), { 'loading-timeout': '5', 'manual-dismiss': 'true' });
  assert.equal(util.getFeatureParameters('setprefs'), null);
  const add = util.makeClosure({ base: 10 }, function (a, b) { return this.base + a + b; }, 1);
  assert.equal(add(2), 13);
  assert.deepEqual(plain(util.makeEnum(['A', 'B'])), { A: 'A', B: 'B' });
  assert.equal(win.gadgets.json.parse('{bad'), false);
  assert.deepEqual(plain(win.gadgets.json.parse('{"a":[1]}')), { a: [1] });
  assert.equal(win.gadgets.json.stringify({ a: 1 }), '{"a":1}');
  assert.equal(win.gadgets.views.getCurrentView().getName(), 'canvas');
});

test('handshake: __ack at load, con at onload, private prefs before onConnect', async () => {
  const env = framed();
  const { win, parent } = env;
  assert.deepEqual(plain(parent.posted[0].msg), { s: '__ack', f: 'g1', c: 0, a: [], t: TOKEN, l: false });
  assert.equal(parent.posted[0].targetOrigin, ORIGIN);
  config(win);
  const seen = [];
  win.gadgets.HubSettings.onConnect = function (client, ok) {
    seen.push({ ok, same: client === win.gadgets.Hub, connected: client.isConnected(),
      auth: new win.gadgets.Prefs().getString('authorization') });
  };
  assert.equal(win.gadgets.Hub, undefined);
  win.gadgets.util.runOnLoadHandlers();
  assert.equal(win.gadgets.Hub.isConnected(), false);
  assert.throws(() => win.gadgets.Hub.publish('a', 1), { message: 'OpenAjax.hub.Error.Disconnected' });
  assert.throws(() => win.gadgets.Hub.subscribe('a', () => {}), { message: 'OpenAjax.hub.Error.Disconnected' });
  assert.throws(() => win.gadgets.Hub.connect(), { message: 'OpenAjax.hub.Error.Duplicate' });
  const con = env.last();
  assert.equal(con.s, 'openajax.pubsub');
  assert.deepEqual(plain(con.a), ['con']);
  assert.ok(con.c > 0);
  env.send('openajax.pubsub', ['cmd', 'con', { prefs: { authorization: 'YWdlbnQ6cHc=', n: 5, bad: { x: 1 } } }], { c: 9 });
  assert.deepEqual(plain(env.last().a), [9, true]);
  assert.deepEqual(seen, []);
  env.send('__cb', [con.c, true]);
  assert.deepEqual(seen, [{ ok: true, same: true, connected: true, auth: 'YWdlbnQ6cHc=' }]);
  assert.equal(await win.gadgets.HubSettings.connected, win.gadgets.Hub);
  const prefs = new win.gadgets.Prefs();
  assert.equal(prefs.getInt('n'), 5);
  assert.equal(prefs.getString('bad'), '');
  assert.equal(win.gadgets.Hub.getClientID(), 'g1');
  assert.equal(win.gadgets.Hub.getPartnerOrigin(), 'http://127.0.0.1');
  assert.equal(win.gadgets.Hub.getScope().gadgets, win.gadgets, 'the default scope is the window');
  assert.ok(!parent.posted.some((p) => p.text.includes('YWdlbnQ6cHc')), 'the credential was sent back');
});

test('messages from another window, origin or token are ignored', () => {
  const alerts = [];
  const env = connected();
  const { win } = env;
  win.gadgets.Hub.getParameters().HubClient.onSecurityAlert = (client, alert) => alerts.push(alert);
  const got = [];
  const id = win.gadgets.Hub.subscribe('t.*', (t, d) => got.push(d));
  env.send('__cb', [env.last().c, '']);
  env.send('openajax.pubsub', ['pub', 't.x', 'good', id]);
  env.send('openajax.pubsub', ['pub', 't.x', 'other window', id], { source: {} });
  env.send('openajax.pubsub', ['pub', 't.x', 'other origin', id], { origin: 'http://localhost:8080' });
  env.send('openajax.pubsub', ['pub', 't.x', 'not from the parent', id], { f: 'g2' });
  env.send('openajax.pubsub', ['pub', 't.x', 'forged', id], { t: 'WRONG1' });
  env.dispatch('not json', { origin: ORIGIN });
  env.dispatch({ object: true }, { origin: ORIGIN });
  env.dispatch('{"s":1}', { origin: ORIGIN });
  env.send('openajax.pubsub', ['pub', 't.x', 'unknown subscription', '77']);
  assert.deepEqual(got, ['good']);
  assert.deepEqual(alerts, ['OpenAjax.hub.SecurityAlert.ForgedMsg']);
});

test('subscribe, publish, unsubscribe on the wire; callbacks and errors', () => {
  const env = connected();
  const { win, parent } = env;
  const hub = win.gadgets.Hub;
  const events = [];
  const scope = { tag: 'scope' };
  const id = hub.subscribe('a.*', function (topic, data, sd) { events.push(['data', this.tag, topic, plain(data), sd]); },
    scope, function (sid, ok, err) { events.push(['sub', this.tag, sid, ok, err]); }, 'sd');
  assert.equal(id, '0');
  const sub = env.last();
  assert.deepEqual(plain(sub.a), ['sub', 'a.*', '0']);
  assert.equal(hub.getSubscriberData(id), 'sd');
  assert.equal(hub.getSubscriberScope(id), scope);
  hub.publish('a.b', { n: [1, null], u: undefined });
  assert.deepEqual(plain(env.last().a), ['pub', 'a.b', { n: [1, null] }]);
  assert.equal(env.last().c, 0);
  env.send('__cb', [sub.c, '']);
  env.send('openajax.pubsub', ['pub', 'a.b', { n: 1 }, '0']);
  assert.deepEqual(events, [['sub', 'scope', '0', true, ''], ['data', 'scope', 'a.b', { n: 1 }, 'sd']]);

  // A refused subscription is removed locally.
  const refused = hub.subscribe('forbidden', () => events.push('never'), null, (sid, ok, err) => events.push([sid, ok, err]));
  env.send('__cb', [env.last().c, 'OpenAjax.hub.Error.NotAllowed']);
  assert.deepEqual(events.at(-1), ['1', false, 'OpenAjax.hub.Error.NotAllowed']);
  assert.throws(() => hub.getSubscriberData(refused), { message: 'OpenAjax.hub.Error.NoSubscription' });

  const done = [];
  hub.unsubscribe(id, (sid, ok) => done.push([sid, ok]));
  const uns = env.last();
  assert.deepEqual(plain(uns.a), ['uns', null, '0']);
  env.send('openajax.pubsub', ['pub', 'a.b', 'after unsubscribe', '0']);
  assert.equal(events.filter((e) => e[0] === 'data').length, 1, 'delivered after unsubscribe');
  env.send('__cb', [uns.c, '0']);
  assert.deepEqual(done, [['0', true]]);
  assert.throws(() => hub.unsubscribe(id), { message: 'OpenAjax.hub.Error.NoSubscription' });
  assert.throws(() => hub.unsubscribe(''), { message: 'OpenAjax.hub.Error.BadParameters' });
  assert.throws(() => hub.subscribe('a..b', () => {}), { message: 'OpenAjax.hub.Error.BadParameters' });
  assert.throws(() => hub.subscribe('a', null), { message: 'OpenAjax.hub.Error.BadParameters' });
  assert.throws(() => hub.publish('a.*', 1), { message: 'OpenAjax.hub.Error.BadParameters' });
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => hub.publish('a', cyclic), { message: 'OpenAjax.hub.Error.BadParameters' });
  // Every message went to the parent's exact origin, in call order.
  assert.ok(parent.posted.every((p) => p.targetOrigin === ORIGIN));
});

test('a throwing callback is logged and does not break delivery', () => {
  const env = connected();
  const { win, logs } = env;
  const got = [];
  const bad = win.gadgets.Hub.subscribe('x', () => { throw new Error('gadget bug'); });
  const good = win.gadgets.Hub.subscribe('x', (t, d) => got.push(d));
  env.send('openajax.pubsub', ['pub', 'x', 1, bad]);
  env.send('openajax.pubsub', ['pub', 'x', 2, good]);
  assert.deepEqual(got, [2]);
  assert.ok(logs.some((l) => l.text.includes('gadget bug')));
});

test('timer ticks are rebuilt as TimerTickEvent objects', () => {
  const env = connected();
  const ticks = [];
  const topic = 'finesse.containerservices.timerTickEvent';
  const id = env.win.gadgets.Hub.subscribe(topic, (t, d) => ticks.push(d));
  env.send('openajax.pubsub', ['pub', topic, { dateQueued: 1700000000000, tickFrequency: 1000 }, id]);
  env.send('openajax.pubsub', ['pub', topic, { other: 1 }, id]);
  assert.equal(ticks[0].getDateQueued().getTime(), 1700000000000);
  assert.equal(ticks[0].getDateQueued().constructor.name, 'Date');
  assert.equal(ticks[0].getTickFrequency(), 1000);
  assert.deepEqual(plain(ticks[1]), { other: 1 });
});

test('disconnect: immediate, subscriptions gone, completion after the answer', () => {
  const env = connected();
  const hub = env.win.gadgets.Hub;
  const got = [];
  const id = hub.subscribe('x', (t, d) => got.push(d));
  const done = [];
  hub.disconnect((client, ok) => done.push(ok));
  assert.equal(hub.isConnected(), false);
  assert.equal(hub.getPartnerOrigin(), null);
  const dis = env.last();
  assert.deepEqual(plain(dis.a), ['dis']);
  env.send('openajax.pubsub', ['pub', 'x', 1, id]);
  env.send('__cb', [dis.c, true]);
  assert.deepEqual(got, []);
  assert.deepEqual(done, [true]);
  assert.throws(() => hub.disconnect(), { message: 'OpenAjax.hub.Error.Disconnected' });
});

test('no parent: the hub never connects and RPCs are no-ops', () => {
  const { win, logs } = loadRuntime({ href: HREF });
  config(win);
  let called = false;
  win.gadgets.HubSettings.onConnect = () => { called = true; };
  win.gadgets.util.runOnLoadHandlers();
  win.gadgets.window.setTitle('x');
  assert.equal(win.gadgets.Hub.isConnected(), false);
  assert.equal(called, false);
  assert.ok(logs.some((l) => l.text.includes('no container')));
});

test('window, views and loadingindicator RPCs', () => {
  const env = framed();
  const { win, parent } = env;
  config(win, features({ loadingindicator: { 'loading-timeout': '3' } }));
  win.gadgets.window.adjustHeight(120);
  win.gadgets.window.adjustHeight('120');
  win.gadgets.window.adjustHeight(0);
  win.gadgets.window.adjustHeight(); // no document: a measured 0 is ignored
  win.gadgets.window.setTitle('Title <b>');
  win.gadgets.views.requestNavigateTo('canvas', { a: 1 });
  win.gadgets.views.requestNavigateTo(new win.gadgets.views.View('default'));
  win.gadgets.views.requestNavigateTo('');
  win.gadgets.loadingindicator.updateLoadingMessage('Wait');
  win.gadgets.util.runOnLoadHandlers();
  const rpcs = parent.posted.map((p) => p.msg).filter((m) => m.s !== '__ack' && m.s !== 'openajax.pubsub')
    .map((m) => [m.s, ...plain(m.a)]);
  assert.deepEqual(rpcs, [
    ['loadingindicator', 'config', { timeout: 3, manualDismiss: false }],
    ['resize_iframe', 120],
    ['resize_iframe', 0],
    ['set_title', 'Title <b>'],
    ['requestNavigateTo', 'canvas', { a: 1 }, null],
    ['requestNavigateTo', 'default', null, null],
    ['loadingindicator', 'updateLoadingMessage', 'Wait'],
    ['loadingindicator', 'dismiss'],
  ]);
});

test('loadingindicator: manual-dismiss keeps it, no feature dismisses at once', () => {
  const manual = framed();
  config(manual.win, features({ loadingindicator: { 'manual-dismiss': 'true' } }));
  manual.win.gadgets.util.runOnLoadHandlers();
  const manualCalls = manual.parent.posted.map((p) => p.msg).filter((m) => m.s === 'loadingindicator').map((m) => plain(m.a));
  assert.deepEqual(manualCalls, [['config', { timeout: 10, manualDismiss: true }]]);
  const none = framed();
  config(none.win);
  const noneCalls = none.parent.posted.map((p) => p.msg).filter((m) => m.s === 'loadingindicator').map((m) => plain(m.a));
  assert.deepEqual(noneCalls, [['dismiss']]);
});

/** A fake fetch that records the request and answers like the proxy. */
function fakeProxy(answer) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, init });
    const { status = 200, text } = typeof answer === 'function' ? answer(url, init) : answer;
    return { status, text: async () => text };
  };
  return { fetch, requests };
}

const CRUFT = "throw 1; < don't be evil' >";
const REST = 'http://localhost:8082/finesse/api/User/1001';

function makeRequest(win, url, params) {
  return new Promise((resolve) => win.gadgets.io.makeRequest(url, resolve, params));
}

test('makeRequest posts the proxy fields to the same-origin proxy, credentials only in the body', async () => {
  const proxy = fakeProxy({ text: `${CRUFT}${JSON.stringify({ [REST]: {
    rc: 202, body: '<User/>', headers: { RequestId: ['r-1'], 'Content-Type': 'application/xml', 'X-Many': ['a', 'b'] },
  } })}` });
  const { win } = loadRuntime({ href: HREF, fetch: proxy.fetch });
  config(win);
  const P = win.gadgets.io.RequestParameters;
  const resp = await makeRequest(win, REST, {
    [P.METHOD]: 'PUT',
    [P.HEADERS]: { Authorization: 'Basic YWdlbnQ6cHc=', 'Content-Type': 'application/xml', requestId: 'r-1' },
    [P.POST_DATA]: '<User><state>READY</state></User>',
    [P.GET_FULL_HEADERS]: 'true',
    [P.REFRESH_INTERVAL]: 0,
  });
  assert.equal(proxy.requests.length, 1);
  const { url, init } = proxy.requests[0];
  assert.equal(url, `${ORIGIN}/gadgets/makeRequest`);
  assert.ok(!url.includes('YWdlbnQ6cHc'), 'credential in the URL');
  assert.equal(init.method, 'POST');
  const body = Object.fromEntries(new URLSearchParams(init.body));
  assert.deepEqual(body, {
    url: REST, httpMethod: 'PUT',
    headers: 'Authorization=Basic%20YWdlbnQ6cHc%3D&Content-Type=application%2Fxml&requestId=r-1',
    postData: '<User><state>READY</state></User>', authz: 'none', st: '', contentType: 'TEXT', numEntries: '3',
    getSummaries: 'false', signOwner: 'true', signViewer: 'true', gadget: SPEC, container: 'default',
    bypassSpecCache: '', getFullHeaders: 'true', refresh: '0',
  });
  assert.deepEqual(plain(resp), {
    text: '<User/>', rc: 202, errors: [], data: '<User/>',
    headers: { requestid: ['r-1'], 'content-type': ['application/xml'], 'x-many': ['a', 'b'] },
  });
});

test('makeRequest responses: errors, JSON, missing prefix, proxy failures', async () => {
  let next;
  const proxy = fakeProxy(() => next);
  const { win } = loadRuntime({ href: HREF, fetch: proxy.fetch });
  config(win);
  const answer = (entry) => ({ text: CRUFT + JSON.stringify({ [REST]: entry }) });

  next = answer({ rc: 404, body: '<ApiErrors/>' });
  assert.deepEqual(plain(await makeRequest(win, REST)), { text: '<ApiErrors/>', rc: 404, errors: ['404 Error'] });

  next = answer({ rc: 200, body: '{"a":[1,2]}' });
  const json = await makeRequest(win, REST, { CONTENT_TYPE: 'JSON' });
  assert.deepEqual(plain(json.data), { a: [1, 2] });
  assert.deepEqual(plain(json.errors), []);

  next = answer({ rc: 200, body: '{oops' });
  const badJson = await makeRequest(win, REST, { CONTENT_TYPE: 'JSON' });
  assert.equal(badJson.rc, 500);
  assert.deepEqual(plain(badJson.errors), ['500 Failed to parse JSON']);

  next = answer({ body: 'plain' });
  const defaults = await makeRequest(win, REST);
  assert.equal(defaults.rc, 200);
  assert.equal(defaults.data, 'plain');
  assert.equal(defaults.headers, undefined);
  assert.equal(Object.fromEntries(new URLSearchParams(proxy.requests.at(-1).init.body)).httpMethod, 'GET');

  next = { text: JSON.stringify({ [REST]: { rc: 200, body: 'x' } }) };
  const noPrefix = await makeRequest(win, REST);
  assert.equal(noPrefix.rc, 500);

  next = answer({ rc: 200, body: 'for another url' });
  assert.equal((await makeRequest(win, `${REST}/other`)).rc, 500);

  next = { status: 403, text: 'host not allowed' };
  assert.deepEqual(plain(await makeRequest(win, REST)), { errors: ['Error 403'], rc: 403, text: 'host not allowed' });

  const posted = proxy.requests.length;
  assert.equal((await makeRequest(win, '')).rc, 400);
  assert.equal(proxy.requests.length, posted, 'an empty URL reached the proxy');
});

test('makeRequest refuses a proxy on another origin and survives network errors', async () => {
  const proxy = fakeProxy({ text: '' });
  const { win } = loadRuntime({ href: HREF, fetch: proxy.fetch });
  win.gadgets.config.init({ 'core.io': { jsonProxyUrl: 'http://evil.example/gadgets/makeRequest' } });
  const resp = await makeRequest(win, REST, { HEADERS: { Authorization: 'Basic c2VjcmV0' } });
  assert.equal(resp.rc, 500);
  assert.equal(proxy.requests.length, 0);

  const failing = loadRuntime({ href: HREF, fetch: async () => { throw new Error('offline'); } });
  config(failing.win);
  const down = await makeRequest(failing.win, REST);
  assert.equal(down.rc, 500);
  assert.deepEqual(plain(down.errors), ['500 Error']);
});

test('getClientID drops the suffix the container added when the id was taken (oahId)', () => {
  const parent = fakeParent();
  const { win } = loadRuntime({ href: `${HREF}&oahId=9f3a`, name: 'g1_9f3a', parent });
  assert.equal(parent.posted[0].msg.f, 'g1_9f3a', 'the wire sender is the frame name');
  win.gadgets.util.runOnLoadHandlers();
  assert.equal(win.gadgets.Hub.getClientID(), 'g1');
});
