//! The XMPP subset Cisco Finesse notifications use (developer guide 11.6, chapters 6–8), as
//! two sans-IO state machines and the wire modules beneath them.
//!
//! - [`client`]: the notification client a gadget (or tool) runs: BOSH (XEP-0124/0206) or
//!   WebSocket (RFC 7395), SASL PLAIN, resource binding, presence, XEP-0199 pings, XEP-0060
//!   subscriptions, items decoded into `finesse_model::Update` (feature `typed-items`, on by
//!   default; without it items stay raw XML and the model's decoder is not linked),
//!   reconnection with backoff and failover, connection status as the guide's
//!   `finesse.info.connection` values.
//! - [`server`]: the notification service core the simulator wraps: the same subset, served.
//! - Wire modules, one per specification, each with literal-XML tests: [`element`] (namespace
//!   aware trees with limits), [`jid`], [`bosh`], [`framing`], [`sasl`], [`features`],
//!   [`stanza`], [`stream`], [`ping`], [`pubsub`], [`ns`].
//!
//! The crate is pure: no I/O, no clock, no threads, no randomness of its own (everything random
//! comes from a seed in the configuration). It builds for the host and for
//! `wasm32-unknown-unknown`; drivers (browser `fetch`/`WebSocket`, native HTTP, the simulator's
//! axum layer) live elsewhere.
//!
//! # The run loop
//!
//! Both cores are driven the same way. Time is whatever the driver says it is
//! ([`Millis`], virtual in tests); each input says what happened and when, and the core answers
//! only through its `poll_*` methods:
//!
//! ```text
//!                 ┌──────────────────────────── driver ─────────────────────────────┐
//!                 │                                                                  │
//!   network ─────►│ handle_http_response / handle_http_failure / handle_ws_* (…, now)│
//!   app ─────────►│ connect / subscribe / unsubscribe / shutdown / unload            │
//!   timer fired ─►│ handle_timeout(now)                                              │
//!                 │                     │                                            │
//!                 │                     ▼                                            │
//!                 │              ┌─────────────┐                                     │
//!                 │              │ Client core │  (no I/O, no clock)                 │
//!                 │              └─────────────┘                                     │
//!                 │   drain, in this order, until each returns None:                 │
//!                 │     poll_transmit() ──► send HTTP request / WebSocket frame       │
//!                 │     poll_event()    ──► status, items, subscription results       │
//!                 │   then arm one timer:                                             │
//!                 │     poll_timeout()  ──► wake up at that time, call handle_timeout │
//!                 └──────────────────────────────────────────────────────────────────┘
//! ```
//!
//! **The drain invariant.** After *every* call that mutates the core (any `handle_*`, any
//! command), the driver drains `poll_transmit` and `poll_event` until they return `None`, and
//! then re-arms its single timer from `poll_timeout` (replacing the previous one; `None` means
//! no timer). Work is only ever produced by a mutation, so a driver that follows this rule
//! never misses a request to send, an event, or a deadline, and never needs to poll. Calling
//! `handle_timeout` early or twice is harmless; the core ignores time that runs backwards.
//!
//! ```
//! use finesse_xmpp::client::{Client, ClientConfig, Endpoint, Event, Transmit};
//!
//! let config = ClientConfig::new(
//!     "1001001",
//!     "secret",
//!     "finesse.example",
//!     vec![Endpoint::bosh("https://fin-a.example:7443/http-bind")],
//! );
//! let mut client = Client::new(config)?;
//! client.subscribe("/finesse/api/Team/1/Users")?;
//! client.connect(0);
//! // Drain: the session creation request, and the status event.
//! while let Some(t) = client.poll_transmit() {
//!     if let Transmit::HttpRequest { id, url, body } = t {
//!         assert!(body.contains("hold=\"1\""));
//!         // … POST `body` to `url`, later: client.handle_http_response(id, 200, &answer, now)
//!         let _ = (id, url);
//!     }
//! }
//! while let Some(e) = client.poll_event() {
//!     assert!(matches!(e, Event::Status { .. }));
//! }
//! let wake_at = client.poll_timeout(); // arm the timer: handle_timeout(wake_at)
//! assert!(wake_at.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The [`server::Service`] is driven identically (`handle_bosh_request`, `ws_*`, `publish`,
//! `handle_timeout`; then drain `poll_transmit` and `poll_event`, re-arm from `poll_timeout`).
//! Its module documentation shows how an HTTP server parks held BOSH requests.
//!
//! # Testing
//!
//! Each wire module parses and writes literal XML in its tests; `client` and `server` have
//! scripted tests for every protocol step and error path. `tests/pair.rs` connects a client
//! to services in memory through a virtual network with a virtual clock and injected faults
//! (1,000 seeded fault schedules), and `tests/fuzz.rs` feeds thousands of mutated bodies and
//! frames to both cores.
#![deny(missing_docs)]

mod macros;
mod rng;
mod timer;
pub mod vecmap;

pub mod bosh;
pub mod client;
pub mod element;
pub mod features;
pub mod framing;
pub mod jid;
pub mod ns;
pub mod ping;
pub mod pubsub;
pub mod sasl;
pub mod server;
pub mod stanza;
pub mod stream;

pub use element::{Element, Node, XmlError};
pub use jid::Jid;

/// Milliseconds on the driver's clock (virtual in tests, `performance.now()` or a monotonic
/// clock in drivers). The cores never read a clock: every `handle_*` takes `now`, and
/// `poll_timeout` answers in the same unit.
pub type Millis = i64;
