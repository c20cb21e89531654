//! Blocking HTTP for specs, bundles and proxied requests (ureq, run in `spawn_blocking` by the
//! server). Redirects are never followed (a redirect could leave the allow-list; makeRequest
//! hands 3xx answers to the gadget as Shindig does), every call has a time limit and every body
//! a size limit. Own-origin requests go to the server's listening address without any
//! environment proxy and carry [`LOOP_HEADER`], so the container never serves itself a
//! rendering or a proxied call recursively.

use ureq::Agent;
use ureq::http::{Request, Response};

use crate::config::ContainerConfig;
use crate::origin::Route;
use crate::proxy::{LOOP_HEADER, ProxyRequest};
use crate::spec::MAX_SPEC_BYTES;

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FetchError {
    /// The request could not be built (a header value the HTTP library refuses).
    #[error("invalid request: {0}")]
    BadRequest(String),
    /// Connection or protocol failure.
    #[error("{0}")]
    Transport(String),
    /// The time limit passed.
    #[error("no answer within the time limit")]
    Timeout,
    /// The body exceeded the limit.
    #[error("the answer is larger than {0} bytes")]
    TooLarge(u64),
    /// A non-2xx status where a document was expected.
    #[error("HTTP status {0}")]
    Status(u16),
}

fn map_error(e: ureq::Error) -> FetchError {
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout,
        ureq::Error::BodyExceedsLimit(n) => FetchError::TooLarge(n),
        ureq::Error::Http(e) => FetchError::BadRequest(e.to_string()),
        other => FetchError::Transport(other.to_string()),
    }
}

/// Two agents: one for the server itself (no proxy), one for allow-listed origins.
#[derive(Debug, Clone)]
pub(crate) struct Fetcher {
    local: Agent,
    remote: Agent,
    max_response_bytes: u64,
}

/// What a proxied server answered.
pub(crate) struct Upstream {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Fetcher {
    pub(crate) fn new(config: &ContainerConfig) -> Self {
        let agent = |proxy: bool| -> Agent {
            let builder = Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .timeout_global(Some(config.timeout))
                .user_agent("finesse-container");
            let builder = if proxy { builder } else { builder.proxy(None) };
            builder.build().into()
        };
        Self {
            local: agent(false),
            remote: agent(true),
            max_response_bytes: config.max_response_bytes,
        }
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        route: &Route,
        builder: ureq::http::request::Builder,
        body: B,
    ) -> Result<Response<ureq::Body>, FetchError> {
        let (agent, url, builder) = match route {
            Route::Local(url) => (&self.local, url, builder.header(LOOP_HEADER, "1")),
            Route::Direct(url) => (&self.remote, url, builder),
        };
        let request: Request<B> = builder
            .uri(url.as_str())
            .body(body)
            .map_err(|e| FetchError::BadRequest(e.to_string()))?;
        agent.run(request).map_err(map_error)
    }

    /// GETs a document (spec or bundle): 2xx only, at most [`MAX_SPEC_BYTES`].
    pub(crate) fn get_document(&self, route: &Route) -> Result<String, FetchError> {
        let builder =
            Request::builder().method("GET").header("Accept", "application/xml, text/xml, */*");
        let mut response = self.run(route, builder, ())?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let limit = MAX_SPEC_BYTES as u64;
        response.body_mut().with_config().limit(limit).read_to_string().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(limit),
            other => map_error(other),
        })
    }

    /// Forwards a makeRequest call; any status is an answer.
    pub(crate) fn forward(
        &self,
        route: &Route,
        req: &ProxyRequest,
    ) -> Result<Upstream, FetchError> {
        let mut builder = Request::builder().method(req.method.as_str());
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let mut response = match &req.post_data {
            Some(data) => self.run(route, builder, data.as_bytes())?,
            None => self.run(route, builder, ())?,
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())
            })
            .collect();
        let limit = self.max_response_bytes;
        let bytes =
            response.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(limit),
                other => map_error(other),
            })?;
        Ok(Upstream { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() })
    }
}
