//! Dialog (guide chapter 3, "Dialog"): a call or nonvoice task, its participants and the
//! actions each participant may take. Buttons in a gadget are enabled only from those actions.

use crate::{
    Action, CallType, DialogId, DialogState, DispositionCode, Extension, MediaAddressType,
    OutboundClassification, ParticipantState, StateCause, Timestamp,
};

xml_struct! {
    /// A dialog (guide: "Dialog", "Dialog API Parameters").
    pub struct Dialog as "Dialog" | "dialog" {
        /// The dialog this one is associated with (consult, silent monitor, barge).
        associated_dialog_uri: Option<String>,
        /// The caller (see the guide's notification rules for from/to).
        from_address: Option<String>,
        /// Dialog id.
        id: Option<DialogId>,
        /// After a transfer or conference, the dropped call's dialog id (11.6).
        secondary_id: Option<String>,
        /// Call data.
        media_properties: Option<MediaProperties>,
        /// `Voice`, or the Media Routing Domain's name for a nonvoice task.
        media_type: Option<String>,
        /// One entry per call leg.
        participants: Option<Participants>,
        /// Scheduled callback (Outbound Option).
        scheduled_callback_info: Option<ScheduledCallbackInfo>,
        /// Dialog state.
        state: Option<DialogState>,
        /// The dialed number of the original call.
        to_address: Option<String>,
        /// `/finesse/api/Dialog/{id}`.
        uri: Option<String>,
        /// Nonvoice: why the task closed.
        disposition_code: Option<DispositionCode>,
    }
}

impl Dialog {
    /// The dialog id: `id`, else the last segment of `uri`.
    pub fn dialog_id(&self) -> Option<DialogId> {
        self.id
            .clone()
            .or_else(|| self.uri.as_deref().and_then(crate::id_from_uri).map(DialogId::from))
    }

    /// The participant whose media address is `address` (an agent's extension).
    pub fn participant(&self, address: &str) -> Option<&Participant> {
        self.participants.as_ref()?.iter().find(|p| p.media_address.as_deref() == Some(address))
    }

    /// The actions `address` may take on this dialog (empty when it is not a participant).
    pub fn actions_for(&self, address: &str) -> &[Action] {
        self.participant(address)
            .and_then(|p| p.actions.as_ref())
            .map_or(&[], |a| a.action.as_slice())
    }

    /// The value of a call variable (`callVariable1`, `user.ecc`, `BAStatus`, …).
    pub fn call_variable(&self, name: &str) -> Option<&str> {
        self.media_properties
            .as_ref()?
            .call_variables
            .as_ref()?
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }
}

xml_struct! {
    /// `<mediaProperties>`: call data of a dialog.
    pub struct MediaProperties {
        /// Media Routing Domain id (voice: `1`).
        media_id: Option<String>,
        /// Dialed number (`dialNumber` in some guide samples).
        #[serde(alias = "dialNumber")]
        dialed_number: Option<String>,
        /// The route point for routed calls.
        #[serde(rename = "DNIS", alias = "dnis")]
        dnis: Option<String>,
        /// Call type.
        call_type: Option<CallType>,
        /// Outbound classification (printed in a notification sample).
        outbound_classification: Option<OutboundClassification>,
        /// Queue id (11.6).
        queue_number: Option<String>,
        /// Queue name (11.6).
        queue_name: Option<String>,
        /// Unique call number for the day (Unified CCE).
        call_key_call_id: Option<String>,
        /// Day the call was routed (Unified CCE).
        call_key_prefix: Option<String>,
        /// Call key sequence number (printed in some samples).
        call_key_sequence_num: Option<String>,
        /// Wrap-up reason (at most 39 bytes).
        wrap_up_reason: Option<String>,
        /// Call variables and ECC variables (`callvariables` on the wire).
        #[serde(rename = "callvariables", alias = "callVariables")]
        call_variables: Option<CallVariables>,
    }
}

xml_list! {
    /// `<callvariables><CallVariable>…`.
    pub struct CallVariables { "CallVariable" | "callVariable" => variables: CallVariable }
}

xml_struct! {
    /// One call variable: `callVariable1`…`callVariable10`, an ECC variable (`user.name`,
    /// `user.array[2]`) or an Outbound Option variable (`BACampaign`, …).
    pub struct CallVariable {
        /// Name.
        name: String,
        /// Value; empty is a valid value and is always written.
        value: String,
    }
}

impl CallVariable {
    /// A call variable.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self { name: name.into(), value: value.into() }
    }
}

xml_list! {
    /// `<participants><Participant>…`.
    pub struct Participants { "Participant" | "participant" => participants: Participant }
}

xml_struct! {
    /// One call leg.
    pub struct Participant {
        /// Actions this participant may take now.
        actions: Option<Actions>,
        /// Extension, caller ANI, or (nonvoice) the agent id.
        media_address: Option<String>,
        /// `AGENT_DEVICE` for agents.
        media_address_type: Option<MediaAddressType>,
        /// When the leg started (server clock).
        start_time: Option<Timestamp>,
        /// Leg state.
        state: Option<ParticipantState>,
        /// Why it failed.
        state_cause: Option<StateCause>,
        /// When the leg state last changed (server clock).
        state_change_time: Option<Timestamp>,
    }
}

xml_struct! {
    /// `<actions><action>ANSWER</action>…</actions>`.
    pub struct Actions {
        /// The actions.
        action: Vec<Action>,
    }
}

impl Actions {
    /// Whether `action` is allowed.
    pub fn allows(&self, action: &Action) -> bool {
        self.action.contains(action)
    }
}

xml_struct! {
    /// `<scheduledCallbackInfo>` (Outbound Option).
    pub struct ScheduledCallbackInfo {
        /// `YYYY-MM-DDThh:mm` in the customer's time zone.
        callback_time: Option<String>,
        /// The number to call back.
        callback_number: Option<String>,
    }
}

xml_list! {
    /// A list of dialogs (`GET /finesse/api/User/{id}/Dialogs`, Dialogs notifications).
    pub struct Dialogs as "Dialogs" | "dialogs" { "Dialog" | "dialog" => dialogs: Dialog }
}

xml_struct! {
    /// The body of every Dialog request (guide: "Dialog—Create a New Dialog", "Take Action on
    /// Participant", "Update Call Variable Data", "Send DTMF String", "Make a Consult Call
    /// Request", "Initiate a Single Step Transfer", silent monitor, barge, drop, recording,
    /// outbound preview, reclassify, callbacks, nonvoice task actions). Use the constructors.
    pub struct DialogRequest as "Dialog" | "dialog" {
        /// The action.
        requested_action: Option<Action>,
        /// The extension making the call (MAKE_CALL, SILENT_MONITOR, BARGE_CALL).
        from_address: Option<String>,
        /// The number to call.
        to_address: Option<String>,
        /// The participant the action applies to.
        target_media_address: Option<Extension>,
        /// Nonvoice transfer target (Script Selector or dialed number).
        target: Option<String>,
        /// The call a barge joins.
        associated_dialog_uri: Option<String>,
        /// Call variables or wrap-up reason.
        media_properties: Option<MediaProperties>,
        /// Action parameters (`dtmfString`, `outboundClassification`, `callbackTime`, …).
        action_params: Option<ActionParams>,
    }
}

xml_list! {
    /// `<actionParams><ActionParam>…`.
    pub struct ActionParams { "ActionParam" | "actionParam" => params: ActionParam }
}

xml_struct! {
    /// One action parameter.
    pub struct ActionParam {
        /// Name.
        name: String,
        /// Value.
        value: String,
    }
}

impl DialogRequest {
    fn action(action: Action, target: Option<&Extension>) -> Self {
        Self {
            requested_action: Some(action),
            target_media_address: target.cloned(),
            ..Self::default()
        }
    }

    fn with_params(mut self, params: &[(&str, &str)]) -> Self {
        self.action_params = Some(ActionParams {
            params: params
                .iter()
                .map(|(n, v)| ActionParam { name: (*n).to_owned(), value: (*v).to_owned() })
                .collect(),
        });
        self
    }

    /// Make a call from `from` (the user's extension) to `to`, optionally with call variables
    /// (Unified CCE only).
    pub fn make_call(from: &Extension, to: &str, variables: Vec<CallVariable>) -> Self {
        Self {
            requested_action: Some(Action::MakeCall),
            from_address: Some(from.0.clone()),
            to_address: Some(to.to_owned()),
            media_properties: (!variables.is_empty()).then(|| MediaProperties {
                call_variables: Some(variables.into()),
                ..MediaProperties::default()
            }),
            ..Self::default()
        }
    }

    /// A participant action (ANSWER, HOLD, RETRIEVE, DROP, START_RECORDING, ACCEPT, CLOSE,
    /// REJECT, CANCEL_SCHEDULED_CALLBACK, …) by `target`.
    pub fn participant(action: Action, target: &Extension) -> Self {
        Self::action(action, Some(target))
    }

    /// Complete a consult as TRANSFER or CONFERENCE (`to` is the consulted party, optional).
    pub fn complete(action: Action, target: &Extension, to: Option<&str>) -> Self {
        Self { to_address: to.map(str::to_owned), ..Self::action(action, Some(target)) }
    }

    /// Consult call from an active call.
    pub fn consult(target: &Extension, to: &str) -> Self {
        Self { to_address: Some(to.to_owned()), ..Self::action(Action::ConsultCall, Some(target)) }
    }

    /// Single-step ("direct") transfer (Unified CCE).
    pub fn single_step_transfer(target: &Extension, to: &str) -> Self {
        Self { to_address: Some(to.to_owned()), ..Self::action(Action::TransferSst, Some(target)) }
    }

    /// Send DTMF digits.
    pub fn send_dtmf(target: &Extension, digits: &str) -> Self {
        Self::action(Action::SendDtmf, Some(target)).with_params(&[("dtmfString", digits)])
    }

    /// Update call variables and/or the wrap-up reason.
    pub fn update_call_data(wrap_up_reason: Option<&str>, variables: Vec<CallVariable>) -> Self {
        Self {
            media_properties: Some(MediaProperties {
                wrap_up_reason: wrap_up_reason.map(str::to_owned),
                call_variables: (!variables.is_empty()).then(|| variables.into()),
                ..MediaProperties::default()
            }),
            ..Self::action(Action::UpdateCallData, None)
        }
    }

    /// A supervisor's silent monitor call from `supervisor` to `agent`.
    pub fn silent_monitor(supervisor: &Extension, agent: &Extension) -> Self {
        Self {
            from_address: Some(supervisor.0.clone()),
            to_address: Some(agent.0.clone()),
            ..Self::action(Action::SilentMonitor, None)
        }
    }

    /// A supervisor's barge into the monitored call `dialog_uri`.
    pub fn barge(supervisor: &Extension, agent: &Extension, dialog_uri: &str) -> Self {
        Self {
            from_address: Some(supervisor.0.clone()),
            to_address: Some(agent.0.clone()),
            associated_dialog_uri: Some(dialog_uri.to_owned()),
            ..Self::action(Action::BargeCall, None)
        }
    }

    /// Drop `target` from a conference.
    pub fn participant_drop(target: &Extension) -> Self {
        Self::action(Action::ParticipantDrop, Some(target))
    }

    /// Reclassify a direct preview call.
    pub fn reclassify(target: &Extension, class: &OutboundClassification) -> Self {
        Self::action(Action::Reclassify, Some(target))
            .with_params(&[("outboundClassification", class.as_str())])
    }

    /// Schedule a callback at `time` (`YYYY-MM-DDThh:mm`), optionally to another number.
    pub fn schedule_callback(target: &Extension, time: &str, number: Option<&str>) -> Self {
        let mut params = vec![("callbackTime", time)];
        if let Some(number) = number {
            params.push(("callbackNumber", number));
        }
        Self::action(Action::UpdateScheduledCallback, Some(target)).with_params(&params)
    }

    /// A nonvoice task action (ACCEPT, START, PAUSE, RESUME, WRAP_UP): no target address.
    pub fn task(action: Action) -> Self {
        Self::action(action, None)
    }

    /// Close a nonvoice task, optionally with a wrap-up reason.
    pub fn close_task(wrap_up_reason: Option<&str>) -> Self {
        Self {
            media_properties: wrap_up_reason.map(|r| MediaProperties {
                wrap_up_reason: Some(r.to_owned()),
                ..MediaProperties::default()
            }),
            ..Self::action(Action::Close, None)
        }
    }

    /// Transfer a nonvoice task to a Script Selector or dialed number.
    pub fn transfer_task(target: &str) -> Self {
        Self { target: Some(target.to_owned()), ..Self::action(Action::Transfer, None) }
    }

    /// The value of an action parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.action_params.as_ref()?.iter().find(|p| p.name == name).map(|p| p.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_strict, encode};

    #[test]
    fn request_constructors_encode_as_the_guide_prints() {
        let ext = Extension::from("1001001");
        assert_eq!(
            encode(&DialogRequest::participant(Action::Answer, &ext)).unwrap(),
            "<Dialog><requestedAction>ANSWER</requestedAction>\
             <targetMediaAddress>1001001</targetMediaAddress></Dialog>"
        );
        let dtmf = DialogRequest::send_dtmf(&ext, "777");
        let xml = encode(&dtmf).unwrap();
        assert!(
            xml.contains("<actionParams><ActionParam><name>dtmfString</name><value>777</value>")
        );
        let back: DialogRequest = decode_strict(&xml).unwrap();
        assert_eq!(back.param("dtmfString"), Some("777"));
    }

    #[test]
    fn empty_call_variable_values_are_written() {
        let req =
            DialogRequest::update_call_data(None, vec![CallVariable::new("callVariable1", "")]);
        let xml = encode(&req).unwrap();
        assert!(xml.contains("<name>callVariable1</name><value"), "{xml}");
        let back: DialogRequest = decode_strict(&xml).unwrap();
        assert_eq!(back, req);
    }

    #[test]
    fn actions_are_read_per_participant() {
        let dialog: Dialog = decode_strict(
            "<Dialog><participants><Participant><actions><action>ANSWER</action></actions>\
             <mediaAddress>1001</mediaAddress><state>ALERTING</state></Participant>\
             <Participant><actions/><mediaAddress>5551234</mediaAddress></Participant>\
             </participants><uri>/finesse/api/Dialog/42</uri></Dialog>",
        )
        .unwrap();
        assert_eq!(dialog.actions_for("1001"), &[Action::Answer]);
        assert!(dialog.actions_for("5551234").is_empty());
        assert!(dialog.actions_for("nobody").is_empty());
        assert_eq!(dialog.dialog_id(), Some(DialogId::from("42")));
    }
}
