//! The living contact center: ten simulated minutes of the demo scenario with the invariants
//! checked after every step, stepping event by event and in fixed 100 ms steps; determinism;
//! simulated agents working calls, consulted, transferred to and conferenced in.

use finesse_model::{AgentState, UpdateData};

use super::T0;
use crate::engine::{Engine, Notification};
use crate::scenario::Scenario;

const TEN_MINUTES: i64 = 600_000;

fn check(e: &Engine, at: i64) {
    if let Err(err) = e.check_invariants() {
        panic!("invariant violated at +{} ms: {err}", at - T0);
    }
}

/// Runs the demo for ten minutes, stepping to each wakeup.
fn run_by_wakeups(seed: u64) -> (Engine, Vec<Notification>) {
    let mut e = Engine::new(Scenario::demo(), seed, T0);
    check(&e, T0);
    let mut out = Vec::new();
    let mut steps = 0;
    while let Some(at) = e.next_wakeup() {
        if at > T0 + TEN_MINUTES {
            break;
        }
        e.advance(at);
        check(&e, at);
        out.extend(e.drain_notifications());
        steps += 1;
        assert!(steps < 100_000, "runaway events");
    }
    e.advance(T0 + TEN_MINUTES);
    check(&e, T0 + TEN_MINUTES);
    out.extend(e.drain_notifications());
    (e, out)
}

#[test]
fn ten_minutes_of_the_demo_stepping_by_wakeups() {
    let (e, out) = run_by_wakeups(42);
    let c = e.counters();
    assert!(c.arrived > 30, "calls arrived: {c:?}");
    assert!(c.answered_by_simulated > 10, "simulated agents answered: {c:?}");
    assert!(c.queued > 0 && c.longest_wait_ms > 5_000, "calls waited: {c:?}");
    assert!(c.abandoned > 0, "callers abandoned: {c:?}");
    assert!(c.completed > 0, "calls completed: {c:?}");
    assert!(c.reservations > 0, "preview reservations: {c:?}");
    // Agents went through the states of a working day.
    let states: Vec<AgentState> = out
        .iter()
        .filter_map(|n| match &n.update.data {
            Some(UpdateData::User(u)) if !n.node.contains("/Team/") => u.state.clone(),
            _ => None,
        })
        .collect();
    for s in [
        AgentState::NotReady,
        AgentState::Ready,
        AgentState::Reserved,
        AgentState::Talking,
        AgentState::WorkReady,
        AgentState::ReservedOutboundPreview,
    ] {
        assert!(states.contains(&s), "{s} never published");
    }
    assert!(
        out.iter().any(|n| n.node.starts_with("/finesse/api/Queue/")),
        "queue statistics published"
    );
    assert!(out.iter().any(|n| n.node.starts_with("/finesse/api/Team/")), "team notifications");
    // The agents driven through the API were left alone.
    let human =
        e.agent_states().into_iter().find(|(id, _)| id.as_str() == "1001001").map(|(_, s)| s);
    assert_eq!(human, Some(AgentState::Logout));
}

#[test]
fn ten_minutes_of_the_demo_in_100_ms_steps() {
    let mut e = Engine::new(Scenario::demo(), 7, T0);
    let mut t = T0;
    while t < T0 + TEN_MINUTES {
        t += 100;
        e.advance(t);
        check(&e, t);
        e.drain_notifications();
    }
    let c = e.counters();
    assert!(
        c.arrived > 30 && c.answered_by_simulated > 10 && c.abandoned > 0 && c.queued > 0,
        "{c:?}"
    );
}

#[test]
fn a_person_works_alongside_the_simulated_agents() {
    let mut e = Engine::new(Scenario::demo(), 3, T0);
    let p = e.authenticate("1001001", "pass1001001").unwrap();
    let id = finesse_model::UserId::from("1001001");
    let mut t = T0 + 1_000;
    e.put_user(&p, &id, &finesse_model::UserRequest::sign_in(&"1001001".into()), None, t).unwrap();
    e.put_user(&p, &id, &finesse_model::UserRequest::state(AgentState::Ready, None), None, t)
        .unwrap();
    let mut answered = 0;
    while t < T0 + TEN_MINUTES {
        t += 250;
        e.advance(t);
        check(&e, t);
        // Answer whatever rings, hang up after 20 s of talk, become Ready after wrap-up.
        let dialogs = e.get_user_dialogs(&p, &id).unwrap();
        for d in dialogs.iter() {
            let Some(me) = d.participant("1001001") else { continue };
            let did = d.id.clone().unwrap();
            let actions = me.actions.as_ref().map(|a| a.action.clone()).unwrap_or_default();
            let req = |a| finesse_model::DialogRequest::participant(a, &"1001001".into());
            if actions.contains(&finesse_model::Action::Answer) {
                e.put_dialog(&p, &did, &req(finesse_model::Action::Answer), None, t).unwrap();
                answered += 1;
            } else if actions.contains(&finesse_model::Action::Accept) {
                e.put_dialog(&p, &did, &req(finesse_model::Action::Close), None, t).unwrap();
            } else if actions.contains(&finesse_model::Action::Drop)
                && me
                    .start_time
                    .as_ref()
                    .and_then(|s| s.epoch_millis())
                    .is_some_and(|s| t - s > 20_000)
            {
                e.put_dialog(&p, &did, &req(finesse_model::Action::Drop), None, t).unwrap();
            }
        }
        if e.get_user(&p, &id).unwrap().state == Some(AgentState::NotReady) {
            e.put_user(
                &p,
                &id,
                &finesse_model::UserRequest::state(AgentState::Ready, None),
                None,
                t,
            )
            .unwrap();
        }
        check(&e, t);
        e.drain_notifications();
    }
    assert!(answered > 2, "the person answered {answered} calls");
    assert!(e.counters().answered_by_api > 2);
}

#[test]
fn the_same_seed_gives_the_same_notifications() {
    let run = |seed| {
        let mut e = Engine::new(Scenario::demo(), seed, T0);
        let mut out = Vec::new();
        let mut t = T0;
        while t < T0 + 300_000 {
            t += 1_000;
            e.advance(t);
            out.extend(e.drain_notifications());
        }
        out
    };
    let a = run(11);
    assert!(a.len() > 100);
    assert_eq!(a, run(11));
    assert_ne!(a, run(12));
    // Stepping differently reaches the same state at the same time.
    let (by_wakeups, _) = run_by_wakeups(11);
    let mut e = Engine::new(Scenario::demo(), 11, T0);
    e.advance(T0 + TEN_MINUTES);
    assert_eq!(e.agent_states(), by_wakeups.agent_states());
    assert_eq!(e.counters(), by_wakeups.counters());
}

#[test]
fn the_uccx_scenario_lives_too() {
    let mut e = Engine::new(
        Scenario::from_toml(include_str!("../../../scenarios/uccx.toml")).unwrap(),
        5,
        T0,
    );
    let mut t = T0;
    while t < T0 + TEN_MINUTES {
        t += 500;
        e.advance(t);
        check(&e, t);
    }
    let c = e.counters();
    assert!(c.arrived > 10 && c.answered_by_simulated > 5, "{c:?}");
    assert!(
        e.drain_notifications().iter().all(|n| !n.node.starts_with("/finesse/api/Queue/")),
        "no queue notifications on UCCX"
    );
}

#[test]
fn a_simulated_agent_works_a_call_and_wraps_up_with_a_reason() {
    let toml = super::CCE.replace(
        "wrap_up_on_incoming = \"NOT_ALLOWED\"\n[[agent]]\nid = \"1003\"",
        "wrap_up_on_incoming = \"REQUIRED_WITH_WRAP_UP_DATA\"\nsimulated = true\n[[agent]]\nid = \"1003\"",
    );
    let mut h = super::H::with(&toml);
    h.tick(25_000);
    assert_eq!(h.state("1002"), AgentState::Ready, "signed in and Ready by itself");
    let d = h.call();
    assert_eq!(h.state("1002"), AgentState::Reserved);
    h.tick(6_000);
    h.drain();
    assert_eq!(h.state("1002"), AgentState::Talking, "answered");
    let mut states = vec![];
    let mut deleted = None;
    for _ in 0..400 {
        h.tick(500);
        for n in h.drain() {
            match n.update.data {
                Some(UpdateData::User(u)) if n.node == "/finesse/api/User/1002" => {
                    states.push(u.state.unwrap())
                }
                Some(UpdateData::Dialogs(ds))
                    if n.update.event == Some(finesse_model::UpdateEvent::Delete) =>
                {
                    deleted = Some(ds.dialogs[0].clone());
                }
                _ => {}
            }
        }
        if deleted.is_some() {
            break;
        }
    }
    assert_eq!(states, [AgentState::WorkReady, AgentState::Ready]);
    let deleted = deleted.expect("the dialog left after wrap-up");
    assert_eq!(deleted.id, Some(d));
    assert_eq!(deleted.media_properties.unwrap().wrap_up_reason.as_deref(), Some("Sales Call"));
}

/// The CCE test center with agent 1003 simulated (it signs in and becomes Ready by itself).
fn with_simulated_1003() -> super::H {
    let toml = super::CCE.replace(
        "wrap_up_on_incoming = \"OPTIONAL\"\n",
        "wrap_up_on_incoming = \"OPTIONAL\"\nsimulated = true\n",
    );
    let mut h = super::H::with(&toml);
    h.tick(25_000);
    assert_eq!(h.state("1003"), AgentState::Ready, "signed in and Ready by itself");
    h
}

/// 1002 takes a call offered to it and consults 1003 (simulated): 1003 answers by itself
/// within `answer_delay_ms` (default 1.5–6 s). Returns the original and the consult dialog.
fn consult_simulated_1003(h: &mut super::H) -> (finesse_model::DialogId, finesse_model::DialogId) {
    use finesse_model::{Action, DialogRequest, Extension, ParticipantState};
    h.ready_agent("1002");
    let orig = h.e.inject_call_to(&"10".into(), Some(&"1002".into()), &[], None, h.now).unwrap();
    h.act("1002", &orig, Action::Answer).unwrap();
    h.put("1002", &orig, &DialogRequest::consult(&Extension::from("1002"), "1003")).unwrap();
    let consult = super::did(&h.only_dialog("1003"));
    assert_eq!(super::pstate(&h.dialog(&consult), "1003"), ParticipantState::Alerting);
    h.tick(1_499);
    assert_eq!(super::pstate(&h.dialog(&consult), "1003"), ParticipantState::Alerting);
    h.tick(4_501);
    assert_eq!(super::pstate(&h.dialog(&consult), "1003"), ParticipantState::Active, "answered");
    assert_eq!(h.state("1003"), AgentState::Talking);
    (orig, consult)
}

/// Ticks until `id` has no dialog (at most `limit_ms`); the time it took.
fn until_no_dialogs(h: &mut super::H, id: &str, limit_ms: i64) -> i64 {
    let start = h.now;
    while !h.dialogs(id).is_empty() {
        assert!(h.now - start < limit_ms, "{id} still has {:?}", h.dialogs(id));
        h.tick(500);
    }
    h.now - start
}

#[test]
fn a_simulated_agent_answers_a_consult_call_and_keeps_a_transferred_call_going() {
    use finesse_model::{Action, DialogRequest, Extension, ParticipantState};
    let mut h = with_simulated_1003();
    let (orig, _) = consult_simulated_1003(&mut h);
    h.put(
        "1002",
        &orig,
        &DialogRequest::complete(Action::Transfer, &Extension::from("1002"), None),
    )
    .unwrap();
    assert!(h.dialogs("1002").is_empty());
    let d = h.only_dialog("1003");
    assert_eq!(d.id.as_ref(), Some(&orig), "the original call went to 1003");
    assert_eq!(super::pstate(&d, "1003"), ParticipantState::Active);
    // The simulated agent talks (talk_time_ms, default 20–150 s), then it or the caller
    // hangs up, and it goes on working.
    let took = until_no_dialogs(&mut h, "1003", 160_000);
    assert!(took >= 20_000, "talked {took} ms");
    assert_eq!(h.state("1003"), AgentState::Ready);
}

#[test]
fn a_simulated_agent_answers_a_consult_call_and_stays_in_a_conference_for_a_while() {
    use finesse_model::{Action, DialogRequest, Extension};
    let mut h = with_simulated_1003();
    let (orig, _) = consult_simulated_1003(&mut h);
    h.put(
        "1002",
        &orig,
        &DialogRequest::complete(Action::Conference, &Extension::from("1002"), None),
    )
    .unwrap();
    let d = h.only_dialog("1003");
    assert_eq!(d.id.as_ref(), Some(&orig));
    assert_eq!(d.participants.as_ref().map(|p| p.len()), Some(3), "caller, 1002 and 1003");
    // The simulated agent leaves the conference after its talk time (or the caller ends the
    // call); 1002 stays on the call with the caller or alone with nobody.
    let took = until_no_dialogs(&mut h, "1003", 160_000);
    assert!(took >= 20_000, "stayed {took} ms");
    assert_eq!(h.state("1003"), AgentState::Ready);
    let d = h.only_dialog("1002");
    assert_eq!(d.id.as_ref(), Some(&orig), "1002 and the caller stay on the call");
    assert_eq!(super::pstate(&d, "1002"), finesse_model::ParticipantState::Active);
    assert_eq!(d.participants.as_ref().map(|p| p.len()), Some(2));
}

#[test]
fn a_consult_rings_at_a_not_ready_simulated_agent_and_fails_busy_when_it_is_on_a_call() {
    use finesse_model::{Action, DialogRequest, Extension, ParticipantState, StateCause};
    let mut h = with_simulated_1003();
    h.not_ready("1003", Some("1")).unwrap();
    h.ready_agent("1002");
    let orig = h.e.inject_call_to(&"10".into(), Some(&"1002".into()), &[], None, h.now).unwrap();
    h.act("1002", &orig, Action::Answer).unwrap();
    h.put("1002", &orig, &DialogRequest::consult(&Extension::from("1002"), "1003")).unwrap();
    let consult = super::did(&h.only_dialog("1003"));
    h.tick(6_000);
    assert_eq!(super::pstate(&h.dialog(&consult), "1003"), ParticipantState::Active, "answered");
    // 1001 consults 1003, who is on a call: BUSY.
    h.ready_agent("1001");
    let other = h.e.inject_call_to(&"10".into(), Some(&"1001".into()), &[], None, h.now).unwrap();
    h.act("1001", &other, Action::Answer).unwrap();
    h.put("1001", &other, &DialogRequest::consult(&Extension::from("1001"), "1003")).unwrap();
    let failed = h.dialogs("1001").into_iter().find(|d| d.id.as_ref() != Some(&other)).unwrap();
    let me = super::part(&failed, "1001");
    assert_eq!(me.state, Some(ParticipantState::Failed));
    assert_eq!(me.state_cause, Some(StateCause::Busy));
}
