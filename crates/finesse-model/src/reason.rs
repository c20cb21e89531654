//! Reason codes and wrap-up reasons (guide chapter 3 "User—Get Reason Code", chapter 4
//! "ReasonCode", "WrapUpReason").

use crate::{ReasonCodeCategory, ReasonCodeId, WrapUpReasonId};

xml_struct! {
    /// A Not Ready or Sign Out reason code.
    pub struct ReasonCode as "ReasonCode" | "reasonCode" {
        /// Category (`NOT_READY`, `LOGOUT`).
        category: Option<ReasonCodeCategory>,
        /// `/finesse/api/ReasonCode/{id}`.
        uri: Option<String>,
        /// The CTI reason code (CCE 1–65535, CCX 1–999).
        code: Option<i64>,
        /// The label shown to the agent (at most 40 characters).
        label: Option<String>,
        /// Global (`true`) or assigned to teams.
        for_all: Option<bool>,
        /// A reserved system code (11.6).
        system_code: Option<bool>,
        /// Database id (in User and Media embeddings).
        id: Option<ReasonCodeId>,
    }
}

impl ReasonCode {
    /// The reason code's id: `id`, else the last segment of `uri`.
    pub fn reason_code_id(&self) -> Option<ReasonCodeId> {
        self.id
            .clone()
            .or_else(|| self.uri.as_deref().and_then(crate::id_from_uri).map(ReasonCodeId::from))
    }
}

xml_struct! {
    /// `<ReasonCodes category="NOT_READY">` (user list, configuration list, team assignment).
    pub struct ReasonCodes as "ReasonCodes" | "reasonCodes" {
        /// The category the list was requested for.
        #[serde(rename = "@category")]
        category: Option<ReasonCodeCategory>,
        /// The reason codes.
        #[serde(rename = "ReasonCode", alias = "reasonCode")]
        reason_codes: Vec<ReasonCode>,
    }
}

xml_struct! {
    /// A wrap-up reason.
    pub struct WrapUpReason as "WrapUpReason" | "wrapUpReason" {
        /// `/finesse/api/WrapUpReason/{id}`.
        uri: Option<String>,
        /// Database id, where given.
        id: Option<WrapUpReasonId>,
        /// The label (at most 39 bytes).
        label: Option<String>,
        /// Global (`true`) or assigned to teams.
        for_all: Option<bool>,
    }
}

xml_list! {
    /// A list of wrap-up reasons.
    pub struct WrapUpReasons as "WrapUpReasons" | "wrapUpReasons" {
        "WrapUpReason" | "wrapUpReason" => wrap_up_reasons: WrapUpReason
    }
}
