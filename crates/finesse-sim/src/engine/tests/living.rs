//! The living contact center: ten simulated minutes of the demo scenario with the invariants
//! checked after every step, stepping event by event and in fixed 100 ms steps; determinism.

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
