/*
 * Finesse container hub: the page side of the OpenAjax Hub 2.0 (ManagedHub and
 * IframeContainer), a loading-indicator overlay and a per-gadget preference store.
 *
 * A classic script (ES2017, no modules, no dependencies) that defines the global
 * `FinesseContainerHub`. The topic matching and routing (ManagedHub, `topics`) and the PrefStore
 * need no DOM, so they also run under Node (load the file with `vm`). The wire protocol with the
 * gadget runtime (gadget-runtime.js) is the reference wpm transport in plain mode; see README.md.
 */
(function (global) {
  'use strict';

  var ERROR = {
    BadParameters: 'OpenAjax.hub.Error.BadParameters',
    Disconnected: 'OpenAjax.hub.Error.Disconnected',
    Duplicate: 'OpenAjax.hub.Error.Duplicate',
    NoContainer: 'OpenAjax.hub.Error.NoContainer',
    NoSubscription: 'OpenAjax.hub.Error.NoSubscription',
    NotAllowed: 'OpenAjax.hub.Error.NotAllowed',
    WrongProtocol: 'OpenAjax.hub.Error.WrongProtocol',
    IncompatBrowser: 'OpenAjax.hub.Error.IncompatBrowser'
  };
  var SECURITY_ALERT = {
    LoadTimeout: 'OpenAjax.hub.SecurityAlert.LoadTimeout',
    FramePhish: 'OpenAjax.hub.SecurityAlert.FramePhish',
    ForgedMsg: 'OpenAjax.hub.SecurityAlert.ForgedMsg'
  };

  function hubError(name) {
    return new Error('OpenAjax.hub.Error.' + name);
  }

  // The hub error name carried by an exception, or BadParameters for anything else.
  function errorName(e) {
    var message = e && e.message;
    for (var key in ERROR) {
      if (ERROR[key] === message) {
        return message;
      }
    }
    return ERROR.BadParameters;
  }

  function describeError(e) {
    return e && e.message ? e.message : String(e);
  }

  function consoleLog(level, message) {
    var c = global.console;
    if (c && typeof c[level] === 'function') {
      c[level](message);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Topics (OpenAjax Hub 2.0 ch.8, as the reference implementation checks them).

  /** Subscribe topics: non-empty tokens; a token with `*` is `*` or `**`; `**` only last. */
  function isValidSubscribeTopic(topic) {
    if (typeof topic !== 'string' || !topic) {
      return false;
    }
    var tokens = topic.split('.');
    for (var i = 0; i < tokens.length; i++) {
      var token = tokens[i];
      if (!token) {
        return false;
      }
      if (token.indexOf('*') >= 0 && token !== '*' && !(token === '**' && i === tokens.length - 1)) {
        return false;
      }
    }
    return true;
  }

  /** Publish topics: no `*` anywhere and no empty token (so no `..`, leading or trailing `.`). */
  function isValidPublishTopic(topic) {
    if (typeof topic !== 'string' || !topic || topic.indexOf('*') >= 0) {
      return false;
    }
    return topic.split('.').every(function (token) { return token.length > 0; });
  }

  /**
   * Whether subscription `pattern` matches published `topic`: `*` matches exactly one token,
   * a final `**` one or more. False when either is invalid.
   */
  function matches(pattern, topic) {
    if (!isValidSubscribeTopic(pattern) || !isValidPublishTopic(topic)) {
      return false;
    }
    var p = pattern.split('.');
    var t = topic.split('.');
    for (var i = 0; i < p.length; i++) {
      if (p[i] === '**') {
        return t.length > i;
      }
      if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) {
        return false;
      }
    }
    return p.length === t.length;
  }

  // ---------------------------------------------------------------------------------------
  // ManagedHub

  function newNode() {
    return { children: new Map(), subs: [] };
  }

  /**
   * ManagedHub(params): the manager side of the hub. Required `params.onPublish(topic, data,
   * publishContainer, subscribeContainer) → boolean` and `params.onSubscribe(topic, container)
   * → boolean`; optional `onUnsubscribe(topic, container)`, `scope` (this for all three) and
   * `log(message)`. `null` stands for the manager itself in the container arguments.
   */
  function ManagedHub(params) {
    if (!params || typeof params.onPublish !== 'function' || typeof params.onSubscribe !== 'function') {
      throw hubError('BadParameters');
    }
    this._params = params;
    this._scope = params.scope || global;
    this._root = newNode();
    this._byId = new Map();
    this._seq = 0;
    this._queue = [];
    this._routing = false;
    this._containers = new Map();
    this._connected = true;
  }

  ManagedHub.prototype._log = function (message) {
    var logger = this._params.log;
    if (typeof logger === 'function') {
      try {
        logger.call(this._scope, 'ManagedHub: ' + message);
        return;
      } catch (e) {
        // fall through to the console
      }
    }
    consoleLog('error', 'ManagedHub: ' + message);
  };

  // A policy callback; one that throws counts as a refusal.
  ManagedHub.prototype._allowed = function (name, args) {
    try {
      return !!this._params[name].apply(this._scope, args);
    } catch (e) {
      this._log(name + ' threw: ' + describeError(e));
      return false;
    }
  };

  ManagedHub.prototype._informUnsubscribe = function (topic, container) {
    if (typeof this._params.onUnsubscribe !== 'function') {
      return;
    }
    try {
      this._params.onUnsubscribe.call(this._scope, topic, container);
    } catch (e) {
      this._log('onUnsubscribe threw: ' + describeError(e));
    }
  };

  ManagedHub.prototype._invoke = function (callback, scope, args) {
    if (typeof callback !== 'function') {
      return;
    }
    try {
      callback.apply(scope || global, args);
    } catch (e) {
      this._log('a callback threw: ' + describeError(e));
    }
  };

  ManagedHub.prototype._assertConnected = function () {
    if (!this._connected) {
      throw hubError('Disconnected');
    }
  };

  // Adds a subscription (newest first within its pattern); the id is "<topic>.<n>".
  ManagedHub.prototype._add = function (topic, fields) {
    var node = this._root;
    var tokens = topic.split('.');
    for (var i = 0; i < tokens.length; i++) {
      var child = node.children.get(tokens[i]);
      if (!child) {
        child = newNode();
        node.children.set(tokens[i], child);
      }
      node = child;
    }
    var sub = fields;
    sub.topic = topic;
    sub.id = topic + '.' + this._seq++;
    sub.removed = false;
    node.subs.unshift(sub);
    this._byId.set(sub.id, sub);
    return sub;
  };

  ManagedHub.prototype._findNode = function (tokens) {
    var node = this._root;
    for (var i = 0; i < tokens.length && node; i++) {
      node = node.children.get(tokens[i]);
    }
    return node || null;
  };

  // Removes a subscription and prunes the nodes left empty.
  ManagedHub.prototype._remove = function (sub) {
    sub.removed = true;
    this._byId.delete(sub.id);
    var tokens = sub.topic.split('.');
    var path = [this._root];
    for (var i = 0; i < tokens.length; i++) {
      var next = path[i].children.get(tokens[i]);
      if (!next) {
        return;
      }
      path.push(next);
    }
    var node = path[path.length - 1];
    var index = node.subs.indexOf(sub);
    if (index >= 0) {
      node.subs.splice(index, 1);
    }
    for (var j = tokens.length; j > 0; j--) {
      var current = path[j];
      if (current.subs.length || current.children.size) {
        break;
      }
      path[j - 1].children.delete(tokens[j - 1]);
    }
  };

  // Matching subscriptions in routing order: at each level the exact token, then `*`, then
  // the `**` subscriptions of that level; newest first within one pattern.
  ManagedHub.prototype._collect = function (tokens) {
    var found = [];
    var walk = function (node, index) {
      if (!node) {
        return;
      }
      var target;
      if (index === tokens.length) {
        target = node;
      } else {
        walk(node.children.get(tokens[index]), index + 1);
        walk(node.children.get('*'), index + 1);
        target = node.children.get('**');
      }
      if (target) {
        for (var i = 0; i < target.subs.length; i++) {
          found.push(target.subs[i]);
        }
      }
    };
    walk(this._root, 0);
    return found;
  };

  // Routes one publish; a publish made while routing is queued and delivered after (FIFO).
  ManagedHub.prototype._route = function (topic, data, publisher) {
    this._queue.push({ topic: topic, data: data, publisher: publisher });
    if (this._routing) {
      return;
    }
    this._routing = true;
    try {
      while (this._queue.length) {
        var message = this._queue.shift();
        this._deliver(message);
      }
    } finally {
      this._routing = false;
    }
  };

  ManagedHub.prototype._deliver = function (message) {
    var subs = this._collect(message.topic.split('.'));
    for (var i = 0; i < subs.length; i++) {
      var sub = subs[i];
      if (sub.removed) {
        continue;
      }
      if (!this._allowed('onPublish', [message.topic, message.data, message.publisher, sub.container])) {
        continue;
      }
      if (sub.container === null) {
        this._invoke(sub.onData, sub.scope, [message.topic, message.data, sub.subscriberData]);
      } else {
        try {
          sub.container.sendToClient(message.topic, message.data, sub.containerSubId);
        } catch (e) {
          this._log('sendToClient failed for ' + sub.container.getClientID() + ': ' + describeError(e));
        }
      }
    }
  };

  /**
   * subscribe(topic, onData, scope?, onComplete?, subscriberData?): synchronous. Returns the
   * subscription id, or undefined when onSubscribe refuses (onComplete(null, false, NotAllowed)).
   */
  ManagedHub.prototype.subscribe = function (topic, onData, scope, onComplete, subscriberData) {
    this._assertConnected();
    if (!isValidSubscribeTopic(topic) || typeof onData !== 'function' ||
        (onComplete !== undefined && onComplete !== null && typeof onComplete !== 'function')) {
      throw hubError('BadParameters');
    }
    if (!this._allowed('onSubscribe', [topic, null])) {
      this._invoke(onComplete, scope, [null, false, ERROR.NotAllowed]);
      return undefined;
    }
    var sub = this._add(topic, { container: null, onData: onData, scope: scope, subscriberData: subscriberData });
    this._invoke(onComplete, scope, [sub.id, true]);
    return sub.id;
  };

  /** publish(topic, data): delivers synchronously to every allowed matching subscription. */
  ManagedHub.prototype.publish = function (topic, data) {
    this._assertConnected();
    if (!isValidPublishTopic(topic)) {
      throw hubError('BadParameters');
    }
    this._route(topic, data, null);
  };

  /**
   * unsubscribe(id, onComplete?, scope?): synchronous; allowed after disconnect (clean-up).
   * Throws NoSubscription when no subscription exists on the id's topic path; an unknown
   * sequence number on an existing path is ignored (the reference implementation's quirk).
   */
  ManagedHub.prototype.unsubscribe = function (subscriptionId, onComplete, scope) {
    if (typeof subscriptionId !== 'string' || !subscriptionId) {
      throw hubError('BadParameters');
    }
    var dot = subscriptionId.lastIndexOf('.');
    if (dot <= 0) {
      throw hubError('NoSubscription');
    }
    var topic = subscriptionId.slice(0, dot);
    if (!this._findNode(topic.split('.'))) {
      throw hubError('NoSubscription');
    }
    var sub = this._byId.get(subscriptionId);
    if (sub && sub.container === null) {
      this._remove(sub);
    }
    this._informUnsubscribe(topic, null);
    this._invoke(onComplete, scope, [subscriptionId, true]);
  };

  ManagedHub.prototype._managerSub = function (subscriptionId) {
    var sub = this._byId.get(subscriptionId);
    if (!sub || sub.container !== null) {
      throw hubError('NoSubscription');
    }
    return sub;
  };

  ManagedHub.prototype.getSubscriberData = function (subscriptionId) {
    return this._managerSub(subscriptionId).subscriberData;
  };
  ManagedHub.prototype.getSubscriberScope = function (subscriptionId) {
    return this._managerSub(subscriptionId).scope || global;
  };
  ManagedHub.prototype.isConnected = function () { return this._connected; };
  ManagedHub.prototype.getScope = function () { return this._scope; };
  ManagedHub.prototype.getParameters = function () { return this._params; };

  /** Removes every container; then subscribe and publish throw Disconnected. */
  ManagedHub.prototype.disconnect = function () {
    if (!this._connected) {
      return;
    }
    this._connected = false;
    var self = this;
    this.listContainers().forEach(function (container) {
      try {
        self.removeContainer(container);
      } catch (e) {
        self._log('removing ' + container.getClientID() + ' failed: ' + describeError(e));
      }
    });
  };

  /** For containers: subscribes on behalf of a client; returns the hub id or throws. */
  ManagedHub.prototype.subscribeForClient = function (container, topic, containerSubId) {
    this._assertConnected();
    if (!isValidSubscribeTopic(topic)) {
      throw hubError('BadParameters');
    }
    if (!this._allowed('onSubscribe', [topic, container])) {
      throw hubError('NotAllowed');
    }
    return this._add(topic, { container: container, containerSubId: containerSubId }).id;
  };

  /** For containers: removes a client's subscription (NoSubscription if it is not its own). */
  ManagedHub.prototype.unsubscribeForClient = function (container, hubId) {
    var sub = this._byId.get(hubId);
    if (!sub || sub.container !== container) {
      throw hubError('NoSubscription');
    }
    this._remove(sub);
    this._informUnsubscribe(sub.topic, container);
  };

  /** For containers: publishes on behalf of a client. */
  ManagedHub.prototype.publishForClient = function (container, topic, data) {
    this._assertConnected();
    if (!isValidPublishTopic(topic)) {
      throw hubError('BadParameters');
    }
    this._route(topic, data, container);
  };

  ManagedHub.prototype.addContainer = function (container) {
    this._assertConnected();
    var id = container.getClientID();
    if (this._containers.has(id)) {
      throw hubError('Duplicate');
    }
    this._containers.set(id, container);
  };

  ManagedHub.prototype.removeContainer = function (container) {
    var id = container.getClientID();
    if (this._containers.get(id) !== container) {
      throw hubError('NoContainer');
    }
    this._containers.delete(id);
    container.remove();
    // Whatever the container did not clean up itself, the hub does.
    var self = this;
    Array.from(this._byId.values()).forEach(function (sub) {
      if (sub.container === container) {
        self._remove(sub);
        self._informUnsubscribe(sub.topic, container);
      }
    });
  };

  ManagedHub.prototype.getContainer = function (clientId) {
    return this._containers.get(clientId) || null;
  };

  ManagedHub.prototype.listContainers = function () {
    return Array.from(this._containers.values());
  };

  // ---------------------------------------------------------------------------------------
  // Tokens

  var TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  function randomBytes(count) {
    var crypto = global.crypto;
    if (!crypto || typeof crypto.getRandomValues !== 'function') {
      throw hubError('IncompatBrowser');
    }
    var bytes = new Uint8Array(count);
    crypto.getRandomValues(bytes);
    return bytes;
  }

  /**
   * generateToken(length = 6, seed?): URL-safe base64 characters from crypto.getRandomValues;
   * `seed()` may add entropy (mixed in by XOR, which keeps the distribution uniform).
   */
  function generateToken(length, seed) {
    var count = typeof length === 'number' && length > 0 ? Math.floor(length) : 6;
    var bytes = randomBytes(count);
    var extra = typeof seed === 'function' ? String(seed()) : '';
    var token = '';
    for (var i = 0; i < count; i++) {
      var b = bytes[i];
      if (extra) {
        b ^= extra.charCodeAt(i % extra.length) & 0xFF;
      }
      token += TOKEN_ALPHABET.charAt(b & 63);
    }
    return token;
  }

  function randomHex(count) {
    var bytes = randomBytes(count);
    var out = '';
    for (var i = 0; i < count; i++) {
      out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // PrefStore

  /** Whether a preference name holds a secret that must never be persisted. */
  function isSecretName(name) {
    var n = String(name).toLowerCase();
    return n === 'authorization' || n.indexOf('password') >= 0 || n.indexOf('token') >= 0 ||
      n.indexOf('secret') >= 0;
  }

  /**
   * PrefStore(storage = localStorage, prefix = "finesse.prefs."): gadget preferences set with
   * set_pref, persisted per gadget spec URL as one JSON object under `prefix + specUrl`.
   * Secret names (isSecretName) are refused. Storage failures return false, never throw.
   */
  function PrefStore(storage, prefix) {
    if (storage === undefined) {
      try {
        storage = global.localStorage;
      } catch (e) {
        storage = null;
      }
    }
    this._storage = storage || null;
    this._prefix = typeof prefix === 'string' ? prefix : 'finesse.prefs.';
  }

  PrefStore.isSecretName = isSecretName;

  PrefStore.prototype._read = function (specUrl) {
    if (!this._storage || typeof specUrl !== 'string' || !specUrl) {
      return null;
    }
    try {
      var raw = this._storage.getItem(this._prefix + specUrl);
      var parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    } catch (e) {
      return {};
    }
  };

  PrefStore.prototype._write = function (specUrl, values) {
    try {
      if (Object.keys(values).length) {
        this._storage.setItem(this._prefix + specUrl, JSON.stringify(values));
      } else {
        this._storage.removeItem(this._prefix + specUrl);
      }
      return true;
    } catch (e) {
      return false;
    }
  };

  /** The stored preferences of a gadget (name → string), secrets filtered out. */
  PrefStore.prototype.load = function (specUrl) {
    var values = this._read(specUrl) || {};
    var out = {};
    Object.keys(values).forEach(function (name) {
      if (!isSecretName(name) && typeof values[name] === 'string') {
        out[name] = values[name];
      }
    });
    return out;
  };

  /** Stores one preference; false when refused (secret name, bad input) or storage failed. */
  PrefStore.prototype.set = function (specUrl, name, value) {
    if (typeof name !== 'string' || !name || name === '__proto__' || isSecretName(name)) {
      return false;
    }
    var values = this._read(specUrl);
    if (values === null) {
      return false;
    }
    values = this.load(specUrl);
    values[name] = value === undefined || value === null ? '' : String(value);
    return this._write(specUrl, values);
  };

  PrefStore.prototype.remove = function (specUrl, name) {
    var values = this._read(specUrl);
    if (values === null) {
      return false;
    }
    values = this.load(specUrl);
    delete values[name];
    return this._write(specUrl, values);
  };

  PrefStore.prototype.clear = function (specUrl) {
    if (this._read(specUrl) === null) {
      return false;
    }
    return this._write(specUrl, {});
  };

  // ---------------------------------------------------------------------------------------
  // LoadingIndicator: a text-only overlay over a gadget frame (Finesse's loadingindicator).

  var INDICATOR_ACTIONS = ['config', 'dismiss', 'showLoading', 'showRetry', 'updateLoadingMessage',
    'updateTimeoutMessage', 'updateRetryButtonText'];

  /**
   * LoadingIndicator(host, options): an overlay appended to `host` (a positioned element).
   * Options: `timeout` (seconds, default 10; then the timeout message and a Retry button),
   * `loadingMessage`, `timeoutMessage`, `retryText`, `onRetry()`. Text only, never HTML.
   */
  function LoadingIndicator(host, options) {
    var doc = global.document;
    var opts = options && typeof options === 'object' ? options : {};
    this._timeoutMs = (typeof opts.timeout === 'number' && opts.timeout > 0 ? opts.timeout : 10) * 1000;
    this._loadingText = typeof opts.loadingMessage === 'string' ? opts.loadingMessage : 'Loading…';
    this._timeoutText = typeof opts.timeoutMessage === 'string' ? opts.timeoutMessage
      : 'This gadget is taking too long to load.';
    this._onRetry = typeof opts.onRetry === 'function' ? opts.onRetry : null;
    this._timer = null;
    this._shownAt = 0;
    this._state = 'hidden';

    var el = doc.createElement('div');
    el.className = 'finesse-loadingindicator';
    el.setAttribute('role', 'status');
    el.setAttribute('aria-live', 'polite');
    var s = el.style;
    s.position = 'absolute';
    s.top = '0';
    s.left = '0';
    s.right = '0';
    s.bottom = '0';
    s.minHeight = '3em';
    s.display = 'none';
    s.flexDirection = 'column';
    s.alignItems = 'center';
    s.justifyContent = 'center';
    s.background = 'rgba(255,255,255,0.92)';
    s.zIndex = '1';
    var message = doc.createElement('p');
    message.className = 'finesse-loadingindicator-message';
    var button = doc.createElement('button');
    button.type = 'button';
    button.className = 'finesse-loadingindicator-retry';
    button.textContent = typeof opts.retryText === 'string' ? opts.retryText : 'Retry';
    button.style.display = 'none';
    var self = this;
    button.addEventListener('click', function () {
      if (self._onRetry) {
        self._onRetry();
      } else {
        self.showLoading();
      }
    });
    el.appendChild(message);
    el.appendChild(button);
    host.appendChild(el);
    this.element = el;
    this._message = message;
    this._button = button;
  }

  LoadingIndicator.prototype._clearTimer = function () {
    if (this._timer !== null) {
      global.clearTimeout(this._timer);
      this._timer = null;
    }
  };

  LoadingIndicator.prototype._arm = function (delay) {
    var self = this;
    this._clearTimer();
    this._timer = global.setTimeout(function () {
      self._timer = null;
      self.showRetry();
    }, Math.max(0, delay));
  };

  /** Shows the loading message and (re)starts the timeout. */
  LoadingIndicator.prototype.showLoading = function () {
    this._state = 'loading';
    this._shownAt = Date.now();
    this._message.textContent = this._loadingText;
    this._button.style.display = 'none';
    this.element.style.display = 'flex';
    this._arm(this._timeoutMs);
  };

  /** Shows the timeout message and the Retry button. */
  LoadingIndicator.prototype.showRetry = function () {
    this._clearTimer();
    this._state = 'retry';
    this._message.textContent = this._timeoutText;
    this._button.style.display = '';
    this.element.style.display = 'flex';
  };

  LoadingIndicator.prototype.dismiss = function () {
    this._clearTimer();
    this._state = 'hidden';
    this.element.style.display = 'none';
  };

  LoadingIndicator.prototype.updateLoadingMessage = function (text) {
    this._loadingText = String(text);
    if (this._state === 'loading') {
      this._message.textContent = this._loadingText;
    }
  };

  LoadingIndicator.prototype.updateTimeoutMessage = function (text) {
    this._timeoutText = String(text);
    if (this._state === 'retry') {
      this._message.textContent = this._timeoutText;
    }
  };

  LoadingIndicator.prototype.updateRetryButtonText = function (text) {
    this._button.textContent = String(text);
  };

  /** The gadget's `loading-timeout` (seconds) replaces the timeout, counted from showLoading. */
  LoadingIndicator.prototype.setTimeout = function (seconds) {
    if (typeof seconds !== 'number' || !(seconds > 0) || !isFinite(seconds)) {
      return;
    }
    this._timeoutMs = seconds * 1000;
    if (this._state === 'loading') {
      this._arm(this._timeoutMs - (Date.now() - this._shownAt));
    }
  };

  /** "hidden", "loading" or "retry". */
  LoadingIndicator.prototype.getState = function () { return this._state; };

  LoadingIndicator.prototype.remove = function () {
    this._clearTimer();
    if (this.element.parentNode) {
      this.element.parentNode.removeChild(this.element);
    }
  };

  // Applies one loadingindicator RPC from the gadget.
  LoadingIndicator.prototype.apply = function (action, arg) {
    switch (action) {
      case 'config':
        if (arg && typeof arg === 'object') {
          this.setTimeout(Number(arg.timeout));
        }
        break;
      case 'dismiss': this.dismiss(); break;
      case 'showLoading': this.showLoading(); break;
      case 'showRetry': this.showRetry(); break;
      case 'updateLoadingMessage': this.updateLoadingMessage(arg); break;
      case 'updateTimeoutMessage': this.updateTimeoutMessage(arg); break;
      case 'updateRetryButtonText': this.updateRetryButtonText(arg); break;
      default: break;
    }
  };

  // ---------------------------------------------------------------------------------------
  // IframeContainer

  var TIMER_TICK_TOPIC = 'finesse.containerservices.timerTickEvent';
  var MAX_FRAME_HEIGHT = 100000;

  // A Finesse TimerTickEvent object becomes {dateQueued: ms, tickFrequency} on the wire.
  function wireData(topic, data) {
    if (topic === TIMER_TICK_TOPIC && data && typeof data.getDateQueued === 'function') {
      var queued = data.getDateQueued();
      return {
        dateQueued: queued instanceof Date ? queued.getTime() : Number(queued),
        tickFrequency: typeof data.getTickFrequency === 'function' ? data.getTickFrequency() : undefined
      };
    }
    return data;
  }

  function parseRpc(data) {
    if (typeof data !== 'string') {
      return null;
    }
    var msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return null;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.s !== 'string' || typeof msg.f !== 'string' ||
        typeof msg.t !== 'string' || !Array.isArray(msg.a)) {
      return null;
    }
    return msg;
  }

  /**
   * IframeContainer(hub, clientId, params): one gadget iframe joined to `hub`.
   * params.Container: `onSecurityAlert(container, alert)` (required), `onConnect(container)`,
   * `onDisconnect(container)`, `scope`, `log(message)`.
   * params.IframeContainer: `parent` (element, required), `uri` (required), `iframeAttrs`,
   * `timeout` (ms, default 15000), `tokenLength` (default 6), `seed`, `onGadgetLoad`, and
   * for our desktop: `prefs` (object or function returning one: private prefs sent with the
   * connect command), `onResize(container, height)`, `onSetTitle(container, title)`,
   * `onSetPref(container, name, value)` (secret names never reach it), `prefStore` + `specUrl`
   * (persist set_pref values), `onNavigate(container, view, params, ownerId)`,
   * `onLoadingIndicator(container, action, arg)`, `loadingIndicator` (LoadingIndicator options,
   * or true: show the overlay while the gadget loads).
   */
  function IframeContainer(hub, clientId, params) {
    var doc = global.document;
    if (!hub || typeof hub.addContainer !== 'function' || typeof clientId !== 'string' || !clientId ||
        !params || !params.Container || typeof params.Container.onSecurityAlert !== 'function' ||
        !params.IframeContainer || !params.IframeContainer.parent ||
        typeof params.IframeContainer.uri !== 'string' || !params.IframeContainer.uri || !doc) {
      throw hubError('BadParameters');
    }
    var ic = params.IframeContainer;
    if (ic.tunnelURI) {
      // Secure mode (relay iframe) is not implemented: plain mode checks origins instead.
      throw hubError('IncompatBrowser');
    }
    var uri;
    try {
      uri = new global.URL(ic.uri, doc.baseURI);
    } catch (e) {
      throw hubError('BadParameters');
    }
    if (!uri.origin || uri.origin === 'null') {
      throw hubError('BadParameters');
    }
    this._hub = hub;
    this._clientId = clientId;
    this._params = params;
    this._uri = uri.href;
    this._origin = uri.origin;
    this._removed = false;
    this._loadTimer = null;
    hub.addContainer(this);

    var internalId = clientId;
    while (doc.getElementById(internalId)) {
      internalId = clientId + '_' + randomHex(4);
    }
    this._internalId = internalId;
    this._suffix = internalId === clientId ? '' : internalId.slice(clientId.length + 1);

    var wrapper = doc.createElement('span');
    wrapper.className = 'finesse-gadget-frame';
    wrapper.style.position = 'relative';
    wrapper.style.display = 'block';
    this._wrapper = wrapper;
    ic.parent.appendChild(wrapper);

    var self = this;
    this._indicator = null;
    if (ic.loadingIndicator) {
      var options = typeof ic.loadingIndicator === 'object' ? Object.assign({}, ic.loadingIndicator) : {};
      options.onRetry = function () { self.reload(); };
      this._indicator = new LoadingIndicator(wrapper, options);
    }
    this._listener = function (event) { self._onMessage(event); };
    global.addEventListener('message', this._listener, false);
    this._iframe = null;
    this._load();
  }

  IframeContainer.prototype._log = function (message) {
    var c = this._params.Container;
    if (typeof c.log === 'function') {
      try {
        c.log.call(c.scope || global, 'IframeContainer ' + this._clientId + ': ' + message);
        return;
      } catch (e) {
        // fall through to the console
      }
    }
    consoleLog('warn', 'IframeContainer ' + this._clientId + ': ' + message);
  };

  IframeContainer.prototype._call = function (callback, args) {
    if (typeof callback !== 'function') {
      return;
    }
    try {
      callback.apply(this._params.Container.scope || global, args);
    } catch (e) {
      this._log('a callback threw: ' + describeError(e));
    }
  };

  IframeContainer.prototype._alert = function (alert) {
    this._call(this._params.Container.onSecurityAlert, [this, alert]);
  };

  // A fresh session: new token and a new iframe element (a new browsing context, so a reload
  // is a real reload even when only the fragment would differ).
  IframeContainer.prototype._load = function () {
    var doc = global.document;
    var ic = this._params.IframeContainer;
    this._token = generateToken(ic.tokenLength || 6, ic.seed);
    this._ready = false;
    this._connected = false;
    this._alerted = false;
    this._outbox = [];
    this._callbacks = new Map();
    this._nextCallback = 1;
    this._subs = new Map();

    var iframe = doc.createElement('iframe');
    var attrs = ic.iframeAttrs && typeof ic.iframeAttrs === 'object' ? ic.iframeAttrs : {};
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (name === 'style' && value && typeof value === 'object') {
        Object.keys(value).forEach(function (prop) { iframe.style[prop] = value[prop]; });
      } else if (name === 'className') {
        iframe.className = String(value);
      } else if (!/^(id|name|src|srcdoc|on.*)$/i.test(name)) {
        iframe.setAttribute(name, String(value));
      }
    });
    iframe.id = this._internalId;
    iframe.name = this._internalId;
    iframe.style.visibility = 'hidden';
    if (typeof ic.onGadgetLoad === 'function') {
      var self = this;
      iframe.addEventListener('load', function (event) { self._call(ic.onGadgetLoad, [event, self]); });
    }
    var fragment = 'rpctoken=' + this._token + '&oahParent=' + encodeURIComponent(global.location.origin);
    if (this._suffix) {
      fragment += '&oahId=' + encodeURIComponent(this._suffix);
    }
    iframe.src = this._uri + (this._uri.indexOf('#') >= 0 ? '&' : '#') + fragment;

    if (this._iframe && this._iframe.parentNode) {
      this._iframe.parentNode.replaceChild(iframe, this._iframe);
    } else {
      this._wrapper.insertBefore(iframe, this._wrapper.firstChild);
    }
    this._iframe = iframe;
    if (this._indicator) {
      this._indicator.showLoading();
    }
    this._startLoadTimer();
  };

  IframeContainer.prototype._startLoadTimer = function () {
    var self = this;
    var timeout = this._params.IframeContainer.timeout;
    this._stopLoadTimer();
    this._loadTimer = global.setTimeout(function () {
      self._loadTimer = null;
      if (!self._connected && !self._removed) {
        self._alerted = true; // from now on every message of this client is ignored
        self._alert(SECURITY_ALERT.LoadTimeout);
      }
    }, typeof timeout === 'number' && timeout > 0 ? timeout : 15000);
  };

  IframeContainer.prototype._stopLoadTimer = function () {
    if (this._loadTimer !== null) {
      global.clearTimeout(this._loadTimer);
      this._loadTimer = null;
    }
  };

  IframeContainer.prototype._onMessage = function (event) {
    var iframe = this._iframe;
    if (this._removed || !iframe || !event.source || event.source !== iframe.contentWindow) {
      return; // not from this container's frame (another frame, or the page itself)
    }
    if (this._alerted) {
      return;
    }
    if (event.origin !== this._origin) {
      this._log('dropped a message from unexpected origin ' + event.origin);
      return;
    }
    var msg = parseRpc(event.data);
    if (!msg) {
      return; // not one of ours, or malformed
    }
    if (msg.f !== this._internalId) {
      this._log('dropped a message whose sender is not the frame\'s client id');
      return;
    }
    if (msg.t !== this._token) {
      this._log('dropped a message with a forged token');
      this._alert(SECURITY_ALERT.ForgedMsg);
      return;
    }
    this._dispatch(msg);
  };

  IframeContainer.prototype._send = function (service, args, callback) {
    var id = 0;
    if (typeof callback === 'function') {
      id = this._nextCallback++;
      this._callbacks.set(id, callback);
    }
    var msg = { s: service, f: '..', c: id, a: args, t: this._token, l: false };
    if (!this._ready) {
      this._outbox.push(msg);
      return;
    }
    this._post(msg);
  };

  IframeContainer.prototype._post = function (msg) {
    var text;
    try {
      text = JSON.stringify(msg);
    } catch (e) {
      this._callbacks.delete(msg.c);
      this._log('dropped a message that cannot be serialized: ' + describeError(e));
      return;
    }
    var win = this._iframe && this._iframe.contentWindow;
    if (win) {
      win.postMessage(text, this._origin);
    }
  };

  IframeContainer.prototype._reply = function (msg, result) {
    if (typeof msg.c === 'number' && msg.c > 0 && Number.isInteger(msg.c)) {
      this._post({ s: '__cb', f: '..', c: 0, a: [msg.c, result], t: this._token, l: false });
    }
  };

  IframeContainer.prototype._markReady = function () {
    this._ready = true;
    var outbox = this._outbox;
    this._outbox = [];
    for (var i = 0; i < outbox.length; i++) {
      this._post(outbox[i]);
    }
  };

  // Drops the client's subscriptions and marks it disconnected (hidden again).
  IframeContainer.prototype._endSession = function (restartTimer) {
    var self = this;
    this._subs.forEach(function (hubId) {
      try {
        self._hub.unsubscribeForClient(self, hubId);
      } catch (e) {
        self._log('unsubscribe failed: ' + describeError(e));
      }
    });
    this._subs = new Map();
    var wasConnected = this._connected;
    this._connected = false;
    if (this._iframe) {
      this._iframe.style.visibility = 'hidden';
    }
    if (wasConnected) {
      this._call(this._params.Container.onDisconnect, [this]);
      if (restartTimer) {
        this._startLoadTimer();
      }
    }
  };

  IframeContainer.prototype._markConnected = function () {
    if (this._connected) {
      return;
    }
    this._connected = true;
    this._stopLoadTimer();
    this._iframe.style.visibility = 'visible';
    this._call(this._params.Container.onConnect, [this]);
  };

  IframeContainer.prototype._privatePrefs = function () {
    var prefs = this._params.IframeContainer.prefs;
    if (typeof prefs === 'function') {
      try {
        prefs = prefs(this);
      } catch (e) {
        this._log('the prefs function threw: ' + describeError(e));
        prefs = null;
      }
    }
    if (!prefs || typeof prefs !== 'object') {
      return null;
    }
    var out = {};
    Object.keys(prefs).forEach(function (name) {
      var value = prefs[name];
      if (value !== undefined && value !== null) {
        out[name] = String(value);
      }
    });
    return out;
  };

  IframeContainer.prototype._dispatch = function (msg) {
    var a = msg.a;
    switch (msg.s) {
      case '__ack':
        if (this._ready) {
          // The document was reloaded: a new session in the same frame, which must connect
          // again within the load timeout.
          this._endSession(true);
          this._callbacks = new Map();
        }
        this._markReady();
        break;
      case '__cb': {
        var callback = this._callbacks.get(a[0]);
        if (callback) {
          this._callbacks.delete(a[0]);
          callback(a[1]);
        }
        break;
      }
      case 'openajax.pubsub':
        this._onPubsub(msg);
        break;
      case 'resize_iframe': {
        var height = Number(a[0]);
        if (!isFinite(height)) {
          break;
        }
        height = Math.max(0, Math.min(Math.round(height), MAX_FRAME_HEIGHT));
        this._iframe.style.height = height + 'px';
        this._call(this._params.IframeContainer.onResize, [this, height]);
        break;
      }
      case 'set_title':
        this._call(this._params.IframeContainer.onSetTitle, [this, a[0] === undefined || a[0] === null ? '' : String(a[0])]);
        break;
      case 'set_pref':
        this._onSetPref(a);
        break;
      case 'requestNavigateTo':
        if (typeof a[0] === 'string' && a[0]) {
          this._call(this._params.IframeContainer.onNavigate, [this, a[0],
            a[1] === undefined ? null : a[1], a[2] === undefined ? null : a[2]]);
        }
        break;
      case 'loadingindicator':
        if (INDICATOR_ACTIONS.indexOf(a[0]) >= 0) {
          if (this._indicator) {
            this._indicator.apply(a[0], a[1]);
          }
          this._call(this._params.IframeContainer.onLoadingIndicator, [this, a[0], a[1]]);
        }
        break;
      default:
        this._log('ignored a call to unknown service ' + JSON.stringify(msg.s));
    }
  };

  // set_pref [token, name, value, name, value…]; secret names are dropped here.
  IframeContainer.prototype._onSetPref = function (a) {
    var ic = this._params.IframeContainer;
    for (var i = 1; i + 1 < a.length; i += 2) {
      var name = a[i];
      if (typeof name !== 'string' || !name || isSecretName(name)) {
        continue;
      }
      var value = a[i + 1] === undefined || a[i + 1] === null ? '' : String(a[i + 1]);
      if (ic.prefStore && typeof ic.prefStore.set === 'function' && typeof ic.specUrl === 'string') {
        ic.prefStore.set(ic.specUrl, name, value);
      }
      this._call(ic.onSetPref, [this, name, value]);
    }
  };

  IframeContainer.prototype._onPubsub = function (msg) {
    var a = msg.a;
    var self = this;
    switch (a[0]) {
      case 'con': {
        if (!this._ready) {
          this._markReady();
        }
        if (this._connected) {
          this._endSession(false);
        }
        var args = ['cmd', 'con'];
        var prefs = this._privatePrefs();
        if (prefs) {
          args.push({ prefs: prefs });
        }
        this._send('openajax.pubsub', args, function (result) {
          if (result === true) {
            self._markConnected();
          }
        });
        this._reply(msg, true);
        break;
      }
      case 'dis':
        this._endSession(true);
        this._reply(msg, true);
        break;
      case 'sub': {
        if (!this._connected) {
          this._reply(msg, ERROR.Disconnected);
          break;
        }
        if (typeof a[2] !== 'string' && typeof a[2] !== 'number') {
          this._reply(msg, ERROR.BadParameters);
          break;
        }
        var key = String(a[2]);
        if (this._subs.has(key)) {
          try {
            this._hub.unsubscribeForClient(this, this._subs.get(key));
          } catch (e) {
            this._log('replacing subscription ' + key + ' failed: ' + describeError(e));
          }
          this._subs.delete(key);
        }
        try {
          this._subs.set(key, this._hub.subscribeForClient(this, a[1], key));
          this._reply(msg, '');
        } catch (e) {
          this._reply(msg, errorName(e));
        }
        break;
      }
      case 'pub':
        if (!this._connected) {
          this._log('dropped a publish from a client that is not connected');
          break;
        }
        try {
          this._hub.publishForClient(this, a[1], a[2]);
        } catch (e) {
          this._log('publish refused: ' + errorName(e));
        }
        break;
      case 'uns': {
        var id = String(a[2]);
        var hubId = this._subs.get(id);
        if (hubId !== undefined) {
          this._subs.delete(id);
          try {
            this._hub.unsubscribeForClient(this, hubId);
          } catch (e) {
            this._log('unsubscribe failed: ' + describeError(e));
          }
        }
        this._reply(msg, a[2]);
        break;
      }
      default:
        this._log('ignored an unknown pubsub command');
    }
  };

  /** Called by the hub: one delivery to one of the client's subscriptions. */
  IframeContainer.prototype.sendToClient = function (topic, data, containerSubId) {
    this._send('openajax.pubsub', ['pub', topic, wireData(topic, data), containerSubId]);
  };

  /** Reloads the gadget in a new iframe with a new token (the Retry button does this). */
  IframeContainer.prototype.reload = function () {
    if (this._removed) {
      return;
    }
    this._endSession(false);
    this._load();
  };

  /** Disconnects, drops the subscriptions and deletes the iframe; idempotent. */
  IframeContainer.prototype.remove = function () {
    if (this._removed) {
      return;
    }
    this._endSession(false);
    this._removed = true;
    this._stopLoadTimer();
    global.removeEventListener('message', this._listener, false);
    if (this._indicator) {
      this._indicator.remove();
    }
    if (this._wrapper.parentNode) {
      this._wrapper.parentNode.removeChild(this._wrapper);
    }
    if (this._hub.getContainer(this._clientId) === this) {
      this._hub.removeContainer(this);
    }
  };

  IframeContainer.prototype.isConnected = function () { return this._connected; };
  IframeContainer.prototype.getClientID = function () { return this._clientId; };
  IframeContainer.prototype.getPartnerOrigin = function () {
    if (!this._connected) {
      return null;
    }
    var url = new global.URL(this._origin);
    return url.protocol + '//' + url.hostname;
  };
  IframeContainer.prototype.getParameters = function () { return this._params; };
  IframeContainer.prototype.getHub = function () { return this._hub; };
  IframeContainer.prototype.getIframe = function () { return this._iframe; };
  /** The overlay of this frame, or null when params.IframeContainer.loadingIndicator was not set. */
  IframeContainer.prototype.getLoadingIndicator = function () { return this._indicator; };

  var api = {
    ManagedHub: ManagedHub,
    IframeContainer: IframeContainer,
    LoadingIndicator: LoadingIndicator,
    PrefStore: PrefStore,
    Error: ERROR,
    SecurityAlert: SECURITY_ALERT,
    topics: {
      isValidSubscribeTopic: isValidSubscribeTopic,
      isValidPublishTopic: isValidPublishTopic,
      matches: matches
    },
    generateToken: generateToken
  };
  global.FinesseContainerHub = api;
}(this));
