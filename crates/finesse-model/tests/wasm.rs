//! The codec in a browser (headless Chromium via wasm-bindgen-test): the same samples decode
//! the same way in wasm32 as natively, so the gadgets see what the native tests prove.
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

use finesse_model::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const DIALOG_NOTIFICATION: &str =
    include_str!("fixtures/guide-11.6/ch6/dialog/004-dialog-notification-sample.fixed.xml");
const CTI_ERROR: &str =
    include_str!("fixtures/guide-11.6/ch6/dialog/010-cti-error-notification-sample.xml");

#[wasm_bindgen_test]
fn decodes_a_dialog_notification_from_the_guide() {
    let update: Update = decode_strict(DIALOG_NOTIFICATION).expect("the guide's sample decodes");
    let Some(UpdateData::Dialog(dialog)) = &update.data else { panic!("{update:?}") };
    assert!(dialog.participants.as_ref().is_some_and(|p| !p.is_empty()));
    let again: Update = decode_strict(&encode(&update).expect("encodes")).expect("re-decodes");
    assert_eq!(again, update);
}

#[wasm_bindgen_test]
fn decodes_a_cti_error_notification() {
    let update: Update = decode_strict(CTI_ERROR).expect("the guide's sample decodes");
    assert!(update.api_errors().is_some_and(|e| !e.is_empty()));
}

#[wasm_bindgen_test]
fn reports_errors_with_their_path() {
    let err = decode::<User>("<User><ReasonCode><forAll>maybe</forAll></ReasonCode></User>")
        .expect_err("not a boolean");
    assert_eq!(err.path(), "User/ReasonCode/forAll");
    assert_eq!(err.kind_name(), "invalid_value");
    assert!(decode::<User>("<User><state>READY</User>").is_err());
}

#[wasm_bindgen_test]
fn reads_server_timestamps() {
    let t = Timestamp::from("2012-03-01T17:58:21.234Z");
    assert_eq!(t.epoch_millis(), Some(1_330_624_701_234));
}
