//! Dialog requests (guide: "Dialog APIs"): `POST /finesse/api/User/{id}/Dialogs` (MAKE_CALL,
//! SILENT_MONITOR, BARGE_CALL) and `PUT /finesse/api/Dialog/{id}` (every participant action).
//!
//! Each request is checked in two stages, as Finesse does: the checks the guide lists as HTTP
//! responses fail synchronously (`Err`, nothing changes); the ones it lists under
//! "Asynchronous Errors" are accepted (202) and answered with an error notification on the
//! user's Dialogs node (nothing changes either). An action the participant is not offered in
//! its `actions` is such an asynchronous Generic Error ("Attempt to PUT a Dialog object using an
//! action that is not allowed").

use finesse_model::{
    Action, AgentState, ApiErrors, CallType, DialogId, DialogRequest, OutboundClassification,
    ParticipantState, UserId, id_from_uri,
};

use super::calls::Destination;
use super::errors;
use super::model::{Ax, CallKind, Platform};
use super::{ApiFailure, Engine, Principal};

/// The Outbound Option variables a client may not set (guide: "Dialog API Errors", 400
/// Invalid Input).
const BA_VARIABLES: &[&str] = &[
    "BACampaign",
    "BAAccountNumber",
    "BAResponse",
    "BAStatus",
    "BASTatus",
    "BADialedListID",
    "BATimeZone",
    "BABuddyName",
    "BACustomerNumber",
];

/// The checked form of a call variable update.
struct VariableUpdate {
    name: String,
    value: String,
}

impl Engine {
    // ----- POST ---------------------------------------------------------------------------

    /// `POST /finesse/api/User/{id}/Dialogs`.
    pub(crate) fn dialog_post(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let action = req
            .requested_action
            .clone()
            .ok_or_else(|| errors::parameter_missing("requestedAction"))?;
        match action {
            Action::MakeCall => self.make_call(p, id, req, rid),
            Action::SilentMonitor => self.silent_monitor(p, id, req, rid),
            Action::BargeCall => self.barge(p, id, req, rid),
            _ => Err(errors::invalid_input(
                "requestedAction",
                "Invalid 'requestedAction' specified for dialog",
            )),
        }
    }

    /// The agent a POST acts for: the principal itself.
    fn poster(&self, p: &Principal, id: &UserId) -> Result<Ax, ApiFailure> {
        if p.admin || &p.user != id {
            return Err(errors::invalid_authorization(p.user.as_str()));
        }
        self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))
    }

    /// A required address parameter.
    fn address<'r>(value: Option<&'r String>, name: &str) -> Result<&'r str, ApiFailure> {
        value
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| errors::parameter_missing(name))
    }

    /// The fromAddress must be the extension the user is signed in to ("Users can only create
    /// dialogs using a fromAddress to which they are currently signed in").
    fn check_from(&self, a: Ax, from: &str) -> Result<(), ApiFailure> {
        if self.agents[a].signed_in.as_ref().is_some_and(|e| e.as_str() == from) {
            Ok(())
        } else {
            Err(errors::invalid_authorization(self.sc.agents[a].id.as_str()))
        }
    }

    /// Whether the agent is busy on the phone: a leg ringing, dialing, active or failed.
    fn phone_busy(&self, a: Ax) -> bool {
        !self
            .agent_legs(a, |l| {
                !l.passive
                    && matches!(
                        l.state,
                        ParticipantState::Active
                            | ParticipantState::Alerting
                            | ParticipantState::Initiating
                            | ParticipantState::Initiated
                            | ParticipantState::Failed
                            | ParticipantState::Accepted
                    )
            })
            .is_empty()
    }

    /// Dialog—Create a New Dialog (Make a Call): Table 2 (INITIATING, INITIATED, then ALERTING
    /// at the recipient or FAILED).
    fn make_call(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let a = self.poster(p, id)?;
        let from = Self::address(req.from_address.as_ref(), "fromAddress")?.to_owned();
        let to = Self::address(req.to_address.as_ref(), "toAddress")?.to_owned();
        self.check_from(a, &from)?;
        if to == from {
            return Err(errors::invalid_destination(
                "The toAddress and fromAddress are the same",
                &to,
            ));
        }
        if !to.is_ascii() {
            return Err(errors::invalid_input("toAddress", "The toAddress must be ASCII"));
        }
        let mut variables = Vec::new();
        if let Some(mp) = &req.media_properties {
            if self.platform == Platform::Ccx {
                return Err(errors::invalid_input(
                    "mediaProperties",
                    "Call variables cannot be passed with MAKE_CALL with Unified CCX",
                ));
            }
            if mp.wrap_up_reason.is_some() {
                return Err(errors::invalid_input(
                    "wrapUpReason",
                    "A wrap-up reason cannot be passed with MAKE_CALL",
                ));
            }
            if let Some(list) = &mp.call_variables {
                variables = self.check_variables(list)?;
            }
        }
        // Asynchronous errors.
        let state = self.state_of(a);
        if !finesse_model::transitions::may_make_call(&state, self.phone_busy(a)) {
            self.push_dialog_error(
                a,
                None,
                rid,
                errors::async_error(
                    "Invalid State",
                    "The agent's state does not allow making a call",
                    Some(state.as_str()),
                ),
            );
            return Ok(());
        }
        if self.platform == Platform::Cce && to.starts_with('+') {
            self.push_dialog_error(
                a,
                None,
                rid,
                errors::generic_error("E.164 destinations cannot be dialed with Unified CCE"),
            );
            return Ok(());
        }
        let dest = self.classify(&to);
        if let Destination::RoutePoint(q) = dest
            && self.longest_idle(q).is_none()
        {
            self.push_dialog_error(
                a,
                None,
                rid,
                errors::generic_error("No agent is Ready in the queue of the route point"),
            );
            return Ok(());
        }
        if let Err(e) = self.apply_variables_async(&variables, false) {
            self.push_dialog_error(a, None, rid, e);
            return Ok(());
        }
        let call_type = match dest {
            Destination::Agent(_) => CallType::AgentInside,
            Destination::RoutePoint(_) => CallType::AcdIn,
            Destination::External | Destination::Failed(_) => CallType::Out,
        };
        let n = self.new_call(CallKind::Direct, call_type, &from, &to);
        if let Some(call) = self.calls.get_mut(&n) {
            if matches!(dest, Destination::Agent(_)) {
                call.dnis = Some(to.clone());
            }
            for v in &variables {
                call.set_var(&v.name, &v.value);
            }
        }
        let Some(i) = self.add_agent_leg(n, a, ParticipantState::Initiating, false) else {
            return Ok(());
        };
        self.sync_dialogs(rid);
        self.set_leg(n, i, ParticipantState::Initiated);
        self.sync_dialogs(rid);
        self.connect(n, dest);
        Ok(())
    }

    /// Dialog—Make a Silent Monitor Call (Table 5; "Platform-Based API Differences").
    fn silent_monitor(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        if p.admin || !p.supervisor {
            return Err(errors::authorization_failure(p.user.as_str()));
        }
        let s = self.poster(p, id)?;
        let from = Self::address(req.from_address.as_ref(), "fromAddress")?.to_owned();
        let to = Self::address(req.to_address.as_ref(), "toAddress")?.to_owned();
        self.check_from(s, &from)?;
        if to == from {
            return Err(errors::invalid_destination(
                "The toAddress and fromAddress are the same",
                &to,
            ));
        }
        let a = (0..self.agents.len())
            .find(|&a| self.agents[a].signed_in.as_ref().is_some_and(|e| e.as_str() == to))
            .ok_or_else(|| {
                errors::invalid_destination(
                    "The toAddress is not the extension of a signed-in agent",
                    &to,
                )
            })?;
        if !self.supervises(&p.user, a) {
            return Err(errors::invalid_supervisor(self.sc.agents[a].id.as_str()));
        }
        // "A supervisor who is already on an active call (in TALKING or HOLD state) makes a
        // silent monitor request" → 400 Invalid State; the supervisor must be NOT_READY.
        if self.state_of(s) != AgentState::NotReady || self.has_calls(s) {
            return Err(errors::failure(
                400,
                "Invalid State",
                "The supervisor must be NOT_READY and on no call to start silent monitoring",
                Some(self.state_of(s).as_str()),
            ));
        }
        // Asynchronous errors about the agent.
        let agent_state = self.state_of(a);
        let active = self
            .agent_legs(a, |l| !l.passive && l.state == ParticipantState::Active)
            .into_iter()
            .next()
            .map(|(n, _)| n);
        let error = match self.platform {
            Platform::Cce => match agent_state {
                AgentState::Talking if active.is_some() => None,
                AgentState::Hold | AgentState::NotReady => {
                    Some(errors::async_error("13145", "The agent is on hold or Not Ready", None))
                }
                _ => Some(errors::async_error(
                    "Invalid State",
                    "The agent is not TALKING",
                    Some(agent_state.as_str()),
                )),
            },
            Platform::Ccx => match (&agent_state, active) {
                (AgentState::Talking | AgentState::NotReady, Some(_)) => None,
                _ => Some(errors::async_error("88049", "The agent is not talking on a call", None)),
            },
        };
        if let Some(e) = error {
            self.push_dialog_error(s, None, rid, e);
            return Ok(());
        }
        let Some(monitored) = active else { return Ok(()) };
        if matches!(self.calls.get(&monitored).map(|c| c.kind), Some(CallKind::Monitor { .. })) {
            self.push_dialog_error(
                s,
                None,
                rid,
                errors::async_error(
                    "Invalid State",
                    "A silent monitor call cannot be monitored",
                    None,
                ),
            );
            return Ok(());
        }
        let m =
            self.new_call(CallKind::Monitor { monitored }, CallType::SupervisorMonitor, &from, &to);
        if let Some(call) = self.calls.get_mut(&m) {
            call.associated = Some(monitored);
        }
        let Some(si) = self.add_agent_leg(m, s, ParticipantState::Initiating, false) else {
            return Ok(());
        };
        self.sync_dialogs(rid);
        self.set_leg(m, si, ParticipantState::Initiated);
        self.sync_dialogs(rid);
        let Some(ai) = self.add_agent_leg(m, a, ParticipantState::Alerting, true) else {
            return Ok(());
        };
        self.sync_dialogs(rid);
        self.set_leg(m, si, ParticipantState::Active);
        self.set_leg(m, ai, ParticipantState::Active);
        Ok(())
    }

    /// Dialog—Make a Barge Call (Table 6): the silent monitor call is dropped, the agent's call
    /// held, and the call becomes a conference of caller, agent and supervisor.
    fn barge(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        if p.admin || !p.supervisor {
            return Err(errors::authorization_failure(p.user.as_str()));
        }
        let s = self.poster(p, id)?;
        let from = Self::address(req.from_address.as_ref(), "fromAddress")?.to_owned();
        let to = Self::address(req.to_address.as_ref(), "toAddress")?.to_owned();
        let uri =
            Self::address(req.associated_dialog_uri.as_ref(), "associatedDialogUri")?.to_owned();
        self.check_from(s, &from)?;
        let not_monitoring = || {
            errors::invalid_input(
                "associatedDialogUri",
                "The supervisor is not silently monitoring that call",
            )
        };
        let sm =
            id_from_uri(&uri).and_then(|i| i.parse::<u64>().ok()).ok_or_else(not_monitoring)?;
        let call = self.calls.get(&sm).ok_or_else(not_monitoring)?;
        let CallKind::Monitor { monitored } = call.kind else { return Err(not_monitoring()) };
        let sup_live = call
            .legs
            .iter()
            .any(|l| l.agent == Some(s) && !l.passive && l.state == ParticipantState::Active);
        let agent = call.legs.iter().find(|l| l.passive && l.is_live()).and_then(|l| l.agent);
        let Some(a) = agent.filter(|_| sup_live) else { return Err(not_monitoring()) };
        if self.agents[a].signed_in.as_ref().is_none_or(|e| e.as_str() != to) {
            return Err(errors::invalid_destination(
                "The toAddress is not the monitored agent",
                &to,
            ));
        }
        let original = self.calls.get(&monitored).ok_or_else(not_monitoring)?;
        let ai = original.leg_of(a).ok_or_else(not_monitoring)?;
        if original.legs.get(ai).is_some_and(|l| l.state == ParticipantState::Held) {
            return Err(errors::invalid_destination("The agent's extension is HELD", &to));
        }
        let barge_refused = |m: &str| errors::failure(400, "20999", m, None);
        if original.parties() >= 3 && original.controller.is_some_and(|c| c != a) {
            return Err(barge_refused("Barge via a non-conference-controller"));
        }
        let consulting = self.agents[a].calls.iter().filter_map(|n| self.calls.get(n)).any(|c| {
            c.kind == CallKind::Consult && c.legs.iter().any(|l| l.agent == Some(a) && l.is_party())
        });
        if consulting {
            return Err(barge_refused("The agent already has an outstanding consult call"));
        }
        if original.parties() + 1 > self.sc.dialing.max_conference_parties {
            return Err(errors::failure(400, "20700", "Conference resource limit violation", None));
        }
        // The silent monitor call is dropped and ends.
        self.clear_call(sm);
        self.sync_dialogs(rid);
        for i in (0..self.calls.get(&sm).map_or(0, |c| c.legs.len())).rev() {
            self.finish_leg(sm, i);
        }
        self.sync_dialogs(rid);
        // The agent's call is held, then becomes a conference with the supervisor.
        self.set_leg(monitored, ai, ParticipantState::Held);
        self.sync_dialogs(rid);
        self.set_leg(monitored, ai, ParticipantState::Active);
        self.add_agent_leg(monitored, s, ParticipantState::Active, false);
        if let Some(c) = self.calls.get_mut(&monitored) {
            c.call_type = CallType::Conference;
            c.controller = c.controller.or(Some(a));
            if c.routed {
                self.agents[s].episode_routed = true;
            }
        }
        Ok(())
    }

    // ----- PUT ----------------------------------------------------------------------------

    /// `PUT /finesse/api/Dialog/{id}`.
    pub(crate) fn dialog_put(
        &mut self,
        p: &Principal,
        id: &DialogId,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let n = id
            .as_str()
            .parse::<u64>()
            .ok()
            .filter(|n| self.calls.contains_key(n))
            .ok_or_else(|| errors::dialog_not_found(id.as_str()))?;
        let action = req
            .requested_action
            .clone()
            .ok_or_else(|| errors::parameter_missing("requestedAction"))?;
        let invalid_action = || {
            errors::invalid_input(
                "requestedAction",
                "Invalid 'requestedAction' specified for dialog",
            )
        };
        match action {
            Action::UpdateCallData => self.update_call_data(p, n, req, rid),
            Action::ParticipantDrop => self.participant_drop(p, n, req),
            Action::StartRecording if self.platform == Platform::Cce => {
                Err(errors::not_implemented("START_RECORDING is supported with Unified CCX only"))
            }
            Action::TransferSst if self.platform == Platform::Ccx => Err(errors::not_implemented(
                "Single-step transfer is supported with Unified CCE only",
            )),
            Action::MakeCall
            | Action::SilentMonitor
            | Action::BargeCall
            | Action::Start
            | Action::Pause
            | Action::Resume
            | Action::WrapUp
            | Action::Unknown(_) => Err(invalid_action()),
            action => self.participant_action(p, n, action, req, rid),
        }
    }

    /// A participant action: the principal must be the targeted participant (administrators may
    /// end any silent monitor call).
    fn participant_action(
        &mut self,
        p: &Principal,
        n: u64,
        action: Action,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let target = req
            .target_media_address
            .as_ref()
            .map(|t| t.as_str().trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| errors::parameter_missing("targetMediaAddress"))?;
        let call = self.calls.get(&n).ok_or_else(|| errors::dialog_not_found(&n.to_string()))?;
        let leg_index = call.legs.iter().position(|l| l.agent.is_some() && l.address == target);
        let admin_ends_monitor =
            p.admin && action == Action::Drop && matches!(call.kind, CallKind::Monitor { .. });
        let a = if admin_ends_monitor {
            let i = leg_index.ok_or_else(|| {
                errors::invalid_input("targetMediaAddress", "The target is not a participant")
            })?;
            call.legs.get(i).and_then(|l| l.agent).ok_or_else(|| {
                errors::invalid_input("targetMediaAddress", "The target is not a participant")
            })?
        } else {
            if p.admin {
                return Err(errors::invalid_authorization(p.user.as_str()));
            }
            let a = self
                .by_id
                .get(&p.user)
                .copied()
                .ok_or_else(|| errors::invalid_authorization(p.user.as_str()))?;
            if self.agents[a].signed_in.as_ref().is_none_or(|e| e.as_str() != target) {
                return Err(errors::invalid_authorization(p.user.as_str()));
            }
            a
        };
        let i = leg_index
            .filter(|&i| call.legs.get(i).is_some_and(|l| l.agent == Some(a)))
            .ok_or_else(|| {
                errors::invalid_input(
                    "targetMediaAddress",
                    "The target is not a participant of the dialog",
                )
            })?;
        let leg =
            call.legs.get(i).cloned().ok_or_else(|| errors::dialog_not_found(&n.to_string()))?;
        let own_ext = target.clone();

        // Synchronous checks of the action's parameters.
        match &action {
            Action::ConsultCall | Action::TransferSst => {
                let to = Self::address(req.to_address.as_ref(), "toAddress")?;
                if to == own_ext {
                    return Err(errors::invalid_destination(
                        "The toAddress is the agent's own extension",
                        to,
                    ));
                }
            }
            Action::SendDtmf => {
                let digits = req
                    .param("dtmfString")
                    .filter(|d| !d.is_empty())
                    .ok_or_else(|| errors::parameter_missing("dtmfString"))?;
                if leg.state == ParticipantState::Held {
                    return Err(errors::failure(
                        401,
                        "Invalid State",
                        "The participant is HELD",
                        Some(&target),
                    ));
                }
                if self.platform == Platform::Cce
                    && !digits.bytes().all(|b| b.is_ascii_digit() || b"*#ABCD".contains(&b))
                {
                    return Err(errors::invalid_input(
                        "dtmfString",
                        "DTMF digits are 0-9, *, # and A-D",
                    ));
                }
            }
            Action::StartRecording if leg.state == ParticipantState::Held => {
                return Err(errors::failure(
                    401,
                    "Invalid State",
                    "The participant is HELD",
                    Some(&target),
                ));
            }
            Action::Reclassify => {
                let value = req
                    .param("outboundClassification")
                    .ok_or_else(|| errors::parameter_missing("outboundClassification"))?;
                let class = OutboundClassification::from_wire(value.trim());
                if !class.is_known()
                    || (class == OutboundClassification::Busy && self.platform == Platform::Cce)
                {
                    return Err(errors::invalid_input(
                        "outboundClassification",
                        "Invalid outboundClassification",
                    ));
                }
            }
            Action::UpdateScheduledCallback => {
                let time = req.param("callbackTime");
                let number = req.param("callbackNumber");
                if time.is_none() && number.is_none() {
                    return Err(errors::parameter_missing("callbackTime"));
                }
                if let Some(t) = time
                    && callback_time(t).is_none()
                {
                    return Err(errors::invalid_input(
                        "callbackTime",
                        "The callback time is YYYY-MM-DDThh:mm",
                    ));
                }
                if number.is_some_and(|n| n.trim().is_empty() || n.len() > 32) {
                    return Err(errors::invalid_input("callbackNumber", "Invalid callback number"));
                }
            }
            _ => {}
        }

        // Asynchronous checks.
        let offered = leg.actions.contains(&action);
        let error: Option<ApiErrors> = match &action {
            Action::Transfer | Action::Conference => self.check_completion(n, a, &action).err(),
            Action::Reclassify => {
                let direct = call
                    .campaign
                    .and_then(|c| self.sc.campaigns.get(c))
                    .is_some_and(|c| c.mode == crate::scenario::CampaignMode::DirectPreview);
                (!direct || !leg.is_live()).then(|| {
                    errors::generic_error(
                        "The dialog was not generated by a direct preview campaign",
                    )
                })
            }
            Action::SendDtmf if self.platform == Platform::Ccx => {
                let digits = req.param("dtmfString").unwrap_or_default();
                if !digits.bytes().all(|b| b.is_ascii_digit() || b"*#".contains(&b)) {
                    Some(errors::async_error("Generic Error", "CF_VALUE_OUT_OF_RANGE", Some("3")))
                } else {
                    (!offered).then(|| {
                        errors::generic_error("SEND_DTMF is not allowed in the participant's state")
                    })
                }
            }
            Action::StartRecording if !self.sc.system.mediasense => {
                Some(errors::generic_error("No MediaSense server is configured"))
            }
            // The phone cannot resume a held call while another line is dialing.
            Action::Retrieve
                if offered
                    && !self
                        .agent_legs(a, |l| {
                            !l.passive
                                && matches!(
                                    l.state,
                                    ParticipantState::Initiating | ParticipantState::Initiated
                                )
                        })
                        .is_empty() =>
            {
                Some(errors::generic_error("Another call of the agent is being dialed"))
            }
            Action::ConsultCall if offered => {
                self.check_dialable(req.to_address.as_deref().unwrap_or_default().trim())
            }
            _ if !offered => Some(errors::generic_error(&format!(
                "{action} is not allowed for a participant in state {}",
                leg.state
            ))),
            _ => None,
        };
        if let Some(e) = error {
            self.push_dialog_error(a, Some(n), rid, e);
            return Ok(());
        }

        match action {
            Action::Answer => {
                self.answer_leg(n, i);
                self.count_answer(a, n);
                if self.sc.agents[a].simulated {
                    self.sim_answered(a, n);
                }
            }
            Action::Hold => self.set_leg(n, i, ParticipantState::Held),
            Action::Retrieve => {
                self.hold_others(a, n);
                self.set_leg(n, i, ParticipantState::Active);
            }
            Action::Drop => self.drop_leg(n, i),
            Action::SendDtmf => {
                let digits = req.param("dtmfString").unwrap_or_default();
                self.dtmf.entry(n).or_default().push_str(digits);
                self.dirty.forced_calls.insert(n);
            }
            Action::ConsultCall => {
                let to = req.to_address.as_deref().unwrap_or_default().trim().to_owned();
                self.consult(n, i, a, &own_ext, &to, rid);
            }
            Action::Transfer | Action::Conference => self.complete(n, a, &action, rid),
            Action::TransferSst => {
                let to = req.to_address.as_deref().unwrap_or_default().trim().to_owned();
                if let Err(e) = self.single_step_transfer(n, i, a, &to, rid) {
                    self.push_dialog_error(a, Some(n), rid, e);
                }
            }
            Action::StartRecording => {
                if let Some(call) = self.calls.get_mut(&n) {
                    call.recording = true;
                }
                self.mark_call(n);
                self.dirty.forced_calls.insert(n);
            }
            Action::Accept => self.preview_accept(n, i, a, rid),
            Action::Close | Action::Reject => self.preview_close(n, i, &action, rid),
            Action::Reclassify => {
                let class = OutboundClassification::from_wire(
                    req.param("outboundClassification").unwrap_or_default().trim(),
                );
                if let Some(call) = self.calls.get_mut(&n) {
                    call.classification = Some(class);
                    call.set_var("BAResponse", "Reclassify");
                }
                self.mark_call(n);
                self.dirty.forced_calls.insert(n);
            }
            Action::UpdateScheduledCallback => {
                let time = req.param("callbackTime").map(|t| t.trim().to_owned());
                let number = req.param("callbackNumber").map(|t| t.trim().to_owned());
                if let Some(call) = self.calls.get_mut(&n) {
                    let (old_time, old_number) = call.callback.take().unwrap_or((None, None));
                    let time = time.map(|t| t.chars().take(16).collect::<String>()).or(old_time);
                    let number = number.or(old_number);
                    let response = match (&time, &number) {
                        (Some(t), _) => {
                            callback_time(t).map(|(date, hm)| format!("Callback {date} {hm}"))
                        }
                        (None, Some(num)) => Some(format!("P#{num}")),
                        (None, None) => None,
                    };
                    if let Some(r) = response {
                        call.set_var("BAResponse", &r);
                    }
                    call.callback = Some((time, number));
                }
                self.mark_call(n);
                self.dirty.forced_calls.insert(n);
            }
            Action::CancelScheduledCallback => {
                if let Some(call) = self.calls.get_mut(&n) {
                    call.callback = None;
                    call.set_var("BAResponse", "");
                }
                self.mark_call(n);
                self.dirty.forced_calls.insert(n);
            }
            _ => {}
        }
        Ok(())
    }

    /// Counts an answered routed call.
    pub(crate) fn count_answer(&mut self, a: Ax, n: u64) {
        let routed = self.calls.get(&n).is_some_and(|c| c.routed && c.kind == CallKind::Inbound);
        if routed {
            if self.sc.agents[a].simulated {
                self.counters.answered_by_simulated += 1;
            } else {
                self.counters.answered_by_api += 1;
            }
        }
    }

    /// The asynchronous errors of dialing `to` from a call (consult): CCE E.164, route point
    /// with nobody Ready.
    fn check_dialable(&self, to: &str) -> Option<ApiErrors> {
        if self.platform == Platform::Cce && to.starts_with('+') {
            return Some(errors::generic_error(
                "E.164 destinations cannot be dialed with Unified CCE",
            ));
        }
        if let Destination::RoutePoint(q) = self.classify(to)
            && self.longest_idle(q).is_none()
        {
            return Some(errors::generic_error(
                "No agent is Ready in the queue of the route point",
            ));
        }
        None
    }

    /// Dialog—Make a Consult Call Request (Table 4, first rows): the original call is held, the
    /// consult call starts INITIATING, INITIATED, then rings at the destination.
    fn consult(&mut self, n: u64, i: usize, a: Ax, own: &str, to: &str, rid: Option<&str>) {
        self.set_leg(n, i, ParticipantState::Held);
        self.sync_dialogs(rid);
        let dest = self.classify(to);
        let c = self.new_call(CallKind::Consult, CallType::Consult, own, to);
        if let Some(call) = self.calls.get_mut(&c) {
            call.associated = Some(n);
            if matches!(dest, Destination::Agent(_)) {
                call.dnis = Some(to.to_owned());
            }
        }
        let Some(ci) = self.add_agent_leg(c, a, ParticipantState::Initiating, false) else {
            return;
        };
        self.sync_dialogs(rid);
        self.set_leg(c, ci, ParticipantState::Initiated);
        self.sync_dialogs(rid);
        self.connect(c, dest);
    }

    /// The held and the active call of a TRANSFER or CONFERENCE request made on either of them.
    fn completion_pair(&self, n: u64, a: Ax) -> Option<(u64, u64)> {
        let state_in = |m: u64| {
            self.calls
                .get(&m)
                .and_then(|c| c.leg_of(a).and_then(|i| c.legs.get(i)))
                .map(|l| (l.state.clone(), l.passive))
        };
        let active = self.agent_legs(a, |l| !l.passive && l.state == ParticipantState::Active);
        let held = self.agent_legs(a, |l| !l.passive && l.state == ParticipantState::Held);
        match state_in(n)? {
            (ParticipantState::Held, false) => active.first().map(|&(x, _)| (n, x)),
            (ParticipantState::Active, false) => {
                let associated = self.calls.get(&n).and_then(|c| c.associated);
                let h = held
                    .iter()
                    .find(|(h, _)| Some(*h) == associated)
                    .or_else(|| held.first())
                    .map(|&(h, _)| h)?;
                Some((h, n))
            }
            _ => None,
        }
    }

    /// The asynchronous errors of TRANSFER / CONFERENCE ("Attempt a call transfer without an
    /// existing consult call", "after the original call has already been retrieved",
    /// conference by a non-controller: UCCE Generic Error 20999, UCCX Invalid State 22,
    /// "Attempt to exceed the maximum allowed conference participants").
    fn check_completion(&self, n: u64, a: Ax, action: &Action) -> Result<(u64, u64), ApiErrors> {
        let (h, x) = self.completion_pair(n, a).ok_or_else(|| {
            errors::generic_error(
                "There is no held call and active call to complete a transfer or conference",
            )
        })?;
        let held = self.calls.get(&h).ok_or_else(|| errors::generic_error("No held call"))?;
        let active = self.calls.get(&x).ok_or_else(|| errors::generic_error("No active call"))?;
        if *action == Action::Conference {
            if held.parties() >= 3 && held.controller.is_some_and(|c| c != a) {
                return Err(match self.platform {
                    Platform::Cce => errors::async_error(
                        "Generic Error",
                        "<ConferenceCallCommand>: Conference failed...causes include agent already has a consult call or conferencing a non-conference controller.",
                        Some("20999"),
                    ),
                    Platform::Ccx => {
                        errors::async_error("Invalid State", "CF_INVALID_OBJECT_STATE", Some("22"))
                    }
                });
            }
            let joining = active.legs.iter().filter(|l| l.is_party() && l.agent != Some(a)).count();
            if held.parties() + joining > self.sc.dialing.max_conference_parties {
                return Err(errors::async_error(
                    if self.platform == Platform::Cce {
                        "Call Operation Failure"
                    } else {
                        "Generic Error"
                    },
                    "Attempt to exceed the maximum allowed conference participants",
                    None,
                ));
            }
        }
        Ok((h, x))
    }

    /// Completes a transfer (Table 4, CALL_TRANSFERRED: DELETE the original and the consult on
    /// the transferring agent, DELETE the consult on the other agent, POST the original to the
    /// other agent; the held call survives with its from/to and the dropped call's id in
    /// `secondaryId`) or a conference (the held call becomes a conference with the consulted
    /// party; the initiating agent is its controller).
    fn complete(&mut self, n: u64, a: Ax, action: &Action, rid: Option<&str>) {
        let Ok((h, x)) = self.check_completion(n, a, action) else { return };
        let Some(active) = self.calls.get(&x).cloned() else { return };
        let transfer = *action == Action::Transfer;
        // "If an agent drops from or transfers the call that the supervisor is monitoring, the
        // silent monitoring session ends."
        if transfer {
            self.end_monitoring(h, a);
        }
        self.end_monitoring(x, a);
        if transfer {
            // The transferring agent leaves both calls.
            for m in [h, x] {
                if let Some(i) = self.calls.get(&m).and_then(|c| c.leg_of(a)) {
                    self.set_leg(m, i, ParticipantState::Dropped);
                    self.finish_leg(m, i);
                }
            }
        } else if let Some(i) = self.calls.get(&h).and_then(|c| c.leg_of(a)) {
            self.set_leg(h, i, ParticipantState::Active);
        }
        // The other parties of the active call move to the held call.
        let mut joined_agents = Vec::new();
        for leg in active.legs.iter().filter(|l| l.agent != Some(a) && l.is_party()) {
            if let Some(b) = leg.agent {
                if let Some(j) = self.calls.get(&x).and_then(|c| c.leg_of(b)) {
                    self.set_leg(x, j, ParticipantState::Dropped);
                    self.finish_leg(x, j);
                }
                joined_agents.push((b, leg.clone()));
            } else {
                // Parties keep their state (a party holding its end stays HELD).
                self.add_leg(h, leg.clone());
            }
        }
        if !transfer && let Some(i) = self.calls.get(&x).and_then(|c| c.leg_of(a)) {
            self.set_leg(x, i, ParticipantState::Dropped);
            self.finish_leg(x, i);
        }
        self.sync_dialogs(rid);
        let routed = self.calls.get(&h).is_some_and(|c| c.routed);
        let mut simulated = Vec::new();
        for (b, leg) in joined_agents {
            let mut moved = leg;
            moved.actions.clear();
            self.add_leg(h, moved);
            if routed {
                self.agents[b].episode_routed = true;
            }
            if self.sc.agents[b].simulated {
                simulated.push(b);
            }
        }
        self.clear_call(x);
        if let Some(c) = self.calls.get_mut(&h) {
            c.secondary = Some(x);
            if transfer {
                c.call_type = CallType::Transfer;
                if c.controller == Some(a) {
                    c.controller = None;
                }
            } else {
                c.call_type = CallType::Conference;
                c.controller = c.controller.or(Some(a));
            }
        }
        self.mark_call(h);
        if self.calls.get(&h).is_some_and(|c| c.parties() < 2) {
            self.clear_call(h);
        }
        for b in simulated {
            self.sim_joined(b, h, !transfer);
        }
    }

    /// Dialog—Initiate a Single Step Transfer (UCCE): the agent leaves the call, which rings at
    /// the destination (or waits in the queue of a route point).
    fn single_step_transfer(
        &mut self,
        n: u64,
        i: usize,
        a: Ax,
        to: &str,
        rid: Option<&str>,
    ) -> Result<(), ApiErrors> {
        if to.starts_with('+') {
            return Err(errors::generic_error(
                "E.164 destinations cannot be dialed with Unified CCE",
            ));
        }
        let dest = self.classify(to);
        if let Destination::Failed(cause) = &dest {
            return Err(errors::async_error(
                "Call Operation Failure",
                &format!("The destination failed: {cause}"),
                None,
            ));
        }
        // Only a customer waits in a queue; agents dialing a route point need a Ready agent.
        let other_agents = self.calls.get(&n).is_some_and(|c| {
            c.legs.iter().any(|l| l.agent.is_some_and(|b| b != a) && l.is_party())
        });
        if let Destination::RoutePoint(q) = dest
            && other_agents
            && self.longest_idle(q).is_none()
        {
            return Err(errors::generic_error("No agent is Ready in the queue of the route point"));
        }
        self.end_monitoring(n, a);
        self.set_leg(n, i, ParticipantState::Dropped);
        self.finish_leg(n, i);
        self.sync_dialogs(rid);
        if let Some(c) = self.calls.get_mut(&n) {
            c.call_type = CallType::Transfer;
            c.dialed_number = Some(to.to_owned());
            if c.controller == Some(a) {
                c.controller = None;
            }
        }
        let routed = self.calls.get(&n).is_some_and(|c| c.routed);
        if let Destination::Agent(b) = dest
            && routed
        {
            self.agents[b].episode_routed = true;
        }
        self.connect(n, dest);
        Ok(())
    }

    /// Dialog—Drop Participant from Conference (supervisors and administrators).
    fn participant_drop(
        &mut self,
        p: &Principal,
        n: u64,
        req: &DialogRequest,
    ) -> Result<(), ApiFailure> {
        let target = req
            .target_media_address
            .as_ref()
            .map(|t| t.as_str().trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| errors::parameter_missing("targetMediaAddress"))?;
        if !p.admin && !p.supervisor {
            return Err(errors::authorization_failure(p.user.as_str()));
        }
        let call = self.calls.get(&n).ok_or_else(|| errors::dialog_not_found(&n.to_string()))?;
        if !p.admin {
            let s = self.by_id.get(&p.user).copied();
            let participant =
                s.is_some_and(|s| call.legs.iter().any(|l| l.agent == Some(s) && l.is_party()));
            if !participant {
                return Err(errors::invalid_authorization(p.user.as_str()));
            }
        }
        if call.parties() < 3 {
            return Err(errors::failure(
                400,
                "Invalid State",
                "The dialog is not a conference call",
                None,
            ));
        }
        let i = call
            .legs
            .iter()
            .position(|l| l.address == target && l.agent.is_some() && l.is_party())
            .ok_or_else(|| {
                errors::invalid_destination(
                    "The targetMediaAddress is not an agent party of the dialog",
                    &target,
                )
            })?;
        self.drop_leg(n, i);
        Ok(())
    }

    /// Dialog—Update Call Variable Data (D4).
    fn update_call_data(
        &mut self,
        p: &Principal,
        n: u64,
        req: &DialogRequest,
        rid: Option<&str>,
    ) -> Result<(), ApiFailure> {
        let call = self.calls.get(&n).ok_or_else(|| errors::dialog_not_found(&n.to_string()))?;
        let a = if p.admin {
            None
        } else {
            let a = self
                .by_id
                .get(&p.user)
                .copied()
                .ok_or_else(|| errors::invalid_authorization(p.user.as_str()))?;
            if call.leg_of(a).is_none() {
                return Err(errors::invalid_authorization(p.user.as_str()));
            }
            Some(a)
        };
        let mp = req
            .media_properties
            .as_ref()
            .ok_or_else(|| errors::parameter_missing("mediaProperties"))?;
        if mp.wrap_up_reason.is_none() && mp.call_variables.is_none() {
            return Err(errors::parameter_missing("callvariables"));
        }
        if let Some(w) = &mp.wrap_up_reason
            && w.len() > 39
        {
            return Err(errors::invalid_input(
                "wrapUpReason",
                "The wrap-up reason is at most 39 bytes",
            ));
        }
        let variables = match &mp.call_variables {
            Some(list) => self.check_variables(list)?,
            None => Vec::new(),
        };
        // Asynchronous errors.
        let leg = a.and_then(|a| call.leg_of(a)).and_then(|i| call.legs.get(i));
        let error = if leg.is_some_and(|l| !l.actions.contains(&Action::UpdateCallData)) {
            Some(errors::generic_error(
                "UPDATE_CALL_DATA is not allowed in the participant's state",
            ))
        } else if !variables.is_empty() && !call.routed {
            Some(errors::async_error(
                "Call Variable is protected",
                "Call variables cannot be set on a non-routed call",
                None,
            ))
        } else {
            self.apply_variables_async(&variables, true).err()
        };
        if let Some(e) = error {
            if let Some(a) = a {
                self.push_dialog_error(a, Some(n), rid, e);
            }
            return Ok(());
        }
        let reason = mp.wrap_up_reason.clone();
        let truncated: Vec<(String, String)> = variables
            .iter()
            .map(|v| (v.name.clone(), self.truncate_ecc(&v.name, &v.value)))
            .collect();
        if let Some(call) = self.calls.get_mut(&n) {
            if reason.is_some() {
                call.wrap_up_reason = reason;
            }
            for (name, value) in &truncated {
                call.set_var(name, value);
            }
        }
        self.mark_call(n);
        Ok(())
    }

    /// The synchronous checks of a call variable list: names present, unique, known
    /// (`callVariable1`–`10`, `user.*` ECC), not Outbound Option variables.
    fn check_variables(
        &self,
        list: &finesse_model::CallVariables,
    ) -> Result<Vec<VariableUpdate>, ApiFailure> {
        let mut out: Vec<VariableUpdate> = Vec::new();
        for v in list.iter() {
            let name = v.name.trim();
            if name.is_empty() {
                return Err(errors::invalid_input("name", "A call variable name is empty"));
            }
            if out.iter().any(|o| o.name == name) {
                return Err(errors::invalid_input(
                    "name",
                    &format!("Duplicate call variable name {name}"),
                ));
            }
            if BA_VARIABLES.contains(&name) {
                return Err(errors::invalid_input("name", &format!("{name} cannot be set")));
            }
            let ecc_base = name.split('[').next().unwrap_or(name);
            let known = crate::scenario::is_call_variable(name)
                || self.sc.ecc_variables.iter().any(|e| e.name == ecc_base);
            if !known {
                return Err(errors::invalid_input(
                    "name",
                    &format!("Unknown call variable {name}"),
                ));
            }
            out.push(VariableUpdate { name: name.to_owned(), value: v.value.clone() });
        }
        Ok(out)
    }

    /// The asynchronous (CTI) checks of call variables: a call variable value of more than 40
    /// bytes, an ECC scalar set as an array or an array as a scalar, an index beyond the array.
    fn apply_variables_async(
        &self,
        vars: &[VariableUpdate],
        _update: bool,
    ) -> Result<(), ApiErrors> {
        for v in vars {
            if crate::scenario::is_call_variable(&v.name) {
                if v.value.len() > 40 {
                    return Err(errors::async_error(
                        "Invalid Input",
                        &format!("The value of {} is longer than 40 bytes", v.name),
                        None,
                    ));
                }
            } else if !self.sc.is_known_variable(&v.name) {
                return Err(errors::async_error(
                    "Invalid Input",
                    &format!(
                        "{} does not match the configured ECC variable (scalar, array or index)",
                        v.name
                    ),
                    None,
                ));
            }
        }
        Ok(())
    }

    /// ECC values longer than configured are silently truncated by the CTI server.
    pub(crate) fn truncate_ecc(&self, name: &str, value: &str) -> String {
        match self.sc.ecc_for(name) {
            Some((e, _)) if value.len() > e.max_length => {
                let mut end = e.max_length;
                while !value.is_char_boundary(end) {
                    end -= 1;
                }
                value[..end].to_owned()
            }
            _ => value.to_owned(),
        }
    }
}

/// A callback time `YYYY-MM-DDThh:mm[…]` as (`MMDDYYYY`, `HH:MM`) for BAResponse; anything
/// after the minutes is ignored ("everything beyond the minutes, including the time zone, is
/// ignored").
pub(crate) fn callback_time(text: &str) -> Option<(String, String)> {
    let t = text.trim().as_bytes();
    if t.len() < 16 {
        return None;
    }
    let digits =
        |r: std::ops::Range<usize>| t.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && t[4] == b'-'
        && digits(5..7)
        && t[7] == b'-'
        && digits(8..10)
        && t[10] == b'T'
        && digits(11..13)
        && t[13] == b':'
        && digits(14..16))
    {
        return None;
    }
    let s = std::str::from_utf8(t.get(..16)?).ok()?;
    let (month, day, hour, minute): (u32, u32, u32, u32) = (
        s[5..7].parse().ok()?,
        s[8..10].parse().ok()?,
        s[11..13].parse().ok()?,
        s[14..16].parse().ok()?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    Some((format!("{}{}{}", &s[5..7], &s[8..10], &s[0..4]), s[11..16].to_owned()))
}
