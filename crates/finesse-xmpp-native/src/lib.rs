//! The native driver of the [`finesse_xmpp`] client core, for tools and tests: it runs a
//! [`Client`] against real BOSH (HTTP) and WebSocket servers with blocking I/O and plain
//! threads, and hands the client's [`Event`]s to the application on a channel.
//!
//! ```text
//!   application ──── NativeDriver (handle) ── commands ─┐          ┌── Receiver<Event>
//!                                                         ▼          │
//!   ┌──────────────────────── driver thread ─────────────────────────────────────────┐
//!   │ recv_timeout(until poll_timeout) on one mpsc channel of inputs                 │
//!   │   command     → subscribe / unsubscribe / shutdown                             │
//!   │   HTTP answer → handle_http_response / handle_http_failure                     │
//!   │   socket      → handle_ws_open / handle_ws_message / handle_ws_closed          │
//!   │   timed out   → handle_timeout                                                 │
//!   │ then drain poll_transmit (start work) and poll_event (send to the application) │
//!   └──────────────┬────────────────────────────────────────┬────────────────────────┘
//!                  ▼                                        ▼
//!     one thread per in-flight BOSH request     two threads per WebSocket: one blocks
//!     (blocking ureq POST; the answer goes      reading frames, the other writes every
//!     back on the input channel)                frame (the driver's, and the reader's
//!                                               pongs and close reply) whole, in order
//! ```
//!
//! Time is an [`Instant`] taken at start, mapped to [`Millis`] since then.
//! The driver follows the core's drain invariant: after every input it drains
//! `poll_transmit` and `poll_event`, then waits for the next input at most until
//! `poll_timeout`.
//!
//! Why blocking threads and not an async runtime: a client has at most two BOSH requests in
//! flight (XEP-0124 `requests=2`) or one socket, so a handful of threads is all the
//! concurrency it needs, and `ureq` + `tungstenite` without TLS compile in a fraction of the
//! time tokio + hyper would. TLS is left out on purpose: the tools and tests this crate serves
//! talk plain `http://` and `ws://` to 127.0.0.1 (a `wss://`/`https://` URL fails to connect
//! and the core reports it like any unreachable server).
//!
//! [`raw::RawSession`] is a minimal blocking XMPP session (WebSocket, SASL PLAIN, bind, iq)
//! for tests and tools that need to act as *another* client, e.g. to publish items to a
//! standard XMPP server such as Prosody.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//! use finesse_xmpp::client::{ClientConfig, ConnectionStatus, Endpoint, Event};
//! use finesse_xmpp_native::NativeDriver;
//!
//! let config = ClientConfig::new(
//!     "agent1",
//!     "secret",
//!     "localhost",
//!     vec![Endpoint::bosh("http://127.0.0.1:5280/http-bind")],
//! );
//! let driver = NativeDriver::start(config)?;
//! driver.subscribe("/finesse/api/User/agent1")?;
//! driver.wait_for(Duration::from_secs(10), |e| {
//!     matches!(e, Event::Status { status: ConnectionStatus::Connected, .. })
//! })?;
//! if let Some(Event::Item { payload, .. }) = driver.next_event(Duration::from_secs(30)) {
//!     println!("{payload:?}");
//! }
//! let last_events = driver.shutdown();
//! # let _ = last_events;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Testing
//!
//! `tests/prosody.rs` runs the driver against Prosody 0.12, started with a generated
//! configuration on free ports (BOSH and WebSocket: log in, subscribe, receive items published
//! by another client, unsubscribe, log out; a wrong password); `tests/unreachable.rs` covers
//! refused connections without any server. `examples/listen.rs` is a small command-line
//! listener for manual checks against any server.
#![deny(missing_docs)]

mod driver;
mod http;
pub mod raw;
mod ws;

use std::fmt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use finesse_xmpp::Millis;
use finesse_xmpp::client::{
    Client, ClientConfig, CommandError, ConfigError, ConnectionStatus, Event,
};

use crate::driver::{Command, Input};

/// A trace sink: receives one line per request, response, frame and event.
pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

/// How the driver runs, beyond the client configuration.
#[derive(Clone, Default)]
pub struct DriverOptions {
    /// Where to write a line for every request, response, frame and event (`None`: nowhere).
    pub trace: Option<Trace>,
}

impl DriverOptions {
    /// Options that trace to standard error (captured by the test harness like `eprintln!`),
    /// each line prefixed with `label`.
    pub fn trace_to_stderr(label: impl Into<String>) -> Self {
        let label = label.into();
        Self { trace: Some(Arc::new(move |line: &str| eprintln!("[{label}] {line}"))) }
    }
}

impl fmt::Debug for DriverOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriverOptions").field("trace", &self.trace.is_some()).finish()
    }
}

/// Why the driver could not do what was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum DriverError {
    /// The client configuration is invalid.
    Config(ConfigError),
    /// The driver thread could not be started.
    Spawn(std::io::Error),
    /// The client refused the command.
    Command(CommandError),
    /// The driver has stopped (after shutdown, or its thread ended).
    Stopped,
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "invalid client configuration: {e}"),
            Self::Spawn(e) => write!(f, "could not start the driver thread: {e}"),
            Self::Command(e) => write!(f, "command refused: {e}"),
            Self::Stopped => f.write_str("the driver has stopped"),
        }
    }
}

impl std::error::Error for DriverError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => Some(e),
            Self::Spawn(e) => Some(e),
            Self::Command(e) => Some(e),
            Self::Stopped => None,
        }
    }
}

/// [`NativeDriver::wait_for`] gave up.
#[derive(Debug)]
pub struct WaitError {
    /// Whether the driver stopped (otherwise the time ran out).
    pub stopped: bool,
    /// The events received while waiting, none of which matched.
    pub seen: Vec<Event>,
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = if self.stopped { "the driver stopped" } else { "timed out" };
        write!(f, "{why} waiting for an event; received meanwhile: {:?}", self.seen)
    }
}

impl std::error::Error for WaitError {}

/// A random seed for [`ClientConfig::seed`](finesse_xmpp::client::ClientConfig::seed), from
/// the standard library's per-process random hash keys and the clock. The core draws the
/// default resource, the first BOSH rid and the backoff jitter from the seed, so two clients of
/// one user with the same seed would bind the same resource and take the session from each
/// other.
pub fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// The driver's clock: milliseconds since it started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    start: Instant,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Self { start: Instant::now() }
    }

    pub(crate) fn now(self) -> Millis {
        Millis::try_from(self.start.elapsed().as_millis()).unwrap_or(Millis::MAX)
    }
}

/// A running client: a handle to the driver thread. Dropping it shuts the client down
/// cleanly (unsubscribe, then end the session) and waits for that, at most the configured
/// `shutdown_timeout` plus a margin.
#[derive(Debug)]
pub struct NativeDriver {
    inputs: Sender<Input>,
    events: Receiver<Event>,
    status: Arc<Mutex<ConnectionStatus>>,
    resource: String,
    thread: Option<JoinHandle<()>>,
}

impl NativeDriver {
    /// Starts a client for `config` and connects it.
    pub fn start(config: ClientConfig) -> Result<Self, DriverError> {
        Self::start_with(config, DriverOptions::default())
    }

    /// Starts a client for `config` with `options` and connects it. A `seed` of 0 is replaced
    /// by [`random_seed`], so two clients of one user never draw the same default resource
    /// (which would make the server replace one session with the other).
    pub fn start_with(
        mut config: ClientConfig,
        options: DriverOptions,
    ) -> Result<Self, DriverError> {
        if config.seed == 0 {
            config.seed = random_seed();
        }
        let client = Client::new(config).map_err(DriverError::Config)?;
        let resource = client.resource().to_owned();
        let (inputs, input_rx) = mpsc::channel();
        let (event_tx, events) = mpsc::channel();
        let status = Arc::new(Mutex::new(client.status()));
        let thread =
            driver::spawn(client, inputs.clone(), input_rx, event_tx, status.clone(), options)
                .map_err(DriverError::Spawn)?;
        Ok(Self { inputs, events, status, resource, thread: Some(thread) })
    }

    /// Subscribes explicitly to `node` (see [`Client::subscribe`]); the outcome arrives as
    /// [`Event::Subscribed`] or [`Event::SubscribeFailed`].
    pub fn subscribe(&self, node: &str) -> Result<(), DriverError> {
        self.command(|reply| Command::Subscribe(node.to_owned(), reply))
    }

    /// Ends the explicit subscription to `node` (see [`Client::unsubscribe`]); the outcome
    /// arrives as [`Event::Unsubscribed`] or [`Event::UnsubscribeFailed`].
    pub fn unsubscribe(&self, node: &str) -> Result<(), DriverError> {
        self.command(|reply| Command::Unsubscribe(node.to_owned(), reply))
    }

    fn command(
        &self,
        build: impl FnOnce(mpsc::SyncSender<Result<(), CommandError>>) -> Command,
    ) -> Result<(), DriverError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.inputs.send(Input::Command(build(reply))).map_err(|_| DriverError::Stopped)?;
        match answer.recv() {
            Ok(result) => result.map_err(DriverError::Command),
            Err(_) => Err(DriverError::Stopped),
        }
    }

    /// The connection status: the client's, as of the last events sent to
    /// [`events`](Self::events) (it may be ahead of the events not yet received).
    pub fn status(&self) -> ConnectionStatus {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The resource the client binds.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The client's events, in order. The channel disconnects when the driver stops.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// The next event, waiting at most `timeout`.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Waits at most `timeout` for an event matching `wanted` and returns it; the events before
    /// it are consumed (and returned in the error if none matches).
    pub fn wait_for(
        &self,
        timeout: Duration,
        wanted: impl FnMut(&Event) -> bool,
    ) -> Result<Event, WaitError> {
        let mut events = self.collect_until(timeout, wanted)?;
        // `collect_until` ends with the matching event.
        events.pop().ok_or(WaitError { stopped: false, seen: Vec::new() })
    }

    /// Waits at most `timeout` for an event matching `wanted`; returns every event received
    /// until then, the matching one last (or all of them in the error if none matches).
    pub fn collect_until(
        &self,
        timeout: Duration,
        mut wanted: impl FnMut(&Event) -> bool,
    ) -> Result<Vec<Event>, WaitError> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    let matched = wanted(&event);
                    seen.push(event);
                    if matched {
                        return Ok(seen);
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Err(WaitError { stopped: false, seen }),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(WaitError { stopped: true, seen });
                }
            }
        }
    }

    /// Shuts the client down cleanly (reports `disconnecting`, unsubscribes every explicit
    /// subscription, ends the session, reports `disconnected`), waits for the driver thread
    /// to end, and returns the events not yet received.
    pub fn shutdown(mut self) -> Vec<Event> {
        self.stop();
        self.events.try_iter().collect()
    }

    fn stop(&mut self) {
        if let Some(thread) = self.thread.take() {
            // The thread may already have ended; then there is nobody to tell.
            let _ = self.inputs.send(Input::Command(Command::Shutdown));
            // The driver thread ends by itself within the shutdown deadline.
            let _ = thread.join();
        }
    }
}

impl Drop for NativeDriver {
    fn drop(&mut self) {
        self.stop();
    }
}
