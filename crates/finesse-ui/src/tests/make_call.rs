use std::rc::Rc;

use yew::functional::Reducible;
use yew::prelude::*;

use super::{IMG, SCRIPT, dom_of, render as render_html};
use crate::components::make_call::{MakeCallAction, MakeCallRefs, MakeCallUi, render};
use crate::{Contact, Locale, MakeCall, MakeCallProps};

fn props(enabled: bool, locale: Locale) -> MakeCallProps {
    MakeCallProps {
        enabled,
        contacts: vec![Contact::new("Bob Builder", "5550100")],
        locale,
        validate: Callback::from(|n: String| Ok(n)),
        on_dial: Callback::noop(),
    }
}

#[derive(Properties, PartialEq)]
struct WithUi {
    props: MakeCallProps,
    ui: MakeCallUi,
}

/// The form in a given state (open or not is the component's own state).
#[component]
fn MakeCallWith(p: &WithUi) -> Html {
    let initial = p.ui.clone();
    let ui = use_reducer(move || initial);
    render(&p.props, &ui, &MakeCallRefs::default())
}

fn open(number: &str, error: Option<&str>) -> MakeCallUi {
    MakeCallUi { open: true, number: number.into(), error: error.map(str::to_owned) }
}

#[tokio::test]
async fn a_button_that_follows_enabled() {
    let dom = dom_of::<MakeCall>(props(true, Locale::En)).await;
    let button = dom.get("button", "Make a New Call");
    assert!(!button.disabled());
    assert_eq!(button.attr("aria-expanded"), Some("false"));
    assert!(dom.by_role("form").is_empty());
    let dom = dom_of::<MakeCall>(props(false, Locale::En)).await;
    assert!(dom.get("button", "Make a New Call").disabled());
    // Made impossible while open: the form goes away.
    let dom =
        dom_of::<MakeCallWith>(WithUi { props: props(false, Locale::En), ui: open("", None) })
            .await;
    assert!(dom.by_role("form").is_empty());
}

#[tokio::test]
async fn the_form() {
    let dom =
        dom_of::<MakeCallWith>(WithUi { props: props(true, Locale::En), ui: open("555", None) })
            .await;
    assert_eq!(dom.get("button", "Make a New Call").attr("aria-expanded"), Some("true"));
    let form = dom.get("form", "Make a New Call");
    assert_eq!(form.labelled("Number").attr("value"), Some("555"));
    assert_eq!(form.get("group", "Keypad").by_role("button").len(), 12);
    assert!(form.exists("combobox", "Phone Book"));
    assert_eq!(form.get("button", "Call").attr("type"), Some("submit"));
    assert!(form.exists("button", "Cancel"));
    assert!(form.by_role("alert").is_empty());

    // No contacts, no phone book; a refused number is said.
    let mut p = props(true, Locale::En);
    p.contacts.clear();
    let dom = dom_of::<MakeCallWith>(WithUi {
        props: p,
        ui: open("1001", Some("that is your own extension")),
    })
    .await;
    let form = dom.get("form", "Make a New Call");
    assert!(form.by_role("combobox").is_empty());
    let alerts = form.by_role("alert");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].text(), "that is your own extension");
    assert_eq!(form.labelled("Number").attr("aria-describedby"), alerts[0].attr("id"));
}

#[tokio::test]
async fn french() {
    let dom =
        dom_of::<MakeCallWith>(WithUi { props: props(true, Locale::Fr), ui: open("", None) }).await;
    let form = dom.get("form", "Passer un nouvel appel");
    assert!(dom.exists("button", "Passer un nouvel appel"));
    assert!(form.labelled("Numéro").has("value"));
    assert!(form.exists("group", "Clavier") && form.exists("combobox", "Annuaire"));
    assert!(form.exists("button", "Appel") && form.exists("button", "Annuler"));
}

#[tokio::test]
async fn typed_text_and_contacts_are_escaped() {
    let mut p = props(true, Locale::En);
    p.contacts = vec![Contact::new(SCRIPT, IMG)];
    let html = render_html::<MakeCallWith>(WithUi { props: p, ui: open(IMG, Some(SCRIPT)) }).await;
    assert!(html.contains("&lt;img") && html.contains("&lt;script"), "{html}");
    assert!(!html.contains("<img") && !html.contains("<script"), "{html}");
}

#[test]
fn the_form_state() {
    let ui = Rc::new(MakeCallUi::default());
    let ui = ui.reduce(MakeCallAction::Toggle);
    assert!(ui.open);
    let ui = ui.reduce(MakeCallAction::Key('5'));
    let ui = ui.reduce(MakeCallAction::Key('#'));
    assert_eq!(ui.number, "5#");
    let ui = ui.reduce(MakeCallAction::Error("no".into()));
    let ui = ui.reduce(MakeCallAction::Key('1'));
    assert_eq!((ui.number.as_str(), ui.error.as_deref()), ("5#1", None));
    let ui = ui.reduce(MakeCallAction::Number("4085551234".into()));
    assert_eq!(ui.number, "4085551234");
    let ui = ui.reduce(MakeCallAction::Toggle);
    assert_eq!(*ui, MakeCallUi::default(), "closing forgets the number");
    let ui = ui.reduce(MakeCallAction::Toggle).reduce(MakeCallAction::Key('9'));
    assert_eq!(*ui.reduce(MakeCallAction::Close), MakeCallUi::default());
}
