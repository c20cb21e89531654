//! The components in a browser (headless Chromium via wasm-bindgen-test): real clicks, keys,
//! typing and form submissions, checking what each emits and how focus moves. The markup itself
//! is checked natively by the server-side rendering tests (`src/tests`).
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use finesse_model::{AgentState, CallVariable, DialogId, ParticipantState, ReasonCodeId};
use finesse_session::{
    AgentView, CallControls, CallData, CallView, Field, Intent, MenuGroup, StateMenuItem,
    WrapUpRequirement, WrapUpView,
};
use finesse_ui::{
    CallCard, CallCardProps, Contact, Locale, MakeCall, MakeCallProps, SignIn, SignInProps,
    StateSelector, StateSelectorProps, VirtualTable, VirtualTableProps,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::wasm_bindgen::JsCast;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    KeyboardEventInit,
};
use yew::{BaseComponent, Callback, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

/// What a component emitted.
type Log<T> = Rc<RefCell<Vec<T>>>;

fn recorder<T: 'static>() -> (Log<T>, Callback<T>) {
    let log: Log<T> = Rc::default();
    let sink = log.clone();
    (log, Callback::from(move |v| sink.borrow_mut().push(v)))
}

/// Mounts a component in a fresh element of the page.
fn mount<C: BaseComponent>(props: C::Properties) -> Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let root = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&root).expect("appended");
    Renderer::<C>::with_root_and_props(root.clone(), props).render();
    root
}

/// Lets Yew render and run its effects.
async fn settle() {
    for _ in 0..3 {
        yew::platform::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The text of an element without its `aria-hidden` decorations, as its accessible name.
fn name_of(el: &Element) -> String {
    if let Some(label) = el.get_attribute("aria-label") {
        return label;
    }
    let clone = el.clone_node_with_deep(true).expect("cloned").dyn_into::<Element>().expect("el");
    let hidden = clone.query_selector_all("[aria-hidden=true]").expect("a list");
    for i in 0..hidden.length() {
        if let Some(n) = hidden.get(i) {
            n.parent_node().map(|p| p.remove_child(&n));
        }
    }
    clone.text_content().unwrap_or_default().trim().to_owned()
}

/// The element matching `selector` whose accessible name is `name`.
fn find(root: &Element, selector: &str, name: &str) -> Option<HtmlElement> {
    let list = root.query_selector_all(selector).expect("a list");
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<HtmlElement>().ok())
        .find(|el| name_of(el) == name)
}

fn get(root: &Element, selector: &str, name: &str) -> HtmlElement {
    find(root, selector, name).unwrap_or_else(|| panic!("no {selector} named {name:?}"))
}

fn focused() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

fn key(target: &HtmlElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    target.dispatch_event(&event).expect("dispatched");
}

fn fire(target: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).expect("event");
    target.dispatch_event(&event).expect("dispatched");
}

/// Types a whole value into a field.
fn type_into(input: &HtmlElement, value: &str) {
    input.unchecked_ref::<HtmlInputElement>().set_value(value);
    fire(input, "input");
}

fn choose(select: &HtmlElement, value: &str) {
    select.unchecked_ref::<HtmlSelectElement>().set_value(value);
    fire(select, "change");
}

fn item(group: MenuGroup, reason: Option<(&str, &str)>) -> StateMenuItem {
    let id = reason.map(|(id, _)| ReasonCodeId::from(id));
    StateMenuItem {
        intent: match group {
            MenuGroup::Ready => Intent::Ready,
            MenuGroup::NotReady => Intent::NotReady { reason: id },
            MenuGroup::SignOut => Intent::SignOut { reason: id },
        },
        group,
        reason: reason.map(|(_, r)| r.to_owned()),
        label: String::new(),
        enabled: true,
        after_call: false,
        selected: false,
        pending: false,
        why_not: None,
    }
}

#[wasm_bindgen_test]
async fn the_state_menu_by_keyboard_and_click() {
    let mut lunch = item(MenuGroup::NotReady, Some(("1", "Lunch")));
    lunch.enabled = false;
    let items = vec![
        item(MenuGroup::Ready, None),
        lunch,
        item(MenuGroup::NotReady, Some(("2", "Break"))),
        item(MenuGroup::NotReady, Some(("3", "Meeting"))),
        item(MenuGroup::SignOut, None),
    ];
    let agent = AgentView {
        signed_in: true,
        state: Some(AgentState::NotReady),
        label: "Not Ready",
        reason: None,
        time_in_state: None,
        pending: None,
        extension: None,
        name: String::new(),
    };
    let (chosen, on_choose) = recorder();
    let root =
        mount::<StateSelector>(StateSelectorProps { agent, items, locale: Locale::En, on_choose });
    settle().await;

    let toggle = get(&root, "button", "Not Ready");
    toggle.click();
    settle().await;
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("true"));
    // The first item that can be chosen has the focus; the arrows move it (skipping Lunch).
    let brk = get(&root, "[role=menuitem]", "Break");
    let meeting = get(&root, "[role=menuitem]", "Meeting");
    assert_eq!(focused(), Some(brk.clone().into()));
    key(&brk, "ArrowDown");
    assert_eq!(focused(), Some(meeting.clone().into()));
    key(&meeting, "ArrowDown");
    assert_eq!(focused(), Some(brk.clone().into()), "wraps around");
    // Escape closes it and gives the focus back to its button.
    key(&brk, "Escape");
    settle().await;
    assert!(root.query_selector("[role=menu]").expect("a query").is_none());
    assert_eq!(focused(), Some(toggle.clone().into()));
    assert!(chosen.borrow().is_empty());

    // Choosing a reason emits its intent and closes the menu.
    key(&toggle, "ArrowDown");
    settle().await;
    get(&root, "[role=menuitem]", "Meeting").click();
    settle().await;
    assert!(root.query_selector("[role=menu]").expect("a query").is_none());
    get(&root, "button", "Ready").click();
    get(&root, "button", "Sign Out").click();
    assert_eq!(
        *chosen.borrow(),
        [
            Intent::NotReady { reason: Some(ReasonCodeId::from("3")) },
            Intent::Ready,
            Intent::SignOut { reason: None },
        ]
    );
}

fn call() -> CallView {
    let field = |label: &str, name: &str, value: &str| Field {
        label: label.into(),
        name: name.into(),
        value: value.into(),
    };
    CallView {
        id: DialogId::from("42"),
        state: None,
        participant_state: Some(ParticipantState::Active),
        status: "Active",
        incoming: true,
        from: Some("5551234".into()),
        to: Some("1001".into()),
        dnis: None,
        call_type: None,
        call_type_label: None,
        queue_name: None,
        queue_number: None,
        parties: Vec::new(),
        associated: None,
        controls: CallControls {
            answer: true,
            hold: true,
            retrieve: false,
            end: true,
            consult: true,
            transfer: false,
            conference: false,
            single_step_transfer: true,
            keypad: true,
            wrap_up: true,
            update_call_data: true,
            barge: false,
            drop_participant: false,
        },
        busy: false,
        data: CallData {
            header: None,
            columns: vec![vec![
                field("Customer", "user.name", "Bob"),
                field("", "callVariable2", "gold"),
            ]],
        },
        call_time: Some(1_000),
        hold_time: None,
        wrap_up: WrapUpView {
            requirement: WrapUpRequirement::Optional,
            reason: None,
            reason_missing: false,
        },
    }
}

#[wasm_bindgen_test]
async fn the_call_card_controls() {
    let (intents, on_intent) = recorder();
    let validate = Callback::from(|n: String| {
        if n.trim() == "1001" { Err("that is your own extension".to_owned()) } else { Ok(n) }
    });
    let root = mount::<CallCard>(CallCardProps {
        call: call(),
        locale: Locale::En,
        wrap_up_reasons: vec!["Sale".into(), "No Sale".into()],
        contacts: vec![Contact::new("Bob Builder", "5550100")],
        on_intent,
        validate: Some(validate),
    });
    settle().await;
    let dialog = DialogId::from("42");

    get(&root, "button", "Answer").click();
    get(&root, "button", "Hold").click();
    get(&root, "button", "End").click();

    // Consult: the form opens with the focus in its number; a refused number is said.
    get(&root, "button", "Consult").click();
    settle().await;
    let form = get(&root, "form", "Consult");
    let number = form.query_selector("input").expect("a query").expect("a number field");
    assert_eq!(focused(), Some(number.clone()));
    let number: HtmlElement = number.dyn_into().expect("an element");
    type_into(&number, "1001");
    settle().await;
    get(&form, "button", "Dial").click();
    settle().await;
    let alert = root.query_selector("[role=alert]").expect("a query").expect("an alert");
    assert_eq!(alert.text_content().as_deref(), Some("that is your own extension"));
    // The phone book fills the number in; Dial consults it and closes the form.
    choose(&get(&form, "select", "Phone Book"), "0");
    settle().await;
    assert_eq!(number.unchecked_ref::<HtmlInputElement>().value(), "5550100");
    get(&form, "button", "Dial").click();
    settle().await;
    assert!(find(&root, "form", "Consult").is_none());

    // Direct transfer: the same form; Escape closes it without a request.
    get(&root, "button", "Direct Transfer").click();
    settle().await;
    let form = get(&root, "form", "Direct Transfer");
    let input: HtmlElement =
        form.query_selector("input").ok().flatten().expect("a field").dyn_into().expect("el");
    type_into(&input, " 5559999 ");
    settle().await;
    key(&input, "Escape");
    settle().await;
    assert!(find(&root, "form", "Direct Transfer").is_none());
    assert_eq!(focused(), Some(get(&root, "button", "Direct Transfer").into()));

    // The keypad sends each key.
    get(&root, "button", "Keypad").click();
    settle().await;
    let pad = root.query_selector("[role=group][aria-label=Keypad]").ok().flatten().expect("a pad");
    get(&pad, "button", "5").click();
    get(&pad, "button", "#").click();

    // Wrap-up: Apply waits for a reason.
    let apply = get(&root, "button", "Apply");
    assert!(apply.has_attribute("disabled"));
    choose(&get(&root, "select", "Wrap-Up"), "1");
    settle().await;
    assert!(!apply.has_attribute("disabled"));
    apply.click();

    // Call variables: only the changed one is sent.
    get(&root, "button", "Edit Call Variables").click();
    settle().await;
    let form = get(&root, "form", "Edit Call Variables");
    let inputs = form.query_selector_all("input").expect("fields");
    assert_eq!(inputs.length(), 2);
    let customer: HtmlElement = inputs.get(0).expect("a field").dyn_into().expect("el");
    assert_eq!(customer.unchecked_ref::<HtmlInputElement>().value(), "Bob");
    type_into(&customer, "Robert");
    settle().await;
    get(&form, "button", "Save").click();
    settle().await;
    assert!(find(&root, "form", "Edit Call Variables").is_none());

    assert_eq!(
        *intents.borrow(),
        [
            Intent::Answer(dialog.clone()),
            Intent::Hold(dialog.clone()),
            Intent::End(dialog.clone()),
            Intent::Consult { dialog: dialog.clone(), to: "5550100".into() },
            Intent::SendDtmf { dialog: dialog.clone(), digits: "5".into() },
            Intent::SendDtmf { dialog: dialog.clone(), digits: "#".into() },
            Intent::WrapUpReason { dialog: dialog.clone(), reason: "No Sale".into() },
            Intent::UpdateCallVariables {
                dialog,
                variables: vec![CallVariable::new("user.name", "Robert")],
            },
        ]
    );
}

#[wasm_bindgen_test]
async fn making_a_call() {
    let (dialed, on_dial) = recorder();
    let validate = Callback::from(|n: String| {
        if n == "1001" { Err("that is your own extension".to_owned()) } else { Ok(n) }
    });
    let root = mount::<MakeCall>(MakeCallProps {
        enabled: true,
        contacts: vec![Contact::new("Bob Builder", "5550100")],
        locale: Locale::Fr,
        validate,
        on_dial,
    });
    settle().await;
    let toggle = get(&root, "button", "Passer un nouvel appel");
    toggle.click();
    settle().await;
    let form = get(&root, "form", "Passer un nouvel appel");
    let number = form.query_selector("input").ok().flatten().expect("a number field");
    assert_eq!(focused(), Some(number.clone()));
    for digit in ["1", "0", "0", "1"] {
        get(&form, "button", digit).click();
        settle().await;
    }
    assert_eq!(number.unchecked_ref::<HtmlInputElement>().value(), "1001");
    get(&form, "button", "Appel").click();
    settle().await;
    let alert = form.query_selector("[role=alert]").ok().flatten().expect("an alert");
    assert_eq!(alert.text_content().as_deref(), Some("that is your own extension"));
    assert!(dialed.borrow().is_empty());

    choose(&get(&form, "select", "Annuaire"), "0");
    settle().await;
    assert!(form.query_selector("[role=alert]").ok().flatten().is_none(), "a new number clears it");
    get(&form, "button", "Appel").click();
    settle().await;
    assert_eq!(*dialed.borrow(), ["5550100"]);
    assert!(find(&root, "form", "Passer un nouvel appel").is_none(), "closed after dialing");
    assert_eq!(focused(), Some(toggle.into()));
}

#[wasm_bindgen_test]
async fn signing_in_never_submits_the_form_to_a_url() {
    let (entered, on_sign_in) = recorder();
    let before = web_sys::window().expect("a window").location().href().expect("a URL");
    let root = mount::<SignIn>(SignInProps {
        id: String::new(),
        error: None,
        id_label: "ID".into(),
        title: "Sign in".into(),
        locale: Locale::En,
        on_sign_in,
    });
    settle().await;
    let form = get(&root, "form", "Sign in");
    let fields = form.query_selector_all("input").expect("fields");
    let field = |i| fields.get(i).expect("a field").dyn_into::<HtmlElement>().expect("an input");
    get(&form, "button", "Sign In").click();
    settle().await;
    assert!(entered.borrow().is_empty(), "no id, nothing to report");
    type_into(&field(0), " 1001001 ");
    type_into(&field(1), "s3cret pw");
    get(&form, "button", "Sign In").click();
    settle().await;
    assert_eq!(*entered.borrow(), [("1001001".to_owned(), "s3cret pw".to_owned())]);
    let after = web_sys::window().expect("a window").location().href().expect("a URL");
    assert_eq!(after, before, "the browser did not submit the form");
}

/// 2,000 rows: scrolling renders the rows in view, never all of them.
#[wasm_bindgen_test]
async fn the_virtual_table_scrolls_through_two_thousand_rows() {
    let (rendered, on_rendered) = recorder::<usize>();
    let props = VirtualTableProps {
        caption: "Team Members".into(),
        columns: vec![finesse_ui::Column { key: "name".into(), label: "Name".into() }],
        row_count: 2000,
        render_row: Callback::from(|i: usize| yew::html! { <td>{ format!("Agent {i}") }</td> }),
        row_key: Callback::from(|i: usize| format!("a{i}")),
        row_height: 30,
        height: 300,
        sort: None,
        on_sort: Callback::noop(),
        on_rendered: Some(on_rendered),
        locale: Locale::En,
    };
    let root = mount::<VirtualTable>(props);
    settle().await;
    let rows = |root: &Element| {
        let list = root.query_selector_all("tbody tr:not(.spacer)").expect("a list");
        (0..list.length()).filter_map(|i| list.get(i)?.text_content()).collect::<Vec<_>>()
    };
    let first = rows(&root);
    assert_eq!(first.first().map(String::as_str), Some("Agent 0"));
    assert!(first.len() < 40, "{} rows rendered", first.len());
    let scroller = root.query_selector(".virtual-table").expect("ok").expect("the scroller");
    // The whole height is there to scroll through.
    assert!(scroller.scroll_height() >= 2000 * 30, "{}", scroller.scroll_height());
    for target in [1000usize, 1990, 10] {
        scroller.set_scroll_top(i32::try_from(target * 30).expect("fits"));
        scroller.dispatch_event(&Event::new("scroll").expect("an event")).expect("dispatched");
        settle().await;
        let now = rows(&root);
        let wanted = format!("Agent {target}");
        assert!(now.contains(&wanted), "{wanted} in {now:?}");
        assert!(now.len() < 40, "{} rows rendered", now.len());
    }
    assert!(rendered.borrow().iter().all(|n| *n < 40), "{:?}", rendered.borrow());
}

#[wasm_bindgen_test]
fn the_document_gets_a_title() {
    finesse_ui::set_document_title("Contrôle des appels <1>");
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    assert_eq!(document.title(), "Contrôle des appels <1>");
    // As text: no element was made of it.
    let title = document.query_selector("head > title").expect("ok").expect("a title");
    assert_eq!(title.child_element_count(), 0);
}
