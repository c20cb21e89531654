//! Declarative macros that keep the ~80 wire types uniform: every struct field is optional on
//! the wire (absent and empty mean the same), omitted from the output when absent, and named in
//! lower camel case unless renamed; every enumeration keeps values it does not know.

/// Whether a field has nothing to encode (then the element is left out), and whether a value
/// is empty (then an `Option` holding it is absent).
pub trait IsAbsent {
    /// `true` when the field should not be written.
    fn is_absent(&self) -> bool;

    /// `true` when the value carries nothing: an empty string or id, an unknown enumeration
    /// value with no text, a struct whose fields are all absent. An `Option` of an empty value
    /// is absent, because on the wire both are an empty element.
    fn is_empty_value(&self) -> bool {
        self.is_absent()
    }
}

impl<T: IsAbsent> IsAbsent for Option<T> {
    /// `None`, or a value with nothing in it.
    fn is_absent(&self) -> bool {
        self.as_ref().is_none_or(IsAbsent::is_empty_value)
    }
}

macro_rules! never_absent {
    ($($ty:ty),*) => {$(
        impl IsAbsent for $ty {
            fn is_absent(&self) -> bool {
                false
            }
        }
    )*};
}
never_absent!(bool, i32, i64, u32, u64);

/// Decoding normalisation: an optional struct whose fields are all absent decodes as `None`,
/// exactly as an empty element does, so `<cti><host/></cti>`, `<cti/>` and no `<cti>` mean the
/// same and every decoded value encodes to a document that decodes back to it.
pub(crate) trait Normalize {
    /// The normalised value.
    fn normalize(self) -> Self;
}

impl<T: IsAbsent> Normalize for Option<T> {
    fn normalize(self) -> Self {
        self.filter(|v| !v.is_empty_value())
    }
}

impl<T> Normalize for Vec<T> {
    fn normalize(self) -> Self {
        self
    }
}

impl Normalize for String {
    fn normalize(self) -> Self {
        self
    }
}

/// `deserialize_with` for every wire struct field: decode, then [`Normalize`].
pub(crate) fn normalized<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Normalize,
{
    T::deserialize(deserializer).map(Normalize::normalize)
}

impl<T> IsAbsent for Vec<T> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

impl IsAbsent for String {
    /// A required string is always written, even when empty (`<value></value>` is meaningful
    /// in a call variable).
    fn is_absent(&self) -> bool {
        false
    }

    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

/// Defines a wire struct: derives, camelCase names, `default` and "skip when absent" on every
/// field, its decoder (`xml::read`) and `XmlDocument` when a root element is given. A field's
/// attributes are its doc comment, then at most one `#[serde(rename = "…", alias = "…")]`.
macro_rules! xml_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(as $root:literal $(| $alias:literal)*)? {
            $(
                $(#[doc = $doc:literal])*
                $(#[serde($($skey:ident = $sval:literal),* $(,)?)])?
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                $(#[serde($($skey = $sval),*)])?
                #[serde(
                    default,
                    skip_serializing_if = "crate::macros::IsAbsent::is_absent",
                    deserialize_with = "crate::macros::normalized"
                )]
                pub $field: $ty,
            )*
        }

        impl crate::macros::IsAbsent for $name {
            fn is_absent(&self) -> bool {
                true $(&& crate::macros::IsAbsent::is_absent(&self.$field))*
            }
        }

        impl $name {
            /// The fields' names and serde attributes, for the decoder and the encoder.
            const XML_FIELDS: &'static [crate::xml::read::FieldSpec] = &[$(crate::xml::read::FieldSpec {
                rust: stringify!($field),
                attrs: &[$($((stringify!($skey), $sval)),*)?],
            }),*];
        }

        impl crate::xml::read::FromXml for $name {
            fn from_element(
                el: &crate::xml::dom::Element,
                mode: crate::Mode,
            ) -> Result<Self, crate::DecodeError> {
                use crate::xml::read::{FieldValue, Source};
                type Setter = fn(&mut $name, Source<'_>, crate::Mode) -> Result<(), crate::DecodeError>;
                const SET: &[Setter] = &[$(|value, source, mode| {
                    value.$field = FieldValue::read(source, mode)?;
                    Ok(())
                }),*];
                let mut value = Self::default();
                crate::xml::read::read_struct(el, mode, Self::XML_FIELDS, &mut |i, source| {
                    SET[i](&mut value, source, mode)
                })?;
                Ok(value)
            }
        }

        impl crate::xml::write::ToXml for $name {
            fn write_element(&self, name: &str, out: &mut String) {
                crate::xml::write::write_struct(
                    name,
                    Self::XML_FIELDS,
                    &[$(&self.$field as &dyn crate::xml::write::ToXml),*],
                    out,
                );
            }
        }

        $(
            impl crate::XmlDocument for $name {
                const ROOT: &'static str = $root;
                const ROOT_ALIASES: &'static [&'static str] = &[$($alias),*];

                fn decode_document(xml: &str, mode: crate::Mode) -> Result<Self, crate::DecodeError> {
                    crate::xml::read::decode_doc(xml, mode, Self::ROOT, Self::ROOT_ALIASES)
                }

                fn encode_document(&self) -> Result<String, crate::EncodeError> {
                    Ok(crate::xml::write::to_document(self, Self::ROOT))
                }
            }
        )?
    };
}

/// Defines a list document such as `<Dialogs><Dialog/>…</Dialogs>`: a struct with one `Vec`
/// field of the item element, dereferencing to the items.
macro_rules! xml_list {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(as $root:literal $(| $alias:literal)*)? { $item_elem:literal $(| $item_alias:literal)* => $field:ident : $item:ty }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            /// The items, in document order.
            #[serde(rename = $item_elem, $(alias = $item_alias,)* default)]
            pub $field: Vec<$item>,
        }

        impl std::ops::Deref for $name {
            type Target = Vec<$item>;
            fn deref(&self) -> &Vec<$item> {
                &self.$field
            }
        }

        impl From<Vec<$item>> for $name {
            fn from($field: Vec<$item>) -> Self {
                Self { $field }
            }
        }

        impl crate::macros::IsAbsent for $name {
            fn is_absent(&self) -> bool {
                self.$field.is_empty()
            }
        }

        impl crate::xml::read::FromXml for $name {
            fn from_element(
                el: &crate::xml::dom::Element,
                mode: crate::Mode,
            ) -> Result<Self, crate::DecodeError> {
                use crate::xml::read::{FieldSpec, FieldValue};
                const FIELDS: &[FieldSpec] = &[FieldSpec {
                    rust: "",
                    attrs: &[("rename", $item_elem) $(, ("alias", $item_alias))*],
                }];
                let mut value = Self::default();
                crate::xml::read::read_struct(el, mode, FIELDS, &mut |_, source| {
                    value.$field = FieldValue::read(source, mode)?;
                    Ok(())
                })?;
                Ok(value)
            }
        }

        impl crate::xml::write::ToXml for $name {
            fn write_element(&self, name: &str, out: &mut String) {
                crate::xml::write::write_list(name, $item_elem, &self.$field, out);
            }
        }

        $(
            impl crate::XmlDocument for $name {
                const ROOT: &'static str = $root;
                const ROOT_ALIASES: &'static [&'static str] = &[$($alias),*];

                fn decode_document(xml: &str, mode: crate::Mode) -> Result<Self, crate::DecodeError> {
                    crate::xml::read::decode_doc(xml, mode, Self::ROOT, Self::ROOT_ALIASES)
                }

                fn encode_document(&self) -> Result<String, crate::EncodeError> {
                    Ok(crate::xml::write::to_document(self, Self::ROOT))
                }
            }
        )?
    };
}

/// Defines an enumeration of documented wire values with an `Unknown(String)` fallback for
/// values a newer Finesse may send. Strict decoding rejects unknown values; lenient keeps them.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal $(| $alias:literal)*
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )*
            /// A value this version of the model does not know (kept as sent).
            Unknown(String),
        }

        impl $name {
            /// Every documented spelling, as the guide prints them.
            pub const KNOWN: &'static [&'static str] = &[$($wire, $($alias,)*)*];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }

            /// Reads a wire value; unknown values become [`Self::Unknown`].
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire $(| $alias)* => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value the model knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::macros::IsAbsent for $name {
            fn is_absent(&self) -> bool {
                false
            }

            fn is_empty_value(&self) -> bool {
                matches!(self, Self::Unknown(v) if v.is_empty())
            }
        }

        impl crate::xml::read::FromXml for $name {
            fn from_element(
                el: &crate::xml::dom::Element,
                mode: crate::Mode,
            ) -> Result<Self, crate::DecodeError> {
                crate::xml::read::enum_element(el, mode, Self::KNOWN).map(|v| Self::from_wire(&v))
            }

            fn from_text(text: &str, mode: crate::Mode) -> Result<Self, crate::DecodeError> {
                crate::xml::read::enum_text(text, mode, Self::KNOWN).map(|v| Self::from_wire(&v))
            }
        }

        impl crate::xml::write::ToXml for $name {
            fn write_text(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " value"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_wire(v.trim()))
                    }
                    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<$name, A::Error> {
                        use serde::de::VariantAccess;
                        let (value, variant): (String, _) = data.variant()?;
                        variant.unit_variant()?;
                        Ok($name::from_wire(value.trim()))
                    }
                }
                deserializer.deserialize_enum(stringify!($name), $name::KNOWN, V)
            }
        }
    };
}

/// Defines an identifier newtype: opaque text, compared exactly.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Creates the id.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl crate::macros::IsAbsent for $name {
            fn is_absent(&self) -> bool {
                false
            }

            fn is_empty_value(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl crate::xml::read::FromXml for $name {
            fn from_element(
                el: &crate::xml::dom::Element,
                mode: crate::Mode,
            ) -> Result<Self, crate::DecodeError> {
                crate::xml::read::string_element(el, mode).map(Self)
            }

            fn from_text(text: &str, _mode: crate::Mode) -> Result<Self, crate::DecodeError> {
                Ok(Self(text.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl crate::xml::write::ToXml for $name {
            fn write_text(&self, out: &mut String) {
                out.push_str(&self.0);
            }
        }
    };
}
