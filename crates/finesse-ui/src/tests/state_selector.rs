use finesse_model::AgentState;
use finesse_session::{Intent, MenuGroup, Pending, StateMenuItem, state_label};
use yew::prelude::*;

use super::{agent, dom_of, item, menu};
use crate::components::state_selector::{
    GroupAction, Ui, group_action, group_name, pending_text, render,
};
use crate::i18n::KEYS;
use crate::{Locale, StateSelector, StateSelectorProps};

fn props(items: Vec<StateMenuItem>, locale: Locale) -> StateSelectorProps {
    StateSelectorProps { agent: agent(), items, locale, on_choose: Callback::noop() }
}

#[derive(Properties, PartialEq)]
struct Open {
    props: StateSelectorProps,
    open: Option<MenuGroup>,
}

/// The selector with a menu open (the open menu is the component's own state).
#[component]
fn OpenSelector(p: &Open) -> Html {
    let ui = Ui {
        open: p.open,
        uid: 7,
        set_open: Callback::noop(),
        menu_ref: NodeRef::default(),
        toggle_refs: Default::default(),
    };
    render(&p.props, &ui)
}

#[tokio::test]
async fn shows_the_agent_state_reason_and_time() {
    let dom = dom_of::<StateSelector>(props(menu(), Locale::En)).await;
    let text = dom.text();
    assert!(text.contains("Alice Agent"), "{text}");
    assert!(text.contains("Extension 1001"), "{text}");
    let state = dom.testid("agent-state").expect("the state");
    assert_eq!(state.text(), "Not Ready \u{2013} Lunch");
    assert!(state.attr("class").is_some_and(|c| c.contains("state-not-ready")));
    let time = dom.testid("time-in-state").expect("the time in state");
    assert_eq!((time.tag.as_str(), time.text().as_str()), ("time", "1:02:05"));
    assert!(dom.testid("pending-state").is_none(), "no pending state");
}

#[tokio::test]
async fn three_buttons_and_a_menu_for_reasons() {
    let dom = dom_of::<StateSelector>(props(menu(), Locale::En)).await;
    let group = dom.get("group", "Agent State");
    assert_eq!(group.names("button"), ["Ready", "Not Ready", "Sign Out"]);
    let ready = dom.get("button", "Ready");
    assert!(!ready.disabled() && !ready.has("aria-haspopup"));
    assert_eq!(ready.attr("aria-pressed"), Some("false"));
    // Not Ready has reasons: a menu button, pressed since Lunch is the current state.
    let not_ready = dom.get("button", "Not Ready");
    assert_eq!(not_ready.attr("aria-haspopup"), Some("menu"));
    assert_eq!(not_ready.attr("aria-expanded"), Some("false"));
    assert_eq!(not_ready.attr("aria-pressed"), Some("true"));
    assert!(!not_ready.disabled(), "Break can still be chosen");
    // Sign Out has one entry and no reason: it signs out directly.
    let sign_out = dom.get("button", "Sign Out");
    assert!(!sign_out.has("aria-haspopup"));
    assert!(dom.by_role("menu").is_empty(), "menus start closed");
}

#[tokio::test]
async fn the_open_menu_lists_the_reasons() {
    let mut items = menu();
    items[2].after_call = true; // Break, chosen during a call
    let open = Open { props: props(items, Locale::En), open: Some(MenuGroup::NotReady) };
    let dom = dom_of::<OpenSelector>(open).await;
    let toggle = dom.get("button", "Not Ready");
    assert_eq!(toggle.attr("aria-expanded"), Some("true"));
    let menu = dom.get("menu", "Not Ready");
    assert_eq!(toggle.attr("aria-controls"), menu.attr("id"));
    assert_eq!(menu.names("menuitem"), ["Lunch", "Break"]);
    assert!(menu.by_role("none").iter().all(|li| li.tag == "li"));
    let lunch = menu.get("menuitem", "Lunch");
    assert!(lunch.disabled());
    assert_eq!(lunch.attr("title"), Some("this is your current state"));
    assert_eq!(lunch.attr("aria-current"), Some("true"));
    assert_eq!(lunch.tag, "button");
    let brk = menu.get("menuitem", "Break");
    assert!(!brk.disabled() && !brk.has("title"));
    // "(after call)" is shown and described, not part of the name.
    assert!(brk.text().contains("(after call)"));
    let note = brk.attr("aria-describedby").and_then(|id| dom.by_id(id)).expect("described");
    assert_eq!(note.text().trim(), "(after call)");
    assert!(lunch.attr("aria-describedby").is_none());
}

#[tokio::test]
async fn sign_out_reasons_open_a_menu_too() {
    let mut items = menu();
    items.pop();
    let mut end_of_shift = item(MenuGroup::SignOut, Some(("9", "End of Shift")));
    end_of_shift.enabled = false;
    end_of_shift.why_not = Some("that state cannot be reached from the current state".into());
    items.push(end_of_shift);
    let dom = dom_of::<StateSelector>(props(items.clone(), Locale::En)).await;
    // One entry, but with a reason: still a menu; none can be chosen, so it is disabled.
    let sign_out = dom.get("button", "Sign Out");
    assert_eq!(sign_out.attr("aria-haspopup"), Some("menu"));
    assert_eq!(sign_out.attr("aria-pressed"), Some("false"));
    assert!(sign_out.disabled());
    assert_eq!(sign_out.attr("title"), Some("that state cannot be reached from the current state"));
    let open = Open { props: props(items, Locale::En), open: Some(MenuGroup::SignOut) };
    let dom = dom_of::<OpenSelector>(open).await;
    assert_eq!(dom.get("menu", "Sign Out").names("menuitem"), ["End of Shift"]);
}

#[tokio::test]
async fn a_disabled_or_pending_ready() {
    let mut items = menu();
    items[0].enabled = false;
    items[0].why_not = Some("choose a wrap-up reason first".into());
    let dom = dom_of::<StateSelector>(props(items.clone(), Locale::En)).await;
    let ready = dom.get("button", "Ready");
    assert!(ready.disabled());
    assert_eq!(ready.attr("title"), Some("choose a wrap-up reason first"));

    let mut items = menu();
    items[0].after_call = true;
    let dom = dom_of::<StateSelector>(props(items, Locale::En)).await;
    let ready = dom.get("button", "Ready");
    assert!(ready.text().contains("(after call)"), "{}", ready.text());
    assert!(ready.attr("aria-describedby").and_then(|id| dom.by_id(id)).is_some());
}

#[tokio::test]
async fn shows_the_pending_state() {
    let mut p = props(menu(), Locale::En);
    p.agent.pending = Some(Pending {
        state: AgentState::NotReady,
        label: "Not Ready",
        reason: Some("Break".into()),
    });
    let dom = dom_of::<StateSelector>(p.clone()).await;
    let pending = dom.testid("pending-state").expect("the pending state");
    assert_eq!(pending.text(), "Pending: Not Ready \u{2013} Break");
    p.locale = Locale::Fr;
    let dom = dom_of::<StateSelector>(p).await;
    let pending = dom.testid("pending-state").expect("the pending state");
    assert_eq!(pending.text(), "Prochain état : Non prêt \u{2013} Break");
}

#[tokio::test]
async fn french() {
    let mut items = menu();
    items[0].enabled = false;
    items[0].why_not = Some("a state change is on its way".into());
    let dom = dom_of::<StateSelector>(props(items.clone(), Locale::Fr)).await;
    assert_eq!(
        dom.get("group", "État de l’agent").names("button"),
        ["Prêt", "Non prêt", "Déconnexion"]
    );
    assert_eq!(dom.get("button", "Prêt").attr("title"), Some("un changement d’état est en cours"));
    // The reason is the server's text, untranslated.
    assert_eq!(
        dom.testid("agent-state").map(|e| e.text()).as_deref(),
        Some("Non prêt \u{2013} Lunch")
    );
    assert!(dom.text().contains("Poste 1001"));
    let open = Open { props: props(items, Locale::Fr), open: Some(MenuGroup::NotReady) };
    let dom = dom_of::<OpenSelector>(open).await;
    let lunch = dom.get("menu", "Non prêt").get("menuitem", "Lunch");
    assert_eq!(lunch.attr("title"), Some("c’est votre état actuel"));
}

#[test]
fn what_each_button_does() {
    let items = menu();
    assert_eq!(group_action(&items, MenuGroup::Ready), GroupAction::Direct(&items[0]));
    assert_eq!(
        group_action(&items, MenuGroup::NotReady),
        GroupAction::Menu(vec![&items[1], &items[2]])
    );
    assert_eq!(group_action(&items, MenuGroup::SignOut), GroupAction::Direct(&items[3]));
    assert_eq!(group_action(&items[..1], MenuGroup::SignOut), GroupAction::Nothing);
    // A single Not Ready without reason codes chooses it directly.
    let plain = vec![item(MenuGroup::NotReady, None)];
    match group_action(&plain, MenuGroup::NotReady) {
        GroupAction::Direct(i) => assert_eq!(i.intent, Intent::NotReady { reason: None }),
        other => panic!("{other:?}"),
    }
    for group in [MenuGroup::Ready, MenuGroup::NotReady, MenuGroup::SignOut] {
        assert!(KEYS.contains(&group_name(group)));
    }
}

#[test]
fn pending_states_in_words() {
    let pending = |wire: &str, reason: Option<&str>| {
        let state = AgentState::from_wire(wire);
        Pending { label: state_label(&state), state, reason: reason.map(str::to_owned) }
    };
    assert_eq!(pending_text(&pending("READY", None), Locale::En), "Ready");
    assert_eq!(pending_text(&pending("READY", None), Locale::Fr), "Prêt");
    assert_eq!(
        pending_text(&pending("NOT_READY", Some("Lunch")), Locale::En),
        "Not Ready \u{2013} Lunch"
    );
    // The label's own parentheses are not a reason; a reason may hold some.
    assert_eq!(pending_text(&pending("RESERVED_OUTBOUND", None), Locale::Fr), "Réservé (sortant)");
    assert_eq!(
        pending_text(&pending("NOT_READY", Some("Break (long)")), Locale::En),
        "Not Ready \u{2013} Break (long)"
    );
    // A state this version does not know is named as such.
    assert_eq!(pending_text(&pending("AWAY", None), Locale::En), "Unknown");
}
