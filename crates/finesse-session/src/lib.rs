//! The agent-side Finesse session: what the call control, team performance and queue
//! statistics gadgets share. It holds the signed-in user, its dialogs, its reason codes,
//! wrap-up reasons, media properties layout, SystemInfo and the server clock; it builds the REST
//! request of every agent action with a request id and correlates the outcome; and it says
//! what to show and what the agent may do now, so a component only renders and dispatches.
//!
//! It is a pure, sans-IO state machine: no browser, no runtime, no clock or random number
//! generator of its own. Time (`now`, local milliseconds since the Unix epoch) and randomness
//! (16 bytes per request id) are arguments.
//!
//! ```text
//!   REST answers ─────► apply_refresh / apply_user / apply_dialogs / apply_system_info …
//!   notifications ────► apply_update(node, &Update, now)
//!   agent clicks ─────► request(intent, now, random) ──► Outgoing { id, request } ──► transport
//!   HTTP outcome ─────► request_answered(&id, result)
//!   timer ────────────► handle_timeout(now)          (when poll_timeout() says)
//!                          │
//!   UI ◄──────────────── poll_event()   agent(now) · state_menu() · calls(now) · can_make_call()
//! ```
//!
//! Run loop (the drain invariant): after every input, poll events until `None`, re-render from
//! the views, and arm a timer for `poll_timeout()`. At start-up and after every reconnection or
//! failover, send [`Session::refresh_requests`] and feed each answer to
//! [`Session::apply_refresh`]: the collection converges to the server's truth.
//!
//! ```
//! use finesse_session::{Event, Intent, Refresh, Session};
//!
//! let now = 1_700_000_000_000; // the host's clock, in ms
//! let mut session = Session::new("1001001".into());
//! let user = "<User><loginId>1001001</loginId><state>NOT_READY</state>\
//!             <extension>1001</extension></User>";
//! session.apply_refresh(Refresh::User, 200, user, now)?;
//! assert!(session.state_menu()[0].enabled); // Ready
//!
//! let ready = session.request(Intent::Ready, now, [42; 16])?; // 16 random bytes from the host
//! assert_eq!(ready.request.request_id.as_deref(), Some(ready.id.as_str()));
//! session.request_answered(&ready.id, Ok(())); // the transport's answer: 200
//!
//! let update = finesse_model::decode(
//!     "<Update><event>PUT</event><data><User><loginId>1001001</loginId>\
//!      <state>READY</state></User></data></Update>",
//! )?;
//! session.apply_update("/finesse/api/User/1001001", &update, now);
//! let events: Vec<Event> = std::iter::from_fn(|| session.poll_event()).collect();
//! assert!(events.contains(&Event::RequestCompleted { id: ready.id, intent: Intent::Ready }));
//! assert_eq!(session.agent(now).label, "Ready");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Requests are confirmed by the notification carrying their request id, or (since Finesse
//! echoes request ids on a best-effort basis only, and never on User notifications) by the
//! outcome becoming visible: the state, the pending state, the participant's state. They fail
//! on an HTTP error, on an `<apiErrors>` notification naming them (a CTI error such as "Call
//! Operation Failure"), or when no answer or confirmation comes in time; every failure is an
//! [`Event::RequestFailed`] with a sentence for the agent, as a translatable [`Text`] (an
//! English template from [`MESSAGES`] and its arguments) that the UI renders in its language.
//!
//! The state menu follows [`finesse_model::transitions`], the same rules the simulator's engine
//! applies; call controls follow the agent's participant's `actions` and nothing else.

mod clock;
mod failure;
mod intent;
pub mod queues;
mod request_id;
pub mod roster;
mod session;
mod text;
mod view;

pub use clock::{BadDate, ServerClock, format_elapsed, parse_http_date};
pub use failure::{Failure, FailureKind};
pub use intent::{
    DialError, Intent, validate_call_variables, validate_dial_number, validate_dtmf,
    validate_wrap_up_reason,
};
pub use request_id::RequestId;
pub use session::{Applied, DEFAULT_REQUEST_TIMEOUT, Event, Outgoing, Refresh, Refusal, Session};
pub use text::{Arg, MESSAGES, Text, has_words};
pub use view::{
    AgentView, CallControls, CallData, CallView, Field, MenuGroup, Party, Pending, StateMenuItem,
    WrapUpRequirement, WrapUpView, call_data, call_status_label, call_type_label, state_label,
};

/// Local time: milliseconds since the Unix epoch, as the host's clock gives it.
pub type Millis = i64;

#[cfg(test)]
mod tests;
