//! The container's HTTP routes (feature `server`): `GET /gadgets/ifr` renders a gadget,
//! `GET`/`POST /gadgets/makeRequest` proxies a request.
//!
//! Fetching: relative spec URLs resolve against the request's own origin (the configured scheme
//! and the `Host` header, so `localhost:PORT` and `127.0.0.1:PORT` both work); own-origin URLs
//! are fetched over HTTP from the server's own listening address (so the REST API and the
//! static directories are reached the same way, and a forged `Host` cannot redirect the fetch);
//! other origins only when allow-listed. The blocking fetches run in `spawn_blocking`.
//!
//! Status codes of `/gadgets/ifr` (an HTML page with the message as escaped text): 400 bad
//! parameters, 403 origin not allowed, 404 no such view, 422 spec or bundle invalid or
//! unsupported, 502 spec or bundle fetch failed, 508 a request from the container itself.
//!
//! Logging: the target's origin and path only (queries may carry secrets), never header values.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use url::Url;

use crate::config::ContainerConfig;
use crate::fetch::{FetchError, Fetcher};
use crate::origin::{Access, AccessError, Origin, Route};
use crate::proxy::{LOOP_HEADER, ProxyError, ProxyRequest, ProxyResponse};
use crate::render::{self, IfrParams, Plan, RenderError, Rendered};
use crate::spec::{self, MessageBundle, SpecError};

/// The path of the rendering endpoint.
pub const IFR_PATH: &str = "/gadgets/ifr";

struct Shared {
    config: ContainerConfig,
    access: Access,
    fetcher: Fetcher,
}

/// The container's routes, ready to merge into an application.
pub fn router(config: ContainerConfig) -> Router {
    let access = Access { allowed: config.allowed_origins.clone(), local_addr: config.local_addr };
    let fetcher = Fetcher::new(&config);
    let shared = Arc::new(Shared { config, access, fetcher });
    Router::new()
        .route(IFR_PATH, get(ifr))
        .route(render::MAKE_REQUEST_PATH, get(make_request).post(make_request))
        .with_state(shared)
}

/// A URL for logs: origin and path, without query or fragment.
fn loggable(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

fn own_origin(shared: &Shared, headers: &HeaderMap) -> Option<Origin> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Origin::from_host_header(&shared.config.scheme, host)
}

/// Why `/gadgets/ifr` failed.
#[derive(Debug, thiserror::Error)]
enum IfrError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("fetching the {what} {url} failed: {error}")]
    Fetch { what: &'static str, url: String, error: FetchError },
    #[error("the {what} {url} is invalid: {error}")]
    Invalid { what: &'static str, url: String, error: SpecError },
    #[error("the container does not render gadgets for its own requests")]
    Loop,
}

impl IfrError {
    fn status(&self) -> u16 {
        match self {
            Self::Render(e) => e.status(),
            Self::BadRequest(_) => 400,
            Self::Forbidden(_) => 403,
            Self::Fetch { .. } => 502,
            Self::Invalid { .. } => 422,
            Self::Loop => 508,
        }
    }
}

fn access_error(e: AccessError, what: &str) -> IfrError {
    let message = format!("the {what} URL: {e}");
    match e {
        AccessError::NotAllowed(_) => IfrError::Forbidden(message),
        _ => IfrError::BadRequest(message),
    }
}

/// Runs a blocking fetch off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, FetchError> + Send + 'static,
) -> Result<T, FetchError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(FetchError::Transport(format!("fetch task failed: {e}"))))
}

async fn ifr(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match render_ifr(&shared, &headers, query.as_deref().unwrap_or("")).await {
        Ok((spec_url, Rendered::Document(doc))) => {
            tracing::info!(spec = %loggable(&spec_url), "gadget rendered");
            (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                doc,
            )
                .into_response()
        }
        Ok((spec_url, Rendered::Redirect(to))) => {
            tracing::info!(spec = %loggable(&spec_url), to = %loggable(&to), "gadget redirected");
            match HeaderValue::from_str(to.as_str()) {
                Ok(location) => (
                    StatusCode::FOUND,
                    [
                        (header::LOCATION, location),
                        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                    ],
                )
                    .into_response(),
                Err(_) => error_response(&IfrError::BadRequest("unusable redirect URL".into())),
            }
        }
        Err(e) => {
            tracing::info!(status = e.status(), "gadget not rendered: {e}");
            error_response(&e)
        }
    }
}

fn error_response(e: &IfrError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = render::error_page(
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        &e.to_string(),
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

async fn render_ifr(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    query: &str,
) -> Result<(Url, Rendered), IfrError> {
    if headers.contains_key(LOOP_HEADER) {
        return Err(IfrError::Loop);
    }
    let params = IfrParams::parse(query)?;
    let own = own_origin(shared, headers)
        .ok_or_else(|| IfrError::BadRequest("the request has no usable Host header".into()))?;
    let base = own
        .to_url()
        .ok_or_else(|| IfrError::BadRequest("the request has no usable Host header".into()))?;
    let spec_url = base
        .join(&params.url)
        .map_err(|e| IfrError::BadRequest(format!("`url` is not a URL: {e}")))?;
    let route = shared.access.route(&spec_url, &own).map_err(|e| access_error(e, "gadget spec"))?;
    let fetcher = shared.fetcher.clone();
    let text = blocking(move || fetcher.get_document(&route)).await.map_err(|error| {
        IfrError::Fetch { what: "gadget spec", url: loggable(&spec_url), error }
    })?;
    let spec = spec::parse(&text).map_err(|error| IfrError::Invalid {
        what: "gadget spec",
        url: loggable(&spec_url),
        error,
    })?;
    let plan = Plan::new(&spec, &params, &spec_url)?;
    let mut routes = Vec::new();
    for url in plan.bundle_urls()? {
        let route =
            shared.access.route(&url, &own).map_err(|e| access_error(e, "message bundle"))?;
        routes.push((url, route));
    }
    let fetcher = shared.fetcher.clone();
    let fetched: Vec<(Url, Result<String, FetchError>)> = tokio::task::spawn_blocking(move || {
        routes
            .into_iter()
            .map(|(url, route)| {
                let text = fetcher.get_document(&route);
                (url, text)
            })
            .collect()
    })
    .await
    .map_err(|e| IfrError::Fetch {
        what: "message bundles",
        url: String::new(),
        error: FetchError::Transport(e.to_string()),
    })?;
    let mut bundles: HashMap<Url, MessageBundle> = HashMap::new();
    for (url, text) in fetched {
        let text = text.map_err(|error| IfrError::Fetch {
            what: "message bundle",
            url: loggable(&url),
            error,
        })?;
        let bundle = spec::parse_message_bundle(&text).map_err(|error| IfrError::Invalid {
            what: "message bundle",
            url: loggable(&url),
            error,
        })?;
        bundles.insert(url, bundle);
    }
    let rendered = plan.render(&bundles, &shared.config.runtime_js)?;
    Ok((spec_url, rendered))
}

async fn make_request(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let answer = proxy(&shared, &method, &headers, query.as_deref().unwrap_or(""), &body).await;
    let (status, text) = match answer {
        Ok(wire) => (StatusCode::OK, wire),
        Err(e) => {
            tracing::info!(status = e.status(), "makeRequest refused: {e}");
            (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_GATEWAY), e.to_json())
        }
    };
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

async fn proxy(
    shared: &Arc<Shared>,
    method: &Method,
    headers: &HeaderMap,
    query: &str,
    body: &[u8],
) -> Result<String, ProxyError> {
    if headers.contains_key(LOOP_HEADER) {
        return Err(ProxyError::Loop);
    }
    let form = if method == Method::POST {
        std::str::from_utf8(body)
            .map_err(|_| ProxyError::BadRequest("the form body is not UTF-8".into()))?
    } else {
        ""
    };
    let req = ProxyRequest::parse(form, query)?;
    let own = own_origin(shared, headers)
        .ok_or_else(|| ProxyError::BadRequest("the request has no usable Host header".into()))?;
    let base = own
        .to_url()
        .ok_or_else(|| ProxyError::BadRequest("the request has no usable Host header".into()))?;
    let target = base
        .join(req.url.trim())
        .map_err(|e| ProxyError::BadRequest(format!("`url` is not a URL: {e}")))?;
    let route = shared.access.route(&target, &own).map_err(|e| match e {
        AccessError::NotAllowed(_) => ProxyError::Forbidden(e.to_string()),
        _ => ProxyError::BadRequest(e.to_string()),
    })?;
    let target_log = loggable(&target);
    let local = matches!(route, Route::Local(_));
    let fetcher = shared.fetcher.clone();
    let req = Arc::new(req);
    let forwarded = Arc::clone(&req);
    let upstream =
        blocking(move || fetcher.forward(&route, &forwarded)).await.map_err(|e| match e {
            FetchError::BadRequest(m) => ProxyError::BadRequest(m),
            other => ProxyError::Upstream(format!("{target_log}: {other}")),
        })?;
    tracing::info!(
        method = req.method.as_str(),
        target = %loggable(&target),
        local,
        rc = upstream.status,
        "makeRequest"
    );
    let response =
        ProxyResponse::new(upstream.status, upstream.headers, upstream.body, req.full_headers);
    Ok(response.to_wire(&req.url))
}
