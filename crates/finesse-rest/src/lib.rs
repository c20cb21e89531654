//! Finesse REST requests and responses (developer guide chapter 3), and a transport to send them.
//!
//! The pure part builds a [`Request`] (method, path, XML body) for an operation and interprets
//! the answer into a typed result or a [`RestError`] that keeps the server's `<ApiErrors>`.
//! Sending is behind [`Transport`]; [`Fetch`] is the browser's `fetch` (gadgets and the
//! desktop). Credentials are an [`Auth`] value handed to the transport per request: they travel
//! in the `Authorization` header only, never in a URL, and `Debug` never prints them.
//!
//! ```text
//!   Request::get_user(id) ──► Transport::send(request, auth) ──► (status, body)
//!                                                                   │
//!   interpret::<User>(status, body) ◄──────────────────────────────┘
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use finesse_model::{
    ApiErrors, DecodeError, DialogId, DialogRequest, EncodeError, QueueId, ReasonCode,
    ReasonCodeCategory, ReasonCodeId, ReasonCodes, SystemInfo, TeamId, User, UserId, UserRequest,
    XmlDocument, decode, encode,
};

mod fetch;

pub use fetch::Fetch;

/// How requests authenticate (guide chapter 2: HTTP Basic, or a bearer token with SSO).
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic with the user's id and password.
    Basic {
        /// The user id.
        user: String,
        /// The password.
        password: String,
    },
    /// A bearer token (single sign-on deployments).
    Bearer(String),
}

impl fmt::Debug for Auth {
    /// Never prints the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Basic { user, .. } => {
                f.debug_struct("Basic").field("user", user).finish_non_exhaustive()
            }
            Self::Bearer(_) => f.write_str("Bearer(..)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        match self {
            Self::Basic { user, password } => {
                format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
            }
            Self::Bearer(token) => format!("Bearer {token}"),
        }
    }

    /// The base64 credential alone (`id:password`), as Finesse gadgets receive it in the
    /// `authorization` pref; `None` for a bearer token.
    pub fn basic_credential(&self) -> Option<String> {
        match self {
            Self::Basic { user, password } => Some(base64(format!("{user}:{password}").as_bytes())),
            Self::Bearer(_) => None,
        }
    }
}

/// Standard base64 (RFC 4648) with padding. (`btoa` would reject non-Latin-1 passwords.)
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encodes a path segment so an id cannot change the request's path.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// HTTP methods the Finesse API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Change (most operations; 202 Accepted).
    Put,
    /// Create (make call, client log).
    Post,
    /// Remove.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// One REST request: method, path below the server's origin, optional XML body, and the
/// optional `requestId` header Finesse echoes in the notifications the request causes (guide
/// chapter 2: "best effort", so a client also watches for the outcome itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The path, starting with `/finesse/api/`.
    pub path: String,
    /// The XML body, if any.
    pub body: Option<String>,
    /// The `requestId` header, if any.
    pub request_id: Option<String>,
}

impl Request {
    /// A request without a body or request id (any path, e.g. a layout file next to the
    /// desktop).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), body: None, request_id: None }
    }

    /// The same request with a `requestId` header.
    #[must_use]
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// `GET /finesse/api/User/{id}/Dialogs` (guide: User—Get List of Dialogs; voice only).
    pub fn get_user_dialogs(id: &UserId) -> Self {
        Self::get(format!("/finesse/api/User/{}/Dialogs", encode_segment(id.as_str())))
    }

    /// `GET /finesse/api/User/{id}/WrapUpReasons` (guide: User—Get Wrap-Up Reason List).
    pub fn get_wrap_up_reasons(id: &UserId) -> Self {
        Self::get(format!("/finesse/api/User/{}/WrapUpReasons", encode_segment(id.as_str())))
    }

    /// `GET /finesse/api/User/{id}/PhoneBooks` (guide: User—Get List of Phone Books; each
    /// phone book carries its contacts).
    pub fn get_phone_books(id: &UserId) -> Self {
        Self::get(format!("/finesse/api/User/{}/PhoneBooks", encode_segment(id.as_str())))
    }

    /// `GET /finesse/api/User/{id}/MediaPropertiesLayout` (guide: User—Get Default Media
    /// Properties Layout).
    pub fn get_media_properties_layout(id: &UserId) -> Self {
        Self::get(format!(
            "/finesse/api/User/{}/MediaPropertiesLayout",
            encode_segment(id.as_str())
        ))
    }

    /// `POST /finesse/api/User/{id}/Dialogs` (make a call, silent monitor, barge).
    pub fn post_dialog(id: &UserId, body: &DialogRequest) -> Result<Self, EncodeError> {
        Ok(Self {
            method: Method::Post,
            path: format!("/finesse/api/User/{}/Dialogs", encode_segment(id.as_str())),
            body: Some(encode(body)?),
            request_id: None,
        })
    }

    /// `PUT /finesse/api/Dialog/{id}` (every participant action, call data updates).
    pub fn put_dialog(id: &DialogId, body: &DialogRequest) -> Result<Self, EncodeError> {
        Ok(Self {
            method: Method::Put,
            path: format!("/finesse/api/Dialog/{}", encode_segment(id.as_str())),
            body: Some(encode(body)?),
            request_id: None,
        })
    }

    /// `GET /finesse/api/User/{id}`.
    pub fn get_user(id: &UserId) -> Self {
        Self::get(format!("/finesse/api/User/{}", encode_segment(id.as_str())))
    }

    /// `PUT /finesse/api/User/{id}` with a user request (sign in, state change, sign out).
    pub fn put_user(id: &UserId, body: &UserRequest) -> Result<Self, EncodeError> {
        Ok(Self {
            method: Method::Put,
            path: format!("/finesse/api/User/{}", encode_segment(id.as_str())),
            body: Some(encode(body)?),
            request_id: None,
        })
    }

    /// `GET /finesse/api/User/{id}/ReasonCodes?category=…` (guide: ReasonCode—Get List).
    pub fn get_reason_codes(id: &UserId, category: &ReasonCodeCategory) -> Self {
        Self::get(format!(
            "/finesse/api/User/{}/ReasonCodes?category={}",
            encode_segment(id.as_str()),
            encode_segment(category.as_str())
        ))
    }

    /// `GET /finesse/api/SystemInfo` (no authentication needed).
    pub fn get_system_info() -> Self {
        Self::get(SYSTEM_INFO.to_owned())
    }

    /// Whether the request needs the user's credentials: every one but SystemInfo, which
    /// clients read before signing in and while the server is out of service. A caller sends
    /// credentials only where they are needed.
    pub fn needs_credentials(&self) -> bool {
        self.path != SYSTEM_INFO
    }

    /// `GET /finesse/api/Team/{id}`.
    pub fn get_team(id: &TeamId) -> Self {
        Self::get(format!("/finesse/api/Team/{}", encode_segment(id.as_str())))
    }

    /// `GET /finesse/api/User/{id}/Queues` (guide: Queue—Get List of Queues for User; Unified
    /// CCE only), each queue with its statistics.
    pub fn get_user_queues(id: &UserId) -> Self {
        Self::get(format!("/finesse/api/User/{}/Queues", encode_segment(id.as_str())))
    }

    /// `GET /finesse/api/Queue/{id}` (guide: Queue—Get Queue; Unified CCE only).
    pub fn get_queue(id: &QueueId) -> Self {
        Self::get(format!("/finesse/api/Queue/{}", encode_segment(id.as_str())))
    }

    fn get(path: String) -> Self {
        Self::new(Method::Get, path)
    }
}

const SYSTEM_INFO: &str = "/finesse/api/SystemInfo";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RestError {
    /// The request did not reach the server (or no answer came back).
    Network(String),
    /// 401: wrong credentials, or the session is gone.
    Unauthorized,
    /// 404: no such object.
    NotFound(Option<ApiErrors>),
    /// 503: the server is out of service (guide chapter 7: try again, or fail over).
    Unavailable,
    /// Any other error status, with the server's `<ApiErrors>` when it sent them.
    Status {
        /// The HTTP status.
        status: u16,
        /// The decoded `<ApiErrors>`, if the body held them.
        errors: Option<ApiErrors>,
    },
    /// A success status whose body is not the expected document.
    Decode(DecodeError),
}

impl fmt::Display for RestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = |e: &Option<ApiErrors>| {
            e.as_ref().and_then(|e| e.errors.first().map(ToString::to_string))
        };
        match self {
            Self::Network(msg) => write!(f, "the Finesse server could not be reached ({msg})"),
            Self::Unauthorized => f.write_str("the id or password is wrong (HTTP 401)"),
            Self::NotFound(e) => match first(e) {
                Some(d) => write!(f, "not found: {d} (HTTP 404)"),
                None => f.write_str("not found (HTTP 404)"),
            },
            Self::Unavailable => f.write_str("the Finesse server is out of service (HTTP 503)"),
            Self::Status { status, errors } => match first(errors) {
                Some(d) => write!(f, "the Finesse server refused the request: {d} (HTTP {status})"),
                None => write!(f, "the Finesse server refused the request (HTTP {status})"),
            },
            Self::Decode(e) => write!(f, "the Finesse server sent an unreadable answer: {e}"),
        }
    }
}

impl std::error::Error for RestError {}

/// The id of a reason code: its `<id>` when present, else the last segment of its `<uri>`
/// (`/finesse/api/ReasonCode/{id}`), as the guide's lists give it.
pub fn reason_code_id(code: &ReasonCode) -> Option<ReasonCodeId> {
    code.id.clone().filter(|id| !id.as_str().is_empty()).or_else(|| {
        let uri = code.uri.as_deref()?;
        let last = uri.trim_end_matches('/').rsplit('/').next()?;
        (!last.is_empty()).then(|| ReasonCodeId::from(last))
    })
}

/// The error of a non-2xx answer.
pub fn error_of(status: u16, body: &str) -> RestError {
    let errors = decode::<ApiErrors>(body).ok().filter(|e| !e.errors.is_empty());
    match status {
        401 => RestError::Unauthorized,
        404 => RestError::NotFound(errors),
        503 => RestError::Unavailable,
        _ => RestError::Status { status, errors },
    }
}

/// Interprets an answer that carries a document: `T` on 2xx, else the error.
pub fn interpret<T: XmlDocument>(status: u16, body: &str) -> Result<T, RestError> {
    if (200..300).contains(&status) {
        decode::<T>(body).map_err(RestError::Decode)
    } else {
        Err(error_of(status, body))
    }
}

/// Interprets an answer that carries no document (202 Accepted for asynchronous operations).
pub fn interpret_empty(status: u16, body: &str) -> Result<(), RestError> {
    if (200..300).contains(&status) { Ok(()) } else { Err(error_of(status, body)) }
}

/// A boxed future, as transports return (not `Send`: browser futures are single-threaded).
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Sends requests. Implemented by [`Fetch`] in the browser; tests implement it in memory.
pub trait Transport {
    /// Sends `request` with `auth`; the answer's status and body text, or a network error.
    fn send<'a>(
        &'a self,
        request: &'a Request,
        auth: Option<&'a Auth>,
    ) -> LocalFuture<'a, Result<(u16, String), RestError>>;

    /// Sends `request` as the user of `auth`, with the credentials only where the request
    /// needs them ([`Request::needs_credentials`]: every request but SystemInfo).
    fn send_as<'a>(
        &'a self,
        request: &'a Request,
        auth: &'a Auth,
    ) -> LocalFuture<'a, Result<(u16, String), RestError>> {
        self.send(request, request.needs_credentials().then_some(auth))
    }
}

/// Typed calls over any transport.
pub trait Api: Transport {
    /// The user (guide: User—Get).
    fn user<'a>(
        &'a self,
        id: &'a UserId,
        auth: &'a Auth,
    ) -> LocalFuture<'a, Result<User, RestError>> {
        Box::pin(async move {
            let request = Request::get_user(id);
            let (status, body) = self.send(&request, Some(auth)).await?;
            interpret(status, &body)
        })
    }

    /// The system information (guide: SystemInfo—Get); needs no credentials.
    fn system_info(&self) -> LocalFuture<'_, Result<SystemInfo, RestError>> {
        Box::pin(async move {
            let request = Request::get_system_info();
            let (status, body) = self.send(&request, None).await?;
            interpret(status, &body)
        })
    }

    /// The reason codes of a category available to the user (guide: ReasonCode—Get List).
    fn reason_codes<'a>(
        &'a self,
        id: &'a UserId,
        category: &'a ReasonCodeCategory,
        auth: &'a Auth,
    ) -> LocalFuture<'a, Result<ReasonCodes, RestError>> {
        Box::pin(async move {
            let request = Request::get_reason_codes(id, category);
            let (status, body) = self.send(&request, Some(auth)).await?;
            interpret(status, &body)
        })
    }

    /// A user request (sign in, state change, sign out): 202 or the error.
    fn put_user<'a>(
        &'a self,
        id: &'a UserId,
        body: &'a UserRequest,
        auth: &'a Auth,
    ) -> LocalFuture<'a, Result<(), RestError>> {
        Box::pin(async move {
            let request = Request::put_user(id, body)
                .map_err(|e| RestError::Network(format!("could not encode the request: {e}")))?;
            let (status, body) = self.send(&request, Some(auth)).await?;
            interpret_empty(status, &body)
        })
    }

    /// An asynchronous operation built elsewhere (a state change or call action from the agent
    /// session, with its request id): 200/202 or the error. The outcome arrives as
    /// notifications.
    fn perform<'a>(
        &'a self,
        request: &'a Request,
        auth: &'a Auth,
    ) -> LocalFuture<'a, Result<(), RestError>> {
        Box::pin(async move {
            let (status, body) = self.send(request, Some(auth)).await?;
            interpret_empty(status, &body)
        })
    }
}

impl<T: Transport + ?Sized> Api for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_system_info_goes_without_credentials() {
        assert!(!Request::get_system_info().needs_credentials());
        assert!(Request::get_user(&UserId::from("1001001")).needs_credentials());
        assert!(Request::get_phone_books(&UserId::from("1001001")).needs_credentials());
    }

    /// Remembers whether each request it was given carried credentials.
    #[derive(Default)]
    struct Recording(std::cell::RefCell<Vec<(String, bool)>>);

    impl Transport for Recording {
        fn send<'a>(
            &'a self,
            request: &'a Request,
            auth: Option<&'a Auth>,
        ) -> LocalFuture<'a, Result<(u16, String), RestError>> {
            self.0.borrow_mut().push((request.path.clone(), auth.is_some()));
            Box::pin(async { Ok((200, String::new())) })
        }
    }

    #[test]
    fn send_as_gives_credentials_only_where_needed() {
        let transport = Recording::default();
        let auth = Auth::Basic { user: "1001001".into(), password: "pw".into() };
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        for request in [Request::get_system_info(), Request::get_user(&UserId::from("1001001"))] {
            let answer = transport.send_as(&request, &auth).as_mut().poll(&mut cx);
            assert!(matches!(answer, std::task::Poll::Ready(Ok((200, _)))));
        }
        assert_eq!(
            *transport.0.borrow(),
            [
                ("/finesse/api/SystemInfo".to_owned(), false),
                ("/finesse/api/User/1001001".to_owned(), true)
            ]
        );
    }

    #[test]
    fn basic_and_bearer_headers() {
        let basic = Auth::Basic { user: "1001001".into(), password: "pass1001001".into() };
        assert_eq!(basic.header(), "Basic MTAwMTAwMTpwYXNzMTAwMTAwMQ==");
        assert_eq!(basic.basic_credential().as_deref(), Some("MTAwMTAwMTpwYXNzMTAwMTAwMQ=="));
        assert_eq!(Auth::Bearer("abc".into()).header(), "Bearer abc");
        assert_eq!(Auth::Bearer("abc".into()).basic_credential(), None);
    }

    #[test]
    fn debug_never_prints_secrets() {
        let basic = Auth::Basic { user: "u".into(), password: "s3cret".into() };
        assert!(!format!("{basic:?}").contains("s3cret"));
        assert!(!format!("{:?}", Auth::Bearer("t0ken".into())).contains("t0ken"));
    }

    #[test]
    fn base64_of_non_ascii_and_every_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("é:ü".as_bytes()), "w6k6w7w=");
    }

    #[test]
    fn ids_cannot_change_the_path() {
        let r = Request::get_user(&UserId::from("../Team/1?x"));
        assert_eq!(r.path, "/finesse/api/User/..%2FTeam%2F1%3Fx");
        let r = Request::get_user_queues(&UserId::from("1001001"));
        assert_eq!((r.method, r.path.as_str()), (Method::Get, "/finesse/api/User/1001001/Queues"));
        assert_eq!(Request::get_queue(&QueueId::from("5 001")).path, "/finesse/api/Queue/5%20001");
    }

    #[test]
    fn reason_code_ids_come_from_the_id_or_the_uri() {
        let listed: ReasonCodes = decode(
            "<ReasonCodes category=\"LOGOUT\"><ReasonCode><uri>/finesse/api/ReasonCode/10</uri>\
             <label>End of Shift</label></ReasonCode><ReasonCode><id>7</id></ReasonCode>\
             <ReasonCode><label>none</label></ReasonCode></ReasonCodes>",
        )
        .expect("a list");
        let ids: Vec<_> = listed.reason_codes.iter().map(reason_code_id).collect();
        assert_eq!(ids, [Some("10".into()), Some("7".into()), None]);
        let r = Request::get_reason_codes(&"1001001".into(), &ReasonCodeCategory::Logout);
        assert_eq!(r.path, "/finesse/api/User/1001001/ReasonCodes?category=LOGOUT");
    }

    #[test]
    fn sign_in_body() {
        let r = Request::put_user(&"1001001".into(), &UserRequest::sign_in(&"1001".into()))
            .expect("encodes");
        assert_eq!(r.method, Method::Put);
        let body = r.body.expect("a body");
        assert!(body.contains("<state>LOGIN</state>"), "{body}");
        assert!(body.contains("<extension>1001</extension>"), "{body}");
    }

    #[test]
    fn dialog_requests_and_the_request_id() {
        let hold = DialogRequest::participant(finesse_model::Action::Hold, &"1001".into());
        let r = Request::put_dialog(&DialogId::from("16804377"), &hold)
            .expect("encodes")
            .with_request_id("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
        assert_eq!((r.method, r.path.as_str()), (Method::Put, "/finesse/api/Dialog/16804377"));
        assert_eq!(r.request_id.as_deref(), Some("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"));
        assert!(r.body.as_deref().is_some_and(|b| b.contains("<requestedAction>HOLD<")));
        let call = DialogRequest::make_call(&"1001".into(), "5551234", Vec::new());
        let r = Request::post_dialog(&"1001001".into(), &call).expect("encodes");
        assert_eq!(
            (r.method, r.path.as_str()),
            (Method::Post, "/finesse/api/User/1001001/Dialogs")
        );
        assert_eq!(r.request_id, None);
        let id = UserId::from("1001001");
        assert_eq!(Request::get_user_dialogs(&id).path, "/finesse/api/User/1001001/Dialogs");
        assert_eq!(
            Request::get_wrap_up_reasons(&id).path,
            "/finesse/api/User/1001001/WrapUpReasons"
        );
        assert_eq!(
            Request::get_media_properties_layout(&id).path,
            "/finesse/api/User/1001001/MediaPropertiesLayout"
        );
        let layout = Request::new(Method::Get, "layouts/agent.xml");
        assert_eq!((layout.body, layout.request_id), (None, None));
    }

    #[test]
    fn answers_become_typed_errors() {
        let errors = "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType>\
            <ErrorMessage>bad</ErrorMessage></ApiError></ApiErrors>";
        assert_eq!(interpret_empty(202, ""), Ok(()));
        assert_eq!(interpret_empty(401, ""), Err(RestError::Unauthorized));
        assert_eq!(interpret_empty(503, "<html/>"), Err(RestError::Unavailable));
        let Err(RestError::Status { status: 400, errors: Some(e) }) = interpret_empty(400, errors)
        else {
            panic!("expected a 400 with its ApiErrors");
        };
        assert_eq!(e.errors[0].error_type.as_deref(), Some("Invalid State"));
        assert!(matches!(interpret_empty(404, "not xml"), Err(RestError::NotFound(None))));
        assert!(matches!(interpret::<User>(200, "<User><"), Err(RestError::Decode(_))));
        let user: User = interpret(200, "<User><loginId>1001001</loginId></User>").expect("a user");
        assert_eq!(user.login_id.as_ref().map(UserId::as_str), Some("1001001"));
    }

    #[test]
    fn errors_read_as_sentences() {
        let e = interpret_empty(
            400,
            "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType></ApiError></ApiErrors>",
        )
        .expect_err("a 400");
        assert!(e.to_string().contains("HTTP 400"), "{e}");
        assert_eq!(RestError::Unauthorized.to_string(), "the id or password is wrong (HTTP 401)");
    }
}
