//! Identifier newtypes, so a dialog id cannot be passed where a user id is expected.
//! Ids are opaque text: Finesse uses digits for most, but team ids such as `TheA` appear in the
//! guide and nonvoice dialog ids contain underscores.

id_type! {
    /// A user (agent, supervisor) id: the `loginId`, also the last segment of the User URI.
    UserId
}
id_type! {
    /// A dialog id (voice ids are digits, nonvoice ids contain underscores).
    DialogId
}
id_type! {
    /// A queue (skill group / precision queue) id.
    QueueId
}
id_type! {
    /// A team id.
    TeamId
}
id_type! {
    /// A reason code's database id (`-1` when none could be given, see the User API).
    ReasonCodeId
}
id_type! {
    /// A wrap-up reason id.
    WrapUpReasonId
}
id_type! {
    /// A phone book id.
    PhoneBookId
}
id_type! {
    /// A phone book contact id.
    ContactId
}
id_type! {
    /// A workflow id.
    WorkflowId
}
id_type! {
    /// A workflow action id.
    WorkflowActionId
}
id_type! {
    /// A media properties layout id.
    LayoutId
}
id_type! {
    /// A Media Routing Domain id (`mrdId`; voice is `1`).
    MediaId
}
id_type! {
    /// A phone extension or other media address (any ASCII the switch accepts).
    Extension
}

/// The id at the end of a Finesse object URI: `/finesse/api/User/1001001` gives `1001001`.
/// A trailing slash, as some guide samples print, is ignored.
///
/// ```
/// assert_eq!(finesse_model::id_from_uri("/finesse/api/User/1234/"), Some("1234"));
/// assert_eq!(finesse_model::id_from_uri(""), None);
/// ```
pub fn id_from_uri(uri: &str) -> Option<&str> {
    let last = uri.trim().trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty()).then_some(last)
}
