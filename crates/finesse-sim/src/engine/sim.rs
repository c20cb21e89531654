//! The living contact center: callers arriving at queues (Poisson), waiting and abandoning;
//! simulated agents signing in, becoming Ready, answering, talking, wrapping up (with a
//! wrap-up reason when required) and taking Not Ready breaks; external parties answering;
//! Outbound Option preview reservations; queue statistics published every 10 s.
//!
//! Every random choice comes from the engine's seeded generator, in the order events happen.

use finesse_model::{
    Action, AgentState, CallType, ParticipantState, ReasonCodeCategory, WrapUpMode,
};

use super::QUEUE_PERIOD_MS;
use super::model::{Ax, CallKind, Event, Leg, Platform, Reason};
use super::{Engine, Millis};
use crate::scenario::CampaignMode;

impl Engine {
    /// The first events: arrivals, queue ticks, simulated agents signing in, campaigns.
    pub(crate) fn schedule_initial(&mut self) {
        for q in 0..self.sc.queues.len() {
            self.schedule_arrival(q);
        }
        if self.platform == Platform::Cce {
            self.schedule(self.start + QUEUE_PERIOD_MS, Event::QueueTick);
        }
        for a in 0..self.agents.len() {
            if self.sc.agents[a].simulated {
                let at = self.now + self.rng.range(self.sc.simulation.sign_in_delay_ms);
                self.sim_timer(a, at);
            }
        }
        for c in 0..self.sc.campaigns.len() {
            self.schedule_offer(c);
        }
    }

    fn schedule_arrival(&mut self, q: usize) {
        let rate = self.sc.queues[q].calls_per_minute;
        if rate > 0.0 {
            let at = self.now + self.rng.exponential_ms(60_000.0 / rate);
            self.schedule(at, Event::Arrival { queue: q });
        }
    }

    fn schedule_offer(&mut self, c: usize) {
        let rate = self.sc.campaigns[c].reservations_per_minute;
        if rate > 0.0 {
            let at = self.now + self.rng.exponential_ms(60_000.0 / rate);
            self.schedule(at, Event::PreviewOffer { campaign: c });
        }
    }

    /// Runs one event (its effects are published by the caller).
    pub(crate) fn handle_event(&mut self, event: Event) {
        match event {
            Event::Arrival { queue } => {
                self.arrive(queue, &[], None);
                self.schedule_arrival(queue);
            }
            Event::Abandon { call } => self.abandon(call),
            Event::QueueTick => {
                self.publish_queues();
                let next = self.now + QUEUE_PERIOD_MS
                    - (self.now - self.start).rem_euclid(QUEUE_PERIOD_MS);
                self.schedule(next, Event::QueueTick);
            }
            Event::SimIdle { agent, generation } => {
                if self.agents[agent].sim_generation == generation {
                    self.sim_idle(agent);
                }
            }
            Event::SimAnswer { agent, call } => {
                if let Some(i) = self.alerting_leg(call, agent) {
                    if self.calls.get(&call).is_some_and(|c| c.kind == CallKind::Reservation) {
                        return;
                    }
                    self.answer_leg(call, i);
                    self.count_answer(agent, call);
                    self.sim_answered(agent, call);
                }
            }
            Event::SimHangUp { agent, call } => {
                let leg = self.calls.get(&call).and_then(|c| {
                    c.leg_of(agent).and_then(|i| c.legs.get(i).map(|l| (i, l.is_live())))
                });
                if let Some((i, true)) = leg {
                    self.drop_leg(call, i);
                }
            }
            Event::CallerHangUp { call } => {
                let leg = self
                    .calls
                    .get(&call)
                    .and_then(|c| c.legs.iter().position(|l| l.agent.is_none() && l.is_party()));
                if let Some(i) = leg {
                    self.drop_leg(call, i);
                }
            }
            Event::ExternalAnswer { call, address } => {
                let leg = self.calls.get(&call).and_then(|c| {
                    c.legs.iter().position(|l| {
                        l.agent.is_none()
                            && l.address == address
                            && l.state == ParticipantState::Alerting
                    })
                });
                if let Some(i) = leg {
                    self.answer_leg(call, i);
                    // The agent of a simulated outbound customer call talks, then hangs up.
                    let sim_agent = self.calls.get(&call).and_then(|c| {
                        c.legs.iter().filter_map(|l| l.agent).find(|&a| self.sc.agents[a].simulated)
                    });
                    if let Some(a) = sim_agent {
                        self.sim_answered(a, call);
                    }
                }
            }
            Event::WrapUpEnd { agent, generation } => self.wrap_up_timer(agent, generation),
            Event::SimWrapUpDone { agent, generation } => self.sim_wrap_up_done(agent, generation),
            Event::SimPreview { agent, call } => {
                if let Some(i) = self.alerting_leg(call, agent) {
                    if self.rng.chance(self.sc.simulation.preview_accept_share) {
                        self.preview_accept(call, i, agent, None);
                    } else {
                        self.preview_close(call, i, &Action::Reject, None);
                    }
                }
            }
            Event::PreviewOffer { campaign } => {
                self.offer_reservation(campaign);
                self.schedule_offer(campaign);
            }
        }
    }

    /// A caller arrives at queue `q` (BEGIN_CALL_EVENT: the caller INITIATING, not yet anyone's
    /// dialog) and waits to be routed; it abandons at the end of its patience. `from` replaces
    /// the random caller number (which is drawn anyway, so the rest of the run is the same).
    pub(crate) fn arrive(
        &mut self,
        q: usize,
        variables: &[(String, String)],
        from: Option<&str>,
    ) -> u64 {
        let cfg = self.sc.queues[q].clone();
        let ani = format!("{}{:04}", self.sc.simulation.ani_prefix, self.rng.below(10_000));
        let ani = from.map_or(ani, str::to_owned);
        let dnis = cfg.dnis.clone().unwrap_or_else(|| cfg.id.to_string());
        let mut values = Vec::new();
        for (name, choices) in &cfg.variables {
            if let Some(v) = self.rng.pick(choices) {
                values.push((name.clone(), v.clone()));
            }
        }
        let patience = self.rng.range(self.sc.simulation.patience_ms);
        let key = (self.platform == Platform::Cce).then(|| self.call_key());
        let n = self.new_call(CallKind::Inbound, CallType::AcdIn, &ani, &dnis);
        let now = self.now;
        if let Some(call) = self.calls.get_mut(&n) {
            call.routed = true;
            call.queue = Some(q);
            call.dnis = Some(dnis.clone());
            call.call_key = key;
            for (name, value) in values.iter().chain(variables) {
                call.set_var(name, value);
            }
            let mut leg = Leg::new(&ani, None, ParticipantState::Initiating, now);
            leg.start = Some(now);
            call.legs.push(leg);
            call.waiting_since = Some(now);
            call.patience_deadline = Some(now + patience);
        }
        self.waiting.insert((now, n));
        self.schedule(now + patience, Event::Abandon { call: n });
        self.counters.arrived += 1;
        if self.longest_idle(q).is_none() {
            self.counters.queued += 1;
        }
        n
    }

    /// The caller gives up: while waiting (the call disappears) or while ringing at an agent
    /// (CALL_CONNECTION_CLEARED for the caller: the agent goes back to READY — "An agent can
    /// become RESERVED but never take a call").
    pub(crate) fn abandon(&mut self, n: u64) {
        let Some(call) = self.calls.get(&n) else { return };
        if call.patience_deadline.is_none_or(|d| d > self.now) {
            return;
        }
        if let Some(since) = call.waiting_since {
            self.counters.longest_wait_ms = self.counters.longest_wait_ms.max(self.now - since);
            self.counters.abandoned += 1;
            self.calls.remove(&n);
            self.waiting.remove(&(since, n));
            return;
        }
        let ringing =
            call.legs.iter().any(|l| l.agent.is_some() && l.state == ParticipantState::Alerting);
        let caller = call.legs.iter().position(|l| l.agent.is_none() && l.is_party());
        if let (true, Some(i)) = (ringing, caller) {
            self.counters.abandoned += 1;
            self.drop_leg(n, i);
        }
    }

    /// Arms agent `a`'s idle timer (cancelling the previous one).
    fn sim_timer(&mut self, a: Ax, at: Millis) {
        // At least 1 ms later: zero-length ranges must not make an endless chain at one time.
        let at = at.max(self.now + 1);
        self.agents[a].sim_generation += 1;
        let generation = self.agents[a].sim_generation;
        self.schedule(at, Event::SimIdle { agent: a, generation });
    }

    /// A simulated agent's base state changed: plan its next step.
    pub(crate) fn sim_base_changed(&mut self, a: Ax) {
        let s = self.sc.simulation.clone();
        match &self.agents[a].base {
            AgentState::Logout => {
                let at = self.now + self.rng.range(s.break_duration_ms);
                self.sim_timer(a, at);
            }
            AgentState::NotReady => {
                let at = self.now + self.rng.range(s.break_duration_ms);
                self.sim_timer(a, at);
            }
            AgentState::Ready => {
                let at = self.now + self.rng.range(s.break_interval_ms);
                self.sim_timer(a, at);
            }
            AgentState::Work | AgentState::WorkReady => {
                if let Some(wrap) = &self.agents[a].wrap {
                    let at = self.now + self.rng.range(s.wrap_up_time_ms);
                    self.schedule(
                        at,
                        Event::SimWrapUpDone { agent: a, generation: wrap.generation },
                    );
                }
            }
            _ => {}
        }
    }

    /// A simulated agent's idle decision: sign in, become Ready, or take a break.
    fn sim_idle(&mut self, a: Ax) {
        if self.agents[a].signed_in.is_none() {
            let ext = self.sc.agents[a].extension.clone();
            if self.agents.iter().any(|o| o.signed_in.as_ref() == Some(&ext)) {
                let at = self.now + 60_000;
                self.sim_timer(a, at);
                return;
            }
            self.agents[a].signed_in = Some(ext);
            self.agents[a].state_changed = Some(self.now);
            self.set_base(a, AgentState::NotReady, Reason::None);
            let at = self.now + self.rng.range(self.sc.simulation.ready_delay_ms);
            self.sim_timer(a, at);
            return;
        }
        if !self.agents[a].calls.is_empty() || self.agents[a].wrap.is_some() {
            return;
        }
        match self.state_of(a) {
            AgentState::NotReady => {
                self.agents[a].state_changed = Some(self.now);
                self.set_base(a, AgentState::Ready, Reason::None);
            }
            AgentState::Ready => {
                let codes = self.applicable_reason_codes(a, &ReasonCodeCategory::NotReady);
                let reason = self.rng.pick(&codes).map_or(Reason::None, |&i| Reason::Code(i));
                self.agents[a].state_changed = Some(self.now);
                self.set_base(a, AgentState::NotReady, reason);
            }
            _ => {}
        }
    }

    /// A routed or direct call rings at a simulated agent: it answers after a while
    /// (reservations are decided instead).
    pub(crate) fn sim_ringing(&mut self, a: Ax, n: u64) {
        let reservation = self.calls.get(&n).is_some_and(|c| c.kind == CallKind::Reservation);
        let s = &self.sc.simulation;
        let (range, event) = if reservation {
            (s.preview_delay_ms, Event::SimPreview { agent: a, call: n })
        } else {
            (s.answer_delay_ms, Event::SimAnswer { agent: a, call: n })
        };
        let at = self.now + self.rng.range(range);
        self.schedule(at, event);
    }

    /// A simulated agent is connected: after the talk time either the caller or the agent
    /// hangs up.
    pub(crate) fn sim_answered(&mut self, a: Ax, n: u64) {
        let Some(call) = self.calls.get(&n) else { return };
        let has_caller = call.legs.iter().any(|l| l.agent.is_none() && l.is_party());
        if call.legs.iter().any(|l| l.state == ParticipantState::Alerting) {
            // Waiting for the other party to answer (outbound customer call).
            return;
        }
        let talk = self.rng.range(self.sc.simulation.talk_time_ms);
        let caller_ends = has_caller && self.rng.chance(self.sc.simulation.caller_hangup_share);
        let event = if caller_ends {
            Event::CallerHangUp { call: n }
        } else {
            Event::SimHangUp { agent: a, call: n }
        };
        self.schedule(self.now + talk, event);
    }

    /// A simulated agent was consulted and the call it talked on became a transfer or a
    /// conference (its hang-up was planned on the consult call, which is gone): on a
    /// transferred call it talks, then it or the caller hangs up, as on a routed call; in a
    /// conference it leaves after its talk time, the others staying on.
    pub(crate) fn sim_joined(&mut self, a: Ax, n: u64, conference: bool) {
        if !conference {
            self.sim_answered(a, n);
            return;
        }
        let talk = self.rng.range(self.sc.simulation.talk_time_ms);
        self.schedule(self.now + talk, Event::SimHangUp { agent: a, call: n });
    }

    /// A simulated agent ends wrap-up: sets a wrap-up reason when one is required, then
    /// becomes Ready.
    fn sim_wrap_up_done(&mut self, a: Ax, generation: u64) {
        if self.agents[a].wrap.as_ref().is_none_or(|w| w.generation != generation) {
            return;
        }
        let mode = &self.sc.agents[a].wrap_up_on_incoming;
        let reasons = self.applicable_wrap_up_reasons(a);
        let wants_reason = *mode == WrapUpMode::RequiredWithWrapUpData
            || (*mode == WrapUpMode::Required && !reasons.is_empty());
        if wants_reason && let Some(&w) = self.rng.pick(&reasons) {
            let label = self.sc.wrap_up_reasons[w].label.clone();
            for (n, _) in self.agent_legs(a, |l| l.state == ParticipantState::WrapUp) {
                if let Some(call) = self.calls.get_mut(&n) {
                    call.wrap_up_reason = Some(label.clone());
                }
                self.mark_call(n);
            }
            self.sync_dialogs(None);
        }
        self.agents[a].wrap = None;
        let legs = self.agent_legs(a, |l| l.state == ParticipantState::WrapUp);
        for (n, i) in legs {
            self.finish_leg(n, i);
        }
        self.agents[a].state_changed = Some(self.now);
        self.set_base(a, AgentState::Ready, Reason::None);
    }

    /// A campaign reserves the longest-idle Ready agent of its queue (guide: Outbound Option
    /// Preview / Direct Preview reservation: a dialog of type OUTBOUND_PREVIEW or
    /// OUTBOUND_DIRECT_PREVIEW from the dialer port to the agent, with the BA variables).
    pub(crate) fn offer_reservation(&mut self, c: usize) -> Option<u64> {
        let cfg = self.sc.campaigns.get(c)?.clone();
        let q = self.queue_ix(&cfg.queue)?;
        let a = self.longest_idle(q)?;
        let k = self.next_customer[c] % cfg.customers.len().max(1);
        self.next_customer[c] += 1;
        let customer = cfg.customers.get(k)?.clone();
        let ext = self.agents[a].signed_in.clone()?;
        let (call_type, status) = match cfg.mode {
            CampaignMode::Preview => (CallType::OutboundPreview, "PREVIEW_OUTBOUND_RESERVATION"),
            CampaignMode::DirectPreview => {
                (CallType::OutboundDirectPreview, "DIRECT_PREVIEW_OUTBOUND_RESERVATION")
            }
        };
        let n = self.new_call(CallKind::Reservation, call_type, &cfg.dialer_port, ext.as_str());
        let ccx = self.platform == Platform::Ccx;
        if let Some(call) = self.calls.get_mut(&n) {
            call.routed = true;
            call.queue = Some(q);
            call.campaign = Some(c);
            call.customer = Some(k);
            call.set_var("BACampaign", &cfg.name);
            call.set_var("BAAccountNumber", &customer.account);
            call.set_var("BAResponse", "");
            call.set_var("BAStatus", status);
            call.set_var("BADialedListID", &cfg.id);
            call.set_var("BATimeZone", "");
            call.set_var("BABuddyName", &customer.name);
            if ccx {
                call.set_var("BACustomerNumber", &customer.number);
            }
        }
        self.add_agent_leg(n, a, ParticipantState::Alerting, false);
        self.counters.reservations += 1;
        if self.sc.agents[a].simulated {
            self.sim_ringing(a, n);
        }
        Some(n)
    }

    /// ACCEPT a reservation (BAResponse `Accept`): the reservation is ACCEPTED, the dialer
    /// calls the customer on the agent's behalf (callType OUTBOUND, BAStatus
    /// PREVIEW_OUTBOUND / DIRECT_PREVIEW_OUTBOUND) and the reservation ends.
    pub(crate) fn preview_accept(&mut self, n: u64, i: usize, a: Ax, rid: Option<&str>) {
        if let Some(call) = self.calls.get_mut(&n) {
            call.set_var("BAResponse", "Accept");
        }
        self.set_leg(n, i, ParticipantState::Accepted);
        self.sync_dialogs(rid);
        let Some(reservation) = self.calls.get(&n).cloned() else { return };
        let Some(cfg) = reservation.campaign.and_then(|c| self.sc.campaigns.get(c)).cloned() else {
            return;
        };
        let Some(customer) = reservation.customer.and_then(|k| cfg.customers.get(k)).cloned()
        else {
            return;
        };
        let Some(ext) = self.agents[a].signed_in.clone() else { return };
        let status = match cfg.mode {
            CampaignMode::Preview => "PREVIEW_OUTBOUND",
            CampaignMode::DirectPreview => "DIRECT_PREVIEW_OUTBOUND",
        };
        let c =
            self.new_call(CallKind::Customer, CallType::Outbound, ext.as_str(), &customer.number);
        if let Some(call) = self.calls.get_mut(&c) {
            call.routed = true;
            call.queue = reservation.queue;
            call.campaign = reservation.campaign;
            call.customer = reservation.customer;
            for (name, value) in reservation.vars.iter().filter(|(n, _)| n.starts_with("BA")) {
                call.set_var(name, value);
            }
            call.set_var("BAStatus", status);
            call.set_var("BAResponse", "");
        }
        self.agents[a].episode_routed = true;
        self.add_agent_leg(c, a, ParticipantState::Initiated, false);
        if let Some(leg) = self.calls.get_mut(&c).and_then(|call| call.legs.last_mut()) {
            leg.start = Some(self.now);
        }
        self.sync_dialogs(rid);
        self.finish_leg(n, i);
        self.sync_dialogs(rid);
        self.connect(c, super::calls::Destination::External);
    }

    /// CLOSE (BAResponse `Reject-Close`) or REJECT (`Reject`) a reservation: it ends and the
    /// agent returns to its state before the reservation (or the pending one).
    pub(crate) fn preview_close(&mut self, n: u64, i: usize, action: &Action, rid: Option<&str>) {
        let response = if *action == Action::Close { "Reject-Close" } else { "Reject" };
        if let Some(call) = self.calls.get_mut(&n) {
            call.set_var("BAResponse", response);
        }
        self.mark_call(n);
        self.sync_dialogs(rid);
        self.drop_leg(n, i);
    }
}
