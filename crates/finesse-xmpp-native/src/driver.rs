//! The driver thread: owns the [`Client`], turns inputs into `handle_*` calls and transmits
//! into HTTP requests and socket work.

use std::collections::HashSet;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use finesse_xmpp::Millis;
use finesse_xmpp::client::{Client, CommandError, ConnectionStatus, Event, Transmit};

use crate::http::{self, HttpOutcome};
use crate::ws::{self, WsOut};
use crate::{Clock, DriverOptions, Trace};

/// Something for the driver thread to handle.
#[derive(Debug)]
pub(crate) enum Input {
    Command(Command),
    Http { id: u64, outcome: HttpOutcome },
    WsOpened { conn: u64 },
    WsMessage { conn: u64, text: String },
    WsClosed { conn: u64 },
}

/// An application command, with where to send the client's answer.
#[derive(Debug)]
pub(crate) enum Command {
    Subscribe(String, SyncSender<Result<(), CommandError>>),
    Unsubscribe(String, SyncSender<Result<(), CommandError>>),
    Shutdown,
}

/// How long after a shutdown request the thread ends even if the client has not reported
/// `disconnected` (the client's own `shutdown_timeout` normally ends it first).
const SHUTDOWN_MARGIN: Duration = Duration::from_secs(2);

pub(crate) fn spawn(
    client: Client,
    inputs: Sender<Input>,
    input_rx: Receiver<Input>,
    events: Sender<Event>,
    status: Arc<Mutex<ConnectionStatus>>,
    options: DriverOptions,
) -> std::io::Result<JoinHandle<()>> {
    let cfg = client.config();
    // A request may be held `wait` seconds; give up on it a little after the client does.
    let request_timeout = Duration::from_secs(u64::from(cfg.wait_secs))
        + Duration::from_millis(u64::try_from(cfg.request_margin).unwrap_or(0))
        + Duration::from_secs(5);
    let connect_timeout =
        Duration::from_millis(u64::try_from(cfg.connect_timeout).unwrap_or(30_000));
    let shutdown_timeout =
        Duration::from_millis(u64::try_from(cfg.shutdown_timeout).unwrap_or(5_000));
    let max_inbound = cfg.max_inbound_bytes;
    let mut driver = Driver {
        client,
        clock: Clock::new(),
        inputs,
        events,
        status,
        trace: options.trace,
        agent: http::agent(request_timeout),
        max_inbound,
        connect_timeout,
        shutdown_timeout,
        in_flight: HashSet::new(),
        socket: None,
        next_conn: 0,
        shutdown_deadline: None,
    };
    thread::Builder::new().name("finesse-xmpp-driver".into()).spawn(move || driver.run(&input_rx))
}

/// The open (or opening) WebSocket; closed (without a report) when dropped.
struct Socket {
    conn: u64,
    out: Sender<WsOut>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        // A socket thread that has ended needs nothing.
        let _ = self.out.send(WsOut::Close);
    }
}

struct Driver {
    client: Client,
    clock: Clock,
    inputs: Sender<Input>,
    events: Sender<Event>,
    status: Arc<Mutex<ConnectionStatus>>,
    trace: Option<Trace>,
    agent: ureq::Agent,
    max_inbound: usize,
    connect_timeout: Duration,
    shutdown_timeout: Duration,
    /// BOSH requests whose answer the client still wants.
    in_flight: HashSet<u64>,
    socket: Option<Socket>,
    next_conn: u64,
    shutdown_deadline: Option<Instant>,
}

impl Driver {
    fn run(&mut self, inputs: &Receiver<Input>) {
        self.client.connect(self.clock.now());
        loop {
            self.drain();
            if self.shutdown_deadline.is_some()
                && self.client.status() == ConnectionStatus::Disconnected
            {
                break;
            }
            let wait = self.wait();
            if wait.is_some_and(|w| w.is_zero()) {
                if self.shutdown_deadline.is_some_and(|d| Instant::now() >= d) {
                    self.trace("shutdown deadline reached");
                    break;
                }
                self.client.handle_timeout(self.clock.now());
                continue;
            }
            let input = match wait {
                Some(wait) => inputs.recv_timeout(wait),
                None => inputs.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match input {
                Ok(input) => self.handle(input),
                // The deadline is checked at the top of the loop.
                Err(RecvTimeoutError::Timeout) => {}
                // Cannot happen while `self.inputs` lives; stop anyway.
                Err(RecvTimeoutError::Disconnected) => break,
            }
            // A stream of inputs must not starve the timers.
            let now = self.clock.now();
            if self.client.poll_timeout().is_some_and(|at| at <= now) {
                self.client.handle_timeout(now);
            }
        }
        self.drain();
        self.socket = None;
        self.set_status(self.client.status());
        self.trace("driver stopped");
    }

    /// How long to wait for the next input: until the client's next deadline (or the
    /// shutdown deadline), `None` for as long as it takes.
    fn wait(&self) -> Option<Duration> {
        let now = self.clock.now();
        let client = self
            .client
            .poll_timeout()
            .map(|at| Duration::from_millis(u64::try_from(at.saturating_sub(now)).unwrap_or(0)));
        let shutdown = self.shutdown_deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match (client, shutdown) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn handle(&mut self, input: Input) {
        let now: Millis = self.clock.now();
        match input {
            Input::Command(Command::Subscribe(node, reply)) => {
                let _ = reply.send(self.client.subscribe(&node));
            }
            Input::Command(Command::Unsubscribe(node, reply)) => {
                let _ = reply.send(self.client.unsubscribe(&node));
            }
            Input::Command(Command::Shutdown) => {
                if self.shutdown_deadline.is_none() {
                    self.trace("shutdown requested");
                    self.shutdown_deadline =
                        Some(Instant::now() + self.shutdown_timeout + SHUTDOWN_MARGIN);
                    self.client.shutdown(now);
                }
            }
            Input::Http { id, outcome } => {
                if !self.in_flight.remove(&id) {
                    return;
                }
                match outcome {
                    HttpOutcome::Response { status, body } => {
                        self.trace_with(|| format!("<- #{id} {status} {body}"));
                        self.client.handle_http_response(id, status, &body, now);
                    }
                    HttpOutcome::Failed(why) => {
                        self.trace_with(|| format!("<- #{id} failed: {why}"));
                        self.client.handle_http_failure(id, now);
                    }
                }
            }
            Input::WsOpened { conn } if self.is_current(conn) => {
                self.trace("<- ws open");
                self.client.handle_ws_open(now);
            }
            Input::WsMessage { conn, text } if self.is_current(conn) => {
                self.trace_with(|| format!("<- ws {text}"));
                self.client.handle_ws_message(&text, now);
            }
            Input::WsClosed { conn } if self.is_current(conn) => {
                self.trace("<- ws closed");
                self.socket = None;
                self.client.handle_ws_closed(now);
            }
            // From a socket the client already closed.
            Input::WsOpened { .. } | Input::WsMessage { .. } | Input::WsClosed { .. } => {}
        }
    }

    fn is_current(&self, conn: u64) -> bool {
        self.socket.as_ref().is_some_and(|s| s.conn == conn)
    }

    /// The drain invariant: everything the client has to send, then everything it has to say.
    fn drain(&mut self) {
        while let Some(transmit) = self.client.poll_transmit() {
            self.execute(transmit);
        }
        // Before the events go out, so that an application reading one of them sees the
        // status the client has after all of them.
        self.set_status(self.client.status());
        while let Some(event) = self.client.poll_event() {
            self.trace_with(|| format!("event {event:?}"));
            // The application may have dropped its receiver; the client runs on regardless.
            let _ = self.events.send(event);
        }
    }

    fn set_status(&self, status: ConnectionStatus) {
        *self.status.lock().unwrap_or_else(PoisonError::into_inner) = status;
    }

    fn execute(&mut self, transmit: Transmit) {
        match transmit {
            Transmit::HttpRequest { id, url, body } => {
                self.trace_with(|| format!("-> #{id} POST {url} {body}"));
                self.in_flight.insert(id);
                let agent = self.agent.clone();
                let inputs = self.inputs.clone();
                let limit = self.max_inbound;
                let spawned =
                    thread::Builder::new().name(format!("finesse-bosh-{id}")).spawn(move || {
                        let outcome = http::post(&agent, &url, body, limit);
                        let _ = inputs.send(Input::Http { id, outcome });
                    });
                if let Err(e) = spawned {
                    let outcome = HttpOutcome::Failed(format!("could not start a thread: {e}"));
                    let _ = self.inputs.send(Input::Http { id, outcome });
                }
            }
            Transmit::HttpAbort { id } => {
                // A blocking request cannot be interrupted; its answer is dropped on arrival
                // and its thread ends at the request timeout at the latest.
                self.trace_with(|| format!("-x #{id} abandoned"));
                self.in_flight.remove(&id);
            }
            Transmit::WsOpen { url } => {
                self.socket = None;
                self.next_conn += 1;
                let conn = self.next_conn;
                self.trace_with(|| format!("-> ws open {url}"));
                match ws::spawn(
                    conn,
                    url,
                    self.inputs.clone(),
                    self.connect_timeout,
                    self.trace.clone(),
                ) {
                    Ok(out) => self.socket = Some(Socket { conn, out }),
                    Err(e) => {
                        self.trace_with(|| format!("could not start a socket thread: {e}"));
                        self.socket = Some(Socket { conn, out: std::sync::mpsc::channel().0 });
                        let _ = self.inputs.send(Input::WsClosed { conn });
                    }
                }
            }
            Transmit::WsSend(text) => {
                self.trace_with(|| format!("-> ws {text}"));
                if let Some(socket) = &self.socket {
                    // A socket thread that has ended reports the close itself.
                    let _ = socket.out.send(WsOut::Text(text));
                }
            }
            Transmit::WsClose => {
                self.trace("-> ws close");
                self.socket = None;
            }
            other => self.trace_with(|| format!("unknown transmit ignored: {other:?}")),
        }
    }

    fn trace(&self, line: &str) {
        if let Some(trace) = &self.trace {
            trace(line);
        }
    }

    fn trace_with(&self, line: impl FnOnce() -> String) {
        if let Some(trace) = &self.trace {
            trace(&line());
        }
    }
}
