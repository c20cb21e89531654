//! VirtualTable: only the rows in view are rendered, between spacers that keep the height.

use yew::prelude::*;

use super::{IMG, dom_of, render};
use crate::{Column, Locale, OVERSCAN, VirtualTable, VirtualTableProps, window};

fn props(rows: usize) -> VirtualTableProps {
    let columns = ["Name", "State"]
        .iter()
        .map(|c| Column { key: c.to_lowercase(), label: (*c).to_owned() })
        .collect();
    VirtualTableProps {
        caption: "Team Members".into(),
        columns,
        row_count: rows,
        render_row: Callback::from(|i: usize| {
            html! { <><td>{ format!("Agent {i}") }</td><td>{ IMG }</td></> }
        }),
        row_key: Callback::from(|i: usize| format!("a{i}")),
        row_height: 32,
        height: 320,
        sort: Some((1, false)),
        on_sort: Callback::noop(),
        on_rendered: None,
        locale: Locale::En,
    }
}

#[test]
fn the_window_follows_the_scroll_position() {
    // 320 px show 10 rows of 32 px; the overscan adds rows above and below.
    assert_eq!(window(0, 320, 32, 2000), (0, 10 + 2 * OVERSCAN + 1));
    assert_eq!(window(3200, 320, 32, 2000), (100 - OVERSCAN, 100 + 10 + OVERSCAN + 1));
    assert_eq!(window(3210, 320, 32, 2000), window(3200, 320, 32, 2000));
    assert_eq!(window(64_000, 320, 32, 2000), (1992, 2000), "the end");
    assert_eq!(window(0, 320, 32, 3), (0, 3));
    assert_eq!(window(999_999, 320, 32, 0), (0, 0));
    assert_eq!(window(0, 320, 0, 5), (0, 5), "a zero row height is taken as 1 px");
}

#[tokio::test]
async fn two_thousand_rows_render_only_those_in_view() {
    let html = render::<VirtualTable>(props(2000)).await;
    assert!(html.contains("&lt;img") && !html.contains("<img"), "cells are text");
    let dom = super::dom::parse(&html);
    let table = dom.by_role("table")[0];
    assert!(table.text().starts_with("Team Members"), "the caption");
    assert_eq!(table.attr("aria-rowcount"), Some("2001"));
    let rows: Vec<_> = table.all().into_iter().filter(|e| e.tag == "tr").collect();
    let shown = 10 + 2 * OVERSCAN + 1;
    // The header row, the rows in view, the spacer below.
    assert_eq!(rows.len(), 1 + shown + 1, "{}", rows.len());
    assert_eq!(rows[1].text(), "Agent 0<img src=x onerror=alert(1)>");
    assert_eq!(rows[1].attr("aria-rowindex"), Some("2"));
    assert_eq!(rows[1].attr("style"), Some("height:32px"));
    let spacer = rows.last().expect("a spacer");
    assert_eq!(spacer.attr("aria-hidden"), Some("true"));
    assert_eq!(
        spacer.attr("style").map(str::to_owned),
        Some(format!("height:{}px", (2000 - shown) * 32))
    );
    // Sortable headers, the sorted one marked.
    assert_eq!(table.names("button"), ["Name", "State"]);
    let sorted: Vec<_> = table.all().into_iter().filter(|e| e.has("aria-sort")).collect();
    assert_eq!(sorted.len(), 1);
    assert_eq!(sorted[0].attr("aria-sort"), Some("descending"));
}

#[tokio::test]
async fn an_empty_table_says_so() {
    let dom = dom_of::<VirtualTable>(props(0)).await;
    assert!(dom.by_role("table")[0].text().contains("No entries"));
    let dom = dom_of::<VirtualTable>(VirtualTableProps { locale: Locale::Fr, ..props(0) }).await;
    assert!(dom.by_role("table")[0].text().contains("Aucune entrée"), "{}", dom.text());
}
