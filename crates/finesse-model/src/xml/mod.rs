//! The XML codec: decoding (lenient or strict) and encoding of [`XmlDocument`] types.

pub(crate) mod de;
pub(crate) mod dom;
pub(crate) mod error;
pub(crate) mod read;
pub(crate) mod write;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use de::Mode;
pub use error::{DecodeError, EncodeError, ErrorKind};

/// A type that is a whole XML document: it knows its root element.
///
/// Implemented by every Finesse object that travels on its own (responses, request bodies,
/// notification payloads); nested-only types are plain serde types.
pub trait XmlDocument: Serialize + DeserializeOwned {
    /// The root element's name, as Finesse writes it.
    const ROOT: &'static str;
    /// Other spellings of the root the guide itself uses (`apiErrors` for `ApiErrors`, …).
    const ROOT_ALIASES: &'static [&'static str] = &[];

    /// Decodes a document of this type (what [`decode_with`] calls). The default maps the
    /// element tree through the type's serde `Deserialize`; the model's own types override it
    /// with their table-driven decoder (`xml::read`), which maps the same way with much less
    /// code per type. An implementation detail: not meant to be called or overridden.
    #[doc(hidden)]
    fn decode_document(xml: &str, mode: Mode) -> Result<Self, DecodeError> {
        let root = dom::parse(xml)?;
        if root.name != Self::ROOT && !Self::ROOT_ALIASES.contains(&root.name.as_str()) {
            return Err(DecodeError::new(
                ErrorKind::WrongRoot { expected: Self::ROOT, found: root.name.clone() },
                root.name.clone(),
            ));
        }
        Self::deserialize(de::ElementDe { el: &root, mode }).map_err(|e| e.within(&root.name))
    }

    /// Encodes this value as a document (what [`encode`] calls). The default is quick-xml's
    /// serde serializer; the model's own types override it with their table-driven encoder
    /// (`xml::write`), which writes the same text with much less code per type. An
    /// implementation detail: not meant to be called or overridden.
    #[doc(hidden)]
    fn encode_document(&self) -> Result<String, EncodeError> {
        quick_xml::se::to_string_with_root(Self::ROOT, self).map_err(|e| EncodeError(e.to_string()))
    }
}

/// Decodes a document leniently, the way production code should: unknown elements and stray
/// text are ignored and unknown enumeration values are kept, so a newer Finesse does not break
/// a gadget. Malformed XML, a wrong root element and unparsable numbers or booleans are errors.
///
/// ```
/// use finesse_model::{decode, AgentState, User};
/// let user: User = decode("<User><loginId>1001</loginId><state>READY</state><new/></User>")?;
/// assert_eq!(user.state, Some(AgentState::Ready));
/// # Ok::<(), finesse_model::DecodeError>(())
/// ```
pub fn decode<T: XmlDocument>(xml: &str) -> Result<T, DecodeError> {
    decode_with(xml, Mode::Lenient)
}

/// Decodes a document strictly: anything the model does not know is an error. For tests and
/// fixture checks.
pub fn decode_strict<T: XmlDocument>(xml: &str) -> Result<T, DecodeError> {
    decode_with(xml, Mode::Strict)
}

/// Decodes a document in the given [`Mode`].
pub fn decode_with<T: XmlDocument>(xml: &str, mode: Mode) -> Result<T, DecodeError> {
    T::decode_document(xml, mode)
}

/// Encodes a value as a document with its root element, without an XML declaration.
pub fn encode<T: XmlDocument>(value: &T) -> Result<String, EncodeError> {
    value.encode_document()
}
