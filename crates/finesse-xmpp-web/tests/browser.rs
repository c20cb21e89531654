//! The browser driver against a running Finesse-like server, in headless Chromium
//! (`scripts/wasm-xmpp-test.sh` starts one and runs this). Over BOSH (`fetch`) and over
//! WebSocket: log in, subscribe, receive an item published after the subscription, log out;
//! and dropping the handle logs out by itself.
//!
//! The server is given at COMPILE time (the test runs in a browser, which has no environment):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `FINESSE_XMPP_TEST_URL` | base URL; BOSH at `<url>/http-bind`, WebSocket at `<url>/ws` (`http` → `ws`), REST at `<url>/finesse/api` | required: the test fails without it |
//! | `FINESSE_XMPP_TEST_USER`, `…_PASSWORD`, `…_EXTENSION`, `…_DOMAIN` | the agent and the XMPP domain | the simulator's demo agent: `1001001`, `pass1001001`, `1001001`, `finesse.sim` |
//!
//! **How an item gets published.** It must be published by the server after the subscription
//! is in place, so the test makes the server publish one the way Finesse does: a REST request
//! that changes the user, `PUT <url>/finesse/api/User/<id>` with
//! `<User><state>LOGIN</state><extension>…</extension></User>`, Basic authentication and a
//! `requestId` header; Finesse (and the simulator) then publish the User on
//! `/finesse/api/User/<id>` with that `requestId`, which is what the test waits for (a repeated
//! LOGIN publishes again). Against Prosody, `scripts/wasm-xmpp-test.sh` loads a 60-line module
//! (`tests/support/mod_finesse_test_rest.lua`) that answers this one request the same way. The
//! test sends it once before subscribing too, so that the node exists (Prosody refuses
//! subscriptions to missing nodes).
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

use std::cell::RefCell;
use std::rc::Rc;

use finesse_model::UpdateData;
use finesse_xmpp::client::{ClientConfig, ConnectionStatus, Endpoint, Event};
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp_web::WebDriver;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const STEP_MS: f64 = 15_000.0;

fn base_url() -> &'static str {
    match option_env!("FINESSE_XMPP_TEST_URL") {
        Some(url) if !url.trim().is_empty() => url.trim_end_matches('/'),
        _ => panic!(
            "FINESSE_XMPP_TEST_URL was not set when this test was compiled: it needs a running \
             notification server; run scripts/wasm-xmpp-test.sh"
        ),
    }
}

fn setting(value: Option<&'static str>, default: &'static str) -> &'static str {
    value.filter(|v| !v.is_empty()).unwrap_or(default)
}

fn user() -> &'static str {
    setting(option_env!("FINESSE_XMPP_TEST_USER"), "1001001")
}

fn password() -> &'static str {
    setting(option_env!("FINESSE_XMPP_TEST_PASSWORD"), "pass1001001")
}

/// The user's node: the test subscribes to it explicitly.
fn node() -> String {
    format!("/finesse/api/User/{}", user())
}

fn config(endpoint: Endpoint) -> ClientConfig {
    let mut config = ClientConfig::new(
        user(),
        password(),
        setting(option_env!("FINESSE_XMPP_TEST_DOMAIN"), "finesse.sim"),
        vec![endpoint],
    );
    // A different resource per run and test.
    config.seed = finesse_xmpp_web::random_seed();
    config
}

fn now() -> f64 {
    js_sys::Date::now()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("a window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = JsFuture::from(promise).await;
}

/// Makes the server publish a User update carrying `request_id` on the user's node: the REST
/// sign-in request (see the module docs).
async fn publish(request_id: &str) {
    let url = format!("{}/finesse/api/User/{}", base_url(), user());
    let extension = setting(option_env!("FINESSE_XMPP_TEST_EXTENSION"), user());
    let init = web_sys::RequestInit::new();
    init.set_method("PUT");
    init.set_body(&JsValue::from_str(&format!(
        "<User><state>LOGIN</state><extension>{extension}</extension></User>"
    )));
    let headers = web_sys::Headers::new().expect("headers");
    headers.set("Content-Type", "application/xml").expect("header");
    let window = web_sys::window().expect("a window");
    let credentials = window.btoa(&format!("{}:{}", user(), password())).expect("btoa");
    headers.set("Authorization", &format!("Basic {credentials}")).expect("header");
    headers.set("requestId", request_id).expect("header");
    init.set_headers(&headers);
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .unwrap_or_else(|e| panic!("PUT {url} failed: {e:?}"));
    let response: web_sys::Response = response.dyn_into().expect("a Response");
    let body = match response.text() {
        Ok(text) => JsFuture::from(text).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    assert!(
        response.ok(),
        "PUT {url} answered {}: {}",
        response.status(),
        body.unwrap_or_default()
    );
}

type Events = Rc<RefCell<Vec<Event>>>;

/// Waits (bounded) for an event matching `wanted` among those received since `from`; returns
/// its index.
async fn wait_for(
    events: &Events,
    from: usize,
    what: &str,
    wanted: impl Fn(&Event) -> bool,
) -> usize {
    let deadline = now() + STEP_MS;
    loop {
        if let Some(i) = events.borrow().iter().skip(from).position(&wanted) {
            return from + i;
        }
        assert!(now() < deadline, "timed out waiting for {what}; events: {:?}", events.borrow());
        sleep(20).await;
    }
}

async fn scenario(endpoint: Endpoint, tag: &str) {
    let node = node();
    // Create the node (Prosody refuses subscriptions to a node that does not exist).
    publish(&format!("{tag}-seed-{}", now())).await;

    let events: Events = Rc::default();
    let sink = events.clone();
    let started = now();
    let driver = WebDriver::start(config(endpoint), move |e| sink.borrow_mut().push(e))
        .expect("start the driver");
    let connected = wait_for(&events, 0, "connected", |e| {
        matches!(e, Event::Status { status: ConnectionStatus::Connected, .. })
    })
    .await;
    let connect_ms = now() - started;
    assert_eq!(driver.status(), ConnectionStatus::Connected);

    driver.subscribe(&node).expect("subscribe");
    let subscribed = wait_for(&events, connected, "the subscription", |e| {
        matches!(e, Event::Subscribed { node: n, .. } | Event::SubscribeFailed { node: n, .. } if *n == node)
    })
    .await;
    assert!(
        matches!(&events.borrow()[subscribed], Event::Subscribed { .. }),
        "{:?}",
        events.borrow()[subscribed]
    );

    let request_id = format!("{tag}-{}", now());
    let publishing = now();
    publish(&request_id).await;
    let item = wait_for(&events, subscribed, "the published item", |e| {
        matches!(e, Event::Item { payload: ItemPayload::Update(u), .. }
            if u.request_id.as_deref() == Some(request_id.as_str()))
    })
    .await;
    let latency_ms = now() - publishing;
    match &events.borrow()[item] {
        Event::Item { node: n, payload: ItemPayload::Update(u), .. } => {
            assert_eq!(*n, node);
            assert!(matches!(&u.data, Some(UpdateData::User(_))), "{u:?}");
        }
        other => panic!("{other:?}"),
    }

    // Log out: unsubscribe, then end the session; the events still arrive until disconnected.
    driver.shutdown();
    wait_for(&events, item, "disconnected", |e| {
        matches!(e, Event::Status { status: ConnectionStatus::Disconnected, .. })
    })
    .await;
    let all = events.borrow();
    assert!(
        all.iter().any(|e| matches!(e, Event::Unsubscribed { node: n } if *n == node)),
        "{all:?}"
    );
    assert!(!all.iter().any(|e| matches!(e, Event::ConnectionLost { .. })), "{all:?}");
    drop(all);
    drop(driver);
    console_log!(
        "{tag}: connected in {connect_ms} ms, item {latency_ms} ms after the REST request was sent"
    );
}

#[wasm_bindgen_test]
async fn bosh_receives_an_item_published_after_subscribing() {
    scenario(Endpoint::bosh(format!("{}/http-bind", base_url())), "bosh").await;
}

#[wasm_bindgen_test]
async fn websocket_receives_an_item_published_after_subscribing() {
    let ws = if let Some(rest) = base_url().strip_prefix("http") {
        format!("ws{rest}/ws")
    } else {
        panic!("FINESSE_XMPP_TEST_URL must start with http:// or https://: {}", base_url())
    };
    scenario(Endpoint::websocket(ws), "ws").await;
}

/// Dropping the handle logs out on its own (unsubscribe, then terminate) and stops the
/// callbacks, as for a component that goes away: the driver lives on while the shutdown runs
/// (BOSH: at least one round trip), then frees itself (timer cancelled, nothing left behind).
#[wasm_bindgen_test]
async fn dropping_the_driver_logs_out_and_frees_it() {
    publish(&format!("drop-seed-{}", now())).await;
    assert_eq!(WebDriver::instances(), 0, "a driver of another test is still alive");
    let events: Events = Rc::default();
    let sink = events.clone();
    let mut config = config(Endpoint::bosh(format!("{}/http-bind", base_url())));
    // Long enough that freeing the driver before it proves the server answered the
    // unsubscription and the end of the session (the core gives up waiting only then).
    config.shutdown_timeout = 20_000;
    let driver =
        WebDriver::start(config, move |e| sink.borrow_mut().push(e)).expect("start the driver");
    driver.subscribe(&node()).expect("subscribe");
    wait_for(&events, 0, "the subscription", |e| matches!(e, Event::Subscribed { .. })).await;
    let seen = events.borrow().len();
    let dropped = now();
    drop(driver);
    assert_eq!(WebDriver::instances(), 1, "the driver must live on to shut down");
    while WebDriver::instances() > 0 {
        assert!(now() < dropped + 10_000.0, "the dropped driver did not finish its shutdown");
        sleep(10).await;
    }
    console_log!("dropped driver: logged out and freed in {} ms", now() - dropped);
    assert_eq!(events.borrow().len(), seen, "events after the drop: {:?}", events.borrow());
}
