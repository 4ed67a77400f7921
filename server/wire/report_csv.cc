#include "report_csv.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rotonde::wire {

namespace {

// Euro cents as "1234,50" (a "-" in front when negative).
std::string EuroAmount(int64_t cents) {
  // In unsigned arithmetic, so that the most negative amount has a magnitude too.
  const bool negative = cents < 0;
  const uint64_t magnitude =
      negative ? ~static_cast<uint64_t>(cents) + 1 : static_cast<uint64_t>(cents);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out.push_back(',');
  out.push_back(static_cast<char>('0' + magnitude % 100 / 10));
  out.push_back(static_cast<char>('0' + magnitude % 10));
  return out;
}

// A cell as written: text is defended and quoted, numbers go as they are. A text cell views
// the report (or a literal), so a row is written without copying its texts first.
struct Cell {
  std::string_view text;
  std::string number;
  bool is_text = true;
};

Cell Text(std::string_view text) { return Cell{text, {}, true}; }
Cell Number(std::string text) { return Cell{{}, std::move(text), false}; }
Cell Euros(int64_t cents) { return Number(EuroAmount(cents)); }

void Render(std::string* out, const Cell& cell) {
  const std::string_view text = cell.is_text ? cell.text : std::string_view(cell.number);
  bool defend = false;
  if (cell.is_text && !text.empty()) {
    const char first = text[0];
    defend = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
             first == '\r';
  }
  // The apostrophe in front needs no quotes of its own.
  if (text.find_first_of(";\"\r\n") == std::string_view::npos) {
    if (defend) out->push_back('\'');
    out->append(text);
    return;
  }
  out->push_back('"');
  if (defend) out->push_back('\'');
  for (size_t at = 0; at < text.size();) {
    const size_t quote = text.find('"', at);
    const size_t end = quote == std::string_view::npos ? text.size() : quote + 1;
    out->append(text.substr(at, end - at));
    if (quote != std::string_view::npos) out->push_back('"');
    at = end;
  }
  out->push_back('"');
}

void Row(std::string* out, std::initializer_list<Cell> cells) {
  bool first = true;
  for (const Cell& cell : cells) {
    if (!first) out->push_back(';');
    first = false;
    Render(out, cell);
  }
  out->append("\r\n");
}

}  // namespace

std::string AccountabilityCsv(const v1::AccountabilityReport& report) {
  std::string out = "\xEF\xBB\xBF";
  Row(&out, {Text("Verantwoording buurtbudget")});
  Row(&out, {Text("Periode"),
             Text(report.period().empty() ? std::string_view("alles") : report.period())});
  Row(&out, {Text("Toegekend (€)"), Euros(report.allocated_cents())});
  Row(&out, {Text("Goedgekeurd (€)"), Euros(report.approved_cents())});
  Row(&out, {Text("Vrijgekomen uit gesloten regels (€)"), Euros(report.released_cents())});
  Row(&out, {Text("Uitgegeven (€)"), Euros(report.spent_cents())});
  Row(&out, {Text("Waarvan overhead (€)"), Euros(report.overhead_spent_cents())});
  Row(&out,
      {Text("Maximum overhead (%)"), report.overhead_cap_percent() < 0
                                         ? Text("geen")
                                         : Number(std::to_string(report.overhead_cap_percent()))});
  Row(&out, {Text("Stand van het logboek (positie)"), Number(std::to_string(report.position()))});

  out.append("\r\n");
  Row(&out, {Text("Toekenningen")});
  Row(&out, {Text("Toekenning"), Text("Bron"), Text("Periode"), Text("Bedrag (€)")});
  for (const auto& a : report.allocations()) {
    Row(&out, {Text(a.id()), Text(a.source()), Text(a.period()), Euros(a.amount_cents())});
  }

  out.append("\r\n");
  Row(&out, {Text("Per initiatief")});
  Row(&out, {Text("Initiatief"), Text("Goedgekeurd (€)"), Text("Uitgegeven (€)"),
             Text("Vrijgekomen (€)")});
  for (const auto& line : report.per_initiative()) {
    Row(&out,
        {Text(line.initiative_id().empty() ? std::string_view("(overhead)") : line.initiative_id()),
         Euros(line.approved_cents()), Euros(line.spent_cents()), Euros(line.released_cents())});
  }

  out.append("\r\n");
  Row(&out, {Text("Uitgaven")});
  Row(&out, {Text("Uitgave"), Text("Datum"), Text("Budgetregel"), Text("Betaald aan"),
             Text("Bedrag (€)"), Text("Bonnummer")});
  for (const auto& e : report.expenses()) {
    Row(&out, {Text(e.id()), Text(e.date()), Text(e.spending_id()), Text(e.paid_to()),
               Euros(e.amount_cents()), Text(e.receipt_reference())});
  }
  return out;
}

}  // namespace rotonde::wire
