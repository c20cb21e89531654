//! The `gadgets.io.makeRequest` proxy's wire format (OPENSOCIAL.md §5.2): the Shindig request
//! fields and the JSON answer behind the anti-hijacking prefix. Pure; the forwarding itself is
//! in the server.
//!
//! Request fields (query string for `GET`, form body for `POST`): `url`, `httpMethod` (`GET`
//! default, `POST`, `PUT`, `DELETE`, `HEAD`), `headers` (`k=v&k=v`, each URL-encoded),
//! `postData`, `getFullHeaders`, `refresh`, `authz` (only none), and the accepted-and-ignored
//! `contentType`, `numEntries`, `getSummaries`, `signOwner`, `signViewer`, `st`, `gadget`,
//! `container`, `bypassSpecCache`. `Host`, `Accept-Encoding` and hop-by-hop headers are
//! dropped. Nothing is cached (`refresh` is read but never used to cache).
//!
//! Answer: `throw 1; < don't be evil' >{"<url>": {"rc": n, "body": "…", "headers": {name:
//! [values]}}}`, header names lower-cased, the body kept on error statuses too; without
//! `getFullHeaders` only `set-cookie` and `location` are returned, as Shindig does.

use std::fmt;

use serde_json::{Map, Value, json};

/// The prefix of every makeRequest answer (it makes the JSON unusable as a `<script src>`).
pub const UNPARSEABLE_CRUFT: &str = "throw 1; < don't be evil' >";

/// Request headers never forwarded: the proxy sets its own `Host` and `Accept-Encoding`, and
/// hop-by-hop headers describe the browser's connection, not the proxied one.
const DROPPED_HEADERS: [&str; 11] = [
    "host",
    "accept-encoding",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
];

/// A header the container adds to its requests to itself; a request that carries it is a loop.
pub const LOOP_HEADER: &str = "x-finesse-container-fetch";

/// The proxied request's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `HEAD`.
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

    /// Whether a body is sent.
    pub fn has_body(self) -> bool {
        !matches!(self, Self::Get | Self::Head)
    }
}

/// Why a makeRequest call is refused (its answer is `{"error": message}` with this status).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// Missing or malformed fields (400).
    #[error("{0}")]
    BadRequest(String),
    /// The target origin is not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// The target could not be reached, timed out, or answered too much (502).
    #[error("{0}")]
    Upstream(String),
    /// The request came from the container itself (508).
    #[error("the container does not proxy its own requests")]
    Loop,
}

impl ProxyError {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::Upstream(_) => 502,
            Self::Loop => 508,
        }
    }

    /// The answer's JSON body: `{"error": message}`.
    pub fn to_json(&self) -> String {
        json!({ "error": self.to_string() }).to_string()
    }
}

/// A parsed makeRequest call.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    /// `url` exactly as given: the answer is keyed by it (it is resolved against the request's
    /// own origin when fetched).
    pub url: String,
    /// `httpMethod`.
    pub method: Method,
    /// `headers` to forward, in order, without the dropped ones.
    pub headers: Vec<(String, String)>,
    /// `postData` (for methods with a body).
    pub post_data: Option<String>,
    /// `getFullHeaders`: return every response header.
    pub full_headers: bool,
    /// `refresh` seconds, when given (never used to cache).
    pub refresh: Option<u64>,
}

/// Header values (credentials pass through here) and the body never appear in debug output.
impl fmt::Debug for ProxyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ProxyRequest")
            .field("url", &self.url)
            .field("method", &self.method)
            .field("header_names", &names)
            .field("post_data_len", &self.post_data.as_ref().map(String::len))
            .field("full_headers", &self.full_headers)
            .field("refresh", &self.refresh)
            .finish()
    }
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn truthy(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")
}

impl ProxyRequest {
    /// Parses the fields of a call from form-encoded text (`body` fields first, then `query`
    /// fields; a repeated field keeps its first value).
    ///
    /// # Errors
    /// [`ProxyError::BadRequest`] for a missing `url`, an unknown `httpMethod`, malformed
    /// `headers` or an `authz` other than none.
    pub fn parse(body: &str, query: &str) -> Result<Self, ProxyError> {
        let bad = |m: String| ProxyError::BadRequest(m);
        let mut fields: Vec<(String, String)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(body.as_bytes())
            .chain(url::form_urlencoded::parse(query.as_bytes()))
        {
            if !fields.iter().any(|(name, _)| *name == k) {
                fields.push((k.into_owned(), v.into_owned()));
            }
        }
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let url = get("url")
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| bad("`url` is required".into()))?;
        let method = match get("httpMethod").map(|m| m.trim().to_ascii_uppercase()).as_deref() {
            None | Some("" | "GET") => Method::Get,
            Some("POST") => Method::Post,
            Some("PUT") => Method::Put,
            Some("DELETE") => Method::Delete,
            Some("HEAD") => Method::Head,
            Some(other) => return Err(bad(format!("httpMethod `{other}` is not supported"))),
        };
        match get("authz").map(|a| a.trim().to_ascii_lowercase()).as_deref() {
            None | Some("" | "none") => {}
            Some(other) => {
                return Err(bad(format!("authz `{other}` is not supported by this container")));
            }
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(get("headers").unwrap_or("").as_bytes()) {
            let name = name.trim();
            if !is_token(name) {
                return Err(bad(format!("`{name}` is not a header name")));
            }
            if value.contains(['\r', '\n', '\0']) {
                // The value is not echoed: it may be a credential.
                return Err(bad(format!("the value of header `{name}` contains a line break")));
            }
            let lower = name.to_ascii_lowercase();
            if DROPPED_HEADERS.contains(&lower.as_str())
                || lower == LOOP_HEADER
                || lower.starts_with("proxy-")
            {
                continue;
            }
            headers.push((name.to_owned(), value.into_owned()));
        }
        let post_data = method.has_body().then(|| get("postData").unwrap_or("").to_owned());
        if post_data.as_ref().is_some_and(|d| !d.is_empty())
            && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".into(), "application/x-www-form-urlencoded".into()));
        }
        Ok(Self {
            url: url.to_owned(),
            method,
            headers,
            post_data,
            full_headers: get("getFullHeaders").is_some_and(truthy),
            refresh: get("refresh").and_then(|r| r.trim().parse().ok()),
        })
    }
}

/// What the proxied server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyResponse {
    /// The status code.
    pub rc: u16,
    /// The body as text (on error statuses too).
    pub body: String,
    /// Lower-cased header names with their values, in order of first appearance.
    pub headers: Vec<(String, Vec<String>)>,
}

impl ProxyResponse {
    /// Builds the answer from the upstream status, headers and body: names lower-cased and
    /// grouped; all of them with `full_headers`, otherwise only `set-cookie` and `location`.
    pub fn new(
        rc: u16,
        headers: impl IntoIterator<Item = (String, String)>,
        body: String,
        full_headers: bool,
    ) -> Self {
        let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
        for (name, value) in headers {
            let name = name.to_ascii_lowercase();
            if !full_headers && name != "set-cookie" && name != "location" {
                continue;
            }
            match grouped.iter_mut().find(|(n, _)| *n == name) {
                Some((_, values)) => values.push(value),
                None => grouped.push((name, vec![value])),
            }
        }
        Self { rc, body, headers: grouped }
    }

    /// The wire form: [`UNPARSEABLE_CRUFT`] and `{"<url>": {"rc", "body", "headers"}}`.
    pub fn to_wire(&self, url: &str) -> String {
        let headers: Map<String, Value> =
            self.headers.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
        let mut answer = Map::new();
        answer.insert(
            url.to_owned(),
            json!({ "rc": self.rc, "body": self.body, "headers": headers }),
        );
        format!("{UNPARSEABLE_CRUFT}{}", Value::Object(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_finesse_js_put() {
        // What the runtime posts for finesse.js's PUT /User/1001001 (state change).
        let body = "url=http%3A%2F%2Flocalhost%3A8082%2Ffinesse%2Fapi%2FUser%2F1001001\
            &httpMethod=PUT\
            &headers=Authorization%3DBasic%2520MTAwMTAwMTpwYXNz%26locale%3Den_US%26requestId%3Dabc%26Content-Type%3Dapplication%252Fxml%26Host%3Devil%26Accept-Encoding%3Dgzip\
            &postData=%3CUser%3E%3Cstate%3EREADY%3C%2Fstate%3E%3C%2FUser%3E\
            &getFullHeaders=true&refresh=0&contentType=TEXT&st=&gadget=x&container=default&bypassSpecCache=";
        let req = ProxyRequest::parse(body, "").unwrap();
        assert_eq!(req.url, "http://localhost:8082/finesse/api/User/1001001");
        assert_eq!(req.method, Method::Put);
        assert_eq!(
            req.headers,
            [
                ("Authorization".into(), "Basic MTAwMTAwMTpwYXNz".into()),
                ("locale".into(), "en_US".into()),
                ("requestId".into(), "abc".into()),
                ("Content-Type".into(), "application/xml".into()),
            ]
        );
        assert_eq!(req.post_data.as_deref(), Some("<User><state>READY</state></User>"));
        assert!(req.full_headers);
        assert_eq!(req.refresh, Some(0));
    }

    #[test]
    fn defaults_and_query_fields() {
        let req = ProxyRequest::parse("", "url=%2Fa%3Fb%3D1&postData=ignored").unwrap();
        assert_eq!(req.url, "/a?b=1");
        assert_eq!(req.method, Method::Get);
        assert!(req.headers.is_empty());
        assert_eq!(req.post_data, None);
        assert!(!req.full_headers);
        assert_eq!(req.refresh, None);
        // Body fields win over query fields.
        assert_eq!(ProxyRequest::parse("url=body", "url=query").unwrap().url, "body");
    }

    #[test]
    fn post_without_content_type_is_form_encoded() {
        let req = ProxyRequest::parse("url=x&httpMethod=post&postData=a%3D1", "").unwrap();
        assert_eq!(req.method, Method::Post);
        assert_eq!(
            req.headers,
            [("Content-Type".into(), "application/x-www-form-urlencoded".into())]
        );
    }

    #[test]
    fn refuses_bad_fields() {
        for (body, needle) in [
            ("httpMethod=GET", "`url` is required"),
            ("url=x&httpMethod=TRACE", "httpMethod `TRACE`"),
            ("url=x&authz=signed", "authz `signed`"),
            ("url=x&headers=bad%20name%3Dv", "`bad name` is not a header name"),
            ("url=x&headers=X%3Da%250d%250aInjected%3A%201", "contains a line break"),
        ] {
            let err = ProxyRequest::parse(body, "").unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains(needle), "{body}: {err}");
        }
    }

    #[test]
    fn debug_output_hides_header_values() {
        let req =
            ProxyRequest::parse("url=x&headers=Authorization%3DBasic%2520c2VjcmV0", "").unwrap();
        let debug = format!("{req:?}");
        assert!(debug.contains("Authorization"));
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
    }

    #[test]
    fn response_wire_format() {
        let headers = [
            ("Content-Type".to_owned(), "application/xml".to_owned()),
            ("requestId".to_owned(), "abc".to_owned()),
            ("Set-Cookie".to_owned(), "a=1".to_owned()),
            ("set-cookie".to_owned(), "b=2".to_owned()),
        ];
        let full = ProxyResponse::new(401, headers.clone(), "<ApiErrors/>".into(), true);
        assert_eq!(
            full.to_wire("/finesse/api/User/1"),
            r#"throw 1; < don't be evil' >{"/finesse/api/User/1":{"rc":401,"body":"<ApiErrors/>","headers":{"content-type":["application/xml"],"requestid":["abc"],"set-cookie":["a=1","b=2"]}}}"#
        );
        let short = ProxyResponse::new(200, headers, "ok".into(), false);
        assert_eq!(short.headers, [("set-cookie".into(), vec!["a=1".into(), "b=2".into()])]);
        let none = ProxyResponse::new(204, Vec::new(), String::new(), false);
        assert_eq!(
            none.to_wire("u"),
            r#"throw 1; < don't be evil' >{"u":{"rc":204,"body":"","headers":{}}}"#
        );
    }

    #[test]
    fn error_json() {
        let err = ProxyError::Forbidden("the origin http://x:80 is not allowed".into());
        assert_eq!(err.status(), 403);
        assert_eq!(err.to_json(), r#"{"error":"the origin http://x:80 is not allowed"}"#);
        assert_eq!(ProxyError::Loop.status(), 508);
    }
}
