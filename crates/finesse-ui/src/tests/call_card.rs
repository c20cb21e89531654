use finesse_model::{CallVariable, DialogId};
use finesse_session::{CallView, Intent, Party};
use yew::prelude::*;

use super::{IMG, SCRIPT, all_controls, call, dom_of, field, render as render_html};
use crate::components::call_card::{
    CardAction, CardRefs, CardUi, Panel, changed_variables, check_number, dial_intent,
    editable_fields, render,
};
use crate::{CallCard, CallCardProps, Contact, Locale};

fn props(call: CallView, locale: Locale) -> CallCardProps {
    CallCardProps {
        call,
        locale,
        wrap_up_reasons: vec!["Sale".into(), "No Sale".into()],
        contacts: vec![Contact::new("Bob Builder", "5550100")],
        on_intent: Callback::noop(),
        validate: None,
    }
}

#[derive(Properties, PartialEq)]
struct WithUi {
    props: CallCardProps,
    ui: CardUi,
}

/// The card with a panel open (open panels are the component's own state).
#[component]
fn CardWith(p: &WithUi) -> Html {
    let initial = p.ui.clone();
    let ui = use_reducer(move || initial);
    render(&p.props, &ui, &CardRefs::default())
}

const BUTTONS: [&str; 10] = [
    "Answer",
    "Hold",
    "Retrieve",
    "Consult",
    "Direct Transfer",
    "Transfer",
    "Conference",
    "Keypad",
    "Edit Call Variables",
    "End",
];

#[tokio::test]
async fn shows_the_call() {
    let dom = dom_of::<CallCard>(props(call(), Locale::En)).await;
    let card = dom.get("region", "Call \u{2013} 5551234");
    assert_eq!(card.tag, "section");
    assert_eq!(card.testid("call-status").map(|e| e.text()).as_deref(), Some("Active"));
    let time = card.testid("call-time").expect("the call time");
    assert_eq!((time.tag.as_str(), time.text().as_str()), ("time", "0:42"));
    assert!(card.testid("hold-time").is_none(), "not on hold");
    let info = card.all().into_iter().find(|e| e.attr("class") == Some("call-info")).expect("info");
    assert_eq!(info.tag, "dl");
    let text = info.text();
    for part in ["From5551234", "To1001", "Call TypeInbound", "DNIS6000", "QueueSales (7001)"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    let parties = card.get("list", "Participants");
    assert_eq!(parties.by_role("listitem").len(), 1);
    assert!(parties.text().contains("5551234 Active"));
}

#[tokio::test]
async fn an_outgoing_call_on_hold() {
    let mut c = call();
    c.incoming = false;
    c.to = Some("5559999".into());
    c.status = "Hold";
    c.hold_time = Some(65_000);
    let dom = dom_of::<CallCard>(props(c, Locale::En)).await;
    let card = dom.get("region", "Call \u{2013} 5559999");
    assert_eq!(card.testid("hold-time").map(|e| e.text()).as_deref(), Some("1:05"));
    assert_eq!(card.testid("call-status").map(|e| e.text()).as_deref(), Some("Hold"));
}

#[tokio::test]
async fn the_call_data_as_definition_lists() {
    let dom = dom_of::<CallCard>(props(call(), Locale::En)).await;
    let data = dom.get("group", "Call Data");
    let lists: Vec<_> = data.all().into_iter().filter(|e| e.tag == "dl").collect();
    assert_eq!(lists.len(), 3, "header and two columns");
    let pairs = |dl: &super::dom::El| -> Vec<String> {
        dl.all().iter().filter(|e| e.tag == "dt" || e.tag == "dd").map(|e| e.text()).collect()
    };
    assert_eq!(pairs(lists[0]), ["Account", "A-17"]);
    // An empty layout label falls back to the variable's name.
    assert_eq!(pairs(lists[1]), ["Customer", "Bob", "callVariable2", "gold"]);
    assert_eq!(pairs(lists[2]), ["Order", ""]);
    // No call data, no group.
    let mut c = call();
    c.data = Default::default();
    let dom = dom_of::<CallCard>(props(c, Locale::En)).await;
    assert!(dom.by_role("group").iter().all(|g| g.name() != "Call Data"));
}

#[tokio::test]
async fn controls_follow_the_flags() {
    // No controls: no buttons at all (in particular no Answer).
    let dom = dom_of::<CallCard>(props(call(), Locale::En)).await;
    assert!(dom.get("group", "Call Controls").by_role("button").is_empty());
    assert!(!dom.exists("button", "Answer"));

    let mut c = call();
    c.controls.answer = true;
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    assert_eq!(dom.names("button"), ["Answer"]);
    assert!(!dom.get("button", "Answer").disabled());

    c.controls = all_controls();
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    assert_eq!(dom.get("group", "Call Controls").names("button"), BUTTONS);
    assert!(dom.get("group", "Call Controls").by_role("button").iter().all(|b| !b.disabled()));
    assert!(dom.get("button", "Apply").disabled(), "no wrap-up reason chosen yet");
    for toggle in ["Consult", "Direct Transfer", "Keypad", "Edit Call Variables"] {
        assert_eq!(dom.get("button", toggle).attr("aria-expanded"), Some("false"), "{toggle}");
    }

    // Everything waits while a request on the call is on its way.
    c.busy = true;
    let dom = dom_of::<CallCard>(props(c, Locale::En)).await;
    let buttons = dom.by_role("button");
    assert_eq!(buttons.len(), BUTTONS.len() + 1, "the controls and Apply");
    assert!(buttons.iter().all(|b| b.disabled()), "{:?}", dom.names("button"));
    assert!(dom.get("combobox", "Wrap-Up").disabled());
}

#[tokio::test]
async fn a_supervisors_controls() {
    // A silent monitor call: Barge In and End.
    let mut c = call();
    c.controls.barge = true;
    c.controls.end = true;
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    assert_eq!(dom.get("group", "Call Controls").names("button"), ["Barge In", "End"]);
    // The barge conference: one Drop per other participant, named by its address.
    c.controls.barge = false;
    c.controls.drop_participant = true;
    c.parties = vec![
        Party { address: "1001".into(), state: None, status: "Active" },
        Party { address: IMG.into(), state: None, status: "Active" },
    ];
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    assert_eq!(
        dom.get("group", "Call Controls").names("button"),
        ["Drop 1001".to_owned(), format!("Drop {IMG}"), "End".to_owned()]
    );
    let html = render_html::<CallCard>(props(c.clone(), Locale::En)).await;
    assert!(html.contains("&lt;img") && !html.contains("<img"), "{html}");
    let dom = dom_of::<CallCard>(props(c, Locale::Fr)).await;
    assert!(dom.exists("button", "Exclure 1001"));
}

#[tokio::test]
async fn edit_call_variables_needs_call_data() {
    let mut c = call();
    c.controls.update_call_data = true;
    c.data = Default::default();
    let dom = dom_of::<CallCard>(props(c, Locale::En)).await;
    assert!(!dom.exists("button", "Edit Call Variables"));
}

#[tokio::test]
async fn wrap_up() {
    let mut c = call();
    c.controls.wrap_up = true;
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    let select = dom.get("combobox", "Wrap-Up");
    let options: Vec<String> = select.by_role("option").iter().map(|o| o.text()).collect();
    assert_eq!(options, ["Select a reason", "Sale", "No Sale"]);
    assert!(select.by_role("option")[0].has("selected"));
    assert!(dom.get("button", "Apply").disabled(), "nothing chosen yet");
    assert!(dom.by_role("status").is_empty());

    // Required and missing: said, in a status.
    c.wrap_up.reason_missing = true;
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    let status = dom.by_role("status");
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].text(), "A wrap-up reason is required");

    // Chosen: Apply is enabled.
    let ui = CardUi { wrap_choice: Some(1), ..CardUi::default() };
    let dom = dom_of::<CardWith>(WithUi { props: props(c.clone(), Locale::En), ui }).await;
    assert!(!dom.get("button", "Apply").disabled());
    assert!(dom.get("combobox", "Wrap-Up").by_role("option")[2].has("selected"));

    // Set on the call: shown and preselected.
    c.wrap_up.reason_missing = false;
    c.wrap_up.reason = Some("Sale".into());
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::En)).await;
    assert!(dom.text().contains("Wrap-Up Reason: Sale"));
    assert!(dom.get("combobox", "Wrap-Up").by_role("option")[1].has("selected"));

    // Without reasons to choose from there is no picker.
    let mut p = props(c, Locale::En);
    p.wrap_up_reasons.clear();
    let dom = dom_of::<CallCard>(p).await;
    assert!(dom.by_role("combobox").is_empty());
    assert!(dom.text().contains("Wrap-Up Reason: Sale"));
}

#[tokio::test]
async fn the_consult_form() {
    let mut c = call();
    c.controls = all_controls();
    let ui = CardUi { panel: Panel::Consult, number: "5550100".into(), ..CardUi::default() };
    let dom = dom_of::<CardWith>(WithUi { props: props(c.clone(), Locale::En), ui }).await;
    assert_eq!(dom.get("button", "Consult").attr("aria-expanded"), Some("true"));
    let form = dom.get("form", "Consult");
    let number = form.labelled("Number");
    assert_eq!((number.attr("type"), number.attr("value")), (Some("tel"), Some("5550100")));
    assert!(!number.has("aria-invalid"));
    let book = form.get("combobox", "Phone Book");
    let options: Vec<String> = book.by_role("option").iter().map(|o| o.text()).collect();
    assert_eq!(options, ["Choose a contact", "Bob Builder \u{2013} 5550100"]);
    let dial = form.get("button", "Dial");
    assert_eq!(dial.attr("type"), Some("submit"));
    assert!(form.exists("button", "Cancel"));
    assert!(dom.by_role("alert").is_empty());

    // A refused number: said in an alert the field points to.
    let ui = CardUi {
        panel: Panel::Consult,
        error: Some("that is your own extension".into()),
        ..CardUi::default()
    };
    let mut p = props(c.clone(), Locale::En);
    p.contacts.clear();
    let dom = dom_of::<CardWith>(WithUi { props: p, ui }).await;
    let form = dom.get("form", "Consult");
    assert!(form.by_role("combobox").is_empty(), "no phone book without contacts");
    let alert = form.by_role("alert");
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0].text(), "that is your own extension");
    let number = form.labelled("Number");
    assert_eq!(number.attr("aria-invalid"), Some("true"));
    assert_eq!(number.attr("aria-describedby"), alert[0].attr("id"));

    // The same form for a direct transfer; a panel whose control went away is not shown.
    let ui = CardUi { panel: Panel::DirectTransfer, ..CardUi::default() };
    let dom =
        dom_of::<CardWith>(WithUi { props: props(c.clone(), Locale::En), ui: ui.clone() }).await;
    assert!(dom.get("form", "Direct Transfer").exists("button", "Dial"));
    c.controls.single_step_transfer = false;
    let dom = dom_of::<CardWith>(WithUi { props: props(c, Locale::En), ui }).await;
    assert!(dom.by_role("form").is_empty());
}

#[tokio::test]
async fn the_keypad() {
    let mut c = call();
    c.controls.keypad = true;
    let ui = CardUi { panel: Panel::Keypad, ..CardUi::default() };
    let dom = dom_of::<CardWith>(WithUi { props: props(c, Locale::En), ui }).await;
    assert_eq!(dom.get("button", "Keypad").attr("aria-expanded"), Some("true"));
    let pad = dom.get("group", "Keypad");
    assert_eq!(pad.names("button"), ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]);
}

#[tokio::test]
async fn the_call_variables_form() {
    let mut c = call();
    c.controls.update_call_data = true;
    let fields = editable_fields(&c.data);
    let edits: Vec<(String, String)> =
        fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    let ui = CardUi { panel: Panel::EditVariables, edits, ..CardUi::default() };
    let dom = dom_of::<CardWith>(WithUi { props: props(c, Locale::En), ui }).await;
    let form = dom.get("form", "Edit Call Variables");
    assert_eq!(form.labelled("Account").attr("value"), Some("A-17"));
    assert_eq!(form.labelled("Customer").attr("value"), Some("Bob"));
    assert_eq!(form.labelled("callVariable2").attr("value"), Some("gold"));
    assert_eq!(form.labelled("Order").attr("value"), Some(""));
    assert_eq!(form.by_role("textbox").len(), 4);
    assert_eq!(form.get("button", "Save").attr("type"), Some("submit"));
}

#[tokio::test]
async fn french() {
    let mut c = call();
    c.controls = all_controls();
    c.call_type_label = Some("Transfer".into());
    c.hold_time = Some(1_000);
    let dom = dom_of::<CallCard>(props(c.clone(), Locale::Fr)).await;
    let card = dom.get("region", "Appel \u{2013} 5551234");
    assert_eq!(
        card.get("group", "Commandes d’appel").names("button"),
        [
            "Répondre",
            "Attente",
            "Reprendre",
            "Consultation",
            "Transfert direct",
            "Transfert",
            "Conférence",
            "Clavier",
            "Modifier les variables d’appel",
            "Raccrocher",
        ]
    );
    assert_eq!(card.testid("call-status").map(|e| e.text()).as_deref(), Some("Actif"));
    let text = card.text();
    for part in ["De5551234", "À1001", "Type d’appelTransfert", "Durée", "En attente"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    assert!(card.exists("combobox", "Post-appel"));
    assert!(card.exists("list", "Autres participants"));
    let ui = CardUi { panel: Panel::Consult, ..CardUi::default() };
    let dom = dom_of::<CardWith>(WithUi { props: props(c, Locale::Fr), ui }).await;
    let form = dom.get("form", "Consultation");
    assert!(form.labelled("Numéro").has("value"));
    assert!(form.exists("button", "Composer") && form.exists("combobox", "Annuaire"));
}

/// Network text is only ever text: a call variable, the caller, a participant, reasons and
/// contacts holding markup come out escaped.
#[tokio::test]
async fn network_text_is_never_markup() {
    let mut c = call();
    c.controls = all_controls();
    c.from = Some(SCRIPT.into());
    c.to = Some(IMG.into());
    c.dnis = Some(IMG.into());
    c.queue_name = Some(SCRIPT.into());
    c.call_type_label = Some(IMG.into());
    c.parties[0].address = IMG.into();
    c.data.header = Some(field(SCRIPT, "callVariable1", IMG));
    c.data.columns[0][0] = field(IMG, "user.name", SCRIPT);
    c.wrap_up.reason = Some(SCRIPT.into());
    let mut p = props(c.clone(), Locale::En);
    p.wrap_up_reasons = vec![IMG.into(), SCRIPT.into()];
    p.contacts = vec![Contact::new(SCRIPT, IMG)];
    let html = render_html::<CallCard>(p.clone()).await;
    check_escaped(&html);
    let dom = super::dom::parse(&html);
    assert!(dom.exists("region", &format!("Call \u{2013} {SCRIPT}")), "the name is the text");
    assert!(dom.text().contains(IMG) && dom.text().contains(SCRIPT));

    // The open forms put the values in attributes and labels: escaped too.
    let fields = editable_fields(&c.data);
    let edits = fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    for ui in [
        CardUi { panel: Panel::EditVariables, edits, ..CardUi::default() },
        CardUi {
            panel: Panel::Consult,
            number: IMG.into(),
            error: Some(SCRIPT.into()),
            ..CardUi::default()
        },
    ] {
        let html = render_html::<CardWith>(WithUi { props: p.clone(), ui }).await;
        check_escaped(&html);
    }
}

fn check_escaped(html: &str) {
    assert!(html.contains("&lt;img"), "escaped img in {html}");
    assert!(html.contains("&lt;script"), "escaped script in {html}");
    assert!(!html.contains("<img"), "raw img in {html}");
    assert!(!html.contains("<script"), "raw script in {html}");
}

#[test]
fn only_changed_variables_are_sent() {
    let c = call();
    let fields = editable_fields(&c.data);
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["callVariable1", "user.name", "callVariable2", "callVariable3"]);
    let mut edits: Vec<(String, String)> =
        fields.iter().map(|f| (f.name.clone(), f.value.clone())).collect();
    assert!(changed_variables(&fields, &edits).is_empty());
    edits[1].1 = "Robert".into();
    edits[3].1 = "9".into();
    assert_eq!(
        changed_variables(&fields, &edits),
        [CallVariable::new("user.name", "Robert"), CallVariable::new("callVariable3", "9")]
    );
}

#[test]
fn a_variable_shown_twice_is_edited_once() {
    let mut c = call();
    c.data.columns[1].push(field("Account again", "callVariable1", "A-17"));
    c.data.columns[1].push(field("nameless", " ", "x"));
    assert_eq!(editable_fields(&c.data).len(), 4);
}

#[test]
fn the_card_state() {
    use std::rc::Rc;
    use yew::functional::Reducible;
    let ui = Rc::new(CardUi::default());
    let ui = ui.reduce(CardAction::Toggle(Panel::Consult));
    assert_eq!(ui.panel, Panel::Consult);
    let ui = ui.reduce(CardAction::Number("55".into()));
    let ui = ui.reduce(CardAction::Error("no".into()));
    assert_eq!((ui.number.as_str(), ui.error.as_deref()), ("55", Some("no")));
    // Typing clears the error; switching panels forgets the number.
    let ui = ui.reduce(CardAction::Number("556".into()));
    assert_eq!(ui.error, None);
    let ui = ui.reduce(CardAction::Toggle(Panel::DirectTransfer));
    assert_eq!((ui.panel, ui.number.as_str()), (Panel::DirectTransfer, ""));
    let ui = ui.reduce(CardAction::Toggle(Panel::DirectTransfer));
    assert_eq!(ui.panel, Panel::Closed);
    let ui = ui.reduce(CardAction::ToggleEdit(vec![("a".into(), "1".into())]));
    let ui = ui.reduce(CardAction::Edit(0, "2".into()));
    let ui = ui.reduce(CardAction::Edit(5, "ignored".into()));
    assert_eq!(
        (ui.panel, ui.edits.clone()),
        (Panel::EditVariables, vec![("a".into(), "2".into())])
    );
    let ui = ui.reduce(CardAction::Choose(Some(1)));
    let ui = ui.reduce(CardAction::Close);
    assert_eq!((ui.panel, ui.edits.len(), ui.wrap_choice), (Panel::Closed, 0, Some(1)));
}

#[test]
fn numbers_are_checked_before_dialing() {
    let dialog = DialogId::from("42");
    // Without a validator: any non-blank number, trimmed.
    assert_eq!(check_number(None, " 5550100 ", Locale::En), Ok("5550100".to_owned()));
    assert_eq!(check_number(None, "  ", Locale::Fr), Err("Saisissez un numéro".to_owned()));
    // With one: its answer.
    let validate = Callback::from(|n: String| {
        if n == "1001" { Err("that is your own extension".to_owned()) } else { Ok(format!("9{n}")) }
    });
    assert_eq!(
        check_number(Some(&validate), "1001", Locale::En),
        Err("that is your own extension".into())
    );
    assert_eq!(check_number(Some(&validate), "555", Locale::En), Ok("9555".into()));
    assert_eq!(
        dial_intent(Panel::Consult, dialog.clone(), "9555".into()),
        Intent::Consult { dialog: dialog.clone(), to: "9555".into() }
    );
    assert_eq!(
        dial_intent(Panel::DirectTransfer, dialog.clone(), "9555".into()),
        Intent::SingleStepTransfer { dialog, to: "9555".into() }
    );
}
