//! The queue statistics components: the sparkline, the threshold alerts' live region and the
//! table's row classes, last column of markup and totals row.

use finesse_session::queues::Alert;
use yew::{Callback, Html, Properties, component, html};

use super::{IMG, SCRIPT, render};
use crate::{
    Column, Locale, SparklineProps, Table, TableProps, alert_text, sparkline, sparkline_points,
    threshold_alerts,
};

/// Markup from a view function, as a component the renderer takes.
#[derive(Properties, PartialEq)]
struct ShowProps {
    html: Html,
}

#[component]
fn Show(props: &ShowProps) -> Html {
    props.html.clone()
}

async fn show(html: Html) -> String {
    render::<Show>(ShowProps { html }).await
}

fn props(samples: Vec<(i64, u64)>, locale: Locale) -> SparklineProps {
    SparklineProps {
        samples,
        start: 0,
        end: 100,
        label: "Calls waiting, last 30 minutes".into(),
        locale,
        width: 100,
        height: 12,
    }
}

#[tokio::test]
async fn a_sparkline_is_an_image_named_by_its_summary() {
    let dom = super::dom::parse(
        &show(sparkline(&props(vec![(0, 0), (50, 5), (100, 3)], Locale::En))).await,
    );
    let img = &dom.by_role("img")[0];
    let summary = "Calls waiting, last 30 minutes: lowest 0, highest 5, now 3";
    assert_eq!(img.attr("aria-label"), Some(summary));
    assert_eq!(img.attr("viewbox").or(img.attr("viewBox")), Some("0 0 100 12"));
    let title = img.all().into_iter().find(|e| e.tag == "title").expect("a title");
    assert_eq!(title.text(), summary);
    let line = img.all().into_iter().find(|e| e.tag == "polyline").expect("a line");
    assert_eq!(line.attr("points"), Some("0.0,11.0 50.0,1.0 100.0,5.0"));

    let dom = super::dom::parse(&show(sparkline(&props(Vec::new(), Locale::Fr))).await);
    let img = &dom.by_role("img")[0];
    assert_eq!(
        img.attr("aria-label"),
        Some("Calls waiting, last 30 minutes : pas encore de données")
    );
    assert!(img.all().iter().all(|e| e.tag != "polyline"), "nothing to draw");
}

#[test]
fn sparkline_points_scale_to_the_box() {
    // All zero: the bottom line (the scale is at least 1).
    assert_eq!(sparkline_points(&[(0, 0), (10, 0)], 0, 10, 10, 10), "0.0,9.0 10.0,9.0");
    // One sample: a flat line across.
    assert_eq!(sparkline_points(&[(5, 2)], 0, 10, 10, 10), "0.0,1.0 10.0,1.0");
    // Samples outside the window are clamped to its edges.
    assert_eq!(sparkline_points(&[(-5, 1), (20, 1)], 0, 10, 10, 10), "0.0,1.0 10.0,1.0");
    assert_eq!(sparkline_points(&[], 0, 10, 10, 10), "");
    // Thirds round to one decimal.
    assert_eq!(
        sparkline_points(&[(0, 0), (1, 3), (3, 1)], 0, 3, 10, 5),
        "0.0,4.0 3.3,1.0 10.0,3.0"
    );
}

#[tokio::test]
async fn threshold_alerts_are_text_in_a_live_region() {
    let alerts = vec![
        (1, Alert::Calls { queue: SCRIPT.into(), value: 4, limit: 3 }),
        (2, Alert::Oldest { queue: IMG.into(), waited: "1:30".into(), limit: "1:00".into() }),
    ];
    let html = show(threshold_alerts(&alerts, Locale::En)).await;
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    let dom = super::dom::parse(&html);
    let region = dom.get("status", "Threshold alerts");
    assert_eq!(region.attr("aria-live"), Some("polite"));
    let texts: Vec<String> =
        region.all().into_iter().filter(|e| e.tag == "p").map(|e| e.text()).collect();
    assert_eq!(
        texts,
        [
            format!("{SCRIPT}: 4 calls waiting, at or above the threshold of 3."),
            format!("{IMG}: the oldest call has waited 1:30, at or above the threshold of 1:00."),
        ]
    );
    // The region is there before any alert, so the first one is announced.
    let dom = super::dom::parse(&show(threshold_alerts(&[], Locale::Fr)).await);
    assert!(dom.exists("status", "Alertes de seuil"));
    assert_eq!(
        alert_text(&alerts[0].1, Locale::Fr),
        format!("{SCRIPT} : 4 appels en attente, seuil de 3 atteint ou dépassé.")
    );
}

#[tokio::test]
async fn a_table_can_class_rows_add_a_markup_column_and_totals() {
    let props = TableProps {
        caption: "Queues".into(),
        columns: vec![
            Column { key: "name".into(), label: "Queue".into() },
            Column { key: "calls".into(), label: "Calls in queue".into() },
        ],
        rows: vec![vec!["Sales".into(), "4".into()], vec![SCRIPT.into(), "N/A".into()]],
        sort: Some((1, false)),
        on_sort: Callback::noop(),
        locale: Locale::En,
        row_classes: vec!["over-threshold".into(), String::new()],
        trailing: Some((
            "Last 30 minutes".into(),
            vec![html! { <b>{ "line" }</b> }, Html::default()],
        )),
        totals: Some(vec!["Totals".into(), "4".into()]),
    };
    let html = render::<Table>(props).await;
    assert!(!html.contains("<script"), "{html}");
    let dom = super::dom::parse(&html);
    let headers: Vec<String> =
        dom.all().iter().filter(|e| e.tag == "th").map(|e| e.text().trim().to_owned()).collect();
    assert_eq!(headers, ["Queue", "Calls in queue\u{25bc}", "Last 30 minutes", "Totals"]);
    let rows: Vec<_> = dom.all().into_iter().filter(|e| e.tag == "tr").collect();
    assert_eq!(rows.len(), 4, "header, two rows, totals");
    assert_eq!(rows[1].attr("class"), Some("over-threshold"));
    assert_eq!(rows[2].attr("class"), None);
    assert_eq!(rows[1].text(), "Sales4line");
    assert_eq!(rows[3].attr("class"), Some("totals"));
    let total = rows[3].all().into_iter().find(|e| e.tag == "th").expect("a row header");
    assert_eq!((total.text(), total.attr("scope")), ("Totals".to_owned(), Some("row")));
}
