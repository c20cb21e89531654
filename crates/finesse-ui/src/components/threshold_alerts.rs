//! Announcements of thresholds reached (queue statistics: calls waiting, oldest call), in a
//! live region that exists before anything is announced, so screen readers read each new one.

use finesse_session::queues::Alert;
use yew::prelude::*;

use crate::i18n::Locale;

/// The sentence for an alert.
pub fn alert_text(alert: &Alert, locale: Locale) -> String {
    match alert {
        Alert::Calls { queue, value, limit } => locale
            .tr("{queue}: {value} calls waiting, at or above the threshold of {limit}.")
            .replace("{queue}", queue)
            .replace("{value}", &value.to_string())
            .replace("{limit}", &limit.to_string()),
        Alert::Oldest { queue, waited, limit } => locale
            .tr("{queue}: the oldest call has waited {waited}, at or above the threshold of {limit}.")
            .replace("{queue}", queue)
            .replace("{waited}", waited)
            .replace("{limit}", limit),
    }
}

/// A polite live region (`role="status"`) listing `alerts` (oldest first, each with a stable
/// id) as text. Render it even without alerts, so the first one is announced.
pub fn threshold_alerts(alerts: &[(u64, Alert)], locale: Locale) -> Html {
    let l = locale;
    html! {
        <div class="threshold-alerts" role="status" aria-live="polite"
            aria-label={l.t("Threshold alerts")}>
            { for alerts.iter().map(|(id, alert)| html! {
                <p key={id.to_string()} class="threshold-alert">{ alert_text(alert, l) }</p>
            }) }
        </div>
    }
}
