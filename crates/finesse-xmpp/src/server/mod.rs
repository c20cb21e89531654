//! The notification service core the simulator wraps (the Cisco Finesse Notification Service
//! as clients see it, guide chapters 6–7), sans-IO: the XMPP subset Finesse clients use, over
//! BOSH (XEP-0124/0206) and WebSocket (RFC 7395).
//!
//! It authenticates with SASL PLAIN through an [`Authenticator`] the simulator supplies, binds
//! resources (assigning one when the client asks for none; a second session binding the same
//! full JID replaces the first, with a `conflict` stream error), answers the legacy session
//! iq, XEP-0199 pings (and pings clients), minimal XEP-0030 disco#info, and XEP-0060
//! subscribe/unsubscribe/retrieve-subscriptions on `pubsub.<domain>`. When a user binds, the
//! guide's automatic subscriptions (`/finesse/api/User/{id}`, `…/Dialogs`, `…/Media`,
//! `/finesse/api/SystemInfo`) are made for the bare JID. [`Service::publish`] delivers an
//! `<Update>` to every subscriber as Finesse does (escaped into `<notification/>`).
//! Subscriptions belong to the service: they persist across reconnections to the same
//! service and are not known to another instance.
//!
//! # Driving it from an HTTP server
//!
//! ```text
//!  POST /http-bind ──► handle_bosh_request(token, body, now) ──► BoshReply::Now  → respond
//!                                                             └─► BoshReply::Held → park a
//!                                                                 oneshot under `token`
//!  after every call:  while let Some(t) = poll_transmit() {
//!                        BoshResponse{token,..} → send on the oneshot of `token`
//!                        BoshAbort{token}       → drop it (close the connection)
//!                        WsFrame{conn,text}     → send on socket `conn`
//!                        WsClose{conn}          → close socket `conn` }
//!  a timer task:      sleep until poll_timeout(), then handle_timeout(now)
//! ```
//!
//! Tokens are chosen by the wrapper (one per HTTP request, never reused); a response may come
//! for a token the wrapper no longer waits for (the client gave up): drop it.

mod store;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use self::store::Store;
use crate::Millis;
use crate::bosh::{self, Body, BodyType, TerminateCondition};
use crate::element::Element;
use crate::features::{self, Features};
use crate::framing;
use crate::jid::Jid;
use crate::ns;
use crate::ping;
use crate::pubsub::{self, Request, Subscription, SubscriptionState};
use crate::rng::Rng;
use crate::sasl::{self, SaslCondition};
use crate::stanza::{self, ErrorType, IqType, StanzaError, StanzaErrorCondition};
use crate::stream::{StreamError, StreamErrorCondition};
use crate::timer::Timers;

/// The nodes the guide subscribes every user to automatically (chapter 6, "Subscription
/// Management"): User, Dialogs, Media and SystemInfo.
pub fn auto_subscription_nodes(user: &str) -> Vec<String> {
    vec![
        format!("/finesse/api/User/{user}"),
        format!("/finesse/api/User/{user}/Dialogs"),
        format!("/finesse/api/User/{user}/Media"),
        "/finesse/api/SystemInfo".to_owned(),
    ]
}

/// What the service asks the simulator: whether credentials are valid, and which nodes a user
/// is subscribed to automatically.
pub trait Authenticator {
    /// Whether `password` is `user`'s (the Finesse user id, the JID's local part).
    fn authenticate(&mut self, user: &str, password: &str) -> bool;

    /// The nodes `user` is subscribed to (with the bare JID) when a session binds; the
    /// guide's four by default.
    fn auto_subscriptions(&self, user: &str) -> Vec<String> {
        auto_subscription_nodes(user)
    }
}

impl<F: FnMut(&str, &str) -> bool> Authenticator for F {
    fn authenticate(&mut self, user: &str, password: &str) -> bool {
        self(user, password)
    }
}

/// BOSH limits the service imposes (XEP-0124 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoshLimits {
    /// Longest `wait` (s) granted; clients asking more get this.
    pub wait_max: u32,
    /// Longest time (s) a session may have no request waiting before it is ended.
    pub inactivity: u32,
    /// Most simultaneous requests a client may make.
    pub requests: u32,
    /// Most requests held at once.
    pub hold: u32,
}

impl Default for BoshLimits {
    fn default() -> Self {
        Self { wait_max: 60, inactivity: 60, requests: 2, hold: 1 }
    }
}

/// The service configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceConfig {
    /// The XMPP domain (`SystemInfo/xmppDomain`).
    pub domain: String,
    /// The pubsub service (`SystemInfo/xmppPubSubDomain`), `pubsub.<domain>` by default.
    pub pubsub_domain: String,
    /// BOSH limits.
    pub bosh: BoshLimits,
    /// Interval (ms) between pings to each bound client; 0 disables.
    pub ping_interval: Millis,
    /// Time (ms) a client has to answer a ping before its session is ended.
    pub ping_timeout: Millis,
    /// Seed for session ids, stream ids, assigned resources and subscription ids.
    pub seed: u64,
    /// Stanzas waiting for a BOSH request before the session is ended (slow or gone client).
    pub max_queued: usize,
    /// Largest request body or frame accepted (bytes).
    pub max_request_bytes: usize,
    /// Largest payload accepted by [`Service::publish`] (bytes).
    pub max_payload_bytes: usize,
}

impl ServiceConfig {
    /// A configuration with defaults: `pubsub.<domain>`, wait 60 s, inactivity 60 s,
    /// requests 2, hold 1, pings every 60 s answered within 90 s (longer than a BOSH client
    /// with `wait` 60 takes to recover a lost response by resending it).
    pub fn new(domain: impl Into<String>) -> Self {
        let domain = domain.into();
        Self {
            pubsub_domain: format!("pubsub.{domain}"),
            domain,
            bosh: BoshLimits::default(),
            ping_interval: 60_000,
            ping_timeout: 90_000,
            seed: 0,
            max_queued: 10_000,
            max_request_bytes: 256 * 1024,
            max_payload_bytes: 4 << 20,
        }
    }
}

/// The answer to a BOSH request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoshReply {
    /// Respond now with this status and body (`Content-Type: text/xml; charset=utf-8`).
    Now {
        /// HTTP status (always 200: errors are `type='terminate'` bodies, XEP-0124 §17).
        status: u16,
        /// The `<body/>`.
        body: String,
    },
    /// The request is held: its response comes later through
    /// [`Service::poll_transmit`] as [`ServerTransmit::BoshResponse`] with the same token.
    Held,
}

/// Work for the wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerTransmit {
    /// The response to the held BOSH request `token`.
    BoshResponse {
        /// The request's token.
        token: u64,
        /// HTTP status.
        status: u16,
        /// The `<body/>`.
        body: String,
    },
    /// Close the HTTP connection of `token` without a response (listener restart).
    BoshAbort {
        /// The request's token.
        token: u64,
    },
    /// Send a text frame on socket `conn`.
    WsFrame {
        /// The socket.
        conn: u64,
        /// The frame.
        text: String,
    },
    /// Close socket `conn`.
    WsClose {
        /// The socket.
        conn: u64,
    },
}

/// Something the simulator may want to know (the engine models forced logout on presence).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceEvent {
    /// A session bound this full JID.
    Bound {
        /// The JID.
        jid: Jid,
    },
    /// A bound session sent presence (initial: available; unavailable on the way out).
    Presence {
        /// The JID.
        jid: Jid,
        /// Available or not.
        available: bool,
    },
    /// A bound session ended (closed, terminated, timed out, replaced or dropped).
    Unbound {
        /// The JID.
        jid: Jid,
    },
}

/// The outcome of a publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishOutcome {
    /// The item id assigned.
    pub item_id: String,
    /// How many sessions it was delivered to.
    pub delivered: usize,
}

/// Why a publication was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublishError {
    /// The node name is empty.
    EmptyNode,
    /// The payload exceeds `max_payload_bytes`.
    TooLarge,
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmptyNode => "empty node name",
            Self::TooLarge => "payload too large",
        })
    }
}

impl std::error::Error for PublishError {}

/// Most service events kept when the wrapper does not drain them (the oldest are dropped).
const MAX_EVENTS: usize = 4096;
/// Most HTTP connections waiting on one rid (retries of a request still held).
const MAX_TOKENS_PER_RID: usize = 4;
/// Most stanzas in one response body.
const MAX_PAYLOADS_PER_BODY: usize = 64;

type SessionId = u64;

/// The BOSH request being handled: its token, its session once known, and its response if it
/// is given before the call returns.
#[derive(Debug, Clone)]
struct Current {
    token: u64,
    session: Option<SessionId>,
    answer: Option<(u16, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKey {
    /// A held request's `wait` ran out.
    Wait(SessionId, u64),
    /// No request held for `inactivity`.
    Inactivity(SessionId),
    /// Time to ping the client.
    Ping(SessionId),
    /// The ping was not answered.
    PingTimeout(SessionId),
}

#[derive(Debug)]
struct Held {
    rid: u64,
    tokens: Vec<u64>,
}

#[derive(Debug)]
struct BoshSession {
    sid: String,
    wait: u32,
    hold: u32,
    requests: u32,
    /// The rid expected next.
    next_rid: u64,
    held: VecDeque<Held>,
    /// Requests that arrived ahead of a missing rid.
    early: BTreeMap<u64, (Vec<u64>, Body)>,
    queue: VecDeque<Element>,
    /// The last responses, for requests sent again (XEP-0124 §14.3).
    cache: VecDeque<(u64, String)>,
}

#[derive(Debug)]
enum Transport {
    Bosh(BoshSession),
    Ws { conn: u64, open: bool },
}

#[derive(Debug)]
struct Session {
    transport: Transport,
    user: Option<String>,
    jid: Option<Jid>,
    available: bool,
    ping_id: Option<String>,
    stream_id: String,
}

/// How a session ends.
#[derive(Debug, Clone)]
enum End {
    /// Cleanly, as the client asked (terminate body or `<close/>`).
    Closed,
    /// With a BOSH terminal condition (and, over WebSocket, the matching stream error).
    Terminate(TerminateCondition),
    /// With a stream error.
    StreamError(StreamErrorCondition),
    /// Abruptly: connections dropped without a word.
    Abort,
}

/// The notification service core. See the [module documentation](self).
pub struct Service<A: Authenticator> {
    cfg: ServiceConfig,
    auth: A,
    rng: Rng,
    now: Millis,
    sessions: BTreeMap<SessionId, Session>,
    next_session: SessionId,
    sids: BTreeMap<String, SessionId>,
    conns: BTreeMap<u64, SessionId>,
    jids: BTreeMap<Jid, SessionId>,
    by_bare: BTreeMap<Jid, BTreeSet<SessionId>>,
    store: Store,
    timers: Timers<TimerKey>,
    transmits: VecDeque<ServerTransmit>,
    stalled: VecDeque<ServerTransmit>,
    events: VecDeque<ServiceEvent>,
    paused: bool,
    service_available: bool,
    counter: u64,
    /// The BOSH request being handled, if any.
    current: Option<Current>,
    /// The session whose request payloads are being handled: answers wait for all of them.
    batching: Option<SessionId>,
}

impl<A: Authenticator> fmt::Debug for Service<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("domain", &self.cfg.domain)
            .field("sessions", &self.sessions.len())
            .field("nodes", &self.store.node_count())
            .field("paused", &self.paused)
            .finish_non_exhaustive()
    }
}

impl<A: Authenticator> Service<A> {
    /// A service with no session, the `finesse` service user available.
    pub fn new(mut config: ServiceConfig, auth: A, now: Millis) -> Self {
        config.domain = config.domain.to_ascii_lowercase();
        config.pubsub_domain = config.pubsub_domain.to_ascii_lowercase();
        let rng = Rng::new(config.seed);
        Self {
            cfg: config,
            auth,
            rng,
            now,
            sessions: BTreeMap::new(),
            next_session: 1,
            sids: BTreeMap::new(),
            conns: BTreeMap::new(),
            jids: BTreeMap::new(),
            by_bare: BTreeMap::new(),
            store: Store::default(),
            timers: Timers::default(),
            transmits: VecDeque::new(),
            stalled: VecDeque::new(),
            events: VecDeque::new(),
            paused: false,
            service_available: true,
            counter: 0,
            current: None,
            batching: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ServiceConfig {
        &self.cfg
    }

    /// The authenticator (to change the simulator's users).
    pub fn authenticator_mut(&mut self) -> &mut A {
        &mut self.auth
    }

    /// Number of live sessions (bound or not).
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The full JIDs bound now.
    pub fn bound_jids(&self) -> Vec<Jid> {
        self.jids.keys().cloned().collect()
    }

    /// The JIDs subscribed to `node` (bare for automatic subscriptions, full for explicit).
    pub fn subscribers(&self, node: &str) -> Vec<Jid> {
        self.store.subscribers(node).iter().map(|s| s.jid.clone()).collect()
    }

    /// Whether `node` exists.
    pub fn has_node(&self, node: &str) -> bool {
        self.store.has_node(node)
    }

    /// Creates `node` if it does not exist (nodes also come into existence when published to
    /// or subscribed automatically). Subscribing to a node that does not exist fails with
    /// `item-not-found`.
    pub fn ensure_node(&mut self, node: &str) {
        if !node.is_empty() {
            self.store.ensure_node(node);
        }
    }

    /// Publishes `payload_xml` (a serialized `<Update>`) on `node`, creating the node if needed,
    /// and delivers it to every subscriber's sessions, once per session.
    pub fn publish(
        &mut self,
        node: &str,
        payload_xml: &str,
        now: Millis,
    ) -> Result<PublishOutcome, PublishError> {
        self.advance(now);
        if node.is_empty() {
            return Err(PublishError::EmptyNode);
        }
        if payload_xml.len() > self.cfg.max_payload_bytes {
            return Err(PublishError::TooLarge);
        }
        self.store.ensure_node(node);
        self.counter += 1;
        let item_id = format!("{:x}-{}", self.cfg.seed & 0xFFFF, self.counter);
        let mut targets = BTreeSet::new();
        for sub in self.store.subscribers(node) {
            if sub.jid.resource.is_some() {
                targets.extend(self.jids.get(&sub.jid).copied());
            } else if let Some(set) = self.by_bare.get(&sub.jid) {
                targets.extend(set.iter().copied());
            }
        }
        let mut delivered = 0;
        for id in targets {
            let Some(to) = self.sessions.get(&id).and_then(|s| s.jid.clone()) else { continue };
            let msg_id = format!("{node}__{to}__{}", self.counter);
            let msg = pubsub::event_message(
                &self.cfg.pubsub_domain,
                &to.to_string(),
                &msg_id,
                node,
                &item_id,
                payload_xml,
            );
            self.deliver(id, msg);
            delivered += 1;
        }
        Ok(PublishOutcome { item_id, delivered })
    }

    /// Sets the presence of the `finesse` service user and broadcasts it to every session that
    /// sent initial presence (the simulator's fault injection takes it away and gives it back;
    /// guide chapter 7).
    pub fn set_service_presence(&mut self, available: bool, now: Millis) {
        self.advance(now);
        if self.service_available == available {
            return;
        }
        self.service_available = available;
        let ids: Vec<SessionId> =
            self.sessions.iter().filter(|(_, s)| s.available).map(|(id, _)| *id).collect();
        for id in ids {
            let p = self.service_presence_for(id);
            self.deliver(id, p);
        }
    }

    /// Whether the `finesse` service user is available.
    pub fn service_presence(&self) -> bool {
        self.service_available
    }

    /// Holds every response and frame while `paused` (the service stalls; inputs are still
    /// accepted), and releases them, in order, when unpaused.
    pub fn set_paused(&mut self, paused: bool, now: Millis) {
        self.advance(now);
        self.paused = paused;
        if !paused {
            self.transmits.append(&mut self.stalled);
        }
    }

    /// Drops every session at once, as a listener restart does: held BOSH requests are
    /// aborted and sockets closed without a word. Subscriptions persist (guide chapter 6:
    /// they survive a Notification Service restart).
    pub fn drop_all_sessions(&mut self, now: Millis) {
        self.advance(now);
        let ids: Vec<SessionId> = self.sessions.keys().copied().collect();
        for id in ids {
            self.end_session(id, End::Abort);
        }
    }

    /// Ends every session cleanly with `system-shutdown` (a graceful stop).
    pub fn terminate_all_sessions(&mut self, now: Millis) {
        self.advance(now);
        let ids: Vec<SessionId> = self.sessions.keys().copied().collect();
        for id in ids {
            self.end_session(id, End::Terminate(TerminateCondition::SystemShutdown));
        }
    }

    /// Forgets every subscription, automatic and explicit (a service that lost its database);
    /// automatic ones come back when users bind again.
    pub fn clear_subscriptions(&mut self) {
        self.store.clear_subscriptions();
    }

    /// Ends the subscription of `jid` to `node` and tells the subscriber (a subscription
    /// state notification with `subscription='none'`).
    pub fn revoke_subscription(&mut self, node: &str, jid: &Jid, now: Millis) -> bool {
        self.advance(now);
        if !self.store.unsubscribe(node, jid, None) {
            return false;
        }
        let gone = Subscription {
            node: node.to_owned(),
            jid: Some(jid.clone()),
            subid: None,
            state: SubscriptionState::Unsubscribed,
        };
        if let Some(&id) = self.jids.get(jid) {
            let msg =
                pubsub::subscription_message(&self.cfg.pubsub_domain, &jid.to_string(), &gone);
            self.deliver(id, msg);
        }
        true
    }

    /// Handles one BOSH HTTP request (`token` chosen by the wrapper, unique per request).
    pub fn handle_bosh_request(&mut self, token: u64, body: &str, now: Millis) -> BoshReply {
        self.advance(now);
        self.current = Some(Current { token, session: None, answer: None });
        self.bosh_request(token, body);
        let answered = self.current.take().and_then(|c| c.answer);
        match answered {
            Some((status, body)) if !self.paused => BoshReply::Now { status, body },
            Some((status, body)) => {
                self.stalled.push_back(ServerTransmit::BoshResponse { token, status, body });
                BoshReply::Held
            }
            None => BoshReply::Held,
        }
    }

    /// A WebSocket connection `conn` (chosen by the wrapper) was opened.
    pub fn ws_open(&mut self, conn: u64, now: Millis) {
        self.advance(now);
        if self.conns.contains_key(&conn) {
            return;
        }
        let id = self.new_session(Transport::Ws { conn, open: false });
        self.conns.insert(conn, id);
    }

    /// A text frame arrived on `conn`.
    pub fn ws_frame(&mut self, conn: u64, text: &str, now: Millis) {
        self.advance(now);
        let Some(&id) = self.conns.get(&conn) else { return };
        if text.len() > self.cfg.max_request_bytes {
            return self.end_session(id, End::StreamError(StreamErrorCondition::PolicyViolation));
        }
        let Ok(el) = framing::parse_frame(text) else {
            return self.end_session(id, End::StreamError(StreamErrorCondition::NotWellFormed));
        };
        if el.is("open", ns::FRAMING) {
            if el.get_attr("to").map(str::to_ascii_lowercase).as_deref()
                != Some(self.cfg.domain.as_str())
            {
                return self.end_session(id, End::StreamError(StreamErrorCondition::HostUnknown));
            }
            let Some(session) = self.sessions.get_mut(&id) else { return };
            if let Transport::Ws { open, .. } = &mut session.transport {
                *open = true;
            }
            session.stream_id = self.rng.base36(12);
            let reply = framing::open_reply(&self.cfg.domain, &session.stream_id);
            let features = if session.user.is_some() {
                Features::after_auth()
            } else {
                Features::before_auth()
            };
            self.deliver(id, reply);
            self.deliver(id, features);
            return;
        }
        if el.is("close", ns::FRAMING) {
            return self.end_session(id, End::Closed);
        }
        let open = matches!(
            self.sessions.get(&id).map(|s| &s.transport),
            Some(Transport::Ws { open: true, .. })
        );
        if !open {
            return self.end_session(id, End::StreamError(StreamErrorCondition::NotAuthorized));
        }
        self.handle_element(id, el);
    }

    /// `conn` closed (by the peer or the network).
    pub fn ws_closed(&mut self, conn: u64, now: Millis) {
        self.advance(now);
        if let Some(&id) = self.conns.get(&conn) {
            if let Some(Session { transport: Transport::Ws { open, .. }, .. }) =
                self.sessions.get_mut(&id)
            {
                *open = false;
            }
            self.remove_session(id);
        }
    }

    /// Lets time pass: held requests whose `wait` ran out are answered, inactive sessions end,
    /// clients are pinged.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.advance(now);
        for key in self.timers.take_expired(self.now) {
            match key {
                TimerKey::Wait(id, rid) => self.wait_expired(id, rid),
                TimerKey::Inactivity(id) => {
                    self.end_session(id, End::Terminate(TerminateCondition::ItemNotFound))
                }
                TimerKey::Ping(id) => self.send_ping(id),
                TimerKey::PingTimeout(id) => {
                    self.end_session(id, End::StreamError(StreamErrorCondition::ConnectionTimeout));
                }
            }
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.timers.next()
    }

    /// The next response, frame or close for the wrapper.
    pub fn poll_transmit(&mut self) -> Option<ServerTransmit> {
        self.transmits.pop_front()
    }

    /// The next session event.
    pub fn poll_event(&mut self) -> Option<ServiceEvent> {
        self.events.pop_front()
    }

    // ----- internals -----

    fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    fn emit(&mut self, event: ServiceEvent) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    fn transmit(&mut self, t: ServerTransmit) {
        if let (Some(current), ServerTransmit::BoshResponse { token, status, body }) =
            (&mut self.current, &t)
            && current.token == *token
            && current.answer.is_none()
        {
            current.answer = Some((*status, body.clone()));
            return;
        }
        if self.paused {
            self.stalled.push_back(t);
        } else {
            self.transmits.push_back(t);
        }
    }

    fn respond(&mut self, tokens: &[u64], body: &str) {
        for &token in tokens {
            self.transmit(ServerTransmit::BoshResponse {
                token,
                status: 200,
                body: body.to_owned(),
            });
        }
    }

    fn terminate_body(condition: Option<&TerminateCondition>, payloads: Vec<Element>) -> String {
        Body {
            kind: BodyType::Terminate,
            condition: condition.cloned(),
            payloads,
            ..Body::default()
        }
        .to_xml()
    }

    fn new_session(&mut self, transport: Transport) -> SessionId {
        let id = self.next_session;
        self.next_session += 1;
        let stream_id = self.rng.base36(12);
        self.sessions.insert(
            id,
            Session {
                transport,
                user: None,
                jid: None,
                available: false,
                ping_id: None,
                stream_id,
            },
        );
        id
    }

    fn bosh_request(&mut self, token: u64, text: &str) {
        let fail = |this: &mut Self, c: TerminateCondition| {
            this.respond(&[token], &Self::terminate_body(Some(&c), Vec::new()))
        };
        if text.len() > self.cfg.max_request_bytes {
            return fail(self, TerminateCondition::PolicyViolation);
        }
        let Ok(body) = Body::parse(text) else { return fail(self, TerminateCondition::BadRequest) };
        // Rids above 2^53 - 1 are not allowed (XEP-0124 §14.1); refusing them keeps the
        // window arithmetic below from overflowing.
        let Some(rid) = body.rid.filter(|r| *r <= bosh::MAX_RID) else {
            return fail(self, TerminateCondition::BadRequest);
        };
        let Some(sid) = body.sid.clone() else {
            return self.create_bosh_session(token, rid, &body);
        };
        let Some(&id) = self.sids.get(&sid) else {
            return fail(self, TerminateCondition::ItemNotFound);
        };
        if let Some(current) = &mut self.current {
            current.session = Some(id);
        }
        let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id) else {
            return;
        };
        if rid < b.next_rid {
            if let Some((_, cached)) = b.cache.iter().find(|(r, _)| *r == rid) {
                let cached = cached.clone();
                return self.respond(&[token], &cached);
            }
            if let Some(held) = b.held.iter_mut().find(|h| h.rid == rid) {
                // The client sent a request again while it is held: answer both connections.
                held.tokens.push(token);
                if held.tokens.len() > MAX_TOKENS_PER_RID {
                    let old = held.tokens.remove(0);
                    self.transmit(ServerTransmit::BoshAbort { token: old });
                }
                return;
            }
            return self.end_session(id, End::Terminate(TerminateCondition::ItemNotFound));
        }
        if rid >= b.next_rid + u64::from(b.requests) {
            // Out of the window (XEP-0124 §14.2).
            return self.end_session(id, End::Terminate(TerminateCondition::ItemNotFound));
        }
        if rid > b.next_rid {
            let entry = b.early.entry(rid).or_insert_with(|| (Vec::new(), body));
            entry.0.push(token);
            if entry.0.len() > MAX_TOKENS_PER_RID {
                let old = entry.0.remove(0);
                self.transmit(ServerTransmit::BoshAbort { token: old });
            }
            return;
        }
        self.process_bosh(id, rid, vec![token], body);
        // Requests that were waiting for this one.
        loop {
            let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id)
            else {
                return;
            };
            let next = b.next_rid;
            let Some((tokens, body)) = b.early.remove(&next) else { return };
            self.process_bosh(id, next, tokens, body);
        }
    }

    fn create_bosh_session(&mut self, token: u64, rid: u64, body: &Body) {
        let condition = match body.to.as_deref().map(str::to_ascii_lowercase) {
            None => Some(TerminateCondition::ImproperAddressing),
            Some(to) if to != self.cfg.domain => Some(TerminateCondition::HostUnknown),
            Some(_) => None,
        };
        if let Some(c) = condition {
            return self.respond(&[token], &Self::terminate_body(Some(&c), Vec::new()));
        }
        let limits = self.cfg.bosh;
        let wait = body.wait.unwrap_or(limits.wait_max).clamp(1, limits.wait_max.max(1));
        let hold = body.hold.unwrap_or(1).min(limits.hold);
        let requests = limits.requests.max(hold.saturating_add(1)).min(16);
        let sid = self.rng.base36(20);
        let id = self.new_session(Transport::Bosh(BoshSession {
            sid: sid.clone(),
            wait,
            hold,
            requests,
            next_rid: rid.saturating_add(1),
            held: VecDeque::new(),
            early: BTreeMap::new(),
            queue: VecDeque::new(),
            cache: VecDeque::new(),
        }));
        self.sids.insert(sid.clone(), id);
        let stream_id = self.sessions.get(&id).map(|s| s.stream_id.clone()).unwrap_or_default();
        let response = Body {
            sid: Some(sid),
            from: Some(self.cfg.domain.clone()),
            wait: Some(wait),
            hold: Some(hold),
            requests: Some(requests),
            inactivity: Some(limits.inactivity),
            polling: Some(2),
            ver: Some(bosh::VERSION.to_owned()),
            xmpp_version: Some(bosh::XMPP_VERSION.to_owned()),
            other: vec![
                ("xmpp:restartlogic".to_owned(), "true".to_owned()),
                ("authid".to_owned(), stream_id),
            ],
            payloads: vec![Features::before_auth()],
            ..Body::default()
        }
        .to_xml();
        self.cache_response(id, rid, &response);
        self.respond(&[token], &response);
        self.timers.set(
            TimerKey::Inactivity(id),
            self.now.saturating_add(Millis::from(limits.inactivity) * 1000),
        );
    }

    fn cache_response(&mut self, id: SessionId, rid: u64, response: &str) {
        if let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id) {
            b.cache.push_back((rid, response.to_owned()));
            while b.cache.len() > b.requests as usize {
                b.cache.pop_front();
            }
        }
    }

    fn process_bosh(&mut self, id: SessionId, rid: u64, tokens: Vec<u64>, body: Body) {
        let Some(session) = self.sessions.get_mut(&id) else { return };
        let authenticated = session.user.is_some();
        let Transport::Bosh(b) = &mut session.transport else { return };
        b.next_rid = rid + 1;
        let wait = b.wait;
        if body.restart && authenticated {
            // The features answer the restart request itself: older held requests go first.
            self.flush(id, Some(rid.saturating_sub(1)));
        }
        // Held from now on, so that however the payloads end the session, it is answered.
        let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id) else {
            return;
        };
        b.held.push_back(Held { rid, tokens });
        self.timers
            .set(TimerKey::Wait(id, rid), self.now.saturating_add(Millis::from(wait) * 1000));
        self.timers.cancel(TimerKey::Inactivity(id));
        if body.restart && !authenticated {
            return self.end_session(id, End::Terminate(TerminateCondition::BadRequest));
        }
        let mut answer_through = None;
        if body.restart {
            self.deliver_quietly(id, Features::after_auth());
            answer_through = Some(rid);
        }
        // The answers to all payloads travel together.
        self.batching = Some(id);
        for p in body.payloads {
            self.handle_element(id, p);
        }
        self.batching = None;
        if body.kind == BodyType::Terminate {
            return self.end_session(id, End::Closed);
        }
        self.flush(id, answer_through);
    }

    /// Answers held requests: the oldest ones beyond `hold`, one with whatever is queued, and
    /// every one up to `through`.
    fn flush(&mut self, id: SessionId, through: Option<u64>) {
        loop {
            let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id)
            else {
                return;
            };
            let Some(oldest) = b.held.front() else { break };
            let must = b.held.len() > b.hold as usize
                || !b.queue.is_empty()
                || through.is_some_and(|r| oldest.rid <= r);
            if !must {
                break;
            }
            let Some(held) = b.held.pop_front() else { break };
            let n = b.queue.len().min(MAX_PAYLOADS_PER_BODY);
            let payloads: Vec<Element> = b.queue.drain(..n).collect();
            let body = Body { payloads, ..Body::default() }.to_xml();
            self.timers.cancel(TimerKey::Wait(id, held.rid));
            self.cache_response(id, held.rid, &body);
            self.respond(&held.tokens, &body);
        }
        if let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get(&id)
            && b.held.is_empty()
            && self.timers.get(TimerKey::Inactivity(id)).is_none()
        {
            let inactivity = Millis::from(self.cfg.bosh.inactivity) * 1000;
            self.timers.set(TimerKey::Inactivity(id), self.now.saturating_add(inactivity));
        }
    }

    fn wait_expired(&mut self, id: SessionId, rid: u64) {
        let Some(Session { transport: Transport::Bosh(b), .. }) = self.sessions.get_mut(&id) else {
            return;
        };
        if b.held.iter().any(|h| h.rid == rid) {
            self.flush(id, Some(rid));
        }
    }

    /// Queues an element for a session without flushing (BOSH) or sends it (WebSocket).
    fn deliver_quietly(&mut self, id: SessionId, el: Element) {
        let max = self.cfg.max_queued;
        let Some(session) = self.sessions.get_mut(&id) else { return };
        match &mut session.transport {
            Transport::Bosh(b) => {
                b.queue.push_back(el);
                if b.queue.len() > max {
                    self.end_session(id, End::Terminate(TerminateCondition::PolicyViolation));
                }
            }
            Transport::Ws { conn, .. } => {
                let conn = *conn;
                self.transmit(ServerTransmit::WsFrame { conn, text: el.to_string() });
            }
        }
    }

    /// Sends an element to a session now (or as soon as a BOSH request allows).
    fn deliver(&mut self, id: SessionId, el: Element) {
        self.deliver_quietly(id, el);
        if self.batching != Some(id) {
            self.flush(id, None);
        }
    }

    /// Handles one element from a client (BOSH payload or WebSocket frame).
    fn handle_element(&mut self, id: SessionId, el: Element) {
        let Some(session) = self.sessions.get(&id) else { return };
        if session.user.is_none() {
            if el.is("auth", ns::SASL) {
                return self.handle_auth(id, &el);
            }
            return self.end_session(id, End::StreamError(StreamErrorCondition::NotAuthorized));
        }
        if stanza::is_stanza(&el, "iq") {
            self.handle_iq(id, &el);
        } else if stanza::is_stanza(&el, "presence") {
            self.handle_presence(id, &el);
        }
        // Messages and anything else: nothing to route them to here; ignored.
    }

    fn handle_auth(&mut self, id: SessionId, el: &Element) {
        let outcome = match sasl::parse_plain_auth(el) {
            Err(condition) => Err(condition),
            Ok(creds) => {
                let user = match Jid::parse(&creds.authcid) {
                    Some(j) if !j.local.is_empty() && j.domain == self.cfg.domain => j.local,
                    _ if !creds.authcid.contains('@') => creds.authcid.clone(),
                    _ => String::new(),
                };
                if !user.is_empty() && self.auth.authenticate(&user, &creds.password) {
                    Ok(user)
                } else {
                    Err(SaslCondition::NotAuthorized)
                }
            }
        };
        match outcome {
            Ok(user) => {
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.user = Some(user);
                }
                // The client restarts the stream next (BOSH `xmpp:restart`, WebSocket `<open/>`).
                self.deliver(id, sasl::success());
            }
            Err(condition) => self.deliver(id, sasl::failure(&condition)),
        }
    }

    fn reply(&mut self, id: SessionId, el: Element) {
        self.deliver(id, el);
    }

    fn error(
        &mut self,
        id: SessionId,
        iq: &Element,
        from: &str,
        t: ErrorType,
        c: StanzaErrorCondition,
        pubsub: Option<&str>,
    ) {
        let mut err = StanzaError::new(t, c);
        if let Some(p) = pubsub {
            err = err.with_pubsub(p);
        }
        let reply = stanza::iq_error(iq, Some(from), &err);
        self.reply(id, reply);
    }

    fn handle_iq(&mut self, id: SessionId, iq: &Element) {
        let Some(kind) = IqType::of(iq) else { return };
        let to = iq.get_attr("to").map(str::to_ascii_lowercase);
        let domain = self.cfg.domain.clone();
        if matches!(kind, IqType::Result | IqType::Error) {
            let Some(session) = self.sessions.get_mut(&id) else { return };
            if session.ping_id.is_some() && session.ping_id.as_deref() == iq.get_attr("id") {
                session.ping_id = None;
                self.timers.cancel(TimerKey::PingTimeout(id));
            }
            return;
        }
        if to.as_deref() == Some(self.cfg.pubsub_domain.as_str()) {
            return self.handle_pubsub(id, iq);
        }
        let own_bare =
            self.sessions.get(&id).and_then(|s| s.jid.as_ref()).map(|j| j.to_bare().to_string());
        let for_server = match &to {
            None => true,
            Some(t) => *t == domain || Some(t) == own_bare.as_ref(),
        };
        if !for_server {
            // No routing between users in this service.
            return self.error(
                id,
                iq,
                &domain,
                ErrorType::Cancel,
                StanzaErrorCondition::ServiceUnavailable,
                None,
            );
        }
        if let Some(resource) = features::parse_bind_request(iq) {
            return self.bind(id, iq, resource);
        }
        if kind == IqType::Set && iq.get_child("session", ns::SESSION).is_some() {
            let reply = stanza::iq_result(iq, Some(&domain));
            return self.reply(id, reply);
        }
        if ping::is_ping(iq) {
            let reply = stanza::iq_result(iq, Some(&domain));
            return self.reply(id, reply);
        }
        if kind == IqType::Get && iq.get_child("query", ns::DISCO_INFO).is_some() {
            return self.disco(id, iq, &domain, "server", "im", &[ns::DISCO_INFO, ns::PING]);
        }
        self.error(
            id,
            iq,
            &domain,
            ErrorType::Cancel,
            StanzaErrorCondition::ServiceUnavailable,
            None,
        );
    }

    fn disco(
        &mut self,
        id: SessionId,
        iq: &Element,
        from: &str,
        category: &str,
        kind: &str,
        features: &[&str],
    ) {
        let mut query = Element::new("query", ns::DISCO_INFO).child(
            Element::new("identity", ns::DISCO_INFO).attr("category", category).attr("type", kind),
        );
        for f in features {
            query = query.child(Element::new("feature", ns::DISCO_INFO).attr("var", *f));
        }
        if let Some(node) = iq.get_child("query", ns::DISCO_INFO).and_then(|q| q.get_attr("node")) {
            query.set_attr("node", node);
        }
        let reply = stanza::iq_result(iq, Some(from)).child(query);
        self.reply(id, reply);
    }

    fn bind(&mut self, id: SessionId, iq: &Element, resource: Option<String>) {
        let domain = self.cfg.domain.clone();
        let Some(session) = self.sessions.get(&id) else { return };
        let Some(user) = session.user.clone() else { return };
        if session.jid.is_some() {
            return self.error(
                id,
                iq,
                &domain,
                ErrorType::Cancel,
                StanzaErrorCondition::NotAllowed,
                None,
            );
        }
        let resource = match resource {
            Some(r)
                if crate::client::check_resource(&r).is_ok()
                    || r.eq_ignore_ascii_case("desktop") =>
            {
                r
            }
            Some(_) => {
                return self.error(
                    id,
                    iq,
                    &domain,
                    ErrorType::Modify,
                    StanzaErrorCondition::BadRequest,
                    None,
                );
            }
            None => format!("r-{}", self.rng.base36(10)),
        };
        let jid = Jid::bare(&user, &domain).with_resource(&resource);
        if let Some(&old) = self.jids.get(&jid)
            && old != id
        {
            self.end_session(old, End::StreamError(StreamErrorCondition::Conflict));
        }
        if let Some(session) = self.sessions.get_mut(&id) {
            session.jid = Some(jid.clone());
        }
        self.jids.insert(jid.clone(), id);
        self.by_bare.entry(jid.to_bare()).or_default().insert(id);
        let bare = jid.to_bare();
        for node in self.auth.auto_subscriptions(&user) {
            self.store.ensure_node(&node);
            let subid = self.rng.base36(16);
            self.store.subscribe(&node, &bare, || subid);
        }
        let reply = features::bind_result(iq, &jid);
        self.reply(id, reply);
        self.emit(ServiceEvent::Bound { jid });
        if self.cfg.ping_interval > 0 {
            self.timers.set(TimerKey::Ping(id), self.now.saturating_add(self.cfg.ping_interval));
        }
    }

    fn handle_presence(&mut self, id: SessionId, el: &Element) {
        if el.get_attr("to").is_some() {
            return; // Directed presence: no rosters here.
        }
        let available = match el.get_attr("type") {
            None => true,
            Some("unavailable") => false,
            Some(_) => return,
        };
        let Some(session) = self.sessions.get_mut(&id) else { return };
        let Some(jid) = session.jid.clone() else { return };
        let was = session.available;
        session.available = available;
        if available && !was {
            let p = self.service_presence_for(id);
            self.deliver(id, p);
        }
        if available != was {
            self.emit(ServiceEvent::Presence { jid, available });
        }
    }

    fn service_presence_for(&self, _id: SessionId) -> Element {
        let from = Jid::bare("finesse", &self.cfg.domain).to_string();
        let p = stanza::presence(if self.service_available { None } else { Some("unavailable") });
        p.attr("from", from)
    }

    fn handle_pubsub(&mut self, id: SessionId, iq: &Element) {
        let service = self.cfg.pubsub_domain.clone();
        let Some(own) = self.sessions.get(&id).and_then(|s| s.jid.clone()) else {
            return self.error(
                id,
                iq,
                &service,
                ErrorType::Auth,
                StanzaErrorCondition::NotAuthorized,
                None,
            );
        };
        let Some(request) = pubsub::parse_request(iq) else {
            if IqType::of(iq) == Some(IqType::Get)
                && iq.get_child("query", ns::DISCO_INFO).is_some()
            {
                let node = iq
                    .get_child("query", ns::DISCO_INFO)
                    .and_then(|q| q.get_attr("node"))
                    .map(str::to_owned);
                return match node {
                    Some(n) if !self.store.has_node(&n) => self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Cancel,
                        StanzaErrorCondition::ItemNotFound,
                        None,
                    ),
                    Some(_) => self.disco(id, iq, &service, "pubsub", "leaf", &[ns::PUBSUB]),
                    None => self.disco(
                        id,
                        iq,
                        &service,
                        "pubsub",
                        "service",
                        &[ns::DISCO_INFO, ns::PUBSUB],
                    ),
                };
            }
            return self.error(
                id,
                iq,
                &service,
                ErrorType::Cancel,
                StanzaErrorCondition::ServiceUnavailable,
                None,
            );
        };
        match request {
            Request::Subscribe { node, jid } => {
                let Some(jid) = Jid::parse(&jid).filter(|j| j.to_bare() == own.to_bare()) else {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Modify,
                        StanzaErrorCondition::BadRequest,
                        Some("invalid-jid"),
                    );
                };
                if !self.store.has_node(&node) {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Cancel,
                        StanzaErrorCondition::ItemNotFound,
                        None,
                    );
                }
                let subid = self.rng.base36(16);
                let Some(sub) = self.store.subscribe(&node, &jid, || subid) else { return };
                let s = Subscription {
                    node,
                    jid: Some(jid),
                    subid: Some(sub.subid),
                    state: SubscriptionState::Subscribed,
                };
                let reply = pubsub::subscribe_result(iq, &service, &s);
                self.reply(id, reply);
            }
            Request::Unsubscribe { node, jid, subid } => {
                let Some(jid) = Jid::parse(&jid) else {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Modify,
                        StanzaErrorCondition::BadRequest,
                        Some("invalid-jid"),
                    );
                };
                if jid.to_bare() != own.to_bare() {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Auth,
                        StanzaErrorCondition::Forbidden,
                        None,
                    );
                }
                if !self.store.has_node(&node) {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Cancel,
                        StanzaErrorCondition::ItemNotFound,
                        None,
                    );
                }
                if self
                    .store
                    .find(&node, &jid)
                    .is_some_and(|s| subid.as_deref().is_some_and(|id| id != s.subid))
                {
                    return self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Modify,
                        StanzaErrorCondition::NotAcceptable,
                        Some("invalid-subid"),
                    );
                }
                if self.store.unsubscribe(&node, &jid, None) {
                    let reply = stanza::iq_result(iq, Some(&service));
                    self.reply(id, reply);
                } else {
                    self.error(
                        id,
                        iq,
                        &service,
                        ErrorType::Cancel,
                        StanzaErrorCondition::UnexpectedRequest,
                        Some("not-subscribed"),
                    );
                }
            }
            Request::Subscriptions { node } => {
                let list: Vec<Subscription> = self
                    .store
                    .of_user(&own.to_bare())
                    .into_iter()
                    .filter(|(n, _)| node.as_ref().is_none_or(|want| want == n))
                    .map(|(n, s)| Subscription {
                        node: n,
                        jid: Some(s.jid),
                        subid: Some(s.subid),
                        state: SubscriptionState::Subscribed,
                    })
                    .collect();
                let reply = pubsub::subscriptions_result(iq, &service, &list);
                self.reply(id, reply);
            }
            Request::Malformed => {
                self.error(
                    id,
                    iq,
                    &service,
                    ErrorType::Modify,
                    StanzaErrorCondition::BadRequest,
                    None,
                );
            }
            _ => self.error(
                id,
                iq,
                &service,
                ErrorType::Cancel,
                StanzaErrorCondition::FeatureNotImplemented,
                None,
            ),
        }
    }

    fn send_ping(&mut self, id: SessionId) {
        let domain = self.cfg.domain.clone();
        let Some(session) = self.sessions.get_mut(&id) else { return };
        let Some(jid) = session.jid.clone() else { return };
        self.counter += 1;
        let ping_id = format!("s2c-{}", self.counter);
        session.ping_id = Some(ping_id.clone());
        let ping = ping::ping_iq(&ping_id, Some(&jid.to_string())).attr("from", domain);
        self.deliver(id, ping);
        self.timers.set(TimerKey::PingTimeout(id), self.now.saturating_add(self.cfg.ping_timeout));
        self.timers.set(TimerKey::Ping(id), self.now.saturating_add(self.cfg.ping_interval.max(1)));
    }

    /// Ends a session, telling the client as `end` says.
    fn end_session(&mut self, id: SessionId, end: End) {
        let Some(session) = self.sessions.get_mut(&id) else { return };
        match &mut session.transport {
            Transport::Bosh(b) => {
                let mut held: Vec<Held> = b.held.drain(..).collect();
                held.extend(
                    std::mem::take(&mut b.early)
                        .into_iter()
                        .map(|(rid, (tokens, _))| Held { rid, tokens }),
                );
                let queued: Vec<Element> = b.queue.drain(..).collect();
                let body = match &end {
                    End::Abort => None,
                    End::Closed => Some(Self::terminate_body(None, queued)),
                    End::Terminate(c) => Some(Self::terminate_body(Some(c), queued)),
                    End::StreamError(c) => {
                        let mut payloads = queued;
                        payloads.push(StreamError::new(c.clone()).to_element());
                        Some(Self::terminate_body(
                            Some(&TerminateCondition::RemoteStreamError),
                            payloads,
                        ))
                    }
                };
                for h in held {
                    match &body {
                        Some(body) => self.respond(&h.tokens, body),
                        None => {
                            for token in h.tokens {
                                self.transmit(ServerTransmit::BoshAbort { token });
                            }
                        }
                    }
                }
                // The request of this session being handled now, not held yet, gets the same
                // answer.
                let pending =
                    self.current.as_ref().filter(|c| c.session == Some(id) && c.answer.is_none());
                if let (Some(token), Some(body)) = (pending.map(|c| c.token), &body) {
                    self.respond(&[token], body);
                }
            }
            Transport::Ws { conn, .. } => {
                let conn = *conn;
                match &end {
                    End::Abort => {}
                    End::Closed => self.transmit(ServerTransmit::WsFrame {
                        conn,
                        text: framing::close().to_string(),
                    }),
                    End::Terminate(c) => {
                        let condition = match c {
                            TerminateCondition::SystemShutdown => {
                                StreamErrorCondition::SystemShutdown
                            }
                            TerminateCondition::PolicyViolation => {
                                StreamErrorCondition::PolicyViolation
                            }
                            _ => StreamErrorCondition::UndefinedCondition,
                        };
                        self.transmit(ServerTransmit::WsFrame {
                            conn,
                            text: StreamError::new(condition).to_element().to_string(),
                        });
                        self.transmit(ServerTransmit::WsFrame {
                            conn,
                            text: framing::close().to_string(),
                        });
                    }
                    End::StreamError(c) => {
                        self.transmit(ServerTransmit::WsFrame {
                            conn,
                            text: StreamError::new(c.clone()).to_element().to_string(),
                        });
                        self.transmit(ServerTransmit::WsFrame {
                            conn,
                            text: framing::close().to_string(),
                        });
                    }
                }
                self.transmit(ServerTransmit::WsClose { conn });
            }
        }
        self.remove_session(id);
    }

    /// Forgets a session (its subscriptions stay with the service).
    fn remove_session(&mut self, id: SessionId) {
        let Some(session) = self.sessions.remove(&id) else { return };
        match &session.transport {
            Transport::Bosh(b) => {
                self.sids.remove(&b.sid);
            }
            Transport::Ws { conn, .. } => {
                self.conns.remove(conn);
            }
        }
        self.timers.cancel_where(|k| match k {
            TimerKey::Wait(s, _)
            | TimerKey::Inactivity(s)
            | TimerKey::Ping(s)
            | TimerKey::PingTimeout(s) => *s == id,
        });
        if let Some(jid) = session.jid {
            if self.jids.get(&jid) == Some(&id) {
                self.jids.remove(&jid);
            }
            let bare = jid.to_bare();
            if let Some(set) = self.by_bare.get_mut(&bare) {
                set.remove(&id);
                if set.is_empty() {
                    self.by_bare.remove(&bare);
                }
            }
            if session.available {
                self.emit(ServiceEvent::Presence { jid: jid.clone(), available: false });
            }
            self.emit(ServiceEvent::Unbound { jid });
        }
    }
}

#[cfg(test)]
mod tests;
