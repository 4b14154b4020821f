//! SQL text for writing tables, per database: quoted identifiers, column types
//! for created tables, and the statements of every mode. Only identifiers are
//! ever put into the text, always quoted; values are bound or COPY-encoded.
//!
//! Type mapping for a created table (and for the staging table):
//!
//! | contract | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|
//! | int64 | BIGINT | BIGINT | INTEGER |
//! | float64 | DOUBLE PRECISION | DOUBLE | REAL |
//! | decimal(p,s) | NUMERIC(p,s) | DECIMAL(p,s) | DECIMAL(p,s) (numeric affinity: 15 significant digits) |
//! | string | TEXT | TEXT, VARCHAR(255) for key / partition columns (an index needs a length) | TEXT |
//! | bool | BOOLEAN | BOOLEAN (TINYINT(1)) | BOOLEAN (0/1) |
//! | date | DATE | DATE | DATE, ISO text `YYYY-MM-DD` |
//! | timestamp | TIMESTAMP | DATETIME(6) | TIMESTAMP, text `YYYY-MM-DD HH:MM:SS[.ffffff]` |
//!
//! MySQL tables are created with `DEFAULT CHARSET=utf8mb4`.

use super::super::connect::DbKind;
use sluice_shared::DataType;
use sluice_shared::tables::TableName;

/// A quoted identifier: `"x"` (PostgreSQL, SQLite) or `` `x` `` (MySQL), the
/// quote character doubled inside.
pub fn quote(kind: DbKind, ident: &str) -> String {
    match kind {
        DbKind::Mysql => format!("`{}`", ident.replace('`', "``")),
        DbKind::Postgres | DbKind::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
    }
}

/// A quoted, possibly schema-qualified table name.
pub fn table(kind: DbKind, t: &TableName) -> String {
    match &t.schema {
        Some(s) => format!("{}.{}", quote(kind, s), quote(kind, &t.name)),
        None => quote(kind, &t.name),
    }
}

/// The column type a created table gets; `indexed` for key and partition columns.
pub fn column_type(kind: DbKind, t: DataType, indexed: bool) -> String {
    use DataType::*;
    match (kind, t) {
        (DbKind::Sqlite, Int64) => "INTEGER".into(),
        (_, Int64) => "BIGINT".into(),
        (DbKind::Postgres, Float64) => "DOUBLE PRECISION".into(),
        (DbKind::Mysql, Float64) => "DOUBLE".into(),
        (DbKind::Sqlite, Float64) => "REAL".into(),
        (DbKind::Postgres, Decimal(p, s)) => format!("NUMERIC({p},{})", s.max(0)),
        (_, Decimal(p, s)) => format!("DECIMAL({p},{})", s.max(0)),
        (DbKind::Mysql, String) if indexed => "VARCHAR(255)".into(),
        (_, String) => "TEXT".into(),
        (_, Bool) => "BOOLEAN".into(),
        (_, Date) => "DATE".into(),
        (DbKind::Mysql, Timestamp) => "DATETIME(6)".into(),
        (_, Timestamp) => "TIMESTAMP".into(),
    }
}

/// One column of a table to create.
pub struct ColumnDef<'a> {
    pub name: &'a str,
    pub ty: DataType,
    pub indexed: bool,
    pub not_null: bool,
}

/// `CREATE TABLE` for `t` with `cols` and an optional primary key.
pub fn create_table(kind: DbKind, t: &str, cols: &[ColumnDef], primary: &[&str], temp: bool) -> String {
    let mut parts: Vec<String> = cols
        .iter()
        .map(|c| {
            let null = if c.not_null { " NOT NULL" } else { "" };
            format!("{} {}{null}", quote(kind, c.name), column_type(kind, c.ty, c.indexed))
        })
        .collect();
    if !primary.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", list(kind, primary)));
    }
    let head = match (temp, kind) {
        (false, _) => "CREATE TABLE",
        (true, DbKind::Mysql) => "CREATE TEMPORARY TABLE",
        (true, _) => "CREATE TEMP TABLE",
    };
    let tail = if kind == DbKind::Mysql { " DEFAULT CHARSET=utf8mb4" } else { "" };
    format!("{head} {t} ({}){tail}", parts.join(", "))
}

/// Quoted names joined by `, `.
pub fn list(kind: DbKind, cols: &[&str]) -> String {
    cols.iter().map(|c| quote(kind, c)).collect::<Vec<_>>().join(", ")
}

/// `a.x = b.x AND ...` over `cols`.
fn equal(kind: DbKind, a: &str, b: &str, cols: &[&str]) -> String {
    cols.iter().map(|c| format!("{a}.{q} = {b}.{q}", q = quote(kind, c))).collect::<Vec<_>>().join(" AND ")
}

/// `a.x` and `b.x` are the same value, NULL equal to NULL.
fn same(kind: DbKind, a: &str, b: &str, c: &str) -> String {
    let q = quote(kind, c);
    match kind {
        DbKind::Postgres => format!("{a}.{q} IS NOT DISTINCT FROM {b}.{q}"),
        DbKind::Mysql => format!("{a}.{q} <=> {b}.{q}"),
        DbKind::Sqlite => format!("{a}.{q} IS {b}.{q}"),
    }
}

/// The statements of one mode, run in order in the publish transaction.
/// `t` target, `s` staging (both quoted), `cols` the output columns.
pub struct ModeSql<'a> {
    pub kind: DbKind,
    pub t: &'a str,
    pub s: &'a str,
    pub cols: &'a [&'a str],
}

impl ModeSql<'_> {
    fn insert_all(&self) -> String {
        let c = list(self.kind, self.cols);
        format!("INSERT INTO {} ({c}) SELECT {c} FROM {}", self.t, self.s)
    }

    pub fn replace(&self) -> Vec<String> {
        vec![format!("DELETE FROM {}", self.t), self.insert_all()]
    }

    pub fn append(&self) -> Vec<String> {
        vec![self.insert_all()]
    }

    /// Update rows whose keys exist, then insert the others.
    pub fn merge(&self, keys: &[&str]) -> Vec<String> {
        let k = self.kind;
        let rest: Vec<&str> = self.cols.iter().copied().filter(|c| !keys.contains(c)).collect();
        let mut out = Vec::new();
        if !rest.is_empty() {
            out.push(match k {
                DbKind::Mysql => format!(
                    "UPDATE {} t JOIN {} s ON {} SET {}",
                    self.t,
                    self.s,
                    equal(k, "t", "s", keys),
                    rest.iter().map(|c| format!("t.{q} = s.{q}", q = quote(k, c))).collect::<Vec<_>>().join(", ")
                ),
                _ => format!(
                    "UPDATE {} AS t SET {} FROM {} AS s WHERE {}",
                    self.t,
                    rest.iter().map(|c| format!("{q} = s.{q}", q = quote(k, c))).collect::<Vec<_>>().join(", "),
                    self.s,
                    equal(k, "t", "s", keys)
                ),
            });
        }
        let c = list(k, self.cols);
        let sc = self.cols.iter().map(|x| format!("s.{}", quote(k, x))).collect::<Vec<_>>().join(", ");
        out.push(format!(
            "INSERT INTO {t} ({c}) SELECT {sc} FROM {s} s WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE {})",
            equal(k, "t", "s", keys),
            t = self.t,
            s = self.s
        ));
        out
    }

    /// Delete rows whose partition values occur in the output, insert the output.
    pub fn replace_partition(&self, parts: &[&str]) -> Vec<String> {
        let k = self.kind;
        let cond = parts.iter().map(|p| same(k, "p", "x", p)).collect::<Vec<_>>().join(" AND ");
        let delete = match k {
            // MySQL cannot name the target of a DELETE in its own subquery; a join it can.
            DbKind::Mysql => format!(
                "DELETE x FROM {t} x JOIN (SELECT DISTINCT {pl} FROM {s}) p ON {cond}",
                t = self.t,
                s = self.s,
                pl = list(k, parts)
            ),
            // The distinct partitions are few: the subquery is computed once and rescanned.
            _ => format!(
                "DELETE FROM {t} AS x WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT {pl} FROM {s}) p WHERE {cond})",
                t = self.t,
                s = self.s,
                pl = list(k, parts)
            ),
        };
        vec![delete, self.insert_all()]
    }

    /// A condition: some tracked column of target row `t` differs from staging row `s`.
    pub fn changed(&self, tracked: &[&str]) -> String {
        let same: Vec<String> = tracked.iter().map(|c| same(self.kind, "t", "s", c)).collect();
        format!("NOT ({})", same.join(" AND "))
    }

    /// `scd2`: close changed (and with `expire_missing`, missing) current rows,
    /// then insert a new current version for every key without one. The first
    /// bound value is `as_of` (text), the second the surrogate key base.
    pub fn scd2_close(&self, keys: &[&str], tracked: &[&str], expire_missing: bool) -> Vec<String> {
        let k = self.kind;
        let (vt, ic) = (quote(k, "valid_to"), quote(k, "is_current"));
        let d = self.date_param(1);
        let on = equal(k, "t", "s", keys);
        let changed = self.changed(tracked);
        let close = |cond: String| match k {
            DbKind::Mysql => {
                format!("UPDATE {t} t SET t.{vt} = {d}, t.{ic} = FALSE WHERE t.{ic} AND {cond}", t = self.t)
            }
            _ => format!("UPDATE {t} AS t SET {vt} = {d}, {ic} = FALSE WHERE t.{ic} AND {cond}", t = self.t),
        };
        let mut out = vec![close(format!("EXISTS (SELECT 1 FROM {s} s WHERE {on} AND {changed})", s = self.s))];
        if expire_missing {
            out.push(close(format!("NOT EXISTS (SELECT 1 FROM {s} s WHERE {on})", s = self.s)));
        }
        out
    }

    /// The insert of new current versions (binds: as_of, sk base).
    pub fn scd2_insert(&self, keys: &[&str]) -> String {
        let k = self.kind;
        let c = list(k, self.cols);
        let sc = self.cols.iter().map(|x| format!("s.{}", quote(k, x))).collect::<Vec<_>>().join(", ");
        let order = keys.iter().map(|x| format!("s.{}", quote(k, x))).collect::<Vec<_>>().join(", ");
        let base = match k {
            DbKind::Postgres => "CAST($2 AS BIGINT)".to_string(),
            _ => "?".to_string(),
        };
        format!(
            "INSERT INTO {t} ({sk}, {c}, {vf}, {vt}, {ic}) \
             SELECT {base} + ROW_NUMBER() OVER (ORDER BY {order}), {sc}, {d}, NULL, TRUE FROM {s} s \
             WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE t.{ic} AND {on})",
            t = self.t,
            s = self.s,
            sk = quote(k, "sk"),
            vf = quote(k, "valid_from"),
            vt = quote(k, "valid_to"),
            ic = quote(k, "is_current"),
            d = self.date_param(1),
            on = equal(k, "t", "s", keys),
        )
    }

    /// The `n`-th bound parameter as a date.
    fn date_param(&self, n: usize) -> String {
        match self.kind {
            DbKind::Postgres => format!("CAST(${n} AS DATE)"),
            DbKind::Mysql => "CAST(? AS DATE)".into(),
            DbKind::Sqlite => "?".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_with_the_quote_doubled() {
        assert_eq!(quote(DbKind::Postgres, "a\"; drop table x; --"), "\"a\"\"; drop table x; --\"");
        assert_eq!(quote(DbKind::Mysql, "a`b"), "`a``b`");
        let t = TableName { schema: Some("dw".into()), name: "客户".into() };
        assert_eq!(table(DbKind::Sqlite, &t), "\"dw\".\"客户\"");
    }

    #[test]
    fn key_strings_get_a_length_in_mysql() {
        assert_eq!(column_type(DbKind::Mysql, DataType::String, true), "VARCHAR(255)");
        assert_eq!(column_type(DbKind::Mysql, DataType::String, false), "TEXT");
        assert_eq!(column_type(DbKind::Postgres, DataType::Decimal(18, 2), false), "NUMERIC(18,2)");
    }
}
