//! What the Finesse container gives a gadget (issue 5): OpenAjax Hub 2.0 topics and the
//! Finesse hub payloads, the master that republishes notifications, and the hub abstraction
//! gadgets program against. The core is pure (no browser, no clock, no I/O) and builds for the
//! host and for `wasm32-unknown-unknown`. Two modules bind it to the browser; they compile on
//! every target but only work in a JavaScript host (elsewhere they return errors):
//!
//! - [`gadgets`]: what a gadget document has, `gadgets.Hub` as a [`Hub`]
//!   ([`GadgetHub`](gadgets::GadgetHub), [`gadgets::connected`]), `gadgets.Prefs`, `window`,
//!   `views`, `loadingindicator`, `io.makeRequest`, `util`.
//! - [`web`]: [`MasterDriver`](web::MasterDriver), the master over any hub with its own
//!   notification connection (`finesse-xmpp-web`): our desktop's, and the connection gadget's.
//!
//! The pure core:
//!
//! - [`topic`]: topic validation and wildcard matching as the OpenAjax reference
//!   implementation does them, node ↔ topic naming, and the Finesse topics as typed values.
//! - [`xml2json`]: the Goessner XML-to-JSON converter `finesse.js` applies to notifications,
//!   reproduced rule for rule.
//! - [`payload`]: requests, connection status, responses, notifications and the timer tick.
//! - [`master`]: the desktop master as a sans-IO state machine.
//! - [`hub`]: the [`Hub`] trait, RAII [`Subscription`]s and [`HubError`]; [`MemoryHub`]
//!   implements it in memory with the reference ManagedHub's delivery semantics.
//! - [`bridge`]: [`Bridge`] runs a master over any hub.
//!
//! # The run loop
//!
//! The [`Master`] is driven like the XMPP client core of `finesse-xmpp`: time is whatever the
//! driver says it is ([`Millis`](finesse_xmpp::Millis)), inputs say what happened, and output
//! comes only from the `poll_*` methods:
//!
//! ```text
//!                     ┌──────────────────────────── driver ──────────────────────────────┐
//!  finesse.info.   ──►│ handle_request(&payload, now)                                     │
//!    requests         │                                                                   │
//!  XMPP client     ──►│ handle_client_event(&event, now), handle_command_error(…)         │
//!  timer fired     ──►│ handle_timeout(now, wall_clock_ms)                                │
//!                     │                      │                                            │
//!                     │                      ▼                                            │
//!                     │               ┌────────────┐                                      │
//!                     │               │   Master   │  (no I/O, no clock)                  │
//!                     │               └────────────┘                                      │
//!                     │  drain until each returns None:                                   │
//!                     │    poll_publish() ──► hub.publish(topic, payload)                 │
//!                     │    poll_command() ──► client.subscribe / unsubscribe / connect    │
//!                     │  then arm one timer:                                              │
//!                     │    poll_timeout() ──► call handle_timeout at that time            │
//!                     └───────────────────────────────────────────────────────────────────┘
//! ```
//!
//! **The drain invariant.** After *every* call that mutates the master (any `handle_*`), the
//! driver drains `poll_publish` and `poll_command` until they return `None`, then re-arms its
//! single timer from `poll_timeout` (replacing the previous one). Work is only ever produced by
//! a mutation, so a driver that follows this rule never misses a publish, a command or a tick.
//! Executing a command mutates the XMPP client, which has the same invariant: drain it too and
//! feed its events back. Calling `handle_timeout` early or twice is harmless. [`Bridge`] does
//! the master's half of this over any [`Hub`].
//!
//! ```
//! use finesse_hub::{Hub, Master, MemoryHub};
//! use finesse_xmpp::client::{ConnectionStatus, Event};
//! use serde_json::json;
//!
//! let hub = MemoryHub::new();
//! let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
//! let log = seen.clone();
//! let _gadget = hub.subscribe(
//!     "finesse.info.connection",
//!     Box::new(move |_, payload| log.borrow_mut().push(payload.clone())),
//! )?;
//!
//! let mut master = Master::new(0);
//! let connected = Event::Status {
//!     status: ConnectionStatus::Connected,
//!     resource_id: Some("finesse-gadget-a1b2".into()),
//! };
//! master.handle_client_event(&connected, 10);
//! // Drain.
//! while let Some(p) = master.poll_publish() {
//!     hub.publish(&p.topic, p.payload)?;
//! }
//! while let Some(command) = master.poll_command() {
//!     let _ = command; // client.subscribe(…) etc.
//! }
//! assert_eq!(master.poll_timeout(), Some(1_000)); // the first timer tick
//! assert_eq!(
//!     seen.borrow().as_slice(),
//!     [json!({"status": "connected", "resourceID": "finesse-gadget-a1b2"})]
//! );
//! # Ok::<(), finesse_hub::HubError>(())
//! ```

pub mod bridge;
pub mod gadgets;
pub mod hub;
pub mod master;
mod memory;
pub mod payload;
pub mod topic;
pub mod web;
pub mod xml2json;

pub use bridge::{Bridge, XmppControl};
pub use hub::{Callback, Hub, HubError, Subscription};
pub use master::{Command, Master, MasterStats, Publish};
pub use memory::MemoryHub;
