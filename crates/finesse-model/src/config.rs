//! Configuration objects the desktop reads (guide chapter 3 user-scoped lists, chapter 4
//! configuration APIs): phone books and contacts, workflows and workflow actions, media
//! properties layouts, system, cluster and database configuration, system variables.

use crate::{
    ApplyMethod, Comparator, ContactId, HandledBy, LayoutId, LayoutType, PhoneBookId,
    PhoneBookType, TriggerSetName, VariableType, WorkflowActionId, WorkflowActionType, WorkflowId,
};

xml_struct! {
    /// A phone book. In the user's list (`GET /finesse/api/User/{id}/PhoneBooks`) the contacts
    /// are embedded (`<Contacts>`); in the configuration API `contacts` is their URI.
    pub struct PhoneBook as "PhoneBook" | "phoneBook" {
        /// `/finesse/api/PhoneBook/{id}`.
        uri: Option<String>,
        /// Id, where given.
        id: Option<PhoneBookId>,
        /// Name.
        name: Option<String>,
        /// GLOBAL or TEAM.
        #[serde(rename = "type")]
        kind: Option<PhoneBookType>,
        /// URI of the contacts collection.
        contacts: Option<String>,
        /// Embedded contacts (user list).
        #[serde(rename = "Contacts")]
        embedded_contacts: Option<Contacts>,
    }
}

xml_list! {
    /// A list of phone books.
    pub struct PhoneBooks as "PhoneBooks" | "phoneBooks" { "PhoneBook" | "phoneBook" => phone_books: PhoneBook }
}

xml_struct! {
    /// A phone book contact.
    pub struct Contact as "Contact" | "contact" {
        /// Id, where given.
        id: Option<ContactId>,
        /// First name.
        first_name: Option<String>,
        /// Last name.
        last_name: Option<String>,
        /// Phone number (required, at most 32 characters).
        phone_number: Option<String>,
        /// Description.
        description: Option<String>,
        /// `/finesse/api/PhoneBook/{phoneBookId}/Contact/{id}`.
        uri: Option<String>,
    }
}

xml_list! {
    /// A list of contacts (also the body of the XML contact import).
    pub struct Contacts as "Contacts" | "contacts" { "Contact" | "contact" => contacts: Contact }
}

xml_struct! {
    /// A workflow: a trigger, conditions and up to five actions.
    pub struct Workflow as "Workflow" | "workflow" {
        /// `/finesse/api/Workflow/{id}`.
        uri: Option<String>,
        /// Id, where given.
        id: Option<WorkflowId>,
        /// Name (unique).
        name: Option<String>,
        /// Description.
        description: Option<String>,
        /// Media id (voice `1`).
        media: Option<String>,
        /// The trigger.
        #[serde(rename = "TriggerSet", alias = "triggerSet")]
        trigger_set: Option<TriggerSet>,
        /// The conditions.
        #[serde(rename = "ConditionSet", alias = "conditionSet")]
        condition_set: Option<ConditionSet>,
        /// The actions, in execution order.
        workflow_actions: Option<WorkflowActions>,
    }
}

xml_list! {
    /// A list of workflows.
    pub struct Workflows as "Workflows" | "workflows" { "Workflow" | "workflow" => workflows: Workflow }
}

xml_struct! {
    /// `<TriggerSet>`.
    pub struct TriggerSet as "TriggerSet" {
        /// SYSTEM.
        #[serde(rename = "type")]
        kind: Option<VariableType>,
        /// The event.
        name: Option<TriggerSetName>,
        /// Whether another workflow may run for the same call.
        allow_overlapping_call_workflow: Option<bool>,
        /// The expanded triggers.
        triggers: Option<Triggers>,
    }
}

xml_list! {
    /// `<triggers><Trigger>…`.
    pub struct Triggers { "Trigger" | "trigger" => triggers: Condition }
}

xml_struct! {
    /// `<ConditionSet>`.
    pub struct ConditionSet {
        /// ANY or ALL.
        apply_method: Option<ApplyMethod>,
        /// The conditions.
        conditions: Option<Conditions>,
    }
}

xml_list! {
    /// `<conditions><Condition>…`.
    pub struct Conditions { "Condition" | "condition" => conditions: Condition }
}

xml_struct! {
    /// A trigger or condition: a variable, a comparator and a value.
    pub struct Condition {
        /// The variable compared.
        #[serde(rename = "Variable", alias = "variable")]
        variable: Option<Variable>,
        /// The comparator.
        comparator: Option<Comparator>,
        /// The value (comma-separated for list comparators).
        value: Option<String>,
    }
}

xml_struct! {
    /// A workflow or action variable.
    pub struct Variable {
        /// Name.
        name: Option<String>,
        /// XPath into the dialog.
        node: Option<String>,
        /// SYSTEM or CUSTOM.
        #[serde(rename = "type")]
        kind: Option<VariableType>,
        /// Test value (action variables).
        test_value: Option<String>,
    }
}

xml_struct! {
    /// A workflow action: a browser pop or an HTTP request.
    pub struct WorkflowAction as "WorkflowAction" | "workflowAction" {
        /// `/finesse/api/WorkflowAction/{id}`.
        uri: Option<String>,
        /// Id, where given.
        id: Option<WorkflowActionId>,
        /// Name (unique).
        name: Option<String>,
        /// BROWSER_POP or HTTP_REQUEST.
        #[serde(rename = "type")]
        kind: Option<WorkflowActionType>,
        /// Who executes it.
        handled_by: Option<HandledBy>,
        /// Parameters (`path`, `windowName`, `method`, `body`, …).
        params: Option<Params>,
        /// Variables substituted into the parameters.
        action_variables: Option<ActionVariables>,
    }
}

impl WorkflowAction {
    /// The value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.as_ref()?.iter().find(|p| p.name == name).map(|p| p.value.as_str())
    }
}

xml_list! {
    /// A list of workflow actions.
    pub struct WorkflowActions as "WorkflowActions" | "workflowActions" {
        "WorkflowAction" | "workflowAction" => actions: WorkflowAction
    }
}

xml_list! {
    /// `<params><Param>…`.
    pub struct Params { "Param" | "param" => params: Param }
}

xml_struct! {
    /// A workflow action parameter.
    pub struct Param {
        /// Name.
        name: String,
        /// Value.
        value: String,
    }
}

xml_list! {
    /// `<actionVariables><ActionVariable>…`.
    pub struct ActionVariables { "ActionVariable" | "actionVariable" => variables: Variable }
}

xml_struct! {
    /// How call variables are laid out on the call control gadget.
    pub struct MediaPropertiesLayout as "MediaPropertiesLayout" | "mediaPropertiesLayout" {
        /// `/finesse/api/MediaPropertiesLayout/{id}`.
        uri: Option<String>,
        /// Id, where given.
        id: Option<LayoutId>,
        /// Name.
        name: Option<String>,
        /// Description.
        description: Option<String>,
        /// DEFAULT or CUSTOM.
        #[serde(rename = "type")]
        kind: Option<LayoutType>,
        /// The entry shown in the call header.
        header: Option<LayoutColumn>,
        /// Up to two columns of up to ten entries.
        column: Vec<LayoutColumn>,
    }
}

xml_struct! {
    /// A header or column of a layout.
    pub struct LayoutColumn {
        /// Entries.
        entry: Vec<LayoutEntry>,
    }
}

xml_struct! {
    /// One call variable shown with its label.
    pub struct LayoutEntry {
        /// The label.
        display_name: Option<String>,
        /// The variable (`callVariable1`, `user.x`, `BACampaign`, …).
        media_property: Option<String>,
    }
}

xml_list! {
    /// A list of media properties layouts.
    pub struct MediaPropertiesLayouts as "MediaPropertiesLayouts" | "mediaPropertiesLayouts" {
        "MediaPropertiesLayout" | "mediaPropertiesLayout" => layouts: MediaPropertiesLayout
    }
}

xml_struct! {
    /// CTI server settings (Unified CCE).
    pub struct SystemConfig as "SystemConfig" {
        /// `/finesse/api/SystemConfig`.
        uri: Option<String>,
        /// The CTI server.
        cti: Option<CtiConfig>,
    }
}

xml_struct! {
    /// `<cti>` of SystemConfig.
    pub struct CtiConfig {
        /// Host.
        host: Option<String>,
        /// Port (default 42027).
        port: Option<i64>,
        /// Backup host.
        backup_host: Option<String>,
        /// Backup port.
        backup_port: Option<i64>,
        /// Peripheral id (default 5000).
        peripheral_id: Option<i64>,
    }
}

xml_struct! {
    /// Cluster settings (Unified CCE).
    pub struct ClusterConfig as "ClusterConfig" {
        /// `/finesse/api/ClusterConfig`.
        uri: Option<String>,
        /// The secondary node.
        secondary_node: Option<crate::system::Node>,
    }
}

xml_struct! {
    /// Administration and Data Server database settings (Unified CCE).
    pub struct EnterpriseDatabaseConfig as "EnterpriseDatabaseConfig" {
        /// `/finesse/api/EnterpriseDatabaseConfig`.
        uri: Option<String>,
        /// Host.
        host: Option<String>,
        /// Backup host.
        backup_host: Option<String>,
        /// Port.
        port: Option<i64>,
        /// Database name.
        database_name: Option<String>,
        /// Domain.
        domain: Option<String>,
        /// User name.
        username: Option<String>,
        /// Password (write-only in practice).
        password: Option<String>,
    }
}

xml_list! {
    /// `GET /finesse/api/SystemVariables`.
    pub struct SystemVariables as "SystemVariables" { "SystemVariable" => variables: SystemVariable }
}

xml_struct! {
    /// A system variable usable in workflows.
    pub struct SystemVariable as "SystemVariable" {
        /// Name.
        name: Option<String>,
        /// XPath into the dialog.
        node: Option<String>,
    }
}
