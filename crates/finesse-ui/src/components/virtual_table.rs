//! A sortable table for thousands of rows (a supervisor's team of 2,000 agents): rows have a
//! fixed height, and only those in view (plus a few above and below) are rendered between two
//! spacer rows that keep the scroll height right. The caller renders a row from its index, so
//! the data stays where it is and nothing is copied per row that is not shown.

use yew::prelude::*;

use crate::components::table::{Column, sort_header};
use crate::i18n::Locale;

/// Rows rendered beyond the visible ones, above and below, so a fast scroll shows no gap.
pub const OVERSCAN: usize = 8;

/// Props of [`VirtualTable`].
#[derive(Properties, PartialEq, Clone)]
pub struct VirtualTableProps {
    /// The table's caption (its accessible name).
    pub caption: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// How many rows there are (already filtered and sorted by the caller).
    pub row_count: usize,
    /// Renders the row at an index as the `<td>`s of one `<tr>` (the table adds the `<tr>`).
    pub render_row: Callback<usize, Html>,
    /// A key per row (stable across re-sorting), for Yew's reconciliation.
    pub row_key: Callback<usize, String>,
    /// The height of every row, in CSS pixels.
    #[prop_or(32)]
    pub row_height: u32,
    /// The height of the scrolled area, in CSS pixels.
    #[prop_or(480)]
    pub height: u32,
    /// The sorted column and whether it is ascending.
    #[prop_or_default]
    pub sort: Option<(usize, bool)>,
    /// Called with a column's index when the user asks to sort by it.
    pub on_sort: Callback<usize>,
    /// Called after each render with the number of rows rendered (measurement, tests).
    #[prop_or_default]
    pub on_rendered: Option<Callback<usize>>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
}

/// The rows to render for a scroll position: `first..end` of `count`.
pub fn window(scroll_top: u32, height: u32, row_height: u32, count: usize) -> (usize, usize) {
    let row_height = row_height.max(1);
    let first = usize::try_from(scroll_top / row_height).unwrap_or(0).saturating_sub(OVERSCAN);
    let visible = usize::try_from(height.div_ceil(row_height)).unwrap_or(0);
    let end = (first + visible + 2 * OVERSCAN + 1).min(count);
    (first.min(end), end)
}

/// A `<table>` in a scrolled box, with a sticky header of sort buttons (`aria-sort` on the
/// sorted column), `aria-rowcount`/`aria-rowindex` so assistive technology knows the full
/// size, and only the rows in view rendered.
#[component]
pub fn VirtualTable(props: &VirtualTableProps) -> Html {
    let scroll_top = use_state_eq(|| 0u32);
    let onscroll = {
        let scroll_top = scroll_top.clone();
        let row_height = props.row_height.max(1);
        Callback::from(move |e: Event| {
            let Some(element) = e.target_dyn_into::<web_sys::Element>() else { return };
            let top = u32::try_from(element.scroll_top().max(0)).unwrap_or(0);
            // Re-render only when the first row changes.
            scroll_top.set(top / row_height * row_height);
        })
    };
    let (first, end) = window(*scroll_top, props.height, props.row_height, props.row_count);
    {
        let rendered = end - first;
        let on_rendered = props.on_rendered.clone();
        use_effect(move || {
            if let Some(cb) = on_rendered {
                cb.emit(rendered);
            }
        });
    }
    let px = |rows: usize| {
        let h = u64::try_from(rows).unwrap_or(u64::MAX).saturating_mul(u64::from(props.row_height));
        format!("height:{h}px")
    };
    let columns = props.columns.len().max(1).to_string();
    let row_style = format!("height:{}px", props.row_height);
    html! {
        <div class="virtual-table" style={format!("max-height:{}px;overflow-y:auto", props.height)} {onscroll}
            data-rows={props.row_count.to_string()}>
            <table class="data-table" aria-rowcount={(props.row_count + 1).to_string()}>
                <caption>{ props.caption.clone() }</caption>
                <thead>
                    <tr aria-rowindex="1">
                        { sort_header(&props.columns, props.sort, &props.on_sort) }
                    </tr>
                </thead>
                <tbody>
                    if props.row_count == 0 {
                        <tr><td class="empty" colspan={columns.clone()}>{ props.locale.t("No entries") }</td></tr>
                    }
                    if first > 0 {
                        <tr class="spacer" aria-hidden="true" style={px(first)}><td colspan={columns.clone()}></td></tr>
                    }
                    { for (first..end).map(|i| html! {
                        <tr key={props.row_key.emit(i)} aria-rowindex={(i + 2).to_string()}
                            style={row_style.clone()}>
                            { props.render_row.emit(i) }
                        </tr>
                    }) }
                    if end < props.row_count {
                        <tr class="spacer" aria-hidden="true" style={px(props.row_count - end)}><td colspan={columns}></td></tr>
                    }
                </tbody>
            </table>
        </div>
    }
}
