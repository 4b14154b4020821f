//! The review page's "Databases in prod": every table node of the submitted
//! version, the connection its name leads to where the version will run, and
//! the table it reads or writes. A name that leads nowhere is flagged.

use super::connection_form::{default_port, is_networked, kind_label};
use crate::api::connections::{Access, ConnectionUse, ProdConnection};
use crate::i18n::{t, tf};
use leptos::prelude::*;

fn target(c: &ProdConnection) -> String {
    if !is_networked(c.kind) {
        return tf("review_uses.file", &[("kind", kind_label(c.kind)), ("file", &c.database)]);
    }
    let port = c.port.or(default_port(c.kind).map(i64::from)).map(|p| format!(":{p}")).unwrap_or_default();
    format!("{} · {}{port}/{}", kind_label(c.kind), c.host.clone().unwrap_or_default(), c.database)
}

#[component]
pub fn ConnectionUses(uses: Vec<ConnectionUse>) -> impl IntoView {
    (!uses.is_empty()).then(|| {
        let rows = uses
            .into_iter()
            .map(|u| {
                let what = match (&u.table, u.query) {
                    (_, true) => t("review_uses.own_query").to_string(),
                    (Some(t), _) => t.clone(),
                    (None, _) => "—".to_string(),
                };
                let (access, class) = match u.access {
                    Access::Read => (t("review_uses.reads"), ""),
                    Access::Write => (t("review_uses.writes"), "strong"),
                };
                let leads = match &u.resolved {
                    Some(c) if c.name == u.connection => target(c),
                    Some(c) => format!("{} → {}", c.name, target(c)),
                    None => t("review_uses.no_connection").to_string(),
                };
                let missing = u.resolved.is_none();
                view! {
                    <tr data-testid="review-connection" data-node=u.node.clone() class:problem-row=missing>
                        <td><code>{u.node.clone()}</code></td>
                        <td class=class>{access}</td>
                        <td class="code">{what}</td>
                        <td><b>{u.connection.clone()}</b></td>
                        <td class:field-problem=missing>{leads}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="review-section" data-testid="review-connections">
                <h2>{t("review_uses.databases_in_prod")}</h2>
                <p class="muted">{t("review_uses.where_this_version_reads_and")}</p>
                <table class="data-table">
                    <thead><tr><th>{t("review_tables.node")}</th><th></th><th>{t("field.table")}</th><th>{t("field.connection")}</th><th>{t("review_uses.leads_to_in_prod")}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}
