//! How every gadget of the shared module starts: it waits for the container's hub; in a
//! container it is set up from the prefs ([`container_setup`]), standalone it shows the
//! sign-in form and is set up from what the agent typed and the page's query (`?base=`,
//! `?locale=`, `?user=`). Each gadget gives one `start` function for both cases and a view of
//! its running state; the loading text, the set-up failure and the sign-in form are the same
//! for all.

use std::rc::Rc;

use finesse_hub::gadgets::{self, GadgetHub};
use finesse_model::UserId;
use finesse_rest::{Auth, Fetch};
use finesse_ui::{Banner, BannerKind, Locale, SignIn};
use yew::prelude::*;

use crate::{Setup, container_setup, env, page_locale, query};

/// What a gadget is doing.
pub enum Phase<R> {
    /// Looking for a container.
    Starting,
    /// Standalone, waiting for the user's credentials.
    SignIn,
    /// Running, with the gadget's own state.
    Running(R),
    /// Cannot run: why, as an i18n key (the prefs' values quoted in it pass through).
    Failed(String),
}

/// Starts a gadget from its setup: with the hub in a container, without it standalone.
/// `render` re-renders the gadget's root; the gadget calls it whenever its state changed.
pub type Start<R> = fn(Setup, Option<GadgetHub>, &Rc<dyn Fn()>) -> Phase<R>;

/// A gadget's root state: the phase, how to re-render, and how it starts.
pub struct Gadget<R: 'static> {
    /// The phase.
    pub phase: UseStateHandle<Phase<R>>,
    /// Re-renders the root component.
    pub render: Rc<dyn Fn()>,
    start: Start<R>,
}

/// The root state of a gadget started by `start`: on the first render, waits for the
/// container's hub and starts in it, or asks for credentials when there is none.
#[hook]
pub fn use_gadget<R: 'static>(start: Start<R>) -> Gadget<R> {
    let phase = use_state(|| Phase::Starting);
    let redraw = use_force_update();
    let render: Rc<dyn Fn()> = Rc::new(move || redraw.force_update());
    {
        let (phase, render) = (phase.clone(), render.clone());
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                phase.set(match gadgets::connected().await {
                    Ok(hub) => match container_setup() {
                        Ok(setup) => start(setup, Some(hub), &render),
                        Err(why) => Phase::Failed(why),
                    },
                    Err(_) => Phase::SignIn,
                });
            });
        });
    }
    Gadget { phase, render, start }
}

impl<R: 'static> Gadget<R> {
    /// The standalone sign-in form's submit: starts the gadget as that user, against the
    /// page's origin (or `?base=`), in the `?locale=` language. The password stays in memory.
    pub fn sign_in(&self) -> Callback<(String, String)> {
        let (phase, render, start) = (self.phase.clone(), self.render.clone(), self.start);
        Callback::from(move |(user, password): (String, String)| {
            if !env::valid_user_id(&user) {
                return;
            }
            let setup = Setup {
                auth: Auth::Basic { user: user.clone(), password },
                user: UserId::from(user),
                rest: Fetch::new(query("base").unwrap_or_default()),
                locale: Locale::from_tag(&query("locale").unwrap_or_default()),
            };
            phase.set(start(setup, None, &render));
        })
    }

    /// The sign-in form, with `error` above it when the last attempt failed.
    pub fn sign_in_form(&self, id: String, error: Option<String>) -> Html {
        let on_sign_in = self.sign_in();
        let locale = Locale::from_tag(&query("locale").unwrap_or_default());
        html! { <SignIn {id} {error} id_label="User ID" {locale} {on_sign_in} /> }
    }

    /// The view of the phase: "Loading…", the set-up failure, the sign-in form, or `running`.
    pub fn view(&self, running: impl FnOnce(&R) -> Html) -> Html {
        match &*self.phase {
            Phase::Starting => html! { <p class="loading">{ page_locale().t("Loading…") }</p> },
            Phase::Failed(why) => {
                html! { <Banner kind={BannerKind::Error} text={page_locale().t(why)} /> }
            }
            Phase::SignIn => self.sign_in_form(query("user").unwrap_or_default(), None),
            Phase::Running(state) => running(state),
        }
    }
}
