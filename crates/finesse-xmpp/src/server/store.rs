//! The pubsub node store: nodes, their subscriptions (bare or full JIDs, with subscription
//! ids) and an index by user. Subscriptions belong to the service, not to sessions, so they
//! persist across reconnections of the same user to the same service (guide chapter 6:
//! "subscriptions … persist"), and are lost with the service itself (another server).

use std::collections::{BTreeMap, BTreeSet};

use crate::jid::Jid;

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sub {
    pub(crate) jid: Jid,
    pub(crate) subid: String,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    nodes: BTreeMap<String, Vec<Sub>>,
    /// Bare JID (as a string) → nodes it has subscriptions on.
    by_user: BTreeMap<String, BTreeSet<String>>,
}

impl Store {
    pub(crate) fn ensure_node(&mut self, node: &str) {
        if !self.nodes.contains_key(node) {
            self.nodes.insert(node.to_owned(), Vec::new());
        }
    }

    pub(crate) fn has_node(&self, node: &str) -> bool {
        self.nodes.contains_key(node)
    }

    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The subscription of `jid` to `node`, if any.
    pub(crate) fn find(&self, node: &str, jid: &Jid) -> Option<&Sub> {
        self.nodes.get(node)?.iter().find(|s| &s.jid == jid)
    }

    /// Adds a subscription (the node must exist); returns it, or the existing one.
    pub(crate) fn subscribe(
        &mut self,
        node: &str,
        jid: &Jid,
        new_subid: impl FnOnce() -> String,
    ) -> Option<Sub> {
        let subs = self.nodes.get_mut(node)?;
        if let Some(existing) = subs.iter().find(|s| &s.jid == jid) {
            return Some(existing.clone());
        }
        let sub = Sub { jid: jid.clone(), subid: new_subid() };
        subs.push(sub.clone());
        self.by_user.entry(jid.to_bare().to_string()).or_default().insert(node.to_owned());
        Some(sub)
    }

    /// Removes `jid`'s subscription to `node` (matching `subid` when given).
    pub(crate) fn unsubscribe(&mut self, node: &str, jid: &Jid, subid: Option<&str>) -> bool {
        let Some(subs) = self.nodes.get_mut(node) else { return false };
        let before = subs.len();
        subs.retain(|s| !(&s.jid == jid && subid.is_none_or(|id| id == s.subid)));
        let removed = subs.len() != before;
        if removed {
            let bare = jid.to_bare();
            if !subs.iter().any(|s| s.jid.to_bare() == bare) {
                let key = bare.to_string();
                if let Some(set) = self.by_user.get_mut(&key) {
                    set.remove(node);
                    if set.is_empty() {
                        self.by_user.remove(&key);
                    }
                }
            }
        }
        removed
    }

    /// Every subscription held by JIDs of this bare JID: (node, subscription).
    pub(crate) fn of_user(&self, bare: &Jid) -> Vec<(String, Sub)> {
        let Some(nodes) = self.by_user.get(&bare.to_string()) else { return Vec::new() };
        nodes
            .iter()
            .flat_map(|n| {
                self.nodes
                    .get(n)
                    .into_iter()
                    .flatten()
                    .filter(|s| s.jid.to_bare() == *bare)
                    .map(move |s| (n.clone(), s.clone()))
            })
            .collect()
    }

    /// The subscriptions on `node`.
    pub(crate) fn subscribers(&self, node: &str) -> &[Sub] {
        self.nodes.get(node).map_or(&[], Vec::as_slice)
    }

    /// Forgets every subscription (nodes stay).
    pub(crate) fn clear_subscriptions(&mut self) {
        for subs in self.nodes.values_mut() {
            subs.clear();
        }
        self.by_user.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscriptions_are_idempotent_and_indexed_by_user() {
        let mut store = Store::default();
        let full = Jid::parse("u@d/r").unwrap();
        let bare = Jid::parse("u@d").unwrap();
        assert!(store.subscribe("/n", &full, || "x".into()).is_none(), "no such node");
        store.ensure_node("/n");
        store.ensure_node("/m");
        let a = store.subscribe("/n", &full, || "1".into()).unwrap();
        let again = store.subscribe("/n", &full, || "2".into()).unwrap();
        assert_eq!(a, again);
        store.subscribe("/m", &bare, || "3".into()).unwrap();
        assert_eq!(store.of_user(&bare).len(), 2);
        assert!(!store.unsubscribe("/n", &full, Some("wrong")));
        assert!(store.unsubscribe("/n", &full, Some("1")));
        assert_eq!(store.of_user(&bare).len(), 1);
        assert!(store.unsubscribe("/m", &bare, None));
        assert!(store.of_user(&bare).is_empty());
        assert_eq!(store.node_count(), 2);
        store.subscribe("/m", &bare, || "4".into()).unwrap();
        store.clear_subscriptions();
        assert!(store.subscribers("/m").is_empty());
    }
}
