//! A small, owned element tree built with quick-xml's pull reader.
//!
//! The codec first parses the whole document (so a syntax error always wins over a mapping
//! error, and the reported error does not depend on which type is being decoded), then maps the
//! tree onto the model types with [`super::de`]. Limits keep hostile input from exhausting the
//! stack or memory.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::error::{DecodeError, ErrorKind};

/// Deepest element nesting accepted. Finesse documents nest about eight levels deep; the limit
/// protects the recursive mapper from stack exhaustion on hostile input.
pub(crate) const MAX_DEPTH: usize = 64;

/// One element: its local name (namespace prefix removed), attributes and children.
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
    /// The element's text: the concatenation of its text children (entities resolved).
    pub(crate) fn text(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            if let Node::Text(t) = child {
                out.push_str(t);
            }
        }
        out
    }

    /// Child elements, in document order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Self> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Whether the element has child elements.
    pub(crate) fn has_elements(&self) -> bool {
        self.children.iter().any(|c| matches!(c, Node::Element(_)))
    }

    /// Non-whitespace text found directly in this element, if any.
    pub(crate) fn stray_text(&self) -> Option<&str> {
        self.children.iter().find_map(|c| match c {
            Node::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
    }

    /// An element is empty when it has no child elements, only whitespace text and no
    /// attributes other than namespace declarations. Empty elements decode as absent. (A
    /// struct whose fields all turn out absent is made absent by the type, see
    /// `macros::Normalize`, since only the type knows which text is ignored.)
    pub(crate) fn is_empty(&self) -> bool {
        !self.has_elements() && self.stray_text().is_none() && self.data_attrs().next().is_none()
    }

    /// Attributes other than namespace declarations.
    pub(crate) fn data_attrs(&self) -> impl Iterator<Item = &(String, String)> {
        self.attrs.iter().filter(|(k, _)| k != "xmlns" && !k.starts_with("xmlns:"))
    }
}

fn local(name: &str) -> &str {
    match name.rfind(':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn start_element(start: &BytesStart<'_>) -> Result<Element, DecodeError> {
    let qname = start.name();
    let qname: &str = qname.as_ref();
    if !is_xml_name(qname) {
        return Err(syntax(format!("`{}` is not an element name", clip(qname))));
    }
    let name = local(qname).to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| syntax(format!("bad attribute in <{name}>: {e}")))?;
        let key: &str = attr.key.as_ref();
        if !is_xml_name(key) {
            return Err(syntax(format!("`{}` is not an attribute name in <{name}>", clip(key))));
        }
        let key = key.to_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| syntax(format!("bad attribute value in <{name}>: {e}")))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element { name, attrs, children: Vec::new() })
}

/// Whether `s` is an XML name (XML 1.0 `Name`, with the non-ASCII ranges taken as allowed):
/// quick-xml reports names as it finds them, so `<a<b/>` must be refused here.
pub(crate) fn is_xml_name(s: &str) -> bool {
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

fn syntax(msg: String) -> DecodeError {
    DecodeError::new(ErrorKind::Syntax(msg), "")
}

fn resolve_ref(r: &BytesRef<'_>) -> Result<String, DecodeError> {
    if let Ok(Some(ch)) = r.resolve_char_ref() {
        return Ok(ch.to_string());
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| syntax(format!("unknown entity `&{name};`")))
}

fn push_text(stack: &mut [Element], text: String) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(parent) => {
            // Merge adjacent text (quick-xml splits text at entity references).
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(&text);
            } else {
                parent.children.push(Node::Text(text));
            }
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(syntax(format!("text outside the root element: `{}`", clip(&text)))),
    }
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

/// Parses a complete document into its root element.
pub(crate) fn parse(xml: &str) -> Result<Element, DecodeError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| syntax(format!("at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(syntax("a second root element".into()));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(DecodeError::new(ErrorKind::TooDeep(MAX_DEPTH), ""));
                }
                stack.push(start_element(&start)?);
            }
            Event::Empty(start) => {
                let element = start_element(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(element)),
                    None if root.is_some() => {
                        return Err(syntax("a second root element".into()));
                    }
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
                push_text(&mut stack, text.into_owned())?;
            }
            Event::GeneralRef(r) => {
                let text = resolve_ref(&r)?;
                if stack.is_empty() {
                    return Err(syntax("an entity reference outside the root element".into()));
                }
                push_text(&mut stack, text)?;
            }
            Event::CData(data) => {
                let text = data.xml10_content();
                if stack.is_empty() {
                    return Err(syntax("CDATA outside the root element".into()));
                }
                push_text(&mut stack, text.into_owned())?;
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
    fn parses_nested_elements_text_and_entities() {
        let root =
            parse("<?xml version='1.0'?><a x='1'><b>x &amp; y&#33;</b><!-- c --><c/></a>").unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.attrs, vec![("x".to_owned(), "1".to_owned())]);
        let kids: Vec<_> = root.elements().collect();
        assert_eq!(kids[0].text(), "x & y!");
        assert!(kids[1].is_empty());
    }

    #[test]
    fn strips_namespace_prefixes() {
        let root = parse(r#"<dp:ProductVersion xmlns:dp="urn:x" Name="n"/>"#).unwrap();
        assert_eq!(root.name, "ProductVersion");
    }

    #[test]
    fn rejects_ill_formed_documents() {
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<a>&bogus;</a>",
            "<a>x</a>trailing",
            "<a><b></a>",
            "</a>",
            "text",
            "< >x</>",
            "<a<b/></a>",
            "<dp:>x</dp:>",
            "<:a/>",
            "<dp:3a/>",
            "<a b<c='1'/>",
            "<\n>x</>",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(matches!(err.kind(), ErrorKind::Syntax(_)), "{bad:?} gave {err}");
        }
    }

    #[test]
    fn bounds_nesting_depth() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(&deep).unwrap_err().kind(), ErrorKind::TooDeep(_)));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
