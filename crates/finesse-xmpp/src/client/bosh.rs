//! The client side of a BOSH session (XEP-0124/0206): rid bookkeeping, the `requests`
//! window, one request always held at the server, retrying the same rid with the same body
//! after a recoverable failure (§14: network error, timeout, 5xx, an unreadable response),
//! processing responses in rid order, restart and terminate.

use std::collections::VecDeque;

use super::{DisconnectReason, LinkEvent, ProtocolError, Transmit};
use crate::Millis;
use crate::bosh::{self, Body, BodyType, TerminateCondition};
use crate::element::Element;
use crate::stream::StreamError;
use crate::timer::FewTimers;
use crate::vecmap::VecMap;

/// Payloads sent in one body at most (the rest wait for the next request).
const MAX_PAYLOADS_PER_BODY: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Session creation request sent, no sid yet.
    Creating,
    /// Session open.
    Open,
    /// Terminate requested (and maybe sent); waiting for its answer.
    Terminating,
    /// Ended (down or closed); ignores all input.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// The HTTP request carrying this rid timed out.
    Deadline(u64),
    /// Time to resend this rid.
    Retry(u64),
}

#[derive(Debug)]
struct Request {
    body: String,
    /// The HTTP id of the current attempt, `None` while waiting to retry.
    http_id: Option<u64>,
    attempts: u32,
    deadline: Millis,
}

/// Settings a link needs from the client configuration.
#[derive(Debug, Clone)]
pub(crate) struct BoshSettings {
    pub(crate) url: String,
    pub(crate) domain: String,
    pub(crate) wait_secs: u32,
    pub(crate) margin: Millis,
    pub(crate) connect_timeout: Millis,
    pub(crate) max_retries: u32,
    pub(crate) max_inbound: usize,
}

/// One BOSH session.
#[derive(Debug)]
pub(crate) struct BoshLink {
    cfg: BoshSettings,
    state: State,
    sid: Option<String>,
    /// The rid the next new request gets.
    next_rid: u64,
    /// The rid whose response is processed next (all below are processed).
    next_to_process: u64,
    /// Most simultaneous requests (1 until the session creation response says more).
    requests: u64,
    /// Server's `wait` (s).
    wait_secs: u32,
    inflight: VecMap<u64, Request>,
    /// Responses that arrived before an earlier rid's.
    ready: VecMap<u64, Body>,
    http_ids: VecMap<u64, u64>,
    outbox: VecDeque<Element>,
    restart: bool,
    terminate: bool,
    terminate_rid: Option<u64>,
    timers: FewTimers<Timer>,
    /// HTTP ids are `generation << 32 | counter`, unique across links.
    id_base: u64,
    id_counter: u64,
    transmits: VecDeque<Transmit>,
    events: VecDeque<LinkEvent>,
}

impl BoshLink {
    /// Starts a session: queues the session creation request.
    pub(crate) fn start(cfg: BoshSettings, initial_rid: u64, generation: u64, now: Millis) -> Self {
        let mut link = Self {
            cfg,
            state: State::Creating,
            sid: None,
            next_rid: initial_rid,
            next_to_process: initial_rid,
            requests: 1,
            wait_secs: 0,
            inflight: VecMap::default(),
            ready: VecMap::default(),
            http_ids: VecMap::default(),
            outbox: VecDeque::new(),
            restart: false,
            terminate: false,
            terminate_rid: None,
            timers: FewTimers::default(),
            id_base: (generation & 0xFFFF_FFFF) << 32,
            id_counter: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        };
        link.wait_secs = link.cfg.wait_secs;
        let body = Body {
            rid: Some(initial_rid),
            to: Some(link.cfg.domain.clone()),
            wait: Some(link.cfg.wait_secs),
            hold: Some(1),
            ver: Some(bosh::VERSION.to_owned()),
            xmpp_version: Some(bosh::XMPP_VERSION.to_owned()),
            other: vec![
                ("content".to_owned(), bosh::CONTENT.to_owned()),
                ("xml:lang".to_owned(), "en".to_owned()),
            ],
            ..Body::default()
        };
        link.next_rid += 1;
        let deadline = link.cfg.connect_timeout;
        link.send_new(initial_rid, body.to_xml(), deadline, now);
        link
    }

    /// The session id, once known.
    #[cfg(test)]
    pub(crate) fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    pub(crate) fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    pub(crate) fn poll_event(&mut self) -> Option<LinkEvent> {
        self.events.pop_front()
    }

    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        self.timers.next()
    }

    /// Queues a stanza (or nonza) for the next request.
    pub(crate) fn send(&mut self, el: Element) {
        if matches!(self.state, State::Open | State::Creating) {
            self.outbox.push_back(el);
        }
    }

    /// Asks for an XEP-0206 stream restart (after SASL success).
    pub(crate) fn restart(&mut self) {
        if self.state == State::Open {
            self.restart = true;
        }
    }

    /// Ends the session cleanly: the payloads travel in the `type='terminate'` body.
    pub(crate) fn terminate(&mut self, payloads: Vec<Element>) {
        match self.state {
            State::Open => {
                self.outbox.extend(payloads);
                self.terminate = true;
                self.state = State::Terminating;
            }
            State::Creating => {
                self.abort();
                self.events.push_back(LinkEvent::Closed);
            }
            State::Terminating | State::Done => {}
        }
    }

    /// Best effort for a page that is going away: sends the terminate body now, even beyond
    /// the `requests` window, and forgets the session without aborting that request.
    pub(crate) fn terminate_now(&mut self, payloads: Vec<Element>) {
        if let (State::Open | State::Terminating, Some(sid)) = (self.state, self.sid.clone()) {
            let body =
                Body { kind: BodyType::Terminate, payloads, ..Body::new(self.next_rid, &sid) };
            self.next_rid += 1;
            let id = self.next_http_id();
            self.transmits.push_back(Transmit::HttpRequest {
                id,
                url: self.cfg.url.clone(),
                body: body.to_xml(),
            });
        }
        self.state = State::Done;
        self.timers = FewTimers::default();
    }

    /// Abandons the session: aborts every request in flight; no more events.
    pub(crate) fn abort(&mut self) {
        for req in std::mem::take(&mut self.inflight).into_values() {
            if let Some(id) = req.http_id {
                self.transmits.push_back(Transmit::HttpAbort { id });
            }
        }
        self.http_ids.clear();
        self.ready.clear();
        self.outbox.clear();
        self.timers = FewTimers::default();
        self.state = State::Done;
    }

    pub(crate) fn handle_response(&mut self, id: u64, status: u16, text: &str, now: Millis) {
        let Some(rid) = self.http_ids.remove(&id) else { return };
        if self.state == State::Done {
            return;
        }
        self.timers.cancel(Timer::Deadline(rid));
        if let Some(req) = self.inflight.get_mut(&rid) {
            req.http_id = None;
        }
        match status {
            200 => {
                if text.len() > self.cfg.max_inbound {
                    return self.down(DisconnectReason::Protocol(ProtocolError::TooLarge));
                }
                match Body::parse(text) {
                    Ok(body) => {
                        self.inflight.remove(&rid);
                        self.ready.insert(rid, body);
                        // The server answers in rid order: an earlier request still waiting
                        // lost its response on the way. Resend it now instead of waiting for
                        // its deadline (the server keeps the response for it).
                        let lost: Vec<u64> = self
                            .inflight
                            .iter_below(&rid)
                            .filter(|(_, r)| r.http_id.is_some())
                            .map(|(rid, _)| *rid)
                            .collect();
                        for earlier in lost {
                            self.resend_now(earlier, now);
                        }
                        self.process_ready();
                    }
                    Err(e) => self.failed(rid, now, Some(ProtocolError::MalformedBody(e))),
                }
            }
            // Legacy (XEP-0124 before 1.6) terminal errors: bad-request, policy-violation,
            // item-not-found; and anything else in 4xx ends the session too.
            400..=499 => self.down(DisconnectReason::HttpStatus(status)),
            // 5xx, 0, 1xx, 3xx: recoverable, resend the same rid.
            _ => self.failed(rid, now, None),
        }
    }

    pub(crate) fn handle_failure(&mut self, id: u64, now: Millis) {
        let Some(rid) = self.http_ids.remove(&id) else { return };
        if self.state == State::Done {
            return;
        }
        self.timers.cancel(Timer::Deadline(rid));
        if let Some(req) = self.inflight.get_mut(&rid) {
            req.http_id = None;
        }
        self.failed(rid, now, None);
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        for timer in self.timers.take_expired(now) {
            if self.state == State::Done {
                return;
            }
            match timer {
                Timer::Deadline(rid) => {
                    if let Some(id) = self.inflight.get_mut(&rid).and_then(|r| r.http_id.take()) {
                        self.http_ids.remove(&id);
                        self.transmits.push_back(Transmit::HttpAbort { id });
                    }
                    self.failed(rid, now, None);
                }
                Timer::Retry(rid) => self.resend_now(rid, now),
            }
        }
    }

    fn next_http_id(&mut self) -> u64 {
        self.id_counter = (self.id_counter + 1) & 0xFFFF_FFFF;
        self.id_base | self.id_counter
    }

    fn request_deadline(&self) -> Millis {
        Millis::from(self.wait_secs) * 1000 + self.cfg.margin
    }

    fn send_new(&mut self, rid: u64, body: String, timeout: Millis, now: Millis) {
        let id = self.next_http_id();
        self.http_ids.insert(id, rid);
        self.timers.set(Timer::Deadline(rid), now.saturating_add(timeout));
        self.transmits.push_back(Transmit::HttpRequest {
            id,
            url: self.cfg.url.clone(),
            body: body.clone(),
        });
        self.inflight
            .insert(rid, Request { body, http_id: Some(id), attempts: 0, deadline: timeout });
    }

    /// Sends the same body for `rid` again, under a new HTTP id.
    fn resend_now(&mut self, rid: u64, now: Millis) {
        let id = self.next_http_id();
        let Some(req) = self.inflight.get_mut(&rid) else { return };
        if let Some(old) = req.http_id.replace(id) {
            self.http_ids.remove(&old);
            self.transmits.push_back(Transmit::HttpAbort { id: old });
        }
        self.timers.cancel(Timer::Retry(rid));
        self.timers.set(Timer::Deadline(rid), now.saturating_add(req.deadline));
        self.http_ids.insert(id, rid);
        self.transmits.push_back(Transmit::HttpRequest {
            id,
            url: self.cfg.url.clone(),
            body: req.body.clone(),
        });
    }

    /// A recoverable failure of `rid`'s current attempt: schedule a retry, or give up.
    fn failed(&mut self, rid: u64, now: Millis, protocol: Option<ProtocolError>) {
        let Some(req) = self.inflight.get_mut(&rid) else { return };
        req.attempts += 1;
        if req.attempts > self.cfg.max_retries {
            let reason = match protocol {
                Some(p) => DisconnectReason::Protocol(p),
                None => DisconnectReason::RequestFailed,
            };
            if self.state == State::Terminating {
                self.abort();
                self.events.push_back(LinkEvent::Closed);
            } else {
                self.down(reason);
            }
            return;
        }
        // 250 ms, 500 ms, 1 s, … capped at 4 s: quick, since the session is still alive.
        let shift = (req.attempts - 1).min(4);
        self.timers.set(Timer::Retry(rid), now.saturating_add(250 << shift));
    }

    fn down(&mut self, reason: DisconnectReason) {
        self.abort();
        self.events.push_back(LinkEvent::Down(reason));
    }

    fn process_ready(&mut self) {
        while let Some(body) = self.ready.remove(&self.next_to_process) {
            let rid = self.next_to_process;
            self.next_to_process += 1;
            if self.state == State::Creating {
                let Some(sid) = body.sid.clone() else {
                    return self.down(DisconnectReason::Protocol(ProtocolError::MissingSid));
                };
                if body.kind == BodyType::Normal {
                    self.sid = Some(sid);
                    self.requests = u64::from(body.requests.unwrap_or(2).clamp(1, 16));
                    self.wait_secs = body.wait.unwrap_or(self.cfg.wait_secs).clamp(1, 3600);
                    self.state = State::Open;
                }
            }
            match body.kind {
                BodyType::Normal => {
                    for p in body.payloads {
                        if let Some(err) = StreamError::parse(&p) {
                            return self.down(DisconnectReason::StreamError(err));
                        }
                        self.events.push_back(LinkEvent::Element(p));
                    }
                    if self.terminate_rid == Some(rid) {
                        self.abort();
                        self.events.push_back(LinkEvent::Closed);
                        return;
                    }
                }
                BodyType::Terminate | BodyType::Error => {
                    if self.state == State::Terminating {
                        self.abort();
                        self.events.push_back(LinkEvent::Closed);
                        return;
                    }
                    let mut stream_error = None;
                    for p in body.payloads {
                        match StreamError::parse(&p) {
                            Some(err) => stream_error = Some(err),
                            None => self.events.push_back(LinkEvent::Element(p)),
                        }
                    }
                    let reason = match stream_error {
                        Some(err) => DisconnectReason::StreamError(err),
                        None => DisconnectReason::Terminated(
                            body.condition.unwrap_or(TerminateCondition::UndefinedCondition),
                        ),
                    };
                    return self.down(reason);
                }
            }
        }
    }

    /// Sends what can be sent: at most `requests` in flight, rids within the window, one
    /// request always waiting at the server while the session is open. The client calls it
    /// once it has processed everything the link reported, so the stanzas it queued in
    /// response travel together in one request.
    pub(crate) fn flush(&mut self, now: Millis) {
        loop {
            if !matches!(self.state, State::Open | State::Terminating) {
                return;
            }
            if self.terminate_rid.is_some() {
                return;
            }
            let Some(sid) = self.sid.clone() else { return };
            let in_window = self.next_rid < self.next_to_process + self.requests;
            if self.inflight.len() as u64 >= self.requests || !in_window {
                return;
            }
            let has_work = !self.outbox.is_empty() || self.restart || self.terminate;
            if !has_work && !self.inflight.is_empty() {
                return;
            }
            let rid = self.next_rid;
            if rid > bosh::MAX_RID {
                return self.down(DisconnectReason::Protocol(ProtocolError::RidExhausted));
            }
            self.next_rid += 1;
            let mut body = Body::new(rid, &sid);
            if self.restart {
                // XEP-0206 §5: an empty body with `xmpp:restart`, `to` and `xml:lang`.
                self.restart = false;
                body.restart = true;
                body.to = Some(self.cfg.domain.clone());
                body.other.push(("xml:lang".to_owned(), "en".to_owned()));
            } else {
                let n = self.outbox.len().min(MAX_PAYLOADS_PER_BODY);
                body.payloads = self.outbox.drain(..n).collect();
                if self.terminate && self.outbox.is_empty() {
                    body.kind = BodyType::Terminate;
                    self.terminate_rid = Some(rid);
                    let deadline = self.cfg.margin;
                    self.send_new(rid, body.to_xml(), deadline, now);
                    return;
                }
            }
            let deadline = self.request_deadline();
            self.send_new(rid, body.to_xml(), deadline, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> BoshSettings {
        BoshSettings {
            url: "http://fin-a/http-bind".into(),
            domain: "finesse.example".into(),
            wait_secs: 60,
            margin: 10_000,
            connect_timeout: 20_000,
            max_retries: 2,
            max_inbound: 1 << 20,
        }
    }

    fn request(link: &mut BoshLink) -> (u64, String) {
        loop {
            match link.poll_transmit() {
                Some(Transmit::HttpRequest { id, body, .. }) => return (id, body),
                Some(_) => continue,
                None => panic!("no request"),
            }
        }
    }

    const CREATED: &str = "<body xmlns='http://jabber.org/protocol/httpbind' sid='S1' wait='60' \
        requests='2' hold='1' inactivity='30' ver='1.6' xmlns:xmpp='urn:xmpp:xbosh' \
        xmpp:version='1.0' xmlns:stream='http://etherx.jabber.org/streams'><stream:features>\
        <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>\
        </mechanisms></stream:features></body>";

    fn open() -> BoshLink {
        let mut link = BoshLink::start(settings(), 1000, 1, 0);
        let (id, body) = request(&mut link);
        assert_eq!(
            body,
            "<body xmlns=\"http://jabber.org/protocol/httpbind\" rid=\"1000\" to=\"finesse.example\" \
             wait=\"60\" hold=\"1\" ver=\"1.6\" content=\"text/xml; charset=utf-8\" xml:lang=\"en\" \
             xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:version=\"1.0\"/>"
        );
        link.handle_response(id, 200, CREATED, 10);
        link.flush(10);
        assert_eq!(link.sid(), Some("S1"));
        assert!(matches!(link.poll_event(), Some(LinkEvent::Element(f)) if f.name == "features"));
        link
    }

    #[test]
    fn keeps_one_request_held_and_adds_one_for_data() {
        let mut link = open();
        let (poll, body) = request(&mut link);
        assert_eq!(
            body,
            "<body xmlns=\"http://jabber.org/protocol/httpbind\" rid=\"1001\" sid=\"S1\"/>"
        );
        assert!(link.poll_transmit().is_none(), "only one empty request is held");
        link.send(crate::stanza::presence(None));
        link.flush(20);
        let (_, body) = request(&mut link);
        assert!(body.contains("rid=\"1002\"") && body.contains("<presence"), "{body}");
        // Window full (requests=2): the next stanza waits.
        link.send(crate::stanza::presence(None));
        link.flush(21);
        assert!(link.poll_transmit().is_none());
        // The held request returns: the queued stanza goes out with rid 1003.
        link.handle_response(poll, 200, "<body xmlns='http://jabber.org/protocol/httpbind'/>", 30);
        link.flush(30);
        let (_, body) = request(&mut link);
        assert!(body.contains("rid=\"1003\"") && body.contains("<presence"), "{body}");
    }

    #[test]
    fn retries_the_same_rid_and_body_after_a_503_a_timeout_and_a_network_error() {
        let mut link = open();
        let (id, body) = request(&mut link);
        link.handle_response(id, 503, "", 20);
        link.flush(20);
        assert!(link.poll_transmit().is_none(), "not before the retry delay");
        link.handle_timeout(20 + 250);
        let (id2, again) = request(&mut link);
        assert_eq!(again, body);
        assert_ne!(id2, id);
        // The old id answering late is ignored.
        link.handle_response(id, 200, "<body xmlns='http://jabber.org/protocol/httpbind'><presence xmlns='jabber:client'/></body>", 300);
        assert!(link.poll_event().is_none());
        link.handle_failure(id2, 400);
        link.handle_timeout(400 + 500);
        let (id3, again) = request(&mut link);
        assert_eq!(again, body);
        // Third failure exceeds max_retries (2): the session is lost.
        link.handle_timeout(900 + 70_000);
        assert!(matches!(link.poll_transmit(), Some(Transmit::HttpAbort { id }) if id == id3));
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::RequestFailed))
        ));
    }

    #[test]
    fn a_later_response_resends_an_earlier_lost_one_and_order_is_kept() {
        let mut link = open();
        let (poll, _) = request(&mut link);
        link.send(crate::ping::ping_iq("p1", None));
        link.flush(20);
        let (data, _) = request(&mut link);
        link.handle_response(data, 200, "<body xmlns='http://jabber.org/protocol/httpbind'><iq xmlns='jabber:client' type='result' id='p1'/></body>", 30);
        // The ping result waits behind rid 1001, which is resent at once.
        assert!(link.poll_event().is_none());
        assert!(matches!(link.poll_transmit(), Some(Transmit::HttpAbort { id }) if id == poll));
        let (again, body) = request(&mut link);
        assert!(body.contains("rid=\"1001\""));
        link.handle_response(again, 200, "<body xmlns='http://jabber.org/protocol/httpbind'><message xmlns='jabber:client' id='m'/></body>", 40);
        assert!(matches!(link.poll_event(), Some(LinkEvent::Element(e)) if e.name == "message"));
        assert!(matches!(link.poll_event(), Some(LinkEvent::Element(e)) if e.name == "iq"));
    }

    #[test]
    fn terminate_bodies_end_the_session_with_their_condition() {
        for c in TerminateCondition::KNOWN {
            let mut link = open();
            let (id, _) = request(&mut link);
            link.handle_response(
                id,
                200,
                &format!("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='{c}'/>"),
                20,
            );
            match link.poll_event() {
                Some(LinkEvent::Down(DisconnectReason::Terminated(got))) => assert_eq!(&got, c),
                other => panic!("{c}: {other:?}"),
            }
        }
    }

    #[test]
    fn remote_stream_error_carries_the_stream_error() {
        let mut link = open();
        let (id, _) = request(&mut link);
        link.handle_response(id, 200, "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' \
            condition='remote-stream-error' xmlns:stream='http://etherx.jabber.org/streams'>\
            <stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></body>", 20);
        assert!(matches!(link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::StreamError(e))) if e.condition == crate::stream::StreamErrorCondition::Conflict));
    }

    #[test]
    fn legacy_http_errors_are_terminal_and_garbage_is_retried() {
        let mut link = open();
        let (id, _) = request(&mut link);
        link.handle_response(id, 404, "", 20);
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::HttpStatus(404)))
        ));
        let mut link = open();
        let (id, body) = request(&mut link);
        link.handle_response(id, 200, "<html>proxy error</html>", 20);
        link.handle_timeout(1_000);
        assert_eq!(request(&mut link).1, body);
    }

    #[test]
    fn restart_and_clean_terminate() {
        let mut link = open();
        let (poll, _) = request(&mut link);
        link.restart();
        link.flush(20);
        let (restart, body) = request(&mut link);
        assert_eq!(
            body,
            "<body xmlns=\"http://jabber.org/protocol/httpbind\" rid=\"1002\" sid=\"S1\" \
             to=\"finesse.example\" xml:lang=\"en\" xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:restart=\"true\"/>"
        );
        link.handle_response(poll, 200, "<body xmlns='http://jabber.org/protocol/httpbind'/>", 30);
        link.handle_response(
            restart,
            200,
            "<body xmlns='http://jabber.org/protocol/httpbind'/>",
            30,
        );
        link.terminate(vec![crate::stanza::presence(Some("unavailable"))]);
        link.flush(31);
        let (term, body) = request(&mut link);
        assert!(body.contains("type=\"terminate\"") && body.contains("unavailable"), "{body}");
        link.handle_response(
            term,
            200,
            "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'/>",
            40,
        );
        assert!(matches!(link.poll_event(), Some(LinkEvent::Closed)));
    }

    #[test]
    fn a_creation_response_without_sid_is_a_protocol_error() {
        let mut link = BoshLink::start(settings(), 5, 1, 0);
        let (id, _) = request(&mut link);
        link.handle_response(id, 200, "<body xmlns='http://jabber.org/protocol/httpbind'/>", 1);
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::Protocol(ProtocolError::MissingSid)))
        ));
    }
}
