//! The Finesse REST API (guide chapter 3, and SystemInfo of chapter 5) over the engine:
//! HTTP Basic authentication, XML bodies decoded with `finesse-model`, the documented status
//! codes (202 for asynchronous operations) and `<ApiErrors>` bodies, the `requestId` header
//! echoed into the resulting notifications.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use finesse_model::{
    ApiError, ApiErrors, ClientLog, DialogId, DialogRequest, MediaId, MediaRequest, QueueId,
    ReasonCodeId, TeamId, UserId, UserRequest, WrapUpReasonId, XmlDocument, decode, encode,
};

use super::{NodeRef, Sim};
use crate::engine::{ApiFailure, Principal};

/// An API answer: a status and an optional XML body.
pub(crate) struct Api(pub(crate) StatusCode, pub(crate) Option<String>);

impl IntoResponse for Api {
    fn into_response(self) -> Response {
        match self.1 {
            Some(body) => {
                (self.0, [(header::CONTENT_TYPE, "application/xml; charset=utf-8")], body)
                    .into_response()
            }
            None => self.0.into_response(),
        }
    }
}

/// An `<ApiErrors>` answer.
pub(crate) fn failure(status: u16, error_type: &str, message: &str, data: Option<&str>) -> Api {
    api_failure(&ApiFailure {
        status,
        errors: ApiErrors { errors: vec![ApiError::new(error_type, message, data)] },
    })
}

pub(crate) fn api_failure(f: &ApiFailure) -> Api {
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Api(status, encode(&f.errors).ok())
}

fn ok_xml<T: XmlDocument>(value: &T) -> Api {
    match encode(value) {
        Ok(body) => Api(StatusCode::OK, Some(body)),
        Err(e) => failure(500, "Internal Server Error", &e.to_string(), None),
    }
}

fn reply<T: XmlDocument>(result: Result<T, ApiFailure>) -> Api {
    match result {
        Ok(value) => ok_xml(&value),
        Err(f) => api_failure(&f),
    }
}

fn accepted(result: Result<(), ApiFailure>) -> Api {
    match result {
        Ok(()) => Api(StatusCode::ACCEPTED, None),
        Err(f) => api_failure(&f),
    }
}

/// Reads `Authorization: Basic …` (never a URL parameter) and authenticates it.
fn principal(sim: &Sim, headers: &HeaderMap) -> Result<Principal, Api> {
    let unauthorized = || failure(401, "Unauthorized", "UNAUTHORIZED", None);
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthorized)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(unauthorized());
    }
    let decoded = finesse_xmpp::sasl::base64_decode(token.trim()).ok_or_else(unauthorized)?;
    let text = String::from_utf8(decoded).map_err(|_| unauthorized())?;
    let (user, password) = text.split_once(':').ok_or_else(unauthorized)?;
    sim.authenticate(user, password).map_err(|f| api_failure(&f))
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("requestId")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
}

fn body<T: XmlDocument>(bytes: &Bytes) -> Result<T, Api> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| failure(400, "Bad Request", "the body is not UTF-8", None))?;
    if text.trim().is_empty() {
        return Err(failure(400, "Parameter Missing", "the request has no body", None));
    }
    decode::<T>(text).map_err(|e| failure(400, "Bad Request", &e.to_string(), None))
}

/// Runs `f` with the engine after the common checks: out-of-service mode (503) and
/// authentication.
macro_rules! guarded {
    ($sim:expr, $headers:expr, |$inner:ident, $p:ident, $now:ident| $body:expr) => {{
        let node: &NodeRef = &$sim;
        if node.down() {
            return failure(503, "Service Unavailable", "the Finesse node is down", None);
        }
        let sim: &Sim = node;
        if let Some(api) = sim.out_of_service() {
            return api;
        }
        let $p = match principal(sim, &$headers) {
            Ok(p) => p,
            Err(api) => return api,
        };
        let $now = sim.now();
        let mut guard = sim.lock();
        let $inner = &mut *guard;
        $inner.engine.advance($now);
        let result = $body;
        $inner.flush($now);
        result
    }};
}

type S = State<NodeRef>;

async fn get_user(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_user(&p, &UserId(id))))
}

async fn put_user(State(sim): S, Path(id): Path<String>, h: HeaderMap, b: Bytes) -> Api {
    let req: UserRequest = match body(&b) {
        Ok(r) => r,
        Err(api) => return api,
    };
    let rid = request_id(&h);
    guarded!(sim, h, |i, p, now| accepted(i.engine.put_user(
        &p,
        &UserId(id),
        &req,
        rid.as_deref(),
        now
    )))
}

async fn get_users(State(sim): S, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_users(&p)))
}

async fn get_user_dialogs(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_user_dialogs(&p, &UserId(id))))
}

async fn post_user_dialog(State(sim): S, Path(id): Path<String>, h: HeaderMap, b: Bytes) -> Api {
    let req: DialogRequest = match body(&b) {
        Ok(r) => r,
        Err(api) => return api,
    };
    let rid = request_id(&h);
    guarded!(sim, h, |i, p, now| accepted(i.engine.post_dialog(
        &p,
        &UserId(id),
        &req,
        rid.as_deref(),
        now
    )))
}

async fn get_dialog(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_dialog(&p, &DialogId(id))))
}

async fn put_dialog(State(sim): S, Path(id): Path<String>, h: HeaderMap, b: Bytes) -> Api {
    let req: DialogRequest = match body(&b) {
        Ok(r) => r,
        Err(api) => return api,
    };
    let rid = request_id(&h);
    guarded!(sim, h, |i, p, now| accepted(i.engine.put_dialog(
        &p,
        &DialogId(id),
        &req,
        rid.as_deref(),
        now
    )))
}

#[derive(serde::Deserialize)]
struct CategoryQuery {
    category: Option<String>,
}

async fn get_reason_codes(
    State(sim): S,
    Path(id): Path<String>,
    Query(q): Query<CategoryQuery>,
    h: HeaderMap,
) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_reason_codes(
        &p,
        &UserId(id),
        q.category.as_deref()
    )))
}

async fn get_reason_code(
    State(sim): S,
    Path((id, rc)): Path<(String, String)>,
    h: HeaderMap,
) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_reason_code(
        &p,
        &UserId(id),
        &ReasonCodeId(rc)
    )))
}

async fn get_wrap_up_reasons(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_wrap_up_reasons(&p, &UserId(id))))
}

async fn get_wrap_up_reason(
    State(sim): S,
    Path((id, w)): Path<(String, String)>,
    h: HeaderMap,
) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_wrap_up_reason(
        &p,
        &UserId(id),
        &WrapUpReasonId(w)
    )))
}

async fn get_layout(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_media_properties_layout(&p, &UserId(id))))
}

async fn get_layouts(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_media_properties_layouts(&p, &UserId(id))))
}

/// `Range: objects=1-1500` (guide: "User—Get List of Phone Books"): 414 outside 1–1500.
fn check_range(h: &HeaderMap) -> Result<(), Api> {
    let Some(range) = h.get(header::RANGE).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    let bad = || {
        failure(414, "Invalid Range", "Invalid Range Specified. Range must be 1-1500 objects", None)
    };
    let spec = range.trim().strip_prefix("objects=").ok_or_else(bad)?;
    let (a, b) = spec.split_once('-').ok_or_else(bad)?;
    let (a, b): (u32, u32) =
        (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a == 0 || b < a || b > 1500 {
        return Err(bad());
    }
    Ok(())
}

async fn get_phone_books(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    if let Err(api) = check_range(&h) {
        return api;
    }
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_phone_books(&p, &UserId(id))))
}

async fn get_workflows(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_workflows(&p, &UserId(id))))
}

async fn get_user_queues(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_user_queues(&p, &UserId(id))))
}

async fn get_queue(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_queue(&p, &QueueId(id))))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct TeamQuery {
    include_logged_out_agents: Option<String>,
}

async fn get_team(
    State(sim): S,
    Path(id): Path<String>,
    Query(q): Query<TeamQuery>,
    h: HeaderMap,
) -> Api {
    // `True` or empty (or absent) include logged-out agents; `False` does not.
    let include =
        !q.include_logged_out_agents.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("false"));
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_team(&p, &TeamId(id), include)))
}

async fn post_client_log(State(sim): S, Path(id): Path<String>, h: HeaderMap, b: Bytes) -> Api {
    let log: ClientLog = match body(&b) {
        Ok(r) => r,
        Err(api) => return api,
    };
    let rid = request_id(&h);
    guarded!(sim, h, |i, p, now| accepted(i.engine.post_client_log(
        &p,
        &UserId(id),
        &log,
        rid.as_deref(),
        now
    )))
}

async fn get_media_list(State(sim): S, Path(id): Path<String>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_media_list(&p, &UserId(id))))
}

async fn get_media(State(sim): S, Path((id, mrd)): Path<(String, String)>, h: HeaderMap) -> Api {
    guarded!(sim, h, |i, p, _now| reply(i.engine.get_media(&p, &UserId(id), &MediaId(mrd))))
}

async fn put_media(
    State(sim): S,
    Path((id, mrd)): Path<(String, String)>,
    h: HeaderMap,
    b: Bytes,
) -> Api {
    let req: MediaRequest = match body(&b) {
        Ok(r) => r,
        Err(api) => return api,
    };
    let rid = request_id(&h);
    guarded!(sim, h, |i, p, now| accepted(i.engine.put_media(
        &p,
        &UserId(id),
        &MediaId(mrd),
        &req,
        rid.as_deref(),
        now
    )))
}

async fn get_system_info(State(sim): S) -> Api {
    if sim.down() {
        return failure(503, "Service Unavailable", "the Finesse node is down", None);
    }
    // SystemInfo stays readable out of service: it is how clients learn the status.
    let now = sim.now();
    let mut guard = sim.lock();
    guard.engine.advance(now);
    let info = guard.engine.get_system_info(now);
    guard.flush(now);
    ok_xml(&info)
}

async fn method_not_allowed(method: Method) -> Api {
    failure(405, "Method Not Allowed", &format!("{method} is not allowed on this resource"), None)
}

async fn not_found() -> Api {
    failure(404, "Not Found", "NOT_FOUND", None)
}

/// The `/finesse/api` routes.
pub(crate) fn routes() -> Router<NodeRef> {
    Router::new()
        .route("/finesse/api/User/{id}", get(get_user).put(put_user))
        .route("/finesse/api/Users", get(get_users))
        .route("/finesse/api/User/{id}/Dialogs", get(get_user_dialogs).post(post_user_dialog))
        .route("/finesse/api/Dialog/{id}", get(get_dialog).put(put_dialog))
        .route("/finesse/api/User/{id}/ReasonCodes", get(get_reason_codes))
        .route("/finesse/api/User/{id}/ReasonCode/{rc}", get(get_reason_code))
        .route("/finesse/api/User/{id}/WrapUpReasons", get(get_wrap_up_reasons))
        .route("/finesse/api/User/{id}/WrapUpReason/{w}", get(get_wrap_up_reason))
        .route("/finesse/api/User/{id}/MediaPropertiesLayout", get(get_layout))
        .route("/finesse/api/User/{id}/MediaPropertiesLayouts", get(get_layouts))
        .route("/finesse/api/User/{id}/PhoneBooks", get(get_phone_books))
        .route("/finesse/api/User/{id}/Workflows", get(get_workflows))
        .route("/finesse/api/User/{id}/Queues", get(get_user_queues))
        .route("/finesse/api/Queue/{id}", get(get_queue))
        .route("/finesse/api/Team/{id}", get(get_team))
        .route(
            "/finesse/api/User/{id}/ClientLog",
            post(post_client_log).fallback(method_not_allowed),
        )
        .route("/finesse/api/User/{id}/Media", get(get_media_list))
        .route("/finesse/api/User/{id}/Media/{mrd}", get(get_media).put(put_media))
        .route("/finesse/api/SystemInfo", get(get_system_info))
        .route(
            "/finesse/api/{*rest}",
            get(not_found).put(not_found).post(not_found).delete(not_found),
        )
        .method_not_allowed_fallback(method_not_allowed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_the_guides_basic_credentials() {
        let decoded = finesse_xmpp::sasl::base64_decode("YWdlbnRiYXJ0b3dza2k6Y2FybWljaGF1bA==");
        assert_eq!(decoded.unwrap(), b"agentbartowski:carmichaul");
    }
}
