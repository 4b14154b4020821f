//! Graphs and their versions. Every save is a new version; a save names the
//! version it started from and is refused if another save came in between.
//! A graph that ever had an approved version is never deleted, only archived:
//! hidden from the library, read-only, everything about it kept.

use super::{Result, Store, StoreError, now_ms};
use sha2::{Digest, Sha256};
use sluice_shared::api::graphs as api;
use sluice_shared::api::{RunStatus, SubmissionStatus, Timestamp};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GraphSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub version: i64,
    pub updated_at: i64,
    pub owner: String,
    /// When the graph was archived (milliseconds); absent while it is active.
    pub archived_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GraphRow {
    pub id: String,
    pub owner_id: String,
    pub owner: String,
    pub version: i64,
    pub updated_at: i64,
    pub doc: String,
    pub archived_at: Option<i64>,
}

/// Which graphs a library listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Listing {
    /// Graphs in use (the default).
    #[default]
    Active,
    /// Only archived graphs.
    Archived,
    /// Both.
    All,
}

impl Listing {
    fn condition(self) -> &'static str {
        match self {
            Listing::Active => "g.archived_at IS NULL",
            Listing::Archived => "g.archived_at IS NOT NULL",
            Listing::All => "1 = 1",
        }
    }
}

/// What `remove_graph` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// A graph never approved: gone, with its versions and submissions.
    Deleted,
    /// A graph with an approved version: archived, schedules disabled, nothing lost.
    Archived,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub hash: String,
    pub saved_by: String,
    pub saved_at: i64,
}

impl From<GraphSummary> for api::GraphSummary {
    fn from(g: GraphSummary) -> Self {
        api::GraphSummary {
            id: g.id,
            name: g.name,
            description: g.description,
            version: g.version,
            updated_at: Timestamp(g.updated_at),
            owner: g.owner,
            archived_at: g.archived_at.map(Timestamp),
        }
    }
}

impl From<VersionRow> for api::VersionInfo {
    fn from(v: VersionRow) -> Self {
        api::VersionInfo { version: v.version, hash: v.hash, saved_by: v.saved_by, saved_at: Timestamp(v.saved_at) }
    }
}

/// Content hash of a stored document (the canonical JSON the server wrote).
pub fn content_hash(doc: &str) -> String {
    hex::encode(Sha256::digest(doc.as_bytes()))
}

const SELECT_GRAPH: &str = "SELECT g.id, g.owner_id, u.username AS owner, g.version, g.updated_at, v.doc, g.archived_at \
     FROM graphs g JOIN users u ON u.id = g.owner_id \
     JOIN graph_versions v ON v.graph_id = g.id AND v.version = g.version WHERE g.id = $1";

const SUMMARY: &str = "SELECT g.id, g.name, g.description, g.version, g.updated_at, u.username AS owner, \
     g.archived_at FROM graphs g JOIN users u ON u.id = g.owner_id";

/// The graph `g` has (had) an approved version; `approved` is bound at `$k`.
fn approved(k: usize) -> String {
    format!("EXISTS (SELECT 1 FROM submissions s WHERE s.graph_id = g.id AND s.status = ${k})")
}

impl Store {
    /// Graphs visible to a user: all of them, or only those `owner_id` owns.
    pub async fn list_graphs(&self, owner_id: Option<&str>, listing: Listing) -> Result<Vec<GraphSummary>> {
        let sql = format!(
            "{SUMMARY} WHERE ($1 = '' OR g.owner_id = $1) AND {} ORDER BY g.updated_at DESC",
            listing.condition()
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(owner_id.unwrap_or("")).fetch_all(self.pool()).await?)
    }

    /// Graphs that have an approved version (what viewers may read).
    pub async fn list_approved_graphs(&self, listing: Listing) -> Result<Vec<GraphSummary>> {
        let sql = format!("{SUMMARY} WHERE {} AND {} ORDER BY g.updated_at DESC", approved(1), listing.condition());
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(SubmissionStatus::Approved.as_str())
            .fetch_all(self.pool())
            .await?)
    }

    pub async fn get_graph(&self, id: &str) -> Result<GraphRow> {
        Ok(sqlx::query_as(SELECT_GRAPH).bind(id).fetch_one(self.pool()).await?)
    }

    /// Creates a graph with its first version.
    pub async fn create_graph(
        &self,
        owner_id: &str,
        actor: &str,
        name: &str,
        description: &str,
        doc: &str,
    ) -> Result<GraphRow> {
        let id = uuid::Uuid::new_v4().to_string();
        self.create_graph_as(&id, owner_id, actor, name, description, doc).await
    }

    /// Creates a graph under a given id (`sluice import` keeps the ids of the
    /// files it reads); fails if the id is taken.
    pub async fn create_graph_as(
        &self,
        id: &str,
        owner_id: &str,
        actor: &str,
        name: &str,
        description: &str,
        doc: &str,
    ) -> Result<GraphRow> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        sqlx::query("INSERT INTO graphs (id, owner_id, name, description, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5)")
            .bind(id)
            .bind(owner_id)
            .bind(name)
            .bind(description)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        insert_version(&mut tx, id, 1, doc, actor, now).await?;
        tx.commit().await?;
        self.get_graph(id).await
    }

    /// Saves a new version on top of `base_version`; `Conflict` if it is stale.
    pub async fn save_graph(
        &self,
        id: &str,
        base_version: i64,
        actor: &str,
        name: &str,
        description: &str,
        doc: &str,
    ) -> Result<i64> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        // The compare-and-set on `version` is what makes concurrent saves safe:
        // only one UPDATE can move a given version forward.
        let updated = sqlx::query(
            "UPDATE graphs SET version = version + 1, name = $1, description = $2, updated_at = $3 \
             WHERE id = $4 AND version = $5 AND archived_at IS NULL",
        )
        .bind(name)
        .bind(description)
        .bind(now)
        .bind(id)
        .bind(base_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            drop(tx);
            let current: Option<i64> = sqlx::query_scalar("SELECT version FROM graphs WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
            return Err(match current {
                Some(current) => StoreError::Conflict { current },
                None => StoreError::NotFound,
            });
        }
        let version = base_version + 1;
        insert_version(&mut tx, id, version, doc, actor, now).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Deletes a graph that never had an approved version; archives one that
    /// had (schedules disabled, versions, submissions and runs kept). One
    /// transaction, so an approval cannot slip in between the check and the delete.
    pub async fn remove_graph(&self, id: &str, actor: &str) -> Result<Removal> {
        let mut tx = self.pool().begin().await?;
        // Touching the row first takes its write lock (PostgreSQL) / the write
        // transaction (SQLite) before the approval check below is read.
        let n = sqlx::query("UPDATE graphs SET updated_at = updated_at WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let approved: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM graphs g WHERE g.id = $1 AND {}",
            approved(2)
        )))
        .bind(id)
        .bind(SubmissionStatus::Approved.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let removal = if approved > 0 {
            sqlx::query("UPDATE graphs SET archived_at = $1, archived_by = $2 WHERE id = $3 AND archived_at IS NULL")
                .bind(now_ms())
                .bind(actor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE schedules SET enabled = 0 WHERE graph_id = $1").bind(id).execute(&mut *tx).await?;
            // Nothing queued starts once archived: backfills, retries and drafts are cancelled.
            sqlx::query(
                "UPDATE runs SET status = $3, finished_at = $1, error = 'the graph was archived' \
                 WHERE graph_id = $2 AND status = $4",
            )
            .bind(now_ms())
            .bind(id)
            .bind(RunStatus::Cancelled.as_str())
            .bind(RunStatus::Queued.as_str())
            .execute(&mut *tx)
            .await?;
            Removal::Archived
        } else {
            sqlx::query("DELETE FROM submissions WHERE graph_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM graph_versions WHERE graph_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM graphs WHERE id = $1").bind(id).execute(&mut *tx).await?;
            Removal::Deleted
        };
        tx.commit().await?;
        Ok(removal)
    }

    /// Brings an archived graph back into the library; `NotFound` if it is not archived.
    /// Its schedules stay disabled until someone enables them again.
    pub async fn unarchive_graph(&self, id: &str) -> Result<()> {
        let n = sqlx::query(
            "UPDATE graphs SET archived_at = NULL, archived_by = NULL WHERE id = $1 AND archived_at IS NOT NULL",
        )
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected();
        if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    pub async fn list_versions(&self, id: &str) -> Result<Vec<VersionRow>> {
        Ok(sqlx::query_as(
            "SELECT version, hash, saved_by, saved_at FROM graph_versions WHERE graph_id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn get_version(&self, id: &str, version: i64) -> Result<String> {
        Ok(sqlx::query_scalar("SELECT doc FROM graph_versions WHERE graph_id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_one(self.pool())
            .await?)
    }

    pub async fn graph_named(&self, name: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT id FROM graphs WHERE name = $1").bind(name).fetch_optional(self.pool()).await?)
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    version: i64,
    doc: &str,
    actor: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO graph_versions (graph_id, version, doc, hash, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(doc)
    .bind(content_hash(doc))
    .bind(actor)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
