//! External-server mode: the simulator publishes into a Prosody started by the test (Debian's
//! package, generated configuration on free ports), and a BOSH subscriber on Prosody — plain
//! HTTP from the test — receives the item of a REST request, with that request's requestId.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use std::time::{Duration, Instant};

use finesse_model::{AgentState, Update, UpdateData, decode};
use finesse_sim::scenario::Scenario;
use finesse_sim::server::{ExternalConfig, Options};
use finesse_xmpp::Element;
use prosody_harness::{DOMAIN, Prosody};
use support::{AGENT, Sim, sasl_plain};

const HTTPBIND: &str = "http://jabber.org/protocol/httpbind";
const NODE: &str = "/finesse/api/User/1001001";

struct Bosh {
    url: String,
    http: ureq::Agent,
    sid: String,
    rid: u64,
}

impl Bosh {
    fn post(&self, body: &str) -> Element {
        let mut resp = self
            .http
            .post(&self.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .send(body)
            .unwrap();
        let text = resp.body_mut().read_to_string().unwrap();
        Element::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn send(&mut self, payload: &str) -> Vec<Element> {
        self.rid += 1;
        let body = self.post(&format!(
            "<body rid='{}' sid='{}' xmlns='{HTTPBIND}'>{payload}</body>",
            self.rid, self.sid
        ));
        assert_ne!(body.get_attr("type"), Some("terminate"), "{body}");
        body.elements().cloned().collect()
    }

    fn restart(&mut self) -> Vec<Element> {
        self.rid += 1;
        let body = self.post(&format!(
            "<body rid='{}' sid='{}' to='{DOMAIN}' xml:lang='en' xmpp:restart='true' xmlns='{HTTPBIND}' xmlns:xmpp='urn:xmpp:xbosh'/>",
            self.rid, self.sid));
        body.elements().cloned().collect()
    }

    /// Logs in as `user`, binds `resource` and sends presence.
    fn login(url: &str, user: &str, password: &str) -> Self {
        let http: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut bosh = Self { url: url.to_owned(), http, sid: String::new(), rid: 7_000_000 };
        let created = bosh.post(&format!(
            "<body content='text/xml; charset=utf-8' hold='1' rid='{}' to='{DOMAIN}' ver='1.6' wait='2' \
             xml:lang='en' xmlns='{HTTPBIND}' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>", bosh.rid));
        bosh.sid = created.get_attr("sid").unwrap().to_owned();
        let mut features: Vec<Element> = created.elements().cloned().collect();
        while !features.iter().any(|f| f.to_string().contains("PLAIN")) {
            features = bosh.send("");
        }
        let mut reply = bosh.send(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{}</auth>",
            sasl_plain(user, password)
        ));
        while reply.is_empty() {
            reply = bosh.send("");
        }
        assert!(reply.iter().any(|e| e.name == "success"), "{reply:?}");
        let mut features = bosh.restart();
        while !features.iter().any(|f| f.to_string().contains("xmpp-bind")) {
            features = bosh.send("");
        }
        let mut bound = bosh.send("<iq type='set' id='bind' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>external-test</resource></bind></iq>");
        while !bound.iter().any(|e| e.get_attr("id") == Some("bind")) {
            bound = bosh.send("");
        }
        bosh.send("<presence xmlns='jabber:client'/>");
        bosh
    }

    /// Sends `payload` and polls until a stanza matches, for at most `limit`.
    fn until<T>(
        &mut self,
        payload: &str,
        limit: Duration,
        mut found: impl FnMut(&Element) -> Option<T>,
    ) -> Option<T> {
        let start = Instant::now();
        let mut stanzas = self.send(payload);
        loop {
            if let Some(t) = stanzas.iter().find_map(&mut found) {
                return Some(t);
            }
            if start.elapsed() > limit {
                return None;
            }
            stanzas = self.send("");
        }
    }
}

fn update_on(stanza: &Element, node: &str) -> Option<Update> {
    let event = stanza.get_child("event", "http://jabber.org/protocol/pubsub#event")?;
    let items = event.elements().find(|e| e.name == "items" && e.get_attr("node") == Some(node))?;
    let payload = items.elements().next()?.elements().next()?;
    decode(&payload.text()).ok()
}

#[test]
fn the_simulator_publishes_into_prosody_and_a_bosh_subscriber_receives_it() {
    let Some(prosody) = Prosody::start_or_skip(&[("finesse", "finesse-pw"), AGENT], "finesse")
    else {
        return;
    };
    let mut options = Options::new(Scenario::demo());
    options.external = Some(ExternalConfig {
        ws_url: prosody.ws_url(),
        user: "finesse".into(),
        password: "finesse-pw".into(),
        domain: DOMAIN.into(),
        pubsub_domain: format!("pubsub.{DOMAIN}"),
    });
    let sim = Sim::start(options);

    // A first publication on the agent's node creates it on Prosody (autocreate on publish).
    let sign_in = "<User><state>LOGIN</state><extension>1001001</extension></User>";
    assert_eq!(sim.call("PUT", NODE, Some(AGENT), Some(sign_in), &[("requestId", "ext-1")]).0, 202);

    let mut bosh = Bosh::login(&prosody.bosh_url(), AGENT.0, AGENT.1);
    let jid = format!("{}@{DOMAIN}/external-test", AGENT.0);
    let subscribe = format!(
        "<iq type='set' id='sub' to='pubsub.{DOMAIN}' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <subscribe node='{NODE}' jid='{jid}'/></pubsub></iq>"
    );
    // The node exists once the publisher has delivered the first item: retry a bounded time.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let result = bosh
            .until(&subscribe, Duration::from_secs(5), |s| {
                (s.get_attr("id") == Some("sub")).then(|| s.clone())
            })
            .unwrap();
        if result.get_attr("type") == Some("result") {
            break;
        }
        assert!(Instant::now() < deadline, "subscribing kept failing: {result}\n{}", prosody.log());
        std::thread::sleep(Duration::from_millis(100));
    }

    let ready = "<User><state>READY</state></User>";
    let (status, _) = sim.call("PUT", NODE, Some(AGENT), Some(ready), &[("requestId", "ext-2")]);
    assert!(status == 200 || status == 202);
    let update = bosh
        .until("", Duration::from_secs(20), |s| {
            update_on(s, NODE).filter(|u| u.request_id.as_deref() == Some("ext-2"))
        })
        .unwrap_or_else(|| {
            panic!("no item from the simulator through Prosody:\n{}", prosody.log())
        });
    let Some(UpdateData::User(user)) = update.data else { panic!("{update:?}") };
    assert_eq!(user.state, Some(AgentState::Ready));
}
