//! The team half of the gadget: which team is shown, its roster (`finesse_session::roster`),
//! the node subscription that keeps it live, and the UI's choices (sort, filter, selection).
//! The supervisor's own half (state, calls, requests, toasts) is call control's controller.
//!
//! Life of a team: `SubscribeNodeReq` for `/finesse/api/Team/{id}/Users` on the container's
//! hub (the master subscribes at the server, counting subscribers), and, once the master says
//! it is subscribed, `GET /finesse/api/Team/{id}?includeLoggedOutAgents=…`; notifications that
//! arrive before the answer are kept and applied after it (older ones are ignored by the
//! roster). Switching teams, or the gadget's document going away, sends `UnsubscribeNodeReq`.
//! Standalone (no hub), the team is read again every few seconds.
//!
//! Renders are coalesced to one per animation frame: at 500 changes a second the roster takes
//! every change at once and the screen shows the result once per frame.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use call_control::controller::listen;
use finesse_hub::gadgets::GadgetHub;
use finesse_hub::payload::{InvokeId, Notification, Request as HubRequest, Response};
use finesse_hub::topic::{REQUESTS, RESPONSES_PREFIX, node_to_topic};
use finesse_hub::{Hub, Subscription};
use finesse_model::{Team as TeamModel, TeamId, Update, decode};
use finesse_rest::{Auth, Fetch, Method, Request, Transport, interpret};
use finesse_session::roster::{Roster, Sort};
use finesse_session::{Arg, Failure, RequestId, Text};
use gloo::timers::callback::Interval;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// How often a standalone gadget reads the team again.
const STANDALONE_POLL_MS: u32 = 3_000;

/// The team controller as the component holds it.
pub type SharedTeam = Rc<RefCell<TeamState>>;

/// The node subscription of the team shown.
struct NodeSubscription {
    node: String,
    /// The invokeID of the `SubscribeNodeReq` (finesse.js sends it as the unsubscribe's subid).
    invoke_id: String,
    /// The topic the master publishes the node's notifications on.
    _items: Subscription,
    /// The answer topic, until the answer came.
    answer: Option<Subscription>,
}

/// What the team half holds.
pub struct TeamState {
    /// The roster of the team shown.
    pub roster: Roster,
    /// The team chosen (the roster may still be loading it).
    pub chosen: Option<TeamId>,
    /// Whether signed-out agents are listed (`includeLoggedOutAgents`).
    pub include_logged_out: bool,
    /// The sort order.
    pub sort: Sort,
    /// The filter text.
    pub filter: String,
    /// The selected member's login id.
    pub selected: Option<String>,
    /// The team is being read.
    pub loading: bool,
    /// What went wrong with the team, in words.
    pub error: Option<Text>,
    rest: Fetch,
    auth: Auth,
    hub: Option<GadgetHub>,
    node: Option<NodeSubscription>,
    /// Notifications that arrived before the team's GET answer.
    early: Vec<(String, Update)>,
    /// Counts GETs, so an answer for a team no longer chosen is dropped.
    generation: u64,
    poll: Option<Interval>,
    frame_pending: bool,
    /// Changes since the last render, waiting for the frame's callback.
    dirty: bool,
    /// The callback time of the frame whose callback is rendering now (probe only).
    in_frame: Option<f64>,
    render: Rc<dyn Fn()>,
    me: Weak<RefCell<Self>>,
    /// Set by a benchmark page (`window.__teamPerformanceProbe`, an array): for every update of
    /// the team node, its arrival time and the time of the first animation frame after the render
    /// that applied it are pushed (pairs, `perf_now`); `wasmBytes` gets the module's memory size.
    probe: Option<js_sys::Array>,
    unpainted: Vec<f64>,
    _pagehide: Option<Closure<dyn FnMut()>>,
}

/// A fresh invoke id for the master, in the form of a request id.
fn random_id() -> String {
    RequestId::from_random(call_control::controller::random()).as_str().to_owned()
}

/// High-resolution time on the page's time line, comparable across the frames of a page
/// (`performance.timeOrigin + performance.now()`).
pub fn perf_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.time_origin() + p.now())
}

/// Starts the team half; `render` re-renders the gadget.
pub fn start(rest: Fetch, auth: Auth, hub: Option<GadgetHub>, render: Rc<dyn Fn()>) -> SharedTeam {
    let probe = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"__teamPerformanceProbe".into()).ok())
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok());
    let shared = Rc::new(RefCell::new(TeamState {
        roster: Roster::default(),
        chosen: None,
        include_logged_out: false,
        sort: Sort::default(),
        filter: String::new(),
        selected: None,
        loading: false,
        error: None,
        rest,
        auth,
        hub,
        node: None,
        early: Vec::new(),
        generation: 0,
        poll: None,
        frame_pending: false,
        dirty: false,
        in_frame: None,
        render,
        me: Weak::new(),
        probe,
        unpainted: Vec::new(),
        _pagehide: None,
    }));
    shared.borrow_mut().me = Rc::downgrade(&shared);
    // The gadget's document going away (the frame navigated or reloaded) ends the node
    // subscription, so the master stops listening for a team nobody shows.
    let weak = Rc::downgrade(&shared);
    let pagehide = Closure::<dyn FnMut()>::new(move || {
        if let Some(shared) = weak.upgrade() {
            shared.borrow_mut().unsubscribe_node();
        }
    });
    // `beforeunload` first: a message posted while the document is still the frame's active one
    // reaches the container (one posted from `pagehide`, at commit, arrives with no source and is
    // dropped by the container's origin checks); `pagehide` covers documents that skip it.
    if let Some(window) = web_sys::window() {
        for event in ["beforeunload", "pagehide"] {
            let _ =
                window.add_event_listener_with_callback(event, pagehide.as_ref().unchecked_ref());
        }
    }
    shared.borrow_mut()._pagehide = Some(pagehide);
    shared
}

/// Runs `f` on the team state, then re-renders now (a user's action).
pub fn update(shared: &SharedTeam, f: impl FnOnce(&mut TeamState)) {
    let render = {
        let mut t = shared.borrow_mut();
        f(&mut t);
        Rc::clone(&t.render)
    };
    render();
}

impl TeamState {
    /// The node of the chosen team.
    fn chosen_node(&self) -> Option<String> {
        self.chosen.as_ref().map(Roster::node)
    }

    /// Sends `UnsubscribeNodeReq` for the current node (the answer is not awaited).
    fn unsubscribe_node(&mut self) {
        let (Some(node), Some(hub)) = (self.node.take(), self.hub) else { return };
        let request = HubRequest::UnsubscribeNode {
            node: node.node,
            invoke_id: InvokeId::String(random_id()),
            subid: Some(node.invoke_id),
        };
        if let Err(e) = hub.publish(REQUESTS, request.to_json()) {
            web_sys::console::warn_1(&format!("could not unsubscribe the team node: {e}").into());
        }
    }

    /// Called after the DOM was updated (the render took `render_ms`): notes it for the probe.
    pub fn rendered(&mut self, render_ms: f64) {
        let Some(probe) = &self.probe else { return };
        if let Ok(renders) = js_sys::Reflect::get(probe, &"renders".into())
            && let Ok(renders) = renders.dyn_into::<js_sys::Array>()
        {
            renders.push(&render_ms.into());
        }
        if self.unpainted.is_empty() {
            return;
        }
        let arrived = std::mem::take(&mut self.unpainted);
        // Two stamps per update: the next animation frame after this render (`probe`, pairs of
        // arrival and frame), and the frame that paints it (`probe.paintFrame`, pairs of arrival
        // and that frame's callback time): for a render in a frame's callbacks (Yew renders in a
        // microtask, before the frame is painted), that frame; for any other, the next one.
        let (probe, window) = (self.probe.clone(), web_sys::window());
        let Some(window) = window else { return };
        let next_frame = {
            let (probe, arrived) = (probe.clone(), arrived.clone());
            Closure::once_into_js(move || {
                let frame = perf_now();
                if let Some(probe) = probe {
                    for at in arrived {
                        probe.push(&at.into());
                        probe.push(&frame.into());
                    }
                    let memory = wasm_bindgen::memory();
                    if let Ok(buffer) = js_sys::Reflect::get(&memory, &"buffer".into())
                        && let Ok(bytes) = js_sys::Reflect::get(&buffer, &"byteLength".into())
                    {
                        let _ = js_sys::Reflect::set(&probe, &"wasmBytes".into(), &bytes);
                    }
                }
            })
        };
        let _ = window.request_animation_frame(next_frame.unchecked_ref());
        let paint_frame = move |frame: f64| {
            let list = probe
                .and_then(|p| js_sys::Reflect::get(&p, &"paintFrame".into()).ok())
                .and_then(|l| l.dyn_into::<js_sys::Array>().ok());
            if let Some(list) = list {
                for at in arrived {
                    list.push(&at.into());
                    list.push(&frame.into());
                }
            }
        };
        match self.in_frame {
            Some(frame) => paint_frame(frame),
            None => {
                let later = Closure::once_into_js(move || paint_frame(perf_now()));
                let _ = window.request_animation_frame(later.unchecked_ref());
            }
        }
    }

    /// After a change of the roster: the first change since the last frame renders at once
    /// (it is painted in the coming frame); later ones in the same frame are rendered together
    /// at that frame's animation callback (still before its paint). So a change waits at most
    /// one frame, and a burst costs at most two renders a frame.
    fn changed(&mut self) -> Option<Rc<dyn Fn()>> {
        if self.frame_pending {
            self.dirty = true;
            return None;
        }
        self.frame_pending = true;
        self.dirty = false;
        let weak = self.me.clone();
        let callback = Closure::once_into_js(move || {
            if let Some(shared) = weak.upgrade() {
                let render = {
                    let mut t = shared.borrow_mut();
                    t.frame_pending = false;
                    let dirty = std::mem::take(&mut t.dirty);
                    if dirty && t.probe.is_some() {
                        // This frame's callback renders: it is painted in this frame.
                        t.in_frame = Some(perf_now());
                    }
                    dirty.then(|| Rc::clone(&t.render))
                };
                if let Some(render) = render {
                    render();
                    // Yew renders in a microtask queued by `render`; this one runs after it.
                    let weak = Rc::downgrade(&shared);
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Some(shared) = weak.upgrade() {
                            shared.borrow_mut().in_frame = None;
                        }
                    });
                }
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(callback.unchecked_ref());
        }
        Some(Rc::clone(&self.render))
    }
}

/// Shows team `team` (none: nothing): unsubscribes the old team's node, subscribes the new
/// one, then reads the team.
pub fn choose(shared: &SharedTeam, team: Option<TeamId>) {
    let hub = {
        let mut t = shared.borrow_mut();
        if t.chosen == team && (t.node.is_some() || t.hub.is_none()) && t.error.is_none() {
            return;
        }
        t.unsubscribe_node();
        t.chosen = team.clone();
        t.roster.clear();
        t.selected = None;
        t.early.clear();
        t.error = None;
        t.poll = None;
        t.hub
    };
    let Some(team) = team else {
        update(shared, |_| {});
        return;
    };
    match hub {
        Some(hub) => subscribe_node(shared, hub, &team),
        None => {
            // Standalone: no notifications, so the team is read again now and then.
            let weak = Rc::downgrade(shared);
            let poll = Interval::new(STANDALONE_POLL_MS, move || {
                if let Some(shared) = weak.upgrade() {
                    load(&shared);
                }
            });
            shared.borrow_mut().poll = Some(poll);
            load(shared);
        }
    }
}

/// Listens on the team's topic and asks the master to subscribe to its node; reads the team
/// once the master answered.
fn subscribe_node(shared: &SharedTeam, hub: GadgetHub, team: &TeamId) {
    let node = Roster::node(team);
    let invoke_id = random_id();
    let answering = invoke_id.clone();
    let subscribed = listen(shared, hub, &node_to_topic(&node), on_item).and_then(|items| {
        let on_answer = move |shared: &SharedTeam, _: &str, payload: &Value| {
            on_answer(shared, &answering, payload);
        };
        let answer = listen(shared, hub, &format!("{RESPONSES_PREFIX}{invoke_id}"), on_answer)?;
        Ok((items, answer))
    });
    let (items, answer) = match subscribed {
        Ok(pair) => pair,
        Err(e) => {
            update(shared, |t| {
                let text = Text::new("Could not listen for the team's changes: {error}.");
                t.error = Some(text.with("error", e.to_string()));
            });
            return;
        }
    };
    shared.borrow_mut().node = Some(NodeSubscription {
        node: node.clone(),
        invoke_id: invoke_id.clone(),
        _items: items,
        answer: Some(answer),
    });
    let request = HubRequest::SubscribeNode { node, invoke_id: InvokeId::String(invoke_id) };
    if let Err(e) = hub.publish(REQUESTS, request.to_json()) {
        let text = Text::new("Could not ask for the team's changes: {error}.");
        update(shared, |t| t.error = Some(text.with("error", e.to_string())));
    }
    update(shared, |t| t.loading = true);
}

/// The master's answer to the `SubscribeNodeReq`.
fn on_answer(shared: &SharedTeam, invoke_id: &str, payload: &Value) {
    // The first answer is the only one: its subscription ends (as finesse.js does).
    let answer = {
        let mut t = shared.borrow_mut();
        match t.node.as_mut() {
            Some(node) if node.invoke_id == invoke_id => node.answer.take(),
            _ => None,
        }
    };
    let Some(answer) = answer else { return };
    drop(answer);
    match Response::from_json(payload) {
        Some(Response::Success) => load(shared),
        other => {
            let why = match other {
                // The master's words, as it sent them.
                Some(Response::Error { message, .. }) => Arg::Verbatim(message),
                Some(Response::Xmpp { .. }) => {
                    Text::new("the notification server refused it").into()
                }
                _ => Text::new("the answer was not understood").into(),
            };
            // Without live changes the roster would go stale: say so, and read it anyway.
            update(shared, |t| {
                let text = Text::new("The team's changes cannot be followed live ({why}).");
                t.error = Some(text.with("why", why));
            });
            load(shared);
        }
    }
}

/// A notification of the team's node.
fn on_item(shared: &SharedTeam, topic: &str, payload: &Value) {
    let Some(notification) = Notification::from_json(payload) else { return };
    let (node, xml) = notification.parts();
    let node = node.map_or_else(|| finesse_hub::topic::topic_to_node(topic), str::to_owned);
    let Ok(update_) = decode::<Update>(xml) else {
        // Something was missed: read the team again.
        load(shared);
        return;
    };
    let render = {
        let mut t = shared.borrow_mut();
        if t.probe.is_some() {
            let now = perf_now();
            t.unpainted.push(now);
        }
        if t.roster.team().is_none() {
            if t.chosen_node().as_deref() == Some(node.as_str()) {
                t.early.push((node, update_));
            }
            return;
        }
        if !t.roster.apply_update(&node, &update_) {
            return;
        }
        t.changed()
    };
    if let Some(render) = render {
        render();
    }
}

/// Reads the chosen team (`includeLoggedOutAgents` as chosen) and replays what arrived before.
pub fn load(shared: &SharedTeam) {
    let (team, include, rest, auth, generation) = {
        let mut t = shared.borrow_mut();
        let Some(team) = t.chosen.clone() else { return };
        t.generation += 1;
        t.loading = true;
        (team, t.include_logged_out, t.rest.clone(), t.auth.clone(), t.generation)
    };
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let base = Request::get_team(&team);
        let request =
            Request::new(Method::Get, format!("{}?includeLoggedOutAgents={include}", base.path));
        let answer = rest.send(&request, Some(&auth)).await;
        let result = answer.and_then(|(status, body)| interpret::<TeamModel>(status, &body));
        update(&shared, |t| {
            if t.generation != generation || t.chosen.as_ref() != Some(&team) {
                return; // another team (or another read) since
            }
            t.loading = false;
            match result {
                Ok(model) => {
                    t.roster.apply_team(model, t.include_logged_out);
                    for (node, update_) in std::mem::take(&mut t.early) {
                        t.roster.apply_update(&node, &update_);
                    }
                    if t.selected.as_ref().is_some_and(|id| t.roster.member(id).is_none()) {
                        t.selected = None;
                    }
                }
                Err(e) => {
                    let what = Text::new("read team {team}").with("team", team.to_string());
                    t.error = Some(Failure::from_rest(Some(what), &e).text);
                }
            }
        });
    });
}

/// Ends the node subscription when the gadget goes (the component unmounts).
impl Drop for TeamState {
    fn drop(&mut self) {
        self.unsubscribe_node();
    }
}
