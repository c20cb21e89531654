//! The guide's agent state rules (chapter 3, "User—Change Agent State": the Unified CCE and
//! Unified CCX transition tables, the pending-state rules, the Platform-Based API Differences
//! table; "Dialog—Create a New Dialog" for who may make a call), as pure functions.
//!
//! They are the single source of truth for both sides: the simulator's engine decides with
//! them what a request does, and the agent-side session decides with them which entries of the
//! state menu are enabled, so the two cannot disagree.
//!
//! | from | to | Unified CCE | Unified CCX |
//! |---|---|---|---|
//! | LOGOUT | anything | rejected (257 `CF_INVALID_PASSWORD_SPECIFIED`) | rejected (1010 `CF_INVALID_PARAMETER`) |
//! | any, with a call | LOGOUT | rejected | rejected |
//! | TALKING, HOLD, RESERVED | READY, NOT_READY | pending until the call ends | NOT_READY pending once per call; READY rejected (265 `CF_INVALID_AGENT_WORKMODE`) |
//! | RESERVED_OUTBOUND_PREVIEW | READY, NOT_READY | applies when the reservation ends, silently | rejected |
//! | RESERVED_OUTBOUND | READY, NOT_READY | now | rejected |
//! | NOT_READY | READY, NOT_READY (reason), LOGOUT | now | now (READY on a non-ICD call: 33 `CF_RESOURCE_BUSY`) |
//! | READY | NOT_READY | now | now |
//! | READY | LOGOUT | rejected | now |
//! | WORK, WORK_READY | READY, NOT_READY | now | now |
//!
//! Everything else is rejected with 22 `CF_INVALID_OBJECT_STATE`. Only READY, NOT_READY and
//! LOGOUT are requested this way (LOGIN is sign-in; WORK and WORK_READY during a call are a
//! separate request).

use crate::{AgentState, DeploymentType};

/// What the agent has besides its state, which the rules depend on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateContext {
    /// The agent has a live call leg (ringing, dialing, active, held or failed).
    pub on_calls: bool,
    /// Unified CCX: a pending state was already set during this call (allowed once per call).
    pub pending_used: bool,
}

/// What Finesse does with a state change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    /// The state changes now.
    Now,
    /// The state becomes the user's `pendingState` and applies when the call ends.
    Pending,
    /// Unified CCE, during a preview reservation: applies when the reservation ends, with no
    /// notification before then.
    Silent,
    /// The request is refused (HTTP 400 Invalid State).
    Rejected(StateChangeError),
}

impl StateChange {
    /// Whether the request is accepted (now or later).
    pub fn is_allowed(self) -> bool {
        !matches!(self, Self::Rejected(_))
    }
}

/// Why a state change is refused, with the CTI error Finesse reports for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChangeError {
    /// The agent is signed out: only sign-in is possible.
    SignedOut,
    /// The transition tables do not allow it.
    InvalidTransition,
    /// Unified CCX: no pending READY during a call, and one pending change per call.
    InvalidWorkMode,
    /// Unified CCX: READY while on a non-ICD call.
    ResourceBusy,
    /// Not a state a user (or a supervisor) may request.
    NotSettable,
}

impl StateChangeError {
    /// The CTI error code and constant Finesse puts in `ErrorData` / `ErrorMessage`
    /// (`None` for [`Self::NotSettable`], which is not a CTI error).
    pub fn cti_error(self, deployment: &DeploymentType) -> Option<(u32, &'static str)> {
        let ccx = is_ccx(deployment);
        match self {
            Self::SignedOut if ccx => Some((1010, "CF_INVALID_PARAMETER")),
            Self::SignedOut => Some((257, "CF_INVALID_PASSWORD_SPECIFIED")),
            Self::InvalidTransition => Some((22, "CF_INVALID_OBJECT_STATE")),
            Self::InvalidWorkMode => Some((265, "CF_INVALID_AGENT_WORKMODE")),
            Self::ResourceBusy => Some((33, "CF_RESOURCE_BUSY")),
            Self::NotSettable => None,
        }
    }

    /// The reason in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SignedOut => "the agent is signed out",
            Self::InvalidTransition => "that state cannot be reached from the current state",
            Self::InvalidWorkMode => {
                "during a call only one Not Ready can be chosen, and Ready cannot be chosen"
            }
            Self::ResourceBusy => "Ready cannot be chosen during a non-routed call",
            Self::NotSettable => "that state cannot be requested",
        }
    }
}

/// Whether the deployment is Unified CCX (anything else follows the Unified CCE tables, the
/// guide's default).
fn is_ccx(deployment: &DeploymentType) -> bool {
    *deployment == DeploymentType::Uccx
}

/// What an agent's own request to go from `from` to `to` (READY, NOT_READY or LOGOUT) does.
pub fn agent_state_change(
    deployment: &DeploymentType,
    from: &AgentState,
    to: &AgentState,
    ctx: StateContext,
) -> StateChange {
    use AgentState as S;
    use StateChange::{Now, Pending, Rejected, Silent};
    use StateChangeError as E;
    let ccx = is_ccx(deployment);
    if !matches!(to, S::Ready | S::NotReady | S::Logout) {
        return Rejected(E::NotSettable);
    }
    match (from, to) {
        (S::Logout, _) => Rejected(E::SignedOut),
        // Nobody signs out with a call on the phone.
        (_, S::Logout) if ctx.on_calls => Rejected(E::InvalidTransition),
        // A state chosen during a call applies when it ends (UCCX: no pending READY, one
        // pending NOT_READY per call).
        (S::Talking | S::Hold | S::Reserved, _) => {
            if ccx && (*to == S::Ready || ctx.pending_used) {
                Rejected(E::InvalidWorkMode)
            } else {
                Pending
            }
        }
        // UCCE: "does not generate a state change notification but does affect the user
        // state when the call is complete"; UCCX: only the dialog actions change it.
        (S::ReservedOutboundPreview, _) if !ccx => Silent,
        // UCCE: "the user can change to READY or NOT_READY state to exit"; UCCX: cannot exit.
        (S::ReservedOutbound, S::Ready | S::NotReady) if !ccx => Now,
        // UCCX: on a non-ICD call the agent stays NOT_READY and cannot pend READY.
        (S::NotReady, S::Ready) if ctx.on_calls && ccx => Rejected(E::ResourceBusy),
        (S::NotReady, _)
        | (S::Ready, S::NotReady)
        | (S::Work | S::WorkReady, S::Ready | S::NotReady) => Now,
        (S::Ready, S::Logout) if ccx => Now,
        _ => Rejected(E::InvalidTransition),
    }
}

/// What a supervisor's request to move a team member from `from` to `to` does (guide note on
/// "Change Agent State": only NOT_READY, READY, LOGOUT; LOGOUT from any signed-in state,
/// pending while the agent has calls; NOT_READY from READY, WORK, WORK_READY; READY from
/// NOT_READY, WORK, WORK_READY with no call).
pub fn supervisor_state_change(from: &AgentState, to: &AgentState, on_calls: bool) -> StateChange {
    use AgentState as S;
    use StateChange::{Now, Pending, Rejected};
    let refused = || {
        Rejected(if *from == S::Logout {
            StateChangeError::SignedOut
        } else {
            StateChangeError::InvalidTransition
        })
    };
    match to {
        S::Logout => match from {
            S::Logout | S::UnknownState | S::Unknown(_) => refused(),
            _ if on_calls => Pending,
            _ => Now,
        },
        S::NotReady => match from {
            S::Ready | S::Work | S::WorkReady => Now,
            _ => refused(),
        },
        S::Ready => match from {
            S::NotReady | S::Work | S::WorkReady if !on_calls => Now,
            _ => refused(),
        },
        _ => Rejected(StateChangeError::NotSettable),
    }
}

/// Whether an agent in `state` may make a new call (`MAKE_CALL`): from NOT_READY (guide:
/// "NOT_READY → TALKING: places a call"), or with calls on hold only, and never while a call
/// of the agent is ringing, dialing, active or failed (`phone_busy`). Anything else is the
/// asynchronous `Invalid State` error ("the agent's state does not allow making a call").
pub fn may_make_call(state: &AgentState, phone_busy: bool) -> bool {
    !phone_busy && matches!(state, AgentState::NotReady | AgentState::Hold)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: StateContext = StateContext { on_calls: false, pending_used: false };
    const ON_CALL: StateContext = StateContext { on_calls: true, pending_used: false };

    #[test]
    fn sign_out_is_from_not_ready_on_ucce_and_also_from_ready_on_uccx() {
        let ce = DeploymentType::Ucce;
        let cx = DeploymentType::Uccx;
        let (r, nr, out) = (AgentState::Ready, AgentState::NotReady, AgentState::Logout);
        assert_eq!(agent_state_change(&ce, &nr, &out, CTX), StateChange::Now);
        assert_eq!(
            agent_state_change(&ce, &r, &out, CTX),
            StateChange::Rejected(StateChangeError::InvalidTransition)
        );
        assert_eq!(agent_state_change(&cx, &r, &out, CTX), StateChange::Now);
        assert_eq!(
            agent_state_change(&cx, &nr, &out, ON_CALL),
            StateChange::Rejected(StateChangeError::InvalidTransition)
        );
    }

    #[test]
    fn pending_during_a_call_and_the_uccx_limits() {
        let talking = AgentState::Talking;
        let ce = DeploymentType::Ucce;
        let cx = DeploymentType::Uccx;
        assert_eq!(
            agent_state_change(&ce, &talking, &AgentState::Ready, ON_CALL),
            StateChange::Pending
        );
        assert_eq!(
            agent_state_change(&cx, &talking, &AgentState::Ready, ON_CALL),
            StateChange::Rejected(StateChangeError::InvalidWorkMode)
        );
        assert_eq!(
            agent_state_change(&cx, &talking, &AgentState::NotReady, ON_CALL),
            StateChange::Pending
        );
        let used = StateContext { on_calls: true, pending_used: true };
        assert_eq!(
            agent_state_change(&cx, &talking, &AgentState::NotReady, used),
            StateChange::Rejected(StateChangeError::InvalidWorkMode)
        );
        assert_eq!(
            agent_state_change(&ce, &talking, &AgentState::NotReady, used),
            StateChange::Pending
        );
        assert_eq!(
            agent_state_change(&cx, &AgentState::NotReady, &AgentState::Ready, ON_CALL),
            StateChange::Rejected(StateChangeError::ResourceBusy)
        );
    }

    #[test]
    fn reservations_differ_per_platform() {
        let preview = AgentState::ReservedOutboundPreview;
        let outbound = AgentState::ReservedOutbound;
        let nr = AgentState::NotReady;
        assert_eq!(
            agent_state_change(&DeploymentType::Ucce, &preview, &nr, ON_CALL),
            StateChange::Silent
        );
        assert_eq!(
            agent_state_change(&DeploymentType::Ucce, &outbound, &nr, CTX),
            StateChange::Now
        );
        for from in [&preview, &outbound] {
            assert!(!agent_state_change(&DeploymentType::Uccx, from, &nr, CTX).is_allowed());
        }
    }

    #[test]
    fn signed_out_reports_the_platform_cti_error() {
        let e = agent_state_change(
            &DeploymentType::Ucce,
            &AgentState::Logout,
            &AgentState::NotReady,
            CTX,
        );
        let StateChange::Rejected(e) = e else { panic!("{e:?}") };
        assert_eq!(
            e.cti_error(&DeploymentType::Ucce),
            Some((257, "CF_INVALID_PASSWORD_SPECIFIED"))
        );
        assert_eq!(e.cti_error(&DeploymentType::Uccx), Some((1010, "CF_INVALID_PARAMETER")));
        assert_eq!(
            agent_state_change(&DeploymentType::Ucce, &AgentState::Ready, &AgentState::Work, CTX),
            StateChange::Rejected(StateChangeError::NotSettable)
        );
    }

    #[test]
    fn supervisor_rules() {
        use AgentState as S;
        assert_eq!(supervisor_state_change(&S::Talking, &S::Logout, true), StateChange::Pending);
        assert_eq!(supervisor_state_change(&S::Ready, &S::Logout, false), StateChange::Now);
        assert!(!supervisor_state_change(&S::Logout, &S::Logout, false).is_allowed());
        assert_eq!(supervisor_state_change(&S::WorkReady, &S::NotReady, false), StateChange::Now);
        assert_eq!(
            supervisor_state_change(&S::NotReady, &S::NotReady, false),
            StateChange::Rejected(StateChangeError::InvalidTransition)
        );
        assert!(!supervisor_state_change(&S::NotReady, &S::Ready, true).is_allowed());
        assert_eq!(
            supervisor_state_change(&S::Logout, &S::Ready, false),
            StateChange::Rejected(StateChangeError::SignedOut)
        );
        assert_eq!(
            supervisor_state_change(&S::Ready, &S::Talking, false),
            StateChange::Rejected(StateChangeError::NotSettable)
        );
    }

    #[test]
    fn calls_are_made_from_not_ready_or_with_calls_on_hold() {
        assert!(may_make_call(&AgentState::NotReady, false));
        assert!(may_make_call(&AgentState::Hold, false));
        assert!(!may_make_call(&AgentState::NotReady, true));
        assert!(!may_make_call(&AgentState::Ready, false));
        assert!(!may_make_call(&AgentState::Talking, false));
    }
}
