//! The session state, its inputs (REST results, notifications, request outcomes, time) and its
//! outputs (requests, events).

use std::collections::VecDeque;

use finesse_model::transitions::{StateChange, StateChangeError, StateContext, agent_state_change};
use finesse_model::{
    Action, AgentState, ApiErrors, DeploymentType, Dialog, DialogId, DialogRequest, Dialogs,
    Extension, MediaPropertiesLayout, ParticipantState, ReasonCode, ReasonCodeCategory,
    ReasonCodeId, ReasonCodes, SystemInfo, SystemStatus, Update, UpdateData, UpdateEvent, User,
    UserId, UserRequest, WrapUpReason, WrapUpReasons, id_from_uri,
};
use finesse_rest::{Request, RestError, interpret};

use crate::Millis;
use crate::clock::{BadDate, ServerClock};
use crate::failure::Failure;
use crate::intent::{
    DialError, Intent, validate_call_variables, validate_dial_number, validate_dtmf,
    validate_wrap_up_reason,
};
use crate::request_id::RequestId;
use crate::text::Text;

/// How long a request may wait for its answer and confirmation, unless set otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Millis = 15_000;

/// At most this many events wait to be polled (the oldest are dropped first).
const MAX_EVENTS: usize = 256;

/// At most this many requests are tracked at once.
const MAX_TRACKED: usize = 64;

const ACTIVE: &[ParticipantState] = &[ParticipantState::Active];
const HELD: &[ParticipantState] = &[ParticipantState::Held];
const ENDED: &[ParticipantState] = &[ParticipantState::Dropped, ParticipantState::WrapUp];

/// Something the UI shows or reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The server confirmed a request (its notification arrived).
    RequestCompleted {
        /// The request.
        id: RequestId,
        /// What it asked for.
        intent: Intent,
    },
    /// A request failed: refused, answered by an error notification, or timed out.
    RequestFailed {
        /// The request.
        id: RequestId,
        /// What it asked for.
        intent: Intent,
        /// Why, in words.
        failure: Failure,
    },
    /// An error notification that names no request of this session (another client's, or
    /// one whose request id Finesse did not echo).
    ErrorNotified {
        /// The error, in words.
        failure: Failure,
    },
    /// The agent's state changed.
    StateChanged {
        /// The state before (none at the first User).
        from: Option<AgentState>,
        /// The state now.
        to: Option<AgentState>,
    },
    /// A dialog entered the agent's collection (a call rings, is made, or is transferred in).
    CallArrived {
        /// The dialog.
        dialog: DialogId,
    },
    /// A dialog left the agent's collection.
    CallEnded {
        /// The dialog.
        dialog: DialogId,
    },
    /// SystemInfo's status changed (guide chapter 7: IN_SERVICE first).
    SystemStatusChanged {
        /// The status.
        status: Option<SystemStatus>,
        /// Why the system is not in service, as Finesse words it.
        reason: Option<String>,
    },
}

/// What a notification was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The user changed.
    User,
    /// The dialogs changed.
    Dialogs,
    /// SystemInfo changed.
    SystemInfo,
    /// An asynchronous error.
    Error,
    /// A notification that confirms a request and carries nothing else (e.g. a client log).
    Confirmation,
    /// Not for this session (another node or another user), or nothing in it.
    Ignored,
}

/// The GETs of a full refresh (start-up, and after a reconnection or failover, so the screen
/// converges to the server's truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// `GET /finesse/api/User/{id}`.
    User,
    /// `GET /finesse/api/User/{id}/Dialogs`.
    Dialogs,
    /// `GET /finesse/api/User/{id}/ReasonCodes?category=NOT_READY`.
    NotReadyReasons,
    /// `GET /finesse/api/User/{id}/ReasonCodes?category=LOGOUT`.
    LogoutReasons,
    /// `GET /finesse/api/User/{id}/WrapUpReasons`.
    WrapUpReasons,
    /// `GET /finesse/api/User/{id}/MediaPropertiesLayout`.
    Layout,
    /// `GET /finesse/api/SystemInfo`.
    SystemInfo,
}

impl Refresh {
    /// Every refresh, in the order to send them.
    pub const ALL: [Self; 7] = [
        Self::SystemInfo,
        Self::User,
        Self::Dialogs,
        Self::NotReadyReasons,
        Self::LogoutReasons,
        Self::WrapUpReasons,
        Self::Layout,
    ];

    /// What it reads, as the end of "Could not …" ("load your calls").
    pub fn describe(self) -> Text {
        match self {
            Self::User => Text::new("load your agent"),
            Self::Dialogs => Text::new("load your calls"),
            Self::NotReadyReasons => Text::new("load the Not Ready reasons"),
            Self::LogoutReasons => Text::new("load the Sign Out reasons"),
            Self::WrapUpReasons => Text::new("load the wrap-up reasons"),
            Self::Layout => Text::new("load the call variables layout"),
            Self::SystemInfo => Text::new("load the system information"),
        }
    }

    /// "Could not load …: why." for a refresh GET that failed.
    pub fn failed(self, error: &RestError) -> Failure {
        Failure::from_rest(Some(self.describe()), error)
    }
}

/// A request to send: pass `request` to the transport, then its outcome to
/// [`Session::request_answered`] with `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The id the session tracks it by (also the request's `requestId` header).
    pub id: RequestId,
    /// The REST request.
    pub request: Request,
}

/// Why the session will not build a request for an intent (nothing is sent).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The agent is not signed in (or the User has not been read yet).
    NotSignedIn,
    /// The transition rules do not allow that state now.
    StateNotAllowed(StateChangeError),
    /// A reason code is required (reason codes are configured for the state).
    ReasonRequired,
    /// The reason code is not one of the user's.
    UnknownReason(ReasonCodeId),
    /// Wrap-up cannot end before a wrap-up reason is chosen (`REQUIRED_WITH_WRAP_UP_DATA`).
    WrapUpReasonRequired,
    /// No such call in the agent's collection.
    NoSuchCall(DialogId),
    /// The agent's participant is not offered that action now (its `actions` list).
    NotOffered(Action),
    /// A new call cannot be made in the agent's state.
    CannotMakeCall,
    /// Silent monitoring needs the supervisor Not Ready and on no call.
    CannotMonitor,
    /// The number cannot be dialed.
    BadNumber(DialError),
    /// Something typed is not valid (DTMF digits, wrap-up reason, call variables).
    BadInput(Text),
    /// Too many requests are waiting for their outcome.
    TooManyRequests,
    /// The request could not be encoded.
    Encode(String),
}

impl Refusal {
    /// Why, translatable (the end of "Could not …: ").
    pub fn text(&self) -> Text {
        match self {
            Self::NotSignedIn => Text::new("you are not signed in"),
            Self::StateNotAllowed(e) => Text::new(e.describe()),
            Self::ReasonRequired => Text::new("choose a reason"),
            Self::UnknownReason(id) => {
                Text::new("reason code {id} is not one of yours").with("id", id.to_string())
            }
            Self::WrapUpReasonRequired => Text::new("choose a wrap-up reason first"),
            Self::NoSuchCall(_) => Text::new("that call has ended"),
            Self::NotOffered(action) => Text::new("{Action} is not possible on this call now")
                .with("action", action_word(action)),
            Self::CannotMakeCall => Text::new("a call cannot be made in your current state"),
            Self::CannotMonitor => {
                Text::new("you must be Not Ready and on no call to monitor an agent")
            }
            Self::BadNumber(e) => Text::new(e.as_str()),
            Self::BadInput(why) => why.clone(),
            Self::TooManyRequests => Text::new("too many requests are waiting for an answer"),
            Self::Encode(e) => {
                Text::new("the request could not be written ({error})").with("error", e.as_str())
            }
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl std::error::Error for Refusal {}

fn action_word(action: &Action) -> Text {
    match action {
        Action::Answer => Text::new("Answer"),
        Action::Hold => Text::new("Hold"),
        Action::Retrieve => Text::new("Retrieve"),
        Action::Drop => Text::new("End"),
        Action::ConsultCall => Text::new("Consult"),
        Action::Transfer => Text::new("Transfer"),
        Action::Conference => Text::new("Conference"),
        Action::TransferSst => Text::new("Direct transfer"),
        Action::SendDtmf => Text::new("the keypad"),
        Action::UpdateCallData => Text::new("changing call data"),
        Action::BargeCall => Text::new("Barge In"),
        Action::ParticipantDrop => Text::new("dropping a participant"),
        _ => Text::new("that action"),
    }
}

/// Where a tracked request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Sent; no answer yet.
    Sent,
    /// The server accepted it (HTTP 2xx); waiting for its notification.
    Accepted,
    /// Its notification arrived (kept until the HTTP answer, to report a late error).
    Confirmed,
}

/// What shows that a request took effect, besides a notification carrying its request id
/// (Finesse echoes the id on a best-effort basis, and never on User notifications).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// The user is in `state` (with `reason`, when given).
    UserState { state: AgentState, reason: Option<ReasonCodeId> },
    /// The user's pending state is `state`.
    UserPending { state: AgentState },
    /// The agent's participant in `dialog` is in one of `states` (or the dialog is gone, when
    /// `or_gone`).
    Participant { dialog: DialogId, states: &'static [ParticipantState], or_gone: bool },
    /// The dialog's wrap-up reason is `reason`.
    WrapUp { dialog: DialogId, reason: String },
    /// A dialog that was not in the collection when the request was made, to `to`.
    NewCall { to: String, known: Vec<DialogId> },
    /// Only a notification with the request id confirms it.
    RequestId,
    /// No notification follows: the HTTP answer is the outcome.
    Http,
}

#[derive(Debug, Clone)]
struct Tracked {
    id: RequestId,
    intent: Intent,
    what: Text,
    phase: Phase,
    deadline: Millis,
    expect: Expect,
}

/// The agent-side session. See the crate documentation for the run loop.
#[derive(Debug, Clone)]
pub struct Session {
    user_id: UserId,
    user: Option<User>,
    dialogs: Vec<Dialog>,
    not_ready_reasons: Option<Vec<ReasonCode>>,
    logout_reasons: Option<Vec<ReasonCode>>,
    wrap_up_reasons: Vec<WrapUpReason>,
    layout: Option<MediaPropertiesLayout>,
    system: Option<SystemInfo>,
    clock: ServerClock,
    tracked: Vec<Tracked>,
    events: VecDeque<Event>,
    request_timeout: Millis,
}

impl Session {
    /// A session for the signed-in user `user_id`, empty until the first refresh.
    pub fn new(user_id: UserId) -> Self {
        Self {
            user_id,
            user: None,
            dialogs: Vec::new(),
            not_ready_reasons: None,
            logout_reasons: None,
            wrap_up_reasons: Vec::new(),
            layout: None,
            system: None,
            clock: ServerClock::default(),
            tracked: Vec::new(),
            events: VecDeque::new(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    // ----- what the session knows --------------------------------------------------------

    /// The user's id.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }

    /// The user as last read or notified.
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    /// The agent's state.
    pub fn state(&self) -> Option<&AgentState> {
        self.user.as_ref()?.state.as_ref()
    }

    /// The extension the agent is signed in to.
    pub fn extension(&self) -> Option<&Extension> {
        self.user.as_ref()?.extension.as_ref().filter(|e| !e.as_str().trim().is_empty())
    }

    /// The agent's dialogs (several at once: consult and conference create them), in the
    /// order they arrived.
    pub fn dialogs(&self) -> &[Dialog] {
        &self.dialogs
    }

    /// One dialog.
    pub fn dialog(&self, id: &DialogId) -> Option<&Dialog> {
        self.dialogs.iter().find(|d| d.dialog_id().as_ref() == Some(id))
    }

    /// The Not Ready reason codes (empty until read, or when none are configured).
    pub fn not_ready_reasons(&self) -> &[ReasonCode] {
        self.not_ready_reasons.as_deref().unwrap_or_default()
    }

    /// The Sign Out reason codes (empty until read, or when none are configured).
    pub fn logout_reasons(&self) -> &[ReasonCode] {
        self.logout_reasons.as_deref().unwrap_or_default()
    }

    /// The reason codes of a category, once read.
    pub(crate) fn reasons_of(&self, category: &ReasonCodeCategory) -> Option<&[ReasonCode]> {
        match category {
            ReasonCodeCategory::NotReady => self.not_ready_reasons.as_deref(),
            ReasonCodeCategory::Logout => self.logout_reasons.as_deref(),
            _ => None,
        }
    }

    /// The wrap-up reasons.
    pub fn wrap_up_reasons(&self) -> &[WrapUpReason] {
        &self.wrap_up_reasons
    }

    /// The media properties layout (how call variables are shown).
    pub fn layout(&self) -> Option<&MediaPropertiesLayout> {
        self.layout.as_ref()
    }

    /// SystemInfo as last read or notified.
    pub fn system_info(&self) -> Option<&SystemInfo> {
        self.system.as_ref()
    }

    /// The deployment type (Unified CCE until SystemInfo says otherwise).
    pub fn deployment(&self) -> DeploymentType {
        self.system
            .as_ref()
            .and_then(|s| s.deployment_type.clone())
            .filter(|d| *d == DeploymentType::Uccx)
            .unwrap_or(DeploymentType::Ucce)
    }

    /// The server clock.
    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// How long a request may wait for its answer and confirmation.
    pub fn set_request_timeout(&mut self, ms: Millis) {
        self.request_timeout = ms.max(1);
    }

    /// The requests waiting for their outcome, oldest first.
    pub fn in_flight(&self) -> impl Iterator<Item = (&RequestId, &Intent)> {
        self.tracked.iter().filter(|t| t.phase != Phase::Confirmed).map(|t| (&t.id, &t.intent))
    }

    /// Whether a state change (User request) is waiting for its outcome.
    pub fn state_change_in_flight(&self) -> bool {
        self.in_flight().any(|(_, i)| i.is_state_change())
    }

    /// Whether a request on `dialog` is waiting for its outcome.
    pub fn dialog_busy(&self, dialog: &DialogId) -> bool {
        self.in_flight().any(|(_, i)| i.dialog() == Some(dialog))
    }

    /// The agent's participant in `dialog`.
    pub(crate) fn own_participant<'d>(
        &self,
        dialog: &'d Dialog,
    ) -> Option<&'d finesse_model::Participant> {
        dialog.participant(self.extension()?.as_str())
    }

    /// Whether the agent has a live leg (not dropped, not wrapping up) in any dialog.
    pub(crate) fn on_calls(&self) -> bool {
        self.dialogs.iter().any(|d| {
            self.own_participant(d)
                .and_then(|p| p.state.as_ref())
                .is_some_and(|s| !matches!(s, ParticipantState::Dropped | ParticipantState::WrapUp))
        })
    }

    /// Whether the agent's phone is busy: a leg ringing, dialing, active, failed or accepted.
    pub(crate) fn phone_busy(&self) -> bool {
        self.dialogs.iter().any(|d| {
            self.own_participant(d).and_then(|p| p.state.as_ref()).is_some_and(|s| {
                matches!(
                    s,
                    ParticipantState::Active
                        | ParticipantState::Alerting
                        | ParticipantState::Initiating
                        | ParticipantState::Initiated
                        | ParticipantState::Failed
                        | ParticipantState::Accepted
                )
            })
        })
    }

    /// What a request for `target` would do now, by the guide's transition rules.
    pub fn state_change(&self, target: &AgentState) -> Option<StateChange> {
        let current = self.state()?;
        let ctx = StateContext {
            on_calls: self.on_calls(),
            pending_used: self.deployment() == DeploymentType::Uccx
                && self.user.as_ref().is_some_and(|u| u.pending_state.is_some()),
        };
        Some(agent_state_change(&self.deployment(), current, target, ctx))
    }

    // ----- inputs: REST results -----------------------------------------------------------

    /// The user, from `GET /finesse/api/User/{id}` (or a User notification).
    pub fn apply_user(&mut self, user: User) {
        self.set_user(user);
        self.settle();
    }

    /// The dialogs, from `GET /finesse/api/User/{id}/Dialogs`: the collection becomes exactly
    /// this list (dialogs that are gone are dropped).
    pub fn apply_dialogs(&mut self, dialogs: Dialogs) {
        let mut fresh: Vec<Dialog> = Vec::new();
        for d in dialogs.dialogs {
            let Some(id) = d.dialog_id() else { continue };
            match fresh.iter_mut().find(|f| f.dialog_id().as_ref() == Some(&id)) {
                Some(slot) => *slot = d,
                None => fresh.push(d),
            }
        }
        // Keep the order the agent saw them in, new ones after.
        let mut ordered: Vec<Dialog> = Vec::with_capacity(fresh.len());
        for old in std::mem::take(&mut self.dialogs) {
            let id = old.dialog_id();
            if let Some(i) = fresh.iter().position(|f| f.dialog_id() == id) {
                ordered.push(fresh.remove(i));
            } else if let Some(id) = id {
                self.push_event(Event::CallEnded { dialog: id });
            }
        }
        for d in fresh {
            if let Some(id) = d.dialog_id() {
                self.push_event(Event::CallArrived { dialog: id });
            }
            ordered.push(d);
        }
        self.dialogs = ordered;
        self.settle();
    }

    /// The reason codes of `category`, from `GET …/ReasonCodes?category=…`.
    pub fn apply_reason_codes(&mut self, category: &ReasonCodeCategory, codes: ReasonCodes) {
        let list = codes.reason_codes;
        match category {
            ReasonCodeCategory::NotReady => self.not_ready_reasons = Some(list),
            ReasonCodeCategory::Logout => self.logout_reasons = Some(list),
            _ => {}
        }
    }

    /// The wrap-up reasons, from `GET …/WrapUpReasons`.
    pub fn apply_wrap_up_reasons(&mut self, reasons: WrapUpReasons) {
        self.wrap_up_reasons = reasons.wrap_up_reasons;
    }

    /// The media properties layout, from `GET …/MediaPropertiesLayout`.
    pub fn apply_layout(&mut self, layout: MediaPropertiesLayout) {
        self.layout = Some(layout);
    }

    /// SystemInfo, from `GET /finesse/api/SystemInfo` or its notification, received at `now`
    /// (its `currentTimestamp` measures the server clock's drift).
    pub fn apply_system_info(&mut self, info: SystemInfo, now: Millis) {
        if let Some(server) = info.current_timestamp.as_ref().and_then(|t| t.epoch_millis()) {
            self.clock.measure(server, now);
        }
        let before = self.system.as_ref().map(|s| (s.status.clone(), s.status_reason.clone()));
        let after = (info.status.clone(), info.status_reason.clone());
        if before.as_ref() != Some(&after) {
            self.push_event(Event::SystemStatusChanged { status: after.0, reason: after.1 });
        }
        self.system = Some(info);
    }

    /// An HTTP `Date` header received at `now` (measures the server clock's drift when
    /// SystemInfo has not).
    pub fn observe_date_header(&mut self, header: &str, now: Millis) -> Result<(), BadDate> {
        self.clock.measure_date_header(header, now)
    }

    /// The GETs of a full refresh, each with what its answer is.
    pub fn refresh_requests(&self) -> Vec<(Refresh, Request)> {
        let id = &self.user_id;
        Refresh::ALL
            .into_iter()
            .map(|r| {
                let request = match r {
                    Refresh::User => Request::get_user(id),
                    Refresh::Dialogs => Request::get_user_dialogs(id),
                    Refresh::NotReadyReasons => {
                        Request::get_reason_codes(id, &ReasonCodeCategory::NotReady)
                    }
                    Refresh::LogoutReasons => {
                        Request::get_reason_codes(id, &ReasonCodeCategory::Logout)
                    }
                    Refresh::WrapUpReasons => Request::get_wrap_up_reasons(id),
                    Refresh::Layout => Request::get_media_properties_layout(id),
                    Refresh::SystemInfo => Request::get_system_info(),
                };
                (r, request)
            })
            .collect()
    }

    /// The answer (`status`, `body`) to a refresh GET, received at `now`: decoded and applied,
    /// or the error (nothing changes then).
    pub fn apply_refresh(
        &mut self,
        what: Refresh,
        status: u16,
        body: &str,
        now: Millis,
    ) -> Result<(), RestError> {
        match what {
            Refresh::User => self.apply_user(interpret(status, body)?),
            Refresh::Dialogs => self.apply_dialogs(interpret(status, body)?),
            Refresh::NotReadyReasons => {
                self.apply_reason_codes(&ReasonCodeCategory::NotReady, interpret(status, body)?);
            }
            Refresh::LogoutReasons => {
                self.apply_reason_codes(&ReasonCodeCategory::Logout, interpret(status, body)?);
            }
            Refresh::WrapUpReasons => self.apply_wrap_up_reasons(interpret(status, body)?),
            Refresh::Layout => self.apply_layout(interpret(status, body)?),
            Refresh::SystemInfo => self.apply_system_info(interpret(status, body)?, now),
        }
        Ok(())
    }

    // ----- inputs: notifications -----------------------------------------------------------

    /// A notification published on `node`, received at `now`: the user's node (User PUT,
    /// asynchronous errors of User requests), the user's Dialogs node (Dialogs POST and
    /// DELETE, Dialog PUT, Dialog CTI errors) or SystemInfo. Anything else is ignored.
    pub fn apply_update(&mut self, node: &str, update: &Update, now: Millis) -> Applied {
        let node = node.trim().trim_end_matches('/');
        let user_node = format!("/finesse/api/User/{}", self.user_id);
        let dialogs_node = format!("{user_node}/Dialogs");
        let ours = node == user_node || node == dialogs_node;
        let rid = update.request_id.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if let Some(errors) = update.api_errors() {
            if !ours {
                return Applied::Ignored;
            }
            self.async_error(rid, errors);
            return Applied::Error;
        }
        let applied = if node == user_node {
            match &update.data {
                Some(UpdateData::User(user)) => {
                    let other = user.user_id().is_some_and(|id| id != self.user_id);
                    if other {
                        Applied::Ignored
                    } else {
                        self.set_user(user.clone());
                        Applied::User
                    }
                }
                None => Applied::Confirmation,
                _ => Applied::Ignored,
            }
        } else if node == dialogs_node {
            let delete = update.event == Some(UpdateEvent::Delete);
            match &update.data {
                Some(UpdateData::Dialog(d)) if delete => {
                    self.remove_dialog(d);
                    Applied::Dialogs
                }
                Some(UpdateData::Dialog(d)) => {
                    self.upsert_dialog(d.clone());
                    Applied::Dialogs
                }
                Some(UpdateData::Dialogs(list)) => {
                    for d in list.iter() {
                        if delete {
                            self.remove_dialog(d);
                        } else {
                            self.upsert_dialog(d.clone());
                        }
                    }
                    Applied::Dialogs
                }
                None => Applied::Confirmation,
                _ => Applied::Ignored,
            }
        } else if node == "/finesse/api/SystemInfo" {
            match &update.data {
                Some(UpdateData::SystemInfo(info)) => {
                    self.apply_system_info(info.clone(), now);
                    Applied::SystemInfo
                }
                _ => Applied::Ignored,
            }
        } else {
            Applied::Ignored
        };
        if let Some(rid) = rid.filter(|_| ours && applied != Applied::Ignored) {
            self.confirm_by_id(rid);
        }
        self.settle();
        applied
    }

    // ----- inputs: request outcomes and time -----------------------------------------------

    /// The HTTP answer to a request built by [`Self::request`]: `Ok` for 200/202, else the
    /// error (reported as [`Event::RequestFailed`]).
    pub fn request_answered(&mut self, id: &RequestId, result: Result<(), RestError>) {
        let Some(i) = self.tracked.iter().position(|t| &t.id == id) else { return };
        match result {
            Err(e) => {
                let t = self.tracked.remove(i);
                let failure = Failure::from_rest(Some(t.what.clone()), &e);
                self.push_event(Event::RequestFailed { id: t.id, intent: t.intent, failure });
            }
            Ok(()) => {
                let Some(t) = self.tracked.get_mut(i) else { return };
                match t.phase {
                    Phase::Confirmed => {
                        self.tracked.remove(i);
                    }
                    _ if t.expect == Expect::Http => {
                        let t = self.tracked.remove(i);
                        self.push_event(Event::RequestCompleted { id: t.id, intent: t.intent });
                    }
                    _ => t.phase = Phase::Accepted,
                }
            }
        }
        self.settle();
    }

    /// When [`Self::handle_timeout`] should next be called (a request's deadline).
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.tracked.iter().map(|t| t.deadline).min()
    }

    /// Time passed: requests past their deadline fail (no answer, or no confirmation).
    pub fn handle_timeout(&mut self, now: Millis) {
        let seconds = self.request_timeout.div_euclid(1000).max(1);
        let (due, keep): (Vec<Tracked>, Vec<Tracked>) =
            std::mem::take(&mut self.tracked).into_iter().partition(|t| t.deadline <= now);
        self.tracked = keep;
        for t in due {
            let failure = match t.phase {
                Phase::Confirmed => continue,
                Phase::Sent => Failure::timeout(t.what.clone(), false, seconds),
                Phase::Accepted => Failure::timeout(t.what.clone(), true, seconds),
            };
            self.push_event(Event::RequestFailed { id: t.id, intent: t.intent, failure });
        }
    }

    /// The next event for the UI, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // ----- requests -------------------------------------------------------------------------

    /// Builds the REST request for `intent` with a fresh request id (a UUID v4 from `random`),
    /// remembers it as waiting for its outcome, and returns it to send; or says why the agent
    /// cannot do that now (nothing is sent then).
    pub fn request(
        &mut self,
        intent: Intent,
        now: Millis,
        random: [u8; 16],
    ) -> Result<Outgoing, Refusal> {
        if self.in_flight().count() >= MAX_TRACKED {
            return Err(Refusal::TooManyRequests);
        }
        let (request, expect) = self.build(&intent)?;
        let id = RequestId::from_random(random);
        let request = request.with_request_id(id.as_str());
        // An id the caller's randomness happened to repeat replaces the old entry.
        self.tracked.retain(|t| t.id != id);
        let what = self.describe(&intent);
        self.tracked.push(Tracked {
            id: id.clone(),
            intent,
            what,
            phase: Phase::Sent,
            deadline: now.saturating_add(self.request_timeout),
            expect,
        });
        Ok(Outgoing { id, request })
    }

    /// What an intent asks for, as the end of "Could not …" (reason labels, numbers and ids
    /// as data).
    pub fn describe(&self, intent: &Intent) -> Text {
        let reason = |category: ReasonCodeCategory, id: &Option<ReasonCodeId>| {
            id.as_ref().map(|id| {
                self.reasons_of(&category)
                    .and_then(|list| list.iter().find(|r| r.reason_code_id().as_ref() == Some(id)))
                    .and_then(|r| r.label.clone())
                    .unwrap_or_else(|| id.to_string())
            })
        };
        match intent {
            Intent::Ready => Text::new("change to Ready"),
            Intent::NotReady { reason: r } => match reason(ReasonCodeCategory::NotReady, r) {
                Some(label) => Text::new("change to Not Ready ({reason})").with("reason", label),
                None => Text::new("change to Not Ready"),
            },
            Intent::SignOut { reason: r } => match reason(ReasonCodeCategory::Logout, r) {
                Some(label) => Text::new("sign out ({reason})").with("reason", label),
                None => Text::new("sign out"),
            },
            Intent::MakeCall { to, .. } => Text::new("call {number}").with("number", short(to)),
            Intent::Answer(_) => Text::new("answer the call"),
            Intent::Hold(_) => Text::new("hold the call"),
            Intent::Retrieve(_) => Text::new("retrieve the call"),
            Intent::End(_) => Text::new("end the call"),
            Intent::Consult { to, .. } => Text::new("consult {number}").with("number", short(to)),
            Intent::Transfer(_) => Text::new("transfer the call"),
            Intent::Conference(_) => Text::new("start the conference"),
            Intent::SingleStepTransfer { to, .. } => {
                Text::new("transfer the call to {number}").with("number", short(to))
            }
            Intent::SendDtmf { .. } => Text::new("send the digits"),
            Intent::WrapUpReason { .. } => Text::new("set the wrap-up reason"),
            Intent::UpdateCallVariables { .. } => Text::new("update the call variables"),
            Intent::SetAgentState { agent, state } => match state {
                AgentState::Ready => Text::new("make agent {agent} Ready"),
                AgentState::Logout => Text::new("sign agent {agent} out"),
                _ => Text::new("make agent {agent} Not Ready"),
            }
            .with("agent", short(agent.as_str())),
            Intent::SilentMonitor { extension } => Text::new("monitor extension {extension}")
                .with("extension", short(extension.as_str())),
            Intent::Barge(_) => Text::new("barge in on the call"),
            Intent::DropParticipant { target, .. } => {
                Text::new("drop {participant} from the conference")
                    .with("participant", short(target))
            }
        }
    }

    /// "Could not {action}: {reason}." for an intent the session refused to send.
    pub fn refused(&self, intent: &Intent, refusal: &Refusal) -> Text {
        crate::failure::sentence(Some(self.describe(intent)), refusal.text(), String::new().into())
    }

    /// The request and what confirms it, or why not.
    fn build(&self, intent: &Intent) -> Result<(Request, Expect), Refusal> {
        let encode = |e: finesse_model::EncodeError| Refusal::Encode(e.to_string());
        let deployment = self.deployment();
        match intent {
            Intent::Ready | Intent::NotReady { .. } | Intent::SignOut { .. } => {
                let (state, reason, category) = match intent {
                    Intent::NotReady { reason } => {
                        (AgentState::NotReady, reason.clone(), Some(ReasonCodeCategory::NotReady))
                    }
                    Intent::SignOut { reason } => {
                        (AgentState::Logout, reason.clone(), Some(ReasonCodeCategory::Logout))
                    }
                    _ => (AgentState::Ready, None, None),
                };
                if let Some(category) = &category {
                    self.check_reason(category, reason.as_ref())?;
                }
                let change = self.state_change(&state).ok_or(Refusal::NotSignedIn)?;
                if let StateChange::Rejected(e) = change {
                    return Err(Refusal::StateNotAllowed(e));
                }
                if state != AgentState::Logout && self.wrap_up_reason_missing() {
                    return Err(Refusal::WrapUpReasonRequired);
                }
                let body = if state == AgentState::Logout {
                    UserRequest::sign_out(reason.clone(), deployment == DeploymentType::Ucce)
                } else {
                    UserRequest::state(state.clone(), reason.clone())
                };
                let request = Request::put_user(&self.user_id, &body).map_err(encode)?;
                let expect = match change {
                    StateChange::Pending => Expect::UserPending { state },
                    StateChange::Silent => Expect::Http,
                    _ => Expect::UserState { state, reason },
                };
                Ok((request, expect))
            }
            Intent::MakeCall { to, variables } => {
                let ext = self.extension().ok_or(Refusal::NotSignedIn)?;
                let state = self.state().ok_or(Refusal::NotSignedIn)?;
                if !finesse_model::transitions::may_make_call(state, self.phone_busy()) {
                    return Err(Refusal::CannotMakeCall);
                }
                let to = validate_dial_number(to, Some(ext.as_str()), &deployment)
                    .map_err(Refusal::BadNumber)?;
                if !variables.is_empty() {
                    if deployment == DeploymentType::Uccx {
                        return Err(Refusal::BadInput(Text::new(
                            "call variables can be given with a new call on Unified CCE only",
                        )));
                    }
                    validate_call_variables(variables, &deployment).map_err(Refusal::BadInput)?;
                }
                let body = DialogRequest::make_call(ext, &to, variables.clone());
                let request = Request::post_dialog(&self.user_id, &body).map_err(encode)?;
                let known = self.dialogs.iter().filter_map(Dialog::dialog_id).collect();
                Ok((request, Expect::NewCall { to, known }))
            }
            Intent::SetAgentState { agent, state } => {
                self.user.as_ref().ok_or(Refusal::NotSignedIn)?;
                let body = match state {
                    AgentState::Logout => UserRequest::sign_out(None, false),
                    AgentState::Ready | AgentState::NotReady => {
                        UserRequest::state(state.clone(), None)
                    }
                    _ => return Err(Refusal::StateNotAllowed(StateChangeError::NotSettable)),
                };
                // The team member's User node is not the session's: the HTTP answer tells.
                Ok((Request::put_user(agent, &body).map_err(encode)?, Expect::Http))
            }
            Intent::SilentMonitor { extension } => {
                let ext = self.extension().ok_or(Refusal::NotSignedIn)?;
                let state = self.state().ok_or(Refusal::NotSignedIn)?;
                if *state != AgentState::NotReady || self.on_a_call() {
                    return Err(Refusal::CannotMonitor);
                }
                let to = extension.as_str().trim();
                if to.is_empty() || to == ext.as_str() {
                    return Err(Refusal::BadNumber(DialError::OwnExtension));
                }
                let body = DialogRequest::silent_monitor(ext, extension);
                let request = Request::post_dialog(&self.user_id, &body).map_err(encode)?;
                let known = self.dialogs.iter().filter_map(Dialog::dialog_id).collect();
                Ok((request, Expect::NewCall { to: to.to_owned(), known }))
            }
            Intent::Barge(id) => {
                let ext = self.extension().ok_or(Refusal::NotSignedIn)?;
                let dialog = self.dialog(id).ok_or_else(|| Refusal::NoSuchCall(id.clone()))?;
                if !dialog.actions_for(ext.as_str()).contains(&Action::BargeCall) {
                    return Err(Refusal::NotOffered(Action::BargeCall));
                }
                // The monitored agent is the silent monitor call's destination.
                let agent = dialog
                    .to_address
                    .clone()
                    .map(Extension::from)
                    .ok_or(Refusal::NotOffered(Action::BargeCall))?;
                let uri = format!("/finesse/api/Dialog/{id}");
                let body = DialogRequest::barge(ext, &agent, &uri);
                Ok((Request::post_dialog(&self.user_id, &body).map_err(encode)?, Expect::Http))
            }
            _ => self.build_dialog_request(intent, &deployment),
        }
    }

    /// Whether the user has a call leg that is not over (ringing, dialing, active, held…).
    fn on_a_call(&self) -> bool {
        self.dialogs.iter().any(|d| {
            self.own_participant(d)
                .and_then(|p| p.state.as_ref())
                .is_some_and(|s| !ENDED.contains(s))
        })
    }

    /// A request on one of the agent's dialogs.
    fn build_dialog_request(
        &self,
        intent: &Intent,
        deployment: &DeploymentType,
    ) -> Result<(Request, Expect), Refusal> {
        let encode = |e: finesse_model::EncodeError| Refusal::Encode(e.to_string());
        let id = intent.dialog().ok_or(Refusal::NotSignedIn)?;
        let ext = self.extension().ok_or(Refusal::NotSignedIn)?;
        let dialog = self.dialog(id).ok_or_else(|| Refusal::NoSuchCall(id.clone()))?;
        let offered = |action: Action| {
            if dialog.actions_for(ext.as_str()).contains(&action) {
                Ok(())
            } else {
                Err(Refusal::NotOffered(action))
            }
        };
        let participant = |action: Action| DialogRequest::participant(action, ext);
        let (body, expect) = match intent {
            Intent::Answer(_) => {
                offered(Action::Answer)?;
                let expect =
                    Expect::Participant { dialog: id.clone(), states: ACTIVE, or_gone: false };
                (participant(Action::Answer), expect)
            }
            Intent::Hold(_) => {
                offered(Action::Hold)?;
                let expect =
                    Expect::Participant { dialog: id.clone(), states: HELD, or_gone: false };
                (participant(Action::Hold), expect)
            }
            Intent::Retrieve(_) => {
                offered(Action::Retrieve)?;
                let expect =
                    Expect::Participant { dialog: id.clone(), states: ACTIVE, or_gone: false };
                (participant(Action::Retrieve), expect)
            }
            Intent::End(_) => {
                offered(Action::Drop)?;
                let expect =
                    Expect::Participant { dialog: id.clone(), states: ENDED, or_gone: true };
                (participant(Action::Drop), expect)
            }
            Intent::Consult { to, .. } => {
                offered(Action::ConsultCall)?;
                let to = validate_dial_number(to, Some(ext.as_str()), deployment)
                    .map_err(Refusal::BadNumber)?;
                // The call goes on hold as the consult call starts.
                let expect =
                    Expect::Participant { dialog: id.clone(), states: HELD, or_gone: false };
                (DialogRequest::consult(ext, &to), expect)
            }
            Intent::Transfer(_) | Intent::Conference(_) => {
                let action = if matches!(intent, Intent::Transfer(_)) {
                    Action::Transfer
                } else {
                    Action::Conference
                };
                offered(action.clone())?;
                // The consulted party, as the guide's examples give it.
                let to = self.consult_of(id).and_then(|c| c.to_address.clone());
                let expect = if action == Action::Transfer {
                    Expect::Participant { dialog: id.clone(), states: ENDED, or_gone: true }
                } else {
                    Expect::RequestId
                };
                (DialogRequest::complete(action, ext, to.as_deref()), expect)
            }
            Intent::SingleStepTransfer { to, .. } => {
                offered(Action::TransferSst)?;
                let to = validate_dial_number(to, Some(ext.as_str()), deployment)
                    .map_err(Refusal::BadNumber)?;
                let expect =
                    Expect::Participant { dialog: id.clone(), states: ENDED, or_gone: true };
                (DialogRequest::single_step_transfer(ext, &to), expect)
            }
            Intent::SendDtmf { digits, .. } => {
                offered(Action::SendDtmf)?;
                validate_dtmf(digits, deployment).map_err(|e| Refusal::BadInput(Text::new(e)))?;
                (DialogRequest::send_dtmf(ext, digits), Expect::RequestId)
            }
            Intent::WrapUpReason { reason, .. } => {
                offered(Action::UpdateCallData)?;
                validate_wrap_up_reason(reason).map_err(|e| Refusal::BadInput(Text::new(e)))?;
                let body = DialogRequest::update_call_data(Some(reason), Vec::new());
                (body, Expect::WrapUp { dialog: id.clone(), reason: reason.clone() })
            }
            Intent::UpdateCallVariables { variables, .. } => {
                offered(Action::UpdateCallData)?;
                validate_call_variables(variables, deployment).map_err(Refusal::BadInput)?;
                (DialogRequest::update_call_data(None, variables.clone()), Expect::RequestId)
            }
            Intent::DropParticipant { target, .. } => {
                offered(Action::ParticipantDrop)?;
                let target = target.trim();
                if target.is_empty() {
                    return Err(Refusal::BadInput(Text::new("say which participant to drop")));
                }
                (DialogRequest::participant_drop(&Extension::from(target)), Expect::Http)
            }
            Intent::Ready
            | Intent::NotReady { .. }
            | Intent::SignOut { .. }
            | Intent::MakeCall { .. }
            | Intent::SetAgentState { .. }
            | Intent::SilentMonitor { .. }
            | Intent::Barge(_) => {
                return Err(Refusal::NotSignedIn);
            }
        };
        Ok((Request::put_dialog(id, &body).map_err(encode)?, expect))
    }

    /// Checks a reason code against the user's list of the category (once read): required when
    /// the list is not empty, and one of them.
    fn check_reason(
        &self,
        category: &ReasonCodeCategory,
        reason: Option<&ReasonCodeId>,
    ) -> Result<(), Refusal> {
        let Some(list) = self.reasons_of(category) else { return Ok(()) };
        match reason {
            None if list.is_empty() => Ok(()),
            None => Err(Refusal::ReasonRequired),
            Some(id) if list.iter().any(|r| r.reason_code_id().as_ref() == Some(id)) => Ok(()),
            Some(id) => Err(Refusal::UnknownReason(id.clone())),
        }
    }

    /// The consult call made from `held`: a dialog associated with it.
    pub(crate) fn consult_of(&self, held: &DialogId) -> Option<&Dialog> {
        self.dialogs.iter().find(|d| {
            d.associated_dialog_uri.as_deref().and_then(id_from_uri) == Some(held.as_str())
        })
    }

    // ----- internals ---------------------------------------------------------------------

    fn push_event(&mut self, event: Event) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    fn set_user(&mut self, user: User) {
        let before = self.user.as_ref().and_then(|u| u.state.clone());
        let after = user.state.clone();
        let first = self.user.is_none();
        self.user = Some(user);
        if first || before != after {
            self.push_event(Event::StateChanged { from: before, to: after });
        }
    }

    fn upsert_dialog(&mut self, dialog: Dialog) {
        let Some(id) = dialog.dialog_id() else { return };
        match self.dialogs.iter_mut().find(|d| d.dialog_id().as_ref() == Some(&id)) {
            Some(slot) => *slot = dialog,
            None => {
                self.dialogs.push(dialog);
                self.push_event(Event::CallArrived { dialog: id });
            }
        }
    }

    fn remove_dialog(&mut self, dialog: &Dialog) {
        let Some(id) = dialog.dialog_id() else { return };
        let before = self.dialogs.len();
        self.dialogs.retain(|d| d.dialog_id().as_ref() != Some(&id));
        if self.dialogs.len() != before {
            self.push_event(Event::CallEnded { dialog: id });
        }
    }

    /// An error notification: the request it names fails, or it is reported on its own.
    fn async_error(&mut self, rid: Option<&str>, errors: &ApiErrors) {
        let found = rid.and_then(|rid| self.tracked.iter().position(|t| t.id.matches(Some(rid))));
        match found {
            Some(i) => {
                let t = self.tracked.remove(i);
                let failure = Failure::from_notification(Some(t.what.clone()), errors);
                self.push_event(Event::RequestFailed { id: t.id, intent: t.intent, failure });
            }
            None => {
                let failure = Failure::from_notification(None, errors);
                self.push_event(Event::ErrorNotified { failure });
            }
        }
    }

    /// A notification carried request id `rid`: that request is confirmed.
    fn confirm_by_id(&mut self, rid: &str) {
        let Some(i) = self.tracked.iter().position(|t| t.id.matches(Some(rid))) else { return };
        self.confirm(i);
    }

    fn confirm(&mut self, i: usize) {
        let Some(t) = self.tracked.get_mut(i) else { return };
        match t.phase {
            Phase::Confirmed => {}
            Phase::Accepted => {
                let t = self.tracked.remove(i);
                self.push_event(Event::RequestCompleted { id: t.id, intent: t.intent });
            }
            Phase::Sent => {
                t.phase = Phase::Confirmed;
                let (id, intent) = (t.id.clone(), t.intent.clone());
                self.push_event(Event::RequestCompleted { id, intent });
            }
        }
    }

    /// After any change: requests whose outcome is now visible are confirmed.
    fn settle(&mut self) {
        let mut i = 0;
        while i < self.tracked.len() {
            let done = self
                .tracked
                .get(i)
                .is_some_and(|t| t.phase != Phase::Confirmed && self.satisfied(&t.expect));
            if done {
                let before = self.tracked.len();
                self.confirm(i);
                if self.tracked.len() < before {
                    continue;
                }
            }
            i += 1;
        }
    }

    /// Whether the session now shows the outcome `expect` describes.
    fn satisfied(&self, expect: &Expect) -> bool {
        match expect {
            Expect::UserState { state, reason } => self.user.as_ref().is_some_and(|u| {
                u.state.as_ref() == Some(state)
                    && reason.as_ref().is_none_or(|r| {
                        u.reason_code_id.as_ref() == Some(r)
                            || u.reason_code.as_ref().and_then(ReasonCode::reason_code_id).as_ref()
                                == Some(r)
                    })
            }),
            Expect::UserPending { state } => {
                self.user.as_ref().is_some_and(|u| u.pending_state.as_ref() == Some(state))
            }
            Expect::Participant { dialog, states, or_gone } => match self.dialog(dialog) {
                None => *or_gone,
                Some(d) => self
                    .own_participant(d)
                    .and_then(|p| p.state.as_ref())
                    .is_some_and(|s| states.contains(s)),
            },
            Expect::WrapUp { dialog, reason } => self.dialog(dialog).is_some_and(|d| {
                d.media_properties.as_ref().and_then(|m| m.wrap_up_reason.as_ref()) == Some(reason)
            }),
            Expect::NewCall { to, known } => self.dialogs.iter().any(|d| {
                d.dialog_id().is_some_and(|id| !known.contains(&id))
                    && d.to_address.as_deref().map(str::trim) == Some(to.as_str())
                    && self.own_participant(d).is_some()
            }),
            Expect::RequestId | Expect::Http => false,
        }
    }
}

/// A number as shown in a sentence (at most 40 characters).
fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(39).collect();
        t.push('…');
        t
    } else {
        s.to_owned()
    }
}
