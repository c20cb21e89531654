//! The decoding benchmark of `benches/decode.rs`, in wasm32 in headless Chromium: the same
//! generated inputs, the same three decoders, timed with `performance.now()` (through
//! `wasm_bindgen_test::Instant`), and the same table of ratios (ours / baseline).
//!
//! Run: `scripts/bench.sh --wasm`, which is
//! `cargo test --release -p finesse-model --target wasm32-unknown-unknown --bench decode_wasm
//! -- --nocapture` with `CHROMEDRIVER` set and `wasm-bindgen-test-runner` on the PATH (the
//! runner is configured in `.cargo/config.toml`). Natively this target is empty.
#![cfg(all(target_arch = "wasm32", not(target_os = "wasi")))]

#[path = "support/inputs.rs"]
mod inputs;

use std::hint::black_box;
use std::time::Duration;

use wasm_bindgen_test::{Instant, console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

use inputs::{DECODERS, Decoder, Measurement};

wasm_bindgen_test_configure!(run_in_browser);

/// Time spent warming each decoder up before measuring.
const WARM_UP: Duration = Duration::from_millis(500);
/// Samples per decoder; each sample is a batch of runs lasting about [`SAMPLE_TIME`].
const SAMPLES: usize = 20;
/// Target length of one sample (well above `performance.now()`'s resolution in Chromium).
const SAMPLE_TIME: Duration = Duration::from_millis(100);

/// Runs `decoder` on `xml` `iters` times; the elapsed time.
fn batch(decoder: Decoder, xml: &str, iters: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(decoder(black_box(xml)));
    }
    start.elapsed()
}

/// The median time per run in nanoseconds, over [`SAMPLES`] batches sized to [`SAMPLE_TIME`].
fn measure(decoder: Decoder, xml: &str) -> f64 {
    // Warm up, doubling the batch until the warm-up time is spent; the last batch sizes samples.
    let mut iters = 1u32;
    let mut spent = Duration::ZERO;
    let mut per_run = loop {
        let elapsed = batch(decoder, xml, iters);
        spent += elapsed;
        if spent >= WARM_UP {
            break elapsed.as_secs_f64() / f64::from(iters);
        }
        iters = iters.saturating_mul(2);
    };
    per_run = per_run.max(1e-9);
    let iters = ((SAMPLE_TIME.as_secs_f64() / per_run).ceil() as u32).max(1);
    let mut samples: Vec<f64> = (0..SAMPLES)
        .map(|_| batch(decoder, xml, iters).as_nanos() as f64 / f64::from(iters))
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[wasm_bindgen_test]
fn decode_benchmark() {
    inputs::check_inputs();
    let mut measurements = Vec::new();
    for input in inputs::inputs() {
        for (name, decoder) in DECODERS.into_iter().zip(input.decoders) {
            let nanos = measure(decoder, &input.xml);
            console_log!("{}/{}: {:.1} µs per run", input.name, name, nanos / 1_000.0);
            measurements.push(Measurement {
                input: input.name,
                bytes: input.xml.len(),
                decoder: name,
                nanos,
            });
        }
    }
    let title = format!(
        "wasm32 in the browser (performance.now(); median of {SAMPLES} samples of ~{} ms)",
        SAMPLE_TIME.as_millis()
    );
    console_log!("{}", inputs::report(&title, &measurements));
}
