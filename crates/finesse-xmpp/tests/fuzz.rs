//! Fuzz-style tests (seeded, in the normal suite): thousands of mutated bodies and frames fed
//! to both cores and to the parsers beneath them. Nothing may panic, memory stays bounded,
//! and the cores keep answering. The coverage-guided fuzz target lives in `/fuzz`.
#![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

mod support;

use finesse_xmpp::bosh::Body;
use finesse_xmpp::client::{ConnectionStatus, Endpoint};
use finesse_xmpp::pubsub::{self, ItemPayload};
use finesse_xmpp::{Element, framing};
use support::{Dice, Pair, client_config, mutate, service_config};

const A_BOSH: &str = "https://fin-a.example:7443/http-bind";
const A_WS: &str = "wss://fin-a.example:7443/ws";
const B_BOSH: &str = "https://fin-b.example:7443/http-bind";

/// Valid inputs of every kind the cores see, as seeds for mutation.
const CORPUS: &[&str] = &[
    "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' rid='100' to='finesse.example' wait='20' hold='1' ver='1.6' xmpp:version='1.0'/>",
    "<body xmlns='http://jabber.org/protocol/httpbind' sid='S' wait='60' requests='2' hold='1' inactivity='30' xmlns:stream='http://etherx.jabber.org/streams'><stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features></body>",
    "<body xmlns='http://jabber.org/protocol/httpbind' rid='101' sid='S'><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>ADEwMDEwMDEAcHc=</auth></body>",
    "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='remote-stream-error' xmlns:stream='http://etherx.jabber.org/streams'><stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>",
    "<message xmlns='jabber:client' from='pubsub.finesse.example' to='1001001@finesse.example/g' id='m'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='/finesse/api/User/1001001'><item id='i'><notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;data&gt;&lt;user&gt;&lt;state&gt;READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;&lt;/Update&gt;</notification></item></items></event></message>",
    "<iq xmlns='jabber:client' type='set' id='sub1' to='pubsub.finesse.example'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/Team/1/Users' jid='1001001@finesse.example/g'/></pubsub></iq>",
    "<iq xmlns='jabber:client' type='result' id='fx3'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions><subscription node='/n' jid='1001001@finesse.example/g' subid='1'/></subscriptions></pubsub></iq>",
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='finesse.example' version='1.0'/>",
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
    "<presence xmlns='jabber:client' from='finesse@finesse.example' type='unavailable'/>",
];

/// Whether `payload` is an `<Update>` item's: decoded with `typed-items`, as received without.
fn is_update(payload: &ItemPayload) -> bool {
    #[cfg(feature = "typed-items")]
    let update = matches!(payload, ItemPayload::Update(_));
    #[cfg(not(feature = "typed-items"))]
    let update = matches!(payload, ItemPayload::Undecoded { xml } if xml.starts_with("<Update>"));
    update
}

#[test]
fn mutated_documents_never_panic_the_parsers() {
    let mut dice = Dice::new(0xF022);
    let mut parsed = [0u32; 4];
    for i in 0..3_000 {
        let input = mutate(&mut dice, CORPUS[i % CORPUS.len()]);
        if let Ok(el) = Element::parse(&input) {
            parsed[0] += 1;
            // What parses writes back as something that parses to the same tree.
            assert_eq!(Element::parse(&el.to_string()).as_ref(), Ok(&el), "{input:?}");
            if let Some(pubsub::PubsubEvent::Items(items)) = pubsub::parse_event(&el) {
                parsed[3] += items.iter().filter(|i| is_update(&i.payload)).count() as u32;
            }
            let _ = pubsub::parse_request(&el);
            let _ = pubsub::parse_subscriptions(&el);
        }
        if Body::parse(&input).is_ok() {
            parsed[1] += 1;
        }
        if framing::parse_frame(&input).is_ok() {
            parsed[2] += 1;
        }
    }
    // The mutations are neither all fatal nor all harmless.
    assert!(parsed[0] > 150 && parsed[0] < 2_850, "{parsed:?}");
    assert!(parsed[1] > 50 && parsed[2] > 100 && parsed[3] > 10, "{parsed:?}");
}

/// Runs pairs whose network corrupts a share of the messages in both directions.
fn corrupted_pairs(endpoints: fn(u64) -> Vec<Endpoint>, seeds: std::ops::Range<u64>) -> (u64, u64) {
    let (mut corrupted, mut connected) = (0, 0);
    for seed in seeds {
        let eps = endpoints(seed);
        let urls = eps.iter().map(|e| e.url.clone()).collect();
        let mut p = Pair::new(
            client_config(eps, seed),
            vec![service_config(seed), service_config(seed + 1)],
            urls,
            seed,
        );
        p.latency = (0, 50);
        p.corrupt_percent = 15;
        for s in &mut p.services {
            s.ensure_node("/finesse/api/Team/1/Users");
        }
        p.client.subscribe("/finesse/api/Team/1/Users").unwrap();
        p.with_client(|c, now| c.connect(now));
        let mut dice = Dice::new(seed);
        let mut t = 0;
        while t < 120_000 {
            t += dice.range(200, 2_000);
            p.run_until(t);
            for s in &mut p.services {
                s.publish("/finesse/api/User/1001001", "<Update><event>PUT</event></Update>", t)
                    .unwrap();
            }
            // Bounded memory: nothing accumulates without limit on either side.
            assert!(p.services.iter().all(|s| s.session_count() < 50), "seed {seed}");
        }
        corrupted += p.stats.corrupted;
        // Then the network heals. Unless the corruption made the client stop for good (it
        // may have turned a SASL success into a failure), it gets back to connected.
        p.corrupt_percent = 0;
        p.run_until(t + 120_000);
        match p.client.status() {
            ConnectionStatus::Connected => connected += 1,
            ConnectionStatus::Disconnected => {
                assert_eq!(p.client.poll_timeout(), None, "seed {seed}: stopped for good")
            }
            other => panic!("seed {seed}: {other:?} after the network healed"),
        }
    }
    (corrupted, connected)
}

#[test]
fn a_corrupting_network_never_panics_either_core_over_bosh() {
    let (corrupted, connected) =
        corrupted_pairs(|_| vec![Endpoint::bosh(A_BOSH), Endpoint::bosh(B_BOSH)], 0..40);
    eprintln!("bosh: {corrupted} corrupted messages, {connected}/40 reconnected");
    assert!(corrupted > 1_500, "{corrupted}");
    assert!(connected > 20, "{connected}");
}

#[test]
fn a_corrupting_network_never_panics_either_core_over_websocket() {
    let (corrupted, connected) =
        corrupted_pairs(|_| vec![Endpoint::websocket(A_WS), Endpoint::bosh(B_BOSH)], 100..140);
    eprintln!("websocket: {corrupted} corrupted messages, {connected}/40 reconnected");
    assert!(corrupted > 1_000, "{corrupted}");
    assert!(connected > 20, "{connected}");
}
