//! The XMPP client core Finesse gadgets use (guide chapters 6–8), sans-IO: it is fed inputs
//! with the time (`handle_*(…, now)`, commands), and yields work through
//! [`poll_transmit`](Client::poll_transmit), [`poll_event`](Client::poll_event) and
//! [`poll_timeout`](Client::poll_timeout). See the crate documentation for the run loop.
//!
//! What it does, in order, for each connection attempt:
//!
//! 1. opens a BOSH session (XEP-0124/0206: `hold=1`, `wait`, `ver`, `xmpp:version`) or a
//!    WebSocket stream (RFC 7395 `<open/>`), on the current server of the configured list;
//! 2. authenticates with SASL PLAIN, restarts the stream, binds the resource (never
//!    `desktop`), establishes the legacy session when the server requires it, and sends
//!    initial presence;
//! 3. puts the explicit subscriptions in place: on a *different* server (or a new resource)
//!    it subscribes them again, because subscriptions persist on one server only (guide
//!    chapter 6, "Subscription Management"); on the *same* server it asks for its
//!    subscriptions and renews any the server no longer has;
//! 4. reports [`ConnectionStatus::Connected`] only then, so every item published afterwards
//!    reaches it; pings the server every `ping_interval` and answers the server's pings;
//! 5. when the connection is lost, reports it, waits an exponential backoff with jitter, and
//!    tries again: the same server for `attempts_per_server` attempts (or at once the next one
//!    when the failure says this server cannot serve us), then the next server (failover,
//!    guide chapter 7).
//!
//! [`Client::shutdown`] unsubscribes every explicit subscription, waits for the answers, then
//! ends the session, as the guide asks ("unsubscribe … before disconnecting").

mod bosh;
mod config;
mod ws;

use std::collections::VecDeque;
use std::fmt;

pub use config::{ClientConfig, ConfigError, Endpoint, TransportKind, check_resource};

use self::bosh::{BoshLink, BoshSettings};
use self::ws::WsLink;
use crate::Millis;
use crate::bosh::{BodyError, Recovery, TerminateCondition};
use crate::element::{Element, XmlError};
use crate::features::{self, Features};
use crate::jid::Jid;
use crate::ns;
use crate::ping;
use crate::pubsub::{self, ItemPayload, PubsubEvent, SubscriptionState};
use crate::rng::Rng;
use crate::sasl::{self, SaslCondition};
use crate::stanza::{self, ErrorType, IqType, StanzaError, StanzaErrorCondition};
use crate::stream::{StreamError, StreamErrorCondition};
use crate::timer::FewTimers;
use crate::vecmap::VecMap;

/// Work for the driver.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transmit {
    /// POST `body` to `url` with `Content-Type: text/xml; charset=utf-8`; answer with
    /// [`Client::handle_http_response`] or [`Client::handle_http_failure`] quoting `id`.
    HttpRequest {
        /// Identifies this request in the answer.
        id: u64,
        /// The BOSH binding URL.
        url: String,
        /// The `<body/>`.
        body: String,
    },
    /// The request `id` is no longer wanted (it timed out or the session ended): abort it if
    /// possible (a browser has few connections per host). Its answer, if any, is ignored.
    HttpAbort {
        /// The request to abort.
        id: u64,
    },
    /// Open a WebSocket to `url` with the subprotocol `xmpp`; answer with
    /// [`Client::handle_ws_open`] or [`Client::handle_ws_closed`]. Any previous socket is
    /// already closed.
    WsOpen {
        /// The WebSocket URL.
        url: String,
    },
    /// Send one text frame on the open socket.
    WsSend(String),
    /// Close the socket; deliver nothing more from it.
    WsClose,
}

/// The status of the notification connection, with exactly the values of the guide's
/// `finesse.info.connection` topic (chapter 8), so a hub can publish it as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionStatus {
    /// The first attempt since [`Client::connect`] is under way.
    Connecting,
    /// Connected: authenticated, bound, subscriptions in place.
    Connected,
    /// Not connected (before connecting, between attempts, after shutdown or a fatal error).
    Disconnected,
    /// A clean shutdown is under way.
    Disconnecting,
    /// A later attempt is under way.
    Reconnecting,
    /// The page is unloading ([`Client::unload`]).
    Unloading,
}

impl ConnectionStatus {
    /// The `finesse.info.connection` status string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnected => "disconnected",
            Self::Disconnecting => "disconnecting",
            Self::Reconnecting => "reconnecting",
            Self::Unloading => "unloading",
        }
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// The attempt did not reach `connected` within `connect_timeout`.
    Connect,
    /// A ping was not answered within `reply_timeout`.
    Ping,
    /// Another iq was not answered within `reply_timeout`.
    Reply,
}

/// The server sent something the client cannot work with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// An HTTP response that is not a BOSH body (after retries).
    MalformedBody(BodyError),
    /// A WebSocket frame that is not one XML element.
    MalformedFrame(XmlError),
    /// A body or frame over `max_inbound_bytes`.
    TooLarge,
    /// The session creation response has no `sid`.
    MissingSid,
    /// The rid reached 2^53 − 1.
    RidExhausted,
    /// The server does not offer SASL PLAIN.
    NoPlainMechanism,
    /// The server does not offer resource binding after authentication.
    NoBind,
    /// An element where none may be (by local name).
    Unexpected(String),
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedBody(e) => write!(f, "malformed BOSH body: {e}"),
            Self::MalformedFrame(e) => write!(f, "malformed WebSocket frame: {e}"),
            Self::TooLarge => f.write_str("a body or frame exceeds the configured limit"),
            Self::MissingSid => f.write_str("the session creation response has no sid"),
            Self::RidExhausted => f.write_str("request ids exhausted"),
            Self::NoPlainMechanism => f.write_str("the server does not offer SASL PLAIN"),
            Self::NoBind => f.write_str("the server does not offer resource binding"),
            Self::Unexpected(name) => write!(f, "unexpected <{name}>"),
        }
    }
}

/// Why a connection (or an attempt) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The BOSH connection manager ended the session (`type='terminate'`).
    Terminated(TerminateCondition),
    /// The server sent a stream error.
    StreamError(StreamError),
    /// A legacy terminal HTTP status (400, 403, 404) or another 4xx.
    HttpStatus(u16),
    /// A BOSH request failed `max_retries + 1` times (timeouts, network errors, 5xx).
    RequestFailed,
    /// The WebSocket closed without `<close/>`.
    SocketClosed,
    /// The server closed the WebSocket stream (`<close/>`).
    ServerClosed,
    /// A wait ran out.
    Timeout(TimeoutKind),
    /// SASL failed (wrong credentials: `not-authorized`).
    AuthFailed(SaslCondition),
    /// Resource binding failed.
    BindFailed(StanzaError),
    /// The server broke the protocol.
    Protocol(ProtocolError),
}

impl DisconnectReason {
    /// What the client does next: reconnect to the same server, fail over to the next one, or
    /// stop (bad credentials; a stream `conflict`, i.e. another client took this resource —
    /// though the client itself tolerates two conflicts before stopping, since a late request
    /// of one of its own abandoned attempts can cause one).
    pub fn recovery(&self) -> Recovery {
        match self {
            Self::Terminated(c) => c.recovery(),
            Self::StreamError(e) => match e.condition {
                StreamErrorCondition::Conflict | StreamErrorCondition::NotAuthorized => {
                    Recovery::Fatal
                }
                StreamErrorCondition::HostUnknown
                | StreamErrorCondition::HostGone
                | StreamErrorCondition::SeeOtherHost
                | StreamErrorCondition::ImproperAddressing => Recovery::Failover,
                _ => Recovery::Reconnect,
            },
            Self::AuthFailed(_) => Recovery::Fatal,
            Self::Protocol(ProtocolError::NoPlainMechanism) => Recovery::Failover,
            _ => Recovery::Reconnect,
        }
    }
}

impl fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Terminated(c) => write!(f, "session terminated: {c}"),
            Self::StreamError(e) => write!(f, "stream error: {}", e.condition),
            Self::HttpStatus(s) => write!(f, "HTTP status {s}"),
            Self::RequestFailed => f.write_str("requests failed repeatedly"),
            Self::SocketClosed => f.write_str("the WebSocket closed"),
            Self::ServerClosed => f.write_str("the server closed the stream"),
            Self::Timeout(k) => write!(f, "timed out ({k:?})"),
            Self::AuthFailed(c) => write!(f, "authentication failed: {c}"),
            Self::BindFailed(e) => write!(f, "resource binding failed: {}", e.condition),
            Self::Protocol(e) => write!(f, "{e}"),
        }
    }
}

/// Something the application should know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The connection status changed. `resource_id` is the bound resource once known (the
    /// guide's `resourceID`; it may change on reconnection).
    Status {
        /// The new status.
        status: ConnectionStatus,
        /// The bound resource, if any.
        resource_id: Option<String>,
    },
    /// The connection or attempt ended; `retry_at` is when the next attempt starts (`None`:
    /// no further attempt, see [`DisconnectReason::recovery`]).
    ConnectionLost {
        /// Why.
        reason: DisconnectReason,
        /// When the next attempt starts.
        retry_at: Option<Millis>,
    },
    /// The presence of the `finesse` service user changed (guide chapter 7: unavailable
    /// means Finesse lost the notification service or its web application is down).
    ServicePresence {
        /// Whether `finesse@<domain>` is available.
        available: bool,
    },
    /// An explicit subscription is in place. `renewed` is false the first time after
    /// [`Client::subscribe`], true when it was put back after a reconnection.
    Subscribed {
        /// The node.
        node: String,
        /// The subscription id the service assigned.
        subid: Option<String>,
        /// Whether this renews an earlier subscription.
        renewed: bool,
    },
    /// A subscription was refused (e.g. `item-not-found`: no such node). The node is no
    /// longer subscribed; subscribe again to retry.
    SubscribeFailed {
        /// The node.
        node: String,
        /// The error.
        error: StanzaError,
    },
    /// An explicit subscription ended (after [`Client::unsubscribe`] or shutdown).
    Unsubscribed {
        /// The node.
        node: String,
    },
    /// Unsubscribing failed; the client no longer tracks the subscription.
    UnsubscribeFailed {
        /// The node.
        node: String,
        /// The error.
        error: StanzaError,
    },
    /// A published item: a Finesse `<Update>` or an unknown payload. `xml` is there in every
    /// build; `payload` is typed only with the `typed-items` feature.
    Item {
        /// The node it was published on (`/finesse/api/User/1001001`).
        node: String,
        /// The item id.
        item_id: Option<String>,
        /// The payload document as received: the unescaped text of `<notification/>` (what a
        /// hub master republishes as raw XML and converts to JSON, guide chapter 8).
        xml: String,
        /// The payload, decoded (`ItemPayload::Undecoded` without `typed-items`).
        payload: ItemPayload,
    },
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandError {
    /// The node is empty, longer than 1024 bytes or has control characters.
    InvalidNode,
    /// There is no explicit subscription to this node.
    NotSubscribed,
    /// The client is shutting down.
    ShuttingDown,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidNode => "invalid node name",
            Self::NotSubscribed => "not subscribed to this node",
            Self::ShuttingDown => "the client is shutting down",
        })
    }
}

impl std::error::Error for CommandError {}

/// What a transport link tells the client.
#[derive(Debug)]
pub(crate) enum LinkEvent {
    /// An element from the server (features, SASL, stanza).
    Element(Element),
    /// The connection is lost.
    Down(DisconnectReason),
    /// The connection closed as asked.
    Closed,
}

#[derive(Debug)]
enum Link {
    None,
    Bosh(Box<BoshLink>),
    Ws(WsLink),
}

impl Link {
    fn send(&mut self, el: Element) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.send(el),
            Self::Ws(l) => l.send(el),
        }
    }

    fn restart(&mut self) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.restart(),
            Self::Ws(l) => l.restart(),
        }
    }

    fn terminate(&mut self, payloads: Vec<Element>, now: Millis) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.terminate(payloads),
            Self::Ws(l) => l.terminate(payloads, now),
        }
    }

    fn terminate_now(&mut self, payloads: Vec<Element>) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.terminate_now(payloads),
            Self::Ws(l) => l.terminate_now(payloads),
        }
    }

    fn abort(&mut self) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.abort(),
            Self::Ws(l) => l.abort(),
        }
    }

    /// Sends what the stanzas queued since the last flush need (BOSH batches them).
    fn flush(&mut self, now: Millis) {
        if let Self::Bosh(l) = self {
            l.flush(now);
        }
    }

    fn poll_transmit(&mut self) -> Option<Transmit> {
        match self {
            Self::None => None,
            Self::Bosh(l) => l.poll_transmit(),
            Self::Ws(l) => l.poll_transmit(),
        }
    }

    fn poll_event(&mut self) -> Option<LinkEvent> {
        match self {
            Self::None => None,
            Self::Bosh(l) => l.poll_event(),
            Self::Ws(l) => l.poll_event(),
        }
    }

    fn poll_timeout(&self) -> Option<Millis> {
        match self {
            Self::None => None,
            Self::Bosh(l) => l.poll_timeout(),
            Self::Ws(l) => l.poll_timeout(),
        }
    }

    fn handle_timeout(&mut self, now: Millis) {
        match self {
            Self::None => {}
            Self::Bosh(l) => l.handle_timeout(now),
            Self::Ws(l) => l.handle_timeout(now),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Transport and stream opening; waiting for features.
    Open,
    /// `<auth/>` sent.
    Auth,
    /// Restart requested after SASL success; waiting for features.
    Restart,
    /// Bind iq sent.
    Bind,
    /// Session iq sent.
    Session,
    /// Presence sent; subscriptions being put in place.
    Sync,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Not connected and not trying.
    Idle,
    /// Waiting for the next attempt.
    Waiting,
    /// An attempt is under way.
    Negotiating(Step),
    /// Connected.
    Connected,
    /// Unsubscribing before closing.
    ShuttingDown,
    /// Close sent; waiting for the end.
    Closing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKey {
    Reconnect,
    Connect,
    Ping,
    Shutdown,
    Reply(u64),
}

#[derive(Debug, Clone)]
enum Purpose {
    Bind,
    Session,
    Ping,
    Subscribe(String),
    Unsubscribe(String),
    Subscriptions,
}

#[derive(Debug)]
struct PendingIq {
    purpose: Purpose,
    blocks_sync: bool,
    blocks_shutdown: bool,
}

/// Where the service holds a subscription: the server and the full JID subscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placement {
    server: String,
    jid: String,
}

#[derive(Debug)]
struct Sub {
    /// The application wants this subscription.
    wanted: bool,
    /// Where it is (believed to be) in place.
    on: Option<Placement>,
    subid: Option<String>,
    /// A subscribe/unsubscribe iq in flight.
    pending: Option<u64>,
    /// `Subscribed` was reported once already.
    announced: bool,
}

const IQ_PREFIX: &str = "fx";
/// Stream `conflict` errors (since `connect`) after which the client stops.
const MAX_CONFLICTS: u32 = 3;
const MAX_NODE_BYTES: usize = 1024;

/// The client core. See the [module documentation](self) for what it does and the crate
/// documentation for how to drive it.
#[derive(Debug)]
pub struct Client {
    cfg: ClientConfig,
    resource: String,
    rng: Rng,
    now: Millis,
    phase: Phase,
    status: ConnectionStatus,
    link: Link,
    generation: u64,
    server_idx: usize,
    failures_here: u32,
    backoff_n: u32,
    attempted: bool,
    conflicts: u32,
    session_required: bool,
    jid: Option<Jid>,
    subs: VecMap<String, Sub>,
    iqs: VecMap<u64, PendingIq>,
    next_iq: u64,
    sync_pending: usize,
    shutdown_pending: usize,
    timers: FewTimers<TimerKey>,
    events: VecDeque<Event>,
    transmits: VecDeque<Transmit>,
    service_presence: Option<bool>,
}

impl Client {
    /// A client for `config`, not yet connecting (call [`connect`](Self::connect)).
    pub fn new(config: ClientConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let resource = match &config.resource {
            Some(r) => r.clone(),
            None => format!("finesse-gadget-{}", rng.base36(4)),
        };
        Ok(Self {
            cfg: config,
            resource,
            rng,
            now: Millis::MIN,
            phase: Phase::Idle,
            status: ConnectionStatus::Disconnected,
            link: Link::None,
            generation: 0,
            server_idx: 0,
            failures_here: 0,
            backoff_n: 0,
            attempted: false,
            conflicts: 0,
            session_required: false,
            jid: None,
            subs: VecMap::default(),
            iqs: VecMap::default(),
            next_iq: 1,
            sync_pending: 0,
            shutdown_pending: 0,
            timers: FewTimers::default(),
            events: VecDeque::new(),
            transmits: VecDeque::new(),
            service_presence: None,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    /// The current connection status.
    pub fn status(&self) -> ConnectionStatus {
        self.status
    }

    /// The resource this client binds (configured, or drawn from the seed).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The bound full JID while a session is established.
    pub fn jid(&self) -> Option<&Jid> {
        self.jid.as_ref()
    }

    /// The server in use (or to be tried next).
    pub fn server(&self) -> &Endpoint {
        &self.cfg.servers[self.server_idx % self.cfg.servers.len()]
    }

    /// The explicit subscriptions the application wants, in node order.
    pub fn subscriptions(&self) -> impl Iterator<Item = &str> {
        self.subs.iter().filter(|(_, s)| s.wanted).map(|(n, _)| n.as_str())
    }

    /// The last known presence of the `finesse` service user on this connection.
    pub fn service_available(&self) -> Option<bool> {
        self.service_presence
    }

    /// Starts connecting (to the first server) unless already connecting or connected.
    pub fn connect(&mut self, now: Millis) {
        self.advance(now);
        if self.phase == Phase::Idle {
            self.attempted = false;
            self.conflicts = 0;
            self.failures_here = 0;
            self.backoff_n = 0;
            self.server_idx = 0;
            self.start_attempt();
        }
        self.drive();
    }

    /// Subscribes explicitly to `node` with the full JID. Sent at once when connected, else
    /// when the connection is established; kept across reconnections.
    pub fn subscribe(&mut self, node: &str) -> Result<(), CommandError> {
        if node.is_empty() || node.len() > MAX_NODE_BYTES || node.chars().any(char::is_control) {
            return Err(CommandError::InvalidNode);
        }
        if matches!(self.phase, Phase::ShuttingDown | Phase::Closing) {
            return Err(CommandError::ShuttingDown);
        }
        let here = self.placement();
        let can_send = self.can_send();
        let sub = self.subs.get_or_insert(
            node.to_owned(),
            Sub { wanted: false, on: None, subid: None, pending: None, announced: false },
        );
        if sub.wanted {
            return Ok(());
        }
        sub.wanted = true;
        if sub.pending.is_some() {
            // The unsubscribe in flight resubscribes when answered.
        } else if sub.on.is_some() && sub.on == here {
            let subid = sub.subid.clone();
            sub.announced = true;
            self.events.push_back(Event::Subscribed {
                node: node.to_owned(),
                subid,
                renewed: false,
            });
        } else if can_send {
            let blocking = self.phase == Phase::Negotiating(Step::Sync);
            self.send_subscribe(node, blocking);
        }
        self.drive();
        Ok(())
    }

    /// Ends the explicit subscription to `node`.
    pub fn unsubscribe(&mut self, node: &str) -> Result<(), CommandError> {
        let here = self.placement();
        let can_send = self.can_send();
        let Some(sub) = self.subs.get_mut(node) else { return Err(CommandError::NotSubscribed) };
        if !sub.wanted {
            return Ok(());
        }
        sub.wanted = false;
        if sub.pending.is_some() {
            // The subscribe in flight unsubscribes when answered.
        } else if sub.on.is_some() && sub.on == here && can_send {
            self.send_unsubscribe(node, false);
        } else if sub.on.is_some() && here.is_none() {
            // Not connected: unsubscribe when back on that server.
        } else {
            self.subs.remove(node);
            self.events.push_back(Event::Unsubscribed { node: node.to_owned() });
        }
        self.drive();
        Ok(())
    }

    /// Shuts down cleanly: reports `disconnecting`, unsubscribes every explicit subscription,
    /// waits for the answers (at most `shutdown_timeout`), sends unavailable presence and ends
    /// the session, then reports `disconnected`. Without a connection it stops at once.
    pub fn shutdown(&mut self, now: Millis) {
        self.advance(now);
        match self.phase {
            Phase::Connected => {
                self.set_status(ConnectionStatus::Disconnecting);
                self.phase = Phase::ShuttingDown;
                self.timers.cancel(TimerKey::Ping);
                let here = self.placement();
                let nodes: Vec<String> = self.subs.keys().cloned().collect();
                for node in nodes {
                    let Some(sub) = self.subs.get_mut(&node) else { continue };
                    sub.wanted = false;
                    if sub.on.is_some() && sub.on == here || sub.pending.is_some() {
                        self.send_unsubscribe(&node, true);
                    }
                }
                self.timers
                    .set(TimerKey::Shutdown, self.now.saturating_add(self.cfg.shutdown_timeout));
                if self.shutdown_pending == 0 {
                    self.close_stream();
                }
            }
            Phase::ShuttingDown | Phase::Closing => {}
            Phase::Idle | Phase::Waiting | Phase::Negotiating(_) => self.finish_shutdown(),
        }
        self.drive();
    }

    /// The page is unloading (browser refresh, back button): reports `unloading` and sends,
    /// in one best-effort request or burst of frames, the unsubscriptions, unavailable presence
    /// and the end of the session, without waiting for anything.
    pub fn unload(&mut self, now: Millis) {
        self.advance(now);
        self.set_status(ConnectionStatus::Unloading);
        let mut payloads = Vec::new();
        if matches!(
            self.phase,
            Phase::Connected | Phase::ShuttingDown | Phase::Negotiating(Step::Sync)
        ) {
            if let Some(jid) = self.jid.clone() {
                let here = self.placement();
                let nodes: Vec<(String, Option<String>)> = self
                    .subs
                    .iter()
                    .filter(|(_, s)| s.on.is_some() && s.on == here)
                    .map(|(n, s)| (n.clone(), s.subid.clone()))
                    .collect();
                for (node, subid) in nodes {
                    let id = self.new_iq_id().1;
                    payloads.push(pubsub::unsubscribe_iq(
                        &id,
                        &self.cfg.pubsub_domain,
                        &node,
                        &jid,
                        subid.as_deref(),
                    ));
                }
            }
            payloads.push(stanza::presence(Some("unavailable")));
        }
        self.link.terminate_now(payloads);
        self.drop_link();
        self.reset_connection_state();
        self.subs.clear();
        self.timers = FewTimers::default();
        self.phase = Phase::Idle;
    }

    /// Feeds the answer to [`Transmit::HttpRequest`] `id`: its HTTP status and body.
    pub fn handle_http_response(&mut self, id: u64, status: u16, body: &str, now: Millis) {
        self.advance(now);
        if let Link::Bosh(l) = &mut self.link {
            l.handle_response(id, status, body, self.now);
        }
        self.drive();
    }

    /// Reports that [`Transmit::HttpRequest`] `id` failed without an HTTP answer (network
    /// error, connection refused or reset).
    pub fn handle_http_failure(&mut self, id: u64, now: Millis) {
        self.advance(now);
        if let Link::Bosh(l) = &mut self.link {
            l.handle_failure(id, self.now);
        }
        self.drive();
    }

    /// Reports that the socket asked for by [`Transmit::WsOpen`] is open.
    pub fn handle_ws_open(&mut self, now: Millis) {
        self.advance(now);
        if let Link::Ws(l) = &mut self.link {
            l.handle_open();
        }
        self.drive();
    }

    /// Feeds one text frame received on the socket.
    pub fn handle_ws_message(&mut self, text: &str, now: Millis) {
        self.advance(now);
        if let Link::Ws(l) = &mut self.link {
            l.handle_message(text);
        }
        self.drive();
    }

    /// Reports that the socket closed (or could not be opened).
    pub fn handle_ws_closed(&mut self, now: Millis) {
        self.advance(now);
        if let Link::Ws(l) = &mut self.link {
            l.handle_closed();
        }
        self.drive();
    }

    /// Lets time pass: call when the time from [`poll_timeout`](Self::poll_timeout) is reached
    /// (calling it early or more often is harmless).
    pub fn handle_timeout(&mut self, now: Millis) {
        self.advance(now);
        for key in self.timers.take_expired(self.now) {
            self.on_timer(key);
            self.drive();
        }
        self.link.handle_timeout(self.now);
        self.drive();
    }

    /// The next piece of work for the driver, in order.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front().or_else(|| self.link.poll_transmit())
    }

    /// The next event for the application, in order.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next; `None` when nothing
    /// is scheduled.
    pub fn poll_timeout(&self) -> Option<Millis> {
        match (self.timers.next(), self.link.poll_timeout()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    // ----- internals -----

    fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    fn set_status(&mut self, status: ConnectionStatus) {
        if self.status != status {
            self.status = status;
            let resource_id = self.jid.as_ref().and_then(|j| j.resource.clone());
            self.events.push_back(Event::Status { status, resource_id });
        }
    }

    fn can_send(&self) -> bool {
        matches!(self.phase, Phase::Connected | Phase::Negotiating(Step::Sync))
    }

    /// Where subscriptions made now would live.
    fn placement(&self) -> Option<Placement> {
        if !matches!(
            self.phase,
            Phase::Connected | Phase::Negotiating(Step::Sync) | Phase::ShuttingDown
        ) {
            return None;
        }
        let jid = self.jid.as_ref()?;
        Some(Placement { server: self.server().server_key(), jid: jid.to_string() })
    }

    /// Processes what the link reported until it has nothing more.
    fn drive(&mut self) {
        loop {
            let Some(event) = self.link.poll_event() else {
                self.link.flush(self.now);
                match self.link.poll_event() {
                    Some(event) => self.on_link_event(event),
                    None => return,
                }
                continue;
            };
            self.on_link_event(event);
        }
    }

    fn on_link_event(&mut self, event: LinkEvent) {
        match event {
            LinkEvent::Element(el) => self.on_element(el),
            LinkEvent::Down(reason) => self.fail(reason),
            LinkEvent::Closed => {
                if matches!(self.phase, Phase::Closing | Phase::ShuttingDown) {
                    self.finish_shutdown();
                } else {
                    self.fail(DisconnectReason::ServerClosed);
                }
            }
        }
    }

    fn drop_link(&mut self) {
        let mut old = std::mem::replace(&mut self.link, Link::None);
        while let Some(t) = old.poll_transmit() {
            self.transmits.push_back(t);
        }
    }

    fn start_attempt(&mut self) {
        self.drop_link();
        let endpoint = self.server().clone();
        self.generation += 1;
        let status = if self.attempted {
            ConnectionStatus::Reconnecting
        } else {
            ConnectionStatus::Connecting
        };
        self.attempted = true;
        self.phase = Phase::Negotiating(Step::Open);
        self.set_status(status);
        self.timers.set(TimerKey::Connect, self.now.saturating_add(self.cfg.connect_timeout));
        self.link = match endpoint.transport {
            TransportKind::Bosh => {
                let settings = BoshSettings {
                    url: endpoint.url,
                    domain: self.cfg.domain.clone(),
                    wait_secs: self.cfg.wait_secs,
                    margin: self.cfg.request_margin,
                    connect_timeout: self.cfg.connect_timeout,
                    max_retries: self.cfg.max_retries,
                    max_inbound: self.cfg.max_inbound_bytes,
                };
                // A large random initial rid that cannot reach 2^53 - 1 by counting.
                let rid = 1 + self.rng.below(1 << 48);
                Link::Bosh(Box::new(BoshLink::start(settings, rid, self.generation, self.now)))
            }
            TransportKind::WebSocket => Link::Ws(WsLink::start(
                &endpoint.url,
                &self.cfg.domain,
                self.cfg.max_inbound_bytes,
                self.cfg.shutdown_timeout,
            )),
        };
    }

    fn reset_connection_state(&mut self) {
        self.iqs.clear();
        self.sync_pending = 0;
        self.shutdown_pending = 0;
        for sub in self.subs.values_mut() {
            sub.pending = None;
        }
        self.service_presence = None;
        self.jid = None;
        self.session_required = false;
    }

    fn backoff(&mut self, n: u32) -> Millis {
        let shift = n.saturating_sub(1).min(30);
        let base =
            self.cfg.backoff_initial.saturating_mul(1 << shift).min(self.cfg.backoff_max).max(2);
        // "Equal jitter": half fixed, half random, so attempts spread but never bunch at 0.
        let half = base / 2;
        half + Millis::try_from(self.rng.below(u64::try_from(half).unwrap_or(0) + 1)).unwrap_or(0)
    }

    fn fail(&mut self, reason: DisconnectReason) {
        self.link.abort();
        self.drop_link();
        let phase = self.phase;
        self.reset_connection_state();
        self.timers = FewTimers::default();
        match phase {
            Phase::ShuttingDown | Phase::Closing => return self.finish_shutdown(),
            Phase::Idle | Phase::Waiting => return,
            Phase::Negotiating(_) | Phase::Connected => {}
        }
        let mut recovery = reason.recovery();
        if let DisconnectReason::StreamError(e) = &reason
            && e.condition == StreamErrorCondition::Conflict
        {
            // A request of an attempt this client abandoned can still reach the server and
            // bind after the current one. Only a repeated conflict means another client.
            self.conflicts += 1;
            if self.conflicts < MAX_CONFLICTS {
                recovery = Recovery::Reconnect;
            }
        }
        let next = match recovery {
            Recovery::Fatal => None,
            Recovery::Failover => {
                self.next_server();
                Some(())
            }
            Recovery::Reconnect => {
                self.failures_here += 1;
                if self.failures_here >= self.cfg.attempts_per_server {
                    self.next_server();
                }
                Some(())
            }
        };
        let retry_at = match next {
            Some(()) => {
                self.backoff_n = self.backoff_n.saturating_add(1);
                let at = self.now.saturating_add(self.backoff(self.backoff_n));
                self.timers.set(TimerKey::Reconnect, at);
                self.phase = Phase::Waiting;
                Some(at)
            }
            None => {
                self.phase = Phase::Idle;
                None
            }
        };
        self.events.push_back(Event::ConnectionLost { reason, retry_at });
        self.set_status(ConnectionStatus::Disconnected);
    }

    fn next_server(&mut self) {
        self.server_idx = (self.server_idx + 1) % self.cfg.servers.len();
        self.failures_here = 0;
    }

    fn finish_shutdown(&mut self) {
        self.link.abort();
        self.drop_link();
        self.reset_connection_state();
        self.timers = FewTimers::default();
        let nodes: Vec<String> = std::mem::take(&mut self.subs).into_keys().collect();
        for node in nodes {
            self.events.push_back(Event::Unsubscribed { node });
        }
        self.phase = Phase::Idle;
        self.set_status(ConnectionStatus::Disconnected);
    }

    fn close_stream(&mut self) {
        self.phase = Phase::Closing;
        self.timers.set(TimerKey::Shutdown, self.now.saturating_add(self.cfg.shutdown_timeout));
        self.link.terminate(vec![stanza::presence(Some("unavailable"))], self.now);
    }

    fn become_connected(&mut self) {
        self.phase = Phase::Connected;
        self.failures_here = 0;
        self.backoff_n = 0;
        self.timers.cancel(TimerKey::Connect);
        if self.cfg.ping_interval > 0 {
            self.timers.set(TimerKey::Ping, self.now.saturating_add(self.cfg.ping_interval));
        }
        self.set_status(ConnectionStatus::Connected);
    }

    fn on_timer(&mut self, key: TimerKey) {
        match key {
            TimerKey::Reconnect => {
                if self.phase == Phase::Waiting {
                    self.start_attempt();
                }
            }
            TimerKey::Connect => {
                if matches!(self.phase, Phase::Negotiating(_)) {
                    self.fail(DisconnectReason::Timeout(TimeoutKind::Connect));
                }
            }
            TimerKey::Ping => {
                if self.phase == Phase::Connected {
                    let domain = self.cfg.domain.clone();
                    self.send_iq(
                        |id| ping::ping_iq(id, Some(&domain)),
                        Purpose::Ping,
                        false,
                        false,
                    );
                }
            }
            TimerKey::Shutdown => match self.phase {
                Phase::ShuttingDown => self.close_stream(),
                Phase::Closing => self.finish_shutdown(),
                _ => {}
            },
            TimerKey::Reply(seq) => {
                let Some(pending) = self.iqs.remove(&seq) else { return };
                match self.phase {
                    Phase::ShuttingDown | Phase::Closing => self.resolved_for_shutdown(&pending),
                    _ => {
                        let kind = if matches!(pending.purpose, Purpose::Ping) {
                            TimeoutKind::Ping
                        } else {
                            TimeoutKind::Reply
                        };
                        self.fail(DisconnectReason::Timeout(kind));
                    }
                }
            }
        }
    }

    /// How long an iq may wait for its answer. Over BOSH at least one request deadline and a
    /// retry: a lost response is recovered by resending its rid (XEP-0124 §14), which can take
    /// that long, and the connection should not be declared dead meanwhile.
    fn reply_timeout(&self) -> Millis {
        match self.link {
            Link::Bosh(_) => self
                .cfg
                .reply_timeout
                .max(Millis::from(self.cfg.wait_secs) * 1000 + self.cfg.request_margin + 2_000),
            _ => self.cfg.reply_timeout,
        }
    }

    fn new_iq_id(&mut self) -> (u64, String) {
        let seq = self.next_iq;
        self.next_iq += 1;
        (seq, format!("{IQ_PREFIX}{seq}"))
    }

    fn send_iq(
        &mut self,
        build: impl FnOnce(&str) -> Element,
        purpose: Purpose,
        blocks_sync: bool,
        blocks_shutdown: bool,
    ) -> u64 {
        let (seq, id) = self.new_iq_id();
        let el = build(&id);
        self.iqs.insert(seq, PendingIq { purpose, blocks_sync, blocks_shutdown });
        if blocks_sync {
            self.sync_pending += 1;
        }
        if blocks_shutdown {
            self.shutdown_pending += 1;
        }
        self.timers.set(TimerKey::Reply(seq), self.now.saturating_add(self.reply_timeout()));
        self.link.send(el);
        seq
    }

    fn send_subscribe(&mut self, node: &str, blocking: bool) {
        let Some(jid) = self.jid.clone() else { return };
        let service = self.cfg.pubsub_domain.clone();
        let seq = self.send_iq(
            |id| pubsub::subscribe_iq(id, &service, node, &jid),
            Purpose::Subscribe(node.to_owned()),
            blocking,
            false,
        );
        if let Some(sub) = self.subs.get_mut(node) {
            sub.pending = Some(seq);
        }
    }

    fn send_unsubscribe(&mut self, node: &str, for_shutdown: bool) {
        let Some(jid) = self.jid.clone() else { return };
        let service = self.cfg.pubsub_domain.clone();
        let subid = self.subs.get(node).and_then(|s| s.subid.clone());
        let seq = self.send_iq(
            |id| pubsub::unsubscribe_iq(id, &service, node, &jid, subid.as_deref()),
            Purpose::Unsubscribe(node.to_owned()),
            false,
            for_shutdown,
        );
        if let Some(sub) = self.subs.get_mut(node) {
            sub.pending = Some(seq);
        }
    }

    fn on_element(&mut self, el: Element) {
        if el.is("features", ns::STREAMS) {
            return self.on_features(&el);
        }
        if el.ns == ns::SASL {
            return self.on_sasl(&el);
        }
        let stanzas_allowed = matches!(
            self.phase,
            Phase::Negotiating(Step::Bind | Step::Session | Step::Sync)
                | Phase::Connected
                | Phase::ShuttingDown
                | Phase::Closing
        );
        if !stanzas_allowed {
            return;
        }
        if stanza::is_stanza(&el, "iq") {
            self.on_iq(&el);
        } else if stanza::is_stanza(&el, "message") {
            self.on_message(&el);
        } else if stanza::is_stanza(&el, "presence") {
            self.on_presence(&el);
        }
    }

    fn on_features(&mut self, el: &Element) {
        let Some(features) = Features::parse(el) else { return };
        match self.phase {
            Phase::Negotiating(Step::Open) => {
                if features.mechanisms.iter().any(|m| m == sasl::PLAIN) {
                    self.phase = Phase::Negotiating(Step::Auth);
                    let auth = sasl::plain_auth(&self.cfg.user, &self.cfg.password);
                    self.link.send(auth);
                } else {
                    self.fail(DisconnectReason::Protocol(ProtocolError::NoPlainMechanism));
                }
            }
            Phase::Negotiating(Step::Restart) => {
                if features.bind {
                    self.session_required = features.session == Some(false);
                    self.phase = Phase::Negotiating(Step::Bind);
                    let resource = self.resource.clone();
                    self.send_iq(
                        |id| features::bind_iq(id, Some(&resource)),
                        Purpose::Bind,
                        false,
                        false,
                    );
                } else {
                    self.fail(DisconnectReason::Protocol(ProtocolError::NoBind));
                }
            }
            _ => {}
        }
    }

    fn on_sasl(&mut self, el: &Element) {
        if self.phase != Phase::Negotiating(Step::Auth) {
            return;
        }
        match sasl::outcome(el) {
            Some(Ok(())) => {
                self.phase = Phase::Negotiating(Step::Restart);
                self.link.restart();
            }
            Some(Err(condition)) => {
                // Close politely; the failure is fatal (the credentials are wrong).
                self.link.terminate(Vec::new(), self.now);
                self.drop_link();
                self.fail(DisconnectReason::AuthFailed(condition));
            }
            None => {}
        }
    }

    fn on_iq(&mut self, el: &Element) {
        match IqType::of(el) {
            Some(IqType::Get | IqType::Set) => {
                let reply = if ping::is_ping(el) {
                    stanza::iq_result(el, None)
                } else if IqType::of(el) == Some(IqType::Get)
                    && el.get_child("query", ns::DISCO_INFO).is_some()
                {
                    stanza::iq_result(el, None).child(
                        Element::new("query", ns::DISCO_INFO)
                            .child(
                                Element::new("identity", ns::DISCO_INFO)
                                    .attr("category", "client")
                                    .attr("type", "web"),
                            )
                            .child(
                                Element::new("feature", ns::DISCO_INFO).attr("var", ns::DISCO_INFO),
                            )
                            .child(Element::new("feature", ns::DISCO_INFO).attr("var", ns::PING)),
                    )
                } else {
                    stanza::iq_error(
                        el,
                        None,
                        &StanzaError::new(
                            ErrorType::Cancel,
                            StanzaErrorCondition::ServiceUnavailable,
                        ),
                    )
                };
                self.link.send(reply);
            }
            Some(kind @ (IqType::Result | IqType::Error)) => {
                let Some(seq) = el
                    .get_attr("id")
                    .and_then(|id| id.strip_prefix(IQ_PREFIX))
                    .and_then(|n| n.parse().ok())
                else {
                    return;
                };
                let Some(pending) = self.iqs.remove(&seq) else { return };
                self.timers.cancel(TimerKey::Reply(seq));
                let outcome = match kind {
                    IqType::Result => Ok(el),
                    _ => Err(StanzaError::of(el).unwrap_or_else(|| {
                        StanzaError::new(
                            ErrorType::Cancel,
                            StanzaErrorCondition::UndefinedCondition,
                        )
                    })),
                };
                self.on_answer(&pending, outcome);
                if pending.blocks_sync {
                    self.sync_pending = self.sync_pending.saturating_sub(1);
                    if self.sync_pending == 0 && self.phase == Phase::Negotiating(Step::Sync) {
                        self.become_connected();
                    }
                }
                if matches!(self.phase, Phase::ShuttingDown | Phase::Closing) {
                    self.resolved_for_shutdown(&pending);
                }
            }
            None => {}
        }
    }

    fn resolved_for_shutdown(&mut self, pending: &PendingIq) {
        if pending.blocks_shutdown {
            self.shutdown_pending = self.shutdown_pending.saturating_sub(1);
            if self.shutdown_pending == 0 && self.phase == Phase::ShuttingDown {
                self.close_stream();
            }
        }
    }

    fn on_answer(&mut self, pending: &PendingIq, outcome: Result<&Element, StanzaError>) {
        match (&pending.purpose, outcome) {
            (Purpose::Bind, Ok(result)) => {
                let Some(jid) = features::parse_bind_result(result) else {
                    return self.fail(DisconnectReason::Protocol(ProtocolError::Unexpected(
                        "bind".into(),
                    )));
                };
                self.jid = Some(jid);
                if self.session_required {
                    self.phase = Phase::Negotiating(Step::Session);
                    let domain = self.cfg.domain.clone();
                    self.send_iq(
                        |id| features::session_iq(id, &domain),
                        Purpose::Session,
                        false,
                        false,
                    );
                } else {
                    self.session_ready();
                }
            }
            (Purpose::Bind, Err(e)) => self.fail(DisconnectReason::BindFailed(e)),
            (Purpose::Session, Ok(_)) => self.session_ready(),
            (Purpose::Session, Err(e)) => self.fail(DisconnectReason::BindFailed(e)),
            (Purpose::Ping, _) => {
                // Any answer, even an error, shows the connection is alive.
                if self.phase == Phase::Connected && self.cfg.ping_interval > 0 {
                    self.timers
                        .set(TimerKey::Ping, self.now.saturating_add(self.cfg.ping_interval));
                }
            }
            (Purpose::Subscriptions, outcome) => self.on_subscriptions(outcome.ok()),
            (Purpose::Subscribe(node), outcome) => self.on_subscribed(node, outcome),
            (Purpose::Unsubscribe(node), outcome) => self.on_unsubscribed(node, outcome),
        }
    }

    /// Bound (and session established): presence, then the subscriptions.
    fn session_ready(&mut self) {
        self.link.send(stanza::presence(None));
        self.phase = Phase::Negotiating(Step::Sync);
        let here = self.placement();
        let mut verify = false;
        let nodes: Vec<String> = self.subs.keys().cloned().collect();
        for node in nodes {
            let Some(sub) = self.subs.get_mut(&node) else { continue };
            sub.pending = None;
            let persisted = sub.on.is_some() && sub.on == here;
            match (sub.wanted, persisted) {
                (true, true) => verify |= self.cfg.verify_subscriptions,
                (true, false) => {
                    sub.on = None;
                    self.send_subscribe(&node, true);
                }
                (false, true) => self.send_unsubscribe(&node, false),
                (false, false) => {
                    self.subs.remove(&node);
                    self.events.push_back(Event::Unsubscribed { node });
                }
            }
        }
        if verify {
            let service = self.cfg.pubsub_domain.clone();
            self.send_iq(
                |id| pubsub::subscriptions_iq(id, &service),
                Purpose::Subscriptions,
                true,
                false,
            );
        }
        if self.sync_pending == 0 {
            self.become_connected();
        }
    }

    /// The server's list of our subscriptions (`None`: it could not say): renew the wanted
    /// ones it does not have.
    fn on_subscriptions(&mut self, result: Option<&Element>) {
        let here = self.placement();
        let Some(jid) = self.jid.clone() else { return };
        let listed: VecMap<String, Option<String>> = result
            .map(pubsub::parse_subscriptions)
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.jid.as_ref() == Some(&jid))
            .filter(|s| {
                matches!(s.state, SubscriptionState::Subscribed | SubscriptionState::Unconfigured)
            })
            .map(|s| (s.node, s.subid))
            .collect();
        let blocking = self.phase == Phase::Negotiating(Step::Sync);
        let nodes: Vec<String> = self.subs.keys().cloned().collect();
        for node in nodes {
            let Some(sub) = self.subs.get_mut(&node) else { continue };
            if !sub.wanted || sub.pending.is_some() || sub.on.is_none() || sub.on != here {
                continue;
            }
            match listed.get(&node) {
                Some(subid) => {
                    if subid.is_some() {
                        sub.subid.clone_from(subid);
                    }
                }
                None => {
                    sub.on = None;
                    self.send_subscribe(&node, blocking);
                }
            }
        }
    }

    fn on_subscribed(&mut self, node: &str, outcome: Result<&Element, StanzaError>) {
        let here = self.placement();
        let Some(sub) = self.subs.get_mut(node) else { return };
        sub.pending = None;
        match outcome {
            Ok(result) => {
                sub.on = here;
                sub.subid = pubsub::parse_subscription(result).and_then(|s| s.subid);
                if sub.wanted {
                    let renewed = sub.announced;
                    sub.announced = true;
                    let subid = sub.subid.clone();
                    self.events.push_back(Event::Subscribed {
                        node: node.to_owned(),
                        subid,
                        renewed,
                    });
                } else if self.can_send() {
                    self.send_unsubscribe(node, false);
                }
            }
            Err(error) => {
                let wanted = sub.wanted;
                self.subs.remove(node);
                self.events.push_back(if wanted {
                    Event::SubscribeFailed { node: node.to_owned(), error }
                } else {
                    Event::Unsubscribed { node: node.to_owned() }
                });
            }
        }
    }

    fn on_unsubscribed(&mut self, node: &str, outcome: Result<&Element, StanzaError>) {
        let can_send = self.can_send();
        let Some(sub) = self.subs.get_mut(node) else { return };
        sub.pending = None;
        sub.on = None;
        sub.subid = None;
        // "Not subscribed" answers mean the subscription is gone, which is what was asked.
        let error = outcome.err().filter(|e| {
            !(e.condition == StanzaErrorCondition::ItemNotFound
                || e.pubsub_condition.as_deref() == Some("not-subscribed")
                || e.condition == StanzaErrorCondition::UnexpectedRequest)
        });
        if sub.wanted {
            if can_send {
                self.send_subscribe(node, false);
            }
            return;
        }
        self.subs.remove(node);
        self.events.push_back(match error {
            None => Event::Unsubscribed { node: node.to_owned() },
            Some(error) => Event::UnsubscribeFailed { node: node.to_owned(), error },
        });
    }

    fn on_message(&mut self, el: &Element) {
        if el.get_attr("type") == Some("error") {
            return;
        }
        match pubsub::parse_event(el) {
            Some(PubsubEvent::Items(items)) => {
                for item in items {
                    self.events.push_back(Event::Item {
                        node: item.node,
                        item_id: item.id,
                        xml: item.xml,
                        payload: item.payload,
                    });
                }
            }
            Some(PubsubEvent::Subscription(s)) if s.state == SubscriptionState::Unsubscribed => {
                // The service says a subscription is gone: renew it if it is still wanted.
                let ours = match (&s.jid, &self.jid) {
                    (Some(j), Some(me)) => j == me,
                    (None, _) => true,
                    _ => false,
                };
                let can_send = self.can_send();
                if let Some(sub) = self.subs.get_mut(&s.node)
                    && ours
                    && sub.pending.is_none()
                    && sub.on.is_some()
                {
                    sub.on = None;
                    sub.subid = None;
                    if sub.wanted && can_send {
                        let blocking = self.phase == Phase::Negotiating(Step::Sync);
                        self.send_subscribe(&s.node, blocking);
                    }
                }
            }
            _ => {}
        }
    }

    fn on_presence(&mut self, el: &Element) {
        let Some(from) = el.get_attr("from").and_then(Jid::parse) else { return };
        if from.local != "finesse" || from.domain != self.cfg.domain.to_ascii_lowercase() {
            return;
        }
        let available = match el.get_attr("type") {
            None => true,
            Some("unavailable") => false,
            Some(_) => return,
        };
        if self.service_presence != Some(available) {
            self.service_presence = Some(available);
            self.events.push_back(Event::ServicePresence { available });
        }
    }
}

#[cfg(test)]
mod tests;
