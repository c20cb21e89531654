//! The raw imports: `gadgets.*` as the gadget document defines it (`www/runtime/gadget-runtime.js`,
//! or Shindig's features in Cisco's desktop). Every import is `catch`, so a missing `gadgets`
//! (a standalone page) or an exception comes back as `Err`; every result is a `JsValue` that the
//! safe wrappers check, since another implementation may return something unexpected.
//! Namespaced imports are resolved at call time: `gadgets.Hub` is replaced at onload.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // gadgets.Hub (an OpenAjax IframeHubClient).
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "Hub"], js_name = publish)]
    pub(super) fn hub_publish(topic: &str, data: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "Hub"], js_name = subscribe)]
    pub(super) fn hub_subscribe(topic: &str, on_data: &Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "Hub"], js_name = unsubscribe)]
    pub(super) fn hub_unsubscribe(id: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "Hub"], js_name = isConnected)]
    pub(super) fn hub_is_connected() -> Result<JsValue, JsValue>;

    // gadgets.Prefs: one shared instance per document.
    #[wasm_bindgen(js_namespace = gadgets, js_name = Prefs)]
    pub(super) type RawPrefs;
    #[wasm_bindgen(catch, constructor, js_namespace = gadgets, js_class = "Prefs")]
    pub(super) fn new() -> Result<RawPrefs, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Prefs", js_name = getString)]
    pub(super) fn get_string(this: &RawPrefs, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Prefs", js_name = getInt)]
    pub(super) fn get_int(this: &RawPrefs, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Prefs", js_name = getBool)]
    pub(super) fn get_bool(this: &RawPrefs, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Prefs", js_name = getMsg)]
    pub(super) fn get_msg(this: &RawPrefs, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, method, js_class = "Prefs", js_name = set)]
    pub(super) fn set(this: &RawPrefs, key: &str, value: &str) -> Result<(), JsValue>;

    // gadgets.window
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "window"], js_name = adjustHeight)]
    pub(super) fn adjust_height(height: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "window"], js_name = setTitle)]
    pub(super) fn set_title(title: &str) -> Result<(), JsValue>;

    // gadgets.views
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "views"], js_name = requestNavigateTo)]
    pub(super) fn request_navigate_to(view: &str, params: &JsValue) -> Result<(), JsValue>;

    // gadgets.loadingindicator (Finesse)
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = dismiss)]
    pub(super) fn indicator_dismiss() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = showLoading)]
    pub(super) fn indicator_show_loading() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = showRetry)]
    pub(super) fn indicator_show_retry() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = updateLoadingMessage)]
    pub(super) fn indicator_update_loading_message(text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = updateTimeoutMessage)]
    pub(super) fn indicator_update_timeout_message(text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "loadingindicator"], js_name = updateRetryButtonText)]
    pub(super) fn indicator_update_retry_button_text(text: &str) -> Result<(), JsValue>;

    // gadgets.io
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "io"], js_name = makeRequest)]
    pub(super) fn make_request(
        url: &str,
        callback: &Function,
        params: &JsValue,
    ) -> Result<(), JsValue>;

    // gadgets.util
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "util"], js_name = escapeString)]
    pub(super) fn escape_string(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "util"], js_name = unescapeString)]
    pub(super) fn unescape_string(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["gadgets", "util"], js_name = getUrlParameters)]
    pub(super) fn get_url_parameters() -> Result<JsValue, JsValue>;
}
