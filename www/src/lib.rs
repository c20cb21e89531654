//! Our Finesse-style desktop (issue 5): the container that hosts Finesse gadgets.
//!
//! - [`signin`]: id, password or bearer token, extension; credentials stay in memory.
//! - [`session`]: signs in over REST (`finesse-rest`), reads SystemInfo and the layout.
//! - [`layout`]: a Finesse layout document for the user's role, and the `/gadgets/ifr` URLs.
//! - [`container`]: bindings to the page-side OpenAjax hub (`www/runtime/container-hub.js`) that
//!   renders gadget iframes and routes hub messages between them.
//! - [`master`]: the master of the Finesse desktop, holding the one notification connection
//!   (`finesse-xmpp-web`) and answering the gadgets through `finesse-hub`'s master.
//!
//! The gadgets themselves are rendered by the server (`finesse-container`, mounted in the
//! simulator) from their gadget XML, on this origin or on the layout's `gadgetOrigin`.

pub mod container;
pub mod desktop;
pub mod layout;
pub mod master;
pub mod session;
pub mod signin;

use yew::prelude::*;

use crate::session::{Session, layout_name};
use crate::signin::{SignIn, SignInForm};

/// A query parameter of the page.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name).filter(|v| !v.is_empty())
}

/// The page's origin.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The desktop's root: the sign-in page until signed in, then the desktop.
#[function_component(App)]
pub fn app() -> Html {
    let session = use_state(|| None::<Session>);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let last =
        use_state(|| (query("user").unwrap_or_default(), query("extension").unwrap_or_default()));
    let on_submit = {
        let (session, error, busy, last) =
            (session.clone(), error.clone(), busy.clone(), last.clone());
        Callback::from(move |form: SignInForm| {
            let (session, error, busy) = (session.clone(), error.clone(), busy.clone());
            last.set((form.user.clone(), form.extension.clone()));
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let api = finesse_rest::Fetch::new("");
                let layout = layout_name(query("layout"));
                let result = session::sign_in(&api, form, &layout, page_origin()).await;
                busy.set(false);
                match result {
                    Ok(s) => session.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_signed_out = {
        let (session, error) = (session.clone(), error.clone());
        Callback::from(move |why: Option<String>| {
            session.set(None);
            error.set(why);
        })
    };
    match &*session {
        Some(s) => html! { <desktop::Desktop session={s.clone()} {on_signed_out} /> },
        None => html! {
            <SignIn user={last.0.clone()} extension={last.1.clone()} error={(*error).clone()}
                busy={*busy} {on_submit} />
        },
    }
}
