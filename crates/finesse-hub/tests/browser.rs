//! The `gadgets` bindings in headless Chromium (wasm-bindgen-test), against a small fake
//! `gadgets` object that each test installs on the page (inline JavaScript below): it records
//! what it is asked and throws the way the OpenAjax reference client does. Covered: both orders
//! of hub connection and module start (and Shindig's, where only `isConnected` tells), a refused
//! connection, a page without `gadgets`, thrown errors as `HubError`s, unsubscribe on drop,
//! payloads converted through JSON in both directions (also from another realm), and the other
//! `gadgets.*` wrappers.
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

use std::cell::RefCell;
use std::rc::Rc;

use finesse_hub::gadgets::{self, GadgetHub, Prefs, io, loadingindicator, util, views, window};
use finesse_hub::{Hub, HubError};
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
let state = null;

function hubError(name) { return new Error('OpenAjax.hub.Error.' + name); }

// Installs a fresh fake `gadgets`. `hub`: 'none' (before onload), 'connected' (onload done and
// connected), 'connecting' (onload done, connect under way: onConnect already read).
// `promise`: whether HubSettings.connected exists (our runtime) or not (Shindig).
export function install(hub, promise) {
  state = { published: [], subs: {}, next: 0, unsubscribed: [], calls: [], connected: false,
            throwOn: {}, ownHandler: [] };
  const client = {
    isConnected: function () { return state.connected && !state.hideConnected; },
    publish: function (topic, data) {
      if (state.throwOn.publish !== undefined) { throw state.throwOn.publish; }
      if (!state.connected) { throw hubError('Disconnected'); }
      state.published.push({ topic: topic, data: data });
    },
    subscribe: function (topic, onData) {
      if (state.throwOn.subscribe !== undefined) { throw state.throwOn.subscribe; }
      if (typeof onData !== 'function') { throw hubError('BadParameters'); }
      const id = String(state.next++);
      state.subs[id] = { topic: topic, onData: onData };
      return id;
    },
    unsubscribe: function (id) {
      if (state.throwOn.unsubscribe !== undefined) { throw state.throwOn.unsubscribe; }
      if (!(id in state.subs)) { throw hubError('NoSubscription'); }
      delete state.subs[id];
      state.unsubscribed.push(id);
    },
  };
  state.client = client;
  const settings = { params: {}, onConnect: undefined };
  if (promise) {
    settings.connected = new Promise(function (resolve) { state.resolve = resolve; });
  }
  const prefs = { id: '1001001', count: '42', flag: 'true', quote: 'a"b' };
  function Prefs() {}
  Prefs.prototype.getString = function (k) { return k in prefs ? prefs[k].replace(/"/g, '&#34;') : ''; };
  Prefs.prototype.getInt = function (k) { const v = parseInt(prefs[k], 10); return isNaN(v) ? 0 : v; };
  Prefs.prototype.getBool = function (k) { return prefs[k] === 'true'; };
  Prefs.prototype.getMsg = function (k) { return k === 'title' ? 'Connection' : ''; };
  Prefs.prototype.set = function (k, v) {
    if (k === 'locked') { throw new Error('setprefs feature required to make this call.'); }
    prefs[k] = v;
  };
  globalThis.gadgets = {
    HubSettings: settings,
    Prefs: Prefs,
    window: {
      adjustHeight: function (h) { state.calls.push(['adjustHeight', h === undefined ? 'measure' : h]); },
      setTitle: function (t) { state.calls.push(['setTitle', t]); },
    },
    views: { requestNavigateTo: function (v, p) { state.calls.push(['requestNavigateTo', v, JSON.stringify(p)]); } },
    loadingindicator: {
      dismiss: function () { state.calls.push(['dismiss']); },
      showLoading: function () { state.calls.push(['showLoading']); },
      showRetry: function () { state.calls.push(['showRetry']); },
      updateLoadingMessage: function (t) { state.calls.push(['updateLoadingMessage', t]); },
      updateTimeoutMessage: function (t) { state.calls.push(['updateTimeoutMessage', t]); },
      updateRetryButtonText: function (t) { state.calls.push(['updateRetryButtonText', t]); },
    },
    io: {
      makeRequest: function (url, callback, params) {
        if (url === 'throw') { throw new TypeError('bad url'); }
        state.calls.push(['makeRequest', url, JSON.stringify(params)]);
        setTimeout(function () {
          callback({ rc: 202, text: 'ok', headers: { requestid: ['r-1'] }, errors: [], data: 'ok' });
        }, 5);
      },
    },
    util: {
      escapeString: function (s) { return s.replace(/</g, '&#60;'); },
      unescapeString: function (s) { return s.replace(/&#60;/g, '<'); },
      getUrlParameters: function () { return { mid: '3', url: 'http://x/a.xml', odd: 4 }; },
    },
  };
  if (hub === 'connected' || hub === 'connecting') {
    gadgets.Hub = client;
    state.connected = hub === 'connected';
    if (state.connected && state.resolve) { state.resolve(client); }
  }
}

// The gadget's own inline onConnect handler, set before onload (as Cisco's samples do).
export function setOwnHandler() {
  gadgets.HubSettings.onConnect = function (client, ok) { state.ownHandler.push(ok); };
}
export function ownHandlerCalls() { return JSON.stringify(state.ownHandler); }

// Onload after `ms`: gadgets.Hub created, then the connection completes (ok or refused).
export function onloadLater(ms, ok) {
  setTimeout(function () {
    const onConnect = gadgets.HubSettings.onConnect; // read once, as Shindig does
    gadgets.Hub = state.client;
    setTimeout(function () {
      state.connected = ok;
      if (ok && state.resolve) { state.resolve(state.client); }
      if (typeof onConnect === 'function') {
        onConnect(state.client, ok, ok ? undefined : 'OpenAjax.hub.Error.NotAllowed');
      }
    }, 5);
  }, ms);
}
// Shindig's case: the connection completes later without anyone calling our handler.
export function connectSilentlyLater(ms) {
  setTimeout(function () { state.connected = true; }, ms);
}
// isConnected() stays false: only onConnect can tell.
export function hideIsConnected() { state.hideConnected = true; }
export function dropHubSettings() { delete gadgets.HubSettings; }
export function onConnectIsUntouched() { return gadgets.HubSettings.onConnect === undefined; }

export function uninstall() { delete globalThis.gadgets; }
export function throwOn(method, kind) {
  state.throwOn[method] = kind === 'string' ? 'boom' : kind === 'type' ? new TypeError('x is not a function')
    : hubError(kind);
}
export function published() {
  return JSON.stringify(state.published.map(function (p) {
    return { topic: p.topic, data: p.data, plain: Object.getPrototypeOf(p.data) === Object.prototype };
  }));
}
export function unsubscribed() { return JSON.stringify(state.unsubscribed); }
export function activeSubscriptions() { return Object.keys(state.subs).length; }
export function calls() { return JSON.stringify(state.calls); }

// Delivers to every subscription of exactly `topic`, as the container does. `kind` picks the
// payload: 'json' (the given text parsed here), 'undefined', 'date', 'tick', 'realm' (an object
// made in another frame's realm, as on Cisco's same-origin desktop).
export function deliver(topic, kind, text) {
  let data;
  if (kind === 'json') { data = JSON.parse(text); }
  else if (kind === 'date') { data = { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), gone: undefined, f: function () {} }; }
  else if (kind === 'tick') {
    data = { _q: new Date(1700000000000), getDateQueued: function () { return this._q; },
             getTickFrequency: function () { return 1000; } };
  } else if (kind === 'realm') {
    const frame = document.createElement('iframe');
    document.body.appendChild(frame);
    data = frame.contentWindow.JSON.parse(text);
    frame.remove();
  }
  Object.keys(state.subs).forEach(function (id) {
    const sub = state.subs[id];
    if (sub && sub.topic === topic) { sub.onData(topic, data); }
  });
  return data;
}
export function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
"#)]
extern "C" {
    fn install(hub: &str, promise: bool);
    #[wasm_bindgen(js_name = setOwnHandler)]
    fn set_own_handler();
    #[wasm_bindgen(js_name = ownHandlerCalls)]
    fn own_handler_calls() -> String;
    #[wasm_bindgen(js_name = onloadLater)]
    fn onload_later(ms: u32, ok: bool);
    #[wasm_bindgen(js_name = connectSilentlyLater)]
    fn connect_silently_later(ms: u32);
    #[wasm_bindgen(js_name = hideIsConnected)]
    fn hide_is_connected();
    #[wasm_bindgen(js_name = dropHubSettings)]
    fn drop_hub_settings();
    #[wasm_bindgen(js_name = onConnectIsUntouched)]
    fn on_connect_is_untouched() -> bool;
    fn uninstall();
    #[wasm_bindgen(js_name = throwOn)]
    fn throw_on(method: &str, kind: &str);
    fn published() -> String;
    fn unsubscribed() -> String;
    #[wasm_bindgen(js_name = activeSubscriptions)]
    fn active_subscriptions() -> u32;
    fn calls() -> String;
    fn deliver(topic: &str, kind: &str, text: &str) -> JsValue;
    fn sleep(ms: u32) -> js_sys::Promise;
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("the fake returns JSON")
}

async fn connected_hub(mode: &str) -> GadgetHub {
    install(mode, true);
    gadgets::connected().await.expect("connected")
}

/// What a subscription received: topic and payload, in order.
type Log = Rc<RefCell<Vec<(String, Value)>>>;

/// Records what a subscription receives.
fn recorder() -> (Log, finesse_hub::Callback) {
    let log: Log = Rc::default();
    let l = log.clone();
    (log, Box::new(move |topic, payload| l.borrow_mut().push((topic.to_owned(), payload.clone()))))
}

#[wasm_bindgen_test]
async fn connects_when_the_hub_connected_before_the_module_started() {
    for promise in [false, true] {
        install("connected", promise);
        let hub = gadgets::connected().await.expect("already connected");
        assert!(hub.is_connected());
        assert!(on_connect_is_untouched(), "nothing chained when nothing has to be waited for");
    }
}

#[wasm_bindgen_test]
async fn connects_when_the_hub_connects_after_the_module_started_through_on_connect() {
    // Shindig: no HubSettings.connected; the gadget's inline handler is already set.
    install("none", false);
    set_own_handler();
    hide_is_connected();
    onload_later(30, true);
    gadgets::connected().await.expect("connected at onload");
    assert_eq!(own_handler_calls(), "[true]", "the gadget's own onConnect still runs, once");
}

#[wasm_bindgen_test]
async fn connects_through_the_hub_settings_promise() {
    install("none", true);
    onload_later(20, true);
    let hub = gadgets::connected().await.expect("the promise resolves");
    assert!(hub.is_connected());
    assert!(on_connect_is_untouched(), "our runtime's promise is used, onConnect left alone");
}

#[wasm_bindgen_test]
async fn connects_when_only_is_connected_tells() {
    // Onload ran and read onConnect before the module started; nobody will call ours.
    install("connecting", false);
    connect_silently_later(150);
    let hub = gadgets::connected().await.expect("seen by polling isConnected");
    assert!(hub.is_connected());
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_an_error() {
    install("none", false);
    onload_later(10, false);
    assert_eq!(gadgets::connected().await, Err(HubError::NotAllowed));
}

#[wasm_bindgen_test]
async fn a_standalone_page_gets_a_clear_error_everywhere() {
    uninstall();
    let Err(HubError::Other(message)) = gadgets::connected().await else {
        panic!("a page without gadgets must fail")
    };
    assert!(message.contains("not a gadget document"), "{message}");
    assert_eq!(Prefs::new().err(), Some(HubError::Other(message.clone())));
    assert_eq!(window::set_title("x"), Err(HubError::Other(message.clone())));
    assert_eq!(util::escape_string("<"), Err(HubError::Other(message.clone())));
    let hub = connected_hub("connected").await;
    uninstall();
    assert_eq!(hub.publish("a.b", json!(1)), Err(HubError::Other(message)));
    assert!(!hub.is_connected());
}

#[wasm_bindgen_test]
async fn a_gadget_without_the_hub_feature_is_told_so() {
    install("none", false);
    drop_hub_settings();
    let Err(HubError::Other(message)) = gadgets::connected().await else { panic!("no hub") };
    assert!(message.contains("pubsub-2"), "{message}");
}

#[wasm_bindgen_test]
async fn thrown_errors_become_hub_errors() {
    let hub = connected_hub("connected").await;
    throw_on("publish", "BadParameters");
    assert_eq!(hub.publish("a.*", json!({})), Err(HubError::BadParameters));
    throw_on("publish", "string");
    assert_eq!(hub.publish("a.b", json!({})), Err(HubError::Other("boom".into())));
    throw_on("subscribe", "Disconnected");
    assert_eq!(hub.subscribe("a.b", Box::new(|_, _| {})).err(), Some(HubError::Disconnected));
    throw_on("subscribe", "type");
    assert_eq!(
        hub.subscribe("a.b", Box::new(|_, _| {})).err(),
        Some(HubError::Other("x is not a function".into()))
    );
    install("connected", false);
    throw_on("publish", "NotAllowed");
    assert_eq!(hub.publish("a.b", json!({})), Err(HubError::NotAllowed));
}

#[wasm_bindgen_test]
async fn dropping_a_subscription_unsubscribes_and_stops_deliveries() {
    let hub = connected_hub("connected").await;
    let (log, callback) = recorder();
    let sub = hub.subscribe("finesse.info.connection", callback).expect("subscribed");
    assert_eq!(sub.id(), "0");
    deliver("finesse.info.connection", "json", r#"{"status":"connected"}"#);
    drop(sub);
    assert_eq!(unsubscribed(), r#"["0"]"#);
    assert_eq!(active_subscriptions(), 0);
    deliver("finesse.info.connection", "json", r#"{"status":"disconnected"}"#);
    assert_eq!(
        log.borrow().as_slice(),
        [("finesse.info.connection".to_owned(), json!({"status": "connected"}))]
    );

    // Gone already (the hub disconnected, or the container dropped it): nothing to report.
    let sub = hub.subscribe("a.b", Box::new(|_, _| {})).expect("subscribed");
    throw_on("unsubscribe", "NoSubscription");
    assert_eq!(sub.unsubscribe(), Ok(()));
    let sub = hub.subscribe("a.b", Box::new(|_, _| {})).expect("subscribed");
    throw_on("unsubscribe", "Disconnected");
    assert_eq!(sub.unsubscribe(), Ok(()));
    // Anything else is reported by an explicit unsubscribe, and never panics on drop.
    let sub = hub.subscribe("a.b", Box::new(|_, _| {})).expect("subscribed");
    throw_on("unsubscribe", "BadParameters");
    assert_eq!(sub.unsubscribe(), Err(HubError::BadParameters));
    drop(hub.subscribe("a.b", Box::new(|_, _| {})).expect("subscribed"));
}

#[wasm_bindgen_test]
async fn a_callback_may_drop_its_own_subscription() {
    let hub = connected_hub("connected").await;
    let slot: Rc<RefCell<Option<finesse_hub::Subscription>>> = Rc::default();
    let s = slot.clone();
    let calls = Rc::new(std::cell::Cell::new(0));
    let c = calls.clone();
    let sub = hub
        .subscribe(
            "finesse.info.responses.x",
            Box::new(move |_, _| {
                c.set(c.get() + 1);
                drop(s.borrow_mut().take()); // the ClientServices pattern: first answer only
            }),
        )
        .expect("subscribed");
    *slot.borrow_mut() = Some(sub);
    deliver("finesse.info.responses.x", "json", "null");
    deliver("finesse.info.responses.x", "json", "null");
    assert_eq!(calls.get(), 1);
    assert_eq!(unsubscribed(), r#"["0"]"#);
}

#[wasm_bindgen_test]
async fn payloads_cross_as_json_both_ways() {
    let hub = connected_hub("connected").await;
    let payload = json!({"type": "SubscribeNodeReq", "data": {"node": "/finesse/api/Team/1/Users"},
                         "invokeID": 7, "list": [1, null, "é<"], "empty": {}});
    hub.publish("finesse.info.requests", payload.clone()).expect("published");
    assert_eq!(
        parse(&published()),
        json!([{"topic": "finesse.info.requests", "data": payload, "plain": true}])
    );

    let (log, callback) = recorder();
    let _sub = hub.subscribe("t", callback).expect("subscribed");
    let sent =
        json!({"content": "<Update/>", "object": {"Update": {"data": {"user": {"a": "1"}}}}});
    let original = deliver("t", "json", &sent.to_string());
    deliver("t", "undefined", "");
    deliver("t", "date", "");
    deliver("t", "tick", "");
    deliver("t", "realm", &sent.to_string());
    let got: Vec<Value> = log.borrow().iter().map(|(_, v)| v.clone()).collect();
    assert_eq!(
        got,
        [
            sent.clone(),
            Value::Null,
            json!({"at": "2026-01-02T03:04:05.000Z"}),
            json!({"dateQueued": 1_700_000_000_000_i64, "tickFrequency": 1000}),
            sent.clone(),
        ]
    );
    // The publisher's object is left as it was.
    let after = js_sys::JSON::stringify(&original).expect("JSON").as_string().expect("text");
    assert_eq!(parse(&after), sent);
}

#[wasm_bindgen_test]
async fn prefs_window_views_indicator_util_and_io() {
    install("connected", true);
    let prefs = Prefs::new().expect("prefs");
    assert_eq!(prefs.get_string("id"), "1001001");
    assert_eq!(prefs.get_string("quote"), "a&#34;b", "escaped, as Shindig does");
    assert_eq!(prefs.get_string("missing"), "");
    assert_eq!(prefs.get_int("count"), 42);
    assert_eq!(prefs.get_int("id"), 1_001_001);
    assert_eq!(prefs.get_int("flag"), 0);
    assert!(prefs.get_bool("flag"));
    assert!(!prefs.get_bool("count"));
    assert_eq!(prefs.get_msg("title"), "Connection");
    assert_eq!(prefs.set("color", "blue"), Ok(()));
    assert_eq!(prefs.get_string("color"), "blue");
    assert_eq!(
        prefs.set("locked", "x"),
        Err(HubError::Other("setprefs feature required to make this call.".into()))
    );
    assert!(!format!("{prefs:?}").contains("1001001"));

    window::adjust_height(None).expect("adjustHeight");
    window::adjust_height(Some(240)).expect("adjustHeight");
    window::set_title("Connection").expect("setTitle");
    views::request_navigate_to("canvas", Some(&json!({"a": 1}))).expect("navigate");
    loadingindicator::dismiss().expect("dismiss");
    loadingindicator::show_loading().expect("showLoading");
    loadingindicator::show_retry().expect("showRetry");
    loadingindicator::update_loading_message("Connecting…").expect("message");
    loadingindicator::update_timeout_message("Too slow").expect("message");
    loadingindicator::update_retry_button_text("Again").expect("message");
    assert_eq!(util::escape_string("<b>").as_deref(), Ok("&#60;b>"));
    assert_eq!(util::unescape_string("&#60;b>").as_deref(), Ok("<b>"));
    let params = util::url_parameters().expect("parameters");
    assert_eq!(params.get("mid").map(String::as_str), Some("3"));
    assert!(!params.contains_key("odd"), "non-string values are left out");

    let options = io::RequestOptions {
        method: io::Method::Put,
        headers: vec![("Content-Type".into(), "application/xml".into())],
        body: Some("<User/>".into()),
        full_headers: true,
    };
    let response = io::make_request("http://finesse/api", &options).await.expect("answered");
    assert_eq!((response.rc, response.text.as_str()), (202, "ok"));
    assert_eq!(response.headers["requestid"], ["r-1"]);
    assert!(response.is_success() && response.errors.is_empty());
    let thrown = io::make_request("throw", &io::RequestOptions::default()).await;
    assert_eq!(thrown, Err(HubError::Other("bad url".into())));

    let calls = parse(&calls());
    assert_eq!(
        calls,
        json!([
            ["adjustHeight", "measure"],
            ["adjustHeight", 240],
            ["setTitle", "Connection"],
            ["requestNavigateTo", "canvas", "{\"a\":1}"],
            ["dismiss"],
            ["showLoading"],
            ["showRetry"],
            ["updateLoadingMessage", "Connecting…"],
            ["updateTimeoutMessage", "Too slow"],
            ["updateRetryButtonText", "Again"],
            [
                "makeRequest",
                "http://finesse/api",
                "{\"METHOD\":\"PUT\",\"CONTENT_TYPE\":\"TEXT\",\"HEADERS\":{\"Content-Type\":\"application/xml\"},\"GET_FULL_HEADERS\":true,\"REFRESH_INTERVAL\":0,\"POST_DATA\":\"<User/>\"}"
            ]
        ])
    );
    // Settle the fake's timers before the next test replaces it.
    JsFuture::from(sleep(10)).await.expect("slept");
}
