// The accountability report as CSV, for the treasurer's spreadsheet (docs/api.md,
// `report.csv`): what Excel and LibreOffice in a Dutch locale open without an import dialog.
#pragma once

#include <string>

#include "rotonde/v1/views.pb.h"

namespace rotonde::wire {

// `report` as CSV: UTF-8 with a byte order mark (so Excel reads it as UTF-8), ";" between
// fields, CRLF line ends, column headers in Dutch. Four sections, separated by an empty line:
//   1. a header block of label;value lines: period, allocated, approved, spent, of which
//      overhead, the overhead cap (percent, or "geen"), and the log position it reflects;
//   2. "Toekenningen": the allocations;
//   3. "Per initiatief": approved and spent per initiative ("(overhead)" for overhead);
//   4. "Uitgaven": the expenses, with their receipt references.
// Amounts are euros with a decimal comma and no thousands separator ("1234,50", "0,05").
// Fields holding ";", '"', CR or LF are quoted (RFC 4180, quotes doubled). A text field that
// a spreadsheet would take for a formula (starting with = + - @ TAB or CR) gets a leading
// apostrophe, so a receipt reference like "=HYPERLINK(...)" stays text.
std::string AccountabilityCsv(const v1::AccountabilityReport& report);

}  // namespace rotonde::wire
