//! The Diagnostic Portal replies (guide chapter 5, `/finesse-dp/rest/DiagnosticPortal/…`):
//! attributes in the `dp` namespace; errors are reported in `ReturnCode`/`ErrorString`.

xml_struct! {
    /// Any Diagnostic Portal reply (`dp:GetPerformanceInformationReply`,
    /// `dp:GetProductVersionReply`, `dp:GetProductLicenseReply`, …): the namespace prefix is
    /// not part of the name the codec matches.
    pub struct DiagnosticReply as "GetProductVersionReply" | "GetPerformanceInformationReply" | "GetProductLicenseReply" {
        /// `0` on success.
        #[serde(rename = "@ReturnCode")]
        return_code: Option<i64>,
        /// The error, when `ReturnCode` is not 0.
        #[serde(rename = "@ErrorString")]
        error_string: Option<String>,
        /// The namespace declaration.
        #[serde(rename = "@xmlns:dp")]
        xmlns_dp: Option<String>,
        /// Schema version.
        #[serde(rename = "Schema")]
        schema: Option<DiagnosticSchema>,
        /// Performance counters.
        #[serde(rename = "PerformanceInformation")]
        performance_information: Option<PerformanceInformation>,
        /// Product version.
        #[serde(rename = "ProductVersion")]
        product_version: Option<DiagnosticProductVersion>,
        /// Component versions.
        #[serde(rename = "ComponentVersionList")]
        component_version_list: Option<ComponentVersionList>,
    }
}

/// The performance reply, by its own name for the fixture manifest.
pub type DiagnosticPerformance = DiagnosticReply;

xml_struct! {
    /// `<dp:Schema Version="1.0"/>`.
    pub struct DiagnosticSchema {
        /// Version.
        #[serde(rename = "@Version")]
        version: Option<String>,
    }
}

xml_struct! {
    /// `<dp:PerformanceInformation>`.
    pub struct PerformanceInformation {
        /// The counters.
        #[serde(rename = "PropertyList")]
        property_list: Option<PropertyList>,
    }
}

xml_struct! {
    /// `<dp:PropertyList>`.
    pub struct PropertyList {
        /// The counters.
        #[serde(rename = "Property")]
        property: Vec<DiagnosticProperty>,
    }
}

xml_struct! {
    /// `<dp:Property Name="Tomcat/Thread Count" Value="183"/>`.
    pub struct DiagnosticProperty {
        /// Counter name.
        #[serde(rename = "@Name")]
        name: Option<String>,
        /// Counter value.
        #[serde(rename = "@Value")]
        value: Option<String>,
    }
}

xml_struct! {
    /// `<dp:ProductVersion VersionString="10.5(1)" Major="10" …/>`.
    pub struct DiagnosticProductVersion as "ProductVersion" {
        /// The full version.
        #[serde(rename = "@VersionString")]
        version_string: Option<String>,
        /// Maintenance number.
        #[serde(rename = "@Maintenance")]
        maintenance: Option<String>,
        /// Minor number.
        #[serde(rename = "@Minor")]
        minor: Option<String>,
        /// Major number.
        #[serde(rename = "@Major")]
        major: Option<String>,
        /// Product name.
        #[serde(rename = "@Name")]
        name: Option<String>,
    }
}

xml_struct! {
    /// `<dp:ComponentVersionList>`.
    pub struct ComponentVersionList {
        /// Component versions.
        #[serde(rename = "ComponentVersion")]
        component_version: Vec<DiagnosticProductVersion>,
    }
}
