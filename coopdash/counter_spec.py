"""What the COUNTER Code of Practice (Release 5.0.x and 5.1) says a report is.

Shared by the importer (to check a file) and the sample generator (to write one),
so the two can never disagree about a name.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER_KEYS_R5 = (
    "Report_Name",
    "Report_ID",
    "Release",
    "Institution_Name",
    "Institution_ID",
    "Metric_Types",
    "Report_Filters",
    "Report_Attributes",
    "Exceptions",
    "Reporting_Period",
    "Created",
    "Created_By",
)
HEADER_KEYS_R51 = HEADER_KEYS_R5 + ("Registry_Record",)

SEARCH_METRICS = (
    "Searches_Regular",
    "Searches_Automated",
    "Searches_Federated",
    "Searches_Platform",
)
INVESTIGATION_METRICS = (
    "Total_Item_Investigations",
    "Unique_Item_Investigations",
    "Unique_Title_Investigations",
)
REQUEST_METRICS = (
    "Total_Item_Requests",
    "Unique_Item_Requests",
    "Unique_Title_Requests",
)
DENIAL_METRICS = ("No_License", "Limit_Exceeded")
METRICS = SEARCH_METRICS + INVESTIGATION_METRICS + REQUEST_METRICS + DENIAL_METRICS

# Item identifying and attribute columns, in the order the Code of Practice lists
# them, mapped to the column names of the `usage` table.
ITEM_COLUMNS = {
    "Database": "database",
    "Title": "title",
    "Item": "title",
    "Publisher": "publisher",
    "Publisher_ID": "publisher_id",
    "Platform": "platform",
    "Authors": "authors",
    "Publication_Date": "publication_date",
    "Article_Version": "article_version",
    "DOI": "doi",
    "Proprietary_ID": "proprietary_id",
    "ISBN": "isbn",
    "Print_ISSN": "print_issn",
    "Online_ISSN": "online_issn",
    "Linking_ISSN": "linking_issn",
    "URI": "uri",
    "Parent_Title": "parent_title",
    "Parent_Authors": "parent_authors",
    "Parent_Publication_Date": "parent_publication_date",
    "Parent_Article_Version": "parent_article_version",
    "Parent_Data_Type": "parent_data_type",
    "Parent_DOI": "parent_doi",
    "Parent_Proprietary_ID": "parent_proprietary_id",
    "Parent_ISBN": "parent_isbn",
    "Parent_Print_ISSN": "parent_print_issn",
    "Parent_Online_ISSN": "parent_online_issn",
    "Parent_URI": "parent_uri",
    "Component_Title": "component_title",
    "Component_Authors": "component_authors",
    "Component_Publication_Date": "component_publication_date",
    "Component_Data_Type": "component_data_type",
    "Component_DOI": "component_doi",
    "Component_Proprietary_ID": "component_proprietary_id",
    "Component_ISBN": "component_isbn",
    "Component_Print_ISSN": "component_print_issn",
    "Component_Online_ISSN": "component_online_issn",
    "Component_URI": "component_uri",
    "Data_Type": "data_type",
    "Section_Type": "section_type",
    "YOP": "yop",
    "Access_Type": "access_type",
    "Access_Method": "access_method",
}
METRIC_COLUMN = "Metric_Type"
TOTAL_COLUMN = "Reporting_Period_Total"


@dataclass(frozen=True)
class ReportSpec:
    report_id: str
    name_r5: str
    name_r51: str
    item_column: str  # the column that names what a row counts
    metrics: tuple[str, ...]

    @property
    def master(self) -> str:
        return self.report_id.split("_")[0]

    def name(self, release: str) -> str:
        return self.name_r51 if release == "5.1" else self.name_r5


_ITEM_USAGE = INVESTIGATION_METRICS + REQUEST_METRICS

REPORTS: dict[str, ReportSpec] = {
    spec.report_id: spec
    for spec in (
        ReportSpec(
            "PR",
            "Platform Master Report",
            "Platform Report",
            "Platform",
            ("Searches_Platform",) + _ITEM_USAGE,
        ),
        ReportSpec(
            "PR_P1",
            "Platform Usage",
            "Platform Usage",
            "Platform",
            ("Searches_Platform", "Total_Item_Requests", "Unique_Item_Requests", "Unique_Title_Requests"),
        ),
        ReportSpec(
            "DR",
            "Database Master Report",
            "Database Report",
            "Database",
            SEARCH_METRICS[:3] + _ITEM_USAGE + DENIAL_METRICS,
        ),
        ReportSpec(
            "DR_D1",
            "Database Search and Item Usage",
            "Database Search and Item Usage",
            "Database",
            SEARCH_METRICS[:3] + _ITEM_USAGE,
        ),
        ReportSpec(
            "DR_D2",
            "Database Access Denied",
            "Database Access Denied",
            "Database",
            DENIAL_METRICS,
        ),
        ReportSpec(
            "TR",
            "Title Master Report",
            "Title Report",
            "Title",
            _ITEM_USAGE + DENIAL_METRICS,
        ),
        ReportSpec(
            "TR_B1",
            "Book Requests (Excluding OA_Gold)",
            "Book Requests (Controlled)",
            "Title",
            REQUEST_METRICS,
        ),
        ReportSpec("TR_B2", "Book Access Denied", "Book Access Denied", "Title", DENIAL_METRICS),
        ReportSpec(
            "TR_B3",
            "Book Usage by Access Type",
            "Book Usage by Access Type",
            "Title",
            _ITEM_USAGE,
        ),
        ReportSpec(
            "TR_J1",
            "Journal Requests (Excluding OA_Gold)",
            "Journal Requests (Controlled)",
            "Title",
            ("Total_Item_Requests", "Unique_Item_Requests"),
        ),
        ReportSpec("TR_J2", "Journal Access Denied", "Journal Access Denied", "Title", DENIAL_METRICS),
        ReportSpec(
            "TR_J3",
            "Journal Usage by Access Type",
            "Journal Usage by Access Type",
            "Title",
            (
                "Total_Item_Investigations",
                "Unique_Item_Investigations",
                "Total_Item_Requests",
                "Unique_Item_Requests",
            ),
        ),
        ReportSpec(
            "TR_J4",
            "Journal Requests by YOP (Excluding OA_Gold)",
            "Journal Requests by YOP (Controlled)",
            "Title",
            ("Total_Item_Requests", "Unique_Item_Requests"),
        ),
        ReportSpec(
            "IR",
            "Item Master Report",
            "Item Report",
            "Item",
            (
                "Total_Item_Investigations",
                "Unique_Item_Investigations",
                "Total_Item_Requests",
                "Unique_Item_Requests",
            )
            + DENIAL_METRICS,
        ),
        ReportSpec(
            "IR_A1",
            "Journal Article Requests",
            "Journal Article Requests",
            "Item",
            ("Total_Item_Requests", "Unique_Item_Requests"),
        ),
        ReportSpec(
            "IR_M1",
            "Multimedia Item Requests",
            "Multimedia Item Requests",
            "Item",
            ("Total_Item_Requests", "Unique_Item_Requests"),
        ),
    )
}

# Each family's reports in order of preference: the master report, then its views.
FAMILIES: dict[str, tuple[str, ...]] = {
    master: tuple(report_id for report_id, spec in REPORTS.items() if spec.master == master)
    for master in dict.fromkeys(spec.master for spec in REPORTS.values())
}
PREFERENCE = tuple(report for reports in FAMILIES.values() for report in reports)

# Rules the COUNTER Validator applies per item and month: (larger, smaller).
# queries/import/counter_rule_breaks.sql checks exactly these (a test holds them together).
CONSISTENCY_RULES = (
    ("Total_Item_Investigations", "Unique_Item_Investigations"),
    ("Unique_Item_Investigations", "Unique_Item_Requests"),
    ("Total_Item_Investigations", "Total_Item_Requests"),
    ("Total_Item_Requests", "Unique_Item_Requests"),
    ("Unique_Title_Investigations", "Unique_Title_Requests"),
)
