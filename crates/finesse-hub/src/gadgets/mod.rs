//! Bindings to what a gadget document has: `gadgets.Hub` as a [`Hub`] ([`GadgetHub`], obtained
//! with [`connected`]), [`Prefs`], [`window`], [`views`], [`loadingindicator`], [`io`] and
//! [`util`]. They work in any container that gives gadgets the OpenSocial `gadgets.*` API: ours
//! (`www/runtime/gadget-runtime.js`), Cisco's Finesse desktop (Shindig) or a third party's.
//!
//! The imports themselves are private (`sys`); each is `catch`, so what JavaScript throws comes
//! back as a [`HubError`] (`OpenAjax.hub.Error.<Name>` by name, anything else as
//! [`HubError::Other`] with its message), never as a panic. A page without `gadgets` (a
//! standalone page) gets [`HubError::Other`] saying so. The module compiles on every target;
//! outside a JavaScript host every call returns an error.
//!
//! **Payloads cross realms as JSON** (OPENSOCIAL.md §1.6): what is published is built in this
//! frame with `JSON.parse` from the [`Value`]; what arrives is read with `JSON.stringify`, never
//! with `instanceof` casts, and never mutated (on Cisco's same-origin desktop the object is shared
//! with the publisher and the other subscribers). A Finesse `TimerTickEvent` (the object our
//! runtime and finesse.js hand to subscribers of the timer tick) is read back as
//! `{"dateQueued": <ms>, "tickFrequency": <ms>}`.
//!
//! **Waiting for the hub.** `gadgets.Hub` is created and connected at onload, which may come
//! before or after the wasm module starts (§1.1). [`connected`] handles both orders.
//!
//! ```ignore
//! wasm_bindgen_futures::spawn_local(async {
//!     let hub = finesse_hub::gadgets::connected().await?;
//!     let status = hub.subscribe("finesse.info.connection", Box::new(|_, info| { /* … */ }))?;
//!     // keep `status`: dropping it unsubscribes
//! });
//! ```

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::hub::{Callback, Hub, HubError, Subscription};
use crate::payload::js_number_string;

pub mod io;
mod prefs;
mod sys;

pub use prefs::Prefs;

/// The Basic credential in Finesse's `authorization` pref (base64 of `id:password`, as the
/// desktop gives it to gadgets) as `(id, password)`. `None` when it is missing or unreadable,
/// or names another user than the `id` pref (when that is set).
pub fn basic_credential_from_pref(id: &str, authorization: &str) -> Option<(String, String)> {
    let decoded =
        String::from_utf8(finesse_xmpp::sasl::base64_decode(authorization.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    if user.is_empty() || (!id.is_empty() && user != id) {
        return None;
    }
    Some((user.to_owned(), password.to_owned()))
}

/// A server preference (`scheme`, `host`, `hostPort`) that cannot be used: the sentence
/// that says why, in English with a `{value}` placeholder (a gadget shows it translated:
/// `locale.tr(e.template()).replace("{value}", e.value())`), and the value as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadServerPref {
    template: &'static str,
    value: String,
}

impl BadServerPref {
    /// The English sentence, `{value}` standing for the preference's value.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The preference's value as the container gave it.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for BadServerPref {
    /// The English sentence with the value in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template.replace("{value}", &self.value))
    }
}

/// A parameter of the page's query string (`?name=value`), when present and not empty: how a
/// page outside a container (a standalone gadget, our desktop) is told its user, locale or
/// gadget. `None` outside a browser.
pub fn page_query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name).filter(|v| !v.is_empty())
}

/// The Finesse server's origin from the prefs `scheme`, `host` and `hostPort`; `Ok(None)` when
/// `host` is empty (the document's own origin is the server then).
pub fn server_origin(
    scheme: &str,
    host: &str,
    port: &str,
) -> Result<Option<String>, BadServerPref> {
    let bad = |template, value: &str| BadServerPref { template, value: value.to_owned() };
    if host.is_empty() {
        return Ok(None);
    }
    let scheme = match scheme {
        "" | "https" => "https",
        "http" => "http",
        other => {
            return Err(bad("The scheme preference “{value}” is neither http nor https.", other));
        }
    };
    let name_ok = host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let ipv6_ok = host.len() > 2
        && host.starts_with('[')
        && host.ends_with(']')
        && host[1..host.len() - 1].bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    if !name_ok && !ipv6_ok {
        return Err(bad("The host preference “{value}” is not a host name.", host));
    }
    if port.is_empty() {
        return Ok(Some(format!("{scheme}://{host}")));
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok(Some(format!("{scheme}://{host}:{p}"))),
        _ => Err(bad("The hostPort preference “{value}” is not a port number.", port)),
    }
}

/// What a call reports on a page that has no `gadgets` (a standalone page).
const NOT_A_GADGET: &str = "this page is not a gadget document: gadgets.* is missing (open the \
                            gadget through a container, such as the Finesse desktop)";

/// How often [`connected`] looks at `gadgets.Hub.isConnected()` while it waits.
const POLL_MS: i32 = 100;

/// Fails outside a JavaScript host, where the imports cannot be called.
fn js_host() -> Result<(), HubError> {
    if cfg!(target_arch = "wasm32") {
        Ok(())
    } else {
        Err(HubError::Other("gadgets.* needs a JavaScript host (wasm32)".to_owned()))
    }
}

/// The global `gadgets` object, if this document has one.
fn gadgets_object() -> Option<JsValue> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("gadgets")).ok()?;
    value.is_object().then_some(value)
}

/// `object[key]`, or `undefined`.
fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A thrown value as a [`HubError`]: the OpenAjax name of its message, or the message. Read
/// through `message` rather than `instanceof Error`, which fails for another realm's errors.
fn thrown(error: &JsValue) -> HubError {
    if gadgets_object().is_none() {
        return HubError::Other(NOT_A_GADGET.to_owned());
    }
    let message = error
        .as_string()
        .or_else(|| error.is_object().then(|| get(error, "message").as_string()).flatten())
        .unwrap_or_else(|| "a JavaScript exception without a message".to_owned());
    HubError::from_message(&message)
}

/// A JSON value built in this frame.
fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// A payload received from JavaScript as JSON (`null` for `undefined` and for anything JSON
/// cannot carry).
fn from_js(value: &JsValue) -> Value {
    if let Some(tick) = timer_tick(value) {
        return tick;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| JsValue::from(text).as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// A Finesse `TimerTickEvent` object (methods, no JSON fields) as its wire form.
fn timer_tick(value: &JsValue) -> Option<Value> {
    if !value.is_object() {
        return None;
    }
    let call =
        |name: &str| get(value, name).dyn_ref::<Function>().and_then(|f| f.call0(value).ok());
    let queued = call("getDateQueued")?;
    let ms = get(&queued, "getTime").dyn_ref::<Function>()?.call0(&queued).ok()?.as_f64()?;
    let frequency = call("getTickFrequency").and_then(|f| f.as_f64()).unwrap_or(0.0);
    #[allow(clippy::cast_possible_truncation, reason = "epoch and interval milliseconds")]
    let (ms, frequency) = (ms as i64, frequency as i64);
    Some(serde_json::json!({ "dateQueued": ms, "tickFrequency": frequency }))
}

/// The gadget's hub client, `gadgets.Hub` (an OpenAjax `IframeHubClient`), as a [`Hub`]. Get it
/// from [`connected`]. Each call goes to the `gadgets.Hub` of the moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GadgetHub {
    _connected: (),
}

impl GadgetHub {
    /// Whether `gadgets.Hub` exists and says it is connected.
    pub fn is_connected(&self) -> bool {
        hub_connected()
    }
}

fn hub_connected() -> bool {
    js_host().is_ok() && sys::hub_is_connected().is_ok_and(|c| c.as_bool() == Some(true))
}

impl Hub for GadgetHub {
    /// `gadgets.Hub.publish(topic, JSON.parse(payload))`.
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError> {
        js_host()?;
        sys::hub_publish(topic, &to_js(&payload)).map_err(|e| thrown(&e))
    }

    /// `gadgets.Hub.subscribe(pattern, onData)`; the guard's drop calls
    /// `gadgets.Hub.unsubscribe(id)`. [`Subscription::unsubscribe`] counts `Disconnected` and
    /// `NoSubscription` as done: either way the container no longer has the subscription.
    fn subscribe(&self, pattern: &str, mut on_data: Callback) -> Result<Subscription, HubError> {
        js_host()?;
        let closure = Closure::<dyn FnMut(JsValue, JsValue)>::new(move |topic: JsValue, data| {
            on_data(&topic.as_string().unwrap_or_default(), &from_js(&data));
        });
        let id = sys::hub_subscribe(pattern, closure.as_ref().unchecked_ref())
            .map_err(|e| thrown(&e))?;
        if id.is_undefined() || id.is_null() {
            return Err(HubError::NotAllowed);
        }
        let name = id.as_string().or_else(|| id.as_f64().map(js_number_string)).unwrap_or_default();
        Ok(Subscription::new(name, move || {
            let result = match sys::hub_unsubscribe(&id).map_err(|e| thrown(&e)) {
                Err(HubError::Disconnected | HubError::NoSubscription) => Ok(()),
                other => other,
            };
            // The hub no longer calls it (a call under way finishes first: wasm-bindgen frees
            // an owned closure once its last invocation returns).
            drop(closure);
            result
        }))
    }
}

/// What [`connected`] waits on: the outcome `onConnect` reported, and the wake-up of the
/// current pause.
#[derive(Default)]
struct Waiter {
    outcome: Option<Result<(), HubError>>,
    wake: Option<Function>,
}

/// Waits until `gadgets.Hub` is connected, whether that happened before this call or happens
/// later: `gadgets.HubSettings.connected` (a promise, in our runtime) when there is one; else
/// `gadgets.Hub.isConnected()`; else `gadgets.HubSettings.onConnect` chained (the earlier
/// handler still runs first) together with a look at `isConnected()` every 100 ms (Shindig
/// reads `onConnect` once, at onload).
///
/// Fails at once on a page without `gadgets` (standalone) or without the hub (`pubsub-2` not
/// required), and with the container's refusal when the connection is refused. Never resolves
/// in a gadget document that has no container around it.
pub async fn connected() -> Result<GadgetHub, HubError> {
    js_host()?;
    let hub = GadgetHub { _connected: () };
    let gadgets = gadgets_object().ok_or_else(|| HubError::Other(NOT_A_GADGET.to_owned()))?;
    let settings = get(&gadgets, "HubSettings");
    let promise = if settings.is_object() { get(&settings, "connected") } else { JsValue::NULL };
    if promise.is_object() && get(&promise, "then").is_function() {
        JsFuture::from(Promise::resolve(&promise)).await.map_err(|e| thrown(&e))?;
        return Ok(hub);
    }
    if hub_connected() {
        return Ok(hub);
    }
    if !settings.is_object() && !get(&gadgets, "Hub").is_object() {
        return Err(HubError::Other(
            "this gadget has no gadgets.Hub: it must require the pubsub-2 feature".to_owned(),
        ));
    }
    let waiter: Rc<RefCell<Waiter>> = Rc::default();
    if settings.is_object() {
        let previous = get(&settings, "onConnect");
        let w = Rc::clone(&waiter);
        let chained = Closure::once_into_js(move |client: JsValue, ok: JsValue, error: JsValue| {
            if let Some(previous) = previous.dyn_ref::<Function>() {
                // The gadget's own handler; what it throws is its business.
                let _ = previous.call3(&JsValue::UNDEFINED, &client, &ok, &error);
            }
            let outcome = if ok.as_bool() == Some(false) {
                Err(HubError::from_message(
                    &error.as_string().unwrap_or_else(|| HubError::NotAllowed.name()),
                ))
            } else {
                Ok(())
            };
            let wake = {
                let mut w = w.borrow_mut();
                w.outcome = Some(outcome);
                w.wake.take()
            };
            if let Some(wake) = wake {
                let _ = wake.call0(&JsValue::UNDEFINED);
            }
        });
        Reflect::set(&settings, &JsValue::from_str("onConnect"), &chained)
            .map_err(|e| thrown(&e))?;
    }
    loop {
        if let Some(outcome) = waiter.borrow_mut().outcome.take() {
            return outcome.map(|()| hub);
        }
        if hub_connected() {
            return Ok(hub);
        }
        pause(&waiter).await?;
    }
}

/// Waits [`POLL_MS`], or less when `onConnect` wakes the waiter.
async fn pause(waiter: &Rc<RefCell<Waiter>>) -> Result<(), HubError> {
    let set_timeout = get(&js_sys::global(), "setTimeout");
    let set_timeout = set_timeout
        .dyn_ref::<Function>()
        .ok_or_else(|| HubError::Other("no setTimeout in this host".to_owned()))?;
    let mut armed = Ok(());
    let promise = Promise::new(&mut |resolve, _reject| {
        armed = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(POLL_MS)).map(drop);
        waiter.borrow_mut().wake = Some(resolve);
    });
    armed.map_err(|e| thrown(&e))?;
    JsFuture::from(promise).await.map(drop).map_err(|e| thrown(&e))
}

/// `gadgets.window`: the gadget's frame.
pub mod window {
    use super::{js_host, sys, thrown};
    use crate::HubError;
    use wasm_bindgen::JsValue;

    /// `adjustHeight(height)`: resizes the frame to `height` pixels, or to the measured height
    /// of the content with `None`.
    pub fn adjust_height(height: Option<u32>) -> Result<(), HubError> {
        js_host()?;
        let height = height.map_or(JsValue::UNDEFINED, JsValue::from);
        sys::adjust_height(&height).map_err(|e| thrown(&e))
    }

    /// `setTitle(title)`: the text of the gadget's title bar.
    pub fn set_title(title: &str) -> Result<(), HubError> {
        js_host()?;
        sys::set_title(title).map_err(|e| thrown(&e))
    }
}

/// `gadgets.views`: asking the container for another view.
pub mod views {
    use serde_json::Value;
    use wasm_bindgen::JsValue;

    use super::{js_host, sys, thrown, to_js};
    use crate::HubError;

    /// `requestNavigateTo(view, params)`. In Finesse, `"canvas"` maximizes the gadget within
    /// its tab and any other view restores it.
    pub fn request_navigate_to(view: &str, params: Option<&Value>) -> Result<(), HubError> {
        js_host()?;
        let params = params.map_or(JsValue::UNDEFINED, to_js);
        sys::request_navigate_to(view, &params).map_err(|e| thrown(&e))
    }
}

/// `gadgets.loadingindicator` (Finesse): the container's overlay over the gadget while it loads.
/// With `<Require feature="loadingindicator">` and `manual-dismiss` true, the gadget calls
/// [`dismiss`](loadingindicator::dismiss) itself once it is ready.
pub mod loadingindicator {
    use super::{js_host, sys, thrown};
    use crate::HubError;

    /// Hides the overlay.
    pub fn dismiss() -> Result<(), HubError> {
        js_host()?;
        sys::indicator_dismiss().map_err(|e| thrown(&e))
    }

    /// Shows the overlay again, in its loading state.
    pub fn show_loading() -> Result<(), HubError> {
        js_host()?;
        sys::indicator_show_loading().map_err(|e| thrown(&e))
    }

    /// Shows the timeout message with its Retry button (which reloads the gadget).
    pub fn show_retry() -> Result<(), HubError> {
        js_host()?;
        sys::indicator_show_retry().map_err(|e| thrown(&e))
    }

    /// The text shown while loading.
    pub fn update_loading_message(text: &str) -> Result<(), HubError> {
        js_host()?;
        sys::indicator_update_loading_message(text).map_err(|e| thrown(&e))
    }

    /// The text shown after the timeout.
    pub fn update_timeout_message(text: &str) -> Result<(), HubError> {
        js_host()?;
        sys::indicator_update_timeout_message(text).map_err(|e| thrown(&e))
    }

    /// The label of the Retry button.
    pub fn update_retry_button_text(text: &str) -> Result<(), HubError> {
        js_host()?;
        sys::indicator_update_retry_button_text(text).map_err(|e| thrown(&e))
    }
}

/// `gadgets.util`: Shindig's escaping and the document's URL parameters.
pub mod util {
    use std::collections::BTreeMap;

    use serde_json::Value;
    use wasm_bindgen::JsValue;

    use super::{from_js, js_host, sys, thrown};
    use crate::HubError;

    fn text(result: Result<JsValue, JsValue>) -> Result<String, HubError> {
        let value = result.map_err(|e| thrown(&e))?;
        Ok(value.as_string().unwrap_or_default())
    }

    /// `escapeString(text)`: `\n \r " ' < > \` and a few more as `&#<decimal>;`, U+0000
    /// removed (what `Prefs::get_string` applies to every value).
    pub fn escape_string(s: &str) -> Result<String, HubError> {
        js_host()?;
        text(sys::escape_string(s))
    }

    /// `unescapeString(text)`: `&#<decimal>;` back to characters.
    pub fn unescape_string(s: &str) -> Result<String, HubError> {
        js_host()?;
        text(sys::unescape_string(s))
    }

    /// `getUrlParameters()`: the document's query and fragment parameters, decoded (a fragment
    /// value wins over a query value). Values that are not strings are left out.
    pub fn url_parameters() -> Result<BTreeMap<String, String>, HubError> {
        js_host()?;
        let value = sys::get_url_parameters().map_err(|e| thrown(&e))?;
        let Value::Object(map) = from_js(&value) else { return Ok(BTreeMap::new()) };
        Ok(map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(v) => Some((k, v)),
                _ => None,
            })
            .collect())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_finesses_authorization_pref() {
        // base64 of "1001001:pa:ss é" (a password may hold colons and any UTF-8).
        let pref = "MTAwMTAwMTpwYTpzcyDDqQ==";
        let c = basic_credential_from_pref("1001001", pref).expect("a credential");
        assert_eq!((c.0.as_str(), c.1.as_str()), ("1001001", "pa:ss é"));
        assert_eq!(basic_credential_from_pref("", pref), Some(c));
        assert_eq!(basic_credential_from_pref("1001002", pref), None, "another user's credential");
        assert_eq!(basic_credential_from_pref("1001001", ""), None);
        assert_eq!(basic_credential_from_pref("1001001", "not base64!"), None);
        assert_eq!(basic_credential_from_pref("", "bm9jb2xvbg=="), None, "no colon");
        assert_eq!(basic_credential_from_pref("", "OnB3"), None, "no id");
    }

    #[test]
    fn the_server_is_the_prefs_origin_or_the_documents() {
        assert_eq!(server_origin("", "", ""), Ok(None));
        assert_eq!(
            server_origin("https", "finesse.example", "8445"),
            Ok(Some("https://finesse.example:8445".into()))
        );
        assert_eq!(server_origin("http", "10.0.0.5", ""), Ok(Some("http://10.0.0.5".into())));
        assert_eq!(server_origin("", "[::1]", "80"), Ok(Some("https://[::1]:80".into())));
        let ftp = server_origin("ftp", "h", "").expect_err("not http");
        assert_eq!(ftp.value(), "ftp");
        assert_eq!(ftp.to_string(), "The scheme preference “ftp” is neither http nor https.");
        assert_eq!(
            server_origin("https", "h", "x").expect_err("no port").template(),
            "The hostPort preference “{value}” is not a port number."
        );
        assert!(server_origin("https", "evil.example/x?", "").is_err());
        assert!(server_origin("https", "user@h", "").is_err());
        assert!(server_origin("https", "h", "99999").is_err());
        assert!(server_origin("https", "h", "0").is_err());
    }

    #[test]
    fn outside_a_javascript_host_every_call_is_an_error_not_a_panic() {
        let host = HubError::Other("gadgets.* needs a JavaScript host (wasm32)".to_owned());
        assert_eq!(Prefs::new().err(), Some(host.clone()));
        assert_eq!(window::set_title("x"), Err(host.clone()));
        assert_eq!(window::adjust_height(None), Err(host.clone()));
        assert_eq!(views::request_navigate_to("canvas", None), Err(host.clone()));
        assert_eq!(loadingindicator::dismiss(), Err(host.clone()));
        assert_eq!(util::escape_string("<"), Err(host.clone()));
        assert_eq!(util::url_parameters(), Err(host.clone()));
        let hub = GadgetHub { _connected: () };
        assert!(!hub.is_connected());
        assert_eq!(hub.publish("a.b", Value::Null), Err(host.clone()));
        assert_eq!(hub.subscribe("a.*", Box::new(|_, _| {})).err(), Some(host));
    }
}
