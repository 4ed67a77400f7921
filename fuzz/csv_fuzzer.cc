// The accountability CSV (server/wire/report_csv.h) over any domain text and amount: a report
// whose period, allocations, initiative ids and expenses come from the input. The CSV is read
// back by a strict RFC 4180 parser written here (";" between fields, CRLF after each row, a
// field quoted when it holds ; " CR or LF, quotes doubled inside, nothing after a closing
// quote but ; or CRLF; no bare CR or LF outside quotes), and every cell must come back: texts
// as written, with a leading apostrophe exactly when they start with = + - @ TAB or CR;
// amounts as euros with a decimal comma that read back to the same cents, the most negative
// amount included.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "report_csv.h"

namespace {

using Row = std::vector<std::string>;

// The rows of `csv` (after its byte order mark); nullopt where it breaks the rules above.
std::optional<std::vector<Row>> Parse(std::string_view csv) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  size_t i = 0;
  while (i < csv.size()) {
    if (csv[i] == '"') {  // a quoted field: up to a quote that is not doubled
      ++i;
      while (true) {
        const size_t quote = csv.find('"', i);
        if (quote == std::string_view::npos) return std::nullopt;
        field.append(csv.substr(i, quote - i));
        if (quote + 1 < csv.size() && csv[quote + 1] == '"') {
          field.push_back('"');
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
    } else {  // up to ; CR or LF, with no quote on the way
      const size_t end = std::min(csv.find_first_of(";\r\n\"", i), csv.size());
      if (end < csv.size() && csv[end] == '"') return std::nullopt;
      field.append(csv.substr(i, end - i));
      i = end;
    }
    if (i >= csv.size()) return std::nullopt;  // the last row ends in CRLF too
    if (csv[i] == ';') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (csv.compare(i, 2, "\r\n") != 0) return std::nullopt;
    row.push_back(std::move(field));
    field.clear();
    rows.push_back(std::move(row));
    row.clear();
    i += 2;
  }
  return rows;
}

std::string Defended(const std::string& text) {
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                        text[0] == '\t' || text[0] == '\r')) {
    return "'" + text;
  }
  return text;
}

// "1234,50" back to cents; nullopt if it is not that form.
std::optional<int64_t> Cents(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos || comma == 0 || text.size() != comma + 3) {
    return std::nullopt;
  }
  unsigned __int128 magnitude = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == comma) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    magnitude = magnitude * 10 + static_cast<unsigned>(text[i] - '0');
    if (magnitude > (static_cast<unsigned __int128>(1) << 63)) return std::nullopt;
  }
  if (comma > 1 && text[0] == '0') return std::nullopt;
  if (negative) return static_cast<int64_t>(-static_cast<__int128>(magnitude));
  if (magnitude > static_cast<unsigned __int128>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

// A row's cell `at` as the amount `cents`.
void ExpectAmount(const Row& row, size_t at, int64_t cents) {
  FUZZ_CHECK(at < row.size());
  FUZZ_CHECK(Cents(row[at]) == cents);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  rotonde::v1::AccountabilityReport report;
  report.set_position(input.ConsumeIntegral<uint64_t>());
  report.set_period(input.ConsumeRandomLengthString(40));
  report.set_allocated_cents(input.ConsumeIntegral<int64_t>());
  report.set_approved_cents(input.ConsumeIntegral<int64_t>());
  report.set_released_cents(input.ConsumeIntegral<int64_t>());
  report.set_spent_cents(input.ConsumeIntegral<int64_t>());
  report.set_overhead_spent_cents(input.ConsumeIntegral<int64_t>());
  report.set_overhead_cap_percent(input.ConsumeIntegral<int32_t>());
  for (int n = input.ConsumeIntegralInRange(0, 4); n > 0; --n) {
    auto* a = report.add_allocations();
    a->set_id(input.ConsumeRandomLengthString(40));
    a->set_source(input.ConsumeRandomLengthString(80));
    a->set_period(input.ConsumeRandomLengthString(20));
    a->set_amount_cents(input.ConsumeIntegral<int64_t>());
  }
  for (int n = input.ConsumeIntegralInRange(0, 4); n > 0; --n) {
    auto* line = report.add_per_initiative();
    line->set_initiative_id(input.ConsumeRandomLengthString(40));
    line->set_approved_cents(input.ConsumeIntegral<int64_t>());
    line->set_spent_cents(input.ConsumeIntegral<int64_t>());
    line->set_released_cents(input.ConsumeIntegral<int64_t>());
  }
  for (int n = input.ConsumeIntegralInRange(0, 4); n > 0; --n) {
    auto* e = report.add_expenses();
    e->set_id(input.ConsumeRandomLengthString(40));
    e->set_date(input.ConsumeRandomLengthString(20));
    e->set_spending_id(input.ConsumeRandomLengthString(40));
    e->set_paid_to(input.ConsumeRandomLengthString(80));
    e->set_amount_cents(input.ConsumeIntegral<int64_t>());
    e->set_receipt_reference(input.ConsumeRandomLengthString(80));
  }

  const std::string csv = rotonde::wire::AccountabilityCsv(report);
  FUZZ_CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  const auto rows = Parse(std::string_view(csv).substr(3));
  FUZZ_CHECK(rows.has_value());
  const size_t expected_rows = 9 + 3 + static_cast<size_t>(report.allocations_size()) + 3 +
                               static_cast<size_t>(report.per_initiative_size()) + 3 +
                               static_cast<size_t>(report.expenses_size());
  FUZZ_CHECK(rows->size() == expected_rows);
  const std::vector<Row>& r = *rows;

  FUZZ_CHECK(r[1].size() == 2);
  FUZZ_CHECK(r[1][1] == Defended(report.period().empty() ? "alles" : report.period()));
  ExpectAmount(r[2], 1, report.allocated_cents());
  ExpectAmount(r[3], 1, report.approved_cents());
  ExpectAmount(r[4], 1, report.released_cents());
  ExpectAmount(r[5], 1, report.spent_cents());
  ExpectAmount(r[6], 1, report.overhead_spent_cents());
  FUZZ_CHECK(r[7].size() == 2);
  FUZZ_CHECK(
      r[7][1] ==
      (report.overhead_cap_percent() < 0 ? "geen" : std::to_string(report.overhead_cap_percent())));
  FUZZ_CHECK(r[8].size() == 2 && r[8][1] == std::to_string(report.position()));
  FUZZ_CHECK(r[9] == Row{""});

  size_t at = 12;
  for (const auto& a : report.allocations()) {
    const Row& row = r[at++];
    FUZZ_CHECK(row.size() == 4);
    FUZZ_CHECK(row[0] == Defended(a.id()) && row[1] == Defended(a.source()) &&
               row[2] == Defended(a.period()));
    ExpectAmount(row, 3, a.amount_cents());
  }
  FUZZ_CHECK(r[at++] == Row{""});
  at += 2;
  for (const auto& line : report.per_initiative()) {
    const Row& row = r[at++];
    FUZZ_CHECK(row.size() == 4);
    FUZZ_CHECK(row[0] ==
               Defended(line.initiative_id().empty() ? "(overhead)" : line.initiative_id()));
    ExpectAmount(row, 1, line.approved_cents());
    ExpectAmount(row, 2, line.spent_cents());
    ExpectAmount(row, 3, line.released_cents());
  }
  FUZZ_CHECK(r[at++] == Row{""});
  at += 2;
  for (const auto& e : report.expenses()) {
    const Row& row = r[at++];
    FUZZ_CHECK(row.size() == 6);
    FUZZ_CHECK(row[0] == Defended(e.id()) && row[1] == Defended(e.date()) &&
               row[2] == Defended(e.spending_id()) && row[3] == Defended(e.paid_to()) &&
               row[5] == Defended(e.receipt_reference()));
    ExpectAmount(row, 4, e.amount_cents());
  }
  FUZZ_CHECK(at == r.size());
  return 0;
}
