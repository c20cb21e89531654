//! The container's configuration.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::origin::Origin;

/// The gadget runtime (`www/runtime/gadget-runtime.js`) as it was when this crate was built;
/// every rendered gadget document embeds it.
pub const RUNTIME_JS: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/runtime/gadget-runtime.js"));

/// How the container renders gadgets and proxies requests.
#[derive(Clone)]
#[non_exhaustive]
pub struct ContainerConfig {
    /// Origins besides the request's own from which specs and bundles may be fetched and to
    /// which makeRequest may forward (the own origin is always allowed).
    pub allowed_origins: Vec<Origin>,
    /// The JavaScript runtime injected into every gadget document, verbatim.
    pub runtime_js: Arc<str>,
    /// The address the server listens on: own-origin URLs (and `localhost`/`127.0.0.1` with its
    /// port, which is how finesse.js names the REST API) are fetched from it. `None`: own-origin
    /// URLs are fetched as written, which trusts the `Host` header.
    pub local_addr: Option<SocketAddr>,
    /// The scheme of the request's own origin (`http` unless a TLS proxy is in front).
    pub scheme: String,
    /// Time limit of one fetch or proxied request, connection included.
    pub timeout: Duration,
    /// Largest proxied response body accepted, in bytes (specs and bundles are limited to
    /// [`crate::spec::MAX_SPEC_BYTES`]).
    pub max_response_bytes: u64,
}

impl Default for ContainerConfig {
    /// No allowed origins besides the own, the bundled runtime, no local address, `http`,
    /// 30 s, 10 MiB.
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            runtime_js: Arc::from(RUNTIME_JS),
            local_addr: None,
            scheme: "http".to_owned(),
            timeout: Duration::from_secs(30),
            max_response_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The runtime is summarized by its length.
impl fmt::Debug for ContainerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerConfig")
            .field("allowed_origins", &self.allowed_origins)
            .field("runtime_js_len", &self.runtime_js.len())
            .field("local_addr", &self.local_addr)
            .field("scheme", &self.scheme)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}
