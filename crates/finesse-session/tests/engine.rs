//! The session against the simulator's engine: every request the session builds goes to the
//! engine as the REST layer would hand it over, every notification the engine publishes comes
//! back through the XML codec, and after each step the session shows what a GET shows. At
//! several points each state menu entry and each call control is tried on a copy of the engine:
//! what the session enables is what the engine accepts.

#![cfg(not(target_arch = "wasm32"))]

use finesse_model::{
    Action, AgentState, DeploymentType, DialogId, DialogRequest, ParticipantState, ReasonCodeId,
    Update, UserId, UserRequest, decode, encode,
};
use finesse_rest::{Method, Request, error_of};
use finesse_session::{Event, FailureKind, Intent, Millis, Refusal, Session, WrapUpRequirement};
use finesse_sim::engine::{ApiFailure, Engine, Principal};
use finesse_sim::scenario::Scenario;

const T0: Millis = 1_700_000_000_000;

/// Agent 1001 takes queue 10's calls and must give a wrap-up reason; 1002 and 1003 are
/// colleagues; 5550000 is busy; the layout shows the customer in the header.
const CCE: &str = r#"
deployment = "UCCE"
[admin]
user = "admin"
password = "adminpw"
[simulation]
patience_ms = [600000, 600000]
[dialing]
busy_numbers = ["5550000"]
external_answer_ms = [1000, 1000]
max_conference_parties = 4
[[team]]
id = "1"
name = "Sales"
layout = "1"
[[queue]]
id = "10"
name = "Sales"
dnis = "8001"
[queue.variables]
callVariable1 = ["Alice"]
callVariable2 = ["A-17"]
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
[[reason_code]]
id = "10"
category = "LOGOUT"
code = 20
label = "End of Shift"
[[wrap_up_reason]]
id = "1"
label = "Sales Call"
[[layout]]
id = "1"
name = "Sales"
default = true
header = { display_name = "Customer", media_property = "callVariable1" }
columns = [[
  { display_name = "Customer", media_property = "callVariable1" },
  { display_name = "Account", media_property = "callVariable2" },
]]
[[agent]]
id = "1001"
password = "pass1001"
first_name = "Ann"
last_name = "Able"
extension = "1001"
team = "1"
queues = ["10"]
wrap_up_on_incoming = "REQUIRED_WITH_WRAP_UP_DATA"
wrap_up_timer_s = 120
[[agent]]
id = "1002"
password = "pass1002"
first_name = "Bob"
last_name = "Baker"
extension = "1002"
team = "1"
wrap_up_on_incoming = "NOT_ALLOWED"
[[agent]]
id = "1003"
password = "pass1003"
first_name = "Cy"
last_name = "Cole"
extension = "1003"
team = "1"
wrap_up_on_incoming = "NOT_ALLOWED"
"#;

const AGENTS: [&str; 3] = ["1001", "1002", "1003"];

/// The engine, one session per agent, and virtual time.
struct Rig {
    e: Engine,
    now: Millis,
    sessions: Vec<Session>,
    seq: u64,
    /// A supervisor's team roster, fed the same notifications.
    roster: finesse_session::roster::Roster,
}

fn ix(who: &str) -> usize {
    AGENTS.iter().position(|a| *a == who).unwrap_or_else(|| panic!("no agent {who}"))
}

fn failure_response(f: &ApiFailure) -> (u16, String) {
    (f.status, encode(&f.errors).expect("errors encode"))
}

impl Rig {
    fn new(toml: &str) -> Self {
        let scenario = Scenario::from_toml(toml).expect("test scenario");
        Self {
            e: Engine::new(scenario, 7, T0),
            now: T0,
            sessions: AGENTS.iter().map(|a| Session::new(UserId::from(*a))).collect(),
            seq: 0,
            roster: finesse_session::roster::Roster::default(),
        }
    }

    fn p(&self, who: &str) -> Principal {
        self.e.authenticate(who, &format!("pass{who}")).expect("credentials")
    }

    fn s(&self, who: &str) -> &Session {
        &self.sessions[ix(who)]
    }

    fn sm(&mut self, who: &str) -> &mut Session {
        &mut self.sessions[ix(who)]
    }

    /// The REST layer: a request as the session built it, answered by `e`.
    fn route(e: &mut Engine, p: &Principal, request: &Request, now: Millis) -> (u16, String) {
        let rid = request.request_id.as_deref();
        let body = request.body.as_deref().unwrap_or_default();
        let path = request.path.as_str();
        let user = path.strip_prefix("/finesse/api/User/");
        let ok = |r: Result<(), ApiFailure>| match r {
            Ok(()) => (202, String::new()),
            Err(f) => failure_response(&f),
        };
        let doc = |r: Result<String, ApiFailure>| match r {
            Ok(xml) => (200, xml),
            Err(f) => failure_response(&f),
        };
        match (request.method, user) {
            (Method::Get, _) if path == "/finesse/api/SystemInfo" => {
                doc(Ok(encode(&e.get_system_info(now)).expect("encodes")))
            }
            (Method::Get, Some(rest)) => {
                let (id, what) = rest.split_once('/').unwrap_or((rest, ""));
                let id = UserId::from(id);
                match what {
                    "" => doc(e.get_user(p, &id).map(|v| encode(&v).expect("encodes"))),
                    "Dialogs" => {
                        doc(e.get_user_dialogs(p, &id).map(|v| encode(&v).expect("encodes")))
                    }
                    "WrapUpReasons" => {
                        doc(e.get_wrap_up_reasons(p, &id).map(|v| encode(&v).expect("encodes")))
                    }
                    "MediaPropertiesLayout" => doc(e
                        .get_media_properties_layout(p, &id)
                        .map(|v| encode(&v).expect("encodes"))),
                    reasons => {
                        let category = reasons
                            .strip_prefix("ReasonCodes?category=")
                            .unwrap_or_else(|| panic!("unexpected GET {path}"));
                        doc(e
                            .get_reason_codes(p, &id, Some(category))
                            .map(|v| encode(&v).expect("encodes")))
                    }
                }
            }
            (Method::Put, Some(id)) => {
                let req: UserRequest = decode(body).expect("a User request");
                ok(e.put_user(p, &UserId::from(id), &req, rid, now))
            }
            (Method::Post, Some(rest)) => {
                let id = rest.strip_suffix("/Dialogs").expect("POST to a Dialogs collection");
                let req: DialogRequest = decode(body).expect("a Dialog request");
                ok(e.post_dialog(p, &UserId::from(id), &req, rid, now))
            }
            (Method::Put, None) => {
                let id = path.strip_prefix("/finesse/api/Dialog/").expect("a Dialog");
                let req: DialogRequest = decode(body).expect("a Dialog request");
                ok(e.put_dialog(p, &DialogId::from(id), &req, rid, now))
            }
            _ => panic!("unexpected request {request:?}"),
        }
    }

    /// Every notification, through the XML codec, to every session.
    fn deliver(&mut self) {
        for n in self.e.drain_notifications() {
            let xml = encode(&n.update).expect("notifications encode");
            let update: Update = decode(&xml).expect("notifications decode");
            for s in &mut self.sessions {
                s.apply_update(&n.node, &update, self.now);
            }
            self.roster.apply_update(&n.node, &update);
        }
    }

    /// A full refresh of `who`'s session, as at start-up or after a reconnection.
    fn refresh(&mut self, who: &str) {
        let p = self.p(who);
        let requests = self.s(who).refresh_requests();
        for (what, request) in requests {
            let (status, body) = Self::route(&mut self.e, &p, &request, self.now);
            let now = self.now;
            self.sm(who).apply_refresh(what, status, &body, now).expect("refresh answers apply");
        }
        self.deliver();
    }

    /// Signs `who` in (the desktop does that, not the session), then refreshes its session.
    fn sign_in(&mut self, who: &str) {
        let p = self.p(who);
        self.e
            .put_user(&p, &UserId::from(who), &UserRequest::sign_in(&who.into()), None, self.now)
            .expect("sign in");
        self.deliver();
        self.refresh(who);
    }

    fn random(&mut self) -> [u8; 16] {
        self.seq += 1;
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.seq.to_le_bytes());
        b[8..].copy_from_slice(&self.seq.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes());
        b
    }

    /// `who` asks for `intent`: the request goes to the engine, its answer and notifications
    /// come back.
    fn act(&mut self, who: &str, intent: Intent) -> Result<(), Refusal> {
        let random = self.random();
        let now = self.now;
        let out = self.sm(who).request(intent, now, random)?;
        let p = self.p(who);
        let (status, body) = Self::route(&mut self.e, &p, &out.request, now);
        let result = finesse_rest::interpret_empty(status, &body);
        self.sm(who).request_answered(&out.id, result);
        self.deliver();
        Ok(())
    }

    fn tick(&mut self, ms: Millis) {
        self.now += ms;
        self.e.advance(self.now);
        self.deliver();
        for s in &mut self.sessions {
            s.handle_timeout(self.now);
        }
    }

    fn events(&mut self, who: &str) -> Vec<Event> {
        let s = self.sm(who);
        std::iter::from_fn(|| s.poll_event()).collect()
    }

    /// The session shows the server's truth: the user as a GET gives it, the same dialogs.
    fn check_converged(&self, who: &str) {
        let admin = self.e.authenticate("admin", "adminpw").expect("admin");
        let s = &self.sessions[ix(who)];
        // As the wire gives them (an empty `<actions/>` reads as none).
        let truth = self.e.get_user(&admin, &UserId::from(who)).expect("user");
        let truth: finesse_model::User =
            decode(&encode(&truth).expect("encodes")).expect("decodes");
        assert_eq!(s.user(), Some(&truth), "{who}'s user");
        let dialogs = self.e.get_user_dialogs(&admin, &UserId::from(who)).expect("dialogs");
        let dialogs: finesse_model::Dialogs =
            decode(&encode(&dialogs).expect("encodes")).expect("decodes");
        let mut want: Vec<_> = dialogs.dialogs.clone();
        let mut have: Vec<_> = s.dialogs().to_vec();
        want.sort_by_key(finesse_model::Dialog::dialog_id);
        have.sort_by_key(finesse_model::Dialog::dialog_id);
        assert_eq!(have, want, "{who}'s dialogs");
        // Every request was settled by what the engine answered and published.
        let waiting: Vec<_> = s.in_flight().collect();
        assert!(waiting.is_empty(), "{who} still waits for {waiting:?}");
    }

    /// Each state menu entry is enabled exactly when the engine accepts it (entries disabled
    /// only because they are the current or pending choice aside).
    fn check_menu_agrees(&mut self, who: &str) {
        let p = self.p(who);
        let menu = self.s(who).state_menu();
        assert!(!menu.is_empty());
        for item in menu {
            if item.selected || item.pending {
                continue;
            }
            let random = self.random();
            let mut probe = self.s(who).clone();
            let out = probe.request(item.intent.clone(), self.now, random);
            assert_eq!(out.is_ok(), item.enabled, "{who}: {item:?} vs request {out:?}");
            let mut e = self.e.clone();
            let request = match out {
                Ok(o) => o.request,
                // What the session refuses must be refused by the engine too.
                Err(_) => {
                    let body = match &item.intent {
                        Intent::Ready => UserRequest::state(AgentState::Ready, None),
                        Intent::NotReady { reason } => {
                            UserRequest::state(AgentState::NotReady, reason.clone())
                        }
                        Intent::SignOut { reason } => UserRequest::sign_out(reason.clone(), true),
                        other => panic!("not a state entry: {other:?}"),
                    };
                    Request::put_user(&UserId::from(who), &body).expect("encodes")
                }
            };
            let (status, _) = Self::route(&mut e, &p, &request, self.now);
            assert_eq!(
                status < 300,
                item.enabled,
                "{who}: the engine answers {status} to {} (enabled: {})",
                item.label,
                item.enabled
            );
        }
    }

    /// Each call control is enabled exactly when the engine applies the action without an
    /// error notification.
    fn check_controls_agree(&mut self, who: &str) {
        let p = self.p(who);
        let ext = self.s(who).extension().cloned().expect("signed in");
        for call in self.s(who).calls(self.now) {
            let c = call.controls;
            let pairs = [
                (Action::Answer, c.answer),
                (Action::Hold, c.hold),
                (Action::Retrieve, c.retrieve),
                (Action::Drop, c.end),
                (Action::SendDtmf, c.keypad),
                (Action::TransferSst, c.single_step_transfer),
                (Action::ConsultCall, c.consult),
            ];
            for (action, enabled) in pairs {
                let body = match action.clone() {
                    Action::SendDtmf => DialogRequest::send_dtmf(&ext, "1"),
                    Action::TransferSst => DialogRequest::single_step_transfer(&ext, "5551234"),
                    Action::ConsultCall => DialogRequest::consult(&ext, "5551234"),
                    a => DialogRequest::participant(a, &ext),
                };
                let request = Request::put_dialog(&call.id, &body).expect("encodes");
                let mut e = self.e.clone();
                e.drain_notifications();
                let (status, _) = Self::route(&mut e, &p, &request, self.now);
                let errors =
                    e.drain_notifications().iter().any(|n| n.update.api_errors().is_some());
                assert_eq!(
                    status < 300 && !errors,
                    enabled,
                    "{who}: {action} on {} (enabled: {enabled}, status {status})",
                    call.id
                );
            }
        }
    }
}

fn completed(events: &[Event]) -> Vec<&Intent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RequestCompleted { intent, .. } => Some(intent),
            _ => None,
        })
        .collect()
}

fn failed(events: &[Event]) -> Vec<(&Intent, &finesse_session::Failure)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RequestFailed { intent, failure, .. } => Some((intent, failure)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_scripted_call_flow_agrees_with_the_engine() {
    let mut r = Rig::new(CCE);
    for a in AGENTS {
        r.sign_in(a);
        r.check_converged(a);
    }
    let s = r.s("1001");
    assert_eq!(s.deployment(), DeploymentType::Ucce);
    assert_eq!(s.not_ready_reasons().len(), 2);
    assert_eq!(s.agent(r.now).label, "Not Ready");
    r.check_menu_agrees("1001");
    r.events("1001");

    // Ready: confirmed by the User notification (which carries the request id).
    r.act("1001", Intent::Ready).expect("Ready is offered");
    assert_eq!(completed(&r.events("1001")), [&Intent::Ready]);
    r.check_converged("1001");
    r.check_menu_agrees("1001");
    r.act("1002", Intent::Ready).expect("Ready is offered");

    // Ring: the call arrives; only Answer is offered.
    r.tick(1_000);
    let call = r.e.inject_call(&"10".into(), &[], r.now).expect("a call");
    r.deliver();
    assert!(r.events("1001").contains(&Event::CallArrived { dialog: call.clone() }));
    let view = r.s("1001").call_view(&call, r.now).expect("the call");
    assert_eq!((view.status, view.incoming), ("Incoming", true));
    assert!(view.controls.answer && !view.controls.hold && !view.controls.end);
    assert_eq!(view.queue_name.as_deref(), Some("Sales"));
    assert_eq!(
        view.data.header.as_ref().map(|f| (f.label.as_str(), f.value.as_str())),
        Some(("Customer", "Alice"))
    );
    assert_eq!(r.s("1001").state(), Some(&AgentState::Reserved));
    r.check_controls_agree("1001");
    r.check_menu_agrees("1001");

    // Answer, hold, retrieve.
    r.tick(2_000);
    r.act("1001", Intent::Answer(call.clone())).expect("Answer is offered");
    assert_eq!(completed(&r.events("1001")), [&Intent::Answer(call.clone())]);
    r.check_converged("1001");
    r.check_controls_agree("1001");
    r.tick(5_000);
    let view = r.s("1001").call_view(&call, r.now).expect("the call");
    assert_eq!(view.call_time, Some(5_000));
    r.act("1001", Intent::Hold(call.clone())).expect("Hold is offered");
    r.tick(3_000);
    let view = r.s("1001").call_view(&call, r.now).expect("the call");
    assert_eq!((view.status, view.hold_time), ("Hold", Some(3_000)));
    assert!(view.controls.retrieve && !view.controls.hold);
    assert!(r.s("1001").can_make_call(), "calls can be made with a call on hold");
    r.check_menu_agrees("1001");
    r.act("1001", Intent::Retrieve(call.clone())).expect("Retrieve is offered");
    assert!(!r.s("1001").can_make_call());
    assert_eq!(
        r.act("1001", Intent::Retrieve(call.clone())),
        Err(Refusal::NotOffered(Action::Retrieve)),
        "the session refuses what the participant is not offered"
    );
    assert_eq!(completed(&r.events("1001")).len(), 2);

    // A Not Ready chosen during the call is pending.
    let lunch = ReasonCodeId::from("1");
    let menu = r.s("1001").state_menu();
    let item = menu
        .iter()
        .find(|i| i.intent == Intent::NotReady { reason: Some(lunch.clone()) })
        .expect("Not Ready - Lunch");
    assert!(item.enabled && item.after_call, "{item:?}");
    r.check_menu_agrees("1001");
    r.act("1001", Intent::NotReady { reason: Some(lunch.clone()) }).expect("pending Not Ready");
    assert_eq!(completed(&r.events("1001")).len(), 1);
    assert_eq!(
        r.s("1001").agent(r.now).pending.map(|p| p.to_string()).as_deref(),
        Some("Not Ready (Lunch)")
    );
    assert_eq!(r.s("1001").state(), Some(&AgentState::Talking));
    r.check_converged("1001");

    // Consult 1002, who answers; then transfer.
    r.act("1001", Intent::Consult { dialog: call.clone(), to: "1002".into() }).expect("consult");
    r.check_converged("1001");
    let consult = r
        .s("1001")
        .calls(r.now)
        .into_iter()
        .find(|c| c.associated.as_ref() == Some(&call))
        .expect("the consult call");
    assert_eq!(consult.status, "Dialing");
    let at_b = r
        .s("1002")
        .dialogs()
        .first()
        .and_then(finesse_model::Dialog::dialog_id)
        .expect("rings at 1002");
    r.act("1002", Intent::Answer(at_b)).expect("1002 answers");
    r.check_controls_agree("1001");
    let held = r.s("1001").call_view(&call, r.now).expect("the held call");
    assert!(held.controls.transfer && held.controls.conference, "{:?}", held.controls);
    r.act("1001", Intent::Transfer(call.clone())).expect("Transfer is offered");
    let ev = r.events("1001");
    assert!(completed(&ev).contains(&&Intent::Transfer(call.clone())), "{ev:?}");
    assert!(ev.contains(&Event::CallEnded { dialog: call.clone() }));
    assert!(r.s("1001").dialogs().is_empty());
    r.check_converged("1001");
    r.check_converged("1002");
    assert!(r.s("1002").dialog(&call).is_some(), "the original call moved to 1002");

    // The transfer ended 1001's part in the routed call: wrap-up with a required reason.
    assert_eq!(r.s("1001").state(), Some(&AgentState::Work));
    // (1001's legs left both calls; the agent is in wrap-up without a wrap-up leg here.)
    r.check_menu_agrees("1001");
}

#[test]
fn wrap_up_with_a_required_reason_then_the_pending_not_ready() {
    let mut r = Rig::new(CCE);
    r.sign_in("1001");
    r.act("1001", Intent::Ready).expect("Ready");
    let call = r.e.inject_call(&"10".into(), &[], r.now).expect("a call");
    r.deliver();
    r.act("1001", Intent::Answer(call.clone())).expect("answer");
    r.act("1001", Intent::NotReady { reason: Some("2".into()) }).expect("pending");
    r.tick(10_000);
    r.act("1001", Intent::End(call.clone())).expect("end");
    r.check_converged("1001");
    let s = r.s("1001");
    assert_eq!(s.state(), Some(&AgentState::Work), "Not Ready after wrap-up: WORK");
    let view = s.call_view(&call, r.now).expect("the call stays for wrap-up");
    assert_eq!(view.status, "Wrap-Up");
    assert_eq!(view.wrap_up.requirement, WrapUpRequirement::RequiredWithReason);
    assert!(view.wrap_up.reason_missing && view.controls.wrap_up);
    assert!(s.wrap_up_reason_missing());
    let menu = s.state_menu();
    assert!(
        menu.iter().filter(|i| !matches!(i.intent, Intent::SignOut { .. })).all(|i| !i.enabled),
        "leaving wrap-up waits for the reason: {menu:?}"
    );
    assert_eq!(
        r.act("1001", Intent::NotReady { reason: Some("2".into()) }),
        Err(Refusal::WrapUpReasonRequired)
    );
    r.events("1001");
    r.act("1001", Intent::WrapUpReason { dialog: call.clone(), reason: "Sales Call".into() })
        .expect("wrap-up reason");
    assert_eq!(completed(&r.events("1001")).len(), 1);
    let s = r.s("1001");
    assert!(!s.wrap_up_reason_missing());
    assert_eq!(
        s.call_view(&call, r.now).map(|v| v.wrap_up.reason),
        Some(Some("Sales Call".to_owned()))
    );
    r.check_menu_agrees("1001");
    // The wrap-up timer ends it: the pending Not Ready (Meeting) takes effect.
    r.tick(120_000);
    r.check_converged("1001");
    let agent = r.s("1001").agent(r.now);
    assert_eq!((agent.label, agent.reason.as_deref()), ("Not Ready", Some("Meeting")));
    assert_eq!(agent.pending, None);
    assert!(r.s("1001").dialogs().is_empty());
    r.check_menu_agrees("1001");
    // Sign out with a reason, from Not Ready.
    r.events("1001");
    r.act("1001", Intent::SignOut { reason: Some("10".into()) }).expect("Sign Out is offered");
    assert_eq!(completed(&r.events("1001")), [&Intent::SignOut { reason: Some("10".into()) }]);
    r.check_converged("1001");
    let agent = r.s("1001").agent(r.now);
    assert_eq!((agent.signed_in, agent.reason.as_deref()), (false, Some("End of Shift")));
}

#[test]
fn a_conference_with_an_outside_party() {
    let mut r = Rig::new(CCE);
    r.sign_in("1001");
    r.act("1001", Intent::MakeCall { to: "5551234".into(), variables: Vec::new() })
        .expect("a call from Not Ready");
    r.tick(1_000);
    let ev = r.events("1001");
    assert!(
        completed(&ev).contains(&&Intent::MakeCall { to: "5551234".into(), variables: Vec::new() }),
        "{ev:?}"
    );
    let first = r.s("1001").dialogs()[0].dialog_id().expect("an id");
    assert_eq!(r.s("1001").call_view(&first, r.now).map(|c| c.status), Some("Active"));
    r.act("1001", Intent::Consult { dialog: first.clone(), to: "5559876".into() })
        .expect("consult");
    r.tick(1_000);
    r.check_controls_agree("1001");
    r.act("1001", Intent::Conference(first.clone())).expect("conference");
    r.check_converged("1001");
    let calls = r.s("1001").calls(r.now);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].parties.len(), 2, "three parties: {:?}", calls[0].parties);
    r.check_controls_agree("1001");
    r.act("1001", Intent::End(first)).expect("end");
    r.check_converged("1001");
    r.check_menu_agrees("1001");
}

#[test]
fn asynchronous_errors_fail_the_request_they_name() {
    let mut r = Rig::new(CCE);
    r.sign_in("1001");
    r.act("1001", Intent::MakeCall { to: "5551234".into(), variables: Vec::new() }).expect("call");
    r.tick(1_000);
    let call = r.s("1001").dialogs()[0].dialog_id().expect("an id");
    r.events("1001");
    // The route point 8002 has nobody Ready: accepted (202), then a Generic Error notification.
    r.act("1001", Intent::Consult { dialog: call.clone(), to: "8002".into() }).expect("consult");
    let ev = r.events("1001");
    let f = failed(&ev);
    assert_eq!(f.len(), 1, "{ev:?}");
    assert_eq!(f[0].0, &Intent::Consult { dialog: call.clone(), to: "8002".into() });
    assert_eq!(f[0].1.kind, FailureKind::Asynchronous);
    assert!(
        f[0].1.message.starts_with("Could not consult 8002: the phone system refused it"),
        "{}",
        f[0].1.message
    );
    assert!(r.s("1001").in_flight().next().is_none());
    // A synchronous refusal: signing out on a call (the session refuses; forced through, the
    // engine answers 400 Invalid State with CTI error 22).
    assert_eq!(
        r.act("1001", Intent::SignOut { reason: Some("10".into()) }),
        Err(Refusal::StateNotAllowed(
            finesse_model::transitions::StateChangeError::InvalidTransition
        ))
    );
    let p = r.p("1001");
    let request =
        Request::put_user(&"1001".into(), &UserRequest::sign_out(Some("10".into()), false))
            .expect("encodes");
    let (status, body) = Rig::route(&mut r.e, &p, &request, r.now);
    let err = error_of(status, &body);
    assert!(err.to_string().contains("Invalid State"), "{err}");
}

#[test]
fn a_refresh_after_a_lost_connection_converges() {
    let mut r = Rig::new(CCE);
    r.sign_in("1001");
    r.act("1001", Intent::Ready).expect("Ready");
    // The notification connection is lost: a call rings, is answered by nobody, the caller
    // hangs up in between... the session sees none of it.
    let call = r.e.inject_call(&"10".into(), &[], r.now).expect("a call");
    r.e.drain_notifications();
    let p = r.p("1001");
    r.e.put_dialog(
        &p,
        &call,
        &DialogRequest::participant(Action::Answer, &"1001".into()),
        None,
        r.now,
    )
    .expect("answered elsewhere");
    r.e.drain_notifications();
    assert!(r.s("1001").dialogs().is_empty());
    r.events("1001");
    r.refresh("1001");
    r.check_converged("1001");
    let ev = r.events("1001");
    assert!(ev.contains(&Event::CallArrived { dialog: call.clone() }), "{ev:?}");
    assert!(ev.contains(&Event::StateChanged {
        from: Some(AgentState::Ready),
        to: Some(AgentState::Talking)
    }));
    // Disconnected again while the call ends: the refresh drops the dialog that is gone.
    r.e.put_dialog(
        &p,
        &call,
        &DialogRequest::participant(Action::Drop, &"1001".into()),
        None,
        r.now,
    )
    .expect("dropped");
    r.tick(200_000);
    r.e.drain_notifications();
    r.refresh("1001");
    r.check_converged("1001");
    assert!(r.s("1001").dialogs().is_empty());
    assert!(r.events("1001").contains(&Event::CallEnded { dialog: call }));
    r.check_menu_agrees("1001");
}

#[test]
fn every_state_the_flows_reach_agrees_on_uccx_too() {
    let toml = CCE.replace("deployment = \"UCCE\"", "deployment = \"UCCX\"");
    let mut r = Rig::new(&toml);
    r.sign_in("1001");
    assert_eq!(r.s("1001").deployment(), DeploymentType::Uccx);
    r.check_menu_agrees("1001");
    r.act("1001", Intent::Ready).expect("Ready");
    r.check_menu_agrees("1001"); // UCCX signs out from Ready
    let call = r.e.inject_call(&"10".into(), &[], r.now).expect("a call");
    r.deliver();
    r.check_menu_agrees("1001");
    r.act("1001", Intent::Answer(call.clone())).expect("answer");
    r.check_menu_agrees("1001"); // no pending Ready on UCCX
    r.act("1001", Intent::NotReady { reason: Some(lunch()) }).expect("one pending Not Ready");
    r.check_menu_agrees("1001"); // only once per call
    r.check_controls_agree("1001");
    r.act("1001", Intent::End(call)).expect("end");
    r.check_converged("1001");
    r.check_menu_agrees("1001");
    let participant_states: Vec<_> = r
        .s("1001")
        .dialogs()
        .iter()
        .filter_map(|d| d.participant("1001").and_then(|p| p.state.clone()))
        .collect();
    assert!(participant_states.iter().all(|s| *s == ParticipantState::WrapUp));
    let s = r.s("1001");
    assert_eq!((s.not_ready_reasons().len(), s.logout_reasons().len()), (2, 1));
}

fn lunch() -> ReasonCodeId {
    ReasonCodeId::from("1")
}

/// The roster agrees with `GET Team` member by member: state, reason, pending state,
/// extension and state change time.
fn check_roster(r: &Rig, supervisor: &str) {
    let team = r.e.get_team(&r.p(supervisor), &"1".into(), true).expect("the team");
    let users = team.users.map(|u| u.users).unwrap_or_default();
    assert_eq!(r.roster.members().len(), users.len());
    for u in &users {
        let truth = finesse_session::roster::Member::from_user(u).expect("a member");
        assert_eq!(r.roster.member(&truth.id), Some(&truth));
    }
}

#[test]
fn a_supervisor_forces_states_monitors_barges_and_drops() {
    use finesse_session::roster::{SupervisorContext, member_actions};
    let toml = format!("{CCE}supervises = [\"1\"]\n");
    let mut r = Rig::new(&toml);
    r.sign_in("1001");
    r.sign_in("1002");
    r.sign_in("1003");
    let team = r.e.get_team(&r.p("1003"), &"1".into(), true).expect("the team");
    r.roster.apply_team(team, true);
    check_roster(&r, "1003");
    fn allowed(r: &Rig, who: &str) -> finesse_session::roster::MemberActions {
        let s = r.s("1003");
        let sup =
            SupervisorContext { id: "1003", state: s.state(), on_a_call: !s.dialogs().is_empty() };
        member_actions(r.roster.member(who).expect(who), sup)
    }

    // Force Not Ready: offered for a Ready agent, done by the engine.
    r.act("1001", Intent::Ready).expect("ready");
    check_roster(&r, "1003");
    assert!(allowed(&r, "1001").not_ready && !allowed(&r, "1001").ready);
    let force = Intent::SetAgentState { agent: "1001".into(), state: AgentState::NotReady };
    r.act("1003", force.clone()).expect("force Not Ready");
    assert_eq!(completed(&r.events("1003")), [&force]);
    assert_eq!(r.roster.member("1001").unwrap().state, Some(AgentState::NotReady));
    assert_eq!(r.roster.member("1001").unwrap().reason.as_deref(), Some("Supervisor Initiated"));
    check_roster(&r, "1003");
    // A state the rules refuse is an error from the server, in words.
    r.act("1003", force.clone()).expect("sent");
    let ev = r.events("1003");
    assert_eq!(failed(&ev).len(), 1, "{ev:?}");
    assert!(!allowed(&r, "1001").not_ready);

    // Silent monitor a talking agent; the monitor call offers Barge In and End.
    r.act("1001", Intent::Ready).expect("ready");
    r.tick(1_000);
    let call = r.e.inject_call(&"10".into(), &[], r.now).expect("a call");
    r.deliver();
    r.act("1001", Intent::Answer(call.clone())).expect("answer");
    check_roster(&r, "1003");
    assert!(allowed(&r, "1001").monitor);
    assert!(!allowed(&r, "1001").ready && allowed(&r, "1001").sign_out);
    let monitor = Intent::SilentMonitor { extension: "1001".into() };
    r.act("1003", monitor.clone()).expect("monitor");
    r.tick(500);
    assert!(completed(&r.events("1003")).contains(&&monitor));
    let calls = r.s("1003").calls(r.now);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(calls[0].controls.barge && calls[0].controls.end, "{:?}", calls[0].controls);
    assert!(!allowed(&r, "1002").monitor, "already on a call");
    // Refused before sending: monitoring again while on the monitor call.
    assert_eq!(r.act("1003", monitor), Err(Refusal::CannotMonitor));

    // Barge in: the supervisor joins the original call, which offers dropping a participant.
    let sm = calls[0].id.clone();
    r.act("1003", Intent::Barge(sm)).expect("barge");
    r.tick(500);
    r.check_converged("1003");
    let calls = r.s("1003").calls(r.now);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].id, call);
    assert!(calls[0].controls.drop_participant, "{:?}", calls[0].controls);
    r.act("1003", Intent::DropParticipant { dialog: call.clone(), target: "1001".into() })
        .expect("drop the agent");
    r.tick(500);
    let ev = r.events("1003");
    assert!(failed(&ev).is_empty(), "{ev:?}");
    r.check_converged("1003");
    r.check_converged("1001");

    // Sign Out a Not Ready agent.
    assert!(allowed(&r, "1002").sign_out);
    r.act("1003", Intent::SetAgentState { agent: "1002".into(), state: AgentState::Logout })
        .expect("sign out");
    assert_eq!(r.roster.member("1002").unwrap().state, Some(AgentState::Logout));
    check_roster(&r, "1003");
}
