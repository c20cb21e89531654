//! A supervisor's team roster: the members of one team as `GET /finesse/api/Team/{id}` gives
//! them, kept live by the `<Update>`s of the `/finesse/api/Team/{id}/Users` node, with what the
//! team performance gadget shows (per-state counts, sorting, filtering, time in state on the
//! server's clock) and which supervisor actions the guide's rules allow on each member.
//!
//! ```
//! use finesse_session::roster::{Column, Roster, Sort};
//!
//! let team = finesse_model::decode(
//!     "<Team><id>7</id><name>Sales</name><users><User><loginId>1001</loginId>\
//!      <firstName>Ann</firstName><lastName>Lee</lastName><state>READY</state>\
//!      <extension>1001</extension></User></users></Team>",
//! )?;
//! let mut roster = Roster::default();
//! roster.apply_team(team, true);
//! let update = finesse_model::decode(
//!     "<Update><event>PUT</event><data><user><loginId>1001</loginId>\
//!      <firstName>Ann</firstName><lastName>Lee</lastName><state>TALKING</state>\
//!      <extension>1001</extension></user></data></Update>",
//! )?;
//! assert!(roster.apply_update("/finesse/api/Team/7/Users", &update));
//! let rows = roster.rows(Sort { column: Column::Name, ascending: true }, "");
//! assert_eq!(rows[0].state_label(), "Talking");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;
use std::collections::HashMap;

use finesse_model::transitions::supervisor_state_change;
use finesse_model::{AgentState, MediaState, Team, TeamId, Update, UpdateData, UpdateEvent, User};

use crate::Millis;
use crate::clock::ServerClock;
use crate::view::state_label;

/// One team member as the roster shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The login id.
    pub id: String,
    /// "First Last" (the login id when the names are empty).
    pub name: String,
    /// The extension the agent signed in with.
    pub extension: Option<String>,
    /// The agent state.
    pub state: Option<AgentState>,
    /// The reason code's label (Not Ready, Sign Out).
    pub reason: Option<String>,
    /// The pending state.
    pub pending: Option<AgentState>,
    /// When the state changed, on the server's clock (ms since the epoch).
    pub since: Option<Millis>,
    /// The media state (Unified CCX only).
    pub media_state: Option<MediaState>,
    /// The name in lower case, for filtering and sorting without allocating.
    key: String,
}

impl Member {
    /// Reads a (summary) User; `None` without a login id.
    pub fn from_user(user: &User) -> Option<Self> {
        let id = user
            .login_id
            .as_ref()
            .map(|id| id.as_str().to_owned())
            .filter(|id| !id.trim().is_empty())?;
        let first = user.first_name.as_deref().unwrap_or("").trim();
        let last = user.last_name.as_deref().unwrap_or("").trim();
        let name = match (first.is_empty(), last.is_empty()) {
            (true, true) => id.clone(),
            (false, true) => first.to_owned(),
            (true, false) => last.to_owned(),
            (false, false) => format!("{first} {last}"),
        };
        let key = name.to_lowercase();
        Some(Self {
            id,
            name,
            extension: user.extension.as_ref().map(|e| e.as_str().to_owned()),
            state: user.state.clone(),
            reason: user.reason_code.as_ref().and_then(|r| r.label.clone()),
            pending: user.pending_state.clone(),
            since: user.state_change_time.as_ref().and_then(|t| t.epoch_millis()),
            media_state: user.media_state.clone(),
            key,
        })
    }

    /// The state in words ("Not Ready", "Talking", …; "Unknown" when absent).
    pub fn state_label(&self) -> &'static str {
        self.state.as_ref().map_or("Unknown", state_label)
    }

    /// The pending state in words, if any.
    pub fn pending_label(&self) -> Option<&'static str> {
        self.pending.as_ref().map(state_label)
    }

    /// Time in the current state at local time `now`, on the server's clock.
    pub fn time_in_state(&self, clock: &ServerClock, now: Millis) -> Option<Millis> {
        self.since.map(|at| clock.server_now(now).saturating_sub(at).max(0))
    }

    /// Whether the agent has a call on the phone, as far as the state tells.
    fn on_calls(&self) -> bool {
        matches!(
            self.state,
            Some(
                AgentState::Talking
                    | AgentState::Hold
                    | AgentState::Reserved
                    | AgentState::ReservedOutbound
                    | AgentState::ReservedOutboundPreview
            )
        )
    }
}

/// What the supervisor may do on a member now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberActions {
    /// Make Ready.
    pub ready: bool,
    /// Force Not Ready.
    pub not_ready: bool,
    /// Sign Out.
    pub sign_out: bool,
    /// Start silent monitoring.
    pub monitor: bool,
}

/// The supervisor's own situation, which silent monitoring depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SupervisorContext<'a> {
    /// The supervisor's login id.
    pub id: &'a str,
    /// The supervisor's state.
    pub state: Option<&'a AgentState>,
    /// The supervisor has a call (a monitor call included).
    pub on_a_call: bool,
}

/// The guide's rules for a supervisor's actions on `member`: state changes as
/// [`supervisor_state_change`] allows them (READY from NOT_READY, WORK, WORK_READY with no
/// call; NOT_READY from READY, WORK, WORK_READY; LOGOUT from any signed-in state), silent
/// monitoring of a member who is talking, by a supervisor who is Not Ready and on no call.
pub fn member_actions(member: &Member, supervisor: SupervisorContext<'_>) -> MemberActions {
    let Some(from) = &member.state else { return MemberActions::default() };
    let allowed =
        |to: AgentState| supervisor_state_change(from, &to, member.on_calls()).is_allowed();
    MemberActions {
        ready: allowed(AgentState::Ready),
        not_ready: allowed(AgentState::NotReady),
        sign_out: allowed(AgentState::Logout),
        monitor: *from == AgentState::Talking
            && member.extension.is_some()
            && member.id != supervisor.id
            && supervisor.state == Some(&AgentState::NotReady)
            && !supervisor.on_a_call,
    }
}

/// A column of the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Agent name.
    Name,
    /// State (with reason and pending state).
    State,
    /// Time in state.
    TimeInState,
    /// Extension.
    Extension,
    /// Media state.
    MediaState,
}

/// A sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column.
    pub column: Column,
    /// Ascending (else descending).
    pub ascending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self { column: Column::Name, ascending: true }
    }
}

/// The order of the per-state counts, as the Finesse desktop lists states (WORK_READY is
/// counted with WORK: both read "Wrap-Up").
pub const COUNTED_STATES: [AgentState; 7] = [
    AgentState::Ready,
    AgentState::NotReady,
    AgentState::Reserved,
    AgentState::Talking,
    AgentState::Hold,
    AgentState::Work,
    AgentState::Logout,
];

/// One team's members, live.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    team: Option<TeamId>,
    name: Option<String>,
    include_logged_out: bool,
    members: Vec<Member>,
    index: HashMap<String, usize>,
    version: u64,
}

impl Roster {
    /// The team shown (after [`Self::apply_team`]).
    pub fn team(&self) -> Option<&TeamId> {
        self.team.as_ref()
    }

    /// The team's name.
    pub fn team_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The notification node of the team: `/finesse/api/Team/{id}/Users`.
    pub fn node(team: &TeamId) -> String {
        format!("/finesse/api/Team/{team}/Users")
    }

    /// Goes up by one with every change (a cheap "did anything change" for the UI).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The members, in no particular order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// A member by login id.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.index.get(id).map(|&i| &self.members[i])
    }

    /// Forgets the team (another one is being loaded).
    pub fn clear(&mut self) {
        *self = Self { version: self.version + 1, ..Self::default() };
    }

    /// Replaces the roster with a `GET Team` answer; `include_logged_out` is what was asked
    /// (`includeLoggedOutAgents`), and decides whether members who sign out stay listed.
    pub fn apply_team(&mut self, team: Team, include_logged_out: bool) {
        self.team = team.team_id();
        self.name = team.name;
        self.include_logged_out = include_logged_out;
        self.members.clear();
        self.index.clear();
        for user in team.users.map(|u| u.users).unwrap_or_default() {
            if let Some(member) = Member::from_user(&user) {
                self.upsert(member);
            }
        }
        self.version += 1;
    }

    /// Applies a notification of the team's Users node; `false` when it is not for this team
    /// or carries no team member (nothing changed).
    pub fn apply_update(&mut self, node: &str, update: &Update) -> bool {
        let Some(team) = &self.team else { return false };
        let ours = node
            .strip_prefix("/finesse/api/Team/")
            .and_then(|rest| rest.strip_suffix("/Users"))
            .is_some_and(|id| id == team.as_str());
        if !ours {
            return false;
        }
        let users: Vec<&User> = match &update.data {
            Some(UpdateData::User(user)) => vec![user],
            Some(UpdateData::Users(users)) => users.users.iter().collect(),
            _ => return false,
        };
        let mut changed = false;
        for user in users {
            let Some(member) = Member::from_user(user) else { continue };
            let gone = update.event == Some(UpdateEvent::Delete)
                || (!self.include_logged_out && member.state == Some(AgentState::Logout));
            changed |= if gone { self.remove(&member.id) } else { self.upsert(member) };
        }
        if changed {
            self.version += 1;
        }
        changed
    }

    fn upsert(&mut self, member: Member) -> bool {
        match self.index.get(&member.id) {
            Some(&i) if self.members[i] == member => false,
            // An update older than what is shown (it was on its way while the team was read).
            Some(&i)
                if member.since.zip(self.members[i].since).is_some_and(|(new, old)| new < old) =>
            {
                false
            }
            Some(&i) => {
                self.members[i] = member;
                true
            }
            None => {
                self.index.insert(member.id.clone(), self.members.len());
                self.members.push(member);
                true
            }
        }
    }

    fn remove(&mut self, id: &str) -> bool {
        let Some(i) = self.index.remove(id) else { return false };
        self.members.swap_remove(i);
        if let Some(moved) = self.members.get(i) {
            self.index.insert(moved.id.clone(), i);
        }
        true
    }

    /// How many members are in each of [`COUNTED_STATES`] (same order), and how many in any
    /// other state.
    pub fn counts(&self) -> ([usize; COUNTED_STATES.len()], usize) {
        let mut counts = [0; COUNTED_STATES.len()];
        let mut other = 0;
        for m in &self.members {
            let state = match &m.state {
                Some(AgentState::WorkReady) => Some(&AgentState::Work),
                other => other.as_ref(),
            };
            match state.and_then(|s| COUNTED_STATES.iter().position(|c| c == s)) {
                Some(i) => counts[i] += 1,
                None => other += 1,
            }
        }
        (counts, other)
    }

    /// The members whose name, extension or state (or reason) contains `filter` (any case),
    /// sorted by `sort` (ties by name, then login id, so the order is stable). Time in state
    /// ascending is the shortest first.
    pub fn rows(&self, sort: Sort, filter: &str) -> Vec<&Member> {
        self.row_indices(sort, filter).into_iter().map(|i| &self.members[i]).collect()
    }

    /// [`Self::rows`] as indices into [`Self::members`] (valid until the roster changes): what
    /// a virtualised table keeps, so only the rows in view are ever read.
    pub fn row_indices(&self, sort: Sort, filter: &str) -> Vec<usize> {
        let filter = filter.trim().to_lowercase();
        let members = &self.members;
        let mut rows: Vec<usize> = (0..members.len())
            .filter(|&i| filter.is_empty() || matches(&members[i], &filter))
            .collect();
        rows.sort_unstable_by(|&a, &b| {
            let (a, b) = (&members[a], &members[b]);
            let primary = match sort.column {
                Column::Name => Ordering::Equal,
                Column::State => a.state_label().cmp(b.state_label()),
                // An earlier change is a longer time in state.
                Column::TimeInState => b.since.cmp(&a.since),
                Column::Extension => a.extension.cmp(&b.extension),
                Column::MediaState => a
                    .media_state
                    .as_ref()
                    .map(MediaState::as_str)
                    .cmp(&b.media_state.as_ref().map(MediaState::as_str)),
            };
            // Login ids are unique: the order is total, so an unstable sort is deterministic.
            let order = primary.then_with(|| a.key.cmp(&b.key)).then_with(|| a.id.cmp(&b.id));
            if sort.ascending { order } else { order.reverse() }
        });
        rows
    }
}

fn matches(m: &Member, filter: &str) -> bool {
    m.key.contains(filter)
        || m.id.contains(filter)
        || m.extension.as_deref().is_some_and(|e| e.contains(filter))
        || m.state_label().to_lowercase().contains(filter)
        || m.reason.as_deref().is_some_and(|r| r.to_lowercase().contains(filter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use finesse_model::decode;

    fn team(users: &str) -> Team {
        decode(&format!("<Team><id>7</id><name>Sales</name><users>{users}</users></Team>"))
            .expect("a team")
    }

    fn user(id: &str, first: &str, state: &str, ext: &str, since: &str) -> String {
        format!(
            "<User><loginId>{id}</loginId><firstName>{first}</firstName><lastName>X</lastName>\
             <state>{state}</state><extension>{ext}</extension>\
             <stateChangeTime>{since}</stateChangeTime></User>"
        )
    }

    fn put(user: &str) -> Update {
        decode(&format!(
            "<Update><event>PUT</event><data>{}</data></Update>",
            user.replace("User>", "user>")
        ))
        .expect("an update")
    }

    fn sample() -> Roster {
        let mut r = Roster::default();
        r.apply_team(
            team(
                &[
                    user("1", "Cy", "READY", "1001", "2024-01-01T10:00:00.000Z"),
                    user("2", "Al", "TALKING", "1002", "2024-01-01T09:00:00.000Z"),
                    user("3", "Bo", "NOT_READY", "1003", "2024-01-01T09:30:00.000Z"),
                ]
                .concat(),
            ),
            false,
        );
        r
    }

    fn ids(rows: &[&Member]) -> Vec<String> {
        rows.iter().map(|m| m.id.clone()).collect()
    }

    #[test]
    fn team_get_then_updates_keep_the_roster_exact() {
        let mut r = sample();
        assert_eq!(r.team().map(TeamId::as_str), Some("7"));
        assert_eq!(r.team_name(), Some("Sales"));
        let v = r.version();
        // Another team's node, or a repeated identical update, changes nothing.
        let upd = put(&user("1", "Cy", "NOT_READY", "1001", "2024-01-01T10:05:00.000Z"));
        assert!(!r.apply_update("/finesse/api/Team/8/Users", &upd));
        assert!(r.apply_update("/finesse/api/Team/7/Users", &upd));
        assert!(!r.apply_update("/finesse/api/Team/7/Users", &upd));
        assert_eq!(r.version(), v + 1);
        assert_eq!(r.member("1").unwrap().state, Some(AgentState::NotReady));
        // An update older than the state shown is stale: ignored.
        let stale = put(&user("1", "Cy", "READY", "1001", "2024-01-01T10:04:59.000Z"));
        assert!(!r.apply_update("/finesse/api/Team/7/Users", &stale));
        assert_eq!(r.member("1").unwrap().state, Some(AgentState::NotReady));
        // A new member appears; signing out removes it when logged-out agents are not shown.
        assert!(r.apply_update(
            "/finesse/api/Team/7/Users",
            &put(&user("4", "Di", "READY", "1004", ""))
        ));
        assert_eq!(r.members().len(), 4);
        assert!(
            r.apply_update("/finesse/api/Team/7/Users", &put(&user("2", "Al", "LOGOUT", "", "")))
        );
        assert!(r.member("2").is_none());
        assert_eq!(r.member("4").unwrap().name, "Di X");
        // With logged-out agents shown, the member stays as Signed Out.
        let mut all = sample();
        all.include_logged_out = true;
        assert!(
            all.apply_update("/finesse/api/Team/7/Users", &put(&user("2", "Al", "LOGOUT", "", "")))
        );
        assert_eq!(all.member("2").unwrap().state_label(), "Signed Out");
        // DELETE removes.
        let del: Update = decode(&format!(
            "<Update><event>DELETE</event><data>{}</data></Update>",
            user("3", "Bo", "NOT_READY", "1003", "").replace("User>", "user>")
        ))
        .unwrap();
        assert!(all.apply_update("/finesse/api/Team/7/Users", &del));
        assert!(all.member("3").is_none());
        assert_eq!(all.member("1").unwrap().id, "1", "the index follows the swap");
    }

    #[test]
    fn counts_sort_and_filter() {
        let r = sample();
        let (counts, other) = r.counts();
        assert_eq!((counts[0], counts[1], counts[3], other), (1, 1, 1, 0));
        let by = |column, ascending| ids(&r.rows(Sort { column, ascending }, ""));
        assert_eq!(by(Column::Name, true), ["2", "3", "1"]);
        assert_eq!(by(Column::Name, false), ["1", "3", "2"]);
        assert_eq!(by(Column::State, true), ["3", "1", "2"]);
        assert_eq!(by(Column::TimeInState, true), ["1", "3", "2"], "shortest first");
        assert_eq!(by(Column::TimeInState, false), ["2", "3", "1"], "longest first");
        assert_eq!(by(Column::Extension, false), ["3", "2", "1"]);
        let f = |text| ids(&r.rows(Sort::default(), text));
        assert_eq!(f("al"), ["2"]);
        assert_eq!(f("1003"), ["3"]);
        assert_eq!(f("TALK"), ["2"]);
        assert_eq!(f("not ready"), ["3"]);
        assert!(f("zzz").is_empty());
    }

    #[test]
    fn wrap_up_counts_once_and_media_state_sorts() {
        let mut r = Roster::default();
        let with_media = |id: &str, state: &str, media: &str| {
            format!(
                "<User><loginId>{id}</loginId><firstName>{id}</firstName><state>{state}</state>\
                 <mediaState>{media}</mediaState></User>"
            )
        };
        r.apply_team(
            team(
                &[
                    with_media("a", "WORK", "BUSY"),
                    with_media("b", "WORK_READY", "IDLE"),
                    with_media("c", "SOMETHING_NEW", "IDLE"),
                ]
                .concat(),
            ),
            true,
        );
        let (counts, other) = r.counts();
        let work = COUNTED_STATES.iter().position(|s| *s == AgentState::Work).unwrap();
        assert_eq!((counts[work], other), (2, 1), "WORK and WORK_READY are one count");
        let media = ids(&r.rows(Sort { column: Column::MediaState, ascending: true }, ""));
        assert_eq!(media, ["a", "b", "c"], "BUSY before IDLE, then by name");
        assert_eq!(r.row_indices(Sort::default(), "").len(), 3);
    }

    #[test]
    fn time_in_state_is_on_the_server_clock() {
        let r = sample();
        let m = r.member("1").unwrap();
        let at = m.since.unwrap();
        let mut clock = ServerClock::default();
        // The local clock is 5 s behind the server.
        clock.measure(at + 65_000, at + 60_000);
        assert_eq!(m.time_in_state(&clock, at + 60_000), Some(65_000));
        assert_eq!(m.time_in_state(&clock, at - 10_000), Some(0), "never negative");
    }

    #[test]
    fn supervisor_actions_follow_the_guide() {
        let r = sample();
        let sup =
            SupervisorContext { id: "9", state: Some(&AgentState::NotReady), on_a_call: false };
        let a = |id| member_actions(r.member(id).unwrap(), sup);
        assert_eq!(
            a("1"),
            MemberActions { ready: false, not_ready: true, sign_out: true, monitor: false }
        );
        assert_eq!(
            a("3"),
            MemberActions { ready: true, not_ready: false, sign_out: true, monitor: false }
        );
        assert_eq!(
            a("2"),
            MemberActions { ready: false, not_ready: false, sign_out: true, monitor: true }
        );
        let ready_sup = SupervisorContext { state: Some(&AgentState::Ready), ..sup };
        assert!(
            !member_actions(r.member("2").unwrap(), ready_sup).monitor,
            "the supervisor must be Not Ready"
        );
        let busy = SupervisorContext { on_a_call: true, ..sup };
        assert!(!member_actions(r.member("2").unwrap(), busy).monitor, "already on a call");
        let itself = SupervisorContext { id: "2", ..sup };
        assert!(!member_actions(r.member("2").unwrap(), itself).monitor);
        let mut out = r.member("1").unwrap().clone();
        out.state = Some(AgentState::Logout);
        assert_eq!(member_actions(&out, sup), MemberActions::default());
    }
}
