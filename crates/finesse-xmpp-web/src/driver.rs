//! The driver's state and its transports. Everything runs on the host's event loop: every
//! input (a fetch settling, a socket event, the timer, a command) borrows the state, feeds the
//! client, drains it (the drain invariant), re-arms the single timer, releases the borrow, and
//! only then hands the queued events to the application. The application's callback therefore
//! never runs while the state is borrowed, and may call the driver (or drop it) freely.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};

use finesse_xmpp::Millis;
use finesse_xmpp::client::{Client, ConnectionStatus, Event, Transmit};
use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::sys::{self, HostClock};

/// The application's event handler.
pub(crate) type Callback = Box<dyn FnMut(Event)>;

/// What the handle and every host callback share.
pub(crate) struct Shared {
    pub(crate) state: RefCell<State>,
    callback: RefCell<Option<Callback>>,
    /// The handle is gone: deliver nothing more.
    silenced: Cell<bool>,
}

thread_local! {
    /// Drivers alive in this thread (see `WebDriver::instances`).
    pub(crate) static INSTANCES: Cell<usize> = const { Cell::new(0) };
}

impl Drop for Shared {
    fn drop(&mut self) {
        INSTANCES.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

impl Shared {
    pub(crate) fn new(client: Client, callback: Callback) -> Rc<Self> {
        INSTANCES.with(|n| n.set(n.get() + 1));
        let clock = HostClock::new();
        let origin = clock.now();
        Rc::new(Self {
            state: RefCell::new(State {
                client,
                clock,
                origin,
                timer: None,
                requests: HashMap::new(),
                socket: None,
                next_conn: 0,
                queue: VecDeque::new(),
                keepalive: None,
                unloading: false,
            }),
            callback: RefCell::new(Some(callback)),
            silenced: Cell::new(false),
        })
    }

    /// Stops delivering events (the handle was dropped).
    pub(crate) fn silence(&self) {
        self.silenced.set(true);
        if let Ok(mut callback) = self.callback.try_borrow_mut() {
            callback.take();
        }
    }
}

/// The driver's state, behind the [`Shared`] `RefCell`.
pub(crate) struct State {
    pub(crate) client: Client,
    clock: HostClock,
    origin: f64,
    /// The armed timer and the client time it is for.
    timer: Option<(Millis, Timeout)>,
    /// BOSH requests in flight (their abort controllers, where the host has them).
    requests: HashMap<u64, Option<web_sys::AbortController>>,
    socket: Option<Socket>,
    next_conn: u64,
    queue: VecDeque<Event>,
    /// Keeps the state alive after the handle is dropped, until the shutdown is over.
    pub(crate) keepalive: Option<Rc<Shared>>,
    /// Requests from now on must outlive the page (`fetch(…, { keepalive: true })`).
    pub(crate) unloading: bool,
}

impl Drop for State {
    fn drop(&mut self) {
        for controller in self.requests.drain().filter_map(|(_, c)| c) {
            controller.abort();
        }
        // The timer (`Timeout`) and the socket (`Socket`) cancel and close on drop.
    }
}

impl State {
    pub(crate) fn now(&self) -> Millis {
        // Milliseconds since the driver started; whole milliseconds are all the core needs.
        #[allow(clippy::cast_possible_truncation, reason = "a duration in ms, far below 2^63")]
        let ms = (self.clock.now() - self.origin).max(0.0) as Millis;
        ms
    }

    /// The drain invariant: everything the client has to send, then everything it has to say,
    /// then the timer. Returns the keep-alive reference when it can be released (the caller
    /// drops it after releasing the borrow).
    fn drain(&mut self, weak: &Weak<Shared>) -> Option<Rc<Shared>> {
        loop {
            if let Some(transmit) = self.client.poll_transmit() {
                self.execute(transmit, weak);
            } else if let Some(event) = self.client.poll_event() {
                self.queue.push_back(event);
            } else {
                break;
            }
        }
        self.arm_timer(weak);
        if self.keepalive.is_some() && self.client.status() == ConnectionStatus::Disconnected {
            self.timer = None;
            self.socket = None;
            return self.keepalive.take();
        }
        None
    }

    fn arm_timer(&mut self, weak: &Weak<Shared>) {
        let Some(at) = self.client.poll_timeout() else {
            self.timer = None;
            return;
        };
        if self.timer.as_ref().is_some_and(|(armed, _)| *armed == at) {
            return;
        }
        let delay = u32::try_from(at.saturating_sub(self.now()).clamp(0, Millis::from(i32::MAX)))
            .unwrap_or(0);
        let weak = weak.clone();
        let timeout = Timeout::new(delay, move || {
            if let Some(shared) = weak.upgrade() {
                with_state(&shared, |state, now| {
                    state.timer = None;
                    state.client.handle_timeout(now);
                });
            }
        });
        // Replacing the previous timer cancels it.
        self.timer = Some((at, timeout));
    }

    fn execute(&mut self, transmit: Transmit, weak: &Weak<Shared>) {
        match transmit {
            Transmit::HttpRequest { id, url, body } => self.post(id, &url, &body, weak),
            Transmit::HttpAbort { id } => {
                if let Some(Some(controller)) = self.requests.remove(&id) {
                    controller.abort();
                }
            }
            Transmit::WsOpen { url } => {
                self.socket = None;
                self.next_conn += 1;
                match Socket::open(self.next_conn, &url, weak) {
                    Ok(socket) => self.socket = Some(socket),
                    Err(_) => {
                        // An invalid URL: the socket "closed" before it opened.
                        let now = self.now();
                        self.client.handle_ws_closed(now);
                    }
                }
            }
            Transmit::WsSend(text) => {
                let sent = self.socket.as_ref().is_some_and(|s| s.ws.send_with_str(&text).is_ok());
                if !sent {
                    // Not open (or closing): the connection is lost for the client.
                    self.socket = None;
                    let now = self.now();
                    self.client.handle_ws_closed(now);
                }
            }
            Transmit::WsClose => self.socket = None,
            // Unknown work from a newer core: nothing this driver can do.
            _ => {}
        }
    }

    /// Starts a BOSH request: `fetch` with an abort controller; its outcome comes back through
    /// [`with_state`].
    fn post(&mut self, id: u64, url: &str, body: &str, weak: &Weak<Shared>) {
        let controller = web_sys::AbortController::new().ok();
        let promise = build_request(url, body, controller.as_ref(), self.unloading)
            .map(|request| sys::fetch(&request));
        let Ok(promise) = promise else {
            // The request could not even be built: a failure without an HTTP answer.
            let now = self.now();
            self.client.handle_http_failure(id, now);
            return;
        };
        self.requests.insert(id, controller);
        let weak = weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = read_response(promise).await;
            let Some(shared) = weak.upgrade() else { return };
            with_state(&shared, |state, now| {
                if state.requests.remove(&id).is_none() {
                    return; // aborted or abandoned
                }
                match outcome {
                    Some((status, text)) => {
                        state.client.handle_http_response(id, status, &text, now)
                    }
                    None => state.client.handle_http_failure(id, now),
                }
            });
        });
    }

    pub(crate) fn on_socket(&mut self, conn: u64, what: SocketEvent) {
        if self.socket.as_ref().is_none_or(|s| s.conn != conn) {
            return; // a socket the client already closed
        }
        let now = self.now();
        match what {
            SocketEvent::Open => self.client.handle_ws_open(now),
            SocketEvent::Message(text) => self.client.handle_ws_message(&text, now),
            SocketEvent::Closed => {
                self.socket = None;
                self.client.handle_ws_closed(now);
            }
        }
    }
}

fn build_request(
    url: &str,
    body: &str,
    controller: Option<&web_sys::AbortController>,
    keepalive: bool,
) -> Result<web_sys::Request, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new()?;
    headers.set("Content-Type", "text/xml; charset=utf-8")?;
    init.set_headers(&headers);
    if let Some(controller) = controller {
        init.set_signal(Some(&controller.signal()));
    }
    if keepalive {
        // Not in web-sys' RequestInit: the request survives the page (fetch keepalive).
        js_sys::Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE)?;
    }
    web_sys::Request::new_with_str_and_init(url, &init)
}

/// The status and text of a fetch; `None` when it failed without an HTTP answer (network
/// error, CORS refusal, abort).
async fn read_response(promise: js_sys::Promise) -> Option<(u16, String)> {
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let status = response.status();
    let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
    Some((status, text))
}

/// Feeds one input to the client (`f`), then drains it and delivers the events.
pub(crate) fn with_state<R>(shared: &Rc<Shared>, f: impl FnOnce(&mut State, Millis) -> R) -> R {
    let (result, released) = {
        let mut state = shared.state.borrow_mut();
        let now = state.now();
        let result = f(&mut state, now);
        let released = state.drain(&Rc::downgrade(shared));
        (result, released)
    };
    // Released after the borrow: this may be the last reference to the state.
    drop(released);
    dispatch(shared);
    result
}

/// Hands the queued events to the application's callback, outside any borrow of the state.
/// A nested call (from inside the callback) returns at once; the outer one delivers.
fn dispatch(shared: &Rc<Shared>) {
    let Ok(mut callback) = shared.callback.try_borrow_mut() else { return };
    loop {
        if shared.silenced.get() {
            callback.take();
            shared.state.borrow_mut().queue.clear();
            return;
        }
        let Some(event) = shared.state.borrow_mut().queue.pop_front() else { return };
        if let Some(callback) = callback.as_mut() {
            callback(event);
        }
    }
}

/// What a socket reported.
pub(crate) enum SocketEvent {
    Open,
    Message(String),
    Closed,
}

/// An open (or opening) WebSocket with its handlers; closing it on drop, without reporting.
struct Socket {
    conn: u64,
    ws: web_sys::WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_close: Closure<dyn FnMut(web_sys::CloseEvent)>,
}

impl Socket {
    /// Opens `url` with the subprotocol `xmpp` (RFC 7395 §3.1).
    fn open(conn: u64, url: &str, weak: &Weak<Shared>) -> Result<Self, JsValue> {
        let ws = web_sys::WebSocket::new_with_str(url, "xmpp")?;
        let w = weak.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            report(&w, conn, SocketEvent::Open);
        });
        let w = weak.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                // RFC 7395 frames are text; anything else is not XMPP.
                if let Some(text) = e.data().as_string() {
                    report(&w, conn, SocketEvent::Message(text));
                }
            });
        let w = weak.clone();
        // An `error` event is always followed by `close`: the close is what counts.
        let on_close = Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |_| {
            report(&w, conn, SocketEvent::Closed);
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self { conn, ws, _on_open: on_open, _on_message: on_message, _on_close: on_close })
    }
}

/// Feeds what socket `conn` reported to the client, if the driver still exists.
fn report(weak: &Weak<Shared>, conn: u64, what: SocketEvent) {
    if let Some(shared) = weak.upgrade() {
        with_state(&shared, |state, _| state.on_socket(conn, what));
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        if matches!(
            self.ws.ready_state(),
            web_sys::WebSocket::CONNECTING | web_sys::WebSocket::OPEN
        ) {
            let _ = self.ws.close();
        }
    }
}
