//! User (guide chapter 3, "User"): an agent or supervisor, its state and settings. The same type
//! holds the summary users of Team documents and Team notifications.

use crate::{
    AgentState, Extension, MediaState, MobileAgentMode, ReasonCode, ReasonCodeId, Role, TeamId,
    Timestamp, UserId, WrapUpMode,
};

xml_struct! {
    /// A user (guide: "User", "User API Parameters"; Team: "Team API Parameters").
    pub struct User as "User" | "user" {
        /// `/finesse/api/User/{id}`.
        uri: Option<String>,
        /// The user id, where a document carries it.
        id: Option<UserId>,
        /// Roles (Agent, Supervisor).
        roles: Option<Roles>,
        /// The login id (the user id).
        login_id: Option<UserId>,
        /// The login name.
        login_name: Option<String>,
        /// The current state.
        state: Option<AgentState>,
        /// When the state last changed (server clock); empty before the first state change.
        state_change_time: Option<Timestamp>,
        /// Media type (printed in the guide's User structure, undocumented).
        media_type: Option<String>,
        /// The state the agent goes to when the current call ends (shown on the desktop).
        pending_state: Option<AgentState>,
        /// The reason code of the pending state (printed in the guide's User structure).
        pending_state_reason_code: Option<ReasonCode>,
        /// Database id of the current reason code (`-1`: none could be given).
        reason_code_id: Option<ReasonCodeId>,
        /// The current reason code (`ReasonCode`, or `reasonCode` in Team documents).
        #[serde(rename = "ReasonCode", alias = "reasonCode")]
        reason_code: Option<ReasonCode>,
        /// Settings (Unified CCE).
        settings: Option<UserSettings>,
        /// The extension the user is signed in to.
        extension: Option<Extension>,
        /// Mobile agent settings (Unified CCE, mobile agents only).
        mobile_agent: Option<MobileAgent>,
        /// First name.
        first_name: Option<String>,
        /// Last name.
        last_name: Option<String>,
        /// The user's team id.
        team_id: Option<TeamId>,
        /// The user's team name.
        team_name: Option<String>,
        /// URI of the user's dialogs collection.
        dialogs: Option<String>,
        /// Teams the user supervises.
        teams: Option<TeamRefs>,
        /// Team API only (Unified CCX): busy on a manual outbound call from Not Ready.
        media_state: Option<MediaState>,
    }
}

impl User {
    /// The user id: `loginId`, else `id`, else the last segment of `uri`.
    pub fn user_id(&self) -> Option<UserId> {
        self.login_id
            .clone()
            .or_else(|| self.id.clone())
            .or_else(|| self.uri.as_deref().and_then(crate::id_from_uri).map(UserId::from))
    }

    /// "First Last", or the login id when no name is known.
    pub fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() { self.user_id().map(|id| id.0).unwrap_or_default() } else { name }
    }

    /// Whether the user has the Supervisor role.
    pub fn is_supervisor(&self) -> bool {
        self.roles.as_ref().is_some_and(|r| r.role.contains(&Role::Supervisor))
    }
}

xml_struct! {
    /// `<roles><role>Agent</role>…</roles>`.
    pub struct Roles {
        /// The roles.
        role: Vec<Role>,
    }
}

xml_struct! {
    /// `<settings>`: how wrap-up works for this user (Unified CCE).
    pub struct UserSettings {
        /// Wrap-up on incoming calls.
        wrap_up_on_incoming: Option<WrapUpMode>,
        /// Wrap-up on outgoing calls (printed in the guide's sign-in sample, undocumented).
        wrap_up_on_outgoing: Option<WrapUpMode>,
    }
}

xml_struct! {
    /// `<mobileAgent>` (Unified CCE).
    pub struct MobileAgent {
        /// Connection mode.
        mode: Option<MobileAgentMode>,
        /// The phone number the agent is reached at.
        dial_number: Option<String>,
    }
}

xml_list! {
    /// `<teams><Team>…</Team></teams>`: teams a supervisor supervises.
    pub struct TeamRefs { "Team" | "team" => teams: TeamRef }
}

xml_struct! {
    /// A reference to a team inside a User.
    pub struct TeamRef {
        /// `/finesse/api/Team/{id}`.
        uri: Option<String>,
        /// Team id.
        id: Option<TeamId>,
        /// Team name.
        name: Option<String>,
    }
}

xml_list! {
    /// `GET /finesse/api/Users`: every user (administrators only).
    pub struct Users as "Users" | "users" { "User" | "user" => users: User }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, decode, decode_strict, encode};

    #[test]
    fn decodes_a_user_and_round_trips() {
        let xml = "<User><uri>/finesse/api/User/1001001</uri><roles><role>Agent</role>\
            <role>Supervisor</role></roles><loginId>1001001</loginId><state>NOT_READY</state>\
            <stateChangeTime>2012-03-01T17:58:21.234Z</stateChangeTime><pendingState/>\
            <reasonCodeId>16</reasonCodeId><ReasonCode><category>NOT_READY</category>\
            <code>10</code><label>Team Meeting</label><forAll>true</forAll><id>16</id></ReasonCode>\
            <firstName>Chris</firstName><lastName>Smith</lastName></User>";
        let user: User = decode_strict(xml).unwrap();
        assert_eq!(user.state, Some(AgentState::NotReady));
        assert_eq!(user.pending_state, None, "an empty element reads as absent");
        assert!(user.is_supervisor());
        assert_eq!(user.display_name(), "Chris Smith");
        assert_eq!(user.reason_code.as_ref().unwrap().label.as_deref(), Some("Team Meeting"));
        let again: User = decode_strict(&encode(&user).unwrap()).unwrap();
        assert_eq!(again, user);
    }

    #[test]
    fn strict_mode_names_the_path_of_an_unknown_element() {
        let err = decode_strict::<User>("<User><settings><colour>red</colour></settings></User>")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::UnknownElement("colour".into()));
        assert_eq!(err.path(), "User/settings/colour");
        let user: User = decode("<User><settings><colour>red</colour></settings></User>").unwrap();
        // Nothing known was in it: a settings element with nothing in it is no settings.
        assert_eq!(user.settings, None);
    }

    #[test]
    fn team_documents_spell_reason_code_in_lower_case() {
        let user: User =
            decode_strict("<User><reasonCode><label>Lunch</label></reasonCode></User>").unwrap();
        assert_eq!(user.reason_code.unwrap().label.as_deref(), Some("Lunch"));
    }

    #[test]
    fn invalid_values_name_the_element() {
        let err = decode::<User>("<User><ReasonCode><forAll>>true</forAll></ReasonCode></User>")
            .unwrap_err();
        assert_eq!(err.kind_name(), "invalid_value");
        assert_eq!(err.path(), "User/ReasonCode/forAll");
        assert!(err.to_string().contains("`>true`"), "{err}");
    }

    #[test]
    fn unknown_states_are_kept_leniently_and_rejected_strictly() {
        let user: User = decode("<User><state>ON_BREAK</state></User>").unwrap();
        assert_eq!(user.state, Some(AgentState::Unknown("ON_BREAK".into())));
        let err = decode_strict::<User>("<User><state>ON_BREAK</state></User>").unwrap_err();
        assert_eq!(err.path(), "User/state");
    }
}
