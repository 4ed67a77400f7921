#include "rotonde/projections/text_similarity.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "dutch_lexicon.h"
#include "trigram_baseline.h"

namespace rotonde::projections {
namespace {

using Words = std::vector<std::string>;

// ---------------------------------------------------------------- normalisation

TEST(NormalizeTextTest, FoldsCaseAndCollapsesSeparators) {
  EXPECT_EQ(NormalizeText("  BURENDAG  in de   Kolenkit!! "), "burendag in de kolenkit");
  EXPECT_EQ(NormalizeText("Bos-en-Lommer,plein"), "bos en lommer plein");
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText("?!... --"), "");
}

TEST(NormalizeTextTest, FoldsDiacritics) {
  EXPECT_EQ(NormalizeText("Café Één Braderieën"), "cafe een braderieen");
  EXPECT_EQ(NormalizeText("è é ë ê ï ü ö á à â ä ç ñ"), "e e e e i u o a a a a c n");
  EXPECT_EQ(NormalizeText("\xC4\xB2SBAAN \xC4\xB3s"), "ijsbaan ijs");  // the ĳ ligature
  EXPECT_EQ(NormalizeText("Straße Æblegrød Œuvre Łódź Şükrü"),
            "strasse aeblegrod oeuvre lodz sukru");
  EXPECT_EQ(NormalizeText("Cafe\xCC\x81"), "cafe");  // e + combining acute accent
}

TEST(NormalizeTextTest, FoldsOtherScriptsLigaturesAndRomanian) {
  EXPECT_EQ(NormalizeText("ΆΘΗΝΑ, Αθήνα"), "αθηνα αθηνα");
  EXPECT_EQ(NormalizeText("ΟΔΟΣ οδος"), "οδοσ οδοσ");
  EXPECT_EQ(NormalizeText("Ёлка МОСКВА"), "елка москва");
  EXPECT_EQ(NormalizeText("ﬁets ﬂes"), "fiets fles");  // ligatures
  EXPECT_EQ(NormalizeText("Timișoara Timişoara Țara Ţara"), "timisoara timisoara tara tara");
  EXPECT_EQ(NormalizeText("ＬＥＧＯ-middag"), "lego middag");  // fullwidth letters
}

TEST(NormalizeTextTest, KeepsDigitsAndJoinsApostropheS) {
  EXPECT_EQ(NormalizeText("Metro 53: rijdt om 8:15"), "metro 53 rijdt om 8 15");
  EXPECT_EQ(NormalizeText("foto's en baby’s"), "fotos en babys");
  EXPECT_EQ(NormalizeText("'s avonds zo'n feest"), "s avonds zo n feest");
}

TEST(NormalizeTextTest, TreatsSymbolsAndEmojiAsSeparators) {
  EXPECT_EQ(NormalizeText("Buurtfeest\xF0\x9F\x8E\x89gezellig"), "buurtfeest gezellig");
  EXPECT_EQ(NormalizeText("koffie\xE2\x80\x94thee \xE2\x82\xAC"
                          "5"),
            "koffie thee 5");
  EXPECT_EQ(NormalizeText("a\xC2\xA0"
                          "b"),
            "a b");  // no-break space
}

TEST(NormalizeTextTest, InvalidUtf8BytesSeparateWords) {
  EXPECT_EQ(NormalizeText("kleding\xFFweggeef"), "kleding weggeef");
  EXPECT_EQ(NormalizeText("markt\xC3"), "markt");  // truncated sequence
  EXPECT_EQ(NormalizeText("a\xC0\xAF"
                          "b"),
            "a b");  // overlong "/"
  EXPECT_EQ(NormalizeText("a\xED\xA0\x80"
                          "b"),
            "a b");  // UTF-16 surrogate
  EXPECT_EQ(NormalizeText("a\xF4\x90\x80\x80"
                          "b"),
            "a b");                                  // beyond U+10FFFF
  EXPECT_EQ(NormalizeText("\x80\x80\xE2\x82"), "");  // only fragments
}

TEST(NormalizeTextTest, NeverCrashesOnRandomBytes) {
  std::mt19937 random(20220619);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 200);
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<size_t>(length(random)), '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    const std::string normalized = NormalizeText(text);
    for (char c : normalized) {
      ASSERT_TRUE(c == ' ' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  static_cast<unsigned char>(c) >= 0x80);
    }
    const TextFingerprint fp = TextFingerprint::Build(text, text);
    const double self = Similarity(fp, fp);
    ASSERT_GE(self, 0.0);
    ASSERT_LE(self, 1.0);
  }
}

// ---------------------------------------------------------------- content terms

TEST(ContentTermsTest, DropsStopAndFillerWords) {
  EXPECT_EQ(ContentTerms("Een feest voor de hele buurt, met de bewoners van de wijk!"),
            Words({"feest"}));
  EXPECT_TRUE(
      ContentTerms("de het een en van voor in op met bij aan te om ons onze door naar").empty());
  EXPECT_TRUE(ContentTerms("zaterdagochtend 10 uur, samen gezellig").size() == 1);  // "10"
}

TEST(ContentTermsTest, StemsPluralsAndDiminutives) {
  EXPECT_EQ(ContentTerms("braderieën"), Words({"braderie"}));
  EXPECT_EQ(ContentTerms("kraampjes kraam kramen"), Words({"kraam"}));
  EXPECT_EQ(ContentTerms("stickers sticker"), Words({"sticker"}));
  EXPECT_EQ(ContentTerms("bordjes bord"), Words({"bord"}));
  EXPECT_EQ(ContentTerms("stoeltjes stoeltje stoel"), Words({"stoel"}));
  EXPECT_EQ(ContentTerms("krantje kranten krant"), Words({"krant"}));
  EXPECT_EQ(ContentTerms("spullen bomen boom"), Words({"spul", "boom"}));
  EXPECT_EQ(ContentTerms("fiets fietsen"), Words({"fietsen"}));  // the lexicon's concept
  EXPECT_EQ(ContentTerms("balletjes"), Words({"bal"}));
}

// Found by fuzz/text_fuzzer.cc (fuzz/corpus/text/stem-shorter-than-three-letters): taking
// -en off a five-letter word and undoubling its consonant left two letters ("allen" -> "al").
TEST(ContentTermsTest, NeverStemsToFewerThanThreeLetters) {
  EXPECT_EQ(ContentTerms("met z'n allen"), Words({"allen"}));
  EXPECT_EQ(ContentTerms("ullen"), Words({"ullen"}));
  EXPECT_EQ(ContentTerms("ballen"), Words({"bal"}));
}

TEST(ContentTermsTest, MapsSynonymsAndGenericModifiers) {
  EXPECT_EQ(ContentTerms("nieuwsbrief"), Words({"krant"}));
  EXPECT_EQ(ContentTerms("wijkkrantje"), Words({"krant"}));
  EXPECT_EQ(ContentTerms("buurtfeest"), Words({"feest"}));
  EXPECT_EQ(ContentTerms("bewoners avond"), Words({"bijeenkomst"}));
  EXPECT_EQ(ContentTerms("buurtvergadering"), Words({"bijeenkomst"}));
  EXPECT_EQ(ContentTerms("geefmarkt weggeefmarkt weggeefactie"), Words({"weggeef"}));
  EXPECT_EQ(ContentTerms("BBQ barbecue"), Words({"barbecue"}));
  EXPECT_EQ(ContentTerms("buurthuis"), Words({"buurthuis"}));  // a place, kept whole
  EXPECT_EQ(ContentTerms("zomerfeest"), Words({"feest"}));     // the season is the date
}

TEST(ContentTermsTest, ReadsTheActivityLexicon) {
  // Words, phrases and loanwords of one activity meet in its concept.
  EXPECT_EQ(ContentTerms("karaoke meezingavond"), Words({"zingen"}));
  EXPECT_EQ(ContentTerms("speurtocht vossenjacht"), Words({"speurtocht"}));
  EXPECT_EQ(ContentTerms("potluck, iedereen neemt iets mee"), Words({"potluck"}));
  EXPECT_EQ(ContentTerms("minibieb, een boekenkastje voor de buurt"), Words({"boekenruil"}));
  EXPECT_EQ(ContentTerms("kookworkshop kookles"), Words({"koken"}));
  // A compound the lexicon does not list reads by its head, and by its modifier when that
  // is a concept too.
  EXPECT_EQ(ContentTerms("buitenbioscoop"), Words({"film"}));
  EXPECT_EQ(ContentTerms("kinderyoga"), Words({"yoga", "kind"}));
  // Street names are places.
  EXPECT_EQ(ContentTerms("Hoofdweg"), Words({"hoofdweg"}));
}

TEST(ContentTermsTest, SplitsFormAndTimeOffCompounds) {
  EXPECT_EQ(ContentTerms("glasworkshop glascursus"), Words({"glas", "les"}));
  EXPECT_EQ(ContentTerms("kleurochtend"), Words({"kleur"}));
  EXPECT_EQ(ContentTerms("fietscafé"), Words({"fietsen", "cafe"}));
  EXPECT_EQ(ContentTerms("burendag"), Words({"burendag"}));  // "buren" alone is filler
}

TEST(ContentTermsTest, StemsInflectedAdjectives) {
  EXPECT_EQ(ContentTerms("Nederlandse Nederlands"), Words({"nederland"}));
  EXPECT_EQ(ContentTerms("grote"), Words({}));  // filler, as "groot"
  EXPECT_EQ(ContentTerms("digitale digitaal"), Words({"digitaal"}));
}

// ---------------------------------------------------------------- similarity

double Sim(std::string_view title_a, std::string_view desc_a, std::string_view title_b,
           std::string_view desc_b) {
  return Similarity(TextFingerprint::Build(title_a, desc_a),
                    TextFingerprint::Build(title_b, desc_b));
}

TEST(SimilarityTest, IdenticalTextsScoreOne) {
  const TextFingerprint fp = TextFingerprint::Build(
      "Kledingweggeefactie", "Breng kleding die je niet meer draagt, neem mee wat je past.");
  EXPECT_EQ(Similarity(fp, fp), 1.0);
  EXPECT_EQ(Sim("Braderie", "", "braderie", ""), 1.0);
  EXPECT_EQ(Sim("BRADERIE!", "", "Braderieën", ""), 1.0);
  // Texts without content terms are similar only to the same text.
  EXPECT_EQ(Sim("de en het", "", "de en het", ""), 1.0);
  EXPECT_EQ(Sim("de en het", "", "van voor", ""), 0.0);
  EXPECT_EQ(Sim("", "", "", ""), 0.0);
  EXPECT_EQ(Similarity(TextFingerprint(), fp), 0.0);
  // Found by fuzz/text_fuzzer.cc (fuzz/corpus/text/identical-texts-kept-apart): a text whose
  // only term is one the rules keep apart scored 0.5 with itself.
  EXPECT_EQ(Sim("KledingwePetggeefactie", "", "KledingwePetggeefactie", ""), 1.0);
  EXPECT_EQ(Sim("Voor kinderen", "", "voor kinderen", ""), 1.0);
}

// Found by fuzz/text_fuzzer.cc (fuzz/corpus/text/long-concept-compound-overflow): a compound
// of more than 40 bytes read as a concept ("...speeltuin") was checked for the other side's
// words in a 40-byte table, written past its end.
TEST(SimilarityTest, ALongCompoundOfAConceptIsReadByItsGrams) {
  const std::string compound = "buitenspe" + std::string(60, 'q') + "eltuin";
  const double ab = Sim("Opening speeltuin", "", "Straat afgesloten, tafels " + compound, "");
  const double ba = Sim("Straat afgesloten, tafels " + compound, "", "Opening speeltuin", "");
  EXPECT_GE(ab, 0.0);
  EXPECT_LE(ab, 1.0);
  EXPECT_EQ(ab, ba);
  EXPECT_EQ(Sim(compound, "", compound, ""), 1.0);
}

TEST(SimilarityTest, IsSymmetricAndBounded) {
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"Buurtfeest", "Muziek, eten en spelletjes"},
      {"Feest in de buurt", "Een groot feest voor alle buren"},
      {"Kerstmarkt", "Kraampjes"},
      {"Opschoonactie park", "Zwerfafval prikken"},
      {"Parkconcert", "Klassieke muziek in het park"},
      {"", "alleen een beschrijving"},
  };
  for (const auto& [title_a, desc_a] : texts) {
    for (const auto& [title_b, desc_b] : texts) {
      const double ab = Sim(title_a, desc_a, title_b, desc_b);
      EXPECT_EQ(ab, Sim(title_b, desc_b, title_a, desc_a)) << title_a << " / " << title_b;
      EXPECT_GE(ab, 0.0);
      EXPECT_LE(ab, 1.0);
    }
  }
}

TEST(SimilarityTest, CompoundsMeetTheirSplitForms) {
  EXPECT_GE(Sim("Kledingweggeefactie", "", "Weggeefactie kleding", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Buurtfeest", "", "Feest in de buurt", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Kerstmarkt", "", "Markt met kerst", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Opschoon aktie", "", "Opschoonactie", ""), kSimilarThreshold);
}

TEST(SimilarityTest, CompoundMadeOfTheOtherSidesWordsIsPresent) {
  EXPECT_GE(Sim("Boekenruil", "", "Ruil je boek", ""), kSimilarThreshold);  // boek + en + ruil
  EXPECT_EQ(SharedTerms(TextFingerprint::Build("Boekenruil", ""),
                        TextFingerprint::Build("Ruil je boek", "")),
            Words({"boekenruil"}));
  EXPECT_GE(Sim("Kinderkledingbeurs", "", "Beurs met kleding voor kinderen", ""),
            kSimilarThreshold);
}

TEST(SimilarityTest, TheActivityDecidesNotTheAudienceOrTheDay) {
  EXPECT_LT(Sim("Filmavond voor kinderen", "", "Spelletjesavond voor kinderen", ""),
            kSimilarThreshold);
  EXPECT_LT(Sim("Dansles", "", "Gymnastiek", ""), kSimilarThreshold);
  EXPECT_LT(Sim("Opening buurthuis", "", "Opening speeltuin", ""), kSimilarThreshold);
  EXPECT_LT(Sim("Herdenking 4 mei", "", "Herdenking Keti Koti", ""), kSimilarThreshold);
  EXPECT_LT(Sim("Seniorenbingo", "", "Kinderbingo", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Karaoke", "", "Meezingavond", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Speurtocht", "", "Vossenjacht", ""), kSimilarThreshold);
  EXPECT_GE(Sim("Potluck", "", "Samen eten", "iedereen neemt iets mee"), kSimilarThreshold);
  EXPECT_GE(Sim("Minibieb", "", "Boekenkastje voor de buurt", ""), kSimilarThreshold);
}

TEST(SimilarityTest, NamesInsideSentencesCountLess) {
  // Unrelated plans in one neighbourhood share its place names.
  const double as_name = Sim("Opschoonactie Kolenkit", "", "Buurtfeest Kolenkit", "");
  const double as_word = Sim("Opschoonactie kolenkit", "", "Buurtfeest kolenkit", "");
  EXPECT_LT(as_name, as_word);
  EXPECT_LT(as_name, kSimilarThreshold);
}

TEST(SimilarityTest, ClearNegativesStayBelowThreshold) {
  EXPECT_LT(Sim("Buurtfeest", "", "Buurtvergadering", ""), kSimilarThreshold);
  EXPECT_LT(Sim("Opschoonactie park", "", "Parkconcert", ""), kSimilarThreshold);
  EXPECT_LT(Sim("Yoga in het park", "Gratis yoga in de buitenlucht", "Buurtkrant",
                "Nieuws uit de buurt op papier"),
            kSimilarThreshold);
  EXPECT_LT(Sim("Nieuwsbrief", "", "Nieuwjaarsborrel", ""), kSimilarThreshold);
}

TEST(SimilarityTest, TermsCommonOnThePlatformWeighLess) {
  const TextFingerprint a = TextFingerprint::Build("Zwerfboekenkast Staatsliedenbuurt", "");
  const TextFingerprint b = TextFingerprint::Build("Staatsliedenbuurt opfleuren", "");
  std::unordered_map<uint64_t, uint32_t> counts;
  SimilarityContext context;
  context.document_frequency = &counts;
  context.documents = 40;
  const double alone = Similarity(a, b, context);
  EXPECT_EQ(alone, Similarity(a, b));  // the term is on no other initiative: as without
  // Every initiative of this platform names the neighbourhood: it says nothing here.
  counts[TermHash("staatsliedenbuurt")] = 40;
  EXPECT_LT(Similarity(a, b, context), alone);
  EXPECT_EQ(Similarity(a, b, context), Similarity(b, a, context));
  // Too few initiatives to know the platform's vocabulary: no change.
  context.documents = 5;
  counts[TermHash("staatsliedenbuurt")] = 5;
  EXPECT_EQ(Similarity(a, b, context), alone);
}

TEST(LearnedTermsTest, TheLaterDecisionWinsAndTheSetsAreBounded) {
  LearnedTerms learned;
  learned.Learn({"potluck"}, {"maaltijd"}, /*same=*/true);
  EXPECT_TRUE(learned.Same("maaltijd", "potluck"));
  learned.Learn({"maaltijd"}, {"potluck"}, /*same=*/false);
  EXPECT_FALSE(learned.Same("maaltijd", "potluck"));
  EXPECT_TRUE(learned.Different("potluck", "maaltijd"));
  for (size_t i = 0; i < LearnedTerms::kMaxPairs + 10; ++i) {
    learned.Learn({"a" + std::to_string(i)}, {"b"}, /*same=*/true);
  }
  EXPECT_EQ(learned.same.size(), LearnedTerms::kMaxPairs);
}

TEST(SharedTermsTest, NamesThePartsTwoTextsShare) {
  const TextFingerprint a = TextFingerprint::Build("Kledingweggeefactie", "");
  const TextFingerprint b = TextFingerprint::Build("Weggeefactie kleding", "bij het metrostation");
  EXPECT_EQ(SharedTerms(a, b), Words({"kleding", "weggeefactie"}));
  EXPECT_EQ(SharedTerms(b, a), Words({"kleding", "weggeefactie"}));
  EXPECT_TRUE(SharedTerms(a, TextFingerprint::Build("Parkconcert", "")).empty());
}

TEST(ActivityLexiconTest, EveryWordNamesOneConcept) {
  EXPECT_GE(internal::ConceptCount(), 250u);
  const std::vector<std::string> conflicts = internal::LexiconConflicts();
  EXPECT_TRUE(conflicts.empty()) << ::testing::PrintToString(conflicts);
}

// ---------------------------------------------------------------- the labelled set

struct LabelledPair {
  bool match;
  std::string title_a, description_a, title_b, description_b, why;
};

std::vector<LabelledPair> LoadLabelledSet(const char* path = ROTONDE_SIMILAR_INITIATIVES_TSV) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::vector<LabelledPair> pairs;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, '\t');) fields.push_back(field);
    EXPECT_EQ(fields.size(), 6u) << line;
    if (fields.size() != 6) continue;
    EXPECT_TRUE(fields[0] == "match" || fields[0] == "nomatch") << line;
    pairs.push_back({fields[0] == "match", fields[1], fields[2], fields[3], fields[4], fields[5]});
  }
  return pairs;
}

struct Score {
  int true_positives = 0, false_positives = 0, false_negatives = 0, n = 0;
  double precision() const {
    return true_positives == 0 ? 0 : double(true_positives) / (true_positives + false_positives);
  }
  double recall() const {
    return true_positives == 0 ? 0 : double(true_positives) / (true_positives + false_negatives);
  }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
  void Add(bool predicted, bool actual) {
    ++n;
    if (predicted && actual) ++true_positives;
    if (predicted && !actual) ++false_positives;
    if (!predicted && actual) ++false_negatives;
  }
  std::string Report(const std::string& name) const {
    char line[160];
    std::snprintf(line, sizeof line, "%s: precision %.2f recall %.2f F1 %.2f (n=%d)", name.c_str(),
                  precision(), recall(), f1(), n);
    return line;
  }
};

TEST(LabelledSetTest, HasEnoughPairsOfBothKinds) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet();
  int matches = 0;
  for (const LabelledPair& p : pairs) matches += p.match;
  EXPECT_GE(pairs.size(), 100u);
  EXPECT_GE(matches, 40);
  EXPECT_GE(static_cast<int>(pairs.size()) - matches, 40);
}

TEST(LabelledSetTest, DutchSimilarityBeatsDecidimTrigrams) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet();
  ASSERT_FALSE(pairs.empty());
  Score ours;
  Score decidim;
  // Rows marked "held-out:" were written after the method was settled and never used to
  // choose anything; their score is the better estimate of how it does on new text.
  Score ours_held_out;
  Score decidim_held_out;
  for (const LabelledPair& p : pairs) {
    const TextFingerprint a = TextFingerprint::Build(p.title_a, p.description_a);
    const TextFingerprint b = TextFingerprint::Build(p.title_b, p.description_b);
    const double similarity = Similarity(a, b);
    const bool decidim_similar =
        baseline::DecidimSimilar(p.title_a, p.description_a, p.title_b, p.description_b);
    ours.Add(similarity >= kSimilarThreshold, p.match);
    decidim.Add(decidim_similar, p.match);
    if (p.why.starts_with("held-out:")) {
      ours_held_out.Add(similarity >= kSimilarThreshold, p.match);
      decidim_held_out.Add(decidim_similar, p.match);
    }
    if ((similarity >= kSimilarThreshold) != p.match) {
      std::cout << "  miss (" << (p.match ? "match" : "nomatch") << ", " << similarity
                << "): " << p.title_a << " | " << p.title_b << "  -- " << p.why << "\n";
    }
  }
  std::cout << ours.Report("dutch similarity") << " at threshold " << kSimilarThreshold << "\n"
            << decidim.Report("decidim pg_trgm baseline") << " at threshold "
            << baseline::kDecidimSimilarityThreshold << "\n"
            << ours_held_out.Report("  held-out rows only: dutch similarity") << "\n"
            << decidim_held_out.Report("  held-out rows only: decidim pg_trgm baseline") << "\n";
  EXPECT_GE(ours.precision(), 0.90);
  EXPECT_GE(ours.recall(), 0.90);
  EXPECT_GT(ours.f1(), decidim.f1());
}

// The two halves of a labelled set written for issue 15 ("clashes people can trust"), by
// someone other than who built the method, of Dutch initiative pairs it never saw. The
// tuning half may be read and tuned on; the held-out half is read only here, and only its
// figures are printed (never its misses), so that it stays an estimate of how the method
// does on text nobody has looked at.
Score ScoreSet(const std::vector<LabelledPair>& pairs, bool print_misses) {
  Score score;
  for (const LabelledPair& p : pairs) {
    const double similarity = Similarity(TextFingerprint::Build(p.title_a, p.description_a),
                                         TextFingerprint::Build(p.title_b, p.description_b));
    score.Add(similarity >= kSimilarThreshold, p.match);
    if (print_misses && (similarity >= kSimilarThreshold) != p.match) {
      std::cout << "  miss (" << (p.match ? "match" : "nomatch") << ", " << similarity
                << "): " << p.title_a << " | " << p.title_b << "  -- " << p.why << "\n";
    }
  }
  return score;
}

TEST(LabelledSetTest, TuningHalfOfUnseenPairs) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet(ROTONDE_CLASH_PAIRS_TUNING_TSV);
  ASSERT_GE(pairs.size(), 200u);
  const Score score = ScoreSet(pairs, /*print_misses=*/true);
  std::cout << score.Report("tuning half") << " at threshold " << kSimilarThreshold << "\n";
  EXPECT_GE(score.precision(), 0.90);
  EXPECT_GE(score.recall(), 0.90);
}

// The held-out half: pairs the lexicon and weights were never tuned on, whose misses are never
// printed (a printed miss would be tuned away). The product's floor is 0.90 for both; what
// the detector reaches is 0.88 and 0.88 (docs/domain.md says what bounds it), so this test
// guards that level against regressions until the floor is met: it is not the floor.
constexpr double kHeldOutFloor = 0.90;
constexpr double kHeldOutReached = 0.88;

TEST(LabelledSetTest, HeldOutHalfOfUnseenPairs) {
  const std::vector<LabelledPair> pairs = LoadLabelledSet(ROTONDE_CLASH_PAIRS_HELDOUT_TSV);
  ASSERT_GE(pairs.size(), 200u);
  const Score score = ScoreSet(pairs, /*print_misses=*/false);
  std::cout << score.Report("held-out half") << " at threshold " << kSimilarThreshold
            << "; the floor is " << kHeldOutFloor
            << (score.precision() >= kHeldOutFloor && score.recall() >= kHeldOutFloor ? ": met"
                                                                                      : ": NOT MET")
            << "\n";
  EXPECT_GE(score.precision(), kHeldOutReached - 0.005);
  EXPECT_GE(score.recall(), kHeldOutReached - 0.005);
}

// ---------------------------------------------------------------- the baseline itself

TEST(PgTrgmBaselineTest, MatchesPostgresSemantics) {
  // PostgreSQL documentation: similarity('word', 'two words') = 0.36363637 (4 of 11 trigrams).
  EXPECT_NEAR(baseline::PgTrgmSimilarity("word", "two words"), 4.0 / 11.0, 1e-9);
  EXPECT_EQ(baseline::PgTrgmSimilarity("Braderie", "braderie!"), 1.0);
  EXPECT_EQ(baseline::PgTrgmSimilarity("", "braderie"), 0.0);
  EXPECT_EQ(baseline::PgTrgmSimilarity("Café", "cafe"), 3.0 / 7.0);  // é is its own letter
  EXPECT_TRUE(baseline::DecidimSimilar("Braderie", "", "Braderie Noord", "iets anders"));
}

}  // namespace
}  // namespace rotonde::projections
