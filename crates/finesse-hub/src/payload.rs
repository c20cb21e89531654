//! The JSON payloads of the Finesse hub topics (developer guide chapter 8; `finesse.js`
//! 10.5.1 `MasterPublisher` and `ClientServices`, as observed): requests on
//! `finesse.info.requests`, the connection status, the master's responses, notifications and
//! the timer tick. Each type reads (`parse`/`from_json`) and writes (`to_json`) its payload, so
//! the master and gadgets share one definition.

use std::fmt;

use finesse_xmpp::client::ConnectionStatus;
use serde_json::{Map, Number, Value};

use crate::topic::{self, RESPONSES_PREFIX, TopicError};
use crate::xml2json;

/// `type` of a request for the connection status (answered on `finesse.info.connection`).
pub const CONNECTION_INFO_REQ: &str = "ConnectionInfoReq";
/// `type` of a request to connect.
pub const CONNECTION_REQ: &str = "ConnectionReq";
/// `type` of a request to subscribe to a node.
pub const SUBSCRIBE_NODE_REQ: &str = "SubscribeNodeReq";
/// `type` of a request to unsubscribe from a node.
pub const UNSUBSCRIBE_NODE_REQ: &str = "UnsubscribeNodeReq";

/// The longest node name accepted, in bytes (the XMPP client's limit).
pub const MAX_NODE_BYTES: usize = 1024;

/// The tick period of `finesse.containerservices.timerTickEvent`, in milliseconds.
pub const TICK_FREQUENCY_MS: u64 = 1000;

/// `Number.prototype.toString()` (ECMAScript `Number::toString`, radix 10): how a number
/// invokeID reads when `finesse.js` concatenates it into a topic.
pub(crate) fn js_number_string(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x.abs());
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let zeros = |count: i64| "0".repeat(usize::try_from(count).unwrap_or(0));
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let e = n - 1;
        let e_sign = if e >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// The shortest round-trip decimal digits of a finite positive `x` (no leading or trailing
/// zeros) and the exponent `n` with `x = 0.digits × 10^n`. Read from serde_json's shortest
/// formatting (already in every module that carries hub payloads) rather than from `{:e}`, so
/// a gadget's wasm holds no second float formatter (core's Grisu and Dragon cost ~13 KB).
fn shortest_digits(x: f64) -> (String, i64) {
    let text = Number::from_f64(x).map(|n| n.to_string()).unwrap_or_default();
    let (mantissa, exponent) = text
        .split_once(['e', 'E'])
        .map_or((text.as_str(), 0), |(m, e)| (m, e.parse::<i64>().unwrap_or(0)));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{int}{frac}");
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0').to_owned();
    let point = i64::try_from(int.len()).unwrap_or(0) - i64::try_from(leading).unwrap_or(0);
    (digits, point + exponent)
}

/// A request's `invokeID`: `finesse.js` sends `Date.now()` (a number) for
/// `ConnectionInfoReq` and a lower-case UUID (a string) for node requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InvokeId {
    /// A JSON number.
    Number(Number),
    /// A JSON string.
    String(String),
}

impl InvokeId {
    /// Reads a number or a string; `None` for anything else.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => Some(Self::Number(n.clone())),
            Value::String(s) => Some(Self::String(s.clone())),
            _ => None,
        }
    }

    /// The value to echo back, with its JSON type.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Number(n) => Value::Number(n.clone()),
            Self::String(s) => Value::String(s.clone()),
        }
    }

    /// The id as it reads inside a topic (a number as JavaScript writes it).
    pub fn token(&self) -> String {
        match self {
            Self::Number(n) => js_number_string(n.as_f64().unwrap_or(f64::NAN)),
            Self::String(s) => s.clone(),
        }
    }

    /// `finesse.info.responses.<invokeID>`, when that is a topic one can publish on.
    pub fn response_topic(&self) -> Result<String, TopicError> {
        let topic = format!("{RESPONSES_PREFIX}{}", self.token());
        topic::check_publish(&topic)?;
        Ok(topic)
    }
}

impl fmt::Display for InvokeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token())
    }
}

/// A request on `finesse.info.requests`, `{type, data, invokeID}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// `ConnectionInfoReq`: publish the connection status (with this invokeID, if any) on
    /// `finesse.info.connection`.
    ConnectionInfo {
        /// Echoed in the answer.
        invoke_id: Option<InvokeId>,
    },
    /// `ConnectionReq`: connect if not connected. Its `data` (`id`, `password`,
    /// `xmppDomain` in the guide) is not read: the master connects with its own credentials,
    /// and a password has no business on the hub.
    Connect {
        /// Not used for an answer (there is none).
        invoke_id: Option<InvokeId>,
    },
    /// `SubscribeNodeReq` `{node}`.
    SubscribeNode {
        /// The node (`/finesse/api/Team/7/Users`).
        node: String,
        /// Names the response topic.
        invoke_id: InvokeId,
    },
    /// `UnsubscribeNodeReq` `{node, subid}`. `finesse.js` sends the invokeID of the original
    /// subscribe as `subid`; the master does not use it (it counts, §7.4).
    UnsubscribeNode {
        /// The node.
        node: String,
        /// Names the response topic (a new id, not the subscribe's).
        invoke_id: InvokeId,
        /// The `subid` given, if a string.
        subid: Option<String>,
    },
}

/// What is wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The payload is not a JSON object.
    NotAnObject,
    /// `invokeID` is neither a number nor a string.
    BadInvokeId,
    /// `type` is missing or not a string.
    TypeNotString,
    /// `data` is missing or not an object.
    DataNotObject,
    /// `type` names no request the master knows.
    UnknownType(String),
    /// A node request without `data.node`.
    MissingNode,
    /// `data.node` is not a string.
    NodeNotString,
    /// `data.node` is empty, too long, has control characters or makes no valid topic.
    InvalidNode,
    /// A node request without an `invokeID`: it could not be answered.
    MissingInvokeId,
    /// The `invokeID` makes no valid response topic.
    UnusableInvokeId(TopicError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnObject => f.write_str("the request is not an object"),
            Self::BadInvokeId => f.write_str("invokeID is neither a number nor a string"),
            Self::TypeNotString => f.write_str("type is missing or not a string"),
            Self::DataNotObject => f.write_str("data is missing or not an object"),
            Self::UnknownType(t) => write!(f, "unknown request type {t:?}"),
            Self::MissingNode => f.write_str("data.node is missing"),
            Self::NodeNotString => f.write_str("data.node is not a string"),
            Self::InvalidNode => f.write_str(
                "data.node is empty, too long, has control characters or makes no valid topic",
            ),
            Self::MissingInvokeId => f.write_str("invokeID is missing"),
            Self::UnusableInvokeId(e) => write!(f, "invokeID makes no valid topic: {e}"),
        }
    }
}

/// A request that cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest {
    /// The request's invokeID when it names a valid response topic (the error can be answered
    /// there); `None` when the request can only be ignored.
    pub invoke_id: Option<InvokeId>,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for BadRequest {}

/// Whether a node can be subscribed to and its items republished: not empty, at most
/// [`MAX_NODE_BYTES`], no control characters, and its topic ([`topic::node_to_topic`]) valid.
pub fn check_node(node: &str) -> bool {
    !node.is_empty()
        && node.len() <= MAX_NODE_BYTES
        && !node.chars().any(char::is_control)
        && topic::check_publish(&topic::node_to_topic(node)).is_ok()
}

impl Request {
    /// Reads a request. `finesse.js` ignores a request unless `type` is a string and `data`
    /// an object; here such a request is an error that carries the invokeID when it can be
    /// answered.
    pub fn parse(value: &Value) -> Result<Self, BadRequest> {
        let Some(request) = value.as_object() else {
            return Err(BadRequest { invoke_id: None, problem: Problem::NotAnObject });
        };
        let invoke_id = match request.get("invokeID") {
            None | Some(Value::Null) => None,
            Some(v) => match InvokeId::from_json(v) {
                Some(id) => Some(id),
                None => return Err(BadRequest { invoke_id: None, problem: Problem::BadInvokeId }),
            },
        };
        let answerable = invoke_id.clone().filter(|id| id.response_topic().is_ok());
        let bad = |problem| Err(BadRequest { invoke_id: answerable.clone(), problem });
        let Some(kind) = request.get("type").and_then(Value::as_str) else {
            return bad(Problem::TypeNotString);
        };
        let Some(data) = request.get("data").and_then(Value::as_object) else {
            return bad(Problem::DataNotObject);
        };
        match kind {
            CONNECTION_INFO_REQ => Ok(Self::ConnectionInfo { invoke_id }),
            CONNECTION_REQ => Ok(Self::Connect { invoke_id }),
            SUBSCRIBE_NODE_REQ | UNSUBSCRIBE_NODE_REQ => {
                let node = match data.get("node") {
                    None | Some(Value::Null) => return bad(Problem::MissingNode),
                    Some(Value::String(node)) => node.clone(),
                    Some(_) => return bad(Problem::NodeNotString),
                };
                if !check_node(&node) {
                    return bad(Problem::InvalidNode);
                }
                let Some(invoke_id) = invoke_id else { return bad(Problem::MissingInvokeId) };
                if let Err(e) = invoke_id.response_topic() {
                    return bad(Problem::UnusableInvokeId(e));
                }
                Ok(if kind == SUBSCRIBE_NODE_REQ {
                    Self::SubscribeNode { node, invoke_id }
                } else {
                    let subid = data.get("subid").and_then(Value::as_str).map(str::to_owned);
                    Self::UnsubscribeNode { node, invoke_id, subid }
                })
            }
            other => bad(Problem::UnknownType(other.to_owned())),
        }
    }

    /// The request as a gadget publishes it (`ConnectionReq` with empty `data`).
    pub fn to_json(&self) -> Value {
        let (kind, data, invoke_id) = match self {
            Self::ConnectionInfo { invoke_id } => {
                (CONNECTION_INFO_REQ, Map::new(), invoke_id.as_ref())
            }
            Self::Connect { invoke_id } => (CONNECTION_REQ, Map::new(), invoke_id.as_ref()),
            Self::SubscribeNode { node, invoke_id } => {
                let mut data = Map::new();
                data.insert("node".into(), node.clone().into());
                (SUBSCRIBE_NODE_REQ, data, Some(invoke_id))
            }
            Self::UnsubscribeNode { node, invoke_id, subid } => {
                let mut data = Map::new();
                data.insert("node".into(), node.clone().into());
                if let Some(subid) = subid {
                    data.insert("subid".into(), subid.clone().into());
                }
                (UNSUBSCRIBE_NODE_REQ, data, Some(invoke_id))
            }
        };
        let mut out = Map::new();
        out.insert("type".into(), kind.into());
        out.insert("data".into(), Value::Object(data));
        if let Some(id) = invoke_id {
            out.insert("invokeID".into(), id.to_json());
        }
        Value::Object(out)
    }
}

/// A `finesse.info.connection` status (§7.2): the six values of the notification connection
/// ([`ConnectionStatus`]), the two the guide adds and the two of the failover monitor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `connecting`.
    Connecting,
    /// `connected`.
    Connected,
    /// `disconnecting`.
    Disconnecting,
    /// `disconnected`.
    Disconnected,
    /// `reconnecting`.
    Reconnecting,
    /// `unloading`.
    Unloading,
    /// `conflict`: another client took the resource.
    Conflict,
    /// `unauthorized`: wrong credentials.
    Unauthorized,
    /// `failing`: the desktop fails over to the other side.
    Failing,
    /// `recovered`: the desktop recovered; gadgets refresh by REST.
    Recovered,
    /// Anything else, as written.
    Other(String),
}

impl Status {
    /// The status string.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnecting => "disconnecting",
            Self::Disconnected => "disconnected",
            Self::Reconnecting => "reconnecting",
            Self::Unloading => "unloading",
            Self::Conflict => "conflict",
            Self::Unauthorized => "unauthorized",
            Self::Failing => "failing",
            Self::Recovered => "recovered",
            Self::Other(s) => s,
        }
    }

    /// Reads a status string.
    pub fn parse(s: &str) -> Self {
        match s {
            "connecting" => Self::Connecting,
            "connected" => Self::Connected,
            "disconnecting" => Self::Disconnecting,
            "disconnected" => Self::Disconnected,
            "reconnecting" => Self::Reconnecting,
            "unloading" => Self::Unloading,
            "conflict" => Self::Conflict,
            "unauthorized" => Self::Unauthorized,
            "failing" => Self::Failing,
            "recovered" => Self::Recovered,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Whether notifications flow: `connected`, or `recovered` after a failover.
    pub fn is_up(&self) -> bool {
        matches!(self, Self::Connected | Self::Recovered)
    }
}

/// What a gadget knows of the master's notification connection: the last status it was told,
/// and whether the connection was lost since (notifications may have been missed then, so the
/// gadget reloads by REST when it comes back). Every gadget that follows notifications keeps one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionWatch {
    status: Option<Status>,
    lost: bool,
}

impl ConnectionWatch {
    /// Records a status from `finesse.info.connection`; `true` when the connection is back
    /// after a loss, the moment to reload what the gadget shows.
    pub fn observe(&mut self, status: Status) -> bool {
        let back = status.is_up() && self.lost;
        if back {
            self.lost = false;
        } else if !status.is_up() && self.status.is_some() {
            self.lost = true;
        }
        self.status = Some(status);
        back
    }

    /// The last status, if the master has said one.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// The last status when notifications do not flow (for a banner); `None` while they do or
    /// before the master has said.
    pub fn down(&self) -> Option<&Status> {
        self.status.as_ref().filter(|s| !s.is_up())
    }
}

impl From<ConnectionStatus> for Status {
    fn from(status: ConnectionStatus) -> Self {
        Self::parse(status.as_str())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The payload of `finesse.info.connection`: `{status, resourceID}`, plus `invokeID` when it
/// answers a `ConnectionInfoReq`. Absent values are left out, as a JSON copy of the master's
/// `undefined` fields would be.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionInfo {
    /// The status, once known.
    pub status: Option<Status>,
    /// The bound resource, once known.
    pub resource_id: Option<String>,
    /// The invokeID of the `ConnectionInfoReq` answered.
    pub invoke_id: Option<InvokeId>,
}

impl ConnectionInfo {
    /// The payload.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(status) = &self.status {
            out.insert("status".into(), status.as_str().into());
        }
        if let Some(resource) = &self.resource_id {
            out.insert("resourceID".into(), resource.clone().into());
        }
        if let Some(id) = &self.invoke_id {
            out.insert("invokeID".into(), id.to_json());
        }
        Value::Object(out)
    }

    /// Reads a payload (leniently: fields of the wrong type read as absent); `None` when it is
    /// not an object.
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        Some(Self {
            status: object.get("status").and_then(Value::as_str).map(Status::parse),
            resource_id: object.get("resourceID").and_then(Value::as_str).map(str::to_owned),
            invoke_id: object.get("invokeID").and_then(InvokeId::from_json),
        })
    }
}

/// The operation a "not connected" answer refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `SubscribeNodeReq`.
    Subscribe,
    /// `UnsubscribeNodeReq`.
    Unsubscribe,
}

/// `errorType` of an error response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `Not connected`: the request came while the connection was down.
    NotConnected,
    /// `Disconnected`: the connection dropped while the request was outstanding.
    Disconnected,
    /// `Invalid request`: the request is malformed (this master's addition; `finesse.js`
    /// ignores such requests).
    InvalidRequest,
    /// Anything else, as written.
    Other(String),
}

impl ErrorType {
    /// The `errorType` string.
    pub fn as_str(&self) -> &str {
        match self {
            Self::NotConnected => "Not connected",
            Self::Disconnected => "Disconnected",
            Self::InvalidRequest => "Invalid request",
            Self::Other(s) => s,
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "Not connected" => Self::NotConnected,
            "Disconnected" => Self::Disconnected,
            "Invalid request" => Self::InvalidRequest,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// `errorType` added to an XMPP error whose XML does not convert.
const PARSE_ERROR: &str = "parseError";

/// The master's answer on `finesse.info.responses.<invokeID>` (§7.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Done: JSON `null` (`undefined` in `finesse.js`; gadgets test `if (err)`).
    Success,
    /// `{error: {errorType, errorMessage}}`.
    Error {
        /// `errorType`.
        error_type: ErrorType,
        /// `errorMessage`.
        message: String,
    },
    /// The XMPP server refused the subscribe or unsubscribe: `{subscribe: {content, object}}`
    /// (the key is `subscribe` for both), plus `error: {errorType: "parseError",
    /// errorMessage}` when the error XML does not convert.
    Xmpp {
        /// The error stanza as XML.
        content: String,
        /// The converted XML, when it converts.
        object: Option<Value>,
        /// Why it did not convert.
        parse_error: Option<String>,
    },
}

impl Response {
    /// The answer to a node request made while not connected.
    pub fn not_connected(operation: Operation) -> Self {
        let verb = match operation {
            Operation::Subscribe => "subscribe",
            Operation::Unsubscribe => "unsubscribe",
        };
        Self::Error {
            error_type: ErrorType::NotConnected,
            message: format!("Cannot {verb} without connection."),
        }
    }

    /// The answer to a request outstanding when the connection dropped.
    pub fn disconnected() -> Self {
        Self::Error {
            error_type: ErrorType::Disconnected,
            message: "Outstanding request will never complete.".into(),
        }
    }

    /// The answer to a malformed request.
    pub fn invalid_request(problem: &Problem) -> Self {
        Self::Error { error_type: ErrorType::InvalidRequest, message: problem.to_string() }
    }

    /// The answer carrying an XMPP error stanza, converted as notifications are.
    pub fn xmpp_error(xml: String) -> Self {
        match xml2json::xml_to_json(&xml) {
            Ok(object) => Self::Xmpp { content: xml, object: Some(object), parse_error: None },
            Err(e) => Self::Xmpp { content: xml, object: None, parse_error: Some(e.to_string()) },
        }
    }

    /// Whether this is the success answer.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }

    /// The payload.
    pub fn to_json(&self) -> Value {
        let error = |error_type: &str, message: &str| {
            let mut e = Map::new();
            e.insert("errorType".into(), error_type.into());
            e.insert("errorMessage".into(), message.into());
            Value::Object(e)
        };
        let mut out = Map::new();
        match self {
            Self::Success => return Value::Null,
            Self::Error { error_type, message } => {
                out.insert("error".into(), error(error_type.as_str(), message));
            }
            Self::Xmpp { content, object, parse_error } => {
                let mut subscribe = Map::new();
                subscribe.insert("content".into(), content.clone().into());
                if let Some(object) = object {
                    subscribe.insert("object".into(), object.clone());
                }
                out.insert("subscribe".into(), Value::Object(subscribe));
                if let Some(message) = parse_error {
                    out.insert("error".into(), error(PARSE_ERROR, message));
                }
            }
        }
        Value::Object(out)
    }

    /// Reads a payload; `None` when it is none of the shapes above.
    pub fn from_json(value: &Value) -> Option<Self> {
        if value.is_null() {
            return Some(Self::Success);
        }
        let object = value.as_object()?;
        let error = object.get("error").and_then(Value::as_object);
        let field = |e: &Map<String, Value>, k: &str| {
            e.get(k).and_then(Value::as_str).unwrap_or_default().to_owned()
        };
        if let Some(subscribe) = object.get("subscribe").and_then(Value::as_object) {
            return Some(Self::Xmpp {
                content: field(subscribe, "content"),
                object: subscribe.get("object").cloned(),
                parse_error: error
                    .filter(|e| e.get("errorType").and_then(Value::as_str) == Some(PARSE_ERROR))
                    .map(|e| field(e, "errorMessage")),
            });
        }
        let error = error?;
        Some(Self::Error {
            error_type: ErrorType::parse(&field(error, "errorType")),
            message: field(error, "errorMessage"),
        })
    }
}

/// A notification as the master republishes it on `finesse.api.<node>` (§7.5): `content` is
/// the node path followed by the payload XML (`/finesse/api/User/1001<Update>…</Update>`, as
/// `finesse.js` does; the guide calls it the raw XML), `object` the converted XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Node path and XML.
    pub content: String,
    /// [`xml2json::xml_to_json`] of the XML.
    pub object: Value,
}

impl Notification {
    /// The notification of an item published on `node` with payload `xml`; an error when the
    /// XML does not convert (`finesse.js` then publishes nothing).
    pub fn from_item(node: &str, xml: &str) -> Result<Self, xml2json::Error> {
        let object = xml2json::xml_to_json(xml)?;
        Ok(Self { content: format!("{node}{xml}"), object })
    }

    /// The payload `{content, object}`.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("content".into(), self.content.clone().into());
        out.insert("object".into(), self.object.clone());
        Value::Object(out)
    }

    /// `content` split back into the node path and the XML (what [`Self::from_item`] joined);
    /// the node is `None` when `content` starts with the XML (a publisher that left it out).
    pub fn parts(&self) -> (Option<&str>, &str) {
        match self.content.find('<') {
            Some(0) | None => (None, &self.content),
            Some(i) => (Some(self.content[..i].trim()), &self.content[i..]),
        }
    }

    /// Reads a payload; `None` unless `content` is a string and `object` present.
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        Some(Self {
            content: object.get("content")?.as_str()?.to_owned(),
            object: object.get("object")?.clone(),
        })
    }
}

/// The payload of `finesse.containerservices.timerTickEvent`: `{dateQueued, tickFrequency}`
/// (the guide's `TimerTickEvent` `getDateQueued()` and `getTickFrequency()`, as plain JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerTick {
    /// When the tick was queued, in milliseconds since the Unix epoch.
    pub date_queued: i64,
    /// The period, in milliseconds ([`TICK_FREQUENCY_MS`]).
    pub tick_frequency: u64,
}

impl TimerTick {
    /// The payload.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("dateQueued".into(), self.date_queued.into());
        out.insert("tickFrequency".into(), self.tick_frequency.into());
        Value::Object(out)
    }

    /// Reads a payload; `None` unless both fields are integers.
    pub fn from_json(value: &Value) -> Option<Self> {
        Some(Self {
            date_queued: value.get("dateQueued")?.as_i64()?,
            tick_frequency: value.get("tickFrequency")?.as_u64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_content_splits_back_into_node_and_xml() {
        let n = Notification::from_item("/finesse/api/User/1001/Dialogs", "<Update/>")
            .expect("converts");
        assert_eq!(n.parts(), (Some("/finesse/api/User/1001/Dialogs"), "<Update/>"));
        let bare = Notification { content: "<Update/>".into(), object: Value::Null };
        assert_eq!(bare.parts(), (None, "<Update/>"));
    }
    use serde_json::json;

    #[test]
    fn a_connection_back_after_a_loss_asks_for_a_reload_once() {
        let mut watch = ConnectionWatch::default();
        assert_eq!(watch.down(), None);
        // The first status a gadget hears is no loss, whatever it is.
        assert!(!watch.observe(Status::Connecting));
        assert_eq!(watch.down(), Some(&Status::Connecting));
        assert!(!watch.observe(Status::Connected), "connecting then connected is no loss");
        assert_eq!(watch.down(), None);
        assert!(!watch.observe(Status::Reconnecting));
        assert!(!watch.observe(Status::Disconnected));
        assert_eq!(watch.status(), Some(&Status::Disconnected));
        assert!(watch.observe(Status::Recovered), "back after a loss");
        assert!(!watch.observe(Status::Connected), "only once");
        assert!(!watch.observe(Status::Failing));
        assert!(watch.observe(Status::Connected));
    }

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (1_700_000_000_000.0, "1700000000000"),
            (1.5, "1.5"),
            (-42.25, "-42.25"),
            (0.1, "0.1"),
            (0.000_001, "0.000001"),
            (0.000_000_1, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (1e21, "1e+21"),
            (1.234e22, "1.234e+22"),
            (123_456_789_012_345_680_000.0, "123456789012345680000"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (100.0, "100"),
            (0.3 - 0.1, "0.19999999999999998"),
            (123.456e-5, "0.00123456"),
            (9_007_199_254_740_993.0, "9007199254740992"),
        ];
        for (x, s) in cases {
            assert_eq!(js_number_string(x), s, "{x}");
        }
    }

    #[test]
    fn invoke_ids_name_response_topics() {
        let id = |v: Value| InvokeId::from_json(&v).unwrap();
        assert_eq!(
            id(json!(1_700_000_000_000_u64)).response_topic(),
            Ok("finesse.info.responses.1700000000000".into())
        );
        assert_eq!(
            id(json!("0f8fad5b-d9cb-469f-a165-70867728950e")).response_topic(),
            Ok("finesse.info.responses.0f8fad5b-d9cb-469f-a165-70867728950e".into())
        );
        // A fraction is two tokens, still a valid topic.
        assert_eq!(id(json!(2.5)).response_topic(), Ok("finesse.info.responses.2.5".into()));
        assert_eq!(id(json!("")).response_topic(), Err(TopicError::EmptyToken));
        assert_eq!(id(json!("a*")).response_topic(), Err(TopicError::Wildcard));
        assert_eq!(id(json!("a.")).response_topic(), Err(TopicError::EmptyToken));
        assert_eq!(InvokeId::from_json(&json!(true)), None);
        assert_eq!(InvokeId::from_json(&json!({})), None);
        // Echoed with its JSON type.
        assert_eq!(id(json!(7)).to_json(), json!(7));
        assert_eq!(id(json!("7")).to_json(), json!("7"));
    }

    #[test]
    fn reads_the_four_requests() {
        assert_eq!(
            Request::parse(
                &json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": 1_700_000_000_000_u64})
            ),
            Ok(Request::ConnectionInfo {
                invoke_id: Some(InvokeId::Number(1_700_000_000_000_u64.into()))
            })
        );
        assert_eq!(
            Request::parse(&json!({"type": "ConnectionInfoReq", "data": {}})),
            Ok(Request::ConnectionInfo { invoke_id: None })
        );
        assert_eq!(
            Request::parse(
                &json!({"type": "ConnectionReq", "data": {"id": "1001", "password": "x", "xmppDomain": "d"}})
            ),
            Ok(Request::Connect { invoke_id: None })
        );
        assert_eq!(
            Request::parse(
                &json!({"type": "SubscribeNodeReq", "data": {"node": "/finesse/api/Team/7/Users"}, "invokeID": "u-1"})
            ),
            Ok(Request::SubscribeNode {
                node: "/finesse/api/Team/7/Users".into(),
                invoke_id: InvokeId::String("u-1".into())
            })
        );
        assert_eq!(
            Request::parse(
                &json!({"type": "UnsubscribeNodeReq", "data": {"node": "/n", "subid": "u-1"}, "invokeID": "u-2"})
            ),
            Ok(Request::UnsubscribeNode {
                node: "/n".into(),
                invoke_id: InvokeId::String("u-2".into()),
                subid: Some("u-1".into())
            })
        );
        // Extra fields are ignored; a null invokeID is no invokeID.
        assert_eq!(
            Request::parse(
                &json!({"type": "ConnectionInfoReq", "data": {"x": 1}, "invokeID": null, "extra": true})
            ),
            Ok(Request::ConnectionInfo { invoke_id: None })
        );
    }

    #[test]
    fn requests_write_what_they_read() {
        for request in [
            Request::ConnectionInfo { invoke_id: Some(InvokeId::Number(5.into())) },
            Request::ConnectionInfo { invoke_id: None },
            Request::Connect { invoke_id: None },
            Request::SubscribeNode { node: "/a/b".into(), invoke_id: InvokeId::String("x".into()) },
            Request::UnsubscribeNode {
                node: "/a/b".into(),
                invoke_id: InvokeId::String("y".into()),
                subid: Some("x".into()),
            },
            Request::UnsubscribeNode {
                node: "/a/b".into(),
                invoke_id: InvokeId::Number(9.into()),
                subid: None,
            },
        ] {
            assert_eq!(Request::parse(&request.to_json()), Ok(request));
        }
        assert_eq!(
            Request::SubscribeNode { node: "/n".into(), invoke_id: InvokeId::String("i".into()) }
                .to_json()
                .to_string(),
            r#"{"type":"SubscribeNodeReq","data":{"node":"/n"},"invokeID":"i"}"#
        );
    }

    #[test]
    fn bad_requests_say_what_is_wrong_and_whether_they_can_be_answered() {
        let answerable = Some(InvokeId::String("r".into()));
        let cases = [
            (json!(null), None, Problem::NotAnObject),
            (json!([1]), None, Problem::NotAnObject),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/n"}, "invokeID": [1]}),
                None,
                Problem::BadInvokeId,
            ),
            (json!({"data": {}, "invokeID": "r"}), answerable.clone(), Problem::TypeNotString),
            (
                json!({"type": 5, "data": {}, "invokeID": "r"}),
                answerable.clone(),
                Problem::TypeNotString,
            ),
            (
                json!({"type": "ConnectionInfoReq", "invokeID": "r"}),
                answerable.clone(),
                Problem::DataNotObject,
            ),
            (
                json!({"type": "ConnectionInfoReq", "data": "x", "invokeID": "r"}),
                answerable.clone(),
                Problem::DataNotObject,
            ),
            (
                json!({"type": "ConnectionInfoReq", "data": null, "invokeID": "r"}),
                answerable.clone(),
                Problem::DataNotObject,
            ),
            (
                json!({"type": "Bogus", "data": {}, "invokeID": "r"}),
                answerable.clone(),
                Problem::UnknownType("Bogus".into()),
            ),
            (
                json!({"type": "subscribenodereq", "data": {}, "invokeID": "r"}),
                answerable.clone(),
                Problem::UnknownType("subscribenodereq".into()),
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {}, "invokeID": "r"}),
                answerable.clone(),
                Problem::MissingNode,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": 5}, "invokeID": "r"}),
                answerable.clone(),
                Problem::NodeNotString,
            ),
            (
                json!({"type": "UnsubscribeNodeReq", "data": {"node": ""}, "invokeID": "r"}),
                answerable.clone(),
                Problem::InvalidNode,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/a/*"}, "invokeID": "r"}),
                answerable.clone(),
                Problem::InvalidNode,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/a//b"}, "invokeID": "r"}),
                answerable.clone(),
                Problem::InvalidNode,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/a\nb"}, "invokeID": "r"}),
                answerable.clone(),
                Problem::InvalidNode,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/n"}}),
                None,
                Problem::MissingInvokeId,
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/n"}, "invokeID": "a*b"}),
                None,
                Problem::UnusableInvokeId(TopicError::Wildcard),
            ),
            (
                json!({"type": "SubscribeNodeReq", "data": {"node": "/n"}, "invokeID": ""}),
                None,
                Problem::UnusableInvokeId(TopicError::EmptyToken),
            ),
        ];
        for (value, invoke_id, problem) in cases {
            assert_eq!(Request::parse(&value), Err(BadRequest { invoke_id, problem }), "{value}");
        }
        let long = format!("/{}", "x".repeat(MAX_NODE_BYTES));
        assert_eq!(
            Request::parse(
                &json!({"type": "SubscribeNodeReq", "data": {"node": long}, "invokeID": "r"})
            )
            .map_err(|e| e.problem),
            Err(Problem::InvalidNode)
        );
    }

    #[test]
    fn connection_info_leaves_out_what_is_unknown() {
        let info = ConnectionInfo {
            status: Some(ConnectionStatus::Connected.into()),
            resource_id: Some("finesse-gadget-a1b2".into()),
            invoke_id: None,
        };
        assert_eq!(
            info.to_json().to_string(),
            r#"{"status":"connected","resourceID":"finesse-gadget-a1b2"}"#
        );
        assert_eq!(ConnectionInfo::from_json(&info.to_json()), Some(info));
        let answer = ConnectionInfo {
            status: Some(Status::Connecting),
            resource_id: None,
            invoke_id: Some(InvokeId::Number(12.into())),
        };
        assert_eq!(answer.to_json(), json!({"status": "connecting", "invokeID": 12}));
        // Before any status: just the invokeID.
        let early =
            ConnectionInfo { invoke_id: Some(InvokeId::Number(1.into())), ..Default::default() };
        assert_eq!(early.to_json(), json!({"invokeID": 1}));
        assert_eq!(
            ConnectionInfo::from_json(&json!({"status": "failing"})).and_then(|i| i.status),
            Some(Status::Failing)
        );
        for s in [
            ConnectionStatus::Connecting,
            ConnectionStatus::Connected,
            ConnectionStatus::Disconnected,
            ConnectionStatus::Disconnecting,
            ConnectionStatus::Reconnecting,
            ConnectionStatus::Unloading,
        ] {
            assert_eq!(Status::from(s).as_str(), s.as_str());
            assert!(!matches!(Status::from(s), Status::Other(_)));
        }
    }

    #[test]
    fn responses_have_the_master_shapes() {
        assert_eq!(Response::Success.to_json(), Value::Null);
        assert_eq!(
            Response::not_connected(Operation::Subscribe).to_json(),
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot subscribe without connection."}})
        );
        assert_eq!(
            Response::not_connected(Operation::Unsubscribe).to_json(),
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot unsubscribe without connection."}})
        );
        assert_eq!(
            Response::disconnected().to_json(),
            json!({"error": {"errorType": "Disconnected", "errorMessage": "Outstanding request will never complete."}})
        );
        let xml = "<error type=\"cancel\"><item-not-found xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error>";
        assert_eq!(
            Response::xmpp_error(xml.into()).to_json(),
            json!({"subscribe": {"content": xml, "object": {"error": {"@type": "cancel", "item-not-found": {"@xmlns": "urn:ietf:params:xml:ns:xmpp-stanzas"}}}}})
        );
        let broken = Response::xmpp_error("<error".into());
        let json = broken.to_json();
        assert_eq!(json["subscribe"], json!({"content": "<error"}));
        assert_eq!(json["error"]["errorType"], json!("parseError"));
        for r in [
            Response::Success,
            Response::not_connected(Operation::Subscribe),
            Response::disconnected(),
            Response::invalid_request(&Problem::MissingNode),
            Response::xmpp_error(xml.into()),
            broken,
        ] {
            assert_eq!(Response::from_json(&r.to_json()), Some(r));
        }
        assert_eq!(Response::from_json(&json!({"x": 1})), None);
        assert_eq!(Response::from_json(&json!("no")), None);
    }

    #[test]
    fn notifications_carry_node_and_xml_and_the_conversion() {
        let n = Notification::from_item(
            "/finesse/api/User/1001",
            "<Update><event>PUT</event></Update>",
        )
        .unwrap();
        assert_eq!(
            n.to_json(),
            json!({"content": "/finesse/api/User/1001<Update><event>PUT</event></Update>", "object": {"Update": {"event": "PUT"}}})
        );
        assert_eq!(Notification::from_json(&n.to_json()), Some(n));
        assert!(Notification::from_item("/n", "<a k='\"'/>").is_err());
        assert!(Notification::from_item("/n", "").is_err());
    }

    #[test]
    fn the_timer_tick_is_date_queued_and_frequency() {
        let tick = TimerTick { date_queued: 1_700_000_000_123, tick_frequency: TICK_FREQUENCY_MS };
        assert_eq!(
            tick.to_json().to_string(),
            r#"{"dateQueued":1700000000123,"tickFrequency":1000}"#
        );
        assert_eq!(TimerTick::from_json(&tick.to_json()), Some(tick));
        assert_eq!(TimerTick::from_json(&json!({"dateQueued": "x", "tickFrequency": 1000})), None);
    }
}
