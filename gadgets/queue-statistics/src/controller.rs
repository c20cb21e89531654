//! The gadget's I/O around the pure [`QueueTable`]: REST over `fetch` (SystemInfo for the
//! deployment type and the server's clock, the user's queues, a queue), the container hub's
//! notifications (the user's Queues node and each queue's node, subscribed through the master
//! with `SubscribeNodeReq`, since Finesse does not subscribe them automatically), the timer
//! tick that moves the longest-call timers, samples the history and evaluates thresholds, and,
//! standalone, polling.
//!
//! Every mutation goes through [`update`]: borrow, change, release, re-render.

use std::cell::RefCell;
use std::rc::Rc;

use call_control::controller::{ask_connection_info, listen};
use finesse_hub::gadgets::GadgetHub;
use finesse_hub::payload::{
    ConnectionInfo, ConnectionWatch, InvokeId, Notification, Request as HubRequest,
};
use finesse_hub::topic::{CONNECTION, REQUESTS, TIMER_TICK, node_to_topic, topic_to_node};
use finesse_hub::{Hub, Subscription};
use finesse_model::{DeploymentType, QueueId, Queues, SystemInfo, Update, UserId, decode};
use finesse_rest::{Auth, Fetch, Request, RestError, Transport, interpret};
use finesse_session::queues::{Alert, ListChange, QueueTable, Thresholds};
use finesse_session::{Millis, ServerClock, Text};
use finesse_ui::{BannerKind, Locale};
use gloo::timers::callback::Interval;
use serde_json::Value;

/// The controller as the component holds it.
pub type Shared = Rc<RefCell<Controller>>;

/// How often a standalone gadget (no notifications) reloads the queues.
const STANDALONE_POLL_MS: u32 = 5_000;
/// The most threshold alerts kept on screen (the oldest go first).
const MAX_ALERTS: usize = 6;

pub use call_control::controller::now;

/// A field of the thresholds form: the queue, and `true` for the oldest call's limit (`false`
/// for calls waiting).
pub type Field = (QueueId, bool);

/// What the gadget shows instead of (or above) the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// The first load is under way.
    Loading,
    /// The table is live.
    Running,
    /// Unified CCX: the Queue API is not supported.
    NotSupported,
    /// Cannot show the queues (said in words, already translated).
    Failed(String),
}

/// The gadget's state.
pub struct Controller {
    /// The queues and their statistics.
    pub table: QueueTable,
    /// The server's clock (from SystemInfo).
    pub clock: ServerClock,
    /// The language of the UI.
    pub locale: Locale,
    /// What the gadget shows.
    pub phase: Phase,
    /// The notification connection's status as the master reports it (container only).
    pub connection: ConnectionWatch,
    /// Thresholds reached, to announce: (id, alert).
    pub alerts: Vec<(u64, Alert)>,
    /// A message about the thresholds (saved, not valid), with its kind.
    pub notice: Option<(BannerKind, String)>,
    /// Threshold fields typed and not saved yet.
    pub drafts: Vec<(Field, String)>,
    user: UserId,
    auth: Auth,
    rest: Fetch,
    hub: Option<GadgetHub>,
    subscriptions: Vec<Subscription>,
    queue_subscriptions: Vec<(QueueId, Subscription)>,
    poll: Option<Interval>,
    local_tick: Option<Interval>,
    next_alert: u64,
    next_invoke: u64,
    refreshing: bool,
    render: Rc<dyn Fn()>,
}

/// Starts a controller for `user` with the `thresholds` preference: subscribes to the hub (or
/// polls, standalone), loads over REST, and calls `render` after every change.
pub fn start(
    user: UserId,
    auth: Auth,
    rest: Fetch,
    locale: Locale,
    hub: Option<GadgetHub>,
    thresholds: &str,
    render: Rc<dyn Fn()>,
) -> Shared {
    let mut table = QueueTable::default();
    let notice = match Thresholds::parse(thresholds) {
        Ok(t) => {
            table.set_thresholds(t);
            None
        }
        Err(e) => {
            web_sys::console::warn_1(&format!("thresholds preference: {e}").into());
            Some((
                BannerKind::Warning,
                locale.t("The thresholds preference is not valid; no thresholds apply."),
            ))
        }
    };
    let shared = Rc::new(RefCell::new(Controller {
        table,
        clock: ServerClock::default(),
        locale,
        phase: Phase::Loading,
        connection: ConnectionWatch::default(),
        alerts: Vec::new(),
        notice,
        drafts: Vec::new(),
        user: user.clone(),
        auth,
        rest,
        hub,
        subscriptions: Vec::new(),
        queue_subscriptions: Vec::new(),
        poll: None,
        local_tick: None,
        next_alert: 0,
        next_invoke: 0,
        refreshing: false,
        render,
    }));
    if let Some(hub) = hub {
        subscribe(&shared, hub, &user);
    } else {
        let weak = Rc::downgrade(&shared);
        let poll = Interval::new(STANDALONE_POLL_MS, move || {
            if let Some(shared) = weak.upgrade() {
                refresh(&shared);
            }
        });
        shared.borrow_mut().poll = Some(poll);
        // No tick from a container: a local one moves the timers.
        let weak = Rc::downgrade(&shared);
        let tick = Interval::new(1_000, move || {
            if let Some(shared) = weak.upgrade() {
                update(&shared, Controller::tick);
            }
        });
        shared.borrow_mut().local_tick = Some(tick);
    }
    refresh(&shared);
    shared
}

/// Runs `f` on the controller, then re-renders.
pub fn update(shared: &Shared, f: impl FnOnce(&mut Controller)) {
    let render = {
        let mut c = shared.borrow_mut();
        f(&mut c);
        Rc::clone(&c.render)
    };
    render();
}

/// The user's Queues node.
fn user_queues_node(user: &UserId) -> String {
    format!("/finesse/api/User/{user}/Queues")
}

fn queue_node(id: &QueueId) -> String {
    format!("/finesse/api/Queue/{id}")
}

/// Subscribes to the user's Queues topic (and asks the master for the node), SystemInfo, the
/// connection status and the tick; asks for the connection status.
fn subscribe(shared: &Shared, hub: GadgetHub, user: &UserId) {
    let node = user_queues_node(user);
    let patterns = [
        node_to_topic(&node),
        node_to_topic("/finesse/api/SystemInfo"),
        CONNECTION.to_owned(),
        TIMER_TICK.to_owned(),
    ];
    let mut subscriptions = Vec::new();
    for pattern in patterns {
        match hub_subscribe(shared, hub, &pattern) {
            Ok(s) => subscriptions.push(s),
            Err(text) => update(shared, |c| c.notice = Some((BannerKind::Error, text))),
        }
    }
    shared.borrow_mut().subscriptions = subscriptions;
    subscribe_node(shared, &node, true);
    let _ = ask_connection_info(hub);
}

/// [`listen`] with [`on_hub`]; the failure in words.
fn hub_subscribe(shared: &Shared, hub: GadgetHub, pattern: &str) -> Result<Subscription, String> {
    let locale = shared.borrow().locale;
    listen(shared, hub, pattern, on_hub).map_err(|e| {
        let text = Text::new("Could not listen for {topic}: {error}.");
        locale.text(&text.with("topic", pattern).with("error", e.to_string()))
    })
}

/// Asks the master to subscribe (or unsubscribe) the notification node (`SubscribeNodeReq`,
/// `UnsubscribeNodeReq`); the master counts subscriptions, so the other gadgets' are kept.
fn subscribe_node(shared: &Shared, node: &str, on: bool) {
    let (hub, invoke_id) = {
        let mut c = shared.borrow_mut();
        c.next_invoke += 1;
        (c.hub, InvokeId::String(format!("queue-statistics-{}-{}", now(), c.next_invoke)))
    };
    let Some(hub) = hub else { return };
    let node = node.to_owned();
    let request = if on {
        HubRequest::SubscribeNode { node, invoke_id }
    } else {
        HubRequest::UnsubscribeNode { node, invoke_id, subid: None }
    };
    if let Err(e) = hub.publish(REQUESTS, request.to_json()) {
        web_sys::console::warn_1(&format!("node subscription request: {e}").into());
    }
}

/// Follows the list's changes: a hub subscription and a node subscription per queue added,
/// both ended for a queue removed.
fn follow(shared: &Shared, change: &ListChange) {
    let Some(hub) = shared.borrow().hub else { return };
    for id in &change.added {
        if shared.borrow().queue_subscriptions.iter().any(|(q, _)| q == id) {
            continue;
        }
        let node = queue_node(id);
        match hub_subscribe(shared, hub, &node_to_topic(&node)) {
            Ok(s) => {
                shared.borrow_mut().queue_subscriptions.push((id.clone(), s));
                subscribe_node(shared, &node, true);
            }
            Err(text) => update(shared, |c| c.notice = Some((BannerKind::Error, text))),
        }
    }
    for id in &change.removed {
        let gone = {
            let mut c = shared.borrow_mut();
            let at = c.queue_subscriptions.iter().position(|(q, _)| q == id);
            at.map(|i| c.queue_subscriptions.swap_remove(i))
        };
        if gone.is_some() {
            subscribe_node(shared, &queue_node(id), false);
        }
        drop(gone);
    }
}

impl Controller {
    /// Whether notifications come from a container's hub (else the gadget polls).
    pub fn in_container(&self) -> bool {
        self.hub.is_some()
    }

    /// The timer tick: sample the history, announce thresholds newly reached.
    pub fn tick(&mut self) {
        let now = now();
        self.table.sample(now);
        self.announce(now);
    }

    fn announce(&mut self, now: Millis) {
        for alert in self.table.poll_alerts(&self.clock, now) {
            self.next_alert += 1;
            self.alerts.push((self.next_alert, alert));
        }
        if self.alerts.len() > MAX_ALERTS {
            let extra = self.alerts.len() - MAX_ALERTS;
            self.alerts.drain(..extra);
        }
    }

    /// The user typed `text` in a thresholds field.
    pub fn set_draft(&mut self, field: Field, text: String) {
        match self.drafts.iter_mut().find(|(f, _)| *f == field) {
            Some(draft) => draft.1 = text,
            None => self.drafts.push((field, text)),
        }
    }

    /// A threshold field holds no valid limit: nothing is saved, the user is told why.
    pub fn threshold_input_refused(&mut self) {
        let text = self.locale.t("A threshold must be a whole number from 1 to 86400.");
        self.notice = Some((BannerKind::Error, text));
    }

    /// Applies thresholds the user typed: in the table at once, and saved in the `thresholds`
    /// preference in a container.
    pub fn set_thresholds(&mut self, thresholds: Thresholds) {
        let text = thresholds.to_string();
        self.table.set_thresholds(thresholds);
        self.drafts.clear();
        self.alerts.clear();
        self.announce(now());
        let saved = if self.in_container() {
            finesse_hub::gadgets::Prefs::new().and_then(|p| p.set("thresholds", &text)).is_ok()
        } else {
            true
        };
        self.notice = Some(if saved {
            (BannerKind::Info, self.locale.t("Thresholds saved."))
        } else {
            (BannerKind::Error, self.locale.t("The thresholds could not be saved."))
        });
    }
}

/// Loads (again) SystemInfo and the user's queues, so the table converges to the server's
/// truth: at start-up, after a reconnection, and every few seconds standalone.
pub fn refresh(shared: &Shared) {
    {
        let mut c = shared.borrow_mut();
        if c.refreshing || matches!(c.phase, Phase::NotSupported) {
            return;
        }
        c.refreshing = true;
    }
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let (rest, auth, user) = {
            let c = shared.borrow();
            (c.rest.clone(), c.auth.clone(), c.user.clone())
        };
        // SystemInfo: the deployment type (no Queue API on Unified CCX) and the server's clock.
        let sent = now();
        if let Ok((status, body)) = rest.send_as(&Request::get_system_info(), &auth).await
            && let Ok(info) = interpret::<SystemInfo>(status, &body)
        {
            let received = now();
            let server = info.current_timestamp.as_ref().and_then(|t| t.epoch_millis());
            let ccx = info.deployment_type == Some(DeploymentType::Uccx);
            update(&shared, |c| {
                if let Some(server) = server {
                    c.clock.measure(server, sent + (received - sent) / 2);
                }
                if ccx {
                    c.phase = Phase::NotSupported;
                }
            });
            if ccx {
                finish_loading(&shared);
                return;
            }
        }
        let answer = rest.send_as(&Request::get_user_queues(&user), &auth).await;
        let result = answer.and_then(|(status, body)| {
            if status == 501 {
                // Unified CCX answers the Queue API with 501 Not Implemented.
                return Ok(None);
            }
            interpret::<Queues>(status, &body).map(Some)
        });
        let mut change = ListChange::default();
        update(&shared, |c| {
            let l = c.locale;
            match result {
                Ok(None) => c.phase = Phase::NotSupported,
                Ok(Some(queues)) => {
                    change = c.table.apply_list(&queues, now());
                    c.phase = Phase::Running;
                    c.announce(now());
                }
                Err(RestError::Unauthorized) => {
                    c.phase = Phase::Failed(
                        l.t("Finesse refused your credentials (HTTP 401). Sign in to the desktop again."),
                    );
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("queues: {e}").into());
                    if !c.table.is_loaded() {
                        c.phase = Phase::Failed(l.t("Could not load your queues."));
                    } else {
                        c.notice = Some((BannerKind::Warning, l.t("Could not load your queues.")));
                    }
                }
            }
        });
        follow(&shared, &change);
        finish_loading(&shared);
    });
}

fn finish_loading(shared: &Shared) {
    shared.borrow_mut().refreshing = false;
    // Outside a container there is no indicator; nothing to do then.
    let _ = finesse_hub::gadgets::loadingindicator::dismiss();
}

/// A message from the hub.
fn on_hub(shared: &Shared, topic: &str, payload: &Value) {
    if topic == TIMER_TICK {
        update(shared, Controller::tick);
        return;
    }
    if topic == CONNECTION {
        let Some(status) = ConnectionInfo::from_json(payload).and_then(|i| i.status) else {
            return;
        };
        let mut reload = false;
        // Back after a loss: notifications may have been missed meanwhile.
        update(shared, |c| reload = c.connection.observe(status));
        if reload {
            refresh(shared);
        }
        return;
    }
    let Some(notification) = Notification::from_json(payload) else { return };
    let (node, xml) = notification.parts();
    let node = node.map_or_else(|| topic_to_node(topic), str::to_owned);
    match decode::<Update>(xml) {
        Ok(update_) => {
            if node == "/finesse/api/SystemInfo" {
                // A status change: reload when back in service (statistics may have moved).
                refresh(shared);
                return;
            }
            let mut change = ListChange::default();
            update(shared, |c| {
                change = c.table.apply_update(&node, &update_, now());
                c.announce(now());
            });
            follow(shared, &change);
        }
        Err(e) => {
            web_sys::console::warn_1(&format!("unreadable notification on {topic}: {e}").into());
            refresh(shared);
        }
    }
}
