//! The demo's sample bank data, generated from a fixed seed so every install
//! gets the same files (and the same numbers in the example outputs). Only
//! integer arithmetic is used, so the output is identical on every platform.

use crate::engine::types::civil_from_days;

/// The last business date in the sample (the graphs' default `biz_date`).
pub const END_DATE: &str = "2026-11-24";
/// How many days of transactions, ending on [`END_DATE`].
pub const DAYS: i64 = 60;
pub const N_TRANSACTIONS: usize = 20_000;
pub const N_ACCOUNTS: usize = 2_000;
pub const N_CUSTOMERS: usize = 1_500;

/// splitmix64: tiny, fast and good enough for sample data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    /// True with probability `pct` percent.
    fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted<'a, T>(&mut self, xs: &'a [(T, u64)]) -> &'a T {
        let total: u64 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total);
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        &xs[xs.len() - 1].0
    }
}

/// code, name, city, region, manager, share of the business.
pub const BRANCHES: [(&str, &str, &str, &str, &str, u64); 12] = [
    ("B001", "Shanghai Lujiazui", "Shanghai", "East", "Zhou Min", 14),
    ("B002", "Shanghai Xujiahui", "Shanghai", "East", "Chen Jing", 11),
    ("B003", "Beijing Financial Street", "Beijing", "North", "Wang Lei", 13),
    ("B004", "Beijing Zhongguancun", "Beijing", "North", "Liu Yang", 9),
    ("B005", "Shenzhen Futian", "Shenzhen", "South", "Huang Tao", 11),
    ("B006", "Guangzhou Tianhe", "Guangzhou", "South", "Lin Xiulan", 9),
    ("B007", "Hangzhou West Lake", "Hangzhou", "East", "Xu Haoran", 8),
    ("B008", "Nanjing Xinjiekou", "Nanjing", "East", "Sun Jiahui", 6),
    ("B009", "Chengdu Chunxi Road", "Chengdu", "West", "Zhang Wei", 6),
    ("B010", "Wuhan Jianghan", "Wuhan", "Central", "Guo Peng", 5),
    ("B011", "Tianjin Heping", "Tianjin", "North", "Ma Lina", 4),
    ("B012", "Xi'an Yanta", "Xi'an", "West", "Gao Zhiwei", 4),
];

const OTHER_CITIES: [&str; 5] = ["Suzhou", "Ningbo", "Dongguan", "Qingdao", "Xiamen"];
const SURNAMES: [&str; 20] = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
    "He", "Lin", "Gao", "Luo",
];
const GIVEN: [&str; 25] = [
    "Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Jun", "Yong", "Yan", "Jie", "Tao", "Ming", "Chao", "Xiulan",
    "Xiaoming", "Haoran", "Yuxuan", "Zihan", "Jiahui", "Zhiwei", "Lina", "Xin", "Hui", "Peng",
];
const EN_FIRST: [&str; 10] =
    ["Emily", "James", "Olivia", "Daniel", "Sophie", "Michael", "Grace", "David", "Chloe", "Thomas"];
const EN_LAST: [&str; 10] = ["Smith", "Chan", "Wong", "Brown", "Taylor", "Lee", "Miller", "Davies", "Ng", "Evans"];
const FIRM: [&str; 10] =
    ["Huaxin", "Tianyu", "Jinqiao", "Ruifeng", "Boyuan", "Kaida", "Xinghe", "Longteng", "Mingde", "Hengtai"];
const TRADE: [&str; 8] =
    ["Trading", "Electronics", "Logistics", "Textiles", "Foods", "Machinery", "Software", "Pharmaceutical"];

struct Customer {
    segment: &'static str,
    branch: usize,
}

struct Account {
    customer: usize,
    branch: usize,
    status: &'static str,
}

/// The five demo files, as bytes (CSV text) or rows (the Excel sheet).
pub struct Demo {
    pub transactions: String,
    pub accounts: String,
    pub customers: String,
    pub branches: String,
    /// branch, daily limit (CNY), effective from (days since 1970).
    pub limits: Vec<(&'static str, i64, i64)>,
}

pub fn days(text: &str) -> i64 {
    i64::from(sluice_shared::types::parse_date_days(text).expect("a constant, valid date"))
}

pub fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `cents` as `-1234.56`.
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A CSV field, quoted only when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn line(out: &mut String, fields: &[&str]) {
    let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&cells.join(","));
    out.push('\n');
}

fn branch_weights() -> Vec<(usize, u64)> {
    BRANCHES.iter().enumerate().map(|(i, b)| (i, b.5)).collect()
}

/// Generates everything from the fixed seed.
pub fn generate() -> Demo {
    let mut rng = Rng(0x51A1_CE20_2611_2400);
    let end = days(END_DATE);
    let branch_w = branch_weights();

    let mut branches = String::from("branch,branch_name,city,region,manager\n");
    for b in BRANCHES {
        line(&mut branches, &[b.0, b.1, b.2, b.3, b.4]);
    }

    let (customers, customers_csv) = customers(&mut rng, &branch_w);

    let (accounts, accounts_csv) = accounts(&mut rng, &customers, &branch_w);

    // Busy accounts appear more often; closed ones never, dormant ones rarely.
    let mut pool = Vec::new();
    for (i, a) in accounts.iter().enumerate() {
        let w = match a.status {
            "active" => rng.between(1, 8),
            "dormant" if rng.pct(10) => 1,
            _ => 0,
        };
        pool.extend(std::iter::repeat_n(i, w as usize));
    }

    let mut txns = Vec::with_capacity(N_TRANSACTIONS);
    while txns.len() < N_TRANSACTIONS {
        let day = end - rng.below(DAYS as u64) as i64;
        // 1970-01-01 was a Thursday; weekends are quieter.
        if (day + 3).rem_euclid(7) >= 5 && rng.pct(40) {
            continue;
        }
        txns.push((day, transaction(&mut rng, &accounts, &customers, &pool)));
    }
    txns.sort_by_key(|t| t.0); // stable: ids follow the calendar
    let mut text = String::with_capacity(N_TRANSACTIONS * 80);
    text.push_str("txn_id,account_id,txn_date,amount,currency,channel,branch,memo\n");
    let mut daily = vec![std::collections::BTreeMap::<i64, i64>::new(); BRANCHES.len()];
    for (i, (day, t)) in txns.iter().enumerate() {
        let id = (1_000_001 + i).to_string();
        let acct = format!("A{}", 100_001 + t.account);
        let branch = accounts[t.account].branch;
        let (amount, currency) = (money(t.cents), t.currency);
        let d = date(*day);
        let fields = [&id, &acct, &d, &amount, currency, t.channel, BRANCHES[branch].0, t.memo];
        line(&mut text, &fields);
        *daily[branch].entry(*day).or_default() += t.cents;
    }

    Demo { transactions: text, accounts: accounts_csv, customers: customers_csv, branches, limits: limits(&daily) }
}

/// The customers and their CSV, drawn from `rng` (branches weighted by `branch_w`).
fn customers(rng: &mut Rng, branch_w: &[(usize, u64)]) -> (Vec<Customer>, String) {
    let mut customers = Vec::with_capacity(N_CUSTOMERS);
    let mut text = String::from("customer_id,name,segment,city,risk_rating,kyc_date\n");
    let (kyc_from, kyc_to) = (days("2019-01-01"), days("2026-10-31"));
    for i in 0..N_CUSTOMERS {
        let segment = *rng.weighted(&[("retail", 70), ("private", 8), ("sme", 15), ("corporate", 7)]);
        let branch = *rng.weighted(branch_w);
        let city = if rng.pct(85) { BRANCHES[branch].2 } else { rng.pick(&OTHER_CITIES) };
        let name = match segment {
            "sme" | "corporate" => format!(
                "{} {} {} {}",
                BRANCHES[branch].2,
                rng.pick(&FIRM),
                rng.pick(&TRADE),
                if segment == "sme" { "Co Ltd" } else { "Group Co Ltd" }
            ),
            _ if rng.pct(12) => format!("{} {}", rng.pick(&EN_FIRST), rng.pick(&EN_LAST)),
            _ => format!("{} {}", rng.pick(&SURNAMES), rng.pick(&GIVEN)),
        };
        let risk = rng.weighted(&[(1, 20), (2, 35), (3, 28), (4, 12), (5, 5)]).to_string();
        let kyc = date(rng.between(kyc_from, kyc_to));
        let id = format!("C{:05}", i + 1);
        line(&mut text, &[&id, &name, segment, city, &risk, &kyc]);
        customers.push(Customer { segment, branch });
    }
    (customers, text)
}

/// The accounts (every customer has one, some more) and their CSV, drawn from `rng`.
fn accounts(rng: &mut Rng, customers: &[Customer], branch_w: &[(usize, u64)]) -> (Vec<Account>, String) {
    let mut accounts = Vec::with_capacity(N_ACCOUNTS);
    let mut text = String::from("account_id,customer_id,product,open_date,status\n");
    let (open_from, open_to) = (days("2012-01-01"), days("2026-09-30"));
    for i in 0..N_ACCOUNTS {
        // Every customer has an account; some have a second or third.
        let customer = if i < N_CUSTOMERS { i } else { rng.below(N_CUSTOMERS as u64) as usize };
        let c = &customers[customer];
        let product = if matches!(c.segment, "sme" | "corporate") {
            *rng.weighted(&[("current", 70), ("loan", 20), ("savings", 10)])
        } else {
            *rng.weighted(&[("savings", 45), ("current", 20), ("credit_card", 25), ("loan", 10)])
        };
        let status = *rng.weighted(&[("active", 85), ("dormant", 10), ("closed", 5)]);
        let branch = if rng.pct(90) { c.branch } else { *rng.weighted(branch_w) };
        let id = format!("A{}", 100_001 + i);
        let cid = format!("C{:05}", customer + 1);
        let opened = date(rng.between(open_from, open_to));
        line(&mut text, &[&id, &cid, product, &opened, status]);
        accounts.push(Account { customer, branch, status });
    }
    (accounts, text)
}

struct Txn {
    account: usize,
    cents: i64,
    currency: &'static str,
    channel: &'static str,
    memo: &'static str,
}

fn transaction(rng: &mut Rng, accounts: &[Account], customers: &[Customer], pool: &[usize]) -> Txn {
    let account = *rng.pick(pool);
    let segment = customers[accounts[account].customer].segment;
    let business = matches!(segment, "sme" | "corporate");
    let channel = if business {
        *rng.weighted(&[("online", 60), ("branch", 40)])
    } else {
        *rng.weighted(&[("mobile", 35), ("online", 25), ("atm", 20), ("branch", 20)])
    };
    if channel == "atm" {
        // Cash withdrawals in hundreds, small ones most often.
        let hundreds = match rng.below(10) {
            0..=4 => rng.between(1, 5),
            5..=8 => rng.between(5, 20),
            _ => rng.between(20, 50),
        };
        let memo = if rng.pct(70) { "" } else { "cash withdrawal" };
        return Txn { account, cents: hundreds * 10_000, currency: "CNY", channel, memo };
    }
    let scale = match segment {
        "corporate" => 8,
        "sme" => 3,
        "private" => 3,
        _ => 1,
    };
    // Amounts in CNY: mostly small, with a long tail of large payments.
    let (lo, hi) = *rng.weighted(&[
        ((1, 100), 36),
        ((100, 500), 33),
        ((500, 2_000), 22),
        ((2_000, 5_000), 5),
        ((5_000, 20_000), 3),
        ((20_000, 100_000), 1),
    ]);
    let mut cents = rng.between(lo * 100, hi * 100) * scale;
    let refund = rng.pct(4);
    if refund {
        cents = -(cents / 4).max(100);
    }
    // Foreign currency (online and at the counter only) at a rough rate, in CNY per 100 units.
    let (currency, rate) = if channel == "mobile" {
        ("CNY", 100)
    } else {
        *rng.weighted(&[(("CNY", 100), 78), (("USD", 712), 12), (("HKD", 91), 6), (("EUR", 775), 4)])
    };
    cents = cents * 100 / rate;
    if cents == 0 {
        cents = 1;
    }
    let memo = if refund {
        *rng.pick(&["refund", "退款", "merchant refund", ""])
    } else if business {
        *rng.pick(&["payroll", "supplier payment", "tax payment", "货款", "service fee", "", ""])
    } else {
        match channel {
            "mobile" => *rng.pick(&["groceries", "dining", "taxi", "外卖", "话费充值", "transfer", "", "", ""]),
            "online" => *rng.pick(&[
                "utilities",
                "rent",
                "insurance premium",
                "tuition",
                "online shopping",
                "card repayment",
                "",
                "",
            ]),
            _ => *rng.pick(&["wire transfer", "loan repayment", "工资", "cash deposit", "", ""]),
        }
    };
    Txn { account, cents, currency, channel, memo }
}

/// Each branch's daily limit: its 90th-percentile day rounded up to 10,000 CNY,
/// so a handful of busy days break it. Branches with a newer limit get it from
/// mid-year.
fn limits(daily: &[std::collections::BTreeMap<i64, i64>]) -> Vec<(&'static str, i64, i64)> {
    BRANCHES
        .iter()
        .zip(daily)
        .enumerate()
        .map(|(i, (b, days_totals))| {
            let mut totals: Vec<i64> = days_totals.values().copied().collect();
            totals.sort_unstable();
            let p90 = totals.get(totals.len() * 9 / 10).copied().unwrap_or(0) / 100;
            let limit = (p90 / 10_000 + 1) * 10_000;
            let from = if i % 3 == 2 { "2026-07-01" } else { "2026-01-01" };
            (b.0, limit, days(from))
        })
        .collect()
}
