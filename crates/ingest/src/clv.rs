//! The orders of predictive customer lifetime value: every orders file read into the models'
//! orders (customer, day, amount) and the customers' names, which `sextant clv` and the
//! server's CLV endpoint both hand to `sextant_metrics::clv::report`.

use sextant_metrics::bgnbd::Order;
use sextant_metrics::records::Names;

use crate::batch::{BatchError, ImportFile, readable};
use crate::{Interners, Kind, Record};

/// Reads orders files (whatever kind they name) into the models' orders and the customers'
/// names, all or nothing (as [`read`](fn@crate::read)); an error names the source it is in. A workbook
/// is unpacked and read once (its rows are read twice: dates, then orders).
pub fn orders(files: &[ImportFile]) -> Result<(Vec<Order>, Names), BatchError> {
    let mut customers = Names::default();
    let mut channels = Names::default();
    let mut out = Vec::new();
    for f in files {
        let source = readable(f.source.clone(), &f.options)?;
        let mut names = Interners {
            customers: Some(&mut customers),
            channels: Some(&mut channels),
            systems: None,
        };
        crate::read(
            &source,
            Kind::Orders,
            &f.options,
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
        .map_err(|e| BatchError::file(source.name(), e))?;
    }
    Ok((out, customers))
}
