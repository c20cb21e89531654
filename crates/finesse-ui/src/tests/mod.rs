//! Server-side rendering tests of every component: the markup is read back with a small HTML
//! reader ([`dom`]) and checked by role and accessible name, as an agent's screen reader or an
//! end-to-end test would find the controls.

mod call_card;
mod dom;
mod make_call;
mod queues;
mod small;
mod state_selector;
mod theme;
mod virtual_table;

use finesse_model::{AgentState, DialogId, ParticipantState, ReasonCodeId};
use finesse_session::{
    AgentView, CallControls, CallData, CallView, Field, Intent, MenuGroup, Party, StateMenuItem,
    WrapUpRequirement, WrapUpView,
};
use yew::{BaseComponent, LocalServerRenderer};

/// Renders a component without hydration markers.
async fn render<C: BaseComponent>(props: C::Properties) -> String {
    LocalServerRenderer::<C>::with_props(props).hydratable(false).render().await
}

/// Renders and reads back a component.
async fn dom_of<C: BaseComponent>(props: C::Properties) -> dom::El {
    dom::parse(&render::<C>(props).await)
}

/// Network text that would run script if it were rendered as HTML.
const IMG: &str = "<img src=x onerror=alert(1)>";
/// Network text that would run script if it were rendered as HTML.
const SCRIPT: &str = "<script>alert(1)</script>";

/// Alice, Not Ready (Lunch) for 1:02:05, extension 1001.
fn agent() -> AgentView {
    AgentView {
        signed_in: true,
        state: Some(AgentState::NotReady),
        label: "Not Ready",
        reason: Some("Lunch".into()),
        time_in_state: Some(3_725_000),
        pending: None,
        extension: Some("1001".into()),
        name: "Alice Agent".into(),
    }
}

/// A menu entry, enabled, neither selected nor pending.
fn item(group: MenuGroup, reason: Option<(&str, &str)>) -> StateMenuItem {
    let id = reason.map(|(id, _)| ReasonCodeId::from(id));
    let (intent, name) = match group {
        MenuGroup::Ready => (Intent::Ready, "Ready"),
        MenuGroup::NotReady => (Intent::NotReady { reason: id }, "Not Ready"),
        MenuGroup::SignOut => (Intent::SignOut { reason: id }, "Sign Out"),
    };
    StateMenuItem {
        intent,
        group,
        reason: reason.map(|(_, label)| label.to_owned()),
        label: match reason {
            Some((_, r)) => format!("{name} \u{2013} {r}"),
            None => name.to_owned(),
        },
        enabled: true,
        after_call: false,
        selected: false,
        pending: false,
        why_not: None,
    }
}

/// Ready; Not Ready – Lunch (the current state) and – Break; Sign Out without reasons.
fn menu() -> Vec<StateMenuItem> {
    let mut lunch = item(MenuGroup::NotReady, Some(("1", "Lunch")));
    lunch.selected = true;
    lunch.enabled = false;
    lunch.why_not = Some("this is your current state".into());
    vec![
        item(MenuGroup::Ready, None),
        lunch,
        item(MenuGroup::NotReady, Some(("2", "Break"))),
        item(MenuGroup::SignOut, None),
    ]
}

fn field(label: &str, name: &str, value: &str) -> Field {
    Field { label: label.into(), name: name.into(), value: value.into() }
}

/// An incoming call from 5551234, active for 42 s, no controls.
fn call() -> CallView {
    CallView {
        id: DialogId::from("42"),
        state: None,
        participant_state: Some(ParticipantState::Active),
        status: "Active",
        incoming: true,
        from: Some("5551234".into()),
        to: Some("1001".into()),
        dnis: Some("6000".into()),
        call_type: None,
        call_type_label: Some("Inbound".into()),
        queue_name: Some("Sales".into()),
        queue_number: Some("7001".into()),
        parties: vec![Party {
            address: "5551234".into(),
            state: Some(ParticipantState::Active),
            status: "Active",
        }],
        associated: None,
        controls: CallControls::default(),
        busy: false,
        data: CallData {
            header: Some(field("Account", "callVariable1", "A-17")),
            columns: vec![
                vec![field("Customer", "user.name", "Bob"), field("", "callVariable2", "gold")],
                vec![field("Order", "callVariable3", "")],
            ],
        },
        call_time: Some(42_000),
        hold_time: None,
        wrap_up: WrapUpView {
            requirement: WrapUpRequirement::Optional,
            reason: None,
            reason_missing: false,
        },
    }
}

/// Every control of an agent's call allowed (a supervisor's Barge In and Drop are not).
fn all_controls() -> CallControls {
    CallControls {
        answer: true,
        hold: true,
        retrieve: true,
        end: true,
        consult: true,
        transfer: true,
        conference: true,
        single_step_transfer: true,
        keypad: true,
        wrap_up: true,
        update_call_data: true,
        barge: false,
        drop_participant: false,
    }
}
