//! The signed-in desktop: header, connection banner, page gadgets, tabs of gadgets.

use std::rc::Rc;

use finesse_session::Text;
use finesse_ui::Locale;
use yew::prelude::*;

use crate::container::{ContainerHub, Frame, FrameEvent, alert_text};
use crate::layout::{GadgetEntry, render_url};
use crate::master::MasterHandle;
use crate::session::{DesktopLocale, Session, desktop_locale, sign_out};

/// Properties of [`Desktop`].
#[derive(Properties, PartialEq)]
pub struct DesktopProps {
    /// The signed-in session.
    pub session: Session,
    /// Called after signing out (with a message when something went wrong).
    pub on_signed_out: Callback<Option<String>>,
}

/// The connection status the master last published on `finesse.info.connection`.
fn banner(status: &str, l: Locale) -> Html {
    let (class, text) = match status {
        "connected" => return Html::default(),
        "" | "connecting" => ("banner info", l.t("Connecting to the notification service…")),
        "reconnecting" => {
            ("banner warning", l.t("The notification connection was lost. Reconnecting…"))
        }
        "disconnecting" => ("banner info", l.t("Disconnecting…")),
        "unloading" => ("banner info", l.t("Closing…")),
        "failing" => ("banner warning", l.t("The Finesse server is failing. Trying to recover…")),
        "recovered" => return Html::default(),
        _ => (
            "banner error",
            l.t("Not connected to the notification service: live updates are paused until it is back."),
        ),
    };
    html! { <div class={class} role="status" data-testid="connection-banner" data-status={status.to_owned()}>{ text }</div> }
}

/// The public prefs every gadget gets (as `up_` parameters): what finesse.js and the Cisco
/// samples read (OPENSOCIAL.md §6.7). The credential is not among them.
pub fn public_prefs(session: &Session, locale: &DesktopLocale) -> Vec<(String, String)> {
    let location = web_sys::window().map(|w| w.location());
    let get = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location.as_ref().and_then(|l| f(l).ok()).unwrap_or_default()
    };
    let scheme = get(web_sys::Location::protocol).trim_end_matches(':').to_owned();
    let host = get(web_sys::Location::hostname);
    let mut port = get(web_sys::Location::port);
    if port.is_empty() {
        port = if scheme == "https" { "443".into() } else { "80".into() };
    }
    let user = &session.user;
    let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
    let mut prefs = vec![
        ("id".to_owned(), session.user_id.as_str().to_owned()),
        ("extension".to_owned(), text(user.extension.as_ref().map(|e| e.as_str()))),
        ("firstName".to_owned(), text(user.first_name.as_deref())),
        ("lastName".to_owned(), text(user.last_name.as_deref())),
        ("teamId".to_owned(), text(user.team_id.as_ref().map(|t| t.as_str()))),
        ("teamName".to_owned(), text(user.team_name.as_deref())),
        ("xmppDomain".to_owned(), text(session.system.xmpp_domain.as_deref())),
        ("pubsubDomain".to_owned(), text(session.system.xmpp_pub_sub_domain.as_deref())),
        ("scheme".to_owned(), scheme),
        ("host".to_owned(), host),
        ("hostPort".to_owned(), port.clone()),
        // The makeRequest proxy runs on the server that renders the gadgets: from there the
        // REST API is `localhost` on the same port (as on a Finesse node).
        ("restHost".to_owned(), "localhost".to_owned()),
        ("localhostPort".to_owned(), port),
        ("locale".to_owned(), locale.tag.clone()),
        ("language".to_owned(), locale.language.clone()),
        ("country".to_owned(), locale.country.clone()),
        ("clientDriftInMillis".to_owned(), "0".to_owned()),
    ];
    if matches!(session.auth, finesse_rest::Auth::Bearer(_)) {
        prefs.push(("authMode".to_owned(), "SSO".to_owned()));
    }
    prefs
}

/// The prefs that must not travel in URLs: the credential (`authorization`: base64 of
/// `id:password`, or the bearer token), handed to each frame over the hub when it connects.
pub fn private_prefs(session: &Session) -> Vec<(String, String)> {
    let value = match &session.auth {
        finesse_rest::Auth::Basic { .. } => session.auth.basic_credential().unwrap_or_default(),
        finesse_rest::Auth::Bearer(token) => token.clone(),
    };
    vec![("authorization".to_owned(), value)]
}

/// The desktop.
#[function_component(Desktop)]
pub fn desktop(props: &DesktopProps) -> Html {
    let session = &props.session;
    // The desktop's language, as Cisco's desktop takes it: `?locale=fr_FR`.
    let locale = Rc::new(desktop_locale(crate::query("locale")));
    let l = Locale::from_tag(&locale.tag);
    let hub = use_memo((), |()| ContainerHub::new());
    let status = use_state(String::new);
    let master = {
        let (hub, session, status) = (hub.clone(), session.clone(), status.clone());
        use_memo((), move |()| {
            let Ok(hub) = (*hub).clone() else { return None };
            Some(MasterHandle::start(
                &hub,
                &session,
                Callback::from(move |s: String| status.set(s)),
            ))
        })
    };
    let active =
        use_state(|| session.layout.tabs.first().map(|t| t.id.clone()).unwrap_or_default());
    let hub = match &*hub {
        Ok(hub) => hub.clone(),
        Err(e) => {
            let text =
                Text::new("The desktop cannot start its hub: {error}").with("error", e.as_str());
            return html! { <div class="banner error" role="alert">{ l.text(&text) }</div> };
        }
    };
    let master_error = match &*master {
        Some(Err(e)) => Some(e.clone()),
        _ => None,
    };
    let choosing = use_state(|| false);
    let sign_out_error = use_state(|| None::<String>);
    let sign_out_with = {
        let (session, done, master) =
            (session.clone(), props.on_signed_out.clone(), master.clone());
        let sign_out_error = sign_out_error.clone();
        Callback::from(move |reason: Option<finesse_model::ReasonCodeId>| {
            let (session, done, master) = (session.clone(), done.clone(), master.clone());
            let sign_out_error = sign_out_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let api = finesse_rest::Fetch::new("");
                match sign_out(&api, &session, reason, l).await {
                    Ok(()) => {
                        if let Some(Ok(m)) = &*master {
                            m.shutdown();
                        }
                        done.emit(None);
                    }
                    // Still signed in: stay on the desktop and say why.
                    Err(e) => sign_out_error.set(Some(e)),
                }
            });
        })
    };
    let on_sign_out = {
        let (choosing, sign_out_with) = (choosing.clone(), sign_out_with.clone());
        let has_reasons = !session.logout_reasons.is_empty();
        Callback::from(move |_: MouseEvent| {
            if has_reasons {
                choosing.set(!*choosing);
            } else {
                sign_out_with.emit(None);
            }
        })
    };
    let render_origin =
        session.layout.gadget_origin.clone().unwrap_or_else(|| session.origin.clone());
    let public = Rc::new(public_prefs(session, &locale));
    let private = Rc::new(private_prefs(session));
    let frame = |g: &GadgetEntry| {
        html! {
            <GadgetFrame key={g.mid} hub={hub.clone()} entry={g.clone()} render_origin={render_origin.clone()}
                public={public.clone()} private={private.clone()} locale={l} />
        }
    };
    let user = &session.user;
    html! {
        <div class="desktop">
            <header class="top">
                <span class="title">{ l.t(&session.layout.title) }</span>
                <span class="who" data-testid="signed-in-user">{ format!("{} ({})", user.display_name(), session.user_id) }</span>
                <div class="sign-out">
                    <button onclick={on_sign_out} aria-haspopup="menu" aria-expanded={(*choosing).to_string()}>{ l.t("Sign Out") }</button>
                    if *choosing {
                        <div class="menu" role="menu" aria-label={l.t("Sign Out reason")}>
                            { for session.logout_reasons.iter().map(|(id, label)| {
                                let onclick = { let (f, id) = (sign_out_with.clone(), id.clone()); Callback::from(move |_: MouseEvent| f.emit(Some(id.clone()))) };
                                html! { <button role="menuitem" {onclick}>{ label.clone() }</button> }
                            }) }
                        </div>
                    }
                </div>
            </header>
            if let Some(e) = &*sign_out_error {
                <div class="banner error" role="alert">{ e.clone() }</div>
            }
            if let Some(e) = master_error {
                <div class="banner error" role="alert">{ l.text(&Text::new("The notification connection cannot start: {error}").with("error", e)) }</div>
            } else {
                { banner(&status, l) }
            }
            <section class="page-gadgets">{ for session.layout.page.iter().map(frame) }</section>
            <nav class="tabs" role="tablist">
                { for session.layout.tabs.iter().map(|t| {
                    let selected = *active == t.id;
                    let onclick = { let (active, id) = (active.clone(), t.id.clone()); Callback::from(move |_: MouseEvent| active.set(id.clone())) };
                    html! { <button role="tab" aria-selected={selected.to_string()} {onclick}>{ l.t(&t.label) }</button> }
                }) }
            </nav>
            { for session.layout.tabs.iter().map(|t| html! {
                <section class="tab-panel" id={format!("panel_{}", t.id)} role="tabpanel" hidden={*active != t.id}>
                    if t.gadgets.is_empty() {
                        <div class="empty">{ l.t("No gadgets on this tab.") }</div>
                    }
                    { for t.gadgets.iter().map(frame) }
                </section>
            }) }
        </div>
    }
}

/// Properties of [`GadgetFrame`].
#[derive(Properties, PartialEq)]
pub struct GadgetFrameProps {
    /// The hub the frame joins.
    pub hub: ContainerHub,
    /// The gadget.
    pub entry: GadgetEntry,
    /// The origin its document is rendered on.
    pub render_origin: String,
    /// Prefs passed in the URL.
    pub public: Rc<Vec<(String, String)>>,
    /// Prefs handed over the hub.
    pub private: Rc<Vec<(String, String)>>,
    /// The desktop's language (the frame's own texts: loading, errors).
    #[prop_or_default]
    pub locale: Locale,
}

/// One gadget: a title bar and the iframe the container hub creates and connects.
#[function_component(GadgetFrame)]
pub fn gadget_frame(props: &GadgetFrameProps) -> Html {
    let body = use_node_ref();
    let l = props.locale;
    let title = use_state(|| l.t("Loading…"));
    let error = use_state(|| None::<String>);
    {
        let (body, title, error) = (body.clone(), title.clone(), error.clone());
        let hub = props.hub.clone();
        let entry = props.entry.clone();
        let mut prefs = (*props.public).clone();
        for (name, value) in Frame::stored_prefs(&entry.spec_url) {
            if !prefs.iter().any(|(n, _)| *n == name) {
                prefs.push((name, value));
            }
        }
        let pref = |name: &str| {
            props.public.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
        };
        let uri =
            render_url(&props.render_origin, &entry, &prefs, &pref("language"), &pref("country"));
        let private = props.private.clone();
        use_effect_with(entry.clone(), move |_| {
            let client_id = format!("finesse_gadget_{}", entry.mid);
            let on_event = {
                let error = error.clone();
                Callback::from(move |e: FrameEvent| match e {
                    FrameEvent::Title(t) => title.set(t),
                    FrameEvent::Alert(a) => error.set(Some(alert_text(&a, l))),
                    FrameEvent::Connected => error.set(None),
                })
            };
            let frame = body
                .cast::<web_sys::Element>()
                .ok_or_else(|| l.t("no element to put the frame in"))
                .and_then(|parent| {
                    Frame::create(
                        &hub,
                        &client_id,
                        &parent,
                        &uri,
                        &entry.spec_url,
                        &private,
                        on_event,
                    )
                });
            if let Err(e) = &frame {
                let text =
                    Text::new("The gadget cannot be shown: {error}").with("error", e.as_str());
                error.set(Some(l.text(&text)));
            }
            move || drop(frame)
        });
    }
    html! {
        <div class="gadget" data-spec={props.entry.spec_url.clone()}>
            <div class="gadget-title" id={format!("finesse_gadget_{}_title", props.entry.mid)}>{ (*title).clone() }</div>
            if let Some(e) = &*error {
                <div class="gadget-error" role="alert">{ e.clone() }</div>
            }
            <div class="gadget-body" ref={body}></div>
        </div>
    }
}
