//! Call mechanics, following the guide's "CTI Event Mappings for Dialog and Participant
//! States" (Tables 1–6): creating calls and legs, delivering routed calls, answering, holding,
//! retrieving, dropping legs and clearing calls, and what happens to agents' legs when their
//! calls end.

use finesse_model::{CallType, ParticipantState, StateCause};

use super::Engine;
use super::model::{Ax, Call, CallKind, Event, Leg};

/// Where a dialed number leads (see [`crate::scenario::Dialing`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// A signed-in agent who is free.
    Agent(Ax),
    /// A queue's route point.
    RoutePoint(usize),
    /// An external party (answers after a while).
    External,
    /// CALL_FAILED with this cause.
    Failed(StateCause),
}

impl Engine {
    /// Creates a call (callVariable1–10 present and empty, as the guide's samples show them).
    pub(crate) fn new_call(
        &mut self,
        kind: CallKind,
        call_type: CallType,
        from: &str,
        to: &str,
    ) -> u64 {
        let n = self.next_call;
        self.next_call += 1;
        let vars = (1..=10).map(|i| (format!("callVariable{i}"), String::new())).collect();
        self.calls.insert(
            n,
            Call {
                num: n,
                kind,
                routed: false,
                call_type,
                from: from.to_owned(),
                to: to.to_owned(),
                dialed_number: Some(to.to_owned()),
                dnis: None,
                queue: None,
                call_key: None,
                vars,
                wrap_up_reason: None,
                legs: Vec::new(),
                associated: None,
                secondary: None,
                controller: None,
                recording: false,
                callback: None,
                classification: None,
                campaign: None,
                customer: None,
                waiting_since: None,
                patience_deadline: None,
                answered: false,
            },
        );
        self.mark_call(n);
        // Forgotten again if no participant gets added.
        self.dirty.gc.insert(n);
        n
    }

    /// A UCCE call key (`callKeyCallId`, `callKeyPrefix`: the call's number and the day).
    pub(crate) fn call_key(&mut self) -> (u64, u64) {
        let id = self.next_call_key;
        self.next_call_key += 1;
        let day = u64::try_from(self.now.div_euclid(86_400_000) + 25_567).unwrap_or(0);
        (id, day)
    }

    /// Adds a leg to call `n`.
    pub(crate) fn add_leg(&mut self, n: u64, leg: Leg) -> Option<usize> {
        let agent = leg.agent;
        let passive = leg.passive;
        let call = self.calls.get_mut(&n)?;
        call.legs.push(leg);
        let i = call.legs.len() - 1;
        if let Some(a) = agent {
            self.agents[a].calls.insert(n);
            if !passive {
                self.agents[a].in_call = true;
            }
            self.mark_agent(a);
        }
        self.mark_call(n);
        Some(i)
    }

    /// Adds agent `a`'s leg to call `n`.
    pub(crate) fn add_agent_leg(
        &mut self,
        n: u64,
        a: Ax,
        state: ParticipantState,
        passive: bool,
    ) -> Option<usize> {
        let ext = self.agents[a].signed_in.clone()?;
        let mut leg = Leg::new(ext.as_str(), Some(a), state, self.now);
        leg.passive = passive;
        if matches!(leg.state, ParticipantState::Initiating | ParticipantState::Active) {
            leg.start = Some(self.now);
        }
        self.add_leg(n, leg)
    }

    /// Sets a leg's state.
    pub(crate) fn set_leg(&mut self, n: u64, i: usize, state: ParticipantState) {
        let now = self.now;
        let Some(call) = self.calls.get_mut(&n) else { return };
        let Some(leg) = call.legs.get_mut(i) else { return };
        if leg.state != state {
            leg.state = state;
            leg.changed = now;
            if leg.state == ParticipantState::Active && leg.start.is_none() {
                leg.start = Some(now);
            }
        }
        if let Some(a) = leg.agent {
            self.mark_agent(a);
        }
        self.mark_call(n);
    }

    /// Agent `a`'s legs matching `pred`, as (call, leg index).
    pub(crate) fn agent_legs(&self, a: Ax, pred: impl Fn(&Leg) -> bool) -> Vec<(u64, usize)> {
        self.agents[a]
            .calls
            .iter()
            .filter_map(|&n| {
                let c = self.calls.get(&n)?;
                let i = c.leg_of(a)?;
                c.legs.get(i).filter(|l| pred(l)).map(|_| (n, i))
            })
            .collect()
    }

    /// A leg leaves the call: it is removed, and its agent's collection loses the dialog
    /// (DELETE, with the dialog as the agent last saw it, state DROPPED).
    pub(crate) fn finish_leg(&mut self, n: u64, i: usize) {
        let Some(call) = self.calls.get(&n) else { return };
        let Some(leg) = call.legs.get(i) else { return };
        if let Some(a) = leg.agent {
            let mut farewell = self.render_dialog(call);
            farewell.state = Some(finesse_model::DialogState::Dropped);
            self.dirty.farewells.insert((a, n), farewell);
            self.agents[a].calls.remove(&n);
            self.mark_agent(a);
        }
        if let Some(call) = self.calls.get_mut(&n) {
            call.legs.remove(i);
        }
        self.mark_call(n);
        self.dirty.gc.insert(n);
    }

    /// A leg drops (CALL_CONNECTION_CLEARED). Silent monitoring of an agent who drops ends;
    /// the call clears when fewer than two parties (or no agent) remain.
    pub(crate) fn drop_leg(&mut self, n: u64, i: usize) {
        let Some(leg) = self.calls.get(&n).and_then(|c| c.legs.get(i)).cloned() else { return };
        self.set_leg(n, i, ParticipantState::Dropped);
        if let (Some(a), false) = (leg.agent, leg.passive) {
            self.end_monitoring(n, a);
        }
        let Some(call) = self.calls.get(&n) else { return };
        let agents_left = call.legs.iter().any(|l| l.agent.is_some() && l.is_party());
        if call.parties() < 2 || !agents_left || matches!(call.kind, CallKind::Monitor { .. }) {
            self.clear_call(n);
        }
    }

    /// The call is cleared: every leg drops (CALL_CLEARED).
    pub(crate) fn clear_call(&mut self, n: u64) {
        let Some(call) = self.calls.get(&n) else { return };
        let live: Vec<(usize, Option<Ax>, bool)> = call
            .legs
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_live())
            .map(|(i, l)| (i, l.agent, l.passive))
            .collect();
        if call.answered && matches!(call.kind, CallKind::Inbound | CallKind::Customer) {
            self.counters.completed += 1;
        }
        for (i, agent, passive) in live {
            self.set_leg(n, i, ParticipantState::Dropped);
            if let (Some(a), false) = (agent, passive) {
                self.end_monitoring(n, a);
            }
        }
        self.dirty.gc.insert(n);
        if let Some(call) = self.calls.get_mut(&n) {
            if let Some(since) = call.waiting_since.take() {
                self.waiting.remove(&(since, n));
            }
            call.patience_deadline = None;
            call.answered = false;
        }
        self.mark_call(n);
    }

    /// Ends the silent monitor calls of agent `a` on call `n` ("If an agent drops from or
    /// transfers the call that the supervisor is monitoring, the silent monitoring session
    /// ends").
    pub(crate) fn end_monitoring(&mut self, n: u64, a: Ax) {
        let monitors: Vec<u64> = self
            .calls
            .values()
            .filter(|c| c.kind == CallKind::Monitor { monitored: n })
            .filter(|c| c.legs.iter().any(|l| l.passive && l.agent == Some(a) && l.is_live()))
            .map(|c| c.num)
            .collect();
        for m in monitors {
            self.clear_call(m);
        }
    }

    /// After each phase: agents' dropped legs leave their collections (or wrap up), agents
    /// whose last call ended change state, calls nobody is on are forgotten. `true` when
    /// anything changed.
    pub(crate) fn settle(&mut self) -> bool {
        let mut changed = false;
        // Only agents whose legs changed since the last publication can have anything to settle.
        let touched: Vec<Ax> = self.dirty.agents.iter().copied().collect();
        for a in touched {
            if self.agents[a].calls.is_empty() && !self.agents[a].in_call {
                continue;
            }
            let live = self.has_calls(a);
            let dropped = self.agent_legs(a, |l| l.state == ParticipantState::Dropped);
            for &(n, i) in dropped.iter().rev() {
                let passive =
                    self.calls.get(&n).and_then(|c| c.legs.get(i)).is_some_and(|l| l.passive);
                if live || passive || !self.agents[a].in_call {
                    self.finish_leg(n, i);
                    changed = true;
                }
            }
            if self.agents[a].in_call && !live {
                self.end_of_call(a);
                changed = true;
            }
        }
        let candidates = std::mem::take(&mut self.dirty.gc);
        let gone: Vec<u64> = candidates
            .into_iter()
            .filter(|n| {
                self.calls.get(n).is_some_and(|c| {
                    c.waiting_since.is_none() && c.legs.iter().all(|l| l.agent.is_none())
                })
            })
            .collect();
        for n in gone {
            self.calls.remove(&n);
            changed = true;
        }
        changed
    }

    /// Whether agent `a` can take a routed call of queue `q`: assigned to it, signed in, READY,
    /// on no call and not in wrap-up.
    pub(crate) fn available(&self, a: Ax, q: usize) -> bool {
        let rt = &self.agents[a];
        // With no call, the agent's state is its base state.
        self.queue_agents.get(q).is_some_and(|members| members.binary_search(&a).is_ok())
            && rt.signed_in.is_some()
            && rt.calls.is_empty()
            && rt.base == finesse_model::AgentState::Ready
    }

    /// The longest-idle available agent of queue `q`.
    pub(crate) fn longest_idle(&self, q: usize) -> Option<Ax> {
        self.queue_agents
            .get(q)?
            .iter()
            .copied()
            .filter(|&a| self.available(a, q))
            .min_by_key(|&a| (self.agents[a].ready_since, a))
    }

    /// Routes waiting calls, oldest first, to the longest-idle Ready agent of their queue.
    pub(crate) fn route(&mut self) -> bool {
        if self.waiting.is_empty() {
            return false;
        }
        let waiting: Vec<(u64, usize)> = self
            .waiting
            .iter()
            .filter_map(|&(_, n)| Some((n, self.calls.get(&n)?.queue?)))
            .collect();
        // Each queue's available agents, longest idle first, computed once per pass (an agent
        // taken by one queue's call is skipped by the others).
        let mut candidates: std::collections::BTreeMap<usize, std::collections::VecDeque<Ax>> =
            std::collections::BTreeMap::new();
        let mut changed = false;
        for (n, q) in waiting {
            let list = candidates.entry(q).or_insert_with(|| {
                let mut v: Vec<Ax> = self
                    .queue_agents
                    .get(q)
                    .map(|members| {
                        members.iter().copied().filter(|&a| self.available(a, q)).collect()
                    })
                    .unwrap_or_default();
                v.sort_by_key(|&a| (self.agents[a].ready_since, a));
                v.into()
            });
            while let Some(a) = list.pop_front() {
                if self.available(a, q) {
                    self.deliver(n, a);
                    changed = true;
                    break;
                }
            }
        }
        changed
    }

    /// Delivers a routed call to agent `a` (CALL_DELIVERED: the agent ALERTING, the caller
    /// INITIATED; the agent becomes RESERVED).
    pub(crate) fn deliver(&mut self, n: u64, a: Ax) {
        let now = self.now;
        let Some(call) = self.calls.get_mut(&n) else { return };
        if let Some(since) = call.waiting_since.take() {
            self.counters.longest_wait_ms = self.counters.longest_wait_ms.max(now - since);
            self.waiting.remove(&(since, n));
        }
        let early: Vec<usize> = call
            .legs
            .iter()
            .enumerate()
            .filter(|(_, l)| l.state == ParticipantState::Initiating)
            .map(|(i, _)| i)
            .collect();
        for i in early {
            self.set_leg(n, i, ParticipantState::Initiated);
        }
        self.counters.routed += 1;
        self.agents[a].episode_routed = true;
        if self.add_agent_leg(n, a, ParticipantState::Alerting, false).is_some()
            && self.sc.agents[a].simulated
        {
            self.sim_ringing(a, n);
        }
    }

    /// Where `to` leads when agent `caller` dials it.
    pub(crate) fn classify(&self, to: &str) -> Destination {
        if let Some(b) = (0..self.agents.len())
            .find(|&b| self.agents[b].signed_in.as_ref().is_some_and(|e| e.as_str() == to))
        {
            // An agent on a call or in wrap-up does not take another one (busy trigger 1).
            return if self.agents[b].calls.is_empty() && self.agents[b].wrap.is_none() {
                Destination::Agent(b)
            } else {
                Destination::Failed(StateCause::Busy)
            };
        }
        if let Some(q) = self.sc.queues.iter().position(|q| q.dnis.as_deref() == Some(to)) {
            return Destination::RoutePoint(q);
        }
        let d = &self.sc.dialing;
        if d.busy_numbers.iter().any(|b| b == to) {
            return Destination::Failed(StateCause::Busy);
        }
        let dialable =
            !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit() || b"+*#".contains(&b));
        if !dialable || d.unreachable_numbers.iter().any(|u| u == to) {
            return Destination::Failed(StateCause::BadDestination);
        }
        if self.sc.agents.iter().any(|c| c.extension.as_str() == to)
            || d.devices.iter().any(|e| e.as_str() == to)
        {
            // An agent's phone with nobody signed in to it.
            return Destination::Failed(StateCause::Busy);
        }
        Destination::External
    }

    /// Connects the call `n` (whose caller is INITIATED) to `dest`: the recipient's leg rings
    /// (CALL_DELIVERED), or the caller's leg fails (CALL_FAILED with BUSY/BAD_DESTINATION).
    /// A route point with no available agent queues the call.
    pub(crate) fn connect(&mut self, n: u64, dest: Destination) {
        match dest {
            Destination::Agent(b) => {
                if self.add_agent_leg(n, b, ParticipantState::Alerting, false).is_some()
                    && self.sc.agents[b].simulated
                {
                    self.sim_ringing(b, n);
                }
            }
            Destination::RoutePoint(q) => {
                let key = (self.platform == super::model::Platform::Cce).then(|| self.call_key());
                let patience = self.rng.range(self.sc.simulation.patience_ms);
                let now = self.now;
                if let Some(call) = self.calls.get_mut(&n) {
                    call.routed = true;
                    call.queue = Some(q);
                    call.dnis = self.sc.queues[q].dnis.clone();
                    call.call_key = call.call_key.or(key);
                }
                match self.longest_idle(q) {
                    Some(b) => self.deliver(n, b),
                    None => {
                        if let Some(call) = self.calls.get_mut(&n) {
                            call.waiting_since = Some(now);
                            call.patience_deadline = Some(now + patience);
                        }
                        self.waiting.insert((now, n));
                        self.schedule(now + patience, Event::Abandon { call: n });
                    }
                }
            }
            Destination::External => {
                let Some(to) = self.calls.get(&n).map(|c| c.to.clone()) else { return };
                let address = self.external_address(n, &to);
                let leg = Leg::new(&address, None, ParticipantState::Alerting, self.now);
                self.add_leg(n, leg);
                let at = self.now + self.rng.range(self.sc.dialing.external_answer_ms);
                self.schedule(at, Event::ExternalAnswer { call: n, address });
            }
            Destination::Failed(cause) => {
                let now = self.now;
                let Some(call) = self.calls.get_mut(&n) else { return };
                for leg in call.legs.iter_mut().filter(|l| l.state == ParticipantState::Initiated) {
                    leg.state = ParticipantState::Failed;
                    leg.cause = Some(cause.clone());
                    leg.changed = now;
                    if let Some(a) = leg.agent {
                        self.dirty.agents.insert(a);
                    }
                }
                self.mark_call(n);
            }
        }
    }

    /// The address of a new external leg (the dialed number, unique within the call).
    fn external_address(&self, n: u64, to: &str) -> String {
        let taken = |addr: &str| {
            self.calls.get(&n).is_some_and(|c| c.legs.iter().any(|l| l.address == addr))
        };
        if !taken(to) {
            return to.to_owned();
        }
        (2..).map(|k| format!("{to}#{k}")).find(|a| !taken(a)).unwrap_or_else(|| to.to_owned())
    }

    /// A ringing leg answers (CALL_ESTABLISHED): it and the dialing caller become ACTIVE. An
    /// agent's other active call is put on hold (the phone does that).
    pub(crate) fn answer_leg(&mut self, n: u64, i: usize) {
        let Some(leg) = self.calls.get(&n).and_then(|c| c.legs.get(i)).cloned() else { return };
        if let Some(a) = leg.agent {
            self.hold_others(a, n);
        }
        self.set_leg(n, i, ParticipantState::Active);
        let dialing: Vec<usize> = self
            .calls
            .get(&n)
            .map(|c| {
                c.legs
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.state == ParticipantState::Initiated)
                    .map(|(j, _)| j)
                    .collect()
            })
            .unwrap_or_default();
        for j in dialing {
            self.set_leg(n, j, ParticipantState::Active);
        }
        if let Some(call) = self.calls.get_mut(&n) {
            call.patience_deadline = None;
            if leg.agent.is_some() {
                call.answered = true;
            }
        }
    }

    /// Puts agent `a`'s active legs on other calls than `n` on hold.
    pub(crate) fn hold_others(&mut self, a: Ax, n: u64) {
        for (m, j) in self.agent_legs(a, |l| !l.passive && l.state == ParticipantState::Active) {
            if m != n {
                self.set_leg(m, j, ParticipantState::Held);
            }
        }
    }

    /// Whether the call is still in its ringing phase for `a` (for simulated answers).
    pub(crate) fn alerting_leg(&self, n: u64, a: Ax) -> Option<usize> {
        let c = self.calls.get(&n)?;
        let i = c.leg_of(a)?;
        (c.legs.get(i)?.state == ParticipantState::Alerting).then_some(i)
    }
}
