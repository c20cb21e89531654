//! Rendering the model as the guide's wire objects (`finesse_model` types): User ("User API
//! Parameters"), the Team summary user ("Team API Parameters"), Dialog ("Dialog API
//! Parameters"), Queue ("Queue API Parameters"), Media, SystemInfo.

use finesse_model::{
    Actions, AgentState, CallType, CallVariable, CallVariables, Dialog, DialogId, DialogState,
    MediaAddressType, MediaAgentState, MediaProperties, MediaState, Node, Participant,
    ParticipantState, Participants, Queue, QueueStatistics, ReasonCode, ReasonCodeCategory,
    ReasonCodeId, Role, Roles, ScheduledCallbackInfo, SystemAuthMode, SystemInfo, Team, TeamRef,
    TeamRefs, TeamUsers, Timestamp, User, UserSettings,
};

use super::model::{Ax, Call, Platform, Reason};
use super::{Engine, Millis};

/// `YYYY-MM-DDThh:mm:ssZ` (queue statistics: no milliseconds).
pub(crate) fn seconds_timestamp(ms: Millis) -> Timestamp {
    let full = Timestamp::from_epoch_millis(ms.div_euclid(1000) * 1000).0;
    Timestamp(full.replace(".000Z", "Z"))
}

fn ts(ms: Millis) -> Timestamp {
    Timestamp::from_epoch_millis(ms)
}

/// The dialog state from its participants (guide: "State (Dialog) Parameter Values" and the
/// CTI mapping tables: ACTIVE while any participant is active or held, ACCEPTED for an
/// accepted preview reservation, then ALERTING, INITIATED, INITIATING, FAILED, else DROPPED).
pub(crate) fn dialog_state(call: &Call) -> DialogState {
    let has = |s: ParticipantState| call.legs.iter().any(|l| l.state == s);
    if has(ParticipantState::Active) || has(ParticipantState::Held) {
        DialogState::Active
    } else if has(ParticipantState::Accepted) {
        DialogState::Accepted
    } else if has(ParticipantState::Alerting) {
        DialogState::Alerting
    } else if has(ParticipantState::Initiated) {
        DialogState::Initiated
    } else if has(ParticipantState::Initiating) {
        DialogState::Initiating
    } else if has(ParticipantState::Failed) {
        DialogState::Failed
    } else {
        DialogState::Dropped
    }
}

impl Engine {
    /// A reason code object: `with_id` for the User/Media embedding (`id`), without for lists.
    pub(crate) fn reason_code_object(&self, index: usize, with_id: bool) -> Option<ReasonCode> {
        let r = self.sc.reason_codes.get(index)?;
        Some(ReasonCode {
            category: Some(r.category.clone()),
            uri: Some(format!("/finesse/api/ReasonCode/{}", r.id)),
            code: Some(r.code),
            label: Some(r.label.clone()),
            for_all: Some(r.for_all),
            system_code: r.system_code.then_some(true),
            id: with_id.then(|| r.id.clone()),
        })
    }

    /// A hard-coded system reason: a supervisor's forced Not Ready (999 UCCE, 33 UCCX) or a
    /// forced logout (255).
    fn system_reason(code: i64, category: ReasonCodeCategory) -> ReasonCode {
        ReasonCode {
            category: Some(category),
            code: Some(code),
            label: Some(
                if code == 255 { "System Failure" } else { "Supervisor Initiated" }.to_owned(),
            ),
            system_code: Some(true),
            ..ReasonCode::default()
        }
    }

    /// `reasonCodeId` and `ReasonCode` for a reason in a NOT_READY or LOGOUT state.
    fn reason_fields(
        &self,
        reason: Reason,
        category: ReasonCodeCategory,
    ) -> (ReasonCodeId, Option<ReasonCode>) {
        match reason {
            Reason::None => (ReasonCodeId::from("-1"), None),
            Reason::Code(i) => match self.sc.reason_codes.get(i) {
                Some(r) => (r.id.clone(), self.reason_code_object(i, true)),
                None => (ReasonCodeId::from("-1"), None),
            },
            Reason::System(code) => {
                (ReasonCodeId::from("-1"), Some(Self::system_reason(code, category)))
            }
        }
    }

    /// The reason shown with the agent's current state (NOT_READY and LOGOUT only).
    fn shown_reason(
        &self,
        a: Ax,
        state: &AgentState,
    ) -> Option<(ReasonCodeId, Option<ReasonCode>)> {
        let category = match state {
            AgentState::NotReady => ReasonCodeCategory::NotReady,
            AgentState::Logout => ReasonCodeCategory::Logout,
            _ => return None,
        };
        Some(self.reason_fields(self.agents[a].reason, category))
    }

    /// The full User object.
    pub(crate) fn render_user(&self, a: Ax) -> User {
        let cfg = &self.sc.agents[a];
        let rt = &self.agents[a];
        let state = self.state_of(a);
        let mut roles = vec![Role::Agent];
        if !cfg.supervises.is_empty() {
            roles.push(Role::Supervisor);
        }
        let (reason_code_id, reason_code) = match self.shown_reason(a, &state) {
            Some((id, rc)) => (Some(id), rc),
            None => (None, None),
        };
        let pending_reason = rt.pending.as_ref().and_then(|p| match p.reason {
            Reason::Code(i) => self.reason_code_object(i, true),
            _ => None,
        });
        let team = cfg.team.as_ref().and_then(|t| self.sc.teams.iter().find(|x| &x.id == t));
        User {
            uri: Some(self.user_uri(a)),
            id: None,
            roles: Some(Roles { role: roles }),
            login_id: Some(cfg.id.clone()),
            login_name: Some(cfg.login_name().to_owned()),
            state: Some(state),
            state_change_time: rt.state_changed.map(ts),
            media_type: None,
            pending_state: rt.pending.as_ref().map(|p| p.state.clone()),
            pending_state_reason_code: pending_reason,
            reason_code_id,
            reason_code,
            settings: (self.platform == Platform::Cce).then(|| UserSettings {
                wrap_up_on_incoming: Some(cfg.wrap_up_on_incoming.clone()),
                wrap_up_on_outgoing: cfg.wrap_up_on_outgoing.clone(),
            }),
            extension: rt.signed_in.clone(),
            mobile_agent: rt.mobile.clone(),
            first_name: Some(cfg.first_name.clone()),
            last_name: Some(cfg.last_name.clone()),
            team_id: team.map(|t| t.id.clone()),
            team_name: team.map(|t| t.name.clone()),
            dialogs: Some(format!("{}/Dialogs", self.user_uri(a))),
            teams: (!cfg.supervises.is_empty()).then(|| {
                TeamRefs::from(
                    cfg.supervises
                        .iter()
                        .filter_map(|t| self.sc.teams.iter().find(|x| &x.id == t))
                        .map(|t| TeamRef {
                            uri: Some(format!("/finesse/api/Team/{}", t.id)),
                            id: Some(t.id.clone()),
                            name: Some(t.name.clone()),
                        })
                        .collect::<Vec<_>>(),
                )
            }),
            media_state: None,
        }
    }

    /// The summary User of Team documents and Team notifications ("uri, loginId, firstName,
    /// lastName, dialogs, pendingState, state, stateChangeTime, extension, ReasonCode, and
    /// mediaState" — the last UCCX only).
    pub(crate) fn render_summary(&self, a: Ax) -> User {
        let cfg = &self.sc.agents[a];
        let rt = &self.agents[a];
        let state = self.state_of(a);
        let reason_code = self.shown_reason(a, &state).and_then(|(_, rc)| rc).map(|mut rc| {
            rc.for_all = None;
            rc.system_code = None;
            rc
        });
        User {
            uri: Some(self.user_uri(a)),
            login_id: Some(cfg.id.clone()),
            first_name: Some(cfg.first_name.clone()),
            last_name: Some(cfg.last_name.clone()),
            dialogs: Some(format!("{}/Dialogs", self.user_uri(a))),
            extension: rt.signed_in.clone(),
            pending_state: rt.pending.as_ref().map(|p| p.state.clone()),
            state: Some(state),
            state_change_time: rt.state_changed.map(ts),
            reason_code,
            media_state: (self.platform == Platform::Ccx)
                .then(|| if self.has_calls(a) { MediaState::Busy } else { MediaState::Idle }),
            ..User::default()
        }
    }

    /// A Team with its users (all, or the signed-in ones).
    pub(crate) fn render_team(&self, t: usize, include_logged_out: bool) -> Team {
        let team = &self.sc.teams[t];
        let users = (0..self.agents.len())
            .filter(|&a| self.sc.agents[a].team.as_ref() == Some(&team.id))
            .filter(|&a| include_logged_out || self.agents[a].signed_in.is_some())
            .map(|a| self.render_summary(a))
            .collect::<Vec<_>>();
        Team {
            uri: Some(format!("/finesse/api/Team/{}", team.id)),
            id: Some(team.id.clone()),
            name: Some(team.name.clone()),
            users: Some(TeamUsers::from(users)),
        }
    }

    /// A Dialog as every participant sees it.
    pub(crate) fn render_dialog(&self, c: &Call) -> Dialog {
        let id = c.num.to_string();
        let queue = c.queue.and_then(|q| self.sc.queues.get(q));
        let cce = self.platform == Platform::Cce;
        let vars =
            c.vars.iter().map(|(n, v)| CallVariable::new(n.clone(), v.clone())).collect::<Vec<_>>();
        let participants = c
            .legs
            .iter()
            .map(|l| Participant {
                actions: Some(Actions { action: l.actions.clone() }),
                media_address: Some(l.address.clone()),
                media_address_type: l.agent.map(|_| MediaAddressType::AgentDevice),
                start_time: l.start.map(ts),
                state: Some(l.state.clone()),
                state_cause: l.cause.clone(),
                state_change_time: Some(ts(l.changed)),
            })
            .collect::<Vec<_>>();
        Dialog {
            associated_dialog_uri: c.associated.map(|n| format!("/finesse/api/Dialog/{n}")),
            from_address: Some(c.from.clone()),
            id: Some(DialogId::new(id.clone())),
            secondary_id: c.secondary.map(|n| n.to_string()),
            media_properties: Some(MediaProperties {
                media_id: Some("1".to_owned()),
                dialed_number: c.dialed_number.clone(),
                dnis: c.dnis.clone(),
                call_type: Some(c.call_type.clone()),
                outbound_classification: c.classification.clone(),
                queue_number: queue.map(|q| q.id.to_string()),
                queue_name: queue.map(|q| q.name.clone()),
                call_key_call_id: c.call_key.filter(|_| cce).map(|(k, _)| k.to_string()),
                call_key_prefix: c.call_key.filter(|_| cce).map(|(_, p)| p.to_string()),
                call_key_sequence_num: None,
                wrap_up_reason: c.wrap_up_reason.clone(),
                call_variables: Some(CallVariables::from(vars)),
            }),
            media_type: Some("Voice".to_owned()),
            participants: Some(Participants::from(participants)),
            scheduled_callback_info: c.callback.as_ref().map(|(time, number)| {
                ScheduledCallbackInfo {
                    callback_time: time.clone(),
                    callback_number: number.clone(),
                }
            }),
            state: Some(dialog_state(c)),
            to_address: Some(c.to.clone()),
            uri: Some(format!("/finesse/api/Dialog/{id}")),
            disposition_code: None,
        }
    }

    /// A Queue with its statistics.
    pub(crate) fn render_queue(&self, q: usize) -> Queue {
        let cfg = &self.sc.queues[q];
        Queue {
            uri: Some(format!("/finesse/api/Queue/{}", cfg.id)),
            id: None,
            name: Some(cfg.name.clone()),
            statistics: Some(self.queue_statistics(q)),
        }
    }

    /// Queue statistics computed from the agents assigned to the queue and the calls waiting
    /// in it ("Queue API Parameters"): `-1` everywhere (and no start time) when no agent or
    /// supervisor is assigned. Talking agents are counted by the call they are active on:
    /// consult calls and agent-to-agent calls are internal (a consult from a routed call
    /// counts only for the original call's queue), calls an agent placed to an external number
    /// are outbound, Outbound Option dialer calls are not counted, the rest are inbound.
    pub(crate) fn queue_statistics(&self, q: usize) -> QueueStatistics {
        let assigned: &[Ax] = self.queue_agents.get(q).map_or(&[], Vec::as_slice);
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
        let waiting: Vec<Millis> = self
            .waiting
            .iter()
            .filter(|(_, n)| self.calls.get(n).is_some_and(|c| c.queue == Some(q)))
            .map(|(since, _)| *since)
            .collect();
        let mut s = QueueStatistics {
            calls_in_queue: Some(waiting.len() as i64),
            start_time_of_longest_call_in_queue: waiting
                .iter()
                .min()
                .map(|&t| seconds_timestamp(t)),
            agents_ready: Some(0),
            agents_not_ready: Some(0),
            agents_talking_inbound: Some(0),
            agents_talking_outbound: Some(0),
            agents_talking_internal: Some(0),
            agents_wrap_up_not_ready: Some(0),
            agents_wrap_up_ready: Some(0),
        };
        let bump = |v: &mut Option<i64>| *v = Some(v.unwrap_or(0) + 1);
        for &a in assigned {
            match self.state_of(a) {
                AgentState::Ready => bump(&mut s.agents_ready),
                AgentState::NotReady => bump(&mut s.agents_not_ready),
                AgentState::Work => bump(&mut s.agents_wrap_up_not_ready),
                AgentState::WorkReady => bump(&mut s.agents_wrap_up_ready),
                AgentState::Talking => match self.talk_kind(a) {
                    Some((Talk::Inbound, _)) => bump(&mut s.agents_talking_inbound),
                    Some((Talk::Outbound, _)) => bump(&mut s.agents_talking_outbound),
                    Some((Talk::Internal, only)) if only.is_none_or(|o| o == q) => {
                        bump(&mut s.agents_talking_internal);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        s
    }

    /// How a talking agent is counted, and the only queue an internal call counts for.
    fn talk_kind(&self, a: Ax) -> Option<(Talk, Option<usize>)> {
        let ext = self.agents[a].signed_in.as_ref()?;
        let calls = self.agents[a].calls.iter().filter_map(|n| self.calls.get(n));
        let mut best = None;
        for c in calls {
            let Some(leg) = c.leg_of(a).and_then(|i| c.legs.get(i)) else { continue };
            if leg.passive {
                continue;
            }
            let talking = matches!(
                leg.state,
                ParticipantState::Active
                    | ParticipantState::Initiating
                    | ParticipantState::Initiated
            );
            // UCCX: an agent holding an ICD call stays TALKING; count it by that call.
            let held = leg.state == ParticipantState::Held;
            if !talking && !held {
                continue;
            }
            // By the call type the agents see: dialer calls (OUTBOUND…) are not counted.
            let kind = match &c.call_type {
                t if t.as_str().starts_with("OUTBOUND") => None,
                CallType::Consult => {
                    let original = c.associated.and_then(|o| self.calls.get(&o));
                    Some((Talk::Internal, original.and_then(|o| o.queue)))
                }
                CallType::SupervisorMonitor | CallType::AgentInside => Some((Talk::Internal, None)),
                CallType::Out => Some((Talk::Outbound, None)),
                _ if c.from == ext.as_str() => Some((Talk::Internal, None)),
                _ => Some((Talk::Inbound, None)),
            };
            if talking {
                return kind;
            }
            best = best.or(kind);
        }
        best
    }

    /// The Media object of agent `a` in MRD `m` (only the MRD's description when the agent
    /// does not belong to it).
    pub(crate) fn render_media(&self, a: Ax, m: usize) -> finesse_model::Media {
        let cfg = &self.sc.mrds[m];
        let base = finesse_model::Media {
            uri: Some(format!("{}/Media/{}", self.user_uri(a), cfg.id)),
            description: Some(cfg.description.clone()),
            id: Some(cfg.id.clone()),
            interruptible: Some(cfg.interruptible),
            name: Some(cfg.name.clone()),
            ..finesse_model::Media::default()
        };
        let Some(rt) = self.agents[a].media.get(&cfg.id) else { return base };
        let signed_in = rt.state != MediaAgentState::Logout;
        let (reason_code_id, reason_code) = match rt.state {
            MediaAgentState::NotReady => {
                let (id, rc) = self.reason_fields(rt.reason, ReasonCodeCategory::NotReady);
                (Some(id), rc)
            }
            MediaAgentState::Logout => {
                let (id, rc) = self.reason_fields(rt.reason, ReasonCodeCategory::Logout);
                (Some(id), rc)
            }
            _ => (None, None),
        };
        finesse_model::Media {
            dialog_logout_action: rt.logout_action.clone().filter(|_| signed_in),
            interrupt_action: rt.interrupt.clone().filter(|_| signed_in),
            max_dialog_limit: rt.max_dialogs.filter(|_| signed_in),
            reason_code,
            reason_code_id,
            routable: Some(rt.routable),
            state: Some(rt.state.clone()),
            state_change_time: rt.changed.map(ts),
            ..base
        }
    }

    /// SystemInfo at `now`.
    pub(crate) fn render_system_info(&self, now: Millis) -> SystemInfo {
        let s = &self.sc.system;
        let cce = self.platform == Platform::Cce;
        SystemInfo {
            current_timestamp: Some(ts(now)),
            deployment_type: Some(self.sc.deployment.clone()),
            license: (!cce).then(|| s.license.clone()),
            peripheral_id: cce.then(|| s.peripheral_id.clone()),
            primary_node: Some(Node { host: Some(s.primary_host.clone()) }),
            secondary_node: s.secondary_host.as_ref().map(|h| Node { host: Some(h.clone()) }),
            status: Some(self.status.clone()),
            status_reason: self.status_reason.clone(),
            system_auth_mode: Some(SystemAuthMode::NonSso),
            timezone_offset: Some(s.timezone_offset),
            uri: Some("/finesse/api/SystemInfo".to_owned()),
            xmpp_domain: Some(self.sc.xmpp_domain.clone()),
            xmpp_pub_sub_domain: Some(format!("pubsub.{}", self.sc.xmpp_domain)),
        }
    }
}

/// How a talking agent counts in queue statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Talk {
    /// On an inbound call.
    Inbound,
    /// On a call placed to an external number.
    Outbound,
    /// On a consult or agent-to-agent call.
    Internal,
}
