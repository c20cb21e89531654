//! Dialog actions against the CTI mapping tables (Tables 1–4) and the Participant States
//! table, and every documented Dialog error.

use finesse_model::{
    Action, AgentState, CallType, CallVariable, DialogRequest, DialogState, Extension,
    MediaProperties, ParticipantState, StateCause, UpdateData, UpdateEvent, UserId,
};

use super::{H, describe, did, part, pstate};

fn ext(s: &str) -> Extension {
    Extension::from(s)
}

fn actions(d: &finesse_model::Dialog, e: &str) -> Vec<Action> {
    part(d, e).actions.as_ref().map(|a| a.action.clone()).unwrap_or_default()
}

#[test]
fn an_inbound_call_follows_table_1() {
    let mut h = H::cce();
    let d = h.call();
    // Waiting in queue: nobody's dialog yet.
    assert_eq!(h.e.waiting_calls()[0].1, 1);
    assert!(h.drain().is_empty(), "the caller is no agent: no events");
    h.login("1002");
    h.ready("1002");
    let out = h.drain();
    let lines = describe(&out);
    assert!(
        lines.contains(&format!(
            "/finesse/api/User/1002/Dialogs POST dialogs {} ALERTING",
            d.as_str()
        )),
        "{lines:#?}"
    );
    assert_eq!(h.state("1002"), AgentState::Reserved);
    let dialog = h.dialog(&d);
    assert_eq!(dialog.state, Some(DialogState::Alerting));
    assert_eq!(pstate(&dialog, "1002"), ParticipantState::Alerting);
    assert_eq!(actions(&dialog, "1002"), [Action::Answer]);
    let caller = dialog
        .participants
        .as_ref()
        .unwrap()
        .iter()
        .find(|p| p.media_address_type.is_none())
        .unwrap();
    assert_eq!(caller.state, Some(ParticipantState::Initiated));
    let mp = dialog.media_properties.clone().unwrap();
    assert_eq!(mp.call_type, Some(CallType::AcdIn));
    assert_eq!(
        (mp.dnis.as_deref(), mp.queue_number.as_deref(), mp.queue_name.as_deref()),
        (Some("8001"), Some("10"), Some("Sales"))
    );
    assert_eq!(dialog.to_address.as_deref(), Some("8001"));
    assert_eq!(dialog.call_variable("callVariable1"), Some("Alice"));
    assert_eq!(dialog.call_variable("callVariable10"), Some(""));
    assert!(mp.call_key_call_id.is_some() && mp.call_key_prefix.is_some());
    h.drain();
    h.act("1002", &d, Action::Answer).unwrap();
    let out = h.drain();
    assert_eq!(
        describe(&out),
        [
            format!("/finesse/api/User/1002/Dialogs PUT dialog {} ACTIVE", d.as_str()),
            "/finesse/api/User/1002 PUT user TALKING".to_owned(),
            "/finesse/api/Team/1/Users PUT user TALKING".to_owned(),
        ]
    );
    assert!(out.iter().all(|n| n.update.request_id.as_deref() == Some("rq")));
    let dialog = h.dialog(&d);
    assert_eq!(
        dialog
            .participants
            .as_ref()
            .unwrap()
            .iter()
            .filter(|p| p.state == Some(ParticipantState::Active))
            .count(),
        2
    );
    assert_eq!(
        actions(&dialog, "1002"),
        [
            Action::Hold,
            Action::Drop,
            Action::UpdateCallData,
            Action::ConsultCall,
            Action::SendDtmf,
            Action::TransferSst
        ]
    );
    h.act("1002", &d, Action::Drop).unwrap();
    let lines = describe(&h.drain());
    assert_eq!(
        lines[0],
        format!("/finesse/api/User/1002/Dialogs PUT dialog {} DROPPED", d.as_str())
    );
    assert_eq!(
        lines[1],
        format!("/finesse/api/User/1002/Dialogs DELETE dialogs {} DROPPED", d.as_str())
    );
    assert_eq!(h.state("1002"), AgentState::Ready);
    assert_eq!(h.e.counters().completed, 1);
}

#[test]
fn participant_action_errors() {
    let mut h = H::cce();
    h.ready_agent("1002");
    h.login("1001");
    let d = h.call();
    let p2 = h.p("1002");
    let p1 = h.p("1001");
    let answer2 = DialogRequest::participant(Action::Answer, &ext("1002"));
    // Another agent acting as 1002.
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_dialog(&p1, &d, &answer2, None, now)
    });
    let no_target =
        DialogRequest { requested_action: Some(Action::Answer), ..DialogRequest::default() };
    h.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p2, &d, &no_target, None, now));
    let no_action =
        DialogRequest { target_media_address: Some(ext("1002")), ..DialogRequest::default() };
    h.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p2, &d, &no_action, None, now));
    let nonvoice = DialogRequest::task(Action::Pause);
    let err =
        h.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p2, &d, &nonvoice, None, now));
    assert_eq!(
        err.errors[0].error_message.as_deref(),
        Some("Invalid 'requestedAction' specified for dialog")
    );
    h.rejected(404, "Dialog Not Found", |e, now| {
        e.put_dialog(&p2, &"999".into(), &answer2, None, now)
    });
    // Not offered while ALERTING: asynchronous Generic Error.
    let hold = DialogRequest::participant(Action::Hold, &ext("1002"));
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p2, &d, &hold, Some("rq"), now));
    let dtmf = DialogRequest::send_dtmf(&ext("1002"), "1");
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p2, &d, &dtmf, Some("rq"), now));
    h.act("1002", &d, Action::Answer).unwrap();
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p2, &d, &answer2, Some("rq"), now));
    // Holding a held call again.
    h.act("1002", &d, Action::Hold).unwrap();
    let dialog = h.dialog(&d);
    assert_eq!(dialog.state, Some(DialogState::Active), "Table 3: the dialog stays ACTIVE");
    assert_eq!(actions(&dialog, "1002"), [Action::Retrieve, Action::Drop, Action::UpdateCallData]);
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p2, &d, &hold, Some("rq"), now));
    h.act("1002", &d, Action::Retrieve).unwrap();
    assert_eq!(h.state("1002"), AgentState::Talking);
}

#[test]
fn make_call_to_an_agent_follows_table_2() {
    let mut h = H::cce();
    h.login("1001");
    h.login("1002");
    h.drain();
    h.post("1001", &DialogRequest::make_call(&ext("1001"), "1002", vec![])).unwrap();
    let out = h.drain();
    let lines = describe(&out);
    let d = match &out[0].update.data {
        Some(UpdateData::Dialogs(ds)) => did(&ds[0]),
        other => panic!("{other:?}"),
    };
    let id = d.as_str();
    assert_eq!(
        lines[..4],
        [
            format!("/finesse/api/User/1001/Dialogs POST dialogs {id} INITIATING"),
            format!("/finesse/api/User/1001/Dialogs PUT dialog {id} INITIATED"),
            format!("/finesse/api/User/1001/Dialogs PUT dialog {id} ALERTING"),
            format!("/finesse/api/User/1002/Dialogs POST dialogs {id} ALERTING"),
        ]
    );
    assert_eq!(out[0].update.source.as_deref(), Some("/finesse/api/User/1001/Dialogs"));
    assert_eq!(out[1].update.source.as_deref(), Some(format!("/finesse/api/Dialog/{id}").as_str()));
    assert_eq!(h.state("1001"), AgentState::Talking, "NOT_READY → TALKING: places a call");
    assert_eq!(h.state("1002"), AgentState::NotReady, "a direct call does not reserve");
    let dialog = h.dialog(&d);
    assert_eq!(pstate(&dialog, "1001"), ParticipantState::Initiated);
    assert_eq!(actions(&dialog, "1001"), [Action::Drop, Action::UpdateCallData]);
    assert_eq!(dialog.media_properties.as_ref().unwrap().call_type, Some(CallType::AgentInside));
    assert_eq!(
        (dialog.from_address.as_deref(), dialog.to_address.as_deref()),
        (Some("1001"), Some("1002"))
    );
    h.act("1002", &d, Action::Answer).unwrap();
    assert_eq!((h.state("1001"), h.state("1002")), (AgentState::Talking, AgentState::Talking));
    // The caller drops: the call clears for both.
    h.act("1001", &d, Action::Drop).unwrap();
    assert!(h.dialogs("1001").is_empty() && h.dialogs("1002").is_empty());
    assert_eq!((h.state("1001"), h.state("1002")), (AgentState::NotReady, AgentState::NotReady));
}

#[test]
fn make_call_errors() {
    let mut h = H::cce();
    h.login("1001");
    let p = h.p("1001");
    let id = UserId::from("1001");
    let call = |to: &str| DialogRequest::make_call(&ext("1001"), to, vec![]);
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.post_dialog(
            &p,
            &id,
            &DialogRequest::make_call(&ext("1002"), "5551234", vec![]),
            None,
            now,
        )
    });
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.post_dialog(&p, &"1002".into(), &call("5551234"), None, now)
    });
    h.rejected(400, "Invalid Destination", |e, now| {
        e.post_dialog(&p, &id, &call("1001"), None, now)
    });
    let mut no_to = call("x");
    no_to.to_address = None;
    h.rejected(400, "Parameter Missing", |e, now| e.post_dialog(&p, &id, &no_to, None, now));
    let ba =
        DialogRequest::make_call(&ext("1001"), "5551234", vec![CallVariable::new("BAStatus", "x")]);
    h.rejected(400, "Invalid Input", |e, now| e.post_dialog(&p, &id, &ba, None, now));
    let unknown = DialogRequest::make_call(
        &ext("1001"),
        "5551234",
        vec![CallVariable::new("user.nope", "x")],
    );
    h.rejected(400, "Invalid Input", |e, now| e.post_dialog(&p, &id, &unknown, None, now));
    let mut with_wrap = call("5551234");
    with_wrap.media_properties =
        Some(MediaProperties { wrap_up_reason: Some("x".into()), ..MediaProperties::default() });
    h.rejected(400, "Invalid Input", |e, now| e.post_dialog(&p, &id, &with_wrap, None, now));
    h.rejected(400, "Invalid Input", |e, now| {
        e.post_dialog(&p, &id, &DialogRequest::task(Action::Hold), None, now)
    });
    // Asynchronous: nobody Ready behind the route point; E.164 on UCCE; READY agents cannot call.
    h.async_rejected("Generic Error", |e, now| {
        e.post_dialog(&p, &id, &call("8001"), Some("rq"), now)
    });
    h.async_rejected("Generic Error", |e, now| {
        e.post_dialog(&p, &id, &call("+14085551234"), Some("rq"), now)
    });
    h.ready("1001");
    h.async_rejected("Invalid State", |e, now| {
        e.post_dialog(&p, &id, &call("5551234"), Some("rq"), now)
    });
    // Unified CCX: no call variables with MAKE_CALL.
    let mut x = H::ccx();
    x.login("1001");
    let p = x.p("1001");
    let vars = DialogRequest::make_call(
        &ext("1001"),
        "5551234",
        vec![CallVariable::new("callVariable1", "x")],
    );
    x.rejected(400, "Invalid Input", |e, now| e.post_dialog(&p, &id, &vars, None, now));
}

#[test]
fn make_call_failures_and_external_calls() {
    let mut h = H::cce();
    h.login("1001");
    for (to, cause) in [
        ("5550000", StateCause::Busy),
        ("5559999", StateCause::BadDestination),
        ("55-12", StateCause::BadDestination),
        ("1002", StateCause::Busy),
    ] {
        h.post("1001", &DialogRequest::make_call(&ext("1001"), to, vec![])).unwrap();
        let d = h.only_dialog("1001");
        assert_eq!(d.state, Some(DialogState::Failed), "{to}");
        let me = part(&d, "1001");
        assert_eq!(
            (me.state.clone(), me.state_cause.clone()),
            (Some(ParticipantState::Failed), Some(cause))
        );
        assert_eq!(actions(&d, "1001"), [Action::Drop]);
        assert_eq!(h.state("1001"), AgentState::NotReady);
        h.act("1001", &did(&d), Action::Drop).unwrap();
        assert!(h.dialogs("1001").is_empty());
    }
    h.post(
        "1001",
        &DialogRequest::make_call(
            &ext("1001"),
            "5551234",
            vec![CallVariable::new("callVariable2", "v2"), CallVariable::new("user.arr[1]", "a1")],
        ),
    )
    .unwrap();
    let d = h.only_dialog("1001");
    assert_eq!(d.state, Some(DialogState::Alerting));
    assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::Out));
    assert_eq!(
        (d.call_variable("callVariable2"), d.call_variable("user.arr[1]")),
        (Some("v2"), Some("a1"))
    );
    h.tick(999);
    assert_eq!(h.only_dialog("1001").state, Some(DialogState::Alerting));
    h.tick(1);
    let d = h.only_dialog("1001");
    assert_eq!(d.state, Some(DialogState::Active));
    assert_eq!(pstate(&d, "5551234"), ParticipantState::Active);
    let stats = h.e.get_queue(&h.p("1001"), &"10".into()).unwrap().statistics.unwrap();
    assert_eq!(stats.agents_talking_outbound, Some(1));
}

#[test]
fn call_to_a_route_point_is_routed() {
    let mut h = H::cce();
    h.login("1001");
    h.ready_agent("1002");
    h.post("1001", &DialogRequest::make_call(&ext("1001"), "8001", vec![])).unwrap();
    assert_eq!(h.state("1002"), AgentState::Reserved);
    let d = h.only_dialog("1002");
    assert_eq!(d.media_properties.unwrap().queue_number.as_deref(), Some("10"));
}

#[test]
fn consult_and_transfer_follow_table_4() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let orig = h.answered_call("1002");
    h.login("1003");
    h.drain();
    h.put("1002", &orig, &DialogRequest::consult(&ext("1002"), "1003")).unwrap();
    let out = h.drain();
    let lines = describe(&out);
    let o = orig.as_str();
    assert_eq!(
        lines[0],
        format!("/finesse/api/User/1002/Dialogs PUT dialog {o} ACTIVE"),
        "the original is held first"
    );
    let consult = match &out[1].update.data {
        Some(UpdateData::Dialogs(ds)) => did(&ds[0]),
        other => panic!("{other:?}"),
    };
    let c = consult.as_str();
    assert_eq!(
        lines[1..5],
        [
            format!("/finesse/api/User/1002/Dialogs POST dialogs {c} INITIATING"),
            format!("/finesse/api/User/1002/Dialogs PUT dialog {c} INITIATED"),
            format!("/finesse/api/User/1002/Dialogs PUT dialog {c} ALERTING"),
            format!("/finesse/api/User/1003/Dialogs POST dialogs {c} ALERTING"),
        ]
    );
    let cd = h.dialog(&consult);
    assert_eq!(cd.media_properties.as_ref().unwrap().call_type, Some(CallType::Consult));
    assert_eq!(
        cd.associated_dialog_uri.as_deref(),
        Some(format!("/finesse/api/Dialog/{o}").as_str())
    );
    assert_eq!(pstate(&h.dialog(&orig), "1002"), ParticipantState::Held);
    // No active call yet: the held call offers no TRANSFER (no blind transfer/conference).
    assert_eq!(
        actions(&h.dialog(&orig), "1002"),
        [Action::Retrieve, Action::Drop, Action::UpdateCallData]
    );
    let p2 = h.p("1002");
    let conf = DialogRequest::complete(Action::Conference, &ext("1002"), Some("1003"));
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p2, &orig, &conf, Some("rq"), now));
    h.act("1003", &consult, Action::Answer).unwrap();
    assert_eq!(
        actions(&h.dialog(&orig), "1002"),
        [
            Action::Retrieve,
            Action::Drop,
            Action::UpdateCallData,
            Action::Transfer,
            Action::Conference
        ]
    );
    assert_eq!(h.state("1002"), AgentState::Talking);
    let stats = h.e.get_queue(&p2, &"10".into()).unwrap().statistics.unwrap();
    assert_eq!(
        stats.agents_talking_internal,
        Some(2),
        "both on the consult of a call from queue 10"
    );
    h.drain();
    h.put("1002", &orig, &DialogRequest::complete(Action::Transfer, &ext("1002"), Some("1003")))
        .unwrap();
    let lines = describe(&h.drain());
    assert_eq!(
        lines[..4],
        [
            format!("/finesse/api/User/1002/Dialogs DELETE dialogs {o} DROPPED"),
            format!("/finesse/api/User/1002/Dialogs DELETE dialogs {c} DROPPED"),
            format!("/finesse/api/User/1003/Dialogs DELETE dialogs {c} DROPPED"),
            format!("/finesse/api/User/1003/Dialogs POST dialogs {o} ACTIVE"),
        ]
    );
    let d = h.only_dialog("1003");
    assert_eq!(did(&d), orig, "the original call survives");
    assert_eq!(d.secondary_id.as_deref(), Some(c));
    assert_eq!(d.to_address.as_deref(), Some("8001"), "from/to of the surviving call");
    assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::Transfer));
    assert_eq!(pstate(&d, "1003"), ParticipantState::Active);
    assert!(h.dialogs("1002").is_empty());
    assert_eq!(h.state("1002"), AgentState::Ready, "no wrap-up for 1002");
    assert_eq!(h.state("1003"), AgentState::Talking);
}

#[test]
fn transfer_without_a_consult_call_is_a_generic_error() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    let p = h.p("1002");
    let t = DialogRequest::complete(Action::Transfer, &ext("1002"), None);
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &d, &t, Some("rq"), now));
    h.act("1002", &d, Action::Hold).unwrap();
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &d, &t, Some("rq"), now));
    // Consulting from a held call is not offered.
    let consult = DialogRequest::consult(&ext("1002"), "1003");
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &d, &consult, Some("rq"), now));
    h.rejected(400, "Parameter Missing", |e, now| {
        e.put_dialog(
            &p,
            &d,
            &DialogRequest::participant(Action::ConsultCall, &ext("1002")),
            None,
            now,
        )
    });
    h.rejected(400, "Invalid Destination", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::consult(&ext("1002"), "1002"), None, now)
    });
}

#[test]
fn conference_and_the_conference_controller() {
    for platform in ["UCCE", "UCCX"] {
        let mut h = if platform == "UCCE" { H::cce() } else { H::ccx() };
        h.ready_agent("1002");
        let orig = h.answered_call("1002");
        h.login("1003");
        h.put("1002", &orig, &DialogRequest::consult(&ext("1002"), "1003")).unwrap();
        let consult = h.dialogs("1003").first().map(did).unwrap();
        h.act("1003", &consult, Action::Answer).unwrap();
        h.drain();
        h.put(
            "1002",
            &orig,
            &DialogRequest::complete(Action::Conference, &ext("1002"), Some("1003")),
        )
        .unwrap();
        let d = h.dialog(&orig);
        assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::Conference));
        assert_eq!(d.participants.as_ref().unwrap().len(), 3);
        assert_eq!(d.secondary_id.as_deref(), Some(consult.as_str()));
        assert!(h.e.get_dialog(&h.admin(), &consult).is_err(), "the consult call is gone");
        assert_eq!(h.only_dialog("1003").id, Some(orig.clone()));
        // 1003 consults 1001 and tries to conference: only the controller may add parties.
        h.login("1001");
        h.put("1003", &orig, &DialogRequest::consult(&ext("1003"), "1001")).unwrap();
        let c2 = h.dialogs("1001").first().map(did).unwrap();
        h.act("1001", &c2, Action::Answer).unwrap();
        let p3 = h.p("1003");
        let conf = DialogRequest::complete(Action::Conference, &ext("1003"), Some("1001"));
        let n = if platform == "UCCE" {
            h.async_rejected("Generic Error", |e, now| {
                e.put_dialog(&p3, &orig, &conf, Some("rq"), now)
            })
        } else {
            h.async_rejected("Invalid State", |e, now| {
                e.put_dialog(&p3, &orig, &conf, Some("rq"), now)
            })
        };
        let Some(UpdateData::ApiErrors(errs)) = n.update.data else { panic!() };
        let expected = if platform == "UCCE" { "20999" } else { "22" };
        assert_eq!(errs[0].error_data.as_deref(), Some(expected));
        assert_eq!(n.node, "/finesse/api/User/1003/Dialogs");
        assert_eq!(
            n.update.source.as_deref(),
            Some(format!("/finesse/api/Dialog/{}", orig.as_str()).as_str())
        );
        // The controller leaves: the others stay on the call.
        h.act("1001", &c2, Action::Drop).unwrap();
        h.act("1003", &orig, Action::Retrieve).unwrap();
        h.act("1002", &orig, Action::Drop).unwrap();
        let d = h.only_dialog("1003");
        assert_eq!(d.state, Some(DialogState::Active));
    }
}

#[test]
fn single_step_transfer_is_ucce_only() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.login("1003");
    let p = h.p("1002");
    h.rejected(400, "Invalid Destination", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::single_step_transfer(&ext("1002"), "1002"), None, now)
    });
    h.async_rejected("Call Operation Failure", |e, now| {
        e.put_dialog(
            &p,
            &d,
            &DialogRequest::single_step_transfer(&ext("1002"), "5550000"),
            Some("rq"),
            now,
        )
    });
    h.drain();
    h.put("1002", &d, &DialogRequest::single_step_transfer(&ext("1002"), "1003")).unwrap();
    let lines = describe(&h.drain());
    assert_eq!(
        lines[0],
        format!("/finesse/api/User/1002/Dialogs DELETE dialogs {} DROPPED", d.as_str())
    );
    assert_eq!(
        lines[1],
        format!("/finesse/api/User/1003/Dialogs POST dialogs {} ACTIVE", d.as_str())
    );
    assert_eq!(pstate(&h.dialog(&d), "1003"), ParticipantState::Alerting);
    h.act("1003", &d, Action::Answer).unwrap();
    assert_eq!(h.dialog(&d).media_properties.unwrap().call_type, Some(CallType::Transfer));
    // To a route point nobody is Ready for: the call waits in the queue.
    assert_eq!(h.state("1002"), AgentState::Ready);
    h.not_ready("1002", Some("1")).unwrap();
    h.put("1003", &d, &DialogRequest::single_step_transfer(&ext("1003"), "8001")).unwrap();
    assert_eq!(h.e.waiting_calls()[0].1, 1);
    h.ready("1003");
    assert_eq!(h.state("1003"), AgentState::Reserved);

    let mut x = H::ccx();
    x.ready_agent("1002");
    let d = x.answered_call("1002");
    let p = x.p("1002");
    x.rejected(501, "Not Implemented", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::single_step_transfer(&ext("1002"), "1003"), None, now)
    });
    assert!(!actions(&x.dialog(&d), "1002").contains(&Action::TransferSst));
}

#[test]
fn dtmf_digits_per_platform() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.drain();
    h.put("1002", &d, &DialogRequest::send_dtmf(&ext("1002"), "12#A*")).unwrap();
    h.put("1002", &d, &DialogRequest::send_dtmf(&ext("1002"), "9")).unwrap();
    assert_eq!(h.e.dtmf_digits(&d).as_deref(), Some("12#A*9"));
    let out = h.drain();
    assert!(out.iter().all(|n| n.update.event == Some(UpdateEvent::Put)
        && n.update.request_id.as_deref() == Some("rq")));
    let p = h.p("1002");
    h.rejected(400, "Invalid Input", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::send_dtmf(&ext("1002"), "12X"), None, now)
    });
    h.rejected(400, "Parameter Missing", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::participant(Action::SendDtmf, &ext("1002")), None, now)
    });
    h.act("1002", &d, Action::Hold).unwrap();
    h.rejected(401, "Invalid State", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::send_dtmf(&ext("1002"), "1"), None, now)
    });

    let mut x = H::ccx();
    x.ready_agent("1002");
    let d = x.answered_call("1002");
    let p = x.p("1002");
    let n = x.async_rejected("Generic Error", |e, now| {
        e.put_dialog(&p, &d, &DialogRequest::send_dtmf(&ext("1002"), "1A"), Some("rq"), now)
    });
    let Some(UpdateData::ApiErrors(errs)) = n.update.data else { panic!() };
    assert_eq!(
        (errs[0].error_data.as_deref(), errs[0].error_message.as_deref()),
        (Some("3"), Some("CF_VALUE_OUT_OF_RANGE"))
    );
    x.put("1002", &d, &DialogRequest::send_dtmf(&ext("1002"), "0*#")).unwrap();
    assert_eq!(x.e.dtmf_digits(&d).as_deref(), Some("0*#"));
}

#[test]
fn update_call_data_rules() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.drain();
    let upd = DialogRequest::update_call_data(
        Some("Happy customer!"),
        vec![
            CallVariable::new("callVariable1", "123456789"),
            CallVariable::new("user.arr[2]", "x"),
        ],
    );
    h.put("1002", &d, &upd).unwrap();
    let dialog = h.dialog(&d);
    assert_eq!(
        dialog.media_properties.as_ref().unwrap().wrap_up_reason.as_deref(),
        Some("Happy customer!")
    );
    assert_eq!(
        (dialog.call_variable("callVariable1"), dialog.call_variable("user.arr[2]")),
        (Some("123456789"), Some("x"))
    );
    assert_eq!(
        describe(&h.drain()),
        [format!("/finesse/api/User/1002/Dialogs PUT dialog {} ACTIVE", d.as_str())]
    );
    // ECC values longer than configured are truncated by the CTI server.
    h.put(
        "1002",
        &d,
        &DialogRequest::update_call_data(None, vec![CallVariable::new("user.ecc", "1234567")]),
    )
    .unwrap();
    assert_eq!(h.dialog(&d).call_variable("user.ecc"), Some("12345"));
    let p = h.p("1002");
    let missing = DialogRequest {
        requested_action: Some(Action::UpdateCallData),
        ..DialogRequest::default()
    };
    h.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p, &d, &missing, None, now));
    let empty =
        DialogRequest { media_properties: Some(MediaProperties::default()), ..missing.clone() };
    h.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p, &d, &empty, None, now));
    for vars in [
        vec![CallVariable::new("callVariable1", "a"), CallVariable::new("callVariable1", "b")],
        vec![CallVariable::new("", "a")],
        vec![CallVariable::new("BACampaign", "a")],
        vec![CallVariable::new("callVariable11", "a")],
        vec![CallVariable::new("user.unknown", "a")],
    ] {
        let req = DialogRequest::update_call_data(None, vars);
        h.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p, &d, &req, None, now));
    }
    let long = DialogRequest::update_call_data(Some(&"x".repeat(40)), vec![]);
    h.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p, &d, &long, None, now));
    // Asynchronous CTI errors: too long, array as scalar, scalar as array, index too big.
    for name in ["user.arr", "user.ecc[0]", "user.arr[3]"] {
        let req = DialogRequest::update_call_data(None, vec![CallVariable::new(name, "v")]);
        h.async_rejected("Invalid Input", |e, now| e.put_dialog(&p, &d, &req, Some("rq"), now));
    }
    let too_long = DialogRequest::update_call_data(
        None,
        vec![CallVariable::new("callVariable2", "y".repeat(41))],
    );
    h.async_rejected("Invalid Input", |e, now| e.put_dialog(&p, &d, &too_long, Some("rq"), now));
    // Not a participant.
    h.login("1001");
    let p1 = h.p("1001");
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_dialog(&p1, &d, &upd, None, now)
    });
    // A direct call's call variables are protected; its wrap-up reason is not.
    h.post("1001", &DialogRequest::make_call(&ext("1001"), "5551234", vec![])).unwrap();
    let direct = did(&h.only_dialog("1001"));
    let vars = DialogRequest::update_call_data(None, vec![CallVariable::new("callVariable1", "x")]);
    h.async_rejected("Call Variable is protected", |e, now| {
        e.put_dialog(&p1, &direct, &vars, Some("rq"), now)
    });
    h.put("1001", &direct, &DialogRequest::update_call_data(Some("note"), vec![])).unwrap();
}

#[test]
fn start_recording_is_uccx_only() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    let p = h.p("1002");
    h.rejected(501, "Not Implemented", |e, now| {
        e.put_dialog(
            &p,
            &d,
            &DialogRequest::participant(Action::StartRecording, &ext("1002")),
            None,
            now,
        )
    });

    let mut x = H::ccx();
    x.ready_agent("1002");
    let d = x.answered_call("1002");
    assert!(actions(&x.dialog(&d), "1002").contains(&Action::StartRecording));
    x.act("1002", &d, Action::StartRecording).unwrap();
    assert!(!actions(&x.dialog(&d), "1002").contains(&Action::StartRecording));
    let p = x.p("1002");
    let rec = DialogRequest::participant(Action::StartRecording, &ext("1002"));
    x.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &d, &rec, Some("rq"), now));
    x.act("1002", &d, Action::Hold).unwrap();
    x.rejected(401, "Invalid State", |e, now| e.put_dialog(&p, &d, &rec, None, now));
}

#[test]
fn get_dialog_security() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let d = h.answered_call("1002");
    h.login("1001");
    assert!(h.e.get_dialog(&h.p("1002"), &d).is_ok());
    let err = h.e.get_dialog(&h.p("1001"), &d).unwrap_err();
    assert_eq!(err.status, 401);
    let err = h.e.get_dialog(&h.p("1002"), &"42".into()).unwrap_err();
    assert_eq!(
        (err.status, err.errors[0].error_message.as_deref()),
        (404, Some("Invalid dialogId specified for dialog"))
    );
    assert!(h.e.get_user_dialogs(&h.p("1001"), &UserId::from("1002")).is_err());
    assert_eq!(h.e.get_user_dialogs(&h.p("1002"), &UserId::from("1002")).unwrap().len(), 1);
}

#[test]
fn calls_go_to_the_longest_idle_ready_agent() {
    let mut h = H::cce();
    h.ready_agent("1003");
    h.tick(1_000);
    h.ready_agent("1001");
    h.tick(1_000);
    h.ready_agent("1002");
    let d = h.call();
    assert_eq!(h.only_dialog("1003").id, Some(d), "1003 was Ready longest");
    h.call();
    assert_eq!(h.dialogs("1001").len(), 1);
    assert_eq!(h.state("1002"), AgentState::Ready);
    // An agent Ready again after a call queues behind the others.
    let d = did(&h.only_dialog("1003"));
    h.act("1003", &d, Action::Answer).unwrap();
    h.act("1003", &d, Action::Drop).unwrap();
    assert_eq!(h.state("1003"), AgentState::Ready);
    h.call();
    assert_eq!(h.state("1002"), AgentState::Reserved);
}

#[test]
fn callers_abandon_after_their_patience() {
    let mut h = H::with(
        &super::CCE.replace("patience_ms = [600000, 600000]", "patience_ms = [5000, 5000]"),
    );
    h.call();
    h.tick(4_999);
    assert_eq!(h.e.waiting_calls()[0].1, 1);
    h.tick(1);
    assert_eq!(h.e.waiting_calls()[0].1, 0);
    let c = h.e.counters();
    assert_eq!((c.arrived, c.queued, c.abandoned, c.longest_wait_ms), (1, 1, 1, 5_000));
}

#[test]
fn a_held_call_cannot_be_retrieved_while_another_line_dials() {
    let mut h = H::cce();
    h.ready_agent("1002");
    h.login("1003");
    let d = h.answered_call("1002");
    h.put("1002", &d, &DialogRequest::consult(&ext("1002"), "1003")).unwrap();
    let p = h.p("1002");
    let retrieve = DialogRequest::participant(Action::Retrieve, &ext("1002"));
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &d, &retrieve, Some("rq"), now));
    let consult = did(&h.only_dialog("1003"));
    h.act("1003", &consult, Action::Answer).unwrap();
    // Once the consult is connected, retrieving holds it (the phone swaps lines).
    h.act("1002", &d, Action::Retrieve).unwrap();
    assert_eq!(pstate(&h.dialog(&consult), "1002"), ParticipantState::Held);
    assert_eq!(pstate(&h.dialog(&d), "1002"), ParticipantState::Active);
    // The held consult offers TRANSFER: it survives, with its own from/to.
    h.put("1002", &consult, &DialogRequest::complete(Action::Transfer, &ext("1002"), None))
        .unwrap();
    assert!(h.dialogs("1002").is_empty());
    assert!(h.e.get_dialog(&h.admin(), &d).is_err(), "the original was merged into the consult");
    let survivor = h.only_dialog("1003");
    assert_eq!(survivor.id, Some(consult));
    assert_eq!(
        (survivor.from_address.as_deref(), survivor.to_address.as_deref()),
        (Some("1002"), Some("1003"))
    );
    assert_eq!(survivor.secondary_id.as_deref(), Some(d.as_str()));
    assert_eq!(survivor.participants.unwrap().len(), 2, "the caller and 1003");
}

#[test]
fn a_not_ready_agent_with_a_ringing_direct_call_may_go_ready_on_ucce() {
    let mut h = H::cce();
    h.login("1001");
    h.login("1002");
    h.post("1001", &DialogRequest::make_call(&ext("1001"), "1002", vec![])).unwrap();
    assert_eq!(h.state("1002"), AgentState::NotReady);
    h.ready("1002");
    assert_eq!(h.state("1002"), AgentState::Ready);
    let d = did(&h.only_dialog("1002"));
    h.call();
    assert_eq!(h.e.waiting_calls()[0].1, 1, "an agent with a call is not routed to");
    h.act("1002", &d, Action::Answer).unwrap();
    h.act("1002", &d, Action::Drop).unwrap();
    assert_eq!(
        h.state("1002"),
        AgentState::Reserved,
        "Ready after the call, the waiting call arrives"
    );
}
