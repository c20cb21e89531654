//! Interop with a real XMPP server: Prosody 0.12 (the Debian package), started by the test with
//! a generated configuration on free ports and stopped at the end.
//!
//! Over BOSH and over WebSocket, the [`NativeDriver`] logs in as `agent1`, subscribes to two
//! nodes (and is refused a third that does not exist, with `item-not-found`), receives items
//! published by *another* client (the `admin` user, through a [`RawSession`]) both as Finesse
//! publishes them (the `<Update>` escaped as the text of `<notification/>`) and as an element
//! (Prosody relays the element as published), unsubscribes, and logs out. The server is then
//! asked (as node owner) for the subscriptions left: none.
//!
//! Without `prosody` on the PATH the test fails (the README's test command installs it),
//! unless `FINESSE_SKIP_PROSODY=1`.

use std::time::{Duration, Instant};

use finesse_model::{AgentState, UpdateData, UpdateEvent};
use finesse_xmpp::Element;
use finesse_xmpp::client::{ClientConfig, ConnectionStatus, DisconnectReason, Endpoint, Event};
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp::stanza::{self, IqType, StanzaErrorCondition};
use finesse_xmpp_native::raw::{ItemContent, RawSession};
use finesse_xmpp_native::{DriverOptions, NativeDriver};
use prosody_harness::Prosody;

const DOMAIN: &str = "localhost";
const PUBSUB: &str = "pubsub.localhost";
const AGENT: (&str, &str) = ("agent1", "agent1pw");
const ADMIN: (&str, &str) = ("admin", "adminpw");
const USER_NODE: &str = "/finesse/api/User/agent1";
const TEAM_NODE: &str = "/finesse/api/Team/1/Users";
const MISSING_NODE: &str = "/finesse/api/Queue/404";
const STEP: Duration = Duration::from_secs(15);

#[test]
fn bosh_login_subscribe_receive_unsubscribe_logout() {
    let Some(prosody) = Prosody::start_or_skip(&[AGENT, ADMIN], ADMIN.0) else { return };
    scenario(&prosody, Endpoint::bosh(prosody.bosh_url()));
}

#[test]
fn websocket_login_subscribe_receive_unsubscribe_logout() {
    let Some(prosody) = Prosody::start_or_skip(&[AGENT, ADMIN], ADMIN.0) else { return };
    scenario(&prosody, Endpoint::websocket(prosody.ws_url()));
}

#[test]
fn a_wrong_password_is_refused_for_good_over_both_transports() {
    let Some(prosody) = Prosody::start_or_skip(&[AGENT, ADMIN], ADMIN.0) else { return };
    for endpoint in [Endpoint::bosh(prosody.bosh_url()), Endpoint::websocket(prosody.ws_url())] {
        let config = ClientConfig::new(AGENT.0, "not-the-password", DOMAIN, vec![endpoint.clone()]);
        let driver = NativeDriver::start(config).expect("start");
        let lost = driver
            .wait_for(STEP, |e| matches!(e, Event::ConnectionLost { .. }))
            .unwrap_or_else(|e| panic!("{endpoint:?}: {e}"));
        assert!(
            matches!(
                lost,
                Event::ConnectionLost { reason: DisconnectReason::AuthFailed(_), retry_at: None }
            ),
            "{endpoint:?}: {lost:?}"
        );
        assert_eq!(driver.status(), ConnectionStatus::Disconnected);
        drop(driver);
    }
}

fn update(request_id: &str, state: &str) -> String {
    format!(
        "<Update><data><user><loginId>agent1</loginId><state>{state}</state></user></data>\
         <event>PUT</event><requestId>{request_id}</requestId>\
         <source>/finesse/api/User/agent1</source></Update>"
    )
}

fn is_item(id: &'static str) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::Item { item_id: Some(i), .. } if i == id)
}

/// Checks an item is the `<Update>` published with `request_id` and `state`.
fn check_update(event: &Event, node: &str, request_id: &str, state: AgentState) {
    let Event::Item { node: n, payload, .. } = event else { panic!("not an item: {event:?}") };
    assert_eq!(n, node);
    let ItemPayload::Update(update) = payload else {
        panic!("the payload did not decode as an <Update>: {payload:?}")
    };
    assert_eq!(update.event, Some(UpdateEvent::Put));
    assert_eq!(update.request_id.as_deref(), Some(request_id));
    let Some(UpdateData::User(user)) = &update.data else { panic!("no User: {update:?}") };
    assert_eq!(user.state, Some(state));
}

fn scenario(prosody: &Prosody, endpoint: Endpoint) {
    let transport = format!("{:?}", endpoint.transport);
    // The publisher: another client. Publishing first creates the nodes (as an admin:
    // Prosody refuses subscriptions to a node that does not exist).
    let mut admin = RawSession::connect(&prosody.ws_url(), DOMAIN, ADMIN.0, ADMIN.1, STEP)
        .expect("admin login");
    for node in [USER_NODE, TEAM_NODE] {
        admin
            .publish(PUBSUB, node, "seed", &ItemContent::Escaped(update("seed", "LOGOUT")))
            .expect("seed the node");
    }

    // Log in.
    let mut config = ClientConfig::new(AGENT.0, AGENT.1, DOMAIN, vec![endpoint.clone()]);
    config.seed = 7;
    let options = if std::env::var_os("FINESSE_XMPP_TRACE").is_some() {
        DriverOptions::trace_to_stderr(format!("{transport} agent1"))
    } else {
        DriverOptions::default()
    };
    let started = Instant::now();
    let driver = NativeDriver::start_with(config, options).expect("start");
    driver
        .wait_for(STEP, |e| matches!(e, Event::Status { status: ConnectionStatus::Connected, .. }))
        .unwrap_or_else(|e| panic!("{transport}: not connected: {e}"));
    let connect_ms = started.elapsed().as_millis();
    assert_eq!(driver.status(), ConnectionStatus::Connected);

    // Subscribe: two nodes that exist, one that does not.
    let subscribing = Instant::now();
    for node in [USER_NODE, TEAM_NODE, MISSING_NODE] {
        driver.subscribe(node).expect("subscribe");
    }
    let mut pending = vec![USER_NODE, TEAM_NODE, MISSING_NODE];
    while !pending.is_empty() {
        let event = driver
            .wait_for(STEP, |e| {
                matches!(e, Event::Subscribed { .. } | Event::SubscribeFailed { .. })
            })
            .unwrap_or_else(|e| panic!("{transport}: subscriptions: {e}"));
        match event {
            Event::Subscribed { node, renewed, .. } => {
                assert!(!renewed);
                assert_ne!(node, MISSING_NODE);
                pending.retain(|n| *n != node);
            }
            Event::SubscribeFailed { node, error } => {
                assert_eq!(node, MISSING_NODE);
                assert_eq!(error.condition, StanzaErrorCondition::ItemNotFound, "{error:?}");
                pending.retain(|n| *n != node);
            }
            _ => unreachable!(),
        }
    }
    let subscribe_ms = subscribing.elapsed().as_millis();

    // Receive an item published by the other client, as Finesse publishes it (escaped)...
    let publishing = Instant::now();
    admin
        .publish(PUBSUB, USER_NODE, "escaped", &ItemContent::Escaped(update("r-1", "NOT_READY")))
        .expect("publish");
    let item = driver
        .wait_for(STEP, is_item("escaped"))
        .unwrap_or_else(|e| panic!("{transport}: no escaped item: {e}"));
    let latency_ms = publishing.elapsed().as_millis();
    check_update(&item, USER_NODE, "r-1", AgentState::NotReady);

    // ... and as an element (the usual XEP-0060 form, relayed by Prosody as published).
    let element = Element::parse(&update("r-2", "READY")).expect("update element");
    admin.publish(PUBSUB, TEAM_NODE, "element", &ItemContent::Element(element)).expect("publish");
    let item = driver
        .wait_for(STEP, is_item("element"))
        .unwrap_or_else(|e| panic!("{transport}: no element item: {e}"));
    check_update(&item, TEAM_NODE, "r-2", AgentState::Ready);

    // Unsubscribe from the User node: an item published there afterwards is not delivered.
    // Prosody delivers in order, so an item on the Team node published after it is the proof.
    driver.unsubscribe(USER_NODE).expect("unsubscribe");
    driver
        .wait_for(STEP, |e| matches!(e, Event::Unsubscribed { node } if node == USER_NODE))
        .unwrap_or_else(|e| panic!("{transport}: unsubscribe: {e}"));
    admin
        .publish(PUBSUB, USER_NODE, "after", &ItemContent::Escaped(update("r-3", "READY")))
        .expect("publish");
    admin
        .publish(PUBSUB, TEAM_NODE, "barrier", &ItemContent::Escaped(update("r-4", "READY")))
        .expect("publish");
    let events = driver
        .collect_until(STEP, is_item("barrier"))
        .unwrap_or_else(|e| panic!("{transport}: no barrier item: {e}"));
    assert!(
        !events.iter().any(is_item("after")),
        "{transport}: an item of an unsubscribed node arrived: {events:?}"
    );

    // Log out: the remaining explicit subscription is ended, then the session.
    let shutting_down = Instant::now();
    let last = driver.shutdown();
    let shutdown_ms = shutting_down.elapsed().as_millis();
    assert!(
        last.iter().all(|e| !matches!(e, Event::ConnectionLost { .. })),
        "{transport}: the logout was not clean: {last:?}"
    );
    assert!(
        last.iter().any(|e| matches!(e, Event::Unsubscribed { node } if node == TEAM_NODE)),
        "{transport}: the Team subscription was not ended: {last:?}"
    );
    assert!(
        matches!(last.last(), Some(Event::Status { status: ConnectionStatus::Disconnected, .. })),
        "{transport}: {last:?}"
    );

    // The server agrees: no subscription of agent1 is left (asked as the nodes' owner).
    for node in [USER_NODE, TEAM_NODE] {
        let left = owner_subscriptions(&mut admin, node);
        assert!(
            !left.iter().any(|jid| jid.starts_with("agent1@")),
            "{transport}: {node} still has {left:?}"
        );
    }
    admin.close();

    eprintln!(
        "{transport}: connected in {connect_ms} ms, 2 subscriptions + 1 refusal in \
         {subscribe_ms} ms, first item {latency_ms} ms after publishing, 3 items received, \
         logout in {shutdown_ms} ms"
    );
}

/// The JIDs subscribed to `node`, from the owner's view (XEP-0060 §8.8.1).
fn owner_subscriptions(admin: &mut RawSession, node: &str) -> Vec<String> {
    const OWNER: &str = "http://jabber.org/protocol/pubsub#owner";
    let id = admin.new_id();
    let iq = stanza::iq(IqType::Get, &id, Some(PUBSUB)).child(
        Element::new("pubsub", OWNER)
            .child(Element::new("subscriptions", OWNER).attr("node", node)),
    );
    let result = admin.iq(iq).expect("owner subscriptions");
    let Some(list) =
        result.get_child("pubsub", OWNER).and_then(|p| p.get_child("subscriptions", OWNER))
    else {
        return Vec::new();
    };
    list.elements()
        .filter(|s| s.get_attr("subscription") == Some("subscribed"))
        .filter_map(|s| s.get_attr("jid").map(str::to_owned))
        .collect()
}
