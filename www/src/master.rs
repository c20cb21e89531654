//! The desktop's master (OPENSOCIAL.md §7): one notification connection for the whole page,
//! run by `finesse-hub`'s [`MasterDriver`] over the page's hub: items republished on
//! `finesse.api.*`, `finesse.info.requests` answered, the connection status published on every
//! change, the 1 s timer tick. The connection gadget runs the same driver over `gadgets.Hub`.

use std::rc::Rc;

use finesse_hub::web::{MasterDriver, endpoints};
use finesse_hub::{Hub, Subscription};
use finesse_xmpp::client::ClientConfig;
use yew::Callback;

use crate::container::ContainerHub;
use crate::session::Session;

struct Running {
    driver: MasterDriver<ContainerHub>,
    _status: Subscription,
}

/// The running master; shuts the connection down when dropped.
pub struct MasterHandle {
    running: Rc<Running>,
}

impl PartialEq for MasterHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.running, &other.running)
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
        let password = match &session.auth {
            finesse_rest::Auth::Basic { password, .. } => password.clone(),
            finesse_rest::Auth::Bearer(token) => token.clone(),
        };
        let domain = session.system.xmpp_domain.clone().unwrap_or_default();
        let mut config = ClientConfig::new(
            session.user_id.as_str(),
            password,
            domain,
            endpoints(&crate::page_origin()),
        );
        if let Some(pubsub) = session.system.xmpp_pub_sub_domain.clone().filter(|p| !p.is_empty()) {
            config.pubsub_domain = pubsub;
        }
        let driver = MasterDriver::start(hub.clone(), config).map_err(|e| e.to_string())?;
        Ok(Self { running: Rc::new(Running { driver, _status: status }) })
    }

    /// Ends the connection cleanly (unsubscribe, then terminate); the statuses down to
    /// `disconnected` are still published.
    pub fn shutdown(&self) {
        self.running.driver.shutdown();
    }
}

impl Drop for MasterHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
