//! Outbound Option: preview and direct preview reservations (ACCEPT, CLOSE, REJECT,
//! RECLASSIFY), customer calls and callbacks (guide: Tables 7 and 8, "Outbound Option Preview
//! Actions", "Dialog—Accept, Close, or Reject…", "Reclassify", "Schedule or Cancel a Callback").

use finesse_model::{
    Action, AgentState, CallType, DialogRequest, DialogState, Extension, OutboundClassification,
    ParticipantState, UserId, UserRequest,
};

use super::{H, did, part, pstate};

fn ext(s: &str) -> Extension {
    Extension::from(s)
}

#[test]
fn a_preview_reservation_is_accepted_and_the_customer_called() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let r = h.e.inject_reservation("700", h.now).unwrap();
    h.check();
    assert_eq!(h.state("1002"), AgentState::ReservedOutboundPreview);
    let d = h.dialog(&r);
    assert_eq!(d.media_properties.as_ref().unwrap().call_type, Some(CallType::OutboundPreview));
    assert_eq!(d.call_variable("BAStatus"), Some("PREVIEW_OUTBOUND_RESERVATION"));
    assert_eq!(d.call_variable("BACampaign"), Some("Renewals"));
    assert_eq!(d.call_variable("BACustomerNumber"), None, "UCCX only");
    assert_eq!((d.from_address.as_deref(), d.to_address.as_deref()), (Some("9999"), Some("1002")));
    assert_eq!(
        part(&d, "1002").actions.as_ref().unwrap().action,
        [Action::Accept, Action::Close, Action::Reject]
    );
    let p = h.p("1002");
    // "Attempt to RETRIEVE an incoming OutBoundPreview campaign call when the allowed actions
    // are ACCEPT, CLOSE, and REJECT."
    h.async_rejected("Generic Error", |e, now| {
        e.put_dialog(
            &p,
            &r,
            &DialogRequest::participant(Action::Retrieve, &ext("1002")),
            Some("rq"),
            now,
        )
    });
    h.async_rejected("Generic Error", |e, now| {
        e.put_dialog(&p, &r, &DialogRequest::consult(&ext("1002"), "1003"), Some("rq"), now)
    });
    let reclass = DialogRequest::reclassify(&ext("1002"), &OutboundClassification::Fax);
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &r, &reclass, Some("rq"), now));
    h.act("1002", &r, Action::Accept).unwrap();
    assert!(h.e.get_dialog(&h.admin(), &r).is_err(), "the reservation ended");
    let c = h.only_dialog("1002");
    assert_eq!(c.media_properties.as_ref().unwrap().call_type, Some(CallType::Outbound));
    assert_eq!(c.call_variable("BAStatus"), Some("PREVIEW_OUTBOUND"));
    assert_eq!(c.to_address.as_deref(), Some("6505550101"));
    assert_eq!(pstate(&c, "1002"), ParticipantState::Initiated);
    assert_eq!(h.state("1002"), AgentState::Talking);
    h.tick(1_000);
    let c = h.only_dialog("1002");
    assert_eq!(c.state, Some(DialogState::Active));
    let stats = h.e.get_queue(&p, &"10".into()).unwrap().statistics.unwrap();
    assert_eq!(
        stats.agents_talking_inbound.unwrap() + stats.agents_talking_outbound.unwrap(),
        0,
        "dialer calls are not counted"
    );
    // Callbacks on the customer call.
    let cid = did(&c);
    let sched =
        DialogRequest::schedule_callback(&ext("1002"), "2013-12-07T14:30", Some("9785551212"));
    h.put("1002", &cid, &sched).unwrap();
    let c = h.only_dialog("1002");
    let info = c.scheduled_callback_info.clone().unwrap();
    assert_eq!(
        (info.callback_time.as_deref(), info.callback_number.as_deref()),
        (Some("2013-12-07T14:30"), Some("9785551212"))
    );
    assert_eq!(c.call_variable("BAResponse"), Some("Callback 12072013 14:30"));
    assert!(
        part(&c, "1002")
            .actions
            .as_ref()
            .unwrap()
            .action
            .contains(&Action::CancelScheduledCallback)
    );
    let bad = DialogRequest::schedule_callback(&ext("1002"), "tomorrow", None);
    h.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p, &cid, &bad, None, now));
    let none = DialogRequest::participant(Action::UpdateScheduledCallback, &ext("1002"));
    h.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p, &cid, &none, None, now));
    h.act("1002", &cid, Action::CancelScheduledCallback).unwrap();
    assert_eq!(h.only_dialog("1002").scheduled_callback_info, None);
    let cancel = DialogRequest::participant(Action::CancelScheduledCallback, &ext("1002"));
    h.async_rejected("Generic Error", |e, now| e.put_dialog(&p, &cid, &cancel, Some("rq"), now));
    h.act("1002", &cid, Action::Drop).unwrap();
    assert_eq!(h.state("1002"), AgentState::Ready);
}

#[test]
fn rejecting_a_reservation_applies_the_silent_pending_state() {
    let mut h = H::cce();
    h.ready_agent("1002");
    let r = h.e.inject_reservation("700", h.now).unwrap();
    h.drain();
    // UCCE: NOT_READY while reserved "does not generate a state change notification but does
    // affect the user state when the call is complete".
    h.not_ready("1002", Some("1")).unwrap();
    assert!(h.drain().is_empty());
    assert_eq!(h.user("1002").pending_state, None);
    h.act("1002", &r, Action::Reject).unwrap();
    assert_eq!(h.state("1002"), AgentState::NotReady);
    assert!(h.dialogs("1002").is_empty());
    // CLOSE, without a pending state: back to READY.
    h.ready("1002");
    let r = h.e.inject_reservation("700", h.now).unwrap();
    h.act("1002", &r, Action::Close).unwrap();
    assert_eq!(h.state("1002"), AgentState::Ready);
    let p = h.p("1002");
    let r = h.e.inject_reservation("700", h.now).unwrap();
    h.rejected(400, "Invalid State", |e, now| {
        e.put_user(
            &p,
            &UserId::from("1002"),
            &UserRequest::sign_out(Some("10".into()), false),
            None,
            now,
        )
    });
    h.act("1002", &r, Action::Close).unwrap();
}

#[test]
fn direct_preview_on_uccx_and_reclassify() {
    let mut x = H::ccx();
    x.ready_agent("1002");
    let r = x.e.inject_reservation("701", x.now).unwrap();
    let d = x.dialog(&r);
    assert_eq!(
        d.media_properties.as_ref().unwrap().call_type,
        Some(CallType::OutboundDirectPreview)
    );
    assert_eq!(d.call_variable("BAStatus"), Some("DIRECT_PREVIEW_OUTBOUND_RESERVATION"));
    assert_eq!(d.call_variable("BACustomerNumber"), Some("6505550102"));
    assert_eq!(
        part(&d, "1002").actions.as_ref().unwrap().action,
        [Action::Accept, Action::Close, Action::Reject, Action::Reclassify]
    );
    assert_eq!(x.state("1002"), AgentState::ReservedOutboundPreview);
    // UCCX: no state change while reserved.
    let p = x.p("1002");
    x.rejected(400, "Invalid State", |e, now| {
        e.put_user(
            &p,
            &UserId::from("1002"),
            &UserRequest::state(AgentState::NotReady, Some("1".into())),
            None,
            now,
        )
    });
    let missing = DialogRequest::participant(Action::Reclassify, &ext("1002"));
    x.rejected(400, "Parameter Missing", |e, now| e.put_dialog(&p, &r, &missing, None, now));
    let unknown =
        DialogRequest::reclassify(&ext("1002"), &OutboundClassification::Unknown("MODEM".into()));
    x.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p, &r, &unknown, None, now));
    x.put("1002", &r, &DialogRequest::reclassify(&ext("1002"), &OutboundClassification::Busy))
        .unwrap();
    let d = x.dialog(&r);
    assert_eq!(
        d.media_properties.as_ref().unwrap().outbound_classification,
        Some(OutboundClassification::Busy)
    );
    assert_eq!(d.call_variable("BAResponse"), Some("Reclassify"));
    x.act("1002", &r, Action::Accept).unwrap();
    let c = x.only_dialog("1002");
    assert_eq!(c.call_variable("BAStatus"), Some("DIRECT_PREVIEW_OUTBOUND"));
    assert_eq!(x.state("1002"), AgentState::Talking);
    // BUSY is not a UCCE classification.
    let mut y = H::cce();
    y.ready_agent("1002");
    let r = y.e.inject_reservation("701", y.now).unwrap();
    let p = y.p("1002");
    let busy = DialogRequest::reclassify(&ext("1002"), &OutboundClassification::Busy);
    y.rejected(400, "Invalid Input", |e, now| e.put_dialog(&p, &r, &busy, None, now));
}
