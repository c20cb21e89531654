//! A minimal blocking XMPP session over WebSocket (RFC 7395) for tests and tools that must act
//! as *another* client: open, SASL PLAIN, restart, bind, then any iq. Its main use is
//! publishing items to a standard XMPP server (Prosody) the way Finesse's own service
//! publishes them, so that the [`NativeDriver`](crate::NativeDriver) under test receives an
//! item from a different client.
//!
//! Not a client for production: no reconnection, no pings, one request at a time.
//!
//! ```no_run
//! use std::time::Duration;
//! use finesse_xmpp_native::raw::{ItemContent, RawSession};
//!
//! let mut admin = RawSession::connect(
//!     "ws://127.0.0.1:5280/xmpp-websocket",
//!     "localhost",
//!     "admin",
//!     "adminpw",
//!     Duration::from_secs(10),
//! )?;
//! let update = "<Update><event>PUT</event><requestId>1</requestId></Update>";
//! admin.publish("pubsub.localhost", "/finesse/api/User/agent1", "item-1",
//!     &ItemContent::Escaped(update.into()))?;
//! admin.close();
//! # Ok::<(), finesse_xmpp_native::raw::RawError>(())
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use finesse_xmpp::client::check_resource;
use finesse_xmpp::element::{Element, XmlError};
use finesse_xmpp::features::{self, Features};
use finesse_xmpp::jid::Jid;
use finesse_xmpp::sasl::{self, SaslCondition};
use finesse_xmpp::stanza::{self, IqType, StanzaError};
use finesse_xmpp::stream::StreamError;
use finesse_xmpp::{framing, ns};
use tungstenite::{Message, WebSocket};

use crate::ws;

/// Why a raw session failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawError {
    /// The socket could not be opened (message from the transport).
    Connect(String),
    /// The socket broke or closed (message from the transport).
    Closed(String),
    /// Nothing arrived in time; names what was awaited.
    Timeout(&'static str),
    /// A frame that is not one XML element.
    Xml(XmlError),
    /// Authentication failed.
    Auth(SaslCondition),
    /// The server sent a stream error.
    Stream(StreamError),
    /// The server broke the expected sequence; names what was expected.
    Protocol(&'static str),
    /// An iq was answered with an error.
    Stanza(StanzaError),
    /// The resource is not acceptable (see [`check_resource`]).
    Resource,
}

impl fmt::Display for RawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "could not connect: {e}"),
            Self::Closed(e) => write!(f, "the socket closed: {e}"),
            Self::Timeout(what) => write!(f, "timed out waiting for {what}"),
            Self::Xml(e) => write!(f, "malformed frame: {e}"),
            Self::Auth(c) => write!(f, "authentication failed: {c:?}"),
            Self::Stream(e) => write!(f, "stream error: {e:?}"),
            Self::Protocol(what) => write!(f, "protocol violation: expected {what}"),
            Self::Stanza(e) => write!(f, "iq error: {e:?}"),
            Self::Resource => f.write_str("invalid resource"),
        }
    }
}

impl std::error::Error for RawError {}

/// The payload of a published item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemContent {
    /// A document escaped as the text of `<notification xmlns='http://jabber.org/protocol/pubsub'/>`,
    /// as the Finesse notification service publishes `<Update>`s.
    Escaped(String),
    /// An element published as is (the usual XEP-0060 form): subscribers receive the element.
    Element(Element),
}

impl ItemContent {
    fn to_element(&self) -> Element {
        match self {
            Self::Escaped(xml) => Element::new("notification", ns::PUBSUB).text_child(xml.clone()),
            Self::Element(el) => el.clone(),
        }
    }
}

/// An authenticated, bound XMPP session over one WebSocket.
#[derive(Debug)]
pub struct RawSession {
    socket: WebSocket<ws::ReadSide>,
    jid: Jid,
    timeout: Duration,
    next_id: u64,
}

impl RawSession {
    /// Connects to the WebSocket endpoint `url` (`ws://` only), opens a stream to `domain`,
    /// authenticates `user` with SASL PLAIN and binds a resource chosen by the server. Each
    /// step may take at most `timeout`.
    pub fn connect(
        url: &str,
        domain: &str,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Self, RawError> {
        Self::connect_as(url, domain, user, password, None, timeout)
    }

    /// As [`connect`](Self::connect), binding `resource` when given.
    pub fn connect_as(
        url: &str,
        domain: &str,
        user: &str,
        password: &str,
        resource: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, RawError> {
        if let Some(r) = resource {
            check_resource(r).map_err(|_| RawError::Resource)?;
        }
        let socket = ws::open(url, timeout).map_err(RawError::Connect)?;
        let mut session = Self { socket, jid: Jid::bare("", domain), timeout, next_id: 1 };
        let features = session.open_stream(domain)?;
        if !features.mechanisms.iter().any(|m| m == sasl::PLAIN) {
            return Err(RawError::Protocol("SASL PLAIN among the mechanisms"));
        }
        session.send(&sasl::plain_auth(user, password))?;
        let outcome = session.recv_until("the SASL outcome", |el| el.ns == ns::SASL)?;
        match sasl::outcome(&outcome) {
            Some(Ok(())) => {}
            Some(Err(condition)) => return Err(RawError::Auth(condition)),
            None => return Err(RawError::Protocol("SASL success or failure")),
        }
        let features = session.open_stream(domain)?;
        if !features.bind {
            return Err(RawError::Protocol("resource binding among the features"));
        }
        let id = session.new_id();
        let result = session.iq(features::bind_iq(&id, resource))?;
        session.jid =
            features::parse_bind_result(&result).ok_or(RawError::Protocol("a bound JID"))?;
        if features.session == Some(false) {
            let id = session.new_id();
            session.iq(features::session_iq(&id, domain))?;
        }
        Ok(session)
    }

    /// The bound full JID.
    pub fn jid(&self) -> &Jid {
        &self.jid
    }

    /// A fresh iq id.
    pub fn new_id(&mut self) -> String {
        let id = format!("raw{}", self.next_id);
        self.next_id += 1;
        id
    }

    /// Sends one element as one frame.
    pub fn send(&mut self, element: &Element) -> Result<(), RawError> {
        self.socket
            .send(Message::text(element.to_string()))
            .map_err(|e| RawError::Closed(e.to_string()))
    }

    /// The next element, waiting at most the session's timeout. Stream errors and `<close/>`
    /// end the session with an error.
    pub fn recv(&mut self) -> Result<Element, RawError> {
        self.recv_until("an element", |_| true)
    }

    /// Receives elements until one matches `wanted` (the others are dropped, except stream
    /// errors and `<close/>`, which fail), within the session's timeout.
    fn recv_until(
        &mut self,
        what: &'static str,
        mut wanted: impl FnMut(&Element) -> bool,
    ) -> Result<Element, RawError> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RawError::Timeout(what));
            }
            self.socket
                .get_mut()
                .tcp
                .set_read_timeout(Some(left))
                .map_err(|e| RawError::Closed(e.to_string()))?;
            let text = match self.socket.read() {
                Ok(Message::Text(text)) => text,
                Ok(_) => continue,
                Err(e) if ws::is_timeout(&e) => return Err(RawError::Timeout(what)),
                Err(e) => return Err(RawError::Closed(e.to_string())),
            };
            let el = framing::parse_frame(text.as_str()).map_err(RawError::Xml)?;
            if let Some(error) = StreamError::parse(&el) {
                return Err(RawError::Stream(error));
            }
            if el.is("close", ns::FRAMING) {
                return Err(RawError::Closed("the server closed the stream".into()));
            }
            if wanted(&el) {
                return Ok(el);
            }
            // Answer the server's pings so that a slow step does not cost the session.
            if stanza::is_stanza(&el, "iq")
                && IqType::of(&el) == Some(IqType::Get)
                && el.get_child("ping", ns::PING).is_some()
            {
                self.send(&stanza::iq_result(&el, None))?;
            }
        }
    }

    /// Sends `<open/>` and reads the server's `<open/>` and features.
    fn open_stream(&mut self, domain: &str) -> Result<Features, RawError> {
        self.send(&framing::open(domain))?;
        self.recv_until("the server's <open/>", |el| el.is("open", ns::FRAMING))?;
        let features = self.recv_until("stream features", |el| el.is("features", ns::STREAMS))?;
        Features::parse(&features).ok_or(RawError::Protocol("readable stream features"))
    }

    /// Sends an iq (which must carry an `id`) and returns its `result`; an `error` answer is
    /// [`RawError::Stanza`].
    pub fn iq(&mut self, iq: Element) -> Result<Element, RawError> {
        let id = iq.get_attr("id").ok_or(RawError::Protocol("an id on the iq"))?.to_owned();
        self.send(&iq)?;
        let answer = self.recv_until("the iq answer", |el| {
            stanza::is_stanza(el, "iq")
                && el.get_attr("id") == Some(id.as_str())
                && matches!(IqType::of(el), Some(IqType::Result | IqType::Error))
        })?;
        match IqType::of(&answer) {
            Some(IqType::Result) => Ok(answer),
            _ => Err(RawError::Stanza(
                StanzaError::of(&answer).ok_or(RawError::Protocol("an error condition"))?,
            )),
        }
    }

    /// Publishes one item (XEP-0060 §7.1) with id `item_id` to `node` of the pubsub
    /// `service`, and waits for the service to confirm it.
    pub fn publish(
        &mut self,
        service: &str,
        node: &str,
        item_id: &str,
        content: &ItemContent,
    ) -> Result<(), RawError> {
        let id = self.new_id();
        let item = Element::new("item", ns::PUBSUB).attr("id", item_id).child(content.to_element());
        let publish = Element::new("publish", ns::PUBSUB).attr("node", node).child(item);
        let iq = stanza::iq(IqType::Set, &id, Some(service))
            .child(Element::new("pubsub", ns::PUBSUB).child(publish));
        self.iq(iq).map(drop)
    }

    /// Closes the stream (`<close/>`) and the socket, best effort.
    pub fn close(mut self) {
        if self.send(&framing::close()).is_ok() {
            // The server answers `<close/>`; wait for it briefly, then close the socket.
            self.timeout = self.timeout.min(Duration::from_secs(1));
            let _ = self.recv_until("<close/>", |_| false);
        }
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
        let _ = self.socket.get_mut().tcp.shutdown(std::net::Shutdown::Both);
    }
}
