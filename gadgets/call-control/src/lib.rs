//! Call control gadget: the agent's state and calls.
//!
//! The same code runs in three settings, chosen at start-up from what the page has:
//!
//! 1. **In a Finesse desktop** (Cisco's or ours): `gadgets.Hub` connects; the prefs give the
//!    user (`id`), the credential (`authorization`, base64 of `id:password`, or a bearer token
//!    with `authMode=SSO`), the server (`scheme`, `host`, `hostPort`) and the `locale`.
//!    Notifications arrive on `finesse.api.User.<id>` and `finesse.api.User.<id>.Dialogs`;
//!    the master's status on `finesse.info.connection` (asked for with `ConnectionInfoReq`);
//!    time in state and call timers move with the container's timer tick.
//! 2. **In a third-party OpenSocial container** with the connection gadget: the same topics,
//!    published by the connection gadget.
//! 3. **Standalone** (no `gadgets`): a sign-in form (id and password, kept in memory only),
//!    REST against the page's origin (or `?base=`), and, without a notification connection,
//!    the user and the calls polled every 2 s.
//!
//! The pure agent session (`finesse-session`) decides what is shown and what is enabled (call
//! controls only from the participant's `actions`); [`controller`] does the I/O; the
//! components come from `finesse-ui`. Text from the network is only ever rendered as text.
//! Credentials travel in the `Authorization` header only, never in a URL, storage or a log.

pub mod controller;
pub mod env;
pub mod shell;

use std::rc::Rc;

use finesse_hub::gadgets::{self, Prefs};
use finesse_model::UserId;
use finesse_rest::{Auth, Fetch};
use finesse_session::Intent;
use finesse_ui::{Banner, BannerKind, CallCard, Locale, MakeCall, StateSelector, Toasts};
use yew::prelude::*;

use controller::{Blocked, Shared};
use shell::Phase;

pub use finesse_hub::gadgets::page_query as query;

/// The Finesse server for a gadget in a container: `scheme://host:hostPort` from the prefs, or
/// the document's own origin when they are empty.
fn container_server(prefs: &Prefs, locale: Locale) -> Result<Fetch, String> {
    let (scheme, host, port) =
        (prefs.get_string("scheme"), prefs.get_string("host"), prefs.get_string("hostPort"));
    gadgets::server_origin(&scheme, &host, &port)
        .map(|origin| Fetch::new(origin.unwrap_or_default()))
        .map_err(|e| locale.tr(e.template()).replace("{value}", e.value()))
}

/// What a gadget in a container is given: the user, the credential, the server and the locale.
pub struct Setup {
    /// The signed-in user.
    pub user: UserId,
    /// The REST credential.
    pub auth: Auth,
    /// The Finesse server.
    pub rest: Fetch,
    /// The language of the UI.
    pub locale: Locale,
}

/// In a container: the user, credential, server and locale from the prefs; or why not, in
/// words. Shared by the gadgets that act for the signed-in user.
pub fn container_setup() -> Result<Setup, String> {
    let Ok(prefs) = Prefs::new() else {
        return Err("The container gave this gadget no preferences.".to_owned());
    };
    let id = prefs.get_string("id");
    if !env::valid_user_id(&id) {
        return Err("The container did not say which agent is signed in.".to_owned());
    }
    // Cisco's desktop leaves the credential in sessionStorage for finesse.js to copy into the
    // prefs; a gadget without finesse.js reads it there itself (and never writes it anywhere).
    let mut authorization = prefs.get_string("authorization");
    if authorization.is_empty() {
        authorization = web_sys::window()
            .and_then(|w| w.session_storage().ok().flatten())
            .and_then(|s| s.get_item("userFinesseAuth").ok().flatten())
            .unwrap_or_default();
    }
    let Some(auth) = env::auth_from_prefs(&id, &authorization, &prefs.get_string("authMode"))
    else {
        return Err("The container gave this gadget no credential.".to_owned());
    };
    let locale = Locale::from_tag(&prefs.get_string("locale"));
    let rest = container_server(&prefs, locale)?;
    Ok(Setup { user: UserId::from(id), auth, rest, locale })
}

/// Starts the controller: in a container with its hub (the title goes to the frame's header
/// too), or standalone without.
fn start(setup: Setup, hub: Option<gadgets::GadgetHub>, render: &Rc<dyn Fn()>) -> Phase<Shared> {
    let Setup { user, auth, rest, locale } = setup;
    // The desktop shows the title in the gadget's frame header; the frame's document gets it
    // too (assistive technology names the frame by it).
    let title = locale.t("Call Control");
    if hub.is_some() {
        let _ = gadgets::window::set_title(&title);
    }
    finesse_ui::set_document_title(&title);
    Phase::Running(controller::start(user, auth, rest, locale, hub, render.clone()))
}

/// The page's language before the controller runs: the container's `locale` pref, else the
/// standalone page's `?locale=`.
pub fn page_locale() -> Locale {
    let pref = Prefs::new().map(|p| p.get_string("locale")).unwrap_or_default();
    Locale::from_tag(&if pref.is_empty() { query("locale").unwrap_or_default() } else { pref })
}

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let gadget = shell::use_gadget(start);
    // The container sizes the frame to the content after every render.
    use_effect(|| {
        let _ = gadgets::window::adjust_height(None);
    });
    gadget.view(|shared| {
        let c = shared.borrow();
        match &c.blocked {
            // Standalone, the credentials were typed here: ask again.
            Some(Blocked::Unauthorized) if !c.in_container() => gadget.sign_in_form(
                c.session.user_id().to_string(),
                Some(c.locale.t("The ID or password is wrong.")),
            ),
            _ => html! { <Running shared={shared.clone()} /> },
        }
    })
}

/// Properties of [`Running`].
#[derive(Properties, Clone)]
pub struct RunningProps {
    /// The controller.
    pub shared: Shared,
}

impl PartialEq for RunningProps {
    fn eq(&self, _other: &Self) -> bool {
        // The controller changes in place: always re-render with the parent.
        false
    }
}

/// The agent's state and calls.
#[function_component(Running)]
pub fn running(props: &RunningProps) -> Html {
    let shared = &props.shared;
    let c = shared.borrow();
    let locale = c.locale;
    let now = controller::now();
    let (dispatch, on_dismiss) = controller::callbacks(shared);
    let validate = {
        let shared = shared.clone();
        Callback::from(move |to: String| {
            shared.borrow().session.check_dial_number(&to).map_err(|e| {
                let mut text = format!("{}.", locale.tr(e.as_str()));
                if let Some(first) = text.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                text
            })
        })
    };
    let on_dial = {
        let shared = shared.clone();
        Callback::from(move |to: String| {
            controller::dispatch(&shared, Intent::MakeCall { to, variables: Vec::new() });
        })
    };
    let banner = match (&c.out_of_service, c.connection.down(), &c.blocked) {
        (_, _, Some(Blocked::Unauthorized)) => Some((
            BannerKind::Error,
            locale.t("Finesse refused your credentials (HTTP 401). Sign in to the desktop again."),
        )),
        (_, _, Some(Blocked::Other(why))) => Some((BannerKind::Error, why.clone())),
        (Some(text), _, _) => Some((BannerKind::Warning, text.clone())),
        (None, Some(status), _) => Some((BannerKind::Warning, locale.t(connection_text(status)))),
        _ => None,
    };
    let wrap_up_reasons: Vec<String> =
        c.session.wrap_up_reasons().iter().filter_map(|r| r.label.clone()).collect();
    let calls = c.session.calls(now);
    html! {
        <main class="call-control" lang={locale.lang()}>
            <h1 class="visually-hidden">{ locale.t("Call Control") }</h1>
            if let Some((kind, text)) = banner {
                <Banner {kind} {text} testid={Some("gadget-banner".to_owned())} />
            }
            if !c.loaded && c.blocked.is_none() {
                <p class="loading">{ locale.t("Loading…") }</p>
            }
            if c.session.user().is_some() {
                <StateSelector agent={c.session.agent(now)} items={c.session.state_menu()} {locale} on_choose={dispatch.clone()} />
                <MakeCall enabled={c.session.can_make_call()} contacts={c.contacts.clone()} {locale} {validate} {on_dial} />
                <div class="calls">
                    { for calls.into_iter().map(|call| html! {
                        <CallCard key={call.id.to_string()} call={call.clone()} {locale}
                            wrap_up_reasons={wrap_up_reasons.clone()}
                            contacts={c.contacts.clone()}
                            on_intent={dispatch.clone()} />
                    }) }
                </div>
            }
            <Toasts items={c.toasts.clone()} {on_dismiss} {locale} />
        </main>
    }
}

/// The notification connection's status in words (English: the locale translates it).
fn connection_text(status: &finesse_hub::payload::Status) -> &'static str {
    use finesse_hub::payload::Status;
    match status {
        Status::Connecting => "Connecting to the notification service…",
        Status::Reconnecting | Status::Failing => {
            "The notification connection was lost. Reconnecting…"
        }
        Status::Unauthorized => "The notification service refused the credentials.",
        Status::Conflict => "Another client took over the notification connection.",
        _ => "Not connected to the notification service.",
    }
}
