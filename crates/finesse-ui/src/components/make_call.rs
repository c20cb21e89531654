//! "Make a New Call": a number (typed, from the dial pad or the phone book), checked by the
//! host before it is dialed.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{Contact, DialPad, PhoneBookPicker};
use crate::dom;
use crate::i18n::Locale;

/// Props of [`MakeCall`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct MakeCallProps {
    /// Whether the agent may make a call now (`Session::can_make_call`).
    pub enabled: bool,
    /// The agent's phone book contacts.
    #[prop_or_default]
    pub contacts: Vec<Contact>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// Checks the number: the number to dial, or a message for the agent
    /// (`Session::check_dial_number`).
    pub validate: Callback<String, Result<String, String>>,
    /// Called with the checked number to dial.
    pub on_dial: Callback<String>,
}

/// The form's own state.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct MakeCallUi {
    /// The form is open.
    pub(crate) open: bool,
    /// The number typed.
    pub(crate) number: String,
    /// Why the number was refused.
    pub(crate) error: Option<String>,
}

/// What changes the form's state.
#[derive(Debug)]
pub(crate) enum MakeCallAction {
    /// Opens or closes the form (and forgets what was typed).
    Toggle,
    /// Closes the form.
    Close,
    /// The number typed or picked.
    Number(String),
    /// A key of the dial pad, appended to the number.
    Key(char),
    /// The number was refused.
    Error(String),
}

impl Reducible for MakeCallUi {
    type Action = MakeCallAction;

    fn reduce(self: Rc<Self>, action: MakeCallAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            MakeCallAction::Toggle => {
                next = Self { open: !self.open, ..Self::default() };
            }
            MakeCallAction::Close => next = Self::default(),
            MakeCallAction::Number(number) => {
                next.number = number;
                next.error = None;
            }
            MakeCallAction::Key(key) => {
                next.number.push(key);
                next.error = None;
            }
            MakeCallAction::Error(message) => next.error = Some(message),
        }
        Rc::new(next)
    }
}

/// The focusable elements of the form.
#[derive(Clone, Default)]
pub(crate) struct MakeCallRefs {
    /// The "Make a New Call" button.
    pub(crate) toggle: NodeRef,
    /// The number field.
    pub(crate) input: NodeRef,
    /// This instance's unique number, for element ids.
    pub(crate) uid: u32,
}

/// A "Make a New Call" button (disabled unless `enabled`) that opens a form named "Make a New
/// Call": a "Number" field, a dial pad that appends to it, the phone book, "Call" and "Cancel".
/// "Call" asks `validate`; a refusal is shown (`role="alert"`) and nothing is dialed, a number
/// is passed to `on_dial` and the form closes. Escape closes it too.
#[component]
pub fn MakeCall(props: &MakeCallProps) -> Html {
    let ui = use_reducer(MakeCallUi::default);
    let uid = *use_state(dom::next_uid);
    let refs = MakeCallRefs { uid, ..use_mut_ref(MakeCallRefs::default).borrow().clone() };
    {
        let input = refs.input.clone();
        use_effect_with(ui.open, move |open| {
            if *open {
                dom::focus(&input);
            }
        });
    }
    render(props, &ui, &refs)
}

/// Renders the button and, when open, the form.
pub(crate) fn render(
    props: &MakeCallProps,
    ui: &UseReducerHandle<MakeCallUi>,
    refs: &MakeCallRefs,
) -> Html {
    let l = props.locale;
    let open = ui.open && props.enabled;
    let title = l.t("Make a New Call");
    let toggle = {
        let ui = ui.clone();
        move |_| ui.dispatch(MakeCallAction::Toggle)
    };
    html! {
        <div class="make-call">
            <button type="button" class="make-call-button primary" ref={refs.toggle.clone()}
                disabled={!props.enabled} aria-expanded={open.to_string()} onclick={toggle}>
                { title.clone() }
            </button>
            if open { { form(props, ui, refs, title) } }
        </div>
    }
}

fn form(
    props: &MakeCallProps,
    ui: &UseReducerHandle<MakeCallUi>,
    refs: &MakeCallRefs,
    title: String,
) -> Html {
    let l = props.locale;
    let close = {
        let ui = ui.clone();
        let toggle = refs.toggle.clone();
        move || {
            ui.dispatch(MakeCallAction::Close);
            dom::focus(&toggle);
        }
    };
    let onsubmit = {
        let ui = ui.clone();
        let validate = props.validate.clone();
        let on_dial = props.on_dial.clone();
        let close = close.clone();
        move |e: SubmitEvent| {
            e.prevent_default();
            match validate.emit(ui.number.clone()) {
                Ok(number) => {
                    on_dial.emit(number);
                    close();
                }
                Err(message) => ui.dispatch(MakeCallAction::Error(message)),
            }
        }
    };
    let onkeydown = {
        let close = close.clone();
        move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close();
            }
        }
    };
    let oninput = {
        let ui = ui.clone();
        move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ui.dispatch(MakeCallAction::Number(input.value()));
        }
    };
    let on_key = {
        let ui = ui.clone();
        Callback::from(move |key: char| ui.dispatch(MakeCallAction::Key(key)))
    };
    let on_pick = {
        let ui = ui.clone();
        Callback::from(move |number: String| ui.dispatch(MakeCallAction::Number(number)))
    };
    let error_id = format!("fui-{}-make-call-error", refs.uid);
    html! {
        <form class="make-call-form" aria-label={title} novalidate=true {onsubmit} {onkeydown}>
            <label class="field">
                <span class="field-label">{ l.t("Number") }</span>
                <input type="tel" autocomplete="off" ref={refs.input.clone()}
                    value={ui.number.clone()} {oninput}
                    aria-invalid={ui.error.is_some().then_some("true")}
                    aria-describedby={ui.error.is_some().then(|| error_id.clone())} />
            </label>
            <DialPad {on_key} locale={l} label={l.t("Keypad")} />
            if !props.contacts.is_empty() {
                <PhoneBookPicker contacts={props.contacts.clone()} {on_pick} locale={l} />
            }
            if let Some(error) = &ui.error {
                <p class="field-error" role="alert" id={error_id}>{ error.clone() }</p>
            }
            <div class="form-buttons">
                <button type="submit" class="primary">{ l.t("Call") }</button>
                <button type="button" onclick={move |_| close()}>{ l.t("Cancel") }</button>
            </div>
        </form>
    }
}
