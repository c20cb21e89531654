//! `<ApiErrors>` (guide chapter 1, "Cisco Finesse API Errors"): the body of an HTTP error, and
//! (as `<apiErrors>`, lower camel case) the data of an asynchronous error notification.

xml_list! {
    /// A list of API errors.
    pub struct ApiErrors as "ApiErrors" | "apiErrors" { "ApiError" | "apiError" => errors: ApiError }
}

xml_struct! {
    /// One error. HTTP bodies spell the elements `ErrorType`…; notifications `errorType`….
    pub struct ApiError as "ApiError" | "apiError" {
        /// Error type (`Invalid State`, `Parameter Missing`, a CTI code, …).
        #[serde(rename = "ErrorType", alias = "errorType")]
        error_type: Option<String>,
        /// Error message or CTI constant (`CF_INVALID_OBJECT_STATE`, …).
        #[serde(rename = "ErrorMessage", alias = "errorMessage")]
        error_message: Option<String>,
        /// Error data (a CTI error code, the rejected lines of an import, …).
        #[serde(rename = "ErrorData", alias = "errorData")]
        error_data: Option<String>,
        /// The Media Routing Domain of a nonvoice error.
        #[serde(rename = "ErrorMedia", alias = "errorMedia")]
        error_media: Option<String>,
        /// Whether the validation can be overridden (EnterpriseDatabaseConfig).
        #[serde(rename = "Overrideable", alias = "overrideable")]
        overrideable: Option<bool>,
    }
}

impl ApiError {
    /// A new error.
    pub fn new(error_type: &str, message: &str, data: Option<&str>) -> Self {
        Self {
            error_type: Some(error_type.to_owned()),
            error_message: Some(message.to_owned()),
            error_data: data.map(str::to_owned),
            ..Self::default()
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ty = self.error_type.as_deref().unwrap_or("Error");
        match (self.error_message.as_deref(), self.error_data.as_deref()) {
            (Some(m), Some(d)) => write!(f, "{ty}: {m} ({d})"),
            (Some(m), None) => write!(f, "{ty}: {m}"),
            (None, Some(d)) => write!(f, "{ty} ({d})"),
            (None, None) => f.write_str(ty),
        }
    }
}
