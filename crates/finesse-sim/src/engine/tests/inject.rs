//! Calls injected by the admin endpoint: offered to a chosen agent, with call variables and a
//! caller number given; the checks that reject them without changing anything; the read-only
//! accessors the endpoint answers from.

use finesse_model::{Action, AgentState, CallType, DialogId, ParticipantState, QueueId, UserId};

use super::{H, did, pstate};

fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
}

/// `inject_call_to` now, checking the invariants after.
fn inject(
    h: &mut H,
    queue: &str,
    agent: Option<&str>,
    variables: &[(&str, &str)],
    from: Option<&str>,
) -> Result<DialogId, String> {
    let agent = agent.map(UserId::from);
    let r =
        h.e.inject_call_to(&QueueId::from(queue), agent.as_ref(), &vars(variables), from, h.now);
    h.check();
    r
}

/// Expects an injection to fail with a message containing `needle` and to change nothing.
fn refused(
    h: &mut H,
    queue: &str,
    agent: Option<&str>,
    variables: &[(&str, &str)],
    from: Option<&str>,
    needle: &str,
) {
    h.e.advance(h.now);
    h.drain();
    let before = h.e.state_digest();
    let err = inject(h, queue, agent, variables, from).expect_err("the injection is refused");
    assert!(err.contains(needle), "{err:?} does not say {needle:?}");
    assert_eq!(h.e.state_digest(), before, "a refused injection changed the engine");
    assert!(h.drain().is_empty(), "a refused injection published notifications");
}

#[test]
fn a_call_is_offered_to_the_agent_asked_for_with_its_variables_and_number() {
    let mut h = H::cce();
    h.ready_agent("1001");
    h.tick(1_000);
    h.ready_agent("1002");
    h.drain();
    // 1001 has been Ready longest, but the call goes to 1002.
    let d = inject(
        &mut h,
        "10",
        Some("1002"),
        &[("callVariable2", "ACME"), ("user.ecc", "abcdefgh")],
        Some("+1 (555) 0100"),
    )
    .unwrap();
    assert_eq!(h.state("1002"), AgentState::Reserved);
    assert_eq!(h.state("1001"), AgentState::Ready);
    let dialog = h.only_dialog("1002");
    assert_eq!(did(&dialog), d);
    assert_eq!(pstate(&dialog, "1002"), ParticipantState::Alerting);
    assert_eq!(dialog.from_address.as_deref(), Some("+1 (555) 0100"));
    assert_eq!(pstate(&dialog, "+1 (555) 0100"), ParticipantState::Initiated);
    let mp = dialog.media_properties.unwrap();
    assert_eq!(mp.call_type, Some(CallType::AcdIn));
    assert_eq!(mp.queue_number.as_deref(), Some("10"));
    let value = |name: &str| {
        mp.call_variables.as_ref().unwrap().iter().find(|v| v.name == name).map(|v| v.value.clone())
    };
    assert_eq!(value("callVariable1").as_deref(), Some("Alice"), "sampled from the scenario");
    assert_eq!(value("callVariable2").as_deref(), Some("ACME"));
    assert_eq!(value("user.ecc").as_deref(), Some("abcde"), "truncated to max_length 5");
    // The agent's desktop is told at once: a POST on its Dialogs node.
    let out = h.drain();
    assert!(
        out.iter().any(|n| n.node == "/finesse/api/User/1002/Dialogs"
            && n.update.event == Some(finesse_model::UpdateEvent::Post)),
        "{:?}",
        super::describe(&out)
    );
    // The accessors the admin endpoint answers from.
    assert_eq!(
        h.e.user_dialog_states(&UserId::from("1002")),
        Some(vec![(d.clone(), CallType::AcdIn, ParticipantState::Alerting)])
    );
    assert_eq!(h.e.user_dialog_states(&UserId::from("1001")), Some(vec![]));
    assert_eq!(h.e.user_dialog_states(&UserId::from("9999")), None);
    assert!(h.e.dialog_exists(&d));
    assert!(!h.e.dialog_exists(&DialogId::from("42")));
    h.act("1002", &d, Action::Answer).unwrap();
    assert_eq!(
        h.e.user_dialog_states(&UserId::from("1002")),
        Some(vec![(d, CallType::AcdIn, ParticipantState::Active)])
    );
}

#[test]
fn without_an_agent_the_call_is_routed_as_usual() {
    let mut h = H::cce();
    h.ready_agent("1001");
    h.tick(1_000);
    h.ready_agent("1002");
    let d = inject(&mut h, "10", None, &[], Some("5551234")).unwrap();
    let dialog = h.only_dialog("1001");
    assert_eq!(did(&dialog), d, "the longest-idle agent");
    assert_eq!(dialog.from_address.as_deref(), Some("5551234"));
    // Nobody Ready in queue 11: the call waits.
    inject(&mut h, "11", None, &[], None).unwrap();
    assert_eq!(h.e.waiting_calls()[1], (QueueId::from("11"), 1));
}

#[test]
fn an_agent_who_is_not_ready_is_refused() {
    let mut h = H::cce();
    refused(&mut h, "10", Some("1002"), &[], None, "not READY (state LOGOUT)");
    h.login("1002");
    refused(&mut h, "10", Some("1002"), &[], None, "not READY (state NOT_READY)");
    h.ready("1002");
    let d = inject(&mut h, "10", Some("1002"), &[], None).unwrap();
    refused(&mut h, "10", Some("1002"), &[], None, "not READY (state RESERVED)");
    h.act("1002", &d, Action::Answer).unwrap();
    refused(&mut h, "10", Some("1002"), &[], None, "not READY (state TALKING)");
    // 1001 wraps up after a routed call (REQUIRED).
    h.ready_agent("1001");
    let d = inject(&mut h, "10", Some("1001"), &[], None).unwrap();
    h.act("1001", &d, Action::Answer).unwrap();
    h.act("1001", &d, Action::Drop).unwrap();
    refused(&mut h, "10", Some("1001"), &[], None, "not READY (state WORK_READY)");
}

#[test]
fn an_agent_outside_the_queue_and_bad_input_are_refused() {
    let mut h = H::cce();
    h.ready_agent("1002");
    h.ready_agent("1003");
    refused(&mut h, "11", Some("1002"), &[], None, "agent 1002 does not serve queue 11");
    refused(&mut h, "10", Some("1010"), &[], None, "agent 1010 does not serve queue 10");
    refused(&mut h, "10", Some("9999"), &[], None, "unknown agent 9999");
    refused(&mut h, "99", Some("1002"), &[], None, "unknown queue 99");
    refused(&mut h, "99", None, &[], None, "unknown queue 99");
    refused(&mut h, "10", Some("1002"), &[("callVariable11", "x")], None, "unknown call variable");
    refused(&mut h, "10", Some("1002"), &[("user.nope", "x")], None, "unknown call variable");
    refused(&mut h, "10", Some("1002"), &[("BAStatus", "x")], None, "unknown call variable");
    refused(
        &mut h,
        "10",
        None,
        &[("callVariable1", "a"), ("callVariable1", "b")],
        None,
        "given twice",
    );
    let long = "x".repeat(41);
    refused(&mut h, "10", None, &[("callVariable1", &long)], None, "longer than 40 bytes");
    refused(&mut h, "10", None, &[], Some(""), "1-32 characters");
    refused(&mut h, "10", None, &[], Some(&"9".repeat(33)), "1-32 characters");
    refused(&mut h, "10", None, &[], Some("555\u{7}1234"), "no control characters");
    // Array elements of a configured ECC array are call variables too.
    inject(
        &mut h,
        "10",
        Some("1002"),
        &[("user.arr[2]", "v"), ("callVariable10", &"y".repeat(40))],
        None,
    )
    .unwrap();
    assert_eq!(h.state("1002"), AgentState::Reserved);
    assert_eq!(h.state("1003"), AgentState::Ready);
}
