//! The browser transport: `fetch` against a Finesse origin.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{Auth, LocalFuture, Request, RestError, Transport};

/// Sends requests with the host's `fetch` (window or worker) to `base` (`""` = the page's own
/// origin, else e.g. `https://finesse.example:8445`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetch {
    base: String,
}

impl Fetch {
    /// A transport for the Finesse server at `base` (no trailing slash; empty = same origin).
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into().trim_end_matches('/').to_owned() }
    }

    /// The server's origin as given.
    pub fn base(&self) -> &str {
        &self.base
    }
}

/// A JS error in words (never includes request headers).
fn js(e: JsValue) -> RestError {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "network error".to_owned());
    RestError::Network(text)
}

async fn send(
    base: &str,
    request: &Request,
    auth: Option<&Auth>,
) -> Result<(u16, String), RestError> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method.as_str());
    let headers = web_sys::Headers::new().map_err(js)?;
    if let Some(auth) = auth {
        headers.set("Authorization", &auth.header()).map_err(js)?;
    }
    if let Some(id) = &request.request_id {
        // Echoed in the notifications the request causes (guide chapter 2).
        headers.set("requestId", id).map_err(js)?;
    }
    if let Some(body) = &request.body {
        headers.set("Content-Type", "application/xml").map_err(js)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let url = format!("{base}{}", request.path);
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(js)?;
    let global = js_sys::global();
    let promise = if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        window.fetch_with_request(&request)
    } else if let Some(worker) = global.dyn_ref::<web_sys::WorkerGlobalScope>() {
        worker.fetch_with_request(&request)
    } else {
        return Err(RestError::Network("no fetch in this host".to_owned()));
    };
    let response: web_sys::Response =
        JsFuture::from(promise).await.map_err(js)?.dyn_into().map_err(js)?;
    let text = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?;
    Ok((response.status(), text.as_string().unwrap_or_default()))
}

impl Transport for Fetch {
    fn send<'a>(
        &'a self,
        request: &'a Request,
        auth: Option<&'a Auth>,
    ) -> LocalFuture<'a, Result<(u16, String), RestError>> {
        Box::pin(async move {
            if !cfg!(target_arch = "wasm32") {
                return Err(RestError::Network("fetch needs a JavaScript host".to_owned()));
            }
            send(&self.base, request, auth).await
        })
    }
}
