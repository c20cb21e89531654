//! Media (guide chapter 3, "Media", "Task Routing APIs"): a user's state in a nonvoice Media
//! Routing Domain (Unified CCE).

use crate::{
    DialogLogoutAction, InterruptAction, MediaAgentState, MediaId, ReasonCode, ReasonCodeId,
    Timestamp,
};

xml_struct! {
    /// A user's Media object for one Media Routing Domain.
    pub struct Media as "Media" | "media" {
        /// `/finesse/api/User/{id}/Media/{mrdId}`.
        uri: Option<String>,
        /// Description (XML-escaped on the wire).
        description: Option<String>,
        /// What happens to open tasks at sign-out.
        dialog_logout_action: Option<DialogLogoutAction>,
        /// The MRD id.
        id: Option<MediaId>,
        /// Whether the MRD can be interrupted.
        interruptible: Option<bool>,
        /// What happens on an interrupt.
        interrupt_action: Option<InterruptAction>,
        /// Maximum simultaneous tasks (1–10).
        max_dialog_limit: Option<i64>,
        /// MRD name.
        name: Option<String>,
        /// Current reason code.
        #[serde(rename = "ReasonCode", alias = "reasonCode")]
        reason_code: Option<ReasonCode>,
        /// Current reason code id (`-1`: none).
        reason_code_id: Option<ReasonCodeId>,
        /// Whether new tasks are routed to the user.
        routable: Option<bool>,
        /// State in the MRD.
        state: Option<MediaAgentState>,
        /// When the state last changed.
        state_change_time: Option<Timestamp>,
    }
}

xml_list! {
    /// Every nonvoice MRD of the user (`GET /finesse/api/User/{id}/Media`).
    pub struct MediaList as "MediaList" | "mediaList" { "Media" | "media" => media: Media }
}

xml_struct! {
    /// The body of the Media requests: sign in, state change (with reason), routable.
    pub struct MediaRequest as "Media" | "media" {
        /// Maximum simultaneous tasks (sign-in, 1–10).
        max_dialog_limit: Option<i64>,
        /// Requested state.
        state: Option<MediaAgentState>,
        /// Reason code (NOT_READY, LOGOUT).
        reason_code_id: Option<ReasonCodeId>,
        /// Interrupt behaviour (sign-in).
        interrupt_action: Option<InterruptAction>,
        /// Sign-out behaviour for open tasks (sign-in).
        dialog_logout_action: Option<DialogLogoutAction>,
        /// Routable or not.
        routable: Option<bool>,
    }
}

impl MediaRequest {
    /// Sign in to an MRD.
    pub fn sign_in(
        max_dialogs: i64,
        interrupt: InterruptAction,
        logout: Option<DialogLogoutAction>,
    ) -> Self {
        Self {
            max_dialog_limit: Some(max_dialogs),
            state: Some(MediaAgentState::Login),
            interrupt_action: Some(interrupt),
            dialog_logout_action: logout,
            ..Self::default()
        }
    }

    /// Change state, with a reason code for NOT_READY or LOGOUT.
    pub fn state(state: MediaAgentState, reason: Option<ReasonCodeId>) -> Self {
        Self { state: Some(state), reason_code_id: reason, ..Self::default() }
    }

    /// Make the user routable or not.
    pub fn routable(routable: bool) -> Self {
        Self { routable: Some(routable), ..Self::default() }
    }
}
