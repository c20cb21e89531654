//! The master alone: inputs in, `poll_*` out. The scenarios with several gadgets on a hub are
//! in `tests/gadgets.rs`.

use super::*;
use finesse_xmpp::stanza::{ErrorType, StanzaErrorCondition};
use serde_json::json;

const TEAM: &str = "/finesse/api/Team/7/Users";

fn status(status: ConnectionStatus) -> Event {
    Event::Status {
        status,
        resource_id: (status == ConnectionStatus::Connected).then(|| "finesse-gadget-x".into()),
    }
}

fn drain(m: &mut Master) -> (Vec<Publish>, Vec<Command>) {
    let publishes = std::iter::from_fn(|| m.poll_publish()).collect();
    let commands = std::iter::from_fn(|| m.poll_command()).collect();
    (publishes, commands)
}

fn connected() -> Master {
    let mut m = Master::new(0);
    m.handle_client_event(&status(ConnectionStatus::Connected), 0);
    drain(&mut m);
    m
}

fn subscribe(id: &str) -> Value {
    json!({"type": "SubscribeNodeReq", "data": {"node": TEAM}, "invokeID": id})
}

fn unsubscribe(id: &str) -> Value {
    json!({"type": "UnsubscribeNodeReq", "data": {"node": TEAM, "subid": "x"}, "invokeID": id})
}

fn answer(topic_id: &str, payload: Value) -> Publish {
    Publish { topic: format!("finesse.info.responses.{topic_id}"), payload }
}

#[test]
fn publishes_each_status_change_once() {
    let mut m = Master::new(0);
    m.handle_client_event(&status(ConnectionStatus::Connecting), 1);
    m.handle_client_event(&status(ConnectionStatus::Connecting), 2);
    m.handle_client_event(&status(ConnectionStatus::Connected), 3);
    let (publishes, commands) = drain(&mut m);
    assert!(commands.is_empty());
    assert_eq!(
        publishes,
        [
            Publish {
                topic: "finesse.info.connection".into(),
                payload: json!({"status": "connecting"})
            },
            Publish {
                topic: "finesse.info.connection".into(),
                payload: json!({"status": "connected", "resourceID": "finesse-gadget-x"})
            },
        ]
    );
    assert_eq!(m.status(), Some(ConnectionStatus::Connected));
}

#[test]
fn connection_info_req_is_answered_on_the_connection_topic() {
    let mut m = Master::new(0);
    m.handle_request(
        &json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": 1_700_000_000_000_u64}),
        1,
    );
    let (publishes, _) = drain(&mut m);
    assert_eq!(
        publishes,
        [Publish {
            topic: "finesse.info.connection".into(),
            payload: json!({"invokeID": 1_700_000_000_000_u64})
        }]
    );
    m.handle_client_event(&status(ConnectionStatus::Connected), 2);
    drain(&mut m);
    m.handle_request(&json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": "abc"}), 3);
    m.handle_request(&json!({"type": "ConnectionInfoReq", "data": {}}), 3);
    let (publishes, _) = drain(&mut m);
    assert_eq!(
        publishes.iter().map(|p| p.payload.clone()).collect::<Vec<_>>(),
        [
            json!({"status": "connected", "resourceID": "finesse-gadget-x", "invokeID": "abc"}),
            json!({"status": "connected", "resourceID": "finesse-gadget-x"}),
        ]
    );
}

#[test]
fn connection_req_connects_only_when_disconnected() {
    let req = json!({"type": "ConnectionReq", "data": {"id": "1001", "password": "p", "xmppDomain": "d"}});
    let mut m = Master::new(0);
    m.handle_request(&req, 0);
    assert_eq!(drain(&mut m), (vec![], vec![Command::Connect]), "no answer, one connect");
    m.handle_client_event(&status(ConnectionStatus::Connecting), 1);
    drain(&mut m);
    m.handle_request(&req, 1);
    assert!(drain(&mut m).1.is_empty());
    m.handle_client_event(&status(ConnectionStatus::Disconnected), 2);
    drain(&mut m);
    m.handle_request(&req, 2);
    assert_eq!(drain(&mut m).1, [Command::Connect]);
}

#[test]
fn reference_counting_follows_the_master_protocol() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_request(&subscribe("b"), 1);
    assert_eq!(drain(&mut m), (vec![], vec![Command::Subscribe(TEAM.into())]));
    assert_eq!(m.waiting_requests(), 2);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 2);
    assert_eq!(drain(&mut m).0, [answer("a", Value::Null), answer("b", Value::Null)]);
    m.handle_request(&subscribe("c"), 3);
    assert_eq!(drain(&mut m).0, [answer("c", Value::Null)], "answered at once");
    assert_eq!(m.subscribers(TEAM), 3);
    m.handle_request(&unsubscribe("u1"), 4);
    m.handle_request(&unsubscribe("u2"), 4);
    assert_eq!(drain(&mut m), (vec![answer("u1", Value::Null), answer("u2", Value::Null)], vec![]));
    m.handle_request(&unsubscribe("u3"), 5);
    assert_eq!(drain(&mut m), (vec![], vec![Command::Unsubscribe(TEAM.into())]));
    // A subscribe during the unsubscribe is held ...
    m.handle_request(&subscribe("d"), 6);
    assert_eq!(drain(&mut m), (vec![], vec![]));
    // ... and carried out after it.
    m.handle_client_event(&Event::Unsubscribed { node: TEAM.into() }, 7);
    assert_eq!(
        drain(&mut m),
        (vec![answer("u3", Value::Null)], vec![Command::Subscribe(TEAM.into())])
    );
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 8);
    assert_eq!(drain(&mut m).0, [answer("d", Value::Null)]);
    assert_eq!(m.subscribers(TEAM), 1);
    let stats = m.stats();
    assert_eq!((stats.requests, stats.accepted, stats.rejected, stats.ignored), (7, 7, 0, 0));
}

#[test]
fn unsubscribing_what_is_unknown_or_not_yet_active_succeeds_at_once() {
    let mut m = connected();
    m.handle_request(&unsubscribe("u0"), 1);
    assert_eq!(drain(&mut m), (vec![answer("u0", Value::Null)], vec![]));
    m.handle_request(&subscribe("a"), 1);
    drain(&mut m);
    m.handle_request(&unsubscribe("u1"), 2);
    assert_eq!(drain(&mut m), (vec![answer("u1", Value::Null)], vec![]), "active count is 0");
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 3);
    assert_eq!(drain(&mut m).0, [answer("a", Value::Null)]);
    assert_eq!(m.subscribers(TEAM), 1);
}

#[test]
fn requests_while_not_connected_get_the_not_connected_errors() {
    let mut m = Master::new(0);
    m.handle_request(&subscribe("a"), 1);
    let (publishes, commands) = drain(&mut m);
    assert!(commands.is_empty());
    assert_eq!(
        publishes,
        [answer(
            "a",
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot subscribe without connection."}})
        )]
    );
    // Unsubscribing a node nobody subscribed succeeds even then (§7.4 step 1) ...
    m.handle_request(&unsubscribe("u"), 1);
    assert_eq!(drain(&mut m).0, [answer("u", Value::Null)]);
    // ... but a known node needs the connection.
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 2);
    m.handle_client_event(&status(ConnectionStatus::Reconnecting), 3);
    drain(&mut m);
    m.handle_request(&unsubscribe("u"), 4);
    assert_eq!(
        drain(&mut m).0,
        [answer(
            "u",
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot unsubscribe without connection."}})
        )]
    );
}

#[test]
fn an_xmpp_refusal_goes_to_every_waiting_requester() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_request(&subscribe("b"), 1);
    drain(&mut m);
    let error = StanzaError::new(ErrorType::Cancel, StanzaErrorCondition::ItemNotFound);
    m.handle_client_event(&Event::SubscribeFailed { node: TEAM.into(), error }, 2);
    let expected = json!({"subscribe": {
        "content": "<error type=\"cancel\"><item-not-found xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error>",
        "object": {"error": {"@type": "cancel", "item-not-found": {"@xmlns": "urn:ietf:params:xml:ns:xmpp-stanzas"}}}
    }});
    assert_eq!(drain(&mut m).0, [answer("a", expected.clone()), answer("b", expected)]);
    assert_eq!(m.subscribers(TEAM), 0);
    // The node is forgotten: the next subscribe tries again.
    m.handle_request(&subscribe("c"), 3);
    assert_eq!(drain(&mut m).1, [Command::Subscribe(TEAM.into())]);
}

#[test]
fn a_failed_unsubscribe_answers_with_the_error_and_still_serves_held_requests() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 1);
    m.handle_request(&unsubscribe("u"), 2);
    m.handle_request(&subscribe("held"), 2);
    drain(&mut m);
    let error = StanzaError::new(ErrorType::Auth, StanzaErrorCondition::Forbidden);
    m.handle_client_event(&Event::UnsubscribeFailed { node: TEAM.into(), error }, 3);
    let (publishes, commands) = drain(&mut m);
    assert_eq!(publishes.len(), 1);
    assert_eq!(publishes[0].topic, "finesse.info.responses.u");
    assert_eq!(publishes[0].payload["subscribe"]["object"]["error"]["@type"], json!("auth"));
    assert_eq!(commands, [Command::Subscribe(TEAM.into())], "the held subscribe is carried out");
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 4);
    assert_eq!(drain(&mut m).0, [answer("held", Value::Null)]);
}

#[test]
fn leaving_connected_fails_every_waiting_request_once() {
    let mut m = connected();
    let other = "/finesse/api/Queue/3";
    m.handle_request(&subscribe("a"), 1);
    m.handle_request(
        &json!({"type": "SubscribeNodeReq", "data": {"node": other}, "invokeID": "q"}),
        1,
    );
    m.handle_client_event(
        &Event::Subscribed { node: other.into(), subid: None, renewed: false },
        1,
    );
    m.handle_request(
        &json!({"type": "UnsubscribeNodeReq", "data": {"node": other}, "invokeID": "uq"}),
        2,
    );
    m.handle_request(
        &json!({"type": "SubscribeNodeReq", "data": {"node": other}, "invokeID": "held"}),
        2,
    );
    drain(&mut m);
    assert_eq!(m.waiting_requests(), 3);
    m.handle_client_event(&status(ConnectionStatus::Reconnecting), 3);
    let (publishes, _) = drain(&mut m);
    let disconnected = json!({"error": {"errorType": "Disconnected", "errorMessage": "Outstanding request will never complete."}});
    assert_eq!(publishes[0].topic, "finesse.info.connection");
    let mut answered: Vec<Publish> = publishes[1..].to_vec();
    answered.sort_by(|a, b| a.topic.cmp(&b.topic));
    assert_eq!(
        answered,
        [
            answer("a", disconnected.clone()),
            answer("held", disconnected.clone()),
            answer("uq", disconnected)
        ]
    );
    assert_eq!(m.waiting_requests(), 0);
    // A second status change does not answer them again.
    m.handle_client_event(&status(ConnectionStatus::Connecting), 4);
    assert_eq!(drain(&mut m).0.len(), 1);
    // Back connected, the team subscribe the client completes has nobody left: undone.
    m.handle_client_event(&status(ConnectionStatus::Connected), 5);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 5);
    let (publishes, commands) = drain(&mut m);
    assert_eq!(publishes.len(), 1, "only the status");
    assert_eq!(commands, [Command::Unsubscribe(TEAM.into())]);
    // The queue unsubscribe completes: the node is idle again.
    m.handle_client_event(&Event::Unsubscribed { node: other.into() }, 6);
    m.handle_client_event(&Event::Unsubscribed { node: TEAM.into() }, 6);
    assert_eq!(drain(&mut m), (vec![], vec![]));
    assert_eq!(m.waiting_requests(), 0);
}

#[test]
fn a_renewal_changes_nothing_and_a_lost_subscription_resets_the_count() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 1);
    m.handle_request(&subscribe("b"), 1);
    drain(&mut m);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: true }, 2);
    assert_eq!(drain(&mut m), (vec![], vec![]));
    assert_eq!(m.subscribers(TEAM), 2);
    let error = StanzaError::new(ErrorType::Cancel, StanzaErrorCondition::ItemNotFound);
    m.handle_client_event(&Event::SubscribeFailed { node: TEAM.into(), error }, 3);
    assert_eq!(drain(&mut m), (vec![], vec![]));
    assert_eq!(m.subscribers(TEAM), 0);
}

#[test]
fn refused_commands_are_answered() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    let (_, commands) = drain(&mut m);
    m.handle_command_error(&commands[0], &CommandError::ShuttingDown, 1);
    assert_eq!(
        drain(&mut m).0,
        [answer(
            "a",
            json!({"error": {"errorType": "Not connected", "errorMessage": "Cannot subscribe without connection."}})
        )]
    );
    m.handle_request(&subscribe("b"), 2);
    let (_, commands) = drain(&mut m);
    m.handle_command_error(&commands[0], &CommandError::InvalidNode, 2);
    assert_eq!(drain(&mut m).0[0].payload["error"]["errorType"], json!("Invalid request"));
}

#[test]
fn unloading_forgets_every_node() {
    let mut m = connected();
    m.handle_request(&subscribe("a"), 1);
    m.handle_client_event(&Event::Subscribed { node: TEAM.into(), subid: None, renewed: false }, 1);
    m.handle_client_event(&status(ConnectionStatus::Unloading), 2);
    drain(&mut m);
    assert_eq!(m.subscribers(TEAM), 0);
}

#[test]
fn items_are_republished_on_their_node_topic() {
    let mut m = Master::new(0);
    let xml = "<Update><data><user><state>READY</state></user></data><event>PUT</event>\
               <requestId/><source>/finesse/api/User/1001</source></Update>";
    let item = |node: &str, xml: &str| Event::Item {
        node: node.into(),
        item_id: Some("i".into()),
        xml: xml.into(),
        payload: finesse_xmpp::pubsub::ItemPayload::decode(xml.into()),
    };
    m.handle_client_event(&item("/finesse/api/User/1001", xml), 1);
    let (publishes, _) = drain(&mut m);
    assert_eq!(
        publishes,
        [Publish {
            topic: "finesse.api.User.1001".into(),
            payload: json!({
                "content": format!("/finesse/api/User/1001{xml}"),
                "object": {"Update": {"data": {"user": {"state": "READY"}}, "event": "PUT", "requestId": null, "source": "/finesse/api/User/1001"}}
            })
        }]
    );
    // Not convertible, no payload at all, or a node that makes no topic: not published.
    m.handle_client_event(&item("/finesse/api/User/1001", "<Update a='\"'/>"), 2);
    m.handle_client_event(&item("/finesse/api/User/1001", ""), 2);
    m.handle_client_event(&item("/finesse/api/User/*", "<Update/>"), 2);
    assert_eq!(drain(&mut m), (vec![], vec![]));
    let stats = m.stats();
    assert_eq!((stats.items_published, stats.items_dropped), (1, 3));
}

#[test]
fn ticks_every_second_once_however_late() {
    let mut m = Master::new(500);
    assert_eq!(m.poll_timeout(), Some(1500));
    m.handle_timeout(1499, 10);
    assert_eq!(drain(&mut m), (vec![], vec![]), "early: nothing");
    m.handle_timeout(1500, 1_700_000_000_000);
    assert_eq!(
        drain(&mut m).0,
        [Publish {
            topic: "finesse.containerservices.timerTickEvent".into(),
            payload: json!({"dateQueued": 1_700_000_000_000_i64, "tickFrequency": 1000})
        }]
    );
    assert_eq!(m.poll_timeout(), Some(2500));
    m.handle_timeout(1500, 0);
    assert!(drain(&mut m).0.is_empty(), "twice: harmless");
    m.handle_timeout(5700, 1_700_000_004_200);
    assert_eq!(drain(&mut m).0.len(), 1, "one tick after a long pause");
    assert_eq!(m.poll_timeout(), Some(6500), "on the original cadence");
    m.handle_timeout(3000, 0);
    assert!(drain(&mut m).0.is_empty(), "time running backwards is ignored");
    assert_eq!(m.stats().ticks, 2);
}

#[test]
fn malformed_requests_are_answered_when_they_can_be_and_counted() {
    let mut m = connected();
    m.handle_request(&json!({"type": "Nope", "data": {}, "invokeID": "r1"}), 1);
    m.handle_request(&json!({"type": "Nope", "data": {}}), 1);
    m.handle_request(&json!("just a string"), 1);
    let (publishes, commands) = drain(&mut m);
    assert!(commands.is_empty());
    assert_eq!(
        publishes,
        [answer(
            "r1",
            json!({"error": {"errorType": "Invalid request", "errorMessage": "unknown request type \"Nope\""}})
        )]
    );
    let stats = m.stats();
    assert_eq!((stats.requests, stats.accepted, stats.rejected, stats.ignored), (3, 0, 1, 2));
}
