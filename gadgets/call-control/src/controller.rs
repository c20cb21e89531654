//! The gadget's I/O around the pure [`Session`]: REST over `fetch`, notifications from the
//! container's hub (or, standalone, polling), timers, and what the UI shows besides the
//! session's views (toasts, banners). Components never touch it directly: the root component
//! renders from it and hands callbacks that call [`dispatch`].
//!
//! Every mutation goes through [`update`]: borrow, change, drain the session's events into
//! toasts and banners, re-arm the request timer, release, then re-render. No borrow is held
//! across an `await` or while rendering.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use finesse_hub::gadgets::GadgetHub;
use finesse_hub::payload::{
    ConnectionInfo, ConnectionWatch, InvokeId, Notification, Request as HubRequest,
};
use finesse_hub::topic::{CONNECTION, REQUESTS, TIMER_TICK, topic_to_node};
use finesse_hub::{Hub, HubError, Subscription};
use finesse_model::{PhoneBooks, SystemStatus, Update, UserId, decode};
use finesse_rest::{Api, Auth, Fetch, Request, RestError, Transport, interpret};
use finesse_session::{Event, Failure, FailureKind, Intent, Millis, Refresh, Session, Text};
use finesse_ui::{BannerKind, Contact, Locale, Toast};
use gloo::timers::callback::{Interval, Timeout};
use serde_json::Value;

use crate::env;

/// The controller as the component holds it.
pub type Shared = Rc<RefCell<Controller>>;

/// How long a toast stays.
const TOAST_MS: u32 = 8_000;
/// How often SystemInfo is polled while the server is out of service.
const SERVICE_POLL_MS: u32 = 5_000;
/// How often a standalone gadget (no hub, so no notifications) polls the user and its calls.
const STANDALONE_POLL_MS: u32 = 2_000;

/// The local clock, in ms since the epoch.
pub fn now() -> Millis {
    #[allow(clippy::cast_possible_truncation, reason = "epoch milliseconds fit in i64")]
    let now = js_sys::Date::now() as Millis;
    now
}

/// 16 random bytes for a request id or an invoke id (the browser's CSPRNG; `Math.random`
/// where there is none).
pub fn random() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "0..256")]
            let v = (js_sys::Math::random() * 256.0) as u8;
            *b = v;
        }
    }
    bytes
}

/// Why the gadget cannot show the agent (the whole gadget says so instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// The server refused the credentials (HTTP 401).
    Unauthorized,
    /// Another failure of the first load, in words.
    Other(String),
}

/// The gadget's state besides the session.
pub struct Controller {
    /// The agent's session.
    pub session: Session,
    /// The language of the UI.
    pub locale: Locale,
    /// Messages shown for a while (failures, errors from the server).
    pub toasts: Vec<Toast>,
    /// The notification connection's status as the master reports it (container only).
    pub connection: ConnectionWatch,
    /// Finesse is out of service (HTTP 503 or SystemInfo): the banner's text.
    pub out_of_service: Option<String>,
    /// The first load finished.
    pub loaded: bool,
    /// The first load failed.
    pub blocked: Option<Blocked>,
    /// The user's phone book contacts.
    pub contacts: Vec<Contact>,
    auth: Auth,
    rest: Fetch,
    next_toast: u64,
    hub: Option<GadgetHub>,
    subscriptions: Vec<Subscription>,
    request_timer: Option<(Millis, Timeout)>,
    service_poll: Option<Interval>,
    standalone: Option<Interval>,
    toast_timers: Vec<Timeout>,
    refreshing: bool,
    render: Rc<dyn Fn()>,
    me: Weak<RefCell<Self>>,
}

/// Starts a controller for `user`: subscribes to the hub's topics (or polls, standalone), loads
/// everything over REST, and calls `render` after every change.
pub fn start(
    user: UserId,
    auth: Auth,
    rest: Fetch,
    locale: Locale,
    hub: Option<GadgetHub>,
    render: Rc<dyn Fn()>,
) -> Shared {
    let shared = Rc::new(RefCell::new(Controller {
        session: Session::new(user.clone()),
        locale,
        toasts: Vec::new(),
        connection: ConnectionWatch::default(),
        out_of_service: None,
        loaded: false,
        blocked: None,
        contacts: Vec::new(),
        auth,
        rest,
        next_toast: 0,
        hub,
        subscriptions: Vec::new(),
        request_timer: None,
        service_poll: None,
        standalone: None,
        toast_timers: Vec::new(),
        refreshing: false,
        render,
        me: Weak::new(),
    }));
    shared.borrow_mut().me = Rc::downgrade(&shared);
    let hub = shared.borrow().hub;
    if let Some(hub) = hub {
        subscribe(&shared, hub, user.as_str());
    } else {
        let weak = Rc::downgrade(&shared);
        let poll = Interval::new(STANDALONE_POLL_MS, move || {
            if let Some(shared) = weak.upgrade() {
                poll_standalone(&shared);
            }
        });
        shared.borrow_mut().standalone = Some(poll);
    }
    refresh(&shared);
    shared
}

/// Subscribes to the user's topics, the connection status and the tick, and asks the master
/// for the status (a gadget loaded after the connection came up missed its broadcast).
fn subscribe(shared: &Shared, hub: GadgetHub, user: &str) {
    let mut patterns: Vec<String> = env::topics(user).into();
    patterns.push(CONNECTION.to_owned());
    patterns.push(TIMER_TICK.to_owned());
    let mut subscriptions = Vec::new();
    for pattern in patterns {
        match listen(shared, hub, &pattern, on_hub) {
            Ok(subscription) => subscriptions.push(subscription),
            Err(e) => {
                let text = Text::new("Could not listen for {topic}: {error}.")
                    .with("topic", pattern)
                    .with("error", e.to_string());
                update(shared, |c| c.toast(BannerKind::Error, c.locale.text(&text)));
            }
        }
    }
    shared.borrow_mut().subscriptions = subscriptions;
    if let Err(e) = ask_connection_info(hub) {
        let text = Text::new("Could not ask for the connection status: {error}.")
            .with("error", e.to_string());
        update(shared, |c| c.toast(BannerKind::Warning, c.locale.text(&text)));
    }
}

/// Subscribes to `pattern` on the container's hub and hands each message to `on` with the
/// gadget's state, while it lives: the subscription holds the state weakly, so it never keeps
/// a gone gadget alive. How every gadget listens to the hub.
pub fn listen<S: 'static>(
    shared: &Rc<RefCell<S>>,
    hub: GadgetHub,
    pattern: &str,
    on: impl Fn(&Rc<RefCell<S>>, &str, &Value) + 'static,
) -> Result<Subscription, HubError> {
    let weak = Rc::downgrade(shared);
    hub.subscribe(
        pattern,
        Box::new(move |topic: &str, payload: &Value| {
            if let Some(shared) = weak.upgrade() {
                on(&shared, topic, payload);
            }
        }),
    )
}

/// Asks the master for the connection status (`ConnectionInfoReq`): a gadget loaded after the
/// connection came up missed its broadcast. The invoke id is `Date.now()`, as finesse.js sends.
pub fn ask_connection_info(hub: GadgetHub) -> Result<(), HubError> {
    let invoke_id = Some(InvokeId::Number(now().into()));
    hub.publish(REQUESTS, HubRequest::ConnectionInfo { invoke_id }.to_json())
}

/// Runs `f` on the controller, drains what it caused, then re-renders.
pub fn update(shared: &Shared, f: impl FnOnce(&mut Controller)) {
    let render = {
        let mut c = shared.borrow_mut();
        f(&mut c);
        c.drain();
        Rc::clone(&c.render)
    };
    render();
}

impl Controller {
    /// Whether notifications come from a container's hub (else the gadget polls).
    pub fn in_container(&self) -> bool {
        self.hub.is_some()
    }

    /// Shows a message for a while.
    pub fn toast(&mut self, kind: BannerKind, text: String) {
        self.next_toast += 1;
        let id = self.next_toast;
        self.toasts.push(Toast { id, kind, text });
        // At most five at once: the oldest go first.
        if self.toasts.len() > 5 {
            self.toasts.remove(0);
        }
        let weak = self.me.clone();
        self.toast_timers.push(Timeout::new(TOAST_MS, move || {
            if let Some(shared) = weak.upgrade() {
                update(&shared, |c| c.toasts.retain(|t| t.id != id));
            }
        }));
        if self.toast_timers.len() > 16 {
            // Timers of toasts long gone; dropping a Timeout cancels it.
            self.toast_timers.drain(..8);
        }
    }

    /// Removes a toast.
    pub fn dismiss(&mut self, id: u64) {
        self.toasts.retain(|t| t.id != id);
    }

    /// The session's events become toasts and banners; the request timer is re-armed.
    fn drain(&mut self) {
        while let Some(event) = self.session.poll_event() {
            match event {
                Event::RequestFailed { failure, .. } | Event::ErrorNotified { failure } => {
                    self.failed(&failure);
                }
                Event::SystemStatusChanged { status, reason } => {
                    if status == Some(SystemStatus::InService) {
                        if self.out_of_service.take().is_some() {
                            self.start_refresh();
                        }
                    } else if status.is_some() {
                        let mut text = self.locale.t(
                            "Finesse is out of service. Actions will work again when it is back.",
                        );
                        // The server's reason, as it sent it.
                        if let Some(reason) = reason {
                            text.push_str(&format!(" ({reason})"));
                        }
                        self.out_of_service(text);
                    }
                }
                Event::RequestCompleted { .. }
                | Event::StateChanged { .. }
                | Event::CallArrived { .. }
                | Event::CallEnded { .. } => {}
            }
        }
        let due = self.session.poll_timeout();
        if due != self.request_timer.as_ref().map(|(at, _)| *at) {
            self.request_timer = due.map(|at| {
                let weak = self.me.clone();
                let wait = u32::try_from((at - now()).clamp(0, 600_000)).unwrap_or(0);
                let timer = Timeout::new(wait, move || {
                    if let Some(shared) = weak.upgrade() {
                        update(&shared, |c| {
                            c.request_timer = None;
                            c.session.handle_timeout(now());
                        });
                    }
                });
                (at, timer)
            });
        }
    }

    fn failed(&mut self, failure: &Failure) {
        match failure.kind {
            FailureKind::OutOfService => {
                self.out_of_service(self.locale.t(
                    "Finesse is out of service (HTTP 503). Actions will work again when it is back.",
                ));
            }
            FailureKind::Unauthorized => self.blocked = Some(Blocked::Unauthorized),
            _ => {}
        }
        self.toast(BannerKind::Error, self.locale.text(&failure.text));
    }

    /// Shows the out-of-service banner and polls SystemInfo until the server is back.
    fn out_of_service(&mut self, text: String) {
        self.out_of_service = Some(text);
        if self.service_poll.is_some() {
            return;
        }
        let weak = self.me.clone();
        self.service_poll = Some(Interval::new(SERVICE_POLL_MS, move || {
            if let Some(shared) = weak.upgrade() {
                poll_service(&shared);
            }
        }));
    }

    fn start_refresh(&mut self) {
        self.service_poll = None;
        if let Some(shared) = self.me.upgrade() {
            // After the current borrow ends.
            wasm_bindgen_futures::spawn_local(async move { refresh(&shared) });
        }
    }
}

/// Loads (again) everything the session holds, so the screen converges to the server's truth:
/// at start-up, after a reconnection and when the server is back in service.
pub fn refresh(shared: &Shared) {
    {
        let mut c = shared.borrow_mut();
        if c.refreshing {
            return;
        }
        c.refreshing = true;
    }
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let (requests, rest, auth) = {
            let c = shared.borrow();
            (c.session.refresh_requests(), c.rest.clone(), c.auth.clone())
        };
        let mut first_error: Option<(Refresh, RestError)> = None;
        for (what, request) in requests {
            let answer = rest.send_as(&request, &auth).await;
            let result = answer.and_then(|(status, body)| {
                shared.borrow_mut().session.apply_refresh(what, status, &body, now())
            });
            match result {
                // Refused credentials or a server out of service: the other GETs would only
                // fail the same way (and bad credentials count towards Finesse's lockout).
                Err(e @ (RestError::Unauthorized | RestError::Unavailable)) => {
                    first_error = Some((what, e));
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert((what, e));
                }
                Ok(()) => {}
            }
        }
        let loaded = first_error.is_none();
        update(&shared, |c| {
            c.refreshing = false;
            match first_error {
                None => {
                    c.loaded = true;
                    c.blocked = None;
                }
                Some((_, RestError::Unauthorized)) => c.blocked = Some(Blocked::Unauthorized),
                Some((_, RestError::Unavailable)) => {
                    let text = c.locale.t(
                        "Finesse is out of service (HTTP 503). The gadget will catch up when it is back.",
                    );
                    c.out_of_service(text);
                }
                Some((Refresh::User, e)) if !c.loaded => {
                    let failure = Refresh::User.failed(&e);
                    c.blocked = Some(Blocked::Other(c.locale.text(&failure.text)));
                }
                Some((what, e)) => {
                    c.loaded |= c.session.user().is_some();
                    let failure = what.failed(&e);
                    c.toast(BannerKind::Warning, c.locale.text(&failure.text));
                }
            }
        });
        // Outside a container there is no indicator; nothing to do then.
        let _ = finesse_hub::gadgets::loadingindicator::dismiss();
        if loaded {
            load_contacts(&shared);
        }
    });
}

/// The user's phone books (contacts are embedded in the list), after each complete refresh.
fn load_contacts(shared: &Shared) {
    let (rest, auth, user) = {
        let c = shared.borrow();
        (c.rest.clone(), c.auth.clone(), c.session.user_id().clone())
    };
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let request = Request::get_phone_books(&user);
        let Ok((status, body)) = rest.send(&request, Some(&auth)).await else { return };
        let Ok(books) = interpret::<PhoneBooks>(status, &body) else { return };
        let contacts: Vec<Contact> = books
            .phone_books
            .iter()
            .filter_map(|b| b.embedded_contacts.as_ref())
            .flat_map(|c| c.contacts.iter())
            .filter_map(Contact::from_model)
            .collect();
        update(&shared, |c| c.contacts = contacts);
    });
}

/// While out of service: SystemInfo every few seconds; the session's SystemStatusChanged
/// (IN_SERVICE) clears the banner and refreshes.
fn poll_service(shared: &Shared) {
    let rest = shared.borrow().rest.clone();
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let Ok((status, body)) = rest.send(&Request::get_system_info(), None).await else {
            return;
        };
        update(&shared, |c| {
            if c.session.apply_refresh(Refresh::SystemInfo, status, &body, now()).is_ok()
                && c.session.system_info().and_then(|s| s.status.clone())
                    == Some(SystemStatus::InService)
                && c.out_of_service.take().is_some()
            {
                c.start_refresh();
            }
        });
    });
}

/// Standalone: the user and the calls, since no notifications arrive.
fn poll_standalone(shared: &Shared) {
    let (rest, auth, requests) = {
        let c = shared.borrow();
        if !c.loaded || c.blocked.is_some() || c.out_of_service.is_some() {
            return;
        }
        let requests: Vec<_> = c
            .session
            .refresh_requests()
            .into_iter()
            .filter(|(what, _)| matches!(what, Refresh::User | Refresh::Dialogs))
            .collect();
        (c.rest.clone(), c.auth.clone(), requests)
    };
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        for (what, request) in requests {
            if let Ok((status, body)) = rest.send(&request, Some(&auth)).await {
                let _ = shared.borrow_mut().session.apply_refresh(what, status, &body, now());
            }
        }
        update(&shared, |_| {});
    });
}

/// A message from the hub.
fn on_hub(shared: &Shared, topic: &str, payload: &Value) {
    if topic == TIMER_TICK {
        update(shared, |_| {});
        return;
    }
    if topic == CONNECTION {
        let Some(status) = ConnectionInfo::from_json(payload).and_then(|i| i.status) else {
            return;
        };
        update(shared, |c| {
            // Back after a loss: notifications may have been missed meanwhile.
            if c.connection.observe(status) {
                c.start_refresh();
            }
        });
        return;
    }
    let Some(notification) = Notification::from_json(payload) else { return };
    let (node, xml) = notification.parts();
    // The topic names the node when the content does not (finesse.js takes it from there).
    let node = node.map_or_else(|| topic_to_node(topic), str::to_owned);
    match decode::<Update>(xml) {
        Ok(update_) => update(shared, |c| {
            c.session.apply_update(&node, &update_, now());
        }),
        Err(e) => {
            // What the screen shows may now be stale: converge with the server.
            web_sys::console::warn_1(&format!("unreadable notification on {topic}: {e}").into());
            refresh(shared);
        }
    }
}

/// The callbacks the components take: dispatch an intent, dismiss a toast.
pub fn callbacks(shared: &Shared) -> (yew::Callback<Intent>, yew::Callback<u64>) {
    let dispatch = {
        let shared = shared.clone();
        yew::Callback::from(move |intent: Intent| dispatch(&shared, intent))
    };
    let shared = shared.clone();
    (dispatch, yew::Callback::from(move |id: u64| update(&shared, |c| c.dismiss(id))))
}

/// Asks for `intent`: the session builds the request (or says why not), it is sent, and the
/// HTTP answer goes back to the session; the notification that confirms it arrives later.
pub fn dispatch(shared: &Shared, intent: Intent) {
    let outgoing = {
        let mut c = shared.borrow_mut();
        match c.session.request(intent.clone(), now(), random()) {
            Ok(out) => Some((out, c.rest.clone(), c.auth.clone())),
            Err(refusal) => {
                let text = c.locale.text(&c.session.refused(&intent, &refusal));
                c.toast(BannerKind::Error, text);
                None
            }
        }
    };
    update(shared, |_| {});
    let Some((out, rest, auth)) = outgoing else { return };
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let result = rest.perform(&out.request, &auth).await;
        update(&shared, |c| c.session.request_answered(&out.id, result));
    });
}

#[cfg(test)]
mod tests {
    use finesse_ui::i18n::KEYS;

    /// Every literal text the gadget translates with `Locale::t` has a French text, so the
    /// French desktop shows no English.
    #[test]
    fn every_text_the_gadget_translates_is_a_key() {
        let mut found = 0;
        for source in [include_str!("controller.rs"), include_str!("lib.rs")] {
            for (at, _) in source.match_indices(".t(\n") {
                let rest = source[at + 4..].trim_start();
                if let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
                    assert!(KEYS.contains(&literal), "{literal:?} is shown but not in KEYS");
                    found += 1;
                }
            }
            for marker in [".t(\"", "Text::new(\""] {
                for (at, _) in source.match_indices(marker) {
                    let literal = source[at + marker.len()..].split('"').next().unwrap_or_default();
                    assert!(KEYS.contains(&literal), "{literal:?} is shown but not in KEYS");
                    found += 1;
                }
            }
            // A sentence put together in English would bypass the table.
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            // Sentences translated where they are shown (set-up failures, connection statuses).
            for marker in ["Err(\"", "=> \""] {
                for (at, _) in code.match_indices(marker) {
                    let literal = code[at + marker.len()..].split('"').next().unwrap_or_default();
                    if literal.starts_with(|c: char| c.is_ascii_uppercase()) {
                        assert!(KEYS.contains(&literal), "{literal:?} is shown but not in KEYS");
                        found += 1;
                    }
                }
            }
            let english = finesse_ui::i18n::english_formats(code);
            assert!(english.is_empty(), "English built outside the table: {english:?}");
        }
        assert!(found >= 15, "only {found} texts found: did the scan break?");
    }
}
