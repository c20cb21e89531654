//! Traffic, subjects and the report shared by the native items benchmark (`benches/items.rs`,
//! criterion) and the browser one (`benches/items_wasm.rs`): both build the same bytes the same
//! way, so the two tables compare.
//!
//! The traffic is what a gadget receives once connected: pubsub event `<message>`s, each
//! carrying one Finesse `<Update>` escaped into `<notification/>`, as WebSocket frames (one
//! message each) and as BOSH response bodies (1 and 10 messages). The two updates are the
//! guide's User state change (chapter 2) and its two-participant Dialog notification (chapter
//! 6) with the ten call variables the simulator's calls carry, encoded with
//! `finesse_model::encode` as the simulator encodes what it publishes. The frames are the ones
//! the service core (`finesse_xmpp::server::Service::publish`) sends; the BOSH bodies wrap them
//! the way the service's response bodies do.

use std::collections::VecDeque;
use std::fmt::Write as _;

use finesse_model::{CallVariable, CallVariables, Update, UpdateData, decode, encode};
use finesse_xmpp::Millis;
use finesse_xmpp::bosh::Body;
use finesse_xmpp::client::{
    Client, ClientConfig, ConnectionStatus, Endpoint, Event, Transmit, TransportKind,
};
use finesse_xmpp::element::Element;
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp::server::{BoshReply, ServerTransmit, Service, ServiceConfig};
use quick_xml::Reader;
use quick_xml::events::Event as XmlEvent;

/// The XMPP domain of the in-memory service.
const DOMAIN: &str = "finesse.example";
/// The agent (the JID's local part), subscribed automatically to its User and Dialogs nodes.
const AGENT: &str = "1001001";
/// The agent's password.
const PASSWORD: &str = "bench-secret";
/// The resource the benchmark client binds.
const RESOURCE: &str = "finesse-gadget-bench";
/// The agent's User node.
const USER_NODE: &str = "/finesse/api/User/1001001";
/// The agent's Dialogs node.
const DIALOGS_NODE: &str = "/finesse/api/User/1001001/Dialogs";
/// The WebSocket URL the client is configured with (nothing listens: the service is in memory).
const WS_URL: &str = "wss://fin-a.example:7443/ws";
/// The BOSH URL the client is configured with.
const BOSH_URL: &str = "https://fin-a.example:7443/http-bind";
/// The one WebSocket connection id used with the service.
const CONN: u64 = 1;
/// The driver's clock while connected: it never moves, so no timer (ping, request deadline)
/// fires during a measurement.
const NOW: Millis = 1_000;
/// Most steps of the in-memory exchange before giving up (connecting takes about twenty).
const MAX_STEPS: usize = 1_000;
/// Messages in the larger BOSH bodies.
pub(crate) const BATCH: usize = 10;

/// The guide's User state change notification (chapter 2, "Change Agent State").
const USER_FIXTURE: &str = include_str!(
    "../../../finesse-model/tests/fixtures/guide-11.6/ch2/user/008-change-state-notification.xml"
);
/// The guide's Dialog notification with two participants (chapter 6, "Dialog Notification").
const DIALOG_FIXTURE: &str = include_str!(
    "../../../finesse-model/tests/fixtures/guide-11.6/ch6/dialog/004-dialog-notification-sample.fixed.xml"
);
/// Call variables as the simulator's demo scenario fills them (callVariable1–10, the unset
/// ones present and empty).
const CALL_VARIABLES: [&str; 10] =
    ["Chuck Smith", "100234", "Gold", "New order", "", "", "", "", "", ""];

/// The three things measured on each input, in report order: the client core (ours), then the
/// two baselines.
pub(crate) const LINES: [&str; 3] = ["client core", "quick-xml events", "decode::<Update>"];
/// Index in [`LINES`] of the raw-event baseline.
const QUICK_XML: usize = 1;
/// Index in [`LINES`] of the payload-decoding baseline.
const DECODE: usize = 2;

/// One benchmark input: what arrives on the wire, and the notifications it carries.
pub(crate) struct Input {
    /// Short name used in reports (`ws-user`, `bosh10-dialog`, …).
    pub(crate) name: &'static str,
    /// How it arrives: one WebSocket frame or one BOSH response body.
    pub(crate) transport: TransportKind,
    /// The frame or the body.
    pub(crate) wire: String,
    /// The bare `<Update>` documents it carries, in order (one item each).
    pub(crate) payloads: Vec<String>,
}

impl Input {
    /// Items one delivery of [`wire`](Self::wire) carries.
    pub(crate) fn items(&self) -> usize {
        self.payloads.len()
    }

    /// Bytes the given line reads per run: the wire for the client core and quick-xml, the
    /// bare payloads for `decode::<Update>`.
    pub(crate) fn bytes(&self, line: usize) -> usize {
        if line == DECODE { self.payloads.iter().map(String::len).sum() } else { self.wire.len() }
    }

    /// The three subjects measured on this input, in [`LINES`] order. The client core is
    /// connected afresh (in memory, against the service core).
    pub(crate) fn subjects(&self) -> [Subject<'_>; 3] {
        [
            Subject::Client(Box::new(Driver::connect(self.transport)), &self.wire),
            Subject::Events(&self.wire),
            Subject::Decode(&self.payloads),
        ]
    }
}

/// The User notification, as the simulator publishes it.
pub(crate) fn user_update_xml() -> String {
    let update: Update = decode(USER_FIXTURE).expect("the guide's User notification decodes");
    encode(&update).expect("a decoded User notification encodes")
}

/// The two-participant Dialog notification with ten call variables, as the simulator
/// publishes it.
pub(crate) fn dialog_update_xml() -> String {
    let mut update: Update =
        decode(DIALOG_FIXTURE).expect("the guide's Dialog notification decodes");
    let Some(UpdateData::Dialog(dialog)) = &mut update.data else {
        panic!("the guide's Dialog notification carries no Dialog: {update:?}")
    };
    let media = dialog.media_properties.get_or_insert_with(Default::default);
    let variables: Vec<CallVariable> = CALL_VARIABLES
        .iter()
        .enumerate()
        .map(|(i, value)| CallVariable::new(format!("callVariable{}", i + 1), *value))
        .collect();
    media.call_variables = Some(CallVariables::from(variables));
    encode(&update).expect("a Dialog notification encodes")
}

/// The six inputs, in report order: a WebSocket frame, a BOSH body with one message and one
/// with [`BATCH`] messages, each for the User and the Dialog notification.
pub(crate) fn inputs() -> Vec<Input> {
    let mut service = InMemory::connect(TransportKind::WebSocket);
    let mut out = Vec::new();
    for (names, node, payload) in [
        (["ws-user", "bosh1-user", "bosh10-user"], USER_NODE, user_update_xml()),
        (["ws-dialog", "bosh1-dialog", "bosh10-dialog"], DIALOGS_NODE, dialog_update_xml()),
    ] {
        let frames: Vec<String> = (0..BATCH).map(|_| service.publish(node, &payload)).collect();
        let body = |n: usize| {
            let payloads = frames[..n]
                .iter()
                .map(|f| Element::parse(f).expect("the service's frames parse"))
                .collect();
            // What the service's BOSH responses are: `Body { payloads, ..Body::default() }`.
            Body { payloads, ..Body::default() }.to_xml()
        };
        let [ws, bosh1, bosh10] = names;
        out.push(Input {
            name: ws,
            transport: TransportKind::WebSocket,
            wire: frames[0].clone(),
            payloads: vec![payload.clone()],
        });
        out.push(Input {
            name: bosh1,
            transport: TransportKind::Bosh,
            wire: body(1),
            payloads: vec![payload.clone()],
        });
        out.push(Input {
            name: bosh10,
            transport: TransportKind::Bosh,
            wire: body(BATCH),
            payloads: vec![payload; BATCH],
        });
    }
    // Reports list the WebSocket frames first, then the BOSH bodies by size.
    out.sort_by_key(|i| (i.transport == TransportKind::Bosh, i.items()));
    out
}

/// Checks the inputs before anything is timed: each is what it claims to be, and a connected
/// client core reports exactly its items, each a decoded `<Update>` equal to the payload's, so
/// a benchmark never times an error path.
pub(crate) fn check_inputs(inputs: &[Input]) {
    let user: Update = decode(&user_update_xml()).expect("the User notification decodes");
    let Some(UpdateData::User(u)) = &user.data else { panic!("not a User notification: {user:?}") };
    assert!(u.state.is_some(), "the User notification carries a state");
    let dialog: Update = decode(&dialog_update_xml()).expect("the Dialog notification decodes");
    let Some(UpdateData::Dialog(d)) = &dialog.data else {
        panic!("not a Dialog notification: {dialog:?}")
    };
    assert_eq!(d.participants.as_ref().map_or(0, |p| p.len()), 2, "participants");
    let variables = d.media_properties.as_ref().and_then(|m| m.call_variables.as_ref());
    assert_eq!(variables.map_or(0, |v| v.len()), CALL_VARIABLES.len(), "call variables");

    assert_eq!(inputs.len(), 6, "inputs");
    for input in inputs {
        let expected: Vec<Update> =
            input.payloads.iter().map(|p| decode(p).expect("every payload decodes")).collect();
        let mut driver = Driver::connect(input.transport);
        for round in 0..3 {
            let got = driver.deliver(&input.wire);
            assert_eq!(got.len(), input.items(), "{}: items in round {round}", input.name);
            for (payload, want) in got.into_iter().zip(&expected) {
                match payload {
                    ItemPayload::Update(update) => assert_eq!(&*update, want, "{}", input.name),
                    other => panic!("{}: not a decoded Update: {other:?}", input.name),
                }
            }
        }
        assert_eq!(driver.client.status(), ConnectionStatus::Connected, "{}", input.name);
        assert!(count_events(&input.wire) > 10, "{}: baseline events", input.name);
    }
}

/// Something measured: [`run`](Self::run) processes one delivery of an input.
pub(crate) enum Subject<'a> {
    /// The client core, connected, fed the frame or body.
    Client(Box<Driver>, &'a str),
    /// quick-xml's raw event reading of the same bytes.
    Events(&'a str),
    /// `finesse_model::decode::<Update>` of each bare payload.
    Decode(&'a [String]),
}

impl Subject<'_> {
    /// Processes one delivery; returns what it counted (items, events), for `black_box`.
    pub(crate) fn run(&mut self) -> usize {
        match self {
            Self::Client(driver, wire) => driver.feed(wire),
            Self::Events(wire) => count_events(wire),
            Self::Decode(payloads) => {
                let mut n = 0;
                for payload in payloads.iter() {
                    let update: Update = decode(payload).expect("the payload decodes");
                    n += usize::from(update.data.is_some());
                }
                n
            }
        }
    }

    /// After a measurement: panics unless every delivery the client core was fed produced
    /// `items` items (so the time measured is that of the success path).
    pub(crate) fn verify(&self, input: &Input) {
        if let Self::Client(driver, _) = self {
            assert_eq!(
                driver.items,
                driver.deliveries * input.items() as u64,
                "{}: items reported by the client core over {} deliveries",
                input.name,
                driver.deliveries
            );
            assert_eq!(driver.client.status(), ConnectionStatus::Connected, "{}", input.name);
        }
    }
}

/// The baseline: quick-xml's raw event reading of the text, nothing built or unescaped.
pub(crate) fn count_events(xml: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let mut events = 0;
    loop {
        match reader.read_event().expect("the traffic is well-formed") {
            XmlEvent::Eof => return events,
            _ => events += 1,
        }
    }
}

/// A connected client core and what its driver does: feed a frame (or answer the oldest
/// request in flight with a body), drain the events, counting the items, and collect the
/// requests the core sends in exchange.
pub(crate) struct Driver {
    /// The client core.
    client: Client,
    /// How the traffic arrives.
    transport: TransportKind,
    /// BOSH: the requests in flight, oldest first (the core processes responses in rid order).
    in_flight: VecDeque<u64>,
    /// Deliveries fed since connecting.
    deliveries: u64,
    /// `Event::Item`s reported since connecting.
    items: u64,
}

impl Driver {
    /// A client core connected over `transport` to the service core in memory; the service is
    /// then dropped and the driver answers the request it held.
    fn connect(transport: TransportKind) -> Self {
        let link = InMemory::connect(transport);
        Self { client: link.client, transport, in_flight: link.held, deliveries: 0, items: 0 }
    }

    /// Delivers `wire`; the number of `Event::Item`s reported.
    fn feed(&mut self, wire: &str) -> usize {
        self.feed_with(wire, |_| {})
    }

    /// Delivers `wire`; the payloads of the items reported.
    fn deliver(&mut self, wire: &str) -> Vec<ItemPayload> {
        let mut payloads = Vec::new();
        self.feed_with(wire, |event| {
            if let Event::Item { payload, .. } = event {
                payloads.push(payload);
            }
        });
        payloads
    }

    /// Delivers `wire`, hands every event to `each`; the number of `Event::Item`s.
    fn feed_with(&mut self, wire: &str, mut each: impl FnMut(Event)) -> usize {
        match self.transport {
            TransportKind::WebSocket => self.client.handle_ws_message(wire, NOW),
            TransportKind::Bosh => match self.in_flight.pop_front() {
                Some(id) => self.client.handle_http_response(id, 200, wire, NOW),
                None => panic!("no BOSH request in flight"),
            },
        }
        self.deliveries += 1;
        let mut items = 0;
        while let Some(event) = self.client.poll_event() {
            items += usize::from(matches!(event, Event::Item { .. }));
            each(event);
        }
        while let Some(transmit) = self.client.poll_transmit() {
            if let Transmit::HttpRequest { id, .. } = transmit {
                self.in_flight.push_back(id);
            }
        }
        self.items += items as u64;
        items
    }
}

/// What the in-memory network carries to the client, in order.
enum ToClient {
    /// The socket asked for is open.
    WsOpened,
    /// A frame from the service.
    WsFrame(String),
    /// The service closed the socket.
    WsClosed,
    /// The answer to HTTP request `id`.
    Http {
        /// The client's request id (also the service's token).
        id: u64,
        /// HTTP status.
        status: u16,
        /// The `<body/>`.
        body: String,
    },
    /// HTTP request `id` failed without an answer.
    HttpFailure(u64),
}

/// The service's authenticator: the agent with its password.
type Auth = fn(&str, &str) -> bool;

/// Accepts the agent with its password, nobody else.
fn authenticate(user: &str, password: &str) -> bool {
    user == AGENT && password == PASSWORD
}

/// A client core and a service core exchanging everything at once, without latency.
struct InMemory {
    /// The client core.
    client: Client,
    /// The service core.
    service: Service<Auth>,
    /// What the client receives next, in order.
    to_client: VecDeque<ToClient>,
    /// BOSH requests the service holds (HTTP id = token), oldest first.
    held: VecDeque<u64>,
    /// WebSocket frames the service sent that are kept rather than delivered.
    captured: Vec<String>,
    /// Whether frames from the service are captured instead of delivered.
    capture: bool,
}

impl InMemory {
    /// Connects a client over `transport`; panics unless it reports `connected`.
    fn connect(transport: TransportKind) -> Self {
        let endpoint = match transport {
            TransportKind::WebSocket => Endpoint::websocket(WS_URL),
            TransportKind::Bosh => Endpoint::bosh(BOSH_URL),
        };
        let mut config = ClientConfig::new(AGENT, PASSWORD, DOMAIN, vec![endpoint]);
        config.resource = Some(RESOURCE.to_owned());
        let client = Client::new(config).expect("the benchmark configuration is valid");
        let service = Service::new(ServiceConfig::new(DOMAIN), authenticate as Auth, 0);
        let mut link = Self {
            client,
            service,
            to_client: VecDeque::new(),
            held: VecDeque::new(),
            captured: Vec::new(),
            capture: false,
        };
        link.client.connect(NOW);
        link.run();
        assert_eq!(link.client.status(), ConnectionStatus::Connected, "in-memory connection");
        link
    }

    /// Publishes `payload` on `node` through the service; the frame it sends the client.
    fn publish(&mut self, node: &str, payload: &str) -> String {
        self.capture = true;
        let outcome = self.service.publish(node, payload, NOW).expect("the service publishes");
        assert_eq!(outcome.delivered, 1, "the agent is subscribed to {node}");
        self.run();
        self.capture = false;
        assert_eq!(self.captured.len(), 1, "one frame per publication");
        self.captured.pop().unwrap_or_default()
    }

    /// Exchanges messages until neither side has anything more to say.
    fn run(&mut self) {
        for _ in 0..MAX_STEPS {
            self.pump();
            let Some(message) = self.to_client.pop_front() else { return };
            match message {
                ToClient::WsOpened => self.client.handle_ws_open(NOW),
                ToClient::WsFrame(text) => self.client.handle_ws_message(&text, NOW),
                ToClient::WsClosed => self.client.handle_ws_closed(NOW),
                ToClient::Http { id, status, body } => {
                    self.client.handle_http_response(id, status, &body, NOW);
                }
                ToClient::HttpFailure(id) => self.client.handle_http_failure(id, NOW),
            }
        }
        panic!("the in-memory exchange did not settle in {MAX_STEPS} steps");
    }

    /// Hands the client's output to the service and queues the service's output for the client.
    fn pump(&mut self) {
        while let Some(transmit) = self.client.poll_transmit() {
            match transmit {
                Transmit::HttpRequest { id, body, .. } => {
                    match self.service.handle_bosh_request(id, &body, NOW) {
                        BoshReply::Now { status, body } => {
                            self.to_client.push_back(ToClient::Http { id, status, body });
                        }
                        BoshReply::Held => self.held.push_back(id),
                    }
                }
                Transmit::HttpAbort { id } => self.held.retain(|h| *h != id),
                Transmit::WsOpen { .. } => {
                    self.service.ws_open(CONN, NOW);
                    self.to_client.push_back(ToClient::WsOpened);
                }
                Transmit::WsSend(text) => self.service.ws_frame(CONN, &text, NOW),
                Transmit::WsClose => self.service.ws_closed(CONN, NOW),
                other => panic!("unexpected transmit {other:?}"),
            }
        }
        while self.client.poll_event().is_some() {}
        while let Some(transmit) = self.service.poll_transmit() {
            match transmit {
                ServerTransmit::BoshResponse { token, status, body } => {
                    self.held.retain(|h| *h != token);
                    self.to_client.push_back(ToClient::Http { id: token, status, body });
                }
                ServerTransmit::BoshAbort { token } => {
                    self.held.retain(|h| *h != token);
                    self.to_client.push_back(ToClient::HttpFailure(token));
                }
                ServerTransmit::WsFrame { text, .. } if self.capture => self.captured.push(text),
                ServerTransmit::WsFrame { text, .. } => {
                    self.to_client.push_back(ToClient::WsFrame(text));
                }
                ServerTransmit::WsClose { .. } => self.to_client.push_back(ToClient::WsClosed),
                other => panic!("unexpected service transmit {other:?}"),
            }
        }
        while self.service.poll_event().is_some() {}
    }
}

/// One subject measured on one input.
pub(crate) struct Measurement {
    /// The input's name.
    pub(crate) input: &'static str,
    /// Items per run.
    pub(crate) items: usize,
    /// Bytes read per run (see [`Input::bytes`]).
    pub(crate) bytes: usize,
    /// Index in [`LINES`].
    pub(crate) line: usize,
    /// Nanoseconds per run.
    pub(crate) nanos: f64,
}

/// A table of times per run, items per second, MB/s and time ratios to both baselines of the
/// same input (ours / baseline: above 1 means the client core takes longer).
pub(crate) fn report(title: &str, measurements: &[Measurement]) -> String {
    let mut out = format!("\n{title}\n");
    writeln!(
        out,
        "{:<14} {:>5} {:<17} {:>7} {:>11} {:>11} {:>8} {:>11} {:>11}",
        "input", "items", "line", "bytes", "time/run", "items/s", "MB/s", "÷quick-xml", "÷decode"
    )
    .expect("writing to a String cannot fail");
    for m in measurements {
        let of = |line: usize| {
            measurements.iter().find(|b| b.input == m.input && b.line == line).map(|b| b.nanos)
        };
        let ratio = |base: Option<f64>| match base {
            Some(b) => format!("{:.2}x", m.nanos / b),
            None => "n/a".to_owned(),
        };
        let items_per_s = m.items as f64 / m.nanos * 1e9;
        // bytes per nanosecond * 1e9 / 1e6 = MB/s
        let mb_per_s = m.bytes as f64 / m.nanos * 1_000.0;
        writeln!(
            out,
            "{:<14} {:>5} {:<17} {:>7} {:>11} {:>11.0} {:>8.1} {:>11} {:>11}",
            m.input,
            m.items,
            LINES[m.line],
            m.bytes,
            human(m.nanos),
            items_per_s,
            mb_per_s,
            ratio(of(QUICK_XML)),
            ratio(of(DECODE)),
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str(
        "bytes: the frame or body (client core, quick-xml), the bare <Update>s (decode); \
         ÷: time ratio, ours / baseline\n",
    );
    out
}

/// A time per run with a readable unit.
fn human(nanos: f64) -> String {
    if nanos >= 1_000_000.0 {
        format!("{:.3} ms", nanos / 1_000_000.0)
    } else if nanos >= 1_000.0 {
        format!("{:.2} µs", nanos / 1_000.0)
    } else {
        format!("{nanos:.0} ns")
    }
}
