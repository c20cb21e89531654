//! Contacts of the agent's phone books, to fill a number in.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::Locale;

/// A phone book entry as the picker shows it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Contact {
    /// The contact's name ("First Last").
    pub name: String,
    /// The number to dial.
    pub number: String,
}

impl Contact {
    /// A contact.
    pub fn new(name: impl Into<String>, number: impl Into<String>) -> Self {
        Self { name: name.into(), number: number.into() }
    }

    /// A Finesse phone book contact ("First Last", else its description, else its number);
    /// `None` without a phone number, since there is nothing to dial.
    pub fn from_model(contact: &finesse_model::Contact) -> Option<Self> {
        let number = contact.phone_number.as_deref().map(str::trim).filter(|n| !n.is_empty())?;
        let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let name = if name.is_empty() {
            contact.description.clone().filter(|d| !d.trim().is_empty())
        } else {
            Some(name)
        };
        Some(Self::new(name.unwrap_or_else(|| number.to_owned()), number))
    }
}

/// Props of [`PhoneBookPicker`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct PhoneBookPickerProps {
    /// The contacts, in the order to show them.
    pub contacts: Vec<Contact>,
    /// Called with the number of the contact picked.
    pub on_pick: Callback<String>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// Disables the picker.
    #[prop_or_default]
    pub disabled: bool,
}

/// A `<select>` named "Phone Book" whose options read "Name – number"; picking one emits its
/// number (the first option is a placeholder that emits nothing).
#[component]
pub fn PhoneBookPicker(props: &PhoneBookPickerProps) -> Html {
    let onchange = {
        let contacts = props.contacts.clone();
        let on_pick = props.on_pick.clone();
        move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(contact) =
                select.value().parse::<usize>().ok().and_then(|i| contacts.get(i))
            {
                on_pick.emit(contact.number.clone());
            }
        }
    };
    html! {
        <select class="phone-book" aria-label={props.locale.t("Phone Book")}
            disabled={props.disabled} {onchange}>
            <option value="" selected=true>{ props.locale.t("Choose a contact") }</option>
            { for props.contacts.iter().enumerate().map(|(i, c)| html! {
                <option value={i.to_string()}>{ format!("{} \u{2013} {}", c.name, c.number) }</option>
            }) }
        </select>
    }
}
