//! Names the generated project uses: executor classes, environment variables, and the input
//! names whose literal values are credentials that must not be carried over.

/// `answer_question` → `AnswerQuestionExecutor`.
pub fn executor_class(name: &str) -> String {
    let mut class = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                class.push(c.to_ascii_uppercase());
            } else {
                class.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if class.is_empty() || class.starts_with(|c: char| c.is_ascii_digit()) {
        class.insert_str(0, "Node");
    }
    class.push_str("Executor");
    class
}

/// `open_ai_connection` → `OPEN_AI_CONNECTION`.
pub fn env_prefix(name: &str) -> String {
    let mut prefix: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if prefix.starts_with(|c: char| c.is_ascii_digit()) {
        prefix.insert(0, '_');
    }
    prefix
}

/// Input names whose literal value would be a credential (`api_key`, `password`, …).
pub(super) fn looks_secret(input: &str) -> bool {
    let input = input.to_ascii_lowercase();
    [
        "key",
        "secret",
        "password",
        "token",
        "api_key",
        "access_key",
        "sas",
    ]
    .iter()
    .any(|word| input == *word || input.ends_with(&format!("_{word}")))
        || input.contains("password")
        || input.contains("secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names() {
        assert!(looks_secret("api_key"));
        assert!(looks_secret("subscription_key"));
        assert!(looks_secret("db_password"));
        assert!(!looks_secret("max_tokens"));
        assert!(!looks_secret("top_k"));
        assert!(!looks_secret("keywords"));
    }

    #[test]
    fn class_and_variable_names() {
        assert_eq!(
            executor_class("answer_the_question"),
            "AnswerTheQuestionExecutor"
        );
        assert_eq!(executor_class("3rd"), "Node3rdExecutor");
        assert_eq!(env_prefix("open-ai.conn"), "OPEN_AI_CONN");
    }
}
