//! `gadgets.io.makeRequest`: an HTTP request through the container's proxy (OPENSOCIAL.md
//! §5.2), for servers the gadget's own origin cannot reach with `fetch`. The answer is always
//! taken as text (`CONTENT_TYPE` `TEXT`); decode it yourself.

use std::collections::BTreeMap;
use std::fmt;

use js_sys::Promise;
use serde_json::{Map, Value, json};
use wasm_bindgen_futures::JsFuture;

use super::{from_js, js_host, sys, thrown, to_js};
use crate::HubError;

/// The request method (`gadgets.io.MethodType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// GET.
    #[default]
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
    /// HEAD.
    Head,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
        }
    }
}

/// What to send besides the URL.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// The method.
    pub method: Method,
    /// Request headers (an `Authorization` travels in the proxy request's body, never in a URL).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Option<String>,
    /// Whether every response header is wanted (`GET_FULL_HEADERS`); otherwise the proxy
    /// returns only `set-cookie` and `location`.
    pub full_headers: bool,
}

impl fmt::Debug for RequestOptions {
    /// Header names only: a value may be a credential.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("method", &self.method)
            .field("headers", &names)
            .field("body", &self.body.as_ref().map(String::len))
            .field("full_headers", &self.full_headers)
            .finish()
    }
}

/// What `makeRequest` called back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status (the proxy's own status when it failed; 500 for a malformed answer).
    pub rc: u16,
    /// The body, also on error statuses.
    pub text: String,
    /// Response headers, names lower-cased, each with its values.
    pub headers: BTreeMap<String, Vec<String>>,
    /// `["<rc> Error"]` for a status below 200 or from 400 on, else empty.
    pub errors: Vec<String>,
}

impl Response {
    /// Reads the callback's argument (`{rc, text, headers, errors}`).
    fn from_json(value: &Value) -> Self {
        let rc = value.get("rc").and_then(Value::as_f64).unwrap_or(500.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped")]
        let rc = if (0.0..=f64::from(u16::MAX)).contains(&rc) { rc as u16 } else { 500 };
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::Array(items) => {
                    items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect()
                }
                Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            }
        };
        let headers = match value.get("headers") {
            Some(Value::Object(map)) => {
                map.iter().map(|(k, v)| (k.to_ascii_lowercase(), strings(v))).collect()
            }
            _ => BTreeMap::new(),
        };
        Self {
            rc,
            text: value.get("text").and_then(Value::as_str).unwrap_or_default().to_owned(),
            headers,
            errors: value.get("errors").map(strings).unwrap_or_default(),
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.rc)
    }
}

/// The `opt_params` object for `options`.
fn params(options: &RequestOptions) -> Value {
    let headers: Map<String, Value> = options
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    let mut params = json!({
        "METHOD": options.method.as_str(),
        "CONTENT_TYPE": "TEXT",
        "HEADERS": headers,
        "GET_FULL_HEADERS": options.full_headers,
        "REFRESH_INTERVAL": 0,
    });
    if let (Some(body), Value::Object(map)) = (&options.body, &mut params) {
        map.insert("POST_DATA".to_owned(), Value::String(body.clone()));
    }
    params
}

/// `gadgets.io.makeRequest(url, callback, params)`: resolves when the callback is called.
/// Fails when `makeRequest` throws (or is missing); an HTTP error is a [`Response`] with its
/// status, not an `Err`.
pub async fn make_request(url: &str, options: &RequestOptions) -> Result<Response, HubError> {
    js_host()?;
    let params = to_js(&params(options));
    let mut called = Ok(());
    let promise = Promise::new(&mut |resolve, _reject| {
        called = sys::make_request(url, &resolve, &params);
    });
    called.map_err(|e| thrown(&e))?;
    let answer = JsFuture::from(promise).await.map_err(|e| thrown(&e))?;
    Ok(Response::from_json(&from_js(&answer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_shindigs_request_parameters() {
        let options = RequestOptions {
            method: Method::Put,
            headers: vec![("Authorization".into(), "Basic eDp5".into())],
            body: Some("<User/>".into()),
            full_headers: true,
        };
        assert_eq!(
            params(&options),
            json!({"METHOD": "PUT", "CONTENT_TYPE": "TEXT",
                   "HEADERS": {"Authorization": "Basic eDp5"}, "GET_FULL_HEADERS": true,
                   "REFRESH_INTERVAL": 0, "POST_DATA": "<User/>"})
        );
        let debug = format!("{options:?}");
        assert!(debug.contains("Authorization") && !debug.contains("eDp5"), "{debug}");
        assert_eq!(params(&RequestOptions::default())["METHOD"], "GET");
        assert!(params(&RequestOptions::default()).get("POST_DATA").is_none());
    }

    #[test]
    fn responses_are_read_leniently() {
        let r = Response::from_json(&json!({
            "rc": 404, "text": "<ApiErrors/>", "errors": ["404 Error"],
            "headers": {"requestid": ["r1"], "X-Odd": "one"}
        }));
        assert_eq!(r.rc, 404);
        assert_eq!(r.text, "<ApiErrors/>");
        assert_eq!(r.errors, ["404 Error"]);
        assert_eq!(r.headers["requestid"], ["r1"]);
        assert_eq!(r.headers["x-odd"], ["one"]);
        assert!(!r.is_success());
        let odd = Response::from_json(&json!({"rc": -3}));
        assert_eq!((odd.rc, odd.text.as_str(), odd.headers.len()), (500, "", 0));
        assert!(Response::from_json(&json!({"rc": 204})).is_success());
        assert_eq!(Response::from_json(&Value::Null).rc, 500);
    }
}
