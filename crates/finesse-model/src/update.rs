//! The notification envelope (guide chapter 6, "Notification Parameters"): every pubsub item
//! Finesse publishes is an `<Update>` with the event, the request id of the REST request that
//! caused it, the source object's URI and the new representation (or `apiErrors`).

use std::fmt;

use serde::de::{self, Deserializer, EnumAccess, VariantAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::xml::dom::Element;
use crate::xml::read::{self, FromXml, Payload};
use crate::xml::write::{self, ToXml};
use crate::{
    ApiErrors, DecodeError, Dialog, Dialogs, ErrorKind, Media, MediaList, Mode, Queue, Queues,
    SystemInfo, Team, UpdateEvent, User, Users,
};

xml_struct! {
    /// A notification: `<Update><event/><requestId/><source/><data/></Update>`.
    pub struct Update as "Update" | "update" {
        /// PUT (modified), POST (added), DELETE (removed); the guide prints both cases.
        event: Option<UpdateEvent>,
        /// The `requestId` header of the request that caused it; empty when unsolicited.
        request_id: Option<String>,
        /// The URI of the object that changed.
        source: Option<String>,
        /// The new representation, or the errors of an asynchronous failure.
        data: Option<UpdateData>,
    }
}

/// A bare `<data>` element, as the guide prints the data of asynchronous error notifications.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotificationData(pub Option<UpdateData>);

impl crate::XmlDocument for NotificationData {
    const ROOT: &'static str = "data";

    fn decode_document(xml: &str, mode: Mode) -> Result<Self, DecodeError> {
        read::decode_doc(xml, mode, Self::ROOT, Self::ROOT_ALIASES)
    }

    fn encode_document(&self) -> Result<String, crate::EncodeError> {
        let mut out = String::new();
        match &self.0 {
            Some(data) => data.write_element(Self::ROOT, &mut out),
            None => write::write_empty(Self::ROOT, &mut out),
        }
        Ok(out)
    }
}

impl FromXml for NotificationData {
    fn from_element(el: &Element, mode: Mode) -> Result<Self, DecodeError> {
        if el.is_empty() {
            Ok(Self(None))
        } else {
            UpdateData::from_element(el, mode).map(|d| Self(Some(d)))
        }
    }
}

impl Update {
    /// The asynchronous errors this notification carries, if it is an error notification.
    pub fn api_errors(&self) -> Option<&ApiErrors> {
        match &self.data {
            Some(UpdateData::ApiErrors(errors)) => Some(errors),
            _ => None,
        }
    }
}

/// What an `<Update>`'s `<data>` holds: any Finesse object that is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateData {
    /// A User (User node; also a team member on a Team node).
    User(User),
    /// Several users.
    Users(Users),
    /// A Dialog (PUT on the Dialogs node).
    Dialog(Dialog),
    /// Dialogs added or removed (POST/DELETE on the Dialogs node).
    Dialogs(Dialogs),
    /// A Team.
    Team(Team),
    /// A Queue (Queue node).
    Queue(Queue),
    /// Queues added or removed (User/Queues node).
    Queues(Queues),
    /// A Media object (Media node).
    Media(Media),
    /// Several Media objects.
    MediaList(MediaList),
    /// SystemInfo (SystemInfo node).
    SystemInfo(SystemInfo),
    /// Errors of an asynchronous failure (CTI errors, Media errors).
    ApiErrors(ApiErrors),
    /// A payload this version does not know, by element name (lenient decoding only).
    Unknown(String),
}

/// The data variants: the canonical element name first, then the spellings the guide uses.
const VARIANTS: &[(&str, &[&str])] = &[
    ("User", &["user"]),
    ("Users", &["users"]),
    ("Dialog", &["dialog"]),
    ("Dialogs", &["dialogs"]),
    ("Team", &["team"]),
    ("Queue", &["queue"]),
    ("Queues", &["queues"]),
    ("Media", &["media"]),
    ("MediaList", &["mediaList"]),
    ("SystemInfo", &["systemInfo"]),
    ("apiErrors", &["ApiErrors"]),
];

impl UpdateData {
    /// The element the payload is written as.
    pub fn element_name(&self) -> &str {
        match self {
            Self::User(_) => "User",
            Self::Users(_) => "Users",
            Self::Dialog(_) => "Dialog",
            Self::Dialogs(_) => "Dialogs",
            Self::Team(_) => "Team",
            Self::Queue(_) => "Queue",
            Self::Queues(_) => "Queues",
            Self::Media(_) => "Media",
            Self::MediaList(_) => "MediaList",
            Self::SystemInfo(_) => "SystemInfo",
            Self::ApiErrors(_) => "apiErrors",
            Self::Unknown(name) => name,
        }
    }
}

impl crate::macros::IsAbsent for UpdateData {
    fn is_absent(&self) -> bool {
        false
    }
}

impl ToXml for UpdateData {
    /// `<name>` holding one element named after the payload (as `Serialize` writes it).
    fn write_element(&self, name: &str, out: &mut String) {
        let child = self.element_name();
        let value: &dyn ToXml = match self {
            Self::User(v) => v,
            Self::Users(v) => v,
            Self::Dialog(v) => v,
            Self::Dialogs(v) => v,
            Self::Team(v) => v,
            Self::Queue(v) => v,
            Self::Queues(v) => v,
            Self::Media(v) => v,
            Self::MediaList(v) => v,
            Self::SystemInfo(v) => v,
            Self::ApiErrors(v) => v,
            Self::Unknown(_) => &Unit,
        };
        write::write_wrapped(name, child, value, out);
    }
}

/// An unknown payload's content: nothing (`<Name/>`, as `()` serialises).
struct Unit;

impl crate::macros::IsAbsent for Unit {
    fn is_absent(&self) -> bool {
        true
    }
}

impl ToXml for Unit {}

impl Serialize for UpdateData {
    /// `<data>`'s content: one element named after the payload (a map entry, so the name of
    /// an unknown payload is written back too).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut data = serializer.serialize_map(Some(1))?;
        let name = self.element_name();
        match self {
            Self::User(v) => data.serialize_entry(name, v)?,
            Self::Users(v) => data.serialize_entry(name, v)?,
            Self::Dialog(v) => data.serialize_entry(name, v)?,
            Self::Dialogs(v) => data.serialize_entry(name, v)?,
            Self::Team(v) => data.serialize_entry(name, v)?,
            Self::Queue(v) => data.serialize_entry(name, v)?,
            Self::Queues(v) => data.serialize_entry(name, v)?,
            Self::Media(v) => data.serialize_entry(name, v)?,
            Self::MediaList(v) => data.serialize_entry(name, v)?,
            Self::SystemInfo(v) => data.serialize_entry(name, v)?,
            Self::ApiErrors(v) => data.serialize_entry(name, v)?,
            Self::Unknown(_) => data.serialize_entry(name, &())?,
        }
        data.end()
    }
}

/// Decodes a payload element as `T`, its name added to the error path.
fn payload<T: FromXml>(el: &Element, mode: Mode) -> Result<T, DecodeError> {
    T::from_element(el, mode).map_err(|e| e.within(&el.name))
}

impl FromXml for UpdateData {
    /// `<data>`'s content: one element named after the payload (the same rules as the serde
    /// mapping of [`UpdateData`]'s `Deserialize`).
    fn from_element(el: &Element, mode: Mode) -> Result<Self, DecodeError> {
        let first = match read::payload(el, mode)? {
            Payload::Element(first) => first,
            Payload::Text => return Err(read::text_payload()),
        };
        let name = first.name.as_str();
        let canonical = VARIANTS
            .iter()
            .find(|(c, aliases)| *c == name || aliases.contains(&name))
            .map(|(c, _)| *c);
        Ok(match canonical {
            Some("User") => Self::User(payload(first, mode)?),
            Some("Users") => Self::Users(payload(first, mode)?),
            Some("Dialog") => Self::Dialog(payload(first, mode)?),
            Some("Dialogs") => Self::Dialogs(payload(first, mode)?),
            Some("Team") => Self::Team(payload(first, mode)?),
            Some("Queue") => Self::Queue(payload(first, mode)?),
            Some("Queues") => Self::Queues(payload(first, mode)?),
            Some("Media") => Self::Media(payload(first, mode)?),
            Some("MediaList") => Self::MediaList(payload(first, mode)?),
            Some("SystemInfo") => Self::SystemInfo(payload(first, mode)?),
            Some(_) => Self::ApiErrors(payload(first, mode)?),
            None if mode == Mode::Strict => {
                return Err(DecodeError::new(ErrorKind::UnknownElement(first.name.clone()), "")
                    .within(name));
            }
            None => Self::Unknown(first.name.clone()),
        })
    }

    fn from_text(_text: &str, _mode: Mode) -> Result<Self, DecodeError> {
        Err(read::text_payload())
    }
}

/// Marker the codec recognises: in strict mode an unknown payload is an error.
pub(crate) const UNKNOWN_PAYLOAD: &str = "$finesse-model::unknown-payload";

struct Ignored;

impl<'de> Deserialize<'de> for Ignored {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ignored;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any payload")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ignored, E> {
                Ok(Ignored)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Ignored, D::Error> {
                de::IgnoredAny::deserialize(d).map(|_| Ignored)
            }
        }
        deserializer.deserialize_newtype_struct(UNKNOWN_PAYLOAD, V)
    }
}

impl<'de> Deserialize<'de> for UpdateData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UpdateData;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Finesse object")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<UpdateData, A::Error> {
                let (name, variant): (String, _) = data.variant()?;
                let canonical = VARIANTS
                    .iter()
                    .find(|(c, aliases)| *c == name || aliases.contains(&name.as_str()))
                    .map(|(c, _)| *c);
                Ok(match canonical {
                    Some("User") => UpdateData::User(variant.newtype_variant()?),
                    Some("Users") => UpdateData::Users(variant.newtype_variant()?),
                    Some("Dialog") => UpdateData::Dialog(variant.newtype_variant()?),
                    Some("Dialogs") => UpdateData::Dialogs(variant.newtype_variant()?),
                    Some("Team") => UpdateData::Team(variant.newtype_variant()?),
                    Some("Queue") => UpdateData::Queue(variant.newtype_variant()?),
                    Some("Queues") => UpdateData::Queues(variant.newtype_variant()?),
                    Some("Media") => UpdateData::Media(variant.newtype_variant()?),
                    Some("MediaList") => UpdateData::MediaList(variant.newtype_variant()?),
                    Some("SystemInfo") => UpdateData::SystemInfo(variant.newtype_variant()?),
                    Some(_) => UpdateData::ApiErrors(variant.newtype_variant()?),
                    None => {
                        variant.newtype_variant::<Ignored>()?;
                        UpdateData::Unknown(name)
                    }
                })
            }
        }
        deserializer.deserialize_enum("UpdateData", &[], V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AgentState, ErrorKind, decode, decode_strict, encode};

    const USER_UPDATE: &str = "<Update><event>put</event><requestId>r1</requestId>\
        <source>/finesse/api/User/1001</source><data><user><loginId>1001</loginId>\
        <state>READY</state></user></data></Update>";

    #[test]
    fn decodes_a_user_update_with_lower_case_payload() {
        let update: Update = decode_strict(USER_UPDATE).unwrap();
        assert_eq!(update.event, Some(UpdateEvent::Put));
        assert_eq!(update.request_id.as_deref(), Some("r1"));
        let Some(UpdateData::User(user)) = &update.data else { panic!("{update:?}") };
        assert_eq!(user.state, Some(AgentState::Ready));
        let again: Update = decode_strict(&encode(&update).unwrap()).unwrap();
        assert_eq!(again, update);
    }

    #[test]
    fn error_notifications_carry_api_errors() {
        let update: Update = decode_strict(
            "<Update><data><apiErrors><apiError><errorData>34</errorData>\
             <errorMessage>CF_RESOURCE_OUT_OF_SERVICE</errorMessage>\
             <errorType>Call Operation Failure</errorType></apiError></apiErrors></data>\
             <event>PUT</event><requestId>abc</requestId><source>/finesse/api/Dialog/1</source>\
             </Update>",
        )
        .unwrap();
        let errors = update.api_errors().unwrap();
        assert_eq!(errors[0].error_message.as_deref(), Some("CF_RESOURCE_OUT_OF_SERVICE"));
        let xml = encode(&update).unwrap();
        assert_eq!(decode_strict::<Update>(&xml).unwrap(), update);
    }

    #[test]
    fn unknown_payloads_surface_as_such_leniently() {
        let xml = "<Update><event>PUT</event><data><Widget><x>1</x></Widget></data></Update>";
        let update: Update = decode(xml).unwrap();
        assert_eq!(update.data, Some(UpdateData::Unknown("Widget".into())));
        // Its name survives encoding, so the value round-trips.
        assert_eq!(decode::<Update>(&encode(&update).unwrap()).unwrap(), update);
        let err = decode_strict::<Update>(xml).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::UnknownElement("Widget".into()));
        assert_eq!(err.path(), "Update/data/Widget");
    }

    #[test]
    fn empty_data_is_absent() {
        let update: Update =
            decode_strict("<Update><event>PUT</event><requestId>7</requestId><data/></Update>")
                .unwrap();
        assert_eq!(update.data, None);
    }
}
