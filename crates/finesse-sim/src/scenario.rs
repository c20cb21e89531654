//! Scenario files: the contact center a simulator runs (deployment type, agents, teams,
//! supervisors, queues, reason codes, wrap-up reasons, layouts, phone books, workflows, nonvoice
//! Media Routing Domains, outbound campaigns, and how simulated agents and callers behave).
//!
//! The format is TOML, documented with an example of every section in `SCENARIOS.md`; the demo
//! scenario ships in `scenarios/demo.toml` ([`Scenario::demo`]). [`Scenario::from_toml`] parses
//! and validates: every reference (team, queue, reason code, layout, workflow, phone book, MRD)
//! must exist, ids must be unique, and values must be in the ranges the developer guide gives
//! (reason code `code` 1–65535 on UCCE and 1–999 on UCCX, labels of at most 40 characters,
//! wrap-up reason labels of at most 39 bytes, layouts of at most two columns of ten entries).
//!
//! The configuration objects are kept as the file states them; the engine renders the wire
//! objects (`finesse_model`) from them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use finesse_model::{
    ApplyMethod, Comparator, ContactId, DeploymentType, Extension, HandledBy, LayoutId, License,
    MediaId, PhoneBookId, PhoneBookType, QueueId, ReasonCodeCategory, ReasonCodeId, TeamId,
    TriggerSetName, UserId, WorkflowActionId, WorkflowActionType, WorkflowId, WrapUpMode,
    WrapUpReasonId,
};
use serde::{Deserialize, Serialize};

/// The embedded demo scenario (`scenarios/demo.toml`).
const DEMO: &str = include_str!("../scenarios/demo.toml");

/// A validated contact center. Fields are public so tests and tools can adjust a parsed
/// scenario; [`Scenario::validate`] checks such an edit again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// `UCCE` or `UCCX`: selects the guide's platform differences.
    pub deployment: DeploymentType,
    /// The XMPP domain (SystemInfo `xmppDomain`; pubsub is `pubsub.<domain>`).
    #[serde(default = "default_domain")]
    pub xmpp_domain: String,
    /// SystemInfo details.
    #[serde(default)]
    pub system: SystemSettings,
    /// The administrator (application user) credentials.
    pub admin: AdminConfig,
    /// How simulated agents and callers behave.
    #[serde(default)]
    pub simulation: Simulation,
    /// What dialed numbers reach.
    #[serde(default)]
    pub dialing: Dialing,
    /// Teams.
    #[serde(default, rename = "team")]
    pub teams: Vec<TeamConfig>,
    /// Queues (skill groups).
    #[serde(default, rename = "queue")]
    pub queues: Vec<QueueConfig>,
    /// Agents and supervisors.
    #[serde(default, rename = "agent")]
    pub agents: Vec<AgentConfig>,
    /// Not Ready and Sign Out reason codes.
    #[serde(default, rename = "reason_code")]
    pub reason_codes: Vec<ReasonCodeConfig>,
    /// Wrap-up reasons.
    #[serde(default, rename = "wrap_up_reason")]
    pub wrap_up_reasons: Vec<WrapUpReasonConfig>,
    /// Media properties layouts (one is the default).
    #[serde(default, rename = "layout")]
    pub layouts: Vec<LayoutConfig>,
    /// Expanded call context (ECC) variables that dialogs carry.
    #[serde(default, rename = "ecc_variable")]
    pub ecc_variables: Vec<EccVariable>,
    /// Phone books.
    #[serde(default, rename = "phone_book")]
    pub phone_books: Vec<PhoneBookConfig>,
    /// Workflows (assigned to teams in `[[team]] workflows`).
    #[serde(default, rename = "workflow")]
    pub workflows: Vec<WorkflowConfig>,
    /// Nonvoice Media Routing Domains (UCCE only).
    #[serde(default, rename = "mrd")]
    pub mrds: Vec<MrdConfig>,
    /// Outbound Option campaigns (preview and direct preview).
    #[serde(default, rename = "campaign")]
    pub campaigns: Vec<CampaignConfig>,
}

fn default_domain() -> String {
    "finesse.sim".to_owned()
}

/// SystemInfo details (guide chapter 5, "SystemInfo").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SystemSettings {
    /// Peripheral id (UCCE).
    pub peripheral_id: String,
    /// License (UCCX).
    pub license: License,
    /// Time zone offset in minutes.
    pub timezone_offset: i64,
    /// The primary node's host.
    pub primary_host: String,
    /// The secondary node's host, if the simulated cluster has one.
    pub secondary_host: Option<String>,
    /// Whether a MediaSense server is configured (UCCX `START_RECORDING`).
    pub mediasense: bool,
}

impl Default for SystemSettings {
    fn default() -> Self {
        Self {
            peripheral_id: "5000".to_owned(),
            license: License::Premium,
            timezone_offset: 0,
            primary_host: "finesse-a.sim".to_owned(),
            secondary_host: None,
            mediasense: false,
        }
    }
}

/// The administrator: may GET any user, list users and end any silent monitor call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    /// User name (not an agent id).
    pub user: String,
    /// Password.
    pub password: String,
}

/// Behaviour of simulated agents and callers. Every range is `[min, max]` in milliseconds,
/// sampled uniformly with the engine's seeded generator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    /// When simulated agents sign in after the engine starts.
    pub sign_in_delay_ms: [i64; 2],
    /// How long a simulated agent stays Not Ready after signing in.
    pub ready_delay_ms: [i64; 2],
    /// How long a simulated agent lets a call ring before answering.
    pub answer_delay_ms: [i64; 2],
    /// How long a call of a simulated agent lasts once answered.
    pub talk_time_ms: [i64; 2],
    /// Share of those calls the caller ends (the agent ends the rest).
    pub caller_hangup_share: f64,
    /// How long a simulated agent stays in wrap-up.
    pub wrap_up_time_ms: [i64; 2],
    /// How long a simulated agent stays Ready before taking a Not Ready break.
    pub break_interval_ms: [i64; 2],
    /// How long a Not Ready break lasts.
    pub break_duration_ms: [i64; 2],
    /// How long a caller waits (in queue or ringing) before abandoning.
    pub patience_ms: [i64; 2],
    /// Share of preview reservations a simulated agent accepts (the rest are rejected).
    pub preview_accept_share: f64,
    /// How long a simulated agent looks at a preview reservation.
    pub preview_delay_ms: [i64; 2],
    /// Callers' numbers are this prefix followed by four digits.
    pub ani_prefix: String,
}

impl Default for Simulation {
    fn default() -> Self {
        Self {
            sign_in_delay_ms: [0, 20_000],
            ready_delay_ms: [1_000, 5_000],
            answer_delay_ms: [1_500, 6_000],
            talk_time_ms: [20_000, 150_000],
            caller_hangup_share: 0.5,
            wrap_up_time_ms: [3_000, 15_000],
            break_interval_ms: [180_000, 600_000],
            break_duration_ms: [20_000, 90_000],
            patience_ms: [15_000, 90_000],
            preview_accept_share: 0.8,
            preview_delay_ms: [2_000, 8_000],
            ani_prefix: "408555".to_owned(),
        }
    }
}

/// What dialed numbers reach (guide: "Dialog—Create a New Dialog", CTI mapping Table 2).
///
/// A destination is, in this order: a signed-in agent's extension; a queue's route point
/// (`dnis`); a number in `busy_numbers` (CALL_FAILED with BUSY); a number in
/// `unreachable_numbers` or one with characters other than digits, `+`, `*` and `#`
/// (CALL_FAILED with BAD_DESTINATION); the extension of an agent who is not signed in or is on
/// another call (BUSY); otherwise an external party that answers after `external_answer_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dialing {
    /// Numbers that are busy.
    pub busy_numbers: Vec<String>,
    /// Numbers that do not exist.
    pub unreachable_numbers: Vec<String>,
    /// How long an external party lets the call ring.
    pub external_answer_ms: [i64; 2],
    /// Most parties in a conference (the Unified CM conference bridge limit).
    pub max_conference_parties: usize,
    /// Extra devices agents may sign in with (besides the agents' own extensions).
    pub devices: Vec<Extension>,
}

impl Default for Dialing {
    fn default() -> Self {
        Self {
            busy_numbers: Vec::new(),
            unreachable_numbers: Vec::new(),
            external_answer_ms: [2_000, 6_000],
            max_conference_parties: 4,
            devices: Vec::new(),
        }
    }
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    /// Team id.
    pub id: TeamId,
    /// Team name.
    pub name: String,
    /// The team's media properties layout (else the default layout).
    #[serde(default)]
    pub layout: Option<LayoutId>,
    /// The team's workflows, in order.
    #[serde(default)]
    pub workflows: Vec<WorkflowId>,
}

/// A queue (skill group) and its inbound traffic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueConfig {
    /// Queue id (the skill group's peripheral number).
    pub id: QueueId,
    /// Queue name.
    pub name: String,
    /// The route point callers dial (dialog `DNIS`/`dialedNumber`); agents may dial it too.
    #[serde(default)]
    pub dnis: Option<String>,
    /// Mean arrival rate of inbound calls (Poisson), per minute; 0 for none.
    #[serde(default)]
    pub calls_per_minute: f64,
    /// Call data of inbound calls: variable name (`callVariable1`…`callVariable10` or a
    /// configured ECC name) → candidate values, one picked per call.
    #[serde(default)]
    pub variables: BTreeMap<String, Vec<String>>,
}

/// An agent or supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// User id (`loginId`).
    pub id: UserId,
    /// Login name (also accepted for authentication); defaults to the id.
    #[serde(default)]
    pub login_name: Option<String>,
    /// Password.
    pub password: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The agent's phone extension.
    pub extension: Extension,
    /// The agent's team.
    #[serde(default)]
    pub team: Option<TeamId>,
    /// Teams this user supervises (makes the user a Supervisor).
    #[serde(default)]
    pub supervises: Vec<TeamId>,
    /// Queues (skill groups) the agent is assigned to.
    #[serde(default)]
    pub queues: Vec<QueueId>,
    /// Whether the engine drives this agent (else only the API does).
    #[serde(default)]
    pub simulated: bool,
    /// `settings/wrapUpOnIncoming`.
    #[serde(default = "default_wrap_up")]
    pub wrap_up_on_incoming: WrapUpMode,
    /// `settings/wrapUpOnOutgoing` (printed in the guide's sign-in sample).
    #[serde(default)]
    pub wrap_up_on_outgoing: Option<WrapUpMode>,
    /// The wrap-up timer, in seconds.
    #[serde(default = "default_wrap_up_timer")]
    pub wrap_up_timer_s: i64,
    /// Whether the agent may sign in as a mobile agent (UCCE).
    #[serde(default)]
    pub mobile_agent: bool,
    /// Nonvoice MRDs the agent belongs to (UCCE).
    #[serde(default)]
    pub mrds: Vec<MediaId>,
}

fn default_wrap_up() -> WrapUpMode {
    WrapUpMode::Optional
}

fn default_wrap_up_timer() -> i64 {
    60
}

impl AgentConfig {
    /// The login name (the id when none is configured).
    pub fn login_name(&self) -> &str {
        self.login_name.as_deref().unwrap_or(self.id.as_str())
    }
}

/// A Not Ready or Sign Out reason code (guide chapter 4, "ReasonCode").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonCodeConfig {
    /// Database id.
    pub id: ReasonCodeId,
    /// NOT_READY or LOGOUT.
    pub category: ReasonCodeCategory,
    /// The CTI code (UCCE 1–65535, UCCX 1–999).
    pub code: i64,
    /// Label (at most 40 characters).
    pub label: String,
    /// Global (else only for `teams`).
    #[serde(default = "yes")]
    pub for_all: bool,
    /// Teams a non-global code is assigned to.
    #[serde(default)]
    pub teams: Vec<TeamId>,
    /// A reserved system code (11.6).
    #[serde(default)]
    pub system_code: bool,
}

fn yes() -> bool {
    true
}

/// A wrap-up reason (guide chapter 4, "WrapUpReason").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrapUpReasonConfig {
    /// Database id.
    pub id: WrapUpReasonId,
    /// Label (at most 39 bytes).
    pub label: String,
    /// Global (else only for `teams`).
    #[serde(default = "yes")]
    pub for_all: bool,
    /// Teams a non-global reason is assigned to.
    #[serde(default)]
    pub teams: Vec<TeamId>,
}

/// A media properties layout (guide chapter 4, "MediaPropertiesLayout").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    /// Id.
    pub id: LayoutId,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The default layout (exactly one when any layout is configured).
    #[serde(default)]
    pub default: bool,
    /// The entry shown in the call header.
    #[serde(default)]
    pub header: Option<LayoutEntryConfig>,
    /// Up to two columns of up to ten entries.
    #[serde(default)]
    pub columns: Vec<Vec<LayoutEntryConfig>>,
}

/// One entry of a layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutEntryConfig {
    /// Label.
    pub display_name: String,
    /// The variable shown (`callVariable1`, `user.x`, `BACampaign`, …).
    pub media_property: String,
}

/// An ECC variable (`user.<name>`), scalar or array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EccVariable {
    /// The name, starting with `user.`.
    pub name: String,
    /// The maximum value length in bytes.
    #[serde(default = "default_ecc_length")]
    pub max_length: usize,
    /// 0 for a scalar, else the number of array elements (`user.x[0]`…).
    #[serde(default)]
    pub array_size: usize,
}

fn default_ecc_length() -> usize {
    40
}

/// A phone book with its contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhoneBookConfig {
    /// Id.
    pub id: PhoneBookId,
    /// Name.
    pub name: String,
    /// GLOBAL or TEAM.
    #[serde(rename = "type")]
    pub kind: PhoneBookType,
    /// Teams of a TEAM phone book.
    #[serde(default)]
    pub teams: Vec<TeamId>,
    /// Contacts.
    #[serde(default)]
    pub contacts: Vec<ContactConfig>,
}

/// A phone book contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactConfig {
    /// Id (defaults to the position, from 1).
    #[serde(default)]
    pub id: Option<ContactId>,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Phone number (at most 32 characters).
    pub phone_number: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}

/// A workflow (guide chapter 4, "Workflow"): a SYSTEM trigger set (expanded by the engine as
/// the guide prints it), conditions and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowConfig {
    /// Id.
    pub id: WorkflowId,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// The SYSTEM trigger set.
    pub trigger: TriggerSetName,
    /// How conditions combine.
    #[serde(default = "default_apply")]
    pub apply_method: ApplyMethod,
    /// Conditions (at most five).
    #[serde(default)]
    pub conditions: Vec<ConditionConfig>,
    /// Actions (at most five), in execution order.
    #[serde(default)]
    pub actions: Vec<WorkflowActionConfig>,
}

fn default_apply() -> ApplyMethod {
    ApplyMethod::All
}

/// A workflow condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionConfig {
    /// The variable (`callVariable1`, `user.x`, `DNIS`, …).
    pub variable: String,
    /// The comparator.
    pub comparator: Comparator,
    /// The value compared with (absent for IS_EMPTY / IS_NOT_EMPTY).
    #[serde(default)]
    pub value: Option<String>,
}

/// A workflow action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowActionConfig {
    /// Id.
    pub id: WorkflowActionId,
    /// Name.
    pub name: String,
    /// BROWSER_POP or HTTP_REQUEST.
    #[serde(rename = "type")]
    pub kind: WorkflowActionType,
    /// Who executes it.
    #[serde(default = "default_handled_by")]
    pub handled_by: HandledBy,
    /// Parameters (`path`, `windowName`, `method`, …), in order.
    #[serde(default)]
    pub params: Vec<ParamConfig>,
}

fn default_handled_by() -> HandledBy {
    HandledBy::FinesseDesktop
}

/// A workflow action parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamConfig {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A nonvoice Media Routing Domain (UCCE Task Routing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MrdConfig {
    /// MRD id.
    pub id: MediaId,
    /// MRD name (the dialogs' `mediaType`).
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Whether tasks can be interrupted.
    #[serde(default)]
    pub interruptible: bool,
}

/// The dialing mode of an Outbound Option campaign (guide Tables 7 and 8). Progressive and
/// predictive campaigns are not simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CampaignMode {
    /// Preview (UCCE only): reservation `OUTBOUND_PREVIEW`.
    #[serde(rename = "PREVIEW")]
    Preview,
    /// Direct preview: reservation `OUTBOUND_DIRECT_PREVIEW`.
    #[serde(rename = "DIRECT_PREVIEW")]
    DirectPreview,
}

/// An Outbound Option campaign that reserves Ready agents of a queue for preview calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignConfig {
    /// Campaign id (`BADialedListID`).
    pub id: String,
    /// Campaign name (`BACampaign`).
    pub name: String,
    /// Dialing mode.
    pub mode: CampaignMode,
    /// The queue whose Ready agents are reserved.
    pub queue: QueueId,
    /// Mean reservation rate (Poisson), per minute; 0 for none (reservations can still be
    /// injected).
    #[serde(default)]
    pub reservations_per_minute: f64,
    /// The dialer port (the reservation call's `fromAddress`).
    #[serde(default = "default_dialer_port")]
    pub dialer_port: String,
    /// Customers to call.
    pub customers: Vec<CustomerConfig>,
}

fn default_dialer_port() -> String {
    "9999".to_owned()
}

/// A customer of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerConfig {
    /// The number dialed.
    pub number: String,
    /// `BAAccountNumber`.
    #[serde(default)]
    pub account: String,
    /// `BABuddyName`.
    #[serde(default)]
    pub name: String,
}

/// Why a scenario was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScenarioError {
    /// Not TOML, or not the scenario format (the message names the key and line).
    Parse(String),
    /// Two objects of a kind share an id.
    Duplicate {
        /// The kind of object (`agent`, `queue`, …).
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A reference to an object that does not exist.
    UnknownReference {
        /// The kind of object referenced.
        kind: &'static str,
        /// The id referenced.
        id: String,
        /// Where the reference is (`agent 1001001 queues`).
        from: String,
    },
    /// A value outside what the guide allows.
    Invalid {
        /// Where (`reason_code 1 code`).
        field: String,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(m) => write!(f, "scenario is not valid TOML for the format: {m}"),
            Self::Duplicate { kind, id } => write!(f, "duplicate {kind} id `{id}`"),
            Self::UnknownReference { kind, id, from } => {
                write!(f, "{from} refers to unknown {kind} `{id}`")
            }
            Self::Invalid { field, reason } => write!(f, "{field}: {reason}"),
        }
    }
}

impl std::error::Error for ScenarioError {}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid { field: field.into(), reason: reason.into() }
}

fn unknown(kind: &'static str, id: impl fmt::Display, from: impl Into<String>) -> ScenarioError {
    ScenarioError::UnknownReference { kind, id: id.to_string(), from: from.into() }
}

fn unique<'a>(
    kind: &'static str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeSet<&'a str>, ScenarioError> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if id.is_empty() {
            return Err(invalid(kind, "an id is empty"));
        }
        if !seen.insert(id) {
            return Err(ScenarioError::Duplicate { kind, id: id.to_owned() });
        }
    }
    Ok(seen)
}

fn check_range(field: &str, range: [i64; 2]) -> Result<(), ScenarioError> {
    if range[0] < 0 || range[1] < range[0] {
        return Err(invalid(
            field,
            format!("expected [min, max] with 0 <= min <= max, got {range:?}"),
        ));
    }
    Ok(())
}

fn check_share(field: &str, share: f64) -> Result<(), ScenarioError> {
    if !(0.0..=1.0).contains(&share) {
        return Err(invalid(field, format!("expected a share between 0 and 1, got {share}")));
    }
    Ok(())
}

fn check_rate(field: &str, rate: f64) -> Result<(), ScenarioError> {
    if !rate.is_finite() || !(0.0..=6_000.0).contains(&rate) {
        return Err(invalid(
            field,
            format!("expected a rate between 0 and 6000 per minute, got {rate}"),
        ));
    }
    Ok(())
}

/// Whether `name` is `callVariable1`…`callVariable10`.
pub(crate) fn is_call_variable(name: &str) -> bool {
    name.strip_prefix("callVariable").is_some_and(|n| {
        !n.starts_with('0')
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n))
    })
}

impl Scenario {
    /// Parses and validates a scenario file.
    pub fn from_toml(text: &str) -> Result<Self, ScenarioError> {
        let scenario: Self =
            toml::from_str(text).map_err(|e| ScenarioError::Parse(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The demo scenario shipped with the crate (`scenarios/demo.toml`, UCCE): two teams with
    /// a supervisor each, agents of whom `1001001` and the supervisor `1001010` are driven only
    /// through the API, three queues with live traffic, reason codes, wrap-up reasons, a
    /// layout, phone books and a workflow.
    pub fn demo() -> Self {
        // The embedded file is checked by a unit test; a broken edit falls back to a minimal
        // center rather than panicking.
        Self::from_toml(DEMO).unwrap_or_else(|_| Self::minimal(DeploymentType::Ucce))
    }

    /// The smallest valid scenario: an administrator and nothing else.
    pub fn minimal(deployment: DeploymentType) -> Self {
        Self {
            deployment,
            xmpp_domain: default_domain(),
            system: SystemSettings::default(),
            admin: AdminConfig { user: "admin".into(), password: "admin".into() },
            simulation: Simulation::default(),
            dialing: Dialing::default(),
            teams: Vec::new(),
            queues: Vec::new(),
            agents: Vec::new(),
            reason_codes: Vec::new(),
            wrap_up_reasons: Vec::new(),
            layouts: Vec::new(),
            ecc_variables: Vec::new(),
            phone_books: Vec::new(),
            workflows: Vec::new(),
            mrds: Vec::new(),
            campaigns: Vec::new(),
        }
    }

    /// Whether this is a Unified CCE deployment.
    pub fn is_ucce(&self) -> bool {
        self.deployment == DeploymentType::Ucce
    }

    /// Checks references, uniqueness and ranges.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let ucce = match &self.deployment {
            DeploymentType::Ucce => true,
            DeploymentType::Uccx => false,
            DeploymentType::Unknown(other) => {
                return Err(invalid("deployment", format!("expected UCCE or UCCX, got `{other}`")));
            }
        };
        if self.xmpp_domain.trim().is_empty() {
            return Err(invalid("xmpp_domain", "must not be empty"));
        }
        if self.admin.user.is_empty() {
            return Err(invalid("admin user", "must not be empty"));
        }
        if !self.system.license.is_known() {
            return Err(invalid("system license", "expected STANDARD, ENHANCED or PREMIUM"));
        }
        self.validate_behaviour()?;

        let teams = unique("team", self.teams.iter().map(|t| t.id.as_str()))?;
        let queues = unique("queue", self.queues.iter().map(|q| q.id.as_str()))?;
        let agents = unique("agent", self.agents.iter().map(|a| a.id.as_str()))?;
        let reasons = unique("reason_code", self.reason_codes.iter().map(|r| r.id.as_str()))?;
        unique("wrap_up_reason", self.wrap_up_reasons.iter().map(|w| w.id.as_str()))?;
        let layouts = unique("layout", self.layouts.iter().map(|l| l.id.as_str()))?;
        unique("phone_book", self.phone_books.iter().map(|p| p.id.as_str()))?;
        let workflows = unique("workflow", self.workflows.iter().map(|w| w.id.as_str()))?;
        let mrds = unique("mrd", self.mrds.iter().map(|m| m.id.as_str()))?;
        unique("campaign", self.campaigns.iter().map(|c| c.id.as_str()))?;
        unique("ecc_variable", self.ecc_variables.iter().map(|e| e.name.as_str()))?;
        let _ = reasons;

        if agents.contains(self.admin.user.as_str()) {
            return Err(invalid("admin user", "must not be an agent id"));
        }
        let mut logins = BTreeSet::new();
        for a in &self.agents {
            if !logins.insert(a.login_name()) && a.login_name() != a.id.as_str() {
                return Err(ScenarioError::Duplicate {
                    kind: "agent login_name",
                    id: a.login_name().into(),
                });
            }
        }

        // Devices: agents' extensions and extra devices are unique; route points differ.
        let mut devices = BTreeSet::new();
        for ext in self.agents.iter().map(|a| &a.extension).chain(&self.dialing.devices) {
            let e = ext.as_str();
            if e.is_empty() {
                return Err(invalid("extension", "must not be empty"));
            }
            if ucce && e.starts_with('+') {
                return Err(invalid(
                    format!("extension {e}"),
                    "Unified CCE does not support sign-in with an E.164 extension",
                ));
            }
            if e.len() > 15 {
                return Err(invalid(format!("extension {e}"), "at most 15 characters"));
            }
            if !devices.insert(e) {
                return Err(ScenarioError::Duplicate { kind: "extension", id: e.into() });
            }
        }
        let mut dnis_seen = BTreeSet::new();
        for q in &self.queues {
            check_rate(&format!("queue {} calls_per_minute", q.id), q.calls_per_minute)?;
            if let Some(d) = &q.dnis
                && (d.is_empty() || devices.contains(d.as_str()) || !dnis_seen.insert(d.as_str()))
            {
                return Err(invalid(
                    format!("queue {} dnis", q.id),
                    "must be a unique number that is no extension",
                ));
            }
            for (name, values) in &q.variables {
                if !self.is_known_variable(name) {
                    return Err(invalid(
                        format!("queue {} variables", q.id),
                        format!(
                            "`{name}` is neither callVariable1-10 nor a configured ECC variable"
                        ),
                    ));
                }
                if values.is_empty() {
                    return Err(invalid(
                        format!("queue {} variables {name}", q.id),
                        "needs at least one value",
                    ));
                }
            }
        }

        for t in &self.teams {
            if let Some(l) = &t.layout
                && !layouts.contains(l.as_str())
            {
                return Err(unknown("layout", l, format!("team {}", t.id)));
            }
            for w in &t.workflows {
                if !workflows.contains(w.as_str()) {
                    return Err(unknown("workflow", w, format!("team {}", t.id)));
                }
            }
        }

        for a in &self.agents {
            let from = |what: &str| format!("agent {} {what}", a.id);
            if a.password.is_empty() {
                return Err(invalid(from("password"), "must not be empty"));
            }
            if let Some(t) = &a.team
                && !teams.contains(t.as_str())
            {
                return Err(unknown("team", t, from("team")));
            }
            for t in &a.supervises {
                if !teams.contains(t.as_str()) {
                    return Err(unknown("team", t, from("supervises")));
                }
            }
            for q in &a.queues {
                if !queues.contains(q.as_str()) {
                    return Err(unknown("queue", q, from("queues")));
                }
            }
            for m in &a.mrds {
                if !mrds.contains(m.as_str()) {
                    return Err(unknown("mrd", m, from("mrds")));
                }
            }
            for mode in
                std::iter::once(&a.wrap_up_on_incoming).chain(a.wrap_up_on_outgoing.as_ref())
            {
                if !mode.is_known() {
                    return Err(invalid(
                        from("wrap_up_on_incoming"),
                        format!("unknown mode `{mode}`"),
                    ));
                }
            }
            if !(1..=7200).contains(&a.wrap_up_timer_s) {
                return Err(invalid(from("wrap_up_timer_s"), "expected 1 to 7200 seconds"));
            }
            if a.mobile_agent && !ucce {
                return Err(invalid(from("mobile_agent"), "mobile agents are Unified CCE only"));
            }
        }

        let max_code = if ucce { 65_535 } else { 999 };
        let mut code_keys = BTreeSet::new();
        let mut label_keys = BTreeSet::new();
        for r in &self.reason_codes {
            let field = |what: &str| format!("reason_code {} {what}", r.id);
            if !matches!(r.category, ReasonCodeCategory::NotReady | ReasonCodeCategory::Logout) {
                return Err(invalid(field("category"), "expected NOT_READY or LOGOUT"));
            }
            if !(1..=max_code).contains(&r.code) {
                return Err(invalid(field("code"), format!("expected 1 to {max_code}")));
            }
            if r.label.is_empty() || r.label.chars().count() > 40 {
                return Err(invalid(field("label"), "1 to 40 characters"));
            }
            if !code_keys.insert((r.category.as_str().to_owned(), r.code)) {
                return Err(invalid(field("code"), "(code, category) must be unique"));
            }
            if !label_keys.insert((r.category.as_str().to_owned(), r.label.clone())) {
                return Err(invalid(field("label"), "(label, category) must be unique"));
            }
            if r.id.as_str() == "-1" {
                return Err(invalid(field("id"), "-1 means \"no reason code\""));
            }
            for t in &r.teams {
                if !teams.contains(t.as_str()) {
                    return Err(unknown("team", t, field("teams")));
                }
            }
        }
        let mut wrap_labels = BTreeSet::new();
        for w in &self.wrap_up_reasons {
            if w.label.is_empty() || w.label.len() > 39 {
                return Err(invalid(format!("wrap_up_reason {} label", w.id), "1 to 39 bytes"));
            }
            if !wrap_labels.insert(w.label.as_str()) {
                return Err(invalid(format!("wrap_up_reason {} label", w.id), "must be unique"));
            }
            for t in &w.teams {
                if !teams.contains(t.as_str()) {
                    return Err(unknown("team", t, format!("wrap_up_reason {} teams", w.id)));
                }
            }
        }

        if !self.layouts.is_empty() && self.layouts.iter().filter(|l| l.default).count() != 1 {
            return Err(invalid("layout", "exactly one layout must be the default"));
        }
        for l in &self.layouts {
            if l.columns.len() > 2 || l.columns.iter().any(|c| c.len() > 10) {
                return Err(invalid(
                    format!("layout {} columns", l.id),
                    "at most 2 columns of 10 entries",
                ));
            }
            if l.name.is_empty() || l.name.chars().count() > 40 {
                return Err(invalid(format!("layout {} name", l.id), "1 to 40 characters"));
            }
        }
        for e in &self.ecc_variables {
            if !e.name.starts_with("user.") || e.name.len() <= "user.".len() || e.name.contains('[')
            {
                return Err(invalid(format!("ecc_variable {}", e.name), "names are `user.<name>`"));
            }
            if e.max_length == 0 {
                return Err(invalid(
                    format!("ecc_variable {} max_length", e.name),
                    "must be positive",
                ));
            }
        }
        for p in &self.phone_books {
            if !p.kind.is_known() {
                return Err(invalid(
                    format!("phone_book {} type", p.id),
                    "expected GLOBAL or TEAM",
                ));
            }
            for t in &p.teams {
                if !teams.contains(t.as_str()) {
                    return Err(unknown("team", t, format!("phone_book {} teams", p.id)));
                }
            }
            if p.contacts.len() > 1500 {
                return Err(invalid(
                    format!("phone_book {} contacts", p.id),
                    "at most 1500 contacts",
                ));
            }
            for c in &p.contacts {
                if c.phone_number.is_empty() || c.phone_number.len() > 32 {
                    return Err(invalid(
                        format!("phone_book {} contact", p.id),
                        "phone numbers have 1 to 32 characters",
                    ));
                }
            }
        }
        for w in &self.workflows {
            if !w.trigger.is_known() || !w.apply_method.is_known() {
                return Err(invalid(
                    format!("workflow {}", w.id),
                    "unknown trigger or apply_method",
                ));
            }
            if w.conditions.len() > 5 || w.actions.len() > 5 {
                return Err(invalid(
                    format!("workflow {}", w.id),
                    "at most 5 conditions and 5 actions",
                ));
            }
            if w.conditions.iter().any(|c| !c.comparator.is_known())
                || w.actions.iter().any(|a| !a.kind.is_known() || !a.handled_by.is_known())
            {
                return Err(invalid(
                    format!("workflow {}", w.id),
                    "unknown comparator, action type or handledBy",
                ));
            }
        }
        if !ucce && !self.mrds.is_empty() {
            return Err(invalid("mrd", "nonvoice Media Routing Domains are Unified CCE only"));
        }
        for c in &self.campaigns {
            let field = |what: &str| format!("campaign {} {what}", c.id);
            if !queues.contains(c.queue.as_str()) {
                return Err(unknown("queue", &c.queue, field("queue")));
            }
            if c.mode == CampaignMode::Preview && !ucce {
                return Err(invalid(
                    field("mode"),
                    "PREVIEW campaigns are Unified CCE only (UCCX has DIRECT_PREVIEW)",
                ));
            }
            check_rate(&field("reservations_per_minute"), c.reservations_per_minute)?;
            if c.customers.is_empty() {
                return Err(invalid(field("customers"), "needs at least one customer"));
            }
        }
        Ok(())
    }

    fn validate_behaviour(&self) -> Result<(), ScenarioError> {
        let s = &self.simulation;
        for (name, range) in [
            ("sign_in_delay_ms", s.sign_in_delay_ms),
            ("ready_delay_ms", s.ready_delay_ms),
            ("answer_delay_ms", s.answer_delay_ms),
            ("talk_time_ms", s.talk_time_ms),
            ("wrap_up_time_ms", s.wrap_up_time_ms),
            ("break_interval_ms", s.break_interval_ms),
            ("break_duration_ms", s.break_duration_ms),
            ("patience_ms", s.patience_ms),
            ("preview_delay_ms", s.preview_delay_ms),
        ] {
            check_range(&format!("simulation {name}"), range)?;
        }
        check_share("simulation caller_hangup_share", s.caller_hangup_share)?;
        check_share("simulation preview_accept_share", s.preview_accept_share)?;
        check_range("dialing external_answer_ms", self.dialing.external_answer_ms)?;
        if !(3..=64).contains(&self.dialing.max_conference_parties) {
            return Err(invalid("dialing max_conference_parties", "expected 3 to 64"));
        }
        if !s.ani_prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("simulation ani_prefix", "digits only"));
        }
        Ok(())
    }

    /// Whether `name` is a call variable a dialog may carry: `callVariable1`…`10`, a scalar ECC
    /// variable, or an element `user.x[i]` of an ECC array within its size.
    pub(crate) fn is_known_variable(&self, name: &str) -> bool {
        is_call_variable(name)
            || self.ecc_for(name).is_some_and(|(e, index)| match index {
                None => e.array_size == 0,
                Some(i) => e.array_size > 0 && i < e.array_size,
            })
    }

    /// The ECC variable `name` refers to, with the array index if it names an element.
    pub(crate) fn ecc_for(&self, name: &str) -> Option<(&EccVariable, Option<usize>)> {
        let (base, index) = match name.split_once('[') {
            Some((base, rest)) => (base, Some(rest.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (name, None),
        };
        self.ecc_variables.iter().find(|e| e.name == base).map(|e| (e, index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_scenario_parses_and_validates() {
        let demo = Scenario::from_toml(DEMO).unwrap();
        assert!(demo.is_ucce());
        assert!(demo.agents.len() >= 12);
        assert_eq!(demo.teams.len(), 2);
        assert_eq!(demo.queues.len(), 3);
        let human: Vec<_> =
            demo.agents.iter().filter(|a| !a.simulated).map(|a| a.id.as_str()).collect();
        assert!(human.contains(&"1001001"), "{human:?}");
        assert!(demo.agents.iter().any(|a| !a.simulated && !a.supervises.is_empty()));
        assert!(
            demo.teams.iter().all(|t| demo.agents.iter().any(|a| a.supervises.contains(&t.id)))
        );
        assert_eq!(Scenario::demo(), demo);
    }

    #[test]
    fn the_uccx_scenario_parses_and_validates() {
        let s = Scenario::from_toml(include_str!("../scenarios/uccx.toml")).unwrap();
        assert_eq!(s.deployment, DeploymentType::Uccx);
    }

    #[test]
    fn call_variable_names() {
        assert!(is_call_variable("callVariable1"));
        assert!(is_call_variable("callVariable10"));
        assert!(!is_call_variable("callVariable0"));
        assert!(!is_call_variable("callVariable11"));
        assert!(!is_call_variable("callVariable01"));
        assert!(!is_call_variable("callvariable1"));
    }

    const BASE: &str = r#"
        deployment = "UCCE"
        [admin]
        user = "admin"
        password = "secret"
        [[team]]
        id = "1"
        name = "Sales"
        [[queue]]
        id = "10"
        name = "Sales"
        [[agent]]
        id = "1001"
        password = "p"
        first_name = "A"
        last_name = "B"
        extension = "1001"
        team = "1"
        queues = ["10"]
    "#;

    fn with(extra: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(&format!("{BASE}\n{extra}"))
    }

    #[test]
    fn a_small_scenario_gets_defaults() {
        let s = with("").unwrap();
        assert_eq!(s.xmpp_domain, "finesse.sim");
        assert_eq!(s.agents[0].wrap_up_on_incoming, WrapUpMode::Optional);
        assert_eq!(s.agents[0].wrap_up_timer_s, 60);
        assert_eq!(s.dialing.max_conference_parties, 4);
    }

    #[test]
    fn unknown_references_are_named() {
        let err = Scenario::from_toml(&BASE.replace("queues = [\"10\"]", "queues = [\"99\"]"))
            .unwrap_err();
        assert_eq!(
            err,
            ScenarioError::UnknownReference {
                kind: "queue",
                id: "99".into(),
                from: "agent 1001 queues".into()
            }
        );
        assert_eq!(err.to_string(), "agent 1001 queues refers to unknown queue `99`");
        let err = Scenario::from_toml(&BASE.replace("team = \"1\"", "team = \"7\"")).unwrap_err();
        assert!(matches!(err, ScenarioError::UnknownReference { kind: "team", .. }), "{err}");
        let err = with("[[reason_code]]\nid = \"1\"\ncategory = \"NOT_READY\"\ncode = 1\nlabel = \"x\"\nfor_all = false\nteams = [\"9\"]").unwrap_err();
        assert!(matches!(err, ScenarioError::UnknownReference { kind: "team", .. }), "{err}");
    }

    #[test]
    fn values_are_checked_against_the_guide() {
        let rc = |code: i64, label: &str| {
            format!(
                "[[reason_code]]\nid = \"1\"\ncategory = \"NOT_READY\"\ncode = {code}\nlabel = \"{label}\""
            )
        };
        assert!(with(&rc(65_535, "ok")).is_ok());
        assert!(matches!(with(&rc(0, "zero")), Err(ScenarioError::Invalid { .. })));
        assert!(matches!(with(&rc(12, &"x".repeat(41))), Err(ScenarioError::Invalid { .. })));
        let uccx = BASE.replace("UCCE", "UCCX");
        let err = Scenario::from_toml(&format!("{uccx}\n{}", rc(1000, "big"))).unwrap_err();
        assert!(err.to_string().contains("1 to 999"), "{err}");
        assert!(with("[[wrap_up_reason]]\nid = \"1\"\nlabel = \"0123456789012345678901234567890123456789\"").is_err());
        assert!(matches!(
            with("[[queue]]\nid = \"10\"\nname = \"again\""),
            Err(ScenarioError::Duplicate { kind: "queue", .. })
        ));
        let e164 = BASE.replace("extension = \"1001\"", "extension = \"+14085551234\"");
        assert!(Scenario::from_toml(&e164).is_err());
        assert!(Scenario::from_toml(&e164.replace("UCCE", "UCCX")).is_ok());
        assert!(matches!(
            Scenario::from_toml("deployment = \"UCCE\""),
            Err(ScenarioError::Parse(_))
        ));
        assert!(matches!(with("colour = \"red\""), Err(ScenarioError::Parse(_))));
        let err = Scenario::from_toml(&BASE.replace("UCCE", "CCE")).unwrap_err();
        assert!(err.to_string().contains("UCCE or UCCX"), "{err}");
    }

    #[test]
    fn ecc_names_and_queue_variables() {
        let s = with("[[ecc_variable]]\nname = \"user.arr\"\narray_size = 2\n[[ecc_variable]]\nname = \"user.x\"")
            .unwrap();
        assert!(s.is_known_variable("user.arr[1]"));
        assert!(!s.is_known_variable("user.arr[2]"));
        assert!(!s.is_known_variable("user.arr"));
        assert!(s.is_known_variable("user.x"));
        assert!(!s.is_known_variable("user.x[0]"));
        assert!(!s.is_known_variable("user.y"));
        let err =
            with("[[queue]]\nid = \"11\"\nname = \"n\"\nvariables = { \"user.y\" = [\"1\"] }")
                .unwrap_err();
        assert!(err.to_string().contains("user.y"), "{err}");
    }
}
