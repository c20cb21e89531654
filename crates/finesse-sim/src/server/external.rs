//! External-server mode (issue 3 item 3): instead of (or besides) serving notifications itself,
//! the simulator publishes every `<Update>` into an external XMPP server — Prosody in the
//! interop tests — as a XEP-0060 pubsub publisher over WebSocket (RFC 7395), the way Finesse's
//! own web service publishes into its Openfire. Items carry the escaped Update in
//! `<notification xmlns='http://jabber.org/protocol/pubsub'>`, exactly as Finesse does.
//!
//! The publisher reconnects with backoff when the connection drops; items produced while it is
//! down wait in a bounded queue (the oldest are dropped past it, and counted).

use std::time::Duration;

use finesse_xmpp::Element;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const FRAMING: &str = "urn:ietf:params:xml:ns:xmpp-framing";
const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
const BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
/// Items kept while the external server is unreachable.
const QUEUE: usize = 10_000;

/// Where and as whom to publish.
#[derive(Clone)]
pub struct ExternalConfig {
    /// The server's XMPP WebSocket endpoint (`ws://127.0.0.1:5280/xmpp-websocket`).
    pub ws_url: String,
    /// The publisher's user name (the local part of its JID; an admin of the pubsub service).
    pub user: String,
    /// The publisher's password.
    pub password: String,
    /// The XMPP domain (`localhost`).
    pub domain: String,
    /// The pubsub service (`pubsub.localhost`).
    pub pubsub_domain: String,
}

impl std::fmt::Debug for ExternalConfig {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalConfig")
            .field("ws_url", &self.ws_url)
            .field("user", &self.user)
            .field("domain", &self.domain)
            .field("pubsub_domain", &self.pubsub_domain)
            .finish_non_exhaustive()
    }
}

/// The publisher's handle: items go to a background task.
pub(crate) struct ExternalPublisher {
    tx: mpsc::Sender<(String, String)>,
}

impl ExternalPublisher {
    /// Starts the publishing task.
    pub(crate) fn start(config: ExternalConfig) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(config, rx));
        Self { tx }
    }

    /// Queues an item for `node`.
    pub(crate) fn publish(&self, node: &str, update_xml: &str) {
        if self.tx.try_send((node.to_owned(), update_xml.to_owned())).is_err() {
            tracing::warn!(node, "external publisher queue full: item dropped");
        }
    }
}

fn sasl_plain(user: &str, password: &str) -> String {
    finesse_xmpp::sasl::base64_encode(format!("\0{user}\0{password}").as_bytes())
}

/// The publish iq for one item (the Update escaped as the text of `<notification>`).
pub(crate) fn publish_iq(id: u64, pubsub: &str, node: &str, update_xml: &str) -> String {
    let notification = Element::new("notification", PUBSUB).text_child(update_xml);
    let iq = Element::new("iq", "jabber:client")
        .attr("type", "set")
        .attr("id", format!("pub{id}"))
        .attr("to", pubsub)
        .child(Element::new("pubsub", PUBSUB).child(
            Element::new("publish", PUBSUB).attr("node", node).child(
                Element::new("item", PUBSUB).attr("id", format!("sim{id}")).child(notification),
            ),
        ));
    iq.to_string()
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next(ws: &mut Ws) -> Result<Element, String> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .map_err(|_| "no answer within 10 s".to_owned())?
            .ok_or("connection closed")?
            .map_err(|e| e.to_string())?;
        match msg {
            Message::Text(t) => return Element::parse(&t).map_err(|e| e.to_string()),
            Message::Close(_) => return Err("connection closed".into()),
            _ => {}
        }
    }
}

async fn send(ws: &mut Ws, text: String) -> Result<(), String> {
    ws.send(Message::Text(text.into())).await.map_err(|e| e.to_string())
}

/// Connects, authenticates and binds a session.
async fn connect(config: &ExternalConfig) -> Result<Ws, String> {
    let mut request = config.ws_url.as_str().into_client_request().map_err(|e| e.to_string())?;
    let protocol = "xmpp".parse().map_err(|_| "header".to_owned())?;
    request.headers_mut().insert("Sec-WebSocket-Protocol", protocol);
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| e.to_string())?;
    let open =
        Element::new("open", FRAMING).attr("to", &config.domain).attr("version", "1.0").to_string();
    send(&mut ws, open.clone()).await?;
    next(&mut ws).await?; // <open/>
    next(&mut ws).await?; // features
    let auth = Element::new("auth", SASL)
        .attr("mechanism", "PLAIN")
        .text_child(sasl_plain(&config.user, &config.password));
    send(&mut ws, auth.to_string()).await?;
    let answer = next(&mut ws).await?;
    if answer.name != "success" {
        return Err(format!("authentication refused: {answer}"));
    }
    send(&mut ws, open).await?;
    next(&mut ws).await?; // <open/>
    next(&mut ws).await?; // features
    let bind = Element::new("iq", "jabber:client").attr("type", "set").attr("id", "bind").child(
        Element::new("bind", BIND).child(Element::new("resource", BIND).text_child("finesse-sim")),
    );
    send(&mut ws, bind.to_string()).await?;
    let bound = next(&mut ws).await?;
    if bound.get_attr("type") != Some("result") {
        return Err(format!("bind refused: {bound}"));
    }
    Ok(ws)
}

async fn run(config: ExternalConfig, mut rx: mpsc::Receiver<(String, String)>) {
    let mut backoff = Duration::from_millis(200);
    let mut id = 0u64;
    let mut pending: Option<(String, String)> = None;
    loop {
        let mut ws = match connect(&config).await {
            Ok(ws) => {
                tracing::info!(url = %config.ws_url, "publishing into the external XMPP server");
                backoff = Duration::from_millis(200);
                ws
            }
            Err(e) => {
                tracing::warn!(url = %config.ws_url, "external XMPP server: {e}; retrying in {backoff:?}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        loop {
            let item = match pending.take() {
                Some(item) => item,
                None => tokio::select! {
                    item = rx.recv() => match item {
                        Some(item) => item,
                        None => return,
                    },
                    incoming = ws.next() => match incoming {
                        Some(Ok(Message::Text(t))) => {
                            if t.contains("type='error'") || t.contains("type=\"error\"") {
                                tracing::warn!("external XMPP server refused a publication: {t}");
                            }
                            continue;
                        }
                        Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                        Some(Ok(_)) => continue,
                    },
                },
            };
            id += 1;
            let (node, xml) = &item;
            if send(&mut ws, publish_iq(id, &config.pubsub_domain, node, xml)).await.is_err() {
                pending = Some(item);
                break;
            }
        }
        tracing::warn!("external XMPP server connection lost; reconnecting");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_iq_escapes_the_update_like_finesse() {
        let iq = publish_iq(
            7,
            "pubsub.localhost",
            "/finesse/api/User/1",
            "<Update><event>PUT</event></Update>",
        );
        let el = Element::parse(&iq).unwrap();
        let item = el
            .get_child("pubsub", PUBSUB)
            .and_then(|p| p.get_child("publish", PUBSUB))
            .and_then(|p| p.get_child("item", PUBSUB))
            .unwrap();
        assert_eq!(
            item.get_child("notification", PUBSUB).unwrap().text(),
            "<Update><event>PUT</event></Update>"
        );
        assert!(iq.contains("&lt;Update&gt;"));
        assert_eq!(sasl_plain("a", "b"), "AGEAYg==");
    }
}
