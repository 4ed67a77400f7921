#include "rotonde/base/utf8.h"

#include <gtest/gtest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

namespace rotonde::utf8 {
namespace {

// ---------------------------------------------------------------- reading

struct Expected {
  std::string bytes;
  char32_t code_point;
  size_t length;
  Error error;
};

void ExpectDecodes(const Expected& expected) {
  const Sequence sequence = Decode(expected.bytes, 0);
  EXPECT_EQ(sequence.code_point, expected.code_point) << expected.bytes;
  EXPECT_EQ(sequence.length, expected.length) << expected.bytes;
  EXPECT_EQ(sequence.error, expected.error) << expected.bytes;
  EXPECT_EQ(sequence.valid(), expected.error == Error::kNone) << expected.bytes;
}

TEST(Utf8DecodeTest, ReadsEveryLengthUpToItsBounds) {
  for (const Expected& e : std::vector<Expected>{
           {std::string(1, '\0'), 0, 1, Error::kNone},
           {"a", U'a', 1, Error::kNone},
           {"\x7F", 0x7F, 1, Error::kNone},
           {"\xC2\x80", 0x80, 2, Error::kNone},
           {"\xC3\xA9", 0xE9, 2, Error::kNone},  // é
           {"\xDF\xBF", 0x7FF, 2, Error::kNone},
           {"\xE0\xA0\x80", 0x800, 3, Error::kNone},
           {"\xE2\x82\xAC", 0x20AC, 3, Error::kNone},  // €
           {"\xED\x9F\xBF", 0xD7FF, 3, Error::kNone},  // just below the surrogates
           {"\xEE\x80\x80", 0xE000, 3, Error::kNone},  // just above them
           {"\xEF\xBF\xBF", 0xFFFF, 3, Error::kNone},
           {"\xF0\x90\x80\x80", 0x10000, 4, Error::kNone},
           {"\xF0\x9F\x98\x80", 0x1F600, 4, Error::kNone},  // an emoji
           {"\xF4\x8F\xBF\xBF", 0x10FFFF, 4, Error::kNone},
       }) {
    ExpectDecodes(e);
  }
}

TEST(Utf8DecodeTest, NamesEveryWayOfNotBeingUtf8) {
  for (const Expected& e : std::vector<Expected>{
           // A byte that cannot start a sequence.
           {"\x80", 0, 1, Error::kBadLead},
           {"\xBF\x80", 0, 1, Error::kBadLead},
           {"\xF8\x88\x80\x80\x80", 0, 1, Error::kBadLead},
           {"\xFF", 0, 1, Error::kBadLead},
           // Fewer continuation bytes than announced: at the end, or cut by another byte.
           {"\xC3", 0, 1, Error::kTruncated},
           {"\xE2\x82", 0, 2, Error::kTruncated},
           {"\xF0\x9F\x98", 0, 3, Error::kTruncated},
           {"\xC3(", 0, 1, Error::kTruncated},
           {"\xE2\x82\xE2\x82\xAC", 0, 2, Error::kTruncated},
           {"\xF0\x9F\x98"
            "a",
            0, 3, Error::kTruncated},
           // Longer than needed, read for the value the bits spell.
           {"\xC0\x80", 0, 2, Error::kOverlong},
           {"\xC0\xAF", U'/', 2, Error::kOverlong},
           {"\xC1\xBF", 0x7F, 2, Error::kOverlong},
           {"\xE0\x80\x80", 0, 3, Error::kOverlong},
           {"\xE0\x9F\xBF", 0x7FF, 3, Error::kOverlong},
           {"\xF0\x80\x80\x80", 0, 4, Error::kOverlong},
           {"\xF0\x8F\xBF\xBF", 0xFFFF, 4, Error::kOverlong},
           // UTF-16 surrogates, also in an overlong form.
           {"\xED\xA0\x80", 0xD800, 3, Error::kSurrogate},
           {"\xED\xBF\xBF", 0xDFFF, 3, Error::kSurrogate},
           {"\xF0\x8D\xA0\x80", 0xD800, 4, Error::kSurrogate},
           // Beyond U+10FFFF, also from the leads F5..F7 that can only start such values.
           {"\xF4\x90\x80\x80", 0x110000, 4, Error::kTooLarge},
           {"\xF5\x80\x80\x80", 0x140000, 4, Error::kTooLarge},
           {"\xF7\xBF\xBF\xBF", 0x1FFFFF, 4, Error::kTooLarge},
       }) {
    ExpectDecodes(e);
  }
}

TEST(Utf8DecodeTest, ReadsAtAnIndex) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC";
  EXPECT_EQ(Decode(text, 3).code_point, 0xE9u);
  EXPECT_EQ(Decode(text, 3).length, 2u);
  EXPECT_EQ(Decode(text, 4).error, Error::kBadLead);  // inside the é
  EXPECT_EQ(Decode(text, 6).code_point, 0x20ACu);
  EXPECT_EQ(Decode(std::string_view(text).substr(0, 8), 6).error, Error::kTruncated);
}

// ICU's U8_NEXT is a reader written independently of ours; on every string of one to three
// bytes, and on four-byte strings whose last byte is any of a few kinds, both agree on
// what is valid, on its code point and on its length.
TEST(Utf8DecodeTest, AgreesWithIcu) {
  std::string bytes;
  size_t disagreements = 0;
  const auto compare = [&] {
    const Sequence ours = Decode(bytes, 0);
    int32_t at = 0;
    UChar32 icu = 0;
    U8_NEXT(reinterpret_cast<const uint8_t*>(bytes.data()), at, static_cast<int32_t>(bytes.size()),
            icu);
    const bool agree = ours.valid() == (icu >= 0) &&
                       (!ours.valid() || (ours.code_point == static_cast<char32_t>(icu) &&
                                          ours.length == static_cast<size_t>(at)));
    if (!agree && ++disagreements <= 5)
      ADD_FAILURE() << "disagree on " << testing::PrintToString(bytes);
  };
  for (int a = 0; a < 256; ++a) {
    bytes.assign(1, static_cast<char>(a));
    compare();
    for (int b = 0; b < 256; ++b) {
      bytes.assign({static_cast<char>(a), static_cast<char>(b)});
      compare();
      for (int c = 0; c < 256; ++c) {
        bytes.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        compare();
        if (a < 0xF0) continue;
        for (const char d : {'\x41', '\x80', '\xA5', '\xBF', '\xC0'}) {
          bytes.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), d});
          compare();
        }
      }
    }
  }
  EXPECT_EQ(disagreements, 0u);
}

TEST(Utf8IsValidTest, WholeTexts) {
  EXPECT_TRUE(IsValid(""));
  EXPECT_TRUE(IsValid("Burendag in de Kolenkit"));
  EXPECT_TRUE(
      IsValid("caf\xC3\xA9 \xE2\x82\xAC"
              "5 \xF0\x9F\x8E\x89"));
  EXPECT_TRUE(IsValid(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValid("caf\xC3"));  // cut off at the end
  EXPECT_FALSE(
      IsValid("caf\xC3"
              "e"));                            // cut off inside
  EXPECT_FALSE(IsValid("a\x80z"));              // a stray continuation byte
  EXPECT_FALSE(IsValid("a\xC0\xAFz"));          // overlong
  EXPECT_FALSE(IsValid("a\xED\xA0\x80z"));      // a surrogate
  EXPECT_FALSE(IsValid("a\xF4\x90\x80\x80z"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValid("\xFE\xFF"));
}

// Random texts, mostly of bytes that make or nearly make sequences: valid exactly when ICU
// converts them without error.
TEST(Utf8IsValidTest, AgreesWithIcuOnRandomTexts) {
  std::mt19937 random(20260613);
  const std::vector<uint8_t> kinds = {'a',  ' ',  0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2,
                                      0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  std::uniform_int_distribution<size_t> pick(0, kinds.size() - 1);
  std::uniform_int_distribution<int> length(0, 12);
  int valid_texts = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text(static_cast<size_t>(length(random)), '\0');
    for (char& c : text) c = static_cast<char>(kinds[pick(random)]);
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    u_strFromUTF8(nullptr, 0, &units, text.data(), static_cast<int32_t>(text.size()), &status);
    const bool icu_valid = status != U_INVALID_CHAR_FOUND;
    ASSERT_EQ(IsValid(text), icu_valid) << testing::PrintToString(text);
    valid_texts += icu_valid;
  }
  EXPECT_GT(valid_texts, 100);  // both kinds were tried
}

// ---------------------------------------------------------------- words and folding

std::string Fold(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const Sequence sequence = Decode(text, i);
    EXPECT_TRUE(sequence.valid()) << text;
    AppendFolded(sequence.code_point, &out);
    i += sequence.length;
  }
  return out;
}

TEST(Utf8RoleInWordTest, ByGeneralCategory) {
  for (char32_t letter : {U'a', U'Z', U'é', U'ß', U'ĳ', U'Ω', U'ж', U'ǅ', U'Ⅻ', U'中'}) {
    EXPECT_EQ(RoleInWord(letter), WordRole::kLetter) << static_cast<uint32_t>(letter);
  }
  for (char32_t digit : {U'0', U'9', U'٣', U'１'}) {
    EXPECT_EQ(RoleInWord(digit), WordRole::kDigit) << static_cast<uint32_t>(digit);
  }
  for (char32_t mark : {char32_t{0x301}, char32_t{0x326}, char32_t{0xFE0F}, char32_t{0x93F}}) {
    EXPECT_EQ(RoleInWord(mark), WordRole::kMark) << static_cast<uint32_t>(mark);
  }
  for (char32_t other : {U' ', U'-', U'\'', U'’', U'€', U'²', U'½', char32_t{0xA0}, char32_t{0xAD},
                         char32_t{0x200D}, U'🎉', char32_t{0xE000}, char32_t{0x378}, U'\n'}) {
    EXPECT_EQ(RoleInWord(other), WordRole::kNone) << static_cast<uint32_t>(other);
  }
}

TEST(Utf8IsUpperTest, UpperAndTitleCase) {
  for (char32_t upper : {U'A', U'Z', U'É', U'Ĳ', U'Ά', U'Ж', U'ǅ'}) {
    EXPECT_TRUE(IsUpper(upper)) << static_cast<uint32_t>(upper);
  }
  for (char32_t other : {U'a', U'é', U'ß', U'ĳ', U'ά', U'ж', U'1', U' ', U'中'}) {
    EXPECT_FALSE(IsUpper(other)) << static_cast<uint32_t>(other);
  }
}

TEST(Utf8FoldTest, Dutch) {
  EXPECT_EQ(Fold("Één Café Braderieën"), "eencafebraderieen");
  EXPECT_EQ(Fold("èéëêïüöáàâäçñ"), "eeeeiuoaaaacn");
  EXPECT_EQ(Fold("ĲSBAAN ĳs"), "ijsbaanijs");  // the ĳ ligature
  EXPECT_EQ(Fold("Cafe\xCC\x81"), "cafe");     // e + combining acute accent
  EXPECT_EQ(Fold("Metro 53"), "metro53");
}

TEST(Utf8FoldTest, GermanSharpS) {
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("STRAẞE"), "strasse");
  EXPECT_EQ(Fold("STRASSE"), "strasse");
}

TEST(Utf8FoldTest, GreekWithoutAccentsAndWithOneSigma) {
  EXPECT_EQ(Fold("ΆΘΗΝΑ"), Fold("αθηνα"));
  EXPECT_EQ(Fold("Αθήνα"), Fold("αθηνα"));
  EXPECT_EQ(Fold("αθηνα"), "αθηνα");
  EXPECT_EQ(Fold("ΟΔΟΣ"), Fold("οδος"));  // final sigma
  EXPECT_EQ(Fold("Ϊ"), "ι");
}

TEST(Utf8FoldTest, Cyrillic) {
  EXPECT_EQ(Fold("МОСКВА"), "москва");
  EXPECT_EQ(Fold("Ёлка"), "елка");
  EXPECT_EQ(Fold("Київ"), "киів");  // ї is і with a diaeresis
}

TEST(Utf8FoldTest, LigaturesAndLettersWithoutAMark) {
  EXPECT_EQ(Fold("ﬁets ﬂes ﬀ"), "fietsflesff");
  EXPECT_EQ(Fold("Æblegrød æ Œuvre œ"), "aeblegrodaeoeuvreoe");
  EXPECT_EQ(Fold("Łódź ł Đ đ Þ þ ð ħ ı"), "lodzlddththdhi");
  EXPECT_EQ(Fold("ŀ ŉ"), "ln");  // spelled "l·" and "ʼn": only the letters remain
  EXPECT_EQ(Fold("Ʀ ʀ"), "rr");  // Latin-ASCII spells the small capital R as "R"
}

TEST(Utf8FoldTest, RomanianCommaAndCedilla) {
  EXPECT_EQ(Fold("ș ț Ș Ț"), "stst");  // comma below
  EXPECT_EQ(Fold("ş ţ Ş Ţ"), "stst");  // cedilla
  EXPECT_EQ(Fold("Timișoara"), Fold("Timisoara"));
}

TEST(Utf8FoldTest, CompatibilityFormsAndNonWordCharacters) {
  EXPECT_EQ(Fold("ＡＢＣ１２"), "abc12");  // fullwidth
  EXPECT_EQ(Fold("Ⅻ"), "xii");
  EXPECT_EQ(Fold(" -.,'’€²½🎉\t"), "");
  std::string mark;
  AppendFolded(0x301, &mark);
  EXPECT_EQ(mark, "");
}

// Every letter of Latin-1 Supplement, Latin Extended-A and Latin Extended Additional
// (Vietnamese and Welsh among them) folds to lower-case ASCII letters, but for two archaic
// ones: ẚ (whose half ring is a letter of its own) and the Latin delta ẟ.
TEST(Utf8FoldTest, EuropeanLatinFoldsToAscii) {
  for (const auto& [first, last] : std::vector<std::pair<char32_t, char32_t>>{
           {0xC0, 0xFF}, {0x100, 0x17F}, {0x1E00, 0x1E99}, {0x1E9B, 0x1E9E}, {0x1EA0, 0x1EFF}}) {
    for (char32_t cp = first; cp <= last; ++cp) {
      if (RoleInWord(cp) != WordRole::kLetter) continue;
      std::string folded;
      AppendFolded(cp, &folded);
      EXPECT_FALSE(folded.empty()) << static_cast<uint32_t>(cp);
      for (char c : folded) EXPECT_TRUE(c >= 'a' && c <= 'z') << static_cast<uint32_t>(cp);
    }
  }
}

// A fold is in NFD and folded already: folding each of its code points again changes
// nothing.
TEST(Utf8FoldTest, FoldsEveryCodePointToAFixedPoint) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  int folded_code_points = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp == 0xD800) cp = 0xE000;  // surrogates are not characters
    std::string once;
    AppendFolded(cp, &once);
    if (once.empty()) continue;
    ++folded_code_points;
    ASSERT_TRUE(IsValid(once)) << static_cast<uint32_t>(cp);
    EXPECT_EQ(Fold(once), once) << static_cast<uint32_t>(cp);
    EXPECT_TRUE(nfd->isNormalized(icu::UnicodeString::fromUTF8(once), status))
        << static_cast<uint32_t>(cp);
  }
  EXPECT_GT(folded_code_points, 100000);  // letters, digits and marks of all scripts
}

// Each thread folds with its own transliterator and cache. Many threads folding at once,
// through more code points than a cache holds, get what one thread gets.
TEST(Utf8FoldTest, SameInEveryThreadAndAfterTheCacheIsFull) {
  std::string all;
  for (char32_t cp = 0x80; cp < 0x3000; ++cp) AppendFolded(cp, &all);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::string& result : results) {
    threads.emplace_back([&result] {
      for (int round = 0; round < 2; ++round) {
        result.clear();
        for (char32_t cp = 0x80; cp < 0x3000; ++cp) AppendFolded(cp, &result);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& result : results) EXPECT_EQ(result, all);
  EXPECT_EQ(Fold("Ά"), "α");
}

}  // namespace
}  // namespace rotonde::utf8
