//! Team performance gadget: a supervisor's teams, live, and what a supervisor does to them.
//!
//! - A team chooser over every team the supervisor supervises (the User's `teams`), the
//!   roster from `GET Team` (with the signed-out toggle, `includeLoggedOutAgents`), kept live
//!   from the `/finesse/api/Team/{id}/Users` node through the hub's `SubscribeNodeReq`, and
//!   unsubscribed when the team changes or the gadget's document goes ([`team`]).
//! - Columns: name, state with the reason label and pending state, time in state (the
//!   container's 1 s tick, on the server's clock), extension, media state where the deployment
//!   has it; sorting by any column, a filter, counts per state; a virtualised table
//!   (`finesse_ui::VirtualTable`) so a 2,000-agent team scrolls smoothly.
//! - Actions on the selected agent, offered as the guide's rules allow
//!   (`finesse_session::roster::member_actions`): Ready, Not Ready, Sign Out, Start
//!   Monitoring; the supervisor's monitor call and barge conference show below with their own
//!   controls (Barge In, Drop, End), as in the call control gadget.
//!
//! The supervisor's own session (state, calls, requests, errors in words, toasts) is call
//! control's controller; this crate adds the team. Standalone (no container), a sign-in form
//! and polling replace the hub.

pub mod team;

use std::rc::Rc;

use call_control::Setup;
use call_control::controller::{self, Shared};
use call_control::shell::{self, Phase};
use finesse_hub::gadgets;
use finesse_model::{AgentState, TeamId, UserId};
use finesse_session::Intent;
use finesse_session::roster::{
    COUNTED_STATES, Column as RosterColumn, Sort, SupervisorContext, member_actions,
};
use finesse_ui::{Banner, BannerKind, CallCard, Column, Elapsed, Toasts, VirtualTable};
use team::SharedTeam;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The height of a roster row, in CSS pixels (the virtual table needs it fixed).
const ROW_HEIGHT: u32 = 30;
/// The height of the roster's scrolled area.
const TABLE_HEIGHT: u32 = 420;

fn start(
    setup: Setup,
    hub: Option<gadgets::GadgetHub>,
    render: &Rc<dyn Fn()>,
) -> Phase<(Shared, SharedTeam)> {
    let Setup { user, auth, rest, locale } = setup;
    let title = locale.t("Team Performance");
    if hub.is_some() {
        let _ = gadgets::window::set_title(&title);
    }
    finesse_ui::set_document_title(&title);
    let team = team::start(rest.clone(), auth.clone(), hub, render.clone());
    let shared = controller::start(user, auth, rest, locale, hub, render.clone());
    Phase::Running((shared, team))
}

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let gadget = shell::use_gadget(start);
    // After each render: the first team is chosen once known, the probe notes the render, and
    // the frame is resized when its layout changed.
    let started = team::perf_now();
    let last_layout = use_mut_ref(|| None::<Layout>);
    let after = use_mut_ref(|| None::<(SharedTeam, Option<TeamId>, Layout)>);
    {
        let (last_layout, after) = (last_layout.clone(), after.clone());
        use_effect(move || {
            let Some((team, first, layout)) = after.borrow_mut().take() else {
                let _ = gadgets::window::adjust_height(None);
                return;
            };
            if team.borrow().chosen.is_none() && first.is_some() {
                team::choose(&team, first);
            }
            team.borrow_mut().rendered(team::perf_now() - started);
            if last_layout.borrow().as_ref() != Some(&layout) {
                *last_layout.borrow_mut() = Some(layout);
                let _ = gadgets::window::adjust_height(None);
            }
        });
    }
    gadget.view(|(shared, team)| {
        let (view, first, layout) = running(shared, team);
        *after.borrow_mut() = Some((team.clone(), first, layout));
        view
    })
}

/// The columns, in order.
const COLUMNS: [(RosterColumn, &str, &str); 5] = [
    (RosterColumn::Name, "name", "Name"),
    (RosterColumn::State, "state", "State"),
    (RosterColumn::TimeInState, "time", "Time in State"),
    (RosterColumn::Extension, "extension", "Extension"),
    (RosterColumn::MediaState, "media", "Media State"),
];

/// What changes the document's height (the roster's box is fixed), so the container is asked
/// to resize the frame only when it changed, not on every one of hundreds of renders.
type Layout = [usize; 6];

/// The supervisor's teams and the team roster; the first team (shown once the supervisor's
/// User is read) and the layout, for the root's effect. A plain function, not a component:
/// each component type costs code in the shared module.
fn running(shared: &Shared, team: &SharedTeam) -> (Html, Option<TeamId>, Layout) {
    // The first team is shown once the supervisor's User is read.
    let teams: Vec<(TeamId, String)> = shared
        .borrow()
        .session
        .user()
        .and_then(|u| u.teams.as_ref())
        .map(|t| {
            t.teams
                .iter()
                .filter_map(|t| {
                    let id = t.id.clone()?;
                    let name = t.name.clone().unwrap_or_else(|| id.to_string());
                    Some((id, name))
                })
                .collect()
        })
        .unwrap_or_default();
    let c = shared.borrow();
    let t = team.borrow();
    let locale = c.locale;
    let l = locale;
    let now = controller::now();
    let clock = *c.session.clock();
    let sup_state = c.session.state();
    let sup_calls = c.session.calls(now);
    let ctx = SupervisorContext {
        id: c.session.user_id().as_str(),
        state: sup_state,
        on_a_call: !sup_calls.is_empty(),
    };
    let (dispatch, on_dismiss) = controller::callbacks(shared);
    let on_team = {
        let team = team.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                team::choose(&team, Some(TeamId::from(select.value())));
            }
        })
    };
    let on_logged_out = {
        let team = team.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                team.borrow_mut().include_logged_out = input.checked();
                team::load(&team);
            }
        })
    };
    let on_filter = {
        let team = team.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                team::update(&team, |t| t.filter = input.value());
            }
        })
    };
    let media = t.roster.members().iter().any(|m| m.media_state.is_some());
    let columns: Vec<_> = COLUMNS
        .iter()
        .filter(|(c, ..)| media || *c != RosterColumn::MediaState)
        .map(|&(column, key, label)| (column, Column { key: key.into(), label: l.t(label) }))
        .collect();
    let sort = t.sort;
    let sorted = columns.iter().position(|(c, _)| *c == sort.column).map(|i| (i, sort.ascending));
    let on_sort = {
        let (team, order): (SharedTeam, Vec<RosterColumn>) =
            (team.clone(), columns.iter().map(|(c, _)| *c).collect());
        Callback::from(move |i: usize| {
            let Some(&column) = order.get(i) else { return };
            team::update(&team, |t| {
                t.sort = if t.sort.column == column {
                    Sort { column, ascending: !t.sort.ascending }
                } else {
                    Sort { column, ascending: true }
                };
            });
        })
    };
    // Indices into the roster, sorted and filtered: a row is read only when it is in view.
    let rows = Rc::new(t.roster.row_indices(t.sort, &t.filter));
    let selected = t.selected.clone();
    let render_row = {
        let (rows, team, selected) = (rows.clone(), team.clone(), selected.clone());
        Callback::from(move |i: usize| {
            let t = team.borrow();
            let Some(m) = rows.get(i).and_then(|&i| t.roster.members().get(i)) else {
                return Html::default();
            };
            let pressed = selected.as_deref() == Some(m.id.as_str());
            let select = {
                let (team, id) = (team.clone(), m.id.clone());
                Callback::from(move |_: MouseEvent| {
                    let id = id.clone();
                    team::update(&team, move |t| t.selected = Some(id));
                })
            };
            let state = m.state.as_ref().map(AgentState::as_str).unwrap_or_default().to_owned();
            let pending = m.pending_label().map(|p| format!("{} {}", l.tr("Pending:"), l.tr(p)));
            html! {
                <>
                    <td class="member-name" data-agent={m.id.clone()}>
                        <button type="button" class="member-select" aria-pressed={pressed.to_string()}
                            onclick={select}>{ m.name.clone() }</button>
                    </td>
                    <td class="member-state" data-state={state}>
                        { l.tr(m.state_label()) }
                        if let Some(reason) = &m.reason { { " \u{2013} " }{ reason.clone() } }
                        if let Some(pending) = pending { <span class="pending">{ pending }</span> }
                    </td>
                    <td class="member-time"><Elapsed ms={m.time_in_state(&clock, now)} /></td>
                    <td class="member-extension">{ m.extension.clone().unwrap_or_default() }</td>
                    if media {
                        <td class="member-media">
                            { m.media_state.as_ref().map(|s| l.t(if s.as_str() == "BUSY" { "Busy" } else { "Idle" })).unwrap_or_default() }
                        </td>
                    }
                </>
            }
        })
    };
    let row_key = {
        let (rows, team) = (rows.clone(), team.clone());
        Callback::from(move |i: usize| {
            let t = team.borrow();
            rows.get(i)
                .and_then(|&i| t.roster.members().get(i))
                .map(|m| m.id.clone())
                .unwrap_or_default()
        })
    };
    let (counts, other) = t.roster.counts();
    let chosen = t.chosen.clone();
    let selected_member = selected.as_deref().and_then(|id| t.roster.member(id)).cloned();
    let banner = match (&c.blocked, &t.error) {
        (Some(controller::Blocked::Unauthorized), _) => Some((
            BannerKind::Error,
            l.t("Finesse refused your credentials (HTTP 401). Sign in to the desktop again."),
        )),
        (Some(controller::Blocked::Other(why)), _) => Some((BannerKind::Error, why.clone())),
        (None, Some(why)) => Some((BannerKind::Warning, l.text(why))),
        _ => c.out_of_service.clone().map(|t| (BannerKind::Warning, t)),
    };
    let wrap_up_reasons: Vec<String> =
        c.session.wrap_up_reasons().iter().filter_map(|r| r.label.clone()).collect();
    let action = |label: &str, enabled: bool, intent: Option<Intent>| {
        let dispatch = dispatch.clone();
        html! {
            <button type="button" class="supervisor-action" disabled={!enabled}
                onclick={move |_| if let Some(i) = intent.clone() { dispatch.emit(i) }}>
                { l.t(label) }
            </button>
        }
    };
    let actions = match &selected_member {
        None => html! { <p class="hint">{ l.t("Select an agent to act on.") }</p> },
        Some(m) => {
            let allowed = member_actions(m, ctx);
            let set = |state: AgentState| {
                Some(Intent::SetAgentState { agent: UserId::from(m.id.clone()), state })
            };
            let monitor =
                m.extension.clone().map(|e| Intent::SilentMonitor { extension: e.into() });
            html! {
                <>
                    <span class="selected-agent" data-testid="selected-agent">
                        { m.name.clone() }{ m.extension.as_ref().map(|e| format!(" ({e})")).unwrap_or_default() }
                    </span>
                    { action("Ready", allowed.ready, set(AgentState::Ready)) }
                    { action("Not Ready", allowed.not_ready, set(AgentState::NotReady)) }
                    { action("Sign Out", allowed.sign_out, set(AgentState::Logout)) }
                    { action("Start Monitoring", allowed.monitor, monitor) }
                </>
            }
        }
    };
    let layout = [
        sup_calls.len(),
        usize::from(selected_member.is_some()),
        usize::from(banner.is_some()),
        usize::from(t.loading),
        teams.len(),
        c.toasts.len(),
    ];
    let first = teams.first().map(|(id, _)| id.clone());
    let view = html! {
        <main class="team-performance" lang={locale.lang()}>
            <h1 class="visually-hidden">{ l.t("Team Performance") }</h1>
            if let Some((kind, text)) = banner {
                <Banner {kind} {text} testid={Some("gadget-banner".to_owned())} />
            }
            if c.loaded && teams.is_empty() {
                <p class="hint">{ l.t("You supervise no team.") }</p>
            }
            <div class="team-bar">
                <label>{ l.t("Team") }
                    <select onchange={on_team} disabled={teams.is_empty()}>
                        { for teams.iter().map(|(id, name)| html! {
                            <option value={id.to_string()} selected={chosen.as_ref() == Some(id)}>{ name.clone() }</option>
                        }) }
                    </select>
                </label>
                <label class="logged-out">
                    <input type="checkbox" checked={t.include_logged_out} onchange={on_logged_out} />
                    { l.t("Show signed-out agents") }
                </label>
                <label>{ l.t("Filter") }
                    <input type="search" value={t.filter.clone()} placeholder={l.t("Name, extension or state")}
                        oninput={on_filter} />
                </label>
            </div>
            <ul class="state-counts" aria-label={l.t("Agents per state")} data-testid="state-counts">
                { for COUNTED_STATES.iter().zip(counts).map(|(state, n)| html! {
                    <li data-state={state.as_str().to_owned()}>
                        <span class="count-label">{ l.tr(finesse_session::state_label(state)) }</span>
                        { " " }<strong class="count">{ n.to_string() }</strong>
                    </li>
                }) }
                if other > 0 {
                    <li data-state="OTHER"><span class="count-label">{ l.t("Other") }</span>{ " " }<strong class="count">{ other.to_string() }</strong></li>
                }
            </ul>
            <div class="supervisor-actions" role="toolbar" aria-label={l.t("Supervisor Actions")}>
                { actions }
            </div>
            if !sup_calls.is_empty() {
                <div class="calls">
                    { for sup_calls.into_iter().map(|call| html! {
                        <CallCard key={call.id.to_string()} call={call.clone()} {locale}
                            wrap_up_reasons={wrap_up_reasons.clone()}
                            contacts={c.contacts.clone()}
                            on_intent={dispatch.clone()} />
                    }) }
                </div>
            }
            if t.loading && t.roster.team().is_none() {
                <p class="loading">{ l.t("Loading the team…") }</p>
            }
            <VirtualTable caption={l.t("Team Members")}
                columns={columns.into_iter().map(|(_, c)| c).collect::<Vec<_>>()}
                row_count={rows.len()} {render_row} {row_key}
                row_height={ROW_HEIGHT} height={TABLE_HEIGHT}
                sort={sorted} {on_sort} {locale} />
            <Toasts items={c.toasts.clone()} {on_dismiss} {locale} />
        </main>
    };
    (view, first, layout)
}

#[cfg(test)]
mod tests {
    /// Every text the gadget translates has a French text, and no sentence is put together in
    /// English outside the table, so the French desktop shows no English.
    #[test]
    fn every_text_of_the_gadget_has_a_french_text() {
        let mut found = 0;
        for source in [include_str!("lib.rs"), include_str!("team.rs")] {
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            let (n, missing) = finesse_ui::i18n::untranslated(code);
            assert!(missing.is_empty(), "shown but not translated: {missing:?}");
            found += n;
            let english = finesse_ui::i18n::english_formats(code);
            assert!(english.is_empty(), "English built outside the table: {english:?}");
        }
        assert!(found >= 15, "only {found} texts found: did the scan break?");
    }
}
