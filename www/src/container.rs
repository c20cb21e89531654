//! Bindings to the page side of the OpenAjax hub, `www/runtime/container-hub.js` (global
//! `FinesseContainerHub`): one `ManagedHub` for the desktop, and one `IframeContainer` per
//! gadget, which creates the gadget's iframe, checks the origin and token of every message it
//! receives, and hands the frame its private prefs when it connects.
//!
//! Payloads cross between Rust and JavaScript as JSON text, so what a gadget receives is the
//! same JSON value whichever side published it.

use std::rc::Rc;

use finesse_hub::{Callback as HubCallback, Hub, HubError, Subscription};
use finesse_session::Text;
use finesse_ui::Locale;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use yew::Callback;

#[wasm_bindgen(inline_js = r#"
function api() {
  if (typeof FinesseContainerHub === 'undefined') {
    throw new Error('runtime/container-hub.js is not loaded');
  }
  return FinesseContainerHub;
}
export function makeHub(log) {
  return new (api().ManagedHub)({
    onPublish: function () { return true; },
    onSubscribe: function () { return true; },
    log: function (m) { log(String(m)); },
  });
}
export function hubSubscribe(hub, topic, cb) {
  return hub.subscribe(topic, function (t, data) {
    cb(t, data === undefined ? 'null' : JSON.stringify(data));
  });
}
export function hubPublish(hub, topic, json) {
  hub.publish(topic, JSON.parse(json));
}
export function hubUnsubscribe(hub, id) {
  hub.unsubscribe(id);
}
export function storedPrefs(specUrl) {
  try {
    var store = new (api().PrefStore)(window.localStorage, 'finesse-gadgets.prefs.');
    return JSON.stringify(store.load(specUrl) || {});
  } catch (e) {
    return '{}';
  }
}
export function makeFrame(hub, clientId, parent, uri, specUrl, prefsJson, onEvent) {
  var store = null;
  try { store = new (api().PrefStore)(window.localStorage, 'finesse-gadgets.prefs.'); } catch (e) { store = null; }
  var prefs = JSON.parse(prefsJson);
  return new (api().IframeContainer)(hub, clientId, {
    Container: {
      onSecurityAlert: function (c, alert) { onEvent('alert', String(alert)); },
      onConnect: function () { onEvent('connect', ''); },
      onDisconnect: function () { onEvent('disconnect', ''); },
    },
    IframeContainer: {
      parent: parent,
      uri: uri,
      specUrl: specUrl,
      prefStore: store,
      prefs: prefs,
      loadingIndicator: true,
      iframeAttrs: { title: 'Gadget', scrolling: 'no' },
      onSetTitle: function (c, title) { onEvent('title', title); },
    },
  });
}
export function removeFrame(frame) {
  frame.remove();
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = makeHub)]
    fn make_hub(log: &Closure<dyn FnMut(String)>) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = hubSubscribe)]
    fn hub_subscribe(
        hub: &JsValue,
        topic: &str,
        cb: &Closure<dyn FnMut(String, String)>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = hubPublish)]
    fn hub_publish(hub: &JsValue, topic: &str, json: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = hubUnsubscribe)]
    fn hub_unsubscribe(hub: &JsValue, id: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = storedPrefs)]
    fn stored_prefs(spec_url: &str) -> String;
    #[wasm_bindgen(catch, js_name = makeFrame)]
    fn make_frame(
        hub: &JsValue,
        client_id: &str,
        parent: &web_sys::Element,
        uri: &str,
        spec_url: &str,
        prefs_json: &str,
        on_event: &Closure<dyn FnMut(String, String)>,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = removeFrame)]
    fn remove_frame(frame: &JsValue) -> Result<(), JsValue>;
}

/// The message of a thrown JavaScript value.
fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

struct Inner {
    hub: JsValue,
    _log: Closure<dyn FnMut(String)>,
}

/// The desktop's hub (the manager side of a `ManagedHub`). Cheap to clone.
#[derive(Clone)]
pub struct ContainerHub {
    inner: Rc<Inner>,
}

impl PartialEq for ContainerHub {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl ContainerHub {
    /// A new hub; fails when `container-hub.js` is not loaded.
    pub fn new() -> Result<Self, String> {
        let log = Closure::<dyn FnMut(String)>::new(|m: String| web_sys_log(&m));
        let hub = make_hub(&log).map_err(|e| message(&e))?;
        Ok(Self { inner: Rc::new(Inner { hub, _log: log }) })
    }
}

/// Logs to the console (hub diagnostics carry no payloads or credentials).
fn web_sys_log(m: &str) {
    web_sys::console::debug_1(&JsValue::from_str(m));
}

impl Hub for ContainerHub {
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError> {
        hub_publish(&self.inner.hub, topic, &payload.to_string())
            .map_err(|e| HubError::from_message(&message(&e)))
    }

    fn subscribe(&self, pattern: &str, mut on_data: HubCallback) -> Result<Subscription, HubError> {
        let closure =
            Closure::<dyn FnMut(String, String)>::new(move |topic: String, json: String| {
                let value = serde_json::from_str(&json).unwrap_or(Value::Null);
                on_data(&topic, &value);
            });
        let id = hub_subscribe(&self.inner.hub, pattern, &closure)
            .map_err(|e| HubError::from_message(&message(&e)))?;
        if id.is_undefined() || id.is_null() {
            return Err(HubError::NotAllowed);
        }
        let hub = self.inner.hub.clone();
        let name = id.as_string().unwrap_or_default();
        Ok(Subscription::new(name, move || {
            let result =
                hub_unsubscribe(&hub, &id).map_err(|e| HubError::from_message(&message(&e)));
            drop(closure);
            result
        }))
    }
}

/// Something a gadget frame reports to the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameEvent {
    /// `gadgets.window.setTitle`.
    Title(String),
    /// A security alert (load timeout, forged message), by the hub's name for it (see
    /// [`alert_text`]).
    Alert(String),
    /// The frame's hub client connected.
    Connected,
}

/// A gadget's iframe on the hub; removed (iframe and subscriptions) when dropped.
pub struct Frame {
    frame: JsValue,
    _on_event: Closure<dyn FnMut(String, String)>,
}

impl Frame {
    /// Creates the iframe in `parent`, loading `uri` (the rendered gadget document), joined
    /// to `hub` as `client_id`; `private` prefs go to the frame when it connects.
    pub fn create(
        hub: &ContainerHub,
        client_id: &str,
        parent: &web_sys::Element,
        uri: &str,
        spec_url: &str,
        private: &[(String, String)],
        on_event: Callback<FrameEvent>,
    ) -> Result<Self, String> {
        let prefs: serde_json::Map<String, Value> =
            private.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let closure =
            Closure::<dyn FnMut(String, String)>::new(move |kind: String, arg: String| {
                let event = match kind.as_str() {
                    "title" => FrameEvent::Title(arg),
                    "connect" => FrameEvent::Connected,
                    "alert" => FrameEvent::Alert(arg),
                    _ => return,
                };
                on_event.emit(event);
            });
        let frame = make_frame(
            &hub.inner.hub,
            client_id,
            parent,
            uri,
            spec_url,
            &Value::Object(prefs).to_string(),
            &closure,
        )
        .map_err(|e| message(&e))?;
        Ok(Self { frame, _on_event: closure })
    }

    /// The prefs this gadget saved earlier (`gadgets.Prefs.set`), to pass in its URL.
    pub fn stored_prefs(spec_url: &str) -> Vec<(String, String)> {
        let parsed: serde_json::Map<String, Value> =
            serde_json::from_str(&stored_prefs(spec_url)).unwrap_or_default();
        parsed.into_iter().filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_owned()))).collect()
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        // The frame may already be gone with its hub; nothing else to do.
        let _ = remove_frame(&self.frame);
    }
}

/// A security alert (the hub's name for it, as [`FrameEvent::Alert`] carries it) in words.
pub fn alert_text(alert: &str, l: Locale) -> String {
    match alert.rsplit('.').next().unwrap_or(alert) {
        "LoadTimeout" => l.t("The gadget did not finish loading in time."),
        "FramePhish" => l.t("The gadget left its page; it was stopped."),
        "ForgedMsg" => l.t("A forged message was sent in the gadget's name; it was ignored."),
        other => l.text(&Text::new("The gadget was stopped ({alert}).").with("alert", other)),
    }
}
