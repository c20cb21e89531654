//! The XML-to-JSON conversion the Finesse master applies to every notification, presence and
//! subscribe error before publishing it as `object` (`finesse.js` 10.5.1 `Utilities.xml2JsObj`,
//! Stefan Goessner's converter). Unmodified `finesse.js` gadgets read these shapes, so the
//! rules are reproduced exactly, quirks included:
//!
//! - The result is `{<root element name>: value}`; whitespace-only text (space, tab, CR, LF)
//!   is removed everywhere first.
//! - An element without attributes and children is `null`.
//! - Attributes become `"@<name>"` keys (qualified names, namespace declarations included as
//!   `@xmlns…`), first and in document order, with string values.
//! - Element children, with at most one text node and at most one CDATA section, make an
//!   object with one key per child name in first-occurrence order; a repeated name becomes an
//!   array in document order (how different names interleave is lost); the text goes under
//!   `"#text"` and the CDATA under `"#cdata"`, in document position among the keys. The
//!   converter tests an existing key for JavaScript truthiness, so a repeated element whose
//!   earlier value is `null` (an empty element) replaces it instead of making an array.
//! - Text only: the text as a string, or under `"#text"` when there are attributes. A single
//!   CDATA section only: `{"#cdata": …}`.
//! - Mixed content (element children with two or more text or CDATA nodes) and several CDATA
//!   sections: the inner markup written out again as one string (elements as
//!   `<name a="v">…</name>` or `<name/>`, text as decoded, CDATA as `<![CDATA[…]]>`, comments
//!   and processing instructions left out), under `"#text"` when there are attributes (for
//!   several CDATA sections only, the string replaces the attributes).
//! - All leaves are strings, never numbers or booleans. Text is entity-decoded; the leading and
//!   trailing spaces of non-blank text are kept.
//!
//! The converter builds JSON *text* and parses it, which gives these results, reproduced
//! here by doing the same:
//! - `\`, `"`, CR and LF in text are escaped correctly, but tab characters in text are
//!   deleted (as are tabs and line feeds in attribute values);
//! - a `"` or `\` in an attribute value is not escaped: the JSON text is usually invalid
//!   ([`Error::InvalidJson`]), and when it happens to parse, the value is what the text says;
//! - a carriage return in an attribute value (only possible as `&#13;`) makes invalid JSON.
//!
//! Where `finesse.js` would fail, so that the master does not publish the event, this module
//! returns an error: ill-formed XML ([`Error::Syntax`], `jQuery.parseXML` throws), a comment or
//! processing instruction beside element children ([`Error::UnhandledNode`]), an element named
//! after a property every JavaScript object has, such as `constructor` ([`Error::ReservedName`]:
//! the converter mistakes it for an earlier sibling), and JSON text that does not parse
//! ([`Error::InvalidJson`]). Documents nested deeper than [`MAX_DEPTH`] are refused
//! ([`Error::TooDeep`]); Finesse documents nest about eight levels. A DOCTYPE is accepted but
//! its declarations are not read: a reference to an entity it declares is a syntax error (a
//! browser would expand it; Finesse sends no DTDs).

use std::fmt;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use serde_json::Value;

/// Deepest element nesting accepted (the JSON parser's own nesting limit is 128 levels, and
/// each element can add two: an object and an array).
pub const MAX_DEPTH: usize = 60;

/// Why a document does not convert.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The document is not well-formed XML (with namespaces).
    Syntax(String),
    /// Elements nest deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A comment or processing instruction sits beside element children (`finesse.js` throws
    /// "unhandled node type").
    UnhandledNode {
        /// `comment` or `processing instruction`.
        kind: &'static str,
        /// The element that contains it.
        parent: String,
    },
    /// A child element is named after a property of every JavaScript object (`constructor`,
    /// `toString`, …), which the converter cannot represent.
    ReservedName(String),
    /// The JSON text the converter builds does not parse (a `"` or `\` or a carriage return in
    /// an attribute value).
    InvalidJson(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(msg) => write!(f, "not well-formed XML: {msg}"),
            Self::TooDeep => write!(f, "elements nest deeper than {MAX_DEPTH} levels"),
            Self::UnhandledNode { kind, parent } => {
                write!(f, "a {kind} beside the child elements of <{parent}>")
            }
            Self::ReservedName(name) => {
                write!(f, "element <{name}> is named after a JavaScript object property")
            }
            Self::InvalidJson(msg) => write!(f, "the converted JSON text is invalid: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// Converts an XML document as the Finesse master does (see the module documentation).
pub fn xml_to_json(xml: &str) -> Result<Value, Error> {
    let mut root = parse(xml)?;
    remove_white(&mut root);
    let value = to_obj(&root)?;
    let mut text = String::with_capacity(xml.len());
    text.push('{');
    to_json(&value, Some(&root.name), &mut text);
    text.push('}');
    // The converter deletes every tab and line feed of its JSON text (its own indentation, but
    // also the ones inside values that escaping left alone).
    text.retain(|c| c != '\t' && c != '\n');
    serde_json::from_str(&text).map_err(|e| Error::InvalidJson(e.to_string()))
}

// ----- the document tree -----

#[derive(Debug)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
    CData(String),
    Comment(String),
    Pi(String),
}

/// Whitespace as the converter's `/[^ \f\n\r\t\v]/` test sees it.
fn is_blank(s: &str) -> bool {
    s.chars().all(|c| matches!(c, ' ' | '\x0c' | '\n' | '\r' | '\t' | '\x0b'))
}

/// The XML 1.0 `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_chars(s: &str) -> Result<(), Error> {
    match s.chars().find(|c| !is_xml_char(*c)) {
        Some(c) => Err(Error::Syntax(format!("character U+{:04X} is not allowed", u32::from(c)))),
        None => Ok(()),
    }
}

fn is_ncname(part: &str) -> bool {
    let start = |c: char| c.is_alphabetic() || c == '_' || (!c.is_ascii() && !c.is_whitespace());
    let mut chars = part.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_ascii_digit() || matches!(c, '-' | '.' | '\u{B7}'))
}

/// A qualified name: `local` or `prefix:local`. Returns the prefix.
fn qname_prefix(name: &str) -> Result<Option<&str>, Error> {
    let bad = || Error::Syntax(format!("`{name}` is not a qualified name"));
    match name.split_once(':') {
        None if is_ncname(name) => Ok(None),
        Some((prefix, local)) if is_ncname(prefix) && is_ncname(local) => Ok(Some(prefix)),
        _ => Err(bad()),
    }
}

/// Namespace prefixes in scope, innermost last.
#[derive(Default)]
struct Scopes(Vec<Vec<String>>);

impl Scopes {
    fn bound(&self, prefix: &str) -> bool {
        prefix == "xml" || self.0.iter().flatten().any(|p| p == prefix)
    }
}

fn start_element(start: &BytesStart<'_>, scopes: &mut Scopes) -> Result<Element, Error> {
    let qname = start.name();
    let name: String = AsRef::<str>::as_ref(&qname).to_owned();
    let element_prefix = qname_prefix(&name)?;
    let mut attrs = Vec::new();
    let mut declared = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Error::Syntax(format!("in <{name}>: {e}")))?;
        let key: String = AsRef::<str>::as_ref(&attr.key).to_owned();
        let prefix = qname_prefix(&key)?;
        if attr.value.contains('<') {
            return Err(Error::Syntax(format!("`<` in the value of {key} in <{name}>")));
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| Error::Syntax(format!("the value of {key} in <{name}>: {e}")))?
            .into_owned();
        check_chars(&value)?;
        if prefix == Some("xmlns") {
            let declares = &key["xmlns:".len()..];
            if value.is_empty() || declares == "xmlns" {
                return Err(Error::Syntax(format!("bad namespace declaration {key}")));
            }
            declared.push(declares.to_owned());
        }
        attrs.push((key, value));
    }
    scopes.0.push(declared);
    if element_prefix.is_some_and(|p| p == "xmlns" || !scopes.bound(p)) {
        return Err(Error::Syntax(format!("the prefix of <{name}> is not declared")));
    }
    for (key, _) in &attrs {
        if let Some(p) = qname_prefix(key)?
            && p != "xmlns"
            && !scopes.bound(p)
        {
            return Err(Error::Syntax(format!("the prefix of {key} in <{name}> is not declared")));
        }
    }
    Ok(Element { name, attrs, children: Vec::new() })
}

fn resolve_ref(r: &BytesRef<'_>) -> Result<String, Error> {
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => return Ok(c.to_string()),
        Ok(Some(c)) => {
            return Err(Error::Syntax(format!(
                "character reference to U+{:04X}, which is not allowed",
                u32::from(c)
            )));
        }
        Ok(None) => {}
        Err(e) => return Err(Error::Syntax(e.to_string())),
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| Error::Syntax(format!("unknown entity `&{name};`")))
}

/// Adds text to the open element, merging it with the text just before (the reader splits
/// text at references; the DOM has one node).
fn push_text(stack: &mut [Element], text: &str) -> Result<(), Error> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(text);
            } else {
                parent.children.push(Node::Text(text.to_owned()));
            }
            Ok(())
        }
        None if is_blank(text) => Ok(()),
        None => Err(Error::Syntax("text outside the root element".into())),
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn parse(xml: &str) -> Result<Element, Error> {
    check_chars(xml)?;
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut scopes = Scopes::default();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| Error::Syntax(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                return Err(Error::Syntax("a second root element".into()));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::TooDeep);
                }
                stack.push(start_element(&start, &mut scopes)?);
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::TooDeep);
                }
                let element = start_element(&start, &mut scopes)?;
                scopes.0.pop();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                scopes.0.pop();
                let Some(element) = stack.pop() else {
                    return Err(Error::Syntax("an end tag without a start tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => push_text(&mut stack, &text.xml10_content())?,
            Event::GeneralRef(r) => {
                if stack.is_empty() {
                    return Err(Error::Syntax("a reference outside the root element".into()));
                }
                push_text(&mut stack, &resolve_ref(&r)?)?;
            }
            Event::CData(data) => {
                if stack.is_empty() {
                    return Err(Error::Syntax("CDATA outside the root element".into()));
                }
                push_node(&mut stack, Node::CData(data.xml10_content().into_owned()));
            }
            Event::Comment(comment) => {
                push_node(&mut stack, Node::Comment(comment.xml10_content().into_owned()));
            }
            Event::PI(pi) => push_node(&mut stack, Node::Pi(pi.content().trim_start().to_owned())),
            Event::Decl(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(Error::Syntax(format!("the document ends inside <{}>", open.name)));
    }
    root.ok_or_else(|| Error::Syntax("no root element".into()))
}

/// Removes whitespace-only text nodes everywhere (the converter's `removeWhite`).
fn remove_white(element: &mut Element) {
    element.children.retain(|c| !matches!(c, Node::Text(t) if is_blank(t)));
    for child in &mut element.children {
        if let Node::Element(e) = child {
            remove_white(e);
        }
    }
}

// ----- the converter's object and its JSON text -----

/// A value as the converter builds it: strings hold JSON string *contents* (already escaped
/// where the converter escapes, raw where it does not).
#[derive(Debug)]
enum Js {
    Null,
    Str(String),
    Obj(Vec<(String, Self)>),
    Arr(Vec<Self>),
}

impl Js {
    /// JavaScript truthiness, for the converter's `if (o[name])`.
    fn truthy(&self) -> bool {
        match self {
            Self::Null => false,
            Self::Str(s) => !s.is_empty(),
            Self::Obj(_) | Self::Arr(_) => true,
        }
    }
}

/// Sets `key` as a JavaScript assignment does: in place when present, else appended.
fn set(entries: &mut Vec<(String, Js)>, key: &str, value: Js) {
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some((_, slot)) => *slot = value,
        None => entries.push((key.to_owned(), value)),
    }
}

/// Properties every JavaScript object inherits: `o[name]` is truthy for them before any
/// assignment, so the converter turns the first such child into a broken array.
const OBJECT_PROPERTIES: [&str; 12] = [
    "constructor",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// The converter's string escaping: backslash, double quote, line feed and carriage return.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The inner markup written out again (the converter's `innerXml`).
fn inner_xml(element: &Element) -> String {
    fn write(node: &Node, out: &mut String) {
        match node {
            Node::Element(e) => {
                out.push('<');
                out.push_str(&e.name);
                for (k, v) in &e.attrs {
                    out.push(' ');
                    out.push_str(k);
                    out.push_str("=\"");
                    out.push_str(v);
                    out.push('"');
                }
                if e.children.is_empty() {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    for c in &e.children {
                        write(c, out);
                    }
                    out.push_str("</");
                    out.push_str(&e.name);
                    out.push('>');
                }
            }
            Node::Text(t) => out.push_str(t),
            Node::CData(c) => {
                out.push_str("<![CDATA[");
                out.push_str(c);
                out.push_str("]]>");
            }
            Node::Comment(_) | Node::Pi(_) => {}
        }
    }
    let mut out = String::new();
    for c in &element.children {
        write(c, &mut out);
    }
    out
}

/// The converter's `toObj` for an element (whitespace already removed).
fn to_obj(element: &Element) -> Result<Js, Error> {
    let mut o: Vec<(String, Js)> = Vec::new();
    for (k, v) in &element.attrs {
        set(&mut o, &format!("@{k}"), Js::Str(v.clone()));
    }
    if element.children.is_empty() {
        return Ok(if element.attrs.is_empty() { Js::Null } else { Js::Obj(o) });
    }
    let mut texts = 0;
    let mut cdatas = 0;
    let mut has_element = false;
    for child in &element.children {
        match child {
            Node::Element(_) => has_element = true,
            Node::Text(t) if !is_blank(t) => texts += 1,
            Node::CData(_) => cdatas += 1,
            _ => {}
        }
    }
    let as_markup = |mut o: Vec<(String, Js)>| {
        let markup = escape(&inner_xml(element));
        if element.attrs.is_empty() {
            Js::Str(markup)
        } else {
            set(&mut o, "#text", Js::Str(markup));
            Js::Obj(o)
        }
    };
    if has_element {
        if texts >= 2 || cdatas >= 2 {
            return Ok(as_markup(o));
        }
        for child in &element.children {
            match child {
                Node::Text(t) => set(&mut o, "#text", Js::Str(escape(t))),
                Node::CData(c) => set(&mut o, "#cdata", Js::Str(escape(c))),
                Node::Element(e) => {
                    if OBJECT_PROPERTIES.contains(&e.name.as_str()) {
                        return Err(Error::ReservedName(e.name.clone()));
                    }
                    let value = to_obj(e)?;
                    match o.iter_mut().find(|(k, _)| *k == e.name) {
                        Some((_, Js::Arr(items))) => items.push(value),
                        Some((_, slot)) if slot.truthy() => {
                            let first = std::mem::replace(slot, Js::Null);
                            *slot = Js::Arr(vec![first, value]);
                        }
                        _ => set(&mut o, &e.name, value),
                    }
                }
                Node::Comment(_) => {
                    return Err(Error::UnhandledNode {
                        kind: "comment",
                        parent: element.name.clone(),
                    });
                }
                Node::Pi(_) => {
                    return Err(Error::UnhandledNode {
                        kind: "processing instruction",
                        parent: element.name.clone(),
                    });
                }
            }
        }
        Ok(Js::Obj(o))
    } else if texts > 0 {
        Ok(as_markup(o))
    } else if cdatas > 1 {
        // The markup string replaces the whole value, attributes included.
        Ok(Js::Str(escape(&inner_xml(element))))
    } else if cdatas == 1 {
        // Every child's value is assigned in turn: a comment after the section wins.
        for child in &element.children {
            let value = match child {
                Node::CData(s) | Node::Comment(s) | Node::Pi(s) | Node::Text(s) => s,
                Node::Element(_) => continue,
            };
            set(&mut o, "#cdata", Js::Str(escape(value)));
        }
        Ok(Js::Obj(o))
    } else {
        // Only comments or processing instructions: an object of the attributes, maybe empty.
        Ok(Js::Obj(o))
    }
}

/// The converter's `toJson`, without its indentation (deleted afterwards anyway).
fn to_json(value: &Js, name: Option<&str>, out: &mut String) {
    if let Some(name) = name {
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
    }
    match value {
        Js::Null => out.push_str("null"),
        Js::Str(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Js::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(item, None, out);
            }
            out.push(']');
        }
        Js::Obj(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(v, Some(k), out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn conv(xml: &str) -> Value {
        match xml_to_json(xml) {
            Ok(v) => v,
            Err(e) => panic!("{xml:?}: {e}"),
        }
    }

    /// The JSON text of a value, keys in their order (so key order is part of each check).
    fn text(xml: &str) -> String {
        conv(xml).to_string()
    }

    #[test]
    fn a_finesse_update_converts_to_nested_objects_of_strings() {
        let xml = "<Update>\n  <data>\n    <user>\n      <loginId>1001001</loginId>\n      \
                   <state>READY</state>\n      <pendingState></pendingState>\n    </user>\n  \
                   </data>\n  <event>PUT</event>\n  <requestId>abc</requestId>\n  \
                   <source>/finesse/api/User/1001001</source>\n</Update>";
        assert_eq!(
            text(xml),
            r#"{"Update":{"data":{"user":{"loginId":"1001001","state":"READY","pendingState":null}},"event":"PUT","requestId":"abc","source":"/finesse/api/User/1001001"}}"#
        );
    }

    #[test]
    fn whitespace_only_text_is_removed_everywhere() {
        assert_eq!(conv("<a> \n\t<b>  </b>\r\n</a>"), json!({"a": {"b": null}}));
        assert_eq!(conv("<a>   </a>"), json!({"a": null}));
        assert_eq!(conv("<a x='1'> </a>"), json!({"a": {"@x": "1"}}));
    }

    #[test]
    fn empty_elements_are_null() {
        assert_eq!(conv("<a/>"), json!({"a": null}));
        assert_eq!(conv("<a></a>"), json!({"a": null}));
        assert_eq!(conv("<a><b/><c></c></a>"), json!({"a": {"b": null, "c": null}}));
    }

    #[test]
    fn attributes_become_at_keys_first_in_document_order() {
        assert_eq!(text("<a z='1' y='2'><b>t</b></a>"), r#"{"a":{"@z":"1","@y":"2","b":"t"}}"#);
        assert_eq!(text("<a z='1'/>"), r#"{"a":{"@z":"1"}}"#);
        // Namespace declarations are attributes too; names keep their prefixes.
        assert_eq!(
            text("<p:a xmlns:p='urn:p' xmlns='urn:d' p:k='v'><p:b/></p:a>"),
            r#"{"p:a":{"@xmlns:p":"urn:p","@xmlns":"urn:d","@p:k":"v","p:b":null}}"#
        );
        // Attribute values are entity-decoded and normalized (literal whitespace → space).
        assert_eq!(conv("<a k='x &amp; &lt;y&gt;\tz'/>"), json!({"a": {"@k": "x & <y> z"}}));
    }

    #[test]
    fn text_only_is_a_string_or_hash_text_with_attributes() {
        assert_eq!(conv("<a>hello</a>"), json!({"a": "hello"}));
        assert_eq!(text("<a k='v'>hello</a>"), r##"{"a":{"@k":"v","#text":"hello"}}"##);
        // Entity-decoded; the spaces around non-blank text are kept.
        assert_eq!(conv("<a>  x &amp; y &#65;&#x42;  </a>"), json!({"a": "  x & y AB  "}));
        // No typing: numbers and booleans stay strings.
        assert_eq!(conv("<a><n>42</n><b>true</b></a>"), json!({"a": {"n": "42", "b": "true"}}));
    }

    #[test]
    fn text_and_cdata_beside_elements_go_under_hash_keys_in_place() {
        assert_eq!(text("<a>hi<b/></a>"), r##"{"a":{"#text":"hi","b":null}}"##);
        assert_eq!(text("<a><b/>hi</a>"), r##"{"a":{"b":null,"#text":"hi"}}"##);
        assert_eq!(
            text("<a><b/><![CDATA[<raw>]]>t<c/></a>"),
            r##"{"a":{"b":null,"#cdata":"<raw>","#text":"t","c":null}}"##
        );
    }

    #[test]
    fn repeated_names_become_arrays_in_first_occurrence_order() {
        assert_eq!(
            text("<a><b>1</b><c>x</c><b>2</b><b>3</b></a>"),
            r#"{"a":{"b":["1","2","3"],"c":"x"}}"#
        );
        assert_eq!(
            conv("<Dialogs><Dialog><id>1</id></Dialog><Dialog><id>2</id></Dialog></Dialogs>"),
            json!({"Dialogs": {"Dialog": [{"id": "1"}, {"id": "2"}]}})
        );
        // One child is an object, not an array.
        assert_eq!(
            conv("<Dialogs><Dialog><id>1</id></Dialog></Dialogs>"),
            json!({"Dialogs": {"Dialog": {"id": "1"}}})
        );
        // Empty elements after a non-empty one join the array as null ...
        assert_eq!(conv("<a><b>x</b><b/><b/></a>"), json!({"a": {"b": ["x", null, null]}}));
        // ... but an earlier null is falsy, so the next occurrence replaces it.
        assert_eq!(conv("<a><b/><b/></a>"), json!({"a": {"b": null}}));
        assert_eq!(conv("<a><b/><b>x</b><b>y</b></a>"), json!({"a": {"b": ["x", "y"]}}));
    }

    #[test]
    fn a_single_cdata_section_is_hash_cdata() {
        assert_eq!(conv("<a><![CDATA[x < y]]></a>"), json!({"a": {"#cdata": "x < y"}}));
        assert_eq!(conv("<a><![CDATA[]]></a>"), json!({"a": {"#cdata": ""}}));
        assert_eq!(text("<a k='v'><![CDATA[x]]></a>"), r##"{"a":{"@k":"v","#cdata":"x"}}"##);
        // A comment after the section overwrites it (every child is assigned in turn).
        assert_eq!(conv("<a><![CDATA[x]]><!--c--></a>"), json!({"a": {"#cdata": "c"}}));
    }

    #[test]
    fn mixed_content_and_several_cdata_sections_are_markup_strings() {
        assert_eq!(
            conv("<a>x <b k='1'>y</b> z <c/></a>"),
            json!({"a": "x <b k=\"1\">y</b> z <c/>"})
        );
        assert_eq!(text("<a k='v'>x<b/>y</a>"), r##"{"a":{"@k":"v","#text":"x<b/>y"}}"##);
        // Text split by a comment is two text nodes: mixed; the comment is left out.
        assert_eq!(conv("<a>x<!--c-->y<b/></a>"), json!({"a": "xy<b/>"}));
        assert_eq!(
            conv("<a><![CDATA[1]]><![CDATA[2]]></a>"),
            json!({"a": "<![CDATA[1]]><![CDATA[2]]>"})
        );
        // Several CDATA sections only: the string replaces the attributes too.
        assert_eq!(
            conv("<a k='v'><![CDATA[1]]><![CDATA[2]]></a>"),
            json!({"a": "<![CDATA[1]]><![CDATA[2]]>"})
        );
        // Two CDATA sections beside an element.
        assert_eq!(
            conv("<a><![CDATA[1]]><b/><![CDATA[2]]></a>"),
            json!({"a": "<![CDATA[1]]><b/><![CDATA[2]]>"})
        );
        // Text with a CDATA section and no element is "text only", written out.
        assert_eq!(conv("<a>x<![CDATA[<y>]]></a>"), json!({"a": "x<![CDATA[<y>]]>"}));
        // Decoded text inside markup is not escaped again.
        assert_eq!(conv("<a>1 &lt; 2<b/>3</a>"), json!({"a": "1 < 2<b/>3"}));
    }

    #[test]
    fn escapes_backslash_quote_cr_lf_in_text_and_deletes_tabs() {
        assert_eq!(
            conv("<a>say \"hi\" \\ now\nthen&#13;end</a>"),
            json!({"a": "say \"hi\" \\ now\nthen\rend"})
        );
        assert_eq!(conv("<a>x\ty\t</a>"), json!({"a": "xy"}));
        assert_eq!(conv("<a><b>\tx</b><c/></a>"), json!({"a": {"b": "x", "c": null}}));
        // Line ends are normalized first (CRLF and CR → LF).
        assert_eq!(conv("<a>1\r\n2\r3</a>"), json!({"a": "1\n2\n3"}));
        // In attribute values, tabs and line feeds given as references are deleted.
        assert_eq!(conv("<a k='1&#9;2&#10;3'/>"), json!({"a": {"@k": "123"}}));
    }

    #[test]
    fn what_finesse_js_cannot_convert_is_an_error() {
        // A double quote or backslash in an attribute value breaks the JSON text ...
        assert!(matches!(xml_to_json("<a k='say \"hi\"'/>"), Err(Error::InvalidJson(_))));
        assert!(matches!(xml_to_json("<a k='C:\\dir'/>"), Err(Error::InvalidJson(_))));
        // ... unless it happens to be valid JSON, as the converter's own parse would see it.
        assert_eq!(conv("<a k='\\\\'/>"), json!({"a": {"@k": "\\"}}));
        assert_eq!(conv(r#"<a k='1","@j":"2'/>"#), json!({"a": {"@k": "1", "@j": "2"}}));
        // A carriage return in an attribute value is a raw control character.
        assert!(matches!(xml_to_json("<a k='x&#13;y'/>"), Err(Error::InvalidJson(_))));
        // A comment or processing instruction beside elements.
        assert_eq!(
            xml_to_json("<a><b/><!-- note --></a>"),
            Err(Error::UnhandledNode { kind: "comment", parent: "a".into() })
        );
        assert_eq!(
            xml_to_json("<a><?pi data?><b/></a>"),
            Err(Error::UnhandledNode { kind: "processing instruction", parent: "a".into() })
        );
        // Children named after Object.prototype properties.
        assert_eq!(
            xml_to_json("<a><constructor/></a>"),
            Err(Error::ReservedName("constructor".into()))
        );
        assert_eq!(
            xml_to_json("<a><toString>x</toString></a>"),
            Err(Error::ReservedName("toString".into()))
        );
        // As the root, or as text-only content, such names are harmless.
        assert_eq!(conv("<constructor>x</constructor>"), json!({"constructor": "x"}));
    }

    #[test]
    fn comments_and_pis_elsewhere_are_ignored_or_left_out() {
        assert_eq!(conv("<!--before--><?pi x?><a>t<!--c--></a><!--after-->"), json!({"a": "t"}));
        // Only a comment: an empty object (the element has a child, so it is not null).
        assert_eq!(conv("<a><!--c--></a>"), json!({"a": {}}));
        assert_eq!(conv("<?xml version='1.0' encoding='UTF-8'?><a/>"), json!({"a": null}));
    }

    #[test]
    fn ill_formed_documents_are_syntax_errors() {
        for bad in [
            "",
            "   ",
            "text",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<a/>trailing",
            "<a>&bogus;</a>",
            "<a>&#0;</a>",
            "<a>&#1;</a>",
            "<a>\u{1}</a>",
            "<a k='1' k='2'/>",
            "<a k='<'/>",
            "<p:a/>",
            "<a p:k='1'/>",
            "<xmlns:a xmlns:xmlns='u'/>",
            "<a xmlns:p=''/>",
            "<a><b></a>",
            "</a>",
            "<1a/>",
            "<a:b:c/>",
            "<a><!-- x -- y --></a>",
        ] {
            match xml_to_json(bad) {
                Err(Error::Syntax(_)) => {}
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        // Declared prefixes are fine, in scope and not outside it.
        assert!(xml_to_json("<a xmlns:p='u'><p:b p:k='1'/></a>").is_ok());
        assert!(matches!(xml_to_json("<a><b xmlns:p='u'/><p:c/></a>"), Err(Error::Syntax(_))));
        assert!(xml_to_json("<a xml:lang='en'/>").is_ok());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| "<a>".repeat(n) + &"</a>".repeat(n);
        assert_eq!(xml_to_json(&deep(MAX_DEPTH + 1)), Err(Error::TooDeep));
        assert!(xml_to_json(&deep(MAX_DEPTH)).is_ok());
        // The deepest accepted document, with an array at every level (two levels of JSON
        // per element), still fits the JSON parser's nesting limit.
        let mut xml = String::from("<a>z</a>");
        for _ in 1..MAX_DEPTH {
            xml = format!("<a>{xml}<a>z</a></a>");
        }
        let value = conv(&xml);
        assert_eq!(value["a"]["a"][1], json!("z"));
    }

    #[test]
    fn an_xmpp_error_stanza_converts() {
        assert_eq!(
            text(
                "<error type=\"cancel\"><item-not-found \
                 xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error>"
            ),
            r#"{"error":{"@type":"cancel","item-not-found":{"@xmlns":"urn:ietf:params:xml:ns:xmpp-stanzas"}}}"#
        );
    }
}
