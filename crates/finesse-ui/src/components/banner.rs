//! Messages to the agent: a persistent [`Banner`] and dismissible [`Toasts`].

use yew::prelude::*;

use crate::i18n::Locale;

/// How serious a message is; decides its colours and whether it interrupts a screen reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BannerKind {
    /// Information (announced politely).
    #[default]
    Info,
    /// Something the agent should look at (announced politely).
    Warning,
    /// Something failed (announced at once).
    Error,
}

impl BannerKind {
    /// The CSS class of the kind (`banner-info`, `banner-warning`, `banner-error`).
    pub fn class(self) -> &'static str {
        match self {
            Self::Info => "banner-info",
            Self::Warning => "banner-warning",
            Self::Error => "banner-error",
        }
    }

    /// The ARIA role: `alert` for errors, `status` otherwise.
    pub fn role(self) -> &'static str {
        match self {
            Self::Error => "alert",
            Self::Info | Self::Warning => "status",
        }
    }
}

/// Props of [`Banner`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct BannerProps {
    /// Its kind.
    pub kind: BannerKind,
    /// The message (rendered as text).
    pub text: String,
    /// The element's `data-testid`, for end-to-end tests.
    #[prop_or_default]
    pub testid: Option<String>,
}

/// A message across the gadget (connection lost, request failed, …): `role="alert"` for errors
/// so screen readers announce it at once, `role="status"` otherwise.
#[component]
pub fn Banner(props: &BannerProps) -> Html {
    html! {
        <div class={classes!("banner", props.kind.class())} role={props.kind.role()}
            data-testid={props.testid.clone()}>{ props.text.clone() }</div>
    }
}

/// One message of [`Toasts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    /// Identifies it (for dismissing it); unique among the toasts shown.
    pub id: u64,
    /// Its kind.
    pub kind: BannerKind,
    /// The message (rendered as text).
    pub text: String,
}

/// Props of [`Toasts`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct ToastsProps {
    /// The messages, oldest first.
    pub items: Vec<Toast>,
    /// Called with a toast's id when the agent dismisses it.
    pub on_dismiss: Callback<u64>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
}

/// Transient messages, each with a "Dismiss" button. The live region is always rendered (even
/// empty) so that screen readers announce the messages added to it.
#[component]
pub fn Toasts(props: &ToastsProps) -> Html {
    let dismiss = props.locale.t("Dismiss");
    html! {
        <div class="toasts" aria-live="polite">
            { for props.items.iter().map(|toast| {
                let id = toast.id;
                let on_dismiss = props.on_dismiss.clone();
                html! {
                    <div key={id} class={classes!("toast", "banner", toast.kind.class())}
                        role={toast.kind.role()}>
                        <span class="toast-text">{ toast.text.clone() }</span>
                        <button type="button" class="toast-dismiss"
                            onclick={move |_| on_dismiss.emit(id)}>{ dismiss.clone() }</button>
                    </div>
                }
            }) }
        </div>
    }
}
