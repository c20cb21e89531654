//! Stream errors (RFC 6120 §4.9): `<stream:error><condition xmlns='…xmpp-streams'/>
//! <text/></stream:error>`. Over WebSocket (RFC 7395 §3.6) one is a frame of its own, followed
//! by `<close/>`; over BOSH (XEP-0206 §7) it travels inside a `terminate` body whose condition
//! is `remote-stream-error`.

use crate::element::Element;
use crate::macros::condition_enum;
use crate::ns;

condition_enum! {
    /// A defined stream error condition (RFC 6120 §4.9.3).
    pub enum StreamErrorCondition {
        /// The entity sent XML that cannot be processed.
        BadFormat = "bad-format",
        /// An unsupported namespace prefix.
        BadNamespacePrefix = "bad-namespace-prefix",
        /// A new stream for the same resource replaced this one.
        Conflict = "conflict",
        /// The peer has not generated traffic for too long.
        ConnectionTimeout = "connection-timeout",
        /// The host is no longer serviced.
        HostGone = "host-gone",
        /// The host is not serviced.
        HostUnknown = "host-unknown",
        /// A stanza lacked a required address.
        ImproperAddressing = "improper-addressing",
        /// The server hit a misconfiguration or an unexpected internal error.
        InternalServerError = "internal-server-error",
        /// The `from` address does not match an authorized identity.
        InvalidFrom = "invalid-from",
        /// The stream or content namespace is wrong.
        InvalidNamespace = "invalid-namespace",
        /// Invalid XML.
        InvalidXml = "invalid-xml",
        /// Data was sent before authentication.
        NotAuthorized = "not-authorized",
        /// The XML is not well-formed.
        NotWellFormed = "not-well-formed",
        /// A local policy was violated.
        PolicyViolation = "policy-violation",
        /// A required remote connection failed.
        RemoteConnectionFailed = "remote-connection-failed",
        /// The server is resetting the stream (e.g. after a security change).
        Reset = "reset",
        /// The server lacks the resources to service the stream.
        ResourceConstraint = "resource-constraint",
        /// Restricted XML (comments, DTD, processing instructions).
        RestrictedXml = "restricted-xml",
        /// Connect to another host (given as text of the condition element).
        SeeOtherHost = "see-other-host",
        /// The server is being shut down.
        SystemShutdown = "system-shutdown",
        /// Any other condition.
        UndefinedCondition = "undefined-condition",
        /// An unsupported character encoding.
        UnsupportedEncoding = "unsupported-encoding",
        /// A mandatory-to-negotiate feature is unsupported.
        UnsupportedFeature = "unsupported-feature",
        /// A first-level child the server does not support.
        UnsupportedStanzaType = "unsupported-stanza-type",
        /// An unsupported XMPP version.
        UnsupportedVersion = "unsupported-version",
    }
}

/// A `<stream:error/>`: its condition and optional descriptive text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// The defined condition (`undefined-condition` when the element has none).
    pub condition: StreamErrorCondition,
    /// The `<text/>`, if any.
    pub text: Option<String>,
}

impl StreamError {
    /// A stream error with a condition and no text.
    pub fn new(condition: StreamErrorCondition) -> Self {
        Self { condition, text: None }
    }

    /// Reads a `<stream:error/>` element; `None` when `el` is something else.
    pub fn parse(el: &Element) -> Option<Self> {
        if !el.is("error", ns::STREAMS) {
            return None;
        }
        let condition = el
            .elements()
            .find(|c| c.ns == ns::STREAM_ERRORS && c.name != "text")
            .map_or(StreamErrorCondition::UndefinedCondition, |c| {
                StreamErrorCondition::parse(&c.name)
            });
        let text = el.child_text("text", ns::STREAM_ERRORS);
        Some(Self { condition, text })
    }

    /// The `<stream:error/>` element.
    pub fn to_element(&self) -> Element {
        let mut el = Element::new("error", ns::STREAMS)
            .child(Element::new(self.condition.as_str(), ns::STREAM_ERRORS));
        if let Some(text) = &self.text {
            el = el.child(Element::new("text", ns::STREAM_ERRORS).text_child(text.clone()));
        }
        el
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_literal_stream_error() {
        let el = Element::parse(
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
             <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text>\
             </stream:error>",
        )
        .unwrap();
        let err = StreamError::parse(&el).unwrap();
        assert_eq!(err.condition, StreamErrorCondition::Conflict);
        assert_eq!(err.text.as_deref(), Some("Replaced by new connection"));
    }

    #[test]
    fn writes_with_the_stream_prefix_and_round_trips() {
        let err = StreamError::new(StreamErrorCondition::SystemShutdown);
        let xml = err.to_element().to_string();
        assert_eq!(
            xml,
            "<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\">\
             <system-shutdown xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>"
        );
        assert_eq!(StreamError::parse(&Element::parse(&xml).unwrap()), Some(err));
    }

    #[test]
    fn unknown_or_missing_conditions_are_kept_leniently() {
        let el = Element::parse(
            "<error xmlns='http://etherx.jabber.org/streams'>\
             <x-new xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>",
        )
        .unwrap();
        assert_eq!(
            StreamError::parse(&el).unwrap().condition,
            StreamErrorCondition::Other("x-new".into())
        );
        let bare = Element::parse("<error xmlns='http://etherx.jabber.org/streams'/>").unwrap();
        assert_eq!(
            StreamError::parse(&bare).unwrap().condition,
            StreamErrorCondition::UndefinedCondition
        );
        // Wrong namespace: not a stream error.
        let wrong = Element::parse("<error xmlns='jabber:client'/>").unwrap();
        assert_eq!(StreamError::parse(&wrong), None);
        for c in StreamErrorCondition::KNOWN {
            assert_eq!(&StreamErrorCondition::parse(c.as_str()), c);
        }
    }
}
