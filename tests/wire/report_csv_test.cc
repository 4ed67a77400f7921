// AccountabilityCsv: the report as a Dutch spreadsheet reads it; quoting, formula injection,
// amounts, and the demo's report.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "demo_log.h"
#include "report_csv.h"
#include "rotonde/projections/views.h"

namespace rotonde::wire {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

// RFC 4180 with ";" as the separator: records of fields, quotes undone. Fails the test on
// anything malformed.
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) {
          ADD_FAILURE() << "an unterminated quote";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      if (i < text.size() && text[i] != ';' && text[i] != '\r') {
        ADD_FAILURE() << "text after a closing quote at " << i;
        return rows;
      }
    }
    if (i >= text.size()) break;
    if (text[i] == ';') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (text[i] == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') {
        ADD_FAILURE() << "a CR without LF at " << i;
        return rows;
      }
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else if (text[i] == '\n' || text[i] == '"') {
      ADD_FAILURE() << "a bare LF or quote at " << i;
      return rows;
    } else {
      field.push_back(text[i++]);
    }
  }
  EXPECT_TRUE(row.empty() && field.empty()) << "the last line lacks its CRLF";
  return rows;
}

v1::AccountabilityReport SampleReport() {
  v1::AccountabilityReport report;
  report.set_position(282);
  report.set_period("2026");
  report.set_allocated_cents(250'000);
  report.set_approved_cents(123'450);
  report.set_released_cents(2'500);
  report.set_spent_cents(5);
  report.set_overhead_spent_cents(0);
  report.set_overhead_cap_percent(10);
  auto* a = report.add_allocations();
  a->set_id("alloc-2026");
  a->set_source("Stadsdeel Nieuw-West; buurtbudget");
  a->set_amount_cents(250'000);
  a->set_period("2026");
  auto* line = report.add_per_initiative();
  line->set_initiative_id("i-braderie");
  line->set_approved_cents(123'450);
  line->set_spent_cents(5);
  line->set_released_cents(2'500);
  auto* overhead = report.add_per_initiative();
  overhead->set_approved_cents(1'000);
  auto* e = report.add_expenses();
  e->set_id("x-1");
  e->set_spending_id("s-kramen");
  e->set_amount_cents(5);
  e->set_receipt_reference("=HYPERLINK(\"http://example.org\";\"bon\")");
  e->set_paid_to("Verhuur \"De Kraam\"\nAmsterdam");
  e->set_date("2026-06-01");
  return report;
}

// The rows of the section titled `title`: its column headers, then its lines.
std::vector<std::vector<std::string>> Section(const std::vector<std::vector<std::string>>& rows,
                                              const std::string& title) {
  std::vector<std::vector<std::string>> out;
  bool inside = false;
  for (const auto& row : rows) {
    if (inside && row.size() == 1 && row[0].empty()) break;
    if (inside) out.push_back(row);
    if (row.size() == 1 && row[0] == title) inside = true;
  }
  return out;
}

TEST(AccountabilityCsv, IsUtf8WithBomSemicolonsAndCrlf) {
  const std::string csv = AccountabilityCsv(SampleReport());
  ASSERT_EQ(csv.rfind(kBom, 0), 0u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  const auto rows = ParseCsv(std::string_view(csv).substr(3));
  ASSERT_GE(rows.size(), 9u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Verantwoording buurtbudget"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Periode", "2026"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Toegekend (€)", "2500,00"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"Goedgekeurd (€)", "1234,50"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Vrijgekomen uit gesloten regels (€)", "25,00"}));
  EXPECT_EQ(rows[5], (std::vector<std::string>{"Uitgegeven (€)", "0,05"}));
  EXPECT_EQ(rows[6], (std::vector<std::string>{"Waarvan overhead (€)", "0,00"}));
  EXPECT_EQ(rows[7], (std::vector<std::string>{"Maximum overhead (%)", "10"}));
  EXPECT_EQ(rows[8], (std::vector<std::string>{"Stand van het logboek (positie)", "282"}));

  EXPECT_EQ(Section(rows, "Toekenningen"),
            (std::vector<std::vector<std::string>>{
                {"Toekenning", "Bron", "Periode", "Bedrag (€)"},
                {"alloc-2026", "Stadsdeel Nieuw-West; buurtbudget", "2026", "2500,00"}}));
  EXPECT_EQ(Section(rows, "Per initiatief"),
            (std::vector<std::vector<std::string>>{
                {"Initiatief", "Goedgekeurd (€)", "Uitgegeven (€)", "Vrijgekomen (€)"},
                {"i-braderie", "1234,50", "0,05", "25,00"},
                {"(overhead)", "10,00", "0,00", "0,00"}}));
  const auto expenses = Section(rows, "Uitgaven");
  ASSERT_EQ(expenses.size(), 2u);
  EXPECT_EQ(expenses[0], (std::vector<std::string>{"Uitgave", "Datum", "Budgetregel", "Betaald aan",
                                                   "Bedrag (€)", "Bonnummer"}));
  EXPECT_EQ(expenses[1][0], "x-1");
  EXPECT_EQ(expenses[1][1], "2026-06-01");
  EXPECT_EQ(expenses[1][2], "s-kramen");
  EXPECT_EQ(expenses[1][3], "Verhuur \"De Kraam\"\nAmsterdam");
  EXPECT_EQ(expenses[1][4], "0,05");
}

TEST(AccountabilityCsv, QuotesFieldsThatNeedItAndOnlyThose) {
  const std::string csv = AccountabilityCsv(SampleReport());
  EXPECT_NE(csv.find("\r\nalloc-2026;\"Stadsdeel Nieuw-West; buurtbudget\";2026;2500,00\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(";\"Verhuur \"\"De Kraam\"\"\nAmsterdam\";"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nPeriode;2026\r\n"), std::string::npos);
  v1::AccountabilityReport report;
  report.add_expenses()->set_paid_to("Café\rDe Hoek");
  EXPECT_NE(AccountabilityCsv(report).find(";\"Café\rDe Hoek\";"), std::string::npos);
}

TEST(AccountabilityCsv, TextThatLooksLikeAFormulaStaysText) {
  const auto cell = [](const std::string& receipt) {
    v1::AccountabilityReport report;
    report.add_expenses()->set_receipt_reference(receipt);
    const std::string csv = AccountabilityCsv(report);
    const auto rows = ParseCsv(std::string_view(csv).substr(3));
    const auto expenses = Section(rows, "Uitgaven");
    EXPECT_EQ(expenses.size(), 2u);
    return expenses.size() == 2 ? expenses[1].back() : std::string();
  };
  EXPECT_EQ(cell("=HYPERLINK(\"http://example.org\";\"bon\")"),
            "'=HYPERLINK(\"http://example.org\";\"bon\")");
  EXPECT_EQ(cell("+31 20 123 4567"), "'+31 20 123 4567");
  EXPECT_EQ(cell("-2+3"), "'-2+3");
  EXPECT_EQ(cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(cell("\t=1"), "'\t=1");
  EXPECT_EQ(cell("\r=1"), "'\r=1");
  EXPECT_EQ(cell("bon 2026-014"), "bon 2026-014");
  EXPECT_EQ(cell("a=b"), "a=b");
  EXPECT_EQ(cell(""), "");
  // Every text column is defended, not only the receipt.
  v1::AccountabilityReport report;
  report.set_period("=1+1");
  report.add_allocations()->set_source("@gemeente");
  report.add_per_initiative()->set_initiative_id("-i");
  report.add_expenses()->set_paid_to("+bakker");
  const std::string csv = AccountabilityCsv(report);
  EXPECT_NE(csv.find("\r\nPeriode;'=1+1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(";'@gemeente;"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n'-i;"), std::string::npos) << csv;
  EXPECT_NE(csv.find(";'+bakker;"), std::string::npos) << csv;
}

TEST(AccountabilityCsv, AmountsInEurosWithADecimalComma) {
  const auto allocated = [](int64_t cents) {
    v1::AccountabilityReport report;
    report.set_allocated_cents(cents);
    const std::string csv = AccountabilityCsv(report);
    const auto rows = ParseCsv(std::string_view(csv).substr(3));
    EXPECT_GE(rows.size(), 3u);
    return rows.size() >= 3 && rows[2].size() == 2 ? rows[2][1] : std::string();
  };
  EXPECT_EQ(allocated(0), "0,00");
  EXPECT_EQ(allocated(5), "0,05");
  EXPECT_EQ(allocated(50), "0,50");
  EXPECT_EQ(allocated(100), "1,00");
  EXPECT_EQ(allocated(123'450), "1234,50");
  EXPECT_EQ(allocated(100'000'000'07), "100000000,07");
  // Not in a valid report, but a negative amount is a number, not a formula.
  EXPECT_EQ(allocated(-5), "-0,05");
  EXPECT_EQ(allocated(std::numeric_limits<int64_t>::min()), "-92233720368547758,08");
}

TEST(AccountabilityCsv, NoCapAndAllPeriodsReadInDutch) {
  v1::AccountabilityReport report;
  report.set_overhead_cap_percent(-1);
  const std::string csv = AccountabilityCsv(report);
  EXPECT_NE(csv.find("\r\nPeriode;alles\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nMaximum overhead (%);geen\r\n"), std::string::npos) << csv;
}

TEST(AccountabilityCsv, TheDemoReportAddsUp) {
  test_support::DemoLog demo;
  ASSERT_TRUE(demo.ok());
  const v1::AccountabilityReport report =
      projections::BuildAccountabilityReport(demo.Model(), "2026");
  ASSERT_GT(report.expenses_size(), 0);
  const std::string csv = AccountabilityCsv(report);
  const auto rows = ParseCsv(std::string_view(csv).substr(3));
  const auto expenses = Section(rows, "Uitgaven");
  ASSERT_EQ(expenses.size(), static_cast<size_t>(report.expenses_size()) + 1);
  int64_t total = 0;
  for (size_t i = 1; i < expenses.size(); ++i) {
    const std::string& amount = expenses[i][4];
    const size_t comma = amount.find(',');
    ASSERT_EQ(comma, amount.size() - 3) << amount;
    total += std::stoll(amount.substr(0, comma)) * 100 + std::stoll(amount.substr(comma + 1));
    EXPECT_EQ(expenses[i][5], report.expenses(static_cast<int>(i - 1)).receipt_reference());
  }
  EXPECT_EQ(total, report.spent_cents());
  EXPECT_EQ(Section(rows, "Toekenningen").size(),
            static_cast<size_t>(report.allocations_size()) + 1);
}

}  // namespace
}  // namespace rotonde::wire
