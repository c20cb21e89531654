//! Elapsed, Banner, Toasts, DialPad, PhoneBookPicker, Table and Contact.

use yew::prelude::*;

use super::{IMG, SCRIPT, dom_of, render};
use crate::{
    Banner, BannerKind, BannerProps, Column, Contact, DIAL_KEYS, DialPad, DialPadProps, Elapsed,
    ElapsedProps, Locale, PhoneBookPicker, PhoneBookPickerProps, Table, TableProps, Toast, Toasts,
    ToastsProps,
};

#[tokio::test]
async fn elapsed() {
    let dom =
        dom_of::<Elapsed>(ElapsedProps { ms: Some(3_725_000), testid: Some("t".into()) }).await;
    let time = dom.testid("t").expect("rendered");
    assert_eq!((time.tag.as_str(), time.text().as_str()), ("time", "1:02:05"));
    assert_eq!(time.attr("datetime"), Some("PT3725S"));
    let dom = dom_of::<Elapsed>(ElapsedProps { ms: Some(59_999), testid: None }).await;
    let time = dom.all()[0];
    assert_eq!((time.text().as_str(), time.attr("datetime")), ("0:59", Some("PT59S")));
    assert!(!time.has("data-testid"));
    let dom = dom_of::<Elapsed>(ElapsedProps { ms: None, testid: Some("t".into()) }).await;
    let unknown = dom.testid("t").expect("rendered");
    assert_eq!((unknown.tag.as_str(), unknown.text().as_str()), ("span", "\u{2013}"));
}

#[tokio::test]
async fn banners() {
    for (kind, role, class) in [
        (BannerKind::Info, "status", "banner banner-info"),
        (BannerKind::Warning, "status", "banner banner-warning"),
        (BannerKind::Error, "alert", "banner banner-error"),
    ] {
        let props = BannerProps { kind, text: SCRIPT.into(), testid: Some("b".into()) };
        let html = render::<Banner>(props).await;
        assert!(!html.contains("<script"), "{html}");
        let dom = super::dom::parse(&html);
        let banner = dom.testid("b").expect("rendered");
        assert_eq!(banner.role(), Some(role));
        assert_eq!(banner.attr("class"), Some(class));
        assert_eq!(banner.text(), SCRIPT);
    }
}

#[tokio::test]
async fn toasts() {
    let items = vec![
        Toast { id: 1, kind: BannerKind::Info, text: "Saved".into() },
        Toast { id: 2, kind: BannerKind::Error, text: IMG.into() },
    ];
    let props = ToastsProps { items, on_dismiss: Callback::noop(), locale: Locale::En };
    let html = render::<Toasts>(props.clone()).await;
    assert!(!html.contains("<img"), "{html}");
    let dom = super::dom::parse(&html);
    let region = dom.all().into_iter().find(|e| e.has("aria-live")).expect("a live region");
    assert_eq!(region.attr("aria-live"), Some("polite"));
    assert_eq!(region.by_role("status").len(), 1);
    let alert = region.by_role("alert");
    assert_eq!(alert.len(), 1);
    assert!(alert[0].text().starts_with(IMG));
    assert_eq!(region.names("button"), ["Dismiss", "Dismiss"]);
    let french = ToastsProps { locale: Locale::Fr, ..props };
    assert_eq!(dom_of::<Toasts>(french).await.names("button"), ["Fermer", "Fermer"]);
    // Empty, the live region is there already, so that what is added is announced.
    let empty = ToastsProps { items: Vec::new(), on_dismiss: Callback::noop(), locale: Locale::En };
    let dom = dom_of::<Toasts>(empty).await;
    let region = dom.all()[0];
    assert_eq!((region.attr("aria-live"), region.children.len()), (Some("polite"), 0));
}

#[tokio::test]
async fn dial_pad() {
    let props = |locale, disabled| DialPadProps {
        on_key: Callback::noop(),
        locale,
        label: "Keypad".into(),
        disabled,
    };
    let dom = dom_of::<DialPad>(props(Locale::En, false)).await;
    let pad = dom.get("group", "Keypad");
    let names = pad.names("button");
    let expected: Vec<String> = DIAL_KEYS.iter().map(char::to_string).collect();
    assert_eq!(names, expected);
    assert!(
        pad.by_role("button").iter().all(|b| !b.disabled() && b.attr("type") == Some("button"))
    );
    assert_eq!(pad.get("button", "*").attr("title"), Some("Star"));
    let dom = dom_of::<DialPad>(props(Locale::Fr, true)).await;
    let pad = dom.get("group", "Keypad");
    assert!(pad.by_role("button").iter().all(|b| b.disabled()));
    assert_eq!(pad.get("button", "#").attr("title"), Some("Dièse"));
}

#[tokio::test]
async fn phone_book() {
    let contacts = vec![Contact::new("Bob Builder", "5550100"), Contact::new("Eve", "+33 1 23")];
    let props = PhoneBookPickerProps {
        contacts,
        on_pick: Callback::noop(),
        locale: Locale::Fr,
        disabled: false,
    };
    let dom = dom_of::<PhoneBookPicker>(props).await;
    let select = dom.get("combobox", "Annuaire");
    let options: Vec<(Option<&str>, String)> =
        select.by_role("option").iter().map(|o| (o.attr("value"), o.text())).collect();
    assert_eq!(
        options,
        [
            (Some(""), "Choisir un contact".to_owned()),
            (Some("0"), "Bob Builder \u{2013} 5550100".to_owned()),
            (Some("1"), "Eve \u{2013} +33 1 23".to_owned()),
        ]
    );
}

#[test]
fn contacts_from_the_phone_book_api() {
    let contact =
        |first: Option<&str>, last: Option<&str>, phone: Option<&str>, desc: Option<&str>| {
            finesse_model::Contact {
                first_name: first.map(str::to_owned),
                last_name: last.map(str::to_owned),
                phone_number: phone.map(str::to_owned),
                description: desc.map(str::to_owned),
                ..Default::default()
            }
        };
    let c = contact(Some("Bob"), Some("Builder"), Some(" 5550100 "), None);
    assert_eq!(Contact::from_model(&c), Some(Contact::new("Bob Builder", "5550100")));
    let c = contact(None, Some("Builder"), Some("1"), Some("Site"));
    assert_eq!(Contact::from_model(&c), Some(Contact::new("Builder", "1")));
    let c = contact(Some(" "), None, Some("1"), Some("Help desk"));
    assert_eq!(Contact::from_model(&c), Some(Contact::new("Help desk", "1")));
    let c = contact(None, None, Some("1"), None);
    assert_eq!(Contact::from_model(&c), Some(Contact::new("1", "1")));
    assert_eq!(Contact::from_model(&contact(Some("Bob"), None, Some(" "), None)), None);
    assert_eq!(Contact::from_model(&contact(Some("Bob"), None, None, None)), None);
}

fn table(sort: Option<(usize, bool)>, rows: Vec<Vec<String>>) -> TableProps {
    TableProps {
        caption: "Team".into(),
        columns: vec![
            Column { key: "name".into(), label: "Name".into() },
            Column { key: "state".into(), label: "State".into() },
        ],
        rows,
        sort,
        on_sort: Callback::noop(),
        locale: Locale::En,
        row_classes: Vec::new(),
        trailing: None,
        totals: None,
    }
}

#[tokio::test]
async fn tables() {
    let rows =
        vec![vec!["Alice".to_owned(), "Ready".to_owned()], vec![SCRIPT.to_owned(), IMG.to_owned()]];
    let html = render::<Table>(table(Some((1, false)), rows)).await;
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    let dom = super::dom::parse(&html);
    let t = dom.by_role("table");
    assert_eq!(t.len(), 1);
    let caption = t[0].all().into_iter().find(|e| e.tag == "caption").expect("a caption");
    assert_eq!(caption.text(), "Team");
    let headers = dom.by_role("columnheader");
    assert_eq!(headers.iter().map(|h| h.name()).collect::<Vec<_>>(), ["Name", "State"]);
    assert_eq!(headers[0].attr("aria-sort"), None);
    assert_eq!(headers[1].attr("aria-sort"), Some("descending"));
    assert_eq!(headers[1].attr("scope"), Some("col"));
    assert_eq!(dom.names("button"), ["Name", "State"]);
    let cells: Vec<String> = dom.all().iter().filter(|e| e.tag == "td").map(|e| e.text()).collect();
    assert_eq!(cells, ["Alice", "Ready", SCRIPT, IMG]);

    let dom = dom_of::<Table>(table(Some((0, true)), Vec::new())).await;
    assert_eq!(dom.by_role("columnheader")[0].attr("aria-sort"), Some("ascending"));
    let empty = dom.all().into_iter().find(|e| e.tag == "td").expect("a cell");
    assert_eq!((empty.text().trim(), empty.attr("colspan")), ("No entries", Some("2")));
    let french = TableProps { locale: Locale::Fr, ..table(None, Vec::new()) };
    let dom = dom_of::<Table>(french).await;
    assert!(dom.by_role("columnheader").iter().all(|h| !h.has("aria-sort")));
    assert!(dom.text().contains("Aucune entrée"));
}

#[tokio::test]
async fn sign_in() {
    use crate::{SignIn, SignInProps};
    let props = SignInProps {
        id: "1001001".into(),
        error: Some("The ID or password is wrong.".into()),
        id_label: "User ID".into(),
        title: "Sign in to Finesse".into(),
        locale: Locale::En,
        on_sign_in: Callback::noop(),
    };
    let dom = dom_of::<SignIn>(props.clone()).await;
    let form = dom.get("form", "Sign in to Finesse");
    assert_eq!(form.by_role("alert")[0].text(), "The ID or password is wrong.");
    assert_eq!(form.labelled("User ID").attr("value"), Some("1001001"));
    assert_eq!(form.labelled("Password").attr("type"), Some("password"));
    assert_eq!(form.names("button"), ["Sign In"]);
    let french = SignInProps { locale: Locale::Fr, error: None, ..props };
    let dom = dom_of::<SignIn>(french).await;
    let form = dom.get("form", "Se connecter à Finesse");
    assert!(form.by_role("alert").is_empty());
    assert_eq!(form.names("button"), ["Connexion"]);
    assert_eq!(form.labelled("Identifiant de l’utilisateur").attr("name"), Some("id"));
}
