//! The encoder the model types use: a non-generic core that writes elements from a table of
//! field names (the decoder's, `xml::read`) and the fields as `&dyn ToXml`.
//!
//! It writes exactly what quick-xml's serde serializer writes for the same types with their
//! serde attributes (the fixture test compares the two on every guide sample): attributes in
//! the start tag, `$text` as the element's text, a `Vec` as repeated elements, an empty element
//! self-closed, text escaped for `&`, `<`, `>` and carriage return, attribute values also for
//! `"`, tab and newline. It exists because the serializer is generic over every type and
//! field type, which cost ~25 KB of every gadget's wasm for the few request bodies it writes.

use crate::macros::IsAbsent;
use crate::xml::read::FieldSpec;

/// A value the encoder can write: as an element of a given name, or as text (for an
/// attribute or `$text`, scalars only).
pub(crate) trait ToXml: IsAbsent {
    /// Writes the value as the element `name` (a sequence as one element per item).
    fn write_element(&self, name: &str, out: &mut String) {
        let mut text = String::new();
        self.write_text(&mut text);
        element_with_text(name, &text, out);
    }

    /// Writes the value as unescaped text. Structs and lists write nothing: their
    /// `write_element` is overridden and the model never makes them attributes.
    fn write_text(&self, _out: &mut String) {}
}

/// A whole document: `value` as the root element `root`, without an XML declaration.
pub(crate) fn to_document<T: ToXml + ?Sized>(value: &T, root: &str) -> String {
    let mut out = String::new();
    value.write_element(root, &mut out);
    out
}

/// `<name>text</name>`, or `<name/>` for empty text.
fn element_with_text(name: &str, text: &str, out: &mut String) {
    if text.is_empty() {
        empty(name, out);
    } else {
        out.push('<');
        out.push_str(name);
        out.push('>');
        escape(text, false, out);
        close(name, out);
    }
}

fn empty(name: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push_str("/>");
}

fn close(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Appends `text` escaped as quick-xml does at its default (partial) quote level.
fn escape(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// Writes a struct as the element `name`: its present attribute fields in the start tag, then
/// its `$text` and its present element fields in order; self-closed when it has no content.
#[inline(never)]
pub(crate) fn write_struct(
    name: &str,
    fields: &[FieldSpec],
    values: &[&dyn ToXml],
    out: &mut String,
) {
    out.push('<');
    out.push_str(name);
    let mut body = String::new();
    for (field, value) in fields.iter().zip(values) {
        if value.is_absent() {
            continue;
        }
        let key = field.primary();
        if let Some(attr) = key.strip_prefix('@') {
            let mut text = String::new();
            value.write_text(&mut text);
            out.push(' ');
            out.push_str(attr);
            out.push_str("=\"");
            escape(&text, true, out);
            out.push('"');
        } else if key == "$text" {
            let mut text = String::new();
            value.write_text(&mut text);
            escape(&text, false, &mut body);
        } else {
            value.write_element(&key, &mut body);
        }
    }
    if body.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        out.push_str(&body);
        close(name, out);
    }
}

/// Writes a list as the element `name` holding one `item` element per value.
pub(crate) fn write_list<T: ToXml>(name: &str, item: &str, values: &[T], out: &mut String) {
    if values.is_empty() {
        empty(name, out);
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    for value in values {
        value.write_element(item, out);
    }
    close(name, out);
}

/// Writes `<name>` around one child element `child` (the `<data>` of a notification,
/// `<layoutxml>` holding a `<finesseLayout>`).
pub(crate) fn write_wrapped(name: &str, child: &str, value: &dyn ToXml, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    value.write_element(child, out);
    close(name, out);
}

/// The empty element `name` (an unknown notification payload, as `()` serialises).
pub(crate) fn write_empty(name: &str, out: &mut String) {
    empty(name, out);
}

impl ToXml for String {
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ToXml for bool {
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! integer_to_xml {
    ($($ty:ty),*) => {$(
        impl ToXml for $ty {
            fn write_text(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
integer_to_xml!(i32, i64, u32, u64);

impl<T: ToXml> ToXml for Option<T> {
    fn write_element(&self, name: &str, out: &mut String) {
        if let Some(value) = self {
            value.write_element(name, out);
        }
    }

    fn write_text(&self, out: &mut String) {
        if let Some(value) = self {
            value.write_text(out);
        }
    }
}

impl<T: ToXml> ToXml for Vec<T> {
    fn write_element(&self, name: &str, out: &mut String) {
        for value in self {
            value.write_element(name, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::update::NotificationData;
    use crate::{
        CallVariable, CallVariables, Dialog, GadgetRef, MediaProperties, Update, UpdateData, User,
        XmlDocument, encode,
    };

    use super::to_document;

    /// What quick-xml's serde serializer writes, the encoder's reference.
    fn serde<T: serde::Serialize>(value: &T, root: &str) -> String {
        quick_xml::se::to_string_with_root(root, value).expect("serialises")
    }

    const AWKWARD: &str = "a&b<c>d\"e'f\r\ng\th  <![CDATA[x]]> &amp; é€😀";

    #[test]
    fn awkward_text_is_escaped_as_serde_escapes_it() {
        let dialog = Dialog {
            from_address: Some(AWKWARD.into()),
            media_properties: Some(MediaProperties {
                call_variables: Some(CallVariables::from(vec![
                    CallVariable { name: "callVariable1".into(), value: AWKWARD.into() },
                    // A required string, empty: still written, self-closed.
                    CallVariable { name: "user.x".into(), value: String::new() },
                ])),
                ..MediaProperties::default()
            }),
            ..Dialog::default()
        };
        let ours = encode(&dialog).expect("encodes");
        assert_eq!(ours, serde(&dialog, Dialog::ROOT));
        assert!(ours.contains("a&amp;b&lt;c&gt;d\"e'f&#13;\ng\th"), "{ours}");
    }

    #[test]
    fn attributes_and_text_content_match_serde() {
        let gadget = GadgetRef {
            alternate_hosts: Some(AWKWARD.into()),
            id: Some(String::new()),
            url: Some(AWKWARD.into()),
        };
        let ours = to_document(&gadget, "gadget");
        assert_eq!(ours, serde(&gadget, "gadget"));
        assert!(
            ours.starts_with("<gadget alternateHosts=\"a&amp;b&lt;c&gt;d&quot;e'f&#13;&#10;g&#9;h")
        );
        let bare = GadgetRef::default();
        assert_eq!(to_document(&bare, "gadget"), "<gadget/>");
        assert_eq!(to_document(&bare, "gadget"), serde(&bare, "gadget"));
    }

    #[test]
    fn empty_documents_and_payloads_match_serde() {
        for user in [User::default(), User { first_name: Some(String::new()), ..User::default() }] {
            assert_eq!(encode(&user).expect("encodes"), "<User/>");
            assert_eq!(serde(&user, User::ROOT), "<User/>");
        }
        let unknown =
            Update { data: Some(UpdateData::Unknown("Future".into())), ..Update::default() };
        assert_eq!(encode(&unknown).expect("encodes"), "<Update><data><Future/></data></Update>");
        assert_eq!(encode(&unknown).expect("encodes"), serde(&unknown, Update::ROOT));
        let data = NotificationData(Some(UpdateData::User(User {
            first_name: Some("Ann".into()),
            ..User::default()
        })));
        assert_eq!(encode(&data).expect("encodes"), serde(&data, NotificationData::ROOT));
    }
}
