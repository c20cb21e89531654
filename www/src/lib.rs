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

use finesse_ui::Locale;
use yew::prelude::*;

use crate::session::{Session, desktop_locale, layout_name};
use crate::signin::{SignIn, SignInForm};

pub use finesse_hub::gadgets::page_query as query;

/// The page's origin.
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The language of the desktop's own texts: that of `?locale=` (French for `fr_FR`, `fr`, …;
/// English otherwise), the language the gadgets get too.
pub fn page_locale() -> Locale {
    Locale::from_tag(&desktop_locale(query("locale")).tag)
}

/// Puts the language on the document (`<html lang>`) and its title.
fn mark_document(l: Locale) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()?.document_element()) {
        let _ = root.set_attribute("lang", l.lang());
    }
    finesse_ui::set_document_title(&l.t("Finesse Gadgets Desktop"));
}

/// The desktop's root: the sign-in page until signed in, then the desktop.
#[function_component(App)]
pub fn app() -> Html {
    let l = *use_memo((), |()| page_locale());
    use_effect_with(l, |l| mark_document(*l));
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
                let result = session::sign_in(&api, form, &layout, page_origin(), l).await;
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
                busy={*busy} {on_submit} locale={l} />
        },
    }
}

#[cfg(test)]
mod tests {
    /// Every text the desktop translates has a French text: the French desktop shows no English
    /// of its own (the server's and the layout's words pass through).
    #[test]
    fn every_text_of_the_desktop_has_a_french_text() {
        let sources = [
            include_str!("lib.rs"),
            include_str!("container.rs"),
            include_str!("desktop.rs"),
            include_str!("layout.rs"),
            include_str!("session.rs"),
            include_str!("signin.rs"),
        ];
        let mut found = 0;
        for source in sources {
            let (n, missing) = finesse_ui::i18n::untranslated(source);
            assert!(missing.is_empty(), "shown but not translated: {missing:?}");
            found += n;
        }
        assert!(found >= 40, "only {found} texts found: did the scan break?");
    }
}
