//! The telephone keypad: digits for a new call, or DTMF tones on a call.

use yew::prelude::*;

use crate::i18n::Locale;

/// The keys of the pad, in their telephone layout order (rows of three).
pub const DIAL_KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/// Props of [`DialPad`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct DialPadProps {
    /// Called with the key pressed (`0`–`9`, `*`, `#`).
    pub on_key: Callback<char>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// The group's accessible name ("Keypad").
    pub label: String,
    /// Disables every key (while a request on the call is on its way).
    #[prop_or_default]
    pub disabled: bool,
}

/// A group of twelve buttons 1–9, \*, 0, #, each named by its character. Typing a key while a
/// button of the pad has the focus presses it too.
#[component]
pub fn DialPad(props: &DialPadProps) -> Html {
    let onkeydown = {
        let on_key = props.on_key.clone();
        let disabled = props.disabled;
        move |e: KeyboardEvent| {
            let key = e.key();
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && DIAL_KEYS.contains(&c)
                && !disabled
            {
                e.prevent_default();
                on_key.emit(c);
            }
        }
    };
    html! {
        <div class="dial-pad" role="group" aria-label={props.label.clone()} {onkeydown}>
            { for DIAL_KEYS.iter().map(|&c| {
                let on_key = props.on_key.clone();
                let title = match c {
                    '*' => Some(props.locale.t("Star")),
                    '#' => Some(props.locale.t("Pound")),
                    _ => None,
                };
                html! {
                    <button type="button" class="dial-key" disabled={props.disabled} {title}
                        onclick={move |_| on_key.emit(c)}>{ c }</button>
                }
            }) }
        </div>
    }
}
