#include "mail_text.h"

#include <sodium.h>

#include <ctime>

namespace rotonde::mail {
namespace {

bool English(std::string_view language) { return LanguageOf(language) == "en"; }

// "2026-06-14" as "14 juni 2026" / "14 June 2026"; anything else as it is.
std::string DateWords(const std::string& iso, std::string_view language) {
  static const char* kNl[] = {"januari",   "februari", "maart",    "april",
                              "mei",       "juni",     "juli",     "augustus",
                              "september", "oktober",  "november", "december"};
  static const char* kEn[] = {"January",   "February", "March",    "April",
                              "May",       "June",     "July",     "August",
                              "September", "October",  "November", "December"};
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
  const int month = std::atoi(iso.substr(5, 2).c_str());
  const int day = std::atoi(iso.substr(8, 2).c_str());
  if (month < 1 || month > 12 || day < 1) return iso;
  const char* name = English(language) ? kEn[month - 1] : kNl[month - 1];
  return std::to_string(day) + " " + name + " " + iso.substr(0, 4);
}

std::string Quoted(const std::string& title) { return "‘" + title + "’"; }

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Base64 in lines of 76 characters (RFC 2045), each ending in CRLF.
std::string Base64Lines(std::string_view bytes) {
  const std::string encoded = Base64(bytes);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

bool Ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80 || c < 0x20) return false;
  }
  return true;
}

// A header value: as it is when plain ASCII, else RFC 2047 encoded words of whole UTF-8
// characters, each at most 75 octets.
std::string HeaderText(std::string_view text) {
  if (Ascii(text)) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    // 45 bytes of UTF-8 encode to 60 characters of base64: with "=?UTF-8?B?" and "?=" 72.
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

// A line of text without CR or LF (a header may not carry one: no header injection).
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  return out;
}

std::string RfcDate(int64_t now_seconds) {
  const std::time_t t = static_cast<std::time_t>(now_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return buffer;
}

// The HTML page around a body, kept simple: mail clients differ in what they show.
std::string HtmlPage(std::string_view language, const std::string& body) {
  return "<!doctype html>\n<html lang=\"" + std::string(LanguageOf(language)) +
         "\"><head><meta charset=\"utf-8\"></head>\n"
         "<body style=\"font-family:sans-serif;line-height:1.5;color:#1b2428\">\n" +
         body + "</body></html>\n";
}

std::string Footer(std::string_view language, const MailLinks& links, bool html) {
  const std::string& settings_link = links.settings;
  const std::string& unsubscribe_page = links.unsubscribe_page;
  const bool en = English(language);
  const std::string why = en ? "You receive this because you are a member of a Rotonde "
                               "neighbourhood platform."
                             : "Je krijgt deze mail omdat je lid bent van een buurtplatform "
                               "op Rotonde.";
  const std::string settings = en ? "Mail settings" : "Instellingen voor mail";
  const std::string stop = en ? "Unsubscribe" : "Afmelden";
  if (!html) {
    return "\n-- \n" + why + "\n" + settings + ": " + settings_link + "\n" + stop + ": " +
           unsubscribe_page + "\n";
  }
  return "<hr><p style=\"font-size:0.9em;color:#52606d\">" + HtmlEscape(why) + "<br><a href=\"" +
         HtmlEscape(settings_link) + "\">" + HtmlEscape(settings) + "</a> · <a href=\"" +
         HtmlEscape(unsubscribe_page) + "\">" + HtmlEscape(stop) + "</a></p>\n";
}

}  // namespace

std::string_view LanguageOf(std::string_view language) { return language == "en" ? "en" : "nl"; }

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Described Describe(const v1::Notification& n, std::string_view language) {
  const bool en = English(language);
  const std::string title = Quoted(n.title());
  const std::string other = Quoted(n.other_title());
  const std::string actor = n.actor_name().empty() ? (en ? "Someone" : "Iemand") : n.actor_name();
  const std::string person =
      n.member_name().empty() ? (en ? "someone" : "iemand") : n.member_name();
  const std::string reason = n.reason().empty() ? "" : (en ? " Reason: " : " Reden: ") + n.reason();
  const std::string& k = n.kind();
  if (k == "clash_detected" || k == "clash_reopened") {
    return {en ? "Possible duplicate: " + title + " and " + other
               : "Mogelijke dubbeling: " + title + " en " + other,
            en ? title + " may clash with " + other +
                     ". Have a look together: join forces, or say why they stay apart."
               : title + " lijkt te botsen met " + other +
                     ". Kijk er samen naar: de krachten bundelen, of zeggen waarom ze apart "
                     "blijven."};
  }
  if (k == "clash_dismissed") {
    return {
        en ? "Kept apart: " + title + " and " + other : "Bewust apart: " + title + " en " + other,
        en ? actor + " said " + title + " and " + other + " stay apart." + reason
           : actor + " gaf aan dat " + title + " en " + other + " apart blijven." + reason};
  }
  if (k == "clash_resolved") {
    return {en ? "No longer a clash: " + title + " and " + other
               : "Geen botsing meer: " + title + " en " + other,
            en ? title + " and " + other + " no longer clash." + reason
               : title + " en " + other + " botsen niet meer." + reason};
  }
  if (k == "merge_proposed") {
    return {en ? "Proposal to join forces: " + title + " and " + other
               : "Voorstel om samen te gaan: " + title + " en " + other,
            en ? actor + " proposes that " + title + " and " + other +
                     " join forces. Both sides decide."
               : actor + " stelt voor dat " + title + " en " + other +
                     " samengaan. Beide kanten beslissen mee."};
  }
  if (k == "merge_accepted") {
    return {en ? "Yes to joining forces: " + title + " and " + other
               : "Ja tegen samengaan: " + title + " en " + other,
            en ? actor + " said yes to joining " + title + " and " + other + "."
               : actor + " zei ja tegen het samengaan van " + title + " en " + other + "."};
  }
  if (k == "merge_declined") {
    return {
        en ? "No to joining forces: " + title + " and " + other
           : "Nee tegen samengaan: " + title + " en " + other,
        en ? actor + " said no to joining " + title + " and " + other + "." + reason
           : actor + " zei nee tegen het samengaan van " + title + " en " + other + "." + reason};
  }
  if (k == "initiatives_merged") {
    return {en ? "Joined forces: " + title + " and " + other
               : "Samen verder: " + title + " en " + other,
            en ? title + " and " + other + " are now one initiative."
               : title + " en " + other + " zijn nu één initiatief."};
  }
  if (k == "learning_requested") {
    return {en ? person + " wants to learn " + title : person + " wil " + title + " leren",
            en ? person + " would like to be shown how to do " + title + "."
               : person + " wil graag leren hoe " + title + " gaat."};
  }
  if (k == "teaching_offered") {
    return {en ? "Learning " + title + " together with " + person
               : "Samen " + title + " leren met " + person,
            en ? "You and " + person + " are paired to do " + title + " together."
               : "Jij en " + person + " doen " + title + " samen, zodat je het leert."};
  }
  if (k == "spending_decided") {
    return {en ? (n.approved() ? "Approved: " : "Not approved: ") + title
               : (n.approved() ? "Goedgekeurd: " : "Niet goedgekeurd: ") + title,
            en ? "The spending you proposed, " + title + ", was " +
                     (n.approved() ? "approved." : "not approved.") + reason
               : "De uitgave die je voorstelde, " + title + ", is " +
                     (n.approved() ? "goedgekeurd." : "niet goedgekeurd.") + reason};
  }
  if (k == "action_assigned") {
    const std::string due =
        n.due_date().empty() ? "" : (en ? ", due " : ", vóór ") + DateWords(n.due_date(), language);
    return {en ? "An action for you: " + title : "Een actiepunt voor jou: " + title,
            en ? "The action " + title + " is yours" + due + "."
               : "Het actiepunt " + title + " staat op jouw naam" + due + "."};
  }
  if (k == "proposal_submitted") {
    return {en ? "New residents' proposal: " + title : "Nieuw bewonersvoorstel: " + title,
            en ? "A resident sent a proposal: " + title + "."
               : "Een bewoner stuurde een voorstel: " + title + "."};
  }
  return {en ? "News on your neighbourhood platform" : "Nieuws op je buurtplatform",
          en ? "Something happened that concerns you." : "Er gebeurde iets dat jou aangaat."};
}

std::string LinkOf(const v1::Notification& n, std::string_view base_url,
                   std::string_view platform) {
  std::string link = std::string(base_url) + "/#/p/" + std::string(platform);
  const std::string& k = n.kind();
  if (k == "spending_decided") return link + "/budget";
  if (k == "action_assigned") return link + "/meetings";
  if (k == "proposal_submitted") return link + "/proposals";
  if (!n.initiative_id().empty()) return link + "/initiatives/" + n.initiative_id();
  return link + "/inbox";
}

v1::OutgoingMail InstantMail(const v1::Notification& n, std::string_view language,
                             std::string_view platform_name, std::string_view link,
                             const MailLinks& links) {
  const bool en = English(language);
  const Described said = Describe(n, language);
  v1::OutgoingMail mail;
  mail.set_subject(OneLine(said.subject));
  const std::string see = en ? "See it on Rotonde" : "Bekijk het op Rotonde";
  mail.set_text(std::string(platform_name) + "\n\n" + said.sentence + "\n\n" + see + ": " +
                std::string(link) + "\n" + Footer(language, links, false));
  mail.set_html(HtmlPage(
      language, "<p style=\"color:#52606d\">" + HtmlEscape(platform_name) + "</p>\n<p>" +
                    HtmlEscape(said.sentence) + "</p>\n<p><a href=\"" + HtmlEscape(link) + "\">" +
                    HtmlEscape(see) + "</a></p>\n" + Footer(language, links, true)));
  mail.set_unsubscribe_url(links.unsubscribe_url);
  return mail;
}

v1::OutgoingMail DigestMail(const std::vector<v1::DigestLine>& lines, std::string_view language,
                            const MailLinks& links) {
  const bool en = English(language);
  v1::OutgoingMail mail;
  const std::string count = std::to_string(lines.size());
  mail.set_subject(en ? (lines.size() == 1 ? "1 new notification" : count + " new notifications")
                      : (lines.size() == 1 ? "1 nieuwe melding" : count + " nieuwe meldingen"));
  std::string text = en ? "What happened since the last digest:\n"
                        : "Wat er gebeurde sinds de vorige samenvatting:\n";
  std::string html = "<p>" + HtmlEscape(text) + "</p>\n";
  // Grouped by platform, in the order the lines came.
  std::string current;
  for (const v1::DigestLine& line : lines) {
    if (line.platform_name() != current) {
      if (!current.empty()) html += "</ul>\n";
      current = line.platform_name();
      text += "\n" + current + "\n";
      html += "<h3>" + HtmlEscape(current) + "</h3>\n<ul>\n";
    }
    text += "- " + line.text() + "\n  " + line.link() + "\n";
    html += "<li>" + HtmlEscape(line.text()) + " <a href=\"" + HtmlEscape(line.link()) + "\">" +
            (en ? "See it" : "Bekijk") + "</a></li>\n";
  }
  if (!current.empty()) html += "</ul>\n";
  mail.set_text(text + Footer(language, links, false));
  mail.set_html(HtmlPage(language, html + Footer(language, links, true)));
  mail.set_unsubscribe_url(links.unsubscribe_url);
  return mail;
}

std::string MimeMessage(const v1::OutgoingMail& mail, std::string_view from, int64_t now_seconds) {
  const std::string boundary =
      "rotonde-" + mail.message_id().substr(0, mail.message_id().find('@'));
  std::string m;
  m += "From: Rotonde <" + OneLine(from) + ">\r\n";
  m += "To: <" + OneLine(mail.to()) + ">\r\n";
  m += "Subject: " + HeaderText(OneLine(mail.subject())) + "\r\n";
  m += "Date: " + RfcDate(now_seconds) + "\r\n";
  m += "Message-ID: <" + OneLine(mail.message_id()) + ">\r\n";
  if (!mail.unsubscribe_url().empty()) {
    m += "List-Unsubscribe: <" + OneLine(mail.unsubscribe_url()) + ">\r\n";
    m += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(mail.text());
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(mail.html());
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace rotonde::mail
