//! A size rule for expression and SQL text, checked on tokens before
//! anything is parsed. A chain like `a + a + … + a` parses into a tree one
//! level deep per operator, and checking, printing and dropping that tree all
//! recurse: about 3,000 operators overflowed a 1 MiB stack (the browser's) and
//! a few thousand more a server thread, which aborts the whole process.
//! Found by fuzzing (`fuzz/`).

use sqlparser::dialect::GenericDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Most operators and opening parentheses one expression may have.
pub const MAX_EXPR_OPERATORS: usize = 500;
/// Most operators and opening parentheses one `transform.sql` query may have.
pub const MAX_SQL_OPERATORS: usize = 1000;

/// Refuses `text` when it has more than `max` operators and opening
/// parentheses. Text that does not even tokenize passes: the parser names
/// that problem better.
pub fn check(text: &str, max: usize) -> Result<(), String> {
    let dialect = GenericDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, text).tokenize() else {
        return Ok(());
    };
    let n = tokens.iter().filter(|t| is_operator(t)).count();
    if n > max {
        return Err(format!("too complex: {n} operators and parentheses, at most {max}; split it over several nodes"));
    }
    Ok(())
}

fn is_operator(t: &Token) -> bool {
    match t {
        Token::Word(w) => matches!(
            w.keyword,
            Keyword::AND
                | Keyword::OR
                | Keyword::NOT
                | Keyword::IS
                | Keyword::IN
                | Keyword::LIKE
                | Keyword::ILIKE
                | Keyword::BETWEEN
                | Keyword::CASE
                | Keyword::WHEN
                | Keyword::UNION
                | Keyword::EXCEPT
                | Keyword::INTERSECT
                | Keyword::SELECT
        ),
        Token::Whitespace(_) | Token::Comma | Token::Period | Token::SemiColon | Token::EOF => false,
        Token::RParen | Token::RBracket | Token::RBrace => false,
        // Symbols (`+`, `||`, `::`, `(`, `[` …); literals and placeholders hold letters or digits.
        other => {
            let s = other.to_string();
            !s.is_empty() && s.chars().all(|c| c.is_ascii_punctuation())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_operators_not_literals() {
        assert!(check("a + b * (c - 1) AND x IN ('p', 'q', '') OR NOT y", 10).is_ok());
        assert!(check("a + b * (c - 1) AND x IN ('p', 'q') OR NOT y", 8).is_err());
        assert!(check(&format!("x IN ({})", vec!["1"; 5000].join(", ")), 10).is_ok(), "long lists are flat");
        assert!(check("'unterminated", 0).is_ok(), "left to the parser");
    }
}
