//! GET APIs and the rest: authentication, reason codes, wrap-up reasons, layouts, phone books,
//! workflows, queues and queue notifications, Media, ClientLog, SystemInfo.

use finesse_model::{
    AgentState, ClientLog, DeploymentType, InterruptAction, LayoutType, MediaAgentState,
    MediaRequest, PhoneBookType, QueueId, ReasonCodeCategory, ReasonCodeId, SystemStatus,
    TriggerSetName, UpdateData, UpdateEvent, UserId, WrapUpReasonId,
};

use super::{H, T0, describe};
use crate::engine::Engine;
use crate::scenario::Scenario;

#[test]
fn authentication() {
    let h = H::cce();
    let p = h.e.authenticate("1010", "pass1010").unwrap();
    assert!(p.supervisor && !p.admin);
    assert!(!h.e.authenticate("1001", "pass1001").unwrap().supervisor);
    assert!(h.e.authenticate("admin", "adminpw").unwrap().admin);
    for (u, pw) in [("1001", "nope"), ("admin", "x"), ("9999", "pass9999"), ("", "")] {
        assert_eq!(h.e.authenticate(u, pw).unwrap_err().status, 401);
    }
    // Five wrong passwords lock the account for five minutes.
    let mut e = h.e.clone();
    for _ in 0..5 {
        assert!(e.authenticate_at("1001", "bad", T0).is_err());
    }
    assert!(e.authenticate_at("1001", "pass1001", T0 + 1).is_err());
    assert!(e.authenticate_at("1001", "pass1001", T0 + 300_001).is_ok());
}

#[test]
fn users_list_is_for_administrators() {
    let h = H::cce();
    assert_eq!(h.e.get_users(&h.admin()).unwrap().len(), 5);
    assert_eq!(h.e.get_users(&h.p("1001")).unwrap_err().status, 401);
    assert_eq!(h.e.get_user(&h.p("1001"), &UserId::from("1002")).unwrap_err().status, 401);
    assert_eq!(
        h.e.get_user(&h.admin(), &UserId::from("77")).unwrap_err().errors[0]
            .error_message
            .as_deref(),
        Some("UNKNOWN_USER")
    );
    let u = h.e.get_user(&h.p("1010"), &UserId::from("1010")).unwrap();
    assert!(u.is_supervisor());
    assert_eq!(u.teams.unwrap().len(), 1);
    assert_eq!(u.team_name.as_deref(), Some("Sales"));
}

#[test]
fn reason_codes_and_wrap_up_reasons_per_team() {
    let h = H::cce();
    let p1 = h.p("1001");
    let id1 = UserId::from("1001");
    let nr = h.e.get_reason_codes(&p1, &id1, Some("NOT_READY")).unwrap();
    assert_eq!(nr.category, Some(ReasonCodeCategory::NotReady));
    assert_eq!(
        nr.reason_codes.iter().map(|r| r.label.clone().unwrap()).collect::<Vec<_>>(),
        ["Lunch"]
    );
    assert_eq!(nr.reason_codes[0].uri.as_deref(), Some("/finesse/api/ReasonCode/1"));
    let p3 = h.p("1003");
    let id3 = UserId::from("1003");
    assert_eq!(h.e.get_reason_codes(&p3, &id3, Some("NOT_READY")).unwrap().reason_codes.len(), 2);
    assert_eq!(h.e.get_reason_codes(&p1, &id1, Some("LOGOUT")).unwrap().reason_codes.len(), 1);
    assert_eq!(
        h.e.get_reason_codes(&p1, &id1, None).unwrap_err().errors[0].error_type.as_deref(),
        Some("Parameter Missing")
    );
    assert_eq!(h.e.get_reason_codes(&p1, &id1, Some("WRAP")).unwrap_err().status, 400);
    assert_eq!(h.e.get_reason_codes(&p1, &id3, Some("LOGOUT")).unwrap_err().status, 401);
    assert!(h.e.get_reason_codes(&h.admin(), &id3, Some("LOGOUT")).is_ok());
    assert_eq!(h.e.get_reason_code(&p1, &id1, &ReasonCodeId::from("1")).unwrap().code, Some(12));
    assert_eq!(h.e.get_reason_code(&p1, &id1, &ReasonCodeId::from("2")).unwrap_err().status, 404);
    assert!(h.e.get_reason_code(&p3, &id3, &ReasonCodeId::from("2")).is_ok());
    assert_eq!(h.e.get_wrap_up_reasons(&p1, &id1).unwrap().len(), 1);
    assert_eq!(h.e.get_wrap_up_reasons(&p3, &id3).unwrap().len(), 2);
    let w = h.e.get_wrap_up_reason(&p1, &id1, &WrapUpReasonId::from("1")).unwrap();
    assert_eq!(
        (w.uri.as_deref(), w.label.as_deref(), w.for_all),
        (Some("/finesse/api/WrapUpReason/1"), Some("Sales Call"), Some(true))
    );
    assert_eq!(
        h.e.get_wrap_up_reason(&p1, &id1, &WrapUpReasonId::from("2")).unwrap_err().status,
        404
    );
}

#[test]
fn layouts_phone_books_and_workflows_of_the_demo() {
    let e = Engine::new(Scenario::demo(), 1, T0);
    let p = e.authenticate("1001001", "pass1001001").unwrap();
    let id = UserId::from("1001001");
    let layout = e.get_media_properties_layout(&p, &id).unwrap();
    assert_eq!(layout.kind, Some(LayoutType::Default));
    assert_eq!(layout.column.len(), 2);
    assert!(
        layout.column[1]
            .entry
            .iter()
            .any(|e| e.media_property.as_deref() == Some("user.Finesse_ecc2"))
    );
    let p2 = e.authenticate("1002001", "pass1002001").unwrap();
    let id2 = UserId::from("1002001");
    assert_eq!(
        e.get_media_properties_layout(&p2, &id2).unwrap().name.as_deref(),
        Some("Support Layout")
    );
    assert_eq!(e.get_media_properties_layouts(&p2, &id2).unwrap().len(), 2);
    assert_eq!(e.get_media_properties_layouts(&p, &id).unwrap().len(), 1);
    let books = e.get_phone_books(&p, &id).unwrap();
    assert_eq!(
        books.iter().map(|b| b.kind.clone().unwrap()).collect::<Vec<_>>(),
        [PhoneBookType::Global, PhoneBookType::Team]
    );
    assert_eq!(books[0].embedded_contacts.as_ref().unwrap().len(), 3);
    assert_eq!(e.get_phone_books(&p2, &id2).unwrap().len(), 1, "team books of the own team only");
    let wf = e.get_workflows(&p, &id).unwrap();
    assert_eq!(wf.len(), 1);
    let ts = wf[0].trigger_set.clone().unwrap();
    assert_eq!(ts.name, Some(TriggerSetName::CallArrives));
    assert_eq!(ts.triggers.unwrap().len(), 4, "mediaType, callType, state, fromAddress");
    assert!(e.get_workflows(&p2, &id2).unwrap().is_empty());
    // Without layouts the system default (callVariable1-10) is returned.
    let h = H::cce();
    let l = h.e.get_media_properties_layout(&h.p("1001"), &UserId::from("1001")).unwrap();
    assert_eq!(l.column.iter().map(|c| c.entry.len()).sum::<usize>(), 10);
}

#[test]
fn queue_statistics_and_notifications() {
    let mut h = H::cce();
    let p = h.p("1001");
    let unassigned = h.e.get_queue(&p, &QueueId::from("11")).unwrap().statistics.unwrap();
    assert_eq!(
        (
            unassigned.calls_in_queue,
            unassigned.agents_ready,
            unassigned.start_time_of_longest_call_in_queue
        ),
        (Some(-1), Some(-1), None)
    );
    assert_eq!(h.e.get_queue(&p, &QueueId::from("99")).unwrap_err().status, 404);
    let q = h.e.get_user_queues(&p, &UserId::from("1002")).unwrap();
    assert_eq!(
        q.iter().map(|q| q.uri.clone().unwrap()).collect::<Vec<_>>(),
        ["/finesse/api/Queue/10"]
    );
    assert!(h.e.get_user_queues(&p, &UserId::from("1010")).unwrap().is_empty());
    assert_eq!(h.e.get_user_queues(&p, &UserId::from("7")).unwrap_err().status, 404);
    h.login("1001");
    h.ready_agent("1002");
    h.tick(2_000);
    h.call();
    h.call();
    let s = h.e.get_queue(&p, &QueueId::from("10")).unwrap().statistics.unwrap();
    assert_eq!(s.calls_in_queue, Some(1));
    assert_eq!(
        s.start_time_of_longest_call_in_queue.map(|t| t.0),
        Some("2023-11-14T22:13:22Z".to_owned())
    );
    assert_eq!((s.agents_ready, s.agents_not_ready), (Some(0), Some(1)));
    h.drain();
    // Queue notifications: on the 10 s ticks, only when the statistics changed.
    h.tick(6_000);
    let queue_updates = |out: &[crate::engine::Notification]| {
        out.iter().filter(|n| n.node == "/finesse/api/Queue/10").count()
    };
    assert_eq!(queue_updates(&h.drain()), 0);
    h.tick(2_000);
    let out = h.drain();
    assert_eq!(queue_updates(&out), 1, "{:#?}", describe(&out));
    let n = out.iter().find(|n| n.node == "/finesse/api/Queue/10").unwrap();
    assert_eq!(
        (n.update.event.clone(), n.update.request_id.clone()),
        (Some(UpdateEvent::Put), None)
    );
    let Some(UpdateData::Queue(q)) = &n.update.data else { panic!() };
    assert_eq!(q.statistics.as_ref().unwrap().calls_in_queue, Some(1));
    h.tick(10_000);
    assert_eq!(queue_updates(&h.drain()), 0, "nothing changed");
    let x = H::ccx();
    assert_eq!(x.e.get_queue(&x.p("1001"), &QueueId::from("10")).unwrap_err().status, 501);
    assert_eq!(x.e.get_user_queues(&x.p("1001"), &UserId::from("1001")).unwrap_err().status, 501);
}

#[test]
fn media_sign_in_states_and_routable() {
    let mut h = H::cce();
    let p = h.p("1001");
    let id = UserId::from("1001");
    let mrd = "5000".into();
    let sign_in = MediaRequest::sign_in(5, InterruptAction::Ignore, None);
    let list = h.e.get_media_list(&p, &id).unwrap();
    assert_eq!(list[0].state, Some(MediaAgentState::Logout));
    h.rejected(400, "Agent is not logged in", |e, now| {
        e.put_media(&p, &id, &mrd, &MediaRequest::state(MediaAgentState::Ready, None), None, now)
    });
    let no_max = MediaRequest { max_dialog_limit: None, ..sign_in.clone() };
    h.rejected(400, "Parameter Missing", |e, now| e.put_media(&p, &id, &mrd, &no_max, None, now));
    let eleven = MediaRequest { max_dialog_limit: Some(11), ..sign_in.clone() };
    h.rejected(400, "Invalid Input", |e, now| e.put_media(&p, &id, &mrd, &eleven, None, now));
    h.rejected(404, "Not Found", |e, now| e.put_media(&p, &id, &"77".into(), &sign_in, None, now));
    let p2 = h.p("1002");
    h.rejected(400, "Agent is not in the MRD", |e, now| {
        e.put_media(&p2, &"1002".into(), &mrd, &sign_in, None, now)
    });
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.put_media(&p2, &id, &mrd, &sign_in, None, now)
    });
    h.e.put_media(&p, &id, &mrd, &sign_in, Some("r1"), h.now).unwrap();
    let out = h.drain();
    assert_eq!(describe(&out), ["/finesse/api/User/1001/Media PUT Media"]);
    assert_eq!(out[0].update.source.as_deref(), Some("/finesse/api/User/1001/Media/5000"));
    assert_eq!(out[0].update.request_id, None, "no requestId for Media");
    let m = h.e.get_media(&p, &id, &mrd).unwrap();
    assert_eq!(
        (m.state, m.routable, m.max_dialog_limit, m.reason_code_id.clone()),
        (Some(MediaAgentState::NotReady), Some(true), Some(5), Some(ReasonCodeId::from("-1")))
    );
    let err = h.rejected(400, "Agent already logged into MRD", |e, now| {
        e.put_media(&p, &id, &mrd, &sign_in, None, now)
    });
    assert_eq!(
        (err.errors[0].error_data.as_deref(), err.errors[0].error_media.as_deref()),
        (Some("1"), Some("5000"))
    );
    h.e.put_media(&p, &id, &mrd, &MediaRequest::state(MediaAgentState::Ready, None), None, h.now)
        .unwrap();
    assert_eq!(h.drain().len(), 1);
    // READY → READY is ignored, without a notification.
    h.e.put_media(&p, &id, &mrd, &MediaRequest::state(MediaAgentState::Ready, None), None, h.now)
        .unwrap();
    assert!(h.drain().is_empty());
    h.e.put_media(&p, &id, &mrd, &MediaRequest::routable(false), None, h.now).unwrap();
    h.rejected(400, "Agent already in requested mode", |e, now| {
        e.put_media(&p, &id, &mrd, &MediaRequest::routable(false), None, now)
    });
    h.rejected(400, "Parameter Missing", |e, now| {
        e.put_media(&p, &id, &mrd, &MediaRequest::state(MediaAgentState::NotReady, None), None, now)
    });
    h.e.put_media(
        &p,
        &id,
        &mrd,
        &MediaRequest::state(MediaAgentState::NotReady, Some("1".into())),
        None,
        h.now,
    )
    .unwrap();
    h.rejected(400, "Agent already in requested state", |e, now| {
        e.put_media(
            &p,
            &id,
            &mrd,
            &MediaRequest::state(MediaAgentState::NotReady, Some("1".into())),
            None,
            now,
        )
    });
    h.check();
    let x = H::ccx();
    assert_eq!(x.e.get_media_list(&x.p("1001"), &id).unwrap_err().status, 501);
    // The user's voice state is independent.
    assert_eq!(h.state("1001"), AgentState::Logout);
}

#[test]
fn client_log() {
    let mut h = H::cce();
    let p = h.p("1001");
    let id = UserId::from("1001");
    h.e.post_client_log(
        &p,
        &id,
        &ClientLog { log_data: Some("line 1\nline 2".into()) },
        Some("log-1"),
        h.now,
    )
    .unwrap();
    let out = h.drain();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].node, "/finesse/api/User/1001");
    assert_eq!(out[0].update.source.as_deref(), Some("/finesse/api/User/1001/ClientLog"));
    assert_eq!(
        (out[0].update.request_id.as_deref(), out[0].update.data.is_none()),
        (Some("log-1"), true)
    );
    assert_eq!(h.e.client_logs(&id), ["line 1\nline 2"]);
    h.rejected(400, "Parameter Missing", |e, now| {
        e.post_client_log(&p, &id, &ClientLog::default(), None, now)
    });
    let big = ClientLog { log_data: Some("x".repeat(1_048_577)) };
    h.rejected(400, "Invalid Input", |e, now| e.post_client_log(&p, &id, &big, None, now));
    h.rejected(401, "Invalid Authorization User Specified", |e, now| {
        e.post_client_log(&p, &"1002".into(), &ClientLog { log_data: Some("x".into()) }, None, now)
    });
}

#[test]
fn system_info_and_status_changes() {
    let mut h = H::cce();
    let info = h.e.get_system_info(T0 + 1234);
    assert_eq!(info.deployment_type, Some(DeploymentType::Ucce));
    assert_eq!(info.status, Some(SystemStatus::InService));
    assert_eq!(info.xmpp_domain.as_deref(), Some("finesse.sim"));
    assert_eq!(info.xmpp_pub_sub_domain.as_deref(), Some("pubsub.finesse.sim"));
    assert_eq!(info.current_timestamp.and_then(|t| t.epoch_millis()), Some(T0 + 1234));
    assert_eq!(info.peripheral_id.as_deref(), Some("5000"));
    assert_eq!(info.license, None);
    h.e.set_system_status(
        SystemStatus::OutOfService,
        Some("Finesse connection to CTI Server is down."),
        h.now,
    );
    let out = h.drain();
    assert_eq!(describe(&out), ["/finesse/api/SystemInfo PUT SystemInfo"]);
    h.e.set_system_status(
        SystemStatus::OutOfService,
        Some("Finesse connection to CTI Server is down."),
        h.now,
    );
    assert!(h.drain().is_empty());
    h.e.set_system_status(SystemStatus::InService, None, h.now);
    let Some(UpdateData::SystemInfo(i)) = h.drain().remove(0).update.data else { panic!() };
    assert_eq!((i.status, i.status_reason), (Some(SystemStatus::InService), None));
    let x = H::ccx();
    let info = x.e.get_system_info(T0);
    assert_eq!(
        (info.deployment_type, info.peripheral_id, info.license.is_some()),
        (Some(DeploymentType::Uccx), None, true)
    );
    assert_eq!(x.e.deployment(), DeploymentType::Uccx);
}
