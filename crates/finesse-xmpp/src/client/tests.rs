//! Scripted client tests: each protocol step and error path, with the server's side written
//! as literal XML.

use super::*;
use crate::bosh::{Body, BodyType};

const HB: &str = "http://jabber.org/protocol/httpbind";
const STREAM_NS: &str = "xmlns:stream='http://etherx.jabber.org/streams'";
const FEATURES_SASL: &str = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
    <mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const FEATURES_BIND: &str = "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\
    <session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session></stream:features>";
const JID: &str = "1001001@finesse.example/finesse-gadget-test";
const USER_NODE: &str = "/finesse/api/User/1001001";
const TEAM_NODE: &str = "/finesse/api/Team/1/Users";

fn config(servers: Vec<Endpoint>) -> ClientConfig {
    ClientConfig {
        resource: Some("finesse-gadget-test".into()),
        seed: 42,
        ..ClientConfig::new("1001001", "secret", "finesse.example", servers)
    }
}

fn bosh_a() -> Endpoint {
    Endpoint::bosh("https://fin-a.example:7443/http-bind")
}

fn bosh_b() -> Endpoint {
    Endpoint::bosh("https://fin-b.example:7443/http-bind")
}

/// A client and a scripted peer: requests are answered oldest first, as a connection
/// manager does.
struct Script {
    c: Client,
    now: Millis,
    /// Outstanding HTTP requests: (id, url, body).
    pending: VecDeque<(u64, String, String)>,
    frames: Vec<String>,
    ws_open: Option<String>,
    ws_closed: bool,
    events: Vec<Event>,
}

impl Script {
    fn new(cfg: ClientConfig) -> Self {
        Self {
            c: Client::new(cfg).unwrap(),
            now: 0,
            pending: VecDeque::new(),
            frames: Vec::new(),
            ws_open: None,
            ws_closed: false,
            events: Vec::new(),
        }
    }

    fn pump(&mut self) {
        while let Some(t) = self.c.poll_transmit() {
            match t {
                Transmit::HttpRequest { id, url, body } => self.pending.push_back((id, url, body)),
                Transmit::HttpAbort { id } => self.pending.retain(|(i, _, _)| *i != id),
                Transmit::WsOpen { url } => {
                    self.ws_open = Some(url);
                    self.ws_closed = false;
                    self.frames.clear();
                }
                Transmit::WsSend(f) => self.frames.push(f),
                Transmit::WsClose => self.ws_closed = true,
            }
        }
        while let Some(e) = self.c.poll_event() {
            self.events.push(e);
        }
    }

    fn take_events(&mut self) -> Vec<Event> {
        self.pump();
        std::mem::take(&mut self.events)
    }

    fn statuses(&mut self) -> Vec<ConnectionStatus> {
        self.take_events()
            .into_iter()
            .filter_map(|e| match e {
                Event::Status { status, .. } => Some(status),
                _ => None,
            })
            .collect()
    }

    /// The oldest outstanding request, parsed.
    fn oldest(&mut self) -> Body {
        self.pump();
        let (_, _, body) = self.pending.front().expect("a request is outstanding");
        Body::parse(body).unwrap()
    }

    fn oldest_url(&mut self) -> String {
        self.pump();
        self.pending.front().expect("a request").1.clone()
    }

    /// Answers the oldest request with a body holding `payloads`.
    fn answer(&mut self, payloads: &str) {
        self.answer_raw(200, &format!("<body xmlns='{HB}' {STREAM_NS}>{payloads}</body>"));
    }

    fn answer_raw(&mut self, status: u16, text: &str) {
        self.pump();
        let (id, _, _) = self.pending.pop_front().expect("a request to answer");
        self.now += 5;
        self.c.handle_http_response(id, status, text, self.now);
        self.pump();
    }

    fn fail_oldest(&mut self) {
        self.pump();
        let (id, _, _) = self.pending.pop_front().expect("a request to fail");
        self.now += 5;
        self.c.handle_http_failure(id, self.now);
        self.pump();
    }

    /// Answers empty polls until a request carrying something arrives; returns its body.
    fn next_payload_request(&mut self) -> Body {
        for _ in 0..10 {
            let body = self.oldest();
            if !body.payloads.is_empty() || body.restart || body.kind != BodyType::Normal {
                return body;
            }
            self.answer("");
        }
        panic!("no request with payloads");
    }

    fn advance_to(&mut self, t: Millis) {
        while let Some(at) = self.c.poll_timeout() {
            if at > t {
                break;
            }
            self.now = self.now.max(at);
            self.c.handle_timeout(self.now);
            self.pump();
        }
        self.now = self.now.max(t);
        self.c.handle_timeout(self.now);
        self.pump();
    }

    /// Logs in over BOSH with literal server answers; ends connected with the presence
    /// request outstanding.
    fn bosh_login(&mut self) {
        self.c.connect(self.now);
        let create = self.oldest();
        assert_eq!(create.to.as_deref(), Some("finesse.example"));
        assert_eq!((create.hold, create.wait), (Some(1), Some(20)));
        self.answer_raw(
            200,
            &format!(
                "<body xmlns='{HB}' {STREAM_NS} xmlns:xmpp='urn:xmpp:xbosh' sid='SID-1' wait='60' \
                 requests='2' hold='1' inactivity='30' polling='5' ver='1.6' from='finesse.example' \
                 xmpp:version='1.0' xmpp:restartlogic='true'>{FEATURES_SASL}</body>"
            ),
        );
        let auth = self.oldest();
        assert_eq!(auth.payloads[0].to_string(), sasl::plain_auth("1001001", "secret").to_string());
        self.answer("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        let restart = self.oldest();
        assert!(restart.restart);
        self.answer(FEATURES_BIND);
        let bind = self.oldest();
        let id = bind.payloads[0].get_attr("id").unwrap().to_owned();
        self.answer(&format!(
            "<iq xmlns='jabber:client' type='result' id='{id}'><bind \
             xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{JID}</jid></bind></iq>"
        ));
        let presence = self.oldest();
        assert_eq!(presence.payloads[0].to_string(), "<presence xmlns=\"jabber:client\"/>");
    }

    /// The oldest request whose body satisfies `pred`, answering older ones with empty
    /// bodies (as a server does when it has nothing to send).
    fn next_with(&mut self, pred: impl Fn(&Body) -> bool) -> Body {
        for _ in 0..10 {
            let body = self.oldest();
            if pred(&body) {
                return body;
            }
            self.answer("");
        }
        panic!("no such request");
    }

    /// The first iq of the oldest request that carries one.
    fn iq_id(&mut self) -> (String, Element) {
        let body = self.next_with(|b| b.payloads.iter().any(|p| p.name == "iq"));
        let iq = body.payloads.into_iter().find(|p| p.name == "iq").expect("an iq");
        (iq.get_attr("id").unwrap().to_owned(), iq)
    }
}

fn lost(events: &[Event]) -> Vec<(DisconnectReason, Option<Millis>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ConnectionLost { reason, retry_at } => Some((reason.clone(), *retry_at)),
            _ => None,
        })
        .collect()
}

#[test]
fn bosh_session_creation_is_literally_xep_0206() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    s.pump();
    let (_, url, body) = s.pending.front().unwrap().clone();
    assert_eq!(url, "https://fin-a.example:7443/http-bind");
    let rid = Body::parse(&body).unwrap().rid.unwrap();
    assert!(rid > 0 && rid < (1 << 49));
    assert_eq!(
        body,
        format!(
            "<body xmlns=\"{HB}\" rid=\"{rid}\" to=\"finesse.example\" wait=\"20\" hold=\"1\" \
             ver=\"1.6\" content=\"text/xml; charset=utf-8\" xml:lang=\"en\" \
             xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:version=\"1.0\"/>"
        )
    );
    assert_eq!(s.statuses(), [ConnectionStatus::Connecting]);
    // The same seed gives the same rid; another seed another one.
    let mut again = Script::new(config(vec![bosh_a()]));
    again.c.connect(0);
    assert_eq!(again.oldest().rid, Some(rid));
    let mut other = Script::new(ClientConfig { seed: 43, ..config(vec![bosh_a()]) });
    other.c.connect(0);
    assert_ne!(other.oldest().rid, Some(rid));
}

#[test]
fn bosh_login_bind_presence_and_connected_with_rids_in_sequence() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    let first = s.oldest().rid.unwrap();
    s.bosh_login();
    let events = s.take_events();
    assert!(events.contains(&Event::Status {
        status: ConnectionStatus::Connected,
        resource_id: Some("finesse-gadget-test".into())
    }));
    assert_eq!(s.c.jid().map(ToString::to_string).as_deref(), Some(JID));
    // creation, auth, restart, bind, presence: five consecutive rids.
    assert_eq!(s.oldest().rid, Some(first + 4));
    assert_eq!(s.oldest().sid.as_deref(), Some("SID-1"));
}

#[test]
fn session_iq_is_sent_when_the_server_requires_it() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    s.answer(FEATURES_SASL);
    // The creation response above lacks a sid: a protocol error.
    assert!(matches!(
        lost(&s.take_events())[..],
        [(DisconnectReason::Protocol(ProtocolError::MissingSid), Some(_))]
    ));

    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    s.answer_raw(
        200,
        &format!("<body xmlns='{HB}' {STREAM_NS} sid='S' requests='2'>{FEATURES_SASL}</body>"),
    );
    s.answer("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    s.answer(
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>\
              <session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>",
    );
    let (id, _) = s.iq_id();
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{JID}</jid></bind></iq>"));
    let (id, session) = s.iq_id();
    assert!(session.get_child("session", ns::SESSION).is_some());
    assert_eq!(s.c.status(), ConnectionStatus::Connecting);
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'/>"));
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
}

#[test]
fn auth_failure_is_fatal_and_reported() {
    let mut s = Script::new(config(vec![bosh_a(), bosh_b()]));
    s.c.connect(0);
    s.answer_raw(
        200,
        &format!("<body xmlns='{HB}' {STREAM_NS} sid='S' requests='2'>{FEATURES_SASL}</body>"),
    );
    s.answer("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
    let events = s.take_events();
    assert_eq!(lost(&events), [(DisconnectReason::AuthFailed(SaslCondition::NotAuthorized), None)]);
    assert_eq!(s.c.status(), ConnectionStatus::Disconnected);
    assert_eq!(s.c.poll_timeout(), None, "no retry after wrong credentials");
    // connect() tries again on request.
    s.c.connect(s.now);
    assert_eq!(s.statuses(), [ConnectionStatus::Connecting]);
}

#[test]
fn no_plain_mechanism_fails_over() {
    let mut s = Script::new(config(vec![bosh_a(), bosh_b()]));
    s.c.connect(0);
    s.answer_raw(
        200,
        &format!(
            "<body xmlns='{HB}' {STREAM_NS} sid='S'><stream:features><mechanisms \
        xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
        </stream:features></body>"
        ),
    );
    let l = lost(&s.take_events());
    assert_eq!(l[0].0, DisconnectReason::Protocol(ProtocolError::NoPlainMechanism));
    s.advance_to(l[0].1.unwrap());
    assert_eq!(s.oldest_url(), bosh_b().url);
}

#[test]
fn every_terminate_condition_is_reported_and_recovered_as_documented() {
    for condition in TerminateCondition::KNOWN {
        let mut s = Script::new(config(vec![bosh_a(), bosh_b()]));
        s.bosh_login();
        s.take_events();
        s.answer_raw(
            200,
            &format!("<body xmlns='{HB}' type='terminate' condition='{condition}'/>"),
        );
        let events = s.take_events();
        let l = lost(&events);
        assert_eq!(l.len(), 1, "{condition}");
        assert_eq!(l[0].0, DisconnectReason::Terminated(condition.clone()));
        let retry_at = l[0].1.expect("no terminal condition alone is fatal");
        assert!(events.contains(&Event::Status {
            status: ConnectionStatus::Disconnected,
            resource_id: None
        }));
        assert!(s.pending.is_empty(), "{condition}: requests of the dead session are aborted");
        s.advance_to(retry_at);
        let expected = match condition.recovery() {
            Recovery::Failover => bosh_b().url,
            _ => bosh_a().url,
        };
        assert_eq!(s.oldest_url(), expected, "{condition}");
        assert_eq!(s.statuses(), [ConnectionStatus::Reconnecting]);
    }
}

#[test]
fn a_repeated_stream_error_conflict_is_fatal_and_a_shutdown_is_not() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    let conflict = format!(
        "<body xmlns='{HB}' {STREAM_NS} type='terminate' condition='remote-stream-error'>\
        <stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>"
    );
    for round in 1..=3 {
        s.answer_raw(200, &conflict);
        let l = lost(&s.take_events());
        assert!(
            matches!(&l[..], [(DisconnectReason::StreamError(e), _)] if e.condition == StreamErrorCondition::Conflict)
        );
        if round < 3 {
            // One of our own stale attempts may have caused it: try again.
            s.advance_to(l[0].1.expect("retried"));
            relogin(&mut s);
            s.take_events();
        } else {
            assert_eq!(l[0].1, None, "the third conflict means another client has this resource");
        }
    }

    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    s.answer_raw(200, &format!("<body xmlns='{HB}' {STREAM_NS} type='terminate' condition='remote-stream-error'>\
        <stream:error><system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>"));
    let l = lost(&s.take_events());
    assert!(matches!(&l[..], [(DisconnectReason::StreamError(_), Some(_))]));
}

#[test]
fn subscribe_item_not_found_is_surfaced_per_node() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    s.c.subscribe(TEAM_NODE).unwrap();
    s.c.subscribe("/finesse/api/Queue/9").unwrap();
    // Each command goes out at once, in its own request beside the held one.
    let team = s.next_with(|b| b.payloads.iter().any(|p| p.name == "iq")).payloads.remove(0);
    assert_eq!(
        team.to_string(),
        format!(
            "<iq xmlns=\"jabber:client\" type=\"set\" id=\"{}\" to=\"pubsub.finesse.example\">\
             <pubsub xmlns=\"http://jabber.org/protocol/pubsub\"><subscribe node=\"{TEAM_NODE}\" \
             jid=\"{JID}\"/></pubsub></iq>",
            team.get_attr("id").unwrap()
        )
    );
    s.answer(&format!(
        "<iq xmlns='jabber:client' type='result' from='pubsub.finesse.example' id='{}'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription node='{TEAM_NODE}' \
         jid='{JID}' subid='sub-7' subscription='subscribed'/></pubsub></iq>",
        team.get_attr("id").unwrap()
    ));
    let (queue_id, queue) = s.iq_id();
    assert!(queue.to_string().contains("node=\"/finesse/api/Queue/9\""));
    s.answer(&format!(
        "<iq xmlns='jabber:client' type='error' from='pubsub.finesse.example' id='{queue_id}'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    ));
    let events = s.take_events();
    assert!(events.contains(&Event::Subscribed {
        node: TEAM_NODE.into(),
        subid: Some("sub-7".into()),
        renewed: false
    }));
    assert!(events.iter().any(|e| matches!(e,
        Event::SubscribeFailed { node, error } if node == "/finesse/api/Queue/9" && error.condition == StanzaErrorCondition::ItemNotFound)));
    assert_eq!(s.c.subscriptions().collect::<Vec<_>>(), [TEAM_NODE]);
    assert_eq!(
        s.c.status(),
        ConnectionStatus::Connected,
        "a refused subscription is not a lost connection"
    );
}

#[test]
fn items_are_delivered_with_the_decoded_update_and_unknown_payloads_as_such() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    s.answer(&format!(
        "<message xmlns='jabber:client' from='pubsub.finesse.example' to='{JID}' id='m1'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='{USER_NODE}'>\
         <item id='i1'><notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;\
         &lt;event&gt;PUT&lt;/event&gt;&lt;requestId&gt;r-9&lt;/requestId&gt;&lt;source&gt;{USER_NODE}&lt;/source&gt;\
         &lt;data&gt;&lt;user&gt;&lt;state&gt;NOT_READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;/Update&gt;\
         </notification></item><item id='i2'><notification xmlns='http://jabber.org/protocol/pubsub'>\
         &lt;Gizmo/&gt;</notification></item></items></event></message>"
    ));
    let items: Vec<Event> =
        s.take_events().into_iter().filter(|e| matches!(e, Event::Item { .. })).collect();
    assert_eq!(items.len(), 2);
    let Event::Item { node, item_id, xml, payload } = &items[0] else { panic!("{items:?}") };
    assert_eq!((node.as_str(), item_id.as_deref()), (USER_NODE, Some("i1")));
    assert_eq!(
        xml.as_str(),
        format!(
            "<Update><event>PUT</event><requestId>r-9</requestId><source>{USER_NODE}</source>\
             <data><user><state>NOT_READY</state></user></data></Update>"
        ),
        "the payload text as received"
    );
    #[cfg(feature = "typed-items")]
    {
        let ItemPayload::Update(update) = payload else { panic!("{payload:?}") };
        assert_eq!(update.request_id.as_deref(), Some("r-9"));
        assert!(
            matches!(&items[1], Event::Item { xml: raw, payload: ItemPayload::Other { xml }, .. } if xml == "<Gizmo/>" && raw == "<Gizmo/>")
        );
    }
    #[cfg(not(feature = "typed-items"))]
    {
        assert_eq!(payload, &ItemPayload::Undecoded { xml: xml.clone() });
        assert!(
            matches!(&items[1], Event::Item { xml: raw, payload: ItemPayload::Undecoded { xml }, .. } if xml == "<Gizmo/>" && raw == "<Gizmo/>")
        );
    }
}

/// Whether `payload` is an `<Update>` item's: decoded with `typed-items`, as received without.
fn is_update(payload: &ItemPayload) -> bool {
    #[cfg(feature = "typed-items")]
    let update = matches!(payload, ItemPayload::Update(_));
    #[cfg(not(feature = "typed-items"))]
    let update = matches!(payload, ItemPayload::Undecoded { xml } if xml.starts_with("<Update>"));
    update
}

#[test]
fn pings_both_ways_and_a_missed_reply_is_a_dead_connection() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    // The server pings: the client answers.
    s.answer("<iq xmlns='jabber:client' from='finesse.example' to='1001001@finesse.example/finesse-gadget-test' \
              id='s2c1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    let body = s.next_payload_request();
    assert_eq!(
        body.payloads[0].to_string(),
        "<iq xmlns=\"jabber:client\" type=\"result\" id=\"s2c1\" to=\"finesse.example\"/>"
    );
    s.answer("");
    // The client pings every 30 s.
    let t0 = s.now;
    s.advance_to(t0 + 30_000);
    let (id, ping) = s.iq_id();
    assert!(ping::is_ping(&ping));
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'/>"));
    // The next ping goes unanswered: the connection is declared dead after the reply timeout
    // (over BOSH at least wait + margin + 2 s = 30 s, time to recover a lost response).
    s.advance_to(s.now + 30_000);
    let (_, ping) = s.iq_id();
    assert!(ping::is_ping(&ping));
    s.advance_to(s.now + 29_000);
    assert!(lost(&s.take_events()).is_empty());
    s.advance_to(s.now + 1_000);
    let l = lost(&s.take_events());
    assert_eq!(l[0].0, DisconnectReason::Timeout(TimeoutKind::Ping));
    assert!(l[0].1.is_some());
}

#[test]
fn unknown_iqs_get_service_unavailable_and_disco_is_answered() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.answer("<iq xmlns='jabber:client' from='x@finesse.example/y' id='q1' type='set'><weird xmlns='urn:x'/></iq>\
              <iq xmlns='jabber:client' from='x@finesse.example/y' id='q2' type='get'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    let body = s.next_payload_request();
    assert_eq!(
        body.payloads[0].to_string(),
        "<iq xmlns=\"jabber:client\" type=\"error\" id=\"q1\" to=\"x@finesse.example/y\"><error type=\"cancel\">\
         <service-unavailable xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error></iq>"
    );
    assert!(body.payloads[1].get_child("query", ns::DISCO_INFO).is_some());
}

#[test]
fn service_user_presence_is_surfaced_on_change() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    s.answer(
        "<presence xmlns='jabber:client' from='finesse@finesse.example/finesse'/>\
              <presence xmlns='jabber:client' from='finesse@finesse.example'/>\
              <presence xmlns='jabber:client' from='someone@finesse.example' type='unavailable'/>\
              <presence xmlns='jabber:client' from='finesse@other.example' type='unavailable'/>",
    );
    assert_eq!(s.take_events(), [Event::ServicePresence { available: true }]);
    assert_eq!(s.c.service_available(), Some(true));
    s.answer("<presence xmlns='jabber:client' from='finesse@finesse.example' type='unavailable'/>");
    assert_eq!(s.take_events(), [Event::ServicePresence { available: false }]);
}

fn subscribe_team(s: &mut Script) {
    s.c.subscribe(TEAM_NODE).unwrap();
    let (id, _) = s.iq_id();
    s.answer(&format!(
        "<iq xmlns='jabber:client' type='result' id='{id}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <subscription node='{TEAM_NODE}' jid='{JID}' subid='s1' subscription='subscribed'/></pubsub></iq>"
    ));
    assert!(s.take_events().iter().any(|e| matches!(e, Event::Subscribed { renewed: false, .. })));
}

/// Logs in again after a loss, up to the first request after the bind result.
fn relogin(s: &mut Script) {
    s.answer_raw(
        200,
        &format!("<body xmlns='{HB}' {STREAM_NS} sid='SID-2' requests='2'>{FEATURES_SASL}</body>"),
    );
    s.answer("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    s.answer(FEATURES_BIND);
    let (id, _) = s.iq_id();
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{JID}</jid></bind></iq>"));
}

#[test]
fn on_the_same_server_subscriptions_are_verified_and_only_missing_ones_renewed() {
    let mut s = Script::new(config(vec![bosh_a(), bosh_b()]));
    s.bosh_login();
    subscribe_team(&mut s);
    s.answer_raw(200, &format!("<body xmlns='{HB}' type='terminate' condition='item-not-found'/>"));
    let retry = lost(&s.take_events())[0].1.unwrap();
    s.advance_to(retry);
    assert_eq!(s.oldest_url(), bosh_a().url, "first retry: same server");
    relogin(&mut s);
    // Presence and the subscriptions query travel; the status stays "reconnecting".
    let (_, query) = s.iq_id();
    assert!(
        query
            .get_child("pubsub", ns::PUBSUB)
            .unwrap()
            .get_child("subscriptions", ns::PUBSUB)
            .is_some()
    );
    assert_eq!(s.c.status(), ConnectionStatus::Reconnecting);
    // The server still has it: connected without resubscribing.
    s.answer(&format!(
        "<iq xmlns='jabber:client' type='result' id='{}'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <subscriptions><subscription node='{TEAM_NODE}' jid='{JID}' subid='s1' subscription='subscribed'/>\
         <subscription node='{USER_NODE}' jid='1001001@finesse.example' subscription='subscribed'/>\
         </subscriptions></pubsub></iq>",
        query.get_attr("id").unwrap()
    ));
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
    assert!(!s.take_events().iter().any(|e| matches!(e, Event::Subscribed { .. })));

    // Next time the server has lost it: renewed before "connected".
    s.answer_raw(
        200,
        &format!("<body xmlns='{HB}' type='terminate' condition='system-shutdown'/>"),
    );
    let retry = lost(&s.take_events())[0].1.unwrap();
    s.advance_to(retry);
    relogin(&mut s);
    let (id, _) = s.iq_id();
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions/></pubsub></iq>"));
    assert_eq!(s.c.status(), ConnectionStatus::Reconnecting);
    let (id, sub) = s.iq_id();
    assert!(sub.to_string().contains("<subscribe"));
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'/>"));
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
    assert!(s.take_events().contains(&Event::Subscribed {
        node: TEAM_NODE.into(),
        subid: None,
        renewed: true
    }));
}

#[test]
fn after_failover_to_another_server_explicit_subscriptions_are_renewed() {
    let mut s =
        Script::new(ClientConfig { attempts_per_server: 1, ..config(vec![bosh_a(), bosh_b()]) });
    s.bosh_login();
    subscribe_team(&mut s);
    s.fail_oldest();
    // Retries of the same rid fail too (server A unreachable).
    for _ in 0..3 {
        let at = s.c.poll_timeout().unwrap();
        s.advance_to(at);
        s.fail_oldest();
    }
    let l = lost(&s.take_events());
    assert_eq!(l[0].0, DisconnectReason::RequestFailed);
    s.advance_to(l[0].1.unwrap());
    assert_eq!(s.oldest_url(), bosh_b().url);
    relogin(&mut s);
    // No query on a new server: straight to subscribe.
    let (id, sub) = s.iq_id();
    assert!(sub.to_string().contains(&format!("<subscribe node=\"{TEAM_NODE}\" jid=\"{JID}\"/>")));
    assert_eq!(s.c.status(), ConnectionStatus::Reconnecting);
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'/>"));
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
}

#[test]
fn the_server_saying_a_subscription_is_gone_renews_it() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    subscribe_team(&mut s);
    s.answer(&format!(
        "<message xmlns='jabber:client' from='pubsub.finesse.example'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <subscription node='{TEAM_NODE}' jid='{JID}' subscription='none'/></event></message>"
    ));
    let (_, sub) = s.iq_id();
    assert!(sub.to_string().contains("<subscribe"));
}

#[test]
fn shutdown_unsubscribes_then_terminates() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    subscribe_team(&mut s);
    s.c.shutdown(s.now);
    assert_eq!(s.statuses(), [ConnectionStatus::Disconnecting]);
    let (id, unsub) = s.iq_id();
    assert_eq!(
        unsub.to_string(),
        format!(
            "<iq xmlns=\"jabber:client\" type=\"set\" id=\"{id}\" to=\"pubsub.finesse.example\">\
                 <pubsub xmlns=\"http://jabber.org/protocol/pubsub\"><unsubscribe node=\"{TEAM_NODE}\" \
                 jid=\"{JID}\" subid=\"s1\"/></pubsub></iq>"
        )
    );
    s.answer(&format!("<iq xmlns='jabber:client' type='result' id='{id}'/>"));
    let term = s.next_with(|b| b.kind == BodyType::Terminate);
    assert_eq!(
        term.payloads[0].to_string(),
        "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>"
    );
    s.answer_raw(200, &format!("<body xmlns='{HB}' type='terminate'/>"));
    let events = s.take_events();
    assert!(events.contains(&Event::Unsubscribed { node: TEAM_NODE.into() }));
    assert_eq!(
        events.last(),
        Some(&Event::Status { status: ConnectionStatus::Disconnected, resource_id: None })
    );
    assert!(s.pending.is_empty());
    assert_eq!(s.c.poll_timeout(), None);
}

#[test]
fn shutdown_does_not_wait_forever_for_answers() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    subscribe_team(&mut s);
    s.c.shutdown(s.now);
    s.advance_to(s.now + 5_000);
    s.next_with(|b| b.kind == BodyType::Terminate);
    s.advance_to(s.now + 5_000);
    assert_eq!(s.c.status(), ConnectionStatus::Disconnected);
}

#[test]
fn unload_sends_one_terminate_body_with_everything() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    subscribe_team(&mut s);
    s.c.unload(s.now);
    s.pump();
    let (_, _, last) = s.pending.back().unwrap().clone();
    let body = Body::parse(&last).unwrap();
    assert_eq!(body.kind, BodyType::Terminate);
    assert!(body.payloads[0].to_string().contains("<unsubscribe"));
    assert_eq!(
        body.payloads[1].to_string(),
        "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>"
    );
    assert_eq!(s.statuses(), [ConnectionStatus::Unloading]);
    assert_eq!(s.c.poll_timeout(), None);
}

#[test]
fn unsubscribe_while_disconnected_happens_on_return_to_the_same_server() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    subscribe_team(&mut s);
    assert_eq!(s.c.unsubscribe("/nope"), Err(CommandError::NotSubscribed));
    s.answer_raw(200, &format!("<body xmlns='{HB}' type='terminate' condition='item-not-found'/>"));
    let retry = lost(&s.take_events())[0].1.unwrap();
    s.c.unsubscribe(TEAM_NODE).unwrap();
    assert_eq!(s.c.subscriptions().count(), 0);
    s.advance_to(retry);
    relogin(&mut s);
    let (id, unsub) = s.iq_id();
    assert!(unsub.to_string().contains("<unsubscribe"));
    assert_eq!(s.c.status(), ConnectionStatus::Connected, "cleanup does not hold up connecting");
    s.answer(&format!(
        "<iq xmlns='jabber:client' type='error' id='{id}'><error type='cancel'>\
        <unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
        <not-subscribed xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>"
    ));
    assert!(s.take_events().contains(&Event::Unsubscribed { node: TEAM_NODE.into() }));
}

#[test]
fn websocket_login_subscribe_item_and_close_in_literal_frames() {
    let mut s = Script::new(config(vec![Endpoint::websocket("wss://fin-a.example:7443/ws")]));
    s.c.connect(0);
    s.pump();
    assert_eq!(s.ws_open.as_deref(), Some("wss://fin-a.example:7443/ws"));
    s.c.handle_ws_open(1);
    s.pump();
    assert_eq!(
        s.frames,
        [
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"finesse.example\" version=\"1.0\"/>"
        ]
    );
    s.c.handle_ws_message("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='finesse.example' id='x1' version='1.0'/>", 2);
    s.c.handle_ws_message(&format!("<stream:features {STREAM_NS}><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"), 3);
    s.pump();
    assert_eq!(s.frames[1], sasl::plain_auth("1001001", "secret").to_string());
    s.c.handle_ws_message("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", 4);
    s.pump();
    assert_eq!(s.frames[2], s.frames[0], "a new <open/> after SASL (RFC 7395 §3.5)");
    s.c.handle_ws_message("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='finesse.example' id='x2' version='1.0'/>", 5);
    s.c.handle_ws_message(&format!("<stream:features {STREAM_NS}><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"), 6);
    s.pump();
    let bind = Element::parse(&s.frames[3]).unwrap();
    let id = bind.get_attr("id").unwrap();
    s.c.handle_ws_message(&format!("<iq xmlns='jabber:client' type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>{JID}</jid></bind></iq>"), 7);
    s.pump();
    assert_eq!(s.frames[4], "<presence xmlns=\"jabber:client\"/>");
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
    s.c.subscribe(TEAM_NODE).unwrap();
    s.pump();
    let sub = Element::parse(&s.frames[5]).unwrap();
    s.c.handle_ws_message(
        &format!("<iq xmlns='jabber:client' type='result' id='{}'/>", sub.get_attr("id").unwrap()),
        8,
    );
    s.c.handle_ws_message(&format!(
        "<message xmlns='jabber:client' from='pubsub.finesse.example'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='{TEAM_NODE}'><item id='t1'><notification xmlns='http://jabber.org/protocol/pubsub'>\
         &lt;Update&gt;&lt;event&gt;put&lt;/event&gt;&lt;/Update&gt;</notification></item></items></event></message>"), 9);
    let events = s.take_events();
    assert!(events.iter().any(|e| matches!(e, Event::Item { node, payload, .. } if node == TEAM_NODE && is_update(payload))));
    s.c.shutdown(10);
    s.pump();
    let unsub = Element::parse(s.frames.last().unwrap()).unwrap();
    s.c.handle_ws_message(
        &format!(
            "<iq xmlns='jabber:client' type='result' id='{}'/>",
            unsub.get_attr("id").unwrap()
        ),
        11,
    );
    s.pump();
    let n = s.frames.len();
    assert_eq!(
        s.frames[n - 2..],
        [
            "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>".to_owned(),
            "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>".to_owned()
        ]
    );
    s.c.handle_ws_message("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", 12);
    s.pump();
    assert!(s.ws_closed);
    assert_eq!(s.c.status(), ConnectionStatus::Disconnected);
}

#[test]
fn websocket_stream_errors_and_drops_reconnect() {
    let mut s = Script::new(config(vec![Endpoint::websocket("wss://fin-a.example:7443/ws")]));
    s.c.connect(0);
    s.c.handle_ws_closed(5);
    let l = lost(&s.take_events());
    assert_eq!(l[0].0, DisconnectReason::SocketClosed);
    s.advance_to(l[0].1.unwrap());
    assert!(s.ws_open.is_some());
    s.c.handle_ws_open(s.now);
    s.c.handle_ws_message(
        "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
        s.now,
    );
    let l = lost(&s.take_events());
    assert!(
        matches!(&l[0].0, DisconnectReason::StreamError(e) if e.condition == StreamErrorCondition::HostUnknown)
    );
    assert!(s.ws_closed);
}

#[test]
fn backoff_doubles_with_jitter_up_to_the_maximum() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    let mut delays = Vec::new();
    for _ in 0..10 {
        s.answer_raw(
            200,
            &format!("<body xmlns='{HB}' type='terminate' condition='remote-connection-failed'/>"),
        );
        let retry = lost(&s.take_events())[0].1.unwrap();
        delays.push(retry - s.now);
        s.advance_to(retry);
    }
    for (i, d) in delays.iter().enumerate() {
        let base = (1_000i64 << i).min(60_000);
        assert!((base / 2..=base).contains(d), "attempt {i}: {d} not in [{}, {base}]", base / 2);
    }
    assert!(delays.windows(2).any(|w| w[0] != w[1] / 2), "jitter varies the delays");
}

#[test]
fn hostile_and_malformed_input_never_panics_and_harmless_noise_is_ignored() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.bosh_login();
    s.take_events();
    let huge = "a".repeat(200_000);
    for payload in [
        "<message xmlns='jabber:client'><body>chat</body></message>".to_owned(),
        "<iq xmlns='jabber:client' type='result' id='fx99999'/>".to_owned(),
        "<iq xmlns='jabber:client' type='result' id='nothing-of-ours'/>".to_owned(),
        "<iq xmlns='jabber:client' type='weird' id='x'/>".to_owned(),
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>".to_owned(),
        format!("<presence xmlns='jabber:client' from='{huge}'/>"),
        format!("<message xmlns='jabber:client' x='{huge}'/>"),
        "<message xmlns='urn:wrong'><event xmlns='http://jabber.org/protocol/pubsub#event'/></message>".to_owned(),
        "<message xmlns='jabber:client'><event xmlns='http://jabber.org/protocol/pubsub#event'><items/></event></message>".to_owned(),
        format!("<stream:features>{FEATURES_BIND}</stream:features>"),
    ] {
        s.answer(&payload);
    }
    assert_eq!(s.c.status(), ConnectionStatus::Connected);
    assert!(lost(&s.take_events()).is_empty());
    // Not XML, wrong root, wrong namespace: retried (same rid) and, persisting, the session is lost.
    let rid = s.oldest().rid;
    s.answer_raw(200, "<body xmlns='urn:not-httpbind'/>");
    let at = s.c.poll_timeout().unwrap();
    s.advance_to(at);
    assert_eq!(s.oldest().rid, rid);
    for bad in ["<html>", "<body xmlns='http://jabber.org/protocol/httpbind' rid='zz'/>", "\u{0}"] {
        s.answer_raw(200, bad);
        let at = s.c.poll_timeout().unwrap();
        s.advance_to(at);
    }
    let l = lost(&s.take_events());
    assert!(
        matches!(&l[..], [(DisconnectReason::Protocol(ProtocolError::MalformedBody(_)), Some(_))]),
        "{l:?}"
    );
}

#[test]
fn bodies_over_the_limit_are_refused() {
    let mut s = Script::new(ClientConfig { max_inbound_bytes: 4096, ..config(vec![bosh_a()]) });
    s.bosh_login();
    s.take_events();
    s.answer(&format!(
        "<message xmlns='jabber:client'><body>{}</body></message>",
        "x".repeat(5000)
    ));
    assert_eq!(lost(&s.take_events())[0].0, DisconnectReason::Protocol(ProtocolError::TooLarge));
}

#[test]
fn status_strings_are_the_guides() {
    use ConnectionStatus as S;
    let all = [
        S::Connecting,
        S::Connected,
        S::Disconnected,
        S::Disconnecting,
        S::Reconnecting,
        S::Unloading,
    ];
    let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        ["connecting", "connected", "disconnected", "disconnecting", "reconnecting", "unloading"]
    );
}

#[test]
fn the_default_resource_is_a_seeded_finesse_gadget_name() {
    let c = Client::new(ClientConfig::new("u", "p", "d.example", vec![bosh_a()])).unwrap();
    assert!(
        c.resource().starts_with("finesse-gadget-") && c.resource().len() == 19,
        "{}",
        c.resource()
    );
    let again = Client::new(ClientConfig::new("u", "p", "d.example", vec![bosh_a()])).unwrap();
    assert_eq!(c.resource(), again.resource());
    assert_eq!(
        Client::new(ClientConfig {
            resource: Some("desktop".into()),
            ..ClientConfig::new("u", "p", "d.example", vec![bosh_a()])
        })
        .unwrap_err(),
        ConfigError::ReservedResource
    );
}

#[test]
fn the_connect_timeout_covers_a_stalled_negotiation() {
    let mut s = Script::new(config(vec![bosh_a()]));
    s.c.connect(0);
    s.answer_raw(
        200,
        &format!("<body xmlns='{HB}' {STREAM_NS} sid='S' requests='2'>{FEATURES_SASL}</body>"),
    );
    // The auth answer never comes (the request is held); the attempt times out.
    s.advance_to(30_000);
    let l = lost(&s.take_events());
    assert_eq!(l[0].0, DisconnectReason::Timeout(TimeoutKind::Connect));
}

#[test]
fn extreme_times_do_not_overflow() {
    let mut s = Script::new(config(vec![bosh_a(), Endpoint::websocket("wss://fin-b.example/ws")]));
    s.now = Millis::MAX - 1_000;
    s.bosh_login();
    s.c.subscribe(TEAM_NODE).unwrap();
    // Every deadline saturates at the end of time; each call still returns.
    for _ in 0..50 {
        s.c.handle_timeout(Millis::MAX);
        s.pump();
    }
    s.c.shutdown(Millis::MAX);
    s.pump();
    // Time going backwards is ignored (the clock never runs back inside the core).
    s.c.connect(Millis::MIN);
    s.c.handle_timeout(Millis::MIN);
    s.pump();
}
