//! The notification service on the wire: BOSH (`POST /http-bind`, XEP-0124/0206) and WebSocket
//! (`GET /ws`, RFC 7395, subprotocol `xmpp`) in front of the sans-IO
//! [`finesse_xmpp::server::Service`]. Held BOSH requests wait on a oneshot channel; WebSocket
//! frames go out through a per-socket channel. The fault switches of [`super::Faults`] act here:
//! delayed and lost responses, the listener stopped, the `finesse` presence withdrawn.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use finesse_model::{Update, encode};
use finesse_xmpp::server::{Authenticator, BoshReply, ServerTransmit, Service, ServiceConfig};
use tokio::sync::{mpsc, oneshot};

use super::{Faults, NodeRef};
use crate::engine::Millis;
use crate::scenario::Scenario;

/// The users' credentials, copied from the scenario (the XMPP login is the Finesse user id and
/// password, guide chapter 6).
pub(crate) struct Credentials(HashMap<String, String>);

impl Authenticator for Credentials {
    fn authenticate(&mut self, user: &str, password: &str) -> bool {
        self.0.get(user).is_some_and(|p| p == password)
    }
}

/// What a held BOSH request receives: a response, or `None` when the listener dropped it.
type BoshAnswer = Option<(u16, String)>;

enum WsOut {
    Frame(String),
    Close,
}

/// The notification service and the channels of its open requests and sockets.
pub(crate) struct Notifier {
    service: Service<Credentials>,
    held: HashMap<u64, oneshot::Sender<BoshAnswer>>,
    sockets: HashMap<u64, mpsc::UnboundedSender<WsOut>>,
    listener_stopped: bool,
}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

impl Notifier {
    pub(crate) fn new(scenario: &Scenario, seed: u64, now: Millis) -> Self {
        let mut users = HashMap::new();
        for agent in &scenario.agents {
            users.insert(agent.id.0.clone(), agent.password.clone());
        }
        let mut config = ServiceConfig::new(scenario.xmpp_domain.clone());
        config.seed = seed;
        let mut service = Service::new(config, Credentials(users), now);
        // Every node of a configured object exists from the start, as on a Finesse server, so
        // explicit subscriptions succeed before the first publication.
        service.ensure_node("/finesse/api/SystemInfo");
        for agent in &scenario.agents {
            let id = &agent.id;
            for node in ["", "/Dialogs", "/Media", "/Queues", "/Dialogs/Media"] {
                service.ensure_node(&format!("/finesse/api/User/{id}{node}"));
            }
        }
        for team in &scenario.teams {
            service.ensure_node(&format!("/finesse/api/Team/{}/Users", team.id));
        }
        for queue in &scenario.queues {
            service.ensure_node(&format!("/finesse/api/Queue/{}", queue.id));
        }
        Self { service, held: HashMap::new(), sockets: HashMap::new(), listener_stopped: false }
    }

    /// The JIDs subscribed to `node` (bare for automatic subscriptions, full for explicit
    /// ones), sorted.
    pub(crate) fn subscribers(&self, node: &str) -> Vec<String> {
        let mut jids: Vec<String> =
            self.service.subscribers(node).iter().map(ToString::to_string).collect();
        jids.sort();
        jids
    }

    /// Publishes a notification on `node` to its subscribers.
    pub(crate) fn publish(&mut self, node: &str, update: &Update, now: Millis) {
        match encode(update) {
            Ok(xml) => {
                if let Err(e) = self.service.publish(node, &xml, now) {
                    tracing::warn!(node, "notification not published: {e}");
                }
            }
            Err(e) => tracing::error!(node, "notification not encodable: {e}"),
        }
        self.pump();
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        self.service.handle_timeout(now);
        self.pump();
    }

    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        self.service.poll_timeout()
    }

    /// Applies the notification faults to this node (`down`: the node itself is down).
    pub(crate) fn apply_faults(&mut self, faults: &Faults, down: bool, now: Millis) {
        if self.service.service_presence() == faults.finesse_presence_down {
            self.service.set_service_presence(!faults.finesse_presence_down, now);
        }
        let stopped = faults.listener_stopped || down;
        if stopped && !self.listener_stopped {
            // A restart of the notification listener (or the node going down): every
            // connection is cut.
            self.service.drop_all_sessions(now);
        }
        self.listener_stopped = stopped;
        self.pump();
    }

    /// Hands the service's output to the waiting requests and sockets.
    fn pump(&mut self) {
        while let Some(t) = self.service.poll_transmit() {
            match t {
                ServerTransmit::BoshResponse { token, status, body } => {
                    if let Some(tx) = self.held.remove(&token) {
                        let _ = tx.send(Some((status, body)));
                    }
                }
                ServerTransmit::BoshAbort { token } => {
                    if let Some(tx) = self.held.remove(&token) {
                        let _ = tx.send(None);
                    }
                }
                ServerTransmit::WsFrame { conn, text } => {
                    if let Some(tx) = self.sockets.get(&conn) {
                        let _ = tx.send(WsOut::Frame(text));
                    }
                }
                ServerTransmit::WsClose { conn } => {
                    if let Some(tx) = self.sockets.remove(&conn) {
                        let _ = tx.send(WsOut::Close);
                    }
                }
                _ => {}
            }
        }
        while let Some(event) = self.service.poll_event() {
            tracing::debug!(?event, "notification service");
        }
    }
}

fn xml(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// `POST /http-bind`.
async fn bosh(State(sim): State<NodeRef>, body: String) -> Response {
    let faults = sim.faults();
    if faults.listener_stopped || sim.down() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
    let now = sim.now();
    let waiting = {
        let mut guard = sim.lock();
        let notify = &mut guard.notify[sim.index];
        match notify.service.handle_bosh_request(token, &body, now) {
            BoshReply::Now { status, body } => {
                notify.pump();
                Err((status, body))
            }
            BoshReply::Held => {
                let (tx, rx) = oneshot::channel();
                notify.held.insert(token, tx);
                notify.pump();
                Ok(rx)
            }
        }
    };
    sim.wake.notify_one();
    let answer = match waiting {
        Err(now) => Some(now),
        Ok(rx) => rx.await.ok().flatten(),
    };
    let faults = sim.faults();
    if faults.notify_delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.notify_delay_ms)).await;
    }
    match answer {
        // A lost response: the client must resend the same request (XEP-0124 §14).
        Some(_) if faults.drop_notify_responses => StatusCode::BAD_GATEWAY.into_response(),
        Some((status, body)) => xml(status, body),
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// `GET /ws`: RFC 7395 requires the `xmpp` subprotocol.
async fn websocket(State(sim): State<NodeRef>, upgrade: WebSocketUpgrade) -> Response {
    if sim.faults().listener_stopped || sim.down() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    upgrade.protocols(["xmpp"]).on_upgrade(move |socket| serve_socket(sim, socket))
}

async fn serve_socket(sim: NodeRef, mut socket: WebSocket) {
    let node = sim.index;
    let conn = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
    let (tx, mut rx) = mpsc::unbounded_channel();
    {
        let now = sim.now();
        let mut guard = sim.lock();
        guard.notify[node].sockets.insert(conn, tx);
        guard.notify[node].service.ws_open(conn, now);
        guard.notify[node].pump();
    }
    sim.wake.notify_one();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Binary(_))) => {
                        // RFC 7395: text frames only.
                        break;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                let now = sim.now();
                let mut guard = sim.lock();
                guard.notify[node].service.ws_frame(conn, &text, now);
                guard.notify[node].pump();
                drop(guard);
                sim.wake.notify_one();
            }
            outgoing = rx.recv() => {
                let delay = sim.faults().notify_delay_ms;
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                match outgoing {
                    Some(WsOut::Frame(text)) => {
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(WsOut::Close) | None => {
                        let _ = socket.send(Message::Close(None)).await;
                        break;
                    }
                }
            }
        }
    }
    let now = sim.now();
    let mut guard = sim.lock();
    guard.notify[node].sockets.remove(&conn);
    guard.notify[node].service.ws_closed(conn, now);
    guard.notify[node].pump();
}

/// The notification routes.
pub(crate) fn routes() -> Router<NodeRef> {
    Router::new()
        .route("/http-bind", post(bosh))
        .route("/http-bind/", post(bosh))
        .route("/ws", get(websocket))
}
