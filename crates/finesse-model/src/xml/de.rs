//! A serde `Deserializer` over the element tree of [`super::dom`].
//!
//! Mapping rules (the same names quick-xml's serde support uses):
//! - a struct is an element; its fields are child elements by name, `@name` fields are
//!   attributes, a `$text` field is the element's text and a `$value` field takes every child
//!   element;
//! - a `Vec` field collects every child element of that name;
//! - `Option` fields are `None` when the element is absent or empty (`<x/>`, `<x></x>`,
//!   whitespace only), so a missing value and an empty one mean the same thing, as in the guide;
//! - enumerations are decoded through `deserialize_enum` with the list of documented names; in
//!   strict mode a value outside that list is an error, in lenient mode the type keeps it.
//!
//! Errors carry the element path: each level prepends its name as the error travels up.

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::dom::{Element, Node, clip};
use super::error::{DecodeError, ErrorKind};

/// How strictly the document is held to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Production decoding: unknown elements and stray text are ignored, unknown enumeration
    /// values are kept as `Unknown(..)`, a repeated single element keeps its last value (the
    /// guide: "last one wins"). A newer Finesse that adds fields does not break a gadget.
    #[default]
    Lenient,
    /// Test decoding: everything the model does not know is an error, so a fixture that
    /// decodes strictly is fully modelled.
    Strict,
}

pub(crate) fn invalid(value: &str, expected: impl Into<String>) -> DecodeError {
    DecodeError::new(ErrorKind::InvalidValue { value: clip(value), expected: expected.into() }, "")
}

/// Parses a boolean the way Finesse writes it (`true`/`false`, any case, surrounding space).
pub(crate) fn parse_bool(text: &str) -> Result<bool, DecodeError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if t.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(text, "a boolean (true or false)"))
    }
}

pub(crate) fn parse_num<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, DecodeError> {
    text.trim().parse().map_err(|_| invalid(text, what.to_owned()))
}

pub(crate) fn check_variant(
    text: &str,
    variants: &'static [&'static str],
    mode: Mode,
) -> Result<(), DecodeError> {
    let t = text.trim();
    if mode == Mode::Strict && !variants.is_empty() && !variants.contains(&t) {
        let mut expected = String::from("one of ");
        expected.push_str(&variants.join(", "));
        return Err(invalid(text, expected));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Text values: attributes, `$text`, and the text of leaf elements.

/// Deserializes a scalar from a piece of text.
pub(crate) struct TextDe<'a> {
    text: &'a str,
    mode: Mode,
}

macro_rules! text_numbers {
    ($($method:ident => $visit:ident: $ty:ty, $what:literal;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            visitor.$visit(parse_num::<$ty>(self.text, $what)?)
        }
    )*};
}

impl<'de> Deserializer<'de> for TextDe<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_bool(parse_bool(self.text)?)
    }

    text_numbers! {
        deserialize_i8 => visit_i8: i8, "a number";
        deserialize_i16 => visit_i16: i16, "a number";
        deserialize_i32 => visit_i32: i32, "a 32-bit integer";
        deserialize_i64 => visit_i64: i64, "a 64-bit integer";
        deserialize_u8 => visit_u8: u8, "a number";
        deserialize_u16 => visit_u16: u16, "a number from 0 to 65535";
        deserialize_u32 => visit_u32: u32, "a non-negative 32-bit integer";
        deserialize_u64 => visit_u64: u64, "a non-negative integer";
        deserialize_f32 => visit_f32: f32, "a number";
        deserialize_f64 => visit_f64: f64, "a number";
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let mut chars = self.text.trim().chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(invalid(self.text, "one character")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_bytes(self.text.as_bytes())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_bytes(self.text.as_bytes())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.text.trim().is_empty() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DecodeError> {
        Err(invalid(self.text, "a list of elements"))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, DecodeError> {
        Err(invalid(self.text, "an element with children"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        check_variant(self.text, variants, self.mode)?;
        visitor.visit_enum(TextEnum(self.text.trim()))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_str(self.text)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

/// A unit variant named by a piece of text.
struct TextEnum<'a>(&'a str);

impl<'de> EnumAccess<'de> for TextEnum<'_> {
    type Error = DecodeError;
    type Variant = UnitOnly;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, UnitOnly), DecodeError> {
        let de: de::value::StrDeserializer<'_, DecodeError> = self.0.into_deserializer();
        Ok((seed.deserialize(de)?, UnitOnly))
    }
}

struct UnitOnly;

impl<'de> VariantAccess<'de> for UnitOnly {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        _seed: S,
    ) -> Result<S::Value, DecodeError> {
        Err(DecodeError::new(ErrorKind::Other("expected an element, found text".into()), ""))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(DecodeError::new(ErrorKind::Other("tuple variants are not supported".into()), ""))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, DecodeError> {
        Err(DecodeError::new(ErrorKind::Other("expected an element, found text".into()), ""))
    }
}

// ---------------------------------------------------------------------------------------------
// Elements.

/// Deserializes a value from one element.
pub(crate) struct ElementDe<'a> {
    pub(crate) el: &'a Element,
    pub(crate) mode: Mode,
}

impl<'a> ElementDe<'a> {
    /// The element's text, for a scalar. In strict mode a child element is an error.
    fn scalar_text(&self) -> Result<String, DecodeError> {
        if self.mode == Mode::Strict {
            self.strict_scalar()?;
        }
        Ok(self.el.text())
    }

    /// A scalar element holds text only: no child element, no attribute.
    fn strict_scalar(&self) -> Result<(), DecodeError> {
        if let Some(child) = self.el.elements().next() {
            return Err(DecodeError::new(ErrorKind::UnknownElement(child.name.clone()), "")
                .within(&child.name));
        }
        if let Some((name, _)) = self.el.data_attrs().next() {
            return Err(DecodeError::new(ErrorKind::UnknownAttribute(name.clone()), ""));
        }
        Ok(())
    }

    fn map(self, fields: &'static [&'static str]) -> ElementMap<'a> {
        ElementMap::new(self.el, self.mode, fields)
    }
}

macro_rules! element_scalars {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            let text = self.scalar_text()?;
            TextDe { text: &text, mode: self.mode }.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for ElementDe<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.el.has_elements() || !self.el.attrs.is_empty() {
            visitor.visit_map(self.map(&[]))
        } else {
            visitor.visit_string(self.el.text())
        }
    }

    element_scalars!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
    );

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let text = self.scalar_text()?;
        // Pretty-printing whitespace around a value is not part of it.
        if text.trim().is_empty() { visitor.visit_str("") } else { visitor.visit_string(text) }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.el.is_empty() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if name == crate::update::UNKNOWN_PAYLOAD {
            if self.mode == Mode::Strict {
                return Err(DecodeError::new(ErrorKind::UnknownElement(self.el.name.clone()), ""));
            }
            return visitor.visit_unit();
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let items: Vec<&Element> = self.el.elements().collect();
        visitor.visit_seq(ElementSeq { items: items.into_iter(), mode: self.mode, name: None })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_map(self.map(&[]))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_map(self.map(fields))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // A type whose variants are documented values (a string enumeration) reads text; a
        // type with no variant list (the `<data>` payload) is named by its child element.
        if variants.is_empty() {
            let mut children = self.el.elements();
            if let Some(first) = children.next() {
                if self.mode == Mode::Strict {
                    if let Some(second) = children.next() {
                        return Err(DecodeError::new(
                            ErrorKind::UnknownElement(second.name.clone()),
                            "",
                        )
                        .within(&second.name));
                    }
                    if let Some(text) = self.el.stray_text() {
                        return Err(DecodeError::new(ErrorKind::UnexpectedText(clip(text)), ""));
                    }
                }
                return visitor.visit_enum(ElementEnum { el: first, mode: self.mode });
            }
        }
        let text = self.scalar_text()?;
        check_variant(&text, variants, self.mode)?;
        visitor.visit_enum(TextEnum(text.trim()))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }
}

/// A variant named by a child element, whose content is that element.
struct ElementEnum<'a> {
    el: &'a Element,
    mode: Mode,
}

impl<'de> EnumAccess<'de> for ElementEnum<'de> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self), DecodeError> {
        let de: de::value::BorrowedStrDeserializer<'de, DecodeError> =
            de::value::BorrowedStrDeserializer::new(self.el.name.as_str());
        let value = seed.deserialize(de).map_err(|e| match e.kind() {
            ErrorKind::Other(_) => {
                DecodeError::new(ErrorKind::UnknownElement(self.el.name.clone()), "")
                    .within(&self.el.name)
            }
            _ => e,
        })?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for ElementEnum<'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, DecodeError> {
        let name = &self.el.name;
        seed.deserialize(ElementDe { el: self.el, mode: self.mode }).map_err(|e| e.within(name))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let name = &self.el.name;
        ElementDe { el: self.el, mode: self.mode }
            .deserialize_seq(visitor)
            .map_err(|e| e.within(name))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let name = &self.el.name;
        visitor.visit_map(ElementMap::new(self.el, self.mode, fields)).map_err(|e| e.within(name))
    }
}

/// The entries of an element seen as a map, in document order.
pub(crate) enum Entry<'a> {
    Attr(&'a str, &'a str),
    Text(&'a str),
    /// Every child element of one name (the first occurrence fixes the position).
    Group(&'a str, Vec<&'a Element>),
    /// Every child element, for a `$value` field.
    Value(Vec<&'a Element>),
    /// Stray text that strict mode reports.
    StrayText(&'a str),
    /// An attribute strict mode reports.
    StrayAttr(&'a str),
}

pub(crate) struct ElementMap<'a> {
    entries: std::vec::IntoIter<Entry<'a>>,
    pending: Option<Entry<'a>>,
    mode: Mode,
}

impl<'a> ElementMap<'a> {
    fn new(el: &'a Element, mode: Mode, fields: &'static [&'static str]) -> Self {
        let wants_attr = |key: &str| fields.iter().any(|f| f.strip_prefix('@') == Some(key));
        let wants_value = fields.contains(&"$value");
        let wants_text = fields.contains(&"$text");
        let entries = entries(el, mode, &wants_attr, wants_text, wants_value);
        Self { entries: entries.into_iter(), pending: None, mode }
    }
}

/// The entries of an element, in the order a struct sees them: attributes first (those
/// `wants_attr` accepts; in strict mode the others, except namespace declarations, as
/// [`Entry::StrayAttr`]), then child elements grouped by name at their first occurrence, the
/// first text when `$text` is wanted (else, in strict mode, the first non-blank text as
/// [`Entry::StrayText`]), and every child element last when `$value` is wanted.
pub(crate) fn entries<'a>(
    el: &'a Element,
    mode: Mode,
    wants_attr: &dyn Fn(&str) -> bool,
    wants_text: bool,
    wants_value: bool,
) -> Vec<Entry<'a>> {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    for (key, value) in &el.attrs {
        if wants_attr(key) {
            entries.push(Entry::Attr(key, value));
        } else if mode == Mode::Strict && !(key == "xmlns" || key.starts_with("xmlns:")) {
            entries.push(Entry::StrayAttr(key));
        }
    }
    let mut all = Vec::new();
    let mut stray_reported = false;
    for child in &el.children {
        match child {
            Node::Element(e) if wants_value => all.push(e),
            Node::Element(e) => {
                let found = entries.iter_mut().rev().find_map(|entry| match entry {
                    Entry::Group(name, items) if *name == e.name => Some(items),
                    _ => None,
                });
                match found {
                    Some(items) => items.push(e),
                    None => entries.push(Entry::Group(&e.name, vec![e])),
                }
            }
            Node::Text(t) if wants_text => {
                if !entries.iter().any(|e| matches!(e, Entry::Text(_))) {
                    entries.push(Entry::Text(t));
                }
            }
            Node::Text(t) => {
                if mode == Mode::Strict && !stray_reported && !t.trim().is_empty() {
                    stray_reported = true;
                    entries.push(Entry::StrayText(t));
                }
            }
        }
    }
    if wants_value && !all.is_empty() {
        entries.push(Entry::Value(all));
    }
    entries
}

impl<'de> MapAccess<'de> for ElementMap<'de> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        let Some(entry) = self.entries.next() else { return Ok(None) };
        let key: String = match &entry {
            Entry::Attr(name, _) => format!("@{name}"),
            Entry::Text(_) => "$text".to_owned(),
            Entry::Group(name, _) => (*name).to_owned(),
            Entry::Value(_) => "$value".to_owned(),
            Entry::StrayText(text) => {
                return Err(DecodeError::new(ErrorKind::UnexpectedText(clip(text)), ""));
            }
            Entry::StrayAttr(name) => {
                return Err(DecodeError::new(ErrorKind::UnknownAttribute((*name).to_owned()), ""));
            }
        };
        self.pending = Some(entry);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let mode = self.mode;
        match self.pending.take() {
            Some(Entry::Attr(name, value)) => seed
                .deserialize(TextDe { text: value, mode })
                .map_err(|e| e.within(&format!("@{name}"))),
            Some(Entry::Text(text)) => seed.deserialize(TextDe { text, mode }),
            Some(Entry::Group(name, items)) => {
                seed.deserialize(GroupDe { name, items, mode }).map_err(|e| e.within(name))
            }
            Some(Entry::Value(items)) => seed.deserialize(GroupDe { name: "$value", items, mode }),
            Some(Entry::StrayText(_) | Entry::StrayAttr(_)) | None => {
                Err(DecodeError::new(ErrorKind::Other("value requested before key".into()), ""))
            }
        }
    }
}

/// The child elements of one name, as the value of a struct field.
struct GroupDe<'a> {
    name: &'a str,
    items: Vec<&'a Element>,
    mode: Mode,
}

impl<'a> GroupDe<'a> {
    /// The one element for a single-valued field: strict mode rejects repeats, lenient mode
    /// keeps the last one ("last one wins", as Finesse treats duplicate tags).
    fn single(&self) -> Result<ElementDe<'a>, DecodeError> {
        if self.mode == Mode::Strict && self.items.len() > 1 && self.name != "$value" {
            return Err(DecodeError::new(ErrorKind::Duplicate(self.name.to_owned()), ""));
        }
        match self.items.last() {
            Some(el) => Ok(ElementDe { el, mode: self.mode }),
            None => Err(DecodeError::new(ErrorKind::Missing(self.name.to_owned()), "")),
        }
    }
}

macro_rules! group_forward {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            self.single()?.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for GroupDe<'de> {
    type Error = DecodeError;

    group_forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_map,
        deserialize_identifier,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.single()?.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // A newtype around a `Vec` sees the whole group.
        let _ = name;
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let name = if self.name == "$value" { None } else { Some(()) };
        visitor.visit_seq(ElementSeq { items: self.items.into_iter(), mode: self.mode, name })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.single()?.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if self.name == "$value" {
            // `$value` holding an enum: the variant is named by the (first) child element.
            let mut items = self.items.into_iter();
            let Some(first) = items.next() else {
                return Err(DecodeError::new(ErrorKind::Missing("an element".into()), ""));
            };
            if self.mode == Mode::Strict
                && let Some(second) = items.next()
            {
                return Err(DecodeError::new(ErrorKind::UnknownElement(second.name.clone()), "")
                    .within(&second.name));
            }
            return visitor.visit_enum(ElementEnum { el: first, mode: self.mode });
        }
        self.single()?.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.mode == Mode::Strict {
            return Err(DecodeError::new(ErrorKind::UnknownElement(self.name.to_owned()), ""));
        }
        visitor.visit_unit()
    }
}

/// A list of elements. Items of a named group are reported under the group's name by the map;
/// items of an anonymous list (`$value`, a list root) add their own name to the error path.
struct ElementSeq<'a> {
    items: std::vec::IntoIter<&'a Element>,
    mode: Mode,
    name: Option<()>,
}

impl<'de> SeqAccess<'de> for ElementSeq<'de> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let Some(el) = self.items.next() else { return Ok(None) };
        let result = seed.deserialize(ElementDe { el, mode: self.mode });
        match (result, self.name) {
            (Ok(v), _) => Ok(Some(v)),
            (Err(e), Some(())) => Err(e),
            (Err(e), None) => Err(e.within(&el.name)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}
