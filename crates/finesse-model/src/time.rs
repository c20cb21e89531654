//! Finesse timestamps: `YYYY-MM-DDThh:mm:ss.SSSZ` (user and dialog states) and
//! `YYYY-MM-DDThh:mm:ssZ` (queue statistics), always UTC. The text is kept as sent so encoding
//! gives it back unchanged; [`Timestamp::epoch_millis`] reads it for elapsed-time displays.

/// A timestamp as Finesse writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub String);

impl Timestamp {
    /// Milliseconds since the Unix epoch, or `None` when the text is not a UTC timestamp of
    /// the documented forms (fractions of any length, a `Z` or `+00:00` suffix are accepted).
    pub fn epoch_millis(&self) -> Option<i64> {
        parse_epoch_millis(&self.0)
    }

    /// Formats milliseconds since the epoch the way Finesse does (`…T…:…:….SSSZ`).
    pub fn from_epoch_millis(ms: i64) -> Self {
        let secs = ms.div_euclid(1000);
        let millis = ms.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        Self(format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        ))
    }
}

impl crate::macros::IsAbsent for Timestamp {
    fn is_absent(&self) -> bool {
        false
    }

    fn is_empty_value(&self) -> bool {
        self.0.is_empty()
    }
}

impl crate::xml::read::FromXml for Timestamp {
    fn from_element(
        el: &crate::xml::dom::Element,
        mode: crate::Mode,
    ) -> Result<Self, crate::DecodeError> {
        crate::xml::read::string_element(el, mode).map(Self)
    }

    fn from_text(text: &str, _mode: crate::Mode) -> Result<Self, crate::DecodeError> {
        Ok(Self(text.to_owned()))
    }
}

impl crate::xml::write::ToXml for Timestamp {
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

impl From<&str> for Timestamp {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_epoch_millis(text: &str) -> Option<i64> {
    let s = text.trim();
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00")).unwrap_or(s);
    let (date, time) = s.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let (y, mo, da) = (digits(d.next()?)?, digits(d.next()?)?, digits(d.next()?)?);
    let (hms, frac) = match time.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (time, None),
    };
    let mut t = hms.splitn(3, ':');
    let (h, mi) = (digits(t.next()?)?, digits(t.next()?)?);
    let sec = match t.next() {
        Some(sec) => digits(sec)?,
        None => 0,
    };
    // Four-digit years only, as Finesse writes them (a longer year would overflow the
    // arithmetic below).
    if !(0..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&da)
        || h > 23
        || mi > 59
        || sec > 60
    {
        return None;
    }
    let millis = match frac {
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let padded: String = f.chars().chain(std::iter::repeat('0')).take(3).collect();
            padded.parse::<i64>().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    let days = days_from_civil(y, mo, da);
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(Timestamp::from("1970-01-01T00:00:00.000Z").epoch_millis(), Some(0));
        assert_eq!(
            Timestamp::from("2012-03-01T17:58:21.234Z").epoch_millis(),
            Some(1_330_624_701_234)
        );
        assert_eq!(Timestamp::from("2012-03-01T17:58:21Z").epoch_millis(), Some(1_330_624_701_000));
        assert_eq!(
            Timestamp::from("2012-03-01T17:58:21.2Z").epoch_millis(),
            Some(1_330_624_701_200)
        );
        assert_eq!(Timestamp::from("").epoch_millis(), None);
        assert_eq!(Timestamp::from("yesterday").epoch_millis(), None);
        assert_eq!(Timestamp::from("2012-13-01T00:00:00Z").epoch_millis(), None);
    }

    #[test]
    fn bug_a_huge_year_is_no_timestamp_rather_than_an_overflow() {
        assert_eq!(Timestamp::from("9223372036854775807-01-01T00:00:00Z").epoch_millis(), None);
        assert_eq!(Timestamp::from("10000-01-01T00:00:00Z").epoch_millis(), None);
        assert!(Timestamp::from("9999-12-31T23:59:59.999Z").epoch_millis().is_some());
    }

    #[test]
    fn formats_and_reads_back() {
        for ms in [0, 1_330_624_701_234, 951_782_400_000, 4_102_444_800_999] {
            assert_eq!(Timestamp::from_epoch_millis(ms).epoch_millis(), Some(ms));
        }
        assert_eq!(Timestamp::from_epoch_millis(1_330_624_701_234).0, "2012-03-01T17:58:21.234Z");
    }
}
