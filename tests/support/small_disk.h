// A file system of its own, small enough to fill: a tmpfs of a given size mounted on a fresh
// directory, for tests of a full disk (ENOSPC). Unmounted on destruction, lazily, so a child
// process still holding files there does not keep it mounted.
//
// Mounting needs root (CAP_SYS_ADMIN); the tests run as root, here and in CI. A test that
// cannot mount fails with error(), it never skips: a full disk that goes untested would look
// like one that passes.
#pragma once

#include <cstdint>
#include <string>

namespace rotonde::test_support {

class SmallDisk {
 public:
  explicit SmallDisk(uint64_t bytes);
  ~SmallDisk();
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  // Why it is not mounted ("" when it is).
  const std::string& error() const { return error_; }
  // The mount point.
  const std::string& path() const { return path_; }
  // `path()/name`; not created.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

  // Bytes free for an unprivileged writer (what statvfs says).
  uint64_t FreeBytes() const;
  // Writes the file `name` until at most `leave` bytes stay free; returns the bytes written.
  uint64_t Fill(const std::string& name, uint64_t leave) const;
  // Deletes the file `name` (a filler), giving its space back.
  void Remove(const std::string& name) const;

 private:
  std::string path_;
  std::string error_;
  bool mounted_ = false;
};

}  // namespace rotonde::test_support
