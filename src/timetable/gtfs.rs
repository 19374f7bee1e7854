//! A GTFS reader: a feed folder or zip file, read for one service date, becomes the inputs of
//! [`Timetable::build`]. This module does I/O; the engine in `matching::transit` does none.
//!
//! Read: `stops.txt`, `routes.txt`, `trips.txt`, `stop_times.txt` (required), `calendar.txt`
//! and `calendar_dates.txt` (at least one), `frequencies.txt` (optional). `agency.txt` and every
//! other file are not needed and not read. The clean-up real feeds need:
//!
//! - a UTF-8 byte-order mark, CRLF line ends, quoted fields, spaces around values, rows shorter
//!   than the header, unknown columns and missing optional columns are all accepted;
//! - optional fields are not interpreted beyond what the engine needs, so odd values there
//!   (a `route_text_color` of `0`, a `location_type` of `x`, read as 0) do no harm;
//! - stops with blank arrival and departure times get times interpolated by straight-line
//!   distance between the timed stops around them; a trip whose first or last stop is untimed,
//!   whose times go back, or that has fewer than two stops is dropped and counted;
//! - stations (`location_type` 1) and other non-stop locations are not boarding stops; a stop
//!   keeps its `parent_station`;
//! - `frequencies.txt` trips, with `exact_times` or headway-based, are expanded into trips
//!   leaving the first stop at `start_time`, `start_time + headway_secs`, … before `end_time`,
//!   with the template trip's running times.
//!
//! What cannot be read is a [`GtfsError`] naming the file, the line (1-based, the header is
//! line 1) and the field. Times are seconds since midnight of the service day (noon minus 12
//! hours in GTFS, the same except on daylight-saving days, which are not corrected); trips of
//! the previous service day running past midnight are not included.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::domain::LonLat;
use crate::matching::transit::synthetic::gtfs_time;
use crate::matching::transit::{
    StopIdx, StopInput, StopTime, Timetable, TimetableError, TransitSettings, TripInput,
};

/// Warnings kept word for word in a [`FeedSummary`]; the rest are only counted.
const KEPT_WARNINGS: usize = 20;

/// Why a feed cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GtfsError {
    /// The feed's folder, zip file or one of its files cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The path is a file but not a zip archive that can be read.
    #[error("{path} is not a readable zip file: {source}")]
    Zip {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    /// A required file is not in the feed.
    #[error("the feed has no {file}, which is required")]
    MissingFile { file: &'static str },
    /// A file is not CSV that can be read (unterminated quote, no header, …).
    #[error("{file} line {line}: {message}")]
    Syntax {
        file: &'static str,
        line: u64,
        message: String,
    },
    /// A value cannot be read, a required column or value is missing, or a reference names
    /// nothing. Line 1 is the header.
    #[error("{file} line {line}, field {field}: {message}")]
    Field {
        file: &'static str,
        line: u64,
        field: &'static str,
        message: String,
    },
    /// The service date asked for does not exist.
    #[error("{year:04}-{month:02}-{day:02} is not a date")]
    Date { year: i32, month: u32, day: u32 },
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The `calendar.txt` column of this day.
    pub fn column(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }
}

/// A calendar date (proleptic Gregorian), the day a feed is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceDate {
    year: i32,
    month: u32,
    day: u32,
}

impl ServiceDate {
    /// The date, if it exists (years 1 to 9999).
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self, GtfsError> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if !(1..=9999).contains(&year) || day == 0 || day > days {
            return Err(GtfsError::Date { year, month, day });
        }
        Ok(Self { year, month, day })
    }

    /// Reads GTFS's `YYYYMMDD`.
    pub fn from_gtfs(s: &str) -> Option<Self> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = s[..4].parse().ok()?;
        let month = s[4..6].parse().ok()?;
        let day = s[6..].parse().ok()?;
        Self::new(year, month, day).ok()
    }

    /// The date as the number `YYYYMMDD`, which orders like the date.
    pub fn yyyymmdd(self) -> u32 {
        self.year as u32 * 10_000 + self.month * 100 + self.day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.days_since_epoch() + 3).rem_euclid(7) as usize]
    }
}

impl fmt::Display for ServiceDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What was read, for the operator and `/readyz`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedSummary {
    /// Boarding stops (`location_type` 0).
    pub stops: usize,
    /// Stations (`location_type` 1), not boarding stops.
    pub stations: usize,
    /// Rows of `routes.txt`.
    pub routes: usize,
    /// Trips running on the date, frequency-based ones expanded.
    pub trips: usize,
    /// Stop times of those trips.
    pub stop_times: usize,
    /// Stop times whose times were interpolated.
    pub interpolated: usize,
    /// Trips running on the date but dropped (untimed first or last stop, times going back,
    /// fewer than two stops), counted before frequency expansion.
    pub dropped: usize,
    /// Every warning (dropped trips, unknown services).
    pub warnings: usize,
    /// The first warnings, word for word.
    pub first_warnings: Vec<String>,
}

impl FeedSummary {
    fn warn(&mut self, message: String) {
        self.warnings += 1;
        if self.first_warnings.len() < KEPT_WARNINGS {
            self.first_warnings.push(message);
        }
    }
}

/// A feed read for one date: the timetable's inputs (active trips only) and a summary.
#[derive(Debug, Clone)]
pub struct Feed {
    /// The boarding stops, in the order of `stops.txt`.
    pub stops: Vec<StopInput>,
    /// The trips running on the date, in the order of `trips.txt` (frequencies expanded in
    /// place).
    pub trips: Vec<TripInput>,
    /// Counts and warnings.
    pub summary: FeedSummary,
}

impl Feed {
    /// Builds the timetable of this feed.
    pub fn into_timetable(self, settings: &TransitSettings) -> Result<Timetable, TimetableError> {
        Timetable::build(self.stops, self.trips, settings)
    }
}

/// Reads the feed at `path` (a folder, or a `.zip` file whose files may sit in one subfolder)
/// for the trips running on `date`.
pub fn read_feed(path: &Path, date: ServiceDate) -> Result<Feed, GtfsError> {
    let mut source = Source::open(path)?;
    let mut summary = FeedSummary::default();

    let stops = read_stops(&source.required("stops.txt")?, &mut summary)?;
    let routes = read_routes(&source.required("routes.txt")?)?;
    summary.routes = routes.len();
    let calendar = source.optional("calendar.txt")?;
    let dates = source.optional("calendar_dates.txt")?;
    if calendar.is_none() && dates.is_none() {
        return Err(GtfsError::MissingFile {
            file: "calendar.txt or calendar_dates.txt",
        });
    }
    let services = read_services(calendar.as_deref(), dates.as_deref(), date)?;
    let mut trips = read_trips(
        &source.required("trips.txt")?,
        &routes,
        &services,
        &mut summary,
    )?;
    if let Some(bytes) = source.optional("frequencies.txt")? {
        read_frequencies(&bytes, &mut trips)?;
    }
    let rows = read_stop_times(&source.required("stop_times.txt")?, &stops, &trips)?;
    let trips = assemble(rows, &trips, &stops.list, &mut summary)?;
    summary.trips = trips.len();
    summary.stop_times = trips.iter().map(|t| t.stop_times.len()).sum();
    Ok(Feed {
        stops: stops.list,
        trips,
        summary,
    })
}

/// A feed's files: a folder or a zip archive.
enum Source {
    Folder(PathBuf),
    Zip {
        path: PathBuf,
        archive: zip::ZipArchive<std::fs::File>,
    },
}

impl Source {
    fn open(path: &Path) -> Result<Self, GtfsError> {
        let io = |source| GtfsError::Io {
            path: path.to_owned(),
            source,
        };
        if std::fs::metadata(path).map_err(io)?.is_dir() {
            return Ok(Source::Folder(path.to_owned()));
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let archive = zip::ZipArchive::new(file).map_err(|source| GtfsError::Zip {
            path: path.to_owned(),
            source,
        })?;
        Ok(Source::Zip {
            path: path.to_owned(),
            archive,
        })
    }

    fn optional(&mut self, name: &'static str) -> Result<Option<Vec<u8>>, GtfsError> {
        match self {
            Source::Folder(dir) => {
                let path = dir.join(name);
                match std::fs::read(&path) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(GtfsError::Io { path, source }),
                }
            }
            Source::Zip { path, archive } => {
                let zip_error = |source| GtfsError::Zip {
                    path: path.clone(),
                    source,
                };
                // The file at the top, else the shallowest one of that name in a folder.
                let mut found: Option<(usize, usize)> = None;
                let suffix = format!("/{name}");
                for (i, entry) in archive.file_names_raw().enumerate() {
                    let depth = entry.iter().filter(|&&b| b == b'/').count();
                    let matches = entry == name.as_bytes() || entry.ends_with(suffix.as_bytes());
                    if matches && found.is_none_or(|(d, _)| depth < d) {
                        found = Some((depth, i));
                    }
                }
                let Some((_, i)) = found else {
                    return Ok(None);
                };
                let mut file = archive.by_index(i).map_err(zip_error)?;
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes)
                    .map_err(|source| GtfsError::Io {
                        path: path.join(name),
                        source,
                    })?;
                Ok(Some(bytes))
            }
        }
    }

    fn required(&mut self, name: &'static str) -> Result<Vec<u8>, GtfsError> {
        self.optional(name)?
            .ok_or(GtfsError::MissingFile { file: name })
    }
}

/// One file being read: its header's columns and its records.
struct Table<'a> {
    file: &'static str,
    columns: HashMap<String, usize>,
    reader: csv::Reader<&'a [u8]>,
    bytes: &'a [u8],
    /// Newlines in `bytes[..counted]`.
    newlines: u64,
    counted: usize,
}

/// One record of a [`Table`].
struct Row<'a> {
    file: &'static str,
    line: u64,
    record: &'a csv::ByteRecord,
}

impl<'a> Table<'a> {
    fn new(file: &'static str, bytes: &'a [u8]) -> Result<Self, GtfsError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(bytes);
        let header = reader
            .byte_headers()
            .map_err(|e| syntax(file, bytes, &e))?
            .clone();
        if header.is_empty() || header.iter().all(|h| h.is_empty()) {
            return Err(GtfsError::Syntax {
                file,
                line: 1,
                message: "the file is empty (no header)".into(),
            });
        }
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (String::from_utf8_lossy(h).trim().to_owned(), i))
            .collect();
        Ok(Self {
            file,
            columns,
            reader,
            bytes,
            newlines: 0,
            counted: 0,
        })
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    fn required(&self, name: &'static str) -> Result<usize, GtfsError> {
        self.column(name).ok_or_else(|| GtfsError::Field {
            file: self.file,
            line: 1,
            field: name,
            message: "the header has no such column, and it is required".into(),
        })
    }

    /// Calls `f` with every record, in order.
    fn each(
        &mut self,
        mut f: impl FnMut(&Row<'_>) -> Result<(), GtfsError>,
    ) -> Result<(), GtfsError> {
        let mut record = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(syntax(self.file, self.bytes, &e)),
            }
            // A blank line between records is no record.
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            // Counted here: the csv crate's own line numbers are one short after a CRLF header.
            let offset = record.position().map_or(0, |p| p.byte() as usize);
            let end = (offset + 1).min(self.bytes.len()).max(self.counted);
            self.newlines += newlines(&self.bytes[self.counted..end]);
            self.counted = end;
            let line = self.newlines + 1;
            f(&Row {
                file: self.file,
                line,
                record: &record,
            })?;
        }
    }
}

/// The record starting at byte `offset` is on line 1 + the newlines up to and including
/// `offset` (after a CRLF the csv crate's offset points at the LF).
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn syntax(file: &'static str, bytes: &[u8], e: &csv::Error) -> GtfsError {
    let line = e.position().map_or(1, |p| {
        let end = (p.byte() as usize + 1).min(bytes.len());
        newlines(&bytes[..end]) + 1
    });
    GtfsError::Syntax {
        file,
        line,
        message: e.to_string(),
    }
}

impl Row<'_> {
    /// The trimmed value of `column` (empty if the column or the value is missing).
    fn text(&self, column: Option<usize>, field: &'static str) -> Result<&str, GtfsError> {
        let bytes = column.and_then(|c| self.record.get(c)).unwrap_or_default();
        std::str::from_utf8(bytes)
            .map(str::trim)
            .map_err(|_| self.error(field, "is not valid UTF-8".into()))
    }

    /// A value that must not be empty.
    fn non_empty(&self, column: usize, field: &'static str) -> Result<&str, GtfsError> {
        let value = self.text(Some(column), field)?;
        if value.is_empty() {
            return Err(self.error(field, "is empty, and it is required".into()));
        }
        Ok(value)
    }

    /// Free text: invalid UTF-8 is replaced rather than refused.
    fn lossy(&self, column: Option<usize>) -> String {
        let bytes = column.and_then(|c| self.record.get(c)).unwrap_or_default();
        String::from_utf8_lossy(bytes).trim().to_owned()
    }

    fn error(&self, field: &'static str, message: String) -> GtfsError {
        GtfsError::Field {
            file: self.file,
            line: self.line,
            field,
            message,
        }
    }

    /// An optional time: empty is `None`.
    fn time(&self, column: Option<usize>, field: &'static str) -> Result<Option<u32>, GtfsError> {
        let value = self.text(column, field)?;
        if value.is_empty() {
            return Ok(None);
        }
        parse_time(value)
            .map(Some)
            .ok_or_else(|| self.error(field, format!("{value:?} is not a time (HH:MM:SS)")))
    }

    fn required_time(&self, column: usize, field: &'static str) -> Result<u32, GtfsError> {
        self.time(Some(column), field)?
            .ok_or_else(|| self.error(field, "is empty, and it is required".into()))
    }

    fn date(&self, column: usize, field: &'static str) -> Result<u32, GtfsError> {
        let value = self.text(Some(column), field)?;
        ServiceDate::from_gtfs(value)
            .map(ServiceDate::yyyymmdd)
            .ok_or_else(|| self.error(field, format!("{value:?} is not a date (YYYYMMDD)")))
    }

    fn coordinate(&self, column: usize, field: &'static str, limit: f64) -> Result<f64, GtfsError> {
        let value = self.text(Some(column), field)?;
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= limit)
            .ok_or_else(|| {
                self.error(
                    field,
                    format!("{value:?} is not a coordinate (a number from -{limit} to {limit})"),
                )
            })
    }
}

/// `H:MM:SS` or `HH:MM:SS`, hours possibly past 24.
///
/// # Units
/// Seconds since midnight.
pub fn parse_time(s: &str) -> Option<u32> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !digits(h) || h.len() > 3 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    if !digits(m) || !digits(sec) {
        return None;
    }
    let (h, m, sec): (u32, u32, u32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (m < 60 && sec < 60).then_some(h * 3_600 + m * 60 + sec)
}

/// What a `stop_id` names.
#[derive(Debug, Clone, Copy)]
enum Location {
    Stop(StopIdx),
    /// A station, entrance, node or boarding area: its `location_type`.
    Other(u8),
}

struct Stops {
    list: Vec<StopInput>,
    by_id: HashMap<String, (Location, u64)>,
}

fn read_stops(bytes: &[u8], summary: &mut FeedSummary) -> Result<Stops, GtfsError> {
    let mut t = Table::new("stops.txt", bytes)?;
    let id = t.required("stop_id")?;
    let lat = t.required("stop_lat")?;
    let lon = t.required("stop_lon")?;
    let name = t.column("stop_name");
    let kind = t.column("location_type");
    let parent = t.column("parent_station");
    let mut stops = Stops {
        list: Vec::new(),
        by_id: HashMap::new(),
    };
    t.each(|row| {
        let stop_id = row.non_empty(id, "stop_id")?;
        // An odd value in this optional field reads as the default, a stop.
        let location_type: u8 = row
            .text(kind, "location_type")?
            .parse()
            .ok()
            .filter(|&k| k <= 4)
            .unwrap_or(0);
        let location = if location_type == 0 {
            let pos = LonLat::new(
                row.coordinate(lon, "stop_lon", 180.0)?,
                row.coordinate(lat, "stop_lat", 90.0)?,
            )
            .map_err(|e| row.error("stop_lat", e.to_string()))?;
            let parent_station = Some(row.lossy(parent)).filter(|p| !p.is_empty());
            stops.list.push(StopInput {
                id: stop_id.to_owned(),
                name: row.lossy(name),
                pos,
                parent_station,
            });
            Location::Stop(StopIdx(stops.list.len() as u32 - 1))
        } else {
            if location_type == 1 {
                summary.stations += 1;
            }
            Location::Other(location_type)
        };
        if let Some((_, first)) = stops.by_id.insert(stop_id.to_owned(), (location, row.line)) {
            return Err(row.error(
                "stop_id",
                format!("{stop_id:?} appears twice (first on line {first})"),
            ));
        }
        Ok(())
    })?;
    summary.stops = stops.list.len();
    Ok(stops)
}

fn read_routes(bytes: &[u8]) -> Result<HashMap<String, u64>, GtfsError> {
    let mut t = Table::new("routes.txt", bytes)?;
    let id = t.required("route_id")?;
    let mut routes = HashMap::new();
    t.each(|row| {
        let route_id = row.non_empty(id, "route_id")?;
        if let Some(first) = routes.insert(route_id.to_owned(), row.line) {
            return Err(row.error(
                "route_id",
                format!("{route_id:?} appears twice (first on line {first})"),
            ));
        }
        Ok(())
    })?;
    Ok(routes)
}

/// Whether each known service runs on `date`.
fn read_services(
    calendar: Option<&[u8]>,
    dates: Option<&[u8]>,
    date: ServiceDate,
) -> Result<HashMap<String, bool>, GtfsError> {
    let day = date.yyyymmdd();
    let mut services = HashMap::new();
    if let Some(bytes) = calendar {
        let mut t = Table::new("calendar.txt", bytes)?;
        let id = t.required("service_id")?;
        let mut weekdays = [0; 7];
        for (w, column) in weekdays.iter_mut().zip(Weekday::ALL) {
            *w = t.required(column.column())?;
        }
        let start = t.required("start_date")?;
        let end = t.required("end_date")?;
        let today = weekdays[date.weekday() as usize];
        t.each(|row| {
            let service = row.non_empty(id, "service_id")?;
            for (&column, weekday) in weekdays.iter().zip(Weekday::ALL) {
                let field = weekday.column();
                let value = row.text(Some(column), field)?;
                if value != "0" && value != "1" {
                    return Err(row.error(field, format!("{value:?} is not 0 or 1")));
                }
            }
            let (from, to) = (row.date(start, "start_date")?, row.date(end, "end_date")?);
            let runs =
                from <= day && day <= to && row.text(Some(today), date.weekday().column())? == "1";
            *services.entry(service.to_owned()).or_insert(false) |= runs;
            Ok(())
        })?;
    }
    if let Some(bytes) = dates {
        let mut t = Table::new("calendar_dates.txt", bytes)?;
        let id = t.required("service_id")?;
        let on = t.required("date")?;
        let kind = t.required("exception_type")?;
        let mut exceptions = Vec::new();
        t.each(|row| {
            let service = row.non_empty(id, "service_id")?;
            let when = row.date(on, "date")?;
            let runs = match row.text(Some(kind), "exception_type")? {
                "1" => true,
                "2" => false,
                other => {
                    return Err(row.error(
                        "exception_type",
                        format!("{other:?} is not 1 (service added) or 2 (service removed)"),
                    ));
                }
            };
            services.entry(service.to_owned()).or_insert(false);
            if when == day {
                exceptions.push((service.to_owned(), runs));
            }
            Ok(())
        })?;
        // Exceptions win over the weekly pattern, whatever the order of the files.
        for (service, runs) in exceptions {
            services.insert(service, runs);
        }
    }
    Ok(services)
}

/// A row of `trips.txt`.
struct TripRow {
    id: String,
    route_id: String,
    active: bool,
    /// (start, end, headway) from `frequencies.txt`, in seconds.
    frequencies: Vec<(u32, u32, u32)>,
}

struct Trips {
    rows: Vec<TripRow>,
    by_id: HashMap<String, (u32, u64)>,
}

fn read_trips(
    bytes: &[u8],
    routes: &HashMap<String, u64>,
    services: &HashMap<String, bool>,
    summary: &mut FeedSummary,
) -> Result<Trips, GtfsError> {
    let mut t = Table::new("trips.txt", bytes)?;
    let route = t.required("route_id")?;
    let service = t.required("service_id")?;
    let id = t.required("trip_id")?;
    let mut trips = Trips {
        rows: Vec::new(),
        by_id: HashMap::new(),
    };
    t.each(|row| {
        let trip_id = row.non_empty(id, "trip_id")?;
        let route_id = row.non_empty(route, "route_id")?;
        if !routes.contains_key(route_id) {
            return Err(row.error(
                "route_id",
                format!("{route_id:?} is not a route in routes.txt"),
            ));
        }
        let service_id = row.non_empty(service, "service_id")?;
        let active = match services.get(service_id) {
            Some(&runs) => runs,
            None => {
                summary.warn(format!(
                    "trips.txt line {}, field service_id: {service_id:?} is in neither \
                     calendar file; the trip is taken as not running",
                    row.line
                ));
                false
            }
        };
        let index = trips.rows.len() as u32;
        if let Some((_, first)) = trips.by_id.insert(trip_id.to_owned(), (index, row.line)) {
            return Err(row.error(
                "trip_id",
                format!("{trip_id:?} appears twice (first on line {first})"),
            ));
        }
        trips.rows.push(TripRow {
            id: trip_id.to_owned(),
            route_id: route_id.to_owned(),
            active,
            frequencies: Vec::new(),
        });
        Ok(())
    })?;
    Ok(trips)
}

fn read_frequencies(bytes: &[u8], trips: &mut Trips) -> Result<(), GtfsError> {
    let mut t = Table::new("frequencies.txt", bytes)?;
    let id = t.required("trip_id")?;
    let start = t.required("start_time")?;
    let end = t.required("end_time")?;
    let headway = t.required("headway_secs")?;
    // `exact_times` only says whether riders may rely on the times; both kinds are expanded
    // the same way.
    t.each(|row| {
        let trip_id = row.non_empty(id, "trip_id")?;
        let Some(&(index, _)) = trips.by_id.get(trip_id) else {
            return Err(row.error("trip_id", format!("{trip_id:?} is not a trip in trips.txt")));
        };
        let from = row.required_time(start, "start_time")?;
        let to = row.required_time(end, "end_time")?;
        let value = row.text(Some(headway), "headway_secs")?;
        let every = value
            .parse::<u32>()
            .ok()
            .filter(|&h| h > 0)
            .ok_or_else(|| {
                row.error(
                    "headway_secs",
                    format!("{value:?} is not a whole number of seconds above 0"),
                )
            })?;
        trips.rows[index as usize]
            .frequencies
            .push((from, to, every));
        Ok(())
    })
}

/// A row of `stop_times.txt` of a running trip.
struct TimeRow {
    trip: u32,
    sequence: u32,
    stop: StopIdx,
    arrival: Option<u32>,
    departure: Option<u32>,
    line: u64,
}

fn read_stop_times(bytes: &[u8], stops: &Stops, trips: &Trips) -> Result<Vec<TimeRow>, GtfsError> {
    let mut t = Table::new("stop_times.txt", bytes)?;
    let trip = t.required("trip_id")?;
    let stop = t.required("stop_id")?;
    let sequence = t.required("stop_sequence")?;
    let (arrival, departure) = (t.column("arrival_time"), t.column("departure_time"));
    if arrival.is_none() && departure.is_none() {
        t.required("departure_time")?;
    }
    let mut rows = Vec::new();
    t.each(|row| {
        let trip_id = row.non_empty(trip, "trip_id")?;
        let Some(&(index, _)) = trips.by_id.get(trip_id) else {
            return Err(row.error("trip_id", format!("{trip_id:?} is not a trip in trips.txt")));
        };
        let stop_id = row.non_empty(stop, "stop_id")?;
        let stop = match stops.by_id.get(stop_id) {
            Some(&(Location::Stop(s), _)) => s,
            Some(&(Location::Other(kind), _)) => {
                return Err(row.error(
                    "stop_id",
                    format!(
                        "{stop_id:?} is a {} (location_type {kind}), not a stop where vehicles halt",
                        match kind {
                            1 => "station",
                            2 => "station entrance",
                            3 => "generic node",
                            _ => "boarding area",
                        }
                    ),
                ));
            }
            None => {
                return Err(row.error("stop_id", format!("{stop_id:?} is not a stop in stops.txt")));
            }
        };
        let value = row.text(Some(sequence), "stop_sequence")?;
        let sequence: u32 = value.parse().map_err(|_| {
            row.error(
                "stop_sequence",
                format!("{value:?} is not a whole number from 0"),
            )
        })?;
        let arrival = row.time(arrival, "arrival_time")?;
        let departure = row.time(departure, "departure_time")?;
        if trips.rows[index as usize].active {
            rows.push(TimeRow {
                trip: index,
                sequence,
                stop,
                arrival: arrival.or(departure),
                departure: departure.or(arrival),
                line: row.line,
            });
        }
        Ok(())
    })?;
    Ok(rows)
}

/// Groups the stop times by trip, interpolates untimed stops, drops what cannot run, expands
/// frequencies.
fn assemble(
    mut rows: Vec<TimeRow>,
    trips: &Trips,
    stops: &[StopInput],
    summary: &mut FeedSummary,
) -> Result<Vec<TripInput>, GtfsError> {
    rows.sort_by_key(|r| (r.trip, r.sequence, r.line));
    let mut out = Vec::new();
    let mut times: Vec<(Option<u32>, Option<u32>)> = Vec::new();
    for group in rows.chunk_by(|a, b| a.trip == b.trip) {
        let trip = &trips.rows[group[0].trip as usize];
        for pair in group.windows(2) {
            if pair[0].sequence == pair[1].sequence {
                return Err(GtfsError::Field {
                    file: "stop_times.txt",
                    line: pair[1].line,
                    field: "stop_sequence",
                    message: format!(
                        "{} appears twice in trip {:?} (first on line {})",
                        pair[1].sequence, trip.id, pair[0].line
                    ),
                });
            }
        }
        let drop = |summary: &mut FeedSummary, line: u64, why: &str| {
            summary.dropped += 1;
            summary.warn(format!(
                "stop_times.txt line {line}: trip {:?} dropped: {why}",
                trip.id
            ));
        };
        if group.len() < 2 {
            drop(summary, group[0].line, "it has fewer than two stops");
            continue;
        }
        let (first, last) = (&group[0], &group[group.len() - 1]);
        if first.departure.is_none() {
            drop(summary, first.line, "its first stop has no time");
            continue;
        }
        if last.arrival.is_none() {
            drop(summary, last.line, "its last stop has no time");
            continue;
        }
        times.clear();
        times.extend(group.iter().map(|r| (r.arrival, r.departure)));
        summary.interpolated += interpolate(&mut times, group, stops);
        let mut previous = 0u32;
        let mut going_back = None;
        for (r, &(a, d)) in group.iter().zip(&times) {
            let (a, d) = (a.unwrap_or(previous), d.unwrap_or(previous));
            if a < previous {
                going_back = Some((r.line, "arrival_time", a, previous));
                break;
            }
            if d < a {
                going_back = Some((r.line, "departure_time", d, a));
                break;
            }
            previous = d;
        }
        if let Some((line, field, later, earlier)) = going_back {
            drop(
                summary,
                line,
                &format!(
                    "{field} {} is before {} at or before this stop",
                    gtfs_time(later),
                    gtfs_time(earlier)
                ),
            );
            continue;
        }
        let stop_times: Vec<StopTime> = group
            .iter()
            .zip(&times)
            .map(|(r, &(a, d))| StopTime {
                stop: r.stop,
                arrival: a.unwrap_or_default(),
                departure: d.unwrap_or_default(),
            })
            .collect();
        if trip.frequencies.is_empty() {
            out.push(TripInput {
                trip_id: trip.id.clone(),
                route_id: trip.route_id.clone(),
                active: true,
                stop_times,
            });
            continue;
        }
        let origin = stop_times[0].departure;
        for &(from, to, every) in &trip.frequencies {
            for start in (from..to).step_by(every as usize) {
                let shift = |t: u32| t - origin + start;
                out.push(TripInput {
                    trip_id: format!("{}@{}", trip.id, gtfs_time(start)),
                    route_id: trip.route_id.clone(),
                    active: true,
                    stop_times: stop_times
                        .iter()
                        .map(|s| StopTime {
                            stop: s.stop,
                            arrival: shift(s.arrival),
                            departure: shift(s.departure),
                        })
                        .collect(),
                });
            }
        }
    }
    Ok(out)
}

/// Fills untimed stops (both times blank) between timed ones in proportion of the straight-line
/// distance along the trip's stops (of the stop count where the stops do not move). Returns how
/// many were filled. The first and last stops are timed.
fn interpolate(
    times: &mut [(Option<u32>, Option<u32>)],
    group: &[TimeRow],
    stops: &[StopInput],
) -> usize {
    let mut along = Vec::with_capacity(group.len());
    let mut metres = 0.0;
    for (i, r) in group.iter().enumerate() {
        if i > 0 {
            metres += stops[group[i - 1].stop.index()]
                .pos
                .distance_m(stops[r.stop.index()].pos);
        }
        along.push(metres);
    }
    let mut filled = 0;
    let mut anchor = 0;
    for i in 1..times.len() {
        if times[i].0.is_none() {
            continue;
        }
        if i > anchor + 1 {
            let (from, to) = (times[anchor].1.unwrap_or(0), times[i].0.unwrap_or(0));
            let span = along[i] - along[anchor];
            for j in anchor + 1..i {
                let share = if span > 0.0 {
                    (along[j] - along[anchor]) / span
                } else {
                    (j - anchor) as f64 / (i - anchor) as f64
                };
                let t = from + (f64::from(to.saturating_sub(from)) * share).round() as u32;
                times[j] = (Some(t), Some(t));
                filled += 1;
            }
        }
        anchor = i;
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_are_right_across_centuries_and_leap_days() {
        let day = |y, m, d| ServiceDate::new(y, m, d).expect("a date").weekday();
        assert_eq!(day(1970, 1, 1), Weekday::Thursday);
        assert_eq!(day(2000, 1, 1), Weekday::Saturday);
        assert_eq!(day(2000, 2, 29), Weekday::Tuesday);
        assert_eq!(day(1900, 3, 1), Weekday::Thursday);
        assert_eq!(day(2024, 2, 29), Weekday::Thursday);
        assert_eq!(day(2026, 11, 24), Weekday::Tuesday);
        assert_eq!(day(2100, 12, 31), Weekday::Friday);
        assert_eq!(day(1, 1, 1), Weekday::Monday);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(ServiceDate::new(2023, 2, 29).is_err());
        assert!(ServiceDate::new(1900, 2, 29).is_err());
        assert!(ServiceDate::new(2000, 2, 29).is_ok());
        assert!(ServiceDate::new(2026, 13, 1).is_err());
        assert!(ServiceDate::new(2026, 4, 31).is_err());
        assert_eq!(
            ServiceDate::new(2026, 4, 31)
                .map_err(|e| e.to_string())
                .err(),
            Some("2026-04-31 is not a date".to_owned())
        );
        assert_eq!(
            ServiceDate::from_gtfs("20261124").map(ServiceDate::yyyymmdd),
            Some(20261124)
        );
        assert_eq!(ServiceDate::from_gtfs("2026-11-24"), None);
    }

    #[test]
    fn times_past_midnight_are_read_and_malformed_ones_are_not() {
        assert_eq!(parse_time("08:05:30"), Some(8 * 3_600 + 5 * 60 + 30));
        assert_eq!(parse_time("8:05:30"), Some(8 * 3_600 + 5 * 60 + 30));
        assert_eq!(parse_time("25:10:00"), Some(25 * 3_600 + 600));
        for bad in [
            "25:7:00",
            "08:60:00",
            "08:00",
            "08:00:00:00",
            "ab:00:00",
            "",
            "-1:00:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn untimed_stops_get_times_in_proportion_of_distance() {
        let stop = |lon| StopInput {
            id: String::new(),
            name: String::new(),
            pos: LonLat::new(lon, 49.6).expect("in range"),
            parent_station: None,
        };
        // 0, 1 and 3 units of distance along: the middle stop is a third of the way.
        let stops = vec![stop(6.00), stop(6.01), stop(6.03)];
        let row = |i: u32, t: Option<u32>| TimeRow {
            trip: 0,
            sequence: i,
            stop: StopIdx(i),
            arrival: t,
            departure: t,
            line: u64::from(i) + 2,
        };
        let group = vec![row(0, Some(0)), row(1, None), row(2, Some(900))];
        let mut times: Vec<_> = group.iter().map(|r| (r.arrival, r.departure)).collect();
        assert_eq!(interpolate(&mut times, &group, &stops), 1);
        let t = times[1].0.expect("filled");
        assert!((299..=300).contains(&t), "{t}");
    }
}
