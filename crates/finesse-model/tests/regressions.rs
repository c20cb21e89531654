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
