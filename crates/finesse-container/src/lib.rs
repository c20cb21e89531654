//! The server side of our OpenSocial container (issue 5): gadget XML, rendering of gadget
//! documents the way Shindig's `/gadgets/ifr` does, and the `gadgets.io.makeRequest` proxy
//! (OPENSOCIAL.md §5.2, §6).
//!
//! ```text
//!  GET /gadgets/ifr?url=…&mid=…&lang=…&country=…&view=…&up_…      POST /gadgets/makeRequest
//!        │                                                              │
//!  server (feature `server`): own origin from Host, allow-list (origin), blocking fetch (fetch)
//!        │                                                              │
//!  spec::parse ─► render::Plan (view, locales) ─► bundles ─►       proxy::ProxyRequest::parse
//!  substitute (hangman) ─► html (split, URLs) ─► document          ─► forward ─► ProxyResponse
//! ```
//!
//! Everything but `server` and `fetch` is pure (no I/O, no clock) and tested with literal input.
//! The runtime injected into every document is `www/runtime/gadget-runtime.js`, embedded at
//! build time as [`RUNTIME_JS`] and replaceable through [`ContainerConfig::runtime_js`].
//!
//! Decisions, where the facts sheet leaves a choice or where we differ from Shindig:
//! - Features: [`render::KNOWN_FEATURES`] (`pubsub-2`, `setprefs`, `dynamic-height`, `settitle`,
//!   `views`, `loadingindicator`, `rpc`, `core`, `locked-domain`) go to the runtime's
//!   `core.util`; `opensocial-0.8` is accepted and ignored; `minimessage` is unknown (the runtime
//!   has no `gadgets.MiniMessage`), so requiring it is a render error (422).
//! - Fetching: own-origin URLs (the request's scheme and `Host`, plus `localhost`/`127.0.0.1`/
//!   `[::1]` with the server's port) are fetched over HTTP from the server's listening address
//!   (blocking ureq in `spawn_blocking`), so static files and the REST API are reached the same
//!   way; other origins only when allow-listed. No redirects are followed; a request from the
//!   container to itself carries [`proxy::LOOP_HEADER`] and the container refuses it (508), so
//!   it cannot recurse. Plain http only unless the `tls` feature is on.
//! - Nothing is cached (specs, bundles and proxied answers are fetched on every request).
//! - `__UP_` values escape `'` too (see [`substitute`]); a stylesheet `<link>` without `type` is
//!   made absolute too (see the `html` module); `up_authorization` is ignored everywhere.

mod config;
#[cfg(feature = "server")]
mod fetch;
mod html;
pub mod origin;
pub mod proxy;
pub mod render;
#[cfg(feature = "server")]
pub mod server;
pub mod spec;
pub mod substitute;
mod xml;

pub use config::{ContainerConfig, RUNTIME_JS};
pub use origin::Origin;
#[cfg(feature = "server")]
pub use server::router;
