//! `server create-admin`: the first administrator of a production install.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use app::domain::email::Email;
use app::server::password::{check_chosen_password, hash_password};
use sqlx::PgPool;

use crate::cli::CreateAdminArgs;

pub async fn create_admin(pool: &PgPool, args: CreateAdminArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let first_name = args.first_name.trim();
    let last_name = args.last_name.trim();
    if first_name.is_empty() || last_name.is_empty() {
        bail!("--first-name and --last-name must not be empty");
    }
    let password = read_password(args.password_stdin)?;
    check_chosen_password(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let password_hash = hash_password(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    let inserted = sqlx::query_scalar!(
        r#"
        insert into users (email, password_hash, role, first_name, last_name)
        values ($1, $2, 'Admin', $3, $4)
        on conflict (email) do nothing
        returning user_id
        "#,
        email.as_str(),
        password_hash,
        first_name,
        last_name,
    )
    .fetch_optional(pool)
    .await
    .context("could not create the administrator")?;

    match inserted {
        Some(user_id) => {
            println!("created administrator {email} ({user_id})");
            Ok(())
        }
        None => bail!("an account with the email {email} already exists; nothing was changed"),
    }
}

/// From the terminal: asked twice, never echoed. Otherwise: the first line of stdin, so
/// scripts can pipe it from a secret store without it appearing in the process list.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("New administrator password: ")?;
    let second = rpassword::prompt_password("Repeat the password: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}
