//! Agent states (guide: "User—Sign In to Finesse", "Sign In as a Mobile Agent", "Sign Out",
//! "Change Agent State", "Change Agent State With Reason Code", the Unified CCE and Unified CCX
//! transition tables, the Platform-Based API Differences table, pending states, wrap-up).
//!
//! An agent's state is its *base* state (LOGOUT, NOT_READY, READY, WORK, WORK_READY) unless its
//! calls decide it ([`Engine::state_of`]):
//! - UCCE: active, dialing or off-hook on a call → TALKING; otherwise holding a call → HOLD;
//!   a preview reservation ringing or accepted → RESERVED_OUTBOUND_PREVIEW; a routed call
//!   ringing → RESERVED.
//! - UCCX: only ICD calls (routed, and Outbound Option calls) change the state — active or held
//!   → TALKING ("Agent puts an ICD call on hold: … remains in TALKING state"), ringing →
//!   RESERVED, a reservation → RESERVED_OUTBOUND_PREVIEW; on non-ICD calls the agent "remains in
//!   NOT_READY state".
//!
//! When the last call ends, the pending state (or the state before the call) applies, through
//! wrap-up when the agent's wrap-up setting asks for it: WORK (then NOT_READY) or, UCCE only,
//! WORK_READY (then READY), ended by the agent or by the wrap-up timer.

use finesse_model::transitions::{
    StateChange, StateChangeError, StateContext, agent_state_change, supervisor_state_change,
};
use finesse_model::{
    AgentState, Extension, MobileAgentMode, ParticipantState, ReasonCodeCategory, ReasonCodeId,
    UserId, UserRequest, WrapUpMode,
};

use super::errors;
use super::model::{Ax, CallKind, Event, Pending, Platform, Reason, WrapUp};
use super::{ApiFailure, Engine, Principal};

/// What a state change request does.
enum Decision {
    /// Rejected (nothing changes).
    Reject(ApiFailure),
    /// Applies now.
    Apply,
    /// Applies when the call ends, shown as `pendingState`.
    Pending,
    /// Applies when the reservation ends, without notification.
    Silent,
}

/// Who asks for a state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    /// The agent.
    Own,
    /// A supervisor of the agent's team.
    Supervisor,
}

impl Engine {
    /// The agent's current state.
    pub(crate) fn state_of(&self, a: Ax) -> AgentState {
        self.call_state(a).unwrap_or_else(|| self.agents[a].base.clone())
    }

    /// The state the agent's calls impose, if any.
    pub(crate) fn call_state(&self, a: Ax) -> Option<AgentState> {
        let mut talking = false;
        let mut held = false;
        let mut preview = false;
        let mut reserved = false;
        for n in &self.agents[a].calls {
            let Some(c) = self.calls.get(n) else { continue };
            let icd = c.routed;
            for l in c.legs.iter().filter(|l| l.agent == Some(a) && !l.passive) {
                let counts = self.platform == Platform::Cce || icd;
                match l.state {
                    ParticipantState::Active
                    | ParticipantState::Initiating
                    | ParticipantState::Initiated
                        if counts =>
                    {
                        talking = true;
                    }
                    ParticipantState::Held if counts => held = true,
                    ParticipantState::Alerting | ParticipantState::Accepted
                        if c.kind == CallKind::Reservation =>
                    {
                        preview = true;
                    }
                    ParticipantState::Alerting if icd => reserved = true,
                    _ => {}
                }
            }
        }
        if talking || (held && self.platform == Platform::Ccx) {
            Some(AgentState::Talking)
        } else if held {
            Some(AgentState::Hold)
        } else if preview {
            Some(AgentState::ReservedOutboundPreview)
        } else if reserved {
            Some(AgentState::Reserved)
        } else {
            None
        }
    }

    /// Whether the agent has a leg in a live call (ringing, dialing, active, held, failed), the
    /// passive leg of a monitored agent aside.
    pub(crate) fn has_calls(&self, a: Ax) -> bool {
        self.agents[a]
            .calls
            .iter()
            .filter_map(|n| self.calls.get(n))
            .any(|c| c.legs.iter().any(|l| l.agent == Some(a) && !l.passive && l.is_live()))
    }

    /// Sets the base state (and, for READY, the start of the agent's idle time).
    pub(crate) fn set_base(&mut self, a: Ax, state: AgentState, reason: Reason) {
        let agent = &mut self.agents[a];
        if state == AgentState::Ready {
            agent.ready_since = self.now;
        }
        agent.base = state;
        agent.reason = reason;
        self.mark_agent(a);
        if self.sc.agents[a].simulated {
            self.sim_base_changed(a);
        }
    }

    /// `PUT /finesse/api/User/{id}` after advancing time.
    pub(crate) fn user_request(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &UserRequest,
        request_id: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let actor = if !p.admin && &p.user == id {
            Actor::Own
        } else if p.supervisor && !p.admin {
            Actor::Supervisor
        } else {
            return Err(errors::invalid_authorization(p.user.as_str()));
        };
        let a = self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))?;
        if actor == Actor::Supervisor && !self.supervises(&p.user, a) {
            return Err(errors::invalid_supervisor(id.as_str()));
        }
        let state = req.state.clone().ok_or_else(|| errors::parameter_missing("state"))?;
        match (actor, state) {
            (Actor::Supervisor, state) => self.supervisor_change(a, state, req),
            (Actor::Own, AgentState::Login) => self.sign_in(a, req, request_id),
            (Actor::Own, s @ (AgentState::Ready | AgentState::NotReady | AgentState::Logout)) => {
                self.change_state(a, s, req)
            }
            (Actor::Own, s @ (AgentState::Work | AgentState::WorkReady)) => {
                self.request_wrap_up(a, s, req)
            }
            (Actor::Own, _) => {
                Err(errors::invalid_input("state", "Invalid State specified for user"))
            }
        }
    }

    /// Sign in (guide: "User—Sign In to Finesse", "Sign In as a Mobile Agent"). Signing in
    /// again keeps the current state; success → NOT_READY with `reasonCodeId` -1.
    fn sign_in(
        &mut self,
        a: Ax,
        req: &UserRequest,
        request_id: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let ext = req.extension.clone().filter(|e| !e.as_str().trim().is_empty());
        let ext = ext.ok_or_else(|| errors::parameter_missing("extension"))?;
        self.check_extension(&ext)?;
        if let Some(mobile) = &req.mobile_agent {
            if self.platform == Platform::Ccx {
                return Err(errors::not_implemented(
                    "Mobile agents are supported with Unified CCE only",
                ));
            }
            match &mobile.mode {
                None => return Err(errors::parameter_missing("mode")),
                Some(MobileAgentMode::Unknown(_)) => {
                    return Err(errors::invalid_input(
                        "mode",
                        "Invalid mode specified for mobile agent",
                    ));
                }
                Some(_) => {}
            }
            if mobile.dial_number.as_deref().is_none_or(|d| d.trim().is_empty()) {
                return Err(errors::parameter_missing("dialNumber"));
            }
        }
        if self.agents[a].signed_in.is_some() {
            // "the user is signed in again but the user keeps the current state".
            self.dirty.forced_users.insert(a);
            return Ok(());
        }
        // Asynchronous errors (CTI): the device must exist and be free; mobile agents must be
        // configured as such.
        let exists = self.sc.agents.iter().any(|c| c.extension == ext)
            || self.sc.dialing.devices.contains(&ext);
        if !exists {
            self.push_user_error(
                a,
                request_id,
                errors::async_error(
                    "Invalid Device",
                    "The device does not exist",
                    Some(ext.as_str()),
                ),
            );
            return Ok(());
        }
        if self.agents.iter().any(|o| o.signed_in.as_ref() == Some(&ext)) {
            self.push_user_error(
                a,
                request_id,
                errors::async_error(
                    "Device Busy",
                    "The device is already in use",
                    Some(ext.as_str()),
                ),
            );
            return Ok(());
        }
        if req.mobile_agent.is_some() && !self.sc.agents[a].mobile_agent {
            self.push_user_error(
                a,
                request_id,
                errors::async_error(
                    "Mode Not Allowed",
                    "The agent is not configured as a mobile agent",
                    None,
                ),
            );
            return Ok(());
        }
        let agent = &mut self.agents[a];
        agent.signed_in = Some(ext);
        agent.mobile = req.mobile_agent.clone();
        agent.pending = None;
        agent.silent_pending = None;
        agent.state_changed = Some(self.now);
        self.set_base(a, AgentState::NotReady, Reason::None);
        self.dirty.forced_users.insert(a);
        Ok(())
    }

    /// The extension rules of "Sign In" (Platform-Based API Differences): no E.164 sign-in on
    /// UCCE; on UCCX a `+` and at most 14 digits.
    fn check_extension(&self, ext: &Extension) -> Result<(), ApiFailure> {
        let e = ext.as_str();
        if let Some(digits) = e.strip_prefix('+') {
            if self.platform == Platform::Cce {
                return Err(errors::bad_request(
                    "Invalid extension: E.164 sign-in is not supported with Unified CCE",
                ));
            }
            if digits.is_empty() || digits.len() > 14 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(errors::bad_request(
                    "Invalid extension: an E.164 extension is + and at most 14 digits",
                ));
            }
        } else if e.len() > 15 || !e.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(errors::bad_request("Invalid extension"));
        }
        Ok(())
    }

    /// The reason code of a NOT_READY or LOGOUT request, checked: required when codes are
    /// configured for the user in that category (400 Parameter Missing), and it must be one of
    /// them (400 Invalid Input); `-1` means none.
    pub(crate) fn requested_reason(
        &self,
        a: Ax,
        category: ReasonCodeCategory,
        requested: Option<&ReasonCodeId>,
    ) -> Result<Reason, ApiFailure> {
        let applicable: Vec<usize> = self.applicable_reason_codes(a, &category);
        match requested.filter(|r| r.as_str() != "-1") {
            None if applicable.is_empty() => Ok(Reason::None),
            None => Err(errors::parameter_missing("reasonCodeId")),
            Some(id) => applicable
                .into_iter()
                .find(|&i| &self.sc.reason_codes[i].id == id)
                .map(Reason::Code)
                .ok_or_else(|| {
                    errors::invalid_input("reasonCodeId", "Invalid reasonCodeId specified for user")
                }),
        }
    }

    /// READY, NOT_READY or LOGOUT requested by the agent (the transition tables).
    fn change_state(
        &mut self,
        a: Ax,
        target: AgentState,
        req: &UserRequest,
    ) -> Result<(), ApiFailure> {
        let reason = match target {
            AgentState::NotReady => {
                self.requested_reason(a, ReasonCodeCategory::NotReady, req.reason_code_id.as_ref())?
            }
            AgentState::Logout => {
                self.requested_reason(a, ReasonCodeCategory::Logout, req.reason_code_id.as_ref())?
            }
            _ if req.reason_code_id.as_ref().is_some_and(|r| r.as_str() != "-1") => {
                return Err(errors::invalid_input(
                    "reasonCodeId",
                    "A reason code can be given only with NOT_READY or LOGOUT",
                ));
            }
            _ => Reason::None,
        };
        let current = self.state_of(a);
        let platform = self.platform;
        let ctx = StateContext {
            on_calls: self.has_calls(a),
            pending_used: self.agents[a].ccx_pending_used,
        };
        let decision = match agent_state_change(&self.deployment(), &current, &target, ctx) {
            StateChange::Now => Decision::Apply,
            StateChange::Pending => Decision::Pending,
            StateChange::Silent => Decision::Silent,
            StateChange::Rejected(e) => Decision::Reject(errors::state_change(platform, e)),
        };
        match decision {
            Decision::Reject(e) => return Err(e),
            Decision::Pending => {
                if platform == Platform::Ccx {
                    self.agents[a].ccx_pending_used = true;
                }
                self.agents[a].pending = Some(Pending { state: target, reason });
                self.dirty.forced_users.insert(a);
                self.mark_agent(a);
            }
            Decision::Silent => {
                self.agents[a].silent_pending = Some(Pending { state: target, reason })
            }
            Decision::Apply => {
                self.apply_now(a, target.clone(), reason);
                if target == AgentState::Logout && req.logout_all_media == Some(true) {
                    // "the same reason code is applied to all the Media Routing Domains".
                    let signed_in: Vec<_> = self.agents[a]
                        .media
                        .iter()
                        .filter(|(_, m)| m.state != finesse_model::MediaAgentState::Logout)
                        .map(|(id, _)| id.clone())
                        .collect();
                    for mrd in signed_in {
                        self.media_logout(a, &mrd, reason);
                    }
                }
            }
        }
        Ok(())
    }

    /// Applies READY, NOT_READY or LOGOUT now (ending wrap-up if any).
    fn apply_now(&mut self, a: Ax, target: AgentState, reason: Reason) {
        self.end_wrap_up_legs(a);
        let agent = &mut self.agents[a];
        agent.wrap = None;
        agent.pending = None;
        agent.silent_pending = None;
        agent.state_changed = Some(self.now);
        if target == AgentState::Logout {
            self.sign_out(a, reason);
        } else {
            self.set_base(a, target, reason);
        }
        self.dirty.forced_users.insert(a);
    }

    /// Signs the agent out (voice); the agent's MRDs too when asked.
    pub(crate) fn sign_out(&mut self, a: Ax, reason: Reason) {
        let agent = &mut self.agents[a];
        agent.signed_in = None;
        agent.mobile = None;
        agent.pending = None;
        agent.silent_pending = None;
        agent.wrap = None;
        self.set_base(a, AgentState::Logout, reason);
    }

    /// WORK / WORK_READY requested during a call, when wrap-up is optional: applies as a
    /// pending state ("attempt to set Wrap-Up state on an agent that is not allowed to go to
    /// Wrap-Up, or … from READY state to Wrap-up or WORK state" → Invalid State).
    fn request_wrap_up(
        &mut self,
        a: Ax,
        target: AgentState,
        req: &UserRequest,
    ) -> Result<(), ApiFailure> {
        if req.reason_code_id.is_some() {
            return Err(errors::invalid_input(
                "reasonCodeId",
                "A reason code can be given only with NOT_READY or LOGOUT",
            ));
        }
        let current = self.state_of(a);
        let on_call =
            matches!(current, AgentState::Talking | AgentState::Hold | AgentState::Reserved);
        let allowed = self.wrap_mode(a) != WrapUpMode::NotAllowed;
        if !on_call
            || !allowed
            || (target == AgentState::WorkReady && self.platform == Platform::Ccx)
        {
            return Err(errors::invalid_transition(self.platform, current == AgentState::Logout));
        }
        if self.platform == Platform::Ccx {
            if self.agents[a].ccx_pending_used {
                return Err(errors::invalid_workmode());
            }
            self.agents[a].ccx_pending_used = true;
        }
        self.agents[a].pending = Some(Pending { state: target, reason: Reason::None });
        self.dirty.forced_users.insert(a);
        self.mark_agent(a);
        Ok(())
    }

    /// The wrap-up mode that applies to the agent's current call episode.
    fn wrap_mode(&self, a: Ax) -> WrapUpMode {
        let cfg = &self.sc.agents[a];
        if self.agents[a].episode_routed {
            cfg.wrap_up_on_incoming.clone()
        } else {
            cfg.wrap_up_on_outgoing.clone().unwrap_or(WrapUpMode::NotAllowed)
        }
    }

    /// A supervisor changes a team member's state (guide note on "Change Agent State": only
    /// NOT_READY, READY, LOGOUT; LOGOUT from READY, NOT_READY, RESERVED,
    /// RESERVED_OUTBOUND(_PREVIEW), TALKING, HOLD, WORK, WORK_READY; NOT_READY from READY, WORK,
    /// WORK_READY; no reason code (400 Invalid Input); a hard-coded reason 999 (UCCE) / 33
    /// (UCCX)). A LOGOUT while the agent has calls is pending until they end.
    fn supervisor_change(
        &mut self,
        a: Ax,
        target: AgentState,
        req: &UserRequest,
    ) -> Result<(), ApiFailure> {
        if req.reason_code_id.is_some() {
            return Err(errors::invalid_input(
                "reasonCodeId",
                "A supervisor cannot give a reason code; Finesse sends a hard-coded one",
            ));
        }
        let current = self.state_of(a);
        match supervisor_state_change(&current, &target, self.has_calls(a)) {
            StateChange::Rejected(StateChangeError::NotSettable) => {
                return Err(errors::failure(
                    400,
                    "Invalid State",
                    "A supervisor can only set READY, NOT_READY or LOGOUT",
                    Some("state"),
                ));
            }
            StateChange::Rejected(e) => return Err(errors::state_change(self.platform, e)),
            StateChange::Pending => {
                self.agents[a].pending = Some(Pending { state: target, reason: Reason::None });
                self.mark_agent(a);
            }
            StateChange::Now | StateChange::Silent => {
                let reason = if target == AgentState::NotReady {
                    Reason::System(if self.platform == Platform::Cce { 999 } else { 33 })
                } else {
                    Reason::None
                };
                self.apply_now(a, target, reason);
            }
        }
        self.dirty.forced_users.insert(a);
        Ok(())
    }

    /// End of the agent's last call: the pending state (or the state before the call) applies,
    /// through wrap-up when the agent's wrap-up mode asks for it (guide: TALKING/HOLD → READY,
    /// NOT_READY, WORK, WORK_READY rows). The agent's dropped legs become WRAP_UP during
    /// wrap-up, else leave the agent's collection.
    pub(crate) fn end_of_call(&mut self, a: Ax) {
        let pending =
            self.agents[a].pending.take().or_else(|| self.agents[a].silent_pending.take());
        self.agents[a].silent_pending = None;
        let mode = self.wrap_mode(a);
        let agent = &mut self.agents[a];
        agent.in_call = false;
        agent.ccx_pending_used = false;
        agent.episode_routed = false;
        let (next, next_reason) = match pending {
            Some(p) => (p.state, p.reason),
            None => (agent.base.clone(), agent.reason),
        };
        if next == AgentState::Logout {
            self.finish_dropped_legs(a);
            self.agents[a].state_changed = Some(self.now);
            self.sign_out(a, next_reason);
            return;
        }
        let wants = match mode {
            WrapUpMode::Required | WrapUpMode::RequiredWithWrapUpData => true,
            WrapUpMode::Optional => matches!(next, AgentState::Work | AgentState::WorkReady),
            _ => false,
        };
        let then_ready = matches!(next, AgentState::Ready | AgentState::WorkReady);
        if wants && self.agents[a].signed_in.is_some() {
            let (work, then, then_reason) = match (self.platform, then_ready) {
                (Platform::Cce, true) => (AgentState::WorkReady, AgentState::Ready, Reason::None),
                (Platform::Cce, false) => (AgentState::Work, AgentState::NotReady, next_reason),
                // UCCX has no WORK_READY: "A user is placed in WORK state when the user is set
                // to transition to NOT_READY state when wrap-up ends."
                (Platform::Ccx, _) => (
                    AgentState::Work,
                    AgentState::NotReady,
                    if then_ready { Reason::None } else { next_reason },
                ),
            };
            let timer = self.sc.agents[a].wrap_up_timer_s * 1000;
            let agent = &mut self.agents[a];
            agent.wrap_generation += 1;
            let generation = agent.wrap_generation;
            let deadline = self.now + timer;
            agent.wrap = Some(WrapUp { deadline, generation, then, then_reason });
            self.schedule(deadline, Event::WrapUpEnd { agent: a, generation });
            self.wrap_dropped_legs(a);
            self.set_base(a, work, Reason::None);
        } else {
            self.finish_dropped_legs(a);
            let state = if then_ready { AgentState::Ready } else { AgentState::NotReady };
            let reason = if then_ready { Reason::None } else { next_reason };
            self.set_base(a, state, reason);
        }
    }

    /// The wrap-up timer expired (guide: "Agents automatically transition to NOT_READY
    /// [READY] after the wrap-up timer expires").
    pub(crate) fn wrap_up_timer(&mut self, a: Ax, generation: u64) {
        let Some(wrap) = &self.agents[a].wrap else { return };
        if wrap.generation != generation {
            return;
        }
        self.leave_wrap_up(a);
    }

    /// Leaves wrap-up into the state decided at its start.
    pub(crate) fn leave_wrap_up(&mut self, a: Ax) {
        let Some(wrap) = self.agents[a].wrap.take() else { return };
        self.end_wrap_up_legs(a);
        self.set_base(a, wrap.then, wrap.then_reason);
    }

    /// The agent's WRAP_UP legs leave its collection.
    fn end_wrap_up_legs(&mut self, a: Ax) {
        let legs: Vec<(u64, usize)> = self.agent_legs(a, |l| l.state == ParticipantState::WrapUp);
        for (n, i) in legs.into_iter().rev() {
            self.finish_leg(n, i);
        }
    }

    /// The agent's DROPPED legs become WRAP_UP.
    fn wrap_dropped_legs(&mut self, a: Ax) {
        let now = self.now;
        for (n, i) in self.agent_legs(a, |l| l.state == ParticipantState::Dropped && !l.passive) {
            if let Some(leg) = self.calls.get_mut(&n).and_then(|c| c.legs.get_mut(i)) {
                leg.state = ParticipantState::WrapUp;
                leg.changed = now;
            }
            self.mark_call(n);
        }
    }

    /// The agent's DROPPED legs leave its collection.
    pub(crate) fn finish_dropped_legs(&mut self, a: Ax) {
        let legs = self.agent_legs(a, |l| l.state == ParticipantState::Dropped);
        for (n, i) in legs.into_iter().rev() {
            self.finish_leg(n, i);
        }
    }
}
