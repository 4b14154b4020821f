//! Expression mistakes in words, and the function catalogue. A syntax error
//! is explained from the expression's own tokens ("a value is missing after
//! `/`"), never in the parser's terms ("Expected: an expression, found: /");
//! an unknown function gets a "did you mean". The editor's formula helper
//! lists [`FUNCTIONS`]; the server says the same as the browser because both
//! call this module.

#[cfg(feature = "sql")]
use sqlparser::dialect::GenericDialect;
#[cfg(feature = "sql")]
use sqlparser::tokenizer::{Token, Tokenizer};

/// The scalar functions an expression may call: name, arguments, what it gives.
pub const FUNCTIONS: &[(&str, &str, &str)] = &[
    ("abs", "abs(x)", "the value without its sign"),
    ("round", "round(x, digits)", "x rounded to `digits` decimals"),
    ("trunc", "trunc(x, digits)", "x cut to `digits` decimals"),
    ("ceil", "ceil(x)", "the smallest whole number not below x"),
    ("floor", "floor(x)", "the largest whole number not above x"),
    ("sqrt", "sqrt(x)", "square root"),
    ("power", "power(x, y)", "x to the power y"),
    ("pow", "pow(x, y)", "x to the power y"),
    ("exp", "exp(x)", "e to the power x"),
    ("ln", "ln(x)", "natural logarithm"),
    ("log10", "log10(x)", "base-10 logarithm"),
    ("log2", "log2(x)", "base-2 logarithm"),
    ("log", "log(base, x)", "logarithm in a base"),
    ("coalesce", "coalesce(a, b, ...)", "the first value that is not empty"),
    ("nullif", "nullif(a, b)", "empty when a equals b, else a"),
    ("greatest", "greatest(a, b, ...)", "the largest value"),
    ("least", "least(a, b, ...)", "the smallest value"),
    ("upper", "upper(text)", "text in capitals"),
    ("lower", "lower(text)", "text in small letters"),
    ("initcap", "initcap(text)", "each word capitalised"),
    ("trim", "trim(text)", "text without surrounding spaces"),
    ("ltrim", "ltrim(text)", "text without leading spaces"),
    ("rtrim", "rtrim(text)", "text without trailing spaces"),
    ("btrim", "btrim(text, chars)", "text without surrounding `chars`"),
    ("replace", "replace(text, from, to)", "every `from` replaced by `to`"),
    ("concat", "concat(a, b, ...)", "texts joined"),
    ("concat_ws", "concat_ws(sep, a, b, ...)", "texts joined with a separator"),
    ("substr", "substr(text, start, length)", "part of a text (start at 1)"),
    ("substring", "substring(text, start, length)", "part of a text (start at 1)"),
    ("left", "left(text, n)", "the first n characters"),
    ("right", "right(text, n)", "the last n characters"),
    ("lpad", "lpad(text, n, fill)", "text padded on the left to n characters"),
    ("rpad", "rpad(text, n, fill)", "text padded on the right to n characters"),
    ("reverse", "reverse(text)", "text backwards"),
    ("repeat", "repeat(text, n)", "text repeated n times"),
    ("split_part", "split_part(text, sep, n)", "the n-th piece of text split at `sep`"),
    ("length", "length(text)", "number of characters"),
    ("char_length", "char_length(text)", "number of characters"),
    ("character_length", "character_length(text)", "number of characters"),
    ("strpos", "strpos(text, part)", "where `part` starts in text (0: absent)"),
    ("to_char", "to_char(date, format)", "a date or time as text"),
    ("date_part", "date_part('year', date)", "a part of a date as a number"),
    ("date_trunc", "date_trunc('month', date)", "a date cut to the start of a period"),
    ("to_timestamp", "to_timestamp(text)", "text read as a timestamp"),
    ("to_date", "to_date(text)", "text read as a date"),
    ("make_date", "make_date(year, month, day)", "a date from its parts"),
    ("current_date", "current_date()", "today's date"),
    ("now", "now()", "the current time"),
];

/// A close spelling of `name` among `candidates`.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .map(|c| (c, crate::types::edit_distance(c, &lower)))
        .filter(|(c, d)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min_by_key(|(_, d)| *d)
        .map(|(c, _)| c)
}

/// "unknown function `sume`; did you mean `sum`?" style message for a function not in the catalogue.
pub fn unknown_function(name: &str) -> String {
    match closest(name, FUNCTIONS.iter().map(|f| f.0)) {
        Some(s) => format!("unknown function `{name}`; did you mean `{s}`?"),
        None => format!("unknown function `{name}` (see the function list in the formula helper)"),
    }
}

#[cfg(feature = "sql")]
fn is_operator(t: &Token) -> bool {
    matches!(
        t,
        Token::Plus
            | Token::Minus
            | Token::Mul
            | Token::Div
            | Token::Mod
            | Token::Eq
            | Token::DoubleEq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::StringConcat
            | Token::Comma
    ) || word_op(t)
}

#[cfg(feature = "sql")]
fn word_op(t: &Token) -> bool {
    match t {
        Token::Word(w) => {
            let k = w.value.to_ascii_uppercase();
            matches!(k.as_str(), "AND" | "OR" | "LIKE" | "IN" | "BETWEEN" | "IS" | "NOT")
        }
        _ => false,
    }
}

#[cfg(feature = "sql")]
/// An operator that may start a value (`-5`, `NOT x`).
fn is_prefix(t: &Token) -> bool {
    matches!(t, Token::Minus | Token::Plus) || matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case("NOT"))
}

#[cfg(feature = "sql")]
/// The expression's mistake in words, from its tokens; `parser` is the parser's
/// own message, used only to say where when no plainer reading is found.
pub fn syntax(text: &str, parser: &str) -> String {
    let tokens = match Tokenizer::new(&GenericDialect {}, text).tokenize() {
        Ok(t) => t,
        Err(e) => {
            let m = e.to_string();
            return if m.contains("Unterminated string") || m.contains("unterminated") {
                "a text value is not closed: add the closing `'`".into()
            } else {
                format!("the expression cannot be read: {}", m.split(" at Line").next().unwrap_or(&m))
            };
        }
    };
    let toks: Vec<Token> = tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    if let Some(m) = brackets(&toks) {
        return m;
    }
    for (i, t) in toks.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let star_arg = *t == Token::Mul && prev == Some(&Token::LParen) && toks.get(i + 1) == Some(&Token::RParen);
        if is_operator(t) && !is_prefix(t) && !star_arg {
            match prev {
                None => return format!("a value is missing before `{t}`"),
                Some(p) if (is_operator(p) && !word_op(p)) || *p == Token::LParen => {
                    return format!("a value is missing between `{p}` and `{t}`");
                }
                _ => {}
            }
        }
        if *t == Token::RParen && prev == Some(&Token::Comma) {
            return "a value is missing after `,`".into();
        }
    }
    if let Some(last) = toks.last()
        && (is_operator(last) || is_prefix(last))
    {
        return format!("a value is missing after `{last}`");
    }
    near(parser)
}

#[cfg(feature = "sql")]
/// Parentheses that do not pair up.
fn brackets(toks: &[Token]) -> Option<String> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                if depth == 0 {
                    return Some("`)` closes nothing: an opening `(` is missing".into());
                }
                if i > 0 && toks[i - 1] == Token::LParen && !matches!(toks.get(i.wrapping_sub(2)), Some(Token::Word(_)))
                {
                    return Some("a value is missing inside `()`".into());
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    (depth > 0).then(|| format!("{depth} `(` not closed: add `)`"))
}

#[cfg(feature = "sql")]
/// The last resort: where the parser stopped, without its grammar words.
fn near(parser: &str) -> String {
    match parser.split_once("found: ") {
        Some((_, found)) => {
            let found = found.split(" at Line").next().unwrap_or(found).trim();
            if found == "EOF" {
                "the expression ends too early: something is missing at the end".into()
            } else {
                format!("`{found}` is not expected there")
            }
        }
        None => "the expression cannot be read".into(),
    }
}

/// Two values with nothing between them (`amount 100`).
pub fn dangling(after: &str, next: &str) -> String {
    format!("`{next}` follows `{after}` with nothing between: an operator (+, -, =, AND ...) or a comma is missing")
}

#[cfg(all(test, feature = "sql"))]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn err(text: &str) -> String {
        parse(text).unwrap_err()
    }

    #[test]
    fn syntax_errors_read_in_words() {
        assert_eq!(err("amount /"), "a value is missing after `/`");
        assert_eq!(err("amount >"), "a value is missing after `>`");
        assert_eq!(err("amount > 1 AND"), "a value is missing after `AND`");
        assert_eq!(err("* 2"), "a value is missing before `*`");
        assert_eq!(err("amount * / 2"), "a value is missing between `*` and `/`");
        assert_eq!(err("round(amount, 2"), "1 `(` not closed: add `)`");
        assert_eq!(err("amount)"), "`)` closes nothing: an opening `(` is missing");
        assert_eq!(err("branch = 'north"), "a text value is not closed: add the closing `'`");
        assert_eq!(err("coalesce(amount, , 1)"), "a value is missing between `,` and `,`");
        assert!(err("amount 100").contains("nothing between"), "{}", err("amount 100"));
        for e in ["amount /", "amount >", "round(amount, 2", "amount 100", "CASE WHEN"] {
            assert!(!err(e).contains("Expected"), "{e}: {}", err(e));
        }
        // A negative number and NOT are values, not mistakes.
        assert!(parse("-amount > -5").is_ok());
        assert!(parse("NOT (amount > 5)").is_ok());
    }

    #[test]
    fn unknown_functions_get_a_did_you_mean() {
        assert_eq!(unknown_function("uper"), "unknown function `uper`; did you mean `upper`?");
        assert_eq!(unknown_function("rnd"), "unknown function `rnd`; did you mean `round`?");
        assert!(unknown_function("frobnicate").starts_with("unknown function `frobnicate` (see"));
    }
}
