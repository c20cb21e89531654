//! A small owned element tree read with quick-xml's pull reader, with limits, for gadget specs
//! and message bundles (both small documents). Names are kept as written (no namespace
//! processing: gadget XML has none).

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::spec::SpecError;

/// Deepest element nesting accepted. Gadget specs nest four levels (`Module/ModulePrefs/Require/
/// Param`); the limit keeps hostile input from exhausting memory or the recursive mapper.
pub(crate) const MAX_DEPTH: usize = 32;

/// Most elements accepted in one document.
pub(crate) const MAX_ELEMENTS: usize = 20_000;

/// One element: its name, attributes and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The concatenation of the text children (entities resolved, CDATA included).
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            if let Node::Text(t) = child {
                out.push_str(t);
            }
        }
        out
    }

    /// The text of this element and of all its descendants, in document order.
    pub(crate) fn deep_text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// Child elements, in document order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Self> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// An attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn syntax(msg: String) -> SpecError {
    SpecError::Syntax(msg)
}

/// Shortens a piece of input for an error message.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 60;
    let s = s.trim();
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// Whether `s` is an XML name (ASCII rules, non-ASCII letters allowed): quick-xml reports names
/// as it finds them, so `<a<b/>` must be refused here.
fn is_xml_name(s: &str) -> bool {
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
    let mut chars = s.chars();
    chars.next().is_some_and(start)
        && chars.all(|c| start(c) || c.is_ascii_digit() || c == '-' || c == '.')
        && !s.chars().any(char::is_whitespace)
}

fn start_element(start: &BytesStart<'_>) -> Result<Element, SpecError> {
    let qname = start.name();
    let name: &str = qname.as_ref();
    if !is_xml_name(name) {
        return Err(syntax(format!("`{}` is not an element name", clip(name))));
    }
    let name = name.to_owned();
    let mut attrs: Vec<(String, String)> = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| syntax(format!("bad attribute in <{name}>: {e}")))?;
        let key: &str = attr.key.as_ref();
        if !is_xml_name(key) {
            return Err(syntax(format!("`{}` is not an attribute name in <{name}>", clip(key))));
        }
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| syntax(format!("bad attribute value in <{name}>: {e}")))?;
        attrs.push((key.to_owned(), value.into_owned()));
    }
    Ok(Element { name, attrs, children: Vec::new() })
}

fn resolve_ref(r: &BytesRef<'_>) -> Result<String, SpecError> {
    if let Ok(Some(ch)) = r.resolve_char_ref() {
        return Ok(ch.to_string());
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| syntax(format!("unknown entity `&{}`;", clip(&name))))
}

fn push_text(stack: &mut [Element], text: String, what: &str) -> Result<(), SpecError> {
    match stack.last_mut() {
        Some(parent) => {
            // Merge adjacent text (quick-xml splits text at entity references and CDATA).
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(&text);
            } else {
                parent.children.push(Node::Text(text));
            }
            Ok(())
        }
        None if what == "text" && text.trim().is_empty() => Ok(()),
        None => Err(syntax(format!("{what} outside the root element: `{}`", clip(&text)))),
    }
}

/// Parses a complete document into its root element.
pub(crate) fn parse(xml: &str) -> Result<Element, SpecError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| syntax(format!("at byte {}: {e}", reader.error_position())))?;
        let mut start = |start: &BytesStart<'_>, stack: &[Element]| {
            if root.is_some() && stack.is_empty() {
                return Err(syntax("a second root element".into()));
            }
            if stack.len() >= MAX_DEPTH {
                return Err(SpecError::TooDeep(MAX_DEPTH));
            }
            count += 1;
            if count > MAX_ELEMENTS {
                return Err(SpecError::TooManyElements(MAX_ELEMENTS));
            }
            start_element(start)
        };
        match event {
            Event::Start(s) => {
                let element = start(&s, &stack)?;
                stack.push(element);
            }
            Event::Empty(s) => {
                let element = start(&s, &stack)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(syntax("an end tag without a start tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                let text = text.xml10_content();
                if root.is_some() && stack.is_empty() {
                    if text.trim().is_empty() {
                        continue;
                    }
                    return Err(syntax(format!("text after the root element: `{}`", clip(&text))));
                }
                push_text(&mut stack, text.into_owned(), "text")?;
            }
            Event::GeneralRef(r) => {
                let text = resolve_ref(&r)?;
                push_text(&mut stack, text, "an entity reference")?;
            }
            Event::CData(data) => {
                let text = data.xml10_content();
                push_text(&mut stack, text.into_owned(), "CDATA")?;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(syntax(format!("the document ends inside <{}>", open.name)));
    }
    root.ok_or_else(|| syntax("no root element".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_entities_and_cdata() {
        let root =
            parse("<?xml version='1.0'?><a x='1 &amp; 2'>x &lt; y<![CDATA[<b>]]><c/></a>").unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attr("x"), Some("1 & 2"));
        assert_eq!(root.text(), "x < y<b>");
        assert_eq!(root.elements().count(), 1);
    }

    #[test]
    fn refuses_what_is_not_one_document() {
        for (xml, needle) in [
            ("", "no root element"),
            ("<a></b>", "at byte"),
            ("<a/><b/>", "second root"),
            ("<a/>text", "text after"),
            ("<a>", "ends inside <a>"),
            ("<a>&bogus;</a>", "unknown entity"),
            ("<![CDATA[x]]><a/>", "CDATA outside"),
        ] {
            let err = parse(xml).unwrap_err().to_string();
            assert!(err.contains(needle), "{xml}: {err}");
        }
    }

    #[test]
    fn limits_depth_and_element_count() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).unwrap_err(), SpecError::TooDeep(MAX_DEPTH));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let wide = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
        assert_eq!(parse(&wide).unwrap_err(), SpecError::TooManyElements(MAX_ELEMENTS));
    }
}
