//! The actions each participant is offered: the guide's "State (Participant) Parameter Values"
//! table, plus the actions the guide documents elsewhere for particular calls.
//!
//! | Participant state | Allowable actions (table) |
//! |---|---|
//! | INITIATING, INITIATED | DROP, UPDATE_CALL_DATA |
//! | ALERTING | ANSWER |
//! | ACTIVE | HOLD, DROP, UPDATE_CALL_DATA, CONSULT_CALL |
//! | FAILED | DROP |
//! | HELD | RETRIEVE, DROP, UPDATE_CALL_DATA, TRANSFER and CONFERENCE (if an active call exists) |
//! | DROPPED, ACCEPTED | — |
//! | WRAP_UP | UPDATE_CALL_DATA |
//!
//! Additions, each documented in the guide:
//! - an agent's ACTIVE leg also offers SEND_DTMF, and on UCCE TRANSFER_SST (the guide's Dialog
//!   PUT notification sample; single-step transfer is UCCE only), and on UCCX with MediaSense
//!   START_RECORDING until recording ("Actions Parameter Values");
//! - a supervisor's leg of a conference offers PARTICIPANT_DROP ("Allows a supervisor to drop
//!   a participant from a conference call");
//! - the supervisor's leg of a silent monitor call offers BARGE_CALL and DROP (and
//!   START_RECORDING on UCCX with MediaSense): holding or consulting from a monitor call is not
//!   possible;
//! - the monitored agent's passive leg has no actions ("a participant with no allowable
//!   action", Table 5);
//! - a preview reservation ringing at the agent offers ACCEPT, CLOSE, REJECT (and RECLASSIFY
//!   for direct preview) — "the allowed actions are ACCEPT, CLOSE, and REJECT";
//! - an agent on an Outbound Option customer call (ACTIVE, HELD or WRAP_UP) offers
//!   UPDATE_SCHEDULED_CALLBACK, and CANCEL_SCHEDULED_CALLBACK once one is scheduled.
//!
//! Participants who are not agents get the table's actions ("present … for all participants on
//! a call, including participants who are not agents").

use finesse_model::{Action, ParticipantState};

use super::model::{Call, CallKind, Leg, Platform};

/// Facts about the call and the agent that the actions depend on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionContext {
    /// The deployment type.
    pub(crate) platform: Platform,
    /// A MediaSense server is configured (UCCX recording).
    pub(crate) mediasense: bool,
    /// The leg's agent is active on another call (TRANSFER / CONFERENCE on a held call).
    pub(crate) other_active: bool,
    /// The leg's agent is a supervisor.
    pub(crate) supervisor: bool,
}

/// The actions offered to `leg` of `call`.
pub(crate) fn actions_for(call: &Call, leg: &Leg, ctx: ActionContext) -> Vec<Action> {
    use Action as A;
    use ParticipantState as S;
    if leg.passive {
        return Vec::new();
    }
    let agent = leg.agent.is_some();
    let outbound_customer = agent && call.kind == CallKind::Customer;
    let mut actions = match (&call.kind, &leg.state) {
        (CallKind::Reservation, S::Alerting) if agent => {
            let mut v = vec![A::Accept, A::Close, A::Reject];
            if call.call_type == finesse_model::CallType::OutboundDirectPreview {
                v.push(A::Reclassify);
            }
            return v;
        }
        (CallKind::Monitor { .. }, S::Active) if agent => {
            let mut v = vec![A::BargeCall, A::Drop];
            if ctx.platform == Platform::Ccx && ctx.mediasense && !call.recording {
                v.push(A::StartRecording);
            }
            return v;
        }
        (_, S::Initiating | S::Initiated) => vec![A::Drop, A::UpdateCallData],
        (_, S::Alerting) => vec![A::Answer],
        (_, S::Active) => {
            let mut v = vec![A::Hold, A::Drop, A::UpdateCallData, A::ConsultCall];
            if agent {
                v.push(A::SendDtmf);
                if ctx.platform == Platform::Cce {
                    v.push(A::TransferSst);
                }
                if ctx.platform == Platform::Ccx && ctx.mediasense && !call.recording {
                    v.push(A::StartRecording);
                }
                if ctx.supervisor && call.parties() >= 3 {
                    v.push(A::ParticipantDrop);
                }
            }
            v
        }
        (_, S::Failed) => vec![A::Drop],
        (_, S::Held) => {
            let mut v = vec![A::Retrieve, A::Drop, A::UpdateCallData];
            if agent && ctx.other_active {
                v.push(A::Transfer);
                v.push(A::Conference);
            }
            v
        }
        (_, S::WrapUp) => vec![A::UpdateCallData],
        _ => Vec::new(),
    };
    if outbound_customer && matches!(leg.state, S::Active | S::Held | S::WrapUp) {
        actions.push(A::UpdateScheduledCallback);
        if call.callback.is_some() {
            actions.push(A::CancelScheduledCallback);
        }
    }
    actions
}
