#include "note_record.h"

namespace rotonde::app {

std::string NoteKey(std::string_view platform, uint64_t size) {
  std::string key(platform);
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(size >> shift));
  return key;
}

std::optional<uint64_t> NoteKeySize(std::string_view key, std::string_view platform) {
  if (key.size() != platform.size() + 1 + 8 || !key.starts_with(platform) ||
      key[platform.size()] != '\0') {
    return std::nullopt;
  }
  uint64_t size = 0;
  for (const char c : key.substr(platform.size() + 1)) {
    size = size << 8 | static_cast<unsigned char>(c);
  }
  return size;
}

std::string NoteValue(std::string_view hash, std::string_view note) {
  std::string value(hash);
  value += note;
  return value;
}

Result<StoredNote> ParseNoteValue(std::string_view value) {
  if (value.size() <= kNoteHashBytes) return Status::Corruption("a stored note is cut short");
  return StoredNote{std::string(value.substr(0, kNoteHashBytes)),
                    std::string(value.substr(kNoteHashBytes))};
}

}  // namespace rotonde::app
