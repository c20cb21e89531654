//! Scripted service tests: each protocol step and error path, with the client's side written
//! as literal XML.

use super::*;

type Auth = fn(&str, &str) -> bool;

const HB: &str = "http://jabber.org/protocol/httpbind";
const XB: &str = "xmlns:xmpp='urn:xmpp:xbosh'";

fn password_is_pw(_user: &str, password: &str) -> bool {
    password == "pw"
}

fn service() -> Service<Auth> {
    let cfg = ServiceConfig { seed: 7, ping_interval: 0, ..ServiceConfig::new("finesse.example") };
    Service::new(cfg, password_is_pw as Auth, 0)
}

fn now_body(reply: BoshReply) -> Body {
    match reply {
        BoshReply::Now { status: 200, body } => Body::parse(&body).unwrap(),
        other => panic!("expected an immediate answer, got {other:?}"),
    }
}

fn responses(svc: &mut Service<Auth>) -> Vec<(u64, Body)> {
    std::iter::from_fn(|| svc.poll_transmit())
        .filter_map(|t| match t {
            ServerTransmit::BoshResponse { token, status: 200, body } => {
                Some((token, Body::parse(&body).unwrap()))
            }
            _ => None,
        })
        .collect()
}

fn frames(svc: &mut Service<Auth>) -> Vec<String> {
    std::iter::from_fn(|| svc.poll_transmit())
        .map(|t| match t {
            ServerTransmit::WsFrame { text, .. } => text,
            ServerTransmit::WsClose { .. } => "CLOSE".into(),
            other => panic!("{other:?}"),
        })
        .collect()
}

/// A BOSH client written by hand.
struct Bosh {
    sid: String,
    rid: u64,
    token: u64,
}

impl Bosh {
    fn post(&mut self, svc: &mut Service<Auth>, now: Millis, payloads: &str) -> BoshReply {
        self.rid += 1;
        self.token += 1;
        let body =
            format!("<body xmlns='{HB}' rid='{}' sid='{}'>{payloads}</body>", self.rid, self.sid);
        svc.handle_bosh_request(self.token, &body, now)
    }

    fn post_attrs(&mut self, svc: &mut Service<Auth>, now: Millis, attrs: &str) -> BoshReply {
        self.rid += 1;
        self.token += 1;
        let body =
            format!("<body xmlns='{HB}' {XB} rid='{}' sid='{}' {attrs}/>", self.rid, self.sid);
        svc.handle_bosh_request(self.token, &body, now)
    }
}

/// Creates a session, authenticates, restarts, binds `resource`, sends presence; returns the
/// client with no request held.
fn login(svc: &mut Service<Auth>, user: &str, resource: &str) -> Bosh {
    let created = now_body(svc.handle_bosh_request(
        1000,
        &format!("<body xmlns='{HB}' {XB} rid='100' to='finesse.example' wait='60' hold='1' ver='1.6' xmpp:version='1.0'/>"),
        0,
    ));
    let mut c = Bosh { sid: created.sid.unwrap(), rid: 100, token: 1000 };
    let auth = sasl::plain_auth(user, "pw").to_string();
    assert_eq!(now_body(c.post(svc, 1, &auth)).payloads[0].name, "success");
    let features = now_body(c.post_attrs(svc, 2, "xmpp:restart='true' to='finesse.example'"));
    assert!(Features::parse(&features.payloads[0]).unwrap().bind);
    let bind = format!(
        "<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
         <resource>{resource}</resource></bind></iq>"
    );
    let bound = now_body(c.post(svc, 3, &bind));
    assert!(bound.payloads[0].to_string().contains(&format!("{user}@finesse.example/{resource}")));
    let presence = now_body(c.post(svc, 4, "<presence xmlns='jabber:client'/>"));
    assert_eq!(
        presence.payloads[0].to_string(),
        "<presence xmlns=\"jabber:client\" from=\"finesse@finesse.example\"/>",
        "the finesse service user's presence follows initial presence"
    );
    c
}

#[test]
fn session_creation_response_is_xep_0124_with_features() {
    let mut svc = service();
    let reply = svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' {XB} rid='1573741820' to='finesse.example' wait='120' hold='1' ver='1.6' xmpp:version='1.0'/>"),
        0,
    );
    let BoshReply::Now { status: 200, body } = reply else { panic!() };
    let parsed = Body::parse(&body).unwrap();
    let sid = parsed.sid.clone().unwrap();
    assert_eq!(
        body,
        format!(
            "<body xmlns=\"{HB}\" sid=\"{sid}\" from=\"finesse.example\" wait=\"60\" hold=\"1\" requests=\"2\" \
             inactivity=\"60\" polling=\"2\" ver=\"1.6\" xmpp:restartlogic=\"true\" authid=\"{}\" \
             xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:version=\"1.0\" xmlns:stream=\"http://etherx.jabber.org/streams\">\
             <stream:features><mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><mechanism>PLAIN</mechanism>\
             </mechanisms></stream:features></body>",
            parsed.other.iter().find(|(k, _)| k == "authid").unwrap().1
        ),
        "wait is capped at wait_max"
    );
}

#[test]
fn bad_session_requests_get_the_terminal_condition_they_deserve() {
    let mut svc = service();
    let terminate = |svc: &mut Service<Auth>, xml: &str| {
        let body = now_body(svc.handle_bosh_request(9, xml, 0));
        assert_eq!(body.kind, BodyType::Terminate, "{xml}");
        body.condition.unwrap()
    };
    assert_eq!(
        terminate(&mut svc, &format!("<body xmlns='{HB}' rid='1' to='other.example'/>")),
        TerminateCondition::HostUnknown
    );
    assert_eq!(
        terminate(&mut svc, &format!("<body xmlns='{HB}' rid='1'/>")),
        TerminateCondition::ImproperAddressing
    );
    assert_eq!(
        terminate(&mut svc, &format!("<body xmlns='{HB}' to='finesse.example'/>")),
        TerminateCondition::BadRequest
    );
    assert_eq!(
        terminate(&mut svc, "<body xmlns='urn:wrong' rid='1'/>"),
        TerminateCondition::BadRequest
    );
    assert_eq!(terminate(&mut svc, "not xml at all"), TerminateCondition::BadRequest);
    assert_eq!(
        terminate(&mut svc, &format!("<body xmlns='{HB}' rid='1' sid='nope'/>")),
        TerminateCondition::ItemNotFound
    );
    let huge =
        format!("<body xmlns='{HB}' rid='1' to='finesse.example' x='{}'/>", "a".repeat(300_000));
    assert_eq!(terminate(&mut svc, &huge), TerminateCondition::PolicyViolation);
    assert_eq!(svc.session_count(), 0);
}

#[test]
fn login_binds_and_subscribes_automatically() {
    let mut svc = service();
    let _c = login(&mut svc, "1001001", "finesse-gadget-a1b2");
    let jid = Jid::parse("1001001@finesse.example/finesse-gadget-a1b2").unwrap();
    assert_eq!(svc.bound_jids(), std::slice::from_ref(&jid));
    for node in auto_subscription_nodes("1001001") {
        assert_eq!(svc.subscribers(&node), [jid.to_bare()], "{node}");
    }
    let events: Vec<ServiceEvent> = std::iter::from_fn(|| svc.poll_event()).collect();
    assert_eq!(
        events,
        [ServiceEvent::Bound { jid: jid.clone() }, ServiceEvent::Presence { jid, available: true }]
    );
}

#[test]
fn a_wrong_password_gets_not_authorized_and_stanzas_before_auth_end_the_session() {
    let mut svc = service();
    let created = now_body(svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' rid='5' to='finesse.example'/>"),
        0,
    ));
    let mut c = Bosh { sid: created.sid.unwrap(), rid: 5, token: 1 };
    let bad = sasl::plain_auth("1001001", "wrong").to_string();
    assert_eq!(
        now_body(c.post(&mut svc, 1, &bad)).payloads[0].to_string(),
        "<failure xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><not-authorized/></failure>"
    );
    let garbage = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>@@@@</auth>";
    assert_eq!(
        now_body(c.post(&mut svc, 2, garbage)).payloads[0].to_string(),
        "<failure xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><incorrect-encoding/></failure>"
    );
    let body = now_body(c.post(&mut svc, 3, "<presence xmlns='jabber:client'/>"));
    assert_eq!(body.kind, BodyType::Terminate);
    assert_eq!(body.condition, Some(TerminateCondition::RemoteStreamError));
    assert_eq!(
        StreamError::parse(&body.payloads[0]).unwrap().condition,
        StreamErrorCondition::NotAuthorized
    );
    assert_eq!(svc.session_count(), 0);
}

#[test]
fn a_restart_before_authentication_is_a_bad_request() {
    let mut svc = service();
    let created = now_body(svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' rid='5' to='finesse.example'/>"),
        0,
    ));
    let mut c = Bosh { sid: created.sid.unwrap(), rid: 5, token: 1 };
    let body = now_body(c.post_attrs(&mut svc, 1, "xmpp:restart='true'"));
    assert_eq!(body.condition, Some(TerminateCondition::BadRequest));
}

#[test]
fn a_resource_is_assigned_when_none_is_asked_and_session_iq_is_answered() {
    let mut svc = service();
    let created = now_body(svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' {XB} rid='5' to='finesse.example'/>"),
        0,
    ));
    let mut c = Bosh { sid: created.sid.unwrap(), rid: 5, token: 1 };
    now_body(c.post(&mut svc, 1, &sasl::plain_auth("1001001@finesse.example", "pw").to_string()));
    now_body(c.post_attrs(&mut svc, 2, "xmpp:restart='true'"));
    let bound = now_body(c.post(&mut svc, 3, "<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"));
    let jid = features::parse_bind_result(&bound.payloads[0]).unwrap();
    assert!(jid.resource.as_deref().unwrap().starts_with("r-"));
    let session = now_body(c.post(&mut svc, 4, "<iq xmlns='jabber:client' type='set' id='s' to='finesse.example'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"));
    assert_eq!(
        session.payloads[0].to_string(),
        "<iq xmlns=\"jabber:client\" type=\"result\" id=\"s\" from=\"finesse.example\"/>"
    );
}

#[test]
fn an_empty_request_is_held_until_wait_expires_or_an_item_arrives() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 10, ""), BoshReply::Held);
    assert_eq!(svc.poll_timeout(), Some(10 + 60_000));
    svc.handle_timeout(10 + 60_000);
    let r = responses(&mut svc);
    assert_eq!(r.len(), 1);
    assert!(r[0].1.payloads.is_empty());
    assert_eq!(c.post(&mut svc, 60_011, ""), BoshReply::Held);
    let out = svc
        .publish(
            "/finesse/api/User/1001001",
            "<Update><event>PUT</event><requestId>r1</requestId></Update>",
            60_012,
        )
        .unwrap();
    assert_eq!(out.delivered, 1);
    let r = responses(&mut svc);
    assert_eq!(r[0].0, c.token);
    assert_eq!(
        r[0].1.payloads[0].to_string(),
        format!(
            "<message xmlns=\"jabber:client\" from=\"pubsub.finesse.example\" to=\"1001001@finesse.example/g\" \
             id=\"/finesse/api/User/1001001__1001001@finesse.example/g__1\"><event \
             xmlns=\"http://jabber.org/protocol/pubsub#event\"><items node=\"/finesse/api/User/1001001\">\
             <item id=\"{}\"><notification xmlns=\"http://jabber.org/protocol/pubsub\">&lt;Update&gt;&lt;event&gt;\
             PUT&lt;/event&gt;&lt;requestId&gt;r1&lt;/requestId&gt;&lt;/Update&gt;</notification></item></items>\
             </event></message>",
            out.item_id
        )
    );
}

#[test]
fn a_new_request_releases_the_held_one_and_data_answers_the_oldest() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 10, ""), BoshReply::Held);
    let first = c.token;
    // A second request with a ping: the held one is answered with the ping result at once.
    assert_eq!(
        c.post(
            &mut svc,
            11,
            "<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"
        ),
        BoshReply::Held
    );
    let r = responses(&mut svc);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, first);
    assert_eq!(
        r[0].1.payloads[0].to_string(),
        "<iq xmlns=\"jabber:client\" type=\"result\" id=\"p1\" from=\"finesse.example\"/>"
    );
}

#[test]
fn a_repeated_rid_gets_the_cached_response_and_rids_out_of_the_window_end_the_session() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    let reply = c.post(
        &mut svc,
        10,
        "<iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>",
    );
    let BoshReply::Now { body: first, .. } = reply else { panic!("{reply:?}") };
    // The response was lost: the client sends the same rid again.
    let again = svc.handle_bosh_request(77, &format!("<body xmlns='{HB}' rid='{}' sid='{}'><iq xmlns='jabber:client' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq></body>", c.rid, c.sid), 11);
    assert_eq!(again, BoshReply::Now { status: 200, body: first });
    // A rid two ahead of the window: terminate item-not-found.
    c.rid += 2;
    let body = now_body(c.post(&mut svc, 12, ""));
    assert_eq!(
        (body.kind, body.condition),
        (BodyType::Terminate, Some(TerminateCondition::ItemNotFound))
    );
    assert_eq!(svc.session_count(), 0);
}

#[test]
fn a_rid_too_old_for_the_cache_ends_the_session() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    let old = c.rid - 3;
    let body = now_body(svc.handle_bosh_request(
        99,
        &format!("<body xmlns='{HB}' rid='{old}' sid='{}'/>", c.sid),
        5,
    ));
    assert_eq!(body.condition, Some(TerminateCondition::ItemNotFound));
    let _ = c.post(&mut svc, 6, "");
}

#[test]
fn requests_arriving_out_of_order_are_processed_in_rid_order() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    let (sid, r1, r2) = (c.sid.clone(), c.rid + 1, c.rid + 2);
    // rid+2 (a ping) arrives first: it waits for rid+1.
    assert_eq!(
        svc.handle_bosh_request(501, &format!("<body xmlns='{HB}' rid='{r2}' sid='{sid}'><iq xmlns='jabber:client' type='get' id='late'><ping xmlns='urn:xmpp:ping'/></iq></body>"), 10),
        BoshReply::Held
    );
    assert!(responses(&mut svc).is_empty());
    // rid+1 arrives: it is answered with the ping result (oldest first), rid+2 stays held.
    let reply =
        svc.handle_bosh_request(500, &format!("<body xmlns='{HB}' rid='{r1}' sid='{sid}'/>"), 11);
    let BoshReply::Now { body, .. } = reply else { panic!("{reply:?}") };
    assert!(body.contains("id=\"late\""), "{body}");
    c.rid = r2;
    svc.handle_timeout(11 + 60_000);
    assert_eq!(responses(&mut svc).iter().map(|r| r.0).collect::<Vec<_>>(), [501]);
}

#[test]
fn a_request_sent_again_while_held_is_answered_on_both_connections() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 10, ""), BoshReply::Held);
    let again = svc.handle_bosh_request(
        555,
        &format!("<body xmlns='{HB}' rid='{}' sid='{}'/>", c.rid, c.sid),
        11,
    );
    assert_eq!(again, BoshReply::Held);
    svc.publish("/finesse/api/SystemInfo", "<Update/>", 12).unwrap();
    let tokens: Vec<u64> = responses(&mut svc).iter().map(|r| r.0).collect();
    assert_eq!(tokens, [c.token, 555]);
}

#[test]
fn subscribe_unsubscribe_and_list_with_literal_pubsub_xml() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    svc.ensure_node("/finesse/api/Team/1/Users");
    let sub = now_body(c.post(&mut svc, 10, "<iq xmlns='jabber:client' type='set' id='sub1' to='pubsub.finesse.example'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/Team/1/Users' \
        jid='1001001@finesse.example/g'/></pubsub></iq>"));
    let s = pubsub::parse_subscription(&sub.payloads[0]).unwrap();
    assert_eq!(s.state, SubscriptionState::Subscribed);
    let subid = s.subid.unwrap();
    // Subscribing again is idempotent: the same subscription id.
    let again = now_body(c.post(&mut svc, 11, "<iq xmlns='jabber:client' type='set' id='sub2' to='pubsub.finesse.example'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/Team/1/Users' \
        jid='1001001@finesse.example/g'/></pubsub></iq>"));
    assert_eq!(
        pubsub::parse_subscription(&again.payloads[0]).unwrap().subid.as_deref(),
        Some(subid.as_str())
    );
    let list = now_body(c.post(
        &mut svc,
        12,
        "<iq xmlns='jabber:client' type='get' id='l' to='pubsub.finesse.example'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions/></pubsub></iq>",
    ));
    assert_eq!(
        pubsub::parse_subscriptions(&list.payloads[0]).len(),
        5,
        "four automatic + one explicit"
    );
    let unsub = now_body(c.post(&mut svc, 13, &format!("<iq xmlns='jabber:client' type='set' id='u1' to='pubsub.finesse.example'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><unsubscribe node='/finesse/api/Team/1/Users' \
        jid='1001001@finesse.example/g' subid='{subid}'/></pubsub></iq>")));
    assert_eq!(unsub.payloads[0].to_string(), "<iq xmlns=\"jabber:client\" type=\"result\" id=\"u1\" to=\"1001001@finesse.example/g\" from=\"pubsub.finesse.example\"/>".replace(" to=\"1001001@finesse.example/g\"", ""));
    let twice = now_body(c.post(&mut svc, 14, "<iq xmlns='jabber:client' type='set' id='u2' to='pubsub.finesse.example'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><unsubscribe node='/finesse/api/Team/1/Users' \
        jid='1001001@finesse.example/g'/></pubsub></iq>"));
    let err = StanzaError::of(&twice.payloads[0]).unwrap();
    assert_eq!(
        (err.condition, err.pubsub_condition.as_deref()),
        (StanzaErrorCondition::UnexpectedRequest, Some("not-subscribed"))
    );
}

#[test]
fn pubsub_errors_item_not_found_invalid_jid_and_unsupported() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    let cases = [
        (
            "<subscribe node='/finesse/api/Queue/404' jid='1001001@finesse.example/g'/>",
            StanzaErrorCondition::ItemNotFound,
            None,
        ),
        (
            "<subscribe node='/finesse/api/SystemInfo' jid='someone-else@finesse.example/x'/>",
            StanzaErrorCondition::BadRequest,
            Some("invalid-jid"),
        ),
        ("<subscribe node='/finesse/api/SystemInfo'/>", StanzaErrorCondition::BadRequest, None),
        (
            "<publish node='/finesse/api/SystemInfo'/>",
            StanzaErrorCondition::FeatureNotImplemented,
            None,
        ),
        (
            "<unsubscribe node='/x' jid='1001001@finesse.example/g'/>",
            StanzaErrorCondition::ItemNotFound,
            None,
        ),
        (
            "<unsubscribe node='/finesse/api/SystemInfo' jid='other@finesse.example'/>",
            StanzaErrorCondition::Forbidden,
            None,
        ),
    ];
    for (i, (op, condition, app)) in cases.into_iter().enumerate() {
        let body = now_body(c.post(
            &mut svc,
            10 + i as Millis,
            &format!(
                "<iq xmlns='jabber:client' type='set' id='e{i}' to='pubsub.finesse.example'>\
             <pubsub xmlns='http://jabber.org/protocol/pubsub'>{op}</pubsub></iq>"
            ),
        ));
        let err = StanzaError::of(&body.payloads[0]).unwrap();
        assert_eq!(err.condition, condition, "{op}");
        assert_eq!(err.pubsub_condition.as_deref(), app, "{op}");
    }
}

#[test]
fn subscriptions_persist_across_a_restart_of_the_listener() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    svc.ensure_node("/q");
    now_body(c.post(&mut svc, 5, "<iq xmlns='jabber:client' type='set' id='s' to='pubsub.finesse.example'><pubsub \
        xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/q' jid='1001001@finesse.example/g'/></pubsub></iq>"));
    assert_eq!(c.post(&mut svc, 6, ""), BoshReply::Held);
    svc.drop_all_sessions(7);
    assert_eq!(
        std::iter::from_fn(|| svc.poll_transmit()).collect::<Vec<_>>(),
        [ServerTransmit::BoshAbort { token: c.token }]
    );
    assert_eq!(svc.session_count(), 0);
    // The old session is gone.
    assert_eq!(now_body(c.post(&mut svc, 8, "")).condition, Some(TerminateCondition::ItemNotFound));
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 9, ""), BoshReply::Held);
    assert_eq!(svc.publish("/q", "<Update/>", 10).unwrap().delivered, 1);
    assert_eq!(responses(&mut svc).len(), 1);
}

#[test]
fn binding_the_same_full_jid_again_replaces_the_old_session_with_conflict() {
    let mut svc = service();
    let mut old = login(&mut svc, "1001001", "g");
    assert_eq!(old.post(&mut svc, 5, ""), BoshReply::Held);
    let _new = login(&mut svc, "1001001", "g");
    let r = responses(&mut svc);
    let (token, body) = r.iter().find(|(t, _)| *t == old.token).unwrap();
    assert_eq!(*token, old.token);
    assert_eq!(body.condition, Some(TerminateCondition::RemoteStreamError));
    assert_eq!(
        StreamError::parse(&body.payloads[0]).unwrap().condition,
        StreamErrorCondition::Conflict
    );
    assert_eq!(svc.session_count(), 1);
    let events: Vec<ServiceEvent> = std::iter::from_fn(|| svc.poll_event()).collect();
    assert!(events.contains(&ServiceEvent::Unbound {
        jid: Jid::parse("1001001@finesse.example/g").unwrap()
    }));
}

#[test]
fn an_inactive_session_ends() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(svc.poll_timeout(), Some(4 + 60_000));
    svc.handle_timeout(4 + 60_000);
    assert_eq!(svc.session_count(), 0);
    assert_eq!(
        now_body(c.post(&mut svc, 60_005, "")).condition,
        Some(TerminateCondition::ItemNotFound)
    );
}

#[test]
fn the_service_pings_and_ends_sessions_that_do_not_answer() {
    let cfg = ServiceConfig {
        ping_interval: 1_000,
        ping_timeout: 500,
        ..ServiceConfig::new("finesse.example")
    };
    let mut svc = Service::new(cfg, password_is_pw as Auth, 0);
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 5, ""), BoshReply::Held);
    svc.handle_timeout(3 + 1_000);
    let r = responses(&mut svc);
    let ping = &r[0].1.payloads[0];
    assert!(ping::is_ping(ping));
    assert_eq!(ping.get_attr("to"), Some("1001001@finesse.example/g"));
    // Answered: the session lives on.
    let pong =
        format!("<iq xmlns='jabber:client' type='result' id='{}'/>", ping.get_attr("id").unwrap());
    assert_eq!(c.post(&mut svc, 1_100, &pong), BoshReply::Held);
    svc.handle_timeout(1_600);
    assert_eq!(svc.session_count(), 1);
    // The next ping is not answered (the client keeps a request held).
    svc.handle_timeout(2_003);
    assert_eq!(c.post(&mut svc, 2_100, ""), BoshReply::Held);
    svc.handle_timeout(2_503);
    assert_eq!(svc.session_count(), 0);
    let r = responses(&mut svc);
    let last = &r.last().unwrap().1;
    assert_eq!(
        StreamError::parse(last.payloads.last().unwrap()).unwrap().condition,
        StreamErrorCondition::ConnectionTimeout
    );
}

#[test]
fn service_presence_is_broadcast_to_sessions_with_presence() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 5, ""), BoshReply::Held);
    svc.set_service_presence(false, 6);
    let r = responses(&mut svc);
    assert_eq!(
        r[0].1.payloads[0].to_string(),
        "<presence xmlns=\"jabber:client\" type=\"unavailable\" from=\"finesse@finesse.example\"/>"
    );
    svc.set_service_presence(false, 7);
    assert!(responses(&mut svc).is_empty(), "no change, no broadcast");
    assert!(!svc.service_presence());
}

#[test]
fn paused_service_holds_responses_until_resumed() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    svc.set_paused(true, 5);
    assert_eq!(
        c.post(
            &mut svc,
            6,
            "<iq xmlns='jabber:client' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>"
        ),
        BoshReply::Held
    );
    svc.publish("/finesse/api/User/1001001", "<Update/>", 7).unwrap();
    assert!(svc.poll_transmit().is_none());
    svc.set_paused(false, 8);
    let r = responses(&mut svc);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].1.payloads.len(), 1, "the ping result; the item waits for the next request");
    let BoshReply::Now { body, .. } = c.post(&mut svc, 9, "") else {
        panic!("the queued item answers at once")
    };
    assert_eq!(Body::parse(&body).unwrap().payloads[0].name, "message");
}

#[test]
fn a_client_terminate_ends_the_session_and_answers_every_held_request() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 5, ""), BoshReply::Held);
    let held = c.token;
    let reply = c.post(&mut svc, 6, "<presence xmlns='jabber:client' type='unavailable'/>");
    // The terminate request above was not a terminate: now send one.
    assert!(matches!(reply, BoshReply::Held | BoshReply::Now { .. }));
    let _ = responses(&mut svc);
    let term = svc.handle_bosh_request(
        900,
        &format!("<body xmlns='{HB}' rid='{}' sid='{}' type='terminate'/>", c.rid + 1, c.sid),
        7,
    );
    assert_eq!(now_body(term).kind, BodyType::Terminate);
    assert!(responses(&mut svc).iter().all(|(_, b)| b.kind == BodyType::Terminate));
    assert_eq!(svc.session_count(), 0);
    assert!(held > 0);
    let events: Vec<ServiceEvent> = std::iter::from_fn(|| svc.poll_event()).collect();
    assert!(events.iter().any(|e| matches!(e, ServiceEvent::Presence { available: false, .. })));
}

#[test]
fn a_slow_client_whose_queue_overflows_is_ended() {
    let cfg =
        ServiceConfig { max_queued: 3, ping_interval: 0, ..ServiceConfig::new("finesse.example") };
    let mut svc = Service::new(cfg, password_is_pw as Auth, 0);
    let mut c = login(&mut svc, "1001001", "g");
    for i in 0..4 {
        svc.publish("/finesse/api/SystemInfo", "<Update/>", 10 + i).unwrap();
    }
    assert_eq!(svc.session_count(), 0);
    assert_eq!(
        now_body(c.post(&mut svc, 20, "")).condition,
        Some(TerminateCondition::ItemNotFound)
    );
}

#[test]
fn unknown_iqs_get_service_unavailable_and_disco_is_minimal() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    let body = now_body(c.post(
        &mut svc,
        5,
        "<iq xmlns='jabber:client' type='get' id='v'><query xmlns='jabber:iq:version'/></iq>",
    ));
    assert_eq!(
        StanzaError::of(&body.payloads[0]).unwrap().condition,
        StanzaErrorCondition::ServiceUnavailable
    );
    let body = now_body(c.post(&mut svc, 6, "<iq xmlns='jabber:client' type='get' id='d' to='finesse.example'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
    assert!(body.payloads[0].to_string().contains("category=\"server\""));
    let body = now_body(c.post(&mut svc, 7, "<iq xmlns='jabber:client' type='get' id='d2' to='pubsub.finesse.example'><query xmlns='http://jabber.org/protocol/disco#info' node='/nope'/></iq>"));
    assert_eq!(
        StanzaError::of(&body.payloads[0]).unwrap().condition,
        StanzaErrorCondition::ItemNotFound
    );
    let body = now_body(c.post(&mut svc, 8, "<iq xmlns='jabber:client' type='get' id='d3' to='someone@finesse.example/x'><ping xmlns='urn:xmpp:ping'/></iq>"));
    assert_eq!(
        StanzaError::of(&body.payloads[0]).unwrap().condition,
        StanzaErrorCondition::ServiceUnavailable
    );
    // Messages go nowhere and are not errors.
    assert_eq!(
        c.post(
            &mut svc,
            9,
            "<message xmlns='jabber:client' to='x@finesse.example'><body>hi</body></message>"
        ),
        BoshReply::Held
    );
}

#[test]
fn revoking_a_subscription_tells_the_subscriber() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 5, ""), BoshReply::Held);
    let bare = Jid::parse("1001001@finesse.example").unwrap();
    assert!(svc.revoke_subscription("/finesse/api/SystemInfo", &bare, 6));
    assert!(!svc.revoke_subscription("/finesse/api/SystemInfo", &bare, 6));
    assert!(
        responses(&mut svc).is_empty(),
        "a bare-JID subscription has no single session to tell"
    );
    svc.ensure_node("/q");
    let full = Jid::parse("1001001@finesse.example/g").unwrap();
    let _ = c.post(&mut svc, 7, "<iq xmlns='jabber:client' type='set' id='s' to='pubsub.finesse.example'><pubsub \
        xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/q' jid='1001001@finesse.example/g'/></pubsub></iq>");
    let _ = responses(&mut svc);
    let _ = c.post(&mut svc, 8, "");
    assert!(svc.revoke_subscription("/q", &full, 9));
    let r = responses(&mut svc);
    assert!(
        matches!(pubsub::parse_event(&r.last().unwrap().1.payloads[0]), Some(pubsub::PubsubEvent::Subscription(s)) if s.state == SubscriptionState::Unsubscribed)
    );
}

#[test]
fn websocket_session_in_literal_frames() {
    let mut svc = service();
    svc.ws_open(1, 0);
    svc.ws_frame(
        1,
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example' version='1.0'/>",
        1,
    );
    let f = frames(&mut svc);
    assert!(
        f[0].starts_with(
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" from=\"finesse.example\" id=\""
        ),
        "{}",
        f[0]
    );
    assert_eq!(
        f[1],
        "<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\"><mechanisms \
        xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><mechanism>PLAIN</mechanism></mechanisms></stream:features>"
    );
    svc.ws_frame(1, &sasl::plain_auth("1001001", "pw").to_string(), 2);
    assert_eq!(frames(&mut svc), ["<success xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>"]);
    svc.ws_frame(
        1,
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example' version='1.0'/>",
        3,
    );
    let f = frames(&mut svc);
    assert!(f[1].contains("<bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/>"));
    svc.ws_frame(1, "<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>w</resource></bind></iq>", 4);
    assert!(frames(&mut svc)[0].contains("<jid>1001001@finesse.example/w</jid>"));
    svc.ws_frame(1, "<presence xmlns='jabber:client'/>", 5);
    assert_eq!(
        frames(&mut svc),
        ["<presence xmlns=\"jabber:client\" from=\"finesse@finesse.example\"/>"]
    );
    svc.publish("/finesse/api/User/1001001", "<Update/>", 6).unwrap();
    assert!(
        frames(&mut svc)[0]
            .starts_with("<message xmlns=\"jabber:client\" from=\"pubsub.finesse.example\"")
    );
    svc.ws_frame(1, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", 7);
    assert_eq!(
        frames(&mut svc),
        ["<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>", "CLOSE"]
    );
    assert_eq!(svc.session_count(), 0);
}

#[test]
fn websocket_errors_end_the_stream_with_the_right_condition() {
    let cases: [(&[&str], StreamErrorCondition); 4] = [
        (
            &[
                "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='other.example' version='1.0'/>",
            ],
            StreamErrorCondition::HostUnknown,
        ),
        (
            &["<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example'"],
            StreamErrorCondition::NotWellFormed,
        ),
        (&["<presence xmlns='jabber:client'/>"], StreamErrorCondition::NotAuthorized),
        (
            &[
                "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example'/>",
                "<iq xmlns='jabber:client' type='get' id='x'/>",
            ],
            StreamErrorCondition::NotAuthorized,
        ),
    ];
    for (input, condition) in cases {
        let mut svc = service();
        svc.ws_open(9, 0);
        for frame in input {
            svc.ws_frame(9, frame, 1);
        }
        let f = frames(&mut svc);
        let n = f.len();
        assert_eq!(f[n - 1], "CLOSE", "{input:?}");
        assert_eq!(f[n - 2], "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>");
        let err = StreamError::parse(&Element::parse(&f[n - 3]).unwrap()).unwrap();
        assert_eq!(err.condition, condition, "{input:?}");
        assert_eq!(svc.session_count(), 0);
    }
}

#[test]
fn terminate_all_sessions_is_a_graceful_system_shutdown() {
    let mut svc = service();
    let mut c = login(&mut svc, "1001001", "g");
    assert_eq!(c.post(&mut svc, 5, ""), BoshReply::Held);
    svc.ws_open(3, 5);
    svc.ws_frame(3, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example'/>", 5);
    let _ = svc.poll_transmit();
    let _ = svc.poll_transmit();
    svc.terminate_all_sessions(6);
    let out: Vec<ServerTransmit> = std::iter::from_fn(|| svc.poll_transmit()).collect();
    assert!(
        matches!(&out[0], ServerTransmit::BoshResponse { body, .. } if body.contains("condition=\"system-shutdown\""))
    );
    assert!(
        matches!(&out[1], ServerTransmit::WsFrame { text, .. } if text.contains("<system-shutdown"))
    );
    assert_eq!(out.last(), Some(&ServerTransmit::WsClose { conn: 3 }));
}

#[test]
fn extreme_rids_and_times_do_not_overflow() {
    let mut svc = service();
    let body = now_body(svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' rid='18446744073709551615' to='finesse.example'/>"),
        0,
    ));
    assert_eq!(body.condition, Some(TerminateCondition::BadRequest));
    let body = now_body(svc.handle_bosh_request(
        2,
        &format!(
            "<body xmlns='{HB}' rid='9007199254740991' to='finesse.example' hold='4294967295'/>"
        ),
        Millis::MAX - 5,
    ));
    assert!(body.sid.is_some());
    svc.handle_timeout(Millis::MAX);
    let cfg = ServiceConfig {
        ping_interval: Millis::MAX,
        ping_timeout: Millis::MAX,
        bosh: BoshLimits {
            wait_max: u32::MAX,
            inactivity: u32::MAX,
            requests: u32::MAX,
            hold: u32::MAX,
        },
        ..ServiceConfig::new("finesse.example")
    };
    let mut svc = Service::new(cfg, password_is_pw as Auth, Millis::MAX - 1);
    let _c = login(&mut svc, "1001001", "g");
    for _ in 0..10 {
        svc.handle_timeout(Millis::MAX);
    }
}

#[test]
fn an_early_request_whose_payload_ends_the_session_is_still_answered() {
    let mut svc = service();
    let created = now_body(svc.handle_bosh_request(
        1,
        &format!("<body xmlns='{HB}' rid='10' to='finesse.example'/>"),
        0,
    ));
    let sid = created.sid.unwrap();
    // rid 12 (a stanza before authentication) arrives before rid 11.
    let early = svc.handle_bosh_request(
        3,
        &format!(
            "<body xmlns='{HB}' rid='12' sid='{sid}'><presence xmlns='jabber:client'/></body>"
        ),
        1,
    );
    assert_eq!(early, BoshReply::Held);
    let reply =
        svc.handle_bosh_request(2, &format!("<body xmlns='{HB}' rid='11' sid='{sid}'/>"), 2);
    let BoshReply::Now { body, .. } = reply else { panic!("{reply:?}") };
    assert!(body.contains("remote-stream-error"), "{body}");
    let r = responses(&mut svc);
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].0, r[0].1.condition.clone()),
        (3, Some(TerminateCondition::RemoteStreamError))
    );
    assert_eq!(svc.session_count(), 0);
}
