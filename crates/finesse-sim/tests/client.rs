//! Our notification client (finesse-xmpp's core in the native driver) against the simulator,
//! over BOSH and over WebSocket: log in, subscribe to a team node, receive the team member's
//! notification of a REST request with its requestId, unsubscribe, log out — and fail over to
//! the alternate node when the primary goes down, resubscribing there.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use std::time::Duration;

use finesse_model::{AgentState, UpdateData};
use finesse_sim::scenario::Scenario;
use finesse_sim::server::Options;
use finesse_xmpp::client::{ClientConfig, ConnectionStatus, Endpoint, Event};
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp_native::NativeDriver;
use support::{AGENT, SUPERVISOR, Sim};

const TEAM_NODE: &str = "/finesse/api/Team/1/Users";
const STEP: Duration = Duration::from_secs(20);

fn connected(e: &Event) -> bool {
    matches!(e, Event::Status { status: ConnectionStatus::Connected, .. })
}

fn subscribed(e: &Event) -> bool {
    matches!(e, Event::Subscribed { node, .. } if node == TEAM_NODE)
}

/// Waits for the team member's notification carrying `request_id`; returns its state.
fn team_item(driver: &NativeDriver, request_id: &str) -> AgentState {
    let event = driver
        .wait_for(STEP, |e| match e {
            Event::Item { node, payload: ItemPayload::Update(u), .. } => {
                node == TEAM_NODE && u.request_id.as_deref() == Some(request_id)
            }
            _ => false,
        })
        .unwrap_or_else(|e| panic!("no team item for {request_id}: {e:?}"));
    let Event::Item { payload: ItemPayload::Update(update), .. } = event else { unreachable!() };
    let Some(UpdateData::User(user)) = update.data else { panic!("{update:?}") };
    user.state.unwrap()
}

fn put_state(sim: &Sim, body: &str, request_id: &str) {
    let (status, text) = sim.call(
        "PUT",
        "/finesse/api/User/1001001",
        Some(AGENT),
        Some(body),
        &[("requestId", request_id)],
    );
    assert!(status == 200 || status == 202, "{status}: {text}");
}

fn scenario(endpoint: impl Fn(&str) -> Endpoint) {
    let sim = Sim::demo();
    let config =
        ClientConfig::new(SUPERVISOR.0, SUPERVISOR.1, "finesse.sim", vec![endpoint(&sim.url)]);
    let driver = NativeDriver::start(config).unwrap();
    driver.wait_for(STEP, connected).unwrap();
    driver.subscribe(TEAM_NODE).unwrap();
    driver.wait_for(STEP, subscribed).unwrap();

    put_state(&sim, "<User><state>LOGIN</state><extension>1001001</extension></User>", "c-1");
    assert_eq!(team_item(&driver, "c-1"), AgentState::NotReady);
    put_state(&sim, "<User><state>READY</state></User>", "c-2");
    assert_eq!(team_item(&driver, "c-2"), AgentState::Ready);

    driver.unsubscribe(TEAM_NODE).unwrap();
    driver
        .wait_for(STEP, |e| matches!(e, Event::Unsubscribed { node } if node == TEAM_NODE))
        .unwrap();
    let rest = driver.shutdown();
    assert!(rest.iter().all(|e| !matches!(e, Event::ConnectionLost { .. })), "{rest:?}");
}

#[test]
fn bosh_with_our_client() {
    scenario(|url| Endpoint::bosh(format!("{url}/http-bind")));
}

#[test]
fn websocket_with_our_client() {
    scenario(|url| Endpoint::websocket(format!("{}/ws", url.replace("http://", "ws://"))));
}

#[test]
fn failover_to_the_alternate_node_resubscribes_there() {
    let mut options = Options::new(Scenario::demo());
    options.alternate = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let sim = Sim::start(options);
    let alternate = sim.server.as_ref().unwrap().alternate_url().unwrap();
    let mut config = ClientConfig::new(
        SUPERVISOR.0,
        SUPERVISOR.1,
        "finesse.sim",
        vec![
            Endpoint::bosh(format!("{}/http-bind", sim.url)),
            Endpoint::bosh(format!("{alternate}/http-bind")),
        ],
    );
    // Fail over quickly in the test.
    config.ping_interval = 1_000;
    let driver = NativeDriver::start(config).unwrap();
    driver.wait_for(STEP, connected).unwrap();
    driver.subscribe(TEAM_NODE).unwrap();
    driver.wait_for(STEP, subscribed).unwrap();

    sim.fault("primary_down=true");
    // The client reconnects — to the alternate — and renews its explicit subscription there.
    driver
        .wait_for(
            Duration::from_secs(60),
            |e| matches!(e, Event::Subscribed { node, renewed: true, .. } if node == TEAM_NODE),
        )
        .unwrap_or_else(|e| panic!("no resubscription after failover: {e:?}"));
    driver.wait_for(STEP, connected).ok();
    // The agent, too, now works through the alternate node.
    let http: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let status = http
        .put(format!("{alternate}/finesse/api/User/1001001"))
        .header("Authorization", support::basic(AGENT.0, AGENT.1))
        .header("Content-Type", "application/xml")
        .header("requestId", "f-1")
        .send("<User><state>LOGIN</state><extension>1001001</extension></User>")
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 202);
    assert_eq!(team_item(&driver, "f-1"), AgentState::NotReady);
    drop(driver);
}
