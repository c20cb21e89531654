//! The master through a [`MemoryHub`], with several simulated gadgets that talk to it the way
//! `finesse.js` `ClientServices` does: subscribe to the response topic, publish the request,
//! unsubscribe on the first answer.

use std::cell::RefCell;
use std::rc::Rc;

use finesse_hub::payload::Request;
use finesse_hub::{Bridge, Command, Hub, Master, MemoryHub, Subscription, XmppControl};
use finesse_xmpp::Millis;
use finesse_xmpp::client::{CommandError, ConnectionStatus, Event};
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp::stanza::{ErrorType, StanzaError, StanzaErrorCondition};
use serde_json::{Value, json};

const TEAM: &str = "/finesse/api/Team/7/Users";

/// Stands in for the XMPP client: records commands.
#[derive(Default)]
struct FakeXmpp {
    commands: Vec<Command>,
}

impl XmppControl for FakeXmpp {
    fn execute(&mut self, command: &Command, _now: Millis) -> Result<(), CommandError> {
        self.commands.push(command.clone());
        Ok(())
    }
}

/// The desktop: hub, bridge, fake client, virtual clock.
struct Desk {
    hub: MemoryHub,
    bridge: Bridge<MemoryHub>,
    xmpp: FakeXmpp,
    now: Millis,
}

impl Desk {
    fn new() -> Self {
        let hub = MemoryHub::new();
        let bridge = Bridge::new(hub.clone(), Master::new(0), || {}).expect("subscribe requests");
        Self { hub, bridge, xmpp: FakeXmpp::default(), now: 0 }
    }

    fn pump(&mut self) {
        self.now += 1;
        self.bridge.pump(self.now, &mut self.xmpp);
    }

    fn event(&mut self, event: Event) {
        self.now += 1;
        self.bridge.handle_client_event(&event, self.now, &mut self.xmpp);
    }

    fn status(&mut self, status: ConnectionStatus) {
        let resource_id = matches!(status, ConnectionStatus::Connected).then(|| "res-1".into());
        self.event(Event::Status { status, resource_id });
    }

    fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.xmpp.commands)
    }
}

type Log = Rc<RefCell<Vec<(String, Value)>>>;

/// A gadget frame on the hub.
struct Gadget {
    hub: MemoryHub,
    seen: Log,
    answers: Log,
    subs: Vec<Subscription>,
}

impl Gadget {
    fn new(desk: &Desk) -> Self {
        Self {
            hub: desk.hub.clone(),
            seen: Log::default(),
            answers: Log::default(),
            subs: Vec::new(),
        }
    }

    fn listen(&mut self, pattern: &str) {
        let seen = self.seen.clone();
        let sub = self
            .hub
            .subscribe(
                pattern,
                Box::new(move |topic, payload| {
                    seen.borrow_mut().push((topic.to_owned(), payload.clone()));
                }),
            )
            .expect("valid pattern");
        self.subs.push(sub);
    }

    fn request(&self, payload: Value) {
        self.hub.publish("finesse.info.requests", payload).expect("valid topic");
    }

    /// `ClientServices.subscribeNode` / `unsubscribeNode`: listen on the response topic,
    /// publish, and stop listening at the first answer (from inside the callback).
    fn node_request(&self, kind: &str, node: &str, invoke_id: &str) {
        let topic = format!("finesse.info.responses.{invoke_id}");
        let guard: Rc<RefCell<Option<Subscription>>> = Rc::default();
        let (g, answers, id) = (guard.clone(), self.answers.clone(), invoke_id.to_owned());
        let sub = self
            .hub
            .subscribe(
                &topic,
                Box::new(move |_, payload| {
                    g.borrow_mut().take();
                    answers.borrow_mut().push((id.clone(), payload.clone()));
                }),
            )
            .expect("valid topic");
        *guard.borrow_mut() = Some(sub);
        self.request(json!({"type": kind, "data": {"node": node, "subid": "ignored"}, "invokeID": invoke_id}));
    }

    fn subscribe_node(&self, node: &str, invoke_id: &str) {
        self.node_request("SubscribeNodeReq", node, invoke_id);
    }

    fn unsubscribe_node(&self, node: &str, invoke_id: &str) {
        self.node_request("UnsubscribeNodeReq", node, invoke_id);
    }

    fn take_answers(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *self.answers.borrow_mut())
    }

    fn take_seen(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *self.seen.borrow_mut())
    }
}

fn ok(id: &str) -> (String, Value) {
    (id.to_owned(), Value::Null)
}

fn subscribed(node: &str) -> Event {
    Event::Subscribed { node: node.into(), subid: Some("sub-1".into()), renewed: false }
}

fn disconnected_error() -> Value {
    json!({"error": {"errorType": "Disconnected", "errorMessage": "Outstanding request will never complete."}})
}

#[test]
fn the_connection_status_reaches_every_subscriber() {
    let mut desk = Desk::new();
    let mut a = Gadget::new(&desk);
    let mut b = Gadget::new(&desk);
    a.listen("finesse.info.connection");
    b.listen("finesse.info.*");
    desk.status(ConnectionStatus::Connecting);
    desk.status(ConnectionStatus::Connected);
    let expected = vec![
        ("finesse.info.connection".to_owned(), json!({"status": "connecting"})),
        (
            "finesse.info.connection".to_owned(),
            json!({"status": "connected", "resourceID": "res-1"}),
        ),
    ];
    assert_eq!(a.take_seen(), expected);
    assert_eq!(b.take_seen(), expected);
}

#[test]
fn a_late_gadget_gets_the_status_through_connection_info_req() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let mut late = Gadget::new(&desk);
    let mut other = Gadget::new(&desk);
    late.listen("finesse.info.connection");
    other.listen("finesse.info.connection");
    late.request(
        json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": 1_700_000_000_000_u64}),
    );
    desk.pump();
    let answer = (
        "finesse.info.connection".to_owned(),
        json!({"status": "connected", "resourceID": "res-1", "invokeID": 1_700_000_000_000_u64}),
    );
    assert_eq!(late.take_seen(), std::slice::from_ref(&answer));
    // Everyone on the topic sees it; finesse.js gadgets only act on a changed status.
    assert_eq!(other.take_seen(), [answer]);
}

#[test]
fn two_gadgets_share_one_xmpp_subscription_and_the_last_one_out_ends_it() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let a = Gadget::new(&desk);
    let b = Gadget::new(&desk);
    a.subscribe_node(TEAM, "a-sub");
    desk.pump();
    assert_eq!(desk.take_commands(), [Command::Subscribe(TEAM.into())]);
    desk.event(subscribed(TEAM));
    assert_eq!(a.take_answers(), [ok("a-sub")]);
    b.subscribe_node(TEAM, "b-sub");
    desk.pump();
    assert_eq!(b.take_answers(), [ok("b-sub")], "answered at once");
    assert!(desk.take_commands().is_empty(), "no second XMPP subscribe");
    assert_eq!(desk.bridge.master().subscribers(TEAM), 2);
    // The first one leaves: counted down, the node stays subscribed.
    a.unsubscribe_node(TEAM, "a-unsub");
    desk.pump();
    assert_eq!(a.take_answers(), [ok("a-unsub")]);
    assert!(desk.take_commands().is_empty());
    // The last one leaves: one XMPP unsubscribe, answered when it completes.
    b.unsubscribe_node(TEAM, "b-unsub");
    desk.pump();
    assert_eq!(desk.take_commands(), [Command::Unsubscribe(TEAM.into())]);
    assert!(b.take_answers().is_empty());
    desk.event(Event::Unsubscribed { node: TEAM.into() });
    assert_eq!(b.take_answers(), [ok("b-unsub")]);
    // Every response subscription was dropped inside its own callback.
    assert_eq!(desk.hub.subscription_count(), 1, "only the master's request subscription");
}

#[test]
fn concurrent_subscribes_share_the_pending_result() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let gadgets: Vec<Gadget> = (0..3).map(|_| Gadget::new(&desk)).collect();
    for (i, g) in gadgets.iter().enumerate() {
        g.subscribe_node(TEAM, &format!("g{i}"));
    }
    desk.pump();
    assert_eq!(desk.take_commands(), [Command::Subscribe(TEAM.into())]);
    desk.event(subscribed(TEAM));
    for (i, g) in gadgets.iter().enumerate() {
        assert_eq!(g.take_answers(), [ok(&format!("g{i}"))]);
    }
    assert_eq!(desk.bridge.master().subscribers(TEAM), 3);
}

#[test]
fn a_subscribe_during_the_unsubscribe_is_held_then_answered() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let a = Gadget::new(&desk);
    let b = Gadget::new(&desk);
    a.subscribe_node(TEAM, "a-sub");
    desk.pump();
    desk.event(subscribed(TEAM));
    a.unsubscribe_node(TEAM, "a-unsub");
    desk.pump();
    assert_eq!(
        desk.take_commands(),
        [Command::Subscribe(TEAM.into()), Command::Unsubscribe(TEAM.into())]
    );
    b.subscribe_node(TEAM, "b-sub");
    desk.pump();
    assert!(b.take_answers().is_empty(), "held");
    assert!(desk.take_commands().is_empty());
    desk.event(Event::Unsubscribed { node: TEAM.into() });
    assert_eq!(a.take_answers(), [ok("a-sub"), ok("a-unsub")]);
    assert_eq!(desk.take_commands(), [Command::Subscribe(TEAM.into())], "carried out now");
    desk.event(subscribed(TEAM));
    assert_eq!(b.take_answers(), [ok("b-sub")]);
}

#[test]
fn item_not_found_goes_to_every_waiting_requester() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let a = Gadget::new(&desk);
    let b = Gadget::new(&desk);
    let node = "/finesse/api/Team/404/Users";
    a.subscribe_node(node, "a-sub");
    b.subscribe_node(node, "b-sub");
    desk.pump();
    let mut error = StanzaError::new(ErrorType::Cancel, StanzaErrorCondition::ItemNotFound);
    error.text = Some("no such node".into());
    desk.event(Event::SubscribeFailed { node: node.into(), error });
    let xml = "<error type=\"cancel\"><item-not-found xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>\
               <text xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\">no such node</text></error>";
    let payload = json!({"subscribe": {"content": xml, "object": {"error": {
        "@type": "cancel",
        "item-not-found": {"@xmlns": "urn:ietf:params:xml:ns:xmpp-stanzas"},
        "text": {"@xmlns": "urn:ietf:params:xml:ns:xmpp-stanzas", "#text": "no such node"}
    }}}});
    assert_eq!(a.take_answers(), [("a-sub".to_owned(), payload.clone())]);
    assert_eq!(b.take_answers(), [("b-sub".to_owned(), payload)]);
    assert_eq!(desk.bridge.master().subscribers(node), 0);
}

#[test]
fn a_disconnect_fails_the_pending_requests() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    let a = Gadget::new(&desk);
    let b = Gadget::new(&desk);
    let c = Gadget::new(&desk);
    a.subscribe_node(TEAM, "a-sub");
    desk.pump();
    desk.event(subscribed(TEAM));
    a.take_answers();
    let queue = "/finesse/api/Queue/5";
    b.subscribe_node(queue, "b-sub");
    a.unsubscribe_node(TEAM, "a-unsub");
    c.subscribe_node(TEAM, "c-held");
    desk.pump();
    assert_eq!(desk.bridge.master().waiting_requests(), 3);
    let mut watcher = Gadget::new(&desk);
    watcher.listen("finesse.info.connection");
    desk.status(ConnectionStatus::Reconnecting);
    assert_eq!(a.take_answers(), [("a-unsub".to_owned(), disconnected_error())]);
    assert_eq!(b.take_answers(), [("b-sub".to_owned(), disconnected_error())]);
    assert_eq!(c.take_answers(), [("c-held".to_owned(), disconnected_error())]);
    assert_eq!(
        watcher.take_seen(),
        [("finesse.info.connection".to_owned(), json!({"status": "reconnecting"}))]
    );
    // While down, new requests are refused at once.
    b.subscribe_node(queue, "b-again");
    desk.pump();
    assert_eq!(
        b.take_answers(),
        [(
            "b-again".to_owned(),
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot subscribe without connection."}})
        )]
    );
}

#[test]
fn items_are_republished_as_content_and_object_on_the_node_topic() {
    let mut desk = Desk::new();
    let mut team = Gadget::new(&desk);
    let mut user = Gadget::new(&desk);
    team.listen("finesse.api.Team.7.Users");
    user.listen("finesse.api.User.*");
    let xml = "<Update><data><user><loginId>1001</loginId><state>TALKING</state></user></data>\
               <event>PUT</event><requestId></requestId><source>/finesse/api/User/1001</source></Update>";
    desk.event(Event::Item {
        node: TEAM.into(),
        item_id: Some("i-1".into()),
        xml: xml.into(),
        payload: ItemPayload::decode(xml.into()),
    });
    assert_eq!(
        team.take_seen(),
        [(
            "finesse.api.Team.7.Users".to_owned(),
            json!({
                "content": format!("{TEAM}{xml}"),
                "object": {"Update": {
                    "data": {"user": {"loginId": "1001", "state": "TALKING"}},
                    "event": "PUT",
                    "requestId": null,
                    "source": "/finesse/api/User/1001"
                }}
            })
        )]
    );
    assert!(user.take_seen().is_empty(), "the topic comes from the node, not from <source>");
}

/// Publishes `payload` as a gadget and reports what came back on the response topics and how
/// the master counted it.
fn try_request(
    desk: &mut Desk,
    payload: Value,
) -> (Vec<(String, Value)>, finesse_hub::MasterStats) {
    let mut gadget = Gadget::new(desk);
    gadget.listen("finesse.info.responses.**");
    gadget.listen("finesse.info.connection");
    gadget.request(payload);
    desk.pump();
    (gadget.take_seen(), desk.bridge.master().stats())
}

#[test]
fn malformed_requests_are_answered_with_an_error_or_ignored() {
    let mut desk = Desk::new();
    desk.status(ConnectionStatus::Connected);
    // (payload, the response topic of the error, if answerable)
    let answerable = Some("finesse.info.responses.r-1");
    let cases: Vec<(Value, Option<&str>)> = vec![
        (json!(null), None),
        (json!(42), None),
        (json!("SubscribeNodeReq"), None),
        (json!([{"type": "SubscribeNodeReq"}]), None),
        (json!({}), None),
        (json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}}), None),
        (json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": true}), None),
        (json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": {"id": 1}}), None),
        (json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": "x*y"}), None),
        (json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": ""}), None),
        (
            json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": "trailing."}),
            None,
        ),
        (json!({"type": "Bogus", "data": {}}), None),
        (json!({"data": {"node": TEAM}, "invokeID": "r-1"}), answerable),
        (json!({"type": null, "data": {}, "invokeID": "r-1"}), answerable),
        (json!({"type": ["SubscribeNodeReq"], "data": {}, "invokeID": "r-1"}), answerable),
        (json!({"type": "SubscribeNodeReq", "invokeID": "r-1"}), answerable),
        (json!({"type": "SubscribeNodeReq", "data": [TEAM], "invokeID": "r-1"}), answerable),
        (json!({"type": "SubscribeNodeReq", "data": "node", "invokeID": "r-1"}), answerable),
        (json!({"type": "Bogus", "data": {}, "invokeID": "r-1"}), answerable),
        (json!({"type": "SubscribeNodeReq", "data": {}, "invokeID": "r-1"}), answerable),
        (
            json!({"type": "SubscribeNodeReq", "data": {"node": null}, "invokeID": "r-1"}),
            answerable,
        ),
        (json!({"type": "SubscribeNodeReq", "data": {"node": 7}, "invokeID": "r-1"}), answerable),
        (
            json!({"type": "UnsubscribeNodeReq", "data": {"node": {"path": TEAM}}, "invokeID": "r-1"}),
            answerable,
        ),
        (json!({"type": "SubscribeNodeReq", "data": {"node": ""}, "invokeID": "r-1"}), answerable),
        (
            json!({"type": "SubscribeNodeReq", "data": {"node": "/finesse/api/*"}, "invokeID": "r-1"}),
            answerable,
        ),
        (
            json!({"type": "SubscribeNodeReq", "data": {"node": "/a\u{0}b"}, "invokeID": "r-1"}),
            answerable,
        ),
        (json!({"type": "ConnectionInfoReq", "data": null, "invokeID": "r-1"}), answerable),
        (json!({"type": "UnsubscribeNodeReq", "data": {"node": TEAM}, "invokeID": 3.5}), None),
    ];
    assert!(cases.len() >= 15);
    let mut before = desk.bridge.master().stats();
    for (payload, topic) in cases {
        let (seen, stats) = try_request(&mut desk, payload.clone());
        match topic {
            Some(topic) => {
                assert_eq!(seen.len(), 1, "{payload}: {seen:?}");
                assert_eq!(seen[0].0, topic, "{payload}");
                assert_eq!(seen[0].1["error"]["errorType"], json!("Invalid request"), "{payload}");
                assert!(seen[0].1["error"]["errorMessage"].is_string());
                assert_eq!(stats.rejected, before.rejected + 1, "{payload}");
            }
            None if payload.get("invokeID") == Some(&json!(3.5)) => {
                // A number invokeID with a fraction is a valid two-token topic: a real request.
                assert_eq!(seen, [("finesse.info.responses.3.5".to_owned(), Value::Null)]);
            }
            None => {
                assert!(seen.is_empty(), "{payload}: {seen:?}");
                assert_eq!(stats.ignored, before.ignored + 1, "{payload}");
            }
        }
        assert!(desk.take_commands().is_empty(), "{payload}");
        before = stats;
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn string(&mut self) -> String {
        const PARTS: [&str; 14] =
            ["a", "Z", ".", "*", "/", " ", "é", "\u{0}", "\n", "1", "-", "\"", "finesse", ""];
        (0..self.below(6)).map(|_| *self.pick(&PARTS)).collect()
    }

    fn scalar(&mut self) -> Value {
        match self.below(7) {
            0 => Value::Null,
            1 => json!(self.below(2) == 0),
            2 => json!(self.next() % 10_000),
            3 => json!(-(self.below(100) as i64)),
            4 => json!(self.below(1000) as f64 / 8.0),
            5 => json!(1e300 * (self.below(3) as f64)),
            _ => json!(self.string()),
        }
    }

    fn any(&mut self, depth: usize) -> Value {
        if depth == 0 || self.below(3) == 0 {
            return self.scalar();
        }
        if self.below(2) == 0 {
            Value::Array((0..self.below(4)).map(|_| self.any(depth - 1)).collect())
        } else {
            let mut map = serde_json::Map::new();
            for _ in 0..self.below(4) {
                let key =
                    self.pick(&["type", "data", "invokeID", "node", "subid", "x"]).to_string();
                map.insert(key, self.any(depth - 1));
            }
            Value::Object(map)
        }
    }

    /// Mostly request-shaped values, some of them valid.
    fn request(&mut self) -> Value {
        if self.below(5) == 0 {
            return self.any(4);
        }
        let mut map = serde_json::Map::new();
        if self.below(10) != 0 {
            let kind = match self.below(8) {
                0 => json!("ConnectionInfoReq"),
                1 => json!("ConnectionReq"),
                2 | 3 => json!("SubscribeNodeReq"),
                4 | 5 => json!("UnsubscribeNodeReq"),
                6 => json!(self.string()),
                _ => self.scalar(),
            };
            map.insert("type".into(), kind);
        }
        if self.below(10) != 0 {
            let data = if self.below(6) == 0 {
                self.any(2)
            } else {
                let node = match self.below(6) {
                    0 => self.scalar(),
                    1 => json!(format!("/finesse/api/{}", self.string())),
                    _ => {
                        json!(*self.pick(&[TEAM, "/finesse/api/Queue/1", "/finesse/api/User/1001"]))
                    }
                };
                json!({"node": node, "subid": self.scalar()})
            };
            map.insert("data".into(), data);
        }
        if self.below(8) != 0 {
            let id = match self.below(4) {
                0 => self.scalar(),
                1 => json!(self.string()),
                _ => json!(format!("id-{}", self.next() % 50)),
            };
            map.insert("invokeID".into(), id);
        }
        Value::Object(map)
    }

    /// A client event about the nodes the requests use, or a status change.
    fn event(&mut self) -> Event {
        let node =
            (*self.pick(&[TEAM, "/finesse/api/Queue/1", "/finesse/api/User/1001"])).to_owned();
        let error = StanzaError::new(ErrorType::Cancel, StanzaErrorCondition::ItemNotFound);
        match self.below(7) {
            0 => Event::Status {
                status: *self.pick(&[
                    ConnectionStatus::Connected,
                    ConnectionStatus::Connected,
                    ConnectionStatus::Reconnecting,
                    ConnectionStatus::Disconnected,
                    ConnectionStatus::Connecting,
                ]),
                resource_id: Some("r".into()),
            },
            1 | 2 => Event::Subscribed { node, subid: None, renewed: self.below(4) == 0 },
            3 => Event::SubscribeFailed { node, error },
            4 => Event::Unsubscribed { node },
            5 => Event::UnsubscribeFailed { node, error },
            _ => {
                let xml = self
                    .pick(&["<Update><event>PUT</event></Update>", "<a k='\"'/>", "", "<x>"])
                    .to_string();
                Event::Item {
                    node,
                    item_id: None,
                    xml: xml.clone(),
                    payload: ItemPayload::decode(xml),
                }
            }
        }
    }
}

#[test]
fn thousands_of_random_values_never_panic_and_every_request_is_accounted_for() {
    let mut desk = Desk::new();
    let mut gadget = Gadget::new(&desk);
    gadget.listen("finesse.info.responses.**");
    let mut dice = Dice(0x5EED_F1E5_5E00_0001);
    let mut node_requests = 0u64;
    let mut total = 0u64;
    for round in 0..4_000 {
        if round % 3 == 0 {
            let event = dice.event();
            desk.event(event);
        }
        let payload = dice.request();
        total += 1;
        let parsed = Request::parse(&payload);
        let before = desk.bridge.master().stats();
        gadget.take_seen();
        gadget.request(payload.clone());
        desk.pump();
        let stats = desk.bridge.master().stats();
        assert_eq!(stats.requests, total);
        assert_eq!(stats.requests, stats.accepted + stats.rejected + stats.ignored, "{payload}");
        let seen = gadget.take_seen();
        match parsed {
            Err(bad) => match bad.invoke_id {
                Some(id) => {
                    assert_eq!(stats.rejected, before.rejected + 1, "{payload}");
                    let topic = id.response_topic().expect("answerable");
                    assert_eq!(seen.len(), 1, "{payload}");
                    assert_eq!(seen[0].0, topic);
                    assert_eq!(seen[0].1["error"]["errorType"], json!("Invalid request"));
                }
                None => {
                    assert_eq!(stats.ignored, before.ignored + 1, "{payload}");
                    assert!(seen.is_empty(), "{payload}: {seen:?}");
                }
            },
            Ok(Request::SubscribeNode { .. } | Request::UnsubscribeNode { .. }) => {
                node_requests += 1;
                assert_eq!(stats.accepted, before.accepted + 1);
            }
            Ok(_) => assert!(seen.is_empty(), "{payload}"),
        }
        desk.take_commands();
    }
    // Settle: connected, then down, which fails whatever still waits.
    desk.status(ConnectionStatus::Connected);
    desk.status(ConnectionStatus::Disconnected);
    assert_eq!(desk.bridge.master().waiting_requests(), 0);
    let stats = desk.bridge.master().stats();
    assert!(stats.rejected > 100 && stats.ignored > 100 && node_requests > 500, "{stats:?}");
    assert!(stats.items_published > 10 && stats.items_dropped > 10, "{stats:?}");
    assert_eq!(desk.bridge.publish_failures(), 0);
}

#[test]
fn every_accepted_node_request_is_answered_exactly_once() {
    let mut desk = Desk::new();
    let mut gadget = Gadget::new(&desk);
    gadget.listen("finesse.info.responses.**");
    let mut dice = Dice(0xC0FF_EE00_1234_5678);
    let mut accepted_ids: Vec<String> = Vec::new();
    for round in 0..3_000_u32 {
        if round % 2 == 0 {
            let event = dice.event();
            desk.event(event);
        }
        let node = *dice.pick(&[TEAM, "/finesse/api/Queue/1"]);
        let kind = *dice.pick(&["SubscribeNodeReq", "UnsubscribeNodeReq"]);
        let id = format!("n{round}");
        gadget.request(json!({"type": kind, "data": {"node": node}, "invokeID": id}));
        accepted_ids.push(format!("finesse.info.responses.{id}"));
        desk.pump();
    }
    desk.status(ConnectionStatus::Connected);
    desk.status(ConnectionStatus::Disconnected);
    let mut answered: Vec<String> = gadget.take_seen().into_iter().map(|(t, _)| t).collect();
    answered.sort();
    accepted_ids.sort();
    assert_eq!(answered, accepted_ids);
}

#[test]
fn mutated_xml_never_panics_the_converter() {
    const CORPUS: [&str; 4] = [
        "<Update><data><user><loginId>1001</loginId><state>READY</state></user></data><event>PUT</event></Update>",
        "<a x='1' y=\"2\">text &amp; more<![CDATA[raw]]><!-- c --></a>",
        "<p:e xmlns:p='urn:x'><p:f p:g='h'>i</p:f><p:f/></p:e>",
        "<?xml version='1.0'?><Dialogs><Dialog><id>1</id></Dialog><Dialog><id>2</id></Dialog></Dialogs>",
    ];
    const ALPHABET: [&str; 22] = [
        "<", ">", "/", "&", ";", "\"", "'", "=", "!", "[", "]", "\t", "\r", "a", "#", "\u{1}", "b",
        " ", "x", "1", "c", "é",
    ];
    let mut dice = Dice(0xA11C_E5ED);
    let mut converted = 0;
    for i in 0..3_000 {
        let mut text: Vec<char> = CORPUS[i % CORPUS.len()].chars().collect();
        for _ in 0..=dice.below(3) {
            let at = dice.below(text.len() + 1);
            match dice.below(3) {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 => text.insert(at, dice.pick(&ALPHABET).chars().next().unwrap_or('x')),
                _ if at < text.len() => {
                    text[at] = dice.pick(&ALPHABET).chars().next().unwrap_or('x')
                }
                _ => {}
            }
        }
        let xml: String = text.into_iter().collect();
        if let Ok(value) = finesse_hub::xml2json::xml_to_json(&xml) {
            converted += 1;
            assert_eq!(value.as_object().map(serde_json::Map::len), Some(1), "{xml}");
        }
    }
    // Most edits land in markup and break it; some must survive to exercise the converter.
    assert!(converted > 150 && converted < 2_900, "{converted}");
}
