//! "Database health" for admins: the slowest statements, how tables are read, what waits for
//! vacuum, and the connections in use. Read-only; reload for fresh numbers.

use leptos::prelude::*;

use crate::api::database_health::{read_database_health, DatabaseHealth, QueryStat, TableHealth};
use crate::components::page::Page;
use crate::error::AppError;

#[component]
pub fn DatabaseHealthPage() -> impl IntoView {
    let health = Resource::new(|| (), |_| read_database_health());
    view! {
        <Page path="/admin/database">
            <h1 class="text-3xl font-semibold">"Database health"</h1>
            <p class="mt-1 text-slate-600">
                "Counted since the database statistics were last reset. Reload the page for fresh numbers."
            </p>
            <Transition fallback=|| {
                view! { <p class="mt-6">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    let health = health.await?;
                    Ok::<_, AppError>(view! { <HealthReport health /> })
                })}
            </Transition>
        </Page>
    }
}

const CELL: &str = "border-b border-slate-200 px-2 py-1 text-left align-top";

#[component]
fn HealthReport(health: DatabaseHealth) -> impl IntoView {
    let in_use: i64 = health.connections.iter().map(|c| c.count).sum();
    let waiting: Vec<String> = health.tables.iter().filter(|t| t.waiting_for_vacuum).map(|t| t.table.clone()).collect();
    let unused = if health.unused_indexes.is_empty() {
        "Every index has been used.".to_string()
    } else {
        health
            .unused_indexes
            .iter()
            .map(|i| format!("{} on {} ({})", i.index, i.table, i.size))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <section class="mt-6" aria-labelledby="connections-heading">
            <h2 id="connections-heading" class="text-xl font-semibold">
                "Connections"
            </h2>
            <p class="mt-1" data-testid="connections">
                {format!("{in_use} of at most {} connections: ", health.max_connections)}
                {health.connections.iter().map(|c| format!("{} {}", c.count, c.state)).collect::<Vec<_>>().join(", ")}
            </p>
            <p class="mt-1">
                {if waiting.is_empty() {
                    "No table is waiting for vacuum.".to_string()
                } else {
                    format!("Waiting for vacuum: {}.", waiting.join(", "))
                }}
            </p>
            <p class="mt-1">"Indexes never used: " {unused}</p>
        </section>
        <TopQueries queries=health.top_queries />
        <TablesTable tables=health.tables />
    }
}

#[component]
fn TopQueries(queries: Option<Vec<QueryStat>>) -> impl IntoView {
    let body = match queries {
        None => {
            view! {
                <p class="mt-1 text-slate-700" data-testid="statements-off">
                    "Statement statistics are off: this database server does not load pg_stat_statements (the README says how to turn it on)."
                </p>
            }
                .into_any()
        }
        Some(queries) => {
            view! {
                <div class="mt-2 overflow-x-auto">
                    <table class="w-full text-sm" data-testid="top-queries">
                        <thead>
                            <tr>
                                <th scope="col" class=CELL>
                                    "Statement"
                                </th>
                                <th scope="col" class=CELL>
                                    "Calls"
                                </th>
                                <th scope="col" class=CELL>
                                    "Total ms"
                                </th>
                                <th scope="col" class=CELL>
                                    "Mean ms"
                                </th>
                            </tr>
                        </thead>
                        <tbody>
                            {queries
                                .into_iter()
                                .map(|q| {
                                    view! {
                                        <tr>
                                            <td class=CELL>
                                                <code class="text-xs break-all">{q.query}</code>
                                            </td>
                                            <td class=CELL>{q.calls}</td>
                                            <td class=CELL>{format!("{:.1}", q.total_ms)}</td>
                                            <td class=CELL>{format!("{:.2}", q.mean_ms)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
                .into_any()
        }
    };
    view! {
        <section class="mt-8" aria-labelledby="queries-heading">
            <h2 id="queries-heading" class="text-xl font-semibold">
                "Top statements by total time"
            </h2>
            {body}
        </section>
    }
}

#[component]
fn TablesTable(tables: Vec<TableHealth>) -> impl IntoView {
    view! {
        <section class="mt-8" aria-labelledby="tables-heading">
            <h2 id="tables-heading" class="text-xl font-semibold">
                "Tables"
            </h2>
            <div class="mt-2 overflow-x-auto">
                <table class="w-full text-sm" data-testid="tables">
                    <thead>
                        <tr>
                            <th scope="col" class=CELL>
                                "Table"
                            </th>
                            <th scope="col" class=CELL>
                                "Rows"
                            </th>
                            <th scope="col" class=CELL>
                                "Dead rows"
                            </th>
                            <th scope="col" class=CELL>
                                "Read by index"
                            </th>
                            <th scope="col" class=CELL>
                                "Last vacuum"
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {tables
                            .into_iter()
                            .map(|t| {
                                let index_use = t
                                    .index_use_percent()
                                    .map_or("no reads".to_string(), |p| format!("{p} %"));
                                view! {
                                    <tr>
                                        <th scope="row" class=CELL>
                                            {t.table}
                                        </th>
                                        <td class=CELL>{t.live_rows}</td>
                                        <td class=CELL>{t.dead_rows}</td>
                                        <td class=CELL>{index_use}</td>
                                        <td class=CELL>{t.last_vacuum.unwrap_or_else(|| "never".to_string())}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
