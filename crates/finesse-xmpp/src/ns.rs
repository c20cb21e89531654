//! XML namespaces of the XMPP specifications this crate speaks, one constant per namespace
//! (RFC 6120, RFC 7395, XEP-0060, XEP-0124, XEP-0199, XEP-0206, XEP-0030).

/// Client stanzas (`<iq/>`, `<message/>`, `<presence/>`), RFC 6120 §4.8.3.
pub const CLIENT: &str = "jabber:client";
/// Stream-level elements (`<stream:features/>`, `<stream:error/>`), RFC 6120 §4.8.1.
pub const STREAMS: &str = "http://etherx.jabber.org/streams";
/// Stream error conditions, RFC 6120 §4.9.3.
pub const STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// Stanza error conditions, RFC 6120 §8.3.3.
pub const STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";
/// SASL negotiation, RFC 6120 §6.
pub const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
/// Resource binding, RFC 6120 §7.
pub const BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// Session establishment (RFC 3921 §3; optional since RFC 6121, still offered by Openfire).
pub const SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// BOSH `<body/>` wrapper, XEP-0124.
pub const HTTPBIND: &str = "http://jabber.org/protocol/httpbind";
/// BOSH XMPP attributes (`xmpp:version`, `xmpp:restart`), XEP-0206.
pub const XBOSH: &str = "urn:xmpp:xbosh";
/// WebSocket framing (`<open/>`, `<close/>`), RFC 7395.
pub const FRAMING: &str = "urn:ietf:params:xml:ns:xmpp-framing";
/// XMPP Ping, XEP-0199.
pub const PING: &str = "urn:xmpp:ping";
/// Publish-Subscribe requests, XEP-0060; Finesse also uses it for `<notification/>`.
pub const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
/// Publish-Subscribe event notifications, XEP-0060 §7.
pub const PUBSUB_EVENT: &str = "http://jabber.org/protocol/pubsub#event";
/// Publish-Subscribe application error conditions, XEP-0060 §14.
pub const PUBSUB_ERRORS: &str = "http://jabber.org/protocol/pubsub#errors";
/// Service Discovery information, XEP-0030.
pub const DISCO_INFO: &str = "http://jabber.org/protocol/disco#info";
