#include "small_disk.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

namespace rotonde::test_support {

SmallDisk::SmallDisk(uint64_t bytes) {
  std::string pattern = (std::filesystem::temp_directory_path() / "rotonde-disk-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error_ = "cannot make a mount point: " + std::string(std::strerror(errno));
    return;
  }
  path_ = pattern;
  const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
  if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    const int error = errno;
    error_ = "cannot mount a " + std::to_string(bytes >> 20) + " MiB tmpfs on " + path_ + ": " +
             std::strerror(error) +
             (::geteuid() != 0 ? " (this test mounts a small file system of its own and must run "
                                 "as root)"
                               : "");
    return;
  }
  mounted_ = true;
}

SmallDisk::~SmallDisk() {
  if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  if (!path_.empty()) ::rmdir(path_.c_str());
}

uint64_t SmallDisk::FreeBytes() const {
  struct statvfs fs {};
  if (::statvfs(path_.c_str(), &fs) != 0) return 0;
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

uint64_t SmallDisk::Fill(const std::string& name, uint64_t leave) const {
  const int fd = ::open(Sub(name).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return 0;
  const std::vector<char> chunk(64 << 10, 'x');
  uint64_t written = 0;
  for (;;) {
    const uint64_t free = FreeBytes();
    if (free <= leave) break;
    const size_t size = static_cast<size_t>(std::min<uint64_t>(chunk.size(), free - leave));
    const ssize_t n = ::write(fd, chunk.data(), size);
    if (n <= 0) break;  // ENOSPC: full already
    written += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return written;
}

void SmallDisk::Remove(const std::string& name) const { ::unlink(Sub(name).c_str()); }

}  // namespace rotonde::test_support
