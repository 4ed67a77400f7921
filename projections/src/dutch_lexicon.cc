#include "dutch_lexicon.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dutch_stemmer.h"
#include "embedded_data.h"
#include "utf8_fold.h"

namespace rotonde::projections::internal {
namespace {

// Dutch function words: articles, pronouns, prepositions, conjunctions, auxiliaries and
// particles. Folded, so "één" is "een" and "z'n" arrives as "z" "n".
constexpr std::string_view kFunctionWords[] = {
    "aan", "al", "alle", "allemaal", "alles", "als", "ben", "bent", "bij", "boven", "dan", "dat",
    "de", "deze", "die", "dit", "doe", "doen", "doet", "door", "dus", "een", "eens", "elk", "elke",
    "en", "er", "erbij", "erin", "eruit", "erg", "even", "ga", "gaan", "gaat", "geen", "had",
    "hadden", "haar", "heb", "hebben", "hebt", "heeft", "heel", "hem", "hen", "het", "hier", "hij",
    "hoe", "hun", "ieder", "iedere", "iets", "ik", "in", "is", "je", "jij", "jou", "jouw", "jullie",
    "kan", "kon", "kun", "kunnen", "kunt", "laat", "laten", "maak", "maakt", "maar", "maken", "mag",
    "me", "mee", "meer", "mij", "mijn", "mn", "moet", "moeten", "mogen", "met", "na", "naar",
    "niet", "niets", "nog", "nu", "of", "om", "omdat", "onder", "ons", "onze", "ook", "op", "over",
    "per", "rond", "rondom", "sinds", "staan", "staat", "t", "te", "tegen", "tijdens", "toch",
    "toen", "tot", "tussen", "u", "uit", "uw", "vanaf", "van", "veel", "via", "voor", "waar",
    "wanneer", "want", "waren", "was", "wat", "we", "weer", "wel", "welk", "welke", "werd",
    "werden", "wie", "wij", "wil", "willen", "wilt", "word", "wordt", "worden", "zal", "ze", "zeer",
    "zelf", "zich", "zij", "zijn", "zn", "zo", "zoals", "zodat", "zonder", "zou", "zouden",
    "zullen", "zult", "langs", "dr",
    // verbs and adverbs of any description ("vrijwilligers gezocht", "wie het nodig heeft")
    "help", "helpen", "helpt", "zoek", "zoeken", "zoekt", "gezocht", "krijg", "krijgen", "krijgt",
    "blijf", "blijven", "blijft", "begin", "beginnen", "begint", "ligt", "liggen", "zet", "zetten",
    "nodig", "klaar", "ander", "andere", "anderen", "beter", "echt", "graag", "altijd", "vaak",
    "soms", "daarna", "eerst", "eigen", "aanleggen", "opzetten", "plaatsen", "starten", "regelen",
    "houden",
    // numerals: counts and dates, not kinds of plans
    "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "twaalf"};

// Words that any initiative of a neighbourhood platform may carry, so that sharing them says
// nothing about being the same plan: who it is for (the neighbourhood, its residents), how it
// feels (gezellig, leuk), when it is (weekdays, months, parts of the day: the clash
// projection compares dates itself), and the call to join in. Only whole words: "buurt"
// alone is filler, "buurtfeest" is not (StripGenericModifier reads it as "feest").
constexpr std::string_view kFillerWords[] = {
    // the neighbourhood and its people
    "buurt", "buurten", "buurtje", "wijk", "wijken", "wijkje", "bewoner", "bewoners",
    "buurtbewoner", "buurtbewoners", "buur", "buren", "buurtgenoot", "buurtgenoten", "mens",
    "mensen", "iedereen", "jong", "oud",
    // tone and invitation
    "samen", "gezellig", "gezellige", "leuk", "leuke", "mooi", "mooie", "groot", "grote", "hele",
    "nieuw", "nieuwe", "welkom", "kom", "komen", "komt", "meedoen", "aanmelden", "opgeven", "info",
    "activiteit", "activiteiten", "organiseren", "georganiseerd", "vrijwilliger", "vrijwilligers",
    "actie", "acties",
    // time: the date is structured data, compared by the clash projection itself
    "dag", "dagen", "ochtend", "ochtends", "middag", "middags", "avond", "avonds", "nacht",
    "vandaag", "morgen", "binnenkort", "uur", "uurtje", "keer", "week", "weken", "weekend", "maand",
    "maanden", "jaar", "jaren", "wekelijks", "wekelijkse", "maandelijks", "maandelijkse",
    "jaarlijks", "jaarlijkse", "januari", "februari", "maart", "april", "mei", "juni", "juli",
    "augustus", "september", "oktober", "november", "december", "zomer", "winter", "lente",
    "herfst", "voorjaar", "najaar", "zomerse", "winterse",
    // money amounts are in the budget, not in the kind of plan
    "euro"};

constexpr std::string_view kWeekdays[] = {"maandag", "dinsdag",  "woensdag", "donderdag",
                                          "vrijdag", "zaterdag", "zondag"};
constexpr std::string_view kDayParts[] = {"", "s", "en", "ochtend", "middag", "avond"};

enum class Mode {
  kWhole,     // the whole word only
  kHead,      // the whole word or the end of a compound (Dutch compounds are right-headed)
  kModifier,  // the whole word or the start of a compound
};

struct Synonym {
  std::string_view variant;
  std::string_view canonical;
  Mode mode;
};

// Words of the same meaning in neighbourhood initiatives, each group with the reason it is
// one meaning. Kept short on purpose: every entry must hold for any neighbourhood, not for
// one example. Whole-word entries also name the compounds that are read as one word when
// written apart ("clean up", "repair cafe", "bewoners avond").
constexpr Synonym kSynonyms[] = {
    // A newsletter, a neighbourhood paper and a neighbourhood magazine do one job: informing
    // the neighbourhood. Story 3: "starting a second neighbourhood newspaper is absurd".
    {"nieuwsbrief", "krant", Mode::kHead},
    {"nieuwsblad", "krant", Mode::kHead},
    {"wijkblad", "krant", Mode::kWhole},
    {"buurtblad", "krant", Mode::kWhole},
    // A residents' meeting goes by many names; story 3's "grote bewonersbijeenkomst".
    {"vergadering", "bijeenkomst", Mode::kHead},
    {"vergaderen", "bijeenkomst", Mode::kWhole},
    {"overleg", "bijeenkomst", Mode::kHead},
    {"bewonersavond", "bijeenkomst", Mode::kWhole},
    {"buurtavond", "bijeenkomst", Mode::kWhole},
    {"wijkavond", "bijeenkomst", Mode::kWhole},
    {"informatieavond", "bijeenkomst", Mode::kWhole},
    {"infoavond", "bijeenkomst", Mode::kWhole},
    {"informatieochtend", "bijeenkomst", Mode::kWhole},
    {"informatiemiddag", "bijeenkomst", Mode::kWhole},
    // Cleaning up the street: the action is named by the act (opschonen, opruimen,
    // schoonmaken) or by what is picked up (zwerfafval, zwerfvuil).
    {"schoonmaak", "opschoon", Mode::kModifier},
    {"schoonmaken", "opschoon", Mode::kWhole},
    {"opruim", "opschoon", Mode::kModifier},
    {"opruimen", "opschoon", Mode::kWhole},
    {"opschonen", "opschoon", Mode::kWhole},
    {"zwerfafval", "opschoon", Mode::kModifier},
    {"zwerfvuil", "opschoon", Mode::kModifier},
    {"cleanup", "opschoon", Mode::kWhole},  // also "clean up"
    // A market of stalls in the street held by residents, whatever it sells: for a
    // coordinator two of them in one week compete for the same stall holders and visitors
    // (story 1). Seasonal markets (kerstmarkt) are not in this group.
    {"straatmarkt", "braderie", Mode::kHead},
    {"rommelmarkt", "braderie", Mode::kHead},
    {"vlooienmarkt", "braderie", Mode::kHead},
    {"vrijmarkt", "braderie", Mode::kHead},
    {"kleedjesmarkt", "braderie", Mode::kHead},
    // Giving things away: weggeefmarkt, geefmarkt, weggeefactie, "geef- en neemmarkt".
    // A give-away market is a give-away in the form of a market: "markt" is its format here.
    {"weggeven", "weggeef", Mode::kWhole},
    {"geef", "weggeef", Mode::kModifier},
    {"weggeefmarkt", "weggeef", Mode::kHead},
    // Clothes.
    {"kleren", "kleding", Mode::kModifier},
    {"kleertjes", "kleding", Mode::kWhole},
    // Children (kinderen is an irregular plural the stemmer does not know).
    {"kids", "kind", Mode::kWhole},
    {"kinderen", "kind", Mode::kWhole},
    {"kinder", "kind", Mode::kModifier},
    // The elderly.
    {"ouderen", "senior", Mode::kModifier},
    {"senioren", "senior", Mode::kModifier},
    {"bejaarden", "senior", Mode::kModifier},
    // Repairing; "repair café" is the international name of the reparatiecafé.
    {"repair", "reparatie", Mode::kModifier},
    {"repaircafe", "reparatiecafe", Mode::kWhole},  // also "repair cafe"
    {"repareren", "reparatie", Mode::kWhole},
    // A shared meal.
    {"diner", "maaltijd", Mode::kHead},
    {"etentje", "maaltijd", Mode::kHead},
    // Drinks to meet (nieuwjaarsborrel, nieuwjaarsreceptie).
    {"receptie", "borrel", Mode::kHead},
    // Forms of teaching: a course, a lesson and a workshop (see SplitFormatHead).
    {"cursus", "les", Mode::kHead},
    {"workshop", "les", Mode::kHead},
    {"lessen", "les", Mode::kWhole},
    {"club", "groep", Mode::kHead},
    {"comite", "groep", Mode::kHead},
    // Other names of one thing.
    {"moestuin", "groentetuin", Mode::kHead},  // moes is the old word for groente
    {"bioscoop", "film", Mode::kHead},         // buitenbioscoop, buurtbioscoop: a film showing
    {"fair", "markt", Mode::kHead},            // winterfair: the English loan for a market
    {"buurtwacht", "buurtpreventie", Mode::kWhole},  // the residents' watch under its two names
    {"wijkwacht", "buurtpreventie", Mode::kWhole},
    // Abbreviations and old spellings.
    {"bbq", "barbecue", Mode::kModifier},
    {"aktie", "actie", Mode::kHead},
    {"akties", "acties", Mode::kWhole},
};

// A remainder shorter than this is not taken for a word of its own.
constexpr size_t kMinCompoundPart = 3;

// Modifiers every initiative of the platform shares, taken off compounds: who it is for,
// and the season, which is part of the date (zomerfeest, winterbraderie).
constexpr std::string_view kGenericModifiers[] = {
    "bewoners", "buurt", "wijk", "voorjaars", "najaars", "zomer", "winter", "lente", "herfst"};
// Compounds whose remainder would be too vague to stand alone ("huis", "centrum").
constexpr std::string_view kKeepWhole[] = {"buurthuis", "buurtcentrum", "wijkcentrum", "buurtwerk",
                                           "wijkwerk"};
constexpr size_t kMinRemainderAfterModifier = 4;

// Heads naming the form of an activity (after synonyms: cursus and workshop are "les",
// club and comité "groep"), split off compounds as a term of their own.
// A market ("kledingmarkt", "boekenmarkt") is a form too: what is sold decides the plan.
constexpr std::string_view kFormatHeads[] = {"begeleiding", "groep", "cafe", "les", "markt"};
// Heads naming its time, or just "an action": dropped from compounds. Longer first.
constexpr std::string_view kTimeHeads[] = {"ochtend", "middag", "avond", "actie", "dag"};
constexpr size_t kMinRemainderAfterHead = 4;

struct Lexicon {
  std::unordered_set<std::string_view> stop_words;
  std::unordered_map<std::string_view, std::string_view> whole;  // every variant, exactly
  std::vector<const Synonym*> heads;                             // longest variant first
  std::vector<const Synonym*> modifiers;                         // longest variant first
  std::vector<std::string> day_words;  // "zaterdagochtend", ...; stop_words views them

  Lexicon() {
    for (std::string_view w : kFunctionWords) stop_words.insert(w);
    for (std::string_view w : kFillerWords) stop_words.insert(w);
    day_words.reserve(std::size(kWeekdays) * std::size(kDayParts));  // views stay valid
    for (std::string_view day : kWeekdays) {
      for (std::string_view part : kDayParts) {
        day_words.push_back(std::string(day) += part);
        stop_words.insert(day_words.back());
      }
    }
    for (const Synonym& s : kSynonyms) {
      whole.emplace(s.variant, s.canonical);
      if (s.mode == Mode::kHead) heads.push_back(&s);
      if (s.mode == Mode::kModifier) modifiers.push_back(&s);
    }
    const auto longest_first = [](const Synonym* a, const Synonym* b) {
      return a->variant.size() > b->variant.size();
    };
    std::stable_sort(heads.begin(), heads.end(), longest_first);
    std::stable_sort(modifiers.begin(), modifiers.end(), longest_first);
  }
};

const Lexicon& GetLexicon() {
  static const Lexicon* const lexicon = new Lexicon();
  return *lexicon;
}

}  // namespace

bool IsStopWord(std::string_view word) { return GetLexicon().stop_words.contains(word); }

bool IsKnownCompound(std::string_view joined) { return GetLexicon().whole.contains(joined); }

namespace {

std::string ApplySynonymsOnce(std::string word) {
  const Lexicon& lexicon = GetLexicon();
  if (auto it = lexicon.whole.find(word); it != lexicon.whole.end()) {
    return std::string(it->second);
  }
  for (const Synonym* s : lexicon.heads) {
    if (word.size() >= s->variant.size() + kMinCompoundPart && word.ends_with(s->variant)) {
      word.replace(word.size() - s->variant.size(), s->variant.size(), s->canonical);
      break;
    }
  }
  for (const Synonym* s : lexicon.modifiers) {
    if (word.size() >= s->variant.size() + kMinCompoundPart && word.starts_with(s->variant)) {
      word.replace(0, s->variant.size(), s->canonical);
      break;
    }
  }
  return word;
}

}  // namespace

std::string ApplySynonyms(std::string word) {
  // A rewrite can expose another ("geefmarkt" -> "weggeefmarkt" -> "weggeef"). Every chain
  // ends in a form no entry rewrites, within a few rounds.
  for (int round = 0; round < 3; ++round) {
    std::string next = ApplySynonymsOnce(word);
    if (next == word) break;
    word = std::move(next);
  }
  return word;
}

std::string StripGenericModifier(std::string word) {
  for (std::string_view keep : kKeepWhole) {
    if (word == keep) return word;
  }
  for (std::string_view modifier : kGenericModifiers) {
    if (word.size() >= modifier.size() + kMinRemainderAfterModifier && word.starts_with(modifier)) {
      // "buurtcafe", "buurtgroep" name a thing of their own, not just a form.
      std::string rest = word.substr(modifier.size());
      return IsFormatWord(rest) ? word : rest;
    }
  }
  return word;
}

SplitCompound SplitFormatHead(std::string word) {
  const auto split = [&](std::string_view head) -> bool {
    if (word.size() < head.size() + kMinRemainderAfterHead || !word.ends_with(head)) {
      return false;
    }
    // "burendag": the rest is a filler word, and the compound names a thing of its own.
    return !IsStopWord(std::string_view(word).substr(0, word.size() - head.size()));
  };
  for (std::string_view head : kFormatHeads) {
    if (split(head)) return {word.substr(0, word.size() - head.size()), std::string(head)};
  }
  for (std::string_view head : kTimeHeads) {
    if (split(head)) return {word.substr(0, word.size() - head.size()), ""};
  }
  return {std::move(word), ""};
}

bool IsFormatWord(std::string_view word) {
  for (std::string_view head : kFormatHeads) {
    if (word == head) return true;
  }
  return false;
}

// ---------------------------------------------------------------- activity lexicon

namespace {

// Informativeness: words ranked above kCommonRank in the frequency list get the floor, words
// ranked beyond kRareRank (or absent) 1, and in between it rises with the log of the rank:
// each tenfold rarer word says about as much more.
constexpr double kCommonRank = 150;
constexpr double kRareRank = 6000;
constexpr float kMinInformativeness = 0.25f;

// A compound's head must be this long to name its concept, and leave this much in front.
constexpr size_t kMinHead = 4;
constexpr size_t kMinModifier = 3;

std::vector<std::string_view> Fields(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const size_t end = line.find(separator, start);
    fields.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

// The canonical content term of one folded word, as the text pipeline reads it (see
// text_similarity.cc: AppendCanonicalTerms), without the form head.
std::string CanonicalContent(const std::string& word) {
  SplitCompound split = SplitFormatHead(StripGenericModifier(ApplySynonyms(word)));
  return StemDutch(std::move(split.content));
}

// Hashes a std::string and a std::string_view alike, so that the tables below are searched
// with a view of a word, not a copy of it.
struct WordHash {
  using is_transparent = void;
  size_t operator()(std::string_view word) const { return std::hash<std::string_view>{}(word); }
};
template <typename Value>
using WordMap = std::unordered_map<std::string, Value, WordHash, std::equal_to<>>;

struct ActivityLexicon {
  std::vector<Concept> concepts;
  WordMap<const Concept*> words;  // folded and canonical forms
  // Phrases by their first word: the rest of their words, and the concept.
  std::unordered_multimap<std::string, std::pair<std::vector<std::string>, const Concept*>,
                          WordHash, std::equal_to<>>
      phrases;
  std::vector<std::string> conflicts;
  size_t longest_word = 0;
  WordMap<uint32_t> rank;  // canonical term -> best frequency rank

  ActivityLexicon() {
    const std::string_view text = ActivityLexiconTsv();
    std::vector<std::vector<std::string_view>> rows;
    for (std::string_view line : Fields(text, '\n')) {
      if (line.empty() || line.front() == '#') continue;
      std::vector<std::string_view> fields = Fields(line, '\t');
      // class, concept, words and an optional English gloss for reviewers (not read).
      if (fields.size() != 3 && fields.size() != 4) {
        conflicts.push_back("malformed line: " + std::string(line));
        continue;
      }
      rows.push_back(std::move(fields));
    }
    concepts.reserve(rows.size());  // `words` points into it
    for (const auto& fields : rows) {
      Concept entry;
      entry.name = fields[1];
      entry.index = static_cast<uint32_t>(concepts.size());
      const std::string_view cls = fields[0];
      entry.term_class = cls == "form"       ? TermClass::kForm
                         : cls == "feast"    ? TermClass::kFeast
                         : cls == "audience" ? TermClass::kAudience
                         : cls == "place"    ? TermClass::kPlace
                         : cls == "occasion" ? TermClass::kOccasion
                                             : TermClass::kActivity;
      concepts.push_back(entry);
    }
    // Words as listed first, then their canonical forms where no listed word has that
    // form: "kookcafe" reads as "kook", which "koken" already names, and "dansavond" as
    // "dans". Two concepts listing one word is an error of the lexicon (its test).
    std::vector<std::pair<std::string, const Concept*>> canonical_forms;
    for (size_t c = 0; c < rows.size(); ++c) {
      const Concept* entry = &concepts[c];
      Add(std::string(entry->name), entry);
      for (std::string_view listed : Fields(rows[c][2], ',')) {
        std::vector<std::string> folded;
        for (FoldedWord& w : FoldWords(listed)) folded.push_back(std::move(w.text));
        if (folded.empty()) continue;
        if (folded.size() == 1) {
          Add(folded[0], entry);
          std::string canonical = CanonicalContent(folded[0]);
          if (canonical.size() >= 2 && !IsStopWord(canonical)) {
            canonical_forms.emplace_back(std::move(canonical), entry);
          }
          continue;
        }
        std::string first = std::move(folded[0]);
        folded.erase(folded.begin());
        phrases.emplace(std::move(first), std::make_pair(std::move(folded), entry));
      }
    }
    for (auto& [canonical, entry] : canonical_forms) words.try_emplace(canonical, entry);
    const std::string_view frequency = DutchWordFrequency();
    uint32_t next_rank = 1;
    for (std::string_view line : Fields(frequency, '\n')) {
      if (line.empty() || line.front() == '#') continue;
      const std::string word(Fields(line, ' ')[0]);
      const uint32_t r = next_rank++;
      for (const std::string& key : {word, StemDutch(word)}) rank.try_emplace(key, r);
    }
  }

  void Add(const std::string& word, const Concept* entry) {
    auto [it, inserted] = words.emplace(word, entry);
    if (!inserted && it->second != entry) {
      conflicts.push_back(word + ": " + std::string(it->second->name) + ", " +
                          std::string(entry->name));
    }
    longest_word = std::max(longest_word, word.size());
  }
};

const ActivityLexicon& GetActivityLexicon() {
  static const ActivityLexicon* const lexicon = new ActivityLexicon();
  return *lexicon;
}

}  // namespace

const Concept* FindConcept(std::string_view word) {
  const ActivityLexicon& lexicon = GetActivityLexicon();
  auto it = lexicon.words.find(word);
  return it == lexicon.words.end() ? nullptr : it->second;
}

const Concept* FindHeadConcept(std::string_view term, std::string* modifier) {
  const ActivityLexicon& lexicon = GetActivityLexicon();
  // No head is longer than the longest word of the lexicon.
  const size_t first =
      std::max(kMinModifier, term.size() - std::min(term.size(), lexicon.longest_word));
  for (size_t at = first; at + kMinHead <= term.size(); ++at) {
    auto it = lexicon.words.find(term.substr(at));
    if (it != lexicon.words.end()) {
      *modifier = std::string(term.substr(0, at));
      return it->second;
    }
  }
  return nullptr;
}

size_t MatchPhrase(const std::vector<std::string_view>& words, size_t at, const Concept** found) {
  const ActivityLexicon& lexicon = GetActivityLexicon();
  size_t best = 0;
  auto [begin, end] = lexicon.phrases.equal_range(words[at]);
  for (auto it = begin; it != end; ++it) {
    const std::vector<std::string>& rest = it->second.first;
    if (rest.size() + 1 <= best || at + rest.size() >= words.size()) continue;
    if (std::equal(rest.begin(), rest.end(), words.begin() + static_cast<long>(at) + 1)) {
      best = rest.size() + 1;
      *found = it->second.second;
    }
  }
  return best;
}

size_t ConceptCount() { return GetActivityLexicon().concepts.size(); }

std::vector<std::string> LexiconConflicts() { return GetActivityLexicon().conflicts; }

float Informativeness(std::string_view term) {
  const ActivityLexicon& lexicon = GetActivityLexicon();
  auto it = lexicon.rank.find(term);
  if (it == lexicon.rank.end()) return 1.0f;
  const double share = std::log(it->second / kCommonRank) / std::log(kRareRank / kCommonRank);
  return static_cast<float>(std::clamp(share, double{kMinInformativeness}, 1.0));
}

}  // namespace rotonde::projections::internal
