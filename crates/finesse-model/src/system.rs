//! SystemInfo (guide chapter 5) and the user-side requests that are not Dialogs: the User
//! request body and ClientLog.

use crate::{
    AgentState, DeploymentType, Extension, License, MobileAgent, MobileAgentMode, ReasonCodeId,
    SystemAuthMode, SystemStatus, Timestamp,
};

xml_struct! {
    /// `GET /finesse/api/SystemInfo`, also published on the `/finesse/api/SystemInfo` node.
    /// Availability starts here: `status` must be IN_SERVICE (High Availability chapter).
    pub struct SystemInfo as "SystemInfo" | "systemInfo" {
        /// Server time (GMT); the guide spells it `currentTimestamp` and `currentTimeStamp`.
        #[serde(rename = "currentTimestamp", alias = "currentTimeStamp")]
        current_timestamp: Option<Timestamp>,
        /// UCCE or UCCX.
        deployment_type: Option<DeploymentType>,
        /// Unified CCX license.
        license: Option<License>,
        /// Peripheral id (Unified CCE).
        peripheral_id: Option<String>,
        /// The primary node.
        primary_node: Option<Node>,
        /// The secondary node (failover target).
        secondary_node: Option<Node>,
        /// Service status.
        status: Option<SystemStatus>,
        /// Why the system is not in service.
        status_reason: Option<String>,
        /// Authentication mode.
        system_auth_mode: Option<SystemAuthMode>,
        /// Time zone offset in minutes.
        timezone_offset: Option<i64>,
        /// `/finesse/api/SystemInfo`.
        uri: Option<String>,
        /// The XMPP domain (users are `id@xmppDomain`).
        xmpp_domain: Option<String>,
        /// The pubsub service (`pubsub.<xmppDomain>`).
        xmpp_pub_sub_domain: Option<String>,
    }
}

xml_struct! {
    /// `<primaryNode>`/`<secondaryNode>`.
    pub struct Node {
        /// Host name.
        host: Option<String>,
    }
}

xml_struct! {
    /// The body of every User request (guide: "User—Sign In to Finesse", "Sign In as a Mobile
    /// Agent", "Sign Out", "Change Agent State", "Change Agent State With Reason Code").
    pub struct UserRequest as "User" | "user" {
        /// Requested state.
        state: Option<AgentState>,
        /// Extension to sign in with.
        extension: Option<Extension>,
        /// Reason code (NOT_READY, LOGOUT).
        reason_code_id: Option<ReasonCodeId>,
        /// Mobile agent sign-in.
        mobile_agent: Option<MobileAgent>,
        /// Sign out of every Media Routing Domain too (Unified CCE).
        logout_all_media: Option<bool>,
    }
}

impl UserRequest {
    /// Sign in with an extension.
    pub fn sign_in(extension: &Extension) -> Self {
        Self {
            state: Some(AgentState::Login),
            extension: Some(extension.clone()),
            ..Self::default()
        }
    }

    /// Sign in as a mobile agent.
    pub fn sign_in_mobile(extension: &Extension, mode: MobileAgentMode, dial_number: &str) -> Self {
        Self {
            mobile_agent: Some(MobileAgent {
                mode: Some(mode),
                dial_number: Some(dial_number.into()),
            }),
            ..Self::sign_in(extension)
        }
    }

    /// Change state (READY, NOT_READY), with a reason code for NOT_READY.
    pub fn state(state: AgentState, reason: Option<ReasonCodeId>) -> Self {
        Self { state: Some(state), reason_code_id: reason, ..Self::default() }
    }

    /// Sign out, optionally with a reason and from every MRD.
    pub fn sign_out(reason: Option<ReasonCodeId>, all_media: bool) -> Self {
        Self {
            state: Some(AgentState::Logout),
            reason_code_id: reason,
            logout_all_media: all_media.then_some(true),
            ..Self::default()
        }
    }
}

xml_struct! {
    /// `POST /finesse/api/User/{id}/ClientLog`.
    pub struct ClientLog as "ClientLog" | "clientLog" {
        /// The log text (at most 1,048,576 characters).
        log_data: Option<String>,
    }
}
