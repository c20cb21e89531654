//! Enumerations of the developer guide (chapter 3 parameter tables, "Agent States", "Dialog
//! States", "Participant States", "Actions", call types, Outbound Option tables). Each keeps
//! values it does not know as `Unknown(..)`.

string_enum! {
    /// A voice agent state (guide: User API parameters, "User States"). `Login` is transitive:
    /// it is only ever requested, and the agent lands in `NotReady`.
    pub enum AgentState {
        /// Requested to sign in.
        Login = "LOGIN",
        /// Signed out.
        Logout = "LOGOUT",
        /// Not ready, usually with a reason code.
        NotReady = "NOT_READY",
        /// Ready to take calls.
        Ready = "READY",
        /// Reserved for an incoming routed call.
        Reserved = "RESERVED",
        /// Reserved for a progressive or predictive outbound call.
        ReservedOutbound = "RESERVED_OUTBOUND",
        /// Reserved for a preview outbound call.
        ReservedOutboundPreview = "RESERVED_OUTBOUND_PREVIEW",
        /// On a call.
        Talking = "TALKING",
        /// Has a call on hold.
        Hold = "HOLD",
        /// Wrap-up, then Not Ready.
        Work = "WORK",
        /// Wrap-up, then Ready (Unified CCE only).
        WorkReady = "WORK_READY",
        /// The state is unknown to Finesse.
        UnknownState = "UNKNOWN",
    }
}

impl AgentState {
    /// States a user may request for themselves (the rest are set by the system).
    pub fn is_user_settable(&self) -> bool {
        matches!(self, Self::Login | Self::Logout | Self::NotReady | Self::Ready)
    }

    /// States in which the agent has a call or a reservation.
    pub fn is_on_call(&self) -> bool {
        matches!(
            self,
            Self::Reserved
                | Self::ReservedOutbound
                | Self::ReservedOutboundPreview
                | Self::Talking
                | Self::Hold
        )
    }

    /// Wrap-up states.
    pub fn is_wrap_up(&self) -> bool {
        matches!(self, Self::Work | Self::WorkReady)
    }
}

string_enum! {
    /// The state of a dialog (voice and nonvoice, guide: "Dialog States").
    pub enum DialogState {
        /// Off hook (voice).
        Initiating = "INITIATING",
        /// Dialing (voice).
        Initiated = "INITIATED",
        /// Ringing (voice).
        Alerting = "ALERTING",
        /// At least one participant is active.
        Active = "ACTIVE",
        /// The call failed.
        Failed = "FAILED",
        /// No participant is active.
        Dropped = "DROPPED",
        /// An outbound preview reservation or a nonvoice task was accepted.
        Accepted = "ACCEPTED",
        /// A nonvoice task is offered.
        Offered = "OFFERED",
        /// A nonvoice task is paused.
        Paused = "PAUSED",
        /// A nonvoice task is wrapping up.
        WrappingUp = "WRAPPING_UP",
        /// A nonvoice task is interrupted (all actions disabled).
        Interrupted = "INTERRUPTED",
        /// A nonvoice task is closed (see the disposition code).
        Closed = "CLOSED",
        /// An interrupted task after a failure recovery: only Close is allowed.
        UnknownState = "UNKNOWN",
    }
}

string_enum! {
    /// The state of one participant (one call leg) of a dialog (guide: "Participant States").
    pub enum ParticipantState {
        /// Off hook.
        Initiating = "INITIATING",
        /// Dialing.
        Initiated = "INITIATED",
        /// Ringing.
        Alerting = "ALERTING",
        /// Connected.
        Active = "ACTIVE",
        /// The leg failed (see `stateCause`).
        Failed = "FAILED",
        /// On hold.
        Held = "HELD",
        /// Hung up.
        Dropped = "DROPPED",
        /// Wrapping up the call.
        WrapUp = "WRAP_UP",
        /// Accepted an outbound preview reservation or a nonvoice task.
        Accepted = "ACCEPTED",
        /// Nonvoice: offered.
        Offered = "OFFERED",
        /// Nonvoice: paused.
        Paused = "PAUSED",
        /// Nonvoice: wrapping up.
        WrappingUp = "WRAPPING_UP",
        /// Nonvoice: interrupted.
        Interrupted = "INTERRUPTED",
        /// Nonvoice: closed.
        Closed = "CLOSED",
    }
}

string_enum! {
    /// An action: the `requestedAction` of a Dialog request, and the entries of a
    /// participant's `actions` list that decide which buttons a gadget enables
    /// (guide: "Actions"; the desktop button label is given for each).
    pub enum Action {
        /// "Make a New Call".
        MakeCall = "MAKE_CALL",
        /// "Answer".
        Answer = "ANSWER",
        /// "Hold".
        Hold = "HOLD",
        /// "Retrieve".
        Retrieve = "RETRIEVE",
        /// "End".
        Drop = "DROP",
        /// Update call variables or the wrap-up reason (API only).
        UpdateCallData = "UPDATE_CALL_DATA",
        /// Send DTMF digits (keypad).
        SendDtmf = "SEND_DTMF",
        /// "Consult".
        ConsultCall = "CONSULT_CALL",
        /// "Conference" (held call + active call).
        Conference = "CONFERENCE",
        /// "Transfer" (held call + active call).
        Transfer = "TRANSFER",
        /// "Direct Transfer" (single-step transfer, Unified CCE only).
        TransferSst = "TRANSFER_SST",
        /// "Start Monitoring".
        SilentMonitor = "SILENT_MONITOR",
        /// "Barge In".
        BargeCall = "BARGE_CALL",
        /// "Drop" (a participant from a conference).
        ParticipantDrop = "PARTICIPANT_DROP",
        /// "Start Recording" (Unified CCX with MediaSense).
        StartRecording = "START_RECORDING",
        /// Schedule a callback.
        UpdateScheduledCallback = "UPDATE_SCHEDULED_CALLBACK",
        /// Cancel a scheduled callback.
        CancelScheduledCallback = "CANCEL_SCHEDULED_CALLBACK",
        /// Accept an outbound preview reservation or a nonvoice task.
        Accept = "ACCEPT",
        /// Close (never call again / close a task).
        Close = "CLOSE",
        /// Reject (retry later).
        Reject = "REJECT",
        /// Reclassify a direct preview call.
        Reclassify = "RECLASSIFY",
        /// Nonvoice: start working on an accepted task.
        Start = "START",
        /// Nonvoice: pause a task.
        Pause = "PAUSE",
        /// Nonvoice: resume a paused task.
        Resume = "RESUME",
        /// Nonvoice: wrap up a task.
        WrapUp = "WRAP_UP",
    }
}

string_enum! {
    /// The type of a call (Dialog `mediaProperties/callType`; workflow triggers list more).
    pub enum CallType {
        /// Routed inbound call.
        AcdIn = "ACD_IN",
        /// Pre-routed ACD call.
        PrerouteAcdIn = "PREROUTE_ACD_IN",
        /// Pre-routed call to an agent.
        PrerouteDirectAgent = "PREROUTE_DIRECT_AGENT",
        /// Transferred call.
        Transfer = "TRANSFER",
        /// Other inbound call.
        OtherIn = "OTHER_IN",
        /// Outbound call.
        Out = "OUT",
        /// Agent-to-agent call.
        AgentInside = "AGENT_INSIDE",
        /// Consult call.
        Consult = "CONSULT",
        /// Conference.
        Conference = "CONFERENCE",
        /// A supervisor's silent monitor call.
        SupervisorMonitor = "SUPERVISOR_MONITOR",
        /// Outbound Option customer call.
        Outbound = "OUTBOUND",
        /// Outbound Option preview reservation.
        OutboundPreview = "OUTBOUND_PREVIEW",
        /// Outbound Option callback.
        OutboundCallback = "OUTBOUND_CALLBACK",
        /// Outbound Option callback preview.
        OutboundCallbackPreview = "OUTBOUND_CALLBACK_PREVIEW",
        /// Personal callback.
        OutboundPersonalCallback = "OUTBOUND_PERSONAL_CALLBACK",
        /// Personal callback preview.
        OutboundPersonalCallbackPreview = "OUTBOUND_PERSONAL_CALLBACK_PREVIEW",
        /// Direct preview.
        OutboundDirectPreview = "OUTBOUND_DIRECT_PREVIEW",
        /// Workflow trigger value: overflow in.
        OverflowIn = "OVERFLOW_IN",
        /// Workflow trigger value: agent out.
        AgentOut = "AGENT_OUT",
        /// Workflow trigger value: offered.
        Offered = "OFFERED",
        /// Workflow trigger value: consult offered.
        ConsultOffered = "CONSULT_OFFERED",
        /// Workflow trigger value: consult conference (the guide once misspells it
        /// `CONSULT_CONFERECE`; strict decoding reports that, lenient keeps it as unknown).
        ConsultConference = "CONSULT_CONFERENCE",
        /// Workflow trigger value: task routed by ICM.
        TaskRoutedByIcm = "TASK_ROUTED_BY_ICM",
        /// Workflow trigger value: task routed by an application.
        TaskRoutedByApplication = "TASK_ROUTED_BY_APPLICATION",
        /// Workflow trigger value: voice callback.
        VoiceCallBack = "VOICE_CALL_BACK",
        /// Workflow trigger value: non-ACD.
        NonAcd = "NON_ACD",
        /// Workflow trigger value: supervisor barge-in.
        SupervisorBargeIn = "SUPERVISOR_BARGE_IN",
        /// Workflow trigger value: no type.
        Null = "NULL",
    }
}

string_enum! {
    /// Outbound Option status (`BAStatus` call variable, guide Tables 7 and 8).
    pub enum BaStatus {
        /// Preview reservation.
        PreviewOutboundReservation = "PREVIEW_OUTBOUND_RESERVATION",
        /// Direct preview reservation.
        DirectPreviewOutboundReservation = "DIRECT_PREVIEW_OUTBOUND_RESERVATION",
        /// Progressive customer call.
        ProgressiveOutbound = "PROGRESSIVE_OUTBOUND",
        /// Predictive customer call.
        PredictiveOutbound = "PREDICTIVE_OUTBOUND",
        /// Preview customer call.
        PreviewOutbound = "PREVIEW_OUTBOUND",
        /// Direct preview customer call.
        DirectPreviewOutbound = "DIRECT_PREVIEW_OUTBOUND",
        /// Personal callback reservation.
        PersonalCallbackOutboundReservation = "PERSONAL_CALLBACK_OUTBOUND_RESERVATION",
        /// Personal callback customer call.
        PersonalCallbackOutbound = "PERSONAL_CALLBACK_OUTBOUND",
        /// Unified CCX customer call.
        Outbound = "OUTBOUND",
        /// Unified CCX: transferred.
        Transferred = "TRANSFERRED",
        /// Unified CCX: conferenced.
        Conferenced = "CONFERENCED",
    }
}

string_enum! {
    /// Reason code category.
    pub enum ReasonCodeCategory {
        /// A Not Ready reason.
        NotReady = "NOT_READY",
        /// A Sign Out reason.
        Logout = "LOGOUT",
        /// Query value for "both" in the configuration list API.
        All = "ALL",
    }
}

string_enum! {
    /// Wrap-up mode for incoming (and, in samples, outgoing) calls: `settings/wrapUpOnIncoming`.
    pub enum WrapUpMode {
        /// Wrap-up is required.
        Required = "REQUIRED",
        /// Wrap-up is optional.
        Optional = "OPTIONAL",
        /// No wrap-up.
        NotAllowed = "NOT_ALLOWED",
        /// Wrap-up with wrap-up data is required.
        RequiredWithWrapUpData = "REQUIRED_WITH_WRAP_UP_DATA",
    }
}

string_enum! {
    /// Team API media state of an agent on a manual outbound call from Not Ready (Unified CCX).
    pub enum MediaState {
        /// On a call.
        Busy = "BUSY",
        /// Idle.
        Idle = "IDLE",
    }
}

string_enum! {
    /// A nonvoice (Media Routing Domain) agent state (guide: "Agent States for Nonvoice Media").
    pub enum MediaAgentState {
        /// Requested sign-in.
        Login = "LOGIN",
        /// Not ready.
        NotReady = "NOT_READY",
        /// Ready.
        Ready = "READY",
        /// Signed out.
        Logout = "LOGOUT",
        /// Reserved for a task.
        Reserved = "RESERVED",
        /// Working on a task.
        Active = "ACTIVE",
        /// Task paused.
        Paused = "PAUSED",
        /// Wrap-up, then Ready.
        WorkReady = "WORK_READY",
        /// Interrupted.
        Interrupted = "INTERRUPTED",
        /// The Finesse server the agent is on disconnected.
        WorkNotReady = "WORK_NOT_READY",
    }
}

string_enum! {
    /// A user role.
    pub enum Role {
        /// Agent.
        Agent = "Agent",
        /// Supervisor.
        Supervisor = "Supervisor",
        /// Administrator.
        Administrator = "Administrator",
    }
}

string_enum! {
    /// Mobile agent connection mode (Unified CCE).
    pub enum MobileAgentMode {
        /// A call per customer call.
        CallByCall = "CALL_BY_CALL",
        /// One call kept up for the whole session.
        NailedConnection = "NAILED_CONNECTION",
    }
}

string_enum! {
    /// Why a participant is in the FAILED state.
    pub enum StateCause {
        /// Busy.
        Busy = "BUSY",
        /// Bad destination.
        BadDestination = "BAD_DESTINATION",
        /// Other.
        Other = "OTHER",
    }
}

string_enum! {
    /// The type of a participant's media address.
    pub enum MediaAddressType {
        /// An agent's device.
        AgentDevice = "AGENT_DEVICE",
    }
}

string_enum! {
    /// Deployment type (SystemInfo).
    pub enum DeploymentType {
        /// Unified Contact Center Enterprise.
        Ucce = "UCCE",
        /// Unified Contact Center Express.
        Uccx = "UCCX",
    }
}

string_enum! {
    /// Finesse service status (SystemInfo), the first rule of the High Availability chapter.
    pub enum SystemStatus {
        /// In service.
        InService = "IN_SERVICE",
        /// Out of service.
        OutOfService = "OUT_OF_SERVICE",
        /// Partially in service.
        PartialService = "PARTIAL_SERVICE",
    }
}

string_enum! {
    /// Authentication mode (SystemInfo).
    pub enum SystemAuthMode {
        /// Basic authentication.
        NonSso = "NON_SSO",
        /// Single sign-on.
        Sso = "SSO",
        /// Both (Unified CCE only).
        Hybrid = "HYBRID",
    }
}

string_enum! {
    /// Unified CCX license (SystemInfo).
    pub enum License {
        /// Standard.
        Standard = "STANDARD",
        /// Enhanced.
        Enhanced = "ENHANCED",
        /// Premium.
        Premium = "PREMIUM",
    }
}

string_enum! {
    /// The event of a notification `<Update>` (the guide prints it in both cases).
    pub enum UpdateEvent {
        /// The object was modified.
        Put = "PUT" | "put" | "Put",
        /// An object was added to a collection.
        Post = "POST" | "post" | "Post",
        /// The object was deleted or removed from a collection.
        Delete = "DELETE" | "delete" | "Delete",
    }
}

string_enum! {
    /// Phone book type.
    pub enum PhoneBookType {
        /// Global phone book.
        Global = "GLOBAL",
        /// Team phone book.
        Team = "TEAM",
    }
}

string_enum! {
    /// What happens to an interruptible nonvoice task (Media sign-in).
    pub enum InterruptAction {
        /// Accept the interrupt.
        Accept = "ACCEPT",
        /// Ignore it.
        Ignore = "IGNORE",
    }
}

string_enum! {
    /// What happens to open nonvoice tasks at sign-out.
    pub enum DialogLogoutAction {
        /// Transfer them.
        Transfer = "TRANSFER",
        /// Close them.
        Close = "CLOSE",
    }
}

string_enum! {
    /// Direct preview classification (`RECLASSIFY`'s `outboundClassification`).
    pub enum OutboundClassification {
        /// Voice.
        Voice = "VOICE",
        /// Fax.
        Fax = "FAX",
        /// Answering machine.
        AnsMachine = "ANS_MACHINE",
        /// Invalid.
        Invalid = "INVALID",
        /// Do not call.
        DoNotCall = "DO_NOT_CALL",
        /// Busy.
        Busy = "BUSY",
    }
}

string_enum! {
    /// Media properties layout type.
    pub enum LayoutType {
        /// The default layout.
        Default = "DEFAULT",
        /// A custom layout.
        Custom = "CUSTOM",
    }
}

string_enum! {
    /// Workflow action type.
    pub enum WorkflowActionType {
        /// Open a browser window.
        BrowserPop = "BROWSER_POP",
        /// Send an HTTP request.
        HttpRequest = "HTTP_REQUEST",
    }
}

string_enum! {
    /// Who executes a workflow action.
    pub enum HandledBy {
        /// The Finesse desktop's workflow engine.
        FinesseDesktop = "FINESSE_DESKTOP",
        /// A third-party gadget, through the OpenAjax hub.
        Other = "OTHER",
    }
}

string_enum! {
    /// A workflow trigger set or variable type.
    pub enum VariableType {
        /// Defined by the system.
        System = "SYSTEM",
        /// Defined by the administrator.
        Custom = "CUSTOM",
    }
}

string_enum! {
    /// A workflow trigger set name.
    pub enum TriggerSetName {
        /// A call arrives.
        CallArrives = "CALL_ARRIVES",
        /// A call is answered.
        CallAnswered = "CALL_ANSWERED",
        /// A call ends.
        CallEnds = "CALL_ENDS",
        /// A call is made.
        CallIsMade = "CALL_IS_MADE",
        /// A call is previewed.
        CallIsPreviewed = "CALL_IS_PREVIEWED",
    }
}

string_enum! {
    /// A workflow comparator.
    pub enum Comparator {
        /// Equal.
        IsEqual = "IS_EQUAL",
        /// Not equal.
        IsNotEqual = "IS_NOT_EQUAL",
        /// Begins with.
        BeginsWith = "BEGINS_WITH",
        /// Ends with.
        EndsWith = "ENDS_WITH",
        /// Contains.
        Contains = "CONTAINS",
        /// Empty.
        IsEmpty = "IS_EMPTY",
        /// Not empty.
        IsNotEmpty = "IS_NOT_EMPTY",
        /// In a comma-separated list.
        IsInList = "IS_IN_LIST",
        /// Not in a comma-separated list.
        IsNotInList = "IS_NOT_IN_LIST",
    }
}

string_enum! {
    /// How a workflow's conditions combine.
    pub enum ApplyMethod {
        /// Any condition.
        Any = "ANY",
        /// All conditions.
        All = "ALL",
    }
}

string_enum! {
    /// Nonvoice disposition code of a closed dialog.
    pub enum DispositionCode {
        /// Normal end.
        NormalEndTask = "CD_NORMAL_END_TASK",
        /// Transferred.
        TaskTransfer = "CD_TASK_TRANSFER",
        /// Transferred on agent sign-out.
        TaskTransferredOnAgentLogout = "CD_TASK_TRANSFERRED_ON_AGENT_LOGOUT" | "CD_TASK_TRANSFERRED_AGENT_LOGOUT",
        /// Ring no answer.
        RingNoAnswer = "CD_RING_NO_ANSWER",
        /// Lifetime exceeded.
        MaxDialogLifetimeExceeded = "CD_MAX_DIALOG_LIFETIME_EXCEEDED",
        /// Abandoned while offered.
        TaskAbandonedWhileOffered = "CD_TASK_ABANDONED_WHILE_OFFERED",
        /// No dialog id could be obtained.
        CantObtainDialogId = "CD_CANT_OBTAIN_DIALOG_ID",
        /// The agent signed out during the dialog.
        AgentLoggedOutDuringDialog = "CD_AGENT_LOGGED_OUT_DURING_DIALOG",
        /// Ended during application initialization.
        TaskEndedDuringAppInit = "CD_TASK_ENDED_DURING_APP_INIT",
        /// The application disconnected.
        ApplicationDisconnected = "CD_APPLICATION_DISCONNECTED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_are_kept() {
        for wire in AgentState::KNOWN {
            assert_eq!(AgentState::from_wire(wire).as_str(), *wire);
        }
        assert_eq!(AgentState::from_wire("BREAK"), AgentState::Unknown("BREAK".into()));
        assert!(!AgentState::from_wire("BREAK").is_known());
        assert_eq!(UpdateEvent::from_wire("put"), UpdateEvent::Put);
        assert!(!CallType::from_wire("CONSULT_CONFERECE").is_known());
    }
}
