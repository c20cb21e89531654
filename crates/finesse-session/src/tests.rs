//! Session tests with literal XML: notifications as the simulator encodes them (element names,
//! order and case as its engine writes them), REST answers as the guide prints them.

use finesse_model::transitions::StateChangeError;
use finesse_model::{
    AgentState, CallVariable, DeploymentType, DialogId, ReasonCodeCategory, Update, decode,
};
use finesse_rest::{Method, RestError};

use crate::{
    Applied, Event, FailureKind, Intent, MenuGroup, Millis, Outgoing, Refresh, Refusal, RequestId,
    Session, WrapUpRequirement,
};

/// 2023-11-14T22:13:20.000Z.
const T0: Millis = 1_700_000_000_000;
const USER_NODE: &str = "/finesse/api/User/1001";
const DIALOGS_NODE: &str = "/finesse/api/User/1001/Dialogs";

fn ts(ms: Millis) -> String {
    finesse_model::Timestamp::from_epoch_millis(ms).0
}

/// A User notification as the engine publishes it.
fn user(state: &str, changed: Millis, extra: &str) -> String {
    format!(
        "<Update><event>PUT</event><source>/finesse/api/User/1001</source><data><User>\
         <uri>/finesse/api/User/1001</uri><roles><role>Agent</role></roles>\
         <loginId>1001</loginId><loginName>1001</loginName><state>{state}</state>\
         <stateChangeTime>{}</stateChangeTime>{extra}\
         <settings><wrapUpOnIncoming>REQUIRED_WITH_WRAP_UP_DATA</wrapUpOnIncoming></settings>\
         <extension>1001</extension><firstName>Ann</firstName><lastName>Able</lastName>\
         <teamId>1</teamId><teamName>Sales</teamName>\
         <dialogs>/finesse/api/User/1001/Dialogs</dialogs></User></data></Update>",
        ts(changed)
    )
}

/// A participant: address, state, actions, start.
fn party(address: &str, state: &str, actions: &[&str], start: Millis) -> String {
    let actions: String = actions.iter().map(|a| format!("<action>{a}</action>")).collect();
    let actions =
        if actions.is_empty() { String::new() } else { format!("<actions>{actions}</actions>") };
    let kind =
        if address.len() == 4 { "<mediaAddressType>AGENT_DEVICE</mediaAddressType>" } else { "" };
    format!(
        "<Participant>{actions}<mediaAddress>{address}</mediaAddress>{kind}\
         <startTime>{}</startTime><state>{state}</state>\
         <stateChangeTime>{}</stateChangeTime></Participant>",
        ts(start),
        ts(start)
    )
}

/// A Dialog: id, from, to, dialog state, participants, extra elements (associatedDialogUri…).
fn dialog(id: &str, from: &str, to: &str, state: &str, parties: &[String], extra: &str) -> String {
    format!(
        "<Dialog>{extra}<fromAddress>{from}</fromAddress><id>{id}</id><mediaProperties>\
         <mediaId>1</mediaId><dialedNumber>{to}</dialedNumber><DNIS>8001</DNIS>\
         <callType>ACD_IN</callType><queueNumber>10</queueNumber><queueName>Sales</queueName>\
         <callvariables><CallVariable><name>callVariable1</name><value>Alice</value>\
         </CallVariable><CallVariable><name>callVariable2</name><value/></CallVariable>\
         <CallVariable><name>user.tier</name><value>Gold</value></CallVariable></callvariables>\
         </mediaProperties><mediaType>Voice</mediaType><participants>{}</participants>\
         <state>{state}</state><toAddress>{to}</toAddress><uri>/finesse/api/Dialog/{id}</uri>\
         </Dialog>",
        parties.concat()
    )
}

fn put_dialog(rid: &str, id: &str, dialog: &str) -> String {
    format!(
        "<Update><event>PUT</event><requestId>{rid}</requestId>\
         <source>/finesse/api/Dialog/{id}</source><data>{dialog}</data></Update>"
    )
}

fn post_dialogs(rid: &str, dialog: &str) -> String {
    format!(
        "<Update><event>POST</event><requestId>{rid}</requestId>\
         <source>/finesse/api/User/1001/Dialogs</source><data><Dialogs>{dialog}</Dialogs></data>\
         </Update>"
    )
}

fn delete_dialogs(rid: &str, dialog: &str) -> String {
    format!(
        "<Update><event>DELETE</event><requestId>{rid}</requestId>\
         <source>/finesse/api/User/1001/Dialogs</source><data><Dialogs>{dialog}</Dialogs></data>\
         </Update>"
    )
}

fn upd(xml: &str) -> Update {
    decode(xml).unwrap_or_else(|e| panic!("{e}: {xml}"))
}

/// A signed-in session: SystemInfo (UCCE, the server clock 2 s ahead), the user Not Ready,
/// two Not Ready reasons, one Sign Out reason, a wrap-up reason and a layout.
fn signed_in(deployment: &str) -> Session {
    let mut s = Session::new("1001".into());
    let refresh = |s: &mut Session, what, body: &str| {
        s.apply_refresh(what, 200, body, T0).unwrap_or_else(|e| panic!("{what:?}: {e}"));
    };
    refresh(
        &mut s,
        Refresh::SystemInfo,
        &format!(
            "<SystemInfo><currentTimestamp>{}</currentTimestamp>\
             <deploymentType>{deployment}</deploymentType><status>IN_SERVICE</status>\
             <uri>/finesse/api/SystemInfo</uri></SystemInfo>",
            ts(T0 + 2_000)
        ),
    );
    let u = user("NOT_READY", T0 - 60_000, "<reasonCodeId>-1</reasonCodeId>");
    let Some(finesse_model::UpdateData::User(u)) = upd(&u).data else { panic!("a user") };
    s.apply_user(u);
    refresh(
        &mut s,
        Refresh::NotReadyReasons,
        "<ReasonCodes category=\"NOT_READY\"><ReasonCode><category>NOT_READY</category>\
         <uri>/finesse/api/ReasonCode/1</uri><code>12</code><label>Lunch</label>\
         <forAll>true</forAll></ReasonCode><ReasonCode><category>NOT_READY</category>\
         <uri>/finesse/api/ReasonCode/2</uri><code>10</code><label>Meeting</label>\
         <forAll>true</forAll></ReasonCode></ReasonCodes>",
    );
    refresh(
        &mut s,
        Refresh::LogoutReasons,
        "<ReasonCodes category=\"LOGOUT\"><ReasonCode><category>LOGOUT</category>\
         <uri>/finesse/api/ReasonCode/10</uri><code>20</code><label>End of Shift</label>\
         <forAll>true</forAll></ReasonCode></ReasonCodes>",
    );
    refresh(
        &mut s,
        Refresh::WrapUpReasons,
        "<WrapUpReasons><WrapUpReason><uri>/finesse/api/WrapUpReason/1</uri>\
         <label>Sales Call</label><forAll>true</forAll></WrapUpReason></WrapUpReasons>",
    );
    refresh(
        &mut s,
        Refresh::Layout,
        "<MediaPropertiesLayout><uri>/finesse/api/MediaPropertiesLayout/1</uri>\
         <name>Sales</name><type>DEFAULT</type><header><entry><displayName>Customer</displayName>\
         <mediaProperty>callVariable1</mediaProperty></entry></header><column><entry>\
         <displayName>Tier</displayName><mediaProperty>user.tier</mediaProperty></entry><entry>\
         <displayName>Account</displayName><mediaProperty>callVariable2</mediaProperty></entry>\
         </column><column><entry><displayName>Customer</displayName>\
         <mediaProperty>callVariable1</mediaProperty></entry></column></MediaPropertiesLayout>",
    );
    refresh(&mut s, Refresh::Dialogs, "<Dialogs/>");
    drain(&mut s);
    s
}

fn drain(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

fn random(n: u8) -> [u8; 16] {
    [n; 16]
}

fn send(s: &mut Session, intent: Intent, n: u8) -> Outgoing {
    s.request(intent.clone(), T0, random(n)).unwrap_or_else(|e| panic!("{intent:?}: {e}"))
}

fn apply(s: &mut Session, node: &str, xml: &str) -> Applied {
    s.apply_update(node, &upd(xml), T0)
}

fn completed(events: &[Event]) -> Vec<Intent> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::RequestCompleted { intent, .. } => Some(intent.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn requests_carry_a_request_id_and_the_guide_s_body() {
    let mut s = signed_in("UCCE");
    let out = send(&mut s, Intent::NotReady { reason: Some("2".into()) }, 1);
    assert_eq!(out.id, RequestId::from_random(random(1)));
    assert_eq!(out.request.request_id.as_deref(), Some(out.id.as_str()));
    assert_eq!((out.request.method, out.request.path.as_str()), (Method::Put, USER_NODE));
    assert_eq!(
        out.request.body.as_deref(),
        Some("<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>")
    );
    let out = send(&mut s, Intent::SignOut { reason: Some("10".into()) }, 2);
    assert_eq!(
        out.request.body.as_deref(),
        Some(
            "<User><state>LOGOUT</state><reasonCodeId>10</reasonCodeId><logoutAllMedia>true</logoutAllMedia></User>"
        )
    );
    let out = send(&mut s, Intent::MakeCall { to: " 5551234 ".into(), variables: Vec::new() }, 3);
    assert_eq!((out.request.method, out.request.path.as_str()), (Method::Post, DIALOGS_NODE));
    assert_eq!(
        out.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001</fromAddress><toAddress>5551234</toAddress></Dialog>"
        )
    );
    assert_eq!(s.in_flight().count(), 3);
    assert!(s.state_change_in_flight());
    assert!(!s.can_make_call(), "one call at a time");
}

#[test]
fn reasons_are_required_and_checked() {
    let mut s = signed_in("UCCE");
    assert_eq!(
        s.request(Intent::NotReady { reason: None }, T0, random(1)),
        Err(Refusal::ReasonRequired)
    );
    assert_eq!(
        s.request(Intent::NotReady { reason: Some("99".into()) }, T0, random(1)),
        Err(Refusal::UnknownReason("99".into()))
    );
    assert_eq!(
        s.request(Intent::SignOut { reason: Some("1".into()) }, T0, random(1)),
        Err(Refusal::UnknownReason("1".into())),
        "a Not Ready reason is not a Sign Out reason"
    );
    // Without configured codes, none is given.
    s.apply_reason_codes(&ReasonCodeCategory::Logout, decode("<ReasonCodes/>").expect("empty"));
    assert!(s.request(Intent::SignOut { reason: None }, T0, random(1)).is_ok());
    assert_eq!(
        s.request(Intent::SignOut { reason: Some("10".into()) }, T0, random(2)),
        Err(Refusal::UnknownReason("10".into()))
    );
    assert_eq!(
        s.request(Intent::Ready, T0, random(3)).map(|o| o.request.body),
        Ok(Some("<User><state>READY</state></User>".to_owned()))
    );
}

#[test]
fn the_state_menu_follows_the_transition_tables() {
    let mut s = signed_in("UCCE");
    let menu = s.state_menu();
    let labels: Vec<_> = menu.iter().map(|i| (i.label.as_str(), i.enabled)).collect();
    assert_eq!(
        labels,
        [
            ("Ready", true),
            ("Not Ready \u{2013} Lunch", true),
            ("Not Ready \u{2013} Meeting", true),
            ("Sign Out \u{2013} End of Shift", true),
        ]
    );
    assert!(menu.iter().all(|i| !i.after_call && !i.selected));
    // Ready: Not Ready allowed, Sign Out not on UCCE (only from Not Ready).
    apply(&mut s, USER_NODE, &user("READY", T0, ""));
    let menu = s.state_menu();
    let ready = &menu[0];
    assert!(ready.selected && !ready.enabled);
    // The current state is explained as such, not as a state that cannot be reached.
    assert_eq!(ready.why_not.as_deref(), Some("this is your current state"));
    let sign_out = menu.iter().find(|i| i.group == MenuGroup::SignOut).expect("Sign Out");
    assert!(!sign_out.enabled);
    assert_eq!(sign_out.why_not.as_deref(), Some(StateChangeError::InvalidTransition.describe()));
    assert_eq!(
        s.request(Intent::SignOut { reason: Some("10".into()) }, T0, random(1)),
        Err(Refusal::StateNotAllowed(StateChangeError::InvalidTransition))
    );
    // UCCX signs out from Ready.
    let mut x = signed_in("UCCX");
    apply(&mut x, USER_NODE, &user("READY", T0, ""));
    assert!(x.state_menu().iter().any(|i| i.group == MenuGroup::SignOut && i.enabled));
    // Not Ready with a reason: that entry is the current one; the other reason is a change.
    apply(
        &mut s,
        USER_NODE,
        &user(
            "NOT_READY",
            T0,
            "<reasonCodeId>1</reasonCodeId><ReasonCode><category>NOT_READY</category>\
             <uri>/finesse/api/ReasonCode/1</uri><code>12</code><label>Lunch</label>\
             <forAll>true</forAll><id>1</id></ReasonCode>",
        ),
    );
    let menu = s.state_menu();
    assert_eq!(menu.iter().filter(|i| i.selected).count(), 1);
    assert!(menu[1].selected && !menu[1].enabled && menu[2].enabled, "{menu:?}");
    assert_eq!(s.agent(T0).reason.as_deref(), Some("Lunch"));
    // Signed out: nothing but sign-in (which the desktop does).
    apply(&mut s, USER_NODE, &user("LOGOUT", T0, ""));
    assert!(s.state_menu().iter().all(|i| !i.enabled));
    assert!(!s.agent(T0).signed_in);
    assert_eq!(
        s.request(Intent::Ready, T0, random(1)),
        Err(Refusal::StateNotAllowed(StateChangeError::SignedOut))
    );
}

#[test]
fn time_in_state_uses_the_server_clock() {
    let s = signed_in("UCCE");
    // The state changed 60 s before T0 (server time); the server's clock is 2 s ahead.
    let agent = s.agent(T0 + 10_000);
    assert_eq!(agent.time_in_state, Some(72_000));
    assert_eq!(crate::format_elapsed(agent.time_in_state.unwrap_or_default()), "1:12");
    assert_eq!((agent.label, agent.name.as_str()), ("Not Ready", "Ann Able"));
    assert_eq!(agent.reason, None, "reasonCodeId -1 is no reason");
}

/// The call flow of the guide's CTI mapping tables, as the simulator publishes it.
#[test]
fn ring_answer_hold_retrieve_consult_transfer() {
    let mut s = signed_in("UCCE");
    apply(&mut s, USER_NODE, &user("READY", T0, ""));
    drain(&mut s);
    let caller = "4085553898";
    // Ring (literal, as the engine encoded it).
    let ring = "<Update><event>POST</event><source>/finesse/api/User/1001/Dialogs</source><data>\
        <Dialogs><Dialog><fromAddress>4085553898</fromAddress><id>16804377</id><mediaProperties>\
        <mediaId>1</mediaId><dialedNumber>8001</dialedNumber><DNIS>8001</DNIS>\
        <callType>ACD_IN</callType><queueNumber>10</queueNumber><queueName>Sales</queueName>\
        <callKeyCallId>1</callKeyCallId><callKeyPrefix>45242</callKeyPrefix><callvariables>\
        <CallVariable><name>callVariable1</name><value>Alice</value></CallVariable>\
        <CallVariable><name>callVariable2</name><value/></CallVariable></callvariables>\
        </mediaProperties><mediaType>Voice</mediaType><participants><Participant><actions>\
        <action>DROP</action><action>UPDATE_CALL_DATA</action></actions>\
        <mediaAddress>4085553898</mediaAddress><startTime>2023-11-14T22:13:21.000Z</startTime>\
        <state>INITIATED</state><stateChangeTime>2023-11-14T22:13:21.000Z</stateChangeTime>\
        </Participant><Participant><actions><action>ANSWER</action></actions>\
        <mediaAddress>1001</mediaAddress><mediaAddressType>AGENT_DEVICE</mediaAddressType>\
        <state>ALERTING</state><stateChangeTime>2023-11-14T22:13:21.000Z</stateChangeTime>\
        </Participant></participants><state>ALERTING</state><toAddress>8001</toAddress>\
        <uri>/finesse/api/Dialog/16804377</uri></Dialog></Dialogs></data></Update>";
    assert_eq!(apply(&mut s, DIALOGS_NODE, ring), Applied::Dialogs);
    apply(&mut s, USER_NODE, &user("RESERVED", T0 + 1_000, ""));
    let call = DialogId::from("16804377");
    let ev = drain(&mut s);
    assert!(ev.contains(&Event::CallArrived { dialog: call.clone() }), "{ev:?}");
    assert!(ev.contains(&Event::StateChanged {
        from: Some(AgentState::Ready),
        to: Some(AgentState::Reserved)
    }));
    let v = s.call_view(&call, T0 + 1_000).expect("the call");
    assert_eq!(
        (v.status, v.incoming, v.from.as_deref(), v.dnis.as_deref()),
        ("Incoming", true, Some(caller), Some("8001"))
    );
    assert_eq!(
        (v.call_type_label.as_deref(), v.queue_name.as_deref(), v.queue_number.as_deref()),
        (Some("Inbound"), Some("Sales"), Some("10"))
    );
    assert_eq!(v.parties.len(), 1);
    assert_eq!((v.parties[0].address.as_str(), v.parties[0].status), (caller, "Dialing"));
    assert!(v.controls.answer && !v.controls.end && !v.controls.hold);
    assert!(!s.can_make_call());

    // Answer.
    let answer = send(&mut s, Intent::Answer(call.clone()), 1);
    assert_eq!(
        answer.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>1001</targetMediaAddress></Dialog>"
        )
    );
    assert_eq!(answer.request.path, "/finesse/api/Dialog/16804377");
    assert!(s.call_view(&call, T0).is_some_and(|v| v.busy));
    s.request_answered(&answer.id, Ok(()));
    let active = [
        party(caller, "ACTIVE", &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL"], T0 + 1_000),
        party(
            "1001",
            "ACTIVE",
            &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL", "SEND_DTMF", "TRANSFER_SST"],
            T0 + 2_000,
        ),
    ];
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            answer.id.as_str(),
            "16804377",
            &dialog("16804377", caller, "8001", "ACTIVE", &active, ""),
        ),
    );
    apply(&mut s, USER_NODE, &user("TALKING", T0 + 2_000, ""));
    assert_eq!(completed(&drain(&mut s)), [Intent::Answer(call.clone())]);
    let v = s.call_view(&call, T0 + 7_000).expect("the call");
    assert_eq!((v.status, v.call_time, v.hold_time), ("Active", Some(7_000), None));
    let c = v.controls;
    assert!(
        c.hold
            && c.end
            && c.consult
            && c.keypad
            && c.single_step_transfer
            && c.update_call_data
            && c.wrap_up
    );
    assert!(!c.answer && !c.retrieve && !c.transfer && !c.conference);
    // The layout orders and labels the call data.
    assert_eq!(
        v.data.header.as_ref().map(|f| (f.label.as_str(), f.value.as_str())),
        Some(("Customer", "Alice"))
    );
    let first: Vec<_> =
        v.data.columns[0].iter().map(|f| (f.label.as_str(), f.value.as_str())).collect();
    assert_eq!(first, [("Tier", "Gold"), ("Account", "")]);
    assert_eq!(v.data.columns.len(), 2);

    // Hold: confirmed by the outcome even though this notification carries no request id.
    let hold = send(&mut s, Intent::Hold(call.clone()), 2);
    s.request_answered(&hold.id, Ok(()));
    let held = [
        party(caller, "ACTIVE", &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL"], T0 + 1_000),
        party("1001", "HELD", &["RETRIEVE", "DROP", "UPDATE_CALL_DATA"], T0 + 10_000),
    ];
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog("", "16804377", &dialog("16804377", caller, "8001", "ACTIVE", &held, "")),
    );
    assert_eq!(completed(&drain(&mut s)), [Intent::Hold(call.clone())]);
    let v = s.call_view(&call, T0 + 13_000).expect("held");
    assert_eq!((v.status, v.hold_time), ("Hold", Some(5_000)), "server clock 2 s ahead");
    assert!(v.controls.retrieve && !v.controls.hold && !v.controls.keypad);
    apply(&mut s, USER_NODE, &user("HOLD", T0 + 10_000, ""));
    assert!(s.can_make_call(), "a new call with the call on hold");

    // Retrieve.
    let retrieve = send(&mut s, Intent::Retrieve(call.clone()), 3);
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            retrieve.id.as_str(),
            "16804377",
            &dialog("16804377", caller, "8001", "ACTIVE", &active, ""),
        ),
    );
    apply(&mut s, USER_NODE, &user("TALKING", T0 + 12_000, ""));
    // The notification came before the HTTP answer: completed now, the answer closes it.
    assert_eq!(completed(&drain(&mut s)), [Intent::Retrieve(call.clone())]);
    s.request_answered(&retrieve.id, Ok(()));
    assert!(drain(&mut s).is_empty());
    assert_eq!(s.in_flight().count(), 0);

    // Consult 1002: the original is held, a consult dialog is posted.
    assert_eq!(
        s.request(Intent::Consult { dialog: call.clone(), to: "1001".into() }, T0, random(4)),
        Err(Refusal::BadNumber(crate::DialError::OwnExtension))
    );
    let consult = send(&mut s, Intent::Consult { dialog: call.clone(), to: "1002".into() }, 4);
    assert_eq!(
        consult.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>CONSULT_CALL</requestedAction><toAddress>1002</toAddress><targetMediaAddress>1001</targetMediaAddress></Dialog>"
        )
    );
    s.request_answered(&consult.id, Ok(()));
    let rid = consult.id.as_str();
    let held_with_consult = [
        party(caller, "ACTIVE", &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL"], T0 + 1_000),
        party(
            "1001",
            "HELD",
            &["RETRIEVE", "DROP", "UPDATE_CALL_DATA", "TRANSFER", "CONFERENCE"],
            T0 + 20_000,
        ),
    ];
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(rid, "16804377", &dialog("16804377", caller, "8001", "ACTIVE", &held, "")),
    );
    assert_eq!(
        completed(&drain(&mut s)),
        [Intent::Consult { dialog: call.clone(), to: "1002".into() }]
    );
    let consult_parties = [
        party(
            "1001",
            "ACTIVE",
            &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL", "SEND_DTMF", "TRANSFER_SST"],
            T0 + 20_000,
        ),
        party(
            "1002",
            "ACTIVE",
            &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL", "SEND_DTMF", "TRANSFER_SST"],
            T0 + 22_000,
        ),
    ];
    let consult_dialog = dialog(
        "16804378",
        "1001",
        "1002",
        "ACTIVE",
        &consult_parties,
        "<associatedDialogUri>/finesse/api/Dialog/16804377</associatedDialogUri>",
    );
    apply(&mut s, DIALOGS_NODE, &post_dialogs(rid, &consult_dialog));
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            rid,
            "16804377",
            &dialog("16804377", caller, "8001", "ACTIVE", &held_with_consult, ""),
        ),
    );
    let calls = s.calls(T0 + 22_000);
    assert_eq!(calls.len(), 2, "several dialogs at once");
    assert_eq!(calls[1].associated, Some(call.clone()));
    assert!(!calls[1].incoming, "the agent placed the consult call");
    assert!(calls[0].controls.transfer && calls[0].controls.conference);
    assert!(!calls[1].controls.transfer, "TRANSFER is offered on the held call");

    // Transfer: the toAddress is the consulted party; both dialogs leave.
    let transfer = send(&mut s, Intent::Transfer(call.clone()), 5);
    assert_eq!(
        transfer.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>TRANSFER</requestedAction><toAddress>1002</toAddress><targetMediaAddress>1001</targetMediaAddress></Dialog>"
        )
    );
    s.request_answered(&transfer.id, Ok(()));
    apply(
        &mut s,
        DIALOGS_NODE,
        &delete_dialogs("", &dialog("16804377", caller, "8001", "DROPPED", &[], "")),
    );
    apply(&mut s, DIALOGS_NODE, &delete_dialogs("", &consult_dialog));
    let ev = drain(&mut s);
    assert_eq!(completed(&ev), [Intent::Transfer(call.clone())]);
    assert!(ev.contains(&Event::CallEnded { dialog: call }));
    assert!(s.dialogs().is_empty());
    assert_eq!(s.in_flight().count(), 0);
}

#[test]
fn a_conference_keeps_one_dialog_with_every_party() {
    let mut s = signed_in("UCCE");
    let call = DialogId::from("500");
    let out = send(&mut s, Intent::MakeCall { to: "5551234".into(), variables: Vec::new() }, 1);
    s.request_answered(&out.id, Ok(()));
    let me = party(
        "1001",
        "ACTIVE",
        &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL", "SEND_DTMF", "TRANSFER_SST"],
        T0,
    );
    // Confirmed by the new dialog to the number dialed (no request id echoed).
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs(
            "",
            &dialog(
                "500",
                "1001",
                "5551234",
                "ACTIVE",
                &[me.clone(), party("5551234", "ACTIVE", &[], T0)],
                "",
            ),
        ),
    );
    let ev = drain(&mut s);
    assert_eq!(completed(&ev).len(), 1, "{ev:?}");
    let v = s.call_view(&call, T0).expect("the call");
    assert!(!v.incoming);
    assert_eq!(v.wrap_up.requirement, WrapUpRequirement::Optional, "no wrapUpOnOutgoing");
    // Held with an active consult: CONFERENCE is offered; the conference has three parties.
    let held = party(
        "1001",
        "HELD",
        &["RETRIEVE", "DROP", "UPDATE_CALL_DATA", "TRANSFER", "CONFERENCE"],
        T0,
    );
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            "",
            "500",
            &dialog(
                "500",
                "1001",
                "5551234",
                "ACTIVE",
                &[held, party("5551234", "ACTIVE", &[], T0)],
                "",
            ),
        ),
    );
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs(
            "",
            &dialog(
                "501",
                "1001",
                "5559876",
                "ACTIVE",
                &[me.clone(), party("5559876", "ACTIVE", &[], T0)],
                "<associatedDialogUri>/finesse/api/Dialog/500</associatedDialogUri>",
            ),
        ),
    );
    let conf = send(&mut s, Intent::Conference(call.clone()), 2);
    assert_eq!(
        conf.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>CONFERENCE</requestedAction><toAddress>5559876</toAddress><targetMediaAddress>1001</targetMediaAddress></Dialog>"
        )
    );
    s.request_answered(&conf.id, Ok(()));
    let rid = conf.id.as_str().to_owned();
    apply(
        &mut s,
        DIALOGS_NODE,
        &delete_dialogs(&rid, &dialog("501", "1001", "5559876", "DROPPED", &[], "")),
    );
    let three = [me, party("5551234", "ACTIVE", &[], T0), party("5559876", "ACTIVE", &[], T0)];
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            &rid,
            "500",
            &dialog("500", "1001", "5551234", "ACTIVE", &three, "<secondaryId>501</secondaryId>"),
        ),
    );
    assert_eq!(completed(&drain(&mut s)), [Intent::Conference(call.clone())]);
    let calls = s.calls(T0);
    assert_eq!(calls.len(), 1);
    let parties: Vec<_> = calls[0].parties.iter().map(|p| p.address.as_str()).collect();
    assert_eq!(parties, ["5551234", "5559876"]);
}

#[test]
fn a_pending_not_ready_then_wrap_up_with_a_required_reason() {
    let mut s = signed_in("UCCE");
    let caller = "4085553898";
    let me_active =
        party("1001", "ACTIVE", &["HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL"], T0);
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs(
            "",
            &dialog(
                "7",
                caller,
                "8001",
                "ACTIVE",
                &[party(caller, "ACTIVE", &[], T0), me_active],
                "",
            ),
        ),
    );
    apply(&mut s, USER_NODE, &user("TALKING", T0, ""));
    // During the call Not Ready is pending; Sign Out is not possible; Ready too is pending.
    let menu = s.state_menu();
    let lunch = menu.iter().find(|i| i.reason.as_deref() == Some("Lunch")).expect("Lunch");
    assert!(lunch.enabled && lunch.after_call);
    assert!(menu[0].enabled && menu[0].after_call, "UCCE: a pending Ready");
    assert!(menu.iter().filter(|i| i.group == MenuGroup::SignOut).all(|i| !i.enabled));
    let nr = send(&mut s, Intent::NotReady { reason: Some("1".into()) }, 1);
    assert!(s.state_menu().iter().all(|i| !i.enabled || i.pending), "one state change at a time");
    s.request_answered(&nr.id, Ok(()));
    // User notifications never echo the request id: the pending state confirms it.
    apply(
        &mut s,
        USER_NODE,
        &user(
            "TALKING",
            T0,
            "<pendingState>NOT_READY</pendingState><pendingStateReasonCode><category>NOT_READY\
             </category><uri>/finesse/api/ReasonCode/1</uri><code>12</code><label>Lunch</label>\
             <forAll>true</forAll><id>1</id></pendingStateReasonCode>",
        ),
    );
    assert_eq!(completed(&drain(&mut s)), [Intent::NotReady { reason: Some("1".into()) }]);
    assert_eq!(s.agent(T0).pending.map(|p| p.to_string()).as_deref(), Some("Not Ready (Lunch)"));
    let menu = s.state_menu();
    let lunch = menu.iter().find(|i| i.reason.as_deref() == Some("Lunch")).expect("Lunch");
    assert!(lunch.pending && !lunch.enabled);

    // The caller hangs up: wrap-up (WORK, then Not Ready) with a required reason.
    let wrap = party("1001", "WRAP_UP", &["UPDATE_CALL_DATA"], T0);
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            "",
            "7",
            &dialog("7", caller, "8001", "DROPPED", &[party(caller, "DROPPED", &[], T0), wrap], ""),
        ),
    );
    apply(&mut s, USER_NODE, &user("WORK", T0 + 30_000, ""));
    assert_eq!(s.agent(T0 + 30_000).label, "Wrap-Up");
    let v = s.call_view(&"7".into(), T0).expect("the call");
    assert_eq!(
        (v.status, v.wrap_up.requirement),
        ("Wrap-Up", WrapUpRequirement::RequiredWithReason)
    );
    assert!(v.wrap_up.reason_missing && v.controls.wrap_up && !v.controls.end);
    assert!(s.wrap_up_reason_missing());
    let menu = s.state_menu();
    assert!(menu.iter().filter(|i| i.group != MenuGroup::SignOut).all(|i| !i.enabled));
    assert_eq!(menu[0].why_not.as_deref(), Some("choose a wrap-up reason first"));
    assert_eq!(s.request(Intent::Ready, T0, random(2)), Err(Refusal::WrapUpReasonRequired));
    assert!(
        s.request(
            Intent::WrapUpReason { dialog: "7".into(), reason: "x".repeat(40) },
            T0,
            random(2)
        )
        .is_err()
    );
    let reason =
        send(&mut s, Intent::WrapUpReason { dialog: "7".into(), reason: "Sales Call".into() }, 2);
    assert_eq!(
        reason.request.body.as_deref(),
        Some(
            "<Dialog><requestedAction>UPDATE_CALL_DATA</requestedAction><mediaProperties><wrapUpReason>Sales Call</wrapUpReason></mediaProperties></Dialog>"
        )
    );
    s.request_answered(&reason.id, Ok(()));
    let with_reason = dialog(
        "7",
        caller,
        "8001",
        "DROPPED",
        &[party(caller, "DROPPED", &[], T0), party("1001", "WRAP_UP", &["UPDATE_CALL_DATA"], T0)],
        "",
    )
    .replace("<callType>", "<wrapUpReason>Sales Call</wrapUpReason><callType>");
    apply(&mut s, DIALOGS_NODE, &put_dialog(reason.id.as_str(), "7", &with_reason));
    assert_eq!(completed(&drain(&mut s)).len(), 1);
    assert!(!s.wrap_up_reason_missing());
    assert!(s.state_menu()[0].enabled, "Ready ends wrap-up now");
    // Wrap-up ends: the pending Not Ready (Lunch) applies, the dialog leaves.
    apply(&mut s, DIALOGS_NODE, &delete_dialogs("", &with_reason));
    apply(
        &mut s,
        USER_NODE,
        &user(
            "NOT_READY",
            T0 + 60_000,
            "<reasonCodeId>1</reasonCodeId><ReasonCode><label>Lunch</label><id>1</id></ReasonCode>",
        ),
    );
    let agent = s.agent(T0 + 60_000);
    assert_eq!(
        (agent.label, agent.reason.as_deref(), agent.pending),
        ("Not Ready", Some("Lunch"), None)
    );
    assert!(s.dialogs().is_empty());
}

#[test]
fn uccx_allows_one_pending_not_ready_and_no_pending_ready() {
    let mut s = signed_in("UCCX");
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs(
            "",
            &dialog(
                "7",
                "4085553898",
                "8001",
                "ACTIVE",
                &[party("1001", "ACTIVE", &["HOLD", "DROP"], T0)],
                "",
            ),
        ),
    );
    apply(&mut s, USER_NODE, &user("TALKING", T0, ""));
    let menu = s.state_menu();
    assert!(!menu[0].enabled);
    assert_eq!(menu[0].why_not.as_deref(), Some(StateChangeError::InvalidWorkMode.describe()));
    assert!(menu[1].enabled && menu[1].after_call);
    apply(&mut s, USER_NODE, &user("TALKING", T0, "<pendingState>NOT_READY</pendingState>"));
    assert_eq!(
        s.request(Intent::NotReady { reason: Some("2".into()) }, T0, random(1)),
        Err(Refusal::StateNotAllowed(StateChangeError::InvalidWorkMode))
    );
    assert_eq!(
        s.request(
            Intent::SingleStepTransfer { dialog: "7".into(), to: "+14085551234".into() },
            T0,
            random(1)
        ),
        Err(Refusal::NotOffered(finesse_model::Action::TransferSst))
    );
    assert_eq!(
        s.request(Intent::Hold("7".into()), T0, random(2)).map(|o| o.request.method),
        Ok(Method::Put)
    );
}

#[test]
fn controls_come_only_from_the_participant_s_actions() {
    let mut s = signed_in("UCCE");
    // Odd but authoritative: a ringing participant offered HOLD and SEND_DTMF, not ANSWER.
    let odd = party("1001", "ALERTING", &["HOLD", "SEND_DTMF"], T0);
    // Another participant's actions never count.
    let other = party("5551234", "ACTIVE", &["ANSWER", "DROP", "RETRIEVE"], T0);
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs("", &dialog("9", "5551234", "1001", "ALERTING", &[other.clone(), odd], "")),
    );
    let v = s.call_view(&"9".into(), T0).expect("the call");
    let c = v.controls;
    assert_eq!(
        c,
        crate::CallControls { hold: true, keypad: true, ..crate::CallControls::default() }
    );
    assert_eq!(
        s.request(Intent::Answer("9".into()), T0, random(1)),
        Err(Refusal::NotOffered(finesse_model::Action::Answer))
    );
    assert_eq!(
        s.request(Intent::End("9".into()), T0, random(1)),
        Err(Refusal::NotOffered(finesse_model::Action::Drop))
    );
    assert!(
        s.request(Intent::SendDtmf { dialog: "9".into(), digits: "12#".into() }, T0, random(1))
            .is_ok()
    );
    assert!(matches!(
        s.request(Intent::SendDtmf { dialog: "9".into(), digits: "12x".into() }, T0, random(2)),
        Err(Refusal::BadInput(_))
    ));
    // No actions at all (a passive participant, or not a participant): nothing.
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            "",
            "9",
            &dialog(
                "9",
                "5551234",
                "1001",
                "ACTIVE",
                &[other, party("1001", "ACTIVE", &[], T0)],
                "",
            ),
        ),
    );
    assert_eq!(
        s.call_view(&"9".into(), T0).map(|v| v.controls),
        Some(crate::CallControls::default())
    );
    assert_eq!(
        s.request(Intent::Hold("nope".into()), T0, random(3)),
        Err(Refusal::NoSuchCall("nope".into()))
    );
    // UPDATE_CALL_DATA without wrap-up reasons configured: call data yes, wrap-up no.
    apply(
        &mut s,
        DIALOGS_NODE,
        &put_dialog(
            "",
            "9",
            &dialog(
                "9",
                "5551234",
                "1001",
                "ACTIVE",
                &[party("1001", "ACTIVE", &["UPDATE_CALL_DATA"], T0)],
                "",
            ),
        ),
    );
    s.apply_wrap_up_reasons(decode("<WrapUpReasons/>").expect("empty"));
    let c = s.call_view(&"9".into(), T0).map(|v| v.controls).expect("the call");
    assert!(c.update_call_data && !c.wrap_up);
    let vars = vec![CallVariable::new("callVariable3", "x"), CallVariable::new("BAStatus", "y")];
    assert!(matches!(
        s.request(Intent::UpdateCallVariables { dialog: "9".into(), variables: vars }, T0, random(4)),
        Err(Refusal::BadInput(m)) if m.english().contains("BAStatus")
    ));
}

#[test]
fn asynchronous_errors_are_correlated_by_request_id() {
    let mut s = signed_in("UCCE");
    let me = party("1001", "ACTIVE", &["HOLD", "DROP"], T0);
    apply(
        &mut s,
        DIALOGS_NODE,
        &post_dialogs("", &dialog("7", "4085553898", "8001", "ACTIVE", &[me], "")),
    );
    let hold = send(&mut s, Intent::Hold("7".into()), 1);
    let end = send(&mut s, Intent::End("7".into()), 2);
    s.request_answered(&hold.id, Ok(()));
    drain(&mut s);
    // The guide's Dialog CTI error notification, naming the hold.
    let error = format!(
        "<Update><data><apiErrors><apiError><errorData>34</errorData>\
         <errorMessage>CF_RESOURCE_OUT_OF_SERVICE</errorMessage>\
         <errorType>Call Operation Failure</errorType></apiError></apiErrors></data>\
         <event>PUT</event><requestId>{}</requestId><source>/finesse/api/Dialog/7</source>\
         </Update>",
        hold.id
    );
    assert_eq!(apply(&mut s, DIALOGS_NODE, &error), Applied::Error);
    let ev = drain(&mut s);
    let [Event::RequestFailed { id, intent, failure }] = ev.as_slice() else { panic!("{ev:?}") };
    assert_eq!((id, intent), (&hold.id, &Intent::Hold("7".into())));
    assert_eq!(failure.kind, FailureKind::Asynchronous);
    assert_eq!(
        failure.message,
        "Could not hold the call: the phone system could not do it \
         (CTI error 34, CF_RESOURCE_OUT_OF_SERVICE)."
    );
    assert_eq!(
        (failure.cti_code.as_deref(), failure.cti_constant.as_deref()),
        (Some("34"), Some("CF_RESOURCE_OUT_OF_SERVICE"))
    );
    // The end is still waiting; an error naming no request of ours is reported on its own.
    assert_eq!(
        s.in_flight().map(|(_, i)| i.clone()).collect::<Vec<_>>(),
        [Intent::End("7".into())]
    );
    let stray = error.replace(hold.id.as_str(), "someone-else");
    apply(&mut s, DIALOGS_NODE, &stray);
    let ev = drain(&mut s);
    assert!(
        matches!(ev.as_slice(), [Event::ErrorNotified { failure }] if failure.message.starts_with("The phone system could not do it")),
        "{ev:?}"
    );
    // The engine's spelling (ApiError inside apiErrors) on the user's node.
    let user_error = format!(
        "<Update><event>PUT</event><requestId>{}</requestId><source>/finesse/api/User/1001\
         </source><data><apiErrors><ApiError><ErrorType>Generic Error</ErrorType>\
         <ErrorMessage>DROP is not allowed for a participant in state HELD</ErrorMessage>\
         </ApiError></apiErrors></data></Update>",
        end.id
    );
    assert_eq!(apply(&mut s, USER_NODE, &user_error), Applied::Error);
    let ev = drain(&mut s);
    assert!(
        matches!(ev.as_slice(), [Event::RequestFailed { failure, .. }]
        if failure.message == "Could not end the call: the phone system refused it \
            (DROP is not allowed for a participant in state HELD)."),
        "{ev:?}"
    );
    // Errors on another user's node are not ours.
    assert_eq!(apply(&mut s, "/finesse/api/User/1002/Dialogs", &error), Applied::Ignored);
    assert!(drain(&mut s).is_empty());
}

#[test]
fn http_errors_and_timeouts_fail_requests() {
    let mut s = signed_in("UCCE");
    s.set_request_timeout(10_000);
    let ready = send(&mut s, Intent::Ready, 1);
    let body = "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType>\
        <ErrorMessage>CF_INVALID_OBJECT_STATE</ErrorMessage><ErrorData>22</ErrorData>\
        </ApiError></ApiErrors>";
    s.request_answered(&ready.id, Err(finesse_rest::error_of(400, body)));
    let ev = drain(&mut s);
    assert!(
        matches!(ev.as_slice(), [Event::RequestFailed { failure, .. }]
        if failure.status == Some(400) && failure.message.contains("(CTI error 22, CF_INVALID_OBJECT_STATE)")),
        "{ev:?}"
    );
    // No answer at all, then an answer but no confirmation.
    let a = send(&mut s, Intent::Ready, 2);
    let b = send(&mut s, Intent::NotReady { reason: Some("2".into()) }, 3);
    assert_eq!(s.poll_timeout(), Some(T0 + 10_000));
    s.request_answered(&b.id, Ok(()));
    s.handle_timeout(T0 + 9_999);
    assert!(drain(&mut s).is_empty());
    s.handle_timeout(T0 + 10_000);
    let kinds: Vec<_> = drain(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            Event::RequestFailed { id, failure, .. } => Some((id, failure.kind)),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [(a.id, FailureKind::NoAnswer), (b.id, FailureKind::Unconfirmed)]);
    assert_eq!(s.poll_timeout(), None);
    // A late answer to a forgotten request changes nothing.
    s.request_answered(&RequestId::from_random(random(9)), Err(RestError::Unavailable));
    assert!(drain(&mut s).is_empty());
    let c = send(&mut s, Intent::Ready, 4);
    s.request_answered(&c.id, Err(RestError::Network("connection reset".into())));
    let ev = drain(&mut s);
    assert!(
        matches!(ev.as_slice(), [Event::RequestFailed { failure, .. }] if failure.kind == FailureKind::Unreachable)
    );
}

#[test]
fn a_refresh_converges_to_the_server_s_truth() {
    let mut s = signed_in("UCCE");
    let me = |state| party("1001", state, &["DROP"], T0);
    for id in ["1", "2", "3"] {
        apply(
            &mut s,
            DIALOGS_NODE,
            &post_dialogs("", &dialog(id, "5551234", "1001", "ACTIVE", &[me("ACTIVE")], "")),
        );
    }
    drain(&mut s);
    // After a reconnection the server has 2 (changed) and 4; 1 and 3 are gone.
    let list = format!(
        "<Dialogs>{}{}</Dialogs>",
        dialog("4", "5550004", "1001", "ALERTING", &[me("ALERTING")], ""),
        dialog("2", "5551234", "1001", "ACTIVE", &[me("HELD")], "")
    );
    s.apply_refresh(Refresh::Dialogs, 200, &list, T0).expect("a list");
    let ids: Vec<_> = s.dialogs().iter().filter_map(|d| d.dialog_id()).map(|d| d.0).collect();
    assert_eq!(ids, ["2", "4"], "known order kept, new ones after");
    assert_eq!(s.call_view(&"2".into(), T0).map(|v| v.status), Some("Hold"));
    let ev = drain(&mut s);
    for e in [
        Event::CallEnded { dialog: "1".into() },
        Event::CallEnded { dialog: "3".into() },
        Event::CallArrived { dialog: "4".into() },
    ] {
        assert!(ev.contains(&e), "{e:?} in {ev:?}");
    }
    assert_eq!(ev.len(), 3);
    // The same refresh again changes nothing; a bad answer changes nothing either.
    s.apply_refresh(Refresh::Dialogs, 200, &list, T0).expect("a list");
    assert!(drain(&mut s).is_empty());
    assert!(matches!(
        s.apply_refresh(Refresh::Dialogs, 200, "<Dialogs><", T0),
        Err(RestError::Decode(_))
    ));
    assert!(matches!(s.apply_refresh(Refresh::User, 503, "", T0), Err(RestError::Unavailable)));
    assert_eq!(s.dialogs().len(), 2);
    // Refresh requests cover everything the session holds.
    let paths: Vec<_> = s.refresh_requests().into_iter().map(|(_, r)| r.path).collect();
    assert_eq!(
        paths,
        [
            "/finesse/api/SystemInfo",
            "/finesse/api/User/1001",
            "/finesse/api/User/1001/Dialogs",
            "/finesse/api/User/1001/ReasonCodes?category=NOT_READY",
            "/finesse/api/User/1001/ReasonCodes?category=LOGOUT",
            "/finesse/api/User/1001/WrapUpReasons",
            "/finesse/api/User/1001/MediaPropertiesLayout",
        ]
    );
}

#[test]
fn other_nodes_and_other_users_are_ignored() {
    let mut s = signed_in("UCCE");
    let team = user("READY", T0, "");
    assert_eq!(apply(&mut s, "/finesse/api/Team/1/Users", &team), Applied::Ignored);
    let someone =
        user("READY", T0, "").replace("<loginId>1001</loginId>", "<loginId>1002</loginId>");
    assert_eq!(apply(&mut s, USER_NODE, &someone), Applied::Ignored);
    assert_eq!(s.state(), Some(&AgentState::NotReady));
    assert_eq!(
        apply(&mut s, "/finesse/api/User/1001/", &user("READY", T0, "")),
        Applied::User,
        "a trailing slash"
    );
    let status = "<Update><event>PUT</event><source>/finesse/api/SystemInfo</source><data>\
        <SystemInfo><deploymentType>UCCE</deploymentType><status>OUT_OF_SERVICE</status>\
        <statusReason>Finesse connection to CTI Server is down.</statusReason></SystemInfo>\
        </data></Update>";
    assert_eq!(apply(&mut s, "/finesse/api/SystemInfo", status), Applied::SystemInfo);
    let ev = drain(&mut s);
    assert!(
        ev.contains(&Event::SystemStatusChanged {
            status: Some(finesse_model::SystemStatus::OutOfService),
            reason: Some("Finesse connection to CTI Server is down.".into()),
        }),
        "{ev:?}"
    );
    // A client log's confirmation: no data, its request id.
    let log = "<Update><event>POST</event><requestId>r</requestId><source>/finesse/api/User/1001/ClientLog</source></Update>";
    assert_eq!(apply(&mut s, USER_NODE, log), Applied::Confirmation);
    assert_eq!(s.deployment(), DeploymentType::Ucce);
}

#[test]
fn make_call_rules() {
    let mut s = signed_in("UCCE");
    assert!(s.can_make_call(), "from Not Ready");
    assert_eq!(s.check_dial_number(" 1001"), Err(crate::DialError::OwnExtension));
    assert_eq!(s.check_dial_number("(408) 555-1234").as_deref(), Ok("(408) 555-1234"));
    assert_eq!(
        s.request(
            Intent::MakeCall { to: "+14085551234".into(), variables: Vec::new() },
            T0,
            random(1)
        ),
        Err(Refusal::BadNumber(crate::DialError::E164NotSupported))
    );
    assert_eq!(
        s.request(Intent::MakeCall { to: String::new(), variables: Vec::new() }, T0, random(1)),
        Err(Refusal::BadNumber(crate::DialError::Empty))
    );
    let vars = vec![CallVariable::new("callVariable1", "x")];
    let out = s
        .request(Intent::MakeCall { to: "5551234".into(), variables: vars.clone() }, T0, random(1))
        .expect("UCCE allows call variables");
    assert!(
        out.request
            .body
            .is_some_and(|b| b.contains("<callvariables><CallVariable><name>callVariable1</name>"))
    );
    apply(&mut s, USER_NODE, &user("READY", T0, ""));
    assert!(!s.can_make_call());
    assert_eq!(
        s.request(Intent::MakeCall { to: "5551234".into(), variables: Vec::new() }, T0, random(2)),
        Err(Refusal::CannotMakeCall)
    );
    let mut x = signed_in("UCCX");
    assert!(matches!(
        x.request(Intent::MakeCall { to: "+14085551234".into(), variables: vars }, T0, random(3)),
        Err(Refusal::BadInput(_))
    ));
    assert!(
        x.request(
            Intent::MakeCall { to: "+14085551234".into(), variables: Vec::new() },
            T0,
            random(3)
        )
        .is_ok()
    );
    let mut nobody = Session::new("1001".into());
    assert_eq!(nobody.request(Intent::Ready, T0, random(4)), Err(Refusal::NotSignedIn));
    assert!(!nobody.can_make_call());
    assert!(nobody.state_menu().iter().all(|i| !i.enabled));
}

/// A small deterministic generator (xorshift64*), so the sequence is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A few thousand random notifications, REST answers, requests and clock steps: nothing
/// panics, and what the session holds stays consistent.
#[test]
fn no_panic_on_any_input() {
    const STATES: &[&str] = &[
        "READY",
        "NOT_READY",
        "TALKING",
        "HOLD",
        "WORK",
        "WORK_READY",
        "RESERVED",
        "RESERVED_OUTBOUND_PREVIEW",
        "LOGOUT",
        "UNKNOWN",
        "ON_BREAK",
        "",
    ];
    const PSTATES: &[&str] = &[
        "ALERTING",
        "ACTIVE",
        "HELD",
        "DROPPED",
        "WRAP_UP",
        "FAILED",
        "INITIATING",
        "INITIATED",
        "ACCEPTED",
        "BOGUS",
        "",
    ];
    const ACTIONS: &[&str] = &[
        "ANSWER",
        "HOLD",
        "RETRIEVE",
        "DROP",
        "CONSULT_CALL",
        "TRANSFER",
        "CONFERENCE",
        "SEND_DTMF",
        "TRANSFER_SST",
        "UPDATE_CALL_DATA",
        "NOPE",
    ];
    const NODES: &[&str] = &[
        USER_NODE,
        DIALOGS_NODE,
        "/finesse/api/SystemInfo",
        "/finesse/api/Team/1/Users",
        "",
        "/finesse/api/User/1001/Dialogs/",
    ];
    const EVENTS: &[&str] = &["PUT", "POST", "DELETE", "put", "delete", "weird", ""];
    const TIMES: &[&str] = &[
        "2023-11-14T22:13:20.000Z",
        "",
        "garbage",
        "9999-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00Z",
        "9223372036854775807-01-01T00:00:00Z",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // (requests built, completed, failed, most dialogs held at once): the run is not vacuous.
    let mut tally = (0, 0, 0, 0);
    for deployment in ["UCCE", "UCCX"] {
        let mut s = signed_in(deployment);
        let mut now = T0;
        let mut ids: Vec<RequestId> = Vec::new();
        for step in 0..3_000 {
            now += rng.below(3_000) as Millis;
            match rng.below(10) {
                0..=3 => {
                    let dialog_id = rng.pick(&["1", "2", "3", ""]);
                    let parties: Vec<String> = (0..rng.below(4))
                        .map(|_| {
                            let addr = rng.pick(&["1001", "1002", "5551234", ""]);
                            let acts: Vec<&str> =
                                (0..rng.below(5)).map(|_| rng.pick(ACTIONS)).collect();
                            let start = T0 + rng.below(100_000) as Millis;
                            let p = party(addr, rng.pick(PSTATES), &acts, start);
                            if rng.below(3) == 0 {
                                p.replace(&ts(start), rng.pick(TIMES))
                            } else {
                                p
                            }
                        })
                        .collect();
                    let extra = if rng.below(3) == 0 {
                        "<associatedDialogUri>/finesse/api/Dialog/1</associatedDialogUri>"
                    } else {
                        ""
                    };
                    let d = dialog(
                        dialog_id,
                        rng.pick(&["1001", "5551234"]),
                        rng.pick(&["1002", "8001", "1001"]),
                        rng.pick(PSTATES),
                        &parties,
                        extra,
                    );
                    let rid = if ids.is_empty() || rng.below(2) == 0 {
                        String::new()
                    } else {
                        ids[rng.below(ids.len())].to_string()
                    };
                    let xml = match rng.below(3) {
                        0 => post_dialogs(&rid, &d),
                        1 => delete_dialogs(&rid, &d),
                        _ => put_dialog(&rid, dialog_id, &d),
                    }
                    .replace("<event>PUT</event>", &format!("<event>{}</event>", rng.pick(EVENTS)));
                    if let Ok(u) = decode::<Update>(&xml) {
                        s.apply_update(rng.pick(NODES), &u, now);
                    }
                }
                4 => {
                    let extra = match rng.below(3) {
                        0 => "<pendingState>NOT_READY</pendingState>",
                        1 => "<reasonCodeId>2</reasonCodeId>",
                        _ => "",
                    };
                    let changed = T0 + rng.below(100_000) as Millis;
                    let mut xml = user(rng.pick(STATES), changed, extra);
                    if rng.below(3) == 0 {
                        xml = xml.replace(&ts(changed), rng.pick(TIMES));
                    }
                    if let Ok(u) = decode::<Update>(&xml) {
                        s.apply_update(rng.pick(NODES), &u, now);
                    }
                }
                5 => {
                    let rid = ids
                        .get(rng.below(ids.len() + 1))
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    let xml = format!(
                        "<Update><event>PUT</event><requestId>{rid}</requestId><data><apiErrors><apiError>\
                         <errorData>{}</errorData><errorMessage>{}</errorMessage><errorType>{}</errorType>\
                         </apiError></apiErrors></data></Update>",
                        rng.pick(&["34", "", "x"]),
                        rng.pick(&["CF_X", "words here", ""]),
                        rng.pick(&["Call Operation Failure", "20999", "", "Odd"])
                    );
                    if let Ok(u) = decode::<Update>(&xml) {
                        s.apply_update(rng.pick(NODES), &u, now);
                    }
                }
                6 => {
                    let intent = match rng.below(12) {
                        0 => Intent::Ready,
                        1 => Intent::NotReady {
                            reason: [None, Some("1".into()), Some("9".into())][rng.below(3)]
                                .clone(),
                        },
                        2 => Intent::SignOut {
                            reason: [None, Some("10".into())][rng.below(2)].clone(),
                        },
                        3 => Intent::MakeCall {
                            to: rng.pick(&["5551234", "", "+1", "1001", "é"]).into(),
                            variables: Vec::new(),
                        },
                        4 => Intent::Answer(rng.pick(&["1", "2", "3"]).into()),
                        5 => Intent::Hold(rng.pick(&["1", "2", "3"]).into()),
                        6 => Intent::Retrieve(rng.pick(&["1", "2", "3"]).into()),
                        7 => Intent::End(rng.pick(&["1", "2", "3"]).into()),
                        8 => Intent::Consult {
                            dialog: rng.pick(&["1", "2"]).into(),
                            to: rng.pick(&["1002", "", "1001"]).into(),
                        },
                        9 => Intent::Transfer(rng.pick(&["1", "2"]).into()),
                        10 => Intent::SendDtmf {
                            dialog: rng.pick(&["1", "2"]).into(),
                            digits: rng.pick(&["1", "A", "", "x"]).into(),
                        },
                        _ => Intent::WrapUpReason {
                            dialog: rng.pick(&["1", "2"]).into(),
                            reason: rng.pick(&["Sales Call", ""]).into(),
                        },
                    };
                    let mut bytes = [0u8; 16];
                    bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
                    bytes[8..].copy_from_slice(&(step as u64).to_le_bytes());
                    if let Ok(out) = s.request(intent, now, bytes) {
                        ids.push(out.id);
                    }
                }
                7 => {
                    if let Some(id) = ids.get(rng.below(ids.len() + 1)).cloned() {
                        let result = match rng.below(4) {
                            0 => Err(finesse_rest::error_of(400, rng.pick(&["", "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType></ApiError></ApiErrors>", "<ApiErrors><"]))),
                            1 => Err(RestError::Unavailable),
                            _ => Ok(()),
                        };
                        s.request_answered(&id, result);
                    }
                }
                8 => {
                    let what = Refresh::ALL[rng.below(Refresh::ALL.len())];
                    let body = rng.pick(&[
                        "<Dialogs/>",
                        "<User><state>READY</state></User>",
                        "<ReasonCodes/>",
                        "<SystemInfo><currentTimestamp>garbage</currentTimestamp></SystemInfo>",
                        "<",
                        "",
                    ]);
                    let _ = s.apply_refresh(what, [200, 404, 500][rng.below(3)], body, now);
                    let _ = s.observe_date_header(
                        rng.pick(&["Tue, 14 Nov 2023 22:13:20 GMT", "nonsense", ""]),
                        now,
                    );
                }
                _ => s.handle_timeout(now),
            }
            // Whatever came in, every view can be built and stays consistent.
            let calls = s.calls(now);
            let mut seen: Vec<&DialogId> = calls.iter().map(|c| &c.id).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), calls.len(), "dialog ids are unique");
            let _ = (s.agent(now), s.state_menu(), s.can_make_call(), s.poll_timeout());
            assert!(s.in_flight().count() <= 64);
            assert!(s.poll_timeout().is_none_or(|t| t >= T0));
            tally.3 = tally.3.max(calls.len());
            while let Some(e) = s.poll_event() {
                match e {
                    Event::RequestCompleted { .. } => tally.1 += 1,
                    Event::RequestFailed { .. } => tally.2 += 1,
                    _ => {}
                }
            }
        }
        tally.0 += ids.len();
    }
    assert!(tally.0 >= 40 && tally.1 >= 5 && tally.2 >= 20 && tally.3 >= 3, "{tally:?}");
}
