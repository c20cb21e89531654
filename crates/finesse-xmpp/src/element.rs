//! XMPP stanzas as namespace-aware element trees: parsing one complete element (a BOSH
//! `<body>`, an RFC 7395 WebSocket frame, a stanza) and writing elements back, escaped.
//!
//! Limits keep hostile input bounded: nesting depth, number of nodes. Names keep their prefix
//! for attributes (`xmpp:version`, `xml:lang`); elements are matched by local name and resolved
//! namespace.

use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Deepest nesting accepted in one stanza (Finesse items nest about ten levels).
pub const MAX_DEPTH: usize = 48;
/// Most nodes (elements and text runs) accepted in one parsed document.
pub const MAX_NODES: usize = 200_000;

/// The XML namespace of client stanzas.
pub const NS_CLIENT: &str = "jabber:client";
/// The XML namespace of stream-level elements (`<stream:features>`, `<stream:error>`).
pub const NS_STREAMS: &str = "http://etherx.jabber.org/streams";

/// An element: local name, resolved namespace, attributes (qualified names) and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Local name (no prefix).
    pub name: String,
    /// Resolved namespace, or empty when unbound.
    pub ns: String,
    /// Attributes other than namespace declarations, in document order.
    pub attrs: Vec<(String, String)>,
    /// Children in document order.
    pub children: Vec<Node>,
}

/// A child node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Text (entities resolved).
    Text(String),
}

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlError {
    /// Not well-formed (with the parser's reason).
    Syntax(String),
    /// A prefix that no declaration binds.
    UnboundPrefix(String),
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More nodes than [`MAX_NODES`].
    TooLarge,
    /// No element at all.
    Empty,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(msg) => write!(f, "malformed XML: {msg}"),
            Self::UnboundPrefix(p) => write!(f, "namespace prefix `{p}` is not declared"),
            Self::TooDeep => write!(f, "elements nest deeper than {MAX_DEPTH} levels"),
            Self::TooLarge => write!(f, "more than {MAX_NODES} nodes"),
            Self::Empty => f.write_str("no element"),
        }
    }
}

impl std::error::Error for XmlError {}

impl Element {
    /// A new element in a namespace.
    pub fn new(name: impl Into<String>, ns: impl Into<String>) -> Self {
        Self { name: name.into(), ns: ns.into(), attrs: Vec::new(), children: Vec::new() }
    }

    /// Builder: adds an attribute.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Builder: adds a child element.
    #[must_use]
    pub fn child(mut self, child: Self) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Builder: adds text.
    #[must_use]
    pub fn text_child(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// Sets (or replaces) an attribute.
    pub fn set_attr(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name, value)),
        }
    }

    /// The value of an attribute.
    pub fn get_attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether this is `name` in namespace `ns`.
    pub fn is(&self, name: &str, ns: &str) -> bool {
        self.name == name && self.ns == ns
    }

    /// Child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Self> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this name and namespace.
    pub fn get_child(&self, name: &str, ns: &str) -> Option<&Self> {
        self.elements().find(|e| e.is(name, ns))
    }

    /// The concatenated text of this element's text children.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|c| match c {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Parses one complete element (surrounding whitespace, comments and an XML declaration
    /// are allowed; a DOCTYPE is not).
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Self> = Vec::new();
        let mut root: Option<Self> = None;
        let mut nodes = 0usize;
        loop {
            let (resolved, event) =
                reader.read_resolved_event().map_err(|e| XmlError::Syntax(e.to_string()))?;
            let ns = match resolved {
                ResolveResult::Bound(n) => {
                    let n: &str = n.as_ref();
                    n.to_owned()
                }
                ResolveResult::Unbound => String::new(),
                ResolveResult::Unknown(p) => return Err(XmlError::UnboundPrefix(p)),
            };
            match event {
                Event::Start(start) => {
                    open(&stack, &root, &mut nodes)?;
                    stack.push(start_element(&start, ns)?);
                }
                Event::Empty(start) => {
                    open(&stack, &root, &mut nodes)?;
                    let element = start_element(&start, ns)?;
                    attach(&mut stack, &mut root, element);
                }
                Event::End(_) => {
                    let element = stack
                        .pop()
                        .ok_or_else(|| XmlError::Syntax("an end tag without a start tag".into()))?;
                    attach(&mut stack, &mut root, element);
                }
                Event::Text(t) => push_text(&mut stack, &t.xml10_content(), &mut nodes)?,
                Event::CData(t) => push_text(&mut stack, &t.xml10_content(), &mut nodes)?,
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch.to_string(),
                        _ => {
                            let name = r.xml10_content();
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| {
                                    XmlError::Syntax(format!("unknown entity &{name};"))
                                })?
                                .to_owned()
                        }
                    };
                    if stack.is_empty() {
                        return Err(XmlError::Syntax("text outside the root element".into()));
                    }
                    push_text(&mut stack, &text, &mut nodes)?;
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
                Event::DocType(_) => return Err(XmlError::Syntax("DOCTYPE is not allowed".into())),
                Event::Eof => break,
            }
        }
        if !stack.is_empty() {
            return Err(XmlError::Syntax("the document ends inside an element".into()));
        }
        root.ok_or(XmlError::Empty)
    }

    /// Writes this element as XML as if the default namespace in scope were `default_ns`:
    /// `xmlns` is written only where the namespace differs. Use it to embed an element in a
    /// document of that namespace, or to serialize a payload without repeating its namespace.
    pub fn to_xml_in(&self, default_ns: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, default_ns, false);
        out
    }

    /// The first child element with this local name, whatever its namespace.
    pub fn get_child_named(&self, name: &str) -> Option<&Self> {
        self.elements().find(|e| e.name == name)
    }

    /// The text of the first child element `name` in `ns`.
    pub fn child_text(&self, name: &str, ns: &str) -> Option<String> {
        self.get_child(name, ns).map(Self::text)
    }

    fn write(&self, out: &mut String, default_ns: &str, stream_declared: bool) {
        // Elements of the stream namespace are written with the conventional `stream:` prefix
        // (`<stream:features>`, `<stream:error>`), as XMPP peers expect; they do not change
        // the default namespace their children inherit.
        let prefixed = self.ns == NS_STREAMS;
        let declares_stream = self.attrs.iter().any(|(k, _)| k == "xmlns:stream");
        out.push('<');
        if prefixed {
            out.push_str("stream:");
        }
        out.push_str(&self.name);
        if prefixed {
            if !stream_declared && !declares_stream {
                out.push_str(" xmlns:stream=\"");
                out.push_str(NS_STREAMS);
                out.push('"');
            }
        } else if self.ns != default_ns {
            out.push_str(" xmlns=\"");
            escape_into(out, &self.ns, true);
            out.push('"');
        }
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            escape_into(out, v, true);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        let child_default = if prefixed { default_ns } else { &self.ns };
        let child_stream = stream_declared || declares_stream || prefixed;
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out, child_default, child_stream),
                Node::Text(t) => escape_into(out, t, false),
            }
        }
        out.push_str("</");
        if prefixed {
            out.push_str("stream:");
        }
        out.push_str(&self.name);
        out.push('>');
    }
}

/// Escapes text (and, for attributes, quotes) into `out`. Characters XML 1.0 does not allow
/// (NUL and the other C0 controls except tab, newline and carriage return) are dropped, so the
/// output is always well-formed whatever the input.
pub fn escape_into(out: &mut String, s: &str, attribute: bool) {
    for ch in s.chars() {
        match ch {
            '\u{0}'..='\u{8}'
            | '\u{b}'
            | '\u{c}'
            | '\u{e}'..='\u{1f}'
            | '\u{fffe}'
            | '\u{ffff}' => {}
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
}

impl fmt::Display for Element {
    /// The element as XML, with `xmlns` written where the namespace changes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write(&mut out, "", false);
        f.write_str(&out)
    }
}

fn open(stack: &[Element], root: &Option<Element>, nodes: &mut usize) -> Result<(), XmlError> {
    if stack.is_empty() && root.is_some() {
        return Err(XmlError::Syntax("a second root element".into()));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(XmlError::TooDeep);
    }
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(XmlError::TooLarge);
    }
    Ok(())
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

/// Whether XML 1.0 allows this character (§2.2 `Char`).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

fn check_chars(text: &str) -> Result<(), XmlError> {
    match text.chars().find(|c| !is_xml_char(*c)) {
        Some(c) => {
            Err(XmlError::Syntax(format!("character U+{:04X} is not allowed in XML", u32::from(c))))
        }
        None => Ok(()),
    }
}

fn push_text(stack: &mut [Element], text: &str, nodes: &mut usize) -> Result<(), XmlError> {
    check_chars(text)?;
    let Some(parent) = stack.last_mut() else {
        if text.trim().is_empty() {
            return Ok(());
        }
        return Err(XmlError::Syntax("text outside the root element".into()));
    };
    if let Some(Node::Text(prev)) = parent.children.last_mut() {
        prev.push_str(text);
        return Ok(());
    }
    *nodes += 1;
    if *nodes > MAX_NODES {
        return Err(XmlError::TooLarge);
    }
    parent.children.push(Node::Text(text.to_owned()));
    Ok(())
}

/// Whether `s` is an XML name (XML 1.0 `Name`, non-ASCII characters taken as allowed): quick-xml
/// reports names as it finds them, so `<a<b/>` and `< >` must be refused here.
fn is_xml_name(s: &str) -> bool {
    // A qualified name: an optional prefix and a local part, each an NCName.
    let ncname = |part: &str| {
        let mut chars = part.chars();
        let start = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
        chars.next().is_some_and(start)
            && chars.all(|c| start(c) || c.is_ascii_digit() || c == '-' || c == '.')
            && !part.chars().any(char::is_whitespace)
    };
    let mut parts = s.split(':');
    let first = parts.next().is_some_and(ncname);
    let second = parts.next().is_none_or(ncname);
    first && second && parts.next().is_none()
}

fn start_element(start: &BytesStart<'_>, ns: String) -> Result<Element, XmlError> {
    let qname = start.name();
    let qname: &str = qname.as_ref();
    if !is_xml_name(qname) {
        return Err(XmlError::Syntax(format!("`{qname}` is not an element name")));
    }
    let name = qname.rsplit(':').next().unwrap_or(qname).to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError::Syntax(format!("bad attribute: {e}")))?;
        let key: &str = attr.key.as_ref();
        if !is_xml_name(key) {
            return Err(XmlError::Syntax(format!("`{key}` is not an attribute name")));
        }
        // XML forbids `<` in attribute values (quick-xml lets it through). Namespace names
        // are compared as written by the resolver, so they may not use references either.
        if attr.value.contains('<') {
            return Err(XmlError::Syntax(format!("`<` in the value of `{key}`")));
        }
        // Namespace names are compared as written (the resolver does not expand references),
        // and are URIs: no references, quotes, angle brackets, spaces or controls.
        if (key == "xmlns" || key.starts_with("xmlns:"))
            && attr.value.chars().any(|c| {
                matches!(c, '&' | '"' | '\'' | '<' | '>') || c.is_whitespace() || c.is_control()
            })
        {
            return Err(XmlError::Syntax(format!("`{key}` is not a usable namespace name")));
        }
        if key == "xmlns" {
            continue;
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| XmlError::Syntax(format!("bad attribute value: {e}")))?;
        check_chars(&value)?;
        attrs.push((key.to_owned(), value.into_owned()));
    }
    Ok(Element { name, ns, attrs, children: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_and_writes_them_back() {
        let xml = "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' \
                   rid='1' xmpp:version='1.0'><iq xmlns='jabber:client' type='get' id='a'>\
                   <ping xmlns='urn:xmpp:ping'/></iq></body>";
        let body = Element::parse(xml).unwrap();
        assert!(body.is("body", "http://jabber.org/protocol/httpbind"));
        assert_eq!(body.get_attr("xmpp:version"), Some("1.0"));
        let iq = body.get_child("iq", NS_CLIENT).unwrap();
        assert!(iq.get_child("ping", "urn:xmpp:ping").is_some());
        let again = Element::parse(&body.to_string()).unwrap();
        assert_eq!(again, body);
    }

    #[test]
    fn text_is_unescaped_and_escaped_again() {
        let el = Element::parse("<n xmlns='p'>&lt;Update&gt;a &amp; b&#33;</n>").unwrap();
        assert_eq!(el.text(), "<Update>a & b!");
        assert_eq!(el.to_string(), "<n xmlns=\"p\">&lt;Update&gt;a &amp; b!</n>");
    }

    #[test]
    fn rejects_hostile_or_broken_input() {
        for bad in [
            "",
            "< >x</>",
            "<a<b/></a>",
            "<dp:>x</dp:>",
            "<:a/>",
            "<dp:3a/>",
            "<a b<c='1'/>",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<x:a/>",
            "<a>&bogus;</a>",
            "<!DOCTYPE a><a/>",
            "x<a/>",
            "<a b='<'/>",
            "<a xmlns='urn:&amp;'/>",
            "<a xmlns:p='urn:&lt;'/>",
            "<a xmlns='urn:a b'/>",
            "<a>&#1;</a>",
            "<a b='&#0;'/>",
            "<a>\u{1}</a>",
        ] {
            assert!(Element::parse(bad).is_err(), "{bad:?}");
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(Element::parse(&deep), Err(XmlError::TooDeep));
    }
}
