//! The driver's failure plumbing without any server: a refused connection reaches the core as
//! an HTTP failure (BOSH) or a closed socket (WebSocket), the core reports the lost attempt
//! with a retry time, and a shutdown while it waits to retry ends everything at once.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use finesse_xmpp::client::{ClientConfig, ConnectionStatus, DisconnectReason, Endpoint, Event};
use finesse_xmpp_native::NativeDriver;

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

fn lost_then_shutdown(endpoint: Endpoint, expected: &DisconnectReason) {
    let mut config = ClientConfig::new("agent1", "pw", "localhost", vec![endpoint]);
    config.max_retries = 1;
    config.backoff_initial = 60_000;
    let started = Instant::now();
    let driver = NativeDriver::start(config).expect("start");
    let lost = driver
        .wait_for(Duration::from_secs(20), |e| matches!(e, Event::ConnectionLost { .. }))
        .unwrap_or_else(|e| panic!("{e}"));
    let Event::ConnectionLost { reason, retry_at } = lost else { unreachable!() };
    assert_eq!(&reason, expected);
    assert!(retry_at.is_some(), "a refused connection is retried later");
    assert_eq!(driver.status(), ConnectionStatus::Disconnected);
    eprintln!("{expected:?} reported after {} ms", started.elapsed().as_millis());

    // Waiting to retry (a minute away): the shutdown does not wait for it.
    let stopping = Instant::now();
    let rest = driver.shutdown();
    assert!(stopping.elapsed() < Duration::from_secs(2), "{:?}", stopping.elapsed());
    assert!(
        !rest.iter().any(|e| matches!(
            e,
            Event::Status {
                status: ConnectionStatus::Connecting | ConnectionStatus::Reconnecting,
                ..
            }
        )),
        "{rest:?}"
    );
}

#[test]
fn a_refused_bosh_request_is_a_lost_attempt_with_a_retry() {
    let url = format!("http://127.0.0.1:{}/http-bind", closed_port());
    lost_then_shutdown(Endpoint::bosh(url), &DisconnectReason::RequestFailed);
}

#[test]
fn a_refused_websocket_is_a_lost_attempt_with_a_retry() {
    let url = format!("ws://127.0.0.1:{}/ws", closed_port());
    lost_then_shutdown(Endpoint::websocket(url), &DisconnectReason::SocketClosed);
}

#[test]
fn tls_urls_are_refused_as_unreachable_servers() {
    // No TLS in this driver: a wss:// endpoint fails like a server that cannot be reached.
    lost_then_shutdown(
        Endpoint::websocket("wss://127.0.0.1:1/ws"),
        &DisconnectReason::SocketClosed,
    );
}

#[test]
fn random_seeds_differ() {
    let seeds: std::collections::BTreeSet<u64> =
        (0..100).map(|_| finesse_xmpp_native::random_seed()).collect();
    assert_eq!(seeds.len(), 100);
}

#[test]
fn an_invalid_configuration_is_refused_at_start() {
    let config = ClientConfig::new("agent1", "pw", "localhost", Vec::new());
    assert!(matches!(
        NativeDriver::start(config),
        Err(finesse_xmpp_native::DriverError::Config(_))
    ));
}

#[test]
fn commands_are_checked_by_the_core() {
    let url = format!("http://127.0.0.1:{}/http-bind", closed_port());
    let driver =
        NativeDriver::start(ClientConfig::new("a", "pw", "localhost", vec![Endpoint::bosh(url)]))
            .expect("start");
    assert!(matches!(driver.subscribe(""), Err(finesse_xmpp_native::DriverError::Command(_))));
    assert!(matches!(
        driver.unsubscribe("/never/subscribed"),
        Err(finesse_xmpp_native::DriverError::Command(_))
    ));
    // Dropping the handle shuts the client down and joins the driver thread.
    drop(driver);
}
