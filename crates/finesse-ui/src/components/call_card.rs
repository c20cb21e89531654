//! One call: who, its state and timers, its call data, wrap-up, and the controls the agent's
//! participant's actions allow (answer, hold, retrieve, end, consult, direct transfer, transfer,
//! conference, keypad, wrap-up reason, edit call variables).

use std::rc::Rc;

use finesse_model::{CallVariable, DialogId, ParticipantState};
use finesse_session::{CallData, CallView, Field, Intent};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::{Contact, DialPad, Elapsed, PhoneBookPicker};
use crate::dom;
use crate::i18n::Locale;

/// Props of [`CallCard`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct CallCardProps {
    /// The call (`Session::calls`).
    pub call: CallView,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// The wrap-up reasons' labels the agent may choose from.
    #[prop_or_default]
    pub wrap_up_reasons: Vec<String>,
    /// The agent's phone book contacts, for the consult and direct transfer forms.
    #[prop_or_default]
    pub contacts: Vec<Contact>,
    /// Called with what the agent asks for on this call.
    pub on_intent: Callback<Intent>,
    /// Checks a number typed for a consult or a direct transfer: the number to dial, or a
    /// message for the agent (`Session::check_dial_number`). Without it, any non-blank number is
    /// accepted.
    #[prop_or_default]
    pub validate: Option<Callback<String, Result<String, String>>>,
}

/// Which inline form or pad of the card is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Panel {
    /// None.
    #[default]
    Closed,
    /// The consult form.
    Consult,
    /// The direct transfer form.
    DirectTransfer,
    /// The keypad.
    Keypad,
    /// The call variables form.
    EditVariables,
}

/// The card's own state.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct CardUi {
    /// The open panel.
    pub(crate) panel: Panel,
    /// The number typed in the consult or direct transfer form.
    pub(crate) number: String,
    /// Why the number was refused.
    pub(crate) error: Option<String>,
    /// The wrap-up reason chosen (index into the reasons), before Apply.
    pub(crate) wrap_choice: Option<usize>,
    /// The call variables being edited: name and value.
    pub(crate) edits: Vec<(String, String)>,
}

/// What changes the card's state.
#[derive(Debug)]
pub(crate) enum CardAction {
    /// Opens the panel, or closes it when it is open.
    Toggle(Panel),
    /// Opens (or closes) the call variables form with these values.
    ToggleEdit(Vec<(String, String)>),
    /// The number typed.
    Number(String),
    /// The number was refused.
    Error(String),
    /// A wrap-up reason chosen.
    Choose(Option<usize>),
    /// A call variable edited (its index in `edits`).
    Edit(usize, String),
    /// Closes the open panel.
    Close,
}

impl Reducible for CardUi {
    type Action = CardAction;

    fn reduce(self: Rc<Self>, action: CardAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            CardAction::Toggle(panel) => {
                next.panel = if next.panel == panel { Panel::Closed } else { panel };
                next.number.clear();
                next.error = None;
            }
            CardAction::ToggleEdit(values) => {
                if next.panel == Panel::EditVariables {
                    next.panel = Panel::Closed;
                    next.edits.clear();
                } else {
                    next.panel = Panel::EditVariables;
                    next.edits = values;
                }
                next.error = None;
            }
            CardAction::Number(number) => {
                next.number = number;
                next.error = None;
            }
            CardAction::Error(message) => next.error = Some(message),
            CardAction::Choose(choice) => next.wrap_choice = choice,
            CardAction::Edit(i, value) => {
                if let Some(edit) = next.edits.get_mut(i) {
                    edit.1 = value;
                }
            }
            CardAction::Close => {
                next.panel = Panel::Closed;
                next.number.clear();
                next.error = None;
                next.edits.clear();
            }
        }
        Rc::new(next)
    }
}

/// The elements focus moves between.
#[derive(Clone, Default)]
pub(crate) struct CardRefs {
    /// The open panel's container (focus goes to its first field when it opens).
    pub(crate) panel: NodeRef,
    /// The Consult button.
    pub(crate) consult: NodeRef,
    /// The Direct Transfer button.
    pub(crate) direct: NodeRef,
    /// The Keypad button.
    pub(crate) keypad: NodeRef,
    /// The Edit Call Variables button.
    pub(crate) edit: NodeRef,
    /// This instance's unique number, for element ids.
    pub(crate) uid: u32,
}

impl CardRefs {
    /// The button that opens `panel` (focus returns there when it closes).
    fn toggle(&self, panel: Panel) -> &NodeRef {
        match panel {
            Panel::Consult | Panel::Closed => &self.consult,
            Panel::DirectTransfer => &self.direct,
            Panel::Keypad => &self.keypad,
            Panel::EditVariables => &self.edit,
        }
    }
}

/// The call data's fields an agent can edit: header and columns, each variable once.
pub(crate) fn editable_fields(data: &CallData) -> Vec<&Field> {
    let mut fields: Vec<&Field> = Vec::new();
    for field in data.header.iter().chain(data.columns.iter().flatten()) {
        if !field.name.trim().is_empty() && !fields.iter().any(|f| f.name == field.name) {
            fields.push(field);
        }
    }
    fields
}

/// The variables whose edited value differs from the call's.
pub(crate) fn changed_variables(
    fields: &[&Field],
    edits: &[(String, String)],
) -> Vec<CallVariable> {
    edits
        .iter()
        .filter(|(name, value)| {
            fields.iter().find(|f| f.name == *name).is_none_or(|f| f.value != *value)
        })
        .map(|(name, value)| CallVariable::new(name.clone(), value.clone()))
        .collect()
}

/// Checks a number typed in the consult or direct transfer form with the host's validator, or
/// (without one) only that it is not blank.
pub(crate) fn check_number(
    validate: Option<&Callback<String, Result<String, String>>>,
    number: &str,
    l: Locale,
) -> Result<String, String> {
    match validate {
        Some(validate) => validate.emit(number.to_owned()),
        None => Some(number.trim().to_owned())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| l.t("Enter a number")),
    }
}

/// What the consult or direct transfer form asks for.
pub(crate) fn dial_intent(kind: Panel, dialog: DialogId, to: String) -> Intent {
    if kind == Panel::Consult {
        Intent::Consult { dialog, to }
    } else {
        Intent::SingleStepTransfer { dialog, to }
    }
}

/// A field's label: the layout's display name, else the variable's name.
fn field_label(field: &Field) -> String {
    if field.label.trim().is_empty() { field.name.clone() } else { field.label.clone() }
}

/// The CSS class of the agent's call state.
fn status_class(state: Option<&ParticipantState>) -> &'static str {
    match state {
        Some(ParticipantState::Alerting | ParticipantState::Offered) => "status-incoming",
        Some(ParticipantState::Active | ParticipantState::Accepted) => "status-active",
        Some(ParticipantState::Held) => "status-held",
        Some(ParticipantState::WrapUp | ParticipantState::WrappingUp) => "status-wrap-up",
        Some(ParticipantState::Failed) => "status-failed",
        _ => "status-other",
    }
}

/// One call as a `<section>` named "Call – {caller}": the other party, the call's state
/// (`data-testid="call-status"`), call and hold timers (`call-time`, `hold-time`), call type,
/// DNIS, queue, the other participants, the call data as definition lists, wrap-up, and the
/// controls its `controls` allow, all disabled while `busy`. Consult and Direct Transfer open a
/// form (number, phone book), Keypad a dial pad sending DTMF, Edit Call Variables a form that
/// sends the changed variables only.
///
/// Key it by the dialog id (`key={call.id.to_string()}`): open forms are its own state.
#[component]
pub fn CallCard(props: &CallCardProps) -> Html {
    let ui = use_reducer(CardUi::default);
    let uid = *use_state(dom::next_uid);
    let refs = CardRefs { uid, ..use_mut_ref(CardRefs::default).borrow().clone() };
    {
        let panel = refs.panel.clone();
        use_effect_with(ui.panel, move |open| {
            if *open != Panel::Closed {
                dom::focus_first(&panel, "input, select, button:not([disabled])");
            }
        });
    }
    render(props, &ui, &refs)
}

/// Renders the card in the given state.
pub(crate) fn render(
    props: &CallCardProps,
    ui: &UseReducerHandle<CardUi>,
    refs: &CardRefs,
) -> Html {
    let l = props.locale;
    let call = &props.call;
    let party = if call.incoming { call.from.as_ref() } else { call.to.as_ref() }
        .filter(|p| !p.trim().is_empty());
    let name = match party {
        Some(p) => format!("{} \u{2013} {p}", l.tr("Call")),
        None => l.t("Call"),
    };
    html! {
        <section class="call-card" aria-label={name} data-dialog-id={call.id.to_string()}>
            <div class="call-header">
                <span class="call-party">{ party.cloned().unwrap_or_else(|| "\u{2013}".to_owned()) }</span>
                <span class={classes!("call-status", status_class(call.participant_state.as_ref()))}
                    data-testid="call-status">{ l.t(call.status) }</span>
                <span class="call-timer">
                    <span class="timer-label">{ l.t("Duration") }</span>{ " " }
                    <Elapsed ms={call.call_time} testid="call-time" />
                </span>
                if let Some(hold) = call.hold_time {
                    <span class="hold-timer">
                        <span class="timer-label">{ l.t("On Hold") }</span>{ " " }
                        <Elapsed ms={Some(hold)} testid="hold-time" />
                    </span>
                }
            </div>
            { info(call, l) }
            { call_data(&call.data, l) }
            { wrap_up(props, ui) }
            { controls(props, ui, refs) }
            <div class="call-panel" ref={refs.panel.clone()}>{ panel(props, ui, refs) }</div>
        </section>
    }
}

/// From, To, call type, DNIS, queue and the other participants.
fn info(call: &CallView, l: Locale) -> Html {
    let row = |label: &str, value: Option<String>| {
        value.filter(|v| !v.trim().is_empty()).map(|v| {
            html! { <><dt>{ label.to_owned() }</dt><dd>{ v }</dd></> }
        })
    };
    let queue = call.queue_name.clone().map(|name| match &call.queue_number {
        Some(number) if !number.trim().is_empty() => format!("{name} ({number})"),
        _ => name,
    });
    html! {
        <>
            <dl class="call-info">
                { row(l.tr("From"), call.from.clone()) }
                { row(l.tr("To"), call.to.clone()) }
                { row(l.tr("Call Type"), call.call_type_label.as_deref().map(|t| l.t(t))) }
                { row(l.tr("DNIS"), call.dnis.clone()) }
                { row(l.tr("Queue"), queue) }
            </dl>
            if !call.parties.is_empty() {
                <ul class="call-parties" aria-label={l.t("Participants")}>
                    { for call.parties.iter().map(|p| html! {
                        <li>
                            <span class="party-address">{ p.address.clone() }</span>{ " " }
                            <span class="party-status">{ l.t(p.status) }</span>
                        </li>
                    }) }
                </ul>
            }
        </>
    }
}

/// The call data: the header entry and up to two columns of label/value pairs.
fn call_data(data: &CallData, l: Locale) -> Html {
    let entry = |f: &Field| html! { <><dt>{ field_label(f) }</dt><dd>{ f.value.clone() }</dd></> };
    if data.header.is_none() && data.columns.iter().all(Vec::is_empty) {
        return Html::default();
    }
    html! {
        <div class="call-data" role="group" aria-label={l.t("Call Data")}>
            if let Some(header) = &data.header {
                <dl class="call-data-header">{ entry(header) }</dl>
            }
            <div class="call-data-columns">
                { for data.columns.iter().take(2).filter(|c| !c.is_empty()).map(|column| html! {
                    <dl class="call-data-column">{ for column.iter().map(entry) }</dl>
                }) }
            </div>
        </div>
    }
}

/// The wrap-up reason set, the notice that one is required, and the reason picker.
fn wrap_up(props: &CallCardProps, ui: &UseReducerHandle<CardUi>) -> Html {
    let l = props.locale;
    let call = &props.call;
    let reasons = &props.wrap_up_reasons;
    let can_choose = call.controls.wrap_up && !reasons.is_empty();
    if !can_choose && call.wrap_up.reason.is_none() && !call.wrap_up.reason_missing {
        return Html::default();
    }
    let current = call.wrap_up.reason.as_ref().and_then(|r| reasons.iter().position(|x| x == r));
    let choice = ui.wrap_choice.filter(|i| *i < reasons.len()).or(current);
    let onchange = {
        let ui = ui.clone();
        move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            ui.dispatch(CardAction::Choose(select.value().parse().ok()));
        }
    };
    let apply = {
        let on_intent = props.on_intent.clone();
        let dialog = call.id.clone();
        let reason = choice.and_then(|i| reasons.get(i)).cloned();
        move |_| {
            if let Some(reason) = reason.clone() {
                on_intent.emit(Intent::WrapUpReason { dialog: dialog.clone(), reason });
            }
        }
    };
    html! {
        <div class="wrap-up">
            if let Some(reason) = &call.wrap_up.reason {
                <p class="wrap-up-reason">
                    { format!("{} {reason}", l.tr("Wrap-Up Reason:")) }
                </p>
            }
            if call.wrap_up.reason_missing {
                <p class="wrap-up-missing" role="status">{ l.t("A wrap-up reason is required") }</p>
            }
            if can_choose {
                <div class="wrap-up-picker">
                    <select aria-label={l.t("Wrap-Up")} disabled={call.busy} {onchange}>
                        <option value="" selected={choice.is_none()}>{ l.t("Select a reason") }</option>
                        { for reasons.iter().enumerate().map(|(i, r)| html! {
                            <option value={i.to_string()} selected={choice == Some(i)}>{ r.clone() }</option>
                        }) }
                    </select>
                    <button type="button" class="apply" disabled={call.busy || choice.is_none()}
                        onclick={apply}>{ l.t("Apply") }</button>
                </div>
            }
        </div>
    }
}

/// The control buttons the call's `controls` allow.
fn controls(props: &CallCardProps, ui: &UseReducerHandle<CardUi>, refs: &CardRefs) -> Html {
    let l = props.locale;
    let call = &props.call;
    let c = call.controls;
    let busy = call.busy;
    let action = |label: &str, class: &'static str, make: fn(DialogId) -> Intent| {
        let on_intent = props.on_intent.clone();
        let dialog = call.id.clone();
        html! {
            <button type="button" class={classes!("call-button", class)} disabled={busy}
                onclick={move |_| on_intent.emit(make(dialog.clone()))}>{ label.to_owned() }</button>
        }
    };
    let toggle = |label: &str, panel: Panel, node: &NodeRef| {
        let ui = ui.clone();
        let open = ui.panel == panel;
        html! {
            <button type="button" class="call-button" disabled={busy} ref={node.clone()}
                aria-expanded={open.to_string()}
                onclick={move |_| ui.dispatch(CardAction::Toggle(panel))}>{ label.to_owned() }</button>
        }
    };
    let fields = editable_fields(&call.data);
    let edit = (c.update_call_data && !fields.is_empty()).then(|| {
        let values: Vec<(String, String)> =
            fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
        let ui = ui.clone();
        let open = ui.panel == Panel::EditVariables;
        html! {
            <button type="button" class="call-button" disabled={busy} ref={refs.edit.clone()}
                aria-expanded={open.to_string()}
                onclick={move |_| ui.dispatch(CardAction::ToggleEdit(values.clone()))}>
                { l.t("Edit Call Variables") }
            </button>
        }
    });
    html! {
        <div class="call-controls" role="group" aria-label={l.t("Call Controls")}>
            if c.answer { { action(l.tr("Answer"), "answer", Intent::Answer) } }
            if c.hold { { action(l.tr("Hold"), "hold", Intent::Hold) } }
            if c.retrieve { { action(l.tr("Retrieve"), "retrieve", Intent::Retrieve) } }
            if c.consult { { toggle(l.tr("Consult"), Panel::Consult, &refs.consult) } }
            if c.single_step_transfer {
                { toggle(l.tr("Direct Transfer"), Panel::DirectTransfer, &refs.direct) }
            }
            if c.transfer { { action(l.tr("Transfer"), "transfer", Intent::Transfer) } }
            if c.conference { { action(l.tr("Conference"), "conference", Intent::Conference) } }
            if c.keypad { { toggle(l.tr("Keypad"), Panel::Keypad, &refs.keypad) } }
            { edit }
            if c.barge { { action(l.tr("Barge In"), "barge", Intent::Barge) } }
            if c.drop_participant {
                { for call.parties.iter().map(|party| {
                    let on_intent = props.on_intent.clone();
                    let dialog = call.id.clone();
                    let target = party.address.clone();
                    // "Drop" and whom, both visible: the accessible name is "Drop 1001001".
                    html! {
                        <button type="button" class="call-button drop-participant" disabled={busy}
                            data-party={party.address.clone()}
                            onclick={move |_| on_intent.emit(Intent::DropParticipant {
                                dialog: dialog.clone(), target: target.clone() })}>
                            { l.t("Drop") }{ " " }{ party.address.clone() }
                        </button>
                    }
                }) }
            }
            if c.end { { action(l.tr("End"), "end", Intent::End) } }
        </div>
    }
}

/// The open panel, when its control is still allowed.
fn panel(props: &CallCardProps, ui: &UseReducerHandle<CardUi>, refs: &CardRefs) -> Html {
    let l = props.locale;
    let call = &props.call;
    let c = call.controls;
    match ui.panel {
        Panel::Consult if c.consult => dial_form(props, ui, refs, Panel::Consult),
        Panel::DirectTransfer if c.single_step_transfer => {
            dial_form(props, ui, refs, Panel::DirectTransfer)
        }
        Panel::Keypad if c.keypad => {
            let on_intent = props.on_intent.clone();
            let dialog = call.id.clone();
            let on_key = Callback::from(move |key: char| {
                on_intent
                    .emit(Intent::SendDtmf { dialog: dialog.clone(), digits: key.to_string() });
            });
            html! { <DialPad {on_key} locale={l} label={l.t("Keypad")} disabled={call.busy} /> }
        }
        Panel::EditVariables if c.update_call_data => edit_form(props, ui, refs),
        _ => Html::default(),
    }
}

/// Closes the panel on Escape and gives the focus back to its button.
fn escape_closes(ui: &UseReducerHandle<CardUi>, toggle: &NodeRef) -> Callback<KeyboardEvent> {
    let ui = ui.clone();
    let toggle = toggle.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            ui.dispatch(CardAction::Close);
            dom::focus(&toggle);
        }
    })
}

/// The consult or direct transfer form: a number, the phone book, Dial and Cancel.
fn dial_form(
    props: &CallCardProps,
    ui: &UseReducerHandle<CardUi>,
    refs: &CardRefs,
    kind: Panel,
) -> Html {
    let l = props.locale;
    let call = &props.call;
    let label = if kind == Panel::Consult { l.t("Consult") } else { l.t("Direct Transfer") };
    let error_id = format!("fui-{}-number-error", refs.uid);
    let onsubmit = {
        let ui = ui.clone();
        let validate = props.validate.clone();
        let on_intent = props.on_intent.clone();
        let dialog = call.id.clone();
        let toggle = refs.toggle(kind).clone();
        move |e: SubmitEvent| {
            e.prevent_default();
            match check_number(validate.as_ref(), &ui.number, l) {
                Ok(to) => {
                    on_intent.emit(dial_intent(kind, dialog.clone(), to));
                    ui.dispatch(CardAction::Close);
                    dom::focus(&toggle);
                }
                Err(message) => ui.dispatch(CardAction::Error(message)),
            }
        }
    };
    let oninput = {
        let ui = ui.clone();
        move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ui.dispatch(CardAction::Number(input.value()));
        }
    };
    let on_pick = {
        let ui = ui.clone();
        Callback::from(move |number: String| ui.dispatch(CardAction::Number(number)))
    };
    let cancel = {
        let ui = ui.clone();
        let toggle = refs.toggle(kind).clone();
        move |_| {
            ui.dispatch(CardAction::Close);
            dom::focus(&toggle);
        }
    };
    html! {
        <form class="dial-form" aria-label={label} novalidate=true {onsubmit}
            onkeydown={escape_closes(ui, refs.toggle(kind))}>
            <label class="field">
                <span class="field-label">{ l.t("Number") }</span>
                <input type="tel" autocomplete="off" value={ui.number.clone()} {oninput}
                    aria-invalid={ui.error.is_some().then_some("true")}
                    aria-describedby={ui.error.is_some().then(|| error_id.clone())} />
            </label>
            if !props.contacts.is_empty() {
                <PhoneBookPicker contacts={props.contacts.clone()} {on_pick} locale={l}
                    disabled={call.busy} />
            }
            if let Some(error) = &ui.error {
                <p class="field-error" role="alert" id={error_id}>{ error.clone() }</p>
            }
            <div class="form-buttons">
                <button type="submit" class="primary" disabled={call.busy}>{ l.t("Dial") }</button>
                <button type="button" onclick={cancel}>{ l.t("Cancel") }</button>
            </div>
        </form>
    }
}

/// The call variables form: one text field per variable, Save and Cancel.
fn edit_form(props: &CallCardProps, ui: &UseReducerHandle<CardUi>, refs: &CardRefs) -> Html {
    let l = props.locale;
    let call = &props.call;
    let fields = editable_fields(&call.data);
    let onsubmit = {
        let ui = ui.clone();
        let on_intent = props.on_intent.clone();
        let dialog = call.id.clone();
        let variables = changed_variables(&fields, &ui.edits);
        let toggle = refs.edit.clone();
        move |e: SubmitEvent| {
            e.prevent_default();
            if !variables.is_empty() {
                on_intent.emit(Intent::UpdateCallVariables {
                    dialog: dialog.clone(),
                    variables: variables.clone(),
                });
            }
            ui.dispatch(CardAction::Close);
            dom::focus(&toggle);
        }
    };
    let cancel = {
        let ui = ui.clone();
        let toggle = refs.edit.clone();
        move |_| {
            ui.dispatch(CardAction::Close);
            dom::focus(&toggle);
        }
    };
    html! {
        <form class="call-variables-form" aria-label={l.t("Edit Call Variables")} {onsubmit}
            onkeydown={escape_closes(ui, &refs.edit)}>
            { for ui.edits.iter().enumerate().map(|(i, (name, value))| {
                let label = fields
                    .iter()
                    .find(|f| f.name == *name)
                    .map_or_else(|| name.clone(), |f| field_label(f));
                let oninput = {
                    let ui = ui.clone();
                    move |e: InputEvent| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        ui.dispatch(CardAction::Edit(i, input.value()));
                    }
                };
                html! {
                    <label class="field">
                        <span class="field-label">{ label }</span>
                        <input type="text" value={value.clone()} {oninput} />
                    </label>
                }
            }) }
            <div class="form-buttons">
                <button type="submit" class="primary" disabled={call.busy}>{ l.t("Save") }</button>
                <button type="button" onclick={cancel}>{ l.t("Cancel") }</button>
            </div>
        </form>
    }
}
