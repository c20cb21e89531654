//! Contract tests of the REST API (guide chapter 3) over HTTP: each operation's documented
//! success and its documented errors — 401 wrong password, 404 unknown object, 400 Invalid
//! State for an illegal transition, 400 for malformed XML, 503 out of service — and that a
//! rejected request changes nothing in the engine.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use finesse_model::*;
use support::{ADMIN, AGENT, SUPERVISOR, Sim};

const SIGN_IN: &str = "<User><state>LOGIN</state><extension>1001001</extension></User>";

fn error_type(body: &str) -> String {
    let errors: ApiErrors = decode(body).unwrap_or_else(|e| panic!("not ApiErrors ({e}): {body}"));
    errors[0].error_type.clone().unwrap_or_default()
}

fn sign_in(sim: &Sim) {
    let (status, body) = sim.put("/finesse/api/User/1001001", AGENT, SIGN_IN);
    assert_eq!(status, 202, "{body}");
    let user: User = sim.get_ok("/finesse/api/User/1001001", AGENT);
    assert_eq!(user.state, Some(AgentState::NotReady));
}

#[test]
fn user_get_and_authentication() {
    let sim = Sim::demo();
    let (status, body) = sim.call("GET", "/finesse/api/User/1001001", None, None, &[]);
    assert_eq!((status, error_type(&body).as_str()), (401, "Unauthorized"));
    let (status, _) = sim.get("/finesse/api/User/1001001", ("1001001", "wrong"));
    assert_eq!(status, 401);
    let user: User = sim.get_ok("/finesse/api/User/1001001", AGENT);
    assert_eq!(user.login_id, Some(UserId::from("1001001")));
    assert_eq!(user.first_name.as_deref(), Some("Chris"));
    // Another agent's User is not this agent's to read.
    let (status, _) = sim.get("/finesse/api/User/1001002", AGENT);
    assert_eq!(status, 401);
    // An unknown user, asked by the administrator.
    let (status, body) = sim.get("/finesse/api/User/9999999", ADMIN);
    assert_eq!(status, 404, "{body}");
    let users: Users = sim.get_ok("/finesse/api/Users", ADMIN);
    assert!(users.len() >= 10);
    assert_eq!(sim.get("/finesse/api/Users", AGENT).0, 401);
}

#[test]
fn user_state_changes_and_rejections_change_nothing() {
    let sim = Sim::frozen();
    // Signed out: READY is not a transition the tables allow.
    let before = sim.digest();
    let (status, body) =
        sim.put("/finesse/api/User/1001001", AGENT, "<User><state>READY</state></User>");
    assert_eq!((status, error_type(&body).as_str()), (400, "Invalid State"), "{body}");
    assert_eq!(sim.digest(), before, "a rejected request changed the engine");
    // Malformed XML.
    let (status, body) = sim.put("/finesse/api/User/1001001", AGENT, "<User><state>READY</User>");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("malformed XML"), "{body}");
    assert_eq!(sim.digest(), before);
    // Missing body.
    assert_eq!(sim.call("PUT", "/finesse/api/User/1001001", Some(AGENT), None, &[]).0, 400);

    sign_in(&sim);
    let (status, _) =
        sim.put("/finesse/api/User/1001001", AGENT, "<User><state>READY</state></User>");
    assert!(status == 200 || status == 202, "{status}");
    assert_eq!(
        sim.get_ok::<User>("/finesse/api/User/1001001", AGENT).state,
        Some(AgentState::Ready)
    );

    let codes: ReasonCodes =
        sim.get_ok("/finesse/api/User/1001001/ReasonCodes?category=NOT_READY", AGENT);
    let lunch = codes.reason_codes.iter().find(|c| c.label.as_deref() == Some("Lunch")).unwrap();
    let rc = lunch.reason_code_id().unwrap();
    let (status, body) = sim.put(
        "/finesse/api/User/1001001",
        AGENT,
        &format!("<User><state>NOT_READY</state><reasonCodeId>{rc}</reasonCodeId></User>"),
    );
    assert_eq!(status, 202, "{body}");
    let user: User = sim.get_ok("/finesse/api/User/1001001", AGENT);
    assert_eq!(user.state, Some(AgentState::NotReady));
    assert_eq!(user.reason_code.unwrap().label.as_deref(), Some("Lunch"));
    let single: ReasonCode =
        sim.get_ok(&format!("/finesse/api/User/1001001/ReasonCode/{rc}"), AGENT);
    assert_eq!(single.label.as_deref(), Some("Lunch"));
    assert_eq!(sim.get("/finesse/api/User/1001001/ReasonCode/424242", AGENT).0, 404);

    // Sign out with a reason.
    let (status, body) = sim.put(
        "/finesse/api/User/1001001",
        AGENT,
        "<User><state>LOGOUT</state><reasonCodeId>10</reasonCodeId></User>",
    );
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        sim.get_ok::<User>("/finesse/api/User/1001001", AGENT).state,
        Some(AgentState::Logout)
    );
}

#[test]
fn configuration_lists_of_the_user() {
    let sim = Sim::demo();
    let wrap: WrapUpReasons = sim.get_ok("/finesse/api/User/1001001/WrapUpReasons", AGENT);
    assert!(!wrap.is_empty());
    let id = wrap[0].uri.as_deref().and_then(id_from_uri).unwrap().to_owned();
    let one: WrapUpReason =
        sim.get_ok(&format!("/finesse/api/User/1001001/WrapUpReason/{id}"), AGENT);
    assert_eq!(one.label, wrap[0].label);
    assert_eq!(sim.get("/finesse/api/User/1001001/WrapUpReason/424242", AGENT).0, 404);
    let layout: MediaPropertiesLayout =
        sim.get_ok("/finesse/api/User/1001001/MediaPropertiesLayout", AGENT);
    assert!(!layout.column.is_empty());
    let layouts: MediaPropertiesLayouts =
        sim.get_ok("/finesse/api/User/1001001/MediaPropertiesLayouts", AGENT);
    assert!(!layouts.is_empty());
    let books: PhoneBooks = sim.get_ok("/finesse/api/User/1001001/PhoneBooks", AGENT);
    assert!(books.iter().any(|b| b.embedded_contacts.as_ref().is_some_and(|c| !c.is_empty())));
    let (status, _) = sim.call(
        "GET",
        "/finesse/api/User/1001001/PhoneBooks",
        Some(AGENT),
        None,
        &[("Range", "objects=1-1500")],
    );
    assert_eq!(status, 200);
    let (status, _) = sim.call(
        "GET",
        "/finesse/api/User/1001001/PhoneBooks",
        Some(AGENT),
        None,
        &[("Range", "objects=1-1501")],
    );
    assert_eq!(status, 414);
    let workflows: Workflows = sim.get_ok("/finesse/api/User/1001001/Workflows", AGENT);
    assert!(!workflows.is_empty());
    let codes: ReasonCodes =
        sim.get_ok("/finesse/api/User/1001001/ReasonCodes?category=LOGOUT", AGENT);
    assert!(codes.reason_codes.iter().all(|c| c.category == Some(ReasonCodeCategory::Logout)));
}

#[test]
fn queues_teams_media_and_system_info() {
    let sim = Sim::demo();
    let queues: Queues = sim.get_ok("/finesse/api/User/1001001/Queues", AGENT);
    assert!(!queues.is_empty());
    let id = queues[0].queue_id().unwrap();
    let queue: Queue = sim.get_ok(&format!("/finesse/api/Queue/{id}"), AGENT);
    assert!(queue.statistics.is_some());
    assert_eq!(sim.get("/finesse/api/Queue/424242", AGENT).0, 404);

    let team: Team = sim.get_ok("/finesse/api/Team/1?includeLoggedOutAgents=true", SUPERVISOR);
    let all = team.users.as_ref().map_or(0, |u| u.len());
    assert!(all > 1);
    let signed_in: Team =
        sim.get_ok("/finesse/api/Team/1?includeLoggedOutAgents=false", SUPERVISOR);
    assert!(signed_in.users.as_ref().map_or(0, |u| u.len()) <= all);
    assert_eq!(sim.get("/finesse/api/Team/1", AGENT).0, 401, "agents do not read teams");
    assert_eq!(sim.get("/finesse/api/Team/424242", SUPERVISOR).0, 404);

    let media: MediaList = sim.get_ok("/finesse/api/User/1001001/Media", AGENT);
    assert!(!media.is_empty());
    let _: Media = sim.get_ok("/finesse/api/User/1001001/Media/5000", AGENT);

    let (status, body) = sim.call("GET", "/finesse/api/SystemInfo", None, None, &[]);
    assert_eq!(status, 200);
    let info: SystemInfo = decode(&body).unwrap();
    assert_eq!(info.status, Some(SystemStatus::InService));
    assert_eq!(info.xmpp_domain.as_deref(), Some("finesse.sim"));
}

#[test]
fn dialogs_make_call_and_participant_actions() {
    let sim = Sim::frozen();
    sign_in(&sim);
    let dialogs: Dialogs = sim.get_ok("/finesse/api/User/1001001/Dialogs", AGENT);
    assert!(dialogs.is_empty());
    let before = sim.digest();
    // An unknown dialog.
    let (status, _) = sim.put("/finesse/api/Dialog/424242", AGENT, "<Dialog><requestedAction>HOLD</requestedAction><targetMediaAddress>1001001</targetMediaAddress></Dialog>");
    assert_eq!(status, 404);
    // Calling yourself is an invalid destination.
    let (status, body) = sim.call("POST", "/finesse/api/User/1001001/Dialogs", Some(AGENT),
        Some("<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001001</fromAddress><toAddress>1001001</toAddress></Dialog>"), &[]);
    assert_eq!(status, 400, "{body}");
    assert_eq!(sim.digest(), before);

    let (status, body) = sim.call("POST", "/finesse/api/User/1001001/Dialogs", Some(AGENT),
        Some("<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001001</fromAddress><toAddress>5551234</toAddress></Dialog>"),
        &[("requestId", "make-1")]);
    assert_eq!(status, 202, "{body}");
    let dialogs: Dialogs = sim.get_ok("/finesse/api/User/1001001/Dialogs", AGENT);
    assert_eq!(dialogs.len(), 1);
    let id = dialogs[0].dialog_id().unwrap();
    let dialog: Dialog = sim.get_ok(&format!("/finesse/api/Dialog/{id}"), AGENT);
    assert_eq!(dialog.to_address.as_deref(), Some("5551234"));
    let (status, _) = sim.put(&format!("/finesse/api/Dialog/{id}"), AGENT,
        "<Dialog><requestedAction>DROP</requestedAction><targetMediaAddress>1001001</targetMediaAddress></Dialog>");
    assert_eq!(status, 202);
    // An action with no requestedAction is a missing parameter.
    let (status, _) = sim.put(
        &format!("/finesse/api/Dialog/{id}"),
        AGENT,
        "<Dialog><targetMediaAddress>1001001</targetMediaAddress></Dialog>",
    );
    assert!(status == 400 || status == 404, "{status}");
}

#[test]
fn client_log_and_unknown_routes() {
    let sim = Sim::demo();
    let (status, _) = sim.call(
        "POST",
        "/finesse/api/User/1001001/ClientLog",
        Some(AGENT),
        Some("<ClientLog><logData>gadget started</logData></ClientLog>"),
        &[],
    );
    assert_eq!(status, 202);
    assert_eq!(sim.get("/finesse/api/User/1001001/ClientLog", AGENT).0, 405);
    let (status, body) = sim.get("/finesse/api/Nothing/Here", AGENT);
    assert_eq!(status, 404);
    assert!(decode::<ApiErrors>(&body).is_ok());
}

#[test]
fn out_of_service_mode_answers_503_and_recovers() {
    let sim = Sim::frozen();
    sim.fault("out_of_service=true");
    let (status, body) = sim.get("/finesse/api/User/1001001", AGENT);
    assert_eq!(status, 503);
    let errors: ApiErrors = decode(&body).unwrap();
    assert_eq!(errors[0].error_message.as_deref(), Some("SERVER_OUT_OF_SERVICE"));
    let before = sim.digest();
    assert_eq!(sim.put("/finesse/api/User/1001001", AGENT, SIGN_IN).0, 503);
    assert_eq!(sim.digest(), before, "a 503 request changed the engine");
    let info: SystemInfo =
        decode(&sim.call("GET", "/finesse/api/SystemInfo", None, None, &[]).1).unwrap();
    assert_eq!(info.status, Some(SystemStatus::OutOfService));
    sim.fault("out_of_service=false");
    sign_in(&sim);
}

#[test]
fn cors_allows_basic_authentication_from_other_origins() {
    let sim = Sim::demo();
    let (status, _) = sim.call(
        "OPTIONS",
        "/finesse/api/User/1001001",
        None,
        None,
        &[
            ("Origin", "http://gadgets.example"),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "authorization,content-type,requestid"),
        ],
    );
    assert!(status == 200 || status == 204, "{status}");
}

#[test]
fn the_admin_endpoint_needs_its_token() {
    let sim = Sim::demo();
    assert_eq!(sim.call("POST", "/admin/faults?out_of_service=true", None, None, &[]).0, 401);
    assert_eq!(
        sim.call(
            "POST",
            "/admin/faults?out_of_service=true",
            None,
            None,
            &[("Authorization", "Bearer wrong")]
        )
        .0,
        401
    );
    assert_eq!(sim.get("/finesse/api/SystemInfo", AGENT).0, 200);
}

#[test]
fn the_alternate_node_serves_the_same_center_and_nodes_go_down_alone() {
    let mut options = finesse_sim::server::Options::new(finesse_sim::scenario::Scenario::demo());
    options.speed = 1e-9;
    options.alternate = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let sim = Sim::start(options);
    let alternate = sim.server.as_ref().unwrap().alternate_url().unwrap();
    let (status, _) = sim.put("/finesse/api/User/1001001", AGENT, SIGN_IN);
    assert_eq!(status, 202);
    // The alternate node sees the same contact center.
    let http: ureq::Agent =
        ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let get_alt = || {
        let mut r = http
            .get(format!("{alternate}/finesse/api/User/1001001"))
            .header("Authorization", support::basic(AGENT.0, AGENT.1))
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (status, body) = get_alt();
    assert_eq!(status, 200);
    assert_eq!(decode::<User>(&body).unwrap().state, Some(AgentState::NotReady));
    // The primary goes down; the alternate keeps serving.
    sim.fault("primary_down=true");
    assert_eq!(sim.get("/finesse/api/User/1001001", AGENT).0, 503);
    assert_eq!(get_alt().0, 200);
    sim.fault("primary_down=false");
    assert_eq!(sim.get("/finesse/api/User/1001001", AGENT).0, 200);
}
