//! `PREM_<TABLE>_<KEY>` environment variables over `prem.toml`: every key of our tables, with
//! or without a default, can be set this way, typed by its default (or, for optional keys, by
//! `OPTIONAL_KEYS`).

use anyhow::{bail, Result};

use super::Config;

/// `PREM_SITE_BASE_URL=…` sets `site.base_url`: the word after `PREM_` names
/// the table and the rest the key. Comma-separated values fill lists.
pub(super) fn apply_env_override(table: &mut toml::Table, key: &str, value: &str) -> Result<()> {
    let Some(rest) = key.strip_prefix("PREM_") else {
        return Ok(());
    };
    let Some((section, field)) = rest.split_once('_') else {
        return Ok(());
    };
    let section = section.to_ascii_lowercase();
    let field = field.to_ascii_lowercase();
    let Some(default) = default_value(&section, &field) else {
        if let Some(keys) = table_keys(&section) {
            bail!(
                "{key}: [{section}] has no key \"{field}\" (its keys: {}); unset the variable or fix its name",
                keys.join(", ")
            );
        }
        // PREM_ENV and friends are read elsewhere; unknown names are not ours.
        return Ok(());
    };
    let trimmed = value.trim_start();
    let parsed = match default {
        // Lists of tables ([[kiosk.recipients]], [[inbox.kiosks]]) and explicit lists are
        // written as TOML: PREM_INBOX_KIOSKS='[{name="k1", url="http://…", token_file="…"}]';
        // so are small tables, as an inline table: PREM_MEETINGS_EXTRAORDINARY='{ hours = 24 }'.
        toml::Value::Array(_) | toml::Value::Table(_) if trimmed.starts_with(['[', '{']) => {
            let doc = format!("v = {value}");
            doc.parse::<toml::Table>()
                .ok()
                .and_then(|mut t| t.remove("v"))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{key}: \"{value}\" is not a TOML list or inline table (write \
                         [\"a\", \"b\"], [{{name = \"x\", …}}], {{hours = 24}}, or a \
                         comma-separated list of words)"
                    )
                })?
        }
        toml::Value::Boolean(_) => match value {
            "1" | "true" | "yes" => toml::Value::Boolean(true),
            "0" | "false" | "no" => toml::Value::Boolean(false),
            _ => bail!("{key}: expected true or false, got \"{value}\""),
        },
        toml::Value::Integer(_) => toml::Value::Integer(
            value
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{key}: expected a whole number, got \"{value}\""))?,
        ),
        toml::Value::Array(_) => toml::Value::Array(
            value
                .split(',')
                .map(|s| toml::Value::String(s.trim().to_string()))
                .collect(),
        ),
        _ => toml::Value::String(value.to_string()),
    };
    let entry = table
        .entry(section)
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(t) = entry {
        t.insert(field, parsed);
    }
    Ok(())
}

/// Keys with no default value (optional settings), with a value of their type, so that the
/// environment can set them too.
pub(super) const OPTIONAL_KEYS: [(&str, &str); 2] =
    [("inbox", "passphrase_file"), ("notify", "password_file")];

/// Every key of a table of `prem.toml`, or `None` for a name that is not one of our tables.
fn table_keys(section: &str) -> Option<Vec<String>> {
    let defaults = toml::Value::try_from(Config::default()).ok()?;
    let mut keys: Vec<String> = defaults.get(section)?.as_table()?.keys().cloned().collect();
    keys.extend(
        OPTIONAL_KEYS
            .iter()
            .filter(|(s, _)| *s == section)
            .map(|(_, k)| k.to_string()),
    );
    keys.sort();
    Some(keys)
}

/// The default value of `section.field`, which tells the override its type.
fn default_value(section: &str, field: &str) -> Option<toml::Value> {
    if OPTIONAL_KEYS.contains(&(section, field)) {
        return Some(toml::Value::String(String::new()));
    }
    let defaults = toml::Value::try_from(Config::default()).ok()?;
    defaults.get(section)?.get(field).cloned()
}
