//! Nonvoice Media Routing Domains (guide: "Media APIs", "Agent States for Nonvoice Media",
//! "Media and Dialogs/Media Error Code Descriptions"; UCCE only): signing in to an MRD, its
//! states and routable mode. Nonvoice tasks themselves are not simulated.

use finesse_model::{
    DialogLogoutAction, InterruptAction, MediaAgentState, MediaId, MediaRequest,
    ReasonCodeCategory, UserId,
};

use super::errors;
use super::model::{Ax, Platform, Reason};
use super::{ApiFailure, Engine, Principal};

impl Engine {
    /// The user of a Media API request: own only ("Users can only act on their own Media
    /// objects"); UCCE only.
    pub(crate) fn media_user(&self, p: &Principal, id: &UserId) -> Result<Ax, ApiFailure> {
        if self.platform == Platform::Ccx {
            return Err(errors::not_implemented("Media APIs are supported with Unified CCE only"));
        }
        if p.admin || &p.user != id {
            return Err(errors::invalid_authorization(p.user.as_str()));
        }
        self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))
    }

    /// `PUT /finesse/api/User/{id}/Media/{mrdId}`.
    pub(crate) fn media_request(
        &mut self,
        p: &Principal,
        id: &UserId,
        mrd: &MediaId,
        req: &MediaRequest,
    ) -> Result<(), ApiFailure> {
        let a = self.media_user(p, id)?;
        self.mrd_ix(mrd).ok_or_else(|| errors::not_found("The MRD is not known", mrd.as_str()))?;
        let code = mrd.as_str();
        let Some(rt) = self.agents[a].media.get(mrd).cloned() else {
            return Err(errors::media_failure(
                400,
                "Agent is not in the MRD",
                "E_ARM_STAT_MRD_LIST_ENTRY_NOT_FOUND",
                "3",
                code,
            ));
        };
        let signed_in = rt.state != MediaAgentState::Logout;
        let not_logged_in = || {
            errors::media_failure(
                400,
                "Agent is not logged in",
                "E_ARM_STAT_AGENT_NOT_LOGGED_IN",
                "6",
                code,
            )
        };
        if let Some(routable) = req.routable {
            if req.state.is_some() {
                return Err(errors::bad_request(
                    "Change the state and the routable mode in separate requests",
                ));
            }
            if !signed_in {
                return Err(not_logged_in());
            }
            if rt.routable == routable {
                return Err(errors::media_failure(
                    400,
                    "Agent already in requested mode",
                    "E_ARM_STAT_ALREADY_IN_REQUESTED_AGENT_MODE",
                    "40",
                    code,
                ));
            }
            self.update_media(a, mrd, |m| m.routable = routable, false);
            return Ok(());
        }
        let state = req.state.clone().ok_or_else(|| errors::parameter_missing("state"))?;
        match state {
            MediaAgentState::Login => {
                let max = req
                    .max_dialog_limit
                    .ok_or_else(|| errors::parameter_missing("maxDialogLimit"))?;
                if !(1..=10).contains(&max) {
                    return Err(errors::invalid_input(
                        "maxDialogLimit",
                        "maxDialogLimit is 1 to 10",
                    ));
                }
                let interrupt = req
                    .interrupt_action
                    .clone()
                    .ok_or_else(|| errors::parameter_missing("interruptAction"))?;
                if !interrupt.is_known() {
                    return Err(errors::invalid_input(
                        "interruptAction",
                        "interruptAction is ACCEPT or IGNORE",
                    ));
                }
                let logout = req.dialog_logout_action.clone().unwrap_or(DialogLogoutAction::Close);
                if !logout.is_known() {
                    return Err(errors::invalid_input(
                        "dialogLogoutAction",
                        "dialogLogoutAction is TRANSFER or CLOSE",
                    ));
                }
                if signed_in {
                    return Err(errors::media_failure(
                        400,
                        "Agent already logged into MRD",
                        "E_ARM_STAT_AGENT_ALREADY_LOGGED_IN",
                        "1",
                        code,
                    ));
                }
                self.update_media(
                    a,
                    mrd,
                    |m| {
                        m.state = MediaAgentState::NotReady;
                        m.reason = Reason::None;
                        m.routable = true;
                        m.max_dialogs = Some(max);
                        m.interrupt = Some(interrupt);
                        m.logout_action = Some(logout);
                    },
                    true,
                );
            }
            MediaAgentState::Ready => {
                if !signed_in {
                    return Err(not_logged_in());
                }
                if req.reason_code_id.is_some() {
                    return Err(errors::invalid_input(
                        "reasonCodeId",
                        "A reason code can be given only with NOT_READY or LOGOUT",
                    ));
                }
                // "The system ignores requests to change agent state from READY to READY".
                if rt.state != MediaAgentState::Ready {
                    self.update_media(
                        a,
                        mrd,
                        |m| {
                            m.state = MediaAgentState::Ready;
                            m.reason = Reason::None;
                            m.routable = true;
                        },
                        true,
                    );
                }
            }
            MediaAgentState::NotReady => {
                if !signed_in {
                    return Err(not_logged_in());
                }
                let reason = self.requested_reason(
                    a,
                    ReasonCodeCategory::NotReady,
                    req.reason_code_id.as_ref(),
                )?;
                if rt.state == MediaAgentState::NotReady && rt.reason == reason {
                    return Err(errors::media_failure(
                        400,
                        "Agent already in requested state",
                        "E_ARM_STAT_ALREADY_IN_REQUESTED_AGENT_STATE",
                        "39",
                        code,
                    ));
                }
                self.update_media(
                    a,
                    mrd,
                    |m| {
                        m.state = MediaAgentState::NotReady;
                        m.reason = reason;
                    },
                    true,
                );
            }
            MediaAgentState::Logout => {
                if !signed_in {
                    return Err(not_logged_in());
                }
                let reason = self.requested_reason(
                    a,
                    ReasonCodeCategory::Logout,
                    req.reason_code_id.as_ref(),
                )?;
                self.media_logout(a, mrd, reason);
            }
            _ => return Err(errors::invalid_input("state", "Invalid State specified for media")),
        }
        Ok(())
    }

    /// Signs agent `a` out of an MRD.
    pub(crate) fn media_logout(&mut self, a: Ax, mrd: &MediaId, reason: Reason) {
        self.update_media(
            a,
            mrd,
            |m| {
                m.state = MediaAgentState::Logout;
                m.reason = reason;
                m.routable = false;
                m.max_dialogs = None;
                m.interrupt = None::<InterruptAction>;
                m.logout_action = None;
            },
            true,
        );
    }

    fn update_media(
        &mut self,
        a: Ax,
        mrd: &MediaId,
        f: impl FnOnce(&mut super::model::MediaRt),
        state_change: bool,
    ) {
        let now = self.now;
        if let Some(m) = self.agents[a].media.get_mut(mrd) {
            f(m);
            if state_change {
                m.changed = Some(now);
            }
            self.dirty.media.insert((a, mrd.clone()));
        }
    }
}
