//! Queue statistics gadget: the signed-in user's queues (guide: Queue—Get List of Queues for
//! User) with their live statistics, a totals row, sorting by any column, per-queue
//! thresholds (calls waiting, oldest call) that colour the row and are announced as text, and
//! the calls waiting of the last 30 minutes as a sparkline. Unified CCE only: on Unified CCX,
//! where the guide says the Queue API is not supported, the gadget says so.
//!
//! Like call-control it runs in a Finesse desktop (prefs: `id`, `authorization`, `authMode`,
//! `scheme`, `host`, `hostPort`, `locale`, and its own `thresholds`), in a third-party
//! container with the connection gadget, or standalone with a sign-in form and polling. The
//! table logic is `finesse_session::queues` (pure, tested natively); [`controller`] does the
//! I/O; the components come from `finesse-ui`. Network text is only ever rendered as text.

pub mod controller;

use std::rc::Rc;

use call_control::shell::{self, Phase};
use call_control::{Setup, query};
use finesse_hub::gadgets::{self, Prefs};
use finesse_model::QueueId;
use finesse_session::queues::{Column, HISTORY_MS, Limits, QueueRow, QueueTable, Thresholds};
use finesse_ui::{
    Banner, BannerKind, Locale, SparklineProps, Table, TableProps, sparkline, threshold_alerts,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use controller::{Field, Phase as Load, Shared};

/// Starts the controller from the setup every gadget gets (call-control's [`shell`]) and this
/// gadget's thresholds: the `thresholds` pref in a container (the title goes to the frame's
/// header too), `?thresholds=` standalone.
fn start(setup: Setup, hub: Option<gadgets::GadgetHub>, render: &Rc<dyn Fn()>) -> Phase<Shared> {
    let Setup { user, auth, rest, locale } = setup;
    // The desktop shows the title in the frame's header; the frame's document gets it too
    // (assistive technology names the frame by it).
    let title = locale.t("Queue Statistics");
    let thresholds = if hub.is_some() {
        let _ = gadgets::window::set_title(&title);
        Prefs::new().map(|p| p.get_string("thresholds")).unwrap_or_default()
    } else {
        query("thresholds").unwrap_or_default()
    };
    finesse_ui::set_document_title(&title);
    Phase::Running(controller::start(user, auth, rest, locale, hub, &thresholds, render.clone()))
}

/// The gadget's root component.
#[function_component(App)]
pub fn app() -> Html {
    let gadget = shell::use_gadget(start);
    use_effect(|| {
        let _ = gadgets::window::adjust_height(None);
    });
    gadget.view(running)
}

/// The cells of a row: `None` (not available) in words.
pub fn row_texts(row: &QueueRow, locale: Locale) -> Vec<String> {
    Column::ALL.iter().map(|c| row.text(*c).unwrap_or_else(|| locale.t("N/A"))).collect()
}

/// The table of queues, the alerts and the thresholds form (a view of the controller: the
/// root component re-renders after every change).
fn running(shared: &Shared) -> Html {
    let c = shared.borrow();
    let l = c.locale;
    let now = controller::now();
    let banner = match (&c.phase, c.connection.down()) {
        (Load::Failed(why), _) => Some((BannerKind::Error, why.clone())),
        (Load::NotSupported, _) => Some((
            BannerKind::Info,
            l.t("Queue statistics are not available on Unified CCX: the Finesse Queue API is supported with Unified CCE only."),
        )),
        (_, Some(_)) => {
            Some((BannerKind::Warning, l.t("Not connected to the notification service.")))
        }
        _ => None,
    };
    let running = c.phase == Load::Running;
    let rows = c.table.rows(&c.clock, now);
    let sort = c.table.sort();
    let on_sort = {
        let shared = shared.clone();
        Callback::from(move |i: usize| {
            if let Some(column) = Column::ALL.get(i) {
                controller::update(&shared, |c| c.table.sort_by(*column));
            }
        })
    };
    let history_label = l.t("Calls waiting, last 30 minutes");
    let table = TableProps {
        caption: l.t("Queue Statistics"),
        columns: Column::ALL
            .iter()
            .map(|col| finesse_ui::Column {
                key: col.wire_name().to_owned(),
                label: l.t(col.label()),
            })
            .collect(),
        rows: rows.iter().map(|r| row_texts(r, l)).collect(),
        sort: Column::ALL.iter().position(|col| *col == sort.column).map(|i| (i, !sort.descending)),
        on_sort,
        locale: l,
        row_classes: rows
            .iter()
            .map(|r| if r.breach.any() { "over-threshold".to_owned() } else { String::new() })
            .collect(),
        trailing: Some((
            l.t("Last 30 minutes"),
            rows.iter()
                .map(|r| {
                    sparkline(&SparklineProps {
                        samples: r.history.samples().collect(),
                        start: now - HISTORY_MS,
                        end: now,
                        label: history_label.clone(),
                        locale: l,
                        width: 96,
                        height: 20,
                    })
                })
                .collect(),
        )),
        totals: Some({
            let totals = QueueTable::totals(&rows);
            Column::ALL
                .iter()
                .map(|col| match col {
                    Column::Name => l.t("Totals"),
                    col => totals.text(*col).unwrap_or_else(|| l.t("N/A")),
                })
                .collect()
        }),
    };
    let queues: Vec<(QueueId, String, Limits)> = rows
        .iter()
        .map(|r| (r.id.clone(), r.name.clone(), c.table.thresholds().limits(&r.id)))
        .collect();
    let form = ThresholdsForm {
        queues,
        thresholds: c.table.thresholds().clone(),
        locale: l,
        drafts: c.drafts.clone(),
        on_draft: {
            let shared = shared.clone();
            Callback::from(move |(field, text): (Field, String)| {
                controller::update(&shared, |c| c.set_draft(field, text));
            })
        },
        on_save: {
            let shared = shared.clone();
            Callback::from(move |t: Option<Thresholds>| {
                controller::update(&shared, |c| match t {
                    Some(t) => c.set_thresholds(t),
                    None => c.threshold_input_refused(),
                });
            })
        },
    };
    html! {
        <main class="queue-statistics" lang={l.lang()}>
            <h1 class="visually-hidden">{ l.t("Queue Statistics") }</h1>
            if let Some((kind, text)) = banner {
                <Banner {kind} {text} testid={Some("gadget-banner".to_owned())} />
            }
            if c.phase == Load::Loading {
                <p class="loading">{ l.t("Loading…") }</p>
            }
            if running {
                if rows.is_empty() {
                    <p class="no-queues">{ l.t("You are assigned to no queue.") }</p>
                }
                <Table ..table />
                { threshold_alerts(&c.alerts, l) }
                if let Some((kind, text)) = c.notice.clone() {
                    <Banner {kind} {text} testid={Some("thresholds-notice".to_owned())} />
                }
                { thresholds_form(&form) }
            }
        </main>
    }
}

/// What [`thresholds_form`] shows.
#[derive(Clone)]
pub struct ThresholdsForm {
    /// The queues: id, name, current limits.
    pub queues: Vec<(QueueId, String, Limits)>,
    /// The thresholds now (kept for queues not listed, and the default).
    pub thresholds: Thresholds,
    /// The language.
    pub locale: Locale,
    /// Called with the new thresholds, or `None` when a field holds no valid limit.
    pub on_save: Callback<Option<Thresholds>>,
    /// What the user typed and has not saved yet, per field (the fields are controlled: a
    /// re-render, every second, must not undo typing).
    pub drafts: Vec<(Field, String)>,
    /// Called with each field's text as the user types.
    pub on_draft: Callback<(Field, String)>,
}

/// A limit typed in a field: empty is none; otherwise a whole number from 1 to 86400.
fn parse_limit(text: &str) -> Result<Option<u64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u64>().ok().filter(|v| (1..=86_400).contains(v)).map(Some).ok_or(())
}

/// Per queue, two number fields (calls waiting, oldest call in seconds) in a disclosure; saved
/// with a button. Each field is named after its queue for screen readers.
pub fn thresholds_form(props: &ThresholdsForm) -> Html {
    let l = props.locale;
    let onsubmit = {
        let props = props.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = e.target_dyn_into::<web_sys::HtmlFormElement>() else { return };
            let value = |name: &str| {
                form.query_selector(&format!("input[name=\"{name}\"]"))
                    .ok()
                    .flatten()
                    .and_then(|el| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(el).ok())
                    .map(|input| input.value())
                    .unwrap_or_default()
            };
            let mut thresholds = props.thresholds.clone();
            for (i, (id, _, _)) in props.queues.iter().enumerate() {
                let calls = parse_limit(&value(&format!("calls-{i}")));
                let oldest = parse_limit(&value(&format!("oldest-{i}")));
                let (Ok(calls), Ok(oldest_s)) = (calls, oldest) else {
                    props.on_save.emit(None);
                    return;
                };
                thresholds.set(id, Limits { calls, oldest_s });
            }
            props.on_save.emit(Some(thresholds));
        })
    };
    let text = |field: Field, saved: Option<u64>| {
        props
            .drafts
            .iter()
            .find(|(f, _)| *f == field)
            .map_or_else(|| saved.map(|v| v.to_string()).unwrap_or_default(), |(_, t)| t.clone())
    };
    let oninput = |field: Field| {
        let on_draft = props.on_draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                on_draft.emit((field.clone(), input.value()));
            }
        })
    };
    html! {
        <details class="thresholds">
            <summary>{ l.t("Thresholds") }</summary>
            <form {onsubmit} aria-label={l.t("Thresholds")} novalidate=true>
                { for props.queues.iter().enumerate().map(|(i, (id, name, limits))| {
                    let calls_label = l.tr("{queue}: calls waiting threshold").replace("{queue}", name);
                    let oldest_label = l.tr("{queue}: oldest call threshold (seconds)").replace("{queue}", name);
                    html! {
                        <fieldset key={id.to_string()}>
                            <legend>{ name.clone() }</legend>
                            <label>
                                <span>{ l.t("Calls waiting threshold") }</span>
                                <input type="number" min="1" max="86400" inputmode="numeric"
                                    name={format!("calls-{i}")} aria-label={calls_label}
                                    value={text((id.clone(), false), limits.calls)}
                                    oninput={oninput((id.clone(), false))} />
                            </label>
                            <label>
                                <span>{ l.t("Oldest call threshold (seconds)") }</span>
                                <input type="number" min="1" max="86400" inputmode="numeric"
                                    name={format!("oldest-{i}")} aria-label={oldest_label}
                                    value={text((id.clone(), true), limits.oldest_s)}
                                    oninput={oninput((id.clone(), true))} />
                            </label>
                        </fieldset>
                    }
                }) }
                <div class="form-buttons">
                    <button type="submit">{ l.t("Save thresholds") }</button>
                </div>
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_typed_are_whole_numbers_or_nothing() {
        assert_eq!(parse_limit(" "), Ok(None));
        assert_eq!(parse_limit("3"), Ok(Some(3)));
        assert_eq!(parse_limit(" 86400 "), Ok(Some(86_400)));
        for bad in ["0", "-1", "1.5", "x", "86401"] {
            assert_eq!(parse_limit(bad), Err(()), "{bad}");
        }
    }

    /// Every text the gadget translates is a key of finesse-ui's i18n (so French shows no
    /// English).
    #[test]
    fn every_text_of_the_gadget_is_a_key() {
        let sources = [include_str!("lib.rs"), include_str!("controller.rs")];
        let mut found = 0;
        for source in sources {
            for marker in [".t(\"", ".tr(\""] {
                for (at, _) in source.match_indices(marker) {
                    let literal = source[at + marker.len()..].split('"').next().unwrap_or_default();
                    if literal.is_empty() {
                        continue; // this test's own markers
                    }
                    assert!(finesse_ui::i18n::KEYS.contains(&literal), "{literal:?} is not a key");
                    found += 1;
                }
            }
        }
        assert!(found >= 15, "only {found} texts found");
        for column in Column::ALL {
            assert!(finesse_ui::i18n::KEYS.contains(&column.label()), "{}", column.label());
        }
    }
}
