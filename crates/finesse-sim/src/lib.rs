//! A Cisco Finesse simulator (developer guide 11.6): a living contact center behind the Finesse
//! REST API and notifications, for tests and for gadget development without a lab.
//!
//! This crate's core is [`engine::Engine`], a deterministic, sans-IO model of the contact
//! center: agents with states and reason codes, teams and supervisors, queues whose statistics
//! are computed from agents and waiting calls, and dialogs whose dialog states, participant
//! states and `actions` follow the guide's state and CTI mapping tables. Simulated agents act by
//! themselves and calls arrive from a seeded generator, so the same scenario, seed and sequence
//! of requests at the same virtual times give the same notifications on every platform.
//!
//! ```text
//!   scenario (TOML) ──► Engine::new(scenario, seed, now)
//!                          │
//!   REST layer ──────────► get_* / put_* / post_*(…, now)   (Ok = 202, Err = ApiFailure)
//!   clock ───────────────► advance(now)        (run simulated behaviour up to `now`)
//!                          │
//!   notification service ◄─ drain_notifications()   (node + <Update>, in publication order)
//!   clock ◄──────────────── next_wakeup()            (when to call advance next)
//! ```
//!
//! Run loop: after every request and every `advance`, drain the notifications; sleep until
//! `next_wakeup()` (or the next request), then `advance(now)`. Time is always an argument; the
//! engine never reads a clock, spawns or sleeps.
//!
//! [`scenario`] holds the scenario file format; `SCENARIOS.md` documents it. [`server`] puts
//! the engine and the notification core (`finesse_xmpp::server`) on the wire with axum: the
//! REST API, BOSH and WebSocket, fault injection and static files on one origin; the
//! `finesse-sim` binary is its command line.

pub mod engine;
pub mod scenario;
pub mod server;
