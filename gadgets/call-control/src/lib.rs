//! Call control gadget.
//!
//! This first slice shows the signed-in agent. Standalone (no container yet), it asks for the
//! user's id and password (the id may be prefilled from `?user=1001001`; the Finesse server is
//! the page's origin unless `&base=https://finesse.example:8445` says otherwise), fetches
//! `GET /finesse/api/User/{id}` with HTTP Basic authentication, decodes it with `finesse-model`
//! and renders name, state (with the reason code label) and extension.
//!
//! Credentials stay in memory: never in the URL, in storage or in logs. Everything from the
//! network is rendered as text, never as HTML. Errors are shown in words, with the server's
//! `<ApiErrors>` when it sent one; a 401 returns to the sign-in form.

use finesse_model::{AgentState, ApiErrors, DecodeError, User, decode};
use finesse_rest::{base64, encode_segment};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A user's Finesse credentials, held in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user id.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("user", &self.user).finish_non_exhaustive()
    }
}

impl Credentials {
    /// The `Authorization` header value for HTTP Basic authentication.
    pub fn basic_authorization(&self) -> String {
        format!("Basic {}", base64(format!("{}:{}", self.user, self.password).as_bytes()))
    }
}

/// Why the agent could not be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The page did not say which user to show.
    NoUser,
    /// The request did not reach the server.
    Network(String),
    /// The server answered with an error status (and maybe `<ApiErrors>`).
    Http {
        /// HTTP status.
        status: u16,
        /// The first API error, in words, when the body held one.
        detail: Option<String>,
    },
    /// The answer was not a User document.
    Decode(DecodeError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoUser => f.write_str("No user given: open the gadget with ?user=<your id>."),
            Self::Network(msg) => write!(f, "The Finesse server could not be reached ({msg})."),
            Self::Http { status, detail: Some(detail) } => {
                write!(f, "The Finesse server refused the request: {detail} (HTTP {status}).")
            }
            Self::Http { status, detail: None } => {
                write!(f, "The Finesse server refused the request (HTTP {status}).")
            }
            Self::Decode(err) => write!(f, "The Finesse server sent an unreadable answer: {err}."),
        }
    }
}

/// The label the Finesse desktop shows for a state.
pub fn state_label(state: &AgentState) -> String {
    match state {
        AgentState::Ready => "Ready".into(),
        AgentState::NotReady => "Not Ready".into(),
        AgentState::Logout => "Signed Out".into(),
        AgentState::Login => "Signing In".into(),
        AgentState::Reserved
        | AgentState::ReservedOutbound
        | AgentState::ReservedOutboundPreview => "Reserved".into(),
        AgentState::Talking => "Talk".into(),
        AgentState::Hold => "Hold".into(),
        AgentState::Work => "Wrap-Up".into(),
        AgentState::WorkReady => "Wrap-Up (Ready)".into(),
        AgentState::UnknownState => "Unknown".into(),
        AgentState::Unknown(other) => other.clone(),
    }
}

/// Interprets a response: a User on 2xx, else the HTTP error with the server's explanation.
pub fn interpret(status: u16, body: &str) -> Result<User, LoadError> {
    if (200..300).contains(&status) {
        return decode::<User>(body).map_err(LoadError::Decode);
    }
    let detail =
        decode::<ApiErrors>(body).ok().and_then(|e| e.errors.first().map(ToString::to_string));
    Err(LoadError::Http { status, detail })
}

fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name).filter(|v| !v.is_empty())
}

async fn fetch_user(base: &str, credentials: &Credentials) -> Result<User, LoadError> {
    let window = web_sys::window().ok_or_else(|| LoadError::Network("no window".into()))?;
    let js = |e: wasm_bindgen::JsValue| LoadError::Network(format!("{e:?}"));
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let headers = web_sys::Headers::new().map_err(js)?;
    headers.set("Authorization", &credentials.basic_authorization()).map_err(js)?;
    init.set_headers(&headers);
    let url = format!("{base}/finesse/api/User/{}", encode_segment(&credentials.user));
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(js)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let body = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?;
    interpret(response.status(), &body.as_string().unwrap_or_default())
}

/// Properties of [`AgentCard`].
#[derive(Properties, PartialEq)]
pub struct AgentCardProps {
    /// The agent.
    pub user: User,
}

/// The agent's name, state (with reason) and extension.
#[function_component(AgentCard)]
pub fn agent_card(props: &AgentCardProps) -> Html {
    let user = &props.user;
    let state = user.state.as_ref().map(state_label).unwrap_or_else(|| "Unknown".into());
    let reason = user.reason_code.as_ref().and_then(|r| r.label.clone());
    let class = match user.state {
        Some(AgentState::Ready) => "state ready",
        Some(AgentState::NotReady) => "state not-ready",
        _ => "state",
    };
    let shown = match reason {
        Some(reason) if user.state == Some(AgentState::NotReady) => format!("{state} - {reason}"),
        _ => state,
    };
    html! {
        <div class="agent" role="status" aria-label="Agent state">
            <span class="name">{ user.display_name() }</span>
            <span class={class} data-testid="agent-state">{ shown }</span>
            if let Some(ext) = &user.extension {
                <span class="extension">{ format!("Extension {ext}") }</span>
            }
        </div>
    }
}

/// Properties of [`SignIn`].
#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The id to prefill.
    pub user: String,
    /// Why the last attempt failed, if it did.
    pub error: Option<String>,
    /// Called with the credentials entered.
    pub on_sign_in: Callback<Credentials>,
}

/// The standalone sign-in form: user id and password, kept in memory only.
#[function_component(SignIn)]
pub fn sign_in(props: &SignInProps) -> Html {
    let user_ref = use_node_ref();
    let password_ref = use_node_ref();
    let onsubmit = {
        let (user_ref, password_ref) = (user_ref.clone(), password_ref.clone());
        let on_sign_in = props.on_sign_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value =
                |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let user = value(&user_ref).trim().to_owned();
            let password = value(&password_ref);
            if !user.is_empty() && user != "." && user != ".." {
                on_sign_in.emit(Credentials { user, password });
            }
        })
    };
    html! {
        <form class="sign-in" aria-label="Sign in" {onsubmit}>
            if let Some(error) = &props.error {
                <div class="banner" role="alert">{ error.clone() }</div>
            }
            <label>{ "User ID" }
                <input ref={user_ref} name="user" autocomplete="username" required=true value={props.user.clone()} />
            </label>
            <label>{ "Password" }
                <input ref={password_ref} name="password" type="password" autocomplete="current-password" />
            </label>
            <button type="submit">{ "Sign In" }</button>
        </form>
    }
}

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let credentials = use_state(|| None::<Credentials>);
    let result = use_state(|| None::<Result<User, LoadError>>);
    {
        let result = result.clone();
        use_effect_with((*credentials).clone(), move |credentials| {
            if let Some(credentials) = credentials.clone() {
                result.set(None);
                let base = query("base").unwrap_or_default();
                wasm_bindgen_futures::spawn_local(async move {
                    result.set(Some(fetch_user(&base, &credentials).await));
                });
            }
        });
    }
    let on_sign_in = {
        let credentials = credentials.clone();
        Callback::from(move |c: Credentials| credentials.set(Some(c)))
    };
    let prefill = query("user").unwrap_or_default();
    match (&*credentials, &*result) {
        (None, _) => html! { <SignIn user={prefill} error={None::<String>} {on_sign_in} /> },
        (Some(c), Some(Err(err @ LoadError::Http { status: 401, .. }))) => {
            html! { <SignIn user={c.user.clone()} error={Some(err.to_string())} {on_sign_in} /> }
        }
        (Some(_), None) => html! { <div class="loading">{ "Loading…" }</div> },
        (Some(_), Some(Ok(user))) => html! { <AgentCard user={user.clone()} /> },
        (Some(_), Some(Err(err))) => {
            html! { <div class="banner" role="alert">{ err.to_string() }</div> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interprets_success_and_errors() {
        let user = interpret(200, "<User><loginId>1</loginId><state>READY</state></User>").unwrap();
        assert_eq!(user.state, Some(AgentState::Ready));
        let err = interpret(
            404,
            "<ApiErrors><ApiError><ErrorType>User Not Found</ErrorType>\
             <ErrorMessage>UNKNOWN_USER</ErrorMessage></ApiError></ApiErrors>",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "The Finesse server refused the request: User Not Found: UNKNOWN_USER (HTTP 404)."
        );
        assert!(matches!(interpret(200, "<Dialog/>"), Err(LoadError::Decode(_))));
        assert_eq!(interpret(503, "").unwrap_err(), LoadError::Http { status: 503, detail: None });
    }

    #[test]
    fn basic_authorization_is_rfc_4648_base64() {
        let c = Credentials { user: "agentbartowski".into(), password: "carmichaul".into() };
        // The guide's own example (chapter 1, "Client Requests"; it decodes to "carmichaul").
        assert_eq!(c.basic_authorization(), "Basic YWdlbnRiYXJ0b3dza2k6Y2FybWljaGF1bA==");
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64("é:ü".as_bytes()), "w6k6w7w=");
        assert!(!format!("{c:?}").contains("carmichaul"));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("1001001"), "1001001");
        assert_eq!(encode_segment("../Users?x"), "..%2FUsers%3Fx");
    }
}
