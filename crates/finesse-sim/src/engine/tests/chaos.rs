//! Random requests from every user against the living demo: the engine never panics, every
//! rejected request changes nothing, and the invariants hold after every step.

use finesse_model::{
    Action, AgentState, CallVariable, DialogId, DialogRequest, Extension, MediaAgentState,
    MediaRequest, OutboundClassification, ReasonCodeId, UserId, UserRequest,
};

use super::T0;
use crate::engine::Engine;
use crate::engine::rng::Rng;
use crate::scenario::Scenario;

const DTMF: [&str; 3] = ["12#", "A", "x"];

const ACTIONS: &[Action] = &[
    Action::Answer,
    Action::Hold,
    Action::Retrieve,
    Action::Drop,
    Action::UpdateCallData,
    Action::SendDtmf,
    Action::ConsultCall,
    Action::Conference,
    Action::Transfer,
    Action::TransferSst,
    Action::ParticipantDrop,
    Action::StartRecording,
    Action::Accept,
    Action::Close,
    Action::Reject,
    Action::Reclassify,
    Action::UpdateScheduledCallback,
    Action::CancelScheduledCallback,
    Action::MakeCall,
    Action::Pause,
];

fn pick<'a, T>(r: &mut Rng, items: &'a [T]) -> &'a T {
    r.pick(items).unwrap_or(&items[0])
}

fn run(scenario: Scenario, seed: u64, steps: usize) {
    let mut e = Engine::new(scenario.clone(), seed, T0);
    let mut r = Rng::new(seed ^ 0xabcdef);
    let users: Vec<String> = scenario.agents.iter().map(|a| a.id.to_string()).collect();
    let states = [
        AgentState::Login,
        AgentState::Ready,
        AgentState::NotReady,
        AgentState::Logout,
        AgentState::Work,
        AgentState::WorkReady,
        AgentState::Talking,
    ];
    let reasons = [None, Some("1"), Some("2"), Some("4"), Some("10"), Some("-1"), Some("99")];
    let mut t = T0;
    let mut accepted = std::collections::BTreeMap::<String, usize>::new();
    for step in 0..steps {
        let mut req_to: Option<String> = None;
        t += r.range([0, 3_000]);
        // Events up to `t`, one by one, checking after each.
        while let Some((&(at, _), ev)) = e.events.first_key_value() {
            if at > t {
                break;
            }
            let ev = ev.clone();
            e.advance(at);
            if let Err(err) = e.check_invariants() {
                panic!("seed {seed} step {step} event {ev:?} at +{}: {err}", at - T0);
            }
        }
        let who = pick(&mut r, &users).clone();
        let p = e.authenticate(&who, &format!("pass{who}")).unwrap();
        let target_user = if r.chance(0.8) { who.clone() } else { pick(&mut r, &users).clone() };
        let ext = Extension::from(if r.chance(0.9) { who.as_str() } else { target_user.as_str() });
        let dialogs: Vec<DialogId> = e
            .get_user_dialogs(
                &e.authenticate("admin", "admin").unwrap_or(p.clone()),
                &UserId::from(who.as_str()),
            )
            .map(|d| d.iter().filter_map(|d| d.id.clone()).collect())
            .unwrap_or_default();
        let to = pick(
            &mut r,
            &[
                "5551234", "5550000", "8001", "8002", "1001001", "1001010", "1002001", "+1408",
                "bad#x", "",
            ],
        )
        .to_string();
        let mut last = String::new();
        let result = match r.below(10) {
            0..=2 => {
                let state = pick(&mut r, &states).clone();
                let reason = pick(&mut r, &reasons).map(ReasonCodeId::from);
                let req = UserRequest {
                    state: Some(state),
                    extension: Some(ext.clone()),
                    reason_code_id: reason,
                    logout_all_media: Some(r.chance(0.5)),
                    ..UserRequest::default()
                };
                e.put_user(&p, &UserId::from(target_user.as_str()), &req, Some("c"), t)
            }
            3 => {
                let req = match r.below(3) {
                    0 => DialogRequest::make_call(&ext, &to, vec![]),
                    1 => DialogRequest::silent_monitor(&ext, &Extension::from(to.as_str())),
                    _ => DialogRequest::barge(
                        &ext,
                        &Extension::from(to.as_str()),
                        &format!(
                            "/finesse/api/Dialog/{}",
                            dialogs.first().map(|d| d.as_str()).unwrap_or("1")
                        ),
                    ),
                };
                last = format!("{req:?}");
                e.post_dialog(&p, &UserId::from(target_user.as_str()), &req, Some("c"), t)
            }
            4 => {
                let m = MediaRequest {
                    state: Some(
                        pick(
                            &mut r,
                            &[
                                MediaAgentState::Login,
                                MediaAgentState::Ready,
                                MediaAgentState::NotReady,
                                MediaAgentState::Logout,
                            ],
                        )
                        .clone(),
                    ),
                    max_dialog_limit: Some(r.range([0, 11])),
                    interrupt_action: Some(finesse_model::InterruptAction::Accept),
                    reason_code_id: pick(&mut r, &reasons).map(ReasonCodeId::from),
                    routable: r.chance(0.2).then(|| r.chance(0.5)),
                    ..MediaRequest::default()
                };
                e.put_media(&p, &UserId::from(target_user.as_str()), &"5000".into(), &m, None, t)
            }
            _ => {
                let Some(d) = r.pick(&dialogs).cloned() else {
                    e.advance(t);
                    continue;
                };
                // Mostly an action the participant is offered, sometimes anything.
                let offered: Vec<Action> = e
                    .get_dialog(&e.authenticate("admin", "admin").unwrap_or(p.clone()), &d)
                    .ok()
                    .and_then(|dialog| {
                        dialog.participant(ext.as_str()).and_then(|x| x.actions.clone())
                    })
                    .map(|a| a.action)
                    .unwrap_or_default();
                let action = if !offered.is_empty() && r.chance(0.7) {
                    pick(&mut r, &offered).clone()
                } else {
                    pick(&mut r, ACTIONS).clone()
                };
                if matches!(action, Action::ConsultCall | Action::TransferSst) && r.chance(0.5) {
                    // Consult someone likely to answer.
                    let agent = pick(&mut r, &users).clone();
                    req_to = Some(agent);
                }
                let mut req = DialogRequest::participant(action.clone(), &ext);
                req.to_address = Some(req_to.take().unwrap_or_else(|| to.clone()));
                match action {
                    Action::SendDtmf => {
                        req = DialogRequest::send_dtmf(&ext, DTMF[r.below(3) as usize])
                    }
                    Action::UpdateCallData => {
                        req = DialogRequest::update_call_data(
                            Some("wrap"),
                            vec![CallVariable::new(
                                *pick(
                                    &mut r,
                                    &[
                                        "callVariable1",
                                        "user.Finesse_ecc2",
                                        "user.finesse_array[9]",
                                        "BAStatus",
                                    ],
                                ),
                                "v",
                            )],
                        )
                    }
                    Action::Reclassify => {
                        req = DialogRequest::reclassify(&ext, &OutboundClassification::Fax)
                    }
                    Action::UpdateScheduledCallback => {
                        req = DialogRequest::schedule_callback(&ext, "2030-01-02T03:04", None)
                    }
                    Action::ParticipantDrop => {
                        req = DialogRequest::participant_drop(&Extension::from(to.as_str()))
                    }
                    _ => {}
                }
                last = format!(
                    "{d:?} {req:?} dialog before: {:?}",
                    e.get_dialog(&e.authenticate("admin", "admin").unwrap_or(p.clone()), &d)
                        .ok()
                        .map(|d| (d.state, d.participants))
                );
                e.put_dialog(&p, &d, &req, Some("c"), t)
            }
        };
        if result.is_ok() {
            for n in e.drain_notifications() {
                if let Some(finesse_model::UpdateData::ApiErrors(_)) = n.update.data {
                    *accepted.entry("async error".into()).or_default() += 1;
                } else if let Some(d) = n.update.data {
                    *accepted.entry(d.element_name().to_owned()).or_default() += 1;
                }
            }
        }
        if result.is_err() {
            // Time may have advanced (events before `t`), but the request itself changed nothing:
            // replaying the advance alone gives the same digest.
            let mut replay = e.clone();
            replay.advance(t);
            assert_eq!(
                e.state_digest(),
                replay.state_digest(),
                "step {step}: a rejected request changed the engine"
            );
        }
        if let Err(err) = e.check_invariants() {
            panic!(
                "seed {seed} step {step} (+{} ms, {who} as {target_user}): {err}\nresult {result:?}\nlast {last}",
                t - T0
            );
        }
        e.drain_notifications();
    }
    // The run exercised more than rejections.
    for kind in ["User", "Dialog", "Dialogs", "async error"] {
        assert!(accepted.get(kind).copied().unwrap_or(0) > 10, "{kind}: {accepted:?}");
    }
}

#[test]
fn random_requests_against_the_demo() {
    let seeds: u64 = std::env::var("CHAOS_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    for seed in 1..=seeds {
        run(Scenario::demo(), seed, 1_200);
    }
}

#[test]
fn random_requests_against_uccx() {
    let s = Scenario::from_toml(include_str!("../../../scenarios/uccx.toml")).unwrap();
    let seeds: u64 = std::env::var("CHAOS_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(2);
    for seed in 1..=seeds {
        run(s.clone(), seed, 1_200);
    }
}
