//! Stream features (RFC 6120 §4.3.2) and the stanzas negotiated with them: SASL mechanisms
//! before authentication; resource binding (§7) and the legacy session (RFC 3921 §3) after.

use crate::element::Element;
use crate::jid::Jid;
use crate::ns;
use crate::stanza::{self, IqType};

/// What a `<stream:features/>` offers, as far as this crate cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// SASL mechanisms offered, in the server's order.
    pub mechanisms: Vec<String>,
    /// Whether resource binding is offered.
    pub bind: bool,
    /// `Some(optional)` when a session must (`false`) or may (`true`) be established.
    pub session: Option<bool>,
}

impl Features {
    /// Reads a `<stream:features/>` element; `None` when `el` is something else.
    pub fn parse(el: &Element) -> Option<Self> {
        if !el.is("features", ns::STREAMS) {
            return None;
        }
        let mechanisms = el
            .get_child("mechanisms", ns::SASL)
            .map(|m| {
                m.elements()
                    .filter(|c| c.name == "mechanism")
                    .map(|c| c.text().trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let bind = el.get_child("bind", ns::BIND).is_some();
        let session =
            el.get_child("session", ns::SESSION).map(|s| s.get_child_named("optional").is_some());
        Some(Self { mechanisms, bind, session })
    }

    /// The features element a server sends before authentication (PLAIN only).
    pub fn before_auth() -> Element {
        Element::new("features", ns::STREAMS).child(
            Element::new("mechanisms", ns::SASL)
                .child(Element::new("mechanism", ns::SASL).text_child(crate::sasl::PLAIN)),
        )
    }

    /// The features element a server sends after authentication (bind, optional session).
    pub fn after_auth() -> Element {
        Element::new("features", ns::STREAMS).child(Element::new("bind", ns::BIND)).child(
            Element::new("session", ns::SESSION).child(Element::new("optional", ns::SESSION)),
        )
    }
}

/// The bind request: `<iq type='set'><bind><resource/></bind></iq>`.
pub fn bind_iq(id: &str, resource: Option<&str>) -> Element {
    let mut bind = Element::new("bind", ns::BIND);
    if let Some(r) = resource {
        bind = bind.child(Element::new("resource", ns::BIND).text_child(r));
    }
    stanza::iq(IqType::Set, id, None).child(bind)
}

/// The JID a bind result assigns.
pub fn parse_bind_result(iq: &Element) -> Option<Jid> {
    let jid = iq.get_child("bind", ns::BIND)?.child_text("jid", ns::BIND)?;
    Jid::parse(jid.trim()).filter(|j| j.resource.is_some())
}

/// The resource a bind request asks for: `Some(None)` for "assign one", `None` when `iq` is
/// not a bind request.
pub fn parse_bind_request(iq: &Element) -> Option<Option<String>> {
    if IqType::of(iq) != Some(IqType::Set) {
        return None;
    }
    let bind = iq.get_child("bind", ns::BIND)?;
    Some(
        bind.child_text("resource", ns::BIND)
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
    )
}

/// The bind result for `jid`.
pub fn bind_result(request: &Element, jid: &Jid) -> Element {
    stanza::iq_result(request, None).child(
        Element::new("bind", ns::BIND)
            .child(Element::new("jid", ns::BIND).text_child(jid.to_string())),
    )
}

/// The session request: `<iq type='set'><session/></iq>`.
pub fn session_iq(id: &str, domain: &str) -> Element {
    stanza::iq(IqType::Set, id, Some(domain)).child(Element::new("session", ns::SESSION))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_openfire_style_features() {
        let el = Element::parse(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
             <mechanism>DIGEST-MD5</mechanism><mechanism>PLAIN</mechanism></mechanisms>\
             <compression xmlns='http://jabber.org/features/compress'/></stream:features>",
        )
        .unwrap();
        let f = Features::parse(&el).unwrap();
        assert_eq!(f.mechanisms, ["DIGEST-MD5", "PLAIN"]);
        assert!(!f.bind);
        let el = Element::parse(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
             <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\
             <session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>",
        )
        .unwrap();
        let f = Features::parse(&el).unwrap();
        assert!(f.bind);
        assert_eq!(f.session, Some(false));
        assert_eq!(Features::parse(&Features::after_auth()).unwrap().session, Some(true));
        assert_eq!(Features::parse(&Element::new("features", "urn:wrong")), None);
    }

    #[test]
    fn bind_request_and_result_in_literal_xml() {
        assert_eq!(
            bind_iq("b1", Some("finesse-gadget-a1b2")).to_string(),
            "<iq xmlns=\"jabber:client\" type=\"set\" id=\"b1\"><bind \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><resource>finesse-gadget-a1b2</resource>\
             </bind></iq>"
        );
        let result = Element::parse(
            "<iq xmlns='jabber:client' type='result' id='b1'>\
             <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
             <jid>1001001@finesse.example/finesse-gadget-a1b2</jid></bind></iq>",
        )
        .unwrap();
        assert_eq!(
            parse_bind_result(&result).unwrap().to_string(),
            "1001001@finesse.example/finesse-gadget-a1b2"
        );
        let bare = Element::parse(
            "<iq xmlns='jabber:client' type='result' id='b1'><bind \
             xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@b</jid></bind></iq>",
        )
        .unwrap();
        assert_eq!(parse_bind_result(&bare), None, "a bound JID has a resource");
        let req = Element::parse(&bind_iq("b2", None).to_string()).unwrap();
        assert_eq!(parse_bind_request(&req), Some(None));
        let req = Element::parse(&bind_iq("b3", Some(" r ")).to_string()).unwrap();
        assert_eq!(parse_bind_request(&req), Some(Some("r".into())));
        let jid = Jid::parse("u@d/r").unwrap();
        assert_eq!(parse_bind_result(&bind_result(&req, &jid)), Some(jid));
    }
}
