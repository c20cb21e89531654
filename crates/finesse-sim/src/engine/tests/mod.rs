//! Engine tests: a harness driving an engine of a small scenario in virtual time, checking the
//! invariants after every step, and tests per transition rule, per Dialog action and per
//! documented error (`users.rs`, `dialogs.rs`, `supervisor.rs`, `outbound.rs`, `reads.rs`),
//! injected calls (`inject.rs`), plus the living demo scenario, simulated agents and
//! determinism (`living.rs`).

mod assign;
mod chaos;
mod dialogs;
mod inject;
mod living;
mod outbound;
mod reads;
mod supervisor;
mod users;

use finesse_model::{
    Action, AgentState, ApiErrors, Dialog, DialogId, DialogRequest, Extension, Participant,
    ReasonCodeId, UpdateData, UpdateEvent, User, UserId, UserRequest,
};

use super::{ApiFailure, Engine, Millis, Notification, Principal};
use crate::scenario::Scenario;

/// The engine's start time in tests.
pub(super) const T0: Millis = 1_700_000_000_000;

/// A Unified CCE center driven only through the API: team 1 (agents 1001, 1002, supervisor
/// 1010), team 2 (agent 1003, supervisor 1020); queue 10 (everyone but the supervisors), queue
/// 11 (nobody).
pub(super) const CCE: &str = r#"
deployment = "UCCE"
[admin]
user = "admin"
password = "adminpw"
[simulation]
patience_ms = [600000, 600000]
[dialing]
busy_numbers = ["5550000"]
unreachable_numbers = ["5559999"]
external_answer_ms = [1000, 1000]
max_conference_parties = 4
devices = ["2000"]
[system]
mediasense = true
[[team]]
id = "1"
name = "Sales"
[[team]]
id = "2"
name = "Support"
[[queue]]
id = "10"
name = "Sales"
dnis = "8001"
[queue.variables]
callVariable1 = ["Alice"]
[[queue]]
id = "11"
name = "Nobody"
dnis = "8002"
[[reason_code]]
id = "1"
category = "NOT_READY"
code = 12
label = "Lunch"
[[reason_code]]
id = "2"
category = "NOT_READY"
code = 10
label = "Meeting"
for_all = false
teams = ["2"]
[[reason_code]]
id = "10"
category = "LOGOUT"
code = 20
label = "End of Shift"
[[wrap_up_reason]]
id = "1"
label = "Sales Call"
[[wrap_up_reason]]
id = "2"
label = "Support Call"
for_all = false
teams = ["2"]
[[ecc_variable]]
name = "user.ecc"
max_length = 5
[[ecc_variable]]
name = "user.arr"
array_size = 3
[[mrd]]
id = "5000"
name = "Cisco_Chat_MRD"
description = "Chat MRD"
[[campaign]]
id = "700"
name = "Renewals"
mode = "PREVIEW"
queue = "10"
customers = [{ number = "6505550101", account = "R-1", name = "Pat Doe" }]
[[campaign]]
id = "701"
name = "Direct"
mode = "DIRECT_PREVIEW"
queue = "10"
customers = [{ number = "6505550102", account = "D-1", name = "Lee Roe" }]
[[agent]]
id = "1001"
password = "pass1001"
first_name = "Ann"
last_name = "Able"
extension = "1001"
team = "1"
queues = ["10"]
wrap_up_on_incoming = "REQUIRED"
wrap_up_timer_s = 30
mobile_agent = true
mrds = ["5000"]
[[agent]]
id = "1002"
password = "pass1002"
first_name = "Bob"
last_name = "Baker"
extension = "1002"
team = "1"
queues = ["10"]
wrap_up_on_incoming = "NOT_ALLOWED"
[[agent]]
id = "1003"
password = "pass1003"
first_name = "Cy"
last_name = "Cole"
extension = "1003"
team = "2"
queues = ["10"]
wrap_up_on_incoming = "OPTIONAL"
[[agent]]
id = "1010"
password = "pass1010"
first_name = "Sue"
last_name = "Super"
extension = "1010"
team = "1"
supervises = ["1"]
wrap_up_on_incoming = "NOT_ALLOWED"
[[agent]]
id = "1020"
password = "pass1020"
first_name = "Tim"
last_name = "Top"
extension = "1020"
team = "2"
supervises = ["2"]
wrap_up_on_incoming = "NOT_ALLOWED"
"#;

/// The same center on Unified CCX (no MRDs, no mobile agent, campaign 700 is direct preview).
pub(super) fn ccx_toml() -> String {
    let mut s = CCE.replace("deployment = \"UCCE\"", "deployment = \"UCCX\"");
    let mrd = s.find("[[mrd]]").unwrap_or(0);
    let agent = s.find("[[campaign]]").unwrap_or(0);
    s.replace_range(mrd..agent, "");
    s.replace("mobile_agent = true\nmrds = [\"5000\"]\n", "")
        .replace("mode = \"PREVIEW\"", "mode = \"DIRECT_PREVIEW\"")
}

/// An engine and its clock; every step checks the invariants.
pub(super) struct H {
    pub(super) e: Engine,
    pub(super) now: Millis,
}

impl H {
    pub(super) fn with(toml: &str) -> Self {
        let scenario = Scenario::from_toml(toml).unwrap_or_else(|e| panic!("test scenario: {e}"));
        let h = Self { e: Engine::new(scenario, 1, T0), now: T0 };
        h.check();
        h
    }

    pub(super) fn cce() -> Self {
        Self::with(CCE)
    }

    pub(super) fn ccx() -> Self {
        Self::with(&ccx_toml())
    }

    pub(super) fn check(&self) {
        if let Err(e) = self.e.check_invariants() {
            panic!("invariant violated at +{} ms: {e}", self.now - T0);
        }
    }

    pub(super) fn p(&self, id: &str) -> Principal {
        self.e.authenticate(id, &format!("pass{id}")).unwrap()
    }

    pub(super) fn admin(&self) -> Principal {
        self.e.authenticate("admin", "adminpw").unwrap()
    }

    /// Advances virtual time.
    pub(super) fn tick(&mut self, ms: Millis) {
        self.now += ms;
        self.e.advance(self.now);
        self.check();
    }

    pub(super) fn drain(&mut self) -> Vec<Notification> {
        self.e.drain_notifications()
    }

    pub(super) fn put_user_as(
        &mut self,
        who: &str,
        id: &str,
        req: &UserRequest,
    ) -> Result<(), ApiFailure> {
        let p = self.p(who);
        let r = self.e.put_user(&p, &UserId::from(id), req, Some("rq"), self.now);
        self.check();
        r
    }

    pub(super) fn put_user(&mut self, id: &str, req: &UserRequest) -> Result<(), ApiFailure> {
        self.put_user_as(id, id, req)
    }

    pub(super) fn login(&mut self, id: &str) {
        self.put_user(id, &UserRequest::sign_in(&Extension::from(id))).unwrap();
        assert_eq!(self.state(id), AgentState::NotReady);
    }

    pub(super) fn ready(&mut self, id: &str) {
        self.put_user(id, &UserRequest::state(AgentState::Ready, None)).unwrap();
    }

    pub(super) fn not_ready(&mut self, id: &str, reason: Option<&str>) -> Result<(), ApiFailure> {
        self.put_user(id, &UserRequest::state(AgentState::NotReady, reason.map(ReasonCodeId::from)))
    }

    /// Signs in and makes Ready.
    pub(super) fn ready_agent(&mut self, id: &str) {
        self.login(id);
        self.ready(id);
        assert_eq!(self.state(id), AgentState::Ready);
    }

    pub(super) fn state(&self, id: &str) -> AgentState {
        self.user(id).state.unwrap()
    }

    pub(super) fn user(&self, id: &str) -> User {
        self.e.get_user(&self.admin(), &UserId::from(id)).unwrap()
    }

    pub(super) fn dialogs(&self, id: &str) -> Vec<Dialog> {
        self.e.get_user_dialogs(&self.admin(), &UserId::from(id)).unwrap().dialogs
    }

    pub(super) fn dialog(&self, id: &DialogId) -> Dialog {
        self.e.get_dialog(&self.admin(), id).unwrap()
    }

    pub(super) fn post(&mut self, id: &str, req: &DialogRequest) -> Result<(), ApiFailure> {
        let p = self.p(id);
        let r = self.e.post_dialog(&p, &UserId::from(id), req, Some("rq"), self.now);
        self.check();
        r
    }

    pub(super) fn put(
        &mut self,
        who: &str,
        dialog: &DialogId,
        req: &DialogRequest,
    ) -> Result<(), ApiFailure> {
        let p = self.p(who);
        let r = self.e.put_dialog(&p, dialog, req, Some("rq"), self.now);
        self.check();
        r
    }

    /// `who` performs a participant action on `dialog` with its own extension.
    pub(super) fn act(
        &mut self,
        who: &str,
        dialog: &DialogId,
        action: Action,
    ) -> Result<(), ApiFailure> {
        self.put(who, dialog, &DialogRequest::participant(action, &Extension::from(who)))
    }

    /// A caller into queue 10.
    pub(super) fn call(&mut self) -> DialogId {
        let id = self.e.inject_call(&"10".into(), &[], self.now).unwrap();
        self.check();
        id
    }

    /// A caller routed to `agent` (Ready, the only Ready agent of queue 10) and answered.
    pub(super) fn answered_call(&mut self, agent: &str) -> DialogId {
        let d = self.call();
        assert_eq!(self.state(agent), AgentState::Reserved, "the call rings at {agent}");
        self.act(agent, &d, Action::Answer).unwrap();
        assert_eq!(self.state(agent), AgentState::Talking);
        d
    }

    /// The only dialog of `id`.
    pub(super) fn only_dialog(&self, id: &str) -> Dialog {
        let d = self.dialogs(id);
        assert_eq!(d.len(), 1, "{id} has {} dialogs", d.len());
        d.into_iter().next().unwrap()
    }

    /// Expects a synchronous rejection that changes nothing and publishes nothing.
    pub(super) fn rejected(
        &mut self,
        status: u16,
        error_type: &str,
        f: impl FnOnce(&mut Engine, Millis) -> Result<(), ApiFailure>,
    ) -> ApiFailure {
        self.e.advance(self.now);
        self.drain();
        let before = self.e.state_digest();
        let err = f(&mut self.e, self.now).expect_err("the request must be rejected");
        assert_eq!(
            (err.status, error_type_of(&err.errors)),
            (status, error_type.to_owned()),
            "{err:?}"
        );
        assert_eq!(self.e.state_digest(), before, "a rejected request changed the engine");
        assert!(self.drain().is_empty(), "a rejected request published notifications");
        self.check();
        err
    }

    /// Expects an accepted request answered by an asynchronous error notification that
    /// changes nothing else.
    pub(super) fn async_rejected(
        &mut self,
        error_type: &str,
        f: impl FnOnce(&mut Engine, Millis) -> Result<(), ApiFailure>,
    ) -> Notification {
        self.e.advance(self.now);
        self.drain();
        let before = self.e.state_digest();
        f(&mut self.e, self.now).expect("an asynchronous error is accepted first");
        assert_eq!(
            self.e.state_digest(),
            before,
            "an asynchronously rejected request changed the engine"
        );
        let out = self.drain();
        assert_eq!(out.len(), 1, "one error notification, got {out:#?}");
        let n = out.into_iter().next().unwrap();
        let Some(UpdateData::ApiErrors(errors)) = &n.update.data else {
            panic!("not an error: {n:?}")
        };
        assert_eq!(error_type_of(errors), error_type, "{n:?}");
        assert_eq!(n.update.request_id.as_deref(), Some("rq"));
        assert_eq!(n.update.event, Some(UpdateEvent::Put));
        self.check();
        n
    }
}

/// The ErrorType of the first error.
pub(super) fn error_type_of(errors: &ApiErrors) -> String {
    errors.first().and_then(|e| e.error_type.clone()).unwrap_or_default()
}

/// The participant of `ext`.
pub(super) fn part<'d>(d: &'d Dialog, ext: &str) -> &'d Participant {
    d.participant(ext).unwrap_or_else(|| panic!("{ext} is no participant of {d:#?}"))
}

/// The participant state of `ext`.
pub(super) fn pstate(d: &Dialog, ext: &str) -> finesse_model::ParticipantState {
    part(d, ext).state.clone().unwrap()
}

/// A short description of notifications: `node event source-or-state`.
pub(super) fn describe(out: &[Notification]) -> Vec<String> {
    out.iter()
        .map(|n| {
            let event = n.update.event.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
            let what = match &n.update.data {
                Some(UpdateData::User(u)) => {
                    format!("user {}", u.state.as_ref().map(|s| s.as_str()).unwrap_or(""))
                }
                Some(UpdateData::Dialog(d)) => format!(
                    "dialog {} {}",
                    d.id.as_ref().map(|i| i.as_str()).unwrap_or(""),
                    d.state.as_ref().map(|s| s.as_str()).unwrap_or("")
                ),
                Some(UpdateData::Dialogs(d)) => format!(
                    "dialogs {} {}",
                    d.first().and_then(|d| d.id.as_ref()).map(|i| i.as_str()).unwrap_or(""),
                    d.first().and_then(|d| d.state.as_ref()).map(|s| s.as_str()).unwrap_or("")
                ),
                Some(UpdateData::ApiErrors(e)) => format!("error {}", error_type_of(e)),
                Some(other) => other.element_name().to_owned(),
                None => "none".to_owned(),
            };
            format!("{} {event} {what}", n.node)
        })
        .collect()
}

/// The dialog id of a Dialog.
pub(super) fn did(d: &Dialog) -> DialogId {
    d.id.clone().unwrap()
}
