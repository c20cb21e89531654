//! Fuzzes the XMPP layer: the stanza parser (anything that parses writes back to the same
//! tree) and the notification service core, fed the input as a BOSH request body and as a
//! WebSocket frame. Nothing may panic; the service must keep answering.

#![no_main]

use finesse_xmpp::Element;
use finesse_xmpp::server::{Service, ServiceConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(element) = Element::parse(&text) {
        let written = element.to_string();
        let again = Element::parse(&written)
            .unwrap_or_else(|e| panic!("our own output does not parse ({e}): {written:?}"));
        assert_eq!(again, element, "round trip changed the tree: {written:?}");
    }
    let mut service = Service::new(ServiceConfig::new("finesse.fuzz"), |_: &str, _: &str| true, 0);
    let _ = service.handle_bosh_request(1, &text, 1);
    service.ws_open(2, 2);
    service.ws_frame(2, &text, 3);
    service.handle_timeout(120_000);
    while service.poll_transmit().is_some() {}
    while service.poll_event().is_some() {}
});
