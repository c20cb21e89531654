//! The master in a browser page: [`MasterDriver`] runs a [`Bridge`] over any [`Hub`] with one
//! notification connection of its own (`finesse-xmpp-web`'s [`WebDriver`]). Our desktop runs
//! it over the page side of its hub; the connection gadget over
//! [`GadgetHub`](crate::gadgets::GadgetHub) in a third-party container.
//!
//! Run loop: every input (a client event, a queued hub request, the master's timer) goes
//! through one `run`, which takes the bridge, feeds it everything pending, and re-arms the
//! single timer from `poll_timeout` (the drain invariant of the [crate documentation](crate)).
//! An input that arrives while the bridge is busy (the driver delivering an event from inside
//! a command) is queued and picked up by the same run. Hub requests are handled on the next
//! microtask, never from inside the hub's delivery.
//!
//! Compiles on every target; starting fails outside a JavaScript host.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::{Rc, Weak};

use finesse_xmpp::Millis;
use finesse_xmpp::client::{ClientConfig, CommandError, ConnectionStatus, Endpoint, Event};
use finesse_xmpp_web::{StartError, WebDriver};
use gloo::events::EventListener;
use gloo::timers::callback::Timeout;

use crate::bridge::{Bridge, XmppControl};
use crate::hub::{Hub, HubError};
use crate::master::{Command, Master};

/// The notification endpoints of a Finesse server at `origin` (`https://host:port`), in the
/// order the desktop tries them: WebSocket `/ws` (`wss` for `https`), then BOSH `/http-bind`.
pub fn endpoints(origin: &str) -> Vec<Endpoint> {
    let origin = origin.trim_end_matches('/');
    let ws = match origin.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}/ws"),
        Some((_, rest)) => format!("ws://{rest}/ws"),
        None => format!("ws://{origin}/ws"),
    };
    vec![Endpoint::websocket(ws), Endpoint::bosh(format!("{origin}/http-bind"))]
}

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
        }
    }
}

struct Core<H: Hub> {
    bridge: Bridge<H>,
    driver: Option<WebDriver>,
    timer: Option<Timeout>,
}

struct Glue<H: Hub> {
    core: RefCell<Option<Core<H>>>,
    events: RefCell<VecDeque<Event>>,
    requests_waiting: Cell<bool>,
    this: Weak<Self>,
}

impl<H: Hub + 'static> Glue<H> {
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

    fn with_driver(&self, f: impl FnOnce(&WebDriver)) {
        if let Ok(core) = self.core.try_borrow()
            && let Some(driver) = core.as_ref().and_then(|c| c.driver.as_ref())
        {
            f(driver);
        }
    }
}

/// Why the master could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MasterError {
    /// The hub refused the `finesse.info.requests` subscription.
    Hub(HubError),
    /// The notification client could not start (bad configuration, or not in a browser).
    Start(StartError),
}

impl fmt::Display for MasterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hub(e) => write!(f, "the hub refused the master's subscription ({e})"),
            Self::Start(e) => write!(f, "the notification connection could not start: {e}"),
        }
    }
}

impl std::error::Error for MasterError {}

/// The running master: one notification connection, wired to a hub. Dropping it ends the
/// connection (unsubscribe, then terminate, as the guide asks); the page's `pagehide` sends
/// the unload burst instead.
#[must_use = "dropping the master ends its notification connection"]
pub struct MasterDriver<H: Hub + 'static> {
    glue: Rc<Glue<H>>,
    _unload: Option<EventListener>,
}

impl<H: Hub + 'static> fmt::Debug for MasterDriver<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterDriver").field("status", &self.status()).finish_non_exhaustive()
    }
}

impl<H: Hub + 'static> MasterDriver<H> {
    /// Starts a master on `hub` and its notification client for `config` (see [`endpoints`]);
    /// it answers `finesse.info.requests` from now on and publishes every status on
    /// `finesse.info.connection`.
    pub fn start(hub: H, config: ClientConfig) -> Result<Self, MasterError> {
        if !cfg!(target_arch = "wasm32") {
            return Err(MasterError::Start(StartError::Unsupported));
        }
        let glue = Rc::new_cyclic(|this: &Weak<Glue<H>>| Glue {
            core: RefCell::new(None),
            events: RefCell::default(),
            requests_waiting: Cell::new(false),
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
        let bridge = Bridge::new(hub, Master::new(now()), on_request).map_err(MasterError::Hub)?;
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
        let driver = WebDriver::start(config, on_event).map_err(MasterError::Start)?;
        if let Some(core) = glue.core.borrow_mut().as_mut() {
            core.driver = Some(driver);
        }
        glue.run();
        let unload = web_sys::window().map(|w| {
            let glue = Rc::downgrade(&glue);
            EventListener::new(&w, "pagehide", move |_| {
                if let Some(g) = glue.upgrade() {
                    g.with_driver(WebDriver::unload);
                }
            })
        });
        Ok(Self { glue, _unload: unload })
    }

    /// The status the master last published (`None` before the first).
    pub fn status(&self) -> Option<ConnectionStatus> {
        let core = self.glue.core.try_borrow().ok()?;
        core.as_ref()?.bridge.master().status()
    }

    /// Ends the connection cleanly (unsubscribe, then terminate); the statuses down to
    /// `disconnected` are still published while the driver is kept.
    pub fn shutdown(&self) {
        self.glue.with_driver(WebDriver::shutdown);
    }
}

impl<H: Hub + 'static> Drop for MasterDriver<H> {
    fn drop(&mut self) {
        self.shutdown();
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::MemoryHub;

    #[test]
    fn endpoints_are_websocket_then_bosh_on_the_same_origin() {
        assert_eq!(
            endpoints("https://finesse.example:8445"),
            [
                Endpoint::websocket("wss://finesse.example:8445/ws"),
                Endpoint::bosh("https://finesse.example:8445/http-bind"),
            ]
        );
        assert_eq!(
            endpoints("http://127.0.0.1:4000/"),
            [
                Endpoint::websocket("ws://127.0.0.1:4000/ws"),
                Endpoint::bosh("http://127.0.0.1:4000/http-bind")
            ]
        );
    }

    #[test]
    fn starting_outside_a_browser_is_an_error_not_a_panic() {
        let hub = MemoryHub::new();
        let config = ClientConfig::new(
            "1001001",
            "secret",
            "finesse.example",
            endpoints("https://finesse.example:8445"),
        );
        let error = MasterDriver::start(hub.clone(), config).unwrap_err();
        assert_eq!(error, MasterError::Start(StartError::Unsupported));
        assert!(error.to_string().contains("could not start"), "{error}");
        assert_eq!(hub.subscription_count(), 0);
    }
}
