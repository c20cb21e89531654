//! XMPP over WebSocket (RFC 7395): every WebSocket text message is one complete XML element.
//! The stream is opened with `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to=…
//! version='1.0'/>` (again after SASL, §3.5) and closed with `<close/>` (§3.6); stream-level
//! elements (`<stream:features/>`, `<stream:error/>`) carry their own `xmlns:stream`.

use crate::element::{Element, Node, XmlError};
use crate::ns;

/// A client's `<open/>`.
pub fn open(to: &str) -> Element {
    Element::new("open", ns::FRAMING).attr("to", to).attr("version", "1.0")
}

/// A server's `<open/>` answer.
pub fn open_reply(from: &str, id: &str) -> Element {
    Element::new("open", ns::FRAMING)
        .attr("from", from)
        .attr("id", id)
        .attr("version", "1.0")
        .attr("xml:lang", "en")
}

/// `<close/>`.
pub fn close() -> Element {
    Element::new("close", ns::FRAMING)
}

/// Parses one frame. Lenient about one common deviation: a stream-level element whose
/// `stream:` prefix is not declared in the frame (the stream header that declared it in TCP
/// XMPP does not exist here) is read as if it were.
pub fn parse_frame(text: &str) -> Result<Element, XmlError> {
    match Element::parse(text) {
        Err(XmlError::UnboundPrefix(p)) if p == "stream" => {
            let wrapped = format!("<w xmlns:stream='{}'>{}</w>", ns::STREAMS, text);
            let w = Element::parse(&wrapped)?;
            let text =
                w.children.iter().any(|c| matches!(c, Node::Text(t) if !t.trim().is_empty()));
            let mut elements = w.children.into_iter().filter_map(|c| match c {
                Node::Element(e) => Some(e),
                Node::Text(_) => None,
            });
            match (elements.next(), elements.next(), text) {
                (Some(e), None, false) => Ok(e),
                _ => Err(XmlError::Syntax("a frame holds exactly one element".into())),
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_and_close_as_rfc_7395_prints_them() {
        assert_eq!(
            open("finesse.example").to_string(),
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"finesse.example\" \
             version=\"1.0\"/>"
        );
        assert_eq!(close().to_string(), "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>");
        // RFC 7395 Example 2, the server's answer.
        let el = parse_frame(
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" from=\"example.com\" \
             id=\"++TR84Sm6A3hnt3Q065SnAbbk3Y=\" xml:lang=\"en\" version=\"1.0\" />",
        )
        .unwrap();
        assert!(el.is("open", ns::FRAMING));
        assert_eq!(el.get_attr("from"), Some("example.com"));
    }

    #[test]
    fn undeclared_stream_prefix_is_tolerated_but_other_prefixes_are_not() {
        let el = parse_frame(
            "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
        )
        .unwrap();
        assert!(el.is("features", ns::STREAMS));
        assert!(parse_frame("<foo:bar/>").is_err());
        assert!(parse_frame("<stream:features>").is_err());
        assert!(parse_frame("<stream:a/><stream:b/>").is_err());
        assert!(parse_frame("<stream:a/>junk").is_err());
        assert!(parse_frame(" <stream:a/> ").is_ok());
    }
}
