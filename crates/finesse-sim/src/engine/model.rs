//! The engine's runtime state: agents, calls (dialogs) and their legs (participants), and the
//! scheduled events. Wire objects are rendered from these (`render.rs`).

use std::collections::{BTreeMap, BTreeSet};

use finesse_model::{
    Action, AgentState, CallType, DialogLogoutAction, Extension, InterruptAction, MediaAgentState,
    MediaId, MobileAgent, OutboundClassification, ParticipantState, StateCause,
};

use super::Millis;

/// An agent, by position in the scenario's agent list.
pub(crate) type Ax = usize;

/// The deployment type, as the engine switches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Platform {
    /// Stand-alone Finesse with Unified CCE.
    Cce,
    /// Coresident Finesse with Unified CCX.
    Ccx,
}

/// The reason code of a NOT_READY or LOGOUT state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// None could be given (`reasonCodeId` -1: just signed in, no codes configured).
    None,
    /// A configured reason code (index into the scenario's reason codes).
    Code(usize),
    /// A hard-coded system code: 999 (CCE) or 33 (CCX) for a supervisor's forced Not Ready,
    /// 255 for a forced logout.
    System(i64),
}

/// A state change requested during a call, applied when the call ends (guide: "Change Agent
/// State", pending state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    /// READY, NOT_READY, WORK, WORK_READY or LOGOUT.
    pub(crate) state: AgentState,
    /// The reason code for NOT_READY or LOGOUT.
    pub(crate) reason: Reason,
}

/// An agent's wrap-up: when it ends and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrapUp {
    /// When the wrap-up timer expires.
    pub(crate) deadline: Millis,
    /// Generation of the timer event that ends it.
    pub(crate) generation: u64,
    /// The state after wrap-up (READY or NOT_READY).
    pub(crate) then: AgentState,
    /// The reason code after wrap-up (NOT_READY).
    pub(crate) then_reason: Reason,
}

/// An agent's state in one nonvoice Media Routing Domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaRt {
    /// State (LOGOUT until signed in).
    pub(crate) state: MediaAgentState,
    /// Reason code of NOT_READY / LOGOUT.
    pub(crate) reason: Reason,
    /// When the state last changed.
    pub(crate) changed: Option<Millis>,
    /// Whether tasks may be routed.
    pub(crate) routable: bool,
    /// Sign-in settings.
    pub(crate) max_dialogs: Option<i64>,
    /// Sign-in settings.
    pub(crate) interrupt: Option<InterruptAction>,
    /// Sign-in settings.
    pub(crate) logout_action: Option<DialogLogoutAction>,
}

/// An agent's runtime state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AgentRt {
    /// The extension signed in with (`None`: signed out).
    pub(crate) signed_in: Option<Extension>,
    /// Mobile agent settings of this sign-in.
    pub(crate) mobile: Option<MobileAgent>,
    /// The state outside calls: LOGOUT, NOT_READY, READY, WORK or WORK_READY.
    pub(crate) base: AgentState,
    /// Reason code of a NOT_READY or LOGOUT base state.
    pub(crate) reason: Reason,
    /// The state last published (to stamp `stateChangeTime`).
    pub(crate) shown: AgentState,
    /// When the shown state last changed.
    pub(crate) state_changed: Option<Millis>,
    /// Pending state shown in `pendingState`.
    pub(crate) pending: Option<Pending>,
    /// UCCE RESERVED_OUTBOUND_PREVIEW: READY/NOT_READY chosen while reserved apply after the
    /// reservation "but do not generate a state change notification".
    pub(crate) silent_pending: Option<Pending>,
    /// UCCX: a pending NOT_READY may be set only once per call.
    pub(crate) ccx_pending_used: bool,
    /// Whether the agent has been in a call since the last end of call.
    pub(crate) in_call: bool,
    /// Whether the agent received a routed call during the current call episode (wrap-up on
    /// incoming applies).
    pub(crate) episode_routed: bool,
    /// Current wrap-up.
    pub(crate) wrap: Option<WrapUp>,
    /// Counter of wrap-up timers (stale timer events are ignored).
    pub(crate) wrap_generation: u64,
    /// When the agent last became READY (longest idle agent routing).
    pub(crate) ready_since: Millis,
    /// Nonvoice MRDs the agent belongs to.
    pub(crate) media: BTreeMap<MediaId, MediaRt>,
    /// Counter of simulated-behaviour timers (stale ones are ignored).
    pub(crate) sim_generation: u64,
    /// Consecutive failed sign-ins (lockout after five).
    pub(crate) auth_failures: u32,
    /// Locked out until then.
    pub(crate) locked_until: Millis,
    /// Client logs posted (kept for tests and the admin endpoint).
    pub(crate) client_logs: Vec<String>,
    /// Calls the agent has a leg in.
    pub(crate) calls: BTreeSet<u64>,
}

/// What a call is, beyond its call type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallKind {
    /// A customer call arriving at a queue.
    Inbound,
    /// A call an agent made (MAKE_CALL).
    Direct,
    /// A consult call from an active call.
    Consult,
    /// A supervisor's silent monitor call of the call `monitored`.
    Monitor {
        /// The monitored call.
        monitored: u64,
    },
    /// An Outbound Option preview reservation.
    Reservation,
    /// An Outbound Option customer call.
    Customer,
}

/// One leg of a call: a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Leg {
    /// Extension or number.
    pub(crate) address: String,
    /// The agent on this leg, if any.
    pub(crate) agent: Option<Ax>,
    /// Participant state.
    pub(crate) state: ParticipantState,
    /// Why it failed.
    pub(crate) cause: Option<StateCause>,
    /// When the leg started or first became active.
    pub(crate) start: Option<Millis>,
    /// When the state last changed.
    pub(crate) changed: Millis,
    /// The monitored agent's leg of a silent monitor call: no actions.
    pub(crate) passive: bool,
    /// The actions offered (refreshed before every publication).
    pub(crate) actions: Vec<Action>,
}

impl Leg {
    /// A leg in `state` from `now`.
    pub(crate) fn new(
        address: &str,
        agent: Option<Ax>,
        state: ParticipantState,
        now: Millis,
    ) -> Self {
        Self {
            address: address.to_owned(),
            agent,
            state,
            cause: None,
            start: None,
            changed: now,
            passive: false,
            actions: Vec::new(),
        }
    }

    /// Whether the leg still takes part in the call (anything but DROPPED and WRAP_UP).
    pub(crate) fn is_live(&self) -> bool {
        !matches!(self.state, ParticipantState::Dropped | ParticipantState::WrapUp)
    }

    /// Whether the leg is connected or on its way to be (counts as a party of the call).
    pub(crate) fn is_party(&self) -> bool {
        self.is_live() && !self.passive && self.state != ParticipantState::Failed
    }
}

/// A call: one dialog.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    /// The dialog id (digits).
    pub(crate) num: u64,
    /// What it is.
    pub(crate) kind: CallKind,
    /// Routed through a queue or the dialer (an ICD call on UCCX; wrap-up on incoming).
    pub(crate) routed: bool,
    /// `mediaProperties/callType`.
    pub(crate) call_type: CallType,
    /// `fromAddress`.
    pub(crate) from: String,
    /// `toAddress`.
    pub(crate) to: String,
    /// `dialedNumber`.
    pub(crate) dialed_number: Option<String>,
    /// `DNIS`.
    pub(crate) dnis: Option<String>,
    /// The queue (index) of a routed call.
    pub(crate) queue: Option<usize>,
    /// `callKeyCallId`, `callKeyPrefix` (UCCE).
    pub(crate) call_key: Option<(u64, u64)>,
    /// Call and ECC variables, in order.
    pub(crate) vars: Vec<(String, String)>,
    /// `wrapUpReason`.
    pub(crate) wrap_up_reason: Option<String>,
    /// Participants.
    pub(crate) legs: Vec<Leg>,
    /// `associatedDialogUri`'s dialog.
    pub(crate) associated: Option<u64>,
    /// `secondaryId`.
    pub(crate) secondary: Option<u64>,
    /// The conference controller.
    pub(crate) controller: Option<Ax>,
    /// Recording started (UCCX).
    pub(crate) recording: bool,
    /// `scheduledCallbackInfo` (time, number).
    pub(crate) callback: Option<(Option<String>, Option<String>)>,
    /// `outboundClassification` after RECLASSIFY.
    pub(crate) classification: Option<OutboundClassification>,
    /// The campaign (index) of an outbound call.
    pub(crate) campaign: Option<usize>,
    /// The customer (index) of an outbound call.
    pub(crate) customer: Option<usize>,
    /// Waiting in `queue` since.
    pub(crate) waiting_since: Option<Millis>,
    /// When the caller gives up (waiting or ringing).
    pub(crate) patience_deadline: Option<Millis>,
    /// Whether an agent answered it.
    pub(crate) answered: bool,
}

impl Call {
    /// The index of `agent`'s leg.
    pub(crate) fn leg_of(&self, agent: Ax) -> Option<usize> {
        self.legs.iter().position(|l| l.agent == Some(agent))
    }

    /// The number of parties (legs connected or being connected).
    pub(crate) fn parties(&self) -> usize {
        self.legs.iter().filter(|l| l.is_party()).count()
    }

    /// Sets a call variable (appended when new).
    pub(crate) fn set_var(&mut self, name: &str, value: &str) {
        match self.vars.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => value.clone_into(v),
            None => self.vars.push((name.to_owned(), value.to_owned())),
        }
    }
}

/// Something the engine does at a virtual time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// A caller arrives at a queue (and the next arrival is scheduled).
    Arrival {
        /// Queue index.
        queue: usize,
    },
    /// A waiting or ringing caller gives up.
    Abandon {
        /// The call.
        call: u64,
    },
    /// Queue statistics are published if they changed (every 10 s, UCCE).
    QueueTick,
    /// A simulated agent's next decision while idle (sign in, Ready, break).
    SimIdle {
        /// The agent.
        agent: Ax,
        /// Timer generation.
        generation: u64,
    },
    /// A simulated agent answers a ringing call.
    SimAnswer {
        /// The agent.
        agent: Ax,
        /// The call.
        call: u64,
    },
    /// A simulated agent hangs up.
    SimHangUp {
        /// The agent.
        agent: Ax,
        /// The call.
        call: u64,
    },
    /// A simulated agent finishes wrap-up.
    SimWrapUpDone {
        /// The agent.
        agent: Ax,
        /// Wrap-up generation.
        generation: u64,
    },
    /// A simulated agent decides on a preview reservation.
    SimPreview {
        /// The agent.
        agent: Ax,
        /// The reservation.
        call: u64,
    },
    /// The caller of a call hangs up.
    CallerHangUp {
        /// The call.
        call: u64,
    },
    /// An external party answers.
    ExternalAnswer {
        /// The call.
        call: u64,
        /// The party's number.
        address: String,
    },
    /// The wrap-up timer expires.
    WrapUpEnd {
        /// The agent.
        agent: Ax,
        /// Wrap-up generation.
        generation: u64,
    },
    /// A campaign reserves an agent (and the next reservation is scheduled).
    PreviewOffer {
        /// Campaign index.
        campaign: usize,
    },
}

/// Counters of what happened, for tests and the admin endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Callers that arrived at a queue.
    pub arrived: u64,
    /// Callers that waited in queue (no agent was free when they arrived).
    pub queued: u64,
    /// Calls delivered to an agent by a queue.
    pub routed: u64,
    /// Routed calls answered by a simulated agent.
    pub answered_by_simulated: u64,
    /// Routed calls answered by an agent driven through the API.
    pub answered_by_api: u64,
    /// Callers that gave up waiting (in queue or ringing).
    pub abandoned: u64,
    /// Calls that ended after being answered.
    pub completed: u64,
    /// Preview reservations offered.
    pub reservations: u64,
    /// Longest time a caller waited in queue, in milliseconds.
    pub longest_wait_ms: i64,
}
