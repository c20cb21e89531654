//! A running time ("1:02:05"), as the desktop shows time in state, call and hold times.

use finesse_session::format_elapsed;
use yew::prelude::*;

/// Props of [`Elapsed`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct ElapsedProps {
    /// The duration in milliseconds; `None` when it is not known (rendered as "–").
    pub ms: Option<i64>,
    /// The element's `data-testid`, for end-to-end tests.
    #[prop_or_default]
    pub testid: Option<String>,
}

/// A duration as `m:ss` or `h:mm:ss` in a `<time>` element (with its machine-readable
/// `datetime`), or "–" when unknown. The host re-renders it on its clock tick.
#[component]
pub fn Elapsed(props: &ElapsedProps) -> Html {
    let testid = props.testid.clone();
    match props.ms {
        Some(ms) => html! {
            <time class="elapsed" datetime={format!("PT{}S", ms.max(0) / 1000)}
                data-testid={testid}>{ format_elapsed(ms) }</time>
        },
        None => html! { <span class="elapsed" data-testid={testid}>{ "\u{2013}" }</span> },
    }
}
