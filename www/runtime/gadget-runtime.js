/*
 * Finesse gadget runtime: the gadget-side `gadgets.*` APIs (OpenSocial core, pubsub-2 and the
 * features Finesse gadgets use) for a document rendered by finesse-container.
 *
 * The renderer inlines this file in every gadget document, before `gadgets.config.init(...)` and
 * before any gadget script. It is a classic script (ES2017, no modules, no dependencies) that
 * also runs in a Node `vm` context with a fake window for tests. Behaviour follows Shindig and
 * the OpenAjax Hub 2.0 reference IframeHubClient as digested in ../shared/OPENSOCIAL.md; the
 * transport is the reference postMessage (wpm) protocol in plain mode. See README.md next to
 * this file for the contract with the container (container-hub.js) and the renderer.
 *
 * Note for the renderer: this file is embedded inline in a script element, so it must never
 * contain a closing script tag or an HTML comment opener (a test checks it).
 */
(function (global) {
  'use strict';

  var gadgets = global.gadgets = global.gadgets || {};
  var OpenAjax = global.OpenAjax = global.OpenAjax || {};
  var hasOwn = function (obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); };

  // ---------------------------------------------------------------------------------------
  // Logging: gadgets.log / warn / error, to the console when there is one.

  function consoleCall(level, args) {
    var c = global.console;
    if (c && typeof c[level] === 'function') {
      c[level].apply(c, args);
    }
  }
  gadgets.log = function () { consoleCall('log', arguments); };
  gadgets.warn = function () { consoleCall('warn', arguments); };
  gadgets.error = function () { consoleCall('error', arguments); };

  function describeError(e) {
    return e && e.message ? e.message : String(e);
  }

  // ---------------------------------------------------------------------------------------
  // gadgets.config: the renderer's configuration (features and their Params, core.io,
  // finesse.container). Components register callbacks that run at init.

  var configuration = {};
  var configInitialized = false;
  var configListeners = [];

  function runConfigListener(callback) {
    try {
      callback(configuration);
    } catch (e) {
      gadgets.error('gadgets.config: a configuration callback threw: ' + describeError(e));
    }
  }

  gadgets.config = {
    /** Registers `opt_callback(config)`, run at init (or at once if init already ran). */
    register: function (component, opt_validators, opt_callback) {
      if (typeof opt_callback !== 'function') {
        return;
      }
      configListeners.push(opt_callback);
      if (configInitialized) {
        runConfigListener(opt_callback);
      }
    },
    /** The configuration of one component (an empty object when absent), or all of it. */
    get: function (opt_component) {
      if (opt_component) {
        var value = configuration[opt_component];
        return value && typeof value === 'object' ? value : {};
      }
      return configuration;
    },
    /** Sets the configuration (merged per component) and runs the registered callbacks. */
    init: function (config) {
      if (config && typeof config === 'object') {
        for (var key in config) {
          if (hasOwn(config, key)) {
            configuration[key] = config[key];
          }
        }
      }
      configInitialized = true;
      for (var i = 0; i < configListeners.length; i++) {
        runConfigListener(configListeners[i]);
      }
    }
  };

  function containerConfig() {
    return gadgets.config.get('finesse.container');
  }

  // ---------------------------------------------------------------------------------------
  // gadgets.util

  // Characters escapeString turns into &#<decimal>; (Shindig 2.5, with the full-width forms).
  var ESCAPED_CODES = {
    10: true, 13: true, 34: true, 39: true, 60: true, 62: true, 92: true,
    0x2028: true, 0x2029: true,
    0xFF02: true, 0xFF07: true, 0xFF1C: true, 0xFF1E: true, 0xFF3C: true
  };

  function escapeString(str) {
    if (!str) {
      return str;
    }
    str = String(str);
    var out = '';
    for (var i = 0; i < str.length; i++) {
      var code = str.charCodeAt(i);
      if (code === 0) {
        continue;
      }
      out += ESCAPED_CODES[code] ? '&#' + code + ';' : str.charAt(i);
    }
    return out;
  }

  function unescapeString(str) {
    if (!str) {
      return str;
    }
    return String(str).replace(/&#([0-9]+);/g, function (match, digits) {
      var code = parseInt(digits, 10);
      return code <= 0x10FFFF ? String.fromCodePoint(code) : match;
    });
  }

  function escapeDeep(value, escapeKeys) {
    if (typeof value === 'string') {
      return escapeString(value);
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return escapeDeep(item, escapeKeys); });
    }
    if (value && typeof value === 'object') {
      var out = {};
      for (var key in value) {
        if (hasOwn(value, key)) {
          out[escapeKeys ? escapeString(key) : key] = escapeDeep(value[key], escapeKeys);
        }
      }
      return out;
    }
    return value;
  }

  function decodeParam(text) {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch (e) {
      return null;
    }
  }

  // The query and the fragment as one `&` list; a fragment value overrides a query value.
  function parseUrlParameters(url) {
    var result = {};
    var fragment = '';
    var query = '';
    var hash = url.indexOf('#');
    if (hash >= 0) {
      fragment = url.substring(hash + 1);
      url = url.substring(0, hash);
    }
    var question = url.indexOf('?');
    if (question >= 0) {
      query = url.substring(question + 1);
    }
    var pairs = (query + '&' + fragment).split('&');
    for (var i = 0; i < pairs.length; i++) {
      var eq = pairs[i].indexOf('=');
      if (eq <= 0) {
        continue;
      }
      var name = decodeParam(pairs[i].substring(0, eq));
      var value = decodeParam(pairs[i].substring(eq + 1));
      if (name === null || value === null || name === '__proto__') {
        continue;
      }
      result[name] = value;
    }
    return result;
  }

  function locationHref() {
    var loc = global.location;
    return loc && typeof loc.href === 'string' ? loc.href : '';
  }

  var cachedUrlParameters = null;
  function getUrlParameters(opt_url) {
    if (typeof opt_url === 'undefined') {
      if (cachedUrlParameters === null) {
        cachedUrlParameters = parseUrlParameters(locationHref());
      }
      return cachedUrlParameters;
    }
    return parseUrlParameters(String(opt_url));
  }

  // Onload handlers: registration order; after runOnLoadHandlers a new handler runs at once
  // (Shindig 2.5). A handler that throws is logged and the others still run.
  var onLoadHandlers = [];
  var onLoadDone = false;
  var afterOnLoad = [];

  function runHandler(handler) {
    try {
      handler();
    } catch (e) {
      gadgets.error('gadgets.util: an onload handler threw: ' + describeError(e));
    }
  }

  function featureTable() {
    var table = configuration['core.util'];
    return table && typeof table === 'object' ? table : {};
  }

  function makeEnum(values) {
    var result = {};
    for (var i = 0; i < values.length; i++) {
      result[values[i]] = values[i];
    }
    return result;
  }

  gadgets.util = {
    escapeString: escapeString,
    unescapeString: unescapeString,
    /** Escapes every string inside arrays and objects (and their keys with opt_escapeKeys). */
    escape: function (value, opt_escapeKeys) { return escapeDeep(value, !!opt_escapeKeys); },
    getUrlParameters: getUrlParameters,
    registerOnLoadHandler: function (callback) {
      if (typeof callback !== 'function') {
        return;
      }
      if (onLoadDone) {
        runHandler(callback);
      } else {
        onLoadHandlers.push(callback);
      }
    },
    runOnLoadHandlers: function () {
      if (onLoadDone) {
        return;
      }
      onLoadDone = true;
      var handlers = onLoadHandlers;
      onLoadHandlers = [];
      for (var i = 0; i < handlers.length; i++) {
        runHandler(handlers[i]);
      }
      for (var j = 0; j < afterOnLoad.length; j++) {
        runHandler(afterOnLoad[j]);
      }
    },
    /** The `<Param>`s of a required or optional feature, or null when it is not there. */
    getFeatureParameters: function (feature) {
      var table = featureTable();
      return hasOwn(table, feature) ? table[feature] : null;
    },
    hasFeature: function (feature) {
      return hasOwn(featureTable(), feature);
    },
    makeClosure: function (scope, callback) {
      var bound = Array.prototype.slice.call(arguments, 2);
      return function () {
        return callback.apply(scope, bound.concat(Array.prototype.slice.call(arguments)));
      };
    },
    makeEnum: makeEnum,
    attachBrowserEvent: function (elem, eventName, callback, useCapture) {
      elem.addEventListener(eventName, callback, !!useCapture);
    },
    removeBrowserEvent: function (elem, eventName, callback, useCapture) {
      elem.removeEventListener(eventName, callback, !!useCapture);
    }
  };

  // A feature Param as one string (the renderer sends arrays for repeated Params).
  function featureParam(feature, name) {
    var params = gadgets.util.getFeatureParameters(feature);
    if (!params || typeof params !== 'object' || !hasOwn(params, name)) {
      return null;
    }
    var value = params[name];
    if (Array.isArray(value)) {
      value = value[0];
    }
    return value === undefined || value === null ? null : String(value);
  }

  // ---------------------------------------------------------------------------------------
  // gadgets.json: parse returns false on bad input instead of throwing (Shindig).

  gadgets.json = {
    parse: function (text) {
      try {
        return JSON.parse(text);
      } catch (e) {
        return false;
      }
    },
    stringify: function (value) {
      return JSON.stringify(value);
    }
  };

  // ---------------------------------------------------------------------------------------
  // Transport to the container: the reference wpm protocol in plain mode.
  // Messages are JSON {s, f, c, a, t, l} posted to window.parent with the exact origin from
  // `oahParent`; incoming messages are accepted only from window.parent, from that origin and
  // with our token.

  var transport = (function () {
    var params = parseUrlParameters(locationHref());
    var token = typeof params.rpctoken === 'string' ? params.rpctoken : '';
    var parentWin = global.parent;
    var parentOrigin = null;
    if (typeof params.oahParent === 'string' && typeof global.URL === 'function') {
      try {
        var parsed = new global.URL(params.oahParent);
        if (parsed.origin && parsed.origin !== 'null') {
          parentOrigin = parsed.origin;
        }
      } catch (e) {
        parentOrigin = null;
      }
    }
    var usable = !!(token && parentOrigin && parentWin && parentWin !== global &&
      typeof parentWin.postMessage === 'function');
    var name = typeof global.name === 'string' ? global.name : '';
    var services = {};
    var pending = {};
    var nextCallbackId = 1;
    var self = {
      usable: usable,
      token: token,
      name: name,
      parentOrigin: parentOrigin,
      oahId: typeof params.oahId === 'string' ? params.oahId : '',
      onForgedMessage: null
    };

    function post(message) {
      parentWin.postMessage(JSON.stringify(message), parentOrigin);
    }

    /**
     * Sends `service(args)` to the container; `callback(result)` gets the reply. Returns false
     * when there is no container to talk to. Throws when `args` cannot be serialized.
     */
    self.send = function (service, args, callback) {
      if (!usable) {
        return false;
      }
      var id = 0;
      if (typeof callback === 'function') {
        id = nextCallbackId++;
      }
      var text = JSON.stringify({ s: service, f: name, c: id, a: args, t: token, l: false });
      if (id) {
        pending[id] = callback;
      }
      parentWin.postMessage(text, parentOrigin);
      return true;
    };

    /** Registers the handler of a service the container calls; its result is the reply. */
    self.register = function (service, handler) {
      services[service] = handler;
    };

    function parseMessage(data) {
      if (typeof data !== 'string') {
        return null;
      }
      var msg;
      try {
        msg = JSON.parse(data);
      } catch (e) {
        return null;
      }
      if (!msg || typeof msg !== 'object' || typeof msg.s !== 'string' || !Array.isArray(msg.a)) {
        return null;
      }
      return msg;
    }

    function onMessage(event) {
      if (!event || event.source !== parentWin || event.origin !== parentOrigin) {
        return;
      }
      var msg = parseMessage(event.data);
      if (!msg || msg.f !== '..') {
        return;
      }
      if (msg.t !== token) {
        if (typeof self.onForgedMessage === 'function') {
          self.onForgedMessage();
        }
        return;
      }
      if (msg.s === '__cb') {
        var id = msg.a[0];
        if (typeof id === 'number' && hasOwn(pending, id)) {
          var callback = pending[id];
          delete pending[id];
          callback(msg.a[1]);
        }
        return;
      }
      if (msg.s === '__ack' || !hasOwn(services, msg.s)) {
        return;
      }
      var result;
      try {
        result = services[msg.s].apply({ f: msg.f, origin: event.origin }, msg.a);
      } catch (e) {
        gadgets.error('gadgets rpc: the handler of ' + msg.s + ' threw: ' + describeError(e));
        return;
      }
      if (typeof msg.c === 'number' && msg.c > 0 && result !== undefined) {
        post({ s: '__cb', f: name, c: 0, a: [msg.c, result], t: token, l: false });
      }
    }

    if (usable && typeof global.addEventListener === 'function') {
      global.addEventListener('message', onMessage, false);
      // Readiness: until the container has seen this it queues what it sends us.
      self.send('__ack', []);
    } else {
      self.usable = usable = false;
    }
    return self;
  }());

  function rpc(service, args) {
    if (!transport.send(service, args)) {
      gadgets.warn('gadgets: no container to send "' + service + '" to');
    }
  }

  // ---------------------------------------------------------------------------------------
  // gadgets.Prefs (Shindig semantics): `up_` URL params, then the spec defaults; lang,
  // country and mid; private prefs from the container's connect command.

  var prefValues = null;
  var defaultPrefs = {};
  var messages = {};
  var prefsInstance = null;

  function prefStore() {
    if (prefValues === null) {
      prefValues = {};
      var params = getUrlParameters();
      for (var key in params) {
        if (hasOwn(params, key) && key.indexOf('up_') === 0 && key.length > 3) {
          prefValues[key.substring(3)] = String(params[key]);
        }
      }
    }
    return prefValues;
  }

  function prefValue(key) {
    var values = prefStore();
    if (hasOwn(values, key)) {
      return values[key];
    }
    return hasOwn(defaultPrefs, key) ? defaultPrefs[key] : undefined;
  }

  // Sets one value (or an object of values); true when something changed.
  function setPrefsInternal(key, value) {
    var values = prefStore();
    var changed = false;
    var update = function (k, v) {
      if (typeof k !== 'string' || !k || k === '__proto__') {
        return;
      }
      v = v === undefined || v === null ? '' : String(v);
      if (prefValue(k) !== v) {
        changed = true;
      }
      values[k] = v;
    };
    if (key && typeof key === 'object') {
      for (var k in key) {
        if (hasOwn(key, k)) {
          update(k, key[k]);
        }
      }
    } else {
      update(key, value);
    }
    return changed;
  }

  function urlOrConfig(param, configKey, fallback) {
    var fromUrl = getUrlParameters()[param];
    if (typeof fromUrl === 'string' && fromUrl) {
      return fromUrl;
    }
    var fromConfig = containerConfig()[configKey];
    if (typeof fromConfig === 'string' && fromConfig) {
      return fromConfig;
    }
    return fallback;
  }

  function Prefs() {
    if (prefsInstance) {
      return prefsInstance;
    }
    prefStore();
    prefsInstance = this;
    return this;
  }

  Prefs.prototype.getString = function (key) {
    var value = prefValue(key);
    return value ? escapeString(value) : '';
  };
  Prefs.prototype.getInt = function (key) {
    var value = parseInt(prefValue(key), 10);
    return isNaN(value) ? 0 : value;
  };
  Prefs.prototype.getFloat = function (key) {
    var value = parseFloat(prefValue(key));
    return isNaN(value) ? 0 : value;
  };
  Prefs.prototype.getBool = function (key) {
    var value = prefValue(key);
    if (value) {
      return value === 'true' || value === true || !!parseInt(value, 10);
    }
    return false;
  };
  Prefs.prototype.getArray = function (key) {
    var value = prefValue(key);
    if (!value) {
      return [];
    }
    return String(value).split('|').map(function (item) {
      return escapeString(item.replace(/%7C/g, '|'));
    });
  };
  Prefs.prototype.getMsg = function (key) {
    return hasOwn(messages, key) && messages[key] ? String(messages[key]) : '';
  };
  Prefs.prototype.getLang = function () { return urlOrConfig('lang', 'lang', 'en'); };
  Prefs.prototype.getCountry = function () { return urlOrConfig('country', 'country', 'US'); };
  Prefs.prototype.getModuleId = function () { return urlOrConfig('mid', 'mid', 0); };

  /**
   * set(key, value[, key2, value2, …]): needs the `setprefs` feature, else throws like
   * Shindig. Updates the local values and, when something changed, sends RPC set_pref.
   */
  Prefs.prototype.set = function (key, value) {
    if (!gadgets.util.hasFeature('setprefs')) {
      throw new Error('setprefs feature required to make this call.');
    }
    var changed;
    var args = Array.prototype.slice.call(arguments);
    if (args.length > 2) {
      var pairs = {};
      for (var i = 0; i + 1 < args.length; i += 2) {
        pairs[args[i]] = args[i + 1];
      }
      changed = setPrefsInternal(pairs);
    } else {
      changed = setPrefsInternal(key, value);
    }
    if (!changed) {
      return;
    }
    var wire = [transport.token || 0];
    for (var j = 0; j + 1 < args.length; j += 2) {
      wire.push(String(args[j]), args[j + 1] === undefined || args[j + 1] === null ? '' : String(args[j + 1]));
    }
    rpc('set_pref', wire);
  };
  /** setArray(key, values): joins with `|` (escaping `|` as %7C) and sets, like Shindig. */
  Prefs.prototype.setArray = function (key, values) {
    if (!gadgets.util.hasFeature('setprefs')) {
      throw new Error('setprefs feature required to make this call.');
    }
    var items = (Array.isArray(values) ? values : []).map(function (item) {
      return typeof item === 'number' ? String(item) : String(item).replace(/\|/g, '%7C');
    });
    this.set(key, items.join('|'));
  };

  Prefs.setMessages_ = function (msgs) {
    messages = msgs && typeof msgs === 'object' ? msgs : {};
  };
  Prefs.setDefaultPrefs_ = function (defaults) {
    defaultPrefs = {};
    if (defaults && typeof defaults === 'object') {
      for (var key in defaults) {
        if (hasOwn(defaults, key) && key !== '__proto__') {
          defaultPrefs[key] = defaults[key] === null || defaults[key] === undefined ? '' : String(defaults[key]);
        }
      }
    }
  };
  Prefs.setInternal_ = setPrefsInternal;
  gadgets.Prefs = Prefs;

  // ---------------------------------------------------------------------------------------
  // OpenAjax Hub 2.0 constants, topic validation and the IframeHubClient.

  var hub = OpenAjax.hub = OpenAjax.hub || {};
  hub.implementer = hub.implementer || 'finesse-gadgets';
  hub.implVersion = hub.implVersion || '2.0.7';
  hub.specVersion = hub.specVersion || '2.0';
  hub.Error = {
    BadParameters: 'OpenAjax.hub.Error.BadParameters',
    Disconnected: 'OpenAjax.hub.Error.Disconnected',
    Duplicate: 'OpenAjax.hub.Error.Duplicate',
    NoContainer: 'OpenAjax.hub.Error.NoContainer',
    NoSubscription: 'OpenAjax.hub.Error.NoSubscription',
    NotAllowed: 'OpenAjax.hub.Error.NotAllowed',
    WrongProtocol: 'OpenAjax.hub.Error.WrongProtocol',
    IncompatBrowser: 'OpenAjax.hub.Error.IncompatBrowser'
  };
  hub.SecurityAlert = {
    LoadTimeout: 'OpenAjax.hub.SecurityAlert.LoadTimeout',
    FramePhish: 'OpenAjax.hub.SecurityAlert.FramePhish',
    ForgedMsg: 'OpenAjax.hub.SecurityAlert.ForgedMsg'
  };

  function hubError(name) {
    return new Error('OpenAjax.hub.Error.' + name);
  }

  // Subscribe: tokens non-empty; a token with `*` is exactly `*` or `**`; `**` only last.
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

  // Publish: no `*`, no empty token (so no `..` and no leading or trailing `.`).
  function isValidPublishTopic(topic) {
    if (typeof topic !== 'string' || !topic || topic.indexOf('*') >= 0) {
      return false;
    }
    return topic.split('.').every(function (token) { return token.length > 0; });
  }

  var TIMER_TICK_TOPIC = 'finesse.containerservices.timerTickEvent';

  /** The Finesse TimerTickEvent shape, rebuilt in this frame from `{dateQueued, tickFrequency}`. */
  function TimerTickEvent(tickFrequency, dateQueued) {
    this._tickFrequency = tickFrequency;
    this._dateQueued = dateQueued;
  }
  TimerTickEvent.prototype.getTickFrequency = function () { return this._tickFrequency; };
  TimerTickEvent.prototype.getDateQueued = function () { return this._dateQueued; };

  function reviveTimerTick(data) {
    if (!data || typeof data !== 'object' || !hasOwn(data, 'dateQueued')) {
      return data;
    }
    var queued = typeof data.dateQueued === 'number' || typeof data.dateQueued === 'string'
      ? new Date(data.dateQueued) : null;
    if (!queued || isNaN(queued.getTime())) {
      return data;
    }
    var frequency = Number(data.tickFrequency);
    return new TimerTickEvent(isNaN(frequency) ? data.tickFrequency : frequency, queued);
  }

  // Private prefs from ["cmd","con",{prefs}] (the credential never travels in URLs).
  function mergePrivatePrefs(options) {
    if (!options || typeof options !== 'object' || !options.prefs || typeof options.prefs !== 'object') {
      return;
    }
    var incoming = {};
    for (var key in options.prefs) {
      if (hasOwn(options.prefs, key) && (typeof options.prefs[key] === 'string' ||
          typeof options.prefs[key] === 'number' || typeof options.prefs[key] === 'boolean')) {
        incoming[key] = options.prefs[key];
      }
    }
    setPrefsInternal(incoming);
  }

  var activeClient = null;

  transport.register('openajax.pubsub', function (command) {
    if (command === 'cmd' && arguments[1] === 'con') {
      mergePrivatePrefs(arguments[2]);
      return true;
    }
    if (command === 'pub' && activeClient) {
      activeClient._deliver(arguments[1], arguments[2], arguments[3]);
    }
    return undefined;
  });

  transport.onForgedMessage = function () {
    if (activeClient) {
      activeClient._alert(hub.SecurityAlert.ForgedMsg);
    } else {
      gadgets.warn('gadgets.Hub: dropped a message from the container with a wrong token');
    }
  };

  function portlessOrigin(origin) {
    try {
      var url = new global.URL(origin);
      return url.protocol + '//' + url.hostname;
    } catch (e) {
      return null;
    }
  }

  /**
   * OpenAjax.hub.IframeHubClient(params): the hub client of this frame (§1.2 of the facts
   * sheet). `params.HubClient.onSecurityAlert(client, alert)` is required; optional
   * `params.HubClient.scope` and `params.HubClient.log(message)`.
   */
  function IframeHubClient(params) {
    if (!params || typeof params !== 'object' || !params.HubClient ||
        typeof params.HubClient.onSecurityAlert !== 'function') {
      throw hubError('BadParameters');
    }
    var self = this;
    var clientParams = params;
    var connected = false;
    var connecting = false;
    var subscriptions = {};
    var nextSubscription = 0;
    var clientId = transport.name;
    if (transport.oahId && clientId.length > transport.oahId.length + 1 &&
        clientId.slice(-(transport.oahId.length + 1)) === '_' + transport.oahId) {
      clientId = clientId.slice(0, -(transport.oahId.length + 1));
    }

    function log(message) {
      var logger = clientParams.HubClient.log;
      if (typeof logger === 'function') {
        try {
          logger.call(clientParams.HubClient.scope || global, 'IframeHubClient: ' + message);
          return;
        } catch (e) {
          // fall through to the console
        }
      }
      gadgets.error('IframeHubClient: ' + message);
    }

    // Runs a user callback; an exception is caught and logged, never reaches the caller.
    function invoke(callback, scope, args) {
      if (typeof callback !== 'function') {
        return;
      }
      try {
        callback.apply(scope || global, args);
      } catch (e) {
        log('a callback threw: ' + describeError(e));
      }
    }

    function assertConnected() {
      if (!connected) {
        throw hubError('Disconnected');
      }
    }

    this.connect = function (onComplete, scope) {
      if (connected || connecting) {
        throw hubError('Duplicate');
      }
      if (activeClient && activeClient !== self && activeClient.isConnected()) {
        throw hubError('Duplicate');
      }
      connecting = true;
      activeClient = self;
      if (!transport.usable) {
        log('no container: the frame has no parent, rpctoken or oahParent; connect will not complete');
        return;
      }
      transport.send('openajax.pubsub', ['con'], function (result) {
        if (!connecting) {
          return;
        }
        connecting = false;
        if (result === true) {
          connected = true;
          invoke(onComplete, scope, [self, true]);
        } else {
          invoke(onComplete, scope, [self, false, typeof result === 'string' ? result : hub.Error.NotAllowed]);
        }
      });
    };

    this.disconnect = function (onComplete, scope) {
      assertConnected();
      connected = false;
      subscriptions = {};
      var callback = typeof onComplete === 'function'
        ? function () { invoke(onComplete, scope, [self, true]); }
        : null;
      transport.send('openajax.pubsub', ['dis'], callback);
    };

    this.subscribe = function (topic, onData, scope, onComplete, subscriberData) {
      assertConnected();
      if (!isValidSubscribeTopic(topic) || typeof onData !== 'function') {
        throw hubError('BadParameters');
      }
      var id = String(nextSubscription++);
      var subscription = { topic: topic, onData: onData, scope: scope, data: subscriberData };
      subscriptions[id] = subscription;
      transport.send('openajax.pubsub', ['sub', topic, id], function (result) {
        var ok = result === '';
        if (!ok && subscriptions[id] === subscription) {
          delete subscriptions[id];
        }
        invoke(onComplete, scope, [id, ok, ok ? '' : String(result)]);
      });
      return id;
    };

    this.publish = function (topic, data) {
      assertConnected();
      if (!isValidPublishTopic(topic)) {
        throw hubError('BadParameters');
      }
      try {
        transport.send('openajax.pubsub', ['pub', topic, data]);
      } catch (e) {
        // The data cannot be serialized (a cycle, a BigInt).
        throw hubError('BadParameters');
      }
    };

    this.unsubscribe = function (subscriptionId, onComplete, scope) {
      assertConnected();
      if (!subscriptionId) {
        throw hubError('BadParameters');
      }
      var id = String(subscriptionId);
      if (!hasOwn(subscriptions, id)) {
        throw hubError('NoSubscription');
      }
      delete subscriptions[id];
      transport.send('openajax.pubsub', ['uns', null, id], function () {
        invoke(onComplete, scope, [id, true]);
      });
    };

    this.isConnected = function () { return connected; };
    this.getScope = function () { return clientParams.HubClient.scope || global; };
    this.getSubscriberData = function (subscriptionId) {
      assertConnected();
      if (!hasOwn(subscriptions, String(subscriptionId))) {
        throw hubError('NoSubscription');
      }
      return subscriptions[String(subscriptionId)].data;
    };
    this.getSubscriberScope = function (subscriptionId) {
      assertConnected();
      if (!hasOwn(subscriptions, String(subscriptionId))) {
        throw hubError('NoSubscription');
      }
      return subscriptions[String(subscriptionId)].scope || global;
    };
    this.getParameters = function () { return clientParams; };
    this.getClientID = function () { return clientId; };
    this.getPartnerOrigin = function () {
      return connected && transport.parentOrigin ? portlessOrigin(transport.parentOrigin) : null;
    };

    // Called by the transport for ["pub", topic, data, subscriptionId] from the container.
    this._deliver = function (topic, data, subscriptionId) {
      if (!connected || typeof topic !== 'string') {
        return;
      }
      var id = String(subscriptionId);
      if (!hasOwn(subscriptions, id)) {
        return;
      }
      var subscription = subscriptions[id];
      var payload = topic === TIMER_TICK_TOPIC ? reviveTimerTick(data) : data;
      invoke(subscription.onData, subscription.scope, [topic, payload, subscription.data]);
    };

    this._alert = function (alert) {
      invoke(clientParams.HubClient.onSecurityAlert, clientParams.HubClient.scope, [self, alert]);
    };
  }
  hub.IframeHubClient = IframeHubClient;

  // gadgets.HubSettings and gadgets.Hub (pubsub-2): the hub is created and connected at onload.
  var resolveConnected;
  var connectedPromise = typeof Promise === 'function'
    ? new Promise(function (resolve) { resolveConnected = resolve; })
    : null;

  function defaultSecurityAlert(source, alertType) {
    gadgets.error('gadgets.Hub security alert: ' + alertType);
    if (global.location) {
      global.location.href = 'about:blank';
    }
  }

  function defaultHubParams() {
    var params = { HubClient: { onSecurityAlert: defaultSecurityAlert }, IframeHubClient: {} };
    if (getUrlParameters().forcesecure) {
      params.IframeHubClient.requireParentVerifiable = true;
    }
    return params;
  }

  gadgets.HubSettings = {
    params: defaultHubParams(),
    onConnect: undefined,
    /** Resolves with gadgets.Hub once it has connected (for code that starts after onload). */
    connected: connectedPromise
  };

  gadgets.util.registerOnLoadHandler(function () {
    var settings = gadgets.HubSettings && typeof gadgets.HubSettings === 'object'
      ? gadgets.HubSettings : {};
    try {
      gadgets.Hub = new IframeHubClient(settings.params || defaultHubParams());
      var onConnect = settings.onConnect; // read once, as Shindig does
      gadgets.Hub.connect(function (client, success) {
        if (success && resolveConnected) {
          resolveConnected(client);
        }
        if (typeof onConnect === 'function') {
          onConnect.apply(this, arguments);
        }
      });
    } catch (e) {
      gadgets.error('gadgets.Hub: ' + describeError(e));
    }
  });

  // ---------------------------------------------------------------------------------------
  // gadgets.window

  var lastHeight = null;

  // The bottom of the content: the lowest visible element box plus its bottom margin, then
  // the body's bottom padding, border and margin. Descendants of clipping elements are skipped.
  function measureHeight() {
    var doc = global.document;
    if (!doc || !doc.body || typeof global.getComputedStyle !== 'function') {
      return 0;
    }
    var scrollY = global.pageYOffset || 0;
    var bottom = 0;
    var walk = function (element) {
      for (var child = element.firstElementChild; child; child = child.nextElementSibling) {
        var style = global.getComputedStyle(child);
        if (style.display === 'none' || style.position === 'fixed') {
          continue;
        }
        var rect = child.getBoundingClientRect();
        var childBottom = rect.bottom + scrollY + (parseFloat(style.marginBottom) || 0);
        if (childBottom > bottom) {
          bottom = childBottom;
        }
        if (style.overflowY === 'visible') {
          walk(child);
        }
      }
    };
    walk(doc.body);
    var bodyStyle = global.getComputedStyle(doc.body);
    bottom += (parseFloat(bodyStyle.paddingBottom) || 0) + (parseFloat(bodyStyle.borderBottomWidth) || 0) +
      (parseFloat(bodyStyle.marginBottom) || 0);
    return Math.ceil(bottom);
  }

  gadgets.window = {
    /** Resizes the frame: to opt_height, or to the measured content height (0 is ignored). */
    adjustHeight: function (opt_height) {
      var height = parseInt(opt_height, 10);
      var measured = false;
      if (isNaN(height)) {
        measured = true;
        height = measureHeight();
      }
      if (height !== lastHeight && !isNaN(height) && !(measured && height === 0)) {
        lastHeight = height;
        rpc('resize_iframe', [height]);
      }
    },
    getHeight: measureHeight,
    getViewportDimensions: function () {
      return { width: global.innerWidth || 0, height: global.innerHeight || 0 };
    },
    setTitle: function (title) {
      rpc('set_title', [title === undefined || title === null ? '' : String(title)]);
    }
  };

  // ---------------------------------------------------------------------------------------
  // gadgets.views

  function View(name, opt_isOnlyVisible) {
    this.name_ = name;
    this.isOnlyVisible_ = !!opt_isOnlyVisible;
  }
  View.prototype.getName = function () { return this.name_; };
  View.prototype.isOnlyVisibleGadget = function () { return this.isOnlyVisible_; };

  function currentViewName() {
    return urlOrConfig('view', 'view', 'default');
  }

  gadgets.views = {
    View: View,
    ViewType: makeEnum(['CANVAS', 'HOME', 'PREVIEW', 'PROFILE', 'FULL_PAGE', 'DASHBOARD', 'POPUP']),
    /** RPC requestNavigateTo [view, params, ownerId]; Finesse: "canvas" maximizes, else restore. */
    requestNavigateTo: function (view, opt_params, opt_ownerId) {
      var name = view && typeof view.getName === 'function' ? view.getName() : view;
      if (typeof name !== 'string' || !name) {
        gadgets.warn('gadgets.views.requestNavigateTo: a view name is required');
        return;
      }
      rpc('requestNavigateTo', [name, opt_params === undefined ? null : opt_params,
        opt_ownerId === undefined ? null : opt_ownerId]);
    },
    getCurrentView: function () {
      return new View(currentViewName());
    },
    getParams: function () {
      var raw = getUrlParameters()['view-params'];
      var parsed = raw ? gadgets.json.parse(raw) : null;
      return parsed && typeof parsed === 'object' ? parsed : {};
    },
    getSupportedViews: function () {
      var views = { 'default': new View('default') };
      views[currentViewName()] = new View(currentViewName());
      return views;
    }
  };

  // ---------------------------------------------------------------------------------------
  // gadgets.loadingindicator (Finesse): the overlay is the container's; these calls signal it
  // with RPC loadingindicator [action, text?]. Without the feature the indicator is dismissed
  // at once; with it, after the onload handlers unless `manual-dismiss` is true.

  function indicator(action, text) {
    rpc('loadingindicator', text === undefined ? [action] : [action, String(text)]);
  }

  gadgets.loadingindicator = {
    dismiss: function () { indicator('dismiss'); },
    showLoading: function () { indicator('showLoading'); },
    showRetry: function () { indicator('showRetry'); },
    updateLoadingMessage: function (text) { indicator('updateLoadingMessage', text); },
    updateTimeoutMessage: function (text) { indicator('updateTimeoutMessage', text); },
    updateRetryButtonText: function (text) { indicator('updateRetryButtonText', text); }
  };

  function manualDismiss() {
    return featureParam('loadingindicator', 'manual-dismiss') === 'true';
  }

  gadgets.config.register('loadingindicator', null, function () {
    if (!transport.usable) {
      return;
    }
    if (!gadgets.util.hasFeature('loadingindicator')) {
      indicator('dismiss');
      return;
    }
    var timeout = parseInt(featureParam('loadingindicator', 'loading-timeout'), 10);
    transport.send('loadingindicator', ['config', {
      timeout: isNaN(timeout) || timeout <= 0 ? 10 : timeout,
      manualDismiss: manualDismiss()
    }]);
  });

  afterOnLoad.push(function () {
    if (gadgets.util.hasFeature('loadingindicator') && !manualDismiss()) {
      gadgets.loadingindicator.dismiss();
    }
  });

  // ---------------------------------------------------------------------------------------
  // gadgets.io: makeRequest through the container's proxy (Shindig's JSON proxy protocol).

  var DEFAULT_CRUFT = "throw 1; < don't be evil' >";

  function encodeValues(fields, opt_noEscaping) {
    var escape = !opt_noEscaping;
    var parts = [];
    for (var name in fields) {
      if (hasOwn(fields, name) && !/___$/.test(name)) {
        var value = fields[name];
        value = value === undefined || value === null ? '' : String(value);
        parts.push((escape ? encodeURIComponent(name) : name) + '=' + (escape ? encodeURIComponent(value) : value));
      }
    }
    return parts.join('&');
  }

  function normalizeHeaders(headers) {
    if (!headers || typeof headers !== 'object') {
      return null;
    }
    var out = {};
    var any = false;
    for (var name in headers) {
      if (!hasOwn(headers, name)) {
        continue;
      }
      var key = String(name).toLowerCase();
      var raw = headers[name];
      var values = (Array.isArray(raw) ? raw : [raw]).filter(function (v) {
        return v !== undefined && v !== null;
      }).map(String);
      out[key] = hasOwn(out, key) ? out[key].concat(values) : values;
      any = true;
    }
    return any ? out : null;
  }

  function failure(rc, reason) {
    gadgets.warn('gadgets.io.makeRequest: ' + reason);
    return { text: '', rc: rc, errors: [rc + ' Error'] };
  }

  // Builds {text, rc, headers, data, errors} from one proxied result (Shindig's rules).
  function transformResponse(params, entry) {
    var rc = typeof entry.rc === 'number' ? entry.rc : parseInt(entry.rc, 10);
    if (isNaN(rc) || !rc) {
      rc = 200;
    }
    var resp = {
      text: entry.body === undefined || entry.body === null ? '' : String(entry.body),
      rc: rc,
      errors: []
    };
    var headers = normalizeHeaders(entry.headers);
    if (headers) {
      resp.headers = headers;
    }
    ['oauthApprovalUrl', 'oauthError', 'oauthErrorText'].forEach(function (key) {
      if (typeof entry[key] === 'string') {
        resp[key] = entry[key];
      }
    });
    if (rc < 200 || rc >= 400) {
      resp.errors = [rc + ' Error'];
      return resp;
    }
    if (!resp.text) {
      return resp;
    }
    var contentType = rc >= 300 ? 'TEXT' : String(params.CONTENT_TYPE || 'TEXT').toUpperCase();
    if (contentType === 'JSON' || contentType === 'FEED') {
      var parsed = gadgets.json.parse(resp.text);
      if (parsed === false && resp.text.trim() !== 'false') {
        resp.errors.push('500 Failed to parse JSON');
        resp.rc = 500;
        resp.data = null;
      } else {
        resp.data = parsed;
      }
    } else if (contentType === 'DOM') {
      var dom = null;
      if (typeof global.DOMParser === 'function') {
        dom = new global.DOMParser().parseFromString(resp.text, 'text/xml');
        if (!dom || !dom.documentElement || dom.getElementsByTagName('parsererror').length > 0) {
          dom = null;
        }
      }
      if (dom) {
        resp.data = dom;
      } else {
        resp.errors.push('500 Failed to parse XML');
        resp.rc = 500;
      }
    } else {
      resp.data = resp.text;
    }
    return resp;
  }

  function hasHeader(headers, name) {
    for (var key in headers) {
      if (hasOwn(headers, key) && key.toLowerCase() === name) {
        return true;
      }
    }
    return false;
  }

  function proxyTarget(ioConfig) {
    var href = locationHref();
    var configured = typeof ioConfig.jsonProxyUrl === 'string' && ioConfig.jsonProxyUrl
      ? ioConfig.jsonProxyUrl : '/gadgets/makeRequest';
    try {
      var base = new global.URL(href);
      var target = new global.URL(configured.replace('%host%', base.host), base);
      return target.origin === base.origin ? target.href : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * makeRequest(url, callback, opt_params): POSTs Shindig's proxy fields to `core.io`
   * `jsonProxyUrl` on this document's origin (never GET: headers such as Authorization travel
   * only in the body) and calls back asynchronously with {text, rc, headers, data, errors}.
   */
  function makeRequest(url, callback, opt_params) {
    var params = opt_params && typeof opt_params === 'object' ? opt_params : {};
    var finish = function (resp) {
      if (typeof callback !== 'function') {
        return;
      }
      try {
        callback(resp);
      } catch (e) {
        gadgets.error('gadgets.io.makeRequest: the callback threw: ' + describeError(e));
      }
    };
    var later = function (resp) { setTimeoutSafe(function () { finish(resp); }); };
    if (typeof url !== 'string' || !url) {
      later(failure(400, 'a URL is required'));
      return;
    }
    var ioConfig = gadgets.config.get('core.io');
    var target = proxyTarget(ioConfig);
    if (!target) {
      later(failure(500, 'the proxy URL must be on the document\'s origin'));
      return;
    }
    if (typeof global.fetch !== 'function') {
      later(failure(500, 'fetch is not available'));
      return;
    }
    var method = String(params.METHOD || 'GET').toUpperCase();
    var headers = {};
    if (params.HEADERS && typeof params.HEADERS === 'object') {
      for (var name in params.HEADERS) {
        if (hasOwn(params.HEADERS, name)) {
          headers[name] = params.HEADERS[name];
        }
      }
    }
    if (method === 'POST' && !hasHeader(headers, 'content-type')) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    var urlParams = getUrlParameters();
    var fields = {
      url: url,
      httpMethod: method,
      headers: encodeValues(headers),
      postData: params.POST_DATA === undefined || params.POST_DATA === null ? '' : String(params.POST_DATA),
      authz: String(params.AUTHORIZATION || 'none').toLowerCase(),
      st: '',
      contentType: String(params.CONTENT_TYPE || 'TEXT'),
      numEntries: params.NUM_ENTRIES || 3,
      getSummaries: !!params.GET_SUMMARIES,
      signOwner: params.SIGN_OWNER === undefined ? true : !!params.SIGN_OWNER,
      signViewer: params.SIGN_VIEWER === undefined ? true : !!params.SIGN_VIEWER,
      gadget: containerConfig().specUrl || urlParams.url || '',
      container: urlParams.container || urlParams.synd || 'default',
      bypassSpecCache: urlParams.nocache ? '1' : '',
      getFullHeaders: !!params.GET_FULL_HEADERS
    };
    if (params.REFRESH_INTERVAL !== undefined && params.REFRESH_INTERVAL !== null) {
      fields.refresh = params.REFRESH_INTERVAL;
    }
    var cruft = typeof ioConfig.unparseableCruft === 'string' && ioConfig.unparseableCruft
      ? ioConfig.unparseableCruft : DEFAULT_CRUFT;
    global.fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: encodeValues(fields),
      credentials: 'same-origin'
    }).then(function (res) {
      return res.text().then(function (text) {
        if (res.status !== 200) {
          return { errors: ['Error ' + res.status], rc: res.status, text: text };
        }
        var start = text.indexOf(cruft);
        if (start < 0) {
          return failure(500, 'the proxy answer lacks the unparseable prefix');
        }
        var parsed = gadgets.json.parse(text.substring(start + cruft.length));
        if (!parsed || typeof parsed !== 'object' || !hasOwn(parsed, url) ||
            !parsed[url] || typeof parsed[url] !== 'object') {
          return failure(500, 'the proxy answer has no result for the URL');
        }
        return transformResponse(params, parsed[url]);
      });
    }).then(finish, function (e) {
      finish(failure(500, 'the proxy could not be reached: ' + describeError(e)));
    });
  }

  function setTimeoutSafe(fn) {
    if (typeof global.setTimeout === 'function') {
      global.setTimeout(fn, 0);
    } else {
      Promise.resolve().then(fn);
    }
  }

  gadgets.io = {
    makeRequest: makeRequest,
    encodeValues: encodeValues,
    RequestParameters: makeEnum(['METHOD', 'CONTENT_TYPE', 'POST_DATA', 'HEADERS', 'AUTHORIZATION',
      'NUM_ENTRIES', 'GET_SUMMARIES', 'GET_FULL_HEADERS', 'REFRESH_INTERVAL', 'OAUTH_SERVICE_NAME',
      'OAUTH_USE_TOKEN', 'OAUTH_TOKEN_NAME', 'OAUTH_REQUEST_TOKEN', 'OAUTH_REQUEST_TOKEN_SECRET',
      'OAUTH_RECEIVED_CALLBACK', 'SIGN_OWNER', 'SIGN_VIEWER']),
    MethodType: makeEnum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD']),
    ContentType: makeEnum(['TEXT', 'DOM', 'JSON', 'FEED']),
    AuthorizationType: makeEnum(['NONE', 'SIGNED', 'OAUTH', 'OAUTH2'])
  };
}(this));
