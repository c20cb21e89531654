//! The errors the engine answers with: synchronous [`ApiFailure`]s (HTTP status + `<ApiErrors>`)
//! and the `ApiError`s of asynchronous error notifications, with the ErrorType / ErrorMessage /
//! ErrorData the guide documents ("Cisco Finesse API Errors", "User API Errors", "Dialog API
//! Errors", the Platform-Based API Differences tables, the Asynchronous Errors tables).
//!
//! Where the guide names the ErrorType but not the message (most asynchronous Generic Errors),
//! the message is a short description and ErrorData is left out.

use finesse_model::{ApiError, ApiErrors};

use super::ApiFailure;
use super::model::Platform;

/// A failure with one error.
pub(crate) fn failure(status: u16, ty: &str, message: &str, data: Option<&str>) -> ApiFailure {
    ApiFailure { status, errors: ApiErrors::from(vec![ApiError::new(ty, message, data)]) }
}

/// 400 Parameter Missing (`<ErrorData>state</ErrorData><ErrorMessage>State Parameter missing`).
pub(crate) fn parameter_missing(param: &str) -> ApiFailure {
    let mut label = param.to_owned();
    if let Some(first) = label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    failure(400, "Parameter Missing", &format!("{label} Parameter missing"), Some(param))
}

/// 400 Invalid Input, naming the parameter.
pub(crate) fn invalid_input(param: &str, message: &str) -> ApiFailure {
    failure(400, "Invalid Input", message, Some(param))
}

/// 400 Bad Request.
pub(crate) fn bad_request(message: &str) -> ApiFailure {
    failure(400, "Bad Request", message, None)
}

/// 400 Invalid Destination.
pub(crate) fn invalid_destination(message: &str, data: &str) -> ApiFailure {
    failure(400, "Invalid Destination", message, Some(data))
}

/// 401 Authorization Failure (the user may not use this API).
pub(crate) fn authorization_failure(user: &str) -> ApiFailure {
    failure(401, "Authorization Failure", "UNAUTHORIZED", Some(user))
}

/// 401 Invalid Authorization User Specified (acting for another user, or with an address that
/// is not the user's).
pub(crate) fn invalid_authorization(user: &str) -> ApiFailure {
    failure(
        401,
        "Invalid Authorization User Specified",
        "The user specified in the authentication credentials and the uri don't match",
        Some(user),
    )
}

/// 401 Invalid Supervisor (the user is not on a team the supervisor supervises).
pub(crate) fn invalid_supervisor(user: &str) -> ApiFailure {
    failure(
        401,
        "Invalid Supervisor",
        "The user does not belong to a team of the supervisor",
        Some(user),
    )
}

/// 401 for wrong credentials.
pub(crate) fn unauthenticated(user: &str) -> ApiFailure {
    failure(401, "Unauthorized", "UNAUTHORIZED", Some(user))
}

/// 404 User Not Found / UNKNOWN_USER.
pub(crate) fn user_not_found(user: &str) -> ApiFailure {
    failure(404, "User Not Found", "UNKNOWN_USER", Some(user))
}

/// 404 Not Found.
pub(crate) fn not_found(message: &str, data: &str) -> ApiFailure {
    failure(404, "Not Found", message, Some(data))
}

/// 404 for GET Dialog ("Invalid dialogId specified for dialog").
pub(crate) fn dialog_not_found_get() -> ApiFailure {
    failure(404, "Not Found", "Invalid dialogId specified for dialog", None)
}

/// 404 Dialog Not Found (PUT).
pub(crate) fn dialog_not_found(id: &str) -> ApiFailure {
    failure(404, "Dialog Not Found", "Invalid dialogId specified for dialog", Some(id))
}

/// 501 Not Implemented: the API is not supported on this deployment type.
pub(crate) fn not_implemented(what: &str) -> ApiFailure {
    failure(501, "Not Implemented", what, None)
}

/// 400 Invalid State for a state transition the tables do not allow, with the CTI error the
/// platform reports. "Change from LOGOUT to NOT_READY": UCCE `257 CF_INVALID_PASSWORD_SPECIFIED`,
/// UCCX `1010 CF_INVALID_PARAMETER` (the agent is not signed in to the CTI server); other
/// transitions `22 CF_INVALID_OBJECT_STATE`.
pub(crate) fn invalid_transition(platform: Platform, signed_out: bool) -> ApiFailure {
    if signed_out {
        match platform {
            Platform::Cce => {
                failure(400, "Invalid State", "CF_INVALID_PASSWORD_SPECIFIED", Some("257"))
            }
            Platform::Ccx => failure(400, "Invalid State", "CF_INVALID_PARAMETER", Some("1010")),
        }
    } else {
        failure(400, "Invalid State", "CF_INVALID_OBJECT_STATE", Some("22"))
    }
}

/// UCCX: pending READY during an ICD call, or a second pending NOT_READY
/// (`265 CF_INVALID_AGENT_WORKMODE`).
pub(crate) fn invalid_workmode() -> ApiFailure {
    failure(400, "Invalid State", "CF_INVALID_AGENT_WORKMODE", Some("265"))
}

/// UCCX: pending READY during a non-ICD call (`33 CF_RESOURCE_BUSY`).
pub(crate) fn resource_busy() -> ApiFailure {
    failure(400, "Invalid State", "CF_RESOURCE_BUSY", Some("33"))
}

/// The failure of a state change the transition rules refuse
/// ([`finesse_model::transitions`]).
pub(crate) fn state_change(
    platform: Platform,
    e: finesse_model::transitions::StateChangeError,
) -> ApiFailure {
    use finesse_model::transitions::StateChangeError as E;
    match e {
        E::SignedOut => invalid_transition(platform, true),
        E::InvalidTransition | E::NotSettable => invalid_transition(platform, false),
        E::InvalidWorkMode => invalid_workmode(),
        E::ResourceBusy => resource_busy(),
    }
}

/// An asynchronous error: the data of an error notification.
pub(crate) fn async_error(ty: &str, message: &str, data: Option<&str>) -> ApiErrors {
    ApiErrors::from(vec![ApiError::new(ty, message, data)])
}

/// The asynchronous "Generic Error" of a Dialog request the participant's state does not allow
/// ("Attempt to PUT a Dialog object using an action that is not allowed", and the other Generic
/// Error rows of the Dialog tables).
pub(crate) fn generic_error(message: &str) -> ApiErrors {
    async_error("Generic Error", message, None)
}

/// A Media API error (sync), with `ErrorMedia` (guide: "Media and Dialogs/Media Error Code
/// Descriptions").
pub(crate) fn media_failure(
    status: u16,
    ty: &str,
    constant: &str,
    code: &str,
    mrd: &str,
) -> ApiFailure {
    let mut e = ApiError::new(ty, constant, Some(code));
    e.error_media = Some(mrd.to_owned());
    ApiFailure { status, errors: ApiErrors::from(vec![e]) }
}
