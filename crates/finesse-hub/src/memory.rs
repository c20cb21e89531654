//! [`MemoryHub`]: the [`Hub`] in memory, with the reference ManagedHub's semantics (§1.5,
//! §1.8): topics checked, wildcards matched, every matching subscription called before
//! `publish` returns, in the ManagedHub's order; a publish made from inside a callback
//! queued and delivered after the current one (FIFO, breadth-first).
//!
//! Callbacks may publish, subscribe and unsubscribe. A subscription made during a delivery
//! does not receive the message being delivered; one ended during a delivery receives nothing
//! more, including the rest of that delivery. Single-threaded (`Rc`): a gadget page is one
//! thread. A callback that keeps a clone of the hub makes a reference cycle, freed when that
//! subscription ends.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::VecDeque;

use finesse_xmpp::vecmap::VecMap;
use std::fmt;
use std::rc::{Rc, Weak};

use serde_json::Value;

use crate::hub::{Callback, Hub, HubError, Subscription};
use crate::topic::{self, check_publish, check_subscribe};

struct Entry {
    pattern: String,
    order: Vec<u8>,
    /// `None` while the callback runs.
    callback: Option<Callback>,
}

#[derive(Default)]
struct Inner {
    subs: VecMap<u64, Entry>,
    next_id: u64,
    queue: VecDeque<(String, Value)>,
    publishing: bool,
    delivered: u64,
}

/// An in-memory hub; clones share it.
#[derive(Clone, Default)]
pub struct MemoryHub {
    inner: Rc<RefCell<Inner>>,
}

impl fmt::Debug for MemoryHub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("MemoryHub")
            .field("subscriptions", &inner.subs.len())
            .field("queued", &inner.queue.len())
            .field("delivered", &inner.delivered)
            .finish()
    }
}

/// Ends the publishing loop even if a callback panics, so the hub stays usable.
struct PublishingGuard<'a>(&'a RefCell<Inner>);

impl Drop for PublishingGuard<'_> {
    fn drop(&mut self) {
        let dropped = match self.0.try_borrow_mut() {
            Ok(mut inner) => {
                inner.publishing = false;
                std::mem::take(&mut inner.queue)
            }
            Err(_) => VecDeque::new(),
        };
        drop(dropped);
    }
}

impl MemoryHub {
    /// An empty hub.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many subscriptions are active.
    pub fn subscription_count(&self) -> usize {
        self.inner.borrow().subs.len()
    }

    /// The patterns subscribed, in subscription order (one per subscription).
    pub fn patterns(&self) -> Vec<String> {
        self.inner.borrow().subs.values().map(|e| e.pattern.clone()).collect()
    }

    /// How many callback calls were made in all.
    pub fn delivered(&self) -> u64 {
        self.inner.borrow().delivered
    }

    /// The subscriptions matching `topic`, in delivery order.
    fn targets(&self, topic: &str) -> Vec<u64> {
        let inner = self.inner.borrow();
        let mut targets: Vec<(&[u8], Reverse<u64>)> = inner
            .subs
            .iter()
            .filter(|(_, e)| topic::matches_valid(&e.pattern, topic))
            .map(|(id, e)| (e.order.as_slice(), Reverse(*id)))
            .collect();
        targets.sort_unstable();
        targets.into_iter().map(|(_, Reverse(id))| id).collect()
    }

    fn deliver(&self, topic: &str, payload: &Value) {
        for id in self.targets(topic) {
            let callback = match self.inner.borrow_mut().subs.get_mut(&id) {
                Some(entry) => entry.callback.take(),
                None => None,
            };
            let Some(mut callback) = callback else { continue };
            callback(topic, payload);
            let unsubscribed = {
                let mut inner = self.inner.borrow_mut();
                inner.delivered += 1;
                match inner.subs.get_mut(&id) {
                    Some(entry) => {
                        entry.callback = Some(callback);
                        None
                    }
                    None => Some(callback),
                }
            };
            // Dropped outside the borrow: it may own guards that unsubscribe.
            drop(unsubscribed);
        }
    }
}

impl Hub for MemoryHub {
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError> {
        check_publish(topic).map_err(|_| HubError::BadParameters)?;
        {
            let mut inner = self.inner.borrow_mut();
            inner.queue.push_back((topic.to_owned(), payload));
            if inner.publishing {
                return Ok(());
            }
            inner.publishing = true;
        }
        let _guard = PublishingGuard(&self.inner);
        loop {
            let next = self.inner.borrow_mut().queue.pop_front();
            let Some((topic, payload)) = next else { break };
            self.deliver(&topic, &payload);
        }
        Ok(())
    }

    fn subscribe(&self, pattern: &str, on_data: Callback) -> Result<Subscription, HubError> {
        check_subscribe(pattern).map_err(|_| HubError::BadParameters)?;
        let id = {
            let mut inner = self.inner.borrow_mut();
            let id = inner.next_id;
            inner.next_id += 1;
            inner.subs.insert(
                id,
                Entry {
                    pattern: pattern.to_owned(),
                    order: topic::order_key(pattern),
                    callback: Some(on_data),
                },
            );
            id
        };
        let hub: Weak<RefCell<Inner>> = Rc::downgrade(&self.inner);
        Ok(Subscription::new(format!("{pattern}.{id}"), move || {
            let Some(hub) = hub.upgrade() else { return Err(HubError::Disconnected) };
            let removed = hub.borrow_mut().subs.remove(&id);
            match removed {
                // Dropped here, outside the borrow.
                Some(entry) => {
                    drop(entry);
                    Ok(())
                }
                None => Err(HubError::NoSubscription),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;

    type Log = Rc<RefCell<Vec<String>>>;

    fn logger(log: &Log, name: &str) -> Callback {
        let log = log.clone();
        let name = name.to_owned();
        Box::new(move |topic, data| log.borrow_mut().push(format!("{name} {topic} {data}")))
    }

    fn take(log: &Log) -> Vec<String> {
        std::mem::take(&mut *log.borrow_mut())
    }

    #[test]
    fn delivers_to_matching_patterns_only() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let _a = hub.subscribe("finesse.api.User.1001", logger(&log, "exact")).unwrap();
        let _b = hub.subscribe("finesse.api.*", logger(&log, "star")).unwrap();
        let _c = hub.subscribe("finesse.api.**", logger(&log, "deep")).unwrap();
        let _d = hub.subscribe("finesse.info.*", logger(&log, "info")).unwrap();
        hub.publish("finesse.api.User.1001", json!(1)).unwrap();
        assert_eq!(take(&log), ["exact finesse.api.User.1001 1", "deep finesse.api.User.1001 1"]);
        hub.publish("finesse.api.User", json!(2)).unwrap();
        assert_eq!(take(&log), ["star finesse.api.User 2", "deep finesse.api.User 2"]);
        hub.publish("finesse.api", json!(3)).unwrap();
        assert!(take(&log).is_empty());
        hub.publish("other", json!(4)).unwrap();
        assert!(take(&log).is_empty());
    }

    #[test]
    fn refuses_bad_topics_and_patterns() {
        let hub = MemoryHub::new();
        assert_eq!(hub.publish("a.*", json!(null)), Err(HubError::BadParameters));
        assert_eq!(hub.publish("", json!(null)), Err(HubError::BadParameters));
        assert_eq!(hub.publish("a..b", json!(null)), Err(HubError::BadParameters));
        assert_eq!(
            hub.subscribe("a.**.b", Box::new(|_, _| {})).map(|s| s.id().to_owned()),
            Err(HubError::BadParameters)
        );
        assert_eq!(
            hub.subscribe("a.b*", Box::new(|_, _| {})).map(|s| s.id().to_owned()),
            Err(HubError::BadParameters)
        );
        assert_eq!(hub.subscription_count(), 0);
    }

    #[test]
    fn delivery_order_is_the_managed_hubs_depth_first_walk_newest_first() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let mut subs = Vec::new();
        // Subscribed in a scrambled order; two subscriptions share `a.b`.
        for (pattern, name) in [
            ("**", "7"),
            ("*.*", "5"),
            ("a.b", "1-old"),
            ("a.**", "3"),
            ("*.b", "4"),
            ("a.*", "2"),
            ("*.**", "6"),
            ("a.b", "1-new"),
        ] {
            subs.push(hub.subscribe(pattern, logger(&log, name)).unwrap());
        }
        hub.publish("a.b", json!(0)).unwrap();
        let order: Vec<String> =
            take(&log).iter().map(|l| l.split(' ').next().unwrap_or("").to_owned()).collect();
        assert_eq!(order, ["1-new", "1-old", "2", "3", "4", "5", "6", "7"]);
    }

    #[test]
    fn a_publish_inside_a_delivery_is_queued_fifo_after_it() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let inner_hub = hub.clone();
        let _relay = hub
            .subscribe(
                "start",
                Box::new(move |_, _| {
                    inner_hub.publish("second", json!(2)).unwrap();
                    inner_hub.publish("third", json!(3)).unwrap();
                }),
            )
            .unwrap();
        let _first = hub.subscribe("start", logger(&log, "a")).unwrap();
        let _all = hub.subscribe("**", logger(&log, "all")).unwrap();
        hub.publish("start", json!(1)).unwrap();
        // Both `start` subscriptions (newest first) and `**` get `start` before anyone gets
        // `second`, which comes before `third`.
        assert_eq!(take(&log), ["a start 1", "all start 1", "all second 2", "all third 3"]);
    }

    #[test]
    fn nothing_is_delivered_after_unsubscribe_even_mid_delivery() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let victim: Rc<RefCell<Option<Subscription>>> = Rc::default();
        // Newest first: `killer` runs before `victim` for the same pattern.
        *victim.borrow_mut() = Some(hub.subscribe("t", logger(&log, "victim")).unwrap());
        let v = victim.clone();
        let _killer = hub
            .subscribe(
                "t",
                Box::new(move |_, _| {
                    v.borrow_mut().take();
                }),
            )
            .unwrap();
        hub.publish("t", json!(1)).unwrap();
        assert!(take(&log).is_empty(), "unsubscribed during the delivery, before its turn");
        assert_eq!(hub.subscription_count(), 1);
        hub.publish("t", json!(2)).unwrap();
        assert!(take(&log).is_empty());
    }

    #[test]
    fn a_callback_may_unsubscribe_itself_and_subscribe_others() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let own: Rc<RefCell<Option<Subscription>>> = Rc::default();
        let later: Rc<RefCell<Vec<Subscription>>> = Rc::default();
        let (h, o, l, lg) = (hub.clone(), own.clone(), later.clone(), log.clone());
        *own.borrow_mut() = Some(
            hub.subscribe(
                "t",
                Box::new(move |_, _| {
                    lg.borrow_mut().push("once".into());
                    o.borrow_mut().take();
                    l.borrow_mut().push(h.subscribe("t", logger(&lg, "new")).unwrap());
                }),
            )
            .unwrap(),
        );
        hub.publish("t", json!(1)).unwrap();
        assert_eq!(take(&log), ["once"], "a new subscription misses the current message");
        hub.publish("t", json!(2)).unwrap();
        assert_eq!(take(&log), ["new t 2"]);
        assert_eq!(hub.subscription_count(), 1);
    }

    #[test]
    fn dropping_the_guard_unsubscribes_and_forget_keeps_it() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let s = hub.subscribe("t", logger(&log, "dropped")).unwrap();
        hub.subscribe("t", logger(&log, "kept")).unwrap().forget();
        assert_eq!(hub.subscription_count(), 2);
        drop(s);
        assert_eq!(hub.subscription_count(), 1);
        hub.publish("t", json!(0)).unwrap();
        assert_eq!(take(&log), ["kept t 0"]);
        // Unsubscribing explicitly reports the hub's answer; ids follow the ManagedHub form.
        let s = hub.subscribe("x.*", Box::new(|_, _| {})).unwrap();
        assert_eq!(s.id(), "x.*.2");
        assert_eq!(s.unsubscribe(), Ok(()));
        // A guard outliving its hub does nothing.
        let gone = MemoryHub::new();
        let s = gone.subscribe("t", Box::new(|_, _| {})).unwrap();
        drop(gone);
        assert_eq!(s.unsubscribe(), Err(HubError::Disconnected));
    }

    #[test]
    fn the_publisher_receives_its_own_message() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let _s = hub.subscribe("echo", logger(&log, "me")).unwrap();
        hub.publish("echo", json!({"k": [1, "two"]})).unwrap();
        assert_eq!(take(&log), [r#"me echo {"k":[1,"two"]}"#]);
        assert_eq!(hub.delivered(), 1);
    }

    #[test]
    fn a_panicking_callback_leaves_the_hub_usable() {
        let hub = MemoryHub::new();
        let log: Log = Log::default();
        let _boom = hub.subscribe("boom", Box::new(|_, _| panic!("gadget bug"))).unwrap();
        let _ok = hub.subscribe("ok", logger(&log, "ok")).unwrap();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            hub.publish("boom", json!(0))
        }));
        assert!(result.is_err());
        hub.publish("ok", json!(1)).unwrap();
        assert_eq!(take(&log), ["ok ok 1"]);
    }
}
