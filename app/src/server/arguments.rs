//! Which argument made a server-function call undecodable. The framework only passes on serde's
//! message ("invalid character: found `n`"), so the gate decodes the body once more, the way the
//! framework does, tracking the path to the value that failed.

use serde::de::DeserializeOwned;

/// The dotted path of the first argument that does not decode as `Arguments` (a form body as
/// the framework reads it, or JSON), or None when the body decodes or no field is to blame.
pub fn undecodable_field<Arguments: DeserializeOwned>(content_type: &str, body: &[u8]) -> Option<String> {
    let path = if content_type.starts_with("application/json") {
        let mut json = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize::<_, Arguments>(&mut json).err()?.path().to_string()
    } else {
        // The settings the framework's form codec uses (depth 5, lenient).
        let config = serde_qs::Config::new(5, false);
        let form = serde_qs::Deserializer::with_config(&config, body).ok()?;
        serde_path_to_error::deserialize::<_, Arguments>(form).err()?.path().to_string()
    };
    // "." is the whole body (it is not an object at all): no one field to name.
    (path != ".").then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Args {
        appointment_id: uuid::Uuid,
        when: chrono::NaiveDate,
        form: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        age: u8,
    }

    #[test]
    fn the_failing_argument_is_named() {
        let id = "4f9d2b1c-7a0e-4c1b-9a59-2f7f4b8b2c11";
        let form = format!("appointment_id={id}&when=31/12/2026&form[age]=3");
        assert_eq!(
            undecodable_field::<Args>("application/x-www-form-urlencoded", form.as_bytes()).as_deref(),
            Some("when")
        );
        let json = format!(r#"{{"appointment_id":"{id}","when":"2026-12-31","form":{{"age":-1}}}}"#);
        assert_eq!(undecodable_field::<Args>("application/json", json.as_bytes()).as_deref(), Some("form.age"));
        let good = format!(r#"{{"appointment_id":"{id}","when":"2026-12-31","form":{{"age":1}}}}"#);
        assert_eq!(undecodable_field::<Args>("application/json", good.as_bytes()), None);
    }
}
