// A fresh directory under the system temp dir, removed with its contents on destruction.
#pragma once

#include <string>
#include <string_view>

namespace rotonde::test_support {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`; not created.
  std::string Sub(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace rotonde::test_support
