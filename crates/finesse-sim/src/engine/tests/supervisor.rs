//! Supervisor features: changing team members' states, silent monitor (Table 5), barge
//! (Table 6), dropping a conference participant, the Team API and its notifications.

use finesse_model::{
    Action, AgentState, CallType, DialogRequest, DialogState, Extension, ParticipantState,
    ReasonCodeId, TeamId, UpdateData, UserId, UserRequest,
};

use super::{H, describe, did, part, pstate};

fn ext(s: &str) -> Extension {
    Extension::from(s)
}

fn monitor(sup: &str, agent: &str) -> DialogRequest {
    DialogRequest::silent_monitor(&ext(sup), &ext(agent))
}

#[test]
fn supervisor_changes_a_team_members_state() {
    for (mut h, code) in [(H::cce(), 999), (H::ccx(), 33)] {
        h.ready_agent("1001");
        h.login("1010");
        let sup = h.p("1010");
        let id = UserId::from("1001");
        h.put_user_as("1010", "1001", &UserRequest::state(AgentState::NotReady, None)).unwrap();
        let u = h.user("1001");
        assert_eq!(u.state, Some(AgentState::NotReady));
        let rc = u.reason_code.unwrap();
        assert_eq!((rc.code, rc.system_code), (Some(code), Some(true)));
        assert_eq!(u.reason_code_id, Some(ReasonCodeId::from("-1")));
        // NOT_READY only from READY, WORK or WORK_READY; no reason code; team members only.
        let nr = UserRequest::state(AgentState::NotReady, None);
        h.rejected(400, "Invalid State", |e, now| e.put_user(&sup, &id, &nr, None, now));
        let with_reason = UserRequest::state(AgentState::NotReady, Some("1".into()));
        h.rejected(400, "Invalid Input", |e, now| e.put_user(&sup, &id, &with_reason, None, now));
        h.rejected(400, "Invalid State", |e, now| {
            e.put_user(&sup, &id, &UserRequest::state(AgentState::Talking, None), None, now)
        });
        h.login("1003");
        h.rejected(401, "Invalid Supervisor", |e, now| {
            e.put_user(
                &sup,
                &"1003".into(),
                &UserRequest::state(AgentState::Ready, None),
                None,
                now,
            )
        });
        // An agent cannot change another agent's state.
        let agent = h.p("1002");
        h.rejected(401, "Invalid Authorization User Specified", |e, now| {
            e.put_user(&agent, &id, &UserRequest::state(AgentState::Ready, None), None, now)
        });
        h.put_user_as("1010", "1001", &UserRequest::state(AgentState::Ready, None)).unwrap();
        assert_eq!(h.state("1001"), AgentState::Ready);
        h.put_user_as("1010", "1001", &UserRequest::sign_out(None, false)).unwrap();
        assert_eq!(h.state("1001"), AgentState::Logout);
        h.rejected(400, "Invalid State", |e, now| {
            e.put_user(&sup, &id, &UserRequest::sign_out(None, false), None, now)
        });
    }
}

#[test]
fn supervisor_sign_out_during_a_call_is_pending() {
    let mut h = H::cce();
    h.ready_agent("1002");
    h.login("1010");
    let d = h.answered_call("1002");
    h.put_user_as("1010", "1002", &UserRequest::sign_out(None, false)).unwrap();
    let u = h.user("1002");
    assert_eq!((u.state, u.pending_state), (Some(AgentState::Talking), Some(AgentState::Logout)));
    h.act("1002", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1002"), AgentState::Logout);
}

#[test]
fn silent_monitor_follows_table_5_on_ucce() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let orig = h.answered_call("1001");
    h.login("1010");
    h.drain();
    h.post("1010", &monitor("1010", "1001")).unwrap();
    let out = h.drain();
    let lines = describe(&out);
    let sm = match &out[0].update.data {
        Some(UpdateData::Dialogs(ds)) => did(&ds[0]),
        other => panic!("{other:?}"),
    };
    let m = sm.as_str();
    assert_eq!(
        lines[..5],
        [
            format!("/finesse/api/User/1010/Dialogs POST dialogs {m} INITIATING"),
            format!("/finesse/api/User/1010/Dialogs PUT dialog {m} INITIATED"),
            format!("/finesse/api/User/1001/Dialogs POST dialogs {m} ALERTING"),
            format!("/finesse/api/User/1010/Dialogs PUT dialog {m} ALERTING"),
            format!("/finesse/api/User/1001/Dialogs PUT dialog {m} ACTIVE"),
        ]
    );
    let d = h.dialog(&sm);
    assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::SupervisorMonitor));
    assert_eq!(
        d.associated_dialog_uri.as_deref(),
        Some(format!("/finesse/api/Dialog/{}", orig.as_str()).as_str())
    );
    assert_eq!(pstate(&d, "1001"), ParticipantState::Active);
    assert_eq!(
        part(&d, "1001").actions.as_ref().map(|a| a.action.len()).unwrap_or(0),
        0,
        "the monitored agent is passive"
    );
    assert_eq!(
        part(&d, "1010").actions.as_ref().unwrap().action,
        [Action::BargeCall, Action::Drop]
    );
    assert_eq!(h.state("1010"), AgentState::Talking, "UCCE: the supervisor goes TALKING");
    assert_eq!(h.state("1001"), AgentState::Talking);
    assert_eq!(h.dialogs("1001").len(), 2, "the original and the passive monitor call");
    // The supervisor ends the monitoring.
    h.act("1010", &sm, Action::Drop).unwrap();
    assert!(h.dialogs("1010").is_empty());
    assert_eq!(h.dialogs("1001").len(), 1);
    assert_eq!(h.state("1010"), AgentState::NotReady);
    // Monitoring ends when the agent drops.
    h.post("1010", &monitor("1010", "1001")).unwrap();
    h.act("1001", &orig, Action::Drop).unwrap();
    assert!(h.dialogs("1010").is_empty());
    assert_eq!(h.state("1010"), AgentState::NotReady);
}

#[test]
fn silent_monitor_on_uccx_keeps_the_supervisor_not_ready() {
    let mut h = H::ccx();
    h.ready_agent("1001");
    h.answered_call("1001");
    h.login("1010");
    h.post("1010", &monitor("1010", "1001")).unwrap();
    assert_eq!(h.state("1010"), AgentState::NotReady);
    assert_eq!(h.dialogs("1010")[0].state, Some(DialogState::Active));
}

#[test]
fn silent_monitor_errors() {
    let mut h = H::cce();
    h.login("1001");
    h.login("1010");
    h.login("1003");
    let sup = h.p("1010");
    let sid = UserId::from("1010");
    // An agent is no supervisor; the agent must be on a supervised team.
    let agent = h.p("1001");
    h.rejected(401, "Authorization Failure", |e, now| {
        e.post_dialog(&agent, &"1001".into(), &monitor("1001", "1003"), None, now)
    });
    h.rejected(401, "Invalid Supervisor", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1003"), None, now)
    });
    h.rejected(400, "Invalid Destination", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1010"), None, now)
    });
    h.rejected(400, "Invalid Destination", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "4444"), None, now)
    });
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1011", "1001"), None, now)
    });
    // UCCE asynchronous errors by the agent's state.
    h.async_rejected("13145", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1001"), Some("rq"), now)
    });
    h.ready("1001");
    h.async_rejected("Invalid State", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1001"), Some("rq"), now)
    });
    let d = h.answered_call("1001");
    h.act("1001", &d, Action::Hold).unwrap();
    h.async_rejected("13145", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1001"), Some("rq"), now)
    });
    h.act("1001", &d, Action::Retrieve).unwrap();
    // The supervisor must be NOT_READY and on no call.
    h.ready("1010");
    h.rejected(400, "Invalid State", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1001"), None, now)
    });
    let mut x = H::ccx();
    x.login("1001");
    x.login("1010");
    let sup = x.p("1010");
    x.async_rejected("88049", |e, now| {
        e.post_dialog(&sup, &sid, &monitor("1010", "1001"), Some("rq"), now)
    });
}

#[test]
fn barge_follows_table_6_and_the_supervisor_leaves_again() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let orig = h.answered_call("1001");
    h.login("1010");
    h.post("1010", &monitor("1010", "1001")).unwrap();
    let sm = did(&h.only_dialog("1010"));
    let uri = format!("/finesse/api/Dialog/{}", sm.as_str());
    let sup = h.p("1010");
    let sid = UserId::from("1010");
    let mut no_uri = DialogRequest::barge(&ext("1010"), &ext("1001"), &uri);
    no_uri.associated_dialog_uri = None;
    h.rejected(400, "Parameter Missing", |e, now| e.post_dialog(&sup, &sid, &no_uri, None, now));
    let wrong = DialogRequest::barge(
        &ext("1010"),
        &ext("1001"),
        &format!("/finesse/api/Dialog/{}", orig.as_str()),
    );
    h.rejected(400, "Invalid Input", |e, now| e.post_dialog(&sup, &sid, &wrong, None, now));
    let admin = h.admin();
    h.rejected(401, "Authorization Failure", |e, now| {
        e.post_dialog(
            &admin,
            &sid,
            &DialogRequest::barge(&ext("1010"), &ext("1001"), &uri),
            None,
            now,
        )
    });
    h.drain();
    h.post("1010", &DialogRequest::barge(&ext("1010"), &ext("1001"), &uri)).unwrap();
    let lines = describe(&h.drain());
    let (o, m) = (orig.as_str(), sm.as_str());
    assert!(
        lines.contains(&format!("/finesse/api/User/1010/Dialogs DELETE dialogs {m} DROPPED")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("/finesse/api/User/1001/Dialogs DELETE dialogs {m} DROPPED")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!("/finesse/api/User/1010/Dialogs POST dialogs {o} ACTIVE")),
        "{lines:#?}"
    );
    let d = h.dialog(&orig);
    assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::Conference));
    assert_eq!(d.participants.as_ref().unwrap().len(), 3);
    assert_eq!(
        (pstate(&d, "1010"), pstate(&d, "1001")),
        (ParticipantState::Active, ParticipantState::Active)
    );
    assert!(part(&d, "1010").actions.as_ref().unwrap().action.contains(&Action::ParticipantDrop));
    assert_eq!(h.state("1010"), AgentState::Talking);
    // End of the barge: the agent stays with the caller.
    h.act("1010", &orig, Action::Drop).unwrap();
    assert!(h.dialogs("1010").is_empty());
    assert_eq!(h.dialog(&orig).participants.unwrap().len(), 2);
    assert_eq!(h.state("1001"), AgentState::Talking);
}

#[test]
fn barge_refused_when_the_agent_holds_the_call() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let orig = h.answered_call("1001");
    h.login("1010");
    h.post("1010", &monitor("1010", "1001")).unwrap();
    let sm = did(&h.only_dialog("1010"));
    h.act("1001", &orig, Action::Hold).unwrap();
    // Holding the monitored call does not end monitoring; barging in on a held agent fails.
    let sup = h.p("1010");
    let req = DialogRequest::barge(
        &ext("1010"),
        &ext("1001"),
        &format!("/finesse/api/Dialog/{}", sm.as_str()),
    );
    h.rejected(400, "Invalid Destination", |e, now| {
        e.post_dialog(&sup, &"1010".into(), &req, None, now)
    });
}

#[test]
fn participant_drop_from_a_conference() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let orig = h.answered_call("1001");
    h.login("1010");
    let sup = h.p("1010");
    let drop1001 = DialogRequest::participant_drop(&ext("1001"));
    // Not a participant yet.
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_dialog(&sup, &orig, &drop1001, None, now)
    });
    h.post("1010", &monitor("1010", "1001")).unwrap();
    let sm = did(&h.only_dialog("1010"));
    h.post(
        "1010",
        &DialogRequest::barge(
            &ext("1010"),
            &ext("1001"),
            &format!("/finesse/api/Dialog/{}", sm.as_str()),
        ),
    )
    .unwrap();
    let agent = h.p("1001");
    h.rejected(401, "Authorization Failure", |e, now| {
        e.put_dialog(&agent, &orig, &DialogRequest::participant_drop(&ext("1010")), None, now)
    });
    h.rejected(400, "Invalid Destination", |e, now| {
        e.put_dialog(&sup, &orig, &DialogRequest::participant_drop(&ext("4085550000")), None, now)
    });
    h.put("1010", &orig, &drop1001).unwrap();
    assert_eq!(h.state("1001"), AgentState::WorkReady, "the dropped agent wraps up");
    let d = h.only_dialog("1010");
    assert_eq!(
        d.participants
            .as_ref()
            .unwrap()
            .iter()
            .filter(|p| p.state == Some(ParticipantState::Active))
            .count(),
        2
    );
    // Now a two-party call: not a conference.
    h.rejected(400, "Invalid State", |e, now| {
        e.put_dialog(&sup, &orig, &DialogRequest::participant_drop(&ext("1010")), None, now)
    });
}

#[test]
fn the_team_api_and_team_notifications() {
    let mut h = H::cce();
    h.login("1001");
    h.login("1010");
    h.drain();
    h.ready("1001");
    let out = h.drain();
    let team =
        out.iter().find(|n| n.node == "/finesse/api/Team/1/Users").expect("a team notification");
    let Some(UpdateData::User(u)) = &team.update.data else { panic!() };
    assert_eq!(
        (u.login_id.as_ref().map(|i| i.as_str()), u.state.clone()),
        (Some("1001"), Some(AgentState::Ready))
    );
    assert_eq!(u.roles, None, "a summary user");
    let sup = h.p("1010");
    let t = h.e.get_team(&sup, &TeamId::from("1"), true).unwrap();
    let users = t.users.unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(h.e.get_team(&sup, &TeamId::from("1"), false).unwrap().users.unwrap().len(), 2);
    assert_eq!(h.e.get_team(&h.p("1001"), &TeamId::from("1"), true).unwrap_err().status, 401);
    assert_eq!(h.e.get_team(&sup, &TeamId::from("2"), true).unwrap_err().status, 401);
    assert_eq!(h.e.get_team(&sup, &TeamId::from("9"), true).unwrap_err().status, 404);
    assert!(h.e.get_team(&h.admin(), &TeamId::from("2"), true).is_ok());
    // Supervisors may read their team members.
    assert!(h.e.get_user(&sup, &UserId::from("1001")).is_ok());
    assert_eq!(h.e.get_user(&sup, &UserId::from("1003")).unwrap_err().status, 401);
    let x = H::ccx();
    let t = x.e.get_team(&x.p("1010"), &TeamId::from("1"), true).unwrap();
    assert!(t.users.unwrap().iter().all(|u| u.media_state.is_some()), "UCCX adds mediaState");
}

#[test]
fn administrators_end_any_silent_monitor_call() {
    let mut h = H::cce();
    h.ready_agent("1001");
    let orig = h.answered_call("1001");
    h.login("1010");
    h.post("1010", &monitor("1010", "1001")).unwrap();
    let sm = did(&h.only_dialog("1010"));
    let admin = h.admin();
    // Only the silent monitor call, and only for the supervisor's participant.
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_dialog(
            &admin,
            &orig,
            &DialogRequest::participant(Action::Drop, &ext("1001")),
            None,
            now,
        )
    });
    h.rejected(400, "Invalid Input", |e, now| {
        e.put_dialog(
            &admin,
            &sm,
            &DialogRequest::participant(Action::Drop, &ext("4444")),
            None,
            now,
        )
    });
    h.e.put_dialog(
        &admin,
        &sm,
        &DialogRequest::participant(Action::Drop, &ext("1010")),
        Some("a"),
        h.now,
    )
    .unwrap();
    h.check();
    assert!(h.dialogs("1010").is_empty());
    assert_eq!(h.dialogs("1001").len(), 1);
    assert_eq!(h.dialog(&orig).state, Some(DialogState::Active));
}
