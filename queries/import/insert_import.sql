-- Record one imported file and what came of it; returns its import_id.
insert into imports (
    kind, file_name, sha256, bytes, format, encoding, report_id, report_name, release,
    library_code, institution_name, institution_id, period_begin, period_end, months,
    created, created_by, rows, skipped, long_rows, replaced_rows, replaced_imports,
    warnings, synthetic, imported_by
) values (
    $kind, $file_name, $sha256, $bytes, $format, $encoding, $report_id, $report_name, $release,
    $library_code, $institution_name, $institution_id, $period_begin, $period_end, $months,
    $created, $created_by, $rows, $skipped, $long_rows, $replaced_rows, $replaced_imports,
    $warnings, $synthetic, $imported_by
)
returning import_id
