// Node unit tests of container-hub.js without a DOM: ManagedHub (validation, matching, routing
// order, nested publishes, unsubscribe, policies, client clean-up), PrefStore and tokens.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadContainerHub } from './helpers.mjs';

const H = loadContainerHub();
const E = H.Error;

const allowAll = () => ({ onPublish: () => true, onSubscribe: () => true });
const hubError = (name) => ({ message: `OpenAjax.hub.Error.${name}` });

/** A minimal container for the *ForClient API: records what the hub sends it. */
function fakeContainer(id) {
  return {
    sent: [],
    removed: 0,
    getClientID: () => id,
    sendToClient(topic, data, subId) { this.sent.push([topic, data, subId]); },
    remove() { this.removed += 1; },
  };
}

test('ManagedHub requires onPublish and onSubscribe', () => {
  assert.throws(() => new H.ManagedHub(), hubError('BadParameters'));
  assert.throws(() => new H.ManagedHub({ onPublish: () => true }), hubError('BadParameters'));
  assert.throws(() => new H.ManagedHub({ onSubscribe: () => true }), hubError('BadParameters'));
  assert.ok(new H.ManagedHub(allowAll()).isConnected());
});

test('topic validation follows the reference implementation', () => {
  const sub = H.topics.isValidSubscribeTopic;
  const pub = H.topics.isValidPublishTopic;
  for (const t of ['a', 'a.b', '*', '**', 'a.*', 'a.**', '*.b.*', 'a.*.**', 'finesse.api.User.1001',
    'with space.x', 'a/b:c-d']) {
    assert.ok(sub(t), `subscribe ${t}`);
  }
  for (const t of ['', 'a..b', '.a', 'a.', 'a.**.b', '**.a', 'a*', 'a.b*', '***', 'a.*b', null, 42, undefined]) {
    assert.ok(!sub(t), `subscribe ${t}`);
  }
  for (const t of ['a', 'a.b', 'finesse.info.responses.1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'x y.z']) {
    assert.ok(pub(t), `publish ${t}`);
  }
  for (const t of ['', 'a..b', '.a', 'a.', 'a.*', '*', 'a*b', '**', null, {}]) {
    assert.ok(!pub(t), `publish ${t}`);
  }
  const hub = new H.ManagedHub(allowAll());
  assert.throws(() => hub.subscribe('a..b', () => {}), hubError('BadParameters'));
  assert.throws(() => hub.subscribe('a.b', 'not a function'), hubError('BadParameters'));
  assert.throws(() => hub.publish('a.*', 1), hubError('BadParameters'));
  assert.throws(() => hub.publish('', 1), hubError('BadParameters'));
});

test('wildcard matching table (routing and topics.matches agree)', () => {
  const table = [
    ['a.b', 'a.b', true], ['a.b', 'a.c', false], ['a.b', 'a', false], ['a.b', 'a.b.c', false],
    ['a.*', 'a.b', true], ['a.*', 'a', false], ['a.*', 'a.b.c', false],
    ['*', 'a', true], ['*', 'a.b', false],
    ['*.b', 'a.b', true], ['*.b', 'a.c', false],
    ['a.*.c', 'a.x.c', true], ['a.*.c', 'a.x.d', false], ['a.*.c', 'a.c', false],
    ['a.**', 'a.b', true], ['a.**', 'a.b.c.d', true], ['a.**', 'a', false], ['a.**', 'b.a', false],
    ['**', 'a', true], ['**', 'a.b.c', true],
    ['*.**', 'a', false], ['*.**', 'a.b', true],
    ['a.*.**', 'a.b', false], ['a.*.**', 'a.b.c', true],
    ['finesse.api.User.*', 'finesse.api.User.1001', true],
    ['finesse.api.User.*', 'finesse.api.User.1001.Dialogs', false],
    ['finesse.clientLogging.*', 'finesse.clientLogging.gadget7', true],
    ['Finesse.api.**', 'finesse.api.User', false],
  ];
  for (const [pattern, topic, expected] of table) {
    const hub = new H.ManagedHub(allowAll());
    const got = [];
    hub.subscribe(pattern, (t, d) => got.push([t, d]));
    hub.publish(topic, 7);
    assert.deepEqual(got, expected ? [[topic, 7]] : [], `${pattern} vs ${topic}`);
    assert.equal(H.topics.matches(pattern, topic), expected, `matches(${pattern}, ${topic})`);
  }
});

test('delivery order of one publish (facts sheet 1.8), newest first within a pattern', () => {
  const hub = new H.ManagedHub(allowAll());
  const got = [];
  for (const pattern of ['**', '*.**', 'a.**', '*.b', 'a.b', '*.*', 'a.*']) {
    hub.subscribe(pattern, () => got.push(pattern));
  }
  hub.subscribe('a.b', () => got.push('a.b (newer)'));
  hub.subscribe('x.y', () => got.push('x.y'));
  hub.publish('a.b', null);
  assert.deepEqual(got, ['a.b (newer)', 'a.b', 'a.*', 'a.**', '*.b', '*.*', '*.**', '**']);
});

test('publishes made during delivery are queued FIFO (breadth-first)', () => {
  const hub = new H.ManagedHub(allowAll());
  const got = [];
  hub.subscribe('x', (t) => {
    got.push(`second:${t}`);
  });
  hub.subscribe('x', (t) => {
    got.push(`first:${t}`);
    hub.publish('y.1', null);
    hub.publish('y.2', null);
    got.push('first returns');
  });
  hub.subscribe('y.*', (t) => {
    got.push(`y:${t}`);
    if (t === 'y.1') hub.publish('z', null);
  });
  hub.subscribe('z', (t) => got.push(`z:${t}`));
  hub.publish('x', null);
  assert.deepEqual(got, ['first:x', 'first returns', 'second:x', 'y:y.1', 'y:y.2', 'z:z']);
  // The hub is usable again afterwards.
  hub.publish('z', null);
  assert.equal(got.at(-1), 'z:z');
});

test('subscription ids, subscriber data and scope', () => {
  const hub = new H.ManagedHub(allowAll());
  const scope = { name: 'scope' };
  const completions = [];
  const seen = [];
  const id = hub.subscribe('a.b', function (t, d, sd) { seen.push([this.name, t, d, sd]); }, scope,
    (...args) => completions.push(args), { tag: 1 });
  assert.match(id, /^a\.b\.\d+$/);
  assert.deepEqual(completions, [[id, true]]);
  assert.deepEqual(hub.getSubscriberData(id), { tag: 1 });
  assert.equal(hub.getSubscriberScope(id), scope);
  hub.publish('a.b', 'x');
  assert.deepEqual(seen, [['scope', 'a.b', 'x', { tag: 1 }]]);
  const id2 = hub.subscribe('a.b', () => {});
  assert.notEqual(id, id2);
  assert.throws(() => hub.getSubscriberData('a.b.999'), hubError('NoSubscription'));
});

test('no delivery after unsubscribe, even within the same publish', () => {
  const unsubscribed = [];
  const hub = new H.ManagedHub({ ...allowAll(), onUnsubscribe: (t, c) => unsubscribed.push([t, c]) });
  const got = [];
  const completions = [];
  const idA = hub.subscribe('t', () => got.push('A'));
  const idB = hub.subscribe('t', () => {
    got.push('B');
    hub.unsubscribe(idA); // A (older) would be called after B
  });
  hub.publish('t', 1);
  assert.deepEqual(got, ['B']);
  hub.unsubscribe(idB, (...args) => completions.push(args));
  assert.deepEqual(completions, [[idB, true]]);
  hub.publish('t', 2);
  assert.deepEqual(got, ['B']);
  assert.deepEqual(unsubscribed, [['t', null], ['t', null]]);
  // The path is pruned: unsubscribing again finds no subscription node.
  assert.throws(() => hub.unsubscribe(idB), hubError('NoSubscription'));
  assert.throws(() => hub.unsubscribe(''), hubError('BadParameters'));
  assert.throws(() => hub.unsubscribe('nodots'), hubError('NoSubscription'));
  // The reference quirk: an unknown number on an existing path is ignored.
  const idC = hub.subscribe('u.v', () => got.push('C'));
  hub.unsubscribe('u.v.12345');
  hub.publish('u.v', 3);
  assert.deepEqual(got, ['B', 'C']);
  hub.unsubscribe(idC);
});

test('onSubscribe refusal: onComplete(null, false, NotAllowed) and no id', () => {
  const calls = [];
  const hub = new H.ManagedHub({
    onPublish: () => true,
    onSubscribe: (topic, container) => { calls.push([topic, container]); return !topic.startsWith('secret'); },
  });
  const completions = [];
  const id = hub.subscribe('secret.x', () => assert.fail('delivered'), null, (...a) => completions.push(a));
  assert.equal(id, undefined);
  assert.deepEqual(completions, [[null, false, E.NotAllowed]]);
  assert.deepEqual(calls, [['secret.x', null]]);
  hub.publish('secret.x', 1);
  const container = fakeContainer('g1');
  hub.addContainer(container);
  assert.throws(() => hub.subscribeForClient(container, 'secret.y', '0'), hubError('NotAllowed'));
  assert.deepEqual(calls.at(-1), ['secret.y', container]);
});

test('onPublish is asked per delivery with publisher and subscriber; refusals drop one delivery', () => {
  const asked = [];
  const hub = new H.ManagedHub({
    onPublish: (topic, data, pub, sub) => {
      asked.push([topic, pub && pub.getClientID(), sub && sub.getClientID()]);
      return !(sub && sub.getClientID() === 'blocked');
    },
    onSubscribe: () => true,
  });
  const open = fakeContainer('open');
  const blocked = fakeContainer('blocked');
  hub.addContainer(open);
  hub.addContainer(blocked);
  const got = [];
  hub.subscribe('n.*', (t, d) => got.push(d));
  hub.subscribeForClient(open, 'n.x', 'c0');
  hub.subscribeForClient(blocked, 'n.x', 'c0');
  hub.publishForClient(open, 'n.x', { v: 1 });
  assert.deepEqual(got, [{ v: 1 }]);
  assert.deepEqual(open.sent, [['n.x', { v: 1 }, 'c0']]);
  assert.deepEqual(blocked.sent, []);
  assert.deepEqual(asked, [['n.x', 'open', 'blocked'], ['n.x', 'open', 'open'], ['n.x', 'open', null]]);
});

test('a policy that throws counts as a refusal and is logged', () => {
  const logs = [];
  const hub = new H.ManagedHub({
    onPublish: () => { throw new Error('boom'); },
    onSubscribe: (t) => { if (t === 'bad') throw new Error('bang'); return true; },
    log: (m) => logs.push(m),
  });
  const got = [];
  hub.subscribe('ok', () => got.push(1));
  hub.publish('ok', null);
  assert.deepEqual(got, []);
  const completions = [];
  assert.equal(hub.subscribe('bad', () => {}, null, (...a) => completions.push(a)), undefined);
  assert.deepEqual(completions, [[null, false, E.NotAllowed]]);
  assert.ok(logs.some((m) => m.startsWith('ManagedHub: onPublish threw: boom')), logs.join('\n'));
  assert.ok(logs.some((m) => m.includes('onSubscribe threw: bang')));
});

test('a subscriber callback that throws does not stop the others', () => {
  const logs = [];
  const hub = new H.ManagedHub({ ...allowAll(), log: (m) => logs.push(m) });
  const got = [];
  hub.subscribe('t', () => got.push('older'));
  hub.subscribe('t', () => { throw new Error('subscriber failed'); });
  hub.publish('t', null);
  assert.deepEqual(got, ['older']);
  assert.ok(logs.some((m) => m.includes('subscriber failed')));
});

test('client subscriptions: own ids only, cleaned up when the container is removed', () => {
  const unsubscribed = [];
  const hub = new H.ManagedHub({ ...allowAll(), onUnsubscribe: (t, c) => unsubscribed.push([t, c && c.getClientID()]) });
  const g1 = fakeContainer('g1');
  const g2 = fakeContainer('g2');
  hub.addContainer(g1);
  hub.addContainer(g2);
  const a = hub.subscribeForClient(g1, 'a.*', '0');
  hub.subscribeForClient(g1, 'b', '1');
  const c = hub.subscribeForClient(g2, 'a.*', '0');
  assert.throws(() => hub.unsubscribeForClient(g2, a), hubError('NoSubscription'));
  hub.unsubscribeForClient(g2, c);
  assert.throws(() => hub.unsubscribeForClient(g2, c), hubError('NoSubscription'));
  // A manager unsubscribe cannot remove a client's subscription.
  hub.unsubscribe(a);
  hub.publish('a.x', 1);
  assert.deepEqual(g1.sent, [['a.x', 1, '0']]);
  assert.deepEqual(g2.sent, []);
  hub.removeContainer(g1);
  assert.equal(g1.removed, 1);
  assert.equal(hub.getContainer('g1'), null);
  hub.publish('a.x', 2);
  hub.publish('b', 3);
  assert.deepEqual(g1.sent, [['a.x', 1, '0']]);
  assert.deepEqual(unsubscribed.slice(0, 1), [['a.*', 'g2']]);
  assert.deepEqual(unsubscribed.slice(2).sort(), [['a.*', 'g1'], ['b', 'g1']]);
});

test('container registry: Duplicate, NoContainer, listing', () => {
  const hub = new H.ManagedHub(allowAll());
  const g1 = fakeContainer('g1');
  hub.addContainer(g1);
  assert.throws(() => hub.addContainer(fakeContainer('g1')), hubError('Duplicate'));
  assert.equal(hub.getContainer('g1'), g1);
  assert.equal(hub.getContainer('nope'), null);
  assert.deepEqual(hub.listContainers(), [g1]);
  assert.throws(() => hub.removeContainer(fakeContainer('g1')), hubError('NoContainer'));
  hub.removeContainer(g1);
  assert.throws(() => hub.removeContainer(g1), hubError('NoContainer'));
  assert.deepEqual(hub.listContainers(), []);
});

test('disconnect removes the containers; subscribe and publish then throw Disconnected', () => {
  const hub = new H.ManagedHub(allowAll());
  const g1 = fakeContainer('g1');
  hub.addContainer(g1);
  const id = hub.subscribe('t', () => {});
  hub.disconnect();
  assert.equal(hub.isConnected(), false);
  assert.equal(g1.removed, 1);
  assert.deepEqual(hub.listContainers(), []);
  assert.throws(() => hub.subscribe('t', () => {}), hubError('Disconnected'));
  assert.throws(() => hub.publish('t', 1), hubError('Disconnected'));
  assert.throws(() => hub.publishForClient(g1, 't', 1), hubError('Disconnected'));
  assert.throws(() => hub.addContainer(fakeContainer('g2')), hubError('Disconnected'));
  hub.unsubscribe(id); // clean-up still works
});

test('PrefStore persists per spec URL and refuses secrets', () => {
  const data = new Map();
  const storage = {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
  };
  const store = new H.PrefStore(storage, 'p.');
  const spec = 'http://127.0.0.1/specs/a.xml';
  assert.equal(store.set(spec, 'color', 'blue'), true);
  assert.equal(store.set(spec, 'size', 3), true);
  for (const secret of ['authorization', 'Authorization', 'password', 'agentPassword', 'token',
    'bearerToken', 'secret', 'clientSecretKey']) {
    assert.equal(store.set(spec, secret, 'x'), false, secret);
  }
  assert.equal(store.set(spec, '', 'x'), false);
  assert.deepEqual(store.load(spec), { color: 'blue', size: '3' });
  assert.deepEqual(store.load('http://127.0.0.1/specs/b.xml'), {});
  assert.deepEqual(JSON.parse(data.get(`p.${spec}`)), { color: 'blue', size: '3' });
  assert.ok(![...data.values()].some((v) => v.includes('"x"')));
  // A secret written by someone else is not offered back.
  data.set(`p.${spec}`, JSON.stringify({ color: 'red', password: 'pw' }));
  assert.deepEqual(store.load(spec), { color: 'red' });
  assert.equal(store.remove(spec, 'color'), true);
  assert.equal(data.has(`p.${spec}`), false);
  // Corrupt entries and failing storage never throw.
  data.set(`p.${spec}`, '{not json');
  assert.deepEqual(store.load(spec), {});
  const failing = new H.PrefStore({ getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem() {} });
  assert.equal(failing.set(spec, 'color', 'blue'), false);
  assert.equal(new H.PrefStore(null).set(spec, 'color', 'blue'), false);
  assert.ok(H.PrefStore.isSecretName('AUTHORIZATION'));
  assert.ok(!H.PrefStore.isSecretName('color'));
});

test('tokens: URL-safe base64 from crypto.getRandomValues', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const token = H.generateToken();
    assert.match(token, /^[A-Za-z0-9_-]{6}$/);
    seen.add(token);
  }
  assert.ok(seen.size > 190, `only ${seen.size} distinct tokens`);
  assert.match(H.generateToken(12, () => 'seed'), /^[A-Za-z0-9_-]{12}$/);
});
