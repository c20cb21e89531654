//! What the agent asks for ([`Intent`]), and the checks of what the agent typed that the guide
//! gives (dialed numbers, DTMF digits, wrap-up reasons, call variables). A component dispatches
//! an intent; the session turns it into a request or says why it cannot.

use std::fmt;

use crate::text::Text;

use finesse_model::{
    AgentState, CallVariable, DeploymentType, DialogId, Extension, ReasonCodeId, UserId,
};

/// An agent action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Change to READY.
    Ready,
    /// Change to NOT_READY, with a reason code when reason codes are configured.
    NotReady {
        /// The reason code.
        reason: Option<ReasonCodeId>,
    },
    /// Sign out, with a reason code when Sign Out reason codes are configured.
    SignOut {
        /// The reason code.
        reason: Option<ReasonCodeId>,
    },
    /// Make a new call (`MAKE_CALL`), optionally with call variables (Unified CCE only).
    MakeCall {
        /// The number to call.
        to: String,
        /// Call variables for the new call.
        variables: Vec<CallVariable>,
    },
    /// Answer a ringing call.
    Answer(DialogId),
    /// Put a call on hold.
    Hold(DialogId),
    /// Retrieve a held call.
    Retrieve(DialogId),
    /// End (drop) the agent's part of a call.
    End(DialogId),
    /// Consult another party from an active call (the call goes on hold).
    Consult {
        /// The active call.
        dialog: DialogId,
        /// The number to consult.
        to: String,
    },
    /// Complete a consult as a transfer (on the held call).
    Transfer(DialogId),
    /// Complete a consult as a conference (on the held call).
    Conference(DialogId),
    /// Single-step ("direct") transfer of an active call (Unified CCE).
    SingleStepTransfer {
        /// The active call.
        dialog: DialogId,
        /// The number to transfer to.
        to: String,
    },
    /// Send DTMF digits on an active call (keypad).
    SendDtmf {
        /// The call.
        dialog: DialogId,
        /// The digits.
        digits: String,
    },
    /// Set the call's wrap-up reason (`UPDATE_CALL_DATA`).
    WrapUpReason {
        /// The call.
        dialog: DialogId,
        /// The wrap-up reason's label (at most 39 bytes).
        reason: String,
    },
    /// Update call variables (`UPDATE_CALL_DATA`).
    UpdateCallVariables {
        /// The call.
        dialog: DialogId,
        /// The variables to set.
        variables: Vec<CallVariable>,
    },
    /// Supervisor: change a team member's state (READY, NOT_READY or LOGOUT; Finesse gives a
    /// forced Not Ready its own system reason code).
    SetAgentState {
        /// The team member.
        agent: UserId,
        /// READY, NOT_READY or LOGOUT.
        state: AgentState,
    },
    /// Supervisor: silently monitor the agent on `extension` (the supervisor must be Not Ready
    /// and on no call).
    SilentMonitor {
        /// The monitored agent's extension.
        extension: Extension,
    },
    /// Supervisor: barge in on the call monitored by the silent monitor dialog (`BARGE_CALL`).
    Barge(DialogId),
    /// Supervisor: drop a participant from a conference (`PARTICIPANT_DROP`).
    DropParticipant {
        /// The conference.
        dialog: DialogId,
        /// The participant's address (an extension or a caller's number).
        target: String,
    },
}

impl Intent {
    /// The dialog the intent acts on, if any.
    pub fn dialog(&self) -> Option<&DialogId> {
        match self {
            Self::Answer(d)
            | Self::Hold(d)
            | Self::Retrieve(d)
            | Self::End(d)
            | Self::Transfer(d)
            | Self::Conference(d)
            | Self::Consult { dialog: d, .. }
            | Self::SingleStepTransfer { dialog: d, .. }
            | Self::SendDtmf { dialog: d, .. }
            | Self::WrapUpReason { dialog: d, .. }
            | Self::UpdateCallVariables { dialog: d, .. }
            | Self::Barge(d)
            | Self::DropParticipant { dialog: d, .. } => Some(d),
            Self::Ready
            | Self::NotReady { .. }
            | Self::SignOut { .. }
            | Self::MakeCall { .. }
            | Self::SetAgentState { .. }
            | Self::SilentMonitor { .. } => None,
        }
    }

    /// Whether the intent changes the agent's state (a User request).
    pub fn is_state_change(&self) -> bool {
        matches!(self, Self::Ready | Self::NotReady { .. } | Self::SignOut { .. })
    }
}

/// Why a number cannot be dialed (guide: "Dialog—Create a New Dialog": any ASCII, nothing
/// converted or removed; 400 Parameter Missing, 400 Invalid Destination when it is the agent's
/// own extension, Unified CCE's asynchronous Generic Error for an E.164 number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialError {
    /// Nothing was entered.
    Empty,
    /// A character outside printable ASCII (letters, digits, punctuation and spaces are fine).
    NotAscii,
    /// The agent's own extension.
    OwnExtension,
    /// Unified CCE does not dial E.164 (`+…`) numbers.
    E164NotSupported,
}

impl DialError {
    /// Why, in English (also the translation key: see [`crate::MESSAGES`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "enter a number to call",
            Self::NotAscii => "the number may only contain letters, digits, spaces and punctuation",
            Self::OwnExtension => "that is your own extension",
            Self::E164NotSupported => "numbers starting with + cannot be dialed on this system",
        }
    }
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for DialError {}

/// Checks a number to dial (make call, consult, single-step transfer) as the guide gives the
/// rules, and returns it without surrounding blanks. Nothing else is changed: Finesse "does not
/// convert any entered letters into numbers, nor does it remove non-numeric characters".
pub fn validate_dial_number(
    to: &str,
    own_extension: Option<&str>,
    deployment: &DeploymentType,
) -> Result<String, DialError> {
    let to = to.trim();
    if to.is_empty() {
        return Err(DialError::Empty);
    }
    if !to.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(DialError::NotAscii);
    }
    if own_extension.is_some_and(|e| e.trim() == to) {
        return Err(DialError::OwnExtension);
    }
    if *deployment != DeploymentType::Uccx && to.starts_with('+') {
        return Err(DialError::E164NotSupported);
    }
    Ok(to.to_owned())
}

/// Checks DTMF digits (guide: "Dialog—Send DTMF String": Unified CCE `0-9 * # A-D`, Unified
/// CCX `0-9 * #`).
pub fn validate_dtmf(digits: &str, deployment: &DeploymentType) -> Result<(), &'static str> {
    if digits.is_empty() {
        return Err("enter the digits to send");
    }
    let ccx = *deployment == DeploymentType::Uccx;
    let ok = |b: u8| b.is_ascii_digit() || b == b'*' || b == b'#' || (!ccx && b"ABCD".contains(&b));
    if digits.bytes().all(ok) {
        Ok(())
    } else if ccx {
        Err("the keypad sends only 0-9, * and #")
    } else {
        Err("the keypad sends only 0-9, *, # and A-D")
    }
}

/// Checks a wrap-up reason (at most 39 bytes, not blank).
pub fn validate_wrap_up_reason(reason: &str) -> Result<(), &'static str> {
    if reason.trim().is_empty() {
        Err("choose a wrap-up reason")
    } else if reason.len() > 39 {
        Err("a wrap-up reason is at most 39 bytes")
    } else {
        Ok(())
    }
}

/// The Outbound Option variables no client may set (guide: "Dialog API Errors", Invalid Input).
const BA_VARIABLES: &[&str] = &[
    "BACampaign",
    "BAAccountNumber",
    "BAResponse",
    "BAStatus",
    "BASTatus",
    "BADialedListID",
    "BATimeZone",
    "BABuddyName",
    "BACustomerNumber",
];

/// Checks call variables (guide: "Dialog—Update Call Variable Data": names not empty and
/// unique, no Outbound Option variable, `callVariable1`–`10` values at most 40 bytes; Unified
/// CCX ECC values in Latin-1).
pub fn validate_call_variables(
    variables: &[CallVariable],
    deployment: &DeploymentType,
) -> Result<(), Text> {
    if variables.is_empty() {
        return Err(Text::new("no call variable to set"));
    }
    for (i, v) in variables.iter().enumerate() {
        let name = v.name.trim();
        if name.is_empty() {
            return Err(Text::new("a call variable has no name"));
        }
        if variables[..i].iter().any(|o| o.name.trim() == name) {
            return Err(Text::new("the call variable {name} is given twice").with("name", name));
        }
        if BA_VARIABLES.contains(&name) {
            return Err(Text::new("{name} is set by Outbound Option and cannot be changed")
                .with("name", name));
        }
        let plain = name
            .strip_prefix("callVariable")
            .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n)));
        if plain && v.value.len() > 40 {
            return Err(Text::new("the value of {name} is longer than 40 bytes").with("name", name));
        }
        if *deployment == DeploymentType::Uccx && v.value.chars().any(|c| u32::from(c) > 0xff) {
            return Err(
                Text::new("the value of {name} has characters outside Latin-1").with("name", name)
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CCE: DeploymentType = DeploymentType::Ucce;
    const CCX: DeploymentType = DeploymentType::Uccx;

    #[test]
    fn dial_numbers_follow_the_guide() {
        assert_eq!(
            validate_dial_number(" (408) 555-1234 ", Some("1001"), &CCE).as_deref(),
            Ok("(408) 555-1234")
        );
        assert_eq!(
            validate_dial_number("1-800-FLOWERS", None, &CCE).as_deref(),
            Ok("1-800-FLOWERS")
        );
        assert_eq!(validate_dial_number("  ", None, &CCE), Err(DialError::Empty));
        assert_eq!(validate_dial_number("1001", Some("1001"), &CCE), Err(DialError::OwnExtension));
        assert_eq!(
            validate_dial_number("+14085551234", None, &CCE),
            Err(DialError::E164NotSupported)
        );
        assert_eq!(validate_dial_number("+14085551234", None, &CCX).as_deref(), Ok("+14085551234"));
        assert_eq!(validate_dial_number("555\u{e9}", None, &CCE), Err(DialError::NotAscii));
        assert_eq!(validate_dial_number("555\t1", None, &CCE), Err(DialError::NotAscii));
        assert!(DialError::OwnExtension.to_string().contains("own extension"));
    }

    #[test]
    fn dtmf_digits_per_platform() {
        assert_eq!(validate_dtmf("0123456789*#ABCD", &CCE), Ok(()));
        assert!(validate_dtmf("A", &CCX).is_err());
        assert_eq!(validate_dtmf("12*#", &CCX), Ok(()));
        assert!(validate_dtmf("", &CCE).is_err());
        assert!(validate_dtmf("1a", &CCE).is_err());
    }

    #[test]
    fn wrap_up_reasons_are_at_most_39_bytes() {
        assert_eq!(validate_wrap_up_reason("Happy customer!"), Ok(()));
        assert!(validate_wrap_up_reason(&"x".repeat(39)).is_ok());
        assert!(validate_wrap_up_reason(&"x".repeat(40)).is_err());
        assert!(validate_wrap_up_reason(&"\u{e9}".repeat(20)).is_err(), "40 bytes");
        assert!(validate_wrap_up_reason(" ").is_err());
    }

    #[test]
    fn call_variables_are_checked() {
        let v = |n: &str, x: &str| CallVariable::new(n, x);
        assert_eq!(
            validate_call_variables(&[v("callVariable1", ""), v("user.x[2]", "y")], &CCE),
            Ok(())
        );
        assert!(validate_call_variables(&[], &CCE).is_err());
        assert!(validate_call_variables(&[v(" ", "a")], &CCE).is_err());
        assert!(
            validate_call_variables(&[v("callVariable1", "a"), v("callVariable1", "b")], &CCE)
                .is_err()
        );
        assert!(validate_call_variables(&[v("BAResponse", "a")], &CCE).is_err());
        assert!(validate_call_variables(&[v("callVariable10", &"x".repeat(41))], &CCE).is_err());
        assert!(validate_call_variables(&[v("user.long", &"x".repeat(41))], &CCE).is_ok());
        assert!(validate_call_variables(&[v("user.x", "\u{20ac}")], &CCX).is_err());
        assert!(validate_call_variables(&[v("user.x", "\u{e9}")], &CCX).is_ok());
    }

    #[test]
    fn intents_name_their_dialog() {
        let d = DialogId::from("7");
        assert_eq!(Intent::Hold(d.clone()).dialog(), Some(&d));
        assert_eq!(Intent::Ready.dialog(), None);
        assert!(Intent::SignOut { reason: None }.is_state_change());
        assert!(!Intent::End(d).is_state_change());
    }
}
