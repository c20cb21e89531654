//! The Finesse desktop **master** (developer guide chapter 8; `finesse.js` 10.5.1
//! `MasterPublisher`, §7 of `OPENSOCIAL.md`) as a sans-IO state machine: it holds no
//! connection, clock or hub of its own. The driver feeds it what gadgets publish on
//! `finesse.info.requests` ([`handle_request`](Master::handle_request)), what the XMPP client
//! core reports ([`handle_client_event`](Master::handle_client_event)), failed client
//! commands ([`handle_command_error`](Master::handle_command_error)) and the passing of time
//! ([`handle_timeout`](Master::handle_timeout)); it answers through
//! [`poll_publish`](Master::poll_publish) (what to publish on the hub),
//! [`poll_command`](Master::poll_command) (what to ask of the XMPP client) and
//! [`poll_timeout`](Master::poll_timeout) (when to call `handle_timeout`).
//!
//! What it does:
//! - publishes `finesse.info.connection` `{status, resourceID}` on every status change, and
//!   answers `ConnectionInfoReq` there with the cached status plus the request's `invokeID`
//!   (only `{invokeID}` before any status is known);
//! - counts node subscriptions across gadgets (§7.4): the first `SubscribeNodeReq` for a node
//!   sends one XMPP subscribe, requests arriving meanwhile share its result, later ones are
//!   answered at once; `UnsubscribeNodeReq` only counts down until the last subscriber leaves,
//!   which sends one XMPP unsubscribe; a subscribe arriving during that unsubscribe is held and
//!   carried out after it. Answers go to `finesse.info.responses.<invokeID>`: JSON `null` for
//!   success, `{error: …}` when not connected, `{subscribe: {content, object}}` with the XMPP
//!   error stanza when the server refuses. When the status leaves `connected`, every request
//!   still waiting gets `Disconnected`;
//! - republishes every item on `finesse.api.<node>` (topic per [`node_to_topic`]) as
//!   `{content, object}` ([`Notification`]); an item whose XML does not convert, or whose node
//!   makes no valid topic, is not published (as in `finesse.js`) and is counted;
//! - publishes `finesse.containerservices.timerTickEvent` `{dateQueued, tickFrequency}` every
//!   1,000 ms.
//!
//! # Deviations from `finesse.js` 10.5.1
//!
//! Where `finesse.js` loses requests or disagrees with the guide, this master differs:
//! 1. **Malformed requests are answered.** `finesse.js` ignores a request unless `type` is a
//!    string and `data` an object, and ignores unknown types. Here any request that cannot be
//!    carried out (wrong types, unknown `type`, missing or non-string or unusable node) gets
//!    `{error: {errorType: "Invalid request", errorMessage}}` on its response topic when its
//!    `invokeID` names a valid topic; otherwise it is ignored and counted
//!    ([`MasterStats::ignored`]). A node request without an `invokeID` is ignored (`finesse.js`
//!    would answer on `finesse.info.responses.undefined`).
//! 2. **Held requests are always answered.** After a *failed* XMPP unsubscribe, `finesse.js`
//!    never answers the subscribe requests held behind it; here they are carried out like after
//!    a successful one (the client no longer tracks the subscription either way).
//! 3. **Every waiting request is failed once when the connection drops**, the held ones
//!    included, and forgotten (`finesse.js` fails the subscribing and unsubscribing ones, keeps
//!    them, and answers them again if a result comes later). What was asked of the XMPP client
//!    stands: the client puts its subscriptions back after reconnecting, so a subscribe that
//!    completes with nobody waiting any more is undone with an unsubscribe, and counts of
//!    gadgets already answered with success carry over.
//! 4. **`ConnectionReq` connects** when the status is unknown or `disconnected`, as the guide
//!    says (`finesse.js` 10.5.1 refuses it). Its `data` (credentials) is not read: the master
//!    uses the client it drives. There is no answer.
//! 5. A subscription the client reports lost (a renewal refused after reconnecting, a shutdown)
//!    resets that node's count; `unloading` forgets every node (the client drops its
//!    subscriptions when the page unloads).
//! 6. Not produced: `failing`/`recovered` (no failover monitor; the client fails over itself
//!    and reports `reconnecting`) and `finesse.info.presence` (the client core reports only
//!    whether the Finesse service is available, not presence stanzas).

use std::collections::VecDeque;

use finesse_xmpp::vecmap::VecMap;

use finesse_xmpp::Millis;
use finesse_xmpp::client::{CommandError, ConnectionStatus, Event};
use finesse_xmpp::stanza::StanzaError;
use serde_json::Value;

use crate::payload::{
    ConnectionInfo, InvokeId, Notification, Operation, Problem, Request, Response,
    TICK_FREQUENCY_MS, TimerTick,
};
use crate::topic::{ContainerServicesTopic, FinesseTopic, check_publish, node_to_topic};

/// Something to publish on the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    /// The topic (always valid for publishing).
    pub topic: String,
    /// The payload.
    pub payload: Value,
}

/// Something to ask of the XMPP client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Command {
    /// `Client::subscribe(node)`.
    Subscribe(String),
    /// `Client::unsubscribe(node)`.
    Unsubscribe(String),
    /// `Client::connect(now)` (for `ConnectionReq`).
    Connect,
}

/// Counters, for diagnostics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct MasterStats {
    /// Requests handled.
    pub requests: u64,
    /// Requests carried out.
    pub accepted: u64,
    /// Malformed requests answered with an `Invalid request` error.
    pub rejected: u64,
    /// Malformed requests that could not be answered (no usable `invokeID`).
    pub ignored: u64,
    /// Items republished.
    pub items_published: u64,
    /// Items not published (XML that does not convert, or a node that makes no topic).
    pub items_dropped: u64,
    /// Timer ticks published.
    pub ticks: u64,
}

/// What the master has asked of the XMPP client for a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Xmpp {
    /// Nothing: not subscribed.
    Idle,
    /// A subscribe is under way.
    Subscribing,
    /// Subscribed.
    Subscribed,
    /// An unsubscribe is under way.
    Unsubscribing,
}

/// One node's bookkeeping (§7.4), waiting requests by response topic.
#[derive(Debug)]
struct NodeState {
    xmpp: Xmpp,
    /// Gadgets answered with success and not yet gone (a count: the master does not track
    /// which gadget holds which subscription).
    active: usize,
    /// Subscribe requests waiting for the XMPP subscribe.
    subscribing: Vec<String>,
    /// Unsubscribe requests waiting for the XMPP unsubscribe.
    unsubscribing: Vec<String>,
    /// Subscribe requests held until the XMPP unsubscribe is over.
    holding: Vec<String>,
}

impl NodeState {
    fn new() -> Self {
        Self {
            xmpp: Xmpp::Idle,
            active: 0,
            subscribing: Vec::new(),
            unsubscribing: Vec::new(),
            holding: Vec::new(),
        }
    }

    fn is_idle(&self) -> bool {
        self.xmpp == Xmpp::Idle
            && self.active == 0
            && self.subscribing.is_empty()
            && self.unsubscribing.is_empty()
            && self.holding.is_empty()
    }
}

/// The master. See the [module documentation](self).
#[derive(Debug)]
pub struct Master {
    status: Option<ConnectionStatus>,
    resource_id: Option<String>,
    nodes: VecMap<String, NodeState>,
    publishes: VecDeque<Publish>,
    commands: VecDeque<Command>,
    now: Millis,
    next_tick: Millis,
    stats: MasterStats,
}

impl Master {
    /// A master started at `now`; the first tick is due [`TICK_FREQUENCY_MS`] later.
    pub fn new(now: Millis) -> Self {
        Self {
            status: None,
            resource_id: None,
            nodes: VecMap::default(),
            publishes: VecDeque::new(),
            commands: VecDeque::new(),
            now,
            next_tick: now.saturating_add(tick_period()),
            stats: MasterStats::default(),
        }
    }

    /// The last status the client reported, if any.
    pub fn status(&self) -> Option<ConnectionStatus> {
        self.status
    }

    /// The payload `finesse.info.connection` carries now (without `invokeID`).
    pub fn connection_info(&self) -> ConnectionInfo {
        ConnectionInfo {
            status: self.status.map(Into::into),
            resource_id: self.resource_id.clone(),
            invoke_id: None,
        }
    }

    /// The counters.
    pub fn stats(&self) -> MasterStats {
        self.stats
    }

    /// How many gadgets hold a subscription to `node` (answered with success, not gone).
    pub fn subscribers(&self, node: &str) -> usize {
        self.nodes.get(node).map_or(0, |n| n.active)
    }

    /// How many requests wait for an answer, on every node.
    pub fn waiting_requests(&self) -> usize {
        self.nodes
            .values()
            .map(|n| n.subscribing.len() + n.unsubscribing.len() + n.holding.len())
            .sum()
    }

    /// Handles a payload published on `finesse.info.requests` (any JSON value: malformed
    /// ones are answered with an error or ignored, see the module documentation).
    pub fn handle_request(&mut self, request: &Value, now: Millis) {
        self.advance(now);
        self.stats.requests += 1;
        let request = match Request::parse(request) {
            Ok(request) => request,
            Err(bad) => {
                match bad.invoke_id.as_ref().map(InvokeId::response_topic) {
                    Some(Ok(topic)) => {
                        self.stats.rejected += 1;
                        self.respond(topic, &Response::invalid_request(&bad.problem));
                    }
                    _ => self.stats.ignored += 1,
                }
                return;
            }
        };
        self.stats.accepted += 1;
        match request {
            Request::ConnectionInfo { invoke_id } => {
                let info = ConnectionInfo { invoke_id, ..self.connection_info() };
                self.publish(FinesseTopic::Connection.to_string(), info.to_json());
            }
            Request::Connect { .. } => {
                if matches!(self.status, None | Some(ConnectionStatus::Disconnected)) {
                    self.commands.push_back(Command::Connect);
                }
            }
            Request::SubscribeNode { node, invoke_id } => {
                // `Request::parse` only accepts node requests whose invokeID makes a topic.
                if let Ok(topic) = invoke_id.response_topic() {
                    self.subscribe(&node, topic);
                }
            }
            Request::UnsubscribeNode { node, invoke_id, .. } => {
                if let Ok(topic) = invoke_id.response_topic() {
                    self.unsubscribe(&node, topic);
                }
            }
        }
    }

    /// Handles an event of the XMPP client core (feed every event it reports).
    pub fn handle_client_event(&mut self, event: &Event, now: Millis) {
        self.advance(now);
        match event {
            Event::Status { status, resource_id } => self.on_status(*status, resource_id),
            Event::Subscribed { node, .. } => self.on_subscribed(node),
            Event::SubscribeFailed { node, error } => self.on_subscribe_failed(node, error),
            Event::Unsubscribed { node } => self.on_unsubscribed(node, None),
            Event::UnsubscribeFailed { node, error } => self.on_unsubscribed(node, Some(error)),
            Event::Item { node, xml, .. } => self.on_item(node, xml),
            _ => {}
        }
    }

    /// Reports that the client refused a [`Command`] (the driver's call returned an error).
    pub fn handle_command_error(&mut self, command: &Command, error: &CommandError, now: Millis) {
        self.advance(now);
        match command {
            Command::Subscribe(node) => {
                let Some(state) = self.nodes.get_mut(node) else { return };
                if state.xmpp != Xmpp::Subscribing {
                    return;
                }
                state.xmpp = Xmpp::Idle;
                let waiters = std::mem::take(&mut state.subscribing);
                let response = match error {
                    CommandError::InvalidNode => Response::invalid_request(&Problem::InvalidNode),
                    _ => Response::not_connected(Operation::Subscribe),
                };
                for topic in waiters {
                    self.respond(topic, &response);
                }
                self.tidy(node);
            }
            // The client does not have it (any more): as good as unsubscribed.
            Command::Unsubscribe(node) => self.on_unsubscribed(node, None),
            Command::Connect => {}
        }
    }

    /// Lets time pass: publishes the timer tick when due, stamped `wall_clock_ms`
    /// (milliseconds since the Unix epoch). Calling it early or twice is harmless.
    pub fn handle_timeout(&mut self, now: Millis, wall_clock_ms: i64) {
        self.advance(now);
        if self.now < self.next_tick {
            return;
        }
        let tick = TimerTick { date_queued: wall_clock_ms, tick_frequency: TICK_FREQUENCY_MS };
        self.publish(
            FinesseTopic::ContainerServices(ContainerServicesTopic::TimerTickEvent).to_string(),
            tick.to_json(),
        );
        self.stats.ticks += 1;
        // One tick however late; the next stays on the original cadence.
        let missed = (self.now - self.next_tick) / tick_period() + 1;
        self.next_tick = self.next_tick.saturating_add(missed.saturating_mul(tick_period()));
    }

    /// The next thing to publish, in order.
    pub fn poll_publish(&mut self) -> Option<Publish> {
        self.publishes.pop_front()
    }

    /// The next thing to ask of the XMPP client, in order.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next (the next tick).
    pub fn poll_timeout(&self) -> Option<Millis> {
        Some(self.next_tick)
    }

    // ----- internals -----

    fn advance(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    fn connected(&self) -> bool {
        self.status == Some(ConnectionStatus::Connected)
    }

    fn publish(&mut self, topic: String, payload: Value) {
        self.publishes.push_back(Publish { topic, payload });
    }

    fn respond(&mut self, topic: String, response: &Response) {
        self.publish(topic, response.to_json());
    }

    /// Forgets a node with nothing going on.
    fn tidy(&mut self, node: &str) {
        if self.nodes.get(node).is_some_and(NodeState::is_idle) {
            self.nodes.remove(node);
        }
    }

    /// `SubscribeNodeReq` (§7.4 Subscribe).
    fn subscribe(&mut self, node: &str, topic: String) {
        if !self.connected() {
            return self.respond(topic, &Response::not_connected(Operation::Subscribe));
        }
        let state = self.nodes.get_or_insert(node.to_owned(), NodeState::new());
        match state.xmpp {
            Xmpp::Subscribed => {
                state.active += 1;
                self.respond(topic, &Response::Success);
            }
            Xmpp::Unsubscribing => state.holding.push(topic),
            Xmpp::Subscribing => state.subscribing.push(topic),
            Xmpp::Idle => {
                state.subscribing.push(topic);
                state.xmpp = Xmpp::Subscribing;
                self.commands.push_back(Command::Subscribe(node.to_owned()));
            }
        }
    }

    /// `UnsubscribeNodeReq` (§7.4 Unsubscribe).
    fn unsubscribe(&mut self, node: &str, topic: String) {
        if !self.nodes.contains_key(node) {
            return self.respond(topic, &Response::Success);
        }
        if !self.connected() {
            return self.respond(topic, &Response::not_connected(Operation::Unsubscribe));
        }
        let Some(state) = self.nodes.get_mut(node) else { return };
        match state.active {
            0 => self.respond(topic, &Response::Success),
            1 => {
                state.active = 0;
                state.unsubscribing.push(topic);
                if state.xmpp == Xmpp::Subscribed {
                    state.xmpp = Xmpp::Unsubscribing;
                    self.commands.push_back(Command::Unsubscribe(node.to_owned()));
                }
            }
            _ => {
                state.active -= 1;
                self.respond(topic, &Response::Success);
            }
        }
    }

    fn on_status(&mut self, status: ConnectionStatus, resource_id: &Option<String>) {
        let was_connected = self.connected();
        let changed = self.status != Some(status) || self.resource_id != *resource_id;
        self.status = Some(status);
        self.resource_id.clone_from(resource_id);
        if changed {
            let info = self.connection_info();
            self.publish(FinesseTopic::Connection.to_string(), info.to_json());
        }
        if was_connected && status != ConnectionStatus::Connected {
            let response = Response::disconnected();
            let mut waiting = Vec::new();
            for state in self.nodes.values_mut() {
                waiting.append(&mut state.subscribing);
                waiting.append(&mut state.unsubscribing);
                waiting.append(&mut state.holding);
            }
            for topic in waiting {
                self.respond(topic, &response);
            }
            self.nodes.retain(|_, state| !state.is_idle());
        }
        if status == ConnectionStatus::Unloading {
            self.nodes.clear();
        }
    }

    fn on_subscribed(&mut self, node: &str) {
        let Some(state) = self.nodes.get_mut(node) else { return };
        if state.xmpp != Xmpp::Subscribing {
            // A renewal after reconnecting: nothing changes.
            return;
        }
        let waiters = std::mem::take(&mut state.subscribing);
        state.active += waiters.len();
        state.xmpp = Xmpp::Subscribed;
        if state.active == 0 {
            // Everyone who asked was told the connection dropped: undo it.
            state.xmpp = Xmpp::Unsubscribing;
            self.commands.push_back(Command::Unsubscribe(node.to_owned()));
        }
        for topic in waiters {
            self.respond(topic, &Response::Success);
        }
    }

    fn on_subscribe_failed(&mut self, node: &str, error: &StanzaError) {
        let Some(state) = self.nodes.get_mut(node) else { return };
        match state.xmpp {
            Xmpp::Subscribing => {
                state.xmpp = Xmpp::Idle;
                let waiters = std::mem::take(&mut state.subscribing);
                let response = Response::xmpp_error(error_xml(error));
                for topic in waiters {
                    self.respond(topic, &response);
                }
            }
            Xmpp::Subscribed => {
                // A renewal was refused: the subscription is gone for everyone.
                state.xmpp = Xmpp::Idle;
                state.active = 0;
            }
            Xmpp::Idle | Xmpp::Unsubscribing => {}
        }
        self.tidy(node);
    }

    /// The client reports the node unsubscribed (`error` is `None`), its unsubscribe refused,
    /// or refused the unsubscribe command.
    fn on_unsubscribed(&mut self, node: &str, error: Option<&StanzaError>) {
        let Some(state) = self.nodes.get_mut(node) else { return };
        match state.xmpp {
            Xmpp::Unsubscribing => {
                state.xmpp = Xmpp::Idle;
                let waiters = std::mem::take(&mut state.unsubscribing);
                let held = std::mem::take(&mut state.holding);
                let response = match error {
                    None => Response::Success,
                    Some(e) => Response::xmpp_error(error_xml(e)),
                };
                for topic in waiters {
                    self.respond(topic, &response);
                }
                // Carried out now, after a success and (unlike finesse.js) after a failure.
                for topic in held {
                    self.subscribe(node, topic);
                }
            }
            Xmpp::Subscribing => {
                // The client dropped a subscription still being made (e.g. shutting down).
                state.xmpp = Xmpp::Idle;
                let waiters = std::mem::take(&mut state.subscribing);
                for topic in waiters {
                    self.respond(topic, &Response::disconnected());
                }
            }
            Xmpp::Subscribed => {
                state.xmpp = Xmpp::Idle;
                state.active = 0;
            }
            Xmpp::Idle => {}
        }
        self.tidy(node);
    }

    fn on_item(&mut self, node: &str, xml: &str) {
        let topic = node_to_topic(node);
        let notification = match check_publish(&topic) {
            Ok(()) => Notification::from_item(node, xml).ok(),
            Err(_) => None,
        };
        match notification {
            Some(n) => {
                self.stats.items_published += 1;
                self.publish(topic, n.to_json());
            }
            None => self.stats.items_dropped += 1,
        }
    }
}

fn tick_period() -> Millis {
    Millis::try_from(TICK_FREQUENCY_MS).unwrap_or(1000)
}

/// The `<error/>` element of a refused request, as XML.
fn error_xml(error: &StanzaError) -> String {
    error.to_element().to_xml_in(finesse_xmpp::ns::CLIENT)
}

#[cfg(test)]
mod tests;
