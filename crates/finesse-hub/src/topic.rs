//! OpenAjax Hub 2.0 topic names (OpenAjax Hub 2.0 specification ch. 8; the reference
//! implementation's checks) and the topics of the Finesse desktop (developer guide chapter 8;
//! `finesse.js` 10.5.1 `Topics`).
//!
//! A topic is a list of tokens separated by `.`. A subscription pattern may use `*` as a whole
//! token (exactly one token) and `**` as the last token (one or more tokens): `a.**` matches
//! `a.b` and `a.b.c` but not `a`. Nothing else is restricted: spaces, `/`, `-` and `:` pass.

use std::fmt;

/// Why a topic or pattern is refused (`OpenAjax.hub.Error.BadParameters` in the hub API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TopicError {
    /// The topic is the empty string.
    Empty,
    /// A token is empty: `a..b`, a leading or a trailing `.`.
    EmptyToken,
    /// A published topic contains `*`.
    Wildcard,
    /// A subscription token contains `*` but is neither `*` nor `**`.
    BadWildcard,
    /// `**` is used before the last token.
    DoubleStarNotLast,
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the topic is empty",
            Self::EmptyToken => "the topic has an empty token",
            Self::Wildcard => "a published topic may not contain `*`",
            Self::BadWildcard => "a token with `*` must be exactly `*` or `**`",
            Self::DoubleStarNotLast => "`**` may only be the last token",
        })
    }
}

impl std::error::Error for TopicError {}

/// Checks a topic to publish on, as the reference `_assertPubTopic` does: not empty, no `*`
/// anywhere, no `..`, no leading or trailing `.`.
pub fn check_publish(topic: &str) -> Result<(), TopicError> {
    if topic.is_empty() {
        return Err(TopicError::Empty);
    }
    if topic.contains('*') {
        return Err(TopicError::Wildcard);
    }
    if topic.contains("..") || topic.starts_with('.') || topic.ends_with('.') {
        return Err(TopicError::EmptyToken);
    }
    Ok(())
}

/// Checks a subscription pattern, as the reference `_assertSubTopic` does: no empty token, a
/// token containing `*` is exactly `*` or `**`, and `**` only last.
pub fn check_subscribe(pattern: &str) -> Result<(), TopicError> {
    if pattern.is_empty() {
        return Err(TopicError::Empty);
    }
    let count = pattern.split('.').count();
    for (i, token) in pattern.split('.').enumerate() {
        if token.is_empty() {
            return Err(TopicError::EmptyToken);
        }
        if token.contains('*') && token != "*" && token != "**" {
            return Err(TopicError::BadWildcard);
        }
        if token == "**" && i + 1 < count {
            return Err(TopicError::DoubleStarNotLast);
        }
    }
    Ok(())
}

/// Whether the subscription `pattern` matches the published `topic`. False when either is
/// invalid.
pub fn matches(pattern: &str, topic: &str) -> bool {
    check_subscribe(pattern).is_ok()
        && check_publish(topic).is_ok()
        && matches_valid(pattern, topic)
}

/// [`matches`] for a pattern and a topic already checked.
pub(crate) fn matches_valid(pattern: &str, topic: &str) -> bool {
    let mut topic_tokens = topic.split('.');
    for p in pattern.split('.') {
        if p == "**" {
            // One or more tokens remain.
            return topic_tokens.next().is_some();
        }
        match topic_tokens.next() {
            Some(t) if p == "*" || p == t => {}
            _ => return false,
        }
    }
    topic_tokens.next().is_none()
}

/// Where a pattern comes in the reference ManagedHub's delivery order (a depth-first walk
/// that visits, at each level, the exact token, then `*`, then `**`): one rank per token.
/// Among the patterns that match one topic, ascending keys give the delivery order.
pub(crate) fn order_key(pattern: &str) -> Vec<u8> {
    pattern
        .split('.')
        .map(|t| match t {
            "*" => 1,
            "**" => 2,
            _ => 0,
        })
        .collect()
}

/// The hub topic of a notification node, as `finesse.js` `Topics.getTopic` makes it: one
/// leading `/` dropped, every other `/` replaced by `.`, case kept, nothing encoded.
/// `/finesse/api/User/1001/Dialogs` → `finesse.api.User.1001.Dialogs`.
///
/// A node id containing `.` gives the topic extra tokens, and one containing `*` gives a topic
/// nobody can publish on ([`check_publish`] fails).
pub fn node_to_topic(node: &str) -> String {
    node.strip_prefix('/').unwrap_or(node).replace('/', ".")
}

/// The node a topic names: [`node_to_topic`] reversed (`finesse.api.User.1001` →
/// `/finesse/api/User/1001`). Ids that contained `.` come back split by `/`.
pub fn topic_to_node(topic: &str) -> String {
    format!("/{}", topic.replace('.', "/"))
}

/// `finesse.info.connection`: the master's connection status, to everyone.
pub const CONNECTION: &str = "finesse.info.connection";
/// `finesse.containerservices.timerTickEvent`: the master's tick, every
/// [`crate::payload::TICK_FREQUENCY_MS`], which gadgets' timers follow.
pub const TIMER_TICK: &str = "finesse.containerservices.timerTickEvent";
/// `finesse.info.requests`: requests from gadgets to the master.
pub const REQUESTS: &str = "finesse.info.requests";
/// `finesse.info.presence`: presence stanzas the master forwards.
pub const PRESENCE: &str = "finesse.info.presence";
/// The prefix of the master's answers, `finesse.info.responses.<invokeID>`.
pub const RESPONSES_PREFIX: &str = "finesse.info.responses.";
/// The prefix of notification topics, `finesse.api.<object>.<id>…`.
pub const API_PREFIX: &str = "finesse.api.";
/// The prefix of the container-services topics.
pub const CONTAINER_SERVICES_PREFIX: &str = "finesse.containerservices.";
/// The prefix of gadget log topics, `finesse.clientLogging.<gadgetId>`.
pub const CLIENT_LOGGING_PREFIX: &str = "finesse.clientLogging.";

/// A `finesse.containerservices.*` topic (`finesse.js` `ContainerServices`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContainerServicesTopic {
    /// `requests`: `ActiveTabReq`, `SetActiveTabReq`, `ReloadGadgetReq` to the desktop.
    Requests,
    /// `activeTab`: the id of the active tab.
    ActiveTab,
    /// `reloadGadget`: `{gadgetId}`, desktop to itself.
    ReloadGadget,
    /// `timerTickEvent`: the 1,000 ms tick.
    TimerTickEvent,
    /// `workflowActionEvent`: a workflow action for gadgets to run.
    WorkflowActionEvent,
    /// `gadgetViewChangedEvent`: `{gadgetId, tabId, maxAvailableHeight, view}`.
    GadgetViewChangedEvent,
    /// `maxAvailableHeightChangedEvent`: `{maxAvailableHeight}`.
    MaxAvailableHeightChangedEvent,
    /// Another name under `finesse.containerservices.`.
    Other(String),
}

impl ContainerServicesTopic {
    /// The name after `finesse.containerservices.`.
    pub fn name(&self) -> &str {
        match self {
            Self::Requests => "requests",
            Self::ActiveTab => "activeTab",
            Self::ReloadGadget => "reloadGadget",
            Self::TimerTickEvent => "timerTickEvent",
            Self::WorkflowActionEvent => "workflowActionEvent",
            Self::GadgetViewChangedEvent => "gadgetViewChangedEvent",
            Self::MaxAvailableHeightChangedEvent => "maxAvailableHeightChangedEvent",
            Self::Other(name) => name,
        }
    }

    fn from_name(name: &str) -> Self {
        match name {
            "requests" => Self::Requests,
            "activeTab" => Self::ActiveTab,
            "reloadGadget" => Self::ReloadGadget,
            "timerTickEvent" => Self::TimerTickEvent,
            "workflowActionEvent" => Self::WorkflowActionEvent,
            "gadgetViewChangedEvent" => Self::GadgetViewChangedEvent,
            "maxAvailableHeightChangedEvent" => Self::MaxAvailableHeightChangedEvent,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A topic of the Finesse desktop, typed. [`parse`](Self::parse) reads a published topic;
/// `Display` writes it back (topic names are case-sensitive and kept as `finesse.js` writes
/// them, e.g. `finesse.api.User.1001`, not the guide's `finesse.api.user.1001`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FinesseTopic {
    /// `finesse.info.connection`.
    Connection,
    /// `finesse.info.requests`.
    Requests,
    /// `finesse.info.responses.<invokeID>`: the invokeID as it appears in the topic.
    Response(String),
    /// `finesse.info.presence`.
    Presence,
    /// `finesse.api.<…>`: the notifications of a node, named by its node path
    /// (`/finesse/api/User/1001`, see [`node_to_topic`]).
    Api {
        /// The node path.
        node: String,
    },
    /// `finesse.containerservices.<name>`.
    ContainerServices(ContainerServicesTopic),
    /// `finesse.clientLogging.<gadgetId>`.
    ClientLogging(String),
}

impl FinesseTopic {
    /// Reads a published topic; `None` when it is not a valid topic or not one of the
    /// desktop's.
    pub fn parse(topic: &str) -> Option<Self> {
        check_publish(topic).ok()?;
        Some(match topic {
            CONNECTION => Self::Connection,
            REQUESTS => Self::Requests,
            PRESENCE => Self::Presence,
            _ => {
                if let Some(id) = topic.strip_prefix(RESPONSES_PREFIX) {
                    Self::Response(id.to_owned())
                } else if topic.starts_with(API_PREFIX) {
                    Self::Api { node: topic_to_node(topic) }
                } else if let Some(name) = topic.strip_prefix(CONTAINER_SERVICES_PREFIX) {
                    Self::ContainerServices(ContainerServicesTopic::from_name(name))
                } else if let Some(id) = topic.strip_prefix(CLIENT_LOGGING_PREFIX) {
                    Self::ClientLogging(id.to_owned())
                } else {
                    return None;
                }
            }
        })
    }
}

impl fmt::Display for FinesseTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connection => f.write_str(CONNECTION),
            Self::Requests => f.write_str(REQUESTS),
            Self::Presence => f.write_str(PRESENCE),
            Self::Response(id) => write!(f, "{RESPONSES_PREFIX}{id}"),
            Self::Api { node } => f.write_str(&node_to_topic(node)),
            Self::ContainerServices(t) => write!(f, "{CONTAINER_SERVICES_PREFIX}{}", t.name()),
            Self::ClientLogging(id) => write!(f, "{CLIENT_LOGGING_PREFIX}{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_topics_follow_the_reference_checks() {
        for ok in ["a", "a.b", "finesse.info.responses.1700000000000", "a b.c/d-e:f", "ü.ö"] {
            assert_eq!(check_publish(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_publish(""), Err(TopicError::Empty));
        assert_eq!(check_publish("a.*"), Err(TopicError::Wildcard));
        assert_eq!(check_publish("a.b*"), Err(TopicError::Wildcard));
        assert_eq!(check_publish("**"), Err(TopicError::Wildcard));
        assert_eq!(check_publish("a..b"), Err(TopicError::EmptyToken));
        assert_eq!(check_publish(".a"), Err(TopicError::EmptyToken));
        assert_eq!(check_publish("a."), Err(TopicError::EmptyToken));
        assert_eq!(check_publish("."), Err(TopicError::EmptyToken));
    }

    #[test]
    fn subscription_patterns_follow_the_reference_checks() {
        for ok in ["a", "*", "**", "a.*", "a.**", "*.b.*", "*.**", "a b.c"] {
            assert_eq!(check_subscribe(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_subscribe(""), Err(TopicError::Empty));
        assert_eq!(check_subscribe("a..b"), Err(TopicError::EmptyToken));
        assert_eq!(check_subscribe("a."), Err(TopicError::EmptyToken));
        assert_eq!(check_subscribe(".a"), Err(TopicError::EmptyToken));
        assert_eq!(check_subscribe("a.b*"), Err(TopicError::BadWildcard));
        assert_eq!(check_subscribe("***"), Err(TopicError::BadWildcard));
        assert_eq!(check_subscribe("a.**.b"), Err(TopicError::DoubleStarNotLast));
        assert_eq!(check_subscribe("**.*"), Err(TopicError::DoubleStarNotLast));
    }

    #[test]
    fn wildcards_match_one_or_more_tokens() {
        let cases = [
            ("a.b", "a.b", true),
            ("a.b", "a.b.c", false),
            ("a.b", "a", false),
            ("a.*", "a.b", true),
            ("a.*", "a", false),
            ("a.*", "a.b.c", false),
            ("*.b", "a.b", true),
            ("*", "a", true),
            ("*", "a.b", false),
            ("a.**", "a.b", true),
            ("a.**", "a.b.c", true),
            ("a.**", "a", false),
            ("**", "a", true),
            ("**", "a.b.c", true),
            ("*.**", "a", false),
            ("*.**", "a.b", true),
            ("a.*.c", "a.b.c", true),
            ("a.*.c", "a.b.d", false),
            ("finesse.api.**", "finesse.api.User.1001", true),
            ("finesse.api.user.1001", "finesse.api.User.1001", false),
            // Invalid on either side never matches.
            ("a.**.b", "a.x.b", false),
            ("a", "a.", false),
            ("*", "*", false),
        ];
        for (pattern, topic, expected) in cases {
            assert_eq!(matches(pattern, topic), expected, "{pattern} vs {topic}");
        }
    }

    #[test]
    fn delivery_order_keys_put_exact_before_star_before_double_star() {
        // §1.8: for `a.b` the order is a.b, a.*, a.**, *.b, *.*, *.**, **.
        let expected = ["a.b", "a.*", "a.**", "*.b", "*.*", "*.**", "**"];
        let mut shuffled = ["**", "*.b", "a.**", "*.**", "a.b", "*.*", "a.*"];
        shuffled.sort_by_key(|p| order_key(p));
        assert_eq!(shuffled, expected);
    }

    #[test]
    fn nodes_and_topics_convert_as_finesse_js_does() {
        assert_eq!(
            node_to_topic("/finesse/api/User/1001/Dialogs"),
            "finesse.api.User.1001.Dialogs"
        );
        assert_eq!(
            topic_to_node("finesse.api.User.1001.Dialogs"),
            "/finesse/api/User/1001/Dialogs"
        );
        // Only one leading slash is dropped; case is kept; nothing is encoded.
        assert_eq!(node_to_topic("//a/B c"), ".a.B c");
        assert_eq!(node_to_topic("finesse/api/Team/7"), "finesse.api.Team.7");
        // A dotted id becomes two tokens, and comes back as two path segments.
        assert_eq!(node_to_topic("/finesse/api/User/j.doe"), "finesse.api.User.j.doe");
        assert_eq!(topic_to_node("finesse.api.User.j.doe"), "/finesse/api/User/j/doe");
    }

    #[test]
    fn finesse_topics_parse_and_format() {
        let cases = [
            ("finesse.info.connection", FinesseTopic::Connection),
            ("finesse.info.requests", FinesseTopic::Requests),
            ("finesse.info.presence", FinesseTopic::Presence),
            (
                "finesse.info.responses.0f8fad5b-d9cb-469f-a165-70867728950e",
                FinesseTopic::Response("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
            ),
            (
                "finesse.info.responses.1700000000000",
                FinesseTopic::Response("1700000000000".into()),
            ),
            (
                "finesse.api.Team.7.Users",
                FinesseTopic::Api { node: "/finesse/api/Team/7/Users".into() },
            ),
            (TIMER_TICK, FinesseTopic::ContainerServices(ContainerServicesTopic::TimerTickEvent)),
            (
                "finesse.containerservices.workflowActionEvent",
                FinesseTopic::ContainerServices(ContainerServicesTopic::WorkflowActionEvent),
            ),
            (
                "finesse.containerservices.activeTab",
                FinesseTopic::ContainerServices(ContainerServicesTopic::ActiveTab),
            ),
            (
                "finesse.containerservices.requests",
                FinesseTopic::ContainerServices(ContainerServicesTopic::Requests),
            ),
            (
                "finesse.containerservices.reloadGadget",
                FinesseTopic::ContainerServices(ContainerServicesTopic::ReloadGadget),
            ),
            (
                "finesse.containerservices.gadgetViewChangedEvent",
                FinesseTopic::ContainerServices(ContainerServicesTopic::GadgetViewChangedEvent),
            ),
            (
                "finesse.containerservices.maxAvailableHeightChangedEvent",
                FinesseTopic::ContainerServices(
                    ContainerServicesTopic::MaxAvailableHeightChangedEvent,
                ),
            ),
            (
                "finesse.containerservices.somethingNew",
                FinesseTopic::ContainerServices(ContainerServicesTopic::Other(
                    "somethingNew".into(),
                )),
            ),
            ("finesse.clientLogging.gadget-3", FinesseTopic::ClientLogging("gadget-3".into())),
        ];
        for (text, topic) in cases {
            assert_eq!(FinesseTopic::parse(text).as_ref(), Some(&topic), "{text}");
            assert_eq!(topic.to_string(), text);
        }
        for not_ours in [
            "finesse.info",
            "finesse.info.responses.",
            "finesse.info.responses.*",
            "finesse.api.",
            "other.topic",
            "",
        ] {
            assert_eq!(FinesseTopic::parse(not_ours), None, "{not_ours}");
        }
    }
}
