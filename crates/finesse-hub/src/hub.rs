//! The hub as gadget code and the master glue see it: publish a JSON payload on a topic,
//! subscribe a pattern with a callback. Implemented natively by
//! [`MemoryHub`](crate::MemoryHub) (tests, and anything without a browser) and, in the
//! browser, by bindings to the container's `gadgets.Hub`.
//!
//! A [`Subscription`] is a guard: dropping it unsubscribes (errors ignored, as a gadget
//! should ignore `Disconnected` and `NoSubscription` then); [`Subscription::forget`] keeps the
//! subscription for the life of the page.

use std::fmt;

use serde_json::Value;

/// What a subscription is called with: the topic published on and its payload.
pub type Callback = Box<dyn FnMut(&str, &Value)>;

/// `OpenAjax.hub.Error.*`: why a hub call failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HubError {
    /// `BadParameters`: an invalid topic or pattern, or a missing callback.
    BadParameters,
    /// `Disconnected`: the hub client is not connected.
    Disconnected,
    /// `Duplicate`: already connected, or a container id already in use.
    Duplicate,
    /// `NoContainer`: no such container.
    NoContainer,
    /// `NoSubscription`: no such subscription (or its unsubscribe is under way).
    NoSubscription,
    /// `NotAllowed`: the manager's policy refused it.
    NotAllowed,
    /// `WrongProtocol`: the transport does not match.
    WrongProtocol,
    /// `IncompatBrowser`: the transport cannot work in this browser.
    IncompatBrowser,
    /// An exception that is not an OpenAjax error, by its message.
    Other(String),
}

impl HubError {
    const PREFIX: &'static str = "OpenAjax.hub.Error.";

    /// The error's full name, `OpenAjax.hub.Error.<Name>` (the message of the `Error` the
    /// JavaScript hub throws), or the message for [`Other`](Self::Other).
    pub fn name(&self) -> String {
        let short = match self {
            Self::BadParameters => "BadParameters",
            Self::Disconnected => "Disconnected",
            Self::Duplicate => "Duplicate",
            Self::NoContainer => "NoContainer",
            Self::NoSubscription => "NoSubscription",
            Self::NotAllowed => "NotAllowed",
            Self::WrongProtocol => "WrongProtocol",
            Self::IncompatBrowser => "IncompatBrowser",
            Self::Other(message) => return message.clone(),
        };
        format!("{}{short}", Self::PREFIX)
    }

    /// Reads the message of a thrown `Error`: an OpenAjax name or anything else.
    pub fn from_message(message: &str) -> Self {
        match message.strip_prefix(Self::PREFIX) {
            Some("BadParameters") => Self::BadParameters,
            Some("Disconnected") => Self::Disconnected,
            Some("Duplicate") => Self::Duplicate,
            Some("NoContainer") => Self::NoContainer,
            Some("NoSubscription") => Self::NoSubscription,
            Some("NotAllowed") => Self::NotAllowed,
            Some("WrongProtocol") => Self::WrongProtocol,
            Some("IncompatBrowser") => Self::IncompatBrowser,
            _ => Self::Other(message.to_owned()),
        }
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl std::error::Error for HubError {}

/// A publish-subscribe hub with OpenAjax Hub 2.0 semantics (topics as in
/// [`topic`](crate::topic)). Methods take `&self`: callbacks may call back into the hub.
pub trait Hub {
    /// Publishes `payload` on `topic` (no wildcards). Fails with
    /// [`HubError::BadParameters`] for an invalid topic.
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError>;

    /// Subscribes `pattern` (wildcards allowed); `on_data` is called with each matching
    /// topic and payload until the returned guard is dropped. Fails with
    /// [`HubError::BadParameters`] for an invalid pattern.
    fn subscribe(&self, pattern: &str, on_data: Callback) -> Result<Subscription, HubError>;
}

impl<H: Hub + ?Sized> Hub for &H {
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError> {
        (**self).publish(topic, payload)
    }

    fn subscribe(&self, pattern: &str, on_data: Callback) -> Result<Subscription, HubError> {
        (**self).subscribe(pattern, on_data)
    }
}

impl<H: Hub + ?Sized> Hub for std::rc::Rc<H> {
    fn publish(&self, topic: &str, payload: Value) -> Result<(), HubError> {
        (**self).publish(topic, payload)
    }

    fn subscribe(&self, pattern: &str, on_data: Callback) -> Result<Subscription, HubError> {
        (**self).subscribe(pattern, on_data)
    }
}

type Cancel = Box<dyn FnOnce() -> Result<(), HubError>>;

/// A subscription; unsubscribes when dropped.
#[must_use = "dropping a Subscription unsubscribes at once"]
pub struct Subscription {
    id: String,
    cancel: Option<Cancel>,
}

impl Subscription {
    /// A guard for the subscription `id` that `cancel` ends (for hub implementations).
    pub fn new(
        id: impl Into<String>,
        cancel: impl FnOnce() -> Result<(), HubError> + 'static,
    ) -> Self {
        Self { id: id.into(), cancel: Some(Box::new(cancel)) }
    }

    /// The hub's id for this subscription.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Unsubscribes now, reporting the hub's answer (dropping does the same, silently).
    pub fn unsubscribe(mut self) -> Result<(), HubError> {
        self.cancel.take().map_or(Ok(()), |cancel| cancel())
    }

    /// Keeps the subscription for as long as the hub lives, without a guard.
    pub fn forget(mut self) {
        self.cancel = None;
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            // Nothing to do about a failure here (the hub is gone or disconnected).
            let _ = cancel();
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("active", &self.cancel.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn error_names_round_trip_through_thrown_messages() {
        for e in [
            HubError::BadParameters,
            HubError::Disconnected,
            HubError::Duplicate,
            HubError::NoContainer,
            HubError::NoSubscription,
            HubError::NotAllowed,
            HubError::WrongProtocol,
            HubError::IncompatBrowser,
            HubError::Other("TypeError: x is undefined".into()),
        ] {
            assert_eq!(HubError::from_message(&e.name()), e);
        }
        assert_eq!(HubError::BadParameters.to_string(), "OpenAjax.hub.Error.BadParameters");
        assert_eq!(
            HubError::from_message("OpenAjax.hub.Error.Nope"),
            HubError::Other("OpenAjax.hub.Error.Nope".into())
        );
    }

    #[test]
    fn a_subscription_cancels_once_on_drop_or_unsubscribe_and_never_after_forget() {
        let calls = Rc::new(Cell::new(0));
        let counter = |calls: &Rc<Cell<i32>>| {
            let calls = calls.clone();
            move || {
                calls.set(calls.get() + 1);
                Ok(())
            }
        };
        drop(Subscription::new("a.0", counter(&calls)));
        assert_eq!(calls.get(), 1);
        let s = Subscription::new("a.1", counter(&calls));
        assert_eq!(s.id(), "a.1");
        assert_eq!(s.unsubscribe(), Ok(()));
        assert_eq!(calls.get(), 2);
        Subscription::new("a.2", counter(&calls)).forget();
        assert_eq!(calls.get(), 2);
        let failing = Subscription::new("a.3", || Err(HubError::NoSubscription));
        assert_eq!(failing.unsubscribe(), Err(HubError::NoSubscription));
    }
}
