//! The sign-in page: id, password (or a bearer token) and extension, as the Finesse desktop asks.

use finesse_rest::Auth;
use finesse_ui::Locale;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What the agent entered. Secrets stay in memory.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SignInForm {
    /// The user id.
    pub user: String,
    /// How to authenticate.
    pub auth: Auth,
    /// The extension to sign in to (empty: the one the user is signed in to already).
    pub extension: String,
}

/// Properties of [`SignIn`].
#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The id to prefill.
    pub user: String,
    /// The extension to prefill.
    pub extension: String,
    /// Why the last attempt failed, if it did (shown as text).
    pub error: Option<String>,
    /// Whether an attempt is running (the button is disabled meanwhile).
    pub busy: bool,
    /// Called with what the agent entered.
    pub on_submit: Callback<SignInForm>,
    /// The language of the page.
    #[prop_or_default]
    pub locale: Locale,
}

/// The sign-in form.
#[function_component(SignIn)]
pub fn sign_in(props: &SignInProps) -> Html {
    let user_ref = use_node_ref();
    let secret_ref = use_node_ref();
    let extension_ref = use_node_ref();
    let use_token = use_state(|| false);
    let onsubmit = {
        let (user_ref, secret_ref, extension_ref) =
            (user_ref.clone(), secret_ref.clone(), extension_ref.clone());
        let on_submit = props.on_submit.clone();
        let use_token = *use_token;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value =
                |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let user = value(&user_ref).trim().to_owned();
            let secret = value(&secret_ref);
            if user.is_empty() {
                return;
            }
            let auth = if use_token {
                Auth::Bearer(secret.trim().to_owned())
            } else {
                Auth::Basic { user: user.clone(), password: secret }
            };
            on_submit.emit(SignInForm {
                user,
                auth,
                extension: value(&extension_ref).trim().to_owned(),
            });
        })
    };
    let toggle = {
        let use_token = use_token.clone();
        Callback::from(move |_: MouseEvent| use_token.set(!*use_token))
    };
    let l = props.locale;
    html! {
        <main class="sign-in-page">
            <form class="sign-in" aria-label={l.t("Sign in")} {onsubmit}>
                <h1>{ l.t("Sign in") }</h1>
                if let Some(error) = &props.error {
                    <div class="banner error" role="alert" data-testid="sign-in-error">{ error.clone() }</div>
                }
                <label>{ l.t("ID") }
                    <input ref={user_ref} name="user" autocomplete="username" required=true value={props.user.clone()} />
                </label>
                if *use_token {
                    <label>{ l.t("Bearer token") }
                        <input ref={secret_ref} name="token" type="password" autocomplete="off" required=true />
                    </label>
                } else {
                    <label>{ l.t("Password") }
                        <input ref={secret_ref} name="password" type="password" autocomplete="current-password" />
                    </label>
                }
                <label>{ l.t("Extension") }
                    <input ref={extension_ref} name="extension" inputmode="numeric" value={props.extension.clone()} />
                </label>
                <button type="submit" disabled={props.busy}>{ if props.busy { l.t("Signing in…") } else { l.t("Sign In") } }</button>
                <button type="button" class="link" onclick={toggle}>
                    { if *use_token { l.t("Use a password instead") } else { l.t("Use a bearer token (single sign-on)") } }
                </button>
            </form>
        </main>
    }
}
