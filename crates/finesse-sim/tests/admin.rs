//! The admin endpoint's test control over HTTP: calls injected to a chosen agent with call
//! variables and a caller number (`POST /admin/calls`), the engine's view of a user's dialogs
//! (`GET /admin/dialogs?user=`), the DTMF digits of a dialog (`GET /admin/dialogs/{id}/dtmf`),
//! queues assigned while running (`POST /admin/queues`); the token they need and the answers to
//! bad input.
#![allow(clippy::unwrap_used, reason = "tests")]

mod support;

use finesse_model::*;
use support::{AGENT, Sim};

const SIGN_IN: &str = "<User><state>LOGIN</state><extension>1001001</extension></User>";

fn ready(sim: &Sim) {
    let (status, body) = sim.put("/finesse/api/User/1001001", AGENT, SIGN_IN);
    assert_eq!(status, 202, "{body}");
    let (status, body) =
        sim.put("/finesse/api/User/1001001", AGENT, "<User><state>READY</state></User>");
    assert!(status == 200 || status == 202, "{status} {body}");
    let user: User = sim.get_ok("/finesse/api/User/1001001", AGENT);
    assert_eq!(user.state, Some(AgentState::Ready));
}

fn variable(dialog: &Dialog, name: &str) -> Option<String> {
    let vars = dialog.media_properties.as_ref()?.call_variables.as_ref()?;
    vars.iter().find(|v| v.name == name).map(|v| v.value.clone())
}

#[test]
fn an_injected_call_rings_at_the_agent_asked_for_with_its_variables() {
    let sim = Sim::quiet();
    ready(&sim);
    let (status, id) = sim.admin(
        "POST",
        "/admin/calls?queue=5001&agent=1001001&from=%2B14085550100",
        Some("callVariable1=Jane Roe\r\ncallVariable3=Gold\n\nuser.Finesse_ecc2=Z\n"),
    );
    assert_eq!(status, 200, "{id}");
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()), "{id:?}");

    let dialogs: Dialogs = sim.get_ok("/finesse/api/User/1001001/Dialogs", AGENT);
    assert_eq!(dialogs.len(), 1);
    let d = &dialogs[0];
    assert_eq!(d.dialog_id().map(|i| i.to_string()), Some(id.clone()));
    assert_eq!(d.from_address.as_deref(), Some("+14085550100"));
    assert_eq!(variable(d, "callVariable1").as_deref(), Some("Jane Roe"));
    assert_eq!(variable(d, "callVariable3").as_deref(), Some("Gold"));
    assert_eq!(variable(d, "user.Finesse_ecc2").as_deref(), Some("Z"));
    assert_eq!(
        d.participant("1001001").and_then(|p| p.state.clone()),
        Some(ParticipantState::Alerting)
    );
    let user: User = sim.get_ok("/finesse/api/User/1001001", AGENT);
    assert_eq!(user.state, Some(AgentState::Reserved));

    // The engine's view of the user's dialogs.
    let (status, lines) = sim.admin("GET", "/admin/dialogs?user=1001001", None);
    assert_eq!((status, lines.as_str()), (200, format!("{id} ACD_IN ALERTING\n").as_str()));
    let (status, lines) = sim.admin("GET", "/admin/dialogs?user=1001002", None);
    assert_eq!((status, lines.as_str()), (200, ""));

    // Answer and send DTMF over REST; the engine recorded the digits.
    let dtmf = format!("/admin/dialogs/{id}/dtmf");
    assert_eq!(sim.admin("GET", &dtmf, None), (200, String::new()), "none sent yet");
    let target = Extension::from("1001001");
    for req in [
        DialogRequest::participant(Action::Answer, &target),
        DialogRequest::send_dtmf(&target, "12#"),
        DialogRequest::send_dtmf(&target, "9"),
    ] {
        let (status, body) =
            sim.put(&format!("/finesse/api/Dialog/{id}"), AGENT, &encode(&req).unwrap());
        assert_eq!(status, 202, "{body}");
    }
    assert_eq!(sim.admin("GET", &dtmf, None), (200, "12#9".to_owned()));
    let (status, lines) = sim.admin("GET", "/admin/dialogs?user=1001001", None);
    assert_eq!((status, lines.as_str()), (200, format!("{id} ACD_IN ACTIVE\n").as_str()));

    // 1001001 is on a call now: it cannot be offered another one.
    let (status, body) = sim.admin("POST", "/admin/calls?queue=5001&agent=1001001", None);
    assert_eq!(status, 400);
    assert!(body.contains("not READY (state TALKING)"), "{body}");
}

#[test]
fn without_the_token_the_endpoints_answer_401() {
    let sim = Sim::quiet();
    for (method, path) in [
        ("POST", "/admin/calls?queue=5001"),
        ("GET", "/admin/dialogs?user=1001001"),
        ("GET", "/admin/dialogs/16804377/dtmf"),
    ] {
        assert_eq!(sim.call(method, path, None, None, &[]).0, 401, "{method} {path}");
        let wrong = [("Authorization", "Bearer wrong")];
        assert_eq!(sim.call(method, path, None, None, &wrong).0, 401, "{method} {path}");
    }
    assert!(sim.admin("GET", "/admin/agents", None).1.contains("1001001 LOGOUT"));
    let (status, lines) = sim.admin("GET", "/admin/dialogs?user=1001001", None);
    assert_eq!((status, lines.as_str()), (200, ""), "no call was injected");
}

#[test]
fn bad_input_answers_400_and_unknown_objects_404() {
    let sim = Sim::quiet();
    let post =
        |query: &str, body: Option<&str>| sim.admin("POST", &format!("/admin/calls{query}"), body);
    let (status, body) = post("?queue=424242", None);
    assert_eq!((status, body.as_str()), (400, "unknown queue 424242\n"));
    let (status, body) = post("", None);
    assert_eq!((status, body.as_str()), (400, "queue is required\n"));
    let (status, body) = post("?queue=5001&agnet=1001001", None);
    assert_eq!(status, 400, "unknown parameters are refused: {body}");
    let (status, body) = post("?queue=5001&agent=1001001", None);
    assert_eq!((status, body.as_str()), (400, "agent 1001001 is not READY (state LOGOUT)\n"));
    let (status, body) = post("?queue=5002&agent=1001001", None);
    assert_eq!((status, body.as_str()), (400, "agent 1001001 does not serve queue 5002\n"));
    let (status, body) = post("?queue=5001", Some("callVariable1=x\nno equals sign\n"));
    assert_eq!((status, body.as_str()), (400, "line 2: expected name=value\n"));
    let (status, body) = post("?queue=5001", Some("callVariable99=x"));
    assert_eq!(status, 400);
    assert!(body.contains("unknown call variable"), "{body}");
    let (status, body) = post("?queue=5001&from=", None);
    assert_eq!(status, 400);
    assert!(body.contains("1-32 characters"), "{body}");
    let (status, lines) = sim.admin("GET", "/admin/dialogs?user=1001001", None);
    assert_eq!((status, lines.as_str()), (200, ""), "nothing was injected");

    assert_eq!(sim.admin("GET", "/admin/dialogs?user=9999999", None).0, 404);
    assert_eq!(sim.admin("GET", "/admin/dialogs", None).0, 400);
    assert_eq!(sim.admin("GET", "/admin/dialogs/424242/dtmf", None).0, 404);
}

#[test]
fn a_queue_is_assigned_to_an_agent_and_taken_away_while_running() {
    let sim = Sim::quiet();
    let uris = |sim: &Sim| -> Vec<String> {
        let queues: Queues = sim.get_ok("/finesse/api/User/1001001/Queues", AGENT);
        queues.iter().filter_map(|q| q.uri.clone()).collect()
    };
    assert_eq!(uris(&sim), ["/finesse/api/Queue/5001", "/finesse/api/Queue/5003"]);
    let add = "/admin/queues?user=1001001&queue=5002&assigned=true";
    assert_eq!(sim.admin("POST", add, None), (200, String::new()));
    // Appended to the agent's list.
    assert_eq!(
        uris(&sim),
        ["/finesse/api/Queue/5001", "/finesse/api/Queue/5003", "/finesse/api/Queue/5002"]
    );
    let (status, body) = sim.admin("POST", add, None);
    assert_eq!(status, 400);
    assert!(body.contains("already serves queue 5002"), "{body}");
    let remove = "/admin/queues?user=1001001&queue=5001&assigned=false";
    assert_eq!(sim.admin("POST", remove, None), (200, String::new()));
    assert_eq!(uris(&sim), ["/finesse/api/Queue/5003", "/finesse/api/Queue/5002"]);
    for bad in [
        "/admin/queues?user=1001001&queue=5001",
        "/admin/queues?user=1001001&queue=5001&assigned=maybe",
        "/admin/queues?user=nobody&queue=5001&assigned=true",
        "/admin/queues?user=1001001&queue=9&assigned=true",
    ] {
        assert_eq!(sim.admin("POST", bad, None).0, 400, "{bad}");
    }
}
