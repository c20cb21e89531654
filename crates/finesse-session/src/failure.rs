//! Failures in words a person understands: an HTTP error answer, an asynchronous error
//! notification (`<apiErrors>`, "Call Operation Failure" with the CTI error code and
//! constant, guide chapter 6), no answer, or no confirmation.

use finesse_model::{ApiError, ApiErrors};
use finesse_rest::RestError;

use crate::text::{Arg, Text};

/// How a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The server answered the request with an error status.
    Refused,
    /// The server accepted the request, then published an error notification (a CTI error).
    Asynchronous,
    /// The credentials were refused (HTTP 401).
    Unauthorized,
    /// The server is out of service (HTTP 503); a retry in a few seconds is likely to work.
    OutOfService,
    /// The server could not be reached.
    Unreachable,
    /// No answer came in time.
    NoAnswer,
    /// The server accepted the request but no notification confirmed it in time.
    Unconfirmed,
}

/// A failure, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// One sentence: what failed and why, with the CTI error code when there is one, in
    /// English (for logs and tests; a UI shows [`Failure::text`] in the agent's language).
    pub message: String,
    /// The same sentence, translatable.
    pub text: Text,
    /// How it failed.
    pub kind: FailureKind,
    /// The HTTP status, for a refused request.
    pub status: Option<u16>,
    /// Finesse's `ErrorType` (`Invalid State`, `Call Operation Failure`, …).
    pub error_type: Option<String>,
    /// The CTI error code (`ErrorData` when it is a number).
    pub cti_code: Option<String>,
    /// The CTI error constant (`ErrorMessage` when it is one, e.g. `CF_RESOURCE_BUSY`).
    pub cti_constant: Option<String>,
}

impl Failure {
    /// `what` ("hold the call"; none for an error naming no request) failed with this HTTP
    /// error. A gadget's own `what` needs a translation of its own (the session's are in
    /// [`crate::MESSAGES`]).
    pub fn from_rest(what: Option<Text>, error: &RestError) -> Self {
        let (kind, status, errors) = match error {
            RestError::Network(_) => (FailureKind::Unreachable, None, None),
            RestError::Unauthorized => (FailureKind::Unauthorized, Some(401), None),
            RestError::Unavailable => (FailureKind::OutOfService, Some(503), None),
            RestError::NotFound(e) => (FailureKind::Refused, Some(404), e.as_ref()),
            RestError::Status { status, errors } => {
                (FailureKind::Refused, Some(*status), errors.as_ref())
            }
            RestError::Decode(_) => (FailureKind::Refused, None, None),
            _ => (FailureKind::Refused, None, None),
        };
        let first = errors.and_then(|e| e.errors.first());
        let why = match (kind, first) {
            (FailureKind::Unreachable, _) => Text::new("the Finesse server could not be reached"),
            (FailureKind::Unauthorized, _) => {
                Text::new("the Finesse server did not accept your credentials (sign in again)")
            }
            (FailureKind::OutOfService, _) => {
                Text::new("the Finesse server is out of service; try again in a few seconds")
            }
            (_, Some(e)) => explain(e),
            // What the decoder said, as it said it.
            (_, None) if matches!(error, RestError::Decode(_)) => {
                Text::new("the Finesse server sent an unreadable answer ({error})")
                    .with("error", decode_detail(error))
            }
            (_, None) if status == Some(404) => Text::new("the call no longer exists"),
            (_, None) => match status {
                Some(s) => Text::new("the Finesse server refused it (HTTP {status})")
                    .with("status", s.to_string()),
                None => Text::new("the Finesse server sent an unreadable answer"),
            },
        };
        Self::build(what, why, kind, status, first)
    }

    /// `what` failed with this asynchronous error notification.
    pub(crate) fn from_notification(what: Option<Text>, errors: &ApiErrors) -> Self {
        let first = errors.errors.first();
        let why = first.map_or_else(|| Text::new("the phone system refused it"), explain);
        Self::build(what, why, FailureKind::Asynchronous, None, first)
    }

    /// `what` timed out: no answer at all, or no confirmation after the server accepted it.
    pub(crate) fn timeout(what: Text, answered: bool, seconds: i64) -> Self {
        let (kind, why) = if answered {
            (
                FailureKind::Unconfirmed,
                Text::new(
                    "the Finesse server accepted it but did not confirm it within {seconds} s \
                     (the screen shows the server's state)",
                ),
            )
        } else {
            (
                FailureKind::NoAnswer,
                Text::new("the Finesse server did not answer within {seconds} s"),
            )
        };
        Self::build(Some(what), why.with("seconds", seconds.to_string()), kind, None, None)
    }

    fn build(
        what: Option<Text>,
        why: Text,
        kind: FailureKind,
        status: Option<u16>,
        error: Option<&ApiError>,
    ) -> Self {
        let (cti_code, cti_constant) = error.map(cti).unwrap_or_default();
        let text = sentence(what, why, cti_text(cti_code.as_deref(), cti_constant.as_deref()));
        Self {
            message: text.english(),
            text,
            kind,
            status,
            error_type: error.and_then(|e| e.error_type.clone()),
            cti_code,
            cti_constant,
        }
    }
}

/// The decoder's words of a [`RestError::Decode`].
fn decode_detail(error: &RestError) -> String {
    match error {
        RestError::Decode(e) => e.to_string(),
        _ => String::new(),
    }
}

/// "Could not {action}: {reason}{cti}." (or "{Reason}{cti}." when no action is named).
pub(crate) fn sentence(what: Option<Text>, why: Text, cti: Arg) -> Text {
    match what {
        Some(what) => Text::new("Could not {action}: {reason}{cti}.").with("action", what),
        None => Text::new("{Reason}{cti}."),
    }
    .with("reason", why)
    .with("cti", cti)
}

/// The CTI code and constant after the reason.
fn cti_text(code: Option<&str>, constant: Option<&str>) -> Arg {
    match (code, constant) {
        (Some(code), Some(constant)) => Text::new(" (CTI error {code}, {constant})")
            .with("code", code)
            .with("constant", constant)
            .into(),
        (Some(code), None) => Text::new(" (error {code})").with("code", code).into(),
        // A constant alone has no words to translate.
        (None, Some(constant)) => Arg::Verbatim(format!(" ({constant})")),
        (None, None) => Arg::Verbatim(String::new()),
    }
}

/// `ErrorData` when it is a number, and `ErrorMessage` when it is a CTI constant.
fn cti(e: &ApiError) -> (Option<String>, Option<String>) {
    let numeric = |s: &&str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let constant = e.error_message.as_deref().map(str::trim).filter(|m| is_constant(m));
    // ErrorData is a CTI code with a CTI constant or a CTI error type; elsewhere it names the
    // parameter or the address at fault.
    let cti_type = matches!(
        e.error_type.as_deref().map(str::trim),
        Some("Call Operation Failure" | "Generic Error" | "Invalid State")
    );
    let code = e
        .error_data
        .as_deref()
        .map(str::trim)
        .filter(numeric)
        .filter(|_| constant.is_some() || cti_type)
        .map(str::to_owned);
    // A numeric ErrorType (20700, 88049, …) is a CTI code too.
    let code =
        code.or_else(|| e.error_type.as_deref().map(str::trim).filter(numeric).map(str::to_owned));
    (code, constant.map(str::to_owned))
}

/// `CF_RESOURCE_BUSY`, `E_ARM_STAT_…`, `UNKNOWN_USER`: upper case, digits and underscores.
fn is_constant(s: &str) -> bool {
    s.contains('_') && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Why, from the error's type (and its message when that is prose).
fn explain(e: &ApiError) -> Text {
    let ty = e.error_type.as_deref().map(str::trim).unwrap_or_default();
    let base = match ty {
        "Call Operation Failure" => Text::new("the phone system could not do it"),
        "Generic Error" => Text::new("the phone system refused it"),
        "Invalid State" => Text::new("it is not allowed in the current state"),
        "Invalid Destination" => Text::new("that number cannot be called"),
        "Invalid Input" | "Bad Request" => Text::new("a value was not accepted"),
        "Parameter Missing" => Text::new("something required was missing"),
        "Invalid Device" => Text::new("the phone (extension) cannot be used"),
        "Device Busy" => Text::new("the phone (extension) is already in use"),
        "Mode Not Allowed" => Text::new("this user cannot sign in as a mobile agent"),
        "Call Variable is protected" => Text::new("call variables cannot be changed on this call"),
        "Dialog Not Found" | "Not Found" => Text::new("the call no longer exists"),
        "Authorization Failure"
        | "Invalid Authorization User Specified"
        | "Invalid User Authorization Specified"
        | "Unauthorized" => Text::new("you are not allowed to do that"),
        "Service Unavailable" => {
            Text::new("the Finesse server is out of service; try again in a few seconds")
        }
        "Internal Server Error" => Text::new("the Finesse server had an internal error"),
        "Maximum Exceeded" => Text::new("a limit was reached"),
        "" => Text::new("the Finesse server refused it"),
        t if t.bytes().all(|b| b.is_ascii_digit()) => Text::new("the phone system refused it"),
        // The server's error type, as it sent it.
        _ => Text::new("Finesse refused it ({type})").with("type", ty),
    };
    match e.error_message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() && !is_constant(m) && m.chars().any(char::is_lowercase) => {
            let m: String = m.chars().take(200).collect();
            Text::new("{reason} ({message})").with("reason", base).with("message", m)
        }
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use finesse_model::decode;

    #[test]
    fn a_cti_error_notification_names_the_code_and_constant() {
        let errors: ApiErrors = decode(
            "<apiErrors><apiError><errorData>34</errorData>\
             <errorMessage>CF_RESOURCE_OUT_OF_SERVICE</errorMessage>\
             <errorType>Call Operation Failure</errorType></apiError></apiErrors>",
        )
        .expect("apiErrors");
        let f = Failure::from_notification(Some(Text::new("hold the call")), &errors);
        assert_eq!(
            f.message,
            "Could not hold the call: the phone system could not do it \
             (CTI error 34, CF_RESOURCE_OUT_OF_SERVICE)."
        );
        assert_eq!(f.kind, FailureKind::Asynchronous);
        assert_eq!(f.cti_code.as_deref(), Some("34"));
        assert_eq!(f.error_type.as_deref(), Some("Call Operation Failure"));
    }

    #[test]
    fn http_errors_read_as_sentences() {
        let body = "<ApiErrors><ApiError><ErrorType>Invalid State</ErrorType>\
            <ErrorMessage>CF_INVALID_OBJECT_STATE</ErrorMessage><ErrorData>22</ErrorData>\
            </ApiError></ApiErrors>";
        let f = Failure::from_rest(
            Some(Text::new("change to Ready")),
            &finesse_rest::error_of(400, body),
        );
        assert_eq!(
            f.message,
            "Could not change to Ready: it is not allowed in the current state \
             (CTI error 22, CF_INVALID_OBJECT_STATE)."
        );
        assert_eq!((f.kind, f.status), (FailureKind::Refused, Some(400)));
        let prose = "<ApiErrors><ApiError><ErrorType>Invalid Destination</ErrorType>\
            <ErrorMessage>The toAddress and fromAddress are the same</ErrorMessage>\
            <ErrorData>1001</ErrorData></ApiError></ApiErrors>";
        let f = Failure::from_rest(
            Some(Text::new("call {number}").with("number", "1001")),
            &finesse_rest::error_of(400, prose),
        );
        assert_eq!(
            f.message,
            "Could not call 1001: that number cannot be called \
             (The toAddress and fromAddress are the same)."
        );
        let f = Failure::from_rest(Some(Text::new("end the call")), &RestError::Unavailable);
        assert_eq!(f.kind, FailureKind::OutOfService);
        assert!(f.message.contains("try again"), "{}", f.message);
        let f = Failure::from_rest(
            Some(Text::new("end the call")),
            &RestError::Network("reset".into()),
        );
        assert_eq!(f.message, "Could not end the call: the Finesse server could not be reached.");
        let f = Failure::from_rest(
            Some(Text::new("answer the call")),
            &finesse_rest::error_of(404, ""),
        );
        assert!(f.message.contains("no longer exists"), "{}", f.message);
        let f = Failure::from_rest(
            Some(Text::new("answer the call")),
            &finesse_rest::error_of(500, "<html/>"),
        );
        assert!(f.message.ends_with("(HTTP 500)."), "{}", f.message);
        let unreadable = decode::<finesse_model::User>("<User><").unwrap_err();
        let f = Failure::from_rest(None, &RestError::Decode(unreadable));
        assert!(
            f.message.starts_with("The Finesse server sent an unreadable answer ("),
            "{}",
            f.message
        );
    }

    #[test]
    fn numeric_error_types_and_unknown_types() {
        let e = ApiErrors::from(vec![ApiError::new("20999", "Barge via a non-controller", None)]);
        let f = Failure::from_notification(Some(Text::new("start the conference")), &e);
        assert_eq!(f.cti_code.as_deref(), Some("20999"));
        assert!(f.message.ends_with("(error 20999)."), "{}", f.message);
        let e = ApiErrors::from(vec![ApiError::new(
            "Agent already logged into MRD",
            "E_ARM_STAT_AGENT_ALREADY_LOGGED_IN",
            Some("1"),
        )]);
        let f = Failure::from_notification(None, &e);
        assert_eq!(
            f.message,
            "Finesse refused it (Agent already logged into MRD) \
             (CTI error 1, E_ARM_STAT_AGENT_ALREADY_LOGGED_IN)."
        );
        let f = Failure::from_notification(None, &ApiErrors::default());
        assert_eq!(f.message, "The phone system refused it.");
    }

    #[test]
    fn timeouts_say_whether_the_server_answered() {
        let f = Failure::timeout(Text::new("hold the call"), false, 15);
        assert_eq!(f.kind, FailureKind::NoAnswer);
        assert!(f.message.contains("did not answer within 15 s"), "{}", f.message);
        let f = Failure::timeout(Text::new("hold the call"), true, 15);
        assert_eq!(f.kind, FailureKind::Unconfirmed);
    }
}
