//! The `Pair` harness: a client core connected in memory to one or more service cores through
//! a virtual network with a virtual clock (STYLE.md principle 3). The network delivers each
//! message after a latency and can drop or delay responses, answer 503, refuse connections,
//! reset sockets; services can be restarted, paused, lose their subscriptions or take the
//! `finesse` presence away. Time jumps from one wakeup to the next, so a 4-minute scenario runs
//! in a few milliseconds.
#![allow(dead_code, reason = "each test crate uses a different part of the harness")]
#![allow(clippy::unwrap_used, reason = "test harness")]

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use finesse_xmpp::Millis;
use finesse_xmpp::client::{Client, ClientConfig, Endpoint, Event, Transmit};
use finesse_xmpp::server::{BoshReply, ServerTransmit, Service, ServiceConfig};

/// The authenticator the services use: every user's password is `pw`.
pub(crate) type Auth = fn(&str, &str) -> bool;

/// Accepts the password `pw`.
pub(crate) fn pw(_user: &str, password: &str) -> bool {
    password == "pw"
}

/// A small deterministic generator for the harness's own choices (latency, faults).
#[derive(Debug, Clone)]
pub(crate) struct Dice(u64);

impl Dice {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }

    /// True with probability `p` percent.
    pub(crate) fn chance(&mut self, p: u64) -> bool {
        self.next() % 100 < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

#[derive(Debug, Clone)]
enum ToService {
    Bosh { token: u64, body: String },
    WsOpen { conn: u64 },
    WsFrame { conn: u64, text: String },
    WsClosed { conn: u64 },
}

#[derive(Debug, Clone)]
enum ToClient {
    Http { id: u64, status: u16, body: String },
    HttpFailure { id: u64 },
    WsOpened { conn: u64 },
    WsMessage { conn: u64, text: String },
    WsClosed { conn: u64 },
}

#[derive(Debug, Clone)]
enum Delivery {
    Service(usize, ToService),
    Client(ToClient),
}

/// What the network does to traffic, per service.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conditions {
    /// Responses (BOSH) or connections (WebSocket) to drop next.
    pub(crate) drop_next: u32,
    /// Extra delay (ms) for responses and frames sent before `delay_until`.
    pub(crate) delay_extra: Millis,
    pub(crate) delay_until: Millis,
    /// Until when every request gets a 503 (WebSocket: the upgrade fails).
    pub(crate) unavailable_until: Millis,
    /// Until when connections are refused (the host is down).
    pub(crate) down_until: Millis,
}

/// A client, services and the network between them.
pub(crate) struct Pair {
    pub(crate) client: Client,
    pub(crate) services: Vec<Service<Auth>>,
    pub(crate) urls: Vec<String>,
    pub(crate) conditions: Vec<Conditions>,
    pub(crate) now: Millis,
    /// Latency range (ms) of one hop.
    pub(crate) latency: (Millis, Millis),
    pub(crate) dice: Dice,
    queue: BinaryHeap<Reverse<(Millis, u64, usize)>>,
    deliveries: BTreeMap<usize, Delivery>,
    seq: u64,
    next_token: u64,
    /// token → (service, client HTTP id)
    tokens: BTreeMap<u64, (usize, u64)>,
    aborted: BTreeSet<u64>,
    next_conn: u64,
    /// The client's socket: (conn, service).
    ws: Option<(u64, usize)>,
    /// Sockets reset by the network.
    reset: BTreeSet<u64>,
    /// Last delivery time per (conn, direction), to keep frames in order as TCP does.
    ws_order: BTreeMap<(u64, bool), Millis>,
    /// Every event the client reported, with its time.
    pub(crate) events: Vec<(Millis, Event)>,
    pub(crate) stats: Stats,
    /// Print every delivery (for debugging a failing seed).
    pub(crate) trace: bool,
    /// Corrupt this percentage of the messages delivered (fuzzing through the network).
    pub(crate) corrupt_percent: u64,
}

/// Counters of what happened.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub(crate) requests: u64,
    pub(crate) dropped: u64,
    pub(crate) delayed: u64,
    pub(crate) unavailable: u64,
    pub(crate) refused: u64,
    pub(crate) resets: u64,
    pub(crate) corrupted: u64,
}

impl Pair {
    /// A pair with `services.len()` services at `urls[i]`.
    pub(crate) fn new(
        client: ClientConfig,
        services: Vec<ServiceConfig>,
        urls: Vec<String>,
        seed: u64,
    ) -> Self {
        let n = services.len();
        Self {
            client: Client::new(client).unwrap(),
            services: services.into_iter().map(|c| Service::new(c, pw as Auth, 0)).collect(),
            urls,
            conditions: vec![Conditions::default(); n],
            now: 0,
            latency: (0, 0),
            dice: Dice::new(seed),
            queue: BinaryHeap::new(),
            deliveries: BTreeMap::new(),
            seq: 0,
            next_token: 1,
            tokens: BTreeMap::new(),
            aborted: BTreeSet::new(),
            next_conn: 1,
            ws: None,
            reset: BTreeSet::new(),
            ws_order: BTreeMap::new(),
            events: Vec::new(),
            stats: Stats::default(),
            trace: false,
            corrupt_percent: 0,
        }
    }

    fn service_of(&self, url: &str) -> usize {
        self.urls.iter().position(|u| u == url).unwrap()
    }

    fn hop(&mut self) -> Millis {
        let (lo, hi) = self.latency;
        self.dice.range(lo, hi)
    }

    fn schedule(&mut self, at: Millis, d: Delivery) {
        self.seq += 1;
        let key = self.seq as usize;
        self.deliveries.insert(key, d);
        self.queue.push(Reverse((at, self.seq, key)));
    }

    fn schedule_ws(&mut self, conn: u64, to_client: bool, d: Delivery, extra: Millis) {
        let at = self.now + self.hop() + extra;
        let last = self.ws_order.get(&(conn, to_client)).copied().unwrap_or(0);
        let at = at.max(last);
        self.ws_order.insert((conn, to_client), at);
        self.schedule(at, d);
    }

    /// Moves every pending output of the client and services onto the network.
    fn flush(&mut self) {
        loop {
            let mut progress = false;
            while let Some(t) = self.client.poll_transmit() {
                progress = true;
                self.client_transmit(t);
            }
            while let Some(e) = self.client.poll_event() {
                self.events.push((self.now, e));
            }
            for i in 0..self.services.len() {
                while let Some(t) = self.services[i].poll_transmit() {
                    progress = true;
                    self.service_transmit(i, t);
                }
                while self.services[i].poll_event().is_some() {}
            }
            if !progress {
                return;
            }
        }
    }

    fn client_transmit(&mut self, t: Transmit) {
        if self.trace {
            let s = format!("{t:?}");
            eprintln!("{} CLIENT {}", self.now, &s[..s.len().min(300)]);
        }
        match t {
            Transmit::HttpRequest { id, url, body } => {
                self.stats.requests += 1;
                let s = self.service_of(&url);
                let hop = self.hop();
                let c = &self.conditions[s];
                if self.now < c.down_until {
                    self.stats.refused += 1;
                    self.schedule(self.now + hop, Delivery::Client(ToClient::HttpFailure { id }));
                } else if self.now < c.unavailable_until {
                    self.stats.unavailable += 1;
                    self.schedule(
                        self.now + hop,
                        Delivery::Client(ToClient::Http { id, status: 503, body: String::new() }),
                    );
                } else {
                    let token = self.next_token;
                    self.next_token += 1;
                    self.tokens.insert(token, (s, id));
                    self.schedule(
                        self.now + hop,
                        Delivery::Service(s, ToService::Bosh { token, body }),
                    );
                }
            }
            Transmit::HttpAbort { id } => {
                self.aborted.insert(id);
            }
            Transmit::WsOpen { url } => {
                let s = self.service_of(&url);
                let conn = self.next_conn;
                self.next_conn += 1;
                self.ws = Some((conn, s));
                let hop = self.hop();
                let c = &self.conditions[s];
                if self.now < c.down_until || self.now < c.unavailable_until {
                    self.stats.refused += 1;
                    self.schedule(self.now + hop, Delivery::Client(ToClient::WsClosed { conn }));
                } else {
                    self.schedule_ws(
                        conn,
                        false,
                        Delivery::Service(s, ToService::WsOpen { conn }),
                        0,
                    );
                    self.schedule_ws(
                        conn,
                        true,
                        Delivery::Client(ToClient::WsOpened { conn }),
                        hop,
                    );
                }
            }
            Transmit::WsSend(text) => {
                if let Some((conn, s)) = self.ws.filter(|(c, _)| !self.reset.contains(c)) {
                    self.schedule_ws(
                        conn,
                        false,
                        Delivery::Service(s, ToService::WsFrame { conn, text }),
                        0,
                    );
                }
            }
            Transmit::WsClose => {
                if let Some((conn, s)) = self.ws.take() {
                    self.schedule_ws(
                        conn,
                        false,
                        Delivery::Service(s, ToService::WsClosed { conn }),
                        0,
                    );
                }
            }
            other => panic!("unknown transmit {other:?}"),
        }
    }

    fn service_transmit(&mut self, s: usize, t: ServerTransmit) {
        match t {
            ServerTransmit::BoshResponse { token, status, body } => {
                let Some((_, id)) = self.tokens.remove(&token) else { return };
                self.respond(s, id, status, body);
            }
            ServerTransmit::BoshAbort { token } => {
                if let Some((_, id)) = self.tokens.remove(&token) {
                    let hop = self.hop();
                    self.schedule(self.now + hop, Delivery::Client(ToClient::HttpFailure { id }));
                }
            }
            ServerTransmit::WsFrame { conn, text } => {
                if self.now < self.conditions[s].down_until
                    && self.ws.is_some_and(|(c, _)| c == conn)
                {
                    return self.reset_ws();
                }
                let c = &self.conditions[s];
                let mut extra = 0;
                if self.now < c.delay_until {
                    extra = c.delay_extra;
                    self.stats.delayed += 1;
                }
                if self.conditions[s].drop_next > 0 && self.ws.is_some_and(|(c, _)| c == conn) {
                    // A dropped frame on a stream is a broken connection: reset both ends.
                    self.conditions[s].drop_next -= 1;
                    self.stats.dropped += 1;
                    self.reset_ws();
                    return;
                }
                self.schedule_ws(
                    conn,
                    true,
                    Delivery::Client(ToClient::WsMessage { conn, text }),
                    extra,
                );
            }
            ServerTransmit::WsClose { conn } => {
                self.schedule_ws(conn, true, Delivery::Client(ToClient::WsClosed { conn }), 0);
            }
            other => panic!("unknown server transmit {other:?}"),
        }
    }

    fn respond(&mut self, s: usize, id: u64, status: u16, body: String) {
        if self.trace {
            eprintln!(
                "{} RESPOND id {id} status {status} drop_next {}",
                self.now, self.conditions[s].drop_next
            );
        }
        if self.now < self.conditions[s].down_until {
            // The host is unreachable: the connection breaks.
            let hop = self.hop();
            self.schedule(self.now + hop, Delivery::Client(ToClient::HttpFailure { id }));
            return;
        }
        let c = &mut self.conditions[s];
        if c.drop_next > 0 {
            c.drop_next -= 1;
            self.stats.dropped += 1;
            return;
        }
        let mut extra = 0;
        if self.now < c.delay_until {
            extra = c.delay_extra;
            self.stats.delayed += 1;
        }
        let at = self.now + self.hop() + extra;
        self.schedule(at, Delivery::Client(ToClient::Http { id, status, body }));
    }

    /// Resets the client's socket (both ends see it close).
    pub(crate) fn reset_ws(&mut self) {
        if let Some((conn, s)) = self.ws {
            if !self.reset.insert(conn) {
                return;
            }
            self.stats.resets += 1;
            self.services[s].ws_closed(conn, self.now);
            let hop = self.hop();
            self.schedule(self.now + hop, Delivery::Client(ToClient::WsClosed { conn }));
        }
    }

    fn deliver(&mut self, mut d: Delivery) {
        let now = self.now;
        if self.corrupt_percent > 0 && self.dice.chance(self.corrupt_percent) {
            let dice = &mut self.dice;
            let text = match &mut d {
                Delivery::Service(_, ToService::Bosh { body, .. }) => Some(body),
                Delivery::Service(_, ToService::WsFrame { text, .. }) => Some(text),
                Delivery::Client(ToClient::Http { body, .. }) => Some(body),
                Delivery::Client(ToClient::WsMessage { text, .. }) => Some(text),
                _ => None,
            };
            if let Some(text) = text {
                *text = mutate(dice, text);
                self.stats.corrupted += 1;
            }
        }
        if self.trace {
            let s = format!("{d:?}");
            eprintln!("{now} DELIVER {}", &s[..s.len().min(300)]);
        }
        match d {
            Delivery::Service(s, input) => {
                let c = &self.conditions[s];
                let down = now < c.down_until;
                match input {
                    ToService::Bosh { token, body } => {
                        if down {
                            if let Some((_, id)) = self.tokens.remove(&token) {
                                self.schedule(now, Delivery::Client(ToClient::HttpFailure { id }));
                            }
                            return;
                        }
                        if let BoshReply::Now { status, body } =
                            self.services[s].handle_bosh_request(token, &body, now)
                            && let Some((_, id)) = self.tokens.remove(&token)
                        {
                            self.respond(s, id, status, body);
                        }
                    }
                    ToService::WsOpen { conn } => self.services[s].ws_open(conn, now),
                    ToService::WsFrame { conn, text } => {
                        self.services[s].ws_frame(conn, &text, now)
                    }
                    ToService::WsClosed { conn } => self.services[s].ws_closed(conn, now),
                }
            }
            Delivery::Client(input) => match input {
                ToClient::Http { id, status, body } => {
                    self.client.handle_http_response(id, status, &body, now)
                }
                ToClient::HttpFailure { id } => self.client.handle_http_failure(id, now),
                ToClient::WsOpened { conn } => {
                    if self.ws.is_some_and(|(c, _)| c == conn) {
                        self.client.handle_ws_open(now);
                    }
                }
                ToClient::WsMessage { conn, text } => {
                    if self.ws.is_some_and(|(c, _)| c == conn) && !self.reset.contains(&conn) {
                        self.client.handle_ws_message(&text, now);
                    }
                }
                ToClient::WsClosed { conn } => {
                    if self.ws.is_some_and(|(c, _)| c == conn) {
                        self.ws = None;
                        self.client.handle_ws_closed(now);
                    }
                }
            },
        }
    }

    /// The next time anything happens.
    pub(crate) fn next_wakeup(&self) -> Option<Millis> {
        let mut next = self.queue.peek().map(|Reverse((at, _, _))| *at);
        let mut consider = |t: Option<Millis>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n: Millis| n.min(t)));
            }
        };
        consider(self.client.poll_timeout());
        for s in &self.services {
            consider(s.poll_timeout());
        }
        next
    }

    /// Runs everything due at or before `until`, then sets the clock to `until`.
    pub(crate) fn run_until(&mut self, until: Millis) {
        self.flush();
        let mut steps = 0u64;
        while let Some(at) = self.next_wakeup() {
            if at > until {
                break;
            }
            steps += 1;
            assert!(steps < 5_000_000, "the pair does not settle");
            self.now = self.now.max(at);
            while let Some(Reverse((at, _, key))) = self.queue.peek().copied() {
                if at > self.now {
                    break;
                }
                self.queue.pop();
                let d = self.deliveries.remove(&key).unwrap();
                self.deliver(d);
                self.flush();
            }
            if self.client.poll_timeout().is_some_and(|t| t <= self.now) {
                self.client.handle_timeout(self.now);
            }
            for i in 0..self.services.len() {
                if self.services[i].poll_timeout().is_some_and(|t| t <= self.now) {
                    self.services[i].handle_timeout(self.now);
                }
            }
            self.flush();
        }
        self.now = self.now.max(until);
        self.flush();
    }

    /// Calls `f` on the client at the current time and moves its output onto the network.
    pub(crate) fn with_client(&mut self, f: impl FnOnce(&mut Client, Millis)) {
        f(&mut self.client, self.now);
        self.flush();
    }

    /// Calls `f` on service `i` at the current time and moves its output onto the network.
    pub(crate) fn with_service(&mut self, i: usize, f: impl FnOnce(&mut Service<Auth>, Millis)) {
        f(&mut self.services[i], self.now);
        self.flush();
    }
}

/// A client configuration for the pair tests: short timers so scenarios stay short.
pub(crate) fn client_config(endpoints: Vec<Endpoint>, seed: u64) -> ClientConfig {
    ClientConfig {
        seed,
        wait_secs: 20,
        request_margin: 8_000,
        ping_interval: 30_000,
        reply_timeout: 15_000,
        connect_timeout: 15_000,
        backoff_initial: 500,
        backoff_max: 8_000,
        attempts_per_server: 2,
        ..ClientConfig::new("1001001", "pw", "finesse.example", endpoints)
    }
}

/// A service configuration for the pair tests.
pub(crate) fn service_config(seed: u64) -> ServiceConfig {
    // The service waits for a ping answer longer than a client takes to recover a lost BOSH
    // response (wait + margin + retry).
    ServiceConfig {
        seed,
        ping_interval: 45_000,
        ping_timeout: 40_000,
        ..ServiceConfig::new("finesse.example")
    }
}

/// Tokens that tend to break XML and protocol parsers.
const DICTIONARY: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&bogus;",
    "'",
    "\"",
    "</body>",
    "<body>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<?xml version='1.0'?>",
    "<!DOCTYPE x>",
    "xmlns='urn:other'",
    "xmlns:x='y'",
    "x:a='1'",
    " rid='18446744073709551616'",
    " rid='-1'",
    " type='terminate'",
    " type='error'",
    " condition='see-other-uri'",
    " xmpp:restart='true'",
    " sid=''",
    "<iq type='get' id='x'/>",
    "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
    "\u{0}",
    "\u{feff}",
    "é",
    "日本",
    "\u{1F600}",
];

/// A seeded mutation of `input`: flipped, deleted, duplicated or inserted bytes, dictionary
/// tokens, truncation, a huge attribute, deep nesting, swapped namespaces.
pub(crate) fn mutate(dice: &mut Dice, input: &str) -> String {
    let mut b = input.as_bytes().to_vec();
    for _ in 0..dice.range(1, 4) {
        let len = b.len() as i64;
        let at = dice.range(0, len) as usize;
        match dice.range(0, 10) {
            0 if !b.is_empty() => {
                let i = at.min(b.len() - 1);
                b[i] = *dice.pick(b"<>&'\"=/:; aZ\x00\xff");
            }
            1 => {
                let end = (at + dice.range(1, 64) as usize).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let end = (at + dice.range(1, 256) as usize).min(b.len());
                let piece = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            3 => {
                let token = dice.pick(DICTIONARY).as_bytes().to_vec();
                b.splice(at..at, token);
            }
            4 => b.truncate(at),
            5 => {
                let huge = format!(" big='{}'", "a".repeat(dice.range(1_000, 20_000) as usize));
                let pos = b.iter().position(|&c| c == b' ').unwrap_or(0);
                b.splice(pos..pos, huge.into_bytes());
            }
            6 => {
                let depth = dice.range(10, 200) as usize;
                let nest = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
                b.splice(at..at, nest.into_bytes());
            }
            7 => {
                let text = String::from_utf8_lossy(&b).into_owned();
                let swapped = match dice.range(0, 3) {
                    0 => text.replace("jabber:client", "jabber:server"),
                    1 => text.replace("httpbind", "httpbind2"),
                    2 => text.replace("pubsub#event", "pubsub"),
                    _ => text.replace("xmpp-framing", "xmpp-framed"),
                };
                b = swapped.into_bytes();
            }
            8 => {
                let n = dice.range(1, 16) as usize;
                let bytes: Vec<u8> = (0..n).map(|_| dice.next() as u8).collect();
                b.splice(at..at, bytes);
            }
            _ => {
                let n = dice.range(1, 8) as usize;
                for _ in 0..n {
                    let token = dice.pick(DICTIONARY).as_bytes().to_vec();
                    let pos = dice.range(0, b.len() as i64) as usize;
                    b.splice(pos..pos, token);
                }
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}
