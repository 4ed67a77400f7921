#include "temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace rotonde::test_support {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rotonde-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Sub(std::string_view name) const {
  return (std::filesystem::path(path_) / name).string();
}

}  // namespace rotonde::test_support
