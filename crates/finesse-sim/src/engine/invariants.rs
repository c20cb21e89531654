//! Consistency checks of the whole engine, for tests and the admin endpoint. Each check is
//! written independently of the code that maintains the property: states are checked against
//! the agents' call legs, queue statistics are recounted from the rendered User and Dialog
//! objects, published notifications are compared with what a GET returns now, and actions are
//! compared with a literal copy of the Participant States table.

use std::collections::BTreeSet;

use finesse_model::{Action, AgentState, CallType, ParticipantState, QueueStatistics};

use super::model::{Ax, Call, CallKind, Event, Leg, Platform};
use super::render::seconds_timestamp;
use super::{Dirty, Engine};

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

impl Engine {
    /// Checks that the model is consistent; the first violation found is described.
    ///
    /// - every agent's state agrees with its call legs (TALKING ⇔ an active leg on UCCE, HOLD
    ///   ⇔ only held legs, RESERVED ⇔ a routed call ringing, wrap-up ⇔ a running timer, no
    ///   legs when signed out, at most one active leg), and with the index of its calls;
    /// - every leg's agent is signed in with the leg's address; every leg offers exactly the
    ///   actions of the Participant States table (with the guide's documented additions);
    /// - waiting calls are in a queue with nobody available to take them and will abandon;
    /// - silent monitor calls monitor a call the agent is on;
    /// - what was last published on every node equals what a GET returns now;
    /// - queue statistics equal a recount from the rendered users and dialogs and the waiting
    ///   calls; team members' states equal the users' states.
    pub fn check_invariants(&self) -> Result<(), String> {
        ensure!(self.dirty == Dirty::default(), "unpublished changes remain: {:?}", self.dirty);
        let waiting: BTreeSet<(i64, u64)> =
            self.calls.values().filter_map(|c| Some((c.waiting_since?, c.num))).collect();
        ensure!(
            waiting == self.waiting,
            "waiting index {:?}, waiting calls {waiting:?}",
            self.waiting
        );
        for a in 0..self.agents.len() {
            self.check_agent(a)?;
        }
        for c in self.calls.values() {
            self.check_call(c)?;
        }
        self.check_published()?;
        self.check_queues()?;
        self.check_teams()?;
        Ok(())
    }

    fn check_agent(&self, a: Ax) -> Result<(), String> {
        let id = &self.sc.agents[a].id;
        let rt = &self.agents[a];
        let mut legs: Vec<(&Call, &Leg)> = Vec::new();
        let mut indexed = BTreeSet::new();
        for c in self.calls.values() {
            let mine: Vec<&Leg> = c.legs.iter().filter(|l| l.agent == Some(a)).collect();
            ensure!(mine.len() <= 1, "agent {id} has {} legs in dialog {}", mine.len(), c.num);
            if let Some(l) = mine.first() {
                legs.push((c, l));
                indexed.insert(c.num);
            }
        }
        ensure!(
            indexed == rt.calls,
            "agent {id}: calls index {:?} but legs in {:?}",
            rt.calls,
            indexed
        );
        let state = self.state_of(a);
        let Some(ext) = &rt.signed_in else {
            ensure!(legs.is_empty(), "agent {id} is signed out but has legs");
            ensure!(state == AgentState::Logout, "agent {id} is signed out but {state}");
            ensure!(
                rt.pending.is_none() && rt.wrap.is_none(),
                "agent {id} is signed out with a pending state or wrap-up"
            );
            return Ok(());
        };
        ensure!(state != AgentState::Logout, "agent {id} is signed in but LOGOUT");
        for (c, l) in &legs {
            ensure!(
                l.address == ext.as_str(),
                "agent {id} has leg {} in dialog {} but extension {ext}",
                l.address,
                c.num
            );
            ensure!(
                l.state != ParticipantState::Dropped,
                "agent {id} has a DROPPED leg left in dialog {}",
                c.num
            );
        }
        let own: Vec<&(&Call, &Leg)> = legs.iter().filter(|(_, l)| !l.passive).collect();
        let active = own.iter().filter(|(_, l)| l.state == ParticipantState::Active).count();
        ensure!(active <= 1, "agent {id} is active on {active} calls");
        let talking_leg = |icd_only: bool| {
            own.iter().any(|(c, l)| {
                (!icd_only || c.routed)
                    && matches!(
                        l.state,
                        ParticipantState::Active
                            | ParticipantState::Initiating
                            | ParticipantState::Initiated
                    )
            })
        };
        let held = |icd_only: bool| {
            own.iter().any(|(c, l)| (!icd_only || c.routed) && l.state == ParticipantState::Held)
        };
        let ringing_routed = own.iter().any(|(c, l)| {
            c.routed && c.kind != CallKind::Reservation && l.state == ParticipantState::Alerting
        });
        let reservation = own.iter().any(|(c, l)| {
            c.kind == CallKind::Reservation
                && matches!(l.state, ParticipantState::Alerting | ParticipantState::Accepted)
        });
        match self.platform {
            Platform::Cce => {
                ensure!(
                    (state == AgentState::Talking) == talking_leg(false),
                    "agent {id} is {state} but {} an active, dialing or off-hook leg",
                    if talking_leg(false) { "has" } else { "has no" }
                );
                ensure!(
                    (state == AgentState::Hold) == (held(false) && !talking_leg(false)),
                    "agent {id} is {state}; held legs: {}",
                    held(false)
                );
            }
            Platform::Ccx => {
                let icd = talking_leg(true) || held(true);
                ensure!(
                    (state == AgentState::Talking) == icd,
                    "agent {id} is {state}; on an ICD call: {icd}"
                );
                ensure!(
                    !matches!(state, AgentState::Hold | AgentState::WorkReady),
                    "agent {id} is {state}, a state UCCX does not report"
                );
            }
        }
        if state == AgentState::Reserved {
            ensure!(ringing_routed, "agent {id} is RESERVED without a routed call ringing");
        }
        if state == AgentState::ReservedOutboundPreview {
            ensure!(reservation, "agent {id} is RESERVED_OUTBOUND_PREVIEW without a reservation");
        }
        let wrapping = matches!(state, AgentState::Work | AgentState::WorkReady);
        ensure!(wrapping == rt.wrap.is_some(), "agent {id} is {state} with wrap-up {:?}", rt.wrap);
        if let Some(w) = &rt.wrap {
            ensure!(
                w.deadline >= self.now,
                "agent {id}'s wrap-up timer expired at {} (now {})",
                w.deadline,
                self.now
            );
            let armed = self.events.iter().any(|(&(at, _), e)| {
                at == w.deadline && *e == Event::WrapUpEnd { agent: a, generation: w.generation }
            });
            ensure!(armed, "agent {id}'s wrap-up timer is not scheduled");
        }
        for (c, l) in &legs {
            if l.state == ParticipantState::WrapUp {
                ensure!(
                    rt.wrap.is_some(),
                    "agent {id} has a WRAP_UP leg in dialog {} outside wrap-up",
                    c.num
                );
            }
        }
        let live = own.iter().any(|(_, l)| l.is_live());
        ensure!(rt.in_call == live, "agent {id}: in_call {} but live legs {live}", rt.in_call);
        if rt.pending.is_some() {
            ensure!(live, "agent {id} has a pending state but no call");
        }
        Ok(())
    }

    fn check_call(&self, c: &Call) -> Result<(), String> {
        let n = c.num;
        ensure!(!c.legs.is_empty(), "dialog {n} has no participants");
        for l in &c.legs {
            if let Some(a) = l.agent {
                let ext = self.agents.get(a).and_then(|r| r.signed_in.as_ref());
                ensure!(
                    ext.is_some_and(|e| e.as_str() == l.address),
                    "dialog {n}: leg {} belongs to agent {} signed in as {ext:?}",
                    l.address,
                    a
                );
            }
            let expected = self.expected_actions(c, l);
            ensure!(
                l.actions == expected,
                "dialog {n}: participant {} in {} offers {:?}, the table says {:?}",
                l.address,
                l.state,
                l.actions,
                expected
            );
        }
        if let Some(since) = c.waiting_since {
            ensure!(
                c.legs.iter().all(|l| l.agent.is_none()),
                "waiting dialog {n} has agent participants"
            );
            let q = c.queue.ok_or_else(|| format!("waiting dialog {n} has no queue"))?;
            ensure!(since <= self.now, "dialog {n} waits since the future");
            ensure!(
                self.longest_idle(q).is_none(),
                "dialog {n} waits although an agent of its queue is available"
            );
            let deadline =
                c.patience_deadline.ok_or_else(|| format!("waiting dialog {n} never abandons"))?;
            ensure!(deadline >= self.now, "dialog {n} should have abandoned at {deadline}");
            let armed = self
                .events
                .iter()
                .any(|(&(at, _), e)| at == deadline && *e == Event::Abandon { call: n });
            ensure!(armed, "dialog {n}'s abandon is not scheduled");
        } else {
            ensure!(
                c.legs.iter().any(|l| l.agent.is_some()),
                "dialog {n} has no agent and is not waiting"
            );
        }
        if let CallKind::Monitor { monitored } = c.kind {
            let passive: Vec<&Leg> = c.legs.iter().filter(|l| l.passive).collect();
            ensure!(
                passive.len() <= 1,
                "silent monitor dialog {n} has {} passive participants",
                passive.len()
            );
            ensure!(
                c.legs.iter().filter(|l| !l.passive).count() == 1,
                "silent monitor dialog {n} has no single supervisor"
            );
            if let Some(p) = passive.first().filter(|p| p.is_live()) {
                let on_call = self
                    .calls
                    .get(&monitored)
                    .is_some_and(|m| m.legs.iter().any(|l| l.agent == p.agent && l.is_party()));
                ensure!(on_call, "silent monitor dialog {n} monitors a call the agent is not on");
            }
        }
        Ok(())
    }

    /// The actions of the guide's Participant States table, with its documented additions (see
    /// `actions.rs`), written out independently.
    fn expected_actions(&self, c: &Call, l: &Leg) -> Vec<Action> {
        use Action as A;
        use ParticipantState as S;
        if l.passive {
            return vec![];
        }
        let agent = l.agent.is_some();
        let cce = self.platform == Platform::Cce;
        let recording = !cce && self.sc.system.mediasense && !c.recording;
        let monitor = matches!(c.kind, CallKind::Monitor { .. });
        let mut v = match l.state {
            S::Initiating | S::Initiated => vec![A::Drop, A::UpdateCallData],
            S::Alerting if agent && c.kind == CallKind::Reservation => {
                let mut v = vec![A::Accept, A::Close, A::Reject];
                if c.call_type == CallType::OutboundDirectPreview {
                    v.push(A::Reclassify);
                }
                return v;
            }
            S::Alerting => vec![A::Answer],
            S::Active if agent && monitor => {
                let mut v = vec![A::BargeCall, A::Drop];
                if recording {
                    v.push(A::StartRecording);
                }
                return v;
            }
            S::Active => {
                let mut v = vec![A::Hold, A::Drop, A::UpdateCallData, A::ConsultCall];
                if agent {
                    v.push(A::SendDtmf);
                    if cce {
                        v.push(A::TransferSst);
                    }
                    if recording {
                        v.push(A::StartRecording);
                    }
                    let supervisor =
                        l.agent.is_some_and(|a| !self.sc.agents[a].supervises.is_empty());
                    if supervisor && c.parties() >= 3 {
                        v.push(A::ParticipantDrop);
                    }
                }
                v
            }
            S::Failed => vec![A::Drop],
            S::Held => {
                let mut v = vec![A::Retrieve, A::Drop, A::UpdateCallData];
                let other_active = l.agent.is_some_and(|a| {
                    self.calls.values().any(|o| {
                        o.num != c.num
                            && o.legs
                                .iter()
                                .any(|x| x.agent == Some(a) && !x.passive && x.state == S::Active)
                    })
                });
                if agent && other_active {
                    v.extend([A::Transfer, A::Conference]);
                }
                v
            }
            S::WrapUp => vec![A::UpdateCallData],
            _ => vec![],
        };
        if agent
            && c.kind == CallKind::Customer
            && matches!(l.state, S::Active | S::Held | S::WrapUp)
        {
            v.push(A::UpdateScheduledCallback);
            if c.callback.is_some() {
                v.push(A::CancelScheduledCallback);
            }
        }
        v
    }

    fn check_published(&self) -> Result<(), String> {
        for a in 0..self.agents.len() {
            let id = &self.sc.agents[a].id;
            ensure!(
                self.render_user(a) == self.published.users[a],
                "user {id}: the last User notification is stale"
            );
            ensure!(
                self.render_summary(a) == self.published.team[a],
                "user {id}: the last Team notification is stale"
            );
            let current = self.collection(a);
            ensure!(
                current == self.published.dialogs[a],
                "user {id}: published dialogs {:?} differ from current {:?}",
                self.published.dialogs[a].keys().collect::<Vec<_>>(),
                current.keys().collect::<Vec<_>>()
            );
            for m in 0..self.sc.mrds.len() {
                let key = (a, self.sc.mrds[m].id.clone());
                if self.agents[a].media.contains_key(&key.1) {
                    ensure!(
                        self.published.media.get(&key) == Some(&self.render_media(a, m)),
                        "user {id}: the last Media notification of {} is stale",
                        key.1
                    );
                }
            }
        }
        Ok(())
    }

    /// Queue statistics recounted from the rendered Users and Dialogs (UCCE).
    fn check_queues(&self) -> Result<(), String> {
        if self.platform != Platform::Cce {
            return Ok(());
        }
        for q in 0..self.sc.queues.len() {
            let expected = self.recount(q);
            let actual = self.render_queue(q).statistics.unwrap_or_default();
            ensure!(
                actual == expected,
                "queue {}: statistics {actual:?}, recount {expected:?}",
                self.sc.queues[q].id
            );
        }
        Ok(())
    }

    fn recount(&self, q: usize) -> QueueStatistics {
        let qid = &self.sc.queues[q].id;
        let assigned: Vec<Ax> = (0..self.agents.len())
            .filter(|&a| self.sc.agents[a].queues.iter().any(|x| x == qid))
            .collect();
        if assigned.is_empty() {
            return QueueStatistics {
                calls_in_queue: Some(-1),
                start_time_of_longest_call_in_queue: None,
                agents_ready: Some(-1),
                agents_not_ready: Some(-1),
                agents_talking_inbound: Some(-1),
                agents_talking_outbound: Some(-1),
                agents_talking_internal: Some(-1),
                agents_wrap_up_not_ready: Some(-1),
                agents_wrap_up_ready: Some(-1),
            };
        }
        let waiting: Vec<i64> = self
            .calls
            .values()
            .filter(|c| c.queue == Some(q))
            .filter_map(|c| c.waiting_since)
            .collect();
        let mut counts = [0_i64; 7];
        let qnum = qid.to_string();
        for a in assigned {
            let user = self.render_user(a);
            let ext = user.extension.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
            match user.state {
                Some(AgentState::Ready) => counts[0] += 1,
                Some(AgentState::NotReady) => counts[1] += 1,
                Some(AgentState::Work) => counts[5] += 1,
                Some(AgentState::WorkReady) => counts[6] += 1,
                Some(AgentState::Talking) => {
                    let dialogs = self.collection(a);
                    let mine = |states: &[ParticipantState]| {
                        dialogs.values().find(|d| {
                            let passive =
                                d.media_properties.as_ref().and_then(|m| m.call_type.as_ref())
                                    == Some(&CallType::SupervisorMonitor)
                                    && d.to_address.as_deref() == Some(ext.as_str());
                            !passive
                                && d.participant(&ext)
                                    .and_then(|p| p.state.as_ref())
                                    .is_some_and(|s| states.contains(s))
                        })
                    };
                    let dialog = mine(&[
                        ParticipantState::Active,
                        ParticipantState::Initiating,
                        ParticipantState::Initiated,
                    ])
                    .or_else(|| mine(&[ParticipantState::Held]));
                    let Some(d) = dialog else { continue };
                    let call_type = d.media_properties.as_ref().and_then(|m| m.call_type.clone());
                    match call_type {
                        Some(t) if t.as_str().starts_with("OUTBOUND") => {}
                        Some(CallType::Consult) => {
                            let original_queue = d
                                .associated_dialog_uri
                                .as_deref()
                                .and_then(finesse_model::id_from_uri)
                                .and_then(|n| n.parse::<u64>().ok())
                                .and_then(|n| self.calls.get(&n))
                                .map(|c| self.render_dialog(c))
                                .and_then(|o| o.media_properties.and_then(|m| m.queue_number));
                            if original_queue.is_none_or(|o| o == qnum) {
                                counts[4] += 1;
                            }
                        }
                        Some(CallType::SupervisorMonitor | CallType::AgentInside) => counts[4] += 1,
                        Some(CallType::Out) => counts[3] += 1,
                        _ if d.from_address.as_deref() == Some(ext.as_str()) => counts[4] += 1,
                        _ => counts[2] += 1,
                    }
                }
                _ => {}
            }
        }
        QueueStatistics {
            calls_in_queue: Some(waiting.len() as i64),
            start_time_of_longest_call_in_queue: waiting
                .iter()
                .min()
                .map(|&t| seconds_timestamp(t)),
            agents_ready: Some(counts[0]),
            agents_not_ready: Some(counts[1]),
            agents_talking_inbound: Some(counts[2]),
            agents_talking_outbound: Some(counts[3]),
            agents_talking_internal: Some(counts[4]),
            agents_wrap_up_not_ready: Some(counts[5]),
            agents_wrap_up_ready: Some(counts[6]),
        }
    }

    fn check_teams(&self) -> Result<(), String> {
        for t in 0..self.sc.teams.len() {
            let team = self.render_team(t, true);
            for member in team.users.iter().flat_map(|u| u.iter()) {
                let id = member.login_id.clone().unwrap_or_default();
                let a =
                    *self.by_id.get(&id).ok_or_else(|| format!("team member {id} is no user"))?;
                let user = self.render_user(a);
                ensure!(
                    member.state == user.state && member.pending_state == user.pending_state,
                    "team {}: member {id} shows {:?}/{:?}, the user {:?}/{:?}",
                    self.sc.teams[t].id,
                    member.state,
                    member.pending_state,
                    user.state,
                    user.pending_state
                );
            }
        }
        Ok(())
    }
}
