//! The shared Yew components of the Finesse gadgets: the agent's state selector, the call card
//! with its controls, the dial pad, make-call form, phone book picker, banners, toasts, timers
//! and a sortable table; their English and French texts ([`i18n`]); and the theme stylesheet
//! ([`THEME_CSS`]).
//!
//! Components only render the pure views of `finesse-session` ([`finesse_session::AgentView`],
//! [`finesse_session::StateMenuItem`], [`finesse_session::CallView`]) and dispatch
//! [`finesse_session::Intent`]s: the gadget owns the session and the transport. Everything that
//! comes from the network (names, reason labels, call variables, numbers) is rendered as text
//! nodes or attribute values, never as HTML.
//!
//! Every control is a real `<button>`, `<input>`, `<select>` or `<form>` with an accessible
//! name, so a gadget is usable with the keyboard alone. The crate renders on the server too
//! (feature `ssr`), which is how its tests check the markup natively; gadgets enable `csr`.

pub mod components;
mod dom;
pub mod i18n;

pub use components::*;
pub use dom::set_document_title;
pub use i18n::Locale;

/// The theme stylesheet (the light theme of the Finesse desktop): ship it next to the gadget
/// (`theme.css` beside this crate's `Cargo.toml`) or inject it, as the gadget prefers.
pub const THEME_CSS: &str = include_str!("../theme.css");

// The rendering tests run natively: the server renderer needs a task runtime (tokio).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
