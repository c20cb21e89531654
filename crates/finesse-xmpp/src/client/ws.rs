//! The client side of XMPP over WebSocket (RFC 7395): open the socket, `<open/>` the stream
//! (again after SASL), one element per frame, `<close/>` to end, and the socket's closing
//! without `<close/>` as a lost connection.

use std::collections::VecDeque;

use super::{DisconnectReason, LinkEvent, ProtocolError, Transmit};
use crate::Millis;
use crate::element::Element;
use crate::framing;
use crate::ns;
use crate::stream::StreamError;
use crate::timer::FewTimers;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `WsOpen` sent; waiting for the socket.
    Connecting,
    /// `<open/>` sent; waiting for the server's.
    Opening,
    /// Stream open.
    Open,
    /// `<close/>` sent; waiting for the server's.
    Closing,
    /// Ended; ignores all input.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Timer {
    /// The server did not answer `<close/>` in time.
    Close,
}

/// One WebSocket connection.
#[derive(Debug)]
pub(crate) struct WsLink {
    domain: String,
    max_inbound: usize,
    close_timeout: Millis,
    state: State,
    timers: FewTimers<Timer>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<LinkEvent>,
}

impl WsLink {
    /// Asks the driver to open the socket.
    pub(crate) fn start(
        url: &str,
        domain: &str,
        max_inbound: usize,
        close_timeout: Millis,
    ) -> Self {
        let mut transmits = VecDeque::new();
        transmits.push_back(Transmit::WsOpen { url: url.to_owned() });
        Self {
            domain: domain.to_owned(),
            max_inbound,
            close_timeout,
            state: State::Connecting,
            timers: FewTimers::default(),
            transmits,
            events: VecDeque::new(),
        }
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

    fn frame(&mut self, el: &Element) {
        self.transmits.push_back(Transmit::WsSend(el.to_string()));
    }

    pub(crate) fn handle_open(&mut self) {
        if self.state == State::Connecting {
            self.state = State::Opening;
            let open = framing::open(&self.domain);
            self.frame(&open);
        }
    }

    pub(crate) fn handle_message(&mut self, text: &str) {
        if matches!(self.state, State::Done | State::Connecting) {
            return;
        }
        if text.len() > self.max_inbound {
            return self.down(DisconnectReason::Protocol(ProtocolError::TooLarge));
        }
        let el = match framing::parse_frame(text) {
            Ok(el) => el,
            Err(e) => {
                return self.down(DisconnectReason::Protocol(ProtocolError::MalformedFrame(e)));
            }
        };
        if el.is("open", ns::FRAMING) {
            if self.state == State::Opening {
                self.state = State::Open;
            }
            return;
        }
        if el.is("close", ns::FRAMING) {
            if self.state == State::Closing {
                self.finish_close();
            } else {
                // RFC 7395 §3.6.1: a `see-other-uri` close redirects; either way the stream ended.
                let reason = match el.get_attr("see-other-uri") {
                    Some(_) => {
                        DisconnectReason::Terminated(crate::bosh::TerminateCondition::SeeOtherUri)
                    }
                    None => DisconnectReason::ServerClosed,
                };
                self.down(reason);
            }
            return;
        }
        if let Some(err) = StreamError::parse(&el) {
            return self.down(DisconnectReason::StreamError(err));
        }
        match self.state {
            State::Open | State::Closing => self.events.push_back(LinkEvent::Element(el)),
            // Anything before the server's <open/> is a protocol violation.
            _ => self.down(DisconnectReason::Protocol(ProtocolError::Unexpected(el.name))),
        }
    }

    pub(crate) fn handle_closed(&mut self) {
        match self.state {
            State::Done => {}
            State::Closing => {
                self.state = State::Done;
                self.timers = FewTimers::default();
                self.events.push_back(LinkEvent::Closed);
            }
            _ => {
                self.state = State::Done;
                self.timers = FewTimers::default();
                self.events.push_back(LinkEvent::Down(DisconnectReason::SocketClosed));
            }
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Millis) {
        for Timer::Close in self.timers.take_expired(now) {
            if self.state == State::Closing {
                self.finish_close();
            }
        }
    }

    /// Sends a stanza (dropped unless the stream is open).
    pub(crate) fn send(&mut self, el: Element) {
        if self.state == State::Open {
            self.frame(&el);
        }
    }

    /// Re-opens the stream after SASL success (RFC 7395 §3.5).
    pub(crate) fn restart(&mut self) {
        if self.state == State::Open {
            self.state = State::Opening;
            let open = framing::open(&self.domain);
            self.frame(&open);
        }
    }

    /// Sends the payloads and `<close/>`, then waits for the server's `<close/>`.
    pub(crate) fn terminate(&mut self, payloads: Vec<Element>, now: Millis) {
        match self.state {
            State::Open => {
                for p in payloads {
                    self.frame(&p);
                }
                self.frame(&framing::close());
                self.state = State::Closing;
                self.timers.set(Timer::Close, now.saturating_add(self.close_timeout));
            }
            State::Connecting | State::Opening => {
                self.abort();
                self.events.push_back(LinkEvent::Closed);
            }
            State::Closing | State::Done => {}
        }
    }

    /// Best effort for a page going away: payloads, `<close/>`, and the socket closed now.
    pub(crate) fn terminate_now(&mut self, payloads: Vec<Element>) {
        if self.state == State::Open {
            for p in payloads {
                self.frame(&p);
            }
            self.frame(&framing::close());
        }
        self.abort();
    }

    /// Closes the socket without ceremony; no more events.
    pub(crate) fn abort(&mut self) {
        if self.state != State::Done {
            self.transmits.push_back(Transmit::WsClose);
        }
        self.state = State::Done;
        self.timers = FewTimers::default();
    }

    fn finish_close(&mut self) {
        self.abort();
        self.events.push_back(LinkEvent::Closed);
    }

    fn down(&mut self, reason: DisconnectReason) {
        self.abort();
        self.events.push_back(LinkEvent::Down(reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(link: &mut WsLink) -> Vec<String> {
        std::iter::from_fn(|| link.poll_transmit())
            .map(|t| match t {
                Transmit::WsSend(s) => s,
                Transmit::WsOpen { url } => format!("OPEN {url}"),
                Transmit::WsClose => "CLOSE".into(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    fn open() -> WsLink {
        let mut link = WsLink::start("wss://fin-a:7443/ws", "finesse.example", 1 << 20, 5_000);
        link.handle_open();
        assert_eq!(
            frames(&mut link),
            [
                "OPEN wss://fin-a:7443/ws",
                "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"finesse.example\" version=\"1.0\"/>"
            ]
        );
        link.handle_message(
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='finesse.example' id='x' version='1.0'/>");
        link.handle_message(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms \
             xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        assert!(matches!(link.poll_event(), Some(LinkEvent::Element(f)) if f.name == "features"));
        link
    }

    #[test]
    fn opens_restarts_and_closes_as_rfc_7395_says() {
        let mut link = open();
        link.restart();
        assert_eq!(frames(&mut link).len(), 1);
        link.send(crate::stanza::presence(None));
        assert!(frames(&mut link).is_empty(), "nothing is sent before the server's new <open/>");
        link.handle_message("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0'/>");
        link.terminate(vec![crate::stanza::presence(Some("unavailable"))], 4);
        assert_eq!(
            frames(&mut link),
            [
                "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>",
                "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>"
            ]
        );
        link.handle_message("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assert_eq!(frames(&mut link), ["CLOSE"]);
        assert!(matches!(link.poll_event(), Some(LinkEvent::Closed)));
    }

    #[test]
    fn stream_errors_closes_and_garbage_end_the_connection() {
        let mut link = open();
        link.handle_message(
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><system-shutdown \
             xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
        );
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::StreamError(_)))
        ));
        let mut link = open();
        link.handle_message("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        assert!(matches!(link.poll_event(), Some(LinkEvent::Down(DisconnectReason::ServerClosed))));
        let mut link = open();
        link.handle_message("<iq");
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::Protocol(ProtocolError::MalformedFrame(_))))
        ));
        let mut link = open();
        link.handle_closed();
        assert!(matches!(link.poll_event(), Some(LinkEvent::Down(DisconnectReason::SocketClosed))));
        let mut link = WsLink::start("u", "d", 1 << 20, 5_000);
        link.handle_open();
        link.handle_message("<message xmlns='jabber:client'/>");
        assert!(matches!(
            link.poll_event(),
            Some(LinkEvent::Down(DisconnectReason::Protocol(ProtocolError::Unexpected(_))))
        ));
    }

    #[test]
    fn a_close_that_is_not_answered_times_out() {
        let mut link = open();
        link.terminate(Vec::new(), 10);
        let _ = frames(&mut link);
        link.handle_timeout(10 + 5_000);
        assert_eq!(frames(&mut link), ["CLOSE"]);
        assert!(matches!(link.poll_event(), Some(LinkEvent::Closed)));
    }
}
