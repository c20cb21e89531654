//! The items benchmark of `benches/items.rs`, in wasm32 in headless Chromium: the same traffic,
//! the same client core and baselines, timed with `performance.now()` (through
//! `wasm_bindgen_test::Instant`), and the same table of items/s, MB/s and ratios.
//!
//! Run: `scripts/bench.sh items --wasm`, which is
//! `cargo test --release -p finesse-xmpp --target wasm32-unknown-unknown --bench items_wasm
//! -- --nocapture` (the release profile the gadgets ship with) with `CHROMEDRIVER` set and
//! `wasm-bindgen-test-runner` on the PATH (the runner is configured in `.cargo/config.toml`).
//! Natively this target is empty.
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

#[path = "support/traffic.rs"]
mod traffic;

use std::hint::black_box;
use std::time::Duration;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{Instant, console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

use traffic::{LINES, Measurement, Subject};

wasm_bindgen_test_configure!(run_in_browser);

/// Time spent warming each subject up before measuring.
const WARM_UP: Duration = Duration::from_millis(300);
/// Samples per subject; each sample is a batch of runs lasting about [`SAMPLE_TIME`].
const SAMPLES: usize = 20;
/// Target length of one sample (well above `performance.now()`'s resolution in Chromium).
const SAMPLE_TIME: Duration = Duration::from_millis(100);

/// Runs `subject` `iters` times; the elapsed time.
fn batch(subject: &mut Subject<'_>, iters: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(subject.run());
    }
    start.elapsed()
}

/// The median time per run in nanoseconds, over [`SAMPLES`] batches sized to [`SAMPLE_TIME`].
fn measure(subject: &mut Subject<'_>) -> f64 {
    // Warm up, doubling the batch until the warm-up time is spent; the last batch sizes samples.
    let mut iters = 1u32;
    let mut spent = Duration::ZERO;
    let mut per_run = loop {
        let elapsed = batch(subject, iters);
        spent += elapsed;
        if spent >= WARM_UP {
            break elapsed.as_secs_f64() / f64::from(iters);
        }
        iters = iters.saturating_mul(2);
    };
    per_run = per_run.max(1e-9);
    let iters = ((SAMPLE_TIME.as_secs_f64() / per_run).ceil() as u32).max(1);
    let mut samples: Vec<f64> =
        (0..SAMPLES).map(|_| batch(subject, iters).as_nanos() as f64 / f64::from(iters)).collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Lets the browser run its event loop once (a `setTimeout(0)` task). The benchmark runs for
/// about a minute; without a pause between subjects the page would not answer the test runner's
/// WebDriver commands, which Chromium abandons after 30 s.
async fn yield_to_browser() {
    let promise = Promise::new(&mut |resolve, _reject| {
        let set_timeout = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let scheduled = set_timeout
            .is_some_and(|f| f.call2(&JsValue::NULL, &resolve, &JsValue::from(0)).is_ok());
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[wasm_bindgen_test]
async fn items_benchmark() {
    let inputs = traffic::inputs();
    traffic::check_inputs(&inputs);
    let mut measurements = Vec::new();
    for input in &inputs {
        for (line, mut subject) in input.subjects().into_iter().enumerate() {
            yield_to_browser().await;
            let nanos = measure(&mut subject);
            subject.verify(input);
            console_log!("{}/{}: {:.2} µs per run", input.name, LINES[line], nanos / 1_000.0);
            measurements.push(Measurement {
                input: input.name,
                items: input.items(),
                bytes: input.bytes(line),
                line,
                nanos,
            });
        }
    }
    let title = format!(
        "wasm32 in the browser (performance.now(); median of {SAMPLES} samples of ~{} ms)",
        SAMPLE_TIME.as_millis()
    );
    console_log!("{}", traffic::report(&title, &measurements));
}
