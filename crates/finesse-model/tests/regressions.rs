//! Regression tests, one per bug found (named `bug_<slug>`), kept sorted.
//!
//! Property: every value the lenient decoder produces encodes to a document that decodes
//! (leniently, and strictly when the source decoded strictly) to the same value.

use finesse_model::{CtiConfig, PhoneBooks, SystemConfig, decode, decode_strict, encode};

/// Found by the fuzzer: list items holding only prose (`<Contact> ...Full Contact Object...
/// </Contact>`, as the guide prints them) decoded as default items inside a present list, but
/// the encoding of those items was read back as no list at all.
#[test]
fn bug_fuzz_stray_text_in_list_items_round_trips() {
    let xml = include_str!("regressions/fuzz-phonebooks-stray-text.xml");
    let books: PhoneBooks = decode(xml).expect("lenient decoding tolerates the prose");
    let again: PhoneBooks = decode(&encode(&books).expect("encodes")).expect("re-decodes");
    assert_eq!(again, books);
    assert!(books[0].embedded_contacts.as_ref().is_some_and(|c| c.len() == 1));
}

/// An optional element whose children are all empty is absent, like an empty element.
#[test]
fn bug_all_empty_struct_is_absent() {
    let with_empty_children: SystemConfig =
        decode_strict("<SystemConfig><cti><host/><port></port></cti></SystemConfig>").unwrap();
    let without: SystemConfig = decode_strict("<SystemConfig/>").unwrap();
    assert_eq!(with_empty_children, without);
    let set = SystemConfig {
        cti: Some(CtiConfig { port: Some(42027), ..CtiConfig::default() }),
        ..SystemConfig::default()
    };
    assert_eq!(decode_strict::<SystemConfig>(&encode(&set).unwrap()).unwrap(), set);
}

/// Found by the fuzzer: an element that is not empty on the wire (attributes, children that
/// lenient mode ignores) but whose value is empty decoded as `Some("")` or `Some(Unknown(""))`,
/// whose encoding (`<x/>`) then read back as absent.
#[test]
fn bug_fuzz_empty_values_are_absent() {
    use finesse_model::{Mode, User, Workflow, decode_with};
    let xml = "<Workflow><ConditionSet><conditions><Condition>\n<comparator><x/></comparator>\
               </Condition> </conditions></ConditionSet></Workflow>";
    let wf: Workflow = decode(xml).unwrap();
    assert_eq!(decode::<Workflow>(&encode(&wf).unwrap()).unwrap(), wf);
    let user: User = decode_with("<User><firstName a=\"1\"/></User>", Mode::Lenient).unwrap();
    assert_eq!(user.first_name, None);
    // Strict mode names the attribute it does not know.
    let err = decode_strict::<User>("<User><firstName a=\"1\"/></User>").unwrap_err();
    assert_eq!(err.kind_name(), "unknown_attribute");
    assert_eq!(err.path(), "User/firstName");
}

/// Found with the fuzz harness: strict mode read an enumeration given as a child element
/// (`<state><x/></state>`) as the unknown value `x`.
#[test]
fn bug_strict_enum_as_element_is_rejected() {
    use finesse_model::User;
    let err = decode_strict::<User>("<User><state><x/></state></User>").unwrap_err();
    assert_eq!(err.kind_name(), "unknown_element");
    assert_eq!(err.path(), "User/state/x");
    assert_eq!(decode::<User>("<User><state><x/></state></User>").unwrap().state, None);
}

/// Found by the fuzzer: `< >…</>` was accepted as an element with an empty name.
#[test]
fn bug_fuzz_nameless_elements_are_syntax_errors() {
    use finesse_model::User;
    let err = decode::<User>("<User>< >x</></User>").unwrap_err();
    assert_eq!(err.kind_name(), "syntax");
    // and `<name<n/>` was an element named `name<n`, which could not be encoded again.
    let err =
        decode::<finesse_model::Update>("<Update><data><name<n/></data></Update>").unwrap_err();
    assert_eq!(err.kind_name(), "syntax");
}

/// Found by the fuzzer: an unknown notification payload encoded as an empty `<data/>`.
#[test]
fn bug_fuzz_unknown_payload_keeps_its_name() {
    use finesse_model::{Update, UpdateData};
    let update: Update = decode("<Update><data><Widget/></data></Update>").unwrap();
    assert_eq!(update.data, Some(UpdateData::Unknown("Widget".into())));
    assert_eq!(decode::<Update>(&encode(&update).unwrap()).unwrap(), update);
}
