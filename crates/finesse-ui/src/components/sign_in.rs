//! The sign-in form of a gadget that has no desktop around it (standalone, or the connection
//! gadget in a third-party container): id and password, kept in memory only.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Locale;

/// Properties of [`SignIn`].
#[derive(Properties, PartialEq, Clone)]
pub struct SignInProps {
    /// The id to prefill.
    #[prop_or_default]
    pub id: String,
    /// Why the last attempt failed, shown as an alert.
    #[prop_or_default]
    pub error: Option<String>,
    /// The id field's label (English; translated).
    #[prop_or_else(|| "ID".to_owned())]
    pub id_label: String,
    /// The form's accessible name (English; translated).
    #[prop_or_else(|| "Sign in".to_owned())]
    pub title: String,
    /// The language.
    #[prop_or_default]
    pub locale: Locale,
    /// Called with the id (trimmed, never empty) and the password. The form never submits to
    /// the server itself: the password stays out of every URL.
    pub on_sign_in: Callback<(String, String)>,
}

/// An id and password form; its submit is always prevented and reported through
/// `on_sign_in`.
#[component]
pub fn SignIn(props: &SignInProps) -> Html {
    let l = props.locale;
    let id_ref = use_node_ref();
    let password_ref = use_node_ref();
    let onsubmit = {
        let (id_ref, password_ref) = (id_ref.clone(), password_ref.clone());
        let on_sign_in = props.on_sign_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value =
                |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let id = value(&id_ref).trim().to_owned();
            if !id.is_empty() {
                on_sign_in.emit((id, value(&password_ref)));
            }
        })
    };
    html! {
        <form class="sign-in" aria-label={l.t(&props.title)} {onsubmit}>
            if let Some(error) = &props.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <label>{ l.t(&props.id_label) }
                <input ref={id_ref} name="id" autocomplete="username" required=true value={props.id.clone()} />
            </label>
            <label>{ l.t("Password") }
                <input ref={password_ref} name="password" type="password" autocomplete="current-password" />
            </label>
            <button type="submit" class="primary">{ l.t("Sign In") }</button>
        </form>
    }
}
