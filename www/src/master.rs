//! The desktop's master (OPENSOCIAL.md §7): one notification connection for the whole page
//! (`finesse-xmpp-web`), wired to the hub by `finesse-hub`'s [`Bridge`]: items republished on
//! `finesse.api.*`, `finesse.info.requests` answered, the connection status published on every
//! change, the 1 s timer tick.
//!
//! Run loop: every input (a client event, a queued hub request, the master's timer) goes
//! through [`Glue::run`], which takes the bridge, feeds it everything pending, and re-arms the
//! timer from `poll_timeout`. An input that arrives while the bridge is busy (the driver
//! delivering an event from inside a command) is queued and picked up by the same run.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use finesse_hub::{Bridge, Command, Hub, Master, Subscription, XmppControl};
use finesse_xmpp::Millis;
use finesse_xmpp::client::{ClientConfig, CommandError, Endpoint, Event};
use finesse_xmpp_web::WebDriver;
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use yew::Callback;

use crate::container::ContainerHub;
use crate::session::Session;

/// Milliseconds on the page's monotonic clock.
fn now() -> Millis {
    let ms = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "ms since page load"
    )]
    let ms = ms.max(0.0) as Millis;
    ms
}

/// Wall-clock epoch milliseconds (for the timer tick's `dateQueued`).
fn wall_clock() -> i64 {
    #[allow(clippy::cast_possible_truncation, reason = "epoch ms fit in i64")]
    let ms = js_sys::Date::now() as i64;
    ms
}

/// The master's commands carried out on the browser driver.
struct DriverControl<'a>(&'a WebDriver);

impl XmppControl for DriverControl<'_> {
    fn execute(&mut self, command: &Command, _now: Millis) -> Result<(), CommandError> {
        match command {
            Command::Subscribe(node) => self.0.subscribe(node),
            Command::Unsubscribe(node) => self.0.unsubscribe(node),
            Command::Connect => {
                self.0.connect();
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

struct Core {
    bridge: Bridge<ContainerHub>,
    driver: Option<WebDriver>,
    timer: Option<Timeout>,
}

struct Glue {
    core: RefCell<Option<Core>>,
    events: RefCell<VecDeque<Event>>,
    requests_waiting: std::cell::Cell<bool>,
    this: Weak<Self>,
}

impl Glue {
    /// Feeds the bridge everything pending; returns at once when called re-entrantly.
    fn run(&self) {
        let Ok(mut core) = self.core.try_borrow_mut() else { return };
        let Some(core) = core.as_mut() else { return };
        loop {
            let event = self.events.borrow_mut().pop_front();
            let Some(driver) = core.driver.as_ref() else { return };
            let mut control = DriverControl(driver);
            if let Some(event) = event {
                core.bridge.handle_client_event(&event, now(), &mut control);
            } else if self.requests_waiting.replace(false) {
                core.bridge.pump(now(), &mut control);
            } else {
                break;
            }
        }
        core.timer = core.bridge.poll_timeout().map(|at| {
            let delay = u32::try_from(at.saturating_sub(now())).unwrap_or(u32::MAX);
            let this = self.this.clone();
            Timeout::new(delay, move || {
                if let Some(glue) = this.upgrade() {
                    glue.on_timer();
                }
            })
        });
    }

    fn on_timer(&self) {
        if let Ok(mut core) = self.core.try_borrow_mut()
            && let Some(core) = core.as_mut()
            && let Some(driver) = core.driver.as_ref()
        {
            core.bridge.handle_timeout(now(), wall_clock(), &mut DriverControl(driver));
        }
        self.run();
    }
}

/// The running master; shuts the connection down when dropped.
pub struct MasterHandle {
    glue: Rc<Glue>,
    _status: Subscription,
    _unload: Option<EventListener>,
}

impl PartialEq for MasterHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.glue, &other.glue)
    }
}

impl MasterHandle {
    /// Starts the master on `hub` with the session's credentials: WebSocket (`/ws`) on the
    /// page's origin first, BOSH (`/http-bind`) as the fallback. `on_status` receives every
    /// status the master publishes on `finesse.info.connection`.
    pub fn start(
        hub: &ContainerHub,
        session: &Session,
        on_status: Callback<String>,
    ) -> Result<Self, String> {
        let status = hub
            .subscribe(
                finesse_hub::topic::CONNECTION,
                Box::new(move |_, info| {
                    if let Some(s) = info.get("status").and_then(|s| s.as_str()) {
                        on_status.emit(s.to_owned());
                    }
                }),
            )
            .map_err(|e| e.to_string())?;
        let glue = Rc::new_cyclic(|this: &Weak<Glue>| Glue {
            core: RefCell::new(None),
            events: RefCell::default(),
            requests_waiting: std::cell::Cell::new(false),
            this: this.clone(),
        });
        let on_request = {
            let glue = Rc::downgrade(&glue);
            move || {
                let Some(g) = glue.upgrade() else { return };
                g.requests_waiting.set(true);
                // Not from inside the hub's delivery: on the next microtask.
                let glue = glue.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(g) = glue.upgrade() {
                        g.run();
                    }
                });
            }
        };
        let bridge =
            Bridge::new(hub.clone(), Master::new(now()), on_request).map_err(|e| e.to_string())?;
        let origin = crate::page_origin();
        let ws = format!("{}/ws", origin.replacen("http", "ws", 1));
        let bosh = format!("{origin}/http-bind");
        let password = match &session.auth {
            finesse_rest::Auth::Basic { password, .. } => password.clone(),
            finesse_rest::Auth::Bearer(token) => token.clone(),
        };
        let domain = session.system.xmpp_domain.clone().unwrap_or_default();
        let mut config = ClientConfig::new(
            session.user_id.as_str(),
            password,
            domain,
            vec![Endpoint::websocket(ws), Endpoint::bosh(bosh)],
        );
        if let Some(pubsub) = session.system.xmpp_pub_sub_domain.clone().filter(|p| !p.is_empty()) {
            config.pubsub_domain = pubsub;
        }
        let on_event = {
            let glue = Rc::downgrade(&glue);
            move |event: Event| {
                if let Some(g) = glue.upgrade() {
                    g.events.borrow_mut().push_back(event);
                    g.run();
                }
            }
        };
        *glue.core.borrow_mut() = Some(Core { bridge, driver: None, timer: None });
        let driver = WebDriver::start(config, on_event).map_err(|e| e.to_string())?;
        if let Some(core) = glue.core.borrow_mut().as_mut() {
            core.driver = Some(driver);
        }
        glue.run();
        let unload = web_sys::window().map(|w| {
            let glue = Rc::downgrade(&glue);
            EventListener::new(&w, "pagehide", move |_| {
                if let Some(g) = glue.upgrade()
                    && let Ok(core) = g.core.try_borrow()
                    && let Some(driver) = core.as_ref().and_then(|c| c.driver.as_ref())
                {
                    driver.unload();
                }
            })
        });
        Ok(Self { glue, _status: status, _unload: unload })
    }

    /// Ends the connection cleanly (unsubscribe, then terminate); the statuses down to
    /// `disconnected` are still published.
    pub fn shutdown(&self) {
        if let Ok(core) = self.glue.core.try_borrow()
            && let Some(driver) = core.as_ref().and_then(|c| c.driver.as_ref())
        {
            driver.shutdown();
        }
    }
}

impl Drop for MasterHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
