//! The three stanzas (RFC 6120 §8): builders for the `<iq/>`, `<presence/>` and `<message/>`
//! this crate sends, and stanza errors (`<error type='…'><condition/></error>`, §8.3) with the
//! XEP-0060 application conditions beside them.

use crate::element::Element;
use crate::macros::condition_enum;
use crate::ns;

/// The `type` of an `<iq/>` (RFC 6120 §8.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IqType {
    /// A request for information.
    Get,
    /// A request that changes something.
    Set,
    /// A successful answer.
    Result,
    /// A failed answer.
    Error,
}

impl IqType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Set => "set",
            Self::Result => "result",
            Self::Error => "error",
        }
    }

    /// The type of an `<iq/>` element; `None` when absent or invalid.
    pub fn of(iq: &Element) -> Option<Self> {
        match iq.get_attr("type")? {
            "get" => Some(Self::Get),
            "set" => Some(Self::Set),
            "result" => Some(Self::Result),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

/// Whether `el` is a client stanza named `name` (`iq`, `presence`, `message`). BOSH peers
/// sometimes leave stanzas in the body's namespace; those are accepted too.
pub fn is_stanza(el: &Element, name: &str) -> bool {
    el.name == name && (el.ns == ns::CLIENT || el.ns == ns::HTTPBIND || el.ns.is_empty())
}

/// An `<iq/>` with a type, an id and optionally a `to`.
pub fn iq(kind: IqType, id: &str, to: Option<&str>) -> Element {
    let mut el = Element::new("iq", ns::CLIENT).attr("type", kind.as_str()).attr("id", id);
    if let Some(to) = to {
        el.set_attr("to", to);
    }
    el
}

/// The empty `result` answering `request` (same id, addressed back to its sender).
pub fn iq_result(request: &Element, from: Option<&str>) -> Element {
    reply(request, IqType::Result, from)
}

/// The `error` answering `request` with `error`.
pub fn iq_error(request: &Element, from: Option<&str>, error: &StanzaError) -> Element {
    reply(request, IqType::Error, from).child(error.to_element())
}

fn reply(request: &Element, kind: IqType, from: Option<&str>) -> Element {
    let mut el = iq(kind, request.get_attr("id").unwrap_or(""), request.get_attr("from"));
    if let Some(from) = from {
        el.set_attr("from", from);
    }
    el
}

/// A `<presence/>`; `None` as type is "available".
pub fn presence(kind: Option<&str>) -> Element {
    let el = Element::new("presence", ns::CLIENT);
    match kind {
        Some(kind) => el.attr("type", kind),
        None => el,
    }
}

/// The `type` of an error (RFC 6120 §8.3.2): what the requester should do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// Retry after providing credentials.
    Auth,
    /// Do not retry (the error cannot be remedied).
    Cancel,
    /// Proceed (the condition was only a warning).
    Continue,
    /// Retry after changing the data sent.
    Modify,
    /// Retry after waiting (the error is temporary).
    Wait,
}

impl ErrorType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Cancel => "cancel",
            Self::Continue => "continue",
            Self::Modify => "modify",
            Self::Wait => "wait",
        }
    }

    /// Parses a wire value; unknown values read as `cancel` (the conservative choice).
    pub fn parse(s: &str) -> Self {
        match s {
            "auth" => Self::Auth,
            "continue" => Self::Continue,
            "modify" => Self::Modify,
            "wait" => Self::Wait,
            _ => Self::Cancel,
        }
    }
}

condition_enum! {
    /// A defined stanza error condition (RFC 6120 §8.3.3).
    pub enum StanzaErrorCondition {
        /// The request was malformed.
        BadRequest = "bad-request",
        /// A resource or session with that name already exists.
        Conflict = "conflict",
        /// The feature is not implemented by the recipient.
        FeatureNotImplemented = "feature-not-implemented",
        /// The requester lacks the permission.
        Forbidden = "forbidden",
        /// The recipient is no longer at this address.
        Gone = "gone",
        /// An internal server error.
        InternalServerError = "internal-server-error",
        /// The addressed item (here: a pubsub node) does not exist.
        ItemNotFound = "item-not-found",
        /// The address is malformed.
        JidMalformed = "jid-malformed",
        /// The request does not meet the recipient's criteria.
        NotAcceptable = "not-acceptable",
        /// The recipient does not allow anyone to do this.
        NotAllowed = "not-allowed",
        /// The requester must authenticate first.
        NotAuthorized = "not-authorized",
        /// A local policy was violated.
        PolicyViolation = "policy-violation",
        /// The intended recipient is unavailable.
        RecipientUnavailable = "recipient-unavailable",
        /// The requester is being redirected.
        Redirect = "redirect",
        /// The requester must register first.
        RegistrationRequired = "registration-required",
        /// A remote server does not exist.
        RemoteServerNotFound = "remote-server-not-found",
        /// A remote server could not be contacted in time.
        RemoteServerTimeout = "remote-server-timeout",
        /// The recipient lacks the resources.
        ResourceConstraint = "resource-constraint",
        /// The service is not offered.
        ServiceUnavailable = "service-unavailable",
        /// The requester must subscribe first.
        SubscriptionRequired = "subscription-required",
        /// Any other condition.
        UndefinedCondition = "undefined-condition",
        /// The request was not expected at this point.
        UnexpectedRequest = "unexpected-request",
    }
}

/// A stanza error: what to do (`type`), the defined condition, the XEP-0060 application
/// condition if one is given (`<not-subscribed xmlns='…pubsub#errors'/>`), and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanzaError {
    /// What the requester should do about it.
    pub error_type: ErrorType,
    /// The defined condition.
    pub condition: StanzaErrorCondition,
    /// An application-specific condition (XEP-0060 §14: `invalid-jid`, `not-subscribed`, …).
    pub pubsub_condition: Option<String>,
    /// Descriptive text, if any.
    pub text: Option<String>,
}

impl StanzaError {
    /// An error with a type and a condition.
    pub fn new(error_type: ErrorType, condition: StanzaErrorCondition) -> Self {
        Self { error_type, condition, pubsub_condition: None, text: None }
    }

    /// Builder: adds an XEP-0060 application condition.
    #[must_use]
    pub fn with_pubsub(mut self, condition: &str) -> Self {
        self.pubsub_condition = Some(condition.to_owned());
        self
    }

    /// The error of a stanza of type `error` (its `<error/>` child). A stanza of type
    /// `error` without a usable `<error/>` reads as `cancel`/`undefined-condition`.
    pub fn of(stanza: &Element) -> Option<Self> {
        if stanza.get_attr("type") != Some("error") {
            return None;
        }
        let Some(error) = stanza.elements().find(|e| e.name == "error") else {
            return Some(Self::new(ErrorType::Cancel, StanzaErrorCondition::UndefinedCondition));
        };
        let error_type = ErrorType::parse(error.get_attr("type").unwrap_or("cancel"));
        let condition = error
            .elements()
            .find(|c| c.ns == ns::STANZAS && c.name != "text")
            .map_or(StanzaErrorCondition::UndefinedCondition, |c| {
                StanzaErrorCondition::parse(&c.name)
            });
        let pubsub_condition =
            error.elements().find(|c| c.ns == ns::PUBSUB_ERRORS).map(|c| c.name.clone());
        let text = error.child_text("text", ns::STANZAS);
        Some(Self { error_type, condition, pubsub_condition, text })
    }

    /// The `<error/>` element.
    pub fn to_element(&self) -> Element {
        let mut el = Element::new("error", ns::CLIENT)
            .attr("type", self.error_type.as_str())
            .child(Element::new(self.condition.as_str(), ns::STANZAS));
        if let Some(p) = &self.pubsub_condition {
            el = el.child(Element::new(p.clone(), ns::PUBSUB_ERRORS));
        }
        if let Some(text) = &self.text {
            el = el.child(Element::new("text", ns::STANZAS).text_child(text.clone()));
        }
        el
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_pubsub_item_not_found_error() {
        // XEP-0060 Example 42 shape, as Openfire sends it for an unknown Finesse node.
        let iq = Element::parse(
            "<iq xmlns='jabber:client' type='error' from='pubsub.finesse.example' id='sub1'>\
             <error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no such node</text>\
             </error></iq>",
        )
        .unwrap();
        let err = StanzaError::of(&iq).unwrap();
        assert_eq!(err.error_type, ErrorType::Cancel);
        assert_eq!(err.condition, StanzaErrorCondition::ItemNotFound);
        assert_eq!(err.text.as_deref(), Some("no such node"));
        assert_eq!(IqType::of(&iq), Some(IqType::Error));
    }

    #[test]
    fn application_conditions_round_trip() {
        let err = StanzaError::new(ErrorType::Modify, StanzaErrorCondition::BadRequest)
            .with_pubsub("invalid-jid");
        let request = Element::parse(
            "<iq xmlns='jabber:client' type='set' id='x' from='a@b/c'><pubsub/></iq>",
        )
        .unwrap();
        let reply = iq_error(&request, Some("pubsub.b"), &err);
        assert_eq!(
            reply.to_string(),
            "<iq xmlns=\"jabber:client\" type=\"error\" id=\"x\" to=\"a@b/c\" from=\"pubsub.b\">\
             <error type=\"modify\"><bad-request xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>\
             <invalid-jid xmlns=\"http://jabber.org/protocol/pubsub#errors\"/></error></iq>"
        );
        assert_eq!(StanzaError::of(&Element::parse(&reply.to_string()).unwrap()), Some(err));
    }

    #[test]
    fn degenerate_errors_are_read_conservatively() {
        let bare = Element::parse("<iq xmlns='jabber:client' type='error' id='1'/>").unwrap();
        let err = StanzaError::of(&bare).unwrap();
        assert_eq!(err.condition, StanzaErrorCondition::UndefinedCondition);
        let odd = Element::parse(
            "<iq xmlns='jabber:client' type='error' id='1'><error type='weird'>\
             <x-new xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
        )
        .unwrap();
        let err = StanzaError::of(&odd).unwrap();
        assert_eq!(err.error_type, ErrorType::Cancel);
        assert_eq!(err.condition, StanzaErrorCondition::Other("x-new".into()));
        let ok = Element::parse("<iq xmlns='jabber:client' type='result' id='1'/>").unwrap();
        assert_eq!(StanzaError::of(&ok), None);
        assert_eq!(IqType::of(&Element::parse("<iq type='bogus'/>").unwrap()), None);
    }

    #[test]
    fn stanzas_in_the_body_namespace_are_accepted() {
        let el = Element::parse("<presence xmlns='http://jabber.org/protocol/httpbind'/>").unwrap();
        assert!(is_stanza(&el, "presence"));
        assert!(!is_stanza(&Element::parse("<presence xmlns='urn:x'/>").unwrap(), "presence"));
        assert_eq!(
            presence(Some("unavailable")).to_string(),
            "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>"
        );
    }
}
