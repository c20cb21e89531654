//! Pair tests: the client core against the service core in memory, with a virtual clock and
//! injected faults (STYLE.md principle 3). Deterministic scenarios first, then 1,000 seeded
//! fault schedules over BOSH, WebSocket and mixed endpoints, each checking that the client
//! reconnects, resubscribes where it must, and loses no item published after it reported
//! `connected` again.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use finesse_xmpp::client::{ConnectionStatus, Endpoint, Event};
use finesse_xmpp::pubsub::ItemPayload;
use finesse_xmpp::{Jid, Millis};
use support::{Dice, Pair, client_config, service_config};

const USER: &str = "/finesse/api/User/1001001";
const DIALOGS: &str = "/finesse/api/User/1001001/Dialogs";
const TEAM: &str = "/finesse/api/Team/1/Users";
const QUEUE: &str = "/finesse/api/Queue/7";
const OTHER: &str = "/finesse/api/Queue/8";
const EXPLICIT: [&str; 2] = [TEAM, QUEUE];
const SUBSCRIBED: [&str; 4] = [USER, DIALOGS, TEAM, QUEUE];
const ALL: [&str; 5] = [USER, DIALOGS, TEAM, QUEUE, OTHER];

const A_BOSH: &str = "https://fin-a.example:7443/http-bind";
const A_WS: &str = "wss://fin-a.example:7443/ws";
const B_BOSH: &str = "https://fin-b.example:7443/http-bind";
const B_WS: &str = "wss://fin-b.example:7443/ws";

fn update(node: &str, seq: u64) -> String {
    format!(
        "<Update><event>PUT</event><requestId>{seq}</requestId><source>{node}</source><data><user><state>READY</state></user></data></Update>"
    )
}

/// A pair with services A and B (both with the explicit nodes), subscribed explicitly.
fn pair(endpoints: [Endpoint; 2], seed: u64) -> Pair {
    let urls = endpoints.iter().map(|e| e.url.clone()).collect();
    let mut p = Pair::new(
        client_config(endpoints.to_vec(), seed),
        vec![service_config(seed ^ 1), service_config(seed ^ 2)],
        urls,
        seed,
    );
    for s in &mut p.services {
        for node in [TEAM, QUEUE, OTHER] {
            s.ensure_node(node);
        }
    }
    for node in EXPLICIT {
        p.client.subscribe(node).unwrap();
    }
    p
}

fn bosh_pair(seed: u64) -> Pair {
    pair([Endpoint::bosh(A_BOSH), Endpoint::bosh(B_BOSH)], seed)
}

fn ws_pair(seed: u64) -> Pair {
    pair([Endpoint::websocket(A_WS), Endpoint::websocket(B_WS)], seed)
}

fn statuses(p: &Pair) -> Vec<ConnectionStatus> {
    p.events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Status { status, .. } => Some(*status),
            _ => None,
        })
        .collect()
}

/// The requestId of an `<Update>` item (what [`update`] puts there): from the decoded update
/// with `typed-items`, from the payload as received without.
fn request_id(payload: &ItemPayload) -> Option<u64> {
    #[cfg(feature = "typed-items")]
    let ItemPayload::Update(u) = payload else { return None };
    #[cfg(feature = "typed-items")]
    let id = u.request_id.as_deref()?;
    #[cfg(not(feature = "typed-items"))]
    let ItemPayload::Undecoded { xml } = payload else { return None };
    #[cfg(not(feature = "typed-items"))]
    let id = xml.split_once("<requestId>")?.1.split_once("</requestId>")?.0;
    id.parse().ok()
}

/// The items received, as (node, requestId) in arrival order.
fn received(p: &Pair) -> Vec<(String, u64)> {
    p.events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Item { node, payload, .. } => Some((node.clone(), request_id(payload)?)),
            _ => None,
        })
        .collect()
}

fn full_jid(p: &Pair) -> Jid {
    Jid::parse(&format!("1001001@finesse.example/{}", p.client.resource())).unwrap()
}

#[test]
fn bosh_connect_subscribe_receive_unsubscribe_and_shut_down_cleanly() {
    let mut p = bosh_pair(1);
    p.latency = (5, 40);
    p.with_client(|c, now| c.connect(now));
    p.run_until(5_000);
    assert_eq!(statuses(&p), [ConnectionStatus::Connecting, ConnectionStatus::Connected]);
    let jid = full_jid(&p);
    assert!(p.services[0].subscribers(TEAM).contains(&jid));
    assert!(p.services[0].subscribers(USER).contains(&jid.to_bare()), "automatic subscription");
    p.with_service(0, |s, now| {
        s.publish(USER, &update(USER, 1), now).unwrap();
        s.publish(TEAM, &update(TEAM, 2), now).unwrap();
        s.publish(OTHER, &update(OTHER, 3), now).unwrap();
    });
    p.run_until(6_000);
    assert_eq!(received(&p), [(USER.to_owned(), 1), (TEAM.to_owned(), 2)]);
    #[cfg(feature = "typed-items")]
    {
        let Some((_, Event::Item { payload: ItemPayload::Update(u), .. })) =
            p.events.iter().find(|(_, e)| matches!(e, Event::Item { .. }))
        else {
            panic!()
        };
        assert!(matches!(u.data, Some(finesse_model::UpdateData::User(_))));
    }
    p.with_client(|c, _| c.unsubscribe(QUEUE).unwrap());
    p.run_until(7_000);
    assert!(!p.services[0].subscribers(QUEUE).contains(&jid));
    assert!(p.events.iter().any(|(_, e)| *e == Event::Unsubscribed { node: QUEUE.into() }));
    // Idle for ten minutes: long polls and pings keep it alive.
    p.run_until(607_000);
    assert_eq!(p.client.status(), ConnectionStatus::Connected);
    assert_eq!(p.services[0].session_count(), 1);
    p.with_client(|c, now| c.shutdown(now));
    p.run_until(610_000);
    assert_eq!(
        statuses(&p)[2..],
        [ConnectionStatus::Disconnecting, ConnectionStatus::Disconnected]
    );
    assert!(!p.services[0].subscribers(TEAM).contains(&jid), "unsubscribed before disconnecting");
    assert_eq!(p.services[0].session_count(), 0, "terminated");
    assert_eq!(p.client.poll_timeout(), None);
}

#[test]
fn websocket_connect_subscribe_receive_and_shut_down_cleanly() {
    let mut p = ws_pair(2);
    p.latency = (5, 40);
    p.with_client(|c, now| c.connect(now));
    p.run_until(5_000);
    assert_eq!(p.client.status(), ConnectionStatus::Connected);
    p.with_service(0, |s, now| {
        for i in 0..50 {
            s.publish(ALL[i % 5], &update(ALL[i % 5], i as u64), now).unwrap();
        }
    });
    p.run_until(6_000);
    assert_eq!(received(&p).len(), 40, "every item except the unsubscribed node's");
    p.run_until(600_000);
    assert_eq!(p.client.status(), ConnectionStatus::Connected);
    p.with_client(|c, now| c.shutdown(now));
    p.run_until(605_000);
    assert_eq!(p.client.status(), ConnectionStatus::Disconnected);
    assert!(p.services[0].subscribers(TEAM).is_empty());
    assert_eq!(p.services[0].session_count(), 0);
}

#[test]
fn after_a_restart_of_the_same_service_subscriptions_are_verified_not_duplicated() {
    let mut p = bosh_pair(3);
    p.with_client(|c, now| c.connect(now));
    p.run_until(5_000);
    p.with_service(0, |s, now| s.drop_all_sessions(now));
    p.run_until(30_000);
    assert_eq!(p.client.status(), ConnectionStatus::Connected);
    assert_eq!(p.client.server().url, A_BOSH);
    assert!(
        !p.events.iter().any(|(_, e)| matches!(e, Event::Subscribed { renewed: true, .. })),
        "they persisted"
    );
    assert_eq!(p.services[0].subscribers(TEAM).len(), 1);
    // The service lost its database this time: the client notices and renews.
    p.with_service(0, |s, now| {
        s.clear_subscriptions();
        s.drop_all_sessions(now);
    });
    p.run_until(60_000);
    assert_eq!(p.client.status(), ConnectionStatus::Connected);
    let renewed: BTreeSet<String> = p
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::Subscribed { node, renewed: true, .. } => Some(node.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(renewed, EXPLICIT.iter().map(|s| s.to_string()).collect());
    let t = p.now;
    p.with_service(0, |s, _| {
        s.publish(TEAM, &update(TEAM, 9), t).unwrap();
    });
    p.run_until(61_000);
    assert!(received(&p).contains(&(TEAM.to_owned(), 9)));
}

#[test]
fn when_a_server_is_unreachable_the_client_fails_over_and_resubscribes() {
    for mut p in [bosh_pair(4), ws_pair(4)] {
        p.latency = (10, 100);
        p.with_client(|c, now| c.connect(now));
        p.run_until(5_000);
        p.conditions[0].down_until = 10_000_000;
        p.reset_ws();
        p.with_service(0, |s, now| s.drop_all_sessions(now));
        p.run_until(60_000);
        assert_eq!(p.client.status(), ConnectionStatus::Connected);
        assert!(p.client.server().url.contains("fin-b"), "failed over to B");
        let jid = full_jid(&p);
        for node in EXPLICIT {
            assert!(p.services[1].subscribers(node).contains(&jid), "{node} renewed on B");
        }
        let t = p.now;
        p.with_service(1, |s, _| {
            s.publish(QUEUE, &update(QUEUE, 77), t).unwrap();
        });
        p.run_until(61_000);
        assert!(received(&p).contains(&(QUEUE.to_owned(), 77)));
        let lost =
            p.events.iter().filter(|(_, e)| matches!(e, Event::ConnectionLost { .. })).count();
        assert!(lost >= 2, "tried A again before failing over ({lost})");
    }
}

#[test]
fn a_revoked_subscription_is_renewed() {
    let mut p = bosh_pair(5);
    p.with_client(|c, now| c.connect(now));
    p.run_until(5_000);
    let jid = full_jid(&p);
    p.with_service(0, |s, now| assert!(s.revoke_subscription(TEAM, &jid, now)));
    p.run_until(6_000);
    assert!(p.services[0].subscribers(TEAM).contains(&jid));
    assert!(
        p.events.iter().any(
            |(_, e)| matches!(e, Event::Subscribed { node, renewed: true, .. } if node == TEAM)
        )
    );
}

#[test]
fn the_finesse_service_presence_follows_the_service() {
    let mut p = ws_pair(6);
    p.with_client(|c, now| c.connect(now));
    p.run_until(5_000);
    p.with_service(0, |s, now| s.set_service_presence(false, now));
    p.run_until(6_000);
    p.with_service(0, |s, now| s.set_service_presence(true, now));
    p.run_until(7_000);
    let presence: Vec<bool> = p
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::ServicePresence { available } => Some(*available),
            _ => None,
        })
        .collect();
    assert_eq!(presence, [true, false, true]);
}

#[test]
fn wrong_credentials_stop_the_client() {
    let mut cfg = client_config(vec![Endpoint::bosh(A_BOSH)], 7);
    cfg.password = "nope".into();
    let mut p = Pair::new(cfg, vec![service_config(7)], vec![A_BOSH.into()], 7);
    p.with_client(|c, now| c.connect(now));
    p.run_until(600_000);
    assert_eq!(statuses(&p), [ConnectionStatus::Connecting, ConnectionStatus::Disconnected]);
    assert_eq!(
        p.services[0].session_count(),
        0,
        "the session was terminated, not left to time out"
    );
}

// ----- seeded fault schedules -----

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The next n responses (or a frame: the socket resets) are lost.
    Drop(u32),
    /// Responses and frames sent during a while (second field) arrive late (first field).
    Delay(Millis, Millis),
    /// 503 for a while.
    Unavailable(Millis),
    /// The host is unreachable for a while.
    Down(Millis),
    /// The notification listener restarts (sessions dropped, subscriptions kept).
    Restart,
    /// The service restarts having lost its subscriptions.
    LoseSubscriptions,
    /// Responses are held for a while.
    Pause(Millis),
    /// The finesse service user goes away and comes back.
    PresenceFlap(Millis),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// Every kind of fault.
    All,
    /// Only faults BOSH recovers within the session (lost/late responses, short 503s).
    Recoverable,
}

/// Faults end by this time; items keep being published until `HORIZON`.
const FAULTS_END: Millis = 115_000;
const HORIZON: Millis = 175_000;

fn schedule(dice: &mut Dice, mix: Mix) -> Vec<(Millis, Fault)> {
    let n = dice.range(1, 5);
    let mut faults: Vec<(Millis, Fault)> = match mix {
        // One fault at a time, each given time to heal: a lost response, responses late by
        // less than the request margin, a short burst of 503s.
        Mix::Recoverable => (0..n.min(3))
            .map(|i| {
                let at = 8_000 + i * 35_000 + dice.range(0, 5_000);
                let fault = match dice.range(0, 2) {
                    0 => Fault::Drop(1),
                    1 => Fault::Delay(dice.range(500, 6_000), dice.range(100, 5_000)),
                    _ => Fault::Unavailable(dice.range(100, 600)),
                };
                (at, fault)
            })
            .collect(),
        Mix::All => (0..n)
            .map(|_| {
                let at = dice.range(8_000, 90_000);
                let fault = match dice.range(0, 7) {
                    0 => Fault::Drop(dice.range(1, 3) as u32),
                    1 => Fault::Delay(dice.range(500, 25_000), dice.range(100, 15_000)),
                    2 => Fault::Unavailable(dice.range(200, 25_000)),
                    3 => Fault::Down(dice.range(1_000, 45_000)),
                    4 => Fault::Restart,
                    5 => Fault::LoseSubscriptions,
                    6 => Fault::Pause(dice.range(500, 20_000)),
                    _ => Fault::PresenceFlap(dice.range(100, 10_000)),
                };
                (at, fault)
            })
            .collect(),
    };
    faults.sort_by_key(|(at, _)| *at);
    faults
}

struct Outcome {
    published: Vec<(Millis, String, u64)>,
    faults: Vec<(Millis, Fault)>,
}

/// Runs one schedule: connect, publish an item every 1.5–3.5 s on a random node (to both
/// services, as both sides of a Finesse cluster publish), apply the faults on the server in
/// use, and run to the horizon.
fn run_schedule(p: &mut Pair, seed: u64, mix: Mix) -> Outcome {
    let mut dice = Dice::new(seed.wrapping_mul(31).wrapping_add(7));
    p.latency = (0, dice.range(0, 400));
    let faults = schedule(&mut dice, mix);
    p.with_client(|c, now| c.connect(now));
    let mut published = Vec::new();
    let mut next_publish = 2_000;
    let mut pending = faults.clone().into_iter().peekable();
    let mut seq = 0;
    while p.now < HORIZON {
        let next_fault = pending.peek().map_or(Millis::MAX, |(at, _)| *at);
        let t = next_publish.min(next_fault).min(HORIZON);
        p.run_until(t);
        if t == next_publish {
            seq += 1;
            let node = *dice.pick(&ALL);
            let xml = update(node, seq);
            for s in &mut p.services {
                s.publish(node, &xml, t).unwrap();
            }
            published.push((t, node.to_owned(), seq));
            next_publish += dice.range(1_500, 3_500);
        }
        if t == next_fault {
            let (_, fault) = pending.next().unwrap();
            let s = p.urls.iter().position(|u| *u == p.client.server().url).unwrap();
            apply(p, s, fault);
        }
    }
    // Let the last items arrive (no fault is active any more: one hop at most).
    p.run_until(HORIZON + 5_000);
    // Faults with a duration end by FAULTS_END at the latest.
    assert!(faults.iter().all(|(at, _)| *at < FAULTS_END));
    Outcome { published, faults }
}

fn apply(p: &mut Pair, s: usize, fault: Fault) {
    let now = p.now;
    match fault {
        Fault::Drop(n) => p.conditions[s].drop_next += n,
        Fault::Delay(extra, d) => {
            p.conditions[s].delay_extra = extra;
            p.conditions[s].delay_until = now + d;
        }
        Fault::Unavailable(d) => p.conditions[s].unavailable_until = now + d,
        Fault::Down(d) => {
            p.conditions[s].down_until = now + d;
            p.reset_ws();
        }
        Fault::Restart => {
            p.reset_ws();
            p.with_service(s, |svc, now| svc.drop_all_sessions(now));
        }
        Fault::LoseSubscriptions => {
            p.reset_ws();
            p.with_service(s, |svc, now| {
                svc.clear_subscriptions();
                svc.drop_all_sessions(now);
            });
        }
        Fault::Pause(d) => {
            p.with_service(s, |svc, now| svc.set_paused(true, now));
            p.run_until(now + d);
            p.with_service(s, |svc, now| svc.set_paused(false, now));
        }
        Fault::PresenceFlap(d) => {
            for i in 0..p.services.len() {
                p.with_service(i, |svc, now| svc.set_service_presence(false, now));
            }
            p.run_until(now + d);
            for i in 0..p.services.len() {
                p.with_service(i, |svc, now| svc.set_service_presence(true, now));
            }
        }
    }
}

/// What a schedule proved, for the totals.
#[derive(Debug, Default)]
struct Totals {
    schedules: u64,
    items_checked: u64,
    items_received: u64,
    reconnections: u64,
    failovers: u64,
    uninterrupted: u64,
    faults: u64,
    requests: u64,
    events: u64,
    reasons: BTreeMap<String, u64>,
}

/// The invariants every schedule must satisfy.
fn check(p: &Pair, out: &Outcome, seed: u64, totals: &mut Totals) {
    let ctx = || format!("seed {seed}, faults {:?}, transport {:?}", out.faults, p.urls);
    assert_eq!(p.client.status(), ConnectionStatus::Connected, "connected at the end; {}", ctx());
    let connected_at: Vec<Millis> = p
        .events
        .iter()
        .filter(|(_, e)| matches!(e, Event::Status { status: ConnectionStatus::Connected, .. }))
        .map(|(t, _)| *t)
        .collect();
    let last = *connected_at.last().unwrap();
    let first = connected_at[0];
    assert!(last < HORIZON - 15_000, "reconnected in time ({last}); {}", ctx());

    let got = received(p);
    // Exactly once, in order, per node; never the node it is not subscribed to.
    let mut per_node: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (node, seq) in &got {
        per_node.entry(node.as_str()).or_default().push(*seq);
    }
    for (node, seqs) in &per_node {
        assert!(SUBSCRIBED.contains(node), "received from {node}; {}", ctx());
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{node}: duplicated or out of order {seqs:?}; {}",
            ctx()
        );
    }
    let got: BTreeSet<(String, u64)> = got.into_iter().collect();
    let lost_any =
        p.events.iter().any(|(t, e)| *t > first && matches!(e, Event::ConnectionLost { .. }));
    // No item published after the last `connected` is lost. Without any loss of connection,
    // none published after the first `connected` is lost either (XEP-0124 §14 retries).
    let since = if lost_any { last } else { first };
    for (t, node, seq) in &out.published {
        if *t > since && SUBSCRIBED.contains(&node.as_str()) {
            assert!(
                got.contains(&(node.clone(), *seq)),
                "item {seq} on {node} published at {t} after connected at {since} is lost; {}",
                ctx()
            );
            totals.items_checked += 1;
        }
    }
    // Where the client ended, its explicit subscriptions are in place.
    let s = p.urls.iter().position(|u| *u == p.client.server().url).unwrap();
    let jid = full_jid(p);
    for node in EXPLICIT {
        assert!(p.services[s].subscribers(node).contains(&jid), "{node} on server {s}; {}", ctx());
    }
    assert_eq!(p.client.service_available(), Some(true), "{}", ctx());
    totals.schedules += 1;
    totals.items_received += got.len() as u64;
    totals.reconnections += connected_at.len() as u64 - 1;
    totals.failovers += u64::from(s != 0);
    totals.uninterrupted += u64::from(!lost_any);
    totals.faults += out.faults.len() as u64;
}

fn run_many(seeds: std::ops::Range<u64>, mix: Mix, make: impl Fn(u64) -> Pair) -> Totals {
    let mut totals = Totals::default();
    for seed in seeds {
        let mut p = make(seed);
        let out = run_schedule(&mut p, seed, mix);
        check(&p, &out, seed, &mut totals);
        totals.requests += p.stats.requests;
        for (_, e) in &p.events {
            if let Event::ConnectionLost { reason, .. } = e {
                *totals
                    .reasons
                    .entry(format!("{reason:?}").chars().take(40).collect())
                    .or_default() += 1;
            }
        }
        totals.events += p.events.len() as u64;
    }
    eprintln!("{totals:?}");
    totals
}

#[test]
fn fault_schedules_over_bosh() {
    let t = run_many(0..300, Mix::All, bosh_pair);
    assert_eq!(t.schedules, 300);
    assert!(t.reconnections > 100 && t.failovers > 10, "the faults bite: {t:?}");
}

#[test]
fn fault_schedules_over_websocket() {
    let t = run_many(1_000..1_300, Mix::All, ws_pair);
    assert_eq!(t.schedules, 300);
    assert!(t.reconnections > 100 && t.failovers > 10, "the faults bite: {t:?}");
}

#[test]
fn fault_schedules_with_bosh_and_websocket_servers_mixed() {
    let t = run_many(2_000..2_200, Mix::All, |seed| {
        if seed % 2 == 0 {
            pair([Endpoint::bosh(A_BOSH), Endpoint::websocket(B_WS)], seed)
        } else {
            pair([Endpoint::websocket(A_WS), Endpoint::bosh(B_BOSH)], seed)
        }
    });
    assert_eq!(t.schedules, 200);
}

#[test]
fn recoverable_bosh_faults_lose_nothing_since_the_first_connected() {
    let t = run_many(3_000..3_200, Mix::Recoverable, bosh_pair);
    assert_eq!(t.schedules, 200);
    assert_eq!(
        t.uninterrupted, 200,
        "every schedule rides out the faults within the session: {t:?}"
    );
}
