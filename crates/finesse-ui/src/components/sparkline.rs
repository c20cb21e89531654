//! A small line chart of a value over a time window (queue statistics: calls waiting over the
//! last 30 minutes), as an SVG image with a text summary for screen readers.

use yew::prelude::*;

use crate::i18n::Locale;

/// What [`sparkline`] draws.
#[derive(PartialEq, Clone, Debug)]
pub struct SparklineProps {
    /// The samples, oldest first: (time in ms, value).
    pub samples: Vec<(i64, u64)>,
    /// The start of the window (ms), at the left edge.
    pub start: i64,
    /// The end of the window (ms), at the right edge.
    pub end: i64,
    /// What is drawn, e.g. "Calls waiting, last 30 minutes" (already translated).
    pub label: String,
    /// The language of the summary.
    pub locale: Locale,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The polyline's points for `samples` in a `width` × `height` box: time maps to x over
/// `[start, end]` (clamped), the value to y from the bottom (0) to the top (the largest value,
/// at least 1), one pixel of margin. One sample draws a flat line across the box.
pub fn sparkline_points(
    samples: &[(i64, u64)],
    start: i64,
    end: i64,
    width: u32,
    height: u32,
) -> String {
    let max = samples.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let (w, h) = (f64::from(width), f64::from(height));
    let span = (end - start).max(1) as f64;
    let y = |v: u64| h - 1.0 - (v as f64 / max as f64) * (h - 2.0);
    let x = |t: i64| ((t - start).clamp(0, end - start) as f64 / span) * w;
    let mut points: Vec<(f64, f64)> = samples.iter().map(|&(t, v)| (x(t), y(v))).collect();
    if let [(_, only)] = points[..] {
        points = vec![(0.0, only), (w, only)];
    }
    points
        .iter()
        .map(|&(x, y)| format!("{},{}", tenths(x), tenths(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `x` rounded to one decimal, written `12.3`: integer arithmetic, so the wasm holds no float
/// formatter for it (`{:.1}` pulls in core's, ~7 KB).
fn tenths(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", (t / 10).abs(), (t % 10).abs())
}

/// The summary a screen reader reads: "{label}: lowest 0, highest 5, now 3", or that there is
/// no data yet.
pub fn sparkline_summary(samples: &[(i64, u64)], label: &str, locale: Locale) -> String {
    let values = samples.iter().map(|(_, v)| *v);
    match (values.clone().min(), values.clone().max(), samples.last()) {
        (Some(low), Some(high), Some((_, now))) => locale
            .tr("{label}: lowest {low}, highest {high}, now {now}")
            .replace("{label}", label)
            .replace("{low}", &low.to_string())
            .replace("{high}", &high.to_string())
            .replace("{now}", &now.to_string()),
        _ => locale.tr("{label}: no data yet").replace("{label}", label),
    }
}

/// An SVG sparkline (`role="img"`, its summary as the accessible name and `<title>`). A view
/// function rather than a component: a table draws one per row, and each component type costs
/// code in every gadget's wasm.
pub fn sparkline(props: &SparklineProps) -> Html {
    let summary = sparkline_summary(&props.samples, &props.label, props.locale);
    let points =
        sparkline_points(&props.samples, props.start, props.end, props.width, props.height);
    html! {
        <svg class="sparkline" role="img" aria-label={summary.clone()}
            width={props.width.to_string()} height={props.height.to_string()}
            viewBox={format!("0 0 {} {}", props.width, props.height)}>
            <title>{ summary }</title>
            <line class="sparkline-axis" x1="0" x2={props.width.to_string()}
                y1={(props.height - 1).to_string()} y2={(props.height - 1).to_string()} />
            if !props.samples.is_empty() {
                <polyline {points} fill="none" stroke="currentColor" stroke-width="1.5" />
            }
        </svg>
    }
}
