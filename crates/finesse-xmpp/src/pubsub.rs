//! Publish-Subscribe (XEP-0060) as Finesse uses it (guide chapter 6, "Subscription
//! Management"): subscribe and unsubscribe with a full JID, subscription ids, retrieving one's
//! subscriptions, and the event messages that carry items. Finesse puts each `<Update>`
//! XML-escaped as the text of `<notification xmlns='http://jabber.org/protocol/pubsub'>` in
//! the `<item>`:
//!
//! ```xml
//! <message from='pubsub.finesse.example' to='1001001@finesse.example/gadget-1' id='…'>
//!   <event xmlns='http://jabber.org/protocol/pubsub#event'>
//!     <items node='/finesse/api/User/1001001'>
//!       <item id='…'>
//!         <notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;…&lt;/Update&gt;</notification>
//!       </item>
//!     </items>
//!   </event>
//! </message>
//! ```
//!
//! With the `typed-items` feature (the default) each item's payload is decoded into a
//! [`finesse_model::Update`]; without it the payload is left as received
//! ([`ItemPayload::Undecoded`]) and the model's decoder is not linked at all.

#[cfg(feature = "typed-items")]
use finesse_model::{DecodeError, ErrorKind, Update};

use crate::element::Element;
use crate::jid::Jid;
use crate::macros::condition_enum;
use crate::ns;
use crate::stanza::{self, IqType};

condition_enum! {
    /// The `subscription` attribute: the state of a subscription (XEP-0060 §4.2).
    pub enum SubscriptionState {
        /// Not subscribed (a subscription ended).
        Unsubscribed = "none",
        /// Awaiting approval.
        Pending = "pending",
        /// Subscribed.
        Subscribed = "subscribed",
        /// Subscribed, but must be configured first.
        Unconfigured = "unconfigured",
    }
}

/// A subscription as the service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The node.
    pub node: String,
    /// The subscribed JID.
    pub jid: Option<Jid>,
    /// The subscription id, when the service assigns one.
    pub subid: Option<String>,
    /// The state (`subscribed` when the attribute is absent).
    pub state: SubscriptionState,
}

impl Subscription {
    fn parse(el: &Element) -> Option<Self> {
        let node = el.get_attr("node")?.to_owned();
        Some(Self {
            node,
            jid: el.get_attr("jid").and_then(Jid::parse),
            subid: el.get_attr("subid").map(str::to_owned),
            state: el
                .get_attr("subscription")
                .map_or(SubscriptionState::Subscribed, SubscriptionState::parse),
        })
    }

    /// The `<subscription/>` element (in the namespace given: `pubsub` in results,
    /// `pubsub#event` in notifications).
    pub fn to_element(&self, namespace: &str) -> Element {
        let mut el = Element::new("subscription", namespace).attr("node", self.node.clone());
        if let Some(jid) = &self.jid {
            el.set_attr("jid", jid.to_string());
        }
        if let Some(subid) = &self.subid {
            el.set_attr("subid", subid.clone());
        }
        el.attr("subscription", self.state.as_str())
    }
}

fn pubsub_iq(kind: IqType, id: &str, service: &str, child: Element) -> Element {
    stanza::iq(kind, id, Some(service)).child(Element::new("pubsub", ns::PUBSUB).child(child))
}

/// Subscribes `jid` (use the full JID, as the guide asks) to `node` at `service`.
pub fn subscribe_iq(id: &str, service: &str, node: &str, jid: &Jid) -> Element {
    pubsub_iq(
        IqType::Set,
        id,
        service,
        Element::new("subscribe", ns::PUBSUB).attr("node", node).attr("jid", jid.to_string()),
    )
}

/// Unsubscribes `jid` from `node`, naming the subscription when its id is known.
pub fn unsubscribe_iq(
    id: &str,
    service: &str,
    node: &str,
    jid: &Jid,
    subid: Option<&str>,
) -> Element {
    let mut el =
        Element::new("unsubscribe", ns::PUBSUB).attr("node", node).attr("jid", jid.to_string());
    if let Some(subid) = subid {
        el.set_attr("subid", subid);
    }
    pubsub_iq(IqType::Set, id, service, el)
}

/// Asks the service for all of the sender's subscriptions (XEP-0060 §5.6).
pub fn subscriptions_iq(id: &str, service: &str) -> Element {
    pubsub_iq(IqType::Get, id, service, Element::new("subscriptions", ns::PUBSUB))
}

/// The subscription a subscribe result reports (XEP-0060 §6.1.2); `None` for an empty result.
pub fn parse_subscription(result: &Element) -> Option<Subscription> {
    result
        .get_child("pubsub", ns::PUBSUB)?
        .get_child("subscription", ns::PUBSUB)
        .and_then(Subscription::parse)
}

/// The subscriptions a retrieve-subscriptions result lists (XEP-0060 §5.6).
pub fn parse_subscriptions(result: &Element) -> Vec<Subscription> {
    result
        .get_child("pubsub", ns::PUBSUB)
        .and_then(|p| p.get_child("subscriptions", ns::PUBSUB))
        .map(|s| {
            s.elements()
                .filter(|e| e.name == "subscription")
                .filter_map(Subscription::parse)
                .collect()
        })
        .unwrap_or_default()
}

/// A pubsub request, as a service reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Request {
    /// Subscribe `jid` to `node`.
    Subscribe {
        /// The node.
        node: String,
        /// The JID to subscribe, as written (validated by the service).
        jid: String,
    },
    /// Unsubscribe `jid` from `node`.
    Unsubscribe {
        /// The node.
        node: String,
        /// The JID to unsubscribe, as written.
        jid: String,
        /// The subscription id, if given.
        subid: Option<String>,
    },
    /// List the sender's subscriptions (optionally on one node).
    Subscriptions {
        /// The node, if only one is asked about.
        node: Option<String>,
    },
    /// Something else this service does not implement (publish, create, configure, …).
    Unsupported,
    /// A request missing a required attribute (`node`, `jid`).
    Malformed,
}

/// Reads the pubsub request in `iq`; `None` when `iq` has no `<pubsub/>` child.
pub fn parse_request(iq: &Element) -> Option<Request> {
    let pubsub = iq.get_child("pubsub", ns::PUBSUB)?;
    let kind = IqType::of(iq);
    let Some(op) = pubsub.elements().next() else { return Some(Request::Malformed) };
    let attr = |k: &str| op.get_attr(k).map(str::to_owned);
    Some(match (kind, op.name.as_str()) {
        (Some(IqType::Set), "subscribe") => match (attr("node"), attr("jid")) {
            (Some(node), Some(jid)) => Request::Subscribe { node, jid },
            _ => Request::Malformed,
        },
        (Some(IqType::Set), "unsubscribe") => match (attr("node"), attr("jid")) {
            (Some(node), Some(jid)) => Request::Unsubscribe { node, jid, subid: attr("subid") },
            _ => Request::Malformed,
        },
        (Some(IqType::Get), "subscriptions") => Request::Subscriptions { node: attr("node") },
        _ => Request::Unsupported,
    })
}

/// The result of a subscribe request (XEP-0060 Example 35).
pub fn subscribe_result(request: &Element, from: &str, subscription: &Subscription) -> Element {
    stanza::iq_result(request, Some(from))
        .child(Element::new("pubsub", ns::PUBSUB).child(subscription.to_element(ns::PUBSUB)))
}

/// The result of a retrieve-subscriptions request.
pub fn subscriptions_result(
    request: &Element,
    from: &str,
    subscriptions: &[Subscription],
) -> Element {
    let mut list = Element::new("subscriptions", ns::PUBSUB);
    for s in subscriptions {
        list = list.child(s.to_element(ns::PUBSUB));
    }
    stanza::iq_result(request, Some(from)).child(Element::new("pubsub", ns::PUBSUB).child(list))
}

/// An event message carrying one item whose payload is `payload_xml`, escaped into
/// `<notification/>` as Finesse does.
pub fn event_message(
    from: &str,
    to: &str,
    id: &str,
    node: &str,
    item_id: &str,
    payload_xml: &str,
) -> Element {
    let notification = Element::new("notification", ns::PUBSUB).text_child(payload_xml);
    let item = Element::new("item", ns::PUBSUB_EVENT).attr("id", item_id).child(notification);
    let items = Element::new("items", ns::PUBSUB_EVENT).attr("node", node).child(item);
    Element::new("message", ns::CLIENT)
        .attr("from", from)
        .attr("to", to)
        .attr("id", id)
        .child(Element::new("event", ns::PUBSUB_EVENT).child(items))
}

/// A subscription state notification (XEP-0060 §8.8.4 style): tells a subscriber its
/// subscription changed, e.g. ended (`subscription='none'`).
pub fn subscription_message(from: &str, to: &str, subscription: &Subscription) -> Element {
    Element::new("message", ns::CLIENT).attr("from", from).attr("to", to).child(
        Element::new("event", ns::PUBSUB_EVENT).child(subscription.to_element(ns::PUBSUB_EVENT)),
    )
}

/// What an item carries.
///
/// Which variants a build produces depends on the `typed-items` feature: with it (the default)
/// `Update`, [`Other`](Self::Other), `Undecodable` and [`Empty`](Self::Empty); without it
/// [`Undecoded`](Self::Undecoded) and [`Empty`](Self::Empty) (`Update` and `Undecodable`,
/// which hold model types, do not exist then). Code that only needs the payload as XML reads [`Item::xml`] (or
/// `Event::Item`'s `xml`) and compiles either way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ItemPayload {
    /// A Finesse notification, decoded leniently.
    #[cfg(feature = "typed-items")]
    Update(Box<Update>),
    /// Something that is not an `<Update>` document (another root element, or text that is
    /// not XML): surfaced as is, not as an error (`typed-items` builds only tell it apart).
    Other {
        /// The payload as received (unescaped).
        xml: String,
    },
    /// An `<Update>` that does not decode (e.g. a number that does not parse).
    #[cfg(feature = "typed-items")]
    Undecodable {
        /// The payload as received (unescaped).
        xml: String,
        /// Why it did not decode.
        error: DecodeError,
    },
    /// A payload left as received because this build has no `typed-items` feature (it does
    /// not link the model's decoder); whether it is an `<Update>` is not examined. Only such
    /// builds produce it; the variant exists in every build so that matching on it compiles
    /// either way.
    Undecoded {
        /// The payload as received (unescaped).
        xml: String,
    },
    /// An item without a payload.
    Empty,
}

impl ItemPayload {
    /// Reads the payload of an `<item/>`: the text (or child element) of its `<notification/>`,
    /// or else its first child element.
    pub fn of_item(item: &Element) -> Self {
        Self::decode(Self::text_of_item(item))
    }

    /// The payload document of an `<item/>` as received: the (unescaped) text of its
    /// `<notification/>`, or its child element written out as XML; empty when there is none.
    /// This is what a hub republishes as raw XML (guide chapter 8, `content`).
    pub fn text_of_item(item: &Element) -> String {
        let source = item.get_child_named("notification").unwrap_or(item);
        match source.elements().next() {
            Some(child) if source.text().trim().is_empty() => child.to_xml_in(&child.ns),
            _ if std::ptr::eq(source, item) => String::new(),
            _ => source.text(),
        }
    }

    /// Decodes a payload document: [`Empty`](Self::Empty) when it is blank; otherwise, with
    /// `typed-items`, an `Update` (or `Other`/`Undecodable`, saying why not), without it
    /// [`Undecoded`](Self::Undecoded).
    pub fn decode(xml: String) -> Self {
        if xml.trim().is_empty() {
            return Self::Empty;
        }
        Self::decode_document(xml)
    }

    #[cfg(feature = "typed-items")]
    fn decode_document(xml: String) -> Self {
        match finesse_model::decode::<Update>(&xml) {
            Ok(update) => Self::Update(Box::new(update)),
            Err(e) if matches!(e.kind(), ErrorKind::WrongRoot { .. } | ErrorKind::Syntax(_)) => {
                Self::Other { xml }
            }
            Err(error) => Self::Undecodable { xml, error },
        }
    }

    #[cfg(not(feature = "typed-items"))]
    fn decode_document(xml: String) -> Self {
        Self::Undecoded { xml }
    }
}

/// One published item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The node it was published on.
    pub node: String,
    /// The item id.
    pub id: Option<String>,
    /// The payload document as received ([`ItemPayload::text_of_item`]).
    pub xml: String,
    /// The payload, decoded (or not: see the `typed-items` feature).
    pub payload: ItemPayload,
}

/// What an event message announces.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PubsubEvent {
    /// Items published (retractions are ignored: Finesse does not retract).
    Items(Vec<Item>),
    /// A subscription changed state.
    Subscription(Subscription),
    /// Another kind of event (purge, delete, configuration), by element name.
    Other(String),
}

/// Reads the pubsub event in a `<message/>`; `None` when it carries none.
pub fn parse_event(message: &Element) -> Option<PubsubEvent> {
    let event = message.get_child("event", ns::PUBSUB_EVENT)?;
    let Some(first) = event.elements().next() else {
        return Some(PubsubEvent::Other(String::new()));
    };
    Some(match first.name.as_str() {
        "items" => {
            let node = first.get_attr("node").unwrap_or("").to_owned();
            PubsubEvent::Items(
                first
                    .elements()
                    .filter(|e| e.name == "item")
                    .map(|item| {
                        let xml = ItemPayload::text_of_item(item);
                        Item {
                            node: node.clone(),
                            id: item.get_attr("id").map(str::to_owned),
                            payload: ItemPayload::decode(xml.clone()),
                            xml,
                        }
                    })
                    .collect(),
            )
        }
        "subscription" => match Subscription::parse(first) {
            Some(s) => PubsubEvent::Subscription(s),
            None => PubsubEvent::Other(first.name.clone()),
        },
        other => PubsubEvent::Other(other.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "typed-items")]
    use finesse_model::{AgentState, UpdateData};

    const USER_ITEM: &str = "<message xmlns='jabber:client' from='pubsub.finesse.example' \
        to='1001001@finesse.example/finesse-gadget-a1b2' id='/finesse/api/User/1001001__1'>\
        <event xmlns='http://jabber.org/protocol/pubsub#event'>\
        <items node='/finesse/api/User/1001001'><item id='a1'>\
        <notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;\
        &lt;data&gt;&lt;user&gt;&lt;loginId&gt;1001001&lt;/loginId&gt;\
        &lt;state&gt;READY&lt;/state&gt;&lt;/user&gt;&lt;/data&gt;\
        &lt;event&gt;PUT&lt;/event&gt;&lt;requestId&gt;&lt;/requestId&gt;\
        &lt;source&gt;/finesse/api/User/1001001&lt;/source&gt;&lt;/Update&gt;\
        </notification></item></items></event></message>";

    fn el(xml: &str) -> Element {
        Element::parse(xml).unwrap()
    }

    #[test]
    fn subscribe_and_unsubscribe_with_a_full_jid() {
        let jid = Jid::parse("1001001@finesse.example/finesse-gadget-a1b2").unwrap();
        assert_eq!(
            subscribe_iq("sub1", "pubsub.finesse.example", "/finesse/api/Team/TheA/Users", &jid)
                .to_string(),
            "<iq xmlns=\"jabber:client\" type=\"set\" id=\"sub1\" to=\"pubsub.finesse.example\">\
             <pubsub xmlns=\"http://jabber.org/protocol/pubsub\"><subscribe \
             node=\"/finesse/api/Team/TheA/Users\" jid=\"1001001@finesse.example/finesse-gadget-a1b2\"/>\
             </pubsub></iq>"
        );
        let unsub = unsubscribe_iq("unsub1", "pubsub.d", "/n", &jid, Some("s1"));
        assert_eq!(
            parse_request(&el(&unsub.to_string())),
            Some(Request::Unsubscribe {
                node: "/n".into(),
                jid: jid.to_string(),
                subid: Some("s1".into())
            })
        );
    }

    #[test]
    fn reads_the_guides_subscribe_sample_as_a_service() {
        // Guide chapter 6, "Subscription Management" (bare JIDs as printed there).
        let iq = el("<iq type='set' from='CharlesNorrads@finesse-server.cisco.com' \
             to='pubsub.finesse-server.cisco.com' id='sub1'>\
             <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <subscribe node='/finesse/api/Team/TheA/Users' jid='ChuckieNorrads@finesse-server.cisco.com' />\
             </pubsub></iq>");
        assert_eq!(
            parse_request(&iq),
            Some(Request::Subscribe {
                node: "/finesse/api/Team/TheA/Users".into(),
                jid: "ChuckieNorrads@finesse-server.cisco.com".into()
            })
        );
        let missing =
            el("<iq type='set' id='x'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <subscribe jid='a@b'/></pubsub></iq>");
        assert_eq!(parse_request(&missing), Some(Request::Malformed));
        let publish =
            el("<iq type='set' id='x'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <publish node='n'/></pubsub></iq>");
        assert_eq!(parse_request(&publish), Some(Request::Unsupported));
        let get_subscribe =
            el("<iq type='get' id='x'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <subscribe node='n' jid='a@b'/></pubsub></iq>");
        assert_eq!(parse_request(&get_subscribe), Some(Request::Unsupported));
        assert_eq!(parse_request(&el("<iq type='get' id='x'/>")), None);
    }

    #[test]
    fn reads_subscription_results() {
        let result = el("<iq xmlns='jabber:client' type='result' from='pubsub.d' id='sub1'>\
             <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription node='/n' \
             jid='u@d/r' subid='ba49252aaa4f5d320c24d3766f0bdcade78c78d3' subscription='subscribed'/>\
             </pubsub></iq>");
        let sub = parse_subscription(&result).unwrap();
        assert_eq!(sub.subid.as_deref(), Some("ba49252aaa4f5d320c24d3766f0bdcade78c78d3"));
        assert_eq!(sub.state, SubscriptionState::Subscribed);
        assert_eq!(parse_subscription(&el("<iq type='result' id='sub1'/>")), None);
        let list = el("<iq xmlns='jabber:client' type='result' id='s'>\
             <pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions>\
             <subscription node='/a' jid='u@d' subscription='subscribed'/>\
             <subscription node='/b' jid='u@d/r' subid='2'/>\
             <subscription jid='u@d/r'/></subscriptions></pubsub></iq>");
        let subs = parse_subscriptions(&list);
        assert_eq!(subs.len(), 2, "an entry without a node is skipped");
        assert_eq!(subs[1].jid, Jid::parse("u@d/r"));
        let request = el("<iq xmlns='jabber:client' type='get' id='s' from='u@d/r'/>");
        assert_eq!(
            parse_subscriptions(&el(&subscriptions_result(&request, "p", &subs).to_string())),
            subs
        );
    }

    #[test]
    #[cfg(feature = "typed-items")]
    fn decodes_an_escaped_update_notification() {
        let Some(PubsubEvent::Items(items)) = parse_event(&el(USER_ITEM)) else { panic!() };
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].node, "/finesse/api/User/1001001");
        assert_eq!(items[0].id.as_deref(), Some("a1"));
        assert_eq!(
            items[0].xml,
            "<Update><data><user><loginId>1001001</loginId><state>READY</state></user></data>\
             <event>PUT</event><requestId></requestId>\
             <source>/finesse/api/User/1001001</source></Update>",
            "the payload text as received, unescaped"
        );
        let ItemPayload::Update(update) = &items[0].payload else {
            panic!("{:?}", items[0].payload)
        };
        let Some(UpdateData::User(user)) = &update.data else { panic!() };
        assert_eq!(user.state, Some(AgentState::Ready));
    }

    #[test]
    #[cfg(feature = "typed-items")]
    fn accepts_the_update_as_a_child_element_too() {
        let msg = el(
            "<message xmlns='jabber:client'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='/finesse/api/SystemInfo'><item id='9'>\
             <notification xmlns='http://jabber.org/protocol/pubsub'><Update><event>PUT</event>\
             <data><SystemInfo><status>OUT_OF_SERVICE</status></SystemInfo></data></Update>\
             </notification></item><item id='10'><Update><event>PUT</event></Update></item>\
             </items></event></message>",
        );
        let Some(PubsubEvent::Items(items)) = parse_event(&msg) else { panic!() };
        assert!(
            matches!(&items[0].payload, ItemPayload::Update(u) if matches!(u.data, Some(UpdateData::SystemInfo(_))))
        );
        assert!(matches!(&items[1].payload, ItemPayload::Update(_)));
    }

    #[test]
    #[cfg(feature = "typed-items")]
    fn unknown_payloads_are_surfaced_as_such() {
        let item = |inner: &str| {
            el(&format!(
                "<item xmlns='http://jabber.org/protocol/pubsub#event' id='1'>{inner}</item>"
            ))
        };
        assert_eq!(
            ItemPayload::of_item(&item(
                "<notification xmlns='http://jabber.org/protocol/pubsub'>hello</notification>"
            )),
            ItemPayload::Other { xml: "hello".into() }
        );
        assert_eq!(
            ItemPayload::of_item(&item(
                "<notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Widget/&gt;</notification>"
            )),
            ItemPayload::Other { xml: "<Widget/>".into() }
        );
        assert_eq!(ItemPayload::of_item(&item("")), ItemPayload::Empty);
        assert_eq!(
            ItemPayload::of_item(&item(
                "<notification xmlns='http://jabber.org/protocol/pubsub'/>"
            )),
            ItemPayload::Empty
        );
        let bad = ItemPayload::of_item(&item(
            "<notification xmlns='http://jabber.org/protocol/pubsub'>&lt;Update&gt;&lt;data&gt;\
             &lt;Queue&gt;&lt;statistics&gt;&lt;callsInQueue&gt;many&lt;/callsInQueue&gt;\
             &lt;/statistics&gt;&lt;/Queue&gt;&lt;/data&gt;&lt;/Update&gt;</notification>",
        ));
        assert!(matches!(bad, ItemPayload::Undecodable { .. }), "{bad:?}");
    }

    #[test]
    #[cfg(not(feature = "typed-items"))]
    fn without_typed_items_payloads_stay_as_received() {
        let Some(PubsubEvent::Items(items)) = parse_event(&el(USER_ITEM)) else { panic!() };
        let want = "<Update><data><user><loginId>1001001</loginId><state>READY</state></user>\
                    </data><event>PUT</event><requestId></requestId>\
                    <source>/finesse/api/User/1001001</source></Update>";
        assert_eq!((items.len(), items[0].xml.as_str()), (1, want));
        assert_eq!(items[0].payload, ItemPayload::Undecoded { xml: want.into() });
        let item = |inner: &str| {
            el(&format!(
                "<item xmlns='http://jabber.org/protocol/pubsub#event' id='1'>{inner}</item>"
            ))
        };
        // A child element instead of escaped text, something else than an <Update>, and an
        // <Update> the typed decoder would refuse: all left as received, none examined.
        assert_eq!(
            ItemPayload::of_item(&item(
                "<notification xmlns='http://jabber.org/protocol/pubsub'><Update><event>PUT\
                 </event></Update></notification>"
            )),
            ItemPayload::Undecoded { xml: "<Update><event>PUT</event></Update>".into() }
        );
        for text in [
            "hello",
            "&lt;Widget/&gt;",
            "&lt;Update&gt;&lt;data&gt;&lt;Queue&gt;&lt;statistics&gt;\
             &lt;callsInQueue&gt;many&lt;/callsInQueue&gt;&lt;/statistics&gt;&lt;/Queue&gt;&lt;/data&gt;\
             &lt;/Update&gt;",
        ] {
            let item = item(&format!(
                "<notification xmlns='http://jabber.org/protocol/pubsub'>{text}</notification>"
            ));
            let xml = ItemPayload::text_of_item(&item);
            assert!(!xml.contains("&lt;"), "unescaped: {xml}");
            assert_eq!(ItemPayload::of_item(&item), ItemPayload::Undecoded { xml });
        }
        assert_eq!(ItemPayload::of_item(&item("")), ItemPayload::Empty);
        assert_eq!(ItemPayload::decode(" \n".into()), ItemPayload::Empty);
    }

    #[test]
    fn writes_event_messages_the_way_finesse_does() {
        let msg = event_message(
            "pubsub.d",
            "u@d/r",
            "m1",
            "/finesse/api/User/u",
            "i1",
            "<Update><event>PUT</event></Update>",
        );
        assert_eq!(
            msg.to_string(),
            "<message xmlns=\"jabber:client\" from=\"pubsub.d\" to=\"u@d/r\" id=\"m1\">\
             <event xmlns=\"http://jabber.org/protocol/pubsub#event\"><items node=\"/finesse/api/User/u\">\
             <item id=\"i1\"><notification xmlns=\"http://jabber.org/protocol/pubsub\">\
             &lt;Update&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;/Update&gt;</notification></item></items>\
             </event></message>"
        );
        let gone = Subscription {
            node: "/n".into(),
            jid: Jid::parse("u@d/r"),
            subid: None,
            state: SubscriptionState::Unsubscribed,
        };
        let msg = el(&subscription_message("pubsub.d", "u@d/r", &gone).to_string());
        assert_eq!(parse_event(&msg), Some(PubsubEvent::Subscription(gone)));
        let other = el(
            "<message><event xmlns='http://jabber.org/protocol/pubsub#event'><purge node='x'/></event></message>",
        );
        assert_eq!(parse_event(&other), Some(PubsubEvent::Other("purge".into())));
        assert_eq!(parse_event(&el("<message><body>hi</body></message>")), None);
    }
}
