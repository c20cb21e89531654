//! Fault injection, inspection and test control, for tests and demos (issue 3 item 4): an
//! admin-only HTTP endpoint under `/admin/`, authorised by `Authorization: Bearer <admin
//! token>` (the token is given to the simulator at start; there is no admin endpoint without
//! one).
//!
//! | request | effect |
//! |---|---|
//! | `GET /admin/faults` | the active faults |
//! | `POST /admin/faults?out_of_service=true` | every API request answers 503 `SERVER_OUT_OF_SERVICE`, SystemInfo OUT_OF_SERVICE is published (and IN_SERVICE when turned off) |
//! | `POST /admin/faults?notify_delay_ms=N` | hold every notification response N ms longer |
//! | `POST /admin/faults?drop_notify_responses=true` | lose notification responses (the client must retry) |
//! | `POST /admin/faults?finesse_presence=false` | take the `finesse` service user's presence away (true: back) |
//! | `POST /admin/faults?listener=stopped` | stop the notification listener: sessions dropped, new ones refused (`running`: back) |
//! | `POST /admin/faults?primary_down=true` | the primary node is down (503 everywhere, sessions cut; `alternate_down` likewise) |
//! | `GET /admin/agents` | `id state` per line: the engine's own truth for end-to-end checks |
//! | `POST /admin/calls?queue=Q[&agent=U][&from=ANI]` | a caller into queue Q, offered at once to agent U (who must serve Q and be READY) or routed as usual; the body's `name=value` lines are call variables; answers the dialog id |
//! | `GET /admin/dialogs?user=U` | `dialogId callType participantState` per line: user U's dialogs as the engine has them |
//! | `GET /admin/subscribers?node=N` | the JIDs subscribed to notification node N on this node's service, one per line (bare JIDs for the automatic subscriptions, full JIDs for explicit ones) |
//! | `GET /admin/dialogs/{id}/dtmf` | the DTMF digits sent on the dialog (empty when none; 404 for an unknown dialog) |
//! | `POST /admin/queues?user=U&queue=Q&assigned=true\|false` | assigns queue Q to agent U (or takes it away) while running; U's `/finesse/api/User/{id}/Queues` node gets the `post` (or `delete`) notification |
//!
//! Answers are `text/plain`: 401 without the token, 400 with a sentence for bad input, 404
//! for an unknown user or dialog. Query values are URL-encoded (`+` is a space: write `%2B`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use finesse_model::{DialogId, QueueId, UserId};

use super::{NodeRef, Sim};

/// Faults the simulator injects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Answer 503 to every API request and report OUT_OF_SERVICE.
    pub out_of_service: bool,
    /// Extra delay of every notification response, in milliseconds.
    pub notify_delay_ms: u64,
    /// Lose notification responses.
    pub drop_notify_responses: bool,
    /// The `finesse` service user's presence is withdrawn.
    pub finesse_presence_down: bool,
    /// The notification listener is stopped.
    pub listener_stopped: bool,
    /// The primary node is down (REST and notifications answer 503, sessions dropped).
    pub primary_down: bool,
    /// The alternate node is down.
    pub alternate_down: bool,
}

impl Faults {
    fn describe(&self) -> String {
        format!(
            "out_of_service={}\nnotify_delay_ms={}\ndrop_notify_responses={}\nfinesse_presence={}\nlistener={}\nprimary_down={}\nalternate_down={}\n",
            self.out_of_service,
            self.notify_delay_ms,
            self.drop_notify_responses,
            !self.finesse_presence_down,
            if self.listener_stopped { "stopped" } else { "running" },
            self.primary_down,
            self.alternate_down,
        )
    }
}

#[derive(Debug, serde::Deserialize)]
struct FaultQuery {
    out_of_service: Option<bool>,
    notify_delay_ms: Option<u64>,
    drop_notify_responses: Option<bool>,
    finesse_presence: Option<bool>,
    listener: Option<String>,
    primary_down: Option<bool>,
    alternate_down: Option<bool>,
}

fn authorised(sim: &Sim, headers: &HeaderMap) -> bool {
    let Some(token) = &sim.admin_token else { return false };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.trim().as_bytes(), token.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

async fn get_faults(State(sim): State<NodeRef>, headers: HeaderMap) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    text(StatusCode::OK, sim.faults().describe())
}

async fn set_faults(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    Query(q): Query<FaultQuery>,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let listener = match q.listener.as_deref() {
        None => None,
        Some("stopped") => Some(true),
        Some("running") => Some(false),
        Some(other) => {
            return text(
                StatusCode::BAD_REQUEST,
                format!("listener must be stopped or running, not {other}\n"),
            );
        }
    };
    let (before, after) = {
        let mut faults = sim.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = faults.clone();
        if let Some(v) = q.out_of_service {
            faults.out_of_service = v;
        }
        if let Some(v) = q.notify_delay_ms {
            faults.notify_delay_ms = v;
        }
        if let Some(v) = q.drop_notify_responses {
            faults.drop_notify_responses = v;
        }
        if let Some(v) = q.finesse_presence {
            faults.finesse_presence_down = !v;
        }
        if let Some(v) = listener {
            faults.listener_stopped = v;
        }
        if let Some(v) = q.primary_down {
            faults.primary_down = v;
        }
        if let Some(v) = q.alternate_down {
            faults.alternate_down = v;
        }
        (before, faults.clone())
    };
    let now = sim.now();
    {
        let mut guard = sim.lock();
        let inner = &mut *guard;
        for (index, notify) in inner.notify.iter_mut().enumerate() {
            let down = if index == 0 { after.primary_down } else { after.alternate_down };
            notify.apply_faults(&after, down, now);
        }
        if before.out_of_service != after.out_of_service {
            use finesse_model::SystemStatus;
            if after.out_of_service {
                let reason = "Finesse connection to CTI Server is down.";
                inner.engine.set_system_status(SystemStatus::OutOfService, Some(reason), now);
            } else {
                inner.engine.set_system_status(SystemStatus::InService, None, now);
            }
            inner.flush(now);
        }
    }
    sim.wake.notify_one();
    tracing::info!(faults = ?after, "faults changed");
    text(StatusCode::OK, after.describe())
}

async fn get_agents(State(sim): State<NodeRef>, headers: HeaderMap) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let now = sim.now();
    let mut guard = sim.lock();
    guard.engine.advance(now);
    guard.flush(now);
    let mut out = String::new();
    for (id, state) in guard.engine.agent_states() {
        out.push_str(&format!("{id} {state}\n"));
    }
    text(StatusCode::OK, out)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CallQuery {
    queue: Option<String>,
    agent: Option<String>,
    from: Option<String>,
}

/// The call variables of `POST /admin/calls`: UTF-8, one `name=value` per line (split at the
/// first `=`, the name trimmed, the value kept as it is), blank lines ignored.
fn parse_variables(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected name=value", i + 1));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("line {}: the name is empty", i + 1));
        }
        out.push((name.to_owned(), value.to_owned()));
    }
    Ok(out)
}

async fn post_call(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    query: Result<Query<CallQuery>, QueryRejection>,
    body: Bytes,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{}\n", e.body_text())),
    };
    let Some(queue) = q.queue.map(QueueId::from) else {
        return text(StatusCode::BAD_REQUEST, "queue is required\n".into());
    };
    let variables = match parse_variables(&body) {
        Ok(v) => v,
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{e}\n")),
    };
    let agent = q.agent.map(UserId::from);
    let now = sim.now();
    let result = {
        let mut guard = sim.lock();
        let inner = &mut *guard;
        let result =
            inner.engine.inject_call_to(&queue, agent.as_ref(), &variables, q.from.as_deref(), now);
        inner.flush(now);
        result
    };
    sim.wake.notify_one();
    match result {
        Ok(id) => {
            tracing::info!(dialog = %id, %queue, agent = ?agent, "call injected");
            text(StatusCode::OK, id.to_string())
        }
        Err(e) => text(StatusCode::BAD_REQUEST, format!("{e}\n")),
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DialogsQuery {
    user: Option<String>,
}

async fn get_dialogs(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    query: Result<Query<DialogsQuery>, QueryRejection>,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let user = match query {
        Ok(Query(DialogsQuery { user: Some(user) })) => UserId::from(user),
        Ok(_) => return text(StatusCode::BAD_REQUEST, "user is required\n".into()),
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{}\n", e.body_text())),
    };
    let now = sim.now();
    let mut guard = sim.lock();
    guard.engine.advance(now);
    guard.flush(now);
    let Some(dialogs) = guard.engine.user_dialog_states(&user) else {
        return text(StatusCode::NOT_FOUND, format!("unknown user {user}\n"));
    };
    let mut out = String::new();
    for (id, call_type, state) in dialogs {
        out.push_str(&format!("{id} {call_type} {state}\n"));
    }
    text(StatusCode::OK, out)
}

async fn get_dtmf(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let id = DialogId::from(id);
    let now = sim.now();
    let mut guard = sim.lock();
    guard.engine.advance(now);
    guard.flush(now);
    match guard.engine.dtmf_digits(&id) {
        Some(digits) => text(StatusCode::OK, digits),
        None if guard.engine.dialog_exists(&id) => text(StatusCode::OK, String::new()),
        None => text(StatusCode::NOT_FOUND, format!("unknown dialog {id}\n")),
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignQuery {
    user: Option<String>,
    queue: Option<String>,
    assigned: Option<bool>,
}

async fn post_queue_assignment(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    query: Result<Query<AssignQuery>, QueryRejection>,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let (user, queue, assigned) = match query {
        Ok(Query(AssignQuery { user: Some(u), queue: Some(q), assigned: Some(a) })) => {
            (UserId::from(u), QueueId::from(q), a)
        }
        Ok(_) => {
            return text(StatusCode::BAD_REQUEST, "user, queue and assigned are required\n".into());
        }
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{}\n", e.body_text())),
    };
    let now = sim.now();
    let result = {
        let mut guard = sim.lock();
        let inner = &mut *guard;
        let result = inner.engine.assign_queue(&user, &queue, assigned, now);
        inner.flush(now);
        result
    };
    sim.wake.notify_one();
    match result {
        Ok(()) => {
            tracing::info!(%user, %queue, assigned, "queue assignment changed");
            text(StatusCode::OK, String::new())
        }
        Err(e) => text(StatusCode::BAD_REQUEST, format!("{e}\n")),
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscribersQuery {
    node: Option<String>,
}

async fn get_subscribers(
    State(sim): State<NodeRef>,
    headers: HeaderMap,
    query: Result<Query<SubscribersQuery>, QueryRejection>,
) -> Response {
    if !authorised(&sim, &headers) {
        return text(StatusCode::UNAUTHORIZED, "admin token required\n".into());
    }
    let node = match query {
        Ok(Query(SubscribersQuery { node: Some(node) })) if node.starts_with('/') => node,
        Ok(_) => {
            return text(StatusCode::BAD_REQUEST, "node is required (/finesse/api/…)\n".into());
        }
        Err(e) => return text(StatusCode::BAD_REQUEST, format!("{}\n", e.body_text())),
    };
    let guard = sim.lock();
    let Some(notify) = guard.notify.get(sim.index) else {
        return text(StatusCode::NOT_FOUND, "no notification service on this node\n".into());
    };
    let mut out = String::new();
    for jid in notify.subscribers(&node) {
        out.push_str(&jid);
        out.push('\n');
    }
    text(StatusCode::OK, out)
}

/// The `/admin` routes.
pub(crate) fn routes() -> Router<NodeRef> {
    Router::new()
        .route("/admin/faults", get(get_faults).post(set_faults))
        .route("/admin/agents", get(get_agents))
        .route("/admin/calls", post(post_call))
        .route("/admin/dialogs", get(get_dialogs))
        .route("/admin/subscribers", get(get_subscribers))
        .route("/admin/dialogs/{id}/dtmf", get(get_dtmf))
        .route("/admin/queues", post(post_queue_assignment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_variables_are_name_value_lines() {
        let body = "callVariable1=Chuck Smith\r\n\n user.ecc =a=b\ncallVariable2=\n";
        assert_eq!(
            parse_variables(body.as_bytes()),
            Ok(vec![
                ("callVariable1".into(), "Chuck Smith".into()),
                ("user.ecc".into(), "a=b".into()),
                ("callVariable2".into(), String::new()),
            ])
        );
        assert_eq!(parse_variables(b""), Ok(vec![]));
        assert_eq!(parse_variables(b"a=1\nnoequals"), Err("line 2: expected name=value".into()));
        assert_eq!(parse_variables(b"=x"), Err("line 1: the name is empty".into()));
        assert_eq!(parse_variables(b"a=\xff"), Err("the body is not UTF-8".into()));
    }

    #[test]
    fn compares_tokens_in_constant_time_shape() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
