//! A data table with sortable columns (team members, queue statistics). Sorting the rows is
//! the caller's job; the table shows which column is sorted and asks for another.

use yew::prelude::*;

use crate::i18n::Locale;

/// A column of [`Table`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// A stable name for the column (for the caller; also its `data-key`).
    pub key: String,
    /// The header's text (the sort button's accessible name).
    pub label: String,
}

/// Props of [`Table`].
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct TableProps {
    /// The table's caption (its accessible name).
    pub caption: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, already sorted, one text per column.
    pub rows: Vec<Vec<String>>,
    /// The sorted column and whether it is ascending.
    #[prop_or_default]
    pub sort: Option<(usize, bool)>,
    /// Called with a column's index when the agent asks to sort by it.
    pub on_sort: Callback<usize>,
    /// The language of the texts.
    #[prop_or_default]
    pub locale: Locale,
    /// A class per row (e.g. a threshold reached); rows without one have none.
    #[prop_or_default]
    pub row_classes: Vec<String>,
    /// A last column that is not sorted by: its header text and one cell of markup per row
    /// (e.g. a sparkline).
    #[prop_or_default]
    pub trailing: Option<(String, Vec<Html>)>,
    /// A totals row in the table's footer, one text per column (the first is its header).
    #[prop_or_default]
    pub totals: Option<Vec<String>>,
}

/// A `<table>` with a caption, a header row of buttons that ask for sorting (`aria-sort` on the
/// sorted column's `<th>`), and the rows as text, optionally a last column of markup and a
/// totals row. Without rows it says so.
#[component]
pub fn Table(props: &TableProps) -> Html {
    let l = props.locale;
    let width = (props.columns.len() + usize::from(props.trailing.is_some())).max(1);
    html! {
        <table class="data-table">
            <caption>{ props.caption.clone() }</caption>
            <thead>
                <tr>
                    { sort_header(&props.columns, props.sort, &props.on_sort) }
                    if let Some((label, _)) = &props.trailing {
                        <th scope="col">{ label.clone() }</th>
                    }
                </tr>
            </thead>
            <tbody>
                if props.rows.is_empty() {
                    <tr>
                        <td class="empty" colspan={width.to_string()}>
                            { l.t("No entries") }
                        </td>
                    </tr>
                }
                { for props.rows.iter().enumerate().map(|(i, row)| {
                    let class = props.row_classes.get(i).filter(|c| !c.is_empty()).cloned();
                    let trailing = props.trailing.as_ref().map(|(_, cells)| {
                        cells.get(i).cloned().unwrap_or_default()
                    });
                    html! {
                        <tr {class}>
                            { for row.iter().map(|cell| html! { <td>{ cell.clone() }</td> }) }
                            if let Some(cell) = trailing { <td>{ cell }</td> }
                        </tr>
                    }
                }) }
            </tbody>
            if let Some(totals) = &props.totals {
                <tfoot>
                    <tr class="totals">
                        { for totals.iter().enumerate().map(|(i, cell)| if i == 0 {
                            html! { <th scope="row">{ cell.clone() }</th> }
                        } else {
                            html! { <td>{ cell.clone() }</td> }
                        }) }
                        if props.trailing.is_some() { <td></td> }
                    </tr>
                </tfoot>
            }
        </table>
    }
}

/// The header cells of a sortable table: one `<th>` per column with a sort button, and
/// `aria-sort` plus an arrow on the sorted one.
pub(crate) fn sort_header(
    columns: &[Column],
    sort: Option<(usize, bool)>,
    on_sort: &Callback<usize>,
) -> Html {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let (aria_sort, arrow) = match sort {
                Some((c, true)) if c == i => (Some("ascending"), "\u{25b2}"),
                Some((c, false)) if c == i => (Some("descending"), "\u{25bc}"),
                _ => (None, ""),
            };
            let on_sort = on_sort.clone();
            html! {
                <th scope="col" aria-sort={aria_sort} data-key={column.key.clone()}>
                    <button type="button" class="sort-button" onclick={move |_| on_sort.emit(i)}>
                        { column.label.clone() }
                        <span class="sort-arrow" aria-hidden="true">{ arrow }</span>
                    </button>
                </th>
            }
        })
        .collect()
}
