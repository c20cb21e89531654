//! The browser driver of the [`finesse_xmpp`] client core: it runs a [`Client`] on the host's
//! event loop with `fetch` for BOSH (XEP-0124/0206), `WebSocket` with the subprotocol `xmpp`
//! for RFC 7395, one host timer (`setTimeout`, through `gloo-timers`) re-armed from
//! `poll_timeout`, and `performance.now()` (else `Date.now()`) as the clock. Events reach the
//! application through a callback.
//!
//! ```text
//!   fetch settles ──┐
//!   socket event ───┤                         ┌─ poll_transmit → fetch(POST) / AbortController
//!   timer fires ────┼─► handle_*(…, now) ──►  ├─ poll_event    → queue ─► callback(Event)
//!   command ────────┘     (state borrowed)    └─ poll_timeout  → setTimeout (one, replaced)
//! ```
//!
//! The callback runs after the state is released, so it may call the driver, or drop it.
//!
//! **Lifetime.** [`WebDriver`] is an RAII handle, meant to be held by a component: dropping it
//! stops the callbacks and shuts the client down cleanly (unsubscribe every explicit
//! subscription, then end the session, as the guide asks); the driver stays alive on its own
//! until that is over (at most the configured `shutdown_timeout`), then cancels its timer,
//! closes its socket and aborts what is still in flight. For a page that is going away
//! (`pagehide`), call [`WebDriver::unload`] instead: one best-effort burst that does not wait.
//!
//! In a Yew component:
//!
//! ```ignore
//! // create(): the link turns client events into component messages.
//! let link = ctx.link().clone();
//! let driver = WebDriver::start(config, move |event| link.send_message(Msg::Xmpp(event)))?;
//! driver.subscribe("/finesse/api/Team/1/Users")?;
//! // keep `driver` in the component; dropping the component drops it and logs out.
//! ```
//!
//! The crate compiles on every target so that the workspace builds and lints natively, but it
//! only works in a JavaScript host (a window or a worker): elsewhere [`WebDriver::start`]
//! returns [`StartError::Unsupported`].
//!
//! # Testing
//!
//! `tests/browser.rs` runs in headless Chromium against a live server whose URL is compiled
//! in (`FINESSE_XMPP_TEST_URL`): over BOSH and WebSocket it logs in, subscribes, makes the
//! server publish with a Finesse REST request and receives the item, logs out; and it checks
//! that a dropped handle logs out and frees itself. `scripts/wasm-xmpp-test.sh` starts Prosody
//! for it, or uses a running simulator.
#![deny(missing_docs)]

mod driver;
mod sys;

use std::fmt;
use std::rc::Rc;

use finesse_xmpp::client::{
    Client, ClientConfig, CommandError, ConfigError, ConnectionStatus, Event,
};

use crate::driver::{Shared, with_state};

/// Why the driver could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// The client configuration is invalid.
    Config(ConfigError),
    /// Not running on `wasm32` in a JavaScript host.
    Unsupported,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "invalid client configuration: {e}"),
            Self::Unsupported => f.write_str("the browser driver needs a JavaScript host (wasm32)"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => Some(e),
            Self::Unsupported => None,
        }
    }
}

/// A running client in the browser. Dropping it shuts the client down cleanly (see the
/// [crate documentation](crate)).
#[must_use = "dropping the driver shuts the client down"]
pub struct WebDriver {
    shared: Rc<Shared>,
}

impl fmt::Debug for WebDriver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.state.try_borrow();
        let status = state.as_ref().map(|s| s.client.status()).ok();
        f.debug_struct("WebDriver").field("status", &status).finish_non_exhaustive()
    }
}

impl WebDriver {
    /// Starts a client for `config` and connects it; `on_event` receives every [`Event`], in
    /// order, on the host's event loop, until the handle is dropped.
    ///
    /// A `seed` of 0 is replaced by [`random_seed`], so two gadgets of one agent never draw
    /// the same default resource (the server would replace one session with the other).
    pub fn start(
        mut config: ClientConfig,
        on_event: impl FnMut(Event) + 'static,
    ) -> Result<Self, StartError> {
        if !cfg!(target_arch = "wasm32") {
            return Err(StartError::Unsupported);
        }
        if config.seed == 0 {
            config.seed = random_seed();
        }
        let client = Client::new(config).map_err(StartError::Config)?;
        let shared = Shared::new(client, Box::new(on_event));
        with_state(&shared, |state, now| state.client.connect(now));
        Ok(Self { shared })
    }

    /// Subscribes explicitly to `node` (see [`Client::subscribe`]); the outcome arrives as
    /// [`Event::Subscribed`] or [`Event::SubscribeFailed`].
    pub fn subscribe(&self, node: &str) -> Result<(), CommandError> {
        with_state(&self.shared, |state, _| state.client.subscribe(node))
    }

    /// Ends the explicit subscription to `node` (see [`Client::unsubscribe`]); the outcome
    /// arrives as [`Event::Unsubscribed`] or [`Event::UnsubscribeFailed`].
    pub fn unsubscribe(&self, node: &str) -> Result<(), CommandError> {
        with_state(&self.shared, |state, _| state.client.unsubscribe(node))
    }

    /// Connects again after the client gave up (see [`Client::connect`]); nothing happens
    /// while it is connecting or connected. The desktop master does this for the hub's
    /// `ConnectionReq`.
    pub fn connect(&self) {
        with_state(&self.shared, |state, now| state.client.connect(now));
    }

    /// The connection status.
    pub fn status(&self) -> ConnectionStatus {
        self.shared.state.borrow().client.status()
    }

    /// The resource the client binds.
    pub fn resource(&self) -> String {
        self.shared.state.borrow().client.resource().to_owned()
    }

    /// How many drivers are alive in this thread, counting those whose handle was dropped and
    /// which are still finishing their shutdown. For leak checks in tests.
    pub fn instances() -> usize {
        driver::INSTANCES.with(std::cell::Cell::get)
    }

    /// Shuts the client down cleanly now (see [`Client::shutdown`]); the events, down to
    /// `disconnected`, still reach the callback. Dropping the handle afterwards is free.
    pub fn shutdown(&self) {
        with_state(&self.shared, |state, now| state.client.shutdown(now));
    }

    /// The page is going away (`pagehide`, `beforeunload`): reports `unloading` and sends the
    /// unsubscriptions, unavailable presence and the end of the session in one burst that does
    /// not wait for answers (a BOSH request goes out with `keepalive` so that it outlives the
    /// page). See [`Client::unload`].
    pub fn unload(&self) {
        with_state(&self.shared, |state, now| {
            state.unloading = true;
            state.client.unload(now);
        });
    }
}

/// A random seed for [`ClientConfig::seed`], from `Math.random()`. The core draws the default
/// resource (`finesse-gadget-XXXX`), the first BOSH rid and the backoff jitter from the seed, so
/// two clients of one agent (two gadgets on a page) with the same seed would bind the same
/// resource and take the session from each other.
pub fn random_seed() -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "32 random bits")]
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (half() << 32) | half()
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        self.shared.silence();
        let shared = self.shared.clone();
        with_state(&self.shared, move |state, now| {
            state.client.shutdown(now);
            if state.client.status() != ConnectionStatus::Disconnected {
                // Live on until the shutdown is over; `drain` lets go at `disconnected`.
                state.keepalive = Some(shared);
            }
        });
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use finesse_xmpp::client::Endpoint;

    use super::*;

    #[test]
    fn outside_a_javascript_host_start_says_so() {
        let config =
            ClientConfig::new("a", "pw", "localhost", vec![Endpoint::bosh("http://x/http-bind")]);
        assert_eq!(WebDriver::start(config, |_| {}).err(), Some(StartError::Unsupported));
    }
}
