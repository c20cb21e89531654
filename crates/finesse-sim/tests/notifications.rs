//! The notification service driven by hand: plain HTTP (BOSH) and a plain WebSocket from the
//! test, not our client library, through login, bind, presence, an explicit subscription, and
//! the User notification of a REST state change carrying that request's requestId.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use std::time::{Duration, Instant};

use finesse_model::{AgentState, Update, UpdateData, decode};
use finesse_xmpp::Element;
use futures_util::{SinkExt, StreamExt};
use support::{AGENT, SUPERVISOR, Sim, sasl_plain};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const HTTPBIND: &str = "http://jabber.org/protocol/httpbind";
const DOMAIN: &str = "finesse.sim";
const SIGN_IN: &str = "<User><state>LOGIN</state><extension>1001001</extension></User>";

/// The `<Update>`s of the pubsub items in a stanza, with their node.
fn items(stanza: &Element) -> Vec<(String, Update)> {
    let mut out = Vec::new();
    let Some(event) = stanza.get_child("event", "http://jabber.org/protocol/pubsub#event") else {
        return out;
    };
    for items in event.elements().filter(|e| e.name == "items") {
        let node = items.get_attr("node").unwrap_or_default().to_owned();
        for item in items.elements() {
            for payload in item.elements() {
                // Finesse escapes the Update into the text of <notification>.
                let update: Update = decode(&payload.text())
                    .unwrap_or_else(|e| panic!("item on {node} is not an Update ({e}): {payload}"));
                out.push((node.clone(), update));
            }
        }
    }
    out
}

struct Bosh<'a> {
    sim: &'a Sim,
    sid: String,
    rid: u64,
}

impl<'a> Bosh<'a> {
    fn post(sim: &Sim, body: &str) -> Element {
        let (status, text) = sim.call(
            "POST",
            "/http-bind",
            None,
            Some(body),
            &[("Content-Type", "text/xml; charset=utf-8")],
        );
        assert_eq!(status, 200, "{text}");
        let body = Element::parse(&text).unwrap();
        assert!(body.is("body", HTTPBIND), "{body}");
        assert_ne!(body.get_attr("type"), Some("terminate"), "{body}");
        body
    }

    fn create(sim: &'a Sim) -> (Self, Element) {
        let rid = 4_000_000;
        let body = Self::post(
            sim,
            &format!(
                "<body content='text/xml; charset=utf-8' hold='1' rid='{rid}' to='{DOMAIN}' ver='1.6' \
             wait='2' xml:lang='en' xmlns='{HTTPBIND}' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>"
            ),
        );
        let sid = body.get_attr("sid").unwrap().to_owned();
        (Self { sim, sid, rid }, body)
    }

    /// Sends stanzas (or nothing) and returns the children of the response body.
    fn send(&mut self, extra_attrs: &str, payload: &str) -> Vec<Element> {
        self.rid += 1;
        let body = Self::post(
            self.sim,
            &format!(
                "<body rid='{}' sid='{}' xmlns='{HTTPBIND}' {extra_attrs}>{payload}</body>",
                self.rid, self.sid
            ),
        );
        body.elements().cloned().collect()
    }

    /// Polls with empty requests until `found` returns something, for at most `limit`.
    fn until<T>(&mut self, limit: Duration, mut found: impl FnMut(&Element) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            for stanza in self.send("", "") {
                if let Some(t) = found(&stanza) {
                    return t;
                }
            }
            assert!(start.elapsed() < limit, "nothing matching within {limit:?}");
        }
    }
}

fn login_over_bosh<'a>(sim: &'a Sim, user: (&str, &str)) -> Bosh<'a> {
    let (mut bosh, created) = Bosh::create(sim);
    let features = created.elements().next().map(ToString::to_string).unwrap_or_default();
    assert!(features.contains("PLAIN"), "{created}");
    let reply = bosh.send(
        "",
        &format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{}</auth>",
            sasl_plain(user.0, user.1)
        ),
    );
    assert!(reply.iter().any(|e| e.name == "success"), "{reply:?}");
    let features =
        bosh.send(&format!("xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' to='{DOMAIN}'"), "");
    assert!(
        features.iter().any(|f| f.to_string().contains("urn:ietf:params:xml:ns:xmpp-bind")),
        "{features:?}"
    );
    let bound = bosh.send("", "<iq type='set' id='bind1' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>raw-test</resource></bind></iq>");
    let jid = bound
        .iter()
        .find_map(|iq| {
            iq.get_child("bind", "urn:ietf:params:xml:ns:xmpp-bind")?
                .elements()
                .next()
                .map(Element::text)
        })
        .unwrap();
    assert_eq!(jid, format!("{}@{DOMAIN}/raw-test", user.0));
    bosh.send("", "<presence xmlns='jabber:client'/>");
    bosh
}

#[test]
fn bosh_login_subscribe_and_receive_the_requests_notification() {
    let sim = Sim::demo();
    // The supervisor subscribes to their team's node explicitly, with the full JID.
    let mut bosh = login_over_bosh(&sim, SUPERVISOR);
    let jid = format!("{}@{DOMAIN}/raw-test", SUPERVISOR.0);
    let replies = bosh.send("", &format!(
        "<iq type='set' id='sub1' to='pubsub.{DOMAIN}' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <subscribe node='/finesse/api/Team/1/Users' jid='{jid}'/></pubsub></iq>"));
    let result = match replies.into_iter().find(|s| s.get_attr("id") == Some("sub1")) {
        Some(result) => result,
        None => bosh.until(Duration::from_secs(10), |s| {
            (s.get_attr("id") == Some("sub1")).then(|| s.clone())
        }),
    };
    assert_eq!(result.get_attr("type"), Some("result"), "{result}");

    // An agent of the team signs in over REST with a requestId.
    let (status, body) = sim.call(
        "PUT",
        "/finesse/api/User/1001001",
        Some(AGENT),
        Some(SIGN_IN),
        &[("requestId", "bosh-req-1")],
    );
    assert_eq!(status, 202, "{body}");
    let (node, update) = bosh.until(Duration::from_secs(10), |s| {
        items(s).into_iter().find(|(node, _)| node == "/finesse/api/Team/1/Users")
    });
    assert_eq!(node, "/finesse/api/Team/1/Users");
    let Some(UpdateData::User(user)) = update.data else { panic!("{update:?}") };
    assert_eq!(user.login_id.unwrap().0, "1001001");

    // The agent's own session receives the User notification with the request's id.
    let mut agent = login_over_bosh(&sim, AGENT);
    let (status, _) = sim.call(
        "PUT",
        "/finesse/api/User/1001001",
        Some(AGENT),
        Some("<User><state>READY</state></User>"),
        &[("requestId", "bosh-req-2")],
    );
    assert!(status == 200 || status == 202);
    let update = agent.until(Duration::from_secs(10), |s| {
        items(s).into_iter().find(|(node, _)| node == "/finesse/api/User/1001001").map(|(_, u)| u)
    });
    assert_eq!(update.request_id.as_deref(), Some("bosh-req-2"));
    let Some(UpdateData::User(user)) = update.data else { panic!("{update:?}") };
    assert_eq!(user.state, Some(AgentState::Ready));
}

#[test]
fn an_injected_call_is_notified_to_the_agents_desktop_at_once() {
    let sim = Sim::quiet();
    let mut agent = login_over_bosh(&sim, AGENT);
    assert_eq!(sim.put("/finesse/api/User/1001001", AGENT, SIGN_IN).0, 202);
    let ready = sim.put("/finesse/api/User/1001001", AGENT, "<User><state>READY</state></User>");
    assert!(ready.0 == 200 || ready.0 == 202, "{ready:?}");
    let (status, id) =
        sim.admin("POST", "/admin/calls?queue=5001&agent=1001001", Some("callVariable1=Jo"));
    assert_eq!(status, 200, "{id}");
    let start = Instant::now();
    let update = agent.until(Duration::from_secs(10), |s| {
        items(s)
            .into_iter()
            .find(|(node, u)| {
                node == "/finesse/api/User/1001001/Dialogs"
                    && u.event == Some(finesse_model::UpdateEvent::Post)
            })
            .map(|(_, u)| u)
    });
    assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
    let Some(UpdateData::Dialogs(dialogs)) = update.data else { panic!("{update:?}") };
    assert_eq!(dialogs[0].dialog_id().map(|d| d.to_string()), Some(id));
}

#[test]
fn bosh_refuses_a_wrong_password() {
    let sim = Sim::demo();
    let (mut bosh, _) = Bosh::create(&sim);
    let reply = bosh.send(
        "",
        &format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{}</auth>",
            sasl_plain(AGENT.0, "wrong")
        ),
    );
    assert!(
        reply
            .iter()
            .any(|e| e.name == "failure" && e.elements().any(|c| c.name == "not-authorized")),
        "{reply:?}"
    );
}

#[test]
fn websocket_login_subscribe_and_receive_the_requests_notification() {
    let sim = Sim::demo();
    let url = sim.url.replace("http://", "ws://") + "/ws";
    let base = sim.url.clone();
    sim.rt.block_on(async move {
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert("Sec-WebSocket-Protocol", "xmpp".parse().unwrap());
        let (mut ws, response) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(response.headers().get("sec-websocket-protocol").unwrap(), "xmpp");

        async fn next(ws: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin)) -> Element {
            loop {
                let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a frame in time").unwrap().unwrap();
                if let Message::Text(t) = msg {
                    return Element::parse(&t).unwrap();
                }
            }
        }
        let open = format!("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='{DOMAIN}' version='1.0'/>");
        ws.send(Message::Text(open.clone().into())).await.unwrap();
        let opened = next(&mut ws).await;
        assert_eq!(opened.name, "open");
        let features = next(&mut ws).await;
        assert!(features.to_string().contains("PLAIN"), "{features}");
        ws.send(Message::Text(format!("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{}</auth>", sasl_plain(AGENT.0, AGENT.1)).into())).await.unwrap();
        assert_eq!(next(&mut ws).await.name, "success");
        ws.send(Message::Text(open.into())).await.unwrap();
        assert_eq!(next(&mut ws).await.name, "open");
        let _features = next(&mut ws).await;
        ws.send(Message::Text("<iq type='set' id='b' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>ws-test</resource></bind></iq>".into())).await.unwrap();
        let bound = next(&mut ws).await;
        assert_eq!(bound.get_attr("type"), Some("result"), "{bound}");
        ws.send(Message::Text("<presence xmlns='jabber:client'/>".into())).await.unwrap();
        // Explicit subscription to the user's own queue list node, with the full JID.
        ws.send(Message::Text(format!("<iq type='set' id='s' to='pubsub.{DOMAIN}' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/User/1001001/Queues' jid='1001001@{DOMAIN}/ws-test'/></pubsub></iq>").into())).await.unwrap();
        loop {
            let stanza = next(&mut ws).await;
            if stanza.get_attr("id") == Some("s") {
                assert_eq!(stanza.get_attr("type"), Some("result"), "{stanza}");
                break;
            }
        }
        // A REST state change with a requestId.
        let rest = tokio::task::spawn_blocking(move || {
            let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
            agent.put(format!("{base}/finesse/api/User/1001001"))
                .header("Authorization", support::basic(AGENT.0, AGENT.1))
                .header("requestId", "ws-req-1")
                .header("Content-Type", "application/xml")
                .send(SIGN_IN).unwrap().status().as_u16()
        });
        assert_eq!(rest.await.unwrap(), 202);
        loop {
            let stanza = next(&mut ws).await;
            if let Some((_, update)) = items(&stanza).into_iter().find(|(n, _)| n == "/finesse/api/User/1001001") {
                assert_eq!(update.request_id.as_deref(), Some("ws-req-1"));
                let Some(UpdateData::User(user)) = update.data else { panic!() };
                assert_eq!(user.state, Some(AgentState::NotReady));
                break;
            }
        }
        ws.send(Message::Text("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>".into())).await.unwrap();
    });
}

/// `GET /admin/subscribers?node=` tells who is subscribed to a node: a supervisor's explicit
/// subscription to the team node appears with its full JID and goes when unsubscribed.
#[test]
fn the_admin_endpoint_lists_the_subscribers_of_a_node() {
    let sim = Sim::demo();
    let team = "/finesse/api/Team/1/Users";
    let subscribers = || {
        let (status, body) = sim.admin("GET", &format!("/admin/subscribers?node={team}"), None);
        assert_eq!(status, 200, "{body}");
        body.lines().map(str::to_owned).collect::<Vec<_>>()
    };
    assert!(subscribers().is_empty(), "{:?}", subscribers());
    let mut bosh = login_over_bosh(&sim, SUPERVISOR);
    let jid = format!("{}@{DOMAIN}/raw-test", SUPERVISOR.0);
    let answer = |bosh: &mut Bosh<'_>, id: &str, replies: Vec<Element>| {
        let found = replies.into_iter().find(|s| s.get_attr("id") == Some(id));
        let result = found.unwrap_or_else(|| {
            bosh.until(Duration::from_secs(10), |s| {
                (s.get_attr("id") == Some(id)).then(|| s.clone())
            })
        });
        assert_eq!(result.get_attr("type"), Some("result"), "{result}");
    };
    let replies = bosh.send("", &format!(
        "<iq type='set' id='sub1' to='pubsub.{DOMAIN}' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <subscribe node='{team}' jid='{jid}'/></pubsub></iq>"));
    answer(&mut bosh, "sub1", replies);
    assert_eq!(subscribers(), std::slice::from_ref(&jid));
    // The automatic subscriptions are there too, with the bare JID.
    let (_, own) = sim.admin("GET", "/admin/subscribers?node=/finesse/api/User/1001010", None);
    assert_eq!(own.trim(), format!("{}@{DOMAIN}", SUPERVISOR.0));
    let replies = bosh.send("", &format!(
        "<iq type='set' id='unsub1' to='pubsub.{DOMAIN}' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <unsubscribe node='{team}' jid='{jid}'/></pubsub></iq>"));
    answer(&mut bosh, "unsub1", replies);
    assert!(subscribers().is_empty(), "{:?}", subscribers());
    // Bad input and no token.
    assert_eq!(sim.admin("GET", "/admin/subscribers", None).0, 400);
    assert_eq!(sim.admin("GET", "/admin/subscribers?node=x", None).0, 400);
    assert_eq!(sim.call("GET", &format!("/admin/subscribers?node={team}"), None, None, &[]).0, 401);
}
