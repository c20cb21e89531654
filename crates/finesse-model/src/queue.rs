//! Queue and Team (guide chapter 3, "Queue", "Team").

use crate::{QueueId, TeamId, Timestamp, User};

xml_struct! {
    /// A queue (skill group or precision queue) with its statistics (Unified CCE only).
    pub struct Queue as "Queue" | "queue" {
        /// `/finesse/api/Queue/{id}`.
        uri: Option<String>,
        /// Queue id, where given.
        id: Option<QueueId>,
        /// Queue name.
        name: Option<String>,
        /// Live statistics (every value `-1` when no agent is assigned to the queue).
        statistics: Option<QueueStatistics>,
    }
}

impl Queue {
    /// The queue id: `id`, else the last segment of `uri`.
    pub fn queue_id(&self) -> Option<QueueId> {
        self.id
            .clone()
            .or_else(|| self.uri.as_deref().and_then(crate::id_from_uri).map(QueueId::from))
    }
}

xml_struct! {
    /// `<statistics>` of a queue. `-1` (or an empty element) means "not available".
    pub struct QueueStatistics {
        /// Calls waiting.
        calls_in_queue: Option<i64>,
        /// When the longest waiting call entered the queue (`YYYY-MM-DDThh:mm:ssZ`).
        start_time_of_longest_call_in_queue: Option<Timestamp>,
        /// Agents Ready.
        agents_ready: Option<i64>,
        /// Agents Not Ready.
        agents_not_ready: Option<i64>,
        /// Agents talking on inbound calls.
        agents_talking_inbound: Option<i64>,
        /// Agents talking on outbound calls.
        agents_talking_outbound: Option<i64>,
        /// Agents talking on internal calls.
        agents_talking_internal: Option<i64>,
        /// Agents in Work Not Ready.
        agents_wrap_up_not_ready: Option<i64>,
        /// Agents in Work Ready.
        agents_wrap_up_ready: Option<i64>,
    }
}

xml_list! {
    /// A list of queues (`GET /finesse/api/User/{id}/Queues`, User/Queues notifications).
    pub struct Queues as "Queues" | "queues" { "Queue" | "queue" => queues: Queue }
}

xml_struct! {
    /// A team with its users (`GET /finesse/api/Team/{id}`; the Teams configuration list).
    pub struct Team as "Team" | "team" {
        /// `/finesse/api/Team/{id}`.
        uri: Option<String>,
        /// Team id.
        id: Option<TeamId>,
        /// Team name.
        name: Option<String>,
        /// The team's users (summary users).
        users: Option<TeamUsers>,
    }
}

impl Team {
    /// The team id: `id`, else the last segment of `uri`.
    pub fn team_id(&self) -> Option<TeamId> {
        self.id
            .clone()
            .or_else(|| self.uri.as_deref().and_then(crate::id_from_uri).map(TeamId::from))
    }
}

xml_list! {
    /// `<users><User>…` of a team.
    pub struct TeamUsers { "User" | "user" => users: User }
}

xml_list! {
    /// A list of teams (`GET /finesse/api/Teams`).
    pub struct Teams as "Teams" | "teams" { "Team" | "team" => teams: Team }
}
