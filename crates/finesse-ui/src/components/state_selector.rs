//! The agent's state: who, which state (with reason, time in state and pending state), and the
//! Ready / Not Ready / Sign Out buttons, the last two opening a menu of reason codes.

use finesse_model::AgentState;
use finesse_session::{AgentView, Intent, MenuGroup, Pending, StateMenuItem};
use yew::prelude::*;

use crate::dom;
use crate::i18n::Locale;

/// Props of [`StateSelector`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct StateSelectorProps {
    /// The agent's state (`Session::agent`).
    pub agent: AgentView,
    /// The state menu (`Session::state_menu`).
    pub items: Vec<StateMenuItem>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// Called with the intent of the state the agent chooses.
    pub on_choose: Callback<Intent>,
}

/// What a group's button does.
#[derive(Debug, PartialEq)]
pub(crate) enum GroupAction<'a> {
    /// The group has no item: the button is disabled.
    Nothing,
    /// One item without a reason: the button chooses it.
    Direct(&'a StateMenuItem),
    /// Several items or reasons: the button opens a menu of them.
    Menu(Vec<&'a StateMenuItem>),
}

/// What the button of `group` does with these menu items.
pub(crate) fn group_action(items: &[StateMenuItem], group: MenuGroup) -> GroupAction<'_> {
    let in_group: Vec<&StateMenuItem> = items.iter().filter(|i| i.group == group).collect();
    match (in_group.first().copied(), in_group.len()) {
        (None, _) => GroupAction::Nothing,
        // Ready has no reasons: the first (and only) entry.
        (Some(first), _) if group == MenuGroup::Ready => GroupAction::Direct(first),
        (Some(only), 1) if only.reason.is_none() => GroupAction::Direct(only),
        _ => GroupAction::Menu(in_group),
    }
}

/// The English name of a group's button.
pub(crate) fn group_name(group: MenuGroup) -> &'static str {
    match group {
        MenuGroup::Ready => "Ready",
        MenuGroup::NotReady => "Not Ready",
        MenuGroup::SignOut => "Sign Out",
    }
}

fn group_slug(group: MenuGroup) -> &'static str {
    match group {
        MenuGroup::Ready => "ready",
        MenuGroup::NotReady => "not-ready",
        MenuGroup::SignOut => "sign-out",
    }
}

/// The pending state in words: "Not Ready – Lunch", the state translated and the reason as
/// the server sent it.
pub(crate) fn pending_text(pending: &Pending, locale: Locale) -> String {
    match &pending.reason {
        Some(reason) => format!("{} \u{2013} {reason}", locale.tr(pending.label)),
        None => locale.t(pending.label),
    }
}

/// The CSS class of a state's badge.
fn state_class(state: Option<&AgentState>) -> &'static str {
    match state {
        Some(AgentState::Ready) => "state-ready",
        Some(AgentState::NotReady | AgentState::Logout) => "state-not-ready",
        Some(
            AgentState::Talking
            | AgentState::Hold
            | AgentState::Reserved
            | AgentState::ReservedOutbound
            | AgentState::ReservedOutboundPreview,
        ) => "state-talking",
        Some(AgentState::Work | AgentState::WorkReady) => "state-wrap-up",
        _ => "state-unknown",
    }
}

/// The visible " (after call)" of an item that takes effect when the call ends. It is hidden
/// from the accessible name (which stays "Ready" or "Lunch") and given as its description.
fn after_call_note(id: &str, locale: Locale) -> Html {
    html! {
        <span class="after-call" id={id.to_owned()} aria-hidden="true">
            { format!(" {}", locale.tr("(after call)")) }
        </span>
    }
}

/// Everything a render needs besides the props.
pub(crate) struct Ui {
    /// The open menu.
    pub(crate) open: Option<MenuGroup>,
    /// This instance's unique number, for element ids.
    pub(crate) uid: u32,
    /// Sets the open menu.
    pub(crate) set_open: Callback<Option<MenuGroup>>,
    /// The open menu's `<ul>`.
    pub(crate) menu_ref: NodeRef,
    /// The Not Ready and Sign Out buttons (focus returns there when a menu closes).
    pub(crate) toggle_refs: [NodeRef; 2],
}

impl Ui {
    fn toggle_ref(&self, group: MenuGroup) -> NodeRef {
        match group {
            MenuGroup::SignOut => self.toggle_refs[1].clone(),
            MenuGroup::Ready | MenuGroup::NotReady => self.toggle_refs[0].clone(),
        }
    }
}

/// The agent's name, extension, state (with its reason), time in state and pending state, and
/// the buttons "Ready", "Not Ready" and "Sign Out". "Ready" chooses Ready. "Not Ready" and
/// "Sign Out" choose their state directly when it has no reason codes, and otherwise open a menu
/// (`aria-haspopup="menu"`) of the reasons, each named by its reason label; the arrow keys move
/// in it, Escape closes it. Disabled entries say why in their `title`; entries that take effect
/// when the call ends say so. The button of the current state is pressed (`aria-pressed`).
///
/// Give it a stable `key` if the host re-creates its parent: the open menu is its own state.
#[component]
pub fn StateSelector(props: &StateSelectorProps) -> Html {
    let open = use_state_eq(|| None::<MenuGroup>);
    let uid = *use_state(dom::next_uid);
    let menu_ref = use_node_ref();
    let toggle_refs = [use_node_ref(), use_node_ref()];
    {
        let menu_ref = menu_ref.clone();
        use_effect_with(*open, move |open| {
            if open.is_some() {
                dom::focus_first_button(&menu_ref);
            }
        });
    }
    let set_open = {
        let open = open.clone();
        Callback::from(move |group| open.set(group))
    };
    render(props, &Ui { open: *open, uid, set_open, menu_ref, toggle_refs })
}

/// Renders the selector in the given UI state.
pub(crate) fn render(props: &StateSelectorProps, ui: &Ui) -> Html {
    let l = props.locale;
    let agent = &props.agent;
    let state_text = match &agent.reason {
        Some(reason) => format!("{} \u{2013} {reason}", l.tr(agent.label)),
        None => l.t(agent.label),
    };
    let pending = agent.pending.as_ref().map(|p| {
        html! {
            <span class="pending-state" data-testid="pending-state">
                { format!("{} {}", l.tr("Pending:"), pending_text(p, l)) }
            </span>
        }
    });
    let extension = agent.extension.as_ref().map(|ext| {
        html! { <span class="agent-extension">{ format!("{} {ext}", l.tr("Extension")) }</span> }
    });
    html! {
        <div class="state-selector">
            <div class="agent-summary">
                if !agent.name.is_empty() {
                    <span class="agent-name">{ agent.name.clone() }</span>
                }
                { extension }
                <span class={classes!("agent-state", state_class(agent.state.as_ref()))}
                    data-testid="agent-state">{ state_text }</span>
                <crate::Elapsed ms={agent.time_in_state} testid="time-in-state" />
                { pending }
            </div>
            <div class="state-buttons" role="group" aria-label={l.t("Agent State")}>
                { group(props, ui, MenuGroup::Ready) }
                { group(props, ui, MenuGroup::NotReady) }
                { group(props, ui, MenuGroup::SignOut) }
            </div>
        </div>
    }
}

/// The button of one group, and its menu when open.
fn group(props: &StateSelectorProps, ui: &Ui, group: MenuGroup) -> Html {
    let l = props.locale;
    let name = l.t(group_name(group));
    let class = classes!("state-button", group_slug(group));
    match group_action(&props.items, group) {
        GroupAction::Nothing => html! {
            <button type="button" {class} disabled=true aria-pressed="false">{ name }</button>
        },
        GroupAction::Direct(item) => {
            let after_id = format!("fui-{}-{}-after", ui.uid, group_slug(group));
            let onclick = {
                let on_choose = props.on_choose.clone();
                let intent = item.intent.clone();
                move |_| on_choose.emit(intent.clone())
            };
            html! {
                <button type="button" {class} disabled={!item.enabled}
                    title={item.why_not.as_ref().map(|w| l.t(w))}
                    aria-pressed={item.selected.to_string()}
                    aria-describedby={item.after_call.then(|| after_id.clone())} {onclick}>
                    { name }
                    if item.after_call { { after_call_note(&after_id, l) } }
                </button>
            }
        }
        GroupAction::Menu(items) => {
            let open = ui.open == Some(group);
            let menu_id = format!("fui-{}-{}-menu", ui.uid, group_slug(group));
            let any_enabled = items.iter().any(|i| i.enabled);
            let selected = items.iter().any(|i| i.selected);
            let title = (!any_enabled)
                .then(|| items.iter().find_map(|i| i.why_not.as_ref()).map(|w| l.t(w)))
                .flatten();
            let onclick = {
                let set_open = ui.set_open.clone();
                move |_| set_open.emit(if open { None } else { Some(group) })
            };
            let onkeydown = {
                let set_open = ui.set_open.clone();
                move |e: KeyboardEvent| {
                    if e.key() == "ArrowDown" && !open {
                        e.prevent_default();
                        set_open.emit(Some(group));
                    }
                }
            };
            html! {
                <div class="state-group">
                    <button type="button" {class} ref={ui.toggle_ref(group)}
                        disabled={!any_enabled} {title}
                        aria-haspopup="menu" aria-expanded={open.to_string()}
                        aria-controls={open.then(|| menu_id.clone())}
                        aria-pressed={selected.to_string()} {onclick} {onkeydown}>
                        { name.clone() }
                        <span class="caret" aria-hidden="true">{ "\u{25be}" }</span>
                    </button>
                    if open { { menu(props, ui, group, &items, &menu_id, &name) } }
                </div>
            }
        }
    }
}

/// The open menu of a group's items.
fn menu(
    props: &StateSelectorProps,
    ui: &Ui,
    group: MenuGroup,
    items: &[&StateMenuItem],
    menu_id: &str,
    name: &str,
) -> Html {
    let l = props.locale;
    let close = {
        let set_open = ui.set_open.clone();
        let toggle = ui.toggle_ref(group);
        move || {
            set_open.emit(None);
            dom::focus(&toggle);
        }
    };
    let onkeydown = {
        let close = close.clone();
        let menu_ref = ui.menu_ref.clone();
        move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close();
            } else if dom::move_focus(&menu_ref, e.target(), &e.key()) {
                e.prevent_default();
            }
        }
    };
    html! {
        <ul class="state-menu" role="menu" id={menu_id.to_owned()} aria-label={name.to_owned()}
            ref={ui.menu_ref.clone()} {onkeydown}>
            { for items.iter().enumerate().map(|(i, item)| {
                let after_id = format!("{menu_id}-{i}-after");
                let onclick = {
                    let on_choose = props.on_choose.clone();
                    let intent = item.intent.clone();
                    let close = close.clone();
                    move |_| {
                        close();
                        on_choose.emit(intent.clone());
                    }
                };
                let text = item.reason.clone().unwrap_or_else(|| l.t(group_name(group)));
                html! {
                    <li role="none">
                        <button type="button" role="menuitem"
                            class={classes!("menu-item", item.selected.then_some("selected"),
                                item.pending.then_some("pending"))}
                            disabled={!item.enabled}
                            title={item.why_not.as_ref().map(|w| l.t(w))}
                            aria-current={item.selected.then_some("true")}
                            aria-describedby={item.after_call.then(|| after_id.clone())}
                            {onclick}>
                            { text }
                            if item.after_call { { after_call_note(&after_id, l) } }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
