//! The connection gadget: what the developer guide asks a third-party OpenSocial container to
//! load so that Finesse gadgets work in it (chapter 8). It is the page's master: it holds the
//! one notification connection and, over the gadget side of the hub (`gadgets.Hub`), publishes
//! what the Finesse desktop's master publishes: the status on `finesse.info.connection`, every
//! item on `finesse.api.<node>`, the answers to `finesse.info.requests` on
//! `finesse.info.responses.<invokeID>`, and the timer tick.
//!
//! 1. It waits for the hub ([`finesse_hub::gadgets::connected`]).
//! 2. It takes the credentials from its prefs, `id` and `authorization` (base64 of
//!    `id:password`, as Finesse gives them); without them it asks for them in a small form.
//! 3. It checks them over REST (`GET User`), reads SystemInfo for the XMPP domain, and starts
//!    the master ([`MasterDriver`]) with WebSocket `/ws`, then BOSH `/http-bind`, on the Finesse
//!    server: the origin the prefs `scheme`/`host`/`hostPort` give, else the document's own.
//! 4. It shows the connection status as text, in the language of its `locale` pref (what the
//!    container gives every gadget), else of the page's `?locale=`.
//!
//! Load it once per page, and not in our desktop or Cisco's (each has its master already).
//! Credentials stay in memory: never in a URL, storage or a log.

use finesse_hub::gadgets::{self, GadgetHub, Prefs, server_origin};
use finesse_hub::payload::Status;
use finesse_hub::topic::CONNECTION;
use finesse_hub::web::{MasterDriver, endpoints};
use finesse_hub::{Hub, Subscription};
use finesse_model::UserId;
use finesse_rest::{Api, Auth, Fetch, Request, Transport, error_of};
use finesse_session::Text;
use finesse_ui::{Locale, SignIn};
use finesse_xmpp::client::ClientConfig;
use yew::prelude::*;

/// A user's credentials, in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user id.
    pub id: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The credentials in Finesse's prefs: `authorization` is base64 of `id:password`. `None` when
/// it is missing or unreadable, or names another user than the `id` pref (when that is set).
pub fn credentials_from_prefs(id: &str, authorization: &str) -> Option<Credentials> {
    gadgets::basic_credential_from_pref(id, authorization)
        .map(|(id, password)| Credentials { id, password })
}

/// The connection status in words, in the gadget's language.
pub fn status_text(status: &str, l: Locale) -> String {
    match Status::parse(status) {
        Status::Connected => l.t("Connected"),
        Status::Connecting => l.t("Connecting…"),
        Status::Reconnecting => l.t("Connection lost, reconnecting…"),
        Status::Disconnecting => l.t("Disconnecting…"),
        Status::Disconnected => l.t("Disconnected"),
        Status::Unloading => l.t("Closing…"),
        Status::Unauthorized => l.t("The notification service refused the credentials"),
        Status::Conflict => l.t("Another client took over this connection"),
        Status::Failing => l.t("Failing over…"),
        Status::Recovered => l.t("Recovered"),
        _ => l.text(&Text::new("Status: {status}").with("status", status)),
    }
}

/// The gadget's language: its `locale` pref, else the page's `?locale=` (standalone).
fn gadget_locale(pref: &str) -> Locale {
    if !pref.is_empty() {
        return Locale::from_tag(pref);
    }
    Locale::from_tag(&gadgets::page_query("locale").unwrap_or_default())
}

/// What the gadget is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for `gadgets.Hub` to connect.
    WaitingForHub,
    /// Asking for the credentials (the id to prefill, and why the last attempt failed).
    SignIn {
        /// The id to prefill.
        id: String,
        /// Why the last attempt failed.
        error: Option<String>,
    },
    /// Checking the credentials and starting the master.
    Starting,
    /// The master runs.
    Running,
    /// Nothing more can be done (no container, a bad preference).
    Failed(String),
}

/// The running master and the gadget's own status subscription.
struct Running {
    _status: Subscription,
    _master: MasterDriver<GadgetHub>,
}

/// The document's own origin.
fn own_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Checks the credentials, reads SystemInfo, starts the master on `hub`; why not, in words.
async fn start(
    hub: GadgetHub,
    origin: String,
    credentials: Credentials,
    on_status: UseStateSetter<Option<String>>,
    l: Locale,
) -> Result<Running, String> {
    let failed = |text: Text, e: &dyn std::fmt::Display| l.text(&text.with("error", e.to_string()));
    let api = Fetch::new(origin.as_str());
    let Credentials { id, password } = credentials;
    let auth = Auth::Basic { user: id.clone(), password: password.clone() };
    let (status, body) = api
        .send(&Request::get_user(&UserId::from(id.as_str())), Some(&auth))
        .await
        .map_err(|e| failed(Text::new("Signing in failed: {error}."), &e))?;
    match status {
        200..=299 => {}
        401 => return Err(l.t("The ID or password is wrong.")),
        _ => {
            return Err(failed(Text::new("Signing in failed: {error}."), &error_of(status, &body)));
        }
    }
    let system = api
        .system_info()
        .await
        .map_err(|e| failed(Text::new("Reading the system information failed: {error}."), &e))?;
    let domain = system
        .xmpp_domain
        .filter(|d| !d.is_empty())
        .ok_or_else(|| l.t("The system information names no XMPP domain."))?;
    let mut config = ClientConfig::new(id, password, domain, endpoints(&origin));
    if let Some(pubsub) = system.xmpp_pub_sub_domain.filter(|p| !p.is_empty()) {
        config.pubsub_domain = pubsub;
    }
    let status = hub
        .subscribe(
            CONNECTION,
            Box::new(move |_, info| {
                if let Some(s) = info.get("status").and_then(|s| s.as_str()) {
                    on_status.set(Some(s.to_owned()));
                }
            }),
        )
        .map_err(|e| failed(Text::new("The hub refused a subscription: {error}."), &e))?;
    let master = MasterDriver::start(hub, config)
        .map_err(|e| failed(Text::new("Starting failed: {error}."), &e))?;
    Ok(Running { _status: status, _master: master })
}

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let phase = use_state_eq(|| Phase::WaitingForHub);
    let status = use_state_eq(|| None::<String>);
    let hub = use_mut_ref(|| None::<GadgetHub>);
    let running = use_mut_ref(|| None::<Running>);
    let server = use_mut_ref(String::new);
    // The language: the page's `?locale=` until the prefs (read with the hub) say otherwise;
    // the phase changes right after, which renders it.
    let locale = use_mut_ref(|| gadget_locale(""));
    let l = *locale.borrow();
    let on_sign_in = {
        let (phase, status, hub, running, server) =
            (phase.clone(), status.clone(), hub.clone(), running.clone(), server.clone());
        let locale = locale.clone();
        Callback::from(move |credentials: Credentials| {
            let Some(h) = *hub.borrow() else { return };
            let l = *locale.borrow();
            phase.set(Phase::Starting);
            let (phase, running, on_status) = (phase.clone(), running.clone(), status.setter());
            let origin = server.borrow().clone();
            wasm_bindgen_futures::spawn_local(async move {
                let id = credentials.id.clone();
                match start(h, origin, credentials, on_status, l).await {
                    Ok(r) => {
                        *running.borrow_mut() = Some(r);
                        phase.set(Phase::Running);
                    }
                    // Back to the form, which says why: fix the credentials, or try again.
                    Err(error) => phase.set(Phase::SignIn { id, error: Some(error) }),
                }
            });
        })
    };
    {
        let (phase, on_sign_in, locale) = (phase.clone(), on_sign_in.clone(), locale.clone());
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                let connected = match gadgets::connected().await {
                    Ok(h) => h,
                    Err(e) => {
                        let text = Text::new("The gadget has no hub: {error}.")
                            .with("error", e.to_string());
                        phase.set(Phase::Failed(l.text(&text)));
                        return;
                    }
                };
                *hub.borrow_mut() = Some(connected);
                // Read after the connection: private prefs (authorization) arrive with it.
                let prefs = Prefs::new().ok();
                let get = |key: &str| prefs.as_ref().map(|p| p.get_string(key)).unwrap_or_default();
                *locale.borrow_mut() = gadget_locale(&get("locale"));
                match server_origin(&get("scheme"), &get("host"), &get("hostPort")) {
                    Ok(origin) => *server.borrow_mut() = origin.unwrap_or_else(own_origin),
                    Err(e) => {
                        let l = *locale.borrow();
                        phase.set(Phase::Failed(l.tr(e.template()).replace("{value}", e.value())));
                        return;
                    }
                }
                let id = get("id");
                match credentials_from_prefs(&id, &get("authorization")) {
                    Some(credentials) => on_sign_in.emit(credentials),
                    None => phase.set(Phase::SignIn { id, error: None }),
                }
            });
        });
    }
    use_effect_with(((*phase).clone(), (*status).clone()), |_| {
        // Outside a container there is no frame to resize; nothing to do then.
        let _ = gadgets::window::adjust_height(None);
    });
    match &*phase {
        Phase::WaitingForHub => html! { <p class="note">{ l.t("Waiting for the container…") }</p> },
        Phase::SignIn { id, error } => {
            let on_sign_in = on_sign_in.reform(|(id, password)| Credentials { id, password });
            html! {
                <SignIn id={id.clone()} error={error.clone()} title="Sign in to Finesse" locale={l} {on_sign_in} />
            }
        }
        Phase::Starting => html! { <p class="note">{ l.t("Signing in…") }</p> },
        Phase::Running => {
            let current = (*status).clone().unwrap_or_else(|| "connecting".to_owned());
            html! {
                <p class="status" role="status" data-testid="connection-status" data-status={current.clone()}>
                    { status_text(&current, l) }
                </p>
            }
        }
        Phase::Failed(error) => html! { <p class="error" role="alert">{ error.clone() }</p> },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_finesses_authorization_pref() {
        let auth = Auth::Basic { user: "1001001".into(), password: "pa:ss é".into() };
        let pref = auth.basic_credential().unwrap();
        let c = credentials_from_prefs("1001001", &pref).unwrap();
        assert_eq!((c.id.as_str(), c.password.as_str()), ("1001001", "pa:ss é"));
        assert!(!format!("{c:?}").contains("pa:ss"));
        assert_eq!(credentials_from_prefs("1001002", &pref), None, "another user's credential");
    }

    #[test]
    fn statuses_read_as_words_in_english_and_french() {
        assert_eq!(status_text("connected", Locale::En), "Connected");
        assert_eq!(status_text("reconnecting", Locale::En), "Connection lost, reconnecting…");
        assert_eq!(status_text("resynced", Locale::En), "Status: resynced");
        assert_eq!(status_text("connected", Locale::Fr), "Connecté");
        assert_eq!(status_text("reconnecting", Locale::Fr), "Connexion perdue, reconnexion…");
        assert_eq!(status_text("resynced <b>", Locale::Fr), "État : resynced <b>");
    }

    /// Every text the gadget translates has a French text.
    #[test]
    fn every_text_of_the_gadget_has_a_french_text() {
        let (found, missing) = finesse_ui::i18n::untranslated(include_str!("lib.rs"));
        assert!(missing.is_empty(), "shown but not translated: {missing:?}");
        assert!(found >= 20, "only {found} texts found: did the scan break?");
    }
}
