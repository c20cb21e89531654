//! What to show and what the agent may do now: the agent's state with its timer and pending
//! state, the state menu (enabled by the guide's transition rules), each call with its
//! controls (enabled only from the agent's participant's `actions`), its call data laid out by
//! the media properties layout, its timers, and wrap-up.

use finesse_model::transitions::{StateChange, may_make_call};
use finesse_model::{
    Action, AgentState, CallType, Dialog, DialogId, DialogState, MediaPropertiesLayout,
    ParticipantState, ReasonCode, ReasonCodeCategory, ReasonCodeId, StateCause, WrapUpMode,
    id_from_uri,
};

use crate::{Intent, Millis, Session};

/// The agent's state as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentView {
    /// Signed in (state known and not LOGOUT).
    pub signed_in: bool,
    /// The state.
    pub state: Option<AgentState>,
    /// The state in words ("Ready", "Not Ready", "Talking", "Wrap-Up", …).
    pub label: &'static str,
    /// The reason code's label, for Not Ready and Sign Out.
    pub reason: Option<String>,
    /// Time in the state (server clock), when `stateChangeTime` is known.
    pub time_in_state: Option<Millis>,
    /// The state the agent goes to when the call ends, if one is pending.
    pub pending: Option<Pending>,
    /// The extension.
    pub extension: Option<String>,
    /// "First Last".
    pub name: String,
}

/// A pending state: where the agent goes when the call ends. `Display` writes it the way the
/// desktop does, "Not Ready (Lunch)"; a UI that translates uses the parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The state.
    pub state: AgentState,
    /// The state in words ([`state_label`]).
    pub label: &'static str,
    /// The reason code's label, if there is one.
    pub reason: Option<String>,
}

impl std::fmt::Display for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Some(reason) => write!(f, "{} ({reason})", self.label),
            None => f.write_str(self.label),
        }
    }
}

/// Which part of the state menu an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuGroup {
    /// Ready.
    Ready,
    /// Not Ready (one item per reason code).
    NotReady,
    /// Sign Out (one item per reason code).
    SignOut,
}

/// One entry of the state menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMenuItem {
    /// What choosing it asks for (pass to [`Session::request`]).
    pub intent: Intent,
    /// Its group.
    pub group: MenuGroup,
    /// The reason code's label, if it is one.
    pub reason: Option<String>,
    /// "Ready", "Not Ready – Lunch", "Sign Out – End of Shift".
    pub label: String,
    /// Whether it can be chosen now.
    pub enabled: bool,
    /// Choosing it now takes effect when the call ends (a pending state).
    pub after_call: bool,
    /// It is the current state (and reason).
    pub selected: bool,
    /// It is the pending state.
    pub pending: bool,
    /// Why it cannot be chosen, when it cannot.
    pub why_not: Option<String>,
}

/// How wrap-up works for a call (the user's `wrapUpOnIncoming` / `wrapUpOnOutgoing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapUpRequirement {
    /// No wrap-up.
    NotAllowed,
    /// Wrap-up and its reason are optional.
    Optional,
    /// The agent goes to wrap-up after the call.
    Required,
    /// Wrap-up, and a wrap-up reason must be chosen before it ends.
    RequiredWithReason,
}

/// Wrap-up of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapUpView {
    /// What the user's settings ask for.
    pub requirement: WrapUpRequirement,
    /// The wrap-up reason set on the call.
    pub reason: Option<String>,
    /// A reason is required and none is set yet.
    pub reason_missing: bool,
}

/// The call controls, each enabled only when the agent's participant's `actions` offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallControls {
    /// Answer (`ANSWER`).
    pub answer: bool,
    /// Hold (`HOLD`).
    pub hold: bool,
    /// Retrieve (`RETRIEVE`).
    pub retrieve: bool,
    /// End (`DROP`).
    pub end: bool,
    /// Consult (`CONSULT_CALL`).
    pub consult: bool,
    /// Transfer (`TRANSFER`, on the held call).
    pub transfer: bool,
    /// Conference (`CONFERENCE`, on the held call).
    pub conference: bool,
    /// Direct transfer (`TRANSFER_SST`).
    pub single_step_transfer: bool,
    /// Keypad (`SEND_DTMF`).
    pub keypad: bool,
    /// Wrap-up reason (`UPDATE_CALL_DATA`, when wrap-up is allowed and reasons exist).
    pub wrap_up: bool,
    /// Edit call variables (`UPDATE_CALL_DATA`).
    pub update_call_data: bool,
    /// Barge in on the monitored call (`BARGE_CALL`, a supervisor's silent monitor call).
    pub barge: bool,
    /// Drop another participant from the conference (`PARTICIPANT_DROP`, a supervisor).
    pub drop_participant: bool,
}

impl CallControls {
    /// The controls an `actions` list enables (`wrap_up_allowed`: the user's wrap-up mode
    /// allows it and wrap-up reasons are configured).
    pub fn from_actions(actions: &[Action], wrap_up_allowed: bool) -> Self {
        let has = |a: Action| actions.contains(&a);
        Self {
            answer: has(Action::Answer),
            hold: has(Action::Hold),
            retrieve: has(Action::Retrieve),
            end: has(Action::Drop),
            consult: has(Action::ConsultCall),
            transfer: has(Action::Transfer),
            conference: has(Action::Conference),
            single_step_transfer: has(Action::TransferSst),
            keypad: has(Action::SendDtmf),
            wrap_up: has(Action::UpdateCallData) && wrap_up_allowed,
            update_call_data: has(Action::UpdateCallData),
            barge: has(Action::BargeCall),
            drop_participant: has(Action::ParticipantDrop),
        }
    }
}

/// One labelled value of the call data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The layout's display name (may be empty, as the layout allows), or the variable's name
    /// when there is no layout.
    pub label: String,
    /// The variable (`callVariable1`, `user.ecc`, `BACampaign`, …).
    pub name: String,
    /// Its value on the call (empty when the call does not carry it).
    pub value: String,
}

/// The call data, as the media properties layout orders and labels it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallData {
    /// The entry shown in the call's header.
    pub header: Option<Field>,
    /// Up to two columns of up to ten entries.
    pub columns: Vec<Vec<Field>>,
}

/// Another participant of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Its address (an extension or a caller's number).
    pub address: String,
    /// Its state.
    pub state: Option<ParticipantState>,
    /// Its state in words.
    pub status: &'static str,
}

/// One call as the call control shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallView {
    /// The dialog.
    pub id: DialogId,
    /// The dialog's state.
    pub state: Option<DialogState>,
    /// The agent's participant's state.
    pub participant_state: Option<ParticipantState>,
    /// The agent's call state in words ("Incoming", "Active", "Hold", "Dialing", …).
    pub status: &'static str,
    /// Whether the call came in (the agent did not place it).
    pub incoming: bool,
    /// The caller (`fromAddress`).
    pub from: Option<String>,
    /// The dialed number (`toAddress`).
    pub to: Option<String>,
    /// The route point (`DNIS`).
    pub dnis: Option<String>,
    /// The call type.
    pub call_type: Option<CallType>,
    /// The call type in words.
    pub call_type_label: Option<String>,
    /// The queue's name.
    pub queue_name: Option<String>,
    /// The queue's number.
    pub queue_number: Option<String>,
    /// The other participants.
    pub parties: Vec<Party>,
    /// The call this one is associated with (the held call of a consult).
    pub associated: Option<DialogId>,
    /// What the agent may do on it now.
    pub controls: CallControls,
    /// A request on this call is waiting for its outcome.
    pub busy: bool,
    /// Call variables, laid out.
    pub data: CallData,
    /// Time since the agent's leg started (server clock).
    pub call_time: Option<Millis>,
    /// Time on hold, while held.
    pub hold_time: Option<Millis>,
    /// Wrap-up.
    pub wrap_up: WrapUpView,
}

/// A voice agent state in words.
pub fn state_label(state: &AgentState) -> &'static str {
    match state {
        AgentState::Login => "Signing In",
        AgentState::Logout => "Signed Out",
        AgentState::NotReady => "Not Ready",
        AgentState::Ready => "Ready",
        AgentState::Reserved => "Reserved",
        AgentState::ReservedOutbound => "Reserved (Outbound)",
        AgentState::ReservedOutboundPreview => "Reserved (Preview)",
        AgentState::Talking => "Talking",
        AgentState::Hold => "Hold",
        AgentState::Work | AgentState::WorkReady => "Wrap-Up",
        AgentState::UnknownState | AgentState::Unknown(_) => "Unknown",
    }
}

/// A participant's state as the desktop names it (guide: "State (Participant) Parameter
/// Values": Off Hook, Dialing, Incoming, Active, Busy or Error, Hold; wrap-up is shown as
/// "Wrap-Up").
pub fn call_status_label(state: &ParticipantState, cause: Option<&StateCause>) -> &'static str {
    match state {
        ParticipantState::Initiating => "Off Hook",
        ParticipantState::Initiated => "Dialing",
        ParticipantState::Alerting => "Incoming",
        ParticipantState::Active => "Active",
        ParticipantState::Failed if cause == Some(&StateCause::Busy) => "Busy",
        ParticipantState::Failed => "Error",
        ParticipantState::Held => "Hold",
        ParticipantState::Dropped => "Ended",
        ParticipantState::WrapUp => "Wrap-Up",
        ParticipantState::Accepted => "Accepted",
        _ => "Unknown",
    }
}

/// A call type in words (unknown ones as sent).
pub fn call_type_label(call_type: &CallType) -> String {
    let label = match call_type {
        CallType::AcdIn | CallType::PrerouteAcdIn | CallType::OtherIn => "Inbound",
        CallType::PrerouteDirectAgent => "Inbound (direct)",
        CallType::Transfer => "Transfer",
        CallType::Out => "Outbound",
        CallType::AgentInside => "Internal",
        CallType::Consult => "Consult",
        CallType::Conference => "Conference",
        CallType::SupervisorMonitor => "Silent Monitor",
        CallType::Outbound => "Outbound Campaign",
        CallType::OutboundPreview => "Outbound Preview",
        CallType::OutboundCallback => "Callback",
        CallType::OutboundCallbackPreview => "Callback Preview",
        CallType::OutboundPersonalCallback => "Personal Callback",
        CallType::OutboundPersonalCallbackPreview => "Personal Callback Preview",
        CallType::OutboundDirectPreview => "Direct Preview",
        other => return other.as_str().to_owned(),
    };
    label.to_owned()
}

/// The call data of `dialog` laid out by `layout` (header + columns, labels from the layout,
/// at most two columns of ten entries as the guide allows), or without a layout every call
/// variable in one column, labelled by its name.
pub fn call_data(dialog: &Dialog, layout: Option<&MediaPropertiesLayout>) -> CallData {
    let value = |name: &str| dialog.call_variable(name).unwrap_or_default().to_owned();
    let field = |e: &finesse_model::LayoutEntry| {
        let name = e.media_property.clone().unwrap_or_default();
        Field { label: e.display_name.clone().unwrap_or_default(), value: value(&name), name }
    };
    match layout {
        Some(layout) => CallData {
            header: layout.header.as_ref().and_then(|h| h.entry.first()).map(field),
            columns: layout
                .column
                .iter()
                .take(2)
                .map(|c| {
                    c.entry
                        .iter()
                        .filter(|e| e.media_property.as_deref().is_some_and(|p| !p.is_empty()))
                        .take(10)
                        .map(field)
                        .collect()
                })
                .collect(),
        },
        None => {
            let all = dialog
                .media_properties
                .as_ref()
                .and_then(|m| m.call_variables.as_ref())
                .map(|vars| {
                    vars.iter()
                        .map(|v| Field {
                            label: v.name.clone(),
                            name: v.name.clone(),
                            value: v.value.clone(),
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            CallData { header: None, columns: if all.is_empty() { Vec::new() } else { vec![all] } }
        }
    }
}

impl Session {
    /// The agent's state as the header shows it, at local time `now`.
    pub fn agent(&self, now: Millis) -> AgentView {
        let user = self.user();
        let state = self.state().cloned();
        let reason = user.and_then(|u| {
            self.reason_label(u.reason_code.as_ref(), u.reason_code_id.as_ref(), state.as_ref())
        });
        let pending = user.and_then(|u| {
            let state = u.pending_state.clone()?;
            let reason = u
                .pending_state_reason_code
                .as_ref()
                .and_then(|r| r.label.clone())
                .filter(|l| !l.trim().is_empty());
            Some(Pending { label: state_label(&state), state, reason })
        });
        AgentView {
            signed_in: state.as_ref().is_some_and(|s| *s != AgentState::Logout),
            label: state.as_ref().map_or("Unknown", state_label),
            time_in_state: user
                .and_then(|u| u.state_change_time.as_ref())
                .and_then(|t| self.clock().elapsed_since(t, now)),
            reason,
            pending,
            extension: self.extension().map(|e| e.as_str().to_owned()),
            name: user.map(finesse_model::User::display_name).unwrap_or_default(),
            state,
        }
    }

    /// The label of the reason of the current state: the User's `ReasonCode`, else the code
    /// with `reasonCodeId` in the user's lists (`-1` and empty ids mean none).
    fn reason_label(
        &self,
        code: Option<&ReasonCode>,
        id: Option<&ReasonCodeId>,
        state: Option<&AgentState>,
    ) -> Option<String> {
        let category = match state? {
            AgentState::NotReady => ReasonCodeCategory::NotReady,
            AgentState::Logout => ReasonCodeCategory::Logout,
            _ => return None,
        };
        if let Some(label) = code.and_then(|c| c.label.clone()).filter(|l| !l.trim().is_empty()) {
            return Some(label);
        }
        let id = id.filter(|i| !i.as_str().is_empty() && i.as_str() != "-1")?;
        self.reasons_of(&category)?
            .iter()
            .find(|r| r.reason_code_id().as_ref() == Some(id))
            .and_then(|r| r.label.clone())
    }

    /// The id of the current state's reason code.
    fn current_reason_id(&self) -> Option<ReasonCodeId> {
        let u = self.user()?;
        u.reason_code_id
            .clone()
            .filter(|i| i.as_str() != "-1")
            .or_else(|| u.reason_code.as_ref().and_then(ReasonCode::reason_code_id))
    }

    /// The state menu: Ready, Not Ready with each reason, Sign Out with each reason (a plain
    /// entry when the category has no reason codes), each enabled by the guide's transition
    /// rules for the deployment type and the current state. During a call Not Ready and Ready
    /// become pending (`after_call`); while wrap-up waits for a required reason, leaving it is
    /// disabled; while a state change is on its way, nothing else can be chosen.
    pub fn state_menu(&self) -> Vec<StateMenuItem> {
        let mut items = Vec::new();
        let current = self.state().cloned();
        let current_reason = self.current_reason_id();
        let user = self.user();
        let pending_state = user.and_then(|u| u.pending_state.clone());
        let pending_reason = user
            .and_then(|u| u.pending_state_reason_code.as_ref())
            .and_then(ReasonCode::reason_code_id);
        let busy = self.state_change_in_flight();
        let wrap_block = self.wrap_up_reason_missing();
        let mut add = |group: MenuGroup, target: AgentState, code: Option<&ReasonCode>| {
            let reason_id = code.and_then(ReasonCode::reason_code_id);
            let reason = code.and_then(|c| c.label.clone());
            let name = match group {
                MenuGroup::Ready => "Ready",
                MenuGroup::NotReady => "Not Ready",
                MenuGroup::SignOut => "Sign Out",
            };
            let label = match &reason {
                Some(r) => format!("{name} \u{2013} {r}"),
                None => name.to_owned(),
            };
            let intent = match group {
                MenuGroup::Ready => Intent::Ready,
                MenuGroup::NotReady => Intent::NotReady { reason: reason_id.clone() },
                MenuGroup::SignOut => Intent::SignOut { reason: reason_id.clone() },
            };
            let same_reason =
                |r: &Option<ReasonCodeId>| reason_id.is_none() || r.as_ref() == reason_id.as_ref();
            let selected = current.as_ref() == Some(&target) && same_reason(&current_reason);
            let pending = pending_state.as_ref() == Some(&target) && same_reason(&pending_reason);
            let change = self.state_change(&target);
            let after_call = matches!(change, Some(StateChange::Pending | StateChange::Silent));
            let why_not = match change {
                None => Some("your state is not known yet".to_owned()),
                // The current state is no transition; say so rather than call it unreachable.
                Some(_) if selected => Some("this is your current state".to_owned()),
                Some(StateChange::Rejected(e)) => Some(e.describe().to_owned()),
                Some(_) if pending => Some("this is already your pending state".to_owned()),
                Some(_) if busy => Some("a state change is on its way".to_owned()),
                Some(_) if wrap_block && target != AgentState::Logout => {
                    Some("choose a wrap-up reason first".to_owned())
                }
                Some(_) => None,
            };
            items.push(StateMenuItem {
                intent,
                group,
                reason,
                label,
                enabled: why_not.is_none(),
                after_call,
                selected,
                pending,
                why_not,
            });
        };
        add(MenuGroup::Ready, AgentState::Ready, None);
        let not_ready = self.not_ready_reasons();
        if not_ready.is_empty() {
            add(MenuGroup::NotReady, AgentState::NotReady, None);
        }
        for code in not_ready {
            add(MenuGroup::NotReady, AgentState::NotReady, Some(code));
        }
        let logout = self.logout_reasons();
        if logout.is_empty() {
            add(MenuGroup::SignOut, AgentState::Logout, None);
        }
        for code in logout {
            add(MenuGroup::SignOut, AgentState::Logout, Some(code));
        }
        items
    }

    /// Whether the agent may make a new call now (guide: from NOT_READY, or with calls on hold,
    /// and with no other call ringing, dialing or active).
    pub fn can_make_call(&self) -> bool {
        self.extension().is_some()
            && self.state().is_some_and(|s| may_make_call(s, self.phone_busy()))
            && !self.in_flight().any(|(_, i)| matches!(i, Intent::MakeCall { .. }))
    }

    /// Checks a number typed for a new call, a consult or a direct transfer (see
    /// [`crate::validate_dial_number`]), with the agent's extension and deployment type.
    pub fn check_dial_number(&self, to: &str) -> Result<String, crate::DialError> {
        crate::validate_dial_number(to, self.extension().map(|e| e.as_str()), &self.deployment())
    }

    /// What the user's wrap-up settings ask for on `dialog`: `wrapUpOnIncoming` for a call that
    /// came in, `wrapUpOnOutgoing` for one the agent placed (absent settings: optional).
    pub fn wrap_up_requirement(&self, dialog: &Dialog) -> WrapUpRequirement {
        let settings = self.user().and_then(|u| u.settings.as_ref());
        let mode = if self.is_incoming(dialog) {
            settings.and_then(|s| s.wrap_up_on_incoming.as_ref())
        } else {
            settings.and_then(|s| s.wrap_up_on_outgoing.as_ref())
        };
        match mode {
            Some(WrapUpMode::NotAllowed) => WrapUpRequirement::NotAllowed,
            Some(WrapUpMode::Required) => WrapUpRequirement::Required,
            Some(WrapUpMode::RequiredWithWrapUpData) => WrapUpRequirement::RequiredWithReason,
            _ => WrapUpRequirement::Optional,
        }
    }

    /// Wrap-up of `dialog`.
    pub fn wrap_up(&self, dialog: &Dialog) -> WrapUpView {
        let requirement = self.wrap_up_requirement(dialog);
        let reason = dialog
            .media_properties
            .as_ref()
            .and_then(|m| m.wrap_up_reason.clone())
            .filter(|r| !r.trim().is_empty());
        WrapUpView {
            reason_missing: requirement == WrapUpRequirement::RequiredWithReason
                && reason.is_none(),
            requirement,
            reason,
        }
    }

    /// Whether the agent is in wrap-up on a call that needs a wrap-up reason and has none
    /// (then Ready and Not Ready wait for it).
    pub fn wrap_up_reason_missing(&self) -> bool {
        self.state().is_some_and(AgentState::is_wrap_up)
            && self.dialogs().iter().any(|d| {
                self.own_participant(d).and_then(|p| p.state.as_ref())
                    == Some(&ParticipantState::WrapUp)
                    && self.wrap_up(d).reason_missing
            })
    }

    /// Whether the agent did not place `dialog` (its `fromAddress` is not the agent's
    /// extension).
    fn is_incoming(&self, dialog: &Dialog) -> bool {
        match (self.extension(), dialog.from_address.as_deref()) {
            (Some(ext), Some(from)) => ext.as_str() != from.trim(),
            _ => true,
        }
    }

    /// The agent's calls as the call control shows them, at local time `now`.
    pub fn calls(&self, now: Millis) -> Vec<CallView> {
        self.dialogs().iter().filter_map(|d| self.call(d, now)).collect()
    }

    /// One call as the call control shows it, at local time `now`.
    pub fn call_view(&self, id: &DialogId, now: Millis) -> Option<CallView> {
        self.call(self.dialog(id)?, now)
    }

    fn call(&self, d: &Dialog, now: Millis) -> Option<CallView> {
        let id = d.dialog_id()?;
        let own = self.own_participant(d);
        let ext = self.extension().map(|e| e.as_str().to_owned());
        let participant_state = own.and_then(|p| p.state.clone());
        let wrap_up = self.wrap_up(d);
        let wrap_allowed = wrap_up.requirement != WrapUpRequirement::NotAllowed
            && !self.wrap_up_reasons().is_empty();
        let actions = ext.as_deref().map_or(&[][..], |e| d.actions_for(e));
        let media = d.media_properties.as_ref();
        let clock = self.clock();
        let elapsed =
            |t: Option<&finesse_model::Timestamp>| t.and_then(|t| clock.elapsed_since(t, now));
        let call_time = elapsed(own.and_then(|p| p.start_time.as_ref())).or_else(|| {
            // Signed in during the call, or no leg of ours: the earliest known start.
            d.participants
                .as_ref()
                .and_then(|ps| {
                    ps.iter().filter_map(|p| p.start_time.as_ref()?.epoch_millis()).min()
                })
                .map(|at| clock.server_now(now).saturating_sub(at).max(0))
        });
        let hold_time = own
            .filter(|p| p.state == Some(ParticipantState::Held))
            .and_then(|p| elapsed(p.state_change_time.as_ref()));
        Some(CallView {
            state: d.state.clone(),
            status: participant_state.as_ref().map_or("Unknown", |s| {
                call_status_label(s, own.and_then(|p| p.state_cause.as_ref()))
            }),
            participant_state,
            incoming: self.is_incoming(d),
            from: d.from_address.clone(),
            to: d.to_address.clone(),
            dnis: media.and_then(|m| m.dnis.clone()),
            call_type: media.and_then(|m| m.call_type.clone()),
            call_type_label: media.and_then(|m| m.call_type.as_ref()).map(call_type_label),
            queue_name: media.and_then(|m| m.queue_name.clone()),
            queue_number: media.and_then(|m| m.queue_number.clone()),
            parties: d
                .participants
                .as_ref()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p.media_address.is_some() && p.media_address != ext)
                        .map(|p| Party {
                            address: p.media_address.clone().unwrap_or_default(),
                            status: p.state.as_ref().map_or("Unknown", |s| {
                                call_status_label(s, p.state_cause.as_ref())
                            }),
                            state: p.state.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            associated: d
                .associated_dialog_uri
                .as_deref()
                .and_then(id_from_uri)
                .map(DialogId::from),
            controls: CallControls::from_actions(actions, wrap_allowed),
            busy: self.dialog_busy(&id),
            data: call_data(d, self.layout()),
            call_time,
            hold_time,
            wrap_up,
            id,
        })
    }
}
