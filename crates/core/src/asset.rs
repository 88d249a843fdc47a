//! Hardware and software lifecycle: a business's **assets** (computers, network gear, phones,
//! licences), the shipped table of operating systems' and major software's **end of support**,
//! and what follows from both on a given day: warnings (out of warranty, unsupported or soon,
//! older than the replacement age), a **replacement forecast** by fiscal quarter and year, the
//! ages by type, the timeline of ends of support, and the one **hardware refresh** initiative
//! that replaces what falls due next.
//!
//! An asset is due for replacement at the earlier of the day it reaches the replacement age of
//! its type (from its purchase date) and the day its operating system or software loses
//! support. A replacement costs the price the policy sets for its type; without one, the
//! asset's own purchase price; without that, the default price of its type
//! ([`AssetKind::default_price`]). Assets already due count in the current quarter.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use crate::decode::{Decode, Decoder};
use crate::diag::{Problem, Problems};
use crate::model::{BudgetPeriod, Date, Money, Month};
use crate::source::{self, Node, Value};

/// What an asset is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    /// A desktop computer.
    Workstation,
    /// A laptop.
    Laptop,
    /// A server (physical or virtual).
    Server,
    /// A switch, router, firewall or access point.
    Network,
    /// A printer or scanner.
    Printer,
    /// A phone or a tablet.
    Mobile,
    /// A software licence or subscription.
    Licence,
}

impl AssetKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [AssetKind; 7] = [
        AssetKind::Workstation,
        AssetKind::Laptop,
        AssetKind::Server,
        AssetKind::Network,
        AssetKind::Printer,
        AssetKind::Mobile,
        AssetKind::Licence,
    ];

    /// Its name in files and URLs.
    pub fn word(self) -> &'static str {
        match self {
            AssetKind::Workstation => "workstation",
            AssetKind::Laptop => "laptop",
            AssetKind::Server => "server",
            AssetKind::Network => "network",
            AssetKind::Printer => "printer",
            AssetKind::Mobile => "mobile",
            AssetKind::Licence => "licence",
        }
    }

    /// Its name in a sentence, plural.
    pub fn plural(self) -> &'static str {
        match self {
            AssetKind::Workstation => "desktop computers",
            AssetKind::Laptop => "laptops",
            AssetKind::Server => "servers",
            AssetKind::Network => "network devices",
            AssetKind::Printer => "printers",
            AssetKind::Mobile => "phones and tablets",
            AssetKind::Licence => "licences",
        }
    }

    /// The kind a cell of an export names: the words above, and what the common exports call
    /// them (`desktop`, `notebook`, `switch`, `smartphone`, `license`, `virtual machine`...).
    pub fn parse(s: &str) -> Option<AssetKind> {
        let n: String = s
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let kind = match n.as_str() {
            "workstation" | "desktop" | "pc" | "desktopcomputer" | "computer" | "tower"
            | "allinone" | "mac" | "imac" | "macmini" | "workstations" | "desktops" => {
                AssetKind::Workstation
            }
            "laptop" | "notebook" | "macbook" | "portable" | "laptops" | "ultrabook" => {
                AssetKind::Laptop
            }
            "server" | "virtualmachine" | "vm" | "host" | "nas" | "servers" => AssetKind::Server,
            "network" | "networkdevice" | "switch" | "router" | "firewall" | "accesspoint"
            | "ap" | "wap" | "wifi" | "gateway" | "networking" => AssetKind::Network,
            "printer" | "scanner" | "mfp" | "copier" | "multifunctionprinter" | "printers" => {
                AssetKind::Printer
            }
            "mobile" | "phone" | "mobilephone" | "smartphone" | "tablet" | "iphone" | "ipad"
            | "android" | "cellphone" | "mobiledevice" => AssetKind::Mobile,
            "licence" | "license" | "software" | "subscription" | "licences" | "licenses" => {
                AssetKind::Licence
            }
            _ => return None,
        };
        Some(kind)
    }

    /// Years after purchase it is replaced, unless the policy says otherwise (`None`: never by
    /// age, a licence).
    pub fn default_replace_years(self) -> Option<u32> {
        match self {
            AssetKind::Workstation => Some(5),
            AssetKind::Laptop => Some(4),
            AssetKind::Server => Some(6),
            AssetKind::Network => Some(7),
            AssetKind::Printer => Some(6),
            AssetKind::Mobile => Some(3),
            AssetKind::Licence => None,
        }
    }

    /// What a replacement costs when neither the policy nor the asset says.
    pub fn default_price(self) -> f64 {
        match self {
            AssetKind::Workstation => 1_200.0,
            AssetKind::Laptop => 1_500.0,
            AssetKind::Server => 8_000.0,
            AssetKind::Network => 1_200.0,
            AssetKind::Printer => 600.0,
            AssetKind::Mobile => 800.0,
            AssetKind::Licence => 300.0,
        }
    }
}

/// One asset, as imported and stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    /// Its id within the organisation (from the serial number, else the name).
    pub id: String,
    /// Its name (host name, device name, product).
    pub name: String,
    /// What it is.
    pub kind: AssetKind,
    /// Manufacturer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    /// Model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// Who uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// When it was bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchased: Option<Date>,
    /// When its warranty ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_end: Option<Date>,
    /// Its operating system (or, for a licence, the software), e.g. `Windows 10 Pro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Its version, e.g. `22H2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// What it cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
}

/// The id an asset is known by: its serial number, else its name, as lower-case letters,
/// digits and dashes (what a re-import matches on).
pub fn asset_id(serial: Option<&str>, name: &str) -> String {
    let base = serial.filter(|s| !s.trim().is_empty()).unwrap_or(name);
    let slug = crate::standard::slug(base);
    if slug.is_empty() {
        "asset".to_string()
    } else {
        slug
    }
}

/// Merges `incoming` into `register`: an asset with the id of one already there replaces it
/// (a re-import updates, never duplicates); new ones are added at the end. Returns how many
/// were (added, updated).
pub fn merge(register: &mut Vec<Asset>, incoming: Vec<Asset>) -> (usize, usize) {
    let mut at: std::collections::HashMap<String, usize> = register
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    let (mut added, mut updated) = (0, 0);
    for a in incoming {
        match at.get(&a.id) {
            Some(&i) => {
                if register[i] != a {
                    register[i] = a;
                    updated += 1;
                }
            }
            None => {
                at.insert(a.id.clone(), register.len());
                register.push(a);
                added += 1;
            }
        }
    }
    (added, updated)
}

// ---------------------------------------------------------------------------------------------
// End of support
// ---------------------------------------------------------------------------------------------

/// The table of ends of support.
#[derive(Debug, Clone, Serialize)]
pub struct EndOfSupport {
    /// Its title.
    pub title: String,
    /// The day its dates were last checked.
    pub checked: Date,
    /// Where its facts come from, and under which licence.
    pub licence: String,
    /// Its sources.
    pub sources: Vec<String>,
    /// The products, the first match winning.
    pub products: Vec<Product>,
}

/// A product and the end of support of its versions.
#[derive(Debug, Clone, Serialize)]
pub struct Product {
    /// Its name, e.g. `Windows 10`.
    pub product: String,
    /// Lower-case words an operating system's or software's name contains when it is this
    /// product (`windows 10`).
    #[serde(rename = "match")]
    pub matches: String,
    /// The vendor's lifecycle page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A remark (e.g. the vendor publishes no date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The end of support of the product when the version is not given or not listed.
    pub ends: Date,
    /// The product goes on in newer versions (Windows 11): a version losing support is
    /// updated, not replaced, and without a listed version there is no end.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ongoing: bool,
    /// Versions with their own end of support.
    pub versions: Vec<Version>,
}

/// A version of a product.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// The version, e.g. `22H2`.
    pub version: String,
    /// Its end of support.
    pub ends: Date,
}

/// The end of support an asset runs into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Support {
    /// The product, e.g. `Windows 10`.
    pub product: String,
    /// The version the date is for, when the table lists it.
    pub version: Option<String>,
    /// The last day of support.
    pub ends: Date,
    /// Where the date comes from.
    pub source: Option<String>,
    /// A newer version of the same product fixes it (an update, not a replacement).
    pub update: bool,
}

/// Lower case, punctuation (points too: `22.04.4` is `22 04 4`) as spaces, single spaces.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl EndOfSupport {
    /// The end of support of the operating system or software `name` at `version`: the first
    /// product whose words `name` contains side by side, at the version listed that `version`
    /// equals or starts with, else the product's own end. With `loose` (software licences,
    /// whose names carry editions: "Office Professional Plus 2019"), the words may also be
    /// apart, in order; never for a device's operating system, where "Cisco IOS XE 17" must not
    /// read as iOS 17.
    pub fn lookup(&self, name: &str, version: Option<&str>, loose: bool) -> Option<Support> {
        let n = format!(" {} ", words(name));
        // The words side by side first ("windows 10" in "Windows 10 Pro"); else in order with
        // others between ("office 2019" in "Office Professional Plus 2019").
        let p = self
            .products
            .iter()
            .find(|p| n.contains(&format!(" {} ", p.matches)))
            .or_else(|| {
                loose
                    .then(|| self.products.iter().find(|p| in_order(&n, &p.matches)))
                    .flatten()
            })
            .or_else(|| self.by_version(&n, version))?;
        let v = version.map(words).filter(|v| !v.is_empty());
        // A version written into the name ("Windows 11 Pro 23H2") counts too.
        let listed = p.versions.iter().find(|x| {
            let want = words(&x.version);
            v.as_deref()
                .is_some_and(|v| v == want || v.starts_with(&want))
                || n.contains(&format!(" {want} "))
        });
        if p.ongoing && listed.is_none() {
            return None;
        }
        Some(Support {
            product: p.product.clone(),
            version: listed.map(|x| x.version.clone()),
            ends: listed.map_or(p.ends, |x| x.ends),
            source: p.source.clone(),
            update: p.ongoing,
        })
    }
}

impl EndOfSupport {
    /// The product an export names by its family alone, its version in a column of its own
    /// (Intune: "Windows" and "10.0.19045"): the first product whose first word is the name's
    /// and which lists a version the asset's equals or starts with.
    fn by_version(&self, name: &str, version: Option<&str>) -> Option<&Product> {
        let v = words(version?);
        let first = name.split_whitespace().next()?;
        if v.is_empty() {
            return None;
        }
        self.products.iter().find(|p| {
            p.matches.split_whitespace().next() == Some(first)
                && p.versions.iter().any(|x| {
                    let want = words(&x.version);
                    v == want || v.starts_with(&format!("{want} "))
                })
        })
    }
}

/// Whether every word of `want` is a word of `name`, in the same order.
fn in_order(name: &str, want: &str) -> bool {
    let mut rest = name.split_whitespace();
    want.split_whitespace().all(|w| rest.any(|x| x == w))
}

use crate::standard::Text;

impl Decode for Version {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a version")?;
        let version: Option<Text> = f.req(d, "version");
        let ends = f.req(d, "ends");
        f.finish(d);
        Some(Version {
            version: version?.0,
            ends: ends?,
        })
    }
}

impl Decode for Product {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a product")?;
        let product: Option<Text> = f.req(d, "product");
        let matches: Option<Text> = f.req(d, "match");
        let src: Option<Text> = f.opt(d, "source");
        let note: Option<Text> = f.opt(d, "note");
        let ends = f.req(d, "ends");
        let versions = f.many(d, "versions");
        let ongoing = f.or(d, "ongoing", false);
        f.finish(d);
        let matches = matches.map(|m| words(&m.0));
        if matches.as_deref() == Some("") {
            let p = d.problem(node, &format!("{path}.match"), "an empty match");
            p.expected = Some("the words a product's name contains, e.g. `windows 10`".into());
            return None;
        }
        Some(Product {
            product: product?.0,
            matches: matches?,
            source: src.map(|t| t.0),
            note: note.map(|t| t.0),
            ends: ends?,
            ongoing,
            versions,
        })
    }
}

impl Decode for EndOfSupport {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "a table of ends of support")?;
        let title: Option<Text> = f.req(d, "title");
        let checked = f.req(d, "checked");
        let licence: Option<Text> = f.req(d, "licence");
        let sources: Vec<String> = f.many(d, "sources");
        let products: Option<Vec<Product>> = f.req(d, "products");
        f.finish(d);
        Some(EndOfSupport {
            title: title?.0,
            checked: checked?,
            licence: licence?.0,
            sources,
            products: products?,
        })
    }
}

/// Reads a table of ends of support (the shipped one, or an edited copy an installation
/// points at): every problem with its line and column.
pub fn load_end_of_support(file: &str, text: &str) -> Result<EndOfSupport, Problems> {
    let root = source::parse(file, text).map_err(|p| Problems(vec![*p]))?;
    let mut d = Decoder::new(file, &root);
    let table = EndOfSupport::decode(&root, "", &mut d);
    let mut problems = d.problems;
    if let Some(t) = &table
        && problems.is_empty()
        && t.products.is_empty()
    {
        problems.push(
            Problem::new(
                root.pos.location(&std::sync::Arc::from(file)),
                "products",
                "the table lists no product",
            )
            .expected("`products:` with at least one product"),
        );
    }
    match table {
        Some(t) if problems.is_empty() => Ok(t),
        _ => Err(Problems(problems)),
    }
}

/// The shipped table's file name and text.
pub const SHIPPED_END_OF_SUPPORT: (&str, &str) =
    ("end-of-life.yaml", include_str!("../data/end-of-life.yaml"));

/// The shipped table, read once per process (tested to read without a problem).
pub fn shipped_end_of_support() -> &'static EndOfSupport {
    static READ: std::sync::OnceLock<EndOfSupport> = std::sync::OnceLock::new();
    READ.get_or_init(|| {
        load_end_of_support(SHIPPED_END_OF_SUPPORT.0, SHIPPED_END_OF_SUPPORT.1).unwrap_or_else(
            |_| EndOfSupport {
                title: String::new(),
                checked: Date::from_days(0),
                licence: String::new(),
                sources: Vec::new(),
                products: Vec::new(),
            },
        )
    })
}

// ---------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------

/// How a consultant replaces assets: the plan's `organization.lifecycle`, each part optional.
#[derive(Debug, Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// How many months ahead an end of warranty or of support is warned of. Default 6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_months: Option<u32>,
    /// Years after purchase each type is replaced, e.g. `{laptop: 4}`; the rest keep their
    /// defaults (workstation 5, laptop 4, server 6, network 7, printer 6, mobile 3; licences
    /// never by age).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replace_after_years: BTreeMap<AssetKind, u32>,
    /// What a replacement of each type costs, e.g. `{laptop: 1400}`; otherwise the asset's
    /// purchase price, else the type's default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replacement_price: BTreeMap<AssetKind, Money>,
    /// What running one machine or licence without security updates costs a year (extended
    /// support, or the expected cost of an incident). Default 250.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported_cost_annual: Option<Money>,
}

/// The default of [`Policy::warn_months`].
pub const WARN_MONTHS: u32 = 6;
/// The default of [`Policy::unsupported_cost_annual`].
pub const UNSUPPORTED_COST: f64 = 250.0;

impl Policy {
    /// Months of warning.
    pub fn warn(&self) -> u32 {
        self.warn_months.unwrap_or(WARN_MONTHS)
    }

    /// Years after purchase `kind` is replaced.
    pub fn replace_years(&self, kind: AssetKind) -> Option<u32> {
        self.replace_after_years
            .get(&kind)
            .copied()
            .or(kind.default_replace_years())
    }

    /// What replacing `a` costs.
    pub fn price(&self, a: &Asset) -> f64 {
        self.replacement_price
            .get(&a.kind)
            .map(|m| m.to_f64())
            .or(a.price.filter(|p| *p > 0.0))
            .unwrap_or(a.kind.default_price())
    }

    /// A year of running one asset unsupported.
    pub fn unsupported_cost(&self) -> f64 {
        self.unsupported_cost_annual
            .map_or(UNSUPPORTED_COST, |m| m.to_f64())
    }
}

fn kind_map<V>(
    node: &Node,
    path: &str,
    d: &mut Decoder,
    value: impl Fn(&Node, &str, &mut Decoder) -> Option<V>,
) -> Option<BTreeMap<AssetKind, V>> {
    let Value::Map(entries) = &node.value else {
        let p = d.problem(node, path, "expected a mapping of asset types");
        p.expected = Some("a mapping such as `{laptop: 4, workstation: 5}`".into());
        p.found = Some(node.value.describe());
        return None;
    };
    let mut out = BTreeMap::new();
    let mut ok = true;
    for (key, v) in entries.iter() {
        let at = format!("{path}.{}", key.name);
        let kind = AssetKind::ALL.into_iter().find(|k| k.word() == &*key.name);
        let parsed = value(v, &at, d);
        match (kind, parsed) {
            (Some(k), Some(v)) => {
                out.insert(k, v);
            }
            (None, _) => {
                ok = false;
                let loc = d.loc(key.pos);
                d.push(
                    Problem::new(loc, at, format!("unknown asset type `{}`", key.name))
                        .expected(
                            AssetKind::ALL
                                .iter()
                                .map(|k| k.word())
                                .collect::<Vec<_>>()
                                .join(", "),
                        )
                        .found(format!("{:?}", key.name)),
                );
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

impl Decode for Policy {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        let mut f = d.fields(node, path, "the lifecycle policy")?;
        let warn_months: Option<u32> = f.opt(d, "warn_months");
        let years = f.opt::<KindYears>(d, "replace_after_years");
        let prices = f.opt::<KindPrices>(d, "replacement_price");
        let unsupported: Option<Money> = f.opt(d, "unsupported_cost_annual");
        f.finish(d);
        if let Some(w) = warn_months
            && !(1..=60).contains(&w)
        {
            let p = d.problem(node, &format!("{path}.warn_months"), "out of range");
            p.expected = Some("1 to 60 months".into());
            p.found = Some(w.to_string());
            return None;
        }
        Some(Policy {
            warn_months,
            replace_after_years: years.map(|y| y.0).unwrap_or_default(),
            replacement_price: prices.map(|p| p.0).unwrap_or_default(),
            unsupported_cost_annual: unsupported,
        })
    }
}

struct KindYears(BTreeMap<AssetKind, u32>);

impl Decode for KindYears {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        kind_map(node, path, d, |n, p, d| {
            let y = u32::decode(n, p, d)?;
            if !(1..=30).contains(&y) {
                let pr = d.problem(n, p, "out of range");
                pr.expected = Some("1 to 30 years".into());
                pr.found = Some(y.to_string());
                return None;
            }
            Some(y)
        })
        .map(KindYears)
    }
}

struct KindPrices(BTreeMap<AssetKind, Money>);

impl Decode for KindPrices {
    fn decode(node: &Node, path: &str, d: &mut Decoder) -> Option<Self> {
        kind_map(node, path, d, Money::decode).map(KindPrices)
    }
}

// ---------------------------------------------------------------------------------------------
// Warnings and the forecast
// ---------------------------------------------------------------------------------------------

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    /// Its operating system or software no longer gets security updates.
    Unsupported,
    /// Its support ends within the warning months.
    SupportEnding,
    /// Its warranty has ended.
    OutOfWarranty,
    /// Its warranty ends within the warning months.
    WarrantyEnding,
    /// It is older than its type's replacement age.
    OverAge,
}

impl Concern {
    /// Whether it needs acting on now (rather than soon).
    pub fn urgent(self) -> bool {
        matches!(self, Concern::Unsupported | Concern::OutOfWarranty)
    }
}

/// One warning about one asset, in words an owner reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// The asset's id.
    pub asset: String,
    /// The asset's name.
    pub name: String,
    /// What it is about.
    pub concern: Concern,
    /// The day it happened or happens.
    pub date: Date,
    /// The warning in a sentence.
    pub message: String,
}

/// One asset's standing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The asset's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: AssetKind,
    /// Whole months since purchase.
    pub age_months: Option<i32>,
    /// The end of support it runs into.
    pub support: Option<Support>,
    /// When it should be replaced (age or support, whichever first).
    pub replace_by: Option<Date>,
    /// Why then: `age` or `support`.
    pub replace_because: Option<&'static str>,
    /// What replacing it costs.
    pub replacement_cost: f64,
}

/// Replacements falling due in one fiscal period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Due {
    /// `2027` or `2027-Q1` (fiscal).
    pub period: String,
    /// How many assets.
    pub count: u32,
    /// What replacing them costs.
    pub cost: f64,
    /// Their ids.
    pub assets: Vec<String>,
}

/// One end of support on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ending {
    /// The product and version, e.g. `Windows 10 22H2`.
    pub product: String,
    /// The last day of support.
    pub ends: Date,
    /// How many assets run it.
    pub assets: u32,
    /// Whether it has passed.
    pub passed: bool,
}

/// Assets of one type by whole years of age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ages {
    /// The type.
    pub kind: AssetKind,
    /// Counts by age: under 1 year, 1, 2, ... and the last bucket for [`AGE_BUCKETS`]-1 years
    /// or more.
    pub counts: Vec<u32>,
    /// Assets of the type whose purchase date is not known.
    pub unknown: u32,
}

/// Age buckets in [`Ages::counts`].
pub const AGE_BUCKETS: usize = 8;

/// Headline counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Assets.
    pub assets: u32,
    /// Out of warranty today.
    pub out_of_warranty: u32,
    /// Running an operating system or software without support today.
    pub unsupported: u32,
    /// Out of warranty or support within the warning months (or already).
    pub attention: u32,
    /// Due for replacement within 12 months (or already).
    pub due_12_months: u32,
    /// What those replacements cost.
    pub cost_12_months: f64,
}

/// The lifecycle of an asset list on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    /// The day it was worked out for.
    pub today: Date,
    /// Months of warning.
    pub warn_months: u32,
    /// Headline counts.
    pub totals: Totals,
    /// Warnings, most urgent first, then by date.
    pub warnings: Vec<Warning>,
    /// Each asset's standing, in the list's order.
    pub assets: Vec<Standing>,
    /// Replacements by fiscal quarter, from the current quarter, for the years asked.
    pub quarters: Vec<Due>,
    /// Replacements by fiscal year.
    pub years: Vec<Due>,
    /// Ages by type (types with assets only).
    pub ages: Vec<Ages>,
    /// Ends of support of what the assets run, by date.
    pub timeline: Vec<Ending>,
    /// Where the dates of support come from, and when they were checked.
    pub table: String,
}

/// Whole months from `a` to `b` (negative when `b` is earlier), counting a month only once
/// its day is reached.
fn months_between(a: Date, b: Date) -> i32 {
    let mut m = b.month().since(a.month());
    if day_of(b) < day_of(a) {
        m -= 1;
    }
    m
}

fn day_of(d: Date) -> i32 {
    d.days() - Date::new(d.month(), 1).map_or(d.days(), |f| f.days()) + 1
}

/// The day `months` after `d` (the last day of the month when it is shorter).
pub fn plus_months(d: Date, months: i32) -> Date {
    let m = d.month().plus(months);
    let day = day_of(d) as u32;
    Date::new(m, day.min(m.days())).unwrap_or(d)
}

/// The day `years` after `d` (the 28th of February for the 29th in a year without one).
fn plus_years(d: Date, years: u32) -> Date {
    plus_months(d, 12 * years as i32)
}

/// A date as people write it: `14 October 2025`.
pub fn long_date(d: Date) -> String {
    format!("{} {}", day_of(d), crate::calendar::month_words(d.month()))
}

/// The last day of the 12 months from `today`: a replacement due by then counts as due within
/// 12 months (the totals, the hardware refresh, and what the budget leaves to the refresh).
pub fn year_ahead(today: Date) -> Date {
    plus_years(today, 1)
}

/// The lifecycle of `assets` on `today`: warnings, standings, the forecast over `years` fiscal
/// years (fiscal years starting in month `fiscal_year_start`) from the current quarter.
pub fn lifecycle(
    assets: &[Asset],
    table: &EndOfSupport,
    policy: &Policy,
    today: Date,
    fiscal_year_start: u32,
    years: u32,
) -> Lifecycle {
    let warn = policy.warn();
    let horizon = plus_months(today, warn as i32);
    let mut warnings = Vec::new();
    let mut standings = Vec::with_capacity(assets.len());
    let mut totals = Totals {
        assets: assets.len() as u32,
        out_of_warranty: 0,
        unsupported: 0,
        attention: 0,
        due_12_months: 0,
        cost_12_months: 0.0,
    };
    let year_ahead = year_ahead(today);
    // A register names a few systems many times over: each looked up once.
    let mut looked_up: HashMap<(&str, Option<&str>, bool), Option<Support>> = HashMap::new();
    for a in assets {
        let support = a.os.as_deref().and_then(|os| {
            let key = (os, a.os_version.as_deref(), a.kind == AssetKind::Licence);
            looked_up
                .entry(key)
                .or_insert_with(|| table.lookup(key.0, key.1, key.2))
                .clone()
        });
        let mut attention = false;
        let mut warn_of = |concern: Concern, date: Date, message: String| {
            warnings.push(Warning {
                asset: a.id.clone(),
                name: a.name.clone(),
                concern,
                date,
                message,
            });
        };
        if let Some(s) = &support {
            let what = match &s.version {
                Some(v) => format!("{} {v}", s.product),
                None => s.product.clone(),
            };
            if s.ends < today {
                totals.unsupported += 1;
                attention = true;
                warn_of(
                    Concern::Unsupported,
                    s.ends,
                    format!(
                        "{} runs {what}, which stopped getting security updates on {}: {}.",
                        a.name,
                        long_date(s.ends),
                        if s.update {
                            "update it to the newest version"
                        } else {
                            "replace or upgrade it"
                        }
                    ),
                );
            } else if s.ends <= horizon {
                attention = true;
                warn_of(
                    Concern::SupportEnding,
                    s.ends,
                    format!(
                        "{} runs {what}, which stops getting security updates on {}{}.",
                        a.name,
                        long_date(s.ends),
                        if s.update {
                            ": update it to the newest version before then"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        if let Some(w) = a.warranty_end {
            if w < today {
                totals.out_of_warranty += 1;
                attention = true;
                warn_of(
                    Concern::OutOfWarranty,
                    w,
                    format!(
                        "{}'s warranty ended on {}: a repair is now paid in full.",
                        a.name,
                        long_date(w)
                    ),
                );
            } else if w <= horizon {
                attention = true;
                warn_of(
                    Concern::WarrantyEnding,
                    w,
                    format!("{}'s warranty ends on {}.", a.name, long_date(w)),
                );
            }
        }
        let age_months = a.purchased.map(|p| months_between(p, today));
        let by_age = a
            .purchased
            .zip(policy.replace_years(a.kind))
            .map(|(p, y)| (plus_years(p, y), y));
        if let Some((at, y)) = by_age
            && at <= today
        {
            warn_of(
                Concern::OverAge,
                at,
                format!(
                    "{} is {} years old; {} are replaced after {y}.",
                    a.name,
                    age_months.unwrap_or(0) / 12,
                    a.kind.plural()
                ),
            );
        }
        if attention {
            totals.attention += 1;
        }
        // A version losing support is updated, not replaced; only a product's end replaces.
        let support_end = support.as_ref().filter(|s| !s.update).map(|s| s.ends);
        let (replace_by, because) = match (by_age.map(|x| x.0), support_end) {
            (Some(x), Some(s)) if s < x => (Some(s), Some("support")),
            (Some(x), _) => (Some(x), Some("age")),
            (None, Some(s)) => (Some(s), Some("support")),
            (None, None) => (None, None),
        };
        let cost = policy.price(a);
        if replace_by.is_some_and(|r| r <= year_ahead) {
            totals.due_12_months += 1;
            totals.cost_12_months += cost;
        }
        standings.push(Standing {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            age_months,
            support,
            replace_by,
            replace_because: because,
            replacement_cost: cost,
        });
    }
    warnings.sort_by(|a, b| {
        (!a.concern.urgent(), a.date, a.concern, &a.name).cmp(&(
            !b.concern.urgent(),
            b.date,
            b.concern,
            &b.name,
        ))
    });

    // The forecast: quarters from the current one, years from the current fiscal year.
    let first_q = BudgetPeriod::quarter_of(today.month(), fiscal_year_start);
    let first_y = BudgetPeriod::year_of(today.month(), fiscal_year_start);
    let (q_start, _) = first_q.months(fiscal_year_start);
    let (y_start, _) = first_y.months(fiscal_year_start);
    let years = years.max(1);
    let mut quarters: Vec<Due> = (0..4 * years as i32)
        .map(|i| Due {
            period: BudgetPeriod::quarter_of(q_start.plus(3 * i), fiscal_year_start).to_string(),
            count: 0,
            cost: 0.0,
            assets: Vec::new(),
        })
        .collect();
    let mut fiscal: Vec<Due> = (0..years as i32)
        .map(|i| Due {
            period: BudgetPeriod::year_of(y_start.plus(12 * i), fiscal_year_start).to_string(),
            count: 0,
            cost: 0.0,
            assets: Vec::new(),
        })
        .collect();
    for s in &standings {
        let Some(r) = s.replace_by else { continue };
        // Overdue replacements fall in the current quarter.
        let m = r.month().max(today.month());
        let q = m.since(q_start) / 3;
        let y = m.since(y_start) / 12;
        for (list, i) in [(&mut quarters, q), (&mut fiscal, y)] {
            if let Some(d) = usize::try_from(i).ok().and_then(|i| list.get_mut(i)) {
                d.count += 1;
                d.cost += s.replacement_cost;
                d.assets.push(s.id.clone());
            }
        }
    }

    // Ages by type.
    let mut ages: Vec<Ages> = Vec::new();
    for kind in AssetKind::ALL {
        let of: Vec<&Standing> = standings.iter().filter(|s| s.kind == kind).collect();
        if of.is_empty() {
            continue;
        }
        let mut counts = vec![0u32; AGE_BUCKETS];
        let mut unknown = 0;
        for s in of {
            match s.age_months {
                Some(m) => counts[((m.max(0) / 12) as usize).min(AGE_BUCKETS - 1)] += 1,
                None => unknown += 1,
            }
        }
        ages.push(Ages {
            kind,
            counts,
            unknown,
        });
    }

    // The timeline of ends of support.
    let mut ends: BTreeMap<(Date, String), u32> = BTreeMap::new();
    for s in &standings {
        if let Some(sup) = &s.support {
            let name = match &sup.version {
                Some(v) => format!("{} {v}", sup.product),
                None => sup.product.clone(),
            };
            *ends.entry((sup.ends, name)).or_default() += 1;
        }
    }
    let timeline = ends
        .into_iter()
        .map(|((ends, product), assets)| Ending {
            product,
            ends,
            assets,
            passed: ends < today,
        })
        .collect();
    Lifecycle {
        today,
        warn_months: warn,
        totals,
        warnings,
        assets: standings,
        quarters,
        years: fiscal,
        ages,
        timeline,
        table: format!("{} (checked {})", table.title, table.checked),
    }
}

/// The hardware refresh that replaces what falls due within 12 months of `lc.today` (and what
/// is already due), as an initiative in the plan file's form; `None` when nothing is due.
///
/// It costs the replacements (low 90%, high 115% of the forecast), takes a month per ten
/// machines (at most 6), two hours of staff time per machine, and saves what running the
/// unsupported ones costs ([`Policy::unsupported_cost`] a year each). When any of them loses
/// support, it carries that deadline: it must be done by the month before support ends (or, when
/// support has already ended, as soon as it can be, from `earliest`, the plan's first month or
/// today's, whichever is later), and at the latest in `last` (the plan's last month), and is
/// mandatory.
pub fn refresh_initiative(
    lc: &Lifecycle,
    policy: &Policy,
    earliest: Month,
    last: Month,
) -> Option<Json> {
    let year_ahead = year_ahead(lc.today);
    let due: Vec<&Standing> = lc
        .assets
        .iter()
        .filter(|s| s.kind != AssetKind::Licence && s.replace_by.is_some_and(|r| r <= year_ahead))
        .collect();
    if due.is_empty() {
        return None;
    }
    let n = due.len();
    let cost: f64 = due.iter().map(|s| s.replacement_cost).sum();
    let duration = n.div_ceil(10).clamp(1, 6) as u32;
    // The devices whose operating system loses support (for good: not a version an update
    // fixes) by the time they are due set the deadline.
    let unsupported: Vec<&&Standing> = due
        .iter()
        .filter(|s| {
            s.support
                .as_ref()
                .is_some_and(|x| !x.update && x.ends <= year_ahead)
        })
        .collect();
    let deadline = unsupported
        .iter()
        .filter_map(|s| s.support.as_ref().map(|x| x.ends))
        .min();
    let whole = |x: f64| json!((x.round()) as i64);
    let names: Vec<&str> = due.iter().map(|s| s.name.as_str()).collect();
    let mut init = json!({
        "id": format!("hardware-refresh-{}", lc.today.month().year()),
        "title": format!(
            "Hardware refresh: replace {n} {}{}",
            if n == 1 { "device" } else { "devices" },
            match unsupported.len() {
                0 => String::new(),
                1 => " (1 without security updates)".to_string(),
                u => format!(" ({u} without security updates)"),
            }
        ),
        "description": format!(
            "Replaces what is out of support or past its replacement age within 12 months of {}: {}.",
            long_date(lc.today),
            names.join(", ")
        ),
        "duration_months": duration,
        "one_time_cost": {"low": whole(cost * 0.9), "likely": whole(cost), "high": whole(cost * 1.15)},
        "effort_hours_per_month": whole(2.0 * n as f64 / duration as f64),
    });
    if let Some(d) = deadline {
        // Done by the month before support ends; when that is past, as soon as possible; and
        // within the plan (when the plan ends before it can be done, no deadline is set: the
        // roadmap could not schedule it at all).
        let soonest = earliest.plus(duration as i32 - 1);
        let by = d.month().plus(-1).max(soonest).min(last);
        if by >= soonest {
            init["done_by"] = json!(by.to_string());
            init["mandatory"] = json!(true);
        }
        let saving = policy.unsupported_cost() * unsupported.len() as f64;
        init["benefits"] = json!([{
            "kind": "saving",
            "annual": whole(saving),
            "description": format!(
                "Avoids running {} {} without security updates (support ends {})",
                unsupported.len(),
                if unsupported.len() == 1 { "machine" } else { "machines" },
                long_date(d)
            ),
        }]);
    }
    Some(init)
}

/// The months a hardware refresh may be done in for `org`'s plan on `today`: from the plan's
/// first month or today's, whichever is later, to the plan's last month (ten years without a
/// plan). The `earliest` and `last` of [`refresh_initiative`].
pub fn refresh_window(org: Option<&crate::model::Organization>, today: Date) -> (Month, Month) {
    match org {
        Some(o) => (
            o.start.max(today.month()),
            o.start.plus(o.horizon_months as i32 - 1),
        ),
        None => (today.month(), today.month().plus(119)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_shipped_table_reads() {
        let t = load_end_of_support(SHIPPED_END_OF_SUPPORT.0, SHIPPED_END_OF_SUPPORT.1);
        let t = t.map_err(|p| p.to_string()).unwrap();
        assert!(t.products.len() >= 30, "{}", t.products.len());
        let w10 = t
            .lookup("Microsoft Windows 10 Pro", Some("22H2"), false)
            .unwrap();
        assert_eq!(w10.ends.to_string(), "2025-10-14");
    }
}
