//! Call control gadget.
//!
//! This first slice shows the signed-in agent: it reads the user's id from the page's query
//! (`?user=1001001`, optionally `&base=https://finesse.example:8445`), fetches
//! `GET /finesse/api/User/{id}`, decodes it with `finesse-model` and renders name, state (with
//! the reason code label) and extension. Everything from the network is rendered as text, never
//! as HTML. Errors are shown in words, with the server's `<ApiErrors>` when it sent one.

use finesse_model::{AgentState, ApiErrors, DecodeError, User, decode};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

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

async fn fetch_user(base: &str, user: &str) -> Result<User, LoadError> {
    let window = web_sys::window().ok_or_else(|| LoadError::Network("no window".into()))?;
    let js = |e: wasm_bindgen::JsValue| LoadError::Network(format!("{e:?}"));
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    let url = format!("{base}/finesse/api/User/{}", encode_segment(user));
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(js)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    let body = JsFuture::from(response.text().map_err(js)?).await.map_err(js)?;
    interpret(response.status(), &body.as_string().unwrap_or_default())
}

/// Percent-encodes a path segment so an id cannot change the request's path.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let result = use_state(|| None::<Result<User, LoadError>>);
    {
        let result = result.clone();
        use_effect_with((), move |()| {
            // `.` and `..` would be resolved away by the URL parser, even percent-encoded.
            match query("user").filter(|u| u != "." && u != "..") {
                None => result.set(Some(Err(LoadError::NoUser))),
                Some(user) => {
                    let base = query("base").unwrap_or_default();
                    wasm_bindgen_futures::spawn_local(async move {
                        result.set(Some(fetch_user(&base, &user).await));
                    });
                }
            }
        });
    }
    match &*result {
        None => html! { <div class="loading">{ "Loading…" }</div> },
        Some(Ok(user)) => html! { <AgentCard user={user.clone()} /> },
        Some(Err(err)) => html! { <div class="banner" role="alert">{ err.to_string() }</div> },
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
    fn path_segments_are_encoded() {
        assert_eq!(encode_segment("1001001"), "1001001");
        assert_eq!(encode_segment("../Users?x"), "..%2FUsers%3Fx");
    }
}
