//! XMPP Ping (XEP-0199): `<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>`, answered by an
//! empty result. Both sides use it to find a dead connection (Finesse 12.x pings its desktop).

use crate::element::Element;
use crate::ns;
use crate::stanza::{self, IqType};

/// A ping request.
pub fn ping_iq(id: &str, to: Option<&str>) -> Element {
    stanza::iq(IqType::Get, id, to).child(Element::new("ping", ns::PING))
}

/// Whether `iq` is a ping request.
pub fn is_ping(iq: &Element) -> bool {
    IqType::of(iq) == Some(IqType::Get) && iq.get_child("ping", ns::PING).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_in_literal_xml() {
        let iq = Element::parse(
            "<iq xmlns='jabber:client' from='finesse.example' to='u@finesse.example/r' \
             id='s2c1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
        )
        .unwrap();
        assert!(is_ping(&iq));
        let pong = stanza::iq_result(&iq, None);
        assert_eq!(
            pong.to_string(),
            "<iq xmlns=\"jabber:client\" type=\"result\" id=\"s2c1\" to=\"finesse.example\"/>"
        );
        assert!(!is_ping(&pong));
        assert_eq!(
            ping_iq("c2s1", Some("finesse.example")).to_string(),
            "<iq xmlns=\"jabber:client\" type=\"get\" id=\"c2s1\" to=\"finesse.example\">\
             <ping xmlns=\"urn:xmpp:ping\"/></iq>"
        );
        // A ping set (wrong type) is not a ping.
        let set = Element::parse(
            "<iq xmlns='jabber:client' type='set' id='x'><ping xmlns='urn:xmpp:ping'/></iq>",
        )
        .unwrap();
        assert!(!is_ping(&set));
    }
}
