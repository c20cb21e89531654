//! The deterministic contact-center engine: the Finesse server's view of agents, teams, queues
//! and dialogs, driven by REST requests and by virtual time.
//!
//! Every request is validated first; a rejected request (an `Err(ApiFailure)`, or an
//! asynchronous error notification) changes nothing. An accepted request changes the model and
//! publishes its effects as [`Notification`]s carrying the request's `requestId`, in the order
//! the guide's CTI mapping tables give (a dialog's participant changes phase by phase, then the
//! agents' states). [`Engine::advance`] runs scheduled behaviour (callers arriving, waiting and
//! abandoning, simulated agents, wrap-up timers, external parties answering, queue statistics
//! every 10 s) up to a virtual time.
//!
//! Publication is by difference: after each step the engine renders the wire objects of what
//! changed and publishes those that differ from what was last published on their node, so
//! published state and the state a GET returns are the same after every call (checked by
//! [`Engine::check_invariants`]).

mod actions;
mod assign;
mod calls;
mod config;
mod dialogs;
mod errors;
mod invariants;
mod media;
mod model;
mod publish;
mod render;
mod rng;
mod sim;
mod users;
mod workflows;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use finesse_model::{
    AgentState, ApiErrors, CallType, ClientLog, DeploymentType, Dialog, DialogId, DialogRequest,
    Dialogs, Media, MediaId, MediaList, MediaPropertiesLayout, MediaPropertiesLayouts,
    MediaRequest, ParticipantState, PhoneBooks, Queue, QueueId, Queues, ReasonCode, ReasonCodeId,
    ReasonCodes, SystemInfo, SystemStatus, Team, TeamId, Update, User, UserId, UserRequest, Users,
    Workflows, WrapUpReason, WrapUpReasonId, WrapUpReasons,
};

use crate::scenario::Scenario;

pub use model::Counters;
use model::{AgentRt, Ax, Call, Event, MediaRt, Platform, Reason};
use rng::Rng;

/// Virtual time: milliseconds since the Unix epoch.
pub type Millis = i64;

/// Who is making a request (from [`Engine::authenticate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user id (the administrator's user name for the administrator).
    pub user: UserId,
    /// The administrator (application user).
    pub admin: bool,
    /// A supervisor (supervises at least one team).
    pub supervisor: bool,
}

/// A rejected request: the HTTP status and the `<ApiErrors>` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    /// HTTP status (400, 401, 404, 501, …).
    pub status: u16,
    /// The body.
    pub errors: ApiErrors,
}

/// A notification to publish: a pubsub node and the `<Update>` item.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The node (`/finesse/api/User/1001001`, `/finesse/api/User/1001001/Dialogs`, …).
    pub node: String,
    /// The item.
    pub update: Update,
}

/// What was last published on each node, to publish by difference.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Published {
    /// Full User per agent.
    pub(crate) users: Vec<User>,
    /// Team summary User per agent.
    pub(crate) team: Vec<User>,
    /// Each agent's Dialogs collection.
    pub(crate) dialogs: Vec<BTreeMap<u64, Dialog>>,
    /// Media per (agent, MRD).
    pub(crate) media: BTreeMap<(Ax, MediaId), Media>,
    /// Queue statistics per queue (UCCE).
    pub(crate) queues: Vec<Queue>,
}

/// What changed since the last publication.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Dirty {
    /// Agents whose state may have changed.
    pub(crate) agents: BTreeSet<Ax>,
    /// Calls that may have changed.
    pub(crate) calls: BTreeSet<u64>,
    /// Agents whose User is published even if unchanged (a request's confirmation).
    pub(crate) forced_users: BTreeSet<Ax>,
    /// Calls published even if unchanged.
    pub(crate) forced_calls: BTreeSet<u64>,
    /// Media objects that may have changed.
    pub(crate) media: BTreeSet<(Ax, MediaId)>,
    /// Calls that may have no agent left (forgotten when they have none).
    pub(crate) gc: BTreeSet<u64>,
    /// Last representation of dialogs leaving an agent's collection (DELETE data).
    pub(crate) farewells: BTreeMap<(Ax, u64), Dialog>,
}

/// The contact-center engine. See the module documentation.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) sc: Scenario,
    pub(crate) platform: Platform,
    pub(crate) rng: Rng,
    pub(crate) now: Millis,
    pub(crate) start: Millis,
    pub(crate) agents: Vec<AgentRt>,
    pub(crate) calls: BTreeMap<u64, Call>,
    pub(crate) events: BTreeMap<(Millis, u64), Event>,
    pub(crate) event_seq: u64,
    pub(crate) next_call: u64,
    pub(crate) next_call_key: u64,
    pub(crate) status: SystemStatus,
    pub(crate) status_reason: Option<String>,
    pub(crate) counters: Counters,
    pub(crate) by_id: BTreeMap<UserId, Ax>,
    pub(crate) by_login: BTreeMap<String, Ax>,
    /// DTMF digits sent per dialog.
    pub(crate) dtmf: BTreeMap<u64, String>,
    /// Calls waiting in a queue: (since, call).
    pub(crate) waiting: BTreeSet<(Millis, u64)>,
    /// The agents assigned to each queue, in index order.
    pub(crate) queue_agents: Vec<Vec<Ax>>,
    pub(crate) next_customer: Vec<usize>,
    pub(crate) published: Published,
    pub(crate) dirty: Dirty,
    pub(crate) out: Vec<Notification>,
}

/// The period of queue statistics notifications (guide: "Queue Notifications").
pub(crate) const QUEUE_PERIOD_MS: Millis = 10_000;

impl Engine {
    /// An engine for `scenario` at virtual time `now`, its randomness seeded with `seed`.
    /// Every agent starts signed out; simulated agents sign in on their own.
    ///
    /// The scenario should be valid ([`Scenario::validate`]); references that do not resolve
    /// are ignored rather than trusted.
    pub fn new(scenario: Scenario, seed: u64, now: Millis) -> Self {
        let platform =
            if scenario.deployment == DeploymentType::Uccx { Platform::Ccx } else { Platform::Cce };
        let mut by_id = BTreeMap::new();
        let mut by_login = BTreeMap::new();
        let agents = scenario
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| {
                by_id.entry(a.id.clone()).or_insert(i);
                by_login.entry(a.login_name().to_owned()).or_insert(i);
                AgentRt {
                    signed_in: None,
                    mobile: None,
                    base: AgentState::Logout,
                    reason: Reason::None,
                    shown: AgentState::Logout,
                    state_changed: None,
                    pending: None,
                    silent_pending: None,
                    ccx_pending_used: false,
                    in_call: false,
                    episode_routed: false,
                    wrap: None,
                    wrap_generation: 0,
                    ready_since: now,
                    media: a
                        .mrds
                        .iter()
                        .filter(|m| scenario.mrds.iter().any(|d| &d.id == *m))
                        .map(|m| {
                            (
                                m.clone(),
                                MediaRt {
                                    state: finesse_model::MediaAgentState::Logout,
                                    reason: Reason::None,
                                    changed: None,
                                    routable: false,
                                    max_dialogs: None,
                                    interrupt: None,
                                    logout_action: None,
                                },
                            )
                        })
                        .collect(),
                    sim_generation: 0,
                    auth_failures: 0,
                    locked_until: 0,
                    client_logs: Vec::new(),
                    calls: BTreeSet::new(),
                }
            })
            .collect();
        let queue_agents = scenario
            .queues
            .iter()
            .map(|q| {
                (0..scenario.agents.len())
                    .filter(|&a| scenario.agents[a].queues.contains(&q.id))
                    .collect()
            })
            .collect();
        let mut engine = Self {
            platform,
            rng: Rng::new(seed),
            now,
            start: now,
            agents,
            calls: BTreeMap::new(),
            events: BTreeMap::new(),
            event_seq: 0,
            next_call: 16_804_377,
            next_call_key: 1,
            status: SystemStatus::InService,
            status_reason: None,
            counters: Counters::default(),
            by_id,
            by_login,
            queue_agents,
            waiting: BTreeSet::new(),
            dtmf: BTreeMap::new(),
            next_customer: vec![0; scenario.campaigns.len()],
            published: Published::default(),
            dirty: Dirty::default(),
            out: Vec::new(),
            sc: scenario,
        };
        engine.published = engine.snapshot();
        engine.schedule_initial();
        engine
    }

    /// Runs scheduled behaviour up to `now` (events in time order, each at its own time).
    /// Time never goes backwards: an earlier `now` does nothing.
    pub fn advance(&mut self, now: Millis) {
        while let Some((&(at, seq), _)) = self.events.first_key_value() {
            if at > now {
                break;
            }
            let Some(event) = self.events.remove(&(at, seq)) else { break };
            self.now = self.now.max(at);
            self.handle_event(event);
            self.finish(None);
        }
        self.now = self.now.max(now);
    }

    /// When [`Engine::advance`] next has something to do.
    pub fn next_wakeup(&self) -> Option<Millis> {
        self.events.keys().next().map(|(at, _)| *at)
    }

    /// The notifications published since the last call, in publication order.
    pub fn drain_notifications(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.out)
    }

    /// UCCE or UCCX.
    pub fn deployment(&self) -> DeploymentType {
        self.sc.deployment.clone()
    }

    /// The scenario the engine runs.
    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// The engine's virtual time (the latest `now` it was given).
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Checks HTTP Basic credentials: an agent's id or login name with its password, or the
    /// administrator. `401` when they do not match.
    pub fn authenticate(&self, user: &str, password: &str) -> Result<Principal, ApiFailure> {
        if user == self.sc.admin.user {
            return if password == self.sc.admin.password {
                Ok(Principal { user: UserId::from(user), admin: true, supervisor: false })
            } else {
                Err(errors::unauthenticated(user))
            };
        }
        let a = self
            .by_id
            .get(&UserId::from(user))
            .or_else(|| self.by_login.get(user))
            .copied()
            .ok_or_else(|| errors::unauthenticated(user))?;
        let cfg = &self.sc.agents[a];
        if cfg.password != password {
            return Err(errors::unauthenticated(user));
        }
        Ok(Principal { user: cfg.id.clone(), admin: false, supervisor: !cfg.supervises.is_empty() })
    }

    /// [`Engine::authenticate`] with the guide's lockout: after five consecutive wrong
    /// passwords the account is blocked for five minutes (even for the right password).
    pub fn authenticate_at(
        &mut self,
        user: &str,
        password: &str,
        now: Millis,
    ) -> Result<Principal, ApiFailure> {
        let a = self.by_id.get(&UserId::from(user)).or_else(|| self.by_login.get(user)).copied();
        if let Some(a) = a
            && self.agents[a].locked_until > now
        {
            return Err(errors::failure(
                401,
                "Unauthorized",
                "The user is locked out after five failed sign-ins; try again in 5 minutes",
                Some(user),
            ));
        }
        let result = self.authenticate(user, password);
        if let Some(a) = a {
            let agent = &mut self.agents[a];
            if result.is_ok() {
                agent.auth_failures = 0;
            } else {
                agent.auth_failures += 1;
                if agent.auth_failures >= 5 {
                    agent.auth_failures = 0;
                    agent.locked_until = now + 5 * 60_000;
                }
            }
        }
        result
    }

    // ----- GETs ---------------------------------------------------------------------------

    /// `GET /finesse/api/User/{id}`: agents their own; supervisors their teams' users;
    /// administrators any.
    pub fn get_user(&self, p: &Principal, id: &UserId) -> Result<User, ApiFailure> {
        let a = self.readable_user(p, id, true)?;
        Ok(self.render_user(a))
    }

    /// `GET /finesse/api/Users`: administrators only.
    pub fn get_users(&self, p: &Principal) -> Result<Users, ApiFailure> {
        if !p.admin {
            return Err(errors::failure(
                401,
                "Unauthorized",
                "The user is not authorized to perform this operation",
                None,
            ));
        }
        Ok(Users::from((0..self.agents.len()).map(|a| self.render_user(a)).collect::<Vec<_>>()))
    }

    /// `GET /finesse/api/User/{id}/Dialogs`: the user's voice dialogs (own; administrators any).
    pub fn get_user_dialogs(&self, p: &Principal, id: &UserId) -> Result<Dialogs, ApiFailure> {
        let a = self.readable_user(p, id, false)?;
        Ok(Dialogs::from(self.collection(a).into_values().collect::<Vec<_>>()))
    }

    /// `GET /finesse/api/User/{id}/ReservationDialogs`: progressive and predictive outbound
    /// reservations, which the simulator does not place — always empty (own; administrators
    /// any).
    pub fn get_reservation_dialogs(
        &self,
        p: &Principal,
        id: &UserId,
    ) -> Result<Dialogs, ApiFailure> {
        self.readable_user(p, id, false)?;
        Ok(Dialogs::default())
    }

    /// `GET /finesse/api/User/{id}/Media/{mrdId}/Dialogs` (and the non-voice part of
    /// `…/Dialogs?type=non-voice`): nonvoice tasks are not simulated — always empty (UCCE; own;
    /// the MRD must exist).
    pub fn get_media_dialogs(
        &self,
        p: &Principal,
        id: &UserId,
        mrd: &MediaId,
    ) -> Result<Dialogs, ApiFailure> {
        self.media_user(p, id)?;
        self.mrd_ix(mrd).ok_or_else(|| errors::not_found("Media not found", mrd.as_str()))?;
        Ok(Dialogs::default())
    }

    /// `GET /finesse/api/Dialog/{id}`: a dialog the user is a participant of (administrators
    /// any).
    pub fn get_dialog(&self, p: &Principal, id: &DialogId) -> Result<Dialog, ApiFailure> {
        let call = id
            .as_str()
            .parse::<u64>()
            .ok()
            .and_then(|n| self.calls.get(&n))
            .ok_or_else(errors::dialog_not_found_get)?;
        if !p.admin {
            let a = self.by_id.get(&p.user).copied();
            if a.is_none_or(|a| call.leg_of(a).is_none()) {
                return Err(errors::invalid_authorization(p.user.as_str()));
            }
        }
        Ok(self.render_dialog(call))
    }

    /// `GET /finesse/api/User/{id}/ReasonCodes?category=…`.
    pub fn get_reason_codes(
        &self,
        p: &Principal,
        id: &UserId,
        category: Option<&str>,
    ) -> Result<ReasonCodes, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        self.reason_codes_for(a, category)
    }

    /// `GET /finesse/api/User/{id}/ReasonCode/{reasonCodeId}`.
    pub fn get_reason_code(
        &self,
        p: &Principal,
        id: &UserId,
        rc: &ReasonCodeId,
    ) -> Result<ReasonCode, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        self.reason_code_for(a, rc)
    }

    /// `GET /finesse/api/User/{id}/WrapUpReasons`.
    pub fn get_wrap_up_reasons(
        &self,
        p: &Principal,
        id: &UserId,
    ) -> Result<WrapUpReasons, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        Ok(self.wrap_up_reasons_for(a))
    }

    /// `GET /finesse/api/User/{id}/WrapUpReason/{id}`.
    pub fn get_wrap_up_reason(
        &self,
        p: &Principal,
        id: &UserId,
        w: &WrapUpReasonId,
    ) -> Result<WrapUpReason, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        self.wrap_up_reason_for(a, w)
    }

    /// `GET /finesse/api/User/{id}/MediaPropertiesLayout`: the team's layout, else the default.
    pub fn get_media_properties_layout(
        &self,
        p: &Principal,
        id: &UserId,
    ) -> Result<MediaPropertiesLayout, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        Ok(self.layout_for(a))
    }

    /// `GET /finesse/api/User/{id}/MediaPropertiesLayouts`: the default and the team's layout.
    pub fn get_media_properties_layouts(
        &self,
        p: &Principal,
        id: &UserId,
    ) -> Result<MediaPropertiesLayouts, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        Ok(self.layouts_for(a))
    }

    /// `GET /finesse/api/User/{id}/PhoneBooks`: global phone books, then the team's, with their
    /// contacts (the HTTP layer applies the `Range` header).
    pub fn get_phone_books(&self, p: &Principal, id: &UserId) -> Result<PhoneBooks, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        Ok(self.phone_books_for(a))
    }

    /// `GET /finesse/api/User/{id}/Workflows`: the team's workflows, trigger sets expanded.
    pub fn get_workflows(&self, p: &Principal, id: &UserId) -> Result<Workflows, ApiFailure> {
        let a = self.own_or_admin(p, id)?;
        Ok(self.workflows_for(a))
    }

    /// `GET /finesse/api/User/{id}/Queues` (UCCE only; any user, for any user).
    pub fn get_user_queues(&self, p: &Principal, id: &UserId) -> Result<Queues, ApiFailure> {
        let _ = p;
        self.require_cce("Queue APIs are supported with Unified CCE only")?;
        let a = self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))?;
        Ok(Queues::from(
            self.sc.agents[a]
                .queues
                .iter()
                .filter_map(|q| self.queue_ix(q))
                .map(|q| self.render_queue(q))
                .collect::<Vec<_>>(),
        ))
    }

    /// `GET /finesse/api/Queue/{id}` (UCCE only; any user).
    pub fn get_queue(&self, p: &Principal, id: &QueueId) -> Result<Queue, ApiFailure> {
        let _ = p;
        self.require_cce("Queue APIs are supported with Unified CCE only")?;
        let q =
            self.queue_ix(id).ok_or_else(|| errors::not_found("Queue not found", id.as_str()))?;
        Ok(self.render_queue(q))
    }

    /// `GET /finesse/api/Team/{id}?includeLoggedOutAgents=…`: supervisors of the team and
    /// administrators.
    pub fn get_team(
        &self,
        p: &Principal,
        id: &TeamId,
        include_logged_out: bool,
    ) -> Result<Team, ApiFailure> {
        if !p.admin && !p.supervisor {
            return Err(errors::authorization_failure(p.user.as_str()));
        }
        let t = self
            .sc
            .teams
            .iter()
            .position(|t| &t.id == id)
            .ok_or_else(|| errors::not_found("Team not found", id.as_str()))?;
        if !p.admin {
            let sup = self.by_id.get(&p.user).copied();
            if sup.is_none_or(|s| !self.sc.agents[s].supervises.contains(id)) {
                return Err(errors::authorization_failure(p.user.as_str()));
            }
        }
        Ok(self.render_team(t, include_logged_out))
    }

    /// `GET /finesse/api/SystemInfo` at `now` (no authentication).
    pub fn get_system_info(&self, now: Millis) -> SystemInfo {
        self.render_system_info(now)
    }

    /// `GET /finesse/api/User/{id}/Media` (UCCE only): every nonvoice MRD of the scenario.
    pub fn get_media_list(&self, p: &Principal, id: &UserId) -> Result<MediaList, ApiFailure> {
        let a = self.media_user(p, id)?;
        Ok(MediaList::from(
            (0..self.sc.mrds.len()).map(|m| self.render_media(a, m)).collect::<Vec<_>>(),
        ))
    }

    /// `GET /finesse/api/User/{id}/Media/{mrdId}` (UCCE only).
    pub fn get_media(
        &self,
        p: &Principal,
        id: &UserId,
        mrd: &MediaId,
    ) -> Result<Media, ApiFailure> {
        let a = self.media_user(p, id)?;
        let m =
            self.mrd_ix(mrd).ok_or_else(|| errors::not_found("Media not found", mrd.as_str()))?;
        Ok(self.render_media(a, m))
    }

    // ----- writes -------------------------------------------------------------------------

    /// `PUT /finesse/api/User/{id}`: sign in (also as mobile agent), sign out, change state
    /// (with reason code), supervisor state changes. `Ok` means 202 (200 for a state change);
    /// the effect is published as User notifications.
    pub fn put_user(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &UserRequest,
        request_id: Option<&str>,
        now: Millis,
    ) -> Result<(), ApiFailure> {
        self.advance(now);
        let result = self.user_request(p, id, req, request_id);
        self.finish(request_id);
        result
    }

    /// `POST /finesse/api/User/{id}/Dialogs`: MAKE_CALL, SILENT_MONITOR, BARGE_CALL.
    pub fn post_dialog(
        &mut self,
        p: &Principal,
        id: &UserId,
        req: &DialogRequest,
        request_id: Option<&str>,
        now: Millis,
    ) -> Result<(), ApiFailure> {
        self.advance(now);
        let result = self.dialog_post(p, id, req, request_id);
        self.finish(request_id);
        result
    }

    /// `PUT /finesse/api/Dialog/{id}`: every participant action.
    pub fn put_dialog(
        &mut self,
        p: &Principal,
        id: &DialogId,
        req: &DialogRequest,
        request_id: Option<&str>,
        now: Millis,
    ) -> Result<(), ApiFailure> {
        self.advance(now);
        let result = self.dialog_put(p, id, req, request_id);
        self.finish(request_id);
        result
    }

    /// `PUT /finesse/api/User/{id}/Media/{mrdId}` (UCCE only): sign in, state, routable. Media
    /// notifications carry no requestId ("not part of the resulting event/events").
    pub fn put_media(
        &mut self,
        p: &Principal,
        id: &UserId,
        mrd: &MediaId,
        req: &MediaRequest,
        request_id: Option<&str>,
        now: Millis,
    ) -> Result<(), ApiFailure> {
        self.advance(now);
        let _ = request_id;
        let result = self.media_request(p, id, mrd, req);
        self.finish(None);
        result
    }

    /// `POST /finesse/api/User/{id}/ClientLog`. The result is published on the user's node as
    /// an Update without data whose source is `/finesse/api/User/{id}/ClientLog` and whose
    /// requestId matches (the guide's `CLIENT_LOG_EVENT` "with empty data elements").
    pub fn post_client_log(
        &mut self,
        p: &Principal,
        id: &UserId,
        log: &ClientLog,
        request_id: Option<&str>,
        now: Millis,
    ) -> Result<(), ApiFailure> {
        self.advance(now);
        if p.admin || &p.user != id {
            return Err(errors::invalid_authorization(p.user.as_str()));
        }
        let a = self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))?;
        let data = log.log_data.as_deref().ok_or_else(|| errors::parameter_missing("logData"))?;
        if data.chars().count() > 1_048_576 {
            return Err(errors::invalid_input(
                "logData",
                "The log data exceeds 1,048,576 characters",
            ));
        }
        self.agents[a].client_logs.push(data.to_owned());
        let uri = self.user_uri(a);
        self.push(
            uri.clone(),
            finesse_model::UpdateEvent::Post,
            request_id,
            format!("{uri}/ClientLog"),
            None,
        );
        Ok(())
    }

    // ----- inspection and control ---------------------------------------------------------

    /// Every agent's current state, in scenario order.
    pub fn agent_states(&self) -> Vec<(UserId, AgentState)> {
        (0..self.agents.len()).map(|a| (self.sc.agents[a].id.clone(), self.state_of(a))).collect()
    }

    /// What happened so far (arrivals, answers, abandons, …).
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The DTMF digits sent on a dialog, in order (kept after the call ends).
    pub fn dtmf_digits(&self, id: &DialogId) -> Option<String> {
        let n = id.as_str().parse::<u64>().ok()?;
        self.dtmf.get(&n).cloned()
    }

    /// Whether dialog `id` exists now (ringing, active, held, in wrap-up, …).
    pub fn dialog_exists(&self, id: &DialogId) -> bool {
        id.as_str().parse::<u64>().is_ok_and(|n| self.calls.contains_key(&n))
    }

    /// The dialogs of user `id`'s Dialogs collection, in dialog id order: each with its call
    /// type and the user's participant state (`None` for an unknown user).
    pub fn user_dialog_states(
        &self,
        id: &UserId,
    ) -> Option<Vec<(DialogId, CallType, ParticipantState)>> {
        let a = self.by_id.get(id).copied()?;
        Some(
            self.agents[a]
                .calls
                .iter()
                .filter_map(|n| {
                    let call = self.calls.get(n)?;
                    let leg = call.legs.get(call.leg_of(a)?)?;
                    Some((DialogId::new(n.to_string()), call.call_type.clone(), leg.state.clone()))
                })
                .collect(),
        )
    }

    /// The client logs a user posted.
    pub fn client_logs(&self, id: &UserId) -> Vec<String> {
        self.by_id.get(id).map(|&a| self.agents[a].client_logs.clone()).unwrap_or_default()
    }

    /// Calls waiting in each queue (UCCE and UCCX), by queue id.
    pub fn waiting_calls(&self) -> Vec<(QueueId, usize)> {
        self.sc
            .queues
            .iter()
            .enumerate()
            .map(|(q, cfg)| {
                let n = self
                    .waiting
                    .iter()
                    .filter(|(_, n)| self.calls.get(n).is_some_and(|c| c.queue == Some(q)))
                    .count();
                (cfg.id.clone(), n)
            })
            .collect()
    }

    /// Sets the service status (fault injection): publishes SystemInfo on
    /// `/finesse/api/SystemInfo` when it changes.
    pub fn set_system_status(&mut self, status: SystemStatus, reason: Option<&str>, now: Millis) {
        self.advance(now);
        let reason =
            if status == SystemStatus::InService { None } else { reason.map(str::to_owned) };
        if self.status != status || self.status_reason != reason {
            self.status = status;
            self.status_reason = reason;
            let info = self.render_system_info(self.now);
            let node = "/finesse/api/SystemInfo".to_owned();
            self.push(
                node.clone(),
                finesse_model::UpdateEvent::Put,
                None,
                node,
                Some(finesse_model::UpdateData::SystemInfo(info)),
            );
        }
    }

    /// The forced logout Finesse sends when a desktop's presence stays unavailable (guide
    /// chapter 7, "Desktop Presence and Forced Logout": reason code 255; an agent on a call is
    /// signed out when the call ends). The notification service calls this after its 60 s grace
    /// period. Nothing happens to a user who is not signed in.
    pub fn force_logout(&mut self, id: &UserId, now: Millis) {
        self.advance(now);
        let Some(&a) = self.by_id.get(id) else { return };
        if self.agents[a].signed_in.is_none() {
            return;
        }
        let reason = Reason::System(255);
        if self.has_calls(a) {
            self.agents[a].pending = Some(model::Pending { state: AgentState::Logout, reason });
            self.mark_agent(a);
        } else {
            self.agents[a].wrap = None;
            self.agents[a].state_changed = Some(self.now);
            self.finish_dropped_legs(a);
            let wrap_legs = self.agent_legs(a, |l| l.state == ParticipantState::WrapUp);
            for (n, i) in wrap_legs {
                self.finish_leg(n, i);
            }
            self.sign_out(a, reason);
        }
        self.finish(None);
    }

    /// Puts a caller into a queue now (tests, demos), with the call variables given (else
    /// sampled from the scenario), routed as usual. Returns the dialog id; `None` for an
    /// unknown queue or a variable [`Engine::inject_call_to`] rejects.
    pub fn inject_call(
        &mut self,
        queue: &QueueId,
        variables: &[(String, String)],
        now: Millis,
    ) -> Option<DialogId> {
        self.inject_call_to(queue, None, variables, None, now).ok()
    }

    /// Puts a caller into queue `queue` now (the admin endpoint, tests). With `agent`, the call
    /// is offered to that agent at once instead of the longest-idle one: the agent must serve
    /// the queue and be READY (signed in, on no call, not in wrap-up). Without, it is routed as
    /// usual (or waits in the queue).
    ///
    /// `variables` are set over the values sampled from the scenario: names are
    /// `callVariable1`–`10` (values of at most 40 bytes) or configured ECC variables (values
    /// truncated to their configured length, as the CTI server does), each named once. `from`
    /// replaces the caller's number (ANI): 1–32 characters, no control characters. Returns
    /// the dialog id; an error (a sentence) changes nothing.
    pub fn inject_call_to(
        &mut self,
        queue: &QueueId,
        agent: Option<&UserId>,
        variables: &[(String, String)],
        from: Option<&str>,
        now: Millis,
    ) -> Result<DialogId, String> {
        self.advance(now);
        let q = self.queue_ix(queue).ok_or_else(|| format!("unknown queue {queue}"))?;
        if let Some(from) = from {
            let len = from.chars().count();
            if !(1..=32).contains(&len) || from.chars().any(char::is_control) {
                return Err("from must have 1-32 characters and no control characters".into());
            }
        }
        let mut checked: Vec<(String, String)> = Vec::new();
        for (name, value) in variables {
            if checked.iter().any(|(n, _)| n == name) {
                return Err(format!("call variable {name} is given twice"));
            }
            if !self.sc.is_known_variable(name) {
                return Err(format!(
                    "unknown call variable {name:?}: callVariable1-10 or a configured ECC variable"
                ));
            }
            if crate::scenario::is_call_variable(name) && value.len() > 40 {
                return Err(format!("the value of {name} is longer than 40 bytes"));
            }
            checked.push((name.clone(), self.truncate_ecc(name, value)));
        }
        let target = match agent {
            None => None,
            Some(id) => {
                let a = self.by_id.get(id).copied().ok_or_else(|| format!("unknown agent {id}"))?;
                if !self.queue_agents[q].contains(&a) {
                    return Err(format!("agent {id} does not serve queue {queue}"));
                }
                if !self.available(a, q) {
                    let state = self.state_of(a);
                    return Err(if state == AgentState::Ready {
                        format!("agent {id} is READY but on a call")
                    } else {
                        format!("agent {id} is not READY (state {state})")
                    });
                }
                Some(a)
            }
        };
        let n = self.arrive(q, &checked, from);
        if let Some(a) = target {
            self.deliver(n, a);
        }
        self.finish(None);
        Ok(DialogId::new(n.to_string()))
    }

    /// Makes a campaign reserve its longest-idle Ready agent now (tests, demos). Returns the
    /// reservation's dialog id, or `None` when no agent of the campaign's queue is Ready.
    pub fn inject_reservation(&mut self, campaign: &str, now: Millis) -> Option<DialogId> {
        self.advance(now);
        let c = self.sc.campaigns.iter().position(|c| c.id == campaign)?;
        let n = self.offer_reservation(c);
        self.finish(None);
        n.map(|n| DialogId::new(n.to_string()))
    }

    /// A digest of the whole engine state except the notification outbox: equal digests mean
    /// equal state (used to check that a rejected request changes nothing).
    pub fn state_digest(&self) -> u64 {
        let text = format!(
            "{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.rng,
            self.agents,
            self.now,
            self.calls,
            self.events,
            self.status,
            self.status_reason,
            self.next_call,
            self.next_call_key,
            self.counters,
            (&self.next_customer, &self.waiting, &self.dtmf),
            self.published,
            self.dirty,
            self.event_seq,
        );
        // FNV-1a.
        text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    // ----- helpers ------------------------------------------------------------------------

    /// The agent a principal may read: own; supervisors their teams' users (when allowed);
    /// administrators any.
    fn readable_user(
        &self,
        p: &Principal,
        id: &UserId,
        supervisors: bool,
    ) -> Result<Ax, ApiFailure> {
        if p.admin {
            return self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()));
        }
        if &p.user == id {
            return self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()));
        }
        if supervisors && p.supervisor {
            let a =
                self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))?;
            if self.supervises(&p.user, a) {
                return Ok(a);
            }
        }
        Err(errors::invalid_authorization(p.user.as_str()))
    }

    /// The agent of a user-scoped configuration GET: own or administrator.
    fn own_or_admin(&self, p: &Principal, id: &UserId) -> Result<Ax, ApiFailure> {
        if !p.admin && &p.user != id {
            return Err(errors::invalid_authorization(p.user.as_str()));
        }
        self.by_id.get(id).copied().ok_or_else(|| errors::user_not_found(id.as_str()))
    }

    /// Whether `supervisor` supervises the team of agent `a`.
    pub(crate) fn supervises(&self, supervisor: &UserId, a: Ax) -> bool {
        let Some(&s) = self.by_id.get(supervisor) else { return false };
        self.sc.agents[a].team.as_ref().is_some_and(|t| self.sc.agents[s].supervises.contains(t))
    }

    fn require_cce(&self, what: &str) -> Result<(), ApiFailure> {
        match self.platform {
            Platform::Cce => Ok(()),
            Platform::Ccx => Err(errors::not_implemented(what)),
        }
    }

    pub(crate) fn queue_ix(&self, id: &QueueId) -> Option<usize> {
        self.sc.queues.iter().position(|q| &q.id == id)
    }

    pub(crate) fn mrd_ix(&self, id: &MediaId) -> Option<usize> {
        self.sc.mrds.iter().position(|m| &m.id == id)
    }

    pub(crate) fn user_uri(&self, a: Ax) -> String {
        format!("/finesse/api/User/{}", self.sc.agents[a].id)
    }

    /// Schedules an event.
    pub(crate) fn schedule(&mut self, at: Millis, event: Event) {
        self.event_seq += 1;
        self.events.insert((at.max(self.now), self.event_seq), event);
    }
}
