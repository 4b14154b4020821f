//! The option lists of the config form's `<select>`s: the values come from the
//! shared config enums (`ALL`, `as_str`), never copied; the labels are the
//! catalogue's words for them in the current language. A value is written to
//! the config as it is; only what the user reads is translated.

use crate::i18n::t;
use sluice_shared::check::{RuleKind, RuleLevel};
use sluice_shared::config::{AggFn, ChartKind, ENCODINGS, JoinHow, TableMode};

/// One option: the config word and the label shown for it.
pub type Choice = (&'static str, &'static str);

/// An option list, built when the form is drawn (so labels follow the language).
pub type Choices = fn() -> Vec<Choice>;

/// Encodings are names (`utf-8`, `gbk`), the same in every language.
pub fn encodings() -> Vec<Choice> {
    ENCODINGS.iter().map(|e| (*e, *e)).collect()
}

pub fn join_kinds() -> Vec<Choice> {
    JoinHow::ALL.iter().map(|j| (j.as_str(), join_label(*j))).collect()
}

pub fn chart_kinds() -> Vec<Choice> {
    ChartKind::ALL.iter().map(|c| (c.as_str(), chart_label(*c))).collect()
}

pub fn agg_fns() -> Vec<Choice> {
    AggFn::ALL.iter().map(|a| (a.as_str(), agg_label(*a))).collect()
}

pub fn rule_kinds() -> Vec<Choice> {
    RuleKind::ALL.iter().map(|k| (k.as_str(), rule_kind_label(*k))).collect()
}

pub fn rule_levels() -> Vec<Choice> {
    RuleLevel::ALL.iter().map(|l| (l.as_str(), rule_level_label(*l))).collect()
}

pub fn table_modes() -> Vec<Choice> {
    TableMode::ALL.iter().map(|m| (m.as_str(), table_mode_label(*m))).collect()
}

fn join_label(j: JoinHow) -> &'static str {
    match j {
        JoinHow::Inner => t("option.join_inner"),
        JoinHow::Left => t("option.join_left"),
        JoinHow::Right => t("option.join_right"),
        JoinHow::Full => t("option.join_full"),
        JoinHow::Semi => t("option.join_semi"),
        JoinHow::Anti => t("option.join_anti"),
    }
}

fn chart_label(c: ChartKind) -> &'static str {
    match c {
        ChartKind::Table => t("reports.chart_table"),
        ChartKind::Bar => t("reports.chart_bar"),
        ChartKind::Line => t("reports.chart_line"),
        ChartKind::Area => t("reports.chart_area"),
        ChartKind::Pie => t("reports.chart_pie"),
        ChartKind::Kpi => t("reports.chart_kpi"),
        ChartKind::Pivot => t("reports.chart_pivot"),
    }
}

/// An aggregate in words (also the model wizard's measures).
pub fn agg_label(a: AggFn) -> &'static str {
    match a {
        AggFn::Sum => t("explore.agg_sum"),
        AggFn::Avg => t("explore.agg_avg"),
        AggFn::Min => t("explore.agg_min"),
        AggFn::Max => t("explore.agg_max"),
        AggFn::Count => t("explore.agg_count"),
        AggFn::CountDistinct => t("model.count_distinct"),
    }
}

fn rule_kind_label(k: RuleKind) -> &'static str {
    match k {
        RuleKind::NotNull => t("option.rule_not_null"),
        RuleKind::Unique => t("option.rule_unique"),
        RuleKind::In => t("option.rule_in"),
        RuleKind::Between => t("option.rule_between"),
        RuleKind::Matches => t("option.rule_matches"),
        RuleKind::Expr => t("option.rule_expr"),
        RuleKind::RowCount => t("option.rule_row_count"),
        RuleKind::Reconcile => t("option.rule_reconcile"),
    }
}

fn rule_level_label(l: RuleLevel) -> &'static str {
    match l {
        RuleLevel::Error => t("option.level_error"),
        RuleLevel::Warn => t("option.level_warn"),
    }
}

fn table_mode_label(m: TableMode) -> &'static str {
    match m {
        TableMode::Replace => t("option.mode_replace"),
        TableMode::Append => t("option.mode_append"),
        TableMode::Merge => t("option.mode_merge"),
        TableMode::ReplacePartition => t("option.mode_replace_partition"),
        TableMode::Scd1 => t("option.mode_scd1"),
        TableMode::Scd2 => t("option.mode_scd2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list offers exactly the enum's words, in its order, each with a label.
    #[test]
    fn values_are_the_enum_words_and_every_one_has_a_label() {
        let lists: [(Choices, Vec<&str>); 6] = [
            (join_kinds, JoinHow::NAMES.to_vec()),
            (chart_kinds, ChartKind::NAMES.to_vec()),
            (agg_fns, AggFn::NAMES.to_vec()),
            (rule_kinds, RuleKind::NAMES.to_vec()),
            (rule_levels, RuleLevel::NAMES.to_vec()),
            (table_modes, TableMode::ALL.iter().map(|m| m.as_str()).collect()),
        ];
        for (list, names) in lists {
            let got = list();
            assert_eq!(got.iter().map(|c| c.0).collect::<Vec<_>>(), names);
            for (value, label) in got {
                assert!(!label.is_empty() && !label.starts_with("option."), "`{value}` has no label: {label}");
            }
        }
        assert_eq!(encodings().iter().map(|c| c.0).collect::<Vec<_>>(), ENCODINGS.to_vec());
    }

    /// Chinese labels differ from the config words (the point of the lists),
    /// while the values written stay the words.
    #[test]
    fn chinese_labels_are_translated() {
        let zh = |k: &str| sluice_shared::i18n::t(sluice_shared::i18n::Lang::ZhCn, k);
        assert_ne!(zh("option.join_left"), "left");
        assert_ne!(zh("option.rule_not_null"), "not_null");
        assert_ne!(zh("option.level_warn"), "warn");
        assert_ne!(zh("explore.agg_sum"), "sum");
    }
}
