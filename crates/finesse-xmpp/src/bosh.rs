//! BOSH (XEP-0124) with its XMPP binding (XEP-0206) on the wire: the `<body/>` wrapper every
//! HTTP request and response carries, its attributes as typed fields, and the terminal binding
//! conditions of `type='terminate'` bodies with what a client should do about each.
//!
//! ```text
//! client                                                   connection manager
//!   <body rid=R to=D wait=60 hold=1 ver=1.6 xmpp:version=1.0/>  ──►
//!                   ◄── <body sid=S wait=60 requests=2 inactivity=… ><stream:features/>
//!   <body rid=R+1 sid=S><auth mechanism=PLAIN/></body>           ──►
//!                   ◄── <body><success/></body>
//!   <body rid=R+2 sid=S xmpp:restart=true/>                      ──►   (XEP-0206 §5)
//!                   ◄── <body><stream:features><bind/>…</stream:features></body>
//!   <body rid=R+3 sid=S/>   (empty: held up to `wait` s, answered when a stanza arrives)
//!   <body rid=R+n sid=S type=terminate><presence type=unavailable/></body>
//! ```

use std::fmt;

use crate::element::{Element, Node, XmlError};
use crate::macros::condition_enum;
use crate::ns;

/// The BOSH protocol version this crate speaks (`ver`).
pub const VERSION: &str = "1.6";
/// The XMPP version advertised through `xmpp:version` (XEP-0206 §4).
pub const XMPP_VERSION: &str = "1.0";
/// The `content` attribute of a session creation request.
pub const CONTENT: &str = "text/xml; charset=utf-8";
/// The largest rid XEP-0124 §14.1 allows (2^53 − 1, so JavaScript peers can count).
pub const MAX_RID: u64 = (1 << 53) - 1;

condition_enum! {
    /// A terminal binding condition (XEP-0124 §17.2): why the connection manager ended the
    /// session. Every one ends the session; [`recovery`](Self::recovery) says what a client
    /// should do next.
    pub enum TerminateCondition {
        /// The format of the request was unacceptable (a client bug; a new session may work).
        BadRequest = "bad-request",
        /// The target domain is no longer serviced by the connection manager.
        HostGone = "host-gone",
        /// The target domain is unknown to the connection manager.
        HostUnknown = "host-unknown",
        /// The initialization element lacks a `to` or `route` attribute.
        ImproperAddressing = "improper-addressing",
        /// The connection manager hit an internal error.
        InternalServerError = "internal-server-error",
        /// The sid is not known (the session ended, e.g. the service restarted) or the rid is
        /// out of the window.
        ItemNotFound = "item-not-found",
        /// Another request being processed at the same time ended the session.
        OtherRequest = "other-request",
        /// The client broke a policy (too many simultaneous requests, polling too often).
        PolicyViolation = "policy-violation",
        /// The connection manager could not reach the XMPP server.
        RemoteConnectionFailed = "remote-connection-failed",
        /// The XMPP server sent a stream error (carried in the body).
        RemoteStreamError = "remote-stream-error",
        /// Use a different URI (HTTPS instead of HTTP, another host).
        SeeOtherUri = "see-other-uri",
        /// The connection manager is being shut down.
        SystemShutdown = "system-shutdown",
        /// Any other error.
        UndefinedCondition = "undefined-condition",
    }
}

/// What a client should do after its session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recovery {
    /// Create a new session with the same server after a backoff: the condition is transient
    /// (restart, shutdown, lost session, overload) or a new session starts clean.
    Reconnect,
    /// This server cannot serve us (wrong host, moved): go to the next server in the list.
    Failover,
    /// Stop and report: retrying anywhere would repeat the failure (bad credentials, another
    /// client took over our resource).
    Fatal,
}

impl TerminateCondition {
    /// What a client should do after a session ended with this condition.
    ///
    /// | condition | recovery |
    /// |---|---|
    /// | `item-not-found`, `system-shutdown`, `remote-connection-failed`, `internal-server-error`, `undefined-condition`, `other-request`, `policy-violation`, `bad-request`, `remote-stream-error` (unless the stream error says otherwise) | [`Recovery::Reconnect`] |
    /// | `host-unknown`, `host-gone`, `improper-addressing`, `see-other-uri` | [`Recovery::Failover`] |
    ///
    /// No terminal condition alone is fatal; a `remote-stream-error` carrying `conflict` or
    /// `not-authorized` is (see [`crate::client`]).
    pub fn recovery(&self) -> Recovery {
        match self {
            Self::HostUnknown | Self::HostGone | Self::ImproperAddressing | Self::SeeOtherUri => {
                Recovery::Failover
            }
            _ => Recovery::Reconnect,
        }
    }
}

/// The `type` attribute of a body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum BodyType {
    /// No `type`: an ordinary request or response.
    #[default]
    Normal,
    /// `type='terminate'`: ends the session.
    Terminate,
    /// `type='error'`: the legacy (pre-1.6) form of a terminal error.
    Error,
}

/// A `<body/>` with its attributes read into typed fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// Request id.
    pub rid: Option<u64>,
    /// Session id.
    pub sid: Option<String>,
    /// Target domain (session creation).
    pub to: Option<String>,
    /// Sender (session creation response).
    pub from: Option<String>,
    /// `type`.
    pub kind: BodyType,
    /// `condition` of a terminating body.
    pub condition: Option<TerminateCondition>,
    /// Longest time (s) the connection manager may hold a request.
    pub wait: Option<u32>,
    /// Most requests the connection manager may hold at once.
    pub hold: Option<u32>,
    /// Most simultaneous requests the client may make.
    pub requests: Option<u32>,
    /// Longest time (s) the client may leave the connection manager without a request.
    pub inactivity: Option<u32>,
    /// Shortest time (s) between empty polls when `hold` is 0.
    pub polling: Option<u32>,
    /// BOSH version.
    pub ver: Option<String>,
    /// `xmpp:version` (XEP-0206).
    pub xmpp_version: Option<String>,
    /// `xmpp:restart='true'` (XEP-0206 §5).
    pub restart: bool,
    /// Attributes not modelled above, kept as written (qualified names).
    pub other: Vec<(String, String)>,
    /// The child elements (stanzas, `<stream:features/>`, SASL elements, …).
    pub payloads: Vec<Element>,
}

/// Why a `<body/>` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// The XML is not acceptable.
    Xml(XmlError),
    /// The root is not `<body xmlns='http://jabber.org/protocol/httpbind'/>` (name and
    /// namespace found).
    NotBody {
        /// Local name found.
        name: String,
        /// Namespace found.
        ns: String,
    },
    /// A numeric or enumerated attribute has an invalid value.
    InvalidAttribute {
        /// The attribute.
        name: &'static str,
        /// Its value (truncated to 64 bytes).
        value: String,
    },
    /// Text directly inside the body (a body holds only elements).
    UnexpectedText,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Xml(e) => write!(f, "{e}"),
            Self::NotBody { name, ns } => {
                write!(f, "expected an httpbind <body/>, found <{name}> in `{ns}`")
            }
            Self::InvalidAttribute { name, value } => write!(f, "invalid `{name}`: {value:?}"),
            Self::UnexpectedText => f.write_str("text directly inside <body/>"),
        }
    }
}

impl std::error::Error for BodyError {}

impl From<XmlError> for BodyError {
    fn from(e: XmlError) -> Self {
        Self::Xml(e)
    }
}

fn truncated(s: &str) -> String {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

impl Body {
    /// A body for session `sid` with request id `rid` (no attributes besides).
    pub fn new(rid: u64, sid: &str) -> Self {
        Self { rid: Some(rid), sid: Some(sid.to_owned()), ..Self::default() }
    }

    /// Parses the text of an HTTP request or response.
    pub fn parse(xml: &str) -> Result<Self, BodyError> {
        Self::from_element(Element::parse(xml)?)
    }

    /// Reads a parsed `<body/>`.
    pub fn from_element(el: Element) -> Result<Self, BodyError> {
        if !el.is("body", ns::HTTPBIND) {
            return Err(BodyError::NotBody { name: truncated(&el.name), ns: truncated(&el.ns) });
        }
        // The prefix bound to urn:xmpp:xbosh, "xmpp" by convention.
        let xmpp_prefix = el
            .attrs
            .iter()
            .find(|(k, v)| k.starts_with("xmlns:") && v == ns::XBOSH)
            .map_or("xmpp", |(k, _)| &k["xmlns:".len()..])
            .to_owned();
        let mut body = Self::default();
        for (k, v) in &el.attrs {
            let local = k.strip_prefix(&xmpp_prefix).and_then(|rest| rest.strip_prefix(':'));
            match (k.as_str(), local) {
                ("rid", _) => body.rid = Some(number(v, "rid")?),
                ("sid", _) => body.sid = Some(v.clone()),
                ("to", _) => body.to = Some(v.clone()),
                ("from", _) => body.from = Some(v.clone()),
                ("type", _) => {
                    body.kind = match v.as_str() {
                        "terminate" => BodyType::Terminate,
                        "error" => BodyType::Error,
                        _ => {
                            return Err(BodyError::InvalidAttribute {
                                name: "type",
                                value: truncated(v),
                            });
                        }
                    }
                }
                ("condition", _) => body.condition = Some(TerminateCondition::parse(v)),
                ("wait", _) => body.wait = Some(number(v, "wait")?),
                ("hold", _) => body.hold = Some(number(v, "hold")?),
                ("requests", _) => body.requests = Some(number(v, "requests")?),
                ("inactivity", _) => body.inactivity = Some(number(v, "inactivity")?),
                ("polling", _) => body.polling = Some(number(v, "polling")?),
                ("ver", _) => body.ver = Some(v.clone()),
                (_, Some("version")) => body.xmpp_version = Some(v.clone()),
                (_, Some("restart")) => body.restart = v == "true" || v == "1",
                _ if k.starts_with("xmlns:") => {}
                _ => body.other.push((k.clone(), v.clone())),
            }
        }
        for child in el.children {
            match child {
                Node::Element(e) => body.payloads.push(e),
                Node::Text(t) if t.trim().is_empty() => {}
                Node::Text(_) => return Err(BodyError::UnexpectedText),
            }
        }
        Ok(body)
    }

    /// Builder: adds a payload.
    #[must_use]
    pub fn with(mut self, payload: Element) -> Self {
        self.payloads.push(payload);
        self
    }

    /// The `<body/>` element.
    pub fn to_element(&self) -> Element {
        let mut el = Element::new("body", ns::HTTPBIND);
        let num = |el: &mut Element, k: &str, v: Option<u32>| {
            if let Some(v) = v {
                el.set_attr(k, v.to_string());
            }
        };
        if let Some(rid) = self.rid {
            el.set_attr("rid", rid.to_string());
        }
        for (k, v) in [("sid", &self.sid), ("to", &self.to), ("from", &self.from)] {
            if let Some(v) = v {
                el.set_attr(k, v.clone());
            }
        }
        match self.kind {
            BodyType::Normal => {}
            BodyType::Terminate => el.set_attr("type", "terminate"),
            BodyType::Error => el.set_attr("type", "error"),
        }
        if let Some(c) = &self.condition {
            el.set_attr("condition", c.as_str());
        }
        num(&mut el, "wait", self.wait);
        num(&mut el, "hold", self.hold);
        num(&mut el, "requests", self.requests);
        num(&mut el, "inactivity", self.inactivity);
        num(&mut el, "polling", self.polling);
        if let Some(v) = &self.ver {
            el.set_attr("ver", v.clone());
        }
        for (k, v) in &self.other {
            el.set_attr(k.clone(), v.clone());
        }
        if self.xmpp_version.is_some() || self.restart {
            el.set_attr("xmlns:xmpp", ns::XBOSH);
        }
        if let Some(v) = &self.xmpp_version {
            el.set_attr("xmpp:version", v.clone());
        }
        if self.restart {
            el.set_attr("xmpp:restart", "true");
        }
        if self.payloads.iter().any(|p| p.ns == ns::STREAMS) {
            el.set_attr("xmlns:stream", ns::STREAMS);
        }
        el.children = self.payloads.iter().cloned().map(Node::Element).collect();
        el
    }

    /// The body as the text of an HTTP request or response.
    pub fn to_xml(&self) -> String {
        self.to_element().to_string()
    }
}

fn number<T: std::str::FromStr>(v: &str, name: &'static str) -> Result<T, BodyError> {
    v.trim().parse().map_err(|_| BodyError::InvalidAttribute { name, value: truncated(v) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_session_creation_request_as_xep_0206_prints_it() {
        // XEP-0206 Example 1.
        let body = Body::parse(
            "<body content='text/xml; charset=utf-8' from='user@example.com' hold='1' \
             rid='1573741820' to='example.com' route='xmpp:example.com:9999' secure='true' \
             ver='1.6' wait='60' ack='1' xml:lang='en' xmpp:version='1.0' \
             xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'/>",
        )
        .unwrap();
        assert_eq!(body.rid, Some(1_573_741_820));
        assert_eq!(body.to.as_deref(), Some("example.com"));
        assert_eq!((body.wait, body.hold), (Some(60), Some(1)));
        assert_eq!(body.xmpp_version.as_deref(), Some("1.0"));
        assert!(body.other.iter().any(|(k, v)| k == "xml:lang" && v == "en"));
        assert_eq!(body.sid, None);
    }

    #[test]
    fn reads_a_session_creation_response_with_features() {
        let body = Body::parse(
            "<body wait='60' inactivity='30' polling='5' requests='2' hold='1' ver='1.6' \
             from='example.com' sid='SomeSID' xmpp:restartlogic='true' xmpp:version='1.0' \
             authid='ServerStreamID' xmlns='http://jabber.org/protocol/httpbind' \
             xmlns:xmpp='urn:xmpp:xbosh' xmlns:stream='http://etherx.jabber.org/streams'>\
             <stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
             <mechanism>PLAIN</mechanism></mechanisms></stream:features></body>",
        )
        .unwrap();
        assert_eq!(body.sid.as_deref(), Some("SomeSID"));
        assert_eq!((body.requests, body.inactivity, body.polling), (Some(2), Some(30), Some(5)));
        assert_eq!(body.payloads.len(), 1);
        assert!(body.payloads[0].is("features", ns::STREAMS));
    }

    #[test]
    fn restart_with_another_prefix_is_recognised() {
        let body = Body::parse(
            "<body rid='7' sid='s' x:restart='true' xmlns='http://jabber.org/protocol/httpbind' \
             xmlns:x='urn:xmpp:xbosh'/>",
        )
        .unwrap();
        assert!(body.restart);
        let written = Body { restart: true, ..Body::new(8, "s") }.to_xml();
        assert_eq!(
            written,
            "<body xmlns=\"http://jabber.org/protocol/httpbind\" rid=\"8\" sid=\"s\" \
             xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:restart=\"true\"/>"
        );
        assert!(Body::parse(&written).unwrap().restart);
    }

    #[test]
    fn every_terminal_condition_parses_and_says_what_to_do() {
        for c in TerminateCondition::KNOWN {
            let xml = format!(
                "<body type='terminate' condition='{c}' xmlns='http://jabber.org/protocol/httpbind'/>"
            );
            let body = Body::parse(&xml).unwrap();
            assert_eq!(body.kind, BodyType::Terminate);
            assert_eq!(body.condition.as_ref(), Some(c));
        }
        use TerminateCondition as T;
        assert_eq!(T::HostUnknown.recovery(), Recovery::Failover);
        assert_eq!(T::SeeOtherUri.recovery(), Recovery::Failover);
        assert_eq!(T::ItemNotFound.recovery(), Recovery::Reconnect);
        assert_eq!(T::SystemShutdown.recovery(), Recovery::Reconnect);
        assert_eq!(T::parse("x-new").recovery(), Recovery::Reconnect);
        assert_eq!(T::KNOWN.len(), 13);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert!(matches!(Body::parse("<body/>"), Err(BodyError::NotBody { .. })));
        assert!(matches!(
            Body::parse("<body xmlns='http://jabber.org/protocol/httpbindX'/>"),
            Err(BodyError::NotBody { .. })
        ));
        assert_eq!(
            Body::parse("<body rid='-1' xmlns='http://jabber.org/protocol/httpbind'/>"),
            Err(BodyError::InvalidAttribute { name: "rid", value: "-1".into() })
        );
        assert_eq!(
            Body::parse("<body wait='99999999999' xmlns='http://jabber.org/protocol/httpbind'/>"),
            Err(BodyError::InvalidAttribute { name: "wait", value: "99999999999".into() })
        );
        assert_eq!(
            Body::parse("<body type='bogus' xmlns='http://jabber.org/protocol/httpbind'/>"),
            Err(BodyError::InvalidAttribute { name: "type", value: "bogus".into() })
        );
        assert_eq!(
            Body::parse("<body xmlns='http://jabber.org/protocol/httpbind'>hello</body>"),
            Err(BodyError::UnexpectedText)
        );
        assert!(matches!(Body::parse("<body"), Err(BodyError::Xml(_))));
        let long = "x".repeat(100_000);
        let err = Body::parse(&format!(
            "<body rid='{long}' xmlns='http://jabber.org/protocol/httpbind'/>"
        ))
        .unwrap_err();
        assert!(matches!(err, BodyError::InvalidAttribute { value, .. } if value.len() == 64));
    }

    #[test]
    fn writes_stanzas_in_their_namespace_and_stream_elements_prefixed() {
        let body = Body { from: Some("d".into()), ..Body::default() }
            .with(crate::features::Features::before_auth())
            .with(crate::stanza::presence(None));
        assert_eq!(
            body.to_xml(),
            "<body xmlns=\"http://jabber.org/protocol/httpbind\" from=\"d\" \
             xmlns:stream=\"http://etherx.jabber.org/streams\"><stream:features><mechanisms \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><mechanism>PLAIN</mechanism></mechanisms>\
             </stream:features><presence xmlns=\"jabber:client\"/></body>"
        );
        assert_eq!(Body::parse(&body.to_xml()).unwrap().payloads, body.payloads);
    }
}
