//! The history store: every audit, kept in SQLite, read by the CLI and the desktop app alike.
//!
//! One file (by default in the user's data directory, `MATURITY_STORE` or `--store` elsewhere)
//! holds repositories, runs with their whole scorecard as JSON (so any past run can be rendered
//! again), and per-item, per-check and per-metric rows for queries across runs and repositories.
//!
//! Safety rules: the database runs in WAL mode with a busy timeout, so two audits writing at once
//! both land; every run is written in one transaction, so a process killed mid-write leaves the
//! store as it was; the schema is versioned with `PRAGMA user_version` and migrated forward in a
//! transaction; a store written by a newer version is refused, never rewritten.

use crate::reuse::Fingerprint;
use crate::scorecard::{SCHEMA, Scorecard};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Migrations, in order; the store's `user_version` is the number applied.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE repositories (
    id        INTEGER PRIMARY KEY,
    identity  TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    remote    TEXT,
    path      TEXT
);
CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    finished_at   TEXT NOT NULL,
    commit_sha    TEXT,
    branch        TEXT,
    roadmap_id    TEXT NOT NULL,
    roadmap_hash  TEXT NOT NULL,
    score         REAL NOT NULL,
    level         INTEGER NOT NULL,
    coverage      REAL NOT NULL,
    tool_version  TEXT NOT NULL,
    scorecard     TEXT NOT NULL
);
CREATE INDEX runs_by_repository ON runs(repository_id, finished_at);
CREATE TABLE item_results (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    item   TEXT NOT NULL,
    status TEXT NOT NULL,
    score  REAL,
    PRIMARY KEY (run_id, item)
);
CREATE TABLE check_results (
    run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    item     TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    score    REAL NOT NULL,
    message  TEXT NOT NULL,
    PRIMARY KEY (run_id, item, check_id)
);
CREATE TABLE metric_results (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    status TEXT NOT NULL,
    value  REAL,
    PRIMARY KEY (run_id, metric)
);
"#,
    r#"
-- 2: what each run depended on (see reuse.rs): an unchanged fingerprint reuses the run
ALTER TABLE runs ADD COLUMN fingerprint TEXT;
ALTER TABLE runs ADD COLUMN fingerprint_parts TEXT;
ALTER TABLE runs ADD COLUMN reused_from INTEGER;
CREATE INDEX runs_by_fingerprint ON runs(fingerprint);
"#,
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the history store {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("cannot create the folder of the history store {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error(
        "the history store {path} was written by a newer version of maturity (schema {found}, this version knows {known}); \
         upgrade maturity, or use another store with --store"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error(
        "the history store {path} is not a maturity store (or is damaged): {detail}; use another store with --store"
    )]
    NotAStore { path: PathBuf, detail: String },
    #[error("history store error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("run {0} holds a scorecard this version cannot read: {1}")]
    Unreadable(i64, String),
}

/// One run, as listed by `maturity history`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub id: i64,
    pub identity: String,
    pub name: String,
    pub finished_at: String,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub roadmap_id: String,
    pub score: f64,
    pub level: u32,
    pub coverage: f64,
}

/// A repository with its latest run and its score trend (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepositorySummary {
    pub identity: String,
    pub name: String,
    pub remote: Option<String>,
    pub path: Option<String>,
    pub runs: usize,
    pub latest: RunSummary,
    pub trend: Vec<f64>,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// For the test that kills a writer mid-write: with `MATURITY_TEST_HOLD_WRITE` naming a file, a
/// writer creates that file (holding its process id) once every row of its run is written and
/// before the transaction commits, then waits up to a minute to be killed. Only in builds with
/// the `test-hooks` feature, which the CLI's tests turn on: no released binary has it.
#[cfg(feature = "test-hooks")]
fn hold_before_commit() {
    let Some(path) = std::env::var_os("MATURITY_TEST_HOLD_WRITE").map(PathBuf::from) else { return };
    // written beside, then renamed: the file appears whole
    let partial = path.with_extension("partial");
    if std::fs::write(&partial, std::process::id().to_string()).and_then(|_| std::fs::rename(&partial, &path)).is_ok() {
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// The store used when none is named: `MATURITY_STORE`, else `history.db` in the user's data
/// directory (`~/.local/share/maturity` on Linux).
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MATURITY_STORE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "maturity").map(|d| d.data_dir().join("history.db"))
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder { path: dir.to_path_buf(), source })?;
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        conn.busy_timeout(Duration::from_secs(30))?;
        // look before writing anything: a store we cannot own is refused untouched
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::NotAStore { path: path.to_path_buf(), detail: e.to_string() })?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew { path: path.to_path_buf(), found: version, known });
        }
        let mut store = Store::configure(conn, path)?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing store without ever changing it (for readers such as the dashboard
    /// before the user agrees to an upgrade).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|source| StoreError::Open { path: path.to_path_buf(), source })?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let store = Store { conn, path: path.to_path_buf() };
        let version =
            store.version().map_err(|e| StoreError::NotAStore { path: path.to_path_buf(), detail: e.to_string() })?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: MIGRATIONS.len() as i64,
            });
        }
        Ok(store)
    }

    fn configure(conn: Connection, path: &Path) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(30))?;
        // reading a non-database file fails here, with a clear message rather than later
        let mode: Result<String, _> = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        if let Err(e) = mode {
            return Err(StoreError::NotAStore { path: path.to_path_buf(), detail: e.to_string() });
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(Store { conn, path: path.to_path_buf() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        // IMMEDIATE takes the write lock first, so two processes never migrate at once
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew { path: self.path.clone(), found: version, known });
        }
        if version == 0 {
            // an existing database that is not ours must not be written into
            let tables: i64 =
                tx.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
            if tables > 0 {
                return Err(StoreError::NotAStore {
                    path: self.path.clone(),
                    detail: "it already holds other tables".into(),
                });
            }
        }
        for (n, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", n as i64 + 1)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores a run; returns its id.
    pub fn save(&mut self, card: &Scorecard) -> Result<i64, StoreError> {
        self.save_with(card, None)
    }

    /// Stores a run with the fingerprint of what it depended on; returns its id.
    pub fn save_with(&mut self, card: &Scorecard, fingerprint: Option<&Fingerprint>) -> Result<i64, StoreError> {
        let json = serde_json::to_string(card).map_err(|e| StoreError::Unreadable(0, e.to_string()))?;
        let repo = &card.repository;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let repository_id: i64 = tx.query_row(
            "INSERT INTO repositories (identity, name, remote, path) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(identity) DO UPDATE SET name = excluded.name, remote = excluded.remote, path = excluded.path
             RETURNING id",
            params![repo.identity, repo.name, repo.remote, repo.path],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO runs (repository_id, finished_at, commit_sha, branch, roadmap_id, roadmap_hash, score, level, coverage, tool_version, scorecard)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                repository_id,
                card.generated_at,
                repo.commit,
                repo.branch,
                card.roadmap.id,
                card.roadmap.hash,
                card.score,
                card.level,
                card.coverage,
                card.tool.version,
                json
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        if fingerprint.is_some() || card.reused_from_run.is_some() {
            tx.execute(
                "UPDATE runs SET fingerprint = ?2, fingerprint_parts = ?3, reused_from = ?4 WHERE id = ?1",
                params![
                    run_id,
                    fingerprint.map(|f| f.digest.as_str()),
                    fingerprint.map(Fingerprint::parts_json),
                    card.reused_from_run
                ],
            )?;
        }
        {
            let mut item =
                tx.prepare("INSERT INTO item_results (run_id, item, status, score) VALUES (?1, ?2, ?3, ?4)")?;
            let mut check = tx.prepare(
                "INSERT INTO check_results (run_id, item, check_id, status, score, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for i in &card.items {
                item.execute(params![run_id, i.id, i.status.as_str(), i.score])?;
                for c in &i.checks {
                    check.execute(params![run_id, i.id, c.id, c.status.as_str(), c.score, c.message])?;
                }
            }
            let mut metric =
                tx.prepare("INSERT INTO metric_results (run_id, metric, status, value) VALUES (?1, ?2, ?3, ?4)")?;
            for m in &card.metrics {
                metric.execute(params![run_id, m.id, m.status.as_str(), m.value])?;
            }
        }
        #[cfg(feature = "test-hooks")]
        hold_before_commit();
        tx.commit()?;
        Ok(run_id)
    }

    fn summary(row: &rusqlite::Row) -> rusqlite::Result<RunSummary> {
        Ok(RunSummary {
            id: row.get("id")?,
            identity: row.get("identity")?,
            name: row.get("name")?,
            finished_at: row.get("finished_at")?,
            commit: row.get("commit_sha")?,
            branch: row.get("branch")?,
            roadmap_id: row.get("roadmap_id")?,
            score: row.get("score")?,
            level: row.get("level")?,
            coverage: row.get("coverage")?,
        })
    }

    const SUMMARY: &'static str =
        "SELECT runs.id, identity, name, finished_at, commit_sha, branch, roadmap_id, score, level, coverage
         FROM runs JOIN repositories ON repositories.id = runs.repository_id";

    /// Runs of one repository (or all), oldest first, at most `limit` of the newest.
    pub fn runs(&self, identity: Option<&str>, limit: usize) -> Result<Vec<RunSummary>, StoreError> {
        let sql = format!(
            "SELECT * FROM ({} WHERE (?1 IS NULL OR identity = ?1) ORDER BY finished_at DESC, runs.id DESC LIMIT ?2) ORDER BY finished_at, id",
            Store::SUMMARY
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![identity, limit as i64], Store::summary)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored scorecard of a run.
    pub fn scorecard(&self, run_id: i64) -> Result<Option<Scorecard>, StoreError> {
        let json: Option<String> =
            self.conn.query_row("SELECT scorecard FROM runs WHERE id = ?1", [run_id], |r| r.get(0)).optional()?;
        let Some(json) = json else { return Ok(None) };
        let value: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| StoreError::Unreadable(run_id, e.to_string()))?;
        if value.get("schema").and_then(|s| s.as_str()) != Some(SCHEMA) {
            return Err(StoreError::Unreadable(
                run_id,
                format!("schema {} is not {SCHEMA}", value.get("schema").unwrap_or(&serde_json::Value::Null)),
            ));
        }
        let mut card: Scorecard =
            serde_json::from_value(value).map_err(|e| StoreError::Unreadable(run_id, e.to_string()))?;
        card.run_id = Some(run_id);
        Ok(Some(card))
    }

    /// The newest run recorded with this fingerprint digest.
    pub fn run_with_fingerprint(&self, digest: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM runs WHERE fingerprint = ?1 ORDER BY id DESC LIMIT 1", [digest], |r| r.get(0))
            .optional()?)
    }

    /// The newest run of a repository with this roadmap, before `before` (a run id) if given.
    pub fn latest(&self, identity: &str, roadmap_id: &str, before: Option<i64>) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT runs.id FROM runs JOIN repositories ON repositories.id = runs.repository_id
                 WHERE identity = ?1 AND roadmap_id = ?2 AND (?3 IS NULL OR runs.id < ?3)
                 ORDER BY finished_at DESC, runs.id DESC LIMIT 1",
                params![identity, roadmap_id, before],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Score and items done for each run of a repository with this roadmap, oldest first (for the
    /// readout's trend and burn-up charts).
    pub fn points(
        &self,
        identity: &str,
        roadmap_id: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String, f64, usize)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT * FROM (
                SELECT runs.id, finished_at, score,
                       (SELECT count(*) FROM item_results WHERE run_id = runs.id AND status IN ('pass', 'waived')) AS done
                FROM runs JOIN repositories ON repositories.id = runs.repository_id
                WHERE identity = ?1 AND roadmap_id = ?2 ORDER BY finished_at DESC, runs.id DESC LIMIT ?3)
             ORDER BY finished_at, id",
        )?;
        let rows = stmt.query_map(params![identity, roadmap_id, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? as usize))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every repository with its latest run and score trend (up to `trend` newest runs).
    pub fn repositories(&self, trend: usize) -> Result<Vec<RepositorySummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT repositories.id, identity, name, remote, path, (SELECT count(*) FROM runs WHERE repository_id = repositories.id)
             FROM repositories ORDER BY name",
        )?;
        // id, identity, name, remote, path, run count
        type Row = (i64, String, String, Option<String>, Option<String>, i64);
        let repos: Vec<Row> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        let mut scores = self
            .conn
            .prepare("SELECT score FROM runs WHERE repository_id = ?1 ORDER BY finished_at DESC, id DESC LIMIT ?2")?;
        for (id, identity, name, remote, path, runs) in repos {
            let mut trend_scores: Vec<f64> =
                scores.query_map(params![id, trend as i64], |r| r.get(0))?.collect::<Result<_, _>>()?;
            trend_scores.reverse();
            let latest = self.runs(Some(&identity), 1)?.pop();
            if let Some(latest) = latest {
                out.push(RepositorySummary {
                    identity,
                    name,
                    remote,
                    path,
                    runs: runs as usize,
                    latest,
                    trend: trend_scores,
                });
            }
        }
        Ok(out)
    }
}

/// The schedule of a run, in brief (for lists such as the dashboard's portfolio).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleBrief {
    pub week: i64,
    pub weeks: u32,
    pub current_phase: Option<u32>,
    pub expected_level: u32,
    pub pace: crate::schedule::Pace,
}

/// A repository as the portfolio lists it: its summary, and what the latest run says of the
/// plan (read from the stored scorecard by SQLite, without loading it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepositoryOverview {
    #[serde(flatten)]
    pub summary: RepositorySummary,
    pub level_name: String,
    pub phases: u32,
    pub schedule: Option<ScheduleBrief>,
}

impl Store {
    /// Records a finished audit as every shell does: notes what changed since the previous run
    /// of the same repository and roadmap, then saves it and sets its run id.
    pub fn record(&mut self, card: &mut Scorecard) -> Result<i64, StoreError> {
        self.record_with(card, None, None)
    }

    /// [`Store::record`] with the fingerprint of what the audit depended on.
    /// `known` is a stored run already in memory (the one a reused audit copies): when it is the
    /// previous run, it is not read again.
    pub fn record_with(
        &mut self,
        card: &mut Scorecard,
        fingerprint: Option<&Fingerprint>,
        known: Option<(i64, &Scorecard)>,
    ) -> Result<i64, StoreError> {
        let previous = self.latest(&card.repository.identity, &card.roadmap.id, None).ok().flatten();
        match (previous, known) {
            (Some(p), Some((k, prev))) if p == k => card.change = Some(crate::diff::diff(prev, card)),
            (Some(p), _) => {
                if let Some(prev) = self.scorecard(p).ok().flatten() {
                    card.change = Some(crate::diff::diff(&prev, card));
                }
            }
            (None, _) => {}
        }
        let id = self.save_with(card, fingerprint)?;
        card.run_id = Some(id);
        Ok(id)
    }

    /// Run points for the readout's charts: this run and the earlier runs of the same repository
    /// and roadmap.
    pub fn run_points(&self, card: &Scorecard) -> Vec<crate::report::svg::RunPoint> {
        let start: Option<jiff::civil::Date> = card.schedule.as_ref().and_then(|s| s.start.parse().ok());
        self.points(&card.repository.identity, &card.roadmap.id, 60)
            .unwrap_or_default()
            .into_iter()
            .filter(|(id, ..)| card.run_id.is_none_or(|r| *id <= r))
            .map(|(_, date, score, done)| {
                let week = start
                    .zip(date.get(..10).and_then(|d| d.parse::<jiff::civil::Date>().ok()))
                    .map(|(s, d)| crate::schedule::week_of(s, d));
                crate::report::svg::RunPoint { date, score, week, done }
            })
            .collect()
    }

    /// A number that changes whenever a run is added, by this process or another (the CLI): lets
    /// a reader notice new runs cheaply.
    pub fn revision(&self) -> Result<(i64, i64), StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*), coalesce(max(id), 0) FROM runs", [], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    /// The status of one item in the newest `limit` runs of a repository with this roadmap, oldest
    /// first: run id, time, status.
    pub fn item_history(
        &self,
        identity: &str,
        roadmap_id: &str,
        item: &str,
        limit: usize,
    ) -> Result<Vec<(i64, String, maturity_checks::model::Status)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT * FROM (
                SELECT runs.id, finished_at, item_results.status
                FROM runs JOIN repositories ON repositories.id = runs.repository_id
                JOIN item_results ON item_results.run_id = runs.id AND item_results.item = ?3
                WHERE identity = ?1 AND roadmap_id = ?2 ORDER BY finished_at DESC, runs.id DESC LIMIT ?4)
             ORDER BY finished_at, id",
        )?;
        let rows = stmt.query_map(params![identity, roadmap_id, item, limit as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, status) = row?;
            // a status this version does not know is left out rather than guessed
            if let Ok(s) = serde_json::from_value(serde_json::Value::String(status)) {
                out.push((id, at, s));
            }
        }
        Ok(out)
    }

    /// Every repository with its latest run, trend (up to `trend` newest runs) and schedule.
    pub fn overview(&self, trend: usize) -> Result<Vec<RepositoryOverview>, StoreError> {
        let repos = self.repositories(trend)?;
        let mut stmt = self.conn.prepare(
            "SELECT json_extract(scorecard, '$.level_name'), json_array_length(scorecard, '$.phases'),
                    json_extract(scorecard, '$.schedule.week'), json_extract(scorecard, '$.schedule.weeks'),
                    json_extract(scorecard, '$.schedule.current_phase'),
                    json_extract(scorecard, '$.schedule.expected_level'), json_extract(scorecard, '$.schedule.pace')
             FROM runs WHERE id = ?1",
        )?;
        let mut out = Vec::with_capacity(repos.len());
        for summary in repos {
            type Row =
                (Option<String>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<String>);
            let row: Row = stmt.query_row([summary.latest.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?;
            let (level_name, phases, week, weeks, current, expected, pace) = row;
            let pace = pace.and_then(|p| serde_json::from_value(serde_json::Value::String(p)).ok());
            let schedule = week.zip(pace).map(|(week, pace)| ScheduleBrief {
                week,
                weeks: weeks.unwrap_or(0) as u32,
                current_phase: current.map(|c| c as u32),
                expected_level: expected.unwrap_or(0) as u32,
                pace,
            });
            out.push(RepositoryOverview {
                summary,
                level_name: level_name.unwrap_or_default(),
                phases: phases.unwrap_or(0) as u32,
                schedule,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::evaluate;
    use crate::roadmap::Roadmap;
    use maturity_checks::facts::{NoProgress, RepoFacts};

    fn card(identity: &str, score: f64) -> Scorecard {
        let mut c = evaluate(
            &RepoFacts::from_memory(&[]),
            &Roadmap::default_roadmap(),
            &crate::audit::Policy::default(),
            &NoProgress,
        );
        c.repository.identity = identity.to_string();
        c.score = score;
        c
    }

    #[test]
    fn save_list_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h/history.db")).unwrap();
        let a1 = store.save(&card("github.com/acme/a", 10.0)).unwrap();
        let a2 = store.save(&card("github.com/acme/a", 20.0)).unwrap();
        store.save(&card("github.com/acme/b", 30.0)).unwrap();
        let runs = store.runs(Some("github.com/acme/a"), 10).unwrap();
        assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a1, a2]);
        assert_eq!(store.runs(None, 2).unwrap().len(), 2);
        let back = store.scorecard(a2).unwrap().unwrap();
        assert_eq!((back.score, back.run_id), (20.0, Some(a2)));
        assert_eq!(store.latest("github.com/acme/a", "enterprise-maturity", None).unwrap(), Some(a2));
        assert_eq!(store.latest("github.com/acme/a", "enterprise-maturity", Some(a2)).unwrap(), Some(a1));
        let repos = store.repositories(50).unwrap();
        assert_eq!(repos.len(), 2);
        assert_eq!(repos[0].trend, vec![10.0, 20.0]);
        assert!(store.scorecard(9999).unwrap().is_none());
        let overview = store.overview(50).unwrap();
        assert_eq!(overview[0].summary.latest.id, a2);
        assert_eq!((overview[0].phases, overview[0].schedule.clone()), (4, None), "no start date: no schedule");
        assert_eq!(store.revision().unwrap().0, 3);
    }

    #[test]
    fn record_notes_the_change_and_overview_reads_the_schedule() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("history.db")).unwrap();
        let mut first = card("github.com/acme/a", 10.0);
        store.record(&mut first).unwrap();
        assert!(first.change.is_none(), "nothing before the first run");
        let mut roadmap = Roadmap::default_roadmap();
        roadmap.start = Some("2026-01-05".into());
        let policy = crate::audit::Policy { today: "2026-02-16".parse().ok(), ..Default::default() };
        let mut second = evaluate(&RepoFacts::from_memory(&[]), &roadmap, &policy, &NoProgress);
        second.repository.identity = "github.com/acme/a".into();
        second.score = 25.0;
        let id = store.record(&mut second).unwrap();
        assert_eq!(second.run_id, Some(id));
        assert_eq!(second.change.as_ref().map(|c| c.score_delta), Some(15.0));
        let stored = store.scorecard(id).unwrap().unwrap();
        assert_eq!(stored.change, second.change, "the change is stored with the run");
        let o = &store.overview(10).unwrap()[0];
        let s = o.schedule.as_ref().expect("a start date gives a schedule");
        assert_eq!((s.week, s.weeks, s.current_phase, s.expected_level), (7, 16, Some(2), 1));
        assert_eq!(s.pace, crate::schedule::Pace::Behind);
        assert_eq!(store.run_points(&second).len(), 2);
    }

    #[test]
    fn a_first_version_store_is_migrated_and_keeps_its_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        let first = card("github.com/acme/a", 10.0);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
            c.execute("INSERT INTO repositories (identity, name) VALUES ('github.com/acme/a', 'a')", []).unwrap();
            c.execute(
                "INSERT INTO runs (repository_id, finished_at, roadmap_id, roadmap_hash, score, level, coverage, tool_version, scorecard)
                 VALUES (1, '2026-01-01T00:00:00Z', 'enterprise-maturity', 'h', 10, 0, 0.5, '0.1.0', ?1)",
                [serde_json::to_string(&first).unwrap()],
            )
            .unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(store.scorecard(1).unwrap().unwrap().score, 10.0, "the old run is still there");
        assert_eq!(store.run_with_fingerprint("abc").unwrap(), None, "old runs have no fingerprint");
        let fp = Fingerprint { digest: "abc".into(), parts: vec![("tree", "t".into())] };
        let id = store.record_with(&mut card("github.com/acme/a", 20.0), Some(&fp), None).unwrap();
        assert_eq!(store.run_with_fingerprint("abc").unwrap(), Some(id));
    }

    #[test]
    fn newer_and_foreign_stores_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let newer = dir.path().join("newer.db");
        {
            let c = Connection::open(&newer).unwrap();
            c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
        }
        assert!(matches!(Store::open(&newer), Err(StoreError::TooNew { found: 99, .. })));
        assert!(matches!(Store::open_read_only(&newer), Err(StoreError::TooNew { .. })));
        let foreign = dir.path().join("foreign.db");
        {
            let c = Connection::open(&foreign).unwrap();
            c.execute_batch("CREATE TABLE accounts (id);").unwrap();
        }
        assert!(matches!(Store::open(&foreign), Err(StoreError::NotAStore { .. })));
        let garbage = dir.path().join("garbage.db");
        std::fs::write(&garbage, vec![0x42u8; 4096]).unwrap();
        let err = Store::open(&garbage).err().expect("refused");
        assert!(err.to_string().contains("not a maturity store"), "{err}");
        assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x42u8; 4096], "never rewritten");
    }
}
