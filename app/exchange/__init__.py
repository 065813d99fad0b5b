"""Files that leave and enter the program: the coordinator's .xlsx exchange, tables made
elsewhere, and the resource list for other systems (Open Referral HSDS, GeoJSON). The council's
map travels in the coordinator's file too (map_sheet.py).

Qt-free like the services. Everything read from a file is treated as hostile until checked:
`workbook` opens spreadsheets with size, ratio and DTD limits before a single cell is parsed.

Public entry points:
- export_file.export_councils(store, out, council_ids, anonymize=, password=) -> ExportReport
- merge.import_files(store, paths, password=, dry_run=) -> ImportReport
- table.import_table(store, path, council_id, kind, overrides=, ...) -> TableImportReport
- hsds.export_resources(store, council_id, out, kind=) -> ResourcesExport (HSDS CSV/JSON, GeoJSON)
"""
