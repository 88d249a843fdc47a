//! The orders of predictive customer lifetime value: every orders file read into the models'
//! orders (customer, day, amount) and the customers' names, which `sextant clv` and the
//! server's CLV endpoint both hand to `sextant_metrics::clv::report`.

use std::path::{Path, PathBuf};

use sextant_metrics::bgnbd::Order;
use sextant_metrics::records::Names;

use crate::{ImportError, Interners, Kind, Options, Record};

/// Reads orders files into the models' orders and the customers' names, all or nothing (as
/// [`crate::read`]); an error names the file it is in.
pub fn orders(files: &[(&Path, &Options)]) -> Result<(Vec<Order>, Names), (PathBuf, ImportError)> {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut out = Vec::new();
    for (path, opts) in files {
        // A workbook is unpacked and read once (its rows are read twice: dates, then orders).
        let rows = if crate::sheet::is_workbook(path) {
            Some(
                crate::sheet::TempRows::of(path, opts.sheet.as_deref(), &opts.stop)
                    .map_err(|e| (path.to_path_buf(), e))?,
            )
        } else {
            None
        };
        let src = rows.as_ref().map_or(*path, |r| r.path());
        let mut names = Interners {
            customers: Some(&mut customers),
            channels: Some(&mut channels),
            systems: None,
        };
        crate::read(
            src,
            Kind::Orders,
            opts,
            &mut names,
            |r| {
                if let Record::Order(o) = r {
                    out.push(Order {
                        customer: o.customer,
                        day: o.day,
                        amount: o.amount,
                    });
                }
            },
            |_| {},
        )
        .map_err(|e| (path.to_path_buf(), e))?;
    }
    Ok((out, customers))
}
