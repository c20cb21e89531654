#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[macro_use]
mod macros;
mod xml;

mod api_error;
mod config;
mod diagnostic;
mod dialog;
mod enums;
mod ids;
mod layout;
mod media;
mod queue;
mod reason;
mod system;
mod time;
pub mod transitions;
mod update;
mod user;

pub use api_error::{ApiError, ApiErrors};
pub use config::{
    ActionVariables, ClusterConfig, Condition, ConditionSet, Conditions, Contact, Contacts,
    CtiConfig, EnterpriseDatabaseConfig, LayoutColumn, LayoutEntry, MediaPropertiesLayout,
    MediaPropertiesLayouts, Param, Params, PhoneBook, PhoneBooks, SystemConfig, SystemVariable,
    SystemVariables, TriggerSet, Triggers, Variable, Workflow, WorkflowAction, WorkflowActions,
    Workflows,
};
pub use diagnostic::{
    ComponentVersionList, DiagnosticPerformance, DiagnosticProductVersion, DiagnosticProperty,
    DiagnosticReply, DiagnosticSchema, PerformanceInformation, PropertyList,
};
pub use dialog::{
    ActionParam, ActionParams, Actions, CallVariable, CallVariables, Dialog, DialogRequest,
    Dialogs, MediaProperties, Participant, Participants, ScheduledCallbackInfo,
};
pub use enums::*;
pub use ids::*;
pub use layout::{
    Column, Columns, FinesseLayout, GadgetList, GadgetRef, LayoutConfig, LayoutConfigEntry,
    LayoutConfigs, LayoutXml, RoleLayout, Tab, Tabs, TeamLayoutConfig,
};
pub use macros::IsAbsent;
pub use media::{Media, MediaList, MediaRequest};
pub use queue::{Queue, QueueStatistics, Queues, Team, TeamUsers, Teams};
pub use reason::{ReasonCode, ReasonCodes, WrapUpReason, WrapUpReasons};
pub use system::{ClientLog, Node, SystemInfo, UserRequest};
pub use time::Timestamp;
pub use update::{NotificationData, Update, UpdateData};
pub use user::{MobileAgent, Roles, TeamRef, TeamRefs, User, UserSettings, Users};
pub use xml::{
    DecodeError, EncodeError, ErrorKind, Mode, XmlDocument, decode, decode_strict, decode_with,
    encode,
};
