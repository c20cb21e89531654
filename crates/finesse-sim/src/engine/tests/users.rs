//! Agent state rules: sign in / out, the UCCE and UCCX transition tables, reason codes,
//! pending states, wrap-up (guide: "User—…", "Change Agent State", Platform-Based API
//! Differences).

use finesse_model::{
    Action, AgentState, Extension, MobileAgentMode, ParticipantState, ReasonCodeId, UpdateData,
    UpdateEvent, UserId, UserRequest,
};

use super::{H, describe, pstate};

fn state(s: AgentState) -> UserRequest {
    UserRequest::state(s, None)
}

#[test]
fn sign_in_lands_in_not_ready_with_reason_minus_one() {
    let mut h = H::cce();
    assert_eq!(h.state("1001"), AgentState::Logout);
    assert_eq!(h.user("1001").state_change_time, None, "empty before the first state change");
    h.login("1001");
    let out = h.drain();
    assert_eq!(
        describe(&out),
        [
            "/finesse/api/User/1001 PUT user NOT_READY",
            "/finesse/api/Team/1/Users PUT user NOT_READY"
        ]
    );
    let Some(UpdateData::User(u)) = &out[0].update.data else { panic!() };
    assert_eq!(out[0].update.request_id.as_deref(), Some("rq"));
    assert_eq!(out[0].update.source.as_deref(), Some("/finesse/api/User/1001"));
    assert_eq!(u.reason_code_id, Some(ReasonCodeId::from("-1")));
    assert_eq!(u.reason_code, None);
    assert_eq!(u.extension, Some(Extension::from("1001")));
    assert!(u.state_change_time.is_some());
    assert_eq!(
        u.settings.as_ref().and_then(|s| s.wrap_up_on_incoming.clone()),
        Some(finesse_model::WrapUpMode::Required)
    );
    assert_eq!(out[1].update.source.as_deref(), Some("/finesse/api/User/1001"));
}

#[test]
fn signing_in_again_keeps_the_state() {
    let mut h = H::cce();
    h.ready_agent("1001");
    h.drain();
    h.put_user("1001", &UserRequest::sign_in(&Extension::from("1001"))).unwrap();
    assert_eq!(h.state("1001"), AgentState::Ready);
    let out = h.drain();
    assert_eq!(
        describe(&out),
        ["/finesse/api/User/1001 PUT user READY"],
        "confirmation with the requestId"
    );
}

#[test]
fn sign_in_errors_are_synchronous_and_change_nothing() {
    let mut h = H::cce();
    let p = h.p("1001");
    let id = UserId::from("1001");
    let no_ext = UserRequest { state: Some(AgentState::Login), ..UserRequest::default() };
    h.rejected(400, "Parameter Missing", |e, now| e.put_user(&p, &id, &no_ext, None, now));
    let err = h.rejected(400, "Parameter Missing", |e, now| {
        e.put_user(&p, &id, &UserRequest::default(), None, now)
    });
    assert_eq!(err.errors[0].error_message.as_deref(), Some("State Parameter missing"));
    assert_eq!(err.errors[0].error_data.as_deref(), Some("state"));
    let other = UserId::from("1002");
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_user(&p, &other, &UserRequest::sign_in(&Extension::from("1002")), None, now)
    });
    let admin = h.admin();
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_user(&admin, &id, &UserRequest::sign_in(&Extension::from("1001")), None, now)
    });
    // Unified CCE does not sign in with an E.164 extension.
    h.rejected(400, "Bad Request", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_in(&Extension::from("+14085551234")), None, now)
    });
    let mobile =
        UserRequest::sign_in_mobile(&Extension::from("1001"), MobileAgentMode::CallByCall, "");
    h.rejected(400, "Parameter Missing", |e, now| e.put_user(&p, &id, &mobile, None, now));
    let bad_mode = UserRequest::sign_in_mobile(
        &Extension::from("1001"),
        MobileAgentMode::Unknown("X".into()),
        "4085551234",
    );
    h.rejected(400, "Invalid Input", |e, now| e.put_user(&p, &id, &bad_mode, None, now));
    let weird = state(AgentState::Talking);
    h.rejected(400, "Invalid Input", |e, now| e.put_user(&p, &id, &weird, None, now));
}

#[test]
fn sign_in_device_errors_are_asynchronous() {
    let mut h = H::cce();
    let p = h.p("1002");
    let id = UserId::from("1002");
    h.async_rejected("Invalid Device", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_in(&Extension::from("7777")), Some("rq"), now)
    });
    h.login("1001");
    h.async_rejected("Device Busy", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_in(&Extension::from("1001")), Some("rq"), now)
    });
    // A free extra device works.
    h.put_user("1002", &UserRequest::sign_in(&Extension::from("2000"))).unwrap();
    assert_eq!(h.user("1002").extension, Some(Extension::from("2000")));
    let mobile = UserRequest::sign_in_mobile(
        &Extension::from("1003"),
        MobileAgentMode::CallByCall,
        "4085551234",
    );
    let p3 = h.p("1003");
    let id3 = UserId::from("1003");
    h.async_rejected("Mode Not Allowed", |e, now| e.put_user(&p3, &id3, &mobile, Some("rq"), now));
}

#[test]
fn mobile_agents_sign_in_on_ucce_only() {
    let mut h = H::cce();
    let req = UserRequest::sign_in_mobile(
        &Extension::from("1001"),
        MobileAgentMode::NailedConnection,
        "4085551234",
    );
    h.put_user("1001", &req).unwrap();
    let u = h.user("1001");
    assert_eq!(u.state, Some(AgentState::NotReady));
    assert_eq!(u.mobile_agent.and_then(|m| m.dial_number).as_deref(), Some("4085551234"));
    let mut x = H::ccx();
    let p = x.p("1001");
    let id = UserId::from("1001");
    x.rejected(501, "Not Implemented", |e, now| e.put_user(&p, &id, &req, None, now));
}

#[test]
fn ready_and_not_ready_with_reason_codes() {
    let mut h = H::cce();
    h.login("1001");
    h.ready("1001");
    assert_eq!(h.state("1001"), AgentState::Ready);
    let p = h.p("1001");
    let id = UserId::from("1001");
    // Reason codes are configured for NOT_READY: one is required, and it must apply.
    h.rejected(400, "Parameter Missing", |e, now| {
        e.put_user(&p, &id, &state(AgentState::NotReady), None, now)
    });
    let team2_code = UserRequest::state(AgentState::NotReady, Some("2".into()));
    h.rejected(400, "Invalid Input", |e, now| e.put_user(&p, &id, &team2_code, None, now));
    let logout_code = UserRequest::state(AgentState::NotReady, Some("10".into()));
    h.rejected(400, "Invalid Input", |e, now| e.put_user(&p, &id, &logout_code, None, now));
    let ready_with_reason = UserRequest::state(AgentState::Ready, Some("1".into()));
    h.rejected(400, "Invalid Input", |e, now| e.put_user(&p, &id, &ready_with_reason, None, now));
    // READY → READY is not in the table.
    let err = h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &state(AgentState::Ready), None, now)
    });
    assert_eq!(err.errors[0].error_message.as_deref(), Some("CF_INVALID_OBJECT_STATE"));
    h.drain();
    h.not_ready("1001", Some("1")).unwrap();
    let u = h.user("1001");
    assert_eq!(u.state, Some(AgentState::NotReady));
    assert_eq!(u.reason_code_id, Some(ReasonCodeId::from("1")));
    let rc = u.reason_code.unwrap();
    assert_eq!(
        (rc.code, rc.label.as_deref(), rc.id.as_ref().map(|i| i.as_str())),
        (Some(12), Some("Lunch"), Some("1"))
    );
    // Team 2's code applies to team 2's agent; NOT_READY → NOT_READY changes the code.
    h.login("1003");
    h.not_ready("1003", Some("2")).unwrap();
    h.not_ready("1003", Some("1")).unwrap();
    assert_eq!(h.user("1003").reason_code_id, Some(ReasonCodeId::from("1")));
}

#[test]
fn sign_out_is_from_not_ready_on_ucce_and_also_from_ready_on_uccx() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let p = h.p("1001");
    let id = UserId::from("1001");
    let logout = UserRequest::sign_out(Some("10".into()), false);
    h.rejected(400, "Invalid State", |e, now| e.put_user(&p, &id, &logout, None, now));
    h.not_ready("1001", Some("1")).unwrap();
    // A LOGOUT reason code is configured, so it is required.
    h.rejected(400, "Parameter Missing", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_out(None, false), None, now)
    });
    h.put_user("1001", &logout).unwrap();
    let u = h.user("1001");
    assert_eq!(u.state, Some(AgentState::Logout));
    assert_eq!(u.extension, None);
    assert_eq!(u.reason_code.and_then(|r| r.label).as_deref(), Some("End of Shift"));

    let mut x = H::ccx();
    x.ready_agent("1001");
    x.put_user("1001", &logout).unwrap();
    assert_eq!(x.state("1001"), AgentState::Logout);
}

#[test]
fn changing_state_while_signed_out_reports_the_platform_cti_error() {
    for (mut h, data, message) in [
        (H::cce(), "257", "CF_INVALID_PASSWORD_SPECIFIED"),
        (H::ccx(), "1010", "CF_INVALID_PARAMETER"),
    ] {
        let p = h.p("1001");
        let id = UserId::from("1001");
        for req in [
            UserRequest::state(AgentState::NotReady, Some("1".into())),
            state(AgentState::Ready),
            UserRequest::sign_out(Some("10".into()), false),
        ] {
            let err =
                h.rejected(400, "Invalid State", |e, now| e.put_user(&p, &id, &req, None, now));
            assert_eq!(err.errors[0].error_data.as_deref(), Some(data));
            assert_eq!(err.errors[0].error_message.as_deref(), Some(message));
        }
    }
}

#[test]
fn pending_states_during_a_call_on_ucce() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.drain();
    // NOT_READY while TALKING is pending; the last choice wins.
    h.not_ready("1002", Some("1")).unwrap();
    assert_eq!(h.user("1002").pending_state, Some(AgentState::NotReady));
    assert_eq!(
        describe(&h.drain())[..2],
        [
            "/finesse/api/User/1002 PUT user TALKING".to_owned(),
            "/finesse/api/Team/1/Users PUT user TALKING".to_owned()
        ]
    );
    h.ready("1002");
    let u = h.user("1002");
    assert_eq!((u.state, u.pending_state), (Some(AgentState::Talking), Some(AgentState::Ready)));
    let p = h.p("1002");
    let id = UserId::from("1002");
    h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_out(Some("10".into()), false), None, now)
    });
    // 1002 has no wrap-up: READY when the call ends.
    h.act("1002", &d, Action::Drop).unwrap();
    let u = h.user("1002");
    assert_eq!((u.state, u.pending_state), (Some(AgentState::Ready), None));
}

#[test]
fn pending_states_on_uccx() {
    let mut h = H::ccx();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    let p = h.p("1002");
    let id = UserId::from("1002");
    let err = h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &state(AgentState::Ready), None, now)
    });
    assert_eq!(err.errors[0].error_data.as_deref(), Some("265"));
    h.not_ready("1002", Some("1")).unwrap();
    assert_eq!(h.user("1002").pending_state, Some(AgentState::NotReady));
    // Only once per call.
    let again = UserRequest::state(AgentState::NotReady, Some("1".into()));
    let err = h.rejected(400, "Invalid State", |e, now| e.put_user(&p, &id, &again, None, now));
    assert_eq!(err.errors[0].error_message.as_deref(), Some("CF_INVALID_AGENT_WORKMODE"));
    h.act("1002", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1002"), AgentState::NotReady);
    assert_eq!(h.user("1002").reason_code_id, Some(ReasonCodeId::from("1")));
    // A non-ICD call: the agent stays NOT_READY and cannot set a pending READY.
    h.login("1001");
    let call = finesse_model::DialogRequest::make_call(&Extension::from("1002"), "5551234", vec![]);
    h.post("1002", &call).unwrap();
    h.tick(1_000);
    let out = h.dialogs("1002");
    assert_eq!(pstate(&out[0], "1002"), ParticipantState::Active);
    assert_eq!(h.state("1002"), AgentState::NotReady);
    let err = h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &state(AgentState::Ready), None, now)
    });
    assert_eq!(err.errors[0].error_data.as_deref(), Some("33"));
    assert_eq!(err.errors[0].error_message.as_deref(), Some("CF_RESOURCE_BUSY"));
}

#[test]
fn uccx_holding_an_icd_call_stays_talking() {
    let mut h = H::ccx();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.drain();
    h.act("1002", &d, Action::Hold).unwrap();
    assert_eq!(h.state("1002"), AgentState::Talking);
    let out = h.drain();
    assert!(
        out.iter()
            .all(|n| !n.node.starts_with("/finesse/api/User/1002") || n.node.ends_with("/Dialogs")),
        "{:?}",
        describe(&out)
    );
    let mut c = H::cce();
    c.ready_agent("1002");
    let d = c.answered_call("1002");
    c.act("1002", &d, Action::Hold).unwrap();
    assert_eq!(c.state("1002"), AgentState::Hold);
}

#[test]
fn required_wrap_up_goes_work_ready_and_the_timer_ends_it() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let d = h.answered_call("1001");
    h.drain();
    h.act("1001", &d, Action::Drop).unwrap();
    let out = describe(&h.drain());
    assert_eq!(
        out,
        [
            format!("/finesse/api/User/1001/Dialogs PUT dialog {} DROPPED", d.as_str()),
            format!("/finesse/api/User/1001/Dialogs PUT dialog {} DROPPED", d.as_str()),
            "/finesse/api/User/1001 PUT user WORK_READY".to_owned(),
            "/finesse/api/Team/1/Users PUT user WORK_READY".to_owned(),
        ]
    );
    let dialog = h.only_dialog("1001");
    assert_eq!(pstate(&dialog, "1001"), ParticipantState::WrapUp);
    assert_eq!(
        super::part(&dialog, "1001").actions.as_ref().unwrap().action,
        [Action::UpdateCallData]
    );
    // The wrap-up reason can be set during wrap-up.
    h.put("1001", &d, &finesse_model::DialogRequest::update_call_data(Some("Sales Call"), vec![]))
        .unwrap();
    assert_eq!(
        h.only_dialog("1001").media_properties.unwrap().wrap_up_reason.as_deref(),
        Some("Sales Call")
    );
    h.tick(29_999);
    assert_eq!(h.state("1001"), AgentState::WorkReady);
    h.drain();
    h.tick(1);
    assert_eq!(h.state("1001"), AgentState::Ready);
    let out = describe(&h.drain());
    assert_eq!(
        out[0],
        format!("/finesse/api/User/1001/Dialogs DELETE dialogs {} DROPPED", d.as_str())
    );
    assert!(h.dialogs("1001").is_empty());
}

#[test]
fn wrap_up_ends_early_and_pending_not_ready_goes_work() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let d = h.answered_call("1001");
    h.not_ready("1001", Some("1")).unwrap();
    h.act("1001", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1001"), AgentState::Work);
    h.tick(30_000);
    let u = h.user("1001");
    assert_eq!(
        (u.state, u.reason_code_id),
        (Some(AgentState::NotReady), Some(ReasonCodeId::from("1")))
    );
    // Leaving wrap-up by request.
    h.ready("1001");
    let d = h.answered_call("1001");
    h.act("1001", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1001"), AgentState::WorkReady);
    h.ready("1001");
    assert_eq!(h.state("1001"), AgentState::Ready);
    assert!(h.dialogs("1001").is_empty());
    let p = h.p("1001");
    let id = UserId::from("1001");
    let d = h.answered_call("1001");
    h.act("1001", &d, Action::Drop).unwrap();
    // WORK_READY → LOGOUT is not in the table.
    h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &UserRequest::sign_out(Some("10".into()), false), None, now)
    });
}

#[test]
fn optional_wrap_up_only_when_requested_and_not_allowed_never() {
    let mut h = H::cce();
    h.ready_agent("1003");
    let p = h.p("1003");
    let id = UserId::from("1003");
    // WORK outside a call is an invalid transition.
    h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p, &id, &state(AgentState::Work), None, now)
    });
    let d = h.answered_call("1003");
    h.act("1003", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1003"), AgentState::Ready, "optional: no wrap-up unless asked");
    let d = h.answered_call("1003");
    h.put_user("1003", &state(AgentState::Work)).unwrap();
    assert_eq!(h.user("1003").pending_state, Some(AgentState::Work));
    h.act("1003", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1003"), AgentState::Work);
    h.tick(60_000);
    assert_eq!(h.state("1003"), AgentState::NotReady);
    // NOT_ALLOWED: asking for wrap-up is an invalid state.
    h.ready_agent("1002");
    h.not_ready("1003", Some("1")).unwrap();
    let d = h.answered_call("1002");
    let p2 = h.p("1002");
    let id2 = UserId::from("1002");
    h.rejected(400, "Invalid State", |e, now| {
        e.put_user(&p2, &id2, &state(AgentState::WorkReady), None, now)
    });
    h.act("1002", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1002"), AgentState::Ready);
}

#[test]
fn uccx_wrap_up_is_work_then_not_ready() {
    let mut h = H::ccx();
    h.ready_agent("1001");
    let d = h.answered_call("1001");
    h.act("1001", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1001"), AgentState::Work);
    h.tick(30_000);
    let u = h.user("1001");
    assert_eq!(
        (u.state, u.reason_code_id),
        (Some(AgentState::NotReady), Some(ReasonCodeId::from("-1")))
    );
    assert_eq!(u.settings, None, "settings are UCCE only");
}

#[test]
fn a_routed_call_never_taken_returns_the_agent_to_ready() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.call();
    assert_eq!(h.state("1002"), AgentState::Reserved);
    h.tick(600_000);
    assert_eq!(h.state("1002"), AgentState::Ready, "the caller abandoned while ringing");
    assert!(h.dialogs("1002").is_empty());
    assert_eq!(h.e.counters().abandoned, 1);
    assert!(h.e.get_dialog(&h.admin(), &d).is_err());
}

#[test]
fn logout_all_media_signs_out_of_the_mrds_with_the_reason() {
    let mut h = H::cce();
    h.login("1001");
    let p = h.p("1001");
    let media =
        finesse_model::MediaRequest::sign_in(3, finesse_model::InterruptAction::Accept, None);
    h.e.put_media(&p, &UserId::from("1001"), &"5000".into(), &media, None, h.now).unwrap();
    h.drain();
    h.put_user("1001", &UserRequest::sign_out(Some("10".into()), true)).unwrap();
    let out = h.drain();
    let media = out.iter().find_map(|n| match &n.update.data {
        Some(UpdateData::Media(m)) => Some(m.clone()),
        _ => None,
    });
    let m = media.expect("a Media notification");
    assert_eq!(m.state, Some(finesse_model::MediaAgentState::Logout));
    assert_eq!(m.reason_code_id, Some(ReasonCodeId::from("10")));
    assert!(out.iter().all(|n| n.update.event == Some(UpdateEvent::Put)));
}

#[test]
fn forced_logout_after_presence_loss_uses_reason_255() {
    let mut h = H::cce();
    h.ready_agent("1002");
    h.e.force_logout(&UserId::from("1002"), h.now);
    h.check();
    let u = h.user("1002");
    assert_eq!(u.state, Some(AgentState::Logout));
    assert_eq!(u.reason_code.and_then(|r| r.code), Some(255));
    // On a call: signed out when it ends.
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.e.force_logout(&UserId::from("1002"), h.now);
    h.check();
    assert_eq!(h.user("1002").pending_state, Some(AgentState::Logout));
    h.act("1002", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1002"), AgentState::Logout);
    // Nothing for a signed-out user.
    h.drain();
    h.e.force_logout(&UserId::from("1003"), h.now);
    assert!(h.drain().is_empty());
    assert!(h.e.get_reservation_dialogs(&h.p("1002"), &UserId::from("1002")).unwrap().is_empty());
    assert!(
        h.e.get_media_dialogs(&h.p("1001"), &UserId::from("1001"), &"5000".into())
            .unwrap()
            .is_empty()
    );
}
