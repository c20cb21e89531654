//! Inputs and the baseline shared by the native benchmark (`benches/decode.rs`, criterion) and
//! the browser one (`benches/decode_wasm.rs`): generated deterministically, so both measure the
//! same bytes.

use std::fmt::Write as _;

use finesse_model::{Team, Update, UpdateData, XmlDocument, decode, decode_strict};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Users in the generated `<Team>` document.
pub(crate) const TEAM_USERS: usize = 2_000;
/// Dialogs in the generated Dialogs notification.
pub(crate) const DIALOGS: usize = 3;
/// Call variables per dialog.
pub(crate) const CALL_VARIABLES: usize = 10;

/// A decoder under test: decodes the text and returns something for `black_box`.
pub(crate) type Decoder = fn(&str) -> usize;

/// One benchmark input: a name, the document, and the three decoders measured on it (ours,
/// lenient and strict, then the baseline), named as in [`DECODERS`].
pub(crate) struct Input {
    /// Short name used in reports (`team-2000`, `dialogs-update`).
    pub(crate) name: &'static str,
    /// The XML document.
    pub(crate) xml: String,
    /// `decode::<T>`, `decode_strict::<T>`, [`count_events`].
    pub(crate) decoders: [Decoder; 3],
}

/// Names of the decoders, in the order of [`Input::decoders`]; the last one is the baseline.
pub(crate) const DECODERS: [&str; 3] = ["decode", "decode_strict", "quick-xml events"];

/// The two inputs, in report order.
pub(crate) fn inputs() -> [Input; 2] {
    [
        Input {
            name: "team-2000",
            xml: team_xml(TEAM_USERS),
            decoders: [lenient::<Team>, strict::<Team>, count_events],
        },
        Input {
            name: "dialogs-update",
            xml: dialogs_update_xml(DIALOGS, CALL_VARIABLES),
            decoders: [lenient::<Update>, strict::<Update>, count_events],
        },
    ]
}

fn lenient<T: XmlDocument>(xml: &str) -> usize {
    let value: T = decode(xml).expect("the generated input decodes leniently");
    std::hint::black_box(&value);
    xml.len()
}

fn strict<T: XmlDocument>(xml: &str) -> usize {
    let value: T = decode_strict(xml).expect("the generated input decodes strictly");
    std::hint::black_box(&value);
    xml.len()
}

const FIRST_NAMES: [&str; 8] = ["Charles", "Jack", "Maria", "Aiko", "Omar", "Ines", "Lukas", "Zoe"];
const LAST_NAMES: [&str; 8] =
    ["Brown", "Brawn", "Garcia", "Tanaka", "Haddad", "Moreau", "Keller", "Okafor"];
const STATES: [&str; 6] = ["NOT_READY", "READY", "TALKING", "NOT_READY", "LOGOUT", "WORK"];
const REASONS: [(&str, &str); 4] =
    [("12", "Lunch Break"), ("13", "Team Meeting"), ("14", "Training"), ("15", "End of Shift")];

/// A `GET /finesse/api/Team/{id}` response with `users` team members, each shaped like the
/// guide's Team sample (chapter 3, "Team—Get Team"), with every field filled in.
pub(crate) fn team_xml(users: usize) -> String {
    let mut xml = String::with_capacity(users * 620 + 128);
    xml.push_str("<Team><uri>/finesse/api/Team/34</uri><id>34</id><name>My Team</name><users>");
    for i in 0..users {
        let id = 100_000 + i;
        let state = STATES[i % STATES.len()];
        let category = if state == "LOGOUT" { "LOGOUT" } else { "NOT_READY" };
        let (code, label) = REASONS[i % REASONS.len()];
        let pending = if i % 5 == 2 { "READY" } else { "" };
        write!(
            xml,
            "<User><uri>/finesse/api/User/{id}/</uri><loginId>{id}</loginId>\
             <firstName>{first}</firstName><lastName>{last}</lastName>\
             <dialogs>/finesse/api/User/{id}/Dialogs</dialogs><extension>{ext}</extension>\
             <pendingState>{pending}</pendingState><state>{state}</state>\
             <stateChangeTime>2012-03-01T{h:02}:{m:02}:{s:02}.{ms:03}Z</stateChangeTime>\
             <reasonCode><category>{category}</category><code>{code}</code>\
             <label>{label}</label><id>{rid}</id><uri>/finesse/api/ReasonCode/{rid}</uri>\
             </reasonCode></User>",
            first = FIRST_NAMES[i % FIRST_NAMES.len()],
            last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()],
            ext = 1_001_000 + i,
            h = 8 + i % 10,
            m = i % 60,
            s = (i * 7) % 60,
            ms = (i * 37) % 1000,
            rid = 1 + i % REASONS.len(),
        )
        .expect("writing to a String cannot fail");
    }
    xml.push_str("</users></Team>");
    xml
}

const PARTICIPANT_ACTIONS: [&[&str]; 3] = [
    &["HOLD", "CONSULT_CALL", "TRANSFER_SST", "SEND_DTMF", "UPDATE_CALL_DATA", "DROP"],
    &["UPDATE_CALL_DATA", "DROP"],
    &["RETRIEVE", "TRANSFER", "CONFERENCE", "UPDATE_CALL_DATA", "DROP"],
];

/// A Dialogs notification (`<Update>` with `<data><dialogs>`, guide chapter 6, "Dialogs
/// Notification"): `dialogs` full dialogs, each with media properties, `variables` call
/// variables and three participants with their actions.
pub(crate) fn dialogs_update_xml(dialogs: usize, variables: usize) -> String {
    let mut xml = String::with_capacity(dialogs * (1_900 + variables * 90) + 256);
    xml.push_str("<Update><data><dialogs>");
    for d in 0..dialogs {
        let id = 2_130_715_746 + d;
        write!(
            xml,
            "<Dialog><associatedDialogUri></associatedDialogUri><fromAddress>1112554</fromAddress>\
             <id>{id}</id><secondaryId>{secondary}</secondaryId><mediaProperties>\
             <mediaId>1</mediaId><DNIS>90101</DNIS><callType>AGENT_INSIDE</callType>\
             <dialedNumber>90101</dialedNumber><outboundClassification></outboundClassification>\
             <callvariables>",
            secondary = id + 1,
        )
        .expect("writing to a String cannot fail");
        for v in 1..=variables {
            write!(
                xml,
                "<CallVariable><name>callVariable{v}</name>\
                 <value>account {d}-{v} &amp; order {order}</value></CallVariable>",
                order = 40_000 + d * 100 + v,
            )
            .expect("writing to a String cannot fail");
        }
        write!(
            xml,
            "</callvariables><queueNumber>5022</queueNumber>\
             <queueName>UCM_PIM.Func.Agents.SG</queueName><callKeyCallId>{key}</callKeyCallId>\
             <callKeyPrefix>152018</callKeyPrefix><callKeySequenceNum>1</callKeySequenceNum>\
             </mediaProperties><mediaType>Voice</mediaType><participants>",
            key = 217 + d,
        )
        .expect("writing to a String cannot fail");
        for (p, actions) in PARTICIPANT_ACTIONS.iter().enumerate() {
            xml.push_str("<Participant><actions>");
            for action in *actions {
                write!(xml, "<action>{action}</action>").expect("writing to a String cannot fail");
            }
            write!(
                xml,
                "</actions><mediaAddress>{address}</mediaAddress>\
                 <mediaAddressType>AGENT_DEVICE</mediaAddressType>\
                 <startTime>2016-05-03T21:49:3{p}.512Z</startTime><state>{state}</state>\
                 <stateCause></stateCause>\
                 <stateChangeTime>2016-05-03T21:49:3{p}.512Z</stateChangeTime></Participant>",
                address = 1_112_554 + p,
                state = if p == 2 { "HELD" } else { "ACTIVE" },
            )
            .expect("writing to a String cannot fail");
        }
        write!(
            xml,
            "</participants><state>ACTIVE</state><toAddress>90101</toAddress>\
             <uri>/finesse/api/Dialog/{id}</uri></Dialog>"
        )
        .expect("writing to a String cannot fail");
    }
    xml.push_str(
        "</dialogs></data><event>POST</event>\
         <requestId>edc7064f-1178-11e6-8bd0-005056000005</requestId>\
         <source>/finesse/api/User/112554/Dialogs</source></Update>",
    );
    xml
}

/// The baseline: quick-xml's raw event reading of the same text, nothing built.
pub(crate) fn count_events(xml: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let mut events = 0;
    loop {
        match reader.read_event().expect("the generated input is well-formed") {
            Event::Eof => return events,
            _ => events += 1,
        }
    }
}

/// Checks that the generated inputs decode (strictly) to what they were generated with, so a
/// benchmark never times an error path.
pub(crate) fn check_inputs() {
    let [team, dialogs] = inputs();
    let decoded: Team = decode_strict(&team.xml).expect("the generated Team decodes strictly");
    assert_eq!(decoded.users.map_or(0, |u| u.len()), TEAM_USERS, "team users");
    let update: Update =
        decode_strict(&dialogs.xml).expect("the generated Dialogs notification decodes strictly");
    let Some(UpdateData::Dialogs(list)) = &update.data else {
        panic!("not a Dialogs notification: {update:?}")
    };
    assert_eq!(list.len(), DIALOGS, "dialogs");
    for dialog in list.iter() {
        let variables = dialog.media_properties.as_ref().and_then(|m| m.call_variables.as_ref());
        assert_eq!(variables.map_or(0, |v| v.len()), CALL_VARIABLES, "call variables");
        assert_eq!(dialog.participants.as_ref().map_or(0, |p| p.len()), 3, "participants");
    }
    assert!(count_events(&team.xml) > TEAM_USERS * 40, "baseline events");
}

/// One measured decoder on one input.
pub(crate) struct Measurement {
    /// The input's name.
    pub(crate) input: &'static str,
    /// Input size in bytes.
    pub(crate) bytes: usize,
    /// `decode` (lenient), `decode_strict` or `quick-xml events` (the baseline).
    pub(crate) decoder: &'static str,
    /// Nanoseconds per run.
    pub(crate) nanos: f64,
}

/// A table of times per run and ratios to the baseline of the same input.
pub(crate) fn report(title: &str, measurements: &[Measurement]) -> String {
    let mut out = format!("\n{title}\n");
    writeln!(
        out,
        "{:<16} {:>9} {:<18} {:>14} {:>10} {:>13}",
        "input", "bytes", "decoder", "time/run", "MB/s", "ours/baseline"
    )
    .expect("writing to a String cannot fail");
    for m in measurements {
        let baseline = measurements
            .iter()
            .find(|b| b.input == m.input && b.decoder == DECODERS[2])
            .map(|b| b.nanos);
        let ratio = match baseline {
            Some(b) if m.decoder != DECODERS[2] => format!("{:.2}x", m.nanos / b),
            Some(_) => "1.00x".to_owned(),
            None => "n/a".to_owned(),
        };
        // bytes per nanosecond * 1e9 / 1e6 = MB/s
        let mb_per_s = m.bytes as f64 / m.nanos * 1_000.0;
        writeln!(
            out,
            "{:<16} {:>9} {:<18} {:>14} {:>10.1} {:>13}",
            m.input,
            m.bytes,
            m.decoder,
            human(m.nanos),
            mb_per_s,
            ratio
        )
        .expect("writing to a String cannot fail");
    }
    out
}

fn human(nanos: f64) -> String {
    if nanos >= 1_000_000.0 {
        format!("{:.3} ms", nanos / 1_000_000.0)
    } else if nanos >= 1_000.0 {
        format!("{:.2} µs", nanos / 1_000.0)
    } else {
        format!("{nanos:.0} ns")
    }
}
