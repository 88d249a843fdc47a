//! The kinds of data Sextant imports, each with its fields and the headers that name them.

/// The kinds of data Sextant imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Orders from the point of sale or the web shop.
    Orders,
    /// Marketing spend.
    Marketing,
    /// Web analytics: sessions and conversions.
    Sessions,
    /// Incidents: outages and security incidents.
    Incidents,
    /// Survey answers (CSAT, NPS, eNPS).
    Surveys,
    /// Active and licensed users of systems.
    Usage,
    /// The process inventory.
    Processes,
    /// An asset list (computers, devices, licences) for the lifecycle: read by
    /// [`crate::assets::read_assets`] into the asset register, not kept as business data, so
    /// it is not among [`Kind::ALL`].
    Assets,
}

/// A field of a kind of data, with the headers that name it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The field's name (used by `--map`).
    pub name: &'static str,
    /// Whether a file must have it.
    pub required: bool,
    /// Headers that mean it, normalised (lower case, letters and digits only).
    pub synonyms: &'static [&'static str],
    /// What it holds, for messages.
    pub expected: &'static str,
}

const fn f(
    name: &'static str,
    required: bool,
    synonyms: &'static [&'static str],
    expected: &'static str,
) -> Field {
    Field {
        name,
        required,
        synonyms,
        expected,
    }
}

/// An asset list's columns, with the headers of the common exports (RMM and PSA tools,
/// Intune, a spreadsheet); documented in docs/lifecycle.md.
const ASSETS: &[Field] = &[
    f(
        "name",
        true,
        &[
            "name",
            "devicename",
            "computername",
            "hostname",
            "assetname",
            "asset",
            "device",
            "displayname",
            "machinename",
            "systemname",
            "configurationname",
        ],
        "a name",
    ),
    f(
        "type",
        false,
        &[
            "type",
            "assettype",
            "devicetype",
            "configurationtype",
            "category",
            "devicecategory",
            "assetclass",
            "class",
            "formfactor",
            "chassistype",
            "producttype",
        ],
        "an asset type: workstation (desktop), laptop, server, network (switch, router, firewall), printer, mobile (phone, tablet) or licence",
    ),
    f(
        "make",
        false,
        &["make", "manufacturer", "vendor", "brand", "oem"],
        "a manufacturer",
    ),
    f(
        "model",
        false,
        &[
            "model",
            "modelname",
            "devicemodel",
            "product",
            "productname",
        ],
        "a model",
    ),
    f(
        "serial",
        false,
        &[
            "serial",
            "serialnumber",
            "serialno",
            "sn",
            "servicetag",
            "assettag",
            "tagnumber",
        ],
        "a serial number",
    ),
    f(
        "user",
        false,
        &[
            "user",
            "assigneduser",
            "primaryuser",
            "primaryuserupn",
            "primaryuserdisplayname",
            "primaryuseremailaddress",
            "userprincipalname",
            "lastloggedinuser",
            "lastloggedonuser",
            "lastuser",
            "assignedto",
            "owner",
            "username",
            "contact",
        ],
        "a user",
    ),
    f(
        "site",
        false,
        &["site", "sitename", "location", "office", "branch"],
        "a site",
    ),
    f(
        "purchased",
        false,
        &[
            "purchasedate",
            "purchased",
            "dateofpurchase",
            "purchasedon",
            "acquired",
            "acquisitiondate",
            "installdate",
            "shipdate",
        ],
        DATE,
    ),
    f(
        "warranty_end",
        false,
        &[
            "warrantyend",
            "warrantyenddate",
            "warrantyexpiration",
            "warrantyexpirationdate",
            "warrantyexpiry",
            "warrantyexpirydate",
            "warrantyexpires",
            "warranty",
        ],
        DATE,
    ),
    f(
        "os",
        false,
        &[
            "os",
            "operatingsystem",
            "osname",
            "platform",
            "software",
            "softwarename",
        ],
        "an operating system or software, e.g. Windows 11 Pro",
    ),
    f(
        "os_version",
        false,
        &[
            "osversion",
            "operatingsystemversion",
            "version",
            "osbuild",
            "build",
        ],
        "a version, e.g. 23H2",
    ),
    f(
        "price",
        false,
        &[
            "purchaseprice",
            "price",
            "cost",
            "purchasecost",
            "value",
            "amount",
        ],
        "an amount of money (1234.50, $1,234.50) of 0 or more",
    ),
];

pub(crate) const DATE: &str =
    "a date (2027-03-17, 17/03/2027, 17 Mar 2027) or a period (Mar 2027, 2027Q1, 2027-W05)";
const MONEY: &str = "an amount of money (1234.50, $1,234.50)";
const NUMBER: &str = "a number";

const ORDERS: &[Field] = &[
    f(
        "date",
        true,
        &[
            "orderdate",
            "date",
            "createdat",
            "purchasedate",
            "orderedat",
            "saledate",
            "created",
            "day",
            "transactiondate",
        ],
        DATE,
    ),
    f(
        "customer",
        true,
        &[
            "customerid",
            "customer",
            "customeremail",
            "email",
            "clientid",
            "client",
            "buyer",
            "customerno",
            "customernumber",
            "accountid",
        ],
        "a customer id or email",
    ),
    f(
        "amount",
        true,
        &[
            "total",
            "amount",
            "ordertotal",
            "grandtotal",
            "revenue",
            "netsales",
            "sales",
            "totalamount",
            "value",
            "price",
            "subtotal",
        ],
        MONEY,
    ),
    f(
        "channel",
        false,
        &["channel", "saleschannel", "source", "store", "origin"],
        "a channel name",
    ),
];

const MARKETING: &[Field] = &[
    f(
        "date",
        true,
        &["date", "month", "period", "day", "week"],
        DATE,
    ),
    f(
        "amount",
        true,
        &["spend", "cost", "amount", "adspend", "budgetspent", "total"],
        MONEY,
    ),
    f(
        "channel",
        false,
        &["channel", "source", "platform", "campaign", "medium"],
        "a channel name",
    ),
];

const SESSIONS: &[Field] = &[
    f("date", true, &["date", "day", "month", "period"], DATE),
    f(
        "sessions",
        true,
        &["sessions", "visits", "visitors", "users"],
        NUMBER,
    ),
    f(
        "conversions",
        false,
        &[
            "conversions",
            "transactions",
            "orders",
            "goalcompletions",
            "purchases",
            "sales",
        ],
        NUMBER,
    ),
    f(
        "channel",
        false,
        &[
            "channel",
            "source",
            "medium",
            "defaultchannelgroup",
            "sessionsource",
        ],
        "a channel name",
    ),
];

const INCIDENTS: &[Field] = &[
    f(
        "start",
        true,
        &[
            "start",
            "started",
            "startedat",
            "opened",
            "openedat",
            "starttime",
            "created",
            "createdat",
            "date",
        ],
        DATE,
    ),
    f(
        "end",
        false,
        &[
            "end",
            "resolved",
            "resolvedat",
            "closed",
            "closedat",
            "endtime",
            "ended",
        ],
        DATE,
    ),
    f(
        "security",
        false,
        &[
            "security",
            "securityincident",
            "issecurity",
            "type",
            "category",
            "kind",
        ],
        "yes/no, or a type such as `security` or `outage`",
    ),
    f(
        "outage",
        false,
        &[
            "outage",
            "downtime",
            "isoutage",
            "serviceimpact",
            "unavailable",
        ],
        "yes/no",
    ),
    f(
        "system",
        false,
        &["system", "service", "application", "app", "component"],
        "a system name",
    ),
];

const SURVEYS: &[Field] = &[
    f(
        "date",
        true,
        &[
            "date",
            "answeredat",
            "submittedat",
            "timestamp",
            "created",
            "createdat",
        ],
        DATE,
    ),
    f(
        "score",
        true,
        &["score", "rating", "answer", "nps", "csat", "enps", "value"],
        NUMBER,
    ),
    f(
        "survey",
        false,
        &["survey", "type", "kind", "question"],
        "`csat`, `nps` or `enps`",
    ),
];

const USAGE: &[Field] = &[
    f("date", true, &["date", "month", "period", "day"], DATE),
    f(
        "system",
        true,
        &["system", "application", "app", "product", "service"],
        "a system name",
    ),
    f(
        "active",
        true,
        &[
            "activeusers",
            "active",
            "users",
            "monthlyactiveusers",
            "mau",
        ],
        NUMBER,
    ),
    f(
        "licensed",
        true,
        &["licensedusers", "licensed", "licenses", "licences", "seats"],
        NUMBER,
    ),
];

const PROCESSES: &[Field] = &[
    f(
        "process",
        true,
        &["process", "name", "processname", "task", "workflow"],
        "a process name",
    ),
    f(
        "automated",
        true,
        &["automated", "isautomated", "automation", "status"],
        "yes/no",
    ),
    f(
        "baseline_cost",
        false,
        &[
            "baselinecost",
            "costbefore",
            "previouscost",
            "oldcost",
            "annualcostbefore",
        ],
        MONEY,
    ),
    f(
        "cost",
        false,
        &["cost", "currentcost", "costnow", "annualcost", "costafter"],
        MONEY,
    ),
];

/// Where the field `name` sits in `fields`; a name that is not there fails the build.
const fn at(fields: &[Field], name: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        let (a, b) = (fields[i].name.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such field")
}

/// Where each field of orders data sits among [`crate::Kind::fields`], by name.
pub(crate) mod orders {
    /// `date`.
    pub const DATE: usize = super::at(super::ORDERS, "date");
    /// `customer`.
    pub const CUSTOMER: usize = super::at(super::ORDERS, "customer");
    /// `amount`.
    pub const AMOUNT: usize = super::at(super::ORDERS, "amount");
    /// `channel`.
    pub const CHANNEL: usize = super::at(super::ORDERS, "channel");
}

/// Where each field of marketing data sits among [`crate::Kind::fields`], by name.
pub(crate) mod marketing {
    /// `date`.
    pub const DATE: usize = super::at(super::MARKETING, "date");
    /// `amount`.
    pub const AMOUNT: usize = super::at(super::MARKETING, "amount");
    /// `channel`.
    pub const CHANNEL: usize = super::at(super::MARKETING, "channel");
}

/// Where each field of sessions data sits among [`crate::Kind::fields`], by name.
pub(crate) mod sessions {
    /// `date`.
    pub const DATE: usize = super::at(super::SESSIONS, "date");
    /// `sessions`.
    pub const SESSIONS: usize = super::at(super::SESSIONS, "sessions");
    /// `conversions`.
    pub const CONVERSIONS: usize = super::at(super::SESSIONS, "conversions");
    /// `channel`.
    pub const CHANNEL: usize = super::at(super::SESSIONS, "channel");
}

/// Where each field of incidents data sits among [`crate::Kind::fields`], by name.
pub(crate) mod incidents {
    /// `start`.
    pub const START: usize = super::at(super::INCIDENTS, "start");
    /// `end`.
    pub const END: usize = super::at(super::INCIDENTS, "end");
    /// `security`.
    pub const SECURITY: usize = super::at(super::INCIDENTS, "security");
    /// `outage`.
    pub const OUTAGE: usize = super::at(super::INCIDENTS, "outage");
    /// `system`.
    pub const SYSTEM: usize = super::at(super::INCIDENTS, "system");
}

/// Where each field of surveys data sits among [`crate::Kind::fields`], by name.
pub(crate) mod surveys {
    /// `date`.
    pub const DATE: usize = super::at(super::SURVEYS, "date");
    /// `score`.
    pub const SCORE: usize = super::at(super::SURVEYS, "score");
    /// `survey`.
    pub const SURVEY: usize = super::at(super::SURVEYS, "survey");
}

/// Where each field of usage data sits among [`crate::Kind::fields`], by name.
pub(crate) mod usage {
    /// `date`.
    pub const DATE: usize = super::at(super::USAGE, "date");
    /// `system`.
    pub const SYSTEM: usize = super::at(super::USAGE, "system");
    /// `active`.
    pub const ACTIVE: usize = super::at(super::USAGE, "active");
    /// `licensed`.
    pub const LICENSED: usize = super::at(super::USAGE, "licensed");
}

/// Where each field of an asset list sits among [`crate::Kind::fields`], by name.
pub(crate) mod assets {
    /// `name`.
    pub const NAME: usize = super::at(super::ASSETS, "name");
    /// `type`.
    pub const TYPE: usize = super::at(super::ASSETS, "type");
    /// `make`.
    pub const MAKE: usize = super::at(super::ASSETS, "make");
    /// `model`.
    pub const MODEL: usize = super::at(super::ASSETS, "model");
    /// `serial`.
    pub const SERIAL: usize = super::at(super::ASSETS, "serial");
    /// `user`.
    pub const USER: usize = super::at(super::ASSETS, "user");
    /// `site`.
    pub const SITE: usize = super::at(super::ASSETS, "site");
    /// `purchased`.
    pub const PURCHASED: usize = super::at(super::ASSETS, "purchased");
    /// `warranty_end`.
    pub const WARRANTY_END: usize = super::at(super::ASSETS, "warranty_end");
    /// `os`.
    pub const OS: usize = super::at(super::ASSETS, "os");
    /// `os_version`.
    pub const OS_VERSION: usize = super::at(super::ASSETS, "os_version");
    /// `price`.
    pub const PRICE: usize = super::at(super::ASSETS, "price");
}

/// Where each field of processes data sits among [`crate::Kind::fields`], by name.
pub(crate) mod processes {
    /// `process`.
    pub const PROCESS: usize = super::at(super::PROCESSES, "process");
    /// `automated`.
    pub const AUTOMATED: usize = super::at(super::PROCESSES, "automated");
    /// `baseline_cost`.
    pub const BASELINE_COST: usize = super::at(super::PROCESSES, "baseline_cost");
    /// `cost`.
    pub const COST: usize = super::at(super::PROCESSES, "cost");
}

impl Kind {
    /// Every kind, in the order of the CLI's help.
    pub const ALL: [Kind; 7] = [
        Kind::Orders,
        Kind::Marketing,
        Kind::Sessions,
        Kind::Incidents,
        Kind::Surveys,
        Kind::Usage,
        Kind::Processes,
    ];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Orders => "orders",
            Kind::Marketing => "marketing",
            Kind::Sessions => "sessions",
            Kind::Incidents => "incidents",
            Kind::Surveys => "surveys",
            Kind::Usage => "usage",
            Kind::Processes => "processes",
            Kind::Assets => "assets",
        }
    }

    /// Its fields.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Orders => ORDERS,
            Kind::Marketing => MARKETING,
            Kind::Sessions => SESSIONS,
            Kind::Incidents => INCIDENTS,
            Kind::Surveys => SURVEYS,
            Kind::Usage => USAGE,
            Kind::Processes => PROCESSES,
            Kind::Assets => ASSETS,
        }
    }

    /// The kind named on the command line.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Normalises a header: lower case, letters and digits only.
pub fn normalise(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
