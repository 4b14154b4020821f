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
        // Every keyword may build a level of the tree (`XOR`, `AT TIME ZONE`,
        // `COLLATE`, `OVERLAPS` as much as `AND`): count them all, so no
        // operator the parser knows can make a chain the count does not see.
        Token::Word(w) => w.keyword != Keyword::NoKeyword,
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
    use crate::expr::{Scope, check as check_expr};
    use crate::sqlcheck::check as check_sql;
    use std::collections::BTreeMap;

    /// Runs `f` on a 1 MiB stack, the browser's; a stack overflow aborts the test binary.
    fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().expect("no stack overflow")
    }

    fn expr_errors(text: &str) -> Vec<String> {
        check_expr(text, &Scope { schema: None, params: &BTreeMap::new() }).errors
    }

    /// Fuzzing finding: a long operator chain parsed into a tree so deep that
    /// checking it overflowed the stack and aborted the process.
    #[test]
    fn long_expression_chains_are_refused_not_a_stack_overflow() {
        let e = small_stack(|| expr_errors(&format!("amount{}", " + amount".repeat(20_000))));
        assert!(e.len() == 1 && e[0].contains("too complex") && e[0].contains("20000 operators"), "{e:?}");
        assert!(expr_errors(&format!("amount{} > 0", " + amount".repeat(400))).is_empty());
    }

    /// The same for `transform.sql`: `SELECT 1 + 1 + …` and long UNION chains.
    #[test]
    fn long_sql_chains_are_refused_not_a_stack_overflow() {
        for q in [
            format!("SELECT 1{} FROM txns", " + 1".repeat(30_000)),
            format!("SELECT a FROM txns{}", " UNION SELECT a FROM txns".repeat(30_000)),
        ] {
            let e = small_stack(move || check_sql(&q, &["txns"], &|_| false));
            assert!(e.len() == 1 && e[0].contains("too complex"), "{e:?}");
        }
        assert!(check_sql(&format!("SELECT 1{} FROM txns", " + 1".repeat(900)), &["txns"], &|_| false).is_empty());
    }

    /// Keyword operators the first count missed (found in review): `XOR`,
    /// `AT TIME ZONE`, `COLLATE` build left-nested trees like `+`.
    #[test]
    fn keyword_operator_chains_are_refused_too() {
        for tail in [" XOR amount", " AT TIME ZONE 'UTC'", " COLLATE \"C\""] {
            let e = small_stack(move || expr_errors(&format!("amount{}", tail.repeat(20_000))));
            assert!(e.len() == 1 && e[0].contains("too complex"), "{tail}: {e:?}");
        }
    }

    #[test]
    fn counts_operators_not_literals() {
        assert!(check("a + b * (c - 1) AND x IN ('p', 'q', '') OR NOT y", 10).is_ok());
        assert!(check("a + b * (c - 1) AND x IN ('p', 'q') OR NOT y", 8).is_err());
        assert!(check(&format!("x IN ({})", vec!["1"; 5000].join(", ")), 10).is_ok(), "long lists are flat");
        assert!(check("'unterminated", 0).is_ok(), "left to the parser");
    }
}
