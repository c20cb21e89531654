//! [`Bridge`]: runs a [`Master`] over any [`Hub`]. It subscribes `finesse.info.requests`,
//! queues what gadgets publish there, feeds it to the master, publishes what the master
//! publishes, and hands the master's commands to whoever owns the XMPP client through
//! [`XmppControl`] (implemented here for the client core itself). Generic and without I/O:
//! the driver still owns the clock, the hub and the client.
//!
//! The hub calls the request subscription at any time (inside a publish, in the browser from
//! a `message` event), when the master cannot be borrowed safely, so the bridge only queues
//! the request there and calls the `on_request` hook given to [`Bridge::new`]. The hook must
//! not call back into the bridge; it schedules a call to [`Bridge::pump`] (a microtask in the
//! browser; tests call `pump` after each gadget action).
//!
//! After each bridge call that took `xmpp`, the XMPP client may have work: drain it as the
//! client's own run loop requires, feeding its events back through
//! [`Bridge::handle_client_event`], then re-arm the timer from [`Bridge::poll_timeout`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use finesse_xmpp::Millis;
use finesse_xmpp::client::{Client, CommandError, Event};
use serde_json::Value;

use crate::hub::{Hub, HubError, Subscription};
use crate::master::{Command, Master};
use crate::topic::REQUESTS;

/// Carries out the master's [`Command`]s on an XMPP client.
pub trait XmppControl {
    /// Does what `command` asks; an error is reported back to the master.
    fn execute(&mut self, command: &Command, now: Millis) -> Result<(), CommandError>;
}

impl XmppControl for Client {
    fn execute(&mut self, command: &Command, now: Millis) -> Result<(), CommandError> {
        match command {
            Command::Subscribe(node) => self.subscribe(node),
            Command::Unsubscribe(node) => self.unsubscribe(node),
            Command::Connect => {
                self.connect(now);
                Ok(())
            }
        }
    }
}

/// A [`Master`] wired to a hub. See the [module documentation](self).
pub struct Bridge<H: Hub> {
    master: Master,
    inbox: Rc<RefCell<VecDeque<Value>>>,
    publish_failures: u64,
    // Dropped before the hub: unsubscribes `finesse.info.requests`.
    _requests: Subscription,
    hub: H,
}

impl<H: Hub> std::fmt::Debug for Bridge<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge")
            .field("master", &self.master)
            .field("queued", &self.inbox.borrow().len())
            .field("publish_failures", &self.publish_failures)
            .finish_non_exhaustive()
    }
}

impl<H: Hub> Bridge<H> {
    /// Subscribes `finesse.info.requests` on `hub` for `master`; `on_request` is called (from
    /// inside the hub) each time a request is queued, to schedule a [`pump`](Self::pump).
    pub fn new(hub: H, master: Master, on_request: impl Fn() + 'static) -> Result<Self, HubError> {
        let inbox: Rc<RefCell<VecDeque<Value>>> = Rc::default();
        let queue = Rc::clone(&inbox);
        let requests = hub.subscribe(
            REQUESTS,
            Box::new(move |_, payload| {
                queue.borrow_mut().push_back(payload.clone());
                on_request();
            }),
        )?;
        Ok(Self { master, inbox, publish_failures: 0, _requests: requests, hub })
    }

    /// The master.
    pub fn master(&self) -> &Master {
        &self.master
    }

    /// The hub.
    pub fn hub(&self) -> &H {
        &self.hub
    }

    /// Requests queued and not yet fed to the master.
    pub fn queued_requests(&self) -> usize {
        self.inbox.borrow().len()
    }

    /// Publishes the hub refused (never expected: the master's topics are valid).
    pub fn publish_failures(&self) -> u64 {
        self.publish_failures
    }

    /// Feeds the queued requests to the master and carries out everything that follows,
    /// including requests gadgets publish in reaction, until nothing is left.
    pub fn pump(&mut self, now: Millis, xmpp: &mut (impl XmppControl + ?Sized)) {
        loop {
            let mut progressed = false;
            while let Some(publish) = self.master.poll_publish() {
                progressed = true;
                if self.hub.publish(&publish.topic, publish.payload).is_err() {
                    self.publish_failures += 1;
                }
            }
            while let Some(command) = self.master.poll_command() {
                progressed = true;
                if let Err(error) = xmpp.execute(&command, now) {
                    self.master.handle_command_error(&command, &error, now);
                }
            }
            let next = self.inbox.borrow_mut().pop_front();
            match next {
                Some(request) => self.master.handle_request(&request, now),
                None if !progressed => return,
                None => {}
            }
        }
    }

    /// Feeds an event of the XMPP client to the master, then [`pump`](Self::pump)s.
    pub fn handle_client_event(
        &mut self,
        event: &Event,
        now: Millis,
        xmpp: &mut (impl XmppControl + ?Sized),
    ) {
        self.master.handle_client_event(event, now);
        self.pump(now, xmpp);
    }

    /// Lets time pass (see [`Master::handle_timeout`]), then [`pump`](Self::pump)s.
    pub fn handle_timeout(
        &mut self,
        now: Millis,
        wall_clock_ms: i64,
        xmpp: &mut (impl XmppControl + ?Sized),
    ) {
        self.master.handle_timeout(now, wall_clock_ms);
        self.pump(now, xmpp);
    }

    /// When [`handle_timeout`](Self::handle_timeout) must be called next.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.master.poll_timeout()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryHub;
    use finesse_xmpp::client::{ClientConfig, ConnectionStatus, Endpoint};
    use serde_json::json;
    use std::cell::Cell;

    #[derive(Default)]
    struct Recorder {
        commands: Vec<Command>,
        refuse_unsubscribe: bool,
    }

    impl XmppControl for Recorder {
        fn execute(&mut self, command: &Command, _now: Millis) -> Result<(), CommandError> {
            self.commands.push(command.clone());
            match command {
                Command::Unsubscribe(_) if self.refuse_unsubscribe => {
                    Err(CommandError::NotSubscribed)
                }
                _ => Ok(()),
            }
        }
    }

    fn log_topic(hub: &MemoryHub, pattern: &str) -> (Rc<RefCell<Vec<Value>>>, Subscription) {
        let log: Rc<RefCell<Vec<Value>>> = Rc::default();
        let l = log.clone();
        let sub = hub
            .subscribe(pattern, Box::new(move |_, payload| l.borrow_mut().push(payload.clone())))
            .unwrap();
        (log, sub)
    }

    #[test]
    fn requests_are_queued_then_pumped_and_answers_published() {
        let hub = MemoryHub::new();
        let woken = Rc::new(Cell::new(0));
        let w = woken.clone();
        let mut bridge =
            Bridge::new(hub.clone(), Master::new(0), move || w.set(w.get() + 1)).unwrap();
        let mut xmpp = Recorder::default();
        let (connection, _c) = log_topic(&hub, "finesse.info.connection");
        bridge.handle_client_event(
            &Event::Status { status: ConnectionStatus::Connected, resource_id: Some("r1".into()) },
            5,
            &mut xmpp,
        );
        assert_eq!(
            connection.borrow().as_slice(),
            [json!({"status": "connected", "resourceID": "r1"})]
        );
        hub.publish(
            "finesse.info.requests",
            json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": 9}),
        )
        .unwrap();
        assert_eq!((woken.get(), bridge.queued_requests()), (1, 1), "queued, not handled yet");
        bridge.pump(6, &mut xmpp);
        assert_eq!(bridge.queued_requests(), 0);
        assert_eq!(
            connection.borrow().last(),
            Some(&json!({"status": "connected", "resourceID": "r1", "invokeID": 9}))
        );
        assert_eq!(bridge.master().stats().requests, 1);
        assert_eq!(bridge.publish_failures(), 0);
    }

    #[test]
    fn commands_reach_the_client_and_refusals_come_back() {
        let hub = MemoryHub::new();
        let mut bridge = Bridge::new(hub.clone(), Master::new(0), || {}).unwrap();
        let mut xmpp = Recorder { refuse_unsubscribe: true, ..Recorder::default() };
        bridge.handle_client_event(
            &Event::Status { status: ConnectionStatus::Connected, resource_id: None },
            0,
            &mut xmpp,
        );
        let (answers, _a) = log_topic(&hub, "finesse.info.responses.*");
        let node = "/finesse/api/Team/1/Users";
        hub.publish(
            "finesse.info.requests",
            json!({"type": "SubscribeNodeReq", "data": {"node": node}, "invokeID": "s1"}),
        )
        .unwrap();
        bridge.pump(1, &mut xmpp);
        assert_eq!(xmpp.commands, [Command::Subscribe(node.into())]);
        bridge.handle_client_event(
            &Event::Subscribed { node: node.into(), subid: None, renewed: false },
            2,
            &mut xmpp,
        );
        hub.publish(
            "finesse.info.requests",
            json!({"type": "UnsubscribeNodeReq", "data": {"node": node}, "invokeID": "u1"}),
        )
        .unwrap();
        bridge.pump(3, &mut xmpp);
        // The client did not know the node: as good as unsubscribed.
        assert_eq!(xmpp.commands.last(), Some(&Command::Unsubscribe(node.into())));
        assert_eq!(answers.borrow().as_slice(), [Value::Null, Value::Null]);
        assert_eq!(bridge.master().subscribers(node), 0);
    }

    #[test]
    fn a_gadget_reacting_to_an_answer_is_served_in_the_same_pump() {
        let hub = MemoryHub::new();
        let mut bridge = Bridge::new(hub.clone(), Master::new(0), || {}).unwrap();
        let mut xmpp = Recorder::default();
        // A gadget that asks again for the status when it sees `connecting`.
        let h = hub.clone();
        let seen: Rc<RefCell<Vec<Value>>> = Rc::default();
        let s = seen.clone();
        let _g = hub
            .subscribe(
                "finesse.info.connection",
                Box::new(move |_, payload| {
                    s.borrow_mut().push(payload.clone());
                    if payload["status"] == "connecting" && payload.get("invokeID").is_none() {
                        h.publish(
                            "finesse.info.requests",
                            json!({"type": "ConnectionInfoReq", "data": {}, "invokeID": "again"}),
                        )
                        .unwrap();
                    }
                }),
            )
            .unwrap();
        bridge.handle_client_event(
            &Event::Status { status: ConnectionStatus::Connecting, resource_id: None },
            0,
            &mut xmpp,
        );
        assert_eq!(
            seen.borrow().as_slice(),
            [json!({"status": "connecting"}), json!({"status": "connecting", "invokeID": "again"})]
        );
        assert_eq!(bridge.queued_requests(), 0);
    }

    #[test]
    fn connection_req_connects_a_real_client_core() {
        let hub = MemoryHub::new();
        let mut bridge = Bridge::new(hub.clone(), Master::new(0), || {}).unwrap();
        let mut client = Client::new(ClientConfig::new(
            "1001001",
            "secret",
            "finesse.example",
            vec![Endpoint::bosh("https://fin-a.example:7443/http-bind")],
        ))
        .unwrap();
        hub.publish("finesse.info.requests", json!({"type": "ConnectionReq", "data": {}})).unwrap();
        bridge.pump(10, &mut client);
        assert!(client.poll_transmit().is_some(), "the client started connecting");
        let mut statuses = Vec::new();
        while let Some(event) = client.poll_event() {
            bridge.handle_client_event(&event, 10, &mut client);
            statuses.push(event);
        }
        assert_eq!(bridge.master().status(), Some(ConnectionStatus::Connecting));
        assert!(!statuses.is_empty());
    }

    #[test]
    fn ticks_follow_the_timeout_and_dropping_the_bridge_unsubscribes() {
        let hub = MemoryHub::new();
        let mut bridge = Bridge::new(hub.clone(), Master::new(100), || {}).unwrap();
        let mut xmpp = Recorder::default();
        let (ticks, _t) = log_topic(&hub, "finesse.containerservices.timerTickEvent");
        assert_eq!(bridge.poll_timeout(), Some(1100));
        bridge.handle_timeout(1100, 1_700_000_000_000, &mut xmpp);
        assert_eq!(
            ticks.borrow().as_slice(),
            [json!({"dateQueued": 1_700_000_000_000_i64, "tickFrequency": 1000})]
        );
        assert_eq!(hub.subscription_count(), 2);
        drop(bridge);
        assert_eq!(hub.subscription_count(), 1);
    }
}
