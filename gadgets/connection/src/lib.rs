//! The connection gadget: what the developer guide asks a third-party OpenSocial container to
//! load so that Finesse gadgets work in it (chapter 8). It is the page's master: it holds the
//! one notification connection and, over the gadget side of the hub (`gadgets.Hub`), publishes
//! what the Finesse desktop's master publishes: the status on `finesse.info.connection`, every
//! item on `finesse.api.<node>`, the answers to `finesse.info.requests` on
//! `finesse.info.responses.<invokeID>`, and the timer tick.
//!
//! 1. It waits for the hub ([`finesse_hub::gadgets::connected`]).
//! 2. It takes the credentials from its prefs, `id` and `authorization` (base64 of
//!    `id:password`, as Finesse gives them); without them it asks for them in a small form.
//! 3. It checks them over REST (`GET User`), reads SystemInfo for the XMPP domain, and starts
//!    the master ([`MasterDriver`]) with WebSocket `/ws`, then BOSH `/http-bind`, on the Finesse
//!    server: the origin the prefs `scheme`/`host`/`hostPort` give, else the document's own.
//! 4. It shows the connection status as text.
//!
//! Load it once per page, and not in our desktop or Cisco's (each has its master already).
//! Credentials stay in memory: never in a URL, storage or a log.
//!
//! It is small on purpose (it is the whole download of a third-party page's Finesse support):
//! the view is plain DOM (text only through `textContent`), the notification items are not
//! decoded into typed updates (finesse-hub without `typed-items`: the master republishes the
//! XML as received), and SystemInfo and error answers are read with the XMPP crate's element
//! parser, so none of finesse-model's decoder is linked.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use finesse_hub::gadgets::{self, GadgetHub, Prefs, server_origin};
use finesse_hub::payload::Status;
use finesse_hub::topic::CONNECTION;
use finesse_hub::web::{MasterDriver, endpoints};
use finesse_hub::{Hub, Subscription};
use finesse_model::UserId;
use finesse_rest::{Auth, Fetch, Request, Transport};
use finesse_xmpp::client::ClientConfig;
use finesse_xmpp::element::Element as XmlElement;
use finesse_xmpp::sasl::base64_decode;
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement};

/// A user's credentials, in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user id.
    pub id: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    /// Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The credentials in Finesse's prefs: `authorization` is base64 of `id:password`. `None` when
/// it is missing or unreadable, or names another user than the `id` pref (when that is set).
pub fn credentials_from_prefs(id: &str, authorization: &str) -> Option<Credentials> {
    let decoded = String::from_utf8(base64_decode(authorization.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    if user.is_empty() || (!id.is_empty() && user != id) {
        return None;
    }
    Some(Credentials { id: user.to_owned(), password: password.to_owned() })
}

/// The connection status in words.
pub fn status_text(status: &str) -> String {
    let text = match Status::parse(status) {
        Status::Connected => "Connected",
        Status::Connecting => "Connecting…",
        Status::Reconnecting => "Connection lost, reconnecting…",
        Status::Disconnecting => "Disconnecting…",
        Status::Disconnected => "Disconnected",
        Status::Unloading => "Closing…",
        Status::Unauthorized => "The notification service refused the credentials",
        Status::Conflict => "Another client took over this connection",
        Status::Failing => "Failing over…",
        Status::Recovered => "Recovered",
        _ => return format!("Status: {status}"),
    };
    text.to_owned()
}

/// The last child element of `parent` named `name` (a repeated element keeps the last value,
/// as finesse-model's lenient decoding does), its text trimmed; `None` when absent or empty.
fn child_text(parent: &XmlElement, name: &str) -> Option<String> {
    let text = parent.elements().filter(|e| e.name.eq_ignore_ascii_case(name)).last()?.text();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The first `<ApiError>` of an `<ApiErrors>` body (HTTP bodies spell it `ErrorType`…, some
/// answers `errorType`…), as finesse-model writes one: `type: message (data)`.
pub fn api_error_text(body: &str) -> Option<String> {
    let root = XmlElement::parse(body).ok()?;
    if !root.name.eq_ignore_ascii_case("ApiErrors") {
        return None;
    }
    let error = root.elements().find(|e| e.name.eq_ignore_ascii_case("ApiError"))?;
    let ty = child_text(error, "ErrorType").unwrap_or_else(|| "Error".to_owned());
    Some(match (child_text(error, "ErrorMessage"), child_text(error, "ErrorData")) {
        (Some(m), Some(d)) => format!("{ty}: {m} ({d})"),
        (Some(m), None) => format!("{ty}: {m}"),
        (None, Some(d)) => format!("{ty} ({d})"),
        (None, None) => ty,
    })
}

/// A refusal in words: `what` failed, with the HTTP status and the server's first error.
fn refusal(what: &str, status: u16, body: &str) -> String {
    match (status, api_error_text(body)) {
        (503, _) => format!("{what}: the Finesse server is out of service (HTTP 503)."),
        (_, Some(detail)) => {
            format!("{what}: the Finesse server refused the request: {detail} (HTTP {status}).")
        }
        (_, None) => format!("{what}: the Finesse server refused the request (HTTP {status})."),
    }
}

/// Why the credential check (`GET User`) failed, in words, from a non-2xx answer.
pub fn sign_in_refusal(status: u16, body: &str) -> String {
    match status {
        401 => "The ID or password is wrong.".to_owned(),
        _ => refusal("Signing in failed", status, body),
    }
}

/// The notification service a SystemInfo names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmppService {
    /// `xmppDomain`: users are `id@domain`.
    pub domain: String,
    /// `xmppPubSubDomain`, when given (else the client's default, `pubsub.<domain>`).
    pub pubsub_domain: Option<String>,
}

/// Reads the answer to `GET SystemInfo`: the XMPP domains, or why not, in words.
pub fn xmpp_service(status: u16, body: &str) -> Result<XmppService, String> {
    const WHAT: &str = "Reading the system information failed";
    if !(200..300).contains(&status) {
        return Err(refusal(WHAT, status, body));
    }
    let root = XmlElement::parse(body)
        .map_err(|e| format!("{WHAT}: the Finesse server sent an unreadable answer: {e}."))?;
    if root.name != "SystemInfo" {
        return Err(format!(
            "{WHAT}: the Finesse server sent <{}> instead of <SystemInfo>.",
            root.name
        ));
    }
    let domain = child_text(&root, "xmppDomain")
        .ok_or_else(|| "The system information names no XMPP domain.".to_owned())?;
    Ok(XmppService { domain, pubsub_domain: child_text(&root, "xmppPubSubDomain") })
}

/// What the gadget is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for `gadgets.Hub` to connect.
    WaitingForHub,
    /// Asking for the credentials (the id to prefill, and why the last attempt failed).
    SignIn {
        /// The id to prefill.
        id: String,
        /// Why the last attempt failed.
        error: Option<String>,
    },
    /// Checking the credentials and starting the master.
    Starting,
    /// The master runs.
    Running,
    /// Nothing more can be done (no container, a bad preference).
    Failed(String),
}

/// The running master and the gadget's own status subscription.
struct Running {
    _status: Subscription,
    _master: MasterDriver<GadgetHub>,
}

/// The document's own origin.
fn own_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Shows `status` (a `finesse.info.connection` value) on the status line.
fn show_status(line: &Element, status: &str) {
    // Attribute and text only: the status comes from the network.
    let _ = line.set_attribute("data-status", status);
    line.set_text_content(Some(&status_text(status)));
    // Outside a container there is no frame to resize; nothing to do then.
    let _ = gadgets::window::adjust_height(None);
}

/// Checks the credentials, reads SystemInfo, starts the master on `hub` with the statuses
/// shown on `line`; why not, in words.
async fn start(
    hub: GadgetHub,
    origin: String,
    credentials: Credentials,
    line: Element,
) -> Result<Running, String> {
    let failed = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}.");
    let api = Fetch::new(origin.as_str());
    let Credentials { id, password } = credentials;
    let auth = Auth::Basic { user: id.clone(), password: password.clone() };
    let (status, body) = api
        .send(&Request::get_user(&UserId::from(id.as_str())), Some(&auth))
        .await
        .map_err(|e| failed("Signing in failed", &e))?;
    if !(200..300).contains(&status) {
        return Err(sign_in_refusal(status, &body));
    }
    let (status, body) = api
        .send(&Request::get_system_info(), None)
        .await
        .map_err(|e| failed("Reading the system information failed", &e))?;
    let service = xmpp_service(status, &body)?;
    let mut config = ClientConfig::new(id, password, service.domain, endpoints(&origin));
    if let Some(pubsub) = service.pubsub_domain {
        config.pubsub_domain = pubsub;
    }
    show_status(&line, "connecting");
    let status = hub
        .subscribe(
            CONNECTION,
            Box::new(move |_, info| {
                if let Some(s) = info.get("status").and_then(|s| s.as_str()) {
                    show_status(&line, s);
                }
            }),
        )
        .map_err(|e| failed("The hub refused a subscription", &e))?;
    let master = MasterDriver::start(hub, config).map_err(|e| failed("Starting failed", &e))?;
    Ok(Running { _status: status, _master: master })
}

/// The gadget: its part of the page, the hub, the server and, once started, the master.
struct Gadget {
    document: Document,
    /// Where the current view is drawn (a `<div>` of the body).
    root: Element,
    /// The status line the running view shows; updated from the hub from the start.
    status_line: Element,
    hub: Cell<Option<GadgetHub>>,
    /// The Finesse server's origin.
    server: RefCell<String>,
    running: RefCell<Option<Running>>,
    /// The current view's event listeners (removed with it).
    listeners: RefCell<Vec<EventListener>>,
}

impl Gadget {
    fn new() -> Result<Rc<Self>, JsValue> {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document"))?;
        let body = document.body().ok_or_else(|| JsValue::from_str("no body"))?;
        let root = document.create_element("div")?;
        root.set_class_name("connection");
        body.append_child(&root)?;
        let status_line = document.create_element("p")?;
        status_line.set_class_name("status");
        status_line.set_attribute("role", "status")?;
        status_line.set_attribute("data-testid", "connection-status")?;
        Ok(Rc::new(Self {
            document,
            root,
            status_line,
            hub: Cell::new(None),
            server: RefCell::new(String::new()),
            running: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
        }))
    }

    /// A new `<tag class=…>`.
    fn element(&self, tag: &str, class: &str) -> Result<Element, JsValue> {
        let el = self.document.create_element(tag)?;
        if !class.is_empty() {
            el.set_class_name(class);
        }
        Ok(el)
    }

    /// A paragraph of text; an alert when `alert`.
    fn paragraph(&self, class: &str, text: &str, alert: bool) -> Result<Element, JsValue> {
        let p = self.element("p", class)?;
        if alert {
            p.set_attribute("role", "alert")?;
        }
        p.set_text_content(Some(text));
        Ok(p)
    }

    /// Replaces the view with `phase`'s.
    fn show(self: &Rc<Self>, phase: &Phase) {
        self.listeners.borrow_mut().clear();
        self.root.set_text_content(None);
        let drawn = match phase {
            Phase::WaitingForHub => self.paragraph("note", "Waiting for the container…", false),
            Phase::SignIn { id, error } => self.sign_in_form(id, error.as_deref()),
            Phase::Starting => self.paragraph("note", "Signing in…", false),
            Phase::Running => Ok(self.status_line.clone()),
            Phase::Failed(error) => self.paragraph("error", error, true),
        };
        // Creating elements fails only in a broken document; nothing better to show then.
        if let Ok(el) = drawn {
            let _ = self.root.append_child(&el);
        }
        if let (Phase::SignIn { error: Some(_), .. }, Some(input)) =
            (phase, self.root.query_selector("input[name=password]").ok().flatten())
        {
            // After a refusal, back where the fix goes: the password.
            if let Some(input) = input.dyn_ref::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        }
        // Outside a container there is no frame to resize; nothing to do then.
        let _ = gadgets::window::adjust_height(None);
    }

    /// An input in a `<label>` of `form`.
    fn field(
        &self,
        form: &Element,
        label: &str,
        name: &str,
        autocomplete: &str,
    ) -> Result<HtmlInputElement, JsValue> {
        let wrapper = self.element("label", "")?;
        wrapper.append_with_str_1(label)?;
        let input: HtmlInputElement = self.element("input", "")?.unchecked_into();
        input.set_name(name);
        input.set_autocomplete(autocomplete);
        wrapper.append_child(&input)?;
        form.append_child(&wrapper)?;
        Ok(input)
    }

    /// The sign-in form: id and password, kept in memory only.
    fn sign_in_form(self: &Rc<Self>, id: &str, error: Option<&str>) -> Result<Element, JsValue> {
        let form = self.element("form", "sign-in")?;
        form.set_attribute("aria-label", "Sign in to Finesse")?;
        if let Some(error) = error {
            let alert = self.paragraph("error", error, true)?;
            form.append_child(&alert)?;
        }
        let id_input = self.field(&form, "ID", "id", "username")?;
        id_input.set_required(true);
        id_input.set_value(id);
        let password = self.field(&form, "Password", "password", "current-password")?;
        password.set_type("password");
        let button = self.element("button", "")?;
        button.set_attribute("type", "submit")?;
        button.set_text_content(Some("Sign In"));
        form.append_child(&button)?;
        let gadget = Rc::downgrade(self);
        let on_submit = EventListener::new_with_options(
            &form,
            "submit",
            EventListenerOptions::enable_prevent_default(),
            move |event| {
                event.prevent_default();
                let id = id_input.value().trim().to_owned();
                if id.is_empty() {
                    return;
                }
                let credentials = Credentials { id, password: password.value() };
                // Not from inside the listener: signing in replaces the form (and this listener).
                let gadget = Weak::clone(&gadget);
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(gadget) = gadget.upgrade() {
                        gadget.sign_in(credentials);
                    }
                });
            },
        );
        self.listeners.borrow_mut().push(on_submit);
        Ok(form)
    }

    /// Checks `credentials` and starts the master; back to the form, saying why, if that fails.
    fn sign_in(self: &Rc<Self>, credentials: Credentials) {
        let Some(hub) = self.hub.get() else { return };
        if self.running.borrow().is_some() {
            return;
        }
        self.show(&Phase::Starting);
        let gadget = Rc::clone(self);
        let origin = self.server.borrow().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let id = credentials.id.clone();
            match start(hub, origin, credentials, gadget.status_line.clone()).await {
                Ok(running) => {
                    *gadget.running.borrow_mut() = Some(running);
                    gadget.show(&Phase::Running);
                }
                // Fix the credentials, or try again.
                Err(error) => gadget.show(&Phase::SignIn { id, error: Some(error) }),
            }
        });
    }

    /// Waits for the hub, reads the prefs, and signs in with them or asks.
    async fn run(self: Rc<Self>) {
        self.show(&Phase::WaitingForHub);
        let hub = match gadgets::connected().await {
            Ok(hub) => hub,
            Err(e) => {
                self.show(&Phase::Failed(format!("The gadget has no hub: {e}.")));
                return;
            }
        };
        self.hub.set(Some(hub));
        // Read after the connection: private prefs (authorization) arrive with it.
        let prefs = Prefs::new().ok();
        let get = |key: &str| prefs.as_ref().map(|p| p.get_string(key)).unwrap_or_default();
        match server_origin(&get("scheme"), &get("host"), &get("hostPort")) {
            Ok(origin) => *self.server.borrow_mut() = origin.unwrap_or_else(own_origin),
            Err(e) => {
                self.show(&Phase::Failed(e));
                return;
            }
        }
        let id = get("id");
        match credentials_from_prefs(&id, &get("authorization")) {
            Some(credentials) => self.sign_in(credentials),
            None => self.show(&Phase::SignIn { id, error: None }),
        }
    }
}

/// Starts the gadget in the current document: draws into a `<div>` of the body and runs until
/// the page goes away. Does nothing without a document (not in a browser).
pub fn run() {
    if let Ok(gadget) = Gadget::new() {
        wasm_bindgen_futures::spawn_local(gadget.run());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_finesses_authorization_pref() {
        let auth = Auth::Basic { user: "1001001".into(), password: "pa:ss é".into() };
        let pref = auth.basic_credential().unwrap();
        let c = credentials_from_prefs("1001001", &pref).unwrap();
        assert_eq!((c.id.as_str(), c.password.as_str()), ("1001001", "pa:ss é"));
        assert_eq!(credentials_from_prefs("", &pref), Some(c.clone()));
        assert!(!format!("{c:?}").contains("pa:ss"));
        assert_eq!(credentials_from_prefs("1001002", &pref), None, "another user's credential");
        assert_eq!(credentials_from_prefs("1001001", ""), None);
        assert_eq!(credentials_from_prefs("1001001", "not base64!"), None);
        assert_eq!(credentials_from_prefs("", "bm9jb2xvbg=="), None, "no colon");
        assert_eq!(credentials_from_prefs("", "OnB3"), None, "no id");
    }

    #[test]
    fn system_info_names_the_xmpp_domains() {
        // Guide chapter 5, SystemInfo—Get (whitespace between elements as printed).
        let guide = "<SystemInfo> <deploymentType>UCCE</deploymentType> <status>IN_SERVICE</status> \
            <xmppDomain>xmppserver.xyz.com</xmppDomain> \
            <xmppPubSubDomain>pubsub.xmppserver.xyz.com</xmppPubSubDomain> \
            <primaryNode> <host>10.1.1.1</host> </primaryNode> </SystemInfo>";
        assert_eq!(
            xmpp_service(200, guide),
            Ok(XmppService {
                domain: "xmppserver.xyz.com".into(),
                pubsub_domain: Some("pubsub.xmppserver.xyz.com".into())
            })
        );
        let bare = "<?xml version='1.0'?><SystemInfo><xmppDomain> d.example </xmppDomain>\
            <xmppPubSubDomain/></SystemInfo>";
        assert_eq!(
            xmpp_service(200, bare),
            Ok(XmppService { domain: "d.example".into(), pubsub_domain: None })
        );
        assert_eq!(
            xmpp_service(200, "<SystemInfo><xmppDomain></xmppDomain></SystemInfo>"),
            Err("The system information names no XMPP domain.".into())
        );
        let wrong = xmpp_service(200, "<User><xmppDomain>d</xmppDomain></User>").unwrap_err();
        assert!(wrong.contains("<User> instead of <SystemInfo>"), "{wrong}");
        let garbage = xmpp_service(200, "<SystemInfo><xmppDomain>").unwrap_err();
        assert!(garbage.contains("unreadable answer"), "{garbage}");
        assert_eq!(
            xmpp_service(503, ""),
            Err("Reading the system information failed: the Finesse server is out of service \
                 (HTTP 503)."
                .into())
        );
    }

    #[test]
    fn refusals_read_as_words_with_the_servers_error() {
        assert_eq!(sign_in_refusal(401, "<ApiErrors/>"), "The ID or password is wrong.");
        let body = "<ApiErrors><ApiError><ErrorData>1001009</ErrorData>\
            <ErrorMessage>User not found</ErrorMessage><ErrorType>Not Found</ErrorType>\
            </ApiError><ApiError><ErrorType>Second</ErrorType></ApiError></ApiErrors>";
        assert_eq!(
            sign_in_refusal(404, body),
            "Signing in failed: the Finesse server refused the request: Not Found: User not \
             found (1001009) (HTTP 404)."
        );
        assert_eq!(
            api_error_text(
                "<apiErrors><apiError><errorType>Invalid State</errorType>\
                </apiError></apiErrors>"
            ),
            Some("Invalid State".into())
        );
        assert_eq!(api_error_text("<ApiErrors><ApiError/></ApiErrors>"), Some("Error".into()));
        assert_eq!(api_error_text("<html>Server error</html>"), None);
        assert_eq!(api_error_text("not xml"), None);
        assert_eq!(
            sign_in_refusal(500, "<html>oops</html>"),
            "Signing in failed: the Finesse server refused the request (HTTP 500)."
        );
    }

    #[test]
    fn statuses_read_as_words() {
        assert_eq!(status_text("connected"), "Connected");
        assert_eq!(status_text("reconnecting"), "Connection lost, reconnecting…");
        assert_eq!(status_text("resynced"), "Status: resynced");
    }
}
