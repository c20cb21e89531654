//! Fuzzes the finesse-model XML codec.
//!
//! Every input (read as UTF-8, invalid sequences replaced) is decoded, leniently and strictly, as
//! each document type whose root element it has. Besides "never panics, never hangs", the target
//! checks three properties and panics when one fails, since each failure is a codec bug:
//!
//! 1. a document that decodes strictly decodes leniently to the same value (lenient mode only
//!    tolerates more);
//! 2. a leniently decoded value encodes, and its encoding decodes leniently to the same value;
//! 3. a strictly decoded value's encoding decodes strictly to the same value.
//!
//! The bugs it found are regression tests in `crates/finesse-model/tests/regressions.rs`.

#![no_main]

use std::fmt::Debug;

use finesse_model::{
    ApiError, ApiErrors, ClientLog, ClusterConfig, Contact, Contacts, DecodeError, Dialog,
    DialogRequest, Dialogs, EnterpriseDatabaseConfig, ErrorKind, LayoutConfig, Media, MediaList,
    MediaPropertiesLayout, MediaPropertiesLayouts, MediaRequest, NotificationData, PhoneBook,
    PhoneBooks, Queue, Queues, ReasonCode, ReasonCodes, SystemConfig, SystemInfo, SystemVariable,
    SystemVariables, Team, TeamLayoutConfig, Teams, TriggerSet, Update, User, UserRequest, Users,
    Workflow, WorkflowAction, WorkflowActions, Workflows, WrapUpReason, WrapUpReasons, XmlDocument,
    decode, decode_strict, encode,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let xml = String::from_utf8_lossy(data);
    let Some(root) = root_name(&xml) else { return };
    let root = root.as_str();
    // The main document types first, then every other one (only the types whose root
    // element matches are decoded, so the list costs nothing on other inputs).
    check::<Update>(&xml, root);
    check::<User>(&xml, root);
    check::<Dialog>(&xml, root);
    check::<Dialogs>(&xml, root);
    check::<Team>(&xml, root);
    check::<Queue>(&xml, root);
    check::<ApiErrors>(&xml, root);
    check::<LayoutConfig>(&xml, root);
    check::<Users>(&xml, root);
    check::<Teams>(&xml, root);
    check::<Queues>(&xml, root);
    check::<ApiError>(&xml, root);
    check::<DialogRequest>(&xml, root);
    check::<UserRequest>(&xml, root);
    check::<NotificationData>(&xml, root);
    check::<Media>(&xml, root);
    check::<MediaList>(&xml, root);
    check::<MediaRequest>(&xml, root);
    check::<SystemInfo>(&xml, root);
    check::<ClientLog>(&xml, root);
    check::<TeamLayoutConfig>(&xml, root);
    check::<ReasonCode>(&xml, root);
    check::<ReasonCodes>(&xml, root);
    check::<WrapUpReason>(&xml, root);
    check::<WrapUpReasons>(&xml, root);
    check::<PhoneBook>(&xml, root);
    check::<PhoneBooks>(&xml, root);
    check::<Contact>(&xml, root);
    check::<Contacts>(&xml, root);
    check::<Workflow>(&xml, root);
    check::<Workflows>(&xml, root);
    check::<TriggerSet>(&xml, root);
    check::<WorkflowAction>(&xml, root);
    check::<WorkflowActions>(&xml, root);
    check::<MediaPropertiesLayout>(&xml, root);
    check::<MediaPropertiesLayouts>(&xml, root);
    check::<SystemConfig>(&xml, root);
    check::<ClusterConfig>(&xml, root);
    check::<EnterpriseDatabaseConfig>(&xml, root);
    check::<SystemVariable>(&xml, root);
    check::<SystemVariables>(&xml, root);
});

/// The root element's name, or `None` when the input is not well-formed (then every type fails
/// the same way: parsing does not depend on the type or the mode). One parse instead of one per
/// type.
fn root_name(xml: &str) -> Option<String> {
    match decode::<Update>(xml) {
        Ok(_) => Some(Update::ROOT.to_owned()),
        Err(e) => match e.kind() {
            ErrorKind::WrongRoot { found, .. } => Some(found.clone()),
            ErrorKind::Syntax(_) | ErrorKind::TooDeep(_) => None,
            // A mapping error: the root is one of Update's spellings; the path starts with it.
            _ => Some(e.path().split('/').next().unwrap_or(Update::ROOT).to_owned()),
        },
    }
}

/// A document type the target can compare after a round trip.
trait Doc: XmlDocument + PartialEq + Debug + Clone {}

macro_rules! docs {
    ($($ty:ty),* $(,)?) => {$( impl Doc for $ty {} )*};
}

docs! {
    Update, NotificationData, User, Dialog, Dialogs, Team, Queue, ApiErrors, LayoutConfig, Users,
    Teams, Queues, ApiError, DialogRequest, UserRequest, Media, MediaList, MediaRequest,
    SystemInfo, ClientLog, TeamLayoutConfig, ReasonCode, ReasonCodes, WrapUpReason,
    WrapUpReasons, PhoneBook, PhoneBooks, Contact, Contacts, Workflow, Workflows, TriggerSet,
    WorkflowAction, WorkflowActions, MediaPropertiesLayout, MediaPropertiesLayouts, SystemConfig,
    ClusterConfig, EnterpriseDatabaseConfig, SystemVariable, SystemVariables,
}

fn check<T: Doc>(xml: &str, root: &str) {
    if T::ROOT != root && !T::ROOT_ALIASES.contains(&root) {
        return;
    }
    let lenient = decode::<T>(xml);
    let strict = decode_strict::<T>(xml);
    let name = std::any::type_name::<T>();

    if let Ok(strict) = &strict {
        match &lenient {
            Ok(lenient) => assert_eq!(
                lenient, strict,
                "{name}: lenient and strict decoding disagree on {xml:?}"
            ),
            Err(e) => panic!("{name}: strict decoding succeeds, lenient fails ({e}) on {xml:?}"),
        }
        round_trip(strict, decode_strict::<T>, "strict");
    }
    if let Ok(lenient) = &lenient {
        round_trip(lenient, decode::<T>, "lenient");
    }
}

fn round_trip<T: Doc>(value: &T, decoder: fn(&str) -> Result<T, DecodeError>, mode: &str) {
    let name = std::any::type_name::<T>();
    let encoded = match encode(value) {
        Ok(encoded) => encoded,
        Err(e) => panic!("{name}: a {mode}ly decoded value does not encode ({e}): {value:?}"),
    };
    match decoder(&encoded) {
        Ok(again) => assert_eq!(
            &again, value,
            "{name}: {mode} decode(encode(value)) differs; encoding: {encoded:?}"
        ),
        Err(e) => panic!(
            "{name}: the encoding of a {mode}ly decoded value does not decode {mode}ly \
             ({e}): {encoded:?}; value: {value:?}"
        ),
    }
}
