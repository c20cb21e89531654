//! The server clock. Finesse timestamps (`stateChangeTime`, a participant's `startTime`) are
//! the server's clock in UTC; the local clock of the browser may be off by seconds or minutes.
//! Elapsed times are therefore computed on the server's time line: the drift is measured from
//! SystemInfo's `currentTimestamp` (guide chapter 5; milliseconds) or an HTTP `Date` header
//! (seconds), each against the local time it was received at.

use finesse_model::Timestamp;

use crate::Millis;

/// The measured difference between the server's clock and the local one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerClock {
    /// Server time minus local time, once measured.
    offset: Option<Millis>,
}

impl ServerClock {
    /// Records that the server's clock read `server` (ms since the epoch) when the local clock
    /// read `local` (SystemInfo's `currentTimestamp`, received at `local`).
    pub fn measure(&mut self, server: Millis, local: Millis) {
        self.offset = Some(server.saturating_sub(local));
    }

    /// Records an HTTP `Date` header received at `local`. The header has whole seconds, so the
    /// true offset lies in `[d, d + 1 s)`: a measurement already in that range (from
    /// SystemInfo's milliseconds) is kept, otherwise the middle of the range is taken.
    pub fn measure_date_header(&mut self, header: &str, local: Millis) -> Result<(), BadDate> {
        let server =
            parse_http_date(header).ok_or_else(|| BadDate(header.chars().take(64).collect()))?;
        let low = server.saturating_sub(local);
        match self.offset {
            Some(o) if (low..=low.saturating_add(1000)).contains(&o) => {}
            _ => self.offset = Some(low.saturating_add(500)),
        }
        Ok(())
    }

    /// Server time minus local time (0 until measured).
    pub fn offset(&self) -> Millis {
        self.offset.unwrap_or(0)
    }

    /// Whether a measurement was made.
    pub fn is_measured(&self) -> bool {
        self.offset.is_some()
    }

    /// The server's time when the local clock reads `local`.
    pub fn server_now(&self, local: Millis) -> Millis {
        local.saturating_add(self.offset())
    }

    /// Milliseconds from the server timestamp `since` to the local time `local` on the server's
    /// time line; `None` when `since` is empty or unreadable; never negative.
    pub fn elapsed_since(&self, since: &Timestamp, local: Millis) -> Option<Millis> {
        let at = since.epoch_millis()?;
        Some(self.server_now(local).saturating_sub(at).max(0))
    }
}

/// An HTTP `Date` header that is not an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDate(pub String);

impl std::fmt::Display for BadDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not an HTTP date: {:?}", self.0)
    }
}

impl std::error::Error for BadDate {}

/// Reads an IMF-fixdate (RFC 9110 §5.6.7: `Sun, 06 Nov 1994 08:49:37 GMT`) as milliseconds
/// since the epoch; `None` for anything else.
pub fn parse_http_date(header: &str) -> Option<Millis> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (_weekday, rest) = header.trim().split_once(", ")?;
    let mut parts = rest.split(' ');
    let day = parts.next()?;
    let month = parts.next()?;
    let year = parts.next()?;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)? + 1;
    let ok = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(day, 2) || !ok(year, 4) || time.len() != 8 {
        return None;
    }
    Timestamp(format!("{year}-{month:02}-{day}T{time}Z")).epoch_millis()
}

/// An elapsed time as a timer shows it: `m:ss`, or `h:mm:ss` from one hour on.
pub fn format_elapsed(ms: Millis) -> String {
    let total = ms.max(0) / 1000;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_is_on_the_server_time_line() {
        let mut clock = ServerClock::default();
        let since = Timestamp::from("2012-03-01T17:58:21.234Z");
        let at = since.epoch_millis().expect("a timestamp");
        // Unmeasured: the local clock is taken as the server's.
        assert_eq!(clock.elapsed_since(&since, at + 5_000), Some(5_000));
        // The local clock is 90 s behind the server.
        clock.measure(at + 100_000, at + 10_000);
        assert_eq!(clock.offset(), 90_000);
        assert_eq!(clock.elapsed_since(&since, at + 10_000), Some(100_000));
        // A timestamp "in the future" (clock noise) reads as 0, an empty one as unknown.
        assert_eq!(clock.elapsed_since(&since, at - 200_000), Some(0));
        assert_eq!(clock.elapsed_since(&Timestamp::default(), at), None);
    }

    #[test]
    fn date_headers_refine_only_when_they_disagree() {
        let date = "Thu, 01 Mar 2012 17:58:21 GMT";
        let server = parse_http_date(date).expect("an HTTP date");
        assert_eq!(Some(server), Timestamp::from("2012-03-01T17:58:21Z").epoch_millis());
        let mut clock = ServerClock::default();
        clock.measure_date_header(date, server - 2_000).expect("reads");
        assert_eq!(clock.offset(), 2_500, "the middle of the second");
        // A millisecond measurement inside the header's second is kept.
        clock.measure(server + 700, server - 1_300);
        clock.measure_date_header(date, server - 2_000).expect("reads");
        assert_eq!(clock.offset(), 2_000);
        // A header far off (the server's clock jumped) wins.
        clock.measure_date_header(date, server - 60_000).expect("reads");
        assert_eq!(clock.offset(), 60_500);
        assert!(clock.measure_date_header("yesterday", 0).is_err());
    }

    #[test]
    fn only_imf_fixdates_are_read() {
        assert!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").is_some());
        for bad in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn timers_read_like_the_desktop() {
        assert_eq!(format_elapsed(0), "0:00");
        assert_eq!(format_elapsed(59_999), "0:59");
        assert_eq!(format_elapsed(61_000), "1:01");
        assert_eq!(format_elapsed(3_600_000 + 62_000), "1:01:02");
        assert_eq!(format_elapsed(-5), "0:00");
    }
}
