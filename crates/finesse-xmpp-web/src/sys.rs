//! Private raw bindings to the JavaScript host, beyond what `web-sys` offers on every global:
//! the global `fetch` (a window's and a worker's alike) and the host's clock.

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(request)`, in a window or a worker.
    #[wasm_bindgen(js_name = fetch)]
    pub(crate) fn fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// The host's clock in milliseconds: `performance.now()` where there is one (monotonic),
/// else `Date.now()`.
#[derive(Debug, Clone)]
pub(crate) struct HostClock {
    performance: Option<web_sys::Performance>,
}

impl HostClock {
    pub(crate) fn new() -> Self {
        let performance =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
                .ok()
                .and_then(|p| p.dyn_into::<web_sys::Performance>().ok());
        Self { performance }
    }

    pub(crate) fn now(&self) -> f64 {
        match &self.performance {
            Some(p) => p.now(),
            None => js_sys::Date::now(),
        }
    }
}
