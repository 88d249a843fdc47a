-- A data set read from a worksheet (XLSX, XLS, ODS) keeps the sheet's rows as read (a compact
-- CSV of line numbers and cells, `sextant_ingest::sheet`), so that analyses read it instead of
-- unpacking the workbook again. NULL for CSV files and for data sets stored before this
-- column, whose parsed form is written the first time they are read.
ALTER TABLE datasets ADD COLUMN parsed BLOB;
