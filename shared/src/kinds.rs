//! The catalogue of node kinds: names, palette groups and input ports.
//! The editor's palette and the validator's arity checks both read it.

/// Where a kind sits in the palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Collection,
    Processing,
    Distribution,
}

/// How many edges an input port takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    pub name: &'static str,
    pub min: usize,
    /// `None` means no upper bound.
    pub max: Option<usize>,
}

const ONE_IN: &[Port] = &[Port { name: "in", min: 1, max: Some(1) }];
const JOIN_IN: &[Port] = &[Port { name: "left", min: 1, max: Some(1) }, Port { name: "right", min: 1, max: Some(1) }];
const UNION_IN: &[Port] = &[Port { name: "in", min: 2, max: None }];
const SQL_IN: &[Port] = &[Port { name: "in", min: 1, max: None }];
const CHECK_IN: &[Port] = &[Port { name: "in", min: 1, max: Some(1) }, Port { name: "against", min: 0, max: Some(1) }];

/// Every node kind of `sluice.graph/v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    SourceCsv,
    SourceParquet,
    SourceJson,
    SourceExcel,
    SourceTable,
    SourceDates,
    Filter,
    Select,
    Derive,
    Join,
    Union,
    Aggregate,
    Sort,
    Distinct,
    Limit,
    Sql,
    TransformCheck,
    SinkCsv,
    SinkParquet,
    SinkExcel,
    SinkTable,
    SinkReport,
}

impl NodeKind {
    pub const ALL: [NodeKind; 22] = [
        Self::SourceCsv,
        Self::SourceParquet,
        Self::SourceJson,
        Self::SourceExcel,
        Self::SourceTable,
        Self::SourceDates,
        Self::Filter,
        Self::Select,
        Self::Derive,
        Self::Join,
        Self::Union,
        Self::Aggregate,
        Self::Sort,
        Self::Distinct,
        Self::Limit,
        Self::Sql,
        Self::TransformCheck,
        Self::SinkCsv,
        Self::SinkParquet,
        Self::SinkExcel,
        Self::SinkTable,
        Self::SinkReport,
    ];

    /// The `kind` string in a graph document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SourceCsv => "source.csv",
            Self::SourceParquet => "source.parquet",
            Self::SourceJson => "source.json",
            Self::SourceExcel => "source.excel",
            Self::SourceTable => "source.table",
            Self::SourceDates => "source.dates",
            Self::Filter => "transform.filter",
            Self::Select => "transform.select",
            Self::Derive => "transform.derive",
            Self::Join => "transform.join",
            Self::Union => "transform.union",
            Self::Aggregate => "transform.aggregate",
            Self::Sort => "transform.sort",
            Self::Distinct => "transform.distinct",
            Self::Limit => "transform.limit",
            Self::Sql => "transform.sql",
            Self::TransformCheck => "transform.check",
            Self::SinkCsv => "sink.csv",
            Self::SinkParquet => "sink.parquet",
            Self::SinkExcel => "sink.excel",
            Self::SinkTable => "sink.table",
            Self::SinkReport => "sink.report",
        }
    }

    pub fn parse(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// A short human label for the palette.
    pub fn label(self) -> &'static str {
        match self {
            Self::SourceCsv => "CSV file",
            Self::SourceParquet => "Parquet file",
            Self::SourceJson => "JSON lines file",
            Self::SourceExcel => "Excel sheet",
            Self::SourceTable => "Database table",
            Self::SourceDates => "Dates",
            Self::Filter => "Filter",
            Self::Select => "Select columns",
            Self::Derive => "Formula",
            Self::Join => "Join",
            Self::Union => "Union",
            Self::Aggregate => "Aggregate",
            Self::Sort => "Sort",
            Self::Distinct => "Distinct",
            Self::Limit => "Limit",
            Self::Sql => "SQL",
            Self::TransformCheck => "Check",
            Self::SinkCsv => "CSV file",
            Self::SinkParquet => "Parquet file",
            Self::SinkExcel => "Excel workbook",
            Self::SinkTable => "Database table",
            Self::SinkReport => "Report",
        }
    }

    pub fn category(self) -> Category {
        let s = self.as_str();
        if s.starts_with("source.") {
            Category::Collection
        } else if s.starts_with("sink.") {
            Category::Distribution
        } else {
            Category::Processing
        }
    }

    /// The input ports and how many edges each takes.
    pub fn ports(self) -> &'static [Port] {
        match self.category() {
            Category::Collection => &[],
            Category::Distribution => ONE_IN,
            Category::Processing => match self {
                Self::Join => JOIN_IN,
                Self::Union => UNION_IN,
                Self::Sql => SQL_IN,
                Self::TransformCheck => CHECK_IN,
                _ => ONE_IN,
            },
        }
    }

    /// Whether this kind must see all its input before it emits a row
    /// (previews run these on a sample).
    pub fn is_blocking(self) -> bool {
        // A check counts its whole input (and `unique` compares every row).
        matches!(
            self,
            Self::Aggregate | Self::Sort | Self::Join | Self::Distinct | Self::Union | Self::Sql | Self::TransformCheck
        )
    }
}
