#include "rotonde/base/utf8.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

namespace rotonde::utf8 {
namespace internal {

Sequence DecodeMultibyte(std::string_view text, size_t at) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[at + k]); };
  const unsigned char lead = byte(0);
  size_t announced;
  char32_t value;
  char32_t shortest;  // the least code point that needs this many bytes
  if (lead >= 0xC0 && lead <= 0xDF) {
    announced = 2, value = lead & 0x1F, shortest = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    announced = 3, value = lead & 0x0F, shortest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF7) {
    announced = 4, value = lead & 0x07, shortest = 0x10000;
  } else {
    return {0, 1, Error::kBadLead};
  }
  size_t length = 1;
  for (; length < announced; ++length) {
    if (at + length >= text.size() || (byte(length) & 0xC0) != 0x80) {
      return {0, length, Error::kTruncated};
    }
    value = (value << 6) | (byte(length) & 0x3F);
  }
  // A surrogate written in an overlong form is still a surrogate; nothing overlong is large.
  Error error = Error::kNone;
  if (value >= 0xD800 && value <= 0xDFFF) {
    error = Error::kSurrogate;
  } else if (value > 0x10FFFF) {
    error = Error::kTooLarge;
  } else if (value < shortest) {
    error = Error::kOverlong;
  }
  return {value, length, error};
}

WordRole RoleInWordBeyondAscii(char32_t code_point) {
  const uint32_t category_mask = U_GET_GC_MASK(static_cast<UChar32>(code_point));
  if ((category_mask & (U_GC_L_MASK | U_GC_NL_MASK)) != 0) return WordRole::kLetter;
  if ((category_mask & U_GC_ND_MASK) != 0) return WordRole::kDigit;
  if ((category_mask & U_GC_M_MASK) != 0) return WordRole::kMark;
  return WordRole::kNone;
}

bool IsUpperBeyondAscii(char32_t code_point) {
  const auto c = static_cast<UChar32>(code_point);
  return u_isupper(c) || u_istitle(c);
}

}  // namespace internal

namespace {

[[noreturn]] void IcuFailed(const char* what, UErrorCode status) {
  std::fprintf(stderr, "rotonde: ICU %s failed: %s\n", what, u_errorName(status));
  std::abort();
}

// What follows NFKC_Casefold: decompose, drop the marks, spell the remaining Latin letters
// in ASCII. Compiling it takes about 10 ms, so it is compiled once; a transliterator must
// not be used by two threads at once, so each thread works on its own clone.
constexpr char kStripMarksAndSpellLatin[] = "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII";

const icu::Transliterator& Prototype() {
  static const icu::Transliterator* const prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    icu::Transliterator* created =
        icu::Transliterator::createInstance(kStripMarksAndSpellLatin, UTRANS_FORWARD, status);
    if (U_FAILURE(status)) IcuFailed("Transliterator::createInstance", status);
    return created;
  }();
  return *prototype;
}

// One thread's folder: a clone of the transliterator, and the folded forms of the code points
// it met lately. Text repeats its few non-ASCII letters, and a fold costs about 400 ns of
// ICU; a hit costs a lookup. Direct-mapped, so its memory is fixed however many code points
// a thread meets.
class Folder {
 public:
  Folder() {
    static std::mutex clone_mutex;  // cloning reads the shared prototype's rules
    std::lock_guard<std::mutex> lock(clone_mutex);
    transliterator_.reset(Prototype().clone());
    if (transliterator_ == nullptr) IcuFailed("Transliterator::clone", U_MEMORY_ALLOCATION_ERROR);
  }

  const std::string& Folded(char32_t code_point) {
    Slot& slot = slots_[code_point % kSlots];
    if (slot.code_point != code_point) {
      slot.folded = Fold(code_point);
      slot.code_point = code_point;
    }
    return slot.folded;
  }

 private:
  static constexpr size_t kSlots = 1024;
  struct Slot {
    char32_t code_point = 0;  // 0 is ASCII, never folded here: the slot is empty
    std::string folded;
  };

  std::string Fold(char32_t code_point) {
    UErrorCode status = U_ZERO_ERROR;
    static const icu::Normalizer2* const casefold = [] {
      UErrorCode instance_status = U_ZERO_ERROR;
      const icu::Normalizer2* instance = icu::Normalizer2::getNFKCCasefoldInstance(instance_status);
      if (U_FAILURE(instance_status)) IcuFailed("getNFKCCasefoldInstance", instance_status);
      return instance;
    }();
    icu::UnicodeString text =
        casefold->normalize(icu::UnicodeString(static_cast<UChar32>(code_point)), status);
    if (U_FAILURE(status)) IcuFailed("Normalizer2::normalize", status);
    transliterator_->transliterate(text);
    text.foldCase();  // Latin-ASCII spells small capitals in capitals: "ʀ" -> "R"
    // Compatibility forms may spell out punctuation and spaces ("ŀ" is "l·", "ŉ" is "ʼn"):
    // only the letters, digits and marks belong to the word.
    std::string folded;
    for (int32_t i = 0; i < text.length();) {
      const UChar32 c = text.char32At(i);
      i += U16_LENGTH(c);
      if (RoleInWord(static_cast<char32_t>(c)) == WordRole::kNone) continue;
      icu::UnicodeString(c).toUTF8String(folded);
    }
    return folded;
  }

  std::unique_ptr<icu::Transliterator> transliterator_;
  std::array<Slot, kSlots> slots_;
};

}  // namespace

namespace internal {

void AppendFoldedBeyondAscii(char32_t code_point, std::string* out) {
  if (RoleInWord(code_point) == WordRole::kNone) return;
  thread_local Folder folder;
  out->append(folder.Folded(code_point));
}

}  // namespace internal

bool IsValid(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const Sequence sequence = Decode(text, i);
    if (!sequence.valid()) return false;
    i += sequence.length;
  }
  return true;
}

}  // namespace rotonde::utf8
