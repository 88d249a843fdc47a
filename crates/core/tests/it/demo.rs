//! The Corner Bookstore demo.
